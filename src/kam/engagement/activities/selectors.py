"""Reads of activities and the contact cadence (DOMAIN §9); every read for a person starts
from the accounts they see (§13), another manager's activity answers 404."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np
from django.db.models import Max, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from kam.accounts.models import Account, AccountStatus
from kam.accounts.people import decision_makers
from kam.accounts.selectors import accounts_visible_to
from kam.analytics.cadence import cadence_due, dates
from kam.engagement.activities.models import (
    VISIT_KINDS,
    Activity,
    ActivityStatus,
    CadenceSettings,
)
from kam.org.models import User
from kam.portfolio.models import Scope, Snapshot
from kam.portfolio.selectors import latest_snapshot_date


def cadence_settings() -> CadenceSettings:
    """The one cadence row (created with §9's defaults when absent)."""
    settings, _ = CadenceSettings.objects.get_or_create(pk=1)
    return settings


def activities_visible_to(actor: User) -> QuerySet[Activity]:
    return Activity.objects.filter(account__in=accounts_visible_to(actor))


def activity_get(*, actor: User, activity_id: int) -> Activity:
    """Missing and not visible raise the same Http404 (§13)."""
    return get_object_or_404(
        activities_visible_to(actor).select_related("account", "owner"), pk=activity_id
    )


@dataclass(frozen=True)
class ActivityFilters:
    account_id: int | None = None
    kind: str = ""
    status: str = ""
    start: dt.date | None = None  # on or after, by the date that dates it (done or planned)
    end: dt.date | None = None  # on or before
    mine: bool = False  # owned by the reader or with them taking part


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def activities_for(actor: User, filters: ActivityFilters) -> QuerySet[Activity]:
    """The activities the actor sees under the filters, latest first."""
    rows = activities_visible_to(actor).select_related("account", "owner")
    if filters.account_id is not None:
        rows = rows.filter(account_id=filters.account_id)
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    if filters.status:
        rows = rows.filter(status=filters.status)
    done = Q(status=ActivityStatus.DONE)
    if filters.start is not None:
        moment = _day_start(filters.start)
        rows = rows.filter((done & Q(done_at__gte=moment)) | (~done & Q(planned_for__gte=moment)))
    if filters.end is not None:
        moment = _day_start(filters.end + dt.timedelta(days=1))
        rows = rows.filter((done & Q(done_at__lt=moment)) | (~done & Q(planned_for__lt=moment)))
    if filters.mine:
        rows = rows.filter(Q(owner=actor) | Q(our_participants=actor)).distinct()
    return rows.order_by("-planned_for", "-done_at", "-id")


def account_activities(
    actor: User, account_id: int, *, limit: int = 10
) -> tuple[list[Activity], list[Activity]]:
    """The account's planned activities (soonest first) and its latest done ones (§9)."""
    rows = activities_visible_to(actor).filter(account_id=account_id).select_related("owner")
    planned = list(rows.filter(status=ActivityStatus.PLANNED).order_by("planned_for", "id")[:limit])
    done = list(rows.filter(status=ActivityStatus.DONE).order_by("-done_at", "-id")[:limit])
    return planned, done


@dataclass(frozen=True)
class VisitDue:
    """An account's visit cadence (§9): its class, interval, last visit or meeting and when
    the next is due (`days_left` < 0: overdue by that many days)."""

    account_id: int
    account_class: str
    interval_days: int
    last_visit: dt.date | None
    due_on: dt.date
    days_left: int

    @property
    def overdue_days(self) -> int:
        return max(0, -self.days_left)


@dataclass(frozen=True)
class ContactDue:
    """A decision maker's contact cadence (§9)."""

    account_id: int
    contact_id: int
    name: str
    interval_days: int
    last_contact: dt.date | None
    due_on: dt.date
    days_left: int

    @property
    def overdue_days(self) -> int:
        return max(0, -self.days_left)


@dataclass(frozen=True)
class Cadence:
    visits: list[VisitDue]
    contacts: list[ContactDue]


def _as_date(value: np.datetime64) -> dt.date:
    return dt.date.fromisoformat(str(value))


def _classes(account_ids: Collection[int] | None) -> dict[int, str]:
    """Each account's class in the latest portfolio snapshot; former customers keep none."""
    as_of = latest_snapshot_date()
    if as_of is None:
        return {}
    rows = Snapshot.objects.filter(scope=Scope.ENTITY, as_of=as_of).exclude(
        account__status=AccountStatus.FORMER
    )
    if account_ids is not None:
        rows = rows.filter(account_id__in=list(account_ids))
    return dict(rows.values_list("account_id", "account_class"))


def cadence(account_ids: Collection[int] | None = None, *, today: dt.date | None = None) -> Cadence:
    """The visit cadence of every account with a class (or of `account_ids`) and the contact
    cadence of their decision makers, as of `today` (§9; docs/rules.md "Cadence"). A few
    queries whatever the number of accounts."""
    today = today or timezone.localdate()
    zone = timezone.get_current_timezone()  # once: localdate() looks it up on every call
    settings = cadence_settings()
    classes = _classes(account_ids)
    ids = sorted(classes)
    if not ids:
        return Cadence([], [])
    # Every account: no list of 10,000 keys to bind (what is not scored is left out below).
    scope = ids if account_ids is not None else None
    accounts = Account.objects.all() if scope is None else Account.objects.filter(pk__in=scope)
    created = {
        pk: moment.astimezone(zone).date()
        for pk, moment in accounts.values_list("pk", "created_at")
        if pk in classes
    }
    done = Activity.objects.filter(status=ActivityStatus.DONE, kind__in=VISIT_KINDS)
    if scope is not None:
        done = done.filter(account_id__in=scope)
    visits = {
        pk: moment.astimezone(zone).date()
        for pk, moment in done.values("account_id")
        .annotate(last=Max("done_at"))
        .values_list("account_id", "last")
        if pk in classes
    }
    due = cadence_due(
        dates([visits.get(pk) for pk in ids]),
        dates([created[pk] for pk in ids]),
        np.array([settings.visit_days(classes[pk]) for pk in ids], dtype=np.int64),
        today,
    )
    visit_rows = [
        VisitDue(
            pk,
            classes[pk],
            settings.visit_days(classes[pk]),
            visits.get(pk),
            _as_date(due.due_on[i]),
            int(due.days_left[i]),
        )
        for i, pk in enumerate(ids)
        if due.has_cadence[i]
    ]
    return Cadence(
        visit_rows, _contact_cadence(ids, scope, settings.decision_maker_days, today, zone)
    )


def _contact_cadence(
    ids: Sequence[int],
    scope: Sequence[int] | None,
    interval: int,
    today: dt.date,
    zone: dt.tzinfo,
) -> list[ContactDue]:
    scored = set(ids)
    people = [
        (pk, person)
        for pk, found in decision_makers(scope).items()
        if pk in scored
        for person in found
    ]
    if not people:
        return []
    through = Activity.their_participants.through
    meetings = through.objects.filter(activity__status=ActivityStatus.DONE)
    if scope is not None:
        meetings = meetings.filter(contact_id__in=[person.contact_id for _, person in people])
    met = {
        contact_id: moment.astimezone(zone).date()
        for contact_id, moment in meetings.values("contact_id")
        .annotate(last=Max("activity__done_at"))
        .values_list("contact_id", "last")  # type: ignore[misc]
    }
    lasts = [
        max(filter(None, (person.last_contact, met.get(person.contact_id))), default=None)
        for _, person in people
    ]
    due = cadence_due(
        dates(lasts),
        dates([person.since for _, person in people]),
        np.full(len(people), interval, dtype=np.int64),
        today,
    )
    return [
        ContactDue(
            pk,
            person.contact_id,
            person.name,
            interval,
            lasts[i],
            _as_date(due.due_on[i]),
            int(due.days_left[i]),
        )
        for i, (pk, person) in enumerate(people)
        if due.has_cadence[i]
    ]
