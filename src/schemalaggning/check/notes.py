"""The checker's notes about past sessions (FORMATS 1.2, "The checker's rules").

A prerequisite broken in a past session because the person did not come to a session of
it that ended before, though they were planned in the right order, is history, not a
fault of the plan: a :class:`Note`, which :func:`schemalaggning.check.check_with_notes`
returns beside the violations. Any other broken rule, in a past session or not, is a
violation.

Kept apart from :mod:`schemalaggning.check` so that module stays readable; like it, this
reads only the instance and the schedule (no optimiser module, no time grid).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from schemalaggning.check.days import slot_words
from schemalaggning.check.findings import Note
from schemalaggning.domain import Instance, Session
from schemalaggning.i18n import _
from schemalaggning.rules import Rule


def missed_sessions(
    instance: Instance, session_by_id: Mapping[str, Session]
) -> dict[tuple[str, str], list[Session]]:
    """The sessions each person did not come to, by person and course: the ``no`` rows
    of ``attendance.csv`` whose session is in the schedule or among the pinned ones."""
    pinned = {s.session_id: s for s in instance.fixed_sessions}
    missed: dict[tuple[str, str], list[Session]] = defaultdict(list)
    for row in instance.attendance:
        session = session_by_id.get(row.session_id) or pinned.get(row.session_id)
        if not row.attended and session is not None:
            missed[row.person_id, session.course_id].append(session)
    return missed


def prerequisite_note(
    person_id: str, session: Session, before: str, missed: Sequence[Session]
) -> Note | None:
    """The note for a person who attends ``session`` without completing ``before`` first,
    when the session is past and they did not come to a session of ``before`` that ended
    before it began (``missed``, :func:`missed_sessions`); ``None`` when it is a violation."""
    first = session.slots[0]
    sid, course_id = session.session_id, session.course_id
    absent = next((m for m in missed if m.slots and m.slots[-1] < first), None)
    if not session.past or absent is None:
        return None
    return Note(
        Rule.PREREQUISITE,
        _(
            "{person_id} attended {course_id} in past session {sid} at {first} without completing "
            "{before}: attendance.csv says they did not come to {before} in {session_id}; this is "
            "what happened, not a fault of the plan"
        ).format(
            person_id=person_id,
            course_id=course_id,
            sid=sid,
            first=slot_words(first),
            before=before,
            session_id=absent.session_id,
        ),
        person_id=person_id,
        session_id=sid,
        slot=str(first),
    )
