"""Churn probability by logistic regression, with each account's signed factor contributions
and an out-of-time evaluation beside a recency-only baseline (DOMAIN §10).

The label of an account at month d: its revenue in the next `horizon` months falls below
(1 − drop_share) × its revenue in the `horizon` months before d. Features arrive as a matrix,
one row per account and month, one column per named feature; a missing value (NaN: no survey
yet, no buying rhythm) is replaced by the training mean, so it contributes nothing. Features
are standardised on the training rows, so a contribution βⱼ·(xⱼ − x̄ⱼ)/sⱼ is the change in
log-odds against an average account, comparable across features; they add up with the
intercept to the account's log-odds.

Evaluation is out of time: train on the months whose label was known `horizon` months before
the test month, test on the test month's label — the way the model is used. AUC, Brier score
and a calibration table (deciles of predicted probability) for the model and for a logistic
regression on recency alone over the same accounts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, roc_auc_score

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]

# Regularisation as scikit-learn's default (C = 1): with standardised features it keeps a
# feature seen on few accounts from taking an extreme weight.
C = 1.0
CALIBRATION_BINS = 10


def churn_labels(
    revenue_before: npt.ArrayLike, revenue_after: npt.ArrayLike, drop_share: float = 0.5
) -> BoolArray:
    """§10: churned when the revenue of the next months is below (1 − drop_share) × that of
    the months before (zero included: an account with nothing before cannot churn)."""
    before = np.asarray(revenue_before, dtype=np.float64)
    after = np.asarray(revenue_after, dtype=np.float64)
    return np.asarray(after < (1.0 - drop_share) * before)


@dataclass(frozen=True)
class ChurnModel:
    features: tuple[str, ...]
    mean: FloatArray
    scale: FloatArray
    coefficients: FloatArray
    intercept: float
    training_rows: int
    training_churned: int

    def standardised(self, x: npt.ArrayLike) -> FloatArray:
        values = np.asarray(x, dtype=np.float64)
        if values.ndim != 2 or values.shape[1] != len(self.features):
            raise ValueError("one column per feature of the model is needed")
        filled = np.where(np.isnan(values), self.mean, values)
        return (filled - self.mean) / self.scale

    def contributions(self, x: npt.ArrayLike) -> FloatArray:
        """Each row's signed log-odds contribution per feature against an average account."""
        return self.standardised(x) * self.coefficients

    def probability(self, x: npt.ArrayLike) -> FloatArray:
        log_odds = self.contributions(x).sum(axis=1) + self.intercept
        return np.asarray(1.0 / (1.0 + np.exp(-log_odds)))


def fit(x: npt.ArrayLike, churned: npt.ArrayLike, features: tuple[str, ...]) -> ChurnModel:
    """Fit the churn model (§10). Raises ValueError when the training rows hold one class
    only: nothing to learn then, and the caller says so instead of scoring."""
    values = np.asarray(x, dtype=np.float64)
    labels = np.asarray(churned, dtype=bool)
    if values.ndim != 2 or values.shape[0] != labels.size or values.shape[1] != len(features):
        raise ValueError("one row per label and one column per feature are needed")
    positives = int(labels.sum())
    if positives in {0, labels.size}:
        raise ValueError("no fit: the training months need churned and kept accounts both")
    with np.errstate(invalid="ignore"):
        mean = np.nanmean(values, axis=0)
    mean = np.where(np.isnan(mean), 0.0, mean)
    filled = np.where(np.isnan(values), mean, values)
    scale = filled.std(axis=0)
    scale = np.where(scale > 0, scale, 1.0)  # a constant feature: weight 0 either way
    regression = LogisticRegression(C=C, max_iter=1000)
    regression.fit((filled - mean) / scale, labels)
    return ChurnModel(
        features,
        mean,
        scale,
        np.asarray(regression.coef_[0], dtype=np.float64),
        float(regression.intercept_[0]),
        int(labels.size),
        positives,
    )


def top_factors(
    model: ChurnModel, x: npt.ArrayLike, count: int = 3
) -> list[list[tuple[str, float]]]:
    """Per row, the `count` features that move its log-odds most, signed, largest first."""
    contributions = model.contributions(x)
    order = np.argsort(-np.abs(contributions), axis=1)[:, :count]
    return [
        [(model.features[j], float(contributions[i, j])) for j in row]
        for i, row in enumerate(order)
    ]


@dataclass(frozen=True)
class CalibrationBin:
    low: float
    high: float
    accounts: int
    mean_predicted: float
    observed_rate: float


@dataclass(frozen=True)
class Evaluation:
    accounts: int
    churned: int
    auc: float | None  # None when the test month holds one class only
    brier: float
    calibration: list[CalibrationBin]


def evaluate(churned: npt.ArrayLike, probability: npt.ArrayLike) -> Evaluation:
    """AUC, Brier score and the calibration table of predictions against what happened."""
    labels = np.asarray(churned, dtype=bool)
    predicted = np.asarray(probability, dtype=np.float64)
    if labels.size == 0:
        raise ValueError("no account to evaluate on")
    both = 0 < int(labels.sum()) < labels.size
    auc = float(roc_auc_score(labels, predicted)) if both else None
    edges = np.linspace(0.0, 1.0, CALIBRATION_BINS + 1)
    bins = np.clip(np.digitize(predicted, edges[1:-1]), 0, CALIBRATION_BINS - 1)
    table = [
        CalibrationBin(
            float(edges[k]),
            float(edges[k + 1]),
            int((bins == k).sum()),
            float(predicted[bins == k].mean()),
            float(labels[bins == k].mean()),
        )
        for k in range(CALIBRATION_BINS)
        if (bins == k).any()
    ]
    return Evaluation(
        int(labels.size),
        int(labels.sum()),
        auc,
        float(brier_score_loss(labels, predicted)),
        table,
    )


@dataclass(frozen=True)
class OutOfTime:
    model: ChurnModel
    test_month: int
    evaluation: Evaluation
    baseline: Evaluation

    @property
    def beats_baseline(self) -> bool:
        """§10: a model that does not beat the baseline does not drive alerts."""
        if self.evaluation.auc is None or self.baseline.auc is None:
            return False
        return self.evaluation.auc > self.baseline.auc


def out_of_time(
    month: npt.ArrayLike,
    x: npt.ArrayLike,
    churned: npt.ArrayLike,
    features: tuple[str, ...],
    *,
    test_month: int,
    horizon: int,
    recency_feature: str,
) -> OutOfTime:
    """Train on the rows of months ≤ test_month − horizon, test on the rows of test_month
    (months are integers, consecutive months consecutive), beside the recency-only
    baseline fitted on the same training rows."""
    months = np.asarray(month, dtype=np.int64)
    values = np.asarray(x, dtype=np.float64)
    labels = np.asarray(churned, dtype=bool)
    if recency_feature not in features:
        raise ValueError(f"the baseline's feature {recency_feature!r} is not among the features")
    train = months <= test_month - horizon
    test = months == test_month
    if not test.any():
        raise ValueError("no account in the test month")
    model = fit(values[train], labels[train], features)
    column = features.index(recency_feature)
    baseline = fit(values[train][:, [column]], labels[train], (recency_feature,))
    return OutOfTime(
        model,
        test_month,
        evaluate(labels[test], model.probability(values[test])),
        evaluate(labels[test], baseline.probability(values[test][:, [column]])),
    )


# §10's risk thresholds.
HIGH_PROBABILITY = 0.5
MEDIUM_PROBABILITY = 0.25
LOW_P_ALIVE = 0.3
LEVELS = ("low", "medium", "high")


def risk_levels(
    probability: npt.ArrayLike, p_alive: npt.ArrayLike, *, use_probability: bool
) -> npt.NDArray[np.str_]:
    """§10: high if churn probability ≥ 0.5 or p(alive) < 0.3; medium if probability ≥ 0.25;
    else low. A NaN is no evidence; without a usable churn model (`use_probability` false:
    it did not beat its baseline) p(alive) alone decides."""
    prob = np.asarray(probability, dtype=np.float64)
    alive = np.asarray(p_alive, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        low_alive = np.isfinite(alive) & (alive < LOW_P_ALIVE)
        high = low_alive | (use_probability & np.isfinite(prob) & (prob >= HIGH_PROBABILITY))
        medium = use_probability & np.isfinite(prob) & (prob >= MEDIUM_PROBABILITY)
    return np.asarray(np.select([high, medium], ["high", "medium"], "low"), dtype=np.str_)
