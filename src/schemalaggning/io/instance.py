"""Reading an instance (a folder of CSV files plus ``instance.toml``, or one xlsx workbook).

Every problem is collected and reported at once, each with its file (or sheet), row,
column, value and what was expected; nothing is built from an input with errors.
"""

from __future__ import annotations

import csv
import re
import tomllib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from schemalaggning.domain import (
    ALL_COURSES,
    Assignment,
    ClosedPeriod,
    Course,
    District,
    Elective,
    Forecast,
    Half,
    Instance,
    Person,
    Room,
    Session,
    SessionAttendance,
    Settings,
    Trainer,
    Unavailability,
    add_months,
    split_list,
)
from schemalaggning.io.tables import Row, Table, read_csv, read_workbook
from schemalaggning.problems import SETTINGS_SHEET, InputError, Problem, Severity

SETTINGS_FILE = "instance.toml"
SETTINGS_KEYS = {
    "name",
    "timezone",
    "horizon_start",
    "horizon_end",
    "holidays",
    "closed",
    "organizer",
    "slots",
    "elective_budget_sek",
    "smtp",
}


@dataclass(frozen=True)
class TableSpec:
    """What one table of the format holds."""

    name: str
    record: type[BaseModel]
    columns: tuple[str, ...]
    id_column: str | None
    required: bool = True
    #: Columns read when the header has them (written after the format's columns).
    optional: tuple[str, ...] = ()

    @property
    def file_name(self) -> str:
        """The table's CSV file name."""
        return f"{self.name}.csv"


SESSION_COLUMNS = (
    "session_id",
    "course_id",
    "room_id",
    "trainer_ids",
    "start",
    "end",
    "slots",
    "participants",
)
ASSIGNMENT_COLUMNS = ("person_id", "course_id", "session_id")
UNSCHEDULED_COLUMNS = ("person_id", "course_id", "deadline", "reason")
#: Columns of sessions.csv beyond the format's: the seats held for expected hires.
HELD_COLUMNS = ("held", "held_for")
FORECAST_COLUMNS = ("district_id", "month", "hires")
ATTENDANCE_COLUMNS = ("session_id", "person_id", "attended")
ELECTIVE_COLUMNS = ("request_id", "person_id", "title", "from", "to", "half", "cost_sek", "status")

TABLES = (
    TableSpec("districts", District, ("district_id", "name", "max_absent"), "district_id"),
    TableSpec(
        "people",
        Person,
        ("person_id", "name", "email", "district_id", "start_date", "required", "done"),
        "person_id",
    ),
    TableSpec(
        "courses",
        Course,
        (
            "course_id",
            "name",
            "part",
            "half_days",
            "min_group",
            "max_group",
            "trainers",
            "within_months",
            "not_before_months",
            "after",
        ),
        "course_id",
    ),
    TableSpec(
        "trainers",
        Trainer,
        ("trainer_id", "name", "email", "district_id", "courses", "max_half_days_per_week"),
        "trainer_id",
    ),
    TableSpec("rooms", Room, ("room_id", "name", "capacity", "address"), "room_id"),
    TableSpec(
        "unavailability",
        Unavailability,
        ("resource_id", "from", "to", "half", "reason"),
        None,
        required=False,
    ),
    TableSpec(
        "fixed_sessions",
        Session,
        SESSION_COLUMNS,
        "session_id",
        required=False,
        optional=HELD_COLUMNS,
    ),
    TableSpec("fixed_assignments", Assignment, ASSIGNMENT_COLUMNS, None, required=False),
    TableSpec("electives", Elective, ELECTIVE_COLUMNS, "request_id", required=False),
    TableSpec("forecast", Forecast, FORECAST_COLUMNS, None, required=False),
    TableSpec("attendance", SessionAttendance, ATTENDANCE_COLUMNS, None, required=False),
)
TABLE_BY_NAME = {spec.name: spec for spec in TABLES}


#: An upper bound up to this is named when a cell is not a number at all.
SMALL_BOUND = 100
#: The longest horizon: a longer one is a typing error in a year, and would make the
#: time grid needlessly large.
MAX_HORIZON_YEARS = 10


def describe_error(error: Any, info: FieldInfo | None = None) -> str:
    """Turn one pydantic error into a plain 'expected ...' sentence.

    Parameters
    ----------
    error
        One entry of ``ValidationError.errors()``.
    info
        The field the error is about, when known: its bounds make the sentence exact
        (``from 1 to 10`` rather than ``at least 1``).
    """
    kind = error["type"]
    ctx = error.get("ctx") or {}
    message = str(error["msg"])
    bounds = _bounds(info)
    if kind == "missing":
        return "expected a value"
    if kind in ("int_parsing", "int_type", "int_from_float", "int_parsing_size"):
        # Name the range where it is part of the rule (half_days: 1 to 10), not where the
        # upper bound only guards against absurd numbers.
        if bounds is not None and bounds[1] is not None and bounds[1] <= SMALL_BOUND:
            return _number_range(*bounds)
        if bounds is not None and bounds[0] is not None:
            return _number_range(bounds[0], None)
        return "expected a whole number"
    if kind in ("greater_than_equal", "less_than_equal"):
        if bounds is not None and bounds[1] is not None and bounds[1] <= SMALL_BOUND:
            return _number_range(*bounds)
        if kind == "greater_than_equal":
            return f"expected a whole number of at least {ctx.get('ge')}"
        return f"expected a whole number of at most {ctx.get('le')}"
    if kind == "enum":
        return f"expected one of {ctx.get('expected', '')}".replace("'", "")
    if kind == "value_error":
        return message.removeprefix("Value error, ")
    if kind == "string_type":
        return "expected text"
    if kind in ("tuple_type", "list_type"):
        return "expected a list"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return "expected a table of keys and values"
    if kind == "too_long":
        return f"expected at most {ctx.get('max_length')} items"
    if kind == "too_short":
        return f"expected at least {ctx.get('min_length')} items"
    return message


def _bounds(info: FieldInfo | None) -> tuple[int | None, int | None] | None:
    """The lower and upper bound of a numeric field, or ``None`` for a field without any."""
    if info is None:
        return None
    low = next((m.ge for m in info.metadata if getattr(m, "ge", None) is not None), None)
    high = next((m.le for m in info.metadata if getattr(m, "le", None) is not None), None)
    if low is None and high is None:
        return None
    return low, high


def _number_range(low: int | None, high: int | None) -> str:
    if low is not None and high is not None:
        return f"expected a whole number from {low} to {high}"
    if low is not None:
        return f"expected a whole number of at least {low}"
    return f"expected a whole number of at most {high}"


def parse_rows(table: Table, spec: TableSpec, problems: list[Problem]) -> list[tuple[int, Any]]:
    """Build a record from every row of a table; bad cells become problems.

    Returns
    -------
    The records that were built, each with its row number. A row with a bad cell is
    left out; a table without its header (or without a needed column) gives no rows.
    """
    if not table.columns:
        problems.append(
            Problem(
                table.label,
                None,
                None,
                None,
                "expected a header row with the columns "
                + ", ".join(spec.columns)
                + " (it is empty)",
            )
        )
        return []
    for column in table.duplicate_columns:
        problems.append(
            Problem(table.label, table.header_row, column, None, "expected each column only once")
        )
    missing = [column for column in spec.columns if column not in table.columns]
    for column in missing:
        problems.append(
            Problem(
                table.label,
                table.header_row,
                column,
                None,
                "expected this column in the header row",
            )
        )
    if missing:
        return []
    parsed: list[tuple[int, Any]] = []
    fields = {(info.alias or name): info for name, info in spec.record.model_fields.items()}
    columns = [*spec.columns, *(c for c in spec.optional if c in table.columns)]
    for row in table.rows:
        if row.extra or row.short:
            problems.append(misaligned_row(table, row))
            continue
        data: dict[str, Any] = {}
        if "row" in spec.record.model_fields:
            data["row"] = row.number
        for column in columns:
            value = row.cells.get(column, "")
            info = fields.get(column)
            # An empty optional cell takes the field's default; an empty required cell is
            # passed on so that the field says what it expected there.
            if value == "" and info is not None and not info.is_required():
                continue
            data[column] = value
        try:
            parsed.append((row.number, spec.record.model_validate(data)))
        except ValidationError as exc:
            for error in exc.errors():
                loc = error["loc"]
                bad_column = str(loc[0]) if loc else None
                raw = row.cells.get(bad_column) if bad_column else None
                # For one bad item of a list, name the item rather than the whole cell.
                found = error.get("input")
                shown = found if isinstance(found, str) and len(loc) > 1 else raw
                problems.append(
                    Problem(
                        table.label,
                        row.number,
                        bad_column,
                        shown,
                        describe_error(error, fields.get(bad_column or "")),
                    )
                )
    return parsed


def misaligned_row(table: Table, row: Row) -> Problem:
    """The problem of a row whose cells do not line up with the header's columns.

    Such a row is never read: its cells would land in the wrong columns (a name with an
    unquoted comma moves every later cell one column to the right).
    """
    named = [column for column in table.columns if column]
    separator = "';'" if table.delimiter == ";" else "','"
    if row.extra:
        return Problem(
            table.label,
            row.number,
            None,
            table.delimiter.join(row.extra),
            f"expected {len(table.columns)} cells as in the header row, found "
            f"{len(table.columns) + len(row.extra)}: a text holding {separator} must be "
            'quoted ("..."), or the header needs a column for the extra cells',
        )
    first_missing = table.columns[len(table.columns) - row.short]
    if any("\n" in cell for cell in row.cells.values()):
        return Problem(
            table.label,
            row.number,
            first_missing or (named[-1] if named else None),
            None,
            'expected a cell here: a quote (") earlier in the row is not closed, so one cell '
            "runs over the following lines",
        )
    return Problem(
        table.label,
        row.number,
        first_missing or (named[-1] if named else None),
        None,
        f"expected {len(table.columns)} cells as in the header row, found "
        f"{len(table.columns) - row.short}: every row needs a cell (maybe empty) for every "
        "column",
    )


def known_ids(table: Table | None, spec: TableSpec) -> set[str] | None:
    """Every id a table's rows hold, as written; ``None`` if the table could not be read.

    Ids are taken from every row, also from rows with a bad cell elsewhere, so that one
    bad cell is reported once and not again in every row that refers to its id.
    """
    if spec.id_column is None:
        return None
    if table is None:
        return None if spec.required else set()
    if spec.id_column not in table.columns:
        return None
    return {row.cells[spec.id_column] for row in table.rows if row.cells.get(spec.id_column)}


# ---------------------------------------------------------------------------------------------
# Settings
# ---------------------------------------------------------------------------------------------

#: Settings whose value is text: a settings sheet's cell is taken as it is written
#: (a TOML string in quotes is accepted too).
TEXT_SETTINGS = frozenset(
    {
        "name",
        "timezone",
        "holidays",
        "organizer.name",
        "organizer.email",
        "smtp.host",
        "smtp.user",
        "smtp.security",
    }
)
CLOSED_SPEC = TableSpec("closed", ClosedPeriod, ("from", "to", "name"), None, required=False)


def key_name(loc: Sequence[int | str]) -> str:
    """A settings key path as a coordinator writes it: ``slots.AM[1]``, ``closed[2].from``."""
    name = ""
    for part in loc:
        if isinstance(part, int):
            name += f"[{part + 1}]"
        elif part == "[key]":
            # Pydantic marks an error in a table's key this way; the key itself names it.
            continue
        else:
            name += f".{part}" if name else str(part)
    return name


@dataclass
class SettingsInput:
    """The settings as read, before validation, with where each key was found.

    Parameters
    ----------
    label
        The file or sheet: ``instance.toml`` or ``workbook.xlsx, sheet settings``.
    data
        The settings as nested plain data.
    lines
        The line (TOML) or row (sheet) of each key, by lower-case key name.
    closed_rows
        For closed periods read from a ``closed`` sheet: their index in ``closed``
        mapped to the sheet's label and the row.
    """

    label: str
    data: dict[str, Any]
    lines: dict[str, int] = field(default_factory=dict)
    closed_rows: dict[int, tuple[str, int]] = field(default_factory=dict)

    def where(self, loc: Sequence[int | str]) -> tuple[str, int | None, str | None]:
        """The file (or sheet), row (or line) and key or column of a settings path."""
        if len(loc) >= 2 and loc[0] == "closed" and isinstance(loc[1], int):
            origin = self.closed_rows.get(loc[1])
            if origin is not None:
                column = str(loc[2]) if len(loc) > 2 else None
                return origin[0], origin[1], column
        name = key_name(loc) or None
        for end in range(len(loc), 0, -1):
            line = self.lines.get(key_name(loc[:end]).lower())
            if line is not None:
                return self.label, line, name
        return self.label, None, name

    def problem(
        self,
        loc: Sequence[int | str],
        value: str | None,
        expected: str,
        severity: Severity = Severity.ERROR,
    ) -> Problem:
        """A problem located at a settings path."""
        label, row, column = self.where(loc)
        return Problem(label, row, column, value, expected, severity)


TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")


def settings_from_toml(path: Path, problems: list[Problem]) -> SettingsInput | None:
    """Read ``instance.toml`` (problems appended; ``None`` if it cannot be read)."""
    if not path.is_file():
        problems.append(
            Problem(path.name, None, None, None, f"expected this file in {path.parent}")
        )
        return None
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        problems.append(Problem(path.name, None, None, None, "expected a UTF-8 text file"))
        return None
    except OSError as error:
        problems.append(
            Problem(path.name, None, None, None, f"expected a readable file ({error.strerror})")
        )
        return None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        problems.append(toml_syntax_problem(path.name, text, error))
        return None
    return SettingsInput(path.name, data, toml_key_lines(text))


def toml_syntax_problem(label: str, text: str, error: tomllib.TOMLDecodeError) -> Problem:
    """A TOML syntax error, located at its line and, where the line has one, its key."""
    message = str(error)
    position = TOML_POSITION.search(message)
    reason = TOML_POSITION.sub("", message)
    reason = reason[:1].lower() + reason[1:]
    expected = f"expected valid TOML ({reason})"
    # Newer Pythons give the line as an attribute; older ones only in the message.
    number = getattr(error, "lineno", None) or (int(position[1]) if position else None)
    if number is None:
        return Problem(label, None, None, None, expected)
    lines = text.splitlines()
    line = lines[number - 1] if 0 < number <= len(lines) else ""
    key, sep, value = line.partition("=")
    key = key.strip().strip('"')
    if not sep or not re.fullmatch(r"[A-Za-z0-9_.\- \"]+", key):
        return Problem(label, number, None, line.strip() or None, expected)
    # A key under a table header (AM under [slots]) is named with the table: slots.AM.
    table = next(
        (
            above.strip().lstrip("[").split("]", 1)[0].strip()
            for above in reversed(lines[: number - 1])
            if above.strip().startswith("[")
        ),
        None,
    )
    return Problem(label, number, f"{table}.{key}" if table else key, value.strip(), expected)


def toml_key_lines(text: str) -> dict[str, int]:
    """The line each key of a TOML text is on, by lower-case dotted name.

    Tables (``[slots]``) prefix the keys below them, and the inline tables of a
    multi-line array (``closed = [`` then one ``{ ... }`` a line) are numbered
    ``closed[1]``, ``closed[2]``, as problems name them.
    """
    lines: dict[str, int] = {}
    table: list[str] = []
    array: str | None = None
    items = 0
    depth = 0
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if array is not None:
            if stripped.startswith("{"):
                items += 1
                lines.setdefault(f"{array}[{items}]", number)
            depth += stripped.count("[") - stripped.count("]")
            if depth <= 0:
                array = None
            continue
        if stripped.startswith("["):
            name = stripped.lstrip("[").split("]", 1)[0]
            table = [part.strip().strip('"').lower() for part in name.split(".")]
            lines.setdefault(".".join(table), number)
            continue
        key, sep, value = stripped.partition("=")
        if not sep or not re.fullmatch(r"[A-Za-z0-9_.\- \"]+", key.strip()):
            continue
        path = ".".join([*table, *(part.strip().strip('"').lower() for part in key.split("."))])
        lines.setdefault(path, number)
        value = value.split("#", 1)[0].strip()
        if value.startswith("["):
            depth = value.count("[") - value.count("]")
            if depth > 0:
                array, items = path, 0
    return lines


def settings_cell(key: str, text: str) -> Any:
    """A settings sheet cell as the value the key takes.

    Text settings are taken as written (a TOML string in quotes is accepted too); the
    others are read as a TOML value where they are one (dates, lists, tables), else kept
    as text for validation to report. A slot's times may also be a ``|`` or ``;`` list.
    """
    try:
        value = tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        value = None
    if key in TEXT_SETTINGS:
        return value if isinstance(value, str) else text
    if value is not None:
        return value
    if key.startswith("slots.") and ("|" in text or ";" in text):
        return list(split_list(text))
    return text


def normalise_key(key: str) -> str:
    """A settings sheet key in the form the settings use (``slots.am`` is ``slots.AM``)."""
    parts = [part.strip() for part in key.strip().split(".")]
    parts[0] = parts[0].lower()
    if parts[0] in ("organizer", "smtp"):
        parts[1:] = [part.lower() for part in parts[1:]]
    if parts[0] == "slots":
        parts[1:] = [part.upper() for part in parts[1:]]
    return ".".join(parts)


def settings_from_sheets(
    tables: dict[str, Table], workbook: str, problems: list[Problem]
) -> SettingsInput | None:
    """Read the ``settings`` sheet (key/value rows; dotted keys nest) and a ``closed`` sheet.

    Returns
    -------
    The settings as read, or ``None`` when the sheet is missing or lacks its columns.
    """
    sheet = tables.get(SETTINGS_SHEET)
    if sheet is None:
        problems.append(
            Problem(
                f"{workbook}, sheet {SETTINGS_SHEET}",
                None,
                None,
                None,
                "expected this sheet in the workbook, with the columns key and value",
            )
        )
        return None
    missing = [column for column in ("key", "value") if column not in sheet.columns]
    for column in missing:
        problems.append(
            Problem(
                sheet.label,
                sheet.header_row,
                column,
                None,
                "expected this column in the header row",
            )
        )
    if missing:
        return None
    source = SettingsInput(sheet.label, {})
    for row in sheet.rows:
        raw_key = row.cells.get("key", "")
        if not raw_key.strip():
            problems.append(
                Problem(sheet.label, row.number, "key", "", "expected a setting's name")
            )
            continue
        key = normalise_key(raw_key)
        if key.lower() in source.lines:
            problems.append(
                Problem(
                    sheet.label,
                    row.number,
                    "key",
                    raw_key,
                    f"expected each key once (already in row {source.lines[key.lower()]})",
                )
            )
            continue
        parts = key.split(".")
        target = source.data
        for depth, part in enumerate(parts[:-1], start=1):
            inner = target.setdefault(part, {})
            if not isinstance(inner, dict):
                problems.append(
                    Problem(
                        sheet.label,
                        row.number,
                        "key",
                        raw_key,
                        f"expected no key {'.'.join(parts[:depth])} beside this one",
                    )
                )
                break
            target = inner
        else:
            if parts[-1] in target:
                problems.append(
                    Problem(
                        sheet.label,
                        row.number,
                        "key",
                        raw_key,
                        "expected no key beside the keys that nest in this one",
                    )
                )
                continue
            target[parts[-1]] = settings_cell(key, row.cells.get("value", ""))
            source.lines[key.lower()] = row.number
    closed_sheet = tables.get(CLOSED_SPEC.name)
    if closed_sheet is not None:
        periods = parse_rows(closed_sheet, CLOSED_SPEC, problems)
        existing = source.data.get("closed", [])
        closed = list(existing) if isinstance(existing, list) else [existing]
        for number, period in periods:
            source.closed_rows[len(closed)] = (closed_sheet.label, number)
            closed.append(period)
        source.data["closed"] = closed
    return source


def parse_settings(source: SettingsInput, problems: list[Problem]) -> Settings | None:
    """Validate the settings and check what the record cannot check alone."""
    data = source.data
    for key in data:
        if key not in SETTINGS_KEYS:
            problems.append(
                source.problem(
                    [key],
                    None,
                    f"unknown setting, ignored (known: {', '.join(sorted(SETTINGS_KEYS))})",
                    Severity.WARNING,
                )
            )
    cleaned = {key: value for key, value in data.items() if key in SETTINGS_KEYS}
    smtp = cleaned.get("smtp")
    if isinstance(smtp, dict) and "password" in smtp:
        # A password in a file travels with every copy of the instance.
        problems.append(
            source.problem(
                ["smtp", "password"],
                None,
                "expected no password in the settings: set the environment variable "
                "SCHEMALAGGNING_SMTP_PASSWORD, or type it when send asks",
            )
        )
        return None
    if isinstance(cleaned.get("slots"), dict):
        cleaned["slots"] = {str(k).strip().upper(): v for k, v in cleaned["slots"].items()}
    for key in ("horizon_start", "horizon_end"):
        # A TOML number or time in a date's place is shown as written, not as a type error.
        if key in cleaned and not isinstance(cleaned[key], date):
            cleaned[key] = str(cleaned[key])
    try:
        settings = Settings.model_validate(cleaned)
    except ValidationError as exc:
        for error in exc.errors():
            loc = error["loc"]
            expected = describe_error(error)
            if loc and loc[0] == "slots" and error["type"] not in ("enum", "value_error"):
                expected += ': two times HH:MM, such as ["08:30", "12:00"]'
            elif len(loc) == 1 and error["type"] == "missing":
                expected = "expected this setting"
            problems.append(source.problem(loc, _settings_value(cleaned, loc), expected))
        return None
    _check_settings(settings, source, problems)
    return settings


def _settings_value(data: dict[str, Any], loc: tuple[int | str, ...]) -> str | None:
    """The value found at a settings path, as text, for the problem to show."""
    if len(loc) >= 2 and loc[-1] == "[key]":
        # Pydantic names a table's bad key by the key followed by '[key]'.
        return str(loc[-2])
    value: Any = data
    for part in loc:
        try:
            value = value[part]
        except (KeyError, IndexError, TypeError):
            return None
    return None if value is None else str(value)


def _check_settings(settings: Settings, source: SettingsInput, problems: list[Problem]) -> None:
    if settings.horizon_end < settings.horizon_start:
        problems.append(
            source.problem(
                ["horizon_end"],
                settings.horizon_end.isoformat(),
                f"expected a day on or after horizon_start ({settings.horizon_start})",
            )
        )
    elif settings.horizon_end > add_months(settings.horizon_start, 12 * MAX_HORIZON_YEARS):
        problems.append(
            source.problem(
                ["horizon_end"],
                settings.horizon_end.isoformat(),
                f"expected a horizon of at most {MAX_HORIZON_YEARS} years "
                f"from horizon_start ({settings.horizon_start})",
            )
        )
    try:
        ZoneInfo(settings.timezone)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        # ZoneInfo raises OSError for a name that is a folder of zones, such as "Europe".
        problems.append(
            source.problem(
                ["timezone"],
                settings.timezone,
                "expected an IANA time zone such as Europe/Stockholm",
            )
        )
    if settings.holidays:
        try:
            holidays.country_holidays(settings.holidays, years=settings.horizon_start.year)
        except (ValueError, LookupError, NotImplementedError):
            problems.append(
                source.problem(
                    ["holidays"],
                    settings.holidays,
                    "expected a country code known to the holidays calendar, such as SE "
                    '(or "" for none)',
                )
            )
    for index, period in enumerate(settings.closed):
        if period.end < period.start:
            problems.append(
                source.problem(
                    ["closed", index, "to"],
                    period.end.isoformat(),
                    f"expected a day on or after 'from' ({period.start})",
                )
            )
        elif period.end < settings.horizon_start or period.start > settings.horizon_end:
            problems.append(
                source.problem(
                    ["closed", index],
                    f"{period.start}..{period.end}",
                    f"closed period lies outside the horizon "
                    f"({settings.horizon_start}..{settings.horizon_end}), so it has no effect",
                    Severity.WARNING,
                )
            )
    for half in (Half.AM, Half.PM):
        if half not in settings.slots:
            problems.append(
                source.problem(
                    ["slots", half.value],
                    None,
                    'expected the slot\'s times, such as ["08:30", "12:00"]',
                )
            )
    for half, (start, end) in sorted(settings.slots.items()):
        if end <= start:
            problems.append(
                source.problem(
                    ["slots", half.value],
                    f"{start:%H:%M}-{end:%H:%M}",
                    "expected the start before the end",
                )
            )
    if Half.AM in settings.slots and Half.PM in settings.slots:
        am_end = settings.slots[Half.AM][1]
        pm_start = settings.slots[Half.PM][0]
        if pm_start < am_end:
            problems.append(
                source.problem(
                    ["slots", Half.PM.value],
                    f"{pm_start:%H:%M}",
                    f"expected the PM slot to start when the AM slot ends ({am_end:%H:%M}) "
                    "or later",
                )
            )


# ---------------------------------------------------------------------------------------------
# Cross-references
# ---------------------------------------------------------------------------------------------


def _check_duplicates(
    label: str, column: str, rows: Iterable[tuple[int, Any]], problems: list[Problem]
) -> None:
    seen: dict[str, int] = {}
    for number, record in rows:
        value = getattr(record, column)
        if value in seen:
            problems.append(
                Problem(
                    label,
                    number,
                    column,
                    value,
                    f"expected a unique id (already used in row {seen[value]})",
                )
            )
        else:
            seen[value] = number


def _check_known(
    label: str,
    number: int,
    column: str,
    values: Iterable[str],
    known: set[str] | None,
    what: str,
    problems: list[Problem],
) -> None:
    """Report every value that is not a known id; ``known=None`` means the ids are unknown."""
    # When the referenced table could not be read its problem is reported already, and
    # every reference to it would only repeat that problem.
    if known is None:
        return
    for value in values:
        if value not in known:
            problems.append(Problem(label, number, column, value, f"expected a known {what}"))


def find_cycles(after: dict[str, tuple[str, ...]]) -> list[list[str]]:
    """Every prerequisite cycle of two or more courses (each once), as course ids in order.

    A course that lists itself is not a cycle here; it is reported on its own. Each cycle
    ends with its first course again, as in ``P1 -> T1 -> P1``.
    """
    state: dict[str, int] = {}  # 1 while on the current path, 2 when done.
    cycles: list[list[str]] = []
    seen_cycles: set[frozenset[str]] = set()
    for root in after:
        if root in state:
            continue
        # An explicit stack rather than recursion: a long chain of prerequisites must not
        # exhaust Python's recursion limit.
        path: list[str] = [root]
        stack: list[Iterator[str]] = [iter(after[root])]
        state[root] = 1
        while stack:
            before = next(stack[-1], None)
            if before is None:
                stack.pop()
                state[path.pop()] = 2
                continue
            if before not in after or before == path[-1]:
                continue
            if state.get(before) == 1:
                cycle = path[path.index(before) :]
                if frozenset(cycle) not in seen_cycles:
                    seen_cycles.add(frozenset(cycle))
                    cycles.append([*cycle, before])
            elif before not in state:
                state[before] = 1
                path.append(before)
                stack.append(iter(after[before]))
    return cycles


@dataclass
class Parsed:
    """Records with the rows they came from, before they become an Instance.

    ``known`` holds, by table, every id its rows hold as written (also rows with a bad
    cell elsewhere), or ``None`` for a table that could not be read; ``complete`` names
    the tables read without a problem, whose records are all there.
    """

    labels: dict[str, str]
    districts: list[tuple[int, District]]
    people: list[tuple[int, Person]]
    courses: list[tuple[int, Course]]
    trainers: list[tuple[int, Trainer]]
    rooms: list[tuple[int, Room]]
    unavailability: list[tuple[int, Unavailability]]
    fixed_sessions: list[tuple[int, Session]]
    fixed_assignments: list[tuple[int, Assignment]]
    electives: list[tuple[int, Elective]]
    forecast: list[tuple[int, Forecast]]
    attendance: list[tuple[int, SessionAttendance]]
    known: dict[str, set[str] | None] = field(default_factory=dict)
    complete: set[str] = field(default_factory=set)

    def ids(self, table: str) -> set[str] | None:
        """The ids of a table, from ``known`` or else from its records."""
        if table in self.known:
            return self.known[table]
        spec = TABLE_BY_NAME[table]
        assert spec.id_column is not None
        return {getattr(record, spec.id_column) for _, record in getattr(self, table)}


def check_references(parsed: Parsed, settings: Settings | None, problems: list[Problem]) -> None:
    """Check every cross-reference between the tables (unknown ids, cycles, duplicates)."""
    label = parsed.labels
    for spec in TABLES:
        if spec.id_column:
            _check_duplicates(
                label[spec.name], spec.id_column, getattr(parsed, spec.name), problems
            )
    districts = parsed.ids("districts")
    courses = parsed.ids("courses")
    trainers = parsed.ids("trainers")
    rooms = parsed.ids("rooms")
    people = parsed.ids("people")
    sessions = parsed.ids("fixed_sessions")

    for number, person in parsed.people:
        lab = label["people"]
        _check_known(
            lab, number, "district_id", [person.district_id], districts, "district_id", problems
        )
        _check_known(lab, number, "done", person.done, courses, "course_id", problems)
    for number, course in parsed.courses:
        lab = label["courses"]
        _check_known(
            lab,
            number,
            "after",
            [c for c in course.after if c != course.course_id],
            courses,
            "course_id",
            problems,
        )
        if course.course_id in course.after:
            problems.append(
                Problem(
                    lab,
                    number,
                    "after",
                    course.course_id,
                    "expected other courses (a course cannot come after itself)",
                )
            )
        if course.min_group > course.max_group:
            problems.append(
                Problem(
                    lab,
                    number,
                    "min_group",
                    str(course.min_group),
                    f"expected at most max_group ({course.max_group})",
                )
            )
        if course.not_before_months > course.within_months:
            problems.append(
                Problem(
                    lab,
                    number,
                    "not_before_months",
                    str(course.not_before_months),
                    f"expected at most within_months ({course.within_months})",
                )
            )
    course_rows = {c.course_id: n for n, c in parsed.courses}
    course_after = {c.course_id: c.after for _, c in parsed.courses}
    for cycle in find_cycles(course_after):
        for course_id in cycle[:-1]:
            problems.append(
                Problem(
                    label["courses"],
                    course_rows[course_id],
                    "after",
                    "|".join(course_after[course_id]),
                    f"expected no prerequisite cycle (found {' -> '.join(cycle)})",
                )
            )
    for number, trainer in parsed.trainers:
        lab = label["trainers"]
        if trainer.district_id is not None:
            _check_known(
                lab,
                number,
                "district_id",
                [trainer.district_id],
                districts,
                "district_id or an empty cell",
                problems,
            )
        _check_known(
            lab,
            number,
            "courses",
            [c for c in trainer.courses if c != ALL_COURSES],
            courses,
            "course_id or *",
            problems,
        )
    for number, room in parsed.rooms:
        if trainers is not None and room.room_id in trainers:
            problems.append(
                Problem(
                    label["rooms"],
                    number,
                    "room_id",
                    room.room_id,
                    "expected an id not used by a trainer (unavailability names either)",
                )
            )
    resources = None if trainers is None or rooms is None else trainers | rooms
    for number, entry in parsed.unavailability:
        lab = label["unavailability"]
        _check_known(
            lab,
            number,
            "resource_id",
            [entry.resource_id],
            resources,
            "trainer_id or room_id",
            problems,
        )
        if entry.end < entry.start:
            problems.append(
                Problem(
                    lab,
                    number,
                    "to",
                    entry.end.isoformat(),
                    f"expected a day on or after 'from' ({entry.start})",
                )
            )
    session_course = {s.session_id: s.course_id for _, s in parsed.fixed_sessions}
    for number, session in parsed.fixed_sessions:
        lab = label["fixed_sessions"]
        _check_known(lab, number, "course_id", [session.course_id], courses, "course_id", problems)
        _check_known(lab, number, "room_id", [session.room_id], rooms, "room_id", problems)
        _check_known(
            lab, number, "trainer_ids", session.trainer_ids, trainers, "trainer_id", problems
        )
        if not session.slots:
            problems.append(Problem(lab, number, "slots", "", "expected at least one slot"))
    for number, assignment in parsed.fixed_assignments:
        lab = label["fixed_assignments"]
        _check_known(
            lab, number, "person_id", [assignment.person_id], people, "person_id", problems
        )
        _check_known(
            lab, number, "course_id", [assignment.course_id], courses, "course_id", problems
        )
        _check_known(
            lab,
            number,
            "session_id",
            [assignment.session_id],
            sessions,
            "session_id of fixed_sessions",
            problems,
        )
        session_course_id = session_course.get(assignment.session_id)
        if session_course_id is not None and session_course_id != assignment.course_id:
            problems.append(
                Problem(
                    lab,
                    number,
                    "course_id",
                    assignment.course_id,
                    f"expected the session's course ({session_course_id})",
                )
            )
    for number, elective in parsed.electives:
        lab = label["electives"]
        _check_known(lab, number, "person_id", [elective.person_id], people, "person_id", problems)
        if elective.end < elective.start:
            problems.append(
                Problem(
                    lab,
                    number,
                    "to",
                    elective.end.isoformat(),
                    f"expected a day on or after 'from' ({elective.start})",
                )
            )
    _check_forecast(parsed, districts, problems)
    _check_attendance(parsed, people, problems)
    _warn_elective_clashes(parsed, problems)
    _warn_capacity(parsed, problems)


def _check_forecast(parsed: Parsed, districts: set[str] | None, problems: list[Problem]) -> None:
    """Each forecast row names a known district, and each district's month only once."""
    lab = parsed.labels["forecast"]
    seen: dict[tuple[str, str], int] = {}
    for number, row in parsed.forecast:
        _check_known(
            lab, number, "district_id", [row.district_id], districts, "district_id", problems
        )
        key = (row.district_id, row.month)
        if key in seen:
            problems.append(
                Problem(
                    lab,
                    number,
                    "month",
                    row.month,
                    f"expected each district's month once (already in row {seen[key]})",
                )
            )
        else:
            seen[key] = number


def _check_attendance(parsed: Parsed, people: set[str] | None, problems: list[Problem]) -> None:
    """Each attendance row names a known person, and each person's session only once.

    Session ids are those of a published schedule: a re-plan checks them against it.
    """
    lab = parsed.labels["attendance"]
    seen: dict[tuple[str, str], int] = {}
    for number, row in parsed.attendance:
        _check_known(lab, number, "person_id", [row.person_id], people, "person_id", problems)
        key = (row.session_id, row.person_id)
        if key in seen:
            problems.append(
                Problem(
                    lab,
                    number,
                    "person_id",
                    row.person_id,
                    f"expected each person once per session (already in row {seen[key]})",
                )
            )
        else:
            seen[key] = number


def _warn_elective_clashes(parsed: Parsed, problems: list[Problem]) -> None:
    """Warn about an approved elective during a pinned session of the same person."""
    pinned: dict[str, list[Session]] = {}
    sessions = {s.session_id: s for _, s in parsed.fixed_sessions}
    for _, a in parsed.fixed_assignments:
        if a.session_id in sessions:
            pinned.setdefault(a.person_id, []).append(sessions[a.session_id])
    for number, elective in parsed.electives:
        if not elective.approved:
            continue
        for session in pinned.get(elective.person_id, []):
            if any(elective.covers(slot) for slot in session.slots):
                problems.append(
                    Problem(
                        parsed.labels["electives"],
                        number,
                        "from",
                        elective.start.isoformat(),
                        f"the person is pinned in fixed session {session.session_id} then; "
                        "the checker reports it as elective_away",
                        Severity.WARNING,
                    )
                )


def _warn_capacity(parsed: Parsed, problems: list[Problem]) -> None:
    """Warn about courses that no session could ever be held for (not errors: reported later)."""
    # A count over a table with rows left out (or no table at all) would be wrong, and its
    # errors are reported already.
    label = parsed.labels["courses"]
    largest_room = max((r.capacity for _, r in parsed.rooms), default=0)
    for number, course in parsed.courses:
        qualified = sum(1 for _, t in parsed.trainers if t.qualified(course.course_id))
        if "trainers" in parsed.complete and qualified < course.trainers:
            problems.append(
                Problem(
                    label,
                    number,
                    "trainers",
                    str(course.trainers),
                    f"only {qualified} trainer(s) are qualified: no session can be held",
                    Severity.WARNING,
                )
            )
        if "rooms" in parsed.complete and parsed.rooms and course.min_group > largest_room:
            # An error when someone must attend the course: no schedule could ever meet it.
            needed = any(
                person.required and course.course_id not in person.done
                for _, person in parsed.people
            )
            problems.append(
                Problem(
                    label,
                    number,
                    "min_group",
                    str(course.min_group),
                    f"expected a room that seats at least min_group: the largest room "
                    f"seats {largest_room}, so no session can be held",
                    Severity.ERROR if needed else Severity.WARNING,
                )
            )
    _warn_missing_email(parsed, problems)


def _warn_missing_email(parsed: Parsed, problems: list[Problem]) -> None:
    """Warn about each required person and trainer without an e-mail address.

    An empty address is allowed (the invitation is then handed over another way), but
    the coordinator should know who gets nothing in their inbox.
    """
    for number, person in parsed.people:
        if person.required and not person.email:
            problems.append(
                Problem(
                    parsed.labels["people"],
                    number,
                    "email",
                    "",
                    "no e-mail address: this person gets no invitations",
                    Severity.WARNING,
                )
            )
    for number, trainer in parsed.trainers:
        if not trainer.email:
            problems.append(
                Problem(
                    parsed.labels["trainers"],
                    number,
                    "email",
                    "",
                    "no e-mail address: this trainer gets no invitations",
                    Severity.WARNING,
                )
            )


# ---------------------------------------------------------------------------------------------
# The reader
# ---------------------------------------------------------------------------------------------


def read_instance_with_warnings(path: str | Path) -> tuple[Instance, list[Problem]]:
    """Read and validate an instance folder or workbook.

    Returns
    -------
    The instance and the warnings found.

    Raises
    ------
    InputError
        With every problem found, if any is an error.
    """
    path = Path(path)
    problems: list[Problem] = []
    tables: dict[str, Table] = {}
    labels: dict[str, str] = {spec.name: spec.file_name for spec in TABLES}
    source: SettingsInput | None = None
    if path.is_dir():
        source = settings_from_toml(path / SETTINGS_FILE, problems)
        for spec in TABLES:
            file = path / spec.file_name
            if file.is_file():
                try:
                    tables[spec.name] = read_csv(file, spec.name)
                except (OSError, csv.Error) as error:
                    problems.append(
                        Problem(
                            spec.file_name,
                            None,
                            None,
                            None,
                            f"expected a readable CSV file ({error})",
                        )
                    )
            elif spec.required:
                problems.append(
                    Problem(spec.file_name, None, None, None, f"expected this file in {path}")
                )
    elif path.is_file() and path.suffix.lower() in (".xlsx", ".xlsm"):
        tables, read_problems = read_workbook(path)
        problems += read_problems
        labels = {spec.name: f"{path.name}, sheet {spec.name}" for spec in TABLES}
        if not read_problems:
            source = settings_from_sheets(tables, path.name, problems)
            found = ", ".join(table.label.split(", sheet ", 1)[1] for table in tables.values())
            for spec in TABLES:
                if spec.name not in tables and spec.required:
                    problems.append(
                        Problem(
                            labels[spec.name],
                            None,
                            None,
                            None,
                            f"expected this sheet in the workbook (found: {found or 'none'})",
                        )
                    )
    else:
        expected = (
            "expected an instance folder or an .xlsx workbook"
            if path.exists()
            else "expected an instance folder or an .xlsx workbook here (nothing is there)"
        )
        raise InputError([Problem(str(path), None, None, None, expected)])

    settings = parse_settings(source, problems) if source is not None else None
    parsed_tables: dict[str, list[tuple[int, Any]]] = {}
    known: dict[str, set[str] | None] = {}
    complete: set[str] = set()
    for spec in TABLES:
        table = tables.get(spec.name)
        if table is not None:
            labels[spec.name] = table.label
            before = len(problems)
            parsed_tables[spec.name] = parse_rows(table, spec, problems)
            if len(problems) == before:
                complete.add(spec.name)
            if spec.required and table.columns and not table.rows:
                problems.append(
                    Problem(
                        table.label,
                        None,
                        None,
                        None,
                        "no rows below the header",
                        Severity.WARNING,
                    )
                )
        else:
            parsed_tables[spec.name] = []
        if spec.id_column is not None:
            known[spec.name] = known_ids(table, spec)
    parsed = Parsed(labels=labels, known=known, complete=complete, **parsed_tables)
    check_references(parsed, settings, problems)

    if settings is None or any(p.severity is Severity.ERROR for p in problems):
        raise InputError(problems)
    instance = Instance(
        settings=settings,
        source=str(path),
        **{name: tuple(record for _, record in rows) for name, rows in parsed_tables.items()},
    )
    return instance, problems


def read_instance(path: str | Path) -> Instance:
    """Read and validate an instance; raises :class:`InputError` on any error."""
    return read_instance_with_warnings(path)[0]
