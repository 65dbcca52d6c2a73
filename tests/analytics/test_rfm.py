"""Transactions to (x, tₓ, T, m̄) (DOMAIN §10, docs/rules.md "Repeat-buying models"): the
vectorised summary against a per-customer reference on random logs."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from kam.analytics import rfm

transaction = st.tuples(
    st.integers(0, 5), st.integers(0, 60), st.floats(0, 1000, allow_nan=False).map(round)
)


def reference(rows: list[tuple[int, int, float]], end: int, period: float) -> dict[int, tuple]:
    out = {}
    for customer in sorted({c for c, day, _ in rows if day <= end}):
        days: dict[int, float] = {}
        for c, day, amount in rows:
            if c == customer and day <= end:
                days[day] = days.get(day, 0.0) + amount
        ordered = sorted(days)
        repeat = [days[d] for d in ordered[1:]]
        out[customer] = (
            len(ordered) - 1,
            (ordered[-1] - ordered[0]) / period,
            (end - ordered[0]) / period,
            sum(repeat) / len(repeat) if repeat else 0.0,
        )
    return out


@settings(max_examples=200, deadline=None)
@given(st.lists(transaction, max_size=40), st.integers(0, 60), st.sampled_from([1.0, 7.0]))
def test_summary_matches_a_per_customer_reference(
    rows: list[tuple[int, int, float]], end: int, period: float
) -> None:
    customer = np.array([r[0] for r in rows], dtype=np.int64)
    day = np.array([r[1] for r in rows], dtype=np.int64)
    amount = np.array([r[2] for r in rows], dtype=np.float64)
    summary = rfm.summarize(customer, day, amount, calibration_end=end, period_days=period)
    expected = reference(rows, end, period)
    assert summary.customer.tolist() == list(expected)
    for i, key in enumerate(expected):
        x, t_x, age, money = expected[key]
        assert summary.frequency[i] == x
        assert np.isclose(summary.recency[i], t_x)
        assert np.isclose(summary.T[i], age)
        assert np.isclose(summary.monetary_value[i], money)
