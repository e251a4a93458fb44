"""A sweep's folder: the table of scenarios (CSV and a workbook sheet), the plots, each
scenario's schedule, and the cache that lets a re-run solve only what is new.

::

    OUT/sweep.csv              one row per scenario: parameters, figures, capacity's estimate
    OUT/sweep.xlsx             the same table as a workbook sheet
    OUT/<figure>.png           trainer days, FTE and unmet against each swept parameter
    OUT/scenarios/<name>/      each scenario's schedule folder
    OUT/cache/<hash>.json      each finished scenario's row, by a hash of its inputs
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
from schemalaggning.sweep import (
    FIGURES,
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


def cache_lookup(out: Path, instance: Instance, settings: SweepSettings) -> Callable[..., Any]:
    """A function giving a scenario's cached outcome, when its row and schedule are there."""

    def lookup(scenario: Scenario) -> Outcome | None:
        key = scenario_key(instance, scenario, settings.time_limit, settings.workers)
        path = out / "cache" / f"{key}.json"
        if not path.is_file() or not (out / "scenarios" / scenario.name).is_dir():
            return None
        try:
            row = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            return None
        return Outcome(scenario, row, None, cached=True)

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
    temporary.write_text(json.dumps(outcome.row, default=str) + "\n", encoding="utf-8")
    temporary.replace(cache / f"{key}.json")


def write_table(out: Path, grid: Grid, outcomes: Sequence[Outcome]) -> None:
    """Write ``sweep.csv`` and ``sweep.xlsx``: one row per scenario, in the grid's order."""
    order = {scenario.name: n for n, scenario in enumerate(grid.scenarios())}
    rows = [o.row for o in sorted(outcomes, key=lambda o: order.get(o.scenario.name, 0))]
    names = columns(grid)
    write_csv(out / TABLE, names, rows)

    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "scenarier"
    sheet.append(names)
    for row in rows:
        sheet.append([row.get(name) for name in names])
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    for index, name in enumerate(names, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(10, len(name) + 2)
    keep_text(sheet)
    workbook.save(out / "sweep.xlsx")


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
