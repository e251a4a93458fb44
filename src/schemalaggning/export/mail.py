"""Invitations as e-mail: iMIP messages (RFC 6047) built from the outbox's calendar files.

One message per calendar file and recipient (so what was sent can be recorded per
person, exactly once)::

    multipart/mixed
      multipart/alternative
        text/plain; charset=utf-8                    what, when, where, day k of n (Swedish)
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

The Message-ID is derived from the UID, the SEQUENCE, the METHOD and the recipient, so
a message that is sent again after a crash carries the same Message-ID as the first try,
and mail programs can tell it is the same message.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate
from pathlib import Path
from typing import Any

from icalendar import Calendar

from schemalaggning.export.outbox import OUTBOX_LABEL, OutboxRow
from schemalaggning.problems import InputError, Problem
from schemalaggning.swedish import MONTHS, WEEKDAYS

DAY_OF = re.compile(r"\(dag (\d+) av (\d+)\)")
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
    )


def swedish_time(start: datetime | date, end: datetime | date) -> str:
    """``tisdag 11 januari 2027, 08:30–16:30`` (in the event's own time zone)."""
    day = start.date() if isinstance(start, datetime) else start
    text = f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]} {day.year}"
    if isinstance(start, datetime) and isinstance(end, datetime):
        text += f", {start:%H:%M}–{end:%H:%M}"
    return text


def plain_text(invitation: Invitation, row: OutboxRow) -> str:
    """The Swedish text part: what, when, where, day k of n, and what to do."""
    found = DAY_OF.search(invitation.summary)
    day, days = (int(found.group(1)), int(found.group(2))) if found else (row.day, 1)
    if invitation.method == "CANCEL":
        if row.action == "uninvited":
            opening = "Du är inte längre kallad till detta tillfälle."
        else:
            opening = "Tillfället är inställt."
        closing = "Kalenderprogrammet tar bort eller stryker händelsen när du öppnar brevet."
    else:
        opening = (
            "Du är kallad till introduktionsprogrammet."
            if row.action == "new"
            else "Tillfället har ändrats; den här inbjudan ersätter den tidigare."
        )
        closing = "Svara med knapparna Ja/Nej i kalenderprogrammet, eller till avsändaren."
    lines = [
        opening,
        "",
        f"Vad: {invitation.summary}",
        f"När: {swedish_time(invitation.start, invitation.end)}",
        f"Var: {invitation.location or '-'}",
        f"Dag {day} av {days}",
    ]
    if invitation.description and invitation.method == "REQUEST":
        lines += ["", invitation.description]
    lines += ["", closing, ""]
    return "\n".join(lines)


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
    read = {} if read is None else read
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
    message.set_content(
        plain_text(invitation, row), subtype="plain", charset="utf-8", cte="quoted-printable"
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
