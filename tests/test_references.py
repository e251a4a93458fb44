"""The rules across an instance's tables (:mod:`schemalaggning.references`).

The same rules hold however an instance is made: the reader reports them located by
file, row and column (``test_io.py`` covers that over broken files); an ``Instance``
built in code, copied with ``replace`` or ``model_copy``, is refused with every problem
listed.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from schemalaggning.domain import (
    Assignment,
    Course,
    District,
    Forecast,
    Instance,
    Person,
    Room,
    Session,
    SessionAttendance,
    Settings,
    Slot,
    Trainer,
)
from schemalaggning.generate import PRESETS, generate_instance
from schemalaggning.i18n import LANGUAGE_VARIABLE
from schemalaggning.io import read_instance
from schemalaggning.io.specs import TABLES
from schemalaggning.problems import InputError, Problem
from schemalaggning.references import (
    ID_FIELDS,
    TABLE_NAMES,
    InstanceError,
    find_cycles,
    reference_problems,
)

MONDAY = date(2027, 1, 11)


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests read the English words of the messages (the message ids); the Swedish
    are tested in ``tests/test_terminal_words.py``."""
    monkeypatch.setenv(LANGUAGE_VARIABLE, "en")


def course(course_id: str, after: tuple[str, ...] = (), min_group: int = 1) -> Course:
    return Course(
        course_id=course_id,
        half_days=1,
        min_group=min_group,
        max_group=10,
        trainers=1,
        within_months=6,
        after=after,
    )


def person(person_id: str, district_id: str = "A", done: tuple[str, ...] = ()) -> Person:
    return Person(
        person_id=person_id,
        district_id=district_id,
        start_date=MONDAY,
        required=True,
        done=done,
    )


def base() -> Instance:
    """Two courses (P2 after P1), one district, one person, one trainer, one room."""
    return Instance(
        settings=Settings(horizon_start=MONDAY, horizon_end=date(2027, 12, 31)),
        districts=(District(district_id="A", max_absent=2),),
        people=(person("P-1"),),
        courses=(course("P1"), course("P2", after=("P1",))),
        trainers=(
            Trainer(trainer_id="T1", district_id="A", courses=("*",), max_half_days_per_week=4),
        ),
        rooms=(Room(room_id="R1", capacity=10),),
    )


def test_a_sound_instance_is_built() -> None:
    instance = base()
    assert [c.course_id for c in instance.courses] == ["P1", "P2"]
    # A copy without changes is the same instance.
    assert instance.replace() == instance


def test_an_instance_built_in_code_with_unknown_references_lists_every_problem() -> None:
    good = base()
    with pytest.raises(InstanceError) as raised:
        Instance(
            settings=good.settings,
            districts=good.districts,
            people=(person("P-1", district_id="X"), person("P-2", done=("Q9",))),
            courses=good.courses,
            trainers=(
                Trainer(
                    trainer_id="T1",
                    district_id="Y",
                    courses=("P1", "Z1"),
                    max_half_days_per_week=4,
                ),
            ),
            rooms=good.rooms,
            fixed_sessions=(
                Session(
                    session_id="S1",
                    course_id="P1",
                    room_id="R1",
                    trainer_ids=("T9",),
                    slots=(Slot.parse("2027-01-11/AM"),),
                ),
            ),
        )
    found = [(p.file, p.column, p.value, p.expected) for p in raised.value.problems]
    assert found == [
        ("people[0]", "district_id", "X", "expected a known district_id"),
        ("people[1]", "done", "Q9", "expected a known course_id"),
        ("trainers[0]", "district_id", "Y", "expected a known district_id or an empty cell"),
        ("trainers[0]", "courses", "Z1", "expected a known course_id or *"),
        ("fixed_sessions[0]", "trainer_ids", "T9", "expected a known trainer_id"),
    ]
    # The message lists them all, so a traceback says what to mend.
    message = str(raised.value)
    assert "5 problem(s)" in message
    for text in ("people[0], column district_id: 'X'", "'Q9'", "'Y'", "'Z1'", "'T9'"):
        assert text in message
    # The command line reports it as bad input, like the reader's problems.
    assert isinstance(raised.value, InputError)


def test_replace_and_model_copy_check_the_copy() -> None:
    instance = base()
    stray = (*instance.people, person("P-2", district_id="Nowhere"))
    with pytest.raises(InstanceError, match=r"people\[1\], column district_id: 'Nowhere'"):
        instance.replace(people=stray)
    with pytest.raises(InstanceError, match=r"people\[1\], column district_id: 'Nowhere'"):
        instance.model_copy(update={"people": stray})
    # A copy through model_copy gets lookups of its own, not the original's.
    more = instance.model_copy(update={"people": (*instance.people, person("P-2"))})
    assert set(instance.person_by_id) == {"P-1"}
    assert set(more.person_by_id) == {"P-1", "P-2"}


def test_repeated_ids_cycles_and_pinned_attendances_are_refused() -> None:
    instance = base()
    looped = (course("P1", after=("P2",)), course("P2", after=("P1",)))
    session = Session(
        session_id="S1",
        course_id="P1",
        room_id="R1",
        trainer_ids=("T1",),
        slots=(Slot.parse("2027-01-11/AM"),),
    )
    with pytest.raises(InstanceError) as raised:
        instance.replace(
            people=(person("P-1"), person("P-1")),
            courses=looped,
            fixed_sessions=(session,),
            fixed_assignments=(
                Assignment(person_id="P-1", course_id="P2", session_id="S1"),
                Assignment(person_id="P-1", course_id="P1", session_id="S2"),
            ),
            forecast=(
                Forecast(district_id="A", month="2027-03", hires=1),
                Forecast(district_id="A", month="2027-03", hires=2),
            ),
            attendance=(SessionAttendance(session_id="S0", person_id="P-9", attended=True),),
        )
    found = [(p.file, p.column, p.expected) for p in raised.value.problems]
    assert found == [
        ("people[1]", "person_id", "expected a unique id (already used in people[0])"),
        ("courses[0]", "after", "expected no prerequisite cycle (found P1 -> P2 -> P1)"),
        ("courses[1]", "after", "expected no prerequisite cycle (found P1 -> P2 -> P1)"),
        ("fixed_assignments[0]", "course_id", "expected the session's course (P1)"),
        ("fixed_assignments[1]", "session_id", "expected a known session_id of fixed_sessions"),
        ("forecast[1]", "month", "expected each district's month once (already in forecast[0])"),
        ("attendance[0]", "person_id", "expected a known person_id"),
    ]


def test_the_reader_locates_the_same_problems_by_file_and_row() -> None:
    """The reader's labels and rows, and a table it could not read (ids ``None``), whose
    references are not reported again."""
    tables: dict[str, list[tuple[int, object]]] = {name: [] for name in TABLE_NAMES}
    tables["people"] = [(2, person("P-1", district_id="X", done=("Q9",)))]
    tables["districts"] = [(2, District(district_id="A", max_absent=1))]
    tables["rooms"] = [(2, Room(room_id="R1", capacity=10))]
    labels = {name: f"{name}.csv" for name in TABLE_NAMES}
    ids: dict[str, set[str] | None] = {table: set() for table in ID_FIELDS}
    ids["districts"] = {"A"}
    ids["rooms"] = {"R1"}
    found = reference_problems(tables, labels, ids)
    assert found == [
        Problem("people.csv", 2, "district_id", "X", "expected a known district_id"),
        Problem("people.csv", 2, "done", "Q9", "expected a known course_id"),
    ]
    ids["courses"] = None
    assert [p.column for p in reference_problems(tables, labels, ids)] == ["district_id"]


def test_find_cycles_names_each_cycle_once_in_order() -> None:
    after: dict[str, tuple[str, ...]] = {"A": ("B",), "B": ("C",), "C": ("A",), "D": ("D",)}
    after["E"] = ("A",)
    # D after itself is reported on its own, not as a cycle; E only leads into one.
    assert find_cycles(after) == [["A", "B", "C", "A"]]


def test_the_rules_cover_every_table_of_the_format_and_the_instance() -> None:
    assert tuple(spec.name for spec in TABLES) == TABLE_NAMES
    assert {spec.name: spec.id_column for spec in TABLES if spec.id_column} == ID_FIELDS
    assert set(TABLE_NAMES) < set(Instance.model_fields)


def test_a_generated_instance_keeps_the_rules() -> None:
    instance = generate_instance(PRESETS["goteborg"])
    assert len(instance.people) > 500
    assert instance.replace() == instance


def test_an_instance_without_rooms_is_refused() -> None:
    # Every session is held in a room: with none, nothing could be scheduled (the reader
    # used to accept it, and the solve then listed every due attendance as unmet).
    with pytest.raises(InstanceError, match="expected at least one room"):
        base().replace(rooms=(), unavailability=())


def test_the_reader_names_a_rooms_file_without_rooms(tmp_path: Path) -> None:
    folder = tmp_path / "instance"
    shutil.copytree(Path(__file__).parent / "data" / "example" / "instance", folder)
    rooms = folder / "rooms.csv"
    rooms.write_text(rooms.read_text(encoding="utf-8-sig").splitlines()[0] + "\n", "utf-8")
    with pytest.raises(InputError) as raised:
        read_instance(folder)
    assert any(
        (p.file, p.row, p.expected) == ("rooms.csv", None, "expected at least one room")
        for p in raised.value.problems
    )
