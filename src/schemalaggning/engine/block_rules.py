"""Which combinations of rules forbid each possible block of one due attendance.

Every block a session of the course could occupy (``half_days`` consecutive half-days on
consecutive days of one ISO week, on any day of the horizon, closed days included) is
tested against each rule family, on the data alone (the instance's calendar, people,
trainers, rooms, leave and fixed sessions): :class:`BlockRules` gives the minimal sets of
rules that forbid it. :mod:`schemalaggning.engine.blocking` finds from them the smallest
set that forbids every block, checks it and says it in words.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from datetime import date, timedelta

import numpy as np

from schemalaggning.domain import Course, Half, Instance, Person, Slot
from schemalaggning.rules import Rule
from schemalaggning.timegrid import TimeGrid, elective_slots, iso_week

#: The rule families a block is tested against, in the order they are named.
TESTED_RULES: tuple[Rule, ...] = (
    Rule.WINDOW,
    Rule.CLOSED_DAY,
    Rule.PREREQUISITE,
    Rule.PERSON_OVERLAP,
    Rule.ELECTIVE_AWAY,
    Rule.DISTRICT_ABSENCE,
    Rule.TRAINER_QUALIFIED,
    Rule.TRAINER_AVAILABLE,
    Rule.TRAINER_OVERLAP,
    Rule.TRAINER_WEEK_LIMIT,
    Rule.ROOM_CAPACITY,
    Rule.ROOM_AVAILABLE,
    Rule.ROOM_OVERLAP,
    Rule.MIN_GROUP,
)
TRAINER_RULES = (
    Rule.TRAINER_QUALIFIED,
    Rule.TRAINER_AVAILABLE,
    Rule.TRAINER_OVERLAP,
    Rule.TRAINER_WEEK_LIMIT,
)
ROOM_RULES = (Rule.ROOM_CAPACITY, Rule.ROOM_AVAILABLE, Rule.ROOM_OVERLAP)

Block = tuple[Slot, ...]
Conflicts = frozenset[frozenset[Rule]]


def _minimal(sets: list[frozenset[Rule]]) -> list[frozenset[Rule]]:
    """The sets none of whose proper subsets is among them."""
    return [s for s in sets if not any(other < s for other in sets)]


class BlockRules:
    """Which combinations of rules forbid each possible block of one attendance."""

    def __init__(self, instance: Instance, person: Person, course: Course) -> None:
        self.instance = instance
        self.person = person
        self.course = course
        self.grid = TimeGrid(instance.settings)
        settings = instance.settings
        self.earliest = instance.earliest(person, course)
        self.deadline = instance.deadline(person, course)
        self.first_day = max(self.earliest, settings.horizon_start)
        self.last_day = min(self.deadline, settings.horizon_end)
        sessions = {s.session_id: s for s in instance.fixed_sessions}
        self.fixed_sessions = list(sessions.values())
        district_of = {p.person_id: p.district_id for p in instance.people}
        #: Fixed seats per (district, slot), and the person's own fixed slots.
        self.district_load: dict[tuple[str, Slot], int] = defaultdict(int)
        self.person_slots: set[Slot] = set()
        for a in instance.fixed_assignments:
            session = sessions.get(a.session_id)
            if session is None:
                continue
            for slot in session.slots:
                self.district_load[district_of.get(a.person_id, ""), slot] += 1
                if a.person_id == person.person_id:
                    self.person_slots.add(slot)
        #: Approved electives take places of the district's limit too, and the person's
        #: own keep them away (open slots only, as everywhere).
        self.elective_slots: set[Slot] = set()
        self.elective_load = 0
        for person_id, indices in elective_slots(instance, self.grid).items():
            for idx in indices:
                slot = self.grid.slots[idx]
                self.district_load[district_of.get(person_id, ""), slot] += 1
                self.elective_load += 1
                if person_id == person.person_id:
                    self.elective_slots.add(slot)
        self.ready = self._prerequisites_ready()
        self.blocks = self._universe()
        self._group = self._group_counts()

    # -- the possible blocks -------------------------------------------------------------

    def _universe(self) -> list[Block]:
        settings = self.instance.settings
        day = settings.horizon_start
        halves: list[Slot] = []
        while day <= settings.horizon_end:
            halves += [Slot(day, Half.AM), Slot(day, Half.PM)]
            day += timedelta(days=1)
        n = self.course.half_days
        blocks = []
        for first in range(0, len(halves) - n + 1, 1):
            block = tuple(halves[first : first + n])
            if iso_week(block[0].day) == iso_week(block[-1].day):
                blocks.append(block)
        return blocks

    def _prerequisites_ready(self) -> Slot | None:
        """The earliest slot after which every prerequisite can be completed (``None``
        when there is no prerequisite to wait for)."""
        latest: Slot | None = None
        for before_id in self.course.after:
            if before_id in self.person.done:
                continue
            end = self._earliest_end(before_id, set())
            if end is None:
                return Slot(date.max, Half.PM)
            latest = end if latest is None or end > latest else latest
        return latest

    def _earliest_end(self, course_id: str, seen: set[str]) -> Slot | None:
        """The earliest last slot of a session of the course the person could attend:
        a fixed one, or the first open block after the course's earliest date and its own
        prerequisites (calendar only)."""
        for a in self.instance.fixed_assignments:
            if a.person_id != self.person.person_id:
                continue
            session = next((s for s in self.fixed_sessions if s.session_id == a.session_id), None)
            if session is not None and session.course_id == course_id:
                return max(session.slots)
        course = self.instance.course_by_id.get(course_id)
        if course is None or course_id in seen:
            return None
        start = max(
            self.instance.earliest(self.person, course), self.instance.settings.horizon_start
        )
        for before_id in course.after:
            if before_id in self.person.done:
                continue
            end = self._earliest_end(before_id, seen | {course_id})
            if end is None:
                return None
            start = max(start, end.day + timedelta(days=1))
        for block in self.grid.blocks(course.half_days):
            if self.grid.slots[block[0]].day >= start:
                return self.grid.slots[block[-1]]
        return None

    def _group_counts(self) -> dict[Block, tuple[int, int]]:
        """For each block: how many people could attend it, and how many once each
        district's ``max_absent`` (less its fixed seats) caps its share."""
        course = self.course
        starts: dict[str, list[int]] = defaultdict(list)
        ends: dict[str, list[int]] = defaultdict(list)
        held = self.instance.held_ids
        for p in self.instance.people:
            if course.course_id in p.done or p.person_id == self.person.person_id:
                continue
            if p.person_id in held:
                # A seat held for an expected hire never makes up a group.
                continue
            if p.required:
                first, last = self.instance.earliest(p, course), self.instance.deadline(p, course)
            elif course.part != "1":
                first, last = p.start_date, date.max
            else:
                continue
            starts[p.district_id].append(first.toordinal())
            ends[p.district_id].append(min(last, date.max - timedelta(days=1)).toordinal())
        arrays = {
            d: (np.array(starts[d], dtype=np.int64), np.array(ends[d], dtype=np.int64))
            for d in starts
        }
        limits = {d.district_id: d.max_absent for d in self.instance.districts}
        counts: dict[Block, tuple[int, int]] = {}
        own = self.person.district_id
        for block in self.blocks:
            opens, closes = block[0].day.toordinal(), block[-1].day.toordinal()
            # The person counts in every block (the window is a rule of its own), and
            # takes one of the district's places.
            plain, capped = 1, 1
            for d, (s, e) in arrays.items():
                here = int(np.count_nonzero((s <= opens) & (e >= closes)))
                room = min(limits.get(d, 0) - self.district_load[d, slot] for slot in block)
                room -= 1 if d == own else 0
                plain += here
                capped += max(0, min(here, room))
            counts[block] = (plain, capped)
        return counts

    # -- the rules -----------------------------------------------------------------------

    def conflicts(self, block: Block) -> Conflicts:
        """The minimal sets of rules that forbid the block."""
        found = self._person_conflicts(block)
        found += self._resource_conflicts(block)
        plain, capped = self._group[block]
        if plain < self.course.min_group:
            found.append(frozenset({Rule.MIN_GROUP}))
        elif capped < self.course.min_group:
            found.append(frozenset({Rule.MIN_GROUP, Rule.DISTRICT_ABSENCE}))
        return frozenset(_minimal(found))

    def _person_conflicts(self, block: Block) -> list[frozenset[Rule]]:
        """The rules of the person's own time that forbid the block, each alone: the
        window, closed days, prerequisites, fixed sessions, electives and the district's
        limit."""
        found: list[frozenset[Rule]] = []
        first, last = block[0], block[-1]
        if first.day < self.first_day or last.day > self.last_day:
            found.append(frozenset({Rule.WINDOW}))
        if any(s.day.weekday() >= 5 or s.day in self.grid.closed for s in block):
            found.append(frozenset({Rule.CLOSED_DAY}))
        if self.ready is not None and first <= self.ready:
            found.append(frozenset({Rule.PREREQUISITE}))
        if self.person_slots & set(block):
            found.append(frozenset({Rule.PERSON_OVERLAP}))
        if self.elective_slots & set(block):
            found.append(frozenset({Rule.ELECTIVE_AWAY}))
        district = self.instance.district_by_id[self.person.district_id]
        if any(
            district.max_absent - self.district_load[district.district_id, s] < 1 for s in block
        ):
            found.append(frozenset({Rule.DISTRICT_ABSENCE}))
        return found

    def _resource_conflicts(self, block: Block) -> list[frozenset[Rule]]:
        """The minimal sets of trainer rules, then of room rules, that leave too few
        trainers or no room for the block."""
        found: list[frozenset[Rule]] = []
        if self.course.trainers:
            excluded = [
                self._trainer_excluded(t_idx, block) for t_idx in range(len(self.instance.trainers))
            ]
            found += self._shortages(excluded, TRAINER_RULES, self.course.trainers)
        rooms = [self._room_excluded(r_idx, block) for r_idx in range(len(self.instance.rooms))]
        found += self._shortages(rooms, ROOM_RULES, 1)
        return found

    @staticmethod
    def _shortages(
        excluded: list[set[Rule]], family: tuple[Rule, ...], needed: int
    ) -> list[frozenset[Rule]]:
        """The minimal sets of the family's rules that leave fewer than ``needed``."""
        sets = []
        for size in range(1, len(family) + 1):
            for subset in itertools.combinations(family, size):
                rules = set(subset)
                if sum(1 for why in excluded if not why & rules) < needed:
                    sets.append(frozenset(rules))
        return _minimal(sets)

    def _trainer_excluded(self, t_idx: int, block: Block) -> set[Rule]:
        trainer = self.instance.trainers[t_idx]
        why: set[Rule] = set()
        if not trainer.qualified(self.course.course_id):
            why.add(Rule.TRAINER_QUALIFIED)
        if any(
            e.resource_id == trainer.trainer_id and e.covers(s)
            for e in self.instance.unavailability
            for s in block
        ):
            why.add(Rule.TRAINER_AVAILABLE)
        week = iso_week(block[0].day)
        in_week = 0
        for session in self.fixed_sessions:
            if trainer.trainer_id not in session.trainer_ids:
                continue
            if set(session.slots) & set(block):
                why.add(Rule.TRAINER_OVERLAP)
            in_week += sum(1 for s in session.slots if iso_week(s.day) == week)
        if trainer.max_half_days_per_week - in_week < self.course.half_days:
            why.add(Rule.TRAINER_WEEK_LIMIT)
        return why

    def _room_excluded(self, r_idx: int, block: Block) -> set[Rule]:
        room = self.instance.rooms[r_idx]
        why: set[Rule] = set()
        if room.capacity < self.course.min_group:
            why.add(Rule.ROOM_CAPACITY)
        if any(
            e.resource_id == room.room_id and e.covers(s)
            for e in self.instance.unavailability
            for s in block
        ):
            why.add(Rule.ROOM_AVAILABLE)
        if any(
            s.room_id == room.room_id and set(s.slots) & set(block) for s in self.fixed_sessions
        ):
            why.add(Rule.ROOM_OVERLAP)
        return why

    def allowed(self, block: Block, rules: set[Rule]) -> bool:
        """Whether no combination of the given rules forbids the block."""
        return not any(s <= rules for s in self.conflicts(block))

    def max_group(self) -> int:
        """The most people who could attend any block inside the window."""
        inside = [
            self._group[b][0]
            for b in self.blocks
            if self.first_day <= b[0].day and b[-1].day <= self.last_day
        ]
        return max(inside, default=0)
