"""Template helpers of alerts: each kind's title and message in the reader's language."""

from __future__ import annotations

from django import template

from kam.alerts.models import Alert
from kam.alerts.registry import kind_find

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
