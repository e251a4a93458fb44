"""The data of one course model: candidates, windows, options, limits and the hint.

A course model re-plans one course with every other session fixed. Everything it
needs is gathered here from the plan, with the course's own sessions taken out:
each attendance's window (its prerequisites' sessions end before, its successors'
sessions start after), the candidate sessions, which candidates each attendance
may use, what the districts and trainers have left, and the current plan as a hint.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from schemalaggning.model.candidates import Candidate, candidate_sessions
from schemalaggning.plan import Kind, Plan, PlannedSession

#: How many distinct candidate blocks an attendance may choose among, by kind.
OPTIONS_PER_KIND = {Kind.DUE: 10, Kind.OPTIONAL: 6, Kind.EXPERIENCED: 4}
#: At most this many distinct candidate blocks per course model.
MAX_BLOCKS = 400


@dataclass
class CourseProblem:
    """One course to re-plan, everything else fixed."""

    course: int
    candidates: list[Candidate]
    attendances: list[int]
    windows: dict[int, tuple[int, int]]
    options: dict[int, list[int]]
    district_room: dict[tuple[int, int], int]
    trainer_week_room: dict[tuple[int, int], int]
    trainer_outside_load: dict[int, int]
    fair_share: dict[int, int]
    hint_sessions: list[PlannedSession] = field(default_factory=list)
    hint_candidate: dict[int, int] = field(default_factory=dict)

    @property
    def due(self) -> list[int]:
        """Due attendances of the course in the model."""
        return [a for a in self.attendances if a in self.windows and a in self.options]


def attendance_window(plan: Plan, att_idx: int) -> tuple[int, int] | None:
    """First start and last end slot for an attendance, given the rest of the plan.

    Its prerequisites' sessions must end before it and its successors' sessions start
    after it; a due successor not yet seated keeps the room it needs (the deadline
    propagated backwards when the data was compiled).
    """
    data = plan.data
    att = data.attendances[att_idx]
    release = plan.release(att)
    if release is None:
        return None
    last_day = min(att.deadline_date, data.instance.settings.horizon_end)
    deadline = data.grid.last_slot_on_or_before(last_day)
    for succ in data.successors.get(att_idx, ()):
        index = plan.assigned.get(succ)
        if index is not None:
            session = plan.sessions[index]
            assert session is not None
            deadline = min(deadline, session.start - 1)
        elif data.attendances[succ].kind is Kind.DUE:
            deadline = min(deadline, att.deadline)
    return (release, deadline) if release <= deadline else None


def build_course_problem(plan: Plan, course: int, current: list[PlannedSession]) -> CourseProblem:
    """Gather the course model's data; ``current`` are the course's sessions just taken
    out of the plan (they become the hint)."""
    data = plan.data
    info = data.courses[course]
    length = info.half_days
    windows: dict[int, tuple[int, int]] = {}
    for att_idx in info.attendances:
        window = attendance_window(plan, att_idx)
        if window is not None:
            windows[att_idx] = window
    candidates = candidate_sessions(plan, course, windows, [s.start for s in current], MAX_BLOCKS)
    by_start: dict[int, list[int]] = defaultdict(list)
    for j, cand in enumerate(candidates):
        by_start[cand.start].append(j)
    starts = sorted(by_start)

    current_start = {a: s.start for s in current for a in s.members}
    options: dict[int, list[int]] = {}
    for att_idx, (release, deadline) in windows.items():
        att = data.attendances[att_idx]
        fitting = [
            s
            for s in starts
            if release <= s
            and s + length - 1 <= deadline
            and plan.person_free(att.person, s, length)
        ]
        if not fitting:
            continue
        anchor = current_start.get(att_idx, deadline)
        keep = sorted(fitting, key=lambda s: (abs(s - anchor), s))[: OPTIONS_PER_KIND[att.kind]]
        if att_idx in current_start and current_start[att_idx] not in keep:
            keep.append(current_start[att_idx])
        options[att_idx] = [j for s in sorted(keep) for j in by_start[s]]

    district_room: dict[tuple[int, int], int] = {}
    trainer_week_room: dict[tuple[int, int], int] = {}
    for start in starts:
        week = data.slot_week[start]
        for t in range(start, start + length):
            for d in range(len(data.district_ids)):
                district_room[d, t] = plan.district_limit[d] - plan.district_load[d][t]
        for trainer in info.qualified:
            trainer_week_room[trainer, week] = (
                data.trainer_week_max[trainer] - plan.trainer_week[trainer][week]
            )
    outside = {t: sum(plan.trainer_week[t]) for t in range(len(data.trainer_ids))}

    # The current sessions as a hint: the k-th session at a block is that block's copy k.
    hint_candidate: dict[int, int] = {}
    used: Counter[int] = Counter()
    hint_sessions: list[PlannedSession] = []
    for session in sorted(current, key=lambda s: (s.start, s.room)):
        copies = by_start.get(session.start, [])
        if used[session.start] < len(copies):
            j = copies[used[session.start]]
            used[session.start] += 1
            for att_idx in session.members:
                hint_candidate[att_idx] = j
            hint_sessions.append(session)
    return CourseProblem(
        course=course,
        candidates=candidates,
        attendances=sorted(options),
        windows=windows,
        options=options,
        district_room=district_room,
        trainer_week_room=trainer_week_room,
        trainer_outside_load=outside,
        fair_share=fair_shares(plan, course),
        hint_sessions=hint_sessions,
        hint_candidate=hint_candidate,
    )


def fair_shares(plan: Plan, course: int) -> dict[int, int]:
    """Each district's fair share of a full session of the course.

    A district's share of the course's attendances times the seats of a session,
    rounded up (at least one): mixed dialogue groups across districts.
    """
    data = plan.data
    info = data.courses[course]
    counts: Counter[int] = Counter(
        data.person_district[data.attendances[a].person]
        for a in info.attendances
        if data.attendances[a].kind is not Kind.EXPERIENCED
    )
    total = sum(counts.values()) or 1
    return {
        d: max(1, math.ceil(info.seats * counts.get(d, 0) / total))
        for d in range(len(data.district_ids))
    }
