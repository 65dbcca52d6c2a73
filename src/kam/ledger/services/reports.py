"""The rejected rows of an import as a CSV report (formula-escaped)."""

from __future__ import annotations

import csv
from pathlib import Path

from django.utils.translation import gettext as _

from kam.core.export import safe_row
from kam.importing.results import RowError


def write_rows_report(errors: list[RowError], path: Path) -> Path:
    """Rejected rows as CSV, sorted by row; values escaped against formula injection."""
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow([_("Row"), _("Column"), _("Problem"), _("Value")])
        for error in sorted(errors, key=lambda e: (e.row, e.column)):
            # The column is the file's header, as untrusted as the value.
            writer.writerow(safe_row([error.row, error.column, error.reason, error.value]))
    return path
