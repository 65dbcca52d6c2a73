"""A manager's agenda in the browser (DOMAIN §9): overdue first, one click logs a visit done;
screenshots at 1360 px in English and Chinese and at 390 px, looked at."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kam.engagement.activities.models import Activity
from kam.org.models import Role
from kam.relationships.models import Contact
from tests.browser.conftest import SHOTS
from tests.factories import (
    PASSWORD,
    AccountFactory,
    ActivityFactory,
    ContactFactory,
    SnapshotFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _week() -> Activity:
    """Mia's week: a class A account unvisited for 40 days with a decision maker not heard
    from in 75, a class B account due in three days, and a visit planned for today."""
    mia = UserFactory(username="mia", first_name="Mia", last_name="Wu", role=Role.MANAGER)
    now = timezone.now()
    late = AccountFactory(owner=mia, code="K01", name="Shanghai Precision Machinery Co.")
    SnapshotFactory(account=late, account_class="A")
    ActivityFactory(account=late, status="done", done_at=now - dt.timedelta(days=40))
    ContactFactory(
        account=late,
        name="Wang Wei",
        buying_role="decision_maker",
        last_contact=timezone.localdate() - dt.timedelta(days=75),
    )
    soon = AccountFactory(owner=mia, code="K02", name="Suzhou Electric Motors")
    SnapshotFactory(account=soon, account_class="B")
    ActivityFactory(account=soon, status="done", done_at=now - dt.timedelta(days=42))
    planned = AccountFactory(owner=mia, code="K03", name="Ningbo Plastics Group")
    li = ContactFactory(account=planned, name="Li Na")
    visit = ActivityFactory(
        account=planned,
        subject="Quarterly business review",
        planned_for=timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(10))),
    )
    visit.their_participants.set([li])
    return visit


def _signed_in(browser: Any, live_server: Any, language: str, width: int) -> Any:
    context = browser.new_context(
        viewport={"width": width, "height": 900}, base_url=live_server.url, locale="en-US"
    )
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/login/")
    page.fill("#id_username", "mia")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(re.compile(r"/$"))
    return page


def test_a_manager_sees_the_agenda_and_logs_a_visit_with_one_click(browser, live_server) -> None:
    # Given Mia's week
    visit = _week()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = _signed_in(browser, live_server, "en", 1360)

    # When she opens the agenda from the navigation
    page.locator(".mainnav a", has_text="Agenda").click()
    expect(page.locator("h1")).to_have_text("Agenda")

    # Then the overdue things come first: the visit 10 days late, the decision maker 15
    rows = page.locator(".agenda-item")
    expect(rows).to_have_count(4)
    expect(rows.nth(0)).to_contain_text("Contact due")
    expect(rows.nth(0)).to_contain_text("Wang Wei")
    expect(rows.nth(0)).to_contain_text("15 days overdue")
    expect(rows.nth(1)).to_contain_text("Visit due")
    expect(rows.nth(1)).to_contain_text("10 days overdue")
    expect(rows.nth(2)).to_contain_text("Quarterly business review")
    expect(rows.nth(3)).to_contain_text("Suzhou Electric Motors")
    page.screenshot(path=str(SHOTS / "agenda-en-1360.png"), full_page=True)

    # When she logs today's visit as done with an outcome, in one click
    row = rows.nth(2)
    row.locator("input[name=outcome]").fill("Agreed to trial the new spindle")
    row.get_by_role("button", name="Done").click()

    # Then the row says so, and the visit and Li Na's last contact are recorded
    expect(row.locator(".agenda-result")).to_contain_text("Agreed to trial the new spindle")
    visit.refresh_from_db()
    assert visit.status == "done"
    assert Contact.objects.get(name="Li Na").last_contact == timezone.localdate()
    page.screenshot(path=str(SHOTS / "agenda-en-1360-done.png"), full_page=True)

    # And "plan a visit" books one for the late account
    late = rows.nth(1)
    late.locator("input[name=planned_for]").fill(
        (timezone.localdate() + dt.timedelta(days=2)).isoformat() + "T10:00"
    )
    late.get_by_role("button", name="Plan a visit").click()
    expect(late.locator(".agenda-result")).to_contain_text("Planned")
    assert Activity.objects.filter(account__code="K01", status="planned").count() == 1


@pytest.mark.parametrize(("language", "width"), [("zh-hans", 1360), ("en", 390), ("zh-hans", 390)])
def test_the_agenda_reads_in_chinese_and_on_a_phone(browser, live_server, language, width) -> None:
    # Given Mia's week, in either language, on a desktop or a phone
    late = _week().account.__class__.objects.get(code="K01")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = _signed_in(browser, live_server, language, width)

    # When she opens the agenda
    page.goto("/agenda/")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(SHOTS / f"agenda-{language}-{width}.png"), full_page=True)

    # Then it is in her language and never wider than the screen
    expect(page.locator("h1")).to_have_text("日程" if language == "zh-hans" else "Agenda")
    expect(page.locator(".agenda-item")).to_have_count(4)
    scroll, inner = page.evaluate("[document.scrollingElement.scrollWidth, innerWidth]")
    assert scroll <= inner + 1
    # And the account page's panel shows the cadence
    page.goto(f"/accounts/{late.pk}/")
    panel = page.locator("#activities-panel")
    expect(panel.locator(".cadence-status .badge")).to_be_visible()
    panel.locator("summary").click()  # the form to log or plan an activity
    panel.screenshot(path=str(SHOTS / f"account-activities-panel-{language}-{width}.png"))
    page.screenshot(path=str(SHOTS / f"account-activities-{language}-{width}.png"), full_page=True)
    scroll, inner = page.evaluate("[document.scrollingElement.scrollWidth, innerWidth]")
    assert scroll <= inner + 1


def test_a_manager_subscribes_her_calendar_from_the_agenda(browser, live_server) -> None:
    # Given Mia's week, on the agenda
    _week()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = _signed_in(browser, live_server, "en", 1360)
    page.goto("/agenda/")
    card = page.locator("#calendar-subscription")
    expect(card).to_contain_text("No subscription yet")
    expect(page.locator(".agenda-item a", has_text="Download invitation (.ics)")).to_have_count(1)

    # When she makes a subscription URL
    card.get_by_role("button", name="Make a subscription URL").click()

    # Then the card shows it this once, with a copy button, and the URL serves her feed
    link = page.locator("#calendar-link")
    expect(link).to_have_value(re.compile(r"/calendar/kcal_[\w-]+\.ics$"))
    expect(page.locator("#calendar-subscription button", has_text="Copy URL")).to_be_visible()
    page.locator("#calendar-subscription").screenshot(path=str(SHOTS / "agenda-calendar-card.png"))
    page.screenshot(path=str(SHOTS / "agenda-calendar-en-1360.png"), full_page=True)
    feed = page.request.get(link.input_value())
    assert feed.status == 200
    assert "Quarterly business review" in feed.text()
