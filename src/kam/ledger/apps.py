from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "kam.ledger"
    label = "ledger"
    verbose_name = _("Sales ledger")

    def ready(self) -> None:
        from kam.accounts.panels import register
        from kam.accounts.timeline import register_history
        from kam.ledger.importing import register_importers
        from kam.ledger.panels import SALES_PANEL
        from kam.ledger.timeline import KINDS as TIMELINE_KINDS
        from kam.ledger.timeline import ledger_history

        register_importers()
        register(SALES_PANEL)
        register_history("ledger", ledger_history, TIMELINE_KINDS)

        from kam.org.services import base_currency_lock_register

        base_currency_lock_register(_lines_hold_the_currency)


def _lines_hold_the_currency(currency: str) -> str | None:
    """Lines are stored in the base currency, so it cannot change while the ledger holds any."""
    from django.utils.translation import gettext

    from kam.ledger.models import LedgerLine

    if not LedgerLine.objects.exists():
        return None
    return gettext(
        "The ledger is stored in %(currency)s; the base currency cannot change under it."
    ) % {"currency": currency}
