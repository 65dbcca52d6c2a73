"""Every main page on a phone (390 px) in both languages (issue 16 part 9): the navigation
folds behind a keyboard-usable menu button and no page scrolls sideways (wide tables scroll
inside their own box). Screenshots of each page go to test-artifacts/screenshots/."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from kam.core.dates import today
from kam.core.months import last_month_end, month_add
from kam.ledger.services import ledger_import
from kam.org.models import Role
from kam.portfolio.services.scoring import score_history
from tests.browser.conftest import SHOTS
from tests.factories import PASSWORD, AccountFactory, PotentialEstimateFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def _company(tmp_path: Path) -> int:
    """A scored company of 12 accounts with 18 months of ledger; the largest account's id."""
    director = UserFactory(username="dora", first_name="Dora", last_name="Lin", role=Role.DIRECTOR)
    manager = UserFactory(username="mia", first_name="Mia", last_name="Wu", role=Role.MANAGER)
    last = last_month_end(today()).replace(day=1)
    lines = ["customer,date,amount,cost"]
    for index in range(12):
        account = AccountFactory(
            owner=manager, code=f"K{index:02d}", name=f"Customer with a long name {index:02d}"
        )
        PotentialEstimateFactory(account=account, estimated_on=today() - dt.timedelta(days=400))
        for back in range(18):
            month = month_add(last, -back)
            amount = (index + 1) ** 3 * 40_000 * (1 + (back if index % 3 == 0 else 0) / 10)
            lines.append(f"K{index:02d},{month.replace(day=10).isoformat()},{amount:.2f},")
    path = tmp_path / "ledger.csv"
    path.write_text("\n".join(lines) + "\n")
    assert ledger_import(actor=director, path=path).status == "imported"
    score_history(as_of=today())
    return AccountFactory._meta.model.objects.get(code="K11").pk


def _phone(browser: Any, live_server: Any, language: str, viewport: dict[str, int] = PHONE) -> Any:
    context = browser.new_context(viewport=viewport, base_url=live_server.url, locale="en-US")
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/login/")
    page.fill("#id_username", "dora")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(re.compile(r"/$"))
    return page


def _main_pages(account_id: int) -> dict[str, str]:
    return {
        "dashboard": "/",
        "accounts": "/accounts/",
        "account": f"/accounts/{account_id}/",
        "account-edit": f"/accounts/{account_id}/edit/",
        "matrix": "/portfolio/",
        "pareto": "/portfolio/pareto/",
        "migration": "/portfolio/migration/",
        "proposals": "/portfolio/proposals/",
        "playbooks": "/portfolio/playbooks/",
        "settings": "/portfolio/settings/",
        "alerts": "/alerts/",
        "imports": "/imports/",
        "profile": "/profile/",
        "not-found": "/no/such/page/",
    }


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_no_main_page_scrolls_sideways_on_a_phone(browser, live_server, tmp_path, language) -> None:
    # Given a scored company and the director on a 390 px phone, in either language
    account_id = _company(tmp_path)
    page = _phone(browser, live_server, language)
    SHOTS.mkdir(parents=True, exist_ok=True)
    wide = {}

    # When every main page is opened (charts drawn, panels loaded)
    for name, path in _main_pages(account_id).items():
        page.goto(path)
        page.wait_for_load_state("networkidle")
        for chart in page.locator("[data-chart]").all():
            expect(chart).to_have_attribute("data-chart-drawn", "1")
        page.screenshot(path=str(SHOTS / f"phone-{language}-{name}.png"), full_page=True)
        width, inner = page.evaluate("[document.scrollingElement.scrollWidth, innerWidth]")
        if width > inner + 1:
            wide[name] = width
        # the navigation is folded behind the menu button
        expect(page.locator(".menu-toggle")).to_be_visible()
        expect(page.locator("#topbar-menu")).to_be_hidden()

    # Then none is wider than the phone
    assert wide == {}


def test_the_phone_menu_opens_and_closes_from_the_keyboard(browser, live_server, tmp_path) -> None:
    # Given the director on a phone
    _company(tmp_path)
    page = _phone(browser, live_server, "en")
    button = page.locator(".menu-toggle")
    expect(button).to_have_attribute("aria-expanded", "false")

    # When the menu button is reached with Tab and pressed with Enter
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(button).to_be_focused()
    page.keyboard.press("Enter")

    # Then the navigation shows, says it is expanded, and leads to the accounts
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(page.locator(".mainnav a", has_text="Accounts")).to_be_visible()
    page.screenshot(path=str(SHOTS / "phone-en-menu-open.png"))

    # And Escape folds it again and gives the focus back to the button
    page.keyboard.press("Escape")
    expect(page.locator("#topbar-menu")).to_be_hidden()
    expect(button).to_be_focused()

    # And the opened menu's link works
    button.click()
    page.locator(".mainnav a", has_text="Accounts").click()
    expect(page.locator("h1")).to_have_text("Accounts")


def test_the_desktop_shows_the_navigation_without_a_menu_button(
    page, live_server, tmp_path
) -> None:
    # Given the director on a desktop (1360 px)
    _company(tmp_path)
    page.goto("/login/")
    page.fill("#id_username", "dora")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")

    # Then the navigation is open and there is no menu button
    expect(page.locator(".mainnav")).to_be_visible()
    expect(page.locator(".menu-toggle")).to_be_hidden()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_changed_pages_on_a_desktop(browser, live_server, tmp_path, language) -> None:
    # Given the director on a 1360 px screen, in either language
    account_id = _company(tmp_path)
    page = _phone(browser, live_server, language, viewport={"width": 1360, "height": 900})
    SHOTS.mkdir(parents=True, exist_ok=True)
    pages = {
        "accounts-by-revenue": "/accounts/?sort=-revenue",
        "account": f"/accounts/{account_id}/",
        "matrix": "/portfolio/",
        "proposals": "/portfolio/proposals/",
        "settings": "/portfolio/settings/",
        "not-found": "/no/such/page/",
    }
    for name, path in pages.items():
        # When each page the numbers work changed is opened
        page.goto(path)
        page.wait_for_load_state("networkidle")
        for chart in page.locator("[data-chart]").all():
            expect(chart).to_have_attribute("data-chart-drawn", "1")
        page.screenshot(path=str(SHOTS / f"desktop-{language}-{name}.png"), full_page=True)
        # Then it fits the screen and every compact amount carries the exact one on hover
        width, inner = page.evaluate("[document.scrollingElement.scrollWidth, innerWidth]")
        assert width <= inner + 1, name
        for amount in page.locator("abbr.amount").all()[:5]:
            assert re.fullmatch(r"-?[\d,]+\.\d\d", amount.get_attribute("title") or ""), name
