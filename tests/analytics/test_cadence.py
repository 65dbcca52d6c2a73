"""The contact cadence's due dates (DOMAIN §9; docs/rules.md "Cadence")."""

from __future__ import annotations

import datetime as dt

import numpy as np

from kam.analytics.cadence import cadence_due, dates

TODAY = dt.date(2026, 12, 1)


def _due(last: dt.date | None, start: dt.date | None, interval: int) -> tuple[bool, int, bool]:
    found = cadence_due(dates([last]), dates([start]), np.array([interval]), TODAY)
    return bool(found.has_cadence[0]), int(found.days_left[0]), bool(found.overdue[0])


def test_exactly_the_interval_since_the_last_contact_is_due_today_not_overdue() -> None:
    assert _due(TODAY - dt.timedelta(days=30), None, 30) == (True, 0, False)


def test_one_day_past_the_interval_is_one_day_overdue() -> None:
    found = cadence_due(
        dates([TODAY - dt.timedelta(days=31)]), dates([None]), np.array([30]), TODAY
    )
    assert found.overdue_days.tolist() == [1]


def test_never_contacted_counts_from_the_start_date() -> None:
    assert _due(None, TODAY - dt.timedelta(days=40), 30) == (True, -10, True)


def test_no_interval_or_no_date_means_no_cadence() -> None:
    assert _due(TODAY, None, 0)[0] is False
    assert _due(None, None, 30)[0] is False


def test_many_rows_at_once() -> None:
    last = dates([TODAY - dt.timedelta(days=d) for d in (10, 45, 91)])
    found = cadence_due(last, dates([None] * 3), np.array([30, 45, 90]), TODAY)
    assert found.days_left.tolist() == [20, 0, -1]
    assert found.overdue.tolist() == [False, False, True]
