"""The weekly bound: valid (never above the least trainer half-days of a schedule that
meets every due attendance), never below the window bound, and stronger where districts,
rooms or trainers bind.

The least trainer half-days of a tiny instance is found here by an exact CP-SAT model of
the whole problem (every block, room and trainer), written for these tests; its schedule
is checked by the project's checker, so the optimum it claims is one a real schedule has.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta

import pytest
from ortools.sat.python import cp_model

from builders import (
    MONDAY,
    TINY,
    away,
    course,
    district,
    make_instance,
    person,
    room,
    settings,
    solve_checked,
    trainer,
)
from schemalaggning.check import check
from schemalaggning.domain import Assignment, Course, Instance, Room, Session, add_months
from schemalaggning.engine.bound import stabbing_sessions, trainer_half_days_bound
from schemalaggning.engine.bound_weeks import weekly_bound
from schemalaggning.engine.bound_windows import fewest_sessions, hall_conditions
from schemalaggning.io import read_instance
from schemalaggning.timegrid import TimeGrid, local_iso, unavailable_slots

#: Seconds the exact model of one tiny instance may take (they take well under one).
EXACT_SECONDS = 60.0


def exact_half_days(instance: Instance) -> int | None:
    """The least trainer half-days of a schedule meeting every due attendance (None: no
    such schedule), proven by CP-SAT; the schedule found is checked by the checker.

    Every rule of the instances built here is modelled: blocks, rooms (capacity,
    availability, one session at a time), trainers (qualified, availability, one session
    at a time, weekly limit, the course's number), people (one session at a time, window,
    prerequisites), districts (``max_absent`` per half-day), ``min_group`` and
    ``max_group``. Only due attendances are seated (the instances have no others).
    """
    grid = TimeGrid(instance.settings)
    unavailable = unavailable_slots(instance, grid)
    model = cp_model.CpModel()
    sessions: list[
        tuple[Course, tuple[int, ...], Room, cp_model.IntVar, dict[str, cp_model.IntVar]]
    ] = []
    room_use: dict[tuple[str, int], list[cp_model.IntVar]] = {}
    trainer_use: dict[tuple[str, int], list[cp_model.IntVar]] = {}
    trainer_week: dict[tuple[str, tuple[int, int]], list[cp_model.LinearExprT]] = {}
    cost = []
    for c in instance.courses:
        seats_room = [r for r in instance.rooms if r.capacity >= c.min_group]
        qualified = [t for t in instance.trainers if t.qualified(c.course_id)]
        for block in grid.blocks(c.half_days):
            for r in seats_room:
                if any(t in unavailable.get(r.room_id, ()) for t in block):
                    continue
                free = [
                    t
                    for t in qualified
                    if not any(s in unavailable.get(t.trainer_id, ()) for s in block)
                ]
                if len(free) < c.trainers:
                    continue
                held = model.new_bool_var("")
                teach = {t.trainer_id: model.new_bool_var("") for t in free}
                model.add(sum(teach.values()) == c.trainers * held)
                for slot in block:
                    room_use.setdefault((r.room_id, slot), []).append(held)
                    for tid, var in teach.items():
                        trainer_use.setdefault((tid, slot), []).append(var)
                week = grid.slot_week[block[0]]
                for tid, var in teach.items():
                    trainer_week.setdefault((tid, week), []).append(c.half_days * var)
                sessions.append((c, block, r, held, teach))
                cost.append(c.half_days * c.trainers * held)
    for uses in (*room_use.values(), *trainer_use.values()):
        model.add(sum(uses) <= 1)
    for (tid, _), loads in trainer_week.items():
        model.add(sum(loads) <= instance.trainer_by_id[tid].max_half_days_per_week)

    attend: dict[tuple[str, str], list[tuple[int, cp_model.IntVar]]] = {}
    person_slot: dict[tuple[str, int], list[cp_model.IntVar]] = {}
    district_slot: dict[tuple[str, int], list[cp_model.IntVar]] = {}
    members: dict[int, list[cp_model.IntVar]] = {}
    for a in instance.due_attendances:
        p = instance.person_by_id[a.person_id]
        c = instance.course_by_id[a.course_id]
        first = grid.first_slot_on_or_after(instance.earliest(p, c))
        last = grid.last_slot_on_or_before(instance.deadline(p, c))
        options = []
        for j, (sc, block, _, held, _) in enumerate(sessions):
            if sc.course_id != c.course_id or block[0] < first or block[-1] > last:
                continue
            var = model.new_bool_var("")
            model.add_implication(var, held)
            options.append((j, var))
            members.setdefault(j, []).append(var)
            for slot in block:
                person_slot.setdefault((p.person_id, slot), []).append(var)
                district_slot.setdefault((p.district_id, slot), []).append(var)
        if not options:
            return None
        model.add_exactly_one(var for _, var in options)
        attend[a] = options
    for uses in person_slot.values():
        model.add(sum(uses) <= 1)
    for (did, _), uses in district_slot.items():
        model.add(sum(uses) <= instance.district_by_id[did].max_absent)
    for j, (c, _, r, held, _) in enumerate(sessions):
        group = sum(members.get(j, []))
        model.add(group <= min(c.max_group, r.capacity) * held)
        model.add(group >= c.min_group * held)
    # Prerequisites: a successor's session starts after the prerequisite's ends.
    for (pid, cid), options in attend.items():
        for before in instance.course_by_id[cid].after:
            if (pid, before) not in attend:
                continue
            start = sum(sessions[j][1][0] * var for j, var in options)
            end = sum(sessions[j][1][-1] * var for j, var in attend[pid, before])
            model.add(start > end)
    model.minimize(sum(cost))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 2
    solver.parameters.max_time_in_seconds = EXACT_SECONDS
    status = solver.solve(model)
    if status == cp_model.INFEASIBLE:
        return None
    assert status == cp_model.OPTIMAL, solver.status_name(status)

    # The schedule found keeps every rule the project's checker knows.
    records: list[Session] = []
    assignments: list[Assignment] = []
    for j, (c, block, r, held, teach) in enumerate(sessions):
        if not solver.value(held):
            continue
        session_id = f"S{j}"
        slots = tuple(grid.slots[t] for t in block)
        seated = [
            pid for (pid, _), opts in attend.items() for k, v in opts if k == j and solver.value(v)
        ]
        records.append(
            Session(
                session_id=session_id,
                course_id=c.course_id,
                room_id=r.room_id,
                trainer_ids=tuple(t for t, v in teach.items() if solver.value(v)),
                start=local_iso(grid.slot_start(slots[0])),
                end=local_iso(grid.slot_end(slots[-1])),
                slots=slots,
                participants=len(seated),
            )
        )
        assignments += [
            Assignment(person_id=p, course_id=c.course_id, session_id=session_id) for p in seated
        ]
    assert check(instance, records, assignments, []) == []
    optimum = round(solver.objective_value)
    assert optimum == sum(len(s.slots) * len(s.trainer_ids) for s in records)
    return optimum


def random_instance(seed: int) -> Instance:
    """A tiny instance of two or three weeks: a few courses (some chained, some with two
    trainers, windows of a month or of the start day alone), people of two or three
    districts with small limits, rooms of different sizes, trainers with their own
    courses, weekly limits and days away."""
    rng = random.Random(seed)
    weeks = rng.choice([2, 3])
    horizon = settings(weeks=weeks)
    courses: list[Course] = []
    for i in range(rng.choice([1, 2, 3])):
        chained = i > 0 and rng.random() < 0.4
        within = courses[-1].within_months if chained else rng.choice([0, 1, 1])
        courses.append(
            course(
                f"C{i}",
                half_days=rng.choice([1, 1, 2]),
                max_group=rng.choice([3, 4, 5]),
                trainers=rng.choice([1, 1, 2]),
                within=within,
                after=(f"C{i - 1}",) if chained else (),
            )
        )
    districts = [
        district(f"D{d}", max_absent=rng.choice([1, 2, 3])) for d in range(rng.choice([2, 3]))
    ]
    days = [horizon.horizon_start + timedelta(days=d) for d in range(7 * weeks - 2)]
    days = [d for d in days if d.weekday() < 5]
    people = []
    for i in range(rng.randint(4, 9)):
        # Hired in December (a month's window closes inside the horizon) or inside it.
        start = rng.choice(days)
        if rng.random() < 0.6:
            start = add_months(start, -1)
        done = tuple(
            c.course_id
            for c in courses
            if add_months(start, c.within_months) < horizon.horizon_start
        )
        people.append(
            person(f"P{i}", start=start, district_id=rng.choice(districts).district_id, done=done)
        )
    rooms = [room("R1", rng.choice([3, 4, 5])), room("R2", rng.choice([2, 3]))]
    own = tuple(c.course_id for c in courses if rng.random() < 0.6) or ("C0",)
    trainers = [
        trainer("T1", per_week=rng.choice([2, 3, 4])),
        trainer("T2", courses=own, per_week=rng.choice([1, 2, 4])),
    ]
    unavailability = []
    for resource in ("T1", "T2", "R1"):
        if rng.random() < 0.4:
            day = rng.choice(days)
            unavailability.append(away(resource, day, day + timedelta(days=rng.randrange(3))))
        elif rng.random() < 0.3:
            monday = horizon.horizon_start + timedelta(days=7 * rng.randrange(weeks))
            unavailability.append(away(resource, monday, monday + timedelta(days=4)))
    return make_instance(
        people=people,
        courses=courses,
        trainers=trainers,
        rooms=rooms,
        districts=districts,
        horizon=horizon,
        unavailability=unavailability,
    )


def test_the_weekly_bound_is_valid_on_random_tiny_instances() -> None:
    # On every tiny instance where some schedule meets every due attendance, the bound
    # lies between the window bound and the exact optimum; on some of them it is above
    # the window bound (the districts', rooms' or trainers' limits bind).
    stronger = 0
    solved = 0
    for seed in range(80):
        instance = random_instance(seed)
        if not instance.due_attendances:
            continue
        bound = weekly_bound(instance)
        window = trainer_half_days_bound(instance)
        assert bound.window == window
        assert bound.value >= window
        optimum = exact_half_days(instance)
        if optimum is None:
            continue
        solved += 1
        assert bound.status == "optimal"
        assert bound.courses is not None and bound.value >= bound.courses >= window
        assert bound.weeks is not None and bound.weeks <= optimum, (seed, bound, optimum)
        assert bound.value <= optimum, (seed, bound, optimum)
        stronger += bound.value > window
    assert solved >= 30
    assert stronger >= 3


def test_district_limit_needs_a_third_session() -> None:
    # Eight people due in the same week: six of D1, which may have two away, and two of
    # D2. A session seats at most four (two of each district), so the window bound opens
    # two sessions; but no session seats more than two of D1, so three are needed.
    instance = make_instance(
        people=[person(f"A{i}") for i in range(6)]
        + [person(f"B{i}", district_id="D2") for i in range(2)],
        courses=[course("C", max_group=8)],
        districts=[district("D1", max_absent=2), district("D2", max_absent=4)],
        rooms=[room("R1", 8)],
    )
    bound = weekly_bound(instance)
    assert trainer_half_days_bound(instance) == 2
    assert bound.courses == bound.value == 3
    assert exact_half_days(instance) == 3
    # The solve reports both bounds; the weekly one proves its plan optimal.
    summary = solve_checked(instance).summary
    assert summary["trainer_half_days"] == 3
    assert summary["bounds"]["window"] == 2
    assert summary["bounds"]["weeks"] == 3
    assert summary["trainer_half_days_bound"] == summary["best_bound"] == 3
    assert summary["status"] == "optimal"
    assert summary["gap"] == 0.0
    assert summary["levels"][1] == {
        "name": "trainer_half_days",
        "value": 3,
        "bound": 3,
        "proven": True,
    }


def test_districts_together_need_more_than_each_alone() -> None:
    # Each district may have two away. D1's four people start (and must attend) on the
    # first Monday, D2's four on the second: each district alone needs two sessions, the
    # window bound two, but no session serves both days, so four are needed.
    instance = make_instance(
        people=[person(f"A{i}", start=MONDAY) for i in range(4)]
        + [person(f"B{i}", start=MONDAY + timedelta(days=7), district_id="D2") for i in range(4)],
        courses=[course("C", max_group=8, within=0)],
        districts=[district("D1", max_absent=2), district("D2", max_absent=2)],
        rooms=[room("R1", 8)],
        horizon=settings(weeks=2),
    )
    bound = weekly_bound(instance)
    assert trainer_half_days_bound(instance) == 2
    assert bound.value == 4
    assert exact_half_days(instance) == 4


def test_trainer_and_room_weeks_bind_in_the_weekly_model() -> None:
    # The big room is free only in the first week and the only trainer only in the
    # second: every session is in the second week, in the room of two, so four people
    # need two sessions. Each course alone (with the big room's seats) needs one; the
    # weekly model sees the weeks' rooms and trainers.
    instance = make_instance(
        people=[person(f"P{i}", start=date(2026, 12, 22)) for i in range(4)],
        courses=[course("C", max_group=4)],
        rooms=[room("BIG", 4), room("SMALL", 2)],
        horizon=settings(weeks=2),
        unavailability=[
            away("BIG", MONDAY + timedelta(days=7), MONDAY + timedelta(days=11)),
            away("T1", MONDAY, MONDAY + timedelta(days=4)),
        ],
    )
    bound = weekly_bound(instance)
    assert trainer_half_days_bound(instance) == bound.courses == 1
    assert bound.weeks == bound.value == 2
    assert exact_half_days(instance) == 2
    assert solve_checked(instance).summary["trainer_half_days"] == 2


def test_pinned_sessions_count_in_full_and_lend_their_seats() -> None:
    # The tiny bundled instance with every session of one course pinned (as a re-plan
    # would): the bound counts the pinned half-days as they are and stays valid.
    instance = read_instance(TINY)
    result = solve_checked(instance, improve=False)
    pinned_course = result.sessions[0].course_id
    fixed = [s for s in result.sessions if s.course_id == pinned_course]
    fixed_ids = {s.session_id for s in fixed}
    pinned = instance.replace(
        fixed_sessions=tuple(fixed),
        fixed_assignments=tuple(a for a in result.assignments if a.session_id in fixed_ids),
    )
    bound = weekly_bound(pinned)
    assert bound.value >= trainer_half_days_bound(pinned)
    assert bound.value <= result.summary["trainer_half_days"]


def test_the_weekly_bound_is_not_computed_when_the_plan_is_at_the_window_bound() -> None:
    # The tiny instance's plan reaches the window bound: nothing more is needed.
    summary = solve_checked(read_instance(TINY), improve=False).summary
    assert summary["trainer_half_days"] == summary["bounds"]["window"]
    assert summary["bounds"]["weeks"] is None
    assert summary["bounds"]["weeks_model"] is None


def test_bundled_tiny_instance_bound_is_fast_and_not_below_the_window_bound() -> None:
    instance = read_instance(TINY)
    bound = weekly_bound(instance)
    assert bound.status == "optimal"
    assert bound.value >= bound.window == trainer_half_days_bound(instance)
    assert bound.value <= solve_checked(instance, improve=False).summary["trainer_half_days"]


@pytest.mark.parametrize("seed", range(30))
def test_fewest_sessions_without_districts_is_stabbing(seed: int) -> None:
    # With one seat count and no district, Hall's conditions filled as late as possible
    # need exactly as many sessions as earliest-deadline stabbing opens.
    rng = random.Random(seed)
    windows: Counter[tuple[int, int]] = Counter()
    for _ in range(rng.randint(1, 40)):
        first = rng.randrange(30)
        windows[first, first + rng.randrange(8)] += 1
    seats = rng.randint(1, 6)
    as_days = [
        (date.fromordinal(lo + 1), date.fromordinal(hi + 1))
        for (lo, hi), count in windows.items()
        for _ in range(count)
    ]
    sessions = fewest_sessions(hall_conditions(windows, seats), [len(as_days)] * 40)
    assert sessions == stabbing_sessions(as_days, seats)


def test_fewest_sessions_says_when_a_run_cannot_be_met() -> None:
    # Five attendances due in the first two positions, one seat a session, one session a
    # position: no schedule meets them.
    windows = Counter({(0, 1): 5})
    assert fewest_sessions(hall_conditions(windows, 1), [1, 1, 1]) is None
    assert fewest_sessions(hall_conditions(windows, 1), [3, 3, 3]) == 5
