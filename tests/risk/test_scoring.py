"""The risk scoring run end to end (§10, §6 R2): models fitted and recorded, scores and the
monthly history stored, and the strategy of a high-risk key account turned to win-back."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from kam.alerts.models import Alert
from kam.analytics import churn
from kam.analytics.churn import risk_levels
from kam.portfolio import steps
from kam.portfolio.models import Scope, Snapshot
from kam.portfolio.services.scoring import score_history, score_portfolio
from kam.risk.alerts import KIND_CHURN_RISK_HIGH
from kam.risk.models import ModelKind, ModelRun, RiskLevel, RiskMonth, RiskScore
from tests.factories import AccountFactory
from tests.risk.world import AS_OF, build

pytestmark = pytest.mark.django_db


def _snapshot(account_id: int) -> Snapshot:
    return Snapshot.objects.get(account_id=account_id, as_of=AS_OF, scope=Scope.ENTITY)


def test_high_churn_risk_alone_turns_a_key_account_to_win_back(director, monkeypatch) -> None:
    # Given a large key account buying steadily, whose only drift signal is the leavers'
    # warning signs (complaints, a competitor's offer)
    world = build(director)

    # When the portfolio is scored without the risk step
    with monkeypatch.context() as patched:
        patched.setattr(steps, "_steps", {})
        score_portfolio(dates=[AS_OF])
    # Then it is kept: class B, not declining, retention (R4)
    before = _snapshot(world.target.pk)
    assert before.account_class in {"A", "B"}
    assert before.lifecycle not in {"decline", "lost"}
    assert (before.strategy, before.strategy_rule) == ("retention", "R4")

    # When it is scored with the risk step registered by RiskConfig.ready()
    score_portfolio(dates=[AS_OF])

    # Then its churn risk is high and R2 turns it to win-back in the same run
    score = RiskScore.objects.get(account=world.target, as_of=AS_OF)
    assert score.risk_level == RiskLevel.HIGH
    assert score.churn_probability >= 0.5
    after = _snapshot(world.target.pk)
    assert (after.strategy, after.strategy_rule) == ("win_back", "R2")
    # And the factors behind it are the warning signs, largest first, pushing toward churn
    names = [item["factor"] for item in score.top_factors]
    assert {"complaints", "competitor_moves"} & set(names)
    contributions = [abs(item["contribution"]) for item in score.top_factors]
    assert contributions == sorted(contributions, reverse=True)
    assert len(score.top_factors) <= 5


def test_a_run_records_each_model_and_replaces_the_date_whole(director) -> None:
    # Given the company
    world = build(director)

    # When it is scored twice on one date
    score_portfolio(dates=[AS_OF])
    score_portfolio(dates=[AS_OF])

    # Then each run recorded its models: BG/NBD with its hold-out check, Gamma-Gamma, the
    # churn model judged against its recency baseline, and Markov (no history yet: unused)
    runs = {run.kind: run for run in ModelRun.objects.order_by("fitted_at", "id")}
    assert set(runs) >= {ModelKind.BGNBD, ModelKind.GAMMA_GAMMA, ModelKind.CHURN, ModelKind.MARKOV}
    purchases = runs[ModelKind.BGNBD]
    assert set(purchases.parameters) == {"r", "alpha", "a", "b"}
    assert purchases.quality["period"] == "week"
    assert purchases.quality["holdout"]["from"] == "2026-04-30"
    bins = purchases.quality["holdout"]["by_frequency"]
    assert bins[0]["customers"] > 0
    # the bins follow one another without a gap, the last open-ended
    assert all(
        row["frequency_to"] is None or row["frequency_to"] >= row["frequency"] for row in bins
    )
    assert [row["frequency"] for row in bins] == sorted(row["frequency"] for row in bins)
    assert purchases.quality["chosen"] in {"bgnbd", "bgnbd_covariates"}
    model = runs[ModelKind.CHURN]
    assert model.quality["test_as_of"] == "2026-04-30"
    assert model.quality["train_until"] == "2025-10-31"
    assert model.quality["auc"] > model.quality["baseline"]["auc"]
    assert model.used is model.quality["beats_baseline"] is True
    assert model.parameters["features"][0] == "revenue_trend"
    assert runs[ModelKind.MARKOV].used is False
    spend = runs[ModelKind.GAMMA_GAMMA]
    assert set(spend.parameters) == {"p", "q", "v"}
    # And the date's scores were replaced, one per account
    accounts = len(world.steady) + len(world.leavers) + 1
    assert RiskScore.objects.filter(as_of=AS_OF).count() == accounts
    steady = RiskScore.objects.get(account=world.steady[0], as_of=AS_OF)
    assert steady.risk_level == RiskLevel.LOW
    assert steady.p_alive > 0.9
    assert steady.clv_cents > 0
    assert steady.features["complaints"] == 0
    assert steady.features["csat"] is None  # no survey: imputed, shown as such


def test_the_monthly_history_holds_the_label_where_the_horizon_passed(director) -> None:
    # Given a leaver that stopped buying in its month, and the company scored
    world = build(director)
    score_portfolio(dates=[AS_OF])
    leaver = world.leavers[0]  # leaves in the month ending 2025-02-28
    months = {row.month_end: row for row in RiskMonth.objects.filter(account=leaver)}

    # Then the month it left is labelled churned, and so is each month after it while its
    # revenue of the six months before still counts
    assert months[dt.date(2025, 2, 28)].churned is True
    assert months[dt.date(2025, 5, 31)].churned is True
    assert months[dt.date(2025, 2, 28)].revenue_before_cents > 0
    # And the last six month ends (horizon not passed) carry no label
    target = {row.month_end: row for row in RiskMonth.objects.filter(account=world.target)}
    assert target[dt.date(2026, 10, 31)].churned is None
    assert target[dt.date(2026, 4, 30)].churned is False
    assert len(target) == 24


def test_the_markov_chain_reads_the_monthly_history(director) -> None:
    # Given the company back-filled once, so its monthly history exists
    build(director)
    score_history(as_of=AS_OF)

    # When it is scored again
    score_portfolio(dates=[AS_OF])

    # Then the chain over A, B, C, D and lost was estimated with its forecast and CLV
    run = ModelRun.objects.filter(kind=ModelKind.MARKOV).order_by("-fitted_at", "-id").first()
    assert run is not None and run.used
    assert run.parameters["states"] == ["A", "B", "C", "D", "lost"]
    assert np.allclose(np.sum(run.parameters["transition"], axis=1), 1.0)
    assert len(run.quality["forecast"]["months"]) == 12
    assert set(run.quality["expected_months_to_lost"]) == {"A", "B", "C", "D"}
    assert sum(run.quality["start_mix"].values()) > 0


def test_nothing_to_learn_from_still_scores_every_account(director) -> None:
    # Given accounts without any purchase
    first, second = AccountFactory(owner=director), AccountFactory(owner=director)

    # When the portfolio is scored
    score_portfolio(dates=[AS_OF])

    # Then each account is scored low with nothing known, and the models say why not fitted
    scores = RiskScore.objects.filter(as_of=AS_OF, account__in=[first, second])
    assert [s.risk_level for s in scores] == [RiskLevel.LOW, RiskLevel.LOW]
    assert all(s.p_alive is None and s.churn_probability is None for s in scores)
    purchases = ModelRun.objects.get(kind=ModelKind.BGNBD)
    assert purchases.used is False and purchases.note


def test_risk_levels_follow_section_10_and_ignore_an_unused_model() -> None:
    probability = np.array([0.6, 0.3, 0.1, 0.1, np.nan])
    p_alive = np.array([0.9, 0.9, 0.2, 0.9, np.nan])
    assert risk_levels(probability, p_alive, use_probability=True).tolist() == [
        "high",
        "medium",
        "high",
        "low",
        "low",
    ]
    # A churn model that did not beat its baseline: p(alive) alone decides
    assert risk_levels(probability, p_alive, use_probability=False).tolist() == [
        "low",
        "low",
        "high",
        "low",
        "low",
    ]


def test_a_churn_model_that_does_not_beat_its_baseline_drives_nothing(
    director, monkeypatch
) -> None:
    # Given the company, and a churn model judged no better than recency alone
    world = build(director)
    monkeypatch.setattr(churn.OutOfTime, "beats_baseline", property(lambda self: False))

    # When the portfolio is scored
    score_portfolio(dates=[AS_OF])

    # Then the model is recorded as not used, saying why
    run = ModelRun.objects.get(kind=ModelKind.CHURN)
    assert run.used is False
    assert run.quality["beats_baseline"] is False
    assert "baseline" in run.note
    # And the key account's churn probability is still shown, but p(alive) alone decides:
    # not high, so no win-back and no alert
    score = RiskScore.objects.get(account=world.target, as_of=AS_OF)
    assert score.churn_probability >= 0.5
    assert score.p_alive >= 0.3
    assert score.risk_level == RiskLevel.LOW
    assert _snapshot(world.target.pk).strategy_rule == "R4"
    assert not Alert.objects.filter(kind=KIND_CHURN_RISK_HIGH).exists()
