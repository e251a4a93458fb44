"""Explanations: the rules that make a due attendance impossible, and a fix checked by solving.

Each instance is built so that exactly one kind of obstacle stops one person; the
explanation must name it with its data, and its cheapest verified fix, applied to the
instance, must let the solver meet the attendance with the checker finding nothing.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from click.testing import CliRunner

from schemalaggning.check import check
from schemalaggning.cli import main
from schemalaggning.domain import (
    Course,
    District,
    Elective,
    ElectiveStatus,
    Instance,
    Person,
    Room,
    Settings,
    Trainer,
    Unavailability,
)
from schemalaggning.engine.block_rules import BlockRules
from schemalaggning.engine.blocking import blocking_rules, check_rules, families_of, smallest_rules
from schemalaggning.engine.solve import SolveParams, solve
from schemalaggning.explain import explain
from schemalaggning.export.folder import write_result
from schemalaggning.io import write_instance
from schemalaggning.rules import Rule


def instance_with(
    people: list[Person],
    course: Course,
    trainers: list[Trainer] | None = None,
    max_absent: int = 10,
    unavailability: tuple[Unavailability, ...] = (),
) -> Instance:
    """An eight-week horizon from Monday 2027-01-04 (Epiphany, Wednesday 01-06, is closed)."""
    return Instance(
        settings=Settings(horizon_start=date(2027, 1, 4), horizon_end=date(2027, 2, 26)),
        districts=(District(district_id="D1", name="D1", max_absent=max_absent),),
        people=tuple(people),
        courses=(course,),
        trainers=tuple(
            trainers or [Trainer(trainer_id="T1", courses=("*",), max_half_days_per_week=10)]
        ),
        rooms=(Room(room_id="R1", capacity=10),),
        unavailability=unavailability,
    )


def hire(person_id: str, start: date) -> Person:
    """A required hire in district D1."""
    return Person(person_id=person_id, district_id="D1", start_date=start, required=True)


def assert_met_after(instance: Instance, person_id: str, course_id: str) -> None:
    """The instance solves with the attendance met and no rule broken."""
    result = solve(instance, SolveParams(time_limit=5, workers=1))
    assert check(instance, result.sessions, result.assignments, result.unscheduled) == []
    assert any(a.person_id == person_id and a.course_id == course_id for a in result.assignments)


def test_holiday_leaves_too_few_half_days() -> None:
    # A 5-half-day course; A started 2026-12-05 with one month to finish: by Tuesday
    # 2027-01-05. The horizon opens Monday 01-04: only 4 open half-days remain, and
    # Wednesday 01-06 is a holiday anyway. Giving the course a month more makes it fit.
    course = Course(
        course_id="C", half_days=5, min_group=1, max_group=10, trainers=1, within_months=1
    )
    instance = instance_with([hire("A", date(2026, 12, 5))], course)
    [item] = explain(instance)
    assert (item.person_id, item.course_id, item.met) == ("A", "C", False)
    # The window alone forbids every block (no 5 half-days fit in 01-04 to 01-05), so it
    # is the smallest set; without it the first block that keeps every other rule is
    # Monday 01-11 to Wednesday 01-13 (the week of 01-04 holds the holiday).
    assert [f.rule for f in item.findings] == [Rule.WINDOW] and item.findings_checked
    window = item.findings[0]
    assert "mellan 4 januari 2027 och 5 januari 2027 finns 4 öppna halvdagar" in window.detail
    assert "planen börjar måndag 4 januari 2027" in window.detail
    assert window.without == "ett pass 11 januari 2027 FM–13 januari 2027 FM skulle gå"
    best = next(f for f in item.fixes if f.verified)
    assert "within_months 1 till 2" in best.change
    fixed = instance.replace(courses=(course.model_copy(update={"within_months": 2}),))
    assert_met_after(fixed, "A", "C")


def test_district_that_may_have_nobody_away() -> None:
    course = Course(
        course_id="C", half_days=1, min_group=1, max_group=10, trainers=1, within_months=1
    )
    instance = instance_with([hire("A", date(2026, 12, 20))], course, max_absent=0)
    [item] = explain(instance)
    # Nobody of D1 may ever be away: that rule alone forbids every block.
    assert [f.rule for f in item.findings] == [Rule.DISTRICT_ABSENCE] and item.findings_checked
    best = next(f for f in item.fixes if f.verified)
    assert best.change.startswith("höj gränsen för frånvaro i stadsdelen D1 från 0 till 1")
    fixed = instance.replace(districts=(District(district_id="D1", max_absent=1),))
    assert_met_after(fixed, "A", "C")


def test_approved_electives_block_the_person_and_fill_the_district() -> None:
    # A's window is 2027-01-04 to 01-20. A's own approved course over that whole window
    # stops every block on its open days, the window every block after it, and the
    # closed days (weekends, Epiphany) those the course does not count on: all three.
    # Then B is in A's place, and X (experienced, D1) is on an approved course over B's
    # window while D1 may have one away: the district's limit takes the elective's place.
    course = Course(
        course_id="C", half_days=1, min_group=1, max_group=10, trainers=1, within_months=1
    )
    own = Elective(
        request_id="E1",
        person_id="A",
        start=date(2027, 1, 4),
        end=date(2027, 1, 20),
        status=ElectiveStatus.APPROVED,
    )
    instance = instance_with([hire("A", date(2026, 12, 20))], course).replace(electives=(own,))
    found = blocking_rules(instance, instance.person_by_id["A"], course)
    assert found is not None
    assert found.rules == [Rule.WINDOW, Rule.CLOSED_DAY, Rule.ELECTIVE_AWAY] and found.checked
    assert "E1 4 januari 2027–20 januari 2027" in found.details[Rule.ELECTIVE_AWAY]

    experienced = Person(
        person_id="X", district_id="D1", start_date=date(2020, 1, 1), required=False
    )
    away = own.model_copy(update={"person_id": "X"})
    instance = instance_with(
        [hire("B", date(2026, 12, 20)), experienced], course, max_absent=1
    ).replace(electives=(away,))
    found = blocking_rules(instance, instance.person_by_id["B"], course)
    assert found is not None
    assert found.rules == [Rule.WINDOW, Rule.CLOSED_DAY, Rule.DISTRICT_ABSENCE]
    assert found.checked
    assert "godkända individuella kurser" in found.details[Rule.DISTRICT_ABSENCE]


def test_only_qualified_trainer_on_leave() -> None:
    # T1 alone may teach C and is away the whole window (01-04 to 01-20); T2 could, if
    # qualified (T2 teaches no course yet).
    course = Course(
        course_id="C", half_days=1, min_group=1, max_group=10, trainers=1, within_months=1
    )
    trainers = [
        Trainer(trainer_id="T1", courses=("C",), max_half_days_per_week=10),
        Trainer(trainer_id="T2", courses=(), max_half_days_per_week=10),
    ]
    leave = (Unavailability(resource_id="T1", start=date(2027, 1, 4), end=date(2027, 1, 29)),)
    instance = instance_with(
        [hire("A", date(2026, 12, 20))], course, trainers, unavailability=leave
    )
    [item] = explain(instance, "A", "C")
    # Neither rule alone stops A (T1 is qualified; T2 is free), both together do inside
    # the window, and the window stops every block after 01-20: all three are needed.
    assert [f.rule for f in item.findings] == [
        Rule.WINDOW,
        Rule.TRAINER_QUALIFIED,
        Rule.TRAINER_AVAILABLE,
    ]
    assert item.findings_checked
    finding = next(f for f in item.findings if f.rule is Rule.TRAINER_AVAILABLE)
    assert "T1 upptagen 4 januari 2027–29 januari 2027" in finding.detail
    # Without the leave (or with T2 qualified) the latest block of the window is possible;
    # without the window, the first weekday after T1's return.
    assert finding.without == "ett pass 20 januari 2027 FM skulle gå"
    window = item.findings[0]
    assert window.without == "ett pass 1 februari 2027 FM skulle gå"
    best = next(f for f in item.fixes if f.verified)
    assert best.change == "gör T2 behörig för C"
    fixed = instance.replace(
        trainers=(trainers[0], trainers[1].model_copy(update={"courses": ("C",)}))
    )
    assert_met_after(fixed, "A", "C")


def test_met_attendance_names_its_session() -> None:
    course = Course(
        course_id="C", half_days=1, min_group=1, max_group=10, trainers=1, within_months=1
    )
    instance = instance_with([hire("A", date(2026, 12, 20))], course)
    assert explain(instance) == []
    [item] = explain(instance, "A")
    assert item.met and item.session_id is not None
    assert "planerad i pass" in item.lines()[0]


def test_command_text_json_and_bad_input(tmp_path: Path) -> None:
    course = Course(
        course_id="C", half_days=5, min_group=1, max_group=10, trainers=1, within_months=1
    )
    folder = write_instance(
        instance_with([hire("A", date(2026, 12, 5))], course), tmp_path / "instance"
    )
    runner = CliRunner()
    text = runner.invoke(main, ["explain", str(folder)])
    assert text.exit_code == 0, text.output
    assert "[tidsfönstret]" in text.output and "minsta ändringen" in text.output
    assert "de färsta regler som stoppar det: tidsfönstret" in text.output
    as_json = runner.invoke(main, ["explain", str(folder), "--json"])
    payload = json.loads(as_json.output)
    [item] = payload["attendances"]
    assert item["person_id"] == "A" and not item["met"]
    assert any(fix["verified"] for fix in item["fixes"])
    unknown = runner.invoke(main, ["explain", str(folder), "--person", "Z9"])
    assert unknown.exit_code == 2 and "--person" in unknown.output
    missing = runner.invoke(main, ["explain", str(tmp_path / "nowhere")])
    assert missing.exit_code == 2 and "Traceback" not in missing.output


def test_group_too_small_once_the_district_limit_counts() -> None:
    # C needs 3 people; A, B and E (all of D1, same start) are the only ones who could
    # attend, but D1 may have only 2 away at a time. The group rule alone holds (3 could
    # attend), the district rule alone holds (A may be away), together they forbid every
    # block of the window; after it only A is left (min_group alone). Smallest set:
    # min_group and district_absence. Raising max_absent to 3 makes it possible.
    course = Course(
        course_id="C", half_days=1, min_group=3, max_group=10, trainers=1, within_months=1
    )
    people = [hire(pid, date(2026, 12, 20)) for pid in ("A", "B", "E")]
    instance = instance_with(people, course, max_absent=2)
    items = explain(instance)
    assert [(i.person_id, i.met) for i in items] == [("A", False), ("B", False), ("E", False)]
    for item in items:
        assert [f.rule for f in item.findings] == [Rule.DISTRICT_ABSENCE, Rule.MIN_GROUP]
        assert item.findings_checked
    best = next(f for f in items[0].fixes if f.verified)
    assert best.change.startswith("höj gränsen för frånvaro i stadsdelen D1 från 2 till 3")
    fixed = instance.replace(districts=(District(district_id="D1", max_absent=3),))
    assert_met_after(fixed, "A", "C")


def test_the_check_rejects_a_set_that_is_not_enough_or_not_irreducible() -> None:
    course = Course(
        course_id="C", half_days=1, min_group=3, max_group=10, trainers=1, within_months=1
    )
    people = [hire(pid, date(2026, 12, 20)) for pid in ("A", "B", "E")]
    instance = instance_with(people, course, max_absent=2)
    rules = BlockRules(instance, people[0], course)
    families = families_of(rules)
    assert smallest_rules(families) == [Rule.DISTRICT_ABSENCE, Rule.MIN_GROUP]
    ok, witnesses = check_rules(rules, families, [Rule.DISTRICT_ABSENCE, Rule.MIN_GROUP])
    assert ok and set(witnesses) == {Rule.DISTRICT_ABSENCE, Rule.MIN_GROUP}
    # One rule alone does not forbid every block.
    assert check_rules(rules, families, [Rule.MIN_GROUP]) == (False, {})
    # A set with a rule it does not need is not irreducible.
    assert check_rules(rules, families, [Rule.WINDOW, Rule.DISTRICT_ABSENCE, Rule.MIN_GROUP]) == (
        False,
        {},
    )


def test_possible_attendance_has_no_blocking_rules() -> None:
    course = Course(
        course_id="C", half_days=1, min_group=1, max_group=10, trainers=1, within_months=1
    )
    person = hire("A", date(2026, 12, 20))
    assert blocking_rules(instance_with([person], course), person, course) is None


def test_a_given_schedule_is_the_plan_explained(tmp_path: Path) -> None:
    # A and B can both take C. The schedule given leaves A out by hand: the explanation
    # is of that schedule (A not met, its reason quoted), no rule forbids A on the data,
    # and re-solving the instance as it stands meets A: no change is needed.
    course = Course(
        course_id="C", half_days=1, min_group=1, max_group=10, trainers=1, within_months=1
    )
    instance = instance_with([hire("A", date(2026, 12, 20)), hire("B", date(2026, 12, 20))], course)
    folder = write_instance(instance, tmp_path / "instance")
    result = solve(instance, SolveParams(time_limit=5, workers=1))
    assert {a.person_id for a in result.assignments} == {"A", "B"}
    schedule = tmp_path / "schedule"
    write_result(result, schedule)
    assignments = (schedule / "assignments.csv").read_text(encoding="utf-8-sig").splitlines()
    kept = [line for line in assignments if not line.startswith("A,")]
    assert len(kept) == len(assignments) - 1
    (schedule / "assignments.csv").write_text("\n".join(kept) + "\n", encoding="utf-8")
    sessions = (schedule / "sessions.csv").read_text(encoding="utf-8-sig")
    assert sessions.endswith(",2\n")
    (schedule / "sessions.csv").write_text(sessions[:-3] + ",1\n", encoding="utf-8")
    deadline = instance.deadline(instance.person_by_id["A"], course)
    (schedule / "unscheduled.csv").write_text(
        f"person_id,course_id,deadline,reason\nA,C,{deadline},min_group: left out by hand\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    assert runner.invoke(main, ["check", str(folder), str(schedule)]).exit_code == 0
    given = runner.invoke(main, ["explain", str(folder), "--schedule", str(schedule)])
    assert given.exit_code == 0, given.output
    assert given.output.startswith("A, C") and "B, C" not in given.output
    assert "i den här planen: för få deltagare för en grupp: left out by hand" in given.output
    assert "ingen ändring behövs" in given.output
    # Without --schedule the instance is solved first, and then nothing is unmet.
    solved = runner.invoke(main, ["explain", str(folder)])
    assert solved.exit_code == 0 and "Inget efterfrågat kurstillfälle saknas" in solved.output
    # A schedule folder that is not there is bad input, not a traceback.
    missing = runner.invoke(main, ["explain", str(folder), "--schedule", str(tmp_path / "no")])
    assert missing.exit_code == 2 and "Traceback" not in missing.output
