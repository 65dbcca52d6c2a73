"""Dated events as sorted arrays (kam.analytics.events, DOMAIN §10): windows over every row at
once, and the BG/NBD summary of purchase days in weeks."""

from __future__ import annotations

import numpy as np
import pytest

from kam.analytics.events import Events, purchase_summary


def test_windows_count_sum_and_pick_per_row_whatever_the_input_order() -> None:
    # Given three rows: row 0 with events on days 10, 20, 30; row 1 none; row 2 one on day 15
    events = Events.of(3, [0, 2, 0, 0], [30, 15, 10, 20], score=[3.0, 7.0, 1.0, 2.0])

    # Then each window is answered for every row at once
    assert events.count_until(20).tolist() == [2, 0, 1]
    assert events.count_between(10, 30).tolist() == [2, 0, 1]  # 10 < day <= 30
    assert events.sum_between("score", 0, 25).tolist() == [3.0, 0.0, 7.0]
    last = events.value_at("score", events.last(25))
    assert last[0] == 2.0 and np.isnan(last[1]) and last[2] == 7.0
    before_last = events.value_at("score", events.last(30, back=2))
    assert before_last[0] == 2.0 and np.isnan(before_last[2])


def test_the_purchase_summary_counts_repeat_days_in_weeks() -> None:
    # Given a row buying on days 0, 14 and 28 (amounts 100, 200, 400), a row buying once on
    # day 7, and a row that never bought, summarised at day 42
    purchases = Events.of(3, [0, 0, 0, 1], [0, 14, 28, 7], amount=[100.0, 200.0, 400.0, 50.0])

    summary = purchase_summary(purchases, 42)

    # Then frequency counts the repeat days, recency and age run from the first purchase
    assert summary.bought.tolist() == [True, True, False]
    assert summary.frequency.tolist() == [2.0, 0.0, 0.0]
    assert summary.recency.tolist() == [4.0, 0.0, 0.0]
    assert summary.T.tolist() == [6.0, 5.0, 0.0]
    # and the mean value is that of the repeat purchases alone (§10 Gamma-Gamma)
    assert summary.monetary.tolist() == pytest.approx([300.0, 0.0, 0.0])
    assert summary.last_day.tolist()[:2] == [28, 7]
