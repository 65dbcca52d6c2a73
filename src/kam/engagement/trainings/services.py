"""Writes of trainings (DOMAIN §9, S2 step 7): record, change and remove a session.

Every write checks the actor may write the account (§13), keeps the attendees to the
account's own people (checked through the attendees relation's model: engagement does not
import the buying centre), validates the whole session (feedback 1–5, a date in the
calendar) and records history with the actor.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from kam.accounts.models import Account
from kam.accounts.selectors import accounts_writable_by
from kam.core.errors import InvalidInput, PermissionDenied, full_clean_or_raise
from kam.core.history import delete_as, save_as
from kam.engagement.trainings.models import Training
from kam.org.models import User
from kam.org.permissions import require_write

ERROR_NOT_WRITABLE = _("You may not change this account's trainings.")
ERROR_ATTENDEE_ELSEWHERE = _("Each attendee must be a contact of this account.")
ERROR_UNKNOWN_FIELD = _("Unknown field: %(field)s.")
# What a manager may set on a training, by name (the API's and the forms' fields).
EDITABLE = (
    "topic",
    "title",
    "held_on",
    "duration_hours",
    "trainer",
    "materials",
    "feedback_score",
    "notes",
)
TEXT_FIELDS = ("title", "trainer", "materials", "notes")
MAX_ATTENDEES = 200


def _require_account(actor: User, account: Account) -> None:
    require_write(actor)
    if not accounts_writable_by(actor).filter(pk=account.pk).exists():
        raise PermissionDenied(str(ERROR_NOT_WRITABLE))


def _apply(training: Training, values: Mapping[str, Any]) -> None:
    unknown = sorted(set(values) - set(EDITABLE))
    if unknown:
        raise InvalidInput(str(ERROR_UNKNOWN_FIELD) % {"field": unknown[0]}, field=unknown[0])
    for name, given in values.items():
        value = (given or "").strip() if name in TEXT_FIELDS else given
        setattr(training, name, value)


def _attendees(account_id: int, ids: Collection[int]) -> list[int]:
    """The ids, refused unless each is a present-or-past contact of the account, not merged
    away. The contact model is the relation's own (no import of kam.relationships)."""
    wanted = sorted(set(ids))
    if not wanted:
        return []
    if len(wanted) > MAX_ATTENDEES:
        raise InvalidInput(str(ERROR_ATTENDEE_ELSEWHERE), field="attendee_ids")
    contact = Training._meta.get_field("attendees").related_model
    found = set(
        contact._default_manager.filter(
            pk__in=wanted, account_id=account_id, merged_into__isnull=True
        ).values_list("pk", flat=True)
    )
    if len(found) != len(wanted):
        raise InvalidInput(str(ERROR_ATTENDEE_ELSEWHERE), field="attendee_ids")
    return wanted


def _save(actor: User, training: Training) -> None:
    full_clean_or_raise(training, exclude=["account", "created_by", "attendees"])
    save_as(actor, training)


@transaction.atomic
def training_create(
    *,
    actor: User,
    account: Account,
    values: Mapping[str, Any],
    attendee_ids: Collection[int] = (),
) -> Training:
    """Record one session held for the account (§9: topic, date, trainer, attendees,
    materials, feedback 1–5). Raises InvalidInput naming the field, PermissionDenied;
    nothing is written when it raises."""
    _require_account(actor, account)
    training = Training(account=account, created_by=actor)
    _apply(training, values)
    attendees = _attendees(account.pk, attendee_ids)
    _save(actor, training)
    training.attendees.set(attendees)
    return training


@transaction.atomic
def training_update(
    *,
    actor: User,
    training: Training,
    values: Mapping[str, Any],
    attendee_ids: Collection[int] | None = None,
) -> Training:
    """Change the fields given; `attendee_ids` None leaves the attendees as they are.
    Raises InvalidInput, PermissionDenied."""
    _require_account(actor, training.account)
    _apply(training, values)
    attendees = None if attendee_ids is None else _attendees(training.account_id, attendee_ids)
    _save(actor, training)
    if attendees is not None:
        training.attendees.set(attendees)
    return training


@transaction.atomic
def training_delete(*, actor: User, training: Training) -> None:
    """Remove a session recorded in error (its history stays)."""
    _require_account(actor, training.account)
    delete_as(actor, training)
