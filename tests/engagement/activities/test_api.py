"""The activities API (DOMAIN §9): CRUD with filters, the flow, the agenda, visibility (§13)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from kam.engagement.activities.models import Activity
from kam.org.models import User
from tests.factories import AccountFactory, ActivityFactory, ContactFactory, SnapshotFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/activities"


def test_a_manager_plans_a_visit_and_logs_it_done(manager: User, api_as: Any) -> None:
    account = AccountFactory(owner=manager)
    wang = ContactFactory(account=account)
    client = api_as(manager)
    made = client.post(
        URL,
        {
            "account_id": account.pk,
            "kind": "visit",
            "channel": "on_site",
            "subject": "Quarterly review",
            "planned_for": "2026-12-02T10:00:00",
            "their_participant_ids": [wang.pk],
        },
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    body = made.json()
    # Without an offset the time is the company's (Shanghai); the API answers in UTC.
    assert body["planned_for"] == "2026-12-02T02:00:00Z"
    assert body["their_participant_ids"] == [wang.pk]
    done = client.post(
        f"{URL}/{body['id']}/done",
        {"outcome": "Trial agreed", "next_step": "Send the offer", "next_step_on": "2026-12-09"},
        content_type="application/json",
    )
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "done"
    wang.refresh_from_db()
    assert wang.last_contact == timezone.localdate()
    assert Activity.objects.filter(follows_id=body["id"], status="planned").exists()
    again = client.post(f"{URL}/{body['id']}/done", {}, content_type="application/json")
    assert again.status_code == 409
    assert again.json()["errors"][0]["field"] == "status"


def test_a_bad_field_answers_422_naming_it(manager: User, api_as: Any) -> None:
    account = AccountFactory(owner=manager)
    answer = api_as(manager).post(
        URL,
        {"account_id": account.pk, "kind": "visit", "channel": "on_site", "subject": "No date"},
        content_type="application/json",
    )
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "planned_for"
    assert not Activity.objects.exists()


def test_the_list_filters_by_account_kind_status_dates_and_mine(
    manager: User, other_manager: User, api_as: Any
) -> None:
    account = AccountFactory(owner=manager)
    shanghai = dt.timezone(dt.timedelta(hours=8))
    visit = ActivityFactory(
        account=account, planned_for=dt.datetime(2026, 12, 3, 9, tzinfo=shanghai)
    )
    ActivityFactory(
        account=account, kind="call", planned_for=dt.datetime(2026, 12, 10, 9, tzinfo=shanghai)
    )
    ActivityFactory(account=AccountFactory(owner=manager), status="cancelled")
    client = api_as(manager)

    def ids(**query: Any) -> list[int]:
        return [row["id"] for row in client.get(URL, query).json()["items"]]

    assert ids(account_id=account.pk, kind="visit") == [visit.pk]
    assert ids(start="2026-12-01", end="2026-12-03") == [visit.pk]
    assert len(ids(status="cancelled")) == 1
    assert len(ids(mine=True)) == 3
    assert client.get(URL, {"kind": "picnic"}).status_code == 422


def test_another_managers_activity_answers_404(
    manager: User, other_manager: User, api_as: Any
) -> None:
    theirs = ActivityFactory(account__owner=other_manager)
    client = api_as(manager)
    assert client.get(f"{URL}/{theirs.pk}").status_code == 404
    assert client.post(f"{URL}/{theirs.pk}/cancel").status_code == 404
    assert client.get(URL).json()["count"] == 0
    theirs.refresh_from_db()
    assert theirs.status == "planned"


def test_cancel_and_replan(manager: User, api_as: Any) -> None:
    activity = ActivityFactory(account__owner=manager)
    client = api_as(manager)
    assert client.post(f"{URL}/{activity.pk}/cancel").json()["status"] == "cancelled"
    assert client.post(f"{URL}/{activity.pk}/cancel").status_code == 409
    replanned = client.post(
        f"{URL}/{activity.pk}/replan",
        {"planned_for": "2026-12-08T14:00:00+08:00"},
        content_type="application/json",
    )
    assert replanned.json()["status"] == "planned"


def test_the_agenda_lists_overdue_first(manager: User, api_as: Any) -> None:
    today = timezone.localdate()
    late = AccountFactory(owner=manager, name="Late Co")
    SnapshotFactory(account=late, account_class="A")
    ActivityFactory(
        account=late,
        status="done",
        done_at=timezone.now() - dt.timedelta(days=40),
    )
    soon = AccountFactory(owner=manager, name="Soon Co")
    ActivityFactory(
        account=soon, subject="Lunch", planned_for=timezone.now() + dt.timedelta(days=2)
    )
    answer = api_as(manager).get("/api/v1/agenda").json()
    kinds = [(row["kind"], row["account_name"], row["days_overdue"]) for row in answer["items"]]
    assert kinds == [("visit_due", "Late Co", 10), ("activity", "Soon Co", 0)]
    assert answer["today"] == today.isoformat()


def test_only_the_director_changes_the_cadence(manager: User, director: User, api_as: Any) -> None:
    assert (
        api_as(manager)
        .patch("/api/v1/engagement/settings", {"visit_days_b": 40}, content_type="application/json")
        .status_code
        == 403
    )
    changed = api_as(director).patch(
        "/api/v1/engagement/settings", {"visit_days_b": 40}, content_type="application/json"
    )
    assert changed.json()["visit_days_b"] == 40
    refused = api_as(director).patch(
        "/api/v1/engagement/settings", {"visit_days_b": 0}, content_type="application/json"
    )
    assert refused.status_code == 422
