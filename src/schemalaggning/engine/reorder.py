"""Serving the courses in another order where the greedy plan's order costs sessions.

The greedy plan serves one course after another, prerequisites first: each course takes
the blocks, rooms, people and districts' places it wants, and the courses served last
find the early weeks taken. Their first sessions, due by then, open in a smaller room
or with the few people still free, and a session more is needed later. On the
``one-part1`` benchmark four themes served late held 2 to 7 people in their early
sessions (9 trainer half-days above their window bounds); on ``tight`` the last courses
also left due attendances unmet.

A reorder builds the whole plan again with the greedy rules, serving the troubled
courses first, each after its prerequisites, the others in the usual order. Trouble
adds up round after round (a *squeaky wheel*): a course's priority grows by
:data:`UNMET_WEIGHT` for each of its unmet due attendances and by one for each trainer
half-day above its floor in the round's plan, and the next order serves the highest
priorities first. Each order is built once for each of :data:`SLACKS` (a prerequisite
held as late as its successors allow leaves them one block, which their trainers or
people may not have free), and the better plan goes on to the next round. The rounds
stop when an order comes again, after :data:`MAX_ROUNDS`, or at the deadline; the best
plan is then rebuilt course by course (:mod:`schemalaggning.engine.rebuild`) and kept only
when it is better on the objective's levels (:mod:`schemalaggning.engine.levels`). On
``tight`` this met every due attendance (the greedy plan left 7 unmet) at 570 trainer
half-days against 622; on ``one-part1`` it gave 245 against 252. Deterministic: the
wall clock only stops it.
"""

from __future__ import annotations

import time

from schemalaggning.engine.greedy import GreedyBuilder
from schemalaggning.engine.levels import measure
from schemalaggning.engine.plan import Kind, Plan, SolveData
from schemalaggning.engine.rebuild import RebuildStats, Tally, past, rebuild_courses
from schemalaggning.interrupts import signal_name

#: Rounds at most (each builds a plan for each slack; a few are enough on the benchmarks).
MAX_ROUNDS = 4
#: Slots a prerequisite's session may end before the latest its successors allow, one
#: plan for each (0: as the greedy plan does; 10: a week).
SLACKS = (0, 10)
#: A course's trouble for each unmet due attendance, against one per trainer half-day
#: above its floor.
UNMET_WEIGHT = 10


class SlackBuilder(GreedyBuilder):
    """The greedy rules, a prerequisite's session ending :attr:`slack` slots before the
    latest its due successors allow, where it can (while :attr:`slack` is set).

    The greedy plan opens a session in the latest block before the most urgent deadline;
    for a prerequisite that deadline is the latest its successor's own deadline allows,
    and a prerequisite held there leaves the successor one block, which its trainers or
    people may not have free (on ``tight``, two people's T19 after a late T18).
    """

    slack = 0
    #: The slack for every attendance, not only prerequisites.
    everyone = False

    def try_open(
        self, course: int, start: int, pending: list[int], optional: list[int], urgent: int
    ) -> bool:
        """Open a session as the greedy plan does, ending :attr:`slack` slots before the
        urgent attendance's deadline if it has due successors."""
        data = self.data
        if self.slack and (
            self.everyone
            or any(data.attendances[s].kind is Kind.DUE for s in data.successors.get(urgent, ()))
        ):
            end = start + data.courses[course].half_days - 1
            if end > data.attendances[urgent].deadline - self.slack:
                return False
        return super().try_open(course, start, pending, optional, urgent)


def build_in_order(
    data: SolveData,
    order: list[int],
    deadline: float | None = None,
    slack: int = 0,
    everyone: bool = False,
) -> Plan | None:
    """A greedy plan serving the courses (indices, every prerequisite before its
    successors) in ``order``: each course's due attendances, its sessions moved earlier;
    then unmet attendances repaired and free seats filled, as the greedy plan does.
    With ``slack``, prerequisites end that many slots before their deadlines where they
    can (:class:`SlackBuilder`). ``None`` when the ``deadline`` stopped it halfway."""
    builder = SlackBuilder(data, None, deadline)
    builder.slack = slack
    builder.everyone = everyone
    for course in order:
        builder.serve_due(course)
        if slack:
            # What the slack leaves unserved is served without it.
            left = {
                u.attendance
                for u in builder.unmet
                if data.attendances[u.attendance].course == course
            }
            if left:
                builder.unmet = [u for u in builder.unmet if u.attendance not in left]
                builder.slack = 0
                builder.serve_due(course, only=left)
                builder.slack = slack
        if not builder.out_of_time():
            builder.move_earlier(course)
    if builder.out_of_time():
        return None
    builder.repair_unmet()
    for kind in (Kind.OPTIONAL, Kind.EXPERIENCED):
        for course in order:
            builder.fill(course, kind)
    return None if builder.timed_out else builder.plan


def order_with_first(data: SolveData, first: list[int]) -> list[int]:
    """The courses in the greedy plan's order, those of ``first`` (in that order, each
    after its prerequisites) moved to the front."""
    order: list[int] = []
    placed: set[int] = set()

    def add(course: int, path: frozenset[int]) -> None:
        if course in placed or course in path:  # ``path`` guards against a cycle
            return
        for before in data.courses[course].course.after:
            if before in data.course_idx:
                add(data.course_idx[before], path | {course})
        placed.add(course)
        order.append(course)

    for course in first:
        add(course, frozenset())
    for course_id in data.course_order:
        add(data.course_idx[course_id], frozenset())
    return order


def trouble(data: SolveData, plan: Plan, floors: dict[int, int]) -> dict[int, int]:
    """Each course's trouble in the plan: :data:`UNMET_WEIGHT` per unmet due attendance
    plus its trainer half-days above its floor."""
    found: dict[int, int] = {}
    for att in data.attendances:
        if att.kind is Kind.DUE and att.idx not in plan.assigned:
            found[att.course] = found.get(att.course, 0) + UNMET_WEIGHT
    spent: dict[int, int] = {}
    for _, session in plan.live_sessions():
        spent[session.course] = spent.get(session.course, 0) + data.courses[session.course].cost
    for course, half_days in spent.items():
        over = half_days - floors.get(course, 0)
        if over > 0:
            found[course] = found.get(course, 0) + over
    return found


def reorder_courses(
    data: SolveData,
    plan: Plan,
    floors: dict[int, int],
    bound: int,
    deadline: float | None = None,
    rounds: int = MAX_ROUNDS,
) -> tuple[Plan, RebuildStats]:
    """Build the plan again with the troubled courses served first, round by round,
    and keep the best plan, rebuilt, if it is better on the objective's levels (see the
    module's description).

    ``floors`` are the courses' lower bounds on trainer half-days (by course index),
    ``bound`` the trainer half-days bound the levels are measured with, ``deadline`` a
    ``time.perf_counter()`` after which no round starts (a plan being built then stops
    and is left out; the final rebuild keeps what it has). Ctrl-C (or SIGTERM) ends the
    rounds with the plan as it stands, and the stats name the signal.
    """
    began = time.perf_counter()
    values = [level.value for level in measure(plan, bound)]
    tally = Tally()
    try:
        best = best_order(data, plan, floors, bound, deadline, rounds, values, tally)
        if best is not None:
            # The courses the best order leaves above their bound are rebuilt.
            best, _ = rebuild_courses(data, best, floors, bound, deadline=deadline)
            if past(deadline):
                # The rebuild may have been cut short (it then kept what it had).
                tally.cut = True
            after = [level.value for level in measure(best, bound)]
            if after < values:
                plan, values = best, after
                tally.kept += 1
    except KeyboardInterrupt as stop:
        # The plan as it stands (the last one kept, or the one given) is complete.
        tally.stopped_by = signal_name(stop)
    return plan, tally.stats(began)


def best_order(
    data: SolveData,
    plan: Plan,
    floors: dict[int, int],
    bound: int,
    deadline: float | None,
    rounds: int,
    values: list[int],
    tally: Tally,
) -> Plan | None:
    """The best plan of the rounds (a squeaky wheel: each round serves first the courses
    whose trouble, added up over the rounds, is greatest), if one is better on the
    levels than ``values`` (the given plan's); else None.

    The rounds stop when an order comes again, after ``rounds``, or at the deadline.
    """
    base = [data.course_idx[c] for c in data.course_order]
    position = {c: i for i, c in enumerate(base)}
    seen: set[tuple[int, ...]] = {tuple(base)}
    score: dict[int, int] = dict.fromkeys(base, 0)
    walk = plan
    best: Plan | None = None
    best_values = values
    for _ in range(rounds):
        for course, weight in trouble(data, walk, floors).items():
            score[course] += weight
        first = sorted((c for c in base if score[c] > 0), key=lambda c: (-score[c], position[c]))
        order = order_with_first(data, first)
        if not first or tuple(order) in seen:
            break
        seen.add(tuple(order))
        chosen = best_slack(data, order, bound, deadline, tally)
        if chosen is None:
            break
        after, walk = chosen
        if after < best_values:
            best, best_values = walk, after
    return best


def best_slack(
    data: SolveData, order: list[int], bound: int, deadline: float | None, tally: Tally
) -> tuple[list[int], Plan] | None:
    """The order built for each of :data:`SLACKS`: the better plan with its levels'
    values; None when the deadline came before any was built.

    Prerequisites are held as late as their successors allow, and a week earlier where
    they can. Only the better plan is kept (a plan is as big as the instance).
    """
    chosen: tuple[list[int], Plan] | None = None
    for slack in SLACKS:
        if past(deadline):
            tally.cut = True
            break
        tally.tried += 1
        trial = build_in_order(data, order, deadline, slack)
        if trial is None:
            # Stopped halfway by the clock: left out (what it would have been
            # depends on the wall clock, and the stats say so).
            tally.cut = True
            break
        measured = [level.value for level in measure(trial, bound)]
        if chosen is None or measured < chosen[0]:
            chosen = (measured, trial)
    return chosen
