"""Serialising day events as iCalendar: the organizer, the VEVENTs and the VCALENDAR."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from icalendar import (
    Calendar,
    Event,
    vCalAddress,
    vText,
)

from schemalaggning.domain import Instance
from schemalaggning.export.ics.events import UID_SUFFIX, one_line, parameter_text, slug, valid_email
from schemalaggning.export.ics.reconcile import Stamped
from schemalaggning.export.ledger import (
    LedgerEntry,
    Recipient,
)

PRODID = "-//Schemalaggning//Introduktionsprogram//SV"


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
