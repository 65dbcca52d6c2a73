from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RiskConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "kam.risk"
    verbose_name = _("Risk and win-back")

    def ready(self) -> None:
        # Each part registers its panels, alert kinds, steps and timeline sources here.
        from kam.accounts.panels import register as register_panel
        from kam.portfolio.steps import register_churn_risk
        from kam.risk.panels import RISK_PANEL
        from kam.risk.services.scoring import risk_step

        # §6 R2: the portfolio's scoring run asks for "churn risk high" before the strategy.
        register_churn_risk("risk", risk_step)
        register_panel(RISK_PANEL)
