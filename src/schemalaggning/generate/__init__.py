"""Realistic synthetic instances of the introduction programme, deterministic by seed.

The figures follow the Gothenburg city report ("En kompetent socialtjänst", 2014): ten
districts, about 1 010 social workers and 280 new hires a year; part 1 is three modules
(2.5 days) within four months of the start date, part 2 is 19 themes (12.5 days) within
two years, after part 1. Two central coordinators and a 0.2-FTE trainer support in every
district teach; groups are mixed across districts.

An instance holds three kinds of people:

* hires already in the programme when the horizon opens (started up to two years
  before it), with what they have plausibly done already in ``done``;
* hires who start during the horizon, with nothing done;
* a modest number of experienced staff (``required = no``) who may take free seats.

Nothing due is obviously impossible: an attendance whose window closes before the
horizon opens, or too soon after it (fewer than ``done_margin_open_days`` open days,
counted on the instance's own calendar so that the summer break is minded), is in
``done``.

Every random draw comes from a ``random.Random`` seeded from the parameters' seed and
the name of what is drawn (people, trainers, leave, ...), so the same parameters give
byte-identical files, and changing one part (say, the trainers) leaves the others as
they were. Everything is sorted before it is written.

The parts: :mod:`~schemalaggning.generate.programme` (the courses and the report's
figures), :mod:`~schemalaggning.generate.names` (cities, names, e-mail addresses),
:mod:`~schemalaggning.generate.params` (parameters, presets, random streams),
:mod:`~schemalaggning.generate.people` (hires and experienced staff),
:mod:`~schemalaggning.generate.resources` (districts, trainers, rooms, unavailability)
and :mod:`~schemalaggning.generate.build` (:func:`generate_instance`, which puts them
together).
"""

from schemalaggning.generate.build import generate_instance
from schemalaggning.generate.names import CITIES, City
from schemalaggning.generate.params import PRESETS, GeneratorParams, preset
from schemalaggning.generate.programme import (
    DEFAULT_MONTHLY_WEIGHTS,
    MINI_PROGRAMME,
    PART1_MODULES,
    PART2_THEMES,
    PROGRAMMES,
    STAFF_PER_HIRE,
    WITHIN_MONTHS,
    CourseTemplate,
    prerequisite_cycle,
)

__all__ = [
    "CITIES",
    "DEFAULT_MONTHLY_WEIGHTS",
    "MINI_PROGRAMME",
    "PART1_MODULES",
    "PART2_THEMES",
    "PRESETS",
    "PROGRAMMES",
    "STAFF_PER_HIRE",
    "WITHIN_MONTHS",
    "City",
    "CourseTemplate",
    "GeneratorParams",
    "generate_instance",
    "prerequisite_cycle",
    "preset",
]
