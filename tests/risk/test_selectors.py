"""Reads of risk (DOMAIN §10, §13): the latest score per account, the at-risk list and its
sorts, the CLV ranking, the model runs, the Markov forecast and an account's history."""

from __future__ import annotations

import datetime as dt

import pytest

from kam.risk.models import ModelKind, PlanStatus, RiskLevel
from kam.risk.selectors import (
    RISK_SORTS,
    RiskFilters,
    account_risk,
    account_risk_history,
    at_risk_list,
    clv_ranking,
    latest_model_runs,
    latest_risk_scores,
    markov_forecast,
    risk_level_counts,
)
from tests.factories import (
    AccountFactory,
    ModelRunFactory,
    RiskMonthFactory,
    RiskScoreFactory,
    TeamMemberFactory,
    WinBackPlanFactory,
)

pytestmark = pytest.mark.django_db

OLD, NEW = dt.date(2026, 9, 30), dt.date(2026, 10, 31)


def markov_run() -> None:
    ModelRunFactory(
        kind=ModelKind.MARKOV,
        parameters={
            "states": ["A", "B", "C", "D", "lost"],
            "transition": [
                [0.9, 0.1, 0, 0, 0],
                [0, 0.8, 0.1, 0, 0.1],
                [0, 0, 0.9, 0.05, 0.05],
                [0, 0, 0, 0.8, 0.2],
                [0, 0, 0, 0, 1],
            ],
            "counts": [
                [9, 1, 0, 0, 0],
                [0, 8, 1, 0, 1],
                [0, 0, 18, 1, 1],
                [0, 0, 0, 4, 1],
                [0] * 5,
            ],
            "smoothing": 0.5,
            "months": 24,
        },
        quality={
            "start": "2026-10-31",
            "start_mix": {"A": 10, "B": 10, "C": 20, "D": 5, "lost": 0},
            "forecast": {
                "months": ["2026-11-30", "2026-12-31"],
                "mix": {"A": [9, 8.1], "B": [9, 8.1], "C": [19, 18], "D": [5, 5], "lost": [3, 5.8]},
            },
            "expected_months_to_lost": {"A": 30.0, "B": 12.0, "C": 25.0, "D": 5.0},
        },
    )


def test_the_latest_score_per_account_is_read_as_of_a_date(manager) -> None:
    account = AccountFactory(owner=manager)
    RiskScoreFactory(account=account, as_of=OLD, churn_probability=0.2, risk_level="low")
    RiskScoreFactory(account=account, as_of=NEW, churn_probability=0.7)

    assert [s.as_of for s in latest_risk_scores(actor=manager)] == [NEW]
    assert [s.as_of for s in latest_risk_scores(actor=manager, as_of=OLD)] == [OLD]
    assert account_risk(account=account).churn_probability == 0.7
    assert account_risk(account=account, as_of=dt.date(2026, 10, 1)).as_of == OLD


def test_a_manager_sees_the_risk_of_her_own_and_her_team_accounts_only(
    manager, other_manager, director
) -> None:
    own = RiskScoreFactory(account=AccountFactory(owner=manager))
    on_team = RiskScoreFactory(account=AccountFactory(owner=other_manager))
    TeamMemberFactory(account=on_team.account, user=manager)
    theirs = RiskScoreFactory(account=AccountFactory(owner=other_manager))

    seen = {s.pk for s in at_risk_list(actor=manager, filters=RiskFilters())}
    everything = {s.pk for s in at_risk_list(actor=director, filters=RiskFilters())}

    assert seen == {own.pk, on_team.pk}
    assert everything == {own.pk, on_team.pk, theirs.pk}


def test_the_at_risk_list_holds_high_and_medium_by_expected_loss(director) -> None:
    # Expected loss = probability × contribution: 0.3 × 900 > 0.9 × 100.
    small = RiskScoreFactory(churn_probability=0.9, contribution_cents=100_00)
    large = RiskScoreFactory(
        churn_probability=0.3, contribution_cents=900_00, risk_level=RiskLevel.MEDIUM
    )
    RiskScoreFactory(churn_probability=0.1, risk_level=RiskLevel.LOW)

    rows = list(at_risk_list(actor=director, filters=RiskFilters()))

    assert [r.pk for r in rows] == [large.pk, small.pk]
    assert rows[0].expected_loss_cents == pytest.approx(0.3 * 900_00)


def test_the_at_risk_list_sorts_and_filters(director, manager) -> None:
    key_b = RiskScoreFactory(
        churn_probability=0.3, p_alive=0.9, risk_level=RiskLevel.MEDIUM, account_class="B"
    )
    other = RiskScoreFactory(
        churn_probability=0.8,
        p_alive=0.2,
        is_key=False,
        account_class="C",
        account=AccountFactory(owner=manager),
    )

    def pks(**given: object) -> list[int]:
        return [r.pk for r in at_risk_list(actor=director, filters=RiskFilters(**given))]

    assert pks(sort="-churn_probability") == [other.pk, key_b.pk]
    assert pks(sort="p_alive") == [other.pk, key_b.pk]
    assert pks(sort="-churn_probability", key_first=True) == [key_b.pk, other.pk]
    assert pks(level="medium") == [key_b.pk]
    assert pks(account_class="C") == [other.pk]
    assert pks(owner_id=manager.pk) == [other.pk]
    assert pks(sort="no-such-sort") == pks()
    assert {key.lstrip("-") for key in RISK_SORTS} >= {"expected_loss", "p_alive", "clv"}


def test_the_list_carries_the_open_win_back_plan(director) -> None:
    score = RiskScoreFactory()
    plan = WinBackPlanFactory(account=score.account)
    closed = RiskScoreFactory()
    WinBackPlanFactory(account=closed.account, status=PlanStatus.CLOSED)

    rows = {r.pk: r.open_plan_id for r in at_risk_list(actor=director, filters=RiskFilters())}

    assert rows == {score.pk: plan.pk, closed.pk: None}


def test_the_clv_ranking_puts_the_largest_first_and_unknown_last(director) -> None:
    low = RiskScoreFactory(clv_cents=10_00, risk_level=RiskLevel.LOW)
    high = RiskScoreFactory(clv_cents=99_00)
    unknown = RiskScoreFactory(clv_cents=None)

    assert [r.pk for r in clv_ranking(actor=director)] == [high.pk, low.pk, unknown.pk]
    assert [r.pk for r in clv_ranking(actor=director, sort="clv")] == [
        low.pk,
        high.pk,
        unknown.pk,
    ]


def test_the_latest_run_of_each_kind_is_read() -> None:
    ModelRunFactory(kind=ModelKind.CHURN, quality={"auc": 0.6})
    newest = ModelRunFactory(kind=ModelKind.CHURN, quality={"auc": 0.8})
    bgnbd = ModelRunFactory(kind=ModelKind.BGNBD, parameters={"r": 0.24})

    runs = latest_model_runs()

    assert runs == {ModelKind.CHURN: newest, ModelKind.BGNBD: bgnbd}


def test_the_markov_forecast_is_the_portfolios_for_a_director(director) -> None:
    markov_run()

    markov = markov_forecast(actor=director)

    assert markov.whole
    assert markov.months == ["2026-11-30", "2026-12-31"]
    assert markov.mix["lost"] == [3, 5.8]
    assert markov.expected_months_to_lost == {"A": 30.0, "B": 12.0, "C": 25.0, "D": 5.0}
    assert markov.accounts == 45


def test_the_markov_forecast_starts_from_a_managers_own_accounts(manager, other_manager) -> None:
    markov_run()
    RiskScoreFactory(account=AccountFactory(owner=manager), account_class="B")
    RiskScoreFactory(account=AccountFactory(owner=other_manager), account_class="A")

    markov = markov_forecast(actor=manager)

    assert not markov.whole
    assert markov.start_mix == {"A": 0, "B": 1, "C": 0, "D": 0, "lost": 0}
    assert len(markov.months) == 12
    assert markov.months[0] == "2026-11-30"
    # One B account: 0.8 stays B, 0.1 drops to C and 0.1 is lost after a month.
    assert [markov.mix[s][0] for s in ("B", "C", "lost")] == pytest.approx([0.8, 0.1, 0.1])


def test_no_markov_forecast_before_a_fit(director) -> None:
    assert markov_forecast(actor=director) is None


def test_an_accounts_history_is_its_last_month_ends_oldest_first() -> None:
    account = AccountFactory()
    for month in (1, 3, 2):
        RiskMonthFactory(account=account, month_end=dt.date(2026, month, 28))

    history = account_risk_history(account=account, months=2)

    assert [m.month_end.month for m in history] == [2, 3]


def test_levels_are_counted_over_the_visible_accounts(manager, other_manager) -> None:
    RiskScoreFactory(account=AccountFactory(owner=manager))
    RiskScoreFactory(account=AccountFactory(owner=manager), risk_level=RiskLevel.LOW)
    RiskScoreFactory(account=AccountFactory(owner=other_manager))

    assert risk_level_counts(actor=manager) == {"low": 1, "medium": 0, "high": 1}
