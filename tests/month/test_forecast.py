"""Seats held for expected hires (``forecast.csv``): planned, written, checked, read.

The hand-built instances have one course ``P1`` of one half-day (part 1, within four
months), a horizon from 2027-03-01 to 2027-07-30 and three real hires of district ``A``
who start in March 2027. The forecast expects six in March: three seats are held.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from schemalaggning.check import check, check_schedule
from schemalaggning.cli import main
from schemalaggning.domain import (
    Course,
    District,
    Forecast,
    Instance,
    Person,
    Room,
    Session,
    Settings,
    Trainer,
    Unavailability,
)
from schemalaggning.engine.plan import Plan, SolveData, held_earliest
from schemalaggning.engine.result import Result
from schemalaggning.engine.solve import SolveParams
from schemalaggning.export.summary_words import key_figures
from schemalaggning.io import read_instance, read_schedule, write_instance, write_instance_xlsx
from schemalaggning.io.schedule import Schedule
from schemalaggning.io.write import write_schedule_files
from schemalaggning.month.forecast import (
    NO_ESTIMATE,
    auto_forecast,
    expected_hires,
    month_end,
    solve_held,
    split_held,
    with_held,
)
from schemalaggning.month.replan import replan
from schemalaggning.problems import InputError
from schemalaggning.rules import Rule
from schemalaggning.timegrid import TimeGrid

MARCH = "2027-03"


def make_instance(
    *,
    max_group: int = 12,
    capacity: int = 12,
    max_absent: int = 20,
    forecast: int = 6,
    min_group: int = 2,
) -> Instance:
    """Three real March hires of district A and a forecast of ``forecast`` in March."""
    people = tuple(
        Person(
            person_id=f"A{k}",
            name=f"Anställd {k}",
            district_id="A",
            start_date=date(2027, 3, 1 + k),
            required=True,
        )
        for k in range(1, 4)
    )
    return Instance(
        settings=Settings(
            horizon_start=date(2027, 3, 1), horizon_end=date(2027, 7, 30), holidays=None
        ),
        districts=(District(district_id="A", max_absent=max_absent),),
        people=people,
        courses=(
            Course(
                course_id="P1",
                name="Del 1",
                part="1",
                half_days=1,
                min_group=min_group,
                max_group=max_group,
                trainers=1,
                within_months=4,
            ),
        ),
        trainers=(Trainer(trainer_id="T", courses=("*",), max_half_days_per_week=10),),
        rooms=(Room(room_id="R", capacity=capacity),),
        forecast=(Forecast(district_id="A", month=MARCH, hires=forecast),),
    )


def solved(instance: Instance) -> Result:
    """Solve with the forecast; the schedule must pass the independent checker."""
    result = solve_held(instance, SolveParams(time_limit=2, workers=1))
    assert check(instance, result.sessions, result.assignments, result.unscheduled) == []
    return result


def test_held_window_is_the_part_every_hire_of_the_month_shares() -> None:
    course = make_instance().courses[0]
    # A hire on 31 March may start part 1 on 31 March at the earliest; one on 1 March must
    # end it by 1 July: the held seat lies between, where both can take it.
    assert held_earliest(date(2027, 3, 1), course) == date(2027, 3, 31)
    later = course.model_copy(update={"not_before_months": 1})
    assert held_earliest(date(2027, 1, 1), later) == date(2027, 2, 28)
    instance = make_instance()
    expected = expected_hires(instance, instance.forecast)
    data = SolveData(with_held(instance, expected), TimeGrid(instance.settings))
    held = [a for a in data.attendances if a.person in data.held_people]
    assert len(held) == 3
    assert all(data.grid.slots[a.release].day >= date(2027, 3, 31) for a in held)
    assert all(a.deadline_date == date(2027, 7, 1) for a in held)


def test_people_already_hired_count_toward_the_forecast() -> None:
    instance = make_instance(forecast=5)
    expected = expected_hires(instance, instance.forecast)
    assert len(expected) == 2  # five expected, three of them already in people.csv
    assert {p.district_id for p in expected} == {"A"}
    assert expected_hires(instance, instance.forecast, from_day=date(2027, 4, 1)) == []


@pytest.mark.parametrize(
    ("limits", "why"),
    [
        ({"max_group": 4}, "max_group"),
        ({"capacity": 4}, "room"),
        ({"max_absent": 4}, "max_absent"),
    ],
)
def test_held_seats_count_for_seats_and_district_limits(limits: dict[str, int], why: str) -> None:
    # Three real hires and three held seats: six, and four fit (max_group, the room or
    # the district's limit). The real hires come first; a second session would have one
    # real person, below min_group 2, so only one seat is held and two are reported.
    without = solved(make_instance(forecast=0, **limits))
    assert [s.participants for s in without.sessions] == [3], why
    result = solved(make_instance(**limits))
    assert [(s.participants, s.held) for s in result.sessions] == [(3, 1)], why
    assert {a.person_id for a in result.assignments} == {"A1", "A2", "A3"}
    assert result.summary["held_seats"] == 1
    assert result.summary["held_unplanned"] == 2
    assert result.summary["expected_hires"] == 3
    assert result.summary["unscheduled"] == 0
    away: Counter[object] = Counter()
    for s in result.sessions:
        for slot in s.slots:
            away[slot] += s.participants + s.held
    assert max(away.values()) <= 4


def test_held_seat_that_cannot_be_planned_is_reported_not_unscheduled() -> None:
    # The trainer is away from 29 March on: the real hires (from 2 March) are seated
    # before, but no seat can be held after 31 March, where the held window begins.
    instance = make_instance().replace(
        unavailability=(
            Unavailability(resource_id="T", start=date(2027, 3, 29), end=date(2027, 7, 30)),
        )
    )
    result = solve_held(instance, SolveParams(time_limit=2, workers=1))
    assert check(instance, result.sessions, result.assignments, result.unscheduled) == []
    assert result.unscheduled == []
    assert {a.person_id for a in result.assignments} == {"A1", "A2", "A3"}
    assert result.summary["held_seats"] == 0
    assert result.summary["held_unplanned"] == 3
    assert result.summary["held_unplanned_by_month"] == {"A@2027-03": 3}


def test_checker_counts_held_seats() -> None:
    instance = make_instance(max_group=4, capacity=5, max_absent=4)
    result = solved(instance)
    session = result.sessions[0]
    over = session.model_copy(update={"held": 5 - session.participants + 1})
    sessions = [over, *result.sessions[1:]]
    rules = {v.rule for v in check(instance, sessions, result.assignments, result.unscheduled)}
    assert {Rule.ROOM_CAPACITY, Rule.MAX_GROUP} <= rules
    crowded = session.model_copy(update={"held": 1, "held_for": ("A@2027-03:1",)})
    by_district = check(
        instance.replace(districts=(District(district_id="A", max_absent=session.participants),)),
        [crowded, *result.sessions[1:]],
        result.assignments,
        result.unscheduled,
    )
    assert Rule.DISTRICT_ABSENCE in {v.rule for v in by_district}


@pytest.mark.parametrize("improve", [False, True])
def test_held_seats_never_make_up_min_group(improve: bool) -> None:
    # Three real hires, three seats held, min_group 4: with the held seats a session of
    # six would reach it, but a held seat is nobody yet, so no session may be held for
    # the three (greedy and optimiser alike); they are listed as unmet instead.
    instance = make_instance(min_group=4)
    result = solve_held(instance, SolveParams(time_limit=2, workers=1, improve=improve))
    assert check(instance, result.sessions, result.assignments, result.unscheduled) == []
    assert result.sessions == []
    assert sorted(u.person_id for u in result.unscheduled) == ["A1", "A2", "A3"]
    assert all(u.reason.startswith("min_group") for u in result.unscheduled)
    # A fourth real hire makes the group: one session of four, with the seats held beside.
    hire = Person(person_id="A4", district_id="A", start_date=date(2027, 3, 5), required=True)
    four = instance.replace(people=(*instance.people, hire))
    result = solve_held(four, SolveParams(time_limit=2, workers=1, improve=improve))
    assert check(four, result.sessions, result.assignments, result.unscheduled) == []
    assert result.unscheduled == []
    assert all(s.participants >= 4 for s in result.sessions)


def test_held_seats_no_real_people_can_join_fail_without_trying_every_block(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Three seats held for August hires (windows from 31 August): no real hire's window
    # meets theirs (the March hires' close in July), so no group can be made with them.
    # The greedy says so at once, and its plan is the one it makes trying every block.
    from schemalaggning.engine.greedy import HELD_ALONE_REASON, GreedyBuilder, greedy_plan

    base = make_instance(forecast=0)
    instance = base.replace(
        settings=base.settings.model_copy(update={"horizon_end": date(2027, 12, 22)}),
        forecast=(Forecast(district_id="A", month="2027-08", hires=3),),
    )
    planned = with_held(instance, expected_hires(instance, instance.forecast))
    data = SolveData(planned, TimeGrid(planned.settings))
    plan, unmet = greedy_plan(data)
    held = {a.idx for a in data.attendances if a.person in data.held_people}
    assert len(held) == 3
    assert {u.attendance for u in unmet} == held
    assert {u.reason for u in unmet} == {HELD_ALONE_REASON}
    real = [a.idx for a in data.attendances if a.person not in data.held_people]
    assert all(a in plan.assigned for a in real)

    def shape(p: Plan) -> list[tuple[int, int, int, tuple[int, ...], list[int]]]:
        return sorted(
            (s.course, s.start, s.room, s.trainers, sorted(s.members)) for _, s in p.live_sessions()
        )

    monkeypatch.setattr(GreedyBuilder, "could_gather", lambda *args: True)
    tried, unmet_tried = greedy_plan(SolveData(planned, TimeGrid(planned.settings)))
    assert shape(tried) == shape(plan)
    assert {u.attendance for u in unmet_tried} == held
    assert all(u.reason.rule is Rule.MIN_GROUP for u in unmet_tried)


def test_checker_does_not_count_held_seats_toward_min_group() -> None:
    instance = make_instance(min_group=3)
    result = solved(instance)
    session = result.sessions[0]
    assert session.participants == 3
    members = [a for a in result.assignments if a.session_id == session.session_id]
    short = session.model_copy(update={"participants": 2, "held": 4, "held_for": ("A@2027-03:4",)})
    violations = check(instance, [short], members[:2], [])
    assert [v.rule for v in violations if v.rule is Rule.MIN_GROUP] == [Rule.MIN_GROUP]
    assert "hållna platser räknas inte" in next(
        v.message for v in violations if v.rule is Rule.MIN_GROUP
    )


def test_held_seats_are_written_and_read_back(tmp_path: Path) -> None:
    instance = make_instance()
    result = solved(instance)
    write_schedule_files(
        tmp_path, result.sessions, result.assignments, result.unscheduled, result.summary
    )
    with (tmp_path / "sessions.csv").open(encoding="utf-8-sig") as handle:
        header = next(csv.reader(handle))
    assert header[-2:] == ["held", "held_for"]
    schedule = read_schedule(tmp_path)
    assert schedule.problems == []
    assert [s.held for _, s in schedule.sessions] == [s.held for s in result.sessions]
    assert sum(s.held for _, s in schedule.sessions) == 3
    with (tmp_path / "assignments.csv").open(encoding="utf-8-sig") as handle:
        assert {row["person_id"] for row in csv.DictReader(handle)} == {"A1", "A2", "A3"}


def test_split_held_keeps_real_records() -> None:
    instance = make_instance()
    planned = with_held(instance, expected_hires(instance, instance.forecast))
    held_id = sorted(planned.held_ids)[0]
    session = Session(
        session_id="S1",
        course_id="P1",
        room_id="R",
        trainer_ids=("T",),
        slots=(),
        participants=2,
    )
    from schemalaggning.domain import Assignment

    split = split_held(
        planned,
        [session],
        [
            Assignment(person_id="A1", course_id="P1", session_id="S1"),
            Assignment(person_id=held_id, course_id="P1", session_id="S1"),
        ],
        [],
    )
    assert split.sessions[0].participants == 1
    assert split.sessions[0].held == 1
    assert split.sessions[0].held_for == ("A@2027-03:1",)
    assert [a.person_id for a in split.assignments] == ["A1"]


def test_auto_forecast_takes_the_same_month_a_year_earlier() -> None:
    instance = make_instance()
    people = (
        *instance.people,
        Person(person_id="B1", district_id="A", start_date=date(2026, 4, 7), required=True),
        Person(person_id="B2", district_id="A", start_date=date(2026, 4, 9), required=True),
        Person(person_id="X", district_id="A", start_date=date(2026, 5, 9), required=False),
    )
    rows = auto_forecast(instance.replace(people=people))
    by_month = {r.month: r.hires for r in rows}
    # The record runs from April 2026 to March 2027: April 2027 is estimated as April
    # 2026 (two), May and June 2027 as May and June 2026 (none: no row).
    assert by_month == {"2027-04": 2}
    assert month_end("2027-02") == date(2027, 2, 28)


def write_forecast(folder: Path, text: str) -> None:
    (folder / "forecast.csv").write_text(text, encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "row", "column", "value"),
    [
        ("district_id;month;hires\nA;2027-13;2\n", 2, "month", "2027-13"),
        ("district_id;month;hires\nA;mars;2\n", 2, "month", "mars"),
        ("district_id;month;hires\nZ;2027-03;2\n", 2, "district_id", "Z"),
        ("district_id;month;hires\nA;2027-03;-1\n", 2, "hires", "-1"),
        ("district_id,month,hires\nA,2027-03,2\nA,2027-04,1\nA,2027-03,4\n", 4, "month", "2027-03"),
    ],
)
def test_bad_forecast_rows_are_located(
    tmp_path: Path, text: str, row: int, column: str, value: str
) -> None:
    write_instance(make_instance().replace(forecast=()), tmp_path)
    write_forecast(tmp_path, text)
    with pytest.raises(InputError) as caught:
        read_instance(tmp_path)
    assert any(
        p.file == "forecast.csv" and p.row == row and p.column == column and p.value == value
        for p in caught.value.problems
    ), caught.value.problems


def test_forecast_is_read_from_a_semicolon_file(tmp_path: Path) -> None:
    write_instance(make_instance().replace(forecast=()), tmp_path)
    write_forecast(tmp_path, "district_id;month;hires\nA;2027-03;6\nA;2027-05;2\n")
    instance = read_instance(tmp_path)
    assert [(f.month, f.hires) for f in instance.forecast] == [("2027-03", 6), ("2027-05", 2)]


def test_a_workbooks_date_cell_gives_its_month(tmp_path: Path) -> None:
    # Excel turns 2027-03 typed into a cell into the date 2027-03-01: the month is meant.
    instance = make_instance().replace(
        forecast=(Forecast(district_id="A", month="2027-03", hires=6),)
    )
    path = write_instance_xlsx(instance, tmp_path / "stad.xlsx")
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["forecast"]
    sheet.cell(2, 2, datetime(2027, 3, 1))
    sheet.cell(2, 2).number_format = "yyyy-mm-dd"
    workbook.save(path)
    assert [(f.month, f.hires) for f in read_instance(path).forecast] == [("2027-03", 6)]


def published_folder(instance: Instance, result: Result) -> Schedule:
    """A solve's result as a published schedule."""
    return Schedule(
        sessions=list(enumerate(result.sessions, start=2)),
        assignments=list(enumerate(result.assignments, start=2)),
        unscheduled=list(enumerate(result.unscheduled, start=2)),
        summary=dict(result.summary),
    )


@pytest.mark.parametrize("today", [date(2027, 3, 1), date(2027, 3, 20)])
def test_replan_seats_a_new_hire_in_a_held_seat_without_moving_anyone(today: date) -> None:
    # Published on 1 March with three seats held for March; a fourth hire arrives and
    # starts on 22 March. On 1 March the session lies after the four-week freeze, on 20
    # March inside it: either way the hire takes a held seat and nobody moves.
    instance = make_instance()
    result = solved(instance)
    published = published_folder(instance, result)
    hire = Person(
        person_id="A4",
        name="Ny Anställd",
        district_id="A",
        start_date=date(2027, 3, 22),
        required=True,
    )
    later = instance.replace(people=(*instance.people, hire))
    again, changes = replan(later, published, today, 4, SolveParams(time_limit=3, workers=1))
    assert check(later, again.sessions, again.assignments, again.unscheduled) == []
    assert [(c.change, c.person_id) for c in changes] == [("person_added", "A4")]
    assert {s.session_id for s in again.sessions} == {s.session_id for s in result.sessions}
    assert sum(s.held for s in again.sessions) == sum(s.held for s in result.sessions) - 1
    assert again.summary["expected_hires"] == 2


def test_replan_releases_seats_no_longer_expected() -> None:
    instance = make_instance()
    published = published_folder(instance, solved(instance))
    fewer = instance.replace(forecast=(Forecast(district_id="A", month=MARCH, hires=4),))
    again, changes = replan(
        fewer, published, date(2027, 3, 1), 4, SolveParams(time_limit=3, workers=1)
    )
    assert check(fewer, again.sessions, again.assignments, again.unscheduled) == []
    assert sum(s.held for s in again.sessions) == 1
    assert [c for c in changes if c.person_id] == []


def test_held_seats_are_shown_in_words_the_report_and_the_workbook(tmp_path: Path) -> None:
    import openpyxl

    from schemalaggning.export.folder import write_schedule
    from schemalaggning.export.views import closing_lines

    instance = make_instance()
    result = solved(instance)
    folder = tmp_path / "schema"
    folder.mkdir()
    write_schedule(folder, result, instance, calendars=False)
    assert result.summary["held_seats"] == 3

    said = "\n".join(closing_lines(folder, result.summary))
    assert "3 platser hålls för 3 väntade nyanställda (enligt forecast.csv)" in said
    report = (folder / "rapport.html").read_text(encoding="utf-8")
    assert 'id="hallna-platser"' in report
    assert "mars 2027" in report
    book = openpyxl.load_workbook(folder / "schema.xlsx", read_only=True)
    held = [list(row) for row in book["Hållna platser"].iter_rows(values_only=True)]
    assert held[0] == ["startmånad", "stadsdel", "hållna platser", "antal pass"]
    assert [row[:3] for row in held[1:]] == [["mars 2027", "A", 3]]
    passes = [list(row) for row in book["Pass"].iter_rows(values_only=True)]
    assert passes[0][-1] == "hållna platser"
    assert sum(int(str(row[-1])) for row in passes[1:]) == 3


def test_auto_forecast_that_estimates_nothing_says_so() -> None:
    lone = make_instance().replace(forecast=())
    lone = lone.replace(people=tuple(p.model_copy(update={"required": False}) for p in lone.people))
    result = solve_held(lone, SolveParams(time_limit=2, workers=1), mode="auto")
    assert check(lone, result.sessions, result.assignments, result.unscheduled) == []
    assert result.summary["forecast"] == "none"
    figures = [f.sentence for f in key_figures(result.summary)]
    assert any(s.startswith("Inga platser hålls för väntade nyanställda") for s in figures)


def test_the_forecast_note_in_summary_json_is_the_same_in_every_language(
    tmp_path: Path,
) -> None:
    """summary.json is read by machines: the note is its message id, said in words by
    the views and the end of the run in the reader's language."""
    tiny = Path(__file__).parents[2] / "instances" / "tiny"
    notes = {}
    for language in ("sv", "en"):
        out = tmp_path / language
        args = ["--lang", language, "solve", str(tiny), "-o", str(out), "--greedy"]
        result = CliRunner().invoke(main, [*args, "--forecast", "auto", "--no-ics"])
        assert result.exit_code == 0, result.output
        assert check_schedule(read_instance(tiny), read_schedule(out)) == []
        notes[language] = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert notes["sv"]["forecast_note"] == notes["en"]["forecast_note"] == NO_ESTIMATE
