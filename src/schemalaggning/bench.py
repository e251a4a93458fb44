"""Benchmarks side by side: the greedy plan, the whole model given to HiGHS, and the product.

Each suite is a list of instances; each instance is solved by three methods, each in a
fresh Python subprocess (``python -m schemalaggning.bench --one JOB``), so that the peak
memory (the child's ``ru_maxrss``, read with ``os.wait4``) and the time are that run's
own. Every schedule is checked by the independent checker in the child.

- ``greedy``: ``solve(instance, SolveParams(improve=False))``, the greedy plan alone;
- ``mip``: :func:`schemalaggning.baselines.mip.solve_mip`, the product's formulation over
  every course and the whole horizon given to HiGHS under the time limit;
- ``product``: ``solve(instance, SolveParams(time_limit=..., workers=2))``, the greedy
  plan improved by CP-SAT.

Suites: ``smoke`` (the bundled tiny instance, seconds) and ``scaling`` (Göteborg's preset
generated at 0.25 to 10 times its hiring and staff). The results are a table on the
terminal, ``<out>/<suite>.csv``, ``<out>/<suite>.md`` and, when matplotlib is installed,
``<out>/<suite>.png``; the growth rate of each method's time with the instance's size
(the slope of log seconds against log due attendances) is printed and written too.
"""

from __future__ import annotations

import csv
import json
import math
import os
import platform
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

#: The methods of every suite, in the order they run and appear.
METHODS = ("greedy", "mip", "product")
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
    log(f"generating {folder.name} in {folder}")
    with atomic_folder(folder) as temporary:
        write_instance(generate_instance(params), temporary)
        (temporary / "generator.json").write_text(stamp, encoding="utf-8")
    return folder


def bundled_folder(name: str) -> Path:
    """A bundled instance's folder: under the working directory or the source checkout."""
    for root in (Path.cwd(), Path(__file__).resolve().parents[2]):
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
    from schemalaggning.io import read_instance
    from schemalaggning.result import Result

    instance = read_instance(Path(job["folder"]))
    method = job["method"]
    time_limit = float(job["time_limit"])
    result: Result
    if method == "mip":
        from schemalaggning.baselines.mip import solve_mip

        result = solve_mip(instance, time_limit=time_limit, threads=WORKERS)
    else:
        from schemalaggning.solve import SolveParams, solve

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
        command = [sys.executable, "-m", "schemalaggning.bench", "--one", json.dumps(job)]
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        log_file = logs / f"{case.name}-{method}.log"
        wall_limit = 2 * time_limit + 600
        started = time.perf_counter()
        with log_file.open("w", encoding="utf-8") as sink:
            child = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT, env=env)
            status, usage = wait_child(child.pid, wall_limit)
            # The child was reaped by wait4; tell Popen so that it does not wait again.
            child.returncode = exit_code(status) if status is not None else -signal.SIGKILL
        run.wall_seconds = round(time.perf_counter() - started, 3)
        run.peak_mib = round(usage.ru_maxrss / 1024, 1)
        if status is None:
            run.error = f"killed after {wall_limit:.0f} s"
        elif child.returncode != 0:
            lines = log_file.read_text(encoding="utf-8").strip().splitlines()
            run.error = f"exit code {child.returncode}: {lines[-1] if lines else ''}"
        elif not output.is_file():
            run.error = "the child wrote no report"
        else:
            report = json.loads(output.read_text(encoding="utf-8"))
            for name, value in report.items():
                setattr(run, name, value)
    return run


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
            _, _, usage = os.wait4(pid, 0)
            return None, usage
        time.sleep(0.1)


def exit_code(status: int) -> int:
    """The exit code of a wait status, negative for a signal (as ``Popen.returncode``)."""
    if os.WIFSIGNALED(status):
        return -os.WTERMSIG(status)
    return os.WEXITSTATUS(status)


# ---------------------------------------------------------------------------------------------
# The suite
# ---------------------------------------------------------------------------------------------


def run_suite(
    suite: str,
    time_limit: float,
    out: Path,
    scales: Sequence[float] = SCALES,
    mip_max_scale: float | None = None,
    limits: dict[float, float] | None = None,
) -> list[Run]:
    """Run the three methods on every instance of the suite, one run at a time.

    Parameters
    ----------
    suite
        ``smoke`` or ``scaling``.
    time_limit
        Seconds for the MIP and the product (the greedy plan has no limit).
    out
        Results folder; the child logs go to ``out/logs``, instances to ``out/cache``.
    scales
        The scaling suite's instance sizes.
    mip_max_scale
        Skip the MIP above this scale (its model outgrows memory before HiGHS starts).
    limits
        Time limits of particular scales, instead of ``time_limit``.
    """
    logs = out / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    runs: list[Run] = []
    for case in suite_cases(suite, out, scales):
        limit = (limits or {}).get(case.scale or 0.0, time_limit)
        for method in METHODS:
            if (
                method == "mip"
                and mip_max_scale is not None
                and case.scale is not None
                and case.scale > mip_max_scale
            ):
                runs.append(
                    Run(
                        case.name,
                        method,
                        case.scale,
                        limit,
                        error=f"skipped above {mip_max_scale:g} × Göteborg",
                    )
                )
                continue
            log(f"{case.name}: {method}, limit {limit:g} s")
            run = run_child(case, method, limit, logs)
            runs.append(run)
            log(
                f"{case.name}: {method} done in {run.wall_seconds} s, {run.status}, "
                f"{run.trainer_half_days} half-days (bound {run.bound}), "
                f"{run.unmet_due} unmet, checker {checker_cell(run)}, {run.peak_mib} MiB"
                + (f", {run.error}" if run.error else "")
            )
    # The product starts from the greedy plan: its first checker-clean schedule is the
    # greedy plan's, at the greedy plan's time.
    greedy = {r.instance: r for r in runs if r.method == "greedy"}
    for run in runs:
        base = greedy.get(run.instance)
        if run.method == "product" and base is not None and base.violations == 0:
            run.first_seconds = base.seconds
    return runs


# ---------------------------------------------------------------------------------------------
# Tables, growth rates, plot
# ---------------------------------------------------------------------------------------------


def fmt(value: Any, digits: int = 1) -> str:
    """A cell: ``–`` for missing, floats with ``digits`` decimals, thousands spaced."""
    if value is None or value == "":
        return "–"
    if isinstance(value, float):
        return f"{value:,.{digits}f}".replace(",", " ")
    if isinstance(value, int):
        return f"{value:,}".replace(",", " ")
    return str(value)


def checker_cell(run: Run) -> str:
    """``ok``, ``N violations`` or ``–`` when the run produced no schedule."""
    if run.violations is None:
        return "–"
    return "ok" if run.violations == 0 else f"{run.violations} violations"


def ratio(numerator: float | None, denominator: float | None, digits: int = 3) -> str:
    """``numerator / denominator`` as a cell; ``–`` when either is missing or zero."""
    if not numerator or not denominator:
        return "–"
    return f"{numerator / denominator:.{digits}f}"


COLUMNS = (
    "instance",
    "method",
    "people",
    "due",
    "status",
    "due met",
    "trainer half-days",
    "bound",
    "gap",
    "first schedule s",
    "seconds",
    "peak MiB",
    "checker",
    "half-days product/greedy",
    "half-days product/MIP",
    "seconds product/MIP",
    "peak MiB product/MIP",
)


def table_rows(runs: Sequence[Run]) -> list[list[str]]:
    """One row per run; the product's rows hold its ratios to the greedy plan and MIP."""
    by_key = {(r.instance, r.method): r for r in runs}
    rows = []
    for run in runs:
        status = run.status or (f"failed: {run.error}" if run.error else "–")
        if run.error and run.status is None and run.error.startswith("skipped"):
            status = run.error
        ratios = ["", "", "", ""]
        if run.method == "product":
            greedy = by_key.get((run.instance, "greedy"))
            mip = by_key.get((run.instance, "mip"))
            ratios = [
                ratio(run.trainer_half_days, greedy.trainer_half_days if greedy else None),
                ratio(run.trainer_half_days, mip.trainer_half_days if mip else None),
                ratio(run.seconds, mip.seconds if mip else None, 2),
                ratio(run.peak_mib, mip.peak_mib if mip else None, 2),
            ]
        due_met = f"{fmt(run.due_met)}/{fmt(run.due)}" if run.due_met is not None else "–"
        rows.append(
            [
                run.instance,
                run.method,
                fmt(run.people),
                fmt(run.due),
                status,
                due_met,
                fmt(run.trainer_half_days),
                fmt(run.bound),
                f"{run.gap:.2%}" if run.gap is not None else "–",
                fmt(run.first_seconds, 2),
                fmt(run.seconds, 2),
                fmt(run.peak_mib, 0),
                checker_cell(run),
                *(cell or "" for cell in ratios),
            ]
        )
    return rows


def growth_rates(runs: Sequence[Run]) -> dict[str, dict[str, float | None]]:
    """Per method, the slope of log seconds against log due attendances.

    Two slopes: of the whole run (``seconds``) and of the first checker-clean schedule
    (``first``). A slope of 1 is linear growth, 2 quadratic. Runs without a schedule are
    left out; ``None`` when fewer than two sizes remain.
    """
    rates: dict[str, dict[str, float | None]] = {}
    for method in METHODS:
        rates[method] = {}
        for what in ("seconds", "first_seconds"):
            points = [
                (math.log(r.due), math.log(getattr(r, what)))
                for r in runs
                if r.method == method
                and r.due
                and getattr(r, what)
                and r.violations == 0
                and getattr(r, what) > 0
            ]
            rates[method]["first" if what == "first_seconds" else "seconds"] = _slope(points)
    return rates


def _slope(points: Sequence[tuple[float, float]]) -> float | None:
    """Least-squares slope of the points; ``None`` with fewer than two distinct x."""
    if len({x for x, _ in points}) < 2:
        return None
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    sxx = sum((x - mean_x) ** 2 for x, _ in points)
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in points)
    return round(sxy / sxx, 3)


def growth_lines(rates: dict[str, dict[str, float | None]]) -> list[str]:
    """The growth rates in words, one line per method."""
    lines = []
    for method, slopes in rates.items():
        whole = slopes.get("seconds")
        first = slopes.get("first")
        lines.append(
            f"{method}: seconds ∝ due^{fmt(whole, 2)} (whole run), "
            f"first checker-clean schedule ∝ due^{fmt(first, 2)}"
        )
    return lines


def plot(runs: Sequence[Run], path: Path) -> bool:
    """Solve time and gap against the instance's size, per method; ``False`` without
    matplotlib."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    markers = {"greedy": "o", "mip": "s", "product": "^"}
    # One colour per method in both panels.
    colours = {"greedy": "tab:blue", "mip": "tab:orange", "product": "tab:green"}
    for method in METHODS:
        mine = sorted(
            (r for r in runs if r.method == method and r.due and r.seconds),
            key=lambda r: r.due or 0,
        )
        if not mine:
            continue
        sizes = [r.due for r in mine]
        left.plot(
            sizes,
            [r.seconds for r in mine],
            marker=markers[method],
            color=colours[method],
            label=method,
        )
        first = [(r.due, r.first_seconds) for r in mine if r.first_seconds]
        if first:
            left.plot(
                [x for x, _ in first],
                [y for _, y in first],
                marker=markers[method],
                linestyle=":",
                color=colours[method],
                alpha=0.6,
                label=f"{method}: first schedule",
            )
        gaps = [(r.due, 100 * r.gap) for r in mine if r.gap is not None]
        right.plot(
            [x for x, _ in gaps],
            [y for _, y in gaps],
            marker=markers[method],
            color=colours[method],
            label=method,
        )
    left.set_xscale("log")
    left.set_yscale("log")
    left.set_xlabel("due attendances")
    left.set_ylabel("seconds")
    left.set_title("Solve time (solid) and first schedule (dotted)")
    left.grid(True, which="both", alpha=0.3)
    left.legend(fontsize=7)
    right.set_xscale("log")
    right.set_xlabel("due attendances")
    right.set_ylabel("gap to the window bound, %")
    right.set_title("Trainer half-days above the window bound")
    right.grid(True, which="both", alpha=0.3)
    right.legend(fontsize=7)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=120)
    plt.close(figure)
    return True


def machine() -> dict[str, str]:
    """The machine and software: CPU, cores, memory, versions, date."""
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
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "memory": memory,
        "os": platform.platform(),
        "python": platform.python_version(),
        "ortools": version("ortools"),
        "schemalaggning": version("schemalaggning"),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def markdown_table(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A markdown table; text columns left-aligned, figures right-aligned."""
    text = {"instance", "method", "status", "checker"}
    align = ["---" if c in text else "---:" for c in columns]
    lines = ["| " + " | ".join(columns) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(cell or " " for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def markdown(
    suite: str,
    command: str,
    runs: Sequence[Run],
    rates: dict[str, dict[str, float | None]],
    info: dict[str, str],
    plot_path: Path | None,
) -> str:
    """The suite's results as markdown: command, machine, table, growth rates, plot."""
    machine_lines = "\n".join(f"- **{k}**: {v}" for k, v in info.items())
    growth = "\n".join(f"- {line}" for line in growth_lines(rates))
    failed = [r for r in runs if r.violations or (r.error and not r.error.startswith("skipped"))]
    failures = "".join(
        f"\n- {r.instance} {r.method}: {r.error or r.violation_examples}" for r in failed
    )
    picture = f"\n\nPlot: `{plot_path}`" if plot_path is not None else ""
    return (
        f"Suite `{suite}`, produced by `{command}` on {info['date']}; "
        f"{WORKERS} workers, product seed {SEED}, generator seed {GENERATOR_SEED}.\n\n"
        f"{machine_lines}\n\n"
        f"{markdown_table(COLUMNS, table_rows(runs))}\n\n"
        f"**Growth rates** (slope of log seconds against log due attendances):\n\n"
        f"{growth}{picture}\n" + (f"\n**Failed runs:**\n{failures}\n" if failures else "")
    )


def write_csv(runs: Sequence[Run], path: Path, info: dict[str, str]) -> None:
    """One row per run, every field, with the machine's CPU and the date."""
    path.parent.mkdir(parents=True, exist_ok=True)
    names = [f.name for f in fields(Run)]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=[*names, "machine_cpu", "date"])
        writer.writeheader()
        for run in runs:
            writer.writerow({**asdict(run), "machine_cpu": info["cpu"], "date": info["date"]})


def rich_table(runs: Sequence[Run], title: str) -> Any:
    """The results as a rich table for the terminal."""
    from rich.table import Table

    table = Table(title=title)
    text = {"instance", "method", "status", "checker"}
    for column in COLUMNS:
        table.add_column(column, justify="left" if column in text else "right")
    for row in table_rows(runs):
        table.add_row(*row)
    return table


@dataclass
class Outcome:
    """What a finished suite wrote, and whether every run went well."""

    runs: list[Run]
    csv_path: Path
    markdown_path: Path
    plot_path: Path | None
    rates: dict[str, dict[str, float | None]]
    ok: bool


def bench(
    suite: str,
    time_limit: float,
    out: Path,
    command: str,
    echo: Callable[[Any], None] = print,
    scales: Sequence[float] = SCALES,
    mip_max_scale: float | None = None,
    limits: dict[float, float] | None = None,
) -> Outcome:
    """Run a suite, print its table and growth rates, write CSV, markdown and the plot.

    ``ok`` is false when a run crashed (a skipped run is not a crash) or a schedule
    broke a rule.
    """
    out.mkdir(parents=True, exist_ok=True)
    runs = run_suite(suite, time_limit, out, scales, mip_max_scale, limits)
    info = machine()
    rates = growth_rates(runs)
    csv_path = out / f"{suite}.csv"
    write_csv(runs, csv_path, info)
    png = out / f"{suite}.png"
    plot_path = png if plot(runs, png) else None
    md_path = out / f"{suite}.md"
    md_path.write_text(markdown(suite, command, runs, rates, info, plot_path), encoding="utf-8")
    echo(rich_table(runs, f"Suite {suite}: greedy, MIP (HiGHS) and product (CP-SAT)"))
    echo("Growth rates (slope of log seconds against log due attendances):")
    for line in growth_lines(rates):
        echo(f"  {line}")
    echo(f"wrote {csv_path} and {md_path}")
    if plot_path is None:
        echo("no plot: matplotlib is missing")
    else:
        echo(f"wrote {plot_path}")
    ok = not any(r.violations or (r.error and not r.error.startswith("skipped")) for r in runs)
    return Outcome(runs, csv_path, md_path, plot_path, rates, ok)


def log(message: str) -> None:
    """A progress line on standard error."""
    print(f"[{datetime.now().strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    """The child's entry point: ``python -m schemalaggning.bench --one JOB``."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 2 or args[0] != "--one":
        print("usage: python -m schemalaggning.bench --one JOB (or: schemalaggning bench)")
        return 2
    job = json.loads(args[1])
    report = run_one(job)
    Path(job["output"]).write_text(json.dumps(report, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
