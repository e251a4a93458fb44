"""The changes of a re-plan in words: names, dates and why in Swedish, each change once."""

from __future__ import annotations

from datetime import date

from schemalaggning.domain import (
    Assignment,
    Course,
    District,
    Instance,
    Person,
    Room,
    Session,
    Settings,
    Slot,
    Trainer,
)
from schemalaggning.month.changes import Change, in_words, invitations


def session(sid: str, day: date, trainer: str = "T1") -> Session:
    return Session(
        session_id=sid,
        course_id="P1",
        room_id="R",
        trainer_ids=(trainer,),
        slots=(Slot.parse(f"{day.isoformat()}/AM"),),
        participants=1,
    )


INSTANCE = Instance(
    settings=Settings(horizon_start=date(2027, 3, 1), horizon_end=date(2027, 9, 30)),
    districts=(District(district_id="A", max_absent=9),),
    people=(
        Person(
            person_id="P",
            name="Per Ek",
            district_id="A",
            start_date=date(2027, 1, 4),
            required=True,
        ),
        Person(
            person_id="N",
            name="Sara Nyström",
            district_id="A",
            start_date=date(2027, 3, 15),
            required=True,
        ),
    ),
    courses=(
        Course(
            course_id="P1",
            name="Del 1",
            part="1",
            half_days=1,
            min_group=1,
            max_group=2,
            trainers=1,
            within_months=4,
        ),
    ),
    trainers=(
        Trainer(trainer_id="T1", name="Anna Persson", courses=("*",), max_half_days_per_week=9),
        Trainer(trainer_id="T2", name="Bo Berg", courses=("*",), max_half_days_per_week=9),
    ),
    rooms=(Room(room_id="R", capacity=9),),
)
S1, S2 = session("S1", date(2027, 3, 12)), session("S2", date(2027, 4, 9))
PUBLISHED = [Assignment(person_id="P", course_id="P1", session_id="S1")]


def test_a_cancelled_session_names_the_trainer_on_leave() -> None:
    changes = [
        Change("session_cancelled", "S1", "P1", before="x", after="T1", why="unavailable"),
        Change("person_moved", "S2", "P1", "P", before="S1", after="S2"),
    ]
    words = in_words(INSTANCE, [S1, S2], PUBLISHED, [S2], changes, {}, {})
    assert words[0].why == (
        "passet 12 mars 2027 ställdes in: Anna Persson är ledig och ingen annan behörig "
        "utbildare är ledig då"
    )
    moved = words[1]
    assert (moved.name, moved.course, moved.before_date, moved.after_date) == (
        "Per Ek",
        "Del 1",
        "2027-03-12",
        "2027-04-09",
    )
    assert moved.why.startswith("passet 12 mars 2027 ställdes in: Anna Persson är ledig")


def test_a_move_to_make_room_for_a_new_hire_names_the_hire() -> None:
    changes = [
        Change("person_moved", "S2", "P1", "P", before="S1", after="S2"),
        Change("person_added", "S1", "P1", "N", after="S1"),
    ]
    words = in_words(INSTANCE, [S1, S2], PUBLISHED, [S1, S2], changes, {}, {})
    assert words[0].why == "för att ge plats åt den nyanställda Sara Nyström"
    assert words[1].why == "nyanställd, börjar 15 mars 2027"
    assert invitations(words, [S1, S2]) == {"new": 2, "updated": 0, "cancelled": 1}


def test_a_trainer_swap_is_listed_once() -> None:
    changes = [
        Change("trainer_changed", "S1", "P1", before="T1", after="T2", why="T1 is unavailable"),
        Change("trainer_changed", "S1", "P1", before="T1", after="T2", why="re-planned"),
    ]
    words = in_words(
        INSTANCE, [S1], PUBLISHED, [session("S1", date(2027, 3, 12), "T2")], changes, {}, {}
    )
    assert [c.change for c in words] == ["trainer_changed"]
    assert words[0].why == "Anna Persson kan inte passet 12 mars 2027; Bo Berg håller det"
