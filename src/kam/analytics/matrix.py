"""The potential–contribution matrix: levels, potential rules and class (DOMAIN §3)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kam.analytics.rules import Rules, as_fraction

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

HIGH, MEDIUM, LOW = "high", "medium", "low"
LEVELS = np.array([LOW, MEDIUM, HIGH])
CLASSES = ("A", "B", "C", "D")
# Rows: contribution level (low, medium, high); columns: potential level (low, medium, high).
_CLASS_TABLE = np.array(
    [
        ["D", "C", "C"],
        ["D", "C", "C"],
        ["B", "B", "A"],
    ]
)


@dataclass(frozen=True)
class Classification:
    """Per account: effective potential (cents), share of wallet, levels, flags and class."""

    potential: IntArray
    share_of_wallet: FloatArray
    contribution_level: npt.NDArray[np.str_]
    potential_level: npt.NDArray[np.str_]
    account_class: npt.NDArray[np.str_]
    potential_missing: BoolArray
    potential_below_contribution: BoolArray
    potential_stale: BoolArray
    relative_rule: BoolArray


def _level(values: IntArray, high: int, medium: int) -> IntArray:
    """0 low, 1 medium, 2 high; a value on a boundary belongs to the upper level."""
    return (values >= medium).astype(np.int64) + (values >= high).astype(np.int64)


def effective_potential(
    contribution: IntArray, potential: IntArray, has_estimate: BoolArray
) -> tuple[IntArray, BoolArray, BoolArray]:
    """P after the potential rules of §3: missing or below C → C. Returns P, missing, below."""
    missing = ~has_estimate
    below = has_estimate & (potential < contribution)
    effective = np.where(missing | below, contribution, potential).astype(np.int64)
    return effective, missing, below


def classify(
    contribution: IntArray,
    potential: IntArray,
    potential_age_months: FloatArray,
    rules: Rules,
) -> Classification:
    """Classify every account at once (§3).

    `potential` is the latest estimate in cents and `potential_age_months` its age in months
    (NaN where there is no estimate; fractional, so 12 months and a day is more than 12).
    """
    contribution = contribution.astype(np.int64)
    has_estimate = ~np.isnan(potential_age_months)
    raw = np.where(has_estimate, potential, 0).astype(np.int64)
    effective, missing, below = effective_potential(contribution, raw, has_estimate)
    stale = has_estimate & (np.nan_to_num(potential_age_months) > rules.potential_max_age_months)

    c_level = _level(contribution, rules.contribution_high_cents, rules.contribution_medium_cents)
    # Relative rule: P > 0 and C / P < threshold, tested as C * q < p * P in integers.
    threshold = as_fraction(rules.relative_share_threshold)
    relative = (effective > 0) & (
        contribution * threshold.denominator < threshold.numerator * effective
    )
    relative &= c_level > 0
    c_level = c_level - relative.astype(np.int64)
    p_level = _level(effective, rules.potential_high_cents, rules.potential_medium_cents)
    with np.errstate(invalid="ignore", divide="ignore"):
        sow = np.where(effective > 0, contribution / np.where(effective > 0, effective, 1), np.nan)
    return Classification(
        potential=effective,
        share_of_wallet=sow,
        contribution_level=LEVELS[c_level],
        potential_level=LEVELS[p_level],
        account_class=_CLASS_TABLE[c_level, p_level],
        potential_missing=missing,
        potential_below_contribution=below,
        potential_stale=stale,
        relative_rule=relative,
    )


def density_cells(
    potential: FloatArray, contribution: FloatArray, per_decade: int = 6
) -> dict[tuple[int, int], int]:
    """Count positive (potential, contribution) points on log cells `per_decade` to a power
    of ten on both axes (the matrix's log axes): cell (i, j) holds the points with potential
    in [10**(i/per_decade), 10**((i+1)/per_decade)) and contribution likewise in j.

    The grid does not depend on the points, so counts of two sets add and subtract cell by
    cell (a stored count of every account less the accounts drawn as bubbles)."""
    if per_decade < 1:
        raise ValueError("per_decade must be at least 1")
    with np.errstate(divide="ignore", invalid="ignore"):  # refused just below
        x = np.log10(np.asarray(potential, dtype=np.float64))
        y = np.log10(np.asarray(contribution, dtype=np.float64))
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        raise ValueError("potential and contribution must be positive")
    if x.size == 0:
        return {}
    cells = np.stack([np.floor(x * per_decade), np.floor(y * per_decade)], axis=1)
    found, counts = np.unique(cells.astype(np.int64), axis=0, return_counts=True)
    return {(int(i), int(j)): int(n) for (i, j), n in zip(found, counts, strict=True)}


def cell_edge(index: int, per_decade: int) -> float:
    """Where log cell `index` of `density_cells` starts on its axis."""
    return float(10 ** (index / per_decade))
