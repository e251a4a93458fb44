"""Tiny instances built in code, and what a test reads from their schedules.

The builders give every record a default, so that a test names only what its rule needs.
Unless a test says otherwise the horizon is one week, Monday 2027-01-11 to Friday
2027-01-15, without public holidays; there is one district (ten may be away), one room
(ten seats) and one trainer qualified for everything (ten half-days a week), and a
course lasts one half-day, seats one to ten, needs one trainer and must be attended
within one month of the start date. A person who starts on 2026-12-15 must therefore
attend by Friday 2027-01-15: the whole week is their window.

Everything here goes through the public interface (the domain records, ``solve`` and
the checker), so that a change inside the optimiser does not touch these helpers;
:func:`solve_checked` asserts that the checker finds nothing in every schedule.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from pathlib import Path

from schemalaggning.check import check
from schemalaggning.domain import (
    Assignment,
    ClosedPeriod,
    Course,
    District,
    Elective,
    ElectiveStatus,
    Half,
    Instance,
    Person,
    Room,
    Session,
    Settings,
    Slot,
    Trainer,
    Unavailability,
)
from schemalaggning.engine.result import Result
from schemalaggning.engine.solve import SolveParams, solve
from schemalaggning.rules import Rule

TINY = Path(__file__).parents[1] / "instances" / "tiny"

#: The first day of every default horizon: a Monday.
MONDAY = date(2027, 1, 11)
#: A start date whose one-month window closes on Friday 2027-01-15, the default horizon's end.
DUE_FRIDAY = date(2026, 12, 15)
#: A start date whose one-month window closes on Friday 2027-01-22, after two weeks.
DUE_NEXT_FRIDAY = date(2026, 12, 22)
#: The words an unscheduled attendance's reason may start with: a rule's name.
REASON_RULES = {rule.value for rule in Rule} | {"time_limit"}


# ---------------------------------------------------------------------------------------------
# Building tiny instances
# ---------------------------------------------------------------------------------------------


def settings(
    weeks: int = 1,
    start: date = MONDAY,
    holidays: str | None = None,
    closed: Iterable[tuple[date, date]] = (),
) -> Settings:
    """Settings for a horizon of whole working weeks from ``start`` (a Monday) to a Friday."""
    return Settings(
        name="test",
        horizon_start=start,
        horizon_end=start + timedelta(days=7 * weeks - 3),
        holidays=holidays,
        closed=tuple(ClosedPeriod(start=first, end=last, name="break") for first, last in closed),
    )


def district(district_id: str = "D1", max_absent: int = 10) -> District:
    """A district that lets ``max_absent`` of its people be away at once."""
    return District(district_id=district_id, name=district_id, max_absent=max_absent)


def person(
    person_id: str,
    start: date = DUE_FRIDAY,
    district_id: str = "D1",
    required: bool = True,
    done: tuple[str, ...] = (),
) -> Person:
    """A new hire (or, with ``required=False``, experienced staff)."""
    return Person(
        person_id=person_id,
        name=person_id,
        district_id=district_id,
        start_date=start,
        required=required,
        done=done,
    )


def course(
    course_id: str = "C",
    half_days: int = 1,
    min_group: int = 1,
    max_group: int = 10,
    trainers: int = 1,
    within: int = 1,
    not_before: int = 0,
    after: tuple[str, ...] = (),
    part: str = "2",
) -> Course:
    """A course; by default one half-day, one to ten people, one trainer, within a month."""
    return Course(
        course_id=course_id,
        name=course_id,
        part=part,
        half_days=half_days,
        min_group=min_group,
        max_group=max_group,
        trainers=trainers,
        within_months=within,
        not_before_months=not_before,
        after=after,
    )


def trainer(
    trainer_id: str = "T1", courses: tuple[str, ...] = ("*",), per_week: int = 10
) -> Trainer:
    """A central trainer qualified for ``courses`` with a weekly limit in half-days."""
    return Trainer(
        trainer_id=trainer_id,
        name=trainer_id,
        courses=courses,
        max_half_days_per_week=per_week,
    )


def room(room_id: str = "R1", capacity: int = 10) -> Room:
    """A room that seats ``capacity``."""
    return Room(room_id=room_id, name=room_id, capacity=capacity)


def away(resource_id: str, first: date, last: date, half: Half | None = None) -> Unavailability:
    """A trainer or room away from ``first`` to ``last`` (whole days, or one half)."""
    return Unavailability(resource_id=resource_id, start=first, end=last, half=half)


def pinned_session(
    session_id: str,
    course_id: str,
    slots: tuple[Slot, ...],
    trainer_ids: tuple[str, ...],
    participants: int,
    room_id: str = "R1",
) -> Session:
    """A published session, as ``fixed_sessions.csv`` would hold it."""
    return Session(
        session_id=session_id,
        course_id=course_id,
        room_id=room_id,
        trainer_ids=trainer_ids,
        slots=slots,
        participants=participants,
    )


def make_instance(
    people: Iterable[Person],
    courses: Iterable[Course],
    trainers: Iterable[Trainer] | None = None,
    rooms: Iterable[Room] | None = None,
    districts: Iterable[District] | None = None,
    horizon: Settings | None = None,
    unavailability: Iterable[Unavailability] = (),
    fixed_sessions: Iterable[Session] = (),
    fixed_assignments: Iterable[Assignment] = (),
) -> Instance:
    """An instance with the defaults of the module's description for what is not given."""
    return Instance(
        settings=horizon or settings(),
        districts=tuple(districts or (district(),)),
        people=tuple(people),
        courses=tuple(courses),
        trainers=tuple(trainers or (trainer(),)),
        rooms=tuple(rooms or (room(),)),
        unavailability=tuple(unavailability),
        fixed_sessions=tuple(fixed_sessions),
        fixed_assignments=tuple(fixed_assignments),
    )


# ---------------------------------------------------------------------------------------------
# Solving and reading results
# ---------------------------------------------------------------------------------------------


def solve_checked(
    instance: Instance,
    time_limit: float = 5.0,
    workers: int = 1,
    seed: int = 0,
    improve: bool = True,
    reserve_seats: int = 0,
) -> Result:
    """Solve, and assert that the schedule breaks no rule and lists only due attendances.

    The independent checker must find nothing; every unscheduled attendance must be due,
    with its deadline and a reason that starts with a rule's name. With ``improve`` the
    greedy baseline is checked the same way, and the optimiser may not do worse than it.
    """
    params = SolveParams(
        time_limit=time_limit,
        workers=workers,
        seed=seed,
        improve=improve,
        reserve_seats=reserve_seats,
    )
    result = solve(instance, params)
    violations = check(instance, result.sessions, result.assignments, result.unscheduled)
    assert violations == [], [str(v) for v in violations]
    due = set(instance.due_attendances)
    for u in result.unscheduled:
        if u.offering:
            # A yearly offering not held (format 1.2): the course and the year.
            assert u.course_id in instance.course_by_id
            assert u.deadline.year in instance.offering_years
            assert u.reason.partition(":")[0] in REASON_RULES, u.reason
            continue
        assert (u.person_id, u.course_id) in due
        person_record = instance.person_by_id[u.person_id]
        assert u.deadline == instance.deadline(person_record, instance.course_by_id[u.course_id])
        assert u.reason.partition(":")[0] in REASON_RULES, u.reason
    if improve:
        greedy = solve_checked(
            instance, time_limit, workers, seed, improve=False, reserve_seats=reserve_seats
        )
        assert (len(result.unscheduled), half_days(result)) <= (
            len(greedy.unscheduled),
            half_days(greedy),
        )
    return result


def warm_up() -> None:
    """Solve a one-person instance once, so that the optimiser's imports in a process's
    first solve do not take a short time limit's search time (the search keeps three
    times its set-up time for writing the files)."""
    result = solve_checked(make_instance(people=[person("A")], courses=[course("G")]))
    assert optimum(result) == (0, 1)


def half_days(result: Result) -> int:
    """Trainer half-days of the schedule (pinned sessions included)."""
    total = sum(len(s.slots) * len(s.trainer_ids) for s in result.sessions)
    assert result.summary["trainer_half_days"] == total
    return total


def optimum(result: Result) -> tuple[int, int]:
    """The top two objective levels of the schedule: unmet due attendances, then trainer
    half-days (a schedule is better when this pair is smaller, in this order)."""
    return len(result.unscheduled), half_days(result)


def level(result: Result, name: str) -> int:
    """The value of one objective level, as ``summary.json`` reports it."""
    return int(next(item["value"] for item in result.summary["levels"] if item["name"] == name))


def new_sessions(result: Result, instance: Instance) -> list[Session]:
    """The sessions of the schedule that are not pinned."""
    pinned = {s.session_id for s in instance.fixed_sessions}
    return [s for s in result.sessions if s.session_id not in pinned]


def members(result: Result) -> dict[str, set[str]]:
    """The people of each session, by session id."""
    found: dict[str, set[str]] = {s.session_id: set() for s in result.sessions}
    for a in result.assignments:
        found[a.session_id].add(a.person_id)
    return found


def met(result: Result) -> set[tuple[str, str]]:
    """The (person, course) attendances the schedule meets."""
    return {(a.person_id, a.course_id) for a in result.assignments}


def unmet(result: Result) -> dict[tuple[str, str], str]:
    """The reason of each attendance listed as unscheduled, by (person, course)."""
    return {(u.person_id, u.course_id): u.reason for u in result.unscheduled}


def session_of(result: Result, person_id: str, course_id: str) -> Session:
    """The session in which the person attends the course."""
    session_id = next(
        a.session_id
        for a in result.assignments
        if (a.person_id, a.course_id) == (person_id, course_id)
    )
    return next(s for s in result.sessions if s.session_id == session_id)


def am(day: date) -> Slot:
    """The morning slot of a day."""
    return Slot(day, Half.AM)


def pm(day: date) -> Slot:
    """The afternoon slot of a day."""
    return Slot(day, Half.PM)


def weekday(offset: int) -> date:
    """The day ``offset`` days after the first Monday (0: Monday 2027-01-11)."""
    return MONDAY + timedelta(days=offset)


def elective(
    request_id: str,
    person_id: str,
    first: date,
    last: date,
    half: Half | None = None,
    approved: bool = True,
) -> Elective:
    """A personal course (electives.csv) from ``first`` to ``last``, approved by default."""
    return Elective(
        request_id=request_id,
        person_id=person_id,
        title=request_id,
        start=first,
        end=last,
        half=half,
        cost_sek=1000,
        status=ElectiveStatus.APPROVED if approved else ElectiveStatus.REQUESTED,
    )
