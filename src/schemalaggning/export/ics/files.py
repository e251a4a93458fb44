"""Writing a schedule's calendar files: the feeds, the invitations, the outbox and the ledger."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from schemalaggning.domain import Assignment, Instance, Session
from schemalaggning.export.ics.events import DayEvent, day_events, one_line, uid_domain
from schemalaggning.export.ics.reconcile import Action, Stamped, publication_time, reconcile
from schemalaggning.export.ics.render import (
    CalendarFrame,
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
    OUTBOX_FILE,
    OutboxRow,
    carry_files,
    read_outbox,
    still_unsent,
    surviving,
    write_outbox,
)
from schemalaggning.export.sent import copy_store, open_store
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
    written = _Files(folder)

    # Subscription feeds: the whole programme, and each person's, trainer's and room's.
    feed = {s.event.uid: feed_event(s, organizer, frame.lines) for s in result.current}
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
    written.write(frame.render("PUBLISH", feed.values(), title), CALENDAR_FILE)
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
            written.write(content, FEEDS_FOLDER, kind, f"{owner_id}.ics")

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
            body = request_event(stamped, organizer, frame.lines)
            written.write(frame.render("REQUEST", [body]), INVITES_FOLDER, name)
            if to_send:
                outbox.append(
                    _outbox_row(name, "REQUEST", stamped.action, stamped.to, stamped, event)
                )
        if stamped.removed:
            entry = ledger.events[event.uid].model_copy(
                update={"sequence": stamped.sequence, "dtstamp": stamped.dtstamp}
            )
            note = "Du är inte längre kallad till detta tillfälle."
            body = cancel_event(
                event.uid, entry, stamped.removed, organizer, zone, note, frame.lines
            )
            uninvite = f"{uid_stem(event.uid)}-uninvite.ics"
            written.write(frame.render("CANCEL", [body]), INVITES_FOLDER, uninvite)
            outbox.append(
                _cancel_row(uninvite, Action.UNINVITED, event.uid, entry, stamped.removed, zone)
            )
    for uid, entry in result.cancelled:
        if not entry.recipients:
            continue
        note = "Tillfället är inställt."
        body = cancel_event(uid, entry, entry.recipients, organizer, zone, note, frame.lines)
        name = f"{uid_stem(uid)}-cancel.ics"
        written.write(frame.render("CANCEL", [body]), INVITES_FOLDER, name)
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
        files=written.count,
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
