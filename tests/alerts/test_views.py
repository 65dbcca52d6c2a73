"""The alerts page and its acknowledge action."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from kam.alerts.services import alert_raise
from kam.portfolio.alerts import KIND_INVESTMENT_BAND
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/x", ""])
def test_acknowledging_never_sends_the_reader_off_site(manager, next_url) -> None:
    alert = alert_raise(AccountFactory(owner=manager), "potential_missing", message="Missing")
    answer = signed_in(manager).post(
        reverse("alert_acknowledge", args=[alert.pk]), {"next": next_url}
    )
    assert answer.status_code == 302
    assert answer.headers["Location"] == reverse("portfolio_alerts")


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


def test_the_tabs_filter_open_unacknowledged_and_all(manager) -> None:
    account = AccountFactory(owner=manager)
    seen = alert_raise(account, "potential_missing", message="Missing")
    client = signed_in(manager)
    client.post(reverse("alert_acknowledge", args=[seen.pk]))
    alert_raise(account, "key_account_without_manager")

    def listed(show: str) -> int:
        return client.get(reverse("portfolio_alerts"), {"show": show}).context["count"]

    assert (listed("open"), listed("unacknowledged"), listed("all")) == (2, 1, 2)


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
