"""Calendar files of a schedule: subscription feeds, iTIP invitations and their ledger.

Everything is written into the schedule folder::

    calendar.ics                         every session (METHOD:PUBLISH, no attendees)
    ics/people/<person_id>.ics           one person's sessions (METHOD:PUBLISH)
    ics/trainers/<trainer_id>.ics        one trainer's sessions (METHOD:PUBLISH)
    ics/rooms/<room_id>.ics              one room's sessions (METHOD:PUBLISH)
    ics/ledger.json                      what has been published, per UID
    invites/<session_id>-d<k>.ics        METHOD:REQUEST for day k of a session
    invites/<session_id>-d<k>-cancel.ics METHOD:CANCEL for a published day that is gone
    invites/<session_id>-d<k>-uninvite.ics
                                         METHOD:CANCEL to the people taken off a day
    invites/outbox.csv                   the files to mail now, with their recipients

A session over several days is one event per day; the AM and PM slots of one day are
one event from the AM start to the PM end. Every file holds a VTIMEZONE of the
instance's zone written with yearly RRULEs, derived from the zone's transitions.

UIDs are ``<session_id>-d<k>@<domain>``, where the domain is the slug of the instance's
name followed by ``.schemalaggning``. The domain is kept in the ledger the first time
calendars are written, so renaming the instance later does not change any UID, and no
UID depends on the session's date: a moved session updates the event people already
have instead of adding a second one.

The ledger (``ics/ledger.json``) holds, per UID, the SEQUENCE, a digest of the fields
that matter to the people invited (start, end, summary, location and the attendees),
the DTSTAMP and enough of the last version to cancel it. When calendars are written
again, each day event is compared with its ledger entry:

- new: SEQUENCE 0, a REQUEST is put in the outbox;
- changed (another digest, or published again after a cancellation): SEQUENCE + 1, a
  REQUEST is put in the outbox, and a CANCEL to anyone taken off the event;
- unchanged: same SEQUENCE and DTSTAMP, nothing is sent (the files are byte-identical);
- gone (in the ledger, no longer in the schedule): SEQUENCE + 1 and a CANCEL with
  STATUS:CANCELLED to everyone it was sent to.

DTSTAMP is the publication time of the version: the time of the export that first
wrote the version, stored in the ledger and reused by every later export, so the same
schedule and ledger give byte-identical files. The publication time is the current
time to the second, or ``SOURCE_DATE_EPOCH`` when it is set, or a time given by the
caller.

``invites/outbox.csv`` lists exactly the files to mail after this export (nothing for
unchanged events). A full export also writes a REQUEST for every unchanged day event,
so that one can be sent again to somebody who lost it; ``changes_only`` writes only
the files of the outbox.

The ORGANIZER is the instance's ``organizer`` setting. Without one it is
``mailto:noreply@<slug>.invalid`` with the instance's name: ``.invalid`` is a name
reserved never to exist, so no answer goes astray, but answers are lost too; set an
organizer before invitations are sent.
"""

from __future__ import annotations

import calendar
import dataclasses
import hashlib
import json
import os
import re
import shutil
import unicodedata
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import (
    Calendar,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vCalAddress,
    vText,
)

from schemalaggning.domain import Assignment, Course, Instance, Session, Slot
from schemalaggning.export.ledger import FEEDS_FOLDER as FEEDS_FOLDER
from schemalaggning.export.ledger import LEDGER_FILE as LEDGER_FILE
from schemalaggning.export.ledger import ROLE_PARTICIPANT as ROLE_PARTICIPANT
from schemalaggning.export.ledger import Ledger as Ledger
from schemalaggning.export.ledger import LedgerEntry as LedgerEntry
from schemalaggning.export.ledger import Recipient as Recipient
from schemalaggning.export.ledger import carry_ledger as carry_ledger
from schemalaggning.export.ledger import ledger_path as ledger_path
from schemalaggning.export.ledger import read_ledger as read_ledger
from schemalaggning.export.ledger import uid_stem as uid_stem
from schemalaggning.export.ledger import write_ledger as write_ledger
from schemalaggning.export.outbox import OUTBOX_COLUMNS as OUTBOX_COLUMNS
from schemalaggning.export.outbox import (
    OutboxRow,
    carry_files,
    read_outbox,
    still_unsent,
    surviving,
    write_outbox,
)
from schemalaggning.export.sent import copy_store, open_store
from schemalaggning.problems import InputError, Problem
from schemalaggning.timegrid import TimeGrid, local_iso

PRODID = "-//Schemalaggning//Introduktionsprogram//SV"
#: The end of every UID's domain part: UIDs look like ``S1-d1@goteborg.schemalaggning``.
UID_SUFFIX = "schemalaggning"
CALENDAR_FILE = "calendar.ics"
INVITES_FOLDER = "invites"
OUTBOX_FILE = "outbox.csv"
#: The files and folders an export owns in a schedule folder; everything else is kept.
MANAGED_ENTRIES = (CALENDAR_FILE, FEEDS_FOLDER, INVITES_FOLDER)

ROLE_TRAINER = "CHAIR"

#: Transitions are looked for at this step and then pinned down to the second: no zone
#: changes its offset twice within a day.
SCAN_STEP = timedelta(days=1)
WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
#: A DNS label is at most 63 characters; the UID's domain part follows that shape.
MAX_SLUG = 63
#: An address that a calendar client accepts in ``mailto:``: one ``@``, no spaces, no
#: characters that would end the value or the line.
#: Letters that Unicode does not decompose into a plain letter and an accent.
FOLDED_LETTERS = str.maketrans({"æ": "ae", "ø": "o", "ß": "ss", "đ": "d", "ł": "l", "þ": "th"})
EMAIL_PATTERN = re.compile(r"[^@\s<>()\[\],;:\"\\]+@[^@\s<>()\[\],;:\"\\]+\.[^@\s<>()\[\],;:\"\\]+")


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
# Time zone: a VTIMEZONE with yearly rules, derived from the zone's transitions
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ZoneState:
    """A zone's offset from UTC, whether it is daylight saving time, and its abbreviation."""

    offset: timedelta
    daylight: bool
    name: str


def zone_state(zone: ZoneInfo, moment: datetime) -> ZoneState:
    """The zone's state at an aware instant."""
    local = moment.astimezone(zone)
    offset = local.utcoffset() or timedelta(0)
    return ZoneState(offset, bool(local.dst()), local.tzname() or "")


@dataclass(frozen=True)
class Transition:
    """A change of the zone's state, at a UTC instant."""

    at: datetime
    before: ZoneState
    after: ZoneState

    @property
    def onset(self) -> datetime:
        """The local wall-clock time at which the change happens, in the old offset
        (how a VTIMEZONE's DTSTART names it)."""
        return (self.at + self.before.offset).replace(tzinfo=None)


def zone_transitions(zone: ZoneInfo, first_year: int, last_year: int) -> list[Transition]:
    """Every change of the zone's offset, daylight flag or abbreviation in the years.

    The zone is sampled once a day and each change is then found to the second by
    bisection, which needs nothing but the public ``zoneinfo`` interface.
    """
    moment = datetime(first_year, 1, 1, tzinfo=UTC)
    stop = datetime(last_year + 1, 1, 1, tzinfo=UTC)
    state = zone_state(zone, moment)
    found: list[Transition] = []
    while moment < stop:
        later = min(moment + SCAN_STEP, stop)
        if zone_state(zone, later) == state:
            moment = later
            continue
        low, high = moment, later
        while high - low > timedelta(seconds=1):
            middle = low + timedelta(seconds=(high - low).total_seconds() // 2)
            if zone_state(zone, middle) == state:
                low = middle
            else:
                high = middle
        after = zone_state(zone, high)
        found.append(Transition(high, state, after))
        state, moment = after, high
    return found


def weekday_rules(day: date) -> set[str]:
    """The BYDAY values that name the day within its month: ``4SU``, and ``-1SU`` when it
    is also the month's last such weekday."""
    code = WEEKDAY_CODES[day.weekday()]
    rules = {f"{(day.day - 1) // 7 + 1}{code}"}
    if day.day + 7 > calendar.monthrange(day.year, day.month)[1]:
        rules.add(f"-1{code}")
    return rules


@dataclass(frozen=True)
class Observance:
    """One STANDARD or DAYLIGHT sub-component of a VTIMEZONE."""

    daylight: bool
    onset: datetime
    offset_from: timedelta
    offset_to: timedelta
    name: str
    month: int | None = None
    byday: str | None = None
    until: datetime | None = None


def _same_shape(a: Transition, b: Transition) -> bool:
    """Whether two transitions could be occurrences of one yearly rule."""
    return (
        a.onset.month == b.onset.month
        and a.onset.time() == b.onset.time()
        and a.before == b.before
        and a.after == b.after
        and b.onset.year == a.onset.year + 1
    )


def observances(zone: ZoneInfo, first_year: int, last_year: int) -> list[Observance]:
    """The zone's observances from ``first_year`` on, as yearly rules where they repeat.

    Transitions into daylight saving time and back are each grouped into runs of
    consecutive years that fall on the same weekday rule (``-1SU`` of March, say); a run
    of two or more years becomes one RRULE, open-ended when it lasts to ``last_year``
    and closed by UNTIL otherwise. A transition that fits no rule stands alone. When
    nothing changes in ``first_year``, the state at its start opens the list, so a zone
    without daylight saving time gets a single STANDARD.
    """
    transitions = zone_transitions(zone, first_year, last_year)
    found: list[Observance] = []
    if not any(t.onset.year == first_year for t in transitions):
        state = zone_state(zone, datetime(first_year, 1, 1, tzinfo=UTC))
        found.append(
            Observance(
                state.daylight,
                datetime(first_year, 1, 1),
                state.offset,
                state.offset,
                state.name,
            )
        )
    for daylight in (False, True):
        runs: list[tuple[list[Transition], set[str]]] = []
        for transition in (t for t in transitions if t.after.daylight == daylight):
            rules = weekday_rules(transition.onset.date())
            if runs:
                run, common = runs[-1]
                if _same_shape(run[-1], transition) and common & rules:
                    run.append(transition)
                    common &= rules
                    continue
            runs.append(([transition], rules))
        for run, common in runs:
            first, last = run[0], run[-1]
            month = byday = until = None
            if len(run) > 1:
                month = first.onset.month
                # "Last Sunday" is how the European rules are written; prefer it when a
                # run's days are both, say, the fourth and the last Sunday of the month.
                byday = min(common, key=lambda rule: (not rule.startswith("-"), rule))
                if last.onset.year < last_year:
                    until = last.at
            found.append(
                Observance(
                    daylight,
                    first.onset,
                    first.before.offset,
                    first.after.offset,
                    first.after.name,
                    month,
                    byday,
                    until,
                )
            )
    return sorted(found, key=lambda o: (o.onset, o.daylight))


def vtimezone(zone_name: str, first_year: int, last_year: int) -> Timezone:
    """A VTIMEZONE for the zone, valid from ``first_year`` to ``last_year`` and, where the
    zone follows a yearly rule, beyond.

    Parameters
    ----------
    zone_name
        An IANA zone name, such as ``Europe/Stockholm``; it is also the TZID.
    first_year, last_year
        The years the events fall in. The rules start a year before ``first_year``, so
        that the first events' date is covered by an observance that already began.
    """
    zone = ZoneInfo(zone_name)
    component = Timezone()
    component.add("tzid", zone_name)
    for observance in observances(zone, first_year - 1, last_year):
        sub = TimezoneDaylight() if observance.daylight else TimezoneStandard()
        sub.add("dtstart", observance.onset)
        if observance.byday is not None:
            rule: dict[str, Any] = {
                "freq": "YEARLY",
                "bymonth": observance.month,
                "byday": observance.byday,
            }
            if observance.until is not None:
                rule["until"] = observance.until
            sub.add("rrule", rule)
        sub.add("tzoffsetfrom", observance.offset_from)
        sub.add("tzoffsetto", observance.offset_to)
        if observance.name:
            sub.add("tzname", observance.name)
        component.add_component(sub)
    return component


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

    @property
    def recipients(self) -> tuple[Recipient, ...]:
        """The attendees with an address, trainers first, each address once."""
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
            f"{self.description}\nSaknar e-postadress och får ingen inbjudan "
            f"(meddela dem på annat sätt): {names}"
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


def course_summary(course: Course, day: int, days: int) -> str:
    """The event's title: the course's name and part, and the day of a multi-day session."""
    title = one_line(course.name) or course.course_id
    part = course.part.strip()
    if part and f"del {part.lower()}" not in title.lower():
        title = f"{title} – del {part}"
    if days > 1:
        title = f"{title} (dag {day} av {days})"
    return title


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

    Every id is assumed known to the instance (see :func:`reference_problems`).
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
        attendees = tuple(
            [
                Attendee(
                    f"trainer:{t.trainer_id}",
                    one_line(t.name) or t.trainer_id,
                    valid_email(t.email),
                    ROLE_TRAINER,
                )
                for t in trainers
            ]
            + [
                Attendee(
                    f"person:{p.person_id}",
                    one_line(p.name) or p.person_id,
                    valid_email(p.email),
                    ROLE_PARTICIPANT,
                )
                for p in people
            ]
        )
        location = ", ".join(
            part for part in (one_line(room.name) or room.room_id, one_line(room.address)) if part
        )
        before = [instance.course_by_id[c] for c in course.after if c in instance.course_by_id]
        preparation = (
            "ha genomgått " + ", ".join(one_line(c.name) or c.course_id for c in before) + "."
            if before
            else "inga förkunskaper krävs."
        )
        days = session_days(session.slots)
        for day, (first, last) in enumerate(days, start=1):
            lines = [
                f"Kurs: {one_line(course.name) or course.course_id} ({course.course_id})"
                + (f", del {course.part.strip()}" if course.part.strip() else ""),
            ]
            if len(days) > 1:
                lines.append(f"Dag {day} av {len(days)}")
            lines += [
                "Utbildare: " + (", ".join(a.name for a in attendees[: len(trainers)]) or "-"),
                f"Förberedelse: {preparation}",
                f"Deltagare: {len(people)}",
                f"Lokal: {location}",
                f"Tillfälle: {session.session_id}",
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


def reference_problems(
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


def publication_time(given: datetime | None = None) -> datetime:
    """The DTSTAMP of what is published now, in UTC to the second.

    ``given`` when there is one, else ``SOURCE_DATE_EPOCH`` (seconds since 1970, the
    convention of reproducible builds), else the current time.
    """
    if given is not None:
        moment = given if given.tzinfo is not None else given.replace(tzinfo=UTC)
    elif os.environ.get("SOURCE_DATE_EPOCH", "").strip():
        text = os.environ["SOURCE_DATE_EPOCH"].strip()
        if not text.isdigit():
            raise InputError(
                [
                    Problem(
                        "environment",
                        None,
                        "SOURCE_DATE_EPOCH",
                        text,
                        "expected whole seconds since 1970-01-01 UTC",
                    )
                ]
            )
        moment = datetime.fromtimestamp(int(text), UTC)
    else:
        moment = datetime.now(UTC)
    return moment.astimezone(UTC).replace(microsecond=0)


class Action(StrEnum):
    """What happened to a day event since the ledger."""

    NEW = "new"
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    CANCELLED = "cancelled"
    UNINVITED = "uninvited"


@dataclass(frozen=True)
class Stamped:
    """A current day event with the SEQUENCE and DTSTAMP the ledger gives it."""

    event: DayEvent
    sequence: int
    dtstamp: datetime
    action: Action
    #: Who had the previous version and is no longer invited (they get a CANCEL).
    removed: tuple[Recipient, ...] = ()
    #: Who is sent this version: everyone when what, when or where changed, else only
    #: those added (a changed list of participants changes nothing for the others).
    to: tuple[Recipient, ...] = ()


@dataclass(frozen=True)
class Reconciled:
    """The schedule's day events against the ledger: what to write and the new ledger."""

    ledger: Ledger
    current: tuple[Stamped, ...]
    cancelled: tuple[tuple[str, LedgerEntry], ...]


def _later(moment: datetime, previous: datetime) -> datetime:
    """A DTSTAMP for a new version: the publication time, but always after the last one,
    since clients take the later DTSTAMP of two versions with the same SEQUENCE."""
    return max(moment, previous + timedelta(seconds=1))


def _entry(event: DayEvent, sequence: int, dtstamp: datetime) -> LedgerEntry:
    return LedgerEntry(
        session_id=event.session_id,
        day=event.day,
        sequence=sequence,
        digest=event.digest,
        dtstamp=dtstamp,
        start=event.start,
        end=event.end,
        summary=event.summary,
        location=event.location,
        recipients=event.recipients,
    )


def same_for_attendees(entry: LedgerEntry, event: DayEvent) -> bool:
    """Whether the event is what the published version told its attendees: the same
    start, end, title and place (the head count and the other participants do not count)."""
    return (
        entry.start == event.start
        and entry.end == event.end
        and entry.summary == event.summary
        and entry.location == event.location
    )


def reconcile(events: Sequence[DayEvent], ledger: Ledger, published_at: datetime) -> Reconciled:
    """Compare the day events with the ledger: new, changed, unchanged and gone ones.

    Parameters
    ----------
    events
        The schedule's day events.
    ledger
        What was published before (an empty ledger when nothing was).
    published_at
        The DTSTAMP of new versions, in UTC.
    """
    entries = dict(ledger.events)
    current: list[Stamped] = []
    for event in events:
        old = entries.get(event.uid)
        if old is None:
            stamped = Stamped(event, 0, published_at, Action.NEW, to=event.recipients)
        elif old.status == "confirmed" and old.digest == event.digest:
            stamped = Stamped(event, old.sequence, old.dtstamp, Action.UNCHANGED)
        else:
            now = {r.email.lower() for r in event.recipients}
            confirmed = old.status == "confirmed"
            removed = (
                tuple(r for r in old.recipients if r.email.lower() not in now) if confirmed else ()
            )
            had = {r.email.lower() for r in old.recipients}
            to = (
                tuple(r for r in event.recipients if r.email.lower() not in had)
                if confirmed and same_for_attendees(old, event)
                else event.recipients
            )
            stamped = Stamped(
                event,
                old.sequence + 1,
                _later(published_at, old.dtstamp),
                Action.CHANGED,
                removed,
                to,
            )
        current.append(stamped)
        if stamped.action is not Action.UNCHANGED:
            entries[event.uid] = _entry(event, stamped.sequence, stamped.dtstamp)
    present = {event.uid for event in events}
    cancelled: list[tuple[str, LedgerEntry]] = []
    for uid, old in sorted(entries.items()):
        if uid in present or old.status == "cancelled":
            continue
        entry = old.model_copy(
            update={
                "sequence": old.sequence + 1,
                "dtstamp": _later(published_at, old.dtstamp),
                "status": "cancelled",
            }
        )
        entries[uid] = entry
        cancelled.append((uid, entry))
    changed = cancelled or any(s.action is not Action.UNCHANGED for s in current)
    stamps = [entry.dtstamp for entry in entries.values()]
    new_ledger = Ledger(
        uid_domain=ledger.uid_domain,
        published_at=max(stamps) if changed and stamps else ledger.published_at,
        events=dict(sorted(entries.items())),
    )
    cancelled.sort(key=lambda item: (item[1].start, item[0]))
    return Reconciled(new_ledger, tuple(current), tuple(cancelled))


# ---------------------------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Organizer:
    """Who the invitations come from."""

    name: str
    email: str

    def address(self) -> vCalAddress:
        """The ORGANIZER property."""
        address = vCalAddress(f"mailto:{self.email}")
        if self.name:
            address.params["CN"] = parameter_text(self.name)
        return address


def organizer_of(instance: Instance, domain: str) -> Organizer:
    """The instance's organizer, or ``noreply@<slug>.invalid`` under the instance's name."""
    settings = instance.settings
    given = settings.organizer
    name = one_line(given.name) if given is not None else ""
    email = valid_email(given.email) if given is not None else ""
    if not email:
        email = f"noreply@{slug(domain.removesuffix('.' + UID_SUFFIX))}.invalid"
    return Organizer(name or one_line(settings.name) or "Introduktionsprogrammet", email)


def _attendee(recipient: Recipient, reply: bool) -> vCalAddress:
    address = vCalAddress(f"mailto:{recipient.email}")
    address.params["CUTYPE"] = "INDIVIDUAL"
    address.params["ROLE"] = recipient.role
    if reply:
        address.params["PARTSTAT"] = "NEEDS-ACTION"
        address.params["RSVP"] = "TRUE"
    address.params["CN"] = parameter_text(recipient.name)
    return address


def _event(
    uid: str,
    start: datetime,
    end: datetime,
    summary: str,
    location: str,
    description: str,
    sequence: int,
    dtstamp: datetime,
    cancelled: bool,
    organizer: Organizer,
) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", dtstamp.astimezone(UTC))
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", summary)
    if location:
        event.add("location", location)
    if description:
        event.add("description", description)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("sequence", sequence)
    event.add("transp", "OPAQUE")
    event.add("organizer", organizer.address())
    return event


def feed_event(stamped: Stamped, organizer: Organizer) -> bytes:
    """A VEVENT for a PUBLISH calendar: no attendees (RFC 5546 forbids them there)."""
    e = stamped.event
    event = _event(
        e.uid,
        e.start,
        e.end,
        e.summary,
        e.location,
        e.description,
        stamped.sequence,
        stamped.dtstamp,
        False,
        organizer,
    )
    return bytes(event.to_ical())


def request_event(stamped: Stamped, organizer: Organizer) -> bytes:
    """A VEVENT for a REQUEST: every trainer (CHAIR) and participant with an address."""
    e = stamped.event
    event = _event(
        e.uid,
        e.start,
        e.end,
        e.summary,
        e.location,
        e.invite_description,
        stamped.sequence,
        stamped.dtstamp,
        False,
        organizer,
    )
    for recipient in e.recipients:
        event.add("attendee", _attendee(recipient, reply=True))
    return bytes(event.to_ical())


def cancel_event(
    uid: str,
    entry: LedgerEntry,
    recipients: Sequence[Recipient],
    organizer: Organizer,
    zone: ZoneInfo,
    note: str,
) -> bytes:
    """A VEVENT for a CANCEL of the version in the ledger, to the given recipients."""
    event = _event(
        uid,
        entry.start.astimezone(zone),
        entry.end.astimezone(zone),
        entry.summary,
        entry.location,
        note,
        entry.sequence,
        entry.dtstamp,
        True,
        organizer,
    )
    for recipient in recipients:
        event.add("attendee", _attendee(recipient, reply=False))
    return bytes(event.to_ical())


@dataclass(frozen=True)
class CalendarFrame:
    """The parts of every calendar file but its events: header, VTIMEZONE, footer."""

    timezone: bytes
    zone_name: str = ""

    def render(self, method: str, events: Iterable[bytes], name: str = "") -> bytes:
        """A whole VCALENDAR with the events, each already serialised.

        A named calendar (a subscription feed) also gets ``X-WR-CALNAME`` (escaped as
        TEXT, so a comma does not cut the name) and ``X-WR-TIMEZONE``, which Apple and
        Google Calendar read as the calendar's zone.
        """
        wrapper = Calendar()
        wrapper.add("prodid", PRODID)
        wrapper.add("version", "2.0")
        wrapper.add("calscale", "GREGORIAN")
        wrapper.add("method", method)
        if name:
            wrapper.add("x-wr-calname", vText(name))
            if self.zone_name:
                wrapper.add("x-wr-timezone", vText(self.zone_name))
        head = bytes(wrapper.to_ical())
        end = b"END:VCALENDAR\r\n"
        if not head.endswith(end):
            raise AssertionError("an iCalendar serialisation that does not end its VCALENDAR")
        # Events are serialised once and spliced in: a person's file holds the same bytes
        # as calendar.ics for the same event, and a big programme is written fast.
        return head[: -len(end)] + self.timezone + b"".join(events) + end


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportReport:
    """What an export wrote, and what to mail."""

    folder: Path
    events: int
    new: int
    changed: int
    unchanged: int
    cancelled: int
    uninvited: int
    outbox: tuple[str, ...]
    files: int
    warnings: tuple[str, ...] = field(default=())

    def line(self) -> str:
        """One line for the terminal."""
        return (
            f"{self.files} calendar files, {self.events} day events: {self.new} new, "
            f"{self.changed} changed, {self.unchanged} unchanged, {self.cancelled} cancelled; "
            f"{len(self.outbox)} files to mail, listed in "
            f"{INVITES_FOLDER}/{OUTBOX_FILE}"
        )


def inside(folder: Path, *parts: str) -> Path:
    """``folder / parts`` after making sure it stays inside the folder.

    Ids are validated to safe file names when they are read; this is the last guard
    before a file is written.
    """
    path = folder.joinpath(*parts)
    if not path.resolve().is_relative_to(folder.resolve()):
        raise ValueError(f"{path} would be written outside {folder}")
    return path


def _write(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)


def _year_range(instance: Instance, moments: Iterable[datetime]) -> tuple[int, int]:
    years = [instance.settings.horizon_start.year, instance.settings.horizon_end.year]
    years += [moment.year for moment in moments]
    return min(years), max(years)


def write_calendars(
    folder: str | Path,
    instance: Instance,
    sessions: Sequence[Session],
    assignments: Sequence[Assignment],
    ledger: Ledger | None = None,
    *,
    changes_only: bool = False,
    published_at: datetime | None = None,
    previous: Path | None = None,
) -> ExportReport:
    """Write a schedule's calendars, invitations, outbox and ledger into a folder.

    Parameters
    ----------
    folder
        The schedule folder (or the temporary folder that will replace it). The calendar
        files are written into it; the caller removes older ones first.
    instance
        The instance the schedule belongs to (names, addresses, rooms, time zone).
    sessions, assignments
        The schedule; every id must be known to the instance.
    ledger
        What was published from this schedule folder before, or ``None``.
    changes_only
        Write only the invitations and cancellations of the outbox, not a REQUEST for
        every unchanged day event.
    published_at
        The DTSTAMP of new versions (see :func:`publication_time`).
    previous
        The schedule folder this one replaces or follows (the one the ledger is from):
        its unsent invitations stay in the outbox, with their files, and its store of
        what was sent is carried over (see :mod:`schemalaggning.export.outbox`).

    Returns
    -------
    What was written, and the files to mail.

    Raises
    ------
    InputError
        If the previous folder's outbox or store is damaged, or a file it still has to
        mail is missing.
    """
    folder = Path(folder)
    old_rows = read_outbox(previous) if previous is not None else []
    moment = publication_time(published_at)
    ledger = ledger or Ledger(uid_domain=uid_domain(instance))
    events = day_events(instance, sessions, assignments, ledger.uid_domain)
    result = reconcile(events, ledger, moment)
    organizer = organizer_of(instance, ledger.uid_domain)
    zone_name = instance.settings.timezone
    zone = ZoneInfo(zone_name)
    first_year, last_year = _year_range(
        instance,
        [e.start for e in events] + [entry.start for _, entry in result.cancelled],
    )
    frame = CalendarFrame(bytes(vtimezone(zone_name, first_year, last_year).to_ical()), zone_name)
    title = one_line(instance.settings.name) or "Introduktionsprogrammet"
    files = 0

    # Subscription feeds: the whole programme, and each person's, trainer's and room's.
    feed = {s.event.uid: feed_event(s, organizer) for s in result.current}
    by_person: dict[str, list[bytes]] = defaultdict(list)
    by_trainer: dict[str, list[bytes]] = defaultdict(list)
    by_room: dict[str, list[bytes]] = defaultdict(list)
    for stamped in result.current:
        event = stamped.event
        for person_id in event.person_ids:
            by_person[person_id].append(feed[event.uid])
        for trainer_id in event.trainer_ids:
            by_trainer[trainer_id].append(feed[event.uid])
        by_room[event.room_id].append(feed[event.uid])
    _write(inside(folder, CALENDAR_FILE), frame.render("PUBLISH", feed.values(), title))
    files += 1
    # Everyone gets a file, also with no sessions yet, so a subscription made today
    # keeps working when sessions are added.
    for kind, owners, chosen in (
        ("people", [(p.person_id, p.name) for p in instance.people], by_person),
        ("trainers", [(t.trainer_id, t.name) for t in instance.trainers], by_trainer),
        ("rooms", [(r.room_id, r.name) for r in instance.rooms], by_room),
    ):
        for owner_id, name in owners:
            content = frame.render(
                "PUBLISH", chosen.get(owner_id, []), f"{title}: {one_line(name) or owner_id}"
            )
            _write(inside(folder, FEEDS_FOLDER, kind, f"{owner_id}.ics"), content)
            files += 1

    # Invitations: one REQUEST per day event, a CANCEL per day gone, and the outbox.
    outbox: list[OutboxRow] = []
    warnings: list[str] = []
    for stamped in result.current:
        event = stamped.event
        to_send = bool(stamped.to)
        name = f"{uid_stem(event.uid)}.ics"
        if not event.recipients:
            # A REQUEST needs at least one attendee; those without an address are told
            # some other way, as the warning says.
            if stamped.action is not Action.UNCHANGED:
                warnings.append(
                    f"session {event.session_id}, day {event.day}: nobody to invite "
                    "(no trainer or participant has an e-mail address)"
                )
        elif to_send or not changes_only:
            body = request_event(stamped, organizer)
            _write(inside(folder, INVITES_FOLDER, name), frame.render("REQUEST", [body]))
            files += 1
            if to_send:
                outbox.append(
                    _outbox_row(name, "REQUEST", stamped.action, stamped.to, stamped, event)
                )
        if stamped.removed:
            entry = ledger.events[event.uid].model_copy(
                update={"sequence": stamped.sequence, "dtstamp": stamped.dtstamp}
            )
            note = "Du är inte längre kallad till detta tillfälle."
            body = cancel_event(event.uid, entry, stamped.removed, organizer, zone, note)
            uninvite = f"{uid_stem(event.uid)}-uninvite.ics"
            _write(inside(folder, INVITES_FOLDER, uninvite), frame.render("CANCEL", [body]))
            files += 1
            outbox.append(
                _cancel_row(uninvite, Action.UNINVITED, event.uid, entry, stamped.removed, zone)
            )
    for uid, entry in result.cancelled:
        if not entry.recipients:
            continue
        note = "Tillfället är inställt."
        body = cancel_event(uid, entry, entry.recipients, organizer, zone, note)
        name = f"{uid_stem(uid)}-cancel.ics"
        _write(inside(folder, INVITES_FOLDER, name), frame.render("CANCEL", [body]))
        files += 1
        outbox.append(_cancel_row(name, Action.CANCELLED, uid, entry, entry.recipients, zone))
    # What the previous folder still had to mail stays, unless a newer version replaces
    # it for the same address; its store of what was sent comes along.
    if previous is None or not copy_store(previous, folder):
        open_store(folder, ledger.events).close()
    if old_rows:
        with open_store(folder) as store:
            unsent = still_unsent(old_rows, store.done)
        assert previous is not None
        outbox += carry_files(previous, folder, surviving(unsent, outbox))
    write_outbox(folder, outbox)
    write_ledger(folder, result.ledger)

    counts = dict.fromkeys(Action, 0)
    for stamped in result.current:
        counts[stamped.action] += 1
    return ExportReport(
        folder=folder,
        events=len(result.current),
        new=counts[Action.NEW],
        changed=counts[Action.CHANGED],
        unchanged=counts[Action.UNCHANGED],
        cancelled=len(result.cancelled),
        uninvited=sum(1 for s in result.current if s.removed),
        outbox=tuple(sorted({row.file for row in outbox})),
        files=files,
        warnings=tuple(warnings),
    )


SUBJECT_PREFIX = {
    Action.NEW: "Inbjudan",
    Action.CHANGED: "Uppdaterad inbjudan",
    Action.CANCELLED: "Inställt",
    Action.UNINVITED: "Avbokad",
}


def _outbox_row(
    name: str,
    method: str,
    action: Action,
    recipients: Sequence[Recipient],
    stamped: Stamped,
    event: DayEvent,
) -> OutboxRow:
    return OutboxRow(
        file=f"{INVITES_FOLDER}/{name}",
        method=method,
        action=action.value,
        to=tuple(r.email for r in recipients),
        subject=f"{SUBJECT_PREFIX[action]}: {event.summary}, {local_iso(event.start)}",
        uid=event.uid,
        sequence=stamped.sequence,
        session_id=event.session_id,
        day=event.day,
        start=local_iso(event.start),
        end=local_iso(event.end),
        summary=event.summary,
    )


def _cancel_row(
    name: str,
    action: Action,
    uid: str,
    entry: LedgerEntry,
    recipients: Sequence[Recipient],
    zone: ZoneInfo,
) -> OutboxRow:
    start = entry.start.astimezone(zone)
    return OutboxRow(
        file=f"{INVITES_FOLDER}/{name}",
        method="CANCEL",
        action=action.value,
        to=tuple(r.email for r in recipients),
        subject=f"{SUBJECT_PREFIX[action]}: {entry.summary}, {local_iso(start)}",
        uid=uid,
        sequence=entry.sequence,
        session_id=entry.session_id,
        day=entry.day,
        start=local_iso(start),
        end=local_iso(entry.end.astimezone(zone)),
        summary=entry.summary,
    )


def _read_for_export(
    folder: Path, instance: str | Path | None
) -> tuple[Instance, Any, Ledger | None]:
    """The instance, schedule (a :class:`~schemalaggning.io.schedule.Schedule`) and ledger
    an export of ``folder`` works from."""
    # Imported here: the reading imports this package's ledger.
    from schemalaggning.io import read_instance, read_schedule

    read = read_schedule(folder)
    if read.problems:
        raise InputError(read.problems)
    if instance is None:
        named = read.summary.get("instance")
        if not isinstance(named, str) or not named:
            raise InputError(
                [
                    Problem(
                        "summary.json",
                        None,
                        "instance",
                        None,
                        "expected the path of the schedule's instance; pass --instance",
                    )
                ]
            )
        instance = Path(named)
        if not instance.exists():
            raise InputError(
                [
                    Problem(
                        "summary.json",
                        None,
                        "instance",
                        named,
                        f"expected an instance that exists seen from {Path.cwd()}; pass --instance",
                    )
                ]
            )
    loaded = read_instance(instance)
    problems = reference_problems(loaded, read.sessions, read.assignments)
    if problems:
        raise InputError(problems)
    return loaded, read, read_ledger(folder)


def export_ics(
    schedule: str | Path,
    instance: str | Path | None = None,
    *,
    changes_only: bool = False,
    published_at: datetime | None = None,
) -> ExportReport:
    """Write the calendars of a schedule folder into it, replacing the folder atomically.

    Parameters
    ----------
    schedule
        The schedule folder (``sessions.csv``, ``assignments.csv`` ...).
    instance
        The instance; by default the one ``summary.json`` names under ``instance``.
    changes_only
        Write only what changed since the ledger (see :func:`write_calendars`).
    published_at
        The DTSTAMP of new versions (see :func:`publication_time`).

    Raises
    ------
    InputError
        If the schedule, the instance or the ledger cannot be read, or the schedule
        names ids the instance does not know.
    """
    from schemalaggning.io import OutputFolder
    from schemalaggning.io.folders import HISTORY, MARKER

    folder = Path(schedule)
    # The folder is locked before it is read: a solve or re-plan cannot replace it
    # between the reading and the writing.
    with OutputFolder(folder, "schedule") as output:
        loaded, read, ledger = _read_for_export(folder, instance)
        reports: list[ExportReport] = []

        def write(temporary: Path) -> None:
            # Everything but the calendar files is carried over as it is (the schedule,
            # and whatever else was written beside it); the ledger was read above. The
            # history and the marker are the output folder's to carry.
            for entry in sorted(folder.iterdir()):
                if entry.name in {*MANAGED_ENTRIES, HISTORY, MARKER}:
                    continue
                if entry.is_dir() and not entry.is_symlink():
                    shutil.copytree(entry, temporary / entry.name, symlinks=True)
                else:
                    shutil.copy2(entry, temporary / entry.name, follow_symlinks=False)
            reports.append(
                write_calendars(
                    temporary,
                    loaded,
                    [s for _, s in read.sessions],
                    [a for _, a in read.assignments],
                    ledger,
                    changes_only=changes_only,
                    published_at=published_at,
                    previous=folder,
                )
            )

        output.replace(write)
    return dataclasses.replace(reports[0], folder=folder)
