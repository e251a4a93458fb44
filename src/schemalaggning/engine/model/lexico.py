"""Lexicographic optimisation with CP-SAT: the order of priority kept exactly.

Consecutive terms are weighted into one objective as long as the weights can keep their
order (each weight above the largest value of everything below it) without passing
:data:`MAX_WEIGHT`; each such block is solved in turn, with the hint of the solution
before, and its value is then held as a constraint for the blocks after it.
"""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from schemalaggning.engine.model.objective import Term, TermName

#: The terms a ``top_only`` solve goes down to (the last of them included).
TOP_TERMS = frozenset({TermName.TRAINER_HALF_DAYS})
#: The largest product of term ranges weighted into one objective.
MAX_WEIGHT = 10**6


@dataclass
class LexResult:
    """Values of every term (``None`` where no solution was found) and the solution."""

    values: list[int | None]
    solution: list[int] | None
    status: str
    bound_first_block: float
    #: CP-SAT's deterministic time, summed over the blocks solved.
    deterministic_time: float = 0.0
    #: Whether the wall clock, not the deterministic budget, stopped a block: the
    #: result may then differ from run to run.
    wall_clock_cut: bool = False
    #: How many times CP-SAT was called (one per block solved).
    calls: int = 0


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
    first_only: bool = False,
    held: frozenset[TermName] = frozenset(),
    top_only: bool = False,
) -> LexResult:
    """Minimise the terms in order, starting from a complete, feasible hint.

    A block already at zero in the current solution (every term is at least zero) is
    not solved. The first block solved gets half of the time and, when due
    attendances are missed in the hint, CP-SAT's local search only: there the task is
    to find a feasible plan that meets them, which its violation local search does best.
    A block that finds nothing better keeps the current solution. With ``first_only``
    only the first block is solved, with all the time: the lower ones are left as the
    hint has them (used to repair missed due attendances quickly), except the changes to
    a published plan.

    With ``top_only`` the blocks up to trainer half-days are solved and the lower ones
    left as the hint has them: while the whole plan's top levels are not proven, the
    time goes to them.

    Terms in ``held`` are already known to be at their best (a lower bound
    proves it): they are kept at their hint's values as constraints, and a block made
    of them alone is not solved, so its time goes to the blocks below.
    """
    current = {var.index: value for var, value in hint}
    hold_terms(model, terms, held, current)
    blocks = blocks_to_improve(terms, held)
    to_solve = blocks_to_solve(terms, blocks, current, first_only, top_only)
    result = LexResult([], None, "HINT", 0.0)
    solved_any = False
    for position, k in enumerate(to_solve):
        block = blocks[k]
        expr = sum(weight * terms[idx].expr for idx, weight in block)
        value_now = sum(w * terms[i].value(current) for i, w in block)
        if value_now == 0:
            model.add(expr <= 0)
            continue
        share = time_share(position, len(to_solve))
        # A first block of missed due attendances is a search for a feasible plan.
        local_search = (
            position == 0
            and terms[block[0][0]].name is TermName.MISSED
            and "use_ls_only" not in parameters
        )
        budget = (deterministic_time * share, max(0.05, wall_time * share))
        solver, status = solve_block(model, expr, current, parameters, budget, local_search)
        result.calls += 1
        result.deterministic_time += solver.deterministic_time
        result.wall_clock_cut |= stopped_by_wall_clock(solver, status)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) and (
            round(solver.objective_value) < value_now
        ):
            solved_any = True
            result.status = solver.status_name(status)
            if position == 0:
                result.bound_first_block = solver.best_objective_bound
            current = dict(enumerate(solver.response_proto.solution))
            value_now = round(solver.objective_value)
        # Later blocks may not make this one worse.
        model.add(expr <= value_now)
    model.clear_objective()  # type: ignore[no-untyped-call]
    result.values = [term.value(current) for term in terms]
    if solved_any:
        result.solution = [current.get(i, 0) for i in range(len(model.proto.variables))]
    return result


def time_share(position: int, count: int) -> float:
    """The share of the time for the block solved at ``position`` of ``count``: half for
    the first of several, an even share for the others."""
    return 0.5 if position == 0 and count > 1 else 1 / max(1, count)


def hold_terms(
    model: cp_model.CpModel,
    terms: list[Term],
    held: frozenset[TermName],
    current: dict[int, int],
) -> None:
    """Keep the terms in ``held`` at most at their current values, as constraints."""
    for term in terms:
        if term.name in held:
            model.add(term.expr <= term.value(current))


def blocks_to_improve(terms: list[Term], held: frozenset[TermName]) -> list[list[tuple[int, int]]]:
    """The weighted blocks of the terms that can be above zero, less those made only of
    terms in ``held``."""
    return [
        b
        for b in blocks_of(terms)
        if any(terms[i].upper > 0 for i, _ in b) and not all(terms[i].name in held for i, _ in b)
    ]


def blocks_to_solve(
    terms: list[Term],
    blocks: list[list[tuple[int, int]]],
    current: dict[int, int],
    first_only: bool,
    top_only: bool,
) -> list[int]:
    """The positions of the blocks to solve: those above zero in the current solution;
    with ``first_only`` the first of them and the changes to a published plan, with
    ``top_only`` those down to trainer half-days."""
    to_solve = [
        k
        for k, block in enumerate(blocks)
        if sum(w * terms[i].value(current) for i, w in block) > 0
    ]
    if first_only:
        # The first block, and the changes to a published plan when re-planning: they
        # rank right below it, and a repair that ignored them would move people freely.
        to_solve = [
            k
            for position, k in enumerate(to_solve)
            if position == 0 or any(terms[i].name is TermName.CHANGES for i, _ in blocks[k])
        ]
    if top_only:
        top = top_block(terms, blocks)
        to_solve = [k for k in to_solve if k <= top]
    return to_solve


def top_block(terms: list[Term], blocks: list[list[tuple[int, int]]]) -> int:
    """The position of the block holding trainer half-days (:data:`TOP_TERMS`), or the
    number of blocks when none does."""
    return next(
        (k for k, b in enumerate(blocks) if any(terms[i].name in TOP_TERMS for i, _ in b)),
        len(blocks),
    )


def solve_block(
    model: cp_model.CpModel,
    expr: cp_model.LinearExprT,
    current: dict[int, int],
    parameters: dict[str, object],
    budget: tuple[float, float],
    local_search: bool,
) -> tuple[cp_model.CpSolver, cp_model.CpSolverStatus]:
    """Minimise one block's expression from the current solution as a hint, within the
    ``budget`` (deterministic time, wall-clock seconds), with CP-SAT's local search
    only if ``local_search``; return the solver and its status."""
    model.clear_hints()  # type: ignore[no-untyped-call]
    for index, value in sorted(current.items()):
        model.add_hint(model.get_int_var_from_proto_index(index), value)
    model.minimize(expr)
    solver = cp_model.CpSolver()
    for name, setting in parameters.items():
        setattr(solver.parameters, name, setting)
    if local_search:
        solver.parameters.use_ls_only = True
    solver.parameters.max_deterministic_time, solver.parameters.max_time_in_seconds = budget
    return solver, solver.solve(model)


def stopped_by_wall_clock(solver: cp_model.CpSolver, status: cp_model.CpSolverStatus) -> bool:
    """Whether the wall clock, not the deterministic time, stopped the solve before it
    proved its block."""
    return (
        status in (cp_model.FEASIBLE, cp_model.UNKNOWN)
        and solver.deterministic_time < 0.99 * solver.parameters.max_deterministic_time
        and solver.wall_time >= 0.99 * solver.parameters.max_time_in_seconds
    )
