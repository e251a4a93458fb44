"""Serving the courses in another order where the greedy plan's order costs sessions.

The greedy plan serves one course after another, prerequisites first: each course takes
the blocks, rooms, people and districts' places it wants, and the courses served last
find the early weeks taken. Their first sessions, due by then, open in a smaller room
or with the few people still free, and a session more is needed later. On the
``one-part1`` benchmark four themes served late held 2 to 7 people in their early
sessions (9 trainer half-days above their window bounds); on ``tight`` the last courses
also left due attendances unmet.

A reorder builds the whole plan again with the greedy rules, serving first the courses
with unmet due attendances (most unmet first), then those furthest above their own
lower bound, each after its prerequisites, the others in the usual order. The plan is
rebuilt course by course (:mod:`schemalaggning.rebuild`) and kept only when it is
better on the objective's levels (:mod:`schemalaggning.levels`). The courses each plan
(kept or not) leaves unmet or above their bound go first in the next round: a walk over
orders, which on ``one-part1`` passes through a plan with one unmet attendance to one
at 245 trainer half-days. The rounds stop when an order comes again, after
:data:`MAX_ROUNDS`, or at the deadline. Deterministic: the wall clock only stops it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from schemalaggning.greedy import GreedyBuilder
from schemalaggning.interrupts import signal_name
from schemalaggning.levels import measure
from schemalaggning.plan import Kind, Plan, SolveData
from schemalaggning.rebuild import rebuild_courses

#: Rounds at most (each builds one plan; a few are enough on the benchmarks).
MAX_ROUNDS = 8


@dataclass(frozen=True)
class ReorderStats:
    """What the reorders did."""

    tried: int
    kept: int
    seconds: float
    cut: bool
    #: The signal that stopped the reorders (Ctrl-C, SIGTERM), if one did.
    interrupted_by: str | None = None

    def as_dict(self) -> dict[str, object]:
        """The figures ``summary.json`` reports."""
        return {
            "tried": self.tried,
            "kept": self.kept,
            "seconds": round(self.seconds, 3),
            "wall_clock_cut": self.cut,
        }


def build_in_order(data: SolveData, order: list[int], deadline: float | None = None) -> Plan:
    """A greedy plan serving the courses (indices, every prerequisite before its
    successors) in ``order``: each course's due attendances, its sessions moved earlier;
    then unmet attendances repaired and free seats filled, as the greedy plan does."""
    builder = GreedyBuilder(data, None, deadline)
    for course in order:
        builder.serve_due(course)
        if not builder.out_of_time():
            builder.move_earlier(course)
    if builder.out_of_time():
        return builder.plan
    builder.repair_unmet()
    for kind in (Kind.EXPERIENCED, Kind.OPTIONAL):
        for course in order:
            builder.fill(course, kind)
    return builder.plan


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


def courses_to_move(data: SolveData, plan: Plan, floors: dict[int, int]) -> list[int]:
    """The courses with unmet due attendances (most first), then those above their floor
    (furthest first), ties by course index."""
    unmet: dict[int, int] = {}
    for att in data.attendances:
        if att.kind is Kind.DUE and att.idx not in plan.assigned:
            unmet[att.course] = unmet.get(att.course, 0) + 1
    spent: dict[int, int] = {}
    for _, session in plan.live_sessions():
        spent[session.course] = spent.get(session.course, 0) + data.courses[session.course].cost
    over = {c: spent[c] - floors.get(c, 0) for c in spent if spent[c] > floors.get(c, 0)}
    first = sorted(unmet, key=lambda c: (-unmet[c], c))
    first += sorted((c for c in over if c not in unmet), key=lambda c: (-over[c], c))
    return first


def reorder_courses(
    data: SolveData,
    plan: Plan,
    floors: dict[int, int],
    bound: int,
    deadline: float | None = None,
    rounds: int = MAX_ROUNDS,
) -> tuple[Plan, ReorderStats]:
    """Build the plan again with the costly courses served first, round by round, and
    keep each plan better on the objective's levels (see the module's description).

    ``floors`` are the courses' lower bounds on trainer half-days (by course index),
    ``bound`` the trainer half-days bound the levels are measured with, ``deadline`` a
    ``time.perf_counter()`` after which no round starts. Ctrl-C (or SIGTERM) ends the
    rounds with the plan as it stands, and the stats name the signal.
    """
    began = time.perf_counter()
    values = [level.value for level in measure(plan, bound)]
    tried = kept = 0
    cut = False
    stopped_by: str | None = None
    seen: set[tuple[int, ...]] = {tuple(data.course_idx[c] for c in data.course_order)}
    walk = plan
    try:
        for _ in range(rounds):
            first = courses_to_move(data, walk, floors)
            order = order_with_first(data, first)
            if not first or tuple(order) in seen:
                break
            seen.add(tuple(order))
            if deadline is not None and time.perf_counter() > deadline:
                cut = True
                break
            tried += 1
            walk = build_in_order(data, order, deadline)
            # The courses this order leaves above their bound are rebuilt at once: an
            # order is judged by the plan it leads to.
            walk, _ = rebuild_courses(data, walk, floors, bound, deadline=deadline)
            if deadline is not None and time.perf_counter() > deadline:
                # The plan may have been cut short (and is then no better).
                cut = True
            after = [level.value for level in measure(walk, bound)]
            if after < values:
                plan, values = walk, after
                kept += 1
    except KeyboardInterrupt as stop:
        # The plan as it stands (the last one kept, or the one given) is complete.
        stopped_by = signal_name(stop)
    return plan, ReorderStats(tried, kept, time.perf_counter() - began, cut, stopped_by)
