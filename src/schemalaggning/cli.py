"""The command line: ``schemalaggning validate | check | generate``."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.table import Table

from schemalaggning.problems import InputError, Problem, Severity

F = TypeVar("F", bound=Callable[..., Any])

#: Exit status for bad input (nothing was written).
EXIT_BAD_INPUT = 2

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
    """Turn bad input into a located message and exit status 2, never a traceback."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except InputError as error:
            print_problems(error.problems)
            sys.exit(EXIT_BAD_INPUT)
        except OSError as error:
            err_console.print(
                f"error: {error.filename or ''}: {error.strerror or error}", markup=False
            )
            sys.exit(EXIT_BAD_INPUT)

    return wrapper  # type: ignore[return-value]


@click.group()
@click.version_option(package_name="schemalaggning")
def main() -> None:
    """Schedule the introduction programme for newly hired social workers."""


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
    ):
        table.add_row(key.replace("_", " "), str(summary[key]))
    out_console.print(table)
    per_course = Table("course", "due attendances", "trainer half-days per week")
    for course_id, due in summary["due_per_course"].items():
        per_course.add_row(
            course_id, str(due), str(summary["trainer_half_days_per_week_per_course"][course_id])
        )
    out_console.print(per_course)


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
@click.argument("out", type=click.Path(path_type=Path))
@click.option("--hires-per-year", type=click.IntRange(min=1), default=280, show_default=True)
@click.option("--districts", type=click.IntRange(min=1), default=10, show_default=True)
@click.option(
    "--years",
    type=click.IntRange(min=1, max=10),
    default=2,
    show_default=True,
    help="Length of the horizon in years.",
)
@click.option("--seed", type=int, default=0, show_default=True)
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
    hires_per_year: int,
    districts: int,
    years: int,
    seed: int,
    staff_per_district: int | None,
    xlsx: bool,
) -> None:
    """Write a realistic synthetic instance to OUT (deterministic by seed)."""
    from schemalaggning.generate import GeneratorParams, generate_instance
    from schemalaggning.io import write_instance, write_instance_xlsx

    params = GeneratorParams(
        hires_per_year=hires_per_year,
        districts=districts,
        years=years,
        seed=seed,
        staff_per_district=staff_per_district,
    )
    instance = generate_instance(params)
    if xlsx:
        write_instance_xlsx(instance, out)
    else:
        write_instance(instance, out)
    click.echo(
        f"wrote {out}: {len(instance.people)} people, {len(instance.courses)} courses, "
        f"{len(instance.due_attendances)} due attendances"
    )
