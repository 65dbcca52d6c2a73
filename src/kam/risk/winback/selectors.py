"""Reads of win-back plans (DOMAIN §10), every one through the visibility rule (§13): a plan
is seen by whoever sees its account; another user's plan answers 404."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from django.db.models import Count, Min, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from kam.accounts.selectors import accounts_visible_to
from kam.engagement.activities.models import Activity
from kam.org.models import ROLES_SEEING_ALL, Role, User
from kam.risk.models import (
    Intervention,
    InterventionStatus,
    PlanStatus,
    RiskScore,
    WinBackPlan,
    WinBackReason,
)


def plans_visible_to(actor: User) -> QuerySet[WinBackPlan]:
    """The plans of the accounts the actor sees (§13)."""
    return WinBackPlan.objects.filter(account__in=accounts_visible_to(actor))


def plan_get(*, actor: User, plan_id: int, account_id: int | None = None) -> WinBackPlan:
    """One plan; missing, not visible or under another account raise the same Http404."""
    rows = plans_visible_to(actor).select_related("account", "owner", "started_by", "alert")
    if account_id is not None:
        rows = rows.filter(account_id=account_id)
    return get_object_or_404(rows, pk=plan_id)


def reason_get(*, actor: User, reason_id: int, plan_id: int | None = None) -> WinBackReason:
    """One reason of a visible plan (of `plan_id` when given); Http404 otherwise (§13)."""
    reasons = WinBackReason.objects.filter(plan__in=plans_visible_to(actor))
    if plan_id is not None:
        reasons = reasons.filter(plan_id=plan_id)
    return get_object_or_404(reasons.select_related("plan", "plan__account"), pk=reason_id)


def intervention_get(
    *, actor: User, intervention_id: int, plan_id: int | None = None
) -> Intervention:
    """One intervention of a visible plan (of `plan_id` when given); Http404 otherwise (§13)."""
    steps = Intervention.objects.filter(plan__in=plans_visible_to(actor))
    if plan_id is not None:
        steps = steps.filter(plan_id=plan_id)
    return get_object_or_404(
        steps.select_related("plan", "plan__account", "owner", "reason"), pk=intervention_id
    )


def plan_reasons(plan: WinBackPlan) -> QuerySet[WinBackReason]:
    """The plan's reasons in §10's order of kinds, then as added (the plan passed its gate)."""
    return WinBackReason.objects.filter(plan=plan).select_related("decided_by").order_by("id")


def plan_interventions(plan: WinBackPlan) -> QuerySet[Intervention]:
    """The plan's interventions, soonest due first, with their owners, reasons and
    activities (the plan passed its gate)."""
    return (
        Intervention.objects.filter(plan=plan)
        .select_related("owner", "reason")
        .prefetch_related(Prefetch("activities", queryset=Activity.objects.select_related("owner")))
        .order_by("due_on", "id")
    )


def open_plan_of(account_id: int) -> WinBackPlan | None:
    """The account's open plan, if any (one at most, §10); the account passed its gate."""
    return (
        WinBackPlan.objects.filter(account_id=account_id, status=PlanStatus.OPEN)
        .select_related("owner")
        .first()
    )


def latest_risk_score(account_id: int) -> RiskScore | None:
    """The account's latest stored risk (the scoring run's, §10)."""
    return RiskScore.objects.filter(account_id=account_id).order_by("-as_of").first()


@dataclass(frozen=True)
class PlanFilters:
    status: str = ""
    account_id: int | None = None
    overdue: bool = False  # only plans with an intervention past its due date


def _overdue_q(today: dt.date) -> Q:
    return Q(interventions__status=InterventionStatus.PLANNED, interventions__due_on__lt=today)


def plan_list(
    *, actor: User, filters: PlanFilters | None = None, today: dt.date | None = None
) -> QuerySet[WinBackPlan]:
    """The visible plans, open first, then most recently started; each annotated with
    `overdue` (planned interventions past due), `planned` (still to do) and `next_due`."""
    filters = filters or PlanFilters()
    today = today or timezone.localdate()
    rows = plans_visible_to(actor)
    if filters.status in PlanStatus.values:
        rows = rows.filter(status=filters.status)
    if filters.account_id is not None:
        rows = rows.filter(account_id=filters.account_id)
    planned = Q(interventions__status=InterventionStatus.PLANNED)
    rows = rows.annotate(
        overdue=Count("interventions", filter=_overdue_q(today), distinct=True),
        planned=Count("interventions", filter=planned, distinct=True),
        next_due=Min("interventions__due_on", filter=planned),
    )
    if filters.overdue:
        rows = rows.filter(overdue__gt=0)
    # "closed" sorts before "open": descending puts open plans first.
    return rows.select_related("account", "owner").order_by("-status", "-started_on", "-id")


def intervention_owners(account_id: int, owner_id: int | None) -> QuerySet[User]:
    """Who may own an intervention (§13): active users who may write and see the account, by
    name."""
    on_team = Q(account_memberships__account_id=account_id)
    sees = Q(role__in=ROLES_SEEING_ALL) | Q(is_superuser=True) | on_team
    if owner_id is not None:
        sees |= Q(pk=owner_id)
    return (
        User.objects.filter(sees, is_active=True)
        .exclude(role=Role.EXECUTIVE)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def linkable_activities(account_id: int, linked: Collection[int]) -> QuerySet[Activity]:
    """The account's latest activities not yet linked to an intervention, to link one (the
    account passed its gate)."""
    return (
        Activity.objects.filter(account_id=account_id)
        .exclude(pk__in=list(linked))
        .order_by("-planned_for", "-id")[:30]
    )


def plan_summary_get(*, actor: User, plan_id: int) -> WinBackPlan:
    """One plan with plan_list's figures (overdue, planned, next_due); Http404 as plan_get."""
    return get_object_or_404(plan_list(actor=actor), pk=plan_id)
