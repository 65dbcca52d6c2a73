"""The BG/NBD model of repeat buying (Fader, Hardie & Lee 2005, "Counting your customers the
easy way"; DOMAIN §10): while alive a customer buys at a Poisson rate λ ~ Gamma(r, α) and
after each purchase drops out with probability p ~ Beta(a, b).

Fitted by maximum likelihood from each customer's frequency x (repeat purchases), recency tₓ
(time of the last purchase, from the first) and age T (time from the first purchase to the end
of the calibration period), in the period the caller chose. Customers with identical (x, tₓ, T)
are fitted once with a weight, the log-likelihood is computed in log space (log-sum-exp of its
two terms, so large x or long histories do not overflow) and its gradient analytically; the
optimiser works on the logarithms of the four parameters, which keeps them positive.

Beyond the plain model, `fit_with_covariates` links the purchase-rate scale α and the dropout
parameters a and b to time-invariant account covariates z (Hardie, note 019 "Incorporating
time-invariant covariates into the Pareto/NBD and BG/NBD models"): αᵢ = α₀·exp(−γ₁'zᵢ),
aᵢ = a₀·exp(γ₂'zᵢ), bᵢ = b₀·exp(γ₂'zᵢ) — a customer with γ₁'z > 0 buys more often, one with
γ₂'z > 0 has the same mean dropout probability a/(a+b) but a more concentrated one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import optimize, special

FloatArray = npt.NDArray[np.float64]

# The start of the search, as lifetimes and CLVTools start (all four parameters at 1 is far
# from CDNOW's optimum, which checks that the fit does not depend on a lucky start).
START = np.zeros(4)


@dataclass(frozen=True)
class Summary:
    """Customers grouped by identical (frequency, recency, T), each with its count."""

    frequency: FloatArray
    recency: FloatArray
    T: FloatArray
    weight: FloatArray

    @property
    def customers(self) -> int:
        return int(self.weight.sum())


@dataclass(frozen=True)
class BgNbd:
    """Fitted parameters and the maximised log-likelihood (summed over customers)."""

    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float
    customers: int
    iterations: int = 0

    def params(self) -> tuple[float, float, float, float]:
        return self.r, self.alpha, self.a, self.b


def group(frequency: npt.ArrayLike, recency: npt.ArrayLike, T: npt.ArrayLike) -> Summary:
    """Collapse identical (x, tₓ, T) rows into one with a weight; raises ValueError on
    inconsistent data (negative values, recency after T, repeat buyers with no recency)."""
    x = np.asarray(frequency, dtype=np.float64)
    t_x = np.asarray(recency, dtype=np.float64)
    age = np.asarray(T, dtype=np.float64)
    if not (x.shape == t_x.shape == age.shape) or x.ndim != 1:
        raise ValueError("frequency, recency and T must be one-dimensional and of one length")
    if x.size == 0:
        raise ValueError("no customers")
    if not (np.isfinite(x).all() and np.isfinite(t_x).all() and np.isfinite(age).all()):
        raise ValueError("frequency, recency and T must be finite numbers")
    if (x < 0).any() or (t_x < 0).any() or (age < 0).any():
        raise ValueError("frequency, recency and T must be ≥ 0")
    if (t_x > age + 1e-9).any():
        raise ValueError("recency cannot exceed T")
    if ((x > 0) & (t_x <= 0)).any():
        raise ValueError("a customer with repeat purchases needs a recency > 0")
    rows = np.stack([x, t_x, age], axis=1)
    unique, counts = np.unique(rows, axis=0, return_counts=True)
    return Summary(unique[:, 0], unique[:, 1], unique[:, 2], counts.astype(np.float64))


def _terms(
    params: FloatArray, data: Summary
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    """The per-group pieces of the log-likelihood: A₁ + A₂ + log(e^{A₃} + δ e^{A₄})."""
    r, alpha, a, b = params
    x, t_x, age = data.frequency, data.recency, data.T
    a1 = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
    a2 = (
        special.gammaln(a + b)
        + special.gammaln(b + x)
        - special.gammaln(b)
        - special.gammaln(a + b + x)
    )
    a3 = -(r + x) * np.log(alpha + age)
    repeat = x > 0
    a4 = np.full_like(x, -np.inf)
    with np.errstate(divide="ignore", invalid="ignore"):
        a4[repeat] = (
            np.log(a) - np.log(b + x[repeat] - 1) - (r + x[repeat]) * np.log(alpha + t_x[repeat])
        )
    return a1, a2, a3, a4, repeat.astype(np.float64)


def log_likelihood(params: npt.ArrayLike, data: Summary) -> float:
    """The BG/NBD log-likelihood of (r, α, a, b), summed over the customers (FHL 2005 eq. 6)."""
    p = np.asarray(params, dtype=np.float64)
    a1, a2, a3, a4, _ = _terms(p, data)
    return float(np.sum(data.weight * (a1 + a2 + np.logaddexp(a3, a4))))


def _negative_and_gradient(theta: FloatArray, data: Summary) -> tuple[float, FloatArray]:
    """−LL and its gradient with respect to the logarithms of (r, α, a, b)."""
    params = np.exp(theta)
    r, alpha, a, b = params
    x, t_x, age, w = data.frequency, data.recency, data.T, data.weight
    a1, a2, a3, a4, repeat = _terms(params, data)
    total = np.logaddexp(a3, a4)
    s4 = np.exp(a4 - total)  # the share of the "dropped out right after tₓ" term
    s3 = 1.0 - s4
    safe_t_x = np.where(repeat > 0, t_x, 1.0)
    safe_b = np.where(repeat > 0, b + x - 1, 1.0)
    d_r = (
        special.digamma(r + x)
        - special.digamma(r)
        + np.log(alpha)
        - s3 * np.log(alpha + age)
        - s4 * np.log(alpha + safe_t_x)
    )
    d_alpha = r / alpha - (r + x) * (s3 / (alpha + age) + s4 / (alpha + safe_t_x))
    d_a2_common = special.digamma(a + b) - special.digamma(a + b + x)
    d_a = d_a2_common + s4 / a
    d_b = d_a2_common + special.digamma(b + x) - special.digamma(b) - s4 / safe_b
    gradient = np.array([(w * d).sum() for d in (d_r, d_alpha, d_a, d_b)]) * params
    value = float(np.sum(w * (a1 + a2 + total)))
    return -value, -gradient


def fit(data: Summary, *, start: npt.ArrayLike | None = None) -> BgNbd:
    """Maximum-likelihood (r, α, a, b) of the BG/NBD model (§10). Raises ValueError when the
    optimiser does not converge (too little data to identify the model)."""
    theta0 = np.log(np.asarray(start, dtype=np.float64)) if start is not None else START
    result = optimize.minimize(
        _negative_and_gradient,
        theta0,
        args=(data,),
        jac=True,
        method="L-BFGS-B",
        options={"maxiter": 2000, "ftol": 1e-15, "gtol": 1e-10},
    )
    params = np.exp(result.x)
    if not np.isfinite(result.fun) or not np.isfinite(params).all():
        raise ValueError("the BG/NBD fit did not converge: " + str(result.message))
    r, alpha, a, b = (float(v) for v in params)
    return BgNbd(r, alpha, a, b, -float(result.fun), data.customers, int(result.nit))


def _hyp2f1_term(
    r: float, alpha: float, a: float, b: float, x: FloatArray, age: FloatArray, t: FloatArray
) -> FloatArray:
    z = t / (alpha + age + t)
    return np.asarray(special.hyp2f1(r + x, b + x, a + b + x - 1, z), dtype=np.float64)


def probability_alive(
    model: BgNbd, frequency: npt.ArrayLike, recency: npt.ArrayLike, T: npt.ArrayLike
) -> FloatArray:
    """P(alive | x, tₓ, T) (FHL 2005 eq. 11); 1 for a customer who never bought again."""
    r, alpha, a, b = model.params()
    x = np.asarray(frequency, dtype=np.float64)
    t_x = np.asarray(recency, dtype=np.float64)
    age = np.asarray(T, dtype=np.float64)
    repeat = x > 0
    log_ratio = np.zeros_like(x)
    log_ratio[repeat] = (
        np.log(a)
        - np.log(b + x[repeat] - 1)
        + (r + x[repeat]) * (np.log(alpha + age[repeat]) - np.log(alpha + t_x[repeat]))
    )
    out = np.ones_like(x)
    out[repeat] = 1.0 / (1.0 + np.exp(log_ratio[repeat]))
    return out


def expected_purchases(
    model: BgNbd,
    t: npt.ArrayLike,
    frequency: npt.ArrayLike,
    recency: npt.ArrayLike,
    T: npt.ArrayLike,
) -> FloatArray:
    """E[Y(t) | x, tₓ, T]: the purchases a customer is expected to make in the next t periods
    (FHL 2005 eq. 10)."""
    r, alpha, a, b = model.params()
    x = np.asarray(frequency, dtype=np.float64)
    age = np.asarray(T, dtype=np.float64)
    horizon = np.broadcast_to(np.asarray(t, dtype=np.float64), x.shape)
    first = (a + b + x - 1) / (a - 1)
    ratio = np.exp((r + x) * (np.log(alpha + age) - np.log(alpha + age + horizon)))
    second = 1.0 - ratio * _hyp2f1_term(r, alpha, a, b, x, age, horizon)
    return np.asarray(first * second * probability_alive(model, x, recency, age))


def expected_purchases_new(model: BgNbd, t: npt.ArrayLike) -> FloatArray:
    """E[X(t)]: the purchases a customer just acquired is expected to make in t periods
    (FHL 2005 eq. 7)."""
    r, alpha, a, b = model.params()
    horizon = np.asarray(t, dtype=np.float64)
    z = horizon / (alpha + horizon)
    ratio = (alpha / (alpha + horizon)) ** r
    value = (a + b - 1) / (a - 1) * (1.0 - ratio * special.hyp2f1(r, b, a + b - 1, z))
    return np.asarray(value, dtype=np.float64)


# --- time-invariant covariates (Hardie note 019) ------------------------------------------


@dataclass(frozen=True)
class BgNbdCovariates:
    """The covariate model: base parameters and the coefficients γ₁ (purchase rate, on α) and
    γ₂ (dropout, on a and b), one per covariate column."""

    r: float
    alpha: float
    a: float
    b: float
    gamma_purchase: FloatArray
    gamma_dropout: FloatArray
    log_likelihood: float
    customers: int

    def per_customer(self, z: FloatArray) -> tuple[float, FloatArray, FloatArray, FloatArray]:
        """(r, αᵢ, aᵢ, bᵢ) for covariate rows z."""
        alpha = self.alpha * np.exp(-(z @ self.gamma_purchase))
        scale = np.exp(z @ self.gamma_dropout)
        return self.r, alpha, self.a * scale, self.b * scale


def _covariate_negative(
    theta: FloatArray, x: FloatArray, t_x: FloatArray, age: FloatArray, z: FloatArray
) -> tuple[float, FloatArray]:
    k = z.shape[1]
    r, alpha0, a0, b0 = np.exp(theta[:4])
    g1, g2 = theta[4 : 4 + k], theta[4 + k :]
    alpha = alpha0 * np.exp(-(z @ g1))
    scale = np.exp(z @ g2)
    a, b = a0 * scale, b0 * scale
    repeat = x > 0
    a1 = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
    a2 = special.gammaln(a + b) + special.gammaln(b + x) - special.gammaln(b)
    a2 = a2 - special.gammaln(a + b + x)
    a3 = -(r + x) * np.log(alpha + age)
    safe_t_x = np.where(repeat, t_x, 1.0)
    safe_b = np.where(repeat, b + x - 1, 1.0)
    a4 = np.where(repeat, np.log(a) - np.log(safe_b) - (r + x) * np.log(alpha + safe_t_x), -np.inf)
    total = np.logaddexp(a3, a4)
    s4 = np.exp(a4 - total)
    s3 = 1.0 - s4
    # Per-customer derivatives with respect to r, αᵢ, aᵢ, bᵢ, then the chain rule.
    d_r = (
        special.digamma(r + x)
        - special.digamma(r)
        + np.log(alpha)
        - s3 * np.log(alpha + age)
        - s4 * np.log(alpha + safe_t_x)
    )
    d_alpha = r / alpha - (r + x) * (s3 / (alpha + age) + s4 / (alpha + safe_t_x))
    common = special.digamma(a + b) - special.digamma(a + b + x)
    d_a = common + s4 / a
    d_b = common + special.digamma(b + x) - special.digamma(b) - s4 / safe_b
    # ∂αᵢ/∂log α₀ = αᵢ, ∂αᵢ/∂γ₁ = −αᵢ z; ∂aᵢ/∂γ₂ = aᵢ z (likewise bᵢ).
    grad = np.concatenate(
        [
            [
                (d_r * r).sum(),
                (d_alpha * alpha).sum(),
                (d_a * a).sum(),
                (d_b * b).sum(),
            ],
            -(z.T @ (d_alpha * alpha)),
            z.T @ (d_a * a + d_b * b),
        ]
    )
    value = float(np.sum(a1 + a2 + total))
    return -value, -grad


def fit_with_covariates(
    frequency: npt.ArrayLike,
    recency: npt.ArrayLike,
    T: npt.ArrayLike,
    covariates: npt.ArrayLike,
) -> BgNbdCovariates:
    """Maximum likelihood of the BG/NBD with time-invariant covariates (Hardie note 019): z is
    one row per customer (centre continuous columns, one-hot categories without a reference
    column). Raises ValueError on inconsistent shapes or when the fit does not converge."""
    x = np.asarray(frequency, dtype=np.float64)
    t_x = np.asarray(recency, dtype=np.float64)
    age = np.asarray(T, dtype=np.float64)
    z = np.asarray(covariates, dtype=np.float64)
    group(x, t_x, age)  # the same checks as the plain model
    if z.ndim != 2 or z.shape[0] != x.size:
        raise ValueError("covariates need one row per customer")
    if not np.isfinite(z).all():
        raise ValueError("covariates must be finite numbers")
    plain = fit(group(x, t_x, age))
    k = z.shape[1]
    theta0 = np.concatenate([np.log(plain.params()), np.zeros(2 * k)])
    result = optimize.minimize(
        _covariate_negative,
        theta0,
        args=(x, t_x, age, z),
        jac=True,
        method="L-BFGS-B",
        options={"maxiter": 5000, "ftol": 1e-15, "gtol": 1e-9},
    )
    if not np.isfinite(result.fun):
        raise ValueError("the covariate BG/NBD fit did not converge: " + str(result.message))
    r, alpha, a, b = (float(v) for v in np.exp(result.x[:4]))
    return BgNbdCovariates(
        r,
        alpha,
        a,
        b,
        np.asarray(result.x[4 : 4 + k]),
        np.asarray(result.x[4 + k :]),
        -float(result.fun),
        int(x.size),
    )


def covariate_log_likelihood(
    model: BgNbdCovariates,
    frequency: npt.ArrayLike,
    recency: npt.ArrayLike,
    T: npt.ArrayLike,
    covariates: npt.ArrayLike,
) -> float:
    """The covariate model's log-likelihood on (other) customers, e.g. a hold-out sample."""
    k = model.gamma_purchase.size
    theta = np.concatenate(
        [
            np.log([model.r, model.alpha, model.a, model.b]),
            model.gamma_purchase,
            model.gamma_dropout,
        ]
    )
    value, _ = _covariate_negative(
        theta,
        np.asarray(frequency, dtype=np.float64),
        np.asarray(recency, dtype=np.float64),
        np.asarray(T, dtype=np.float64),
        np.asarray(covariates, dtype=np.float64).reshape(-1, k),
    )
    return -value


def simulate(
    rng: np.random.Generator,
    n: int,
    T: float,
    r: float,
    alpha: FloatArray | float,
    a: FloatArray | float,
    b: FloatArray | float,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Draw (x, tₓ, T) of n customers from the BG/NBD story (for tests and benchmarks): each
    buys at its rate until it drops out after a purchase, observed for T periods."""
    alphas = np.broadcast_to(np.asarray(alpha, dtype=np.float64), (n,))
    a_s = np.broadcast_to(np.asarray(a, dtype=np.float64), (n,))
    b_s = np.broadcast_to(np.asarray(b, dtype=np.float64), (n,))
    rate = rng.gamma(r, 1.0 / alphas)
    dropout = rng.beta(a_s, b_s)
    x = np.zeros(n)
    t_x = np.zeros(n)
    clock = np.zeros(n)
    active = np.ones(n, dtype=bool)
    while active.any():
        idx = np.flatnonzero(active)
        clock[idx] += rng.exponential(1.0 / rate[idx])
        inside = clock[idx] <= T
        bought = idx[inside]
        x[bought] += 1
        t_x[bought] = clock[bought]
        active[idx[~inside]] = False
        gone = bought[rng.random(bought.size) < dropout[bought]]
        active[gone] = False
    return x, t_x, np.full(n, float(T))


@dataclass(frozen=True)
class Choice:
    """Which BG/NBD a hold-out sample prefers, with both log-likelihoods per customer."""

    model: str  # "covariates" or "plain"
    plain_log_likelihood: float
    covariate_log_likelihood: float


def choose_on_holdout(
    plain: BgNbd,
    covariate: BgNbdCovariates,
    frequency: npt.ArrayLike,
    recency: npt.ArrayLike,
    T: npt.ArrayLike,
    covariates: npt.ArrayLike,
) -> Choice:
    """The covariate model is used only when it fits customers it was not fitted on better
    than the plain one (§10; the page says which ran)."""
    held = group(frequency, recency, T)
    n = held.customers
    plain_ll = log_likelihood(plain.params(), held) / n
    covariate_ll = covariate_log_likelihood(covariate, frequency, recency, T, covariates) / n
    chosen = "covariates" if covariate_ll > plain_ll else "plain"
    return Choice(chosen, plain_ll, covariate_ll)
