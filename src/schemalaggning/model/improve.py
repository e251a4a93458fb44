"""Improving a plan with CP-SAT, one neighbourhood at a time (large-neighbourhood search).

Each step takes the sessions of a neighbourhood out of the plan, builds its model
(variables, hard constraint families, objective terms) with every other session
fixed, solves it lexicographically from the current sessions as a complete hint, and
puts the better sessions back. The neighbourhoods of a pass are, in this order: a few
weeks of every course around each unmet due deadline, each course over the whole
horizon, and a window of a few weeks sliding over the horizon. Passes repeat until
one changes nothing or the time is up.

The time each model gets is fixed in advance from the time limit (CP-SAT's
deterministic time), so the same input, seed and workers give the same plan; the
wall-clock limit only stops the loop early on a machine too slow for its budget.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from ortools.sat.python import cp_model

from schemalaggning.greedy import GreedyBuilder
from schemalaggning.model.constraints import add_constraints
from schemalaggning.model.lexico import solve_lexicographic
from schemalaggning.model.objective import make_objective
from schemalaggning.model.problem import Neighbourhood, Problem, build_problem, take_out
from schemalaggning.model.variables import Variables, make_variables
from schemalaggning.plan import Kind, Plan, PlannedSession, SolveData

if TYPE_CHECKING:
    from schemalaggning.solve import SolveParams

#: Passes over the neighbourhoods at most.
MAX_PASSES = 3
#: Share of the time limit given to the models (the rest builds the data and writes).
SEARCH_SHARE = 0.8
#: Deterministic time of one model, at least and at most.
MIN_MODEL_DTIME = 2.0
MAX_MODEL_DTIME = 20.0
#: Below this, what is left of the budget is not worth a model.
MIN_USEFUL_DTIME = 0.2
#: Windows around unmet due deadlines get this many times a model's usual time.
UNMET_WEIGHT = 6.0
#: Length of a time-window neighbourhood, in weeks, and its step.
WINDOW_WEEKS = 4
WINDOW_STEP = 2


@dataclass
class Step:
    """What one neighbourhood model did."""

    changed: bool
    build_seconds: float
    solve_seconds: float
    variables: int
    status: str


def cp_sat_parameters(params: SolveParams) -> dict[str, Any]:
    """CP-SAT parameters from the solve parameters (extra ones pass through)."""
    parameters: dict[str, Any] = {
        "num_workers": params.workers,
        "random_seed": params.seed,
        "log_search_progress": params.log,
        "catch_sigint_signal": False,
    }
    if params.workers != 1:
        # Interleaved search is CP-SAT's deterministic parallel mode.
        parameters["interleave_search"] = True
    # Neighbourhood models are many and small: a light presolve leaves time to search.
    parameters["max_presolve_iterations"] = 1
    parameters["symmetry_level"] = 0
    parameters.update(params.cp_sat)
    return parameters


def area_vector(
    data: SolveData, problem: Problem, sessions: list[PlannedSession]
) -> tuple[int, int]:
    """(due attendances of the neighbourhood missed, trainer half-days) of its sessions."""
    seated = {a for s in sessions for a in s.members}
    missed = sum(
        1 for a in problem.scope if data.attendances[a].kind is Kind.DUE and a not in seated
    )
    return missed, sum(data.courses[s.course].cost for s in sessions)


def hint_for(data: SolveData, problem: Problem, v: Variables) -> dict[int, int]:
    """Values of the decision variables for the current sessions, by variable index."""
    value: dict[int, int] = dict.fromkeys(
        [var.index for var in v.held]
        + [var.index for var in (*v.room.values(), *v.trainer.values(), *v.attend.values())],
        0,
    )
    for j, session in problem.hint_sessions.items():
        value[v.held[j].index] = 1
        if (j, session.room) in v.room:
            value[v.room[j, session.room].index] = 1
        for t in session.trainers:
            if (j, t) in v.trainer:
                value[v.trainer[j, t].index] = 1
    for a, var in (*v.missed.items(), *v.later.items()):
        seat = problem.hint_candidate.get(a)
        value[var.index] = 0 if seat is not None and (a, seat) in v.attend else 1
    for a, j in problem.hint_candidate.items():
        if (a, j) in v.attend:
            value[v.attend[a, j].index] = 1
    return value


def decode(problem: Problem, v: Variables, solution: list[int]) -> list[PlannedSession]:
    """The sessions a solution holds."""
    sessions = []
    for j, cand in enumerate(problem.candidates):
        if not solution[v.held[j].index]:
            continue
        room = next(r for r in cand.rooms if solution[v.room[j, r].index])
        trainers = tuple(t for t in cand.trainers if solution[v.trainer[j, t].index])
        members = [a for a, var in v.by_candidate[j] if solution[var.index]]
        sessions.append(PlannedSession(cand.course, cand.start, room, trainers, members))
    return sessions


def optimise(
    plan: Plan, area: Neighbourhood, parameters: dict[str, Any], dtime: float, deadline: float
) -> Step:
    """Re-plan one neighbourhood with CP-SAT; keep the result only if it is no worse."""
    data = plan.data
    started = time.perf_counter()
    backup = plan.copy()
    global_before = (plan.due_unmet(), plan.trainer_half_days())
    old = take_out(plan, area)
    applied = False
    try:
        problem = build_problem(plan, area, old)
        model = cp_model.CpModel()
        v = make_variables(model, data, problem)
        add_constraints(model, data, problem, v)
        objective = make_objective(model, data, problem, v)
        value = hint_for(data, problem, v)
        hint = [(model.get_int_var_from_proto_index(i), val) for i, val in sorted(value.items())]
        hint += objective.aux_hints(value)
        values = dict(value)
        values.update((var.index, val) for var, val in objective.aux_hints(value))
        before = [term.value(values) for term in objective.terms]
        built = time.perf_counter()
        # The model's wall-clock share is what is left once it is built.
        wall = max(0.05, min(deadline - built, 4 * dtime + 1))
        result = solve_lexicographic(model, objective.terms, hint, parameters, dtime, wall)
        solved = time.perf_counter()
        changed = False
        if result.solution is not None:
            new = decode(problem, v, result.solution)
            solution = dict(enumerate(result.solution))
            after = [term.value(solution) for term in objective.terms]
            deferred = [a for a, var in v.later.items() if solution[var.index]]
            if deferred and after < before:
                # Seat the deferred attendances after the window, then judge the whole
                # plan: kept only if it meets more due attendances, or as many for less.
                for session in new:
                    plan.open(session)
                builder = GreedyBuilder(data, plan)
                builder.deferred = deferred
                builder.serve_deferred()
                changed = (plan.due_unmet(), plan.trainer_half_days()) < global_before
                if not changed:
                    plan.restore(backup)
                applied = True
            elif (
                not deferred
                and area_vector(data, problem, new) <= area_vector(data, problem, old)
                and after < before
            ):
                # Only a strictly better plan replaces the current one: no churn between
                # equally good schedules, and never a worse one.
                changed = True
                for session in new:
                    plan.open(session)
                applied = True
        return Step(
            changed, built - started, solved - built, len(model.proto.variables), result.status
        )
    finally:
        if not applied:
            for session in old:
                plan.open(
                    PlannedSession(
                        session.course,
                        session.start,
                        session.room,
                        session.trainers,
                        list(session.members),
                    )
                )


def neighbourhoods(data: SolveData, plan: Plan) -> list[Neighbourhood]:
    """The neighbourhoods of one pass, in order (see the module's description)."""
    all_courses = tuple(
        data.course_idx[c]
        for c in data.course_order
        if data.courses[data.course_idx[c]].attendances
    )
    last = data.num_slots - 1
    areas: list[Neighbourhood] = []
    week_first: dict[int, int] = {}
    for slot, week in enumerate(data.slot_week):
        week_first.setdefault(week, slot)
    week_last = {w: s for s, w in enumerate(data.slot_week)}
    num_weeks = len(data.weeks)

    def window(first_week: int) -> Neighbourhood:
        first_week = max(0, min(first_week, num_weeks - WINDOW_WEEKS))
        last_week = min(num_weeks - 1, first_week + WINDOW_WEEKS - 1)
        return Neighbourhood(
            all_courses,
            week_first[first_week],
            week_last[last_week],
            f"weeks {first_week + 1}-{last_week + 1}",
            every_block=True,
            defer=True,
        )

    unmet_weeks = sorted(
        {
            data.slot_week[max(0, min(att.deadline, last))]
            for att in data.attendances
            if att.kind is Kind.DUE and att.idx not in plan.assigned
        }
    )
    seen: set[str] = set()
    for week in unmet_weeks:
        area = window(week - WINDOW_WEEKS + 2)
        if area.name not in seen:
            seen.add(area.name)
            areas.append(replace(area, weight=UNMET_WEIGHT))
    for course in all_courses:
        areas.append(Neighbourhood((course,), 0, last, data.courses[course].course.course_id))
    for first_week in range(0, max(1, num_weeks - WINDOW_WEEKS + 1), WINDOW_STEP):
        area = window(first_week)
        if area.name not in seen:
            seen.add(area.name)
            areas.append(area)
    return areas


def improve_plan(
    data: SolveData,
    plan: Plan,
    params: SolveParams,
    deadline: float,
    bound: int,
    report: Callable[[str, dict[str, Any]], None],
) -> tuple[Plan, dict[str, Any]]:
    """Improve the plan neighbourhood by neighbourhood until a pass changes nothing or the
    time is up. Ctrl-C stops the search; the plan as it stands (always complete and
    valid) is kept."""
    parameters = cp_sat_parameters(params)
    # Each model gets the same deterministic time, at least enough to get past presolve;
    # the models stop when their total reaches the search's share of the time limit.
    budget = SEARCH_SHARE * params.time_limit
    planned = max(1, MAX_PASSES * len(neighbourhoods(data, plan)))
    per_model = min(MAX_MODEL_DTIME, max(MIN_MODEL_DTIME, budget / planned))
    spent = 0.0
    stats: dict[str, Any] = {
        "cp_sat_models": 0,
        "cp_sat_build_seconds": 0.0,
        "cp_sat_solve_seconds": 0.0,
        "cp_sat_passes": 0,
        "cp_sat_max_variables": 0,
        "cp_sat_improved": 0,
        "interrupted": False,
    }
    started = time.perf_counter()
    try:
        for pass_number in range(1, MAX_PASSES + 1):
            changed = False
            stats["cp_sat_passes"] = pass_number
            for area in neighbourhoods(data, plan):
                remaining = deadline - time.perf_counter()
                dtime = min(MAX_MODEL_DTIME, per_model * area.weight, budget - spent)
                if remaining <= 1.0 or dtime < MIN_USEFUL_DTIME:
                    return plan, _rounded(stats)
                spent += dtime
                step = optimise(plan, area, parameters, dtime, deadline)
                changed |= step.changed
                stats["cp_sat_models"] += 1
                stats["cp_sat_improved"] += int(step.changed)
                stats["cp_sat_build_seconds"] += step.build_seconds
                stats["cp_sat_solve_seconds"] += step.solve_seconds
                stats["cp_sat_max_variables"] = max(stats["cp_sat_max_variables"], step.variables)
                cost = sum(data.courses[s.course].cost for _, s in plan.live_sessions())
                report(
                    "search",
                    {
                        "elapsed": time.perf_counter() - started,
                        "pass": pass_number,
                        "area": area.name,
                        "objective": cost,
                        "bound": bound,
                    },
                )
            if not changed:
                break
    except KeyboardInterrupt:
        stats["interrupted"] = True
    return plan, _rounded(stats)


def _rounded(stats: dict[str, Any]) -> dict[str, Any]:
    return {k: round(v, 3) if isinstance(v, float) else v for k, v in stats.items()}
