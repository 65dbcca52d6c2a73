"""Calendar months as DOMAIN "Months" uses them: the last month as of a date, month steps."""

from __future__ import annotations

import datetime as dt

# The calendar kam accepts from files, pages and the API: dates outside it are refused, so a
# stray year 1 or 9999 cannot widen every month array back or forward to it.
EARLIEST_DAY = dt.date(1900, 1, 1)
LATEST_DAY = dt.date(2999, 12, 31)


def last_month_end(as_of: dt.date) -> dt.date:
    """The last day of the last calendar month ending on or before `as_of` (DOMAIN months)."""
    following = as_of + dt.timedelta(days=1)
    if following.day == 1:
        return as_of
    return as_of.replace(day=1) - dt.timedelta(days=1)


def month_index(day: dt.date) -> int:
    """Months since year 0: consecutive months differ by one."""
    return day.year * 12 + day.month - 1


def month_add(month: dt.date, months: int) -> dt.date:
    """The first day of the month `months` after (or before) `month`'s."""
    index = month_index(month) + months
    return dt.date(index // 12, index % 12 + 1, 1)


def month_end(index: int) -> dt.date:
    """The last day of the month with this `month_index`."""
    return month_add(dt.date(index // 12, index % 12 + 1, 1), 1) - dt.timedelta(days=1)
