"""Free seats of the sessions a re-plan keeps, for the people who need a seat.

Some people need a seat in a re-plan: a no-show (``attendance.csv``) whose course is
planned again, a new hire for whom no seat was held, someone whose session was
cancelled. The published sessions kept often have free seats, which cost nothing; a new
session costs trainer half-days and needs ``min_group`` people, and one opened for a
few no-shows is filled up with people who did not need it.

*Frozen sessions* (inside the freeze) stay as published: same date, room and trainers,
the same people. A person may still take a free seat in one
(:func:`seat_in_frozen`), which becomes a pinned assignment for the rest of the
re-plan. When the person's window closes before a new session could start after the
freeze, that seat is the only way to meet it; when it closes later, the seat costs
nothing either. A seat is free when the room and the course's ``max_group`` leave one
(seats held for expected hires are taken: they are those hires' to take first), the
district's limit of people away leaves a place in every half-day of the session, and
the person is in no other session or approved elective then, has done the course's
prerequisites before it (in a session kept as published) and has no kept session of a
later course before its end.

*Later sessions* (published, after the freeze, kept by the re-plan) take the people
still without a seat before any new session is opened (:func:`seat_in_kept`), with
the greedy plan's own rules.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from datetime import date

from schemalaggning.domain import Assignment, Course, Instance, Person, Session
from schemalaggning.engine.greedy import GreedyBuilder
from schemalaggning.engine.plan import Kind, topological_courses
from schemalaggning.timegrid import TimeGrid, elective_slots


def courses_after(instance: Instance) -> dict[str, set[str]]:
    """For each course, every course that must come before it (through the chain)."""
    before: dict[str, set[str]] = {c.course_id: set(c.after) for c in instance.courses}
    changed = True
    while changed:
        changed = False
        for needs in before.values():
            more = set().union(*(before.get(b, set()) for b in needs)) - needs
            if more:
                needs |= more
                changed = True
    return before


class FrozenSeats:
    """The frozen sessions' free seats, and what a person may take among them.

    Parameters
    ----------
    instance
        The instance re-planned (expected hires included, if any).
    pinned
        The sessions kept as published (history and freeze).
    assignments
        Their assignments.
    today
        The re-plan's day: pinned sessions from then on are frozen, those before it
        are history.
    """

    def __init__(
        self,
        instance: Instance,
        pinned: Sequence[Session],
        assignments: Sequence[Assignment],
        today: date,
    ) -> None:
        self.instance = instance
        self.grid = TimeGrid(instance.settings)
        self.sessions = {s.session_id: s for s in pinned}
        self.frozen = sorted(
            (s for s in pinned if s.slots and s.slots[0].day >= today),
            key=lambda s: (s.slots[0], s.session_id),
        )
        assignments = [*assignments, *self._own_fixed()]
        self.members: Counter[str] = Counter(a.session_id for a in assignments)
        self.load: Counter[tuple[str, int]] = Counter()  # (district, slot) -> people away
        self.busy: dict[str, set[int]] = defaultdict(set)
        self.kept: dict[str, list[tuple[str, Session]]] = defaultdict(list)
        people = instance.person_by_id
        for a in assignments:
            session = self.sessions[a.session_id]
            self.kept[a.person_id].append((a.course_id, session))
            self._book(people[a.person_id], session)
        self._book_electives()
        self.before = courses_after(instance)

    def _own_fixed(self) -> list[Assignment]:
        """Take in the instance's own fixed sessions; returns their assignments (their
        people are seated too)."""
        instance = self.instance
        own = [s for s in instance.fixed_sessions if s.session_id not in self.sessions]
        self.sessions.update((s.session_id, s) for s in own)
        own_ids = {s.session_id for s in own}
        return [a for a in instance.fixed_assignments if a.session_id in own_ids]

    def _book_electives(self) -> None:
        """Book the half-days of the approved electives: their people are away then."""
        people = self.instance.person_by_id
        for person_id, slots in elective_slots(self.instance, self.grid).items():
            person = people.get(person_id)
            if person is None:
                continue
            self.busy[person_id] |= slots
            for t in slots:
                self.load[person.district_id, t] += 1

    def _slots(self, session: Session) -> list[int]:
        return [self.grid.slot_idx[s] for s in session.slots if s in self.grid.slot_idx]

    def _book(self, person: Person, session: Session) -> None:
        for t in self._slots(session):
            self.busy[person.person_id].add(t)
            self.load[person.district_id, t] += 1

    def first_end_after(self, course: Course, day: date) -> date | None:
        """The last day of the earliest block of the course that starts on or after
        ``day`` (None if there is none): a window closing before it can be met only in a
        session that starts earlier."""
        first = self.grid.first_slot_on_or_after(day)
        for block in self.grid.blocks(course.half_days):
            if block[0] >= first:
                return self.grid.slots[block[-1]].day
        return None

    def free_seats(self, session: Session) -> int:
        """Seats left in a frozen session: room and ``max_group`` less everyone seated
        (held seats included)."""
        course = self.instance.course_by_id[session.course_id]
        room = self.instance.room_by_id.get(session.room_id)
        capacity = course.max_group if room is None else min(course.max_group, room.capacity)
        return capacity - self.members[session.session_id]

    def fits(self, person: Person, course: Course, session: Session) -> bool:
        """Whether the person may take a free seat of the frozen session (see the module's
        description)."""
        if self.free_seats(session) < 1 or not self._in_window(person, course, session):
            return False
        slots = self._slots(session)
        if len(slots) != len(session.slots):
            return False
        return self._free_then(person, slots) and self._in_order(person, course, slots)

    def _in_window(self, person: Person, course: Course, session: Session) -> bool:
        """Whether the session lies inside the person's window for the course."""
        first, last = session.slots[0].day, session.slots[-1].day
        instance = self.instance
        return not (
            first < instance.earliest(person, course) or last > instance.deadline(person, course)
        )

    def _free_then(self, person: Person, slots: list[int]) -> bool:
        """Whether the person is free in the half-days and the district's limit of people
        away leaves a place in each."""
        if any(t in self.busy[person.person_id] for t in slots):
            return False
        limit = self.instance.district_by_id[person.district_id].max_absent
        return not any(self.load[person.district_id, t] >= limit for t in slots)

    def _in_order(self, person: Person, course: Course, slots: list[int]) -> bool:
        """Whether the seat keeps the person's courses in order: the kept sessions of the
        courses it needs end before it, those of the courses that need it begin after
        it, and its prerequisites are done or kept."""
        needs = self.before.get(course.course_id, set())
        start, end = slots[0], slots[-1]
        for course_id, other in self.kept[person.person_id]:
            other_slots = self._slots(other)
            if course_id in needs and (not other_slots or other_slots[-1] >= start):
                return False
            if course.course_id in self.before.get(course_id, set()) and (
                not other_slots or other_slots[0] <= end
            ):
                return False
        done = set(person.done) | {c for c, _ in self.kept[person.person_id]}
        return all(b in done for b in course.after if b in self.instance.course_by_id)

    def seat(self, person: Person, course: Course, session: Session) -> Assignment:
        """Seat the person in the frozen session; returns the assignment."""
        self.members[session.session_id] += 1
        self.kept[person.person_id].append((course.course_id, session))
        self._book(person, session)
        return Assignment(
            person_id=person.person_id, course_id=course.course_id, session_id=session.session_id
        )


def frozen_by_course(frozen: Sequence[Session]) -> dict[str, list[Session]]:
    """The frozen sessions of each course, in time order."""
    by_course: dict[str, list[Session]] = defaultdict(list)
    for session in frozen:
        by_course[session.course_id].append(session)
    return by_course


def waiting_for_seats(
    instance: Instance, courses: Iterable[str], have: set[tuple[str, str]]
) -> dict[str, list[Person]]:
    """For each course (in the order given), the real people due to attend it who have
    no seat in it."""
    return {
        course_id: [
            person
            for person in instance.people
            if person.person_id not in instance.held_ids
            and (person.person_id, course_id) not in have
            and instance.is_due(person, instance.course_by_id[course_id])
        ]
        for course_id in courses
    }


def seat_course(
    seats: FrozenSeats,
    course: Course,
    sessions: list[Session],
    people: list[Person],
    have: set[tuple[str, str]],
    urgent: bool,
    first_new: date,
) -> list[Assignment]:
    """Seat the course's waiting people whose window closes inside the freeze
    (``urgent``) or after it, earliest deadline first, each in the earliest frozen session
    that fits; the pairs seated are added to ``have``."""
    instance = seats.instance
    last_chance = seats.first_end_after(course, first_new)
    chosen = sorted(
        (
            p
            for p in people
            if (p.person_id, course.course_id) not in have
            and (last_chance is None or instance.deadline(p, course) < last_chance) == urgent
        ),
        key=lambda p: (instance.deadline(p, course), p.person_id),
    )
    added: list[Assignment] = []
    for person in chosen:
        found = next((s for s in sessions if seats.fits(person, course, s)), None)
        if found is not None:
            added.append(seats.seat(person, course, found))
            have.add((person.person_id, course.course_id))
    return added


def seat_in_frozen(
    instance: Instance,
    pinned: Sequence[Session],
    assignments: Sequence[Assignment],
    seated_later: Iterable[tuple[str, str]],
    today: date,
    first_new: date,
) -> tuple[list[Session], list[Assignment]]:
    """Seat people who need a seat in free seats of frozen sessions.

    ``pinned`` and ``assignments`` are the sessions and assignments kept as published
    (history and freeze); ``seated_later`` the (person, course) pairs that keep a seat in
    a published session after the freeze (those stay where they are). Every due
    attendance of a real person that neither meets is a candidate: first those whose
    window closes before a session starting on ``first_new`` could end (the freeze's end:
    a frozen seat is their only one), then the rest, earliest deadline first, course by
    course with prerequisites first. Each takes the earliest frozen session that fits.

    Returns the pinned sessions (their participants counted again) and the assignments
    with the seats given added.
    """
    seats = FrozenSeats(instance, pinned, assignments, today)
    if not seats.frozen:
        return list(pinned), list(assignments)
    have = {(a.person_id, a.course_id) for a in (*assignments, *instance.fixed_assignments)} | set(
        seated_later
    )
    by_course = frozen_by_course(seats.frozen)
    courses = [c for c in topological_courses(instance) if c in by_course]
    waiting = waiting_for_seats(instance, courses, have)
    added: list[Assignment] = []
    # Windows that close inside the freeze first (met here or never), then the rest.
    for urgent in (True, False):
        for course_id, people in waiting.items():
            course = instance.course_by_id[course_id]
            added += seat_course(
                seats, course, by_course[course_id], people, have, urgent, first_new
            )
    if not added:
        return list(pinned), list(assignments)
    counts = Counter(a.session_id for a in (*assignments, *added))
    return (
        [s.model_copy(update={"participants": counts[s.session_id]}) for s in pinned],
        [*assignments, *added],
    )


def seat_in_kept(builder: GreedyBuilder) -> int:
    """Seat due attendances without a seat in free seats of the sessions already in the
    plan (the published sessions after the freeze that the re-plan keeps), before new
    sessions are opened; returns how many were seated.

    Prerequisites first, then earliest deadline first; each takes the earliest session of
    its course that fits it (free seat, window, district limit, the person free,
    prerequisites before it). Seats held for expected hires are taken, and the expected
    hires themselves are left to the rest of the plan.
    """
    data = builder.data
    plan = builder.plan
    seated = 0
    for course_id in data.course_order:
        info = data.courses[data.course_idx[course_id]]
        waiting = sorted(
            (
                a
                for a in info.attendances
                if data.attendances[a].kind is Kind.DUE
                and a not in plan.assigned
                and not data.is_held(a)
            ),
            key=lambda a: (data.attendances[a].deadline, a),
        )
        for att_idx in waiting:
            seated += builder.seat_in_existing(att_idx)
    return seated
