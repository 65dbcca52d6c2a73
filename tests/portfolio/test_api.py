"""The portfolio over the API: rows, filters, settings, costs and alerts."""

from __future__ import annotations

import datetime as dt

import pytest

from kam.alerts.services import alert_raise
from kam.core.dates import today
from kam.portfolio.selectors import portfolio_settings
from kam.portfolio.services.scoring import score_history, score_portfolio
from tests.conftest import api_client_for
from tests.factories import AccountFactory, PotentialEstimateFactory, SnapshotFactory
from tests.portfolio.history import PAST, company_with_history

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


def test_an_accounts_monthly_history_after_a_backfill(tmp_path, director, manager, other_manager):
    # Given an account with a ledger from September 2026 and a back-fill as of mid-November
    from kam.ledger.services import ledger_import

    account = AccountFactory(owner=manager, code="H1")
    theirs = AccountFactory(owner=other_manager, code="H2")
    path = tmp_path / "ledger.csv"
    path.write_text("customer,date,amount\nH1,2026-09-10,1000.00\nH1,2026-10-10,500.00\n")
    ledger_import(actor=director, path=path)
    score_history(as_of=dt.date(2026, 11, 15))
    client = api_client_for(manager)

    # When the manager reads it, then each month end shows its class, lifecycle and figures
    response = client.get(f"/api/v1/accounts/{account.pk}/monthly-history")
    assert response.status_code == 200, response.content
    months = response.json()
    assert [m["as_of"] for m in months][-2:] == ["2026-09-30", "2026-10-31"]
    assert months[-1]["contribution"] == "1500.00"
    assert months[-1]["lifecycle"] == "acquisition" and months[-1]["strategy_rule"][0] == "R"
    assert {m["account_class"] for m in months} <= {"A", "B", "C", "D"}
    # And another manager's account answers 404
    assert client.get(f"/api/v1/accounts/{theirs.pk}/monthly-history").status_code == 404


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

    alert = alert_raise(account, "potential_missing")
    listed = client.get("/api/v1/alerts").json()
    assert [a["id"] for a in listed["items"]] == [alert.pk]
    acknowledged = client.post(
        f"/api/v1/alerts/{alert.pk}/acknowledge", {}, content_type="application/json"
    )
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


def test_a_region_of_the_matrix_answers_the_visible_accounts_inside_it(
    manager, other_manager
) -> None:
    # Given two of the manager's accounts inside the region, one below it and one hidden
    big = SnapshotFactory(account__owner=manager, contribution_cents=600_00)
    SnapshotFactory(account__owner=manager, contribution_cents=500_00)
    SnapshotFactory(account__owner=manager, contribution_cents=5_00)
    SnapshotFactory(account__owner=other_manager, contribution_cents=550_00, account__name="Hid")
    client = api_client_for(manager)

    # When the matrix asks for the accounts with a contribution of 100 to 1,000, one at most
    answer = client.get(
        "/api/v1/portfolio/matrix",
        {"contribution_min": "100", "contribution_max": "1000.00", "limit": 1},
    )

    # Then it counts the two visible ones and answers the largest, money as decimal strings
    body = answer.json()
    assert answer.status_code == 200
    assert body["count"] == 2
    assert [item["code"] for item in body["items"]] == [big.account.code]
    assert body["items"][0]["contribution"] == "600.00"
    assert "Hid" not in answer.content.decode()


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 501}, "limit"),
        ({"limit": 0}, "limit"),
        ({"potential_min": "-1"}, "potential_min"),
        ({"contribution_max": "1e30"}, "contribution_max"),
        ({"potential_max": "lots"}, "potential_max"),
    ],
)
def test_a_region_of_the_matrix_refuses_bad_bounds_naming_the_field(manager, params, field) -> None:
    answer = api_client_for(manager).get("/api/v1/portfolio/matrix", params)

    assert answer.status_code == 422
    assert field in answer.content.decode()


def test_the_trend_slope_is_money_per_month_in_the_base_currency(manager) -> None:
    # given a snapshot whose revenue regression rises 1,234.567 cents a month (a float)
    account = AccountFactory(owner=manager)
    SnapshotFactory(account=account, trend_slope=123_456.7, trend_relative_slope=0.25)
    SnapshotFactory(account=AccountFactory(owner=manager), trend_slope=None)

    # when the portfolio is read over the API
    rows = api_client_for(manager).get("/api/v1/portfolio").json()["items"]

    # then the slope is an exact decimal string of the base currency, like every amount
    slopes = {row["account_id"]: row["trend_slope"] for row in rows}
    assert slopes[account.pk] == "1234.57"
    assert sorted(slopes.values(), key=str) == ["1234.57", None]
    assert {row["account_id"]: row["trend_relative_slope"] for row in rows}[account.pk] == 0.25


def test_a_region_of_the_matrix_on_a_month_end_says_why_each_class(
    tmp_path, director, manager
) -> None:
    # Given a back-fill: a past month end kept only in the monthly history
    company_with_history(tmp_path, director, manager)
    client = api_client_for(manager)

    # When the zoomed matrix asks for that month end's accounts
    answer = client.get("/api/v1/portfolio/matrix", {"as_of": PAST.isoformat(), "limit": 2})

    # Then it answers them from the history with the reason of their class, no margin
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["as_of"] == PAST.isoformat() and body["count"] == 3
    big = body["items"][0]
    assert big["code"] == "BIG" and big["account_class"] == "C" and big["margin"] is None
    assert big["class_reason"][0].startswith("Contribution 13.2 M is high, but its share")
    assert big["contribution"] == "13200000.00"
    # And the dates the API offers include the month ends when asked
    dates = client.get("/api/v1/portfolio/dates", {"month_ends": True}).json()
    assert PAST.isoformat() in dates and dates == sorted(dates, reverse=True)
    assert PAST.isoformat() not in client.get("/api/v1/portfolio/dates").json()
    # And a filter the history cannot answer is refused naming it
    refused = client.get("/api/v1/portfolio/matrix", {"as_of": PAST.isoformat(), "is_key": True})
    assert refused.status_code == 422 and "is_key" in refused.content.decode()
