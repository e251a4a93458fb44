"""One benchmark run: the suites' instances, the child that solves one, and the parent
that starts it, waits for it and reads its time, memory and report."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from schemalaggning.i18n import _

#: The methods of every suite, in the order they run and appear.
BENCH_METHODS = ("greedy", "mip", "product")
#: Search workers of the product (the benchmark machines have two cores).
WORKERS = 2
#: Seed of the product's search.
SEED = 0
#: Seed of every generated instance.
GENERATOR_SEED = 1
#: Instance sizes of the scaling suite, as multiples of Göteborg's hiring and staff.
SCALES = (0.25, 0.5, 1.0, 2.0, 5.0, 10.0)
#: The bundled instance of the smoke suite.
SMOKE_INSTANCE = "tiny"


@dataclass(frozen=True)
class Case:
    """One instance of a suite.

    Parameters
    ----------
    name
        The instance's name in the tables.
    scale
        Multiple of Göteborg's hiring and staff (``None`` for a bundled instance).
    folder
        Where the instance is (made there first for a generated one).
    """

    name: str
    scale: float | None
    folder: Path


@dataclass
class Run:
    """One method on one instance: what the child reported, its time and memory."""

    instance: str
    method: str
    scale: float | None = None
    time_limit: float | None = None
    people: int | None = None
    due: int | None = None
    status: str | None = None
    due_met: int | None = None
    unmet_due: int | None = None
    trainer_half_days: int | None = None
    bound: int | None = None
    gap: float | None = None
    first_seconds: float | None = None
    seconds: float | None = None
    wall_seconds: float | None = None
    peak_mib: float | None = None
    violations: int | None = None
    violation_examples: str = ""
    model_variables: int | None = None
    model_constraints: int | None = None
    error: str = ""


# ---------------------------------------------------------------------------------------------
# Instances
# ---------------------------------------------------------------------------------------------


def scaled_params(scale: float) -> Any:
    """Göteborg's generator preset with hiring and every staff figure times ``scale``.

    Hires a year, districts (and so the district trainer supports), central
    coordinators and rooms (the preset's four, repeated or cut) are scaled; at least one
    of each. The seed is fixed, so every machine benchmarks the same instances.
    """
    from schemalaggning.generate import GeneratorParams, preset

    base = preset("goteborg")
    rooms = base.room_capacities
    num_rooms = max(1, round(len(rooms) * scale))
    return GeneratorParams(
        **{
            **base.model_dump(),
            "seed": GENERATOR_SEED,
            "name": f"Göteborg × {scale:g}, introduktionsprogram 2027–2028 (benchmark)",
            "hires_per_year": max(1, round(base.hires_per_year * scale)),
            "districts": max(1, round(base.districts * scale)),
            "central_trainers": max(1, round(base.central_trainers * scale)),
            "room_capacities": tuple(rooms[i % len(rooms)] for i in range(num_rooms)),
        }
    )


def generated_folder(scale: float, cache: Path) -> Path:
    """The folder of the scaled instance in ``cache``, generated when missing or stale.

    The parameters are kept beside the instance (``generator.json``); the instance is
    made again only when they change.
    """
    from schemalaggning.generate import generate_instance
    from schemalaggning.io import atomic_folder, write_instance

    params = scaled_params(scale)
    stamp = params.model_dump_json(indent=2)
    folder = cache / f"goteborg-x{scale:g}"
    stamp_file = folder / "generator.json"
    if stamp_file.is_file() and stamp_file.read_text(encoding="utf-8") == stamp:
        return folder
    log(_("generating {name} in {folder}").format(name=folder.name, folder=folder))
    with atomic_folder(folder) as temporary:
        write_instance(generate_instance(params), temporary)
        (temporary / "generator.json").write_text(stamp, encoding="utf-8")
    return folder


def bundled_folder(name: str) -> Path:
    """A bundled instance's folder: under the working directory or the source checkout."""
    # The checkout's root holds src/schemalaggning/whatif/bench/ (this file's folder) and
    # instances/.
    for root in (Path.cwd(), Path(__file__).resolve().parents[4]):
        folder = root / "instances" / name
        if folder.is_dir():
            return folder
    raise FileNotFoundError(f"instances/{name} not found under {Path.cwd()}")


def suite_cases(suite: str, out: Path, scales: Sequence[float] = SCALES) -> list[Case]:
    """The instances of a suite (generating the scaled ones into ``out/cache``)."""
    if suite == "smoke":
        return [Case(SMOKE_INSTANCE, None, bundled_folder(SMOKE_INSTANCE))]
    if suite == "scaling":
        cache = out / "cache"
        return [Case(f"goteborg-x{s:g}", s, generated_folder(s, cache)) for s in scales]
    raise ValueError(f"unknown suite {suite!r}; expected smoke or scaling")


# ---------------------------------------------------------------------------------------------
# One run, in the child
# ---------------------------------------------------------------------------------------------


def run_one(job: dict[str, Any]) -> dict[str, Any]:
    """Read the instance, solve it with the job's method, check the schedule; the report."""
    from schemalaggning.check import check
    from schemalaggning.engine.result import Result
    from schemalaggning.io import read_instance

    instance = read_instance(Path(job["folder"]))
    method = job["method"]
    time_limit = float(job["time_limit"])
    result: Result
    if method == "mip":
        from schemalaggning.whatif.baselines.mip import solve_mip

        result = solve_mip(instance, time_limit=time_limit, threads=WORKERS)
    else:
        from schemalaggning.engine.solve import SolveParams, solve

        params = SolveParams(
            time_limit=time_limit,
            workers=WORKERS,
            seed=SEED,
            improve=method == "product",
        )
        result = solve(instance, params)
    summary = result.summary
    has_schedule = summary.get("trainer_half_days") is not None
    violations = (
        check(instance, result.sessions, result.assignments, result.unscheduled)
        if has_schedule
        else None
    )
    first = summary.get("first_solution_seconds", summary["solve_seconds"])
    model = summary.get("model", {})
    return {
        "people": len(instance.people),
        "due": len(instance.due_attendances),
        "status": summary["status"],
        "due_met": summary.get("due_met"),
        "unmet_due": summary.get("unscheduled"),
        "trainer_half_days": summary.get("trainer_half_days"),
        "bound": summary["trainer_half_days_bound"],
        "gap": summary.get("gap"),
        "first_seconds": first if has_schedule else None,
        "seconds": summary["solve_seconds"],
        "violations": len(violations) if violations is not None else None,
        "violation_examples": " | ".join(str(v) for v in (violations or [])[:5]),
        "model_variables": model.get("variables"),
        "model_constraints": model.get("constraints"),
    }


# ---------------------------------------------------------------------------------------------
# One run, from the parent
# ---------------------------------------------------------------------------------------------


def run_child(case: Case, method: str, time_limit: float, logs: Path) -> Run:
    """Run one method on one instance in a fresh subprocess; collect its report.

    The child is reaped with ``os.wait4``, whose resource usage is that child's alone,
    so its ``ru_maxrss`` is the run's peak memory. A child still running at twice the
    time limit plus ten minutes is killed.
    """
    run = Run(instance=case.name, method=method, scale=case.scale, time_limit=time_limit)
    with tempfile.TemporaryDirectory(prefix="schemalaggning-bench-") as scratch:
        output = Path(scratch) / "report.json"
        job = {
            "folder": str(case.folder),
            "method": method,
            "time_limit": time_limit,
            "output": str(output),
        }
        command = [sys.executable, "-m", "schemalaggning.whatif.bench", "--one", json.dumps(job)]
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        log_file = logs / f"{case.name}-{method}.log"
        child = measured_child(command, env, log_file, 2 * time_limit + 600)
        run.wall_seconds = child.wall_seconds
        run.peak_mib = child.peak_mib
        if child.error is not None:
            run.error = child.error
        elif not output.is_file():
            run.error = "the child wrote no report"
        else:
            report = json.loads(output.read_text(encoding="utf-8"))
            for name, value in report.items():
                setattr(run, name, value)
    return run


@dataclass(frozen=True)
class ChildRun:
    """How a measured child process ended."""

    #: ``None`` when it exited 0; else what ended it, with its output's last line.
    error: str | None
    wall_seconds: float
    #: The child's own peak resident memory (``ru_maxrss``), in MiB.
    peak_mib: float


def measured_child(
    command: list[str], env: dict[str, str], log_file: Path, wall_limit: float
) -> ChildRun:
    """Run a command as a child, its output into ``log_file``; its time and peak memory.

    The child is reaped with ``os.wait4``, whose resource usage is that child's alone, so
    its ``ru_maxrss`` is the run's peak memory. A child still running after
    ``wall_limit`` seconds is killed.
    """
    started = time.perf_counter()
    with log_file.open("w", encoding="utf-8") as sink:
        child = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT, env=env)
        status, usage = wait_child(child.pid, wall_limit)
        # The child was reaped by wait4; tell Popen so that it does not wait again.
        child.returncode = exit_code(status) if status is not None else -signal.SIGKILL
    error: str | None = None
    if status is None:
        error = f"killed after {wall_limit:.0f} s wall time"
    elif child.returncode != 0:
        code = child.returncode
        what = f"killed by signal {-code}" if code < 0 else f"exit code {code}"
        lines = [line for line in log_file.read_text(encoding="utf-8").splitlines() if line.strip()]
        error = f"{what}: {lines[-1].strip()}" if lines else what
    return ChildRun(
        error, round(time.perf_counter() - started, 3), round(usage.ru_maxrss / 1024, 1)
    )


def wait_child(pid: int, wall_limit: float) -> tuple[int | None, Any]:
    """Wait for a child; kill it after ``wall_limit`` seconds.

    Returns
    -------
    tuple
        The wait status (``None`` when it was killed) and the child's resource usage.
    """
    deadline = time.monotonic() + wall_limit
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done == pid:
            return status, usage
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            _pid, _status, usage = os.wait4(pid, 0)
            return None, usage
        time.sleep(0.1)


def exit_code(status: int) -> int:
    """The exit code of a wait status, negative for a signal (as ``Popen.returncode``)."""
    if os.WIFSIGNALED(status):
        return -os.WTERMSIG(status)
    return os.WEXITSTATUS(status)


def log(message: str) -> None:
    """A progress line on standard error."""
    print(f"[{datetime.now().strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    """The child's entry point: ``python -m schemalaggning.whatif.bench --one JOB``."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 2 or args[0] != "--one":
        print("usage: python -m schemalaggning.whatif.bench --one JOB (or: schemalaggning bench)")
        return 2
    job = json.loads(args[1])
    report = run_one(job)
    Path(job["output"]).write_text(json.dumps(report, indent=2), encoding="utf-8")
    return 0
