"""The portfolio over the API: rows, filters, settings, costs and alerts."""

from __future__ import annotations

import datetime as dt

import pytest

from kam.core.dates import today
from kam.portfolio.alerts import raise_alert
from kam.portfolio.selectors import portfolio_settings
from kam.portfolio.services import score_portfolio
from tests.conftest import api_client_for
from tests.factories import AccountFactory, PotentialEstimateFactory

pytestmark = pytest.mark.django_db


def test_portfolio_rows_with_filters_and_as_of(manager) -> None:
    account = AccountFactory(owner=manager, code="P1")
    PotentialEstimateFactory(account=account, estimated_on=dt.date(2026, 1, 1))
    score_portfolio(dates=[dt.date(2026, 9, 30), dt.date(2026, 10, 31)])
    client = api_client_for(manager)

    rows = client.get("/api/v1/portfolio", {"as_of": "2026-10-15"}).json()
    assert rows["count"] == 1
    row = rows["items"][0]
    assert row["as_of"] == "2026-09-30" and row["account_code"] == "P1"
    assert row["potential_estimate"] == "12000000.00"  # money as exact decimal strings
    assert row["score_factors"]["contribution"] is None  # inactive: no percentile factors

    assert client.get("/api/v1/portfolio", {"account_class": "A"}).json()["count"] == 0
    snapshots = client.get(f"/api/v1/accounts/{account.pk}/snapshots").json()
    assert [s["as_of"] for s in snapshots["items"]] == ["2026-10-31", "2026-09-30"]
    assert client.get("/api/v1/portfolio/dates").json() == ["2026-10-31", "2026-09-30"]


def test_settings_over_the_api(director, manager) -> None:
    assert (
        api_client_for(manager)
        .patch(
            "/api/v1/portfolio/settings",
            {"key_score_threshold": "50"},
            content_type="application/json",
        )
        .status_code
        == 403
    )
    bad = api_client_for(director).patch(
        "/api/v1/portfolio/settings",
        {"potential_medium": "40000000"},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "potential_medium"
    good = api_client_for(director).patch(
        "/api/v1/portfolio/settings",
        {"key_score_threshold": "65.5"},
        content_type="application/json",
    )
    assert good.status_code == 200 and good.json()["key_score_threshold"] == "65.50"
    assert portfolio_settings().history.get().history_user == director


def test_cost_to_serve_and_alerts_over_the_api(manager) -> None:
    account = AccountFactory(owner=manager)
    client = api_client_for(manager)
    created = client.post(
        f"/api/v1/accounts/{account.pk}/cost-to-serve",
        {"month": "2026-10-01", "kind": "people", "hours": "2", "rate": "300.50"},
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["amount"] == "601.00"
    cost_id = created.json()["id"]
    patched = client.patch(
        f"/api/v1/accounts/{account.pk}/cost-to-serve/{cost_id}",
        {"hours": "4"},
        content_type="application/json",
    )
    assert patched.json()["amount"] == "1202.00"

    alert = raise_alert(account, "potential_missing", "warning", "Missing")
    listed = client.get("/api/v1/alerts").json()
    assert [a["id"] for a in listed["items"]] == [alert.pk]
    acknowledged = client.post(f"/api/v1/alerts/{alert.pk}/acknowledge")
    assert (
        acknowledged.status_code == 200 and acknowledged.json()["acknowledged_by_id"] == manager.pk
    )


def test_starting_a_score_run_is_the_directors(director, manager) -> None:
    assert (
        api_client_for(manager)
        .post("/api/v1/portfolio/score", {}, content_type="application/json")
        .status_code
        == 403
    )
    started = api_client_for(director).post(
        "/api/v1/portfolio/score", {"history": True}, content_type="application/json"
    )
    assert started.status_code == 202
    run = started.json()
    assert run["status"] == "queued" and run["as_of"] == today().isoformat()
    assert api_client_for(director).get(f"/api/v1/portfolio/score/{run['id']}").status_code == 200
