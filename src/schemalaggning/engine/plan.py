"""The solver's view of an instance, and a plan of sessions being built on it.

:class:`SolveData` compiles an instance once into integer indices (slots, weeks,
courses, people, rooms, trainers) and the attendances the solver may schedule, each
with its window as slot indices. :class:`Plan` holds new sessions together with the
resource usage they cause, so that every step of the greedy builder and every
improvement can ask in constant time whether a session or a person still fits.
Pinned (fixed) sessions are loaded into the usage from the start.
"""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import FrozenInstanceError, dataclass, field
from datetime import date, timedelta
from enum import IntEnum
from types import MappingProxyType
from typing import Any

from schemalaggning.domain import Course, Instance, Session, add_months, trainer_half_days
from schemalaggning.engine.courses import course_data
from schemalaggning.timegrid import TimeGrid, elective_slots, unavailable_slots


class Kind(IntEnum):
    """Why an attendance may be scheduled: due (must), not yet due (may), experienced (may)."""

    DUE = 0
    OPTIONAL = 1
    EXPERIENCED = 2


@dataclass
class SolverAttendance:
    """An attendance the solver may schedule, with its window as slot indices.

    ``release`` is the first slot a session may start in and ``deadline`` the last slot
    it may end in; ``prereqs`` are the course indices the person must complete first
    (those not in ``done`` and not pinned).
    """

    idx: int
    person: int
    course: int
    kind: Kind
    release: int
    deadline: int
    deadline_date: date
    prereqs: tuple[int, ...]


def topological_courses(instance: Instance) -> list[str]:
    """Course ids with every prerequisite before the courses that need it (file order else)."""
    order: list[str] = []
    placed: set[str] = set()
    remaining = [c.course_id for c in instance.courses]
    while remaining:
        ready = [
            cid
            for cid in remaining
            if all(
                b in placed or b not in instance.course_by_id
                for b in instance.course_by_id[cid].after
            )
        ]
        if not ready:  # A cycle (the reader rejects them); keep file order.
            ready = remaining[:1]
        for cid in ready:
            order.append(cid)
            placed.add(cid)
        remaining = [cid for cid in remaining if cid not in placed]
    return order


def held_earliest(month_start: date, course: Course) -> date:
    """The first day a seat held for a hire of the month may begin on: the earliest day of
    a hire who starts on the month's last day.

    A held seat stands for a hire who may start on any day of the month. It begins no
    earlier than the window of the month's last starter opens, and (with the start date
    the month's first day) ends no later than the window of the month's first starter
    closes, so every hire of the month can take it.
    """
    last_day = add_months(month_start, 1) - timedelta(days=1)
    return max(last_day, add_months(last_day, course.not_before_months))


@dataclass(frozen=True)
class PublishedSession:
    """A published session after a re-plan's freeze, to keep where possible, with the
    people it had (in the order of the published ``assignments.csv``)."""

    session: Session
    person_ids: tuple[str, ...]


class SolveData:
    """An instance compiled to indices for the solver; frozen once built (its attributes
    cannot be set again, and the published sessions' maps are read-only).

    Parameters
    ----------
    instance
        The validated instance.
    grid
        Its time grid.
    not_before
        No new session starts before this day (a re-plan keeps the weeks before).
    reserve_seats
        Seats of every new session kept free for hires added later (see :meth:`seats`).
    published
        A re-plan's published sessions after the freeze, kept where possible: the
        objective counts the changes to them and the search plans with them in mind.
    """

    #: Set at the end of ``__init__``; from then on no attribute may be set.
    _frozen = False

    def __init__(
        self,
        instance: Instance,
        grid: TimeGrid,
        not_before: date | None = None,
        reserve_seats: int = 0,
        published: Sequence[PublishedSession] = (),
    ) -> None:
        self.instance = instance
        self.grid = grid
        self.num_slots = grid.num_slots
        # No new session may start before this slot (re-planning keeps the weeks before).
        self.first_new_slot = grid.first_slot_on_or_after(not_before) if not_before else 0
        # Seats of each session kept free for hires added later (see ``seats``).
        self.reserve_seats = reserve_seats
        weeks = sorted(set(grid.slot_week))
        self.week_idx = {week: i for i, week in enumerate(weeks)}
        self.weeks = weeks
        self.slot_week = [self.week_idx[w] for w in grid.slot_week]
        self._index_people_and_resources()
        self._index_courses()
        self.slot_year = [slot.day.year for slot in grid.slots]
        self.offering_need = self._offering_need()
        self._compile_away()
        self._compile_pinned()
        self.attendances: list[SolverAttendance] = []
        self._build_attendances()
        self._link_attendances()
        self._propagate_deadlines()
        self._compile_published(published)
        self._frozen = True

    def _index_people_and_resources(self) -> None:
        """People, districts, rooms and trainers by index, with the people who stand for
        expected hires."""
        instance = self.instance
        self.person_ids = [p.person_id for p in instance.people]
        self.person_idx = {pid: i for i, pid in enumerate(self.person_ids)}
        self.district_ids = [d.district_id for d in instance.districts]
        self.district_idx = {did: i for i, did in enumerate(self.district_ids)}
        self.person_district = [self.district_idx[p.district_id] for p in instance.people]
        # People who stand for expected hires: their seats are held, not assigned.
        self.held_people = frozenset(
            i for i, pid in enumerate(self.person_ids) if pid in instance.held_ids
        )
        self.room_ids = [r.room_id for r in instance.rooms]
        self.room_capacity = [r.capacity for r in instance.rooms]
        self.trainer_ids = [t.trainer_id for t in instance.trainers]
        self.trainer_week_max = [t.max_half_days_per_week for t in instance.trainers]

    def _index_courses(self) -> None:
        """The courses by index with their blocks (from the first slot a new session may
        start in), qualified trainers and seats, and their order by prerequisites."""
        instance = self.instance
        self.course_order = topological_courses(instance)
        self.course_idx = {cid: i for i, cid in enumerate(c.course_id for c in instance.courses)}
        self.courses = course_data(instance, self.grid, self.first_new_slot)

    def _compile_away(self) -> None:
        """The slots each room and trainer is unavailable, and each person away on an
        approved personal course (an elective): the person takes one of the district's
        places then, as if in a session that never moves."""
        away = unavailable_slots(self.instance, self.grid)
        self.room_away = [away.get(rid, frozenset()) for rid in self.room_ids]
        self.trainer_away = [away.get(tid, frozenset()) for tid in self.trainer_ids]
        self.person_away: dict[int, frozenset[int]] = {
            self.person_idx[pid]: slots
            for pid, slots in elective_slots(self.instance, self.grid).items()
            if pid in self.person_idx
        }

    def _compile_pinned(self) -> None:
        """Pinned sessions: their slots inside the grid, and the end slot of each (person,
        course) who sits in one (-1 before the horizon, ``num_slots`` after it)."""
        instance, grid = self.instance, self.grid
        self.fixed_slots: dict[str, list[int]] = {}
        for session in instance.fixed_sessions:
            self.fixed_slots[session.session_id] = [
                grid.slot_idx[s] for s in session.slots if s in grid.slot_idx
            ]
        self.pinned: dict[tuple[int, int], int] = {}  # (person, course) -> end slot (or -1)
        fixed_by_id = {s.session_id: s for s in instance.fixed_sessions}
        for a in instance.fixed_assignments:
            session = fixed_by_id[a.session_id]
            inside = self.fixed_slots[a.session_id]
            last_slot = session.slots[-1]
            if inside and grid.slots[inside[-1]] == last_slot:
                end = inside[-1]
            else:
                end = -1 if last_slot.day < grid.settings.horizon_start else self.num_slots
            self.pinned[self.person_idx[a.person_id], self.course_idx[a.course_id]] = end

    def _link_attendances(self) -> None:
        """Each person's and course's attendances, each attendance by (person, course),
        and each attendance's successors (those that need it first)."""
        self.person_attendances: dict[int, list[int]] = defaultdict(list)
        for att in self.attendances:
            self.person_attendances[att.person].append(att.idx)
            self.courses[att.course].attendances.append(att.idx)
        self.successors: dict[int, list[int]] = defaultdict(list)
        self.by_person_course = {(a.person, a.course): a.idx for a in self.attendances}
        for att in self.attendances:
            for prereq in att.prereqs:
                before = self.by_person_course.get((att.person, prereq))
                if before is not None:
                    self.successors[before].append(att.idx)

    def __setattr__(self, name: str, value: Any) -> None:
        if self._frozen:
            raise FrozenInstanceError(f"cannot assign to field {name!r}: SolveData is frozen")
        super().__setattr__(name, value)

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}: SolveData is frozen")

    def _compile_published(self, published: Sequence[PublishedSession]) -> None:
        """The published sessions by index: how many sessions each (course, block) had,
        their rooms and trainers by copy, and the block and copy each attendance had."""
        room_index = {rid: i for i, rid in enumerate(self.room_ids)}
        trainer_index = {tid: i for i, tid in enumerate(self.trainer_ids)}
        block: dict[int, int] = {}
        copies: dict[int, int] = {}
        sessions: Counter[tuple[int, int]] = Counter()
        resources: dict[tuple[int, int], list[tuple[int, tuple[int, ...]]]] = defaultdict(list)
        # The k-th published session of a block (by room) is the model's k-th copy there.
        by_room = sorted(
            published, key=lambda p: (p.session.slots[0], room_index.get(p.session.room_id, -1))
        )
        for kept in by_room:
            session = kept.session
            course = self.course_idx.get(session.course_id)
            if course is None or session.slots[0] not in self.grid.slot_idx:
                continue
            start = self.grid.slot_idx[session.slots[0]]
            copy = sessions[course, start]
            sessions[course, start] += 1
            resources[course, start].append(
                (
                    room_index.get(session.room_id, -1),
                    tuple(trainer_index[t] for t in session.trainer_ids if t in trainer_index),
                )
            )
            for person_id in kept.person_ids:
                p = self.person_idx.get(person_id)
                att = self.by_person_course.get((p, course)) if p is not None else None
                # Expected hires' seats may move freely: no one is told about them.
                if att is not None and p not in self.held_people:
                    block[att] = start
                    copies[att] = copy
        #: The block each attendance had in the published schedule.
        self.published_block: Mapping[int, int] = MappingProxyType(block)
        #: ... and which of the block's published sessions it was in (0, 1, ... by room).
        self.published_copy: Mapping[int, int] = MappingProxyType(copies)
        #: How many published sessions each (course, block) had.
        self.published_sessions: Mapping[tuple[int, int], int] = MappingProxyType(dict(sessions))
        #: ... and their rooms and trainers, by copy.
        self.published_resources: Mapping[tuple[int, int], list[tuple[int, tuple[int, ...]]]] = (
            MappingProxyType(dict(resources))
        )

    def _offering_need(self) -> dict[tuple[int, int], int]:
        """New sessions each course needs in each offering year (format 1.2): its
        ``per_year`` less its pinned sessions with participants that begin in that year."""
        inst = self.instance
        attended = {a.session_id for a in inst.fixed_assignments}
        pinned = Counter(
            (self.course_idx[s.course_id], s.slots[0].day.year)
            for s in inst.fixed_sessions
            if s.session_id in attended and s.slots and s.course_id in self.course_idx
        )
        need: dict[tuple[int, int], int] = {}
        for info in self.courses:
            for year in inst.offering_years:
                left = info.course.per_year - pinned[info.idx, year]
                if left > 0:
                    need[info.idx, year] = left
        return need

    @property
    def replanning(self) -> bool:
        """Whether this is a re-plan around published sessions: its changes rank right
        below the due attendances, and the window bound proves nothing there."""
        return bool(self.published_block or self.published_sessions)

    def _propagate_deadlines(self) -> None:
        """Tighten deadlines so that a person's due successors still fit after a course.

        If a person must attend B after A and B must end by slot d, A must end before B
        starts, so by ``d - half_days(B)`` at the latest. Propagated backwards through
        the prerequisites (successors first).
        """
        by_person_course = {(a.person, a.course): a for a in self.attendances}
        for course_id in reversed(self.course_order):
            c_idx = self.course_idx[course_id]
            for att_idx in self.courses[c_idx].attendances:
                att = self.attendances[att_idx]
                if att.kind is not Kind.DUE:
                    continue
                latest_start = att.deadline - self.courses[c_idx].half_days + 1
                for prereq in att.prereqs:
                    before = by_person_course.get((att.person, prereq))
                    if before is not None and before.kind is Kind.DUE:
                        before.deadline = min(before.deadline, latest_start - 1)

    def _build_attendances(self) -> None:
        inst = self.instance
        grid = self.grid
        horizon_end = inst.settings.horizon_end
        for p_idx, person in enumerate(inst.people):
            for course in inst.courses:
                c_idx = self.course_idx[course.course_id]
                if course.course_id in person.done or (p_idx, c_idx) in self.pinned:
                    continue
                prereqs = tuple(
                    self.course_idx[b]
                    for b in course.after
                    if b not in person.done and b in self.course_idx
                )
                if person.required:
                    deadline = inst.deadline(person, course)
                    earliest = inst.earliest(person, course)
                    if p_idx in self.held_people:
                        earliest = held_earliest(person.start_date, course)
                    kind = Kind.DUE if inst.is_due(person, course) else Kind.OPTIONAL
                    if kind is Kind.OPTIONAL and earliest > horizon_end:
                        continue
                elif course.part != "1" and not prereqs:
                    deadline, earliest, kind = horizon_end, person.start_date, Kind.EXPERIENCED
                else:
                    continue
                release = grid.first_slot_on_or_after(earliest)
                last = grid.last_slot_on_or_before(min(deadline, horizon_end))
                self.attendances.append(
                    SolverAttendance(
                        idx=len(self.attendances),
                        person=p_idx,
                        course=c_idx,
                        kind=kind,
                        release=release,
                        deadline=last,
                        deadline_date=deadline,
                        prereqs=prereqs,
                    )
                )

    def seats(self, course: int, room: int) -> int:
        """Seats a session of the course offers in the room, less the seats kept free for
        later hires (never below the course's min_group)."""
        info = self.courses[course]
        full = min(info.course.max_group, self.room_capacity[room])
        return max(min(full, info.course.min_group), full - self.reserve_seats)

    def is_held(self, att_idx: int) -> bool:
        """Whether an attendance is an expected hire's (a held seat, not a person)."""
        return self.attendances[att_idx].person in self.held_people

    def real_count(self, members: Iterable[int]) -> int:
        """How many of the attendances are real people's: held seats never count toward
        ``min_group``."""
        return sum(1 for a in members if self.attendances[a].person not in self.held_people)

    def blocks_between(self, course: int, first_start: int, last_end: int) -> list[int]:
        """Block starts of a course that start at or after ``first_start`` and end by
        ``last_end``, in time order."""
        data = self.courses[course]
        lo = bisect.bisect_left(data.blocks, first_start)
        hi = bisect.bisect_right(data.blocks, last_end - data.half_days + 1)
        return data.blocks[lo:hi]


@dataclass
class PlannedSession:
    """A new session: course, first slot, room, trainers and the attendances seated."""

    course: int
    start: int
    room: int
    trainers: tuple[int, ...]
    members: list[int] = field(default_factory=list)


class Plan:
    """New sessions and the resource usage of them and of the pinned sessions."""

    def __init__(self, data: SolveData) -> None:
        self.data = data
        n = data.num_slots
        self.sessions: list[PlannedSession | None] = []
        self.room_busy = [bytearray(n) for _ in data.room_ids]
        self.trainer_busy = [bytearray(n) for _ in data.trainer_ids]
        self.trainer_week = [[0] * len(data.weeks) for _ in data.trainer_ids]
        self.person_busy: dict[int, bytearray] = {}
        self.district_load = [[0] * n for _ in data.district_ids]
        self.district_limit = [d.max_absent for d in data.instance.districts]
        self.assigned: dict[int, int] = {}  # attendance -> session index
        self.person_course_end: dict[tuple[int, int], int] = dict(data.pinned)
        for r, away in enumerate(data.room_away):
            for t in away:
                self.room_busy[r][t] = 1
        for tr, away in enumerate(data.trainer_away):
            for t in away:
                self.trainer_busy[tr][t] = 1
        self._load_fixed()
        self._load_away()

    def _load_away(self) -> None:
        """Book the approved electives: the person is taken, the district has one fewer."""
        data = self.data
        for person, slots in sorted(data.person_away.items()):
            busy = self.busy(person)
            load = self.district_load[data.person_district[person]]
            for t in slots:
                busy[t] = 1
                load[t] += 1

    def _load_fixed(self) -> None:
        data = self.data
        room_idx = {rid: i for i, rid in enumerate(data.room_ids)}
        trainer_idx = {tid: i for i, tid in enumerate(data.trainer_ids)}
        for session in data.instance.fixed_sessions:
            slots = data.fixed_slots[session.session_id]
            for t in slots:
                self.room_busy[room_idx[session.room_id]][t] = 1
                for tid in session.trainer_ids:
                    self.trainer_busy[trainer_idx[tid]][t] = 1
                    self.trainer_week[trainer_idx[tid]][data.slot_week[t]] += 1
        fixed_slots = data.fixed_slots
        for a in data.instance.fixed_assignments:
            p = data.person_idx[a.person_id]
            for t in fixed_slots[a.session_id]:
                self.busy(p)[t] = 1
                self.district_load[data.person_district[p]][t] += 1

    def copy(self) -> Plan:
        """An independent copy (to try a change and roll it back)."""
        other = Plan.__new__(Plan)
        other.data = self.data
        other.sessions = [
            None
            if s is None
            else PlannedSession(s.course, s.start, s.room, s.trainers, list(s.members))
            for s in self.sessions
        ]
        other.room_busy = [bytearray(b) for b in self.room_busy]
        other.trainer_busy = [bytearray(b) for b in self.trainer_busy]
        other.trainer_week = [list(w) for w in self.trainer_week]
        other.person_busy = {p: bytearray(b) for p, b in self.person_busy.items()}
        other.district_load = [list(load) for load in self.district_load]
        other.district_limit = list(self.district_limit)
        other.assigned = dict(self.assigned)
        other.person_course_end = dict(self.person_course_end)
        return other

    def restore(self, other: Plan) -> None:
        """Take over the state of another plan (a copy made earlier)."""
        self.__dict__.update(other.__dict__)

    def due_unmet(self) -> int:
        """How many due attendances the plan does not seat."""
        return sum(
            1 for a in self.data.attendances if a.kind is Kind.DUE and a.idx not in self.assigned
        )

    def offerings_short(self) -> dict[tuple[int, int], int]:
        """Sessions with participants each (course, year) still lacks of its yearly
        offerings (format 1.2); only those short are listed."""
        need = self.data.offering_need
        if not need:
            return {}
        held: Counter[tuple[int, int]] = Counter()
        for _, session in self.live_sessions():
            key = (session.course, self.data.slot_year[session.start])
            if key in need and self.data.real_count(session.members):
                held[key] += 1
        return {key: n - held[key] for key, n in need.items() if held[key] < n}

    def unmet(self) -> int:
        """What the plan leaves unmet at the top level: due attendances not seated and
        yearly offerings not held (each session short counts one)."""
        return self.due_unmet() + sum(self.offerings_short().values())

    def trainer_half_days(self, pinned: bool = False) -> int:
        """Trainer half-days of the plan's new sessions, and with ``pinned`` of the pinned
        sessions too (what the schedule's records will count,
        :func:`schemalaggning.domain.trainer_half_days`)."""
        new = sum(self.data.courses[s.course].cost for _, s in self.live_sessions())
        return new + trainer_half_days(self.data.instance.fixed_sessions) if pinned else new

    def busy(self, person: int) -> bytearray:
        """The slots a person is taken in (created on first use)."""
        found = self.person_busy.get(person)
        if found is None:
            found = self.person_busy[person] = bytearray(self.data.num_slots)
        return found

    # -- questions ---------------------------------------------------------------------

    def room_free(self, room: int, start: int, length: int) -> bool:
        """Whether the room is free and available in every slot of the block."""
        busy = self.room_busy[room]
        return not any(busy[start : start + length])

    def trainer_free(self, trainer: int, start: int, length: int) -> bool:
        """Whether the trainer is free, available and within the week's limit."""
        if any(self.trainer_busy[trainer][start : start + length]):
            return False
        week = self.data.slot_week[start]
        return self.trainer_week[trainer][week] + length <= self.data.trainer_week_max[trainer]

    def person_free(self, person: int, start: int, length: int) -> bool:
        """Whether the person is in no other session, and on no approved elective, in the
        block."""
        busy = self.person_busy.get(person)
        return busy is None or not any(busy[start : start + length])

    def district_spare(self, district: int, start: int, length: int) -> int:
        """How many more of the district's people may be away in every slot of the block."""
        load = self.district_load[district]
        return self.district_limit[district] - max(load[start : start + length])

    def ready(self, att: SolverAttendance, start: int) -> bool:
        """Whether every prerequisite of the attendance ends before ``start``."""
        for course in att.prereqs:
            end = self.person_course_end.get((att.person, course))
            if end is None or end >= start:
                return False
        return True

    def before_successors(self, att_idx: int, end: int) -> bool:
        """Whether every seated successor of the attendance starts after slot ``end``."""
        for succ in self.data.successors.get(att_idx, ()):
            index = self.assigned.get(succ)
            if index is not None:
                session = self.sessions[index]
                assert session is not None
                if session.start <= end:
                    return False
        return True

    def release(self, att: SolverAttendance) -> int | None:
        """The first slot the attendance may start in, prerequisites included (None: a
        prerequisite is not planned)."""
        release = att.release
        for course in att.prereqs:
            end = self.person_course_end.get((att.person, course))
            if end is None:
                return None
            release = max(release, end + 1)
        return release

    # -- changes -----------------------------------------------------------------------

    def open(self, session: PlannedSession) -> int:
        """Add a session (with its members) and book its resources; returns its index."""
        length = self.data.courses[session.course].half_days
        week = self.data.slot_week[session.start]
        for t in range(session.start, session.start + length):
            self.room_busy[session.room][t] = 1
            for trainer in session.trainers:
                self.trainer_busy[trainer][t] = 1
        for trainer in session.trainers:
            self.trainer_week[trainer][week] += length
        members = session.members
        session.members = []
        self.sessions.append(session)
        index = len(self.sessions) - 1
        for att in members:
            self.seat(index, att)
        return index

    def close(self, index: int) -> None:
        """Remove a session, its members and its bookings."""
        session = self.sessions[index]
        assert session is not None
        for att in list(session.members):
            self.unseat(att)
        length = self.data.courses[session.course].half_days
        week = self.data.slot_week[session.start]
        for t in range(session.start, session.start + length):
            self.room_busy[session.room][t] = 0
            for trainer in session.trainers:
                self.trainer_busy[trainer][t] = 0
        for trainer in session.trainers:
            self.trainer_week[trainer][week] -= length
        self.sessions[index] = None

    def move_room(self, index: int, room: int) -> None:
        """Hold a session in another room (free for its block)."""
        session = self.sessions[index]
        assert session is not None
        for t in range(session.start, session.start + self.data.courses[session.course].half_days):
            self.room_busy[session.room][t] = 0
            self.room_busy[room][t] = 1
        session.room = room

    def seat(self, index: int, att_idx: int) -> None:
        """Seat an attendance in a session."""
        session = self.sessions[index]
        assert session is not None
        att = self.data.attendances[att_idx]
        length = self.data.courses[session.course].half_days
        busy = self.busy(att.person)
        load = self.district_load[self.data.person_district[att.person]]
        for t in range(session.start, session.start + length):
            busy[t] = 1
            load[t] += 1
        session.members.append(att_idx)
        self.assigned[att_idx] = index
        self.person_course_end[att.person, att.course] = session.start + length - 1

    def unseat(self, att_idx: int) -> None:
        """Take an attendance out of its session."""
        index = self.assigned.pop(att_idx)
        session = self.sessions[index]
        assert session is not None
        att = self.data.attendances[att_idx]
        length = self.data.courses[session.course].half_days
        busy = self.busy(att.person)
        load = self.district_load[self.data.person_district[att.person]]
        for t in range(session.start, session.start + length):
            busy[t] = 0
            load[t] -= 1
        session.members.remove(att_idx)
        del self.person_course_end[att.person, att.course]

    def live_sessions(self) -> list[tuple[int, PlannedSession]]:
        """The sessions not closed, with their indices."""
        return [(i, s) for i, s in enumerate(self.sessions) if s is not None]


def free_rooms(plan: Plan, course: int, start: int) -> list[int]:
    """Rooms free for the block that seat at least the course's min_group, smallest first."""
    data = plan.data
    info = data.courses[course]
    rooms = [
        r
        for r, capacity in enumerate(data.room_capacity)
        if capacity >= info.course.min_group and plan.room_free(r, start, info.half_days)
    ]
    return sorted(rooms, key=lambda r: (data.room_capacity[r], r))


def pick_trainers(plan: Plan, course: int, start: int) -> tuple[int, ...] | None:
    """The least-loaded qualified trainers free for the block (None if too few)."""
    data = plan.data
    info = data.courses[course]
    free = [t for t in info.qualified if plan.trainer_free(t, start, info.half_days)]
    if len(free) < info.trainers:
        return None
    week = data.slot_week[start]
    free.sort(key=lambda t: (plan.trainer_week[t][week], sum(plan.trainer_week[t]), t))
    return tuple(sorted(free[: info.trainers]))
