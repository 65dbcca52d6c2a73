"""The alerts page and its acknowledge action."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kam.alerts.services import ERROR_COMMENT_REQUIRED, alert_raise
from kam.portfolio.alerts import KIND_CLASS_DROP, KIND_INVESTMENT_BAND
from tests.conftest import signed_in
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/x", ""])
def test_acknowledging_never_sends_the_reader_off_site(manager, next_url) -> None:
    alert = alert_raise(AccountFactory(owner=manager), "potential_missing", message="Missing")
    answer = signed_in(manager).post(
        reverse("alert_acknowledge", args=[alert.pk]), {"next": next_url}
    )
    assert answer.status_code == 302
    assert answer.headers["Location"] == reverse("alert_detail", args=[alert.pk])


def test_alerts_are_worded_from_their_data_in_the_readers_language(manager) -> None:
    account = AccountFactory(owner=manager)
    alert_raise(
        account,
        KIND_INVESTMENT_BAND,
        message="stored text",
        data={"band": "below", "account_class": "C", "ratio": 0.031},
    )
    client = signed_in(manager)
    english = client.get(reverse("portfolio_alerts")).content.decode()
    assert "Investment ratio 3.1% is below the class C band." in english
    manager.language = "zh-hans"
    manager.save()
    chinese = client.get(
        reverse("portfolio_alerts"), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert "投入比例 3.1% 低于 C 类区间。" in chinese


def test_the_tabs_count_each_state_and_the_older_tabs_still_filter(manager) -> None:
    account = AccountFactory(owner=manager)
    seen = alert_raise(account, "potential_missing", message="Missing")
    client = signed_in(manager)
    client.post(reverse("alert_acknowledge", args=[seen.pk]))
    alert_raise(account, "key_account_without_manager")

    def listed(**query: str) -> int:
        return client.get(reverse("portfolio_alerts"), query).context["count"]

    assert (listed(show="open"), listed(show="unacknowledged"), listed(show="all")) == (2, 1, 2)
    assert (listed(state="acknowledged"), listed(state="resolved")) == (1, 0)
    page = client.get(reverse("portfolio_alerts")).context
    assert [(state, n) for state, _label, n in page["states"]] == [
        ("active", 2),
        ("open", 1),
        ("acknowledged", 1),
        ("resolved", 0),
        ("all", 2),
    ]
    assert listed(mine="1") == 0 and listed(unassigned="1") == 2
    assert listed(kind="key_account_without_manager") == 1


def test_a_critical_alert_refused_without_a_comment_says_why_on_the_page(director) -> None:
    alert = alert_raise(
        AccountFactory(),
        KIND_CLASS_DROP,
        data={"previous_class": "A", "account_class": "C", "dropped_on": "2026-10-31"},
        cause={
            "rule": "contribution",
            "currency": "CNY",
            "changes": [
                {
                    "input": "contribution",
                    "unit": "money",
                    "from": "12000000.00",
                    "to": "4000000.00",
                    "driver": True,
                }
            ],
        },
    )
    client = signed_in(director)
    page = client.get(reverse("alert_detail", args=[alert.pk])).content.decode()
    assert "The contribution fell: revenue is dropping on a key account." in page
    assert "12,000,000.00 CNY" in page and "\u221267 %" in page

    refused = client.post(reverse("alert_acknowledge", args=[alert.pk]), follow=True)
    assert str(ERROR_COMMENT_REQUIRED) in refused.content.decode()
    again = client.post(reverse("alert_resolve", args=[alert.pk]), {"reason": "r"}, follow=True)
    twice = client.post(reverse("alert_resolve", args=[alert.pk]), {"reason": "r"}, follow=True)
    assert again.status_code == twice.status_code == 200
    assert "cannot move from resolved to resolved" in twice.content.decode()


def test_the_alerts_page_shows_one_bounded_page_of_them(manager) -> None:
    for index in range(7):
        alert_raise(
            AccountFactory(owner=manager, code=f"AL{index}"), "potential_missing", message="m"
        )
    client = signed_in(manager)

    first = client.get(reverse("portfolio_alerts"), {"per_page": "5"}).content.decode()
    last = client.get(reverse("portfolio_alerts"), {"per_page": "5", "page": "99"})

    assert first.count("AL") == 5 and "1–5 of 7" in first
    assert last.status_code == 200 and "6–7 of 7" in last.content.decode()
