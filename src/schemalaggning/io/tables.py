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
    """One data row: its spreadsheet number and its cells by (lower-case) column name."""

    number: int
    cells: dict[str, str]


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

    A UTF-16 file with its BOM (Excel's "Unicode text") is read as well.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Five bytes are undefined in cp1252; they become U+FFFD rather than stop the run.
        return data.decode("cp1252", errors="replace")


def sniff_delimiter(text: str) -> str:
    """Return ``;`` or ``,``: whichever separates more columns of the header line."""
    header = text.split("\n", 1)[0]
    outside_quotes = header.split('"')[::2]
    semicolons = sum(part.count(";") for part in outside_quotes)
    commas = sum(part.count(",") for part in outside_quotes)
    return ";" if semicolons > commas else ","


def table_from_records(
    name: str, label: str, records: list[list[str]], first_row: int = 1, delimiter: str = ","
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
        table.rows.append(Row(first_row + offset, cells))
    return table


def read_csv(path: Path, name: str) -> Table:
    """Read a CSV file into a table."""
    text = decode(path.read_bytes())
    delimiter = sniff_delimiter(text)
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    return table_from_records(name, path.name, records, delimiter=delimiter)


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


def write_csv(path: Path, columns: list[str], rows: list[dict[str, Any]]) -> None:
    """Write rows as a UTF-8 CSV file with a header (``,`` separated, lists joined by ``|``)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({column: row.get(column, "") for column in columns})


#: What makes a spreadsheet run a cell as a formula (OWASP, CSV injection), and the quote
#: that neutralises it; a cell that starts with the quote itself is quoted too, so that
#: :func:`from_spreadsheet` can tell the two apart.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SPREADSHEET_QUOTE = "'"


def spreadsheet_safe(text: str) -> str:
    """A cell's text that a spreadsheet shows as text, never runs as a formula.

    Text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (OWASP's
    CSV-injection list) gets a leading ``'``; so does text that starts with ``'``, so
    that :func:`from_spreadsheet` gives back exactly the original.

    Parameters
    ----------
    text
        The cell's value.

    Returns
    -------
    The value as it is written into a CSV file meant to be opened in a spreadsheet.
    """
    if text.startswith((*FORMULA_STARTS, SPREADSHEET_QUOTE)):
        return SPREADSHEET_QUOTE + text
    return text


def from_spreadsheet(text: str) -> str:
    """The original of a cell written by :func:`spreadsheet_safe` (its inverse).

    Parameters
    ----------
    text
        The cell as read from the file.

    Returns
    -------
    The value without the leading ``'`` that :func:`spreadsheet_safe` added.
    """
    return text.removeprefix(SPREADSHEET_QUOTE)
