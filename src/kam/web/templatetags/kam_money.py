"""Template filters for amounts and ratios: the one place pages format money.

Amounts kept in integer cents use `cents` (exact, grouped) and `cents_compact` (a few digits
and a unit, the exact amount on hover); Decimal amounts (estimates, settings, costs) use
`money` and `money_compact`. Grouping follows the active language (kam.core.formats).
"""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from kam.core.money import cents_compact as compact_text
from kam.core.money import cents_grouped, decimal_to_cents
from kam.core.numbers import signed_percent

register = template.Library()

MISSING = "—"


@register.filter
def cents(value: int | None) -> str:
    """12345678 → "123,456.78" (grouped, two places, exact)."""
    if value is None:
        return ""
    return cents_grouped(int(value))


@register.filter
def money(value: Decimal | int | float | str | None) -> str:
    """A Decimal amount, exact and grouped: Decimal("1234567.5") → "1,234,567.50"."""
    if value is None or value == "":
        return ""
    return cents_grouped(decimal_to_cents(Decimal(str(value))))


def _compact_html(amount_cents: int) -> SafeString:
    full = cents_grouped(amount_cents)
    short = compact_text(amount_cents)
    if short is None:
        return format_html('<span class="amount">{}</span>', full)
    return format_html('<abbr class="amount" title="{}">{}</abbr>', full, short)


@register.filter
def cents_compact(value: int | None) -> SafeString | str:
    """11849551942 → <abbr title="118,495,519.42">118.5 M</abbr> (1.18 亿 in Chinese); an
    amount below the first unit is shown whole; a missing one as a dash."""
    if value is None:
        return MISSING
    return _compact_html(int(value))


@register.filter
def money_compact(value: Decimal | int | float | str | None) -> SafeString | str:
    """`cents_compact` of a Decimal amount."""
    if value is None or value == "":
        return MISSING
    return _compact_html(decimal_to_cents(Decimal(str(value))))


@register.filter
def percent(value: float | None, places: int = 0) -> str:
    """A change: 0.052 → "+5 %", −0.715 → "−72 %" (kam.core.numbers.signed_percent)."""
    if value is None:
        return MISSING
    return signed_percent(value, places)


@register.filter
def share(value: float | None, places: int = 1) -> str:
    """0.2 → "20.0 %" (unsigned: shares, ratios, percentiles)."""
    if value is None:
        return MISSING
    return f"{value * 100:.{places}f} %"
