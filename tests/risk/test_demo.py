"""The demo company's win-back (DOMAIN §10): plans a year ago for half the accounts at risk
then, with reasons backed by records, interventions carried out, outcomes from the ledger."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.db import transaction

from kam.accounts.demo import S0_GROUP
from kam.core.dates import today
from kam.core.months import last_month_end, month_end, month_index
from kam.ledger.demo import DemoAccount
from kam.ops.demo import demo_load
from kam.org.models import User
from kam.risk.demo import demo_win_back
from kam.risk.models import (
    InterventionStatus,
    PlanOutcome,
    PlanStatus,
    ReasonStatus,
    RiskLevel,
    WinBackPlan,
    WinBackReason,
)
from tests.factories import (
    AccountFactory,
    ComplaintFactory,
    RiskMonthFactory,
)

YEARS = 2


@pytest.mark.django_db
@pytest.mark.slow  # builds the demo company
def test_the_demo_treats_about_half_of_the_accounts_at_risk_a_year_ago() -> None:
    with transaction.atomic():
        demo_load(seed=7, accounts=40, years=YEARS)
        as_of = today()
        plans = list(WinBackPlan.objects.select_related("account").order_by("started_on"))
        reasons = list(WinBackReason.objects.all())
        interventions = [i for plan in plans for i in plan.interventions.all()]
        done = [i for i in interventions if i.status == InterventionStatus.DONE]
        carried = {i.pk: list(i.activities.all()) for i in done}
        transaction.set_rollback(True)

    a_year_ago = month_end(month_index(last_month_end(as_of)) - 13)
    assert plans
    assert all(a_year_ago < plan.started_on <= a_year_ago + dt.timedelta(days=31) for plan in plans)
    assert all(reason.status == ReasonStatus.CONFIRMED for reason in reasons)
    assert all(reason.evidence or not reason.proposed for reason in reasons)
    assert any(reason.evidence for reason in reasons)
    assert all(i.owner_id and i.due_on for i in interventions)
    assert done
    assert all(carried[i.pk] and carried[i.pk][0].status == "done" for i in done)
    assert {plan.status for plan in plans} <= {PlanStatus.OPEN, PlanStatus.CLOSED}
    assert all(
        (plan.status == PlanStatus.CLOSED) == (plan.outcome != PlanOutcome.PENDING)
        for plan in plans
    )


@pytest.mark.django_db
def test_the_monthly_history_decides_who_was_at_risk(manager: User) -> None:
    # Given four customers at risk a year ago by the monthly history and two that were not
    as_of = dt.date(2026, 12, 2)
    index = dt.date(2025, 10, 31)
    at_risk = [AccountFactory(owner=manager, code=f"R{i}") for i in range(4)]
    calm = [AccountFactory(owner=manager, code=f"C{i}") for i in range(2)]
    for account in at_risk:
        RiskMonthFactory(account=account, month_end=index, risk_level=RiskLevel.HIGH)
    for account in calm:
        RiskMonthFactory(account=account, month_end=index, risk_level=RiskLevel.LOW)
    ComplaintFactory(account=at_risk[0], received_at=dt.datetime(2025, 9, 1, 3, tzinfo=dt.UTC))
    trajectories = [DemoAccount(a.code, "declining", 1e6) for a in [*at_risk, *calm]]

    # When the demo starts its plans (trajectories say all decline: the history wins)
    plans = demo_win_back(
        random.Random(1), [*at_risk, *calm], trajectories, {"director": manager}, as_of=as_of
    )

    # Then half the at-risk ones have a plan started in November 2025, none of the calm ones
    assert len(plans) == 2
    assert {p.account.code for p in plans} <= {"R0", "R1", "R2", "R3"}
    assert all(dt.date(2025, 11, 1) <= p.started_on <= dt.date(2025, 11, 30) for p in plans)
    # and without ledger revenue nothing held: the plans stay open
    assert {p.status for p in plans} == {PlanStatus.OPEN}


@pytest.mark.django_db
def test_s0s_drifting_group_is_left_for_todays_alert(manager: User) -> None:
    # Given S0's group and its member at risk a year ago, beside two other at-risk customers
    as_of, index = dt.date(2026, 12, 2), dt.date(2025, 10, 31)
    group = AccountFactory(owner=manager, code=S0_GROUP)
    member = AccountFactory(owner=manager, code="S0-M", parent=group)
    others = [AccountFactory(owner=manager, code=f"R{i}") for i in range(2)]
    for account in [group, member, *others]:
        RiskMonthFactory(account=account, month_end=index, risk_level=RiskLevel.HIGH)
    accounts = [group, member, *others]
    trajectories = [DemoAccount(a.code, "drifting", 1e6) for a in accounts]

    # When the demo starts its plans, whichever half the draw treats
    planned: set[str] = set()
    for seed in range(6):
        plans = demo_win_back(
            random.Random(seed), accounts, trajectories, {"director": manager}, as_of=as_of
        )
        planned |= {plan.account.code for plan in plans}
        WinBackPlan.objects.all().delete()

    # Then only the other customers ever get one: S0's plan starts from its alert now
    assert planned and planned <= {"R0", "R1"}


@pytest.mark.django_db
def test_without_a_history_the_trajectories_decide(manager: User) -> None:
    accounts = [AccountFactory(owner=manager, code=f"A{i}") for i in range(4)]
    trajectories = [
        DemoAccount("A0", "drifting", 1e6),
        DemoAccount("A1", "declining", 1e6),
        DemoAccount("A2", "stable", 1e6),
        DemoAccount("A3", "growing", 1e6),
    ]

    plans = demo_win_back(
        random.Random(2), accounts, trajectories, {"director": manager}, as_of=dt.date(2026, 12, 2)
    )

    assert len(plans) == 1
    assert plans[0].account.code in {"A0", "A1"}
    assert WinBackPlan.objects.count() == 1
