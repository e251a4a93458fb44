"""Lower bounds on the trainer half-days any schedule needs.

The *window bound*: for each course, pretend a session is a single point in time that
seats the largest possible group. Sort the due attendances' date windows by deadline;
open a session at the earliest unserved deadline and seat there the unserved
attendances already released, earliest deadline first, up to the seats; repeat. For
points on a line this earliest-deadline stabbing opens the fewest sessions any
schedule can, so that count times ``half_days`` times ``trainers``, summed over the
courses, is a valid lower bound. The simpler *capacity bound*, ``ceil(due / seats)``
per course, is never larger. A course held ``per_year`` times in every offering year
(format 1.2) needs at least that many sessions in each such year, besides those the
windows inside the year need: the larger of the two counts is the course's bound.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from schemalaggning.domain import Course, Instance


@dataclass(frozen=True)
class CourseBound:
    """The bound for one course."""

    course_id: str
    due: int
    seats: int
    sessions: int
    capacity_sessions: int
    trainer_half_days: int


def course_seats(instance: Instance, course: Course) -> int:
    """The largest group a session of the course can seat.

    At most ``max_group``, the largest room's seats, and the number of people the
    districts may have away at once (each district's ``max_absent``, or its number of
    people if fewer): everyone in a session is away in the same half-days. An instance
    without people (a planning scenario) is limited by ``max_absent`` alone.
    """
    largest_room = max((room.capacity for room in instance.rooms), default=0)
    headcount: dict[str, int] = {}
    for person in instance.people:
        headcount[person.district_id] = headcount.get(person.district_id, 0) + 1
    away = sum(
        min(d.max_absent, headcount.get(d.district_id, 0)) if instance.people else d.max_absent
        for d in instance.districts
    )
    return min(course.max_group, largest_room, away)


def stabbing_sessions(windows: list[tuple[date, date]], seats: int) -> int:
    """Fewest point sessions of ``seats`` seats that serve every (release, deadline) window.

    Windows that are empty (release after deadline) cannot be served and are skipped.
    """
    if seats <= 0:
        return 0
    by_release = sorted((w for w in windows if w[0] <= w[1]), key=lambda w: w[0])
    # The attendances not yet released form a suffix of ``by_release``; the smallest
    # deadline of each suffix tells the earliest unserved deadline among them.
    suffix_min: list[date] = [date.max] * (len(by_release) + 1)
    for i in range(len(by_release) - 1, -1, -1):
        suffix_min[i] = min(by_release[i][1], suffix_min[i + 1])
    released: list[date] = []  # Deadlines of released, unserved attendances (a heap).
    sessions = 0
    idx = 0
    while idx < len(by_release) or released:
        point = min(released[0] if released else date.max, suffix_min[idx])
        # Everything released by the earliest unserved deadline may sit in this session;
        # every one of them has a deadline on or after it.
        while idx < len(by_release) and by_release[idx][0] <= point:
            heapq.heappush(released, by_release[idx][1])
            idx += 1
        sessions += 1
        for _ in range(min(seats, len(released))):
            heapq.heappop(released)
    return sessions


def yearly_sessions(
    instance: Instance, course: Course, windows: list[tuple[date, date]], seats: int
) -> int:
    """Fewest sessions of the course that hold its yearly offerings (format 1.2): in each
    calendar year of the horizon, at least ``per_year`` of them (in an offering year) and
    at least the stabbing count of the windows that lie inside that year, since those
    are met by sessions of that year only (the years do not share sessions)."""
    horizon = instance.settings
    offered = set(instance.offering_years)
    total = 0
    for year in range(horizon.horizon_start.year, horizon.horizon_end.year + 1):
        inside = [w for w in windows if w[0].year == year and w[1].year == year]
        least = course.per_year if year in offered else 0
        total += max(least, stabbing_sessions(inside, seats))
    return total


def window_bound(instance: Instance) -> dict[str, CourseBound]:
    """The window bound for every course, over the due attendances not already pinned.

    A pinned (fixed) session with free seats could replace at most one new session, so
    each one of the course lowers the count of new sessions needed by at most one; the
    pinned sessions' own half-days are counted in full.
    """
    pinned = {(a.person_id, a.course_id) for a in instance.fixed_assignments}
    windows: dict[str, list[tuple[date, date]]] = defaultdict(list)
    for attendance in instance.due_attendances:
        if tuple(attendance) in pinned:
            continue
        person = instance.person_by_id[attendance.person_id]
        course = instance.course_by_id[attendance.course_id]
        # Sessions are held inside the horizon: a planned-ahead window ends with it.
        windows[course.course_id].append(
            (
                instance.earliest(person, course),
                min(instance.deadline(person, course), instance.settings.horizon_end),
            )
        )
    fixed_count: dict[str, int] = defaultdict(int)
    for session in instance.fixed_sessions:
        fixed_count[session.course_id] += 1
    bounds: dict[str, CourseBound] = {}
    for course in instance.courses:
        seats = course_seats(instance, course)
        course_windows = windows.get(course.course_id, [])
        sessions = max(
            stabbing_sessions(course_windows, seats),
            yearly_sessions(instance, course, course_windows, seats),
        )
        due = len(course_windows)
        capacity = -(-due // seats) if seats > 0 else 0
        new_sessions = max(0, sessions - fixed_count[course.course_id])
        per_session = course.half_days * course.trainers
        bounds[course.course_id] = CourseBound(
            course_id=course.course_id,
            due=due,
            seats=seats,
            sessions=sessions,
            capacity_sessions=capacity,
            trainer_half_days=(new_sessions + fixed_count[course.course_id]) * per_session,
        )
    return bounds


def trainer_half_days_bound(instance: Instance) -> int:
    """The window bound on trainer half-days, summed over the courses."""
    return sum(bound.trainer_half_days for bound in window_bound(instance).values())
