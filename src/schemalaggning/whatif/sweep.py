"""What-if sweeps: real schedules for a grid of scenarios, solved side by side on Dask.

A grid (``GRID.toml``) names the parameters to vary and their values; every combination
with every seed is a *scenario*: the instance changed accordingly, solved, and checked by
the independent checker, all in one Dask task. The tasks run on a ``LocalCluster`` sized
to the machine, or on any cluster Dask reaches (``--scheduler tcp://HOST:PORT``); the
instance travels with the task, so the workers need no shared files. Finished scenarios
are cached by a hash of their inputs, so a re-run solves only what is new.

Each scenario's plan is counted per calendar year (:mod:`schemalaggning.whatif.capacity.years`):
its figures a year are the mean over the full years (those the horizon covers for at
least 183 days), set beside ``capacity``'s year for the same hires a year, with why they
differ in words (:mod:`schemalaggning.whatif.capacity.compare`).

The parameters:

``hires_per_year``
    The new hires who start during the horizon are drawn again at this volume, keeping
    the instance's share of each district and of each calendar month (its seasons);
    hires who started before the horizon and experienced staff stay as they are.
``max_absent``
    Every district's limit of people away in the same half-day.
``rooms``
    How many rooms: the largest ones are kept, or the largest is repeated.
``trainers``
    How many central trainers (those of no district): the first ones are kept, or the
    first is repeated.
``seeds``
    The seeds: each scenario is drawn and solved once per seed.

Each value lies in its parameter's range (:data:`RANGES`; the hires a year up to the
command line's largest), and a grid has at most :data:`MAX_SCENARIOS` scenarios.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import random
import time
import tomllib
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from schemalaggning.check import check
from schemalaggning.domain import Instance, Person, Room, Trainer, add_months
from schemalaggning.engine.result import Result
from schemalaggning.engine.solve import SolveParams, solve
from schemalaggning.i18n import _, language, use_language
from schemalaggning.interrupts import interrupt, noted_interrupts
from schemalaggning.problems import InputError, Problem
from schemalaggning.swedish import number
from schemalaggning.whatif.capacity import (
    HiringProfile,
    StaffingAssumptions,
    compare_with_capacity,
    horizon_years,
    plan_capacity,
    plan_years,
)

#: The parameters a grid may vary, in the order the table shows them.
PARAMETERS = ("hires_per_year", "max_absent", "rooms", "trainers")
#: The grid's key for the seeds.
SEEDS = "seeds"
#: The values a grid may give each parameter but ``hires_per_year`` (whose largest is the
#: command line's, passed to :func:`read_grid`), from and to, both included: far beyond
#: any city (Göteborg has 4 rooms, 12 trainers and districts that let up to 11 go at
#: once), and small enough that a scenario's instance stays of a city's size.
RANGES = {
    "max_absent": (0, 1_000),
    "rooms": (1, 100),
    "trainers": (1, 100),
    SEEDS: (0, 1_000_000),
}
#: The most scenarios a grid may have (its values' combinations times its seeds): more
#: would take days, and is a grid written by mistake.
MAX_SCENARIOS = 1_000
#: Raised with every scenario's inputs, so that a cached result is one of this very code.
CACHE_VERSION = "3"
#: The figures of one scenario, after its parameters, in the table's order. The figures
#: "per year" are the mean over the plan's full calendar years (``full_years``).
FIGURES = (
    "status",
    "trainer_half_days",
    "trainer_days",
    "sessions",
    "full_years",
    "trainer_days_per_year",
    "sessions_per_year",
    "staff_days_away_per_year",
    "fte",
    "part1_rounds_per_year",
    "unmet",
    "due_attendances",
    "mean_days_to_part1",
    "violations",
    "seconds",
    "capacity_trainer_days_per_year",
    "capacity_sessions_per_year",
    "capacity_staff_days_away_per_year",
    "capacity_fte",
    "capacity_part1_rounds",
    "capacity_ratio",
    "comparison",
    "error",
)
#: The figures of one calendar year of a scenario's plan, after its parameters and seed.
YEAR_FIGURES = (
    "year",
    "horizon_days",
    "cut",
    "trainer_half_days",
    "trainer_days",
    "sessions",
    "part1_sessions",
    "part1_rounds",
    "staff_days_away",
    "part1_attendances",
    "part2_attendances",
    "part2_before_horizon",
    "part2_earlier_year",
    "part2_same_year",
    "part2_experienced",
    "part2_not_due",
    "capacity_trainer_days",
    "capacity_ratio",
)


# ---------------------------------------------------------------------------------------------
# The grid
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Grid:
    """The values of each varied parameter, and the seeds.

    Parameters
    ----------
    values
        Parameter name -> its values, in the grid file's order (only the varied ones).
    seeds
        The seeds each scenario is solved with.
    """

    values: dict[str, tuple[int, ...]]
    seeds: tuple[int, ...] = (0,)

    @property
    def size(self) -> int:
        """How many scenarios the grid has, without making them."""
        return math.prod(len(v) for v in self.values.values()) * len(self.seeds)

    def scenarios(self) -> list[Scenario]:
        """Every combination of the values, with every seed, in a stable order."""
        names = list(self.values)
        found = []
        for combination in itertools.product(*(self.values[n] for n in names)):
            for seed in self.seeds:
                found.append(Scenario(dict(zip(names, combination, strict=True)), seed))
        return found


def read_grid(path: Path, max_hires_per_year: int) -> Grid:
    """Read ``GRID.toml``: a ``[grid]`` table of parameter = list of whole numbers.

    Each parameter's values lie in its range (:data:`RANGES`; ``hires_per_year`` from 1
    to ``max_hires_per_year``), and the grid has at most :data:`MAX_SCENARIOS`.

    Raises
    ------
    InputError
        With every problem of the file, each naming its key and what was expected.
    """
    name = path.name
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        why = _("cannot be read ({reason})").format(reason=error.strerror)
        problem = Problem(name, None, None, None, why)
        raise InputError([problem]) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        why = _("expected TOML ({error})").format(error=error)
        raise InputError([Problem(name, None, None, None, why)]) from None
    table = data.get("grid")
    if not isinstance(table, dict):
        raise InputError(
            [Problem(name, None, "grid", None, _("expected a [grid] table of parameters"))]
        )
    ranges = {"hires_per_year": (1, max_hires_per_year), **RANGES}
    problems: list[Problem] = []
    values: dict[str, tuple[int, ...]] = {}
    seeds: tuple[int, ...] = (0,)
    for key, raw in table.items():
        if key not in ranges:
            expected = _("expected one of {names}").format(names=", ".join((*PARAMETERS, SEEDS)))
            problems.append(Problem(name, None, f"grid.{key}", str(raw), expected))
            continue
        low, high = ranges[key]
        items = raw if isinstance(raw, list) else [raw]
        if not items or not all(_whole(v) and low <= v <= high for v in items):
            expected = _("expected a list of whole numbers from {low} to {high}").format(
                low=number(low), high=number(high)
            )
            problems.append(Problem(name, None, f"grid.{key}", _shown(raw), expected))
            continue
        unique = tuple(dict.fromkeys(items))
        if key == SEEDS:
            seeds = unique
        else:
            values[key] = unique
    if problems:
        raise InputError(problems)
    grid = Grid(values, seeds)
    if grid.size > MAX_SCENARIOS:
        expected = _(
            "expected at most {most} scenarios; this grid has {count} (every combination "
            "of the values, once per seed): vary fewer values, or split the grid into "
            "several sweeps"
        ).format(most=number(MAX_SCENARIOS), count=number(grid.size))
        raise InputError([Problem(name, None, "grid", None, expected)])
    return grid


def _whole(value: object) -> bool:
    """Whether a TOML value is a whole number (``true`` is not one)."""
    return isinstance(value, int) and not isinstance(value, bool)


def _shown(raw: object) -> str:
    """A grid's value as the problem shows it: a list of thousands cut short."""
    text = str(raw)
    return text if len(text) <= 80 else text[:77] + "..."


@dataclass(frozen=True)
class Scenario:
    """One combination of parameter values, and the seed it is drawn and solved with."""

    values: dict[str, int]
    seed: int

    @property
    def name(self) -> str:
        """A folder name: ``hires_per_year-400_max_absent-4_seed-0``."""
        parts = [f"{key}-{value}" for key, value in self.values.items()]
        return "_".join([*parts, f"seed-{self.seed}"])


# ---------------------------------------------------------------------------------------------
# One scenario's instance
# ---------------------------------------------------------------------------------------------


def working_days(first: date, last: date) -> list[date]:
    """The weekdays from ``first`` to ``last`` (a new hire's contract starts on one)."""
    return [
        first + timedelta(days=n)
        for n in range((last - first).days + 1)
        if (first + timedelta(days=n)).weekday() < 5
    ]


def redraw_hires(instance: Instance, hires_per_year: int, seed: int) -> tuple[Person, ...]:
    """The instance's people with the hires of the horizon drawn again at another volume.

    Each calendar month of the horizon gets ``hires_per_year`` times the month's share of
    the instance's hiring (its required people's start months); each hire's district is
    drawn by the districts' shares of the required people, and the start day among the
    month's weekdays. Counts are rounded on the running total, so none is lost.
    """
    settings = instance.settings
    rng = random.Random(f"sweep-hires-{seed}")
    kept = [p for p in instance.people if not p.required or p.start_date < settings.horizon_start]
    required = list(instance.required_people)
    by_month = Counter(p.start_date.month for p in required)
    month_total = sum(by_month.values())
    by_district = Counter(p.district_id for p in required)
    districts = sorted(by_district) or [d.district_id for d in instance.districts]
    weights = [by_district.get(d, 1) for d in districts]
    drawn: list[Person] = []
    expected = 0.0
    month = date(settings.horizon_start.year, settings.horizon_start.month, 1)
    while month <= settings.horizon_end:
        following = add_months(month, 1)
        days = working_days(
            max(month, settings.horizon_start),
            min(following - timedelta(days=1), settings.horizon_end),
        )
        share = by_month.get(month.month, 0) / month_total if month_total else 1 / 12
        all_days = working_days(month, following - timedelta(days=1))
        if days and all_days:
            expected += hires_per_year * share * len(days) / len(all_days)
        count = round(expected) - len(drawn)
        for _drawn in range(max(0, count)):
            serial = len(drawn) + 1
            drawn.append(
                Person(
                    person_id=f"sweep-{serial:05d}",
                    name=f"Nyanställd {serial}",
                    email="",
                    district_id=rng.choices(districts, weights=weights)[0],
                    start_date=rng.choice(days),
                    required=True,
                )
            )
        month = following
    return (*kept, *drawn)


def scenario_instance(instance: Instance, scenario: Scenario) -> Instance:
    """The instance changed as the scenario says."""
    values = scenario.values
    changes: dict[str, Any] = {}
    if "hires_per_year" in values:
        changes["people"] = redraw_hires(instance, values["hires_per_year"], scenario.seed)
    if "max_absent" in values:
        changes["districts"] = tuple(
            d.model_copy(update={"max_absent": values["max_absent"]}) for d in instance.districts
        )
    removed: set[str] = set()
    if "rooms" in values:
        by_size = sorted(instance.rooms, key=lambda r: (-r.capacity, r.room_id))
        rooms: list[Room] = by_size[: values["rooms"]]
        for extra in range(values["rooms"] - len(by_size)):
            rooms.append(
                by_size[0].model_copy(
                    update={"room_id": f"sweep-room-{extra + 1}", "name": f"Extra sal {extra + 1}"}
                )
            )
        removed |= {r.room_id for r in by_size[values["rooms"] :]}
        changes["rooms"] = tuple(rooms)
    if "trainers" in values:
        central = [t for t in instance.trainers if t.district_id is None]
        others = [t for t in instance.trainers if t.district_id is not None]
        if not central:
            raise ValueError("the instance has no central trainer to vary")
        kept: list[Trainer] = central[: values["trainers"]]
        for extra in range(values["trainers"] - len(central)):
            kept.append(
                central[0].model_copy(
                    update={
                        "trainer_id": f"sweep-trainer-{extra + 1}",
                        "name": f"Extra utbildare {extra + 1}",
                    }
                )
            )
        removed |= {t.trainer_id for t in central[values["trainers"] :]}
        changes["trainers"] = (*kept, *others)
    if removed:
        changes["unavailability"] = tuple(
            u for u in instance.unavailability if u.resource_id not in removed
        )
    return instance.replace(**changes) if changes else instance


# ---------------------------------------------------------------------------------------------
# One scenario's run (a Dask task)
# ---------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What one scenario gave: its row of the table, its rows per calendar year, and its
    schedule (if one was made)."""

    scenario: Scenario
    row: dict[str, Any]
    result: Result | None = None
    cached: bool = False
    years: list[dict[str, Any]] = field(default_factory=list)


def instance_digest(instance: Instance) -> str:
    """A hash of the instance, made once for all its scenarios' keys (a city's instance
    takes a moment to write out, a thousand times a while).

    Ctrl-C and SIGTERM are held back while it is made, and raised after: raised inside
    pydantic's writer, they would come out as its error instead of an interrupt.
    """
    with noted_interrupts() as noted:
        text = instance.model_dump_json(exclude={"source"})
    if noted.name is not None:
        raise interrupt(noted.name)
    return hashlib.sha256(text.encode()).hexdigest()


def scenario_key(digest: str, scenario: Scenario, time_limit: float, workers: int) -> str:
    """A hash of everything the scenario's result depends on: the instance (by its
    :func:`instance_digest`), the scenario, the time limit, the workers and the language
    its comparison with capacity is written in."""
    key = hashlib.sha256()
    key.update(CACHE_VERSION.encode())
    key.update(digest.encode())
    inputs = {
        "values": scenario.values,
        "seed": scenario.seed,
        "time": time_limit,
        "w": workers,
        "lang": language(),
    }
    key.update(json.dumps(inputs, sort_keys=True).encode())
    return key.hexdigest()[:24]


def run_scenario(
    instance: Instance,
    scenario: Scenario,
    time_limit: float,
    workers: int,
    words: str | None = None,
) -> Outcome:
    """Build, solve and check one scenario (this is what a Dask task runs).

    A scenario that cannot be built or solved gives a row with its ``error``, not an
    exception: one failed scenario never stops the others. ``words`` is the language of
    the comparison in words (a worker process has not been told the command's ``--lang``;
    ``None``: the worker's own).
    """
    with use_language(words or language()):
        return _run_scenario(instance, scenario, time_limit, workers)


def _run_scenario(
    instance: Instance, scenario: Scenario, time_limit: float, workers: int
) -> Outcome:
    """Build, solve and check one scenario in the language chosen."""
    started = time.perf_counter()
    row: dict[str, Any] = {**scenario.values, "seed": scenario.seed}
    years: list[dict[str, Any]] = []
    try:
        changed = scenario_instance(instance, scenario)
        params = SolveParams(time_limit=time_limit, workers=workers, seed=scenario.seed)
        result = solve(changed, params)
        broken = check(changed, result.sessions, result.assignments, result.unscheduled)
        hires = scenario.values.get("hires_per_year")
        # The hires who started before the horizon keep the instance's own volume.
        own = None if hires is None else HiringProfile.of_people(instance).hires_per_year
        found, years = figures(changed, result, len(broken), hires, own)
        row |= found
    except Exception as error:  # One scenario's failure is reported, never raised.
        row |= {"status": "failed", "error": f"{type(error).__name__}: {error}"}
        result = None
    row["seconds"] = round(time.perf_counter() - started, 2)
    identity = {**scenario.values, "seed": scenario.seed}
    return Outcome(scenario, row, result, years=[identity | year for year in years])


def figures(
    instance: Instance,
    result: Result,
    violations: int,
    hires_per_year: int | None = None,
    own_hires: float | None = None,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The figures of a solved scenario and of each calendar year of its plan, with
    ``capacity``'s estimate beside them (at the scenario's hires a year, or the instance's
    own hiring) and the comparison in words.

    The figures a year are the mean over the plan's full calendar years (of which the
    horizon covers at least 183 days), or the horizon's scaled to a year when it has none.
    ``own_hires`` is the hiring a year of the instance the scenario was drawn from.
    """
    summary = result.summary
    half_days = int(summary.get("trainer_half_days", 0))
    unmet = int(summary.get("unscheduled", len(result.unscheduled)))
    assumptions = StaffingAssumptions()
    estimate = plan_capacity(instance, hires_per_year=hires_per_year, scenarios=()).figures
    years = plan_years(instance, result.sessions, result.assignments)
    comparison = compare_with_capacity(instance, years, estimate, unmet, own_hires)
    means = comparison.means
    if means is None:
        # No full year: the horizon's figures, scaled to a year.
        length = horizon_years(instance.settings) or 1.0
        per_year = {
            "trainer_days": half_days / 2 / length,
            "sessions": sum(y.sessions for y in years) / length,
            "staff_days_away": sum(y.staff_days_away for y in years) / length,
            "part1_rounds": sum(y.part1_rounds for y in years) / length,
        }
    else:
        per_year = {
            "trainer_days": means.trainer_days,
            "sessions": means.sessions,
            "staff_days_away": means.staff_days_away,
            "part1_rounds": means.part1_rounds,
        }
    row = {
        "status": str(result.status.value),
        "trainer_half_days": half_days,
        "trainer_days": half_days / 2,
        "sessions": int(summary.get("sessions", len(result.sessions))),
        "full_years": "|".join(str(y) for y in means.years) if means else "",
        "trainer_days_per_year": round(per_year["trainer_days"], 1),
        "sessions_per_year": round(per_year["sessions"], 1),
        "staff_days_away_per_year": round(per_year["staff_days_away"], 1),
        "fte": round(per_year["trainer_days"] / assumptions.teaching_days, 2),
        "part1_rounds_per_year": round(per_year["part1_rounds"], 1),
        "unmet": unmet,
        "due_attendances": int(summary.get("required_attendances", 0)),
        "mean_days_to_part1": summary.get("mean_days_to_part1"),
        "violations": violations,
        "capacity_trainer_days_per_year": round(estimate.trainer_days, 1),
        "capacity_sessions_per_year": estimate.sessions,
        "capacity_staff_days_away_per_year": round(estimate.staff_days_away, 1),
        "capacity_fte": round(estimate.fte_needed, 2),
        "capacity_part1_rounds": estimate.part1.rounds_report,
        "capacity_ratio": None if comparison.ratio is None else round(comparison.ratio, 3),
        "comparison": comparison.text,
        "error": "",
    }
    year_rows = [
        year.as_row()
        | {
            "capacity_trainer_days": round(estimate.trainer_days, 1),
            "capacity_ratio": (
                round(year.trainer_days / estimate.trainer_days, 3)
                if estimate.trainer_days
                else None
            ),
        }
        for year in years
    ]
    return row, year_rows


# ---------------------------------------------------------------------------------------------
# Running the grid
# ---------------------------------------------------------------------------------------------


@dataclass
class SweepRun:
    """The scenarios of a sweep as they finish."""

    outcomes: list[Outcome] = field(default_factory=list)
    #: ``SIGINT`` or ``SIGTERM`` when one stopped the sweep; ``None`` when it ran to its end.
    stopped_by: str | None = None

    @property
    def failed(self) -> list[Outcome]:
        """The scenarios that could not be built or solved."""
        return [o for o in self.outcomes if o.row.get("status") == "failed"]


def local_cluster_size(workers_per_task: int, cores: int) -> int:
    """How many tasks run at once on this machine: CP-SAT workers times tasks <= cores."""
    return max(1, cores // max(1, workers_per_task))


class GridTasks:
    """The scenarios of a grid submitted to Dask as tasks, each task's outcome taken once.

    Parameters
    ----------
    client
        The Dask client.
    instance
        The instance every scenario starts from (sent to the workers once).
    scenarios
        The scenarios to solve.
    time_limit, workers
        Seconds and CP-SAT workers of each scenario's solve.
    digest
        The instance's :func:`instance_digest`, when the caller has it.
    """

    def __init__(
        self,
        client: Any,
        instance: Instance,
        scenarios: Sequence[Scenario],
        time_limit: float,
        workers: int,
        digest: str | None = None,
    ) -> None:
        self.client = client
        self.futures: list[Any] = []
        self.scenarios: dict[str, Scenario] = {}
        self.taken: set[str] = set()
        if not scenarios:
            return
        digest = digest or instance_digest(instance)
        [shared] = client.scatter([instance], broadcast=True)
        # A task's key names its inputs whole: a scheduler shared by several sweeps returns
        # the result it already has for a key, which must then be the same scenario of the
        # same instance with the same limits.
        # The comparison in words is in the language of the command, so the language is
        # part of the key too.
        words = language()
        for scenario in scenarios:
            key = (
                f"scenario-{scenario.name}-{words}-"
                f"{scenario_key(digest, scenario, time_limit, workers)}"
            )
            self.futures.append(
                client.submit(run_scenario, shared, scenario, time_limit, workers, words, key=key)
            )
            self.scenarios[key] = scenario

    def outcomes(self) -> Iterator[Outcome]:
        """Each task's outcome as it finishes (none taken before)."""
        from dask.distributed import as_completed

        for future in as_completed(self.futures):
            if future.key not in self.taken:
                yield self._take(future)

    def finished(self) -> list[Outcome]:
        """The outcomes of the tasks that have finished and were not taken yet (when the
        sweep stops, those that finished while it was writing another)."""
        return [
            self._take(f)
            for f in self.futures
            if f.status == "finished" and f.key not in self.taken
        ]

    def cancel(self) -> None:
        """Cancel the tasks not done: a scheduler shared with others drops them."""
        pending = [f for f in self.futures if not f.done()]
        if pending:
            self.client.cancel(pending)

    def _take(self, future: Any) -> Outcome:
        """What a task gave: its outcome, or a failed row when its worker died."""
        self.taken.add(future.key)
        scenario = self.scenarios[future.key]
        try:
            outcome: Outcome = future.result()
        except Exception as error:  # A worker that died: the scenario is reported.
            row = {**scenario.values, "seed": scenario.seed, "status": "failed"}
            return Outcome(scenario, row | {"error": f"{type(error).__name__}: {error}"})
        return outcome
