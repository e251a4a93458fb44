"""The ``send`` command as people see it: settings, password, progress and the last line.

The work itself is in :mod:`schemalaggning.export.send`; this module finds the settings
(the command line, then the instance's ``[smtp]`` table), asks for the password, shows
a progress bar on a terminal and ends with what was sent, skipped and refused.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from schemalaggning.domain import SmtpSettings
from schemalaggning.exits import EXIT_FAILED, EXIT_SIGINT, EXIT_TRY_AGAIN
from schemalaggning.export.discard import discard as discard_rows
from schemalaggning.export.outbox import carried_problem
from schemalaggning.export.pending import pending
from schemalaggning.export.send import (
    PASSWORD_VARIABLE,
    Message,
    Security,
    SendReport,
    dry_run,
    send_outbox,
    settings_for,
)
from schemalaggning.i18n import N_, _
from schemalaggning.problems import InputError, Problem

#: What an interrupted send says.
INTERRUPTED = N_(
    "interrupted: what was sent in time is kept in invites/sent.sqlite; run send again for the rest"
)


def instance_smtp(schedule: Path, instance: Path | None) -> SmtpSettings | None:
    """The ``[smtp]`` settings of the schedule's instance: ``instance`` when given (it
    must be the one the schedule was made from), else the one ``summary.json`` names
    when it exists, else none.

    Raises
    ------
    InputError
        When ``instance`` is another instance than the schedule's.
    """
    from schemalaggning.io import read_instance
    from schemalaggning.io.identity import INSTANCE_KEY, read_summary, require_same_instance

    summary = read_summary(schedule)
    if instance is None:
        named = summary.get(INSTANCE_KEY)
        if not isinstance(named, str) or not Path(named).exists():
            return None
        instance = Path(named)
    loaded = read_instance(instance)
    require_same_instance(schedule, summary, loaded, instance)
    return loaded.settings.smtp


def password_for(settings: SmtpSettings) -> str | None:
    """The password: from the environment, else asked for on a terminal."""
    if not settings.user:
        return None
    given = os.environ.get(PASSWORD_VARIABLE)
    if given:
        return given
    if sys.stdin.isatty():
        return str(
            click.prompt(_("Password for {user}").format(user=settings.user), hide_input=True)
        )
    raise InputError(
        [
            Problem(
                PASSWORD_VARIABLE,
                None,
                None,
                None,
                f"expected the password of {settings.user} in this environment variable "
                "(or run send on a terminal to be asked)",
            )
        ]
    )


def run_send(
    schedule: Path,
    instance: Path | None,
    dry_run_dir: Path | None,
    smtp_host: str | None,
    smtp_port: int | None,
    security: Security | None,
    user: str | None,
    rate: float | None,
    discard: tuple[str, ...],
    mailed_elsewhere: bool,
    out: Console,
    err: Console,
) -> None:
    """Run ``send`` and exit with its status (see the command's help)."""
    carried = carried_problem(schedule)
    if carried is not None:
        raise InputError([carried])
    if not (schedule / "invites").is_dir():
        raise InputError(
            [
                Problem(
                    str(schedule),
                    None,
                    None,
                    None,
                    "expected a schedule folder with invitations (invites/); run export ics",
                )
            ]
        )
    # An instance given must be the schedule's own, whatever the run does with it.
    smtp = instance_smtp(schedule, instance)
    if discard:
        gone = discard_rows(schedule, discard, mailed=mailed_elsewhere)
        for item in gone:
            line = (
                _("marked as sent some other way: {file} to {address}")
                if mailed_elsewhere
                else _("taken out: {file} to {address}")
            )
            out.print(line.format(file=item.file, address=item.address), markup=False)
        total = (
            _("{count} messages marked as sent some other way in invites/outbox.csv.")
            if mailed_elsewhere
            else _("{count} messages taken out of invites/outbox.csv.")
        )
        out.print(total.format(count=len(gone)), markup=False)
        return
    if mailed_elsewhere:
        raise InputError(
            [Problem("--mailed-elsewhere", None, None, None, "expected it with --discard")]
        )
    waiting = pending(schedule)
    if dry_run_dir is not None:
        written = dry_run(schedule, dry_run_dir)
        said = waiting.words() if written else _("No messages")
        out.print(
            _("{messages}: written as .eml in {folder}; nothing was sent.").format(
                messages=said, folder=dry_run_dir
            ),
            markup=False,
        )
        return
    settings = settings_for(smtp, smtp_host, smtp_port, security, user, rate)
    password = password_for(settings)
    if waiting.messages:
        # Said before anything is sent, with how long it takes when it is much.
        out.print(_("Sending {messages}.").format(messages=waiting.words()), markup=False)
        duration = waiting.duration_words(settings.rate)
        if duration:
            out.print(duration, markup=False)
    progress = Progress(
        TextColumn(_("Sending")),
        BarColumn(),
        MofNCompleteColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )
    task = progress.add_task("send", total=None)

    def started(total: int) -> None:
        progress.update(task, total=total)

    def advanced(message: Message, outcome: str) -> None:
        progress.advance(task)

    try:
        with progress:
            report = send_outbox(
                schedule, settings, password, on_message=advanced, on_start=started
            )
    except KeyboardInterrupt:
        err.print(_(INTERRUPTED), markup=False)
        sys.exit(EXIT_SIGINT)
    if report.interrupted:
        err.print(_(INTERRUPTED), markup=False)
        out.print(report.line(), markup=False)
        sys.exit(128 + report.interrupted)
    finish(report, out, err)


def finish(report: SendReport, out: Console, err: Console) -> None:
    """Print the refusals and the closing line, and exit with the run's status."""
    for failure in report.failures:
        err.print(
            _("failed: {address} ({file}): {reply}").format(
                address=failure.address, file=failure.file, reply=failure.reply
            ),
            markup=False,
        )
    if report.stopped:
        err.print(_("stopped: {why}").format(why=report.stopped), markup=False)
    out.print(report.line(), markup=False)
    if report.stopped:
        sys.exit(EXIT_TRY_AGAIN)
    if report.failures:
        sys.exit(EXIT_FAILED)
