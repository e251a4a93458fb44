"""The types of the instance's cells: each checks one cell and says what it expected.

Ids, names, e-mail addresses, dates, clock times, lists, yes/no, months and half-days,
as :mod:`schemalaggning.domain`'s records read them; and the half-day :class:`Slot`.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from enum import StrEnum
from typing import Annotated, Any, NamedTuple

from pydantic import AfterValidator, BeforeValidator

from schemalaggning.i18n import _

ID_PATTERN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-]*")
#: The longest id: ids name calendar files (``<id>.ics``, ``<session id>-d<day>.ics``), and a
#: file name must stay well under the 255 characters Linux and Windows allow.
MAX_ID_LENGTH = 64
#: Names Windows keeps for devices: a file named so, with any extension, cannot be made.
WINDOWS_DEVICE_NAMES = frozenset(
    {"CON", "PRN", "AUX", "NUL"}
    | {f"COM{i}" for i in range(1, 10)}
    | {f"LPT{i}" for i in range(1, 10)}
)
#: One e-mail address: a local part, ``@`` and a domain with a dot, without spaces, list
#: separators, angle brackets or quotes. Letters beyond ASCII are allowed (``åsa@örebro.se``
#: is an address mail servers with SMTPUTF8 take).
EMAIL_PATTERN = re.compile(
    r"[^@\s<>()\[\],;:\"\\]+@[^@\s<>()\[\],;:\"\\.]+(?:\.[^@\s<>()\[\],;:\"\\.]+)+"
)
ALL_COURSES = "*"
#: The dates an input may hold. A year outside is a typing error, and far-off years would
#: overflow the date arithmetic of deadlines.
FIRST_DATE = date(1900, 1, 1)
LAST_DATE = date(2199, 12, 31)


class Half(StrEnum):
    """The two half-day slots of a working day."""

    AM = "AM"
    PM = "PM"


class Slot(NamedTuple):
    """One half-day slot: a day and its half. Written as ``2027-01-11/AM``."""

    day: date
    half: Half

    def __str__(self) -> str:
        return f"{self.day.isoformat()}/{self.half.value}"

    @classmethod
    def parse(cls, text: str) -> Slot:
        """Read a slot written as ``YYYY-MM-DD/AM`` or ``YYYY-MM-DD/PM``."""
        day, sep, half = text.strip().partition("/")
        if not sep or half.strip().upper() not in ("AM", "PM"):
            raise ValueError(
                _("expected a slot YYYY-MM-DD/AM or YYYY-MM-DD/PM, got {text}").format(
                    text=repr(text)
                )
            )
        return cls(parse_iso_date(day), Half(half.strip().upper()))


# ---------------------------------------------------------------------------------------------
# Field types: each checks one cell and says what it expected.
# ---------------------------------------------------------------------------------------------


def check_id(value: str) -> str:
    """Accept an id of letters, digits, ``-``, ``_`` and ``.`` (ids become file names).

    Letters are the unaccented a-z and A-Z: ids name calendar files and appear in
    calendar UIDs, where other characters are not safe on every system.
    """
    # fullmatch, not match: with match, "$" would also accept an id ending in a newline.
    if not ID_PATTERN.fullmatch(value):
        raise ValueError(
            _(
                "expected an id of the letters a-z and A-Z (unaccented), digits, '-', '_' and "
                "'.', starting with a letter, a digit or '_', since ids become file names"
            )
        )
    if len(value) > MAX_ID_LENGTH:
        raise ValueError(
            _(
                "expected an id of at most {most} characters (it has {length}), "
                "since ids become file names"
            ).format(most=MAX_ID_LENGTH, length=len(value))
        )
    return value


def check_file_id(value: str) -> str:
    """Accept an id that names a file of its own (a person's, trainer's or room's
    calendar and plan): also not a name Windows keeps for a device."""
    if value.split(".", 1)[0].upper() in WINDOWS_DEVICE_NAMES:
        raise ValueError(
            _(
                "expected an id that is not a name Windows keeps for a device "
                "(CON, PRN, AUX, NUL, COM1-9, LPT1-9), since it names a calendar file"
            )
        )
    return value


def check_text(value: str) -> str:
    """Accept text without control characters (a line break inside a cell, ``\\n`` or
    ``\\r\\n``, is kept).

    A NUL byte or another control character is a damaged file or a pasted mistake; it
    would break the calendar files and the spreadsheets written from the text.
    """
    for position, char in enumerate(value, start=1):
        if char not in "\r\n" and (ord(char) < 32 or 127 <= ord(char) < 160):
            raise ValueError(
                _(
                    "expected text without control characters (found {code} at character "
                    "{position})"
                ).format(code=f"U+{ord(char):04X}", position=position)
            )
    return value


def check_email(value: str) -> str:
    """Accept one e-mail address, or an empty cell (the person then gets no invitation)."""
    value = value.strip()
    if value and not EMAIL_PATTERN.fullmatch(value):
        raise ValueError(
            _("expected one e-mail address such as namn@example.org (or an empty cell)")
        )
    return value


def parse_iso_date(value: Any) -> date:
    """Accept a ``date`` or a string ``YYYY-MM-DD``."""
    if isinstance(value, datetime):
        return check_date_range(value.date())
    if isinstance(value, date):
        return check_date_range(value)
    text = str(value).strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise ValueError(_("expected a date YYYY-MM-DD"))
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise ValueError(_("expected a real calendar date YYYY-MM-DD")) from None
    return check_date_range(day)


def check_date_range(day: date) -> date:
    """Accept a date from :data:`FIRST_DATE` to :data:`LAST_DATE`."""
    if not FIRST_DATE <= day <= LAST_DATE:
        raise ValueError(
            _("expected a date from {first} to {last}").format(first=FIRST_DATE, last=LAST_DATE)
        )
    return day


def parse_clock(value: Any) -> time:
    """Accept a ``time`` or a string ``HH:MM``."""
    if isinstance(value, time):
        return value
    text = str(value).strip()
    if not re.fullmatch(r"\d{1,2}:\d{2}", text):
        raise ValueError(_("expected a time of day HH:MM"))
    hours, minutes = (int(part) for part in text.split(":"))
    if hours > 23 or minutes > 59:
        raise ValueError(_("expected a time of day HH:MM between 00:00 and 23:59"))
    return time(hours, minutes)


def split_list(value: Any) -> tuple[str, ...]:
    """Split a cell's list on ``|`` or ``;``; an empty cell is an empty list."""
    if value is None:
        return ()
    if isinstance(value, list | tuple):
        return tuple(str(item).strip() for item in value if str(item).strip())
    text = str(value)
    return tuple(item.strip() for item in re.split(r"[|;]", text) if item.strip())


def parse_yes_no(value: Any) -> bool:
    """Accept yes/no (also ja/nej, true/false, 1/0)."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("yes", "ja", "true", "1", "y", "j"):
        return True
    if text in ("no", "nej", "false", "0", "n"):
        return False
    raise ValueError(_("expected yes or no"))


def empty_to_none(value: Any) -> Any:
    """Read an empty cell as 'not given'."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return value


def parse_half(value: Any) -> Any:
    """Accept ``AM`` or ``PM`` in any case, around spaces; anything else is left to the enum."""
    if isinstance(value, str):
        return value.strip().upper()
    return value


def parse_month(value: Any) -> str:
    """Accept a month ``YYYY-MM`` (a spreadsheet's date cell gives its month)."""
    if isinstance(value, date):
        return f"{value.year:04d}-{value.month:02d}"
    text = str(value).strip()
    # A workbook's date cell is read as its day (YYYY-MM-DD): it gives its month.
    day = re.fullmatch(r"(\d{4}-\d{2})-\d{2}", text)
    if day:
        try:
            date.fromisoformat(text)
        except ValueError:
            raise ValueError(_("expected a month YYYY-MM, such as 2027-03")) from None
        text = day.group(1)
    match = re.fullmatch(r"(\d{4})-(\d{2})", text)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValueError(_("expected a month YYYY-MM, such as 2027-03"))
    check_date_range(date(int(match.group(1)), int(match.group(2)), 1))
    return text


def parse_held_for(value: Any) -> tuple[str, ...]:
    """Accept a list of held seats by district and month: ``district_id@YYYY-MM:n`` items."""
    items = split_list(value)
    for item in items:
        match = re.fullmatch(r"([^@:]+)@(\d{4}-\d{2}):(\d+)", item)
        if not match:
            raise ValueError(
                _("expected items district_id@YYYY-MM:seats, such as angered@2027-03:2")
            )
        check_id(match.group(1))
        parse_month(match.group(2))
    return items


def parse_country(value: Any) -> Any:
    """Accept a country code in any case; an empty code (or ``false``) means no holidays."""
    if value is None or value is False:
        return None
    if isinstance(value, str):
        return value.strip().upper() or None
    return value


Id = Annotated[str, AfterValidator(check_id)]
FileId = Annotated[str, AfterValidator(check_id), AfterValidator(check_file_id)]
Text = Annotated[str, AfterValidator(check_text)]
Email = Annotated[str, AfterValidator(check_email)]
IsoDate = Annotated[date, BeforeValidator(parse_iso_date)]
Clock = Annotated[time, BeforeValidator(parse_clock)]
IdList = Annotated[tuple[Id, ...], BeforeValidator(split_list)]
YesNo = Annotated[bool, BeforeValidator(parse_yes_no)]
Month = Annotated[str, BeforeValidator(parse_month)]
HeldFor = Annotated[tuple[str, ...], BeforeValidator(parse_held_for)]


def check_course_selection(values: tuple[str, ...]) -> tuple[str, ...]:
    """Accept a list of course ids, or ``*`` for every course."""
    for value in values:
        if value != ALL_COURSES:
            check_id(value)
    return values


CourseSelection = Annotated[
    tuple[str, ...], BeforeValidator(split_list), AfterValidator(check_course_selection)
]
OptionalId = Annotated[Id | None, BeforeValidator(empty_to_none)]
HalfName = Annotated[Half, BeforeValidator(parse_half)]
OptionalHalf = Annotated[HalfName | None, BeforeValidator(empty_to_none)]
CountryCode = Annotated[str | None, BeforeValidator(parse_country)]
