"""Reads of complaints (DOMAIN §9, §13): the SLA settings and clock, the scoped lists, the
breach filter, each complaint's SLA standing and the resolution-time report."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Case, F, Q, QuerySet, When
from django.db.models.functions import Least
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.timezone import now as timezone_now
from django.utils.translation import gettext as _

from kam.accounts.selectors import accounts_visible_to
from kam.analytics.sla import (
    Clock,
    ResolutionStats,
    Standing,
    WorkingHours,
    due_at,
    elapsed,
    parse_target,
    resolution_stats,
    standing,
    target_duration,
)
from kam.engagement.complaints.models import (
    ACKNOWLEDGE_RUNNING,
    RESOLVE_RUNNING,
    ClockMode,
    Complaint,
    ComplaintEvent,
    ComplaintSettings,
    Severity,
    Status,
)
from kam.org.models import User


def complaint_settings() -> ComplaintSettings:
    """The one SLA settings row (created with the §9 defaults when absent)."""
    settings, _ = ComplaintSettings.objects.get_or_create(pk=1)
    return settings


def company_zone() -> ZoneInfo:
    """The company's time zone (Django's TIME_ZONE, KAM_TIME_ZONE)."""
    zone = timezone.get_default_timezone()
    return zone if isinstance(zone, ZoneInfo) else ZoneInfo(str(zone))


def sla_clock(settings: ComplaintSettings | None = None) -> Clock:
    """The clock the settings choose: calendar time, or business hours in the company zone."""
    settings = settings or complaint_settings()
    if settings.clock != ClockMode.BUSINESS:
        return Clock()
    days = frozenset(int(day) for day in settings.work_days)
    return Clock(WorkingHours(days, settings.work_opens, settings.work_closes, company_zone()))


@dataclass(frozen=True)
class DueTimes:
    acknowledge: dt.datetime
    resolve: dt.datetime


def due_times(
    *, received_at: dt.datetime, severity: str, settings: ComplaintSettings | None = None
) -> DueTimes:
    """When a complaint received at `received_at` must be acknowledged and resolved (§9
    targets of its severity, on the settings' clock)."""
    settings = settings or complaint_settings()
    clock = sla_clock(settings)
    acknowledge = parse_target(getattr(settings, f"acknowledge_{severity}"))
    resolve = parse_target(getattr(settings, f"resolve_{severity}"))
    return DueTimes(
        acknowledge=due_at(received_at, target_duration(acknowledge, clock), clock),
        resolve=due_at(received_at, target_duration(resolve, clock), clock),
    )


def complaints_visible_to(actor: User) -> QuerySet[Complaint]:
    """Complaints under the accounts the actor sees (§13)."""
    return Complaint.objects.filter(account__in=accounts_visible_to(actor))


def complaint_get(*, actor: User, complaint_id: int) -> Complaint:
    """Missing and not-visible raise the same Http404 (§13)."""
    return get_object_or_404(
        complaints_visible_to(actor).select_related(
            "account", "contact", "department", "owner", "escalated_to", "escalated_by"
        ),
        pk=complaint_id,
    )


def complaint_events(complaint: Complaint) -> QuerySet[ComplaintEvent]:
    return complaint.events.select_related("actor").order_by("at", "id")


def breached_q(now: dt.datetime) -> Q:
    """Complaints that missed an SLA target: acknowledged or resolved after its due time, or
    still waiting past it."""
    return (
        Q(acknowledged_at__gt=F("acknowledge_due_at"))
        | Q(status__in=ACKNOWLEDGE_RUNNING, acknowledge_due_at__lt=now)
        | Q(resolved_at__gt=F("resolve_due_at"))
        | Q(status__in=RESOLVE_RUNNING, resolve_due_at__lt=now)
    )


@dataclass(frozen=True)
class ComplaintFilters:
    account_id: int | None = None
    status: str = ""
    severity: str = ""
    category: str = ""
    department_id: int | None = None
    breached: bool | None = None
    open_only: bool = False


SEVERITY_ORDER = {value: rank for rank, value in enumerate(Severity.values)}


def complaint_list(
    *, actor: User, filters: ComplaintFilters | None = None, now: dt.datetime | None = None
) -> QuerySet[Complaint]:
    """The actor's complaints under the filters, newest first."""
    filters = filters or ComplaintFilters()
    now = now or timezone_now()
    rows = complaints_visible_to(actor).select_related("account", "department", "owner")
    if filters.account_id is not None:
        rows = rows.filter(account_id=filters.account_id)
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.open_only:
        rows = rows.exclude(status=Status.CLOSED)
    if filters.severity:
        rows = rows.filter(severity=filters.severity)
    if filters.category:
        rows = rows.filter(category=filters.category)
    if filters.department_id is not None:
        rows = rows.filter(department_id=filters.department_id)
    if filters.breached is True:
        rows = rows.filter(breached_q(now))
    elif filters.breached is False:
        rows = rows.exclude(breached_q(now))
    return rows.order_by("-received_at", "-id")


def by_clock(rows: QuerySet[Complaint]) -> QuerySet[Complaint]:
    """Running clocks first, the earliest due first (so the latest breaches lead: lateness
    grows as the due time recedes, in calendar and in business time), then the stopped ones,
    newest first (§9 list order)."""
    running_due = Case(
        When(status__in=ACKNOWLEDGE_RUNNING, then=Least("acknowledge_due_at", "resolve_due_at")),
        When(status__in=RESOLVE_RUNNING, then=F("resolve_due_at")),
        default=None,
    )
    return rows.annotate(running_due=running_due).order_by(
        F("running_due").asc(nulls_last=True), "-received_at", "-id"
    )


def account_contact_choices(account_id: int) -> list[tuple[int, str]]:
    """The account's contacts as (id, name), for choosing who reported a complaint; the
    contact model belongs to relationships and is reached through the foreign key."""
    contacts = Complaint._meta.get_field("contact").related_model._default_manager
    rows = contacts.filter(account_id=account_id).order_by("name").values_list("pk", "name")
    return [(pk, name) for pk, name in rows[:500]]


@dataclass(frozen=True)
class SlaClock:
    """The running SLA clock of one complaint at `now`: which target runs (acknowledge or
    resolve), and its standing; None when both are met or stopped."""

    target: str  # "acknowledge" or "resolve"
    standing: Standing

    @property
    def breached(self) -> bool:
        return self.standing.breached

    @property
    def late_hours(self) -> float:
        return max(0.0, -self.standing.left.total_seconds() / 3600)

    @property
    def left_hours(self) -> float:
        return self.standing.left.total_seconds() / 3600


def sla_clock_of(complaint: Complaint, now: dt.datetime, clock: Clock) -> SlaClock | None:
    """The clock that runs for a complaint (§9): acknowledge while open (unless the resolve
    target is already past), resolve until resolved, none once resolved or closed."""
    if complaint.status not in RESOLVE_RUNNING:
        return None
    resolve = SlaClock("resolve", standing(complaint.resolve_due_at, now, clock))
    if complaint.status in ACKNOWLEDGE_RUNNING and not resolve.breached:
        return SlaClock("acknowledge", standing(complaint.acknowledge_due_at, now, clock))
    return resolve


@dataclass(frozen=True)
class ClockedComplaint:
    complaint: Complaint
    clock: SlaClock | None

    @property
    def sort_key(self) -> tuple[int, float, int]:
        """Breached first (latest first), then the ones due soonest, then the stopped."""
        if self.clock is None:
            return (2, 0.0, -self.complaint.pk)
        if self.clock.breached:
            return (0, -self.clock.late_hours, -self.complaint.pk)
        return (1, self.clock.left_hours, -self.complaint.pk)


def with_clocks(
    complaints: Iterable[Complaint], *, now: dt.datetime | None = None, sort: bool = True
) -> list[ClockedComplaint]:
    """Each complaint with its running SLA clock, breached first (§9 list order) unless
    `sort` is off (rows already in `by_clock` order)."""
    now = now or timezone_now()
    clock = sla_clock()
    rows = [ClockedComplaint(c, sla_clock_of(c, now, clock)) for c in complaints]
    return sorted(rows, key=lambda row: row.sort_key) if sort else rows


def open_complaints_of(*, actor: User, account_id: int) -> list[ClockedComplaint]:
    """The account's complaints still being worked on, with their SLA clocks (account
    panel)."""
    rows = complaints_visible_to(actor).filter(account_id=account_id, status__in=RESOLVE_RUNNING)
    return with_clocks(rows.select_related("department", "owner"))


def breach_count(*, actor: User, now: dt.datetime | None = None) -> int:
    """How many of the actor's complaints run past an SLA target now (dashboard line)."""
    now = now or timezone_now()
    running = Q(status__in=ACKNOWLEDGE_RUNNING, acknowledge_due_at__lt=now) | Q(
        status__in=RESOLVE_RUNNING, resolve_due_at__lt=now
    )
    return complaints_visible_to(actor).filter(running).count()


GROUPINGS = ("account", "department", "severity")


@dataclass(frozen=True)
class ReportRow:
    key: str
    label: str
    stats: ResolutionStats


@dataclass(frozen=True)
class ResolutionReport:
    """Resolution times of resolved complaints (§9), in hours of the SLA clock, grouped."""

    by: str
    rows: list[ReportRow]
    total: ResolutionStats
    business: bool


def resolution_report(
    *,
    actor: User,
    by: str = "severity",
    received_from: dt.date | None = None,
    received_to: dt.date | None = None,
) -> ResolutionReport:
    """Median and mean resolution time and the share resolved within target, per account,
    internal department or severity (§9), of the actor's resolved or closed complaints.
    Resolution time runs from receipt to resolution on the SLA clock. Raises ValueError for
    an unknown grouping."""
    if by not in GROUPINGS:
        raise ValueError(f"unknown grouping {by!r}")
    clock = sla_clock()
    rows = complaints_visible_to(actor).filter(resolved_at__isnull=False)
    if received_from is not None:
        rows = rows.filter(received_at__date__gte=received_from)
    if received_to is not None:
        rows = rows.filter(received_at__date__lte=received_to)
    rows = rows.select_related("account", "department")
    hours: dict[str, list[float]] = defaultdict(list)
    within: dict[str, list[bool]] = defaultdict(list)
    labels: dict[str, str] = {}
    all_hours: list[float] = []
    all_within: list[bool] = []
    for complaint in rows.order_by("pk"):
        if complaint.resolved_at is None:  # the filter excludes it; mypy cannot tell
            continue
        taken = elapsed(complaint.received_at, complaint.resolved_at, clock)
        value = taken.total_seconds() / 3600
        met = complaint.resolved_at <= complaint.resolve_due_at
        key, label = _group(complaint, by)
        labels[key] = label
        hours[key].append(value)
        within[key].append(met)
        all_hours.append(value)
        all_within.append(met)
    order = Severity.values if by == "severity" else sorted(labels, key=lambda k: labels[k])
    report_rows = [
        ReportRow(key, labels[key], resolution_stats(hours[key], within[key]))
        for key in order
        if key in labels
    ]
    return ResolutionReport(
        by=by,
        rows=report_rows,
        total=resolution_stats(all_hours, all_within),
        business=clock.business,
    )


def _group(complaint: Complaint, by: str) -> tuple[str, str]:
    if by == "account":
        return str(complaint.account_id), f"{complaint.account.code} {complaint.account.name}"
    if by == "department":
        if complaint.department is None:
            return "", _("Not assigned")
        return complaint.department.code, str(complaint.department)
    return complaint.severity, str(complaint.get_severity_display())
