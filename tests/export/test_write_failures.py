"""Failures while writing, damaged files and a mail server's refusal, told in words.

A full disk or a read-only folder while ``send --dry-run`` or ``export views`` writes
leaves every folder as it was and is one located line (exit 2); no message of theirs,
nor of ``send`` reading its calendar files or talking to the mail server, shows a list
of tuples, bytes as Python writes them, an error number or a traceback.
"""

from __future__ import annotations

import email
import errno
import shutil
import smtplib
import socket
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner, Result

from schemalaggning.check import check_schedule
from schemalaggning.cli import EXIT_BAD_INPUT, main
from schemalaggning.export import send
from schemalaggning.export.outbox import carry_unsent
from schemalaggning.export.send import DRY_RUN_MARKER, server_words
from schemalaggning.export.sent import SentStore
from schemalaggning.i18n import LANGUAGE_VARIABLE
from schemalaggning.io import read_instance, read_schedule
from schemalaggning.io.folders import OutputFolder
from schemalaggning.problems import InputError, failure_reason, plain_failure

EXAMPLE = Path(__file__).parents[1] / "data" / "example"
INSTANCE = EXAMPLE / "instance"
FULL = "No space left on device"
#: What must never reach the user in a message.
REPRS = ("Traceback", "[(", "Errno", "b'", 'b"', "Error:", "vBroken")


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests read the English words of the messages (the message ids); the Swedish
    are tested in ``tests/test_terminal_words.py``."""
    monkeypatch.setenv(LANGUAGE_VARIABLE, "en")


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def error_lines(result: Result) -> list[str]:
    """The lines of a run's output that say what was wrong."""
    return [line for line in result.output.splitlines() if line.startswith("error:")]


def assert_in_words(result: Result) -> None:
    assert result.exit_code == EXIT_BAD_INPUT, result.output
    for text in REPRS:
        assert text not in result.output, result.output


def everything(root: Path) -> dict[str, bytes | None]:
    """Every entry under a folder, hidden ones too, with a file's bytes (a folder: None)."""
    return {
        str(p.relative_to(root)): p.read_bytes() if p.is_file() else None
        for p in sorted(root.rglob("*"))
    }


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """The example schedule with its calendars exported: 2 files, 11 messages."""
    folder = tmp_path / "schedule"
    shutil.copytree(EXAMPLE / "schedule", folder)
    assert check_schedule(read_instance(INSTANCE), read_schedule(folder)) == []
    result = run("export", "ics", str(folder), "--instance", str(INSTANCE))
    assert result.exit_code == 0, result.output
    return folder


# ---------------------------------------------------------------------------------------------
# send --dry-run
# ---------------------------------------------------------------------------------------------


def _prepare(area: Path, example: Path, state: str) -> Path:
    """The --dry-run folder in ``state``: missing (and its parent too), empty, or written
    by an earlier dry run and holding a note of the user's."""
    area.mkdir()
    if state == "missing":
        return area / "previews" / "eml"
    target = area / "eml"
    target.mkdir()
    if state == "earlier":
        assert run("send", str(example), "--dry-run", str(target)).exit_code == 0
        (target / "anteckning.txt").write_text("mitt", encoding="utf-8")
        assert len(list(target.glob("*.eml"))) == 11
    return target


def _failing_after(monkeypatch: pytest.MonkeyPatch, files: int, error: OSError) -> list[Path]:
    """Make the writing of a dry run's messages fail with ``error`` after ``files`` files;
    the files written are listed in what is returned."""
    written: list[Path] = []
    real = send.write_message

    def writing(path: Path, message: EmailMessage) -> None:
        if len(written) == files:
            raise error
        real(path, message)
        written.append(path)

    monkeypatch.setattr(send, "write_message", writing)
    return written


@pytest.mark.parametrize("state", ["missing", "empty", "earlier"])
@pytest.mark.parametrize(
    ("files", "number", "words"),
    [(5, errno.ENOSPC, FULL), (0, errno.EROFS, "Read-only file system")],
)
def test_a_dry_run_that_cannot_write_leaves_the_folder_as_it_was(
    example: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    state: str,
    files: int,
    number: int,
    words: str,
) -> None:
    area = tmp_path / "area"
    target = _prepare(area, example, state)
    before = everything(area)
    written = _failing_after(monkeypatch, files, OSError(number, words, "x.eml"))

    result = run("send", str(example), "--dry-run", str(target))

    assert_in_words(result)
    assert len(written) == files
    assert everything(area) == before
    assert error_lines(result) == [
        f"error: {target}: could not be written ({words}); the folder is as it was before"
    ]


def test_a_dry_run_killed_while_writing_leaves_nothing_in_the_way(
    example: Path, tmp_path: Path
) -> None:
    target = tmp_path / "eml"
    leftover = target / f"{DRY_RUN_MARKER}.new-999999"
    leftover.mkdir(parents=True)
    (leftover / "0001-S1-d1-s0-anna_example.org.eml").write_bytes(b"half")

    result = run("send", str(example), "--dry-run", str(target))

    assert result.exit_code == 0, result.output
    assert not leftover.exists()
    assert len(list(target.glob("*.eml"))) == 11
    assert (target / DRY_RUN_MARKER).is_file()


def test_a_dry_run_again_replaces_its_messages_and_keeps_the_users_files(
    example: Path, tmp_path: Path
) -> None:
    target = _prepare(tmp_path / "area", example, "earlier")
    (target / "9999-old.eml").write_bytes(b"an earlier run's")

    result = run("send", str(example), "--dry-run", str(target))

    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in target.iterdir())
    assert names[:2] == [DRY_RUN_MARKER, "0001-S1-d1-s0-cecilia_example.org.eml"]
    assert len([n for n in names if n.endswith(".eml")]) == 11
    assert "9999-old.eml" not in names
    assert (target / "anteckning.txt").read_text(encoding="utf-8") == "mitt"


# ---------------------------------------------------------------------------------------------
# export views
# ---------------------------------------------------------------------------------------------


def _copy_failure(count: int) -> shutil.Error:
    """What copytree raises on a full disk: one (source, destination, reason) a file."""
    return shutil.Error(
        [
            (f"/s/anteckningar/{n}.txt", f"/d/anteckningar/{n}.txt", f"[Errno 28] {FULL}: '/d/{n}'")
            for n in range(count)
        ]
    )


@pytest.mark.parametrize(
    ("where", "error"),
    [
        # The folders carried over as they are (ics/, invites/) are copied by copytree.
        ("shutil.copytree", _copy_failure(500)),
        ("shutil.copy2", OSError(errno.ENOSPC, FULL, "summary.json")),
        ("schemalaggning.export.report.write_report", OSError(errno.ENOSPC, FULL)),
        ("schemalaggning.export.plans.write_plans", OSError(errno.EROFS, "Read-only file system")),
        ("schemalaggning.export.views.write_workbook", OSError(errno.ENOSPC, FULL)),
    ],
)
def test_export_views_that_cannot_write_says_why_in_one_line(
    example: Path, monkeypatch: pytest.MonkeyPatch, where: str, error: OSError
) -> None:
    (example / "anteckningar").mkdir()
    (example / "anteckningar" / "1.txt").write_text("min", encoding="utf-8")
    before = everything(example.parent)

    def failing(*args: object, **kwargs: object) -> None:
        raise error

    monkeypatch.setattr(where, failing)
    result = run("export", "views", str(example), "--instance", str(INSTANCE))

    assert_in_words(result)
    assert everything(example.parent) == before
    words = error.strerror or FULL
    assert error_lines(result) == [
        f"error: {example}: could not be written ({words}); the folder is as it was before"
    ]
    assert len(result.output) < 300


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (_copy_failure(3), FULL),
        (shutil.Error([("a", "b", "[Errno 13] Permission denied: 'b'")]), "Permission denied"),
        (shutil.Error([("a", "b", "a cannot be copied onto itself")]), "a cannot be copied onto"),
        (shutil.Error("Destination path 'x' already exists"), "Destination path 'x' already"),
        (OSError(errno.ENOSPC, FULL, "x"), FULL),
        (OSError("[Errno 30] Read-only file system: 'x'"), "Read-only file system"),
        (OSError("writing schema.xlsx stopped without an answer"), "writing schema.xlsx"),
    ],
)
def test_a_failure_to_write_is_said_in_words(error: OSError, words: str) -> None:
    reason = failure_reason(error)
    assert reason.startswith(words)
    assert "[" not in reason and "Errno" not in reason
    assert plain_failure(error).strerror == reason


def test_a_full_disk_keeps_its_number_when_told_in_words() -> None:
    assert plain_failure(_copy_failure(2)).errno == errno.ENOSPC


# ---------------------------------------------------------------------------------------------
# The calendar files and the outbox send reads, and the mail server
# ---------------------------------------------------------------------------------------------


def _edit_first_calendar(example: Path, edit: str) -> None:
    path = example / "invites" / "S1-d1.ics"
    text = path.read_bytes().decode("utf-8")
    lines = text.split("\r\n")
    if edit == "empty":
        text = ""
    elif edit == "cut short":
        text = "\r\n".join(lines[: len(lines) // 2])
    elif edit == "twice":
        text = text + text
    elif edit == "two organizers":
        organizer = next(line for line in lines if line.startswith("ORGANIZER"))
        text = text.replace(organizer, f"{organizer}\r\n{organizer}")
    elif edit == "bad sequence":
        text = text.replace("SEQUENCE:0", "SEQUENCE:x")
    elif edit == "bad start":
        start = next(line for line in lines if line.startswith("DTSTART;TZID"))
        text = text.replace(start, "DTSTART:xx")
    else:  # no DTSTART, no DTEND: the event's line is left out
        prefix = "DTSTART;TZID" if edit == "no start" else "DTEND"
        text = "\r\n".join(line for line in lines if not line.startswith(prefix))
    path.write_bytes(text.encode("utf-8"))


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        ("empty", "expected an iCalendar file, but the file is empty"),
        (
            "cut short",
            "expected a calendar from BEGIN:VCALENDAR to END:VCALENDAR, found none whole",
        ),
        ("twice", "expected one calendar in the file, found several"),
        ("two organizers", "expected one ORGANIZER"),
        ("bad sequence", "expected SEQUENCE to be a whole number, found x"),
        ("bad start", "expected a DTSTART and a DTEND, each a date or a date and time"),
        ("no start", "expected a DTSTART and a DTEND, each a date or a date and time"),
        ("no end", "expected a DTSTART and a DTEND, each a date or a date and time"),
    ],
)
def test_a_damaged_calendar_file_is_named_with_what_is_wrong(
    example: Path, tmp_path: Path, edit: str, expected: str
) -> None:
    _edit_first_calendar(example, edit)
    target = tmp_path / "eml"

    result = run("send", str(example), "--dry-run", str(target))

    assert_in_words(result)
    assert error_lines(result) == [f"error: invites/S1-d1.ics: {expected}"]
    assert not target.exists()


def test_an_outbox_that_cannot_be_read_is_named_with_the_reason(
    example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outbox = example / "invites" / "outbox.csv"
    real = Path.read_bytes

    def read_bytes(path: Path) -> bytes:
        if path == outbox:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    result = run("send", str(example), "--dry-run", str(tmp_path / "eml"))

    assert_in_words(result)
    assert error_lines(result) == [
        "error: invites/outbox.csv: expected a readable file (Permission denied)"
    ]


@pytest.fixture
def closing_server() -> Iterator[int]:
    """A mail server that greets every connection with 421 and closes it: its port."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()

    def serve() -> None:
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            with connection:
                connection.sendall(b"421 4.3.2 Service not available, closing\r\n")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield int(listener.getsockname()[1])
    finally:
        # Shut down, the waiting accept returns at once (a close alone may not wake it).
        listener.shutdown(socket.SHUT_RDWR)
        listener.close()
        thread.join()


def test_a_server_that_turns_the_connection_away_is_quoted_in_words(
    example: Path, closing_server: int
) -> None:
    options = ["--smtp-host", "127.0.0.1", "--smtp-port", str(closing_server)]
    result = run("send", str(example), *options)

    assert result.exit_code == 75, result.output
    assert (
        f"stopped: could not connect to 127.0.0.1:{closing_server} "
        "(421 4.3.2 Service not available, closing)"
    ) in result.output
    assert "b'" not in result.output and "(421," not in result.output


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (smtplib.SMTPConnectError(421, b"4.3.2 Service not available"), "421 4.3.2 Service"),
        (ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused"), "Connection refused"),
        (socket.gaierror(-2, "Name or service not known"), "Name or service not known"),
        (ConnectionResetError(errno.ECONNRESET, "Connection reset by peer"), "Connection reset"),
        (smtplib.SMTPServerDisconnected("Connection unexpectedly closed"), "Connection unexp"),
        (TimeoutError("timed out"), "timed out"),
        (smtplib.SMTPServerDisconnected(), "without explanation"),
    ],
)
def test_trouble_with_the_mail_server_is_said_in_words(error: OSError, words: str) -> None:
    said = server_words(error)
    assert said.startswith(words)
    assert "(" not in said and "Errno" not in said and "b'" not in said


@dataclass
class Keeper:
    """An aiosmtpd handler that accepts and keeps every message."""

    #: The Message-ID of each message received.
    received: list[str] = field(default_factory=list)

    async def handle_DATA(  # noqa: N802 (aiosmtpd names its hooks so)
        self, server: Any, session: Any, envelope: Any
    ) -> str:
        self.received.append(str(email.message_from_bytes(envelope.content)["Message-ID"]))
        return "250 2.0.0 accepted"


def test_a_full_disk_while_send_records_is_said_in_words_and_send_resumes(
    example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keeper = Keeper()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    controller = Controller(keeper, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        options = ["--smtp-host", "127.0.0.1", "--smtp-port", str(port), "--security", "none"]
        real = SentStore.record
        calls: list[str] = []

        def record(store: SentStore, *args: Any, **kwargs: Any) -> None:
            # The first message is recorded as sending and as sent; then the disk is full.
            calls.append(str(args[4]))
            if len(calls) > 2:
                raise sqlite3.OperationalError("database or disk is full")
            real(store, *args, **kwargs)

        monkeypatch.setattr(SentStore, "record", record)
        result = run("send", str(example), *options)
        assert_in_words(result)
        assert error_lines(result) == [
            "error: invites/sent.sqlite: could not be written (database or disk is full); what "
            "was sent until then is recorded: make room and run send again"
        ]
        assert len(keeper.received) == 1

        monkeypatch.undo()
        again = run("send", str(example), *options)
        assert again.exit_code == 0, again.output
        # Each of the 11 messages arrived once: the first before the disk was full, the
        # rest after.
        assert len(keeper.received) == len(set(keeper.received)) == 11
    finally:
        controller.stop()


def test_a_full_disk_while_the_store_of_sent_invitations_is_carried_over_is_said_in_words(
    example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(store: SentStore, other: SentStore) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    # A schedule written without calendars carries the outbox and the store over as
    # they are; the store is copied by SQLite, which has errors of its own.
    monkeypatch.setattr(SentStore, "copy_into", full)
    target = tmp_path / "next"
    with OutputFolder(target, "schedule") as output, pytest.raises(InputError) as raised:
        output.replace(lambda folder: carry_unsent(example, folder))

    (problem,) = raised.value.problems
    assert str(problem) == (
        f"{target}: could not be written (database or disk is full); the folder is as it was before"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["schedule"]


def test_a_store_that_cannot_be_made_on_a_full_disk_is_not_called_damaged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(*args: object, **kwargs: object) -> sqlite3.Connection:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr("schemalaggning.export.sent.sqlite3.connect", full)
    with pytest.raises(InputError) as raised:
        SentStore(tmp_path / "invites" / "sent.sqlite")
    (problem,) = raised.value.problems
    assert "can be written (database or disk is full)" in str(problem)
    assert "backup" not in str(problem)


def test_export_ics_that_cannot_write_says_why_in_one_line(
    example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = everything(example.parent)

    def failing(*args: object, **kwargs: object) -> None:
        raise _copy_failure(500)

    # The folder's other files are copied into the new content: a full disk fails there.
    monkeypatch.setattr("shutil.copy2", failing)
    result = run("export", "ics", str(example), "--instance", str(INSTANCE))
    assert_in_words(result)
    assert everything(example.parent) == before
    assert error_lines(result) == [
        f"error: {example}: could not be written (No space left on device); "
        "the folder is as it was before"
    ]
