"""Dated events of many accounts as sorted arrays (DOMAIN §10): windowed counts, sums and
last values for every account at once, and the BG/NBD purchase summary built on them.

Events are sorted by (row, day ordinal); each question about a date is a `searchsorted` over
all rows, so a panel of 24 month ends over 10,000 accounts costs a few array passes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

DAYS_PER_WEEK = 7.0
# Keys of (row, day): day ordinals stay far below this for every date kam scores.
_SPAN = 4_000_000


@dataclass(frozen=True, eq=False)
class Events:
    """Dated events of the accounts, sorted by (row, day), with any values alongside."""

    n: int
    row: IntArray
    day: IntArray
    values: Mapping[str, FloatArray]

    @classmethod
    def of(
        cls, n: int, rows: Sequence[int], days: Sequence[int], **values: Sequence[float]
    ) -> Events:
        row = np.asarray(rows, dtype=np.int64)
        day = np.asarray(days, dtype=np.int64)
        order = np.lexsort((day, row))
        return cls(
            n,
            row[order],
            day[order],
            {name: np.asarray(v, dtype=np.float64)[order] for name, v in values.items()},
        )

    @cached_property
    def keys(self) -> IntArray:
        return self.row * _SPAN + self.day

    @cached_property
    def start(self) -> IntArray:
        """Per row, the index of its first event."""
        return np.searchsorted(self.keys, np.arange(self.n) * _SPAN, side="left")

    def _position(self, day: int) -> IntArray:
        """Per row, the index after its last event on or before `day`."""
        return np.searchsorted(self.keys, np.arange(self.n) * _SPAN + day, side="right")

    def count_until(self, day: int) -> IntArray:
        return np.asarray(self._position(day) - self.start, dtype=np.int64)

    def count_between(self, after: int, until: int) -> IntArray:
        """Events with after < day ≤ until, per row."""
        return np.asarray(self._position(until) - self._position(after), dtype=np.int64)

    def last(self, day: int, back: int = 1) -> IntArray:
        """Per row, the index of the `back`-th last event on or before `day` (−1: none)."""
        position = self._position(day) - back
        return np.where(position >= self.start, position, -1)

    def value_at(self, name: str, index: IntArray) -> FloatArray:
        values = self.values[name]
        safe = np.where(index >= 0, index, 0)
        picked = values[safe] if values.size else np.zeros(index.size)
        return np.where(index >= 0, picked, np.nan)

    def sum_between(self, name: str, after: int, until: int) -> FloatArray:
        values = np.concatenate([[0.0], np.cumsum(self.values[name])])
        return np.asarray(values[self._position(until)] - values[self._position(after)])


@dataclass(frozen=True, eq=False)
class Purchases:
    """Each account's purchase summary at a date, in weeks (the BG/NBD inputs): repeat
    purchase days x, recency tₓ and age T from the first purchase, and the mean value of the
    repeat purchases (cents; 0 without any)."""

    bought: BoolArray  # at least one purchase on or before the date
    frequency: FloatArray
    recency: FloatArray
    T: FloatArray
    monetary: FloatArray
    last_day: IntArray
    first_day: IntArray


def purchase_summary(events: Events, cutoff: int) -> Purchases:
    """§10: the BG/NBD summary of every row as of the day ordinal `cutoff`, from its purchase
    days (values: `amount`); rows without a purchase get zeros and `bought` false."""
    count = events.count_until(cutoff)
    start = events.start
    bought = count > 0
    first_index = np.where(bought, start, -1)
    last_index = events.last(cutoff)
    safe_days = events.day if events.day.size else np.zeros(1, dtype=np.int64)
    first_day = np.where(bought, safe_days[np.where(bought, first_index, 0)], cutoff)
    last_day = np.where(bought, safe_days[np.where(bought, last_index, 0)], cutoff)
    amounts = np.concatenate([[0.0], np.cumsum(events.values["amount"])])
    total = amounts[start + count] - amounts[start]
    first_amount = np.where(
        bought, amounts[np.minimum(start + 1, amounts.size - 1)] - amounts[start], 0.0
    )
    frequency = np.maximum(count - 1, 0).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        monetary = np.where(frequency > 0, (total - first_amount) / np.maximum(frequency, 1), 0.0)
    return Purchases(
        bought=bought,
        frequency=frequency,
        recency=np.where(frequency > 0, (last_day - first_day) / DAYS_PER_WEEK, 0.0),
        T=np.where(bought, (cutoff - first_day) / DAYS_PER_WEEK, 0.0),
        monetary=monetary,
        last_day=last_day,
        first_day=first_day,
    )
