"""The director's dashboard and a mention reaching the inbox, in a real browser, in English
and Chinese, on a desktop and on a 390 px phone (issue 16 "Done when")."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from kam.accounts.models import Account
from kam.alerts.services import alert_raise
from kam.org.models import Role
from kam.portfolio.models import MonthlyHistory, Snapshot
from tests.browser.conftest import SHOTS, sign_in
from tests.browser.test_portfolio import _scored_company
from tests.factories import (
    PASSWORD,
    AccountFactory,
    SnapshotFactory,
    TeamMemberFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

SCREENS = {"desktop": {"width": 1360, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture
def screens(browser: Any, live_server: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """open(screen, language) → a page of a fresh browser context of that size."""
    contexts: list[Any] = []

    def open_page(screen: str) -> Any:
        context = browser.new_context(
            viewport=SCREENS[screen], base_url=live_server.url, locale="en-US"
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield open_page
    for context in contexts:
        context.close()


def _shoot(page: Any, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def _language(page: Any, code: str) -> None:
    # On a phone the language switch is folded behind the menu button.
    toggle = page.locator(".menu-toggle")
    if toggle.is_visible():
        toggle.click()
    page.click(f"button[name=language][value={code}]")


def _chinese(page: Any) -> None:
    _language(page, "zh-hans")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")


def _no_sideways_scroll(page: Any) -> None:
    """The page's own content fits the phone: nothing inside <main> is wider than the screen."""
    overflow = page.evaluate(
        "() => { const w = document.documentElement.clientWidth;"
        " return [...document.querySelectorAll('main *')]"
        ".filter(e => e.getBoundingClientRect().right > w + 1).map(e => e.outerHTML.slice(0, 80)) }"
    )
    assert overflow == []


def _last_month_class(code: str, klass: str) -> None:
    """Set the account's class at the last month end of the monthly history."""
    row = MonthlyHistory.objects.get(account__code=code, scope="entity")
    row.classes = row.classes[:-1] + klass
    row.save(update_fields=["classes"])


@pytest.mark.parametrize("screen", ["desktop", "phone"])
def test_the_directors_dashboard_says_what_needs_her(screens, tmp_path, screen) -> None:
    # Given a scored company with key accounts, proposals (one of class D), a critical alert,
    # a drop and a rise at the last month end, and an account nobody manages
    _scored_company(tmp_path)
    Account.objects.filter(code__in=["K11", "K10", "K09"]).update(is_key=True)
    latest = Snapshot.objects.filter(scope="entity").latest("as_of").as_of
    Snapshot.objects.filter(as_of=latest, account__code__in=["K08", "K06", "K00"]).update(
        key_proposal=True
    )
    SnapshotFactory(  # proposed on its ratings alone: no revenue yet
        account=AccountFactory(code="P01", name="Promising prospect"),
        as_of=latest,
        contribution_cents=0,
        score=86.0,
        key_proposal=True,
    )
    _last_month_class("K11", "C")
    _last_month_class("K02", "A")
    alert_raise(
        Account.objects.get(code="K11"),
        "class_drop",
        severity="critical",
        message="Class dropped from A to C: revenue fell 40 %.",
    )
    AccountFactory(owner=None, code="ORPHAN", name="Nobody's customer")
    page = screens(screen)

    # When the director signs in
    sign_in(page, "dora", PASSWORD)

    # Then the dashboard counts what needs her, each number explained, and links onwards
    tiles = page.locator(".dash-tiles")
    expect(tiles.locator("[data-tile=critical-alerts] .tile-value")).to_have_text("1")
    expect(tiles.locator("[data-tile=movements]")).to_contain_text("↓ 1")
    expect(page.locator("#movements")).to_contain_text("K11")
    expect(page.locator("#alerts")).to_contain_text("revenue fell 40 %")
    expect(tiles.locator("[data-tile=movements]")).to_contain_text("Between the month ends")
    expect(tiles.locator("[data-tile=key-revenue]")).to_contain_text("3 key accounts")
    expect(tiles.locator("[data-tile=unowned] .tile-value")).to_have_text("1")
    expect(page.locator("#proposals")).to_contain_text("to review apart")
    if screen == "phone":
        _no_sideways_scroll(page)
    _shoot(page, f"dashboard-director-{screen}-en")

    page.click("[data-tile=unowned]")
    expect(page.locator("#results")).to_contain_text("ORPHAN")
    expect(page.locator("#results")).not_to_contain_text("K11")

    page.goto("/")
    _chinese(page)
    expect(page.locator("[data-tile=unowned]")).to_contain_text("没有客户经理的客户")
    expect(page.locator("[data-tile=key-revenue]")).to_contain_text("大客户近 12 个月收入")
    if screen == "phone":
        _no_sideways_scroll(page)
    _shoot(page, f"dashboard-director-{screen}-zh")


@pytest.mark.parametrize("screen", ["desktop", "phone"])
def test_a_mention_reaches_the_inbox_and_opens_the_note(screens, tmp_path, screen) -> None:
    # Given Mia's customer with a year of sales and Sam on its team, and Otto who cannot see it
    mia = _scored_company(tmp_path)
    mia.first_name, mia.last_name = "Mia", "Wu"
    mia.save(update_fields=["first_name", "last_name"])
    sam = UserFactory(username="sam", role=Role.SALES, first_name="Sam", last_name="Lee")
    UserFactory(username="otto", role=Role.MANAGER)
    account = Account.objects.get(code="K11")
    account.code, account.name = "ACME", "Acme Tools"
    account.save(update_fields=["code", "name"])
    TeamMemberFactory(account=account, user=sam)
    writer = screens(screen)

    # When Mia writes a note mentioning Sam, Otto and a name nobody has
    sign_in(writer, "mia", PASSWORD)
    writer.goto(f"/accounts/{account.pk}/")
    writer.fill("#notes textarea[name=body]", "Sam, @sam: call their buyer this week. @otto @zed")
    writer.click("#notes button[type=submit]")

    # Then she lands on her note and reads who was told and which names reached nobody
    expect(writer).to_have_url(re.compile(r"#note-\d+$"))
    messages = writer.locator(".messages")
    expect(messages).to_contain_text("Sam Lee will find it in their inbox")
    expect(messages).to_contain_text("Nobody has the login name @zed")
    expect(messages).to_contain_text("@otto cannot see this account")
    _shoot(writer, f"mention-writer-{screen}-en")

    # When Sam signs in, in Chinese
    reader = screens(screen)
    sign_in(reader, "sam", PASSWORD)
    _chinese(reader)

    # Then the navigation counts one unread, the dashboard and the inbox show the mention
    expect(reader.locator(".inbox-link .count-badge")).to_have_text("1")
    expect(reader.locator("#mentions")).to_contain_text("ACME Acme Tools")
    _shoot(reader, f"mention-dashboard-{screen}-zh")
    # (on a phone the count stays beside the folded menu)
    reader.click(".inbox-peek" if screen == "phone" else ".inbox-link")
    item = reader.locator(".inbox-item.unread")
    expect(item).to_contain_text("Mia Wu 在 ACME Acme Tools 的备注中提及了您")
    expect(item).to_contain_text("call their buyer this week")
    if screen == "phone":
        _no_sideways_scroll(reader)
    _shoot(reader, f"mention-inbox-{screen}-zh")

    # When he opens it, he lands on the note on the account page, and it is read
    item.locator("a.button").click()
    expect(reader).to_have_url(re.compile(rf"/accounts/{account.pk}/#note-\d+$"))
    note = reader.locator(".note:target")
    expect(note).to_contain_text("call their buyer this week")
    reader.wait_for_load_state("networkidle")
    expect(note).to_be_in_viewport()
    expect(reader.locator(".inbox-link .count-badge")).to_have_count(0)
    _shoot(reader, f"mention-note-{screen}-zh")

    # And in English the inbox reads the same mention, now read
    _language(reader, "en")
    reader.goto("/inbox/")
    expect(reader.locator(".inbox-item")).to_contain_text(
        "Mia Wu mentioned you in a note on ACME Acme Tools"
    )
    expect(reader.locator(".inbox-item.unread")).to_have_count(0)
    _shoot(reader, f"mention-inbox-{screen}-en")
