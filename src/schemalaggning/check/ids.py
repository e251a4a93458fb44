"""The checker's ids: every id in a schedule names something in the instance, and the
session ids are unique. Like the checker, this reads only the instance and the schedule."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from schemalaggning.check.findings import Violation
from schemalaggning.domain import Assignment, Instance, Session, Unscheduled
from schemalaggning.i18n import _
from schemalaggning.rules import Rule


def session_id_faults(instance: Instance, sessions: Sequence[Session]) -> Iterator[Violation]:
    """A session id used twice, and a session's unknown course, room or trainer."""
    seen: set[str] = set()
    for session in sessions:
        sid = session.session_id
        if sid in seen:
            yield Violation(
                Rule.DUPLICATE_SESSION,
                _("session id {sid} is used twice").format(sid=sid),
                session_id=sid,
            )
        seen.add(sid)
        if session.course_id not in instance.course_by_id:
            yield Violation(
                Rule.UNKNOWN_ID,
                _("session {sid}: unknown course {course_id}").format(
                    sid=sid, course_id=session.course_id
                ),
                session_id=sid,
            )
        if session.room_id not in instance.room_by_id:
            yield Violation(
                Rule.UNKNOWN_ID,
                _("session {sid}: unknown room {room_id}").format(sid=sid, room_id=session.room_id),
                session_id=sid,
                resource_id=session.room_id,
            )
        for trainer_id in session.trainer_ids:
            if trainer_id not in instance.trainer_by_id:
                yield Violation(
                    Rule.UNKNOWN_ID,
                    _("session {sid}: unknown trainer {trainer_id}").format(
                        sid=sid, trainer_id=trainer_id
                    ),
                    session_id=sid,
                    resource_id=trainer_id,
                )


def assignment_id_faults(
    instance: Instance, a: Assignment, session_by_id: Mapping[str, Session]
) -> list[Violation]:
    """An assignment's unknown person, course or session, or a session of another course;
    an assignment without any takes part in the rules."""
    found: list[Violation] = []
    if a.person_id not in instance.person_by_id:
        found.append(
            Violation(
                Rule.UNKNOWN_ID,
                _("assignment: unknown person {person_id}").format(person_id=a.person_id),
                person_id=a.person_id,
                session_id=a.session_id,
            )
        )
    if a.course_id not in instance.course_by_id:
        found.append(
            Violation(
                Rule.UNKNOWN_ID,
                _("assignment of {person_id}: unknown course {course_id}").format(
                    person_id=a.person_id, course_id=a.course_id
                ),
                person_id=a.person_id,
                session_id=a.session_id,
            )
        )
    target = session_by_id.get(a.session_id)
    if target is None:
        found.append(
            Violation(
                Rule.UNKNOWN_ID,
                _("assignment of {person_id} to {course_id}: unknown session {session_id}").format(
                    person_id=a.person_id, course_id=a.course_id, session_id=a.session_id
                ),
                person_id=a.person_id,
                session_id=a.session_id,
            )
        )
    elif target.course_id != a.course_id:
        found.append(
            Violation(
                Rule.COURSE_MISMATCH,
                _(
                    "{person_id} is assigned to {course_id} in session {session_id}, which "
                    "holds {course_id2}"
                ).format(
                    person_id=a.person_id,
                    course_id=a.course_id,
                    session_id=a.session_id,
                    course_id2=target.course_id,
                ),
                person_id=a.person_id,
                session_id=a.session_id,
            )
        )
    return found


def unscheduled_id_faults(
    instance: Instance, unscheduled: Sequence[Unscheduled]
) -> Iterator[Violation]:
    """A row of unscheduled.csv naming a person or course the instance does not know."""
    for u in unscheduled:
        if not u.person_id:
            # A yearly offering that cannot be held: a course and no person.
            if u.course_id not in instance.course_by_id:
                yield Violation(
                    Rule.UNKNOWN_ID,
                    _("unscheduled.csv lists an offering of unknown course {course_id}").format(
                        course_id=u.course_id
                    ),
                )
        elif u.person_id not in instance.person_by_id or u.course_id not in instance.course_by_id:
            yield Violation(
                Rule.UNKNOWN_ID,
                _("unscheduled.csv names unknown {person_id}/{course_id}").format(
                    person_id=u.person_id, course_id=u.course_id
                ),
                person_id=u.person_id,
            )
