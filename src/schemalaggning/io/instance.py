"""Reading an instance (a folder of CSV files plus ``instance.toml``, or one xlsx workbook).

Every problem is collected and reported at once, each with its file (or sheet), row,
column, value and what was expected; nothing is built from an input with errors.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ValidationError

from schemalaggning.domain import (
    ALL_COURSES,
    Assignment,
    Course,
    District,
    Instance,
    Person,
    Room,
    Session,
    Settings,
    Trainer,
    Unavailability,
)
from schemalaggning.io.tables import Table, read_csv, read_workbook
from schemalaggning.problems import InputError, Problem, Severity

SETTINGS_FILE = "instance.toml"
SETTINGS_SHEET = "settings"
SETTINGS_KEYS = {
    "name",
    "timezone",
    "horizon_start",
    "horizon_end",
    "holidays",
    "closed",
    "organizer",
    "slots",
}


@dataclass(frozen=True)
class TableSpec:
    """What one table of the format holds."""

    name: str
    record: type[BaseModel]
    columns: tuple[str, ...]
    id_column: str | None
    required: bool = True

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
    TableSpec("fixed_sessions", Session, SESSION_COLUMNS, "session_id", required=False),
    TableSpec("fixed_assignments", Assignment, ASSIGNMENT_COLUMNS, None, required=False),
)
TABLE_BY_NAME = {spec.name: spec for spec in TABLES}


def describe_error(error: Any) -> str:
    """Turn one pydantic error into a plain 'expected ...' sentence."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    message = str(error["msg"])
    if kind == "missing":
        return "expected a value"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return "expected a whole number"
    if kind == "greater_than_equal":
        return f"expected a whole number of at least {ctx.get('ge')}"
    if kind == "less_than_equal":
        return f"expected a whole number of at most {ctx.get('le')}"
    if kind == "enum":
        return f"expected one of {ctx.get('expected', '')}".replace("'", "")
    if kind == "value_error":
        return message.removeprefix("Value error, ")
    return message


def parse_rows(table: Table, spec: TableSpec, problems: list[Problem]) -> list[tuple[int, Any]]:
    """Build a record from every row of a table; bad cells become problems."""
    missing = [column for column in spec.columns if column not in table.columns]
    for column in missing:
        problems.append(
            Problem(table.label, 1, column, None, "expected this column in the header row")
        )
    if missing:
        return []
    parsed: list[tuple[int, Any]] = []
    fields = spec.record.model_fields
    for row in table.rows:
        data: dict[str, Any] = {}
        for column in spec.columns:
            value = row.cells.get(column, "")
            field_name = next(
                (name for name, info in fields.items() if (info.alias or name) == column), column
            )
            if value == "" and not fields[field_name].is_required():
                continue
            data[column] = value
        try:
            parsed.append((row.number, spec.record.model_validate(data)))
        except ValidationError as exc:
            for error in exc.errors():
                loc = error["loc"]
                bad_column = str(loc[0]) if loc else None
                raw = row.cells.get(bad_column) if bad_column else None
                problems.append(
                    Problem(table.label, row.number, bad_column, raw or None, describe_error(error))
                )
    return parsed


# ---------------------------------------------------------------------------------------------
# Settings
# ---------------------------------------------------------------------------------------------


def settings_from_toml(path: Path, problems: list[Problem]) -> tuple[dict[str, Any], str]:
    """Read ``instance.toml`` into a dict (problems appended)."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8-sig")), path.name
    except tomllib.TOMLDecodeError as error:
        problems.append(Problem(path.name, None, None, None, f"expected valid TOML ({error})"))
    except UnicodeDecodeError:
        problems.append(Problem(path.name, None, None, None, "expected a UTF-8 text file"))
    return {}, path.name


def cell_value(text: str) -> Any:
    """A settings cell: a TOML value where it reads as one (dates, lists, tables), else text."""
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def settings_from_sheets(
    tables: dict[str, Table], label: str, problems: list[Problem]
) -> tuple[dict[str, Any], dict[str, int]]:
    """Read the ``settings`` sheet (key/value rows; dotted keys nest) and a ``closed`` sheet."""
    sheet = tables.get(SETTINGS_SHEET)
    if sheet is None:
        problems.append(Problem(label, None, None, None, "expected a sheet 'settings'"))
        return {}, {}
    for column in ("key", "value"):
        if column not in sheet.columns:
            problems.append(
                Problem(sheet.label, 1, column, None, "expected this column in the header row")
            )
    data: dict[str, Any] = {}
    rows: dict[str, int] = {}
    for row in sheet.rows:
        key = row.cells.get("key", "").strip()
        if not key:
            continue
        target = data
        parts = key.split(".")
        for part in parts[:-1]:
            target = target.setdefault(part, {})
        value = row.cells.get("value", "")
        target[parts[-1]] = cell_value(value) if parts[0] not in ("name",) else value
        rows[parts[0]] = row.number
    closed = tables.get("closed")
    if closed is not None:
        extra = [
            {
                "from": row.cells.get("from", ""),
                "to": row.cells.get("to", ""),
                "name": row.cells.get("name", ""),
            }
            for row in closed.rows
        ]
        existing = data.get("closed", [])
        data["closed"] = (existing if isinstance(existing, list) else [existing]) + extra
    return data, rows


def toml_key_lines(path: Path) -> dict[str, int]:
    """The line each top-level key of a TOML file starts on (for locating problems)."""
    lines: dict[str, int] = {}
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return lines
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("[") and not stripped.startswith("[["):
            lines.setdefault(stripped.strip("[] "), number)
        key = stripped.split("=", 1)[0].strip()
        if "=" in stripped and key in SETTINGS_KEYS:
            lines.setdefault(key, number)
    return lines


def parse_settings(
    data: dict[str, Any], label: str, key_rows: dict[str, int], problems: list[Problem]
) -> Settings | None:
    """Validate the settings and check what the record cannot check alone."""
    for key in data:
        if key not in SETTINGS_KEYS:
            problems.append(
                Problem(
                    label,
                    key_rows.get(key),
                    key,
                    None,
                    f"unknown setting, ignored (known: {', '.join(sorted(SETTINGS_KEYS))})",
                    Severity.WARNING,
                )
            )
    cleaned = {key: value for key, value in data.items() if key in SETTINGS_KEYS}
    if isinstance(cleaned.get("slots"), dict):
        cleaned["slots"] = {str(k).upper(): v for k, v in cleaned["slots"].items()}
    for key in ("horizon_start", "horizon_end"):
        if isinstance(cleaned.get(key), datetime | date):
            continue
        if key in cleaned:
            cleaned[key] = str(cleaned[key])
    try:
        settings = Settings.model_validate(cleaned)
    except ValidationError as exc:
        for error in exc.errors():
            loc = [str(part) for part in error["loc"]]
            where = ".".join(loc) if loc else None
            value = _settings_value(cleaned, error["loc"])
            problems.append(
                Problem(
                    label,
                    key_rows.get(loc[0]) if loc else None,
                    where,
                    value,
                    describe_error(error),
                )
            )
        return None
    _check_settings(settings, label, key_rows, problems)
    return settings


def _settings_value(data: dict[str, Any], loc: tuple[int | str, ...]) -> str | None:
    value: Any = data
    for part in loc:
        try:
            value = value[part]
        except (KeyError, IndexError, TypeError):
            return None
    return None if value is None else str(value)


def _check_settings(
    settings: Settings, label: str, key_rows: dict[str, int], problems: list[Problem]
) -> None:
    if settings.horizon_end < settings.horizon_start:
        problems.append(
            Problem(
                label,
                key_rows.get("horizon_end"),
                "horizon_end",
                settings.horizon_end.isoformat(),
                f"expected a day on or after horizon_start {settings.horizon_start}",
            )
        )
    try:
        ZoneInfo(settings.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(
            Problem(
                label,
                key_rows.get("timezone"),
                "timezone",
                settings.timezone,
                "expected an IANA time zone such as Europe/Stockholm",
            )
        )
    if settings.holidays:
        from schemalaggning.timegrid import holiday_names

        try:
            holiday_names(settings.holidays, [settings.horizon_start.year])
        except ValueError:
            problems.append(
                Problem(
                    label,
                    key_rows.get("holidays"),
                    "holidays",
                    settings.holidays,
                    "expected a country code known to the holidays calendar, such as SE",
                )
            )
    for number, period in enumerate(settings.closed, start=1):
        column = f"closed[{number}]"
        if period.end < period.start:
            problems.append(
                Problem(
                    label,
                    key_rows.get("closed"),
                    column,
                    f"{period.start}..{period.end}",
                    "expected 'to' on or after 'from'",
                )
            )
        elif period.end < settings.horizon_start or period.start > settings.horizon_end:
            problems.append(
                Problem(
                    label,
                    key_rows.get("closed"),
                    column,
                    f"{period.start}..{period.end}",
                    "closed period lies outside the horizon",
                    Severity.WARNING,
                )
            )
    missing = [half for half in ("AM", "PM") if half not in {h.value for h in settings.slots}]
    for half in missing:
        problems.append(
            Problem(
                label,
                key_rows.get("slots"),
                f"slots.{half}",
                None,
                'expected the slot\'s times, such as ["08:30", "12:00"]',
            )
        )
    times: list[time] = []
    for half in sorted(settings.slots, key=lambda h: h.value):
        start, end = settings.slots[half]
        if end <= start:
            problems.append(
                Problem(
                    label,
                    key_rows.get("slots"),
                    f"slots.{half.value}",
                    f"{start:%H:%M}-{end:%H:%M}",
                    "expected the start before the end",
                )
            )
        times += [start, end]
    if len(times) == 4 and times[1] > times[2]:
        problems.append(
            Problem(
                label,
                key_rows.get("slots"),
                "slots.PM",
                f"{times[2]:%H:%M}",
                "expected the PM slot to start after the AM slot ends",
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
    known: set[str] | dict[str, Any],
    what: str,
    problems: list[Problem],
) -> None:
    for value in values:
        if value not in known:
            problems.append(Problem(label, number, column, value, f"expected a known {what}"))


def find_cycles(after: dict[str, tuple[str, ...]]) -> list[list[str]]:
    """Every prerequisite cycle (each once), as a list of course ids in order."""
    state: dict[str, int] = {}  # 1 visiting, 2 done
    cycles: list[list[str]] = []
    seen_cycles: set[frozenset[str]] = set()

    def visit(course: str, path: list[str]) -> None:
        state[course] = 1
        path.append(course)
        for before in after.get(course, ()):
            if before not in after:
                continue
            if state.get(before) == 1:
                cycle = path[path.index(before) :]
                if frozenset(cycle) not in seen_cycles:
                    seen_cycles.add(frozenset(cycle))
                    cycles.append([*cycle, before])
            elif state.get(before) is None:
                visit(before, path)
        path.pop()
        state[course] = 2

    for course in after:
        if course not in state:
            visit(course, [])
    return cycles


@dataclass
class Parsed:
    """Records with the rows they came from, before they become an Instance."""

    labels: dict[str, str]
    districts: list[tuple[int, District]]
    people: list[tuple[int, Person]]
    courses: list[tuple[int, Course]]
    trainers: list[tuple[int, Trainer]]
    rooms: list[tuple[int, Room]]
    unavailability: list[tuple[int, Unavailability]]
    fixed_sessions: list[tuple[int, Session]]
    fixed_assignments: list[tuple[int, Assignment]]


def check_references(parsed: Parsed, settings: Settings | None, problems: list[Problem]) -> None:
    """Check every cross-reference between the tables (unknown ids, cycles, duplicates)."""
    label = parsed.labels
    for spec in TABLES:
        if spec.id_column:
            _check_duplicates(
                label[spec.name], spec.id_column, getattr(parsed, spec.name), problems
            )
    districts = {d.district_id for _, d in parsed.districts}
    courses = {c.course_id: c for _, c in parsed.courses}
    trainers = {t.trainer_id for _, t in parsed.trainers}
    rooms = {r.room_id for _, r in parsed.rooms}
    people = {p.person_id for _, p in parsed.people}

    for number, person in parsed.people:
        if parsed.districts:
            _check_known(
                label["people"],
                number,
                "district_id",
                [person.district_id],
                districts,
                "district_id",
                problems,
            )
        if parsed.courses:
            _check_known(
                label["people"], number, "done", person.done, courses, "course_id", problems
            )
    for number, course in parsed.courses:
        _check_known(
            label["courses"], number, "after", course.after, courses, "course_id", problems
        )
        if course.course_id in course.after:
            problems.append(
                Problem(
                    label["courses"],
                    number,
                    "after",
                    course.course_id,
                    "expected other courses (a course cannot come after itself)",
                )
            )
        if course.min_group > course.max_group:
            problems.append(
                Problem(
                    label["courses"],
                    number,
                    "min_group",
                    str(course.min_group),
                    f"expected at most max_group ({course.max_group})",
                )
            )
        if course.not_before_months > course.within_months:
            problems.append(
                Problem(
                    label["courses"],
                    number,
                    "not_before_months",
                    str(course.not_before_months),
                    f"expected at most within_months ({course.within_months})",
                )
            )
    course_rows = {c.course_id: n for n, c in parsed.courses}
    for cycle in find_cycles({c.course_id: c.after for _, c in parsed.courses}):
        for course_id in cycle[:-1]:
            problems.append(
                Problem(
                    label["courses"],
                    course_rows[course_id],
                    "after",
                    "|".join(courses[course_id].after),
                    f"expected no prerequisite cycle (found {' -> '.join(cycle)})",
                )
            )
    for number, trainer in parsed.trainers:
        if trainer.district_id is not None and parsed.districts:
            _check_known(
                label["trainers"],
                number,
                "district_id",
                [trainer.district_id],
                districts,
                "district_id or an empty cell",
                problems,
            )
        if parsed.courses:
            _check_known(
                label["trainers"],
                number,
                "courses",
                [c for c in trainer.courses if c != ALL_COURSES],
                courses,
                "course_id or *",
                problems,
            )
    for number, room in parsed.rooms:
        if room.room_id in trainers:
            problems.append(
                Problem(
                    label["rooms"],
                    number,
                    "room_id",
                    room.room_id,
                    "expected an id not used by a trainer (unavailability names either)",
                )
            )
    for number, entry in parsed.unavailability:
        lab = label["unavailability"]
        if entry.resource_id not in trainers and entry.resource_id not in rooms:
            problems.append(
                Problem(
                    lab,
                    number,
                    "resource_id",
                    entry.resource_id,
                    "expected a known trainer_id or room_id",
                )
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
    sessions = {s.session_id: s for _, s in parsed.fixed_sessions}
    for number, session in parsed.fixed_sessions:
        lab = label["fixed_sessions"]
        _check_known(lab, number, "course_id", [session.course_id], courses, "course_id", problems)
        _check_known(lab, number, "room_id", [session.room_id], rooms, "room_id", problems)
        _check_known(
            lab, number, "trainer_ids", session.trainer_ids, trainers, "trainer_id", problems
        )
        if not session.slots:
            problems.append(Problem(lab, number, "slots", None, "expected at least one slot"))
    for number, assignment in parsed.fixed_assignments:
        lab = label["fixed_assignments"]
        _check_known(
            lab, number, "person_id", [assignment.person_id], people, "person_id", problems
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
        fixed = sessions.get(assignment.session_id)
        if fixed is not None and fixed.course_id != assignment.course_id:
            problems.append(
                Problem(
                    lab,
                    number,
                    "course_id",
                    assignment.course_id,
                    f"expected the session's course ({fixed.course_id})",
                )
            )
    _warn_capacity(parsed, problems)


def _warn_capacity(parsed: Parsed, problems: list[Problem]) -> None:
    """Warn about courses that no session could ever be held for (not errors: reported later)."""
    label = parsed.labels["courses"]
    largest_room = max((r.capacity for _, r in parsed.rooms), default=0)
    for number, course in parsed.courses:
        qualified = sum(1 for _, t in parsed.trainers if t.qualified(course.course_id))
        if qualified < course.trainers:
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
        if parsed.rooms and course.min_group > largest_room:
            problems.append(
                Problem(
                    label,
                    number,
                    "min_group",
                    str(course.min_group),
                    f"the largest room seats {largest_room}: no session can be held",
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
    settings_data: dict[str, Any] = {}
    key_rows: dict[str, int] = {}
    settings_label = SETTINGS_FILE
    if path.is_dir():
        toml_path = path / SETTINGS_FILE
        if toml_path.is_file():
            settings_data, settings_label = settings_from_toml(toml_path, problems)
            key_rows = toml_key_lines(toml_path)
        else:
            problems.append(
                Problem(SETTINGS_FILE, None, None, None, f"expected the file in {path}")
            )
        for spec in TABLES:
            file = path / spec.file_name
            if file.is_file():
                tables[spec.name] = read_csv(file, spec.name)
            elif spec.required:
                problems.append(
                    Problem(spec.file_name, None, None, None, f"expected the file in {path}")
                )
    elif path.is_file() and path.suffix.lower() in (".xlsx", ".xlsm"):
        tables, read_problems = read_workbook(path)
        problems += read_problems
        if not read_problems:
            settings_label = f"{path.name}, sheet {SETTINGS_SHEET}"
            settings_data, key_rows = settings_from_sheets(tables, path.name, problems)
            for spec in TABLES:
                if spec.name not in tables and spec.required:
                    problems.append(
                        Problem(path.name, None, None, None, f"expected a sheet '{spec.name}'")
                    )
    else:
        problems.append(
            Problem(str(path), None, None, None, "expected an instance folder or an .xlsx workbook")
        )
        raise InputError(problems)

    settings = (
        parse_settings(settings_data, settings_label, key_rows, problems)
        if settings_data or not problems
        else None
    )
    parsed_tables: dict[str, list[tuple[int, Any]]] = {}
    labels: dict[str, str] = {}
    for spec in TABLES:
        table = tables.get(spec.name)
        labels[spec.name] = table.label if table else spec.file_name
        parsed_tables[spec.name] = parse_rows(table, spec, problems) if table else []
    parsed = Parsed(labels=labels, **parsed_tables)
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
