"""Pareto ranking of accounts by contribution (DOMAIN §2)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import numpy.typing as npt

from kam.analytics.rules import as_fraction

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Pareto:
    """Per account: rank (1 = largest C, 0 = not ranked), revenue share and cumulative share
    of the ranked total, and whether it is a Pareto candidate."""

    rank: IntArray
    revenue_share: FloatArray
    cumulative_share: FloatArray
    candidate: BoolArray


def order_by_contribution(contribution: IntArray, codes: npt.NDArray[np.str_]) -> IntArray:
    """Indices by contribution descending, ties by account code ascending (DOMAIN "Months")."""
    # lexsort sorts by the last key first; codes break ties.
    return np.lexsort((codes, -contribution)).astype(np.int64)


def rank(
    contribution: IntArray,
    active: BoolArray,
    codes: npt.NDArray[np.str_],
    revenue_share: Decimal = Decimal("0.80"),
    max_account_share: Decimal = Decimal("0.20"),
) -> Pareto:
    """Rank active accounts with C > 0 and mark the candidates (§2).

    Candidates are the smallest top set whose cumulative share of the ranked total reaches
    `revenue_share`, cut to at most ceil(`max_account_share` × active accounts). The share test
    is done in integers, so an account landing exactly on 80 % is counted as reaching it.
    """
    n = contribution.shape[0]
    ranked = active & (contribution > 0)
    idx = np.flatnonzero(ranked)
    order = idx[order_by_contribution(contribution[idx], codes[idx])]
    ranks = np.zeros(n, dtype=np.int64)
    share = np.full(n, np.nan)
    cumulative = np.full(n, np.nan)
    candidate = np.zeros(n, dtype=bool)
    if order.size == 0:
        return Pareto(ranks, share, cumulative, candidate)
    values = contribution[order]
    running = np.cumsum(values)
    total = int(running[-1])
    ranks[order] = np.arange(1, order.size + 1)
    share[order] = values / total
    cumulative[order] = running / total
    target = as_fraction(revenue_share)
    # running / total >= p/q  <=>  running * q >= p * total, exact in integers.
    reached = running * target.denominator >= target.numerator * total
    size = int(np.argmax(reached)) + 1 if reached.any() else order.size
    cap_share = as_fraction(max_account_share)
    n_active = int(active.sum())
    cap = -(-cap_share.numerator * n_active // cap_share.denominator)
    candidate[order[: min(size, cap)]] = True
    return Pareto(ranks, share, cumulative, candidate)
