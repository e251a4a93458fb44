"""Commands that reach people: ``electives``, ``export ics``, ``export views``, ``send``."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.table import Table

from schemalaggning.cli.app import (
    err_console,
    handles_input_errors,
    main,
    out_console,
    print_closing,
    print_problems,
    report_recovery,
    warning_line,
)
from schemalaggning.cli.params import Number, OneOf, WholeNumber
from schemalaggning.i18n import N_, _
from schemalaggning.io.folders import OutputFolder
from schemalaggning.problems import InputError
from schemalaggning.swedish import number

if TYPE_CHECKING:
    from schemalaggning.export.ics.files import ExportReport


@main.command(
    help=N_(
        "Assess the personal course requests of INSTANCE (electives.csv) "
        "against a published SCHEDULE folder, without planning anything: ok, "
        "clash, staffing or budget, with the reason and, for staffing, the "
        "nearest days that would do."
    )
)
@click.argument("instance", type=click.Path(path_type=Path))
@click.option(
    "--schedule",
    type=click.Path(path_type=Path),
    required=True,
    help=N_("The published schedule folder to assess the requests against."),
)
@click.option(
    "-o",
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help=N_("Also write the assessment to this CSV file."),
)
@click.option("--json", "as_json", is_flag=True, help=N_("Print the assessment as JSON."))
@handles_input_errors
def electives(instance: Path, schedule: Path, out: Path | None, as_json: bool) -> None:
    """Assess the personal course requests of INSTANCE (electives.csv) against a
    published SCHEDULE folder, without planning anything: ok, clash, staffing or
    budget, with the reason and, for staffing, the nearest days that would do."""
    from schemalaggning.io import read_instance_with_warnings, read_schedule
    from schemalaggning.io.folders import file_problems, replace_file
    from schemalaggning.io.identity import require_same_instance
    from schemalaggning.io.tables import write_csv
    from schemalaggning.month.electives import ASSESSMENT_COLUMNS, assess_electives

    refused = (
        file_problems(out, [instance, schedule], ASSESSMENT_COLUMNS) if out is not None else []
    )
    try:
        loaded, warnings = read_instance_with_warnings(instance)
    except InputError as error:
        raise InputError(refused + error.problems) from None
    if refused:
        raise InputError(refused)
    published = read_schedule(schedule)
    if published.problems:
        raise InputError(published.problems)
    require_same_instance(schedule, published.summary, loaded, instance)
    assessments = assess_electives(
        loaded, [s for _, s in published.sessions], [a for _, a in published.assignments]
    )
    if out is not None:
        rows = [a.row() for a in assessments]
        replace_file(out, lambda path: write_csv(path, list(ASSESSMENT_COLUMNS), rows))
    if as_json:
        click.echo(
            json.dumps(
                {"assessments": [a.as_dict() for a in assessments]}, indent=2, ensure_ascii=False
            )
        )
        return
    print_problems(warnings)
    if not assessments:
        out_console.print(_("No requests: the instance has no electives.csv."), markup=False)
        return
    table = Table(
        _("request"), _("person"), _("assessment"), _("reason"), title=_("Individual courses")
    )
    for assessment in assessments:
        table.add_row(
            assessment.request_id,
            assessment.person_id,
            assessment.verdict.swedish,
            assessment.reason,
        )
    out_console.print(table)
    counts = Counter(a.verdict.swedish for a in assessments)
    line = ", ".join(f"{n} {verdict}" for verdict, n in counts.items())
    if out is not None:
        line = _("{counts}; wrote {out}").format(counts=line, out=out)
    out_console.print(line, markup=False)


@main.group(help=N_("Export a schedule for the people who use it."))
def export() -> None:
    """Export a schedule for the people who use it."""


@export.command(
    "ics",
    help=N_(
        "Write calendars and invitations into the SCHEDULE folder.\n\n"
        "calendar.ics and ics/{people,trainers,rooms}/<id>.ics to subscribe to,"
        " a REQUEST per session day in invites/, a CANCEL for each published "
        "day that is gone, and invites/outbox.csv: the files to mail now and to"
        " whom. ics/ledger.json keeps what was published, so that a moved "
        "session updates its invitation (same UID, SEQUENCE + 1) and an "
        "unchanged one is not sent again."
    ),
)
@click.argument("schedule", type=click.Path(path_type=Path))
@click.option(
    "--instance",
    type=click.Path(path_type=Path),
    default=None,
    help=N_("The schedule's instance.  [default: the one summary.json names]"),
)
@click.option(
    "--changes-only",
    is_flag=True,
    help=N_("Write only the invitations and cancellations of what changed since the ledger."),
)
@handles_input_errors
def export_ics(schedule: Path, instance: Path | None, changes_only: bool) -> None:
    """Write calendars and invitations into the SCHEDULE folder."""
    from schemalaggning.export import export_ics as run_export
    from schemalaggning.export.views import waiting_lines

    report = run_export(schedule, instance, changes_only=changes_only)
    for warning in report.warnings:
        err_console.print(warning_line(warning), markup=False)
    out_console.print(export_line(report), markup=False)
    out_console.print(_("Wrote {folder}.").format(folder=schedule), markup=False)
    for line in waiting_lines(schedule):
        out_console.print(line, markup=False)


def export_line(report: ExportReport) -> str:
    """What an export wrote and what waits to be mailed, in words."""
    # What waits to be mailed is counted once, in messages as send sends them, by the
    # closing lines.
    return _(
        "{files} calendar files for {events} session days: {new} new, {changed} changed, "
        "{unchanged} as before, {cancelled} cancelled; what is to be mailed is listed in "
        "{outbox_file}."
    ).format(
        files=number(report.files),
        events=number(report.events),
        new=number(report.new),
        changed=number(report.changed),
        unchanged=number(report.unchanged),
        cancelled=number(report.cancelled),
        outbox_file="invites/outbox.csv",
    )


@export.command(
    "views",
    help=N_(
        "Write the views for people into the SCHEDULE folder (replaced whole).\n\n"
        "schema.xlsx (the workbook: sessions, sign-in lists, people, trainers, "
        "rooms, unmet attendances, changes), rapport.html (the report, one file"
        " that works offline) and planer/ (a page per new hire and per "
        "trainer). solve and replan write them too."
    ),
)
@click.argument("schedule", type=click.Path(path_type=Path))
@click.option(
    "--instance",
    type=click.Path(path_type=Path),
    default=None,
    help=N_("The schedule's instance.  [default: the one summary.json names]"),
)
@handles_input_errors
def export_views(schedule: Path, instance: Path | None) -> None:
    """Write the views for people into the SCHEDULE folder (replaced whole)."""
    from schemalaggning.export.views import export_views as run_export

    print_closing(run_export(schedule, instance))


@main.command(
    help=N_(
        "Mail the invitations and cancellations of SCHEDULE's outbox, each "
        "exactly once.\n\n"
        "One message per file and recipient, from the organizer, with the "
        "calendar part (iMIP) and a text in the invitations' language. What was sent is kept in "
        "invites/sent.sqlite: a second run sends nothing, an interrupted run "
        "goes on with what is left. The password comes from "
        "SCHEMALAGGNING_SMTP_PASSWORD or a prompt. Exit 0: all sent; 1: some "
        "recipients refused (listed; tried again next time); 75: stopped early "
        "(run again)."
    )
)
@click.argument("schedule", type=click.Path(path_type=Path))
@click.option(
    "--instance",
    type=click.Path(path_type=Path),
    default=None,
    help=N_("The instance whose [smtp] settings apply.  [default: the one summary.json names]"),
)
@click.option(
    "--dry-run",
    "dry_run_dir",
    type=click.Path(path_type=Path),
    default=None,
    help=N_("Write the messages as .eml files into this folder and send nothing."),
)
@click.option("--smtp-host", default=None, help=N_("The mail server."))
@click.option("--smtp-port", type=WholeNumber(1, 65535), default=None, help=N_("Its port."))
@click.option(
    "--security",
    type=OneOf(["starttls", "ssl", "none"]),
    default=None,
    help=N_("How the connection is protected.  [default: starttls]"),
)
@click.option(
    "--user", default=None, help=N_("The mail server's user name (asks for the password).")
)
@click.option(
    "--rate",
    type=Number(min=0, min_open=True),
    default=None,
    help=N_("Messages a minute at most."),
)
@click.option(
    "--discard",
    multiple=True,
    metavar=N_("WHAT"),
    help=N_("Take messages out of the outbox without sending: all, a file, a UID or an address."),
)
@click.option(
    "--mailed-elsewhere",
    is_flag=True,
    help=N_("With --discard: they were mailed some other way (later cancellations reach them)."),
)
@handles_input_errors
def send(
    schedule: Path,
    instance: Path | None,
    dry_run_dir: Path | None,
    smtp_host: str | None,
    smtp_port: int | None,
    security: Any,
    user: str | None,
    rate: float | None,
    discard: tuple[str, ...],
    mailed_elsewhere: bool,
) -> None:
    """Mail the invitations and cancellations of SCHEDULE's outbox, each exactly once."""
    from schemalaggning.export.send_command import run_send

    # The folder is locked while its outbox is worked through: a solve or re-plan into
    # it, or a second send, waits for this one to end.
    with OutputFolder(schedule, "schedule").held() as output:
        report_recovery(output)
        run_send(
            schedule,
            instance,
            dry_run_dir,
            smtp_host,
            smtp_port,
            security,
            user,
            rate,
            discard,
            mailed_elsewhere,
            out_console,
            err_console,
        )
