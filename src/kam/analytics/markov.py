"""Markov chains of customer states (DOMAIN §10, S3 "Markov model"): the monthly migration
between the classes A, B, C, D and lost, estimated from the portfolio's history; the n-step
forecast of the portfolio's mix; the expected months until a customer of each class is lost;
and the customer lifetime value of Pfeifer & Carraway (2000, "Modeling customer relationships
as Markov chains"): V = Σₜ [(1 + d)⁻¹ P]ᵗ R, or (I − P/(1 + d))⁻¹ R over an infinite horizon.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# The chain's states in order; lost is the last, absorbing unless the data say otherwise.
CLASS_STATES = ("A", "B", "C", "D", "lost")


@dataclass(frozen=True)
class Chain:
    """An estimated chain: the transition probabilities (rows sum to one) and the counts
    they came from (before smoothing)."""

    states: tuple[str, ...]
    transition: FloatArray
    counts: IntArray

    def forecast(self, mix: npt.ArrayLike, steps: int) -> FloatArray:
        """The mix after each of 1 … steps steps (rows), from a starting mix (counts or shares)."""
        return forecast(self.transition, mix, steps)


def transition_counts(
    from_state: npt.ArrayLike, to_state: npt.ArrayLike, n_states: int
) -> IntArray:
    """Count the observed moves (state indices) into an n × n table."""
    origin = np.asarray(from_state, dtype=np.int64)
    target = np.asarray(to_state, dtype=np.int64)
    if origin.shape != target.shape:
        raise ValueError("from and to states must be of one length")
    if origin.size and (
        origin.min() < 0 or target.min() < 0 or origin.max() >= n_states or target.max() >= n_states
    ):
        raise ValueError("a state index is outside the chain")
    table = np.zeros((n_states, n_states), dtype=np.int64)
    np.add.at(table, (origin, target), 1)
    return table


def history_counts(
    customer: npt.ArrayLike, period: npt.ArrayLike, state: npt.ArrayLike, n_states: int
) -> IntArray:
    """Count the moves of a state history: each customer's state at period k (an integer
    rank: 0, 1, 2 … for consecutive periods) against its state at k + 1. A customer missing
    from a period gives no move across the gap (its state there is unknown, not lost). Raises
    ValueError when a customer has two states in one period."""
    who = np.asarray(customer, dtype=np.int64)
    when = np.asarray(period, dtype=np.int64)
    what = np.asarray(state, dtype=np.int64)
    if not (who.shape == when.shape == what.shape):
        raise ValueError("customer, period and state must be of one length")
    order = np.lexsort((when, who))
    who, when, what = who[order], when[order], what[order]
    same = who[1:] == who[:-1]
    if (same & (when[1:] == when[:-1])).any():
        raise ValueError("a customer has two states in one period")
    move = same & (when[1:] == when[:-1] + 1)
    return transition_counts(what[:-1][move], what[1:][move], n_states)


def estimate(
    counts: npt.ArrayLike,
    *,
    smoothing: float = 0.5,
    absorbing: tuple[int, ...] = (),
    states: tuple[str, ...] | None = None,
) -> Chain:
    """Maximum-likelihood transition probabilities with additive (Laplace/Jeffreys) smoothing:
    every move gets `smoothing` pseudo-counts so a class never seen leaving keeps a small
    chance of doing so; an absorbing state (lost) keeps its row [0 … 1], and a row with no
    observation and no smoothing stays where it is."""
    table = np.asarray(counts, dtype=np.int64)
    n = table.shape[0]
    if table.shape != (n, n) or (table < 0).any():
        raise ValueError("counts must be a square table of non-negative numbers")
    if smoothing < 0:
        raise ValueError("smoothing must be ≥ 0")
    padded = table.astype(np.float64) + smoothing
    rows = padded.sum(axis=1, keepdims=True)
    transition = np.divide(padded, rows, out=np.eye(n), where=rows > 0)
    for state in absorbing:
        transition[state] = 0.0
        transition[state, state] = 1.0
    names = states if states is not None else tuple(str(i) for i in range(n))
    return Chain(names, transition, table)


def _checked(transition: npt.ArrayLike) -> FloatArray:
    matrix = np.asarray(transition, dtype=np.float64)
    n = matrix.shape[0]
    if matrix.shape != (n, n):
        raise ValueError("the transition matrix must be square")
    if (matrix < -1e-12).any() or not np.allclose(matrix.sum(axis=1), 1.0, atol=1e-9):
        raise ValueError("each row of the transition matrix must be probabilities summing to 1")
    return matrix


def forecast(transition: npt.ArrayLike, mix: npt.ArrayLike, steps: int) -> FloatArray:
    """The portfolio's mix after 1 … `steps` steps (one row per step): mix · Pᵗ."""
    matrix = _checked(transition)
    current = np.asarray(mix, dtype=np.float64)
    if current.shape != (matrix.shape[0],):
        raise ValueError("the mix needs one value per state")
    out = np.empty((steps, matrix.shape[0]))
    for step in range(steps):
        current = current @ matrix
        out[step] = current
    return out


def expected_steps_to_absorption(transition: npt.ArrayLike, absorbing: int) -> FloatArray:
    """Expected steps until the chain first reaches `absorbing`, from each state (0 from it):
    t = (I − Q)⁻¹ 1 over the states that reach it surely (the fundamental matrix); a state
    that may never reach it — it cannot, or it can move to one that cannot — waits forever
    (infinity)."""
    matrix = _checked(transition)
    n = matrix.shape[0]
    sure = _reaches(matrix, absorbing)
    while True:
        leaks = (matrix[:, ~sure] > 0).any(axis=1) & sure
        leaks[absorbing] = False
        if not leaks.any():
            break
        sure &= ~leaks
    out = np.full(n, np.inf)
    out[absorbing] = 0.0
    others = [i for i in range(n) if sure[i] and i != absorbing]
    if others:
        q = matrix[np.ix_(others, others)]
        out[others] = np.linalg.solve(np.eye(len(others)) - q, np.ones(len(others)))
    return out


def _reaches(matrix: FloatArray, target: int) -> npt.NDArray[np.bool_]:
    reach = np.zeros(matrix.shape[0], dtype=bool)
    reach[target] = True
    while True:
        grown = reach | ((matrix[:, reach] > 0).any(axis=1))
        if (grown == reach).all():
            return reach
        reach = grown


def clv(
    transition: npt.ArrayLike,
    reward: npt.ArrayLike,
    discount: float,
    periods: int | None = None,
) -> FloatArray:
    """Pfeifer–Carraway customer lifetime value per starting state: Σₜ₌₀ᵀ [(1 + d)⁻¹ P]ᵗ R for
    T = `periods`, or (I − P/(1 + d))⁻¹ R when `periods` is None (d > 0 needed then)."""
    matrix = _checked(transition)
    rewards = np.asarray(reward, dtype=np.float64)
    if rewards.shape != (matrix.shape[0],):
        raise ValueError("the reward needs one value per state")
    if discount <= -1:
        raise ValueError("the discount rate must be above −100 %")
    discounted = matrix / (1.0 + discount)
    if periods is None:
        if discount <= 0:
            raise ValueError("an infinite horizon needs a positive discount rate")
        return np.asarray(np.linalg.solve(np.eye(matrix.shape[0]) - discounted, rewards))
    if periods < 0:
        raise ValueError("periods must be ≥ 0")
    total = rewards.copy()
    term = rewards.copy()
    for _ in range(periods):
        term = discounted @ term
        total += term
    return total
