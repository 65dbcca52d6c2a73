"""The multi-factor key-account score with its per-factor breakdown (DOMAIN §2)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kam.analytics.rules import Weights

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

FACTORS = (
    "contribution",
    "potential",
    "growth",
    "margin",
    "strategic_importance",
    "technical_fit",
    "credit_reputation",
)


def percentile_rank(values: FloatArray, present: BoolArray) -> FloatArray:
    """(rank − 1) / (n − 1) among the present values, ties at their average rank; 1.0 when
    n = 1; NaN where absent (§2)."""
    out = np.full(values.shape[0], np.nan)
    idx = np.flatnonzero(present)
    n = idx.size
    if n == 0:
        return out
    if n == 1:
        out[idx] = 1.0
        return out
    vals = values[idx]
    order = np.argsort(vals, kind="stable")
    sorted_vals = vals[order]
    # Each run of equal values gets the mean of the ordinal ranks it spans.
    starts = np.concatenate(([True], sorted_vals[1:] != sorted_vals[:-1]))
    run_id = np.cumsum(starts) - 1
    first = np.flatnonzero(starts)
    last = np.concatenate((first[1:], [n])) - 1
    average = (first + last) / 2.0 + 1.0
    ranks = np.empty(n)
    ranks[order] = average[run_id]
    out[idx] = (ranks - 1.0) / (n - 1)
    return out


def rating(values: FloatArray) -> FloatArray:
    """A 1–5 rating normalised to 0–1; NaN stays missing."""
    return (values - 1.0) / 4.0


@dataclass(frozen=True)
class Score:
    """Score 0–100 (NaN when no factor is present) and each normalised factor (NaN = missing)."""

    score: FloatArray
    factors: dict[str, FloatArray]


def score(factors: dict[str, FloatArray], weights: Weights) -> Score:
    """S = 100 × Σ wᵢfᵢ / Σ wᵢ over the factors present (§2).

    Rounded to 9 decimals so that sums of fractions like 0.7 land on the threshold they equal
    rather than a hair below it.
    """
    n = next(iter(factors.values())).shape[0]
    weighted = np.zeros(n)
    weight_sum = np.zeros(n)
    for name in FACTORS:
        f = factors[name]
        w = float(getattr(weights, name))
        present = ~np.isnan(f)
        weighted += np.where(present, w * np.nan_to_num(f), 0.0)
        weight_sum += np.where(present, w, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        s = np.where(weight_sum > 0, 100.0 * weighted / weight_sum, np.nan)
    return Score(np.round(s, 9).astype(np.float64), {name: factors[name] for name in FACTORS})
