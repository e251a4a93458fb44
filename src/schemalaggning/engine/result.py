"""The solver-neutral result: status, objective, bound, timings and the schedule records."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

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
    summary: dict[str, Any] = field(default_factory=dict)

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
