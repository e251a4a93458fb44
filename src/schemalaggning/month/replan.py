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
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from schemalaggning.domain import (
    Assignment,
    Instance,
    Person,
    Session,
    attendances_unmet,
    trainer_half_days,
)
from schemalaggning.engine.bound import trainer_half_days_bound
from schemalaggning.engine.greedy import GreedyBuilder, seat_deferred
from schemalaggning.engine.model.improve import improve_plan
from schemalaggning.engine.offerings import hold_offerings, offerings_summary
from schemalaggning.engine.outcome import (
    mean_days_to_part1,
    objective_value,
    peak_memory_mb,
    plan_records,
    unscheduled_records,
)
from schemalaggning.engine.params import SolveParams
from schemalaggning.engine.plan import Plan, PlannedSession, PublishedSession, SolveData
from schemalaggning.engine.result import Result, Status, Summary
from schemalaggning.engine.solve import finishing_seconds
from schemalaggning.i18n import _
from schemalaggning.io.schedule import Schedule
from schemalaggning.month.attendance import Attended, apply_attendance, name_missed
from schemalaggning.month.changes import (
    Change,
    compare,
    in_words,
    replan_figures,
)
from schemalaggning.month.forecast import (
    HeldSplit,
    expected_hires,
    forecast_rows,
    hand_over,
    held_summary,
    split_held,
    with_held,
)
from schemalaggning.month.history import history_notes
from schemalaggning.month.kept_seats import Pinned, pin_published, seat_in_frozen, seat_in_kept
from schemalaggning.swedish import long_date
from schemalaggning.timegrid import TimeGrid


def published_block(data: SolveData, session: Session) -> tuple[int, int] | None:
    """The course index and start slot of a later published session, if the session still
    is a block of its course on the grid (None if not, or the course is gone)."""
    course = data.course_idx.get(session.course_id)
    if course is None or session.slots[0] not in data.grid.slot_idx:
        return None
    start = data.grid.slot_idx[session.slots[0]]
    info = data.courses[course]
    if start not in set(info.blocks) or len(session.slots) != info.half_days:
        return None
    return course, start


@dataclass
class Seeding:
    """Opening the later published sessions in a plan: the plan, and the rooms' and
    trainers' indices by id."""

    data: SolveData
    plan: Plan
    published_members: dict[str, list[str]]
    room_idx: dict[str, int] = field(init=False)
    trainer_idx: dict[str, int] = field(init=False)

    def __post_init__(self) -> None:
        self.room_idx = {rid: i for i, rid in enumerate(self.data.room_ids)}
        self.trainer_idx = {tid: i for i, tid in enumerate(self.data.trainer_ids)}

    def room(self, session: Session, course: int, start: int) -> int | None:
        """The published room, or when it is taken or away the smallest free room that
        seats the published group (None if there is none)."""
        data, plan = self.data, self.plan
        info = data.courses[course]
        room = self.room_idx.get(session.room_id)
        if room is not None and plan.room_free(room, start, info.half_days):
            return room
        needed = min(len(self.published_members.get(session.session_id, [])), info.course.max_group)
        return next(
            (
                r
                for r in sorted(range(len(data.room_ids)), key=lambda r: (data.room_capacity[r], r))
                if data.room_capacity[r] >= needed and plan.room_free(r, start, info.half_days)
            ),
            None,
        )

    def trainers(self, session: Session, course: int, start: int) -> tuple[int, ...] | None:
        """The published trainers still qualified and free; one away or over the week's
        limit is replaced by a free qualified one (None if too few are free)."""
        info = self.data.courses[course]
        free = self.plan.trainer_free
        kept = [
            self.trainer_idx[t]
            for t in session.trainer_ids
            if t in self.trainer_idx
            and self.trainer_idx[t] in info.qualified
            and free(self.trainer_idx[t], start, info.half_days)
        ]
        spare = [t for t in info.qualified if t not in kept and free(t, start, info.half_days)]
        trainers = tuple(sorted((kept + spare)[: info.trainers]))
        return trainers if len(trainers) == info.trainers else None

    def members(self, session: Session, course: int) -> list[int]:
        """The published members' attendances of the course not yet in the plan."""
        data = self.data
        found = []
        for person_id in self.published_members.get(session.session_id, []):
            p = data.person_idx.get(person_id)
            att = data.by_person_course.get((p, course)) if p is not None else None
            if att is not None and att not in self.plan.assigned:
                found.append(att)
        return found

    def open(self, session: Session) -> PlannedSession | None:
        """Open the later published session with the members that still fit, or None
        when it no longer fits or keeps too few for ``min_group``."""
        data, plan = self.data, self.plan
        block = published_block(data, session)
        if block is None:
            return None
        course, start = block
        room = self.room(session, course, start)
        trainers = None if room is None else self.trainers(session, course, start)
        if room is None or trainers is None:
            return None
        info = data.courses[course]
        index = plan.open(PlannedSession(course, start, room, trainers, []))
        seats = min(info.course.max_group, data.room_capacity[room])  # Reserved seats too.
        for att in self.members(session, course)[:seats]:
            if still_fits(data, plan, att, start):
                plan.seat(index, att)
        planned = plan.sessions[index]
        assert planned is not None
        if data.real_count(planned.members) < info.course.min_group:
            plan.close(index)
            return None
        return planned


def seed_plan(
    data: SolveData, plan: Plan, later: list[Session], published_members: dict[str, list[str]]
) -> list[PlannedSession]:
    """Open the later published sessions that still fit, with the members that still fit.

    Returns the sessions opened (kept as published where possible).
    """
    seeding = Seeding(data, plan, published_members)
    opened: list[PlannedSession] = []
    for session in later:
        planned = seeding.open(session)
        if planned is not None:
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


@dataclass
class Groundwork:
    """What a re-plan starts from: the instance with this month's expected hires, the
    published schedule as it happened with its held seats given, and the pins."""

    #: The instance as given (its people only).
    real: Instance
    #: The instance with the expected hires who hold seats.
    instance: Instance
    attended: Attended
    expected: list[Person]
    held_rows: bool
    source: str
    #: The published schedule as it happened, its held seats given to people.
    view: Schedule
    pins: Pinned
    #: The instance's own fixed sessions and the pinned ones.
    fixed: list[Session]
    #: The instance with the pinned sessions fixed.
    pinned: Instance
    first_new: date

    @property
    def published_members(self) -> dict[str, list[str]]:
        """The people of each session of :attr:`view`, in its order."""
        members: dict[str, list[str]] = defaultdict(list)
        for _row, a in self.view.assignments:
            members[a.session_id].append(a.person_id)
        return members


def forecast_mode(published: Schedule, forecast: str) -> str:
    """The forecast to re-plan with: ``auto`` again for a schedule published with an
    estimated plan, when the file was asked for."""
    if forecast == "file" and published.summary.get("forecast") == "auto":
        return "auto"
    return forecast


def seated_later(view: Schedule, later: list[Session]) -> set[tuple[str, str]]:
    """The (person, course) pairs seated in the published sessions after the freeze."""
    later_ids = {s.session_id for s in later}
    return {(a.person_id, a.course_id) for _, a in view.assignments if a.session_id in later_ids}


def with_pins(instance: Instance, pins: Pinned) -> tuple[list[Session], Instance]:
    """The fixed sessions (the instance's own, then the pinned ones) and the instance with
    them and their assignments fixed."""
    keep_ids = {s.session_id for s in instance.fixed_sessions}
    fixed = [*instance.fixed_sessions, *(s for s in pins.sessions if s.session_id not in keep_ids)]
    fixed_assignments = [
        *instance.fixed_assignments,
        *(a for a in pins.assignments if a.session_id not in keep_ids),
    ]
    pinned = instance.replace(
        fixed_sessions=tuple(fixed), fixed_assignments=tuple(fixed_assignments)
    )
    return fixed, pinned


def lay_groundwork(
    real: Instance, published: Schedule, today: date, freeze_weeks: int, forecast: str
) -> Groundwork:
    """Apply who came, hold seats for the hires still expected and hand over the held
    seats, pin history and the freeze, and seat people in the frozen sessions' free
    seats."""
    attended = apply_attendance(real, published, today)
    rows, source = forecast_rows(real, forecast_mode(published, forecast))
    expected = expected_hires(real, rows, today)
    instance = with_held(real, expected)
    view, _handed = hand_over(instance, attended.schedule, today)
    pins = pin_published(instance, view, today, freeze_weeks, attended.missed)
    first_new = max(today + timedelta(weeks=freeze_weeks), instance.settings.horizon_start)
    pins.sessions, pins.assignments = seat_in_frozen(
        instance, pins.sessions, pins.assignments, seated_later(view, pins.later), today, first_new
    )
    fixed, pinned = with_pins(instance, pins)
    return Groundwork(
        real, instance, attended, expected, bool(rows), source, view, pins, fixed, pinned, first_new
    )


def solve_data(ground: Groundwork) -> SolveData:
    """The re-plan's data: the pinned instance, new sessions from the freeze's end, and
    the later published sessions with their people."""
    members = ground.published_members
    kept = [PublishedSession(s, tuple(members.get(s.session_id, ()))) for s in ground.pins.later]
    grid = TimeGrid(ground.instance.settings)
    return SolveData(ground.pinned, grid, not_before=ground.first_new, published=kept)


def greedy_replan(data: SolveData, ground: Groundwork) -> GreedyBuilder:
    """The greedy re-plan: the later published sessions that still fit, their free seats
    for those who need one, then new sessions for what is still due, and the yearly
    offerings."""
    builder = GreedyBuilder(data)
    seed_plan(data, builder.plan, ground.pins.later, ground.published_members)
    seat_in_kept(builder)
    for course_id in data.course_order:
        builder.serve_due(data.course_idx[course_id])
    builder.repair_unmet()
    # Past sessions of the year count toward its offerings; the rest are held anew.
    hold_offerings(builder.plan, builder.out_of_time)
    return builder


def improved(
    data: SolveData, plan: Plan, params: SolveParams, started: float, bound: int
) -> tuple[Plan, dict[str, Any]]:
    """The greedy plan improved by the search within the time limit (as it is with
    ``params.improve`` off), and the search's figures.

    The time limit is the whole command's, as for ``solve``: the search stops in time
    for turning the plan into records and writing the folder (estimated from the
    instance's size, :func:`~schemalaggning.engine.solve.finishing_seconds`)."""
    if not params.improve:
        return plan, {}
    finish, write = finishing_seconds(data.instance, params.writing)
    margin = max(1.0, finish + write)
    return improve_plan(
        data,
        plan,
        params,
        started + params.time_limit - margin,
        bound,
        lambda p, f: None,
        seat_deferred,
    )


def mark_history(sessions: list[Session], today: date) -> list[Session]:
    """The sessions with those that began before ``today`` written as past (format 1.2)."""
    return [
        s.model_copy(update={"past": True}) if s.slots and s.slots[0].day < today else s
        for s in sessions
    ]


def replanned_records(
    data: SolveData,
    builder: GreedyBuilder,
    plan: Plan,
    ground: Groundwork,
    published: Schedule,
    today: date,
) -> HeldSplit:
    """The re-planned schedule's records: held seats apart, the published ids kept,
    history marked, and the no-shows' missed sessions named in the unmet reasons."""
    sessions, assignments = plan_records(
        data, plan, reserved={s.session_id for _, s in published.sessions}
    )
    split = split_held(
        ground.instance, sessions, assignments, unscheduled_records(data, plan, builder.unmet)
    )
    sessions, assignments = keep_published_ids(
        split.sessions, split.assignments, published, ground.pins.later, keep=ground.fixed
    )
    split.sessions = mark_history(sessions, today)
    split.assignments = assignments
    split.unscheduled = name_missed(
        ground.real, split.unscheduled, ground.attended.missed_sessions(), today
    )
    return split


def worded_changes(ground: Groundwork, published: Schedule, records: HeldSplit) -> list[Change]:
    """Every change against the published schedule, in words."""
    compared = compare(published, records.sessions, records.assignments, records.unscheduled)
    return in_words(
        ground.real,
        [s for _, s in published.sessions],
        [a for _, a in published.assignments],
        records.sessions,
        ground.pins.changes + compared,
        ground.attended.missed,
        ground.attended.walk_ins,
    )


@dataclass
class ReplanRun:
    """How a re-plan was asked for, and when it started."""

    today: date
    freeze_weeks: int
    params: SolveParams
    started: float
    build_seconds: float = 0.0


def replan_summary(
    run: ReplanRun,
    ground: Groundwork,
    published: Schedule,
    records: HeldSplit,
    changes: list[Change],
    data: SolveData,
    plan: Plan,
    stats: dict[str, Any],
) -> Summary:
    """The re-plan's figures for ``summary.json``.

    The bound and gap are for what was re-planned: the attendances the pinned sessions do
    not meet, against the sessions after the freeze. The figures of people and
    attendances are the real people's only (held seats are not people).
    """
    sessions, unscheduled = records.sessions, records.unscheduled
    half_days = trainer_half_days(sessions)
    pinned_half_days = trainer_half_days(ground.pins.sessions)
    rest_bound = replanned_bound(ground.pinned)
    bound = pinned_half_days + rest_bound
    status = Status.OPTIMAL if not unscheduled and half_days <= bound else Status.FEASIBLE
    figures = replan_figures(
        [s for _, s in published.sessions],
        sessions,
        records.assignments,
        changes,
        ground.attended.missed,
    )
    figures["trainer_half_days_replanned"] = half_days - pinned_half_days
    figures["trainer_half_days_replanned_bound"] = rest_bound
    due = len(ground.real.due_attendances)
    params = run.params
    return Summary(
        kind="replan",
        status=status,
        objective=objective_value(len(unscheduled), half_days),
        best_bound=bound,
        gap=(half_days - bound) / half_days if half_days else 0.0,
        replan=figures,
        warnings=today_warnings(published, run.today)
        + history_warnings(ground.real, published, run.today),
        solve_seconds=round(time.perf_counter() - run.started, 3),
        build_seconds=round(run.build_seconds, 3),
        sessions=len(sessions),
        trainer_half_days=half_days,
        trainer_half_days_bound=bound,
        required_attendances=due,
        unscheduled=len(unscheduled),
        due_met=due - attendances_unmet(unscheduled),
        offerings=offerings_summary(ground.instance, unscheduled),
        mean_days_to_part1=mean_days_to_part1(data, plan),
        changes=len(changes),
        changed_assignments=sum(
            1 for c in changes if c.change in ("person_moved", "person_removed")
        ),
        today=run.today.isoformat(),
        freeze_weeks=run.freeze_weeks,
        pinned_sessions=len(ground.pins.sessions),
        peak_memory_mb=round(peak_memory_mb(), 1),
        seed=params.seed,
        workers=params.workers,
        time_limit=params.time_limit,
        search=stats,
        held=held_summary(ground.instance, records, ground.expected, ground.source)
        if ground.held_rows
        else {},
    )


def replan(
    instance: Instance,
    published: Schedule,
    today: date,
    freeze_weeks: int = 4,
    params: SolveParams | None = None,
    forecast: str = "file",
    started: float | None = None,
) -> tuple[Result, list[Change]]:
    """Re-plan an instance around its published schedule (see the module's description).

    ``forecast`` is as for :func:`schemalaggning.month.forecast.solve_held`; a schedule
    published with an estimated plan (``auto``) is re-planned with one estimated again.
    ``started`` is when the command began (:func:`time.perf_counter`): its time limit
    counts from there.
    """
    began = time.perf_counter() if started is None else started
    run = ReplanRun(today, freeze_weeks, params or SolveParams(), began)
    ground = lay_groundwork(instance, published, today, freeze_weeks, forecast)
    data = solve_data(ground)
    bound = trainer_half_days_bound(ground.pinned)
    run.build_seconds = time.perf_counter() - run.started
    builder = greedy_replan(data, ground)
    plan, stats = improved(data, builder.plan, run.params, run.started, bound)
    records = replanned_records(data, builder, plan, ground, published, today)
    changes = worded_changes(ground, published, records)
    summary = replan_summary(run, ground, published, records, changes, data, plan, stats)
    result = Result(
        summary.status,
        records.sessions,
        records.assignments,
        records.unscheduled,
        objective_value(len(records.unscheduled), trainer_half_days(records.sessions)),
        summary.best_bound,
        summary,
    )
    # What history did against the order is said after the changes (it changes nothing).
    notes = history_notes(
        ground.real, ground.attended.missed_sessions(), records.sessions, records.assignments
    )
    result.record = replace(summary, history_notes=len(notes))
    return result, changes + notes


def members_by_session(assignments: Iterable[Assignment]) -> dict[str, set[str]]:
    """The people of each session."""
    members: dict[str, set[str]] = defaultdict(set)
    for a in assignments:
        members[a.session_id].add(a.person_id)
    return members


def continuing_pairs(
    fresh: list[Session],
    later: list[Session],
    new_members: dict[str, set[str]],
    old_members: dict[str, set[str]],
) -> list[tuple[int, bool, str, str]]:
    """The (new, published) session pairs of a course that share people or a block, most
    people shared first, then the same block first, then by ids."""
    return sorted(
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
    )


def rename_to_nearest(
    fresh: list[Session], rename: dict[str, str], open_published: dict[str, Session]
) -> None:
    """Let each published session still open continue as the nearest new session of its
    course that has no id yet (in time order)."""
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


def rename_by_shared_people(
    pairs: list[tuple[int, bool, str, str]], open_published: dict[str, Session]
) -> dict[str, str]:
    """New session id -> the published id it continues, pair by pair in order, each id
    once (the published ones taken are no longer open)."""
    rename: dict[str, str] = {}
    for _shared, _new, new_id, old_id in pairs:
        if new_id in rename or old_id not in open_published:
            continue
        rename[new_id] = old_id
        del open_published[old_id]
    return rename


def renamed(
    sessions: list[Session], assignments: list[Assignment], rename: dict[str, str]
) -> tuple[list[Session], list[Assignment]]:
    """The sessions and assignments with the session ids renamed."""
    return (
        [
            s.model_copy(update={"session_id": rename.get(s.session_id, s.session_id)})
            for s in sessions
        ],
        [
            a.model_copy(update={"session_id": rename.get(a.session_id, a.session_id)})
            for a in assignments
        ],
    )


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
    new_members = members_by_session(assignments)
    old_members = members_by_session(a for _, a in published.assignments)
    open_published = {s.session_id: s for s in later}
    fresh = [s for s in sessions if s.session_id not in fixed_ids]
    rename = rename_by_shared_people(
        continuing_pairs(fresh, later, new_members, old_members), open_published
    )
    # A published session not matched continues as the nearest new one of its course.
    rename_to_nearest(fresh, rename, open_published)
    return renamed(sessions, assignments, rename)


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
        words = _(
            "--today {today} is before the published schedule starts ({first}): nothing is "
            "history yet; give the day the re-plan is for"
        )
        return [words.format(today=long_date(today), first=long_date(first))]
    if today > last:
        words = _(
            "--today {today} is after the published schedule ends ({last}): every session "
            "is history"
        )
        return [words.format(today=long_date(today), last=long_date(last))]
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
    for _row, session in sorted(published.sessions, key=lambda item: item[1].slots):
        course = instance.course_by_id.get(session.course_id)
        if course is None or not session.slots or session.slots[0].day >= today:
            continue
        count = members[session.session_id] + len(absent[session.session_id])
        if count < course.min_group:
            words = _(
                "the session {session} of {course} on {day} was held with {count} "
                "participants, the course needs {least}, and attendance.csv names too few "
                "who did not come: keep the sign-in rows of every session held in "
                "attendance.csv"
            )
            warnings.append(
                words.format(
                    session=session.session_id,
                    course=course.name or course.course_id,
                    day=long_date(session.slots[0].day),
                    count=members[session.session_id],
                    least=course.min_group,
                )
            )
    return warnings
