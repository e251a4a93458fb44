"""The figures at a hiring volume: part-1 rounds, part-2 sessions, trainer days, staff.

:func:`plan_capacity` works them out for the instance's own hiring (or a given volume)
and for the scenarios' volumes, with :class:`CapacityPlanner` doing the arithmetic.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from schemalaggning.domain import Course, Instance
from schemalaggning.engine.bound import course_seats, window_bound
from schemalaggning.whatif.capacity.hiring import HiringProfile
from schemalaggning.whatif.capacity.rounds import (
    STEADY_YEARS,
    ModelYears,
    ceil_div,
    holiday_months,
    report_rounds,
)
from schemalaggning.whatif.capacity.staff import (
    PART1,
    StaffingAssumptions,
    TrainerCapacity,
    horizon_years,
    trainer_capacity,
)

#: Hiring volumes (new hires a year) the scenarios table compares by default.
DEFAULT_SCENARIOS: tuple[int, ...] = (200, 280, 400, 600)

#: Seats enough for everyone: with it, the round count shows what the windows alone need.
UNLIMITED_SEATS = 10**9


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
    def part1_sessions(self) -> int:
        """Part-1 sessions a year at the report's rounds: ``rounds x modules``."""
        return self.part1.rounds_report * len(self.part1.course_ids)

    @property
    def sessions(self) -> int:
        """All sessions a year: part 1 at the report's rounds and every theme's."""
        return self.part1_sessions + self.part2_sessions

    @property
    def part2_attendances(self) -> int:
        """Seats taken in the themes a year: every hire attends every theme once."""
        return self.hires_per_year * len(self.themes)

    @property
    def staff_days_away(self) -> float:
        """Days the hires of a year spend in sessions: ``hires x the programme's half-days
        / 2`` (part 1 and every theme, each attended once)."""
        half_days = self.part1.half_days + sum(theme.half_days for theme in self.themes)
        return self.hires_per_year * half_days / 2

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
        # An instance has at least one room (schemalaggning.references).
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
