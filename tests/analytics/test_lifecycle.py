"""Lifecycle stages and the revenue regression (DOMAIN §5)."""

import numpy as np
import pytest

from kam.analytics.lifecycle import first_revenue_month, stage
from kam.analytics.rules import Rules


def run(rows: list[list[int]]):
    y = np.array(rows, dtype=np.int64)
    return stage(y, first_revenue_month(y), Rules())


def test_prospect_and_recent_first_purchase_are_acquisition():
    zeros = [0] * 30
    five_months = [0] * 25 + [100] * 5
    six_months = [0] * 24 + [100] * 6
    result = run([zeros, five_months, six_months])
    assert list(result.stage) == ["acquisition", "acquisition", "maturity"]


def test_no_revenue_in_twelve_months_is_lost():
    result = run([[100] * 18 + [0] * 12, [100] * 17 + [0] * 12 + [5]])
    assert list(result.stage) == ["lost", "decline"]


def test_growth_and_decline():
    rising = [1000 + 100 * i + (7 if i % 2 else -7) for i in range(30)]
    falling = list(reversed(rising))
    result = run([rising, falling])
    assert list(result.stage) == ["growth", "decline"]
    assert result.months[0] == 24


def test_regression_matches_least_squares_over_the_window():
    rng = np.random.default_rng(3)
    y = rng.integers(0, 10_000, size=30)
    y[:20] = 0
    y[20] = 5  # first revenue month: column 20, so the window is columns 20..29 (10 months)
    result = run([list(y)])
    t = np.arange(10.0)
    window = y[20:].astype(float)
    design = np.column_stack([np.ones(10), t])
    coef, ssr, *_ = np.linalg.lstsq(design, window, rcond=None)
    se = np.sqrt(ssr[0] / 8 / ((t - t.mean()) ** 2).sum())
    assert result.slope[0] == pytest.approx(coef[1])
    assert result.t_statistic[0] == pytest.approx(coef[1] / se)
    assert result.relative_slope[0] == pytest.approx(12 * coef[1] / window.mean())
    assert result.months[0] == 10


def test_exact_line_gives_infinite_t_and_flat_gives_zero():
    line = [0] * 6 + [1000 + 50 * i for i in range(24)]
    flat = [500] * 30
    result = run([line, flat])
    assert result.t_statistic[0] == np.inf
    assert result.stage[0] == "growth"
    assert result.t_statistic[1] == 0
    assert result.stage[1] == "maturity"


def test_zero_months_count_as_zeros_and_slope_threshold_applies():
    # A significant but tiny upward trend (g < 5 %) is maturity.
    y = [100_000 + i + (1 if i % 2 else 0) for i in range(24)]
    result = run([y])
    assert result.t_statistic[0] > 2
    assert result.relative_slope[0] < 0.05
    assert result.stage[0] == "maturity"


def test_mean_at_or_below_zero_has_no_relative_slope():
    y = [100, -300] * 12
    y[0] = 100
    result = run([y])
    assert np.isnan(result.relative_slope[0])
    assert result.stage[0] == "maturity"
