"""Commands that plan: ``validate``, ``solve``, ``replan``, ``check``, ``explain``."""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from schemalaggning.cli.app import (
    checked_output,
    default_instance,
    err_console,
    finish_interrupted,
    handles_input_errors,
    main,
    out_console,
    print_closing,
    print_problems,
    report_recovery,
    search_options,
    warning_line,
    write_schedule_folder,
)
from schemalaggning.cli.endings import print_findings, print_replan, print_summary, say_overrun
from schemalaggning.cli.params import Day, OneOf, WholeNumber
from schemalaggning.exits import EXIT_FAILED, EXIT_OK
from schemalaggning.i18n import N_, _
from schemalaggning.io.folders import OutputFolder
from schemalaggning.io.identity import (
    instance_identity,
    read_summary,
    require_same_instance,
)
from schemalaggning.problems import InputError, Problem

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import date

    from schemalaggning.domain import Instance
    from schemalaggning.engine.result import Result, Summary
    from schemalaggning.explain import ExplainedSchedule, Explanation, OfferingExplanation


def command_started() -> float:
    """When the command began, on the ``time.perf_counter()`` clock: the process's start
    when the process is this command (Linux: ``/proc/self/stat``), so that Python's own
    start and the imports count against the time limit too; else (another system, or
    the command called inside a longer-running process) now.
    """
    now = time.perf_counter()
    program = Path(sys.argv[0])
    if program.name != "schemalaggning" and program.parts[-2:] != ("cli", "__main__.py"):
        return now
    try:
        stat = Path("/proc/self/stat").read_text(encoding="ascii")
        # Field 22, after the command name in parentheses: clock ticks since boot.
        ticks = int(stat.rpartition(")")[2].split()[19])
        age = time.clock_gettime(time.CLOCK_BOOTTIME) - ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, AttributeError):
        return now
    # A process older than a minute was not started for this command.
    return now - age if 0.0 <= age <= 60.0 else now


@main.command(
    help=N_("Check an INSTANCE (folder or .xlsx) and print its summary, or every error (exit 2).")
)
@click.argument("instance", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help=N_("Print the summary as JSON."))
@handles_input_errors
def validate(instance: Path, as_json: bool) -> None:
    """Check an INSTANCE (folder or .xlsx) and print its summary, or every error (exit
    2)."""
    from schemalaggning.describe import describe_instance
    from schemalaggning.io import read_instance_with_warnings

    loaded, warnings = read_instance_with_warnings(instance)
    summary = describe_instance(loaded)
    if as_json:
        summary["warnings"] = [w.as_dict() for w in warnings]
        click.echo(json.dumps(summary, indent=2))
        return
    print_problems(warnings)
    print_summary(summary, loaded, instance)


@main.command(
    help=N_(
        "Schedule INSTANCE (default: the bundled Göteborg instance) and write "
        "the schedule.\n\n"
        "Writes sessions.csv, assignments.csv, unscheduled.csv and summary.json"
        " into the output folder, with the workbook, the report and the "
        "personal plans (see 'export views') and the calendars and "
        "invitations (see 'export ics') unless --no-ics, replacing it whole "
        "only once everything is written. Ctrl-C or the time limit still writes"
        " the best schedule found so far."
    )
)
@click.argument("instance", type=click.Path(path_type=Path), required=False)
@click.option(
    "-o",
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help=N_("Schedule folder to write (default: schedules/<instance name>)."),
)
@search_options(N_("Seconds for the whole solve."))
@click.option(
    "--from",
    "from_date",
    type=Day(),
    default=None,
    help=N_("Plan one term: sessions from this day on."),
)
@click.option(
    "--to",
    "to_date",
    type=Day(),
    default=None,
    help=N_("Plan one term: sessions up to this day; attendances due by it required."),
)
@click.option("--greedy", is_flag=True, help=N_("The greedy plan only, without CP-SAT."))
@click.option(
    "--reserve-seats",
    type=WholeNumber(min=0),
    default=0,
    show_default=True,
    help=N_("Seats of every new session kept free for hires added later."),
)
@click.option(
    "--forecast",
    type=OneOf(["file", "auto", "none"]),
    default="file",
    show_default=True,
    help=N_(
        "Hold seats for expected hires: forecast.csv (file), or estimated from "
        "people.csv when there is none (auto), or none."
    ),
)
@click.option("--log", is_flag=True, help=N_("Pass CP-SAT's own search log through."))
@click.option(
    "--no-ics", is_flag=True, help=N_("Write no calendars or invitations (the ledger is kept).")
)
@click.option("--json", "as_json", is_flag=True, help=N_("Print the summary as JSON."))
@click.option(
    "--verbose", is_flag=True, help=N_("Also print the solver's figures (status, bound, gap).")
)
@click.option(
    "--other-instance",
    is_flag=True,
    help=N_(
        "Write into a folder whose published schedule is another instance's: its "
        "invitations are cancelled or changed at the next send."
    ),
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
    other_instance: bool,
) -> None:
    """Schedule INSTANCE (default: the bundled Göteborg instance) and write the
    schedule."""
    # The time limit is the whole command's: Python's start, reading the instance and
    # writing the schedule count.
    started = command_started()
    from schemalaggning.engine.solve import SolveParams, deferred_writing, plan_term
    from schemalaggning.export.folder import write_schedule
    from schemalaggning.export.ics import read_ledger
    from schemalaggning.export.ledger import other_published
    from schemalaggning.io import read_instance_with_warnings
    from schemalaggning.month.electives import assessment_tables
    from schemalaggning.month.forecast import solve_held
    from schemalaggning.progress import ProgressDisplay

    path = instance or default_instance()
    target = out or Path("schedules") / path.stem
    output, (loaded, warnings) = checked_output(
        target, "schedule", [path], lambda: read_instance_with_warnings(path)
    )
    print_problems(warnings)
    loaded = plan_term(
        loaded, from_date.date() if from_date else None, to_date.date() if to_date else None
    )
    # The views and calendars of a city too large to write them within the time limit
    # are left for their own commands (the closing lines name them).
    writing = deferred_writing(loaded, "views" if no_ics else "calendars", time_limit)
    params = SolveParams(
        time_limit=time_limit,
        workers=workers,
        seed=seed,
        log=log,
        improve=not greedy,
        reserve_seats=reserve_seats,
        writing=writing,
    )
    with output:
        report_recovery(output)
        # A damaged ledger stops the run before the work, not after it.
        published = target if target.is_dir() else None
        if published is not None:
            replaced = other_published(published, read_ledger(published), loaded, path)
            if replaced and not other_instance:
                hint = _("; pass --other-instance to do so, or write elsewhere with -o")
                raise InputError([Problem(str(path), None, None, None, replaced + hint)])
            if replaced:
                err_console.print(warning_line(replaced), markup=False)
        with ProgressDisplay(err_console, verbose) as progress:
            result = solve_held(loaded, params, progress, forecast, started)
        not_written = ["views"] + ([] if no_ics else ["calendars"])
        result.record = recorded(result, path, loaded, not_written if writing == "files" else None)
        tables = assessment_tables(loaded, result.sessions, result.assignments)
        late = write_schedule_folder(
            output,
            lambda folder: write_schedule(
                folder,
                result,
                loaded if writing != "files" else None,
                published,
                tables,
                calendars=not no_ics,
            ),
        )
    if as_json:
        click.echo(json.dumps(result.summary, indent=2, ensure_ascii=False))
    else:
        print_closing(target, result.summary_line() if verbose else None, mail_rate(loaded))
        say_overrun(started, time_limit)
    finish_interrupted(result.summary.get("interrupted_by") or late, target)


@main.command(
    help=N_(
        "Re-plan INSTANCE around the PUBLISHED schedule: history and the freeze"
        " stay, later sessions are kept where possible, and every change is "
        "listed in changes.csv."
    )
)
@click.argument("instance", type=click.Path(path_type=Path))
@click.option(
    "--published",
    type=click.Path(path_type=Path),
    required=True,
    help=N_("The schedule folder that was published."),
)
@click.option(
    "--today",
    type=Day(),
    default=None,
    help=N_("Sessions that started before this day are history (default: today)."),
)
@click.option(
    "--freeze-weeks",
    type=WholeNumber(min=0),
    default=4,
    show_default=True,
    help=N_("Published sessions starting within this many weeks are pinned."),
)
@click.option(
    "-o",
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help=N_("Schedule folder to write (default: the published folder, replaced)."),
)
@search_options(N_("Seconds for the whole re-plan."))
@click.option("--greedy", is_flag=True, help=N_("The greedy re-plan only, without CP-SAT."))
@click.option(
    "--forecast",
    type=OneOf(["file", "auto", "none"]),
    default="file",
    show_default=True,
    help=N_(
        "Seats held for expected hires, as for solve (auto when the published "
        "schedule was made with auto)."
    ),
)
@click.option("--no-ics", is_flag=True, help=N_("Write no calendars or invitations."))
@click.option("--json", "as_json", is_flag=True, help=N_("Print the summary as JSON."))
@click.option(
    "--verbose", is_flag=True, help=N_("Also print the solver's figures (status, bound, gap).")
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
    """Re-plan INSTANCE around the PUBLISHED schedule: history and the freeze stay,
    later sessions are kept where possible, and every change is listed in
    changes.csv."""
    from datetime import date as date_type

    from schemalaggning.engine.solve import SolveParams
    from schemalaggning.export.folder import write_schedule
    from schemalaggning.export.ics import read_ledger
    from schemalaggning.export.outbox import mark_carried
    from schemalaggning.io import read_instance_with_warnings, read_schedule
    from schemalaggning.month.changes import CHANGE_COLUMNS
    from schemalaggning.month.electives import assessment_tables
    from schemalaggning.month.replan import replan as run_replan

    target = out or published
    output, (loaded, warnings) = checked_output(
        target, "schedule", [instance], lambda: read_instance_with_warnings(instance)
    )
    print_problems(warnings)
    # The time limit is the whole command's, as for solve: writing the folder counts.
    started = command_started()
    day = today.date() if today else date_type.today()
    params = SolveParams(
        time_limit=time_limit,
        workers=workers,
        seed=seed,
        improve=not greedy,
        writing="views" if no_ics else "calendars",
    )
    separate = target.expanduser().resolve() != published.expanduser().resolve()
    with contextlib.ExitStack() as published_lock:
        if separate and published.is_dir():
            # The published folder is read, and its unsent invitations taken over, while
            # no send or other run can change it.
            published_lock.enter_context(OutputFolder(published, "schedule").held())
        schedule = read_schedule(published)
        if schedule.problems:
            raise InputError(schedule.problems)
        require_same_instance(published, schedule.summary, loaded, instance)
        read_ledger(published)
        with output:
            report_recovery(output)
            result, changes = run_replan(
                loaded, schedule, day, freeze_weeks, params, forecast, started
            )
            for warning in result.summary.get("warnings", []):
                err_console.print(warning_line(warning), markup=False)
            result.record = recorded(result, instance, loaded)
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
        print_replan(changes, result.summary)
        print_closing(target, result.summary_line() if verbose else None, mail_rate(loaded))
        say_overrun(started, time_limit)
    finish_interrupted(result.summary.get("interrupted_by") or late, target)


@main.command(
    help=N_(
        "Check a SCHEDULE folder against its INSTANCE; exit 1 on any broken "
        "rule.\n\n"
        "Notes about past sessions (history the plan could not help) are "
        "printed under their own heading and do not change the exit status."
    )
)
@click.argument("instance", type=click.Path(path_type=Path))
@click.argument("schedule", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help=N_("Print the violations as JSON."))
@handles_input_errors
def check(instance: Path, schedule: Path, as_json: bool) -> None:
    """Check a SCHEDULE folder against its INSTANCE; exit 1 on any broken rule."""
    from schemalaggning.check import check_schedule_with_notes
    from schemalaggning.io import read_instance, read_schedule

    loaded = read_instance(instance)
    read = read_schedule(schedule)
    if not read.problems:
        require_same_instance(schedule, read.summary, loaded, instance)
    found = check_schedule_with_notes(loaded, read)
    violations = found.violations
    if as_json:
        click.echo(
            json.dumps(
                {
                    "ok": found.ok,
                    "violations": [v.as_dict() for v in violations],
                    "notes": [n.as_dict() for n in found.notes],
                },
                indent=2,
            )
        )
    else:
        print_findings(violations, found.notes)
    sys.exit(EXIT_FAILED if violations else EXIT_OK)


@main.command(
    help=N_(
        "Say why due attendances of INSTANCE are not met, and the cheapest fix "
        "(checked by solving); with --person/--course, explain those whether "
        "met or not.\n\n"
        "The plan explained is --schedule when given (a schedule `solve` wrote "
        "for INSTANCE), else INSTANCE solved as `solve` would, within "
        "--time-limit."
    )
)
@click.argument("instance", type=click.Path(path_type=Path))
@click.option("--person", "person_id", default=None, help=N_("Only this person's due attendances."))
@click.option("--course", "course_id", default=None, help=N_("Only this course."))
@click.option(
    "--schedule",
    type=click.Path(path_type=Path),
    default=None,
    help=N_("Explain this solved schedule of INSTANCE (default: solve it first)."),
)
@search_options(N_("Seconds for solving INSTANCE when no --schedule is given."))
@click.option("--json", "as_json", is_flag=True, help=N_("Print the explanations as JSON."))
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
    """Say why due attendances of INSTANCE are not met, and the cheapest fix (checked
    by solving); with --person/--course, explain those whether met or not."""
    from schemalaggning.engine.solve import SolveParams
    from schemalaggning.explain import explain as run_explain
    from schemalaggning.explain import explain_offerings, solved_schedule
    from schemalaggning.io import read_instance
    from schemalaggning.progress import ProgressDisplay

    loaded = read_instance(instance)
    unknown = unknown_ids(loaded, person_id, course_id)
    if unknown:
        raise InputError(unknown)
    params = SolveParams(time_limit=time_limit, workers=workers, seed=seed)
    explained = given_schedule(loaded, instance, schedule)
    given = explained is not None
    with ProgressDisplay(err_console) as progress:
        if explained is None:
            explained = solved_schedule(loaded, params, progress)
        explanations = run_explain(
            loaded,
            person_id,
            course_id,
            schedule=explained,
            params=params,
            progress=progress,
            given=given,
            today=replanned_today(schedule),
        )
        offerings = (
            explain_offerings(loaded, explained, course_id, params) if person_id is None else []
        )
    print_explanations(explanations, offerings, as_json)


def unknown_ids(instance: Instance, person_id: str | None, course_id: str | None) -> list[Problem]:
    """The ``--person`` and ``--course`` given that the instance does not know."""
    problems = []
    if person_id is not None and person_id not in instance.person_by_id:
        problems.append(
            Problem(
                _("command line"),
                None,
                "--person",
                person_id,
                _("expected a person_id of people.csv"),
            )
        )
    if course_id is not None and course_id not in instance.course_by_id:
        problems.append(
            Problem(
                _("command line"),
                None,
                "--course",
                course_id,
                _("expected a course_id of courses.csv"),
            )
        )
    return problems


def given_schedule(
    instance: Instance, instance_path: Path, schedule: Path | None
) -> ExplainedSchedule | None:
    """The schedule folder ``explain`` was given, read and checked; ``None`` without one.

    A schedule that breaks rules of the instance is explained all the same, with a warning.
    """
    from schemalaggning.check import check_schedule
    from schemalaggning.explain import ExplainedSchedule
    from schemalaggning.io import read_schedule

    if schedule is None:
        return None
    solved = read_schedule(schedule)
    if solved.problems:
        raise InputError(solved.problems)
    require_same_instance(schedule, solved.summary, instance, instance_path)
    broken = check_schedule(instance, solved)
    if broken:
        err_console.print(
            warning_line(
                _(
                    "{schedule} breaks {count} rule(s) of {instance} (first: {first}); "
                    "run `schemalaggning check` for all"
                ).format(
                    schedule=schedule, instance=instance_path, count=len(broken), first=broken[0]
                )
            ),
            markup=False,
        )
    return ExplainedSchedule.of(
        [a for _, a in solved.assignments], [u for _, u in solved.unscheduled]
    )


def print_explanations(
    explanations: Sequence[Explanation], offerings: Sequence[OfferingExplanation], as_json: bool
) -> None:
    """Print what ``explain`` found, as lines or as JSON."""
    if as_json:
        click.echo(
            json.dumps(
                {
                    "attendances": [e.as_dict() for e in explanations],
                    "offerings": [o.as_dict() for o in offerings],
                },
                indent=2,
                ensure_ascii=False,
            )
        )
        return
    if not explanations and not offerings:
        out_console.print(_("every due attendance asked for is met (or none is due)"), markup=False)
    lines = [line for item in explanations for line in item.lines()]
    lines += [line for offering in offerings for line in offering.lines()]
    for line in lines:
        out_console.print(line, markup=False)


def mail_rate(instance: Instance) -> float | None:
    """The messages a minute the instance's mail settings allow, if they say."""
    return instance.settings.smtp.rate if instance.settings.smtp is not None else None


def replanned_today(schedule: Path | None) -> date | None:
    """The today a re-planned schedule was made for (its summary says), else ``None``."""
    from datetime import date as date_type

    if schedule is None:
        return None
    said = read_summary(schedule).get("today")
    try:
        return date_type.fromisoformat(said) if isinstance(said, str) else None
    except ValueError:
        return None


def recorded(
    result: Result, path: Path, instance: Instance, not_written: list[str] | None = None
) -> Summary | None:
    """The run's record with what the command knows of it: the instance's path and
    identity, and what was left for its own command."""
    if result.record is None:
        return None
    return replace(
        result.record,
        instance=str(path),
        instance_identity=instance_identity(instance),
        not_written=not_written,
    )
