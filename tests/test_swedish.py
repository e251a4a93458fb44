"""Dates and half-days in Swedish words."""

from __future__ import annotations

from datetime import date, timedelta

from schemalaggning.domain import Half
from schemalaggning.swedish import HALF_NAMES, long_date, weekday


def test_a_date_in_words_has_no_leading_zero_and_a_lower_case_month() -> None:
    assert long_date(date(2027, 3, 2)) == "2 mars 2027"
    assert long_date(date(2027, 12, 31)) == "31 december 2027"


def test_every_weekday_of_a_week_is_named_in_order() -> None:
    monday = date(2027, 3, 8)
    names = [weekday(monday + timedelta(days=n)) for n in range(7)]
    assert names == ["måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"]
    # Midsummer Eve 2027 is a Friday.
    assert weekday(date(2027, 6, 25)) == "fredag"


def test_every_month_is_named() -> None:
    months = {long_date(date(2027, month, 1)).split()[1] for month in range(1, 13)}
    assert len(months) == 12
    assert {"maj", "augusti", "oktober"} <= months


def test_the_half_days_are_written_as_a_swedish_calendar_does() -> None:
    assert [HALF_NAMES[half] for half in (Half.AM, Half.PM)] == ["FM", "EM"]
