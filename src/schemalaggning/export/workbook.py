"""``schema.xlsx``: the schedule as a workbook a coordinator works in and prints from.

Sheets, in Swedish: a summary, the sessions, who attends which, the sign-in lists (one
session per printed page), every new hire's courses, the trainers' sessions and load per
week, the rooms, each course's sessions per calendar year against its yearly minimum,
the attendances that cannot be met and the courses that cannot be held often enough in a
year, with the reason, and, when the folder has them, the changes of a re-plan and the
assessment of personal course requests.

Dates are real Excel dates, every table has a frozen header row, a filter and columns as
wide as their content, and no text cell is ever taken for a formula, a number or a link
(the formats, widths and tables are made in :mod:`~schemalaggning.export.sheets`).

The workbook is written with XlsxWriter, which only writes: a city's workbook holds a few
hundred thousand cells, and building them as openpyxl's cell objects took most of the
time a ``solve`` spent writing its folder. openpyxl still reads workbooks (instances
given as ``.xlsx``).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from xlsxwriter import Workbook
from xlsxwriter.exceptions import FileCreateError

from schemalaggning.export.change_rows import change_rows
from schemalaggning.export.held import held_seats
from schemalaggning.export.sheets import (
    WORKBOOK_OPTIONS,
    Formats,
    fit_to_width,
    make_formats,
    page_header,
    set_width,
    table_sheet,
    write_rows,
)
from schemalaggning.export.summary_words import key_figures, unmet_counts
from schemalaggning.export.views_data import CourseState, Views
from schemalaggning.export.words import VERDICT_WORDS, rule_words, week_label
from schemalaggning.i18n import N_, _
from schemalaggning.swedish import long_date, weekday

#: The workbook's file name in a schedule folder.
WORKBOOK_FILE = "schema.xlsx"
#: The sheet of sign-in lists (translated where used).
SIGN_IN_SHEET = N_("Sign-in lists")
#: The height of a sign-in list's rows, in points: room to tick, and a list of 32 (the
#: largest rooms) with its heading still fits one A4 page.
SIGN_IN_ROW_HEIGHT = 18
#: Rows left blank at the end of a sign-in list, for people who come unlisted.
EXTRA_SIGN_IN_ROWS = 2


def write_workbook(path: Path, views: Views) -> Path:
    """Write ``schema.xlsx`` for a schedule.

    Parameters
    ----------
    path
        The file to write.
    views
        The schedule joined with its instance (:func:`~.views_data.build_views`).
    """
    workbook = Workbook(str(path), WORKBOOK_OPTIONS)
    formats = make_formats(workbook)
    _summary(workbook, formats, views)
    _sessions(workbook, formats, views)
    _participants(workbook, formats, views)
    _sign_in(workbook, formats, views)
    _people(workbook, formats, views)
    _trainers(workbook, formats, views)
    _rooms(workbook, formats, views)
    _offerings(workbook, formats, views)
    _unmet(workbook, formats, views)
    _held(workbook, formats, views)
    if views.changes:
        _changes(workbook, formats, views)
    if views.electives:
        _electives(workbook, formats, views)
    try:
        workbook.close()
    except FileCreateError as error:
        # XlsxWriter wraps what the disk said (a full disk, a folder made read-only):
        # raised as it was, it is named with the user's folder like any other file's.
        cause = error.args[0] if error.args else None
        if isinstance(cause, OSError):
            raise cause from None
        raise
    return path


def _summary(workbook: Workbook, formats: Formats, views: Views) -> None:
    settings = views.instance.settings
    if "unscheduled" in views.summary:
        unmet, unheld = unmet_counts(views.summary)
    else:
        unmet, unheld = len(views.unmet), len(views.unheld)
    owed = ", ".join(str(year.year) for year in views.years if year.owed)
    rows: list[list[Any]] = [
        [_("Instance"), settings.name],
        [_("First day"), settings.horizon_start],
        [_("Last day"), settings.horizon_end],
        [_("Districts"), len(views.instance.districts)],
        [_("New hires"), len(views.people)],
        [_("Sessions"), views.summary.get("sessions", len(views.sessions))],
        [_("Required attendances"), views.summary.get("required_attendances", "")],
        [_("Attendances that cannot be scheduled"), unmet],
        [_("Course and year with too few sessions"), unheld],
        [_("Years that require a number of sessions per course"), owed or _("none")],
        [_("Trainer half-days"), views.summary.get("trainer_half_days", "")],
        [_("Least possible trainer half-days"), views.summary.get("trainer_half_days_bound", "")],
    ]
    mean = views.summary.get("mean_days_to_part1")
    if isinstance(mean, int | float):
        rows.append([_("Days from start until part 1 is done (mean)"), round(mean, 1)])
    if views.changes:
        rows.append([_("Changes against the published schedule"), len(views.changes)])
    rows.append([None, None])
    changes = len(views.changes) if "changes" in views.summary else None
    rows.extend(
        [figure.sentence, None] for figure in key_figures(views.summary, changes) if figure.sentence
    )
    sheet = table_sheet(
        workbook, formats, N_("Summary"), [N_("Item"), N_("Value")], rows, filtered=False
    )
    set_width(sheet, 0, 42)


#: The headings of the sessions' sheet (translated where used).
SESSION_HEADER = (
    N_("session"),
    N_("date"),
    N_("end date"),
    N_("weekday"),
    N_("week"),
    N_("time"),
    N_("course"),
    N_("course id"),
    N_("part"),
    N_("half-days"),
    N_("room"),
    N_("address"),
    N_("trainers"),
    N_("participants"),
    N_("districts"),
    N_("held seats"),
)


def _sessions(workbook: Workbook, formats: Formats, views: Views) -> None:
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
            view.session.held,
        ]
        for view in views.sessions
    ]
    table_sheet(workbook, formats, N_("Sessions"), SESSION_HEADER, rows)


def _held(workbook: Workbook, formats: Formats, views: Views) -> None:
    """The seats held for expected hires, by start month and district (when any are)."""
    rows = [[h.month_words, h.district, h.seats, h.sessions] for h in held_seats(views)]
    if rows:
        header = [N_("start month"), N_("district"), N_("held seats"), N_("number of sessions")]
        table_sheet(workbook, formats, N_("Held seats"), header, rows)


def _participants(workbook: Workbook, formats: Formats, views: Views) -> None:
    people = views.instance.person_by_id
    districts = views.instance.district_by_id
    by_id = views.session_by_id
    rows = []
    new_hire, experienced = _("new hire"), _("experienced")
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
                new_hire if person.required else experienced,
            ]
        )
    header = (
        N_("person id"),
        N_("name"),
        N_("district"),
        N_("e-mail"),
        N_("course"),
        N_("course id"),
        N_("session"),
        N_("date"),
        N_("time"),
        N_("room"),
        N_("employment"),
    )
    table_sheet(workbook, formats, N_("Participants"), header, rows)


def _sign_in(workbook: Workbook, formats: Formats, views: Views) -> None:
    """One sign-in list per session, each on a printed page of its own."""
    sheet = workbook.add_worksheet(_(SIGN_IN_SHEET))
    header = (_("Name"), _("District"), _("E-mail"), _("Present"), _("Id"))
    districts = views.instance.district_by_id
    blank = ("", "", "", "", "")
    # Rows count from 0 here; a page break is stored by the number (from 1) of the row
    # it follows, a list's last.
    breaks: list[int] = []
    row = 0
    for view in views.sessions:
        sheet.write_string(row, 0, view.course.name or view.course.course_id, formats.title)
        place = ", ".join(part for part in (view.room.name, view.room.address) if part)
        lines = [
            _("Sign-in list, session {session}").format(session=view.session_id),
            view.when_text,
            _("Room: {room}").format(room=place),
            _("Trainers: {names}").format(names=view.trainer_names),
            _(
                "{count} signed up. Tick those who are here; add those who come without "
                "being on the list."
            ).format(count=len(view.people)),
        ]
        write_rows(sheet, row + 1, [[line] for line in lines])
        row += len(lines) + 2
        sheet.write_row(row, 0, header, formats.boxed_header)
        listed = [
            (
                person.name,
                districts[person.district_id].name,
                person.email,
                "",
                person.person_id,
            )
            for person in view.people
        ]
        for values in [*listed, *[blank] * EXTRA_SIGN_IN_ROWS]:
            row += 1
            write_rows(sheet, row, [values], formats.boxed)
            sheet.set_row(row, SIGN_IN_ROW_HEIGHT)
        breaks.append(row + 1)
        row += 1
    for column, width in enumerate((30, 18, 32, 13, 10)):
        set_width(sheet, column, width)
    sheet.print_area(0, 0, max(0, row - 1), 4)
    # Excel holds at most 1 023 manual page breaks, and XlsxWriter writes no more: in a
    # programme with more sessions the later lists are printed one after the other.
    sheet.set_h_pagebreaks(breaks)
    sheet.set_portrait()
    sheet.set_paper(9)  # A4
    fit_to_width(sheet)
    sheet.center_horizontally()
    # Translators: a printed page's footer; &P is the page's number, &N the pages'.
    sheet.set_footer("&C" + _("Page &P of &N"))
    if views.instance.settings.name:
        sheet.set_header(page_header(views.instance.settings.name))


def _people(workbook: Workbook, formats: Formats, views: Views) -> None:
    courses = views.instance.courses
    header = [
        N_("person id"),
        N_("name"),
        N_("district"),
        N_("start date"),
        N_("done"),
        N_("scheduled"),
        N_("left"),
        *[f"{c.course_id} {c.name}".strip() for c in courses],
    ]
    done = _("done")
    unmet_cells: set[str] = set()
    rows = []
    for plan in views.people:
        cells: list[Any] = []
        for status in plan.courses:
            if status.session is not None:
                cells.append(status.session.first_day)
            elif status.state is CourseState.DONE:
                cells.append(done)
            elif status.state is CourseState.UNMET:
                cell = _("cannot, by {day}").format(day=long_date(status.deadline))
                unmet_cells.add(cell)
                cells.append(cell)
            else:
                cells.append(_("by {day}").format(day=long_date(status.deadline)))
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
    sheet = table_sheet(workbook, formats, N_("People"), header, rows)
    # The courses' headings are the data's names, written as they are.
    sheet.write_row(0, 7, header[7:], formats.header)
    sheet.freeze_panes(1, 2)
    for column in range(7, len(header)):
        set_width(sheet, column, 16)
    sheet.set_row(0, 45)
    # A course that cannot be given in time is written again, in red.
    for number, row in enumerate(rows, start=1):
        for column in range(7, len(row)):
            value = row[column]
            if isinstance(value, str) and value in unmet_cells:
                sheet.write_string(number, column, value, formats.unmet)


def _trainers(workbook: Workbook, formats: Formats, views: Views) -> None:
    rows = []
    load = []
    over, full = _("over the limit"), _("full")
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
                    over if half_days > limit else (full if half_days == limit else ""),
                ]
            )
    table_sheet(
        workbook,
        formats,
        N_("Trainers"),
        (
            N_("trainer"),
            N_("date"),
            N_("weekday"),
            N_("time"),
            N_("course"),
            N_("session"),
            N_("room"),
            N_("half-days"),
            N_("participants"),
        ),
        rows,
    )
    table_sheet(
        workbook,
        formats,
        N_("Trainer load"),
        (
            N_("trainer"),
            N_("week"),
            N_("Monday"),
            N_("half-days"),
            N_("at most a week"),
            N_("left"),
            N_("note"),
        ),
        load,
    )


def _rooms(workbook: Workbook, formats: Formats, views: Views) -> None:
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
        formats,
        N_("Rooms"),
        (
            N_("room"),
            N_("room id"),
            N_("address"),
            N_("seats"),
            N_("number of sessions"),
            N_("half-days"),
            N_("first session"),
            N_("last session"),
        ),
        rows,
    )


def _offerings(workbook: Workbook, formats: Formats, views: Views) -> None:
    """Each course's sessions with participants per calendar year, against the least it
    must be held in a year; a year held too few times is red and said in words."""
    header = [
        N_("course id"),
        N_("course"),
        N_("part"),
        N_("least per year"),
        *[year.label for year in views.years],
        N_("note"),
    ]
    rows: list[list[Any]] = []
    notes: list[str] = []
    for entry in views.offerings:
        note = "; ".join(
            _("too few in {year}: {held} of at least {least}").format(
                year=year.year, held=entry.held.get(year.year, 0), least=entry.least(year)
            )
            for year in views.years
            if entry.short(year)
        )
        notes.append(note)
        rows.append(
            [
                entry.course.course_id,
                entry.course.name,
                entry.course.part,
                entry.course.per_year,
                *[entry.held.get(year.year, 0) for year in views.years],
                note,
            ]
        )
    sheet = table_sheet(workbook, formats, N_("Courses per year"), header, rows)
    first_year = 4
    # The years' headings are written as they are.
    sheet.write_row(0, first_year, header[first_year:-1], formats.header)
    # A year held too few times, and the note that says so, are written again in red.
    for number, (entry, note) in enumerate(zip(views.offerings, notes, strict=True), start=1):
        for column, year in enumerate(views.years, start=first_year):
            if entry.short(year):
                sheet.write_number(number, column, entry.held.get(year.year, 0), formats.unmet)
        if note:
            sheet.write_string(number, len(header) - 1, note, formats.unmet)


def _unmet(workbook: Workbook, formats: Formats, views: Views) -> None:
    """The yearly offerings that cannot be held (the course and the year, first: they
    concern every hire), then the due attendances not met."""
    people = views.instance.person_by_id
    courses = views.instance.course_by_id
    districts = views.instance.district_by_id
    rows: list[list[Any]] = [
        [
            _("the course in {year}").format(year=offering.year),
            "",
            "",
            "",
            offering.course.name or offering.course.course_id,
            offering.deadline,
            offering.rule,
            offering.text,
        ]
        for offering in views.unheld
    ]
    for unmet in views.unmet:
        person = people[unmet.person_id]
        course = courses[unmet.course_id]
        rule, why = rule_words(unmet.reason)
        rows.append(
            [
                _("new hire"),
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
        formats,
        N_("Not scheduled"),
        (
            N_("concerns"),
            N_("name"),
            N_("person id"),
            N_("district"),
            N_("course"),
            N_("latest"),
            N_("obstacle"),
            N_("explanation"),
        ),
        rows,
    )
    set_width(sheet, 7, 100)


def _changes(workbook: Workbook, formats: Formats, views: Views) -> None:
    rows = [
        [row.what, row.course, row.person, row.before, row.after, row.why, row.session_id]
        for row in change_rows(views)
    ]
    table_sheet(
        workbook,
        formats,
        N_("Changes"),
        (
            N_("change"),
            N_("course"),
            N_("person"),
            N_("before"),
            N_("after"),
            N_("why"),
            N_("session"),
        ),
        rows,
    )


def _electives(workbook: Workbook, formats: Formats, views: Views) -> None:
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
        formats,
        N_("Personal courses"),
        (
            N_("request"),
            N_("person"),
            N_("course"),
            N_("from"),
            N_("to"),
            N_("cost (SEK)"),
            N_("assessment"),
            N_("reason"),
        ),
        rows,
    )
