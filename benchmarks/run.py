"""Run the optimiser's benchmark protocol (see ``benchmarks/README.md``) and print its table.

For each instance of a suite, the greedy baseline (``SolveParams(improve=False)``) and the
product (greedy plan improved by CP-SAT) run one after the other, each in a fresh Python
subprocess, so that the peak memory (the child's ``ru_maxrss``) and the time are the run's
own. Each child reads the instance, solves it, and checks the schedule with the
independent checker; the parent collects what the child reports and judges the targets.

Usage::

    python benchmarks/run.py [--suite default|quick|large] [--time-limit-scale X]
                             [--out benchmarks/results] [--seeds 0 1 2]
                             [--readme benchmarks/README.md]

Writes ``<out>/<suite>.csv`` (one row per run), ``<out>/<suite>.md`` (the machine and the
tables) and each child's output to ``<out>/logs/``.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from schemalaggning.whatif.bench.report import checker_cell, fmt, ratio
from schemalaggning.whatif.bench.runs import measured_child

if TYPE_CHECKING:
    from schemalaggning.generate import GeneratorParams

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent

#: Search workers of every product run (the benchmark machines have two cores).
WORKERS = 2
#: Seconds a product run may exceed its time limit and still count as within it: the
#: solver turns its plan into records and the summary after the limit.
TIME_GRACE = 1.0
#: Reasons (the part of an unscheduled record's reason before the colon) that make a due
#: attendance impossible in any schedule of the instance, whatever the other attendances:
#: its window closed before the horizon, no session block fits in it, too few trainers are
#: qualified, no room seats the minimum group, or a prerequisite is itself not scheduled
#: (that prerequisite is then judged on its own reason).
IMPOSSIBLE_REASONS = frozenset(
    {"window_closed", "session_block", "trainer_qualified", "room_capacity", "prerequisite"}
)

Mode = Literal["greedy", "product"]
DueTarget = Literal["all", "possible"]


# ---------------------------------------------------------------------------------------------
# Suites
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One instance of a suite, with its time limit and the target the product must meet.

    Parameters
    ----------
    name
        The instance's name in the tables.
    source
        A folder under the project root (``instances/goteborg``) or ``generated:NAME``
        for an instance of :data:`GENERATED`, made in the cache folder.
    time_limit
        Seconds for the product's solve (model building included), before scaling.
    due
        ``all``: every due attendance met; ``possible``: every due attendance met except
        those whose reason is in :data:`IMPOSSIBLE_REASONS`.
    max_ratio
        Trainer half-days at most this many times the window bound; ``None``: reported only.
    """

    name: str
    source: str
    time_limit: float
    due: DueTarget = "all"
    max_ratio: float | None = None

    def describe_target(self, scale: float) -> str:
        """The target in words, as in the README's table."""
        parts = [f"≤ {self.time_limit * scale:g} s"]
        parts.append("every due met" if self.due == "all" else "every due met where possible")
        parts.append("checker clean")
        if self.max_ratio is not None:
            parts.append(f"half-days ≤ {self.max_ratio:g} × bound")
        return ", ".join(parts)


#: Generated instances: the Göteborg preset with every staff figure scaled by ten (hires,
#: districts and so their trainer supports, coordinators, rooms); a fixed seed.
GENERATED: Mapping[str, dict[str, Any]] = {
    "goteborg-x10": {
        "preset": "goteborg",
        "changes": {
            "seed": 1,
            "name": "Göteborg × 10, introduktionsprogram 2027–2028 (benchmark)",
            "hires_per_year": 2800,
            "districts": 100,
            "central_trainers": 20,
            "room_capacities": (32, 30, 24, 20) * 10,
        },
    },
}

SUITES: Mapping[str, tuple[Case, ...]] = {
    # The table the product must meet.
    "default": (
        Case("goteborg", "instances/goteborg", 60, "all", 1.02),
        Case("stockholm", "instances/stockholm", 300, "all", 1.02),
        Case("tight", "instances/tight", 60, "all", None),
        Case("one-part1", "instances/one-part1", 30, "all", 1.005),
        Case("goteborg-x10", "generated:goteborg-x10", 1800, "possible", 1.05),
    ),
    # A smoke check in a couple of minutes.
    "quick": (
        Case("tiny", "instances/tiny", 10, "all", None),
        Case("small", "instances/small", 20, "all", None),
        Case("goteborg", "instances/goteborg", 30, "all", 1.02),
    ),
    # The large instance alone (it is also in the default suite).
    "large": (Case("goteborg-x10", "generated:goteborg-x10", 1800, "possible", 1.05),),
}


# ---------------------------------------------------------------------------------------------
# Instances
# ---------------------------------------------------------------------------------------------


def generated_params(name: str) -> GeneratorParams:
    """The generator parameters of a generated instance: its preset's with its changes."""
    from schemalaggning.generate import GeneratorParams, preset

    spec = GENERATED[name]
    base = preset(str(spec["preset"])).model_dump()
    return GeneratorParams(**{**base, **spec["changes"]})


def instance_folder(case: Case, cache: Path) -> Path:
    """The folder of the case's instance; a generated one is made in ``cache`` if missing.

    A generated instance is kept with the parameters it was made from
    (``generator.json``) and made again when they change.
    """
    if not case.source.startswith("generated:"):
        return ROOT / case.source
    from schemalaggning.generate import generate_instance
    from schemalaggning.io import atomic_folder, write_instance

    name = case.source.removeprefix("generated:")
    params = generated_params(name)
    stamp = params.model_dump_json(indent=2)
    folder = cache / name
    stamp_file = folder / "generator.json"
    if stamp_file.is_file() and stamp_file.read_text(encoding="utf-8") == stamp:
        return folder
    log(f"generating {name} in {folder}")
    started = time.perf_counter()
    with atomic_folder(folder) as temporary:
        write_instance(generate_instance(params), temporary)
        (temporary / "generator.json").write_text(stamp, encoding="utf-8")
    log(f"generated {name} in {time.perf_counter() - started:.1f} s")
    return folder


# ---------------------------------------------------------------------------------------------
# The code under test
# ---------------------------------------------------------------------------------------------


@contextmanager
def source_snapshot() -> Iterator[tuple[Path, str]]:
    """Copy the package's source to a temporary folder for the children of one suite.

    Every child imports the package from this copy (it comes first on ``PYTHONPATH``), so
    all runs of a suite test the same code even if the working tree changes while the
    suite runs. Yields the folder to put on ``PYTHONPATH`` and a digest of the source.
    """
    package = ROOT / "src" / "schemalaggning"
    with tempfile.TemporaryDirectory(prefix="schemalaggning-bench-src-") as scratch:
        target = Path(scratch) / "schemalaggning"
        shutil.copytree(package, target, ignore=shutil.ignore_patterns("__pycache__"))
        yield Path(scratch), source_digest(target)


def source_digest(package: Path) -> str:
    """The first 12 hex digits of a SHA-256 over the package's files, names and contents."""
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(package).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


# ---------------------------------------------------------------------------------------------
# One run, in a child process
# ---------------------------------------------------------------------------------------------


@dataclass
class Run:
    """What one run (a solve of one instance, in its own process) reported.

    Figures the child could not report (it crashed or was killed) are ``None``, and
    ``error`` says what happened.
    """

    instance: str
    mode: Mode
    seed: int
    time_limit: float
    people: int | None = None
    due: int | None = None
    status: str | None = None
    trainer_half_days: int | None = None
    bound: int | None = None
    window_bound: int | None = None
    weekly_bound: int | None = None
    ratio_to_bound: float | None = None
    gap: float | None = None
    unmet_due: int | None = None
    unmet_possible: int | None = None
    seconds: float | None = None
    build_seconds: float | None = None
    cp_sat_build_seconds: float | None = None
    cp_sat_solve_seconds: float | None = None
    cp_sat_models: int | None = None
    cp_sat_max_variables: int | None = None
    greedy_trainer_half_days: int | None = None
    read_seconds: float | None = None
    check_seconds: float | None = None
    wall_seconds: float | None = None
    peak_mib: float | None = None
    solve_peak_mib: float | None = None
    violations: int | None = None
    violation_examples: str = ""
    unmet_reasons: str = ""
    target: str = ""
    target_met: str = ""
    error: str = ""
    log: str = ""


def worker(job: dict[str, Any]) -> None:
    """The child's side: read, solve, check, and write what happened as JSON.

    Parameters
    ----------
    job
        ``folder``, ``improve``, ``time_limit``, ``workers``, ``seed`` and ``output``
        (the JSON file to write).
    """
    from schemalaggning.check import check
    from schemalaggning.engine.solve import SolveParams, solve
    from schemalaggning.io import read_instance

    started = time.perf_counter()
    instance = read_instance(job["folder"])
    read_seconds = time.perf_counter() - started
    params = SolveParams(
        time_limit=job["time_limit"],
        workers=job["workers"],
        seed=job["seed"],
        improve=job["improve"],
    )
    result = solve(instance, params)
    started = time.perf_counter()
    violations = check(instance, result.sessions, result.assignments, result.unscheduled)
    check_seconds = time.perf_counter() - started
    reasons = Counter(u.reason.split(":", 1)[0] for u in result.unscheduled)
    import schemalaggning

    report = {
        "package": str(Path(schemalaggning.__file__).parent),
        "people": len(instance.people),
        "due": len(instance.due_attendances),
        "summary": result.summary,
        "read_seconds": round(read_seconds, 3),
        "check_seconds": round(check_seconds, 3),
        "violations": len(violations),
        "violation_examples": [str(v) for v in violations[:5]],
        "unmet_reasons": dict(sorted(reasons.items())),
    }
    Path(job["output"]).write_text(json.dumps(report, indent=2, default=str), encoding="utf-8")


def run_child(
    case: Case,
    folder: Path,
    mode: Mode,
    seed: int,
    scale: float,
    logs: Path,
    suite: str,
    source: Path,
) -> Run:
    """Run one solve in a fresh subprocess and collect its report, time and peak memory.

    The child is waited for with ``os.wait4``, whose resource usage is that child's
    alone: its ``ru_maxrss`` is the run's peak resident memory. The child imports the
    package from ``source`` (see :func:`source_snapshot`).
    """
    time_limit = case.time_limit * scale
    run = Run(instance=case.name, mode=mode, seed=seed, time_limit=time_limit)
    log_file = logs / f"{suite}-{case.name}-{mode}-seed{seed}.log"
    run.log = str(log_file.relative_to(ROOT) if log_file.is_relative_to(ROOT) else log_file)
    with tempfile.TemporaryDirectory(prefix="schemalaggning-bench-") as scratch:
        output = Path(scratch) / "report.json"
        job = {
            "folder": str(folder),
            "improve": mode == "product",
            "time_limit": time_limit,
            "workers": WORKERS,
            "seed": seed,
            "output": str(output),
        }
        # The greedy baseline has no time limit of its own; the product stops at its own.
        wall_limit = 2 * time_limit + 600
        path = os.pathsep.join(p for p in (str(source), os.environ.get("PYTHONPATH")) if p)
        env = {**os.environ, "PYTHONHASHSEED": "0", "PYTHONPATH": path}
        command = [sys.executable, str(Path(__file__).resolve()), "--worker", json.dumps(job)]
        child = measured_child(command, env, log_file, wall_limit)
        run.wall_seconds = child.wall_seconds
        run.peak_mib = child.peak_mib
        if child.error is not None:
            run.error = child.error
        elif not output.is_file():
            run.error = "the child wrote no report"
        else:
            child_report = json.loads(output.read_text(encoding="utf-8"))
            fill_run(run, child_report)
            if not Path(child_report["package"]).is_relative_to(source):
                run.error = f"the child imported {child_report['package']}, not the snapshot"
    return run


def fill_run(run: Run, report: dict[str, Any]) -> None:
    """Copy the child's report into the run."""
    summary = report["summary"]
    run.people = report["people"]
    run.due = report["due"]
    run.status = summary["status"]
    half_days: int = summary["trainer_half_days"]
    bound: int = summary["trainer_half_days_bound"]
    run.trainer_half_days = half_days
    run.bound = bound
    bounds = summary.get("bounds") or {}
    run.window_bound = bounds.get("window")
    run.weekly_bound = bounds.get("weeks")
    run.ratio_to_bound = round(half_days / bound, 4) if bound else None
    run.gap = summary["gap"]
    run.unmet_due = summary["unscheduled"]
    reasons: dict[str, int] = report["unmet_reasons"]
    run.unmet_possible = sum(n for r, n in reasons.items() if r not in IMPOSSIBLE_REASONS)
    run.unmet_reasons = "; ".join(f"{r} {n}" for r, n in reasons.items())
    run.seconds = summary["solve_seconds"]
    run.build_seconds = summary["build_seconds"]
    run.cp_sat_build_seconds = summary.get("cp_sat_build_seconds")
    run.cp_sat_solve_seconds = summary.get("cp_sat_solve_seconds")
    run.cp_sat_models = summary.get("cp_sat_models")
    run.cp_sat_max_variables = summary.get("cp_sat_max_variables")
    run.greedy_trainer_half_days = summary.get("greedy_trainer_half_days")
    run.solve_peak_mib = summary.get("peak_memory_mb")
    run.read_seconds = report["read_seconds"]
    run.check_seconds = report["check_seconds"]
    run.violations = report["violations"]
    run.violation_examples = " | ".join(report["violation_examples"])


def judge(run: Run, case: Case, scale: float) -> None:
    """Fill ``target`` and ``target_met`` of a product run: ``yes`` or what was missed."""
    run.target = case.describe_target(scale)
    if run.error:
        run.target_met = f"no: {run.error}"
        return
    missed = []
    limit = case.time_limit * scale
    if run.seconds is not None and run.seconds > limit + TIME_GRACE:
        missed.append(f"{run.seconds:.1f} s > {limit:g} s")
    if run.violations:
        missed.append(f"{run.violations} violations")
    if case.due == "all" and run.unmet_due:
        missed.append(f"{run.unmet_due} due unmet")
    if case.due == "possible" and run.unmet_possible:
        missed.append(f"{run.unmet_possible} possible due unmet")
    if (
        case.max_ratio is not None
        and run.ratio_to_bound is not None
        and run.ratio_to_bound > case.max_ratio
    ):
        missed.append(f"ratio {run.ratio_to_bound:.3f} > {case.max_ratio:g}")
    run.target_met = "no: " + "; ".join(missed) if missed else "yes"


# ---------------------------------------------------------------------------------------------
# The machine
# ---------------------------------------------------------------------------------------------


def machine(digest: str) -> dict[str, str]:
    """The machine and software the suite ran on: CPU, cores, memory, versions, date.

    ``digest`` identifies the package's source the runs used (:func:`source_digest`).
    """
    import schemalaggning

    cpu = "unknown"
    memory = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    meminfo = Path("/proc/meminfo")
    if meminfo.is_file():
        match = re.search(r"MemTotal:\s+(\d+) kB", meminfo.read_text(encoding="utf-8"))
        if match:
            memory = f"{int(match.group(1)) / 1024**2:.1f} GiB"
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    return {
        "cpu": cpu,
        "cores": f"{os.cpu_count()} (usable: {usable})",
        "memory": memory,
        "os": platform.platform(),
        "python": platform.python_version(),
        "ortools": version("ortools"),
        "schemalaggning": (
            f"{schemalaggning.__version__} ({source_revision()}; source digest {digest})"
        ),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def source_revision() -> str:
    """The checkout's commit, with ``+ local changes`` when the tree differs from it."""
    try:
        commit = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        changes = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "commit unknown"
    return f"commit {commit}" + (" + local changes" if changes else "")


# ---------------------------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------------------------


RESULT_COLUMNS = (
    "instance",
    "run",
    "seed",
    "people",
    "due",
    "status",
    "trainer half-days",
    "bound",
    "window bound",
    "weekly bound",
    "ratio to bound",
    "gap",
    "unmet due",
    "seconds",
    "build s",
    "CP-SAT build s",
    "CP-SAT solve s",
    "peak MiB",
    "checker",
    "target met",
)


def result_row(run: Run) -> list[str]:
    """The run's cells of the results table."""
    status = run.status or f"failed: {run.error}"
    return [
        run.instance,
        run.mode,
        str(run.seed) if run.mode == "product" else "–",
        fmt(run.people),
        fmt(run.due),
        status,
        fmt(run.trainer_half_days),
        fmt(run.bound),
        fmt(run.window_bound),
        fmt(run.weekly_bound),
        fmt(run.ratio_to_bound, 3),
        f"{run.gap:.2%}" if run.gap is not None else "–",
        fmt(run.unmet_due),
        fmt(run.seconds),
        fmt(run.build_seconds, 2),
        fmt(run.cp_sat_build_seconds),
        fmt(run.cp_sat_solve_seconds),
        fmt(run.peak_mib, 0),
        checker_cell(run),
        run.target_met or "–",
    ]


RATIO_COLUMNS = (
    "instance",
    "seed",
    "half-days product / greedy",
    "ratio to bound: greedy → product",
    "seconds product / greedy",
    "peak MiB product / greedy",
)


def ratio_row(product: Run, greedy: Run | None) -> list[str]:
    """The product against the greedy baseline run in the same session."""
    if greedy is None:
        return [product.instance, str(product.seed), "–", "–", "–", "–"]
    return [
        product.instance,
        str(product.seed),
        ratio(product.trainer_half_days, greedy.trainer_half_days),
        f"{fmt(greedy.ratio_to_bound, 3)} → {fmt(product.ratio_to_bound, 3)}",
        ratio(product.seconds, greedy.seconds, 1),
        ratio(product.peak_mib, greedy.peak_mib, 2),
    ]


def markdown_table(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A markdown table; text columns left-aligned, figures right-aligned."""
    text_columns = {"instance", "run", "status", "checker", "target met", "target"}
    align = ["---" if c in text_columns else "---:" for c in columns]
    lines = ["| " + " | ".join(columns) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def plain_table(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A fixed-width table for the terminal."""
    widths = [max(len(c), *(len(r[i]) for r in rows)) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(lines)


@dataclass
class Report:
    """A finished suite: what ran, where, and the runs."""

    suite: str
    command: str
    scale: float
    seeds: list[int]
    cases: tuple[Case, ...]
    machine: dict[str, str]
    runs: list[Run] = field(default_factory=list)

    def result_rows(self) -> list[list[str]]:
        """Rows of the results table, the baseline before the product of each instance."""
        return [result_row(run) for run in self.runs]

    def ratio_rows(self) -> list[list[str]]:
        """Rows of the product-versus-baseline table."""
        greedy = {run.instance: run for run in self.runs if run.mode == "greedy"}
        return [
            ratio_row(run, greedy.get(run.instance)) for run in self.runs if run.mode == "product"
        ]

    def target_rows(self) -> list[list[str]]:
        """Rows of the targets table: each product run's target and whether it was met."""
        return [
            [run.instance, str(run.seed), run.target, run.target_met]
            for run in self.runs
            if run.mode == "product"
        ]

    def markdown(self) -> str:
        """The machine, the command and the tables, as markdown."""
        machine_lines = "\n".join(f"- **{k}**: {v}" for k, v in self.machine.items())
        scale_note = (
            f" Time limits scaled by {self.scale:g}; the targets are judged against the "
            "scaled limits."
            if self.scale != 1
            else ""
        )
        failed = [run for run in self.runs if run.error or run.violations]
        failures = "".join(
            f"\n- {run.instance} {run.mode} (seed {run.seed}): "
            f"{run.error or run.violation_examples} (log: `{run.log}`)"
            for run in failed
        )
        return (
            f"Suite `{self.suite}`, produced by `{self.command}` on {self.machine['date']}.\n"
            f"{WORKERS} workers, seeds {', '.join(map(str, self.seeds))}.{scale_note}\n\n"
            f"{machine_lines}\n\n"
            f"**Runs** (greedy: the baseline, `SolveParams(improve=False)`; product: the "
            f"greedy plan improved by CP-SAT):\n\n"
            f"{markdown_table(RESULT_COLUMNS, self.result_rows())}\n\n"
            f"**Product against the baseline of the same session:**\n\n"
            f"{markdown_table(RATIO_COLUMNS, self.ratio_rows())}\n\n"
            f"**Targets:**\n\n"
            f"{markdown_table(('instance', 'seed', 'target', 'target met'), self.target_rows())}"
            + (f"\n\n**Failed runs:**\n{failures}" if failures else "")
            + "\n"
        )

    def write(self, out: Path) -> tuple[Path, Path]:
        """Write ``<suite>.csv`` and ``<suite>.md`` into ``out``."""
        out.mkdir(parents=True, exist_ok=True)
        csv_path = out / f"{self.suite}.csv"
        names = [f.name for f in fields(Run)]
        with csv_path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=[*names, "machine_cpu", "date"])
            writer.writeheader()
            for run in self.runs:
                writer.writerow(
                    {
                        **asdict(run),
                        "machine_cpu": self.machine["cpu"],
                        "date": self.machine["date"],
                    }
                )
        md_path = out / f"{self.suite}.md"
        md_path.write_text(self.markdown(), encoding="utf-8")
        return csv_path, md_path


def update_readme(readme: Path, suite: str, block: str) -> bool:
    """Replace the suite's results between its markers in the README.

    The markers are ``<!-- results:SUITE:start -->`` and ``<!-- results:SUITE:end -->``;
    returns ``False`` (and changes nothing) when the README does not have them.
    """
    start, end = f"<!-- results:{suite}:start -->", f"<!-- results:{suite}:end -->"
    text = readme.read_text(encoding="utf-8")
    if start not in text or end not in text:
        return False
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    readme.write_text(f"{head}{start}\n{block}{end}{tail}", encoding="utf-8")
    return True


# ---------------------------------------------------------------------------------------------
# The command line
# ---------------------------------------------------------------------------------------------


def log(message: str) -> None:
    """A progress line on standard error."""
    print(f"[{datetime.now().strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run_suite(
    suite: str, scale: float, seeds: list[int], out: Path, cache: Path, only: list[str]
) -> Report:
    """Run every case of the suite: the baseline once, the product once per seed."""
    cases = tuple(c for c in SUITES[suite] if not only or c.name in only)
    command = "python " + shlex.join(
        [str(Path(sys.argv[0]).resolve().relative_to(ROOT)), *sys.argv[1:]]
        if Path(sys.argv[0]).resolve().is_relative_to(ROOT)
        else sys.argv
    )
    logs = out / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    with source_snapshot() as (source, digest):
        report = Report(suite, command, scale, seeds, cases, machine(digest))
        for case in cases:
            folder = instance_folder(case, cache)
            plan: list[tuple[Mode, int]] = [("greedy", seeds[0])]
            plan += [("product", seed) for seed in seeds]
            for mode, seed in plan:
                log(f"{case.name}: {mode}, seed {seed}, limit {case.time_limit * scale:g} s")
                run = run_child(case, folder, mode, seed, scale, logs, suite, source)
                if mode == "product":
                    judge(run, case, scale)
                report.runs.append(run)
                log(
                    f"{case.name}: {mode} done in {fmt(run.wall_seconds)} s wall, "
                    f"{fmt(run.trainer_half_days)} half-days (bound {fmt(run.bound)}), "
                    f"{fmt(run.unmet_due)} unmet, checker {checker_cell(run)}, "
                    f"{fmt(run.peak_mib, 0)} MiB" + (f", ERROR {run.error}" if run.error else "")
                )
    return report


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command-line options."""
    parser = argparse.ArgumentParser(
        description="Run the optimiser's benchmark protocol (benchmarks/README.md)."
    )
    parser.add_argument("--suite", choices=sorted(SUITES), default="default")
    parser.add_argument(
        "--time-limit-scale",
        type=float,
        default=1.0,
        metavar="X",
        help="multiply every time limit by X (the targets use the scaled limits)",
    )
    parser.add_argument("--out", type=Path, default=BENCH_DIR / "results")
    parser.add_argument(
        "--seeds", type=int, nargs="+", default=[0], help="product seeds (default: 0)"
    )
    parser.add_argument(
        "--only", nargs="+", default=[], metavar="NAME", help="run only these instances"
    )
    parser.add_argument(
        "--cache",
        type=Path,
        default=BENCH_DIR / ".cache",
        help="folder for generated instances",
    )
    parser.add_argument(
        "--readme",
        type=Path,
        default=None,
        help="also write the tables between the suite's markers in this README",
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.time_limit_scale <= 0:
        parser.error("--time-limit-scale: expected a number above 0")
    unknown = sorted(set(args.only) - {c.name for c in SUITES[args.suite]})
    if unknown:
        known = ", ".join(c.name for c in SUITES[args.suite])
        parser.error(f"--only: {', '.join(unknown)} not in suite {args.suite} ({known})")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run a suite, print its tables, write CSV and markdown; 1 if a run failed."""
    args = parse_args(argv)
    if args.worker:
        worker(json.loads(args.worker))
        return 0
    out: Path = args.out.resolve()
    report = run_suite(
        args.suite, args.time_limit_scale, args.seeds, out, args.cache.resolve(), args.only
    )
    csv_path, md_path = report.write(out)
    print(plain_table(RESULT_COLUMNS, report.result_rows()))
    print()
    print(plain_table(RATIO_COLUMNS, report.ratio_rows()))
    print()
    print(plain_table(("instance", "seed", "target", "target met"), report.target_rows()))
    print(f"\nwrote {csv_path} and {md_path}")
    if args.readme is not None:
        if update_readme(args.readme, args.suite, report.markdown()):
            print(f"updated {args.readme}")
        else:
            print(f"{args.readme} has no markers for suite {args.suite}; left as it is")
    return 1 if any(run.error or run.violations for run in report.runs) else 0


if __name__ == "__main__":
    sys.exit(main())
