"""Sending the outbox to a real SMTP server (aiosmtpd on 127.0.0.1), exactly once."""

from __future__ import annotations

import asyncio
import csv
import email
import email.policy
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
import trustme
from aiosmtpd.controller import Controller
from click.testing import CliRunner, Result
from icalendar import Calendar

from schemalaggning.check import check_schedule
from schemalaggning.cli import EXIT_BAD_INPUT, main
from schemalaggning.export.sent import store_path
from schemalaggning.io import read_instance, read_schedule

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = Path(__file__).parents[1] / "data" / "example"
SMALL = ROOT / "instances" / "small"
ORGANIZER = "intro@example.org"

#: One message of the outbox: UID, SEQUENCE, METHOD and the address.
Pair = tuple[str, int, str, str]


# ---------------------------------------------------------------------------------------------
# The SMTP server
# ---------------------------------------------------------------------------------------------


@dataclass
class Handler:
    """An aiosmtpd handler that keeps every message, and can refuse, drop or be slow."""

    received: list[tuple[str, list[str], bytes]] = field(default_factory=list)
    refuse: dict[str, str] = field(default_factory=dict)
    drop_after: int | None = None
    busy_after: int | None = None
    delay: float = 0.0

    async def handle_RCPT(  # noqa: N802 (aiosmtpd names its hooks so)
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if self.drop_after is not None and len(self.received) >= self.drop_after:
            # The connection drops in the middle of a message, before it is accepted.
            server.transport.close()
            return "421 4.3.0 closing"
        if self.busy_after is not None and len(self.received) >= self.busy_after:
            return "451 4.7.1 Try again later"
        if address.lower() in self.refuse:
            return self.refuse[address.lower()]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802 (aiosmtpd names its hooks so)
        self, server: Any, session: Any, envelope: Any
    ) -> str:
        if self.delay:
            await asyncio.sleep(self.delay)
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 2.0.0 accepted"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    """A running SMTP server and its handler."""

    handler: Handler
    port: int

    def options(self) -> list[str]:
        """The send options that reach it."""
        return ["--smtp-host", "127.0.0.1", "--smtp-port", str(self.port), "--security", "none"]


@pytest.fixture
def server() -> Iterator[Server]:
    handler = Handler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield Server(handler, port)
    finally:
        controller.stop()


# ---------------------------------------------------------------------------------------------
# Schedules
# ---------------------------------------------------------------------------------------------


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def ok(*args: str) -> Result:
    result = run(*args)
    assert result.exit_code == 0, result.output
    return result


def assert_checked(instance: Path, folder: Path) -> None:
    assert check_schedule(read_instance(instance), read_schedule(folder)) == []


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """The example schedule with its calendars exported: 2 files, 11 messages."""
    folder = tmp_path / "schedule"
    shutil.copytree(EXAMPLE / "schedule", folder)
    assert_checked(EXAMPLE / "instance", folder)
    ok("export", "ics", str(folder), "--instance", str(EXAMPLE / "instance"))
    return folder


def outbox_pairs(folder: Path) -> set[Pair]:
    """Every (UID, SEQUENCE, METHOD, address) the outbox lists."""
    with (folder / "invites" / "outbox.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {
        (row["uid"], int(row["sequence"]), row["method"], address.strip())
        for row in rows
        for address in row["to"].split(";")
    }


def parse(content: bytes) -> tuple[EmailMessage, Calendar, EmailMessage]:
    """A message, its calendar and its text/calendar part."""
    message = email.message_from_bytes(content, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    parts = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1
    part = parts[0]
    assert isinstance(part, EmailMessage)
    calendar = Calendar.from_ical(part.get_content())
    return message, calendar, part


def delivered(handler: Handler, organizer: str = ORGANIZER) -> Counter[Pair]:
    """Every message the server accepted, as the pair it carries, with how many times."""
    found: Counter[Pair] = Counter()
    for mail_from, recipients, content in handler.received:
        message, calendar, part = parse(content)
        (event,) = calendar.walk("VEVENT")
        method = str(calendar["method"])
        assert part.get_param("method") == method
        assert part.get_content_charset() == "utf-8"
        assert mail_from == organizer
        assert message["From"].addresses[0].addr_spec == organizer
        assert str(event["organizer"]).removeprefix("mailto:") == organizer
        assert len(recipients) == 1
        assert message["To"].addresses[0].addr_spec == recipients[0]
        attendees = {str(a).removeprefix("mailto:") for a in event.get("attendee", [])}
        assert recipients[0] in attendees
        found[(str(event["uid"]), int(str(event["sequence"])), method, recipients[0])] += 1
    return found


# ---------------------------------------------------------------------------------------------
# Tests
# ---------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_small_instance_outbox_is_delivered_once(server: Server, tmp_path: Path) -> None:
    folder = tmp_path / "small"
    ok("solve", str(SMALL), "-o", str(folder), "--greedy", "--time-limit", "10")
    assert_checked(SMALL, folder)
    expected = outbox_pairs(folder)
    assert len(expected) > 100
    result = ok("send", str(folder), *server.options())
    assert f"Skickade {len(expected)}, hoppade över 0, misslyckades 0." in result.output
    organizer = read_instance(SMALL).settings.organizer
    assert organizer is not None
    assert delivered(server.handler, organizer.email) == Counter(expected)
    # Every text part says what, when and where in Swedish.
    message, _, _ = parse(server.handler.received[0][2])
    text = message.get_body(("plain",))
    assert text is not None
    assert all(word in text.get_content() for word in ("Vad:", "När:", "Var:"))
    # The day of a session of several days is said once (one line, "Dag 1 av 2"), and
    # a day alone says none.
    assert text.get_content().count("Dag ") <= 1
    assert outbox_pairs(folder) == set()

    # A second send sends nothing.
    again = ok("send", str(folder), *server.options())
    assert "Skickade 0" in again.output
    assert len(server.handler.received) == len(expected)


@pytest.mark.parametrize("fault", ["drop_after", "busy_after"])
def test_a_dropped_connection_or_4xx_resumes_without_duplicates(
    server: Server, example: Path, fault: str
) -> None:
    expected = outbox_pairs(example)
    setattr(server.handler, fault, 3)
    result = run("send", str(example), *server.options())
    assert result.exit_code == 75, result.output
    assert "kör send igen" in result.output
    assert len(server.handler.received) == 3
    assert len(outbox_pairs(example)) == len(expected) - 3

    setattr(server.handler, fault, None)
    ok("send", str(example), *server.options())
    assert delivered(server.handler) == Counter(expected)
    assert outbox_pairs(example) == set()


def test_ctrl_c_against_a_slow_server_resumes_without_duplicates(
    server: Server, example: Path
) -> None:
    expected = outbox_pairs(example)
    server.handler.delay = 0.3
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from schemalaggning.cli import main; main()",
            "send",
            str(example),
            *server.options(),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    deadline = time.monotonic() + 30
    while len(server.handler.received) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    # Ctrl-C in the middle of a batch, while the server is answering a message.
    time.sleep(0.1)
    process.send_signal(signal.SIGINT)
    _, errors = process.communicate(timeout=30)
    assert process.returncode == 130, errors.decode()
    first = len(server.handler.received)
    assert 2 <= first < len(expected)

    server.handler.delay = 0.0
    ok("send", str(example), *server.options())
    assert delivered(server.handler) == Counter(expected)


def test_a_refused_recipient_is_reported_and_tried_again(server: Server, example: Path) -> None:
    expected = outbox_pairs(example)
    server.handler.refuse["bo@example.org"] = "550 5.1.1 Mailbox unavailable: bo"
    result = run("send", str(example), *server.options())
    assert result.exit_code == 1, result.output
    assert "bo@example.org" in result.output and "Mailbox unavailable: bo" in result.output
    bo = {pair for pair in expected if pair[3] == "bo@example.org"}
    assert bo and delivered(server.handler) == Counter(expected - bo)
    assert outbox_pairs(example) == bo

    server.handler.refuse.clear()
    ok("send", str(example), *server.options())
    assert delivered(server.handler) == Counter(expected)


def test_a_cancellation_of_an_unsent_event_is_not_sent(server: Server, example: Path) -> None:
    """S2 is removed before its invitation went out: its participants get nothing; S1's
    invitation is still sent."""
    sessions = example / "sessions.csv"
    lines = sessions.read_text(encoding="utf-8-sig").splitlines()
    sessions.write_text("\n".join(line for line in lines if not line.startswith("S2")) + "\n")
    assignments = example / "assignments.csv"
    lines = assignments.read_text(encoding="utf-8-sig").splitlines()
    assignments.write_text("\n".join(line for line in lines if not line.endswith("S2")) + "\n")
    unscheduled = example / "unscheduled.csv"
    unscheduled.write_text(
        "person_id,course_id,deadline,reason\n"
        "A1,T1,2027-03-15,trainer_available: the session was cancelled\n"
        "A2,T1,2027-03-20,trainer_available: the session was cancelled\n"
        "B1,T1,2027-03-25,trainer_available: the session was cancelled\n"
        "B2,T1,2027-05-10,trainer_available: the session was cancelled\n"
    )
    assert_checked(EXAMPLE / "instance", example)
    ok("export", "ics", str(example), "--instance", str(EXAMPLE / "instance"))
    pending = outbox_pairs(example)
    assert {(pair[1], pair[2]) for pair in pending if pair[0].startswith("S2-")} == {(1, "CANCEL")}
    result = ok("send", str(example), *server.options())
    got = delivered(server.handler)
    assert got == Counter(pair for pair in pending if pair[0].startswith("S1-"))
    assert "hoppade över 6" in result.output


def test_dry_run_writes_eml_files_and_sends_nothing(
    server: Server, example: Path, tmp_path: Path
) -> None:
    expected = outbox_pairs(example)
    target = tmp_path / "eml"
    ok("send", str(example), "--dry-run", str(target))
    files = sorted(target.glob("*.eml"))
    assert len(files) == len(expected)
    found = set()
    for path in files:
        message, calendar, part = parse(path.read_bytes())
        (event,) = calendar.walk("VEVENT")
        assert part.get_param("method") == str(calendar["method"])
        address = message["To"].addresses[0].addr_spec
        method = str(calendar["method"])
        found.add((str(event["uid"]), int(str(event["sequence"])), method, address))
    assert found == expected
    assert server.handler.received == []
    assert outbox_pairs(example) == expected
    # Again into the same folder is fine; a folder with other files is refused untouched.
    ok("send", str(example), "--dry-run", str(target))
    other = tmp_path / "notes"
    other.mkdir()
    (other / "budget.xlsx").write_bytes(b"mine")
    result = run("send", str(example), "--dry-run", str(other))
    assert result.exit_code == EXIT_BAD_INPUT
    assert str(other) in result.output
    assert sorted(p.name for p in other.iterdir()) == ["budget.xlsx"]


def test_smtp_settings_from_the_instance(server: Server, example: Path, tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    shutil.copytree(EXAMPLE / "instance", instance)
    with (instance / "instance.toml").open("a", encoding="utf-8") as handle:
        handle.write(f'[smtp]\nhost = "127.0.0.1"\nport = {server.port}\nsecurity = "none"\n')
    validated = run("validate", str(instance))
    assert validated.exit_code == 0 and "unknown setting" not in validated.output
    ok("send", str(example), "--instance", str(instance))
    assert len(server.handler.received) == 11
    assert store_path(example).is_file()


def test_a_password_in_the_settings_is_refused(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    shutil.copytree(EXAMPLE / "instance", instance)
    with (instance / "instance.toml").open("a", encoding="utf-8") as handle:
        handle.write('[smtp]\nhost = "mail.example.org"\npassword = "hemligt"\n')
    result = run("validate", str(instance))
    assert result.exit_code == EXIT_BAD_INPUT
    assert "SCHEMALAGGNING_SMTP_PASSWORD" in result.output


def test_without_a_password_send_says_where_to_put_it(server: Server, example: Path) -> None:
    env = {"SCHEMALAGGNING_SMTP_PASSWORD": ""}
    result = CliRunner(env=env).invoke(
        main, ["send", str(example), *server.options(), "--user", "intro"]
    )
    assert result.exit_code == EXIT_BAD_INPUT
    assert "SCHEMALAGGNING_SMTP_PASSWORD" in result.output
    assert server.handler.received == []


class Logins:
    """An aiosmtpd authenticator that accepts one user name and password (as UTF-8)."""

    def __init__(self, user: str, password: str) -> None:
        self.user, self.password = user, password
        self.seen: list[tuple[str, str]] = []

    def __call__(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
        from aiosmtpd.smtp import AuthResult, LoginPassword

        assert isinstance(data, LoginPassword)
        pair = (data.login.decode("utf-8"), data.password.decode("utf-8"))
        self.seen.append(pair)
        return AuthResult(success=pair == (self.user, self.password))


@pytest.mark.parametrize("password", ["hemligt", "lösenord-på-svenska"])
def test_a_login_with_letters_beyond_ascii_works(
    password: str, example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    handler = Handler()
    logins = Logins("åsa", password)
    port = free_port()
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=port,
        authenticator=logins,
        auth_require_tls=False,
    )
    controller.start()
    try:
        monkeypatch.setenv("SCHEMALAGGNING_SMTP_PASSWORD", password)
        options = ["--smtp-host", "127.0.0.1", "--smtp-port", str(port), "--security", "none"]
        result = run("send", str(example), *options, "--user", "åsa")
        assert result.exit_code == 0, result.output
        assert "Traceback" not in result.output
        assert logins.seen[0] == ("åsa", password)
        assert len(handler.received) == 11
    finally:
        controller.stop()


def test_a_store_of_sent_invitations_made_by_something_else_is_reported(
    example: Path, tmp_path: Path
) -> None:
    import sqlite3

    path = store_path(example)
    path.unlink(missing_ok=True)
    with sqlite3.connect(path) as other:
        other.execute("CREATE TABLE sent (x TEXT)")
    before = path.read_bytes()

    result = run("send", str(example), "--dry-run", str(tmp_path / "eml"))

    assert result.exit_code == EXIT_BAD_INPUT
    assert "Traceback" not in result.output
    assert "table sent has the columns x" in result.output
    assert path.read_bytes() == before


# ---------------------------------------------------------------------------------------------
# Protected connections: STARTTLS and SSL, with a certificate the client must trust
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def authority(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> trustme.CA:
    """A certificate authority the sending side trusts (as a system's would be), through
    ``SSL_CERT_FILE``, which the default context reads."""
    ca = trustme.CA()
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    return ca


def server_context(ca: trustme.CA) -> ssl.SSLContext:
    """The mail server's side: a certificate for 127.0.0.1 signed by ``ca``."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    return context


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_a_protected_connection_delivers_the_outbox(
    security: str, authority: trustme.CA, example: Path
) -> None:
    handler = Handler()
    port = free_port()
    context = server_context(authority)
    if security == "ssl":
        controller = Controller(handler, hostname="127.0.0.1", port=port, ssl_context=context)
    else:
        controller = Controller(
            handler, hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True
        )
    controller.start()
    try:
        options = ["--smtp-host", "127.0.0.1", "--smtp-port", str(port), "--security", security]
        result = run("send", str(example), *options)
        assert result.exit_code == 0, result.output
        assert len(handler.received) == 11
        # Sent once: a second run finds nothing left.
        again = run("send", str(example), *options)
        assert again.exit_code == 0, again.output
        assert len(handler.received) == 11
    finally:
        controller.stop()


def test_a_certificate_nobody_vouches_for_sends_nothing(
    authority: trustme.CA, example: Path
) -> None:
    handler = Handler()
    port = free_port()
    stranger = server_context(trustme.CA())
    controller = Controller(
        handler, hostname="127.0.0.1", port=port, tls_context=stranger, require_starttls=True
    )
    controller.start()
    try:
        options = ["--smtp-host", "127.0.0.1", "--smtp-port", str(port), "--security", "starttls"]
        result = run("send", str(example), *options)
        # A setting to mend, not a passing trouble: running again cannot help.
        assert result.exit_code == EXIT_BAD_INPUT, result.output
        assert "Traceback" not in result.output
        assert "certifikat kunde inte verifieras" in result.output
        assert handler.received == []
        assert len(outbox_pairs(example)) == 11
    finally:
        controller.stop()


def test_starttls_against_a_server_without_it_is_a_setting_to_mend(
    server: Server, example: Path
) -> None:
    options = ["--smtp-host", "127.0.0.1", "--smtp-port", str(server.port)]
    result = run("send", str(example), *options, "--security", "starttls")
    assert result.exit_code == EXIT_BAD_INPUT, result.output
    assert "does not offer STARTTLS" not in result.output  # said as what is expected
    assert "a server that offers STARTTLS" in result.output
    assert "--security ssl" in result.output
    assert "Traceback" not in result.output
    assert server.handler.received == []
    assert len(outbox_pairs(example)) == 11


def test_ssl_against_a_plain_port_is_a_setting_to_mend(server: Server, example: Path) -> None:
    options = ["--smtp-host", "127.0.0.1", "--smtp-port", str(server.port)]
    result = run("send", str(example), *options, "--security", "ssl")
    assert result.exit_code == EXIT_BAD_INPUT, result.output
    assert "Kontrollera --security" in result.output
    assert server.handler.received == []


def test_one_count_from_solve_to_dry_run_to_what_the_server_receives(
    server: Server, tmp_path: Path
) -> None:
    folder = tmp_path / "schema"
    solved = ok("solve", str(SMALL), "-o", str(folder), "--greedy", "--time-limit", "60")
    assert_checked(SMALL, folder)
    said = re.search(r"Nästa steg: (\d+) meddelanden till (\d+) mottagare", solved.output)
    assert said is not None, solved.output
    messages, recipients = int(said.group(1)), int(said.group(2))

    report = (folder / "rapport.html").read_text(encoding="utf-8")
    assert f'data-sentence="waiting" data-value="{messages}"' in report
    assert f"{messages} meddelanden till {recipients} mottagare" in report

    drafts = tmp_path / "utkast"
    dry = ok("send", str(folder), "--dry-run", str(drafts))
    assert f"{messages} meddelanden till {recipients} mottagare" in dry.output
    assert len(list(drafts.glob("*.eml"))) == messages

    sent = ok("send", str(folder), *server.options())
    assert f"Skickar {messages} meddelanden till {recipients} mottagare" in sent.output
    assert f"Skickade {messages}," in sent.output
    assert len(server.handler.received) == messages
    assert len({to for _, tos, _ in server.handler.received for to in tos}) == recipients
