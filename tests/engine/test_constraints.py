"""The constraint families of the model, one rule at a time, each where it binds.

The families are those of ``model/constraints.py``, named after ``rules.py``. Every test
builds a tiny instance in which the rule changes the optimum, states that optimum as
``(unmet due attendances, trainer half-days)`` with the reason in a comment, and, where
the data can relax the rule (a larger limit, a second room, no leave), solves the
relaxed instance too and asserts its different optimum: that is what shows the rule
binds. Only the public interface is used (the domain records, ``solve`` and the checker,
through :func:`builders.solve_checked`, which asserts that the checker finds nothing).

The defaults of the instances are those of :mod:`builders`: one week from Monday
2027-01-11, one district, room and trainer with room for ten, courses of one half-day
for one to ten people with one trainer, to attend within a month of the start date.
"""

from __future__ import annotations

from datetime import date

import pytest

from builders import (
    DUE_FRIDAY,
    am,
    away,
    course,
    district,
    elective,
    make_instance,
    members,
    met,
    optimum,
    person,
    pm,
    room,
    session_of,
    settings,
    solve_checked,
    trainer,
    warm_up,
    weekday,
)
from schemalaggning.domain import Half, Instance, Person

#: Seconds a solve may take. A tiny instance's optimum is found at once, but a search
#: that cannot prove it (an attendance stays unmet) runs until its time limit.
LIMIT = 4.0
#: A start date whose one-month window closes on Tuesday 2027-01-12.
DUE_TUESDAY = date(2026, 12, 12)


@pytest.fixture(scope="module", autouse=True)
def warm() -> None:
    """The solver warmed up, so that every test's search gets its time."""
    warm_up()


# ---------------------------------------------------------------------------------------------
# Trainers: how many, who may teach, when they are free
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("needed", "pool", "expected"),
    [
        # Two trainers per session: the one session costs 2 trainer half-days.
        (2, 2, (0, 2)),
        # Relaxed to one trainer per session: 1 trainer half-day.
        (1, 2, (0, 1)),
        # Two needed and only one there: no session can be held, both unmet.
        (2, 1, (2, 0)),
    ],
    ids=["two-of-two", "one-of-two", "two-of-one"],
)
def test_trainer_count(needed: int, pool: int, expected: tuple[int, int]) -> None:
    # A and B may share one session of G; it takes the course's number of trainers, each
    # teaching its half-day.
    instance = make_instance(
        people=[person("A"), person("B")],
        courses=[course("G", trainers=needed)],
        trainers=[trainer(f"T{i}") for i in range(1, pool + 1)],
    )
    result = solve_checked(instance, time_limit=LIMIT)
    assert optimum(result) == expected
    for session in result.sessions:
        assert len(set(session.trainer_ids)) == needed


@pytest.mark.parametrize(
    ("qualified", "expected"),
    [(("H",), (1, 0)), (("*",), (0, 1))],
    ids=["not-qualified", "qualified"],
)
def test_trainer_qualified(qualified: tuple[str, ...], expected: tuple[int, int]) -> None:
    # The only trainer may teach H alone: nobody can teach G, so A's G is unmet and
    # nothing is held (optimum (1, 0)). Qualified for everything, one session meets it.
    instance = make_instance(
        people=[person("A", done=("H",))],
        courses=[course("G"), course("H")],
        trainers=[trainer("T1", qualified)],
    )
    result = solve_checked(instance, time_limit=LIMIT)
    assert optimum(result) == expected


@pytest.mark.parametrize("resource", ["T1", "R1"], ids=["trainer", "room"])
@pytest.mark.parametrize("leave", [True, False], ids=["away", "free"])
def test_trainer_and_room_available(resource: str, leave: bool) -> None:
    # Five weeks. A must attend by Friday 2027-01-15; B starts on Tuesday 2027-01-12 and
    # must attend by Friday 2027-02-12. The only trainer (or room) is away Monday morning
    # and Tuesday to Friday of the first week: A's one half-day left is Monday afternoon,
    # when B has not started, so B needs a session of their own later. Optimum: (0, 2),
    # A on Monday afternoon. Without the leave one session on Tuesday to Friday of the
    # first week serves both: (0, 1).
    instance = make_instance(
        people=[person("A"), person("B", start=weekday(1))],
        courses=[course("G")],
        horizon=settings(weeks=5),
        unavailability=(
            [
                away(resource, weekday(0), weekday(0), Half.AM),
                away(resource, weekday(1), weekday(4)),
            ]
            if leave
            else []
        ),
    )
    result = solve_checked(instance, time_limit=LIMIT)
    if leave:
        assert optimum(result) == (0, 2)
        assert session_of(result, "A", "G").slots == (pm(weekday(0)),)
        assert session_of(result, "B", "G").slots[0].day >= weekday(7)
    else:
        assert optimum(result) == (0, 1)


def test_trainer_week_limit() -> None:
    # P needs D and Q needs E in the one week, and the only trainer teaches at most one
    # half-day a week: one of them is unmet. Optimum: (1, 1). With two half-days a week
    # both are met: (0, 2).
    def instance(per_week: int) -> Instance:
        return make_instance(
            people=[person("P", done=("E",)), person("Q", done=("D",))],
            courses=[course("D"), course("E")],
            trainers=[trainer("T1", per_week=per_week)],
        )

    assert optimum(solve_checked(instance(per_week=1), time_limit=LIMIT)) == (1, 1)
    assert optimum(solve_checked(instance(per_week=2), time_limit=LIMIT)) == (0, 2)


# ---------------------------------------------------------------------------------------------
# One place at a time: trainers, rooms, people
# ---------------------------------------------------------------------------------------------


def three_courses_on_wednesday(one_person: bool, trainers: int, rooms: int) -> Instance:
    """Courses D, E and F, each to attend on Wednesday 2027-01-13 alone (within_months 0,
    start that day): two half-day slots. Either one person needs all three, or three
    people need one each."""
    wednesday = weekday(2)
    people: list[Person] = (
        [person("A", start=wednesday)]
        if one_person
        else [
            person("P", start=wednesday, done=("E", "F")),
            person("Q", start=wednesday, done=("D", "F")),
            person("S", start=wednesday, done=("D", "E")),
        ]
    )
    return make_instance(
        people=people,
        courses=[course(name, within=0) for name in ("D", "E", "F")],
        trainers=[trainer(f"T{i}") for i in range(1, trainers + 1)],
        rooms=[room(f"R{i}") for i in range(1, rooms + 1)],
    )


@pytest.mark.parametrize(
    ("one_person", "trainers", "rooms", "expected"),
    [
        # Three people, three trainers, three rooms: nothing overlaps that may not, and
        # all three sessions fit in one slot. Optimum: (0, 3).
        (False, 3, 3, (0, 3)),
        # trainer_overlap: one trainer teaches one session a slot, two slots: (1, 2).
        (False, 1, 3, (1, 2)),
        # room_overlap: one room holds one session a slot: (1, 2).
        (False, 3, 1, (1, 2)),
        # person_overlap: one person attends one session a slot: (1, 2).
        (True, 3, 3, (1, 2)),
    ],
    ids=["relaxed", "trainer_overlap", "room_overlap", "person_overlap"],
)
def test_one_place_at_a_time(
    one_person: bool, trainers: int, rooms: int, expected: tuple[int, int]
) -> None:
    result = solve_checked(
        three_courses_on_wednesday(one_person, trainers, rooms), time_limit=LIMIT
    )
    assert optimum(result) == expected
    if expected[0]:
        # The two sessions held take the morning and the afternoon.
        wednesday = weekday(2)
        assert sorted(s.slots[0] for s in result.sessions) == [am(wednesday), pm(wednesday)]


# ---------------------------------------------------------------------------------------------
# Group sizes and seats
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("capacity", "max_group", "expected"),
    [
        # room_capacity: the room seats three, five people: two sessions, (0, 2).
        (3, 10, (0, 2)),
        # max_group: four a session at most: two sessions, (0, 2).
        (10, 4, (0, 2)),
        # Relaxed: five seats and five a group: one session, (0, 1).
        (5, 5, (0, 1)),
    ],
    ids=["room_capacity", "max_group", "relaxed"],
)
def test_room_capacity_and_max_group(
    capacity: int, max_group: int, expected: tuple[int, int]
) -> None:
    instance = make_instance(
        people=[person(f"P{i}") for i in range(1, 6)],
        courses=[course("G", max_group=max_group)],
        rooms=[room(capacity=capacity)],
    )
    result = solve_checked(instance, time_limit=LIMIT)
    assert optimum(result) == expected
    assert all(s.participants <= min(capacity, max_group) for s in result.sessions)


@pytest.mark.parametrize(("min_group", "expected"), [(2, (1, 1)), (1, (0, 2))])
def test_min_group(min_group: int, expected: tuple[int, int]) -> None:
    # Three people and at most two a session. With two at least, three people cannot be
    # split into sessions: one session of two, one person unmet, (1, 1). With one at
    # least, two sessions (two and one) meet all three: (0, 2).
    instance = make_instance(
        people=[person("A"), person("B"), person("C")],
        courses=[course("G", min_group=min_group, max_group=2)],
    )
    result = solve_checked(instance, time_limit=LIMIT)
    assert optimum(result) == expected
    assert all(min_group <= s.participants <= 2 for s in result.sessions)


# ---------------------------------------------------------------------------------------------
# Districts and electives: people kept at work or away
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("max_absent", "expected"), [(1, (0, 4)), (2, (0, 2))])
def test_district_absence(max_absent: int, expected: tuple[int, int]) -> None:
    # A and B of D1 need a part-1 course of a full day; two rooms and two trainers, so
    # only the district's limit can part them. One of D1 away at a time: two sessions on
    # different days, (0, 4) (two parallel sessions on Monday would end part 1 sooner,
    # but both would be away at once). Two at a time: one session, (0, 2).
    instance = make_instance(
        people=[person("A"), person("B")],
        courses=[course("G", half_days=2, part="1")],
        districts=[district("D1", max_absent=max_absent)],
        trainers=[trainer("T1"), trainer("T2")],
        rooms=[room("R1"), room("R2")],
    )
    result = solve_checked(instance, time_limit=LIMIT)
    assert optimum(result) == expected
    if max_absent == 1:
        days_a = {slot.day for slot in session_of(result, "A", "G").slots}
        days_b = {slot.day for slot in session_of(result, "B", "G").slots}
        assert days_a.isdisjoint(days_b)


@pytest.mark.parametrize(("approved", "expected"), [(True, (0, 2)), (False, (0, 1))])
def test_elective_away(approved: bool, expected: tuple[int, int]) -> None:
    # A is on a personal course Monday to Thursday; B must attend by Tuesday. Approved,
    # it keeps A away: A can only attend on Friday, when B's window has closed, so two
    # sessions, (0, 2). Only requested, it changes nothing: one session, (0, 1).
    instance = make_instance(
        people=[person("A"), person("B", start=DUE_TUESDAY)],
        courses=[course("G")],
    ).replace(electives=(elective("E1", "A", weekday(0), weekday(3), approved=approved),))
    result = solve_checked(instance, time_limit=LIMIT)
    assert optimum(result) == expected
    if approved:
        assert session_of(result, "A", "G").slots[0].day == weekday(4)


def test_already_done() -> None:
    # One seat a session. A has done G, so only B is due: (0, 1), and A attends nothing.
    # Had A not done it, both would be due: (0, 2).
    def instance(done: tuple[str, ...]) -> Instance:
        return make_instance(
            people=[person("A", done=done), person("B")], courses=[course("G", max_group=1)]
        )

    result = solve_checked(instance(done=("G",)), time_limit=LIMIT)
    assert optimum(result) == (0, 1)
    assert met(result) == {("B", "G")}
    assert optimum(solve_checked(instance(done=()), time_limit=LIMIT)) == (0, 2)


# ---------------------------------------------------------------------------------------------
# Prerequisites: part 2 after part 1, and chains
# ---------------------------------------------------------------------------------------------


def chain_instance(chained: bool, leave: list[tuple[date, Half | None]]) -> Instance:
    """P must attend the part-1 module A and the part-2 themes B and C by Tuesday
    2027-01-12 (four half-days), with B after A and C after B when ``chained``. Only T2
    may teach A, and T2 is away in the half-days of ``leave``; T1 teaches B and C. The
    courses are listed C, B, A so that file order alone would not give the order."""
    return make_instance(
        people=[person("P", start=DUE_TUESDAY)],
        courses=[
            course("C", after=("B",) if chained else ()),
            course("B", after=("A",) if chained else ()),
            course("A", part="1"),
        ],
        trainers=[trainer("T1", ("B", "C")), trainer("T2", ("A",))],
        unavailability=[away("T2", day, day, half) for day, half in leave],
    )


def test_prerequisite_chain_orders_three_courses() -> None:
    # T2 is away on Monday morning: A cannot be first, and neither can B or C, which need
    # A before them. Three courses in the three half-days left, in the chain's order.
    # Optimum: (0, 3), A Monday afternoon, B Tuesday morning, C Tuesday afternoon.
    result = solve_checked(chain_instance(chained=True, leave=[(weekday(0), Half.AM)]))
    assert optimum(result) == (0, 3)
    assert session_of(result, "P", "A").slots == (pm(weekday(0)),)
    assert session_of(result, "P", "B").slots == (am(weekday(1)),)
    assert session_of(result, "P", "C").slots == (pm(weekday(1)),)


@pytest.mark.parametrize(("chained", "expected"), [(True, (2, 1)), (False, (0, 3))])
def test_prerequisite_chain_binds(chained: bool, expected: tuple[int, int]) -> None:
    # T2 is away on Monday and Tuesday morning: A can only be on Tuesday afternoon, the
    # last half-day of P's window. Chained, nothing is left after A for B, and C needs B:
    # (2, 1). Without the chain, B and C go before A: (0, 3).
    leave = [(weekday(0), None), (weekday(1), Half.AM)]
    result = solve_checked(chain_instance(chained=chained, leave=leave), time_limit=LIMIT)
    assert optimum(result) == expected
    assert session_of(result, "P", "A").slots == (pm(weekday(1)),)


# ---------------------------------------------------------------------------------------------
# Windows from the start date
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("within", "expected"), [(1, (0, 2)), (2, (0, 1))])
def test_window_opens_at_the_start_and_closes_at_the_deadline(
    within: int, expected: tuple[int, int]
) -> None:
    # Ten weeks from Monday 2027-01-11. A starts on 2026-12-12 and B on Wednesday
    # 2027-01-13. Within one month A must attend by Tuesday 2027-01-12, before B may:
    # two sessions, (0, 2). Within two months A may attend until 2027-02-12, and one
    # session from Wednesday 2027-01-13 serves both: (0, 1).
    instance = make_instance(
        people=[person("A", start=DUE_TUESDAY), person("B", start=weekday(2))],
        courses=[course("G", within=within)],
        horizon=settings(weeks=10),
    )
    result = solve_checked(instance, time_limit=LIMIT)
    assert optimum(result) == expected
    assert session_of(result, "B", "G").slots[0].day >= weekday(2)
    if within == 1:
        assert session_of(result, "A", "G").slots[-1].day <= weekday(1)


@pytest.mark.parametrize(
    ("part", "within", "a_start", "b_start"),
    [
        ("1", 4, date(2026, 9, 12), date(2026, 9, 15)),
        ("2", 24, date(2025, 1, 12), date(2025, 1, 15)),
    ],
    ids=["part1-four-months", "part2-two-years"],
)
@pytest.mark.parametrize("longer", [False, True], ids=["window", "a-month-longer"])
def test_window_of_four_months_and_two_years(
    part: str, within: int, a_start: date, b_start: date, longer: bool
) -> None:
    # Six weeks from Monday 2027-01-11; the only trainer is away Monday and Tuesday of
    # the first week. A's window (four months, or two years) closes on Tuesday
    # 2027-01-12 and B's on Friday 2027-01-15: A cannot be met, B can. Optimum: (1, 1).
    # A month longer, A may attend until 2027-02-12 and B until 2027-02-15, and one
    # session serves both: (0, 1).
    instance = make_instance(
        people=[person("A", start=a_start), person("B", start=b_start)],
        courses=[course("G", part=part, within=within + 1 if longer else within)],
        horizon=settings(weeks=6),
        unavailability=[away("T1", weekday(0), weekday(1))],
    )
    result = solve_checked(instance, time_limit=LIMIT)
    assert optimum(result) == ((0, 1) if longer else (1, 1))
    assert ("B", "G") in met(result)


# ---------------------------------------------------------------------------------------------
# Closed days and session blocks
# ---------------------------------------------------------------------------------------------

#: Monday 2027-06-21: the week of Midsummer Eve (Friday 2027-06-25), before the summer break.
MIDSUMMER_WEEK = date(2027, 6, 21)


@pytest.mark.parametrize("closed", [True, False], ids=["holiday", "open"])
def test_closed_day_midsummer_eve(closed: bool) -> None:
    # Six weeks from Monday 2027-06-21. A must attend by Midsummer Eve, Friday
    # 2027-06-25, a day off in Sweden; B starts that day. With the Swedish holidays A
    # attends Monday to Thursday and B from Monday 2027-06-28: two sessions, (0, 2).
    # Without them one session on Midsummer Eve serves both: (0, 1).
    midsummer_eve = date(2027, 6, 25)
    instance = make_instance(
        people=[person("A", start=date(2027, 5, 25)), person("B", start=midsummer_eve)],
        courses=[course("G")],
        horizon=settings(weeks=6, start=MIDSUMMER_WEEK, holidays="SE" if closed else None),
    )
    result = solve_checked(instance, time_limit=LIMIT)
    if closed:
        assert optimum(result) == (0, 2)
        assert all(s.slots[0].day != midsummer_eve for s in result.sessions)
    else:
        assert optimum(result) == (0, 1)
        assert result.sessions[0].slots[0].day == midsummer_eve


@pytest.mark.parametrize("closed", [True, False], ids=["summer-break", "open"])
def test_closed_day_summer_break(closed: bool) -> None:
    # Six weeks from Monday 2027-06-21, to Friday 2027-07-30. A must attend by Wednesday
    # 2027-06-30; B starts that day and must attend by 2027-07-30. The summer break from
    # 2027-06-28 to 2027-08-06 closes B's whole window: A is met before the break, B not
    # at all, (1, 1). Without the break one session on 2027-06-30 serves both: (0, 1).
    instance = make_instance(
        people=[person("A", start=date(2027, 5, 30)), person("B", start=date(2027, 6, 30))],
        courses=[course("G")],
        horizon=settings(
            weeks=6,
            start=MIDSUMMER_WEEK,
            closed=[(date(2027, 6, 28), date(2027, 8, 6))] if closed else [],
        ),
    )
    result = solve_checked(instance, time_limit=LIMIT)
    if closed:
        assert optimum(result) == (1, 1)
        assert met(result) == {("A", "G")}
        assert session_of(result, "A", "G").slots[0].day < date(2027, 6, 28)
    else:
        assert optimum(result) == (0, 1)


@pytest.mark.parametrize(("length", "expected"), [(6, (1, 0)), (4, (0, 4))])
def test_session_block_stays_inside_a_week(length: int, expected: tuple[int, int]) -> None:
    # Two weeks. P must attend by Tuesday 2027-01-19, and the only trainer is away
    # Monday to Wednesday of the first week: eight open half-days in a row, Thursday and
    # Friday, then Monday and Tuesday. A block never spans the weekend, so a course of
    # six half-days fits nowhere, (1, 0); one of four fits on either side, (0, 4).
    instance = make_instance(
        people=[person("P", start=date(2026, 12, 19))],
        courses=[course("G", half_days=length)],
        horizon=settings(weeks=2),
        unavailability=[away("T1", weekday(0), weekday(2))],
    )
    result = solve_checked(instance, time_limit=LIMIT)
    assert optimum(result) == expected
    for session in result.sessions:
        days = {slot.day for slot in session.slots}
        assert len({day.isocalendar()[1] for day in days}) == 1


def test_multi_trainer_session_needs_every_trainer_free() -> None:
    # Two trainers per session, and T2 is away all week but Friday afternoon: the one
    # session is then, with both. Optimum: (0, 2) on Friday afternoon.
    instance = make_instance(
        people=[person("A", start=DUE_FRIDAY)],
        courses=[course("G", trainers=2)],
        trainers=[trainer("T1"), trainer("T2")],
        unavailability=[
            away("T2", weekday(0), weekday(3)),
            away("T2", weekday(4), weekday(4), Half.AM),
        ],
    )
    result = solve_checked(instance, time_limit=LIMIT)
    assert optimum(result) == (0, 2)
    (session,) = result.sessions
    assert session.slots == (pm(weekday(4)),)
    assert sorted(session.trainer_ids) == ["T1", "T2"]
    assert members(result)[session.session_id] == {"A"}
