"""A suite's results: the table, the growth rates, the plot, the machine, CSV and markdown."""

from __future__ import annotations

import csv
import math
import os
import platform
import re
from collections.abc import Sequence
from dataclasses import asdict, fields
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any, Protocol

from schemalaggning.i18n import N_, Messages, _, use_language
from schemalaggning.whatif.bench.runs import BENCH_METHODS, GENERATOR_SEED, SEED, WORKERS, Run


def fmt(value: Any, digits: int = 1) -> str:
    """A cell: ``–`` for missing, floats with ``digits`` decimals, thousands spaced."""
    if value is None or value == "":
        return "–"
    if isinstance(value, float):
        return f"{value:,.{digits}f}".replace(",", " ")
    if isinstance(value, int):
        return f"{value:,}".replace(",", " ")
    return str(value)


class Checked(Protocol):
    """A run with its checker's count of broken rules (``None``: no schedule)."""

    @property
    def violations(self) -> int | None: ...


def checker_cell(run: Checked) -> str:
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

#: The columns' headings on the terminal, in the language's words (the markdown and CSV
#: files keep :data:`COLUMNS`, as the benchmarks' README reads them).
COLUMN_WORDS = Messages(
    {
        "instance": N_("instance"),
        "method": N_("method"),
        "people": N_("people"),
        "due": N_("due"),
        "status": N_("status"),
        "due met": N_("due met"),
        "trainer half-days": N_("trainer half-days"),
        "bound": N_("bound"),
        "gap": N_("gap"),
        "first schedule s": N_("first schedule s"),
        "seconds": N_("seconds"),
        "peak MiB": N_("peak MiB"),
        "checker": N_("checker"),
        "half-days product/greedy": N_("half-days product/greedy"),
        "half-days product/MIP": N_("half-days product/MIP"),
        "seconds product/MIP": N_("seconds product/MIP"),
        "peak MiB product/MIP": N_("peak MiB product/MIP"),
    }
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
    for method in BENCH_METHODS:
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
    return [
        _(
            "{method}: seconds ∝ due^{whole} (whole run), first checker-clean schedule "
            "∝ due^{first}"
        ).format(
            method=method, whole=fmt(slopes.get("seconds"), 2), first=fmt(slopes.get("first"), 2)
        )
        for method, slopes in rates.items()
    ]


def plot_runs(runs: Sequence[Run], path: Path) -> bool:
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
    for method in BENCH_METHODS:
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
    """The suite's results as markdown: command, machine, table, growth rates, plot.

    In English whatever the language: the results are read beside the benchmarks' README.
    """
    with use_language("en"):
        return _markdown(suite, command, runs, rates, info, plot_path)


def _markdown(
    suite: str,
    command: str,
    runs: Sequence[Run],
    rates: dict[str, dict[str, float | None]],
    info: dict[str, str],
    plot_path: Path | None,
) -> str:
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


def write_runs_csv(runs: Sequence[Run], path: Path, info: dict[str, str]) -> None:
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
        table.add_column(COLUMN_WORDS[column], justify="left" if column in text else "right")
    for row in table_rows(runs):
        table.add_row(*row)
    return table
