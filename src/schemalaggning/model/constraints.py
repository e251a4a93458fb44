"""The constraint families of a course model, one function per rule.

Each family is named after the rule the checker reports (:mod:`schemalaggning.rules`).
Rules kept by construction are noted in :data:`BY_CONSTRUCTION`: the candidates only
hold qualified, available trainers and available rooms; the options only hold blocks
inside each person's window, after their prerequisites, before their successors and
when they are free; and a person has one attendance per course.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from ortools.sat.python import cp_model

from schemalaggning.model.problem import CourseProblem
from schemalaggning.model.variables import CourseVariables
from schemalaggning.plan import SolveData
from schemalaggning.rules import Rule

Family = Callable[[cp_model.CpModel, SolveData, CourseProblem, CourseVariables], None]


def attend_once(
    model: cp_model.CpModel, data: SolveData, problem: CourseProblem, v: CourseVariables
) -> None:
    """Every due attendance takes exactly one session or is missed; others at most one."""
    for att_idx in problem.attendances:
        chosen = [v.attend[att_idx, j] for j in problem.options[att_idx]]
        if att_idx in v.missed:
            model.add_exactly_one([*chosen, v.missed[att_idx]])
        else:
            model.add_at_most_one(chosen)


def trainer_count(
    model: cp_model.CpModel, data: SolveData, problem: CourseProblem, v: CourseVariables
) -> None:
    """A held session has one room and exactly the course's number of trainers."""
    needed = data.courses[problem.course].trainers
    for j, cand in enumerate(problem.candidates):
        model.add(sum(v.room[j, r] for r in cand.rooms) == v.held[j])
        if needed:
            model.add(sum(v.trainer[j, t] for t in cand.trainers) == needed * v.held[j])


def group_size(
    model: cp_model.CpModel, data: SolveData, problem: CourseProblem, v: CourseVariables
) -> None:
    """Between min_group and max_group participants, and no more than the room seats."""
    course = data.courses[problem.course].course
    for j, cand in enumerate(problem.candidates):
        size = sum(var for _, var in v.by_candidate[j])
        seats = sum(min(course.max_group, data.room_capacity[r]) * v.room[j, r] for r in cand.rooms)
        model.add(size <= seats)
        model.add(size >= course.min_group * v.held[j])
        for _, var in v.by_candidate[j]:
            model.add_implication(var, v.held[j])


def room_overlap(
    model: cp_model.CpModel, data: SolveData, problem: CourseProblem, v: CourseVariables
) -> None:
    """A room holds one session at a time."""
    length = data.courses[problem.course].half_days
    per_slot: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
    for j, cand in enumerate(problem.candidates):
        for r in cand.rooms:
            for t in range(cand.start, cand.start + length):
                per_slot[r, t].append(v.room[j, r])
    for key in sorted(per_slot):
        if len(per_slot[key]) > 1:
            model.add_at_most_one(per_slot[key])


def trainer_overlap(
    model: cp_model.CpModel, data: SolveData, problem: CourseProblem, v: CourseVariables
) -> None:
    """A trainer is in one session at a time."""
    length = data.courses[problem.course].half_days
    per_slot: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
    for j, cand in enumerate(problem.candidates):
        for trainer in cand.trainers:
            for t in range(cand.start, cand.start + length):
                per_slot[trainer, t].append(v.trainer[j, trainer])
    for key in sorted(per_slot):
        if len(per_slot[key]) > 1:
            model.add_at_most_one(per_slot[key])


def trainer_week_limit(
    model: cp_model.CpModel, data: SolveData, problem: CourseProblem, v: CourseVariables
) -> None:
    """A trainer teaches at most max_half_days_per_week in a week (other courses counted)."""
    length = data.courses[problem.course].half_days
    per_week: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
    for j, cand in enumerate(problem.candidates):
        week = data.slot_week[cand.start]
        for trainer in cand.trainers:
            per_week[trainer, week].append(v.trainer[j, trainer])
    for key in sorted(per_week):
        room = problem.trainer_week_room[key]
        if len(per_week[key]) * length > room:
            model.add(length * sum(per_week[key]) <= room)


def district_absence(
    model: cp_model.CpModel, data: SolveData, problem: CourseProblem, v: CourseVariables
) -> None:
    """At most max_absent of a district's people away in the same half-day (others counted)."""
    length = data.courses[problem.course].half_days
    per_slot: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
    for (att_idx, j), var in v.attend.items():
        district = data.person_district[data.attendances[att_idx].person]
        start = problem.candidates[j].start
        for t in range(start, start + length):
            per_slot[district, t].append(var)
    for key in sorted(per_slot):
        room = problem.district_room[key]
        if len(per_slot[key]) > room:
            model.add(sum(per_slot[key]) <= room)


def capacity_cut(
    model: cp_model.CpModel, data: SolveData, problem: CourseProblem, v: CourseVariables
) -> None:
    """Seats held cover the due attendances met (redundant; it lifts the bound)."""
    info = data.courses[problem.course]
    met = [1 - v.missed[a] for a in v.missed]
    if met and info.seats > 0:
        model.add(info.seats * sum(v.held) >= sum(met))


def copies_in_order(
    model: cp_model.CpModel, data: SolveData, problem: CourseProblem, v: CourseVariables
) -> None:
    """Parallel copies of a block are held in order (they are interchangeable)."""
    for j in range(1, len(problem.candidates)):
        if problem.candidates[j].start == problem.candidates[j - 1].start:
            model.add_implication(v.held[j], v.held[j - 1])


# hard: the rules every schedule keeps, in the order they are added.
HARD: list[tuple[tuple[Rule, ...], Family]] = [
    ((Rule.ATTEND_ONCE, Rule.DUE_UNMET), attend_once),
    ((Rule.TRAINER_COUNT,), trainer_count),
    ((Rule.MIN_GROUP, Rule.MAX_GROUP, Rule.ROOM_CAPACITY), group_size),
    ((Rule.ROOM_OVERLAP,), room_overlap),
    ((Rule.TRAINER_OVERLAP,), trainer_overlap),
    ((Rule.TRAINER_WEEK_LIMIT,), trainer_week_limit),
    ((Rule.DISTRICT_ABSENCE,), district_absence),
    # cuts: redundant constraints that help the search.
    ((), capacity_cut),
    ((), copies_in_order),
]

#: Rules kept by how candidates and options are made, not by a constraint.
BY_CONSTRUCTION = (
    Rule.TRAINER_QUALIFIED,
    Rule.TRAINER_AVAILABLE,
    Rule.ROOM_AVAILABLE,
    Rule.SESSION_BLOCK,
    Rule.CLOSED_DAY,
    Rule.PERSON_OVERLAP,
    Rule.WINDOW,
    Rule.BEFORE_START,
    Rule.PREREQUISITE,
    Rule.ALREADY_DONE,
)


def add_constraints(
    model: cp_model.CpModel, data: SolveData, problem: CourseProblem, v: CourseVariables
) -> None:
    """Add every hard constraint family and cut."""
    for _, family in HARD:
        family(model, data, problem, v)
