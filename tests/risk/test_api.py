"""The risk API (DOMAIN §10): the at-risk list, an account's risk, the CLV ranking, the
Markov migration and the model runs; bad input answers 4xx naming the field."""

from __future__ import annotations

import pytest

from kam.risk.models import ModelKind, RiskLevel
from kam.risk.schemas import ClvSort, RiskSort
from kam.risk.selectors import CLV_SORTS, RISK_SORTS
from tests.conftest import api_client_for
from tests.factories import (
    AccountFactory,
    ModelRunFactory,
    RiskMonthFactory,
    RiskScoreFactory,
    WinBackPlanFactory,
)
from tests.risk.test_selectors import markov_run

pytestmark = pytest.mark.django_db

PREFIX = "/api/v1"


def test_the_schema_offers_exactly_the_selectors_sorts() -> None:
    assert set(RiskSort.__args__) == set(RISK_SORTS)
    assert set(ClvSort.__args__) == set(CLV_SORTS)


def test_the_at_risk_list_answers_the_visible_rows_with_expected_loss(
    manager, other_manager
) -> None:
    mine = RiskScoreFactory(account=AccountFactory(owner=manager, code="MINE-1"))
    plan = WinBackPlanFactory(account=mine.account)
    RiskScoreFactory(account=AccountFactory(owner=other_manager, code="THEIRS-1"))

    answer = api_client_for(manager).get(f"{PREFIX}/risk/accounts").json()

    assert answer["count"] == 1
    (row,) = answer["items"]
    assert row["account_code"] == "MINE-1"
    assert row["expected_loss"] == "496000.00"  # 0.62 × 800,000.00
    assert row["contribution"] == "800000.00"
    assert row["win_back_plan_id"] == plan.pk
    assert row["top_factors"][0] == {
        "factor": "recency_ratio",
        "label": "Purchase gap against its rhythm",
        "value": 2.4,
        "value_text": "2.4×",
        "contribution": 0.81,
    }


def test_the_at_risk_list_filters_sorts_and_pages(director) -> None:
    RiskScoreFactory(account=AccountFactory(code="A-1"), churn_probability=0.9)
    RiskScoreFactory(
        account=AccountFactory(code="B-1"), churn_probability=0.3, risk_level=RiskLevel.MEDIUM
    )
    client = api_client_for(director)

    def codes(query: str) -> list[str]:
        items = client.get(f"{PREFIX}/risk/accounts?{query}").json()["items"]
        return [row["account_code"] for row in items]

    assert codes("sort=churn_probability") == ["B-1", "A-1"]
    assert codes("level=medium") == ["B-1"]
    assert codes("sort=-churn_probability&limit=1&offset=1") == ["B-1"]


@pytest.mark.parametrize(
    ("query", "field"),
    [("sort=sideways", "sort"), ("level=dire", "level"), ("as_of=yesterday", "as_of")],
)
def test_bad_input_answers_422_naming_the_field(director, query, field) -> None:
    response = api_client_for(director).get(f"{PREFIX}/risk/accounts?{query}")

    assert response.status_code == 422
    assert field in {error["field"] for error in response.json()["errors"]}


def test_an_accounts_risk_has_the_score_the_history_and_the_plan(manager) -> None:
    account = AccountFactory(owner=manager)
    RiskScoreFactory(account=account)
    RiskMonthFactory(account=account)
    ModelRunFactory()

    answer = api_client_for(manager).get(f"{PREFIX}/accounts/{account.pk}/risk").json()

    assert answer["score"]["churn_probability"] == 0.62
    assert answer["score"]["clv"] == "1200000.00"
    assert [m["month_end"] for m in answer["history"]] == ["2026-04-30"]
    assert answer["win_back_plan_id"] is None
    assert answer["churn_model_used"] is True


def test_an_unscored_account_answers_a_null_score(manager) -> None:
    account = AccountFactory(owner=manager)

    answer = api_client_for(manager).get(f"{PREFIX}/accounts/{account.pk}/risk").json()

    assert answer["score"] is None
    assert answer["churn_model_used"] is None


def test_another_users_account_risk_answers_404(manager, other_manager) -> None:
    account = AccountFactory(owner=other_manager)
    RiskScoreFactory(account=account)

    response = api_client_for(manager).get(f"{PREFIX}/accounts/{account.pk}/risk")

    assert response.status_code == 404


def test_the_clv_ranking_answers_the_largest_first(director) -> None:
    RiskScoreFactory(account=AccountFactory(code="SMALL"), clv_cents=100)
    RiskScoreFactory(account=AccountFactory(code="LARGE"), clv_cents=900)

    items = api_client_for(director).get(f"{PREFIX}/risk/clv").json()["items"]

    assert [row["account_code"] for row in items] == ["LARGE", "SMALL"]
    assert items[0]["clv"] == "9.00"


def test_the_migration_answers_the_chain_and_the_forecast(director) -> None:
    client = api_client_for(director)
    assert client.get(f"{PREFIX}/risk/migration").json() == {"markov": None}
    markov_run()

    markov = client.get(f"{PREFIX}/risk/migration").json()["markov"]

    assert markov["states"] == ["A", "B", "C", "D", "lost"]
    assert markov["transition"][0][:2] == [0.9, 0.1]
    assert markov["mix"]["lost"] == [3, 5.8]
    assert markov["whole_portfolio"] is True


def test_the_model_runs_answer_the_latest_of_each_kind(manager) -> None:
    ModelRunFactory(kind=ModelKind.CHURN, quality={"auc": 0.6})
    ModelRunFactory(kind=ModelKind.CHURN, quality={"auc": 0.8})
    ModelRunFactory(
        kind=ModelKind.GAMMA_GAMMA,
        parameters={"p": 6.25, "q": 3.74, "v": 15.44},
        quality={"log_likelihood": -4055.92, "customers": 946},
    )

    runs = api_client_for(manager).get(f"{PREFIX}/risk/models").json()

    assert [(r["kind"], r["quality"].get("auc")) for r in runs] == [
        ("gammagamma", None),
        ("churn", 0.8),
    ]
