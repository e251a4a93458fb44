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
    invites/<session_id>-d<k>-invite.ics METHOD:REQUEST of a changed day to those new to it
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
  REQUEST is put in the outbox (to everyone when its time, place, title or trainers
  changed, saying what changed; else to those added), and a CANCEL to anyone taken off
  the event;
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

The package's modules, by what they do:

- :mod:`~schemalaggning.export.ics.timezone`: the VTIMEZONE, from the zone's transitions;
- :mod:`~schemalaggning.export.ics.events`: the day events of a schedule, their text and
  UIDs, and the ids a schedule may name;
- :mod:`~schemalaggning.export.ics.reconcile`: the day events against the ledger;
- :mod:`~schemalaggning.export.ics.render`: VEVENTs and VCALENDARs as bytes;
- :mod:`~schemalaggning.export.ics.files`: the files written into a schedule folder;
- :mod:`~schemalaggning.export.ics.command`: ``export ics`` on an existing folder.

The ledger itself is :mod:`schemalaggning.export.ledger`, the outbox
:mod:`schemalaggning.export.outbox`.
"""

from __future__ import annotations

from schemalaggning.export.ics.command import (
    export_ics,
)
from schemalaggning.export.ics.events import (
    FOLDED_LETTERS,
    MAX_SLUG,
    ROLE_TRAINER,
    UID_SUFFIX,
    Attendee,
    DayEvent,
    course_summary,
    day_events,
    event_uid,
    one_line,
    parameter_text,
    schedule_reference_problems,
    session_days,
    slug,
    uid_domain,
    valid_email,
)
from schemalaggning.export.ics.files import (
    CALENDAR_FILE,
    MANAGED_ENTRIES,
    SUBJECT_PREFIX,
    ExportReport,
    inside,
    write_calendars,
)
from schemalaggning.export.ics.reconcile import (
    Action,
    Reconciled,
    Stamped,
    publication_time,
    reconcile,
    same_for_attendees,
)
from schemalaggning.export.ics.render import (
    PRODID,
    CalendarFrame,
    CalendarOrganizer,
    LineCache,
    cancel_event,
    feed_event,
    organizer_of,
    request_event,
)
from schemalaggning.export.ics.timezone import (
    SCAN_STEP,
    WEEKDAY_CODES,
    Observance,
    Transition,
    ZoneState,
    observances,
    vtimezone,
    weekday_rules,
    zone_state,
    zone_transitions,
)
from schemalaggning.export.ledger import (
    FEEDS_FOLDER,
    LEDGER_FILE,
    ROLE_PARTICIPANT,
    Ledger,
    LedgerEntry,
    Recipient,
    carry_ledger,
    ledger_path,
    read_ledger,
    uid_stem,
    write_ledger,
)
from schemalaggning.export.outbox import (
    OUTBOX_COLUMNS,
)

__all__ = [
    "CALENDAR_FILE",
    "FEEDS_FOLDER",
    "FOLDED_LETTERS",
    "LEDGER_FILE",
    "MANAGED_ENTRIES",
    "MAX_SLUG",
    "OUTBOX_COLUMNS",
    "PRODID",
    "ROLE_PARTICIPANT",
    "ROLE_TRAINER",
    "SCAN_STEP",
    "SUBJECT_PREFIX",
    "UID_SUFFIX",
    "WEEKDAY_CODES",
    "Action",
    "Attendee",
    "CalendarFrame",
    "CalendarOrganizer",
    "DayEvent",
    "ExportReport",
    "Ledger",
    "LedgerEntry",
    "LineCache",
    "Observance",
    "Recipient",
    "Reconciled",
    "Stamped",
    "Transition",
    "ZoneState",
    "cancel_event",
    "carry_ledger",
    "course_summary",
    "day_events",
    "event_uid",
    "export_ics",
    "feed_event",
    "inside",
    "ledger_path",
    "observances",
    "one_line",
    "organizer_of",
    "parameter_text",
    "publication_time",
    "read_ledger",
    "reconcile",
    "request_event",
    "same_for_attendees",
    "schedule_reference_problems",
    "session_days",
    "slug",
    "uid_domain",
    "uid_stem",
    "valid_email",
    "vtimezone",
    "weekday_rules",
    "write_calendars",
    "write_ledger",
    "zone_state",
    "zone_transitions",
]
