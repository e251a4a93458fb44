"""Improving a plan with CP-SAT, one neighbourhood at a time (large-neighbourhood search).

Each step takes the sessions of a neighbourhood out of the plan, builds its model
(variables, hard constraint families, objective terms) with every other session
fixed, solves it lexicographically from the current sessions as a complete hint, and
puts the better sessions back.

Due attendances come first. While some are unmet, repair rounds solve only the first
objective level (due attendances met, with CP-SAT's local search): the weeks around
each unmet deadline (every course, shifted a week earlier or later from round to round)
and, in alternate rounds, the unmet attendance's course over its window; each round
with another seed, until four rounds in a row meet no more. Then the passes: the same
windows around unmet deadlines with every level, each course over the whole horizon
(those furthest above their window bound first), and a window of a few weeks sliding
over the horizon. Passes repeat until one changes nothing or the budget is spent. A
change is kept only when the whole plan's levels (:mod:`schemalaggning.engine.levels`) are
lexicographically better.

Once every due attendance is met and trainer half-days equal the window bound, the top
two levels are proven: they are held as constraints in every model, models get less
time, and the search ends when the lower levels stall (:data:`STALL_MODELS`,
:data:`STALL_BUDGET`).

The time each model gets is fixed in advance from the time limit (CP-SAT's
deterministic time), and the budget counts it with a charge per CP-SAT call that
depends only on the model's size, so the same input, seed and workers give the same
plan; the wall clock only stops the loop early on a machine too slow for its budget,
and the stats say so (``wall_clock_cut``).
"""

from __future__ import annotations

import bisect
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from schemalaggning.engine.levels import course_floors, measure, part1_days_bound, top_proven
from schemalaggning.engine.model.neighbourhood import Neighbourhood
from schemalaggning.engine.model.objective import TermName
from schemalaggning.engine.model.step import (
    CALL_COST,
    CALL_VARIABLES,
    SeatDeferred,
    Step,
    cp_sat_parameters,
    optimise,
)
from schemalaggning.engine.params import SolveParams
from schemalaggning.engine.plan import Kind, Plan, SolveData, SolverAttendance
from schemalaggning.interrupts import signal_name

#: Passes over the neighbourhoods at most.
MAX_PASSES = 3
#: Deterministic time of all models together per second of the time limit (about a
#: second of wall-clock time on a current core; the wall clock stops the search first
#: on a slower machine, leaving time to write).
SEARCH_SHARE = 1.0
#: Deterministic time of one model, at least and at most.
MIN_MODEL_DTIME = 2.0
MAX_MODEL_DTIME = 20.0
#: Below this, what is left of the budget is not worth a model.
MIN_USEFUL_DTIME = 0.2
#: Windows around unmet due deadlines get this many times a model's usual time.
UNMET_WINDOW_TIME = 6.0
#: Before the passes, windows around unmet due deadlines are solved for the due level
#: only, with this many times a model's usual time, in rounds while a round meets more,
#: within this share of the search's budget.
REPAIR_WEIGHT = 2.0
REPAIR_SHARE = 0.75
#: The repair rounds' window shifts, in weeks (one round each at most).
REPAIR_SHIFTS = (0, -1, 1, -2)
MAX_REPAIR_ROUNDS = 8
MAX_FRUITLESS_ROUNDS = 4
#: A course's range around an unmet attendance covers at most this many weeks.
COURSE_RANGE_WEEKS = 12
#: Length of a time-window neighbourhood, in weeks, and its step.
WINDOW_WEEKS = 4
WINDOW_STEP = 2
#: Once every due attendance is met and trainer half-days equal the window bound, the
#: search ends after this many neighbourhoods in a row improve no lower level.
STALL_MODELS = 3
#: ... or after this much of the budget without an improvement (big models). Both
#: measured with ``benchmarks/polish.py`` (the search run with no stall rule to the time
#: limit, the rules replayed on its record): on tiny, small, Göteborg (10 s, 60 s) and
#: Stockholm (30 s) these end the search where 8 models or 20 units did or sooner (on
#: Göteborg with 60 s after 22 s instead of 32 s, on tiny after 5 s instead of 7 s),
#: every level the same; 1 model or 2 units would leave two seats of mixing on small.
STALL_BUDGET = 6.0
#: Deterministic time of one model at most once the top two levels are proven.
POLISH_MODEL_DTIME = 1.0
#: The objective terms of the top two levels (a window's deferred attendances are
#: missed ones, seated again after it).
TOP_LEVELS = frozenset({TermName.MISSED, TermName.DEFERRED, TermName.TRAINER_HALF_DAYS})


def all_courses(data: SolveData) -> tuple[int, ...]:
    """The courses anyone attends, in the instance's order."""
    return tuple(
        data.course_idx[c]
        for c in data.course_order
        if data.courses[data.course_idx[c]].attendances
    )


def window_area(data: SolveData, first_week: int) -> Neighbourhood:
    """Every course over :data:`WINDOW_WEEKS` weeks from ``first_week`` (kept inside the
    horizon); due attendances with far deadlines may be deferred out of it, except in a
    re-plan (deferring moves people, and moves rank above the cost there)."""
    num_weeks = len(data.weeks)
    first_week = max(0, min(first_week, num_weeks - WINDOW_WEEKS))
    last_week = min(num_weeks - 1, first_week + WINDOW_WEEKS - 1)
    first_slot = data.slot_week.index(first_week)
    last_slot = len(data.slot_week) - 1 - data.slot_week[::-1].index(last_week)
    return Neighbourhood(
        all_courses(data),
        first_slot,
        last_slot,
        f"weeks {first_week + 1}-{last_week + 1}",
        every_block=True,
        defer=not data.replanning,
    )


def unmet_windows(data: SolveData, plan: Plan, shift: int = 0) -> list[Neighbourhood]:
    """A window around the deadline week of each due attendance not met, earliest first
    (``shift`` weeks later than usual)."""
    last = data.num_slots - 1
    unmet_weeks = sorted(
        {
            data.slot_week[max(0, min(att.deadline, last))]
            for att in data.attendances
            if att.kind is Kind.DUE and att.idx not in plan.assigned and can_be_met(data, att)
        }
    )
    areas: dict[str, Neighbourhood] = {}
    for week in unmet_weeks:
        area = window_area(data, week - WINDOW_WEEKS + 2 + shift)
        areas.setdefault(area.name, replace(area, weight=UNMET_WINDOW_TIME))
    return list(areas.values())


def can_be_met(data: SolveData, att: SolverAttendance) -> bool:
    """Whether a new session could still meet the attendance: its window ends after the
    first slot a new session may start in (in a re-plan, a window that closed before the
    freeze ends is over, and a neighbourhood around it holds nothing to change)."""
    return att.deadline >= max(att.release, data.first_new_slot)


def unmet_course_ranges(data: SolveData, plan: Plan) -> list[Neighbourhood]:
    """Each course of an unmet due attendance, every block over that attendance's window
    (its last :data:`COURSE_RANGE_WEEKS` weeks), overlapping ranges merged: other people
    of the course can then move to sessions elsewhere in their own windows."""
    ranges: dict[int, list[tuple[int, int]]] = {}
    for att in data.attendances:
        if att.kind is not Kind.DUE or att.idx in plan.assigned:
            continue
        last = min(att.deadline, data.num_slots - 1)
        earliest_week = data.slot_week[max(0, last)] - COURSE_RANGE_WEEKS + 1
        first = max(
            att.release, bisect.bisect_left(data.slot_week, earliest_week), data.first_new_slot
        )
        if first <= last:
            ranges.setdefault(att.course, []).append((first, last))
    areas = []
    for course, spans in sorted(ranges.items()):
        merged: list[list[int]] = []
        for first, last in sorted(spans):
            if merged and first <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], last)
            else:
                merged.append([first, last])
        name = data.courses[course].course.course_id
        for first, last in merged:
            areas.append(
                Neighbourhood((course,), first, last, f"{name} slots {first}-{last}", True)
            )
    return areas


def repair_areas(data: SolveData, plan: Plan, round_number: int) -> list[Neighbourhood]:
    """The neighbourhoods of one repair round: windows around unmet deadlines (shifted
    by the round) in even rounds, the unmet attendances' courses over their windows in
    odd ones (the other way round in a re-plan)."""
    # A re-plan starts with the courses: a course's model is small, and the unmet ones
    # are mostly new hires and no-shows who need a seat in a session of their course.
    replanning = data.replanning
    if (round_number + replanning) % 2:
        return unmet_course_ranges(data, plan)
    return unmet_windows(data, plan, REPAIR_SHIFTS[round_number // 2 % len(REPAIR_SHIFTS)])


def is_course_area(data: SolveData, area: Neighbourhood) -> bool:
    """Whether the neighbourhood is one course over the whole horizon."""
    return len(area.courses) == 1 and (area.first_slot, area.last_slot) == (
        0,
        data.num_slots - 1,
    )


def first_window(areas: list[Neighbourhood]) -> int:
    """The position of the first neighbourhood of every course in a list (its end if
    there is none)."""
    return next((i for i, area in enumerate(areas) if len(area.courses) > 1), len(areas))


def courses_by_excess(data: SolveData, plan: Plan, floors: dict[int, int]) -> list[int]:
    """The courses anyone attends, those whose trainer half-days exceed their window
    bound (``floors``) by most first; ties in the instance's order."""
    spent: dict[int, int] = {}
    for _, session in plan.live_sessions():
        spent[session.course] = spent.get(session.course, 0) + data.courses[session.course].cost
    courses = all_courses(data)
    return sorted(
        courses,
        key=lambda c: (-(spent.get(c, 0) - floors.get(c, 0)), courses.index(c)),
    )


def neighbourhoods(
    data: SolveData, plan: Plan, floors: dict[int, int] | None = None
) -> list[Neighbourhood]:
    """The neighbourhoods of one pass, in order (see the module's description)."""
    last = data.num_slots - 1
    areas = unmet_windows(data, plan)
    seen = {area.name for area in areas}
    num_weeks = len(data.weeks)
    for course in courses_by_excess(data, plan, floors or {}):
        areas.append(Neighbourhood((course,), 0, last, data.courses[course].course.course_id))
    for first_week in range(0, max(1, num_weeks - WINDOW_WEEKS + 1), WINDOW_STEP):
        area = window_area(data, first_week)
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
    seat_deferred: SeatDeferred,
) -> tuple[Plan, dict[str, Any]]:
    """Improve the plan neighbourhood by neighbourhood until it is proven, stalls, or the
    time is up. Ctrl-C stops the search; the plan as it stands (always complete and
    valid) is kept. ``seat_deferred`` seats what a model defers out of its window
    (:data:`SeatDeferred`).

    The stats say why the search stopped (``stopped_because``): ``proven`` (every due
    attendance met and trainer half-days at the bound, and then :data:`STALL_MODELS`
    neighbourhoods in a row, or :data:`STALL_BUDGET` of the budget, improved no lower
    level), ``stalled`` (a whole pass, or the
    repair rounds, changed nothing), ``time_limit`` (the deterministic budget was spent,
    or the wall clock stopped the search: ``wall_clock_cut``), ``interrupted``.
    """
    search = Search.begin(data, plan, params, deadline, bound, report, seat_deferred)
    try:
        search.repair()
        if search.stats["wall_clock_cut"]:
            return search.stop("time_limit")
        return search.stop(search.passes())
    except KeyboardInterrupt as stop_signal:
        search.stats["interrupted"] = True
        search.stats["interrupted_by"] = signal_name(stop_signal)
        search.stats["stopped_because"] = "interrupted"
    return plan, _rounded(search.stats)


def search_stats() -> dict[str, Any]:
    """The search's figures before it begins."""
    return {
        "cp_sat_models": 0,
        "cp_sat_build_seconds": 0.0,
        "cp_sat_solve_seconds": 0.0,
        "cp_sat_deterministic_time": 0.0,
        "cp_sat_budget_spent": 0.0,
        "cp_sat_passes": 0,
        "cp_sat_max_variables": 0,
        "cp_sat_improved": 0,
        "interrupted": False,
        "stopped_because": "stalled",
        "wall_clock_cut": False,
    }


@dataclass
class Search:
    """One search over a plan: its budget and what is spent of it, the whole plan's
    levels as they stand, and the figures for ``summary.json``."""

    data: SolveData
    plan: Plan
    params: SolveParams
    #: The ``time.perf_counter()`` by which the search stops.
    deadline: float
    #: The window bound on trainer half-days.
    bound: int
    report: Callable[[str, dict[str, Any]], None]
    seat_deferred: SeatDeferred
    #: CP-SAT's parameters for every model.
    parameters: dict[str, Any]
    #: The deterministic time of all models together, and each model's usual share.
    budget: float
    per_model: float
    #: Each course's window bound (see :func:`schemalaggning.engine.levels.course_floors`).
    floors: dict[int, int]
    #: Whether the window bound can prove the top levels (not in a re-plan).
    provable: bool
    part1_bound: int | None
    #: Courses with pinned sessions: their window bound proves nothing of the course.
    fixed_courses: set[int]
    started: float
    #: The levels' values of the plan as it stands (kept up to date when measured).
    values: list[int]
    #: Whether the whole plan's top two levels are proven.
    top: bool
    stats: dict[str, Any]
    spent: float = 0.0
    #: Neighbourhoods in a row that changed nothing, and the budget they took.
    quiet: int = 0
    quiet_spent: float = 0.0

    @classmethod
    def begin(
        cls,
        data: SolveData,
        plan: Plan,
        params: SolveParams,
        deadline: float,
        bound: int,
        report: Callable[[str, dict[str, Any]], None],
        seat_deferred: SeatDeferred,
    ) -> Search:
        """The search's budget and the plan's levels before it begins."""
        parameters = cp_sat_parameters(params)
        # Each model gets the same deterministic time, at least enough to get past
        # presolve; the models stop when their total reaches the search's share of the
        # time limit.
        budget = SEARCH_SHARE * params.time_limit
        floors = course_floors(data)
        planned = max(1, MAX_PASSES * len(neighbourhoods(data, plan, floors)))
        per_model = min(MAX_MODEL_DTIME, max(MIN_MODEL_DTIME, budget / planned))
        # A re-plan ranks its changes right below due attendances: the window bound
        # proves nothing there.
        provable = not data.replanning
        part1_bound = part1_days_bound(data) if provable else None
        stats = search_stats()
        started = time.perf_counter()
        levels = measure(plan, bound, part1_bound)
        values = [level.value for level in levels]
        top = provable and top_proven(levels)
        if top:
            # The levels when the top two were proven: what the polish started from.
            stats["proven_levels"] = list(values)
            stats["proven_budget_spent"] = 0.0
        fixed_courses = {
            data.course_idx[s.course_id]
            for s in data.instance.fixed_sessions
            if s.course_id in data.course_idx
        }
        return cls(
            data=data,
            plan=plan,
            params=params,
            deadline=deadline,
            bound=bound,
            report=report,
            seat_deferred=seat_deferred,
            parameters=parameters,
            budget=budget,
            per_model=per_model,
            floors=floors,
            provable=provable,
            part1_bound=part1_bound,
            fixed_courses=fixed_courses,
            started=started,
            values=values,
            top=top,
            stats=stats,
        )

    def held_for(self, area: Neighbourhood) -> frozenset[TermName]:
        """The top levels a neighbourhood cannot improve: every due attendance met and
        trainer half-days at the bound, for the whole plan or for the one course the
        neighbourhood re-plans over the whole horizon (at its own window bound)."""
        if not self.provable:
            return frozenset()
        if self.top:
            return TOP_LEVELS
        if not is_course_area(self.data, area):
            return frozenset()
        course = area.courses[0]
        if course in self.fixed_courses or course not in self.floors:
            return frozenset()
        return (
            TOP_LEVELS if course_at_floor(self.plan, course, self.floors[course]) else frozenset()
        )

    def run(
        self,
        area: Neighbourhood,
        dtime: float,
        pass_number: int,
        parameters: dict[str, Any],
        first_only: bool,
    ) -> bool:
        """Solve one neighbourhood; True when the search should stop (proven)."""
        backup = self.plan.copy() if self.provable else None
        step = optimise(
            self.plan,
            area,
            parameters,
            dtime,
            self.deadline,
            self.seat_deferred,
            first_only,
            self.held_for(area),
            # Until the whole plan's top levels are proven, the models work on them only.
            top_only=self.provable and not self.top,
        )
        if step.changed and backup is not None:
            step = self.keep_if_better(step, backup)
        cost = self.count(step, dtime)
        self.report_step(step, area, pass_number)
        # Once the top two levels are proven, the lower ones are searched until
        # STALL_MODELS neighbourhoods in a row improve none of them.
        self.quiet = 0 if step.changed else self.quiet + 1
        self.quiet_spent = 0.0 if step.changed else self.quiet_spent + cost
        return self.top and (self.quiet >= STALL_MODELS or self.quiet_spent >= STALL_BUDGET)

    def keep_if_better(self, step: Step, backup: Plan) -> Step:
        """Keep a neighbourhood's change when the whole plan is better too, level by
        level (a neighbourhood sees its own sessions only); else restore ``backup``."""
        measured = measure(self.plan, self.bound, self.part1_bound)
        after = [level.value for level in measured]
        if after >= self.values:
            self.plan.restore(backup)
            return replace(step, changed=False)
        self.values = after
        if not self.top and top_proven(measured):
            self.top = True
            self.stats["proven_levels"] = list(self.values)
            self.stats["proven_budget_spent"] = self.spent
        return step

    def count(self, step: Step, dtime: float) -> float:
        """Count a model's step in the budget and the figures; return what it cost the
        budget.

        The budget counts the deterministic time given to the model (CP-SAT's own figure
        varies a little from run to run) and a fixed charge for each CP-SAT call
        (loading and presolving the model, which deterministic time hardly counts,
        growing with its size): the same from run to run, whatever the machine's load.
        """
        cost = dtime + step.calls * (CALL_COST + step.variables / CALL_VARIABLES)
        # A neighbourhood with nothing to decide (no variables: all of it pinned or in
        # the past) used none of its time: it goes back to the models after it.
        self.spent += cost if step.variables else 0.0
        stats = self.stats
        stats["cp_sat_models"] += 1
        stats["cp_sat_improved"] += int(step.changed)
        stats["cp_sat_build_seconds"] += step.build_seconds
        stats["cp_sat_solve_seconds"] += step.solve_seconds
        stats["cp_sat_deterministic_time"] += step.deterministic_time
        stats["cp_sat_max_variables"] = max(stats["cp_sat_max_variables"], step.variables)
        stats["wall_clock_cut"] |= step.wall_clock_cut
        return cost

    def report_step(self, step: Step, area: Neighbourhood, pass_number: int) -> None:
        """Report a model's step with the plan's figures."""
        self.report(
            "search",
            {
                "elapsed": time.perf_counter() - self.started,
                "pass": pass_number,
                "area": area.name,
                "objective": self.plan.trainer_half_days(),
                "bound": self.bound,
                "changed": step.changed,
                "budget_spent": self.spent,
                "levels": list(self.values),
                "proven": self.top,
            },
        )

    def time_left(self, dtime: float) -> bool:
        """Whether a model of ``dtime`` is worth solving: the wall clock (a second kept)
        and the budget allow it."""
        if self.deadline - time.perf_counter() <= 1.0:
            self.stats["wall_clock_cut"] = True
            return False
        return dtime >= MIN_USEFUL_DTIME

    def stop(self, reason: str) -> tuple[Plan, dict[str, Any]]:
        """End the search for ``reason``: the plan and the search's figures."""
        self.stats["stopped_because"] = reason
        self.stats["cp_sat_budget_spent"] = self.spent
        return self.plan, _rounded(self.stats)

    def repair(self) -> None:
        """Due attendances come first: windows around the unmet ones, for that level
        only, in rounds with the windows shifted and another seed each time, until
        :data:`MAX_FRUITLESS_ROUNDS` rounds in a row meet no more of them (within
        :data:`REPAIR_SHARE` of the budget)."""
        repair_budget = REPAIR_SHARE * self.budget
        fruitless = 0
        for round_number in range(MAX_REPAIR_ROUNDS):
            unmet_before = self.plan.due_unmet()
            if not unmet_before or fruitless >= MAX_FRUITLESS_ROUNDS:
                break
            parameters = {**self.parameters, "random_seed": self.params.seed + round_number}
            for area in repair_areas(self.data, self.plan, round_number):
                dtime = min(
                    MAX_MODEL_DTIME, self.per_model * REPAIR_WEIGHT, repair_budget - self.spent
                )
                if not self.time_left(dtime):
                    break
                self.run(area, dtime, 0, parameters, first_only=True)
            fruitless = fruitless + 1 if self.plan.due_unmet() >= unmet_before else 0

    def passes(self) -> str:
        """The passes over the neighbourhoods, until one changes nothing, the search is
        proven, or the time is up; return why the search stopped."""
        for pass_number in range(1, MAX_PASSES + 1):
            reason = self.one_pass(pass_number)
            if reason is not None:
                return reason
        return "proven" if self.top else "stalled"

    def one_pass(self, pass_number: int) -> str | None:
        """One pass over the neighbourhoods; return why the search stops, or ``None``
        when the pass changed the plan and the time is not up."""
        changed = False
        self.stats["cp_sat_passes"] = pass_number
        areas = neighbourhoods(self.data, self.plan, self.floors)
        while areas:
            area = areas.pop(0)
            if not self.top and self.held_for(area):
                # A course at its own bound cannot lower the top levels: its lower
                # levels wait until the whole plan's top levels are proven.
                continue
            # With the top two levels proven, only the lower ones are left to improve:
            # smaller steps, so that a stall is seen sooner.
            cap = POLISH_MODEL_DTIME if self.top else MAX_MODEL_DTIME
            dtime = min(cap, self.per_model * area.weight, self.budget - self.spent)
            if not self.time_left(dtime):
                return "time_limit"
            done = self.run(area, dtime, pass_number, self.parameters, first_only=False)
            changed |= self.quiet == 0
            if done:
                return "proven"
            if self.quiet == 0 and not self.top and is_course_area(self.data, area):
                # A course that lost a session may lose another: it goes again after
                # the other courses, before the windows of every course.
                areas.insert(first_window(areas), area)
        return None if changed else ("proven" if self.top else "stalled")


def course_at_floor(plan: Plan, course: int, floor: int) -> bool:
    """Whether every due attendance of the course is met and its sessions' trainer
    half-days are at most ``floor`` (its window bound)."""
    data = plan.data
    info = data.courses[course]
    if any(
        a not in plan.assigned and data.attendances[a].kind is Kind.DUE for a in info.attendances
    ):
        return False
    cost = sum(info.cost for _, s in plan.live_sessions() if s.course == course)
    return cost <= floor


def _rounded(stats: dict[str, Any]) -> dict[str, Any]:
    return {k: round(v, 3) if isinstance(v, float) else v for k, v in stats.items()}
