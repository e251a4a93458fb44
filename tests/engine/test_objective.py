"""The objective's levels, in their order: each higher level wins over every lower one.

The levels (README, "How it decides"; ``summary.json``'s ``levels``) are, from the top:
due attendances met, trainer half-days, part 1 completed early, mixed groups, trainer
load balanced, experienced staff in free seats, not-yet-due attendances seated, and
seated early. Each test builds a tiny instance in which two levels pull apart, asserts
the values the solver reaches on both, with why in a comment, and, where cheap, the
instance in which the lower level gets its way once the higher one no longer stands in
it. Only the public interface is used, and the checker passes every schedule
(:func:`builders.solve_checked`).

The defaults are those of :mod:`builders`: one week from Monday 2027-01-11, one
district, room and trainer with room for ten, courses of part 2 of one half-day for one
to ten people with one trainer, to attend within a month of the start date.
"""

from __future__ import annotations

from datetime import date

import pytest

from builders import (
    DUE_FRIDAY,
    MONDAY,
    am,
    course,
    district,
    level,
    make_instance,
    members,
    optimum,
    person,
    session_of,
    settings,
    solve_checked,
    trainer,
    warm_up,
    weekday,
)
from schemalaggning.domain import Instance

#: Seconds a solve may take: enough for the tiny models, short for a search that
#: cannot prove its lower levels and runs to the limit.
LIMIT = 4.0
#: A start date whose one-month window is 2027-01-11 (the horizon's first day) to
#: Friday 2027-01-22.
DUE_NEXT_FRIDAY = date(2026, 12, 22)
#: Monday 2027-01-18, the first day of the second week.
SECOND_MONDAY = date(2027, 1, 18)
#: Experienced staff: started long ago, not required.
VETERAN = date(2015, 3, 1)


@pytest.fixture(scope="module", autouse=True)
def warm() -> None:
    """The solver warmed up, so that every test's search gets its time."""
    warm_up()


def test_one_more_due_attendance_is_worth_more_trainer_half_days() -> None:
    # A must attend in the first week, B starts in the second: two sessions of a
    # course of five half-days with two trainers, 2 x 5 x 2 = 20 trainer half-days,
    # rather than 10 with one of them unmet. Optimum: (0, 20).
    instance = make_instance(
        people=[person("A", start=DUE_FRIDAY), person("B", start=SECOND_MONDAY)],
        courses=[course("G", half_days=5, trainers=2)],
        trainers=[trainer("T1"), trainer("T2")],
        horizon=settings(weeks=6),
    )
    result = solve_checked(instance, time_limit=LIMIT)
    assert optimum(result) == (0, 20)
    assert level(result, "due_unmet") == 0
    assert level(result, "trainer_half_days") == 20


def part1_instance(max_group: int) -> Instance:
    """A part-1 module for A (window 2027-01-11 to 2027-01-22) and B (who starts on
    Monday 2027-01-18), over six weeks."""
    return make_instance(
        people=[person("A", start=DUE_NEXT_FRIDAY), person("B", start=SECOND_MONDAY)],
        courses=[course("P1", part="1", max_group=max_group)],
        horizon=settings(weeks=6),
    )


def test_trainer_half_days_come_before_part_1_early() -> None:
    # A alone could attend on 2027-01-11 (20 days after the start) and B on 2027-01-18
    # (0 days): 20 days, with two sessions. One session serves both from 2027-01-18 on,
    # for 27 + 0 days: fewer trainer half-days win. Optimum: (0, 1), on 2027-01-18 (the
    # earliest day both may attend), part1_days 27.
    result = solve_checked(part1_instance(max_group=10), time_limit=LIMIT)
    assert optimum(result) == (0, 1)
    assert result.sessions[0].slots[0].day == SECOND_MONDAY
    assert level(result, "part1_days") == 27
    # One a session, two sessions are needed anyway, and each is at its earliest day.
    apart = solve_checked(part1_instance(max_group=1), time_limit=LIMIT)
    assert optimum(apart) == (0, 2)
    assert level(apart, "part1_days") == 20


@pytest.mark.parametrize("part", ["1", "2"])
def test_part_1_early_comes_before_mixed_groups(part: str) -> None:
    # A1 and A2 of D1 may attend from 2027-01-11 to 2027-01-22, B1 and B2 of D2 from
    # 2027-01-18; two a session, so two sessions, and each district's fair share of a
    # session is one seat. In part 1, the D1 pair on 2027-01-11 (20 days each) and the
    # D2 pair on 2027-01-18 (0 days) end part 1 soonest: part1_days 40, each session
    # one seat over a district's share, mixing_excess 2. In part 2 nothing is gained
    # by the early date, and each session mixes the districts: mixing_excess 0.
    instance = make_instance(
        people=[
            person("A1", start=DUE_NEXT_FRIDAY, district_id="D1"),
            person("A2", start=DUE_NEXT_FRIDAY, district_id="D1"),
            person("B1", start=SECOND_MONDAY, district_id="D2"),
            person("B2", start=SECOND_MONDAY, district_id="D2"),
        ],
        courses=[course("G", part=part, max_group=2)],
        districts=[district("D1"), district("D2")],
        horizon=settings(weeks=6),
    )
    result = solve_checked(instance, time_limit=LIMIT)
    assert optimum(result) == (0, 2)
    groups = sorted(sorted(people) for people in members(result).values())
    if part == "1":
        assert groups == [["A1", "A2"], ["B1", "B2"]]
        assert session_of(result, "A1", "G").slots[0].day == MONDAY
        assert level(result, "part1_days") == 40
        assert level(result, "mixing_excess") == 2
    else:
        assert all(sorted(p[0] for p in group) == ["A", "B"] for group in groups)
        assert level(result, "mixing_excess") == 0


@pytest.mark.parametrize(("trainers", "max_load"), [(2, 1), (1, 2)])
def test_trainer_load_is_balanced(trainers: int, max_load: int) -> None:
    # A must attend by Tuesday 2027-01-12 and B starts on Wednesday: two sessions,
    # (0, 2). With two trainers each teaches one (largest load 1); with one, 2.
    instance = make_instance(
        people=[person("A", start=date(2026, 12, 12)), person("B", start=weekday(2))],
        courses=[course("G")],
        trainers=[trainer(f"T{i}") for i in range(1, trainers + 1)],
        horizon=settings(weeks=6),
    )
    result = solve_checked(instance, time_limit=LIMIT)
    assert optimum(result) == (0, 2)
    assert level(result, "trainer_max_load") == max_load
    assert len({s.trainer_ids for s in result.sessions}) == trainers


@pytest.mark.parametrize(
    ("max_group", "seated", "experienced_left_out", "not_due_left_out"),
    [
        # One seat: A's, the due attendance. A second session for X or N would cost a
        # trainer half-day, which weighs more than any free seat.
        (1, {"A"}, 1, 1),
        # One free seat: N, a hire who is not yet due, before experienced X (a hire's
        # plan made whole comes first).
        (2, {"A", "N"}, 1, 0),
        # Two free seats: both.
        (3, {"A", "X", "N"}, 0, 0),
    ],
)
def test_free_seats_go_to_hires_not_yet_due_before_experienced_staff(
    max_group: int, seated: set[str], experienced_left_out: int, not_due_left_out: int
) -> None:
    # A is due this week; X is experienced staff; N starts on Monday 2027-01-11 and
    # need not attend before 2027-02-11. Optimum: (0, 1) in every case.
    instance = make_instance(
        people=[person("A"), person("X", start=VETERAN, required=False), person("N", start=MONDAY)],
        courses=[course("G", max_group=max_group)],
    )
    result = solve_checked(instance, time_limit=LIMIT)
    assert optimum(result) == (0, 1)
    assert set().union(*members(result).values()) == seated
    assert level(result, "experienced_left_out") == experienced_left_out
    assert level(result, "not_due_left_out") == not_due_left_out


@pytest.mark.parametrize("start", [0, 2], ids=["monday", "wednesday"])
def test_an_attendance_not_yet_due_is_seated_as_early_as_it_may(start: int) -> None:
    # A may attend any half-day of the week; N, not yet due, starts on Monday or on
    # Wednesday. N's seat is the lowest level but one, and then the earlier the better:
    # the one session moves to the first half-day N may attend. Optimum: (0, 1) with
    # both, Monday or Wednesday morning.
    instance = make_instance(
        people=[person("A"), person("N", start=weekday(start))],
        courses=[course("G")],
    )
    result = solve_checked(instance, time_limit=LIMIT)
    assert optimum(result) == (0, 1)
    assert session_of(result, "N", "G").slots == (am(weekday(start)),)
    assert level(result, "not_due_left_out") == 0
