"""Lexicographic optimisation with CP-SAT: the order of priority kept exactly.

Consecutive terms are weighted into one objective as long as the weights can keep their
order (each weight above the largest value of everything below it) without passing
:data:`MAX_WEIGHT`; each such block is solved in turn, with the hint of the solution
before, and its value is then held as a constraint for the blocks after it.
"""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from schemalaggning.model.objective import Term

#: The largest product of term ranges weighted into one objective.
MAX_WEIGHT = 10**12


@dataclass
class LexResult:
    """Values of every term (``None`` where no solution was found) and the solution."""

    values: list[int | None]
    solution: list[int] | None
    status: str
    bound_first_block: float


def blocks_of(terms: list[Term]) -> list[list[tuple[int, int]]]:
    """Group term indices into blocks with weights that keep their order."""
    blocks: list[list[tuple[int, int]]] = []
    current: list[int] = []
    product = 1
    for idx, term in enumerate(terms):
        span = term.upper + 1
        if current and product * span > MAX_WEIGHT:
            blocks.append(_weights(terms, current))
            current, product = [], 1
        current.append(idx)
        product *= span
    if current:
        blocks.append(_weights(terms, current))
    return blocks


def _weights(terms: list[Term], indices: list[int]) -> list[tuple[int, int]]:
    weights: list[tuple[int, int]] = []
    weight = 1
    for idx in reversed(indices):
        weights.append((idx, weight))
        weight *= terms[idx].upper + 1
    return list(reversed(weights))


def solve_lexicographic(
    model: cp_model.CpModel,
    terms: list[Term],
    hint: list[tuple[cp_model.IntVar, int]],
    parameters: dict[str, object],
    deterministic_time: float,
    wall_time: float,
) -> LexResult:
    """Minimise the terms in order; every block gets an equal share of the time."""
    blocks = [b for b in blocks_of(terms) if any(terms[i].upper > 0 for i, _ in b)]
    values: list[int | None] = [0 if t.upper == 0 else None for t in terms]
    solution: list[int] | None = None
    status_name = "UNKNOWN"
    first_bound = 0.0
    for k, block in enumerate(blocks):
        model.clear_hints()  # type: ignore[no-untyped-call]
        if solution is None:
            for var, value in hint:
                model.add_hint(var, value)
        else:
            for index, value in enumerate(solution):
                model.add_hint(model.get_int_var_from_proto_index(index), value)
        expr = sum(weight * terms[idx].expr for idx, weight in block)
        model.minimize(expr)
        solver = cp_model.CpSolver()
        for name, setting in parameters.items():
            setattr(solver.parameters, name, setting)
        solver.parameters.max_deterministic_time = deterministic_time / len(blocks)
        solver.parameters.max_time_in_seconds = max(0.05, wall_time / len(blocks))
        status = solver.solve(model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            break
        status_name = solver.status_name(status)
        if k == 0:
            first_bound = solver.best_objective_bound
        solution = list(solver.response_proto.solution)
        block_value = round(solver.objective_value)
        for idx, _ in block:
            values[idx] = round(solver.value(terms[idx].expr))
        # Later blocks may not make this one worse.
        model.add(expr <= block_value)
    model.clear_objective()  # type: ignore[no-untyped-call]
    return LexResult(values, solution, status_name, first_bound)
