"""Template filters of the risk pages: a factor's label and its value in its unit (§10)."""

from __future__ import annotations

from django import template

from kam.risk.factors import factor_label as label_of
from kam.risk.factors import factor_value_text

register = template.Library()


@register.filter
def factor_label(name: str) -> str:
    """recency_ratio → "Purchase gap against its rhythm"."""
    return label_of(str(name))


@register.filter
def factor_value(value: float | None, name: str) -> str:
    """A factor's value in its unit: {{ value|factor_value:"share_of_wallet" }} → "35 %"."""
    return factor_value_text(str(name), value)
