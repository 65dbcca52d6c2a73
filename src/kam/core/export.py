"""Safe text for files people open in spreadsheets (ARCHITECTURE security; docs/rules.md,
Input: Formulas). Every CSV and XLSX kam writes passes its cells through here."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kam.importing.values import is_formula


def spreadsheet_safe(value: str) -> str:
    """Spreadsheet formula injection (OWASP): a text a spreadsheet would run as a formula
    (it begins with = + - @, a tab or a CR and is not a number) gets a leading apostrophe,
    which spreadsheets show as text; -10 stays a number."""
    return "'" + value if is_formula(value) else value


def safe_row(cells: Iterable[Any]) -> list[Any]:
    """A row of an export with every text cell neutralised (numbers and dates as they are)."""
    return [spreadsheet_safe(cell) if isinstance(cell, str) else cell for cell in cells]
