"""Staff: how trainer days become FTE, and what an instance's trainers may teach a year."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from schemalaggning.domain import Instance, Settings, Trainer
from schemalaggning.timegrid import TimeGrid, iso_week

#: The label of part-1 courses in ``courses.csv``; every other course is a theme.
PART1 = "1"


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
