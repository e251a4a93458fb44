"""Taking rows out of the outbox without sending them: ``send SCHEDULE --discard WHAT``.

The outbox never shortens by itself (see :mod:`schemalaggning.export.outbox`); this is
the one way to shorten it other than sending. Each discarded message is recorded in the
store of what was sent (:mod:`schemalaggning.export.sent`), as ``discarded``, or as
``sent`` with the note ``mailed elsewhere`` when the coordinator mailed it some other
way (then later cancellations of the event still reach that person).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from schemalaggning.export.ledger import read_ledger
from schemalaggning.export.outbox import OutboxRow, read_outbox, write_outbox
from schemalaggning.export.sent import SentStore, open_store
from schemalaggning.problems import InputError, Problem

#: The selector that discards the whole outbox.
ALL = "all"
MAILED_NOTE = "mailed elsewhere"


@dataclass(frozen=True)
class Discarded:
    """One message taken out of the outbox: the row's file and event, and the address."""

    file: str
    uid: str
    sequence: int
    method: str
    address: str


def folder_store(folder: Path) -> SentStore:
    """The store of what was sent from a schedule folder, created when missing (then the
    events already in its ledger count as published before the store)."""
    ledger = read_ledger(folder)
    return open_store(folder, ledger.events if ledger is not None else ())


def _matches(row: OutboxRow, selector: str, address: str) -> bool:
    if selector == ALL:
        return True
    return selector in (row.file, row.uid) or selector.lower() == address.lower()


def discard(folder: Path, selectors: Sequence[str], mailed: bool = False) -> list[Discarded]:
    """Take messages out of a schedule folder's outbox without sending them.

    Parameters
    ----------
    folder
        The schedule folder.
    selectors
        What to discard: ``all``, a file of the outbox (``invites/S1-d1.ics``), a UID,
        or an address (that address's messages only).
    mailed
        The messages were mailed some other way: they are recorded as sent, so later
        cancellations of their events still reach the recipients.

    Returns
    -------
    Every message discarded, one per row and address.

    Raises
    ------
    InputError
        If a selector matches nothing in the outbox (then nothing is discarded).
    """
    rows = read_outbox(folder)
    unmatched = [
        selector
        for selector in selectors
        if not any(_matches(row, selector, address) for row in rows for address in row.to)
    ]
    if unmatched:
        raise InputError(
            [
                Problem(
                    "--discard",
                    None,
                    None,
                    selector,
                    "expected all, or a file, a UID or an address of invites/outbox.csv "
                    f"(it lists {sum(len(row.to) for row in rows)} message(s))",
                )
                for selector in unmatched
            ]
        )
    discarded: list[Discarded] = []
    kept: list[OutboxRow] = []
    with folder_store(folder) as store:
        for row in rows:
            remaining: list[str] = []
            for address in row.to:
                if any(_matches(row, selector, address) for selector in selectors):
                    store.record(
                        row.uid,
                        row.sequence,
                        row.method,
                        address,
                        "sent" if mailed else "discarded",
                        note=MAILED_NOTE if mailed else "",
                    )
                    discarded.append(
                        Discarded(row.file, row.uid, row.sequence, row.method, address)
                    )
                else:
                    remaining.append(address)
            if remaining:
                kept.append(replace(row, to=tuple(remaining)))
    write_outbox(folder, kept)
    return discarded
