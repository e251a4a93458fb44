"""Commands for planning ahead and measuring: ``generate``, ``capacity``, ``bench``,
``sweep``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from schemalaggning.cli.app import (
    SECONDS,
    default_instance,
    err_console,
    handles_input_errors,
    main,
    out_console,
    print_problems,
    report_recovery,
    wide_console,
)
from schemalaggning.cli.params import Number, OneOf, WholeNumber
from schemalaggning.exits import EXIT_FAILED
from schemalaggning.generate.params import MAX_HIRES_PER_YEAR
from schemalaggning.i18n import N_, _
from schemalaggning.interrupts import exit_status
from schemalaggning.io.folders import OutputFolder
from schemalaggning.problems import InputError, Problem
from schemalaggning.swedish import number

if TYPE_CHECKING:
    from schemalaggning.whatif.sweep import SweepRun

#: The most worker processes a sweep starts on this machine: each solves one scenario at
#: a time, and more than the cores only share them.
MAX_TASKS = 256


@main.command(help=N_("Write a realistic synthetic instance to OUT (deterministic by seed)."))
@click.argument("out", type=click.Path(path_type=Path))
@click.option(
    "--preset",
    type=OneOf(["goteborg", "stockholm", "tight", "tiny", "small"]),
    default=None,
    help=N_("Start from a named parameter set; the options below override it."),
)
@click.option(
    "--hires-per-year",
    type=WholeNumber(min=1, max=MAX_HIRES_PER_YEAR),
    default=None,
    help=N_("New hires a year.  [default: 280, or the preset's]"),
)
@click.option(
    "--districts",
    type=WholeNumber(min=1),
    default=None,
    help=N_("Number of districts.  [default: 10, or the preset's]"),
)
@click.option(
    "--years",
    type=WholeNumber(min=1, max=10),
    default=None,
    help=N_("Length of the horizon in years.  [default: 2, or the preset's]"),
)
@click.option(
    "--seed", type=WholeNumber(), default=None, help=N_("Seed.  [default: 0, or the preset's]")
)
@click.option(
    "--staff-per-district",
    type=WholeNumber(min=1),
    default=None,
    help=N_("Staff in each district (default: about 3.6 x hires per year / districts)."),
)
@click.option(
    "--xlsx", is_flag=True, help=N_("Write one .xlsx workbook instead of a folder (OUT.xlsx).")
)
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
        # A workbook keeps its ending, so that validate and Excel know it for one.
        if out.suffix.lower() != ".xlsx":
            out = out.with_name(out.name + ".xlsx")
        if out.exists():
            raise InputError(
                [Problem(str(out), None, None, None, _("expected a new file: this one exists"))]
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
        _("wrote {out}: {people} people, {courses} courses, {due} due attendances").format(
            out=out,
            people=number(len(instance.people)),
            courses=number(len(instance.courses)),
            due=number(len(instance.due_attendances)),
        )
    )


@main.command(
    help=N_(
        "Part-1 rounds, part-2 sessions, trainer days and staff a year for "
        "INSTANCE's hiring.\n\n"
        "INSTANCE defaults to the bundled Göteborg instance. Answers the city "
        "report's planning questions from the data: the report's rule (a part-1"
        " round a month outside the holiday months) beside the least the rooms "
        "and groups allow, and the same at other volumes."
    )
)
@click.argument("instance", type=click.Path(path_type=Path), required=False)
@click.option(
    "--hires-per-year",
    type=WholeNumber(min=1, max=MAX_HIRES_PER_YEAR),
    default=None,
    help=N_(
        "Replace the instance's hiring by this many hires a year, spread evenly over the "
        "months.  [default: the instance's people's start dates]"
    ),
)
@click.option(
    "--districts",
    type=WholeNumber(min=0),
    default=None,
    help=N_("Districts for the report's staffing (0.2 FTE each).  [default: the instance's]"),
)
@click.option(
    "--working-weeks",
    type=Number(min=0, max=52, min_open=True),
    default=40.0,
    show_default=True,
    help=N_("Working weeks of one FTE a year."),
)
@click.option(
    "--admin-share",
    type=Number(min=0, max=1, max_open=True),
    default=0.5,
    show_default=True,
    help=N_("Share of an FTE's time that is not teaching (preparation, enrolment, admin)."),
)
@click.option(
    "--scenario",
    "scenarios",
    type=WholeNumber(min=1, max=MAX_HIRES_PER_YEAR),
    multiple=True,
    help=N_("Hires a year to compare (repeat the option).  [default: 200, 280, 400, 600]"),
)
@click.option("--json", "as_json", is_flag=True, help=N_("Print every figure as one JSON object."))
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
    """Part-1 rounds, part-2 sessions, trainer days and staff a year for INSTANCE's
    hiring."""
    from schemalaggning.io import read_instance
    from schemalaggning.whatif.capacity import (
        DEFAULT_SCENARIOS,
        StaffingAssumptions,
        plan_capacity,
        report_tables,
    )

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
    console = wide_console()
    for table in report_tables(report):
        console.print(table)


@main.command(
    "bench",
    help=N_(
        "Benchmark the greedy plan, the MIP baseline (HiGHS) and the product "
        "side by side.\n\n"
        "SUITE is smoke (the tiny instance, seconds) or scaling (0.25 to 10 "
        "times Göteborg). Each run is its own subprocess; every schedule is "
        "checked. Writes SUITE.csv, SUITE.md and a plot SUITE.png. Exit status "
        "1 when a run crashed or a schedule broke a rule."
    ),
)
@click.argument("suite", type=OneOf(["smoke", "scaling"]), default="smoke")
@click.option(
    "--time-limit",
    type=SECONDS,
    default=60.0,
    show_default=True,
    help=N_("Seconds for the MIP and the product on each instance."),
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help=N_("Results folder (default: benchmarks/results/SUITE)."),
)
@click.option(
    "--mip-max-scale",
    type=Number(),
    default=None,
    help=N_("Skip the MIP on scaling instances above this multiple of Göteborg."),
)
@click.option(
    "--limit-at",
    "limit_at",
    type=(Number(), Number()),
    multiple=True,
    help=N_("SCALE SECONDS: another time limit for one scaling instance (repeatable)."),
)
@handles_input_errors
def bench(
    suite: str,
    time_limit: float,
    out: Path | None,
    mip_max_scale: float | None,
    limit_at: tuple[tuple[float, float], ...],
) -> None:
    """Benchmark the greedy plan, the MIP baseline (HiGHS) and the product side by
    side."""
    from schemalaggning.io.folders import claim_folder
    from schemalaggning.whatif.bench import bench as run_bench

    folder = claim_folder(out or Path("benchmarks") / "results" / suite, "bench")
    command = "schemalaggning " + " ".join(sys.argv[1:])
    console = wide_console()

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
        sys.exit(EXIT_FAILED)


@main.command(
    help=N_(
        "Solve a grid of what-if scenarios of INSTANCE side by side, on Dask.\n\n"
        "Each scenario (hires a year, district limits, rooms, central trainers,"
        " seeds) is built, solved and checked in one task; results arrive as "
        "they finish. OUT gets sweep.csv and sweep.xlsx (one row per scenario, "
        "with capacity's estimate beside), plots, and each scenario's schedule;"
        " a re-run solves only the scenarios not yet done. Ctrl-C or SIGTERM "
        "stops the sweep, keeping the scenarios finished so far."
    )
)
@click.argument("instance", type=click.Path(path_type=Path))
@click.option(
    "--grid",
    "grid_file",
    type=click.Path(path_type=Path),
    required=True,
    help=N_("GRID.toml: a [grid] table of the parameters to vary and their values."),
)
@click.option(
    "-o", "--out", type=click.Path(path_type=Path), required=True, help=N_("The sweep's folder.")
)
@click.option(
    "--scheduler",
    default=None,
    metavar=N_("ADDRESS"),
    help=N_("An existing Dask scheduler, such as tcp://10.0.0.5:8786.  [default: a local cluster]"),
)
@click.option(
    "--time-limit",
    type=SECONDS,
    default=60.0,
    show_default=True,
    help=N_("Seconds for each scenario's solve."),
)
@click.option(
    "--workers",
    type=WholeNumber(min=1),
    default=1,
    show_default=True,
    help=N_("CP-SAT workers in each scenario's solve."),
)
@click.option(
    "--tasks",
    type=WholeNumber(min=1, max=MAX_TASKS),
    default=None,
    help=N_(
        "Scenarios solved at once on the local cluster (a worker process each).  "
        "[default: cores / workers]"
    ),
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
    """Solve a grid of what-if scenarios of INSTANCE side by side, on Dask."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from schemalaggning.io import read_instance_with_warnings
    from schemalaggning.io.folders import folder_problems
    from schemalaggning.whatif.sweep import Outcome, read_grid
    from schemalaggning.whatif.sweep_report import SweepSettings, run_sweep

    problems = folder_problems(out, "sweep", [instance, grid_file])
    try:
        loaded, warnings = read_instance_with_warnings(instance)
    except InputError as error:
        problems += error.problems
        loaded, warnings = None, []
    try:
        grid = read_grid(grid_file, MAX_HIRES_PER_YEAR)
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
        task = bar.add_task(_("scenarios"), total=total)

        def arrived(outcome: Outcome, done: int, total: int) -> None:
            row = outcome.row
            if row.get("status") == "failed":
                err_console.print(
                    _("failed: {scenario}: {error}").format(
                        scenario=outcome.scenario.name, error=row.get("error")
                    ),
                    markup=False,
                )
            bar.update(task, completed=done)

        run = run_sweep(loaded, grid, out, settings, arrived)
    if run.stopped_by is not None:
        err_console.print(stopped_line(run, total, out), markup=False)
        sys.exit(exit_status(run.stopped_by))
    cached = sum(1 for o in run.outcomes if o.cached)
    failed = len(run.failed)
    out_console.print(
        _(
            "{total} scenarios: {solved} solved now, {cached} from an earlier run, {failed} "
            "failed. The table: {table} (and sweep.xlsx), the charts: {out}/*.png, each "
            "scenario's schedule: {scenarios}/"
        ).format(
            total=total,
            solved=total - cached - failed,
            cached=cached,
            failed=failed,
            table=out / "sweep.csv",
            out=out,
            scenarios=out / "scenarios",
        ),
        markup=False,
    )
    if failed:
        sys.exit(EXIT_FAILED)


def stopped_line(run: SweepRun, total: int, out: Path) -> str:
    """What a sweep stopped by a signal kept, in one line."""
    done = len(run.outcomes)
    table = out / "sweep.csv"
    if not done:
        return _("interrupted ({signal}): no scenario was finished, nothing written").format(
            signal=run.stopped_by
        )
    if done == total:
        # The signal came as the last tables were written; they were finished first.
        return _("interrupted ({signal}): all {total} scenarios done, the table: {table}").format(
            signal=run.stopped_by, total=total, table=table
        )
    return _(
        "interrupted ({signal}): {done} of {total} scenarios done and saved, the table: "
        "{table}; the same command again solves the {left} that are left"
    ).format(signal=run.stopped_by, done=done, total=total, table=table, left=total - done)
