"""The product's formulation, whole, given to a MIP solver (HiGHS through MathOpt).

The baseline answers "why not hand the model to a MIP solver?". It builds one
neighbourhood over every course and the whole horizon, so the candidates (course,
block, rooms, trainers) and each attendance's options are exactly those the product's
course models use, and writes the same constraint families as linear constraints over
binary variables: held, room, trainer, attend and missed. The objective is weighted
rather than lexicographic: each missed due attendance costs more than any number of
trainer half-days. HiGHS gets what is left of the time limit once the model is built;
its best solution is turned into schedule records exactly as the product's plans are.

The greedy plan is built first only to take its sessions out (their starts are among
the candidates, as in the product); HiGHS is given no starting solution.
"""

from __future__ import annotations

import re
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

from ortools.math_opt.python import mathopt

from schemalaggning.domain import Instance, attendances_unmet, trainer_half_days
from schemalaggning.engine.bound import trainer_half_days_bound
from schemalaggning.engine.greedy import greedy_plan
from schemalaggning.engine.model.constraints import district_slot_loads, trainer_week_loads
from schemalaggning.engine.model.neighbourhood import Neighbourhood
from schemalaggning.engine.model.problem import NeighbourhoodProblem, build_problem, take_out
from schemalaggning.engine.outcome import (
    UNMET_PENALTY,
    objective_value,
    peak_memory_mb,
    plan_records,
    unscheduled_records,
)
from schemalaggning.engine.plan import Kind, Plan, PlannedSession, SolveData
from schemalaggning.engine.result import Result, Status, Summary
from schemalaggning.timegrid import TimeGrid

#: Seconds HiGHS gets at least, even when building the model used up the time limit.
MIN_SOLVE_SECONDS = 1.0
#: A HiGHS branch-and-bound log line that reports a new incumbent: a one-letter source
#: (heuristic, branching, ...) followed by the node counts.
INCUMBENT_LINE = re.compile(r"^\s*[A-Za-z]\s+\d+\s+\d+\s+\d+\s")


@dataclass
class MipVariables:
    """The binary variables of the monolithic model, as in the product's course models."""

    held: list[mathopt.Variable]
    room: dict[tuple[int, int], mathopt.Variable]
    trainer: dict[tuple[int, int], mathopt.Variable]
    attend: dict[tuple[int, int], mathopt.Variable]
    missed: dict[int, mathopt.Variable]
    by_candidate: dict[int, list[tuple[int, mathopt.Variable]]] = field(default_factory=dict)


def make_mip_variables(
    model: mathopt.Model, data: SolveData, problem: NeighbourhoodProblem
) -> MipVariables:
    """Create a binary variable per candidate, room, trainer, option and due attendance."""
    held = [model.add_binary_variable() for _ in problem.candidates]
    room = {
        (j, r): model.add_binary_variable()
        for j, cand in enumerate(problem.candidates)
        for r in cand.rooms
    }
    trainer = {
        (j, t): model.add_binary_variable()
        for j, cand in enumerate(problem.candidates)
        for t in cand.trainers
    }
    attend: dict[tuple[int, int], mathopt.Variable] = {}
    by_candidate: dict[int, list[tuple[int, mathopt.Variable]]] = {
        j: [] for j in range(len(problem.candidates))
    }
    for att_idx in problem.attendances:
        for j in problem.options[att_idx]:
            var = model.add_binary_variable()
            attend[att_idx, j] = var
            by_candidate[j].append((att_idx, var))
    missed = {
        a: model.add_binary_variable()
        for a in problem.attendances
        if data.attendances[a].kind is Kind.DUE and a not in problem.must_sit
    }
    return MipVariables(held, room, trainer, attend, missed, by_candidate)


def _length(data: SolveData, problem: NeighbourhoodProblem, j: int) -> int:
    return data.courses[problem.candidates[j].course].half_days


def _at_most_one_per_key(
    model: mathopt.Model, groups: dict[tuple[int, int], list[mathopt.Variable]]
) -> None:
    for key in sorted(groups):
        if len(groups[key]) > 1:
            model.add_linear_constraint(mathopt.fast_sum(groups[key]) <= 1)


def add_mip_constraints(
    model: mathopt.Model, data: SolveData, problem: NeighbourhoodProblem, v: MipVariables
) -> None:
    """Add the product's hard constraint families as linear constraints.

    The same rules as :mod:`schemalaggning.engine.model.constraints`, in the same order; the
    rules kept there by construction are kept here by the same candidates and options.
    """
    for family in CONSTRAINTS:
        family(model, data, problem, v)


def add_attend_once(
    model: mathopt.Model, data: SolveData, problem: NeighbourhoodProblem, v: MipVariables
) -> None:
    """attend_once: a due attendance takes one session or is missed; others at most one."""
    for att_idx in problem.attendances:
        chosen = [v.attend[att_idx, j] for j in problem.options[att_idx]]
        if att_idx in v.missed:
            model.add_linear_constraint(mathopt.fast_sum([*chosen, v.missed[att_idx]]) == 1)
        elif att_idx in problem.must_sit:
            model.add_linear_constraint(mathopt.fast_sum(chosen) == 1)
        else:
            model.add_linear_constraint(mathopt.fast_sum(chosen) <= 1)


def add_trainer_count(
    model: mathopt.Model, data: SolveData, problem: NeighbourhoodProblem, v: MipVariables
) -> None:
    """trainer_count: a held session has one room and its course's number of trainers."""
    for j, cand in enumerate(problem.candidates):
        needed = data.courses[cand.course].trainers
        rooms = mathopt.fast_sum(v.room[j, r] for r in cand.rooms)
        model.add_linear_constraint(rooms - v.held[j] == 0)
        if needed:
            trainers = mathopt.fast_sum(v.trainer[j, t] for t in cand.trainers)
            model.add_linear_constraint(trainers - needed * v.held[j] == 0)


def add_group_size(
    model: mathopt.Model, data: SolveData, problem: NeighbourhoodProblem, v: MipVariables
) -> None:
    """group_size: between min_group and the seats of the room (max_group included)."""
    for j, cand in enumerate(problem.candidates):
        course = data.courses[cand.course].course
        members = [var for _, var in v.by_candidate[j]]
        size = mathopt.fast_sum(members)
        seats = mathopt.fast_sum(data.seats(cand.course, r) * v.room[j, r] for r in cand.rooms)
        model.add_linear_constraint(size - seats <= 0)
        model.add_linear_constraint(size - course.min_group * v.held[j] >= 0)
        for var in members:
            model.add_linear_constraint(var - v.held[j] <= 0)


def add_room_and_trainer_overlap(
    model: mathopt.Model, data: SolveData, problem: NeighbourhoodProblem, v: MipVariables
) -> None:
    """room_overlap and trainer_overlap: a room or a trainer is in one session at a time."""
    room_slot: dict[tuple[int, int], list[mathopt.Variable]] = defaultdict(list)
    trainer_slot: dict[tuple[int, int], list[mathopt.Variable]] = defaultdict(list)
    for j, cand in enumerate(problem.candidates):
        for t in range(cand.start, cand.start + _length(data, problem, j)):
            for r in cand.rooms:
                room_slot[r, t].append(v.room[j, r])
            for trainer in cand.trainers:
                trainer_slot[trainer, t].append(v.trainer[j, trainer])
    _at_most_one_per_key(model, room_slot)
    _at_most_one_per_key(model, trainer_slot)


def add_person_overlap(
    model: mathopt.Model, data: SolveData, problem: NeighbourhoodProblem, v: MipVariables
) -> None:
    """person_overlap: a person is in one session at a time."""
    person_slot: dict[tuple[int, int], list[mathopt.Variable]] = defaultdict(list)
    for (att_idx, j), var in v.attend.items():
        person = data.attendances[att_idx].person
        start = problem.candidates[j].start
        for t in range(start, start + _length(data, problem, j)):
            person_slot[person, t].append(var)
    _at_most_one_per_key(model, person_slot)


def add_prerequisite(
    model: mathopt.Model, data: SolveData, problem: NeighbourhoodProblem, v: MipVariables
) -> None:
    """prerequisite: a successor only after its prerequisite, and only if that is attended."""
    for before, after in problem.prerequisite_pairs:
        taken_before = mathopt.fast_sum(v.attend[before, j] for j in problem.options[before])
        taken_after = mathopt.fast_sum(v.attend[after, j] for j in problem.options[after])
        model.add_linear_constraint(taken_after - taken_before <= 0)
        for ja in problem.options[after]:
            start = problem.candidates[ja].start
            for jb in problem.options[before]:
                if problem.candidates[jb].start + _length(data, problem, jb) - 1 >= start:
                    model.add_linear_constraint(v.attend[after, ja] + v.attend[before, jb] <= 1)


def add_trainer_week_limit(
    model: mathopt.Model, data: SolveData, problem: NeighbourhoodProblem, v: MipVariables
) -> None:
    """trainer_week_limit: at most max_half_days_per_week, pinned sessions counted."""
    per_week = trainer_week_loads(data, problem, v.trainer)
    for key in sorted(per_week):
        spare = problem.trainer_week_spare[key]
        if sum(w for w, _ in per_week[key]) > spare:
            model.add_linear_constraint(mathopt.fast_sum(w * x for w, x in per_week[key]) <= spare)


def add_district_absence(
    model: mathopt.Model, data: SolveData, problem: NeighbourhoodProblem, v: MipVariables
) -> None:
    """district_absence: at most max_absent of a district away in a half-day."""
    district_slot = district_slot_loads(data, problem, v.attend)
    for key in sorted(district_slot):
        spare = problem.district_spare[key]
        if len(district_slot[key]) > spare:
            model.add_linear_constraint(mathopt.fast_sum(district_slot[key]) <= spare)


def add_seat_cover(
    model: mathopt.Model, data: SolveData, problem: NeighbourhoodProblem, v: MipVariables
) -> None:
    """A cut, as in the product: the seats of a course's sessions held cover its due
    attendances met."""
    held_of: dict[int, list[mathopt.Variable]] = defaultdict(list)
    for j, cand in enumerate(problem.candidates):
        held_of[cand.course].append(v.held[j])
    met: dict[int, list[mathopt.Variable]] = defaultdict(list)
    for att_idx, var in v.missed.items():
        met[data.attendances[att_idx].course].append(var)
    for course_idx in sorted(met):
        seats = data.courses[course_idx].seats
        if seats > 0:
            model.add_linear_constraint(
                seats * mathopt.fast_sum(held_of[course_idx]) + mathopt.fast_sum(met[course_idx])
                >= len(met[course_idx])
            )


def add_copies_in_order(
    model: mathopt.Model, data: SolveData, problem: NeighbourhoodProblem, v: MipVariables
) -> None:
    """A cut, as in the product: parallel copies of a block are held in order."""
    cands = problem.candidates
    for j in range(1, len(cands)):
        if (cands[j].course, cands[j].start) == (cands[j - 1].course, cands[j - 1].start):
            model.add_linear_constraint(v.held[j] - v.held[j - 1] <= 0)


#: The constraint families in the order the product adds them.
CONSTRAINTS: tuple[
    Callable[[mathopt.Model, SolveData, NeighbourhoodProblem, MipVariables], None], ...
] = (
    # hard
    add_attend_once,
    add_trainer_count,
    add_group_size,
    add_room_and_trainer_overlap,
    add_person_overlap,
    add_prerequisite,
    add_trainer_week_limit,
    add_district_absence,
    # cuts
    add_seat_cover,
    add_copies_in_order,
)


def set_objective(
    model: mathopt.Model, data: SolveData, problem: NeighbourhoodProblem, v: MipVariables
) -> None:
    """Minimise missed due attendances times :data:`UNMET_PENALTY` plus trainer half-days.

    The product's first two levels, weighted; the lower levels are left out.
    """
    cost = [data.courses[cand.course].cost * v.held[j] for j, cand in enumerate(problem.candidates)]
    model.minimize(UNMET_PENALTY * mathopt.fast_sum(v.missed.values()) + mathopt.fast_sum(cost))


def highs_sessions(
    problem: NeighbourhoodProblem, v: MipVariables, result: mathopt.SolveResult
) -> list[PlannedSession]:
    """The sessions of HiGHS's best solution."""
    values = result.variable_values()

    def on(var: mathopt.Variable) -> bool:
        return bool(values[var] > 0.5)

    sessions = []
    for j, cand in enumerate(problem.candidates):
        if not on(v.held[j]):
            continue
        room = next(r for r in cand.rooms if on(v.room[j, r]))
        trainers = tuple(t for t in cand.trainers if on(v.trainer[j, t]))
        members = [a for a, var in v.by_candidate[j] if on(var)]
        sessions.append(PlannedSession(cand.course, cand.start, room, trainers, members))
    return sessions


class FirstSolution:
    """A message callback that notes when HiGHS reports its first incumbent."""

    def __init__(self, started: float) -> None:
        self.started = started
        self.seconds: float | None = None

    def __call__(self, lines: Any) -> None:
        """Read a batch of HiGHS log lines."""
        if self.seconds is not None:
            return
        for line in lines:
            if INCUMBENT_LINE.match(line):
                self.seconds = time.perf_counter() - self.started
                return


def solve_mip(instance: Instance, time_limit: float = 60.0, threads: int = 2) -> Result:
    """Schedule the instance by giving the whole model to HiGHS.

    Parameters
    ----------
    instance
        The instance to schedule.
    time_limit
        Seconds for the whole solve, model building included (HiGHS gets at least
        :data:`MIN_SOLVE_SECONDS`).
    threads
        Threads asked for, recorded in the summary. MathOpt cannot pass a thread count
        to HiGHS, whose branch and bound runs in one thread.

    Returns
    -------
    Result
        The schedule of HiGHS's best solution with a summary like :func:`solve`'s;
        status ``unknown`` and no schedule when HiGHS found no solution in time.
    """
    started = time.perf_counter()
    built = build_model(instance)
    build_seconds = time.perf_counter() - started
    first = FirstSolution(started)
    result = run_highs(built.model, max(MIN_SOLVE_SECONDS, time_limit - build_seconds), first)
    search_seconds = time.perf_counter() - started - build_seconds
    # The figures every outcome has; those of a solution are added by the outcome.
    common = Summary(
        kind="mip",
        method="mip",
        solver="highs",
        termination=result.termination.reason.name.lower(),
        build_seconds=round(build_seconds, 3),
        mip_solve_seconds=round(search_seconds, 3),
        model=model_size(built),
        trainer_half_days_bound=built.bound,
        best_bound=built.bound,
        required_attendances=len(instance.due_attendances),
        time_limit=time_limit,
        threads=threads,
        status=Status.UNKNOWN,
        objective=None,
        gap=None,
        sessions=0,
        trainer_half_days=None,
        unscheduled=None,
        due_met=None,
        solve_seconds=0.0,
        peak_memory_mb=0.0,
    )
    if not result.has_primal_feasible_solution():
        return no_solution(result, common, started, built.bound)
    return solution(instance, built, result, common, started, first)


@dataclass
class MipModel:
    """The monolithic model with what it was built from: the solver's data, the greedy
    plan with its sessions taken out, the neighbourhood problem over everything, its
    variables, and the window bound."""

    data: SolveData
    plan: Plan
    problem: NeighbourhoodProblem
    model: mathopt.Model
    variables: MipVariables
    bound: int


def build_model(instance: Instance) -> MipModel:
    """The product's formulation over every course and the whole horizon, as a MIP; the
    greedy plan is built only to take its sessions out (their starts are candidates)."""
    grid = TimeGrid(instance.settings)
    data = SolveData(instance, grid)
    bound = trainer_half_days_bound(instance)
    plan: Plan
    plan, _ = greedy_plan(data)
    area = Neighbourhood(tuple(range(len(data.courses))), 0, data.num_slots - 1, "all")
    current = take_out(plan, area)
    problem = build_problem(plan, area, current)

    model = mathopt.Model(name="schemalaggning")
    v = make_mip_variables(model, data, problem)
    add_mip_constraints(model, data, problem, v)
    set_objective(model, data, problem, v)
    return MipModel(data, plan, problem, model, v, bound)


def run_highs(model: mathopt.Model, seconds: float, first: FirstSolution) -> mathopt.SolveResult:
    """Solve the model with HiGHS within ``seconds``, its log read by ``first``."""
    # MathOpt refuses a thread count for HiGHS (HiGHS sets it process-wide), and HiGHS's
    # branch and bound is serial anyway; ``threads`` is recorded, not passed.
    parameters = mathopt.SolveParameters(time_limit=timedelta(seconds=seconds), enable_output=False)
    return mathopt.solve(model, mathopt.SolverType.HIGHS, params=parameters, msg_cb=first)


def model_size(built: MipModel) -> dict[str, int]:
    """The model's size as ``summary.json`` reports it."""
    return {
        "variables": built.model.get_num_variables(),
        "constraints": built.model.get_num_linear_constraints(),
        "candidates": len(built.problem.candidates),
        "options": len(built.variables.attend),
    }


def no_solution(result: mathopt.SolveResult, common: Summary, started: float, bound: int) -> Result:
    """HiGHS found no solution: infeasible when it proved none exists, else unknown, and
    no schedule."""
    reason = result.termination.reason
    infeasible = reason is mathopt.TerminationReason.INFEASIBLE
    status = Status.INFEASIBLE if infeasible else Status.UNKNOWN
    summary = replace(
        common,
        status=status,
        first_solution_seconds=None,
        solve_seconds=round(time.perf_counter() - started, 3),
        peak_memory_mb=round(peak_memory_mb(), 1),
    )
    return Result(status, [], [], [], 0, bound, summary)


def solution(
    instance: Instance,
    built: MipModel,
    result: mathopt.SolveResult,
    common: Summary,
    started: float,
    first: FirstSolution,
) -> Result:
    """HiGHS's best solution turned into schedule records exactly as the product's plans
    are, with its figures."""
    data, plan, bound = built.data, built.plan, built.bound
    for session in highs_sessions(built.problem, built.variables, result):
        plan.open(session)
    sessions, assignments = plan_records(data, plan)
    unscheduled = unscheduled_records(data, plan, [])
    half_days = trainer_half_days(sessions)
    objective = objective_value(len(unscheduled), half_days)
    status = Status.OPTIMAL if not unscheduled and half_days <= bound else Status.FEASIBLE
    solve_seconds = time.perf_counter() - started
    dual = result.best_objective_bound()
    primal = result.objective_value()
    summary = replace(
        common,
        status=status,
        objective=objective,
        gap=(half_days - bound) / half_days if half_days else 0.0,
        mip_objective=round(primal, 3),
        mip_dual_bound=round(dual, 3),
        mip_gap=round((primal - dual) / primal, 6) if primal else 0.0,
        sessions=len(sessions),
        trainer_half_days=half_days,
        unscheduled=len(unscheduled),
        due_met=len(instance.due_attendances) - attendances_unmet(unscheduled),
        # The first incumbent, from HiGHS's log; the whole solve when the log told nothing.
        first_solution_seconds=round(
            first.seconds if first.seconds is not None else solve_seconds, 3
        ),
        first_solution_from_log=first.seconds is not None,
        solve_seconds=round(solve_seconds, 3),
        peak_memory_mb=round(peak_memory_mb(), 1),
    )
    return Result(status, sessions, assignments, unscheduled, objective, bound, summary)
