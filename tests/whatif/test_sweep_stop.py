"""A sweep stopped by Ctrl-C or SIGTERM cancels its Dask work, shuts its local cluster
down, keeps the scenarios finished so far, says so in one line and exits 130 or 143.

Each sweep runs in a process (and process group) of its own and gets a real signal once
its first scenario is written: to the whole group, as a terminal's Ctrl-C and a service
manager's SIGTERM reach the workers too, or to the sweep alone, as ``kill`` does.
"""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from schemalaggning.check import check_schedule
from schemalaggning.generate.params import MAX_HIRES_PER_YEAR
from schemalaggning.io import read_instance, read_schedule
from schemalaggning.whatif.sweep import read_grid, scenario_instance

TINY = Path(__file__).parents[2] / "instances" / "tiny"
#: Forty scenarios, solved one at a time: the sweep is far from done after the first.
GRID = "[grid]\nhires_per_year = [10, 20, 30, 40, 50]\nmax_absent = [1, 2, 3, 4]\nseeds = [0, 1]\n"
#: A bound on the waits below, far beyond what they take; no test measures time.
PATIENCE = 300
#: How long a stopped sweep may take to end: seconds, not the minutes a hung one ran.
STOPPING = 60


def start(tmp_path: Path) -> tuple[subprocess.Popen[str], Path]:
    """Start a sweep of the grid in a session of its own; wait for its first scenario."""
    grid = tmp_path / "grid.toml"
    grid.write_text(GRID, encoding="utf-8")
    out = tmp_path / "sweep"
    args = ["sweep", str(TINY), "--grid", str(grid), "-o", str(out)]
    process = subprocess.Popen(
        [sys.executable, "-m", "schemalaggning.cli", *args, "--time-limit", "2", "--tasks", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + PATIENCE
    while not list((out / "cache").glob("*.json")):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise AssertionError(f"no scenario was written: {process.communicate()}")
        time.sleep(0.2)
    return process, out


def stop(process: subprocess.Popen[str], signum: int, group: bool) -> tuple[int, str]:
    """Send the signal; the exit status and standard error of the sweep once it ended."""
    if group:
        os.killpg(process.pid, signum)
    else:
        process.send_signal(signum)
    try:
        _, stderr = process.communicate(timeout=STOPPING)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        raise AssertionError(f"still running {STOPPING} s after {signum}") from None
    return process.returncode, stderr


def group_ended(pgid: int) -> bool:
    """Whether every process of the group (the sweep and its workers) has ended."""
    deadline = time.monotonic() + STOPPING
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.2)
    return False


def rows_of(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.slow
@pytest.mark.parametrize(
    ("signum", "group", "status"),
    [
        (signal.SIGINT, True, 130),  # Ctrl-C in a terminal
        (signal.SIGTERM, False, 143),  # kill
        (signal.SIGTERM, True, 143),  # a service manager stopping the whole group
    ],
    ids=["ctrl-c", "kill", "service-stop"],
)
def test_a_stopped_sweep_keeps_what_is_finished_and_exits_with_the_signals_status(
    signum: int, group: bool, status: int, tmp_path: Path
) -> None:
    process, out = start(tmp_path)

    code, stderr = stop(process, signum, group)

    assert code == status, stderr
    assert "Traceback" not in stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    name = signal.Signals(signum).name
    assert len(lines) == 1, stderr
    assert lines[0].startswith(f"avbruten ({name}): ")
    assert "av 40 scenarier klara och sparade" in lines[0]
    assert group_ended(process.pid), "a worker process of the sweep is still running"
    # The finished scenarios are kept: a schedule, a cached row and a row of the table
    # each, the table written as a finished sweep writes it.
    rows = rows_of(out / "sweep.csv")
    folders = sorted(p.name for p in (out / "scenarios").iterdir())
    assert 1 <= len(rows) < 40
    assert len(folders) == len(rows) == len(list((out / "cache").glob("*.json")))
    assert f"{len(rows)} av 40 scenarier" in lines[0]
    assert {r["status"] for r in rows} <= {"optimal", "feasible"}
    for name in ("sweep.xlsx", "sweep_years.csv", "sweep.md", "unmet.png"):
        assert (out / name).is_file(), name
    instance = read_instance(TINY)
    grid = read_grid(tmp_path / "grid.toml", MAX_HIRES_PER_YEAR)
    by_name = {s.name: s for s in grid.scenarios()}
    for folder in folders:
        changed = scenario_instance(instance, by_name[folder])
        assert check_schedule(changed, read_schedule(out / "scenarios" / folder)) == []
