"""The outbox, ``invites/outbox.csv``: every invitation and cancellation still to be mailed.

Each row is one calendar file and the addresses it is still to be mailed to. An export
adds the rows of what changed; the rows of the outbox it replaces stay, with their
files, for every address that has not been sent the message yet (see
:mod:`schemalaggning.export.sent`), unless a newer version of the same event (same UID,
higher or equal SEQUENCE) is listed for the same address. Only ``send`` takes rows away,
when it has sent them, or when it is told to discard them. A kept file whose name the
new export uses for another version moves to ``invites/unsent/``.

Cells are written through :func:`~schemalaggning.io.tables.spreadsheet_safe` (the file
is meant to be opened in Excel) and read back through its inverse.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from schemalaggning.i18n import _
from schemalaggning.io.tables import decode, from_spreadsheet, write_csv
from schemalaggning.problems import InputError, Problem

INVITES_FOLDER = "invites"
UNSENT_FOLDER = "unsent"
OUTBOX_FILE = "outbox.csv"
OUTBOX_LABEL = f"{INVITES_FOLDER}/{OUTBOX_FILE}"
OUTBOX_COLUMNS = (
    "file",
    "method",
    "action",
    "to",
    "subject",
    "uid",
    "sequence",
    "session_id",
    "day",
    "start",
    "end",
    "summary",
)
#: A file the outbox may name: a calendar file in ``invites/`` or ``invites/unsent/``.
FILE_PATTERN = re.compile(r"invites/(unsent/)?[A-Za-z0-9_.-]+\.ics")
#: The part of a UID before ``@`` is the stem of its files, so it must be a safe name.
UID_PATTERN = re.compile(r"[A-Za-z0-9_.-]+-d[1-9][0-9]*@[^\s@/\\]+")
METHODS = ("REQUEST", "CANCEL")
RECIPIENT_SEPARATOR = "; "

#: Whether a message (UID, SEQUENCE, METHOD) needs nothing more for an address.
Done = Callable[[str, int, str, str], bool]


@dataclass(frozen=True)
class OutboxRow:
    """One calendar file of the outbox and the addresses it is still to be mailed to."""

    file: str
    method: str
    action: str
    to: tuple[str, ...]
    subject: str
    uid: str
    sequence: int
    session_id: str
    day: int
    start: str
    end: str
    summary: str

    def cells(self) -> dict[str, Any]:
        """The row as the CSV file holds it (before spreadsheet neutralising)."""
        return {
            "file": self.file,
            "method": self.method,
            "action": self.action,
            "to": RECIPIENT_SEPARATOR.join(self.to),
            "subject": self.subject,
            "uid": self.uid,
            "sequence": self.sequence,
            "session_id": self.session_id,
            "day": self.day,
            "start": self.start,
            "end": self.end,
            "summary": self.summary,
        }

    def sort_key(self) -> tuple[str, str, bool, int, str]:
        """In the order of the events' dates; a day's cancellation to those taken off it
        comes after its new invitation."""
        return (self.start, self.uid, self.method == "CANCEL", self.sequence, self.file)


def outbox_path(folder: Path) -> Path:
    """Where a schedule folder keeps its outbox."""
    return folder / INVITES_FOLDER / OUTBOX_FILE


def write_outbox(folder: Path, rows: Iterable[OutboxRow]) -> None:
    """Write the outbox (sorted), every cell safe to open in a spreadsheet.

    The file is written beside and renamed into place, so a crash leaves the old or the
    new outbox, never half of one.
    """
    path = outbox_path(folder)
    path.parent.mkdir(parents=True, exist_ok=True)
    ordered = sorted((row for row in rows if row.to), key=OutboxRow.sort_key)
    safe = [{column: str(value) for column, value in row.cells().items()} for row in ordered]
    temporary = path.with_name(f".{OUTBOX_FILE}.{os.getpid()}")
    write_csv(temporary, list(OUTBOX_COLUMNS), safe)
    temporary.replace(path)


def read_outbox(folder: Path) -> list[OutboxRow]:
    """The outbox of a schedule folder (empty when there is none).

    Raises
    ------
    InputError
        Every row that cannot be taken as written by schemalaggning, with its row,
        column, value and what was expected.
    """
    path = outbox_path(folder)
    if not path.is_file():
        return []
    try:
        text = decode(path.read_bytes(), OUTBOX_LABEL)
    except OSError as error:
        raise InputError(
            [
                Problem(
                    OUTBOX_LABEL,
                    None,
                    None,
                    None,
                    f"expected a readable file ({error.strerror or error})",
                )
            ]
        ) from None
    records = list(csv.reader(io.StringIO(text, newline="")))
    if not records:
        return []
    header = [cell.strip().lower() for cell in records[0]]
    missing = [column for column in OUTBOX_COLUMNS if column not in header]
    if missing:
        raise InputError(
            [
                Problem(OUTBOX_LABEL, 1, column, None, _("expected this column in the header row"))
                for column in missing
            ]
        )
    problems: list[Problem] = []
    rows: list[OutboxRow] = []
    for number, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue
        cells = {
            column: from_spreadsheet(record[i]) if i < len(record) else ""
            for i, column in enumerate(header)
        }
        row = _parse_row(cells, number, problems)
        if row is not None:
            rows.append(row)
    if problems:
        raise InputError(problems)
    return rows


def _parse_row(cells: dict[str, str], number: int, problems: list[Problem]) -> OutboxRow | None:
    found: list[Problem] = []

    def problem(column: str, expected: str) -> None:
        found.append(Problem(OUTBOX_LABEL, number, column, cells.get(column), expected))

    if not FILE_PATTERN.fullmatch(cells["file"]):
        problem("file", "expected a calendar file in invites/, such as invites/S1-d1.ics")
    if cells["method"] not in METHODS:
        problem("method", "expected REQUEST or CANCEL")
    if not UID_PATTERN.fullmatch(cells["uid"]):
        problem("uid", "expected a UID such as S1-d1@goteborg.schemalaggning")
    numbers: dict[str, int] = {}
    for column in ("sequence", "day"):
        text = cells[column].strip()
        if not text.isdigit():
            problem(column, "expected a whole number")
        else:
            numbers[column] = int(text)
    to = tuple(address.strip() for address in cells["to"].split(";") if address.strip())
    if not to:
        problem("to", "expected one or more addresses separated by ;")
    problems += found
    if found:
        return None
    return OutboxRow(
        file=cells["file"],
        method=cells["method"],
        action=cells["action"],
        to=to,
        subject=cells["subject"],
        uid=cells["uid"],
        sequence=numbers["sequence"],
        session_id=cells["session_id"],
        day=numbers["day"],
        start=cells["start"],
        end=cells["end"],
        summary=cells["summary"],
    )


def still_unsent(rows: Sequence[OutboxRow], done: Done) -> list[OutboxRow]:
    """The rows with only the addresses that still need the message."""
    kept: list[OutboxRow] = []
    for row in rows:
        to = tuple(a for a in row.to if not done(row.uid, row.sequence, row.method, a))
        if to:
            kept.append(replace(row, to=to))
    return kept


def surviving(old: Sequence[OutboxRow], new: Sequence[OutboxRow]) -> list[OutboxRow]:
    """The old rows for every address that no newer version of the same event (same UID,
    higher or equal SEQUENCE) among the new rows replaces.

    Parameters
    ----------
    old
        The unsent rows of the outbox being replaced.
    new
        The rows of what changed in this export.
    """
    newest: dict[tuple[str, str], int] = {}
    for row in new:
        for address in row.to:
            key = (row.uid, address.lower())
            newest[key] = max(newest.get(key, -1), row.sequence)
    kept: list[OutboxRow] = []
    for row in old:
        to = tuple(
            address
            for address in row.to
            if newest.get((row.uid, address.lower()), -1) < row.sequence
        )
        if to:
            kept.append(replace(row, to=to))
    return sorted(kept, key=OutboxRow.sort_key)


def carry_files(previous: Path, folder: Path, rows: Sequence[OutboxRow]) -> list[OutboxRow]:
    """Copy the files of kept rows from the folder being replaced into the new one.

    A file whose name the new folder already uses with other content (a newer version
    of the event) is kept under ``invites/unsent/`` with its SEQUENCE in the name.

    Raises
    ------
    InputError
        If a row's file is missing: it cannot be sent, and dropping the row silently
        would lose it. The message says how to discard it.
    """
    problems: list[Problem] = []
    carried: list[OutboxRow] = []
    for row in rows:
        source = previous / row.file
        try:
            content = source.read_bytes()
        except OSError:
            problems.append(
                Problem(
                    OUTBOX_LABEL,
                    None,
                    "file",
                    row.file,
                    "expected the file to exist: it is still to be mailed to "
                    f"{RECIPIENT_SEPARATOR.join(row.to)}; restore it, or discard the row "
                    f"with `schemalaggning send {previous} --discard {row.file}`",
                )
            )
            continue
        target = folder / row.file
        if target.is_file() and target.read_bytes() != content:
            name = Path(row.file)
            stem = name.stem
            base, dash, kind = stem.partition("-d")
            # S1-d1-uninvite.ics (SEQUENCE 2) -> invites/unsent/S1-d1-s2-uninvite.ics
            day, _, suffix = kind.partition("-")
            label = f"{base}{dash}{day}-s{row.sequence}" + (f"-{suffix}" if suffix else "")
            row = replace(row, file=f"{INVITES_FOLDER}/{UNSENT_FOLDER}/{label}.ics")
            target = folder / row.file
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.is_file():
            target.write_bytes(content)
        carried.append(row)
    if problems:
        raise InputError(problems)
    return carried


def carry_unsent(source: Path, target: Path) -> None:
    """Carry a schedule folder's outbox, the files it lists and its store of what was
    sent into the folder that replaces it, unchanged (a schedule written without
    calendars).

    Raises
    ------
    OSError
        When the copy cannot be written (a full disk, for the store too).
    """
    from schemalaggning.export.sent import copy_store

    rows = read_outbox(source)
    if rows:
        write_outbox(target, carry_files(source, target, rows))
    copy_store(source, target)


#: Left in a published folder's ``invites/`` when a re-plan into another folder took over
#: its unsent invitations: sending from both would mail them twice.
CARRIED_FILE = "carried-to.json"


def mark_carried(published: Path, target: Path) -> None:
    """Note in ``published`` that its unsent invitations now live in ``target``."""
    invites = published / INVITES_FOLDER
    invites.mkdir(exist_ok=True)
    note = {"folder": str(target), "when": datetime.now().isoformat(timespec="seconds")}
    temporary = invites / f".{CARRIED_FILE}.{os.getpid()}"
    temporary.write_text(json.dumps(note, ensure_ascii=False) + "\n", encoding="utf-8")
    temporary.replace(invites / CARRIED_FILE)


def carried_problem(schedule: Path) -> Problem | None:
    """Why ``send`` may not mail from this folder: its invitations went to a newer one."""
    path = schedule / INVITES_FOLDER / CARRIED_FILE
    if not path.is_file():
        return None
    try:
        note = json.loads(path.read_text(encoding="utf-8"))
        folder, when = str(note["folder"]), str(note["when"])
    except (OSError, ValueError, KeyError, TypeError):
        folder, when = "another folder", "an earlier day"
    return Problem(
        str(path),
        None,
        None,
        None,
        f"expected to send from the newest schedule: a re-plan on {when} took this folder's "
        f"unsent invitations to {folder}; send from there (schemalaggning send {folder}), "
        "since sending from both would mail them twice (remove this file to send from here "
        "after all)",
    )
