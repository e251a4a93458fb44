"""What-if sweeps on Dask: a grid of scenarios, each built, solved and checked in one task,
on a local cluster or on a scheduler and worker started apart; cached for a re-run."""

from __future__ import annotations

import csv
import shutil
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from schemalaggning.check import check, check_schedule
from schemalaggning.cli import EXIT_BAD_INPUT, main
from schemalaggning.domain import Instance
from schemalaggning.generate.params import MAX_HIRES_PER_YEAR
from schemalaggning.io import read_instance, read_schedule
from schemalaggning.whatif.sweep import (
    Grid,
    Outcome,
    Scenario,
    instance_digest,
    read_grid,
    redraw_hires,
    run_scenario,
    scenario_instance,
)
from schemalaggning.whatif.sweep_report import (
    SUMMARY,
    YEARS_TABLE,
    SweepSettings,
    cache_lookup,
    store,
    write_summary,
    write_table,
)

TINY = Path(__file__).parents[2] / "instances" / "tiny"
GRID = "[grid]\nhires_per_year = [20, 40]\nmax_absent = [2, 4]\nseeds = [0]\n"
#: The columns that follow from the inputs alone (the search's lower levels may differ
#: between runs cut by the clock).
STABLE = ("hires_per_year", "max_absent", "seed", "due_attendances", "violations", "unmet")


@pytest.fixture(scope="module")
def tiny() -> Instance:
    return read_instance(TINY)


@pytest.fixture(scope="module")
def past_new_year(tiny: Instance) -> Instance:
    """The tiny instance with its horizon run on to the end of March 2028: a full 2027 and
    91 days of 2028."""
    settings = tiny.settings.model_copy(update={"horizon_end": date(2028, 3, 31)})
    return tiny.replace(settings=settings)


@pytest.fixture(scope="module")
def twice_the_hires(past_new_year: Instance) -> Outcome:
    """Forty hires a year on the longer tiny instance, solved and checked in one task."""
    outcome = run_scenario(past_new_year, Scenario({"hires_per_year": 40}, 0), 3, 1)
    assert outcome.result is not None, outcome.row
    changed = scenario_instance(past_new_year, outcome.scenario)
    result = outcome.result
    assert check(changed, result.sessions, result.assignments, result.unscheduled) == []
    assert outcome.row["violations"] == 0
    return outcome


def rows_of(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def sweep(tmp_path: Path, out: Path, *extra: str) -> tuple[int, str]:
    """Run the sweep command in a process of its own: a Dask client leaves threads behind
    (its IO loop, its offload pool), and a test process with threads may not fork, which
    the workbook's tests need."""
    grid = tmp_path / "grid.toml"
    grid.write_text(GRID, encoding="utf-8")
    args = ["sweep", str(TINY), "--grid", str(grid), "-o", str(out), "--time-limit", "3"]
    done = subprocess.run(
        [sys.executable, "-m", "schemalaggning.cli", *args, *extra],
        capture_output=True,
        text=True,
        check=False,
    )
    return done.returncode, done.stdout + done.stderr


# ---------------------------------------------------------------------------------------------
# Scenarios
# ---------------------------------------------------------------------------------------------


def test_the_grid_gives_every_combination_with_every_seed(tmp_path: Path) -> None:
    path = tmp_path / "grid.toml"
    path.write_text("[grid]\nrooms = [1, 2]\ntrainers = [1, 2, 3]\nseeds = [0, 7]\n")
    grid = read_grid(path, MAX_HIRES_PER_YEAR)
    scenarios = grid.scenarios()
    assert len(scenarios) == 12
    assert len({s.name for s in scenarios}) == 12
    assert scenarios[0] == Scenario({"rooms": 1, "trainers": 1}, 0)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("[grid]\nhires = [1]\n", "förväntade en av hires_per_year"),
        ("[grid]\nrooms = [0]\n", "förväntade en lista med heltal från 1 till 100"),
        ("[grid]\nrooms = ['two']\n", "förväntade en lista med heltal"),
        ("rooms = [1]\n", "förväntade en tabell [grid]"),
        ("[grid\n", "förväntade TOML"),
    ],
)
def test_a_bad_grid_is_reported_with_its_key(text: str, words: str, tmp_path: Path) -> None:
    path = tmp_path / "grid.toml"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "out"

    result = CliRunner().invoke(main, ["sweep", str(TINY), "--grid", str(path), "-o", str(out)])

    assert result.exit_code == EXIT_BAD_INPUT
    assert "Traceback" not in result.output
    assert words in result.stderr
    assert not out.exists()


def test_hires_are_drawn_again_with_the_instances_districts_and_seasons(tiny: Instance) -> None:
    start = tiny.settings.horizon_start
    before = [p for p in tiny.required_people if p.start_date >= start]
    people = redraw_hires(tiny, 4 * max(1, len(before)), seed=3)
    drawn = [p for p in people if p.required and p.start_date >= start]
    # Everyone else stays as they were.
    assert [p for p in people if p not in drawn] == [
        p for p in tiny.people if not (p.required and p.start_date >= start)
    ]
    assert len(drawn) > len(before)
    districts = {p.district_id for p in tiny.required_people}
    assert {p.district_id for p in drawn} <= districts
    months = {p.start_date.month for p in tiny.required_people}
    assert {p.start_date.month for p in drawn} <= months
    assert all(p.start_date.weekday() < 5 for p in drawn)
    assert redraw_hires(tiny, 40, seed=3) == redraw_hires(tiny, 40, seed=3)


def test_rooms_trainers_and_limits_change_as_the_scenario_says(tiny: Instance) -> None:
    largest = max(r.capacity for r in tiny.rooms)
    central = [t for t in tiny.trainers if t.district_id is None]
    changed = scenario_instance(
        tiny, Scenario({"rooms": len(tiny.rooms) + 1, "trainers": 1, "max_absent": 1}, 0)
    )
    assert len(changed.rooms) == len(tiny.rooms) + 1
    assert changed.rooms[-1].capacity == largest
    assert [t for t in changed.trainers if t.district_id is None] == central[:1]
    assert {d.max_absent for d in changed.districts} == {1}
    gone = {t.trainer_id for t in central[1:]}
    assert not [u for u in changed.unavailability if u.resource_id in gone]


def test_a_scenario_that_cannot_be_built_is_a_failed_row(tiny: Instance) -> None:
    district_trainers = tuple(t for t in tiny.trainers if t.district_id)
    # The central trainers' leave goes with them: an instance names only its own trainers.
    named = {t.trainer_id for t in district_trainers} | {r.room_id for r in tiny.rooms}
    no_central = tiny.replace(
        trainers=district_trainers,
        unavailability=tuple(u for u in tiny.unavailability if u.resource_id in named),
    )
    outcome = run_scenario(no_central, Scenario({"trainers": 2}, 0), 2, 1)
    assert outcome.row["status"] == "failed"
    assert "no central trainer" in outcome.row["error"]
    assert outcome.result is None


# ---------------------------------------------------------------------------------------------
# Figures per calendar year
# ---------------------------------------------------------------------------------------------


def test_a_scenarios_figures_are_counted_per_calendar_year(twice_the_hires: Outcome) -> None:
    row, years = twice_the_hires.row, twice_the_hires.years
    assert [(y["year"], y["horizon_days"], y["cut"]) for y in years] == [
        (2027, 362, False),
        (2028, 91, True),
    ]
    assert all((y["hires_per_year"], y["seed"]) == (40, 0) for y in years)
    # Every session counts in the year of its first slot, none twice.
    result = twice_the_hires.result
    assert result is not None
    assert sum(y["trainer_half_days"] for y in years) == row["trainer_half_days"]
    assert sum(y["sessions"] for y in years) == len(result.sessions) == row["sessions"]
    first = [s for s in result.sessions if s.slots[0].day.year == 2027]
    assert years[0]["sessions"] == len(first)
    # The figures a year are the full year's, 2027's: 2028 is cut by the horizon.
    full = years[0]
    assert row["full_years"] == "2027"
    assert row["trainer_days_per_year"] == round(full["trainer_days"], 1)
    assert row["sessions_per_year"] == full["sessions"]
    assert row["staff_days_away_per_year"] == round(full["staff_days_away"], 1)
    assert row["part1_rounds_per_year"] == full["part1_rounds"]
    assert row["capacity_ratio"] == round(
        full["trainer_days"] / row["capacity_trainer_days_per_year"], 3
    )


def test_the_comparison_with_capacity_is_in_words(twice_the_hires: Outcome) -> None:
    row = twice_the_hires.row
    words = row["comparison"]
    assert words.startswith("Helåret 2027 har ")
    assert "som kapacitetsberäkningen ger för ett år med 40 nyanställda" in words
    assert "2028 (91 dagar) täcks bara delvis av planen" in words
    # More than a tenth apart, the words say why.
    if abs(row["capacity_ratio"] - 1) > 0.1:
        assert "Skillnaden är större än 10\u00a0%: " in words
    else:
        assert "Skillnaden är inom 10\u00a0%." in words


def test_the_years_are_written_beside_the_table_and_in_words(
    twice_the_hires: Outcome, tmp_path: Path
) -> None:
    grid = Grid({"hires_per_year": (40,)}, seeds=(0, 1))
    failed = Outcome(Scenario({"hires_per_year": 40}, 1), {"status": "failed", "error": "Boom"})
    write_table(tmp_path, grid, [failed, twice_the_hires])
    write_summary(tmp_path, grid, [failed, twice_the_hires])

    years = rows_of(tmp_path / YEARS_TABLE)
    assert [(r["hires_per_year"], r["seed"], r["year"], r["cut"]) for r in years] == [
        ("40", "0", "2027", "no"),
        ("40", "0", "2028", "yes"),
    ]
    table = rows_of(tmp_path / "sweep.csv")
    assert table[0]["comparison"] == twice_the_hires.row["comparison"]
    assert table[1]["status"] == "failed"
    summary = (tmp_path / SUMMARY).read_text(encoding="utf-8")
    # The scenarios in the grid's order, each year a row, a part of a year marked.
    assert summary.index("frö 0") < summary.index("frö 1")
    assert "| 2027 | 362 |" in summary
    assert "| 2028 | 91 (del av år) |" in summary
    assert twice_the_hires.row["comparison"] in summary
    assert "Misslyckades: Boom" in summary
    workbook = load_workbook(tmp_path / "sweep.xlsx")
    assert workbook.sheetnames == ["scenarier", "per år"]
    assert workbook["per år"].max_row == 3


def test_a_cached_scenario_keeps_its_years(
    past_new_year: Instance, twice_the_hires: Outcome, tmp_path: Path
) -> None:
    settings = SweepSettings(time_limit=3, workers=1)
    digest = instance_digest(past_new_year)
    store(tmp_path, digest, settings, twice_the_hires)

    hit = cache_lookup(tmp_path, digest, settings)(twice_the_hires.scenario)

    assert hit is not None and hit.cached
    assert hit.row == twice_the_hires.row
    assert hit.years == twice_the_hires.years
    folder = tmp_path / "scenarios" / twice_the_hires.scenario.name
    changed = scenario_instance(past_new_year, twice_the_hires.scenario)
    assert check_schedule(changed, read_schedule(folder)) == []


# ---------------------------------------------------------------------------------------------
# Running on Dask
# ---------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_two_by_two_grid_on_a_local_cluster_then_cached(tmp_path: Path) -> None:
    out = tmp_path / "sweep"
    status, output = sweep(tmp_path, out, "--tasks", "2")

    assert status == 0, output
    rows = rows_of(out / "sweep.csv")
    assert [(r["hires_per_year"], r["max_absent"]) for r in rows] == [
        ("20", "2"),
        ("20", "4"),
        ("40", "2"),
        ("40", "4"),
    ]
    assert {r["violations"] for r in rows} == {"0"}
    assert all(r["status"] in ("optimal", "feasible") for r in rows)
    assert all(float(r["capacity_trainer_days_per_year"]) > 0 for r in rows)
    # The tiny instance's horizon is the year 2027, a full year: one row a scenario.
    years = rows_of(out / YEARS_TABLE)
    assert [(r["hires_per_year"], r["max_absent"], r["year"], r["cut"]) for r in years] == [
        (hires, limit, "2027", "no")
        for hires, limit in (("20", "2"), ("20", "4"), ("40", "2"), ("40", "4"))
    ]
    assert [r["trainer_half_days"] for r in years] == [r["trainer_half_days"] for r in rows]
    assert all(r["full_years"] == "2027" and r["comparison"] for r in rows)
    summary = (out / SUMMARY).read_text(encoding="utf-8")
    assert summary.count("Helåret 2027 har ") == 4
    # A stricter limit never needs fewer trainer half-days than a looser one.
    by = {(r["hires_per_year"], r["max_absent"]): int(r["trainer_half_days"]) for r in rows}
    assert by["20", "2"] >= by["20", "4"] and by["40", "2"] >= by["40", "4"]
    instance = read_instance(TINY)
    grid = read_grid(tmp_path / "grid.toml", MAX_HIRES_PER_YEAR)
    assert len(list((out / "scenarios").iterdir())) == 4
    for scenario in grid.scenarios():
        folder = out / "scenarios" / scenario.name
        assert check_schedule(scenario_instance(instance, scenario), read_schedule(folder)) == []
    for name in ("sweep.xlsx", "trainer_days_per_year.png", "fte.png", "unmet.png"):
        assert (out / name).is_file(), name

    # A re-run solves nothing: every scenario comes from the cache.
    status, output = sweep(tmp_path, out, "--tasks", "2")
    assert status == 0, output
    assert "0 lösta nu, 4 från tidigare körning" in output
    assert [[r[c] for c in STABLE] for r in rows_of(out / "sweep.csv")] == [
        [r[c] for c in STABLE] for r in rows
    ]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def dask_cluster() -> Iterator[str]:
    """A ``dask scheduler`` and a ``dask worker`` started as processes on 127.0.0.1."""
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    dask = shutil.which("dask") or str(Path(sys.executable).with_name("dask"))
    scheduler = subprocess.Popen(
        [dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    worker = subprocess.Popen(
        [dask, "worker", address, "--nworkers", "2", "--nthreads", "1", "--no-dashboard"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.2)
        yield address
    finally:
        for process in (worker, scheduler):
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.mark.slow
def test_the_same_sweep_through_a_scheduler_and_worker_gives_the_same_rows(
    tmp_path: Path, dask_cluster: str
) -> None:
    local = tmp_path / "local"
    remote = tmp_path / "remote"
    assert sweep(tmp_path, local, "--tasks", "2")[0] == 0

    status, output = sweep(tmp_path, remote, "--scheduler", dask_cluster)

    assert status == 0, output
    assert [[r[c] for c in STABLE] for r in rows_of(remote / "sweep.csv")] == [
        [r[c] for c in STABLE] for r in rows_of(local / "sweep.csv")
    ]
    statuses = Counter(r["status"] for r in rows_of(remote / "sweep.csv"))
    assert set(statuses) <= {"optimal", "feasible"}
    assert len(list((remote / "scenarios").iterdir())) == 4


def test_a_scheduler_address_without_a_port_is_reported(tmp_path: Path) -> None:
    out = tmp_path / "sweep"
    status, output = sweep(tmp_path, out, "--scheduler", "10.0.0.5")
    assert status == EXIT_BAD_INPUT
    assert "Traceback" not in output
    assert "--scheduler" in output and "'10.0.0.5'" in output
    assert "förväntade adressen till en Dask-schemaläggare som är igång" in output
    assert not out.exists()


def test_failed_scenarios_make_the_sweep_exit_1_and_are_listed(
    tiny: Instance, tmp_path: Path
) -> None:
    from schemalaggning.io import write_instance

    district_trainers = tuple(t for t in tiny.trainers if t.district_id)
    named = {t.trainer_id for t in district_trainers} | {r.room_id for r in tiny.rooms}
    no_central = tiny.replace(
        trainers=district_trainers,
        unavailability=tuple(u for u in tiny.unavailability if u.resource_id in named),
    )
    folder = tmp_path / "stad"
    write_instance(no_central, folder)
    grid = tmp_path / "grid.toml"
    # No central trainer to keep: no scenario can be built, and each is a failed row.
    grid.write_text("[grid]\ntrainers = [1, 2]\n", encoding="utf-8")
    out = tmp_path / "svep"
    args = ["sweep", str(folder), "--grid", str(grid), "-o", str(out), "--time-limit", "3"]
    done = subprocess.run(
        [sys.executable, "-m", "schemalaggning.cli", *args],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    statuses = [row["status"] for row in rows_of(out / "sweep.csv")]
    assert statuses == ["failed", "failed"]
    assert "Traceback" not in done.stderr
