"""The assessment of personal course requests: one tiny case where each verdict binds.

Unless a test says otherwise the horizon is one week, Monday 2027-01-11 to Friday
2027-01-15, without public holidays. District D1 (Hisingen) lets two be away at once;
A, B, C and D are its people. The schedule has one session, S1, of course G ("Samtal
med barn") on Tuesday 2027-01-12, morning and afternoon, with A and B: D1 is then at
its limit. The allowance is the default 10 000 kr per person and calendar year.
"""

from __future__ import annotations

import csv
import json
import shutil
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from schemalaggning.check import check_schedule
from schemalaggning.cli import EXIT_BAD_INPUT, main
from schemalaggning.domain import (
    Assignment,
    Course,
    District,
    Elective,
    ElectiveStatus,
    Half,
    Instance,
    Person,
    Room,
    Session,
    Settings,
    Slot,
    Trainer,
)
from schemalaggning.io import read_instance, read_schedule
from schemalaggning.month.electives import Assessment, Verdict, assess_electives

EXAMPLE = Path(__file__).parents[1] / "data" / "example" / "instance"
MONDAY = date(2027, 1, 11)
TUESDAY = MONDAY + timedelta(days=1)
WEDNESDAY = MONDAY + timedelta(days=2)
THURSDAY = MONDAY + timedelta(days=3)
SATURDAY = MONDAY + timedelta(days=5)


def person(person_id: str) -> Person:
    """A person of D1 (experienced: the assessment does not depend on it)."""
    return Person(
        person_id=person_id,
        name=f"Person {person_id}",
        district_id="D1",
        start_date=date(2020, 1, 1),
        required=False,
    )


def request(
    request_id: str,
    person_id: str,
    first: date,
    last: date | None = None,
    half: Half | None = None,
    cost: int = 1000,
    approved: bool = False,
) -> Elective:
    """A request (or, with ``approved``, an approved elective)."""
    return Elective(
        request_id=request_id,
        person_id=person_id,
        title=f"Kurs {request_id}",
        start=first,
        end=last or first,
        half=half,
        cost_sek=cost,
        status=ElectiveStatus.APPROVED if approved else ElectiveStatus.REQUESTED,
    )


def instance(*electives: Elective, max_absent: int = 2, budget: int = 10_000) -> Instance:
    """The module's instance with these electives."""
    return Instance(
        settings=Settings(
            name="test",
            horizon_start=MONDAY,
            horizon_end=MONDAY + timedelta(days=4),
            holidays=None,
            elective_budget_sek=budget,
        ),
        districts=(District(district_id="D1", name="Hisingen", max_absent=max_absent),),
        people=tuple(person(p) for p in "ABCD"),
        courses=(
            Course(
                course_id="G",
                name="Samtal med barn",
                part="2",
                half_days=2,
                min_group=1,
                max_group=10,
                trainers=1,
                within_months=24,
            ),
        ),
        trainers=(Trainer(trainer_id="T1", courses=("*",), max_half_days_per_week=10),),
        rooms=(Room(room_id="R1", capacity=10),),
        electives=electives,
    )


SESSION = Session(
    session_id="S1",
    course_id="G",
    room_id="R1",
    trainer_ids=("T1",),
    start="2027-01-12T08:30",
    end="2027-01-12T16:30",
    slots=(Slot(TUESDAY, Half.AM), Slot(TUESDAY, Half.PM)),
    participants=2,
)
ASSIGNMENTS = [
    Assignment(person_id="A", course_id="G", session_id="S1"),
    Assignment(person_id="B", course_id="G", session_id="S1"),
]


def assess(*electives: Elective, **settings: int) -> dict[str, Assessment]:
    """The assessments against the module's schedule, by request id."""
    found = assess_electives(instance(*electives, **settings), [SESSION], ASSIGNMENTS)
    assert [a.request_id for a in found] == [e.request_id for e in electives], "file order"
    return {a.request_id: a for a in found}


# ---------------------------------------------------------------------------------------------
# One verdict at a time
# ---------------------------------------------------------------------------------------------


def test_ok_when_nothing_stands_in_the_way() -> None:
    # Wednesday: nobody of D1 is away, C has no session, 1 000 kr of 10 000.
    found = assess(request("E1", "C", WEDNESDAY))["E1"]
    assert found.verdict is Verdict.OK
    assert found.reason == (
        "Kan godkännas: 13 januari 2027, 2 halvdag(ar) på öppna dagar, 1 000 kr."
    )
    assert found.alternatives == ()


def test_approved_is_listed_as_it_is() -> None:
    found = assess(request("E1", "C", WEDNESDAY, approved=True))["E1"]
    assert found.verdict is Verdict.APPROVED
    assert found.reason.startswith("Godkänd: 13 januari 2027")


def test_clash_names_the_session_its_course_and_the_day() -> None:
    # A is in S1 on Tuesday afternoon.
    found = assess(request("E1", "A", TUESDAY, half=Half.PM))["E1"]
    assert found.verdict is Verdict.CLASH
    assert found.reason == ("Person A (A) går på ett pass i Samtal med barn 12 januari 2027 EM.")


def test_staffing_names_the_slots_the_count_and_the_nearest_days() -> None:
    # A and B are in S1 on Tuesday: D1 has 2 of at most 2 away, C cannot go too. The
    # nearest afternoons: Monday and Wednesday (one day away; the earlier first), then
    # Thursday (two days away).
    found = assess(request("E1", "C", TUESDAY, half=Half.PM))["E1"]
    assert found.verdict is Verdict.STAFFING
    assert found.reason.startswith("Hisingen har redan 2 av högst 2 borta 12 januari 2027 EM.")
    assert found.alternatives == (
        (MONDAY, MONDAY),
        (WEDNESDAY, WEDNESDAY),
        (THURSDAY, THURSDAY),
    )
    assert (
        "Närmaste dagar som går: 11 januari 2027, 13 januari 2027, 14 januari 2027." in found.reason
    )
    assert found.row()["alternatives"] == (
        "2027-01-11..2027-01-11|2027-01-13..2027-01-13|2027-01-14..2027-01-14"
    )


def test_staffing_alternatives_are_as_long_in_open_days() -> None:
    # C asks for Tuesday and Wednesday (two open days); with D1's limit at 2 and A, B in S1
    # on Tuesday, only two-day spans without Tuesday go: Wednesday-Thursday, then
    # Thursday-Friday (Monday-Tuesday holds Tuesday).
    found = assess(request("E1", "C", TUESDAY, WEDNESDAY))["E1"]
    assert found.verdict is Verdict.STAFFING
    assert "12 januari 2027 FM, 12 januari 2027 EM" in found.reason
    assert found.alternatives == (
        (WEDNESDAY, THURSDAY),
        (THURSDAY, MONDAY + timedelta(days=4)),
    )


def test_budget_gives_the_sums() -> None:
    # C has an approved 6 000 kr course this year; 5 000 more would make 11 000 kr.
    found = assess(
        request("E1", "C", WEDNESDAY, cost=6000, approved=True),
        request("E2", "C", THURSDAY, cost=5000),
    )["E2"]
    assert found.verdict is Verdict.BUDGET
    assert found.reason == (
        "5 000 kr + redan 6 000 kr (E1 6 000 kr) = 11 000 kr under 2027, "
        "mer än 10 000 kr per person och år."
    )


def test_budget_is_per_calendar_year_and_setting() -> None:
    # The same 5 000 kr in 2028 fits that year's allowance; with an allowance of 4 000 kr
    # it fits no year. (A course outside the horizon takes no open slot.)
    next_year = date(2028, 3, 1)
    found = assess(
        request("E1", "C", WEDNESDAY, cost=6000, approved=True),
        request("E2", "C", next_year, cost=5000),
    )
    assert found["E2"].verdict is Verdict.OK
    tight = assess(request("E2", "C", next_year, cost=5000), budget=4000)["E2"]
    assert tight.verdict is Verdict.BUDGET
    assert "mer än 4 000 kr per person och år" in tight.reason


# ---------------------------------------------------------------------------------------------
# File order, precedence and open slots
# ---------------------------------------------------------------------------------------------


def test_earlier_ok_requests_count_as_approved() -> None:
    # Wednesday: D's approved course takes one place; C's request fits (2 of 2) and counts
    # as approved for A's, which no longer fits. C's second request (1 000 + 9 500 kr)
    # breaks C's budget because the first counts.
    found = assess(
        request("E1", "D", WEDNESDAY, approved=True),
        request("E2", "C", WEDNESDAY, cost=9500),
        request("E3", "A", WEDNESDAY, half=Half.AM),
        request("E4", "C", THURSDAY),
    )
    assert [found[r].verdict for r in ("E1", "E2", "E3", "E4")] == [
        Verdict.APPROVED,
        Verdict.OK,
        Verdict.STAFFING,
        Verdict.BUDGET,
    ]
    assert found["E3"].reason.startswith(
        "Hisingen har redan 2 av högst 2 borta 13 januari 2027 FM."
    )
    assert "(E2 9 500 kr)" in found["E4"].reason


def test_refused_requests_do_not_count() -> None:
    # C's first request is refused for staffing; it takes no place and no money.
    found = assess(
        request("E1", "C", TUESDAY, cost=9000),
        request("E2", "C", WEDNESDAY, cost=1000),
        request("E3", "D", WEDNESDAY),
    )
    assert found["E1"].verdict is Verdict.STAFFING
    assert found["E2"].verdict is Verdict.OK
    assert found["E3"].verdict is Verdict.OK


def test_precedence_clash_then_staffing_then_budget() -> None:
    # A asks for Tuesday at 20 000 kr: in S1 (clash), D1 full (A counts once, so not
    # staffing), over the budget. C asks for Tuesday at 20 000 kr: staffing before budget.
    found = assess(
        request("E1", "A", TUESDAY, cost=20_000),
        request("E2", "C", TUESDAY, cost=20_000),
    )
    assert found["E1"].verdict is Verdict.CLASH
    assert "Dessutom: 20 000 kr + inget tidigare" in found["E1"].reason
    assert found["E2"].verdict is Verdict.STAFFING
    assert "Dessutom: 20 000 kr" in found["E2"].reason


def test_only_open_slots_count() -> None:
    # With a limit of 0 every open half-day is full, but a weekend course takes none.
    found = assess(
        request("E1", "C", SATURDAY, SATURDAY + timedelta(days=1)),
        request("E2", "D", MONDAY),
        max_absent=0,
    )
    assert found["E1"].verdict is Verdict.OK
    assert found["E2"].verdict is Verdict.STAFFING
    assert found["E2"].reason.startswith(
        "Hisingen har redan 0 av högst 0 borta 11 januari 2027 FM, 11 januari 2027 EM."
    )
    assert "Inga andra dagar inom fyra veckor går." in found["E2"].reason


# ---------------------------------------------------------------------------------------------
# Through the command line
# ---------------------------------------------------------------------------------------------


def example_with_electives(folder: Path) -> Path:
    """The example instance with two approved electives and three requests."""
    shutil.copytree(EXAMPLE, folder)
    (folder / "electives.csv").write_text(
        "request_id;person_id;title;from;to;half;cost_sek;status\n"
        "E1;A1;Motiverande samtal;2027-01-11;2027-01-12;;4000;approved\n"
        "E2;B1;Barnkonventionen;2027-01-13;2027-01-13;AM;2000;approved\n"
        "E3;X1;Socialrätt;2027-01-20;2027-01-20;;3000;requested\n"
        "E4;A2;Dokumentation;2027-02-01;2027-02-01;;9000;requested\n"
        "E5;A1;Ledarskap;2027-03-01;2027-03-01;;7000;requested\n",
        encoding="utf-8",
    )
    return folder


def read_rows(path: Path) -> list[dict[str, str]]:
    """The rows of a CSV file."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def solved(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The example with electives, and its schedule folder written by ``solve``."""
    root = tmp_path_factory.mktemp("electives")
    folder = example_with_electives(root / "instance")
    schedule = root / "schedule"
    result = CliRunner().invoke(
        main, ["solve", str(folder), "-o", str(schedule), "--time-limit", "5", "--no-ics"]
    )
    assert result.exit_code == 0, result.output
    return folder, schedule


def test_solve_keeps_approved_electives_and_writes_the_assessment(
    solved: tuple[Path, Path],
) -> None:
    folder, schedule = solved
    assert check_schedule(read_instance(folder), read_schedule(schedule)) == []
    rows = read_rows(schedule / "electives.csv")
    assert list(rows[0]) == ["request_id", "person_id", "verdict", "reason", "alternatives"]
    assert [(r["request_id"], r["verdict"]) for r in rows] == [
        ("E1", "approved"),
        ("E2", "approved"),
        ("E3", "ok"),
        ("E4", "ok"),
        # A1's approved 4 000 kr and 7 000 kr more make 11 000 kr.
        ("E5", "budget"),
    ]
    assert "11 000 kr under 2027" in rows[4]["reason"]


def test_electives_command_reads_the_schedule_without_solving(
    solved: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, schedule = solved

    def no_solving(*args: object, **kwargs: object) -> None:
        raise AssertionError("the electives command must not solve")

    monkeypatch.setattr("schemalaggning.engine.solve.solve", no_solving)
    monkeypatch.setattr("schemalaggning.engine.greedy.greedy_plan", no_solving)
    out = tmp_path / "bedomning.csv"
    started = time.perf_counter()
    result = CliRunner().invoke(
        main, ["electives", str(folder), "--schedule", str(schedule), "-o", str(out)]
    )
    seconds = time.perf_counter() - started

    assert result.exit_code == 0, result.output
    assert seconds < 5
    assert "Individuella kurser" in result.output
    assert "budget" in result.output and "godkänd" in result.output
    assert read_rows(out) == read_rows(schedule / "electives.csv")

    as_json = CliRunner().invoke(
        main, ["electives", str(folder), "--schedule", str(schedule), "--json"]
    )
    assert as_json.exit_code == 0, as_json.output
    verdicts = [a["verdict"] for a in json.loads(as_json.stdout)["assessments"]]
    assert verdicts == ["approved", "approved", "ok", "ok", "budget"]


def test_electives_command_without_out_only_prints(
    solved: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, schedule = solved
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["electives", str(folder), "--schedule", str(schedule)])
    assert result.exit_code == 0, result.output
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("where", ["instance-file", "users-file", "folder"])
def test_electives_command_never_writes_over_the_users_files(
    where: str, solved: tuple[Path, Path], tmp_path: Path
) -> None:
    folder, schedule = solved
    targets = {
        "instance-file": folder / "electives.csv",
        "users-file": tmp_path / "budget.csv",
        "folder": tmp_path,
    }
    out = targets[where]
    if where == "users-file":
        out.write_text("konto;belopp\n4711;10000\n", encoding="utf-8")
    before = {p: p.read_bytes() for p in [*folder.iterdir(), *tmp_path.iterdir()] if p.is_file()}

    result = CliRunner().invoke(
        main, ["electives", str(folder), "--schedule", str(schedule), "-o", str(out)]
    )

    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert str(out) in result.stderr
    after = {p: p.read_bytes() for p in [*folder.iterdir(), *tmp_path.iterdir()] if p.is_file()}
    assert after == before


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (
            "E9;Z9;Kurs;2027-01-20;2027-01-20;;3000;requested",
            "electives.csv, row 7, column person_id: 'Z9': expected a known person_id",
        ),
        (
            "E9;A1;Kurs;2027-01-20;2027-01-19;;3000;requested",
            "electives.csv, row 7, column to: '2027-01-19': expected a day on or after 'from'",
        ),
        (
            "E9;A1;Kurs;2027-01-20;2027-01-20;;-5;requested",
            "electives.csv, row 7, column cost_sek: '-5': expected a whole number of at least 0",
        ),
        (
            "E9;A1;Kurs;2027-01-20;2027-01-20;;5;kanske",
            "electives.csv, row 7, column status: 'kanske': expected one of approved",
        ),
        (
            "E1;A1;Kurs;2027-01-20;2027-01-20;;5;requested",
            "electives.csv, row 7, column request_id: 'E1': expected a unique id",
        ),
    ],
    ids=["unknown-person", "to-before-from", "negative-cost", "bad-status", "duplicate-id"],
)
def test_electives_command_reports_bad_rows_at_their_place(
    solved: tuple[Path, Path], tmp_path: Path, row: str, expected: str
) -> None:
    _, schedule = solved
    folder = example_with_electives(tmp_path / "instance")
    with (folder / "electives.csv").open("a", encoding="utf-8") as handle:
        handle.write(row + "\n")
    args = ["--lang", "en", "electives", str(folder), "--schedule", str(schedule)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == EXIT_BAD_INPUT
    assert "Traceback" not in result.output
    assert any(line.startswith(f"error: {expected}") for line in result.stderr.splitlines()), (
        result.stderr
    )


def test_electives_command_reports_a_missing_schedule(tmp_path: Path) -> None:
    folder = example_with_electives(tmp_path / "instance")
    result = CliRunner().invoke(
        main,
        [
            "--lang",
            "en",
            "electives",
            str(folder),
            "--schedule",
            str(tmp_path / "nowhere"),
            "--json",
        ],
    )
    assert result.exit_code == EXIT_BAD_INPUT
    problems = json.loads(result.stdout)["problems"]
    assert problems[0]["expected"] == "expected a schedule folder"
