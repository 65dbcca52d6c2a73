"""The intervention report's difference in differences (DOMAIN §10), on cases computed by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from kam.analytics.intervention import (
    HIGHER,
    LOWER,
    SPANS_ZERO,
    TOO_SMALL,
    difference_in_differences,
)

NAN = math.nan


def test_churn_rates_fall_for_the_treated_against_the_untreated() -> None:
    # Given six treated accounts, two churned before and none after, and five untreated ones,
    # none churned before and three after
    result = difference_in_differences([0, 0, 1, 0, 0, 1], [0] * 6, [0] * 5, [1, 1, 0, 0, 1])

    # Then the rates, changes and δ are the hand-computed ones
    assert result.treated.accounts == 6
    assert result.treated.before == pytest.approx(2 / 6)
    assert result.treated.after == 0
    assert result.untreated.after == pytest.approx(0.6)
    assert result.estimate == pytest.approx(-1 / 3 - 0.6)
    # s²_T = (4·(1/3)² + 2·(2/3)²)/5 = 4/15, s²_U = (3·0.4² + 2·0.6²)/4 = 0.3
    assert result.treated.variance == pytest.approx(4 / 15)
    assert result.untreated.variance == pytest.approx(0.3)
    assert result.standard_error == pytest.approx(math.sqrt(4 / 15 / 6 + 0.3 / 5))
    # Welch–Satterthwaite: (0.104444)² / ((4/90)²/5 + 0.06²/4) = 8.4233
    assert result.degrees_of_freedom == pytest.approx(8.42326, rel=1e-5)
    # t(0.975, 8.4233) = 2.28598: δ ± 0.73878
    assert result.low == pytest.approx(-1.67212, abs=1e-5)
    assert result.high == pytest.approx(-0.19455, abs=1e-5)
    assert result.verdict == LOWER
    assert result.conclusive


def test_a_binary_outcome_counts_two_pseudo_accounts_in_its_error() -> None:
    # Given the churn case above, as a binary outcome
    result = difference_in_differences(
        [0, 0, 1, 0, 0, 1], [0] * 6, [0] * 5, [1, 1, 0, 0, 1], binary=True
    )

    # Then δ is unchanged, and the error counts a +1 and a −1 more per group:
    # treated changes 0,0,−1,0,0,−1,+1,−1: s² = 3.5/7; untreated 1,1,0,0,1,+1,−1: s² = 13/21
    assert result.estimate == pytest.approx(-1 / 3 - 0.6)
    assert result.standard_error == pytest.approx(math.sqrt(0.5 / 8 + 13 / 21 / 7))
    assert result.verdict == LOWER


def test_a_binary_group_where_nothing_changed_still_carries_error() -> None:
    # Given fifteen treated accounts none of which churned, before or after
    result = difference_in_differences([0] * 15, [0] * 15, [0] * 6, [1, 0, 0, 0, 0, 0], binary=True)

    # Then the treated group's error is that of 15 accounts, not zero, and the
    # interval of a single untreated churn spans zero
    assert result.standard_error is not None
    assert result.standard_error > math.sqrt(1 / 6 / 6)
    assert result.verdict == SPANS_ZERO


def test_csat_rises_for_the_treated_with_eight_degrees_of_freedom() -> None:
    # Given five treated accounts whose CSAT changed 1, 0, 1, 1, 0 and five untreated ones
    # whose CSAT changed −1, 0, 0, −1, 0 (equal variances 0.3, so df = 8)
    result = difference_in_differences(
        [3, 4, 4, 3, 5], [4, 4, 5, 4, 5], [4, 4, 3, 4, 4], [3, 4, 3, 3, 4]
    )

    # Then δ = 0.6 − (−0.4) = 1, SE = √(0.06 + 0.06), and t(0.975, 8) = 2.306004
    assert result.treated.before == pytest.approx(3.8)
    assert result.treated.after == pytest.approx(4.4)
    assert result.untreated.change == pytest.approx(-0.4)
    assert result.estimate == pytest.approx(1.0)
    assert result.standard_error == pytest.approx(math.sqrt(0.12))
    assert result.degrees_of_freedom == pytest.approx(8.0)
    assert result.low == pytest.approx(1 - 2.306004 * math.sqrt(0.12), abs=1e-6)
    assert result.verdict == HIGHER


def test_the_standard_error_is_the_regressions_hc2_robust_one() -> None:
    # Given changes of two groups of unequal sizes and spreads
    rng = np.random.default_rng(3)
    before_t, after_t = rng.normal(3, 1, 9), rng.normal(3.5, 1.4, 9)
    before_u, after_u = rng.normal(3, 1, 14), rng.normal(3.1, 0.7, 14)
    result = difference_in_differences(before_t, after_t, before_u, after_u)

    # When the first-difference regression Δ = a + δ·treated is fitted with HC2 errors
    change = np.concatenate([after_t - before_t, after_u - before_u])
    x = np.column_stack([np.ones(23), np.r_[np.ones(9), np.zeros(14)]])
    inverse = np.linalg.inv(x.T @ x)
    coefficients = inverse @ x.T @ change
    residuals = change - x @ coefficients
    leverage = np.einsum("ij,jk,ik->i", x, inverse, x)
    meat = x.T @ (x * (residuals**2 / (1 - leverage))[:, None])
    hc2 = inverse @ meat @ inverse

    # Then δ and its standard error are the regression's
    assert result.estimate == pytest.approx(coefficients[1])
    assert result.standard_error == pytest.approx(math.sqrt(hc2[1, 1]))


def test_an_interval_spanning_zero_is_too_small_to_conclude() -> None:
    # Given both groups changing about alike
    result = difference_in_differences(
        [0, 1, 0, 1, 0, 0], [0, 0, 1, 1, 0, 1], [0, 1, 0, 0, 1], [1, 0, 0, 1, 1]
    )

    assert result.low is not None
    assert result.high is not None
    assert result.low < 0 < result.high
    assert result.verdict == SPANS_ZERO
    assert not result.conclusive


def test_a_group_below_the_minimum_is_too_small_even_with_a_clear_difference() -> None:
    # Given four treated accounts that all recovered and five untreated ones that all churned
    result = difference_in_differences([1] * 4, [0] * 4, [0] * 5, [1] * 5)

    # Then the estimate is shown, exact (no spread at all), but not concluded on
    assert result.estimate == pytest.approx(-2.0)
    assert result.standard_error == 0
    assert result.low == result.high == pytest.approx(-2.0)
    assert result.verdict == TOO_SMALL


def test_accounts_missing_a_measurement_are_left_out() -> None:
    # Given a treated account without an "after" CSAT and an untreated one without "before"
    result = difference_in_differences([3, 4, NAN, 2], [4, NAN, 5, 3], [4, NAN, 3], [3, 4, 4])

    # Then only the accounts measured both times count
    assert result.treated.accounts == 2
    assert result.treated.before == pytest.approx(2.5)
    assert result.untreated.accounts == 2
    assert result.untreated.change == pytest.approx(0.0)
    assert result.verdict == TOO_SMALL


def test_an_empty_or_single_account_group_has_no_interval() -> None:
    empty = difference_in_differences([], [], [0, 1], [1, 1])
    single = difference_in_differences([1], [0], [0, 1], [1, 1])

    assert empty.treated.accounts == 0
    assert empty.treated.before is None
    assert empty.estimate is None
    assert empty.verdict == TOO_SMALL
    assert single.estimate == pytest.approx(-1.5)
    assert single.standard_error is None
    assert single.verdict == TOO_SMALL


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="one value per account"):
        difference_in_differences([0, 1], [0], [0], [0])
    with pytest.raises(ValueError, match="confidence"):
        difference_in_differences([0], [0], [0], [0], confidence=1.0)
