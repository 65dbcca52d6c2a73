"""`{% can "action" obj as allowed %}`: a page asks the service layer what the user may do."""

from __future__ import annotations

from typing import Any

from django import template

from kam.org import permissions

register = template.Library()


@register.simple_tag(takes_context=True)
def can(context: template.Context, action: str, obj: Any = None) -> bool:
    """The same answer the service's `require_*` gives for this user, action and object."""
    return permissions.can(context["user"], action, obj)
