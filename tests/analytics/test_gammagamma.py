"""Gamma-Gamma spend (DOMAIN §10): the published CDNOW values, the gradient, CLV."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy.optimize import check_grad

from kam.analytics import bgnbd, gammagamma
from kam.analytics.optimise import minimise

DATA = Path(__file__).parent.parent / "data"


@pytest.fixture(scope="module")
def cdnow() -> np.ndarray:
    return np.genfromtxt(
        DATA / "cdnow_customers_summary_with_transactions.csv", delimiter=",", names=True
    )


def test_cdnow_fit_matches_the_published_parameters(cdnow: np.ndarray) -> None:
    # Given CDNOW's customers, when fitted, then on its 946 repeat buyers FHL's p, q, γ.
    model = gammagamma.fit(cdnow["x"], cdnow["zbar"])
    assert model.customers == 946
    assert model.p == pytest.approx(6.25, abs=5e-3)
    assert model.q == pytest.approx(3.74, abs=5e-3)
    assert model.v == pytest.approx(15.44, abs=1e-2)
    assert model.log_likelihood == pytest.approx(-4055.92, abs=5e-3)
    # The expected average spend of customers 1–3 (the third never bought again).
    spend = gammagamma.expected_spend(model, cdnow["x"][:3], cdnow["zbar"][:3])
    assert spend == pytest.approx([24.65, 18.91, 35.17], abs=1e-2)
    assert spend[2] == pytest.approx(model.population_mean)


def test_gradient_is_the_analytic_derivative(cdnow: np.ndarray) -> None:
    data = gammagamma._repeat_buyers(cdnow["x"], cdnow["zbar"])
    theta = np.log([5.0, 3.0, 12.0])

    def gradient(t: np.ndarray) -> np.ndarray:
        return gammagamma._negative_and_gradient(t, data)[1]

    error = check_grad(lambda t: gammagamma._negative_and_gradient(t, data)[0], gradient, theta)
    assert error / np.linalg.norm(gradient(theta)) < 1e-5


def test_hessian_is_the_derivative_of_the_gradient(cdnow: np.ndarray) -> None:
    # The analytic Hessian Newton's method steps with equals central differences of the
    # analytic gradient.
    data = gammagamma._repeat_buyers(cdnow["x"], cdnow["zbar"])
    theta = np.log([5.0, 3.0, 12.0])
    _, _, hessian = gammagamma._negative(theta, data, hessian=True)
    assert hessian is not None
    step = 1e-6
    columns = []
    for i in range(3):
        shift = np.zeros(3)
        shift[i] = step
        ahead = gammagamma._negative_and_gradient(theta + shift, data)[1]
        behind = gammagamma._negative_and_gradient(theta - shift, data)[1]
        columns.append((ahead - behind) / (2 * step))
    np.testing.assert_allclose(
        hessian, np.column_stack(columns), rtol=0, atol=1e-6 * np.abs(hessian).max()
    )


def test_large_inputs_warm_started_fit_the_same_optimum() -> None:
    # Given 120,000 repeat buyers (above the warm-start size: the fit starts from a sample's
    # optimum), the fit ends where the gradient vanishes, and L-BFGS-B from the default start
    # ends there too (to 1e-6 relative: it stops where −LL's rounding hides further progress).
    rng = np.random.default_rng(2)
    x = rng.integers(1, 12, 120_000).astype(float)
    nu = rng.gamma(3.7, 1.0 / 15.4, x.size)
    m = rng.gamma(6.25 * x, 1.0 / nu) / x
    model = gammagamma.fit(x, m)
    data = gammagamma._repeat_buyers(x, m)
    fitted = np.array([model.p, model.q, model.v])
    _, gradient = gammagamma._negative_and_gradient(np.log(fitted), data)
    assert np.abs(gradient).max() < 1e-10
    result = minimise(
        gammagamma._negative_and_gradient, np.zeros(3), (data,), maxiter=2000, gtol=1e-11
    )
    np.testing.assert_allclose(fitted, np.exp(result.x), rtol=1e-6)


def test_too_few_repeat_buyers_are_refused() -> None:
    with pytest.raises(ValueError, match="three repeat buyers"):
        gammagamma.fit([0.0, 1.0, 2.0], [0.0, 10.0, 12.0])


# Repeat purchases and whole-cent totals of 49 accounts of a risk test: 48 spend ~2,000 a
# purchase, one 613,185. The search runs off towards p → ∞, v → 0.
RIDGE_FREQUENCY = [
    97, 121, 134, 67, 49, 37, 43, 49, 60, 55, 46, 62, 41, 50, 54, 94, 133, 111, 87, 44, 33,
    47, 118, 40, 41, 19, 54, 34, 21, 36, 28, 43, 47, 71, 33, 35, 105, 44, 84, 16, 39, 16, 34,
    72, 32, 37, 43, 48, 82,
]  # fmt: skip
RIDGE_TOTAL_CENTS = [
    19490320, 24354345, 26530860, 13286411, 10063197, 7542028, 8966324, 9772698, 12202387,
    10919492, 9121864, 11964170, 8269884, 10049749, 10574387, 18830161, 26510222, 22214951,
    17205869, 8808625, 6765632, 9324771, 23229997, 7882675, 8116371, 3591629, 10707023,
    7036201, 4224408, 7178324, 5555782, 8619873, 9475328, 14219121, 6476925, 7205638,
    20637948, 8688334, 16786703, 3347468, 7900260, 3239917, 6825400, 14284657, 6366702,
    7406873, 8608303, 9686924, 5028114857,
]  # fmt: skip


def test_spends_that_run_the_search_to_a_zero_parameter_still_fit() -> None:
    # Given spends so alike that the fit's search runs towards v = 0 (where the gradient
    # divided by zero and the whole risk scoring run stopped with ZeroDivisionError) and
    # p = e⁵⁹⁰, where −LL is rounding noise
    frequency = np.array(RIDGE_FREQUENCY, dtype=np.float64)
    monetary = np.array(RIDGE_TOTAL_CENTS) / 100 / frequency

    # When Gamma-Gamma is fitted
    model = gammagamma.fit(frequency, monetary)

    # Then it returns finite parameters, more likely than the search's start and no more
    # likely than certainty (spends of thousands have densities far below 1: LL < 0, where
    # a fit that believed rounding noise reported LL = 2·10²⁴⁵), whose expected spends stay
    # those of the data
    assert np.isfinite([model.p, model.q, model.v, model.log_likelihood]).all()
    data = gammagamma._repeat_buyers(frequency, monetary)
    start = np.log([2.0, 3.0, float(np.median(monetary))])
    at_start = -gammagamma._negative_and_gradient(start, data)[0] * data.x.size
    assert at_start < model.log_likelihood < 0
    spend = gammagamma.expected_spend(model, frequency, monetary)
    assert np.all((spend > 1_800) & (spend < 620_000))


def test_clv_sums_discounted_expected_purchases_times_spend() -> None:
    # Given fitted models, CLV over a year in weeks equals the purchases expected in each
    # week times the expected spend, discounted — and a higher rate lowers it.
    purchases = bgnbd.BgNbd(0.243, 4.414, 0.793, 2.426, 0.0, 0)
    spend = gammagamma.GammaGamma(6.25, 3.74, 15.44, 0.0, 0)
    x, t_x, age, m = np.array([2.0]), np.array([30.43]), np.array([38.86]), np.array([22.35])
    value = gammagamma.customer_lifetime_value(
        purchases, spend, x, t_x, age, m, horizon=52, periods_per_year=52, annual_discount_rate=0.1
    )
    weeks = np.arange(0, 53, dtype=float)
    cumulative = np.array([bgnbd.expected_purchases(purchases, w, x, t_x, age)[0] for w in weeks])
    per_week = np.diff(cumulative) / 1.1 ** (weeks[1:] / 52)
    by_hand = per_week.sum() * gammagamma.expected_spend(spend, x, m)[0]
    assert value[0] == pytest.approx(by_hand, rel=1e-9)
    undiscounted = gammagamma.customer_lifetime_value(
        purchases, spend, x, t_x, age, m, horizon=52, periods_per_year=52, annual_discount_rate=0
    )
    assert undiscounted[0] > value[0]
    assert undiscounted[0] == pytest.approx(
        cumulative[-1] * gammagamma.expected_spend(spend, x, m)[0]
    )
