"""Maximum likelihood for kam's small models: L-BFGS-B on log-parameters with an analytic
gradient, with BLAS held to one thread.

A fit of four parameters calls the optimiser's BLAS dozens of times on tiny vectors; with a
thread pool per call those calls cost more than the likelihood itself (12 ms each on a busy
two-core machine instead of 0.1 ms), so the fit runs single-threaded: the likelihood's own
numpy work is element-wise and does not use BLAS threads anyway.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import optimize
from threadpoolctl import threadpool_limits

FloatArray = npt.NDArray[np.float64]


def minimise(
    negative_and_gradient: Callable[..., tuple[float, FloatArray]],
    start: FloatArray,
    args: tuple[Any, ...],
    *,
    maxiter: int = 2000,
    gtol: float = 1e-10,
) -> Any:
    """scipy's OptimizeResult of minimising −LL from `start`."""
    with threadpool_limits(limits=1, user_api="blas"):
        return optimize.minimize(
            negative_and_gradient,
            start,
            args=args,
            jac=True,
            method="L-BFGS-B",
            options={"maxiter": maxiter, "ftol": 1e-15, "gtol": gtol},
        )
