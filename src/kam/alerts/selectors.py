"""Reads of alerts, every one through the visibility rule (DOMAIN §13)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.core.paginator import Page
from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from kam.accounts.selectors import accounts_visible_to
from kam.alerts.followups import FollowUpTarget, follow_up_type
from kam.alerts.models import Alert, AlertComment, AlertFollowUp, AlertState
from kam.core.paging import page_of
from kam.org.models import ROLES_SEEING_ALL, Role, User

# The state filter: one state, "active" (open or acknowledged: not resolved) or "all".
ACTIVE, ALL = "active", "all"
STATE_FILTERS = (ACTIVE, *AlertState.values, ALL)


@dataclass(frozen=True)
class AlertFilters:
    """What the alerts page and API filter on (docs/rules.md "Alerts")."""

    state: str = ACTIVE
    mine: bool = False  # assigned to the reader
    unassigned: bool = False
    kind: str | None = None
    severity: str | None = None
    account_id: int | None = None


def alerts_visible_to(actor: User) -> QuerySet[Alert]:
    return Alert.objects.filter(account__in=accounts_visible_to(actor)).select_related(
        "account", "acknowledged_by", "assignee", "resolved_by"
    )


def _filtered(actor: User, filters: AlertFilters, *, with_state: bool = True) -> QuerySet[Alert]:
    rows = alerts_visible_to(actor)
    if filters.account_id is not None:
        rows = rows.filter(account_id=filters.account_id)
    if filters.mine:
        rows = rows.filter(assignee=actor)
    if filters.unassigned:
        rows = rows.filter(assignee__isnull=True)
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    if filters.severity:
        rows = rows.filter(severity=filters.severity)
    if with_state and filters.state == ACTIVE:
        rows = rows.filter(is_open=True)
    elif with_state and filters.state in AlertState.values:
        rows = rows.filter(state=filters.state)
    return rows


def alerts_for(actor: User, filters: AlertFilters | None = None) -> QuerySet[Alert]:
    """The visible alerts that pass the filters, newest first."""
    return _filtered(actor, filters or AlertFilters()).order_by("-created_at", "-id")


def alert_counts_by_state(actor: User, filters: AlertFilters | None = None) -> dict[str, int]:
    """How many visible alerts stand in each state under the other filters, with "active"
    (open or acknowledged) and "all"; one query."""
    rows = _filtered(actor, filters or AlertFilters(), with_state=False)
    counts = dict.fromkeys(STATE_FILTERS, 0)
    for state, count in rows.order_by().values_list("state").annotate(n=Count("id")):
        counts[state] = count
    counts[ACTIVE] = counts[AlertState.OPEN] + counts[AlertState.ACKNOWLEDGED]
    counts[ALL] = counts[ACTIVE] + counts[AlertState.RESOLVED]
    return counts


def alert_list(
    *,
    actor: User,
    open_only: bool = True,
    acknowledged: bool | None = None,
    kind: str | None = None,
    account_id: int | None = None,
) -> QuerySet[Alert]:
    """The older way to ask (open only, acknowledged or not); see `alerts_for`."""
    rows = alerts_for(
        actor, AlertFilters(state=ACTIVE if open_only else ALL, kind=kind, account_id=account_id)
    )
    if acknowledged is not None:
        rows = rows.filter(acknowledged_at__isnull=not acknowledged)
    return rows


def alert_page(
    *,
    actor: User,
    open_only: bool = True,
    acknowledged: bool | None = None,
    filters: AlertFilters | None = None,
    page: str | None,
    per_page: str | None = None,
) -> Page:
    """One bounded page of the alerts, newest first (`filters` wins over the older flags)."""
    if filters is not None:
        rows = alerts_for(actor, filters)
    else:
        rows = alert_list(actor=actor, open_only=open_only, acknowledged=acknowledged)
    return page_of(rows, page=page, per_page=per_page)


def alert_get(*, actor: User, alert_id: int) -> Alert:
    """Missing and not-visible raise the same Http404 (DOMAIN §13)."""
    return get_object_or_404(alerts_visible_to(actor), pk=alert_id)


def alert_comments(alert: Alert) -> QuerySet[AlertComment]:
    """The alert's discussion, oldest first (the alert was read through `alert_get`)."""
    return AlertComment.objects.filter(alert=alert).select_related("author")


def alert_follow_ups(alert: Alert) -> list[tuple[AlertFollowUp, FollowUpTarget | None]]:
    """The alert's follow-ups with what each points at (None: gone), one query per type."""
    links = list(AlertFollowUp.objects.filter(alert=alert).select_related("created_by"))
    by_type: dict[str, list[int]] = defaultdict(list)
    for link in links:
        by_type[link.target_type].append(link.target_id)
    found: dict[tuple[str, int], FollowUpTarget] = {}
    for code, ids in by_type.items():
        declared = follow_up_type(code)
        if declared is not None:
            for pk, target in declared.find(alert.account_id, ids).items():
                found[(code, pk)] = target
    return [(link, found.get((link.target_type, link.target_id))) for link in links]


def alert_assignees(alert: Alert) -> QuerySet[User]:
    """Who the alert may be assigned to: active users who may write and see its account
    (DOMAIN §13), by name."""
    account = alert.account
    on_team = Q(account_memberships__account_id=account.pk)
    sees = Q(role__in=ROLES_SEEING_ALL) | Q(is_superuser=True) | Q(pk=account.owner_id) | on_team
    return (
        User.objects.filter(sees, is_active=True)
        .exclude(role=Role.EXECUTIVE)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )
