"""The benchmarks: the greedy plan timed on the tiny instance, the MIP baseline, and the
``bench smoke`` command with its three methods side by side.

Every schedule is re-checked by the independent checker. The MIP runs on the tiny
instance only, to keep the file within seconds.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner
from pytest_benchmark.fixture import BenchmarkFixture

from schemalaggning.baselines.mip import solve_mip
from schemalaggning.bench import METHODS, Run, growth_rates, scaled_params
from schemalaggning.check import check
from schemalaggning.cli import main
from schemalaggning.domain import Instance
from schemalaggning.io import read_instance
from schemalaggning.result import Result, Status
from schemalaggning.solve import SolveParams, solve

INSTANCES = Path(__file__).resolve().parents[1] / "instances"


@pytest.fixture(scope="module")
def tiny() -> Instance:
    """The bundled tiny instance: two districts, three courses, one year."""
    return read_instance(INSTANCES / "tiny")


def test_greedy_on_tiny_is_checker_clean(benchmark: BenchmarkFixture, tiny: Instance) -> None:
    # The greedy plan alone takes milliseconds; a few rounds give a stable time.
    # pytest-benchmark's pedantic() carries no type hints.
    result: Result = benchmark.pedantic(  # type: ignore[no-untyped-call]
        solve, args=(tiny, SolveParams(improve=False)), rounds=5, iterations=1
    )
    assert check(tiny, result.sessions, result.assignments, result.unscheduled) == []
    assert result.summary["unscheduled"] == 0


def test_mip_on_tiny_is_optimal_and_checker_clean(tiny: Instance) -> None:
    # Tiny's window bound (9 trainer half-days) is reached with every due attendance met,
    # which the greedy plan and the product reach too; HiGHS proves it in well under a
    # second.
    result = solve_mip(tiny, time_limit=20, threads=2)
    assert result.status is Status.OPTIMAL
    assert result.summary["trainer_half_days"] == result.summary["trainer_half_days_bound"] == 9
    assert result.summary["unscheduled"] == 0
    assert result.summary["model"]["variables"] > 0
    assert check(tiny, result.sessions, result.assignments, result.unscheduled) == []


def test_bench_smoke_writes_three_checked_methods(tmp_path: Path) -> None:
    out = tmp_path / "results"
    outcome = CliRunner().invoke(
        main, ["bench", "smoke", "--out", str(out), "--time-limit", "5"], catch_exceptions=False
    )
    assert outcome.exit_code == 0, outcome.output
    with (out / "smoke.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["method"] for row in rows] == list(METHODS)
    for row in rows:
        # Every method produced a schedule, and the checker found no broken rule in it.
        assert row["error"] == "", row
        assert row["violations"] == "0", row
        assert row["unmet_due"] == "0", row
        assert float(row["peak_mib"]) > 0
    assert (out / "smoke.md").is_file()
    assert "Growth rates" in outcome.output


def test_scaled_instances_scale_hiring_and_staff() -> None:
    once, ten = scaled_params(1.0), scaled_params(10.0)
    assert (ten.hires_per_year, ten.districts, ten.central_trainers) == (2800, 100, 20)
    assert len(ten.room_capacities) == 10 * len(once.room_capacities)
    assert scaled_params(0.25).central_trainers == 1


def test_growth_rate_is_the_log_log_slope() -> None:
    # Seconds growing with the square of the size give a slope of 2.
    runs = [
        Run("a", "greedy", due=10, seconds=1.0, first_seconds=1.0, violations=0),
        Run("b", "greedy", due=100, seconds=100.0, first_seconds=100.0, violations=0),
    ]
    rates = growth_rates(runs)
    assert rates["greedy"]["seconds"] == pytest.approx(2.0)
    assert rates["mip"]["seconds"] is None
