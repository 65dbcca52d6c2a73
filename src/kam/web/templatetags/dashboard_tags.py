"""Template filters of the dashboard."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

from django import template

register = template.Library()


@register.filter
def whole_money(cents: int | None) -> str:
    """12345678 → "123,457": whole units of the base currency, grouped by thousands with a
    comma in both languages (Chinese writes them so too; Django's zh-hans formats group
    nothing), for a tile's headline; the exact amount goes beside it in a title."""
    if cents is None:
        return ""
    units = (Decimal(cents) / 100).quantize(Decimal(1), rounding=ROUND_HALF_EVEN)
    return f"{int(units):,}"
