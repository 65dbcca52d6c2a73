"""Writes of the win-back plan (DOMAIN §10): start from an alert, one open plan per account,
reasons decided by the manager, interventions carried by agenda activities, outcome and
reopening; every illegal move a Conflict."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from kam.alerts.models import AlertFollowUp
from kam.core.errors import Conflict, InvalidInput, PermissionDenied
from kam.engagement.activities.agenda import agenda
from kam.engagement.activities.models import ActivityStatus
from kam.org.models import Role, User
from kam.risk.models import (
    InterventionStatus,
    PlanOutcome,
    PlanStatus,
    ReasonKind,
    ReasonStatus,
    RiskLevel,
)
from kam.risk.winback.services import (
    WIN_BACK_PLAN,
    intervention_activity_link,
    intervention_add,
    intervention_cancel,
    intervention_done,
    intervention_update,
    plan_close,
    plan_reasons_propose,
    plan_reopen,
    plan_start,
    reason_add,
    reason_confirm,
    reason_reject,
)
from tests.factories import (
    AccountFactory,
    ActivityFactory,
    ComplaintFactory,
    TeamMemberFactory,
    UserFactory,
    WinBackPlanFactory,
    WinBackReasonFactory,
)
from tests.risk.winback.conftest import churn_alert

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_a_plan_started_from_its_alert_copies_the_risk_and_proposes_reasons(
    manager: User, drifting: Any
) -> None:
    alert = churn_alert(drifting)
    ComplaintFactory(account=drifting, subject="Late deliveries again", category="delivery")

    plan = plan_start(actor=manager, account=drifting, alert=alert, goal="Orders back")

    assert (plan.status, plan.alert_id, plan.owner_id) == (PlanStatus.OPEN, alert.pk, manager.pk)
    assert (plan.churn_probability_at_start, plan.risk_level_at_start) == (0.62, RiskLevel.HIGH)
    (reason,) = plan.reasons.all()
    assert (reason.kind, reason.status, reason.proposed) == (
        ReasonKind.SERVICE_QUALITY,
        ReasonStatus.PROPOSED,
        True,
    )
    assert reason.figures["complaints"] == {"from": 0, "to": 1}
    assert [e["label"] for e in reason.evidence] == ["Late deliveries again"]
    link = AlertFollowUp.objects.get(alert=alert)
    assert (link.target_type, link.target_id) == (WIN_BACK_PLAN, plan.pk)


def test_an_account_without_a_score_starts_with_no_risk_copied(manager: User) -> None:
    account = AccountFactory(owner=manager)

    plan = plan_start(actor=manager, account=account)

    assert (plan.churn_probability_at_start, plan.risk_level_at_start) == (None, "")
    assert plan.alert_id is None


def test_an_account_has_one_open_plan(manager: User, drifting: Any) -> None:
    plan_start(actor=manager, account=drifting)

    with pytest.raises(Conflict):
        plan_start(actor=manager, account=drifting)


def test_only_the_owner_or_a_director_starts_a_plan(
    manager: User, director: User, executive: User, drifting: Any
) -> None:
    colleague = TeamMemberFactory(account=drifting).user

    for refused in (colleague, executive):
        with pytest.raises(PermissionDenied):
            plan_start(actor=refused, account=drifting)
    assert plan_start(actor=director, account=drifting).started_by_id == director.pk


def test_another_accounts_alert_is_refused(manager: User, drifting: Any) -> None:
    elsewhere = churn_alert(AccountFactory(owner=manager))

    with pytest.raises(InvalidInput) as refused:
        plan_start(actor=manager, account=drifting, alert=elsewhere)

    assert refused.value.errors[0].field == "alert_id"
    assert not drifting.win_back_plans.exists()


def test_the_manager_confirms_and_rejects_reasons_with_a_note(manager: User) -> None:
    reason = WinBackReasonFactory(plan=WinBackPlanFactory(account__owner=manager))

    with pytest.raises(InvalidInput):
        reason_reject(actor=manager, reason=reason, note=" ")
    reason_reject(actor=manager, reason=reason, note="Their plant moved, not our service")
    assert (reason.status, reason.decided_by_id) == (ReasonStatus.REJECTED, manager.pk)
    reason_confirm(actor=manager, reason=reason, note="Second visit showed it after all")
    assert reason.status == ReasonStatus.CONFIRMED
    with pytest.raises(Conflict):
        reason_confirm(actor=manager, reason=reason)


def test_a_reason_added_by_hand_is_confirmed_once_per_kind(manager: User) -> None:
    plan = WinBackPlanFactory(account__owner=manager)

    reason = reason_add(actor=manager, plan=plan, kind=ReasonKind.BUDGET, summary="Capex frozen")

    assert (reason.status, reason.proposed) == (ReasonStatus.CONFIRMED, False)
    with pytest.raises(Conflict):
        reason_add(actor=manager, plan=plan, kind=ReasonKind.BUDGET, summary="Again")
    with pytest.raises(InvalidInput):
        reason_add(actor=manager, plan=plan, kind="weather", summary="Rain")


def test_an_intervention_plans_an_activity_on_the_owners_agenda(manager: User) -> None:
    plan = WinBackPlanFactory(account__owner=manager)
    reason = WinBackReasonFactory(plan=plan)
    due = TODAY + dt.timedelta(days=2)

    step = intervention_add(
        actor=manager,
        plan=plan,
        kind="executive_visit",
        description="Our CEO meets their plant manager",
        reason_id=reason.pk,
        due_on=due,
    )

    (activity,) = step.activities.all()
    assert (activity.kind, activity.status, activity.owner_id) == (
        "visit",
        ActivityStatus.PLANNED,
        manager.pk,
    )
    assert timezone.localtime(activity.planned_for).date() == due
    assert activity in [item.activity for item in agenda(manager).items]


def test_an_intervention_refuses_an_owner_or_reason_from_elsewhere(
    manager: User, other_manager: User
) -> None:
    plan = WinBackPlanFactory(account__owner=manager)
    foreign = WinBackReasonFactory(plan=WinBackPlanFactory(account__owner=manager))

    for field, bad in (("owner_id", other_manager.pk), ("reason_id", foreign.pk)):
        with pytest.raises(InvalidInput) as refused:
            intervention_add(actor=manager, plan=plan, kind="other", due_on=TODAY, **{field: bad})
        assert refused.value.errors[0].field == field
    assert not plan.interventions.exists()


def test_done_and_cancelled_are_final_and_cancelling_clears_the_agenda(manager: User) -> None:
    plan = WinBackPlanFactory(account__owner=manager)
    kept = intervention_add(actor=manager, plan=plan, kind="more_communication", due_on=TODAY)
    dropped = intervention_add(actor=manager, plan=plan, kind="other", due_on=TODAY)

    intervention_done(actor=manager, intervention=kept)
    intervention_cancel(actor=manager, intervention=dropped)

    assert (kept.status, kept.done_on) == (InterventionStatus.DONE, TODAY)
    assert dropped.activities.get().status == ActivityStatus.CANCELLED
    for move in (intervention_done, intervention_cancel):
        with pytest.raises(Conflict):
            move(actor=manager, intervention=kept)
    with pytest.raises(Conflict):
        intervention_update(actor=manager, intervention=kept, description="Later")


def test_more_activities_of_the_account_carry_an_intervention(manager: User) -> None:
    plan = WinBackPlanFactory(account__owner=manager)
    step = intervention_add(actor=manager, plan=plan, kind="other", due_on=TODAY)
    call = ActivityFactory(account=plan.account, kind="call", channel="phone")

    intervention_activity_link(actor=manager, intervention=step, activity_id=call.pk)

    assert call in step.activities.all()
    with pytest.raises(Conflict):
        intervention_activity_link(actor=manager, intervention=step, activity_id=call.pk)
    with pytest.raises(InvalidInput):
        intervention_activity_link(
            actor=manager, intervention=step, activity_id=ActivityFactory().pk
        )


def test_a_closed_plan_keeps_its_outcome_until_reopened(manager: User) -> None:
    plan = WinBackPlanFactory(account__owner=manager)

    with pytest.raises(InvalidInput):
        plan_close(actor=manager, plan=plan, outcome=PlanOutcome.PENDING)
    closed = plan_close(actor=manager, plan=plan, outcome="stabilised", note="Orders steady")

    assert (closed.status, closed.outcome, closed.closed_on) == (
        PlanStatus.CLOSED,
        PlanOutcome.STABILISED,
        TODAY,
    )
    with pytest.raises(Conflict):
        intervention_add(actor=manager, plan=closed, kind="other", due_on=TODAY)
    with pytest.raises(Conflict):
        plan_close(actor=manager, plan=closed, outcome="lost")
    reopened = plan_reopen(actor=manager, plan=closed)
    assert (reopened.status, reopened.outcome, reopened.closed_on) == (
        PlanStatus.OPEN,
        PlanOutcome.PENDING,
        None,
    )


def test_a_plan_is_not_reopened_beside_another_open_one(manager: User) -> None:
    old = WinBackPlanFactory(account__owner=manager, status=PlanStatus.CLOSED, outcome="lost")
    WinBackPlanFactory(account=old.account)

    with pytest.raises(Conflict):
        plan_reopen(actor=manager, plan=old)


def test_proposing_again_refreshes_open_reasons_and_keeps_decided_ones(
    manager: User, drifting: Any
) -> None:
    plan = plan_start(actor=manager, account=drifting)
    assert not plan.reasons.exists()
    ComplaintFactory(account=drifting, category="service")
    ComplaintFactory(account=drifting, category="product_quality")
    decided = reason_add(actor=manager, plan=plan, kind=ReasonKind.PRODUCT_FIT, summary="Mine")

    touched = plan_reasons_propose(actor=manager, plan=plan)

    assert [r.kind for r in touched] == [ReasonKind.SERVICE_QUALITY]
    decided.refresh_from_db()
    assert (decided.summary, decided.evidence) == ("Mine", [])


def test_an_executive_writes_nothing(executive: User) -> None:
    plan = WinBackPlanFactory()
    reason = WinBackReasonFactory(plan=plan)

    with pytest.raises(PermissionDenied):
        reason_confirm(actor=executive, reason=reason)
    with pytest.raises(PermissionDenied):
        intervention_add(actor=executive, plan=plan, kind="other", due_on=TODAY)
    with pytest.raises(PermissionDenied):
        plan_close(actor=executive, plan=plan, outcome="lost")
    assert UserFactory(role=Role.EXECUTIVE).can_write is False
