"""What happened before ``--today`` that a re-plan cannot mend, said in words.

A person who missed a course's session (a ``no`` in ``attendance.csv``) and then took
part, in a session that went ahead before ``--today``, in a course that needs the
missed one (its ``after``), went against the order in history. The re-plan keeps the
past as it happened:

- the later course **counts as done**: the person took part, the sign-in list says so,
  and the checker reports the broken order as a note about the past, not as a fault of
  the plan;
- the missed course is planned again, while its window allows;
- each such case is a row of ``changes.csv`` (``history_order``) and a line in the
  person's plan, in words: "gick Barnets behov den 11 januari 2027 utan Del 1, som
  missades den 5 januari 2027; Del 1 är nu 15 april 2027".

A coordinator who wants the later course taken again records a ``no`` for it in
``attendance.csv`` as well: it is then planned again after the missed course.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from schemalaggning.domain import HISTORY_ORDER, Assignment, Instance, Session
from schemalaggning.i18n import _
from schemalaggning.month.changes import Change
from schemalaggning.month.kept_seats import courses_after
from schemalaggning.swedish import long_date


def history_notes(
    instance: Instance,
    missed: Mapping[tuple[str, str], Session],
    sessions: Iterable[Session],
    assignments: Iterable[Assignment],
) -> list[Change]:
    """A note for every past session a person attended after missing a course it needs.

    Parameters
    ----------
    instance
        The instance re-planned (its people and courses).
    missed
        The sessions each (person, course) missed and has not made up for since.
    sessions, assignments
        The re-planned schedule: its past sessions and who attended them, and the new
        sessions of the missed courses.
    """
    by_id = {s.session_id: s for s in sessions}
    needs = courses_after(instance)
    attended: dict[str, list[Session]] = {}
    for a in assignments:
        session = by_id.get(a.session_id)
        if session is not None:
            attended.setdefault(a.person_id, []).append(session)
    notes = []
    for (person_id, course_id), gone in sorted(missed.items()):
        after = _new_session(attended.get(person_id, []), course_id)
        for session in sorted(attended.get(person_id, []), key=_first_day):
            needed = course_id in needs.get(session.course_id, set())
            if session.past and needed and _first_day(session) > _first_day(gone):
                notes.append(_note(instance, person_id, course_id, gone, session, after))
    return notes


def _first_day(session: Session) -> date:
    return session.slots[0].day if session.slots else date.min


def _new_session(attended: list[Session], course_id: str) -> Session | None:
    """The person's session of the course still to come, if the re-plan gave one."""
    later = [s for s in attended if s.course_id == course_id and not s.past]
    return min(later, key=_first_day) if later else None


def _note(
    instance: Instance,
    person_id: str,
    course_id: str,
    gone: Session,
    session: Session,
    after: Session | None,
) -> Change:
    courses = instance.course_by_id
    missed_name = courses[course_id].name or course_id
    taken_name = courses[session.course_id].name or session.course_id
    if after is not None:
        now = _("{missed} is now on {day}").format(
            missed=missed_name, day=long_date(_first_day(after))
        )
    else:
        now = _(
            "{missed} cannot be planned again in the new plan (see the reason among the "
            "unscheduled)"
        )
        now = now.format(missed=missed_name)
    why = _("took {taken} on {day} without {missed}, which was missed on {missed_day}; {now}")
    why = why.format(
        taken=taken_name,
        day=long_date(_first_day(session)),
        missed=missed_name,
        missed_day=long_date(_first_day(gone)),
        now=now,
    )
    person = instance.person_by_id.get(person_id)
    return Change(
        HISTORY_ORDER,
        session.session_id,
        session.course_id,
        person_id,
        before=gone.session_id,
        after=after.session_id if after is not None else "",
        why=why,
        name=(person.name or person_id) if person is not None else person_id,
        course=taken_name,
        before_date=long_date(_first_day(gone)),
        after_date=long_date(_first_day(after)) if after is not None else "",
    )
