"""Template helpers of the portfolio pages."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext

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
