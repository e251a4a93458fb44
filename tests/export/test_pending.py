"""What waits to be sent, said the same way everywhere (:mod:`schemalaggning.export.pending`)."""

from __future__ import annotations

from schemalaggning.export.outbox import OutboxRow
from schemalaggning.export.pending import LARGE, Pending
from schemalaggning.export.send import Message


def row(uid: str, action: str, method: str = "REQUEST") -> OutboxRow:
    return OutboxRow(
        file=f"invites/{uid}.ics",
        method=method,
        action=action,
        to=(),
        subject="",
        uid=f"{uid}@x.schemalaggning",
        sequence=0,
        session_id=uid.split("-")[0],
        day=1,
        start="2027-01-04T08:30",
        end="2027-01-04T12:00",
        summary="",
    )


def test_messages_are_counted_by_recipient_event_and_kind() -> None:
    messages = [
        Message(row("S1-d1", "new"), "a@x.se"),
        Message(row("S1-d1", "new"), "b@x.se"),
        Message(row("S2-d1", "changed"), "A@x.se"),
        Message(row("S3-d1", "cancelled", "CANCEL"), "c@x.se"),
        Message(row("S4-d1", "uninvited", "CANCEL"), "c@x.se"),
    ]
    count = Pending.of(messages)
    assert count == Pending(messages=5, recipients=3, events=4, new=2, updated=1, cancelled=2)
    assert count.words() == (
        "5 meddelanden till 3 mottagare om 4 passdagar: 2 inbjudningar, "
        "1 ändrad inbjudan och 2 avbokningar"
    )
    assert count.duration_words(None) == ""


def test_a_large_count_says_how_long_sending_takes() -> None:
    count = Pending(messages=9286, recipients=300, events=2000, new=9286)
    assert LARGE <= 9286
    assert count.duration_words(30) == (
        "Med 30 meddelanden i minuten tar det ungefär 5 timmar och 10 minuter."
    )
    assert "omkring 30 i minuten" in count.duration_words(None)
    assert count.words().startswith("9 286 meddelanden till 300 mottagare")
