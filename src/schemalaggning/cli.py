"""The command line: ``schemalaggning validate | solve | check | generate``."""

from __future__ import annotations

import contextlib
import json
import sys
import time
from collections import Counter
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.table import Table

from schemalaggning.interrupts import (
    EXIT_SIGINT,
    exit_status,
    signal_name,
    stop_on_sigterm,
)
from schemalaggning.io.folders import FolderBusyError, OutputFolder
from schemalaggning.problems import InputError, Problem, Severity

F = TypeVar("F", bound=Callable[..., Any])

#: Exit status for bad input, or an output folder that may not be written (nothing was
#: written).
EXIT_BAD_INPUT = 2
#: Exit status after Ctrl-C (the shell's convention for SIGINT), with or without a
#: schedule written.
EXIT_INTERRUPTED = EXIT_SIGINT
#: Exit status when another run is writing the same folder (EX_TEMPFAIL: try again later).
EXIT_BUSY = 75

err_console = Console(stderr=True, highlight=False, soft_wrap=True)
out_console = Console(highlight=False, soft_wrap=True)


def print_problems(problems: list[Problem]) -> None:
    """Print problems to standard error, errors first, one per line."""
    errors = [p for p in problems if p.severity is Severity.ERROR]
    warnings = [p for p in problems if p.severity is Severity.WARNING]
    for problem in errors:
        err_console.print(f"error: {problem}", markup=False)
    for problem in warnings:
        err_console.print(f"warning: {problem}", markup=False)
    if errors:
        err_console.print(
            f"{len(errors)} error(s), {len(warnings)} warning(s); nothing written.", markup=False
        )


def handles_input_errors(command: F) -> F:
    """Turn bad input into a located message and exit status 2, never a traceback.

    Every problem is printed at once, errors first, to standard error; with ``--json``
    they are printed as JSON to standard output instead.
    """

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except InputError as error:
            report_problems(error.problems, as_json=bool(kwargs.get("as_json")))
        except OSError as error:
            # A file that cannot be read or written is bad input too; name it like the rest.
            name = str(error.filename) if error.filename is not None else "input"
            reason = error.strerror or str(error)
            report_problems(
                [Problem(name, None, None, None, f"cannot be read or written ({reason})")],
                as_json=bool(kwargs.get("as_json")),
            )
        except FolderBusyError as busy:
            err_console.print(f"error: {busy}", markup=False)
            sys.exit(EXIT_BUSY)
        except KeyboardInterrupt as stop:
            # Interrupted before anything could be written (a search that has a schedule
            # catches the interrupt itself and writes it).
            err_console.print("interrupted: nothing written", markup=False)
            sys.exit(exit_status(signal_name(stop)))
        sys.exit(EXIT_BAD_INPUT)

    return wrapper  # type: ignore[return-value]


def report_problems(problems: list[Problem], as_json: bool) -> None:
    """Print the problems of a bad input, as text to standard error or as JSON."""
    if as_json:
        click.echo(
            json.dumps(
                {"ok": False, "problems": [problem.as_dict() for problem in problems]},
                indent=2,
                ensure_ascii=False,
            )
        )
    else:
        print_problems(problems)


@click.group()
@click.version_option(package_name="schemalaggning")
def main() -> None:
    """Schedule the introduction programme for newly hired social workers."""
    stop_on_sigterm()


def checked_output(
    target: Path, kind: str, inputs: list[Path], read: Callable[[], Any]
) -> tuple[OutputFolder, Any]:
    """The output folder of a run and what ``read`` reads, every problem of both at once.

    The folder is checked before any work (the instance's problems and the folder's are
    listed together); nothing is written yet.
    """
    output = OutputFolder(target, kind, inputs)
    problems = output.problems()
    try:
        value = read()
    except InputError as error:
        raise InputError(problems + error.problems) from None
    if problems:
        raise InputError(problems)
    return output, value


def report_recovery(output: OutputFolder) -> None:
    """Say what the run found of an earlier run that was stopped, and did with it."""
    for line in output.recovery.lines(output.target):
        err_console.print(f"note: {line}", markup=False)


def write_schedule_folder(output: OutputFolder, write: Callable[[Path], None]) -> str | None:
    """Replace the output folder's content; the signal that came while it was written.

    Ctrl-C or SIGTERM while the files are written is held back until the folder is
    complete; it then stops the run with the schedule written, and is returned so that
    the exit status says the run was interrupted.
    """
    try:
        output.replace(write)
    except KeyboardInterrupt as stop:
        return signal_name(stop)
    return None


def finish_interrupted(signal: str | None, target: Path) -> None:
    """Exit with the status of the signal that stopped the run, if one did."""
    if signal is not None:
        err_console.print(
            f"interrupted ({signal}): the best schedule found so far is in {target}",
            markup=False,
        )
        sys.exit(exit_status(signal))


@main.command()
@click.argument("instance", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@handles_input_errors
def validate(instance: Path, as_json: bool) -> None:
    """Check an INSTANCE (folder or .xlsx) and print its summary, or every error (exit 2)."""
    from schemalaggning.describe import describe_instance
    from schemalaggning.io import read_instance_with_warnings

    loaded, warnings = read_instance_with_warnings(instance)
    summary = describe_instance(loaded)
    if as_json:
        summary["warnings"] = [w.as_dict() for w in warnings]
        click.echo(json.dumps(summary, indent=2))
        return
    print_problems(warnings)
    table = Table(
        title=f"{summary['name'] or instance} ({summary['horizon'][0]} to {summary['horizon'][1]})",
        show_header=False,
    )
    for key in (
        "districts",
        "people",
        "required_people",
        "courses",
        "due_attendances",
        "open_days",
        "half_day_slots",
        "rooms",
        "room_seats",
        "largest_room",
        "trainers",
        "trainer_half_days_per_week",
        "unavailability",
        "fixed_sessions",
        "electives_approved",
        "electives_requested",
    ):
        table.add_row(key.replace("_", " "), str(summary[key]))
    out_console.print(table)
    per_course = Table("course", "due attendances", "trainer half-days per week")
    for course_id, due in summary["due_per_course"].items():
        per_course.add_row(
            course_id, str(due), str(summary["trainer_half_days_per_week_per_course"][course_id])
        )
    out_console.print(per_course)


def search_options(time_help: str) -> Callable[[F], F]:
    """The options every command that solves takes: --time-limit, --workers, --seed."""

    def decorate(command: F) -> F:
        command = click.option("--seed", type=int, default=0, show_default=True)(command)
        command = click.option(
            "--workers",
            type=click.IntRange(min=0),
            default=2,
            show_default=True,
            help="CP-SAT search workers (0: all cores).",
        )(command)
        return click.option(
            "--time-limit",
            type=click.FloatRange(min=0, min_open=True),
            default=60.0,
            show_default=True,
            help=time_help,
        )(command)

    return decorate


def replan_line(changes: int, figures: dict[str, Any]) -> str:
    """What a re-plan changed, in words: people with a new date, invitations, trainer time."""
    sent = figures.get("invitations", {})
    count = sum(int(v) for v in sent.values()) if isinstance(sent, dict) else 0
    return (
        f"{changes} ändringar (se changes.csv): {figures.get('people_new_date', 0)} personer "
        f"får ett nytt datum, {figures.get('people_moved', 0)} av dem flyttade från ett "
        f"publicerat pass; det blir {count} inbjudningar ({sent.get('new', 0)} nya, "
        f"{sent.get('updated', 0)} ändrade, {sent.get('cancelled', 0)} avbokningar). "
        f"Utbildarhalvdagar: {figures.get('trainer_half_days_published', '?')} i den "
        f"publicerade planen, {figures.get('trainer_half_days', '?')} nu."
    )


def print_closing(folder: Path, solver_line: str | None = None) -> None:
    """Say what the run made and what to do next (with the solver's line, if asked for)."""
    from schemalaggning.export.views import closing_lines

    if solver_line is not None:
        out_console.print(solver_line, markup=False)
    try:
        summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        summary = {}
    for line in closing_lines(folder, summary):
        out_console.print(line, markup=False)


def default_instance() -> Path:
    """The bundled Göteborg instance: in the working folder, else beside the sources."""
    here = Path("instances") / "goteborg"
    if here.is_dir():
        return here
    return Path(__file__).resolve().parents[2] / "instances" / "goteborg"


@main.command()
@click.argument("instance", type=click.Path(path_type=Path), required=False)
@click.option(
    "-o",
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="Schedule folder to write (default: schedules/<instance name>).",
)
@search_options("Seconds for the whole solve.")
@click.option(
    "--from",
    "from_date",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Plan one term: sessions from this day on.",
)
@click.option(
    "--to",
    "to_date",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Plan one term: sessions up to this day; attendances due by it required.",
)
@click.option("--greedy", is_flag=True, help="The greedy plan only, without CP-SAT.")
@click.option(
    "--reserve-seats",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Seats of every new session kept free for hires added later.",
)
@click.option(
    "--forecast",
    type=click.Choice(["file", "auto", "none"]),
    default="file",
    show_default=True,
    help="Hold seats for expected hires: forecast.csv (file), or estimated from "
    "people.csv when there is none (auto), or none.",
)
@click.option("--log", is_flag=True, help="Pass CP-SAT's own search log through.")
@click.option(
    "--no-ics", is_flag=True, help="Write no calendars or invitations (the ledger is kept)."
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option(
    "--verbose", is_flag=True, help="Also print the solver's figures (status, bound, gap)."
)
@handles_input_errors
def solve(
    instance: Path | None,
    out: Path | None,
    time_limit: float,
    workers: int,
    seed: int,
    from_date: Any,
    to_date: Any,
    greedy: bool,
    reserve_seats: int,
    forecast: str,
    log: bool,
    no_ics: bool,
    as_json: bool,
    verbose: bool,
) -> None:
    """Schedule INSTANCE (default: the bundled Göteborg instance) and write the schedule.

    Writes sessions.csv, assignments.csv, unscheduled.csv and summary.json into the
    output folder, with the workbook, the report and the personal plans (see ``export
    views``) and the calendars and invitations (see ``export ics``) unless --no-ics,
    replacing it whole only once everything is written. Ctrl-C or the time limit still
    writes the best schedule found so far.
    """
    # The time limit is the whole command's: reading the instance counts.
    started = time.perf_counter()
    from schemalaggning.electives import assessment_tables
    from schemalaggning.export.ics import read_ledger
    from schemalaggning.forecast import solve_held
    from schemalaggning.io import read_instance_with_warnings, write_schedule
    from schemalaggning.progress import ProgressDisplay
    from schemalaggning.solve import SolveParams, plan_term

    path = instance or default_instance()
    target = out or Path("schedules") / path.stem
    output, (loaded, warnings) = checked_output(
        target, "schedule", [path], lambda: read_instance_with_warnings(path)
    )
    print_problems(warnings)
    loaded = plan_term(
        loaded, from_date.date() if from_date else None, to_date.date() if to_date else None
    )
    params = SolveParams(
        time_limit=time_limit,
        workers=workers,
        seed=seed,
        log=log,
        improve=not greedy,
        reserve_seats=reserve_seats,
    )
    with output:
        report_recovery(output)
        # A damaged ledger stops the run before the work, not after it.
        published = target if target.is_dir() else None
        if published is not None:
            read_ledger(published)
        with ProgressDisplay(err_console) as progress:
            result = solve_held(loaded, params, progress, forecast, started)
        result.summary["instance"] = str(path)
        tables = assessment_tables(loaded, result.sessions, result.assignments)
        late = write_schedule_folder(
            output,
            lambda folder: write_schedule(
                folder, result, loaded, published, tables, calendars=not no_ics
            ),
        )
    if as_json:
        click.echo(json.dumps(result.summary, indent=2, ensure_ascii=False))
    else:
        print_closing(target, result.summary_line() if verbose else None)
    finish_interrupted(result.summary.get("interrupted_by") or late, target)


@main.command()
@click.argument("instance", type=click.Path(path_type=Path))
@click.option(
    "--published",
    type=click.Path(path_type=Path),
    required=True,
    help="The schedule folder that was published.",
)
@click.option(
    "--today",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Sessions that started before this day are history (default: today).",
)
@click.option(
    "--freeze-weeks",
    type=click.IntRange(min=0),
    default=4,
    show_default=True,
    help="Published sessions starting within this many weeks are pinned.",
)
@click.option(
    "-o",
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="Schedule folder to write (default: the published folder, replaced).",
)
@search_options("Seconds for the whole re-plan.")
@click.option("--greedy", is_flag=True, help="The greedy re-plan only, without CP-SAT.")
@click.option(
    "--forecast",
    type=click.Choice(["file", "auto", "none"]),
    default="file",
    show_default=True,
    help="Seats held for expected hires, as for solve (auto when the published "
    "schedule was made with auto).",
)
@click.option("--no-ics", is_flag=True, help="Write no calendars or invitations.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option(
    "--verbose", is_flag=True, help="Also print the solver's figures (status, bound, gap)."
)
@handles_input_errors
def replan(
    instance: Path,
    published: Path,
    today: Any,
    freeze_weeks: int,
    out: Path | None,
    time_limit: float,
    workers: int,
    seed: int,
    greedy: bool,
    forecast: str,
    no_ics: bool,
    as_json: bool,
    verbose: bool,
) -> None:
    """Re-plan INSTANCE around the PUBLISHED schedule: history and the freeze stay, later
    sessions are kept where possible, and every change is listed in changes.csv."""
    from datetime import date as date_type

    from schemalaggning.electives import assessment_tables
    from schemalaggning.export.ics import read_ledger
    from schemalaggning.export.outbox import mark_carried
    from schemalaggning.io import read_instance_with_warnings, read_schedule, write_schedule
    from schemalaggning.replan import replan as run_replan
    from schemalaggning.replan_changes import CHANGE_COLUMNS
    from schemalaggning.solve import SolveParams

    target = out or published
    output, (loaded, warnings) = checked_output(
        target, "schedule", [instance], lambda: read_instance_with_warnings(instance)
    )
    print_problems(warnings)
    day = today.date() if today else date_type.today()
    params = SolveParams(time_limit=time_limit, workers=workers, seed=seed, improve=not greedy)
    separate = target.expanduser().resolve() != published.expanduser().resolve()
    with contextlib.ExitStack() as published_lock:
        if separate and published.is_dir():
            # The published folder is read, and its unsent invitations taken over, while
            # no send or other run can change it.
            published_lock.enter_context(OutputFolder(published, "schedule").held())
        schedule = read_schedule(published)
        if schedule.problems:
            raise InputError(schedule.problems)
        read_ledger(published)
        with output:
            report_recovery(output)
            result, changes = run_replan(loaded, schedule, day, freeze_weeks, params, forecast)
            for warning in result.summary.get("warnings", []):
                err_console.print(f"warning: {warning}", markup=False)
            result.summary["instance"] = str(instance)
            tables = {
                "changes.csv": (list(CHANGE_COLUMNS), [c.row() for c in changes]),
                **assessment_tables(loaded, result.sessions, result.assignments),
            }
            late = write_schedule_folder(
                output,
                lambda folder: write_schedule(
                    folder, result, loaded, published, tables, calendars=not no_ics
                ),
            )
        if separate:
            # The new folder now holds what the published one had still to send.
            mark_carried(published, target)
    if as_json:
        click.echo(json.dumps(result.summary, indent=2, ensure_ascii=False))
    else:
        if changes:
            figures = result.summary.get("replan", {})
            out_console.print(replan_line(len(changes), figures), markup=False)
        print_closing(target, result.summary_line() if verbose else None)
    finish_interrupted(result.summary.get("interrupted_by") or late, target)


@main.command()
@click.argument("instance", type=click.Path(path_type=Path))
@click.argument("schedule", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the violations as JSON.")
@handles_input_errors
def check(instance: Path, schedule: Path, as_json: bool) -> None:
    """Check a SCHEDULE folder against its INSTANCE; exit 1 on any broken rule."""
    from schemalaggning.check import check_schedule
    from schemalaggning.io import read_instance, read_schedule

    violations = check_schedule(read_instance(instance), read_schedule(schedule))
    if as_json:
        click.echo(
            json.dumps(
                {"ok": not violations, "violations": [v.as_dict() for v in violations]}, indent=2
            )
        )
    else:
        for violation in violations:
            out_console.print(str(violation), markup=False)
        if violations:
            rules = sorted({v.rule for v in violations})
            out_console.print(
                f"{len(violations)} violation(s) of {len(rules)} rule(s): {', '.join(rules)}",
                markup=False,
            )
        else:
            out_console.print("ok: the schedule breaks no rule", markup=False)
    sys.exit(1 if violations else 0)


@main.command()
@click.argument("instance", type=click.Path(path_type=Path))
@click.option(
    "--schedule",
    type=click.Path(path_type=Path),
    required=True,
    help="The published schedule folder to assess the requests against.",
)
@click.option(
    "-o",
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="Also write the assessment to this CSV file.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the assessment as JSON.")
@handles_input_errors
def electives(instance: Path, schedule: Path, out: Path | None, as_json: bool) -> None:
    """Assess the personal course requests of INSTANCE (electives.csv) against a published
    SCHEDULE folder, without planning anything: ok, clash, staffing or budget, with the
    reason and, for staffing, the nearest days that would do."""
    from schemalaggning.electives import ASSESSMENT_COLUMNS, assess_electives
    from schemalaggning.io import read_instance_with_warnings, read_schedule
    from schemalaggning.io.folders import file_problems, replace_file
    from schemalaggning.io.tables import write_csv

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
        out_console.print("Inga ansökningar: instansen har ingen electives.csv.", markup=False)
        return
    table = Table("ansökan", "person", "bedömning", "skäl", title="Individuella kurser")
    for assessment in assessments:
        table.add_row(
            assessment.request_id,
            assessment.person_id,
            assessment.verdict.swedish,
            assessment.reason,
        )
    out_console.print(table)
    counts = Counter(a.verdict.swedish for a in assessments)
    out_console.print(
        ", ".join(f"{n} {verdict}" for verdict, n in counts.items())
        + (f"; skrev {out}" if out is not None else ""),
        markup=False,
    )


@main.group()
def export() -> None:
    """Export a schedule for the people who use it."""


@export.command("ics")
@click.argument("schedule", type=click.Path(path_type=Path))
@click.option(
    "--instance",
    type=click.Path(path_type=Path),
    default=None,
    help="The schedule's instance.  [default: the one summary.json names]",
)
@click.option(
    "--changes-only",
    is_flag=True,
    help="Write only the invitations and cancellations of what changed since the ledger.",
)
@handles_input_errors
def export_ics(schedule: Path, instance: Path | None, changes_only: bool) -> None:
    """Write calendars and invitations into the SCHEDULE folder.

    calendar.ics and ics/{people,trainers,rooms}/<id>.ics to subscribe to, a REQUEST
    per session day in invites/, a CANCEL for each published day that is gone, and
    invites/outbox.csv: the files to mail now and to whom. ics/ledger.json keeps what
    was published, so that a moved session updates its invitation (same UID,
    SEQUENCE + 1) and an unchanged one is not sent again.
    """
    from schemalaggning.export import export_ics as run_export

    report = run_export(schedule, instance, changes_only=changes_only)
    for warning in report.warnings:
        err_console.print(f"warning: {warning}", markup=False)
    out_console.print(report.line(), markup=False)
    out_console.print(f"wrote {schedule}", markup=False)


@export.command("views")
@click.argument("schedule", type=click.Path(path_type=Path))
@click.option(
    "--instance",
    type=click.Path(path_type=Path),
    default=None,
    help="The schedule's instance.  [default: the one summary.json names]",
)
@handles_input_errors
def export_views(schedule: Path, instance: Path | None) -> None:
    """Write the views for people into the SCHEDULE folder (replaced whole).

    schema.xlsx (the workbook: sessions, sign-in lists, people, trainers, rooms, unmet
    attendances, changes), rapport.html (the report, one file that works offline) and
    planer/ (a page per new hire and per trainer). solve and replan write them too.
    """
    from schemalaggning.export.views import export_views as run_export

    print_closing(run_export(schedule, instance))


@main.command()
@click.argument("schedule", type=click.Path(path_type=Path))
@click.option(
    "--instance",
    type=click.Path(path_type=Path),
    default=None,
    help="The instance whose [smtp] settings apply.  [default: the one summary.json names]",
)
@click.option(
    "--dry-run",
    "dry_run_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Write the messages as .eml files into this folder and send nothing.",
)
@click.option("--smtp-host", default=None, help="The mail server.")
@click.option("--smtp-port", type=click.IntRange(1, 65535), default=None, help="Its port.")
@click.option(
    "--security",
    type=click.Choice(["starttls", "ssl", "none"]),
    default=None,
    help="How the connection is protected.  [default: starttls]",
)
@click.option("--user", default=None, help="The mail server's user name (asks for the password).")
@click.option(
    "--rate",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    help="Messages a minute at most.",
)
@click.option(
    "--discard",
    multiple=True,
    metavar="WHAT",
    help="Take messages out of the outbox without sending: all, a file, a UID or an address.",
)
@click.option(
    "--mailed-elsewhere",
    is_flag=True,
    help="With --discard: they were mailed some other way (later cancellations reach them).",
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
    """Mail the invitations and cancellations of SCHEDULE's outbox, each exactly once.

    One message per file and recipient, from the organizer, with the calendar part
    (iMIP) and a Swedish text. What was sent is kept in invites/sent.sqlite: a second
    run sends nothing, an interrupted run goes on with what is left. The password
    comes from SCHEMALAGGNING_SMTP_PASSWORD or a prompt. Exit 0: all sent; 1: some
    recipients refused (listed; tried again next time); 75: stopped early (run again).
    """
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


@main.command()
@click.argument("out", type=click.Path(path_type=Path))
@click.option(
    "--preset",
    type=click.Choice(["goteborg", "stockholm", "tight", "tiny", "small"]),
    default=None,
    help="Start from a named parameter set; the options below override it.",
)
@click.option(
    "--hires-per-year",
    type=click.IntRange(min=1),
    default=None,
    help="New hires a year.  [default: 280, or the preset's]",
)
@click.option(
    "--districts",
    type=click.IntRange(min=1),
    default=None,
    help="Number of districts.  [default: 10, or the preset's]",
)
@click.option(
    "--years",
    type=click.IntRange(min=1, max=10),
    default=None,
    help="Length of the horizon in years.  [default: 2, or the preset's]",
)
@click.option("--seed", type=int, default=None, help="Seed.  [default: 0, or the preset's]")
@click.option(
    "--staff-per-district",
    type=click.IntRange(min=1),
    default=None,
    help="Staff in each district (default: about 3.6 x hires per year / districts).",
)
@click.option("--xlsx", is_flag=True, help="Write one .xlsx workbook instead of a folder.")
@handles_input_errors
def generate(
    out: Path,
    preset: str | None,
    hires_per_year: int | None,
    districts: int | None,
    years: int | None,
    seed: int | None,
    staff_per_district: int | None,
    xlsx: bool,
) -> None:
    """Write a realistic synthetic instance to OUT (deterministic by seed)."""
    from pydantic import ValidationError

    from schemalaggning.generate import PRESETS, GeneratorParams, generate_instance
    from schemalaggning.io import write_instance, write_instance_xlsx

    base = PRESETS[preset] if preset else GeneratorParams()
    # Only the options given on the command line replace the preset's values.
    given = {
        "hires_per_year": hires_per_year,
        "districts": districts,
        "years": years,
        "seed": seed,
        "staff_per_district": staff_per_district,
    }
    overrides = {key: value for key, value in given.items() if value is not None}
    try:
        params = GeneratorParams.model_validate({**base.model_dump(), **overrides})
    except ValidationError as error:
        messages = "; ".join(str(e["msg"]).removeprefix("Value error, ") for e in error.errors())
        raise click.UsageError(messages) from None
    if xlsx:
        if out.exists():
            raise InputError(
                [Problem(str(out), None, None, None, "expected a new file: this one exists")]
            )
        instance = generate_instance(params)
        write_instance_xlsx(instance, out)
    else:
        with OutputFolder(out, "instance") as output:
            report_recovery(output)
            instance = generate_instance(params)

            def write(folder: Path) -> None:
                write_instance(instance, folder)

            output.replace(write)
    click.echo(
        f"wrote {out}: {len(instance.people)} people, {len(instance.courses)} courses, "
        f"{len(instance.due_attendances)} due attendances"
    )


@main.command()
@click.argument("instance", type=click.Path(path_type=Path), required=False)
@click.option(
    "--hires-per-year",
    type=click.IntRange(min=1),
    default=None,
    help="Replace the instance's hiring by this many hires a year, spread evenly over the "
    "months.  [default: the instance's people's start dates]",
)
@click.option(
    "--districts",
    type=click.IntRange(min=0),
    default=None,
    help="Districts for the report's staffing (0.2 FTE each).  [default: the instance's]",
)
@click.option(
    "--working-weeks",
    type=click.FloatRange(min=0, max=52, min_open=True),
    default=40.0,
    show_default=True,
    help="Working weeks of one FTE a year.",
)
@click.option(
    "--admin-share",
    type=click.FloatRange(min=0, max=1, max_open=True),
    default=0.5,
    show_default=True,
    help="Share of an FTE's time that is not teaching (preparation, enrolment, admin).",
)
@click.option(
    "--scenario",
    "scenarios",
    type=click.IntRange(min=1),
    multiple=True,
    help="Hires a year to compare (repeat the option).  [default: 200, 280, 400, 600]",
)
@click.option("--json", "as_json", is_flag=True, help="Print every figure as one JSON object.")
@handles_input_errors
def capacity(
    instance: Path | None,
    hires_per_year: int | None,
    districts: int | None,
    working_weeks: float,
    admin_share: float,
    scenarios: tuple[int, ...],
    as_json: bool,
) -> None:
    """Part-1 rounds, part-2 sessions, trainer days and staff a year for INSTANCE's hiring.

    INSTANCE defaults to the bundled Göteborg instance. Answers the city report's planning
    questions from the data: the report's rule (a part-1 round a month outside the holiday
    months) beside the least the rooms and groups allow, and the same at other volumes.
    """
    from schemalaggning.capacity import (
        DEFAULT_SCENARIOS,
        StaffingAssumptions,
        plan_capacity,
        report_tables,
    )
    from schemalaggning.io import read_instance

    loaded = read_instance(instance or default_instance())
    report = plan_capacity(
        loaded,
        hires_per_year=hires_per_year,
        districts=districts,
        scenarios=scenarios or DEFAULT_SCENARIOS,
        assumptions=StaffingAssumptions(working_weeks=working_weeks, admin_share=admin_share),
    )
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
        return
    for table in report_tables(report):
        out_console.print(table)


@main.command()
@click.argument("instance", type=click.Path(path_type=Path))
@click.option("--person", "person_id", default=None, help="Only this person's due attendances.")
@click.option("--course", "course_id", default=None, help="Only this course.")
@click.option(
    "--schedule",
    type=click.Path(path_type=Path),
    default=None,
    help="Explain this solved schedule of INSTANCE (default: solve it first).",
)
@search_options("Seconds for solving INSTANCE when no --schedule is given.")
@click.option("--json", "as_json", is_flag=True, help="Print the explanations as JSON.")
@handles_input_errors
def explain(
    instance: Path,
    person_id: str | None,
    course_id: str | None,
    schedule: Path | None,
    time_limit: float,
    workers: int,
    seed: int,
    as_json: bool,
) -> None:
    """Say why due attendances of INSTANCE are not met, and the cheapest fix (checked by
    solving); with --person/--course, explain those whether met or not.

    The plan explained is --schedule when given (a schedule `solve` wrote for INSTANCE),
    else INSTANCE solved as `solve` would, within --time-limit.
    """
    from schemalaggning.check import check_schedule
    from schemalaggning.explain import Plan
    from schemalaggning.explain import explain as run_explain
    from schemalaggning.io import read_instance, read_schedule
    from schemalaggning.progress import ProgressDisplay
    from schemalaggning.solve import SolveParams

    loaded = read_instance(instance)
    problems = []
    if person_id is not None and person_id not in loaded.person_by_id:
        problems.append(
            Problem(
                "command line", None, "--person", person_id, "expected a person_id of people.csv"
            )
        )
    if course_id is not None and course_id not in loaded.course_by_id:
        problems.append(
            Problem(
                "command line", None, "--course", course_id, "expected a course_id of courses.csv"
            )
        )
    if problems:
        raise InputError(problems)
    params = SolveParams(time_limit=time_limit, workers=workers, seed=seed)
    if schedule is not None:
        solved = read_schedule(schedule)
        if solved.problems:
            raise InputError(solved.problems)
        broken = check_schedule(loaded, solved)
        if broken:
            err_console.print(
                f"warning: {schedule} breaks {len(broken)} rule(s) of {instance} "
                f"(first: {broken[0]}); run `schemalaggning check` for all",
                markup=False,
            )
        plan: Plan | None = Plan.of(
            [a for _, a in solved.assignments], [u for _, u in solved.unscheduled]
        )
    else:
        plan = None
    with ProgressDisplay(err_console) as progress:
        explanations = run_explain(
            loaded, person_id, course_id, plan=plan, params=params, progress=progress
        )
    if as_json:
        click.echo(
            json.dumps(
                {"attendances": [e.as_dict() for e in explanations]}, indent=2, ensure_ascii=False
            )
        )
        return
    if not explanations:
        out_console.print("every due attendance asked for is met (or none is due)", markup=False)
    for item in explanations:
        for line in item.lines():
            out_console.print(line, markup=False)


@main.command("bench")
@click.argument("suite", type=click.Choice(["smoke", "scaling"]), default="smoke")
@click.option(
    "--time-limit",
    type=click.FloatRange(min=0, min_open=True),
    default=60.0,
    show_default=True,
    help="Seconds for the MIP and the product on each instance.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Results folder (default: benchmarks/results/SUITE).",
)
@click.option(
    "--mip-max-scale",
    type=float,
    default=None,
    help="Skip the MIP on scaling instances above this multiple of Göteborg.",
)
@click.option(
    "--limit-at",
    "limit_at",
    type=(float, float),
    multiple=True,
    help="SCALE SECONDS: another time limit for one scaling instance (repeatable).",
)
@handles_input_errors
def bench(
    suite: str,
    time_limit: float,
    out: Path | None,
    mip_max_scale: float | None,
    limit_at: tuple[tuple[float, float], ...],
) -> None:
    """Benchmark the greedy plan, the MIP baseline (HiGHS) and the product side by side.

    SUITE is smoke (the tiny instance, seconds) or scaling (0.25 to 10 times Göteborg).
    Each run is its own subprocess; every schedule is checked. Writes SUITE.csv,
    SUITE.md and a plot SUITE.png.
    Exit status 1 when a run crashed or a schedule broke a rule.
    """
    from schemalaggning.bench import bench as run_bench
    from schemalaggning.io.folders import claim_folder

    folder = claim_folder(out or Path("benchmarks") / "results" / suite, "bench")
    command = "schemalaggning " + " ".join(sys.argv[1:])
    # A table this wide is cut to pieces at a pipe's 80 columns: give it room.
    console = out_console if out_console.is_terminal else Console(highlight=False, width=240)

    def echo(item: Any) -> None:
        if isinstance(item, str):
            console.print(item, markup=False)
        else:
            console.print(item)

    outcome = run_bench(
        suite,
        time_limit,
        folder,
        command,
        echo=echo,
        mip_max_scale=mip_max_scale,
        limits=dict(limit_at),
    )
    if not outcome.ok:
        sys.exit(1)


@main.command()
@click.argument("instance", type=click.Path(path_type=Path))
@click.option(
    "--grid",
    "grid_file",
    type=click.Path(path_type=Path),
    required=True,
    help="GRID.toml: a [grid] table of the parameters to vary and their values.",
)
@click.option(
    "-o", "--out", type=click.Path(path_type=Path), required=True, help="The sweep's folder."
)
@click.option(
    "--scheduler",
    default=None,
    metavar="ADDRESS",
    help="An existing Dask scheduler, such as tcp://10.0.0.5:8786.  [default: a local cluster]",
)
@click.option(
    "--time-limit",
    type=click.FloatRange(min=0, min_open=True),
    default=60.0,
    show_default=True,
    help="Seconds for each scenario's solve.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="CP-SAT workers in each scenario's solve.",
)
@click.option(
    "--tasks",
    type=click.IntRange(min=1),
    default=None,
    help="Scenarios solved at once on the local cluster.  [default: cores / workers]",
)
@handles_input_errors
def sweep(
    instance: Path,
    grid_file: Path,
    out: Path,
    scheduler: str | None,
    time_limit: float,
    workers: int,
    tasks: int | None,
) -> None:
    """Solve a grid of what-if scenarios of INSTANCE side by side, on Dask.

    Each scenario (hires a year, district limits, rooms, central trainers, seeds) is
    built, solved and checked in one task; results arrive as they finish. OUT gets
    sweep.csv and sweep.xlsx (one row per scenario, with capacity's estimate beside),
    plots, and each scenario's schedule; a re-run solves only the scenarios not yet
    done.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from schemalaggning.io import read_instance_with_warnings
    from schemalaggning.io.folders import folder_problems
    from schemalaggning.sweep import Outcome, read_grid
    from schemalaggning.sweep_report import SweepSettings, run_sweep

    problems = folder_problems(out, "sweep", [instance, grid_file])
    try:
        loaded, warnings = read_instance_with_warnings(instance)
    except InputError as error:
        problems += error.problems
        loaded, warnings = None, []
    try:
        grid = read_grid(grid_file)
    except InputError as error:
        problems += error.problems
    if problems or loaded is None:
        raise InputError(problems)
    print_problems(warnings)
    settings = SweepSettings(time_limit, workers, scheduler, tasks)
    total = len(grid.scenarios())
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=err_console,
        transient=True,
    ) as bar:
        task = bar.add_task("scenarier", total=total)

        def arrived(outcome: Outcome, done: int, _: int) -> None:
            row = outcome.row
            if row.get("status") == "failed":
                err_console.print(
                    f"misslyckades: {outcome.scenario.name}: {row.get('error')}", markup=False
                )
            bar.update(task, completed=done)

        run = run_sweep(loaded, grid, out, settings, arrived)
    cached = sum(1 for o in run.outcomes if o.cached)
    failed = len(run.failed)
    out_console.print(
        f"{total} scenarier: {total - cached - failed} lösta nu, {cached} från tidigare "
        f"körning, {failed} misslyckades. Tabellen: {out / 'sweep.csv'} (och sweep.xlsx), "
        f"diagrammen: {out}/*.png, varje scenarios schema: {out / 'scenarios'}/",
        markup=False,
    )
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
