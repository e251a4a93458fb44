"""What was sent from a schedule folder: a small SQLite database, ``invites/sent.sqlite``.

Each row is one message to one recipient: the event's UID and SEQUENCE, the METHOD
(REQUEST or CANCEL), the address, the Message-ID, the time and the outcome. A row is
written (and committed) with the outcome ``sending`` right before the message is
handed to the mail server and changed to ``sent`` right after the server accepted it,
so a crash at any instant leaves either nothing, a message known to be sent, or at
most one message *in doubt* (handed over, answer not recorded). A message in doubt is
sent again with the same Message-ID, which mail and calendar programs recognise as the
same message (and an invitation with the same UID and SEQUENCE changes nothing in a
calendar).

SQLite, not a JSON file, because a commit is atomic and durable on its own (a rollback
journal, ``synchronous=FULL``): nothing has to be rewritten whole after every message,
and a half-written store cannot happen. The database is one file (journal mode DELETE),
so it can be backed up and copied with the schedule folder; it is copied with SQLite's
backup interface, which never copies a half-committed state.

UIDs published before a folder had a store (folders written by an earlier version) are
listed in the table ``legacy``: who received them is unknown, so a cancellation of
such an event is always sent, while a cancellation of an event born later goes only to
those who received a version of it.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Literal

from schemalaggning.problems import InputError, Problem

SENT_FILE = "sent.sqlite"
SENT_FOLDER = "invites"

SendOutcome = Literal["sending", "sent", "failed", "discarded", "skipped"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS sent (
    uid TEXT NOT NULL,
    sequence INTEGER NOT NULL,
    method TEXT NOT NULL,
    recipient TEXT NOT NULL,
    outcome TEXT NOT NULL,
    message_id TEXT NOT NULL DEFAULT '',
    at TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (uid, sequence, method, recipient)
);
CREATE TABLE IF NOT EXISTS legacy (uid TEXT PRIMARY KEY);
"""


def store_path(folder: Path) -> Path:
    """Where a schedule folder keeps its store of what was sent."""
    return folder / SENT_FOLDER / SENT_FILE


@dataclass(frozen=True)
class SentRecord:
    """One message to one recipient, as the store holds it."""

    uid: str
    sequence: int
    method: str
    recipient: str
    outcome: str
    message_id: str
    at: str
    note: str


class SentStore:
    """The store of what was sent from a schedule folder (see the module's text).

    Parameters
    ----------
    path
        The database file; it is created (with its tables) when missing.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        label = f"{SENT_FOLDER}/{SENT_FILE}"
        try:
            # Made here with the user's umask, like every other file (SQLite's own default
            # is 0644 whatever the umask: colleagues of a group could not send from a
            # shared folder); its journal takes the same permissions.
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o666))
        except OSError as error:
            expected = f"expected a file that can be written ({error.strerror})"
            raise InputError([Problem(label, None, None, None, expected)]) from None
        try:
            # isolation_level=None: every statement commits on its own, unless inside an
            # explicit transaction; nothing is left uncommitted by accident.
            self.connection = sqlite3.connect(path, isolation_level=None)
            columns = {row[1] for row in self.connection.execute("PRAGMA table_info(sent)")}
            if columns and columns != set(SentRecord.__dataclass_fields__):
                # A table of the same name made by something else: never written into.
                self.connection.close()
                raise sqlite3.DatabaseError(
                    f"table sent has the columns {', '.join(sorted(columns))}"
                )
            self.connection.execute("PRAGMA journal_mode=DELETE")
            self.connection.execute("PRAGMA synchronous=FULL")
            self.connection.executescript(SCHEMA)
        except sqlite3.OperationalError as error:
            # A full disk or a folder that cannot be written: the store is not damaged.
            expected = f"expected a file that can be written ({error})"
            raise InputError([Problem(label, None, None, None, expected)]) from None
        except sqlite3.DatabaseError as error:
            raise InputError(
                [
                    Problem(
                        label,
                        None,
                        None,
                        None,
                        f"expected the store of sent invitations as schemalaggning writes it "
                        f"({error}); restore it from a backup rather than delete it, or "
                        "invitations already sent are sent again",
                    )
                ]
            ) from None

    def __enter__(self) -> SentStore:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the database (everything is already committed)."""
        self.connection.close()

    def record(
        self,
        uid: str,
        sequence: int,
        method: str,
        recipient: str,
        outcome: SendOutcome,
        message_id: str = "",
        note: str = "",
    ) -> None:
        """Record (and commit) the outcome of one message to one recipient."""
        at = datetime.now(UTC).replace(microsecond=0).isoformat()
        self.connection.execute(
            "INSERT OR REPLACE INTO sent VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (uid, sequence, method, recipient.lower(), outcome, message_id, at, note),
        )

    def get(self, uid: str, sequence: int, method: str, recipient: str) -> SentRecord | None:
        """What is recorded for one message to one recipient, if anything."""
        row = self.connection.execute(
            "SELECT * FROM sent WHERE uid = ? AND sequence = ? AND method = ? AND recipient = ?",
            (uid, sequence, method, recipient.lower()),
        ).fetchone()
        return None if row is None else SentRecord(*row)

    def done(self, uid: str, sequence: int, method: str, recipient: str) -> bool:
        """Whether the message needs nothing more: sent, discarded or skipped, or a later
        version of the event was."""
        row = self.connection.execute(
            "SELECT 1 FROM sent WHERE uid = ? AND recipient = ? "
            "AND outcome IN ('sent', 'discarded', 'skipped') "
            "AND (sequence > ? OR (sequence = ? AND method = ?))",
            (uid, recipient.lower(), sequence, sequence, method),
        ).fetchone()
        return row is not None

    def received(self, uid: str, recipient: str) -> bool:
        """Whether the recipient may have a version of the event: one was sent (or is in
        doubt), or the event was published before the store existed."""
        if self.is_legacy(uid):
            return True
        row = self.connection.execute(
            "SELECT 1 FROM sent WHERE uid = ? AND recipient = ? AND method = 'REQUEST' "
            "AND outcome IN ('sent', 'sending')",
            (uid, recipient.lower()),
        ).fetchone()
        return row is not None

    def is_legacy(self, uid: str) -> bool:
        """Whether the event was published before the store existed."""
        row = self.connection.execute("SELECT 1 FROM legacy WHERE uid = ?", (uid,)).fetchone()
        return row is not None

    def add_legacy(self, uids: Iterable[str]) -> None:
        """Mark events as published before the store existed (in one transaction)."""
        with self.connection:
            self.connection.execute("BEGIN")
            self.connection.executemany(
                "INSERT OR IGNORE INTO legacy VALUES (?)", [(uid,) for uid in uids]
            )

    def copy_into(self, other: SentStore) -> None:
        """Copy every record into another store, as SQLite backs a database up."""
        self.connection.backup(other.connection)

    def records(self) -> list[SentRecord]:
        """Every record, oldest first."""
        rows = self.connection.execute("SELECT * FROM sent ORDER BY at, uid, recipient")
        return [SentRecord(*row) for row in rows]


def copy_store(source: Path, target: Path) -> bool:
    """Copy a schedule folder's store into the folder that replaces it.

    Returns
    -------
    Whether there was a store to copy.

    Raises
    ------
    OSError
        When the copy cannot be written (SQLite's ``database or disk is full`` included).
    """
    origin = store_path(source)
    if not origin.is_file():
        return False
    destination = store_path(target)
    destination.parent.mkdir(parents=True, exist_ok=True)
    try:
        with SentStore(origin) as old, SentStore(destination) as new:
            old.copy_into(new)
    except sqlite3.OperationalError as error:
        # SQLite's "database or disk is full" is a failure to write like any other, so
        # that the folder being written is given up and named with the reason.
        raise OSError(None, str(error)) from None
    return True


def open_store(folder: Path, published: Iterable[str] = ()) -> SentStore:
    """The store of a schedule folder, created when missing.

    Parameters
    ----------
    folder
        The schedule folder.
    published
        The UIDs in the folder's ledger: when the store is created now, these were
        published before it, and are marked as legacy.
    """
    path = store_path(folder)
    fresh = not path.is_file()
    store = SentStore(path)
    if fresh:
        store.add_legacy(published)
    return store
