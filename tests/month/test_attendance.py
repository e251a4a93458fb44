"""Who really came (``attendance.csv``), applied when re-planning.

A hand-built instance: one district, one course ``P1`` of one half-day that seats one to
twelve, four hires who start on 1 March 2027 and must attend within ``within`` months.
The published schedule holds one session; on 15 April (four weeks' freeze) the sign-in
list says who came.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from english import english_words
from schemalaggning.check import check
from schemalaggning.domain import (
    Assignment,
    Course,
    District,
    Half,
    Instance,
    Person,
    Room,
    Session,
    SessionAttendance,
    Settings,
    Slot,
    Trainer,
)
from schemalaggning.engine.result import Result
from schemalaggning.engine.solve import SolveParams, solve
from schemalaggning.io import read_instance, write_instance
from schemalaggning.io.schedule import Schedule
from schemalaggning.month.attendance import apply_attendance
from schemalaggning.month.changes import CHANGE_COLUMNS
from schemalaggning.month.replan import replan
from schemalaggning.problems import InputError

TODAY = date(2027, 4, 15)
PARAMS = SolveParams(time_limit=3, workers=1)


def make_instance(within: int = 4) -> Instance:
    """Four hires (and an experienced colleague) of district A; one course."""
    people = tuple(
        Person(
            person_id=f"A{k}",
            name=f"Anna {k}",
            district_id="A",
            start_date=date(2027, 3, 1),
            required=True,
        )
        for k in range(1, 5)
    )
    staff = Person(
        person_id="E1", name="Erik", district_id="A", start_date=date(2020, 1, 1), required=False
    )
    return Instance(
        settings=Settings(
            horizon_start=date(2027, 3, 1), horizon_end=date(2027, 9, 30), holidays=None
        ),
        districts=(District(district_id="A", max_absent=20),),
        people=(*people, staff),
        courses=(
            Course(
                course_id="P1",
                name="Del 1",
                part="1",
                half_days=1,
                min_group=1,
                max_group=12,
                trainers=1,
                within_months=within,
            ),
        ),
        trainers=(Trainer(trainer_id="T", courses=("*",), max_half_days_per_week=10),),
        rooms=(Room(room_id="R", capacity=12),),
    )


def published(instance: Instance) -> tuple[Result, Schedule]:
    """The greedy plan, with every session before today, as the published schedule."""
    result = solve(instance, SolveParams(improve=False))
    assert all(s.slots[0].day < TODAY for s in result.sessions)
    schedule = Schedule(
        sessions=list(enumerate(result.sessions, start=2)),
        assignments=list(enumerate(result.assignments, start=2)),
    )
    return result, schedule


def signed(instance: Instance, session_id: str, **came: bool) -> Instance:
    """The instance with a sign-in list for a session."""
    rows = tuple(
        SessionAttendance(session_id=session_id, person_id=pid, attended=yes)
        for pid, yes in came.items()
    )
    return instance.replace(attendance=rows)


def part_one_then_two(
    second_day: date,
) -> tuple[Instance, list[Session], list[Assignment], Schedule]:
    """Two courses, P2 after P1: P1 on 5 April and P2 on ``second_day``, all four hires in
    both, published."""
    base = make_instance(within=6)
    first = base.courses[0]
    second = first.model_copy(update={"course_id": "P2", "name": "Del 2", "after": ("P1",)})
    instance = base.replace(courses=(first, second))
    sessions = [
        Session(
            session_id=f"{cid}-001",
            course_id=cid,
            room_id="R",
            trainer_ids=("T",),
            slots=(Slot(day, Half.AM),),
            participants=4,
        )
        for cid, day in (("P1", date(2027, 4, 5)), ("P2", second_day))
    ]
    assignments = [
        Assignment(person_id=pid, course_id=s.course_id, session_id=s.session_id)
        for s in sessions
        for pid in ("A1", "A2", "A3", "A4")
    ]
    schedule = Schedule(
        sessions=list(enumerate(sessions, start=2)),
        assignments=list(enumerate(assignments, start=2)),
    )
    return instance, sessions, assignments, schedule


def test_no_show_is_planned_again_while_the_window_allows() -> None:
    instance = make_instance(within=4)
    result, schedule = published(instance)
    session = result.sessions[0]
    later = signed(instance, session.session_id, A1=False, A2=True)
    again, changes = replan(later, schedule, TODAY, 4, PARAMS)
    assert check(later, again.sessions, again.assignments, again.unscheduled) == []
    seat = {a.person_id: a.session_id for a in again.assignments}
    # A1 did not come: a new session after the freeze; the past one lists who came.
    assert seat["A1"] != session.session_id
    past = next(s for s in again.sessions if s.session_id == session.session_id)
    assert past.participants == sum(1 for a in again.assignments if a.session_id == past.session_id)
    assert "A1" not in {a.person_id for a in again.assignments if a.session_id == past.session_id}
    assert again.unscheduled == []
    assert any(c.person_id == "A1" for c in changes)
    # Planned again, A1 has no reason; the change says in words that A1 did not come.
    (missed,) = [c for c in changes if c.person_id == "A1"]
    assert missed.why == "uteblev från passet 1 mars 2027"
    assert all(english_words(c.why, allowed=["april"]) == [] for c in changes), changes
    # A no-show planned again is counted as such, not as a person the re-plan moved.
    figures = again.summary["replan"]
    assert (figures["no_shows"], figures["no_shows_planned_again"]) == (1, 1)
    assert figures["people_moved"] == 0


def test_no_show_past_the_window_is_listed_with_the_missed_session() -> None:
    # Within one month: A1's window closed on 1 April, before today.
    instance = make_instance(within=1)
    result, schedule = published(instance)
    session = result.sessions[0]
    later = signed(instance, session.session_id, A1=False)
    again, _ = replan(later, schedule, TODAY, 4, PARAMS)
    assert check(later, again.sessions, again.assignments, again.unscheduled) == []
    assert [u.person_id for u in again.unscheduled] == ["A1"]
    reason = again.unscheduled[0].reason
    # The true cause in words: A1 did not come (the missed session's day), and the window
    # closed before today.
    assert reason == (
        "window: Anna 1 kom inte till Del 1 den 1 mars 2027, och tidsfönstret för kursen "
        "stängde 1 april 2027, före i dag (15 april 2027)"
    )
    assert english_words(reason, allowed=["window", "april"]) == []
    # A month later (the sign-in rows kept, A1 no longer in the past session) the reason
    # still names the session A1 missed.
    published_again = Schedule(
        sessions=list(enumerate(again.sessions, start=2)),
        assignments=list(enumerate(again.assignments, start=2)),
        unscheduled=list(enumerate(again.unscheduled, start=2)),
    )
    assert "A1" not in {a.person_id for _, a in published_again.assignments}
    month_later, _ = replan(later, published_again, date(2027, 5, 15), 4, PARAMS)
    assert (
        check(later, month_later.sessions, month_later.assignments, month_later.unscheduled) == []
    )
    assert [u.person_id for u in month_later.unscheduled] == ["A1"]
    assert "kom inte till Del 1 den 1 mars 2027" in month_later.unscheduled[0].reason
    assert month_later.summary["replan"]["no_shows"] == 0


def test_walk_in_counts_as_done() -> None:
    instance = make_instance()
    result, schedule = published(instance)
    session = result.sessions[0]
    assert "E1" not in {a.person_id for a in result.assignments}
    later = signed(instance, session.session_id, E1=True)
    attended = apply_attendance(later, schedule, TODAY)
    assert ("E1", "P1") in attended.walk_ins
    again, changes = replan(later, schedule, TODAY, 4, PARAMS)
    assert check(later, again.sessions, again.assignments, again.unscheduled) == []
    assert {a.person_id for a in again.assignments if a.session_id == session.session_id} >= {"E1"}
    assert any(c.person_id == "E1" and c.change == "person_added" for c in changes)


def test_unknown_session_in_attendance_is_located() -> None:
    instance = make_instance()
    _, schedule = published(instance)
    later = instance.replace(
        attendance=(SessionAttendance(session_id="X-1", person_id="A1", attended=False, row=3),)
    )
    with pytest.raises(InputError) as caught:
        replan(later, schedule, TODAY, 4, PARAMS)
    (problem,) = caught.value.problems
    assert (problem.file, problem.row, problem.column, problem.value) == (
        "attendance.csv",
        3,
        "session_id",
        "X-1",
    )


@pytest.mark.parametrize(
    ("text", "row", "column", "value"),
    [
        ("session_id;person_id;attended\nP1-001;NOBODY;yes\n", 2, "person_id", "NOBODY"),
        ("session_id;person_id;attended\nP1-001;A1;kanske\n", 2, "attended", "kanske"),
        ("session_id,person_id,attended\nP1-001,A1,yes\nP1-001,A1,no\n", 3, "person_id", "A1"),
    ],
)
def test_bad_attendance_rows_are_located(
    tmp_path: Path, text: str, row: int, column: str, value: str
) -> None:
    write_instance(make_instance(), tmp_path)
    (tmp_path / "attendance.csv").write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_instance(tmp_path)
    assert any(
        p.file == "attendance.csv" and p.row == row and p.column == column and p.value == value
        for p in caught.value.problems
    ), caught.value.problems


def test_attendance_rows_keep_their_row_numbers(tmp_path: Path) -> None:
    write_instance(make_instance(), tmp_path)
    (tmp_path / "attendance.csv").write_text(
        "session_id;person_id;attended\nP1-001;A1;ja\nP1-001;A2;nej\n", encoding="utf-8"
    )
    rows = read_instance(tmp_path).attendance
    assert [(r.person_id, r.attended, r.row) for r in rows] == [("A1", True, 2), ("A2", False, 3)]


def test_no_shows_named_in_attendance_explain_a_small_past_session() -> None:
    # min_group 4 and four hires: one no-show leaves three in the past session. The
    # sign-in rows explain it; without them (or with a session planned too small) the
    # checker flags min_group as a strict reader of the formats would.
    base = make_instance()
    course = base.courses[0].model_copy(update={"min_group": 4})
    instance = base.replace(courses=(course,))
    result, schedule = published(instance)
    session = result.sessions[0]
    later = signed(instance, session.session_id, A1=False)
    again, _ = replan(later, schedule, TODAY, 4, PARAMS)
    past = next(s for s in again.sessions if s.session_id == session.session_id)
    assert past.participants == 3
    assert check(later, again.sessions, again.assignments, again.unscheduled) == []
    rules = [v.rule.value for v in check(instance, again.sessions, again.assignments, [])]
    assert "min_group" in rules
    # A "yes" row does not excuse a session that was too small as planned.
    members = [a for a in again.assignments if a.session_id == past.session_id]
    short = past.model_copy(update={"participants": 2})
    came = signed(instance, past.session_id, A2=True)
    assert "min_group" in [v.rule.value for v in check(came, [short], members[:2], [])]


def test_a_later_replan_needs_the_earlier_sign_in_rows() -> None:
    # The rolling year's violations: a no-show leaves a past session below min_group,
    # which the sign-in row explains; a month later attendance.csv held only the new
    # month's rows, and the same past session broke min_group. The re-plan says so, and
    # with the rows kept (attendance.csv is the record of every session held) it is clean.
    base = make_instance()
    course = base.courses[0].model_copy(update={"min_group": 4})
    instance = base.replace(courses=(course,))
    result, schedule = published(instance)
    session = result.sessions[0]
    first = signed(instance, session.session_id, A1=False)
    again, _ = replan(first, schedule, TODAY, 4, PARAMS)
    assert check(first, again.sessions, again.assignments, again.unscheduled) == []
    assert not any("närvaroraderna" in w for w in again.summary["warnings"])
    month_later = date(2027, 5, 15)
    published_again = Schedule(
        sessions=list(enumerate(again.sessions, start=2)),
        assignments=list(enumerate(again.assignments, start=2)),
        unscheduled=list(enumerate(again.unscheduled, start=2)),
    )
    forgot = instance.replace(attendance=())
    later, _ = replan(forgot, published_again, month_later, 4, PARAMS)
    assert any(session.session_id in w and "närvaroraderna" in w for w in later.summary["warnings"])
    rules = {v.rule.value for v in check(forgot, later.sessions, later.assignments, [])}
    assert "min_group" in rules
    kept, _ = replan(first, published_again, month_later, 4, PARAMS)
    assert not any("närvaroraderna" in w for w in kept.summary["warnings"])
    assert check(first, kept.sessions, kept.assignments, kept.unscheduled) == []


def test_no_show_of_a_prerequisite_leaves_the_frozen_later_course() -> None:
    # A1 missed P1 on 5 April; P2 (after P1) on 20 April is frozen. A1 cannot keep that
    # seat: both courses are planned again, P1 first.
    instance, sessions, assignments, schedule = part_one_then_two(date(2027, 4, 20))
    assert check(instance, sessions, assignments, []) == []
    later = signed(instance, "P1-001", A1=False)
    again, changes = replan(later, schedule, TODAY, 4, PARAMS)
    assert check(later, again.sessions, again.assignments, again.unscheduled) == []
    seat = {a.course_id: a.session_id for a in again.assignments if a.person_id == "A1"}
    assert seat.get("P2") != "P2-001"
    assert any(
        c.change == "person_removed" and c.person_id == "A1" and c.course_id == "P2"
        for c in changes
    )


def test_windows_closed_before_the_freeze_ends_get_no_neighbourhood() -> None:
    # A window that closed before the first slot a re-plan may use cannot be met: no
    # model is built around it (such empty models used to take the re-plan's budget).
    from schemalaggning.engine.model.improve import can_be_met, unmet_windows
    from schemalaggning.engine.plan import Plan, SolveData
    from schemalaggning.timegrid import TimeGrid

    instance = make_instance(within=1)
    data = SolveData(instance, TimeGrid(instance.settings), not_before=date(2027, 5, 13))
    assert data.attendances
    assert not any(can_be_met(data, att) for att in data.attendances)
    assert unmet_windows(data, Plan(data)) == []
    wide = make_instance(within=4)
    data = SolveData(wide, TimeGrid(wide.settings), not_before=date(2027, 5, 13))
    assert all(can_be_met(data, att) for att in data.attendances)
    assert unmet_windows(data, Plan(data)) != []


def test_greedy_repair_moves_a_full_session_to_a_bigger_room() -> None:
    # Two seats in R, four in B: a session of two in R is full; a third due person is
    # seated after the session moves to B (free then) instead of being left unmet.
    from schemalaggning.engine.greedy import GreedyBuilder
    from schemalaggning.engine.plan import PlannedSession, SolveData
    from schemalaggning.timegrid import TimeGrid

    instance = make_instance().replace(
        rooms=(Room(room_id="R", capacity=2), Room(room_id="B", capacity=4))
    )
    data = SolveData(instance, TimeGrid(instance.settings))
    builder = GreedyBuilder(data)
    course = data.course_idx["P1"]
    start = data.courses[course].blocks[20]
    a1, a2, a3 = (data.by_person_course[data.person_idx[p], course] for p in ("A1", "A2", "A3"))
    index = builder.plan.open(
        PlannedSession(course, start, data.room_ids.index("R"), (0,), [a1, a2])
    )
    assert builder.repair(a3)
    session = builder.plan.sessions[index]
    assert session is not None
    assert data.room_ids[session.room] == "B"
    assert sorted(session.members) == sorted([a1, a2, a3])
    assert not builder.plan.room_free(session.room, start, 1)
    assert builder.plan.room_free(data.room_ids.index("R"), start, 1)


def test_a_course_taken_without_its_missed_prerequisite_is_history_said_in_words(
    tmp_path: Path,
) -> None:
    # A1 missed P1 on 5 April and took P2 (after P1) on 12 April, before today: the
    # past stays as it happened, P2 counts as done, P1 is planned again, and the
    # re-plan says so for the coordinator and in A1's plan.
    from schemalaggning.check import check_with_notes
    from schemalaggning.domain import HISTORY_ORDER
    from schemalaggning.export.folder import write_schedule

    instance, _, _, schedule = part_one_then_two(date(2027, 4, 12))
    later = signed(instance, "P1-001", A1=False)
    again, changes = replan(later, schedule, TODAY, 4, PARAMS)

    found = check_with_notes(later, again.sessions, again.assignments, again.unscheduled)
    assert found.violations == []
    assert [n.person_id for n in found.notes] == ["A1"]
    seats = {a.course_id: a.session_id for a in again.assignments if a.person_id == "A1"}
    assert seats["P2"] == "P2-001"  # history kept: P2 counts as done
    new_p1 = next(s for s in again.sessions if s.session_id == seats["P1"])
    assert new_p1.slots[0].day >= TODAY
    (note,) = [c for c in changes if c.change == HISTORY_ORDER]
    assert (note.person_id, note.session_id, note.before) == ("A1", "P2-001", "P1-001")
    assert note.why.startswith(
        "gick Del 2 den 12 april 2027 utan Del 1, som missades den 5 april 2027; Del 1 är nu "
    )
    assert again.summary["history_notes"] == 1
    assert english_words(note.why, allowed=["april", "september"]) == []

    folder = tmp_path / "schema"
    folder.mkdir()
    tables = {"changes.csv": (list(CHANGE_COLUMNS), [c.row() for c in changes])}
    result = again
    write_schedule(folder, result, later, tables=tables, calendars=False)
    plan = (folder / "planer" / "personer" / "A1.html").read_text(encoding="utf-8")
    assert "Att veta" in plan and "Du gick Del 2 den 12 april 2027 utan Del 1" in plan
    other = (folder / "planer" / "personer" / "A2.html").read_text(encoding="utf-8")
    assert "Att veta" not in other


def test_explain_after_a_replan_never_advises_what_only_the_past_could_change() -> None:
    # A1 missed P1; its window closed on 1 April, before today. Solving the instance
    # from scratch would seat A1 in March: advice that only the past could follow.
    from schemalaggning.explain import ExplainedSchedule, explain

    instance = make_instance(within=1)
    result, schedule = published(instance)
    later = signed(instance, result.sessions[0].session_id, A1=False)
    again, _ = replan(later, schedule, TODAY, 4, PARAMS)
    assert check(later, again.sessions, again.assignments, again.unscheduled) == []
    explained = ExplainedSchedule.of(again.assignments, again.unscheduled)

    (now,) = explain(later, "A1", "P1", schedule=explained, params=PARAMS, today=TODAY)
    assert not now.met and now.fixes == []
    assert now.plan_reason.startswith("window: stängde 1 april 2027, före omplaneringens dag")
    assert not any("ingen ändring behövs" in line for line in now.lines())
    assert english_words("\n".join(now.lines()), allowed=["april", "A1"]) == []

    # Without the re-plan's today the same question is answered as for a new plan.
    (anew,) = explain(later, "A1", "P1", schedule=explained, params=PARAMS, given=True)
    assert any(f.verified for f in anew.fixes)
