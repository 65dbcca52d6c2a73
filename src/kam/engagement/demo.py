"""The demo company's engagement (DOMAIN §9): three years of activities, complaints, surveys,
trainings and competitor moves that tell the same story as its revenue.

Every owned customer is visited on the cadence of its size (the largest every month, the
mid-sized every six weeks, the small ones every quarter) with calls and emails between,
outcomes and next steps; the people met come from its buying centre, and each contact's last
contact moves forward as the services move it (`kam.accounts.signals.contacts_met`). The
coming weeks hold planned visits and calls, some already overdue. Complaints of every
category and severity arrive at a rate that fits the account, most acknowledged and
resolved inside the §9 SLA (`due_times`), a few late, some escalated to the conflict-
resolution team; the recent ones are still open. Key accounts are surveyed every quarter
(NPS and CSAT on the five dimensions, half of them through the public form), and get
trainings.

S0's drifting group shows what came before its revenue fell (`drift_start`): from five
months earlier it is visited less and less, complains more and more about service, waits
longer for resolutions, rates service lower survey after survey, and a competitor's price
cut was recorded four months before the fall. The declining and churned customers drift
too, with weaker signals; a few healthy ones have one bad complaint.

Deterministic for the demo's random generator (the invitations' tokens aside, which are
secrets); written through the history-keeping bulk paths.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from django.apps import apps
from django.db import models
from django.utils import timezone

from kam.accounts.models import Account, AccountStatus
from kam.accounts.signals import contacts_met
from kam.core.bulk import bulk_insert, history_copy, insert_objects, reserve_ids
from kam.engagement.activities.models import Activity, ActivityKind, ActivityStatus, Channel
from kam.engagement.activities.sweep import cadence_sweep
from kam.engagement.competitors.models import CompetitorMove, CompetitorOffer, MoveSource
from kam.engagement.complaints.models import (
    Category,
    Complaint,
    ComplaintEvent,
    EventAction,
    Severity,
    Status,
)
from kam.engagement.complaints.selectors import complaint_settings, due_times
from kam.engagement.complaints.sweep import complaint_sla_sweep
from kam.engagement.surveys.alerting import survey_drops_sweep
from kam.engagement.surveys.models import (
    ResponseSource,
    SurveyInvitation,
    SurveyMethod,
    SurveyPlan,
    SurveyResponse,
    SurveySchedule,
)
from kam.engagement.surveys.services import INVITATION_PREFIX
from kam.engagement.trainings.models import Training, TrainingTopic
from kam.ledger.demo import DemoAccount, drift_start, month_starts
from kam.ledger.models import LedgerLine
from kam.org.models import Department, DepartmentCode, Team, User, hash_token
from kam.org.services import team_create

SIGNAL_DAYS = 150  # the drifting group's signals start five months before its revenue falls
RISE_DAYS = 240  # and grow to their full strength over eight months
OFFER_DAYS = 120  # the competitor's price cut, four months before
WEAK = ("declining", "churned")  # drift too, with weaker signals
CONFLICT_TEAM = "Conflict resolution"
KEY_SURVEYED = 25  # the largest customers are surveyed every quarter
TRAINED = 30
WORK_START = dt.time(9)

K = ActivityKind
SUBJECTS = {
    K.VISIT: [
        "Quarterly business review",
        "Plant visit: line 2 pump retrofit",
        "Visit to the maintenance team",
        "Site walk with the plant manager",
        "Annual supply agreement review",
        "Visit: new production hall layout",
    ],
    K.MEETING: [
        "Meeting with purchasing on the annual volumes",
        "Technical meeting: valve specification",
        "Meeting on the spare parts stock",
        "Steering meeting with the general manager",
    ],
    K.CALL: [
        "Call about the open order",
        "Follow-up call on the quotation",
        "Call: delivery dates for next month",
        "Call with the chief engineer",
        "Check-in call",
    ],
    K.EMAIL: [
        "Sent the revised quotation",
        "Sent the datasheets requested",
        "Email: service contract renewal terms",
        "Sent the meeting minutes",
    ],
    K.ONLINE_SESSION: [
        "Online demo of the drive configurator",
        "Web session: sensor calibration",
        "Online review of the energy audit",
    ],
    K.SERVICE_REQUEST: [
        "Service request: pump seal leaking",
        "Service request: drive fault code",
        "Service request: commissioning support",
        "Service request: spare parts urgently needed",
    ],
}
OUTCOMES = [
    "Customer confirmed the volumes for next quarter.",
    "Agreed on the technical specification; quotation to follow.",
    "They are happy with the last delivery.",
    "Concerns about lead times; we promised a weekly status.",
    "Interest in the premium service contract.",
    "Open points cleared; no action on their side.",
    "They asked for a price review before the next order.",
    "New project in the second plant; they will share drawings.",
]
DRIFT_OUTCOMES = [
    "Meeting shortened; the plant manager complained about our service response times.",
    "They said the last two service calls took too long.",
    "Purchasing mentioned another supplier's offer.",
    "Cool reception; they postponed the volume discussion.",
]
NEXT_STEPS = [
    ("Send the quotation", K.EMAIL),
    ("Call to confirm the delivery plan", K.CALL),
    ("Plan the next visit", K.VISIT),
    ("Share the service report", K.EMAIL),
    ("Follow up on the open order", K.CALL),
]
C = Category
COMPLAINTS = {
    C.PRODUCT_QUALITY: [
        (
            "Pump seals failing after two weeks",
            "Seal material unfit for the medium",
            "Seals replaced with FKM; material note added to the order template",
        ),
        (
            "Valve leaking at the flange",
            "Gasket damaged in assembly",
            "Valves replaced; assembly check added",
        ),
        (
            "Sensor readings drifting",
            "Calibration batch out of tolerance",
            "Sensors recalibrated on site",
        ),
    ],
    C.DELIVERY: [
        (
            "Order delivered a week late",
            "Carrier capacity at Spring Festival",
            "Partial shipment by express; second carrier booked",
        ),
        (
            "Wrong motor variant delivered",
            "Picking error in the warehouse",
            "Correct variant sent next day; picking scan added",
        ),
        (
            "Damaged packaging on arrival",
            "Pallets not strapped",
            "Goods replaced; packaging instruction updated",
        ),
    ],
    C.SERVICE: [
        (
            "Service engineer arrived two days late",
            "Service team short of engineers in the region",
            "Visit done; a second engineer assigned to the region",
        ),
        (
            "No answer from the service hotline",
            "Hotline understaffed at night",
            "Call-back promised within two hours; rota extended",
        ),
        (
            "Repeated breakdown after repair",
            "Root cause not found on the first visit",
            "Drive replaced; fault analysis shared",
        ),
        (
            "Commissioning support not available",
            "Engineer booked on another site",
            "Commissioning rescheduled with a senior engineer",
        ),
    ],
    C.PRICE_BILLING: [
        (
            "Invoice does not match the quotation",
            "Old price list used for the invoice",
            "Credit note issued",
        ),
        ("Freight charged twice", "Duplicate freight line", "Duplicate removed; invoice reissued"),
    ],
    C.RELATIONSHIP: [
        (
            "Account manager unreachable",
            "Manager on leave without a stand-in",
            "Stand-in named; customer informed",
        ),
    ],
    C.OTHER: [
        (
            "Certificates missing from the delivery",
            "Documents not attached",
            "Certificates sent by email",
        ),
    ],
}
CATEGORY_WEIGHTS = {
    C.PRODUCT_QUALITY: 0.3,
    C.DELIVERY: 0.25,
    C.SERVICE: 0.15,
    C.PRICE_BILLING: 0.15,
    C.RELATIONSHIP: 0.08,
    C.OTHER: 0.07,
}
S = Severity
SEVERITY_WEIGHTS = {S.CRITICAL: 0.08, S.HIGH: 0.22, S.MEDIUM: 0.4, S.LOW: 0.3}
DEPARTMENT_OF = {
    C.PRODUCT_QUALITY: DepartmentCode.MANUFACTURING,
    C.DELIVERY: DepartmentCode.TRANSPORT,
    C.SERVICE: DepartmentCode.SERVICE,
    C.PRICE_BILLING: DepartmentCode.FINANCE,
    C.RELATIONSHIP: DepartmentCode.SALES,
    C.OTHER: DepartmentCode.SALES,
}
COMPLAINT_CHANNELS = ["phone", "email", "wechat", "on_site", "call_centre", "web"]
TRAININGS = {
    TrainingTopic.PRODUCT_KNOWLEDGE: ["Pump selection basics", "Valve sizing workshop"],
    TrainingTopic.TECHNICAL_SUPPORT: ["Drive fault finding", "Sensor calibration hands-on"],
    TrainingTopic.SOLUTIONS: ["Energy saving with variable speed drives", "Predictive maintenance"],
}
TRAINERS = ["Chen Jing (application engineer)", "Zhao Lei (service)", "Partner: Huayu Automation"]
COMPETITORS = ["Hengtai Pumps", "Dongfang Flow", "Nordic Valves", "Jiaxin Drives"]


@dataclass(eq=False)
class _Person:
    pk: int
    account_id: int
    role: str
    department: str
    last_contact: dt.date | None
    left_on: dt.date | None
    met: dt.date | None = None  # the latest done activity with them


@dataclass(eq=False)
class _Story:
    """One customer's part: its rank, owner, whether and since when it drifts."""

    account: Account
    rank: int
    trajectory: str
    interval: int
    drifting: bool
    weak: bool
    signal_from: dt.date | None
    ends: dt.date | None  # when a churned customer left
    people: list[_Person] = field(default_factory=list)

    def strength(self, day: dt.date) -> float:
        """0 before the signals start, rising to 1 over the next eight months (weak
        accounts to 0.4)."""
        if self.signal_from is None or day < self.signal_from:
            return 0.0
        if self.ends is not None and day >= self.ends:
            return 1.0  # gone: seen rarely since
        rise = min(1.0, ((day - self.signal_from).days + 30) / RISE_DAYS)
        return rise * (0.4 if self.weak else 1.0)


def _write(model: type[models.Model], objs: Sequence[models.Model]) -> None:
    """Insert new objects through the store's fast path (`insert_objects`) with their keys
    reserved, and their first history rows ("created") copied in the store itself."""
    objs = list(objs)
    now = timezone.now()
    stamped = [f for f in model._meta.concrete_fields if getattr(f, "auto_now", False)]
    fresh = [obj for obj in objs if obj.pk is None]
    for obj, pk in zip(fresh, reserve_ids(model, len(fresh)), strict=True):
        obj.pk = pk
    for obj in objs:
        for stamp in stamped:
            setattr(obj, stamp.attname, now)
    insert_objects(model, objs)
    history_copy(model, [obj.pk for obj in objs], user_id=None, history_type="+")


def _moment(rng: random.Random, day: dt.date) -> dt.datetime:
    """A working moment on `day` (Saturday and Sunday move to Friday)."""
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    at = dt.time(
        rng.randint(WORK_START.hour, 16),
        rng.choice([0, 15, 30, 45]),
        tzinfo=timezone.get_default_timezone(),
    )
    return dt.datetime.combine(day, at)


def _eligible(people: Sequence[_Person], day: dt.date, as_of: dt.date) -> list[_Person]:
    """The people who could have taken part on `day`: not yet gone, and not later than the
    last contact the buying centre records for them (recently met ones any day)."""
    recent = as_of - dt.timedelta(days=45)
    return [
        p
        for p in people
        if (p.left_on is None or day < p.left_on)
        and (p.last_contact is None or day <= p.last_contact or p.last_contact >= recent)
    ]


def _participants(rng: random.Random, pool: list[_Person], count: int) -> list[_Person]:
    if not pool:
        return []
    makers = [p for p in pool if p.role == "decision_maker"]
    chosen = set(rng.sample(pool, min(count, len(pool))))
    if makers and rng.random() < 0.6:
        chosen.add(rng.choice(makers))
    return sorted(chosen, key=lambda p: p.pk)


def demo_engagement(
    rng: random.Random,
    created: list[Account],
    plan: list[DemoAccount],
    users: Mapping[str, User],
    *,
    as_of: dt.date,
    last_month: dt.date,
    years: int,
) -> None:
    """The demo's engagement history (§9); see the module docstring. Inside the demo's
    transaction, after the buying centres and before the scores."""
    start = month_starts(last_month, years)[0]
    falls = drift_start(last_month, years)
    stories = _stories(rng, created, plan, as_of, falls)
    _activities(rng, stories, users, start, as_of)
    _complaints(rng, stories, users, start, as_of)
    _surveys(rng, stories, start, as_of)
    _trainings(rng, stories, users, start, as_of)
    _competitor_moves(rng, stories, users, start, as_of, falls)


def demo_sweeps(as_of: dt.date) -> None:
    """The sweeps the scheduler runs at night and every 15 minutes, run once so a fresh demo
    shows its cadence, SLA and survey drop alerts (after the scores: the cadence reads the
    accounts' classes)."""
    cadence_sweep(today=as_of)
    complaint_sla_sweep()
    survey_drops_sweep()


def _stories(
    rng: random.Random,
    created: list[Account],
    plan: list[DemoAccount],
    as_of: dt.date,
    falls: dt.date,
) -> list[_Story]:
    accounts = {account.code: account for account in created}
    contact_model: Any = Activity._meta.get_field("their_participants").related_model
    people: dict[int, list[_Person]] = defaultdict(list)
    rows = contact_model._default_manager.filter(merged_into__isnull=True).values_list(
        "pk", "account_id", "buying_role", "department", "last_contact", "left_on"
    )
    for pk, account_id, role, department, last_contact, left_on in rows.order_by("pk"):
        people[account_id].append(_Person(pk, account_id, role, department, last_contact, left_on))
    churned = [accounts[item.code].pk for item in plan if item.trajectory == "churned"]
    ended = dict(
        LedgerLine.objects.filter(account_id__in=churned)
        .values("account_id")
        .annotate(last=models.Max("date"))
        .values_list("account_id", "last")
    )
    stories = []
    for rank, item in enumerate(plan):
        account = accounts[item.code]
        if account.status != AccountStatus.CUSTOMER:
            continue
        drifting = item.trajectory == "drifting"
        weak = item.trajectory in WEAK
        ends = ended.get(account.pk) if item.trajectory == "churned" else None
        signal_from = None
        if drifting:
            signal_from = falls - dt.timedelta(days=SIGNAL_DAYS)
        elif weak:
            signal_from = (ends or as_of) - dt.timedelta(days=rng.randint(150, 400))
        stories.append(
            _Story(
                account,
                rank,
                item.trajectory,
                30 if rank < 12 else 45 if rank < 60 else 90,
                drifting,
                weak,
                signal_from,
                ends + dt.timedelta(days=30) if ends else None,
                people.get(account.pk, []),
            )
        )
    return stories


# --- activities -------------------------------------------------------------------------


@dataclass
class _Row:
    activity: Activity
    ours: list[int]
    theirs: list[_Person]


def _activity(
    rng: random.Random,
    story: _Story,
    kind: str,
    when: dt.datetime,
    status: str,
    as_of: dt.date,
    ours: list[int],
) -> _Row:
    channel = {
        K.VISIT: Channel.ON_SITE,
        K.MEETING: rng.choice([Channel.ON_SITE, Channel.ON_SITE, Channel.WEB]),
        K.CALL: rng.choice([Channel.PHONE, Channel.PHONE, Channel.WECHAT]),
        K.EMAIL: Channel.EMAIL,
        K.ONLINE_SESSION: Channel.WEB,
        K.SERVICE_REQUEST: rng.choice([Channel.CALL_CENTRE, Channel.WEB, Channel.PHONE]),
    }[ActivityKind(kind)]
    minutes = {
        K.VISIT: (60, 180),
        K.MEETING: (45, 120),
        K.CALL: (10, 30),
        K.ONLINE_SESSION: (30, 90),
        K.SERVICE_REQUEST: (20, 120),
    }.get(ActivityKind(kind))
    day = when.date()  # a working moment in the company's zone (_moment)
    strength = story.strength(day)
    activity = Activity(
        account=story.account,
        kind=kind,
        channel=channel,
        status=status,
        planned_for=when if kind != K.EMAIL or status != ActivityStatus.DONE else None,
        done_at=when if status == ActivityStatus.DONE else None,
        duration_minutes=rng.randint(*minutes) if minutes else None,
        subject=rng.choice(SUBJECTS[ActivityKind(kind)]),
        owner_id=cast(int, story.account.owner_id),  # only owned accounts have activities
    )
    if status == ActivityStatus.DONE and kind != K.EMAIL:
        bad = strength > 0 and rng.random() < 0.25 + 0.5 * strength
        activity.outcome = rng.choice(DRIFT_OUTCOMES if bad else OUTCOMES)
        if rng.random() < 0.6:
            step, _kind = rng.choice(NEXT_STEPS)
            activity.next_step = step
            activity.next_step_on = min(day + dt.timedelta(days=rng.randint(3, 14)), as_of)
    count = {K.VISIT: rng.randint(1, 3), K.MEETING: rng.randint(2, 4)}.get(ActivityKind(kind), 1)
    theirs = _participants(rng, _eligible(story.people, day, as_of), count)
    return _Row(activity, ours, theirs)


def _history(
    rng: random.Random, story: _Story, helpers: list[int], start: dt.date, as_of: dt.date
) -> tuple[list[_Row], int | None]:
    """An account's done (and a few cancelled) activities since `start`: visits on its
    cadence, thinning as it drifts, calls and emails between; and the last visit's index."""
    owner = story.account.owner_id or 0
    rows: list[_Row] = []
    end = as_of  # a churned customer is still called on, less and less (win-back)
    day = start + dt.timedelta(days=rng.randint(0, story.interval))
    last_visit: int | None = None
    between = [0, 1, 1, 2, 3] if story.rank < 60 else [0, 0, 1]
    while day < end:
        strength = story.strength(day)
        kind = K.VISIT if rng.random() < 0.7 else K.MEETING
        cancelled = rng.random() < 0.04
        ours = [owner] + ([rng.choice(helpers)] if story.rank < 60 and rng.random() < 0.3 else [])
        status = ActivityStatus.CANCELLED if cancelled else ActivityStatus.DONE
        rows.append(_activity(rng, story, kind, _moment(rng, day), status, as_of, ours))
        last_visit = last_visit if cancelled else len(rows) - 1
        gap = story.interval * rng.uniform(0.75, 1.15) * (1 + 1.8 * strength)
        for _ in range(rng.choice(between)):
            other = day + dt.timedelta(days=rng.randint(1, max(int(gap) - 1, 1)))
            kind = rng.choice([K.CALL, K.CALL, K.EMAIL, K.EMAIL, K.ONLINE_SESSION])
            if rng.random() < 0.08 + 0.25 * strength:
                kind = K.SERVICE_REQUEST
            if other < end:
                moment = _moment(rng, other)
                rows.append(
                    _activity(rng, story, kind, moment, ActivityStatus.DONE, as_of, [owner])
                )
        day += dt.timedelta(days=max(int(gap), 7))
    return rows, last_visit


def _coming(
    rng: random.Random, story: _Story, visited: dt.date, as_of: dt.date, *, first: bool
) -> list[_Row]:
    """The coming weeks: the next visit planned (some already overdue, some not planned at
    all so the cadence alert stands for it) and sometimes a call; the owner's first account
    always has a visit this week or next."""
    owner = story.account.owner_id or 0
    due = visited + dt.timedelta(days=story.interval)
    if due < as_of and not first and rng.random() < 0.6:
        if rng.random() < 0.5:
            return []
    elif due < as_of or first:
        due = as_of + dt.timedelta(days=rng.randint(0 if first else 1, 20))
    planned = _activity(
        rng, story, K.VISIT, _moment(rng, due), ActivityStatus.PLANNED, as_of, [owner]
    )
    planned.activity.subject = "Follow-up visit"
    rows = [planned]
    if rng.random() < 0.4:
        call = _moment(rng, as_of + dt.timedelta(days=rng.randint(-5, 14)))
        rows.append(_activity(rng, story, K.CALL, call, ActivityStatus.PLANNED, as_of, [owner]))
    return rows


def _activities(
    rng: random.Random,
    stories: list[_Story],
    users: Mapping[str, User],
    start: dt.date,
    as_of: dt.date,
) -> None:
    rows: list[_Row] = []
    follows: list[tuple[int, int]] = []  # (planned row, the done row it follows)
    helpers = [users["sales"].pk, users["service"].pk]
    seen_owner: set[int] = set()
    for story in stories:
        owner = story.account.owner_id
        if owner is None:
            continue
        done, last_visit = _history(rng, story, helpers, start, as_of)
        offset = len(rows)
        rows.extend(done)
        if last_visit is None:
            continue
        visited = (done[last_visit].activity.done_at or timezone.now()).date()
        coming = _coming(rng, story, visited, as_of, first=owner not in seen_owner)
        seen_owner.add(owner)
        if coming:
            follows.append((len(rows), offset + last_visit))
            rows.extend(coming)
    for row, pk in zip(rows, reserve_ids(Activity, len(rows)), strict=True):
        row.activity.pk = pk
    for planned_index, done_index in follows:
        rows[planned_index].activity.follows_id = rows[done_index].activity.pk
    _write(Activity, [row.activity for row in rows])
    ours_through: Any = Activity.our_participants.through
    theirs_through: Any = Activity.their_participants.through
    bulk_insert(
        ours_through, ["activity_id", "user_id"], [(r.activity.pk, u) for r in rows for u in r.ours]
    )
    bulk_insert(
        theirs_through,
        ["activity_id", "contact_id"],
        [(r.activity.pk, p.pk) for r in rows for p in r.theirs],
    )
    _met(rows)


def _met(rows: list[_Row]) -> None:
    """Each person's last contact moved to their latest done activity, only forward, as a
    done activity moves it (§7): one `contacts_met` per day, for those who moved."""
    latest: dict[int, dt.date] = {}
    people: dict[int, _Person] = {}
    for row in rows:
        if row.activity.status != ActivityStatus.DONE or row.activity.done_at is None:
            continue
        day = row.activity.done_at.date()
        for person in row.theirs:
            people[person.pk] = person
            if latest.get(person.pk, dt.date.min) < day:
                latest[person.pk] = day
    by_day: dict[dt.date, list[int]] = defaultdict(list)
    for pk, day in latest.items():
        person = people[pk]
        person.met = day
        if person.last_contact is None or person.last_contact < day:
            by_day[day].append(pk)
            person.last_contact = day
    for day, ids in sorted(by_day.items()):
        contacts_met.send(Activity, contact_ids=ids, on=day, actor=None)


# --- complaints -------------------------------------------------------------------------


def _conflict_team(users: Mapping[str, User]) -> Team:
    team = Team.objects.filter(name=CONFLICT_TEAM).first()
    if team is not None:
        return team
    return team_create(
        actor=users["director"],
        name=CONFLICT_TEAM,
        description="Takes over the conflicts a key account manager cannot settle alone.",
        member_ids=[users["director"].pk, users["service"].pk],
    )


@dataclass
class _Case:
    complaint: Complaint
    events: list[ComplaintEvent]


def _arrivals(rng: random.Random, per_year: float, start: dt.date, end: dt.date) -> list[dt.date]:
    days: list[dt.date] = []
    if per_year <= 0:
        return days
    day = start + dt.timedelta(days=rng.expovariate(per_year / 365))
    while day < end:
        days.append(day)
        day += dt.timedelta(days=max(1.0, rng.expovariate(per_year / 365)))
    return days


def _complaints(
    rng: random.Random,
    stories: list[_Story],
    users: Mapping[str, User],
    start: dt.date,
    as_of: dt.date,
) -> None:
    settings = complaint_settings()
    team = _conflict_team(users)
    departments = dict(Department.objects.values_list("code", "pk"))
    now = timezone.now()
    cases: list[_Case] = []
    healthy_bad = 0
    for story in stories:
        end = min(as_of, story.ends) if story.ends else as_of
        per_year = 2.5 if story.rank < 40 else 1.0 if story.rank < 80 else 0.3
        arrivals: list[tuple[dt.date, str | None]] = [
            (day, None) for day in _arrivals(rng, per_year, start, end)
        ]
        if story.signal_from is not None:
            extra = 5.0 if story.drifting else 1.2
            kinds = C.SERVICE if story.drifting else None
            arrivals += [(day, kinds) for day in _arrivals(rng, extra, story.signal_from, end)]
        elif story.rank < 40 and healthy_bad < 4 and rng.random() < 0.3:
            healthy_bad += 1  # a healthy key account's one bad day
            arrivals.append((as_of - dt.timedelta(days=rng.randint(60, 500)), "bad"))
        for day, forced in sorted(arrivals, key=lambda pair: pair[0]):
            cases.append(_case(rng, story, day, forced, settings, team, departments, users, now))
    complaints = [case.complaint for case in cases]
    _write(Complaint, complaints)
    events = [event for case in cases for event in case.events]
    for case in cases:
        for event in case.events:
            event.complaint_id = case.complaint.pk
    _write(ComplaintEvent, events)


def _case(
    rng: random.Random,
    story: _Story,
    day: dt.date,
    forced: str | None,
    settings: Any,
    team: Team,
    departments: Mapping[str, int],
    users: Mapping[str, User],
    now: dt.datetime,
) -> _Case:
    strength = story.strength(day)
    if forced == "bad":
        category = rng.choice([C.PRODUCT_QUALITY, C.DELIVERY])
        severity = S.CRITICAL
    else:
        category = Category(forced) if forced else _pick(rng, CATEGORY_WEIGHTS)
        severity = (
            rng.choice([S.HIGH, S.HIGH, S.MEDIUM, S.CRITICAL])
            if forced
            else _pick(rng, SEVERITY_WEIGHTS)
        )
    subject, cause, fix = rng.choice(COMPLAINTS[category])
    received = _moment(rng, day) + dt.timedelta(minutes=rng.randint(0, 50))
    received = min(received, now - dt.timedelta(hours=rng.randint(1, 30)))
    due = due_times(received_at=received, severity=severity, settings=settings)
    slow = story.drifting and category == C.SERVICE and strength > 0
    ack_share = rng.uniform(0.3, 1.4) if slow else rng.uniform(0.05, 0.8)
    if not slow and rng.random() < 0.05:
        ack_share = rng.uniform(1.1, 2.5)
    fix_share = rng.uniform(0.6, 1.9) if slow else rng.uniform(0.15, 0.9)
    if not slow and rng.random() < 0.06:
        fix_share = rng.uniform(1.05, 2.0)
    acknowledged = received + (due.acknowledge - received) * ack_share
    resolved = max(
        received + (due.resolve - received) * fix_share, acknowledged + dt.timedelta(hours=1)
    )
    started = acknowledged + (resolved - acknowledged) * rng.uniform(0.05, 0.3)
    closed = resolved + dt.timedelta(days=rng.uniform(1, 6))
    pool = _eligible(story.people, day, day)
    contact = rng.choice(pool) if pool else None
    owner = story.account.owner_id or users["service"].pk
    complaint = Complaint(
        account=story.account,
        contact_id=contact.pk if contact else None,
        reporter_name="" if contact else rng.choice(["Mr. Liu (workshop)", "Ms. Gao (purchasing)"]),
        received_at=received,
        channel=rng.choice(COMPLAINT_CHANNELS),
        category=category,
        severity=severity,
        subject=subject,
        description=f"{subject}. Reported by the customer; details in the call notes.",
        acknowledge_due_at=due.acknowledge,
        resolve_due_at=due.resolve,
        department_id=departments.get(DEPARTMENT_OF[category]),
        owner_id=owner,
        created_by_id=owner,
    )
    events = [_event(EventAction.CREATED, received, owner, to_status=Status.OPEN)]
    events.append(
        _event(
            EventAction.ASSIGNED,
            received + dt.timedelta(minutes=5),
            owner,
            comment=f"department: {DEPARTMENT_OF[category].label}",
        )
    )
    status = Status.OPEN
    if acknowledged <= now:
        complaint.acknowledged_at, status = acknowledged, Status.ACKNOWLEDGED
        events.append(_event(EventAction.ACKNOWLEDGED, acknowledged, owner, Status.OPEN, status))
    if started <= now:
        complaint.started_at, status = started, Status.IN_PROGRESS
        events.append(_event(EventAction.STARTED, started, owner, Status.ACKNOWLEDGED, status))
    if status == Status.IN_PROGRESS and severity in (S.CRITICAL, S.HIGH):
        at = started + (resolved - started) * 0.3
        if at <= now and (forced == "bad" or rng.random() < (0.45 if slow else 0.12)):
            events.append(_escalate(rng, complaint, at, team, owner, bad=forced == "bad"))
    if resolved <= now:
        complaint.resolved_at, status = resolved, Status.RESOLVED
        complaint.root_cause, complaint.resolution = cause, fix
        events.append(
            _event(EventAction.RESOLVED, resolved, owner, Status.IN_PROGRESS, status, comment=fix)
        )
    if closed <= now:
        complaint.closed_at, status = closed, Status.CLOSED
        events.append(_event(EventAction.CLOSED, closed, owner, Status.RESOLVED, status))
    complaint.status = status
    return _Case(complaint, events)


def _escalate(
    rng: random.Random, complaint: Complaint, at: dt.datetime, team: Team, owner: int, *, bad: bool
) -> ComplaintEvent:
    """Hand the conflict to the conflict-resolution team (§9), and its log entry."""
    complaint.escalated_at, complaint.escalated_to = at, team
    complaint.escalated_by_id = owner
    complaint.escalation_reason = (
        "The customer's management asked for a solution at director level."
        if bad or rng.random() < 0.5
        else "Repeated issue; the customer threatens to move volume elsewhere."
    )
    comment = f"{team.name}: {complaint.escalation_reason}"
    return _event(EventAction.ESCALATED, at, owner, comment=comment)


def _event(
    action: str,
    at: dt.datetime,
    actor: int,
    from_status: str = "",
    to_status: str = "",
    *,
    comment: str = "",
) -> ComplaintEvent:
    return ComplaintEvent(
        action=action,
        at=at,
        actor_id=actor,
        from_status=from_status,
        to_status=to_status,
        comment=comment,
    )


def _pick(rng: random.Random, weights: Mapping[Any, float]) -> Any:
    return rng.choices(list(weights), list(weights.values()))[0]


# --- surveys ----------------------------------------------------------------------------


def _quarters(start: dt.date, as_of: dt.date) -> list[dt.date]:
    first = dt.date(start.year, (start.month - 1) // 3 * 3 + 1, 1)
    days = []
    while first <= as_of:
        days.append(first)
        first = dt.date(first.year + first.month // 10, (first.month + 2) % 12 + 1, 1)
    return days


def _score(rng: random.Random, mean: float, low: int, high: int) -> int:
    return max(low, min(high, round(rng.gauss(mean, 0.45 if high == 5 else 0.9))))


def _surveys(rng: random.Random, stories: list[_Story], start: dt.date, as_of: dt.date) -> None:
    surveyed = [s for s in stories if s.people and s.account.owner_id and not s.ends][:KEY_SURVEYED]
    surveyed += [s for s in stories if s.drifting and s not in surveyed and s.people]
    quarters = _quarters(start, as_of)
    next_quarter = _quarters(as_of, as_of + dt.timedelta(days=92))[-1]
    plans: list[SurveyPlan] = []
    plan_people: list[list[_Person]] = []
    responses: list[SurveyResponse] = []
    invitations: list[tuple[SurveyInvitation, dt.date, int | None]] = []
    for index, story in enumerate(surveyed):
        web = rng.random() < 0.6
        pool = [p for p in story.people if p.role in ("decision_maker", "influencer")][:6]
        pool = pool or story.people[:3]
        plan = SurveyPlan(
            account=story.account,
            purpose="Quarterly satisfaction survey",
            content="NPS: would you recommend us?\nCSAT: product, service, delivery, price, "
            "relationship.",
            schedule=SurveySchedule.QUARTERLY,
            next_due_on=next_quarter
            if index % 6
            else as_of - dt.timedelta(days=rng.randint(3, 20)),
            method=SurveyMethod.WEB_FORM if web else SurveyMethod.INTERVIEW,
            created_by_id=story.account.owner_id,
        )
        plans.append(plan)
        plan_people.append(pool)
        _responses(rng, story, plan, pool, quarters, as_of, responses, invitations)
        if web:  # this quarter's links, not all answered yet
            sent = quarters[-1] + dt.timedelta(days=7)
            if sent < as_of:
                for person in pool[:2]:
                    if not any(
                        r.contact_id == person.pk and r.responded_on >= sent for r in responses
                    ):
                        invitations.append(
                            (_invitation(story, plan, person, sent, None), sent, None)
                        )
    _write(SurveyPlan, plans)
    created = plans
    through: Any = SurveyPlan.contacts.through
    through.objects.bulk_create(
        [
            through(surveyplan_id=p.pk, contact_id=person.pk)
            for p, pool in zip(created, plan_people, strict=True)
            for person in pool
        ]
    )
    _m2m_history(SurveyPlan, "contacts", "surveyplan", [p.pk for p in created])
    for response in responses:
        response.plan_id = response.plan.pk if response.plan else None
    _write(SurveyResponse, responses)
    rows = []
    for invitation, _sent, response_index in invitations:
        invitation.plan_id = invitation.plan.pk if invitation.plan else None
        if response_index is not None:
            invitation.response_id = responses[response_index].pk
        rows.append(invitation)
    _write(SurveyInvitation, rows)
    sent_on: dict[dt.date, list[int]] = defaultdict(list)
    for invitation, sent, _index in invitations:
        sent_on[sent].append(invitation.pk)
    for sent, ids in sent_on.items():  # recorded when they were sent, not now
        SurveyInvitation.objects.filter(pk__in=ids).update(
            created_at=timezone.make_aware(dt.datetime.combine(sent, WORK_START))
        )


def _responses(
    rng: random.Random,
    story: _Story,
    plan: SurveyPlan,
    pool: list[_Person],
    quarters: list[dt.date],
    as_of: dt.date,
    responses: list[SurveyResponse],
    invitations: list[tuple[SurveyInvitation, dt.date, int | None]],
) -> None:
    """A plan's quarterly answers: each account's level with noise, falling once its
    signals start (service most of all at the drifting group); web-form ones through an
    answered invitation."""
    web = plan.method == SurveyMethod.WEB_FORM
    base = {
        name: rng.uniform(3.6, 4.6)
        for name in ("product", "service", "delivery", "price", "relationship")
    }
    nps = rng.uniform(6.5, 9.0)
    span = max((as_of - story.signal_from).days, 1) if story.signal_from else 1
    for quarter in quarters:
        day = quarter + dt.timedelta(days=rng.randint(10, 40))
        if day >= as_of:
            continue
        fall = 0.0
        if story.signal_from and day >= story.signal_from:
            fall = ((day - story.signal_from).days / span) ** 1.3 * (1.0 if story.drifting else 0.3)
        sent = quarter + dt.timedelta(days=7)
        for person in _eligible(pool, day, as_of)[: rng.randint(1, 3)]:
            scores = {
                f"csat_{name}": _score(rng, mean - fall * (2.4 if name == "service" else 0.6), 1, 5)
                for name, mean in base.items()
            }
            response = SurveyResponse(
                account=story.account,
                plan=plan,
                contact_id=person.pk,
                responded_on=day,
                method=plan.method,
                nps=_score(rng, nps - fall * 4.5, 0, 10),
                source=ResponseSource.PUBLIC_FORM if web else ResponseSource.PAGE,
                entered_by_id=None if web else story.account.owner_id,
                comments=(
                    "Service response times have become a problem."
                    if fall > 0.4 and rng.random() < 0.6
                    else ""
                ),
                **scores,
            )
            responses.append(response)
            if web:
                invitations.append(
                    (_invitation(story, plan, person, sent, day), sent, len(responses) - 1)
                )


def _invitation(
    story: _Story, plan: SurveyPlan, person: _Person, sent: dt.date, answered: dt.date | None
) -> SurveyInvitation:
    raw = INVITATION_PREFIX + secrets.token_urlsafe(32)
    at = timezone.make_aware(dt.datetime.combine(sent, WORK_START))
    return SurveyInvitation(
        account=story.account,
        plan=plan,
        contact_id=person.pk,
        token_hash=hash_token(raw),
        hint=raw[:8],
        created_by_id=story.account.owner_id,
        expires_at=at + dt.timedelta(days=30),
        used_at=timezone.make_aware(dt.datetime.combine(answered, dt.time(10)))
        if answered
        else None,
    )


def _m2m_history(model: type[models.Model], name: str, own: str, pks: Sequence[int]) -> None:
    """The many-to-many rows of each object's first history row (simple_history writes them
    from m2m_changed, which a bulk insert does not send)."""
    history: Any = model.history.model  # type: ignore[attr-defined]
    through: Any = apps.get_model(model._meta.app_label, f"{history.__name__}_{name}")
    live: Any = getattr(model, name).through
    members: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for pk, owner, contact in live.objects.filter(**{f"{own}_id__in": list(pks)}).values_list(
        "pk", f"{own}_id", "contact_id"
    ):
        members[owner].append((pk, contact))
    rows = [
        through(**{"id": pk, f"{own}_id": owner, "contact_id": contact, "history_id": history_id})
        for history_id, owner in history.objects.filter(id__in=list(pks)).values_list(
            "history_id", "id"
        )
        for pk, contact in members[owner]
    ]
    through.objects.bulk_create(rows, batch_size=2000)


# --- trainings and competitors ------------------------------------------------------------


def _trainings(
    rng: random.Random,
    stories: list[_Story],
    users: Mapping[str, User],
    start: dt.date,
    as_of: dt.date,
) -> None:
    trainings: list[Training] = []
    attendees: dict[int, list[int]] = {}
    people: list[list[int]] = []
    for story in [s for s in stories if s.people][:TRAINED]:
        for day in _arrivals(rng, 1.5, start, as_of - dt.timedelta(days=3)):
            topic = _pick(rng, dict.fromkeys(TRAININGS, 1.0))
            pool = [
                p
                for p in _eligible(story.people, day, as_of)
                if p.department in ("Engineering", "Production", "Quality", "R&D")
            ]
            if len(pool) < 2:
                continue
            late = story.strength(day) > 0 and story.drifting
            trainings.append(
                Training(
                    account=story.account,
                    topic=topic,
                    title=rng.choice(TRAININGS[topic]),
                    held_on=day if day.weekday() < 5 else day - dt.timedelta(days=2),
                    duration_hours=Decimal(rng.choice(["2.0", "3.0", "4.0", "8.0"])),
                    trainer=rng.choice(TRAINERS),
                    materials="Slides (PDF)\nHands-on checklist",
                    feedback_score=Decimal(
                        f"{rng.uniform(2.8, 3.8) if late else rng.uniform(3.6, 4.9):.2f}"
                    ),
                    notes="Attendees asked for a follow-up session." if rng.random() < 0.3 else "",
                    created_by_id=story.account.owner_id or users["director"].pk,
                )
            )
            people.append([p.pk for p in rng.sample(pool, min(len(pool), rng.randint(2, 8)))])
    _write(Training, trainings)
    through: Any = Training.attendees.through
    for training, ids in zip(trainings, people, strict=True):
        attendees[training.pk] = ids
    through.objects.bulk_create(
        [through(training_id=pk, contact_id=c) for pk, ids in attendees.items() for c in ids],
        batch_size=2000,
    )
    _m2m_history(Training, "attendees", "training", list(attendees))


def _competitor_moves(
    rng: random.Random,
    stories: list[_Story],
    users: Mapping[str, User],
    start: dt.date,
    as_of: dt.date,
    falls: dt.date,
) -> None:
    moves: list[CompetitorMove] = []
    group = [s for s in stories if s.drifting]
    offered = falls - dt.timedelta(days=OFFER_DAYS)
    for index, story in enumerate(group[:2]):
        moves.append(
            CompetitorMove(
                account=story.account,
                competitor="Hengtai Pumps",
                offer=CompetitorOffer.PRICE_CUT,
                description="12% below our list price on pumps and valves for a two-year "
                "framework agreement, with a service engineer on call.",
                products="Pumps, Valves, Service contracts",
                seen_on=offered + dt.timedelta(days=index * 9),
                seen_by_id=story.account.owner_id,
                source=MoveSource.CUSTOMER if index == 0 else MoveSource.TENDER,
                source_detail="The purchasing director showed us their quotation."
                if index == 0
                else "Their bid in the spare parts tender.",
                created_by_id=story.account.owner_id,
            )
        )
    if len(group) > 2:
        moves.append(
            CompetitorMove(
                account=group[2].account,
                competitor="Hengtai Pumps",
                offer=CompetitorOffer.PAYMENT_TERMS,
                description="Payment at 120 days instead of our 60.",
                products="Pumps",
                seen_on=min(falls + dt.timedelta(days=45), as_of),
                seen_by_id=group[2].account.owner_id,
                source=MoveSource.FIELD,
                created_by_id=group[2].account.owner_id,
            )
        )
    others = [s for s in stories if not s.drifting and s.account.owner_id]
    weak = [s for s in others if s.weak]
    chosen = rng.sample(weak, min(5, len(weak))) + rng.sample(others, min(4, len(others)))
    for story in chosen:
        base = story.signal_from or start + dt.timedelta(days=rng.randint(0, 700))
        moves.append(
            CompetitorMove(
                account=story.account,
                competitor=rng.choice(COMPETITORS[1:]),
                offer=_pick(rng, dict.fromkeys(CompetitorOffer, 1.0)),
                description="Offer heard of at the customer.",
                seen_on=min(max(base, start), as_of - dt.timedelta(days=1)),
                seen_by_id=story.account.owner_id,
                source=rng.choice([MoveSource.CUSTOMER, MoveSource.FIELD, MoveSource.PRESS]),
                created_by_id=story.account.owner_id,
            )
        )
    _write(CompetitorMove, moves)
