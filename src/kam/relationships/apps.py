from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RelationshipsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "kam.relationships"
    verbose_name = _("Relationships")

    def ready(self) -> None:
        from kam.accounts import columns
        from kam.accounts.panels import register
        from kam.accounts.timeline import register_history
        from kam.portfolio.figures import register_row_figures
        from kam.relationships import receivers
        from kam.relationships.columns import LIST_COLUMNS, ROW_FIGURES
        from kam.relationships.importing import register_importers
        from kam.relationships.panels import BUYING_CENTRE_PANEL
        from kam.relationships.services.scores import scores_record_on_commit
        from kam.relationships.signals import contacts_changed
        from kam.relationships.timeline import KINDS as RELATIONSHIP_KINDS
        from kam.relationships.timeline import relationships_history

        register_importers()
        register(BUYING_CENTRE_PANEL)
        for column in LIST_COLUMNS:
            columns.register(column)
        register_row_figures(**ROW_FIGURES)
        contacts_changed.connect(scores_record_on_commit, dispatch_uid="relationships-scores")
        register_history("relationships", relationships_history, RELATIONSHIP_KINDS)
        receivers.connect()
