from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EngagementConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "kam.engagement"
    verbose_name = _("Engagement")

    def ready(self) -> None:
        from kam.accounts.panels import register
        from kam.engagement.activities import importing as activity_importers
        from kam.engagement.activities.panels import ACTIVITIES_PANEL
        from kam.engagement.competitors.panels import COMPETITORS_PANEL
        from kam.engagement.complaints import importing as complaint_importers
        from kam.engagement.complaints.panels import COMPLAINTS_PANEL
        from kam.engagement.surveys.panels import register_surveys
        from kam.engagement.timeline import register_timeline
        from kam.engagement.trainings.panels import TRAININGS_PANEL

        register(ACTIVITIES_PANEL)
        register(COMPLAINTS_PANEL)
        register_surveys()
        register(TRAININGS_PANEL)
        register(COMPETITORS_PANEL)
        activity_importers.register_importers()
        complaint_importers.register_importers()
        register_timeline()
