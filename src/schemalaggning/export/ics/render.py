"""Serialising day events as iCalendar: the organizer, the VEVENTs and the VCALENDAR."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from icalendar import (
    Calendar,
    Component,
    Event,
    vCalAddress,
    vText,
)
from icalendar.parser import Contentline, Parameters

from schemalaggning.domain import Instance
from schemalaggning.export.ics.events import UID_SUFFIX, one_line, parameter_text, slug, valid_email
from schemalaggning.export.ics.reconcile import Stamped
from schemalaggning.export.ledger import (
    LedgerEntry,
    Recipient,
)

PRODID = "-//Schemalaggning//Introduktionsprogram//SV"
CALENDAR_END = b"END:VCALENDAR\r\n"
#: The property naming a subscription feed.
CALENDAR_NAME = "x-wr-calname"
#: A calendar name no feed has (it has a line break), standing in for a feed's name in
#: the header its lines are made from.
NAME_STAND_IN = "name\nstand-in"
#: An attendee no invitation has (no ``@``), standing in for an invitation's attendees.
ATTENDEE_STAND_IN = "mailto:attendees"


class LineCache:
    """Serialises components as icalendar does, folding each distinct content line once.

    ``serialise(component)`` gives the bytes of ``component.to_ical()``: its content
    lines, each folded by icalendar, one after the other and each ended by CRLF. A
    programme's files repeat most of their lines (a person's ATTENDEE line is in every
    invitation they get, the ORGANIZER in every event), and icalendar folds a line
    character by character, which was most of the time writing a city's calendars took.
    """

    def __init__(self) -> None:
        self._folded: dict[str, bytes] = {}
        self._attendees: dict[tuple[str, str, str, bool], Contentline] = {}
        self._stand_in: Contentline = Event().content_line(
            "ATTENDEE", vCalAddress(ATTENDEE_STAND_IN)
        )

    def serialise(self, component: Component) -> bytes:
        """The component's iCalendar bytes, as ``component.to_ical()`` gives them."""
        return self.join(component.content_lines())

    def invitation(self, event: Event, recipients: Sequence[Recipient], reply: bool) -> bytes:
        """``event`` with an ATTENDEE for each recipient, as ``to_ical()`` would give it.

        A person's ATTENDEE line is made once for all the invitations written: the event
        is serialised with one stand-in attendee, whose line the recipients' lines then
        replace (the values of a property are serialised one after the other, each on a
        line of its own, where the property's name puts them). ``reply`` asks each for
        an answer (a REQUEST; not a CANCEL).
        """
        if not recipients:
            return self.serialise(event)
        event.add("attendee", vCalAddress(ATTENDEE_STAND_IN))
        lines = list(event.content_lines())
        if lines.count(self._stand_in) != 1:
            raise AssertionError("an invitation without exactly one stand-in attendee")
        at = lines.index(self._stand_in)
        lines[at : at + 1] = [self._attendee(recipient, reply) for recipient in recipients]
        return self.join(lines)

    def _attendee(self, recipient: Recipient, reply: bool) -> Contentline:
        key = (recipient.email, recipient.name, recipient.role, reply)
        line = self._attendees.get(key)
        if line is None:
            line = self._attendees[key] = Event().content_line(
                "ATTENDEE", _attendee(recipient, reply)
            )
        return line

    def join(self, lines: Iterable[Contentline]) -> bytes:
        """Content lines as icalendar joins them: each folded and ended by CRLF."""
        folded = self._folded
        parts: list[bytes] = []
        for line in lines:
            if line:
                done = folded.get(line)
                if done is None:
                    done = folded[line] = bytes(line.to_ical())  # type: ignore[no-untyped-call]
                parts.append(done)
        parts.append(b"")
        return b"\r\n".join(parts)


@dataclass(frozen=True)
class CalendarOrganizer:
    """Who the invitations come from."""

    name: str
    email: str

    def address(self) -> vCalAddress:
        """The ORGANIZER property."""
        address = vCalAddress(f"mailto:{self.email}")
        if self.name:
            address.params["CN"] = parameter_text(self.name)
        return address


def organizer_of(instance: Instance, domain: str) -> CalendarOrganizer:
    """The instance's organizer, or ``noreply@<slug>.invalid`` under the instance's name."""
    settings = instance.settings
    given = settings.organizer
    name = one_line(given.name) if given is not None else ""
    email = valid_email(given.email) if given is not None else ""
    if not email:
        email = f"noreply@{slug(domain.removesuffix('.' + UID_SUFFIX))}.invalid"
    return CalendarOrganizer(name or one_line(settings.name) or "Introduktionsprogrammet", email)


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
    organizer: CalendarOrganizer,
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


def _session_event(stamped: Stamped, organizer: CalendarOrganizer, description: str) -> Event:
    """A session day's VEVENT (not cancelled) with the given description."""
    e = stamped.event
    return _event(
        e.uid,
        e.start,
        e.end,
        e.summary,
        e.location,
        description,
        stamped.sequence,
        stamped.dtstamp,
        False,
        organizer,
    )


def feed_event(
    stamped: Stamped, organizer: CalendarOrganizer, lines: LineCache | None = None
) -> bytes:
    """A VEVENT for a PUBLISH calendar: no attendees (RFC 5546 forbids them there).

    ``lines`` is the cache of folded lines of the files being written, if any.
    """
    event = _session_event(stamped, organizer, stamped.event.description)
    return (lines or LineCache()).serialise(event)


def request_event(
    stamped: Stamped, organizer: CalendarOrganizer, lines: LineCache | None = None
) -> bytes:
    """A VEVENT for a REQUEST: every trainer (CHAIR) and participant with an address;
    the description begins with what changed, when something did.

    ``lines`` is the cache of folded lines of the files being written, if any.
    """
    e = stamped.event
    description = f"{stamped.change}\n\n{e.invite_description}" if stamped.change else None
    event = _session_event(stamped, organizer, description or e.invite_description)
    return (lines or LineCache()).invitation(event, e.recipients, reply=True)


def cancel_event(
    uid: str,
    entry: LedgerEntry,
    recipients: Sequence[Recipient],
    organizer: CalendarOrganizer,
    zone: ZoneInfo,
    note: str,
    lines: LineCache | None = None,
) -> bytes:
    """A VEVENT for a CANCEL of the version in the ledger, to the given recipients.

    ``lines`` is the cache of folded lines of the files being written, if any.
    """
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
    return (lines or LineCache()).invitation(event, recipients, reply=False)


@dataclass(frozen=True)
class CalendarFrame:
    """The parts of every calendar file but its events: header, VTIMEZONE, footer.

    ``lines`` folds the content lines of the files written with this frame (pass it to
    the events' serialisers too).
    """

    timezone: bytes
    zone_name: str = ""
    lines: LineCache = field(default_factory=LineCache, compare=False, repr=False)
    #: The content lines of a header, by method and whether it is named (then with
    #: :data:`NAME_STAND_IN` as its name).
    _headers: dict[tuple[str, bool], list[Contentline]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def render(self, method: str, events: Iterable[bytes], name: str = "") -> bytes:
        """A whole VCALENDAR with the events, each already serialised.

        A named calendar (a subscription feed) also gets ``X-WR-CALNAME`` (escaped as
        TEXT, so a comma does not cut the name) and ``X-WR-TIMEZONE``, which Apple and
        Google Calendar read as the calendar's zone.
        """
        head = self.lines.join(self._header(method, name))
        if not head.endswith(CALENDAR_END):
            raise AssertionError("an iCalendar serialisation that does not end its VCALENDAR")
        # Events are serialised once and spliced in: a person's file holds the same bytes
        # as calendar.ics for the same event, and a big programme is written fast.
        return head[: -len(CALENDAR_END)] + self.timezone + b"".join(events) + CALENDAR_END

    def _header(self, method: str, name: str) -> list[Contentline]:
        """The content lines of the VCALENDAR without its events and VTIMEZONE.

        Two feeds' headers differ only in the line of their name, so a named header's
        lines are made once with a stand-in name, and each feed's own name line is
        swapped in (a property's line depends on its name and value alone, and the
        order of the lines on the properties' names alone).
        """
        lines = self._headers.get((method, bool(name)))
        if lines is None:
            wrapper = Calendar()
            wrapper.add("prodid", PRODID)
            wrapper.add("version", "2.0")
            wrapper.add("calscale", "GREGORIAN")
            wrapper.add("method", method)
            if name:
                wrapper.add(CALENDAR_NAME, vText(NAME_STAND_IN))
                if self.zone_name:
                    wrapper.add("x-wr-timezone", vText(self.zone_name))
            lines = self._headers[method, bool(name)] = list(wrapper.content_lines())
        if not name:
            return lines
        stand_in = _name_line(NAME_STAND_IN)
        if lines.count(stand_in) != 1:
            raise AssertionError("a calendar header without exactly one name line")
        own = _name_line(name)
        return [own if line == stand_in else line for line in lines]


def _name_line(name: str) -> Contentline:
    """The content line of a calendar's name, as a VCALENDAR serialises it."""
    line: Contentline = Contentline.from_parts(CALENDAR_NAME.upper(), Parameters(), vText(name))
    return line
