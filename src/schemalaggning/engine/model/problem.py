"""The data of one neighbourhood model: candidates, windows, options, limits and the hint.

A neighbourhood is a set of courses and a range of slots. Its sessions (of those
courses, starting in that range) are taken out of the plan and re-planned with every
other session fixed. Two kinds are used: one course over the whole horizon, and
every course over a few weeks. Everything the model needs is gathered here:

- each attendance's window: after its prerequisites' sessions and before its
  successors' sessions, unless those are re-planned in the same model (then the
  prerequisite constraint family orders them);
- the candidate sessions and which of them each attendance may take;
- what the districts and trainers have left, and trainers' load elsewhere;
- the current sessions, as a complete hint.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from schemalaggning.engine.model.candidates import CandidateSession, candidate_sessions
from schemalaggning.engine.model.neighbourhood import Neighbourhood
from schemalaggning.engine.plan import Kind, Plan, PlannedSession, SolveData

#: How many distinct candidate blocks an attendance may choose among, by kind.
OPTIONS_PER_KIND = {Kind.DUE: 10, Kind.OPTIONAL: 6, Kind.EXPERIENCED: 4}
#: In a short range every block is a candidate; in a long one, at most this many per course.
MAX_BLOCKS = 400
#: People who may attend but need not (experienced staff, not-yet-due hires) taken into a
#: window neighbourhood per course, to make up groups.
FILLERS_PER_COURSE = 12
#: A due attendance may be deferred out of a window if its deadline is at least this many
#: slots (about four weeks) after the window's end.
DEFER_MARGIN = 40


@dataclass
class NeighbourhoodProblem:
    """One neighbourhood to re-plan, everything else fixed."""

    area: Neighbourhood
    candidates: list[CandidateSession]
    attendances: list[int]
    windows: dict[int, tuple[int, int]]
    options: dict[int, list[int]]
    district_spare: dict[tuple[int, int], int]
    trainer_week_spare: dict[tuple[int, int], int]
    trainer_outside_load: dict[int, int]
    fair_share: dict[tuple[int, int], int]
    prerequisite_pairs: list[tuple[int, int]]
    scope: set[int] = field(default_factory=set)
    deferrable: set[int] = field(default_factory=set)
    must_sit: set[int] = field(default_factory=set)
    hint_sessions: dict[int, PlannedSession] = field(default_factory=dict)
    hint_candidate: dict[int, int] = field(default_factory=dict)
    #: Sessions each (course, year) must hold in the model: its yearly offerings, as far
    #: as the plan already holds them, less those outside the model.
    offering_floor: dict[tuple[int, int], int] = field(default_factory=dict)


def attendance_window(plan: Plan, att_idx: int, freed: set[int]) -> tuple[int, int] | None:
    """First start and last end slot for an attendance, given the rest of the plan.

    Its prerequisites' sessions must end before it and its successors' sessions start
    after it, unless they are among ``freed`` (re-planned in the same model). A due
    successor not seated keeps the time it needs: the deadline propagated backwards
    when the data was compiled.
    """
    data = plan.data
    att = data.attendances[att_idx]
    release = att.release
    for course in att.prereqs:
        before = data.by_person_course.get((att.person, course))
        if before is not None and before in freed:
            continue
        end = plan.person_course_end.get((att.person, course))
        if end is None:
            return None
        release = max(release, end + 1)
    last_day = min(att.deadline_date, data.instance.settings.horizon_end)
    deadline = data.grid.last_slot_on_or_before(last_day)
    for succ in data.successors.get(att_idx, ()):
        if succ in freed:
            continue
        index = plan.assigned.get(succ)
        if index is not None:
            session = plan.sessions[index]
            assert session is not None
            deadline = min(deadline, session.start - 1)
        elif data.attendances[succ].kind is Kind.DUE:
            deadline = min(deadline, att.deadline)
    return (release, deadline) if release <= deadline else None


def take_out(plan: Plan, area: Neighbourhood) -> list[PlannedSession]:
    """Close the area's sessions in the plan; return copies of them (to restore or hint)."""
    courses = set(area.courses)
    taken = [
        (i, s)
        for i, s in plan.live_sessions()
        if s.course in courses and area.first_slot <= s.start <= area.last_slot
    ]
    copies = [
        PlannedSession(s.course, s.start, s.room, s.trainers, list(s.members)) for _, s in taken
    ]
    for index, _ in taken:
        plan.close(index)
    return copies


def build_problem(
    plan: Plan, area: Neighbourhood, current: list[PlannedSession]
) -> NeighbourhoodProblem:
    """Gather a neighbourhood's data; ``current`` are its sessions just taken out."""
    data = plan.data
    scope = attendances_in_scope(plan, area, current)
    windows = scope_windows(plan, area, scope)
    candidates = gather_candidates(plan, area, current, windows)
    by_block = copies_by_block(candidates)
    options = attendance_options(plan, area, current, windows, by_block)
    district_spare, trainer_week_spare = spare_capacity(plan, candidates)
    outside = {t: sum(plan.trainer_week[t]) for t in range(len(data.trainer_ids))}
    drop_without_prerequisites(plan, options)
    in_model = set(options)
    deferrable = deferrable_attendances(plan, area, in_model)
    must_sit = attendances_that_must_sit(plan, in_model, scope)
    deferrable -= must_sit
    hint_sessions, hint_candidate = hint_from_sessions(current, by_block)
    return NeighbourhoodProblem(
        area=area,
        candidates=candidates,
        attendances=sorted(options),
        windows=windows,
        options=options,
        district_spare=district_spare,
        trainer_week_spare=trainer_week_spare,
        trainer_outside_load=outside,
        fair_share={
            (c, d): share for c in area.courses for d, share in fair_shares(plan, c).items()
        },
        prerequisite_pairs=prerequisite_pairs(data, in_model),
        scope=set(scope),
        deferrable=deferrable,
        must_sit=must_sit,
        hint_sessions=hint_sessions,
        hint_candidate=hint_candidate,
        offering_floor=offering_floors(plan, area, current),
    )


def attendances_in_scope(
    plan: Plan, area: Neighbourhood, current: list[PlannedSession]
) -> set[int]:
    """The attendances the model may seat: those in the sessions taken out, and those of
    the area's courses not seated elsewhere; over the whole horizon every one, in a
    shorter range the due ones whose window overlaps it and a few others
    (:data:`FILLERS_PER_COURSE`) to make up groups."""
    data = plan.data
    whole_horizon = area.first_slot == 0 and area.last_slot >= data.num_slots - 1
    scope: set[int] = {a for s in current for a in s.members}
    for course in area.courses:
        fillers = 0
        ordered = sorted(
            data.courses[course].attendances,
            key=lambda a: (data.attendances[a].kind, data.attendances[a].release, a),
        )
        for att_idx in ordered:
            att = data.attendances[att_idx]
            if att_idx in plan.assigned:
                continue
            overlaps = att.release <= area.last_slot and att.deadline >= area.first_slot
            if whole_horizon or (att.kind is Kind.DUE and overlaps):
                scope.add(att_idx)
            elif overlaps and fillers < FILLERS_PER_COURSE:
                # A few people who may, but need not, attend can make up a min_group.
                scope.add(att_idx)
                fillers += 1
    return scope


def scope_windows(plan: Plan, area: Neighbourhood, scope: set[int]) -> dict[int, tuple[int, int]]:
    """Each attendance's window inside the area (from its first slot on), by attendance
    in index order; those in ``scope`` are re-planned together (see
    :func:`attendance_window`), and one without a window is left out."""
    windows: dict[int, tuple[int, int]] = {}
    for att_idx in sorted(scope):
        window = attendance_window(plan, att_idx, scope)
        if window is None:
            continue
        release, deadline = max(window[0], area.first_slot), window[1]
        if release <= deadline:
            windows[att_idx] = (release, deadline)
    return windows


def gather_candidates(
    plan: Plan,
    area: Neighbourhood,
    current: list[PlannedSession],
    windows: dict[int, tuple[int, int]],
) -> list[CandidateSession]:
    """The candidate sessions of every course of the area, by course, start and copy."""
    data = plan.data
    candidates: list[CandidateSession] = []
    for course in area.courses:
        course_windows = {a: w for a, w in windows.items() if data.attendances[a].course == course}
        starts = [s.start for s in current if s.course == course]
        candidates += candidate_sessions(plan, course, course_windows, starts, area, MAX_BLOCKS)
    candidates.sort(key=lambda c: (c.course, c.start, c.copy))
    return candidates


def copies_by_block(candidates: list[CandidateSession]) -> dict[tuple[int, int], list[int]]:
    """The candidates' positions by (course, block start), copies in order."""
    by_block: dict[tuple[int, int], list[int]] = defaultdict(list)
    for j, cand in enumerate(candidates):
        by_block[cand.course, cand.start].append(j)
    return by_block


def attendance_options(
    plan: Plan,
    area: Neighbourhood,
    current: list[PlannedSession],
    windows: dict[int, tuple[int, int]],
    by_block: dict[tuple[int, int], list[int]],
) -> dict[int, list[int]]:
    """The candidates each attendance may take: the blocks of its course that fit its
    window while the person is free; unless every block is wanted, only the
    :data:`OPTIONS_PER_KIND` nearest its current start (or its deadline), and its
    current start itself."""
    data = plan.data
    starts_of = block_starts(by_block)
    current_start = {a: s.start for s in current for a in s.members}
    options: dict[int, list[int]] = {}
    for att_idx, (release, deadline) in windows.items():
        att = data.attendances[att_idx]
        length = data.courses[att.course].half_days
        fitting = [
            s
            for s in starts_of[att.course]
            if release <= s
            and s + length - 1 <= deadline
            and plan.person_free(att.person, s, length)
        ]
        if not fitting:
            continue
        if not area.every_block:
            fitting = nearest_starts(fitting, current_start.get(att_idx), deadline, att.kind)
        options[att_idx] = [j for s in fitting for j in by_block[att.course, s]]
    return options


def block_starts(by_block: dict[tuple[int, int], list[int]]) -> dict[int, list[int]]:
    """The candidates' block starts by course, in time order."""
    starts_of: dict[int, list[int]] = defaultdict(list)
    for course, start in sorted(by_block):
        starts_of[course].append(start)
    return starts_of


def nearest_starts(fitting: list[int], now: int | None, deadline: int, kind: Kind) -> list[int]:
    """Of the ``fitting`` block starts, the :data:`OPTIONS_PER_KIND` nearest the current
    start ``now`` (or the deadline when not seated), with ``now`` itself, in time order."""
    anchor = deadline if now is None else now
    keep = sorted(fitting, key=lambda s: (abs(s - anchor), s))
    keep = keep[: OPTIONS_PER_KIND[kind]]
    if now is not None and now in fitting and now not in keep:
        keep.append(now)
    return sorted(keep)


def spare_capacity(
    plan: Plan, candidates: list[CandidateSession]
) -> tuple[dict[tuple[int, int], int], dict[tuple[int, int], int]]:
    """What the districts have left in each slot a candidate covers, and the candidates'
    trainers in its week, with the sessions outside the model counted."""
    data = plan.data
    district_spare: dict[tuple[int, int], int] = {}
    trainer_week_spare: dict[tuple[int, int], int] = {}
    for cand in candidates:
        length = data.courses[cand.course].half_days
        for t in range(cand.start, cand.start + length):
            for d in range(len(data.district_ids)):
                # Never below zero: pinned sessions and approved electives may already
                # fill a district beyond its limit, and the model must stay feasible.
                district_spare[d, t] = max(0, plan.district_limit[d] - plan.district_load[d][t])
        week = data.slot_week[cand.start]
        for trainer in cand.trainers:
            trainer_week_spare[trainer, week] = (
                data.trainer_week_max[trainer] - plan.trainer_week[trainer][week]
            )
    return district_spare, trainer_week_spare


def drop_without_prerequisites(plan: Plan, options: dict[int, list[int]]) -> None:
    """Take out of ``options`` every attendance with a prerequisite neither completed
    outside the model nor in it, until none is left: a successor may only be attended
    if each prerequisite is (in the model, a constraint orders them)."""
    data = plan.data
    changed = True
    while changed:
        changed = False
        for att_idx in list(options):
            att = data.attendances[att_idx]
            for course in att.prereqs:
                before = data.by_person_course.get((att.person, course))
                inside = before is not None and before in options
                completed = (att.person, course) in plan.person_course_end
                if not inside and not completed:
                    del options[att_idx]
                    changed = True
                    break


def deferrable_attendances(plan: Plan, area: Neighbourhood, in_model: set[int]) -> set[int]:
    """The due attendances of a window that may leave it, to be seated again after it:
    those whose deadline lies well after it (:data:`DEFER_MARGIN`) and with no successor
    seated or in the model; congested weeks can then go to urgent ones."""
    data = plan.data
    return {
        a
        for a in in_model
        if area.defer
        and data.attendances[a].kind is Kind.DUE
        and data.attendances[a].deadline > area.last_slot + DEFER_MARGIN
        and not any(s in plan.assigned or s in in_model for s in data.successors.get(a, ()))
    }


def attendances_that_must_sit(plan: Plan, in_model: set[int], freed: set[int]) -> set[int]:
    """The attendances whose successor sits in a session outside the model (not among
    ``freed``): they keep a seat, or that successor would lose its prerequisite."""
    data = plan.data
    return {
        a
        for a in in_model
        if any(s in plan.assigned and s not in freed for s in data.successors.get(a, ()))
    }


def prerequisite_pairs(data: SolveData, in_model: set[int]) -> list[tuple[int, int]]:
    """The (prerequisite, successor) pairs of attendances both in the model, in order."""
    pairs = []
    for att_idx in sorted(in_model):
        for succ in data.successors.get(att_idx, ()):
            if succ in in_model:
                pairs.append((att_idx, succ))
    return pairs


def hint_from_sessions(
    current: list[PlannedSession], by_block: dict[tuple[int, int], list[int]]
) -> tuple[dict[int, PlannedSession], dict[int, int]]:
    """The current sessions as a hint: the k-th session at a block (by room) is that
    block's copy k; returns the sessions by candidate, and each member's candidate."""
    hint_candidate: dict[int, int] = {}
    hint_sessions: dict[int, PlannedSession] = {}
    used: Counter[tuple[int, int]] = Counter()
    for session in sorted(current, key=lambda s: (s.course, s.start, s.room)):
        copies = by_block.get((session.course, session.start), [])
        key = (session.course, session.start)
        if used[key] < len(copies):
            j = copies[used[key]]
            used[key] += 1
            hint_sessions[j] = session
            for att_idx in session.members:
                hint_candidate[att_idx] = j
    return hint_sessions, hint_candidate


def offering_floors(
    plan: Plan, area: Neighbourhood, current: list[PlannedSession]
) -> dict[tuple[int, int], int]:
    """The sessions with participants each (course, year) of the neighbourhood must keep
    (format 1.2): as many as the offering needs, or as the plan has when it has fewer,
    less those outside the neighbourhood; so no model holds fewer offerings than the
    plan it starts from."""
    data = plan.data
    need = {k: n for k, n in data.offering_need.items() if k[0] in area.courses}
    if not need:
        return {}

    def count(sessions: list[PlannedSession]) -> Counter[tuple[int, int]]:
        return Counter(
            (s.course, data.slot_year[s.start]) for s in sessions if data.real_count(s.members)
        )

    outside = count([s for _, s in plan.live_sessions()])
    inside = count(current)
    floors = {key: min(n, outside[key] + inside[key]) - outside[key] for key, n in need.items()}
    return {key: floor for key, floor in floors.items() if floor > 0}


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
