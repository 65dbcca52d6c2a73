from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RiskConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "kam.risk"
    verbose_name = _("Risk and win-back")

    def ready(self) -> None:
        # Each part registers its panels, alert kinds, steps and timeline sources here.
        from kam.accounts.panels import register as register_panel
        from kam.risk.panels import RISK_PANEL

        register_panel(RISK_PANEL)
