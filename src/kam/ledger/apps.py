from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "kam.ledger"
    label = "ledger"
    verbose_name = _("Sales ledger")

    def ready(self) -> None:
        from kam.accounts.panels import register
        from kam.ledger.importing import register_importers
        from kam.ledger.panels import SALES_PANEL

        register_importers()
        register(SALES_PANEL)
