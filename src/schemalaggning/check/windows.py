"""The checker's own windows: when a required person may attend a course, and which
attendances are due in a run (FORMATS 1.2, "Plan ahead").

Written apart from the domain's month arithmetic and its ``is_due`` on purpose, like the
checker's calendar: the checker computes every rule from the contract's words, so that a
mistake in the optimiser's reading of them shows up as a broken rule.

- A window is ``[max(start_date, start_date + not_before_months), start_date +
  within_months]``, where adding months keeps the day of the month, or takes the month's
  last day when the month is shorter.
- An attendance of a required person, of a course not in their ``done``, is due when its
  window closes on or before ``horizon_end``, or when ``(min(close, horizon_end) -
  max(open, horizon_start)) / (close - open)``, in days, is at least ``plan_ahead``.
"""

from __future__ import annotations

import calendar
from datetime import date
from fractions import Fraction
from typing import NamedTuple

from schemalaggning.domain import Course, Instance, Person, Settings


class Window(NamedTuple):
    """The first day a required person's session of a course may begin on, and the last
    day it may end on."""

    opens: date
    closes: date


def months_after(day: date, months: int) -> date:
    """The date ``months`` months after ``day``: the same day of the month, or the month's
    last day when the month is shorter (2027-01-31 plus one month is 2027-02-28)."""
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def window(person: Person, course: Course) -> Window:
    """The person's window for the course, counted from their start date."""
    start = person.start_date
    return Window(
        max(start, months_after(start, course.not_before_months)),
        months_after(start, course.within_months),
    )


def share_inside(opens: date, closes: date, settings: Settings) -> Fraction | None:
    """The share of the window's days that lie inside the horizon, exactly; ``None`` for a
    window of no days (it closes on or before the day it opens), which has no share."""
    length = (closes - opens).days
    if length <= 0:
        return None
    inside = (min(closes, settings.horizon_end) - max(opens, settings.horizon_start)).days
    return Fraction(inside, length)


def plan_ahead(settings: Settings) -> Fraction:
    """The ``plan_ahead`` share as the decimal the instance wrote.

    ``0.56`` in ``instance.toml`` means 56 hundredths, but the float nearest it is a hair
    above: compared as floats, 84 days of a window of 150 would fall short of it.
    """
    return Fraction(str(settings.plan_ahead))


def is_due(settings: Settings, person: Person, course: Course) -> bool:
    """Whether the person's attendance of the course is due in the run."""
    if not person.required or course.course_id in person.done:
        return False
    opens, closes = window(person, course)
    if closes <= settings.horizon_end:
        return True
    # A window of no days that closes after the horizon lies wholly after it.
    share = share_inside(opens, closes, settings)
    return share is not None and share >= plan_ahead(settings)


def due_attendances(instance: Instance) -> list[tuple[str, str]]:
    """Every due attendance as ``(person_id, course_id)``, by person then course, in file
    order."""
    settings = instance.settings
    return [
        (person.person_id, course.course_id)
        for person in instance.people
        for course in instance.courses
        if is_due(settings, person, course)
    ]
