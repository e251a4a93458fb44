"""Dates and half-days in the words Swedish coordinators read: ``tisdag 12 mars 2027 FM``.

One place for the names, so that the workbook, the report, the plans, the invitations,
the change list and the electives' assessment all say a day the same way.
"""

from __future__ import annotations

from datetime import date

from schemalaggning.domain import Half

#: Weekdays, Monday first (``date.weekday()`` order).
WEEKDAYS = ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag")
#: Months, January first.
MONTHS = (
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)
#: The half-days as a Swedish calendar writes them: förmiddag, eftermiddag.
HALF_NAMES = {Half.AM: "FM", Half.PM: "EM"}


def long_date(day: date) -> str:
    """``12 mars 2027``."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def weekday(day: date) -> str:
    """``tisdag``."""
    return WEEKDAYS[day.weekday()]
