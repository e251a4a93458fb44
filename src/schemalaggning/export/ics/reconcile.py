"""The schedule's day events against the ledger: new, changed, unchanged and gone ones.

Each day event gets the SEQUENCE and DTSTAMP its ledger entry gives it, and the
recipients of its new version (everyone when what, when, where or who teaches changed,
else only those added), with what changed in words; a day in the ledger and no longer in
the schedule is cancelled. See :mod:`schemalaggning.export.ics` for the rules.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from schemalaggning.export.ics.events import ROLE_TRAINER, DayEvent
from schemalaggning.export.ledger import (
    Ledger,
    LedgerEntry,
    Recipient,
)
from schemalaggning.i18n import _
from schemalaggning.problems import InputError, Problem
from schemalaggning.swedish import moment_words


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
    #: Who is sent this version: everyone when what, when, where or who teaches
    #: changed, else only those added (other participants change nothing for the others).
    to: tuple[Recipient, ...] = ()
    #: Those of ``to`` who did not have the previous version: an invitation, not an update.
    fresh: tuple[Recipient, ...] = ()
    #: What changed since the previous version, in words ("" when nothing its
    #: recipients had changed).
    change: str = ""


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
    start, end, title, place and trainers (the head count and the other participants do
    not count)."""
    return (
        entry.start == event.start
        and entry.end == event.end
        and entry.summary == event.summary
        and entry.location == event.location
        and _trainers(entry.recipients) == _trainers(event.recipients)
    )


def _trainers(recipients: Sequence[Recipient]) -> list[str]:
    """The trainers among an event's recipients, by name (or address), in order."""
    return [r.name or r.email for r in recipients if r.role == ROLE_TRAINER]


def change_words(entry: LedgerEntry, event: DayEvent) -> str:
    """What changed for the attendees since the published version, old and new, in
    words; empty when nothing they were told changed."""
    changes = []
    if (entry.start, entry.end) != (event.start, event.end):
        before = entry.start.astimezone(event.start.tzinfo)
        changes.append(
            _("the time, from {before} to {after}").format(
                before=moment_words(before), after=moment_words(event.start)
            )
        )
    if entry.location != event.location:
        changes.append(
            _("the room, from {before} to {after}").format(
                before=entry.location or "-", after=event.location or "-"
            )
        )
    old, new = _trainers(entry.recipients), _trainers(event.recipients)
    if old != new:
        changes.append(
            _("the trainers, from {before} to {after}").format(
                before=", ".join(old) or "-", after=", ".join(new) or "-"
            )
        )
    if entry.summary != event.summary:
        changes.append(
            _("the course, from {before} to {after}").format(
                before=entry.summary, after=event.summary
            )
        )
    if not changes:
        return ""
    return _("Changed: {changes}.").format(changes="; ".join(changes))


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
        stamped = _stamp(event, entries.get(event.uid), published_at)
        current.append(stamped)
        if stamped.action is not Action.UNCHANGED:
            entries[event.uid] = _entry(event, stamped.sequence, stamped.dtstamp)
    cancelled = _cancel_gone(entries, {event.uid for event in events}, published_at)
    changed = cancelled or any(s.action is not Action.UNCHANGED for s in current)
    stamps = [entry.dtstamp for entry in entries.values()]
    new_ledger = Ledger(
        uid_domain=ledger.uid_domain,
        published_at=max(stamps) if changed and stamps else ledger.published_at,
        events=dict(sorted(entries.items())),
    )
    cancelled.sort(key=lambda item: (item[1].start, item[0]))
    return Reconciled(new_ledger, tuple(current), tuple(cancelled))


def _stamp(event: DayEvent, old: LedgerEntry | None, published_at: datetime) -> Stamped:
    """The event with its SEQUENCE and DTSTAMP: new, unchanged or changed since ``old``."""
    if old is None:
        return Stamped(event, 0, published_at, Action.NEW, to=event.recipients)
    if old.status == "confirmed" and old.digest == event.digest:
        return Stamped(event, old.sequence, old.dtstamp, Action.UNCHANGED)
    now = {r.email.lower() for r in event.recipients}
    confirmed = old.status == "confirmed"
    removed = tuple(r for r in old.recipients if r.email.lower() not in now) if confirmed else ()
    had = {r.email.lower() for r in old.recipients} if confirmed else set()
    to = (
        tuple(r for r in event.recipients if r.email.lower() not in had)
        if confirmed and same_for_attendees(old, event)
        else event.recipients
    )
    fresh = tuple(r for r in to if r.email.lower() not in had)
    change = change_words(old, event) if confirmed else ""
    later = _later(published_at, old.dtstamp)
    return Stamped(event, old.sequence + 1, later, Action.CHANGED, removed, to, fresh, change)


def _cancel_gone(
    entries: dict[str, LedgerEntry], present: set[str], published_at: datetime
) -> list[tuple[str, LedgerEntry]]:
    """Cancel, in ``entries``, every confirmed event no longer in the schedule; the
    cancelled ones, by UID."""
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
    return cancelled
