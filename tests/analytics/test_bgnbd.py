"""BG/NBD (DOMAIN §10): the published CDNOW values, lifetimes' values on its example
transactions, the analytic gradient, and the covariate model recovering known coefficients."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from scipy.optimize import check_grad

from kam.analytics import bgnbd
from kam.analytics.optimise import minimise, newton

DATA = Path(__file__).parent.parent / "data"


def cdnow() -> bgnbd.Summary:
    table = np.genfromtxt(DATA / "cdnow_customers_summary.csv", delimiter=",", names=True)
    return bgnbd.group(table["frequency"], table["recency"], table["T"])


@pytest.fixture(scope="module")
def cdnow_fit() -> bgnbd.BgNbd:
    return bgnbd.fit(cdnow())


def test_cdnow_fit_matches_the_published_parameters(cdnow_fit: bgnbd.BgNbd) -> None:
    # Given CDNOW's 2,357 customers over 39 weeks, when fitted, then FHL 2005's table.
    assert cdnow_fit.customers == 2357
    assert cdnow_fit.r == pytest.approx(0.243, abs=5e-4)
    assert cdnow_fit.alpha == pytest.approx(4.414, abs=5e-4)
    assert cdnow_fit.a == pytest.approx(0.793, abs=5e-4)
    assert cdnow_fit.b == pytest.approx(2.426, abs=5e-4)
    assert cdnow_fit.log_likelihood == pytest.approx(-9582.4, abs=0.05)


def test_grouping_identical_customers_changes_nothing() -> None:
    # Given CDNOW grouped (far fewer rows than customers), the likelihood equals the sum of
    # the per-customer terms.
    grouped = cdnow()
    assert grouped.frequency.size < grouped.customers
    table = np.genfromtxt(DATA / "cdnow_customers_summary.csv", delimiter=",", names=True)
    each = bgnbd.Summary(table["frequency"], table["recency"], table["T"], np.ones(table.shape[0]))
    params = (0.3, 4.0, 0.8, 2.0)
    assert bgnbd.log_likelihood(params, grouped) == pytest.approx(
        bgnbd.log_likelihood(params, each), rel=1e-12
    )


def test_cdnow_conditional_expectation(cdnow_fit: bgnbd.BgNbd) -> None:
    # The customer with x=2, tₓ=30.43, T=38.86 expects 1.226 purchases in the next 39 weeks.
    expected = bgnbd.expected_purchases(cdnow_fit, 39, [2.0], [30.43], [38.86])
    assert expected[0] == pytest.approx(1.226, abs=5e-4)


def test_cdnow_expected_purchases_of_a_new_customer(cdnow_fit: bgnbd.BgNbd) -> None:
    # E[X(t)] at 1, 3 and 78 weeks: FHL 2005 publish 0.0532, 0.1506 and 1.8576; at 78 weeks
    # the optimum itself gives 1.8580 (lifetimes' BetaGeoFitter too: 1.85797), the paper's
    # rounding of it differs by 2e-4 relative.
    values = bgnbd.expected_purchases_new(cdnow_fit, [1.0, 3.0, 78.0])
    assert values[0] == pytest.approx(0.0532, abs=5e-5)
    assert values[1] == pytest.approx(0.1506, abs=5e-5)
    assert values[2] == pytest.approx(1.8576, rel=3e-4)
    assert values[2] == pytest.approx(1.85797170, rel=1e-6)


def test_probability_alive() -> None:
    # Given a model, a customer who never bought again is surely alive; one who bought often
    # long ago is less likely alive than one who bought as often recently.
    model = bgnbd.BgNbd(0.243, 4.414, 0.793, 2.426, 0.0, 0)
    alive = bgnbd.probability_alive(model, [0.0, 5.0, 5.0], [0.0, 5.0, 38.0], [39.0] * 3)
    assert alive[0] == 1.0
    assert alive[1] < alive[2] < 1.0


def test_gradient_is_the_analytic_derivative() -> None:
    data = cdnow()
    theta = np.log([0.3, 5.0, 0.9, 2.0])

    def value(t: np.ndarray) -> float:
        return bgnbd._negative_and_gradient(t, data)[0]

    def gradient(t: np.ndarray) -> np.ndarray:
        return bgnbd._negative_and_gradient(t, data)[1]

    error = check_grad(value, gradient, theta)
    assert error / np.linalg.norm(gradient(theta)) < 1e-5


def _hessian_by_differences(data: bgnbd.Summary, theta: np.ndarray) -> np.ndarray:
    step = 1e-6
    columns = []
    for i in range(theta.size):
        shift = np.zeros(theta.size)
        shift[i] = step
        ahead = bgnbd._negative_and_gradient(theta + shift, data)[1]
        behind = bgnbd._negative_and_gradient(theta - shift, data)[1]
        columns.append((ahead - behind) / (2 * step))
    return np.column_stack(columns)


@pytest.mark.parametrize("weights", ["grouped", "one by one"])
def test_hessian_is_the_derivative_of_the_gradient(weights: str) -> None:
    # Given CDNOW grouped (weights > 1) or row by row (weights dropped), the analytic Hessian
    # Newton's method steps with equals central differences of the analytic gradient.
    table = np.genfromtxt(DATA / "cdnow_customers_summary.csv", delimiter=",", names=True)
    data = (
        cdnow()
        if weights == "grouped"
        else bgnbd.Summary(
            table["frequency"], table["recency"], table["T"], np.ones(table.shape[0])
        )
    )
    theta = np.log([0.3, 5.0, 0.9, 2.0])
    _, _, hessian = bgnbd._negative(theta, data, hessian=True)
    assert hessian is not None
    np.testing.assert_allclose(hessian, hessian.T, rtol=0, atol=1e-9)
    np.testing.assert_allclose(
        hessian, _hessian_by_differences(data, theta), rtol=0, atol=1e-6 * np.abs(hessian).max()
    )


def test_newton_and_lbfgs_reach_one_optimum() -> None:
    # Given CDNOW, the Newton fit ends where the gradient vanishes, and L-BFGS-B (the
    # fallback) from the same start ends there too, to 1e-6 relative.
    data = cdnow()
    model = bgnbd.fit(data)
    _, gradient = bgnbd._mean_negative(np.log(model.params()), data)
    assert np.abs(gradient).max() < 1e-10
    result = minimise(bgnbd._mean_negative, bgnbd.START, (data,), maxiter=2000, gtol=1e-10)
    np.testing.assert_allclose(model.params(), np.exp(result.x), rtol=1e-6)


def test_data_that_do_not_identify_the_model_still_fit_on_the_ridge() -> None:
    # Given four customers who all kept buying (nobody drops out, so a and b run off to
    # infinity together), Newton stops where the likelihood is flat along its step, at least
    # as high as L-BFGS-B's from the same start, and the fit keeps that finite point.
    data = bgnbd.group([5.0, 10.0, 3.0, 7.0], [20.0, 29.0, 10.0, 25.0], [30.0] * 4)
    newton_alone = newton(bgnbd._mean_negative_hessian, bgnbd.START, (data,))
    lbfgs_alone = minimise(bgnbd._mean_negative, bgnbd.START, (data,), gtol=1e-9)

    model = bgnbd.fit(data)

    assert (newton_alone.success, newton_alone.message) == (True, "flat along the step")
    assert newton_alone.fun <= float(lbfgs_alone.fun)
    assert np.isfinite(model.params()).all()
    assert model.log_likelihood == pytest.approx(-newton_alone.fun * data.customers, rel=1e-12)
    assert model.log_likelihood >= bgnbd.log_likelihood(np.exp(bgnbd.START), data)


def test_non_integer_frequencies_fit_like_integer_ones() -> None:
    # Frequencies are counts, which are grouped by a radix sort; other numbers take the
    # general path and give the same likelihood.
    table = np.genfromtxt(DATA / "cdnow_customers_summary.csv", delimiter=",", names=True)
    params = (0.3, 4.0, 0.8, 2.0)
    counts = bgnbd.group(table["frequency"], table["recency"], table["T"])
    nudged = bgnbd.group(table["frequency"] * (1 + 1e-12), table["recency"], table["T"])
    assert bgnbd.log_likelihood(params, nudged) == pytest.approx(
        bgnbd.log_likelihood(params, counts), rel=1e-9
    )


def _example_summary() -> tuple[list[int], list[int], list[int]]:
    days: dict[str, set[str]] = {}
    with (DATA / "example_transactions.csv").open() as handle:
        for row in csv.DictReader(handle):
            days.setdefault(row["id"], set()).add(row["date"][:10])
    end = max(max(dates) for dates in days.values())
    last = dt.date.fromisoformat(end)
    x, t_x, age = [], [], []
    for dates in days.values():
        ordered = sorted(dt.date.fromisoformat(d) for d in dates)
        x.append(len(ordered) - 1)
        t_x.append((ordered[-1] - ordered[0]).days)
        age.append((last - ordered[0]).days)
    return x, t_x, age


def test_example_transactions_agree_with_lifetimes() -> None:
    # Given lifetimes' example transactions in days, when fitted, then BetaGeoFitter's values
    # (lifetimes 0.11.3, penalizer 0, computed once and pinned here) to 1e-4 relative.
    x, t_x, age = _example_summary()
    model = bgnbd.fit(bgnbd.group(x, t_x, age))
    assert model.customers == 5000
    reference = {
        "r": 0.16385090187267431,
        "alpha": 1.8642807702257826,
        "a": 1.850343095414932,
        "b": 3.181058796120007,
    }
    for name, value in reference.items():
        assert getattr(model, name) == pytest.approx(value, rel=1e-4)
    alive = bgnbd.probability_alive(model, x[:5], t_x[:5], age[:5])
    assert alive == pytest.approx(
        [1.0, 1.0, 0.051365070987118636, 1.0, 0.004881223215822781], rel=1e-4
    )
    expected = bgnbd.expected_purchases(model, 30, x[:5], t_x[:5], age[:5])
    assert expected == pytest.approx(
        [
            0.016053009084469414,
            0.021171062185871673,
            0.03046131229607096,
            0.03168615628405115,
            0.001606760374987965,
        ],
        rel=1e-4,
    )


@pytest.mark.parametrize(
    ("frequency", "recency", "T", "message"),
    [
        ([1.0], [5.0], [4.0], "recency cannot exceed T"),
        ([-1.0], [0.0], [4.0], "≥ 0"),
        ([2.0], [0.0], [4.0], "recency > 0"),
        ([], [], [], "no customers"),
        ([1.0], [float("nan")], [4.0], "finite"),
    ],
)
def test_inconsistent_data_is_refused(
    frequency: list[float], recency: list[float], T: list[float], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        bgnbd.group(frequency, recency, T)


def test_covariate_model_recovers_known_coefficients() -> None:
    # Given 20,000 customers simulated with a binary and a continuous covariate that raise
    # the purchase rate (γ₁) and concentrate the dropout (γ₂), when fitted, then γ comes back.
    rng = np.random.default_rng(3)
    n = 20_000
    z = np.column_stack([rng.integers(0, 2, n), rng.normal(size=n)]).astype(float)
    gamma_purchase, gamma_dropout = np.array([0.6, -0.3]), np.array([0.5, 0.4])
    scale = np.exp(z @ gamma_dropout)
    x, t_x, age = bgnbd.simulate(
        rng, n, 52.0, 0.8, 5.0 * np.exp(-(z @ gamma_purchase)), 0.6 * scale, 2.5 * scale
    )
    model = bgnbd.fit_with_covariates(x, t_x, age, z)
    assert model.gamma_purchase == pytest.approx(gamma_purchase, abs=0.08)
    assert model.gamma_dropout == pytest.approx(gamma_dropout, abs=0.2)
    assert model.r == pytest.approx(0.8, rel=0.1)
    # And on a hold-out sample from the same world the covariate model is chosen …
    holdout_z = np.column_stack([rng.integers(0, 2, n // 4), rng.normal(size=n // 4)])
    holdout_scale = np.exp(holdout_z @ gamma_dropout)
    hx, ht, hT = bgnbd.simulate(
        rng,
        n // 4,
        52.0,
        0.8,
        5.0 * np.exp(-(holdout_z @ gamma_purchase)),
        0.6 * holdout_scale,
        2.5 * holdout_scale,
    )
    plain = bgnbd.fit(bgnbd.group(x, t_x, age))
    choice = bgnbd.choose_on_holdout(plain, model, hx, ht, hT, holdout_z)
    assert choice.model == "covariates"
    assert choice.covariate_log_likelihood > choice.plain_log_likelihood


def test_covariates_that_mean_nothing_gain_nothing_on_the_holdout() -> None:
    # Given covariates drawn independently of the buying, the two models fit the hold-out alike
    # (or ties within noise): they add no fit the hold-out can see.
    rng = np.random.default_rng(11)
    n = 4000
    x, t_x, age = bgnbd.simulate(rng, 2 * n, 52.0, 0.8, 5.0, 0.6, 2.5)
    z = rng.normal(size=(2 * n, 3))
    model = bgnbd.fit_with_covariates(x[:n], t_x[:n], age[:n], z[:n])
    plain = bgnbd.fit(bgnbd.group(x[:n], t_x[:n], age[:n]))
    choice = bgnbd.choose_on_holdout(plain, model, x[n:], t_x[n:], age[n:], z[n:])
    assert abs(choice.covariate_log_likelihood - choice.plain_log_likelihood) < 0.01


def test_large_inputs_fit_the_same_grouped_or_not() -> None:
    # Given 60,000 customers twice — with continuous recency (no two alike: left ungrouped)
    # and rounded to whole weeks (many alike: grouped) — the summaries keep every customer and
    # the grouped fit equals the fit of the same rows one by one.
    rng = np.random.default_rng(5)
    x, t_x, age = bgnbd.simulate(rng, 60_000, rng.uniform(13, 65, 60_000), 0.25, 4.0, 0.8, 2.5)
    loose = bgnbd.group(x, t_x, age)
    assert loose.frequency.size == 60_000
    weeks_t, weeks_age = np.ceil(t_x), np.ceil(age)
    tight = bgnbd.group(x, weeks_t, weeks_age)
    assert tight.frequency.size < 30_000
    assert tight.customers == 60_000
    one_by_one = bgnbd.Summary(x, weeks_t, weeks_age, np.ones(60_000))
    params = (0.3, 4.0, 0.8, 2.4)
    assert bgnbd.log_likelihood(params, tight) == pytest.approx(
        bgnbd.log_likelihood(params, one_by_one), rel=1e-10
    )


def test_a_search_at_a_zero_parameter_fails_instead_of_dividing_by_zero() -> None:
    # Given customers, and a point whose dropout parameter a underflows to 0
    data = bgnbd.group([0, 2, 5], [0.0, 10.0, 30.0], [40.0, 40.0, 40.0])
    theta = np.log(np.array([0.5, 4.0, 1.0, 2.0]))
    theta[2] = -1000.0
    # When the likelihood is asked for there
    value, gradient = bgnbd._negative_and_gradient(theta, data)
    # Then it has none (the fit then reports "did not converge"), and nothing raised
    assert value == float("inf")
    assert np.isnan(gradient).all()
