"""Template helpers of the account pages."""

from __future__ import annotations

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
