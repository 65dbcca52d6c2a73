"""The registry of follow-up types: what an alert can be linked to as the work done about it
(DOMAIN §10). A note is registered here (notes live in kam.accounts, below alerts); an app
above alerts (an activity, a plan action) registers its own type from its `alerts.py`, so
kam.alerts never imports it.

A type finds one of its objects on an account (None when there is none or it lies under
another account), tells the pages how to name and reach it, and reads many at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kam.accounts.models import Note


@dataclass(frozen=True)
class FollowUpTarget:
    """One linked object as the pages show it."""

    type: str
    id: int
    label: str
    url: str


@dataclass(frozen=True)
class FollowUpType:
    code: str
    title: Promise | str
    # (account id, object ids) → the targets found under that account, by id.
    find: Callable[[int, Iterable[int]], dict[int, FollowUpTarget]]


_TYPES: dict[str, FollowUpType] = {}


def register_follow_up_type(kind: FollowUpType) -> None:
    known = _TYPES.get(kind.code)
    if known is not None and known != kind:
        raise ValueError(f"follow-up type {kind.code!r} is registered twice")
    _TYPES[kind.code] = kind


def follow_up_type(code: str) -> FollowUpType | None:
    return _TYPES.get(code)


def follow_up_types() -> list[FollowUpType]:
    return sorted(_TYPES.values(), key=lambda kind: kind.code)


NOTE = "note"


def _notes(account_id: int, ids: Iterable[int]) -> dict[int, FollowUpTarget]:
    url = reverse("account_detail", args=[account_id])
    return {
        pk: FollowUpTarget(NOTE, pk, body[:120], f"{url}#note-{pk}")
        for pk, body in Note.objects.filter(account_id=account_id, pk__in=list(ids)).values_list(
            "pk", "body"
        )
    }


register_follow_up_type(FollowUpType(NOTE, _("Note"), _notes))
