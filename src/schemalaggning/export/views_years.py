"""The views of the calendar years (format 1.2): the years the schedule reaches into, each
course's sessions with participants per year against its yearly minimum, and the yearly
offerings that cannot be held (the rows of ``unscheduled.csv`` without a person), with
the engine's reasons in Swedish.

:func:`~schemalaggning.export.views_data.build_views` puts them beside the sessions and
the people it joins; the report and the workbook show them as "Kurser per år" and among
what is not scheduled.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from schemalaggning.domain import (
    OFFERING_YEAR_DAYS,
    Course,
    Instance,
    Unscheduled,
    calendar_years,
)
from schemalaggning.export.words import rule_words
from schemalaggning.rules import (
    OFFERING_COUNT,
    OFFERING_NO_BLOCK,
    OFFERING_NO_ROOM_OR_TRAINERS,
    OFFERING_TOO_FEW,
)


def pattern_of(template: str) -> re.Pattern[str]:
    """A pattern that finds the figures of a reason written from ``template`` (each
    ``{name}`` a whole number)."""
    escaped = re.escape(template)
    return re.compile(re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>\\d+)", escaped))


#: The reasons the engine gives a yearly offering that cannot be held, found by the same
#: words it writes them with (:mod:`schemalaggning.rules`), and the same in Swedish. A
#: reason none of them matches is shown as it is.
OFFERING_REASONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        pattern_of(OFFERING_NO_BLOCK),
        "året har inga {half_days} öppna halvdagar i följd inom en vecka, som ett pass behöver",
    ),
    (
        pattern_of(OFFERING_NO_ROOM_OR_TRAINERS),
        "ingen tid under året har både en ledig lokal för {group} och {trainers} "
        "behöriga utbildare lediga",
    ),
    (
        pattern_of(OFFERING_TOO_FEW),
        "för få deltagare går att samla (som mest {most} av de {group} som en grupp "
        "behöver är lediga samtidigt), och kursens andra pass kan inte avvara några",
    ),
)
#: The count the engine writes after an offering's reason: ``(1 of 3 sessions held)``.
COUNT_PATTERN = re.compile(r"\s*" + pattern_of(OFFERING_COUNT).pattern + r"\s*$")


def offering_words(reason: str) -> tuple[str, str]:
    """A yearly offering's reason as (the rule in words, the obstacle in Swedish).

    The count of sessions held that ends the engine's reason is left out: the views
    count the sessions themselves.
    """
    rule, why = rule_words(reason)
    why = COUNT_PATTERN.sub("", why)
    for pattern, swedish in OFFERING_REASONS:
        found = pattern.fullmatch(why)
        if found:
            return rule, swedish.format(**found.groupdict())
    return rule, why


@dataclass(frozen=True)
class ReportYear:
    """A calendar year the schedule reaches into, and how much of it.

    A course owes its yearly offerings only in a year the horizon covers for at least
    ``OFFERING_YEAR_DAYS`` days (format 1.2); a year cut shorter owes none.
    """

    year: int
    #: The year's days inside the horizon, both ends counted.
    days: int

    @property
    def owed(self) -> bool:
        """Whether courses owe their yearly offerings in the year."""
        return self.days >= OFFERING_YEAR_DAYS

    @property
    def label(self) -> str:
        """``2027``, or ``2029 (del av året)`` for a year the horizon cuts short."""
        return str(self.year) if self.owed else f"{self.year} (del av året)"

    @property
    def note(self) -> str:
        """Why a cut year owes no offerings, in words (empty for a whole year)."""
        if self.owed:
            return ""
        return (
            f"bara {self.days} dagar av {self.year} ligger i perioden (färre än "
            f"{OFFERING_YEAR_DAYS}): inget krav på antal pass det året"
        )


def report_years(instance: Instance) -> list[ReportYear]:
    """Every calendar year the horizon reaches into, in order."""
    return [ReportYear(year, days) for year, days in calendar_years(instance.settings)]


@dataclass(frozen=True)
class UnheldOffering:
    """A course that cannot be held as many times as it must in a year (a row of
    ``unscheduled.csv`` with an empty ``person_id``), named and in words."""

    course: Course
    year: int
    #: Sessions of the course with participants in the year, and the least it needs.
    held: int
    least: int
    #: The year's last open day: the row's deadline.
    deadline: date
    #: The rule in words and the obstacle in Swedish (:func:`offering_words`).
    rule: str
    why: str

    @property
    def course_name(self) -> str:
        """``T05 Utredningsmetodik (BBIC och ASI)``."""
        return f"{self.course.course_id} {self.course.name}".strip()

    @property
    def count_text(self) -> str:
        """What is held against what is needed: ``kan inte ges 2028``, ``kan bara ges 1
        gång 2028, minst 3 behövs``."""
        if self.held == 0:
            needed = f" (minst {self.least} pass behövs)" if self.least > 1 else ""
            return f"kan inte ges {self.year}{needed}"
        times = "gång" if self.held == 1 else "gånger"
        return f"kan bara ges {self.held} {times} {self.year}, minst {self.least} behövs"

    @property
    def text(self) -> str:
        """``T05 Utredningsmetodik (BBIC och ASI) kan inte ges 2028: för få ...``."""
        told = f"{self.course_name} {self.count_text}"
        return f"{told}: {self.why}" if self.why else told


@dataclass(frozen=True)
class CourseYears:
    """A course's sessions with participants in every calendar year of the schedule,
    against the least it must be held in a year."""

    course: Course
    #: Sessions with participants by calendar year, every year of the horizon.
    held: dict[int, int]

    def least(self, year: ReportYear) -> int:
        """Sessions the course must have in the year: ``per_year`` in a year that owes
        offerings, none in a year the horizon cuts short."""
        return self.course.per_year if year.owed else 0

    def short(self, year: ReportYear) -> bool:
        """Whether the course has fewer sessions in the year than it must."""
        return self.held.get(year.year, 0) < self.least(year)


def course_years(
    instance: Instance, years: list[ReportYear], held: Counter[tuple[str, int]]
) -> list[CourseYears]:
    """Every course's sessions with participants per year, in file order."""
    return [
        CourseYears(course, {y.year: held[course.course_id, y.year] for y in years})
        for course in instance.courses
    ]


def unheld_offerings(
    instance: Instance, unscheduled: Iterable[Unscheduled], held: Counter[tuple[str, int]]
) -> list[UnheldOffering]:
    """The rows of ``unscheduled.csv`` that are yearly offerings, in file order, each with
    the sessions the course has in the year."""
    found = []
    for row in unscheduled:
        course = instance.course_by_id.get(row.course_id)
        if not row.offering or course is None:
            continue
        year = row.deadline.year
        rule, why = offering_words(row.reason)
        found.append(
            UnheldOffering(
                course=course,
                year=year,
                held=held[course.course_id, year],
                least=course.per_year,
                deadline=row.deadline,
                rule=rule,
                why=why,
            )
        )
    return found
