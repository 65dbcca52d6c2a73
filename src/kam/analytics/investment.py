"""Investment ratio, ROI and the class bands (DOMAIN §4)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kam.analytics.rules import Rules, as_fraction

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
StrArray = npt.NDArray[np.str_]

WITHIN, BELOW, ABOVE, UNDEFINED = "within", "below", "above", ""


@dataclass(frozen=True)
class Investment:
    """Per account: investment ratio I / C and ROI (M − I) / I (NaN when undefined) and the
    position of the ratio against the class band."""

    ratio: FloatArray
    roi: FloatArray
    band: StrArray


def evaluate(
    investment: IntArray,
    contribution: IntArray,
    margin: IntArray,
    account_class: StrArray,
    rules: Rules,
) -> Investment:
    """Investment figures of §4; band edges belong to the band and are compared exactly."""
    investment = investment.astype(np.int64)
    contribution = contribution.astype(np.int64)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(
            contribution > 0, investment / np.where(contribution > 0, contribution, 1), np.nan
        )
        roi = np.where(
            investment != 0,
            (margin - investment) / np.where(investment != 0, investment, 1),
            np.nan,
        )
    band = np.full(investment.shape[0], UNDEFINED, dtype=object)
    for klass, limits in rules.bands.items():
        rows = (account_class == klass) & (contribution > 0)
        low, high = as_fraction(limits.low), as_fraction(limits.high)
        # I / C < p/q  <=>  I * q < p * C, since C > 0.
        below = rows & (investment * low.denominator < low.numerator * contribution)
        above = rows & (investment * high.denominator > high.numerator * contribution)
        band[rows] = WITHIN
        band[below] = BELOW
        band[above] = ABOVE
    return Investment(ratio, roi, band.astype(str))
