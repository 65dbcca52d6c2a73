"""The BG/NBD model of repeat buying (Fader, Hardie & Lee 2005, "Counting your customers the
easy way"; DOMAIN §10): while alive a customer buys at a Poisson rate λ ~ Gamma(r, α) and
after each purchase drops out with probability p ~ Beta(a, b).

Fitted by maximum likelihood from each customer's frequency x (repeat purchases), recency tₓ
(time of the last purchase, from the first) and age T (time from the first purchase to the end
of the calibration period), in the period the caller chose. Customers with identical (x, tₓ, T)
are fitted once with a weight, the log-likelihood is computed in log space (log-sum-exp of its
two terms, so large x or long histories do not overflow) with its gradient and Hessian
analytically, and Newton's method (kam.analytics.optimise) works on the logarithms of the four
parameters, which keeps them positive. Large inputs start from the optimum of a sample.

Beyond the plain model, `fit_with_covariates` links the purchase-rate scale α and the dropout
parameters a and b to time-invariant account covariates z (Hardie, note 019 "Incorporating
time-invariant covariates into the Pareto/NBD and BG/NBD models"): αᵢ = α₀·exp(−γ₁'zᵢ),
aᵢ = a₀·exp(γ₂'zᵢ), bᵢ = b₀·exp(γ₂'zᵢ) — a customer with γ₁'z > 0 buys more often, one with
γ₂'z > 0 has the same mean dropout probability a/(a+b) but a more concentrated one.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt
from scipy import special

from kam.analytics.optimise import minimise, newton_then_lbfgs

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

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

    @cached_property
    def parts(self) -> _Parts:
        """The rows split into those who never bought again and repeat buyers (computed once
        per summary, reused by every pass of the fit)."""
        return _Parts.of(self)


def _sorted_runs(values: FloatArray) -> tuple[FloatArray, IntArray, IntArray]:
    """The distinct values of `values`, an order that sorts it and where each value's run
    starts in that order. Whole numbers below 32,768 — purchase counts — sort by radix in one
    pass (numpy's stable sort of 16-bit integers) instead of by comparison."""
    if values.size and values.min() >= 0 and values.max() < 32_768:
        small = values.astype(np.int16)
        if np.array_equal(small, values):
            order = np.argsort(small, kind="stable")
            counts = np.bincount(small)
            present = np.flatnonzero(counts)
            starts = np.concatenate([[0], np.cumsum(counts[present])[:-1]])
            return present.astype(np.float64), order, starts.astype(np.int64)
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    cut = np.ones(values.size, dtype=bool)
    cut[1:] = ordered[1:] != ordered[:-1]
    starts = np.flatnonzero(cut)
    return ordered[starts], order, starts


@dataclass(frozen=True)
class _Parts:
    """What the likelihood needs of the data alone. Customers who never bought again (x = 0)
    contribute only r·log(α/(α+T)), one logarithm each; repeat buyers carry the full terms,
    sorted by x so per-x totals are sums over runs. Weights of one (ungrouped rows) are
    dropped, which saves a product per term."""

    total_weight: float
    zero_age: FloatArray
    zero_weight: FloatArray | None
    x: FloatArray
    t_x: FloatArray
    age: FloatArray
    weight: FloatArray | None
    weighted_x: FloatArray  # w·x, for Σ w·(r + x)·v = r·Σ w·v + Σ w·x·v
    values: FloatArray  # the distinct repeat frequencies
    starts: IntArray  # where each one's run starts
    counts: IntArray  # and its length
    value_weight: FloatArray  # their total weights

    @classmethod
    def of(cls, data: Summary) -> _Parts:
        # Index arrays and take(): a boolean mask over a million rows costs more than both.
        repeat = data.frequency > 0
        zero_rows = np.flatnonzero(~repeat)
        repeat_rows = np.flatnonzero(repeat)
        unit = bool((data.weight == 1).all())
        values, order, starts = _sorted_runs(data.frequency.take(repeat_rows))
        rows = repeat_rows.take(order)
        x = data.frequency.take(rows)
        weight = None if unit else data.weight.take(rows)
        counts = np.diff(np.append(starts, x.size))
        return cls(
            total_weight=float(x.size + zero_rows.size if unit else data.weight.sum()),
            zero_age=data.T.take(zero_rows),
            zero_weight=None if unit else data.weight.take(zero_rows),
            x=x,
            t_x=data.recency.take(rows),
            age=data.T.take(rows),
            weight=weight,
            weighted_x=x if weight is None else weight * x,
            values=values,
            starts=starts,
            counts=counts,
            value_weight=counts.astype(np.float64) if weight is None else _runs(weight, starts),
        )

    def dot(self, values: FloatArray) -> float:
        """Σ w·values over the repeat buyers."""
        return float(values.sum() if self.weight is None else self.weight @ values)

    def weighted(self, values: FloatArray) -> FloatArray:
        """w·values (values itself when every weight is one)."""
        return values if self.weight is None else self.weight * values


def _runs(values: FloatArray, starts: IntArray) -> FloatArray:
    """Per-run totals of `values` (runs starting at `starts`); empty when there are none."""
    if values.size == 0:
        return np.zeros(0)
    return np.asarray(np.add.reduceat(values, starts), dtype=np.float64)


def _zero_sum(
    weight: FloatArray | None, values: FloatArray, other: FloatArray | None = None
) -> float:
    if other is None:
        return float(values.sum() if weight is None else weight @ values)
    return float(values @ other if weight is None else (weight * values) @ other)


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


# Grouping pays when customers repeat (weeks rounded to two decimals, whole days); with
# continuous recency nearly every row is its own group and the sort would be wasted. A sample
# of a large input tells which: drawing s of n rows among D equally common distinct ones shows
# about D·(1 − e^(−s/D)) distinct rows, so more than that for D = n/2 means grouping would
# not halve the work. Only the speed depends on the guess, never the result.
GROUP_PROBE_ABOVE = 50_000
GROUP_PROBE_SAMPLE = 10_000


def _repeats_enough(x: FloatArray, t_x: FloatArray, age: FloatArray) -> bool:
    rng = np.random.default_rng(0)
    rows = rng.choice(x.size, size=GROUP_PROBE_SAMPLE, replace=False)
    sx, st, sa = x.take(rows), t_x.take(rows), age.take(rows)
    order = np.lexsort((sa, st, sx))
    sx, st, sa = sx[order], st[order], sa[order]
    distinct = 1 + int(
        np.count_nonzero((sx[1:] != sx[:-1]) | (st[1:] != st[:-1]) | (sa[1:] != sa[:-1]))
    )
    half = x.size / 2
    return bool(distinct <= half * -np.expm1(-GROUP_PROBE_SAMPLE / half))


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
    if x.size > GROUP_PROBE_ABOVE and not _repeats_enough(x, t_x, age):
        return Summary(x, t_x, age, np.ones(x.size))
    # Sort by (x, tₓ, T) and cut where any of them changes: one lexsort, no row-wise unique.
    order = np.lexsort((age, t_x, x))
    x, t_x, age = x[order], t_x[order], age[order]
    cut = np.ones(x.size, dtype=bool)
    cut[1:] = (x[1:] != x[:-1]) | (t_x[1:] != t_x[:-1]) | (age[1:] != age[:-1])
    starts = np.flatnonzero(cut)
    counts = np.diff(np.append(starts, x.size)).astype(np.float64)
    return Summary(x[starts], t_x[starts], age[starts], counts)


def _negative(
    theta: FloatArray, data: Summary, *, hessian: bool
) -> tuple[float, FloatArray, FloatArray]:
    """−LL, its gradient and (on request; zeros otherwise) its Hessian with respect to the
    logarithms of (r, α, a, b).

    LL = Σ w·[A₁ + A₂ + log(e^{A₃} + δ e^{A₄})] (FHL 2005 eq. 6). The Gamma-function terms
    depend on x alone and are computed once per distinct x; customers with x = 0 have δ = 0
    and only A₃; for repeat buyers the log-sum-exp is A₃ + softplus(d) with d = A₄ − A₃, whose
    sigmoid s is the share of the "dropped out right after tₓ" term. The Hessian of the
    log-sum-exp is (1 − s)∇²A₃ + s∇²A₄ + s(1 − s)(∇A₃ − ∇A₄)(∇A₃ − ∇A₄)ᵀ."""
    params = np.exp(theta)
    if not (np.isfinite(params).all() and (params > 0.0).all()):
        # A search that wandered to a parameter of 0 or ∞ (data that do not identify the
        # model): no likelihood there, so the fit fails as not converged, never divides by 0.
        return float("inf"), np.full(4, np.nan), np.full((4, 4), np.nan)
    r, alpha, a, b = (float(v) for v in params)
    parts = data.parts
    n = parts.total_weight
    log_alpha = np.log(alpha)
    # The r·log α of A₁, shared by every customer.
    value = r * log_alpha * n
    g = np.array([log_alpha * n, r / alpha * n, 0.0, 0.0])
    h = np.zeros((4, 4))
    h[0, 1] = n / alpha
    h[1, 1] = -r / alpha**2 * n
    if parts.zero_age.size:
        value += _zero_terms(r, alpha, parts, g, h, hessian=hessian)
    if parts.x.size:
        value += _frequency_terms(r, a, b, parts, g, h, hessian=hessian)
        value += _recency_terms(r, alpha, a, b, parts, g, h, hessian=hessian)
    # From (r, α, a, b) to their logarithms: ∂/∂θ = p·∂/∂p, ∂²/∂θ² = p·H·p + diag(p·g).
    gradient = g * params
    if not hessian:
        return -value, -gradient, h
    upper = np.triu(h, 1)
    full = np.diag(h.diagonal()) + upper + upper.T
    return -value, -gradient, -(full * np.outer(params, params) + np.diag(gradient))


def _zero_terms(
    r: float, alpha: float, parts: _Parts, g: FloatArray, h: FloatArray, *, hessian: bool
) -> float:
    """Customers who never bought again: −r·log(α + T); adds to g and h (upper triangle)."""
    inverse = alpha + parts.zero_age
    sum_log = _zero_sum(parts.zero_weight, np.log(inverse))
    np.reciprocal(inverse, out=inverse)
    sum_inverse = _zero_sum(parts.zero_weight, inverse)
    g[0] -= sum_log
    g[1] -= r * sum_inverse
    if hessian:
        h[0, 1] -= sum_inverse
        h[1, 1] += r * _zero_sum(parts.zero_weight, inverse, inverse)
    return -r * sum_log


def _frequency_terms(
    r: float, a: float, b: float, parts: _Parts, g: FloatArray, h: FloatArray, *, hessian: bool
) -> float:
    """Per distinct repeat frequency: the Gamma-function parts of A₁ and A₂."""
    ux, wx = parts.values, parts.value_weight
    value = float(
        wx
        @ (
            special.gammaln(r + ux)
            - special.gammaln(r)
            + special.gammaln(a + b)
            + special.gammaln(b + ux)
            - special.gammaln(b)
            - special.gammaln(a + b + ux)
        )
    )
    dab_x = special.digamma(a + b) - special.digamma(a + b + ux)
    g[0] += float(wx @ (special.digamma(r + ux) - special.digamma(r)))
    g[2] += float(wx @ dab_x)
    g[3] += float(wx @ (dab_x + special.digamma(b + ux) - special.digamma(b)))
    if hessian:
        trigamma_ab = float(wx @ (special.polygamma(1, a + b) - special.polygamma(1, a + b + ux)))
        h[0, 0] += float(wx @ (special.polygamma(1, r + ux) - special.polygamma(1, r)))
        h[2, 2] += trigamma_ab
        h[2, 3] += trigamma_ab
        h[3, 3] += trigamma_ab
        h[3, 3] += float(wx @ (special.polygamma(1, b + ux) - special.polygamma(1, b)))
    return value


def _recency_terms(
    r: float,
    alpha: float,
    a: float,
    b: float,
    parts: _Parts,
    g: FloatArray,
    h: FloatArray,
    *,
    hessian: bool,
) -> float:
    """Per repeat buyer: A₃ + softplus(A₄ − A₃). Arrays are updated in place where the
    formulas allow: at a million customers fresh arrays cost more in page faults than the
    arithmetic."""
    dot, wxs = parts.dot, parts.weighted_x
    inverse_b_x = 1.0 / (b + parts.values - 1)
    inverse_age = alpha + parts.age
    inverse_last = alpha + parts.t_x
    log_age = np.log(inverse_age)
    np.reciprocal(inverse_age, out=inverse_age)
    log_gap = inverse_last * inverse_age
    np.log(log_gap, out=log_gap)  # log(α + tₓ) − log(α + T) ≤ 0
    np.reciprocal(inverse_last, out=inverse_last)
    rx = r + parts.x
    d = np.repeat(np.log(a) + np.log(inverse_b_x), parts.counts)
    d -= rx * log_gap
    e = np.abs(d)
    np.negative(e, out=e)
    np.exp(e, out=e)  # e^(−|d|)
    softplus = np.log1p(e)
    softplus += np.maximum(d, 0.0)
    s = e + 1.0
    np.reciprocal(s, out=s)  # 1/(1 + e^(−|d|)): the sigmoid where d > 0
    np.multiply(e, s, out=e)  # e^(−|d|)/(1 + e^(−|d|)): the sigmoid where d ≤ 0
    np.copyto(s, e, where=d <= 0)
    sum_log_age = dot(log_age)
    value = dot(softplus) - r * sum_log_age - float(wxs @ log_age)
    gap = inverse_last
    gap -= inverse_age  # 1/(α + tₓ) − 1/(α + T)
    ws = parts.weighted(s)
    sum_s = float(ws.sum())
    per_x_s = _runs(ws, parts.starts)
    mix = s * gap
    mix += inverse_age  # (1 − s)/(α + T) + s/(α + tₓ)
    g[0] -= sum_log_age + float(ws @ log_gap)
    g[1] -= r * dot(mix) + float(wxs @ mix)
    g[2] += sum_s / a
    g[3] -= float(per_x_s @ inverse_b_x)
    if hessian:
        _recency_hessian(a, parts, h, s, ws, sum_s, per_x_s, log_gap, gap, mix, rx, inverse_b_x)
        curve = inverse_age * 2.0
        curve += gap
        curve *= gap
        curve *= s
        curve += inverse_age * inverse_age  # (1 − s)/(α + T)² + s/(α + tₓ)²
        h[1, 1] += r * dot(curve) + float(wxs @ curve)
    return value


def _recency_hessian(
    a: float,
    parts: _Parts,
    h: FloatArray,
    s: FloatArray,
    ws: FloatArray,
    sum_s: float,
    per_x_s: FloatArray,
    log_gap: FloatArray,
    gap: FloatArray,
    mix: FloatArray,
    rx: FloatArray,
    inverse_b_x: FloatArray,
) -> None:
    """The s(1 − s)(∇A₃ − ∇A₄)(∇A₃ − ∇A₄)ᵀ part of the repeat buyers' Hessian, the
    −(1 − s)/(α + T) − s/(α + tₓ) of ∂²/∂r∂α and s·∂²A₄/∂a², s·∂²A₄/∂b²."""
    wq = ws * (1.0 - s)  # w·s·(1 − s)
    q_gap = wq * log_gap
    q_rate = rx * gap
    q_rate *= wq
    h[0, 0] += float(q_gap @ log_gap)
    h[0, 1] += float(q_rate @ log_gap) - parts.dot(mix)
    h[0, 2] -= float(q_gap.sum()) / a
    h[0, 3] += float(_runs(q_gap, parts.starts) @ inverse_b_x)
    h[1, 1] += float(q_rate @ (rx * gap))
    h[1, 2] -= float(q_rate.sum()) / a
    h[1, 3] += float(_runs(q_rate, parts.starts) @ inverse_b_x)
    per_x_q = _runs(wq, parts.starts)
    h[2, 2] += (float(wq.sum()) - sum_s) / a**2
    h[2, 3] -= float(per_x_q @ inverse_b_x) / a
    h[3, 3] += float((per_x_s + per_x_q) @ (inverse_b_x * inverse_b_x))


def _negative_and_gradient(theta: FloatArray, data: Summary) -> tuple[float, FloatArray]:
    """−LL and its gradient with respect to the logarithms of (r, α, a, b) (FHL 2005 eq. 6)."""
    value, gradient, _ = _negative(theta, data, hessian=False)
    return value, gradient


def log_likelihood(params: npt.ArrayLike, data: Summary) -> float:
    """The BG/NBD log-likelihood of (r, α, a, b), summed over the customers (FHL 2005 eq. 6)."""
    value, _ = _negative_and_gradient(np.log(np.asarray(params, dtype=np.float64)), data)
    return -value


def _mean_negative(theta: FloatArray, data: Summary) -> tuple[float, FloatArray]:
    # Per customer, so the optimiser's tolerances mean the same at 2,000 and 2,000,000.
    value, gradient = _negative_and_gradient(theta, data)
    n = data.parts.total_weight
    return value / n, gradient / n


def _mean_negative_hessian(
    theta: FloatArray, data: Summary
) -> tuple[float, FloatArray, FloatArray]:
    value, gradient, hessian = _negative(theta, data, hessian=True)
    n = data.parts.total_weight
    return value / n, gradient / n, hessian / n


def _sample(data: Summary, size: int) -> Summary:
    rng = np.random.default_rng(0)  # a fixed draw: the same data always fits the same way
    keep = np.sort(rng.choice(data.frequency.size, size=size, replace=False))
    return Summary(data.frequency[keep], data.recency[keep], data.T[keep], data.weight[keep])


# Above this many distinct customers the search starts from a fit on a sample of them, so the
# full data is only polished: from the sample's optimum Newton's method needs three passes.
WARM_START_ABOVE = 50_000
WARM_START_SAMPLE = 20_000


def fit(data: Summary, *, start: npt.ArrayLike | None = None) -> BgNbd:
    """Maximum-likelihood (r, α, a, b) of the BG/NBD model (§10), by Newton's method (L-BFGS-B
    when that fails). Raises ValueError when neither converges (too little data to identify
    the model)."""
    if start is not None:
        theta0 = np.log(np.asarray(start, dtype=np.float64))
    elif data.frequency.size > WARM_START_ABOVE:
        theta0 = np.log(fit(_sample(data, WARM_START_SAMPLE)).params())
    else:
        theta0 = START
    found = newton_then_lbfgs(_mean_negative_hessian, _mean_negative, theta0, (data,))
    theta, value, iterations, message = found.x, found.fun, found.nit, found.message
    params = np.exp(theta)
    if not np.isfinite(value) or not np.isfinite(params).all():
        raise ValueError("the BG/NBD fit did not converge: " + message)
    r, alpha, a, b = (float(v) for v in params)
    log_likelihood = -float(value) * data.parts.total_weight
    return BgNbd(r, alpha, a, b, log_likelihood, data.customers, iterations)


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
    result = minimise(_covariate_negative, theta0, (x, t_x, age, z), maxiter=5000, gtol=1e-9)
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
    T: FloatArray | float,
    r: float,
    alpha: FloatArray | float,
    a: FloatArray | float,
    b: FloatArray | float,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Draw (x, tₓ, T) of n customers from the BG/NBD story (for tests and benchmarks): each
    buys at its rate until it drops out after a purchase, observed for T periods (one for
    all, or each customer's own)."""
    ages = np.broadcast_to(np.asarray(T, dtype=np.float64), (n,)).copy()
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
        inside = clock[idx] <= ages[idx]
        bought = idx[inside]
        x[bought] += 1
        t_x[bought] = clock[bought]
        active[idx[~inside]] = False
        gone = bought[rng.random(bought.size) < dropout[bought]]
        active[gone] = False
    return x, t_x, ages


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
