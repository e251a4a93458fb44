"""The objective of a neighbourhood model: terms in the programme's order of priority.

1. due attendances missed (and, in a window, due attendances deferred out of it, to be
   seated again after it); in a re-plan, then the changes to the published plan; then
   the seats held for expected hires missed;
2. trainer half-days (the programme's cost);
3. part 1 completed early: days from each hire's start to the end of a part-1 session;
4. mixed groups: seats a district holds beyond its fair share of a session;
5. trainer load balanced: the largest total load of a trainer qualified for a course;
6. not-yet-due attendances left out (a hire's plan made whole comes before
   experienced staff);
7. experienced staff left out of free seats;
8. not-yet-due attendances late (slot of the session: earlier is better).

Every term is minimised, and every term is a whole number between 0 and a known upper
bound, which is what lets :mod:`schemalaggning.engine.model.lexico` keep the order exactly.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from enum import StrEnum

from ortools.sat.python import cp_model

from schemalaggning.engine.model.problem import NeighbourhoodProblem
from schemalaggning.engine.model.variables import Variables
from schemalaggning.engine.plan import Kind, SolveData


class TermName(StrEnum):
    """The objective's terms, by which the search and the lexicographic solve refer to
    them (in priority order; ``changes`` and ``held_missed`` only when they apply)."""

    MISSED = "missed"
    DEFERRED = "deferred"
    CHANGES = "changes"
    HELD_MISSED = "held_missed"
    TRAINER_HALF_DAYS = "trainer_half_days"
    PART1_DAYS = "part1_days"
    MIXING_EXCESS = "mixing_excess"
    TRAINER_MAX_LOAD = "trainer_max_load"
    NOT_DUE_LEFT_OUT = "not_due_left_out"
    EXPERIENCED_LEFT_OUT = "experienced_left_out"
    NOT_DUE_LATE = "not_due_late"


@dataclass
class Term:
    """One objective term: ``constant + sum(coef * var)``, a whole number from 0 to ``upper``."""

    name: TermName
    parts: list[tuple[int, cp_model.IntVar]]
    upper: int
    constant: int = 0

    @property
    def expr(self) -> cp_model.LinearExprT:
        """The term as a CP-SAT expression."""
        return sum(c * var for c, var in self.parts) + self.constant

    def value(self, values: dict[int, int]) -> int:
        """The term's value for variable values given by variable index."""
        return self.constant + sum(c * values.get(var.index, 0) for c, var in self.parts)


@dataclass
class Objective:
    """The terms, and the auxiliary variables with how to hint them."""

    terms: list[Term]
    excess: dict[tuple[int, int], tuple[cp_model.IntVar, list[cp_model.IntVar], int]] = field(
        default_factory=dict
    )
    max_load: cp_model.IntVar | None = None
    load_parts: list[tuple[int, list[tuple[int, cp_model.IntVar]]]] = field(default_factory=list)
    max_load_floor: int = 0

    def aux_hints(self, value: dict[int, int]) -> list[tuple[cp_model.IntVar, int]]:
        """Hints for the auxiliary variables, from hinted decision values (by var index)."""
        hints = []
        for var, members, fair in self.excess.values():
            count = sum(value.get(m.index, 0) for m in members)
            hints.append((var, max(0, count - fair)))
        if self.max_load is not None:
            loads = [
                outside + sum(w * value.get(var.index, 0) for w, var in parts)
                for outside, parts in self.load_parts
            ]
            hints.append((self.max_load, max([self.max_load_floor, *loads])))
        return hints


def changes_term(data: SolveData, problem: NeighbourhoodProblem, v: Variables) -> Term:
    """Changes to a published plan: attendances not in their published session (the
    block's copy it continues), and published sessions not held in theirs
    (re-planning ranks this right below meeting due attendances)."""
    parts, constant = attendances_moved(data, problem, v)
    session_parts, session_constant = published_sessions_changed(data, problem, v)
    constant += session_constant
    parts += session_parts
    return Term(TermName.CHANGES, parts, constant, constant)


def attendances_moved(
    data: SolveData, problem: NeighbourhoodProblem, v: Variables
) -> tuple[list[tuple[int, cp_model.IntVar]], int]:
    """The attendances of the model that had a published session: one each, less one
    if it takes a candidate continuing that session (parts and constant)."""
    cands = problem.candidates
    parts: list[tuple[int, cp_model.IntVar]] = []
    constant = 0
    for att_idx in problem.attendances:
        block = data.published_block.get(att_idx)
        if block is None:
            continue
        course = data.attendances[att_idx].course
        copy = data.published_copy.get(att_idx)
        constant += 1
        for j in problem.options[att_idx]:
            if (cands[j].course, cands[j].start) == (course, block) and copy in (
                None,
                cands[j].copy,
            ):
                parts.append((-1, v.attend[att_idx, j]))
    return parts, constant


def published_sessions_changed(
    data: SolveData, problem: NeighbourhoodProblem, v: Variables
) -> tuple[list[tuple[int, cp_model.IntVar]], int]:
    """The published sessions of the area: one each, less one if its block's copy is
    held; and one for its room and each trainer, less one for each it keeps (parts and
    constant)."""
    at_block: dict[tuple[int, int], list[int]] = defaultdict(list)
    for j, cand in enumerate(problem.candidates):
        at_block[cand.course, cand.start].append(j)
    parts: list[tuple[int, cp_model.IntVar]] = []
    constant = 0
    area = problem.area
    for (course, block), count in sorted(data.published_sessions.items()):
        if course not in area.courses or not area.first_slot <= block <= area.last_slot:
            continue
        copies = at_block.get((course, block), [])[:count]
        constant += count
        parts += [(-1, v.held[j]) for j in copies]
        # A published session's room and trainers count too, so none is swapped lightly.
        resources = data.published_resources.get((course, block), [])
        for j, (room, trainers) in zip(copies, resources, strict=False):
            constant += 1 + len(trainers)
            if (j, room) in v.room:
                parts.append((-1, v.room[j, room]))
            parts += [(-1, v.trainer[j, t]) for t in trainers if (j, t) in v.trainer]
    return parts, constant


def make_objective(
    model: cp_model.CpModel, data: SolveData, problem: NeighbourhoodProblem, v: Variables
) -> Objective:
    """Build the terms of the neighbourhood model's objective, in order of priority."""
    objective = Objective(seat_terms(data, problem, v))
    objective.terms.append(trainer_half_days_term(data, problem, v))
    objective.terms.append(part1_days_term(data, problem, v))
    objective.terms.append(mixing_excess_term(model, data, problem, v, objective))
    max_load = trainer_max_load_term(model, data, problem, v, objective)
    if max_load is not None:
        objective.terms.append(max_load)
    objective.terms += left_out_terms(data, problem, v)
    objective.terms.append(not_due_late_term(data, problem, v))
    return objective


def seat_terms(data: SolveData, problem: NeighbourhoodProblem, v: Variables) -> list[Term]:
    """Due attendances missed, and deferred out of a window; in a re-plan the changes to
    the published plan; then the seats held for expected hires missed (when there are
    any). Held seats come after the real people's attendances and after keeping the
    published plan: an expected hire never moves a real person."""
    held = data.held_people
    missed = [var for a, var in v.missed.items() if data.attendances[a].person not in held]
    held_missed = [var for a, var in v.missed.items() if data.attendances[a].person in held]
    terms = [
        Term(TermName.MISSED, [(1, var) for var in missed], len(missed)),
        Term(TermName.DEFERRED, [(1, var) for var in v.later.values()], len(v.later)),
    ]
    if data.replanning:
        terms.append(changes_term(data, problem, v))
    if held_missed:
        terms.append(
            Term(TermName.HELD_MISSED, [(1, var) for var in held_missed], len(held_missed))
        )
    return terms


def trainer_half_days_term(data: SolveData, problem: NeighbourhoodProblem, v: Variables) -> Term:
    """Trainer half-days of the sessions held: the programme's cost."""
    costs = [data.courses[c.course].cost for c in problem.candidates]
    return Term(TermName.TRAINER_HALF_DAYS, list(zip(costs, v.held, strict=True)), sum(costs))


def part1_days_term(data: SolveData, problem: NeighbourhoodProblem, v: Variables) -> Term:
    """Part 1 completed early: days from each due hire's start to the end of the part-1
    session taken."""
    cands = problem.candidates
    expr: list[tuple[int, cp_model.IntVar]] = []
    upper = 0
    for att_idx in v.missed:
        att = data.attendances[att_idx]
        info = data.courses[att.course]
        if info.course.part != "1":
            continue
        person = data.instance.people[att.person]
        worst = 0
        for j in problem.options[att_idx]:
            end_day = data.grid.slots[cands[j].start + info.half_days - 1].day
            days = max(0, (end_day - person.start_date).days)
            expr.append((days, v.attend[att_idx, j]))
            worst = max(worst, days)
        upper += worst
    return Term(TermName.PART1_DAYS, expr, upper)


def mixing_excess_term(
    model: cp_model.CpModel,
    data: SolveData,
    problem: NeighbourhoodProblem,
    v: Variables,
    objective: Objective,
) -> Term:
    """Mixed groups: the seats a district holds beyond its fair share of a session (one
    variable per session and district that can exceed it, kept in ``objective`` for
    its hint)."""
    upper = 0
    excess_vars = []
    for j, cand in enumerate(problem.candidates):
        per_district: dict[int, list[cp_model.IntVar]] = defaultdict(list)
        for att_idx, var in v.by_candidate[j]:
            if data.attendances[att_idx].kind is not Kind.EXPERIENCED:
                per_district[data.person_district[data.attendances[att_idx].person]].append(var)
        for district, members in sorted(per_district.items()):
            fair = problem.fair_share[cand.course, district]
            if len(members) > fair:
                extra = model.new_int_var(0, len(members) - fair, "")
                model.add(extra >= sum(members) - fair)
                objective.excess[j, district] = (extra, members, fair)
                excess_vars.append(extra)
                upper += len(members) - fair
    return Term(TermName.MIXING_EXCESS, [(1, var) for var in excess_vars], upper)


def trainer_max_load_term(
    model: cp_model.CpModel,
    data: SolveData,
    problem: NeighbourhoodProblem,
    v: Variables,
    objective: Objective,
) -> Term | None:
    """Trainer load balanced: the largest total load of a trainer who may teach in the
    model, counting the load outside it (``None`` when no candidate needs a trainer;
    the variable and its parts are kept in ``objective`` for its hint)."""
    teaching: dict[int, list[tuple[int, cp_model.IntVar]]] = defaultdict(list)
    for j, cand in enumerate(problem.candidates):
        for trainer in cand.trainers:
            teaching[trainer].append((data.courses[cand.course].half_days, v.trainer[j, trainer]))
    if not teaching:
        return None
    outside = problem.trainer_outside_load
    floor = max(outside.values(), default=0)
    top = max(max(outside[t] + sum(w for w, _ in parts) for t, parts in teaching.items()), floor)
    max_load = model.new_int_var(floor, top, "")
    for trainer in sorted(teaching):
        parts = teaching[trainer]
        model.add(max_load >= outside[trainer] + sum(w * var for w, var in parts))
        objective.load_parts.append((outside[trainer], parts))
    objective.max_load = max_load
    objective.max_load_floor = floor
    return Term(TermName.TRAINER_MAX_LOAD, [(1, max_load)], top - floor, -floor)


def left_out_terms(data: SolveData, problem: NeighbourhoodProblem, v: Variables) -> list[Term]:
    """Not-yet-due attendances left out, then experienced staff left out of free seats."""
    terms = []
    for kind, name in (
        (Kind.OPTIONAL, TermName.NOT_DUE_LEFT_OUT),
        (Kind.EXPERIENCED, TermName.EXPERIENCED_LEFT_OUT),
    ):
        atts = [a for a in problem.attendances if data.attendances[a].kind is kind]
        taken = [(-1, v.attend[a, j]) for a in atts for j in problem.options[a]]
        terms.append(Term(name, taken, len(atts), len(atts)))
    return terms


def not_due_late_term(data: SolveData, problem: NeighbourhoodProblem, v: Variables) -> Term:
    """Not-yet-due attendances late: the slot of the session taken (earlier is better)."""
    cands = problem.candidates
    late: list[tuple[int, cp_model.IntVar]] = []
    upper = 0
    for att_idx in problem.attendances:
        if data.attendances[att_idx].kind is Kind.OPTIONAL:
            for j in problem.options[att_idx]:
                late.append((cands[j].start, v.attend[att_idx, j]))
            upper += max(cands[j].start for j in problem.options[att_idx])
    return Term(TermName.NOT_DUE_LATE, late, upper)
