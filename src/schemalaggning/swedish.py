"""Dates, half-days and numbers in the words people read: ``tisdag 12 mars 2027 FM``, ``8 147``.

One place for them, so that the workbook, the report, the plans, the invitations, the
change list and the electives' assessment all say a day the same way. The names of days
and months and the order of a date's parts are Babel's (the CLDR data) for the current
language (:mod:`schemalaggning.i18n`): Swedish unless English is chosen. They do not
depend on the system's locale, so every machine writes the same files.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime, time
from functools import cache, lru_cache
from typing import overload

from babel.dates import format_date, format_time, get_day_names, get_month_names
from babel.numbers import format_decimal, get_group_symbol

from schemalaggning.domain import Half
from schemalaggning.i18n import LANGUAGES, N_, Messages, _, language, locale


class _Names(Sequence[str]):
    """Names of weekdays or months in the current language, first to last, looked up
    when read (the language is chosen after this module is imported)."""

    def __init__(self, kind: str, count: int) -> None:
        self._kind = kind
        self._count = count

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[str, ...]: ...

    def __getitem__(self, index: int | slice) -> str | tuple[str, ...]:
        return _names(self._kind, language())[index]

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[str]:
        return iter(_names(self._kind, language()))


@cache
def _names(kind: str, code: str) -> tuple[str, ...]:
    """The wide names of a language's weekdays (Monday first, as ``date.weekday()``
    and Babel number them) or months (January first)."""
    if kind == "days":
        days = get_day_names("wide", context="format", locale=LANGUAGES[code])
        return tuple(str(days[i]) for i in range(7))
    months = get_month_names("wide", context="format", locale=LANGUAGES[code])
    return tuple(str(months[i]) for i in range(1, 13))


#: Weekdays, Monday first (``date.weekday()`` order): ``måndag`` ... ``söndag``.
WEEKDAYS: Sequence[str] = _Names("days", 7)
#: Months, January first: ``januari`` ... ``december``.
MONTHS: Sequence[str] = _Names("months", 12)
#: The half-days as a calendar writes them: ``FM``, ``EM`` in Swedish (förmiddag,
#: eftermiddag).
HALF_NAMES: Mapping[Half, str] = Messages(
    {
        # Translators: a morning, as a calendar abbreviates it.
        Half.AM: N_("AM"),
        # Translators: an afternoon, as a calendar abbreviates it.
        Half.PM: N_("PM"),
    }
)


# The views write a day or a time for every attendance, and Babel takes some
# microseconds for each; a programme has a few hundred days and a handful of times, so
# each is formatted once per language.


def long_date(day: date) -> str:
    """``12 mars 2027``."""
    return _date(day, "long", language())


def weekday(day: date) -> str:
    """``tisdag``."""
    return _date(day, "EEEE", language())


def full_date(day: date) -> str:
    """A day with its weekday: ``tisdag 12 mars 2027``."""
    return _date(day, "full", language())


@lru_cache(maxsize=8192)
def _date(day: date, pattern: str, code: str) -> str:
    return format_date(day, pattern, locale=LANGUAGES[code])


def clock(moment: time | datetime) -> str:
    """A clock time as a timetable gives it: ``08:30``."""
    return _time(moment.hour, moment.minute, "short", language())


def clock_in_text(moment: time | datetime) -> str:
    """A clock time as a sentence gives it: ``08.30`` in Swedish (Språkrådet's
    recommendation), ``08:30`` in English."""
    # Translators: a clock time in running text, as a CLDR pattern (HH hours, mm
    # minutes). Swedish writes 08.30.
    return _time(moment.hour, moment.minute, _("HH:mm"), language())


@lru_cache(maxsize=1024)
def _time(hour: int, minute: int, pattern: str, code: str) -> str:
    return format_time(time(hour, minute), pattern, locale=LANGUAGES[code])


def moment_words(moment: datetime) -> str:
    """A day and a time in a sentence: ``måndag 4 januari 2027 kl. 08.30``."""
    # Translators: a day and a clock time in a sentence; Swedish: "{day} kl. {time}".
    return _("{day} at {time}").format(day=full_date(moment.date()), time=clock_in_text(moment))


def number(value: float, separator: str | None = None) -> str:
    """A whole number as the language writes it: ``8 147`` in Swedish, with a no-break
    space; ``separator`` in place of the language's own between the groups of digits."""
    return _number(round(value), separator, language())


@lru_cache(maxsize=4096)
def _number(value: int, separator: str | None, code: str) -> str:
    # Formatted once per number and language: the views write thousands of them.
    text = format_decimal(value, format="#,##0", locale=LANGUAGES[code])
    if separator is None:
        return text
    return text.replace(get_group_symbol(locale=LANGUAGES[code]), separator)


def decimal(value: float, decimals: int = 1) -> str:
    """A number with a fixed number of decimals as the language writes it: ``207,5``
    in Swedish."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return format_decimal(value, format=pattern, locale=locale())
