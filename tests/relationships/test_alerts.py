"""Sponsor-left and no-coach alerts on key accounts (kam.relationships.alerts, §7, §10)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from kam.alerts.models import Alert
from kam.alerts.registry import kind_get
from kam.relationships.models import Attitude, BuyingRole
from kam.relationships.services import record_scores
from tests.factories import AccountFactory, ContactFactory

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 6, 30)
LEFT = dt.date(2026, 5, 1)


def _open(kind: str) -> list[Alert]:
    return list(Alert.objects.filter(kind=kind, is_open=True).order_by("account_id"))


def _drifting(is_key: bool):
    """An account whose coach left on LEFT, with one neutral person still there."""
    account = AccountFactory(is_key=is_key)
    coach = ContactFactory(
        account=account,
        name="Wang Wei",
        buying_role=BuyingRole.COACH,
        attitude=Attitude.SUPPORTER,
        active=False,
        left_on=LEFT,
    )
    ContactFactory(account=account, attitude=Attitude.NEUTRAL, last_contact=AS_OF)
    return account, coach


def test_a_departed_sponsor_alerts_on_a_key_account_only() -> None:
    # Given a key account and an ordinary one, each with a coach who left
    key, coach = _drifting(is_key=True)
    ordinary, _ = _drifting(is_key=False)

    # When their scores are recorded
    record_scores([key.pk, ordinary.pk], reason="change", as_of=AS_OF)

    # Then only the key account has a sponsor-left alert, naming the coach and the date
    (alert,) = _open("sponsor_left")
    assert alert.account_id == key.pk
    assert alert.severity == "warning"
    assert alert.data["people"] == [
        {
            "id": coach.pk,
            "name": "Wang Wei",
            "role": "coach",
            "attitude": "supporter",
            "left_on": "2026-05-01",
        }
    ]
    assert "Wang Wei (Coach, Supporter, left on 2026-05-01)" in alert.message
    assert alert.cause["rule"] == "sponsor_left"
    assert alert.cause["changes"][0]["to"] == "2026-05-01"


def test_no_coach_alerts_with_the_contact_count() -> None:
    # Given the same key account: with its coach gone nobody coaches or champions
    key, _ = _drifting(is_key=True)

    # When recorded
    record_scores([key.pk], reason="change", as_of=AS_OF)

    # Then a no-coach alert gives the count of active contacts
    (alert,) = _open("no_coach")
    assert (alert.account_id, alert.severity, alert.data["contacts"]) == (key.pk, "warning", 1)
    assert alert.message.startswith("None of the 1 active contacts of this key account")


def test_a_departed_decision_maker_champion_is_critical() -> None:
    # Given a key account whose championing decision maker left
    account = AccountFactory(is_key=True)
    ContactFactory(
        account=account,
        buying_role=BuyingRole.DECISION_MAKER,
        attitude=Attitude.CHAMPION,
        active=False,
        left_on=None,
    )

    # When recorded
    record_scores([account.pk], reason="change", as_of=AS_OF)

    # Then the alert is critical, the date unknown
    (alert,) = _open("sponsor_left")
    assert (alert.severity, alert.cause["rule"]) == ("critical", "decision_maker_left")
    assert alert.data["people"][0]["left_on"] is None


def test_alerts_clear_when_the_gap_goes() -> None:
    # Given a key account with both alerts open
    key, coach = _drifting(is_key=True)
    record_scores([key.pk], reason="change", as_of=AS_OF)

    # When the coach comes back and the account is recorded again
    coach.active, coach.left_on = True, None
    coach.save()
    record_scores([key.pk], reason="change", as_of=AS_OF)

    # Then both alerts are resolved as the condition cleared
    assert _open("sponsor_left") == [] == _open("no_coach")
    resolved = Alert.objects.get(account=key, kind="sponsor_left")
    assert (resolved.state, resolved.resolution) == ("resolved", "condition_cleared")


def test_recording_one_account_leaves_the_others_alerts_open() -> None:
    # Given two key accounts with open sponsor-left alerts
    first, _ = _drifting(is_key=True)
    second, _ = _drifting(is_key=True)
    record_scores([first.pk, second.pk], reason="change", as_of=AS_OF)

    # When only the first is recorded again
    record_scores([first.pk], reason="change", as_of=AS_OF)

    # Then the second's alert is still open
    assert [a.account_id for a in _open("sponsor_left")] == [first.pk, second.pk]


def test_an_account_no_longer_key_clears_its_alerts() -> None:
    # Given a key account with a sponsor-left alert
    key, _ = _drifting(is_key=True)
    record_scores([key.pk], reason="change", as_of=AS_OF)

    # When it stops being key and is recorded
    key.is_key = False
    key.save()
    record_scores([key.pk], reason="sweep", as_of=AS_OF)

    # Then its alerts are resolved
    assert _open("sponsor_left") == [] == _open("no_coach")


def test_the_alerts_speak_chinese_on_the_pages() -> None:
    # Given an open sponsor-left alert
    key, _ = _drifting(is_key=True)
    record_scores([key.pk], reason="change", as_of=AS_OF)
    (alert,) = _open("sponsor_left")

    # When its text is read in Chinese, then the role and the sentence are translated
    with translation.override("zh-hans"):
        text = kind_get("sponsor_left").text(alert.data)
        title = str(kind_get("no_coach").title)
    assert "Wang Wei" in text and "Coach" not in text
    assert title != "No coach"
