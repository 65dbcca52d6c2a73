"""The SLA sweep (DOMAIN §9, §10): each account with a complaint past its acknowledge or
resolve target gets an alert naming the latest one, its severity and how late it is; the
alert clears once no complaint of the account is late on that target
(docs/rules.md "Complaints and service levels")."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils.timezone import now as timezone_now

from kam.alerts.registry import Finding
from kam.alerts.services import alerts_sync
from kam.analytics.sla import Clock, standing
from kam.engagement.complaints.alerts import KINDS
from kam.engagement.complaints.models import ACKNOWLEDGE_RUNNING, RESOLVE_RUNNING, Complaint
from kam.engagement.complaints.selectors import sla_clock

RUNNING = {"acknowledge": ACKNOWLEDGE_RUNNING, "resolve": RESOLVE_RUNNING}
DUE_FIELD = {"acknowledge": "acknowledge_due_at", "resolve": "resolve_due_at"}


@dataclass(frozen=True)
class SweepResult:
    acknowledge_overdue: int  # accounts with an alert after the sweep
    resolve_overdue: int


def coarse_hours(late: dt.timedelta) -> int:
    """How late, in whole hours under two days and whole days beyond: the alert's data (and
    so its history) changes at the pace its message does, not at every sweep."""
    hours = late.total_seconds() / 3600
    return max(1, round(hours)) if hours < 48 else round(hours / 24) * 24


def _findings(
    target: str, now: dt.datetime, clock: Clock, account_id: int | None = None
) -> dict[int, Finding]:
    """Account id → the finding naming its latest complaint past `target`'s due time."""
    due_field = DUE_FIELD[target]
    rows = Complaint.objects.filter(
        status__in=RUNNING[target], **{f"{due_field}__lt": now}
    ).order_by("account_id", due_field, "pk")
    if account_id is not None:
        rows = rows.filter(account_id=account_id)
    worst: dict[int, tuple[int, str, str, dt.datetime]] = {}
    counts: dict[int, int] = {}
    for pk, account, subject, severity, due in rows.values_list(
        "pk", "account_id", "subject", "severity", due_field
    ).iterator(chunk_size=2000):
        counts[account] = counts.get(account, 0) + 1
        worst.setdefault(account, (pk, subject, severity, due))  # earliest due: the latest
    findings: dict[int, Finding] = {}
    for account, (pk, subject, severity, due) in worst.items():
        late = -standing(due, now, clock).left
        data = {
            "complaint_id": pk,
            "subject": subject,
            "severity": severity,
            "due_at": due.isoformat(),
            "late_hours": coarse_hours(late),
            "others": counts[account] - 1,
        }
        cause = {
            "rule": severity,
            "changes": [
                {
                    "input": "complaint_due",
                    "unit": "date",
                    "from": None,
                    "to": due.isoformat(),
                    "driver": False,
                }
            ],
        }
        findings[account] = Finding(data=data, cause=cause)
    return findings


def complaint_sla_sweep(*, now: dt.datetime | None = None) -> SweepResult:
    """Raise, refresh and clear the complaints' SLA alerts of every account (§9, §10)."""
    now = now or timezone_now()
    clock = sla_clock()
    counts = {}
    for target, kind in KINDS.items():
        wanted = _findings(target, now, clock)
        alerts_sync(kind, wanted)
        counts[target] = len(wanted)
    return SweepResult(counts["acknowledge"], counts["resolve"])


@transaction.atomic
def account_breaches_refresh(account_id: int, *, now: dt.datetime | None = None) -> None:
    """The sweep for one account, after a move: its alerts clear at once when the move
    stopped the late clock, the other accounts' alerts stay as they are."""
    now = now or timezone_now()
    clock = sla_clock()
    for target, kind in KINDS.items():
        alerts_sync(kind, _findings(target, now, clock, account_id), within={account_id})
