"""A manager wins a drifting account back in a real browser (DOMAIN §10): from its high
churn-risk alert she starts a plan, confirms the reason its complaints propose, plans an
intervention and finds its activity on her agenda."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kam.org.models import Role
from tests.browser.conftest import sign_in
from tests.factories import (
    PASSWORD,
    AccountFactory,
    CompetitorMoveFactory,
    ComplaintFactory,
    RiskScoreFactory,
    UserFactory,
)
from tests.risk.winback.conftest import churn_alert

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_a_plan_started_from_the_alert_lands_on_the_agenda(page, shoot) -> None:
    # Given Mia's key account at high risk, its alert, two late deliveries and a rival's offer
    mia = UserFactory(username="mia", first_name="Mia", last_name="Chen", role=Role.MANAGER)
    account = AccountFactory(owner=mia, code="G200", name="Orient Auto Group", is_key=True)
    RiskScoreFactory(account=account, as_of=timezone.localdate())
    alert = churn_alert(account)
    now = timezone.now()
    for days, subject in ((20, "Deliveries two days late"), (50, "Wrong parts shipped")):
        ComplaintFactory(
            account=account,
            category="delivery",
            subject=subject,
            received_at=now - dt.timedelta(days=days),
        )
    CompetitorMoveFactory(account=account, competitor="Rival Gears", seen_by=mia)
    due = timezone.localdate() + dt.timedelta(days=2)

    # When she starts a plan from the alert's page
    sign_in(page, "mia", PASSWORD)
    page.goto(f"/alerts/{alert.pk}/")
    page.get_by_role("link", name="Start a win-back plan").click()
    expect(page.get_by_text("Service quality decline")).to_be_visible()
    page.fill("#id_goal", "Orders back to last year's level by March")
    shoot("start")
    page.get_by_role("button", name="Start the plan").click()

    # Then the plan proposes the reasons with their records; she confirms the service one
    expect(page.get_by_role("heading", name="Win-back plan: Orient Auto Group")).to_be_visible()
    reason = page.locator("article.reason", has_text="Service quality decline")
    expect(reason.get_by_role("link", name="Deliveries two days late")).to_be_visible()
    reason.locator("input[name=note]").fill("The plant manager confirmed it on the phone")
    reason.get_by_role("button", name="Confirm").click()
    expect(page.locator("article.reason-confirmed")).to_contain_text("Service quality decline")

    # And plans an intervention against it, due in two days
    form = page.locator("#intervention-form")
    form.locator("#id_kind").select_option("service_improvement")
    form.locator("#id_description").fill("Weekly delivery review with their plant")
    form.locator("#id_reason").select_option(label="Service quality decline")
    form.locator("#id_due_on").fill(due.isoformat())
    form.get_by_role("button", name="Plan it").click()
    expect(page.locator("#interventions tbody tr")).to_contain_text("Weekly delivery review")
    shoot("plan")

    # Then its activity stands on her agenda
    page.goto("/agenda/")
    expect(page.get_by_text("Win-back: Service improvement")).to_be_visible()
    shoot("agenda")

    # And the account page's panel shows the open plan
    page.goto(f"/accounts/{account.pk}/")
    expect(page.locator("#win-back")).to_contain_text("1 to do, 0 done")
    shoot("panel")

    # And the plans list shows it open, nothing overdue yet
    page.goto("/risk/win-back/")
    expect(page.locator("tbody tr")).to_contain_text("Orient Auto Group")
    shoot("list")
