"""``solve(instance, params)``: the whole pipeline from an instance to a checked-ready result.

Build the time grid and the solver's indices, compute the window bound, build a greedy
plan (every hard rule kept), then improve it with CP-SAT course models until the time
limit, and turn the best plan into schedule records with a summary.
"""

from __future__ import annotations

import resource
import time
from collections.abc import Callable
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from schemalaggning.bound import trainer_half_days_bound
from schemalaggning.domain import Assignment, Instance, Session, Unscheduled
from schemalaggning.greedy import TIME_LIMIT_REASON, Unmet, explain_unmet, greedy_plan
from schemalaggning.levels import measure
from schemalaggning.plan import Kind, Plan, SolveData
from schemalaggning.problems import InputError, Problem
from schemalaggning.result import Result, Status
from schemalaggning.timegrid import TimeGrid, local_iso

#: Objective weight of one unmet due attendance: above any count of trainer half-days.
UNMET_WEIGHT = 1_000_000
#: Seconds at most for checking the reasons of unmet attendances on the data.
REASON_SECONDS = 5.0


class SolveParams(BaseModel):
    """Parameters of a solve (also readable from TOML).

    Parameters
    ----------
    time_limit
        Seconds for the whole solve, model building included.
    workers
        CP-SAT search workers (2 on a two-core machine; 0 means all cores).
    seed
        Random seed; the same input, seed and workers give the same schedule.
    log
        Pass CP-SAT's own search log through to standard error.
    improve
        Improve the greedy plan with CP-SAT (off: the greedy baseline alone).
    reserve_seats
        Seats of every new session kept free for hires added later, so that the month's
        new hires find seats without moving anyone (a re-plan may use them).
    cp_sat
        Extra CP-SAT parameters, by name, passed through as they are.
    """

    model_config = ConfigDict(frozen=True)

    time_limit: float = Field(default=60.0, gt=0)
    workers: int = Field(default=2, ge=0)
    seed: int = 0
    log: bool = False
    improve: bool = True
    reserve_seats: int = Field(default=0, ge=0)
    cp_sat: dict[str, Any] = Field(default_factory=dict)


#: A progress callback: phase name and a dict of figures (elapsed, objective, bound...).
Progress = Callable[[str, dict[str, Any]], None]


def peak_memory_mb() -> float:
    """Peak resident memory of this process so far, in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def solve(
    instance: Instance,
    params: SolveParams | None = None,
    progress: Progress | None = None,
    started: float | None = None,
) -> Result:
    """Solve an instance: schedule every due attendance that can be, at the least cost.

    Parameters
    ----------
    instance
        The instance.
    params
        The parameters (defaults if not given).
    progress
        Called with each phase and its figures.
    started
        The ``time.perf_counter()`` at which the time limit began (the command's start,
        so that reading the instance counts); default: now. The greedy plan and the
        search stop early enough for the plan to be written within the limit.
    """
    params = params or SolveParams()
    began = time.perf_counter()
    started = began if started is None else started
    report = progress or (lambda phase, figures: None)

    report("build", {"elapsed": 0.0})
    grid = TimeGrid(instance.settings)
    data = SolveData(instance, grid)
    data.reserve_seats = params.reserve_seats
    bound = trainer_half_days_bound(instance)
    build_seconds = time.perf_counter() - began

    report("greedy", {"elapsed": time.perf_counter() - started, "bound": bound})
    # The greedy plan may take the whole time limit: a complete plan is worth more than
    # ending a little earlier, and writing it takes a few seconds only. Past the limit
    # it stops, and the attendances it did not reach are listed as such.
    plan, unmet = greedy_plan(data, started + params.time_limit)
    greedy_cut = any(u.reason == TIME_LIMIT_REASON for u in unmet)
    greedy_cost = plan_cost(data, plan)
    report(
        "greedy",
        {"elapsed": time.perf_counter() - started, "bound": bound, "objective": greedy_cost},
    )

    model_stats: dict[str, Any] = {}
    if greedy_cut:
        # Out of time before the greedy plan was done: the plan so far is written.
        model_stats = {"stopped_because": "time_limit", "wall_clock_cut": True}
    elif params.improve:
        from schemalaggning.model.improve import improve_plan

        # Writing the schedule and its calendars takes a moment too: stop searching early
        # enough for the whole run to end within the time limit. Building the data and
        # the greedy plan took about as long as turning a plan into records and files
        # does, so that time (three times over) is kept for the end as well.
        ready = time.perf_counter() - began
        margin = min(10.0, max(1.0, 0.08 * params.time_limit)) + 3 * ready
        deadline = started + params.time_limit - margin
        plan, model_stats = improve_plan(data, plan, params, deadline, bound, report)

    levels = measure(plan, bound)
    if not params.improve and not greedy_cut:
        model_stats["stopped_because"] = "greedy_only"
    sessions, assignments = plan_records(data, plan)
    # Reasons are checked on the data for a few seconds at most, and only while the
    # time limit allows (a second is kept for writing the files).
    checks_until = min(started + params.time_limit - 1.0, time.perf_counter() + REASON_SECONDS)
    unscheduled = unscheduled_records(data, plan, unmet, confirm=True, deadline=checks_until)
    half_days = trainer_half_days(sessions)
    objective = UNMET_WEIGHT * len(unscheduled) + half_days
    status = Status.OPTIMAL if not unscheduled and half_days <= bound else Status.FEASIBLE
    solve_seconds = time.perf_counter() - began
    summary: dict[str, Any] = {
        "status": status.value,
        "objective": objective,
        "best_bound": bound,
        "gap": gap(half_days, bound),
        "solve_seconds": round(solve_seconds, 3),
        "build_seconds": round(build_seconds, 3),
        "sessions": len(sessions),
        "trainer_half_days": half_days,
        "trainer_half_days_bound": bound,
        "greedy_trainer_half_days": greedy_cost,
        "required_attendances": len(instance.due_attendances),
        "unscheduled": len(unscheduled),
        "due_met": len(instance.due_attendances) - len(unscheduled),
        "optional_scheduled": sum(
            1 for a in plan.assigned if data.attendances[a].kind is Kind.OPTIONAL
        ),
        "experienced_seats": sum(
            1 for a in plan.assigned if data.attendances[a].kind is Kind.EXPERIENCED
        ),
        "mean_days_to_part1": mean_days_to_part1(data, plan),
        "peak_memory_mb": round(peak_memory_mb(), 1),
        "seed": params.seed,
        "workers": params.workers,
        "time_limit": params.time_limit,
        **model_stats,
        "levels": [level.as_dict() for level in levels],
    }
    report("done", {"elapsed": solve_seconds, "objective": half_days, "bound": bound})
    return Result(status, sessions, assignments, unscheduled, objective, bound, summary)


def gap(half_days: int, bound: int) -> float:
    """(half-days - bound) / half-days, never below zero: a plan that meets fewer due
    attendances may need fewer half-days than the bound, which holds only for plans
    that meet them all."""
    return max(0.0, (half_days - bound) / half_days) if half_days else 0.0


def plan_cost(data: SolveData, plan: Plan) -> int:
    """Trainer half-days of the plan's new sessions and of the pinned ones."""
    pinned = sum(len(s.slots) * len(s.trainer_ids) for s in data.instance.fixed_sessions)
    return pinned + sum(data.courses[s.course].cost for _, s in plan.live_sessions())


def unscheduled_records(
    data: SolveData,
    plan: Plan,
    unmet: list[Unmet],
    confirm: bool = False,
    deadline: float | None = None,
) -> list[Unscheduled]:
    """Every due attendance the plan does not meet, with the reason found for it.

    With ``confirm``, a reason that names an obstacle of the plan is kept only when the
    data alone rule the attendance out (:func:`schemalaggning.reasons.confirmed`,
    checking until the ``time.perf_counter()`` deadline); otherwise it says a longer
    run may meet it.
    """
    reasons = {u.attendance: u.reason for u in unmet}
    records = []
    for att in data.attendances:
        if att.kind is not Kind.DUE or att.idx in plan.assigned:
            continue
        reason = reasons.get(att.idx) or explain_unmet(plan, att)
        records.append(
            Unscheduled(
                person_id=data.person_ids[att.person],
                course_id=data.courses[att.course].course.course_id,
                deadline=att.deadline_date,
                reason=reason,
            )
        )
    records.sort(key=lambda u: (u.deadline, u.person_id, u.course_id))
    if confirm:
        from schemalaggning.reasons import confirmed

        records = confirmed(data.instance, records, deadline)
    return records


def mean_days_to_part1(data: SolveData, plan: Plan) -> float | None:
    """Mean days from start date to the end of part 1, over the required people whose
    part 1 (every course of part ``1``) is completed by this plan."""
    part1 = [c.idx for c in data.courses if c.course.part == "1"]
    if not part1:
        return None
    days = []
    for p_idx, person in enumerate(data.instance.people):
        if not person.required:
            continue
        ends: list[int] = []
        for c in part1:
            course_id = data.courses[c].course.course_id
            if course_id in person.done:
                continue
            end = plan.person_course_end.get((p_idx, c))
            if end is None or end < 0 or end >= data.num_slots:
                ends = []
                break
            ends.append(end)
        if ends:
            days.append((data.grid.slots[max(ends)].day - person.start_date).days)
    return round(sum(days) / len(days), 2) if days else None


def plan_records(
    data: SolveData, plan: Plan, reserved: set[str] | None = None
) -> tuple[list[Session], list[Assignment]]:
    """The plan's sessions (pinned ones included) and assignments as schedule records.

    Session ids are the course id and a number in time order within the course
    (``T3-004``), so the same plan always gets the same ids; pinned sessions keep theirs.
    """
    inst = data.instance
    grid = data.grid
    taken = {s.session_id for s in inst.fixed_sessions} | (reserved or set())
    sessions: list[Session] = list(inst.fixed_sessions)
    assignments: list[Assignment] = list(inst.fixed_assignments)
    live = sorted(
        plan.live_sessions(),
        key=lambda item: (item[1].course, item[1].start, data.room_ids[item[1].room]),
    )
    counters: dict[int, int] = {}
    for _, planned in live:
        info = data.courses[planned.course]
        course_id = info.course.course_id
        number = counters.get(planned.course, 0)
        while True:
            number += 1
            session_id = f"{course_id}-{number:03d}"
            if session_id not in taken:
                break
        counters[planned.course] = number
        taken.add(session_id)
        slots = grid.slots[planned.start : planned.start + info.half_days]
        sessions.append(
            Session(
                session_id=session_id,
                course_id=course_id,
                room_id=data.room_ids[planned.room],
                trainer_ids=tuple(data.trainer_ids[t] for t in planned.trainers),
                start=local_iso(grid.slot_start(slots[0])),
                end=local_iso(grid.slot_end(slots[-1])),
                slots=tuple(slots),
                participants=len(planned.members),
            )
        )
        for att_idx in sorted(
            planned.members, key=lambda a: data.person_ids[data.attendances[a].person]
        ):
            att = data.attendances[att_idx]
            assignments.append(
                Assignment(
                    person_id=data.person_ids[att.person],
                    course_id=course_id,
                    session_id=session_id,
                )
            )
    sessions.sort(key=lambda s: (s.slots[0] if s.slots else (), s.session_id))
    assignments.sort(key=lambda a: (a.person_id, a.course_id))
    return sessions, assignments


def trainer_half_days(sessions: list[Session]) -> int:
    """Trainer half-days of the sessions: each session's slots times its trainers."""
    return sum(len(s.slots) * len(s.trainer_ids) for s in sessions)


def plan_term(instance: Instance, start: date | None, end: date | None) -> Instance:
    """The instance narrowed to one term: sessions only between ``start`` and ``end``,
    and the attendances due by ``end`` required. Pinned sessions stay as they are.

    Raises
    ------
    InputError
        If the term does not lie inside the instance's horizon.
    """
    settings = instance.settings
    start = start or settings.horizon_start
    end = end or settings.horizon_end
    problems = []
    if not settings.horizon_start <= start <= settings.horizon_end:
        problems.append(
            Problem(
                "command line",
                None,
                "--from",
                start.isoformat(),
                f"expected a day inside the horizon {settings.horizon_start} "
                f"to {settings.horizon_end}",
            )
        )
    if not settings.horizon_start <= end <= settings.horizon_end:
        problems.append(
            Problem(
                "command line",
                None,
                "--to",
                end.isoformat(),
                f"expected a day inside the horizon {settings.horizon_start} "
                f"to {settings.horizon_end}",
            )
        )
    if end < start:
        problems.append(
            Problem(
                "command line",
                None,
                "--to",
                end.isoformat(),
                f"expected a day on or after --from ({start})",
            )
        )
    if problems:
        raise InputError(problems)
    if (start, end) == (settings.horizon_start, settings.horizon_end):
        return instance
    term = settings.model_copy(update={"horizon_start": start, "horizon_end": end})
    return instance.replace(settings=term)
