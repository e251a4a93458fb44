"""Spreadsheet tables from CSV files or xlsx sheets, as rows of text cells with row numbers.

Both sources end up as the same :class:`Table`, so every later check runs on one path
and names rows the way the coordinator's spreadsheet numbers them (the header is row 1).
"""

from __future__ import annotations

import codecs
import csv
import io
import warnings
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from schemalaggning.problems import Problem


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


def decode(data: bytes) -> str:
    """Decode a CSV file: UTF-8 (with or without BOM), else cp1252 (Excel's Windows default).

    A UTF-16 file, with its BOM (Excel's "Unicode text") or without, is read as well, and
    cp1252 text behind a UTF-8 byte order mark.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    sample = data[:4096]
    odd, even = sample[1::2].count(0), sample[0::2].count(0)
    if max(odd, even) > len(sample) // 8 and min(odd, even) <= len(sample) // 100:
        # UTF-16 without its BOM: every other byte of the letters a header has is zero.
        try:
            return data.decode("utf-16-le" if odd > even else "utf-16-be")
        except UnicodeDecodeError:
            pass
    # A byte order mark says UTF-8, but a spreadsheet may have saved cp1252 after it: the
    # mark is no part of the header either way.
    body = data.removeprefix(codecs.BOM_UTF8)
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        # Five bytes are undefined in cp1252; they become U+FFFD rather than stop the run.
        return body.decode("cp1252", errors="replace")


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
    """Read a CSV file into a table."""
    text = decode(path.read_bytes())
    delimiter = sniff_delimiter(text)
    records = [
        [from_spreadsheet(cell) for cell in record]
        for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    ]
    return table_from_records(name, path.name, records, delimiter=delimiter, csv_file=True)


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
    """Read every sheet of an xlsx workbook into tables, by lower-case sheet name."""
    import openpyxl  # Imported here: only workbook users pay for it.

    # openpyxl warns about what it cannot keep (data validation, styles, a number formatted
    # as a date that is none); none of it matters for reading values, and a warning would
    # only clutter the list of problems.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _read_sheets(path, openpyxl)


def _read_sheets(path: Path, openpyxl: Any) -> tuple[dict[str, Table], list[Problem]]:
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file.
        return {}, [Problem(path.name, None, None, None, f"expected an xlsx workbook ({error})")]
    tables: dict[str, Table] = {}
    try:
        for sheet in workbook.worksheets:
            label = f"{path.name}, sheet {sheet.title}"
            try:
                records = [[cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
            except Exception as error:  # A damaged sheet can fail only while it is read.
                return {}, [
                    Problem(label, None, None, None, f"expected a readable sheet ({error})")
                ]
            name = sheet.title.strip().lower()
            tables[name] = table_from_records(name, label, records)
    finally:
        workbook.close()
    return tables, []


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
