"""What a plan comes to: its schedule records, its figures and the run's summary.

The engines (:mod:`schemalaggning.engine.solve`, :mod:`schemalaggning.month.replan`, the MIP
baseline) and the CP-SAT search all turn a plan into the same records and count it
the same way; those functions live here, below all of them, so that none of them
imports another engine for its helpers.
"""

from __future__ import annotations

import resource

from schemalaggning.domain import Assignment, Session, Unscheduled
from schemalaggning.engine.greedy import Unmet
from schemalaggning.engine.offerings import offering_records
from schemalaggning.engine.plan import Kind, Plan, SolveData
from schemalaggning.engine.reasons import confirmed
from schemalaggning.engine.unmet import explain_unmet
from schemalaggning.rules import Reason
from schemalaggning.timegrid import local_iso

#: Objective weight of one unmet due attendance: above any count of trainer half-days.
UNMET_PENALTY = 1_000_000


def objective_value(unmet: int, half_days: int) -> int:
    """The objective of a schedule: :data:`UNMET_PENALTY` per unmet due attendance plus
    the trainer half-days."""
    return UNMET_PENALTY * unmet + half_days


def peak_memory_mb() -> float:
    """Peak resident memory of this process so far, in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def gap(half_days: int, bound: int) -> float:
    """(half-days - bound) / half-days, never below zero: a plan that meets fewer due
    attendances may need fewer half-days than the bound, which holds only for plans
    that meet them all."""
    return max(0.0, (half_days - bound) / half_days) if half_days else 0.0


def unscheduled_records(
    data: SolveData,
    plan: Plan,
    unmet: list[Unmet],
    confirm: bool = False,
    deadline: float | None = None,
) -> list[Unscheduled]:
    """Every due attendance the plan does not meet, with the reason found for it, then
    every yearly offering it does not hold
    (:func:`schemalaggning.engine.offerings.offering_records`).

    With ``confirm``, a reason that names an obstacle of the plan is kept only when the
    data alone rule the attendance out (:func:`schemalaggning.engine.reasons.confirmed`,
    checking until the ``time.perf_counter()`` deadline); otherwise it says a longer
    run may meet it.
    """
    reasons = {u.attendance: u.reason for u in unmet}
    found: list[tuple[Unscheduled, Reason]] = []
    for att in data.attendances:
        if att.kind is not Kind.DUE or att.idx in plan.assigned:
            continue
        reason = reasons.get(att.idx) or explain_unmet(plan, att)
        record = Unscheduled(
            person_id=data.person_ids[att.person],
            course_id=data.courses[att.course].course.course_id,
            deadline=att.deadline_date,
            reason=reason.text,
        )
        found.append((record, reason))
    found.sort(key=lambda pair: (pair[0].deadline, pair[0].person_id, pair[0].course_id))
    records = confirmed(data.instance, found, deadline) if confirm else [r for r, _ in found]
    return records + offering_records(plan)


def mean_days_to_part1(data: SolveData, plan: Plan) -> float | None:
    """Mean days from start date to the end of part 1, over the required people whose
    part 1 (every course of part ``1``) is completed by this plan."""
    part1 = [c.idx for c in data.courses if c.course.part == "1"]
    if not part1:
        return None
    days = []
    for p_idx, person in enumerate(data.instance.people):
        if not person.required:
            continue
        ends: list[int] = []
        for c in part1:
            course_id = data.courses[c].course.course_id
            if course_id in person.done:
                continue
            end = plan.person_course_end.get((p_idx, c))
            if end is None or end < 0 or end >= data.num_slots:
                ends = []
                break
            ends.append(end)
        if ends:
            days.append((data.grid.slots[max(ends)].day - person.start_date).days)
    return round(sum(days) / len(days), 2) if days else None


def plan_records(
    data: SolveData, plan: Plan, reserved: set[str] | None = None
) -> tuple[list[Session], list[Assignment]]:
    """The plan's sessions (pinned ones included) and assignments as schedule records.

    Session ids are the course id and a number in time order within the course
    (``T3-004``), so the same plan always gets the same ids; pinned sessions keep theirs.
    """
    inst = data.instance
    grid = data.grid
    taken = {s.session_id for s in inst.fixed_sessions} | (reserved or set())
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
