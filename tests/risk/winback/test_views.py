"""The win-back pages (DOMAIN §10, §13): start from the alert's action, the plan page with
its reasons, evidence and interventions, the moves posted from it, the account panel and
the directors' list; another user's plan is a 404."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from kam.org.models import User
from kam.risk.models import InterventionStatus, PlanStatus, ReasonStatus, WinBackPlan
from kam.risk.winback.links import plan_url
from tests.conftest import signed_in
from tests.factories import (
    ComplaintFactory,
    InterventionFactory,
    WinBackPlanFactory,
    WinBackReasonFactory,
)
from tests.risk.winback.conftest import churn_alert

pytestmark = pytest.mark.django_db


def test_the_alert_page_offers_the_start_and_the_plan_links_back(
    manager: User, drifting: Any
) -> None:
    alert = churn_alert(drifting)
    ComplaintFactory(account=drifting, subject="Slow service desk")
    client = signed_in(manager)
    start = reverse("win_back_start", args=[drifting.pk]) + f"?alert={alert.pk}"

    offered = client.get(reverse("alert_detail", args=[alert.pk])).content.decode()
    form = client.get(start).content.decode()
    answer = client.post(start, {"goal": "Orders back", "alert": alert.pk})

    assert "Start a win-back plan" in offered
    assert "Service quality decline" in form
    plan = WinBackPlan.objects.get(account=drifting)
    assert answer.status_code == 302 and answer["Location"] == plan_url(plan.account_id, plan.pk)
    page = client.get(plan_url(plan.account_id, plan.pk)).content.decode()
    assert "Slow service desk" in page and "Orders back" in page
    after = client.get(reverse("alert_detail", args=[alert.pk])).content.decode()
    assert "Start a win-back plan" not in after
    assert plan_url(plan.account_id, plan.pk) in after


def test_confirming_a_reason_and_planning_an_intervention_from_the_page(manager: User) -> None:
    plan = WinBackPlanFactory(account__owner=manager)
    reason = WinBackReasonFactory(plan=plan)
    client = signed_in(manager)
    due = timezone.localdate() + dt.timedelta(days=3)

    client.post(
        reverse("win_back_reason_decide", args=[plan.account_id, plan.pk, reason.pk]),
        {"decision": "confirm", "note": "Seen on site"},
    )
    client.post(
        reverse("win_back_intervention_add", args=[plan.account_id, plan.pk]),
        {
            "kind": "service_improvement",
            "description": "Weekly service review",
            "reason": reason.pk,
            "owner": manager.pk,
            "due_on": due.isoformat(),
        },
    )

    reason.refresh_from_db()
    assert (reason.status, reason.note) == (ReasonStatus.CONFIRMED, "Seen on site")
    step = plan.interventions.get()
    assert (step.reason_id, step.due_on) == (reason.pk, due)
    agenda = client.get(reverse("agenda")).content.decode()
    assert "Weekly service review" in agenda


def test_a_refused_move_says_why_and_changes_nothing(manager: User) -> None:
    plan = WinBackPlanFactory(account__owner=manager)
    reason = WinBackReasonFactory(plan=plan)
    client = signed_in(manager)

    answer = client.post(
        reverse("win_back_reason_decide", args=[plan.account_id, plan.pk, reason.pk]),
        {"decision": "reject", "note": ""},
        follow=True,
    )

    assert "Say why the reason is rejected." in answer.content.decode()
    reason.refresh_from_db()
    assert reason.status == ReasonStatus.PROPOSED


def test_closing_and_reopening_from_the_page(manager: User) -> None:
    plan = WinBackPlanFactory(account__owner=manager)
    step = InterventionFactory(plan=plan)
    client = signed_in(manager)
    args = [plan.account_id, plan.pk]

    client.post(
        reverse("win_back_intervention_move", args=[*args, step.pk, "done"]),
    )
    client.post(reverse("win_back_close", args=args), {"outcome": "won_back", "note": "Back"})
    closed = client.get(plan_url(plan.account_id, plan.pk)).content.decode()
    client.post(reverse("win_back_reopen", args=args))

    step.refresh_from_db()
    plan.refresh_from_db()
    assert step.status == InterventionStatus.DONE
    assert "Won back" in closed and "Reopen the plan" in closed
    assert plan.status == PlanStatus.OPEN


def test_another_users_plan_is_a_404_and_an_executive_reads_without_forms(
    manager: User, other_manager: User, executive: User
) -> None:
    plan = WinBackPlanFactory(account__owner=other_manager)
    reason = WinBackReasonFactory(plan=plan)
    url = plan_url(plan.account_id, plan.pk)

    assert signed_in(manager).get(url).status_code == 404
    refused = signed_in(manager).post(
        reverse("win_back_reason_decide", args=[plan.account_id, plan.pk, reason.pk]),
        {"decision": "confirm"},
    )
    assert refused.status_code == 404
    read = signed_in(executive).get(url).content.decode()
    assert "Win-back plan" in read and "Plan it" not in read and "Confirm" not in read


def test_the_panel_offers_a_start_at_high_risk_and_then_shows_the_plan(
    manager: User, drifting: Any
) -> None:
    client = signed_in(manager)
    detail = reverse("account_detail", args=[drifting.pk])

    before = client.get(detail).content.decode()
    plan = WinBackPlanFactory(account=drifting)
    InterventionFactory(plan=plan, due_on=timezone.localdate() - dt.timedelta(days=1))
    after = client.get(detail).content.decode()

    assert "stands at high risk" in before
    assert reverse("win_back_start", args=[drifting.pk]) in before
    assert plan_url(plan.account_id, plan.pk) in after and "1 overdue" in after


def test_the_directors_list_puts_open_plans_first_with_their_overdue_work(
    director: User, manager: User
) -> None:
    closed = WinBackPlanFactory(
        account__owner=manager, status=PlanStatus.CLOSED, outcome="lost", account__code="OLD-1"
    )
    late = WinBackPlanFactory(account__owner=manager, account__code="LATE-1")
    InterventionFactory(plan=late, due_on=timezone.localdate() - dt.timedelta(days=3))

    page = signed_in(director).get(reverse("win_back_list")).content.decode()
    only_late = signed_in(director).get(reverse("win_back_list") + "?overdue=1").content.decode()

    assert page.index("LATE-1") < page.index("OLD-1")
    assert "row-late" in page
    assert closed.account.code not in only_late


def test_a_reason_or_an_intervention_posted_under_another_plan_is_a_404(manager: User) -> None:
    # Given two plans of Mia's, each with a reason and an intervention
    plan = WinBackPlanFactory(account__owner=manager)
    other = WinBackPlanFactory(account__owner=manager)
    reason = WinBackReasonFactory(plan=other)
    step = InterventionFactory(plan=other, owner=manager)
    client = signed_in(manager)

    # When she posts a decision and a move through the first plan's addresses
    decided = client.post(
        reverse("win_back_reason_decide", args=[plan.account_id, plan.pk, reason.pk]),
        {"decision": "confirm"},
    )
    moved = client.post(
        reverse("win_back_intervention_move", args=[plan.account_id, plan.pk, step.pk, "done"])
    )

    # Then both answer 404 and the other plan's records are unchanged
    assert (decided.status_code, moved.status_code) == (404, 404)
    reason.refresh_from_db()
    step.refresh_from_db()
    assert reason.status == ReasonStatus.PROPOSED
    assert step.status == InterventionStatus.PLANNED
