"""The intervention report's selector (DOMAIN §10): who is treated, who is not, what is measured."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from kam.analytics.intervention import SPANS_ZERO, TOO_SMALL
from kam.org.models import User
from kam.risk.models import RiskLevel
from kam.risk.report import TREATED, UNTREATED, intervention_report, report_window
from tests.factories import RiskMonthFactory, SurveyResponseFactory, WinBackPlanFactory
from tests.risk.report_world import AS_OF, INDEX, at_risk

pytestmark = pytest.mark.django_db


def test_the_window_reads_plans_started_18_to_6_months_ago() -> None:
    window = report_window(AS_OF)

    assert window.until == dt.date(2026, 11, 30)
    assert window.plans_from == dt.date(2025, 6, 1)
    assert window.plans_until == dt.date(2026, 5, 31)
    assert window.first_index == dt.date(2025, 5, 31)
    assert window.last_index == dt.date(2026, 4, 30)


def test_treated_and_untreated_churn_and_csat_before_and_after(manager: User) -> None:
    # Given five at-risk accounts with a plan started in December 2025, one of which churned
    # after, and five left alone, three of which churned after
    treated = [at_risk(manager, churned_after=i == 0, code=f"T{i}") for i in range(5)]
    for account in treated:
        WinBackPlanFactory(account=account, started_on=dt.date(2025, 12, 10))
    untreated = [at_risk(manager, churned_after=i < 3, code=f"U{i}") for i in range(5)]
    # and CSAT: the treated rose from 3 to 4, the untreated fell from 4 to 3.5 (one skipped)
    for account in treated:
        SurveyResponseFactory(account=account, responded_on=dt.date(2025, 9, 1), csat_service=3)
        SurveyResponseFactory(
            account=account, responded_on=dt.date(2026, 3, 1), csat_service=4, csat_price=4
        )
    for account in untreated[:4]:
        SurveyResponseFactory(account=account, responded_on=dt.date(2025, 11, 30), csat_service=4)
        SurveyResponseFactory(
            account=account, responded_on=dt.date(2026, 5, 31), csat_service=3, csat_price=4
        )

    # When the report is read
    report = intervention_report(actor=manager, as_of=AS_OF)

    # Then the groups and the DiD are the hand-computed ones
    assert (report.treated_accounts, report.untreated_accounts) == (5, 5)
    assert [r.code for r in report.accounts if r.group == TREATED] == [f"T{i}" for i in range(5)]
    assert {r.index_month for r in report.accounts} == {INDEX}
    assert report.churn.treated.before == 0
    assert report.churn.treated.after == pytest.approx(0.2)
    assert report.churn.untreated.after == pytest.approx(0.6)
    assert report.churn.estimate == pytest.approx(-0.4)
    assert report.csat.treated.accounts == 5
    assert report.csat.untreated.accounts == 4
    assert report.csat.treated.change == pytest.approx(1.0)
    assert report.csat.untreated.change == pytest.approx(-0.5)
    assert report.csat.estimate == pytest.approx(1.5)
    # exact (no spread in the changes), but four untreated accounts measured are too few
    assert report.csat.low == report.csat.high == pytest.approx(1.5)
    assert report.csat.verdict == TOO_SMALL
    assert report.churn.verdict == SPANS_ZERO


def test_who_is_left_out_and_why(manager: User) -> None:
    # Given a plan in the window for an account that was low risk before it started
    calm = at_risk(manager, level=RiskLevel.LOW, code="CALM")
    WinBackPlanFactory(account=calm, started_on=dt.date(2025, 12, 1))
    # an at-risk account whose plan started after the window, inside its 6 months after
    late = at_risk(manager, index=dt.date(2026, 4, 30), code="LATE")
    WinBackPlanFactory(account=late, started_on=dt.date(2026, 8, 3))
    # an at-risk account first high before the window: not read
    at_risk(manager, index=dt.date(2025, 4, 30), code="EARLY")
    # and one at-risk account left alone, medium at two month ends (the first counts)
    alone = at_risk(manager, index=dt.date(2025, 8, 31), level=RiskLevel.MEDIUM, code="ALONE")
    RiskMonthFactory(account=alone, month_end=dt.date(2025, 9, 30), risk_level=RiskLevel.HIGH)

    report = intervention_report(actor=manager, as_of=AS_OF)

    assert report.plans_in_window == 1
    assert report.plans_not_at_risk == 1
    assert [(r.code, r.group, r.index_month, r.risk_level) for r in report.accounts] == [
        ("ALONE", UNTREATED, dt.date(2025, 8, 31), RiskLevel.MEDIUM)
    ]
    assert report.churn.verdict == TOO_SMALL


def test_a_manager_sees_only_her_accounts_and_the_director_all(
    manager: User, other_manager: User, director: User
) -> None:
    mine = at_risk(manager, index=dt.date(2025, 12, 31), code="MINE")
    WinBackPlanFactory(account=mine, started_on=dt.date(2026, 1, 5))
    at_risk(other_manager, code="THEIRS")
    SurveyResponseFactory(account=mine, responded_on=dt.date(2025, 10, 1))

    hers = intervention_report(actor=manager, as_of=AS_OF)
    everyone = intervention_report(actor=director, as_of=AS_OF)

    assert [r.code for r in hers.accounts] == ["MINE"]
    assert hers.accounts[0].started_on == dt.date(2026, 1, 5)
    assert hers.accounts[0].index_month == dt.date(2025, 12, 31)
    assert hers.accounts[0].csat_before == 4
    assert hers.accounts[0].csat_after is None
    assert sorted(r.code for r in everyone.accounts) == ["MINE", "THEIRS"]


def test_unlabelled_months_are_not_measured(manager: User) -> None:
    # Given an at-risk account whose label before is unknown (no history that far back)
    at_risk(manager, churned_before=None, code="NEW")

    report = intervention_report(actor=manager, as_of=AS_OF)

    assert report.untreated_accounts == 1
    assert report.accounts[0].churned_before is None
    assert report.churn.untreated.accounts == 0


def test_the_report_reads_in_a_fixed_number_of_queries(
    manager: User, django_assert_max_num_queries: Any
) -> None:
    for i in range(6):
        account = at_risk(manager, churned_after=i % 2 == 0)
        WinBackPlanFactory(account=account, started_on=dt.date(2025, 12, 1 + i))
        SurveyResponseFactory(account=account, responded_on=dt.date(2025, 10, 1))
        at_risk(manager)

    with django_assert_max_num_queries(6):
        report = intervention_report(actor=manager, as_of=AS_OF)

    assert report.treated_accounts == report.untreated_accounts == 6
