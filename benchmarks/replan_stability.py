"""Stability of re-planning: how many existing assignments move when one hire is added.

Protocol: the bundled Göteborg instance is solved once (the greedy plan, so that the
published schedule is the same on every machine) and taken as published. Each trial
adds one new hire (a random district, a random weekday start within 120 days after
``--today``) and re-plans with the product's optimiser; the changed assignments are
those of people already in the instance that were moved to another session or taken
out (``person_moved`` and ``person_removed`` in changes.csv). Every re-plan is checked
with the independent checker. Prints the distribution, the median and the maximum,
the trainer half-days each re-plan adds, and the re-plan times.

With ``--forecast`` the published schedule holds seats (``forecast.csv``) for one hire
more than ``people.csv`` has in each district and month from ``--today``'s month to the
month of the last possible start: the trial's hire is the one expected.

With ``--knowing`` each trial also solves the instance with its hire known from the start
(no forecast, no seats kept), twice: the greedy plan, as the published schedule is made,
and the product's optimiser with the trial's time limit; the figures compare the
published plan's trainer half-days (and the re-planned plan's) with those plans'.

    python benchmarks/replan_stability.py [--trials 20] [--time-limit 20] [--forecast]
        [--knowing] [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

from schemalaggning.check import check
from schemalaggning.domain import Forecast, Instance, Person
from schemalaggning.engine.solve import SolveParams, solve
from schemalaggning.io import read_instance
from schemalaggning.io.schedule import Schedule
from schemalaggning.month.forecast import hires_by_month, month_of, shift_month, solve_held
from schemalaggning.month.replan import replan

ROOT = Path(__file__).resolve().parents[1]


#: A trial's hire starts within this many days after ``--today``.
START_DAYS = 120


def one_more(instance: Instance, today: date) -> tuple[Forecast, ...]:
    """A hiring plan of one hire more than ``people.csv`` has, per district and month, in
    the months a trial's hire may start in."""
    known = hires_by_month(instance.people)
    months = [month_of(today)]
    while months[-1] < month_of(today + timedelta(days=START_DAYS)):
        months.append(shift_month(months[-1], 1))
    return tuple(
        Forecast(district_id=d.district_id, month=m, hires=known[d.district_id, m] + 1)
        for m in months
        for d in instance.districts
    )


def published_schedule(instance: Instance, reserve_seats: int) -> Schedule:
    """The greedy schedule of the instance (seats held for its forecast, if any), as a
    published schedule."""
    params = SolveParams(improve=False, reserve_seats=reserve_seats)
    result = solve_held(instance, params) if instance.forecast else solve(instance, params)
    schedule = Schedule()
    schedule.sessions = [(i + 2, s) for i, s in enumerate(result.sessions)]
    schedule.assignments = [(i + 2, a) for i, a in enumerate(result.assignments)]
    schedule.unscheduled = [(i + 2, u) for i, u in enumerate(result.unscheduled)]
    schedule.summary = dict(result.summary)
    return schedule


def knowing_figures(
    instance: Instance, time_limit: float, published: int, replanned: int
) -> dict[str, object]:
    """The plans made knowing the trial's hire from the start (``instance`` holds it, and
    no forecast): the greedy plan and the product's, checked, against the published and
    the re-planned plan's trainer half-days."""
    greedy = solve(instance, SolveParams(improve=False))
    product = solve(instance, SolveParams(time_limit=time_limit, seed=0))
    violations = sum(
        len(check(instance, r.sessions, r.assignments, r.unscheduled)) for r in (greedy, product)
    )
    greedy_half_days = greedy.summary["trainer_half_days"]
    product_half_days = product.summary["trainer_half_days"]
    return {
        "knowing_greedy_trainer_half_days": greedy_half_days,
        "knowing_trainer_half_days": product_half_days,
        "knowing_unscheduled": len(greedy.unscheduled) + len(product.unscheduled),
        "knowing_violations": violations,
        "published_over_knowing_greedy": round(published / greedy_half_days, 4),
        "published_over_knowing": round(published / product_half_days, 4),
        "replanned_over_knowing": round(replanned / product_half_days, 4),
    }


def main() -> None:
    """Run the trials and print (and optionally write) the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--instance", type=Path, default=ROOT / "instances" / "goteborg")
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--time-limit", type=float, default=20.0)
    parser.add_argument("--today", type=date.fromisoformat, default=date(2027, 3, 1))
    parser.add_argument("--freeze-weeks", type=int, default=4)
    parser.add_argument("--reserve-seats", type=int, default=0)
    parser.add_argument("--forecast", action="store_true", help="hold seats (see above)")
    parser.add_argument(
        "--knowing", action="store_true", help="also solve knowing the hire (see above)"
    )
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()

    instance = read_instance(args.instance)
    if args.forecast:
        instance = instance.replace(forecast=one_more(instance, args.today))
    schedule = published_schedule(instance, args.reserve_seats)
    published_half_days = schedule.summary["trainer_half_days"]
    districts = [d.district_id for d in instance.districts]
    records = []
    for trial in range(args.trials):
        rng = random.Random(trial)
        start = args.today + timedelta(days=rng.randrange(START_DAYS))
        while start.weekday() >= 5:
            start += timedelta(days=1)
        hire = Person(
            person_id=f"NY{trial:03d}",
            name=f"Ny anställd {trial}",
            email=f"ny{trial}@example.org",
            district_id=rng.choice(districts),
            start_date=start,
            required=True,
            done=(),
        )
        changed = instance.replace(people=(*instance.people, hire))
        began = time.perf_counter()
        result, changes = replan(
            changed,
            schedule,
            args.today,
            args.freeze_weeks,
            SolveParams(time_limit=args.time_limit, seed=0),
        )
        seconds = time.perf_counter() - began
        violations = check(changed, result.sessions, result.assignments, result.unscheduled)
        moved = sum(
            1
            for c in changes
            if c.change in ("person_moved", "person_removed") and c.person_id != hire.person_id
        )
        hire_met = sum(1 for a in result.assignments if a.person_id == hire.person_id)
        knowing: dict[str, object] = {}
        if args.knowing:
            knowing = knowing_figures(
                changed.replace(forecast=()),
                args.time_limit,
                published_half_days,
                result.summary["trainer_half_days"],
            )
        records.append(
            {
                "trial": trial,
                "district": hire.district_id,
                "start": start.isoformat(),
                "changed_assignments": moved,
                "changes": len(changes),
                "hire_attendances": hire_met,
                "unscheduled": len(result.unscheduled),
                "trainer_half_days_added": result.summary["trainer_half_days"]
                - published_half_days,
                "seconds": round(seconds, 2),
                "violations": len(violations),
                **knowing,
            }
        )
        print(json.dumps(records[-1]), flush=True)
    moved_counts = [r["changed_assignments"] for r in records]
    times = [r["seconds"] for r in records]
    summary = {
        "instance": str(args.instance.relative_to(ROOT))
        if args.instance.is_relative_to(ROOT)
        else str(args.instance),
        "trials": len(records),
        "today": args.today.isoformat(),
        "time_limit": args.time_limit,
        "reserve_seats": args.reserve_seats,
        "forecast": args.forecast,
        "published_trainer_half_days": published_half_days,
        "trainer_half_days_added_median": statistics.median(
            r["trainer_half_days_added"] for r in records
        ),
        "trainer_half_days_added_max": max(r["trainer_half_days_added"] for r in records),
        "changed_assignments_median": statistics.median(moved_counts),
        "changed_assignments_max": max(moved_counts),
        "changed_assignments_distribution": dict(sorted(Counter(moved_counts).items())),
        "replan_seconds_median": statistics.median(times),
        "replan_seconds_max": max(times),
        "checker_violations": sum(r["violations"] for r in records),
    }
    if args.knowing:
        for key in (
            "knowing_greedy_trainer_half_days",
            "knowing_trainer_half_days",
            "published_over_knowing_greedy",
            "published_over_knowing",
            "replanned_over_knowing",
        ):
            values = [r[key] for r in records]
            summary[f"{key}_median"] = statistics.median(values)
            summary[f"{key}_max"] = max(values)
        summary["knowing_violations"] = sum(r["knowing_violations"] for r in records)
    print(json.dumps(summary, indent=2))
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        name = "forecast" if args.forecast else f"reserve{args.reserve_seats}"
        (args.out / f"replan_stability_{name}.json").write_text(
            json.dumps({"summary": summary, "trials": records}, indent=2) + "\n", encoding="utf-8"
        )


if __name__ == "__main__":
    main()
