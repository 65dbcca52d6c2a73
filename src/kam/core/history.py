"""Writes that name their author in django-simple-history's audit trail."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Model


def save_as(actor: Any, instance: Model, *, update_fields: Iterable[str] | None = None) -> None:
    """Save `instance` with `actor` (a user, or None for the system) as its history's author."""
    instance._history_user = actor  # type: ignore[attr-defined]
    instance.save(update_fields=update_fields)


def delete_as(actor: Any, instance: Model) -> None:
    """Delete `instance` with `actor` as the author of the deletion's history row."""
    instance._history_user = actor  # type: ignore[attr-defined]
    instance.delete()
