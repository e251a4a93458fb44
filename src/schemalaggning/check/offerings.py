"""The checker's yearly offerings (FORMATS 1.2, "Yearly offerings"): how often each course
is held in a year, and the rows of ``unscheduled.csv`` that list an offering not held.

Kept apart from :mod:`schemalaggning.check` so that module stays readable; like it, this
reads only the instance, the schedule and the checker's own calendar
(:mod:`schemalaggning.check.days`), no optimiser module and no time grid.

- Every course is held at least ``min_per_year`` times, with participants, in every
  calendar year the horizon covers for at least ``YEAR_DAYS_COVERED`` days, or
  ``unscheduled.csv`` lists the year's offering: an empty ``person_id``, the course, and
  the year's last open day as its deadline.
- A listed offering is owed (a year the horizon covers long enough, a course with a
  yearly minimum), not met by the schedule, and dated by that last open day.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from schemalaggning.check.days import YEAR_DAYS_COVERED, CheckCalendar, date_words
from schemalaggning.domain import Course, Instance, Session, Unscheduled
from schemalaggning.i18n import _
from schemalaggning.rules import Rule


@dataclass(frozen=True)
class OfferingFault:
    """One broken rule about yearly offerings (the checker turns it into a violation)."""

    rule: Rule
    message: str


def offering_faults(
    instance: Instance,
    calendar: CheckCalendar,
    sessions: Sequence[Session],
    members: Mapping[str, Sequence[str]],
    unscheduled: Sequence[Unscheduled],
) -> Iterator[OfferingFault]:
    """Every course held too seldom in a year and not listed, then every listed offering
    that is wrong; ``members`` are the person ids assigned to each session."""
    years = calendar.offering_years()
    held: Counter[tuple[str, int]] = Counter()
    for session in sessions:
        if session.slots and members.get(session.session_id):
            held[session.course_id, session.slots[0].day.year] += 1
    offerings = [u for u in unscheduled if not u.person_id]
    listed = {(u.course_id, u.deadline.year) for u in offerings}
    for course in instance.courses:
        for year in years:
            count = held[course.course_id, year]
            if count < course.per_year and (course.course_id, year) not in listed:
                last = calendar.last_open_day(year)
                row = _(" (an empty person_id, {course_id}, deadline {last})").format(
                    course_id=course.course_id, last=date_words(last) if last else ""
                )
                yield OfferingFault(
                    Rule.YEARLY_OFFERING,
                    _(
                        "{course_id} is held {count} time(s) with participants in {year}, at "
                        "least {per_year} needed; unscheduled.csv does not list the year's "
                        "offering{row}"
                    ).format(
                        course_id=course.course_id,
                        count=count,
                        year=year,
                        per_year=course.per_year,
                        row=row if last else "",
                    ),
                )
    for u in offerings:
        listed_course = instance.course_by_id.get(u.course_id)
        if listed_course is not None:
            count = held[u.course_id, u.deadline.year]
            yield from _listed_offering(calendar, u, listed_course, count, years)


def _listed_offering(
    calendar: CheckCalendar, row: Unscheduled, course: Course, count: int, years: Sequence[int]
) -> Iterator[OfferingFault]:
    """An offering listed as not held is owed, not met, and dated by the year's last
    open day inside the horizon."""
    year = row.deadline.year
    what = _("unscheduled.csv lists an offering of {course_id} in {year}").format(
        course_id=course.course_id, year=year
    )
    if year not in years or course.per_year == 0:
        why = (
            _("the horizon covers less than {days} days of {year}").format(
                days=YEAR_DAYS_COVERED, year=year
            )
            if year not in years
            else _("{course_id} needs no session a year").format(course_id=course.course_id)
        )
        yield OfferingFault(
            Rule.UNSCHEDULED_LISTED,
            _("{what}, which is not owed: {why}").format(what=what, why=why),
        )
    elif count >= course.per_year:
        yield OfferingFault(
            Rule.UNSCHEDULED_LISTED,
            _(
                "{what}, which the schedule meets: {count} session(s) with participants, "
                "{per_year} needed"
            ).format(what=what, count=count, per_year=course.per_year),
        )
    else:
        # None only when the horizon has no open day in the year: no date is right then.
        last = calendar.last_open_day(year)
        if last is not None and row.deadline != last:
            yield OfferingFault(
                Rule.YEARLY_OFFERING,
                _(
                    "{what} with deadline {deadline}; its deadline is the year's last open day in "
                    "the horizon, {last}"
                ).format(what=what, deadline=date_words(row.deadline), last=date_words(last)),
            )
