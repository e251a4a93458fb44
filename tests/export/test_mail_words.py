"""The words of the e-mail: a subject with the course and the date in words, a text for
the reader's role, the day of a long session said once, and why a session is cancelled
and where the reader now has a place; in Swedish or, when chosen, in English."""

from __future__ import annotations

import csv
import email
import json
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from schemalaggning.check import check_schedule
from schemalaggning.cli import main
from schemalaggning.export.discard import discard
from schemalaggning.export.ics import export_ics
from schemalaggning.export.mail import Invitation, Reader, build_message, plain_text
from schemalaggning.export.outbox import OutboxRow, read_outbox
from schemalaggning.i18n import use_language
from schemalaggning.io import read_instance, read_schedule

INSTANCE = Path(__file__).parents[1] / "data" / "example" / "instance"
FIRST_PUBLISHED = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
REPUBLISHED = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
SESSION_COLUMNS = ["session_id", "course_id", "room_id", "trainer_ids"]
SESSION_COLUMNS += ["start", "end", "slots", "participants"]
TIMES = {"AM": ("08:30", "12:00"), "PM": ("13:00", "16:30")}


def session(session_id: str, course_id: str, trainer: str, day: str, *halves: str) -> list[str]:
    """A sessions.csv row of a one-day session (its head count is set when written)."""
    return [
        session_id,
        course_id,
        "R1" if course_id == "P1" else "R2",
        trainer,
        f"{day}T{TIMES[halves[0]][0]}",
        f"{day}T{TIMES[halves[-1]][1]}",
        "|".join(f"{day}/{half}" for half in halves),
    ]


# The example instance: P1 for everyone due (a whole day), T1 on two mornings, led by Ulf.
SESSIONS = [
    session("S1", "P1", "C1", "2027-01-11", "AM", "PM"),
    session("S2", "T1", "U1", "2027-01-13", "AM"),
    session("S3", "T1", "U1", "2027-01-14", "AM"),
]
MEMBERS = {"S1": ["A1", "A2", "B1", "B2"], "S2": ["A1", "A2", "X1"], "S3": ["B1", "B2"]}


def write_schedule(folder: Path, sessions: list[list[str]], members: dict[str, list[str]]) -> None:
    """Write a schedule folder's files, and check the schedule with the checker."""
    folder.mkdir(parents=True, exist_ok=True)
    course = {row[0]: row[1] for row in sessions}
    tables: dict[str, tuple[list[str], list[list[Any]]]] = {
        "sessions.csv": (SESSION_COLUMNS, [[*s, len(members.get(s[0], []))] for s in sessions]),
        "assignments.csv": (
            ["person_id", "course_id", "session_id"],
            [[p, course[s], s] for s, people in members.items() for p in people],
        ),
        "unscheduled.csv": (["person_id", "course_id", "deadline", "reason"], []),
    }
    for name, (columns, rows) in tables.items():
        with (folder / name).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerows([columns, *rows])
    summary = {"status": "feasible", "instance": str(INSTANCE)}
    (folder / "summary.json").write_text(json.dumps(summary) + "\n", encoding="utf-8")
    assert check_schedule(read_instance(INSTANCE), read_schedule(folder)) == []


def published(folder: Path) -> Path:
    """The example's three sessions, published and mailed."""
    write_schedule(folder, SESSIONS, MEMBERS)
    export_ics(folder, published_at=FIRST_PUBLISHED)
    return folder


def republished(folder: Path, sessions: list[list[str]], members: dict[str, list[str]]) -> None:
    """Mail what the folder's outbox holds, then publish the changed schedule."""
    assert discard(folder, ["all"], mailed=True)
    write_schedule(folder, sessions, members)
    export_ics(folder, changes_only=True, published_at=REPUBLISHED)


def messages(folder: Path) -> dict[tuple[str, str], EmailMessage]:
    """Every message of the folder's outbox by (file, address)."""
    return {
        (row.file, address): build_message(folder, row, address)
        for row in read_outbox(folder)
        for address in row.to
    }


def text(message: EmailMessage) -> str:
    """The text part of a message, with its lines ended as Python ends them."""
    body = message.get_body(("plain",))
    assert isinstance(body, EmailMessage)
    return str(body.get_content()).replace("\r\n", "\n")


@pytest.fixture
def example(tmp_path: Path) -> Path:
    return published(tmp_path / "schedule")


# ---------------------------------------------------------------------------------------------
# Subjects and roles
# ---------------------------------------------------------------------------------------------


def test_the_subject_names_the_course_and_the_day_and_time_in_words(example: Path) -> None:
    subjects = {row.file: row.subject for row in read_outbox(example)}
    assert subjects["invites/S2-d1.ics"] == (
        "Inbjudan: Samtal med barn – del 2, onsdag 13 januari 2027 kl. 08.30"
    )
    assert subjects["invites/S1-d1.ics"] == (
        "Inbjudan: Del 1: introduktion, måndag 11 januari 2027 kl. 08.30"
    )
    # The message carries the outbox's subject.
    sent = messages(example)[("invites/S2-d1.ics", "ali@example.org")]
    assert sent["Subject"] == subjects["invites/S2-d1.ics"]
    assert "2027-01-13" not in "".join(subjects.values())


def test_a_trainer_is_told_they_lead_the_session_and_a_participant_that_they_are_invited(
    example: Path,
) -> None:
    found = messages(example)
    trainer = text(found["invites/S2-d1.ics", "ulf@example.org"])
    participant = text(found["invites/S2-d1.ics", "ali@example.org"])
    assert trainer.startswith("Du leder detta tillfälle i introduktionsprogrammet.\n")
    assert "kallad" not in trainer
    assert participant.startswith("Du är kallad till introduktionsprogrammet.\n")
    for body in (trainer, participant):
        assert "När: onsdag 13 januari 2027, 08:30–12:00\n" in body
        assert "Vad: Samtal med barn – del 2\n" in body


# ---------------------------------------------------------------------------------------------
# Cancellations: why, and the new place
# ---------------------------------------------------------------------------------------------


def test_a_participant_moved_to_another_session_is_told_the_new_date(example: Path) -> None:
    """Xenia moves from Wednesday's T1 to Thursday's: she is told she is no longer
    invited to Wednesday's, and where she now is."""
    members = {"S1": MEMBERS["S1"], "S2": ["A1", "A2"], "S3": ["B1", "B2", "X1"]}
    republished(example, SESSIONS, members)
    rows = {row.file: row for row in read_outbox(example)}
    assert rows["invites/S2-d1-uninvite.ics"].to == ("xenia@example.org",)
    assert rows["invites/S2-d1-uninvite.ics"].subject == (
        "Avbokad: Samtal med barn – del 2, onsdag 13 januari 2027 kl. 08.30"
    )
    body = text(messages(example)["invites/S2-d1-uninvite.ics", "xenia@example.org"])
    assert body.startswith(
        "Du är inte längre kallad till detta tillfälle.\n"
        "Din nya plats är torsdag 14 januari 2027 kl. 08.30; "
        "inbjudan till den kommer i ett eget brev.\n"
    )
    assert "Kalenderprogrammet tar bort eller stryker händelsen" in body


def test_a_cancelled_session_says_so_and_where_each_participant_now_is(example: Path) -> None:
    """Thursday's T1 is cancelled and its two participants join Wednesday's: they are
    told the new date; Ulf, who leads Wednesday's too, is told only of the cancellation."""
    members = {"S1": MEMBERS["S1"], "S2": ["A1", "A2", "X1", "B1", "B2"]}
    republished(example, SESSIONS[:2], members)
    found = messages(example)
    cancel = "invites/S3-d1-cancel.ics"
    rows = {row.file: row for row in read_outbox(example)}
    assert set(rows[cancel].to) == {
        "ulf@example.org",
        "berit@example.org",
        "bo@example.org",
    }
    for address in ("berit@example.org", "bo@example.org"):
        assert text(found[cancel, address]).startswith(
            "Tillfället är inställt.\nDin nya plats är onsdag 13 januari 2027 kl. 08.30;"
        )
    trainer = text(found[cancel, "ulf@example.org"])
    assert trainer.startswith("Tillfället är inställt.\n\nVad: Samtal med barn – del 2\n")
    assert "Din nya plats" not in trainer


def test_a_trainer_taken_off_a_session_is_told_they_no_longer_lead_it(example: Path) -> None:
    sessions = [*SESSIONS[:2], [*SESSIONS[2][:3], "C1", *SESSIONS[2][4:]]]
    republished(example, sessions, MEMBERS)
    body = text(messages(example)["invites/S3-d1-uninvite.ics", "ulf@example.org"])
    assert body.startswith("Du leder inte längre detta tillfälle.\n\n")


# ---------------------------------------------------------------------------------------------
# The day of a session of several days
# ---------------------------------------------------------------------------------------------


def two_day_invitation() -> tuple[Invitation, OutboxRow]:
    """Day 1 of a two-day session, as events.py writes its title and description."""
    start = datetime(2027, 3, 15, 8, 30)
    invitation = Invitation(
        method="REQUEST",
        uid="S9-d1@x.schemalaggning",
        sequence=0,
        summary="Dokumentation och kommunikation (dag 1 av 2)",
        location="Stora salen",
        description="Kurs: Dokumentation och kommunikation (D1)\nDag 1 av 2\nDeltagare: 12",
        start=start,
        end=start.replace(hour=16, minute=30),
        organizer_email="introduktion@example.org",
        organizer_name="",
        attendees={},
        content=b"",
    )
    row = OutboxRow(
        file="invites/S9-d1.ics",
        method="REQUEST",
        action="new",
        to=("a@example.org",),
        subject="",
        uid=invitation.uid,
        sequence=0,
        session_id="S9",
        day=1,
        start="2027-03-15T08:30",
        end="2027-03-15T16:30",
        summary=invitation.summary,
    )
    return invitation, row


def test_the_day_of_a_long_session_is_said_once() -> None:
    invitation, row = two_day_invitation()
    with use_language("sv"):
        body = plain_text(invitation, row, Reader())
    assert body.count("Dag 1 av 2") == 1
    assert "dag 1 av 2" not in body
    assert "Vad: Dokumentation och kommunikation\n" in body
    assert "När: måndag 15 mars 2027, 08:30–16:30\nVar: Stora salen\nDag 1 av 2\n" in body
    assert "Kurs: Dokumentation och kommunikation (D1)\nDeltagare: 12\n" in body


# ---------------------------------------------------------------------------------------------
# English
# ---------------------------------------------------------------------------------------------


def dry_run(folder: Path, target: Path, *options: str, **env: str) -> dict[str, EmailMessage]:
    """The messages ``send --dry-run`` writes, by file name."""
    result = CliRunner().invoke(
        main, [*options, "send", str(folder), "--dry-run", str(target)], env=env or None
    )
    assert result.exit_code == 0, result.output
    return {
        path.name: email.message_from_bytes(path.read_bytes(), policy=default)
        for path in sorted(target.glob("*.eml"))
    }


def test_lang_en_writes_the_mail_in_english(tmp_path: Path) -> None:
    folder = tmp_path / "schedule"
    write_schedule(folder, SESSIONS, MEMBERS)
    result = CliRunner().invoke(main, ["--lang", "en", "export", "ics", str(folder)])
    assert result.exit_code == 0, result.output
    subjects = {row.file: row.subject for row in read_outbox(folder)}
    assert subjects["invites/S2-d1.ics"] == (
        "Invitation: Samtal med barn – part 2, Wednesday, 13 January 2027 at 08:30"
    )
    written = dry_run(folder, tmp_path / "eml", "--lang", "en")
    bodies = {name: text(message) for name, message in written.items()}
    trainer = next(b for n, b in bodies.items() if n.startswith("0") and "ulf_" in n)
    participant = next(b for n, b in bodies.items() if "S2-d1" in n and "ali_" in n)
    assert trainer.startswith("You lead this session of the introduction programme.\n")
    assert participant.startswith("You are invited to the introduction programme.\n")
    assert "When: Wednesday, 13 January 2027, 08:30–12:00\n" in participant
    assert participant.endswith(
        "Answer with the Yes/No buttons in your calendar program, or to the sender.\n"
    )
    # The environment chooses English as --lang does; a send in Swedish of invitations
    # published in English writes them in English, as their calendars read.
    again = dry_run(folder, tmp_path / "env", SCHEMALAGGNING_LANG="en")
    assert {name: text(m) for name, m in again.items()} == bodies
    swedish = dry_run(folder, tmp_path / "sv")
    assert {name: text(m) for name, m in swedish.items()} == bodies
