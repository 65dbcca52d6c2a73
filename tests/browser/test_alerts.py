"""A director works a critical alert in a real browser: refused without a comment, then
acknowledged with one and resolved by hand with a reason (DOMAIN §10), in English and
Chinese, on a desktop and a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from kam.alerts.models import Alert
from kam.alerts.services import alert_raise
from kam.org.models import Role
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, AccountFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

CAUSE = {
    "rule": "contribution",
    "from_date": "2026-02-28",
    "to_date": "2026-03-31",
    "currency": "CNY",
    "changes": [
        {
            "input": "contribution",
            "unit": "money",
            "from": "10796050.37",
            "to": "4935809.88",
            "driver": True,
        },
        {"input": "potential_estimate", "unit": "money", "from": None, "to": None, "driver": False},
        {"input": "share_of_wallet", "unit": "share", "from": 1.0, "to": 1.0, "driver": False},
        {"input": "account_class", "unit": "class", "from": "B", "to": "D", "driver": False},
    ],
}


def test_a_director_acknowledges_and_resolves_a_critical_alert(page, shoot) -> None:
    # Given the drifting group's critical class drop and a milder alert
    director = UserFactory(username="dora", role=Role.DIRECTOR)
    group = AccountFactory(code="G200", name="Orient Auto Group", is_key=True)
    alert = alert_raise(
        group,
        "class_drop",
        data={"previous_class": "B", "account_class": "D", "dropped_on": "2026-03-31"},
        cause=CAUSE,
    )
    alert_raise(
        AccountFactory(code="C10001", name="Huaxin Heavy Machinery"),
        "investment_out_of_band",
        data={"band": "below", "account_class": "C", "ratio": 0.033},
        cause={
            "rule": "under_invested",
            "currency": "CNY",
            "changes": [
                {
                    "input": "investment_ratio",
                    "unit": "share",
                    "from": None,
                    "to": 0.033,
                    "driver": True,
                }
            ],
            "band_low": 0.05,
            "band_high": 0.15,
        },
    )
    sign_in(page, "dora", PASSWORD)

    # When she opens the alerts and the critical one
    page.goto("/alerts/")
    expect(page.locator(".tabs a.active .count")).to_have_text("2")
    expect(page.locator(".alerts-table")).to_contain_text("The contribution fell")
    shoot("list-en")
    page.click(f"a[href='/alerts/{alert.pk}/'] >> nth=0")
    expect(page.locator("h1")).to_have_text("Class dropped from A/B to C/D")
    expect(page.locator(".cause-table")).to_contain_text("10,796,050.37 CNY")

    # Then acknowledging without a comment is refused, saying why
    page.click("form[action$='/acknowledge/'] button")
    expect(page.locator(".messages, .message").first).to_contain_text("with a comment")
    assert Alert.objects.get(pk=alert.pk).state == "open"
    shoot("refused-en")

    # And with a comment it is acknowledged, not resolved
    page.fill("#ack-comment", "Win-back call with their procurement head on Monday.")
    page.click("form[action$='/acknowledge/'] button")
    expect(page.locator(".badge.state-acknowledged")).to_be_visible()
    expect(page.locator(".timeline")).to_contain_text("Win-back call")

    # And resolving by hand records the reason
    page.fill("#resolve-reason", "Win-back plan agreed with the customer.")
    page.click("form[action$='/resolve/'] button")
    expect(page.locator(".badge.state-resolved")).to_be_visible()
    expect(page.locator(".alert-state")).to_contain_text("Win-back plan agreed")
    resolved = Alert.objects.get(pk=alert.pk)
    assert (resolved.state, resolved.resolved_by, resolved.resolution) == (
        "resolved",
        director,
        "by_hand",
    )
    shoot("resolved-en")

    # And the same pages read in Chinese, on a desktop and a phone
    director.language = "zh-hans"
    director.save()
    page.goto(f"/alerts/{alert.pk}/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator(".cause-sentence")).to_contain_text("贡献下降")
    shoot("resolved-zh")
    page.goto("/alerts/?state=all")
    shoot("list-zh")
    page.set_viewport_size({"width": 390, "height": 844})
    shoot("list-zh-phone")
    page.goto(f"/alerts/{alert.pk}/")
    shoot("resolved-zh-phone")
    director.language = "en"
    director.save()
    page.goto("/alerts/?state=all")
    shoot("list-en-phone")
