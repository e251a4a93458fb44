"""What finishing and writing a schedule cost, per due attendance: the figures behind
``schemalaggning.engine.solve.finishing_seconds``::

    python benchmarks/writing.py instances/goteborg instances/stockholm

For each instance: the greedy plan (the search does not change the sizes much), then,
timed one after the other, the plan's records, reasons and levels (what ``solve`` does
after the search); the four schedule files; the files with the views (workbook,
report, personal plans); and all of it with the calendars and invitations, each into a
new folder. Prints seconds and seconds per due attendance, beside the estimate.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from schemalaggning.engine.params import Writing
from schemalaggning.engine.solve import SolveParams, finishing_seconds, solve
from schemalaggning.export.folder import write_schedule
from schemalaggning.io import read_instance
from schemalaggning.month.electives import assessment_tables

WRITINGS: tuple[Writing, ...] = ("files", "views", "calendars")


def main() -> None:
    """Time finishing and writing on each instance given."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("instances", type=Path, nargs="+")
    args = parser.parse_args()
    rows = []
    for path in args.instances:
        instance = read_instance(path)
        due = len(instance.due_attendances)
        # The finishing part of a solve: solve_seconds less the greedy plan's time, as
        # the solve's own figures say.
        phases: dict[str, float] = {}

        def progress(
            phase: str, figures: dict[str, object], phases: dict[str, float] = phases
        ) -> None:
            phases[phase] = time.perf_counter()

        began = time.perf_counter()
        result = solve(instance, SolveParams(improve=False), progress, began)
        finish = time.perf_counter() - phases["greedy"]
        seconds: dict[str, float] = {"finish": finish}
        with tempfile.TemporaryDirectory() as tmp:
            for name, views, calendars in (
                ("files", False, False),
                ("views", True, False),
                ("calendars", True, True),
            ):
                folder = Path(tmp) / name
                folder.mkdir()
                t0 = time.perf_counter()
                tables = assessment_tables(instance, result.sessions, result.assignments)
                write_schedule(
                    folder,
                    result,
                    instance if views else None,
                    tables=tables,
                    calendars=calendars,
                )
                seconds[name] = time.perf_counter() - t0
        estimate = {writing: finishing_seconds(instance, writing) for writing in WRITINGS}
        rows.append(
            {
                "instance": str(path),
                "people": len(instance.people),
                "due": due,
                "assignments": len(result.assignments),
                "seconds": {k: round(v, 2) for k, v in seconds.items()},
                "per_due_ms": {k: round(1000 * v / due, 3) for k, v in seconds.items()},
                "estimate": {k: [round(x, 2) for x in v] for k, v in estimate.items()},
            }
        )
        print(json.dumps(rows[-1], ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
