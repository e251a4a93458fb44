"""The instance's settings: ``instance.toml`` of a folder, or a workbook's ``settings``
sheet (and ``closed`` sheet), read into :class:`~schemalaggning.domain.Settings` with
every problem located by line or row and key.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays
from pydantic import ValidationError

from schemalaggning.domain import (
    ClosedPeriod,
    Half,
    Settings,
    add_months,
    split_list,
)
from schemalaggning.i18n import N_, Messages, _
from schemalaggning.io.records import describe_error, parse_rows
from schemalaggning.io.specs import TableSpec
from schemalaggning.io.tables import Table
from schemalaggning.problems import SETTINGS_SHEET, Problem, Severity, sheet_label

SETTINGS_FILE = "instance.toml"
#: The settings an instance may have: every field of :class:`Settings`, read by its name.
SETTINGS_KEYS = frozenset(Settings.model_fields)

#: The longest horizon: a longer one is a typing error in a year, and would make the
#: time grid needlessly large.
MAX_HORIZON_YEARS = 10


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
#: Where tomllib says a file ended before its TOML did.
TOML_AT_END = re.compile(r"\s*\(at end of document\)\s*$")
#: What tomllib says is wrong, as it says it, in words the catalogue holds; a reason not
#: among them is shown as tomllib writes it.
TOML_REASONS = Messages(
    {
        "Invalid value": N_("invalid value"),
        "Invalid statement": N_("invalid statement"),
        "Unclosed array": N_("unclosed array"),
        "Unclosed inline table": N_("unclosed inline table"),
        "Unterminated string": N_("unterminated string"),
        "Cannot overwrite a value": N_("cannot overwrite a value"),
        "Invalid date or datetime": N_("invalid date or datetime"),
        "Expected '=' after a key in a key/value pair": N_(
            "expected '=' after a key in a key/value pair"
        ),
        "Expected newline or end of document after a statement": N_(
            "expected a new line or the end of the file after a statement"
        ),
        "Expected ']' at the end of a table declaration": N_(
            "expected ']' at the end of a table declaration"
        ),
    }
)


def toml_reason(message: str) -> str:
    """What a TOML syntax error says is wrong, in words, without its position."""
    reason = TOML_POSITION.sub("", message)
    at_end = TOML_AT_END.search(reason) is not None
    reason = TOML_AT_END.sub("", reason)
    reason = TOML_REASONS.get(reason) or reason[:1].lower() + reason[1:]
    if at_end:
        return _("{reason}, at the end of the file").format(reason=reason)
    return reason


def settings_from_toml(path: Path, problems: list[Problem]) -> SettingsInput | None:
    """Read ``instance.toml`` (problems appended; ``None`` if it cannot be read)."""
    if not path.is_file():
        problems.append(
            Problem(
                path.name,
                None,
                None,
                None,
                _("expected this file in {folder}").format(folder=path.parent),
            )
        )
        return None
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        problems.append(Problem(path.name, None, None, None, _("expected a UTF-8 text file")))
        return None
    except OSError as error:
        problems.append(
            Problem(
                path.name,
                None,
                None,
                None,
                _("expected a readable file ({reason})").format(reason=error.strerror),
            )
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
    expected = _("expected valid TOML ({reason})").format(reason=toml_reason(message))
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
                sheet_label(workbook, SETTINGS_SHEET),
                None,
                None,
                None,
                _("expected this sheet in the workbook, with the columns key and value"),
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
                _("expected this column in the header row"),
            )
        )
    if missing:
        return None
    source = SettingsInput(sheet.label, {})
    for row in sheet.rows:
        raw_key = row.cells.get("key", "")
        if not raw_key.strip():
            problems.append(
                Problem(sheet.label, row.number, "key", "", _("expected a setting's name"))
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
                    _("expected each key once (already in row {row})").format(
                        row=source.lines[key.lower()]
                    ),
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
                        _("expected no key {key} beside this one").format(
                            key=".".join(parts[:depth])
                        ),
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
                        _("expected no key beside the keys that nest in this one"),
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
                    _("unknown setting, ignored (known: {keys})").format(
                        keys=", ".join(sorted(SETTINGS_KEYS))
                    ),
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
                _(
                    "expected no password in the settings: set the environment variable "
                    "SCHEMALAGGNING_SMTP_PASSWORD, or type it when send asks"
                ),
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
            field = Settings.model_fields.get(str(loc[0])) if len(loc) == 1 else None
            expected = describe_error(error, field)
            if loc and loc[0] == "slots" and error["type"] not in ("enum", "value_error"):
                expected = _('{expected}: two times HH:MM, such as ["08:30", "12:00"]').format(
                    expected=expected
                )
            elif len(loc) == 1 and error["type"] == "missing":
                expected = _("expected this setting")
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
                _("expected a day on or after horizon_start ({day})").format(
                    day=settings.horizon_start
                ),
            )
        )
    elif settings.horizon_end > add_months(settings.horizon_start, 12 * MAX_HORIZON_YEARS):
        problems.append(
            source.problem(
                ["horizon_end"],
                settings.horizon_end.isoformat(),
                _("expected a horizon of at most {years} years from horizon_start ({day})").format(
                    years=MAX_HORIZON_YEARS, day=settings.horizon_start
                ),
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
                _("expected an IANA time zone such as Europe/Stockholm"),
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
                    _(
                        "expected a country code known to the holidays calendar, such as SE "
                        '(or "" for none)'
                    ),
                )
            )
    for index, period in enumerate(settings.closed):
        if period.end < period.start:
            problems.append(
                source.problem(
                    ["closed", index, "to"],
                    period.end.isoformat(),
                    _("expected a day on or after 'from' ({day})").format(day=period.start),
                )
            )
        elif period.end < settings.horizon_start or period.start > settings.horizon_end:
            problems.append(
                source.problem(
                    ["closed", index],
                    f"{period.start}..{period.end}",
                    _(
                        "closed period lies outside the horizon ({start}..{end}), so it has "
                        "no effect"
                    ).format(start=settings.horizon_start, end=settings.horizon_end),
                    Severity.WARNING,
                )
            )
    for half in (Half.AM, Half.PM):
        if half not in settings.slots:
            problems.append(
                source.problem(
                    ["slots", half.value],
                    None,
                    _('expected the slot\'s times, such as ["08:30", "12:00"]'),
                )
            )
    for half, (start, end) in sorted(settings.slots.items()):
        if end <= start:
            problems.append(
                source.problem(
                    ["slots", half.value],
                    f"{start:%H:%M}-{end:%H:%M}",
                    _("expected the start before the end"),
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
                    _(
                        "expected the PM slot to start when the AM slot ends ({end}) or later"
                    ).format(end=f"{am_end:%H:%M}"),
                )
            )
