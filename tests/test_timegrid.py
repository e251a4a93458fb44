"""The working calendar: closed days, slots, blocks and month arithmetic."""

from __future__ import annotations

import itertools
from datetime import UTC, date, time, timedelta

import pytest

from schemalaggning.domain import ClosedPeriod, Half, Settings, Slot, add_months
from schemalaggning.timegrid import TimeGrid, holiday_names, iso_week, workdays_of_month

YEAR_2027 = Settings(
    name="2027",
    horizon_start=date(2027, 1, 1),
    horizon_end=date(2027, 12, 31),
    closed=(ClosedPeriod(start=date(2027, 6, 28), end=date(2027, 8, 6), name="sommaruppehåll"),),
)


@pytest.fixture(scope="module")
def grid() -> TimeGrid:
    """The whole of 2027 with the summer break."""
    return TimeGrid(YEAR_2027)


@pytest.mark.parametrize(
    ("day", "why"),
    [
        (date(2027, 1, 1), "New Year's Day"),
        (date(2027, 1, 6), "Epiphany"),
        (date(2027, 3, 26), "Good Friday"),
        (date(2027, 3, 29), "Easter Monday"),
        (date(2027, 5, 6), "Ascension Day"),
        (date(2027, 6, 25), "Midsummer Eve"),
        (date(2027, 12, 24), "Christmas Eve"),
        (date(2027, 12, 31), "New Year's Eve"),
        (date(2027, 7, 14), "sommaruppehåll"),
        (date(2027, 1, 9), "weekend"),
    ],
)
def test_closed_days_2027(grid: TimeGrid, day: date, why: str) -> None:
    assert not grid.is_open(day)
    assert grid.why_closed(day) == why


def test_open_days_are_working_days(grid: TimeGrid) -> None:
    assert grid.is_open(date(2027, 1, 4))
    assert grid.is_open(date(2027, 6, 24))  # The day before Midsummer Eve is a working day.
    assert all(day.weekday() < 5 for day in grid.days)
    # 261 weekdays in 2027, less 8 weekday holidays and de-facto days off, less the
    # 30 weekdays of the summer break: 223 (Midsummer Eve is inside no break).
    weekday_closures = [d for d in grid.closed if d.weekday() < 5]
    assert len(grid.days) == 261 - len(weekday_closures)
    assert len(grid.slots) == 2 * len(grid.days)
    assert grid.slots[0] == Slot(date(2027, 1, 4), Half.AM)


@pytest.mark.parametrize("half_days", [1, 2, 3, 5, 10])
def test_blocks_never_cross_a_weekend_or_holiday(grid: TimeGrid, half_days: int) -> None:
    blocks = grid.blocks(half_days)
    assert blocks
    for block in blocks:
        slots = [grid.slots[idx] for idx in block]
        days = sorted({slot.day for slot in slots})
        assert len(block) == half_days
        assert len({iso_week(day) for day in days}) == 1
        # Consecutive calendar days, every one open: no holiday or weekend skipped.
        assert all(b - a == timedelta(days=1) for a, b in itertools.pairwise(days))
        assert all(grid.is_open(day) for day in days)


def test_three_half_day_blocks_around_a_holiday(grid: TimeGrid) -> None:
    # Ascension Day, Thursday 2027-05-06: no 3-half-day block may touch it or jump it.
    starts = {grid.slots[block[0]] for block in grid.blocks(3)}
    assert Slot(date(2027, 5, 4), Half.AM) in starts  # Tue AM..Wed AM
    assert Slot(date(2027, 5, 4), Half.PM) in starts  # Tue PM..Wed PM
    assert Slot(date(2027, 5, 5), Half.AM) not in starts  # would reach Thursday
    assert Slot(date(2027, 5, 5), Half.PM) not in starts
    assert Slot(date(2027, 5, 7), Half.AM) not in starts  # Friday alone is too short
    # Friday PM never starts a 3-half-day block: Monday is another week.
    assert Slot(date(2027, 1, 15), Half.PM) not in starts


def test_ten_half_days_fill_a_whole_week(grid: TimeGrid) -> None:
    for block in grid.blocks(10):
        first, last = grid.slots[block[0]], grid.slots[block[-1]]
        assert first == Slot(first.day, Half.AM) and first.day.weekday() == 0
        assert last == Slot(last.day, Half.PM) and last.day.weekday() == 4


def test_is_block(grid: TimeGrid) -> None:
    monday = date(2027, 1, 11)
    assert grid.is_block([Slot(monday, Half.PM), Slot(monday + timedelta(days=1), Half.AM)])
    assert not grid.is_block([Slot(monday, Half.AM), Slot(monday + timedelta(days=1), Half.AM)])
    assert not grid.is_block([Slot(monday, Half.PM), Slot(monday, Half.AM)])
    friday, next_monday = date(2027, 1, 15), date(2027, 1, 18)
    assert not grid.is_block([Slot(friday, Half.PM), Slot(next_monday, Half.AM)])
    assert not grid.is_block([])


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2027, 1, 31), 1, date(2027, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2027, 10, 31), 4, date(2028, 2, 29)),
        (date(2027, 8, 15), 4, date(2027, 12, 15)),
        (date(2027, 8, 15), 24, date(2029, 8, 15)),
        (date(2027, 3, 31), 0, date(2027, 3, 31)),
        (date(2026, 12, 31), 14, date(2028, 2, 29)),
    ],
)
def test_add_months_clamps_to_month_end(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


def test_slot_times_follow_the_clock_changes(grid: TimeGrid) -> None:
    # Sweden moves to summer time on 2027-03-28 and back on 2027-10-31.
    winter = grid.slot_start(Slot(date(2027, 3, 26 - 1), Half.AM))
    summer = grid.slot_start(Slot(date(2027, 3, 30), Half.AM))
    autumn = grid.slot_end(Slot(date(2027, 11, 1), Half.PM))
    assert winter.time() == summer.time() == time(8, 30)
    assert winter.utcoffset() == timedelta(hours=1)
    assert summer.utcoffset() == timedelta(hours=2)
    assert summer.astimezone(UTC).time() == time(6, 30)
    assert autumn.astimezone(UTC).time() == time(15, 30)


def test_first_and_last_slot_lookup(grid: TimeGrid) -> None:
    idx = grid.first_slot_on_or_after(date(2027, 1, 9))  # a Saturday
    assert grid.slots[idx] == Slot(date(2027, 1, 11), Half.AM)
    last = grid.last_slot_on_or_before(date(2027, 1, 10))
    assert grid.slots[last] == Slot(date(2027, 1, 8), Half.PM)
    assert grid.first_slot_on_or_after(date(2030, 1, 1)) == grid.num_slots


def test_workdays_of_a_month_leave_out_weekends_and_public_holidays() -> None:
    # June 2027: 22 weekdays, less the National Day (Sunday 6 June, a weekend anyway)
    # and Midsummer Eve (Friday 25 June): 21. A closed period does not count: hires
    # start in the summer break too.
    holidays = holiday_names("SE", [2027])
    june = workdays_of_month(date(2027, 6, 1), holidays)
    assert len(june) == 21
    assert date(2027, 6, 25) not in june
    assert (june[0], june[-1]) == (date(2027, 6, 1), date(2027, 6, 30))
    assert len(workdays_of_month(date(2027, 7, 1), holidays)) == 22
    assert len(workdays_of_month(date(2027, 6, 1), {})) == 22
