"""Newton's method of kam.analytics.optimise (DOMAIN §10 fits): its step cap and its stop
on a likelihood flat along the step."""

from __future__ import annotations

import numpy as np

from kam.analytics import optimise
from kam.analytics.optimise import newton


def _far_bowl(x: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    return float((x[0] - 20.0) ** 2), np.array([2 * (x[0] - 20.0)]), np.array([[2.0]])


def test_no_step_is_longer_than_the_cap() -> None:
    # Given a bowl whose bottom is 20 away, where one full Newton step would land
    seen: list[float] = []

    def bowl(x: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        seen.append(float(x[0]))
        return _far_bowl(x)

    # When Newton's method starts at 0
    found = newton(bowl, np.array([0.0]), ())

    # Then it walks there in steps of at most MAX_STEP and stops at the bottom
    assert found.success
    assert abs(found.x[0] - 20.0) < 1e-9
    assert max(np.abs(np.diff(seen))) <= optimise.MAX_STEP + 1e-12
    assert len(seen) >= 20.0 / optimise.MAX_STEP


def test_a_ridge_to_infinity_stops_once_flat_along_the_step() -> None:
    # Given −LL = 50 + (x − 1)² + e^(−y): its infimum is at y → ∞, where the gradient only
    # fades (a parameter the data do not pin down)
    def ridge(v: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        x, y = float(v[0]), float(v[1])
        tail = np.exp(-y)
        value = 50.0 + (x - 1.0) ** 2 + tail
        return value, np.array([2 * (x - 1.0), -tail]), np.array([[2.0, 0.0], [0.0, tail]])

    # When Newton's method starts at the origin
    found = newton(ridge, np.array([0.0, 0.0]), ())

    # Then it stops, converged, where a unit step promises less than FLAT of −LL: long
    # before the gradient's tolerance, with no line search spent on rounding errors
    assert found.success
    assert found.message == "flat along the step"
    assert abs(found.x[0] - 1.0) < 1e-9
    assert np.exp(-found.x[1]) < optimise.FLAT * 50.0 * 2
    assert found.passes == found.nit


def test_no_point_beyond_the_limit_is_believed() -> None:
    # Given a −LL that, past the limit, falls to rounding noise of −10²⁴³ (as the
    # Gamma-Gamma terms do at p = e⁵⁹⁰)
    def noisy(v: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        x = float(v[0])
        if x > optimise.LIMIT:
            return -1e243, np.array([-1.0]), np.array([[1.0]])
        return 10.0 - 0.01 * x, np.array([-0.01]), np.array([[1e-6]])

    # When Newton's method and L-BFGS-B search from 0
    found = optimise.newton_then_lbfgs(noisy, lambda v: noisy(v)[:2], np.array([0.0]), ())

    # Then the search ends at the limit, with a −LL it computed there
    assert found.x[0] <= optimise.LIMIT
    assert found.fun > 0
