"""Benchmarks side by side: the greedy plan, the whole model given to HiGHS, and the product.

Each suite is a list of instances; each instance is solved by three methods, each in a
fresh Python subprocess (``python -m schemalaggning.whatif.bench --one JOB``), so that the peak
memory (the child's ``ru_maxrss``, read with ``os.wait4``) and the time are that run's
own. Every schedule is checked by the independent checker in the child.

- ``greedy``: ``solve(instance, SolveParams(improve=False))``, the greedy plan alone;
- ``mip``: :func:`schemalaggning.whatif.baselines.mip.solve_mip`, the product's formulation over
  every course and the whole horizon given to HiGHS under the time limit;
- ``product``: ``solve(instance, SolveParams(time_limit=..., workers=2))``, the greedy
  plan improved by CP-SAT.

Suites: ``smoke`` (the bundled tiny instance, seconds) and ``scaling`` (Göteborg's preset
generated at 0.25 to 10 times its hiring and staff). The results are a table on the
terminal, ``<out>/<suite>.csv``, ``<out>/<suite>.md`` and, when matplotlib is installed,
``<out>/<suite>.png``; the growth rate of each method's time with the instance's size
(the slope of log seconds against log due attendances) is printed and written too.

:mod:`~schemalaggning.whatif.bench.runs` holds the instances and one run (the child and the
parent), :mod:`~schemalaggning.whatif.bench.suite` a whole suite, and
:mod:`~schemalaggning.whatif.bench.report` its tables, growth rates, plot and files.
"""

from schemalaggning.whatif.bench.report import (
    COLUMNS,
    checker_cell,
    fmt,
    growth_lines,
    growth_rates,
    machine,
    markdown,
    markdown_table,
    plot_runs,
    ratio,
    rich_table,
    table_rows,
    write_runs_csv,
)
from schemalaggning.whatif.bench.runs import (
    BENCH_METHODS,
    GENERATOR_SEED,
    SCALES,
    SEED,
    SMOKE_INSTANCE,
    WORKERS,
    Case,
    Run,
    bundled_folder,
    exit_code,
    generated_folder,
    log,
    main,
    run_child,
    run_one,
    scaled_params,
    suite_cases,
    wait_child,
)
from schemalaggning.whatif.bench.suite import SuiteOutcome, bench, run_suite

__all__ = [
    "BENCH_METHODS",
    "COLUMNS",
    "GENERATOR_SEED",
    "SCALES",
    "SEED",
    "SMOKE_INSTANCE",
    "WORKERS",
    "Case",
    "Run",
    "SuiteOutcome",
    "bench",
    "bundled_folder",
    "checker_cell",
    "exit_code",
    "fmt",
    "generated_folder",
    "growth_lines",
    "growth_rates",
    "log",
    "machine",
    "main",
    "markdown",
    "markdown_table",
    "plot_runs",
    "ratio",
    "rich_table",
    "run_child",
    "run_one",
    "run_suite",
    "scaled_params",
    "suite_cases",
    "table_rows",
    "wait_child",
    "write_runs_csv",
]
