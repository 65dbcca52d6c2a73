"""The cadence sweep (DOMAIN §9, §10): overdue visits and uncontacted decision makers become
alerts, which clear when the condition clears. Run by the scheduler (kam.engagement.tasks)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from kam.alerts.registry import Finding
from kam.alerts.services import alerts_sync
from kam.engagement.activities.alerts import KIND_DECISION_MAKER_UNCONTACTED, KIND_VISIT_OVERDUE
from kam.engagement.activities.selectors import ContactDue, VisitDue, cadence


@dataclass(frozen=True)
class SweepResult:
    accounts: int
    visits_overdue: int
    decision_makers_overdue: int


def _visit_finding(row: VisitDue) -> Finding:
    last = row.last_visit.isoformat() if row.last_visit else None
    return Finding(
        data={
            "account_class": row.account_class,
            "cadence_days": row.interval_days,
            "last_visit": last,
            "due_on": row.due_on.isoformat(),
            "overdue_days": row.overdue_days,
        },
        cause={
            "rule": "cadence" if last else "never",
            "changes": [
                {
                    "input": "account_class",
                    "unit": "class",
                    "from": None,
                    "to": row.account_class,
                    "driver": False,
                },
                {
                    "input": "visit_cadence",
                    "unit": "text",
                    "from": None,
                    "to": row.interval_days,
                    "driver": False,
                },
                {"input": "last_visit", "unit": "date", "from": None, "to": last, "driver": True},
            ],
        },
    )


def _person_finding(rows: list[ContactDue]) -> Finding:
    rows = sorted(rows, key=lambda row: (-row.overdue_days, row.name, row.contact_id))
    people = [
        {
            "contact_id": row.contact_id,
            "name": row.name,
            "last_contact": row.last_contact.isoformat() if row.last_contact else None,
            "due_on": row.due_on.isoformat(),
            "overdue_days": row.overdue_days,
        }
        for row in rows
    ]
    return Finding(
        data={"people": people, "cadence_days": rows[0].interval_days},
        cause={
            "rule": "cadence",
            "changes": [
                {
                    "input": "last_contact",
                    "unit": "date",
                    "from": None,
                    "to": people[0]["last_contact"],
                    "driver": True,
                },
                {
                    "input": "contact_cadence",
                    "unit": "text",
                    "from": None,
                    "to": rows[0].interval_days,
                    "driver": False,
                },
            ],
        },
    )


def cadence_sweep(*, today: dt.date | None = None) -> SweepResult:
    """Raise, refresh and clear the two cadence alerts for every account at once (§9)."""
    found = cadence(today=today or timezone.localdate())
    visits = {row.account_id: _visit_finding(row) for row in found.visits if row.overdue_days}
    people: dict[int, list[ContactDue]] = {}
    for row in found.contacts:
        if row.overdue_days:
            people.setdefault(row.account_id, []).append(row)
    alerts_sync(KIND_VISIT_OVERDUE, visits)
    alerts_sync(
        KIND_DECISION_MAKER_UNCONTACTED, {pk: _person_finding(rows) for pk, rows in people.items()}
    )
    return SweepResult(len(found.visits), len(visits), sum(len(r) for r in people.values()))
