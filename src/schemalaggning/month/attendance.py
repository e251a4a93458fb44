"""Who really came (``attendance.csv``), applied to a published schedule before re-planning.

A published session that started before today counts as attended by its participants
unless a row says ``no``; a ``no`` takes the person out of it (the course is not done,
and is planned again while its window allows), and a ``yes`` for someone not assigned
(they came anyway) puts them in it (the course is done, and a later seat of theirs in
the same course is given up). The re-planned schedule's past sessions thus list who
attended.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from schemalaggning.domain import Assignment, Instance, Session, Unscheduled
from schemalaggning.i18n import _
from schemalaggning.io.schedule import Schedule
from schemalaggning.problems import InputError, Problem
from schemalaggning.rules import TIME_LIMIT, Rule
from schemalaggning.swedish import long_date

ATTENDANCE_FILE = "attendance.csv"


@dataclass
class Attended:
    """The published schedule as it happened, and what changed against it."""

    schedule: Schedule
    #: (person, course) -> the session they did not come to.
    missed: dict[tuple[str, str], Session] = field(default_factory=dict)
    #: (person, course) -> the session they came to without a seat.
    walk_ins: dict[tuple[str, str], Session] = field(default_factory=dict)
    #: (person, course) -> a session they did not come to, taken out of it by an earlier
    #: re-plan (the sign-in row is kept, the seat is gone): named again if still unmet.
    missed_before: dict[tuple[str, str], Session] = field(default_factory=dict)

    def missed_sessions(self) -> dict[tuple[str, str], Session]:
        """Every session missed by a person who has not done the course since: this
        re-plan's no-shows and the earlier ones (the latest session for each)."""
        return {**self.missed_before, **self.missed}


def check_attendance(instance: Instance, published: Schedule) -> None:
    """Every row names a session of the published schedule.

    Raises
    ------
    InputError
        With every row whose session is unknown, by its row.
    """
    known = {s.session_id for _, s in published.sessions}
    problems = [
        Problem(
            ATTENDANCE_FILE,
            row.row or None,
            "session_id",
            row.session_id,
            "expected a session_id of the published schedule",
        )
        for row in instance.attendance
        if row.session_id not in known
    ]
    if problems:
        raise InputError(problems)


def walk_ins_of(
    instance: Instance,
    sessions: dict[str, Session],
    past: set[str],
    seated: set[tuple[str, str]],
    result: Attended,
) -> list[Assignment]:
    """The assignments of the people who came to a past session without a seat in it
    (noted in ``result.walk_ins``)."""
    walk_ins: list[Assignment] = []
    for row in instance.attendance:
        session = sessions[row.session_id]
        if (
            row.session_id in past
            and row.attended
            and (row.person_id, row.session_id) not in seated
        ):
            walk_ins.append(
                Assignment(
                    person_id=row.person_id, course_id=session.course_id, session_id=row.session_id
                )
            )
            result.walk_ins[row.person_id, session.course_id] = session
    return walk_ins


def note_missed_before(
    instance: Instance,
    sessions: dict[str, Session],
    past: set[str],
    seated: set[tuple[str, str]],
    result: Attended,
) -> None:
    """Note in ``result.missed_before`` the past sessions people did not come to and
    hold no seat in (taken out by an earlier re-plan), the latest for each course."""
    for row in sorted(instance.attendance, key=lambda r: sessions[r.session_id].slots):
        session = sessions[row.session_id]
        gone = (row.person_id, row.session_id) not in seated
        if row.session_id in past and not row.attended and gone:
            result.missed_before[row.person_id, session.course_id] = session


def seats_as_attended(
    instance: Instance,
    published: Schedule,
    sessions: dict[str, Session],
    past: set[str],
    came: set[tuple[str, str]],
    result: Attended,
) -> list[tuple[int, Assignment]]:
    """The published assignments (by row) less the past seats of no-shows (noted in
    ``result.missed``) and the later seats of courses done by walking in."""
    said = {(r.session_id, r.person_id): r.attended for r in instance.attendance}
    assignments: list[tuple[int, Assignment]] = []
    for number, a in published.assignments:
        if a.session_id in past and said.get((a.session_id, a.person_id)) is False:
            result.missed[a.person_id, a.course_id] = sessions[a.session_id]
            continue
        if (a.person_id, a.course_id) in came and a.session_id not in past:
            continue  # Done by coming to an earlier session: this seat is given up.
        assignments.append((number, a))
    return assignments


def apply_attendance(instance: Instance, published: Schedule, today: date) -> Attended:
    """The published schedule with the sessions before ``today`` as they happened."""
    if not instance.attendance:
        return Attended(published)
    check_attendance(instance, published)
    sessions = {s.session_id: s for _, s in published.sessions}
    past = {sid for sid, s in sessions.items() if s.slots and s.slots[0].day < today}
    result = Attended(Schedule())
    seated = {(a.person_id, a.session_id) for _, a in published.assignments}
    walk_ins = walk_ins_of(instance, sessions, past, seated, result)
    came = {(a.person_id, a.course_id) for a in walk_ins}
    note_missed_before(instance, sessions, past, seated, result)
    assignments = seats_as_attended(instance, published, sessions, past, came, result)
    assignments += [(0, a) for a in walk_ins]
    result.schedule = Schedule(
        sessions=list(published.sessions),
        assignments=assignments,
        unscheduled=list(published.unscheduled),
        summary=dict(published.summary),
    )
    return result


def name_missed(
    instance: Instance,
    unscheduled: list[Unscheduled],
    missed: dict[tuple[str, str], Session],
    today: date | None = None,
) -> list[Unscheduled]:
    """The reasons of the due attendances left unmet after a no-show, said as they are:
    the person did not come to the course on the missed session's day; then why it cannot
    be planned again (the window closed before ``today``, or the plan's own reason)."""
    named = []
    for u in unscheduled:
        session = missed.get((u.person_id, u.course_id))
        if session is not None:
            u = u.model_copy(update={"reason": missed_reason(instance, u, session, today)})
        named.append(u)
    return named


def missed_reason(
    instance: Instance, unmet: Unscheduled, session: Session, today: date | None
) -> str:
    """The reason of an attendance unmet after its person did not come to ``session``,
    starting with the rule's name as every reason does."""
    course = instance.course_by_id.get(unmet.course_id)
    person = instance.person_by_id.get(unmet.person_id)
    fields = {
        "person": person.name or person.person_id if person is not None else unmet.person_id,
        "course": course.name or course.course_id if course is not None else unmet.course_id,
        "day": long_date(session.slots[0].day) if session.slots else "",
    }
    if today is not None and unmet.deadline < today:
        words = _(
            "{person} did not come to {course} on {day}, and the window for the course "
            "closed on {deadline}, before today ({today})"
        )
        return f"{Rule.WINDOW.value}: " + words.format(
            deadline=long_date(unmet.deadline), today=long_date(today), **fields
        )
    rule, colon, rest = unmet.reason.partition(":")
    if not colon:
        rule, rest = TIME_LIMIT, unmet.reason
    words = _("{person} did not come to {course} on {day}; {reason}")
    return f"{rule}: " + words.format(reason=rest.strip(), **fields)
