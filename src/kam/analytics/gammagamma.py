"""The Gamma-Gamma model of spend per transaction (Fader, Hardie & Lee 2005, "RFM and CLV:
using iso-value curves for customer base analysis"; Colombo & Jiang 1999; DOMAIN §10) and,
with BG/NBD, the discounted customer lifetime value over a horizon.

A customer's transactions are worth zᵢ ~ Gamma(p, ν) around its own mean with ν ~ Gamma(q, v)
across customers (v is the paper's γ). The model is fitted on repeat buyers only, from their
number of repeat transactions x and the mean value m̄ₓ of those transactions; it assumes the
spend is independent of the purchase frequency (check the correlation before trusting CLV).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import special

from kam.analytics.bgnbd import BgNbd, expected_purchases
from kam.analytics.optimise import newton_then_lbfgs

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class GammaGamma:
    p: float
    q: float
    v: float
    log_likelihood: float
    customers: int

    @property
    def population_mean(self) -> float:
        """E[Z]: the mean transaction value of a customer about whom nothing is known."""
        return self.p * self.v / (self.q - 1) if self.q > 1 else float("inf")


def _checked(frequency: npt.ArrayLike, monetary: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    x = np.asarray(frequency, dtype=np.float64)
    m = np.asarray(monetary, dtype=np.float64)
    if x.shape != m.shape or x.ndim != 1:
        raise ValueError("frequency and monetary value must be one-dimensional and of one length")
    if not (np.isfinite(x).all() and np.isfinite(m).all()):
        raise ValueError("frequency and monetary value must be finite numbers")
    return x, m


@dataclass(frozen=True)
class _Spend:
    """Repeat buyers' x and m̄ₓ with what the likelihood needs of them alone, computed once:
    Σ log m̄, Σ x·log m̄, m̄ₓ·x, and the distinct x with their counts (the Gamma-function terms
    depend on p·x and q only)."""

    x: FloatArray
    m: FloatArray
    mx: FloatArray
    sum_log_m: float
    sum_x_log_m: float
    ux: FloatArray
    count_x: FloatArray

    @classmethod
    def of(cls, x: FloatArray, m: FloatArray) -> _Spend:
        log_m = np.log(m)
        ux, count_x = _distinct_counts(x)
        return cls(x, m, m * x, float(log_m.sum()), float(x @ log_m), ux, count_x)


def _distinct_counts(x: FloatArray) -> tuple[FloatArray, FloatArray]:
    """The distinct x and how many have each; whole numbers (purchase counts) are counted in
    one pass instead of sorted."""
    if x.size and x.max() < 1e6:
        whole = x.astype(np.int64)
        if np.array_equal(whole, x):
            counts = np.bincount(whole)
            present = np.flatnonzero(counts)
            return present.astype(np.float64), counts[present].astype(np.float64)
    values, counts = np.unique(x, return_counts=True)
    return values, counts.astype(np.float64)


def _negative(
    theta: FloatArray, data: _Spend, *, hessian: bool
) -> tuple[float, FloatArray, FloatArray]:
    """−LL per customer, its gradient and (on request; zeros otherwise) its Hessian in the
    logarithms of (p, q, v) (Colombo & Jiang 1999; FHL 2005 eq. 3). Only log(v + m̄ₓ·x) mixes
    the parameters with a customer's own numbers: one logarithm and one reciprocal per
    customer a pass."""
    params = np.exp(theta)
    if not (np.isfinite(params).all() and (params > 0.0).all()):
        # A search that wandered to a parameter of 0 or ∞ (spends that do not identify the
        # model): no likelihood there, so the fit fails as not converged, never divides by 0.
        return float("inf"), np.full(3, np.nan), np.full((3, 3), np.nan)
    p, q, v = (float(value) for value in params)
    n = float(data.x.size)
    ux, count_x = data.ux, data.count_x
    pux = p * ux
    # Per distinct x.
    gamma_x = special.gammaln(pux + q) - special.gammaln(pux) + pux * np.log(ux)
    psi_x = special.digamma(pux + q)
    dp_x = ux * (psi_x - special.digamma(pux) + np.log(ux))
    # Per customer.
    inverse = v + data.mx
    log_total = np.log(inverse)
    np.reciprocal(inverse, out=inverse)
    sum_log, sum_x_log = float(log_total.sum()), float(data.x @ log_total)
    sum_inverse, sum_x_inverse = float(inverse.sum()), float(data.x @ inverse)
    value = (
        float(count_x @ gamma_x)
        - n * special.gammaln(q)
        + n * q * np.log(v)
        + p * data.sum_x_log_m
        - data.sum_log_m
        - p * sum_x_log
        - q * sum_log
    )
    g = np.array(
        [
            float(count_x @ dp_x) + data.sum_x_log_m - sum_x_log,
            float(count_x @ psi_x) - n * special.digamma(q) + n * np.log(v) - sum_log,
            n * q / v - p * sum_x_inverse - q * sum_inverse,
        ]
    )
    gradient = g * params
    if not hessian:
        return -value / n, -gradient / n, np.zeros((3, 3))
    trigamma_x = special.polygamma(1, pux + q)
    square = inverse * inverse
    h_pv = -sum_x_inverse
    h_qv = n / v - sum_inverse
    h_vv = -n * q / v**2 + p * float(data.x @ square) + q * float(square.sum())
    h_pp = float(count_x @ (ux * ux * (trigamma_x - special.polygamma(1, pux))))
    h_pq = float(count_x @ (ux * trigamma_x))
    h_qq = float(count_x @ trigamma_x) - n * float(special.polygamma(1, q))
    h = np.array([[h_pp, h_pq, h_pv], [h_pq, h_qq, h_qv], [h_pv, h_qv, h_vv]])
    # From (p, q, v) to their logarithms: ∂²/∂θ² = p·H·p + diag(p·g).
    return -value / n, -gradient / n, -(h * np.outer(params, params) + np.diag(gradient)) / n


def _negative_and_gradient(theta: FloatArray, data: _Spend) -> tuple[float, FloatArray]:
    """−LL per customer and its gradient in the logarithms of (p, q, v)."""
    value, gradient, _ = _negative(theta, data, hessian=False)
    return value, gradient


def _negative_hessian(theta: FloatArray, data: _Spend) -> tuple[float, FloatArray, FloatArray]:
    return _negative(theta, data, hessian=True)


def _repeat_buyers(frequency: npt.ArrayLike, monetary: npt.ArrayLike) -> _Spend:
    x, m = _checked(frequency, monetary)
    keep = (x > 0) & (m > 0)
    return _Spend.of(x[keep], m[keep])


def log_likelihood(
    params: npt.ArrayLike, frequency: npt.ArrayLike, monetary: npt.ArrayLike
) -> float:
    """The Gamma-Gamma log-likelihood of (p, q, v) summed over repeat buyers (x > 0)."""
    data = _repeat_buyers(frequency, monetary)
    value, _ = _negative_and_gradient(np.log(np.asarray(params, dtype=np.float64)), data)
    return -value * data.x.size


# Above this many repeat buyers the search starts from a fit on a sample of them, so the
# full data is only polished (three Newton passes instead of a dozen).
WARM_START_ABOVE = 50_000
WARM_START_SAMPLE = 20_000


def _fit_spend(data: _Spend) -> tuple[FloatArray, float]:
    # v carries the currency's scale (spend ×c gives v ×c, p and q unchanged), so the search
    # starts where the population's mean spend p·v/(q − 1) is the median customer's: half the
    # passes of a start at p = q = v = 1 on CDNOW.
    if data.x.size > WARM_START_ABOVE:
        rng = np.random.default_rng(0)  # a fixed draw: the same data always fits the same way
        keep = np.sort(rng.choice(data.x.size, size=WARM_START_SAMPLE, replace=False))
        start, _ = _fit_spend(_Spend.of(data.x[keep], data.m[keep]))
    else:
        start = np.log([2.0, 3.0, float(np.median(data.m))])
    found = newton_then_lbfgs(_negative_hessian, _negative_and_gradient, start, (data,))
    return found.x, found.fun


def fit(frequency: npt.ArrayLike, monetary: npt.ArrayLike) -> GammaGamma:
    """Maximum-likelihood (p, q, v) from the repeat buyers (x > 0, m̄ₓ > 0) by Newton's method
    (L-BFGS-B when that fails); the others carry no spend information and are left out
    (§10). Raises ValueError with fewer than three repeat buyers or when the fit does not
    converge."""
    data = _repeat_buyers(frequency, monetary)
    if data.x.size < 3:
        raise ValueError("the spend model needs at least three repeat buyers with a spend")
    theta, value = _fit_spend(data)
    params = np.exp(theta)
    if not np.isfinite(value) or not np.isfinite(params).all():
        raise ValueError("the Gamma-Gamma fit did not converge")
    p, q, v = (float(value) for value in params)
    return GammaGamma(p, q, v, -float(value) * data.x.size, int(data.x.size))


def expected_spend(
    model: GammaGamma, frequency: npt.ArrayLike, monetary: npt.ArrayLike
) -> FloatArray:
    """E[Z | x, m̄ₓ]: each customer's expected mean transaction value, a weighted mean of the
    population's and its own (FHL 2005 eq. 5); the population mean for x = 0."""
    x, m = _checked(frequency, monetary)
    p, q = model.p, model.q
    weight = (q - 1) / (p * x + q - 1)
    return np.asarray(weight * model.population_mean + (1 - weight) * m, dtype=np.float64)


def customer_lifetime_value(
    purchases: BgNbd,
    spend: GammaGamma,
    frequency: npt.ArrayLike,
    recency: npt.ArrayLike,
    T: npt.ArrayLike,
    monetary: npt.ArrayLike,
    *,
    horizon: int,
    periods_per_year: float,
    annual_discount_rate: float,
    step: int = 1,
) -> FloatArray:
    """Discounted CLV over `horizon` periods (§10): the purchases BG/NBD expects in each step
    times the spend Gamma-Gamma expects, each step discounted at `annual_discount_rate` to
    its end. Periods are those of the BG/NBD fit (e.g. 52 a year for weeks)."""
    if horizon <= 0 or step <= 0:
        raise ValueError("the horizon and the step must be positive")
    if annual_discount_rate <= -1:
        raise ValueError("the discount rate must be above −100 %")
    x = np.asarray(frequency, dtype=np.float64)
    value_per_purchase = expected_spend(spend, x, monetary)
    total = np.zeros_like(x)
    previous = np.zeros_like(x)
    for stop in range(step, horizon + step, step):
        end = min(stop, horizon)
        cumulative = expected_purchases(purchases, float(end), x, recency, T)
        discount = (1 + annual_discount_rate) ** (end / periods_per_year)
        total += (cumulative - previous) * value_per_purchase / discount
        previous = cumulative
        if end == horizon:
            break
    return total
