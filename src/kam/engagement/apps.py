from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EngagementConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "kam.engagement"
    verbose_name = _("Engagement")

    def ready(self) -> None:
        from kam.engagement.surveys.panels import register_surveys

        register_surveys()
        from kam.accounts.panels import register
        from kam.engagement.complaints.importing import register_importers
        from kam.engagement.complaints.panels import COMPLAINTS_PANEL

        register(COMPLAINTS_PANEL)
        register_importers()
