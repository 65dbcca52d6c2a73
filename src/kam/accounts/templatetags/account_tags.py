"""Template helpers of the account pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from kam.accounts.panels import BoundPanel

register = template.Library()


@register.simple_tag(takes_context=True)
def account_panel(context: template.Context, bound: BoundPanel) -> SafeString:
    """Render an in-page panel's template with its own variables, as {% include %} would."""
    engine = context.template.engine if context.template else template.Engine.get_default()
    with context.push(**bound.context):
        return SafeString(engine.get_template(bound.template).render(context))


@register.filter
def history_kind(kind: str) -> str:
    """The label of a history entry's kind (kam.accounts.timeline)."""
    from kam.accounts.timeline import kind_label

    return kind_label(kind)


@register.filter
def timeline_kind(key: str) -> Any:
    """The timeline kind (label, icon, colour) of an entry's kind key (kam.accounts.timeline)."""
    from kam.accounts.timeline import KINDS, Kind

    return KINDS.get(key) or Kind(key, key)


@register.filter
def timeline_kind_labels(keys: Any) -> str:
    """The labels of the kinds a filter keeps, for the empty state."""
    from kam.accounts.timeline import kind_label

    return ", ".join(sorted(kind_label(key) for key in keys or ()))


@register.filter
def join_sorted(keys: Any) -> str:
    return ",".join(sorted(keys or ()))
