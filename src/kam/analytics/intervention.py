"""Did the win-back work? A difference in differences of one outcome between the accounts a
plan treated and the at-risk accounts it did not, before against after (DOMAIN §10,
docs/rules.md "Intervention report (§10)").

Each account is measured twice, before and after its index date; an account missing either
measurement (NaN) is left out of that outcome. The outcome is either binary (churned 1 or 0:
the group figures are rates) or numeric (a CSAT mean: the figures are means).

Method: the two-period difference-in-differences regression
``y = α + β·treated + γ·after + δ·treated·after`` estimated in first differences, i.e. the
change per account ``Δ = after − before`` regressed on the treatment dummy. For a binary
outcome this is the linear probability model. Then δ = mean(Δ treated) − mean(Δ untreated),
and its heteroskedasticity-robust (HC2) standard error in this two-group regression is exactly
√(s²_T/n_T + s²_U/n_U), with s² the sample variances (n − 1) of the changes. The 95 % interval
uses Student's t with the Welch–Satterthwaite degrees of freedom, so a handful of accounts
gets the wide interval it deserves. For a binary outcome (`binary=True`) the error and the
degrees of freedom count two pseudo-accounts more per group, one changing +1 and one −1 (the
add-two idea of Agresti & Caffo's interval for a difference of proportions): without it a
group where nothing changed ("none churned, before or after") would carry no error at all.

The verdict is "too small to conclude" when either group has fewer than `MIN_GROUP` measured
accounts, or when the interval spans zero (the data cannot tell the change apart from none);
otherwise the treated group's change was lower or higher than the untreated group's.

Pure: numpy and scipy; arrays in, a frozen dataclass out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import stats

FloatArray = npt.NDArray[np.float64]

MIN_GROUP = 5  # fewer measured accounts in a group than this: too small to conclude
CONFIDENCE = 0.95

TOO_SMALL = "too_small"  # a group below MIN_GROUP
SPANS_ZERO = "spans_zero"  # the interval includes no difference at all
LOWER = "lower"  # the treated group's outcome moved down against the untreated group's
HIGHER = "higher"
CONCLUSIVE = (LOWER, HIGHER)


@dataclass(frozen=True)
class GroupChange:
    """One group's accounts measured both before and after, and its figures (a rate for a
    binary outcome, a mean otherwise; None when no account was measured)."""

    accounts: int
    before: float | None
    after: float | None
    change: float | None
    variance: float | None  # sample variance of the per-account changes (n − 1); None below 2


@dataclass(frozen=True)
class DifferenceInDifferences:
    """δ = treated change − untreated change, its robust standard error, the interval and the
    verdict (one of TOO_SMALL, SPANS_ZERO, LOWER, HIGHER)."""

    treated: GroupChange
    untreated: GroupChange
    estimate: float | None
    standard_error: float | None
    degrees_of_freedom: float | None
    low: float | None
    high: float | None
    confidence: float
    minimum: int
    verdict: str

    @property
    def conclusive(self) -> bool:
        return self.verdict in CONCLUSIVE


def _as_array(values: npt.ArrayLike) -> FloatArray:
    array = np.asarray(values, dtype=np.float64).reshape(-1)
    return array


def _group(before: npt.ArrayLike, after: npt.ArrayLike) -> tuple[GroupChange, FloatArray]:
    b, a = _as_array(before), _as_array(after)
    if b.shape != a.shape:
        raise ValueError("before and after need one value per account each")
    measured = np.isfinite(b) & np.isfinite(a)
    b, a = b[measured], a[measured]
    changes = a - b
    n = int(changes.size)
    if n == 0:
        return GroupChange(0, None, None, None, None), changes
    variance = float(changes.var(ddof=1)) if n >= 2 else None
    return (
        GroupChange(n, float(b.mean()), float(a.mean()), float(changes.mean()), variance),
        changes,
    )


def difference_in_differences(
    treated_before: npt.ArrayLike,
    treated_after: npt.ArrayLike,
    untreated_before: npt.ArrayLike,
    untreated_after: npt.ArrayLike,
    *,
    minimum: int = MIN_GROUP,
    confidence: float = CONFIDENCE,
    binary: bool = False,
) -> DifferenceInDifferences:
    """§10's intervention report for one outcome: per-account values before and after (NaN:
    not measured), one array per group and period; see the module docstring for the method.

    Raises ValueError when a group's before and after arrays differ in length, or the
    confidence is not strictly between 0 and 1."""
    if not 0 < confidence < 1:
        raise ValueError("confidence is strictly between 0 and 1")
    treated, dt_ = _group(treated_before, treated_after)
    untreated, du = _group(untreated_before, untreated_after)
    if treated.change is None or untreated.change is None:
        return DifferenceInDifferences(
            treated, untreated, None, None, None, None, None, confidence, minimum, TOO_SMALL
        )
    estimate = treated.change - untreated.change
    if treated.variance is None or untreated.variance is None:
        # One account in a group: no variance, so no interval.
        return DifferenceInDifferences(
            treated, untreated, estimate, None, None, None, None, confidence, minimum, TOO_SMALL
        )
    if binary:
        # Add-two (after Agresti & Caffo 2000): each group's error counts two more accounts,
        # one changing +1 and one −1, so "0 of 15 churned, before and after" still carries
        # the uncertainty of 15 accounts instead of none. The estimate is not adjusted.
        dt_, du = (np.concatenate([d, [1.0, -1.0]]) for d in (dt_, du))
        share_t, share_u = (float(d.var(ddof=1)) / d.size for d in (dt_, du))
    else:
        share_t = treated.variance / dt_.size
        share_u = untreated.variance / du.size
    variance = share_t + share_u
    standard_error = math.sqrt(variance)
    if variance > 0:
        df = variance**2 / (share_t**2 / (dt_.size - 1) + share_u**2 / (du.size - 1))
        critical = float(stats.t.ppf(0.5 + confidence / 2, df))
    else:
        df, critical = math.inf, 0.0  # every account changed alike: the estimate is exact
    low, high = estimate - critical * standard_error, estimate + critical * standard_error
    if treated.accounts < minimum or untreated.accounts < minimum:
        verdict = TOO_SMALL
    elif low <= 0 <= high:
        verdict = SPANS_ZERO
    else:
        verdict = LOWER if estimate < 0 else HIGHER
    return DifferenceInDifferences(
        treated,
        untreated,
        estimate,
        standard_error,
        None if math.isinf(df) else df,
        low,
        high,
        confidence,
        minimum,
        verdict,
    )
