"""The churn model (DOMAIN §10): the label, contributions that add up to the log-odds, the
out-of-time evaluation against the recency baseline, and refusals."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from kam.analytics import churn

FEATURES = ("recency_ratio", "complaints", "csat_service_change")


def test_label_is_a_fall_below_half_of_the_months_before() -> None:
    labels = churn.churn_labels([100, 100, 100, 0, 50], [49, 50, 120, 0, 0])
    assert labels.tolist() == [True, False, False, False, True]


def world(rng: np.random.Generator, months: int, accounts: int) -> tuple[np.ndarray, ...]:
    """Accounts whose churn follows complaints and falling service CSAT as well as recency:
    the full model knows more than recency alone."""
    month = np.repeat(np.arange(months), accounts)
    n = month.size
    recency = rng.gamma(2.0, 1.0, n)
    complaints = rng.poisson(1.0, n).astype(float)
    csat_change = rng.normal(0, 0.5, n)
    csat_change[rng.random(n) < 0.2] = np.nan  # no survey yet
    log_odds = -2.5 + 0.5 * recency + 0.8 * complaints - 1.5 * np.nan_to_num(csat_change)
    churned = rng.random(n) < 1 / (1 + np.exp(-log_odds))
    return month, np.column_stack([recency, complaints, csat_change]), churned


def test_contributions_add_up_to_the_probability() -> None:
    rng = np.random.default_rng(1)
    _, x, churned = world(rng, 1, 3000)
    model = churn.fit(x, churned, FEATURES)
    log_odds = model.contributions(x).sum(axis=1) + model.intercept
    assert model.probability(x) == pytest.approx(1 / (1 + np.exp(-log_odds)))
    # Signs as the world made them: complaints raise churn, a CSAT rise lowers it.
    assert model.coefficients[1] > 0 > model.coefficients[2]
    # The same fit as scikit-learn on the standardised, mean-filled features.
    filled = np.where(np.isnan(x), model.mean, x)
    reference = LogisticRegression(max_iter=1000).fit((filled - model.mean) / model.scale, churned)
    assert model.coefficients == pytest.approx(reference.coef_[0], rel=1e-4)
    # A missing value contributes nothing.
    missing = np.isnan(x[:, 2])
    assert np.allclose(model.contributions(x)[missing, 2], 0.0)


def test_top_factors_are_signed_and_ordered() -> None:
    rng = np.random.default_rng(2)
    _, x, churned = world(rng, 1, 2000)
    model = churn.fit(x, churned, FEATURES)
    worst = np.array([[8.0, 6.0, -1.5]])
    factors = churn.top_factors(model, worst, count=3)[0]
    sizes = [abs(value) for _, value in factors]
    assert sizes == sorted(sizes, reverse=True)
    assert {name for name, _ in factors} == set(FEATURES)
    assert all(value > 0 for _, value in factors)  # every one pushes towards churn


def test_out_of_time_beats_the_recency_baseline() -> None:
    # Given 24 months of a world where complaints and CSAT matter, when trained up to month
    # 17 and tested on month 23 (horizon 6), then the model's AUC beats recency alone.
    rng = np.random.default_rng(3)
    month, x, churned = world(rng, 24, 400)
    result = churn.out_of_time(
        month, x, churned, FEATURES, test_month=23, horizon=6, recency_feature="recency_ratio"
    )
    assert result.model.training_rows == 18 * 400
    assert result.evaluation.accounts == result.baseline.accounts == 400
    assert result.evaluation.auc is not None and result.baseline.auc is not None
    assert result.evaluation.auc > result.baseline.auc + 0.05
    assert result.beats_baseline
    assert result.evaluation.brier < result.baseline.brier
    table = result.evaluation.calibration
    assert sum(row.accounts for row in table) == 400
    assert all(row.low <= row.mean_predicted <= row.high for row in table)


def test_one_class_cannot_be_learnt_or_ranked() -> None:
    x = np.ones((5, 3))
    with pytest.raises(ValueError, match="churned and kept accounts both"):
        churn.fit(x, np.zeros(5, dtype=bool), FEATURES)
    evaluation = churn.evaluate([False, False], [0.1, 0.2])
    assert evaluation.auc is None
    assert evaluation.brier == pytest.approx((0.01 + 0.04) / 2)
