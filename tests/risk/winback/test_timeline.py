"""The win-back plan in the account's timeline and on its own page (DOMAIN §10): started,
reasons found and decided, interventions planned and carried out, closed and reopened —
each told once, newest first, linked to the plan."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from kam.accounts.timeline import timeline_page
from kam.org.models import User
from kam.risk.models import PlanOutcome
from kam.risk.winback.links import plan_url
from kam.risk.winback.services import (
    intervention_add,
    intervention_done,
    plan_close,
    plan_reopen,
    plan_start,
    reason_reject,
)
from kam.risk.winback.timeline import WIN_BACK, plan_history
from tests.factories import ComplaintFactory, WinBackPlanFactory

pytestmark = pytest.mark.django_db


def _a_whole_plan(manager: User, account: Any) -> Any:
    ComplaintFactory(account=account, subject="Late again", category="delivery")
    plan = plan_start(actor=manager, account=account, goal="Orders back by spring")
    (reason,) = plan.reasons.all()
    reason_reject(actor=manager, reason=reason, note="Their plant moved")
    step = intervention_add(
        actor=manager,
        plan=plan,
        kind="executive_visit",
        due_on=timezone.localdate() + dt.timedelta(days=7),
        description="Our CEO meets theirs",
    )
    intervention_done(actor=manager, intervention=step)
    plan_close(actor=manager, plan=plan, outcome=PlanOutcome.WON_BACK, note="Orders resumed")
    plan_reopen(actor=manager, plan=plan)
    return plan


def test_a_plan_tells_its_whole_story_newest_first(manager: User, drifting: Any) -> None:
    # Given a plan that went through every step
    plan = _a_whole_plan(manager, drifting)

    # When its history is read
    entries = plan_history(plan)

    # Then each step is told once, newest first, each linked to the plan
    assert [e.action for e in reversed(entries)] == [
        "started a win-back plan",
        "found evidence of “Service quality decline”",
        "rejected the reason “Service quality decline”",
        "planned the win-back intervention “Executive visit”",
        "carried out the win-back intervention “Executive visit”",
        "closed the win-back plan: Won back",
        "reopened the win-back plan",
    ]
    details = {e.action: e.detail for e in entries}
    assert details["started a win-back plan"] == "Orders back by spring"
    assert details["closed the win-back plan: Won back"] == "Orders resumed"
    assert details["reopened the win-back plan"] == ""
    assert details["rejected the reason “Service quality decline”"] == "Their plant moved"
    assert {e.link for e in entries} == {plan_url(drifting.pk, plan.pk)}
    assert len({e.key for e in entries}) == len(entries)
    planned = next(e for e in entries if e.action.startswith("planned"))
    assert [c.field for c in planned.changes] == ["owner", "due on"]


def test_the_account_timeline_tells_every_plan_and_only_its_own(
    manager: User, drifting: Any
) -> None:
    # Given two plans on the account, and one on another account of the manager's
    first = _a_whole_plan(manager, drifting)
    plan_close(actor=manager, plan=first, outcome=PlanOutcome.LOST, note="Gone")
    second = plan_start(actor=manager, account=drifting)
    WinBackPlanFactory(account__owner=manager)

    # When the account's timeline is read for win-back entries alone
    entries = timeline_page(account=drifting, limit=200, kinds={WIN_BACK}).entries

    # Then both plans are there and nothing of the other account
    links = {e.link for e in entries}
    assert links == {plan_url(drifting.pk, first.pk), plan_url(drifting.pk, second.pk)}
    assert {e.kind for e in entries} == {WIN_BACK}
    assert len(entries) == len(plan_history(first)) + len(plan_history(second))
