"""The day events against the ledger (:mod:`schemalaggning.export.ics.reconcile`).

Each case builds day events and a ledger by hand and reads what :func:`reconcile` makes
of them: the action, SEQUENCE, DTSTAMP, who is sent the new version and who is told
they are no longer invited.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest

from schemalaggning.export.ics.events import ROLE_TRAINER, Attendee, DayEvent
from schemalaggning.export.ics.reconcile import (
    Action,
    Reconciled,
    publication_time,
    reconcile,
    same_for_attendees,
)
from schemalaggning.export.ledger import ROLE_PARTICIPANT, Ledger, Recipient
from schemalaggning.problems import InputError

DOMAIN = "test.schemalaggning"
FIRST = datetime(2027, 1, 4, 8, tzinfo=UTC)
SECOND = datetime(2027, 1, 11, 8, tzinfo=UTC)
TRAINER = Attendee("trainer:T1", "Tove", "tove@example.se", ROLE_TRAINER)
ANNA = Attendee("person:P1", "Anna", "anna@example.se", ROLE_PARTICIPANT)
BO = Attendee("person:P2", "Bo", "bo@example.se", ROLE_PARTICIPANT)
NO_ADDRESS = Attendee("person:P3", "Cai", "", ROLE_PARTICIPANT)


def event(
    session_id: str = "S1",
    start: datetime = datetime(2027, 2, 1, 8, tzinfo=UTC),
    attendees: tuple[Attendee, ...] = (TRAINER, ANNA),
) -> DayEvent:
    """Day 1 of 1 of a session, three hours long."""
    return DayEvent(
        uid=f"{session_id}-d1@{DOMAIN}",
        session_id=session_id,
        day=1,
        days=1,
        start=start,
        end=start + timedelta(hours=3),
        summary="Introduktion",
        location="Rum 1",
        description="",
        attendees=attendees,
        person_ids=tuple(a.key.removeprefix("person:") for a in attendees[1:]),
        trainer_ids=("T1",),
        room_id="R1",
    )


def published(*events: DayEvent) -> Reconciled:
    """The events as a first export published them, at ``FIRST``."""
    return reconcile(list(events), Ledger(uid_domain=DOMAIN), FIRST)


def emails(recipients: Sequence[Recipient]) -> list[str]:
    return [r.email for r in recipients]


def test_a_new_event_gets_sequence_0_and_goes_to_everyone_with_an_address() -> None:
    result = published(event(attendees=(TRAINER, ANNA, NO_ADDRESS)))
    (stamped,) = result.current
    assert (stamped.action, stamped.sequence, stamped.dtstamp) == (Action.NEW, 0, FIRST)
    # Trainers first; somebody without an address is not a recipient.
    assert emails(stamped.to) == ["tove@example.se", "anna@example.se"]
    assert result.cancelled == ()
    assert result.ledger.published_at == FIRST
    assert result.ledger.events[stamped.event.uid].sequence == 0


def test_the_same_event_again_is_unchanged_and_sent_to_nobody() -> None:
    first = published(event())
    again = reconcile([event()], first.ledger, SECOND)
    (stamped,) = again.current
    assert (stamped.action, stamped.sequence, stamped.dtstamp) == (Action.UNCHANGED, 0, FIRST)
    assert stamped.to == () and stamped.removed == ()
    # Nothing changed: the ledger, its publication time included, stays as it was.
    assert again.ledger == first.ledger


def test_a_moved_event_is_a_new_version_for_everyone() -> None:
    first = published(event())
    moved = event(start=datetime(2027, 2, 2, 8, tzinfo=UTC))
    again = reconcile([moved], first.ledger, SECOND)
    (stamped,) = again.current
    assert (stamped.action, stamped.sequence, stamped.dtstamp) == (Action.CHANGED, 1, SECOND)
    assert emails(stamped.to) == ["tove@example.se", "anna@example.se"]
    assert again.ledger.published_at == SECOND
    assert again.ledger.events[moved.uid].start == moved.start


def test_someone_added_alone_is_sent_the_new_version_and_someone_taken_off_is_told() -> None:
    first = published(event(attendees=(TRAINER, ANNA)))
    again = reconcile([event(attendees=(TRAINER, BO))], first.ledger, SECOND)
    (stamped,) = again.current
    assert stamped.action is Action.CHANGED and stamped.sequence == 1
    # Same time, place and title: the others need no new invitation.
    assert emails(stamped.to) == ["bo@example.se"]
    assert emails(stamped.removed) == ["anna@example.se"]


def test_a_trainer_swap_is_a_new_version_for_everyone_saying_who_teaches_now() -> None:
    first = published(event(attendees=(TRAINER, ANNA, BO)))
    other = Attendee("trainer:T2", "Tor", "tor@example.se", ROLE_TRAINER)
    again = reconcile([event(attendees=(other, ANNA, BO))], first.ledger, SECOND)
    (stamped,) = again.current
    assert stamped.action is Action.CHANGED and stamped.sequence == 1
    # Every participant hears of it, with SEQUENCE + 1; the old trainer is told apart.
    assert emails(stamped.to) == ["tor@example.se", "anna@example.se", "bo@example.se"]
    assert emails(stamped.removed) == ["tove@example.se"]
    # Only the new trainer is new to the event: an invitation, not an update.
    assert emails(stamped.fresh) == ["tor@example.se"]
    assert stamped.change == "Ändrat: utbildare, från Tove till Tor."


def test_a_moved_event_says_the_old_and_the_new_time_in_words() -> None:
    first = published(event())
    moved = event(start=datetime(2027, 2, 2, 8, tzinfo=UTC))
    (stamped,) = reconcile([moved], first.ledger, SECOND).current
    assert stamped.change == (
        "Ändrat: tiden, från måndag 1 februari 2027 kl. 08.00 till "
        "tisdag 2 februari 2027 kl. 08.00."
    )
    assert stamped.fresh == ()


def test_someone_added_alone_gets_no_change_note() -> None:
    first = published(event(attendees=(TRAINER, ANNA)))
    (stamped,) = reconcile([event(attendees=(TRAINER, ANNA, BO))], first.ledger, SECOND).current
    assert stamped.change == ""
    assert emails(stamped.fresh) == ["bo@example.se"]


def test_an_event_gone_from_the_schedule_is_cancelled_once() -> None:
    first = published(event("S1"), event("S2"))
    again = reconcile([event("S1")], first.ledger, SECOND)
    ((uid, entry),) = again.cancelled
    assert uid == f"S2-d1@{DOMAIN}"
    assert (entry.status, entry.sequence, entry.dtstamp) == ("cancelled", 1, SECOND)
    assert emails(entry.recipients) == ["tove@example.se", "anna@example.se"]
    # Cancelled once: the next export has nothing more to say about it.
    third = reconcile([event("S1")], again.ledger, SECOND + timedelta(days=1))
    assert third.cancelled == ()
    assert third.ledger.events[uid].sequence == 1


def test_an_event_that_comes_back_continues_its_sequence_and_goes_to_everyone() -> None:
    first = published(event("S1"), event("S2"))
    gone = reconcile([event("S1")], first.ledger, SECOND)
    back = reconcile([event("S1"), event("S2")], gone.ledger, SECOND + timedelta(days=1))
    stamped = next(s for s in back.current if s.event.session_id == "S2")
    assert (stamped.action, stamped.sequence) == (Action.CHANGED, 2)
    assert emails(stamped.to) == ["tove@example.se", "anna@example.se"]
    # The cancellation already told them; they are not told twice.
    assert stamped.removed == ()


def test_a_new_version_is_stamped_after_the_last_even_when_the_clock_is_behind() -> None:
    """Clients keep the later DTSTAMP of two versions with one SEQUENCE: a clock set back
    must not make an update look older than what people have."""
    first = published(event())
    moved = event(start=datetime(2027, 2, 2, 8, tzinfo=UTC))
    again = reconcile([moved], first.ledger, FIRST - timedelta(days=1))
    assert again.current[0].dtstamp == FIRST + timedelta(seconds=1)


def test_same_for_attendees_ignores_who_else_comes() -> None:
    entry = published(event()).ledger.events[event().uid]
    assert same_for_attendees(entry, event(attendees=(TRAINER, ANNA, BO)))
    assert not same_for_attendees(entry, dataclasses.replace(event(), location="Rum 2"))
    swapped = Attendee("trainer:T2", "Tor", "tor@example.se", ROLE_TRAINER)
    assert not same_for_attendees(entry, event(attendees=(swapped, ANNA)))


def test_publication_time_is_given_or_source_date_epoch_to_the_second(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    assert publication_time() == datetime.fromtimestamp(1800000000, UTC)
    given = datetime(2027, 1, 4, 9, 30, 15, 123456)
    assert publication_time(given) == datetime(2027, 1, 4, 9, 30, 15, tzinfo=UTC)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "soon")
    with pytest.raises(InputError) as raised:
        publication_time()
    (problem,) = raised.value.problems
    assert (problem.column, problem.value) == ("SOURCE_DATE_EPOCH", "soon")
