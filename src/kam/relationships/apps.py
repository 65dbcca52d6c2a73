from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RelationshipsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "kam.relationships"
    verbose_name = _("Relationships")

    def ready(self) -> None:
        from kam.accounts.panels import register
        from kam.relationships import receivers
        from kam.relationships.importing import register_importers
        from kam.relationships.panels import BUYING_CENTRE_PANEL

        register_importers()
        register(BUYING_CENTRE_PANEL)
        receivers.connect()
