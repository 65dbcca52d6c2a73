"""A manager enters survey results on the account page and sees the trend and the drop alert;
a contact answers the public form on a phone (DOMAIN §9), in English and Chinese."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from playwright.sync_api import expect

from kam.alerts.models import Alert
from kam.engagement.surveys.models import SurveyResponse
from tests.browser.conftest import SHOTS, sign_in
from tests.factories import (
    PASSWORD,
    AccountFactory,
    ContactFactory,
    SurveyResponseFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]
DESKTOP = {"width": 1360, "height": 900}
PHONE = {"width": 390, "height": 844}


def _language(page: Any, code: str) -> None:
    page.click(f"button[name=language][value={code}]")
    expect(page.locator("html")).to_have_attribute("lang", code)


def _shoot(page: Any, step: str) -> None:
    """A screenshot of a second browser (the contact's), beside the manager's."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"test_surveys-{step}.png"), full_page=True)


def _enter(page: Any, day: str, **scores: str) -> None:
    page.locator("#surveys details.survey-entry summary").click()
    form = page.locator("form[action$='/surveys/add/']")
    form.locator("input[name=responded_on]").fill(day)
    form.locator("select[name=method]").select_option("interview")
    form.locator("select[name=contact_id]").select_option(label="Li Wei")
    for name, value in scores.items():
        form.locator(f"select[name={name}]").select_option(value)
    form.locator("textarea[name=comments]").fill("Two late deliveries this quarter")
    form.locator("button[type=submit]").click()


def test_a_manager_enters_results_sees_the_trend_and_a_contact_answers(page, shoot, settings):
    settings.KAM_COMPANY_NAME = "Huayang Machinery"
    manager = UserFactory(username="mia")
    account = AccountFactory(code="C10004", name="Orient Auto Parts", owner=manager, is_key=True)
    ContactFactory(account=account, name="Li Wei", title="Purchasing director")
    for month, service, nps in ((1, 5, 10), (4, 5, 9), (7, 4, 9)):
        SurveyResponseFactory(
            account=account,
            responded_on=dt.date(2026, month, 10),
            csat_service=service,
            csat_product=4,
            csat_delivery=5,
            csat_price=3,
            csat_relationship=5,
            nps=nps,
        )
    sign_in(page, "mia", PASSWORD)

    # When the manager enters October's results on the account page
    page.goto(f"/accounts/{account.pk}/")
    expect(page.locator("#surveys h2")).to_have_text("Satisfaction")
    _enter(
        page,
        "2026-10-12",
        nps="6",
        csat_product="4",
        csat_service="3",
        csat_delivery="4",
        csat_price="3",
        csat_relationship="4",
    )

    # Then the response is recorded, the trend has four surveys and the drop is raised
    expect(page.locator(".messages")).to_contain_text("Survey response recorded.")
    chart = page.locator("#surveys [data-chart=survey-trend]")
    expect(chart).to_have_attribute("data-chart-drawn", "1")
    assert '"2026-10"' in (page.locator("#survey-chart-data").text_content() or "")
    expect(page.locator("#surveys .tile[data-dimension=service] .tile-value")).to_have_text("3.00")
    expect(page.locator("#surveys .survey-drop")).to_contain_text(
        "Satisfaction dropped from the survey of 2026-07 to 2026-10: CSAT on service 4.00 → 3.00"
    )
    alert = Alert.objects.get(account=account, kind="survey_drop", is_open=True)
    assert alert.data["dimensions"] == ["service", "delivery", "relationship", "nps"]
    page.locator("#surveys").scroll_into_view_if_needed()
    shoot("panel-en")

    # And a one-time link is made for Li Wei and shown once to be copied
    page.locator("form[action$='/surveys/invite/'] select[name=link-contact_id]").select_option(
        label="Li Wei"
    )
    page.locator("form[action$='/surveys/invite/'] button").click()
    link = page.locator("#survey-link").input_value()
    assert re.fullmatch(r"http://[^/]+/s/s_[\w-]{40,}/", link)
    shoot("link-en")

    # The same page reads in Chinese
    page.goto(f"/accounts/{account.pk}/")
    _language(page, "zh-hans")
    expect(page.locator("#surveys h2")).to_have_text("客户满意度")
    expect(chart).to_have_attribute("data-chart-drawn", "1")
    page.locator("#surveys").scroll_into_view_if_needed()
    shoot("panel-zh")

    # When Li Wei opens the link on a phone, in Chinese, and answers
    contact = page.context.browser.new_context(
        viewport=PHONE, locale="zh-CN", extra_http_headers={"Accept-Language": "zh-CN,zh;q=0.9"}
    )
    phone = contact.new_page()
    phone.goto(link)
    expect(phone.locator("h1")).to_have_text("满意度调查")
    expect(phone.locator("main")).to_contain_text("Huayang Machinery")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the public form scrolls sideways: {width} px"
    for name, value in (
        ("csat_product", "5"),
        ("csat_service", "4"),
        ("csat_delivery", "4"),
        ("csat_price", "3"),
        ("csat_relationship", "5"),
        ("nps", "9"),
    ):
        phone.locator(f"label.choice:has(input[name={name}][value='{value}'])").click()
    phone.locator("textarea[name=comments]").fill("服务响应更快了")
    _shoot(phone, "public-form-zh-phone")
    phone.locator("form.survey-questions button[type=submit]").click()

    # Then the answer is recorded once, and the link cannot be used again
    expect(phone.locator("h1")).to_have_text("谢谢")
    response = SurveyResponse.objects.get(source="public_form")
    assert (response.csat_service, response.nps, response.contact.name) == (4, 9, "Li Wei")
    phone.goto(link)
    expect(phone.locator("h1")).to_have_text("此调查已经答复")
    contact.close()

    # And the English public form at 390 px reads well too
    english = page.context.browser.new_context(viewport=PHONE, locale="en-US")
    other = english.new_page()
    page.goto(f"/accounts/{account.pk}/")
    _language(page, "en")
    page.locator("form[action$='/surveys/invite/'] button").click()
    other.goto(page.locator("#survey-link").input_value())
    expect(other.locator("h1")).to_have_text("Satisfaction survey")
    _shoot(other, "public-form-en-phone")
    english.close()
