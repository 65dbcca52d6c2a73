"""A manager fills an account's service page (DOMAIN §9): records a training and a
competitor move through its forms, sees the alert, and a director reads who offers what
where; in English and Chinese, empty and filled."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import expect

from kam.engagement.competitors.models import CompetitorMove
from kam.engagement.complaints.services import complaint_create
from kam.engagement.trainings.models import Training
from kam.org.models import Role
from tests.browser.conftest import sign_in
from tests.factories import (
    PASSWORD,
    AccountFactory,
    CompetitorMoveFactory,
    ContactFactory,
    SnapshotFactory,
    SurveyResponseFactory,
    TrainingFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _language(page: Any, code: str) -> None:
    page.click(f"button[name=language][value={code}]")
    expect(page.locator("html")).to_have_attribute("lang", code)


def _served(manager: Any) -> Any:
    account = AccountFactory(code="C10004", name="Orient Auto Parts", owner=manager, is_key=True)
    SnapshotFactory(account=account, account_class="A")
    ContactFactory(account=account, name="Li Wei", title="Purchasing director")
    ContactFactory(account=account, name="Chen Jie", title="Maintenance lead")
    complaint_create(
        actor=manager,
        account=account,
        subject="Seals leaking on line 3",
        channel="phone",
        category="product_quality",
        severity="high",
    )
    for month, service, nps in ((1, 5, 10), (4, 4, 9), (7, 4, 8), (10, 3, 6)):
        SurveyResponseFactory(
            account=account,
            responded_on=dt.date(2026, month, 10),
            csat_service=service,
            csat_product=4,
            nps=nps,
        )
    TrainingFactory(
        account=account,
        title="Pump range 2027",
        held_on=dt.date(2026, 9, 18),
        trainer="Zhang Min",
        feedback_score=Decimal("4.2"),
        materials="pump-range-2027.pdf",
    ).attendees.add(*account.contacts.all())
    return account


def test_a_manager_fills_the_service_page_and_a_director_reads_the_moves(
    page, shoot, live_server
) -> None:
    manager = UserFactory(username="mia")
    director = UserFactory(username="dora", role=Role.DIRECTOR)
    empty = AccountFactory(code="C20001", name="Delta Tools", owner=manager)
    account = _served(manager)
    # A slow shared machine: give the live server time to answer.
    page.set_default_timeout(60_000)
    page.set_default_navigation_timeout(60_000)
    sign_in(page, "mia", PASSWORD)

    page.goto(f"/accounts/{empty.pk}/service/")
    expect(page.locator("#trainings .empty")).to_be_visible()
    shoot("empty-en")
    _language(page, "zh-hans")
    shoot("empty-zh")
    _language(page, "en")

    page.goto(f"/accounts/{account.pk}/service/")
    training = page.locator("form[action$='/trainings/add/']")
    page.locator("#trainings details.training-entry").evaluate("d => { d.open = true; }")
    training.locator("select[name=training-topic]").select_option("technical_support")
    training.locator("input[name=training-title]").fill("Seal fitting on line 3")
    training.locator("input[name=training-held_on]").fill("2026-11-20")
    training.locator("input[name=training-trainer]").fill("Li Na")
    training.locator("input[name=training-feedback_score]").fill("4.8")
    training.get_by_label("Chen Jie").check()
    training.locator("button[type=submit]").click()
    expect(page.locator(".message.success")).to_be_visible()
    assert Training.objects.filter(title="Seal fitting on line 3").exists()

    # Open already when the account has no move yet.
    page.locator("#competitors details.move-entry").evaluate("d => { d.open = true; }")
    move = page.locator("form[action$='/competitor-moves/add/']")
    move.locator("input[name=move-competitor]").fill("Rival Pumps")
    move.locator("select[name=move-offer]").select_option("price_cut")
    move.locator("input[name=move-products]").fill("centrifugal pumps, seals")
    move.locator("input[name=move-seen_on]").fill("2026-11-25")
    move.locator("select[name=move-source]").select_option("tender")
    move.locator("input[name=move-source_detail]").fill(
        "Quotation shown by the buyer, 12% below ours"
    )
    move.locator("button[type=submit]").click()
    expect(page.locator(".competitor-alert")).to_contain_text("Rival Pumps")
    assert CompetitorMove.objects.get().seen_by == manager
    expect(page.locator("[data-chart=survey-trend][data-chart-drawn]")).to_be_attached()
    shoot("filled-en")
    _language(page, "zh-hans")
    expect(page.locator("[data-chart=survey-trend][data-chart-drawn]")).to_be_attached()
    shoot("filled-zh")
    _language(page, "en")

    other = AccountFactory(code="C10020", name="Northern Rail Systems", owner=manager)
    CompetitorMoveFactory(
        account=other,
        competitor="Rival Pumps",
        offer="payment_terms",
        products="spare parts",
        source="customer",
        source_detail="90 days instead of 30",
    )
    CompetitorMoveFactory(
        account=other, competitor="Eastern Hydraulics", offer="bundled_service", products="valves"
    )
    page.context.clear_cookies()
    sign_in(page, "dora", PASSWORD)
    page.goto("/engagement/competitor-moves/")
    expect(page.locator(".competitor-summary")).to_contain_text("Rival Pumps")
    shoot("moves-en")
    _language(page, "zh-hans")
    shoot("moves-zh")
    _language(page, "en")
    assert director.pk
