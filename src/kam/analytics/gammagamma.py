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
from kam.analytics.optimise import minimise

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


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
    Σ log m̄, Σ x·log m̄, and the distinct x (the Gamma-function terms depend on p·x and q)."""

    x: FloatArray
    m: FloatArray
    mx: FloatArray
    sum_log_m: float
    sum_x_log_m: float
    ux: FloatArray
    index: IntArray
    count_x: FloatArray

    @classmethod
    def of(cls, x: FloatArray, m: FloatArray) -> _Spend:
        log_m = np.log(m)
        ux, index = np.unique(x, return_inverse=True)
        count_x = np.bincount(index).astype(np.float64)
        return cls(
            x, m, m * x, float(log_m.sum()), float(x @ log_m), ux, index.astype(np.int64), count_x
        )


def _negative_and_gradient(theta: FloatArray, data: _Spend) -> tuple[float, FloatArray]:
    """−LL per customer and its gradient in the logarithms of (p, q, v)."""
    p, q, v = np.exp(theta)
    n = float(data.x.size)
    ux, count_x = data.ux, data.count_x
    pux = p * ux
    # Per distinct x.
    gamma_x = special.gammaln(pux + q) - special.gammaln(pux) + pux * np.log(ux)
    psi_x = special.digamma(pux + q)
    dp_x = ux * (psi_x - special.digamma(pux) + np.log(ux))
    # Per customer: the one term that mixes the parameters with m̄ₓ.
    log_total = np.log(v + data.mx)
    pxq = p * data.x + q
    value = (
        float(count_x @ gamma_x)
        - n * special.gammaln(q)
        + n * q * np.log(v)
        + p * data.sum_x_log_m
        - data.sum_log_m
        - float(pxq @ log_total)
    )
    d_p = float(count_x @ dp_x) + data.sum_x_log_m - float(data.x @ log_total)
    d_q = float(count_x @ psi_x) - n * special.digamma(q) + n * np.log(v) - float(log_total.sum())
    d_v = n * q / v - float(pxq @ (1.0 / (v + data.mx)))
    gradient = np.array([d_p * p, d_q * q, d_v * v])
    return -value / n, -gradient / n


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


def fit(frequency: npt.ArrayLike, monetary: npt.ArrayLike) -> GammaGamma:
    """Maximum-likelihood (p, q, v) from the repeat buyers (x > 0, m̄ₓ > 0); the others carry no
    spend information and are left out. Raises ValueError with fewer than three repeat buyers
    or when the fit does not converge."""
    data = _repeat_buyers(frequency, monetary)
    if data.x.size < 3:
        raise ValueError("the spend model needs at least three repeat buyers with a spend")
    result = minimise(_negative_and_gradient, np.zeros(3), (data,), maxiter=2000, gtol=1e-9)
    params = np.exp(result.x)
    if not np.isfinite(result.fun) or not np.isfinite(params).all():
        raise ValueError("the Gamma-Gamma fit did not converge: " + str(result.message))
    p, q, v = (float(value) for value in params)
    return GammaGamma(p, q, v, -float(result.fun) * data.x.size, int(data.x.size))


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
