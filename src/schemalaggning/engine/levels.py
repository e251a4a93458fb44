"""The objective's levels measured on a whole plan, each with a lower bound where one is known.

The neighbourhood models minimise these levels in this order (see
:mod:`schemalaggning.engine.model.objective`); here they are measured on the whole plan, so that
the search can tell when a level is proven (its value equals a valid lower bound) and
``summary.json`` can report every level:

1. ``due_unmet``: due attendances not met and yearly offerings not held (bound 0);
2. ``trainer_half_days``: trainer half-days of every session, pinned ones included (bound:
   the window bound of :mod:`schemalaggning.engine.bound`);
3. ``part1_days``: days from each hire's start to the end of their part-1 sessions, summed
   over the due part-1 attendances met (bound: each one's earliest possible end, the first
   block of its course after its release and its prerequisites' earliest ends, with
   every resource free);
4. ``mixing_excess``: seats a district holds beyond its fair share of a session (bound 0);
5. ``trainer_max_load``: the largest total of half-days a trainer teaches (bound, when
   every due attendance is met: the trainer half-days bound shared evenly over the
   trainers qualified for anything, and at least any trainer's pinned load);
6. ``not_due_left_out``, 7. ``experienced_left_out``, 8. ``not_due_late``: no bound.

A level is *proven* when it and every level above it equal their bounds: no schedule
can then be better on it.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Any

from schemalaggning.engine.bound import window_bound
from schemalaggning.engine.model.problem import fair_shares
from schemalaggning.engine.plan import Kind, Plan, SolveData


@dataclass(frozen=True)
class Level:
    """One objective level: its value on the plan and a lower bound (``None``: none known)."""

    name: str
    value: int
    bound: int | None
    proven: bool

    def as_dict(self) -> dict[str, Any]:
        """The level as ``summary.json`` writes it."""
        return {"name": self.name, "value": self.value, "bound": self.bound, "proven": self.proven}


def part1_days_bound(data: SolveData) -> int:
    """The least sum of days from start to the end of part 1 any plan meeting every due
    part-1 attendance can have: each attendance at its earliest possible block."""
    earliest_end: dict[int, int] = {}

    def end_of(att_idx: int) -> int | None:
        if att_idx in earliest_end:
            return earliest_end[att_idx]
        att = data.attendances[att_idx]
        release = att.release
        for course in att.prereqs:
            before = data.by_person_course.get((att.person, course))
            if before is None:
                continue
            end = end_of(before)
            if end is None:
                return None
            release = max(release, end + 1)
        blocks = data.blocks_between(att.course, release, att.deadline)
        if not blocks:
            return None
        earliest_end[att_idx] = blocks[0] + data.courses[att.course].half_days - 1
        return earliest_end[att_idx]

    total = 0
    for att in data.attendances:
        if att.kind is not Kind.DUE or data.courses[att.course].course.part != "1":
            continue
        end = end_of(att.idx)
        if end is not None:
            person = data.instance.people[att.person]
            total += max(0, (data.grid.slots[end].day - person.start_date).days)
    return total


def trainer_loads(plan: Plan) -> list[int]:
    """Half-days each trainer teaches, pinned sessions included."""
    return [sum(weeks) for weeks in plan.trainer_week]


def measure(plan: Plan, half_days_bound: int, part1_bound: int | None = None) -> list[Level]:
    """Every objective level of the plan, with its bound and whether it is proven.

    Parameters
    ----------
    plan
        The plan (complete: every session with its members).
    half_days_bound
        A valid lower bound on trainer half-days (the window bound).
    part1_bound
        :func:`part1_days_bound` of the plan's data, if already computed.
    """
    data = plan.data
    unmet = plan.unmet()
    half_days = plan.trainer_half_days(pinned=True)
    part1, mixing, late = seat_levels(plan)
    loads = trainer_loads(plan)
    left_out = Counter(att.kind for att in data.attendances if att.idx not in plan.assigned)
    values: list[tuple[str, int, int | None]] = [
        ("due_unmet", unmet, 0),
        ("trainer_half_days", half_days, half_days_bound),
        ("part1_days", part1, part1_days_bound(data) if part1_bound is None else part1_bound),
        ("mixing_excess", mixing, 0),
        ("trainer_max_load", max(loads, default=0), max_load_bound(data, unmet, half_days_bound)),
        ("not_due_left_out", left_out[Kind.OPTIONAL], None),
        ("experienced_left_out", left_out[Kind.EXPERIENCED], None),
        ("not_due_late", late, None),
    ]
    levels = []
    proven = True
    for name, value, bound in values:
        proven = proven and bound is not None and value <= bound
        levels.append(Level(name, value, bound, proven))
    return levels


def seat_levels(plan: Plan) -> tuple[int, int, int]:
    """The levels the plan's seats make, in one walk over its sessions: part-1 days,
    mixing excess and not-yet-due lateness."""
    data = plan.data
    part1 = 0
    mixing = 0
    late = 0
    shares = {c.idx: fair_shares(plan, c.idx) for c in data.courses if c.attendances}
    for _, session in plan.live_sessions():
        info = data.courses[session.course]
        per_district: Counter[int] = Counter()
        for a in session.members:
            att = data.attendances[a]
            if att.kind is Kind.DUE and info.course.part == "1":
                end_day = data.grid.slots[session.start + info.half_days - 1].day
                start_day = data.instance.people[att.person].start_date
                part1 += max(0, (end_day - start_day).days)
            if att.kind is not Kind.EXPERIENCED:
                per_district[data.person_district[att.person]] += 1
            if att.kind is Kind.OPTIONAL:
                late += session.start
        share = shares.get(session.course, {})
        mixing += sum(max(0, n - share.get(d, n)) for d, n in per_district.items())
    return part1, mixing, late


def max_load_bound(data: SolveData, unmet: int, half_days_bound: int) -> int | None:
    """The bound on the largest trainer load, when every due attendance is met: the
    trainer half-days bound shared evenly over those who can teach, and at least any
    trainer's pinned load (``None`` otherwise)."""
    pinned_load: Counter[str] = Counter()
    for fixed in data.instance.fixed_sessions:
        for trainer_id in fixed.trainer_ids:
            pinned_load[trainer_id] += len(fixed.slots)
    teachers = {data.trainer_ids[t] for c in data.courses for t in c.qualified} | set(pinned_load)
    if unmet != 0 or not teachers:
        return None
    # Every session's half-days are taught by someone who can teach.
    even = math.ceil(half_days_bound / len(teachers))
    return max(even, max(pinned_load.values(), default=0))


def top_proven(levels: list[Level]) -> bool:
    """Whether the first two levels (due attendances met, trainer half-days) are proven."""
    return len(levels) >= 2 and levels[1].proven


def course_floors(data: SolveData) -> dict[int, int]:
    """Each course's window bound on trainer half-days, by course index: the floor the
    rebuilds and the search judge a course's sessions against."""
    return {
        data.course_idx[course_id]: bound.trainer_half_days
        for course_id, bound in window_bound(data.instance).items()
        if course_id in data.course_idx
    }
