"""Alerts over the API: filters, counts, cause and the workflow's refusals (§10)."""

from __future__ import annotations

import json

import pytest

from kam.alerts.services import alert_raise
from tests.conftest import api_client_for
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db

CAUSE = {
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
}
DROP = {"previous_class": "A", "account_class": "C", "dropped_on": "2026-10-31"}


def post(client, url: str, body: dict) -> object:
    return client.post(url, json.dumps(body), content_type="application/json")


def test_the_workflow_over_the_api(director, manager) -> None:
    # Given a critical class drop on the manager's account
    account = AccountFactory(owner=manager)
    alert = alert_raise(account, "class_drop", data=DROP, cause=CAUSE)
    client = api_client_for(director)
    base = f"/api/v1/alerts/{alert.pk}"

    # Then its cause is on the API, in numbers
    got = client.get(base).json()
    assert got["cause"]["rule"] == "contribution"
    assert got["cause"]["changes"][0]["before"] == "12000000.00"
    assert got["cause"]["text"].startswith("The contribution fell")

    # And acknowledging without a comment is refused, naming the field
    refused = post(client, f"{base}/acknowledge", {})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "comment"
    assert post(client, f"{base}/acknowledge", {"comment": "On it"}).json()["state"] == (
        "acknowledged"
    )
    assert post(client, f"{base}/acknowledge", {"comment": "again"}).status_code == 409
    assert post(client, f"{base}/assign", {"assignee_id": manager.pk}).status_code == 200
    assert post(client, f"{base}/comments", {"body": "Called them."}).status_code == 201
    linked = post(client, f"{base}/follow-ups", {"note": "Win-back visit on Monday."})
    assert linked.status_code == 201 and linked.json()["target_type"] == "note"
    resolved = post(client, f"{base}/resolve", {"reason": "Plan agreed."})
    assert resolved.json()["resolution_reason"] == "Plan agreed."
    assert post(client, f"{base}/resolve", {"reason": "twice"}).status_code == 409

    # And the manager finds it among hers, and the counts say where each stands
    mine = api_client_for(manager)
    assert [a["id"] for a in mine.get("/api/v1/alerts?mine=true&state=all").json()["items"]] == [
        alert.pk
    ]
    assert mine.get("/api/v1/alerts/counts").json() == {
        "active": 0,
        "open": 0,
        "acknowledged": 0,
        "resolved": 1,
        "all": 1,
    }
    actions = [c["action"] for c in mine.get(f"{base}/comments").json()]
    assert actions == ["acknowledge", "assign", "", "resolve"]
    assert post(mine, f"{base}/reopen", {"comment": "Not yet."}).json()["state"] == "open"
