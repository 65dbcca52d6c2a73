"""Template helpers of the portfolio pages."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext

from kam.portfolio.models import Lifecycle, Strategy

register = template.Library()


@register.filter
def shipped(text: str) -> str:
    """A playbook text as shipped reads in the reader's language; a rewritten one as written."""
    return gettext(text) if text else text


@register.filter
def factor(value: float | None) -> str:
    """A normalised factor 0–1 as a percentage, or "missing"."""
    if value is None:
        return gettext("missing")
    return f"{value * 100:.0f}"


@register.filter
def stage_label(value: str) -> str:
    """A lifecycle stage's label (§5): the enum's own, without the model's per-call choices
    lookup (`get_lifecycle_display` rebuilds its map each time: 50 rows a page)."""
    return str(Lifecycle(value).label) if value in Lifecycle.values else value


@register.filter
def strategy_label(value: str) -> str:
    """A strategy's label (§6), as `stage_label`."""
    return str(Strategy(value).label) if value in Strategy.values else value
