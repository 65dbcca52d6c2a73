"""Writes of activities (DOMAIN §9): plan, log, mark done, cancel, plan again, delete.

Every write checks the actor may write (§13: the activity or account came through the
actor's selectors), validates the whole activity, records history with the actor, and, when
an activity is done, moves its customer participants' last contact forward (§7, through
`kam.accounts.signals.contacts_met`) and turns its next step into a planned activity.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kam.accounts.models import Account
from kam.accounts.signals import contacts_met
from kam.core.errors import InvalidInput, full_clean_or_raise
from kam.core.history import delete_as, save_as
from kam.engagement.activities.models import (
    ACTIVITY_FLOW,
    CADENCE_SETTINGS_FIELDS,
    Activity,
    ActivityStatus,
    CadenceSettings,
)
from kam.engagement.activities.selectors import cadence_settings
from kam.org.models import User
from kam.org.permissions import require_governing, require_write

# What a manager may set on an activity, by name (the API's and the forms' fields).
EDITABLE = (
    "kind",
    "channel",
    "planned_for",
    "duration_minutes",
    "done_at",
    "subject",
    "notes",
    "outcome",
    "next_step",
    "next_step_on",
)
TEXT_FIELDS = ("subject", "notes", "outcome", "next_step")
# A next step without a date is planned this many days after the activity (docs/rules.md
# "Cadence"), at the start of the working day.
NEXT_STEP_DAYS = 7
NEXT_STEP_TIME = dt.time(9, 0)
UNSET: Any = object()


def _clean(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise InvalidInput(
            _("Unknown field: %(field)s.") % {"field": sorted(unknown)[0]}, field=sorted(unknown)[0]
        )
    cleaned = dict(fields)
    for name in TEXT_FIELDS:
        if isinstance(cleaned.get(name), str):
            cleaned[name] = cleaned[name].strip()
        elif name in cleaned and cleaned[name] is None:
            cleaned[name] = ""
    return cleaned


def _contacts(account_id: int, ids: Collection[int]) -> list[int]:
    """The ids, refused unless each is a contact of the account (not merged away). The
    contact model is the relation's own: engagement does not import the buying centre."""
    wanted = sorted(set(ids))
    if not wanted:
        return []
    contact = Activity._meta.get_field("their_participants").related_model
    found = set(
        contact._default_manager.filter(
            pk__in=wanted, account_id=account_id, merged_into__isnull=True
        ).values_list("pk", flat=True)
    )
    if len(found) != len(wanted):
        raise InvalidInput(
            _("Each customer participant must be a contact of this account."),
            field="their_participant_ids",
        )
    return wanted


def _users(ids: Collection[int]) -> list[int]:
    wanted = sorted(set(ids))
    found = set(User.objects.filter(pk__in=wanted, is_active=True).values_list("pk", flat=True))
    if len(found) != len(wanted):
        raise InvalidInput(
            _("Each of our participants must be an active user."), field="our_participant_ids"
        )
    return wanted


def _check_dates(activity: Activity) -> None:
    if activity.status == ActivityStatus.PLANNED and activity.planned_for is None:
        raise InvalidInput(_("A planned activity needs a date and time."), field="planned_for")
    if activity.status == ActivityStatus.DONE and activity.done_at is None:
        activity.done_at = timezone.now()
    if activity.next_step_on is not None and not activity.next_step:
        raise InvalidInput(
            _("Say what the next step is, or leave its date empty."), field="next_step"
        )


def _save(actor: User | None, activity: Activity) -> Activity:
    _check_dates(activity)
    full_clean_or_raise(activity, exclude=["account", "owner", "follows"])
    save_as(actor, activity)
    return activity


def _after_done(actor: User | None, activity: Activity) -> None:
    """What a done activity sets off: its customer participants' last contact moves to its
    date (only forward, §7), and its next step becomes a planned activity, linked (§9)."""
    on = timezone.localdate(activity.done_at or timezone.now())
    contact_ids = list(activity.their_participants.values_list("pk", flat=True))
    if contact_ids:
        contacts_met.send(Activity, contact_ids=contact_ids, on=on, actor=actor)
    if not activity.next_step or Activity.objects.filter(follows=activity).exists():
        return
    day = activity.next_step_on or on + dt.timedelta(days=NEXT_STEP_DAYS)
    follow = Activity(
        account_id=activity.account_id,
        kind=activity.kind,
        channel=activity.channel,
        status=ActivityStatus.PLANNED,
        planned_for=timezone.make_aware(dt.datetime.combine(day, NEXT_STEP_TIME)),
        subject=activity.next_step[: Activity._meta.get_field("subject").max_length or 200],
        owner_id=activity.owner_id,
        follows=activity,
    )
    _save(actor, follow)
    follow.our_participants.set(activity.our_participants.all())
    follow.their_participants.set(contact_ids)


@transaction.atomic
def activity_create(
    *,
    actor: User,
    account: Account,
    status: str = ActivityStatus.PLANNED,
    our_participant_ids: Collection[int] = (),
    their_participant_ids: Collection[int] = (),
    owner: User | None = None,
    **fields: Any,
) -> Activity:
    """Plan an activity, or log one done (§9). Raises PermissionDenied and InvalidInput."""
    require_write(actor)
    if status not in (ActivityStatus.PLANNED, ActivityStatus.DONE):
        raise InvalidInput(_("A new activity is planned or done."), field="status")
    contacts = _contacts(account.pk, their_participant_ids)
    users = _users(our_participant_ids)
    activity = Activity(account=account, status=status, owner=owner or actor, **_clean(fields))
    _save(actor, activity)
    activity.our_participants.set(users)
    activity.their_participants.set(contacts)
    if activity.status == ActivityStatus.DONE:
        _after_done(actor, activity)
    return activity


def _locked(activity: Activity) -> Activity:
    return Activity.objects.select_for_update().select_related("account").get(pk=activity.pk)


@transaction.atomic
def activity_update(
    *,
    actor: User,
    activity: Activity,
    our_participant_ids: Any = UNSET,
    their_participant_ids: Any = UNSET,
    **changes: Any,
) -> Activity:
    """Change what an activity says (its status moves only through done, cancel, re-plan)."""
    require_write(actor)
    activity = _locked(activity)
    for name, value in _clean(changes).items():
        setattr(activity, name, value)
    contacts = (
        None
        if their_participant_ids is UNSET
        else _contacts(activity.account_id, their_participant_ids)
    )
    users = None if our_participant_ids is UNSET else _users(our_participant_ids)
    _save(actor, activity)
    if users is not None:
        activity.our_participants.set(users)
    if contacts is not None:
        activity.their_participants.set(contacts)
    if activity.status == ActivityStatus.DONE:
        _after_done(actor, activity)  # a new participant's last contact moves; forward only
    return activity


@transaction.atomic
def activity_done(
    *,
    actor: User,
    activity: Activity,
    done_at: dt.datetime | None = None,
    outcome: str | None = None,
    next_step: str | None = None,
    next_step_on: dt.date | None = None,
) -> Activity:
    """Planned → done (§9), at `done_at` (now when not given), with its outcome and next
    step. Raises Conflict for an activity done already or cancelled."""
    require_write(actor)
    activity = _locked(activity)
    ACTIVITY_FLOW.check(activity.status, ActivityStatus.DONE)
    activity.status = ActivityStatus.DONE
    activity.done_at = done_at or timezone.now()
    for name, value in (("outcome", outcome), ("next_step", next_step)):
        if value is not None:
            setattr(activity, name, value.strip())
    if next_step_on is not None:
        activity.next_step_on = next_step_on
    _save(actor, activity)
    _after_done(actor, activity)
    return activity


@transaction.atomic
def activity_cancel(*, actor: User, activity: Activity) -> Activity:
    """Planned → cancelled (§9). Raises Conflict for a done or cancelled activity."""
    require_write(actor)
    activity = _locked(activity)
    ACTIVITY_FLOW.check(activity.status, ActivityStatus.CANCELLED)
    activity.status = ActivityStatus.CANCELLED
    return _save(actor, activity)


@transaction.atomic
def activity_replan(
    *, actor: User, activity: Activity, planned_for: dt.datetime | None = None
) -> Activity:
    """Cancelled → planned again, for `planned_for` when given (§9)."""
    require_write(actor)
    activity = _locked(activity)
    ACTIVITY_FLOW.check(activity.status, ActivityStatus.PLANNED)
    activity.status = ActivityStatus.PLANNED
    if planned_for is not None:
        activity.planned_for = planned_for
    return _save(actor, activity)


@transaction.atomic
def activity_delete(*, actor: User, activity: Activity) -> None:
    """Remove an activity entered by mistake; its history keeps it."""
    require_write(actor)
    delete_as(actor, _locked(activity))


@transaction.atomic
def cadence_settings_update(*, actor: User, **changes: Any) -> CadenceSettings:
    """Edit the contact cadence of §9 (director, admin); validated, in history."""
    require_governing(actor, _("edit the contact cadence"))
    unknown = sorted(set(changes) - set(CADENCE_SETTINGS_FIELDS))
    if unknown:
        raise InvalidInput(_("Unknown setting."), field=unknown[0])
    settings = CadenceSettings.objects.select_for_update().get(pk=cadence_settings().pk)
    for name, value in changes.items():
        setattr(settings, name, value)
    full_clean_or_raise(settings)
    if changes:
        save_as(actor, settings)
    return settings
