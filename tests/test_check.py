"""The checker: the valid example passes, and each copy broken in one way names that rule.

The example (``tests/data/example``) has two districts (D1 allows 2 away, D2 allows 3),
courses P1 (2 half-days, groups 2..4, one trainer) and T1 (1 half-day after P1, groups
2..6), trainers C1 (everything, 4 half-days a week, away 2027-01-04..08) and U1 (T1
only, 2 a week), rooms R1 (4 seats, booked 2027-01-12 AM) and R2 (10 seats). Session S1
holds P1 on Monday 2027-01-11 with A1, A2, B1, B2; session S2 holds T1 on Wednesday
2027-01-13 AM with A1, A2, B1 and the experienced X1.
"""

from __future__ import annotations

import ast
import json
import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from schemalaggning.check import Violation, check, check_schedule
from schemalaggning.cli import main
from schemalaggning.domain import (
    Assignment,
    Elective,
    ElectiveStatus,
    Half,
    Instance,
    Session,
    Slot,
    Unavailability,
    Unscheduled,
)
from schemalaggning.io import read_instance, read_schedule
from schemalaggning.rules import Rule

DATA = Path(__file__).parent / "data" / "example"

Sessions = list[Session]
Assignments = list[Assignment]
Unscheduleds = list[Unscheduled]
Case = tuple[Instance, Sessions, Assignments, Unscheduleds]


@pytest.fixture(scope="module")
def example() -> Case:
    """The valid example pair, as records."""
    instance = read_instance(DATA / "instance")
    schedule = read_schedule(DATA / "schedule")
    assert not schedule.problems
    return (
        instance,
        [s for _, s in schedule.sessions],
        [a for _, a in schedule.assignments],
        [u for _, u in schedule.unscheduled],
    )


def session(sessions: Sessions, session_id: str) -> Session:
    """The session with this id."""
    return next(s for s in sessions if s.session_id == session_id)


def moved(base: Session, slots: list[str], **changes: object) -> Session:
    """A copy of a session in other slots, with start and end to match (default hours)."""
    parsed = [Slot.parse(s) for s in slots]
    start = f"{parsed[0].day}T{'08:30' if parsed[0].half.value == 'AM' else '13:00'}"
    end = f"{parsed[-1].day}T{'12:00' if parsed[-1].half.value == 'AM' else '16:30'}"
    return base.model_copy(update={"slots": tuple(parsed), "start": start, "end": end, **changes})


def replace_session(sessions: Sessions, new: Session) -> Sessions:
    """The sessions with one replaced by id."""
    return [new if s.session_id == new.session_id else s for s in sessions]


def rules_of(violations: list[Violation]) -> set[Rule]:
    """The names of the rules broken."""
    return {v.rule for v in violations}


def test_valid_example_passes(example: Case) -> None:
    assert check(*example) == []


# Each breaker returns a broken copy of the example; the expected set of broken rules is
# exactly the rule under test, or that rule plus the unavoidable companions named.
Breaker = Callable[[Instance, Sessions, Assignments, Unscheduleds], Case]


def _unknown_person(i: Instance, s: Sessions, a: Assignments, u: Unscheduleds) -> Case:
    return i, s, [*a, Assignment(person_id="Z9", course_id="T1", session_id="S2")], u


def _duplicate_session(i: Instance, s: Sessions, a: Assignments, u: Unscheduleds) -> Case:
    # A second, empty row for S2 in another week and room: the id is ambiguous.
    copy = moved(session(s, "S2"), ["2027-01-20/AM"], room_id="R1", participants=4)
    return i, [*s, copy], a, u


def _not_a_block(i: Instance, s: Sessions, a: Assignments, u: Unscheduleds) -> Case:
    # Monday AM then Tuesday PM: two half-days, but not consecutive ones.
    return i, replace_session(s, moved(session(s, "S1"), ["2027-01-11/AM", "2027-01-12/PM"])), a, u


def _closed_day(i: Instance, s: Sessions, a: Assignments, u: Unscheduleds) -> Case:
    # 2027-02-23 lies in the instance's closed period (sportlov).
    return i, replace_session(s, moved(session(s, "S2"), ["2027-02-23/AM"])), a, u


def _session_times(i: Instance, s: Sessions, a: Assignments, u: Unscheduleds) -> Case:
    wrong = session(s, "S1").model_copy(update={"end": "2027-01-11T16:00"})
    return i, replace_session(s, wrong), a, u


def _participants_count(i: Instance, s: Sessions, a: Assignments, u: Unscheduleds) -> Case:
    return i, replace_session(s, session(s, "S1").model_copy(update={"participants": 3})), a, u


def _course_mismatch(i: Instance, s: Sessions, a: Assignments, u: Unscheduleds) -> Case:
    return i, s, [*a, Assignment(person_id="X1", course_id="T1", session_id="S1")], u


def _room_capacity(i: Instance, s: Sessions, a: Assignments, u: Unscheduleds) -> Case:
    # S2 moves to R1 (4 seats) and takes B2 too: 5 people, within T1's max_group of 6.
    s2 = session(s, "S2").model_copy(update={"room_id": "R1", "participants": 5})
    return (
        i,
        replace_session(s, s2),
        [*a, Assignment(person_id="B2", course_id="T1", session_id="S2")],
        u,
    )


def _max_group(i: Instance, s: Sessions, a: Assignments, u: Unscheduleds) -> Case:
    courses = tuple(
        c.model_copy(update={"max_group": 3}) if c.course_id == "T1" else c for c in i.courses
    )
    return i.replace(courses=courses), s, a, u


def _min_group(i: Instance, s: Sessions, a: Assignments, u: Unscheduleds) -> Case:
    # Only A1 stays in S2; A2's and B1's due T1 are listed as unscheduled, X1 drops out.
    keep = [x for x in a if x.session_id != "S2" or x.person_id == "A1"]
    s2 = session(s, "S2").model_copy(update={"participants": 1})
    listed = [
        Unscheduled(person_id=p, course_id="T1", deadline=date(2027, 3, 20), reason="x")
        for p in ("A2", "B1")
    ]
    return i, replace_session(s, s2), keep, [*u, *listed]


def _trainer_count(i: Instance, s: Sessions, a: Assignments, u: Unscheduleds) -> Case:
    s2 = session(s, "S2").model_copy(update={"trainer_ids": ("U1", "C1")})
    return i, replace_session(s, s2), a, u


def _trainer_qualified(i: Instance, s: Sessions, a: Assignments, u: Unscheduleds) -> Case:
    # U1 teaches only T1; C1 takes S2 instead so that no week limit is passed.
    s1 = session(s, "S1").model_copy(update={"trainer_ids": ("U1",)})
    s2 = session(s, "S2").model_copy(update={"trainer_ids": ("C1",)})
    return i, replace_session(replace_session(s, s1), s2), a, u


def _trainer_available(i: Instance, s: Sessions, a: Assignments, u: Unscheduleds) -> Case:
    leave = Unavailability(
        resource_id="C1",
        start=date(2027, 1, 11),
        end=date(2027, 1, 11),
        half="PM",
        reason="tandläkare",
    )
    return i.replace(unavailability=(*i.unavailability, leave)), s, a, u


def _room_available(i: Instance, s: Sessions, a: Assignments, u: Unscheduleds) -> Case:
    booking = Unavailability(
        resource_id="R2", start=date(2027, 1, 13), end=date(2027, 1, 13), reason="bokad"
    )
    return i.replace(unavailability=(*i.unavailability, booking)), s, a, u


def _trainer_overlap(i: Instance, s: Sessions, a: Assignments, u: Unscheduleds) -> Case:
    # An empty T1 session with C1 while C1 teaches S1 (empty, so below min_group too).
    extra = moved(
        session(s, "S2"), ["2027-01-11/AM"], session_id="S3", trainer_ids=("C1",), participants=0
    )
    return i, [*s, extra], a, u


def _room_overlap(i: Instance, s: Sessions, a: Assignments, u: Unscheduleds) -> Case:
    extra = moved(
        session(s, "S2"), ["2027-01-11/PM"], session_id="S3", room_id="R1", participants=0
    )
    return i, [*s, extra], a, u


def _person_overlap(i: Instance, s: Sessions, a: Assignments, u: Unscheduleds) -> Case:
    # T1 moves to Tuesday PM and P1 to Tuesday AM + PM: everyone in S2 overlaps.
    s1 = moved(session(s, "S1"), ["2027-01-12/AM", "2027-01-12/PM"], room_id="R2")
    s2 = moved(session(s, "S2"), ["2027-01-12/PM"], room_id="R1")
    return i, replace_session(replace_session(s, s1), s2), a, u


def _trainer_week_limit(i: Instance, s: Sessions, a: Assignments, u: Unscheduleds) -> Case:
    trainers = tuple(
        t.model_copy(update={"max_half_days_per_week": 0}) if t.trainer_id == "U1" else t
        for t in i.trainers
    )
    return i.replace(trainers=trainers), s, a, u


def _district_absence(i: Instance, s: Sessions, a: Assignments, u: Unscheduleds) -> Case:
    districts = tuple(
        d.model_copy(update={"max_absent": 1}) if d.district_id == "D1" else d for d in i.districts
    )
    return i.replace(districts=districts), s, a, u


def _elective_away(i: Instance, s: Sessions, a: Assignments, u: Unscheduleds) -> Case:
    # A1 is on an approved course on Monday, the day of S1 (A1 is counted once in D1).
    course = Elective(
        request_id="E1",
        person_id="A1",
        start=date(2027, 1, 11),
        end=date(2027, 1, 11),
        status=ElectiveStatus.APPROVED,
    )
    return i.replace(electives=(course,)), s, a, u


def _district_absence_by_elective(
    i: Instance, s: Sessions, a: Assignments, u: Unscheduleds
) -> Case:
    # D1 allows 2 away; A1 and A2 are in S1 on Monday, and the experienced Y1 of D1 is on
    # an approved course that Monday afternoon: 3 away.
    y1 = i.person_by_id["X1"].model_copy(update={"person_id": "Y1", "district_id": "D1"})
    course = Elective(
        request_id="E1",
        person_id="Y1",
        start=date(2027, 1, 11),
        end=date(2027, 1, 11),
        half=Half.PM,
        status=ElectiveStatus.APPROVED,
    )
    return i.replace(people=(*i.people, y1), electives=(course,)), s, a, u


def _attend_once(i: Instance, s: Sessions, a: Assignments, u: Unscheduleds) -> Case:
    # A second P1 session on Thursday for A1 alone (P1's min_group lowered to 1 for it).
    courses = tuple(
        c.model_copy(update={"min_group": 1}) if c.course_id == "P1" else c for c in i.courses
    )
    extra = moved(
        session(s, "S1"), ["2027-01-14/AM", "2027-01-14/PM"], session_id="S3", participants=1
    )
    return (
        i.replace(courses=courses),
        [*s, extra],
        [*a, Assignment(person_id="A1", course_id="P1", session_id="S3")],
        u,
    )


def _already_done(i: Instance, s: Sessions, a: Assignments, u: Unscheduleds) -> Case:
    people = tuple(
        p.model_copy(update={"done": ("T1",)}) if p.person_id == "A1" else p for p in i.people
    )
    return i.replace(people=people), s, a, u


def _before_start(i: Instance, s: Sessions, a: Assignments, u: Unscheduleds) -> Case:
    # X1 is experienced (no window), but starts the day after S2.
    people = tuple(
        p.model_copy(update={"start_date": date(2027, 1, 14)}) if p.person_id == "X1" else p
        for p in i.people
    )
    return i.replace(people=people), s, a, u


def _window(i: Instance, s: Sessions, a: Assignments, u: Unscheduleds) -> Case:
    # A1 started 2026-09-01: both four-month windows closed on 2027-01-01.
    people = tuple(
        p.model_copy(update={"start_date": date(2026, 9, 1)}) if p.person_id == "A1" else p
        for p in i.people
    )
    return i.replace(people=people), s, a, u


def _prerequisite(i: Instance, s: Sessions, a: Assignments, u: Unscheduleds) -> Case:
    # P1 moves to Thursday, after T1 on Wednesday.
    return i, replace_session(s, moved(session(s, "S1"), ["2027-01-14/AM", "2027-01-14/PM"])), a, u


def _fixed_kept(i: Instance, s: Sessions, a: Assignments, u: Unscheduleds) -> Case:
    pinned = session(s, "S1").model_copy(update={"room_id": "R2"})
    return i.replace(fixed_sessions=(pinned,)), s, a, u


def _due_unmet(i: Instance, s: Sessions, a: Assignments, u: Unscheduleds) -> Case:
    keep = [x for x in a if not (x.person_id == "B1" and x.course_id == "T1")]
    s2 = session(s, "S2").model_copy(update={"participants": 3})
    return i, replace_session(s, s2), keep, u


def _unscheduled_listed(i: Instance, s: Sessions, a: Assignments, u: Unscheduleds) -> Case:
    listed = Unscheduled(person_id="A1", course_id="T1", deadline=date(2027, 3, 15), reason="x")
    return i, s, a, [*u, listed]


BREAKERS: list[tuple[Rule, Breaker, set[Rule]]] = [
    (Rule.UNKNOWN_ID, _unknown_person, set()),
    (Rule.DUPLICATE_SESSION, _duplicate_session, set()),
    (Rule.SESSION_BLOCK, _not_a_block, set()),
    (Rule.CLOSED_DAY, _closed_day, set()),
    (Rule.SESSION_TIMES, _session_times, set()),
    (Rule.PARTICIPANTS_COUNT, _participants_count, set()),
    (Rule.COURSE_MISMATCH, _course_mismatch, set()),
    (Rule.ROOM_CAPACITY, _room_capacity, set()),
    (Rule.MAX_GROUP, _max_group, set()),
    (Rule.MIN_GROUP, _min_group, set()),
    (Rule.TRAINER_COUNT, _trainer_count, set()),
    (Rule.TRAINER_QUALIFIED, _trainer_qualified, set()),
    (Rule.TRAINER_AVAILABLE, _trainer_available, set()),
    (Rule.ROOM_AVAILABLE, _room_available, set()),
    (Rule.TRAINER_OVERLAP, _trainer_overlap, {Rule.MIN_GROUP}),
    (Rule.ROOM_OVERLAP, _room_overlap, {Rule.MIN_GROUP}),
    (Rule.PERSON_OVERLAP, _person_overlap, {Rule.PREREQUISITE}),
    (Rule.TRAINER_WEEK_LIMIT, _trainer_week_limit, set()),
    (Rule.DISTRICT_ABSENCE, _district_absence, set()),
    (Rule.DISTRICT_ABSENCE, _district_absence_by_elective, set()),
    (Rule.ELECTIVE_AWAY, _elective_away, set()),
    (Rule.ATTEND_ONCE, _attend_once, set()),
    (Rule.ALREADY_DONE, _already_done, set()),
    (Rule.BEFORE_START, _before_start, set()),
    (Rule.WINDOW, _window, set()),
    (Rule.PREREQUISITE, _prerequisite, set()),
    (Rule.FIXED_KEPT, _fixed_kept, set()),
    (Rule.DUE_UNMET, _due_unmet, set()),
    (Rule.UNSCHEDULED_LISTED, _unscheduled_listed, set()),
]


@pytest.mark.parametrize(
    ("rule", "breaker", "companions"), BREAKERS, ids=[rule.value for rule, _, _ in BREAKERS]
)
def test_each_rule_is_named(
    example: Case, rule: Rule, breaker: Breaker, companions: set[Rule]
) -> None:
    violations = check(*breaker(*example))
    assert rules_of(violations) == {rule} | companions, [str(v) for v in violations]
    named = [v for v in violations if v.rule is rule]
    assert all(rule.value in str(v) for v in named)


def test_requested_electives_and_electives_on_closed_days_count_for_nothing(
    example: Case,
) -> None:
    # The same courses as above, but only requested, or on the weekend: nothing is broken.
    instance, sessions, assignments, unscheduled = _district_absence_by_elective(*example)
    requested = instance.electives[0].model_copy(update={"status": ElectiveStatus.REQUESTED})
    weekend = Elective(
        request_id="E2",
        person_id="A1",
        start=date(2027, 1, 9),
        end=date(2027, 1, 10),
        status=ElectiveStatus.APPROVED,
    )
    relaxed = instance.replace(electives=(requested, weekend))

    assert check(relaxed, sessions, assignments, unscheduled) == []


def test_district_absence_names_the_electives(example: Case) -> None:
    violations = check(*_district_absence_by_elective(*example))

    assert [v.slot for v in violations] == ["2027-01-11/PM"]
    assert "2 people in sessions and 1 more on approved electives" in violations[0].message


def test_every_rule_has_a_test() -> None:
    tested = {rule for rule, _, _ in BREAKERS} | {Rule.FORMAT}
    assert tested == set(Rule)


def test_violation_names_person_resource_and_slot(example: Case) -> None:
    instance, sessions, assignments, unscheduled = _district_absence(*example)
    violations = check(instance, sessions, assignments, unscheduled)
    slots = sorted(v.slot or "" for v in violations)
    assert slots == ["2027-01-11/AM", "2027-01-11/PM", "2027-01-13/AM"]
    assert {v.resource_id for v in violations} == {"D1"}
    window = check(*_window(*example))
    assert {v.person_id for v in window} == {"A1"}
    assert {v.session_id for v in window} == {"S1", "S2"}


def test_unavailable_half_is_respected(example: Case) -> None:
    # R1 is booked only on Tuesday AM: P1 may use it Tuesday PM + Wednesday AM, not Tuesday AM.
    instance, sessions, assignments, unscheduled = example
    s2 = moved(session(sessions, "S2"), ["2027-01-13/PM"])
    ok = moved(session(sessions, "S1"), ["2027-01-12/PM", "2027-01-13/AM"])
    assert (
        check(
            instance, replace_session(replace_session(sessions, ok), s2), assignments, unscheduled
        )
        == []
    )
    bad = moved(session(sessions, "S1"), ["2027-01-12/AM", "2027-01-12/PM"])
    assert rules_of(check(instance, replace_session(sessions, bad), assignments, unscheduled)) == {
        Rule.ROOM_AVAILABLE
    }


def copy_schedule(tmp_path: Path) -> Path:
    """A writable copy of the example schedule folder."""
    target = tmp_path / "schedule"
    shutil.copytree(DATA / "schedule", target)
    return target


def test_format_errors_are_violations(tmp_path: Path) -> None:
    folder = copy_schedule(tmp_path)
    with (folder / "unscheduled.csv").open("a", encoding="utf-8") as handle:
        handle.write("A1,T1,2027-13-45,no such day\n")
    violations = check_schedule(read_instance(DATA / "instance"), read_schedule(folder))
    assert rules_of(violations) == {Rule.FORMAT}
    assert "unscheduled.csv, row 2, column deadline" in str(violations[0])


def test_cli_exit_status_and_json(tmp_path: Path) -> None:
    runner = CliRunner()
    good = runner.invoke(main, ["check", str(DATA / "instance"), str(DATA / "schedule")])
    assert good.exit_code == 0, good.output
    assert "breaks no rule" in good.output

    folder = copy_schedule(tmp_path)
    text = (folder / "sessions.csv").read_text(encoding="utf-8-sig")
    (folder / "sessions.csv").write_text(text.replace("R2,U1", "R2,U1|C1"), encoding="utf-8")
    bad = runner.invoke(main, ["check", str(DATA / "instance"), str(folder)])
    assert bad.exit_code == 1
    assert "[trainer_count]" in bad.output
    as_json = runner.invoke(main, ["check", "--json", str(DATA / "instance"), str(folder)])
    assert as_json.exit_code == 1
    payload = json.loads(as_json.output)
    assert payload["ok"] is False
    assert [v["rule"] for v in payload["violations"]] == ["trainer_count"]
    assert payload["violations"][0]["session_id"] == "S2"


def _package_imports(module: str) -> set[str]:
    """The project's modules a module imports, imports inside functions included."""
    source = Path(__file__).parents[1] / "src" / Path(*module.split("."))
    path = (
        source.with_suffix(".py") if source.with_suffix(".py").exists() else source / "__init__.py"
    )
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.startswith("schemalaggning")}


def test_the_checker_shares_no_code_with_the_optimiser_or_its_calendar() -> None:
    reached: set[str] = set()
    todo = ["schemalaggning.check"]
    while todo:
        module = todo.pop()
        if module not in reached:
            reached.add(module)
            todo.extend(_package_imports(module))
    optimiser = {"timegrid", "plan", "greedy", "model", "solve", "bound", "replan", "blocking"}
    shared = {m for m in reached if m.split(".")[1] in optimiser}
    assert shared == set(), f"the checker reaches {sorted(shared)}"
    assert "schemalaggning.check_calendar" in reached
