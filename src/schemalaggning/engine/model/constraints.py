"""The constraint families of a neighbourhood model, one function per rule.

Each family opens with the rule in plain words and is named after the rule the
checker reports (:mod:`schemalaggning.rules`). Rules kept by construction are listed
in :data:`BY_CONSTRUCTION`: candidates only hold qualified, available trainers and
available rooms in valid blocks on open days; options only hold blocks inside each
person's window, after the prerequisites and before the successors outside the model,
and when the person is free of the sessions outside the model and of their approved
electives. The electives also take their places of the district's limit before the
model is built (``NeighbourhoodProblem.district_spare``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import TypeVar

from ortools.sat.python import cp_model

from schemalaggning.engine.model.problem import NeighbourhoodProblem
from schemalaggning.engine.model.variables import Variables
from schemalaggning.engine.plan import SolveData
from schemalaggning.rules import KeptBy, Rule

Family = Callable[[cp_model.CpModel, SolveData, NeighbourhoodProblem, Variables], None]


#: A modelling API's variable: CP-SAT's here, MathOpt's in the MIP baseline.
V = TypeVar("V")


def _length(data: SolveData, problem: NeighbourhoodProblem, j: int) -> int:
    return data.courses[problem.candidates[j].course].half_days


def attend_once(
    model: cp_model.CpModel, data: SolveData, problem: NeighbourhoodProblem, v: Variables
) -> None:
    """Every due attendance takes exactly one session, or is missed, or (in a window) is
    deferred to be seated after it; others take at most one. One whose successor sits
    outside the model takes exactly one."""
    for att_idx in problem.attendances:
        chosen = [v.attend[att_idx, j] for j in problem.options[att_idx]]
        if att_idx in problem.must_sit:
            model.add_exactly_one(chosen)
        elif att_idx in v.missed:
            model.add_exactly_one([*chosen, v.missed[att_idx]])
        elif att_idx in v.later:
            model.add_exactly_one([*chosen, v.later[att_idx]])
        else:
            model.add_at_most_one(chosen)


def trainer_count(
    model: cp_model.CpModel, data: SolveData, problem: NeighbourhoodProblem, v: Variables
) -> None:
    """A held session has one room and exactly its course's number of trainers."""
    for j, cand in enumerate(problem.candidates):
        needed = data.courses[cand.course].trainers
        model.add(sum(v.room[j, r] for r in cand.rooms) == v.held[j])
        if needed:
            model.add(sum(v.trainer[j, t] for t in cand.trainers) == needed * v.held[j])


def group_size(
    model: cp_model.CpModel, data: SolveData, problem: NeighbourhoodProblem, v: Variables
) -> None:
    """Between min_group and max_group participants, and no more than the room seats.

    Seats held for expected hires take seats but never count toward min_group: the real
    people alone make the group."""
    for j, cand in enumerate(problem.candidates):
        course = data.courses[cand.course].course
        size = sum(var for _, var in v.by_candidate[j])
        real = sum(var for a, var in v.by_candidate[j] if not data.is_held(a))
        seats = sum(data.seats(cand.course, r) * v.room[j, r] for r in cand.rooms)
        model.add(size <= seats)
        model.add(real >= course.min_group * v.held[j])
        for _, var in v.by_candidate[j]:
            model.add_implication(var, v.held[j])


def _at_most_one_per_slot(
    model: cp_model.CpModel, groups: dict[tuple[int, int], list[cp_model.IntVar]]
) -> None:
    for key in sorted(groups):
        if len(groups[key]) > 1:
            model.add_at_most_one(groups[key])


def room_overlap(
    model: cp_model.CpModel, data: SolveData, problem: NeighbourhoodProblem, v: Variables
) -> None:
    """A room holds one session at a time."""
    per_slot: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
    for j, cand in enumerate(problem.candidates):
        for r in cand.rooms:
            for t in range(cand.start, cand.start + _length(data, problem, j)):
                per_slot[r, t].append(v.room[j, r])
    _at_most_one_per_slot(model, per_slot)


def trainer_overlap(
    model: cp_model.CpModel, data: SolveData, problem: NeighbourhoodProblem, v: Variables
) -> None:
    """A trainer is in one session at a time."""
    per_slot: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
    for j, cand in enumerate(problem.candidates):
        for trainer in cand.trainers:
            for t in range(cand.start, cand.start + _length(data, problem, j)):
                per_slot[trainer, t].append(v.trainer[j, trainer])
    _at_most_one_per_slot(model, per_slot)


def person_overlap(
    model: cp_model.CpModel, data: SolveData, problem: NeighbourhoodProblem, v: Variables
) -> None:
    """A person is in one session at a time (sessions outside the model are excluded by
    the options)."""
    per_person: dict[int, list[int]] = defaultdict(list)
    for att_idx in problem.attendances:
        per_person[data.attendances[att_idx].person].append(att_idx)
    for person in sorted(per_person):
        atts = per_person[person]
        if len(atts) < 2:
            continue
        per_slot: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
        for att_idx in atts:
            for j in problem.options[att_idx]:
                start = problem.candidates[j].start
                for t in range(start, start + _length(data, problem, j)):
                    per_slot[person, t].append(v.attend[att_idx, j])
        _at_most_one_per_slot(model, per_slot)


def prerequisite(
    model: cp_model.CpModel, data: SolveData, problem: NeighbourhoodProblem, v: Variables
) -> None:
    """A course's prerequisites are completed before it starts: within the model, a
    successor is attended only after its prerequisite, and only if that is attended."""
    for before, after in problem.prerequisite_pairs:
        taken_before = [v.attend[before, j] for j in problem.options[before]]
        taken_after = [v.attend[after, j] for j in problem.options[after]]
        model.add(sum(taken_after) <= sum(taken_before))
        for ja in problem.options[after]:
            start = problem.candidates[ja].start
            # Any prerequisite session that does not end before this one starts is out.
            late = [
                v.attend[before, jb]
                for jb in problem.options[before]
                if problem.candidates[jb].start + _length(data, problem, jb) - 1 >= start
            ]
            for var in late:
                model.add_bool_or([v.attend[after, ja].Not(), var.Not()])


def trainer_week_loads(
    data: SolveData, problem: NeighbourhoodProblem, trainer: Mapping[tuple[int, int], V]
) -> dict[tuple[int, int], list[tuple[int, V]]]:
    """(trainer, week) -> the half-days and the variable of each candidate the trainer may
    teach in it, for any modelling API's variables (CP-SAT here, MathOpt in the MIP
    baseline)."""
    per_week: dict[tuple[int, int], list[tuple[int, V]]] = defaultdict(list)
    for j, cand in enumerate(problem.candidates):
        week = data.slot_week[cand.start]
        for t in cand.trainers:
            per_week[t, week].append((_length(data, problem, j), trainer[j, t]))
    return per_week


def trainer_week_limit(
    model: cp_model.CpModel, data: SolveData, problem: NeighbourhoodProblem, v: Variables
) -> None:
    """A trainer teaches at most max_half_days_per_week in a week (other sessions counted)."""
    per_week = trainer_week_loads(data, problem, v.trainer)
    for key in sorted(per_week):
        spare = problem.trainer_week_spare[key]
        if sum(w for w, _ in per_week[key]) > spare:
            model.add(sum(w * var for w, var in per_week[key]) <= spare)


def district_slot_loads(
    data: SolveData, problem: NeighbourhoodProblem, attend: Mapping[tuple[int, int], V]
) -> dict[tuple[int, int], list[V]]:
    """(district, slot) -> the variables of the district's people attending a candidate
    in that half-day, for any modelling API's variables."""
    per_slot: dict[tuple[int, int], list[V]] = defaultdict(list)
    for (att_idx, j), var in attend.items():
        district = data.person_district[data.attendances[att_idx].person]
        start = problem.candidates[j].start
        for t in range(start, start + _length(data, problem, j)):
            per_slot[district, t].append(var)
    return per_slot


def district_absence(
    model: cp_model.CpModel, data: SolveData, problem: NeighbourhoodProblem, v: Variables
) -> None:
    """At most max_absent of a district's people away in the same half-day (others counted:
    sessions outside the model and approved electives)."""
    per_slot = district_slot_loads(data, problem, v.attend)
    for key in sorted(per_slot):
        spare = problem.district_spare[key]
        if len(per_slot[key]) > spare:
            model.add(sum(per_slot[key]) <= spare)


def yearly_offering(
    model: cp_model.CpModel, data: SolveData, problem: NeighbourhoodProblem, v: Variables
) -> None:
    """A course is held at least min_per_year times in every offering year: the model
    keeps the offerings the plan holds (a held session has min_group real people)."""
    per_year: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
    for j, cand in enumerate(problem.candidates):
        key = (cand.course, data.slot_year[cand.start])
        if key in problem.offering_floor:
            per_year[key].append(v.held[j])
    for key, floor in sorted(problem.offering_floor.items()):
        model.add(sum(per_year[key]) >= floor)


def capacity_cut(
    model: cp_model.CpModel, data: SolveData, problem: NeighbourhoodProblem, v: Variables
) -> None:
    """Seats held cover the due attendances met, per course (redundant; lifts the bound)."""
    held: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    for j, cand in enumerate(problem.candidates):
        held[cand.course].append(v.held[j])
    met: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    for att_idx, var in v.missed.items():
        met[data.attendances[att_idx].course].append(var)
    for course in sorted(met):
        seats = data.courses[course].seats
        if seats > 0:
            model.add(seats * sum(held[course]) >= len(met[course]) - sum(met[course]))


def copies_in_order(
    model: cp_model.CpModel, data: SolveData, problem: NeighbourhoodProblem, v: Variables
) -> None:
    """Parallel copies of a block are held in order (they are interchangeable)."""
    cands = problem.candidates
    for j in range(1, len(cands)):
        if (cands[j].course, cands[j].start) == (cands[j - 1].course, cands[j - 1].start):
            model.add_implication(v.held[j], v.held[j - 1])


# hard: the rules every schedule keeps, in the order they are added.
HARD: list[tuple[tuple[Rule, ...], Family]] = [
    ((Rule.ATTEND_ONCE, Rule.DUE_UNMET), attend_once),
    ((Rule.TRAINER_COUNT,), trainer_count),
    ((Rule.MIN_GROUP, Rule.MAX_GROUP, Rule.ROOM_CAPACITY), group_size),
    ((Rule.ROOM_OVERLAP,), room_overlap),
    ((Rule.TRAINER_OVERLAP,), trainer_overlap),
    ((Rule.PERSON_OVERLAP,), person_overlap),
    ((Rule.PREREQUISITE,), prerequisite),
    ((Rule.TRAINER_WEEK_LIMIT,), trainer_week_limit),
    ((Rule.DISTRICT_ABSENCE,), district_absence),
    ((Rule.YEARLY_OFFERING,), yearly_offering),
    # cuts: redundant constraints that help the search.
    ((), capacity_cut),
    ((), copies_in_order),
]

#: Rules kept by how candidates and options are made, not by a constraint (rules.py).
BY_CONSTRUCTION = tuple(rule for rule in Rule if rule.kept_by is KeptBy.CONSTRUCTION)


def add_constraints(
    model: cp_model.CpModel, data: SolveData, problem: NeighbourhoodProblem, v: Variables
) -> None:
    """Add every hard constraint family and cut."""
    for _, family in HARD:
        family(model, data, problem, v)
