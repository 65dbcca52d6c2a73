"""A manager's agenda (DOMAIN §9): what falls due this week, overdue first."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from kam.accounts.models import Account
from kam.accounts.selectors import accounts_visible_to
from kam.engagement.activities.models import VISIT_KINDS, Activity, ActivityStatus
from kam.engagement.activities.selectors import ContactDue, VisitDue, cadence
from kam.org.models import User

# The agenda's week: today and the six days after it.
AGENDA_DAYS = 7
ACTIVITY, VISIT_DUE, CONTACT_DUE = "activity", "visit_due", "contact_due"
_ORDER = {ACTIVITY: 0, VISIT_DUE: 1, CONTACT_DUE: 2}


@dataclass(frozen=True)
class AgendaItem:
    """One line of the agenda: a planned activity, an account due for a visit, or a decision
    maker due for contact; `days_overdue` > 0 when its day has passed."""

    kind: str
    day: dt.date
    days_overdue: int
    account: Account
    activity: Activity | None = None
    visit: VisitDue | None = None
    contact: ContactDue | None = None

    @property
    def overdue(self) -> bool:
        return self.days_overdue > 0


@dataclass(frozen=True)
class Agenda:
    today: dt.date
    end: dt.date
    items: list[AgendaItem]

    @property
    def overdue_count(self) -> int:
        return sum(1 for item in self.items if item.overdue)


def agenda(actor: User, *, today: dt.date | None = None) -> Agenda:
    """The actor's week (§9): their planned activities (theirs or with them taking part) up
    to the week's end, the accounts they own due for a visit or meeting, and those accounts'
    decision makers due for contact; overdue first (the longest overdue at the top), then by
    day. An account or person with a visit or meeting already planned is not listed as due:
    the planned activity stands for it (docs/rules.md "Cadence")."""
    today = today or timezone.localdate()
    end = today + dt.timedelta(days=AGENDA_DAYS - 1)
    until = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min))
    visible = accounts_visible_to(actor)
    planned = (
        Activity.objects.filter(account__in=visible, status=ActivityStatus.PLANNED)
        .filter(Q(owner=actor) | Q(our_participants=actor))
        .distinct()
        .select_related("account")
        .prefetch_related("their_participants")
    )
    items: list[AgendaItem] = []
    for activity in planned.filter(planned_for__lt=until, planned_for__isnull=False):
        day = timezone.localdate(activity.planned_for or until)
        items.append(
            AgendaItem(ACTIVITY, day, max(0, (today - day).days), activity.account, activity)
        )
    owned = {account.pk: account for account in visible.filter(owner=actor)}
    if owned:
        items.extend(_due(owned, today, end))
    items.sort(key=lambda i: (-i.days_overdue, i.day, _ORDER[i.kind], i.account.name, i.account.pk))
    return Agenda(today, end, items)


def _due(owned: dict[int, Account], today: dt.date, end: dt.date) -> list[AgendaItem]:
    upcoming = Activity.objects.filter(account_id__in=list(owned), status=ActivityStatus.PLANNED)
    visit_planned = set(upcoming.filter(kind__in=VISIT_KINDS).values_list("account_id", flat=True))
    people_planned = set(
        Activity.their_participants.through.objects.filter(activity__in=upcoming).values_list(
            "contact_id", flat=True
        )
    )
    found = cadence(list(owned), today=today)
    items = [
        AgendaItem(VISIT_DUE, row.due_on, row.overdue_days, owned[row.account_id], visit=row)
        for row in found.visits
        if row.due_on <= end and row.account_id not in visit_planned
    ]
    items.extend(
        AgendaItem(CONTACT_DUE, row.due_on, row.overdue_days, owned[row.account_id], contact=row)
        for row in found.contacts
        if row.due_on <= end and row.contact_id not in people_planned
    )
    return items
