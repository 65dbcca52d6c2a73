"""The ledger's writes (DOMAIN §2): importing a file, undoing a batch, the rejected rows'
report, and the base currency amounts are kept in."""

from kam.ledger.services.currency import base_currency
from kam.ledger.services.imports import ImportResult, ledger_import
from kam.ledger.services.reports import write_error_report, write_rows_report
from kam.ledger.services.undo import batch_undo

__all__ = [
    "ImportResult",
    "base_currency",
    "batch_undo",
    "ledger_import",
    "write_error_report",
    "write_rows_report",
]
