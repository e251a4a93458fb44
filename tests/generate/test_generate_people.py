"""Tests of the generated people: when hires start, and what those in the programme have
done already."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from schemalaggning.domain import Instance, add_months
from schemalaggning.generate import PRESETS, GeneratorParams, generate_instance
from schemalaggning.generate.build import make_courses, make_settings
from schemalaggning.generate.names import CITIES
from schemalaggning.generate.params import stream
from schemalaggning.generate.people import done_for_hire, hire_dates
from schemalaggning.generate.programme import ancestors
from schemalaggning.timegrid import TimeGrid, holiday_names


@pytest.fixture(scope="module")
def goteborg() -> Instance:
    """Göteborg's preset, generated once for the module."""
    return generate_instance(PRESETS["goteborg"])


def test_a_years_hires_are_all_there_on_working_days() -> None:
    # Rounded on the running total, no hire is lost: 280 in a whole year; July to
    # December take their weights' share, 5.8 of 11.8, of the year's 280.
    params = GeneratorParams()
    year = hire_dates(params, date(2027, 1, 1), date(2027, 12, 31))
    assert len(year) == 280
    assert year == sorted(year)
    holidays = holiday_names("SE", [2027])
    assert all(day.weekday() < 5 and day not in holidays for day in year)
    autumn = hire_dates(params, date(2027, 7, 1), date(2027, 12, 31))
    assert len(autumn) == round(280 * 5.8 / 11.8)
    assert min(autumn) >= date(2027, 7, 1)


def test_hiring_peaks_in_august_september_and_january(goteborg: Instance) -> None:
    start = goteborg.settings.horizon_start
    months = Counter(p.start_date.month for p in goteborg.people if p.start_date >= start)
    others = [months[m] for m in range(1, 13) if m not in (1, 8, 9)]
    for peak in (1, 8, 9):
        assert months[peak] > 1.3 * sum(others) / len(others)
    # About 280 hires start each year of the horizon.
    assert 500 <= sum(months.values()) <= 600


def test_a_hire_whose_windows_have_closed_has_done_everything() -> None:
    # Started 25 months before the horizon: part 2's two years ended before it opened.
    params = PRESETS["tight"]
    courses = make_courses(params)
    closure = ancestors({c.course_id: c.after for c in courses})
    open_days = TimeGrid(make_settings(params, CITIES[params.city])).days
    rng = stream(params.seed, "test")
    done = done_for_hire(date(2024, 12, 2), courses, closure, params, open_days, rng)
    assert done == tuple(c.course_id for c in courses)
    # Whatever a hire has done, the prerequisites are done too (tight chains its themes).
    for months_before in range(1, 24):
        start = add_months(params.horizon_start, -months_before)
        done = done_for_hire(start, courses, closure, params, open_days, rng)
        assert all(closure[course_id] <= set(done) for course_id in done), start


@pytest.mark.parametrize("name", ["goteborg", "tight", "small", "tiny"])
def test_done_lists_respect_prerequisites(name: str) -> None:
    instance = generate_instance(PRESETS[name])
    for person in instance.people:
        done = set(person.done)
        for course_id in done:
            assert set(instance.course_by_id[course_id].after) <= done, person.person_id


def test_in_flight_hires_have_done_part_of_the_programme(goteborg: Instance) -> None:
    start = goteborg.settings.horizon_start
    in_flight = [p for p in goteborg.people if p.required and p.start_date < start]
    new = [p for p in goteborg.people if p.required and p.start_date >= start]
    assert all(not p.done for p in new)
    sizes = Counter(len(p.done) for p in in_flight)
    assert sizes[len(goteborg.courses)] > 0  # some are through
    assert sum(n for size, n in sizes.items() if 0 < size < len(goteborg.courses)) > 100


def test_experienced_staff_have_done_part_1_long_ago(goteborg: Instance) -> None:
    experienced = [p for p in goteborg.people if not p.required]
    # 8 % of about 1 010 social workers.
    assert len(experienced) == round(0.08 * 1010)
    assert all({"P1A", "P1B", "P1C"} <= set(p.done) for p in experienced)
    assert all(p.start_date < date(2025, 1, 4) for p in experienced)
    assert all(p.start_date.weekday() < 5 for p in experienced)
