"""Service-level clocks of complaints (DOMAIN §9; docs/rules.md "Complaints and service
levels"): when a target falls due and how much of it has run, in calendar time or in business
hours, in the company's time zone. Pure: stdlib only, aware datetimes in and out.

Calendar time counts every elapsed hour ("2 days" is 48 hours, also across a DST change).
Business time counts only the hours between opening and closing on working days, read on the
wall clock of the zone; in it "1 day" is one working day's hours (09:00–18:00: 9 hours), and
a clock started outside working hours starts at the next opening.
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

HOURS = "h"
DAYS = "d"
TARGET_RE = re.compile(r"^\s*(\d{1,4}(?:\.\d{1,2})?)\s*([hd])\s*$", re.IGNORECASE)
MAX_TARGET_DAYS = 365
ZERO = dt.timedelta(0)


@dataclass(frozen=True)
class Target:
    """A service-level target: an amount of hours or of days ("4h", "2d")."""

    amount: Decimal
    unit: str  # HOURS or DAYS

    def __str__(self) -> str:
        return f"{self.amount.normalize():f}{self.unit}"


def parse_target(text: str) -> Target:
    """ "4h" → 4 hours, "2d" → 2 days (§9 targets as the settings keep them); raises
    ValueError for anything else, a zero target or one beyond a year."""
    match = TARGET_RE.match(text or "")
    if match is None:
        raise ValueError(f"not a target: {text!r}")
    try:
        amount = Decimal(match.group(1))
    except InvalidOperation as error:  # pragma: no cover - the pattern admits only numbers
        raise ValueError(f"not a target: {text!r}") from error
    unit = match.group(2).lower()
    days = amount if unit == DAYS else amount / 24
    if amount <= 0 or days > MAX_TARGET_DAYS:
        raise ValueError(f"a target is above zero and at most a year: {text!r}")
    return Target(amount, unit)


@dataclass(frozen=True)
class WorkingHours:
    """Working days (ISO weekdays, Monday 1 … Sunday 7) and the daily opening and closing
    time, read on the wall clock of `zone`."""

    days: frozenset[int]
    opens: dt.time
    closes: dt.time
    zone: ZoneInfo

    def __post_init__(self) -> None:
        if not self.days or not self.days <= frozenset(range(1, 8)):
            raise ValueError("working days are ISO weekdays 1-7, at least one")
        if self.opens >= self.closes:
            raise ValueError("a working day opens before it closes")

    @property
    def day_length(self) -> dt.timedelta:
        """One working day's hours on the wall clock: what "1 day" means in business time."""
        today = dt.date(2001, 1, 1)
        return dt.datetime.combine(today, self.closes) - dt.datetime.combine(today, self.opens)


@dataclass(frozen=True)
class Clock:
    """How a company counts service-level time: calendar time (`hours` None) or business
    hours."""

    hours: WorkingHours | None = None

    @property
    def business(self) -> bool:
        return self.hours is not None


def target_duration(target: Target, clock: Clock) -> dt.timedelta:
    """The time a target allows on the clock: a day is 24 hours in calendar time and one
    working day's hours in business time."""
    if target.unit == HOURS:
        return dt.timedelta(hours=float(target.amount))
    day = clock.hours.day_length if clock.hours is not None else dt.timedelta(days=1)
    return day * float(target.amount)


def _aware(moment: dt.datetime) -> dt.datetime:
    """The instant in UTC: arithmetic and comparison between datetimes of one zone read the
    wall clock, which is off by the DST shift, so the clocks reckon in UTC."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("service-level clocks take aware datetimes")
    return moment.astimezone(dt.UTC)


def _wall(day: dt.date, at: dt.time, zone: ZoneInfo) -> dt.datetime:
    """A wall-clock time of one day in the zone, as a UTC instant; a time a DST change skips
    reads as the instant after the gap (as the scheduler does)."""
    return dt.datetime.combine(day, at, tzinfo=zone).astimezone(dt.UTC)


def _windows(start: dt.datetime, hours: WorkingHours) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    """The working windows (opening, closing; UTC) of every working day from the day of
    `start` (local), in order, without end."""
    day = start.astimezone(hours.zone).date()
    while True:
        if day.isoweekday() in hours.days:
            yield _wall(day, hours.opens, hours.zone), _wall(day, hours.closes, hours.zone)
        day += dt.timedelta(days=1)


def clock_zone(clock: Clock, start: dt.datetime) -> dt.tzinfo:
    """The zone a due time is given in: the working hours' zone, else the start's."""
    if clock.hours is not None:
        return clock.hours.zone
    return start.tzinfo or dt.UTC


def due_at(start: dt.datetime, duration: dt.timedelta, clock: Clock) -> dt.datetime:
    """When a clock started at `start` has run `duration` (§9). In business time the clock
    runs only inside working windows: a start outside them starts at the next opening, and a
    duration that ends exactly at a closing is due at that closing."""
    zone = clock_zone(clock, start)
    start = _aware(start)
    if duration < ZERO:
        raise ValueError("a duration is not negative")
    if clock.hours is None:
        return (start + duration).astimezone(zone)
    left = duration
    for opens, closes in _windows(start, clock.hours):
        begin = max(opens, start)
        if begin >= closes:
            continue
        room = closes - begin
        if left <= room:
            return (begin + left).astimezone(clock.hours.zone)
        left -= room
    raise AssertionError("unreachable: working windows never end")  # pragma: no cover


def elapsed(start: dt.datetime, end: dt.datetime, clock: Clock) -> dt.timedelta:
    """How much clock time ran from `start` to `end` (zero when end is not after start):
    every hour in calendar time, the hours inside working windows in business time."""
    start, end = _aware(start), _aware(end)
    if end <= start:
        return ZERO
    if clock.hours is None:
        return end - start
    total = ZERO
    for opens, closes in _windows(start, clock.hours):
        if opens >= end:
            break
        begin, finish = max(opens, start), min(closes, end)
        if finish > begin:
            total += finish - begin
    return total


@dataclass(frozen=True)
class Standing:
    """Where one running clock stands at `now`: its due time and the time left (negative:
    how late)."""

    due: dt.datetime
    left: dt.timedelta

    @property
    def breached(self) -> bool:
        return self.left < ZERO


def standing(due: dt.datetime, now: dt.datetime, clock: Clock) -> Standing:
    """Time left until `due` on the clock (business hours only count inside working
    windows), negative when `now` is past it."""
    if _aware(now) <= _aware(due):
        return Standing(due, elapsed(now, due, clock))
    return Standing(due, -elapsed(due, now, clock))


@dataclass(frozen=True)
class ResolutionStats:
    """Resolution times of one group of complaints (§9 report): how many, median and mean
    hours, and the share resolved within their target."""

    count: int
    median_hours: float | None
    mean_hours: float | None
    within_share: float | None


def resolution_stats(hours: Sequence[float], within: Sequence[bool]) -> ResolutionStats:
    """Median, mean and share within target of resolution times (in hours); None for an
    empty group. Raises ValueError when the two sequences differ in length."""
    if len(hours) != len(within):
        raise ValueError("one within-target flag per resolution time")
    if not hours:
        return ResolutionStats(0, None, None, None)
    return ResolutionStats(
        count=len(hours),
        median_hours=float(statistics.median(hours)),
        mean_hours=float(statistics.fmean(hours)),
        within_share=sum(1 for flag in within if flag) / len(within),
    )
