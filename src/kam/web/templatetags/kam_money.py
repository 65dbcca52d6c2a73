"""Template filters for money kept in cents and for ratios."""

from __future__ import annotations

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def cents(value: int | None) -> str:
    """12345678 → "123,456.78" (grouped, two places, exact)."""
    if value is None:
        return ""
    sign = "-" if value < 0 else ""
    whole, part = divmod(abs(int(value)), 100)
    return f"{sign}{number_format(whole, force_grouping=True)}.{part:02d}"


@register.filter
def percent(value: float | None, places: int = 1) -> str:
    if value is None:
        return "—"
    return f"{value * 100:+.{places}f} %"


@register.filter
def share(value: float | None, places: int = 1) -> str:
    """0.2 → "20.0 %" (unsigned: shares, ratios, percentiles)."""
    if value is None:
        return "—"
    return f"{value * 100:.{places}f} %"
