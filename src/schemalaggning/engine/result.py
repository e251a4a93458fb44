"""The solver-neutral result: status, objective, bound, timings and the schedule records."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

from schemalaggning.domain import Assignment, Session, Unscheduled


class Status(StrEnum):
    """How a solve ended.

    ``optimal``: every due attendance met and trainer half-days equal to the window
    bound (the first two objectives are proven optimal); ``feasible``: a schedule that
    keeps every hard rule; ``infeasible``: none exists; ``unknown``: none was found.
    """

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    UNKNOWN = "unknown"


@dataclass
class Result:
    """What a solve produced."""

    status: Status
    sessions: list[Session]
    assignments: list[Assignment]
    unscheduled: list[Unscheduled]
    objective: int
    best_bound: int
    #: The run's figures, typed; ``summary.json`` is written from them once.
    record: Summary | None = None

    @property
    def summary(self) -> dict[str, Any]:
        """The figures as ``summary.json`` has them (empty without a record)."""
        return self.record.as_dict() if self.record is not None else {}

    def summary_line(self) -> str:
        """One line for the terminal."""
        s = self.summary
        return (
            f"{self.status.value}: {s.get('sessions')} sessions, "
            f"{s.get('trainer_half_days')} trainer half-days (bound {self.best_bound}, "
            f"gap {s.get('gap', 0):.2%}), {s.get('unscheduled')} of "
            f"{s.get('required_attendances')} due attendances unmet, "
            f"{s.get('solve_seconds', 0):.1f} s"
        )


#: Which engine a summary is of.
SummaryKind = Literal["solve", "replan", "mip"]

#: The keys of ``summary.json`` in the order each engine writes them (docs/formats.md);
#: ``*search`` stands for the search's statistics and ``*held`` for the held seats'
#: figures, spread in at that place.
SUMMARY_KEYS: dict[SummaryKind, tuple[str, ...]] = {
    "solve": (
        "status",
        "objective",
        "best_bound",
        "gap",
        "solve_seconds",
        "build_seconds",
        "sessions",
        "trainer_half_days",
        "trainer_half_days_bound",
        "bounds",
        "rebuild",
        "greedy_trainer_half_days",
        "required_attendances",
        "unscheduled",
        "due_met",
        "offerings",
        "optional_scheduled",
        "experienced_seats",
        "mean_days_to_part1",
        "peak_memory_mb",
        "seed",
        "workers",
        "time_limit",
        "*search",
        "levels",
        "*held",
        "instance",
        "instance_identity",
        "not_written",
    ),
    "replan": (
        "status",
        "objective",
        "best_bound",
        "gap",
        "replan",
        "warnings",
        "solve_seconds",
        "build_seconds",
        "sessions",
        "trainer_half_days",
        "trainer_half_days_bound",
        "required_attendances",
        "unscheduled",
        "due_met",
        "offerings",
        "mean_days_to_part1",
        "changes",
        "changed_assignments",
        "today",
        "freeze_weeks",
        "pinned_sessions",
        "peak_memory_mb",
        "seed",
        "workers",
        "time_limit",
        "*search",
        "*held",
        "history_notes",
        "instance",
        "instance_identity",
    ),
    "mip": (
        "method",
        "solver",
        "termination",
        "build_seconds",
        "mip_solve_seconds",
        "model",
        "trainer_half_days_bound",
        "best_bound",
        "required_attendances",
        "time_limit",
        "threads",
        "status",
        "objective",
        "gap",
        "mip_objective",
        "mip_dual_bound",
        "mip_gap",
        "sessions",
        "trainer_half_days",
        "unscheduled",
        "due_met",
        "first_solution_seconds",
        "first_solution_from_log",
        "solve_seconds",
        "peak_memory_mb",
    ),
}
#: Keys left out rather than written as null when they have no value (the MIP
#: baseline's figures of a solution, when HiGHS found none).
OMITTED_WHEN_NONE = frozenset(
    {
        "mip_objective",
        "mip_dual_bound",
        "mip_gap",
        "first_solution_from_log",
        "history_notes",
        "instance",
        "instance_identity",
        "not_written",
    }
)


@dataclass(frozen=True)
class Summary:
    """A run's figures, as ``summary.json`` has them: built once by each engine
    (:func:`schemalaggning.engine.solve.solve`, :func:`schemalaggning.month.replan.replan`, the MIP
    baseline) and written by :meth:`as_dict` with the keys of its kind, in their order.

    The fields after ``time_limit`` belong to some kinds only (:data:`SUMMARY_KEYS`).
    """

    kind: SummaryKind
    status: Status
    objective: int | None
    best_bound: int
    gap: float | None
    solve_seconds: float
    build_seconds: float
    sessions: int
    trainer_half_days: int | None
    trainer_half_days_bound: int
    required_attendances: int
    unscheduled: int | None
    due_met: int | None
    peak_memory_mb: float
    time_limit: float
    # Solve and re-plan.
    #: The yearly offerings (:func:`schemalaggning.engine.offerings.offerings_summary`).
    offerings: Mapping[str, Any] | None = None
    mean_days_to_part1: float | None = None
    seed: int | None = None
    workers: int | None = None
    search: Mapping[str, Any] = field(default_factory=dict)
    # Solve.
    bounds: Mapping[str, Any] | None = None
    rebuild: Mapping[str, Any] | None = None
    greedy_trainer_half_days: int | None = None
    optional_scheduled: int | None = None
    experienced_seats: int | None = None
    levels: list[dict[str, Any]] | None = None
    # Re-plan.
    replan: Mapping[str, Any] | None = None
    warnings: list[str] | None = None
    changes: int | None = None
    changed_assignments: int | None = None
    today: str | None = None
    freeze_weeks: int | None = None
    pinned_sessions: int | None = None
    #: The seats held for expected hires, or why none are (month/forecast.py).
    held: Mapping[str, Any] = field(default_factory=dict)
    #: Notes about what history did against the courses' order (month/history.py).
    history_notes: int | None = None
    # What the command line records of the run's input and output.
    #: The instance's path and identity (io/identity.py).
    instance: str | None = None
    instance_identity: Mapping[str, str] | None = None
    #: What was left for its own command (views, calendars).
    not_written: list[str] | None = None
    # The MIP baseline.
    method: str | None = None
    solver: str | None = None
    termination: str | None = None
    mip_solve_seconds: float | None = None
    model: Mapping[str, int] | None = None
    threads: int | None = None
    mip_objective: float | None = None
    mip_dual_bound: float | None = None
    mip_gap: float | None = None
    first_solution_seconds: float | None = None
    first_solution_from_log: bool | None = None

    def as_dict(self) -> dict[str, Any]:
        """The summary as written to ``summary.json`` (and kept as ``Result.summary``)."""
        out: dict[str, Any] = {}
        for key in SUMMARY_KEYS[self.kind]:
            if key == "*search":
                out.update(self.search)
            elif key == "*held":
                out.update(self.held)
            else:
                value = getattr(self, key)
                if value is None and key in OMITTED_WHEN_NONE:
                    continue
                out[key] = value.value if isinstance(value, Status) else value
        return out
