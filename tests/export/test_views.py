"""The views for people: the workbook, the report, the personal plans, the end of a run.

Every schedule these tests write is checked with the independent checker. The report is
opened in a real browser (Debian's ``chromium``, headless, with the network off); the
test is skipped when it is missing, unless ``CI`` is set.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
from collections import defaultdict
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from schemalaggning.check import check_schedule
from schemalaggning.cli import main
from schemalaggning.export.views import closing_lines
from schemalaggning.export.workbook import SIGN_IN_SHEET
from schemalaggning.i18n import _
from schemalaggning.io import read_instance, read_schedule
from schemalaggning.rules import (
    OFFERING_COUNT,
    OFFERING_NO_BLOCK,
    OFFERING_NO_ROOM_OR_TRAINERS,
    OFFERING_TOO_FEW,
)

DATA = Path(__file__).parents[1] / "data" / "example"
INSTANCE = DATA / "instance"
ARTIFACTS = Path(__file__).parents[1] / "artifacts"
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
    assert workbook.sheetnames[:4] == ["Sammanfattning", "Pass", "Deltagare", "Närvarolistor"]

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
    days = [r["datum"] for r in shown]
    assert all(isinstance(day, datetime) for day in days)
    assert days == sorted(day for day in days if isinstance(day, datetime))

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
        assert all(c.fill.fill_type == "solid" for c in sheet[1]), title
        # Printed landscape, one page wide, the header row on every page.
        assert sheet.print_title_rows == "$1:$1", title
        assert sheet.page_setup.orientation == "landscape", title
        assert sheet.page_setup.fitToHeight == 0, title
        assert sheet.sheet_properties.pageSetUpPr is not None, title
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, title
    assert workbook["Personer"].freeze_panes == "C2"
    assert workbook["Personer"].row_dimensions[1].height == 45
    date_cell = workbook["Pass"]["B2"]
    assert isinstance(date_cell.value, datetime)
    assert date_cell.number_format == "yyyy-mm-dd"
    people = workbook["Personer"]
    header = [c.value for c in people[1]]
    assert header[:4] == ["person-id", "namn", "stadsdel", "startdatum"]
    attends = {(a["person_id"], a["course_id"]) for a in rows(example / "assignments.csv")}
    for row in people.iter_rows(min_row=2, values_only=True):
        # A course's date when the person attends it, else its deadline.
        for column, course in ((7, "P1"), (8, "T1")):
            if (row[0], course) in attends:
                assert isinstance(row[column], datetime)
            else:
                assert str(row[column]).startswith("senast 20")
    widths = workbook["Pass"].column_dimensions
    assert widths["G"].width >= len("Del 1: introduktion")


def test_a_sign_in_list_per_session_one_per_printed_page(example: Path) -> None:
    sessions = rows(example / "sessions.csv")
    assignments = rows(example / "assignments.csv")
    workbook = openpyxl.load_workbook(example / "schema.xlsx")
    sheet = workbook[_(SIGN_IN_SHEET)]
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
    # One page wide: Excel leaves fitToWidth out when it is 1, its default.
    assert sheet.page_setup.fitToWidth in (None, 1)
    assert sheet.page_setup.fitToHeight == 0
    assert sheet.print_options.horizontalCentered
    assert sheet.sheet_properties.pageSetUpPr is not None
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    footer = sheet.oddFooter
    assert footer is not None
    assert "&P" in (footer.center.text or "")
    assert sheet.oddHeader is not None
    assert sheet.oddHeader.center.text == read_instance(INSTANCE).settings.name
    # Each list's rows are tall enough to tick and boxed, its header filled.
    names = [
        number
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1)
        if row[0] == "Namn"
    ]
    assert len(names) == len(sessions)
    heading = sheet.cell(names[0], 1)
    assert heading.font.bold and heading.fill.fill_type == "solid"
    listed = sheet.cell(names[0] + 1, 1)
    assert sheet.row_dimensions[names[0] + 1].height == 18
    assert listed.border.left is not None and listed.border.left.style == "thin"
    assert [sheet.column_dimensions[c].width for c in "ABCDE"] == [30, 18, 32, 13, 10]


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


# ---------------------------------------------------------------------------------------------
# The report, in a real browser
# ---------------------------------------------------------------------------------------------


def require(missing: str | None) -> None:
    """Skip a test whose tool is missing, or fail it when ``CI`` is set."""
    if missing is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{missing} (CI is set, so the tool must be installed)")
    pytest.skip(missing)


def chromium() -> str | None:
    """The browser's command, or ``None`` when it is not installed."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def browse(page: str, profile: Path, *options: str) -> subprocess.CompletedProcess[str]:
    """Open a page in headless Chromium with the network off; the DOM after its scripts ran
    (``--dump-dom``) or a screenshot, and the browser's log with the console's messages."""
    command = chromium()
    assert command is not None
    return subprocess.run(
        [
            command,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            # No name resolves and every request goes to a closed port: no network.
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--proxy-server=127.0.0.1:9",
            "--enable-logging=stderr",
            "--v=0",
            f"--user-data-dir={profile}",
            "--virtual-time-budget=15000",
            *options,
            page,
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def console_lines(log: str) -> list[str]:
    """The messages the page wrote to the console (errors, warnings, logs)."""
    return [line for line in log.splitlines() if ":CONSOLE" in line]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The generated two-district instance, solved once: (instance, schedule)."""
    root = tmp_path_factory.mktemp("tiny")
    instance = root / "instance"
    result = CliRunner().invoke(main, ["generate", str(instance), "--preset", "tiny"])
    assert result.exit_code == 0, result.output
    out = root / "schedule"
    solve(instance, out)
    return instance, out


def test_the_report_is_one_file_that_needs_no_network(tiny: tuple[Path, Path]) -> None:
    html = (tiny[1] / "rapport.html").read_text(encoding="utf-8")
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=", html)
    assert len(html.encode()) < 8_000_000
    for word in ("objective", "bound", "gap", "optimal", "feasible"):
        assert not re.search(rf"\b{word}\b", _visible_text(html), re.IGNORECASE), word


def _visible_text(html: str) -> str:
    """The page's text without its scripts and styles."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.DOTALL)
    return re.sub(r"<[^>]+>", " ", html)


def test_the_report_in_a_browser(tiny: tuple[Path, Path], tmp_path: Path) -> None:
    require(None if chromium() else "chromium is missing (apt-get install chromium)")
    instance, schedule = tiny
    page = (schedule / "rapport.html").as_uri()
    summary = json.loads((schedule / "summary.json").read_text(encoding="utf-8"))

    shown = browse(page, tmp_path / "profile", "--dump-dom")
    assert shown.returncode == 0, shown.stderr[-2000:]
    assert console_lines(shown.stderr) == []
    dom = shown.stdout
    assert 'data-script-errors="0"' in dom
    # The key figures are those of summary.json.
    figures = dict(re.findall(r'data-figure="([a-z_0-9]+)" data-value="([^"]*)"', dom))
    assert {"sessions", "required_attendances", "unscheduled", "trainer_half_days"} <= set(figures)
    for key, value in figures.items():
        assert float(value) == pytest.approx(float(summary[key])), key
    assert f"Alla {summary['required_attendances']} obligatoriska" in dom
    # Every session is shown, and the charts were drawn.
    assert len(re.findall(r'<tr class="session"', dom)) == summary["sessions"]
    assert dom.count('class="main-svg"') >= 3

    # A district chosen (through the address, as a bookmark would), only its sessions show.
    district = "ostra-goteborg"
    people = {p.person_id: p.district_id for p in read_instance(instance).people}
    with_district = {
        a["session_id"]
        for a in rows(schedule / "assignments.csv")
        if people[a["person_id"]] == district
    }
    assert 0 < len(with_district) < summary["sessions"]
    filtered = browse(f"{page}#stadsdel={district}", tmp_path / "profile", "--dump-dom")
    assert console_lines(filtered.stderr) == []
    visible = re.findall(r'<tr class="session" data-id="([^"]+)"(?![^>]*hidden)', filtered.stdout)
    assert set(visible) == with_district
    assert f'data-shown="{len(with_district)}"' in filtered.stdout

    # A screenshot to look at, kept as the test's artifact.
    ARTIFACTS.mkdir(exist_ok=True)
    picture = ARTIFACTS / "rapport.png"
    taken = browse(page, tmp_path / "profile", "--window-size=1280,2600", f"--screenshot={picture}")
    assert taken.returncode == 0, taken.stderr[-2000:]
    assert picture.stat().st_size > 10_000
    print(f"screenshot: {picture}")


# ---------------------------------------------------------------------------------------------
# The personal plans
# ---------------------------------------------------------------------------------------------


def test_every_hire_has_a_plan_with_exactly_their_sessions(tiny: tuple[Path, Path]) -> None:
    instance, schedule = tiny
    loaded = read_instance(instance)
    assignments = rows(schedule / "assignments.csv")
    plans = schedule / "planer" / "personer"
    assert sorted(p.stem for p in plans.glob("*.html")) == sorted(
        p.person_id for p in loaded.required_people
    )
    for person in loaded.required_people:
        page = (plans / f"{person.person_id}.html").read_text(encoding="utf-8")
        listed = re.findall(r'<tr class="attends" data-session="([^"]+)"', page)
        assert sorted(listed) == sorted(
            a["session_id"] for a in assignments if a["person_id"] == person.person_id
        )
        assert person.name in page
        assert loaded.district_by_id[person.district_id].name in page
    index = (schedule / "planer" / "index.html").read_text(encoding="utf-8")
    assert index.count('href="personer/') == len(loaded.required_people)


def test_a_plan_shows_the_room_what_is_done_and_what_is_not_yet_scheduled(
    tmp_path: Path,
) -> None:
    # Bo Berg has done part 1 already: his plan says so, and lists the theme.
    instance = tmp_path / "instance"
    shutil.copytree(INSTANCE, instance)
    people = instance / "people.csv"
    text = people.read_text(encoding="utf-8-sig")
    people.write_text(text.replace("2027-01-10,yes,", "2027-01-10,yes,P1"), encoding="utf-8")
    out = tmp_path / "schedule"
    solve(instance, out)
    loaded = read_instance(instance)
    assignments = rows(out / "assignments.csv")
    page = (out / "planer" / "personer" / "B2.html").read_text(encoding="utf-8")
    assert "Bo Berg" in page and "Hisingen" in page
    assert "10 januari 2027" in page  # The first day.
    done = page[page.index("Klart sedan tidigare") :]
    assert "Del 1: introduktion" in done
    # Every course of every hire is in a session of theirs, done, or shown with its window.
    for person in loaded.required_people:
        page = (out / "planer" / "personer" / f"{person.person_id}.html").read_text(
            encoding="utf-8"
        )
        attends = {a["course_id"] for a in assignments if a["person_id"] == person.person_id}
        for course in loaded.courses:
            if course.course_id in attends:
                assert "Lilla salen" in page or "Stora salen" in page
                assert "Kungsgatan 1, Göteborg" in page
            elif course.course_id not in person.done:
                row = re.search(
                    rf'<tr data-course="{course.course_id}">(.*?)</tr>', page, re.DOTALL
                )
                assert row is not None, (person.person_id, course.course_id)
                deadline = loaded.deadline(person, course)
                assert f"{deadline.day} " in row.group(1) and str(deadline.year) in row.group(1)
    trainer = (out / "planer" / "utbildare" / "C1.html").read_text(encoding="utf-8")
    assert "Undervisningsplan för Cecilia Samordnare" in trainer


def test_a_trainer_has_a_plan_with_exactly_their_sessions_and_participants(
    tiny: tuple[Path, Path],
) -> None:
    instance, schedule = tiny
    loaded = read_instance(instance)
    sessions = rows(schedule / "sessions.csv")
    assignments = rows(schedule / "assignments.csv")
    for trainer in loaded.trainers:
        page = (schedule / "planer" / "utbildare" / f"{trainer.trainer_id}.html").read_text(
            encoding="utf-8"
        )
        blocks = re.findall(
            r'<div class="session" data-session="([^"]+)">(.*?)</ol>', page, re.DOTALL
        )
        mine = [
            s["session_id"] for s in sessions if trainer.trainer_id in s["trainer_ids"].split("|")
        ]
        assert sorted(b[0] for b in blocks) == sorted(mine)
        for session_id, block in blocks:
            listed = re.findall(r'<li data-person="([^"]+)">([^<]+) <span', block)
            expected = [a["person_id"] for a in assignments if a["session_id"] == session_id]
            assert sorted(p for p, _ in listed) == sorted(expected)
            names = {p.person_id: p.name for p in loaded.people}
            assert all(name == names[p] for p, name in listed)


# ---------------------------------------------------------------------------------------------
# The end of a run, and the export
# ---------------------------------------------------------------------------------------------

SOLVER_WORDS = re.compile(r"\b(bound|gap|objective|optimal|feasible)\b", re.IGNORECASE)


def test_the_end_of_solve_says_what_was_made_and_what_to_do_next(tmp_path: Path) -> None:
    out = tmp_path / "schedule"
    printed = solve(INSTANCE, out)
    outbox = rows(out / "invites" / "outbox.csv")
    # One message per recipient of each file, as send will send them.
    messages = sum(len(row["to"].split("; ")) for row in outbox if row["method"] == "REQUEST")
    events = len({row["uid"] for row in outbox})
    assert messages > 0
    said = f"Nästa steg: {messages} meddelanden till "
    assert said in printed, printed
    assert f"om {events} passdag" in printed
    assert f"{messages} inbjudningar väntar på att skickas" in printed
    assert f"schemalaggning send {out}" in printed
    assert str(out / "rapport.html") in printed or "rapport.html" in printed
    assert "Alla 8 obligatoriska kurstillfällen är schemalagda i 2 pass." in printed
    assert not SOLVER_WORDS.search(printed), printed

    verbose = solve(INSTANCE, out, "--verbose")
    assert SOLVER_WORDS.search(verbose)
    assert "schemalaggning send" in verbose
    # The JSON output is the summary, as before.
    result = CliRunner().invoke(main, ["solve", str(INSTANCE), "-o", str(out), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["sessions"] == 2


def test_the_closing_lines_name_only_what_is_still_not_written(
    example: Path, tmp_path: Path
) -> None:
    summary = json.loads((example / "summary.json").read_text(encoding="utf-8"))
    summary["not_written"] = ["views", "calendars"]
    # Left out by solve, they are named with the commands that write them...
    bare = tmp_path / "schedule"
    bare.mkdir()
    missing = closing_lines(bare, summary)
    assert f"  schemalaggning export views {bare}" in missing
    assert f"  schemalaggning export ics {bare}" in missing
    # The outbox carried over is the schedule before's: send is not offered before the
    # calendars are written (with the views alone missing, it is).
    shutil.copytree(example / "invites", bare / "invites")
    assert not [line for line in closing_lines(bare, summary) if "schemalaggning send" in line]
    views_only = {**summary, "not_written": ["views"]}
    assert f"  schemalaggning send {bare}" in closing_lines(bare, views_only)
    # ... and no longer once those commands wrote them (summary.json still lists them).
    written = closing_lines(example, summary)
    assert not [line for line in written if "hann inte skrivas" in line]
    assert not [line for line in written if "schemalaggning export" in line]


def test_export_views_rewrites_the_views_of_a_folder_and_keeps_the_rest(tmp_path: Path) -> None:
    out = tmp_path / "schedule"
    solve(INSTANCE, out)
    (out / "rapport.html").unlink()
    shutil.rmtree(out / "planer")
    (out / "anteckning.txt").write_text("min egen anteckning", encoding="utf-8")
    kept = {
        str(p.relative_to(out)): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.name not in ("schema.xlsx", ".schemalaggning")
    }
    result = CliRunner().invoke(main, ["export", "views", str(out), "--instance", str(INSTANCE)])
    assert result.exit_code == 0, result.output
    assert "schemalaggning send" in result.output
    assert (out / "rapport.html").is_file()
    assert (out / "planer" / "personer" / "A1.html").is_file()
    assert (out / "planer" / "utbildare" / "C1.html").is_file()
    for name, content in kept.items():
        assert (out / name).read_bytes() == content, name
    # The folder was replaced whole: what it held before is in its history.
    assert [p.name for p in (out / "history").iterdir()]
    assert check_schedule(read_instance(INSTANCE), read_schedule(out)) == []


def test_a_replan_shows_its_changes_and_an_elective_assessment(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    shutil.copytree(INSTANCE, instance)
    (instance / "electives.csv").write_text(
        "request_id,person_id,title,from,to,half,cost_sek,status\n"
        "E1,A1,Motiverande samtal,2027-03-01,2027-03-02,,4000,requested\n",
        encoding="utf-8",
    )
    published = tmp_path / "published"
    solve(instance, published)
    # The room of the first session is booked that day, and a new hire arrives: the
    # re-plan lists what changed.
    first = rows(published / "sessions.csv")[0]
    with (instance / "unavailability.csv").open("a", encoding="utf-8") as handle:
        handle.write(f"{first['room_id']},{first['start'][:10]},{first['start'][:10]},,bokad\n")
    people = instance / "people.csv"
    people.write_text(
        people.read_text(encoding="utf-8-sig")
        + "A3,Amir Said,amir@example.org,D1,2027-01-05,yes,\n",
        encoding="utf-8",
    )
    out = tmp_path / "replanned"
    result = CliRunner().invoke(
        main,
        [
            "replan",
            str(instance),
            "--published",
            str(published),
            "--today",
            "2027-01-04",
            "--freeze-weeks",
            "0",
            "-o",
            str(out),
            "--time-limit",
            "5",
        ],
    )
    assert result.exit_code == 0, result.output
    assert check_schedule(read_instance(instance), read_schedule(out)) == []
    assert not SOLVER_WORDS.search(result.output), result.output
    changes = rows(out / "changes.csv")
    assert changes
    workbook = openpyxl.load_workbook(out / "schema.xlsx")
    assert workbook["Ändringar"].max_row == len(changes) + 1
    assessed = workbook["Individuella kurser"]
    assert [c.value for c in assessed[2]][:2] == ["E1", "Anna Andersson"]
    report = (out / "rapport.html").read_text(encoding="utf-8")
    assert 'id="andringar"' in report and 'id="individuella"' in report
    assert "Amir Said" in (out / "planer" / "personer" / "A3.html").read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# Format 1.2: courses held every year, plans ahead, past sessions
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def yearly(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The example over two whole years and a quarter, solved once: (instance, schedule).

    Its four hires and the experienced Xenia all take the part-2 course T1 in January
    2027, so in 2028 nobody is left to make a group of two: T1's offering of 2028 cannot
    be held. The horizon covers 89 days of 2029, a year that owes no offering.
    """
    root = tmp_path_factory.mktemp("yearly")
    instance = root / "instance"
    shutil.copytree(INSTANCE, instance)
    settings = instance / "instance.toml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(text.replace("2027-03-31", "2029-03-30"), encoding="utf-8")
    out = root / "schedule"
    printed = solve(instance, out, "--no-ics")
    assert "En kurs kan inte ges så många gånger som krävs under ett år" in printed
    return instance, out


def test_an_offering_that_cannot_be_held_is_shown_as_the_course_and_year(
    yearly: tuple[Path, Path],
) -> None:
    _, schedule = yearly
    offering = [row for row in rows(schedule / "unscheduled.csv") if not row["person_id"]]
    assert [(row["course_id"], row["deadline"][:4]) for row in offering] == [("T1", "2028")]
    deadline = datetime.fromisoformat(offering[0]["deadline"])

    # The workbook's unmet sheet: the course in 2028, no person.
    unmet = sheet_rows(schedule / "schema.xlsx", "Ej schemalagda")
    header, listed = unmet[0], [dict(zip(unmet[0], row, strict=True)) for row in unmet[1:]]
    assert header[:3] == ("gäller", "namn", "person-id")
    assert len(listed) == 1
    row = listed[0]
    assert row["gäller"] == "kursen 2028"
    assert row["namn"] is None and row["person-id"] is None and row["stadsdel"] is None
    assert row["kurs"] == "Samtal med barn"
    assert row["senast"] == deadline
    assert row["hinder"] == "för få deltagare för en grupp"
    # The reason in Swedish, without the engine's English words.
    assert str(row["förklaring"]).startswith("T1 Samtal med barn kan inte ges 2028: för få ")
    assert "too few" not in str(row["förklaring"])

    # The report's section of the unmet: the same sentence, and no person's row.
    html = (schedule / "rapport.html").read_text(encoding="utf-8")
    section = html[html.index('<section id="ej-schemalagda">') :]
    section = section[: section.index("</section>")]
    item = re.search(r'<li data-course="T1" data-year="2028">(.*?)</li>', section, re.DOTALL)
    assert item is not None
    assert re.sub(r"<[^>]+>", "", item.group(1)).startswith(
        "T1 Samtal med barn kan inte ges 2028: för få deltagare"
    )
    assert "<tr><td>" not in section
    # The key figures tell the offering apart from the attendances, all met.
    summary = json.loads((schedule / "summary.json").read_text(encoding="utf-8"))
    figures = " ".join(line for line in closing_lines(schedule, summary))
    assert f"Alla {summary['required_attendances']} obligatoriska kurstillfällen" in figures


@pytest.mark.parametrize(
    ("reason", "rule", "words"),
    [
        (
            "closed_day: "
            + OFFERING_NO_BLOCK.format(year=2028, half_days=10)
            + " "
            + OFFERING_COUNT.format(held=0, needed=1),
            "stängda dagar",
            "2028 har inga 10 öppna halvdagar i följd inom en vecka, som ett pass behöver",
        ),
        (
            "trainer_available: "
            + OFFERING_NO_ROOM_OR_TRAINERS.format(year=2028, group=4, trainers=1)
            + " "
            + OFFERING_COUNT.format(held=0, needed=1),
            "ingen utbildare ledig",
            "ingen tid under 2028 har både en ledig lokal för 4 och 1 behöriga utbildare lediga",
        ),
        (
            "min_group: "
            + OFFERING_TOO_FEW.format(year=2028, most=1, group=6)
            + " "
            + OFFERING_COUNT.format(held=2, needed=3),
            "för få deltagare för en grupp",
            "för få deltagare går att samla under 2028 (som mest 1 av de 6 som en grupp behöver är "
            "lediga samtidigt), och kursens andra pass kan inte avvara några",
        ),
        # A reason the views do not know is shown as it is, without the count.
        (
            "min_group: something new " + OFFERING_COUNT.format(held=0, needed=1),
            "för få deltagare för en grupp",
            "something new",
        ),
    ],
)
def test_an_offerings_reason_is_said_in_swedish(reason: str, rule: str, words: str) -> None:
    from schemalaggning.export.views_years import offering_words

    assert offering_words(reason) == (rule, words)


def test_the_courses_held_per_year_against_their_minimum(yearly: tuple[Path, Path]) -> None:
    _, schedule = yearly
    held: dict[tuple[str, int], int] = defaultdict(int)
    for session in rows(schedule / "sessions.csv"):
        if int(session["participants"]):
            held[session["course_id"], int(session["start"][:4])] += 1
    assert held["T1", 2027] >= 1 and held["T1", 2028] == 0

    workbook = openpyxl.load_workbook(schedule / "schema.xlsx")
    sheet = workbook["Kurser per år"]
    header = [c.value for c in sheet[1]]
    assert header == [
        "kurs-id",
        "kurs",
        "del",
        "minst per år",
        "2027",
        "2028",
        "2029 (del av året)",
        "anmärkning",
    ]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref is not None
    shown = {
        str(r[0]): dict(zip(header, r, strict=True))
        for r in sheet.iter_rows(min_row=2, values_only=True)
    }
    assert set(shown) == {"P1", "T1"}
    for course, row in shown.items():
        for year, label in ((2027, "2027"), (2028, "2028"), (2029, "2029 (del av året)")):
            assert row[label] == held[course, year], (course, year)
    # Part 1 owes no session a year, part 2 one; T1's 2028 is short, in red, in words.
    assert shown["P1"]["minst per år"] == 0 and shown["P1"]["anmärkning"] is None
    assert shown["T1"]["minst per år"] == 1
    assert shown["T1"]["anmärkning"] == "för få 2028: 0 av minst 1"
    t1 = next(n for n, r in enumerate(sheet.iter_rows(values_only=True), 1) if r[0] == "T1")

    def red(column: int) -> bool:
        color = sheet.cell(t1, column).font.color
        return color is not None and str(color.rgb).endswith("B00020")

    assert [red(column) for column in (5, 6, 7, 8)] == [False, True, False, True]

    # The report's table: every year of the horizon, the cut one marked, T1's 2028 short.
    html = (schedule / "rapport.html").read_text(encoding="utf-8")
    section = html[html.index('<section id="kurser-per-ar">') :]
    section = section[: section.index("</section>")]
    assert re.findall(r'<th class="num" data-year="(\d{4})">', section) == [
        "2027",
        "2028",
        "2029",
    ]
    assert "del av året, 89 dagar" in section
    assert "Bara 89 dagar av 2029 ligger i perioden" in section
    t1_row = re.search(r'<tr data-course="T1">(.*?)</tr>', section, re.DOTALL)
    assert t1_row is not None
    cells = re.findall(
        r'<td class="num( short)?" data-held="(\d+)" data-least="(\d+)">', t1_row.group(1)
    )
    assert cells == [
        ("", str(held["T1", 2027]), "1"),
        (" short", "0", "1"),
        ("", "0", "0"),
    ]
    assert 'href="#kurser-per-ar"' in html


def test_the_timeline_shows_every_year_of_the_horizon(
    yearly: tuple[Path, Path], tmp_path: Path
) -> None:
    require(None if chromium() else "chromium is missing (apt-get install chromium)")
    _, schedule = yearly
    shown = browse((schedule / "rapport.html").as_uri(), tmp_path / "profile", "--dump-dom")
    assert shown.returncode == 0, shown.stderr[-2000:]
    assert console_lines(shown.stderr) == []
    dom = shown.stdout
    assert 'data-script-errors="0"' in dom
    timeline = dom[dom.index('id="tidslinje"') : dom.index('id="kurser-per-ar"')]
    # Each year named above its part of the axis, which runs to the horizon's end.
    names = re.findall(r'class="annotation-text"[^>]*>([^<]+)<', timeline)
    assert names[:3] == ["2027", "2028", "2029 (del av året)"]
    # After them, the names of the longer closed periods, shaded.
    assert all(not name[0].isdigit() for name in names[3:])
    ticks = re.findall(r'<g class="xtick"><text[^>]*>([^<]+)<', timeline)
    assert {"jan 2027", "jan 2028", "jan 2029"} <= set(ticks)
    # A dotted line where 2028 and 2029 begin (beside the closed periods' shading).
    assert timeline.count('class="shape-group"') >= 2


def _plan_ahead_schedule(root: Path, *, b2_in_part1: bool) -> tuple[Path, Path]:
    """The example with ``plan_ahead = 1``, so that Bo Berg (B2), whose windows close
    after the horizon, is due nothing, and its schedule with B2 out of T1 (and, unless
    ``b2_in_part1``, out of P1) and B1's T1 unmet: (instance, schedule)."""
    instance = root / "instance"
    shutil.copytree(INSTANCE, instance)
    settings = instance / "instance.toml"
    settings.write_text(
        settings.read_text(encoding="utf-8").replace(
            'holidays = "SE"', 'holidays = "SE"\nplan_ahead = 1'
        ),
        encoding="utf-8",
    )
    schedule = root / "schedule"
    shutil.copytree(DATA / "schedule", schedule)
    dropped = {("B2", "T1"), ("B1", "T1")} | (set() if b2_in_part1 else {("B2", "P1")})
    assignments = [
        a
        for a in rows(schedule / "assignments.csv")
        if (a["person_id"], a["course_id"]) not in dropped
    ]
    with (schedule / "assignments.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, ["person_id", "course_id", "session_id"])
        writer.writeheader()
        writer.writerows(assignments)
    sessions = rows(schedule / "sessions.csv")
    for session in sessions:
        session["participants"] = str(
            sum(1 for a in assignments if a["session_id"] == session["session_id"])
        )
    with (schedule / "sessions.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, list(sessions[0]))
        writer.writeheader()
        writer.writerows(sessions)
    (schedule / "unscheduled.csv").write_text(
        "person_id,course_id,deadline,reason\n"
        "B1,T1,2027-03-25,min_group: no session of T1 has a seat for Berit\n",
        encoding="utf-8",
    )
    return instance, schedule


@pytest.mark.parametrize("b2_in_part1", [True, False])
def test_a_theme_not_yet_due_comes_after_the_persons_part1(
    tmp_path: Path, b2_in_part1: bool
) -> None:
    from schemalaggning.export.plans import write_plans
    from schemalaggning.export.views_data import build_views

    instance, schedule = _plan_ahead_schedule(tmp_path, b2_in_part1=b2_in_part1)
    loaded = read_instance(instance)
    read = read_schedule(schedule)
    assert check_schedule(loaded, read) == []
    b2 = loaded.person_by_id["B2"]
    assert not loaded.is_due(b2, loaded.course_by_id["T1"])
    views = build_views(
        loaded,
        [s for _, s in read.sessions],
        [a for _, a in read.assignments],
        [u for _, u in read.unscheduled],
        read.summary,
    )
    write_plans(tmp_path / "planer", views)

    def theme_row(person_id: str) -> str:
        page = (tmp_path / "planer" / "personer" / f"{person_id}.html").read_text(encoding="utf-8")
        found = re.search(r'<tr data-course="T1">(.*?)</tr>', page, re.DOTALL)
        assert found is not None, person_id
        return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1)))

    # Bo's theme is for a later schedule: not before the day after his part 1 (the
    # session of 11 January, or when it has none the day after its first possible day,
    # 10 January), never on his first day; at the latest when his window closes.
    row = theme_row("B2")
    if b2_in_part1:
        assert "12 januari 2027" in row
        assert "Planeras i ett senare schema." in row
    else:
        assert "11 januari 2027" in row
        assert "Planeras i ett senare schema, efter Del 1: introduktion." in row
    assert "10 januari 2027" not in row
    assert "10 maj 2027" in row  # Senast: the window's close.
    # Berit's theme is due and unmet: the reason, not a later schedule.
    row = theme_row("B1")
    assert "Kan inte schemaläggas inom tiden" in row
    assert "Planeras i ett senare schema" not in row
    assert "12 januari 2027" in row and "25 mars 2027" in row


def test_the_views_are_written_for_a_schedule_with_past_sessions(tmp_path: Path) -> None:
    out = tmp_path / "schedule"
    solve(INSTANCE, out, "--no-ics")
    sessions = rows(out / "sessions.csv")
    for number, session in enumerate(sessions):
        session["past"] = "yes" if number == 0 else ""
    with (out / "sessions.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, list(sessions[0]))
        writer.writeheader()
        writer.writerows(sessions)
    (out / "rapport.html").unlink()
    result = CliRunner().invoke(main, ["export", "views", str(out), "--instance", str(INSTANCE)])
    assert result.exit_code == 0, result.output
    read = read_schedule(out)
    assert [s.past for _, s in read.sessions] == [True] + [False] * (len(sessions) - 1)
    assert check_schedule(read_instance(INSTANCE), read) == []
    html = (out / "rapport.html").read_text(encoding="utf-8")
    assert len(re.findall(r'<tr class="session"', html)) == len(sessions)
    shown = sheet_rows(out / "schema.xlsx", "Pass")
    assert len(shown) == len(sessions) + 1


@pytest.mark.parametrize(
    ("offerings", "sentence"),
    [
        (
            {"years": [2027, 2028], "owed": 38, "unheld": 0},
            "Varje kurs ges minst så många gånger som krävs under 2027 och 2028.",
        ),
        (
            {"years": [2027], "owed": 19, "unheld": 0},
            "Varje kurs ges minst så många gånger som krävs under 2027.",
        ),
        # Nothing owed (a plan shorter than half a year): nothing said.
        ({"years": [], "owed": 0, "unheld": 0}, None),
    ],
)
def test_the_end_of_a_run_says_every_course_is_held_each_year(
    offerings: dict[str, object], sentence: str | None
) -> None:
    from schemalaggning.export.summary_words import key_figures

    summary = {
        "required_attendances": 10,
        "due_met": 10,
        "unscheduled": 0,
        "sessions": 3,
        "offerings": offerings,
    }
    said = [f.sentence for f in key_figures(summary) if f.key == "held_offerings"]
    assert said == ([sentence] if sentence else [])
