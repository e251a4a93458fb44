"""Tests of the capacity figures against the city report's figures and a hand-made instance."""

from __future__ import annotations

import math

import pytest

from capacity_instances import GOTEBORG, hand_made
from schemalaggning.domain import Instance
from schemalaggning.io import read_instance
from schemalaggning.problems import InputError
from schemalaggning.whatif.capacity import (
    CapacityPlanner,
    CapacityReport,
    HiringProfile,
    StaffingAssumptions,
    plan_capacity,
)


@pytest.fixture(scope="module")
def goteborg() -> Instance:
    """The bundled Göteborg instance, read once."""
    return read_instance(GOTEBORG)


@pytest.fixture(scope="module")
def report_280(goteborg: Instance) -> CapacityReport:
    """The report's own case: 280 hires a year in ten districts, on the bundled data."""
    return plan_capacity(goteborg, hires_per_year=280, districts=10)


# ---------------------------------------------------------------------------------------------
# The report's own figures
# ---------------------------------------------------------------------------------------------


def test_report_rule_gives_nine_rounds_for_280_hires(report_280: CapacityReport) -> None:
    # The report: 280 hires, a round a month outside the holiday period, nine rounds.
    # The bundled part-1 groups seat 32 (largest room 32), and the summer break touches
    # June, July and August: max(12 - 3, ceil(280 / 32) = 9) = 9.
    part1 = report_280.figures.part1
    assert part1.seats == 32
    assert part1.holiday_months == (6, 7, 8)
    assert part1.rounds_report == 9
    # Groups of about 31 a round, as the report says (280 / 9).
    assert round(280 / part1.rounds_report) == 31


def test_least_rounds_for_280_hires_are_nine(report_280: CapacityReport) -> None:
    # 280 hires need ceil(280 / 32) = 9 rounds for the seats; the four-month windows
    # alone would do with far fewer, so the seats bind.
    part1 = report_280.figures.part1
    assert part1.rounds_for_seats == 9
    assert part1.rounds_for_windows < part1.rounds_for_seats
    assert part1.rounds_min == 9


def test_part2_sessions_are_hires_over_seats(
    goteborg: Instance, report_280: CapacityReport
) -> None:
    largest_room = max(room.capacity for room in goteborg.rooms)
    themes = [c for c in goteborg.courses if c.part == "2"]
    expected = {c.course_id: math.ceil(280 / min(c.max_group, largest_room)) for c in themes}
    found = {t.course_id: t.sessions_per_year for t in report_280.figures.themes}
    assert found == expected
    # The bundled themes seat 30: ten sessions of each of the 19 themes a year.
    assert set(found.values()) == {10}
    assert report_280.figures.part2_sessions == 190


def test_trainer_days_follow_from_the_data(goteborg: Instance, report_280: CapacityReport) -> None:
    figures = report_280.figures
    part1_half_days = sum(c.half_days * c.trainers for c in goteborg.courses if c.part == "1")
    part2_half_days = sum(
        math.ceil(280 / 30) * c.half_days * c.trainers for c in goteborg.courses if c.part == "2"
    )
    assert figures.trainer_days == (9 * part1_half_days + part2_half_days) / 2
    # Plausible against the report: 2.5 days a round, 12.5 days of part 2 for each
    # session of every theme, so 9 x 2.5 + 10 x 12.5 = 147.5 trainer days a year.
    assert figures.trainer_days == 147.5


def test_rounds_grow_with_hiring(report_280: CapacityReport) -> None:
    by_volume = {s.hires_per_year: s for s in report_280.scenarios}
    assert sorted(by_volume) == [200, 280, 400, 600]
    for low, high in ((280, 400), (400, 600)):
        assert by_volume[high].part1.rounds_report > by_volume[low].part1.rounds_report
        assert by_volume[high].part1.rounds_min > by_volume[low].part1.rounds_min
        assert by_volume[high].trainer_days > by_volume[low].trainer_days
    # Beyond a round a month the seats decide: ceil(400 / 32) = 13, ceil(600 / 32) = 19.
    assert by_volume[400].part1.rounds_report == 13
    assert by_volume[600].part1.rounds_report == 19
    # Below it the report's monthly round is more than the seats need: 9 against 7.
    assert (by_volume[200].part1.rounds_report, by_volume[200].part1.rounds_min) == (9, 7)


def test_staffing_against_the_report(report_280: CapacityReport) -> None:
    figures = report_280.figures
    # 2 coordinators + 10 districts x 0.2 FTE.
    assert figures.proposed_fte == pytest.approx(4.0)
    # 147.5 trainer days at 40 x 5 x (1 - 0.5) = 100 teaching days per FTE.
    assert figures.fte_needed == pytest.approx(1.475)
    assert figures.share_of_proposed == pytest.approx(1.475 / 4.0)


# ---------------------------------------------------------------------------------------------
# A hand-made instance: every formula worked out by hand
# ---------------------------------------------------------------------------------------------


def test_formulas_on_a_hand_made_instance() -> None:
    # 36 hires a year, 3 districts.
    # Seats of a round: A min(10, largest room 9) = 9, B min(12, 9) = 9, so 9; T min(8, 9) = 8.
    # Holiday months: the closed period (20 weekdays, all in July) -> {7}, 11 monthly rounds.
    # The report's rounds: max(12 - 1, ceil(36 / 9) = 4) = 11.
    # Part-1 trainer half-days a round: A 3 x 1 + B 1 x 2 = 5; 11 x 5 / 2 = 27.5 days.
    # Theme T: ceil(36 / 8) = 5 sessions x 2 half-days x 2 trainers = 20 half-days = 10 days.
    # Trainer days 37.5; FTE 37.5 / (40 x 5 x 0.5 = 100) = 0.375 against 2 + 3 x 0.2 = 2.6.
    report = plan_capacity(hand_made(), hires_per_year=36, scenarios=())
    figures = report.figures
    assert figures.part1.seats == 9
    assert figures.part1.holiday_months == (7,)
    assert figures.part1.rounds_report == 11
    assert figures.part1.trainer_half_days == 5
    assert figures.trainer_days_part1 == 27.5
    assert [(t.course_id, t.seats, t.sessions_per_year) for t in figures.themes] == [("T", 8, 5)]
    assert figures.trainer_days_part2 == 10
    assert figures.trainer_days == 37.5
    assert figures.fte_needed == pytest.approx(0.375)
    assert figures.proposed_fte == pytest.approx(2.6)
    # The run's own volume is the one scenario when no others are asked for.
    assert [s.hires_per_year for s in report.scenarios] == [36]


def test_other_staffing_assumptions() -> None:
    # 37.5 trainer days (as above) at 45 weeks x 5 days x (1 - 0.2) = 180 teaching days.
    assumptions = StaffingAssumptions(working_weeks=45, admin_share=0.2)
    report = plan_capacity(hand_made(), hires_per_year=36, scenarios=(), assumptions=assumptions)
    assert report.figures.fte_needed == pytest.approx(37.5 / 180)


def test_seats_bind_the_least_rounds() -> None:
    # One hire a month and rooms of two: every round is full, and a round every two
    # months keeps every hire's wait under four months, so 12 / 2 = 6 rounds a year.
    planner = CapacityPlanner(hand_made(room_capacities=(2,)), HiringProfile.even(12))
    part1 = planner.figures(12).part1
    assert part1.rounds_for_seats == 6
    assert part1.rounds_min == 6


def test_windows_bind_the_least_rounds() -> None:
    # One hire a month in a large room, groups of up to 10 (module A): the seats alone
    # need ceil(12 / 10) = 2 rounds. But a round serves only the hires who started in
    # the four months before it, four or five of them (the greedy round sits at a
    # deadline, so it always has four). Each further year then adds between 12 / 5 and
    # 12 / 4 rounds, which rounds up to 3: the windows bind.
    planner = CapacityPlanner(hand_made(room_capacities=(100,)), HiringProfile.even(12))
    part1 = planner.figures(12).part1
    assert part1.seats == 10
    assert part1.rounds_for_seats == 2
    assert part1.rounds_for_windows == 3
    assert part1.rounds_min == 3


def test_an_instance_without_rooms_is_bad_input() -> None:
    # No instance is made without rooms, so the planner never meets one.
    with pytest.raises(InputError) as raised:
        hand_made().replace(rooms=())
    assert str(raised.value.problems[0]) == "rooms: förväntat minst en lokal"
