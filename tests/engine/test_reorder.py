"""Courses served in another order: a course the greedy plan served last, and so split
over a small room, is served first, and a new order is kept only when the plan's levels
are better."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from builders import (
    MONDAY,
    TINY,
    away,
    course,
    make_instance,
    person,
    room,
    solve_checked,
    trainer,
)
from schemalaggning.check import check
from schemalaggning.domain import Half
from schemalaggning.engine.bound import trainer_half_days_bound
from schemalaggning.engine.greedy import greedy_plan
from schemalaggning.engine.levels import course_floors, measure
from schemalaggning.engine.outcome import plan_records, unscheduled_records
from schemalaggning.engine.plan import Plan, SolveData
from schemalaggning.engine.reorder import SlackBuilder, order_with_first, reorder_courses
from schemalaggning.io import read_instance
from schemalaggning.timegrid import TimeGrid


def contested_room_instance() -> SolveData:
    # Four people due for A and four others due for B, all within the week. The room of
    # four is free only on Friday morning, the room of two all week but Friday
    # afternoon. The greedy plan serves A first (file order): A takes the big room on
    # Friday morning, and B, with two trainers a session, is split over two sessions
    # in the small room. Served first, B takes the big room and A is split instead, one
    # trainer half-day cheaper.
    thursday = MONDAY + timedelta(days=3)
    friday = MONDAY + timedelta(days=4)
    instance = make_instance(
        people=[person(f"A{i}", done=("B",)) for i in range(4)]
        + [person(f"B{i}", done=("A",)) for i in range(4)],
        courses=[course("A", max_group=4), course("B", max_group=4, trainers=2)],
        trainers=[trainer("T1"), trainer("T2"), trainer("T3")],
        rooms=[room("BIG", 4), room("SMALL", 2)],
        unavailability=[
            away("BIG", MONDAY, thursday),
            away("BIG", friday, friday, Half.PM),
            away("SMALL", friday, friday, Half.PM),
        ],
    )
    return SolveData(instance, TimeGrid(instance.settings))


def assert_checked(data: SolveData, plan: Plan) -> None:
    sessions, assignments = plan_records(data, plan)
    unscheduled = unscheduled_records(data, plan, [])
    assert check(data.instance, sessions, assignments, unscheduled) == []


def test_the_course_split_by_the_order_is_served_first() -> None:
    data = contested_room_instance()
    bound = trainer_half_days_bound(data.instance)
    plan, unmet = greedy_plan(data)
    assert not unmet
    assert plan.trainer_half_days() == 5 > bound == 3
    reordered, stats = reorder_courses(data, plan, course_floors(data), bound)
    assert stats.kept == 1
    assert reordered.due_unmet() == 0
    assert reordered.trainer_half_days() == 4
    assert_checked(data, reordered)
    big = data.room_ids.index("BIG")
    assert [
        data.courses[s.course].course.course_id
        for _, s in reordered.live_sessions()
        if s.room == big
    ] == ["B"]


def test_prerequisites_stay_before_the_courses_moved_first() -> None:
    instance = read_instance(TINY)
    data = SolveData(instance, TimeGrid(instance.settings))
    last = data.course_idx[data.course_order[-1]]
    order = order_with_first(data, [last])
    assert sorted(order) == list(range(len(data.courses)))
    position = {c: i for i, c in enumerate(order)}
    for c in order:
        for before in data.courses[c].course.after:
            assert position[data.course_idx[before]] < position[c]
    # Only the course's own prerequisites (and theirs) come before it.
    needed: set[int] = set()
    waiting = [last]
    while waiting:
        for before in data.courses[waiting.pop()].course.after:
            if data.course_idx[before] not in needed:
                needed.add(data.course_idx[before])
                waiting.append(data.course_idx[before])
    assert set(order[: order.index(last)]) == needed


def test_reorders_never_make_the_plan_worse() -> None:
    instance = read_instance(TINY)
    data = SolveData(instance, TimeGrid(instance.settings))
    bound = trainer_half_days_bound(instance)
    plan, _ = greedy_plan(data)
    before = [level.value for level in measure(plan, bound)]
    reordered, stats = reorder_courses(data, plan, course_floors(data), bound)
    after = [level.value for level in measure(reordered, bound)]
    assert after <= before
    assert (after < before) == (stats.kept > 0)
    assert_checked(data, reordered)


def test_solve_reorders_before_the_search() -> None:
    # The whole solve reaches the cheaper plan and says the reorder was kept.
    result = solve_checked(contested_room_instance().instance)
    assert result.summary["trainer_half_days"] == 4
    assert result.summary["rebuild"]["reorder"]["kept"] == 1
    assert result.summary["unscheduled"] == 0


def test_a_plan_the_clock_stops_halfway_is_left_out_and_said(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The deadline passes while the round's last plan (the one with a week's slack) is
    # being built: that plan is incomplete, and what the reorder keeps then depends on
    # the wall clock, which its stats must say (summary.json: wall_clock_cut).
    # The plan given is the best order's already, so no plan of the round is better.
    data = contested_room_instance()
    bound = trainer_half_days_bound(data.instance)
    plan, _ = reorder_courses(data, greedy_plan(data)[0], course_floors(data), bound)
    # B, served first in that plan, is the one in trouble: the round serves it first.
    monkeypatch.setattr(
        "schemalaggning.engine.reorder.trouble", lambda *args: {data.course_idx["B"]: 1}
    )
    real = time.perf_counter
    late = [0.0]
    monkeypatch.setattr(time, "perf_counter", lambda: real() + late[0])
    serving = SlackBuilder.serve_due

    def serve_due(self: SlackBuilder, course: int, only: set[int] | None = None) -> None:
        if self.slack:
            late[0] = 3600.0
        serving(self, course, only)

    monkeypatch.setattr(SlackBuilder, "serve_due", serve_due)
    before = [level.value for level in measure(plan, bound)]
    reordered, stats = reorder_courses(
        data, plan, course_floors(data), bound, deadline=real() + 600.0, rounds=1
    )
    assert late[0] > 0.0
    assert stats.cut
    assert stats.kept == 0
    assert [level.value for level in measure(reordered, bound)] == before
    assert_checked(data, reordered)
