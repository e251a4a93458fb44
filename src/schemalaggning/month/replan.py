"""Re-planning around a published schedule: the coordinator's month.

Sessions of the published schedule that started before today are history and never
change; those that start before today + the freeze are pinned with their participants
(a frozen session whose trainer or room became unavailable is repaired with another
qualified trainer or free room, or cancelled if none is free; a person who needs a seat
may take a free one in it, see :mod:`schemalaggning.month.kept_seats`); later published
sessions are kept where possible. New hires and changed availability in the instance
are taken in. Every change (a session moved, cancelled or added, a trainer or room
changed, a person moved, added or removed) costs in the objective, right below meeting
due attendances and above everything else, and is listed in ``changes.csv``.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from schemalaggning.domain import (
    Assignment,
    Instance,
    Session,
    attendances_unmet,
    trainer_half_days,
)
from schemalaggning.engine.bound import trainer_half_days_bound
from schemalaggning.engine.greedy import GreedyBuilder, seat_deferred
from schemalaggning.engine.model.improve import improve_plan
from schemalaggning.engine.offerings import hold_offerings, offerings_summary
from schemalaggning.engine.outcome import (
    Summary,
    mean_days_to_part1,
    objective_value,
    peak_memory_mb,
    plan_records,
    unscheduled_records,
)
from schemalaggning.engine.params import SolveParams
from schemalaggning.engine.plan import Plan, PlannedSession, PublishedSession, SolveData
from schemalaggning.engine.result import Result, Status
from schemalaggning.io.schedule import Schedule
from schemalaggning.month.attendance import apply_attendance, name_missed
from schemalaggning.month.changes import (
    COURSE_GONE,
    PERSON_GONE,
    TRAINER_GONE,
    Change,
    compare,
    in_words,
    replan_figures,
    when,
)
from schemalaggning.month.forecast import (
    expected_hires,
    forecast_rows,
    hand_over,
    held_summary,
    split_held,
    with_held,
)
from schemalaggning.month.kept_seats import seat_in_frozen, seat_in_kept
from schemalaggning.timegrid import TimeGrid, unavailable_slots


@dataclass
class Pinned:
    """The published sessions kept as they are, and what re-planning had to change."""

    sessions: list[Session]
    assignments: list[Assignment]
    later: list[Session]
    changes: list[Change]


def pin_published(
    instance: Instance,
    published: Schedule,
    today: date,
    freeze_weeks: int,
    missed: Mapping[tuple[str, str], Session] | None = None,
) -> Pinned:
    """Split the published sessions into pinned (history and freeze) and later ones.

    A frozen session whose trainer or room is now unavailable, or no longer exists,
    gets another qualified, free trainer or a free room that seats its group; if there
    is none it is cancelled and its participants are planned again. A person who did not
    come to a course (``missed``, from ``attendance.csv``) leaves the frozen sessions of
    the courses that must come after it: they are planned again after the course.
    """
    grid = TimeGrid(instance.settings)
    away = unavailable_slots(instance, grid)
    freeze_end = today + timedelta(weeks=freeze_weeks)
    sessions = [s for _, s in published.sessions if s.slots]
    members: dict[str, list[Assignment]] = defaultdict(list)
    for _, a in published.assignments:
        members[a.session_id].append(a)
    pinned: list[Session] = []
    later: list[Session] = []
    changes: list[Change] = []
    busy: dict[str, set[int]] = defaultdict(set)  # trainer or room -> slots taken by pins
    week_load: Counter[tuple[str, tuple[int, int]]] = Counter()

    def slots_of(session: Session) -> set[int]:
        return {grid.slot_idx[s] for s in session.slots if s in grid.slot_idx}

    def free(resource: str, session: Session) -> bool:
        taken = slots_of(session)
        return not (taken & away.get(resource, frozenset())) and not (taken & busy[resource])

    ordered = sorted(sessions, key=lambda s: (s.slots[0], s.session_id))
    history = [s for s in ordered if s.slots[0].day < today]
    frozen = [s for s in ordered if today <= s.slots[0].day < freeze_end]
    later = [s for s in ordered if s.slots[0].day >= freeze_end]
    for session in history:
        pinned.append(session)
        for resource in (*session.trainer_ids, session.room_id):
            busy[resource] |= slots_of(session)
    for session in frozen:
        course = instance.course_by_id.get(session.course_id)
        if course is None:
            changes.append(
                Change(
                    "session_cancelled",
                    session.session_id,
                    session.course_id,
                    before=when(session),
                    why=COURSE_GONE,
                )
            )
            continue
        week = session.slots[0].day.isocalendar()[:2]
        trainers = list(session.trainer_ids)
        lost = ""
        for k, trainer_id in enumerate(trainers):
            trainer = instance.trainer_by_id.get(trainer_id)
            if trainer is not None and free(trainer_id, session):
                continue
            substitute = next(
                (
                    t.trainer_id
                    for t in instance.trainers
                    if t.qualified(course.course_id)
                    and t.trainer_id not in trainers
                    and free(t.trainer_id, session)
                    and week_load[t.trainer_id, week] + len(session.slots)
                    <= t.max_half_days_per_week
                ),
                None,
            )
            why = TRAINER_GONE if trainer is None else f"{trainer_id} is unavailable then"
            if substitute is None:
                lost = trainer_id
                trainers = []
                break
            changes.append(
                Change(
                    "trainer_changed",
                    session.session_id,
                    session.course_id,
                    before=trainer_id,
                    after=substitute,
                    why=why,
                )
            )
            trainers[k] = substitute
        room_id = session.room_id
        size = len(members[session.session_id])
        if trainers and (room_id not in instance.room_by_id or not free(room_id, session)):
            replacement = next(
                (
                    r.room_id
                    for r in sorted(instance.rooms, key=lambda r: (r.capacity, r.room_id))
                    if r.capacity >= size and free(r.room_id, session)
                ),
                None,
            )
            if replacement is not None:
                changes.append(
                    Change(
                        "room_changed",
                        session.session_id,
                        session.course_id,
                        before=room_id,
                        after=replacement,
                        why=f"room {room_id} is unavailable then",
                    )
                )
                room_id = replacement
            else:
                lost = room_id
                trainers = []
        if not trainers and course.trainers:
            changes.append(
                Change(
                    "session_cancelled",
                    session.session_id,
                    session.course_id,
                    before=when(session),
                    after=lost,
                    why="its trainer or room became unavailable and no substitute is free",
                )
            )
            continue
        kept = session.model_copy(update={"trainer_ids": tuple(trainers), "room_id": room_id})
        pinned.append(kept)
        for resource in (*kept.trainer_ids, kept.room_id):
            busy[resource] |= slots_of(kept)
        for trainer_id in kept.trainer_ids:
            week_load[trainer_id, week] += len(kept.slots)
    pinned_ids = {s.session_id for s in pinned}
    assignments = [
        a
        for a in (x for _, x in published.assignments)
        if a.session_id in pinned_ids and a.person_id in instance.person_by_id
    ]
    for _, a in published.assignments:
        if a.session_id in pinned_ids and a.person_id not in instance.person_by_id:
            changes.append(
                Change(
                    "person_removed",
                    a.session_id,
                    a.course_id,
                    a.person_id,
                    why=PERSON_GONE,
                )
            )
    assignments = _leave_for_electives(instance, pinned, history, assignments, changes)
    assignments = _leave_after_missed(instance, history, assignments, changes, missed or {})
    counts = Counter(a.session_id for a in assignments)
    pinned = [s.model_copy(update={"participants": counts[s.session_id]}) for s in pinned]
    return Pinned(pinned, assignments, later, changes)


def _leave_after_missed(
    instance: Instance,
    history: list[Session],
    assignments: list[Assignment],
    changes: list[Change],
    missed: Mapping[tuple[str, str], Session],
) -> list[Assignment]:
    """Take people out of frozen sessions of courses whose prerequisite they missed.

    A no-show's course is not done, so a later course that must come after it (directly
    or through others) cannot keep its frozen seat: the person is planned again.
    """
    if not missed:
        return assignments
    after: dict[str, set[str]] = {c.course_id: set(c.after) for c in instance.courses}
    changed = True
    while changed:  # Everything each course needs before it, through the chain.
        changed = False
        for needs in after.values():
            more = set().union(*(after.get(b, set()) for b in needs)) - needs
            if more:
                needs |= more
                changed = True
    past = {s.session_id for s in history}
    kept: list[Assignment] = []
    for a in assignments:
        first = next(
            (
                missed[a.person_id, b]
                for b in sorted(after.get(a.course_id, set()))
                if (a.person_id, b) in missed
            ),
            None,
        )
        if first is None or a.session_id in past:
            kept.append(a)
            continue
        day = first.slots[0].day.isoformat() if first.slots else ""
        changes.append(
            Change(
                "person_removed",
                a.session_id,
                a.course_id,
                a.person_id,
                why=f"did not attend {first.course_id} ({first.session_id} on {day}), which "
                "must come first",
            )
        )
    return kept


def _leave_for_electives(
    instance: Instance,
    pinned: list[Session],
    history: list[Session],
    assignments: list[Assignment],
    changes: list[Change],
) -> list[Assignment]:
    """Take people out of frozen sessions that fall in their approved electives.

    An elective approved after the schedule was published wins over the frozen seat: the
    person is planned again. History stays as it was.
    """
    if not instance.approved_electives:
        return assignments
    past = {s.session_id for s in history}
    by_id = {s.session_id: s for s in pinned}
    kept: list[Assignment] = []
    for a in assignments:
        session = by_id.get(a.session_id)
        elective = None
        if session is not None and a.session_id not in past:
            elective = next(
                (
                    e
                    for e in instance.approved_electives
                    if e.person_id == a.person_id and any(e.covers(slot) for slot in session.slots)
                ),
                None,
            )
        if elective is None:
            kept.append(a)
            continue
        changes.append(
            Change(
                "person_removed",
                a.session_id,
                a.course_id,
                a.person_id,
                why=f"away on approved elective {elective.request_id} then",
                elective_id=elective.request_id,
            )
        )
    return kept


def seed_plan(
    data: SolveData, plan: Plan, later: list[Session], published_members: dict[str, list[str]]
) -> list[PlannedSession]:
    """Open the later published sessions that still fit, with the members that still fit.

    Returns the sessions opened (kept as published where possible).
    """
    grid = data.grid
    room_idx = {rid: i for i, rid in enumerate(data.room_ids)}
    trainer_idx = {tid: i for i, tid in enumerate(data.trainer_ids)}
    opened: list[PlannedSession] = []
    for session in later:
        course = data.course_idx.get(session.course_id)
        if course is None or session.slots[0] not in grid.slot_idx:
            continue
        start = grid.slot_idx[session.slots[0]]
        info = data.courses[course]
        if start not in set(info.blocks) or len(session.slots) != info.half_days:
            continue
        length = info.half_days
        room = room_idx.get(session.room_id)
        if room is None or not plan.room_free(room, start, length):
            # The published room is taken or away: the smallest free room that seats it.
            needed = len(published_members.get(session.session_id, []))
            room = next(
                (
                    r
                    for r in sorted(
                        range(len(data.room_ids)), key=lambda r: (data.room_capacity[r], r)
                    )
                    if data.room_capacity[r] >= min(needed, info.course.max_group)
                    and plan.room_free(r, start, length)
                ),
                None,
            )
            if room is None:
                continue
        kept = [
            trainer_idx[t]
            for t in session.trainer_ids
            if t in trainer_idx
            and trainer_idx[t] in info.qualified
            and plan.trainer_free(trainer_idx[t], start, length)
        ]
        # A trainer away or over the week's limit is replaced by a free qualified one.
        spare = [t for t in info.qualified if t not in kept and plan.trainer_free(t, start, length)]
        trainers = tuple(sorted((kept + spare)[: info.trainers]))
        if len(trainers) != info.trainers:
            continue
        index = plan.open(PlannedSession(course, start, room, trainers, []))
        builder_members = []
        for person_id in published_members.get(session.session_id, []):
            p = data.person_idx.get(person_id)
            att = data.by_person_course.get((p, course)) if p is not None else None
            if att is not None and att not in plan.assigned:
                builder_members.append(att)
        seats = min(info.course.max_group, data.room_capacity[room])  # Reserved seats too.
        for att in builder_members[:seats]:
            if still_fits(data, plan, att, start):
                plan.seat(index, att)
        planned = plan.sessions[index]
        assert planned is not None
        if data.real_count(planned.members) < info.course.min_group:
            plan.close(index)
            continue
        opened.append(planned)
    return opened


def still_fits(data: SolveData, plan: Plan, att_idx: int, start: int) -> bool:
    """Whether a published attendance may stay in its session starting at ``start``.

    The real window counts here, not the tightened deadlines the greedy plans with.
    """
    att = data.attendances[att_idx]
    length = data.courses[att.course].half_days
    end = start + length - 1
    last_day = min(att.deadline_date, data.instance.settings.horizon_end)
    if att.release > start or data.grid.last_slot_on_or_before(last_day) < end:
        return False
    if not plan.person_free(att.person, start, length) or not plan.ready(att, start):
        return False
    if not plan.before_successors(att_idx, end):
        return False
    return plan.district_spare(data.person_district[att.person], start, length) >= 1


def replan(
    instance: Instance,
    published: Schedule,
    today: date,
    freeze_weeks: int = 4,
    params: SolveParams | None = None,
    forecast: str = "file",
) -> tuple[Result, list[Change]]:
    """Re-plan an instance around its published schedule (see the module's description).

    ``forecast`` is as for :func:`schemalaggning.month.forecast.solve_held`; a schedule
    published with an estimated plan (``auto``) is re-planned with one estimated again.
    """
    params = params or SolveParams()
    started = time.perf_counter()
    real = instance
    attended = apply_attendance(real, published, today)
    if forecast == "file" and published.summary.get("forecast") == "auto":
        forecast = "auto"  # Published with an estimated plan: estimate it again.
    rows, source = forecast_rows(real, forecast)
    expected = expected_hires(real, rows, today)
    instance = with_held(real, expected)
    view, _ = hand_over(instance, attended.schedule, today)
    pins = pin_published(instance, view, today, freeze_weeks, attended.missed)
    first_new = max(today + timedelta(weeks=freeze_weeks), instance.settings.horizon_start)
    later_ids = {s.session_id for s in pins.later}
    pins.sessions, pins.assignments = seat_in_frozen(
        instance,
        pins.sessions,
        pins.assignments,
        {(a.person_id, a.course_id) for _, a in view.assignments if a.session_id in later_ids},
        today,
        first_new,
    )
    keep_ids = {s.session_id for s in instance.fixed_sessions}
    fixed = [*instance.fixed_sessions, *(s for s in pins.sessions if s.session_id not in keep_ids)]
    fixed_assignments = [
        *instance.fixed_assignments,
        *(a for a in pins.assignments if a.session_id not in keep_ids),
    ]
    pinned_instance = instance.replace(
        fixed_sessions=tuple(fixed), fixed_assignments=tuple(fixed_assignments)
    )
    grid = TimeGrid(instance.settings)
    published_members: dict[str, list[str]] = defaultdict(list)
    for _, a in view.assignments:
        published_members[a.session_id].append(a.person_id)
    kept = [PublishedSession(s, tuple(published_members.get(s.session_id, ()))) for s in pins.later]
    data = SolveData(pinned_instance, grid, not_before=first_new, published=kept)
    bound = trainer_half_days_bound(pinned_instance)
    build_seconds = time.perf_counter() - started

    builder = GreedyBuilder(data)
    seed_plan(data, builder.plan, pins.later, published_members)
    seat_in_kept(builder)
    for course_id in data.course_order:
        builder.serve_due(data.course_idx[course_id])
    builder.repair_unmet()
    # Past sessions of the year count toward its offerings; the rest are held anew.
    hold_offerings(builder.plan, builder.out_of_time)
    plan = builder.plan
    stats: dict[str, Any] = {}
    if params.improve:
        margin = min(10.0, max(1.0, 0.08 * params.time_limit))
        plan, stats = improve_plan(
            data,
            plan,
            params,
            started + params.time_limit - margin,
            bound,
            lambda p, f: None,
            seat_deferred,
        )
    sessions, assignments = plan_records(
        data, plan, reserved={s.session_id for _, s in published.sessions}
    )
    split = split_held(
        instance, sessions, assignments, unscheduled_records(data, plan, builder.unmet)
    )
    sessions, assignments = keep_published_ids(
        split.sessions, split.assignments, published, pins.later, keep=fixed
    )
    # History is written as such (format 1.2): the sessions that began before today.
    sessions = [
        s.model_copy(update={"past": True}) if s.slots and s.slots[0].day < today else s
        for s in sessions
    ]
    unscheduled = name_missed(real, split.unscheduled, attended.missed_sessions())
    split.unscheduled = unscheduled
    changes = in_words(
        real,
        [s for _, s in published.sessions],
        [a for _, a in published.assignments],
        sessions,
        pins.changes + compare(published, sessions, assignments, unscheduled),
        attended.missed,
        attended.walk_ins,
    )
    half_days = trainer_half_days(sessions)
    # The bound and gap are for what was re-planned: the attendances the pinned sessions
    # do not meet, against the sessions after the freeze.
    pinned_half_days = trainer_half_days(pins.sessions)
    rest_bound = replanned_bound(pinned_instance)
    bound = pinned_half_days + rest_bound
    status = Status.OPTIMAL if not unscheduled and half_days <= bound else Status.FEASIBLE
    figures = replan_figures(
        [s for _, s in published.sessions], sessions, assignments, changes, attended.missed
    )
    figures["trainer_half_days_replanned"] = half_days - pinned_half_days
    figures["trainer_half_days_replanned_bound"] = rest_bound
    # The figures of people and attendances are the real people's only (held seats
    # are not people); ``split.unscheduled`` is ``unscheduled``.
    due = len(real.due_attendances)
    objective = objective_value(len(unscheduled), half_days)
    summary = Summary(
        kind="replan",
        status=status,
        objective=objective,
        best_bound=bound,
        gap=(half_days - bound) / half_days if half_days else 0.0,
        replan=figures,
        warnings=today_warnings(published, today) + history_warnings(real, published, today),
        solve_seconds=round(time.perf_counter() - started, 3),
        build_seconds=round(build_seconds, 3),
        sessions=len(sessions),
        trainer_half_days=half_days,
        trainer_half_days_bound=bound,
        required_attendances=due,
        unscheduled=len(unscheduled),
        due_met=due - attendances_unmet(unscheduled),
        offerings=offerings_summary(instance, unscheduled),
        mean_days_to_part1=mean_days_to_part1(data, plan),
        changes=len(changes),
        changed_assignments=sum(
            1 for c in changes if c.change in ("person_moved", "person_removed")
        ),
        today=today.isoformat(),
        freeze_weeks=freeze_weeks,
        pinned_sessions=len(pins.sessions),
        peak_memory_mb=round(peak_memory_mb(), 1),
        seed=params.seed,
        workers=params.workers,
        time_limit=params.time_limit,
        search=stats,
        held=held_summary(instance, split, expected, source) if rows else {},
    )
    result = Result(status, sessions, assignments, unscheduled, objective, bound, summary.as_dict())
    return result, changes


def keep_published_ids(
    sessions: list[Session],
    assignments: list[Assignment],
    published: Schedule,
    later: list[Session],
    keep: list[Session],
) -> tuple[list[Session], list[Assignment]]:
    """Give new sessions the ids of the published ones they continue.

    A new session takes the id of the published session of its course with which it
    shares the most participants, preferring one in the same block; the published
    sessions left continue as the nearest new sessions of their course (moved
    sessions), so that calendars update instead of cancelling and inviting anew.
    """
    fixed_ids = {s.session_id for s in keep}
    new_members: dict[str, set[str]] = defaultdict(set)
    for a in assignments:
        new_members[a.session_id].add(a.person_id)
    old_members: dict[str, set[str]] = defaultdict(set)
    for _, a in published.assignments:
        old_members[a.session_id].add(a.person_id)
    open_published = {s.session_id: s for s in later}
    fresh = [s for s in sessions if s.session_id not in fixed_ids]
    pairs = sorted(
        (
            (
                -len(new_members[n.session_id] & old_members[p.session_id]),
                n.slots != p.slots,
                n.session_id,
                p.session_id,
            )
            for n in fresh
            for p in later
            if p.course_id == n.course_id
            and (n.slots == p.slots or new_members[n.session_id] & old_members[p.session_id])
        ),
    )
    rename: dict[str, str] = {}
    for _, _, new_id, old_id in pairs:
        if new_id in rename or old_id not in open_published:
            continue
        rename[new_id] = old_id
        del open_published[old_id]
    # A published session not matched continues as the nearest new one of its course.
    for session in sorted(fresh, key=lambda s: (s.slots[0], s.session_id)):
        if session.session_id in rename:
            continue
        same_course = [p for p in open_published.values() if p.course_id == session.course_id]
        if not same_course:
            continue
        nearest = min(
            same_course,
            key=lambda p: (abs((p.slots[0].day - session.slots[0].day).days), p.session_id),
        )
        rename[session.session_id] = nearest.session_id
        del open_published[nearest.session_id]
    renamed = [
        s.model_copy(update={"session_id": rename.get(s.session_id, s.session_id)})
        for s in sessions
    ]
    moved = [
        a.model_copy(update={"session_id": rename.get(a.session_id, a.session_id)})
        for a in assignments
    ]
    return renamed, moved


def replanned_bound(pinned: Instance) -> int:
    """The window bound on the trainer half-days of what a re-plan plans: the attendances
    that the pinned sessions do not meet."""
    done: dict[str, set[str]] = defaultdict(set)
    for a in pinned.fixed_assignments:
        done[a.person_id].add(a.course_id)
    people = tuple(
        p.model_copy(update={"done": (*p.done, *sorted(done[p.person_id] - set(p.done)))})
        if p.person_id in done
        else p
        for p in pinned.people
    )
    return trainer_half_days_bound(
        pinned.replace(people=people, fixed_sessions=(), fixed_assignments=())
    )


def today_warnings(published: Schedule, today: date) -> list[str]:
    """A warning when ``today`` lies outside the published schedule's span."""
    days = [slot.day for _, s in published.sessions for slot in s.slots]
    if not days:
        return []
    first, last = min(days), max(days)
    if today < first:
        return [
            f"--today {today} is before the published schedule starts ({first}): nothing is "
            "history yet; give the day the re-plan is for"
        ]
    if today > last:
        return [
            f"--today {today} is after the published schedule ends ({last}): every session "
            "is history"
        ]
    return []


def history_warnings(instance: Instance, published: Schedule, today: date) -> list[str]:
    """A warning for each session held before ``today`` that is below its course's
    ``min_group`` without ``attendance.csv`` naming enough who did not come.

    Such a session shrank through no-shows of an earlier re-plan whose sign-in rows are no
    longer in ``attendance.csv``: history cannot change, so the re-planned schedule keeps
    it, and a checker that reads the formats flags it until the rows are back.
    """
    members: Counter[str] = Counter(a.session_id for _, a in published.assignments)
    absent: dict[str, set[str]] = defaultdict(set)
    for row in instance.attendance:
        if not row.attended:
            absent[row.session_id].add(row.person_id)
    warnings = []
    for _, session in sorted(published.sessions, key=lambda item: item[1].slots):
        course = instance.course_by_id.get(session.course_id)
        if course is None or not session.slots or session.slots[0].day >= today:
            continue
        count = members[session.session_id] + len(absent[session.session_id])
        if count < course.min_group:
            warnings.append(
                f"session {session.session_id} on {session.slots[0].day} was held with "
                f"{members[session.session_id]} participants, {course.course_id} needs "
                f"{course.min_group}, and attendance.csv names too few who did not come: keep "
                "the sign-in rows of every session held in attendance.csv"
            )
    return warnings
