"""Percentile ranks and the multi-factor score (DOMAIN §2)."""

import numpy as np
import pytest

from kam.analytics.rules import Weights
from kam.analytics.score import FACTORS, percentile_rank, rating, score


def test_percentile_rank_averages_ties():
    values = np.array([10.0, 20.0, 20.0, 40.0, 99.0])
    present = np.array([True, True, True, True, False])
    ranks = percentile_rank(values, present)
    # Ranks 1, 2.5, 2.5, 4 among n = 4 → (r − 1) / 3.
    assert ranks[:4] == pytest.approx([0.0, 0.5, 0.5, 1.0])
    assert np.isnan(ranks[4])


def test_percentile_rank_single_value_is_one():
    assert percentile_rank(np.array([5.0, 7.0]), np.array([False, True]))[1] == 1.0


def test_rating_normalises_one_to_five():
    assert list(rating(np.array([1.0, 3.0, 5.0]))) == [0.0, 0.5, 1.0]


def _factors(**values: float) -> dict[str, np.ndarray]:
    return {name: np.array([values.get(name, np.nan)]) for name in FACTORS}


def test_score_over_present_factors_only():
    # Given only contribution (1.0, w 0.30) and credit (0.5, w 0.10)
    result = score(_factors(contribution=1.0, credit_reputation=0.5), Weights())
    # Then S = 100 × (0.30 + 0.05) / 0.40
    assert result.score[0] == pytest.approx(87.5)
    assert np.isnan(result.factors["growth"][0])


def test_score_lands_exactly_on_seventy():
    # 0.7 in every factor must give 70, not 69.99999999999999.
    result = score(_factors(**dict.fromkeys(FACTORS, 0.7)), Weights())
    assert result.score[0] >= 70


def test_no_factor_no_score():
    assert np.isnan(score(_factors(), Weights()).score[0])
