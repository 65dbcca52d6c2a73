"""What the dashboard shows each role (docs/rules.md "Dashboard"): reads gathered from the
apps' selectors, nothing computed here that an app already computes."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, Count, IntegerField, QuerySet, Value, When

from kam.accounts.selectors import DashboardSummary, dashboard_summary
from kam.accounts.services.notes import MENTION_KIND
from kam.alerts.models import Alert, AlertSeverity
from kam.alerts.selectors import alert_list
from kam.engagement.complaints.selectors import breach_count
from kam.org.models import Notification, User
from kam.org.selectors import base_currency, notification_list
from kam.portfolio.selectors.keys import KeyRevenue, key_accounts_revenue
from kam.portfolio.selectors.movements import Movements, account_movements
from kam.portfolio.selectors.runs import PendingProposals, key_proposals_grouped

SHOWN = 5  # rows per card: the card says how many more there are and links to them


@dataclass(frozen=True)
class AlertsCard:
    open: int
    critical: int
    rows: list[Alert]


@dataclass(frozen=True)
class MentionsCard:
    unread: int
    rows: list[Notification]


@dataclass(frozen=True)
class Dashboard:
    """One user's dashboard: the director's cards for who oversees every account, the
    manager's for who works their own (DOMAIN §13)."""

    summary: DashboardSummary
    oversees: bool  # sees every account: director, executive, administrator
    decides: bool  # confirms key accounts and account requests: director, administrator
    alerts: AlertsCard
    mentions: MentionsCard
    movements: Movements | None
    proposals: PendingProposals | None
    key_revenue: KeyRevenue | None
    currency: str
    sla_breaches: int  # complaints running past an SLA target now (DOMAIN §9)


def _open_alerts(actor: User) -> QuerySet[Alert]:
    """The open alerts the actor sees, critical first, newest first: one call of the alerts
    app's selector (swap it when the alerts app offers "mine")."""
    severity_rank = Case(
        When(severity=AlertSeverity.CRITICAL, then=Value(0)),
        When(severity=AlertSeverity.WARNING, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return (
        alert_list(actor=actor, open_only=True)
        .annotate(severity_rank=severity_rank)
        .order_by("severity_rank", "-created_at", "-id")
    )


def _alerts_card(actor: User, *, critical_only: bool) -> AlertsCard:
    rows = _open_alerts(actor)
    counts = rows.order_by().values("severity").annotate(n=Count("pk"))
    by_severity = dict(counts.values_list("severity", "n"))
    shown = rows.filter(severity=AlertSeverity.CRITICAL) if critical_only else rows
    return AlertsCard(
        open=sum(by_severity.values()),
        critical=by_severity.get(AlertSeverity.CRITICAL, 0),
        rows=list(shown[:SHOWN]),
    )


def _mentions_card(actor: User) -> MentionsCard:
    rows = list(notification_list(actor=actor, kind=MENTION_KIND)[:SHOWN])
    unread = notification_list(actor=actor, kind=MENTION_KIND, unread_only=True).count()
    return MentionsCard(unread=unread, rows=rows)


def dashboard_for(*, actor: User) -> Dashboard:
    """The dashboard of `actor` (docs/rules.md "Dashboard"): the director (and the executive,
    read-only, and the administrator) see the whole portfolio's cards; the others see their
    alerts, their accounts' movements and the notes that mention them."""
    oversees = actor.sees_all_accounts
    movements = account_movements(actor=actor, limit=SHOWN if oversees else 10)
    return Dashboard(
        summary=dashboard_summary(actor=actor),
        oversees=oversees,
        decides=actor.governs,
        alerts=_alerts_card(actor, critical_only=oversees),
        mentions=_mentions_card(actor),
        movements=movements,
        proposals=key_proposals_grouped(actor=actor, limit=SHOWN) if oversees else None,
        key_revenue=key_accounts_revenue(actor=actor) if oversees else None,
        currency=base_currency(),
        sla_breaches=breach_count(actor=actor),
    )
