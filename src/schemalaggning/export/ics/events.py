"""What a schedule's sessions look like in a calendar: one event per day of a session.

Also the text of those events (titles, names, addresses), their UIDs and the check that
a schedule names only ids its instance knows (:func:`schedule_reference_problems`).
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache, cached_property
from pathlib import Path

from schemalaggning.domain import (
    Assignment,
    Course,
    Instance,
    Person,
    Room,
    Session,
    Slot,
    Trainer,
)
from schemalaggning.export.ledger import (
    ROLE_PARTICIPANT,
    Recipient,
)
from schemalaggning.fields import EMAIL_PATTERN
from schemalaggning.i18n import LANGUAGES, N_, _, translations
from schemalaggning.problems import Problem
from schemalaggning.timegrid import TimeGrid

#: The end of every UID's domain part: UIDs look like ``S1-d1@goteborg.schemalaggning``.
UID_SUFFIX = "schemalaggning"
ROLE_TRAINER = "CHAIR"
#: A DNS label is at most 63 characters; the UID's domain part follows that shape.
MAX_SLUG = 63
#: Letters that Unicode does not decompose into a plain letter and an accent.
FOLDED_LETTERS = str.maketrans({"æ": "ae", "ø": "o", "ß": "ss", "đ": "d", "ł": "l", "þ": "th"})

# ---------------------------------------------------------------------------------------------
# Text
# ---------------------------------------------------------------------------------------------


def slug(text: str, fallback: str = "introduktionsprogram") -> str:
    """Lower-case ASCII letters, digits and single hyphens: ``Göteborg, 2027`` -> ``goteborg-2027``.

    Parameters
    ----------
    text
        Any text, such as the instance's name.
    fallback
        What to return when nothing of ``text`` is left.
    """
    # Accents are dropped (ö -> o); any other character, such as a dash, separates words.
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(FOLDED_LETTERS))
    folded = "".join(
        char if char.isascii() else "" if unicodedata.combining(char) else "-"
        for char in decomposed
    )
    cleaned = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")
    return cleaned[:MAX_SLUG].rstrip("-") or fallback


def one_line(text: str) -> str:
    """Text on one line with single spaces (a stray newline would break a name across
    lines). Double quotes are kept: a TEXT value may hold them."""
    return " ".join(text.split())


def parameter_text(text: str) -> str:
    """Text for a parameter value such as CN, which cannot hold a double quote: each one
    becomes the Swedish typographic quote ``”``."""
    return one_line(text).replace('"', "”")


def valid_email(email: str) -> str:
    """The address when a calendar client can invite it, else ``''``."""
    email = email.strip()
    return email if EMAIL_PATTERN.fullmatch(email) else ""


def uid_domain(instance: Instance) -> str:
    """The domain part of the instance's UIDs, from its name (or its folder's name)."""
    name = instance.settings.name or Path(instance.source).stem
    return f"{slug(name)}.{UID_SUFFIX}"


def event_uid(session_id: str, day: int, domain: str) -> str:
    """The UID of day ``day`` (1, 2, ...) of a session: it does not depend on the date."""
    return f"{session_id}-d{day}@{domain}"


# ---------------------------------------------------------------------------------------------
# Day events: what a schedule's sessions look like in a calendar
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Attendee:
    """A trainer or participant of a session.

    ``key`` is ``trainer:<id>`` or ``person:<id>``; ``email`` is ``''`` when the person
    has no address a calendar client accepts.
    """

    key: str
    name: str
    email: str
    role: str


@dataclass(frozen=True)
class DayEvent:
    """Day ``day`` of ``days`` of a session, as one calendar event."""

    uid: str
    session_id: str
    day: int
    days: int
    start: datetime
    end: datetime
    summary: str
    location: str
    description: str
    attendees: tuple[Attendee, ...]
    person_ids: tuple[str, ...]
    trainer_ids: tuple[str, ...]
    room_id: str

    @cached_property
    def recipients(self) -> tuple[Recipient, ...]:
        """The attendees with an address, trainers first, each address once.

        Made once: reconciling and writing an event ask for them several times.
        """
        seen: set[str] = set()
        found: list[Recipient] = []
        for attendee in self.attendees:
            if attendee.email and attendee.email.lower() not in seen:
                seen.add(attendee.email.lower())
                found.append(
                    Recipient(email=attendee.email, name=attendee.name, role=attendee.role)
                )
        return tuple(found)

    @property
    def without_email(self) -> tuple[Attendee, ...]:
        """The attendees who get no invitation, since they have no usable address."""
        return tuple(a for a in self.attendees if not a.email)

    @property
    def invite_description(self) -> str:
        """The description of the invitation: the public one, and who must be told
        some other way."""
        if not self.without_email:
            return self.description
        names = ", ".join(a.name for a in self.without_email)
        return (
            self.description
            + "\n"
            + _("No e-mail address, so no invitation (tell them some other way): {names}").format(
                names=names
            )
        )

    @property
    def digest(self) -> str:
        """A digest of what the people invited care about: when, where, what and who.

        A new digest means a new version of the invitation (SEQUENCE + 1).
        """
        significant = {
            "start": self.start.astimezone(UTC).isoformat(),
            "end": self.end.astimezone(UTC).isoformat(),
            "summary": self.summary,
            "location": self.location,
            "attendees": sorted([a.role, a.key, a.name, a.email] for a in self.attendees),
        }
        text = json.dumps(significant, ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


#: The day of a session of several days, at the end of its events' titles.
DAY_OF = N_("(day {day} of {days})")


def course_summary(course: Course, day: int, days: int) -> str:
    """The event's title: the course's name and part, and the day of a multi-day session."""
    title = one_line(course.name) or course.course_id
    part = course.part.strip()
    said = _("part {part}").format(part=part)
    if part and said.lower() not in title.lower():
        title = f"{title} – {said}"
    if days > 1:
        title = f"{title} {_(DAY_OF).format(day=day, days=days)}"
    return title


def split_day_of(title: str) -> tuple[str, str, str] | None:
    """A title without the day of a session of several days at its end, and the day and
    the days (as written); ``None`` when the title says no day. Read in any language's
    words: a title is written in the language of the run that wrote it."""
    for pattern in _day_of_patterns():
        found = pattern.search(title)
        if found:
            return pattern.sub("", title), found["day"], found["days"]
    return None


@cache
def _day_of_patterns() -> tuple[re.Pattern[str], ...]:
    forms = {translations(code).gettext(DAY_OF) for code in LANGUAGES} | {DAY_OF}
    patterns = []
    for form in sorted(forms):
        escaped = re.escape(form).replace(r"\{day\}", r"(?P<day>\d+)", 1)
        escaped = escaped.replace(r"\{days\}", r"(?P<days>\d+)", 1)
        patterns.append(re.compile(r"\s*" + escaped + r"$"))
    return tuple(patterns)


def session_days(slots: Sequence[Slot]) -> list[tuple[Slot, Slot]]:
    """The first and last slot of each day a session is held on, by day."""
    by_day: dict[date, list[Slot]] = defaultdict(list)
    for slot in slots:
        by_day[slot.day].append(slot)
    return [(min(group), max(group)) for _, group in sorted(by_day.items())]


def day_events(
    instance: Instance,
    sessions: Sequence[Session],
    assignments: Sequence[Assignment],
    domain: str,
) -> list[DayEvent]:
    """The calendar events of a schedule, one per day of each session, by start.

    Every id is assumed known to the instance (see :func:`schedule_reference_problems`).
    """
    grid = TimeGrid(instance.settings)
    members: dict[str, set[str]] = defaultdict(set)
    for assignment in assignments:
        members[assignment.session_id].add(assignment.person_id)
    events: list[DayEvent] = []
    for session in sessions:
        course = instance.course_by_id[session.course_id]
        room = instance.room_by_id[session.room_id]
        trainers = [instance.trainer_by_id[t] for t in dict.fromkeys(session.trainer_ids)]
        people = [instance.person_by_id[p] for p in sorted(members[session.session_id])]
        attendees = _attendees(trainers, people)
        location = _location(room)
        preparation = _preparation(instance, course)
        days = session_days(session.slots)
        for day, (first, last) in enumerate(days, start=1):
            lines = [_course_line(course)]
            if len(days) > 1:
                lines.append(_("Day {day} of {days}").format(day=day, days=len(days)))
            trainer_names = ", ".join(a.name for a in attendees[: len(trainers)]) or "-"
            lines += [
                _("Trainers: {names}").format(names=trainer_names),
                _("Preparation: {preparation}").format(preparation=preparation),
                _("Participants: {count}").format(count=len(people)),
                _("Room: {room}").format(room=location),
                _("Session: {session}").format(session=session.session_id),
            ]
            events.append(
                DayEvent(
                    uid=event_uid(session.session_id, day, domain),
                    session_id=session.session_id,
                    day=day,
                    days=len(days),
                    start=grid.slot_start(first),
                    end=grid.slot_end(last),
                    summary=course_summary(course, day, len(days)),
                    location=location,
                    description="\n".join(lines),
                    attendees=attendees,
                    person_ids=tuple(p.person_id for p in people),
                    trainer_ids=tuple(t.trainer_id for t in trainers),
                    room_id=room.room_id,
                )
            )
    return sorted(events, key=lambda e: (e.start, e.session_id, e.day))


def _course_line(course: Course) -> str:
    """The description's first line: the course, its id and its part."""
    name = one_line(course.name) or course.course_id
    if course.part.strip():
        return _("Course: {name} ({id}), part {part}").format(
            name=name, id=course.course_id, part=course.part.strip()
        )
    return _("Course: {name} ({id})").format(name=name, id=course.course_id)


def _attendees(trainers: Sequence[Trainer], people: Sequence[Person]) -> tuple[Attendee, ...]:
    """The trainers (CHAIR) and then the participants of a session."""
    chairs = [
        Attendee(
            f"trainer:{t.trainer_id}",
            one_line(t.name) or t.trainer_id,
            valid_email(t.email),
            ROLE_TRAINER,
        )
        for t in trainers
    ]
    participants = [
        Attendee(
            f"person:{p.person_id}",
            one_line(p.name) or p.person_id,
            valid_email(p.email),
            ROLE_PARTICIPANT,
        )
        for p in people
    ]
    return tuple(chairs + participants)


def _location(room: Room) -> str:
    """The room's name and address, as a calendar's LOCATION."""
    parts = (one_line(room.name) or room.room_id, one_line(room.address))
    return ", ".join(part for part in parts if part)


def _preparation(instance: Instance, course: Course) -> str:
    """What a participant must have done before the course, in words."""
    before = [instance.course_by_id[c] for c in course.after if c in instance.course_by_id]
    if not before:
        return _("no previous courses are needed.")
    return _("have taken {courses}.").format(
        courses=", ".join(one_line(c.name) or c.course_id for c in before)
    )


def schedule_reference_problems(
    instance: Instance,
    sessions: Iterable[tuple[int, Session]],
    assignments: Iterable[tuple[int, Assignment]],
) -> list[Problem]:
    """Every id of a schedule that its instance does not know, located by file and row."""
    problems: list[Problem] = []
    known_sessions: set[str] = set()
    for row, session in sessions:
        if session.session_id in known_sessions:
            # Two sessions with one id would share their events' UIDs.
            problems.append(
                Problem(
                    "sessions.csv",
                    row,
                    "session_id",
                    session.session_id,
                    "expected each session_id once",
                )
            )
        known_sessions.add(session.session_id)
        checks: list[tuple[str, str, Collection[str], str]] = [
            ("course_id", session.course_id, instance.course_by_id, "a course_id of courses.csv"),
            ("room_id", session.room_id, instance.room_by_id, "a room_id of rooms.csv"),
        ]
        checks += [
            ("trainer_ids", t, instance.trainer_by_id, "trainer_ids of trainers.csv")
            for t in session.trainer_ids
        ]
        for column, value, known, expected in checks:
            if value not in known:
                problems.append(Problem("sessions.csv", row, column, value, f"expected {expected}"))
    for row, assignment in assignments:
        if assignment.person_id not in instance.person_by_id:
            problems.append(
                Problem(
                    "assignments.csv",
                    row,
                    "person_id",
                    assignment.person_id,
                    "expected a person_id of people.csv",
                )
            )
        if assignment.session_id not in known_sessions:
            problems.append(
                Problem(
                    "assignments.csv",
                    row,
                    "session_id",
                    assignment.session_id,
                    "expected a session_id of sessions.csv",
                )
            )
    return problems
