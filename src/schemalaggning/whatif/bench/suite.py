"""A whole suite: every method on every instance, one run at a time, and what it wrote."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from schemalaggning.i18n import _
from schemalaggning.whatif.bench.report import (
    checker_cell,
    growth_lines,
    growth_rates,
    machine,
    markdown,
    plot_runs,
    rich_table,
    write_runs_csv,
)
from schemalaggning.whatif.bench.runs import BENCH_METHODS, SCALES, Run, log, run_child, suite_cases


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
        for method in BENCH_METHODS:
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
            log(
                _("{instance}: {method}, limit {seconds} s").format(
                    instance=case.name, method=method, seconds=f"{limit:g}"
                )
            )
            run = run_child(case, method, limit, logs)
            runs.append(run)
            log(_run_line(case.name, run))
    # The product starts from the greedy plan: its first checker-clean schedule is the
    # greedy plan's, at the greedy plan's time.
    greedy = {r.instance: r for r in runs if r.method == "greedy"}
    for run in runs:
        base = greedy.get(run.instance)
        if run.method == "product" and base is not None and base.violations == 0:
            run.first_seconds = base.seconds
    return runs


@dataclass
class SuiteOutcome:
    """What a finished suite wrote, and whether every run went well."""

    runs: list[Run]
    csv_path: Path
    markdown_path: Path
    plot_path: Path | None
    rates: dict[str, dict[str, float | None]]
    ok: bool


def _run_line(instance: str, run: Run) -> str:
    """What a finished run gave, in one line of the terminal."""
    line = _(
        "{instance}: {method} done in {seconds} s, {status}, {half_days} trainer half-days "
        "(bound {bound}), {unmet} due not met, checker {checker}, {memory} MiB"
    ).format(
        instance=instance,
        method=run.method,
        seconds=run.wall_seconds,
        status=run.status,
        half_days=run.trainer_half_days,
        bound=run.bound,
        unmet=run.unmet_due,
        checker=checker_cell(run),
        memory=run.peak_mib,
    )
    return line + (f", {run.error}" if run.error else "")


def bench(
    suite: str,
    time_limit: float,
    out: Path,
    command: str,
    echo: Callable[[Any], None] = print,
    scales: Sequence[float] = SCALES,
    mip_max_scale: float | None = None,
    limits: dict[float, float] | None = None,
) -> SuiteOutcome:
    """Run a suite, print its table and growth rates, write CSV, markdown and the plot.

    ``ok`` is false when a run crashed (a skipped run is not a crash) or a schedule
    broke a rule.
    """
    out.mkdir(parents=True, exist_ok=True)
    runs = run_suite(suite, time_limit, out, scales, mip_max_scale, limits)
    info = machine()
    rates = growth_rates(runs)
    csv_path = out / f"{suite}.csv"
    write_runs_csv(runs, csv_path, info)
    png = out / f"{suite}.png"
    plot_path = png if plot_runs(runs, png) else None
    md_path = out / f"{suite}.md"
    md_path.write_text(markdown(suite, command, runs, rates, info, plot_path), encoding="utf-8")
    title = _("Suite {suite}: greedy, MIP (HiGHS) and product (CP-SAT)").format(suite=suite)
    echo(rich_table(runs, title))
    echo(_("Growth rates (slope of log seconds against log due attendances):"))
    for line in growth_lines(rates):
        echo(f"  {line}")
    echo(_("wrote {table} and {summary}").format(table=csv_path, summary=md_path))
    if plot_path is None:
        echo(_("no plot: matplotlib is missing"))
    else:
        echo(_("wrote {plot}").format(plot=plot_path))
    ok = not any(r.violations or (r.error and not r.error.startswith("skipped")) for r in runs)
    return SuiteOutcome(runs, csv_path, md_path, plot_path, rates, ok)
