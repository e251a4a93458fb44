"""The engine's stopping, time limit and reasons: it stops when proven, reports every
objective level, keeps the user's time limit, and gives reasons that hold."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
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
from schemalaggning.check import check, check_schedule
from schemalaggning.domain import Unscheduled
from schemalaggning.engine.greedy import GreedyBuilder
from schemalaggning.engine.levels import part1_days_bound
from schemalaggning.engine.plan import PublishedSession, SolveData
from schemalaggning.engine.reasons import NOT_RULED_OUT, confirmed
from schemalaggning.engine.solve import SolveParams, deferred_writing, finishing_seconds, solve
from schemalaggning.i18n import _
from schemalaggning.interrupts import noted_interrupts
from schemalaggning.io import read_instance, read_schedule
from schemalaggning.rules import Reason, Rule
from schemalaggning.timegrid import TimeGrid

LEVELS = [
    "due_unmet",
    "trainer_half_days",
    "part1_days",
    "mixing_excess",
    "trainer_max_load",
    "not_due_left_out",
    "experienced_left_out",
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
    assert checked.reason.startswith(f"time_limit: {_(NOT_RULED_OUT)}")
    assert checked.reason.endswith(
        f"(i den här planen, {Rule.DISTRICT_ABSENCE.words}: {found.words})"
    )
    assert checked.reason.startswith("time_limit:")


@pytest.mark.slow
def test_a_tiny_time_limit_still_writes_a_complete_clean_schedule(tmp_path: Path) -> None:
    # 600 hires a year (about twice Göteborg) cannot be planned in a fifth of a second
    # (the greedy plan gets half the limit from its start; a whole second was once
    # enough for it on a quiet machine): the run still ends, exits 0 and writes a
    # schedule the checker passes, with every due attendance it did not reach listed
    # as such.
    instance = tmp_path / "instance"
    cli = [sys.executable, "-m", "schemalaggning.cli"]
    generate = [*cli, "generate", str(instance), "--hires-per-year", "600", "--seed", "1"]
    subprocess.run(generate, check=True, capture_output=True)
    out = tmp_path / "schedule"
    solved = subprocess.run(
        [*cli, "solve", str(instance), "-o", str(out), "--time-limit", "0.2", "--no-ics"],
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
    # Its views would take longer than the limit: they are left for their own command,
    # which the closing lines name, and which then writes them.
    assert summary["not_written"] == ["views"]
    assert not (out / "schema.xlsx").exists()
    assert f"schemalaggning export views {out}" in solved.stdout
    exported = subprocess.run(
        [*cli, "export", "views", str(out)], capture_output=True, text=True, timeout=300
    )
    assert exported.returncode == 0, exported.stderr
    assert (out / "schema.xlsx").is_file()
    assert (out / "rapport.html").is_file()


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


@pytest.mark.parametrize("improve", [True, False])
def test_ctrl_c_during_the_greedy_plan_keeps_the_plan_so_far(
    improve: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Ctrl-C while the greedy plan is built is noted, not raised: the greedy stops
    # between two of its steps, and the plan so far is returned, complete and clean,
    # with what it did not reach listed as time_limit.
    calls: list[int] = []
    serve_due = GreedyBuilder.serve_due

    def interrupted_serve_due(
        builder: GreedyBuilder, course: int, only: set[int] | None = None
    ) -> None:
        if not calls:
            os.kill(os.getpid(), signal.SIGINT)
        calls.append(course)
        serve_due(builder, course, only)

    monkeypatch.setattr(GreedyBuilder, "serve_due", interrupted_serve_due)
    instance = read_instance(TINY)
    # With --greedy too, the summary says the run was interrupted, not greedy_only.
    result = solve(instance, SolveParams(time_limit=600, workers=1, improve=improve))
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    assert check(instance, result.sessions, result.assignments, result.unscheduled) == []
    summary = result.summary
    assert summary["interrupted_by"] == "SIGINT"
    assert summary["stopped_because"] == "interrupted"
    assert summary["gap"] >= 0.0
    assert result.unscheduled
    assert all(u.reason.startswith("time_limit:") for u in result.unscheduled)


def test_noted_interrupts_note_a_signal_and_put_the_handler_back() -> None:
    with noted_interrupts() as noted:
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.01)
    assert noted.name == "SIGINT"
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    with pytest.raises(KeyboardInterrupt):
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.01)


def test_the_time_kept_for_writing_grows_with_the_instance_and_what_is_written() -> None:
    small = read_instance(TINY)
    large = read_instance(Path(__file__).parents[2] / "instances" / "goteborg")
    kept = {
        writing: sum(finishing_seconds(large, writing))
        for writing in ("none", "files", "views", "calendars")
    }
    assert kept["none"] < kept["files"] < kept["views"] < kept["calendars"]
    assert sum(finishing_seconds(small, "calendars")) < kept["calendars"]
    # Göteborg's finishing and writing measured at 4.7 s on a quiet two-core machine
    # (benchmarks/writing.py: finish 1.45 s, writing 3.21 s): the estimate keeps more.
    assert kept["calendars"] >= 4.7


def test_views_too_slow_for_the_limit_are_left_for_their_own_command() -> None:
    goteborg = read_instance(Path(__file__).parents[2] / "instances" / "goteborg")
    # Göteborg's views and calendars fit in ten seconds, not in two.
    assert deferred_writing(goteborg, "calendars", 10) == "calendars"
    assert deferred_writing(goteborg, "views", 10) == "views"
    assert deferred_writing(goteborg, "calendars", 2) == "files"
    # What writes no views is never changed.
    assert deferred_writing(goteborg, "files", 0.1) == "files"
    assert deferred_writing(goteborg, "none", 0.1) == "none"


@pytest.mark.slow
def test_the_greedy_plan_of_the_tight_instance_keeps_every_district_limit() -> None:
    # Repairing an unmet attendance frees a district's place in each half-day of a
    # session by moving someone elsewhere; a move into another half-day of the same
    # session's block used to take back the place just freed (five of Askim-Frölunda-
    # Högsbo's limit of four away on 8 January 2027, format 1.2's due attendances).
    instance = read_instance(Path(__file__).parents[2] / "instances" / "tight")
    result = solve(instance, SolveParams(time_limit=60, workers=1, improve=False))
    assert check(instance, result.sessions, result.assignments, result.unscheduled) == []


@pytest.mark.slow
def test_a_short_limit_keeps_the_whole_solve_within_it_when_nothing_is_written() -> None:
    # Göteborg with 8 s and nothing written after the solve: the greedy plan, the
    # rebuilds and the search end early enough for the records to be made in time.
    instance = read_instance(Path(__file__).parents[2] / "instances" / "goteborg")
    started = time.perf_counter()
    result = solve(instance, SolveParams(time_limit=8, workers=2), started=started)
    assert time.perf_counter() - started <= 8 + 3
    assert check(instance, result.sessions, result.assignments, result.unscheduled) == []
    assert result.summary["due_met"] == result.summary["required_attendances"]


def test_a_second_ctrl_c_while_interrupts_are_noted_stops_at_once() -> None:
    with pytest.raises(KeyboardInterrupt), noted_interrupts() as noted:
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.01)
        assert noted.name == "SIGINT"
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.01)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_weekly_bound_left_out_for_want_of_time_is_said_to_be_the_clocks() -> None:
    # The command began long ago: no time is left for the weekly bound, which the
    # window bound does not make needless (the greedy plan is above it). The bound the
    # summary gives then depends on the wall clock, and wall_clock_cut says so.
    from test_reorder import contested_room_instance

    instance = contested_room_instance().instance
    params = SolveParams(time_limit=10, workers=1, improve=False)
    result = solve(instance, params, started=time.perf_counter() - 1000.0)
    assert check(instance, result.sessions, result.assignments, result.unscheduled) == []
    summary = result.summary
    assert summary["unscheduled"] == 0
    assert summary["trainer_half_days"] > summary["bounds"]["window"]
    assert summary["bounds"]["weeks"] is None
    assert summary["wall_clock_cut"] is True
    # With the time, it is computed, and the clock had no say.
    timely = solve(instance, params).summary
    assert timely["bounds"]["weeks"] is not None
    assert not timely.get("wall_clock_cut")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/stat")
def test_the_command_counts_its_time_from_the_process_start() -> None:
    # Python's start and the imports count against the time limit: a command that began
    # half a second ago has that half second behind it already; code run inside another
    # program counts from now.
    script = (
        "import sys, time\n"
        "time.sleep(0.5)\n"
        "from schemalaggning.cli.planning import command_started\n"
        "sys.argv[0] = '/usr/local/bin/schemalaggning'\n"
        "print(time.perf_counter() - command_started())\n"
        "sys.argv[0] = '/usr/local/bin/another'\n"
        "print(time.perf_counter() - command_started())\n"
    )
    ran = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    as_command, inside = (float(line) for line in ran.stdout.split())
    assert 0.5 <= as_command < 60.0
    assert abs(inside) < 0.5
