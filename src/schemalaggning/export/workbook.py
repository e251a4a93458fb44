"""``schema.xlsx``: the schedule as a workbook a coordinator works in and prints from.

Sheets, in Swedish: a summary, the sessions, who attends which, the sign-in lists (one
session per printed page), every new hire's courses, the trainers' sessions and load per
week, the rooms, the attendances that cannot be met with the reason, and, when the folder
has them, the changes of a re-plan and the assessment of personal course requests.

Dates are real Excel dates, every table has a frozen header row, a filter and columns as
wide as their content, and no text cell is ever taken for a formula
(:func:`~schemalaggning.io.tables.keep_text`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from copy import copy
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from schemalaggning.export.views_data import (
    CHANGE_WORDS,
    VERDICT_WORDS,
    CourseState,
    Views,
    key_figures,
    rule_words,
    week_label,
)
from schemalaggning.io.tables import keep_text
from schemalaggning.swedish import weekday

#: The workbook's file name in a schedule folder.
WORKBOOK_FILE = "schema.xlsx"
#: The sheet of sign-in lists.
SIGN_IN_SHEET = "Närvarolistor"
DATE_FORMAT = "yyyy-mm-dd"
HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
HEADER_FONT = Font(bold=True)
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
#: The height of a sign-in list's rows, in points: room to tick, and a list of 32 (the
#: largest rooms) with its heading still fits one A4 page.
SIGN_IN_ROW_HEIGHT = 18
#: Rows left blank at the end of a sign-in list, for people who come unlisted.
EXTRA_SIGN_IN_ROWS = 2


def _width(value: Any) -> int:
    if isinstance(value, date):
        return 11
    text = "" if value is None else str(value)
    return max((len(line) for line in text.splitlines()), default=0)


def fit_columns(sheet: Worksheet, first_row: int = 1, most: int = 60) -> None:
    """Make every column as wide as its widest cell (within reason)."""
    fit_columns_to(sheet, sheet.iter_rows(min_row=first_row, values_only=True), most)


def fit_columns_to(sheet: Worksheet, rows: Iterable[Sequence[Any]], most: int = 60) -> None:
    """Make every column as wide as the widest of ``rows``' values in it (within reason)."""
    widths: dict[int, int] = {}
    for row in rows:
        for column, value in enumerate(row, start=1):
            widths[column] = max(widths.get(column, 0), _width(value))
    for column, width in widths.items():
        letter = get_column_letter(column)
        sheet.column_dimensions[letter].width = min(most, max(6, width + 2))


def table_sheet(
    workbook: Workbook, title: str, header: Sequence[str], rows: Sequence[Sequence[Any]]
) -> Worksheet:
    """A sheet holding one table: a bold header row, frozen, with a filter on every column.

    Date cells are shown as ``YYYY-MM-DD``; text cells stay text.
    """
    sheet: Worksheet = workbook.create_sheet(title)
    sheet.append(list(header))
    for item in sheet[1]:
        item.font = HEADER_FONT
        item.fill = HEADER_FILL
        item.alignment = Alignment(vertical="top", wrap_text=True)
    # One pass over the values, not over the cells: a cell is looked up only to show a
    # date as a date (the sheets of a large city hold a few hundred thousand cells).
    for number, row in enumerate(rows, start=2):
        sheet.append(list(row))
        for column, value in enumerate(row, start=1):
            if isinstance(value, date):
                sheet.cell(number, column).number_format = DATE_FORMAT
    sheet.freeze_panes = "A2"
    last = get_column_letter(max(1, len(header)))
    sheet.auto_filter.ref = f"A1:{last}{max(1, len(rows) + 1)}"
    fit_columns_to(sheet, [header, *rows])
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    fit_to_width(sheet)
    return sheet


def fit_to_width(sheet: Worksheet) -> None:
    """Print the sheet one page wide, as many pages long as it takes."""
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


def write_workbook(path: Path, views: Views) -> Path:
    """Write ``schema.xlsx`` for a schedule.

    Parameters
    ----------
    path
        The file to write.
    views
        The schedule joined with its instance (:func:`~.views_data.build_views`).
    """
    workbook = Workbook()
    first = workbook.active
    assert first is not None
    workbook.remove(first)
    _summary(workbook, views)
    _sessions(workbook, views)
    _participants(workbook, views)
    _sign_in(workbook, views)
    _people(workbook, views)
    _trainers(workbook, views)
    _rooms(workbook, views)
    _unmet(workbook, views)
    if views.changes:
        _changes(workbook, views)
    if views.electives:
        _electives(workbook, views)
    for sheet in workbook.worksheets:
        keep_text(sheet)
    workbook.save(path)
    return path


def _summary(workbook: Workbook, views: Views) -> None:
    settings = views.instance.settings
    rows: list[list[Any]] = [
        ["Instans", settings.name],
        ["Första dag", settings.horizon_start],
        ["Sista dag", settings.horizon_end],
        ["Stadsdelar", len(views.instance.districts)],
        ["Nyanställda", len(views.people)],
        ["Pass", views.summary.get("sessions", len(views.sessions))],
        ["Obligatoriska kurstillfällen", views.summary.get("required_attendances", "")],
        ["Kan inte schemaläggas", views.summary.get("unscheduled", len(views.unscheduled))],
        ["Utbildarhalvdagar", views.summary.get("trainer_half_days", "")],
        ["Minsta möjliga utbildarhalvdagar", views.summary.get("trainer_half_days_bound", "")],
    ]
    mean = views.summary.get("mean_days_to_part1")
    if isinstance(mean, int | float):
        rows.append(["Dagar från start till del 1 klar (medel)", round(mean, 1)])
    if views.changes:
        rows.append(["Ändringar mot det publicerade schemat", len(views.changes)])
    rows.append([None, None])
    changes = len(views.changes) if "changes" in views.summary else None
    rows.extend(
        [figure.sentence, None] for figure in key_figures(views.summary, changes) if figure.sentence
    )
    sheet = table_sheet(workbook, "Sammanfattning", ["Uppgift", "Värde"], rows)
    sheet.auto_filter.ref = None
    sheet.column_dimensions["A"].width = 42


SESSION_HEADER = (
    "pass",
    "datum",
    "slutdatum",
    "veckodag",
    "vecka",
    "tid",
    "kurs",
    "kurs-id",
    "del",
    "halvdagar",
    "lokal",
    "adress",
    "utbildare",
    "deltagare",
    "stadsdelar",
)


def _sessions(workbook: Workbook, views: Views) -> None:
    rows = [
        [
            view.session_id,
            view.first_day,
            view.last_day,
            weekday(view.first_day),
            view.week[1],
            view.time_text,
            view.course.name or view.course.course_id,
            view.course.course_id,
            view.course.part,
            view.half_days,
            view.room.name or view.room.room_id,
            view.room.address,
            view.trainer_names,
            view.session.participants,
            view.district_names,
        ]
        for view in views.sessions
    ]
    table_sheet(workbook, "Pass", SESSION_HEADER, rows)


def _participants(workbook: Workbook, views: Views) -> None:
    people = views.instance.person_by_id
    districts = views.instance.district_by_id
    by_id = views.session_by_id
    rows = []
    for assignment in views.assignments:
        person = people[assignment.person_id]
        view = by_id[assignment.session_id]
        rows.append(
            [
                person.person_id,
                person.name,
                districts[person.district_id].name,
                person.email,
                view.course.name or view.course.course_id,
                view.course.course_id,
                view.session_id,
                view.first_day,
                view.time_text,
                view.room.name or view.room.room_id,
                "nyanställd" if person.required else "erfaren",
            ]
        )
    header = (
        "person-id",
        "namn",
        "stadsdel",
        "e-post",
        "kurs",
        "kurs-id",
        "pass",
        "datum",
        "tid",
        "lokal",
        "anställning",
    )
    table_sheet(workbook, "Deltagare", header, rows)


def _sign_in(workbook: Workbook, views: Views) -> None:
    """One sign-in list per session, each on a printed page of its own."""
    sheet = workbook.create_sheet(SIGN_IN_SHEET)
    header = ("Namn", "Stadsdel", "E-post", "Närvarande", "Id")
    # The first boxed cell is styled; the others copy its style.
    boxed: Cell | None = None
    row = 1
    for view in views.sessions:
        sheet.cell(row, 1, view.course.name or view.course.course_id).font = Font(
            bold=True, size=14
        )
        lines = [
            f"Närvarolista, pass {view.session_id}",
            view.when_text,
            f"Lokal: {view.room.name}" + (f", {view.room.address}" if view.room.address else ""),
            f"Utbildare: {view.trainer_names}",
            f"{len(view.people)} anmälda. Kryssa för den som är här; skriv till den som "
            "kommer utan att stå på listan.",
        ]
        for offset, line in enumerate(lines, start=1):
            sheet.cell(row + offset, 1, line)
        row += len(lines) + 2
        for column, name in enumerate(header, start=1):
            item = sheet.cell(row, column, name)
            item.font = HEADER_FONT
            item.fill = HEADER_FILL
            item.border = BOX
        for person in [*view.people, *[None] * EXTRA_SIGN_IN_ROWS]:
            row += 1
            values = (
                [
                    person.name,
                    views.instance.district_by_id[person.district_id].name,
                    person.email,
                    "",
                    person.person_id,
                ]
                if person is not None
                else ["", "", "", "", ""]
            )
            for column, value in enumerate(values, start=1):
                # The first box's style is copied, as openpyxl copies a sheet's cells:
                # setting the border cell by cell looks it up among the workbook's styles
                # every time, which is most of the time a city's lists take.
                item = sheet.cell(row, column, value)
                if boxed is None:
                    item.border = BOX
                    boxed = item
                else:
                    item._style = copy(boxed._style)  # type: ignore[attr-defined]
            sheet.row_dimensions[row].height = SIGN_IN_ROW_HEIGHT
        sheet.row_breaks.append(Break(id=row))
        row += 1
    for letter, width in zip("ABCDE", (30, 18, 32, 13, 10), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.print_area = f"A1:E{max(1, row - 1)}"
    sheet.page_setup.orientation = "portrait"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    fit_to_width(sheet)
    sheet.print_options.horizontalCentered = True
    sheet.oddFooter.center.text = "Sida &P av &N"
    sheet.oddHeader.center.text = views.instance.settings.name


def _people(workbook: Workbook, views: Views) -> None:
    courses = views.instance.courses
    header = [
        "person-id",
        "namn",
        "stadsdel",
        "startdatum",
        "klara",
        "schemalagda",
        "kvar",
        *[f"{c.course_id} {c.name}".strip() for c in courses],
    ]
    rows = []
    for plan in views.people:
        cells: list[Any] = []
        for status in plan.courses:
            if status.session is not None:
                cells.append(status.session.first_day)
            elif status.state is CourseState.DONE:
                cells.append("klar")
            elif status.state is CourseState.UNMET:
                cells.append(f"kan inte, senast {status.deadline.isoformat()}")
            else:
                cells.append(f"senast {status.deadline.isoformat()}")
        rows.append(
            [
                plan.person.person_id,
                plan.person.name,
                plan.district.name,
                plan.person.start_date,
                len(plan.done),
                len(plan.scheduled),
                len(plan.open),
                *cells,
            ]
        )
    sheet = table_sheet(workbook, "Personer", header, rows)
    sheet.freeze_panes = "C2"
    for column in range(8, len(header) + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 16
    sheet.row_dimensions[1].height = 45
    red = Font(color="B00020")
    for row in sheet.iter_rows(min_row=2, min_col=8):
        for item in row:
            if isinstance(item.value, str) and item.value.startswith("kan inte"):
                item.font = red


def _trainers(workbook: Workbook, views: Views) -> None:
    rows = []
    load = []
    for plan in views.trainers:
        name = plan.trainer.name or plan.trainer.trainer_id
        limit = plan.trainer.max_half_days_per_week
        for view in plan.sessions:
            rows.append(
                [
                    name,
                    view.first_day,
                    weekday(view.first_day),
                    view.time_text,
                    view.course.name or view.course.course_id,
                    view.session_id,
                    view.room.name,
                    view.half_days,
                    len(view.people),
                ]
            )
        for week, half_days in sorted(plan.weeks.items()):
            monday = date.fromisocalendar(week[0], week[1], 1)
            load.append(
                [
                    name,
                    week_label(week),
                    monday,
                    half_days,
                    limit,
                    limit - half_days,
                    "över gränsen" if half_days > limit else ("full" if half_days == limit else ""),
                ]
            )
    table_sheet(
        workbook,
        "Utbildare",
        (
            "utbildare",
            "datum",
            "veckodag",
            "tid",
            "kurs",
            "pass",
            "lokal",
            "halvdagar",
            "deltagare",
        ),
        rows,
    )
    table_sheet(
        workbook,
        "Utbildarbelastning",
        ("utbildare", "vecka", "måndag", "halvdagar", "högst per vecka", "kvar", "anmärkning"),
        load,
    )


def _rooms(workbook: Workbook, views: Views) -> None:
    rows = []
    for room in views.instance.rooms:
        held = [v for v in views.sessions if v.room.room_id == room.room_id]
        rows.append(
            [
                room.name,
                room.room_id,
                room.address,
                room.capacity,
                len(held),
                sum(v.half_days for v in held),
                held[0].first_day if held else None,
                held[-1].last_day if held else None,
            ]
        )
    table_sheet(
        workbook,
        "Lokaler",
        (
            "lokal",
            "lokal-id",
            "adress",
            "platser",
            "pass",
            "halvdagar",
            "första pass",
            "sista pass",
        ),
        rows,
    )


def _unmet(workbook: Workbook, views: Views) -> None:
    people = views.instance.person_by_id
    courses = views.instance.course_by_id
    districts = views.instance.district_by_id
    rows = []
    for unmet in views.unscheduled:
        person = people[unmet.person_id]
        course = courses[unmet.course_id]
        rule, why = rule_words(unmet.reason)
        rows.append(
            [
                person.name,
                person.person_id,
                districts[person.district_id].name,
                course.name or course.course_id,
                unmet.deadline,
                rule,
                why,
            ]
        )
    sheet = table_sheet(
        workbook,
        "Ej schemalagda",
        ("namn", "person-id", "stadsdel", "kurs", "senast", "hinder", "förklaring"),
        rows,
    )
    sheet.column_dimensions["G"].width = 100


def _changes(workbook: Workbook, views: Views) -> None:
    people = views.instance.person_by_id
    courses = views.instance.course_by_id
    rows = []
    for change in views.changes:
        person = people.get(change.get("person_id", ""))
        course = courses.get(change.get("course_id", ""))
        rows.append(
            [
                CHANGE_WORDS.get(change.get("change", ""), change.get("change", "")),
                change.get("session_id", ""),
                course.name if course else change.get("course_id", ""),
                person.name if person else change.get("person_id", ""),
                change.get("before", ""),
                change.get("after", ""),
                change.get("why", ""),
            ]
        )
    table_sheet(
        workbook,
        "Ändringar",
        ("ändring", "pass", "kurs", "person", "före", "efter", "varför"),
        rows,
    )


def _electives(workbook: Workbook, views: Views) -> None:
    people = views.instance.person_by_id
    requests = {e.request_id: e for e in views.instance.electives}
    rows = []
    for row in views.electives:
        person = people.get(row.get("person_id", ""))
        request = requests.get(row.get("request_id", ""))
        rows.append(
            [
                row.get("request_id", ""),
                person.name if person else row.get("person_id", ""),
                request.title if request else "",
                request.start if request else None,
                request.end if request else None,
                request.cost_sek if request else None,
                VERDICT_WORDS.get(row.get("verdict", ""), row.get("verdict", "")),
                row.get("reason", ""),
            ]
        )
    table_sheet(
        workbook,
        "Individuella kurser",
        ("ansökan", "person", "kurs", "från", "till", "kostnad (kr)", "bedömning", "skäl"),
        rows,
    )
