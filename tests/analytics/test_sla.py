"""Service-level clocks (DOMAIN §9; docs/rules.md "Complaints and service levels"): due times
and elapsed time in calendar and business time, across midnight, weekends and zones."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kam.analytics.sla import (
    DAYS,
    HOURS,
    Clock,
    Target,
    WorkingHours,
    due_at,
    elapsed,
    parse_target,
    resolution_stats,
    standing,
    target_duration,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")  # UTC+8, no DST
BERLIN = ZoneInfo("Europe/Berlin")  # DST: 2026-03-29 02:00 → 03:00, 2026-10-25 03:00 → 02:00
CALENDAR = Clock()
OFFICE = Clock(WorkingHours(frozenset({1, 2, 3, 4, 5}), dt.time(9), dt.time(18), SHANGHAI))
BERLIN_OFFICE = Clock(WorkingHours(frozenset({1, 2, 3, 4, 5}), dt.time(9), dt.time(18), BERLIN))


def sh(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)  # type: ignore[misc]


def test_targets_read_hours_and_days() -> None:
    assert parse_target("4h") == Target(Decimal(4), HOURS)
    assert parse_target(" 2 D ") == Target(Decimal(2), DAYS)
    assert str(parse_target("1.5d")) == "1.5d"


@pytest.mark.parametrize("text", ["", "4", "h", "0h", "-1d", "4 hours", "366d", "2w"])
def test_a_bad_target_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="target"):
        parse_target(text)


def test_a_day_is_24_hours_in_calendar_time_and_a_working_day_in_business_time() -> None:
    assert target_duration(parse_target("2d"), CALENDAR) == dt.timedelta(hours=48)
    assert target_duration(parse_target("2d"), OFFICE) == dt.timedelta(hours=18)
    assert target_duration(parse_target("4h"), OFFICE) == dt.timedelta(hours=4)


def test_calendar_clock_runs_across_midnight() -> None:
    assert due_at(sh(2026, 3, 2, 22), dt.timedelta(hours=4), CALENDAR) == sh(2026, 3, 3, 2)


def test_business_clock_carries_the_rest_of_the_day_to_the_next_opening() -> None:
    # Monday 16:00 + 4 working hours: 2 hours on Monday, 2 on Tuesday from 09:00.
    assert due_at(sh(2026, 3, 2, 16), dt.timedelta(hours=4), OFFICE) == sh(2026, 3, 3, 11)


def test_business_clock_skips_the_weekend() -> None:
    # Friday 17:00 + 4 working hours: 1 hour on Friday, 3 on Monday.
    assert due_at(sh(2026, 3, 6, 17), dt.timedelta(hours=4), OFFICE) == sh(2026, 3, 9, 12)


def test_a_complaint_received_on_saturday_starts_its_clock_on_monday_morning() -> None:
    assert due_at(sh(2026, 3, 7, 10), dt.timedelta(hours=4), OFFICE) == sh(2026, 3, 9, 13)


def test_a_complaint_received_at_night_starts_its_clock_at_the_next_opening() -> None:
    assert due_at(sh(2026, 3, 2, 23, 30), dt.timedelta(hours=1), OFFICE) == sh(2026, 3, 3, 10)
    assert due_at(sh(2026, 3, 3, 7), dt.timedelta(hours=1), OFFICE) == sh(2026, 3, 3, 10)


def test_a_target_ending_at_closing_is_due_at_closing() -> None:
    assert due_at(sh(2026, 3, 2, 9), dt.timedelta(hours=9), OFFICE) == sh(2026, 3, 2, 18)


def test_two_working_days_from_monday_noon_fall_on_wednesday_noon() -> None:
    duration = target_duration(parse_target("2d"), OFFICE)
    assert due_at(sh(2026, 3, 2, 12), duration, OFFICE) == sh(2026, 3, 4, 12)


def test_the_company_zone_decides_what_working_hours_are() -> None:
    # 01:00 UTC on a Monday is 09:00 in Shanghai: the clock runs at once.
    start = dt.datetime(2026, 3, 2, 1, tzinfo=dt.UTC)
    assert due_at(start, dt.timedelta(hours=2), OFFICE) == sh(2026, 3, 2, 11)
    # The same instant is 02:00 in Berlin: the clock waits for 09:00 there.
    berlin_due = due_at(start, dt.timedelta(hours=2), BERLIN_OFFICE)
    assert berlin_due == dt.datetime(2026, 3, 2, 11, tzinfo=BERLIN)


def test_business_hours_follow_the_wall_clock_across_a_dst_change() -> None:
    # Friday 27 March 2026 16:00 CET + 4 h → Monday 30 March 11:00 CEST (DST began on Sunday).
    start = dt.datetime(2026, 3, 27, 16, tzinfo=BERLIN)
    due = due_at(start, dt.timedelta(hours=4), BERLIN_OFFICE)
    assert due == dt.datetime(2026, 3, 30, 11, tzinfo=BERLIN)
    assert due.utcoffset() == dt.timedelta(hours=2)
    assert elapsed(start, due, BERLIN_OFFICE) == dt.timedelta(hours=4)


def test_calendar_time_counts_the_hours_that_elapsed_across_a_dst_change() -> None:
    # The night DST ends has 25 hours: 24 elapsed hours end at 23:00 on the wall clock.
    start = dt.datetime(2026, 10, 25, 0, tzinfo=BERLIN)
    assert due_at(start, dt.timedelta(hours=24), CALENDAR) == dt.datetime(
        2026, 10, 25, 23, tzinfo=BERLIN
    )


def test_elapsed_business_time_counts_only_working_windows() -> None:
    # Friday 17:00 to Monday 10:00: 1 hour on Friday and 1 on Monday.
    assert elapsed(sh(2026, 3, 6, 17), sh(2026, 3, 9, 10), OFFICE) == dt.timedelta(hours=2)
    assert elapsed(sh(2026, 3, 7, 8), sh(2026, 3, 8, 20), OFFICE) == dt.timedelta(0)
    assert elapsed(sh(2026, 3, 9, 10), sh(2026, 3, 6, 17), OFFICE) == dt.timedelta(0)


def test_standing_says_how_much_is_left_or_how_late() -> None:
    due = sh(2026, 3, 9, 12)  # Monday noon
    assert standing(due, sh(2026, 3, 9, 9), OFFICE).left == dt.timedelta(hours=3)
    late = standing(due, sh(2026, 3, 10, 10), OFFICE)  # Tuesday 10:00: 6 + 1 working hours
    assert late.breached
    assert late.left == -dt.timedelta(hours=7)
    assert standing(due, sh(2026, 3, 9, 14), CALENDAR).left == -dt.timedelta(hours=2)


def test_working_hours_refuse_an_empty_week_or_a_day_that_closes_before_it_opens() -> None:
    with pytest.raises(ValueError, match="weekdays"):
        WorkingHours(frozenset(), dt.time(9), dt.time(18), SHANGHAI)
    with pytest.raises(ValueError, match="opens before"):
        WorkingHours(frozenset({1}), dt.time(18), dt.time(9), SHANGHAI)


def test_clocks_take_aware_datetimes_only() -> None:
    with pytest.raises(ValueError, match="aware"):
        due_at(dt.datetime(2026, 3, 2, 9), dt.timedelta(hours=1), OFFICE)  # noqa: DTZ001


# Wall times in Berlin, those a DST change skips or repeats included; drawn naive and then
# placed in the zone, which is much cheaper for Hypothesis than drawing aware ones.
instants = st.datetimes(
    min_value=dt.datetime(2025, 1, 1),  # noqa: DTZ001
    max_value=dt.datetime(2027, 12, 31),  # noqa: DTZ001
).map(lambda moment: moment.replace(tzinfo=BERLIN))
durations = st.integers(min_value=0, max_value=60 * 24 * 30).map(lambda m: dt.timedelta(minutes=m))
clocks = st.sampled_from([CALENDAR, OFFICE, BERLIN_OFFICE])


@settings(deadline=None)  # a shared machine's load is not a failure of the clock
@given(start=instants, duration=durations, clock=clocks)
def test_the_clock_runs_exactly_the_duration_up_to_its_due_time(
    start: dt.datetime, duration: dt.timedelta, clock: Clock
) -> None:
    due = due_at(start, duration, clock)
    assert due >= start
    assert elapsed(start, due, clock) == duration


@settings(deadline=None)
@given(start=instants, duration=durations, extra=durations)
def test_a_longer_duration_is_never_due_earlier(
    start: dt.datetime, duration: dt.timedelta, extra: dt.timedelta
) -> None:
    assert due_at(start, duration + extra, OFFICE) >= due_at(start, duration, OFFICE)


@settings(deadline=None)
@given(start=instants, middle=durations, end=durations)
def test_elapsed_time_adds_up_over_consecutive_spans(
    start: dt.datetime, middle: dt.timedelta, end: dt.timedelta
) -> None:
    a, b = start, start + middle
    c = b + end
    assert elapsed(a, c, BERLIN_OFFICE) == elapsed(a, b, BERLIN_OFFICE) + elapsed(
        b, c, BERLIN_OFFICE
    )


def test_resolution_stats_by_hand() -> None:
    stats = resolution_stats([2.0, 4.0, 12.0], [True, True, False])
    assert stats.count == 3
    assert stats.median_hours == 4.0
    assert stats.mean_hours == 6.0
    assert stats.within_share == pytest.approx(2 / 3)
    assert resolution_stats([], []).median_hours is None
