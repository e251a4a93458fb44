"""The workbook's sheets as a colleague would make them: cell formats, columns as wide as
their content, tables with a frozen header row and a filter, pages printed one wide with
a header.

:mod:`~schemalaggning.export.workbook` writes ``schema.xlsx``'s sheets with these; every
cell is written as what it is (text stays text, dates are Excel dates).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from xlsxwriter import Workbook
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from schemalaggning.i18n import _

DATE_FORMAT = "yyyy-mm-dd"
HEADER_COLOR = "#DDE6F0"
LINE_COLOR = "#808080"
#: The colour of a course a person cannot be given in time.
UNMET_COLOR = "#B00020"
#: The most characters of a printed page's header or footer.
MAX_HEADER = 255
#: Every cell is written as what it is: a text that starts with ``=``, looks like a
#: number or like an address stays the text it was (a workbook for people holds data
#: only). Dates without a format of their own are shown as ``YYYY-MM-DD``.
WORKBOOK_OPTIONS: dict[str, Any] = {
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
    "default_date_format": DATE_FORMAT,
    # The sheets are put together in memory, not in temporary files that a run stopped
    # while writing would leave behind.
    "in_memory": True,
}
#: The pixels of a character of a column's width as Excel stores it (a digit of Calibri
#: 11, the padding included).
DIGIT_PIXELS = 7


@dataclass(frozen=True)
class Formats:
    """The workbook's cell formats, each made once."""

    header: Format
    title: Format
    boxed_header: Format
    boxed: Format
    unmet: Format


def make_formats(workbook: Workbook) -> Formats:
    """The workbook's cell formats, made once for every sheet."""
    line = {"border": 1, "border_color": LINE_COLOR}
    header = {"bold": True, "pattern": 1, "bg_color": HEADER_COLOR}
    return Formats(
        header=workbook.add_format({**header, "valign": "top", "text_wrap": True}),
        title=workbook.add_format({"bold": True, "font_size": 14}),
        boxed_header=workbook.add_format({**header, **line}),
        boxed=workbook.add_format(line),
        unmet=workbook.add_format({"font_color": UNMET_COLOR}),
    )


def _width(value: Any) -> int:
    if isinstance(value, date):
        return 11
    text = "" if value is None else str(value)
    return max((len(line) for line in text.splitlines()), default=0)


def set_width(sheet: Worksheet, column: int, width: int) -> None:
    """Make a column (0 for A) ``width`` characters wide, as the file stores widths.

    Excel shows a little less: the stored width includes the cell's padding, which
    XlsxWriter's ``set_column`` would add on top; these widths were chosen as stored.
    """
    sheet.set_column_pixels(column, column, width * DIGIT_PIXELS)


def fit_columns_to(sheet: Worksheet, rows: Iterable[Sequence[Any]], most: int = 60) -> None:
    """Make every column as wide as the widest of ``rows``' values in it (within reason)."""
    widths: dict[int, int] = {}
    for row in rows:
        for column, value in enumerate(row):
            widths[column] = max(widths.get(column, 0), _width(value))
    for column, width in widths.items():
        set_width(sheet, column, min(most, max(6, width + 2)))


def write_rows(
    sheet: Worksheet, first: int, rows: Iterable[Sequence[Any]], style: Format | None = None
) -> int:
    """Write ``rows`` from row ``first`` (0 for row 1) on; returns the row after them.

    Each value is written as what it is: text, a number, a date (an Excel date, shown as
    ``YYYY-MM-DD``) or nothing for ``None`` and ``""``.
    """
    number = first
    for row in rows:
        if sheet.write_row(number, 0, row, style):
            # XlsxWriter stops a row at a cell it had to cut (a text beyond Excel's 32 767
            # characters): the rest of the row is written cell by cell.
            for column, value in enumerate(row):
                sheet.write(number, column, value, style)
        number += 1
    return number


def table_sheet(
    workbook: Workbook,
    formats: Formats,
    title: str,
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    filtered: bool = True,
) -> Worksheet:
    """A sheet holding one table: a bold header row, frozen, with a filter on every column.

    The title and the headings are messages (marked with ``N_``), written in the current
    language. Date cells are shown as ``YYYY-MM-DD``; text cells stay text.
    """
    sheet: Worksheet = workbook.add_worksheet(_(title))
    header = [_(heading) for heading in header]
    sheet.write_row(0, 0, header, formats.header)
    write_rows(sheet, 1, rows)
    sheet.freeze_panes(1, 0)
    if filtered:
        sheet.autofilter(0, 0, len(rows), max(1, len(header)) - 1)
    fit_columns_to(sheet, [header, *rows])
    sheet.repeat_rows(0)
    sheet.set_landscape()
    fit_to_width(sheet)
    return sheet


def fit_to_width(sheet: Worksheet) -> None:
    """Print the sheet one page wide, as many pages long as it takes."""
    sheet.fit_to_pages(1, 0)


def page_header(text: str) -> str:
    """A printed page's header: ``text`` in the middle.

    An ``&`` starts a code in a header (``&P`` is the page number), so a name's own is
    doubled; Excel keeps at most 255 characters.
    """
    header = "&C" + text.replace("&", "&&")
    if len(header) > MAX_HEADER:
        header = header[:MAX_HEADER]
        # A doubled ``&`` cut in half would start a code.
        if (len(header) - len(header.rstrip("&"))) % 2:
            header = header[:-1]
    return header
