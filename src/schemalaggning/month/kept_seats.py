"""The published sessions a re-plan keeps, and their free seats for the people who need one.

*Pinning* (:func:`pin_published`): sessions that started before today are history and
never change; those that start before today + the freeze are pinned with their
participants. A frozen session whose trainer or room became unavailable, or no longer
exists, gets another qualified, free trainer or a free room that seats its group, or is
cancelled if none is free; a person gone from ``people.csv``, away on an approved
elective then, or who missed a course that must come first leaves it. Every such
change is listed.

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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from schemalaggning.domain import (
    Assignment,
    Course,
    Elective,
    Instance,
    Person,
    Session,
    Trainer,
)
from schemalaggning.engine.greedy import GreedyBuilder
from schemalaggning.engine.plan import Kind, topological_courses
from schemalaggning.i18n import _
from schemalaggning.io.schedule import Schedule
from schemalaggning.month.changes import COURSE_GONE, PERSON_GONE, TRAINER_GONE, Change, when
from schemalaggning.rules import Rule
from schemalaggning.swedish import long_date
from schemalaggning.timegrid import TimeGrid, elective_slots, unavailable_slots


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


@dataclass
class Pinned:
    """The published sessions kept as they are, and what re-planning had to change."""

    sessions: list[Session]
    assignments: list[Assignment]
    later: list[Session]
    changes: list[Change]


def session_week(session: Session) -> tuple[int, int]:
    """The ISO year and week a session begins in."""
    year, week, _weekday = session.slots[0].day.isocalendar()
    return year, week


@dataclass
class Bookings:
    """The half-days the pinned sessions take: each trainer's and room's, and each
    trainer's half-days per week in the freeze (against the weekly limit)."""

    grid: TimeGrid
    #: Trainer or room id -> the slots it is unavailable in.
    away: Mapping[str, frozenset[int]]
    #: Trainer or room id -> the slots taken by pinned sessions.
    busy: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    week_load: Counter[tuple[str, tuple[int, int]]] = field(default_factory=Counter)

    def slots_of(self, session: Session) -> set[int]:
        """The session's half-days on the grid."""
        return {self.grid.slot_idx[s] for s in session.slots if s in self.grid.slot_idx}

    def free(self, resource: str, session: Session) -> bool:
        """Whether the trainer or room is neither away nor taken during the session."""
        taken = self.slots_of(session)
        return not (taken & self.away.get(resource, frozenset())) and not (
            taken & self.busy[resource]
        )

    def within_week_limit(self, trainer: Trainer, session: Session) -> bool:
        """Whether the trainer's week leaves room for the session's half-days."""
        load = self.week_load[trainer.trainer_id, session_week(session)]
        return load + len(session.slots) <= trainer.max_half_days_per_week

    def book(self, session: Session) -> None:
        """Take the session's half-days for its trainers and room."""
        for resource in (*session.trainer_ids, session.room_id):
            self.busy[resource] |= self.slots_of(session)

    def book_week(self, session: Session) -> None:
        """Count the session's half-days in its trainers' week."""
        for trainer_id in session.trainer_ids:
            self.week_load[trainer_id, session_week(session)] += len(session.slots)


def split_at(
    published: Schedule, today: date, freeze_end: date
) -> tuple[list[Session], list[Session], list[Session]]:
    """The published sessions in time order: history (before ``today``), frozen (before
    ``freeze_end``) and later."""
    ordered = sorted(
        (s for _, s in published.sessions if s.slots), key=lambda s: (s.slots[0], s.session_id)
    )
    history = [s for s in ordered if s.slots[0].day < today]
    frozen = [s for s in ordered if today <= s.slots[0].day < freeze_end]
    later = [s for s in ordered if s.slots[0].day >= freeze_end]
    return history, frozen, later


def substitute_trainer(
    instance: Instance, course: Course, session: Session, trainers: list[str], bookings: Bookings
) -> str | None:
    """The first qualified trainer, not yet in the session, free then and within the
    weekly limit (None if there is none)."""
    return next(
        (
            t.trainer_id
            for t in instance.trainers
            if t.qualified(course.course_id)
            and t.trainer_id not in trainers
            and bookings.free(t.trainer_id, session)
            and bookings.within_week_limit(t, session)
        ),
        None,
    )


def replace_trainers(
    instance: Instance,
    course: Course,
    session: Session,
    bookings: Bookings,
    changes: list[Change],
) -> tuple[list[str], str]:
    """The frozen session's trainers, each one gone or unavailable replaced by a
    substitute (a change each); no trainers and the one lost when one has none."""
    trainers = list(session.trainer_ids)
    for k, trainer_id in enumerate(trainers):
        trainer = instance.trainer_by_id.get(trainer_id)
        if trainer is not None and bookings.free(trainer_id, session):
            continue
        substitute = substitute_trainer(instance, course, session, trainers, bookings)
        if substitute is None:
            return [], trainer_id
        changes.append(
            Change(
                "trainer_changed",
                session.session_id,
                session.course_id,
                before=trainer_id,
                after=substitute,
                why=TRAINER_GONE if trainer is None else f"{trainer_id} is unavailable then",
            )
        )
        trainers[k] = substitute
    return trainers, ""


def room_usable(instance: Instance, session: Session, bookings: Bookings) -> bool:
    """Whether the frozen session's room still exists and is free then."""
    return session.room_id in instance.room_by_id and bookings.free(session.room_id, session)


def replace_room(
    instance: Instance, session: Session, size: int, bookings: Bookings, changes: list[Change]
) -> str | None:
    """The smallest free room that seats the frozen session's group (a change), or None."""
    replacement = next(
        (
            r.room_id
            for r in sorted(instance.rooms, key=lambda r: (r.capacity, r.room_id))
            if r.capacity >= size and bookings.free(r.room_id, session)
        ),
        None,
    )
    if replacement is not None:
        changes.append(
            Change(
                "room_changed",
                session.session_id,
                session.course_id,
                before=session.room_id,
                after=replacement,
                why=f"room {session.room_id} is unavailable then",
            )
        )
    return replacement


def cancelled(session: Session, lost: str = "", why: str = "") -> Change:
    """The change of a frozen session cancelled (``lost``: the trainer or room missing)."""
    return Change(
        "session_cancelled",
        session.session_id,
        session.course_id,
        before=when(session),
        after=lost,
        why=why or "its trainer or room became unavailable and no substitute is free",
    )


def pin_frozen(
    instance: Instance, session: Session, size: int, bookings: Bookings, changes: list[Change]
) -> Session | None:
    """The frozen session as kept, with a trainer or room that became unavailable
    replaced, or None when it is cancelled; its changes are added to ``changes``."""
    course = instance.course_by_id.get(session.course_id)
    if course is None:
        changes.append(cancelled(session, why=COURSE_GONE))
        return None
    trainers, lost = replace_trainers(instance, course, session, bookings, changes)
    room_id = session.room_id
    if trainers and not room_usable(instance, session, bookings):
        replacement = replace_room(instance, session, size, bookings, changes)
        if replacement is None:
            lost, trainers = room_id, []
        else:
            room_id = replacement
    if not trainers and course.trainers:
        changes.append(cancelled(session, lost))
        return None
    kept = session.model_copy(update={"trainer_ids": tuple(trainers), "room_id": room_id})
    bookings.book(kept)
    bookings.book_week(kept)
    return kept


def pinned_assignments(
    instance: Instance, published: Schedule, pinned_ids: set[str], changes: list[Change]
) -> list[Assignment]:
    """The published assignments of the pinned sessions; a person no longer in
    ``people.csv`` is taken out (a change)."""
    kept: list[Assignment] = []
    for _row, a in published.assignments:
        if a.session_id not in pinned_ids:
            continue
        if a.person_id in instance.person_by_id:
            kept.append(a)
        else:
            changes.append(
                Change("person_removed", a.session_id, a.course_id, a.person_id, why=PERSON_GONE)
            )
    return kept


def pin_published(
    instance: Instance,
    published: Schedule,
    today: date,
    freeze_weeks: int,
    missed: Mapping[tuple[str, str], Session] | None = None,
) -> Pinned:
    """Split the published sessions into pinned (history and freeze) and later ones.

    A frozen session whose trainer or room is now unavailable, or no longer exists,
    gets another qualified, free trainer or a free room that seats its group; if there
    is none it is cancelled and its participants are planned again. A person who did not
    come to a course (``missed``, from ``attendance.csv``) leaves the frozen sessions of
    the courses that must come after it: they are planned again after the course.
    """
    grid = TimeGrid(instance.settings)
    bookings = Bookings(grid, unavailable_slots(instance, grid))
    history, frozen, later = split_at(published, today, today + timedelta(weeks=freeze_weeks))
    sizes = Counter(a.session_id for _, a in published.assignments)
    changes: list[Change] = []
    pinned = list(history)
    for session in history:
        bookings.book(session)
    for session in frozen:
        kept = pin_frozen(instance, session, sizes[session.session_id], bookings, changes)
        if kept is not None:
            pinned.append(kept)
    assignments = pinned_assignments(instance, published, {s.session_id for s in pinned}, changes)
    assignments = _leave_for_electives(instance, pinned, history, assignments, changes)
    assignments = _leave_after_missed(instance, history, assignments, changes, missed or {})
    counts = Counter(a.session_id for a in assignments)
    pinned = [s.model_copy(update={"participants": counts[s.session_id]}) for s in pinned]
    return Pinned(pinned, assignments, later, changes)


def first_missed_prerequisite(
    a: Assignment, needs: set[str], missed: Mapping[tuple[str, str], Session]
) -> Session | None:
    """The session of the first course (by id) the assignment's course needs before it
    that the person did not come to (None if they missed none)."""
    return next((missed[a.person_id, b] for b in sorted(needs) if (a.person_id, b) in missed), None)


def _leave_after_missed(
    instance: Instance,
    history: list[Session],
    assignments: list[Assignment],
    changes: list[Change],
    missed: Mapping[tuple[str, str], Session],
) -> list[Assignment]:
    """Take people out of frozen sessions of courses whose prerequisite they missed.

    A no-show's course is not done, so a later course that must come after it (directly
    or through others) cannot keep its frozen seat: the person is planned again.
    """
    if not missed:
        return assignments
    after = courses_after(instance)
    past = {s.session_id for s in history}
    kept: list[Assignment] = []
    for a in assignments:
        first = first_missed_prerequisite(a, after.get(a.course_id, set()), missed)
        if first is None or a.session_id in past:
            kept.append(a)
            continue
        changes.append(
            Change(
                "person_removed",
                a.session_id,
                a.course_id,
                a.person_id,
                why=missed_first_words(instance, a, first),
            )
        )
    return kept


def missed_first_words(instance: Instance, seat: Assignment, first: Session) -> str:
    """Why a seat is given up after its person missed a course that must come first, as
    a reason is written (the rule's name, then the words)."""
    person = instance.person_by_id.get(seat.person_id)
    missed = instance.course_by_id.get(first.course_id)
    course = instance.course_by_id.get(seat.course_id)
    words = _("{person} did not come to {first} on {day}, which must come before {course}")
    return f"{Rule.PREREQUISITE.value}: " + words.format(
        person=(person.name or person.person_id) if person is not None else seat.person_id,
        first=(missed.name or missed.course_id) if missed is not None else first.course_id,
        day=long_date(first.slots[0].day) if first.slots else "",
        course=(course.name or course.course_id) if course is not None else seat.course_id,
    )


def elective_over(instance: Instance, person_id: str, session: Session) -> Elective | None:
    """The person's first approved elective that covers a half-day of the session."""
    return next(
        (
            e
            for e in instance.approved_electives
            if e.person_id == person_id and any(e.covers(slot) for slot in session.slots)
        ),
        None,
    )


def _leave_for_electives(
    instance: Instance,
    pinned: list[Session],
    history: list[Session],
    assignments: list[Assignment],
    changes: list[Change],
) -> list[Assignment]:
    """Take people out of frozen sessions that fall in their approved electives.

    An elective approved after the schedule was published wins over the frozen seat: the
    person is planned again. History stays as it was.
    """
    if not instance.approved_electives:
        return assignments
    past = {s.session_id for s in history}
    by_id = {s.session_id: s for s in pinned}
    kept: list[Assignment] = []
    for a in assignments:
        session = by_id.get(a.session_id)
        elective = None
        if session is not None and a.session_id not in past:
            elective = elective_over(instance, a.person_id, session)
        if elective is None:
            kept.append(a)
            continue
        changes.append(
            Change(
                "person_removed",
                a.session_id,
                a.course_id,
                a.person_id,
                why=f"away on approved elective {elective.request_id} then",
                elective_id=elective.request_id,
            )
        )
    return kept


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
