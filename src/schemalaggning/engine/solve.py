"""``solve(instance, params)``: the whole pipeline from an instance to a checked-ready result.

Build the time grid and the solver's indices, compute the window bound, build a greedy
plan (every hard rule kept), then improve it with CP-SAT course models until the time
limit, and turn the best plan into schedule records with a summary.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date
from typing import Any

from schemalaggning.domain import (
    Assignment,
    Instance,
    Session,
    Unscheduled,
    attendances_unmet,
    trainer_half_days,
)
from schemalaggning.engine.bound import trainer_half_days_bound
from schemalaggning.engine.bound_weeks import WeeksBound, weekly_bound
from schemalaggning.engine.greedy import TIME_LIMIT_REASON, Unmet, greedy_plan, seat_deferred
from schemalaggning.engine.levels import Level, course_floors, measure
from schemalaggning.engine.model.improve import improve_plan
from schemalaggning.engine.offerings import offerings_summary
from schemalaggning.engine.outcome import (
    gap,
    mean_days_to_part1,
    objective_value,
    peak_memory_mb,
    plan_records,
    unscheduled_records,
)
from schemalaggning.engine.params import Progress, SolveParams, Writing
from schemalaggning.engine.plan import Kind, Plan, SolveData
from schemalaggning.engine.rebuild import RebuildStats, rebuild_courses
from schemalaggning.engine.reorder import reorder_courses
from schemalaggning.engine.result import Result, Status, Summary
from schemalaggning.i18n import _
from schemalaggning.interrupts import noted_interrupts, signal_name
from schemalaggning.problems import InputError, Problem
from schemalaggning.swedish import long_date
from schemalaggning.timegrid import TimeGrid

# Imported by the commands, the benchmarks and the tests from here, as before.
__all__ = ["Progress", "SolveParams", "plan_term", "solve"]

#: Seconds at most for checking the reasons of unmet attendances on the data.
REASON_SECONDS = 5.0
#: What finishing a solve costs after the search, in seconds per due attendance of the
#: instance: the plan's records, the reasons of what is unmet and the summary
#: (:func:`finishing_seconds`); and what writing the schedule folder costs on top, per due
#: attendance: the four files, and with ``views`` the workbook, the report and the
#: personal plans, and with ``calendars`` the calendars and invitations. Measured with
#: ``benchmarks/writing.py`` on tiny, small, Göteborg (8 147 due: views 2.9 s, all 3.2 s)
#: and Stockholm (21 034 due: views 7.4 s, all 7.9 s) on a quiet two-core machine (the
#: workbook is written beside the calendars, see :mod:`schemalaggning.export.background`),
#: and kept about 1.7 times as large for a busy one (see benchmarks/README.md, "The whole
#: command's time limit"): writing grows with the people and their attendances, and
#: due attendances count both. Format 1.2 makes about 1.7 times as many attendances due
#: for the same people (Göteborg 13 644: views 1.9 s, all 1.9 s), so the figures per due
#: attendance are those measurements times 8 147 / 13 644.
FINISH_PER_DUE = 0.00005
FILES_PER_DUE = 0.000012
VIEWS_PER_DUE = 0.00027
CALENDARS_PER_DUE = 0.00009
#: ... plus this much, whatever the size: the files' own, and the workbook's, the
#: report's and the calendars' (their templates, the per-week tables; measured 0.26 s
#: on tiny, 38 people, and 0.56 s on small, 131 people).
WRITE_BASE_SECONDS = {"none": 0.0, "files": 0.3, "views": 0.5, "calendars": 0.5}
#: The views and calendars are left for ``export views`` and ``export ics`` when writing
#: them would take more than this share of the time limit (a city of tens of thousands
#: with a limit of two minutes): the schedule's own files are written within the limit.
DEFER_SHARE = 0.75
#: The greedy plan's own share of the time limit at least, from its start.
GREEDY_SHARE = 0.5
#: Kept besides, for what the estimates miss (the search's last CP-SAT call stopping).
SLACK_SECONDS = 1.0
#: Finishing's own part, whatever the size (the levels, the part-1 bound): Göteborg's
#: finishing took 1.3 s, Stockholm's 3.5 s, 50 000 people's 7 to 20 s (21 371 and 263 450
#: attendances unmet).
FINISH_BASE_SECONDS = 1.0
#: Share of the time limit the course rebuilds may take at most.
REBUILD_SHARE = 0.25
#: Share of the time limit the courses served in other orders may take at most.
REORDER_SHARE = 0.4
#: Share of the time limit the weekly bound may take at most.
WEEKS_SHARE = 0.15


@dataclass(frozen=True)
class SolveClock:
    """The ``time.perf_counter()`` instants a solve works to: the time limit is the whole
    run's, and what finishing and writing the schedule will take is kept for its end."""

    #: Where the time limit began, and where it ends.
    started: float
    end: float
    #: The search (and the weekly bound, and the reordered courses) stop by this.
    search_until: float
    #: The greedy plan and the course rebuilds stop by this.
    plan_until: float
    #: Seconds kept for writing the schedule folder.
    write: float


@dataclass
class Start:
    """The solver's data and the greedy plan: where the search starts from."""

    grid: TimeGrid
    data: SolveData
    #: The window bound on trainer half-days.
    window: int
    #: When the solve began, and the seconds it took to build the data.
    began: float
    build_seconds: float
    clock: SolveClock
    plan: Plan
    unmet: list[Unmet]
    #: The signal that stopped the greedy plan (``None``: not stopped).
    stopped_by: str | None
    #: The greedy plan's trainer half-days, pinned sessions included.
    greedy_cost: int

    @property
    def cut(self) -> bool:
        """Whether the time limit, not a signal, left the greedy plan unfinished."""
        return self.stopped_by is None and any(u.reason == TIME_LIMIT_REASON for u in self.unmet)


@dataclass
class Mending:
    """The plan after the courses were rebuilt and served in other orders."""

    plan: Plan
    rebuilt: RebuildStats | None = None
    reordered: RebuildStats | None = None
    stopped_by: str | None = None

    @property
    def cut(self) -> bool:
        """Whether the wall clock cut the rebuilds or the reordering short."""
        return (self.rebuilt is not None and self.rebuilt.cut) or (
            self.reordered is not None and self.reordered.cut
        )

    def as_dict(self) -> dict[str, Any] | None:
        """The figures as ``summary.json`` has them (``None``: not rebuilt)."""
        if self.rebuilt is None:
            return None
        reorder = self.reordered.as_dict() if self.reordered is not None else None
        return {**self.rebuilt.as_dict(), "reorder": reorder}


@dataclass
class Finished:
    """The plan turned into records: its levels, sessions, assignments and what it
    leaves unscheduled, and the signal noted meanwhile (``None``: none)."""

    levels: list[Level]
    sessions: list[Session]
    assignments: list[Assignment]
    unscheduled: list[Unscheduled]
    interrupted_by: str | None


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

    start = make_greedy_plan(instance, params, report, began, started)
    clock, window = start.clock, start.window
    report(
        "greedy",
        {"elapsed": time.perf_counter() - started, "bound": window, "objective": start.greedy_cost},
    )
    mending = Mending(start.plan, stopped_by=start.stopped_by)
    if may_mend(start, params):
        mending = mend_plan(start.data, start.plan, window, params, clock, report)
    plan, stopped_by = mending.plan, mending.stopped_by
    # The weekly bound, when the window bound does not already prove the plan.
    weeks: WeeksBound | None = None
    weeks_cut = False
    if stopped_by is None and not start.cut:
        weeks, weeks_cut, stopped_by = bound_plan(start, plan, params)
    bound = weeks.value if weeks is not None else window

    plan, model_stats = search_plan(start, plan, params, bound, report, stopped_by)
    if weeks_cut or mending.cut:
        model_stats["wall_clock_cut"] = True
    finished = finish_records(start.data, plan, start.unmet, bound, clock)
    if finished.interrupted_by is not None and not model_stats.get("interrupted"):
        model_stats.update(
            interrupted=True, interrupted_by=finished.interrupted_by, stopped_because="interrupted"
        )
    return make_result(
        instance, params, start, mending, weeks, plan, finished, model_stats, bound, report
    )


def make_result(
    instance: Instance,
    params: SolveParams,
    start: Start,
    mending: Mending,
    weeks: WeeksBound | None,
    plan: Plan,
    finished: Finished,
    model_stats: dict[str, Any],
    bound: int,
    report: Progress,
) -> Result:
    """The result of the finished plan, with its status, objective and summary: the
    bounds, the greedy plan's and the mending's figures and the search's."""
    data = start.data
    unscheduled = finished.unscheduled
    half_days = trainer_half_days(finished.sessions)
    objective = objective_value(len(unscheduled), half_days)
    status = Status.OPTIMAL if not unscheduled and half_days <= bound else Status.FEASIBLE
    solve_seconds = time.perf_counter() - start.began
    summary = Summary(
        kind="solve",
        status=status,
        objective=objective,
        best_bound=bound,
        gap=gap(half_days, bound),
        solve_seconds=round(solve_seconds, 3),
        build_seconds=round(start.build_seconds, 3),
        sessions=len(finished.sessions),
        trainer_half_days=half_days,
        trainer_half_days_bound=bound,
        bounds={
            "window": start.window,
            "weeks": weeks.own if weeks is not None else None,
            "weeks_model": weeks.as_dict() if weeks is not None else None,
        },
        rebuild=mending.as_dict(),
        greedy_trainer_half_days=start.greedy_cost,
        required_attendances=len(instance.due_attendances),
        unscheduled=len(unscheduled),
        due_met=len(instance.due_attendances) - attendances_unmet(unscheduled),
        offerings=offerings_summary(instance, unscheduled),
        optional_scheduled=seated(data, plan, Kind.OPTIONAL),
        experienced_seats=seated(data, plan, Kind.EXPERIENCED),
        mean_days_to_part1=mean_days_to_part1(data, plan),
        peak_memory_mb=round(peak_memory_mb(), 1),
        seed=params.seed,
        workers=params.workers,
        time_limit=params.time_limit,
        search=model_stats,
        levels=[level.as_dict() for level in finished.levels],
    )
    report("done", {"elapsed": solve_seconds, "objective": half_days, "bound": bound})
    return Result(
        status,
        finished.sessions,
        finished.assignments,
        unscheduled,
        objective,
        bound,
        summary,
    )


def make_greedy_plan(
    instance: Instance,
    params: SolveParams,
    report: Progress,
    began: float,
    started: float,
) -> Start:
    """Build the solver's data and the window bound, set the clock, and make the greedy
    plan (every hard rule kept).

    Ctrl-C or SIGTERM is noted (a second one stops at once) while the data are built
    and the greedy plan is made, and stops the greedy plan between two of its steps:
    the plan so far (empty, if it came before the greedy plan began) is written.
    """
    with noted_interrupts() as noted:
        report("build", {"elapsed": 0.0})
        grid = TimeGrid(instance.settings)
        data = SolveData(instance, grid, reserve_seats=params.reserve_seats)
        window = trainer_half_days_bound(instance)
        build_seconds = time.perf_counter() - began
        clock = set_clock(instance, params, started)
        report("greedy", {"elapsed": time.perf_counter() - started, "bound": window})
        plan, unmet = greedy_plan(data, clock.plan_until, noted)
    greedy_cost = plan.trainer_half_days(pinned=True)
    return Start(
        grid, data, window, began, build_seconds, clock, plan, unmet, noted.name, greedy_cost
    )


def set_clock(instance: Instance, params: SolveParams, started: float) -> SolveClock:
    """The instants a solve that began its time limit at ``started`` works to.

    The time limit is the whole run's: what finishing and writing this schedule will
    take is kept for the end, and the search stops before it. The greedy plan and the
    course rebuilds may take what writing would need, but not the time to finish the
    plan, and at least a share of the limit from the greedy plan's start: a complete
    plan written late is worth more than an empty one on time (on a busy machine,
    reading and building Göteborg took 8 of 10 s, and the greedy plan was left none).
    Past their deadline the greedy stops, and the attendances it did not reach are
    listed as such.
    """
    finish_seconds, write = finishing_seconds(instance, params.writing)
    end = started + params.time_limit
    search_until = end - finish_seconds - write
    plan_until = max(end - finish_seconds, time.perf_counter() + GREEDY_SHARE * params.time_limit)
    return SolveClock(started, end, search_until, plan_until, write)


def may_mend(start: Start, params: SolveParams) -> bool:
    """Whether the greedy plan is mended (:func:`mend_plan`): when CP-SAT is asked for,
    the greedy plan was finished, and its deadline has not passed (measuring the plan
    alone takes seconds at 50 000 people)."""
    return (
        params.improve
        and not start.cut
        and start.stopped_by is None
        and time.perf_counter() < start.clock.plan_until
    )


def mend_plan(
    data: SolveData,
    plan: Plan,
    window: int,
    params: SolveParams,
    clock: SolveClock,
    report: Progress,
) -> Mending:
    """Serve the courses above their window bound again, full groups first; then, while
    the search's time allows, serve the courses in other orders."""
    until = min(time.perf_counter() + REBUILD_SHARE * params.time_limit, clock.plan_until)
    floors = course_floors(data)
    plan, rebuilt = rebuild_courses(data, plan, floors, window, deadline=until)
    report(
        "rebuild",
        {"elapsed": time.perf_counter() - clock.started, "objective": plan.trainer_half_days(True)},
    )
    if rebuilt.interrupted_by is not None or time.perf_counter() >= clock.search_until:
        return Mending(plan, rebuilt, None, rebuilt.interrupted_by)
    # The courses served in another order, those the plan leaves unmet or above their
    # bound first. Unlike the greedy plan and the rebuilds, which make and mend the
    # plan, this is search: it stops where the search would, keeping the time writing
    # will take.
    until = min(time.perf_counter() + REORDER_SHARE * params.time_limit, clock.search_until)
    plan, reordered = reorder_courses(data, plan, floors, window, deadline=until)
    report(
        "reorder",
        {"elapsed": time.perf_counter() - clock.started, "objective": plan.trainer_half_days(True)},
    )
    return Mending(plan, rebuilt, reordered, reordered.interrupted_by)


def bound_plan(
    start: Start, plan: Plan, params: SolveParams
) -> tuple[WeeksBound | None, bool, str | None]:
    """The weekly bound (:func:`weeks_bound`); whether the wall clock decided it (it was
    cut short, or not begun for want of time although the window bound does not prove
    the plan: the bound reported then depends on the wall clock); and the signal that
    stopped it (``None``: none)."""
    try:
        weeks = weeks_bound(
            start.data.instance, start.grid, start.window, plan, params, start.clock.search_until
        )
    except KeyboardInterrupt as stop:
        return None, False, signal_name(stop)
    if weeks is None:
        return None, not window_proves(plan, start.window), None
    return weeks, weeks.wall_clock_cut, None


def search_plan(
    start: Start,
    plan: Plan,
    params: SolveParams,
    bound: int,
    report: Progress,
    stopped_by: str | None,
) -> tuple[Plan, dict[str, Any]]:
    """Improve the plan with CP-SAT (:func:`improve_plan`) unless the greedy plan was cut
    short, a signal came before the search, or only the greedy plan is asked for; return
    the plan and the search's figures."""
    if start.cut:
        # Out of time before the greedy plan was done: the plan so far is written.
        return plan, {"stopped_because": "time_limit", "wall_clock_cut": True}
    if stopped_by is not None:
        # Ctrl-C or SIGTERM before the search: the plan as it stands is written.
        return plan, {
            "interrupted": True,
            "interrupted_by": stopped_by,
            "stopped_because": "interrupted",
        }
    if not params.improve:
        return plan, {"stopped_because": "greedy_only"}
    return improve_plan(
        start.data, plan, params, start.clock.search_until, bound, report, seat_deferred
    )


def finish_records(
    data: SolveData, plan: Plan, unmet: list[Unmet], bound: int, clock: SolveClock
) -> Finished:
    """Measure the plan's levels and turn it into records, with the reasons of what it
    leaves unmet.

    Ctrl-C or SIGTERM while the plan is turned into records (tens of seconds at 50 000
    people) is noted: the plan is finished and written, and the run says it was
    interrupted.
    """
    with noted_interrupts() as late:
        levels = measure(plan, bound)
        sessions, assignments = plan_records(data, plan)
        # Reasons are checked on the data for a few seconds at most, and only while
        # the time limit allows (what writing will take is kept).
        checks_until = min(clock.end - clock.write, time.perf_counter() + REASON_SECONDS)
        unscheduled = unscheduled_records(data, plan, unmet, confirm=True, deadline=checks_until)
    return Finished(levels, sessions, assignments, unscheduled, late.name)


def seated(data: SolveData, plan: Plan, kind: Kind) -> int:
    """How many attendances of the kind the plan seats."""
    return sum(1 for a in plan.assigned if data.attendances[a].kind is kind)


def weeks_bound(
    instance: Instance,
    grid: TimeGrid,
    window: int,
    plan: Plan,
    params: SolveParams,
    deadline: float,
) -> WeeksBound | None:
    """The weekly bound (:mod:`schemalaggning.engine.bound_weeks`), unless the window bound
    already proves the plan (every due attendance met at that bound). It gets at most
    :data:`WEEKS_SHARE` of the time limit, and stops by the ``time.perf_counter()``
    deadline (the search's); past it, it is not begun."""
    if window_proves(plan, window):
        return None
    if time.perf_counter() >= deadline:
        # No time left for it: not computed (its set-up alone takes seconds at scale).
        return None
    until = min(time.perf_counter() + WEEKS_SHARE * params.time_limit, deadline)
    return weekly_bound(instance, grid, window=window, deadline=until)


def window_proves(plan: Plan, window: int) -> bool:
    """Whether the window bound proves the plan: every due attendance met at it."""
    return plan.unmet() == 0 and plan.trainer_half_days(pinned=True) <= window


def finishing_seconds(instance: Instance, writing: Writing) -> tuple[float, float]:
    """Seconds to keep at the end of the time limit, estimated from the instance's size:
    turning the plan into records, reasons and the summary; and writing what
    ``writing`` says the caller writes (see :data:`FINISH_PER_DUE`).

    The figures are rounded up from measurements: a little search time is given up so
    that the whole command ends within its limit on a busy machine too.
    """
    due = len(instance.due_attendances)
    finish = SLACK_SECONDS + FINISH_BASE_SECONDS + FINISH_PER_DUE * due
    per_due = {
        "none": 0.0,
        "files": FILES_PER_DUE,
        "views": FILES_PER_DUE + VIEWS_PER_DUE,
        "calendars": FILES_PER_DUE + VIEWS_PER_DUE + CALENDARS_PER_DUE,
    }[writing]
    write = WRITE_BASE_SECONDS[writing] + per_due * due
    return finish, write


def deferred_writing(instance: Instance, writing: Writing, time_limit: float) -> Writing:
    """What to write within ``time_limit`` of what ``writing`` asks: ``writing`` itself,
    or only the schedule's files when the views and calendars would take more than
    :data:`DEFER_SHARE` of the limit (see :func:`finishing_seconds`)."""
    if writing not in ("views", "calendars"):
        return writing
    _finish, write = finishing_seconds(instance, writing)
    return "files" if write > DEFER_SHARE * time_limit else writing


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
    inside = _("expected a day inside the plan's period, {start} to {end}").format(
        start=long_date(settings.horizon_start), end=long_date(settings.horizon_end)
    )
    if not settings.horizon_start <= start <= settings.horizon_end:
        problems.append(
            Problem(
                "command line",
                None,
                "--from",
                start.isoformat(),
                inside,
            )
        )
    if not settings.horizon_start <= end <= settings.horizon_end:
        problems.append(
            Problem(
                "command line",
                None,
                "--to",
                end.isoformat(),
                inside,
            )
        )
    if end < start:
        problems.append(
            Problem(
                "command line",
                None,
                "--to",
                end.isoformat(),
                _("expected a day on or after --from ({start})").format(start=long_date(start)),
            )
        )
    if problems:
        raise InputError(problems)
    if (start, end) == (settings.horizon_start, settings.horizon_end):
        return instance
    term = settings.model_copy(update={"horizon_start": start, "horizon_end": end})
    return instance.replace(settings=term)
