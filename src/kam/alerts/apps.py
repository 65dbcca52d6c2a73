from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "kam.alerts"
    verbose_name = _("Alerts")

    def ready(self) -> None:
        # Each app declares its alert kinds in its own `alerts.py` (kam.alerts.registry).
        autodiscover_modules("alerts")
        from kam.accounts.timeline import register_history
        from kam.alerts.timeline import KINDS as TIMELINE_KINDS
        from kam.alerts.timeline import alerts_history

        register_history("alerts", alerts_history, TIMELINE_KINDS)
