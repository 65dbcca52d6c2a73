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
from scipy import optimize, special

from kam.analytics.bgnbd import BgNbd, expected_purchases

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


def _negative_and_gradient(
    theta: FloatArray, x: FloatArray, m: FloatArray, w: FloatArray
) -> tuple[float, FloatArray]:
    p, q, v = np.exp(theta)
    px = p * x
    log_m, log_x, log_total = np.log(m), np.log(x), np.log(v + m * x)
    ll = (
        special.gammaln(px + q)
        - special.gammaln(px)
        - special.gammaln(q)
        + q * np.log(v)
        + (px - 1) * log_m
        + px * log_x
        - (px + q) * log_total
    )
    psi_total = special.digamma(px + q)
    d_p = x * (psi_total - special.digamma(px) + log_m + log_x - log_total)
    d_q = psi_total - special.digamma(q) + np.log(v) - log_total
    d_v = q / v - (px + q) / (v + m * x)
    gradient = np.array([(w * d_p).sum() * p, (w * d_q).sum() * q, (w * d_v).sum() * v])
    return -float(np.sum(w * ll)), -gradient


def log_likelihood(
    params: npt.ArrayLike, frequency: npt.ArrayLike, monetary: npt.ArrayLike
) -> float:
    """The Gamma-Gamma log-likelihood of (p, q, v) summed over repeat buyers (x > 0)."""
    x, m = _checked(frequency, monetary)
    keep = x > 0
    value, _ = _negative_and_gradient(
        np.log(np.asarray(params, dtype=np.float64)), x[keep], m[keep], np.ones(int(keep.sum()))
    )
    return -value


def fit(frequency: npt.ArrayLike, monetary: npt.ArrayLike) -> GammaGamma:
    """Maximum-likelihood (p, q, v) from the repeat buyers (x > 0, m̄ₓ > 0); the others carry no
    spend information and are left out. Raises ValueError with fewer than three repeat buyers
    or when the fit does not converge."""
    x, m = _checked(frequency, monetary)
    keep = (x > 0) & (m > 0)
    if int(keep.sum()) < 3:
        raise ValueError("the spend model needs at least three repeat buyers with a spend")
    rows = np.stack([x[keep], m[keep]], axis=1)
    unique, counts = np.unique(rows, axis=0, return_counts=True)
    result = optimize.minimize(
        _negative_and_gradient,
        np.zeros(3),
        args=(unique[:, 0], unique[:, 1], counts.astype(np.float64)),
        jac=True,
        method="L-BFGS-B",
        options={"maxiter": 2000, "ftol": 1e-15, "gtol": 1e-10},
    )
    params = np.exp(result.x)
    if not np.isfinite(result.fun) or not np.isfinite(params).all():
        raise ValueError("the Gamma-Gamma fit did not converge: " + str(result.message))
    p, q, v = (float(value) for value in params)
    return GammaGamma(p, q, v, -float(result.fun), int(keep.sum()))


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
