"""Safe text for files people open in spreadsheets (ARCHITECTURE security)."""

from __future__ import annotations


def spreadsheet_safe(value: str) -> str:
    """Spreadsheet formula injection: a leading = + - @ is neutralised with a quote."""
    return "'" + value if value[:1] in {"=", "+", "-", "@", "\t", "\r"} else value
