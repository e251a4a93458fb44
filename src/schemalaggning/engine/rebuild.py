"""Rebuilding a course's sessions where the greedy plan holds more than its bound.

The greedy plan serves each course earliest deadline first and opens a session in the
latest block before the most urgent deadline that has a free room. When the big rooms
are taken there, it opens the session in a smaller one, and the seats lost then add a
session at the end: on the bundled Göteborg instance one theme held 24 where a room of
30 was free a few blocks earlier, and needed twelve sessions where eleven do.

A rebuild takes every session of one course out of the plan and serves the course
again with one more rule: a session opens only in a block with a room that seats the
group its attendances can make up (the course's seats, or fewer when fewer are left,
and no more of a district than may be away). The attendances no such block serves are
then served by the usual rules. When that is not better, a second rebuild asks more: the
full group must be seated in the block (its people free, the districts' limits kept as
the plan stands), which looks further back for each session and so takes longer. A
rebuilt plan is kept only when it is better on the objective's levels (due attendances
met, trainer half-days, then the lower ones; :mod:`schemalaggning.engine.levels`), so a rebuild
never makes the plan worse. Courses above their own lower bound are rebuilt once each,
furthest above first; while due attendances are unmet, only their courses are.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass

from schemalaggning.engine.greedy import GreedyBuilder
from schemalaggning.engine.levels import measure
from schemalaggning.engine.members import choose_members
from schemalaggning.engine.offerings import hold_offerings
from schemalaggning.engine.plan import Kind, Plan, SolveData, free_rooms, pick_trainers
from schemalaggning.interrupts import signal_name


class FullGroupBuilder(GreedyBuilder):
    """The greedy rules, opening sessions only where a full group fits while
    :attr:`full_groups` is set.

    A full group is the course's seats, or fewer when fewer attendances are pending (and
    no more of a district than it may have away). With :attr:`seated` the group must
    be seated there too (every member free, within the districts' limits as the plan
    stands); without it, a free room that seats it is enough.
    """

    full_groups = True
    seated = False

    def try_open(
        self, course: int, start: int, pending: list[int], optional: list[int], urgent: int
    ) -> bool:
        """Open a session as the greedy plan does, if a full group fits the block (while
        :attr:`full_groups` is set)."""
        if self.full_groups:
            data = self.data
            wanted = self.full_group(course, pending)
            rooms = free_rooms(self.plan, course, start)
            seats = max((data.seats(course, r) for r in rooms), default=0)
            if seats < wanted:
                return False
            if self.seated:
                if pick_trainers(self.plan, course, start) is None:
                    return False
                ordered = sorted(pending, key=data.is_held)
                members = choose_members(self.plan, ordered, course, start, seats, first=urgent)
                if len(members) < wanted:
                    return False
        return super().try_open(course, start, pending, optional, urgent)

    def full_group(self, course: int, pending: list[int]) -> int:
        """The group the pending attendances make up: at most the course's seats, and no
        more of a district than it may have away."""
        data = self.data
        by_district = Counter(data.person_district[data.attendances[a].person] for a in pending)
        fits = sum(min(n, self.plan.district_limit[d]) for d, n in by_district.items())
        return min(data.courses[course].seats, fits)


@dataclass(frozen=True)
class RebuildStats:
    """What the rebuilds did, or the courses served in other orders
    (:mod:`schemalaggning.engine.reorder`)."""

    tried: int
    kept: int
    seconds: float
    cut: bool
    #: The signal that stopped them (Ctrl-C, SIGTERM), if one did.
    interrupted_by: str | None = None

    def as_dict(self) -> dict[str, object]:
        """The figures ``summary.json`` reports."""
        return {
            "tried": self.tried,
            "kept": self.kept,
            "seconds": round(self.seconds, 3),
            "wall_clock_cut": self.cut,
        }


def rebuild_course(
    data: SolveData,
    plan: Plan,
    course: int,
    seated: bool = False,
    deadline: float | None = None,
) -> Plan:
    """A copy of the plan with the course's sessions served again, full groups first
    (with ``seated``, groups seated in full; see :class:`FullGroupBuilder`). Past the
    ``time.perf_counter()`` deadline the attendances not yet served are left unmet, so
    the copy is no better than the plan."""
    trial = plan.copy()
    for index, session in trial.live_sessions():
        if session.course == course:
            trial.close(index)
    builder = FullGroupBuilder(data, trial, deadline)
    builder.seated = seated
    builder.serve_due(course)
    left = {u.attendance for u in builder.unmet if data.attendances[u.attendance].course == course}
    builder.unmet = [u for u in builder.unmet if u.attendance not in left]
    builder.full_groups = False
    if left:
        builder.serve_due(course, only=left)
    builder.move_earlier(course)
    hold_offerings(trial, builder.out_of_time)
    for kind in (Kind.OPTIONAL, Kind.EXPERIENCED):
        builder.fill(course, kind)
    return trial


def rebuild_courses(
    data: SolveData,
    plan: Plan,
    floors: dict[int, int],
    bound: int,
    part1_bound: int | None = None,
    deadline: float | None = None,
) -> tuple[Plan, RebuildStats]:
    """Rebuild each course above its floor (trainer half-days, by course index), furthest
    above first, or while due attendances are unmet each course with unmet ones; keep
    each rebuild that makes the plan better on the objective's levels.

    ``bound`` is the trainer half-days bound the levels are measured with; ``deadline``
    a ``time.perf_counter()`` after which no rebuild starts. Ctrl-C (or SIGTERM) ends
    the rebuilds with the plan as it stands, and the stats name the signal.
    """
    began = time.perf_counter()
    order = rebuild_order(data, plan, floors)
    values = [level.value for level in measure(plan, bound, part1_bound)]
    tally = Tally()
    try:
        for course in order:
            if past(deadline):
                tally.cut = True
                break
            plan, values = rebuild_better(
                data, plan, values, course, bound, part1_bound, deadline, tally
            )
    except KeyboardInterrupt as stop:
        # The plan as it stands (the last rebuild kept, or none) is complete and valid.
        tally.stopped_by = signal_name(stop)
    return plan, tally.stats(began)


def past(deadline: float | None) -> bool:
    """Whether the ``time.perf_counter()`` deadline (None: none) has passed."""
    return deadline is not None and time.perf_counter() > deadline


@dataclass
class Tally:
    """What the rebuilds (or the reorders) have done so far: plans tried and kept,
    whether the deadline cut them short, and the signal that stopped them."""

    tried: int = 0
    kept: int = 0
    cut: bool = False
    stopped_by: str | None = None

    def stats(self, began: float) -> RebuildStats:
        """The stats, with the seconds since ``began`` (a ``time.perf_counter()``)."""
        return RebuildStats(
            self.tried, self.kept, time.perf_counter() - began, self.cut, self.stopped_by
        )


def rebuild_order(data: SolveData, plan: Plan, floors: dict[int, int]) -> list[int]:
    """The courses to rebuild, in order: while due attendances are unmet, the courses with
    unmet ones, the most first; otherwise those above their floor, furthest first."""
    spent: dict[int, int] = {}
    for _, session in plan.live_sessions():
        spent[session.course] = spent.get(session.course, 0) + data.courses[session.course].cost
    unmet: dict[int, int] = {}
    for att in data.attendances:
        if att.kind is Kind.DUE and att.idx not in plan.assigned:
            unmet[att.course] = unmet.get(att.course, 0) + 1
    order = sorted(
        (c.idx for c in data.courses if c.attendances),
        key=lambda c: (-unmet.get(c, 0), -(spent.get(c, 0) - floors.get(c, 0)), c),
    )
    if unmet:
        # Meeting due attendances ranks above every half-day: while some are unmet, only
        # their courses are rebuilt, and the search's repairs get the time the others
        # would take.
        return [c for c in order if unmet.get(c, 0)]
    return [c for c in order if spent.get(c, 0) > floors.get(c, 0)]


def rebuild_better(
    data: SolveData,
    plan: Plan,
    values: list[int],
    course: int,
    bound: int,
    part1_bound: int | None,
    deadline: float | None,
    tally: Tally,
) -> tuple[Plan, list[int]]:
    """The plan with the course rebuilt and its levels' values, if a rebuild is better
    on them (``values`` are the plan's); else the plan and values as given.

    A free room that seats a full group is asked for first; if that is not better, a
    full group seated (slower: each block's group is chosen before it is taken).
    """
    for seated in (False, True):
        if past(deadline):
            tally.cut = True
            break
        tally.tried += 1
        trial = rebuild_course(data, plan, course, seated, deadline)
        if past(deadline):
            # The rebuild may have stopped short (and is then no better).
            tally.cut = True
        top = [trial.unmet(), trial.trainer_half_days(pinned=True)]
        if top > values[:2]:
            continue
        after = [level.value for level in measure(trial, bound, part1_bound)]
        if after < values:
            tally.kept += 1
            return trial, after
    return plan, values
