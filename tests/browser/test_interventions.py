"""The director reads the intervention report (DOMAIN §10): treated against untreated at-risk
accounts, churn and CSAT before and after, the bars drawn, in English and Chinese."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from kam.org.models import Role
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, SurveyResponseFactory, UserFactory
from tests.risk.report_world import AS_OF, treated_world

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_the_director_reads_whether_the_plans_worked(page, shoot) -> None:
    # Given eight treated and eight untreated at-risk accounts, surveyed before and after
    manager = UserFactory(username="mia")
    UserFactory(username="dora", role=Role.DIRECTOR)
    treated_world(manager)
    for index, account in enumerate(manager.owned_accounts.order_by("code")):
        treated = account.code.startswith("TREAT")
        SurveyResponseFactory(
            account=account, responded_on=dt.date(2025, 10, 1), csat_service=3 + index % 2
        )
        SurveyResponseFactory(
            account=account,
            responded_on=dt.date(2026, 3, 1),
            csat_service=(4 if treated else 3) + index % 2 - (index % 3 == 0),
        )
    sign_in(page, "dora", PASSWORD)

    # When she opens the report as of the fixture date
    page.goto(f"/risk/interventions/?as_of={AS_OF.isoformat()}")

    # Then both outcomes state their verdict, and the bars are drawn
    expect(page.locator("#outcome-churn [data-verdict]")).to_have_attribute("data-verdict", "lower")
    expect(page.locator("#outcome-csat [data-verdict]")).to_have_attribute("data-verdict", "higher")
    expect(page.locator("#outcome-churn [data-chart-drawn]")).to_have_count(1)
    expect(page.locator("#outcome-csat [data-chart-drawn]")).to_have_count(1)
    shoot("en")

    page.click("button[name=language][value=zh-hans]")
    expect(page.locator("h1")).to_have_text("干预效果报告")
    expect(page.locator("#outcome-churn [data-chart-drawn]")).to_have_count(1)
    shoot("zh")


def test_an_empty_report_says_what_to_do(page, shoot) -> None:
    UserFactory(username="mia")
    sign_in(page, "mia", PASSWORD)

    page.goto("/risk/interventions/")

    expect(page.locator(".empty")).to_contain_text("Start a plan from a high-risk alert today")
    shoot("empty")
