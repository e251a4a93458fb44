"""Writing a schedule's calendar files: the feeds, the invitations, the outbox and the ledger."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from schemalaggning.domain import Assignment, Instance, Session
from schemalaggning.export.ics.events import DayEvent, day_events, one_line, uid_domain
from schemalaggning.export.ics.reconcile import (
    Action,
    Reconciled,
    Stamped,
    publication_time,
    reconcile,
)
from schemalaggning.export.ics.render import (
    CalendarFrame,
    CalendarOrganizer,
    cancel_event,
    feed_event,
    organizer_of,
    request_event,
)
from schemalaggning.export.ics.timezone import vtimezone
from schemalaggning.export.ledger import (
    FEEDS_FOLDER,
    Ledger,
    LedgerEntry,
    Recipient,
    uid_stem,
    write_ledger,
)
from schemalaggning.export.outbox import (
    INVITES_FOLDER,
    OutboxRow,
    carry_files,
    read_outbox,
    still_unsent,
    surviving,
    write_outbox,
)
from schemalaggning.export.sent import copy_store, open_store
from schemalaggning.i18n import N_, Messages, _, language, use_language
from schemalaggning.swedish import moment_words
from schemalaggning.timegrid import local_iso

CALENDAR_FILE = "calendar.ics"
#: The files and folders an export owns in a schedule folder; everything else is kept.
MANAGED_ENTRIES = (CALENDAR_FILE, FEEDS_FOLDER, INVITES_FOLDER)


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


def inside(folder: Path, *parts: str) -> Path:
    """``folder / parts`` after making sure it stays inside the folder.

    Ids are validated to safe file names when they are read; this is the last guard
    before a file is written.
    """
    path = folder.joinpath(*parts)
    if not path.resolve().is_relative_to(folder.resolve()):
        raise ValueError(f"{path} would be written outside {folder}")
    return path


class _Files:
    """Writes the files of an export into a folder, each checked to stay inside it.

    What :func:`inside` checks, with the folder resolved once and each subfolder made
    once: a city's export writes a file for every person.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.root = folder.resolve()
        self.made: set[Path] = set()
        self.count = 0

    def write(self, content: bytes, *parts: str) -> None:
        path = self.folder.joinpath(*parts)
        if not path.resolve().is_relative_to(self.root):
            raise ValueError(f"{path} would be written outside {self.folder}")
        if path.parent not in self.made:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.made.add(path.parent)
        path.write_bytes(content)
        self.count += 1


def _year_range(instance: Instance, moments: Iterable[datetime]) -> tuple[int, int]:
    years = [instance.settings.horizon_start.year, instance.settings.horizon_end.year]
    years += [moment.year for moment in moments]
    return min(years), max(years)


#: The language of the invitations of a ledger written before it recorded one.
PUBLISHED_BEFORE_LANGUAGE = "sv"


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
    What was written, and the files to mail. The invitations are written in the language
    the ledger records (the current one for a first publication, then kept).

    Raises
    ------
    InputError
        If the previous folder's outbox or store is damaged, or a file it still has to
        mail is missing.
    """
    ledger = ledger or Ledger(uid_domain=uid_domain(instance))
    if ledger.language is None:
        # A ledger that published before the language was recorded published in Swedish,
        # the language every invitation was written in by default.
        first = PUBLISHED_BEFORE_LANGUAGE if ledger.events else language()
        ledger = ledger.model_copy(update={"language": first})
    with use_language(ledger.language or language()):
        return _write_calendars(
            Path(folder),
            instance,
            (sessions, assignments),
            ledger,
            changes_only=changes_only,
            published_at=published_at,
            previous=previous,
        )


def _write_calendars(
    folder: Path,
    instance: Instance,
    schedule: tuple[Sequence[Session], Sequence[Assignment]],
    ledger: Ledger,
    *,
    changes_only: bool,
    published_at: datetime | None,
    previous: Path | None,
) -> ExportReport:
    """:func:`write_calendars` in the language of the ledger's invitations."""
    sessions, assignments = schedule
    old_rows = read_outbox(previous) if previous is not None else []
    events = day_events(instance, sessions, assignments, ledger.uid_domain)
    result = reconcile(events, ledger, publication_time(published_at))
    frame = _frame(instance, events, result.cancelled)
    writer = _Publication(
        _Files(folder), frame, organizer_of(instance, ledger.uid_domain), ledger, result
    )
    writer.history = {s.session_id for s in sessions if s.past}
    writer.moment = publication_time(published_at)
    writer.feeds(instance)
    warnings = writer.invitations(changes_only)
    writer.cancellations()
    outbox = writer.outbox + _carried_over(folder, previous, old_rows, writer.outbox, ledger)
    write_outbox(folder, outbox)
    write_ledger(folder, result.ledger.model_copy(update={"language": ledger.language}))
    return _report(folder, result, outbox, writer.files.count, warnings)


def _frame(
    instance: Instance, events: Sequence[DayEvent], cancelled: Sequence[tuple[str, LedgerEntry]]
) -> CalendarFrame:
    """The calendar frame of an export: its time zone for every year it reaches."""
    zone_name = instance.settings.timezone
    first_year, last_year = _year_range(
        instance, [e.start for e in events] + [entry.start for _, entry in cancelled]
    )
    return CalendarFrame(bytes(vtimezone(zone_name, first_year, last_year).to_ical()), zone_name)


@dataclass
class _Publication:
    """The files of one export as they are written: feeds, invitations, cancellations."""

    files: _Files
    frame: CalendarFrame
    organizer: CalendarOrganizer
    ledger: Ledger
    result: Reconciled
    outbox: list[OutboxRow] = field(default_factory=list)
    #: The sessions that are history (``past``): nobody is told they are off one.
    history: set[str] = field(default_factory=set)
    #: When this is published: a day event that ended before it is history too.
    moment: datetime = field(default_factory=lambda: datetime.min.replace(tzinfo=UTC))

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.frame.zone_name)

    def feeds(self, instance: Instance) -> None:
        """The subscription feeds: the whole programme, and each person's, trainer's and
        room's. Everyone gets a file, also with no sessions yet, so a subscription made
        today keeps working when sessions are added."""
        title = one_line(instance.settings.name) or "Introduktionsprogrammet"
        feed = {
            s.event.uid: feed_event(s, self.organizer, self.frame.lines)
            for s in self.result.current
        }
        by_owner: dict[tuple[str, str], list[bytes]] = defaultdict(list)
        for stamped in self.result.current:
            event = stamped.event
            for person_id in event.person_ids:
                by_owner["people", person_id].append(feed[event.uid])
            for trainer_id in event.trainer_ids:
                by_owner["trainers", trainer_id].append(feed[event.uid])
            by_owner["rooms", event.room_id].append(feed[event.uid])
        self.files.write(self.frame.render("PUBLISH", feed.values(), title), CALENDAR_FILE)
        for kind, owner_id, name in _owners(instance):
            content = self.frame.render(
                "PUBLISH", by_owner.get((kind, owner_id), []), f"{title}: {name or owner_id}"
            )
            self.files.write(content, FEEDS_FOLDER, kind, f"{owner_id}.ics")

    def invitations(self, changes_only: bool) -> list[str]:
        """One REQUEST per day event (only those to send when ``changes_only``), and a
        CANCEL to those no longer invited; the warnings of events nobody can be invited to."""
        warnings: list[str] = []
        for stamped in self.result.current:
            event = stamped.event
            if not event.recipients:
                # A REQUEST needs at least one attendee; those without an address are
                # told some other way, as the warning says.
                if stamped.action is not Action.UNCHANGED:
                    warnings.append(
                        f"session {event.session_id}, day {event.day}: nobody to invite "
                        "(no trainer or participant has an e-mail address)"
                    )
            elif stamped.to or not changes_only:
                self._request(stamped)
            if stamped.removed:
                self._uninvite(stamped)
        return warnings

    def _request(self, stamped: Stamped) -> None:
        """The REQUEST of a day event, and its rows of the outbox: an update (saying
        what changed) to those who had the event, an invitation to those new to it."""
        event = stamped.event
        name = f"{uid_stem(event.uid)}.ics"
        self._write_request(stamped, name)
        if not stamped.to:
            return
        if stamped.action is not Action.CHANGED or not stamped.fresh:
            self.outbox.append(
                _outbox_row(name, "REQUEST", stamped.action, stamped.to, stamped, event)
            )
            return
        invitation = f"{uid_stem(event.uid)}-invite.ics"
        self._write_request(replace(stamped, change=""), invitation)
        self.outbox.append(
            _outbox_row(invitation, "REQUEST", Action.NEW, stamped.fresh, stamped, event)
        )
        updated = tuple(r for r in stamped.to if r not in stamped.fresh)
        if updated:
            self.outbox.append(
                _outbox_row(name, "REQUEST", Action.CHANGED, updated, stamped, event)
            )

    def _write_request(self, stamped: Stamped, name: str) -> None:
        body = request_event(stamped, self.organizer, self.frame.lines)
        self.files.write(self.frame.render("REQUEST", [body]), INVITES_FOLDER, name)

    def _uninvite(self, stamped: Stamped) -> None:
        uid = stamped.event.uid
        entry = self.ledger.events[uid].model_copy(
            update={"sequence": stamped.sequence, "dtstamp": stamped.dtstamp}
        )
        if self._is_history(entry):
            # Someone who did not come to a session that is over is not sent word that
            # they are no longer on it: the sign-in list says it, and the re-plan gives
            # them the course again with an invitation of its own.
            return
        note = _(NO_LONGER_INVITED)
        body = cancel_event(
            uid, entry, stamped.removed, self.organizer, self.zone, note, self.frame.lines
        )
        name = f"{uid_stem(uid)}-uninvite.ics"
        self.files.write(self.frame.render("CANCEL", [body]), INVITES_FOLDER, name)
        self.outbox.append(
            _cancel_row(name, Action.UNINVITED, uid, entry, stamped.removed, self.zone)
        )

    def _is_history(self, entry: LedgerEntry) -> bool:
        """Whether a published day event is over: its session is history (``past``),
        or it ended before this publication."""
        return entry.session_id in self.history or entry.end <= self.moment

    def cancellations(self) -> None:
        """A CANCEL to everyone invited to a day event that is gone."""
        note = _(SESSION_CANCELLED)
        for uid, entry in self.result.cancelled:
            if not entry.recipients or self._is_history(entry):
                continue
            body = cancel_event(
                uid, entry, entry.recipients, self.organizer, self.zone, note, self.frame.lines
            )
            name = f"{uid_stem(uid)}-cancel.ics"
            self.files.write(self.frame.render("CANCEL", [body]), INVITES_FOLDER, name)
            self.outbox.append(
                _cancel_row(name, Action.CANCELLED, uid, entry, entry.recipients, self.zone)
            )


def _owners(instance: Instance) -> Iterator[tuple[str, str, str]]:
    """Every person, trainer and room with a feed: its folder, id and name."""
    for person in instance.people:
        yield "people", person.person_id, one_line(person.name)
    for trainer in instance.trainers:
        yield "trainers", trainer.trainer_id, one_line(trainer.name)
    for room in instance.rooms:
        yield "rooms", room.room_id, one_line(room.name)


def _carried_over(
    folder: Path,
    previous: Path | None,
    old_rows: list[OutboxRow],
    outbox: list[OutboxRow],
    ledger: Ledger,
) -> list[OutboxRow]:
    """What the previous folder still had to mail, unless a newer version replaces it
    for the same address; its store of what was sent comes along."""
    if previous is None or not copy_store(previous, folder):
        open_store(folder, ledger.events).close()
    if previous is None or not old_rows:
        return []
    with open_store(folder) as store:
        unsent = still_unsent(old_rows, store.done)
    return carry_files(previous, folder, surviving(unsent, outbox))


def _report(
    folder: Path, result: Reconciled, outbox: list[OutboxRow], files: int, warnings: list[str]
) -> ExportReport:
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


#: What a message is, first in its subject: ``Inbjudan``, ``Inställt`` ...
SUBJECT_PREFIX: Mapping[Action, str] = Messages(
    {
        Action.NEW: N_("Invitation"),
        Action.CHANGED: N_("Updated invitation"),
        Action.CANCELLED: N_("Cancelled"),
        # Translators: the subject of a message to someone taken off a session.
        Action.UNINVITED: N_("No longer invited"),
    }
)
#: The description of a cancellation to those taken off a session (and the first line of
#: its message to a participant).
NO_LONGER_INVITED = N_("You are no longer invited to this session.")
#: The description of a cancelled session's cancellation.
SESSION_CANCELLED = N_("The session is cancelled.")


def subject(action: Action, summary: str, start: datetime) -> str:
    """A message's subject: what it is, the course and when, in words:
    ``Inbjudan: Dokumentation och kommunikation, måndag 15 mars 2027 kl. 08.30``."""
    # Translators: a message's subject: "Invitation: Documentation, Monday ... at 08:30".
    return _("{what}: {course}, {when}").format(
        what=SUBJECT_PREFIX[action], course=summary, when=moment_words(start)
    )


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
        subject=subject(action, event.summary, event.start),
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
        subject=subject(action, entry.summary, start),
        uid=uid,
        sequence=entry.sequence,
        session_id=entry.session_id,
        day=entry.day,
        start=local_iso(start),
        end=local_iso(entry.end.astimezone(zone)),
        summary=entry.summary,
    )
