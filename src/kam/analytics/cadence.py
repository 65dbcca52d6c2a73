"""The contact cadence of DOMAIN §9, vectorised over many accounts or people.

Each row has the date of its last contact (NaT: never), the date the cadence starts from when
there was none (when kam first knew the account or person) and its interval in days (0 or
less: no cadence). A row is **due** on last + interval (start + interval when never met);
docs/rules.md "Cadence" fixes the boundary: on the due date itself the row is due today, not
overdue; it is overdue by `today − due` days from the day after.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

DateArray = npt.NDArray[np.datetime64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


def dates(values: Sequence[dt.date | None]) -> DateArray:
    """Dates as a day-precision array, None as NaT."""
    return np.array(
        [np.datetime64(v, "D") if v is not None else np.datetime64("NaT") for v in values],
        dtype="datetime64[D]",
    )


@dataclass(frozen=True)
class Due:
    """For each row: its due date, days until it (negative: overdue), whether it has a
    cadence at all, and whether it is overdue (past its due date)."""

    due_on: DateArray
    days_left: IntArray
    has_cadence: BoolArray
    overdue: BoolArray

    @property
    def overdue_days(self) -> IntArray:
        """Days past the due date, 0 for a row not overdue."""
        return np.where(self.overdue, -self.days_left, 0)


def cadence_due(last: DateArray, start: DateArray, interval_days: IntArray, today: dt.date) -> Due:
    """Due dates and overdue days of §9's cadence for every row at once."""
    last = np.asarray(last, dtype="datetime64[D]")
    start = np.asarray(start, dtype="datetime64[D]")
    interval = np.asarray(interval_days, dtype=np.int64)
    base = np.where(np.isnat(last), start, last)
    has = (interval > 0) & ~np.isnat(base)
    due = np.where(has, base + np.where(has, interval, 0).astype("timedelta64[D]"), base)
    left = np.where(has, (due - np.datetime64(today, "D")).astype(np.int64), 0)
    return Due(due_on=due, days_left=left, has_cadence=has, overdue=has & (left < 0))
