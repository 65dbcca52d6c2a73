"""The complaints API (DOMAIN §9, §13): the flow over HTTP, 409 on an illegal move, 422
naming the field, filters, the report and the director's settings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils.timezone import now as timezone_now

from kam.org.models import User
from tests.factories import AccountFactory, ComplaintFactory, TeamFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/complaints"
ApiAs = Callable[[User], Client]


def _post(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.post(f"{URL}{path}", body, content_type="application/json")


def test_a_complaint_walks_from_open_to_closed_with_an_escalation(
    manager: User, api_as: ApiAs
) -> None:
    client = api_as(manager)
    account = AccountFactory(owner=manager)
    team = TeamFactory(name="Conflict board")

    created = _post(
        client,
        "",
        {
            "account_id": account.pk,
            "subject": "Wrong invoice",
            "channel": "email",
            "category": "price_billing",
            "severity": "high",
            "reporter_name": "Ms Li",
        },
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    steps = [
        ("/acknowledge", {"comment": "Seen"}, "acknowledged"),
        ("/start", {}, "in_progress"),
        ("/escalate", {"team_id": team.pk, "reason": "Disputed"}, "in_progress"),
        ("/resolve", {"resolution": "Credit note", "root_cause": "Price list"}, "resolved"),
        ("/reopen", {"reason": "Still wrong"}, "in_progress"),
        ("/resolve", {"resolution": "Second note", "root_cause": "Price list"}, "resolved"),
        ("/close", {}, "closed"),
    ]
    for path, body, status in steps:
        answer = _post(client, f"/{pk}{path}", body)
        assert answer.status_code == 200, (path, answer.content)
        assert answer.json()["status"] == status
    events = client.get(f"{URL}/{pk}/events").json()
    assert [e["action"] for e in events] == [
        "created",
        "acknowledged",
        "started",
        "escalated",
        "resolved",
        "reopened",
        "resolved",
        "closed",
    ]
    assert client.get(f"{URL}/{pk}").json()["escalated_to_id"] == team.pk


def test_an_illegal_move_answers_409(manager: User, api_as: ApiAs) -> None:
    complaint = ComplaintFactory(account=AccountFactory(owner=manager))

    answer = _post(api_as(manager), f"/{complaint.pk}/close", {})

    assert answer.status_code == 409
    assert answer.json()["errors"][0]["field"] == "status"


def test_resolving_without_a_root_cause_answers_422_naming_it(manager: User, api_as: ApiAs) -> None:
    complaint = ComplaintFactory(account=AccountFactory(owner=manager), status="in_progress")

    answer = _post(
        api_as(manager), f"/{complaint.pk}/resolve", {"resolution": "Done", "root_cause": ""}
    )

    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "root_cause"


def test_another_managers_complaint_answers_404(
    manager: User, other_manager: User, api_as: ApiAs
) -> None:
    theirs = ComplaintFactory(account=AccountFactory(owner=other_manager))
    client = api_as(manager)

    assert client.get(f"{URL}/{theirs.pk}").status_code == 404
    assert _post(client, f"/{theirs.pk}/acknowledge", {}).status_code == 404
    assert client.get(URL).json()["count"] == 0


def test_the_filters_keep_what_they_say(manager: User, api_as: ApiAs) -> None:
    account = AccountFactory(owner=manager)
    late = ComplaintFactory(
        account=account, severity="critical", received_at=timezone_now() - dt.timedelta(hours=5)
    )
    ComplaintFactory(account=account, severity="low", category="delivery")
    client = api_as(manager)

    breached = client.get(URL, {"breached": "true"}).json()
    delivery = client.get(URL, {"category": "delivery"}).json()
    critical = client.get(URL, {"severity": "critical", "account_id": account.pk}).json()

    assert [row["id"] for row in breached["items"]] == [late.pk]
    assert delivery["count"] == 1
    assert [row["id"] for row in critical["items"]] == [late.pk]


def test_only_the_director_changes_the_settings(
    manager: User, director: User, api_as: ApiAs
) -> None:
    body = {"acknowledge_critical": "2h", "clock": "business", "work_opens": "08:30"}
    refused = api_as(manager).patch(f"{URL}/settings", body, content_type="application/json")
    bad = api_as(director).patch(
        f"{URL}/settings", {"work_days": "89"}, content_type="application/json"
    )
    saved = api_as(director).patch(f"{URL}/settings", body, content_type="application/json")

    assert refused.status_code == 403
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "work_days"
    assert saved.status_code == 200
    settings = api_as(manager).get(f"{URL}/settings").json()
    assert (settings["acknowledge_critical"], settings["work_opens"]) == ("2h", "08:30")


def test_the_report_answers_per_severity(manager: User, api_as: ApiAs) -> None:
    received = dt.datetime(2026, 3, 2, 1, tzinfo=dt.UTC)
    ComplaintFactory(
        account=AccountFactory(owner=manager),
        severity="low",
        received_at=received,
        status="closed",
        resolved_at=received + dt.timedelta(hours=5),
    )

    report = api_as(manager).get(f"{URL}/report", {"by": "severity"}).json()

    assert report["rows"] == [
        {
            "key": "low",
            "label": "Low",
            "stats": {"count": 1, "median_hours": 5.0, "mean_hours": 5.0, "within_share": 1.0},
        }
    ]
