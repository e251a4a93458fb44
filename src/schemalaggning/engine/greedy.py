"""A greedy plan: what a careful coordinator does by hand, written down as an algorithm.

Course by course, prerequisites first, due attendances are served earliest deadline
first: a session is opened in the latest block that ends by the most urgent
deadline and has a room, trainers and the person free, and is filled with the
released attendances that are due soonest. Every session is then moved as early as
its members allow, and free seats go to experienced staff and to attendances not yet
due. The plan keeps every hard rule; it is both the baseline the optimiser is
measured against and the optimiser's warm start.
"""

from __future__ import annotations

import bisect
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from schemalaggning.engine.members import choose_members
from schemalaggning.engine.offerings import hold_offerings
from schemalaggning.engine.plan import (
    Kind,
    Plan,
    PlannedSession,
    SolveData,
    SolverAttendance,
    free_rooms,
    pick_trainers,
)
from schemalaggning.engine.unmet import explain_unmet
from schemalaggning.i18n import N_
from schemalaggning.interrupts import Noted
from schemalaggning.rules import Reason, Rule

#: A due attendance whose deadline is more than this many slots (about six weeks) after a
#: slot may give up its place there, to be seated again later.
URGENT_SLOTS = 60

#: The reason of a due attendance the run had no time to plan (or, after the search,
#: one whose obstacle lies in the plan only, not in the data).
TIME_LIMIT_REASON = Reason(
    None,
    N_(
        "the planning ran out of time before this course was given a place; a longer "
        "run (--time-limit) may give it one"
    ),
    message=True,
)


#: The reason of a held seat (an expected hire's attendance) that no session can take:
#: too few real people may share a session with it (summary.json counts these only).
HELD_ALONE_REASON = Reason(
    Rule.MIN_GROUP,
    N_("too few people who are already hired may join a session for this held seat"),
    message=True,
)


@dataclass(frozen=True)
class Unmet:
    """A due attendance the plan does not meet, and why."""

    attendance: int
    reason: Reason


class GreedyBuilder:
    """Builds a plan with the greedy rules above."""

    def __init__(
        self, data: SolveData, plan: Plan | None = None, deadline: float | None = None
    ) -> None:
        self.data = data
        self.plan = plan if plan is not None else Plan(data)
        self.unmet: list[Unmet] = []
        self.deferred: list[int] = []
        #: The ``time.perf_counter()`` by which the plan must be done (None: no limit).
        self.deadline = deadline
        #: Ctrl-C or SIGTERM noted while the plan is built: it stops as the deadline does.
        self.stop: Noted | None = None
        self.timed_out = False

    def out_of_time(self) -> bool:
        """Whether the deadline has passed or a stop was noted (from then on, always)."""
        if not self.timed_out:
            self.timed_out = (self.stop is not None and self.stop.name is not None) or (
                self.deadline is not None and time.perf_counter() > self.deadline
            )
        return self.timed_out

    def build(self) -> Plan:
        """Build the whole plan; past the deadline, the due attendances not yet served
        are listed as unmet for lack of time, and the plan so far is kept."""
        for course_id in self.data.course_order:
            course = self.data.course_idx[course_id]
            self.serve_due(course)
            # Earlier sessions leave their successors more room, and part 1 done early is
            # better for the hire.
            if not self.out_of_time():
                self.move_earlier(course)
        if self.out_of_time():
            return self.plan
        self.repair_unmet()
        # Every course held in every year of the plan, before free seats are given away.
        hold_offerings(self.plan, self.out_of_time)
        for kind in (Kind.OPTIONAL, Kind.EXPERIENCED):
            for course_id in self.data.course_order:
                if self.out_of_time():
                    return self.plan
                self.fill(self.data.course_idx[course_id], kind)
        return self.plan

    def serve_due(self, course: int, only: set[int] | None = None) -> None:
        """Open sessions for the course's due attendances (or ``only`` those), earliest
        deadline first."""
        if self.out_of_time():  # listed at once, unordered (seconds a course at 50 000 people)
            self.list_out_of_time(course, only)
            return
        pending = self.pending_due(course, only)
        pending.sort(key=self.due_order)
        optional = self.optional_in_order(course)
        while pending:
            if self.out_of_time():
                self.unmet += [Unmet(a, TIME_LIMIT_REASON) for a in pending]
                return
            self.serve_most_urgent(course, pending, optional)

    def list_out_of_time(self, course: int, only: set[int] | None) -> None:
        """List the course's due attendances not yet seated (or ``only`` those) as unmet
        for lack of time."""
        data = self.data
        plan = self.plan
        due = [a for a in data.courses[course].attendances if data.attendances[a].kind is Kind.DUE]
        left = [a for a in due if a not in plan.assigned and (only is None or a in only)]
        self.unmet += [Unmet(a, TIME_LIMIT_REASON) for a in left]

    def pending_due(self, course: int, only: set[int] | None) -> list[int]:
        """The course's due attendances not yet seated (or ``only`` those) whose
        prerequisites are planned; the others are listed as unmet with their reasons."""
        data = self.data
        plan = self.plan
        pending: list[int] = []
        for att_idx in data.courses[course].attendances:
            att = data.attendances[att_idx]
            if att.kind is not Kind.DUE or att_idx in plan.assigned:
                continue
            if only is not None and att_idx not in only:
                continue
            if plan.release(att) is None:
                reason = TIME_LIMIT_REASON if self.timed_out else self.reason(att)
                self.unmet.append(Unmet(att_idx, reason))
                continue
            pending.append(att_idx)
        return pending

    def due_order(self, att_idx: int) -> tuple[int, int, int]:
        """The order due attendances are served in: deadline, release, person."""
        att = self.data.attendances[att_idx]
        return att.deadline, att.release, att.person

    def optional_in_order(self, course: int) -> list[int]:
        """The course's attendances that are not due, by kind, release and person."""
        data = self.data
        return sorted(
            (
                a
                for a in data.courses[course].attendances
                if data.attendances[a].kind is not Kind.DUE
            ),
            key=lambda a: (
                data.attendances[a].kind,
                data.attendances[a].release,
                data.attendances[a].person,
            ),
        )

    def serve_most_urgent(self, course: int, pending: list[int], optional: list[int]) -> None:
        """Open a session for the most urgent pending attendance (the first) and take its
        members out of ``pending``; or, if none can be opened, list it as unmet and take it
        out."""
        data = self.data
        plan = self.plan
        urgent = data.attendances[pending[0]]
        if data.is_held(urgent.idx) and not self.could_gather(urgent, pending, optional):
            # No block can hold a group for this held seat: every try would fail.
            self.unmet.append(Unmet(urgent.idx, HELD_ALONE_REASON))
            pending.pop(0)
            return
        if not self.open_latest(course, urgent, pending, optional):
            self.unmet.append(Unmet(urgent.idx, self.reason(urgent)))
            pending.pop(0)
            return
        # Its members out by their (unique) place: filtering all was quadratic.
        session = plan.sessions[plan.assigned[urgent.idx]]
        for a in session.members if session is not None else ():
            at = bisect.bisect_left(pending, self.due_order(a), key=self.due_order)
            if at < len(pending) and pending[at] == a:
                del pending[at]

    def open_latest(
        self, course: int, urgent: SolverAttendance, pending: list[int], optional: list[int]
    ) -> bool:
        """Open a session for the urgent attendance in the latest block of its window that
        takes it; whether one was opened."""
        release = self.plan.release(urgent)
        if release is None:
            return False
        for start in reversed(self.data.blocks_between(course, release, urgent.deadline)):
            if self.try_open(course, start, pending, optional, urgent.idx):
                return True
        return False

    def could_gather(
        self, urgent: SolverAttendance, pending: list[int], optional: list[int]
    ) -> bool:
        """Whether ``min_group`` real people not yet seated have windows that meet the
        held attendance's: held seats never make up a group, so a session opened for one
        needs that many real members (an upper bound; :meth:`try_open` decides).

        Most expected hires of months without real hires yet fail so, and trying every
        block of their windows took most of a re-plan's time limit.
        """
        data = self.data
        need = data.courses[urgent.course].course.min_group
        for a in (*pending, *optional):
            att = data.attendances[a]
            if data.is_held(a) or a in self.plan.assigned:
                continue
            if att.release <= urgent.deadline and att.deadline >= urgent.release:
                need -= 1
                if need <= 0:
                    return True
        return False

    def try_open(
        self, course: int, start: int, pending: list[int], optional: list[int], urgent: int
    ) -> bool:
        """Open a session of the course at ``start`` for the urgent attendance, if it fits."""
        plan = self.plan
        info = self.data.courses[course]
        att = self.data.attendances[urgent]
        if not plan.person_free(att.person, start, info.half_days):
            return False
        if plan.district_spare(self.data.person_district[att.person], start, info.half_days) < 1:
            return False
        rooms = free_rooms(plan, course, start)
        if not rooms:
            return False
        trainers = pick_trainers(plan, course, start)
        if trainers is None:
            return False
        seats = max(self.data.seats(course, r) for r in rooms)
        data = self.data
        # Real people before held seats (sorted only if any: slow at 50 000 people).
        ordered = sorted(pending, key=data.is_held) if data.held_people else pending
        members = choose_members(plan, ordered, course, start, seats, first=urgent)
        if not members or members[0] != urgent:
            return False
        if data.real_count(members) < info.course.min_group:
            group = self.fill_up_group(course, start, seats, members, optional, urgent)
            if group is None:
                return False
            members = group
        # The smallest room whose seats (less any kept free) hold the group.
        room = next(r for r in rooms if self.data.seats(course, r) >= len(members))
        plan.open(PlannedSession(course, start, room, trainers, members))
        return True

    def fill_up_group(
        self,
        course: int,
        start: int,
        seats: int,
        members: list[int],
        optional: list[int],
        urgent: int,
    ) -> list[int] | None:
        """The members with real people who may attend (of ``optional``) added up to the
        course's ``min_group``; None if too few may, or if the urgent attendance's own held
        seat would have to give way.

        Held seats do not make a group: real people fill it up, and seats held beyond the
        room's give way to them (the latest chosen first).
        """
        data = self.data
        need = data.courses[course].course.min_group - data.real_count(members)
        real_optional = [a for a in optional if not data.is_held(a)]
        fillers = choose_members(self.plan, real_optional, course, start, seats, already=members)
        if len(fillers) < need:
            return None
        members += fillers[:need]
        while len(members) > seats:
            held = [a for a in members if data.is_held(a)]
            if not held or held[-1] == urgent:
                return None
            members.remove(held[-1])
        return members

    def move_earlier(self, course: int) -> None:
        """Move each session of the course to the earliest block its members, room and
        trainers allow."""
        data = self.data
        plan = self.plan
        live = [(i, s) for i, s in plan.live_sessions() if s.course == course]
        for index, session in sorted(live, key=lambda s: (s[1].start, s[0])):
            members = list(session.members)
            releases = [plan.release(data.attendances[a]) for a in members]
            earliest = max((r for r in releases if r is not None), default=session.start)
            starts = [
                s
                for s in data.blocks_between(session.course, earliest, session.start)
                if s < session.start
            ]
            if not starts:
                continue
            plan.close(index)
            for start in [*starts, session.start]:
                moved = PlannedSession(
                    session.course, start, session.room, session.trainers, members
                )
                if start == session.start or self.fits(moved):
                    plan.open(moved)
                    break

    def fits(self, session: PlannedSession) -> bool:
        """Whether a session with its room, trainers and members fits the plan as it is."""
        plan = self.plan
        data = self.data
        start = session.start
        length = data.courses[session.course].half_days
        if not plan.room_free(session.room, start, length):
            return False
        if any(not plan.trainer_free(t, start, length) for t in session.trainers):
            return False
        per_district: Counter[int] = Counter(
            data.person_district[data.attendances[a].person] for a in session.members
        )
        for district, count in per_district.items():
            if plan.district_spare(district, start, length) < count:
                return False
        for a in session.members:
            att = data.attendances[a]
            if att.release > start or att.deadline < start + length - 1:
                return False
            if not plan.person_free(att.person, start, length) or not plan.ready(att, start):
                return False
        return True

    def repair_unmet(self) -> None:
        """Seat unmet due attendances in existing sessions, making room where needed.

        A district whose limit is full in a session's slots is given a place by moving
        one of its people, whose own window allows it, to another session of their
        course. Attendances still unmet keep their reasons.
        """
        data = self.data
        still: list[Unmet] = []
        for unmet in sorted(
            self.unmet, key=lambda u: (data.attendances[u.attendance].deadline, u.attendance)
        ):
            if not self.repair(unmet.attendance) and not self.repair_after_prerequisites(
                unmet.attendance
            ):
                still.append(unmet)
        self.unmet = still
        self.serve_deferred()

    def serve_deferred(self) -> None:
        """Seat the attendances moved out to make room: in a session with a free seat if one
        fits, else in new sessions, as the first pass would."""
        data = self.data
        deferred = sorted(self.deferred, key=lambda a: (data.attendances[a].deadline, a))
        self.deferred = []
        left: dict[int, set[int]] = {}
        for att_idx in deferred:
            att = data.attendances[att_idx]
            if not self.seat_in_existing(att_idx):
                left.setdefault(att.course, set()).add(att_idx)
        for course_id in data.course_order:
            course = data.course_idx[course_id]
            if course in left:
                self.serve_due(course, only=left[course])

    def seat_in_existing(self, att_idx: int) -> bool:
        """Seat an attendance in the earliest session of its course that fits it."""
        data = self.data
        plan = self.plan
        att = data.attendances[att_idx]
        for index, session in sorted(plan.live_sessions(), key=lambda s: (s[1].start, s[0])):
            if session.course != att.course:
                continue
            if len(session.members) >= data.seats(att.course, session.room):
                continue
            if not self.before_successors(att_idx, session.start):
                continue
            if choose_members(plan, [att_idx], att.course, session.start, 1):
                plan.seat(index, att_idx)
                return True
        return False

    def repair_after_prerequisites(self, att_idx: int) -> bool:
        """Move the attendance's prerequisites to earlier sessions, then try to seat it.

        A prerequisite held late leaves its successor too short a window; an earlier
        session of the prerequisite with a free seat may widen it enough. Unmet
        prerequisites are repaired first.
        """
        data = self.data
        plan = self.plan
        att = data.attendances[att_idx]
        for course in att.prereqs:
            before = data.by_person_course.get((att.person, course))
            if before is None:
                continue
            if before not in plan.assigned:
                if not (self.repair(before) or self.repair_after_prerequisites(before)):
                    return False
                continue
            index = plan.assigned[before]
            session = plan.sessions[index]
            assert session is not None
            self.move_elsewhere(before, avoid=-1, before=session.start)
        return att_idx in plan.assigned or self.repair(att_idx)

    def repair(self, att_idx: int) -> bool:
        """Seat one unmet due attendance in an existing session of its course, if possible."""
        data = self.data
        plan = self.plan
        att = data.attendances[att_idx]
        release = plan.release(att)
        if release is None:
            return False
        length = data.courses[att.course].half_days
        district = data.person_district[att.person]
        for index, session in self.sessions_in_window(att, release):
            # A full session moves to a bigger free room rather than leave someone out.
            full = len(session.members) >= data.seats(session.course, session.room)
            if not self.may_join(att_idx, session, full):
                continue
            # A held seat takes a place left free; it never moves a person to make one.
            if plan.district_spare(district, session.start, length) < 1 and (
                data.is_held(att_idx)
                or not self.free_district_place(district, session.start, length, index)
            ):
                continue
            if full and not self.bigger_room(index):
                continue
            plan.seat(index, att_idx)
            return True
        return False

    def sessions_in_window(
        self, att: SolverAttendance, release: int
    ) -> list[tuple[int, PlannedSession]]:
        """The live sessions of the attendance's course between its release and its
        deadline, with their indices, the latest first."""
        length = self.data.courses[att.course].half_days
        return sorted(
            (
                (i, s)
                for i, s in self.plan.live_sessions()
                if s.course == att.course
                and release <= s.start
                and s.start + length - 1 <= att.deadline
            ),
            key=lambda item: (-item[1].start, item[0]),
        )

    def may_join(self, att_idx: int, session: PlannedSession, full: bool) -> bool:
        """Whether the attendance may join the session as the plan stands, the districts'
        limits aside: the person free and ready, the successors after it, and a seat
        (a full session only for a real person, and only with a bigger room free)."""
        data = self.data
        plan = self.plan
        att = data.attendances[att_idx]
        length = data.courses[att.course].half_days
        if not plan.person_free(att.person, session.start, length):
            return False
        if not plan.ready(att, session.start) or not self.before_successors(att_idx, session.start):
            return False
        if full and data.is_held(att_idx):
            return False
        return not full or any(
            data.seats(session.course, r) > len(session.members)
            for r in free_rooms(plan, session.course, session.start)
        )

    def bigger_room(self, index: int) -> bool:
        """Move a full session to the smallest free room with a seat more, if there is one."""
        data = self.data
        plan = self.plan
        session = plan.sessions[index]
        assert session is not None
        needed = len(session.members) + 1
        for room in free_rooms(plan, session.course, session.start):
            if data.seats(session.course, room) >= needed:
                plan.move_room(index, room)
                return True
        return False

    def before_successors(self, att_idx: int, start: int) -> bool:
        """Whether a session of the attendance at ``start`` ends before its successors begin."""
        length = self.data.courses[self.data.attendances[att_idx].course].half_days
        return self.plan.before_successors(att_idx, start + length - 1)

    def free_district_place(self, district: int, start: int, length: int, avoid: int) -> bool:
        """Free one place of the district's limit in every slot of a block, by moving one of
        its people to another session of their course (the latest deadline first)."""
        data = self.data
        plan = self.plan
        slots = [
            t
            for t in range(start, start + length)
            if plan.district_load[district][t] >= plan.district_limit[district]
        ]
        block = (start, start + length)
        for t in slots:
            if plan.district_load[district][t] < plan.district_limit[district]:
                continue  # A move for an earlier slot freed this one too.
            movable = [
                a
                for index, s in plan.live_sessions()
                if s.start <= t < s.start + data.courses[s.course].half_days
                for a in s.members
                if data.person_district[data.attendances[a].person] == district
            ]
            # Held seats give way first, then the latest deadlines.
            movable.sort(key=lambda a: (not data.is_held(a), -data.attendances[a].deadline, a))
            if not any(self.move_elsewhere(a, avoid, away=block) for a in movable) and not any(
                self.defer(a, t) for a in movable
            ):
                return False
        return True

    def defer(self, att_idx: int, slot: int) -> bool:
        """Take a due attendance with a far deadline out of its session, to be seated again
        later; only if nothing seated depends on it and its session keeps min_group."""
        data = self.data
        plan = self.plan
        att = data.attendances[att_idx]
        index = plan.assigned[att_idx]
        session = plan.sessions[index]
        assert session is not None
        min_group = data.courses[att.course].course.min_group
        if att.kind is not Kind.DUE or att.deadline <= slot + URGENT_SLOTS:
            return False
        if not data.is_held(att_idx) and data.real_count(session.members) <= min_group:
            return False
        if any(s in plan.assigned for s in data.successors.get(att_idx, ())):
            return False
        plan.unseat(att_idx)
        self.deferred.append(att_idx)
        return True

    def move_elsewhere(
        self,
        att_idx: int,
        avoid: int,
        before: int | None = None,
        away: tuple[int, int] | None = None,
    ) -> bool:
        """Move an attendance to another session of its course that fits it (one starting
        before ``before``, the earliest first, if given; one that does not overlap the
        slots ``away`` (from, to), if given: a place freed there is not taken again);
        True if moved."""
        data = self.data
        plan = self.plan
        att = data.attendances[att_idx]
        here = plan.assigned[att_idx]
        current = plan.sessions[here]
        assert current is not None
        if here == avoid:
            return False
        min_group = data.courses[att.course].course.min_group
        if not data.is_held(att_idx) and data.real_count(current.members) <= min_group:
            return False
        for index, session in self.other_sessions(att, (here, avoid), before, away):
            if not plan.ready(att, session.start) or not self.before_successors(
                att_idx, session.start
            ):
                continue
            if self.move_to(att_idx, here, index, session.start):
                return True
        return False

    def other_sessions(
        self,
        att: SolverAttendance,
        skip: tuple[int, int],
        before: int | None,
        away: tuple[int, int] | None,
    ) -> Iterator[tuple[int, PlannedSession]]:
        """The sessions of the attendance's course (but those of the indices ``skip``)
        with a free seat, within its window, the earliest first: before ``before`` and
        not overlapping the slots ``away`` (from, to), when given.

        Lazily, so that each is judged on the plan as it stands when it is reached.
        """
        data = self.data
        length = data.courses[att.course].half_days
        others = sorted(self.plan.live_sessions(), key=lambda item: (item[1].start, item[0]))
        for index, session in others:
            if index in skip or session.course != att.course:
                continue
            if before is not None and session.start >= before:
                return
            if away is not None and session.start < away[1] and away[0] < session.start + length:
                continue
            seats = data.seats(session.course, session.room)
            if len(session.members) >= seats:
                continue
            if att.release > session.start or att.deadline < session.start + length - 1:
                continue
            yield index, session

    def move_to(self, att_idx: int, here: int, index: int, start: int) -> bool:
        """Move the attendance from session ``here`` to session ``index`` (starting at
        ``start``) if the person is free then and the district has a place; else leave it
        where it is. True if moved."""
        data = self.data
        plan = self.plan
        att = data.attendances[att_idx]
        length = data.courses[att.course].half_days
        plan.unseat(att_idx)
        if (
            plan.person_free(att.person, start, length)
            and plan.district_spare(data.person_district[att.person], start, length) >= 1
        ):
            plan.seat(index, att_idx)
            return True
        plan.seat(here, att_idx)
        return False

    def fill(self, course: int, kind: Kind) -> None:
        """Seat attendances of one kind in free seats, each in its earliest fitting session."""
        data = self.data
        plan = self.plan
        info = data.courses[course]
        sessions = sorted(
            ((i, s) for i, s in plan.live_sessions() if s.course == course),
            key=lambda s: (s[1].start, s[0]),
        )
        if not sessions:
            return
        waiting = sorted(
            (
                a
                for a in info.attendances
                if data.attendances[a].kind is kind and a not in plan.assigned
            ),
            key=lambda a: (data.attendances[a].release, data.attendances[a].person),
        )
        for att_idx in waiting:
            for index, session in sessions:
                seats = data.seats(session.course, session.room)
                if len(session.members) >= seats:
                    continue
                if choose_members(plan, [att_idx], course, session.start, 1):
                    plan.seat(index, att_idx)
                    break

    def reason(self, att: SolverAttendance) -> Reason:
        """Why a due attendance cannot be met, in a coordinator's words."""
        return explain_unmet(self.plan, att)


def greedy_plan(
    data: SolveData, deadline: float | None = None, stop: Noted | None = None
) -> tuple[Plan, list[Unmet]]:
    """Build the greedy plan; returns it with the due attendances it leaves unmet (those not
    reached by the ``time.perf_counter()`` deadline or a noted ``stop``: time_limit)."""
    builder = GreedyBuilder(data, deadline=deadline)
    builder.stop = stop
    plan = builder.build()
    return plan, builder.unmet


def seat_deferred(plan: Plan, deferred: list[int]) -> None:
    """Seat attendances a neighbourhood model deferred out of its window, after it: in a
    session with a free seat if one fits, else in new sessions, as the first pass would.

    The engines hand this to the CP-SAT search
    (:func:`schemalaggning.engine.model.improve.improve_plan`), which so never imports the
    greedy heuristic itself.
    """
    builder = GreedyBuilder(plan.data, plan)
    builder.deferred = list(deferred)
    builder.serve_deferred()
