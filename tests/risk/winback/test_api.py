"""The win-back API (DOMAIN §10, §13): start, reasons, interventions, close and reopen; bad
input a 4xx naming the field, an illegal move a 409, another user's plan a 404."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from kam.org.models import User
from kam.risk.models import WinBackPlan
from tests.conftest import api_client_for
from tests.factories import (
    ComplaintFactory,
    InterventionFactory,
    WinBackPlanFactory,
    WinBackReasonFactory,
)
from tests.risk.winback.conftest import churn_alert

pytestmark = pytest.mark.django_db
PLANS = "/api/v1/win-back-plans"


def _post(client: Any, path: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(path, body or {}, content_type="application/json")


def test_a_plan_started_from_its_alert_answers_its_proposed_reasons(
    manager: User, drifting: Any
) -> None:
    alert = churn_alert(drifting)
    ComplaintFactory(account=drifting, subject="No engineer came")
    client = api_client_for(manager)

    answer = _post(client, PLANS, {"account_id": drifting.pk, "alert_id": alert.pk})
    twice = _post(client, PLANS, {"account_id": drifting.pk})

    assert answer.status_code == 201, answer.content
    plan = answer.json()
    assert (plan["alert_id"], plan["risk_level_at_start"]) == (alert.pk, "high")
    (reason,) = plan["reasons"]
    assert reason["figures"]["complaints"] == {"before": 0, "after": 1}
    assert reason["evidence"][0]["label"] == "No engineer came"
    assert twice.status_code == 409


def test_reasons_are_decided_and_added_with_bad_input_named(manager: User) -> None:
    plan = WinBackPlanFactory(account__owner=manager)
    reason = WinBackReasonFactory(plan=plan)
    client = api_client_for(manager)
    base = f"{PLANS}/{plan.pk}/reasons"

    no_note = _post(client, f"{base}/{reason.pk}/reject", {"note": ""})
    confirmed = _post(client, f"{base}/{reason.pk}/confirm", {"note": "True"})
    added = _post(client, base, {"kind": "budget", "summary": "Capex frozen"})
    unknown = _post(client, base, {"kind": "weather", "summary": "Rain"})

    assert no_note.status_code == 422 and no_note.json()["errors"][0]["field"] == "note"
    assert confirmed.json()["status"] == "confirmed"
    assert (added.status_code, added.json()["proposed"]) == (201, False)
    assert unknown.status_code == 422


def test_interventions_are_planned_done_and_cancelled(manager: User) -> None:
    plan = WinBackPlanFactory(account__owner=manager)
    client = api_client_for(manager)
    due = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    base = f"{PLANS}/{plan.pk}/interventions"

    added = _post(client, base, {"kind": "executive_visit", "due_on": due})
    step = added.json()
    moved = client.patch(
        f"{base}/{step['id']}", {"description": "CEO visit"}, content_type="application/json"
    )
    done = _post(client, f"{base}/{step['id']}/done")
    again = _post(client, f"{base}/{step['id']}/cancel")
    missing_due = _post(client, base, {"kind": "other"})

    assert added.status_code == 201 and len(step["activity_ids"]) == 1
    assert moved.json()["description"] == "CEO visit"
    assert done.json()["status"] == "done"
    assert again.status_code == 409
    assert missing_due.status_code == 422


def test_a_plan_closes_with_an_outcome_and_reopens(manager: User) -> None:
    plan = WinBackPlanFactory(account__owner=manager)
    client = api_client_for(manager)

    pending = _post(client, f"{PLANS}/{plan.pk}/close", {"outcome": "pending"})
    closed = _post(client, f"{PLANS}/{plan.pk}/close", {"outcome": "lost", "note": "Gone"})
    reopened = _post(client, f"{PLANS}/{plan.pk}/reopen")

    assert pending.status_code == 422
    assert (closed.json()["status"], closed.json()["outcome"]) == ("closed", "lost")
    assert (reopened.json()["status"], reopened.json()["outcome"]) == ("open", "pending")


def test_the_list_shows_own_plans_with_overdue_work_and_hides_others(
    manager: User, other_manager: User
) -> None:
    mine = WinBackPlanFactory(account__owner=manager)
    InterventionFactory(plan=mine, due_on=timezone.localdate() - dt.timedelta(days=2))
    theirs = WinBackPlanFactory(account__owner=other_manager)
    client = api_client_for(manager)

    listed = client.get(f"{PLANS}?overdue=true").json()["items"]

    assert [(p["id"], p["overdue"]) for p in listed] == [(mine.pk, 1)]
    assert client.get(f"{PLANS}/{theirs.pk}").status_code == 404
    assert WinBackPlan.objects.count() == 2


def test_a_reason_under_another_plan_answers_404(manager: User) -> None:
    plan = WinBackPlanFactory(account__owner=manager)
    elsewhere = WinBackReasonFactory(plan=WinBackPlanFactory(account__owner=manager))
    client = api_client_for(manager)

    answer = _post(client, f"{PLANS}/{plan.pk}/reasons/{elsewhere.pk}/confirm")

    assert answer.status_code == 404
