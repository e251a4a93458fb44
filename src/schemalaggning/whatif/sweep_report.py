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

import asyncio
import json
import logging
import multiprocessing
import os
import shutil
import signal
import threading
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext, suppress
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from schemalaggning.domain import OFFERING_YEAR_DAYS, Instance
from schemalaggning.export.folder import write_result
from schemalaggning.i18n import N_, Messages, _
from schemalaggning.interrupts import Noted, interrupt, noted_interrupts, signal_name
from schemalaggning.io.folders import claim_folder
from schemalaggning.io.tables import keep_text, write_csv
from schemalaggning.problems import InputError, Problem
from schemalaggning.swedish import number
from schemalaggning.whatif.capacity.compare import amount, percent
from schemalaggning.whatif.sweep import (
    FIGURES,
    YEAR_FIGURES,
    Grid,
    GridTasks,
    Outcome,
    Scenario,
    SweepRun,
    instance_digest,
    local_cluster_size,
    scenario_key,
)

#: Where what the sweep's libraries say goes (their warnings), not to the terminal.
LOG = logging.getLogger(__name__)
#: The table's file.
TABLE = "sweep.csv"
#: The table of calendar years.
YEARS_TABLE = "sweep_years.csv"
#: The scenarios' years and comparisons in words.
SUMMARY = "sweep.md"
#: The columns of a year in ``sweep.md``: the column of ``sweep_years.csv``, the heading.
YEAR_HEADINGS = Messages(
    {
        "year": N_("year"),
        "horizon_days": N_("days in the plan"),
        "trainer_days": N_("trainer days"),
        "sessions": N_("sessions"),
        "part1_rounds": N_("part-1 rounds"),
        "staff_days_away": N_("staff days away"),
        "part2_attendances": N_("part-2 participants"),
        "capacity_ratio": N_("share of the capacity estimate"),
    }
)
#: Seconds to wait for a scheduler given with --scheduler to answer as one.
SCHEDULER_TIMEOUT = 10
#: What each plot shows, by column: its title.
PLOTTED = Messages(
    {
        "trainer_days_per_year": N_("Trainer days a year"),
        "fte": N_("Full-time posts (teaching)"),
        "unmet": N_("Due attendances not scheduled"),
    }
)


#: The estimate ``capacity`` gives for a plotted column, drawn beside it.
ESTIMATES = {
    "trainer_days_per_year": "capacity_trainer_days_per_year",
    "fte": "capacity_fte",
}
#: The swept parameters in words, for the plots' axes and ``sweep.md``.
PARAMETER_NAMES = Messages(
    {
        "hires_per_year": N_("new hires a year"),
        "max_absent": N_("most away at once in a district"),
        "rooms": N_("rooms"),
        "trainers": N_("central trainers"),
    }
)


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


def cache_lookup(out: Path, digest: str, settings: SweepSettings) -> Callable[..., Any]:
    """A function giving a scenario's cached outcome, when its row and schedule are there
    (``digest``: the instance's :func:`~schemalaggning.whatif.sweep.instance_digest`)."""

    def lookup(scenario: Scenario) -> Outcome | None:
        key = scenario_key(digest, scenario, settings.time_limit, settings.workers)
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


def store(out: Path, digest: str, settings: SweepSettings, outcome: Outcome) -> None:
    """Write a finished scenario's schedule folder and cache its row (failures are not cached,
    so that a re-run tries them again)."""
    if outcome.cached or outcome.result is None:
        return
    write_result(outcome.result, out / "scenarios" / outcome.scenario.name)
    key = scenario_key(digest, outcome.scenario, settings.time_limit, settings.workers)
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
    scenarios = (columns(grid), [_cells(o.row) for o in ordered])
    years = (year_columns(grid), [_cells(year) for o in ordered for year in o.years])
    write_csv(out / TABLE, *scenarios)
    write_csv(out / YEARS_TABLE, *years)
    # The sheets' names are for people; the columns are the CSV files' own.
    tables = {_("scenarios"): scenarios, _("by year"): years}

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
        "# " + _("Scenarios by calendar year"),
        "",
        _(
            "Each scenario's plan counted by calendar year: the sessions whose first half-day "
            "lies in the year, their trainer days and the days the staff are away in them. A "
            "year the plan covers for fewer than {days} days is not a full year and is marked "
            "(part of a year). The capacity estimate (`schemalaggning capacity`) reckons a "
            "year with the same number of new hires a year."
        ).format(days=OFFERING_YEAR_DAYS),
    ]
    for outcome in in_grid_order(grid, outcomes):
        lines += ["", f"## {_scenario_words(outcome.scenario)}", ""]
        if outcome.row.get("status") == "failed":
            lines.append(_("Failed: {error}").format(error=outcome.row.get("error")))
            continue
        lines += [
            "| " + " | ".join(YEAR_HEADINGS.values()) + " |",
            "|" + "---|" * len(YEAR_HEADINGS),
            *(_year_line(year) for year in outcome.years),
            "",
            str(outcome.row.get("comparison", "")),
        ]
    path = out / SUMMARY
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _scenario_words(scenario: Scenario) -> str:
    """``nyanställda om året 400, frö 0``."""
    parts = [
        f"{PARAMETER_NAMES.get(key, key)} {number(value)}" for key, value in scenario.values.items()
    ]
    return ", ".join([*parts, _("seed {seed}").format(seed=scenario.seed)])


def _year_line(year: dict[str, Any]) -> str:
    """One calendar year as a row of the markdown table."""
    cells = []
    for column in YEAR_HEADINGS:
        value = year.get(column)
        if column == "capacity_ratio":
            # From the figures, not the rounded ratio, so that it reads as the words do.
            reference = float(year.get("capacity_trainer_days") or 0)
            days = float(year.get("trainer_days") or 0)
            cells.append(percent(days / reference) if reference else "")
        elif column == "horizon_days" and year.get("cut"):
            cells.append(_("{days} (part of a year)").format(days=number(value or 0)))
        elif column == "year":
            cells.append(str(value))
        else:
            cells.append(amount(float(value or 0)))
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
            axis.plot(
                xs,
                [sum(points[x]) / len(points[x]) for x in xs],
                marker="o",
                label=_("schedule"),
            )
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
                    label=_("capacity estimate"),
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

    Ctrl-C or SIGTERM stops the sweep: the scenarios still on Dask are cancelled, the
    local cluster is shut down, and those finished are kept: their schedules, and the
    tables and plots of them (``stopped_by`` of the run says which signal). A scenario
    that finishes is written whole before a signal stops the sweep.

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

    Raises
    ------
    InputError
        When the folder may not be written or the scheduler does not answer as one;
        nothing is written then.
    """
    scenarios = grid.scenarios()
    digest = instance_digest(instance)
    lookup = cache_lookup(out, digest, settings)
    cached = [hit for hit in map(lookup, scenarios) if hit is not None]
    done = {outcome.scenario.name for outcome in cached}
    todo = [scenario for scenario in scenarios if scenario.name not in done]
    run = SweepRun()
    # What the folder held when the run claimed it, if the run made it.
    made: set[str] | None = None

    def arrived(outcome: Outcome) -> None:
        # Held back until the scenario is written whole (and counted).
        with noted_interrupts() as noted:
            store(out, digest, settings, outcome)
            run.outcomes.append(outcome)
            if progress is not None:
                progress(outcome, len(run.outcomes), len(scenarios))
        if noted.name is not None:
            raise interrupt(noted.name)

    try:
        # The cluster is started only when there is something to solve, and the folder
        # claimed once its scheduler has answered: a wrong address writes nothing.
        with _client(settings, len(todo)) if todo else nullcontext() as client:
            new = not out.exists()
            out = claim_folder(out, "sweep")
            made = {p.name for p in out.iterdir()} if new else None
            for outcome in cached:
                arrived(outcome)
            if client is not None:
                tasks = GridTasks(
                    client, instance, todo, settings.time_limit, settings.workers, digest
                )
                _take_all(tasks, arrived)
    except KeyboardInterrupt as stop:
        run.stopped_by = signal_name(stop)
    _write_reports(out, grid, run, made)
    return run


def _take_all(tasks: GridTasks, arrived: Callable[[Outcome], None]) -> None:
    """Hand each task's outcome to ``arrived`` as it finishes. When Ctrl-C or SIGTERM
    stops it, the tasks not done are cancelled and those done meanwhile handed over,
    before the interrupt goes on."""
    try:
        for outcome in tasks.outcomes():
            arrived(outcome)
    except KeyboardInterrupt:
        with noted_interrupts():
            tasks.cancel()
            for outcome in tasks.finished():
                arrived(outcome)
        raise


def _write_reports(out: Path, grid: Grid, run: SweepRun, made: set[str] | None) -> None:
    """Write the table, the summary and the plots of the scenarios the run has; a
    signal meanwhile waits until they are written, and stops the run then.

    ``made`` is what the folder held when the run made it (``None``: it was there).
    """
    if not run.outcomes:
        # Stopped before any scenario was done: a folder this run made goes again.
        if made is not None and out.is_dir() and {p.name for p in out.iterdir()} == made:
            shutil.rmtree(out)
        return
    with noted_interrupts() as late:
        write_table(out, grid, run.outcomes)
        write_summary(out, grid, run.outcomes)
        plot(out, grid, run.outcomes)
    run.stopped_by = run.stopped_by or late.name


def _client(settings: SweepSettings, scenarios: int) -> AbstractContextManager[Any]:
    """A Dask client: of the scheduler given, or of a local cluster sized to the machine
    (never more worker processes than ``scenarios`` to solve)."""
    if settings.scheduler:
        return _scheduler_client(settings.scheduler)
    tasks = settings.tasks or local_cluster_size(settings.workers, os.cpu_count() or 1)
    return _local_client(min(tasks, scenarios))


def _scheduler_client(address: str) -> AbstractContextManager[Any]:
    """A client of the scheduler at ``address``, once it has answered as one.

    Raises
    ------
    InputError
        When nothing answers at ``address`` as a Dask scheduler within
        :data:`SCHEDULER_TIMEOUT` seconds.
    """
    from dask.distributed import Client

    check_scheduler(address)
    try:
        client = Client(address, timeout=SCHEDULER_TIMEOUT)
    except Exception as error:  # Whatever the connection raised, the address is named.
        why = f"{type(error).__name__}: {_first_line(error)}"
        raise InputError([_scheduler_problem(address, why)]) from None
    return _Closing(client)


def check_scheduler(address: str, timeout: float = SCHEDULER_TIMEOUT) -> None:
    """Ask ``address`` who it is, as a Dask client does, and wait ``timeout`` seconds at
    most for the answer.

    Raises
    ------
    InputError
        When the address is not one, nothing answers in time, the answer is not Dask's
        (a web server, another program), or it is a Dask worker's.
    """
    _check_address(address)
    try:
        answer = asyncio.run(asyncio.wait_for(_identity(address, timeout), timeout))
    except TimeoutError:
        answer, why = None, _("no answer within {seconds} seconds").format(seconds=amount(timeout))
    except OSError as error:
        answer, why = None, _("no connection: {reason}").format(reason=_first_line(error))
    except Exception:  # Garbage from another program can raise anything while read.
        answer, why = None, _("it answered, but not as Dask does")
    else:
        kind = answer.get("type") if isinstance(answer, dict) else None
        why = _("it answered, but not as Dask does")
        if isinstance(kind, str):
            why = _("it is a Dask {kind}, not a scheduler").format(kind=kind.lower())
    if not (isinstance(answer, dict) and answer.get("type") == "Scheduler"):
        raise InputError([_scheduler_problem(address, why)])


def _check_address(address: str) -> None:
    """Refuse an address Dask cannot connect to at all (no port, an unknown scheme)."""
    from distributed.comm.addressing import parse_address, parse_host_port
    from distributed.comm.registry import get_backend

    try:
        scheme, location = parse_address(address)
        get_backend(scheme)
        if scheme in ("tcp", "tls"):
            parse_host_port(location)
    except ValueError as error:
        raise InputError([_scheduler_problem(address, _first_line(error))]) from None


async def _identity(address: str, timeout: float) -> object:
    """What the Dask server at ``address`` says it is."""
    from distributed.comm.core import connect
    from distributed.security import Security

    comm = await connect(address, timeout=timeout, **Security().get_connection_args("client"))
    try:
        await comm.write({"op": "identity", "reply": True})
        return await comm.read()
    finally:
        comm.abort()


def _first_line(error: BaseException) -> str:
    """An error's first line, or its name when it has no words."""
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


def _scheduler_problem(address: str, why: str) -> Problem:
    """The problem of a --scheduler that is not a running Dask scheduler, with why."""
    return Problem(
        "--scheduler",
        None,
        None,
        address,
        _(
            "expected the address of a running Dask scheduler, such as tcp://10.0.0.5:8786 "
            "({reason})"
        ).format(reason=why),
    )


def _local_client(tasks: int) -> AbstractContextManager[Any]:
    """A client of a new local cluster of ``tasks`` worker processes of one thread.

    The workers ignore Ctrl-C: the terminal sends it to the whole process group, and
    only this process decides what it stops (it shuts the cluster down). Their logging
    is silenced. Ctrl-C or SIGTERM while the cluster starts waits until it has started,
    and then stops it.
    """
    from dask.distributed import Client, LocalCluster

    with noted_interrupts() as noted, _warnings_logged():
        cluster = LocalCluster(
            n_workers=0,
            threads_per_worker=1,
            processes=True,
            # No dashboard, and the web server a scheduler always has on a free port
            # (8787, its default, may be another cluster's).
            dashboard_address=":0",
            scheduler_kwargs={"dashboard": False},
            silence_logs=SILENT,
            preload=[__name__],
        )
        started = _Closing(Client(cluster), cluster)
        try:
            _start_workers(started, tasks, noted)
            if noted.name is not None:
                raise interrupt(noted.name)
        except BaseException:
            started.stop()
            started.close()
            raise
    return started


@contextmanager
def _warnings_logged() -> Iterator[None]:
    """Pass the warnings raised in the block (Dask's, such as "Port 8787 is already in
    use") to this module's log instead of the coordinator's terminal."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            yield
        finally:
            for warning in caught:
                LOG.info("%s: %s", warning.category.__name__, warning.message)


def _start_workers(started: _Closing, tasks: int, noted: Noted) -> None:
    """Start the local cluster's workers and wait until they are up (or a signal came).

    Ctrl-C is ignored while their processes are made: a process inherits that, and so
    they ignore it from their first instant (one the cluster starts again later ignores
    it from its start-up, :func:`dask_setup`). Here it is ignored only for as long as
    making the processes takes.

    Raises
    ------
    RuntimeError
        When the workers are not up within :data:`START_TIMEOUT` seconds.
    """
    deadline = time.monotonic() + START_TIMEOUT
    before = set(multiprocessing.active_children())
    with _ctrl_c_ignored():
        started.cluster.scale(tasks)
        while len(set(multiprocessing.active_children()) - before) < tasks:
            if noted.name is not None or time.monotonic() > deadline:
                break
            time.sleep(0.01)
    started.processes = list(set(multiprocessing.active_children()) - before)
    while len(started.client.nthreads()) < tasks and noted.name is None:
        if time.monotonic() > deadline:
            raise RuntimeError(
                f"the local cluster's {tasks} workers did not start within {START_TIMEOUT} seconds"
            )
        time.sleep(0.05)


#: Seconds the local cluster's workers get to start.
START_TIMEOUT = 120


#: The level of the local cluster's logging: above every level, so that a cluster shut
#: down while it works (Ctrl-C) prints nothing; what went wrong with a scenario is in
#: its row.
SILENT = logging.CRITICAL + 1


@contextmanager
def _ctrl_c_ignored() -> Iterator[None]:
    """Ignore Ctrl-C in the main thread while the block runs (elsewhere, nothing)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def dask_setup(worker: object) -> None:
    """Ignore Ctrl-C in a local cluster's worker process (Dask calls this when the
    worker starts, this module being its preload): the sweep stops its workers itself."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)


#: Seconds a client and its local cluster get to close.
CLOSE_TIMEOUT = 10


class _Closing(AbstractContextManager[Any]):
    """A client that closes its local cluster with it (if it has one); Ctrl-C and SIGTERM
    wait until both are closed, and are raised then (unless one is already stopping the
    run)."""

    def __init__(self, client: Any, cluster: Any = None) -> None:
        self.client = client
        self.cluster = cluster
        #: The local cluster's worker processes, as they were started.
        self.processes: list[BaseProcess] = []

    def __enter__(self) -> Any:
        return self.client

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        with noted_interrupts() as noted:
            if kind is not None:
                # Stopped: what the workers are solving is not wanted.
                self.stop()
            self.close()
        if noted.name is not None and kind is None:
            raise interrupt(noted.name)

    def stop(self) -> None:
        """End the local cluster's worker processes at once (a solve may have a minute
        to go, and a worker asked to close waits for it): each nanny is told not to
        start its worker again, and each worker process gets SIGTERM."""
        if self.cluster is None:
            return
        pids = {process.pid for process in self.processes}
        for nanny in list(self.cluster.workers.values()):
            nanny.close_gracefully(reason="sweep-stopped")
            pids.add(getattr(nanny, "pid", None))
        for pid in pids:
            if pid is not None:
                with suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGTERM)

    def close(self) -> None:
        """Close the client, then the cluster."""
        self.client.close(timeout=CLOSE_TIMEOUT)
        if self.cluster is not None:
            self.cluster.close(timeout=CLOSE_TIMEOUT)
