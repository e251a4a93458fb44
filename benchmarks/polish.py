"""What the search buys once the top two levels are proven, and what a stall rule loses.

Solves an instance with the stall rule off (the lower levels are polished until the
budget, a whole pass without a change, or the wall clock ends the search), records
every neighbourhood model after the top two levels were proven, and replays stall
rules on that record: the models run in the same order whatever the rule (the rule
only ends the search), so the levels a rule would have ended with are those of the
record where it would have stopped::

    python benchmarks/polish.py instances/goteborg --time-limit 10

Prints the levels when proven, at the end of the record, and per rule (``models``
neighbourhoods in a row without an improvement, or ``budget`` deterministic units
without one, whichever first): where it stops, its budget and its levels.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from schemalaggning.engine.model import improve
from schemalaggning.engine.solve import SolveParams, solve
from schemalaggning.io import read_instance

#: The rules replayed: (models in a row without an improvement, budget without one).
RULES = [(8, 20.0), (6, 20.0), (4, 20.0), (4, 8.0), (3, 6.0), (2, 4.0), (1, 2.0)]


def replay(trace: list[dict[str, Any]], models: int, budget: float) -> dict[str, Any]:
    """Where a stall rule stops on the record of the polish (its last model's figures)."""
    quiet = 0
    quiet_spent = 0.0
    for step in trace:
        cost = step["budget_spent"] - step["budget_spent_before"]
        quiet = 0 if step["changed"] else quiet + 1
        quiet_spent = 0.0 if step["changed"] else quiet_spent + cost
        if quiet >= models or quiet_spent >= budget:
            return step
    return trace[-1] if trace else {}


def main() -> None:
    """Run the instance with the stall rule off and replay the rules."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("instance", type=Path)
    parser.add_argument("--time-limit", type=float, required=True)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", type=Path, help="Write the record here as JSON.")
    args = parser.parse_args()

    improve.STALL_MODELS = 10**9
    improve.STALL_BUDGET = 1e18
    events: list[dict[str, Any]] = []

    def progress(phase: str, figures: dict[str, Any]) -> None:
        if phase == "search":
            before = events[-1]["budget_spent"] if events else 0.0
            events.append({**figures, "budget_spent_before": before})

    started = time.perf_counter()
    instance = read_instance(args.instance)
    result = solve(
        instance, SolveParams(time_limit=args.time_limit, workers=args.workers), progress, started
    )
    search = result.summary
    # The models after the top two levels were proven (the one that proved them is
    # not one of them: it improved a top level).
    proven = [e for e in events if e.get("proven")]
    if proven and proven[0]["changed"] and search.get("proven_budget_spent", 0.0) > 0.0:
        proven = proven[1:]
    out = {
        "instance": str(args.instance),
        "time_limit": args.time_limit,
        "seconds": round(time.perf_counter() - started, 2),
        "stopped_because": search.get("stopped_because"),
        "wall_clock_cut": search.get("wall_clock_cut"),
        "models": search.get("cp_sat_models"),
        "budget_spent": search.get("cp_sat_budget_spent"),
        "proven_levels": search.get("proven_levels"),
        "proven_budget_spent": search.get("proven_budget_spent"),
        "final_levels": [level["value"] for level in result.summary["levels"]],
        "bounds": [level["bound"] for level in result.summary["levels"]],
        "polish_models": len(proven),
        "polish_improved": sum(1 for e in proven if e["changed"]),
        "rules": {},
    }
    for models, budget in RULES:
        step = replay(proven, models, budget)
        out["rules"][f"{models} models / {budget:g} units"] = {
            "after_model": events.index(step) + 1 if step else None,
            "budget_spent": step.get("budget_spent"),
            "seconds": round(step.get("elapsed", 0.0), 2),
            "levels": step.get("levels"),
        }
    out["trace"] = [
        {k: e[k] for k in ("area", "changed", "budget_spent", "elapsed", "levels", "proven")}
        for e in events
    ]
    text = json.dumps(out, indent=1, ensure_ascii=False)
    if args.json:
        args.json.write_text(text, encoding="utf-8")
    for key, value in out.items():
        if key == "rules":
            for rule, figures in value.items():
                print(f"  {rule}: {json.dumps(figures)}")
        elif key != "trace":
            print(f"{key}: {json.dumps(value, ensure_ascii=False)}")


if __name__ == "__main__":
    main()
