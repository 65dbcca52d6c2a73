"""The ledger's writes (DOMAIN §2): importing a file, undoing a batch, the rejected rows'
report. The base currency amounts are kept in is org's (kam.org.selectors.base_currency)."""

from kam.ledger.services.imports import ImportResult, ledger_import
from kam.ledger.services.reports import write_rows_report
from kam.ledger.services.undo import batch_undo

__all__ = [
    "ImportResult",
    "batch_undo",
    "ledger_import",
    "write_rows_report",
]
