"""Improving a plan with CP-SAT, one course at a time (a large-neighbourhood search).

Each step takes one course's sessions out of the plan, builds the course model
(variables, hard constraint families, objective terms) over candidate sessions with
every other session fixed, solves it lexicographically from the current sessions as
a complete hint, and puts the better sessions back. Courses are visited in
prerequisite order, pass after pass, until a pass changes nothing or the time is up.

The time each model gets is fixed in advance from the time limit (CP-SAT's
deterministic time), so the same input, seed and workers give the same plan; the
wall-clock limit only stops the loop early on a machine too slow for its budget.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ortools.sat.python import cp_model

from schemalaggning.model.constraints import add_constraints
from schemalaggning.model.lexico import solve_lexicographic
from schemalaggning.model.objective import make_objective
from schemalaggning.model.problem import CourseProblem, build_course_problem
from schemalaggning.model.variables import CourseVariables, make_variables
from schemalaggning.plan import Kind, Plan, PlannedSession, SolveData

if TYPE_CHECKING:
    from schemalaggning.solve import SolveParams

#: Passes over the courses at most.
MAX_PASSES = 3
#: Share of the time limit given to the course models (the rest builds and writes).
SEARCH_SHARE = 0.8


@dataclass
class CourseStep:
    """What one course model did."""

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
    parameters.update(params.cp_sat)
    return parameters


def snapshot(session: PlannedSession) -> PlannedSession:
    """A copy of a session that later changes to the plan cannot touch."""
    return PlannedSession(
        session.course, session.start, session.room, session.trainers, list(session.members)
    )


def course_vector(data: SolveData, sessions: list[PlannedSession], course: int) -> tuple[int, int]:
    """(due attendances missed, trainer half-days) of a course's sessions."""
    seated = {a for s in sessions for a in s.members}
    due = [a for a in data.courses[course].attendances if data.attendances[a].kind is Kind.DUE]
    return sum(1 for a in due if a not in seated), data.courses[course].cost * len(sessions)


def hint_for(data: SolveData, problem: CourseProblem, v: CourseVariables) -> dict[int, int]:
    """Values of the decision variables for the current sessions, by variable index."""
    value: dict[int, int] = {}
    for var in v.held:
        value[var.index] = 0
    for var in [*v.room.values(), *v.trainer.values(), *v.attend.values()]:
        value[var.index] = 0
    for a, var in v.missed.items():
        value[var.index] = 0 if a in problem.hint_candidate else 1
    placed: dict[int, PlannedSession] = {}
    for session in problem.hint_sessions:
        j = problem.hint_candidate.get(session.members[0]) if session.members else None
        if j is not None:
            placed[j] = session
    for j, session in placed.items():
        value[v.held[j].index] = 1
        if (j, session.room) in v.room:
            value[v.room[j, session.room].index] = 1
        for t in session.trainers:
            if (j, t) in v.trainer:
                value[v.trainer[j, t].index] = 1
    for a, j in problem.hint_candidate.items():
        if (a, j) in v.attend:
            value[v.attend[a, j].index] = 1
        elif a in v.missed:
            value[v.missed[a].index] = 1
    return value


def optimise_course(
    plan: Plan, course: int, parameters: dict[str, Any], dtime: float, wall: float
) -> CourseStep:
    """Re-plan one course with CP-SAT; keep the result only if it is no worse."""
    data = plan.data
    started = time.perf_counter()
    live = [(i, s) for i, s in plan.live_sessions() if s.course == course]
    old = [snapshot(s) for _, s in live]
    for index, _ in live:
        plan.close(index)
    applied = False
    try:
        problem = build_course_problem(plan, course, old)
        model = cp_model.CpModel()
        v = make_variables(model, data, problem)
        add_constraints(model, data, problem, v)
        objective = make_objective(model, data, problem, v)
        value = hint_for(data, problem, v)
        hint = [(model.get_int_var_from_proto_index(i), val) for i, val in sorted(value.items())]
        hint += objective.aux_hints(value)
        built = time.perf_counter()
        result = solve_lexicographic(model, objective.terms, hint, parameters, dtime, wall)
        solved = time.perf_counter()
        new: list[PlannedSession] = []
        if result.solution is not None:
            new = decode(problem, v, result.solution)
        better = result.solution is not None and (
            course_vector(data, new, course) <= course_vector(data, old, course)
        )
        changed = False
        if better:
            changed = sorted(_key(s) for s in new) != sorted(_key(s) for s in old)
            for session in new:
                plan.open(session)
            applied = True
        return CourseStep(
            changed, built - started, solved - built, len(model.proto.variables), result.status
        )
    finally:
        if not applied:
            for session in old:
                plan.open(snapshot(session))


def _key(session: PlannedSession) -> tuple[int, int, tuple[int, ...], tuple[int, ...]]:
    return session.start, session.room, session.trainers, tuple(sorted(session.members))


def decode(problem: CourseProblem, v: CourseVariables, solution: list[int]) -> list[PlannedSession]:
    """The sessions a solution holds."""
    sessions = []
    for j, cand in enumerate(problem.candidates):
        if not solution[v.held[j].index]:
            continue
        room = next(r for r in cand.rooms if solution[v.room[j, r].index])
        trainers = tuple(t for t in cand.trainers if solution[v.trainer[j, t].index])
        members = [a for a, var in v.by_candidate[j] if solution[var.index]]
        sessions.append(PlannedSession(problem.course, cand.start, room, trainers, members))
    return sessions


def improve_plan(
    data: SolveData,
    plan: Plan,
    params: SolveParams,
    deadline: float,
    bound: int,
    report: Callable[[str, dict[str, Any]], None],
) -> tuple[Plan, dict[str, Any]]:
    """Improve the plan course by course until no pass changes it or time is up.

    Ctrl-C stops the search; the plan as it stands (always complete and valid) is kept.
    """
    courses = [
        data.course_idx[c]
        for c in data.course_order
        if data.courses[data.course_idx[c]].attendances
    ]
    parameters = cp_sat_parameters(params)
    per_model = SEARCH_SHARE * params.time_limit / max(1, MAX_PASSES * len(courses))
    stats: dict[str, Any] = {
        "cp_sat_models": 0,
        "cp_sat_build_seconds": 0.0,
        "cp_sat_solve_seconds": 0.0,
        "cp_sat_passes": 0,
        "cp_sat_max_variables": 0,
        "interrupted": False,
    }
    started = time.perf_counter()
    try:
        for pass_number in range(1, MAX_PASSES + 1):
            changed = False
            stats["cp_sat_passes"] = pass_number
            for course in courses:
                remaining = deadline - time.perf_counter()
                if remaining <= 0.5:
                    return plan, _rounded(stats)
                step = optimise_course(
                    plan, course, parameters, per_model, min(remaining, 4 * per_model + 1)
                )
                changed |= step.changed
                stats["cp_sat_models"] += 1
                stats["cp_sat_build_seconds"] += step.build_seconds
                stats["cp_sat_solve_seconds"] += step.solve_seconds
                stats["cp_sat_max_variables"] = max(stats["cp_sat_max_variables"], step.variables)
                cost = sum(data.courses[s.course].cost for _, s in plan.live_sessions())
                report(
                    "search",
                    {
                        "elapsed": time.perf_counter() - started,
                        "pass": pass_number,
                        "course": data.courses[course].course.course_id,
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
