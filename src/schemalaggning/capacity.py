"""Capacity planning: the rounds, sessions, trainer days and staff a hiring volume needs.

The Gothenburg city report ("En kompetent socialtjänst", 2014, "Omfattning och resurser")
sizes the introduction programme from the number of new hires a year: with 280 hires
and part 1 within four months of the start date, part 1 is run "once a month, the
holiday period excepted", nine rounds of 2.5 days a year; part 2 is run in full at least
once a year; two full-time coordinators and a trainer support of 0.2 FTE (one day a
week) in every district carry it. This module answers the same questions from an
instance's data (courses, rooms, trainers, calendar and hiring):

* **Part-1 rounds a year.** A *round* is one session of every part-1 module; it seats
  ``min(max_group of the part-1 modules, largest room)``.

  - ``part1_rounds_report``, the report's rule:
    ``max(12 - holiday months, ceil(hires / seats))`` -- a round a month outside the
    months the holiday period touches, and more when a month's round would not seat
    the hires.
  - ``part1_rounds_min``, the least the rooms and groups allow: every hire's window
    (from the start date to ``start + within_months``, on open days) must contain a
    round with a free seat. For ``n`` years of hiring by the profile, ``S(n)`` is the
    fewest such rounds (the earliest-deadline stabbing of :mod:`schemalaggning.bound`,
    exact for rounds taken as points in time). The steady rate is what further years
    add: ``ceil((S(1 + 3) - S(1)) / 3)``, and never less than ``ceil(hires / seats)``.
    The windows alone (seats without limit) show how far apart rounds may lie, the
    summer break counted; the seats alone give ``ceil(hires / seats)``.

* **Part-2 sessions a year** of each theme: ``ceil(hires / seats)`` with
  ``seats = min(max_group, largest room)``; beside it, what the window bound says for
  the instance's own due attendances over its horizon, per year.
* **Trainer days a year**: ``(rounds x sum(half_days x trainers) over the part-1
  modules + sum(sessions x half_days x trainers) over the themes) / 2``.
* **Staff**: trainer days in FTE at ``weeks x 5 x (1 - admin share)`` teaching days
  per FTE a year, against the report's ``2 + 0.2 x districts`` FTE and against what
  the instance's trainers may teach: ``sum over trainers and open weeks of
  min(max_half_days_per_week, 2 x open days of the week) / 2``, per year.

Every figure is also worked out for other hiring volumes (200, 280, 400 and 600 a
year by default) with the same hiring profile, rooms, groups and calendar.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Any

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from schemalaggning.bound import course_seats, stabbing_sessions, window_bound
from schemalaggning.domain import ClosedPeriod, Course, Instance, Settings, Trainer, add_months
from schemalaggning.generate import workdays_of_month
from schemalaggning.problems import InputError, Problem
from schemalaggning.timegrid import TimeGrid, holiday_names, iso_week

#: Hiring volumes (new hires a year) the scenarios table compares by default.
DEFAULT_SCENARIOS: tuple[int, ...] = (200, 280, 400, 600)

#: A closed period of at least this many weekdays is a holiday period (the summer
#: break), not a day off: the report runs no part-1 round in the months it touches.
HOLIDAY_PERIOD_WEEKDAYS = 5

#: Years of hiring over which the steady rate of part-1 rounds is measured, after a
#: first year that starts from an empty programme.
STEADY_YEARS = 3

#: Seats enough for everyone: with it, the round count shows what the windows alone need.
UNLIMITED_SEATS = 10**9

#: The label of part-1 courses in ``courses.csv``; every other course is a theme.
PART1 = "1"


# ---------------------------------------------------------------------------------------------
# Assumptions and the hiring profile
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StaffingAssumptions:
    """How trainer days turn into staff, and the staffing the report proposes.

    Parameters
    ----------
    working_weeks
        Working weeks of one FTE a year (52 less holidays, leave and the weeks
        without sessions); 40 by default.
    admin_share
        The share of an FTE's working time that is not teaching: preparation,
        enrolment, practical arrangements, evaluation. The report's coordinators
        also design courses and run administration, so half by default.
    coordinators
        Full-time coordinators the report proposes (2).
    support_per_district
        FTE of trainer support the report proposes in every district (0.2: one day a
        week).
    """

    working_weeks: float = 40.0
    admin_share: float = 0.5
    coordinators: float = 2.0
    support_per_district: float = 0.2

    def __post_init__(self) -> None:
        if not 0 < self.working_weeks <= 52:
            raise ValueError("expected working_weeks above 0 and at most 52")
        if not 0 <= self.admin_share < 1:
            raise ValueError("expected an admin_share from 0 up to (not including) 1")
        if self.coordinators < 0 or self.support_per_district < 0:
            raise ValueError("expected non-negative coordinators and support_per_district")

    @property
    def working_days(self) -> float:
        """Working days of one FTE a year: ``working_weeks x 5``."""
        return self.working_weeks * 5

    @property
    def teaching_days(self) -> float:
        """Teaching days of one FTE a year: ``working_days x (1 - admin_share)``."""
        return self.working_days * (1 - self.admin_share)

    def proposed_fte(self, districts: int) -> float:
        """The report's staffing: ``coordinators + support_per_district x districts``."""
        return self.coordinators + self.support_per_district * districts


@dataclass(frozen=True)
class HiringProfile:
    """New hires a year by the calendar month they start in (January first).

    Parameters
    ----------
    monthly
        Twelve figures, hires a year who start in each calendar month.
    source
        ``people`` when counted from an instance's start dates, ``even`` when a
        volume is spread evenly over the months.
    note
        How the figures were found, in words.
    """

    monthly: tuple[float, ...]
    source: str
    note: str

    @property
    def hires_per_year(self) -> float:
        """All hires of a year."""
        return sum(self.monthly)

    @classmethod
    def even(cls, hires_per_year: float) -> HiringProfile:
        """A volume spread evenly over the twelve months, as the report assumes."""
        return cls(
            monthly=(hires_per_year / 12,) * 12,
            source="even",
            note="spread evenly over the months",
        )

    @classmethod
    def of_people(cls, instance: Instance) -> HiringProfile:
        """The hiring of an instance: its required people's start dates, per month.

        The span counted runs from the month of the earliest required start, but no earlier
        than the longest course window before the horizon (hires who started before
        that are stragglers, not the yearly intake), to the horizon's end. Each
        calendar month's count is divided by how much of that month the span covers,
        so a span of partial years still gives a rate a year; a month the span does not
        reach at all gets the average month's rate.
        """
        settings = instance.settings
        longest = max((course.within_months for course in instance.courses), default=0)
        starts = [p.start_date for p in instance.required_people]
        # The span opens with the month of the earliest start, not its day: hiring is
        # counted by whole months, and a first hire late in a month says nothing of the
        # days before it.
        earliest = min([*starts, settings.horizon_start])
        first = max(
            add_months(settings.horizon_start, -longest),
            date(earliest.year, earliest.month, 1),
        )
        last = settings.horizon_end
        counts = Counter(day.month for day in starts if first <= day <= last)
        covered = [0.0] * 12
        month = date(first.year, first.month, 1)
        while month <= last:
            following = add_months(month, 1)
            inside = (min(following - timedelta(days=1), last) - max(month, first)).days + 1
            covered[month.month - 1] += inside / (following - month).days
            month = following
        total = sum(counts.values())
        years = sum(covered) / 12
        average = total / (12 * years) if years > 0 else 0.0
        monthly = tuple(
            counts.get(number, 0) / covered[number - 1] if covered[number - 1] else average
            for number in range(1, 13)
        )
        return cls(
            monthly=monthly,
            source="people",
            note=(
                f"{total} required people who start from {first} to {last} "
                f"({years:.2f} years), counted by month"
            ),
        )

    def scaled(self, hires_per_year: float) -> HiringProfile:
        """The same months' shares at another volume (evenly spread if there is no hiring)."""
        total = self.hires_per_year
        if total <= 0:
            return HiringProfile.even(hires_per_year)
        return HiringProfile(
            monthly=tuple(value * hires_per_year / total for value in self.monthly),
            source=self.source,
            note=f"{self.note}, scaled to {hires_per_year:g} a year",
        )


# ---------------------------------------------------------------------------------------------
# The calendar of model years
# ---------------------------------------------------------------------------------------------


def holiday_months(settings: Settings) -> tuple[int, ...]:
    """The calendar months (1-12) a holiday period touches.

    A holiday period is a closed period of at least :data:`HOLIDAY_PERIOD_WEEKDAYS`
    weekdays, such as the summer break; a few days between Christmas and New Year are
    not one. A month counts when any weekday of such a period falls in it: the report
    runs no part-1 round in "the holiday period", June to August in Gothenburg.
    """
    months: set[int] = set()
    for period in settings.closed:
        # A period of a year or more touches every month; looking at its first 366 days
        # says so without walking through decades of days.
        length = min((period.end - period.start).days + 1, 366)
        weekdays = [
            day
            for day in (period.start + timedelta(days=offset) for offset in range(length))
            if day.weekday() < 5
        ]
        if len(weekdays) >= HOLIDAY_PERIOD_WEEKDAYS:
            months.update(day.month for day in weekdays)
    return tuple(sorted(months))


def repeated_closed_periods(
    closed: Sequence[ClosedPeriod], years: Sequence[int]
) -> tuple[ClosedPeriod, ...]:
    """Every closed period moved into each of the years (same days of the year).

    The instance's calendar covers its horizon only; repeating its breaks lets years
    of hiring be modelled. Breaks that differ a little from year to year (the summer
    break follows the weeks) are all kept, so a model year is closed a day or two
    longer than any single year of the instance, never shorter.
    """
    periods: dict[tuple[date, date], ClosedPeriod] = {}
    for period in closed:
        for year in years:
            shift = 12 * (year - period.start.year)
            start, end = add_months(period.start, shift), add_months(period.end, shift)
            periods.setdefault((start, end), ClosedPeriod(start=start, end=end, name=period.name))
    return tuple(periods[key] for key in sorted(periods))


class ModelYears:
    """Consecutive years of hiring on the instance's calendar, for the round counts.

    Parameters
    ----------
    settings
        The instance's settings: its holidays and closed periods are repeated in
        every model year.
    years
        Years of hiring to model, from January of the horizon's first year.
    tail_months
        Months after the last year that windows may run into.
    """

    def __init__(self, settings: Settings, years: int, tail_months: int) -> None:
        self.first_year = settings.horizon_start.year
        self.years = years
        start = date(self.first_year, 1, 1)
        end = add_months(date(self.first_year + years, 1, 1), tail_months) - timedelta(days=1)
        year_range = range(self.first_year - 1, end.year + 1)
        model = Settings(
            name="model years",
            timezone=settings.timezone,
            horizon_start=start,
            horizon_end=end,
            holidays=settings.holidays,
            closed=repeated_closed_periods(settings.closed, year_range),
        )
        #: The days a round may be held on, in order.
        self.open_days: tuple[date, ...] = TimeGrid(model).days
        holidays = holiday_names(settings.holidays, year_range) if settings.holidays else {}
        # Hires start on working days, also in the summer break, so their start days
        # come from the public holidays alone, month by month.
        self.workdays: tuple[tuple[date, ...], ...] = tuple(
            tuple(workdays_of_month(date(self.first_year + idx // 12, idx % 12 + 1, 1), holidays))
            for idx in range(12 * years)
        )

    def start_dates(self, profile: HiringProfile, years: int) -> list[date]:
        """Start dates of ``years`` years of hires by the profile, spread over each month.

        Each month's hires are rounded on the running total, so that no hire is lost to
        rounding, and placed evenly over the month's working days.
        """
        starts: list[date] = []
        expected = 0.0
        emitted = 0
        for idx in range(12 * min(years, self.years)):
            expected += profile.monthly[idx % 12]
            count = round(expected) - emitted
            emitted += count
            days = self.workdays[idx]
            starts += [days[(2 * k + 1) * len(days) // (2 * count)] for k in range(count)]
        return starts

    def window(self, start: date, not_before_months: int, within_months: int) -> tuple[date, date]:
        """The first and last open day a hire starting on ``start`` may attend on.

        An empty window comes back with its first day after its last.
        """
        earliest = max(start, add_months(start, not_before_months))
        latest = add_months(start, within_months)
        first_idx = bisect_left(self.open_days, earliest)
        last_idx = bisect_right(self.open_days, latest) - 1
        first = self.open_days[first_idx] if first_idx < len(self.open_days) else date.max
        last = self.open_days[last_idx] if last_idx >= 0 else date.min
        return first, last

    def fewest_rounds(
        self,
        profile: HiringProfile,
        years: int,
        seats: int,
        not_before_months: int,
        within_months: int,
    ) -> int:
        """``S(years)``: the fewest rounds of ``seats`` seats that serve ``years`` of hiring."""
        windows = [
            self.window(start, not_before_months, within_months)
            for start in self.start_dates(profile, years)
        ]
        return stabbing_sessions(windows, seats)

    def rounds_per_year(
        self, profile: HiringProfile, seats: int, not_before_months: int, within_months: int
    ) -> int:
        """The steady rounds a year: ``ceil((S(1 + STEADY_YEARS) - S(1)) / STEADY_YEARS)``.

        The first year starts from an empty programme and the last one's final round is
        half empty; the difference leaves both out and keeps what each further year of
        hiring adds.
        """
        first = self.fewest_rounds(profile, 1, seats, not_before_months, within_months)
        full = self.fewest_rounds(
            profile, 1 + STEADY_YEARS, seats, not_before_months, within_months
        )
        return max(0, math.ceil((full - first) / STEADY_YEARS))


# ---------------------------------------------------------------------------------------------
# The figures
# ---------------------------------------------------------------------------------------------


def ceil_div(count: int, size: int) -> int:
    """``ceil(count / size)`` in whole numbers; nothing fits in no seats."""
    return -(-count // size) if size > 0 else 0


def report_rounds(hires: int, seats: int, holiday_month_count: int) -> int:
    """The report's part-1 rounds a year: ``max(12 - holiday months, ceil(hires / seats))``.

    A round a month outside the holiday period (the report: "once a month, the holiday
    period excepted", nine for Gothenburg), and more rounds when that many would not
    seat the year's hires. No hires need no round.

    >>> report_rounds(280, 32, 3)
    9
    >>> report_rounds(400, 32, 3)
    13
    """
    if hires <= 0:
        return 0
    return max(12 - holiday_month_count, ceil_div(hires, seats))


@dataclass(frozen=True)
class Part1Need:
    """Part 1 at one hiring volume.

    Parameters
    ----------
    course_ids
        The part-1 modules; a round holds one session of each.
    seats
        Seats of a round: ``min(max_group, largest room)`` over the modules.
    half_days
        Half-days of a round (the modules' ``half_days`` summed).
    trainer_half_days
        Trainer half-days of a round: ``sum(half_days x trainers)`` over the modules.
    within_months
        The window every hire's round must fall in, in months from the start date.
    holiday_months
        The calendar months the holiday period touches.
    rounds_report
        The report's rule: ``max(12 - len(holiday_months), ceil(hires / seats))``.
    rounds_min
        The least the rooms and groups allow, windows and calendar minded.
    rounds_for_seats
        ``ceil(hires / seats)``: the seats alone.
    rounds_for_windows
        The windows alone (seats without limit): how far apart rounds may lie.
    window_bound_per_year
        The window bound's part-1 sessions over the instance's horizon, per year (the
        largest over the modules); ``None`` when the hiring is not the instance's own.
    """

    course_ids: tuple[str, ...]
    seats: int
    half_days: int
    trainer_half_days: int
    within_months: int
    holiday_months: tuple[int, ...]
    rounds_report: int
    rounds_min: int
    rounds_for_seats: int
    rounds_for_windows: int
    window_bound_per_year: float | None


@dataclass(frozen=True)
class ThemeNeed:
    """One part-2 theme (or any course outside part 1) at one hiring volume.

    Parameters
    ----------
    course_id, name, part, half_days, trainers
        The course's own fields.
    seats
        ``min(max_group, largest room)``.
    sessions_per_year
        ``ceil(hires / seats)``: every hire attends once.
    window_bound_per_year
        The window bound's sessions over the instance's horizon, per year; ``None``
        when the hiring is not the instance's own.
    """

    course_id: str
    name: str
    part: str
    half_days: int
    trainers: int
    seats: int
    sessions_per_year: int
    window_bound_per_year: float | None

    @property
    def trainer_half_days(self) -> int:
        """Trainer half-days a year: ``sessions x half_days x trainers``."""
        return self.sessions_per_year * self.half_days * self.trainers


@dataclass(frozen=True)
class CapacityFigures:
    """Every figure at one hiring volume.

    Parameters
    ----------
    hires_per_year
        New hires a year.
    part1
        Part-1 rounds.
    themes
        Sessions of every course outside part 1, in file order.
    districts
        Districts, for the report's staffing.
    assumptions
        How trainer days become FTE.
    """

    hires_per_year: int
    part1: Part1Need
    themes: tuple[ThemeNeed, ...]
    districts: int
    assumptions: StaffingAssumptions

    @property
    def part2_sessions(self) -> int:
        """Sessions a year of all themes together."""
        return sum(theme.sessions_per_year for theme in self.themes)

    @property
    def trainer_days_part1(self) -> float:
        """Part-1 trainer days a year at the report's rounds: ``rounds x trainer half-days / 2``."""
        return self.part1.rounds_report * self.part1.trainer_half_days / 2

    @property
    def trainer_days_part1_min(self) -> float:
        """Part-1 trainer days a year at the fewest rounds."""
        return self.part1.rounds_min * self.part1.trainer_half_days / 2

    @property
    def trainer_days_part2(self) -> float:
        """Part-2 trainer days a year: ``sum(sessions x half_days x trainers) / 2``."""
        return sum(theme.trainer_half_days for theme in self.themes) / 2

    @property
    def trainer_days(self) -> float:
        """All trainer days a year, part 1 at the report's rounds."""
        return self.trainer_days_part1 + self.trainer_days_part2

    @property
    def teaching_fte(self) -> float:
        """The trainer days as working time alone: ``trainer days / working days``."""
        return self.trainer_days / self.assumptions.working_days

    @property
    def fte_needed(self) -> float:
        """Staff for the teaching with its admin share: ``trainer days / teaching days``."""
        return self.trainer_days / self.assumptions.teaching_days

    @property
    def proposed_fte(self) -> float:
        """The report's staffing: 2 coordinators and 0.2 FTE in every district."""
        return self.assumptions.proposed_fte(self.districts)

    @property
    def share_of_proposed(self) -> float:
        """``fte_needed`` as a share of the report's staffing."""
        return self.fte_needed / self.proposed_fte if self.proposed_fte else math.inf

    @property
    def teaching_share_of_proposed(self) -> float:
        """Teaching time as a share of the report's staffing's working time."""
        return self.teaching_fte / self.proposed_fte if self.proposed_fte else math.inf

    def scenario_row(self) -> dict[str, Any]:
        """The figures of the scenarios table, as plain data."""
        return {
            "hires_per_year": self.hires_per_year,
            "part1_rounds_report": self.part1.rounds_report,
            "part1_rounds_min": self.part1.rounds_min,
            "part2_sessions_per_year": self.part2_sessions,
            "trainer_days": round(self.trainer_days, 1),
            "trainer_days_part1": round(self.trainer_days_part1, 1),
            "trainer_days_part2": round(self.trainer_days_part2, 1),
            "fte_needed": round(self.fte_needed, 2),
            "share_of_proposed": round(self.share_of_proposed, 3),
        }


@dataclass(frozen=True)
class TrainerCapacity:
    """What an instance's trainers may teach a year, by their weekly limits.

    Parameters
    ----------
    days_per_year
        ``sum over trainers and open weeks of min(max_half_days_per_week, 2 x open
        days of the week) / 2``, divided by the horizon's years. Leave and other
        unavailability are not taken off: it is an upper limit.
    coordinator_days_per_year
        The same for the central trainers (no district).
    district_days_per_year
        The same for the districts' trainer supports.
    part1_days_per_year
        The same for the trainers qualified for a part-1 module.
    open_weeks_per_year
        Weeks with an open day, per year of the horizon.
    """

    days_per_year: float
    coordinator_days_per_year: float
    district_days_per_year: float
    part1_days_per_year: float
    open_weeks_per_year: float


def horizon_years(settings: Settings) -> float:
    """The horizon's length in years (365.25 days each)."""
    return ((settings.horizon_end - settings.horizon_start).days + 1) / 365.25


def trainer_capacity(instance: Instance, grid: TimeGrid | None = None) -> TrainerCapacity:
    """What the instance's trainers may teach a year (see :class:`TrainerCapacity`)."""
    grid = grid or TimeGrid(instance.settings)
    years = horizon_years(instance.settings)
    open_days = Counter(iso_week(day) for day in grid.days)
    part1 = [c.course_id for c in instance.courses if c.part.strip() == PART1]

    def days(selected: Sequence[Trainer]) -> float:
        half_days = sum(
            min(trainer.max_half_days_per_week, 2 * count)
            for trainer in selected
            for count in open_days.values()
        )
        return half_days / 2 / years

    trainers = instance.trainers
    return TrainerCapacity(
        days_per_year=days(trainers),
        coordinator_days_per_year=days([t for t in trainers if t.district_id is None]),
        district_days_per_year=days([t for t in trainers if t.district_id is not None]),
        part1_days_per_year=days([t for t in trainers if any(t.qualified(c) for c in part1)]),
        open_weeks_per_year=len(open_days) / years,
    )


class CapacityPlanner:
    """Works the figures out for any hiring volume on one instance's data.

    The calendar of model years and the window bound are built once, and each volume
    then costs a few thousand windows.

    Parameters
    ----------
    instance
        Courses, rooms and calendar (and, for the window bound, the people).
    profile
        The hiring profile whose shape every volume keeps.
    districts
        Districts for the report's staffing; ``None``: the instance's.
    assumptions
        How trainer days become FTE.
    """

    def __init__(
        self,
        instance: Instance,
        profile: HiringProfile,
        districts: int | None = None,
        assumptions: StaffingAssumptions | None = None,
    ) -> None:
        if not instance.rooms:
            # Name the file (or sheet) the rooms are kept in, as every input problem does.
            workbook = instance.source.lower().endswith((".xlsx", ".xlsm"))
            label = f"{Path(instance.source).name}, sheet rooms" if workbook else "rooms.csv"
            raise InputError(
                [Problem(label, None, None, None, "expected at least one room to seat groups")]
            )
        self.instance = instance
        self.profile = profile
        self.districts = len(instance.districts) if districts is None else districts
        self.assumptions = assumptions or StaffingAssumptions()
        self.part1_courses = tuple(c for c in instance.courses if c.part.strip() == PART1)
        self.themes = tuple(c for c in instance.courses if c.part.strip() != PART1)
        self.holiday_months = holiday_months(instance.settings)
        self.within_months = min((c.within_months for c in self.part1_courses), default=0)
        self.not_before_months = max((c.not_before_months for c in self.part1_courses), default=0)
        self.model = ModelYears(instance.settings, 1 + STEADY_YEARS, self.within_months + 1)
        # The window bound speaks of the instance's own people; at another volume it would
        # describe people who are not there, so it is left out then.
        self.bound_per_year: dict[str, float] | None = None
        if profile.source == "people":
            years = horizon_years(instance.settings)
            self.bound_per_year = {
                course_id: bound.sessions / years
                for course_id, bound in window_bound(instance).items()
            }

    def seats(self, course: Course) -> int:
        """The largest group a session of the course can seat."""
        return course_seats(self.instance, course)

    def part1(self, hires: int, profile: HiringProfile, own: bool) -> Part1Need:
        """Part-1 rounds for ``hires`` a year hired by ``profile``.

        ``own`` says whether this is the instance's own hiring, which the window bound
        speaks of.
        """
        courses = self.part1_courses
        seats = min((self.seats(c) for c in courses), default=0)
        rounds_for_seats = ceil_div(hires, seats)
        if courses and hires > 0 and seats > 0:
            windows_only = self.model.rounds_per_year(
                profile, UNLIMITED_SEATS, self.not_before_months, self.within_months
            )
            steady = self.model.rounds_per_year(
                profile, seats, self.not_before_months, self.within_months
            )
            rounds_min = max(steady, rounds_for_seats)
            rounds_report = report_rounds(hires, seats, len(self.holiday_months))
        else:
            windows_only = rounds_min = rounds_report = 0
        bound = None
        if own and self.bound_per_year is not None and courses:
            bound = max(self.bound_per_year[c.course_id] for c in courses)
        return Part1Need(
            course_ids=tuple(c.course_id for c in courses),
            seats=seats,
            half_days=sum(c.half_days for c in courses),
            trainer_half_days=sum(c.half_days * c.trainers for c in courses),
            within_months=self.within_months,
            holiday_months=self.holiday_months,
            rounds_report=rounds_report,
            rounds_min=rounds_min,
            rounds_for_seats=rounds_for_seats,
            rounds_for_windows=windows_only,
            window_bound_per_year=bound,
        )

    def figures(self, hires_per_year: int) -> CapacityFigures:
        """Every figure for ``hires_per_year`` hires a year, hired in the profile's months."""
        profile = self.profile.scaled(hires_per_year)
        own = self.bound_per_year is not None and hires_per_year == round(
            self.profile.hires_per_year
        )
        themes = tuple(
            ThemeNeed(
                course_id=course.course_id,
                name=course.name,
                part=course.part,
                half_days=course.half_days,
                trainers=course.trainers,
                seats=self.seats(course),
                sessions_per_year=ceil_div(hires_per_year, self.seats(course)),
                window_bound_per_year=(
                    self.bound_per_year[course.course_id]
                    if own and self.bound_per_year is not None
                    else None
                ),
            )
            for course in self.themes
        )
        return CapacityFigures(
            hires_per_year=hires_per_year,
            part1=self.part1(hires_per_year, profile, own),
            themes=themes,
            districts=self.districts,
            assumptions=self.assumptions,
        )


# ---------------------------------------------------------------------------------------------
# The report
# ---------------------------------------------------------------------------------------------

#: The formulas, in the words the output uses.
FORMULAS: Mapping[str, str] = MappingProxyType(
    {
        "part1_rounds_report": (
            "max(12 - holiday months, ceil(hires / seats)): a round a month outside the months "
            "the holiday period (a closed period of a working week or more) touches, more if "
            "a month's round would not seat the hires"
        ),
        "part1_rounds_min": (
            "max(ceil((S(4) - S(1)) / 3), ceil(hires / seats)), where S(n) is the fewest rounds "
            "that give every hire of n years of hiring (by month, spread over working days) a "
            "seat on an open day inside [start, start + within_months]; seats = min(max_group "
            "of the part-1 modules, largest room)"
        ),
        "part2_sessions": (
            "ceil(hires / seats) for each theme, seats = min(max_group, largest room)"
        ),
        "trainer_days": (
            "(part-1 rounds x sum(half_days x trainers) over the modules + sum(sessions x "
            "half_days x trainers) over the themes) / 2; part 1 at the report's rounds"
        ),
        "fte_needed": "trainer days / (working weeks x 5 x (1 - admin share))",
        "proposed_fte": "coordinators + support per district x districts (the report: 2 + 0.2 x K)",
        "trainer_capacity": (
            "sum over trainers and open weeks of min(max_half_days_per_week, 2 x open days) / 2, "
            "per year of the horizon; leave not taken off"
        ),
    }
)


@dataclass(frozen=True)
class CapacityReport:
    """The answer to the report's planning questions for one instance and volume.

    Parameters
    ----------
    name
        The instance's name.
    source
        Where the instance was read from.
    profile
        The hiring profile used.
    figures
        Every figure at the instance's (or the given) volume.
    scenarios
        The figures at other volumes, ascending; the run's own volume is among them.
    trainers
        What the instance's trainers may teach a year.
    """

    name: str
    source: str
    profile: HiringProfile
    figures: CapacityFigures
    scenarios: tuple[CapacityFigures, ...]
    trainers: TrainerCapacity

    def as_dict(self) -> dict[str, Any]:
        """Every figure as plain data, for ``--json``."""
        figures = self.figures
        part1 = figures.part1
        assumptions = figures.assumptions
        return {
            "instance": self.source,
            "name": self.name,
            "hires_per_year": figures.hires_per_year,
            "hiring_profile": {
                "source": self.profile.source,
                "note": self.profile.note,
                "monthly": [round(value, 2) for value in self.profile.monthly],
            },
            "districts": figures.districts,
            "part1_rounds_report": part1.rounds_report,
            "part1_rounds_min": part1.rounds_min,
            "part1": {
                "courses": list(part1.course_ids),
                "seats": part1.seats,
                "half_days_per_round": part1.half_days,
                "trainer_half_days_per_round": part1.trainer_half_days,
                "within_months": part1.within_months,
                "holiday_months": list(part1.holiday_months),
                "rounds_report": part1.rounds_report,
                "rounds_min": part1.rounds_min,
                "rounds_for_seats": part1.rounds_for_seats,
                "rounds_for_windows": part1.rounds_for_windows,
                "window_bound_per_year": _rounded(part1.window_bound_per_year),
            },
            "part2_sessions_per_year": figures.part2_sessions,
            "part2_sessions": {
                theme.course_id: {
                    "part": theme.part,
                    "half_days": theme.half_days,
                    "trainers": theme.trainers,
                    "seats": theme.seats,
                    "sessions_per_year": theme.sessions_per_year,
                    "window_bound_per_year": _rounded(theme.window_bound_per_year),
                    "trainer_days_per_year": theme.trainer_half_days / 2,
                }
                for theme in figures.themes
            },
            "trainer_days": {
                "part1": figures.trainer_days_part1,
                "part2": figures.trainer_days_part2,
                "total": figures.trainer_days,
                "part1_at_min_rounds": figures.trainer_days_part1_min,
            },
            "fte": {
                "working_weeks": assumptions.working_weeks,
                "admin_share": assumptions.admin_share,
                "working_days_per_fte": assumptions.working_days,
                "teaching_days_per_fte": assumptions.teaching_days,
                "teaching_fte": round(figures.teaching_fte, 3),
                "fte_needed": round(figures.fte_needed, 3),
                "proposed": {
                    "coordinators": assumptions.coordinators,
                    "trainer_supports": round(
                        assumptions.support_per_district * figures.districts, 3
                    ),
                    "total": round(figures.proposed_fte, 3),
                },
                "share_of_proposed": round(figures.share_of_proposed, 3),
                "teaching_share_of_proposed": round(figures.teaching_share_of_proposed, 3),
            },
            "instance_trainers": {
                "trainer_days_per_year": round(self.trainers.days_per_year, 1),
                "coordinator_days_per_year": round(self.trainers.coordinator_days_per_year, 1),
                "district_days_per_year": round(self.trainers.district_days_per_year, 1),
                "part1_qualified_days_per_year": round(self.trainers.part1_days_per_year, 1),
                "open_weeks_per_year": round(self.trainers.open_weeks_per_year, 1),
                "fte": round(self.trainers.days_per_year / assumptions.working_days, 2),
                "load_share": (
                    round(figures.trainer_days / self.trainers.days_per_year, 3)
                    if self.trainers.days_per_year
                    else None
                ),
            },
            "scenarios": [scenario.scenario_row() for scenario in self.scenarios],
            "formulas": dict(FORMULAS),
        }


def _rounded(value: float | None) -> float | None:
    """A figure to two decimals, or ``None``."""
    return None if value is None else round(value, 2)


def plan_capacity(
    instance: Instance,
    hires_per_year: int | None = None,
    districts: int | None = None,
    scenarios: Sequence[int] = DEFAULT_SCENARIOS,
    assumptions: StaffingAssumptions | None = None,
) -> CapacityReport:
    """Answer the report's planning questions from an instance's data.

    Parameters
    ----------
    instance
        Courses, rooms, trainers, calendar and people.
    hires_per_year
        Replace the instance's hiring by this volume, spread evenly over the months (the
        report's assumption); ``None``: the instance's own hiring, by its people's start
        dates.
    districts
        Districts for the report's staffing (``None``: the instance's).
    scenarios
        Other volumes to work out, with the same months' shares; the run's own volume
        is added when it is not among them.
    assumptions
        How trainer days become FTE (``None``: :class:`StaffingAssumptions` defaults).

    Returns
    -------
    CapacityReport
        The figures, the scenarios and the trainers' capacity.

    Raises
    ------
    InputError
        If the instance has no room.
    """
    profile = (
        HiringProfile.of_people(instance)
        if hires_per_year is None
        else HiringProfile.even(hires_per_year)
    )
    planner = CapacityPlanner(instance, profile, districts, assumptions)
    own = round(profile.hires_per_year)
    volumes = sorted({*scenarios, own})
    by_volume = {volume: planner.figures(volume) for volume in volumes}
    return CapacityReport(
        name=instance.settings.name,
        source=instance.source,
        profile=profile,
        figures=by_volume[own],
        scenarios=tuple(by_volume[volume] for volume in volumes),
        trainers=trainer_capacity(instance),
    )


# ---------------------------------------------------------------------------------------------
# Tables for the terminal
# ---------------------------------------------------------------------------------------------


def _months(numbers: Sequence[int]) -> str:
    """Calendar months by their short English names."""
    names = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    return ", ".join(names[number - 1] for number in numbers) or "none"


def report_tables(report: CapacityReport) -> list[RenderableType]:
    """The report for the terminal: a heading and four tables, each figure beside its formula.

    The tables are part 1 (rounds), part 2 (sessions of each theme), trainer days and
    staff, and the scenarios at other hiring volumes.
    """
    figures = report.figures
    part1 = figures.part1
    assumptions = figures.assumptions
    hires = figures.hires_per_year
    trainers = report.trainers

    heading = Text(
        f"{report.name or report.source}: {hires} hires a year ({report.profile.note}), "
        f"{figures.districts} districts."
    )
    first = Table(
        "figure",
        "a year",
        "how",
        title=(
            f"Part 1: a round is one session of {', '.join(part1.course_ids) or 'no module'}, "
            f"{part1.half_days / 2:g} days"
        ),
        title_justify="left",
    )
    first.add_row(
        "seats of a round",
        str(part1.seats),
        "min(max_group of the part-1 modules, largest room)",
    )
    holidays = len(part1.holiday_months)
    first.add_row(
        "part-1 rounds, the report's rule",
        str(part1.rounds_report),
        f"max(12 - {holidays} holiday months ({_months(part1.holiday_months)}), "
        f"ceil({hires} / {part1.seats}) = {part1.rounds_for_seats})",
    )
    first.add_row(
        "part-1 rounds, the least the rooms and groups allow",
        str(part1.rounds_min),
        f"every hire seated inside {part1.within_months} months of starting, on open days: "
        f"the windows alone need {part1.rounds_for_windows} (closed periods counted), the "
        f"seats alone {part1.rounds_for_seats}, both together {part1.rounds_min}",
    )
    if part1.window_bound_per_year is not None:
        first.add_row(
            "part-1 sessions, window bound",
            f"{part1.window_bound_per_year:.1f}",
            "the instance's due attendances over its horizon, per year",
        )
    first.add_row(
        "part-1 trainer days",
        f"{figures.trainer_days_part1:g}",
        f"{part1.rounds_report} rounds x {part1.trainer_half_days} trainer half-days / 2 "
        f"({figures.trainer_days_part1_min:g} at the least rounds)",
    )

    second = Table(
        "theme",
        "half-days",
        "trainers",
        "seats",
        "sessions a year",
        "window bound a year",
        "trainer days",
        title=(
            f"Part 2: sessions a year = ceil({hires} / seats), seats = min(max_group, largest room)"
        ),
        title_justify="left",
        caption=(
            "window bound: the fewest sessions for the instance's own due attendances (windows "
            "closing by the horizon's end) over its horizon, per year; lower, since most hires "
            "of the horizon are not yet due for part 2 ('-': the hiring is not the instance's)"
        ),
        caption_justify="left",
    )
    for theme in figures.themes:
        bound = theme.window_bound_per_year
        second.add_row(
            theme.course_id,
            str(theme.half_days),
            str(theme.trainers),
            str(theme.seats),
            str(theme.sessions_per_year),
            "-" if bound is None else f"{bound:.1f}",
            f"{theme.trainer_half_days / 2:g}",
        )
    second.add_row(
        "all", "", "", "", str(figures.part2_sessions), "", f"{figures.trainer_days_part2:g}"
    )

    third = Table("figure", "a year", "how", title="Trainer days and staff", title_justify="left")
    third.add_row(
        "trainer days",
        f"{figures.trainer_days:g}",
        f"part 1 {figures.trainer_days_part1:g} + part 2 {figures.trainer_days_part2:g}",
    )
    third.add_row(
        "teaching days per FTE",
        f"{assumptions.teaching_days:g}",
        f"assumed: {assumptions.working_weeks:g} working weeks x 5 days x "
        f"(1 - admin share {assumptions.admin_share:g})",
    )
    third.add_row(
        "FTE for the teaching",
        f"{figures.fte_needed:.2f}",
        f"{figures.trainer_days:g} / {assumptions.teaching_days:g} "
        f"({figures.teaching_fte:.2f} FTE of teaching time alone)",
    )
    supports = assumptions.support_per_district * figures.districts
    third.add_row(
        "the report's staffing (FTE)",
        f"{figures.proposed_fte:g}",
        f"{assumptions.coordinators:g} coordinators + {figures.districts} districts x "
        f"{assumptions.support_per_district:g} FTE trainer support ({supports:g})",
    )
    third.add_row(
        "teaching as a share of it",
        f"{figures.share_of_proposed:.0%}",
        f"with the admin share; teaching time alone: {figures.teaching_share_of_proposed:.0%} "
        "of its working time (the rest: design, enrolment, evaluation, the network)",
    )
    if trainers.days_per_year:
        third.add_row(
            "the instance's trainers (days)",
            f"{trainers.days_per_year:.0f}",
            f"sum of min(max_half_days_per_week, open half-days) over "
            f"{trainers.open_weeks_per_year:.1f} open weeks / 2: coordinators "
            f"{trainers.coordinator_days_per_year:.0f}, district supports "
            f"{trainers.district_days_per_year:.0f} (part-1 qualified "
            f"{trainers.part1_days_per_year:.0f}); "
            f"{trainers.days_per_year / assumptions.working_days:.1f} FTE; leave not taken off",
        )
        third.add_row(
            "their load",
            f"{figures.trainer_days / trainers.days_per_year:.0%}",
            f"{figures.trainer_days:g} / {trainers.days_per_year:.0f} trainer days",
        )

    fourth = Table(
        "hires a year",
        "part-1 rounds (report / least)",
        "part-2 sessions",
        "trainer days",
        "FTE",
        "share of the report's staffing",
        title=(
            "Scenarios: the same months' shares, rooms, groups and calendar "
            f"({figures.districts} districts)"
        ),
        title_justify="left",
        caption=(
            "The report: 280 hires a year, nine part-1 rounds of 2.5 days (groups of about 31), "
            "part 2 in full every year, 2 coordinators and 0.2 FTE trainer support per district."
        ),
        caption_justify="left",
    )
    for scenario in report.scenarios:
        mark = " (this run)" if scenario.hires_per_year == hires else ""
        fourth.add_row(
            f"{scenario.hires_per_year}{mark}",
            f"{scenario.part1.rounds_report} / {scenario.part1.rounds_min}",
            str(scenario.part2_sessions),
            f"{scenario.trainer_days:g}",
            f"{scenario.fte_needed:.2f}",
            f"{scenario.share_of_proposed:.0%}",
        )
    return [heading, first, second, third, fourth]
