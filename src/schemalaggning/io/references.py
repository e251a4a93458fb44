"""The reader's checks across tables: unknown ids, duplicates, prerequisite cycles,
and the warnings a coordinator should see (capacity, clashes, missing addresses).

Every problem is located by file (or sheet), row and column, like the problems of the
cells themselves. The errors are the rules of :mod:`schemalaggning.references`, which an
``Instance`` built in code keeps too; the warnings are the reader's own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from schemalaggning.domain import (
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
from schemalaggning.i18n import _
from schemalaggning.io.specs import TABLE_BY_NAME
from schemalaggning.problems import Problem, Severity
from schemalaggning.references import ID_FIELDS, TABLE_NAMES, reference_problems


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
        return {getattr(record, spec.id_column) for _row, record in getattr(self, table)}


def check_references(parsed: Parsed, settings: Settings | None, problems: list[Problem]) -> None:
    """Check every cross-reference between the tables (unknown ids, cycles, duplicates),
    then add the warnings; every problem is located by file, row and column.

    The errors are those an :class:`~schemalaggning.domain.Instance` refuses whichever
    way it is built (:func:`schemalaggning.references.reference_problems`); only the
    ids are the reader's own, taken also from rows with a bad cell (see :class:`Parsed`).
    """
    tables = {name: getattr(parsed, name) for name in TABLE_NAMES}
    ids = {table: parsed.ids(table) for table in ID_FIELDS}
    problems += reference_problems(tables, parsed.labels, ids)
    _warn_elective_clashes(parsed, problems)
    _warn_capacity(parsed, problems)


def _warn_elective_clashes(parsed: Parsed, problems: list[Problem]) -> None:
    """Warn about an approved elective during a pinned session of the same person."""
    pinned: dict[str, list[Session]] = {}
    sessions = {s.session_id: s for _row, s in parsed.fixed_sessions}
    for _row, a in parsed.fixed_assignments:
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
                        _(
                            "the person is pinned in fixed session {session} then; the "
                            "checker reports it as elective_away"
                        ).format(session=session.session_id),
                        Severity.WARNING,
                    )
                )


def _warn_capacity(parsed: Parsed, problems: list[Problem]) -> None:
    """Warn about courses that no session could ever be held for (not errors: reported later)."""
    # A count over a table with rows left out (or no table at all) would be wrong, and its
    # errors are reported already.
    label = parsed.labels["courses"]
    largest_room = max((r.capacity for _row, r in parsed.rooms), default=0)
    for number, course in parsed.courses:
        qualified = sum(1 for _row, t in parsed.trainers if t.qualified(course.course_id))
        if "trainers" in parsed.complete and qualified < course.trainers:
            problems.append(
                Problem(
                    label,
                    number,
                    "trainers",
                    str(course.trainers),
                    _("only {qualified} trainer(s) are qualified: no session can be held").format(
                        qualified=qualified
                    ),
                    Severity.WARNING,
                )
            )
        if "rooms" in parsed.complete and parsed.rooms and course.min_group > largest_room:
            # An error when someone must attend the course: no schedule could ever meet it.
            needed = any(
                person.required and course.course_id not in person.done
                for _row, person in parsed.people
            )
            problems.append(
                Problem(
                    label,
                    number,
                    "min_group",
                    str(course.min_group),
                    _(
                        "expected a room that seats at least min_group: the largest room "
                        "seats {largest}, so no session can be held"
                    ).format(largest=largest_room),
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
                    _("no e-mail address: this person gets no invitations"),
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
                    _("no e-mail address: this trainer gets no invitations"),
                    Severity.WARNING,
                )
            )
