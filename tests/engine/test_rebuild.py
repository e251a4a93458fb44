"""Course rebuilds: a course the greedy plan split over small rooms is served again in
full groups, and a rebuild is kept only when the plan's levels are better."""

from __future__ import annotations

from datetime import timedelta

from builders import MONDAY, TINY, away, course, make_instance, person, room, solve_checked
from schemalaggning.check import check
from schemalaggning.engine.bound import trainer_half_days_bound
from schemalaggning.engine.greedy import greedy_plan
from schemalaggning.engine.levels import course_floors, measure
from schemalaggning.engine.outcome import plan_records, unscheduled_records
from schemalaggning.engine.plan import SolveData
from schemalaggning.engine.rebuild import rebuild_courses
from schemalaggning.io import read_instance
from schemalaggning.timegrid import TimeGrid


def small_room_instance() -> SolveData:
    # Four people due by Friday; the room of four is booked on Friday, so the greedy
    # plan's latest block before the deadline has only the room of two: it opens two
    # sessions of two there, where one session of four on Thursday would do.
    friday = MONDAY + timedelta(days=4)
    instance = make_instance(
        people=[person(f"P{i}") for i in range(4)],
        courses=[course("C", max_group=4)],
        rooms=[room("BIG", 4), room("SMALL", 2)],
        unavailability=[away("BIG", friday, friday)],
    )
    return SolveData(instance, TimeGrid(instance.settings))


def test_a_course_split_over_small_rooms_is_rebuilt_in_one_full_session() -> None:
    data = small_room_instance()
    instance = data.instance
    bound = trainer_half_days_bound(instance)
    plan, unmet = greedy_plan(data)
    assert not unmet
    assert plan.trainer_half_days() == 2 > bound == 1
    rebuilt, stats = rebuild_courses(data, plan, course_floors(data), bound)
    assert (stats.tried, stats.kept) == (1, 1)
    assert rebuilt.due_unmet() == 0
    assert rebuilt.trainer_half_days() == 1
    sessions, assignments = plan_records(data, rebuilt)
    unscheduled = unscheduled_records(data, rebuilt, [])
    assert check(instance, sessions, assignments, unscheduled) == []
    assert sessions[0].room_id == "BIG"


def test_solve_rebuilds_before_the_search() -> None:
    # The whole solve reaches the bound, and says how many courses it rebuilt.
    result = solve_checked(small_room_instance().instance)
    assert result.summary["trainer_half_days"] == 1
    assert result.summary["rebuild"]["kept"] == 1
    assert result.summary["status"] == "optimal"


def test_rebuilds_never_make_the_plan_worse() -> None:
    # On the tiny bundled instance every course is tried where it is above its bound;
    # whatever was kept, the plan's levels are no worse than the greedy plan's.
    instance = read_instance(TINY)
    data = SolveData(instance, TimeGrid(instance.settings))
    bound = trainer_half_days_bound(instance)
    plan, _ = greedy_plan(data)
    before = [level.value for level in measure(plan, bound)]
    rebuilt, stats = rebuild_courses(data, plan, course_floors(data), bound)
    after = [level.value for level in measure(rebuilt, bound)]
    assert after <= before
    assert (after < before) == (stats.kept > 0)
    sessions, assignments = plan_records(data, rebuilt)
    unscheduled = unscheduled_records(data, rebuilt, [])
    assert check(instance, sessions, assignments, unscheduled) == []
