"""Small template helpers of the relationship map page."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms, template

register = template.Library()


@register.filter
def get_item(mapping: Mapping[str, Any], key: str) -> Any:
    return mapping.get(key)


@register.filter
def field(form: forms.Form, name: str) -> forms.BoundField:
    return form[name]


@register.filter
def shown(bound: forms.BoundField) -> str:
    """A field's current value as a reader sees it: a choice's label, or "—"."""
    value = bound.value()
    if value in (None, ""):
        return "—"
    choices = getattr(bound.field, "choices", None)
    if choices:
        for key, label in choices:
            if str(key) == str(value):
                return str(label)
    return str(value)
