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
) -> Any:
    """scipy's OptimizeResult of minimising −LL from `start` by L-BFGS-B (§10 fits)."""
    with single_threaded_blas():
        return optimize.minimize(
            negative_and_gradient,
            start,
            args=args,
            jac=True,
            method="L-BFGS-B",
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
        # A trial step far out (data that do not identify the model) may overflow: that is
        # a step to shorten, not an error.
        try:
            with np.errstate(all="ignore"):
                return value_gradient_hessian(x, *args)
        except (OverflowError, ZeroDivisionError, FloatingPointError):
            return float("inf"), np.full(x.size, np.nan), np.full((x.size, x.size), np.nan)

    with single_threaded_blas():
        return _newton(evaluate, start, maxiter, gtol, xtol)


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
        slope = float(gradient @ step)
        if not np.isfinite(slope) or slope >= 0:
            return NewtonResult(x, value, iteration, passes, False, "no descent direction")
        if float(np.abs(step).max()) < xtol:
            predicted = value + 0.5 * slope
            return NewtonResult(
                x + step, predicted, iteration, passes, True, "step below tolerance"
            )
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
