"""The potential–contribution matrix: levels, potential rules and class (DOMAIN §3)."""

from __future__ import annotations

import math
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


def _log_amount(cents: int) -> float:
    """A threshold in cents on a log axis of currency units; zero, which every positive
    amount reaches, is minus infinity."""
    return math.log10(cents / 100) if cents > 0 else -math.inf


def _without_collinear(ring: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """The ring without repeated vertices and without those on a straight edge."""
    points: list[tuple[float, float]] = []
    for p in ring:
        if not points or abs(p[0] - points[-1][0]) + abs(p[1] - points[-1][1]) > 1e-12:
            points.append(p)
    kept = []
    for i, (x, y) in enumerate(points):
        (x0, y0), (x1, y1) = points[i - 1], points[(i + 1) % len(points)]
        if abs((x - x0) * (y1 - y0) - (y - y0) * (x1 - x0)) > 1e-12:
            kept.append((x, y))
    return kept


@dataclass(frozen=True)
class ClassRegion:
    """One class's area of the matrix plane (§3): a polygon of (potential, contribution)
    vertices in currency units, its edges straight on log–log axes."""

    account_class: str
    vertices: tuple[tuple[float, float], ...]


def class_regions(
    rules: Rules, potential_range: tuple[float, float], contribution_range: tuple[float, float]
) -> list[ClassRegion]:
    """The areas of classes A–D on the potential × contribution plane inside the given
    ranges (currency units, log axes), as the rules of §3 make them.

    Contribution counts as high where C ≥ contribution_high and the relative rule does not
    lower it, that is where C ≥ f(P) = max(contribution_high, relative_share × P); elsewhere it
    is medium or low, which give the same classes. So A and B lie above f (P ≥ / < potential
    high), C and D below it (P ≥ / < potential medium). On log axes f is two straight pieces
    meeting at P = contribution_high / relative_share, so each area is a simple polygon.
    """
    if not (0 < potential_range[0] < potential_range[1]) or not (
        0 < contribution_range[0] < contribution_range[1]
    ):
        raise ValueError("the ranges must be increasing and positive")
    x0, x1 = (math.log10(v) for v in potential_range)
    y0, y1 = (math.log10(v) for v in contribution_range)
    high = _log_amount(rules.contribution_high_cents)
    share = float(rules.relative_share_threshold)
    shift = math.log10(share) if share > 0 else -math.inf

    def edge(x: float) -> float:  # f on log axes, held inside the contribution range
        return min(max(high, shift + x, y0), y1)

    def area(klass: str, a: float, b: float, above: bool) -> ClassRegion | None:
        a, b = max(a, x0), min(b, x1)
        if a >= b:
            return None
        # f's kinks inside [a, b]: its own, and where it leaves the contribution range.
        kinks = {a, b, high - shift, y0 - shift, y1 - shift} if share > 0 else {a, b}
        xs = sorted(x for x in kinks if a <= x <= b)
        curve = [(x, edge(x)) for x in xs]
        side = y1 if above else y0
        if all(abs(y - side) < 1e-12 for _, y in curve):
            return None  # f runs along the range's edge: nothing on this side
        ring = _without_collinear([(b, side), (a, side), *curve])
        if len(ring) < 3:
            return None
        vertices = tuple((float(10**x), float(10**y)) for x, y in ring)
        return ClassRegion(klass, vertices)

    p_high = _log_amount(rules.potential_high_cents)
    p_medium = _log_amount(rules.potential_medium_cents)
    found = [
        area("A", p_high, x1, above=True),
        area("B", x0, p_high, above=True),
        area("C", p_medium, x1, above=False),
        area("D", x0, p_medium, above=False),
    ]
    return [region for region in found if region is not None]
