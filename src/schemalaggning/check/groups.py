"""The checker's group-size rules: room seats, ``max_group`` and ``min_group``.

Kept apart from :mod:`schemalaggning.check` so that module stays readable; like it, this
reads only the instance and the schedule (no optimiser module, no time grid).

- ``participants + held`` (seats held for expected hires) is at most the room's capacity
  and the course's ``max_group``: the hires they stand for will need the seats.
- ``participants`` alone (real people) is at least ``min_group``: a held seat is nobody
  yet, so it never makes a group big enough to hold a session.
- The one exception is a session already held whose group shrank because people did not
  come: ``attendance.csv`` names them (``attended`` ``no``), and the participants are who
  came (FORMATS 1.1; 1.2 marks such a session ``past``). Such a session keeps
  ``min_group`` when the participants and the no-shows named for it reach it; a session
  smaller than that was too small as planned. ``attendance.csv`` has rows only for
  sessions held, so its no-shows count whether or not the schedule marks the session
  ``past`` (a schedule of format 1.1 has no such column).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from schemalaggning.domain import Instance, Session
from schemalaggning.i18n import _
from schemalaggning.rules import Rule


@dataclass(frozen=True)
class GroupFault:
    """One broken group-size rule (the checker turns it into a violation)."""

    rule: Rule
    message: str
    session_id: str
    resource_id: str | None = None


def no_shows_by_session(instance: Instance) -> dict[str, set[str]]:
    """The people ``attendance.csv`` says did not come, by session."""
    absent: dict[str, set[str]] = defaultdict(set)
    for row in instance.attendance:
        if not row.attended:
            absent[row.session_id].add(row.person_id)
    return absent


def group_faults(
    instance: Instance, sessions: Sequence[Session], members: Mapping[str, Sequence[str]]
) -> Iterator[GroupFault]:
    """Every group-size rule the sessions break; ``members`` are the person ids assigned to
    each session."""
    absent = no_shows_by_session(instance)
    for session in sessions:
        sid = session.session_id
        course = instance.course_by_id.get(session.course_id)
        people = members.get(sid, [])
        real = len(people)
        seated = real + session.held
        who = _("{real} participants").format(real=real) + (
            _(" and {held} held seats").format(held=session.held) if session.held else ""
        )
        room = instance.room_by_id.get(session.room_id)
        if room is not None and seated > room.capacity:
            yield GroupFault(
                Rule.ROOM_CAPACITY,
                _("session {sid}: {who}, room {room_id} seats {capacity}").format(
                    sid=sid, who=who, room_id=room.room_id, capacity=room.capacity
                ),
                sid,
                room.room_id,
            )
        if course is None:
            continue
        if seated > course.max_group:
            yield GroupFault(
                Rule.MAX_GROUP,
                _("session {sid}: {who}, {course_id} allows at most {max_group}").format(
                    sid=sid, who=who, course_id=course.course_id, max_group=course.max_group
                ),
                sid,
            )
        missing = absent.get(sid, set()) - set(people)
        if real + len(missing) < course.min_group:
            also = _(" and {count} who did not come").format(count=len(missing)) if missing else ""
            held = _(" (held seats do not count)") if session.held else ""
            yield GroupFault(
                Rule.MIN_GROUP,
                _(
                    "session {sid}: {real} participants{also}{held}, {course_id} needs at least "
                    "{min_group}"
                ).format(
                    sid=sid,
                    real=real,
                    also=also,
                    held=held,
                    course_id=course.course_id,
                    min_group=course.min_group,
                ),
                sid,
            )
        if session.held_for:
            listed = sum(int(item.rsplit(":", 1)[1]) for item in session.held_for)
            if listed != session.held:
                yield GroupFault(
                    Rule.FORMAT,
                    _("session {sid} holds {held} seats; held_for lists {listed}").format(
                        sid=sid, held=session.held, listed=listed
                    ),
                    sid,
                )
