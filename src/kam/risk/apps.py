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
        self._win_back()

    @staticmethod
    def _win_back() -> None:
        """The win-back plan's panel, timeline, follow-up type and alert action (§10)."""
        from kam.accounts.panels import register
        from kam.risk.winback import permissions  # noqa: F401  (declares its actions)
        from kam.risk.winback.links import register_links
        from kam.risk.winback.panels import WIN_BACK_PANEL
        from kam.risk.winback.timeline import register_timeline

        register(WIN_BACK_PANEL)
        register_timeline()
        register_links()
