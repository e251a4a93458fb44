"""The engine's stopping, time limit and reasons: it stops when proven, reports every
objective level, keeps the user's time limit, and gives reasons that hold."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import FrozenInstanceError
from pathlib import Path

import pytest

from builders import (
    TINY,
    course,
    district,
    make_instance,
    person,
    solve_checked,
)
from schemalaggning.check import check_schedule
from schemalaggning.domain import Unscheduled
from schemalaggning.io import read_instance, read_schedule
from schemalaggning.levels import part1_days_bound
from schemalaggning.plan import PublishedSession, SolveData
from schemalaggning.reasons import NOT_RULED_OUT, confirmed
from schemalaggning.rules import Reason, Rule
from schemalaggning.timegrid import TimeGrid

LEVELS = [
    "due_unmet",
    "trainer_half_days",
    "part1_days",
    "mixing_excess",
    "trainer_max_load",
    "experienced_left_out",
    "not_due_left_out",
    "not_due_late",
]


def test_an_instance_whose_greedy_plan_reaches_the_bound_stops_proven() -> None:
    # The tiny instance's greedy plan meets every due attendance with trainer half-days
    # equal to the window bound: the top two levels are proven, the lower ones are
    # searched until they stall, and the run ends long before its time limit.
    instance = read_instance(TINY)
    result = solve_checked(instance, time_limit=600, workers=2)
    summary = result.summary
    assert summary["stopped_because"] == "proven"
    assert not summary["wall_clock_cut"]
    assert summary["gap"] == 0.0
    levels = summary["levels"]
    assert [level["name"] for level in levels] == LEVELS
    assert levels[0] == {"name": "due_unmet", "value": 0, "bound": 0, "proven": True}
    assert levels[1]["value"] == levels[1]["bound"] == summary["trainer_half_days_bound"]
    assert levels[1]["proven"]
    for level in levels:
        if level["bound"] is not None:
            assert level["value"] >= level["bound"], level


def test_part1_bound_is_below_every_plan() -> None:
    # The part-1 bound puts each hire at the earliest block of their window; the
    # product's plan can only be later.
    instance = read_instance(TINY)
    result = solve_checked(instance, time_limit=600, workers=2)
    part1 = next(level for level in result.summary["levels"] if level["name"] == "part1_days")
    data = SolveData(instance, TimeGrid(instance.settings))
    assert part1["bound"] == part1_days_bound(data) <= part1["value"]


def test_the_gap_is_never_negative_when_attendances_are_unmet() -> None:
    # Nobody of D2 may be away, so B is never met: the plan needs fewer half-days than
    # a plan that met everyone would, and the gap is clamped at zero.
    instance = make_instance(
        people=[person("A"), person("B", district_id="D2")],
        courses=[course("G")],
        districts=[district("D1"), district("D2", max_absent=0)],
    )
    result = solve_checked(instance)
    assert result.summary["gap"] >= 0.0
    assert result.unscheduled[0].reason.startswith("district_absence:")


def test_a_reason_of_the_plan_that_the_data_allow_says_time_ran_out() -> None:
    # A is met in the plan; listed as unmet with a district reason, the blocking
    # analysis finds no rule that forbids it, so the reason says a longer run may meet it.
    instance = make_instance(people=[person("A")], courses=[course("G")])
    result = solve_checked(instance, time_limit=600)
    assert result.unscheduled == []
    (person_id, course_id) = instance.due_attendances[0]
    record = Unscheduled(
        person_id=person_id,
        course_id=course_id,
        deadline=instance.deadline(
            instance.person_by_id[person_id], instance.course_by_id[course_id]
        ),
        reason="",
    )
    found = Reason(Rule.DISTRICT_ABSENCE, "district D1's limit of 10 away is full")
    record = record.model_copy(update={"reason": found.text})
    (checked,) = confirmed(instance, [(record, found)])
    assert checked.reason.startswith(NOT_RULED_OUT)
    assert checked.reason.endswith("(in this plan, " + record.reason + ")")
    assert checked.reason.startswith("time_limit:")


@pytest.mark.slow
def test_a_tiny_time_limit_still_writes_a_complete_clean_schedule(tmp_path: Path) -> None:
    # 600 hires a year (about twice Göteborg) cannot be planned in one second: the run
    # still ends, exits 0 and writes a schedule the checker passes, with every due
    # attendance it did not reach listed as such.
    instance = tmp_path / "instance"
    cli = [sys.executable, "-m", "schemalaggning.cli"]
    generate = [*cli, "generate", str(instance), "--hires-per-year", "600", "--seed", "1"]
    subprocess.run(generate, check=True, capture_output=True)
    out = tmp_path / "schedule"
    solved = subprocess.run(
        [*cli, "solve", str(instance), "-o", str(out), "--time-limit", "1", "--no-ics"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert solved.returncode == 0, solved.stderr
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["stopped_because"] == "time_limit"
    assert summary["wall_clock_cut"] is True
    assert summary["gap"] >= 0.0
    assert summary["unscheduled"] > 0
    loaded = read_instance(instance)
    schedule = read_schedule(out)
    assert check_schedule(loaded, schedule) == []
    reasons = {u.reason.partition(":")[0] for _, u in schedule.unscheduled}
    assert "time_limit" in reasons
    assert "district_absence" not in reasons


def test_solve_data_is_frozen_and_takes_the_published_sessions_when_built() -> None:
    # What a re-plan adds is passed in when SolveData is built; afterwards nothing may
    # be set, so the objective and the search see the same data from start to end.
    instance = read_instance(TINY)
    grid = TimeGrid(instance.settings)
    plain = SolveData(instance, grid)
    assert not plain.replanning
    assert plain.reserve_seats == 0
    with pytest.raises(FrozenInstanceError):
        plain.reserve_seats = 2
    published = solve_checked(instance, improve=False)
    first = min(published.sessions, key=lambda s: s.slots[0])
    members = tuple(a.person_id for a in published.assignments if a.session_id == first.session_id)
    data = SolveData(instance, grid, reserve_seats=1, published=[PublishedSession(first, members)])
    assert data.replanning
    assert data.reserve_seats == 1
    course = data.course_idx[first.course_id]
    start = grid.slot_idx[first.slots[0]]
    assert dict(data.published_sessions) == {(course, start): 1}
    seated = {data.attendances[a].person for a in data.published_block}
    assert seated == {data.person_idx[p] for p in members}
    assert set(data.published_block.values()) == {start}
    with pytest.raises(TypeError):
        data.published_block[0] = start  # type: ignore[index]
