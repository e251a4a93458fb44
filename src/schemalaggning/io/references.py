"""The reader's checks across tables: unknown ids, duplicates, prerequisite cycles,
and the warnings a coordinator should see (capacity, clashes, missing addresses).

Every problem is located by file (or sheet), row and column, like the problems of the
cells themselves.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from schemalaggning.domain import (
    ALL_COURSES,
    Assignment,
    Course,
    District,
    Elective,
    Forecast,
    Person,
    Room,
    Session,
    SessionAttendance,
    Settings,
    Trainer,
    Unavailability,
)
from schemalaggning.io.specs import TABLE_BY_NAME, TABLES
from schemalaggning.problems import Problem, Severity


def _check_duplicates(
    label: str, column: str, rows: Iterable[tuple[int, Any]], problems: list[Problem]
) -> None:
    seen: dict[str, int] = {}
    for number, record in rows:
        value = getattr(record, column)
        if value in seen:
            problems.append(
                Problem(
                    label,
                    number,
                    column,
                    value,
                    f"expected a unique id (already used in row {seen[value]})",
                )
            )
        else:
            seen[value] = number


def _check_known(
    label: str,
    number: int,
    column: str,
    values: Iterable[str],
    known: set[str] | None,
    what: str,
    problems: list[Problem],
) -> None:
    """Report every value that is not a known id; ``known=None`` means the ids are unknown."""
    # When the referenced table could not be read its problem is reported already, and
    # every reference to it would only repeat that problem.
    if known is None:
        return
    for value in values:
        if value not in known:
            problems.append(Problem(label, number, column, value, f"expected a known {what}"))


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


@dataclass
class Parsed:
    """Records with the rows they came from, before they become an Instance.

    ``known`` holds, by table, every id its rows hold as written (also rows with a bad
    cell elsewhere), or ``None`` for a table that could not be read; ``complete`` names
    the tables read without a problem, whose records are all there.
    """

    labels: dict[str, str]
    districts: list[tuple[int, District]]
    people: list[tuple[int, Person]]
    courses: list[tuple[int, Course]]
    trainers: list[tuple[int, Trainer]]
    rooms: list[tuple[int, Room]]
    unavailability: list[tuple[int, Unavailability]]
    fixed_sessions: list[tuple[int, Session]]
    fixed_assignments: list[tuple[int, Assignment]]
    electives: list[tuple[int, Elective]]
    forecast: list[tuple[int, Forecast]]
    attendance: list[tuple[int, SessionAttendance]]
    known: dict[str, set[str] | None] = field(default_factory=dict)
    complete: set[str] = field(default_factory=set)

    def ids(self, table: str) -> set[str] | None:
        """The ids of a table, from ``known`` or else from its records."""
        if table in self.known:
            return self.known[table]
        spec = TABLE_BY_NAME[table]
        assert spec.id_column is not None
        return {getattr(record, spec.id_column) for _, record in getattr(self, table)}


def check_references(parsed: Parsed, settings: Settings | None, problems: list[Problem]) -> None:
    """Check every cross-reference between the tables (unknown ids, cycles, duplicates)."""
    label = parsed.labels
    for spec in TABLES:
        if spec.id_column:
            _check_duplicates(
                label[spec.name], spec.id_column, getattr(parsed, spec.name), problems
            )
    districts = parsed.ids("districts")
    courses = parsed.ids("courses")
    trainers = parsed.ids("trainers")
    rooms = parsed.ids("rooms")
    people = parsed.ids("people")
    sessions = parsed.ids("fixed_sessions")

    for number, person in parsed.people:
        lab = label["people"]
        _check_known(
            lab, number, "district_id", [person.district_id], districts, "district_id", problems
        )
        _check_known(lab, number, "done", person.done, courses, "course_id", problems)
    for number, course in parsed.courses:
        lab = label["courses"]
        _check_known(
            lab,
            number,
            "after",
            [c for c in course.after if c != course.course_id],
            courses,
            "course_id",
            problems,
        )
        if course.course_id in course.after:
            problems.append(
                Problem(
                    lab,
                    number,
                    "after",
                    course.course_id,
                    "expected other courses (a course cannot come after itself)",
                )
            )
        if course.min_group > course.max_group:
            problems.append(
                Problem(
                    lab,
                    number,
                    "min_group",
                    str(course.min_group),
                    f"expected at most max_group ({course.max_group})",
                )
            )
        if course.not_before_months > course.within_months:
            problems.append(
                Problem(
                    lab,
                    number,
                    "not_before_months",
                    str(course.not_before_months),
                    f"expected at most within_months ({course.within_months})",
                )
            )
    course_rows = {c.course_id: n for n, c in parsed.courses}
    course_after = {c.course_id: c.after for _, c in parsed.courses}
    for cycle in find_cycles(course_after):
        for course_id in cycle[:-1]:
            problems.append(
                Problem(
                    label["courses"],
                    course_rows[course_id],
                    "after",
                    "|".join(course_after[course_id]),
                    f"expected no prerequisite cycle (found {' -> '.join(cycle)})",
                )
            )
    for number, trainer in parsed.trainers:
        lab = label["trainers"]
        if trainer.district_id is not None:
            _check_known(
                lab,
                number,
                "district_id",
                [trainer.district_id],
                districts,
                "district_id or an empty cell",
                problems,
            )
        _check_known(
            lab,
            number,
            "courses",
            [c for c in trainer.courses if c != ALL_COURSES],
            courses,
            "course_id or *",
            problems,
        )
    for number, room in parsed.rooms:
        if trainers is not None and room.room_id in trainers:
            problems.append(
                Problem(
                    label["rooms"],
                    number,
                    "room_id",
                    room.room_id,
                    "expected an id not used by a trainer (unavailability names either)",
                )
            )
    resources = None if trainers is None or rooms is None else trainers | rooms
    for number, entry in parsed.unavailability:
        lab = label["unavailability"]
        _check_known(
            lab,
            number,
            "resource_id",
            [entry.resource_id],
            resources,
            "trainer_id or room_id",
            problems,
        )
        if entry.end < entry.start:
            problems.append(
                Problem(
                    lab,
                    number,
                    "to",
                    entry.end.isoformat(),
                    f"expected a day on or after 'from' ({entry.start})",
                )
            )
    session_course = {s.session_id: s.course_id for _, s in parsed.fixed_sessions}
    for number, session in parsed.fixed_sessions:
        lab = label["fixed_sessions"]
        _check_known(lab, number, "course_id", [session.course_id], courses, "course_id", problems)
        _check_known(lab, number, "room_id", [session.room_id], rooms, "room_id", problems)
        _check_known(
            lab, number, "trainer_ids", session.trainer_ids, trainers, "trainer_id", problems
        )
        if not session.slots:
            problems.append(Problem(lab, number, "slots", "", "expected at least one slot"))
    for number, assignment in parsed.fixed_assignments:
        lab = label["fixed_assignments"]
        _check_known(
            lab, number, "person_id", [assignment.person_id], people, "person_id", problems
        )
        _check_known(
            lab, number, "course_id", [assignment.course_id], courses, "course_id", problems
        )
        _check_known(
            lab,
            number,
            "session_id",
            [assignment.session_id],
            sessions,
            "session_id of fixed_sessions",
            problems,
        )
        session_course_id = session_course.get(assignment.session_id)
        if session_course_id is not None and session_course_id != assignment.course_id:
            problems.append(
                Problem(
                    lab,
                    number,
                    "course_id",
                    assignment.course_id,
                    f"expected the session's course ({session_course_id})",
                )
            )
    for number, elective in parsed.electives:
        lab = label["electives"]
        _check_known(lab, number, "person_id", [elective.person_id], people, "person_id", problems)
        if elective.end < elective.start:
            problems.append(
                Problem(
                    lab,
                    number,
                    "to",
                    elective.end.isoformat(),
                    f"expected a day on or after 'from' ({elective.start})",
                )
            )
    _check_forecast(parsed, districts, problems)
    _check_attendance(parsed, people, problems)
    _warn_elective_clashes(parsed, problems)
    _warn_capacity(parsed, problems)


def _check_forecast(parsed: Parsed, districts: set[str] | None, problems: list[Problem]) -> None:
    """Each forecast row names a known district, and each district's month only once."""
    lab = parsed.labels["forecast"]
    seen: dict[tuple[str, str], int] = {}
    for number, row in parsed.forecast:
        _check_known(
            lab, number, "district_id", [row.district_id], districts, "district_id", problems
        )
        key = (row.district_id, row.month)
        if key in seen:
            problems.append(
                Problem(
                    lab,
                    number,
                    "month",
                    row.month,
                    f"expected each district's month once (already in row {seen[key]})",
                )
            )
        else:
            seen[key] = number


def _check_attendance(parsed: Parsed, people: set[str] | None, problems: list[Problem]) -> None:
    """Each attendance row names a known person, and each person's session only once.

    Session ids are those of a published schedule: a re-plan checks them against it.
    """
    lab = parsed.labels["attendance"]
    seen: dict[tuple[str, str], int] = {}
    for number, row in parsed.attendance:
        _check_known(lab, number, "person_id", [row.person_id], people, "person_id", problems)
        key = (row.session_id, row.person_id)
        if key in seen:
            problems.append(
                Problem(
                    lab,
                    number,
                    "person_id",
                    row.person_id,
                    f"expected each person once per session (already in row {seen[key]})",
                )
            )
        else:
            seen[key] = number


def _warn_elective_clashes(parsed: Parsed, problems: list[Problem]) -> None:
    """Warn about an approved elective during a pinned session of the same person."""
    pinned: dict[str, list[Session]] = {}
    sessions = {s.session_id: s for _, s in parsed.fixed_sessions}
    for _, a in parsed.fixed_assignments:
        if a.session_id in sessions:
            pinned.setdefault(a.person_id, []).append(sessions[a.session_id])
    for number, elective in parsed.electives:
        if not elective.approved:
            continue
        for session in pinned.get(elective.person_id, []):
            if any(elective.covers(slot) for slot in session.slots):
                problems.append(
                    Problem(
                        parsed.labels["electives"],
                        number,
                        "from",
                        elective.start.isoformat(),
                        f"the person is pinned in fixed session {session.session_id} then; "
                        "the checker reports it as elective_away",
                        Severity.WARNING,
                    )
                )


def _warn_capacity(parsed: Parsed, problems: list[Problem]) -> None:
    """Warn about courses that no session could ever be held for (not errors: reported later)."""
    # A count over a table with rows left out (or no table at all) would be wrong, and its
    # errors are reported already.
    label = parsed.labels["courses"]
    largest_room = max((r.capacity for _, r in parsed.rooms), default=0)
    for number, course in parsed.courses:
        qualified = sum(1 for _, t in parsed.trainers if t.qualified(course.course_id))
        if "trainers" in parsed.complete and qualified < course.trainers:
            problems.append(
                Problem(
                    label,
                    number,
                    "trainers",
                    str(course.trainers),
                    f"only {qualified} trainer(s) are qualified: no session can be held",
                    Severity.WARNING,
                )
            )
        if "rooms" in parsed.complete and parsed.rooms and course.min_group > largest_room:
            # An error when someone must attend the course: no schedule could ever meet it.
            needed = any(
                person.required and course.course_id not in person.done
                for _, person in parsed.people
            )
            problems.append(
                Problem(
                    label,
                    number,
                    "min_group",
                    str(course.min_group),
                    f"expected a room that seats at least min_group: the largest room "
                    f"seats {largest_room}, so no session can be held",
                    Severity.ERROR if needed else Severity.WARNING,
                )
            )
    _warn_missing_email(parsed, problems)


def _warn_missing_email(parsed: Parsed, problems: list[Problem]) -> None:
    """Warn about each required person and trainer without an e-mail address.

    An empty address is allowed (the invitation is then handed over another way), but
    the coordinator should know who gets nothing in their inbox.
    """
    for number, person in parsed.people:
        if person.required and not person.email:
            problems.append(
                Problem(
                    parsed.labels["people"],
                    number,
                    "email",
                    "",
                    "no e-mail address: this person gets no invitations",
                    Severity.WARNING,
                )
            )
    for number, trainer in parsed.trainers:
        if not trainer.email:
            problems.append(
                Problem(
                    parsed.labels["trainers"],
                    number,
                    "email",
                    "",
                    "no e-mail address: this trainer gets no invitations",
                    Severity.WARNING,
                )
            )
