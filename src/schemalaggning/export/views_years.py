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
from functools import cache

from schemalaggning.domain import (
    OFFERING_YEAR_DAYS,
    Course,
    Instance,
    Unscheduled,
    calendar_years,
)
from schemalaggning.export.words import rule_words
from schemalaggning.i18n import LANGUAGES, _, translations
from schemalaggning.rules import (
    OFFERING_COUNT,
    OFFERING_NO_BLOCK,
    OFFERING_NO_ROOM_OR_TRAINERS,
    OFFERING_TOO_FEW,
)


def pattern_of(template: str, text: str = "", whole: bool = True) -> re.Pattern[str]:
    """A pattern that finds the figures of a reason written from ``template`` (each
    ``{name}`` a whole number, or any text for the names in ``text``, such as a course's
    name); ``whole`` names the groups."""
    escaped = re.escape(template)
    for name in text.split():
        escaped = escaped.replace(re.escape("{" + name + "}"), ".+?")
    group = r"(?P<\1>\\d+)" if whole else r"\\d+"
    return re.compile(re.sub(r"\\\{(\w+)\\\}", group, escaped))


#: The obstacles the engine gives a yearly offering that cannot be held
#: (:mod:`schemalaggning.rules`): a reason written in English by an earlier version is
#: found by their words and said again in the current language.
OFFERING_OBSTACLES = (OFFERING_NO_BLOCK, OFFERING_NO_ROOM_OR_TRAINERS, OFFERING_TOO_FEW)
#: How the engine begins an offering's reason, before the obstacle (the engine's
#: catalogue has its words in each language).
OFFERING_OPENING = "{course} cannot be held {needed} time(s) in {year}: {obstacle}"


@cache
def _reason_parts() -> tuple[tuple[re.Pattern[str], ...], tuple[re.Pattern[str], ...]]:
    """The patterns of the opening and of the count of sessions held that the engine
    writes around an offering's obstacle, in every language."""
    openings, counts = [], []
    for code in LANGUAGES:
        words = translations(code)
        said = words.gettext(OFFERING_OPENING).partition("{obstacle}")[0].rstrip()
        opening = pattern_of(said, "course", whole=False)
        openings.append(re.compile("^" + opening.pattern + r"\s*"))
        count = pattern_of(words.gettext(OFFERING_COUNT), whole=False)
        counts.append(re.compile(r"\s*" + count.pattern + r"\s*$"))
    return tuple(openings), tuple(counts)


def offering_words(reason: str) -> tuple[str, str]:
    """A yearly offering's reason as (the rule in words, the obstacle in words).

    The opening that names the course and the year, and the count of sessions held that
    ends the engine's reason, are left out: the views name the course and count the
    sessions themselves.
    """
    rule, why = rule_words(reason)
    openings, counts = _reason_parts()
    for pattern in counts:
        why = pattern.sub("", why)
    for pattern in openings:
        why = pattern.sub("", why, count=1)
    for template in OFFERING_OBSTACLES:
        found = pattern_of(template).fullmatch(why)
        if found:
            return rule, _(template).format(**found.groupdict())
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
        if self.owed:
            return str(self.year)
        return _("{year} (part of the year)").format(year=self.year)

    @property
    def note(self) -> str:
        """Why a cut year owes no offerings, in words (empty for a whole year)."""
        if self.owed:
            return ""
        return _(
            "only {days} days of {year} lie in the period (fewer than {least}): no number "
            "of sessions is required that year"
        ).format(days=self.days, year=self.year, least=OFFERING_YEAR_DAYS)


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
        if self.held == 0 and self.least > 1:
            return _("cannot be given in {year} (at least {least} sessions are needed)").format(
                year=self.year, least=self.least
            )
        if self.held == 0:
            return _("cannot be given in {year}").format(year=self.year)
        if self.held == 1:
            return _("can only be given once in {year}, at least {least} are needed").format(
                year=self.year, least=self.least
            )
        return _("can only be given {held} times in {year}, at least {least} are needed").format(
            held=self.held, year=self.year, least=self.least
        )

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
