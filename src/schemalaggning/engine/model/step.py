"""One neighbourhood model: take its sessions out, build and solve it, put the better ones back.

:func:`optimise` takes the sessions of a neighbourhood out of the plan, builds its model
(variables, hard constraint families, objective terms) with every other session fixed,
solves it lexicographically from the current sessions as a complete hint, and puts the
better sessions back (:func:`apply_solution`), or the old ones. The search over many
neighbourhoods is :mod:`schemalaggning.engine.model.improve`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ortools.sat.python import cp_model

from schemalaggning.engine.model.constraints import add_constraints
from schemalaggning.engine.model.lexico import blocks_of, solve_lexicographic
from schemalaggning.engine.model.neighbourhood import Neighbourhood
from schemalaggning.engine.model.objective import Objective, TermName, make_objective
from schemalaggning.engine.model.problem import NeighbourhoodProblem, build_problem, take_out
from schemalaggning.engine.model.variables import Variables, make_variables
from schemalaggning.engine.params import SolveParams
from schemalaggning.engine.plan import Kind, Plan, PlannedSession, SolveData

#: Seats a model's deferred attendances after its window, in the plan (the greedy
#: heuristic's :func:`schemalaggning.engine.greedy.seat_deferred`, handed in by the engine so
#: that the CP layer does not import the heuristic).
SeatDeferred = Callable[[Plan, list[int]], None]

#: The budget's charge for each CP-SAT call, in deterministic time: this much, and one
#: more for each CALL_VARIABLES variables of the model (loading and presolving a model
#: takes time that its deterministic time hardly counts; measured on a shared
#: two-core machine, this brings budget units and seconds within a factor of about two
#: from 1 000 to 56 000 variables).
CALL_COST = 0.25
CALL_VARIABLES = 10_000
#: A model's wall-clock cap per unit of what it may cost the budget (a last resort).
WALL_PER_DTIME = 10.0


@dataclass
class Step:
    """What one neighbourhood model did."""

    changed: bool
    build_seconds: float
    solve_seconds: float
    variables: int
    status: str
    deterministic_time: float = 0.0
    wall_clock_cut: bool = False
    calls: int = 0


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
    data: SolveData, problem: NeighbourhoodProblem, sessions: list[PlannedSession]
) -> tuple[int, int]:
    """(due attendances of the neighbourhood missed, trainer half-days) of its sessions."""
    seated = {a for s in sessions for a in s.members}
    missed = sum(
        1 for a in problem.scope if data.attendances[a].kind is Kind.DUE and a not in seated
    )
    return missed, sum(data.courses[s.course].cost for s in sessions)


def hint_for(data: SolveData, problem: NeighbourhoodProblem, v: Variables) -> dict[int, int]:
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


def decode_sessions(
    problem: NeighbourhoodProblem, v: Variables, solution: list[int]
) -> list[PlannedSession]:
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


@dataclass
class AreaModel:
    """One neighbourhood's CP-SAT model with its data, variables and objective, the
    current sessions as its hint, and the objective's terms at the hint."""

    problem: NeighbourhoodProblem
    model: cp_model.CpModel
    v: Variables
    objective: Objective
    hint: list[tuple[cp_model.IntVar, int]]
    before: list[int]


def build_area_model(plan: Plan, area: Neighbourhood, old: list[PlannedSession]) -> AreaModel:
    """Build the model of a neighbourhood whose sessions ``old`` were just taken out:
    variables, hard constraint families and objective, hinted with ``old``."""
    data = plan.data
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
    return AreaModel(problem, model, v, objective, hint, before)


def optimise(
    plan: Plan,
    area: Neighbourhood,
    parameters: dict[str, Any],
    dtime: float,
    deadline: float,
    seat_deferred: SeatDeferred,
    first_only: bool = False,
    held: frozenset[TermName] = frozenset(),
    top_only: bool = False,
) -> Step:
    """Re-plan one neighbourhood with CP-SAT; keep the result only if it is no worse.

    Attendances the model defers out of the window are seated after it by
    ``seat_deferred``. With ``first_only`` only the first objective level (due
    attendances) is optimised; the terms in ``held`` are proven at their best and
    kept as they are.
    """
    started = time.perf_counter()
    backup = plan.copy()
    global_before = (plan.unmet(), plan.trainer_half_days())
    old = take_out(plan, area)
    applied = False
    try:
        built = build_area_model(plan, area, old)
        model = built.model
        ready = time.perf_counter()
        # The deterministic time is the model's budget; the wall clock is only the last
        # resort (a machine far slower than its budget, or the run's deadline), generous
        # enough that a busy machine does not cut the model short: ten times what the
        # model may cost the budget, its calls' charges included.
        terms = built.objective.terms
        calls = len(blocks_of(terms))
        charge = dtime + calls * (CALL_COST + len(model.proto.variables) / CALL_VARIABLES)
        wall = max(0.05, min(deadline - ready, WALL_PER_DTIME * charge + 2))
        result = solve_lexicographic(
            model, terms, built.hint, parameters, dtime, wall, first_only, held, top_only
        )
        solved = time.perf_counter()
        changed = False
        if result.solution is not None:
            changed, applied = apply_solution(
                plan, built, result.solution, old, backup, global_before, seat_deferred
            )
        return Step(
            changed,
            ready - started,
            solved - ready,
            len(model.proto.variables),
            result.status,
            result.deterministic_time,
            result.wall_clock_cut,
            result.calls,
        )
    finally:
        if not applied:
            put_back(plan, old)


def apply_solution(
    plan: Plan,
    built: AreaModel,
    solution: list[int],
    old: list[PlannedSession],
    backup: Plan,
    global_before: tuple[int, int],
    seat_deferred: SeatDeferred,
) -> tuple[bool, bool]:
    """Put a model's better solution into the plan; return whether the plan changed and
    whether the solution was applied (else the caller puts ``old`` back).

    With attendances deferred out of the window, they are seated after it and the whole
    plan judged against ``global_before`` (unmet, trainer half-days): kept only if it
    meets more due attendances, or as many for less, else ``backup`` is restored.
    Without, the neighbourhood's sessions must be no worse than ``old`` and its terms
    better.
    """
    data = plan.data
    new = decode_sessions(built.problem, built.v, solution)
    values = dict(enumerate(solution))
    after = [term.value(values) for term in built.objective.terms]
    deferred = [a for a, var in built.v.later.items() if values[var.index]]
    if deferred and after < built.before:
        for session in new:
            plan.open(session)
        seat_deferred(plan, deferred)
        changed = (plan.unmet(), plan.trainer_half_days()) < global_before
        if not changed:
            plan.restore(backup)
        return changed, True
    if (
        not deferred
        and area_vector(data, built.problem, new) <= area_vector(data, built.problem, old)
        and after < built.before
    ):
        # Only a strictly better plan replaces the current one: no churn between
        # equally good schedules, and never a worse one.
        for session in new:
            plan.open(session)
        return True, True
    return False, False


def put_back(plan: Plan, old: list[PlannedSession]) -> None:
    """Open the neighbourhood's sessions taken out again, as they were."""
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
