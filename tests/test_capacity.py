"""Tests of capacity planning against the city report's figures and hand-made instances."""

from __future__ import annotations

import json
import math
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from schemalaggning.capacity import (
    CapacityPlanner,
    CapacityReport,
    HiringProfile,
    StaffingAssumptions,
    holiday_months,
    plan_capacity,
    report_rounds,
    trainer_capacity,
)
from schemalaggning.cli import main
from schemalaggning.domain import (
    ClosedPeriod,
    Course,
    District,
    Instance,
    Person,
    Room,
    Settings,
    Trainer,
)
from schemalaggning.io import read_instance
from schemalaggning.problems import InputError

GOTEBORG = Path(__file__).resolve().parents[1] / "instances" / "goteborg"

#: The keys every ``capacity --json`` answer has.
JSON_KEYS = {
    "hires_per_year",
    "districts",
    "part1_rounds_report",
    "part1_rounds_min",
    "part1",
    "part2_sessions",
    "part2_sessions_per_year",
    "trainer_days",
    "fte",
    "instance_trainers",
    "scenarios",
    "formulas",
}


@pytest.fixture(scope="module")
def goteborg() -> Instance:
    """The bundled Göteborg instance, read once."""
    return read_instance(GOTEBORG)


@pytest.fixture(scope="module")
def report_280(goteborg: Instance) -> CapacityReport:
    """The report's own case: 280 hires a year in ten districts, on the bundled data."""
    return plan_capacity(goteborg, hires_per_year=280, districts=10)


def course(course_id: str, part: str, half_days: int, max_group: int, trainers: int) -> Course:
    """A course with a four-month (part 1) or two-year (otherwise) window."""
    return Course(
        course_id=course_id,
        part=part,
        half_days=half_days,
        min_group=1,
        max_group=max_group,
        trainers=trainers,
        within_months=4 if part == "1" else 24,
    )


def hand_made(
    people: tuple[Person, ...] = (), room_capacities: tuple[int, ...] = (9, 6)
) -> Instance:
    """A year of 2027 without public holidays, closed four whole weeks in July.

    Part 1 is two modules: A (3 half-days, 1 trainer, groups up to 10) and B (1 half-day,
    2 trainers, groups up to 12); part 2 is one theme T (2 half-days, 2 trainers, groups
    up to 8). Three districts, a coordinator (4 half-days a week) and a district trainer
    support (2 half-days a week).
    """
    settings = Settings(
        name="hand-made",
        horizon_start=date(2027, 1, 4),  # a Monday, ISO week 1
        horizon_end=date(2027, 12, 22),  # a Wednesday, ISO week 51
        holidays=None,
        closed=(ClosedPeriod(start=date(2027, 7, 5), end=date(2027, 7, 30), name="summer"),),
    )
    return Instance(
        settings=settings,
        districts=tuple(District(district_id=f"D{n}", max_absent=5) for n in range(1, 4)),
        people=people,
        courses=(
            course("A", "1", half_days=3, max_group=10, trainers=1),
            course("B", "1", half_days=1, max_group=12, trainers=2),
            course("T", "2", half_days=2, max_group=8, trainers=2),
        ),
        trainers=(
            Trainer(trainer_id="C1", courses=("*",), max_half_days_per_week=4),
            Trainer(trainer_id="S1", district_id="D1", courses=("T",), max_half_days_per_week=2),
        ),
        rooms=tuple(
            Room(room_id=f"R{n}", capacity=capacity)
            for n, capacity in enumerate(room_capacities, start=1)
        ),
    )


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


@pytest.mark.parametrize(
    ("hires", "seats", "holidays", "expected"),
    [(280, 32, 3, 9), (200, 32, 3, 9), (400, 32, 3, 13), (280, 24, 3, 12), (36, 9, 1, 11)],
)
def test_report_rule(hires: int, seats: int, holidays: int, expected: int) -> None:
    assert report_rounds(hires, seats, holidays) == expected


def test_no_hires_need_no_round() -> None:
    assert report_rounds(0, 32, 3) == 0


def test_instance_hiring_is_about_280_a_year(goteborg: Instance) -> None:
    profile = HiringProfile.of_people(goteborg)
    assert profile.source == "people"
    assert 270 <= profile.hires_per_year <= 290
    # The generator hires most in August and least in July.
    assert max(profile.monthly) == profile.monthly[7]
    assert min(profile.monthly) == profile.monthly[6]


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


def test_trainer_capacity_on_a_hand_made_instance() -> None:
    # Weeks 1 to 51 have open days, less the four closed weeks 27 to 30: 47 weeks, each
    # with at least two open days, so each trainer's own weekly limit holds:
    # 47 x (4 + 2) = 282 half-days = 141 days, over a horizon of 353 days.
    capacity = trainer_capacity(hand_made())
    years = 353 / 365.25
    assert capacity.open_weeks_per_year == pytest.approx(47 / years)
    assert capacity.days_per_year == pytest.approx(141 / years)
    assert capacity.coordinator_days_per_year == pytest.approx(47 * 4 / 2 / years)
    assert capacity.district_days_per_year == pytest.approx(47 * 2 / 2 / years)
    # Only the coordinator may teach part 1.
    assert capacity.part1_days_per_year == capacity.coordinator_days_per_year


def test_profile_of_people_counts_by_month() -> None:
    # Starts: two in March, one in September, nobody before the horizon. With the horizon
    # cut to end on 2027-10-31, the span runs from 2027-01-01 (the month of the horizon's
    # start) to 2027-10-31: January to October whole. March and September count 2 and 1,
    # the other months of the span 0; November and December, outside it, get the
    # average month: 3 / 10 each. So 3 + 2 x 0.3 = 3.6 hires a year.
    people = tuple(
        Person(person_id=f"P{n}", district_id="D1", start_date=start, required=True)
        for n, start in enumerate((date(2027, 3, 10), date(2027, 3, 22), date(2027, 9, 1)))
    )
    instance = hand_made(people=people)
    settings = instance.settings.model_copy(update={"horizon_end": date(2027, 10, 31)})
    profile = HiringProfile.of_people(instance.replace(settings=settings))
    assert profile.monthly[:10] == (0, 0, 2, 0, 0, 0, 0, 0, 1, 0)
    assert profile.monthly[10:] == pytest.approx((0.3, 0.3))
    assert profile.hires_per_year == pytest.approx(3.6)


def test_holiday_months_ignore_short_breaks(goteborg: Instance) -> None:
    # Göteborg is closed between Christmas and New Year (four weekdays): not a holiday
    # period, so December keeps its round.
    assert holiday_months(goteborg.settings) == (6, 7, 8)
    christmas_only = goteborg.settings.model_copy(
        update={"closed": (ClosedPeriod(start=date(2027, 12, 27), end=date(2027, 12, 30)),)}
    )
    assert holiday_months(christmas_only) == ()


def test_an_instance_without_rooms_is_bad_input() -> None:
    with pytest.raises(InputError) as raised:
        CapacityPlanner(hand_made().replace(rooms=()), HiringProfile.even(36))
    assert str(raised.value.problems[0]) == "rooms.csv: expected at least one room to seat groups"


# ---------------------------------------------------------------------------------------------
# The command line
# ---------------------------------------------------------------------------------------------


def run_json(args: list[str]) -> dict[str, Any]:
    """Run ``capacity --json`` and read its one JSON object."""
    result = CliRunner().invoke(main, ["capacity", *args, "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)  # One object: anything more would not parse.
    assert isinstance(payload, dict)
    return payload


def test_cli_json_is_one_object_with_the_keys() -> None:
    payload = run_json(["--hires-per-year", "280", "--districts", "10"])
    assert set(payload) >= JSON_KEYS
    assert payload["part1_rounds_report"] == 9
    assert payload["part1_rounds_min"] == 9
    assert [row["hires_per_year"] for row in payload["scenarios"]] == [200, 280, 400, 600]


def test_cli_instance_and_volume_agree_with_the_report() -> None:
    from_people = run_json([str(GOTEBORG)])
    from_volume = run_json([str(GOTEBORG), "--hires-per-year", "280"])
    for payload in (from_people, from_volume):
        assert payload["part1_rounds_report"] == 9
        assert payload["part1_rounds_min"] == 9
        assert payload["part2_sessions_per_year"] == 19 * math.ceil(280 / 30)
    sessions = [
        {c: t["sessions_per_year"] for c, t in payload["part2_sessions"].items()}
        for payload in (from_people, from_volume)
    ]
    assert sessions[0] == sessions[1]
    assert from_people["trainer_days"]["total"] == from_volume["trainer_days"]["total"] == 147.5
    # Only the instance's own hiring has a window bound to show.
    assert from_people["part1"]["window_bound_per_year"] is not None
    assert from_volume["part1"]["window_bound_per_year"] is None


def test_cli_prints_tables() -> None:
    # A wide terminal, so that no formula is wrapped across lines.
    result = CliRunner().invoke(
        main, ["capacity", "--hires-per-year", "280"], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    assert "part-1 rounds, the report's rule" in result.output
    assert "max(12 - 3 holiday months (Jun, Jul, Aug), ceil(280 / 32) = 9)" in result.output
    assert "Scenarios" in result.output


@pytest.mark.parametrize("as_json", [False, True])
def test_cli_bad_input_exits_2(tmp_path: Path, as_json: bool) -> None:
    missing = tmp_path / "nowhere"
    args = ["capacity", str(missing), *(["--json"] if as_json else [])]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert "nowhere" in result.output
    assert "Traceback" not in result.output
    if as_json:
        assert json.loads(result.output)["ok"] is False
