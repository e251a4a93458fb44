"""The benchmarks: the greedy plan timed on the tiny instance, the MIP baseline, and the
``bench smoke`` command with its three methods side by side.

Every schedule is re-checked by the independent checker. The MIP runs on the tiny
instance only, to keep the file within seconds.
"""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from pytest_benchmark.fixture import BenchmarkFixture

from english import english_words
from schemalaggning.check import check
from schemalaggning.cli import main
from schemalaggning.domain import Instance
from schemalaggning.engine.result import Result, Status
from schemalaggning.engine.solve import SolveParams, solve
from schemalaggning.io import read_instance
from schemalaggning.whatif.baselines.mip import solve_mip
from schemalaggning.whatif.bench import (
    BENCH_METHODS,
    Run,
    bundled_folder,
    checker_cell,
    exit_code,
    growth_rates,
    markdown,
    scaled_params,
    suite_cases,
    table_rows,
    wait_child,
)

INSTANCES = Path(__file__).resolve().parents[2] / "instances"


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
    assert [row["method"] for row in rows] == list(BENCH_METHODS)
    for row in rows:
        # Every method produced a schedule, and the checker found no broken rule in it.
        assert row["error"] == "", row
        assert row["violations"] == "0", row
        assert row["unmet_due"] == "0", row
        assert float(row["peak_mib"]) > 0
    assert (out / "smoke.md").is_file()
    assert "Tillväxt" in outcome.output
    # The folder's path is pytest's (/tmp/pytest-of-...), not words of the command.
    path_words = re.findall(r"[A-Za-z]+", str(out))
    assert english_words(outcome.output, allowed=["smoke", "tiny", *path_words]) == []
    # The results file is read beside the benchmarks' README, in English.
    assert "**Growth rates**" in (out / "smoke.md").read_text(encoding="utf-8")


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


def test_the_bundled_instance_is_found_from_any_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Outside the checkout, the folder is found beside the package's source.
    monkeypatch.chdir(tmp_path)
    assert bundled_folder("tiny") == INSTANCES / "tiny"
    with pytest.raises(FileNotFoundError, match="instances/nowhere"):
        bundled_folder("nowhere")
    with pytest.raises(ValueError, match="smoke or scaling"):
        suite_cases("huge", tmp_path)


def test_a_child_is_reaped_with_its_exit_code_or_killed() -> None:
    finished = subprocess.Popen([sys.executable, "-c", "import sys; sys.exit(3)"])
    status, usage = wait_child(finished.pid, 60)
    finished.returncode = 0  # Reaped above: Popen must not wait for it again.
    assert status is not None and exit_code(status) == 3
    assert usage.ru_maxrss > 0
    sleeping = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    status, _ = wait_child(sleeping.pid, 0.5)
    sleeping.returncode = 0
    assert status is None


def test_the_child_without_a_job_prints_its_usage() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "schemalaggning.whatif.bench"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout.startswith("usage: python -m schemalaggning.whatif.bench --one JOB")


def test_the_product_row_holds_its_ratios_and_failures_are_named() -> None:
    runs = [
        Run("a", "greedy", due=10, due_met=10, trainer_half_days=20, seconds=1.0, violations=0),
        Run("a", "mip", error="skipped above 2 × Göteborg"),
        Run("a", "product", due=10, due_met=10, trainer_half_days=15, seconds=4.0, violations=2),
        Run("b", "product", error="exit code 1: boom"),
    ]
    rows = table_rows(runs)
    # status, the checker, and product/greedy half-days: 15 / 20.
    assert rows[1][4] == "skipped above 2 × Göteborg"
    assert rows[2][12:14] == ["2 violations", "0.750"]
    assert rows[3][4] == "failed: exit code 1: boom"
    assert [checker_cell(run) for run in runs] == ["ok", "–", "2 violations", "–"]
    text = markdown("smoke", "cmd", runs, growth_rates(runs), {"date": "today"}, None)
    failed = text.split("**Failed runs:**")[1]
    assert "a product" in failed and "b product: exit code 1: boom" in failed
    assert "a mip" not in failed
