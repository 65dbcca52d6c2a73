from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "kam.ops"
    verbose_name = _("Operations")

    def ready(self) -> None:
        from kam.ops import health

        # /healthz reports the queue of jobs and the scheduler too (kam.core.health).
        health.register()
