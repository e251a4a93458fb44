"""What waits to be sent from a schedule folder: one count, said the same way everywhere.

The end of ``solve`` and ``replan``, ``export ics``, ``send --dry-run`` and ``send``
itself count the same thing, as ``send`` plans it (:func:`~.send.plan_messages`): a
message is one event's file to one recipient, not yet sent and not skipped (an older
version of one listed again, a cancellation of an event the person never had). ``send``
then sends exactly that many.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from schemalaggning.export.discard import folder_store
from schemalaggning.export.outbox import read_outbox
from schemalaggning.export.send import Message, plan_messages
from schemalaggning.export.words import number

#: From this many messages on, the count says how long sending takes.
LARGE = 200
#: What many hosted mail services allow a minute, for the estimate without ``--rate``.
HOSTED_RATE = 30.0


@dataclass(frozen=True)
class Pending:
    """The messages ``send`` would send now, by kind."""

    messages: int = 0
    recipients: int = 0
    events: int = 0
    new: int = 0
    updated: int = 0
    cancelled: int = 0

    @classmethod
    def of(cls, messages: Sequence[Message]) -> Pending:
        """The count of planned messages."""
        kinds = [m.row.action for m in messages]
        return cls(
            messages=len(messages),
            recipients=len({m.address.lower() for m in messages}),
            events=len({m.row.uid for m in messages}),
            new=kinds.count("new"),
            updated=kinds.count("changed"),
            cancelled=kinds.count("cancelled") + kinds.count("uninvited"),
        )

    def words(self) -> str:
        """``57 meddelanden till 31 mottagare om 12 passdagar: 27 inbjudningar, 14 ändrade
        inbjudningar och 16 avbokningar``."""
        parts = [
            _count(self.new, "inbjudan", "inbjudningar"),
            _count(self.updated, "ändrad inbjudan", "ändrade inbjudningar"),
            _count(self.cancelled, "avbokning", "avbokningar"),
        ]
        said = [part for part in parts if part]
        kinds = ", ".join(said[:-1]) + " och " + said[-1] if len(said) > 1 else "".join(said)
        return (
            f"{_count(self.messages, 'meddelande', 'meddelanden')} till "
            f"{_count(self.recipients, 'mottagare', 'mottagare')} om "
            f"{_count(self.events, 'passdag', 'passdagar')}: {kinds}"
        )

    def duration_words(self, rate: float | None) -> str:
        """How long sending takes, for a count of :data:`LARGE` or more; else empty."""
        if self.messages < LARGE:
            return ""
        if rate:
            return f"Med {rate:g} meddelanden i minuten tar det {_minutes(self.messages / rate)}."
        return (
            "Utan --rate skickas de så fort e-postservern tar emot dem; många e-posttjänster "
            f"tar bara emot omkring {HOSTED_RATE:g} i minuten, och då tar det "
            f"{_minutes(self.messages / HOSTED_RATE)}."
        )


def pending(folder: Path) -> Pending:
    """What ``send`` would send from ``folder`` now (nothing is recorded).

    Raises
    ------
    InputError
        If the outbox or the store of what was sent cannot be read.
    """
    rows = read_outbox(folder)
    if not rows:
        return Pending()
    with folder_store(folder) as store:
        messages, _ = plan_messages(rows, store, record=False)
    return Pending.of(messages)


def _count(count: int, one: str, many: str) -> str:
    if count == 0:
        return ""
    return f"{number(count, ' ')} {one if count == 1 else many}"


def _minutes(minutes: float) -> str:
    """``ungefär 5 timmar och 10 minuter``; ``under en minut``."""
    whole = math.ceil(minutes)
    if whole <= 1:
        return "under en minut" if minutes < 1 else "ungefär en minut"
    hours, rest = divmod(whole, 60)
    if not hours:
        return f"ungefär {rest} minuter"
    said = f"{hours} timme" if hours == 1 else f"{hours} timmar"
    return f"ungefär {said}" + (f" och {rest} minuter" if rest else "")
