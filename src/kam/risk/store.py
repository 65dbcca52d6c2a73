"""Writing what a risk scoring run computed (DOMAIN §10): the date's RiskScores and the
window's RiskMonths, through the store's bulk path (kam.core.bulk: SQLite executemany,
PostgreSQL COPY), each replaced whole. NaN is NULL; JSON is written once per row."""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db import connection, transaction

from kam.core.bulk import bulk_insert
from kam.core.months import month_end
from kam.risk.features import FEATURES
from kam.risk.models import RiskMonth, RiskScore

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, eq=False)
class ScoreRows:
    """The date's scores, one element per account row."""

    as_of: dt.date
    account_ids: IntArray
    p_alive: FloatArray
    expected_purchases: FloatArray
    churn_probability: FloatArray
    risk_level: npt.NDArray[np.str_]
    top_factors: list[list[dict[str, Any]]]
    features: FloatArray  # rows × FEATURES
    clv_cents: FloatArray
    expected_spend_cents: FloatArray
    contribution_cents: IntArray
    account_class: list[str]
    is_key: BoolArray
    computed_at: dt.datetime


@dataclass(frozen=True, eq=False)
class MonthRows:
    """The window's month ends (replaced whole) and one element per account and month end."""

    month_ends: list[dt.date]
    account_ids: IntArray
    month_end: IntArray  # month index
    churn_probability: FloatArray
    p_alive: FloatArray
    risk_level: npt.NDArray[np.str_]
    churned: BoolArray
    known: BoolArray  # the label's horizon has passed (otherwise churned is NULL)
    revenue_before_cents: IntArray


def _floats(values: FloatArray, digits: int = 6) -> list[float | None]:
    rounded = np.round(values.astype(np.float64), digits)
    # math.isfinite on Python floats: numpy's per value costs a second per 500,000 values.
    return [v if math.isfinite(v) else None for v in rounded.tolist()]


def _cents(values: FloatArray) -> list[int | None]:
    return [round(v) if math.isfinite(v) else None for v in values.tolist()]


@dataclass(frozen=True)
class Previous:
    """The account's latest score before the date (the alert's "from")."""

    as_of: dt.date
    churn_probability: float | None
    p_alive: float | None
    risk_level: str


def _previous(as_of: dt.date) -> dict[int, Previous]:
    day = (
        RiskScore.objects.filter(as_of__lt=as_of)
        .order_by("-as_of")
        .values_list("as_of", flat=True)
        .first()
    )
    if day is None:
        return {}
    return {
        pk: Previous(day, probability, alive, level)
        for pk, probability, alive, level in RiskScore.objects.filter(as_of=day)
        .order_by()
        .values_list("account_id", "churn_probability", "p_alive", "risk_level")
    }


def store_scores(scores: ScoreRows) -> dict[int, Previous]:
    """Replace the date's RiskScores whole; returns the scores of the date before (by
    account), read in the same transaction."""
    ops = connection.ops
    names = [
        "account_id",
        "as_of",
        "p_alive",
        "expected_purchases",
        "churn_probability",
        "risk_level",
        "top_factors",
        "features",
        "clv_cents",
        "expected_spend_cents",
        "contribution_cents",
        "account_class",
        "is_key",
        "computed_at",
    ]
    n = scores.account_ids.size
    feature_rows = np.round(scores.features, 6).tolist()
    features = [
        json.dumps(
            {
                name: (value if math.isfinite(value) else None)
                for name, value in zip(FEATURES, row, strict=True)
            }
        )
        for row in feature_rows
    ]
    columns: list[list[Any]] = [
        scores.account_ids.tolist(),
        [ops.adapt_datefield_value(scores.as_of)] * n,
        _floats(scores.p_alive),
        _floats(scores.expected_purchases),
        _floats(scores.churn_probability),
        scores.risk_level.tolist(),
        [json.dumps(row) for row in scores.top_factors],
        features,
        _cents(scores.clv_cents),
        _cents(scores.expected_spend_cents),
        scores.contribution_cents.tolist(),
        scores.account_class,
        scores.is_key.tolist(),
        [ops.adapt_datetimefield_value(scores.computed_at)] * n,
    ]
    with transaction.atomic():
        previous = _previous(scores.as_of)
        RiskScore.objects.filter(as_of=scores.as_of).delete()
        bulk_insert(RiskScore, names, list(zip(*columns, strict=True)))
    return previous


def store_months(months: MonthRows) -> None:
    """Replace the window's RiskMonths whole (the monthly history, §10)."""
    ops = connection.ops
    stored = {
        index: ops.adapt_datefield_value(month_end(int(index)))
        for index in np.unique(months.month_end).tolist()
    }
    # In the unique index's order (account, month end): its pages fill one after another
    # instead of each row landing on another page (a tenth to a quarter faster).
    order = np.lexsort((months.month_end, months.account_ids))
    churned = [
        bool(value) if known else None
        for value, known in zip(
            months.churned[order].tolist(), months.known[order].tolist(), strict=True
        )
    ]
    columns: list[list[Any]] = [
        months.account_ids[order].tolist(),
        [stored[index] for index in months.month_end[order].tolist()],
        _floats(months.churn_probability[order]),
        _floats(months.p_alive[order]),
        months.risk_level[order].tolist(),
        churned,
        months.revenue_before_cents[order].tolist(),
    ]
    names = [
        "account_id",
        "month_end",
        "churn_probability",
        "p_alive",
        "risk_level",
        "churned",
        "revenue_before_cents",
    ]
    with transaction.atomic():
        RiskMonth.objects.filter(month_end__in=months.month_ends).delete()
        bulk_insert(RiskMonth, names, list(zip(*columns, strict=True)))
