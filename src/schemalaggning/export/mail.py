"""Invitations as e-mail: iMIP messages (RFC 6047) built from the outbox's calendar files.

One message per calendar file and recipient (so what was sent can be recorded per
person, exactly once)::

    multipart/mixed
      multipart/alternative
        text/plain; charset=utf-8                    what, when, where, day k of n
        text/calendar; method=REQUEST; charset=UTF-8 the file, as it is
      application/ics; name=invite.ics               the same file, as an attachment

This is the shape Google Calendar itself sends. Outlook (desktop and web) and Apple Mail
show the calendar part as a meeting request with accept and decline buttons when its
``method`` parameter equals the file's METHOD and the file holds one VEVENT with the
recipient as an ATTENDEE (RSVP=TRUE); Gmail reads the same part. The attachment is for
programs that do not read the calendar part (and for people who forward the invitation
or save it). Both parts are base64, which keeps the file's CRLF line ends and UTF-8
text exactly. The message comes from the ORGANIZER of the file (the instance's
``organizer``), so answers go to the coordinator's mailbox.

The text part is in the current language (:mod:`schemalaggning.i18n`), worded for the
recipient's role in the file (a trainer is the event's CHAIR): a trainer leads the
session, a participant is invited to it. A participant taken off a day event is told
the new date when the schedule folder's ledger has them on the same day of the course
in another session.

The Message-ID is derived from the UID, the SEQUENCE, the METHOD and the recipient, so
a message that is sent again after a crash carries the same Message-ID as the first try,
and mail programs can tell it is the same message.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate
from functools import lru_cache
from pathlib import Path
from typing import Any

from icalendar import Calendar

from schemalaggning.export.ics.events import ROLE_TRAINER, split_day_of
from schemalaggning.export.ledger import ROLE_PARTICIPANT, Ledger, ledger_path, read_ledger
from schemalaggning.export.outbox import OUTBOX_LABEL, OutboxRow
from schemalaggning.i18n import _, language, use_language
from schemalaggning.problems import InputError, Problem
from schemalaggning.swedish import clock, full_date, moment_words

ATTACHMENT_NAME = "invite.ics"
#: Bytes as Python writes them (``: b'BEGIN:...'``) in a reader's message: the file's
#: own text, which the user has, and which may be long.
BYTES_SHOWN = re.compile(r":? b(['\"]).*", re.DOTALL)
#: The most of a reader's message that is shown.
MAX_SHOWN = 120


@dataclass(frozen=True)
class Invitation:
    """What a message needs from a calendar file: its METHOD and its one event."""

    method: str
    uid: str
    sequence: int
    summary: str
    location: str
    description: str
    start: datetime | date
    end: datetime | date
    organizer_email: str
    organizer_name: str
    attendees: dict[str, str]
    content: bytes
    #: The ROLE of each attendee, by lower-case address.
    roles: dict[str, str] = field(default_factory=dict)

    def role(self, address: str) -> str:
        """The role of a recipient in the file (a participant when it does not say)."""
        return self.roles.get(address.lower(), ROLE_PARTICIPANT)


def _address(value: Any) -> str:
    return str(value).removeprefix("mailto:").removeprefix("MAILTO:")


def _unreadable(content: bytes, error: ValueError) -> str:
    """What is wrong with a file iCalendar could not read, in words: never the file's
    bytes as Python writes them (``b'BEGIN:VCALENDAR\\r\\n...'``), nor all of a long line."""
    text = str(error)
    if not content.strip():
        return "expected an iCalendar file, but the file is empty"
    if text.startswith("Found no components"):
        return "expected a calendar from BEGIN:VCALENDAR to END:VCALENDAR, found none whole"
    if text.startswith("Found multiple components"):
        return "expected one calendar in the file, found several"
    text = BYTES_SHOWN.sub("", text)
    if len(text) > MAX_SHOWN:
        text = text[: MAX_SHOWN - 1] + "…"
    return f"expected an iCalendar file ({text})"


def _event_times(event: Any) -> tuple[datetime | date, datetime | date] | None:
    """The DTSTART and DTEND of an event, or ``None`` when one is missing or no date."""
    try:
        start, end = event.decoded("dtstart"), event.decoded("dtend")
    except (KeyError, ValueError):
        return None
    if not isinstance(start, date) or not isinstance(end, date):
        return None
    return start, end


def read_invitation(folder: Path, row: OutboxRow) -> Invitation:
    """Read the calendar file of an outbox row.

    Raises
    ------
    InputError
        If the file cannot be read, is not one event, or does not match its row.
    """

    def problem(expected: str) -> InputError:
        return InputError([Problem(row.file, None, None, None, expected)])

    try:
        content = (folder / row.file).read_bytes()
    except OSError as error:
        raise problem(f"expected a readable calendar file ({error.strerror})") from None
    try:
        parsed = Calendar.from_ical(content)
    except ValueError as error:
        raise problem(_unreadable(content, error)) from None
    events = parsed.walk("VEVENT")
    if len(events) != 1:
        raise problem(f"expected one VEVENT, found {len(events)}")
    event = events[0]
    method = str(parsed.get("method", ""))
    if method != row.method or str(event.get("uid")) != row.uid:
        raise problem(
            f"expected METHOD:{row.method} and UID:{row.uid}, as {OUTBOX_LABEL} lists it "
            f"(found METHOD:{method} and UID:{event.get('uid')})"
        )
    organizer = event.get("organizer")
    if organizer is None or isinstance(organizer, list):
        raise problem("expected one ORGANIZER")
    times = _event_times(event)
    if times is None:
        raise problem("expected a DTSTART and a DTEND, each a date or a date and time")
    sequence = str(event.get("sequence", 0))
    if not sequence.isdigit():
        raise problem(f"expected SEQUENCE to be a whole number, found {sequence}")
    attendees = event.get("attendee", [])
    if not isinstance(attendees, list):
        attendees = [attendees]
    return Invitation(
        method=method,
        uid=row.uid,
        sequence=int(sequence),
        summary=str(event.get("summary", "")),
        location=str(event.get("location", "")),
        description=str(event.get("description", "")),
        start=times[0],
        end=times[1],
        organizer_email=_address(organizer),
        organizer_name=str(organizer.params.get("CN", "")),
        attendees={
            _address(a).lower(): str(getattr(a, "params", {}).get("CN", "")) for a in attendees
        },
        content=content,
        roles={
            _address(a).lower(): str(getattr(a, "params", {}).get("ROLE", ROLE_PARTICIPANT))
            for a in attendees
        },
    )


def when_words(start: datetime | date, end: datetime | date) -> str:
    """``tisdag 11 januari 2027, 08:30–16:30`` (in the event's own time zone)."""
    day = start.date() if isinstance(start, datetime) else start
    text = full_date(day)
    if isinstance(start, datetime) and isinstance(end, datetime):
        text += f", {clock(start)}–{clock(end)}"
    return text


@dataclass(frozen=True)
class Reader:
    """Who a message is to: their role in the file, and, for a participant taken off a
    day event, when they now have the same day of the course (``None`` if unknown)."""

    role: str = ROLE_PARTICIPANT
    moved_to: datetime | None = None

    @property
    def trainer(self) -> bool:
        """Whether the reader leads the session."""
        return self.role == ROLE_TRAINER


def opening(invitation: Invitation, row: OutboxRow, reader: Reader) -> list[str]:
    """What the message is about, and for a cancellation why, in the reader's words."""
    if invitation.method != "CANCEL":
        if row.action != "new":
            return [_("The session has changed; this invitation replaces the earlier one.")]
        if reader.trainer:
            return [_("You lead this session of the introduction programme.")]
        return [_("You are invited to the introduction programme.")]
    if row.action != "uninvited":
        lines = [_("The session is cancelled.")]
    elif reader.trainer:
        lines = [_("You no longer lead this session.")]
    else:
        lines = [_("You are no longer invited to this session.")]
    if reader.moved_to is not None:
        lines.append(
            _("Your new place is {when}; its invitation comes in a message of its own.").format(
                when=moment_words(reader.moved_to)
            )
        )
    return lines


def plain_text(invitation: Invitation, row: OutboxRow, reader: Reader | None = None) -> str:
    """The text part: what, when, where, day k of n, and what to do, for the reader.

    The day of a session of several days is said once: not in the title, and the
    description's own line of it is left out.
    """
    reader = reader or Reader()
    found = split_day_of(invitation.summary)
    what = found[0] if found else invitation.summary
    lines = [
        *opening(invitation, row, reader),
        "",
        _("What: {what}").format(what=what),
        _("When: {when}").format(when=when_words(invitation.start, invitation.end)),
        _("Where: {where}").format(where=invitation.location or "-"),
    ]
    day_line = ""
    if found:
        day_line = _("Day {day} of {days}").format(day=found[1], days=found[2])
        lines.append(day_line)
    if invitation.description and invitation.method == "REQUEST":
        lines += ["", *described(invitation, day_line, reader)]
    if invitation.method == "CANCEL":
        closing = _(
            "Your calendar program removes or strikes out the event when you open the message."
        )
    else:
        closing = _("Answer with the Yes/No buttons in your calendar program, or to the sender.")
    lines += ["", closing, ""]
    return "\n".join(lines)


def described(invitation: Invitation, day_line: str, reader: Reader) -> list[str]:
    """The event's description for the reader, without what the message has said above
    it (the day of several, the room) and, for a participant, without the session's id
    (the trainers and the coordinator use it)."""
    said = {day_line, _("Room: {room}").format(room=invitation.location)}
    session = _("Session: {session}").partition("{session}")[0]
    return [
        line
        for line in invitation.description.splitlines()
        if line not in said and (reader.trainer or not line.startswith(session))
    ]


def reader_of(folder: Path, invitation: Invitation, row: OutboxRow, address: str) -> Reader:
    """The reader of one message: their role, and a participant's new date when the row
    takes them off a day event and the folder's ledger has them on it in another session."""
    role = invitation.role(address)
    if invitation.method != "CANCEL" or role != ROLE_PARTICIPANT:
        return Reader(role)
    return Reader(role, moved_to(folder, row, address, invitation.start))


def moved_to(
    folder: Path, row: OutboxRow, address: str, zone_of: datetime | date
) -> datetime | None:
    """When the address now has the day event that ``row`` takes them off, in another
    session: the earliest start of an event with the same title (the course and its day)
    that the folder's ledger invites them to. In the time zone of ``zone_of`` when it has
    one; ``None`` when there is no such event, or no ledger to tell (an unreadable ledger
    leaves the date out rather than stop the mail)."""
    path = ledger_path(folder)
    try:
        stat = path.stat()
    except OSError:
        return None
    places = _places(folder, stat.st_mtime_ns, stat.st_size)
    starts = [
        start for uid, start in places.get((address.lower(), row.summary), []) if uid != row.uid
    ]
    if not starts:
        return None
    start = min(starts)
    zone = zone_of.tzinfo if isinstance(zone_of, datetime) else None
    return start.astimezone(zone) if zone is not None and start.tzinfo is not None else start


@lru_cache(maxsize=2)
def _ledger(folder: Path, modified: int, size: int) -> Ledger | None:
    """A folder's ledger, read once per version (``modified`` and ``size`` tell a new
    one), however many messages ask; ``None`` when there is none or it is damaged."""
    del modified, size
    try:
        return read_ledger(folder)
    except InputError:
        return None


def ledger_of(folder: Path) -> Ledger | None:
    """The ledger of a schedule folder as it is now (see :func:`_ledger`)."""
    try:
        stat = ledger_path(folder).stat()
    except OSError:
        return None
    return _ledger(folder, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=4)
def _places(
    folder: Path, modified: int, size: int
) -> dict[tuple[str, str], list[tuple[str, datetime]]]:
    """The confirmed day events of a folder's ledger by (recipient's address, title): each
    event's UID and start. Indexed once per version of the ledger."""
    ledger = _ledger(folder, modified, size)
    return _index(ledger) if ledger is not None else {}


def invitation_language(folder: Path) -> str:
    """The language a folder's invitations are written in: the ledger's, else the
    current one. A message's text follows it, so that it reads as its calendar does."""
    ledger = ledger_of(folder)
    return (ledger.language if ledger is not None else None) or language()


def _index(ledger: Ledger) -> dict[tuple[str, str], list[tuple[str, datetime]]]:
    places: dict[tuple[str, str], list[tuple[str, datetime]]] = {}
    for uid, entry in ledger.events.items():
        if entry.status != "confirmed":
            continue
        for recipient in entry.recipients:
            places.setdefault((recipient.email.lower(), entry.summary), []).append(
                (uid, entry.start)
            )
    return places


def message_id(row: OutboxRow, address: str, domain: str) -> str:
    """The Message-ID of one message: the same for every try of the same message."""
    digest = hashlib.sha256(address.lower().encode("utf-8")).hexdigest()[:12]
    stem = row.uid.partition("@")[0]
    return f"<{stem}.s{row.sequence}.{row.method.lower()}.{digest}@{domain}>"


def build_message(
    folder: Path, row: OutboxRow, address: str, read: dict[str, Invitation] | None = None
) -> EmailMessage:
    """The iMIP message of one outbox row to one of its addresses.

    Parameters
    ----------
    folder
        The schedule folder the row's file is in.
    row
        The outbox row.
    address
        The recipient, one of ``row.to``.
    read
        The files already read, by name (a file is read once for all its recipients).
    """
    with use_language(invitation_language(folder)):
        return _message(folder, row, address, {} if read is None else read)


def _message(
    folder: Path, row: OutboxRow, address: str, read: dict[str, Invitation]
) -> EmailMessage:
    """:func:`build_message` in the language of the folder's invitations."""
    invitation = read.get(row.file)
    if invitation is None:
        invitation = read[row.file] = read_invitation(folder, row)
    organizer = invitation.organizer_email
    message = EmailMessage(policy=SMTP)
    # Address objects, not formatted text: a name with a comma (``Introduktionsprogrammet,
    # Göteborgs Stad``) is then quoted, rather than read as two addresses.
    message["From"] = Address(invitation.organizer_name, addr_spec=organizer)
    message["To"] = Address(invitation.attendees.get(address.lower(), ""), addr_spec=address)
    message["Subject"] = row.subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = message_id(row, address, organizer.rpartition("@")[2] or "localhost")
    message["Auto-Submitted"] = "auto-generated"
    reader = reader_of(folder, invitation, row, address)
    message.set_content(
        plain_text(invitation, row, reader),
        subtype="plain",
        charset="utf-8",
        cte="quoted-printable",
    )
    message.add_alternative(
        invitation.content,
        maintype="text",
        subtype="calendar",
        params={"method": invitation.method, "charset": "UTF-8"},
        cte="base64",
    )
    message.make_mixed()
    message.add_attachment(
        invitation.content,
        maintype="application",
        subtype="ics",
        filename=ATTACHMENT_NAME,
        cte="base64",
    )
    return message
