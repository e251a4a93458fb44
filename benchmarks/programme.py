"""The programme a plan gives, instance by instance: part 2 every year, every hire's plan.

Protocol (see ``benchmarks/README.md``, "The programme as the report runs it"): each
instance is solved by the whole ``solve`` command in its own process (default limit,
two workers, calendars left out), timed from outside; the schedule folder is then read
with the standard library alone and measured: trainer half-days against the bound, the
sessions with participants of each part per calendar year, the courses held in each year
of the plan, and the required hires whose part 2 is whole (every part-2 course of
theirs met or done), by the year they start. Every schedule is checked with
``schemalaggning check``.

    python benchmarks/programme.py instances/goteborg instances/small [--time-limit 60]
        [--out benchmarks/results/programme.json] [--python PYTHON]

``--python`` runs another interpreter or checkout (``PYTHONPATH=... python``) for the
solve, so that two versions can be measured side by side with the same measurements.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any


def rows(path: Path) -> list[dict[str, str]]:
    """A CSV file's rows (``,`` or ``;`` separated, UTF-8 with or without a BOM)."""
    text = path.read_text(encoding="utf-8-sig")
    dialect = ";" if text.split("\n", 1)[0].count(";") > text.split("\n", 1)[0].count(",") else ","
    return list(csv.DictReader(text.splitlines(), delimiter=dialect))


def items(cell: str) -> set[str]:
    """The ids of a list cell."""
    return {part.strip() for part in cell.replace(";", "|").split("|") if part.strip()}


def measure(instance: Path, schedule: Path) -> dict[str, Any]:
    """The programme's figures of a schedule folder."""
    courses = {c["course_id"]: c for c in rows(instance / "courses.csv")}
    part2 = [cid for cid, c in courses.items() if c["part"].strip() != "1"]
    sessions = rows(schedule / "sessions.csv")
    per_year: dict[str, Counter[str]] = defaultdict(Counter)
    held: dict[str, set[str]] = defaultdict(set)
    for session in sessions:
        if int(session["participants"] or 0) <= 0:
            continue
        year = session["start"][:4]
        part = "1" if courses[session["course_id"]]["part"].strip() == "1" else "2"
        per_year[year][f"part{part}_sessions"] += 1
        held[year].add(session["course_id"])
    met: dict[str, set[str]] = defaultdict(set)
    for assignment in rows(schedule / "assignments.csv"):
        met[assignment["person_id"]].add(assignment["course_id"])
    whole: dict[str, Counter[str]] = defaultdict(Counter)
    for person in rows(instance / "people.csv"):
        if person["required"].strip().lower() not in ("yes", "ja"):
            continue
        year = person["start_date"][:4]
        wanted = [c for c in part2 if c not in items(person["done"])]
        dated = sum(1 for c in wanted if c in met[person["person_id"]])
        whole[year]["hires"] += 1
        whole[year]["whole_part2"] += dated == len(wanted)
        whole[year]["some_part2"] += 0 < dated < len(wanted)
    summary = json.loads((schedule / "summary.json").read_text(encoding="utf-8"))
    unscheduled = rows(schedule / "unscheduled.csv")
    return {
        "trainer_half_days": summary["trainer_half_days"],
        "bound": summary.get("trainer_half_days_bound", summary.get("best_bound")),
        "status": summary["status"],
        "stopped_because": summary.get("stopped_because"),
        "due": summary["required_attendances"],
        "unmet_attendances": sum(1 for u in unscheduled if u["person_id"]),
        "offerings_not_held": sum(1 for u in unscheduled if not u["person_id"]),
        "sessions_per_year": {y: dict(c) for y, c in sorted(per_year.items())},
        "part2_courses_held_per_year": {
            y: sum(1 for c in part2 if c in held[y]) for y in sorted(held)
        },
        "part2_courses": len(part2),
        "hires_by_start_year": {y: dict(c) for y, c in sorted(whole.items())},
    }


def solve(python: str, instance: Path, out: Path, time_limit: float) -> float:
    """Run the whole solve command into ``out``; its wall-clock seconds."""
    command = [
        *shlex.split(python),
        "-m",
        "schemalaggning.cli",
        "solve",
        str(instance),
        "-o",
        str(out),
        "--no-ics",
        "--time-limit",
        str(time_limit),
        "--workers",
        "2",
    ]
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=dict(os.environ))
    return time.perf_counter() - started


def checked(instance: Path, schedule: Path) -> bool:
    """Whether ``schemalaggning check`` (of this checkout) finds no broken rule."""
    result = subprocess.run(
        [sys.executable, "-m", "schemalaggning.cli", "check", str(instance), str(schedule)],
        capture_output=True,
        check=False,
    )
    return result.returncode == 0


def main() -> None:
    """Solve and measure each instance given."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("instances", type=Path, nargs="+")
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as scratch:
        for instance in args.instances:
            folder = Path(scratch) / instance.name
            seconds = solve(args.python, instance, folder, args.time_limit)
            figures = measure(instance, folder)
            figures.update(
                instance=str(instance), seconds=round(seconds, 1), check=checked(instance, folder)
            )
            print(json.dumps(figures, ensure_ascii=False), flush=True)
            results.append(figures)
    if args.out is not None:
        args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
