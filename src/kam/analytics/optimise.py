"""Maximum likelihood for kam's small models (DOMAIN §10): Newton's method on log-parameters
with an analytic gradient and Hessian, and L-BFGS-B as the fallback, both with BLAS held to
one thread.

The models have three or four parameters and likelihoods that cost one pass over the
customers, so the number of passes is the fit's cost. Newton's method converges
quadratically: from a start near the optimum (a fit on a sample of the data) it needs three
passes over a million customers where L-BFGS-B needs ten or more. Its own linear algebra is on
4 × 4 matrices.

BLAS is held to one thread because the likelihoods' dot products over hundreds of thousands
of customers, and L-BFGS-B's dozens of calls on tiny vectors, wake OpenBLAS's thread pool each
time; on a busy two-core machine a wake-up costs milliseconds (a 0.1 ms pass took 12 ms, a
20,000-customer Gamma-Gamma pass 47 ms), more than the work. The libraries are found once per
process (threadpoolctl's scan of every loaded shared library, 4–25 ms once many are loaded),
then each fit only sets the thread count (16 µs).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import optimize
from threadpoolctl import ThreadpoolController

FloatArray = npt.NDArray[np.float64]

ValueGradientHessian = Callable[..., tuple[float, FloatArray, FloatArray]]


_controller: ThreadpoolController | None = None


# The widest a fitted parameter may go: ±25 in log-parameters is a factor of 7·10¹⁰ either
# way of 1. Beyond it the likelihoods' Gamma-function differences cancel to rounding noise
# (gammaln at 10¹² keeps four digits) and a search finds "optima" of −LL = −10²⁴³ there; on
# a ridge of parameters the data do not pin down the likelihood is flat long before.
LIMIT = 25.0


def single_threaded_blas() -> Any:
    """A context in which BLAS runs on one thread for a §10 fit (the controller that sets it
    is built on first use, once per process)."""
    global _controller  # noqa: PLW0603 — one scan of the loaded libraries per process
    if _controller is None:
        _controller = ThreadpoolController()
    return _controller.limit(limits=1, user_api="blas")


def minimise(
    negative_and_gradient: Callable[..., tuple[float, FloatArray]],
    start: FloatArray,
    args: tuple[Any, ...],
    *,
    maxiter: int = 2000,
    gtol: float = 1e-10,
    limit: float | None = None,
) -> Any:
    """scipy's OptimizeResult of minimising −LL from `start` by L-BFGS-B (§10 fits), within
    ±`limit` in every parameter when one is given."""
    # Its trial points far out overflow to an infinite −LL, which it backs off from.
    with single_threaded_blas(), np.errstate(over="ignore"):
        return optimize.minimize(
            negative_and_gradient,
            start,
            args=args,
            jac=True,
            method="L-BFGS-B",
            bounds=None if limit is None else [(-limit, limit)] * np.asarray(start).size,
            options={"maxiter": maxiter, "ftol": 1e-15, "gtol": gtol},
        )


@dataclass(frozen=True)
class NewtonResult:
    """Where Newton's method stopped: the point, −LL there, iterations, passes (evaluations of
    the likelihood) and whether it converged."""

    x: FloatArray
    fun: float
    nit: int
    passes: int
    success: bool
    message: str


def _direction(gradient: FloatArray, hessian: FloatArray) -> FloatArray:
    """The Newton step, or — where the Hessian is not positive definite, far from the
    optimum — the step of the Hessian with its eigenvalues made positive, which still goes
    downhill and keeps the curvature's scale; steepest descent where it is not finite."""
    if not np.isfinite(hessian).all():
        return -gradient
    try:
        factor = np.linalg.cholesky(hessian)
    except np.linalg.LinAlgError:
        values, vectors = np.linalg.eigh(hessian)
        scale = np.maximum(np.abs(values), 1e-8 * max(1.0, float(np.abs(values).max())))
        return np.asarray(-(vectors @ ((vectors.T @ gradient) / scale)))
    return np.asarray(-np.linalg.solve(factor.T, np.linalg.solve(factor, gradient)))


def newton(
    value_gradient_hessian: ValueGradientHessian,
    start: FloatArray,
    args: tuple[Any, ...],
    *,
    maxiter: int = 200,
    gtol: float = 1e-9,
    xtol: float = 1e-5,
) -> NewtonResult:
    """Minimise −LL from `start` by Newton's method with a backtracking line search (§10 fits).

    Stops when the gradient's largest component is below `gtol`, or when a full Newton step
    shorter than `xtol` (in log-parameters: a relative change) was taken — at quadratic
    convergence the point after such a step is within about C·xtol² of the optimum (C, the
    ratio of a step to the square of the one before, is 0.2–2 on the BG/NBD and Gamma-Gamma
    fits measured: 1e-10 relative, tighter than the gradient tolerance L-BFGS-B stopped at),
    so the pass that would only confirm it is skipped; −LL there is the quadratic model's
    value."""

    def evaluate(x: FloatArray) -> tuple[float, FloatArray, FloatArray]:
        # A trial step far out (data that do not identify the model) may overflow, or land
        # beyond LIMIT where −LL is rounding noise: that is a step to shorten, not an error.
        if float(np.abs(x).max()) > LIMIT:
            return float("inf"), np.full(x.size, np.nan), np.full((x.size, x.size), np.nan)
        try:
            with np.errstate(all="ignore"):
                return value_gradient_hessian(x, *args)
        except (OverflowError, ZeroDivisionError, FloatingPointError):
            return float("inf"), np.full(x.size, np.nan), np.full((x.size, x.size), np.nan)

    with single_threaded_blas():
        return _newton(evaluate, start, maxiter, gtol, xtol)


# The longest step in any log-parameter per iteration (a factor of e⁴ ≈ 55). Where the data
# do not identify a parameter (nobody drops out: the dropout's a and b run off to infinity
# together) the Hessian is nearly singular along that ridge and a full Newton step lands at
# parameters like e²⁵⁰, where the likelihood's terms lose every digit and the search wanders
# among rounding errors for hundreds of passes. A well-posed fit's steps are shorter.
MAX_STEP = 4.0
# A step longer than 1e-3 that promises to lower −LL by less than this, relative, is not
# taken: −LL is the mean over the customers, so this is 1e-10 of the log-likelihood, far
# below what any figure shows and near what the sums' rounding resolves at extreme parameters.
FLAT = 1e-10


def _settled(
    x: FloatArray, value: float, step: FloatArray, slope: float, xtol: float
) -> tuple[FloatArray, float, str] | None:
    """Where the search stops before a line search, converged: the point, −LL there and why."""
    longest = float(np.abs(step).max())
    if longest < xtol:
        return x + step, value + 0.5 * slope, "step below tolerance"
    if -slope < FLAT * max(1.0, abs(value)) and longest > 1e-3:
        # A long step that promises almost nothing: the likelihood is flat along it, a ridge
        # to infinity of parameters the data do not pin down, where the gradient only fades
        # and the line search would halve the step forty times for rounding errors. (Near an
        # interior optimum the steps shrink quadratically instead.)
        return x, value, "flat along the step"
    return None


def _newton(
    value_gradient_hessian: Callable[[FloatArray], tuple[float, FloatArray, FloatArray]],
    start: FloatArray,
    maxiter: int,
    gtol: float,
    xtol: float,
) -> NewtonResult:
    x = np.asarray(start, dtype=np.float64).copy()
    value, gradient, hessian = value_gradient_hessian(x)
    passes = 1
    if not np.isfinite(value):
        return NewtonResult(x, value, 0, passes, False, "the start has no finite likelihood")
    for iteration in range(1, maxiter + 1):
        if float(np.abs(gradient).max()) <= gtol:
            return NewtonResult(x, value, iteration - 1, passes, True, "gradient below tolerance")
        step = _direction(gradient, hessian)
        longest = float(np.abs(step).max())
        if longest > MAX_STEP:
            step = step * (MAX_STEP / longest)
        slope = float(gradient @ step)
        if not np.isfinite(slope) or slope >= 0:
            return NewtonResult(x, value, iteration, passes, False, "no descent direction")
        settled = _settled(x, value, step, slope, xtol)
        if settled is not None:
            point, at, message = settled
            return NewtonResult(point, at, iteration, passes, True, message)
        # Near the optimum −LL changes by less than its rounding: accept what rounding hides.
        noise = 1e-13 * max(1.0, abs(value))
        length = 1.0
        for _ in range(40):
            candidate = x + length * step
            new_value, new_gradient, new_hessian = value_gradient_hessian(candidate)
            passes += 1
            if np.isfinite(new_value) and new_value <= value + 1e-4 * length * slope + noise:
                break
            length /= 2
        else:
            return NewtonResult(x, value, iteration, passes, False, "the line search failed")
        x, value, gradient, hessian = candidate, new_value, new_gradient, new_hessian
    return NewtonResult(x, value, maxiter, passes, False, "too many iterations")


@dataclass(frozen=True)
class Fitted:
    """The better of Newton's and (when Newton did not converge) L-BFGS-B's minimum."""

    x: FloatArray
    fun: float
    nit: int
    message: str


def newton_then_lbfgs(
    value_gradient_hessian: ValueGradientHessian,
    value_gradient: Callable[..., tuple[float, FloatArray]],
    start: FloatArray,
    args: tuple[Any, ...],
) -> Fitted:
    """Minimise −LL by Newton's method, by L-BFGS-B from the same start when that fails (§10
    fits). Where the data do not pin a parameter down (a ridge to infinity) both stop short
    of a limit that does not exist: the one with the higher likelihood is kept."""
    found = newton(value_gradient_hessian, start, args, gtol=1e-9)
    if found.success:
        return Fitted(found.x, found.fun, found.nit, found.message)
    result = minimise(value_gradient, start, args, maxiter=2000, gtol=1e-9, limit=LIMIT)
    if np.isfinite(found.fun) and found.fun < float(result.fun):
        return Fitted(found.x, found.fun, found.nit, found.message)
    return Fitted(np.asarray(result.x), float(result.fun), int(result.nit), str(result.message))
