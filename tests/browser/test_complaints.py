"""A manager takes a complaint from open to closed with an escalation in a real browser, and
the director sees the SLA breaches (DOMAIN §9), in English and Chinese at 1360 px."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils.timezone import now as timezone_now
from playwright.sync_api import expect

from kam.engagement.complaints.models import Complaint, EventAction
from kam.org.models import Role
from tests.browser.conftest import sign_in
from tests.factories import (
    PASSWORD,
    AccountFactory,
    ComplaintFactory,
    ContactFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_a_manager_walks_a_complaint_to_closed_with_an_escalation(page, shoot) -> None:
    # Given Mia's key account with a contact, an old unacknowledged critical complaint, and
    # the conflict-resolution board the director sits on
    mia = UserFactory(username="mia", first_name="Mia", last_name="Chen", role=Role.MANAGER)
    dora = UserFactory(username="dora", first_name="Dora", last_name="Wu", role=Role.DIRECTOR)
    account = AccountFactory(code="G200", name="Orient Auto Group", owner=mia, is_key=True)
    ContactFactory(account=account, name="Li Wei")
    ComplaintFactory(
        account=account,
        severity="critical",
        subject="Assembly line stopped by a faulty batch",
        category="product_quality",
        received_at=timezone_now() - dt.timedelta(hours=7),
    )
    board = TeamFactory(name="Conflict board")
    board.members.add(dora)
    sign_in(page, "mia", PASSWORD)

    # When she records a new complaint from the account page's panel
    page.goto(f"/accounts/{account.pk}/")
    panel = page.locator("#complaints")
    expect(panel).to_contain_text("3 h late")
    page.click("#complaints >> text=Record a complaint")
    page.fill("#id_subject", "Invoices priced above the contract")
    page.select_option("#id_channel", "email")
    page.select_option("#id_category", "price_billing")
    page.select_option("#id_severity", "high")
    page.select_option("#id_contact_id", label="Li Wei")
    page.fill("#id_description", "Three invoices in March carry last year's list price.")
    page.click("form.complaint-form button[type=submit]")
    expect(page.locator("h1")).to_have_text("Invoices priced above the contract")
    expect(page.locator(".sla-clock")).to_contain_text("due in")
    complaint = Complaint.objects.get(subject="Invoices priced above the contract")
    # Only the legal move is offered while it is open.
    expect(page.locator("form[action$='/acknowledge/']")).to_have_count(1)
    expect(page.locator("form[action$='/resolve/']")).to_have_count(0)

    # And moves it: acknowledged, in progress, escalated to the board, resolved, closed
    page.fill("#ack-comment", "Called Li Wei back.")
    page.click("form[action$='/acknowledge/'] button")
    expect(page.locator(".badge.status-acknowledged")).to_be_visible()
    page.click("form[action$='/start/'] button")
    expect(page.locator(".badge.status-in_progress")).to_be_visible()
    page.select_option("#team", label="Conflict board")
    page.fill("#escalate-reason", "The customer disputes the contract's price clause.")
    page.click("form[action$='/escalate/'] button")
    expect(page.locator(".facts")).to_contain_text("to Conflict board by Mia Chen")
    shoot("escalated-en")
    page.fill("#root-cause", "The price list was not updated after the renewal.")
    page.fill("#resolution", "Credit notes issued; the price list corrected.")
    page.click("form[action$='/resolve/'] button")
    expect(page.locator(".badge.status-resolved")).to_be_visible()
    page.click("form[action$='/close/'] button")
    expect(page.locator(".badge.status-closed")).to_be_visible()
    expect(page.locator(".complaint-log li")).to_have_count(6)
    shoot("closed-en")

    # Then the log holds every step, by her
    actions = list(complaint.events.values_list("action", flat=True))
    assert actions == [
        EventAction.CREATED,
        EventAction.ACKNOWLEDGED,
        EventAction.STARTED,
        EventAction.ESCALATED,
        EventAction.RESOLVED,
        EventAction.CLOSED,
    ]
    page.goto("/engagement/complaints/")
    expect(page.locator(".complaints-table tbody tr").first).to_contain_text("Assembly line")
    shoot("list-en")

    # And the director sees the breach on the dashboard and in the list, in Chinese too
    page.context.clear_cookies()
    sign_in(page, "dora", PASSWORD)
    expect(page.locator("[data-tile='sla-breaches'] .tile-value")).to_have_text("1")
    shoot("dashboard-en")
    page.click("[data-tile='sla-breaches']")
    expect(page.locator(".complaints-table tbody tr")).to_have_count(1)
    expect(page.locator(".sla-late")).to_contain_text("h late")
    dora.language = "zh-hans"
    dora.save()
    page.goto("/engagement/complaints/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator(".sla-late")).to_contain_text("已超时")
    shoot("list-zh")
    page.goto(f"/engagement/complaints/{complaint.pk}/")
    shoot("closed-zh")
    page.goto(f"/accounts/{account.pk}/")
    page.locator("#complaints").scroll_into_view_if_needed()
    shoot("account-zh")
    page.goto("/engagement/complaints/settings/")
    shoot("settings-zh")
    page.goto("/engagement/complaints/report/")
    shoot("report-zh")
