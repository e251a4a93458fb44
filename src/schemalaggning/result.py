"""The solver-neutral result: status, objective, bound, timings and the schedule records."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from schemalaggning.domain import Assignment, Session, Unscheduled
from schemalaggning.plan import Plan, SolveData
from schemalaggning.timegrid import local_iso


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


def plan_records(data: SolveData, plan: Plan) -> tuple[list[Session], list[Assignment]]:
    """The plan's sessions (pinned ones included) and assignments as schedule records.

    Session ids are the course id and a number in time order within the course
    (``T3-004``), so the same plan always gets the same ids; pinned sessions keep theirs.
    """
    inst = data.instance
    grid = data.grid
    taken = {s.session_id for s in inst.fixed_sessions}
    sessions: list[Session] = list(inst.fixed_sessions)
    assignments: list[Assignment] = list(inst.fixed_assignments)
    live = sorted(
        plan.live_sessions(),
        key=lambda item: (item[1].course, item[1].start, data.room_ids[item[1].room]),
    )
    counters: dict[int, int] = {}
    for _, planned in live:
        info = data.courses[planned.course]
        course_id = info.course.course_id
        number = counters.get(planned.course, 0)
        while True:
            number += 1
            session_id = f"{course_id}-{number:03d}"
            if session_id not in taken:
                break
        counters[planned.course] = number
        taken.add(session_id)
        slots = grid.slots[planned.start : planned.start + info.half_days]
        sessions.append(
            Session(
                session_id=session_id,
                course_id=course_id,
                room_id=data.room_ids[planned.room],
                trainer_ids=tuple(data.trainer_ids[t] for t in planned.trainers),
                start=local_iso(grid.slot_start(slots[0])),
                end=local_iso(grid.slot_end(slots[-1])),
                slots=tuple(slots),
                participants=len(planned.members),
            )
        )
        for att_idx in sorted(
            planned.members, key=lambda a: data.person_ids[data.attendances[a].person]
        ):
            att = data.attendances[att_idx]
            assignments.append(
                Assignment(
                    person_id=data.person_ids[att.person],
                    course_id=course_id,
                    session_id=session_id,
                )
            )
    sessions.sort(key=lambda s: (s.slots[0] if s.slots else (), s.session_id))
    assignments.sort(key=lambda a: (a.person_id, a.course_id))
    return sessions, assignments


def trainer_half_days(sessions: list[Session]) -> int:
    """Trainer half-days of the sessions: each session's slots times its trainers."""
    return sum(len(s.slots) * len(s.trainer_ids) for s in sessions)
