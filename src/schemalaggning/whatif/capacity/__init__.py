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
    fewest such rounds (the earliest-deadline stabbing of :mod:`schemalaggning.engine.bound`,
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

The arithmetic lives in :mod:`~schemalaggning.whatif.capacity.hiring` (the hiring
profile), :mod:`~schemalaggning.whatif.capacity.staff` (staffing assumptions, what the
trainers may teach), :mod:`~schemalaggning.whatif.capacity.rounds` (part-1 rounds on model
years) and :mod:`~schemalaggning.whatif.capacity.figures` (every figure at a volume,
:func:`plan_capacity`); :mod:`~schemalaggning.whatif.capacity.report` turns a report into
tables for the terminal. A real plan is set beside the arithmetic by calendar year:
:mod:`~schemalaggning.whatif.capacity.years` counts its figures in each year,
:mod:`~schemalaggning.whatif.capacity.compare` compares its full years with a year of the
arithmetic and says in words why they differ.
"""

from schemalaggning.whatif.capacity.compare import TOLERANCE, Comparison, compare_with_capacity
from schemalaggning.whatif.capacity.figures import (
    DEFAULT_SCENARIOS,
    FORMULAS,
    UNLIMITED_SEATS,
    CapacityFigures,
    CapacityPlanner,
    CapacityReport,
    Part1Need,
    ThemeNeed,
    plan_capacity,
)
from schemalaggning.whatif.capacity.hiring import HiringProfile
from schemalaggning.whatif.capacity.report import report_tables
from schemalaggning.whatif.capacity.rounds import (
    HOLIDAY_PERIOD_WEEKDAYS,
    STEADY_YEARS,
    ModelYears,
    ceil_div,
    holiday_months,
    repeated_closed_periods,
    report_rounds,
)
from schemalaggning.whatif.capacity.staff import (
    PART1,
    StaffingAssumptions,
    TrainerCapacity,
    horizon_years,
    trainer_capacity,
)
from schemalaggning.whatif.capacity.years import (
    PlanYear,
    YearMeans,
    full_year_means,
    plan_years,
)

__all__ = [
    "DEFAULT_SCENARIOS",
    "FORMULAS",
    "HOLIDAY_PERIOD_WEEKDAYS",
    "PART1",
    "STEADY_YEARS",
    "TOLERANCE",
    "UNLIMITED_SEATS",
    "CapacityFigures",
    "CapacityPlanner",
    "CapacityReport",
    "Comparison",
    "HiringProfile",
    "ModelYears",
    "Part1Need",
    "PlanYear",
    "StaffingAssumptions",
    "ThemeNeed",
    "TrainerCapacity",
    "YearMeans",
    "ceil_div",
    "compare_with_capacity",
    "full_year_means",
    "holiday_months",
    "horizon_years",
    "plan_capacity",
    "plan_years",
    "repeated_closed_periods",
    "report_rounds",
    "report_tables",
    "trainer_capacity",
]
