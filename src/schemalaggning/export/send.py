"""Sending the outbox: each invitation and cancellation mailed once, resumably.

``schemalaggning send SCHEDULE`` works through ``invites/outbox.csv``, one message per
file and recipient (:mod:`schemalaggning.export.mail`), and records each in the store
of what was sent (:mod:`schemalaggning.export.sent`) before and after handing it to the
server, so that:

- a message already sent is never sent again (a second ``send`` sends nothing);
- an interrupted run (Ctrl-C, a dropped connection, a 4xx answer) stops, and the next
  run sends what is left. Ctrl-C and SIGTERM are held until the message being sent
  has its answer recorded, so they never leave a message in doubt; after a crash or a
  connection lost in the middle of a message, that one message is sent again with the
  same Message-ID;
- a recipient refused with a 5xx answer is reported with the address and the server's
  words, the others go on, and the refused one is tried again next time;
- of two unsent versions of an event for the same person, only the newest is sent, and
  a cancellation of an event the person never received is not sent (it is recorded as
  skipped).

When the run ends, the outbox is rewritten with what is still to send.
"""

from __future__ import annotations

import base64
import os
import re
import shutil
import signal
import smtplib
import sqlite3
import ssl
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Literal

from schemalaggning.domain import SmtpSettings
from schemalaggning.export.discard import folder_store
from schemalaggning.export.mail import Invitation, build_message, read_invitation
from schemalaggning.export.outbox import OutboxRow, read_outbox, still_unsent, write_outbox
from schemalaggning.export.sent import SENT_FILE, SENT_FOLDER, SentStore
from schemalaggning.i18n import _
from schemalaggning.problems import InputError, Problem

PASSWORD_VARIABLE = "SCHEMALAGGNING_SMTP_PASSWORD"
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
#: The marker that tells a dry-run folder written by ``send`` from any other folder.
DRY_RUN_MARKER = ".schemalaggning-dry-run"
TIMEOUT_SECONDS = 60.0

Security = Literal["starttls", "ssl", "none"]


@dataclass(frozen=True)
class Message:
    """One outbox row to one of its addresses."""

    row: OutboxRow
    address: str


@dataclass(frozen=True)
class Failure:
    """A message the server refused, with its words."""

    address: str
    file: str
    reply: str


@dataclass
class SendReport:
    """What a run of ``send`` did."""

    sent: int = 0
    skipped: int = 0
    failures: list[Failure] = field(default_factory=list)
    #: Why the run stopped before the end (a dropped connection, a 4xx answer), if it did.
    stopped: str = ""
    left: int = 0
    #: The signal (SIGINT, SIGTERM) that stopped the run, or 0.
    interrupted: int = 0

    def line(self) -> str:
        """The closing line, in the reader's words."""
        text = _("Sent {sent}, skipped {skipped}, failed {failed}.").format(
            sent=self.sent, skipped=self.skipped, failed=len(self.failures)
        )
        if self.failures:
            text += " " + _("The failed ones are listed above and stay in invites/outbox.csv.")
        if self.left:
            text += " " + _("{count} messages are left: run send again.").format(count=self.left)
        return text


def settings_for(
    given: SmtpSettings | None,
    host: str | None,
    port: int | None,
    security: Security | None,
    user: str | None,
    rate: float | None,
) -> SmtpSettings:
    """The mail server settings: each option given on the command line, else the
    instance's ``[smtp]`` setting, else the default (port by security: 587, 465, 25)."""
    base = given or SmtpSettings()
    chosen = SmtpSettings(
        host=host if host is not None else base.host,
        port=port if port is not None else base.port,
        security=security if security is not None else base.security,
        user=user if user is not None else base.user,
        rate=rate if rate is not None else base.rate,
    )
    if not chosen.host:
        raise InputError(
            [
                Problem(
                    "--smtp-host",
                    None,
                    None,
                    None,
                    "expected the mail server: --smtp-host HOST, or host in the [smtp] "
                    "table of instance.toml",
                )
            ]
        )
    if chosen.port is None:
        chosen = chosen.model_copy(update={"port": DEFAULT_PORTS[chosen.security]})
    return chosen


def plan_messages(
    rows: Sequence[OutboxRow], store: SentStore, record: bool = True
) -> tuple[list[Message], int]:
    """The messages to send, in the outbox's order, and how many were skipped.

    Skipped (and, with ``record``, recorded so): a version older than another one
    listed for the same person, and a cancellation of an event the person never
    received.
    """
    newest: dict[tuple[str, str], int] = {}
    for row in rows:
        for address in row.to:
            key = (row.uid, address.lower())
            newest[key] = max(newest.get(key, -1), row.sequence)
    messages: list[Message] = []
    skipped = 0
    for row in rows:
        for address in row.to:
            if store.done(row.uid, row.sequence, row.method, address):
                skipped += 1
                continue
            note = ""
            if row.sequence < newest[(row.uid, address.lower())]:
                note = "replaced by a newer version"
            elif row.method == "CANCEL" and not store.received(row.uid, address):
                note = "never received the event"
            if note:
                if record:
                    store.record(row.uid, row.sequence, row.method, address, "skipped", note=note)
                skipped += 1
                continue
            messages.append(Message(row, address))
    return messages, skipped


@contextmanager
def held_signals(report: SendReport) -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM: they set ``report.interrupted`` instead of stopping the
    program in the middle of a message (only where signals can be caught: the main
    thread)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def hold(signum: int, frame: object) -> None:
        report.interrupted = signum

    previous = {number: signal.signal(number, hold) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def connect(settings: SmtpSettings, password: str | None) -> smtplib.SMTP:
    """An open, logged-in connection to the mail server."""
    host, port = settings.host, settings.port or DEFAULT_PORTS[settings.security]
    client: smtplib.SMTP
    if settings.security == "ssl":
        client = smtplib.SMTP_SSL(
            host, port, timeout=TIMEOUT_SECONDS, context=ssl.create_default_context()
        )
    else:
        client = smtplib.SMTP(host, port, timeout=TIMEOUT_SECONDS)
        if settings.security == "starttls":
            client.starttls(context=ssl.create_default_context())
    if settings.user:
        login(client, settings.user, password or "")
    return client


def connection_trouble(settings: SmtpSettings, error: BaseException) -> str:
    """Why no connection could be made, in words a coordinator can act on; a certificate
    the computer cannot verify is named as such (the usual cause on a new mail server)."""
    port = settings.port or DEFAULT_PORTS[settings.security]
    where = f"{settings.host}:{port}"
    if isinstance(error, ssl.SSLCertVerificationError):
        return _(
            "could not connect securely to {where}: the server's certificate could not be "
            "verified ({why}). Check the server's name, or ask the IT department to make "
            "the computer trust the certificate"
        ).format(where=where, why=error.verify_message)
    if isinstance(error, ssl.SSLError):
        return _(
            "could not connect securely to {where} ({why}). Check --security (starttls or "
            "ssl) and the port"
        ).format(where=where, why=error.reason or error)
    return _("could not connect to {where} ({why})").format(where=where, why=server_words(error))


def settings_problem(settings: SmtpSettings, error: BaseException) -> Problem:
    """The mail settings that cannot work with this server, and how to mend them: a
    server without STARTTLS, a security mode the port does not speak, a certificate the
    computer cannot verify."""
    if isinstance(error, smtplib.SMTPNotSupportedError):
        port = settings.port or DEFAULT_PORTS[settings.security]
        expected = (
            f"a server that offers STARTTLS: {settings.host}:{port} does not. Use "
            "--security ssl (port 465) if the server takes encrypted connections there, or "
            "ask the IT department which security and port the server uses"
        )
    else:
        expected = connection_trouble(settings, error)
    return Problem("--security", None, None, settings.security, expected)


def server_words(error: BaseException) -> str:
    """What went wrong with the mail server, in words: the server's own answer (``421
    4.3.2 Service not available``) or the system's (``Connection refused``), never a
    tuple of a code and bytes, nor an error number."""
    if isinstance(error, smtplib.SMTPResponseException):
        return _reply(error.smtp_code, error.smtp_error)
    if isinstance(error, OSError) and error.strerror:
        return str(error.strerror)
    return str(error) or _("without explanation")


def login(client: smtplib.SMTP, user: str, password: str) -> None:
    """Log in; a user name or password with letters beyond ASCII (``lösenord``) is sent
    as UTF-8 with AUTH PLAIN (RFC 4616), which smtplib's own login cannot do."""
    if (user + password).isascii():
        client.login(user, password)
        return
    client.ehlo_or_helo_if_needed()
    token = base64.b64encode(f"\0{user}\0{password}".encode()).decode("ascii")
    code, reply = client.docmd("AUTH", f"PLAIN {token}")
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, reply)


def _reply(code: int, words: bytes | str) -> str:
    text = words.decode("utf-8", "replace") if isinstance(words, bytes) else words
    return f"{code} {text}".strip()


def send_outbox(
    folder: Path,
    settings: SmtpSettings,
    password: str | None,
    *,
    on_message: Callable[[Message, str], None] | None = None,
    on_start: Callable[[int], None] | None = None,
) -> SendReport:
    """Send a schedule folder's outbox through a mail server (see the module's text).

    Parameters
    ----------
    folder
        The schedule folder.
    settings
        The mail server (:func:`settings_for`).
    password
        The password, when ``settings.user`` is set.
    on_message
        Called after each message with its outcome (``sent``, ``failed``).
    on_start
        Called once with the number of messages to send.

    Returns
    -------
    What was sent, skipped and refused; ``stopped`` says why the run ended early.

    Raises
    ------
    KeyboardInterrupt
        After recording what was sent and rewriting the outbox.
    """
    rows = read_outbox(folder)
    report = SendReport()
    try:
        with folder_store(folder) as store:
            try:
                messages, report.skipped = plan_messages(rows, store)
                if on_start is not None:
                    on_start(len(messages))
                if messages:
                    with held_signals(report):
                        _send_all(folder, messages, settings, password, store, report, on_message)
            finally:
                left = still_unsent(rows, store.done)
                write_outbox(folder, left)
                if report.stopped:
                    report.left = sum(len(row.to) for row in left) - len(report.failures)
    except sqlite3.OperationalError as error:
        # A full disk while recording: what was recorded stands, and a message sent
        # but not yet recorded as sent is in doubt, sent again with its Message-ID.
        raise InputError(
            [
                Problem(
                    f"{SENT_FOLDER}/{SENT_FILE}",
                    None,
                    None,
                    None,
                    f"could not be written ({error}); what was sent until then is recorded: "
                    "make room and run send again",
                )
            ]
        ) from None
    return report


def _send_all(
    folder: Path,
    messages: Sequence[Message],
    settings: SmtpSettings,
    password: str | None,
    store: SentStore,
    report: SendReport,
    on_message: Callable[[Message, str], None] | None,
) -> None:
    # Every file is read before connecting, so that a damaged one stops the run before
    # anything is sent; the messages themselves are built one at a time.
    read: dict[str, Invitation] = {}
    for message in messages:
        if message.row.file not in read:
            read[message.row.file] = read_invitation(folder, message.row)
    interval = 60.0 / settings.rate if settings.rate else 0.0
    try:
        client = connect(settings, password)
    except smtplib.SMTPAuthenticationError as error:
        raise InputError(
            [
                Problem(
                    "--user",
                    None,
                    None,
                    settings.user,
                    "expected a user and password the mail server accepts "
                    f"({_reply(error.smtp_code, error.smtp_error)})",
                )
            ]
        ) from None
    except (smtplib.SMTPNotSupportedError, ssl.SSLError) as error:
        # Settings that cannot work: running again cannot help, the settings must change.
        raise InputError([settings_problem(settings, error)]) from None
    except (OSError, smtplib.SMTPException) as error:
        report.stopped = connection_trouble(settings, error)
        return
    try:
        last = 0.0
        for message in messages:
            if report.interrupted:
                report.stopped = "avbrutet"
                return
            if interval:
                time.sleep(max(0.0, last + interval - time.monotonic()))
                last = time.monotonic()
            email = build_message(folder, message.row, message.address, read)
            outcome = _send_one(client, message, email, store, report)
            if on_message is not None:
                on_message(message, outcome)
            if outcome == "stop":
                return
    finally:
        try:
            client.quit()
        except (OSError, smtplib.SMTPException):
            client.close()


def _send_one(
    client: smtplib.SMTP,
    message: Message,
    email: EmailMessage,
    store: SentStore,
    report: SendReport,
) -> str:
    """Send one message; ``sent``, ``failed`` (5xx: go on) or ``stop`` (4xx, dropped)."""
    row, address = message.row, message.address
    key = (row.uid, row.sequence, row.method, address)
    message_id = str(email["Message-ID"])
    sender = email["From"].addresses[0].addr_spec
    # Recorded as in doubt before it is handed over: a crash from here until the
    # server's answer is recorded leaves it to be sent again with the same Message-ID.
    store.record(*key, "sending", message_id)
    try:
        client.send_message(email, from_addr=sender, to_addrs=[address])
    except smtplib.SMTPRecipientsRefused as error:
        code, words = error.recipients.get(address, (0, b""))
        return _refused(message, _reply(code, words), code, store, report)
    except smtplib.SMTPSenderRefused as error:
        # Every message has this sender: refusing it stops the run, whatever the code.
        reply = _reply(error.smtp_code, error.smtp_error)
        store.record(*key, "failed", note=reply)
        report.stopped = _("the mail server does not accept the sender {sender}: {reply}").format(
            sender=sender, reply=reply
        )
        return "stop"
    except smtplib.SMTPResponseException as error:
        # Refused at DATA; nothing was delivered.
        reply = _reply(error.smtp_code, error.smtp_error)
        return _refused(message, reply, error.smtp_code, store, report)
    except (OSError, smtplib.SMTPServerDisconnected) as error:
        # The connection dropped: the message stays in doubt and is sent again next time.
        report.stopped = _("the connection with the mail server was lost ({why})").format(
            why=server_words(error)
        )
        return "stop"
    store.record(*key, "sent", message_id)
    report.sent += 1
    return "sent"


def _refused(message: Message, reply: str, code: int, store: SentStore, report: SendReport) -> str:
    """Record a refusal: a 5xx one is a failure of this recipient (the run goes on), any
    other stops the run (the server asks to try later)."""
    row, address = message.row, message.address
    store.record(row.uid, row.sequence, row.method, address, "failed", note=reply)
    if 500 <= code < 600:
        report.failures.append(Failure(address, row.file, reply))
        return "failed"
    report.stopped = _("the mail server asked to try again later: {address}: {reply}").format(
        address=address, reply=reply
    )
    return "stop"


def dry_run(folder: Path, target: Path) -> list[Path]:
    """Write the messages ``send`` would send as ``.eml`` files into ``target``; nothing
    is sent or recorded.

    The files are written into a folder inside ``target`` and moved into place when all
    are written, so that a failure (a full disk, a read-only folder) leaves ``target``
    as it was: a folder this made is removed, and in one that was there only the
    ``.eml`` files of an earlier dry run are ever replaced.

    Raises
    ------
    InputError
        If ``target`` is a file, or a folder with files that a dry run did not write, or
        if it cannot be written (naming it and the reason).
    """
    _check_dry_run_target(target)
    rows = read_outbox(folder)
    with folder_store(folder) as store:
        messages, _ = plan_messages(rows, store, record=False)
    read: dict[str, Invitation] = {}
    built = [(m, build_message(folder, m.row, m.address, read)) for m in messages]
    made = next((p for p in reversed([target, *target.parents]) if not p.exists()), None)
    staging = target / f"{DRY_RUN_MARKER}.new-{os.getpid()}"
    try:
        target.mkdir(parents=True, exist_ok=True)
        _write_messages(target, staging, built)
    except BaseException as error:
        shutil.rmtree(staging, ignore_errors=True)
        if made is not None:
            shutil.rmtree(made, ignore_errors=True)
        if isinstance(error, OSError):
            raise _unwritable(target, error, "the folder is as it was before") from None
        raise
    try:
        return _move_in(staging, target)
    except OSError as error:
        # Renames within one folder need no new space; should one fail all the same,
        # what was not moved is removed and the user is told to run again.
        shutil.rmtree(staging, ignore_errors=True)
        raise _unwritable(target, error, "messages may be missing there; run it again") from None


def _write_messages(
    target: Path, staging: Path, built: Sequence[tuple[Message, EmailMessage]]
) -> None:
    """Write the marker and the messages into ``staging`` inside ``target`` (what a dry
    run that was killed left there is removed first)."""
    for leftover in _dry_run_leftovers(target):
        shutil.rmtree(leftover)
    staging.mkdir()
    (staging / DRY_RUN_MARKER).write_text("written by schemalaggning send --dry-run\n")
    for number, (message, email) in enumerate(built, start=1):
        write_message(staging / message_file_name(number, message), email)


def _unwritable(target: Path, error: OSError, after: str) -> InputError:
    """The error of a ``--dry-run`` folder that could not be written: where and why."""
    from schemalaggning.problems import failure_reason

    reason = failure_reason(error)
    return InputError(
        [Problem(str(target), None, None, None, f"could not be written ({reason}); {after}")]
    )


def _check_dry_run_target(target: Path) -> None:
    """Refuse a ``--dry-run`` folder that is a file, or holds files a dry run did not
    write (nothing is changed then)."""
    if target.exists() and not target.is_dir():
        raise InputError(
            [Problem(str(target), None, None, None, "expected a folder for --dry-run, not a file")]
        )
    if not target.is_dir() or (target / DRY_RUN_MARKER).is_file():
        return
    leftovers = set(_dry_run_leftovers(target))
    if any(entry not in leftovers for entry in target.iterdir()):
        raise InputError(
            [
                Problem(
                    str(target),
                    None,
                    None,
                    None,
                    "expected a missing or empty folder, or one an earlier --dry-run wrote; "
                    "nothing of it was changed",
                )
            ]
        )


def _dry_run_leftovers(target: Path) -> list[Path]:
    """What a dry run into ``target`` that was killed while writing left there."""
    pattern = re.compile(re.escape(DRY_RUN_MARKER) + r"\.new-\d+")
    return [p for p in target.iterdir() if pattern.fullmatch(p.name) and p.is_dir()]


def message_file_name(number: int, message: Message) -> str:
    """The ``.eml`` file of the ``number``-th message of a dry run."""
    stem = message.row.uid.partition("@")[0]
    safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in message.address)
    return f"{number:04d}-{stem}-s{message.row.sequence}-{safe}.eml"


def write_message(path: Path, email: EmailMessage) -> None:
    """Write one message of a dry run as an ``.eml`` file."""
    path.write_bytes(bytes(email))


def _move_in(staging: Path, target: Path) -> list[Path]:
    """Replace the ``.eml`` files of ``target`` with those written into ``staging`` (the
    marker first), and remove ``staging``; the other files of ``target`` stay."""
    names = sorted(entry.name for entry in staging.iterdir())
    for old in target.glob("*.eml"):
        if old.name not in names:
            old.unlink()
    for name in names:
        (staging / name).replace(target / name)
    staging.rmdir()
    return [target / name for name in names if name.endswith(".eml")]
