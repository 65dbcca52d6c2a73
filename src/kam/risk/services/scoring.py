"""Scoring the risk of every account (DOMAIN §10; docs/rules.md "Risk scoring").

One run, called by the portfolio's scoring run for the date it stores (kam.portfolio.steps):
the feature panel is read once (kam.risk.features), then
- BG/NBD (weeks) is fitted on the purchase days up to the date, and its covariate variant
  (industry, size band, region; Hardie note 019) is chosen only when it fits a hold-out sample
  better; each is checked against the purchases of the last `HORIZON_MONTHS` months;
- Gamma-Gamma on the spend of repeat purchases, and with BG/NBD the discounted CLV;
- the logistic-regression churn model is trained on the monthly panel with the §10 label and
  judged out of time against the recency-only baseline: one that does not beat it is recorded
  `used=False` and does not drive the risk level (p(alive) alone does then);
- the Markov chain of the classes from the portfolio's monthly history, its 12-month forecast
  of the mix and the Pfeifer–Carraway CLV per class.
Every model is recorded as a ModelRun; the date's RiskScores are replaced whole, the window's
RiskMonths too; the high-risk key accounts' alerts follow the newest date.
"""

from __future__ import annotations

import datetime as dt
import math
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db import transaction
from django.utils import timezone

from kam.analytics import bgnbd, churn, gammagamma, markov
from kam.analytics.events import DAYS_PER_WEEK, Purchases
from kam.core.months import last_month_end, month_end, month_index
from kam.portfolio.steps import ScoredDate
from kam.risk import features as panel_module
from kam.risk.features import (
    FEATURES,
    Sources,
    current_state,
    history_state,
    load_sources,
    purchases_at,
)
from kam.risk.models import ModelKind, ModelRun, RiskLevel, RiskMonth, RiskScore
from kam.risk.store import MonthRows, ScoreRows, store_months, store_scores

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

# §10's settings.
HORIZON_MONTHS = 6  # churn_horizon_months
DROP_SHARE = 0.5  # churn_drop_share
ANNUAL_DISCOUNT_RATE = 0.10
# The monthly panel: 24 month ends, so the churn model trains on 12 months of labels and is
# tested on the last month whose label is known.
WINDOW_MONTHS = 24
WEEKS_PER_YEAR = 365.25 / 7
# Expected purchases over the churn horizon; CLV over three years in 4-week steps.
EXPECTED_WEEKS = 26.0
CLV_WEEKS = 156
CLV_STEP_WEEKS = 4
MARKOV_FORECAST_MONTHS = 12
MARKOV_SMOOTHING = 0.5
# Covariate categories: the most common value of each is the reference; at most this many
# others get a column each (the rest count with the reference).
COVARIATE_LEVELS = 5
HOLDOUT_SHARE = 1 / 3
TOP_FACTORS = 5
# The hold-out table's rows by repeat purchases before it: 0, 1, 2, 3–4, 5–9, 10–19, 20–49,
# 50 or more — key accounts buy often, so a table that stopped at "7 or more" held them all.
FREQUENCY_BINS = (0, 1, 2, 3, 5, 10, 20, 50)


def _r(value: float | None) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return round(float(value), 6)


def _rounded(values: FloatArray) -> list[list[float | None]]:
    """`_r` over a whole matrix in one pass: Python floats to 6 places, None where not
    finite (a call per value cost more than the rest of the step's scoring)."""
    rounded = np.round(values, 6).astype(object)
    rounded[~np.isfinite(values)] = None
    return list(rounded.tolist())


def _weeks(days: float) -> float:
    return days / DAYS_PER_WEEK


@dataclass(frozen=True)
class Covariates:
    z: FloatArray
    names: list[str]


def covariate_matrix(sources: Sources) -> Covariates:
    """One-hot columns of industry, size band and region (Hardie note 019), the most common
    value of each as the reference; unknown ("") counts with the reference."""
    columns: list[FloatArray] = []
    names: list[str] = []
    for variable, values in sources.covariates.items():
        known = [v for v in values if v]
        if not known:
            continue
        kinds, counts = np.unique(np.array(known), return_counts=True)
        ordered = [str(k) for k in kinds[np.argsort(-counts, kind="stable")]]
        for level in ordered[1 : 1 + COVARIATE_LEVELS]:
            columns.append(np.array([v == level for v in values], dtype=np.float64))
            names.append(f"{variable}={level}")
    if not columns:
        return Covariates(np.zeros((sources.n, 0)), [])
    return Covariates(np.stack(columns, axis=1), names)


def _per_pattern(
    model: bgnbd.BgNbdCovariates,
    z: FloatArray,
    apply: Callable[[bgnbd.BgNbd, npt.NDArray[np.int64]], FloatArray],
) -> FloatArray:
    """Apply a plain-model function to each group of customers sharing covariates: the
    covariate model is a plain BG/NBD per pattern of z (categorical covariates)."""
    out = np.zeros(z.shape[0])
    if z.shape[0] == 0:
        return out
    patterns, which = np.unique(z, axis=0, return_inverse=True)
    which = np.asarray(which).reshape(-1)
    for k, pattern in enumerate(patterns):
        r, alpha, a, b = model.per_customer(pattern[None, :])
        plain = bgnbd.BgNbd(float(r), float(alpha[0]), float(a[0]), float(b[0]), 0.0, 0)
        rows = np.flatnonzero(which == k)
        out[rows] = apply(plain, rows)
    return out


@dataclass
class Purchasing:
    """The BG/NBD model that drives p(alive) and expected purchases, plain or covariate."""

    plain: bgnbd.BgNbd
    covariate: bgnbd.BgNbdCovariates | None = None
    z: FloatArray | None = None

    def p_alive(self, p: Purchases) -> FloatArray:
        def one(model: bgnbd.BgNbd, rows: npt.NDArray[np.int64]) -> FloatArray:
            return bgnbd.probability_alive(model, p.frequency[rows], p.recency[rows], p.T[rows])

        return self._apply(one, p)

    def expected(self, p: Purchases, weeks: float) -> FloatArray:
        def one(model: bgnbd.BgNbd, rows: npt.NDArray[np.int64]) -> FloatArray:
            # a = 1 makes the closed form undefined (FHL eq. 10): no number rather than inf.
            with np.errstate(divide="ignore", invalid="ignore"):
                value = bgnbd.expected_purchases(
                    model, weeks, p.frequency[rows], p.recency[rows], p.T[rows]
                )
            return np.where(np.isfinite(value), value, np.nan)

        return self._apply(one, p)

    def clv(self, spend: gammagamma.GammaGamma, p: Purchases, monetary: FloatArray) -> FloatArray:
        def one(model: bgnbd.BgNbd, rows: npt.NDArray[np.int64]) -> FloatArray:
            with np.errstate(divide="ignore", invalid="ignore"):
                value = gammagamma.customer_lifetime_value(
                    model,
                    spend,
                    p.frequency[rows],
                    p.recency[rows],
                    p.T[rows],
                    monetary[rows],
                    horizon=CLV_WEEKS,
                    periods_per_year=WEEKS_PER_YEAR,
                    annual_discount_rate=ANNUAL_DISCOUNT_RATE,
                    step=CLV_STEP_WEEKS,
                )
            return np.where(np.isfinite(value), value, np.nan)

        return self._apply(one, p)

    def _apply(
        self, one: Callable[[bgnbd.BgNbd, npt.NDArray[np.int64]], FloatArray], p: Purchases
    ) -> FloatArray:
        out = np.full(p.bought.size, np.nan)
        rows = np.flatnonzero(p.bought)
        with np.errstate(all="ignore"):
            out[rows] = self._values(one, rows)
        return out

    def _values(
        self,
        one: Callable[[bgnbd.BgNbd, npt.NDArray[np.int64]], FloatArray],
        rows: npt.NDArray[np.int64],
    ) -> FloatArray:
        if self.covariate is not None and self.z is not None:
            values = _per_pattern(
                self.covariate, self.z[rows], lambda model, sub: one(model, rows[sub])
            )
            return values
        return one(self.plain, rows)


@dataclass
class Runs:
    """The ModelRuns of one scoring run, saved with the scores."""

    as_of: dt.date
    rows: list[ModelRun] = field(default_factory=list)

    def add(self, kind: str, started: float, **values: Any) -> ModelRun:
        run = ModelRun(kind=kind, as_of=self.as_of, seconds=round(time.perf_counter() - started, 6))
        for name, value in values.items():
            setattr(run, name, value)
        self.rows.append(run)
        return run


def _fit_plain(p: Purchases) -> bgnbd.BgNbd | None:
    rows = p.bought
    if rows.sum() < 3:
        return None
    try:
        # A search through extreme parameters overflows on the way; the result is checked.
        with np.errstate(all="ignore"):
            return bgnbd.fit(bgnbd.group(p.frequency[rows], p.recency[rows], p.T[rows]))
    except ValueError:
        return None


def _fit_covariate(p: Purchases, z: FloatArray, rows: BoolArray) -> bgnbd.BgNbdCovariates | None:
    if z.shape[1] == 0 or rows.sum() < 3 * (z.shape[1] + 4):
        return None
    try:
        with np.errstate(all="ignore"):
            return bgnbd.fit_with_covariates(p.frequency[rows], p.recency[rows], p.T[rows], z[rows])
    except ValueError:
        return None


def _holdout(
    purchasing: Purchasing,
    calibration: Purchases,
    actual: FloatArray,
    rows: BoolArray,
    weeks: float,
) -> tuple[float, FloatArray]:
    """The mean absolute error of the predicted against the actual purchases of the hold-out
    period (`weeks` long), over the rows, and each row's prediction."""
    predicted = purchasing.expected(calibration, weeks)
    chosen = rows & calibration.bought
    if not chosen.any():
        return float("nan"), predicted
    return float(np.abs(predicted[chosen] - actual[chosen]).mean()), predicted


def _by_frequency(
    calibration: Purchases, predicted: FloatArray, actual: FloatArray
) -> list[dict[str, Any]]:
    """Predicted against actual hold-out purchases per account, by the repeat purchases
    before it (`FREQUENCY_BINS`); `frequency_to` is the bin's last count, None for the last."""
    rows = calibration.bought
    frequency = calibration.frequency[rows]
    bins = np.searchsorted(np.array(FREQUENCY_BINS), frequency, side="right") - 1
    table = []
    for index, low in enumerate(FREQUENCY_BINS):
        chosen = bins == index
        if chosen.any():
            last = FREQUENCY_BINS[index + 1] - 1 if index + 1 < len(FREQUENCY_BINS) else None
            table.append(
                {
                    "frequency": low,
                    "frequency_to": last,
                    "customers": int(chosen.sum()),
                    "predicted": _r(float(predicted[rows][chosen].mean())),
                    "actual": _r(float(actual[rows][chosen].mean())),
                }
            )
    return table


def _bgnbd_parameters(model: bgnbd.BgNbd | bgnbd.BgNbdCovariates) -> dict[str, Any]:
    return {"r": _r(model.r), "alpha": _r(model.alpha), "a": _r(model.a), "b": _r(model.b)}


@dataclass(frozen=True)
class HoldoutChoice:
    """Which BG/NBD the hold-out prefers (§10) and each one's hold-out error."""

    chosen: str  # "bgnbd" or "bgnbd_covariates"
    plain_error: float | None
    covariate_error: float | None
    sample_covariate: bgnbd.BgNbdCovariates | None


def _choose(
    calibration: Purchases, covariates: Covariates, actual: FloatArray, weeks: float
) -> HoldoutChoice:
    """Fit both models on two thirds of the customers at the calibration end; the covariate
    model is chosen only when it fits the other third better (`choose_on_holdout`). The
    errors: mean absolute error of the purchases predicted for the hold-out period against
    those made, on the held-out customers."""
    rng = np.random.default_rng(0)
    held = rng.random(calibration.bought.size) < HOLDOUT_SHARE
    fitted = calibration.bought & ~held
    rows = held & calibration.bought
    sample_plain = _fit_plain(_subset(calibration, fitted))
    sample_covariate = _fit_covariate(calibration, covariates.z, fitted)
    if sample_plain is None:
        return HoldoutChoice("bgnbd", None, None, sample_covariate)
    plain_error = _holdout(Purchasing(sample_plain), calibration, actual, held, weeks)[0]
    if sample_covariate is None or not rows.any():
        return HoldoutChoice("bgnbd", plain_error, None, sample_covariate)
    with np.errstate(all="ignore"):
        choice = bgnbd.choose_on_holdout(
            sample_plain,
            sample_covariate,
            calibration.frequency[rows],
            calibration.recency[rows],
            calibration.T[rows],
            covariates.z[rows],
        )
    covariate = Purchasing(sample_plain, sample_covariate, covariates.z)
    covariate_error = _holdout(covariate, calibration, actual, held, weeks)[0]
    chosen = "bgnbd_covariates" if choice.model == "covariates" else "bgnbd"
    return HoldoutChoice(chosen, plain_error, covariate_error, sample_covariate)


def fit_purchasing(
    sources: Sources, as_of: dt.date, calibration_end: dt.date, runs: Runs
) -> tuple[Purchasing | None, Purchasing | None]:
    """BG/NBD at the calibration end (for the panel's p(alive)) and at the date (for the
    scores), plain or with covariates as the hold-out decides (§10)."""
    started = time.perf_counter()
    calibration = purchases_at(sources, calibration_end)
    now = purchases_at(sources, as_of)
    plain_then = _fit_plain(calibration)
    plain_now = _fit_plain(now)
    if plain_now is None:
        runs.add(
            ModelKind.BGNBD,
            started,
            used=False,
            accounts=int(now.bought.sum()),
            note="too few customers with purchases to fit BG/NBD",
        )
        return None, None
    covariates = covariate_matrix(sources)
    actual = (
        sources.purchases.count_between(calibration_end.toordinal(), as_of.toordinal())
    ).astype(np.float64)
    weeks = _weeks(as_of.toordinal() - calibration_end.toordinal())
    choice = _choose(calibration, covariates, actual, weeks)
    chosen = choice.chosen
    then = Purchasing(plain_then) if plain_then is not None else None
    scoring = Purchasing(plain_now)
    covariate_now = None
    if chosen == "bgnbd_covariates":
        covariate_now = _fit_covariate(now, covariates.z, now.bought)
        if covariate_now is None:
            chosen = "bgnbd"
        else:
            scoring = Purchasing(plain_now, covariate_now, covariates.z)
            if plain_then is not None:
                then_covariate = _fit_covariate(calibration, covariates.z, calibration.bought)
                if then_covariate is not None:
                    then = Purchasing(plain_then, then_covariate, covariates.z)
    holdout: dict[str, Any] = {
        "from": calibration_end.isoformat(),
        "until": as_of.isoformat(),
        "predicted": None,
        "actual": None,
        "by_frequency": [],
    }
    if then is not None:
        _error, predicted = _holdout(then, calibration, actual, calibration.bought, weeks)
        rows = calibration.bought
        holdout.update(
            predicted=_r(float(predicted[rows].sum())),
            actual=_r(float(actual[rows].sum())),
            by_frequency=_by_frequency(calibration, predicted, actual),
        )
    quality = {
        "log_likelihood": _r(plain_now.log_likelihood),
        "customers": plain_now.customers,
        "period": "week",
        "holdout": holdout,
        "chosen": chosen,
        "plain_holdout_error": _r(choice.plain_error),
        "covariate_holdout_error": _r(choice.covariate_error),
    }
    window = {
        "data_from": _first_purchase(sources),
        "data_until": as_of,
        "accounts": int(now.bought.sum()),
    }
    runs.add(
        ModelKind.BGNBD,
        started,
        parameters=_bgnbd_parameters(plain_now),
        quality=quality,
        used=chosen == "bgnbd",
        **window,
    )
    if choice.sample_covariate is not None:
        model = covariate_now or choice.sample_covariate
        parameters = _bgnbd_parameters(model) | {
            "gamma_purchase": dict(
                zip(covariates.names, (_r(v) for v in model.gamma_purchase), strict=True)
            ),
            "gamma_dropout": dict(
                zip(covariates.names, (_r(v) for v in model.gamma_dropout), strict=True)
            ),
        }
        runs.add(
            ModelKind.BGNBD_COVARIATES,
            started,
            parameters=parameters,
            quality=quality
            | {"log_likelihood": _r(model.log_likelihood), "customers": model.customers},
            used=chosen == "bgnbd_covariates",
            note=""
            if chosen == "bgnbd_covariates"
            else "the covariates did not improve the hold-out fit",
            **window,
        )
    return then, scoring


def _subset(p: Purchases, rows: BoolArray) -> Purchases:
    return Purchases(
        bought=p.bought & rows,
        frequency=p.frequency,
        recency=p.recency,
        T=p.T,
        monetary=p.monetary,
        last_day=p.last_day,
        first_day=p.first_day,
    )


def _first_purchase(sources: Sources) -> dt.date | None:
    days = sources.purchases.day
    return dt.date.fromordinal(int(days.min())) if days.size else None


@dataclass(frozen=True)
class Panel:
    """The monthly panel: one row per account and month end of the window."""

    month: npt.NDArray[np.int64]  # month index
    row: npt.NDArray[np.int64]  # account row
    x: FloatArray
    p_alive: FloatArray
    known: BoolArray  # the label's horizon has passed
    churned: BoolArray
    revenue_before: npt.NDArray[np.int64]
    bought: BoolArray


def monthly_panel(sources: Sources, as_of: dt.date, purchasing: Purchasing | None) -> Panel:
    """Every account at every month end of the window, with the §10 label where its horizon
    passed (the revenue of the next months against the months before)."""
    last = month_index(last_month_end(as_of))
    months, rows, xs, alive, known, churned, before, bought = [], [], [], [], [], [], [], []
    for index in range(last - WINDOW_MONTHS + 1, last + 1):
        day = month_end(index)
        p = purchases_at(sources, day)
        p_alive = purchasing.p_alive(p) if purchasing is not None else np.full(sources.n, np.nan)
        back = month_end(index - panel_module.CLASS_LOOKBACK_MONTHS)
        x = panel_module.panel(
            sources, day, p, p_alive, history_state(sources, day), history_state(sources, back)
        )
        col = index - sources.base
        revenue_before = sources.revenue_sum(col, HORIZON_MONTHS)
        revenue_after = sources.revenue_sum(col + HORIZON_MONTHS, HORIZON_MONTHS)
        months.append(np.full(sources.n, index, dtype=np.int64))
        rows.append(np.arange(sources.n, dtype=np.int64))
        xs.append(x)
        alive.append(p_alive)
        known.append(np.full(sources.n, index + HORIZON_MONTHS <= last))
        churned.append(churn.churn_labels(revenue_before, revenue_after, DROP_SHARE))
        before.append(revenue_before)
        bought.append(p.bought)
    return Panel(
        np.concatenate(months),
        np.concatenate(rows),
        np.concatenate(xs),
        np.concatenate(alive),
        np.concatenate(known),
        np.concatenate(churned),
        np.concatenate(before),
        np.concatenate(bought),
    )


def _calibration_table(evaluation: churn.Evaluation) -> list[dict[str, Any]]:
    return [
        {"predicted": _r(b.mean_predicted), "actual": _r(b.observed_rate), "count": b.accounts}
        for b in evaluation.calibration
    ]


def fit_churn(data: Panel, as_of: dt.date, runs: Runs) -> tuple[churn.ChurnModel | None, bool]:
    """The churn model trained on the panel's known labels, judged out of time (§10): the
    model and whether it beat the recency-only baseline (and so drives the risk level)."""
    started = time.perf_counter()
    last = month_index(last_month_end(as_of))
    test_month = last - HORIZON_MONTHS
    # Accounts with revenue before the month end can churn; the others cannot (§10).
    rows = data.known & (data.revenue_before > 0)
    window = {"data_from": month_end(last - WINDOW_MONTHS + 1), "data_until": as_of}
    try:
        with warnings.catch_warnings():
            # A factor no training row knows (no survey anywhere yet) has no mean: imputed as 0.
            warnings.simplefilter("ignore", RuntimeWarning)
            judged = churn.out_of_time(
                data.month[rows],
                data.x[rows],
                data.churned[rows],
                FEATURES,
                test_month=test_month,
                horizon=HORIZON_MONTHS,
                recency_feature="recency_ratio",
            )
    except ValueError as error:
        runs.add(
            ModelKind.CHURN,
            started,
            used=False,
            accounts=int(rows.sum()),
            note=f"not fitted: {error}"[:500],
            **window,
        )
        return None, False
    # The model judged is the model used: trained on the labels known at the test month (so
    # no second fit on every known label: it would be thrown away).
    model = judged.model
    test = rows & (data.month == test_month)

    def figures(evaluation: churn.Evaluation) -> dict[str, Any]:
        return {
            "auc": _r(evaluation.auc),
            "brier": _r(evaluation.brier),
            "calibration": _calibration_table(evaluation),
        }

    beats = judged.beats_baseline
    runs.add(
        ModelKind.CHURN,
        started,
        parameters={
            "intercept": _r(model.intercept),
            "coefficients": {
                name: _r(value) for name, value in zip(FEATURES, model.coefficients, strict=True)
            },
            "features": list(FEATURES),
        },
        quality=figures(judged.evaluation)
        | {
            "train_until": month_end(test_month - HORIZON_MONTHS).isoformat(),
            "test_as_of": month_end(test_month).isoformat(),
            "accounts": judged.evaluation.accounts,
            "churned": judged.evaluation.churned,
            "training_rows": model.training_rows,
            "baseline": figures(judged.baseline),
            "beats_baseline": beats,
        },
        used=beats,
        accounts=int(test.sum()),
        note="" if beats else "did not beat the recency-only baseline: not used for risk levels",
        **window,
    )
    return model, beats


def fit_markov(sources: Sources, runs: Runs) -> dict[str, float] | None:
    """The class-migration chain from the portfolio's monthly history (§10): counts,
    smoothed transitions, the 12-month forecast of the mix, expected months until lost and
    the Pfeifer–Carraway CLV per class (reward: the class's mean monthly revenue). None
    without a monthly history."""
    started = time.perf_counter()
    history = sources.history
    if history is None or history.months < 2:
        runs.add(
            ModelKind.MARKOV,
            started,
            used=False,
            note="no monthly history yet: run `kam score --history`",
        )
        return None
    states = markov.CLASS_STATES
    lost = len(states) - 1
    code = {letter: i for i, letter in enumerate(states[:-1])}
    letters = history.classes
    present = history.present & (history.stages != ord("l"))
    lookup = np.full(256, -1, dtype=np.int64)
    for letter, i in code.items():
        lookup[ord(letter)] = i
    classed = np.where(present, lookup[letters], -1)
    # Lost once it was a customer and is no longer (lost stage or not present).
    seen = np.maximum.accumulate(classed >= 0, axis=1)
    state = np.where(classed >= 0, classed, np.where(seen, lost, -1))
    monthly = history.contribution / 12 / 100  # the class's monthly revenue, in currency units
    reward_sum = np.bincount(
        classed[classed >= 0], weights=monthly[classed >= 0], minlength=len(states)
    )
    reward_count = np.bincount(classed[classed >= 0], minlength=len(states)).astype(np.float64)
    where = state >= 0
    customer, period = np.nonzero(where)
    counts = markov.history_counts(customer, period, state[where], len(states))
    chain = markov.estimate(counts, smoothing=MARKOV_SMOOTHING, states=states)
    start_mix = np.bincount(state[:, -1][state[:, -1] >= 0], minlength=len(states))
    forecast = chain.forecast(start_mix.astype(np.float64), MARKOV_FORECAST_MONTHS)
    to_lost = markov.expected_steps_to_absorption(chain.transition, lost)
    reward = np.divide(reward_sum, reward_count, out=np.zeros(len(states)), where=reward_count > 0)
    reward[lost] = 0.0
    monthly_rate = (1 + ANNUAL_DISCOUNT_RATE) ** (1 / 12) - 1
    value = markov.clv(chain.transition, reward, monthly_rate)
    width = history.months
    start = month_end(history.first + width - 1)
    runs.add(
        ModelKind.MARKOV,
        started,
        parameters={
            "states": list(states),
            "transition": [[_r(v) for v in row] for row in chain.transition.tolist()],
            "counts": chain.counts.tolist(),
            "smoothing": MARKOV_SMOOTHING,
            "months": width,
        },
        quality={
            "start": start.isoformat(),
            "start_mix": {s: int(start_mix[i]) for i, s in enumerate(states)},
            "forecast": {
                "months": [
                    month_end(month_index(start) + k).isoformat()
                    for k in range(1, MARKOV_FORECAST_MONTHS + 1)
                ],
                "mix": {s: [_r(v) for v in forecast[:, i].tolist()] for i, s in enumerate(states)},
            },
            "expected_months_to_lost": {
                s: _r(float(to_lost[i])) for i, s in enumerate(states[:-1])
            },
            "clv": {s: _r(float(value[i])) for i, s in enumerate(states)},
            "reward": {s: _r(float(reward[i])) for i, s in enumerate(states)},
            "annual_discount_rate": ANNUAL_DISCOUNT_RATE,
        },
        accounts=int(history.account_ids.size),
        data_from=month_end(history.first),
        data_until=start,
    )
    return {s: float(value[i]) for i, s in enumerate(states)}


@dataclass(frozen=True)
class RiskOutcome:
    """What one risk scoring run stored: the date, the rows (in the order asked) and which
    are at high risk, whether the churn model drove the levels, and the model runs."""

    as_of: dt.date
    account_ids: npt.NDArray[np.int64]
    risk_level: npt.NDArray[np.str_]
    churn_used: bool
    runs: list[ModelRun]

    @property
    def high(self) -> BoolArray:
        return np.asarray(self.risk_level == RiskLevel.HIGH)


def _top_factors(
    model: churn.ChurnModel, x: FloatArray, bought: BoolArray
) -> list[list[dict[str, Any]]]:
    contributions = model.contributions(x)
    order = np.argsort(-np.abs(contributions), axis=1, kind="stable")[:, :TOP_FACTORS]
    # Picked and rounded once as arrays, then walked as Python values.
    values = _rounded(np.take_along_axis(x, order, axis=1))
    shares = _rounded(np.take_along_axis(contributions, order, axis=1))
    out: list[list[dict[str, Any]]] = []
    for picked, value_row, share_row, on in zip(
        order.tolist(), values, shares, bought.tolist(), strict=True
    ):
        if not on:
            out.append([])
            continue
        out.append(
            [
                {"factor": FEATURES[j], "value": value, "contribution": share}
                for j, value, share in zip(picked, value_row, share_row, strict=True)
                if share != 0
            ]
        )
    return out


def score_risk(
    *,
    as_of: dt.date,
    account_ids: Sequence[int],
    columns: Mapping[str, Any],
    raise_alerts: bool = True,
    revenue: tuple[int, npt.NDArray[np.int64]] | None = None,
) -> RiskOutcome:
    """Score every account's risk as of the date and store it (§10): model runs, the date's
    RiskScores (replaced whole), the window's RiskMonths, the alerts of the newest date.
    `columns` are the portfolio's figures of the date (kam.portfolio.steps.ScoredDate),
    `revenue` its account × month revenue (base month index, cents) when it has it."""
    runs = Runs(as_of)
    ids = [int(pk) for pk in account_ids]
    last = month_index(last_month_end(as_of))
    first_month = month_end(last - WINDOW_MONTHS - 12)
    sources = load_sources(ids, as_of, first_month, revenue)
    calibration_end = month_end(last - HORIZON_MONTHS)
    then, scoring = fit_purchasing(sources, as_of, calibration_end, runs)
    data = monthly_panel(sources, as_of, then)
    model, churn_used = fit_churn(data, as_of, runs)
    fit_markov(sources, runs)

    now = purchases_at(sources, as_of)
    p_alive = scoring.p_alive(now) if scoring is not None else np.full(sources.n, np.nan)
    expected = (
        scoring.expected(now, EXPECTED_WEEKS) if scoring is not None else np.full(sources.n, np.nan)
    )
    clv, spend = _spend(sources, now, scoring, as_of, runs)
    back = month_end(last - panel_module.CLASS_LOOKBACK_MONTHS)
    x = panel_module.panel(
        sources, as_of, now, p_alive, current_state(columns), history_state(sources, back)
    )
    probability = np.full(sources.n, np.nan)
    # Only the month ends rewritten are scored: the others keep the risk stored then.
    rewrite = _months_to_write(last)
    keep = data.bought & np.isin(data.month, rewrite)
    month_probability = np.full(int(keep.sum()), np.nan)
    factors: list[list[dict[str, Any]]] = [[] for _ in ids]
    if model is not None:
        # exp(−log-odds) overflows to a probability of exactly 0 or 1: right, and quiet.
        with np.errstate(over="ignore"):
            probability = np.where(now.bought, model.probability(x), np.nan)
            month_probability = model.probability(data.x[keep])
        factors = _top_factors(model, x, now.bought)
    levels = churn.risk_levels(probability, p_alive, use_probability=churn_used)
    month_levels = churn.risk_levels(
        month_probability, data.p_alive[keep], use_probability=churn_used
    )
    computed_at = timezone.now()
    scores = ScoreRows(
        as_of=as_of,
        account_ids=sources.account_ids,
        p_alive=p_alive,
        expected_purchases=expected,
        churn_probability=probability,
        risk_level=levels,
        top_factors=factors,
        features=x,
        clv_cents=clv,
        expected_spend_cents=spend,
        contribution_cents=np.asarray(columns["contribution_cents"], dtype=np.int64),
        account_class=[str(letter) for letter in columns.get("account_class", [""] * sources.n)],
        is_key=np.asarray(columns.get("is_key", sources.is_key), dtype=bool),
        computed_at=computed_at,
    )
    months = MonthRows(
        month_ends=[month_end(i) for i in rewrite],
        account_ids=sources.account_ids[data.row[keep]],
        month_end=data.month[keep],
        churn_probability=month_probability,
        p_alive=data.p_alive[keep],
        risk_level=month_levels,
        churned=np.where(
            data.known[keep] & (data.revenue_before[keep] > 0), data.churned[keep], False
        ),
        known=data.known[keep],
        revenue_before_cents=data.revenue_before[keep],
    )
    with transaction.atomic():
        ModelRun.objects.bulk_create(runs.rows)
        previous = store_scores(scores)
        store_months(months)
        newest = not RiskScore.objects.filter(as_of__gt=as_of).exists()
        if raise_alerts and newest:
            from kam.risk.services.alerting import risk_alerts

            risk_alerts(scores, previous)
    return RiskOutcome(as_of, sources.account_ids, levels, churn_used, runs.rows)


def _months_to_write(last: int) -> list[int]:
    """The window's month ends to (re)write: those not stored yet, and the last horizon's
    (their label is pending or has just become known). Older ones keep the risk as it was
    scored then: the monthly history does not change with each re-score (and a daily re-score
    writes 7 month ends, not 24)."""
    window = range(last - WINDOW_MONTHS + 1, last + 1)
    stored = {
        month_index(day)
        for day in RiskMonth.objects.filter(
            month_end__gte=month_end(window[0]), month_end__lte=month_end(last)
        )
        .order_by()
        .values_list("month_end", flat=True)
        .distinct()
    }
    return [i for i in window if i not in stored or i >= last - HORIZON_MONTHS]


def _spend(
    sources: Sources,
    now: Purchases,
    scoring: Purchasing | None,
    as_of: dt.date,
    runs: Runs,
) -> tuple[FloatArray, FloatArray]:
    """Gamma-Gamma on the repeat purchases' mean spend (in currency units, cents / 100) and
    the discounted CLV over three years (§10); NaN where it cannot be known."""
    started = time.perf_counter()
    nothing = np.full(sources.n, np.nan)
    monetary = now.monetary / 100.0
    try:
        spend = gammagamma.fit(now.frequency, monetary)
    except ValueError as error:
        runs.add(ModelKind.GAMMA_GAMMA, started, used=False, note=str(error)[:500])
        return nothing, nothing
    runs.add(
        ModelKind.GAMMA_GAMMA,
        started,
        parameters={"p": _r(spend.p), "q": _r(spend.q), "v": _r(spend.v)},
        quality={"log_likelihood": _r(spend.log_likelihood), "customers": spend.customers},
        accounts=spend.customers,
        data_from=_first_purchase(sources),
        data_until=as_of,
    )
    expected_spend = np.where(
        now.bought, gammagamma.expected_spend(spend, now.frequency, monetary) * 100, np.nan
    )
    if scoring is None or not np.isfinite(spend.population_mean):
        return nothing, expected_spend
    return scoring.clv(spend, now, monetary) * 100, expected_spend


def risk_step(scored: ScoredDate) -> BoolArray:
    """The churn-risk step of a portfolio scoring run (kam.portfolio.steps, §6 R2): score
    the run's date and answer "churn risk high" per row."""
    outcome = score_risk(
        as_of=scored.as_of,
        account_ids=scored.account_ids.tolist(),
        columns=scored.columns,
        revenue=None if scored.revenue is None else (scored.revenue_base, scored.revenue),
    )
    return outcome.high
