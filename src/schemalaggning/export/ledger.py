"""The ledger of a schedule folder, ``ics/ledger.json``: what has been published, per UID.

For every day event ever published it holds the SEQUENCE, a digest of what the people
invited care about, the DTSTAMP and enough of the last version (time, place, title and
recipients) to update or cancel it; and the language the invitations are written in.
See :mod:`schemalaggning.export.ics` for how the calendars are reconciled with it. The
format is unchanged since version 1 (the language was added as an optional field):
folders written earlier are read as they are.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from schemalaggning.domain import Instance
from schemalaggning.export.outbox import UID_PATTERN
from schemalaggning.i18n import _
from schemalaggning.io.identity import is_same_instance, read_summary, recorded_identity
from schemalaggning.problems import InputError, Problem

FEEDS_FOLDER = "ics"
LEDGER_FILE = "ledger.json"
ROLE_PARTICIPANT = "REQ-PARTICIPANT"


def uid_stem(uid: str) -> str:
    """The part of a UID before ``@``, used to name its files: ``S1-d1``."""
    return uid.partition("@")[0]


class Recipient(BaseModel):
    """An address an invitation was sent to, kept so that it can be cancelled later."""

    model_config = ConfigDict(frozen=True)

    email: str
    name: str = ""
    role: str = ROLE_PARTICIPANT


class LedgerEntry(BaseModel):
    """The last published version of one day event."""

    model_config = ConfigDict(frozen=True)

    session_id: str
    day: int = Field(ge=1)
    sequence: int = Field(ge=0)
    digest: str
    dtstamp: datetime
    status: Literal["confirmed", "cancelled"] = "confirmed"
    start: datetime
    end: datetime
    summary: str = ""
    location: str = ""
    recipients: tuple[Recipient, ...] = ()


class Ledger(BaseModel):
    """Every day event ever published from a schedule folder, by UID.

    Parameters
    ----------
    uid_domain
        The domain part of the UIDs, fixed when the ledger is first written.
    published_at
        When the latest version of anything was published (the DTSTAMP it got).
    language
        The language the invitations are written in (``sv``, ``en``), fixed when the
        ledger is first written, so that a later run in another language neither sends
        everyone an update nor mixes languages; ``None`` in a ledger written before it
        was recorded (the run's language is then taken and kept).
    events
        The last published version of each day event, by UID; cancelled ones stay,
        so that an event that comes back continues its SEQUENCE.
    """

    model_config = ConfigDict(frozen=True)

    format: Literal[1] = 1
    uid_domain: str
    published_at: datetime | None = None
    language: str | None = None
    events: dict[str, LedgerEntry] = Field(default_factory=dict)


def ledger_path(folder: Path) -> Path:
    """Where a schedule folder keeps its ledger."""
    return folder / FEEDS_FOLDER / LEDGER_FILE


def read_ledger(folder: str | Path) -> Ledger | None:
    """The ledger of a schedule folder, or ``None`` when nothing was published from it.

    Raises
    ------
    InputError
        If the ledger exists but cannot be read: calendars written without it would send
        every invitation again and forget to cancel removed sessions.
    """
    path = ledger_path(Path(folder))
    if not path.is_file():
        return None
    label = f"{FEEDS_FOLDER}/{LEDGER_FILE}"
    try:
        ledger = Ledger.model_validate_json(path.read_bytes())
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or None
        raise InputError(
            [
                Problem(
                    label,
                    None,
                    where,
                    None,
                    f"expected the ledger as schemalaggning writes it ({first['msg']}); "
                    "restore it from a backup rather than delete it, or every invitation "
                    "is sent again",
                )
            ]
        ) from None
    except OSError as error:
        raise InputError(
            [Problem(label, None, None, None, f"expected a readable file ({error.strerror})")]
        ) from None
    problems = [
        Problem(
            label,
            None,
            f"events.{uid}",
            uid,
            f"expected the UID {entry.session_id}-d{entry.day}@<domain>, whose part before @ "
            "names its files in the schedule folder; restore the ledger from a backup",
        )
        for uid, entry in ledger.events.items()
        if not UID_PATTERN.fullmatch(uid) or uid_stem(uid) != f"{entry.session_id}-d{entry.day}"
    ]
    if problems:
        raise InputError(problems)
    return ledger


def write_ledger(folder: Path, ledger: Ledger) -> None:
    """Write the ledger into a schedule folder (sorted, so the same ledger gives the same
    bytes)."""
    path = ledger_path(folder)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = ledger.model_dump(mode="json")
    path.write_text(
        json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8"
    )


def carry_ledger(source: Path, target: Path) -> None:
    """Copy a schedule folder's ledger into the folder that replaces it.

    A schedule written without calendars must still keep the ledger: without it, the
    next calendars would not know what was sent, and could not cancel what is gone.
    """
    ledger = read_ledger(source)
    if ledger is not None:
        write_ledger(target, ledger)


def other_published(
    folder: Path, ledger: Ledger | None, instance: Instance, path: Path
) -> str | None:
    """What writing a schedule of ``instance`` into ``folder`` cancels, when the folder's
    published invitations are another instance's; ``None`` when they are not."""
    summary = read_summary(folder)
    confirmed = [e for e in ledger.events.values() if e.status == "confirmed"] if ledger else []
    if not confirmed or is_same_instance(summary, instance):
        return None
    recipients = {r.email.lower() for entry in confirmed for r in entry.recipients}
    recorded = (recorded_identity(summary) or {"name": ""})["name"]
    return _(
        '{folder} holds the published schedule of another instance, "{recorded}": a '
        'schedule of "{name}" ({path}) written into it cancels or changes its {events} '
        "published events for their {recipients} recipients at the next send"
    ).format(
        folder=folder,
        recorded=recorded,
        name=instance.settings.name,
        path=path,
        events=len(confirmed),
        recipients=len(recipients),
    )
