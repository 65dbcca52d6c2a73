"""The drifting group's account page telling one story, and a manager's potential estimate
re-scoring the account within seconds — in English and Chinese, on a desktop and a phone."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from kam.accounts.models import Account
from kam.ops.demo import demo_load
from kam.org.demo import DEMO_PASSWORD
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1360, "height": 900}


def _language(page: Any, code: str) -> None:
    page.set_viewport_size(DESKTOP)
    page.goto("/accounts/")
    page.click(f"button[name=language][value={code}]")
    expect(page.locator("html")).to_have_attribute("lang", code)


def _no_sideways_scroll(page: Any) -> None:
    # The account page's own content; the navigation bar's collapse is part 9's.
    width = page.evaluate("document.querySelector('main').scrollWidth")
    assert width <= PHONE["width"], f"the account page scrolls sideways: {width} px wide"


def _both_sizes(page: Any, shoot: Any, url: str, step: str) -> None:
    page.set_viewport_size(DESKTOP)
    page.goto(url)
    expect(page.locator("#strategy-panel .governing")).to_be_visible()
    shoot(f"{step}-desktop")
    page.set_viewport_size(PHONE)
    page.goto(url)
    expect(page.locator("#strategy-panel .governing")).to_be_visible()
    _no_sideways_scroll(page)
    shoot(f"{step}-phone")


def test_the_drifting_groups_page_tells_one_story(page, shoot) -> None:
    # given the demo company, whose group G200 drifts away
    demo_load(seed=7, accounts=40, years=3)
    group = Account.objects.get(code="G200")
    member = Account.objects.get(code="C10004")
    sign_in(page, "manager2", DEMO_PASSWORD)

    # when the group's page is read
    page.goto(f"/accounts/{group.pk}/")
    panel = page.locator("#strategy-panel")

    # then one strategy governs, the group's view stands beside the entity's with why they
    # differ, the filled-in potential is said as such, and the trend is in words
    expect(panel.locator(".governing-strategy")).to_have_text("Win-back")
    expect(panel.locator("#view-group")).to_contain_text("C")
    expect(panel.locator("#view-entity .share-of-wallet")).to_have_text("not measured")
    expect(panel.locator(".potential-filled")).to_contain_text("potential taken as the")
    expect(panel.locator(".scope-difference")).to_contain_text("sum of its members")
    expect(panel.locator("#view-group .trend")).to_contain_text("on the year before")
    expect(panel.locator("#view-group .trend")).to_contain_text(
        re.compile(r"falling by .* a month")
    )
    expect(panel).not_to_contain_text("100.0 %")
    expect(panel).not_to_contain_text(re.compile(r"[−-]1\d\d\.\d %"))
    expect(panel.locator(".class-strip").first).to_be_visible()
    expect(page.locator("#contacts .champions")).to_contain_text("is no longer a sponsor")
    _both_sizes(page, shoot, f"/accounts/{group.pk}/", "group-en")

    # and the subsidiary, told promotion on its own, works to the group's win-back
    page.goto(f"/accounts/{member.pk}/")
    expect(panel.locator(".governing-strategy")).to_have_text("Win-back")
    expect(panel.locator(".entity-reason")).to_contain_text("Promotion (R3)")
    _both_sizes(page, shoot, f"/accounts/{member.pk}/", "member-en")

    # and in Chinese
    _language(page, "zh-hans")
    page.goto(f"/accounts/{group.pk}/")
    expect(panel.locator(".governing-reason")).to_contain_text("一个客户")
    _both_sizes(page, shoot, f"/accounts/{group.pk}/", "group-zh")
    _both_sizes(page, shoot, f"/accounts/{member.pk}/", "member-zh")


def _add_estimate(page: Any, amount: str) -> None:
    form = page.locator("#factors form")
    form.locator("input[name=amount]").fill(amount)
    form.locator("input[name=source]").fill("Visit to the plant")
    form.locator("button[type=submit]").click()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_managers_estimate_rescores_the_account_within_seconds(page, shoot, language) -> None:
    # given the demo company and the manager of the drifting group, on a phone in Chinese
    demo_load(seed=7, accounts=40, years=3)
    group = Account.objects.get(code="G200")
    sign_in(page, "manager2", DEMO_PASSWORD)
    _language(page, language)
    recomputing = "Recomputing…" if language == "en" else "正在重新计算…"
    if language != "en":
        page.set_viewport_size(PHONE)
    page.goto(f"/accounts/{group.pk}/")
    panel = page.locator("#strategy-panel")
    expect(panel.locator("#view-entity .share-of-wallet")).to_be_visible()

    # when she records the parent's first potential estimate
    _add_estimate(page, "150000000")

    # then the panel says a re-score is pending, and keeps asking
    expect(panel.locator(".rescore-pending")).to_contain_text(recomputing)
    shoot(f"pending-{language}")

    # when the real worker takes the queued run, the panel refreshes by itself within seconds
    call_command("worker", "--batch")
    expect(panel.locator(".rescore-pending")).to_have_count(0, timeout=5_000)
    # (grouping in Chinese is part 7: the amount may come ungrouped there)
    expect(panel.locator("#view-entity .potential")).to_contain_text(
        re.compile(r"150,?000,?000\.00")
    )
    expect(panel.locator("#view-entity .share-of-wallet")).to_contain_text("%")
    if language != "en":
        _no_sideways_scroll(page)
    shoot(f"landed-{language}")

    # and the change history says what the re-score moved
    page.reload()
    expect(page.locator("#history .history-rescore").first).to_be_visible()
    page.locator("#history").scroll_into_view_if_needed()
    shoot(f"history-{language}")
