"""The smallest set of rules that together leave no session for one due attendance.

Every block a session of the course could occupy (``half_days`` consecutive half-days
on consecutive days of one ISO week, on any day of the horizon, closed days included)
is tested against each rule family and against combinations of them
(:mod:`schemalaggning.engine.block_rules`): which sets of rules, taken together, forbid
that block. For example ``trainer_qualified`` and
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

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ortools.sat.python import cp_model

from schemalaggning.domain import Course, Instance, Person, Trainer
from schemalaggning.engine.block_rules import TESTED_RULES, Block, BlockRules, Conflicts
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


@dataclass
class Blocking:
    """The smallest set of rules found, and what the check of it gave."""

    rules: list[Rule]
    blocks: int
    #: For each rule of the set: a block that every other rule of the set allows.
    witnesses: dict[Rule, Block] = field(default_factory=dict)
    checked: bool = False
    details: dict[Rule, str] = field(default_factory=dict)


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
