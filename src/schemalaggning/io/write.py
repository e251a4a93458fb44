"""Writing instances (CSV folder or xlsx workbook) and a schedule's contract files.

A whole schedule folder, with its calendars, workbook and report, is written by
:mod:`schemalaggning.export.folder`, which calls :func:`write_schedule_files` here for
the four files of the format: this package reads and writes the format and never
imports the exports.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import tomli_w

from schemalaggning.domain import (
    DEFAULT_ELECTIVE_BUDGET_SEK,
    Assignment,
    Instance,
    Record,
    Session,
    Settings,
    Unscheduled,
)
from schemalaggning.io.settings import TEXT_SETTINGS
from schemalaggning.io.specs import (
    ASSIGNMENT_COLUMNS,
    SESSIONS_SPEC,
    TABLES,
    UNSCHEDULED_COLUMNS,
    TableSpec,
)
from schemalaggning.io.tables import keep_text, write_csv
from schemalaggning.problems import SETTINGS_SHEET


def cell(value: Any) -> Any:
    """A record's field as a spreadsheet cell: lists joined by ``|``, booleans as yes/no."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, tuple | list):
        return "|".join(str(item) for item in value)
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def record_row(record: Record, dates: bool = False) -> dict[str, Any]:
    """A record as a row keyed by column names (aliases where the format uses them).

    Parameters
    ----------
    record
        The record to write.
    dates
        Keep dates as ``date`` values (for a workbook) rather than ISO text.
    """
    row: dict[str, Any] = {}
    for name, info in type(record).model_fields.items():
        value = getattr(record, name)
        row[info.alias or name] = value if dates and isinstance(value, date) else cell(value)
    return row


def settings_dict(settings: Settings) -> dict[str, Any]:
    """The settings as the TOML file holds them."""
    data: dict[str, Any] = {
        "name": settings.name,
        "timezone": settings.timezone,
        "horizon_start": settings.horizon_start,
        "horizon_end": settings.horizon_end,
    }
    # An empty code, not a missing key: a missing key would mean the default, SE.
    data["holidays"] = settings.holidays or ""
    data["closed"] = [{"from": p.start, "to": p.end, "name": p.name} for p in settings.closed]
    if settings.organizer is not None:
        data["organizer"] = settings.organizer.model_dump()
    if settings.smtp is not None:
        data["smtp"] = settings.smtp.model_dump(exclude_none=True)
    data["slots"] = {
        half.value: [f"{start:%H:%M}", f"{end:%H:%M}"]
        for half, (start, end) in sorted(settings.slots.items())
    }
    # Written only when it is not the default, so that instances without electives keep
    # the settings they always had.
    if settings.elective_budget_sek != DEFAULT_ELECTIVE_BUDGET_SEK:
        data["elective_budget_sek"] = settings.elective_budget_sek
    # Always written: it decides which attendances are due (format 1.2).
    data["plan_ahead"] = settings.plan_ahead
    return data


def written_columns(spec: TableSpec, records: Sequence[Record]) -> list[str]:
    """The table's columns, and each optional column some record fills (an empty optional
    cell means the default, so a column no record fills is left out)."""
    filled = [
        column for column in spec.optional if any(_value(record, column) for record in records)
    ]
    return [*spec.columns, *filled]


def _value(record: Record, column: str) -> Any:
    """The record's field that a column holds (by alias or name)."""
    for name, info in type(record).model_fields.items():
        if column in (name, info.alias):
            return getattr(record, name)
    return None


def write_instance(instance: Instance, folder: str | Path) -> Path:
    """Write an instance as a folder of CSV files plus ``instance.toml``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "instance.toml").write_text(
        tomli_w.dumps(settings_dict(instance.settings)), encoding="utf-8"
    )
    for spec in TABLES:
        records: Sequence[Record] = getattr(instance, spec.name)
        if not spec.required and not records:
            continue
        write_csv(
            folder / spec.file_name,
            written_columns(spec, records),
            [record_row(r) for r in records],
        )
    return folder


def write_instance_xlsx(instance: Instance, path: str | Path) -> Path:
    """Write an instance as one xlsx workbook: a sheet per table and a ``settings`` sheet.

    Dates are real Excel dates (shown as ``YYYY-MM-DD``) and numbers real numbers, so
    that a coordinator can sort and filter them; lists are ``|``-separated text.
    """
    from openpyxl import Workbook

    path = Path(path)
    workbook = Workbook()
    settings_sheet = workbook.active
    assert settings_sheet is not None
    settings_sheet.title = SETTINGS_SHEET
    settings_sheet.append(["key", "value"])
    for key, value in settings_dict(instance.settings).items():
        if isinstance(value, dict):
            for sub, sub_value in value.items():
                name = f"{key}.{sub}"
                settings_sheet.append([name, _settings_cell(name, sub_value)])
        else:
            settings_sheet.append([key, _settings_cell(key, value)])
    _format_dates(settings_sheet)
    keep_text(settings_sheet)
    for spec in TABLES:
        records: Sequence[Record] = getattr(instance, spec.name)
        if not spec.required and not records:
            continue
        sheet = workbook.create_sheet(spec.name)
        columns = written_columns(spec, records)
        sheet.append(columns)
        for record in records:
            row = record_row(record, dates=True)
            sheet.append([_xlsx_cell(row.get(column, "")) for column in columns])
        _format_dates(sheet)
        keep_text(sheet)
    workbook.save(path)
    return path


def _settings_cell(key: str, value: Any) -> Any:
    """A setting as the settings sheet holds it: text and dates as they are, else TOML."""
    if key in TEXT_SETTINGS:
        return str(value)
    if isinstance(value, date):
        return value
    return _toml_value(value)


def _xlsx_cell(value: Any) -> Any:
    """An empty text is left out, so that the cell is blank rather than an empty string."""
    return None if value == "" else value


def _format_dates(sheet: Any) -> None:
    """Show the sheet's date cells as ``YYYY-MM-DD``, the format the CSV files use."""
    for row in sheet.iter_rows():
        for item in row:
            if isinstance(item.value, date):
                item.number_format = "yyyy-mm-dd"


def _toml_value(value: Any) -> str:
    """A value written as one line of TOML (how the settings sheet holds lists and tables)."""
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    if isinstance(value, dict):
        items = ", ".join(f"{key} = {_toml_value(item)}" for key, item in value.items())
        return "{ " + items + " }" if items else "{}"
    return tomli_w.dumps({"v": value}).split("=", 1)[1].strip()


@contextmanager
def atomic_folder(target: str | Path) -> Iterator[Path]:
    """Yield a temporary folder beside ``target``; on success it replaces ``target`` whole.

    For the program's own caches (generated benchmark instances). A folder the user
    names goes through :class:`schemalaggning.io.folders.OutputFolder` instead, which
    checks it, locks it and keeps what it replaces.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    # Made with os.mkdir, not tempfile.mkdtemp: the folder follows the user's umask
    # (mkdtemp's is 0700, and the renamed folder would stay unreadable to others).
    temporary = target.with_name(f".{target.name}.new-{os.getpid()}")
    shutil.rmtree(temporary, ignore_errors=True)
    temporary.mkdir()
    try:
        yield temporary
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        shutil.rmtree(old, ignore_errors=True)
        target.rename(old)
    temporary.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def write_schedule_files(
    folder: Path,
    sessions: Sequence[Session],
    assignments: Sequence[Assignment],
    unscheduled: Sequence[Unscheduled],
    summary: dict[str, Any],
) -> None:
    """Write the four schedule files into an existing folder.

    ``sessions.csv`` gets the columns ``held`` and ``held_for`` after the format's when
    some session holds seats for expected hires, and ``past`` when some session is history
    (format 1.2).
    """
    columns = written_columns(SESSIONS_SPEC, sessions)
    write_csv(folder / "sessions.csv", columns, [record_row(s) for s in sessions])
    write_csv(
        folder / "assignments.csv", list(ASSIGNMENT_COLUMNS), [record_row(a) for a in assignments]
    )
    write_csv(
        folder / "unscheduled.csv", list(UNSCHEDULED_COLUMNS), [record_row(u) for u in unscheduled]
    )
    (folder / "summary.json").write_text(
        json.dumps(summary, indent=2, default=str) + "\n", encoding="utf-8"
    )
