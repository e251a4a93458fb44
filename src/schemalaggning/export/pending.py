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
from schemalaggning.export.words import and_words, number
from schemalaggning.i18n import N_, _

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
            _count(self.new, N_("{count} invitation"), N_("{count} invitations")),
            _count(
                self.updated, N_("{count} updated invitation"), N_("{count} updated invitations")
            ),
            _count(self.cancelled, N_("{count} cancellation"), N_("{count} cancellations")),
        ]
        return _("{messages} to {recipients} about {events}: {kinds}").format(
            messages=_count(self.messages, N_("{count} message"), N_("{count} messages")),
            recipients=_count(self.recipients, N_("{count} recipient"), N_("{count} recipients")),
            events=_count(self.events, N_("{count} session day"), N_("{count} session days")),
            kinds=and_words([part for part in parts if part]),
        )

    def duration_words(self, rate: float | None) -> str:
        """How long sending takes, for a count of :data:`LARGE` or more; else empty."""
        if self.messages < LARGE:
            return ""
        if rate:
            return _("At {rate} messages a minute it takes {time}.").format(
                rate=f"{rate:g}", time=_minutes(self.messages / rate)
            )
        return _(
            "Without --rate they are sent as fast as the mail server takes them; many mail "
            "services take only about {rate} a minute, and then it takes {time}."
        ).format(rate=f"{HOSTED_RATE:g}", time=_minutes(self.messages / HOSTED_RATE))


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
    """A count with its noun (``one`` or ``many``, messages marked with ``N_``, each with
    ``{count}``), or empty for none."""
    if count == 0:
        return ""
    return _(one if count == 1 else many).format(count=number(count, " "))


def _minutes(minutes: float) -> str:
    """``ungefär 5 timmar och 10 minuter``; ``under en minut``."""
    whole = math.ceil(minutes)
    if whole <= 1:
        return _("under a minute") if minutes < 1 else _("about a minute")
    hours, rest = divmod(whole, 60)
    if not hours:
        return _("about {minutes} minutes").format(minutes=rest)
    if rest:
        if hours == 1:
            return _("about 1 hour and {minutes} minutes").format(minutes=rest)
        return _("about {hours} hours and {minutes} minutes").format(hours=hours, minutes=rest)
    if hours == 1:
        return _("about 1 hour")
    return _("about {hours} hours").format(hours=hours)
