"""Speed-up of a sweep with more Dask worker processes.

Protocol: an eight-scenario grid on the bundled ``small`` instance (``hires_per_year``
60 and 120, ``max_absent`` 2 and 4, seeds 0 and 1), each scenario solved with one CP-SAT
worker and ``--time-limit`` seconds, is run on a local cluster of one worker process and
then of two, each into a fresh folder (so nothing comes from the cache). The wall time
of each run (cluster start included) and the speed-up are printed and written as JSON.
Every scenario's schedule is checked by the independent checker inside its task; a run
with a violation or a failed scenario is reported.

    python benchmarks/sweep.py [--time-limit 10] [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

from schemalaggning.io import read_instance
from schemalaggning.whatif.sweep import Grid
from schemalaggning.whatif.sweep_report import SweepSettings, run_sweep

ROOT = Path(__file__).resolve().parents[1]
GRID = Grid({"hires_per_year": (60, 120), "max_absent": (2, 4)}, seeds=(0, 1))


def main() -> None:
    """Run the protocol and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    args = parser.parse_args()
    instance = read_instance(ROOT / "instances" / "small")
    scratch = Path(tempfile.mkdtemp(prefix="sweep-bench-"))
    runs = []
    try:
        for tasks in (1, 2):
            settings = SweepSettings(time_limit=args.time_limit, workers=1, tasks=tasks)
            started = time.perf_counter()
            run = run_sweep(instance, GRID, scratch / f"tasks-{tasks}", settings)
            seconds = time.perf_counter() - started
            broken = sum(int(o.row.get("violations") or 0) for o in run.outcomes)
            runs.append(
                {
                    "worker_processes": tasks,
                    "scenarios": len(run.outcomes),
                    "failed": len(run.failed),
                    "violations": broken,
                    "wall_seconds": round(seconds, 1),
                }
            )
            print(
                f"{tasks} worker process(es): {len(run.outcomes)} scenarios, "
                f"{len(run.failed)} failed, {broken} violations, {seconds:.1f} s"
            )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    speedup = runs[0]["wall_seconds"] / runs[1]["wall_seconds"]
    print(f"speed-up with two worker processes: {speedup:.2f}")
    args.out.mkdir(parents=True, exist_ok=True)
    report = {"time_limit": args.time_limit, "runs": runs, "speedup": round(speedup, 2)}
    (args.out / "sweep_speedup.json").write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
