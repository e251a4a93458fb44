"""The rules across an instance's tables: known ids, unique ids, no prerequisite cycle.

One set of checks, whichever way an instance is made. The reader
(:mod:`schemalaggning.io.references`) runs them on the rows it read, so every problem
names its file, row and column; :class:`schemalaggning.domain.Instance` runs them on
itself whenever one is built (by the reader, by :meth:`~schemalaggning.domain.Instance.replace`,
by the synthetic generator or by a test) and refuses one with any problem, listing
them all (:class:`InstanceError`).

The module sits below the records: it reads their fields by name and imports none of
them, so that the ``Instance`` can call it without an import cycle. Every check is one
pass over the tables (a set lookup per reference), cheap on 50 000 people.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Container, Hashable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from schemalaggning.i18n import _
from schemalaggning.problems import InputError, Problem

#: The tables an id names, with their id field, in the order duplicates are reported.
ID_FIELDS = {
    "districts": "district_id",
    "people": "person_id",
    "courses": "course_id",
    "trainers": "trainer_id",
    "rooms": "room_id",
    "fixed_sessions": "session_id",
    "electives": "request_id",
}

#: The instance's tables, as the format names them (and the ``Instance``'s fields).
TABLE_NAMES = (
    "districts",
    "people",
    "courses",
    "trainers",
    "rooms",
    "unavailability",
    "fixed_sessions",
    "fixed_assignments",
    "electives",
    "forecast",
    "attendance",
)

#: Records with where they came from (a spreadsheet row, or a position in the
#: instance); gone through more than once.
Rows = Iterable[tuple[int, Any]]


class InstanceError(InputError):
    """An instance whose tables do not fit together; the message lists every problem."""

    def __str__(self) -> str:
        lines = [
            _("the instance's tables do not fit together ({count} problem(s)):").format(
                count=len(self.errors)
            )
        ]
        lines += [f"  {problem}" for problem in self.errors]
        return "\n".join(lines)


def row_name(table: str, number: int) -> str:
    """How a problem's message names another row of a file: ``row 7``."""
    return _("row {row}").format(row=number)


def position_name(table: str, number: int) -> str:
    """How a problem's message names another record of an instance: ``people[7]``."""
    return f"{table}[{number}]"


def find_cycles(after: dict[str, tuple[str, ...]]) -> list[list[str]]:
    """Every prerequisite cycle of two or more courses (each once), as course ids in order.

    A course that lists itself is not a cycle here; it is reported on its own. Each cycle
    ends with its first course again, as in ``P1 -> T1 -> P1``.
    """
    state: dict[str, int] = {}  # 1 while on the current path, 2 when done.
    cycles: list[list[str]] = []
    seen_cycles: set[frozenset[str]] = set()
    for root in after:
        if root in state:
            continue
        # An explicit stack rather than recursion: a long chain of prerequisites must not
        # exhaust Python's recursion limit.
        path: list[str] = [root]
        stack: list[Iterator[str]] = [iter(after[root])]
        state[root] = 1
        while stack:
            before = next(stack[-1], None)
            if before is None:
                stack.pop()
                state[path.pop()] = 2
                continue
            if before not in after or before == path[-1]:
                continue
            if state.get(before) == 1:
                cycle = path[path.index(before) :]
                if frozenset(cycle) not in seen_cycles:
                    seen_cycles.add(frozenset(cycle))
                    cycles.append([*cycle, before])
            elif before not in state:
                state[before] = 1
                path.append(before)
                stack.append(iter(after[before]))
    return cycles


class _Everything:
    """The ids of a table that could not be read: every reference to it passes, since the
    table's own problem is reported already and each reference would only repeat it."""

    def __contains__(self, value: object) -> bool:
        return True


class _Checker:
    """Collects the problems of one check, located by the tables' labels."""

    def __init__(self, labels: Mapping[str, str], at: Callable[[str, int], str]) -> None:
        self.labels = labels
        self.at = at
        self.problems: list[Problem] = []
        self.seen: dict[tuple[str, Hashable], int] = {}

    def add(self, table: str, number: int, column: str, value: str, expected: str) -> None:
        """A problem in a table's row (or position) and column."""
        self.problems.append(Problem(self.labels[table], number, column, value, expected))

    def unknown(self, table: str, number: int, column: str, value: str, what: str) -> None:
        """A value that names no known id (``what``: the id's column, in words if need be)."""
        self.add(table, number, column, value, _("expected a known {what}").format(what=what))

    def once(
        self, table: str, number: int, column: str, key: Hashable, value: str, expected: str
    ) -> None:
        """Report a key the table had before; ``expected`` names the earlier row as ``{at}``."""
        earlier = self.seen.setdefault((table, key), number)
        if earlier != number:
            self.add(table, number, column, value, expected.format(at=self.at(table, earlier)))


def _repeats(keys: list[Hashable]) -> bool:
    """Whether some key comes more than once (one pass: most tables have none)."""
    return len(set(keys)) != len(keys)


def reference_problems(
    tables: Mapping[str, Rows],
    labels: Mapping[str, str],
    ids: Mapping[str, set[str] | None] | None = None,
    at: Callable[[str, int], str] = row_name,
) -> list[Problem]:
    """Every problem across the tables: unknown and repeated ids, prerequisite cycles, and
    ranges that must be in order (``min_group`` up to ``max_group``, ``from`` to ``to``).

    Parameters
    ----------
    tables
        Each table's records, each with its row (or position), by the names of
        :data:`TABLE_NAMES`; each is gone through more than once.
    labels
        What a problem names each table by: its file, or sheet.
    ids
        The ids each table holds, by table; ``None`` for a table whose ids are unknown
        (it could not be read), and references to it are then not checked. By default
        those the records hold.
    at
        How a message names another row of a table, as in "already used in row 7".

    Returns
    -------
    The problems, table by table in the format's order and row by row, each an error.
    """
    values = {
        table: [getattr(record, field) for _, record in tables[table]]
        for table, field in ID_FIELDS.items()
    }
    unique = {table: set(found) for table, found in values.items()}
    given: Mapping[str, set[str] | None] = unique if ids is None else ids
    known: dict[str, Container[str]] = {
        table: _Everything() if found is None else found for table, found in given.items()
    }
    check = _Checker(labels, at)
    for table, field in ID_FIELDS.items():
        # One set per table, also the default ids: most tables repeat no id.
        if len(unique[table]) != len(values[table]):
            for number, record in tables[table]:
                value = getattr(record, field)
                expected = _("expected a unique id (already used in {at})")
                check.once(table, number, field, value, value, expected)
    if given.get("rooms") is not None and next(iter(tables["rooms"]), None) is None:
        # Every session is held in a room: with none, nothing could be scheduled.
        check.problems.append(
            Problem(labels["rooms"], None, None, None, _("expected at least one room"))
        )
    districts, courses = known["districts"], known["courses"]
    for number, person in tables["people"]:
        if person.district_id not in districts:
            check.unknown("people", number, "district_id", person.district_id, "district_id")
        for course_id in person.done:
            if course_id not in courses:
                check.unknown("people", number, "done", course_id, "course_id")
    _check_courses(tables["courses"], courses, check)
    _check_resources(tables, known, check)
    _check_pinned(tables, known, check)
    _check_people_tables(tables, known, check)
    return check.problems


def _check_courses(rows: Rows, courses: Container[str], check: _Checker) -> None:
    """Prerequisites known and without cycles; group sizes and windows in order."""
    for number, course in rows:
        for course_id in course.after:
            if course_id != course.course_id and course_id not in courses:
                check.unknown("courses", number, "after", course_id, "course_id")
        if course.course_id in course.after:
            check.add(
                "courses",
                number,
                "after",
                course.course_id,
                _("expected other courses (a course cannot come after itself)"),
            )
        if course.min_group > course.max_group:
            expected = _("expected at most max_group ({max_group})").format(
                max_group=course.max_group
            )
            check.add("courses", number, "min_group", str(course.min_group), expected)
        if course.not_before_months > course.within_months:
            expected = _("expected at most within_months ({within_months})").format(
                within_months=course.within_months
            )
            value = str(course.not_before_months)
            check.add("courses", number, "not_before_months", value, expected)
    course_rows = {c.course_id: n for n, c in rows}
    course_after = {c.course_id: c.after for _, c in rows}
    for cycle in find_cycles(course_after):
        for course_id in cycle[:-1]:
            check.add(
                "courses",
                course_rows[course_id],
                "after",
                "|".join(course_after[course_id]),
                _("expected no prerequisite cycle (found {cycle})").format(
                    cycle=" -> ".join(cycle)
                ),
            )


def _check_resources(
    tables: Mapping[str, Rows], known: Mapping[str, Container[str]], check: _Checker
) -> None:
    """Trainers name known districts and courses; rooms and trainers do not share an id;
    unavailability names one of them, over days in order."""
    districts, courses, trainers = known["districts"], known["courses"], known["trainers"]
    for number, trainer in tables["trainers"]:
        if trainer.district_id is not None and trainer.district_id not in districts:
            what = _("district_id or an empty cell")
            check.unknown("trainers", number, "district_id", trainer.district_id, what)
        for course_id in trainer.named_courses:
            if course_id not in courses:
                check.unknown("trainers", number, "courses", course_id, _("course_id or *"))
    # A table that could not be read names nothing here: its ids are not known.
    readable = not isinstance(trainers, _Everything)
    for number, room in tables["rooms"]:
        if readable and room.room_id in trainers:
            check.add(
                "rooms",
                number,
                "room_id",
                room.room_id,
                _("expected an id not used by a trainer (unavailability names either)"),
            )
    rooms = known["rooms"]
    for number, entry in tables["unavailability"]:
        if entry.resource_id not in trainers and entry.resource_id not in rooms:
            what = _("trainer_id or room_id")
            check.unknown("unavailability", number, "resource_id", entry.resource_id, what)
        if entry.end < entry.start:
            expected = _("expected a day on or after 'from' ({day})").format(day=entry.start)
            check.add("unavailability", number, "to", entry.end.isoformat(), expected)


def _check_pinned(
    tables: Mapping[str, Rows], known: Mapping[str, Container[str]], check: _Checker
) -> None:
    """Fixed sessions name known courses, rooms and trainers and have slots; fixed
    attendances name a known person and a fixed session of the same course."""
    courses, rooms, trainers = known["courses"], known["rooms"], known["trainers"]
    table = "fixed_sessions"
    for number, session in tables[table]:
        if session.course_id not in courses:
            check.unknown(table, number, "course_id", session.course_id, "course_id")
        if session.room_id not in rooms:
            check.unknown(table, number, "room_id", session.room_id, "room_id")
        for trainer_id in session.trainer_ids:
            if trainer_id not in trainers:
                check.unknown(table, number, "trainer_ids", trainer_id, "trainer_id")
        if not session.slots:
            check.add(table, number, "slots", "", _("expected at least one slot"))
    people, sessions = known["people"], known["fixed_sessions"]
    session_course = {s.session_id: s.course_id for _, s in tables[table]}
    table = "fixed_assignments"
    for number, assignment in tables[table]:
        if assignment.person_id not in people:
            check.unknown(table, number, "person_id", assignment.person_id, "person_id")
        if assignment.course_id not in courses:
            check.unknown(table, number, "course_id", assignment.course_id, "course_id")
        if assignment.session_id not in sessions:
            what = _("session_id of fixed_sessions")
            check.unknown(table, number, "session_id", assignment.session_id, what)
        session_course_id = session_course.get(assignment.session_id)
        if session_course_id is not None and session_course_id != assignment.course_id:
            expected = _("expected the session's course ({course})").format(
                course=session_course_id
            )
            check.add(table, number, "course_id", assignment.course_id, expected)


def _check_people_tables(
    tables: Mapping[str, Rows], known: Mapping[str, Container[str]], check: _Checker
) -> None:
    """Electives name a known person over days in order; the forecast names known
    districts, each district's month once; attendance names known people, each once a
    session (its session ids are a published schedule's: a re-plan checks them)."""
    people, districts = known["people"], known["districts"]
    for number, elective in tables["electives"]:
        if elective.person_id not in people:
            check.unknown("electives", number, "person_id", elective.person_id, "person_id")
        if elective.end < elective.start:
            expected = _("expected a day on or after 'from' ({day})").format(day=elective.start)
            check.add("electives", number, "to", elective.end.isoformat(), expected)
    repeats = _repeats([(r.district_id, r.month) for _, r in tables["forecast"]])
    for number, row in tables["forecast"]:
        if row.district_id not in districts:
            check.unknown("forecast", number, "district_id", row.district_id, "district_id")
        if repeats:
            expected = _("expected each district's month once (already in {at})")
            key = (row.district_id, row.month)
            check.once("forecast", number, "month", key, row.month, expected)
    repeats = _repeats([(r.session_id, r.person_id) for _, r in tables["attendance"]])
    for number, row in tables["attendance"]:
        if row.person_id not in people:
            check.unknown("attendance", number, "person_id", row.person_id, "person_id")
        if repeats:
            expected = _("expected each person once per session (already in {at})")
            key = (row.session_id, row.person_id)
            check.once("attendance", number, "person_id", key, row.person_id, expected)


class _Positions:
    """An instance's records with their positions, gone through as often as needed."""

    def __init__(self, records: Sequence[Any]) -> None:
        self.records = records

    def __iter__(self) -> Iterator[tuple[int, Any]]:
        return enumerate(self.records)


def instance_problems(tables: Mapping[str, Sequence[Any]]) -> list[Problem]:
    """The problems of an instance built in code, each named by table and position.

    Parameters
    ----------
    tables
        The instance's records, by the names of :data:`TABLE_NAMES`.

    Returns
    -------
    The problems, each named like ``people[3]``: the fourth record of ``people``.
    """
    rows = {table: _Positions(tables[table]) for table in TABLE_NAMES}
    found = reference_problems(rows, {t: t for t in TABLE_NAMES}, at=position_name)
    return [
        dataclasses.replace(p, file=f"{p.file}[{p.row}]", row=None) if p.row is not None else p
        for p in found
    ]
