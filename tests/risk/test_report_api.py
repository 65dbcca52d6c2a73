"""GET /api/v1/risk/interventions (DOMAIN §10): the report as JSON, scoped to the caller."""

from __future__ import annotations

import pytest

from kam.org.models import User
from tests.conftest import api_client_for
from tests.risk.report_world import AS_OF, treated_world

pytestmark = pytest.mark.django_db

URL = "/api/v1/risk/interventions"


def test_the_report_answers_the_counts_the_did_and_the_statement(manager: User) -> None:
    treated_world(manager)

    body = api_client_for(manager).get(URL, {"as_of": AS_OF.isoformat()}).json()

    assert body["plans_from"] == "2025-06-01"
    assert body["plans_until"] == "2026-05-31"
    assert (body["treated_accounts"], body["untreated_accounts"]) == (8, 8)
    churn = body["churn"]
    assert churn["treated"] == {"accounts": 8, "before": 0.0, "after": 0.125, "change": 0.125}
    assert churn["estimate"] == pytest.approx(-0.75)
    assert churn["verdict"] == "lower"
    assert churn["conclusive"] is True
    assert churn["low"] < churn["high"] < 0
    assert "less churn went with the plans" in churn["statement"]
    assert body["csat"]["verdict"] == "too_small"
    assert {row["code"] for row in body["accounts"] if row["group"] == "treated"} == {
        f"TREAT-{i}" for i in range(8)
    }


def test_another_manager_reads_none_of_it(manager: User, other_manager: User) -> None:
    treated_world(manager)

    body = api_client_for(other_manager).get(URL, {"as_of": AS_OF.isoformat()}).json()

    assert body["accounts"] == []
    assert body["churn"]["verdict"] == "too_small"


@pytest.mark.parametrize("value", ["2026-13-01", "0001-01-01", "soon"])
def test_a_bad_date_answers_422_naming_the_field(manager: User, value: str) -> None:
    response = api_client_for(manager).get(URL, {"as_of": value})

    assert response.status_code == 422
    assert "as_of" in response.content.decode()
