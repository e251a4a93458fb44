"""Yearly offerings in a plan: each course held ``per_year`` times in every offering year.

The Göteborg report gives the whole of part 2 at least once a year, so that every hire
can finish within two years (format 1.2). Due attendances alone may leave a year without
a course; :func:`hold_offerings` then opens a session of it in that year, filled with
the people who may attend (hires whose attendance is not yet due, experienced staff,
and, where they are too few, due attendances moved from sessions that keep their group
without them), in the block that seats the most of them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from schemalaggning.domain import Course, Instance, Unscheduled
from schemalaggning.engine.plan import (
    Kind,
    Plan,
    PlannedSession,
    SolveData,
    free_rooms,
    pick_trainers,
)
from schemalaggning.i18n import _
from schemalaggning.rules import (
    OFFERING_COUNT,
    OFFERING_NO_BLOCK,
    OFFERING_NO_ROOM_OR_TRAINERS,
    OFFERING_TOO_FEW,
    Reason,
    Rule,
)


@dataclass(frozen=True)
class Offer:
    """A session that would hold an offering: its block, room, trainers and members, and
    the due attendances it moves from other sessions."""

    start: int
    room: int
    trainers: tuple[int, ...]
    members: list[int]
    moved: list[int]


def hold_offerings(plan: Plan, out_of_time: Callable[[], bool]) -> None:
    """Open sessions for every yearly offering the plan lacks, where a group can be had."""
    for (course, year), short in sorted(plan.offerings_short().items()):
        for _time in range(short):
            if out_of_time():
                return
            offer = best_offer(plan, course, year)
            if offer is None:
                break
            for att_idx in offer.moved:
                plan.unseat(att_idx)
            plan.open(
                PlannedSession(course, offer.start, offer.room, offer.trainers, offer.members)
            )


def free_people(plan: Plan, course: int) -> list[int]:
    """The course's attendances not seated that are real people with their prerequisites
    planned: due ones first, then hires not yet due (earliest release first), then
    experienced staff."""
    data = plan.data
    waiting = [
        a
        for a in data.courses[course].attendances
        if a not in plan.assigned
        and not data.is_held(a)
        and plan.release(data.attendances[a]) is not None
    ]
    return sorted(
        waiting,
        key=lambda a: (data.attendances[a].kind, data.attendances[a].release, a),
    )


def movable_people(plan: Plan, course: int) -> list[int]:
    """Due attendances seated in sessions of the course with more real people than its
    ``min_group``, that no seated successor depends on: they may change session."""
    data = plan.data
    min_group = data.courses[course].course.min_group
    movable = []
    for _index, session in plan.live_sessions():
        if session.course != course or data.real_count(session.members) <= min_group:
            continue
        movable += [
            a
            for a in session.members
            if not data.is_held(a)
            and data.attendances[a].kind is Kind.DUE
            and not any(s in plan.assigned for s in data.successors.get(a, ()))
        ]
    return movable


def open_blocks(
    plan: Plan, course: int, blocks: list[int]
) -> Iterator[tuple[int, list[int], tuple[int, ...], int]]:
    """The blocks where a session of the course could open: each with its free rooms
    (smallest first), the trainers to take and the most seats a free room offers."""
    for start in blocks:
        rooms = free_rooms(plan, course, start)
        trainers = pick_trainers(plan, course, start) if rooms else None
        if trainers is not None:
            yield start, rooms, trainers, max(plan.data.seats(course, r) for r in rooms)


def best_offer(plan: Plan, course: int, year: int) -> Offer | None:
    """The block of the year whose session seats the most people who are free (the
    earliest such block on a tie), or, when none gathers ``min_group`` of them, the one
    that needs the fewest moved from sessions that keep their group."""
    data = plan.data
    info = data.courses[course]
    blocks = [b for b in info.blocks if data.slot_year[b] == year]
    people = free_people(plan, course)
    best: Offer | None = None
    for start, rooms, trainers, seats in open_blocks(plan, course, blocks):
        members = gather(plan, course, start, people, [], seats)
        if len(members) >= info.course.min_group and (
            best is None or len(members) > len(best.members)
        ):
            room = next(r for r in rooms if data.seats(course, r) >= len(members))
            best = Offer(start, room, trainers, members, [])
    return best if best is not None else offer_with_moves(plan, course, blocks, people)


def offer_with_moves(plan: Plan, course: int, blocks: list[int], people: list[int]) -> Offer | None:
    """A session of the year made up with due attendances moved from other sessions of
    the course, each of which keeps ``min_group`` real people: the block that needs the
    fewest moves."""
    data = plan.data
    movable = movable_people(plan, course)
    if not movable:
        return None
    best: Offer | None = None
    for start, rooms, trainers, seats in open_blocks(plan, course, blocks):
        members = gather(plan, course, start, people, [], seats)
        moved = moves_for(plan, course, start, movable, members)
        if moved is None or (best is not None and len(moved) >= len(best.moved)):
            continue
        group = members + moved
        room = next(r for r in rooms if data.seats(course, r) >= len(group))
        best = Offer(start, room, trainers, group, moved)
        if not moved:
            break
    return best


def moves_for(
    plan: Plan, course: int, start: int, movable: list[int], members: list[int]
) -> list[int] | None:
    """Movable attendances that make ``members`` a group of ``min_group`` in a session of
    the course at ``start``, each old session keeping ``min_group``; None when there are
    not enough."""
    need = plan.data.courses[course].course.min_group - len(members)
    moved = gather(plan, course, start, movable, members, need)
    return moved if len(moved) >= need else None


def gather(
    plan: Plan,
    course: int,
    start: int,
    candidates: list[int],
    members: list[int],
    limit: int | None = None,
) -> list[int]:
    """The candidates (in order, at most ``limit``) who may join ``members`` in a session
    of the course at ``start``: inside their window, after their prerequisites, free,
    within their district's limit; a seated one only if their session keeps
    ``min_group`` real people without them."""
    data = plan.data
    info = data.courses[course]
    length = info.half_days
    left = {
        index: data.real_count(s.members) - info.course.min_group
        for index, s in plan.live_sessions()
        if s.course == course
    }
    taken = Counter(data.person_district[data.attendances[a].person] for a in members)
    chosen: list[int] = []
    for att_idx in candidates:
        if limit is not None and len(chosen) >= limit:
            break
        att = data.attendances[att_idx]
        index = plan.assigned.get(att_idx)
        if index is not None and left[index] <= 0:
            continue
        if att.release > start or att.deadline < start + length - 1:
            continue
        if not plan.ready(att, start) or not plan.person_free(att.person, start, length):
            continue
        district = data.person_district[att.person]
        if plan.district_spare(district, start, length) - taken[district] < 1:
            continue
        taken[district] += 1
        if index is not None:
            left[index] -= 1
        chosen.append(att_idx)
    return chosen


def last_open_day(data: SolveData, year: int) -> date:
    """The last open day of the year inside the horizon (an offering's deadline)."""
    days = [slot.day for slot in data.grid.slots if slot.day.year == year]
    return max(days) if days else min(date(year, 12, 31), data.instance.settings.horizon_end)


def offering_reason(plan: Plan, course: int, year: int) -> Reason:
    """Why the plan holds too few sessions of the course in the year, in words."""
    data = plan.data
    info = data.courses[course]
    blocks = [b for b in info.blocks if data.slot_year[b] == year]
    if not blocks:
        return Reason(
            Rule.CLOSED_DAY, _(OFFERING_NO_BLOCK).format(year=year, half_days=info.half_days)
        )
    usable = [start for start, *_ in open_blocks(plan, course, blocks)]
    if not usable:
        return Reason(
            Rule.TRAINER_AVAILABLE,
            _(OFFERING_NO_ROOM_OR_TRAINERS).format(
                year=year, group=info.course.min_group, trainers=info.trainers
            ),
        )
    if best_offer(plan, course, year) is not None:
        return Reason(
            None,
            _(
                "the planning ran out of time before it held the course in {year}; a "
                "longer run (--time-limit) may hold it"
            ).format(year=year),
        )
    people = free_people(plan, course)
    most = max(len(gather(plan, course, start, people, [])) for start in usable)
    return Reason(
        Rule.MIN_GROUP,
        _(OFFERING_TOO_FEW).format(year=year, most=most, group=info.course.min_group),
    )


def offering_records(plan: Plan) -> list[Unscheduled]:
    """The yearly offerings the plan does not hold, as rows of ``unscheduled.csv``: an
    empty ``person_id``, the course, the year's last open day and the reason."""
    data = plan.data
    records = []
    for (course, year), short in sorted(plan.offerings_short().items()):
        info = data.courses[course]
        reason = offering_reason(plan, course, year)
        held = info.course.per_year - short
        records.append(
            Unscheduled(
                person_id="",
                course_id=info.course.course_id,
                deadline=last_open_day(data, year),
                reason=offering_text(info.course, year, reason, held),
            )
        )
    return records


def offering_text(course: Course, year: int, reason: Reason, held: int) -> str:
    """An unheld offering's reason as ``unscheduled.csv`` writes it: the rule's name, the
    course by name, the obstacle and the count of sessions held."""
    words = _("{course} cannot be held {needed} time(s) in {year}: {obstacle}").format(
        course=course.name or course.course_id,
        needed=course.per_year,
        year=year,
        obstacle=reason.said,
    )
    count = _(OFFERING_COUNT).format(held=held, needed=course.per_year)
    return f"{reason.name}: {words} {count}"


def offerings_summary(instance: Instance, unscheduled: Iterable[Unscheduled]) -> dict[str, Any]:
    """The yearly offerings in ``summary.json``: the offering years, how many sessions the
    courses owe in them in all (``per_year`` each), and how many course-years are not held
    (the rows of ``unscheduled.csv`` without a person)."""
    years = list(instance.offering_years)
    owed = sum(course.per_year for course in instance.courses) * len(years)
    return {
        "years": years,
        "owed": owed,
        "unheld": sum(1 for u in unscheduled if u.offering),
    }
