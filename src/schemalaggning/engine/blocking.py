"""The smallest set of rules that together leave no session for one due attendance.

Every block a session of the course could occupy (``half_days`` consecutive half-days
on consecutive days of one ISO week, on any day of the horizon, closed days included)
is tested against each rule family and against combinations of them: which sets of
rules, taken together, forbid that block. For example ``trainer_qualified`` and
``trainer_available`` together forbid a block when the only qualified trainer is away
then, while the unqualified ones are free. A set of rules makes the attendance
impossible when it forbids every block.

The smallest such set is found with CP-SAT (choose the fewest rules such that every
block is forbidden by a combination of chosen rules). It is then checked, not trusted,
with a second CP-SAT model in which a block is to be chosen and each rule is an
assumption literal: under the set's rules it must be infeasible, with CP-SAT's
sufficient assumptions for infeasibility inside the set, and without any one of them it
must be feasible; the block it then finds is tested again against the remaining rules
in plain Python and reported (it tells the coordinator what relaxing the rule buys).

Only the data is considered here (the instance's calendar, people, trainers, rooms,
leave and fixed sessions), not the other sessions of a plan: when no set of rules
forbids every block, the attendance is possible in some schedule and the obstacle is
the rest of the plan.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np
from ortools.sat.python import cp_model

from schemalaggning.domain import Course, Half, Instance, Person, Slot, Trainer
from schemalaggning.engine.names import (
    course_name,
    district_name,
    listed,
    person_name,
    room_name,
    trainer_name,
)
from schemalaggning.i18n import _
from schemalaggning.rules import Rule
from schemalaggning.swedish import HALF_NAMES, full_date, long_date, number
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


@dataclass
class Blocking:
    """The smallest set of rules found, and what the check of it gave."""

    rules: list[Rule]
    blocks: int
    #: For each rule of the set: a block that every other rule of the set allows.
    witnesses: dict[Rule, Block] = field(default_factory=dict)
    checked: bool = False
    details: dict[Rule, str] = field(default_factory=dict)


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


def away_between(instance: Instance, ids: set[str], first: date, last: date) -> str:
    """The unavailability of the resources ``ids`` that touches ``first``..``last``, by
    name with the days in words."""
    names = resource_names(instance)
    return "; ".join(
        _("{name} away {start} to {end}").format(
            name=names.get(e.resource_id, e.resource_id),
            start=long_date(e.start),
            end=long_date(e.end),
        )
        for e in instance.unavailability
        if e.resource_id in ids and e.end >= first and e.start <= last
    )


def resource_names(instance: Instance) -> dict[str, str]:
    """The trainers' and rooms' names by id."""
    names = {t.trainer_id: trainer_name(t) for t in instance.trainers}
    names.update({r.room_id: room_name(r) for r in instance.rooms})
    return names


def describe_rule(rules: BlockRules, rule: Rule) -> str:
    """The rule in a coordinator's words, with the data behind it."""
    return DESCRIPTIONS.get(rule, describe_min_group)(rules)


def describe_window(rules: BlockRules) -> str:
    """The attendance's window: its earliest start and deadline, and the open half-days
    between them."""
    person, course, instance = rules.person, rules.course, rules.instance
    first, last = rules.first_day, rules.last_day
    inside = [d for d in rules.grid.days if first <= d <= last]
    text = _(
        "{person} must finish {course} ({half_days} half-day(s)) by {deadline} and may "
        "start on {earliest}"
    ).format(
        person=person_name(person),
        course=course_name(course),
        half_days=number(course.half_days),
        deadline=long_date(rules.deadline),
        earliest=long_date(rules.earliest),
    )
    if rules.earliest < instance.settings.horizon_start:
        start = instance.settings.horizon_start
        text += "; " + _("the plan starts on {day}").format(day=full_date(start))
    if first > last:
        return _("{text}: no day remains").format(text=text)
    return _("{text}: from {first} to {last}: {count} open half-day(s)").format(
        text=text, first=long_date(first), last=long_date(last), count=number(2 * len(inside))
    )


def describe_closed_day(rules: BlockRules) -> str:
    """The closed days of the window, weekends and the first few named."""
    course, grid = rules.course, rules.grid
    first, last = rules.first_day, rules.last_day
    closed = sorted(d for d in grid.closed if first <= d <= last)
    named = "".join(f", {long_date(d)} ({grid.closed[d]})" for d in closed[:6])
    return _(
        "{course} needs {half_days} half-day(s) in a row on open days of one week; closed "
        "from {first} to {last}: weekends{named}"
    ).format(
        course=course_name(course),
        half_days=number(course.half_days),
        first=long_date(first),
        last=long_date(last),
        named=named,
    )


def describe_prerequisite(rules: BlockRules) -> str:
    """The prerequisites not done, and when they can be completed at the earliest."""
    person, course, instance = rules.person, rules.course, rules.instance
    ready = rules.ready
    waits = listed(
        course_name(instance.course_by_id[c]) if c in instance.course_by_id else c
        for c in course.after
        if c not in person.done
    )
    if ready is None or ready.day == date.max:
        words = _("{course} must come after {waits}, which {person} cannot finish in the plan")
        return words.format(course=course_name(course), waits=waits, person=person_name(person))
    return _("{course} must come after {waits}, finished on {day} at the earliest").format(
        course=course_name(course), waits=waits, day=long_date(ready.day)
    )


def describe_person_overlap(rules: BlockRules) -> str:
    """The person's fixed sessions."""
    words = _("the fixed sessions of {person} take the possible half-days")
    return words.format(person=person_name(rules.person))


def describe_elective_away(rules: BlockRules) -> str:
    """The person's approved electives."""
    pid = rules.person.person_id
    own = [
        (
            _("{request} from {start} to {end}") if e.start != e.end else _("{request} on {start}")
        ).format(request=e.request_id, start=long_date(e.start), end=long_date(e.end))
        + (f" {HALF_NAMES[e.half]}" if e.half else "")
        for e in rules.instance.approved_electives
        if e.person_id == pid
    ]
    words = _("{person} is away on approved electives: {electives}")
    return words.format(person=person_name(rules.person), electives=", ".join(own))


def describe_district_absence(rules: BlockRules) -> str:
    """The district's limit, and the seats fixed sessions (and electives) take of it."""
    district = rules.instance.district_by_id[rules.person.district_id]
    text = _("district {district} may have at most {limit} away at a time").format(
        district=district_name(district), limit=number(district.max_absent)
    )
    fixed = sum(n for (d, _slot), n in rules.district_load.items() if d == district.district_id)
    if not fixed:
        return text
    if rules.elective_load:
        words = _(
            "{text}; fixed sessions and approved electives already take {count} place(s) "
            "of it, counted by half-day"
        )
    else:
        words = _("{text}; fixed sessions already take {count} place(s) of it, counted by half-day")
    return words.format(text=text, count=number(fixed))


def qualified_trainers(rules: BlockRules) -> list[Trainer]:
    """The trainers qualified for the course."""
    return [t for t in rules.instance.trainers if t.qualified(rules.course.course_id)]


def describe_trainer_qualified(rules: BlockRules) -> str:
    """The trainers the course needs, and those qualified."""
    names = listed(trainer_name(t) for t in qualified_trainers(rules)) or _("nobody")
    return _("{course} needs {count} trainer(s); qualified: {names}").format(
        course=course_name(rules.course), count=number(rules.course.trainers), names=names
    )


def describe_trainer_available(rules: BlockRules) -> str:
    """The qualified trainers' leave in the window."""
    ids = {t.trainer_id for t in qualified_trainers(rules)}
    leave = away_between(rules.instance, ids, rules.first_day, rules.last_day)
    if not leave:
        return _("the qualified trainers are unavailable in the window (see unavailability.csv)")
    return _("trainers away in the window: {leave}").format(leave=leave)


def describe_trainer_overlap(rules: BlockRules) -> str:
    """The qualified trainers' fixed sessions."""
    return _("the qualified trainers teach fixed sessions in the window")


def describe_trainer_week_limit(rules: BlockRules) -> str:
    """The qualified trainers' weekly limits."""
    course = rules.course
    limits = ", ".join(
        _("{trainer} {count} half-day(s)").format(
            trainer=trainer_name(t), count=number(t.max_half_days_per_week)
        )
        for t in qualified_trainers(rules)
    )
    return _(
        "{course} takes {half_days} half-day(s) of a trainer's week; the weekly limits less "
        "fixed sessions leave too little: {limits}"
    ).format(
        course=course_name(course),
        half_days=number(course.half_days),
        limits=limits or _("no qualified trainer"),
    )


def describe_room_capacity(rules: BlockRules) -> str:
    """The course's least group, and the largest room."""
    largest = max((r.capacity for r in rules.instance.rooms), default=0)
    return _("{course} needs a room for at least {least}; the largest seats {largest}").format(
        course=course_name(rules.course),
        least=number(rules.course.min_group),
        largest=number(largest),
    )


def describe_room_available(rules: BlockRules) -> str:
    """The rooms' unavailability in the window."""
    instance = rules.instance
    ids = {r.room_id for r in instance.rooms}
    away = away_between(instance, ids, rules.first_day, rules.last_day)
    if not away:
        return _("the rooms are unavailable in the window (see unavailability.csv)")
    return _("rooms away in the window: {away}").format(away=away)


def describe_room_overlap(rules: BlockRules) -> str:
    """The rooms' fixed sessions."""
    return _("the rooms are taken by fixed sessions in the window")


def describe_min_group(rules: BlockRules) -> str:
    """The course's least group, and the most people who could attend a block."""
    return _(
        "{course} needs {least} participants in a session; at most {most} could come at "
        "any possible time in the window"
    ).format(
        course=course_name(rules.course),
        least=number(rules.course.min_group),
        most=number(rules.max_group()),
    )


#: Each rule's description (:data:`Rule.MIN_GROUP` the default).
DESCRIPTIONS: dict[Rule, Callable[[BlockRules], str]] = {
    Rule.WINDOW: describe_window,
    Rule.CLOSED_DAY: describe_closed_day,
    Rule.PREREQUISITE: describe_prerequisite,
    Rule.PERSON_OVERLAP: describe_person_overlap,
    Rule.ELECTIVE_AWAY: describe_elective_away,
    Rule.DISTRICT_ABSENCE: describe_district_absence,
    Rule.TRAINER_QUALIFIED: describe_trainer_qualified,
    Rule.TRAINER_AVAILABLE: describe_trainer_available,
    Rule.TRAINER_OVERLAP: describe_trainer_overlap,
    Rule.TRAINER_WEEK_LIMIT: describe_trainer_week_limit,
    Rule.ROOM_CAPACITY: describe_room_capacity,
    Rule.ROOM_AVAILABLE: describe_room_available,
    Rule.ROOM_OVERLAP: describe_room_overlap,
    Rule.MIN_GROUP: describe_min_group,
}


def families_of(rules: BlockRules) -> dict[Conflicts, list[Block]]:
    """The blocks grouped by the sets of rules that forbid them."""
    families: dict[Conflicts, list[Block]] = defaultdict(list)
    for block in rules.blocks:
        families[rules.conflicts(block)].append(block)
    return dict(families)


def smallest_rules(families: dict[Conflicts, list[Block]]) -> list[Rule] | None:
    """The fewest rules that forbid every block (``None`` if no set does)."""
    if any(not conflicts for conflicts in families):
        return None
    model = cp_model.CpModel()
    chosen = {rule: model.new_bool_var(rule.value) for rule in TESTED_RULES}
    for conflicts in families:
        options = []
        for rules in sorted(conflicts, key=lambda s: sorted(r.value for r in s)):
            if len(rules) == 1:
                options.append(chosen[next(iter(rules))])
                continue
            both = model.new_bool_var("")
            for rule in rules:
                model.add_implication(both, chosen[rule])
            options.append(both)
        model.add_bool_or(options)
    # Fewest rules first; among equally few, those named earlier in TESTED_RULES.
    weight = len(TESTED_RULES) + 1
    model.minimize(
        sum(weight * var for var in chosen.values())
        + sum(i * chosen[rule] for i, rule in enumerate(TESTED_RULES))
    )
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 30.0
    if solver.solve(model) != cp_model.OPTIMAL:
        return None
    return [rule for rule in TESTED_RULES if solver.value(chosen[rule])]


def check_rules(
    rules: BlockRules, families: dict[Conflicts, list[Block]], found: list[Rule]
) -> tuple[bool, dict[Rule, Block]]:
    """Check a set of rules with CP-SAT assumptions and plain evaluation.

    Returns whether the set forbids every block (the model is infeasible under it, and
    its sufficient assumptions lie inside it) and is irreducible (without any one rule
    a block is allowed, found by the model and re-tested here), and those blocks.
    """
    model = BlockChoice(rules, families)
    if not model.forbids_every_block(found):
        return False, {}
    witnesses: dict[Rule, Block] = {}
    for rule in found:
        block = model.witness(rules, found, rule)
        if block is None:
            return False, {}
        witnesses[rule] = block
    return True, witnesses


class BlockChoice:
    """A CP-SAT model that chooses a block no chosen rule forbids, each rule an assumption
    literal (a block stands for its family: the one ending nearest the window's end)."""

    def __init__(self, rules: BlockRules, families: dict[Conflicts, list[Block]]) -> None:
        model = cp_model.CpModel()
        self.model = model
        self.literal = {rule: model.new_bool_var(rule.value) for rule in TESTED_RULES}
        self.pick: list[tuple[cp_model.IntVar, Block]] = []
        for conflicts, blocks in families.items():
            var = model.new_bool_var("")
            self.pick.append((var, _nearest(blocks, rules.last_day)))
            for rule_set in conflicts:
                model.add_bool_or([var.Not(), *(self.literal[r].Not() for r in rule_set)])
        model.add_bool_or([var for var, _ in self.pick])

    def solve_under(self, assumed: list[Rule]) -> tuple[Any, cp_model.CpSolver]:
        """Solve with the rules ``assumed``: the status and the solver."""
        self.model.clear_assumptions()
        self.model.add_assumptions([self.literal[r] for r in assumed])
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = 30.0
        return solver.solve(self.model), solver

    def forbids_every_block(self, found: list[Rule]) -> bool:
        """Whether the rules ``found`` forbid every block: the model is infeasible under
        them, and its sufficient assumptions for that lie inside them."""
        status, solver = self.solve_under(found)
        if status != cp_model.INFEASIBLE:
            return False
        index = {self.literal[r].index: r for r in TESTED_RULES}
        core = {index[i] for i in solver.sufficient_assumptions_for_infeasibility()}
        return core <= set(found)

    def witness(self, rules: BlockRules, found: list[Rule], rule: Rule) -> Block | None:
        """A block that the rules ``found`` other than ``rule`` allow and ``found``
        forbids, re-tested in plain Python; None if there is none (the set is not
        irreducible)."""
        others = [r for r in found if r is not rule]
        # The block shown keeps every other rule if it can (then it is what dropping
        # this one rule buys); the set's other rules it must keep.
        status, solver = self.solve_under([r for r in TESTED_RULES if r is not rule])
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            status, solver = self.solve_under(others)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        block = next(b for var, b in self.pick if solver.value(var))
        if not rules.allowed(block, set(others)) or rules.allowed(block, set(found)):
            return None
        return block


def _nearest(blocks: list[Block], day: date) -> Block:
    """The block ending closest to the day (the latest one on or before it first)."""
    return min(blocks, key=lambda b: (abs((b[-1].day - day).days), b[0]))


def blocking_rules(instance: Instance, person: Person, course: Course) -> Blocking | None:
    """The smallest set of rules that make the attendance impossible, checked; ``None``
    when no set of rules does (the obstacle is then the rest of the plan)."""
    rules = BlockRules(instance, person, course)
    families = families_of(rules)
    found = smallest_rules(families)
    if found is None:
        return None
    checked, witnesses = check_rules(rules, families, found)
    details = {rule: describe_rule(rules, rule) for rule in found}
    return Blocking(found, len(rules.blocks), witnesses, checked, details)
