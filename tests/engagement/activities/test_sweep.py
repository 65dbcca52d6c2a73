"""The cadence (DOMAIN §9) and its sweep: alerts raised, refreshed and cleared (§10)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kam.alerts.models import Alert
from kam.engagement.activities.alerts import KIND_DECISION_MAKER_UNCONTACTED, KIND_VISIT_OVERDUE
from kam.engagement.activities.selectors import cadence
from kam.engagement.activities.sweep import cadence_sweep
from kam.engagement.tasks import engagement_sweep_task
from kam.portfolio.models import AccountClass
from tests.factories import AccountFactory, ActivityFactory, ContactFactory, SnapshotFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 1)
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def _visited(account: object, days_ago: int, kind: str = "visit") -> None:
    day = TODAY - dt.timedelta(days=days_ago)
    ActivityFactory(
        account=account,
        kind=kind,
        status="done",
        done_at=dt.datetime(day.year, day.month, day.day, 10, tzinfo=SHANGHAI),
    )


def _account(klass: str = AccountClass.A) -> object:
    account = AccountFactory()
    SnapshotFactory(account=account, account_class=klass)
    return account


@pytest.mark.parametrize(
    ("klass", "interval"),
    [(AccountClass.A, 30), (AccountClass.B, 45), (AccountClass.C, 30), (AccountClass.D, 90)],
)
def test_each_class_has_its_visit_cadence(klass: str, interval: int) -> None:
    account = _account(klass)
    _visited(account, interval)
    (row,) = cadence(today=TODAY).visits
    assert (row.account_id, row.interval_days, row.due_on, row.days_left) == (
        account.pk,
        interval,
        TODAY,
        0,
    )


def test_a_visit_exactly_30_days_ago_is_due_today_and_raises_nothing() -> None:
    _visited(_account(), 30)
    cadence_sweep(today=TODAY)
    assert not Alert.objects.filter(kind=KIND_VISIT_OVERDUE).exists()


def test_a_class_a_account_unvisited_for_31_days_raises_visit_overdue() -> None:
    account = _account()
    _visited(account, 31)
    _visited(account, 5, kind="call")  # a call keeps no visit cadence
    result = cadence_sweep(today=TODAY)
    alert = Alert.objects.get(kind=KIND_VISIT_OVERDUE, is_open=True)
    assert alert.account_id == account.pk
    assert alert.data["overdue_days"] == 1
    assert alert.data["last_visit"] == "2026-10-31"
    assert alert.data["account_class"] == "A"
    assert "1 days past the class A cadence of every 30 days" in alert.message
    assert result.visits_overdue == 1


def test_a_meeting_counts_as_a_visit() -> None:
    account = _account()
    _visited(account, 31)
    _visited(account, 2, kind="meeting")
    cadence_sweep(today=TODAY)
    assert not Alert.objects.filter(kind=KIND_VISIT_OVERDUE).exists()


def test_the_alert_clears_when_a_visit_is_logged() -> None:
    account = _account()
    _visited(account, 40)
    cadence_sweep(today=TODAY)
    _visited(account, 0)
    cadence_sweep(today=TODAY)
    alert = Alert.objects.get(kind=KIND_VISIT_OVERDUE)
    assert (alert.is_open, alert.resolution) == (False, "condition_cleared")


def test_an_account_without_a_class_has_no_cadence() -> None:
    AccountFactory()
    assert cadence(today=TODAY).visits == []


def test_a_decision_maker_uncontacted_past_60_days_is_named() -> None:
    account = _account()
    _visited(account, 1)
    ContactFactory(
        account=account,
        name="Wang Wei",
        buying_role="decision_maker",
        last_contact=TODAY - dt.timedelta(days=75),
    )
    ContactFactory(
        account=account,
        name="Li Na",
        buying_role="decision_maker",
        last_contact=TODAY - dt.timedelta(days=60),  # due today: not overdue
    )
    ContactFactory(account=account, name="Zhao Lei", buying_role="user")
    cadence_sweep(today=TODAY)
    alert = Alert.objects.get(kind=KIND_DECISION_MAKER_UNCONTACTED)
    assert [p["name"] for p in alert.data["people"]] == ["Wang Wei"]
    assert alert.data["people"][0]["overdue_days"] == 15
    assert "Wang Wei" in alert.message and "2026-09-17" in alert.message


def test_a_done_activity_with_the_decision_maker_clears_the_alert() -> None:
    account = _account()
    _visited(account, 1)
    wang = ContactFactory(
        account=account, buying_role="decision_maker", last_contact=TODAY - dt.timedelta(days=75)
    )
    cadence_sweep(today=TODAY)
    activity = ActivityFactory(account=account, kind="call", status="done", done_at=timezone.now())
    activity.their_participants.set([wang])  # engagement's own record counts too
    cadence_sweep(today=TODAY)
    assert not Alert.objects.filter(kind=KIND_DECISION_MAKER_UNCONTACTED, is_open=True).exists()


def test_the_scheduled_task_runs_the_sweep() -> None:
    account = _account()
    _visited(account, 100)
    found = engagement_sweep_task.call()
    assert found["cadence"]["visits_overdue"] == 1
