"""The views for people: the workbook, the report, the personal plans, the end of a run.

Every schedule these tests write is checked with the independent checker. The report is
opened in a real browser (Debian's ``chromium``, headless, with the network off); the
test is skipped when it is missing, unless ``CI`` is set.
"""

from __future__ import annotations

import csv
import shutil
from collections import defaultdict
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from schemalaggning.check import check_schedule
from schemalaggning.cli import main
from schemalaggning.export.workbook import SIGN_IN_SHEET
from schemalaggning.io import read_instance, read_schedule

DATA = Path(__file__).parent / "data" / "example"
INSTANCE = DATA / "instance"
ARTIFACTS = Path(__file__).parent / "artifacts"
FORMULA = '=HYPERLINK("http://example.org","klicka")'


def rows(path: Path) -> list[dict[str, str]]:
    """The rows of a CSV file the program wrote (with its byte order mark)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def solve(instance: Path, out: Path, *more: str) -> str:
    """Solve with the command line; the schedule is checked; returns what it printed."""
    result = CliRunner().invoke(
        main, ["solve", str(instance), "-o", str(out), "--time-limit", "5", *more]
    )
    assert result.exit_code == 0, result.output
    assert check_schedule(read_instance(instance), read_schedule(out)) == []
    return result.output


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example instance solved, once for the module (tests only read it)."""
    out = tmp_path_factory.mktemp("example") / "schedule"
    solve(INSTANCE, out)
    return out


def sheet_rows(path: Path, title: str) -> list[tuple[object, ...]]:
    """The rows of a sheet, the header first."""
    workbook = openpyxl.load_workbook(path)
    return [tuple(row) for row in workbook[title].iter_rows(values_only=True)]


# ---------------------------------------------------------------------------------------------
# The workbook
# ---------------------------------------------------------------------------------------------


def test_the_workbook_matches_the_schedule_row_for_row(example: Path) -> None:
    sessions = rows(example / "sessions.csv")
    assignments = rows(example / "assignments.csv")
    workbook = openpyxl.load_workbook(example / "schema.xlsx")
    assert workbook.sheetnames[:4] == ["Sammanfattning", "Pass", "Deltagare", SIGN_IN_SHEET]

    sheet = workbook["Pass"]
    header = [c.value for c in sheet[1]]
    shown = [
        dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)
    ]
    assert len(shown) == len(sessions)
    by_id = {str(row["pass"]): row for row in shown}
    for session in sessions:
        row = by_id[session["session_id"]]
        assert row["kurs-id"] == session["course_id"]
        assert row["deltagare"] == int(session["participants"])
        assert row["datum"] == datetime.fromisoformat(session["start"][:10])
        assert row["slutdatum"] == datetime.fromisoformat(session["end"][:10])
        assert row["tid"] == f"{session['start'][11:]}–{session['end'][11:]}"
    # By date, as a coordinator reads them.
    assert [r["datum"] for r in shown] == sorted(r["datum"] for r in shown)

    sheet = workbook["Deltagare"]
    header = [c.value for c in sheet[1]]
    listed = [
        dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)
    ]
    assert [(r["person-id"], r["kurs-id"], r["pass"]) for r in listed] == [
        (a["person_id"], a["course_id"], a["session_id"]) for a in assignments
    ]
    assert listed[0]["namn"] == "Anna Andersson"


def test_the_workbook_has_real_dates_frozen_headers_and_filters(example: Path) -> None:
    workbook = openpyxl.load_workbook(example / "schema.xlsx")
    for title in ("Pass", "Deltagare", "Personer", "Utbildare", "Utbildarbelastning", "Lokaler"):
        sheet = workbook[title]
        assert sheet.freeze_panes in ("A2", "C2"), title
        assert sheet.auto_filter.ref is not None, title
        assert sheet.auto_filter.ref.startswith("A1:"), title
        assert all(c.font.bold for c in sheet[1]), title
    date_cell = workbook["Pass"]["B2"]
    assert isinstance(date_cell.value, datetime)
    assert date_cell.number_format == "yyyy-mm-dd"
    people = workbook["Personer"]
    header = [c.value for c in people[1]]
    assert header[:4] == ["person-id", "namn", "stadsdel", "startdatum"]
    b2 = next(r for r in people.iter_rows(min_row=2, values_only=True) if r[0] == "B2")
    # Part 1 has a date; the theme is not due before the horizon's end: its deadline.
    assert isinstance(b2[7], datetime)
    assert b2[8] == "senast 2027-05-10"
    widths = workbook["Pass"].column_dimensions
    assert widths["G"].width >= len("Del 1: introduktion")


def test_a_sign_in_list_per_session_one_per_printed_page(example: Path) -> None:
    sessions = rows(example / "sessions.csv")
    assignments = rows(example / "assignments.csv")
    workbook = openpyxl.load_workbook(example / "schema.xlsx")
    sheet = workbook[SIGN_IN_SHEET]
    people = {p.person_id: p.name for p in read_instance(INSTANCE).people}
    # Every session's list names exactly its participants, under a header row.
    lists: dict[str, list[str]] = {}
    current = ""
    in_list = False
    for row in sheet.iter_rows(values_only=True):
        first = row[0]
        if isinstance(first, str) and first.startswith("Närvarolista, pass "):
            current = first.removeprefix("Närvarolista, pass ")
            lists[current] = []
            in_list = False
        elif first == "Namn":
            in_list = True
        elif in_list and first:
            lists[current].append(str(first))
        else:
            in_list = False  # The blank rows for people who come unlisted end the list.
    expected: dict[str, list[str]] = defaultdict(list)
    for assignment in assignments:
        expected[assignment["session_id"]].append(people[assignment["person_id"]])
    assert {s: sorted(n) for s, n in lists.items()} == {
        s["session_id"]: sorted(expected[s["session_id"]]) for s in sessions
    }
    # The print setup: one page per session, A4 upright, one page wide, page numbers.
    assert len(sheet.row_breaks.brk) == len(sessions)
    assert sheet.print_area is not None
    assert "$A$1:$E$" in str(sheet.print_area)
    assert sheet.page_setup.orientation == "portrait"
    assert str(sheet.page_setup.paperSize) == "9"
    assert sheet.page_setup.fitToWidth == 1
    assert sheet.sheet_properties.pageSetUpPr is not None
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert "&P" in (sheet.oddFooter.center.text or "")


def test_a_formula_in_the_data_stays_text_in_the_workbook(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    shutil.copytree(INSTANCE, instance)
    courses = instance / "courses.csv"
    text = courses.read_text(encoding="utf-8-sig")
    courses.write_text(
        text.replace("Samtal med barn", f'"{FORMULA.replace(chr(34), 2 * chr(34))}"')
    )
    out = tmp_path / "schedule"
    solve(instance, out, "--no-ics")
    workbook = openpyxl.load_workbook(out / "schema.xlsx")
    found = [
        item
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for item in row
        if item.value == FORMULA
    ]
    assert found
    assert {item.data_type for item in found} == {"s"}
    assert not (out / "ics").exists()
