"""Tests of part-1 rounds: the report's rule, holiday months and the model years."""

from __future__ import annotations

from datetime import date

import pytest

from capacity_instances import GOTEBORG, hand_made
from schemalaggning.domain import ClosedPeriod
from schemalaggning.io import read_instance
from schemalaggning.whatif.capacity import (
    HiringProfile,
    ModelYears,
    ceil_div,
    holiday_months,
    repeated_closed_periods,
    report_rounds,
)


@pytest.mark.parametrize(
    ("hires", "seats", "holidays", "expected"),
    [(280, 32, 3, 9), (200, 32, 3, 9), (400, 32, 3, 13), (280, 24, 3, 12), (36, 9, 1, 11)],
)
def test_report_rule(hires: int, seats: int, holidays: int, expected: int) -> None:
    assert report_rounds(hires, seats, holidays) == expected


def test_no_hires_need_no_round() -> None:
    assert report_rounds(0, 32, 3) == 0


@pytest.mark.parametrize(
    ("count", "size", "expected"), [(280, 32, 9), (256, 32, 8), (0, 5, 0), (3, 0, 0)]
)
def test_ceil_div(count: int, size: int, expected: int) -> None:
    assert ceil_div(count, size) == expected


def test_holiday_months_ignore_short_breaks() -> None:
    # Göteborg is closed between Christmas and New Year (four weekdays): not a holiday
    # period, so December keeps its round.
    settings = read_instance(GOTEBORG).settings
    assert holiday_months(settings) == (6, 7, 8)
    christmas_only = settings.model_copy(
        update={"closed": (ClosedPeriod(start=date(2027, 12, 27), end=date(2027, 12, 30)),)}
    )
    assert holiday_months(christmas_only) == ()


def test_closed_periods_repeat_in_every_year_once() -> None:
    # Two summers on the same days of the year give one period a year; a summer two days
    # earlier is kept beside it, so a model year is closed the longer of the two.
    summer = ClosedPeriod(start=date(2027, 7, 5), end=date(2027, 7, 30), name="summer")
    same = ClosedPeriod(start=date(2028, 7, 5), end=date(2028, 7, 30), name="summer")
    earlier = ClosedPeriod(start=date(2028, 7, 3), end=date(2028, 7, 28), name="summer")
    repeated = repeated_closed_periods((summer, same, earlier), (2027, 2028))
    assert [(p.start, p.end) for p in repeated] == [
        (date(2027, 7, 3), date(2027, 7, 28)),
        (date(2027, 7, 5), date(2027, 7, 30)),
        (date(2028, 7, 3), date(2028, 7, 28)),
        (date(2028, 7, 5), date(2028, 7, 30)),
    ]
    assert {p.name for p in repeated} == {"summer"}


@pytest.fixture(scope="module")
def model() -> ModelYears:
    """Two model years of the hand-made calendar (no public holidays, July closed)."""
    return ModelYears(hand_made().settings, years=2, tail_months=5)


def test_hires_start_mid_month_on_working_days(model: ModelYears) -> None:
    # One hire a month, on the middle one of the month's working days: January 2027 has
    # 21 weekdays (the 1st, then four whole weeks from the 4th), the 11th of them is the
    # 15th. July's hire starts in the summer break: hires start on working days.
    starts = model.start_dates(HiringProfile.even(12), 2)
    assert len(starts) == 24
    assert [(day.year, day.month) for day in starts] == [
        (year, month) for year in (2027, 2028) for month in range(1, 13)
    ]
    assert all(day.weekday() < 5 for day in starts)
    assert starts[0] == date(2027, 1, 15)
    assert starts[6].month == 7


def test_no_hire_is_lost_to_rounding(model: ModelYears) -> None:
    # 1.5 hires a month are rounded on the running total: 18 in a year, 36 in two.
    assert len(model.start_dates(HiringProfile.even(18), 1)) == 18
    assert len(model.start_dates(HiringProfile.even(18), 2)) == 36
    # No more years than were modelled.
    assert len(model.start_dates(HiringProfile.even(18), 5)) == 36


def test_a_window_runs_from_open_day_to_open_day(model: ModelYears) -> None:
    # A month from Tuesday 1 June 2027: to Thursday 1 July, before the break of 5 July.
    assert model.window(date(2027, 6, 1), 0, 1) == (date(2027, 6, 1), date(2027, 7, 1))
    # Not before a month and within four: Thursday 4 February to Tuesday 4 May.
    assert model.window(date(2027, 1, 4), 1, 4) == (date(2027, 2, 4), date(2027, 5, 4))
    # A window inside the break is empty: its first open day comes after its last.
    first, last = model.window(date(2027, 7, 5), 0, 0)
    assert (first, last) == (date(2027, 8, 2), date(2027, 7, 2))
