"""Slots of a schedule: every interval, or each day at a time in the company time zone."""

from __future__ import annotations

import datetime as dt
import math

from django.utils import timezone


def next_slot(
    *,
    after: dt.datetime,
    interval: dt.timedelta | None = None,
    daily_at: dt.time | None = None,
    previous: dt.datetime | None = None,
    zone: dt.tzinfo | None = None,
) -> dt.datetime:
    """The first slot strictly after `after`. An interval keeps the phase of `previous` (the
    slot that was due), so a job every hour due at :15 stays at :15 however late the worker
    came back; a daily time is read in `zone` (the company time zone by default).
    Raises ValueError unless exactly one of interval and daily_at is given."""
    if interval is not None and daily_at is None:
        if interval <= dt.timedelta(0):
            raise ValueError("the interval must be positive")
        start = previous if previous is not None and previous <= after else after
        steps = math.floor((after - start) / interval) + 1
        return start + steps * interval
    if daily_at is None or interval is not None:
        raise ValueError("give exactly one of interval and daily_at")
    zone = zone or timezone.get_default_timezone()
    local = after.astimezone(zone)
    day = local.date()
    while True:
        slot = dt.datetime.combine(day, daily_at.replace(tzinfo=None), tzinfo=zone)
        # A wall time that a DST change skips is read as the instant after the gap.
        slot = slot.astimezone(dt.UTC).astimezone(zone)
        if slot > after:
            return slot
        day += dt.timedelta(days=1)


__all__ = ["next_slot"]
