"""Template helpers of alerts: each kind's title, message and cause in the reader's
language."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django import template

from kam.alerts.models import Alert
from kam.alerts.registry import input_label, kind_find
from kam.core.money import decimal_to_cents

register = template.Library()


@register.filter
def alert_title(kind: str) -> str:
    declared = kind_find(kind)
    return str(declared.title) if declared is not None else kind


@register.filter
def alert_text(alert: Alert) -> str:
    """The alert worded from its data in the reader's language; a kind this version does not
    know, or data its template cannot word, falls back to the stored English message."""
    declared = kind_find(alert.kind)
    if declared is None:
        return alert.message
    try:
        return declared.text(alert.data)
    except (KeyError, TypeError, ValueError):
        return alert.message


@register.filter
def alert_cause_text(alert: Alert) -> str:
    """The sentence of the alert's cause in the reader's language ("" when none)."""
    declared = kind_find(alert.kind)
    return declared.cause_text(alert.cause or {}) if declared is not None else ""


@dataclass(frozen=True)
class CauseRow:
    """One input of a cause as a page shows it: money in cents (for the money filters)."""

    label: str
    unit: str
    before: Any
    after: Any
    driver: bool
    moved: float | None  # relative change of a money value, None when not defined


def _cents(value: Any) -> int | None:
    if value is None:
        return None
    try:
        return decimal_to_cents(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return None


@register.filter
def cause_rows(alert: Alert, drivers_only: bool = False) -> list[CauseRow]:
    """The inputs of the alert's cause, drivers first (`drivers_only`: only those)."""
    rows: list[CauseRow] = []
    for change in (alert.cause or {}).get("changes") or []:
        unit = str(change.get("unit", "text"))
        before, after = change.get("from"), change.get("to")
        moved = None
        if unit == "money":
            before, after = _cents(before), _cents(after)
            if before and after is not None:
                moved = (after - before) / abs(before)
        row = CauseRow(
            input_label(str(change.get("input", ""))),
            unit,
            before,
            after,
            bool(change.get("driver")),
            moved,
        )
        if row.driver or not drivers_only:
            rows.append(row)
    return sorted(rows, key=lambda row: not row.driver)
