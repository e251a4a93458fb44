"""The variables of a neighbourhood model.

Per candidate session: whether it is held, which room and which trainers. Per
attendance: which of its candidate sessions it takes (at most one), and for a due
attendance whether it is missed. Names are left empty: big models build faster.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from schemalaggning.engine.model.problem import NeighbourhoodProblem
from schemalaggning.engine.plan import Kind, SolveData


@dataclass
class Variables:
    """Every decision of a neighbourhood model."""

    held: list[cp_model.IntVar]
    room: dict[tuple[int, int], cp_model.IntVar]
    trainer: dict[tuple[int, int], cp_model.IntVar]
    attend: dict[tuple[int, int], cp_model.IntVar]
    missed: dict[int, cp_model.IntVar]
    later: dict[int, cp_model.IntVar]
    by_candidate: dict[int, list[tuple[int, cp_model.IntVar]]] = field(default_factory=dict)


def make_variables(
    model: cp_model.CpModel, data: SolveData, problem: NeighbourhoodProblem
) -> Variables:
    """Create the variables of a neighbourhood model."""
    held = [model.new_bool_var("") for _ in problem.candidates]
    room = {
        (j, r): model.new_bool_var("")
        for j, cand in enumerate(problem.candidates)
        for r in cand.rooms
    }
    trainer = {
        (j, t): model.new_bool_var("")
        for j, cand in enumerate(problem.candidates)
        for t in cand.trainers
    }
    attend: dict[tuple[int, int], cp_model.IntVar] = {}
    by_candidate: dict[int, list[tuple[int, cp_model.IntVar]]] = {
        j: [] for j in range(len(problem.candidates))
    }
    for att_idx in problem.attendances:
        for j in problem.options[att_idx]:
            var = model.new_bool_var("")
            attend[att_idx, j] = var
            by_candidate[j].append((att_idx, var))
    missed = {
        a: model.new_bool_var("")
        for a in problem.attendances
        if data.attendances[a].kind is Kind.DUE
        and a not in problem.deferrable
        and a not in problem.must_sit
    }
    later = {a: model.new_bool_var("") for a in sorted(problem.deferrable)}
    return Variables(held, room, trainer, attend, missed, later, by_candidate)
