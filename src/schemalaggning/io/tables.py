"""Spreadsheet tables from CSV files or xlsx sheets, as rows of text cells with row numbers.

Both sources end up as the same :class:`Table`, so every later check runs on one path
and names rows the way the coordinator's spreadsheet numbers them (the header is row 1).
"""

from __future__ import annotations

import csv
import io
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
    """A table read from a CSV file or a workbook sheet."""

    name: str
    label: str
    columns: list[str]
    rows: list[Row] = field(default_factory=list)
    delimiter: str = ","


def decode(data: bytes) -> str:
    """Decode a CSV file: UTF-8 (with or without BOM), else cp1252 (Excel's Windows default)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
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
    """Build a table from a header record and data records; blank rows are skipped."""
    if not records:
        return Table(name, label, [], delimiter=delimiter)
    columns = [cell.strip().lower() for cell in records[0]]
    table = Table(name, label, columns, delimiter=delimiter)
    for offset, record in enumerate(records[1:], start=1):
        if not any(cell.strip() for cell in record):
            continue
        cells = {
            column: (record[i].strip() if i < len(record) else "")
            for i, column in enumerate(columns)
            if column
        }
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

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file.
        return {}, [Problem(path.name, None, None, None, f"expected an xlsx workbook ({error})")]
    tables: dict[str, Table] = {}
    try:
        for sheet in workbook.worksheets:
            records = [[cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
            name = sheet.title.strip().lower()
            tables[name] = table_from_records(name, f"{path.name}, sheet {sheet.title}", records)
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
