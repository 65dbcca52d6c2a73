from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EngagementConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "kam.engagement"
    verbose_name = _("Engagement")

    def ready(self) -> None:
        from kam.accounts.panels import register
        from kam.engagement.activities.importing import register_importers
        from kam.engagement.activities.panels import ACTIVITIES_PANEL

        register(ACTIVITIES_PANEL)
        register_importers()
