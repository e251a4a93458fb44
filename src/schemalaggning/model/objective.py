"""The objective of a course model: terms in the programme's order of priority.

1. due attendances missed;
2. trainer half-days (the programme's cost);
3. part 1 completed early: days from each hire's start to the end of a part-1 session;
4. mixed groups: seats a district holds beyond its fair share of a session;
5. trainer load balanced: the largest total load of a trainer qualified for the course;
6. experienced staff left out of free seats;
7. not-yet-due attendances left out;
8. not-yet-due attendances late (slot of the session: earlier is better).

Every term is minimised, and every term is a whole number between 0 and a known upper
bound, which is what lets :mod:`schemalaggning.model.lexico` keep the order exactly.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from schemalaggning.model.problem import CourseProblem
from schemalaggning.model.variables import CourseVariables
from schemalaggning.plan import Kind, SolveData


@dataclass
class Term:
    """One objective term: a linear expression from 0 to ``upper``."""

    name: str
    expr: cp_model.LinearExprT
    upper: int


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


def make_objective(
    model: cp_model.CpModel, data: SolveData, problem: CourseProblem, v: CourseVariables
) -> Objective:
    """Build the terms of the course model's objective."""
    info = data.courses[problem.course]
    length = info.half_days
    terms: list[Term] = []
    objective = Objective(terms)

    terms.append(Term("missed", sum(v.missed.values()), len(v.missed)))
    terms.append(Term("trainer_half_days", info.cost * sum(v.held), info.cost * len(v.held)))

    if info.course.part == "1":
        expr = []
        upper = 0
        for att_idx in v.missed:
            person = data.instance.people[data.attendances[att_idx].person]
            worst = 0
            for j in problem.options[att_idx]:
                end_day = data.grid.slots[problem.candidates[j].start + length - 1].day
                days = max(0, (end_day - person.start_date).days)
                expr.append(days * v.attend[att_idx, j])
                worst = max(worst, days)
            upper += worst
        terms.append(Term("part1_days", sum(expr), upper))

    upper = 0
    excess_vars = []
    for j in range(len(problem.candidates)):
        per_district: dict[int, list[cp_model.IntVar]] = defaultdict(list)
        for att_idx, var in v.by_candidate[j]:
            if data.attendances[att_idx].kind is not Kind.EXPERIENCED:
                per_district[data.person_district[data.attendances[att_idx].person]].append(var)
        for district, members in sorted(per_district.items()):
            fair = problem.fair_share[district]
            if len(members) > fair:
                extra = model.new_int_var(0, len(members) - fair, "")
                model.add(extra >= sum(members) - fair)
                objective.excess[j, district] = (extra, members, fair)
                excess_vars.append(extra)
                upper += len(members) - fair
    terms.append(Term("mixing_excess", sum(excess_vars), upper))

    if info.trainers and info.qualified:
        outside = problem.trainer_outside_load
        floor = max(outside.values(), default=0)
        top = max(outside[t] for t in info.qualified) + length * len(problem.candidates)
        top = max(top, floor)
        max_load = model.new_int_var(floor, top, "")
        for trainer in info.qualified:
            parts = [
                (length, v.trainer[j, trainer])
                for j, cand in enumerate(problem.candidates)
                if trainer in cand.trainers
            ]
            if parts:
                model.add(max_load >= outside[trainer] + sum(w * var for w, var in parts))
                objective.load_parts.append((outside[trainer], parts))
        objective.max_load = max_load
        objective.max_load_floor = floor
        terms.append(Term("trainer_max_load", max_load - floor, top - floor))

    for kind, name in (
        (Kind.EXPERIENCED, "experienced_left_out"),
        (Kind.OPTIONAL, "not_due_left_out"),
    ):
        atts = [a for a in problem.attendances if data.attendances[a].kind is kind]
        left_out = [1 - sum(v.attend[a, j] for j in problem.options[a]) for a in atts]
        terms.append(Term(name, sum(left_out), len(atts)))

    late = []
    upper = 0
    for att_idx in problem.attendances:
        if data.attendances[att_idx].kind is Kind.OPTIONAL:
            for j in problem.options[att_idx]:
                late.append(problem.candidates[j].start * v.attend[att_idx, j])
            upper += max(problem.candidates[j].start for j in problem.options[att_idx])
    terms.append(Term("not_due_late", sum(late), upper))
    return objective
