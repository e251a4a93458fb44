"""The changes of a re-plan (``changes.csv``) as the report and the workbook show them:
names, course names and dates in words, never a session's id or the schedule files'
``2027-04-01T13:00 to 2027-04-02T16:30``.

``changes.csv`` keeps its machine columns (``before`` and ``after`` hold session ids,
room and trainer ids, or a session's times as the schedule files write them) beside the
readable ones a re-plan adds (``name``, ``course``, ``before_date``, ``after_date``,
``why``); the views read both and say each side of a change in words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from schemalaggning.export.views_data import Views
from schemalaggning.export.words import CHANGE_WORDS
from schemalaggning.i18n import _
from schemalaggning.swedish import clock_in_text, full_date, moment_words

#: A session's times as the schedule files write them: ``2027-04-01T13:00 to ...``.
TIME_SPAN = re.compile(
    r"^(?P<start>\d{4}-\d\d-\d\dT[\d:]+)\S* to (?P<end>\d{4}-\d\d-\d\dT[\d:]+)\S*$"
)
#: A day as the readable columns write it.
ISO_DAY = re.compile(r"^\d{4}-\d\d-\d\d$")


@dataclass(frozen=True)
class ChangeRow:
    """One change in words."""

    session_id: str
    what: str
    course: str
    person: str
    before: str
    after: str
    why: str


def span_words(start: datetime, end: datetime) -> str:
    """``torsdag 1 april 2027 kl. 13.00–16.30``, or both moments when the days differ."""
    if start.date() == end.date():
        return _("{start}–{end}").format(start=moment_words(start), end=clock_in_text(end))
    return _("{start} to {end}").format(start=moment_words(start), end=moment_words(end))


def side_words(views: Views, change: dict[str, str], side: str) -> str:
    """One side (``before`` or ``after``) of a change in words: the time, the room, the
    trainers or the day of the session, whichever the change is about."""
    value = change.get(side, "").strip()
    kind = change.get("change", "")
    if kind == "room_changed" and value:
        room = views.instance.room_by_id.get(value)
        return room.name or value if room is not None else value
    if kind == "trainer_changed":
        trainers = views.instance.trainer_by_id
        names = [trainers[t].name or t if t in trainers else t for t in value.split("|") if t]
        return ", ".join(names) or "–"
    span = TIME_SPAN.match(value)
    if span:
        return span_words(
            datetime.fromisoformat(span["start"]), datetime.fromisoformat(span["end"])
        )
    if side == "after" and value in views.session_by_id:
        view = views.session_by_id[value]
        return _("{day}, {time}").format(day=full_date(view.first_day), time=view.time_text)
    day = change.get(f"{side}_date", "").strip()
    if ISO_DAY.match(day):
        return full_date(date.fromisoformat(day))
    return ""


def change_rows(views: Views) -> list[ChangeRow]:
    """Every change of the folder's ``changes.csv``, in words, in its order."""
    people = views.instance.person_by_id
    courses = views.instance.course_by_id
    rows = []
    for change in views.changes:
        person = people.get(change.get("person_id", ""))
        course = courses.get(change.get("course_id", ""))
        kind = change.get("change", "")
        rows.append(
            ChangeRow(
                session_id=change.get("session_id", ""),
                what=CHANGE_WORDS.get(kind, kind.replace("_", " ")),
                course=(course.name or course.course_id) if course else change.get("course", ""),
                person=(person.name or person.person_id) if person else change.get("name", ""),
                before=side_words(views, change, "before"),
                after=side_words(views, change, "after"),
                why=change.get("why", ""),
            )
        )
    return rows
