"""The *weekly bound*: a second lower bound on trainer half-days, from a model of the weeks.

The window bound (:mod:`schemalaggning.engine.bound`) looks at each course alone, lets a session
seat the largest group, and lets everyone's window run from their start date. This bound
is built in two steps, each a relaxation of the real problem (every schedule that meets
every due attendance satisfies it), so each step's least cost is a lower bound:

1. **Each course alone, block by block** (exact): every due attendance has a run of
   blocks it may sit in: from its release (and after the earliest possible end of its
   prerequisites) to its deadline (tightened so that its due successors still fit).
   Hall's condition on these windows says that any run of blocks needs at least as many
   sessions as its attendances fill, at ``seats`` each; and, for each district, at
   ``max_absent`` each (no session seats more of one district than may be away). The
   least number of sessions meeting every such condition is found exactly by filling
   each run's shortfall as late as possible, runs in order of their last block. With
   the district conditions left out this is earliest-deadline stabbing on blocks, never
   below the window bound.
2. **Every course together, week by week** (a linear programme, solved by GLOP): how
   many sessions of each course run in each week, in which kind of room, the weeks'
   seats meeting Hall's condition on the windows (a run of weeks needs the seats of the
   attendances whose windows lie inside it); each room holds at most its available
   half-days a week; the week's half-days of teaching come from the qualified trainers'
   half-days that week (weekly limit and availability, by qualification set, each
   trainer once in a session); each course at least its count from step 1. The LP's
   optimum, rounded up, bounds the trainer half-days (the LP lets a week hold part of a
   session, so it is only stronger than step 1 where trainers or rooms are scarce).

Pinned sessions count in full (their half-days as they are); each may stand in for one
session of its course, and its free seats serve in its week. The bound is the best of
the window bound and the two steps; a step that cannot be done in its budget is left
out. The windows, their runs of blocks and Hall's conditions on them are worked out in
:mod:`schemalaggning.engine.bound_windows`.
"""

from __future__ import annotations

import bisect
import math
import time
from collections import Counter, defaultdict
from dataclasses import dataclass

from ortools.linear_solver import pywraplp

from schemalaggning.domain import Course, Instance
from schemalaggning.engine.bound import trainer_half_days_bound, window_bound
from schemalaggning.engine.bound_windows import (
    BlockCourse,
    block_runs,
    courses_with_blocks,
    due_windows,
    fewest_sessions,
    hall_conditions,
    week_positions,
)
from schemalaggning.timegrid import TimeGrid, unavailable_slots

#: Wall-clock seconds GLOP may take on the weekly model at most (a last resort: it
#: solves the bundled instances' models in well under a second).
LP_SECONDS = 10.0
#: The weekly model is not built above this many variables (its bound is then left out).
MAX_LP_VARIABLES = 200_000
#: Floating-point slack taken off the LP's optimum before rounding up, per unit of it.
LP_TOLERANCE = 1e-6


@dataclass(frozen=True)
class WeeksBound:
    """The weekly bound and how it was found.

    ``value`` is the best valid lower bound: at least ``window`` (the window bound),
    ``courses`` (step 1) and ``weeks`` (step 2); a step not done is ``None``.
    ``status`` says how step 2 ended: ``optimal``, ``infeasible`` (no schedule can meet
    every due attendance: the bounds then say nothing more than the window bound),
    ``too_big``, ``not_solved`` (the LP stopped at its time limit), ``no_time`` (the
    deadline came first) or ``no_attendances``.
    """

    value: int
    window: int
    courses: int | None
    weeks: int | None
    status: str
    seconds: float
    variables: int = 0
    conditions: int = 0
    wall_clock_cut: bool = False

    @property
    def own(self) -> int | None:
        """The weekly bound itself (the better of its two steps; None when neither was
        done), which may be below the window bound where the window bound counts
        attendances no schedule can meet."""
        found = [v for v in (self.courses, self.weeks) if v is not None]
        return max(found) if found else None

    def as_dict(self) -> dict[str, object]:
        """The figures ``summary.json`` reports: each step's bound, how step 2 ended,
        seconds, the LP's variables and Hall conditions used, and whether the wall
        clock cut a step short (the bound may then differ from run to run)."""
        return {
            "courses": self.courses,
            "weeks": self.weeks,
            "status": self.status,
            "seconds": round(self.seconds, 3),
            "variables": self.variables,
            "conditions": self.conditions,
            "wall_clock_cut": self.wall_clock_cut,
        }


def weekly_bound(
    instance: Instance,
    grid: TimeGrid | None = None,
    lp_seconds: float = LP_SECONDS,
    weeks_model: bool = True,
    window: int | None = None,
    deadline: float | None = None,
) -> WeeksBound:
    """The weekly bound on trainer half-days (see the module's description).

    Parameters
    ----------
    instance
        The instance.
    grid
        Its time grid (made here if not given).
    lp_seconds
        Wall-clock seconds the weekly LP may take at most (a last resort; past them its
        bound is left out).
    weeks_model
        Solve step 2 (off: the per-course step alone).
    window
        The window bound, if already known.
    deadline
        A ``time.perf_counter()`` past which no step starts or goes on (the window bound
        stands for what is not done, and the result says ``wall_clock_cut``).
    """
    began = time.perf_counter()
    if window is None:
        window = trainer_half_days_bound(instance)
    budget = _Budget(window, began, deadline)
    grid = grid or TimeGrid(instance.settings)
    slot_week = week_positions(grid)
    courses = courses_with_blocks(instance, grid, slot_week)
    runs = block_runs(instance, courses, due_windows(instance, grid, courses))
    if not runs:
        return WeeksBound(window, window, None, None, "no_attendances", budget.seconds())

    # Step 1: each course alone.
    alone = each_course_alone(instance, courses, runs, budget)
    if isinstance(alone, WeeksBound):
        return alone
    pinned_cost = sum(len(s.slots) * len(s.trainer_ids) for s in instance.fixed_sessions)
    per_course = pinned_cost + sum(courses[c].cost * n for c, n in alone.least.items())
    if not weeks_model:
        best = max(window, per_course)
        return WeeksBound(
            best, window, per_course, None, "not_solved", budget.seconds(), 0, alone.conditions
        )

    # Step 2: every course together, week by week.
    if budget.out_of_time():
        return budget.no_time(per_course)
    lp = _WeeksLP(instance, grid, courses, slot_week, runs, alone.least)
    return every_course_together(lp, lp_seconds, budget, pinned_cost, per_course, alone.conditions)


@dataclass(frozen=True)
class _Budget:
    """What each step of the bound falls back on: the window bound, the
    ``time.perf_counter()`` the work began at, and the deadline past which no step starts
    or goes on."""

    window: int
    began: float
    deadline: float | None

    def seconds(self) -> float:
        """Seconds since the work began."""
        return time.perf_counter() - self.began

    def out_of_time(self) -> bool:
        """Whether the deadline has passed."""
        return self.deadline is not None and time.perf_counter() > self.deadline

    def no_time(self, courses: int | None = None) -> WeeksBound:
        """The deadline came first: the window bound, or step 1's if it was done."""
        best = max(self.window, courses or 0)
        return WeeksBound(best, self.window, courses, None, "no_time", self.seconds(), 0, 0, True)

    def nothing_more(self) -> WeeksBound:
        """No schedule meets every due attendance: the bounds say nothing more."""
        return WeeksBound(self.window, self.window, None, None, "infeasible", self.seconds())


@dataclass(frozen=True)
class _CoursesAlone:
    """Step 1's result: the fewest new sessions of each course, by course index, and the
    number of Hall conditions they meet."""

    least: dict[int, int]
    conditions: int


def each_course_alone(
    instance: Instance,
    courses: list[BlockCourse],
    runs: dict[int, dict[str, Counter[tuple[int, int]]]],
    budget: _Budget,
) -> _CoursesAlone | WeeksBound:
    """Step 1: the fewest new sessions of each course alone, block by block (pinned
    sessions stand in for as many), at least the window bound's count; or the bound
    itself when the step ends it (the deadline came, or some course's attendances cannot
    be met)."""
    course_index = {c.course_id: i for i, c in enumerate(instance.courses)}
    fixed_count: Counter[int] = Counter(course_index[s.course_id] for s in instance.fixed_sessions)
    window_new = {
        course_id: max(0, b.sessions - fixed_count[course_index[course_id]])
        for course_id, b in window_bound(instance).items()
    }
    limits = {d.district_id: d.max_absent for d in instance.districts}
    least: dict[int, int] = {}
    conditions = 0
    for c, by_district in sorted(runs.items()):
        if budget.out_of_time():
            return budget.no_time()
        info = courses[c]
        needed = course_conditions(info, by_district, limits)
        if needed is None:
            return budget.nothing_more()
        parallel = parallel_sessions(instance, info.course)
        sessions = fewest_sessions(needed, [parallel] * len(info.starts))
        if sessions is None:
            return budget.nothing_more()
        conditions += len(needed)
        # The window bound's count may be higher: it holds the yearly offerings too.
        least[c] = max(0, sessions - fixed_count[c], window_new[info.course.course_id])
    return _CoursesAlone(least, conditions)


def course_conditions(
    info: BlockCourse, by_district: dict[str, Counter[tuple[int, int]]], limits: dict[str, int]
) -> dict[tuple[int, int], int] | None:
    """The sessions each run of the course's blocks needs: Hall's condition at the
    course's seats a session, and at each district's ``max_absent``; None when nobody
    can be seated (no room, or no district may have anyone away)."""
    if info.seats <= 0:
        # Nobody can be seated (no room, or no district may have anyone away): the
        # attendances cannot be met, and the window bound is all that is known.
        return None
    together: Counter[tuple[int, int]] = Counter()
    for counts in by_district.values():
        together.update(counts)
    needed = hall_conditions(together, info.seats)
    for district, counts in sorted(by_district.items()):
        if limits[district] <= 0:
            return None
        for run, need in hall_conditions(counts, limits[district]).items():
            if need > needed.get(run, 0):
                needed[run] = need
    return needed


def parallel_sessions(instance: Instance, course: Course) -> int:
    """Sessions of the course a block may hold at most: rooms that seat its least group,
    and its qualified trainers' full teams."""
    rooms = sum(1 for r in instance.rooms if r.capacity >= course.min_group)
    qualified = sum(1 for t in instance.trainers if t.qualified(course.course_id))
    return min(rooms, qualified // course.trainers)


def every_course_together(
    lp: _WeeksLP,
    lp_seconds: float,
    budget: _Budget,
    pinned_cost: int,
    per_course: int,
    conditions: int,
) -> WeeksBound:
    """Step 2: the weekly LP solved within ``lp_seconds`` and the deadline, its optimum
    rounded up (with the pinned sessions' cost) and set beside step 1's
    ``per_course``; an infeasible LP leaves the window bound alone."""
    window = budget.window
    best = max(window, per_course)
    if lp.size > MAX_LP_VARIABLES:
        return WeeksBound(
            best, window, per_course, None, "too_big", budget.seconds(), lp.size, conditions
        )
    if budget.deadline is not None:
        lp_seconds = min(lp_seconds, budget.deadline - time.perf_counter())
    if lp_seconds <= 0.05:
        return budget.no_time(per_course)
    status, optimum = lp.solve(lp_seconds)
    weekly: int | None = None
    if status == "optimal" and optimum is not None:
        slack = LP_TOLERANCE * max(1.0, abs(optimum))
        weekly = pinned_cost + math.ceil(optimum - slack)
        best = max(best, weekly)
    if status == "infeasible":
        best = window
    return WeeksBound(
        best,
        window,
        per_course,
        weekly,
        status,
        budget.seconds(),
        lp.size,
        conditions + lp.conditions,
        status == "not_solved",
    )


@dataclass
class _PinnedTime:
    """What the pinned sessions take: their free seats by (course, week), their rooms'
    and trainers' slots, and their trainers' half-days by (trainer, week)."""

    free_seats: Counter[tuple[int, int]]
    room_busy: dict[str, set[int]]
    trainer_busy: dict[str, set[int]]
    trainer_used: Counter[tuple[str, int]]


def pinned_time(
    instance: Instance, grid: TimeGrid, courses: list[BlockCourse], slot_week: list[int]
) -> _PinnedTime:
    """The pinned sessions' free seats in their week, and their rooms' and trainers' time
    (those wholly outside the horizon take none)."""
    course_index = {c.course_id: i for i, c in enumerate(instance.courses)}
    seated: Counter[str] = Counter(a.session_id for a in instance.fixed_assignments)
    pinned = _PinnedTime(Counter(), defaultdict(set), defaultdict(set), Counter())
    for s in instance.fixed_sessions:
        inside = [grid.slot_idx[slot] for slot in s.slots if slot in grid.slot_idx]
        if not inside:
            continue
        c = course_index[s.course_id]
        free = max(0, courses[c].seats - seated[s.session_id])
        pinned.free_seats[c, slot_week[inside[0]]] += free
        for t in inside:
            pinned.room_busy[s.room_id].add(t)
            for trainer_id in s.trainer_ids:
                pinned.trainer_busy[trainer_id].add(t)
                pinned.trainer_used[trainer_id, slot_week[t]] += 1
    return pinned


def weeks_reached(
    courses: list[BlockCourse], runs: dict[int, dict[str, Counter[tuple[int, int]]]]
) -> tuple[dict[int, Counter[tuple[int, int]]], dict[int, list[int]]]:
    """Each course's runs of weeks (the weeks of its attendances' runs of blocks,
    counted), and its weeks that some window reaches and that have a block."""
    week_runs: dict[int, Counter[tuple[int, int]]] = {}
    course_weeks: dict[int, list[int]] = {}
    for c, by_district in runs.items():
        info = courses[c]
        counts: Counter[tuple[int, int]] = Counter()
        for district_counts in by_district.values():
            for (lo, hi), count in district_counts.items():
                counts[info.start_week[lo], info.start_week[hi]] += count
        week_runs[c] = counts
        reached: set[int] = set()
        for first, last in counts:
            reached.update(range(first, last + 1))
        course_weeks[c] = sorted(reached & set(info.start_week))
    return week_runs, course_weeks


def room_kinds(
    instance: Instance,
    slot_week: list[int],
    away: dict[str, frozenset[int]],
    room_busy: dict[str, set[int]],
) -> list[tuple[int, Counter[int]]]:
    """Rooms of the same capacity and availability as one kind: its capacity and its
    rooms' free half-days by week, the largest kinds first."""
    kinds: dict[tuple[int, frozenset[int]], int] = Counter()
    for room in instance.rooms:
        busy = frozenset(away.get(room.room_id, frozenset()) | room_busy.get(room.room_id, set()))
        kinds[room.capacity, busy] += 1
    kind_free: list[tuple[int, Counter[int]]] = []
    for (capacity, busy), number in sorted(
        kinds.items(), key=lambda k: (-k[0][0], sorted(k[0][1]))
    ):
        free: Counter[int] = Counter()
        for t, w in enumerate(slot_week):
            if t not in busy:
                free[w] += number
        kind_free.append((capacity, free))
    return kind_free


def trainer_groups(instance: Instance) -> dict[frozenset[int], list[str]]:
    """The trainers by the set of courses (indices) they are qualified for; those
    qualified for none are left out."""
    groups: dict[frozenset[int], list[str]] = defaultdict(list)
    for trainer in instance.trainers:
        qualified = frozenset(
            i for i, course in enumerate(instance.courses) if trainer.qualified(course.course_id)
        )
        if qualified:
            groups[qualified].append(trainer.trainer_id)
    return groups


def teachable_half_days(
    instance: Instance,
    grid: TimeGrid,
    slot_week: list[int],
    ids: list[str],
    away: dict[str, frozenset[int]],
    pinned: _PinnedTime,
) -> Counter[int]:
    """The half-days the trainers ``ids`` may teach each week: their free half-days,
    at most their weekly limits less their pinned sessions."""
    teachable: Counter[int] = Counter()
    for trainer_id in ids:
        trainer = instance.trainer_by_id[trainer_id]
        busy = away.get(trainer_id, frozenset()) | pinned.trainer_busy.get(trainer_id, set())
        free_slots = Counter(slot_week[t] for t in range(grid.num_slots) if t not in busy)
        for w, number in free_slots.items():
            left = trainer.max_half_days_per_week - pinned.trainer_used[trainer_id, w]
            teachable[w] += max(0, min(left, number))
    return teachable


@dataclass
class _SessionVariables:
    """The LP's session variables (sessions of a course in a week in a kind of room):
    by (course, week); with their seats by (course, week); with their half-days by
    (room kind, week)."""

    total: dict[tuple[int, int], list[pywraplp.Variable]]
    seats: dict[tuple[int, int], list[tuple[pywraplp.Variable, int]]]
    room_load: dict[tuple[int, int], list[tuple[pywraplp.Variable, int]]]


class _WeeksLP:
    """The linear programme of step 2 (see the module's description)."""

    def __init__(
        self,
        instance: Instance,
        grid: TimeGrid,
        courses: list[BlockCourse],
        slot_week: list[int],
        runs: dict[int, dict[str, Counter[tuple[int, int]]]],
        least: dict[int, int],
    ) -> None:
        self.solver = pywraplp.Solver.CreateSolver("GLOP")
        self.conditions = 0
        self.courses = courses
        away = unavailable_slots(instance, grid)
        pinned = pinned_time(instance, grid, courses, slot_week)
        week_runs, course_weeks = weeks_reached(courses, runs)
        kind_free = room_kinds(instance, slot_week, away, pinned.room_busy)

        sessions = self.add_sessions(course_weeks, kind_free, least)
        self.add_room_limits(kind_free, sessions)
        self.add_hall_conditions(course_weeks, week_runs, pinned, sessions)
        teaching: dict[tuple[int, int], list[pywraplp.Variable]] = defaultdict(list)
        for qualified, ids in sorted(
            trainer_groups(instance).items(), key=lambda item: sorted(item[1])
        ):
            teachable = teachable_half_days(instance, grid, slot_week, ids, away, pinned)
            self.add_group_teaching(qualified, len(ids), teachable, sessions, teaching)
        self.add_teaching_cover(sessions, teaching)
        self.size = self.solver.NumVariables()

    def add_sessions(
        self,
        course_weeks: dict[int, list[int]],
        kind_free: list[tuple[int, Counter[int]]],
        least: dict[int, int],
    ) -> _SessionVariables:
        """The sessions of each course in each week it is reached, in each kind of room
        that seats its least group and is free long enough that week; each course at
        least its count from step 1; the objective their trainer half-days."""
        solver = self.solver
        infinity = solver.infinity()
        objective = solver.Objective()
        sessions = _SessionVariables(defaultdict(list), defaultdict(list), defaultdict(list))
        for c in sorted(course_weeks):
            info = self.courses[c]
            for w in course_weeks[c]:
                for k, (capacity, free) in enumerate(kind_free):
                    if capacity < info.course.min_group or free[w] < info.half_days:
                        continue
                    var = solver.NumVar(0.0, infinity, "")
                    sessions.total[c, w].append(var)
                    sessions.seats[c, w].append((var, min(info.seats, capacity)))
                    sessions.room_load[k, w].append((var, info.half_days))
                    objective.SetCoefficient(var, info.cost)
            course_total = solver.Constraint(float(least.get(c, 0)), infinity)
            for w in course_weeks[c]:
                for var in sessions.total[c, w]:
                    course_total.SetCoefficient(var, 1.0)
        objective.SetMinimization()
        return sessions

    def add_room_limits(
        self, kind_free: list[tuple[int, Counter[int]]], sessions: _SessionVariables
    ) -> None:
        """Each kind of room holds at most its free half-days a week."""
        solver = self.solver
        for (k, w), loads in sessions.room_load.items():
            row = solver.Constraint(-solver.infinity(), float(kind_free[k][1][w]))
            for var, half_days in loads:
                row.SetCoefficient(var, half_days)

    def add_hall_conditions(
        self,
        course_weeks: dict[int, list[int]],
        week_runs: dict[int, Counter[tuple[int, int]]],
        pinned: _PinnedTime,
        sessions: _SessionVariables,
    ) -> None:
        """Hall's condition on the weeks: a run of weeks seats the attendances whose
        windows lie inside it (pinned sessions' free seats included). Running totals keep
        each condition to two variables."""
        solver = self.solver
        infinity = solver.infinity()
        for c in sorted(course_weeks):
            weeks_of = course_weeks[c]
            running = [None] + [solver.NumVar(0.0, infinity, "") for _ in weeks_of]
            for i, w in enumerate(weeks_of):
                free = float(pinned.free_seats[c, w])
                row = solver.Constraint(free, free)
                row.SetCoefficient(running[i + 1], 1.0)
                if running[i] is not None:
                    row.SetCoefficient(running[i], -1.0)
                for var, per_session in sessions.seats[c, w]:
                    row.SetCoefficient(var, -float(per_session))
            positions: Counter[tuple[int, int]] = Counter()
            for (first, last), count in week_runs[c].items():
                lo = bisect.bisect_left(weeks_of, first)
                hi = bisect.bisect_right(weeks_of, last) - 1
                positions[lo, hi] += count
            for (lo, hi), need in hall_conditions(positions, 1).items():
                row = solver.Constraint(float(need), infinity)
                row.SetCoefficient(running[hi + 1], 1.0)
                if running[lo] is not None:
                    row.SetCoefficient(running[lo], -1.0)
                self.conditions += 1

    def add_group_teaching(
        self,
        qualified: frozenset[int],
        trainers: int,
        teachable: Counter[int],
        sessions: _SessionVariables,
        teaching: dict[tuple[int, int], list[pywraplp.Variable]],
    ) -> None:
        """A set of ``trainers`` qualified for the same courses shares its teachable
        half-days of each week among those courses' sessions that week (its shares are
        added to ``teaching``)."""
        solver = self.solver
        infinity = solver.infinity()
        for w in sorted(teachable):
            shares = []
            for c in sorted(qualified):
                if not sessions.total.get((c, w)):
                    continue
                share = solver.NumVar(0.0, infinity, "")
                if self.courses[c].course.trainers > 1:
                    # Each trainer of the set teaches a session at most once (with one
                    # trainer a session, no set gives more than the session needs).
                    once = solver.Constraint(-infinity, 0.0)
                    once.SetCoefficient(share, 1.0)
                    for var in sessions.total[c, w]:
                        once.SetCoefficient(var, -float(trainers * self.courses[c].half_days))
                teaching[c, w].append(share)
                shares.append(share)
            if shares:
                row = solver.Constraint(-infinity, float(teachable[w]))
                for share in shares:
                    row.SetCoefficient(share, 1.0)

    def add_teaching_cover(
        self,
        sessions: _SessionVariables,
        teaching: dict[tuple[int, int], list[pywraplp.Variable]],
    ) -> None:
        """A course's sessions of a week are taught by the trainers' shares that week."""
        solver = self.solver
        for (c, w), variables in sessions.total.items():
            info = self.courses[c]
            row = solver.Constraint(0.0, solver.infinity())
            for share in teaching.get((c, w), []):
                row.SetCoefficient(share, 1.0)
            for var in variables:
                row.SetCoefficient(var, -float(info.half_days * info.course.trainers))

    def solve(self, seconds: float) -> tuple[str, float | None]:
        """Solve the LP: its status and optimum."""
        self.solver.SetTimeLimit(max(1, int(seconds * 1000)))
        status = self.solver.Solve()
        if status == pywraplp.Solver.OPTIMAL:
            return "optimal", self.solver.Objective().Value()
        if status == pywraplp.Solver.INFEASIBLE:
            return "infeasible", None
        return "not_solved", None
