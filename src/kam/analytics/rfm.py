"""From a transaction log to each customer's frequency, recency, age and spend (DOMAIN §10),
the inputs of BG/NBD and Gamma-Gamma.

Rules (docs/rules.md "Repeat-buying models"): transactions dated after the calibration end are
left out, and so are customers whose first purchase falls after it; purchases on one day merge
into one (their amounts add up); frequency is the number of repeat purchase days; recency is
the time from the first to the last purchase day, T from the first purchase day to the
calibration end, both in periods of `period_days` days (1 for days, 7 for weeks, 365.25/12 for
months); the monetary value is the mean amount of the repeat purchase days (the first one is
left out, as Gamma-Gamma needs), 0 for a customer who never bought again.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

PERIOD_DAYS = {"day": 1.0, "week": 7.0, "month": 365.25 / 12}


@dataclass(frozen=True)
class CustomerSummary:
    """One row per customer (`customer`: the index into the caller's list of names)."""

    customer: IntArray
    frequency: FloatArray
    recency: FloatArray
    T: FloatArray
    monetary_value: FloatArray


def summarize(
    customer: npt.ArrayLike,
    day: npt.ArrayLike,
    amount: npt.ArrayLike | None,
    *,
    calibration_end: int,
    period_days: float = 1.0,
) -> CustomerSummary:
    """Summarise transactions (customer index, day number, amount or None) up to and including
    day `calibration_end`, vectorised: one sort, no loop over customers."""
    if period_days <= 0:
        raise ValueError("the period must be positive")
    who = np.asarray(customer, dtype=np.int64)
    when = np.asarray(day, dtype=np.int64)
    value = np.zeros(who.size) if amount is None else np.asarray(amount, dtype=np.float64)
    if not (who.shape == when.shape == value.shape):
        raise ValueError("customer, day and amount must be of one length")
    keep = when <= calibration_end
    who, when, value = who[keep], when[keep], value[keep]
    empty = np.zeros(0)
    if who.size == 0:
        return CustomerSummary(np.zeros(0, dtype=np.int64), empty, empty, empty, empty)
    # One row per customer and day, amounts summed.
    order = np.lexsort((when, who))
    who, when, value = who[order], when[order], value[order]
    new_day = np.ones(who.size, dtype=bool)
    new_day[1:] = (who[1:] != who[:-1]) | (when[1:] != when[:-1])
    starts = np.flatnonzero(new_day)
    day_who, day_when = who[starts], when[starts]
    day_value = np.add.reduceat(value, starts)
    # Then one row per customer.
    first_of_customer = np.ones(day_who.size, dtype=bool)
    first_of_customer[1:] = day_who[1:] != day_who[:-1]
    customer_starts = np.flatnonzero(first_of_customer)
    days_per_customer = np.diff(np.append(customer_starts, day_who.size))
    first_day = day_when[customer_starts]
    last_day = day_when[customer_starts + days_per_customer - 1]
    frequency = (days_per_customer - 1).astype(np.float64)
    total = np.add.reduceat(day_value, customer_starts)
    repeat_total = total - day_value[customer_starts]
    monetary = np.divide(
        repeat_total, frequency, out=np.zeros_like(repeat_total), where=frequency > 0
    )
    return CustomerSummary(
        day_who[customer_starts],
        frequency,
        (last_day - first_day) / period_days,
        (calibration_end - first_day) / period_days,
        monetary,
    )
