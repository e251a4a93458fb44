"""Spreadsheet tables from CSV files or xlsx sheets, as rows of text cells with row numbers.

Both sources end up as the same :class:`Table`, so every later check runs on one path
and names rows the way the coordinator's spreadsheet numbers them (the header is row 1).
"""

from __future__ import annotations

import csv
import io
import posixpath
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from schemalaggning.i18n import _

# Readers of CSV text take decode and its error from here, with the tables.
from schemalaggning.io.charsets import UnreadableFileError as UnreadableFileError
from schemalaggning.io.charsets import decode as decode
from schemalaggning.problems import Problem, sheet_label


@dataclass
class Row:
    """One data row: its spreadsheet number and its cells by (lower-case) column name.

    ``extra`` holds the non-empty cells to the right of the header's last column and
    ``short`` how many of the header's columns the row has no cell for: either means the
    cells do not line up with the header (a stray separator, an unquoted comma).
    """

    number: int
    cells: dict[str, str]
    extra: list[str] = field(default_factory=list)
    short: int = 0


@dataclass
class Table:
    """A table read from a CSV file or a workbook sheet.

    ``columns`` is empty when the file holds no header row at all; ``header_row`` is the
    spreadsheet row of the header (blank rows above it are skipped), and
    ``duplicate_columns`` names the columns the header holds more than once.
    """

    name: str
    label: str
    columns: list[str]
    rows: list[Row] = field(default_factory=list)
    delimiter: str = ","
    header_row: int = 1
    duplicate_columns: list[str] = field(default_factory=list)


def sniff_delimiter(text: str) -> str:
    """Return ``;`` or ``,``: whichever separates more columns of the header line."""
    header = text.split("\n", 1)[0]
    outside_quotes = header.split('"')[::2]
    semicolons = sum(part.count(";") for part in outside_quotes)
    commas = sum(part.count(",") for part in outside_quotes)
    return ";" if semicolons > commas else ","


def table_from_records(
    name: str,
    label: str,
    records: list[list[str]],
    first_row: int = 1,
    delimiter: str = ",",
    csv_file: bool = False,
) -> Table:
    """Build a table from a header record and data records; blank rows are skipped.

    The header is the first record that is not blank, so a blank row above it does not
    turn every column into a missing one. Column names are matched without regard to
    case or surrounding spaces.
    """
    start = next(
        (index for index, record in enumerate(records) if any(cell.strip() for cell in record)),
        None,
    )
    if start is None:
        return Table(name, label, [], delimiter=delimiter)
    columns = [cell.strip().lower() for cell in records[start]]
    named = [column for column in columns if column]
    duplicates = sorted({column for column in named if named.count(column) > 1})
    table = Table(
        name,
        label,
        columns,
        delimiter=delimiter,
        header_row=first_row + start,
        duplicate_columns=duplicates,
    )
    for offset, record in enumerate(records[start + 1 :], start=start + 1):
        if not any(cell.strip() for cell in record):
            continue
        cells: dict[str, str] = {}
        for i, column in enumerate(columns):
            # The first of two columns with the same name wins; the duplicate is reported.
            if column and column not in cells:
                cells[column] = record[i].strip() if i < len(record) else ""
        # In a CSV file every cell past the header's counts, empty or not: a stray
        # separator in a row shifts its later cells even when the last one is empty. A
        # workbook's rows are as wide as its widest, so there only a filled cell counts.
        extra = [cell for cell in record[len(columns) :] if csv_file or cell.strip()]
        short = max(0, len(columns) - len(record))
        table.rows.append(Row(first_row + offset, cells, extra, short))
    return table


def read_csv(path: Path, name: str) -> Table:
    """Read a CSV file into a table.

    Raises
    ------
    UnreadableFileError
        For a file that is not text in an encoding :func:`decode` takes, or a cell longer
        than the csv module reads (named by row and column).
    """
    text = decode(path.read_bytes(), path.name)
    delimiter = sniff_delimiter(text)
    records: list[list[str]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    lines_read = 0
    try:
        for record in reader:
            records.append([from_spreadsheet(cell) for cell in record])
            lines_read = reader.line_num
    except csv.Error as error:
        if "field limit" not in str(error):
            raise
        rest = "".join(io.StringIO(text, newline="").readlines()[lines_read:])
        raise UnreadableFileError([_long_csv_cell(path.name, records, rest, delimiter)]) from None
    return table_from_records(name, path.name, records, delimiter=delimiter, csv_file=True)


def _long_csv_cell(file: str, records: list[list[str]], rest: str, delimiter: str) -> Problem:
    """The problem of the first cell of ``rest`` (the text from a record on) that is too long.

    The csv module stops at such a cell without saying where it is: its row is the record's
    and its column is found by counting the record's separators outside quotes.
    """
    limit = csv.field_size_limit()
    index, length = _long_cell(rest, delimiter, limit)
    header = next((record for record in records if any(cell.strip() for cell in record)), [])
    name = header[index].strip().lower() if index < len(header) else ""
    return Problem(
        file,
        len(records) + 1,
        name or str(index + 1),
        None,
        _too_long(length, limit),
    )


def _long_cell(record: str, delimiter: str, limit: int) -> tuple[int, int]:
    """The position and length of the first cell longer than ``limit`` in a record's text
    (else of its longest cell); a doubled quote inside quotes counts one character short.
    """
    lengths = [0]
    quoted = False
    for char in record:
        if char == '"':
            quoted = not quoted
        elif quoted or char not in (delimiter, "\r", "\n"):
            lengths[-1] += 1
        elif char == delimiter and lengths[-1] <= limit:
            lengths.append(0)
        else:
            break
    over = [index for index, length in enumerate(lengths) if length > limit]
    index = over[0] if over else lengths.index(max(lengths))
    return index, lengths[index]


def _too_long(length: int, limit: int) -> str:
    """What a cell of ``length`` characters, more than ``limit``, is told."""
    most, found = (f"{count:,}".replace(",", " ") for count in (limit, length))
    return _("expected a cell of at most {most} characters, found one of {found}").format(
        most=most, found=found
    )


def cell_text(value: Any) -> str:
    """A workbook cell as the text a CSV file would hold."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.strftime("%Y-%m-%dT%H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_workbook(path: Path) -> tuple[dict[str, Table], list[Problem]]:
    """Read every sheet of an xlsx workbook into tables, by lower-case sheet name.

    The problems are every cell that cannot be read as it stands, by sheet, row and
    column: a cell longer than a CSV file's may be, a formula saved without its value
    or with an error for one. A workbook that cannot be opened, or a sheet that cannot
    be read, is the only problem and gives no tables.
    """
    import openpyxl  # Imported here: only workbook users pay for it.

    # openpyxl warns about what it cannot keep (data validation, styles, a number formatted
    # as a date that is none); none of it matters for reading values, and a warning would
    # only clutter the list of problems.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _read_sheets(path, openpyxl)


def _read_sheets(path: Path, openpyxl: Any) -> tuple[dict[str, Table], list[Problem]]:
    try:
        # A formula cell reads as the value the spreadsheet program saved with it.
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file.
        return {}, [
            Problem(
                path.name,
                None,
                None,
                None,
                _("expected an xlsx workbook ({error})").format(error=error),
            )
        ]
    formulas = _unsaved_formulas(path)
    tables: dict[str, Table] = {}
    problems: list[Problem] = []
    try:
        for sheet in workbook.worksheets:
            label = sheet_label(path.name, sheet.title)
            try:
                records = [[cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
            except Exception as error:  # A damaged sheet can fail only while it is read.
                return {}, [
                    Problem(
                        label,
                        None,
                        None,
                        None,
                        _("expected a readable sheet ({error})").format(error=error),
                    )
                ]
            unsaved = formulas.get(sheet.title, [])
            for cell in unsaved:
                # The formula stands in for the value it lacks, so that a text column does
                # not report the cell a second time as empty.
                if cell.row <= len(records) and cell.column <= len(records[cell.row - 1]):
                    records[cell.row - 1][cell.column - 1] = cell.formula
            name = sheet.title.strip().lower()
            tables[name] = table_from_records(name, label, records)
            found = _formula_problems(tables[name], unsaved) + _long_sheet_cells(
                tables[name], records
            )
            problems += sorted(found, key=lambda problem: problem.row or 0)
    finally:
        workbook.close()
    return tables, problems


def _long_sheet_cells(table: Table, records: list[list[str]]) -> list[Problem]:
    """The cells of a sheet longer than a CSV file's cell may be, each by row and column."""
    limit = csv.field_size_limit()
    return [
        Problem(
            table.label, row, _sheet_column(table, row, column), None, _too_long(len(cell), limit)
        )
        for row, record in enumerate(records, start=1)
        for column, cell in enumerate(record, start=1)
        if len(cell) > limit
    ]


def _sheet_column(table: Table, row: int, column: int) -> str:
    """How a problem names a sheet's column: the header's name below the header, else the
    column's letter (``B``)."""
    from openpyxl.utils.cell import get_column_letter

    if row > table.header_row and column <= len(table.columns) and table.columns[column - 1]:
        return table.columns[column - 1]
    return get_column_letter(column)


@dataclass(frozen=True)
class FormulaCell:
    """A formula cell of a sheet that holds no value to read: its place and its formula.

    ``error`` is the spreadsheet error saved as its value (``#N/A``), or ``None`` when no
    value is saved at all (a program that does not calculate wrote the workbook).
    """

    row: int
    column: int
    formula: str
    error: str | None = None


def _formula_problems(table: Table, cells: list[FormulaCell]) -> list[Problem]:
    """The problems of a sheet's formula cells that hold no value to read."""
    problems = []
    for cell in cells:
        if cell.error is None:
            expected = _(
                "expected the value of this formula, but none is saved with it (the program "
                "that wrote the workbook does not calculate formulas): open the workbook in "
                "Excel or LibreOffice and save it there first"
            )
        else:
            expected = _(
                "expected a value, found the error {error} that this formula gives: "
                "correct the formula in Excel or LibreOffice and save the workbook again"
            ).format(error=cell.error)
        column = _sheet_column(table, cell.row, cell.column)
        problems.append(Problem(table.label, cell.row, column, cell.formula or None, expected))
    return problems


#: An XML element ``f`` (a formula), with or without a namespace prefix.
FORMULA_ELEMENT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")


def _unsaved_formulas(path: Path) -> dict[str, list[FormulaCell]]:
    """The formula cells of each sheet (by title) whose saved value cannot be read.

    openpyxl reads a formula cell's saved value, and a formula saved without one as
    empty, as it does a formula whose value is an empty text; only the sheet's XML tells
    them apart (``<v/>`` or no ``<v>`` against ``t="str"`` with an empty ``<v>``).
    """
    try:
        with zipfile.ZipFile(path) as archive:
            cells = {
                title: _formula_cells(archive.read(part))
                for title, part in _sheet_parts(archive).items()
            }
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, OSError, ValueError):
        # openpyxl has read the workbook: a part not found here holds no formula to report.
        return {}
    return {title: found for title, found in cells.items() if found}


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """The archive member of each worksheet, by sheet title, as the package relates them."""
    workbook = next(
        (member for kind, member in _relations(archive, "").values() if kind == "officeDocument"),
        None,
    )
    if workbook is None:
        return {}
    targets = _relations(archive, workbook)
    parts: dict[str, str] = {}
    for element in ElementTree.fromstring(archive.read(workbook)).iter():
        if _local_name(element.tag) == "sheet":
            rid = next((v for k, v in element.attrib.items() if _local_name(k) == "id"), "")
            if rid in targets:
                parts[element.get("name", "")] = targets[rid][1]
    return parts


def _relations(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """A package part's relationships (``""`` for the package's): id -> (kind, member)."""
    folder, name = posixpath.split(part)
    found: dict[str, tuple[str, str]] = {}
    for element in ElementTree.fromstring(
        archive.read(posixpath.join(folder, "_rels", f"{name}.rels"))
    ):
        target = element.get("Target", "")
        member = (
            target.lstrip("/")
            if target.startswith("/")
            else posixpath.normpath(posixpath.join(folder, target))
        )
        found[element.get("Id", "")] = (element.get("Type", "").rsplit("/", 1)[-1], member)
    return found


def _formula_cells(xml: bytes) -> list[FormulaCell]:
    """The formula cells of a worksheet's XML that hold no value to read."""
    if not FORMULA_ELEMENT.search(xml):
        return []
    found: list[FormulaCell] = []
    row = column = 0
    for event, element in ElementTree.iterparse(io.BytesIO(xml), events=("start", "end")):
        tag = _local_name(element.tag)
        if event == "start" and tag == "row":
            row, column = int(element.get("r") or row + 1), 0
        elif event == "end" and tag == "c":
            row, column = _cell_position(element.get("r"), row, column + 1)
            cell = _formula_cell(element, row, column)
            if cell is not None:
                found.append(cell)
            element.clear()
        elif event == "end" and tag == "row":
            element.clear()
    return found


def _cell_position(reference: str | None, row: int, column: int) -> tuple[int, int]:
    """A cell's row and column from its reference (``B4``), else the ones given."""
    from openpyxl.utils.cell import coordinate_to_tuple

    return coordinate_to_tuple(reference) if reference else (row, column)


def _formula_cell(element: ElementTree.Element, row: int, column: int) -> FormulaCell | None:
    """The cell, if it is a formula whose saved value cannot be read."""
    children = {_local_name(child.tag): child for child in element}
    kind = element.get("t", "n")
    if "f" not in children or kind == "inlineStr":
        return None
    # A formula shared down a column is written out in its first cell only.
    formula = f"={children['f'].text}" if children["f"].text else ""
    value = children.get("v")
    if kind == "e" and value is not None and value.text:
        return FormulaCell(row, column, formula, value.text)
    # An empty text is a value when the cell says it holds text (t="str").
    if value is None or (not value.text and kind != "str"):
        return FormulaCell(row, column, formula)
    return None


def _local_name(tag: str) -> str:
    """An XML name without its namespace: ``sheet`` of ``{...main}sheet``."""
    return tag.rsplit("}", 1)[-1]


#: The first characters that make a spreadsheet program read a cell as a formula or a
#: command (OWASP, "CSV Injection"): such a text cell is written with a ``'`` before it.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """A text cell that Excel and LibreOffice show as text, never run as a formula.

    ``=HYPERLINK(...)`` becomes ``'=HYPERLINK(...)``; :func:`from_spreadsheet` gives the
    text back. A text already starting with ``'`` gets one more, so that reading it back
    is exact.
    """
    if text.startswith(FORMULA_STARTS) or (
        text.startswith("'") and text.lstrip("'").startswith(FORMULA_STARTS)
    ):
        return "'" + text
    return text


def from_spreadsheet(text: str) -> str:
    """The text :func:`spreadsheet_safe` was given: the added ``'`` taken off again."""
    if text.startswith("'") and text.lstrip("'").startswith(FORMULA_STARTS):
        return text[1:]
    return text


def write_csv(path: Path, columns: list[str], rows: list[dict[str, Any]]) -> None:
    """Write rows as a UTF-8 CSV file with a header (``,`` separated, lists joined by ``|``).

    The file starts with a byte order mark, so that Excel reads it as UTF-8 and shows å,
    ä and ö (:func:`decode` and every reader of these files accept it). Every text cell
    goes through :func:`spreadsheet_safe`, since coordinators open these files in a
    spreadsheet program; the reader takes the guard off again.
    """
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({column: _safe(row.get(column, "")) for column in columns})


def keep_text(sheet: Any) -> None:
    """Store every text cell of an openpyxl sheet as text, never as a formula.

    openpyxl takes a text starting with ``=`` for a formula; a workbook written for
    people holds data only, so such a cell must stay the text it was (a workbook's text
    cell is never run, unlike a CSV cell, so no ``'`` is needed).
    """
    for row in sheet.iter_rows():
        for item in row:
            if isinstance(item.value, str):
                item.data_type = "s"


def _safe(value: Any) -> Any:
    return spreadsheet_safe(value) if isinstance(value, str) else value
