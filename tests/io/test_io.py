"""Reading, validating and writing instances: bad input is reported, never a traceback.

Every broken instance is the valid example (``tests/data/example/instance``) with one thing
changed, built both as a CSV folder and as an xlsx workbook. For each, ``validate`` must
exit with status 2 and name the file (or sheet), row, column and value of the problem,
and :func:`read_instance` must raise :class:`InputError` with the same problem.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol

import openpyxl
import pytest
from click.testing import CliRunner, Result
from openpyxl.workbook.workbook import Workbook

from schemalaggning.cli import EXIT_BAD_INPUT, main
from schemalaggning.domain import Assignment, Elective, ElectiveStatus, Half, Instance, Session
from schemalaggning.i18n import LANGUAGE_VARIABLE
from schemalaggning.io import (
    read_instance,
    read_instance_with_warnings,
    read_schedule,
    write_instance,
    write_instance_xlsx,
)
from schemalaggning.problems import InputError, Problem, Severity
from schemalaggning.references import find_cycles


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests read the English words of the messages (the message ids); the Swedish
    are tested in ``tests/test_terminal_words.py``."""
    monkeypatch.setenv(LANGUAGE_VARIABLE, "en")


DATA = Path(__file__).parents[1] / "data" / "example"
EXAMPLE = DATA / "instance"
WORKBOOK = "instance.xlsx"
FOLDER = "instance"

# ---------------------------------------------------------------------------------------------
# Edits: each changes one thing, in a CSV folder or in a workbook.
# ---------------------------------------------------------------------------------------------


class Edit(Protocol):
    """One change to a valid instance, in either of its two forms."""

    def to_folder(self, folder: Path) -> None:
        """Apply the change to a CSV folder with ``instance.toml``."""

    def to_workbook(self, workbook: Workbook) -> None:
        """Apply the change to an xlsx workbook."""


def read_records(path: Path) -> list[list[str]]:
    """A CSV file of the example as records (UTF-8, comma-separated)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def write_records(path: Path, records: list[list[str]], delimiter: str = ",") -> None:
    """Write records as a UTF-8 CSV file."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=delimiter, lineterminator="\n").writerows(records)


def column_index(header: list[Any], column: str) -> int:
    """The index of a column in a header row."""
    return [str(name) for name in header].index(column)


@dataclass(frozen=True)
class SetCell:
    """Set one cell of a table (row as the spreadsheet numbers it)."""

    table: str
    row: int
    column: str
    value: Any

    def to_folder(self, folder: Path) -> None:
        path = folder / f"{self.table}.csv"
        records = read_records(path)
        records[self.row - 1][column_index(records[0], self.column)] = str(self.value)
        write_records(path, records)

    def to_workbook(self, workbook: Workbook) -> None:
        sheet = workbook[self.table]
        header = [cell.value for cell in sheet[1]]
        sheet.cell(self.row, column_index(header, self.column) + 1, self.value)


@dataclass(frozen=True)
class AddColumn:
    """Add an optional column to a table, empty but for one cell (row as numbered)."""

    table: str
    column: str
    row: int
    value: Any

    def to_folder(self, folder: Path) -> None:
        path = folder / f"{self.table}.csv"
        records = read_records(path)
        records = [[*record, ""] for record in records]
        records[0][-1] = self.column
        records[self.row - 1][-1] = str(self.value)
        write_records(path, records)

    def to_workbook(self, workbook: Workbook) -> None:
        sheet = workbook[self.table]
        column = sheet.max_column + 1
        sheet.cell(1, column, self.column)
        sheet.cell(self.row, column, self.value)


@dataclass(frozen=True)
class CopyRow:
    """Append a copy of a row, with some cells changed."""

    table: str
    row: int
    changes: dict[str, str] = field(default_factory=dict)

    def to_folder(self, folder: Path) -> None:
        path = folder / f"{self.table}.csv"
        records = read_records(path)
        copy = list(records[self.row - 1])
        for column, value in self.changes.items():
            copy[column_index(records[0], column)] = value
        write_records(path, [*records, copy])

    def to_workbook(self, workbook: Workbook) -> None:
        sheet = workbook[self.table]
        header = [cell.value for cell in sheet[1]]
        copy = [cell.value for cell in sheet[self.row]]
        for column, value in self.changes.items():
            copy[column_index(header, column)] = value
        sheet.append(copy)


@dataclass(frozen=True)
class DropColumn:
    """Remove a column from a table."""

    table: str
    column: str

    def to_folder(self, folder: Path) -> None:
        path = folder / f"{self.table}.csv"
        records = read_records(path)
        index = column_index(records[0], self.column)
        write_records(path, [record[:index] + record[index + 1 :] for record in records])

    def to_workbook(self, workbook: Workbook) -> None:
        sheet = workbook[self.table]
        sheet.delete_cols(column_index([c.value for c in sheet[1]], self.column) + 1)


@dataclass(frozen=True)
class DropTable:
    """Remove a table: its CSV file, or its sheet."""

    table: str

    def to_folder(self, folder: Path) -> None:
        (folder / f"{self.table}.csv").unlink()

    def to_workbook(self, workbook: Workbook) -> None:
        del workbook[self.table]


@dataclass(frozen=True)
class SetTable:
    """Replace a table (or add one) with these records; no records is an empty file."""

    table: str
    records: tuple[tuple[str, ...], ...]

    def to_folder(self, folder: Path) -> None:
        write_records(folder / f"{self.table}.csv", [list(r) for r in self.records])

    def to_workbook(self, workbook: Workbook) -> None:
        if self.table in workbook.sheetnames:
            del workbook[self.table]
        sheet = workbook.create_sheet(self.table)
        for record in self.records:
            sheet.append(list(record))


def toml_line_index(lines: list[str], key: str) -> int | None:
    """The index of the line that sets a key (``slots.AM`` is ``AM`` under ``[slots]``)."""
    *table, name = key.split(".")
    section: list[str] = []
    for index, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith("["):
            section = stripped.strip("[]").split(".")
        elif section == table and re.match(rf"{re.escape(name)}\s*=", stripped):
            return index
    return None


def sheet_row(workbook: Workbook, key: str) -> int | None:
    """The row of a key in the settings sheet."""
    for row in workbook["settings"].iter_rows(min_row=2):
        if row[0].value == key:
            return row[0].row
    return None


def toml_inline(value: Any) -> str:
    """A value as one line of TOML (inline tables, not the ``[[array]]`` form)."""
    if isinstance(value, list):
        return "[" + ", ".join(toml_inline(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {toml_inline(v)}" for k, v in value.items()) + " }"
    if isinstance(value, str):
        # A JSON string is a valid TOML basic string for ordinary text.
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


@dataclass(frozen=True)
class SetSetting:
    """Set one setting: a line of ``instance.toml``, or a row of the settings sheet.

    ``value`` is written as TOML in the file; in the sheet, text and dates are written
    as they are and anything else as TOML, the way the writer does.
    """

    key: str
    value: Any

    def to_folder(self, folder: Path) -> None:
        path = folder / "instance.toml"
        lines = path.read_text(encoding="utf-8").splitlines()
        index = toml_line_index(lines, self.key)
        if index is None and "." not in self.key:
            # A top-level setting the example leaves out goes above the first table.
            index = next(i for i, line in enumerate(lines) if line.startswith("["))
            lines.insert(index, "")
        assert index is not None, f"no line for {self.key}"
        # A multi-line array goes whole: its other lines are dropped with the first.
        end = index
        depth = lines[index].count("[") - lines[index].count("]")
        while depth > 0:
            end += 1
            depth += lines[end].count("[") - lines[end].count("]")
        name = self.key.split(".")[-1]
        lines[index : end + 1] = [f"{name} = {toml_inline(self.value)}"]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def to_workbook(self, workbook: Workbook) -> None:
        row = sheet_row(workbook, self.key)
        if row is None and "." not in self.key:
            # A setting the example leaves out is added as a row of its own.
            workbook["settings"].append([self.key])
            row = workbook["settings"].max_row
        assert row is not None, f"no row for {self.key}"
        value = self.value
        if not isinstance(value, str | date):
            value = toml_inline(value)
        workbook["settings"].cell(row, 2, value)


@dataclass(frozen=True)
class DropSetting:
    """Remove one top-level setting."""

    key: str

    def to_folder(self, folder: Path) -> None:
        path = folder / "instance.toml"
        lines = path.read_text(encoding="utf-8").splitlines()
        index = toml_line_index(lines, self.key)
        assert index is not None
        del lines[index]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def to_workbook(self, workbook: Workbook) -> None:
        row = sheet_row(workbook, self.key)
        assert row is not None
        workbook["settings"].delete_rows(row)


# ---------------------------------------------------------------------------------------------
# Building the two forms of an instance and running them
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def example() -> Instance:
    """The valid example instance."""
    return read_instance(EXAMPLE)


def build_folder(tmp_path: Path, edits: tuple[Edit, ...]) -> Path:
    """A copy of the example folder with the edits applied."""
    folder = tmp_path / FOLDER
    shutil.copytree(EXAMPLE, folder)
    for edit in edits:
        edit.to_folder(folder)
    return folder


@pytest.fixture(scope="module")
def example_workbook(example: Instance, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The valid example written once as a workbook, for the tests to copy."""
    return write_instance_xlsx(example, tmp_path_factory.mktemp("example") / WORKBOOK)


def build_workbook(tmp_path: Path, base: Path, edits: tuple[Edit, ...]) -> Path:
    """A copy of the example workbook with the edits applied."""
    path = Path(shutil.copy(base, tmp_path / WORKBOOK))
    workbook = openpyxl.load_workbook(path)
    for edit in edits:
        edit.to_workbook(workbook)
    workbook.save(path)
    return path


def build(kind: str, tmp_path: Path, base: Path, edits: tuple[Edit, ...]) -> Path:
    """The example as a ``folder`` or a ``workbook`` (copied from ``base``), edited."""
    if kind == "folder":
        return build_folder(tmp_path, edits)
    return build_workbook(tmp_path, base, edits)


def label(kind: str, table: str) -> str:
    """How problems name a table: its file, or its sheet of the workbook."""
    if kind == "workbook":
        return f"{WORKBOOK}, sheet {table}"
    return "instance.toml" if table == "settings" else f"{table}.csv"


def files_under(path: Path) -> dict[Path, bytes]:
    """Every file under a folder (or beside a workbook), with its content."""
    root = path if path.is_dir() else path.parent
    return {file: file.read_bytes() for file in root.rglob("*") if file.is_file()}


def validate(path: Path, *options: str) -> Result:
    """Run ``schemalaggning validate`` on a path."""
    return CliRunner().invoke(main, ["validate", str(path), *options])


def input_error(path: Path) -> InputError:
    """The InputError that reading the path raises."""
    with pytest.raises(InputError) as caught:
        read_instance(path)
    return caught.value


def expected_line(
    kind: str, table: str, row: int | None, column: str | None, value: str | None
) -> str:
    """The start of the line that ``validate`` prints for a problem.

    Written out here rather than taken from :class:`Problem`, so that the format the
    coordinator reads is itself under test: a TOML file has lines and keys, the settings
    sheet rows and keys, tables rows and columns.
    """
    settings = table == "settings"
    toml = settings and kind == "folder"
    parts = [label(kind, table)]
    if row is not None:
        parts.append(f"{'line' if toml else 'row'} {row}")
    if column is not None:
        parts.append(f"{'key' if settings else 'column'} {column}")
    line = "error: " + ", ".join(parts)
    return line + (f": {value!r}:" if value is not None else ":")


def matching(
    problems: list[Problem], file: str, row: int | None, column: str | None, value: str | None
) -> list[Problem]:
    """The errors at exactly this place with this value."""
    return [
        p
        for p in problems
        if p.severity is Severity.ERROR
        and (p.file, p.row, p.column, p.value) == (file, row, column, value)
    ]


# ---------------------------------------------------------------------------------------------
# The broken instances
# ---------------------------------------------------------------------------------------------

#: The row of the changed setting: its line in ``instance.toml``, its row in the sheet.
KEY_ROW = -1


@dataclass(frozen=True)
class Case:
    """A broken instance and the one problem it must give (among possible others)."""

    edits: tuple[Edit, ...]
    table: str
    row: int | None
    column: str | None
    value: str | None
    words: str


def cell_case(
    table: str, row: int, column: str, value: str, words: str, shown: str | None = None
) -> Case:
    """One cell set to a bad value, reported at that cell."""
    return Case(
        (SetCell(table, row, column, value),),
        table,
        row,
        column,
        value if shown is None else shown,
        words,
    )


FIXED_SESSION_HEADER = (
    "session_id",
    "course_id",
    "room_id",
    "trainer_ids",
    "start",
    "end",
    "slots",
    "participants",
)
FIXED_SESSION = (
    "S1",
    "P1",
    "R2",
    "C1",
    "2027-01-18T08:30",
    "2027-01-18T16:30",
    "2027-01-18/AM|2027-01-18/PM",
    "1",
)


def fixed_session(**changes: str) -> SetTable:
    """A ``fixed_sessions`` table of one valid session, with some cells changed."""
    row = dict(zip(FIXED_SESSION_HEADER, FIXED_SESSION, strict=True)) | changes
    return SetTable("fixed_sessions", (FIXED_SESSION_HEADER, tuple(row.values())))


def fixed_assignment(
    person_id: str = "A1", course_id: str = "P1", session_id: str = "S1"
) -> SetTable:
    """A ``fixed_assignments`` table of one assignment."""
    return SetTable(
        "fixed_assignments",
        (("person_id", "course_id", "session_id"), (person_id, course_id, session_id)),
    )


ELECTIVE_HEADER = ("request_id", "person_id", "title", "from", "to", "half", "cost_sek", "status")
ELECTIVE = ("E1", "A1", "Motiverande samtal", "2027-01-18", "2027-01-19", "", "4000", "approved")


def elective_table(*rows: dict[str, str]) -> SetTable:
    """An ``electives`` table of valid requests, each with some cells changed."""
    base = dict(zip(ELECTIVE_HEADER, ELECTIVE, strict=True))
    return SetTable("electives", (ELECTIVE_HEADER, *(tuple((base | r).values()) for r in rows)))


def elective_case(column: str, value: str, words: str) -> Case:
    """An ``electives`` table of one request with a bad cell, reported at that cell."""
    return Case((elective_table({column: value}),), "electives", 2, column, value, words)


CASES: dict[str, Case] = {
    # Dates
    "date-wrong-format": cell_case(
        "people", 2, "start_date", "15/11/2026", "expected a date YYYY-MM-DD"
    ),
    "date-impossible": cell_case(
        "people", 2, "start_date", "2027-02-30", "expected a real calendar date"
    ),
    "date-empty": cell_case("people", 3, "start_date", "", "expected a date YYYY-MM-DD"),
    "date-out-of-range": cell_case(
        "people", 5, "start_date", "9999-12-01", "expected a date from 1900-01-01 to 2199-12-31"
    ),
    "date-unavailability-from": cell_case(
        "unavailability", 2, "from", "2027-1-4", "expected a date YYYY-MM-DD"
    ),
    "date-unavailability-to-before-from": cell_case(
        "unavailability", 2, "to", "2027-01-03", "on or after 'from'"
    ),
    # Numbers
    "number-max-absent-text": cell_case(
        "districts", 2, "max_absent", "two", "expected a whole number"
    ),
    "number-capacity-text": cell_case("rooms", 3, "capacity", "ten", "expected a whole number"),
    "number-half-days-fraction": cell_case(
        "courses", 2, "half_days", "1.5", "expected a whole number from 1 to 10"
    ),
    "number-trainers-negative": cell_case(
        "trainers", 2, "max_half_days_per_week", "-1", "at least 0"
    ),
    "half-days-0": cell_case(
        "courses", 2, "half_days", "0", "expected a whole number from 1 to 10"
    ),
    "half-days-11": cell_case(
        "courses", 3, "half_days", "11", "expected a whole number from 1 to 10"
    ),
    "months-absurd": cell_case(
        "courses", 2, "within_months", "99999", "expected a whole number of at most 1200"
    ),
    "min-group-above-max-group": cell_case(
        "courses", 2, "min_group", "5", "expected at most max_group (4)"
    ),
    # Unknown ids
    "unknown-district-in-people": cell_case(
        "people", 2, "district_id", "D9", "expected a known district_id"
    ),
    "unknown-course-in-done": cell_case(
        "people", 6, "done", "P1|Q9", "expected a known course_id", shown="Q9"
    ),
    "unknown-course-in-after": cell_case("courses", 3, "after", "Q9", "expected a known course_id"),
    "unknown-course-in-trainer-courses": cell_case(
        "trainers", 3, "courses", "T1;Q9", "expected a known course_id", shown="Q9"
    ),
    "unknown-district-in-trainers": cell_case(
        "trainers", 3, "district_id", "D9", "expected a known district_id"
    ),
    "unknown-resource-in-unavailability": cell_case(
        "unavailability", 3, "resource_id", "R9", "expected a known trainer_id or room_id"
    ),
    "unknown-course-in-fixed-sessions": Case(
        (fixed_session(course_id="Q9"),), "fixed_sessions", 2, "course_id", "Q9", "known"
    ),
    "unknown-room-in-fixed-sessions": Case(
        (fixed_session(room_id="R9"),), "fixed_sessions", 2, "room_id", "R9", "known room_id"
    ),
    "unknown-trainer-in-fixed-sessions": Case(
        (fixed_session(trainer_ids="C1|Z9"),),
        "fixed_sessions",
        2,
        "trainer_ids",
        "Z9",
        "expected a known trainer_id",
    ),
    "unknown-person-in-fixed-assignments": Case(
        (fixed_session(), fixed_assignment(person_id="Q9")),
        "fixed_assignments",
        2,
        "person_id",
        "Q9",
        "expected a known person_id",
    ),
    "unknown-session-in-fixed-assignments": Case(
        (fixed_session(), fixed_assignment(session_id="S9")),
        "fixed_assignments",
        2,
        "session_id",
        "S9",
        "expected a known session_id",
    ),
    "fixed-assignment-of-another-course": Case(
        (fixed_session(), fixed_assignment(course_id="T1")),
        "fixed_assignments",
        2,
        "course_id",
        "T1",
        "expected the session's course (P1)",
    ),
    "bad-slot-in-fixed-sessions": Case(
        (fixed_session(slots="2027-01-18/XM"),),
        "fixed_sessions",
        2,
        "slots",
        "2027-01-18/XM",
        "expected a slot",
    ),
    # Duplicate ids
    "duplicate-district": Case(
        (CopyRow("districts", 2),), "districts", 4, "district_id", "D1", "already used in row 2"
    ),
    "duplicate-person": Case(
        (CopyRow("people", 3),), "people", 7, "person_id", "A2", "already used in row 3"
    ),
    "duplicate-course": Case(
        (CopyRow("courses", 2),), "courses", 4, "course_id", "P1", "already used in row 2"
    ),
    "duplicate-trainer": Case(
        (CopyRow("trainers", 3),), "trainers", 4, "trainer_id", "U1", "already used in row 3"
    ),
    "duplicate-room": Case(
        (CopyRow("rooms", 2),), "rooms", 4, "room_id", "R1", "already used in row 2"
    ),
    "duplicate-fixed-session": Case(
        (SetTable("fixed_sessions", (FIXED_SESSION_HEADER, FIXED_SESSION, FIXED_SESSION)),),
        "fixed_sessions",
        3,
        "session_id",
        "S1",
        "already used in row 2",
    ),
    "room-id-of-a-trainer": cell_case("rooms", 2, "room_id", "U1", "not used by a trainer"),
    # Prerequisite cycles
    "cycle-self": cell_case("courses", 2, "after", "P1", "cannot come after itself"),
    "cycle-of-two": cell_case("courses", 2, "after", "T1", "expected no prerequisite cycle"),
    "cycle-of-three": Case(
        (
            CopyRow("courses", 3, {"course_id": "T2", "after": "T1"}),
            SetCell("courses", 2, "after", "T2"),
        ),
        "courses",
        4,
        "after",
        "T1",
        "expected no prerequisite cycle",
    ),
    # Ids
    "id-with-slash": cell_case("people", 2, "person_id", "P/1", "expected an id of the letters"),
    "id-of-dots": cell_case("people", 2, "person_id", "..", "expected an id of the letters"),
    "id-with-space": cell_case("districts", 3, "district_id", "a b", "expected an id"),
    "id-with-path": cell_case("rooms", 2, "room_id", "../x", "since ids become file names"),
    "id-empty": cell_case("courses", 3, "course_id", "", "expected an id of the letters"),
    "id-bad-in-list": cell_case(
        "people", 6, "done", "P1|a b", "expected an id of the letters", shown="a b"
    ),
    "id-too-long": cell_case("people", 2, "person_id", "P" * 300, "at most 64 characters"),
    "id-a-windows-device": cell_case("rooms", 2, "room_id", "con", "a name Windows keeps"),
    "id-a-windows-device-with-extension": cell_case(
        "trainers", 2, "trainer_id", "LPT1.x", "a name Windows keeps"
    ),
    "id-starting-with-a-dash": cell_case("people", 2, "person_id", "-P1", "starting with"),
    # Text and e-mail addresses
    "email-not-an-address": cell_case(
        "people", 2, "email", "inte-en-adress", "expected one e-mail address"
    ),
    "email-two-addresses": cell_case(
        "people", 2, "email", "a@b.se; x@y.se", "expected one e-mail address"
    ),
    "email-of-a-trainer-with-a-space": cell_case(
        "trainers", 2, "email", "cecilia @example.org", "expected one e-mail address"
    ),
    # Counts the solver cannot work with
    "trainers-zero": cell_case("courses", 2, "trainers", "0", "expected a whole number"),
    "no-room-seats-min-group": Case(
        (SetCell("rooms", 2, "capacity", "1"), SetCell("rooms", 3, "capacity", "1")),
        "courses",
        2,
        "min_group",
        "2",
        "expected a room that seats at least min_group",
    ),
    # Codes
    "required-maybe": cell_case("people", 2, "required", "maybe", "expected yes or no"),
    "required-empty": cell_case("people", 4, "required", "", "expected yes or no"),
    "half-unknown": cell_case("unavailability", 3, "half", "XM", "expected one of AM or PM"),
    "half-whole-word": cell_case(
        "unavailability", 3, "half", "morning", "expected one of AM or PM"
    ),
    # Structure
    **{
        f"missing-table-{table}": Case(
            (DropTable(table),), table, None, None, None, "expected this"
        )
        for table in ("districts", "people", "courses", "trainers", "rooms")
    },
    **{
        f"missing-column-{table}-{column}": Case(
            (DropColumn(table, column),), table, 1, column, None, "expected this column"
        )
        for table, column in (
            ("districts", "max_absent"),
            ("people", "start_date"),
            ("courses", "after"),
            ("trainers", "courses"),
            ("rooms", "capacity"),
            ("unavailability", "half"),
        )
    },
    "empty-table": Case((SetTable("people", ()),), "people", None, None, None, "it is empty"),
    "duplicate-column": Case(
        (SetTable("districts", (("district_id", "name", "max_absent", "NAME"),)),),
        "districts",
        1,
        "name",
        None,
        "expected each column only once",
    ),
    # Settings
    "horizon-end-before-start": Case(
        (SetSetting("horizon_end", date(2026, 12, 31)),),
        "settings",
        KEY_ROW,
        "horizon_end",
        "2026-12-31",
        "on or after horizon_start (2027-01-04)",
    ),
    "horizon-longer-than-ten-years": Case(
        (SetSetting("horizon_end", date(2040, 1, 1)),),
        "settings",
        KEY_ROW,
        "horizon_end",
        "2040-01-01",
        "expected a horizon of at most 10 years",
    ),
    "horizon-start-impossible": Case(
        (SetSetting("horizon_start", "2027-02-30"),),
        "settings",
        KEY_ROW,
        "horizon_start",
        "2027-02-30",
        "expected a real calendar date",
    ),
    "horizon-start-missing": Case(
        (DropSetting("horizon_start"),),
        "settings",
        None,
        "horizon_start",
        None,
        "expected this setting",
    ),
    "timezone-unknown": Case(
        (SetSetting("timezone", "Mars/Olympus"),),
        "settings",
        KEY_ROW,
        "timezone",
        "Mars/Olympus",
        "expected an IANA time zone",
    ),
    "timezone-a-region": Case(
        (SetSetting("timezone", "Europe"),),
        "settings",
        KEY_ROW,
        "timezone",
        "Europe",
        "expected an IANA time zone",
    ),
    "holidays-unknown-country": Case(
        (SetSetting("holidays", "XX"),),
        "settings",
        KEY_ROW,
        "holidays",
        "XX",
        "expected a country code",
    ),
    "slot-time-not-a-time": Case(
        (SetSetting("slots.AM", ["8.30", "12:00"]),),
        "settings",
        KEY_ROW,
        "slots.AM[1]",
        "8.30",
        "expected a time of day HH:MM",
    ),
    "slot-time-past-midnight": Case(
        (SetSetting("slots.PM", ["13:00", "25:00"]),),
        "settings",
        KEY_ROW,
        "slots.PM[2]",
        "25:00",
        "between 00:00 and 23:59",
    ),
    "slot-ends-before-it-starts": Case(
        (SetSetting("slots.PM", ["16:30", "13:00"]),),
        "settings",
        KEY_ROW,
        "slots.PM",
        "16:30-13:00",
        "expected the start before the end",
    ),
    # Personal course requests (electives.csv) and their budget
    "elective-unknown-person": elective_case("person_id", "Z9", "expected a known person_id"),
    "elective-to-before-from": elective_case("to", "2027-01-17", "on or after 'from'"),
    "elective-negative-cost": elective_case("cost_sek", "-100", "at least 0"),
    "elective-cost-text": elective_case("cost_sek", "4 000 kr", "expected a whole number"),
    "elective-bad-status": elective_case("status", "maybe", "expected one of approved"),
    "elective-bad-half": elective_case("half", "EM", "expected one of AM or PM"),
    "elective-bad-date": elective_case("from", "18/1/2027", "expected a date YYYY-MM-DD"),
    "elective-duplicate-request": Case(
        (elective_table({}, {"person_id": "A2"}),),
        "electives",
        3,
        "request_id",
        "E1",
        "expected a unique id (already used in row 2)",
    ),
    "elective-budget-negative": Case(
        (SetSetting("elective_budget_sek", -1),),
        "settings",
        KEY_ROW,
        "elective_budget_sek",
        "-1",
        "at least 0",
    ),
    "elective-budget-text": Case(
        (SetSetting("elective_budget_sek", "tiotusen"),),
        "settings",
        KEY_ROW,
        "elective_budget_sek",
        "tiotusen",
        "expected a whole number",
    ),
    "plan-ahead-above-one": Case(
        (SetSetting("plan_ahead", 1.5),),
        "settings",
        KEY_ROW,
        "plan_ahead",
        "1.5",
        "expected a number greater than 0 and at most 1",
    ),
    "plan-ahead-zero": Case(
        (SetSetting("plan_ahead", 0),),
        "settings",
        KEY_ROW,
        "plan_ahead",
        "0",
        "expected a number greater than 0 and at most 1",
    ),
    "plan-ahead-text": Case(
        (SetSetting("plan_ahead", "halva"),),
        "settings",
        KEY_ROW,
        "plan_ahead",
        "halva",
        "expected a number greater than 0 and at most 1",
    ),
    "min-per-year-negative": Case(
        (AddColumn("courses", "min_per_year", 3, "-1"),),
        "courses",
        3,
        "min_per_year",
        "-1",
        "expected a whole number of at least 0",
    ),
    "min-per-year-not-whole": Case(
        (AddColumn("courses", "min_per_year", 2, "1.5"),),
        "courses",
        2,
        "min_per_year",
        "1.5",
        "expected a whole number of at least 0",
    ),
    "slot-of-three-times": Case(
        (SetSetting("slots.AM", ["08:30", "10:00", "12:00"]),),
        "settings",
        KEY_ROW,
        "slots.AM",
        "['08:30', '10:00', '12:00']",
        "expected at most 2 items",
    ),
}


def resolve_row(kind: str, path: Path, case: Case) -> int | None:
    """The case's row, with ``KEY_ROW`` turned into the setting's line or sheet row."""
    if case.row != KEY_ROW:
        return case.row
    assert case.column is not None
    key = case.column.split("[", 1)[0]
    if kind == "folder":
        lines = (path / "instance.toml").read_text(encoding="utf-8").splitlines()
        index = toml_line_index(lines, key)
        assert index is not None
        return index + 1
    return sheet_row(openpyxl.load_workbook(path, read_only=False), key)


@pytest.mark.parametrize("kind", ["folder", "workbook"])
@pytest.mark.parametrize("case", list(CASES.values()), ids=list(CASES))
def test_broken_instance_is_reported_at_its_place(
    kind: str, case: Case, tmp_path: Path, example_workbook: Path
) -> None:
    path = build(kind, tmp_path, example_workbook, case.edits)
    row = resolve_row(kind, path, case)
    before = files_under(path)

    result = validate(path)

    assert result.exit_code == EXIT_BAD_INPUT, result.output
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert files_under(path) == before, "validate must write nothing"
    assert result.stdout == "", "problems go to standard error"
    line = expected_line(kind, case.table, row, case.column, case.value)
    printed = [text for text in result.stderr.splitlines() if text.startswith(line)]
    assert printed, f"expected a line starting {line!r} in:\n{result.stderr}"
    assert case.words in printed[0]
    assert re.search(r"^\d+ error\(s\), \d+ warning\(s\); nothing written\.$", result.stderr, re.M)

    error = input_error(path)
    found = matching(error.problems, label(kind, case.table), row, case.column, case.value)
    assert found, "\n".join(str(p) for p in error.problems)
    assert case.words in found[0].expected
    assert found[0].expected.startswith("expected") or "no rows" in found[0].expected


# ---------------------------------------------------------------------------------------------
# Problems only a folder or only a workbook can have
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "row", "column", "value"),
    [
        ("people", 3, "name", "Ali\x00Aziz"),
        ("rooms", 2, "address", "Kungsgatan\x1b1"),
        ("courses", 2, "name", "Del 1\tintroduktion"),
    ],
    ids=["nul-in-a-name", "escape-in-an-address", "tab-in-a-course-name"],
)
def test_control_characters_in_text_are_reported(
    table: str, row: int, column: str, value: str, tmp_path: Path
) -> None:
    # A workbook cannot hold these characters at all; a CSV file can, from a damaged export.
    folder = build_folder(tmp_path, (SetCell(table, row, column, value),))

    error = input_error(folder)

    found = matching(error.problems, f"{table}.csv", row, column, value)
    assert found, "\n".join(str(p) for p in error.problems)
    assert "without control characters" in found[0].expected


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("A3,Anna, Andersson,anna@example.org,D1,2026-11-15,yes,", "must be quoted"),
        ("A3,Anna Andersson,anna@example.org,D1,2026-11-15", "every row needs a cell"),
    ],
    ids=["a-cell-too-many", "cells-too-few"],
)
def test_a_row_that_does_not_line_up_with_the_header(line: str, words: str, tmp_path: Path) -> None:
    # The extra cell would shift every later cell one column to the right: never read.
    folder = build_folder(tmp_path, ())
    people = folder / "people.csv"
    people.write_text(people.read_text(encoding="utf-8-sig") + line + "\n", encoding="utf-8")
    row = len(people.read_text(encoding="utf-8-sig").splitlines())

    error = input_error(folder)

    found = [p for p in error.errors if p.file == "people.csv" and p.row == row]
    assert len(found) == 1, "\n".join(str(p) for p in error.problems)
    assert words in found[0].expected
    assert "expected 7 cells" in found[0].expected


def test_a_trailing_separator_on_every_line_is_no_problem(
    tmp_path: Path, example: Instance
) -> None:
    # Spreadsheet programs save one when a cell right of the table was ever used; with the
    # header ending the same way, every row still lines up.
    folder = build_folder(tmp_path, ())
    districts = folder / "districts.csv"
    lines = districts.read_text(encoding="utf-8-sig").splitlines()
    districts.write_text("\n".join(f"{line}," for line in lines) + "\n", encoding="utf-8")

    assert same_content(read_instance(folder), example)


def test_an_empty_email_is_a_warning_with_its_row(tmp_path: Path) -> None:
    folder = build_folder(tmp_path, (SetCell("people", 3, "email", ""),))

    _, warnings = read_instance_with_warnings(folder)

    assert [(p.file, p.row, p.column) for p in warnings if p.column == "email"] == [
        ("people.csv", 3, "email")
    ]
    assert all(p.severity is Severity.WARNING for p in warnings)


@pytest.mark.parametrize(
    "name", ['=HYPERLINK("http://x","klicka")', "@SUM(1+1)", "+46 31", "-x", "'=redan"]
)
@pytest.mark.parametrize("kind", ["folder", "workbook"])
def test_formula_like_text_is_written_safely_and_read_back_unchanged(
    name: str, kind: str, tmp_path: Path, example: Instance
) -> None:
    courses = tuple(
        c.model_copy(update={"name": name}) if c.course_id == "P1" else c for c in example.courses
    )
    instance = example.replace(courses=courses)
    if kind == "folder":
        path = write_instance(instance, tmp_path / "out")
        raw = {row[0]: row[1] for row in read_records(path / "courses.csv")}
        assert raw["P1"] == "'" + name, "a spreadsheet shows it as text"
    else:
        path = write_instance_xlsx(instance, tmp_path / "out.xlsx")
        sheet = openpyxl.load_workbook(path)["courses"]
        cells = [c for c in sheet["B"] if c.value == name]
        assert cells and all(c.data_type == "s" for c in cells), "stored as text, no formula"

    assert read_instance(path).course_by_id["P1"].name == name


@pytest.mark.parametrize(
    ("text", "line", "key", "value", "words"),
    [
        pytest.param(
            "horizon_start = 2027-02-30\n", 3, "horizon_start", "2027-02-30", "date", id="date"
        ),
        pytest.param(
            'name = "unclosed\n', 1, "name", '"unclosed', "expected valid TOML", id="string"
        ),
        pytest.param(
            'AM = ["08:30", 12:00"]\n',
            11,
            "slots.AM",
            '["08:30", 12:00"]',
            "expected valid TOML (unclosed array)",
            id="key-in-a-table",
        ),
        pytest.param(
            "horizon_end 2027-03-31\n", 4, None, "horizon_end 2027-03-31", "TOML", id="no-equals"
        ),
    ],
)
def test_invalid_toml_names_line_and_key(
    text: str, line: int, key: str | None, value: str, words: str, tmp_path: Path
) -> None:
    folder = build_folder(tmp_path, ())
    toml = folder / "instance.toml"
    lines = toml.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[line - 1] = text
    toml.write_text("".join(lines), encoding="utf-8")

    result = validate(folder)
    error = input_error(folder)

    assert result.exit_code == EXIT_BAD_INPUT
    assert "Traceback" not in result.output
    (problem,) = error.errors
    assert (problem.file, problem.row, problem.column, problem.value) == (
        "instance.toml",
        line,
        key,
        value,
    )
    assert words in problem.expected
    assert f"instance.toml, line {line}" in result.stderr


def test_missing_instance_toml(tmp_path: Path) -> None:
    folder = build_folder(tmp_path, ())
    (folder / "instance.toml").unlink()

    result = validate(folder)
    error = input_error(folder)

    assert result.exit_code == EXIT_BAD_INPUT
    assert [(p.file, p.row, p.column) for p in error.errors] == [("instance.toml", None, None)]
    assert "error: instance.toml: expected this file" in result.stderr


def test_not_utf8_instance_toml(tmp_path: Path) -> None:
    folder = build_folder(tmp_path, ())
    (folder / "instance.toml").write_bytes('name = "Göteborg"\n'.encode("utf-16"))

    error = input_error(folder)

    assert [p.file for p in error.errors] == ["instance.toml"]
    assert "UTF-8" in error.errors[0].expected


@pytest.mark.parametrize(
    ("edit", "file", "row", "column", "words"),
    [
        pytest.param(
            lambda wb: wb.remove(wb["settings"]),
            "settings",
            None,
            None,
            "expected this sheet",
            id="missing-settings-sheet",
        ),
        pytest.param(
            lambda wb: wb["settings"].cell(1, 2, "värde"),
            "settings",
            1,
            "value",
            "expected this column",
            id="settings-without-value-column",
        ),
        pytest.param(
            lambda wb: wb["settings"].append(["timezone", "UTC"]),
            "settings",
            13,
            "key",
            "expected each key once (already in row 3)",
            id="settings-key-twice",
        ),
        pytest.param(
            lambda wb: wb["settings"].append(["organizer", "Intro"]),
            "settings",
            13,
            "key",
            "expected no key beside",
            id="settings-key-and-nested-keys",
        ),
        pytest.param(
            lambda wb: wb["settings"].append([None, "stray"]),
            "settings",
            13,
            "key",
            "expected a setting's name",
            id="settings-value-without-key",
        ),
    ],
)
def test_workbook_settings_sheet_problems(
    edit: Callable[[Workbook], Any],
    file: str,
    row: int | None,
    column: str | None,
    words: str,
    tmp_path: Path,
    example: Instance,
) -> None:
    path = write_instance_xlsx(example, tmp_path / WORKBOOK)
    workbook = openpyxl.load_workbook(path)
    edit(workbook)
    workbook.save(path)

    result = validate(path)
    error = input_error(path)

    assert result.exit_code == EXIT_BAD_INPUT
    assert "Traceback" not in result.output
    found = [
        p
        for p in error.errors
        if (p.file, p.row, p.column) == (label("workbook", file), row, column)
    ]
    assert found, "\n".join(map(str, error.problems))
    assert words in found[0].expected
    assert f"error: {label('workbook', file)}" in result.stderr


def test_workbook_closed_sheet_is_read_and_located(tmp_path: Path, example: Instance) -> None:
    path = write_instance_xlsx(example, tmp_path / WORKBOOK)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.create_sheet("closed")
    sheet.append(["from", "to", "name"])
    sheet.append([datetime(2027, 3, 1), datetime(2027, 3, 2), "planeringsdagar"])
    sheet.append(["2027-03-10", "2027-02-30", "fel"])
    workbook.save(path)

    error = input_error(path)
    (problem,) = error.errors
    assert (problem.file, problem.row, problem.column, problem.value) == (
        f"{WORKBOOK}, sheet closed",
        3,
        "to",
        "2027-02-30",
    )

    sheet.delete_rows(3)
    workbook.save(path)
    instance = read_instance(path)
    assert [p.name for p in instance.settings.closed] == ["sportlov", "planeringsdagar"]
    assert instance.settings.closed[1].start == date(2027, 3, 1)


def test_damaged_workbook_is_reported(tmp_path: Path) -> None:
    path = tmp_path / WORKBOOK
    path.write_bytes(b"PK\x03\x04 this is not a workbook")

    result = validate(path)

    assert result.exit_code == EXIT_BAD_INPUT
    assert "Traceback" not in result.output
    assert f"error: {WORKBOOK}: expected an xlsx workbook" in result.stderr


@pytest.mark.parametrize("name", ["nowhere", "people.csv"])
def test_path_that_is_no_instance(name: str, tmp_path: Path) -> None:
    path = tmp_path / name
    if name.endswith(".csv"):
        shutil.copy(EXAMPLE / name, path)

    result = validate(path)

    assert result.exit_code == EXIT_BAD_INPUT
    assert "Traceback" not in result.output
    assert f"error: {path}: expected an instance folder or an .xlsx workbook" in result.stderr


# ---------------------------------------------------------------------------------------------
# Several problems at once; warnings
# ---------------------------------------------------------------------------------------------

SEVERAL: tuple[Edit, ...] = (
    SetCell("people", 2, "start_date", "2027-02-30"),
    SetCell("people", 4, "district_id", "D9"),
    SetCell("courses", 3, "half_days", "0"),
    SetCell("rooms", 2, "capacity", "many"),
    SetSetting("timezone", "Mars/Olympus"),
    DropTable("trainers"),
)


@pytest.mark.parametrize("kind", ["folder", "workbook"])
def test_every_problem_is_reported_in_one_run(
    kind: str, tmp_path: Path, example_workbook: Path
) -> None:
    path = build(kind, tmp_path, example_workbook, SEVERAL)

    result = validate(path)
    error = input_error(path)

    assert result.exit_code == EXIT_BAD_INPUT
    assert len(error.errors) == len(SEVERAL)
    assert {p.file for p in error.errors} == {
        label(kind, table) for table in ("people", "courses", "rooms", "settings", "trainers")
    }
    assert f"{len(SEVERAL)} error(s), 0 warning(s); nothing written." in result.stderr
    assert sum(text.startswith("error: ") for text in result.stderr.splitlines()) == len(SEVERAL)


def test_json_output_lists_the_problems(tmp_path: Path) -> None:
    folder = build_folder(tmp_path, SEVERAL)

    result = validate(folder, "--json")

    assert result.exit_code == EXIT_BAD_INPUT
    report = json.loads(result.stdout)
    assert report["ok"] is False
    assert len(report["problems"]) == len(SEVERAL)
    assert {
        "severity": "error",
        "file": "people.csv",
        "row": 2,
        "column": "start_date",
        "value": "2027-02-30",
        "expected": "expected a real calendar date YYYY-MM-DD",
    } in report["problems"]


def test_one_bad_row_is_not_reported_again_where_it_is_named(tmp_path: Path) -> None:
    # D1's row is bad, but D1 is still a district: people and trainers in D1 are fine.
    folder = build_folder(tmp_path, (SetCell("districts", 2, "max_absent", "two"),))

    error = input_error(folder)

    assert [(p.file, p.row, p.column) for p in error.errors] == [("districts.csv", 2, "max_absent")]


def test_a_missing_table_is_not_reported_again_where_it_is_named(tmp_path: Path) -> None:
    folder = build_folder(tmp_path, (DropTable("courses"),))

    error = input_error(folder)

    assert [(p.file, p.row) for p in error.errors] == [("courses.csv", None)]


def test_a_table_of_only_a_header_has_no_ids(tmp_path: Path) -> None:
    folder = build_folder(
        tmp_path, (SetTable("districts", (("district_id", "name", "max_absent"),)),)
    )

    error = input_error(folder)

    assert {(p.file, p.row, p.column) for p in error.errors} == {
        ("people.csv", row, "district_id") for row in range(2, 7)
    } | {("trainers.csv", 3, "district_id")}
    assert ("districts.csv", "no rows below the header") in {
        (p.file, p.expected) for p in error.problems if p.severity is Severity.WARNING
    }


@pytest.mark.parametrize("kind", ["folder", "workbook"])
def test_closed_period_outside_the_horizon_is_a_warning(
    kind: str, tmp_path: Path, example_workbook: Path
) -> None:
    edit = SetSetting(
        "closed", [{"from": date(2026, 6, 1), "to": date(2026, 6, 5), "name": "förra året"}]
    )
    path = build(kind, tmp_path, example_workbook, (edit,))

    result = validate(path)
    instance, warnings = read_instance_with_warnings(path)

    assert result.exit_code == 0, result.output
    (warning,) = warnings
    assert warning.severity is Severity.WARNING
    assert (warning.file, warning.column, warning.value) == (
        label(kind, "settings"),
        "closed[1]",
        "2026-06-01..2026-06-05",
    )
    assert warning.row is not None
    assert "outside the horizon" in warning.expected
    assert f"warning: {label(kind, 'settings')}" in result.stderr
    assert instance.settings.closed[0].name == "förra året"


# ---------------------------------------------------------------------------------------------
# What a coordinator's spreadsheet may look like, and still be read
# ---------------------------------------------------------------------------------------------


def same_content(a: Instance, b: Instance) -> bool:
    """Whether two instances hold the same data (wherever they were read from)."""
    return a.model_dump(exclude={"source"}) == b.model_dump(exclude={"source"})


def test_example_is_valid(example: Instance) -> None:
    result = validate(EXAMPLE)

    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert [p.person_id for p in example.people] == ["A1", "A2", "B1", "B2", "X1"]
    assert example.person_by_id["X1"].done == ("P1",)
    assert example.trainer_by_id["C1"].district_id is None


def test_semicolon_separated_files_with_both_kinds_of_list(tmp_path: Path) -> None:
    folder = build_folder(
        tmp_path,
        (SetCell("people", 6, "done", "P1;T1"), SetCell("trainers", 3, "courses", "P1|T1")),
    )
    for path in folder.glob("*.csv"):
        write_records(path, read_records(path), delimiter=";")
    # The writer quotes the cell that holds the separator, as a spreadsheet program does.
    assert '"P1;T1"' in (folder / "people.csv").read_text(encoding="utf-8-sig")
    assert ";Kungsgatan 1, Göteborg\n" in (folder / "rooms.csv").read_text(encoding="utf-8-sig")

    instance = read_instance(folder)

    assert instance.person_by_id["X1"].done == ("P1", "T1")
    assert instance.trainer_by_id["U1"].courses == ("P1", "T1")
    assert instance.room_by_id["R1"].address == "Kungsgatan 1, Göteborg"


def test_semicolon_list_in_a_comma_separated_file(tmp_path: Path) -> None:
    folder = build_folder(tmp_path, (SetCell("people", 6, "done", "P1; T1"),))

    assert read_instance(folder).person_by_id["X1"].done == ("P1", "T1")


@pytest.mark.parametrize(
    ("encoding", "prefix"),
    [
        pytest.param("utf-8", b"\xef\xbb\xbf", id="utf-8-with-bom"),
        pytest.param("cp1252", b"", id="cp1252"),
        pytest.param("utf-16", b"", id="utf-16"),
        # Without a byte order mark, as some programs write "Unicode" text.
        pytest.param("utf-16-le", b"", id="utf-16-le-without-bom"),
        pytest.param("utf-16-be", b"", id="utf-16-be-without-bom"),
        # A spreadsheet that kept the UTF-8 mark but saved Windows-1252 after it.
        pytest.param("cp1252", b"\xef\xbb\xbf", id="cp1252-behind-a-utf-8-bom"),
    ],
)
def test_encodings(encoding: str, prefix: bytes, tmp_path: Path, example: Instance) -> None:
    folder = build_folder(tmp_path, (SetCell("people", 4, "name", "Åsa Ärlig-Öberg"),))
    text = (folder / "people.csv").read_text(encoding="utf-8-sig")
    (folder / "people.csv").write_bytes(prefix + text.encode(encoding))

    instance = read_instance(folder)

    assert instance.person_by_id["B1"].name == "Åsa Ärlig-Öberg"
    assert [p.person_id for p in instance.people] == [p.person_id for p in example.people]


def test_header_case_spaces_extra_columns_and_blank_rows(tmp_path: Path, example: Instance) -> None:
    folder = build_folder(tmp_path, ())
    records = read_records(folder / "people.csv")
    records[0] = [f"  {name.upper()} " for name in records[0]] + ["Anteckning"]
    rows = [[*record, "extra"] for record in records[1:]]
    blank = [""] * len(records[0])
    write_records(folder / "people.csv", [[], records[0], rows[0], blank, [], *rows[1:], blank])

    assert same_content(read_instance(folder), example)

    # The header is now row 2 and row 3 is A1; after two blank rows, A2 is row 6.
    people = read_records(folder / "people.csv")
    people[6 - 1][records[0].index("  START_DATE ")] = "2027-13-01"
    write_records(folder / "people.csv", people)
    (problem,) = input_error(folder).errors
    assert (problem.file, problem.row, problem.column, problem.value) == (
        "people.csv",
        6,
        "start_date",
        "2027-13-01",
    )


def test_a_quoted_cell_over_two_lines_is_one_row(tmp_path: Path) -> None:
    folder = build_folder(tmp_path, (SetCell("rooms", 2, "address", "Kungsgatan 1\nGöteborg"),))
    records = read_records(folder / "rooms.csv")
    records[3 - 1][column_index(records[0], "capacity")] = "ten"
    write_records(folder / "rooms.csv", records)

    (problem,) = input_error(folder).errors

    assert (problem.row, problem.column) == (3, "capacity")


def test_lenient_codes(tmp_path: Path) -> None:
    folder = build_folder(
        tmp_path,
        (
            SetCell("unavailability", 3, "half", " pm "),
            SetCell("people", 2, "required", "Ja"),
            SetCell("people", 6, "required", "NEJ"),
            SetSetting("holidays", "se"),
        ),
    )

    instance = read_instance(folder)

    assert instance.unavailability[1].half is not None
    assert instance.unavailability[1].half.value == "PM"
    assert instance.person_by_id["A1"].required is True
    assert instance.person_by_id["X1"].required is False
    assert instance.settings.holidays == "SE"


# ---------------------------------------------------------------------------------------------
# Writing and reading back
# ---------------------------------------------------------------------------------------------


def with_everything(example: Instance) -> Instance:
    """The example with a fixed session and assignment, electives and their budget, and no
    holidays or organizer."""
    session = Session.model_validate(dict(zip(FIXED_SESSION_HEADER, FIXED_SESSION, strict=True)))
    assignment = Assignment(person_id="A1", course_id="P1", session_id="S1")
    approved = Elective.model_validate(dict(zip(ELECTIVE_HEADER, ELECTIVE, strict=True)))
    requested = approved.model_copy(
        update={"request_id": "E2", "half": Half.PM, "status": ElectiveStatus.REQUESTED}
    )
    settings = example.settings.model_copy(
        update={"holidays": None, "organizer": None, "elective_budget_sek": 12500}
    )
    # A new instance, not a copy: a copy would keep the example's cached lookups.
    fields = {name: getattr(example, name) for name in Instance.model_fields}
    fields |= {
        "settings": settings,
        "fixed_sessions": (session,),
        "fixed_assignments": (assignment,),
        "electives": (approved, requested),
    }
    return Instance(**fields)


@pytest.mark.parametrize("everything", [False, True], ids=["example", "with-fixed-no-holidays"])
def test_workbook_round_trip(everything: bool, tmp_path: Path, example: Instance) -> None:
    instance = with_everything(example) if everything else example

    path = write_instance_xlsx(instance, tmp_path / WORKBOOK)

    assert same_content(read_instance(path), instance)
    assert read_instance(path).settings == instance.settings


@pytest.mark.parametrize("everything", [False, True], ids=["example", "with-fixed-no-holidays"])
def test_folder_round_trip(everything: bool, tmp_path: Path, example: Instance) -> None:
    instance = with_everything(example) if everything else example

    folder = write_instance(instance, tmp_path / FOLDER)

    assert same_content(read_instance(folder), instance)


def test_workbook_holds_real_dates_and_numbers(tmp_path: Path, example: Instance) -> None:
    path = write_instance_xlsx(example, tmp_path / WORKBOOK)

    workbook = openpyxl.load_workbook(path)
    people = workbook["people"]
    start = people.cell(2, column_index([c.value for c in people[1]], "start_date") + 1)
    horizon = workbook["settings"].cell(sheet_row(workbook, "horizon_start") or 0, 2)
    capacity = workbook["rooms"].cell(2, 3)

    assert start.value == datetime(2026, 11, 15)
    assert start.number_format == "yyyy-mm-dd"
    assert horizon.value == datetime(2027, 1, 4)
    assert capacity.value == 4
    assert people.cell(2, column_index([c.value for c in people[1]], "done") + 1).value is None


def test_workbook_as_a_coordinator_keeps_it(tmp_path: Path, example: Instance) -> None:
    # Excel stores every number as a float and may turn typed dates into real dates;
    # settings may be typed without TOML quotes, or with them.
    path = write_instance_xlsx(example, tmp_path / WORKBOOK)
    workbook = openpyxl.load_workbook(path)
    courses = workbook["courses"]
    for row in courses.iter_rows(min_row=2, min_col=4, max_col=9):
        for item in row:
            item.value = float(str(item.value))
    workbook["rooms"].cell(2, 3, 4.0)
    workbook["unavailability"].cell(2, 2, "2027-01-04")
    settings = workbook["settings"]
    settings.cell(sheet_row(workbook, "timezone") or 0, 2, '"Europe/Stockholm"')
    settings.cell(sheet_row(workbook, "slots.AM") or 0, 2, "08:30|12:00")
    settings.cell(sheet_row(workbook, "horizon_end") or 0, 2, "2027-03-31")
    settings.cell(1, 1, " Key ")
    workbook.save(path)

    assert same_content(read_instance(path), example)


# ---------------------------------------------------------------------------------------------
# Smaller pieces
# ---------------------------------------------------------------------------------------------


def test_problem_names_lines_and_keys_of_settings() -> None:
    in_toml = Problem("instance.toml", 3, "horizon_start", "x", "expected a date")
    in_sheet = Problem("w.xlsx, sheet settings", 3, "horizon_start", "x", "expected a date")
    in_table = Problem("people.csv", 3, "start_date", "", "expected a date")

    assert str(in_toml) == "instance.toml, line 3, key horizon_start: 'x': expected a date"
    assert str(in_sheet) == "w.xlsx, sheet settings, row 3, key horizon_start: 'x': expected a date"
    assert str(in_table) == "people.csv, row 3, column start_date: '': expected a date"


@pytest.mark.parametrize(
    ("after", "cycles"),
    [
        pytest.param({"A": ("A",)}, [], id="self-is-reported-apart"),
        pytest.param({"A": ("B",), "B": ("A",)}, [["A", "B", "A"]], id="two"),
        pytest.param({"A": ("C",), "B": ("A",), "C": ("B",)}, [["A", "C", "B", "A"]], id="three"),
        pytest.param({"A": (), "B": ("A",), "C": ("A", "B")}, [], id="none"),
        pytest.param(
            {f"C{i}": (f"C{i + 1}",) for i in range(5000)} | {"C5000": ("C0",)},
            [[*(f"C{i}" for i in range(5001)), "C0"]],
            id="long-chain",
        ),
    ],
)
def test_find_cycles(after: dict[str, tuple[str, ...]], cycles: list[list[str]]) -> None:
    assert find_cycles(after) == cycles


def test_check_command_reports_a_bad_instance(tmp_path: Path) -> None:
    folder = build_folder(tmp_path, (SetCell("people", 2, "start_date", "2027-02-30"),))

    result = CliRunner().invoke(main, ["check", str(folder), str(DATA / "schedule")])

    assert result.exit_code == EXIT_BAD_INPUT
    assert "Traceback" not in result.output
    assert "error: people.csv, row 2, column start_date: '2027-02-30'" in result.stderr


def test_read_schedule_of_the_example() -> None:
    schedule = read_schedule(DATA / "schedule")

    assert schedule.problems == []
    assert schedule.sessions
    assert schedule.summary["status"] in ("optimal", "feasible")


def test_read_schedule_reports_a_bad_row(tmp_path: Path) -> None:
    folder = tmp_path / "schedule"
    shutil.copytree(DATA / "schedule", folder)
    records = read_records(folder / "sessions.csv")
    records[1][column_index(records[0], "slots")] = "2027-01-18/XM"
    write_records(folder / "sessions.csv", records)

    schedule = read_schedule(folder)

    assert [(p.file, p.row, p.column) for p in schedule.problems] == [("sessions.csv", 2, "slots")]


def test_stray_quote_is_reported_where_it_shows(tmp_path: Path) -> None:
    # An unclosed quote runs to the end of the file, as in a spreadsheet program: row 2's
    # name swallows the rest, so its max_absent is empty and D2 is no longer a district.
    folder = build_folder(tmp_path, ())
    text = (folder / "districts.csv").read_text(encoding="utf-8-sig")
    (folder / "districts.csv").write_text(text.replace("Centrum", '"Centrum'), encoding="utf-8")

    error = input_error(folder)

    assert ("districts.csv", 2, "max_absent", None) in {
        (p.file, p.row, p.column, p.value) for p in error.errors
    }
    assert any("not closed" in p.expected for p in error.errors if p.row == 2)
    assert ("people.csv", 4, "district_id", "D2") in {
        (p.file, p.row, p.column, p.value) for p in error.errors
    }


def test_approved_elective_during_a_pinned_session_is_a_warning(tmp_path: Path) -> None:
    # A1 is pinned in S1 on 2027-01-18, the first day of A1's approved elective E1.
    folder = build_folder(tmp_path, (fixed_session(), fixed_assignment(), elective_table({})))

    instance, warnings = read_instance_with_warnings(folder)

    assert [e.request_id for e in instance.approved_electives] == ["E1"]
    [warning] = [w for w in warnings if w.file == "electives.csv"]
    assert (warning.row, warning.column, warning.value) == (2, "from", "2027-01-18")
    assert "fixed session S1" in warning.expected and warning.severity is Severity.WARNING


def test_a_line_break_inside_a_cell_of_a_crlf_file_is_text(tmp_path: Path) -> None:
    # Excel on Windows writes CRLF files; a cell with Alt+Enter holds a line break.
    folder = build_folder(tmp_path, ())
    rooms = folder / "rooms.csv"
    lines = rooms.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace('"Kungsgatan 1, Göteborg"', '"Kungsgatan 1\r\nGöteborg"')
    rooms.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8"))

    instance = read_instance(folder)

    assert instance.room_by_id["R1"].address == "Kungsgatan 1\r\nGöteborg"
