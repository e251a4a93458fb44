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


def test_a_person_taken_out_says_why_in_words_never_the_code_s_phrase() -> None:
    # Per leaves S1 with no unmet reason (a seat that was not due: the new plan does not
    # give it again); with an unmet reason, its words after the rule's name.
    from english import english_words
    from schemalaggning.i18n import use_language
    from schemalaggning.io.schedule import Schedule
    from schemalaggning.month.changes import NOT_PLANNED, compare

    published = Schedule(sessions=[(2, S1)], assignments=[(2, PUBLISHED[0])])
    (spare,) = compare(published, [S1], [], [])
    assert (spare.change, spare.why) == ("person_removed", NOT_PLANNED)
    unmet = Change(
        "person_removed",
        "S1",
        "P1",
        "P",
        before="S1",
        why="window: tidsfönstret för Del 1 stängde 1 mars 2027, före i dag",
    )
    words = in_words(INSTANCE, [S1], PUBLISHED, [S1], [spare, unmet], {}, {})
    assert words[0].name == "Per Ek"
    assert words[0].why == (
        "hade en extra plats utan att behöva kursen nu; den nya planen ger inte platsen igen"
    )
    assert (
        words[1].why == "kan inte planeras: tidsfönstret för Del 1 stängde 1 mars 2027, före i dag"
    )
    assert all(english_words(w.why) == [] for w in words)
    with use_language("en"):
        english = in_words(INSTANCE, [S1], PUBLISHED, [S1], [spare], {}, {})
    assert english[0].why.startswith("had a spare seat without being due for the course")
