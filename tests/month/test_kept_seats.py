"""Free seats of frozen sessions in a re-plan.

A hand-built instance: one district, one course ``P1`` of one half-day, five hires who
start on 10 March 2027 and must attend within two months (by 10 May). The published
schedule holds ``P1-001`` on 15 March (A1, A2: history on 15 April) and ``P1-002`` on 3
May (A3, A4: inside the four weeks' freeze, which ends on 13 May). A1 did not come on 15
March; the first session a re-plan could open starts after A1's window has closed.
"""

from __future__ import annotations

from datetime import date

import pytest

from schemalaggning.check import check
from schemalaggning.domain import (
    Assignment,
    Course,
    District,
    Forecast,
    Half,
    Instance,
    Person,
    Room,
    Session,
    SessionAttendance,
    Settings,
    Slot,
    Trainer,
)
from schemalaggning.engine.solve import SolveParams
from schemalaggning.io.schedule import Schedule
from schemalaggning.month.kept_seats import seat_in_frozen
from schemalaggning.month.replan import replan

TODAY = date(2027, 4, 15)
FIRST_NEW = date(2027, 5, 13)
PARAMS = SolveParams(time_limit=3, workers=1)
PAST = date(2027, 3, 15)
FROZEN = date(2027, 5, 3)


def make_instance(
    capacity: int = 12, max_absent: int = 20, hires: int = 5, within: int = 2
) -> Instance:
    """Hires A1 to A5 of district A; one course, one trainer, one room."""
    people = tuple(
        Person(
            person_id=f"A{k}",
            name=f"Anna {k}",
            district_id="A",
            start_date=date(2027, 3, 10),
            required=True,
        )
        for k in range(1, hires + 1)
    )
    return Instance(
        settings=Settings(
            horizon_start=date(2027, 3, 1), horizon_end=date(2027, 9, 30), holidays=None
        ),
        districts=(District(district_id="A", max_absent=max_absent),),
        people=people,
        courses=(
            Course(
                course_id="P1",
                name="Del 1",
                part="1",
                half_days=1,
                min_group=1,
                max_group=12,
                trainers=1,
                within_months=within,
            ),
        ),
        trainers=(Trainer(trainer_id="T", courses=("*",), max_half_days_per_week=10),),
        rooms=(Room(room_id="R", capacity=capacity),),
    )


def session(
    session_id: str, day: date, participants: int, held: int = 0, held_for: tuple[str, ...] = ()
) -> Session:
    """A published session of P1 in room R with trainer T, in the morning of ``day``."""
    return Session(
        session_id=session_id,
        course_id="P1",
        room_id="R",
        trainer_ids=("T",),
        slots=(Slot(day, Half.AM),),
        participants=participants,
        held=held,
        held_for=held_for,
    )


def publish(instance: Instance, frozen: Session, later: Session | None = None) -> Schedule:
    """The published schedule: P1-001 (A1, A2) in the past, ``frozen`` with A3 and A4,
    and ``later`` (if given) with A5."""
    groups = [
        (session("P1-001", PAST, 2), ("A1", "A2")),
        (frozen, ("A3", "A4")),
        *([(later, ("A5",))] if later is not None else []),
    ]
    sessions = [s for s, _ in groups]
    assignments = [
        Assignment(person_id=pid, course_id="P1", session_id=s.session_id)
        for s, people in groups
        for pid in people
    ]
    assert check(instance, sessions, assignments, []) == []
    return Schedule(
        sessions=list(enumerate(sessions, start=2)),
        assignments=list(enumerate(assignments, start=2)),
    )


def no_show(instance: Instance) -> Instance:
    """A1 did not come to P1-001 (A2 did)."""
    return instance.replace(
        attendance=(
            SessionAttendance(session_id="P1-001", person_id="A1", attended=False),
            SessionAttendance(session_id="P1-001", person_id="A2", attended=True),
        )
    )


def test_no_show_takes_a_free_seat_of_a_frozen_session() -> None:
    instance = make_instance(hires=4)
    frozen = session("P1-002", FROZEN, 2)
    schedule = publish(instance, frozen)
    later = no_show(instance)
    again, changes = replan(later, schedule, TODAY, 4, PARAMS)
    assert check(later, again.sessions, again.assignments, again.unscheduled) == []
    assert again.unscheduled == []
    seat = {a.person_id: a.session_id for a in again.assignments}
    assert seat == {"A1": "P1-002", "A2": "P1-001", "A3": "P1-002", "A4": "P1-002"}
    # The frozen session itself is as published: date, room, trainer; one more in it.
    kept = next(s for s in again.sessions if s.session_id == "P1-002")
    assert (kept.slots, kept.room_id, kept.trainer_ids) == (
        frozen.slots,
        frozen.room_id,
        frozen.trainer_ids,
    )
    assert kept.participants == 3
    assert {s.session_id for s in again.sessions} == {"P1-001", "P1-002"}
    # Nothing else changed: A1's new seat is the only change, and nobody was moved.
    assert [(c.change, c.person_id, c.before, c.after) for c in changes] == [
        ("person_moved", "A1", "P1-001", "P1-002")
    ]
    figures = again.summary["replan"]
    assert (figures["people_moved"], figures["no_shows_planned_again"]) == (0, 1)
    assert again.summary["trainer_half_days"] == 2


@pytest.mark.parametrize(
    ("capacity", "max_absent"),
    [(2, 20), (12, 2)],
    ids=["room full", "district limit reached"],
)
def test_no_frozen_seat_without_room_or_district_place(capacity: int, max_absent: int) -> None:
    instance = make_instance(capacity=capacity, max_absent=max_absent, hires=4)
    schedule = publish(instance, session("P1-002", FROZEN, 2))
    later = no_show(instance)
    again, _ = replan(later, schedule, TODAY, 4, PARAMS)
    assert check(later, again.sessions, again.assignments, again.unscheduled) == []
    assert [u.person_id for u in again.unscheduled] == ["A1"]
    # The missed session (P1-001, 15 March) is named by its course and day.
    assert "kom inte till Del 1 den 15 mars 2027" in again.unscheduled[0].reason
    assert {a.person_id for a in again.assignments if a.session_id == "P1-002"} == {"A3", "A4"}


def test_a_seat_held_for_an_expected_hire_is_theirs() -> None:
    # Three seats in R: A3, A4 and one held for a hire of district A expected in April.
    # The expected hire keeps it; A1 finds no free seat.
    instance = make_instance(capacity=3, hires=4).replace(
        forecast=(Forecast(district_id="A", month="2027-04", hires=1),)
    )
    frozen = session("P1-002", FROZEN, 2, held=1, held_for=("A@2027-04:1",))
    schedule = publish(instance, frozen)
    later = no_show(instance)
    again, _ = replan(later, schedule, TODAY, 4, PARAMS)
    assert check(later, again.sessions, again.assignments, again.unscheduled) == []
    assert [u.person_id for u in again.unscheduled] == ["A1"]
    kept = next(s for s in again.sessions if s.session_id == "P1-002")
    assert (kept.participants, kept.held) == (2, 1)
    # Without the forecast the seat is no longer held, and A1 takes it.
    freed, _ = replan(later.replace(forecast=()), schedule, TODAY, 4, PARAMS)
    assert check(later, freed.sessions, freed.assignments, freed.unscheduled) == []
    assert freed.unscheduled == []
    assert ("A1", "P1-002") in {(a.person_id, a.session_id) for a in freed.assignments}


def test_windows_closing_in_the_freeze_take_the_seats_first() -> None:
    # One free seat, two who need it: A5 (a new hire, window to 10 June) and A1 (the
    # no-show, window to 10 May). A1 gets it; A5 can still be planned after the freeze.
    instance = make_instance(capacity=3).replace(
        people=(
            *make_instance().people[:4],
            make_instance().people[4].model_copy(update={"start_date": date(2027, 4, 10)}),
        )
    )
    pinned = [session("P1-001", PAST, 1), session("P1-002", FROZEN, 2)]
    assignments = [
        Assignment(person_id=pid, course_id="P1", session_id=sid)
        for pid, sid in (("A2", "P1-001"), ("A3", "P1-002"), ("A4", "P1-002"))
    ]
    sessions, seated = seat_in_frozen(instance, pinned, assignments, set(), TODAY, FIRST_NEW)
    added = [(a.person_id, a.session_id) for a in seated[len(assignments) :]]
    assert added == [("A1", "P1-002")]
    assert [s.participants for s in sessions] == [1, 3]
    # With a seat more, A5 takes one too (it costs nothing; no session need be opened).
    roomy = instance.replace(rooms=(Room(room_id="R", capacity=4),))
    sessions, seated = seat_in_frozen(roomy, pinned, assignments, set(), TODAY, FIRST_NEW)
    assert [a.person_id for a in seated[len(assignments) :]] == ["A1", "A5"]
    assert check(roomy, sessions, seated, []) == []
    # A person who keeps a published seat after the freeze is left there.
    _, seated = seat_in_frozen(roomy, pinned, assignments, {("A5", "P1")}, TODAY, FIRST_NEW)
    assert [a.person_id for a in seated[len(assignments) :]] == ["A1"]


@pytest.mark.parametrize("improve", [False, True], ids=["greedy", "optimised"])
def test_no_show_takes_a_free_seat_after_the_freeze_before_a_new_session(improve: bool) -> None:
    # Windows to 10 June; P1-002 (frozen) is full, P1-003 on 24 May (after the freeze)
    # has A5 and a free seat: A1 takes it, and no session is opened for A1 alone.
    instance = make_instance(capacity=2, within=3)
    schedule = publish(
        instance, session("P1-002", FROZEN, 2), session("P1-003", date(2027, 5, 24), 1)
    )
    later = no_show(instance)
    params = SolveParams(time_limit=3, workers=1, improve=improve)
    again, changes = replan(later, schedule, TODAY, 4, params)
    assert check(later, again.sessions, again.assignments, again.unscheduled) == []
    assert again.unscheduled == []
    assert {s.session_id for s in again.sessions} == {"P1-001", "P1-002", "P1-003"}
    seat = {a.person_id: a.session_id for a in again.assignments}
    assert (seat["A1"], seat["A5"]) == ("P1-003", "P1-003")
    assert [(c.change, c.person_id) for c in changes] == [("person_moved", "A1")]
    assert again.summary["trainer_half_days"] == 3


def test_a_fixed_session_of_the_instance_keeps_its_people_busy() -> None:
    # A1 is in a fixed session of another course (P0) at the frozen session's half-day:
    # the free seat of P1-002 is not A1's.
    instance = make_instance(hires=4)
    other = instance.courses[0].model_copy(update={"course_id": "P0", "name": "Före"})
    fixed = session("P0-001", FROZEN, 1).model_copy(update={"course_id": "P0", "room_id": "S"})
    busy = instance.replace(
        courses=(other, *instance.courses),
        rooms=(*instance.rooms, Room(room_id="S", capacity=4)),
        trainers=(
            *instance.trainers,
            Trainer(trainer_id="U", courses=("*",), max_half_days_per_week=10),
        ),
        fixed_sessions=(fixed.model_copy(update={"trainer_ids": ("U",)}),),
        fixed_assignments=(Assignment(person_id="A1", course_id="P0", session_id="P0-001"),),
    )
    pinned = [session("P1-001", PAST, 1), session("P1-002", FROZEN, 2)]
    assignments = [
        Assignment(person_id=pid, course_id="P1", session_id=sid)
        for pid, sid in (("A2", "P1-001"), ("A3", "P1-002"), ("A4", "P1-002"))
    ]
    _, seated = seat_in_frozen(busy, pinned, assignments, set(), TODAY, FIRST_NEW)
    assert seated == assignments
    _, seated = seat_in_frozen(instance, pinned, assignments, set(), TODAY, FIRST_NEW)
    assert [(a.person_id, a.session_id) for a in seated[len(assignments) :]] == [("A1", "P1-002")]
