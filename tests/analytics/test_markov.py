"""Markov chains of classes and Pfeifer–Carraway CLV (DOMAIN §10)."""

from __future__ import annotations

import numpy as np
import pytest

from kam.analytics import markov


def pfeifer_carraway() -> np.ndarray:
    # Recency states 1–5: from state i a customer buys with pᵢ (back to state 1) or moves on.
    buys = [0.30, 0.20, 0.15, 0.05, 0.0]
    chain = np.zeros((5, 5))
    for state, probability in enumerate(buys):
        chain[state, 0] += probability
        chain[state, min(state + 1, 4)] += 1 - probability
    return chain


def test_pfeifer_carraway_example() -> None:
    values = markov.clv(pfeifer_carraway(), [36, -4, -4, -4, 0], 0.2)
    assert values == pytest.approx([52.3196, 5.5538, 1.2508, -1.8200, 0.0], abs=5e-5)


def test_two_state_example_is_1100_thirds() -> None:
    values = markov.clv([[0.8, 0.2], [0.0, 1.0]], [100, 0], 0.1)
    assert values[0] == pytest.approx(1100 / 3, rel=1e-12)


def test_finite_horizon_approaches_the_infinite_one() -> None:
    chain, reward = pfeifer_carraway(), [36, -4, -4, -4, 0]
    assert markov.clv(chain, reward, 0.2, periods=0) == pytest.approx(reward)
    assert markov.clv(chain, reward, 0.2, periods=400) == pytest.approx(
        markov.clv(chain, reward, 0.2), abs=1e-9
    )


def test_estimate_counts_smooths_and_keeps_lost_absorbing() -> None:
    # Given moves A→A twice, A→B once, B→lost once and lost→A once (a data slip), when
    # estimated with lost absorbing and no smoothing, then rows are the shares and lost stays.
    counts = markov.transition_counts([0, 0, 0, 1, 4], [0, 0, 1, 4, 0], 5)
    chain = markov.estimate(counts, smoothing=0.0, absorbing=(4,), states=markov.CLASS_STATES)
    assert chain.transition[0, :2] == pytest.approx([2 / 3, 1 / 3])
    assert chain.transition[1, 4] == 1.0
    assert chain.transition[4].tolist() == [0, 0, 0, 0, 1]
    assert chain.transition[2, 2] == 1.0  # C never observed: stays where it is
    smoothed = markov.estimate(counts, smoothing=0.5, absorbing=(4,))
    assert (smoothed.transition[:4] > 0).all()
    assert smoothed.transition.sum(axis=1) == pytest.approx(np.ones(5))


def test_forecast_and_months_until_lost() -> None:
    chain = np.array([[0.9, 0.1, 0.0], [0.1, 0.7, 0.2], [0.0, 0.0, 1.0]])
    mix = markov.forecast(chain, [100, 0, 0], 2)
    assert mix[0] == pytest.approx([90, 10, 0])
    assert mix[1] == pytest.approx([82, 16, 2])
    # t = (I − Q)⁻¹ 1 with Q the transient block: solved by hand.
    steps = markov.expected_steps_to_absorption(chain, 2)
    q = chain[:2, :2]
    assert steps[:2] == pytest.approx(np.linalg.solve(np.eye(2) - q, np.ones(2)))
    assert steps[2] == 0.0
    # A state that never reaches lost waits forever.
    stuck = markov.expected_steps_to_absorption([[1.0, 0.0], [0.0, 1.0]], 1)
    assert stuck[0] == np.inf


@pytest.mark.parametrize(
    "matrix",
    [[[0.5, 0.4], [0.0, 1.0]], [[1.2, -0.2], [0.0, 1.0]], [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]],
)
def test_a_matrix_that_is_not_a_chain_is_refused(matrix: list[list[float]]) -> None:
    with pytest.raises(ValueError, match="transition matrix"):
        markov.clv(matrix, [1.0] * len(matrix), 0.1)


def test_history_counts_consecutive_periods_only() -> None:
    # Given customer 0 in A, A, B over periods 0–2 and customer 1 in C at 0 and D at 2 (absent
    # at 1), then the moves are A→A, A→B and none for customer 1 across its gap.
    counts = markov.history_counts([0, 0, 0, 1, 1], [0, 1, 2, 0, 2], [0, 0, 1, 2, 3], 5)
    assert counts[0, 0] == 1
    assert counts[0, 1] == 1
    assert counts.sum() == 2
    with pytest.raises(ValueError, match="two states in one period"):
        markov.history_counts([0, 0], [1, 1], [0, 1], 5)
