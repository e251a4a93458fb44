"""The windows the weekly bound (:mod:`schemalaggning.engine.bound_weeks`) works on.

Each due attendance has a run of blocks it may sit in: from its release (and after the
earliest possible end of its prerequisites) to its deadline (tightened so that its due
successors still fit). Hall's condition on these runs says that any run of blocks needs
at least as many sessions as its attendances fill; the fewest sessions meeting every
such condition are found exactly, runs in order of their last block.
"""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

import numpy as np

from schemalaggning.domain import Course, Instance
from schemalaggning.engine.bound import course_seats
from schemalaggning.timegrid import TimeGrid


@dataclass
class BlockCourse:
    """A course with its blocks."""

    idx: int
    course: Course
    starts: list[int]  # block starts, in time order
    start_week: list[int]  # the week of each block start
    seats: int

    @property
    def half_days(self) -> int:
        return self.course.half_days

    @property
    def cost(self) -> int:
        return self.course.half_days * self.course.trainers


def topological(instance: Instance) -> list[int]:
    """Course indices with every prerequisite before the courses after it."""
    index = {c.course_id: i for i, c in enumerate(instance.courses)}
    order: list[int] = []
    placed: set[int] = set()
    remaining = list(range(len(instance.courses)))
    while remaining:
        ready = [
            i
            for i in remaining
            if all(b not in index or index[b] in placed for b in instance.courses[i].after)
        ]
        if not ready:  # A cycle (the reader rejects them); file order then.
            ready = remaining[:1]
        order += ready
        placed.update(ready)
        remaining = [i for i in remaining if i not in placed]
    return order


def pinned_ends(instance: Instance, grid: TimeGrid) -> dict[tuple[int, int], int]:
    """The last slot of each pinned attendance's session, by (person, course) index:
    -1 before the horizon, ``num_slots`` after it."""
    course_index = {c.course_id: i for i, c in enumerate(instance.courses)}
    person_index = {p.person_id: i for i, p in enumerate(instance.people)}
    fixed_by_id = {s.session_id: s for s in instance.fixed_sessions}
    ends: dict[tuple[int, int], int] = {}
    for a in instance.fixed_assignments:
        session = fixed_by_id.get(a.session_id)
        if session is None or a.person_id not in person_index or a.course_id not in course_index:
            continue
        last = session.slots[-1] if session.slots else None
        if last is None or last.day < instance.settings.horizon_start:
            end = -1
        else:
            end = grid.slot_idx.get(last, grid.num_slots)
        ends[person_index[a.person_id], course_index[a.course_id]] = end
    return ends


def due_windows(
    instance: Instance, grid: TimeGrid, courses: list[BlockCourse]
) -> dict[tuple[int, int], tuple[int, int]]:
    """Each due attendance's first start and last end slot, by (person, course) index.

    The release is the first slot on or after the earliest day, and after the earliest
    possible end of each prerequisite not done (the first block of the prerequisite after
    its own release; a pinned prerequisite's session end). The deadline is the last slot
    on or before the deadline day, and before the latest block start of each due
    successor. Pinned attendances are left out (their sessions are kept); so is an
    attendance whose prerequisite no block fits (no schedule meets it).
    """
    return _DueWindows(instance, grid, courses).windows()


class _DueWindows:
    """The due attendances' windows in slots, worked out as :func:`due_windows` says."""

    def __init__(self, instance: Instance, grid: TimeGrid, courses: list[BlockCourse]) -> None:
        self.instance = instance
        self.grid = grid
        self.courses = courses
        self.course_index = {c.course_id: i for i, c in enumerate(instance.courses)}
        person_index = {p.person_id: i for i, p in enumerate(instance.people)}
        self.pinned = pinned_ends(instance, grid)
        # Many people share a start date: their windows in slots are worked out once.
        self.slots_of: dict[tuple[date, int], tuple[int, int]] = {}
        self.deadline_of: dict[tuple[int, int], int] = {}
        self.release_of: dict[tuple[int, int], int] = {}
        # Local names in the loops over every due attendance (tens of thousands).
        course_index, pinned, window_slots = self.course_index, self.pinned, self.window_slots
        release_of, deadline_of = self.release_of, self.deadline_of
        for att in instance.due_attendances:
            key = (person_index[att.person_id], course_index[att.course_id])
            if key in pinned:
                continue
            release_of[key], deadline_of[key] = window_slots(*key)
        self.earliest_end: dict[tuple[int, int], int | None] = {}

    def window_slots(self, person: int, course: int) -> tuple[int, int]:
        """The person's first and last slot for the course, from the days alone."""
        record = self.instance.people[person]
        key = (record.start_date, course)
        found = self.slots_of.get(key)
        if found is None:
            course_record = self.instance.courses[course]
            found = (
                self.grid.first_slot_on_or_after(self.instance.earliest(record, course_record)),
                self.grid.last_slot_on_or_before(self.instance.deadline(record, course_record)),
            )
            self.slots_of[key] = found
        return found

    def prereqs(self, person: int, course: int) -> list[int]:
        """The course's prerequisites (indices) the person has not done."""
        done = self.instance.people[person].done
        course_index = self.course_index
        return [
            course_index[b]
            for b in self.instance.courses[course].after
            if b in course_index and b not in done
        ]

    def tighten_deadlines(self) -> None:
        """Deadlines backwards: a due prerequisite ends before its due successor's latest
        block."""
        deadline_of = self.deadline_of
        by_course: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for key in deadline_of:
            by_course[key[1]].append(key)
        for c in reversed(topological(self.instance)):
            info = self.courses[c]
            for key in by_course.get(c, []):
                pos = bisect.bisect_right(info.starts, deadline_of[key] - info.half_days + 1) - 1
                latest_start = info.starts[pos] if pos >= 0 else -1
                for b in self.prereqs(key[0], c):
                    if (key[0], b) in deadline_of:
                        deadline_of[key[0], b] = min(deadline_of[key[0], b], latest_start - 1)

    def end_of(self, person: int, course: int) -> int | None:
        """The earliest possible last slot of the person's session of the course: a pinned
        session's, or the first block after its release and its prerequisites' ends
        (None: no block fits)."""
        key = (person, course)
        if key in self.pinned:
            return self.pinned[key]
        if key in self.earliest_end:
            return self.earliest_end[key]
        self.earliest_end[key] = None  # Guards against a cycle the reader let through.
        release = self.window_slots(person, course)[0]
        for b in self.prereqs(person, course):
            end = self.end_of(person, b)
            if end is None:
                return None
            release = max(release, end + 1)
        info = self.courses[course]
        last = self.deadline_of.get(key, self.grid.num_slots - 1)
        pos = bisect.bisect_left(info.starts, release)
        if pos < len(info.starts) and info.starts[pos] + info.half_days - 1 <= last:
            self.earliest_end[key] = info.starts[pos] + info.half_days - 1
        return self.earliest_end[key]

    def windows(self) -> dict[tuple[int, int], tuple[int, int]]:
        """The windows: deadlines tightened backwards, then releases forwards, after the
        earliest possible end of every prerequisite."""
        self.tighten_deadlines()
        windows: dict[tuple[int, int], tuple[int, int]] = {}
        end_of, prereqs, deadline_of = self.end_of, self.prereqs, self.deadline_of
        for key, release in self.release_of.items():
            ends = [end_of(key[0], b) for b in prereqs(*key)]
            if any(end is None for end in ends):
                continue
            release = max([release] + [end + 1 for end in ends if end is not None])
            windows[key] = (release, deadline_of[key])
        return windows


def hall_conditions(
    windows: Counter[tuple[int, int]], per_session: int
) -> dict[tuple[int, int], int]:
    """Hall's condition on interval windows: for each run of positions from a window's
    first to a window's last, the sessions it needs (its attendances, those whose whole
    window lies inside it, at ``per_session`` each, rounded up).

    Only runs that need more than every shorter run from the same first or to the same
    last are returned: the others are implied. ``windows`` counts attendances by
    (first, last) position.
    """
    firsts = sorted({lo for lo, _ in windows})
    lasts = sorted({hi for _, hi in windows})
    first_pos = {lo: i for i, lo in enumerate(firsts)}
    last_pos = {hi: j for j, hi in enumerate(lasts)}
    counts = np.zeros((len(firsts) + 1, len(lasts) + 1), dtype=np.int64)
    for (lo, hi), count in windows.items():
        counts[first_pos[lo], last_pos[hi] + 1] += count
    # inside[i, j + 1]: attendances with first >= firsts[i] and last <= lasts[j]; the
    # extra row and column are zeros (no first after the last, no last before the first).
    inside = np.flip(np.cumsum(np.flip(counts, axis=0), axis=0), axis=0).cumsum(axis=1)
    need = -(-inside // per_session)
    later = need[1:, 1:]  # the next first, the same last
    shorter = need[:-1, :-1]  # the same first, the previous last
    here = need[:-1, 1:]
    ordered = np.asarray(firsts)[:, None] <= np.asarray(lasts)[None, :]
    keep = ordered & (here > later) & (here > shorter)
    rows, cols = np.nonzero(keep)
    return {
        (firsts[i], lasts[j]): int(here[i, j])
        for i, j in zip(rows.tolist(), cols.tolist(), strict=True)
    }


def fewest_sessions(conditions: dict[tuple[int, int], int], capacity: list[int]) -> int | None:
    """The fewest sessions, at most ``capacity[p]`` at position ``p``, such that every run
    ``(first, last)`` of positions holds at least its number.

    Runs are taken in order of their last position and each shortfall is filled as late
    as possible: a later session serves every run still to come that an earlier one in
    the same run serves, so this is optimal. None if some run cannot be met.
    """
    size = len(capacity)
    placed = [0] * size
    tree = [0] * (size + 1)  # a Fenwick tree of ``placed``, for sums over runs

    def prefix(p: int) -> int:
        total = 0
        p += 1
        while p > 0:
            total += tree[p]
            p -= p & -p
        return total

    def add(p: int, count: int) -> None:
        p += 1
        while p <= size:
            tree[p] += count
            p += p & -p

    sessions = 0
    for (first, last), need in sorted(
        conditions.items(), key=lambda item: (item[0][1], -item[0][0])
    ):
        have = prefix(last) - prefix(first - 1)
        position = last
        while have < need and position >= first:
            take = min(capacity[position] - placed[position], need - have)
            if take > 0:
                placed[position] += take
                add(position, take)
                have += take
                sessions += take
            position -= 1
        if have < need:
            return None
    return sessions


def week_positions(grid: TimeGrid) -> list[int]:
    """The position of each slot's week among the horizon's weeks, by slot index."""
    weeks = sorted(set(grid.slot_week))
    week_idx = {week: i for i, week in enumerate(weeks)}
    return [week_idx[w] for w in grid.slot_week]


def courses_with_blocks(
    instance: Instance, grid: TimeGrid, slot_week: list[int]
) -> list[BlockCourse]:
    """Every course with its blocks' starts, their weeks, and the seats of a session."""
    courses: list[BlockCourse] = []
    for i, course in enumerate(instance.courses):
        starts = [block[0] for block in grid.blocks(course.half_days)]
        courses.append(
            BlockCourse(
                i, course, starts, [slot_week[s] for s in starts], course_seats(instance, course)
            )
        )
    return courses


def block_runs(
    instance: Instance,
    courses: list[BlockCourse],
    windows: dict[tuple[int, int], tuple[int, int]],
) -> dict[int, dict[str, Counter[tuple[int, int]]]]:
    """Each due attendance's run of blocks (first and last position among its course's
    blocks), counted by course and district; an attendance no block fits is left out (no
    schedule meets it)."""
    person_district = [p.district_id for p in instance.people]
    runs: dict[int, dict[str, Counter[tuple[int, int]]]] = defaultdict(lambda: defaultdict(Counter))
    for (person, c), (release, last) in sorted(windows.items()):
        info = courses[c]
        lo = bisect.bisect_left(info.starts, release)
        hi = bisect.bisect_right(info.starts, last - info.half_days + 1) - 1
        if lo > hi:
            continue  # No block fits the window: no schedule meets it.
        runs[c][person_district[person]][lo, hi] += 1
    return runs
