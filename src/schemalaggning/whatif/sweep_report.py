"""A sweep's folder: the table of scenarios (CSV and a workbook sheet), the plots, each
scenario's schedule, and the cache that lets a re-run solve only what is new.

::

    OUT/sweep.csv              one row per scenario: parameters, figures a year (the mean
                               of the plan's full calendar years), capacity's estimate and
                               the comparison in words
    OUT/sweep_years.csv        one row per scenario and calendar year of its plan
    OUT/sweep.xlsx             both tables as workbook sheets
    OUT/sweep.md               per scenario: its years and the comparison with capacity
    OUT/<figure>.png           trainer days, FTE and unmet against each swept parameter
    OUT/scenarios/<name>/      each scenario's schedule folder
    OUT/cache/<hash>.json      each finished scenario's rows, by a hash of its inputs
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from schemalaggning.domain import Instance
from schemalaggning.export.folder import write_result
from schemalaggning.io.folders import MARKER, claim_folder
from schemalaggning.io.tables import keep_text, write_csv
from schemalaggning.problems import InputError, Problem
from schemalaggning.whatif.capacity.compare import number, percent
from schemalaggning.whatif.sweep import (
    FIGURES,
    YEAR_FIGURES,
    Grid,
    Outcome,
    Scenario,
    SweepRun,
    local_cluster_size,
    run_grid,
    scenario_key,
)

#: The table's file.
TABLE = "sweep.csv"
#: The table of calendar years.
YEARS_TABLE = "sweep_years.csv"
#: The scenarios' years and comparisons in words.
SUMMARY = "sweep.md"
#: The columns of a year in ``sweep.md``: the column of ``sweep_years.csv``, the heading.
YEAR_HEADINGS = (
    ("year", "år"),
    ("horizon_days", "dagar i planen"),
    ("trainer_days", "utbildardagar"),
    ("sessions", "kurstillfällen"),
    ("part1_rounds", "omgångar del 1"),
    ("staff_days_away", "personaldagar borta"),
    ("part2_attendances", "deltagare del 2"),
    ("capacity_ratio", "andel av kapacitetsberäkningen"),
)
#: Seconds to wait for a scheduler given with --scheduler to answer.
SCHEDULER_TIMEOUT = 30
#: What each plot shows, by column: its title in Swedish.
PLOTTED = {
    "trainer_days_per_year": "Utbildardagar per år",
    "fte": "Heltidstjänster (utbildning)",
    "unmet": "Ej uppfyllda obligatoriska kurstillfällen",
}


#: The estimate ``capacity`` gives for a plotted column, drawn beside it.
ESTIMATES = {
    "trainer_days_per_year": "capacity_trainer_days_per_year",
    "fte": "capacity_fte",
}
#: The swept parameters in words, for the plots' axes.
PARAMETER_NAMES = {
    "hires_per_year": "nyanställda per år",
    "max_absent": "högst borta samtidigt per stadsdel",
    "rooms": "lokaler",
    "trainers": "centrala utbildare",
}


@dataclass(frozen=True)
class SweepSettings:
    """How a sweep runs.

    Parameters
    ----------
    time_limit
        Seconds for each scenario's solve.
    workers
        CP-SAT workers in each task.
    scheduler
        The address of an existing Dask scheduler, or ``None`` for a local cluster.
    tasks
        How many tasks run at once on the local cluster (default: the cores divided by
        ``workers``).
    """

    time_limit: float = 60.0
    workers: int = 1
    scheduler: str | None = None
    tasks: int | None = None


def columns(grid: Grid) -> list[str]:
    """The table's columns: each swept parameter (named as in the grid), the seed, figures."""
    return [*grid.values, "seed", *FIGURES]


def year_columns(grid: Grid) -> list[str]:
    """The columns of the years' table: the parameters, the seed, a year's figures."""
    return [*grid.values, "seed", *YEAR_FIGURES]


def cache_lookup(out: Path, instance: Instance, settings: SweepSettings) -> Callable[..., Any]:
    """A function giving a scenario's cached outcome, when its row and schedule are there."""

    def lookup(scenario: Scenario) -> Outcome | None:
        key = scenario_key(instance, scenario, settings.time_limit, settings.workers)
        path = out / "cache" / f"{key}.json"
        if not path.is_file() or not (out / "scenarios" / scenario.name).is_dir():
            return None
        try:
            cached = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            return None
        if not isinstance(cached, dict) or not isinstance(cached.get("row"), dict):
            return None
        return Outcome(scenario, cached["row"], None, cached=True, years=cached.get("years", []))

    return lookup


def store(out: Path, instance: Instance, settings: SweepSettings, outcome: Outcome) -> None:
    """Write a finished scenario's schedule folder and cache its row (failures are not cached,
    so that a re-run tries them again)."""
    if outcome.cached or outcome.result is None:
        return
    write_result(outcome.result, out / "scenarios" / outcome.scenario.name)
    key = scenario_key(instance, outcome.scenario, settings.time_limit, settings.workers)
    cache = out / "cache"
    cache.mkdir(exist_ok=True)
    temporary = cache / f".{key}.{os.getpid()}"
    cached = {"row": outcome.row, "years": outcome.years}
    temporary.write_text(json.dumps(cached, default=str) + "\n", encoding="utf-8")
    temporary.replace(cache / f"{key}.json")


def in_grid_order(grid: Grid, outcomes: Sequence[Outcome]) -> list[Outcome]:
    """The outcomes in the grid's order of scenarios."""
    order = {scenario.name: n for n, scenario in enumerate(grid.scenarios())}
    return sorted(outcomes, key=lambda o: order.get(o.scenario.name, 0))


def write_table(out: Path, grid: Grid, outcomes: Sequence[Outcome]) -> None:
    """Write ``sweep.csv``, ``sweep_years.csv`` and ``sweep.xlsx`` (a sheet of each): one
    row per scenario, and one per scenario and calendar year, in the grid's order."""
    ordered = in_grid_order(grid, outcomes)
    tables = {
        "scenarier": (columns(grid), [_cells(o.row) for o in ordered]),
        "per år": (year_columns(grid), [_cells(year) for o in ordered for year in o.years]),
    }
    write_csv(out / TABLE, *tables["scenarier"])
    write_csv(out / YEARS_TABLE, *tables["per år"])

    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    first = workbook.active
    assert first is not None
    workbook.remove(first)
    for title, (names, rows) in tables.items():
        sheet = workbook.create_sheet(title)
        sheet.append(names)
        for row in rows:
            sheet.append([row.get(name) for name in names])
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = sheet.dimensions
        for index, name in enumerate(names, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = max(10, len(name) + 2)
        keep_text(sheet)
    workbook.save(out / "sweep.xlsx")


def _cells(row: dict[str, Any]) -> dict[str, Any]:
    """A row for the tables: a flag written ``yes`` or ``no``, as the schedule files write
    theirs."""
    return {k: ("yes" if v else "no") if isinstance(v, bool) else v for k, v in row.items()}


def write_summary(out: Path, grid: Grid, outcomes: Sequence[Outcome]) -> Path:
    """Write ``sweep.md``: each scenario's calendar years in a table and its comparison
    with ``capacity`` in words (a failed scenario with its error)."""
    lines = [
        "# Scenarier per kalenderår",
        "",
        "Varje scenarios plan räknad per kalenderår: kurstillfällen vars första halvdag "
        "ligger i året, deras utbildardagar och de dagar personalen är borta i dem. Ett år "
        "som planen täcker till färre än 183 dagar är inget helår och märks (del av år). "
        "Kapacitetsberäkningen (`schemalaggning capacity`) räknar ett år med samma antal "
        "nyanställda per år.",
    ]
    for outcome in in_grid_order(grid, outcomes):
        lines += ["", f"## {_scenario_words(outcome.scenario)}", ""]
        if outcome.row.get("status") == "failed":
            lines.append(f"Misslyckades: {outcome.row.get('error')}")
            continue
        lines += [
            "| " + " | ".join(heading for _, heading in YEAR_HEADINGS) + " |",
            "|" + "---|" * len(YEAR_HEADINGS),
            *(_year_line(year) for year in outcome.years),
            "",
            str(outcome.row.get("comparison", "")),
        ]
    path = out / SUMMARY
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _scenario_words(scenario: Scenario) -> str:
    """``nyanställda per år 400, frö 0``."""
    parts = [f"{PARAMETER_NAMES.get(key, key)} {value}" for key, value in scenario.values.items()]
    return ", ".join([*parts, f"frö {scenario.seed}"])


def _year_line(year: dict[str, Any]) -> str:
    """One calendar year as a row of the markdown table."""
    cells = []
    for column, _ in YEAR_HEADINGS:
        value = year.get(column)
        if column == "capacity_ratio":
            # From the figures, not the rounded ratio, so that it reads as the words do.
            reference = float(year.get("capacity_trainer_days") or 0)
            days = float(year.get("trainer_days") or 0)
            cells.append(percent(days / reference) if reference else "")
        elif column == "horizon_days" and year.get("cut"):
            cells.append(f"{value} (del av år)")
        elif column == "year":
            cells.append(str(value))
        else:
            cells.append(number(float(value or 0)))
    return "| " + " | ".join(cells) + " |"


def plot(out: Path, grid: Grid, outcomes: Sequence[Outcome]) -> list[Path]:
    """Plot trainer days, FTE and unmet against each swept parameter (mean over the other
    parameters and the seeds); one PNG per figure."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    solved = [o.row for o in outcomes if o.row.get("status") not in (None, "failed")]
    written = []
    for column, title in PLOTTED.items():
        figure, axes = plt.subplots(
            1, max(1, len(grid.values)), figsize=(4.5 * len(grid.values) or 4.5, 3.6), squeeze=False
        )
        for axis, parameter in zip(axes[0], grid.values, strict=False):
            points: dict[int, list[float]] = {}
            for row in solved:
                if row.get(column) is not None:
                    points.setdefault(int(row[parameter]), []).append(float(row[column]))
            xs = sorted(points)
            axis.plot(xs, [sum(points[x]) / len(points[x]) for x in xs], marker="o", label="schema")
            estimate = ESTIMATES.get(column)
            if estimate is not None:
                guessed: dict[int, list[float]] = {}
                for row in solved:
                    if row.get(estimate) is not None:
                        guessed.setdefault(int(row[parameter]), []).append(float(row[estimate]))
                gx = sorted(guessed)
                axis.plot(
                    gx,
                    [sum(guessed[x]) / len(guessed[x]) for x in gx],
                    linestyle="--",
                    marker="x",
                    label="kapacitetsberäkning",
                )
                axis.legend(fontsize="small")
            axis.set_xlabel(PARAMETER_NAMES.get(parameter, parameter))
            axis.set_ylabel(title)
            axis.set_xticks(xs)
            axis.grid(alpha=0.3)
        figure.suptitle(title)
        figure.tight_layout()
        path = out / f"{column}.png"
        figure.savefig(path, dpi=100)
        plt.close(figure)
        written.append(path)
    return written


def run_sweep(
    instance: Instance,
    grid: Grid,
    out: Path,
    settings: SweepSettings,
    progress: Callable[[Outcome, int, int], None] | None = None,
) -> SweepRun:
    """Run every scenario of the grid into the folder ``out`` and write its table and plots.

    Parameters
    ----------
    instance
        The instance every scenario starts from.
    grid
        The parameters to vary.
    out
        The sweep's folder: new, empty, or one a sweep wrote.
    settings
        Time limit, workers, scheduler.
    progress
        Called with each outcome as it arrives, and the count done and in all.
    """
    created = not out.exists()
    out = claim_folder(out, "sweep")
    scenarios = grid.scenarios()
    run = SweepRun()
    lookup = cache_lookup(out, instance, settings)

    def arrived(outcome: Outcome) -> None:
        store(out, instance, settings, outcome)
        run.outcomes.append(outcome)
        if progress is not None:
            progress(outcome, len(run.outcomes), len(scenarios))

    todo = []
    for scenario in scenarios:
        hit = lookup(scenario)
        if hit is None:
            todo.append(scenario)
        else:
            arrived(hit)
    if todo:
        # The cluster is started only when there is something to solve.
        try:
            client_context = _client(settings)
        except InputError:
            if created and [p.name for p in out.iterdir()] == [MARKER]:
                shutil.rmtree(out)
            raise
        with client_context as client:
            for outcome in run_grid(instance, todo, settings.time_limit, settings.workers, client):
                arrived(outcome)
    write_table(out, grid, run.outcomes)
    write_summary(out, grid, run.outcomes)
    plot(out, grid, run.outcomes)
    return run


def _client(settings: SweepSettings) -> AbstractContextManager[Any]:
    """A Dask client: of the scheduler given, or of a local cluster sized to the machine."""
    from dask.distributed import Client, LocalCluster

    if settings.scheduler:
        try:
            return Client(settings.scheduler, timeout=SCHEDULER_TIMEOUT)
        except (OSError, ValueError, TimeoutError) as error:
            raise InputError(
                [
                    Problem(
                        "--scheduler",
                        None,
                        None,
                        settings.scheduler,
                        "expected the address of a running Dask scheduler, such as "
                        f"tcp://10.0.0.5:8786 ({type(error).__name__}: {error})",
                    )
                ]
            ) from None
    tasks = settings.tasks or local_cluster_size(settings.workers, os.cpu_count() or 1)
    cluster = LocalCluster(
        n_workers=tasks,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        silence_logs=40,
    )
    return _ClusterClient(cluster, Client(cluster))


class _ClusterClient(AbstractContextManager[Any]):
    """A client that closes its local cluster with it."""

    def __init__(self, cluster: Any, client: Any) -> None:
        self.cluster = cluster
        self.client = client

    def __enter__(self) -> Any:
        return self.client

    def __exit__(self, *exc: object) -> None:
        self.client.close()
        self.cluster.close()
