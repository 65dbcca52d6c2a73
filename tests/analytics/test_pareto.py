"""Pareto candidates (DOMAIN §2)."""

import numpy as np

from kam.analytics.pareto import rank


def codes(n: int) -> np.ndarray:
    return np.array([f"C{i:03d}" for i in range(n)])


def test_smallest_top_set_reaching_eighty_percent():
    # Given ten active accounts where the top two hold exactly 80 %.
    c = np.array([50, 30, 5, 5, 2, 2, 2, 2, 1, 1], dtype=np.int64)
    result = rank(c, np.ones(10, dtype=bool), codes(10))
    # Then both, and only both, are candidates: 80 % is reached on the boundary.
    assert list(np.flatnonzero(result.candidate)) == [0, 1]
    assert result.cumulative_share[1] == 0.8
    assert list(result.rank[:3]) == [1, 2, 3]


def test_cut_to_twenty_percent_of_active_accounts_rounded_up():
    # Given equal contributions, reaching 80 % needs 8 of 10, but the cap is ceil(0.2 × 11) = 3.
    c = np.array([10] * 10 + [0], dtype=np.int64)
    active = np.ones(11, dtype=bool)
    result = rank(c, active, codes(11))
    assert result.candidate.sum() == 3
    # Ties are broken by code ascending.
    assert list(np.flatnonzero(result.candidate)) == [0, 1, 2]
    assert result.rank[10] == 0  # C = 0 is not ranked


def test_inactive_and_non_positive_accounts_are_not_ranked():
    c = np.array([100, -5, 50, 40], dtype=np.int64)
    active = np.array([True, True, False, True])
    result = rank(c, active, codes(4))
    assert list(result.rank) == [1, 0, 0, 2]
    assert np.isnan(result.revenue_share[2])


def test_ties_broken_by_code_not_by_position():
    c = np.array([10, 10], dtype=np.int64)
    result = rank(c, np.ones(2, dtype=bool), np.array(["B", "A"]))
    assert list(result.rank) == [2, 1]


def test_no_ranked_accounts():
    result = rank(np.zeros(3, dtype=np.int64), np.zeros(3, dtype=bool), codes(3))
    assert not result.candidate.any()
