"""Tests of a plan counted by calendar year: the sessions whose first slot lies in the year,
their trainer days, the staff away, who fills the themes, and the years the horizon cuts."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from schemalaggning.check import check
from schemalaggning.domain import Instance, calendar_years, trainer_half_days
from schemalaggning.engine.result import Result
from schemalaggning.engine.solve import SolveParams, solve
from schemalaggning.io import read_instance
from schemalaggning.whatif.capacity import PlanYear, full_year_means, plan_years

TINY = Path(__file__).parents[2] / "instances" / "tiny"


@pytest.fixture(scope="module")
def past_new_year() -> Instance:
    """The tiny instance with its horizon run on to the end of March 2028: 2027 is a full
    year, 2028 a part of one (91 days)."""
    tiny = read_instance(TINY)
    settings = tiny.settings.model_copy(update={"horizon_end": date(2028, 3, 31)})
    return tiny.replace(settings=settings)


@pytest.fixture(scope="module")
def solved(past_new_year: Instance) -> Result:
    """The longer tiny instance solved; the checker finds no broken rule."""
    result = solve(past_new_year, SolveParams(time_limit=3, workers=1, seed=0))
    assert result.sessions
    broken = check(past_new_year, result.sessions, result.assignments, result.unscheduled)
    assert broken == []
    return result


def test_calendar_years_count_the_days_the_horizon_covers(past_new_year: Instance) -> None:
    # 4 January to 31 December 2027 is 362 days; 1 January to 31 March 2028 is 91.
    assert calendar_years(past_new_year.settings) == [(2027, 362), (2028, 91)]


def test_a_year_the_horizon_covers_less_than_half_of_is_cut() -> None:
    assert PlanYear(2028, horizon_days=182).cut
    assert not PlanYear(2028, horizon_days=183).cut
    assert PlanYear(2027, 362, trainer_half_days=9, staff_half_days=7).trainer_days == 4.5
    assert PlanYear(2027, 362, staff_half_days=7).staff_days_away == 3.5


def test_every_session_counts_once_in_the_year_of_its_first_slot(
    past_new_year: Instance, solved: Result
) -> None:
    years = plan_years(past_new_year, solved.sessions, solved.assignments)

    assert [(y.year, y.horizon_days, y.cut) for y in years] == [
        (2027, 362, False),
        (2028, 91, True),
    ]
    for year in years:
        inside = [s for s in solved.sessions if s.slots[0].day.year == year.year]
        assert year.sessions == len(inside)
        assert year.trainer_half_days == trainer_half_days(inside)
        part1 = [s for s in inside if s.course_id == "P1"]
        assert (year.part1_sessions, year.part1_rounds) == (len(part1), len(part1))
    # Nothing is lost or counted twice between the years.
    assert sum(y.trainer_half_days for y in years) == trainer_half_days(solved.sessions)
    slots = {s.session_id: len(s.slots) for s in solved.sessions}
    assert sum(y.staff_half_days for y in years) == sum(
        slots[a.session_id] for a in solved.assignments
    )
    seats = sum(y.part1_attendances + y.part2_attendances for y in years)
    assert seats == len(solved.assignments)


def test_the_themes_seats_are_told_apart_by_who_takes_them(
    past_new_year: Instance, solved: Result
) -> None:
    years = plan_years(past_new_year, solved.sessions, solved.assignments)
    for year in years:
        assert year.part2_attendances == (
            year.part2_before_horizon
            + year.part2_earlier_year
            + year.part2_same_year
            + year.part2_experienced
        )
    # The first year has no earlier year of the horizon to have hired anyone in.
    assert years[0].part2_earlier_year == 0
    # The tiny instance's hires who start in 2027 do not have most of their two-year
    # windows inside a horizon that ends in March 2028: their themes are not due.
    start = past_new_year.settings.horizon_start
    themes = [c for c in past_new_year.courses if c.part == "2"]
    not_due = sum(
        not past_new_year.is_due(p, c)
        for p in past_new_year.required_people
        if start <= p.start_date < date(2028, 1, 1)
        for c in themes
    )
    assert years[0].part2_not_due == not_due > 0


def test_the_full_years_means_leave_the_cut_years_out(
    past_new_year: Instance, solved: Result
) -> None:
    years = plan_years(past_new_year, solved.sessions, solved.assignments)
    means = full_year_means(years)
    assert means is not None
    assert means.years == (2027,)
    assert means.trainer_days == years[0].trainer_days
    assert means.sessions == years[0].sessions
    assert full_year_means([PlanYear(2028, 91, trainer_half_days=8)]) is None


def test_a_year_read_back_from_its_row_is_the_same() -> None:
    year = PlanYear(2027, 362, trainer_half_days=9, sessions=4, part2_same_year=3)
    row = year.as_row()
    assert (row["cut"], row["trainer_days"]) == (False, 4.5)
    assert PlanYear.from_row(row) == year
