"""What to generate: the parameters, the named presets, and the seeded random streams."""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import date, timedelta
from types import MappingProxyType
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from schemalaggning.domain import add_months
from schemalaggning.generate.programme import (
    DEFAULT_MONTHLY_WEIGHTS,
    PROGRAMMES,
    STAFF_PER_HIRE,
    prerequisite_cycle,
)

#: The most hires a year a command or a page takes: far above any city (Stockholm hires
#: about 725 a year, the benchmarks' largest generated city 2 800); more would take hours
#: to generate or plan, and is a typing error.
MAX_HIRES_PER_YEAR = 100_000


class GeneratorParams(BaseModel):
    """What to generate. The defaults describe Göteborg as the city report does.

    Parameters
    ----------
    hires_per_year
        New hires a year, spread over the months by ``monthly_weights``.
    districts
        Number of districts; names come from the city's list, then ``Stadsdel N``.
    years
        Length of the horizon in years (it ends on December 22 when it would end in
        the Christmas holidays).
    seed
        Seed of every random draw.
    staff_per_district
        Average social workers per district; ``None``: the report's ratio, about
        3.6 x ``hires_per_year`` / ``districts``. District sizes vary around it.
    city
        Which city's names, rooms and e-mail domain to use.
    name
        The instance's name; ``None``: derived from the city and the horizon.
    horizon_start
        First day a session may be held (a Monday by default).
    max_absent
        At most this many of a district's staff in training in one half-day;
        ``None``: ``max_absent_share`` of the district's staff.
    max_absent_share
        The share of a district's staff that may be away at once, when
        ``max_absent`` is ``None``.
    central_trainers
        Central coordinators (qualified for every course).
    central_half_days_per_week
        Each coordinator's limit of teaching half-days a week.
    district_trainer_half_days_per_week
        Each district trainer support's limit (0.2 FTE: one day a week).
    themes_per_district_trainer
        How many part-2 themes each district trainer support is qualified for.
    room_capacities
        One room per entry, with this many seats.
    programme
        ``full`` (3 part-1 modules and 19 part-2 themes) or ``mini`` (3 courses).
    part1_min_group, part1_max_group, theme_min_group, theme_max_group
        Group sizes of part-1 modules and part-2 themes.
    two_trainer_themes
        Themes whose sessions need two trainers.
    theme_chains
        Pairs ``(theme, prerequisite)``: the theme comes after the prerequisite
        (besides after part 1).
    monthly_weights
        Relative hiring in each calendar month, January first.
    in_flight_years
        How long before the horizon the earliest hires still in the programme started.
    experienced_share
        Experienced staff who may take free seats, as a share of all staff.
    experienced_theme_done
        Probability that an experienced person has done a given part-2 theme.
    done_exponent
        Shape of the probability that an in-flight hire has done a course: it is
        ``1 - r ** done_exponent``, where ``r`` is the share of the course's window
        still left when the horizon opens (below 1: fewer done, more due).
    done_margin_open_days
        An attendance whose window closes with fewer open days than this left in the
        horizon is in ``done``: it could hardly be met.
    christmas_break
        Close the days between Christmas and New Year.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    hires_per_year: int = Field(default=280, ge=1)
    districts: int = Field(default=10, ge=1)
    years: int = Field(default=2, ge=1, le=10)
    seed: int = 0
    staff_per_district: int | None = Field(default=None, ge=1)
    city: Literal["goteborg", "stockholm"] = "goteborg"
    name: str | None = None
    horizon_start: date = date(2027, 1, 4)
    max_absent: int | None = Field(default=None, ge=1)
    max_absent_share: float = Field(default=0.1, gt=0, le=1)
    central_trainers: int = Field(default=2, ge=1)
    central_half_days_per_week: int = Field(default=8, ge=1, le=10)
    district_trainer_half_days_per_week: int = Field(default=2, ge=0, le=10)
    themes_per_district_trainer: int = Field(default=6, ge=0)
    room_capacities: tuple[int, ...] = Field(default=(32, 30, 24, 20), min_length=1)
    programme: Literal["full", "mini"] = "full"
    part1_min_group: int = Field(default=8, ge=1)
    part1_max_group: int = Field(default=32, ge=1)
    theme_min_group: int = Field(default=6, ge=1)
    theme_max_group: int = Field(default=30, ge=1)
    two_trainer_themes: tuple[str, ...] = ()
    theme_chains: tuple[tuple[str, str], ...] = ()
    monthly_weights: tuple[float, ...] = Field(
        default=DEFAULT_MONTHLY_WEIGHTS, min_length=12, max_length=12
    )
    in_flight_years: int = Field(default=2, ge=0, le=2)
    experienced_share: float = Field(default=0.08, ge=0, le=1)
    experienced_theme_done: float = Field(default=0.5, ge=0, le=1)
    done_exponent: float = Field(default=0.5, gt=0)
    done_margin_open_days: int = Field(default=20, ge=0)
    christmas_break: bool = True

    @model_validator(mode="after")
    def _check_consistency(self) -> GeneratorParams:
        """Check what single fields cannot: course ids, group sizes, rooms, weights."""
        themes = {t.course_id for t in PROGRAMMES[self.programme] if t.part == "2"}
        named = set(self.two_trainer_themes) | {c for pair in self.theme_chains for c in pair}
        unknown = sorted(named - themes)
        if unknown:
            raise ValueError(
                f"unknown theme(s) {', '.join(unknown)} in two_trainer_themes or theme_chains; "
                f"the {self.programme} programme's themes are {', '.join(sorted(themes))}"
            )
        if any(theme == before for theme, before in self.theme_chains):
            raise ValueError("expected theme_chains pairs of two different themes")
        if prerequisite_cycle(dict.fromkeys(themes, ()), self.theme_chains):
            raise ValueError("expected theme_chains without a cycle")
        if self.part1_min_group > self.part1_max_group:
            raise ValueError("expected part1_min_group at most part1_max_group")
        if self.theme_min_group > self.theme_max_group:
            raise ValueError("expected theme_min_group at most theme_max_group")
        if max(self.part1_min_group, self.theme_min_group) > max(self.room_capacities):
            raise ValueError("expected the largest room to seat the minimum groups")
        if any(capacity < 1 for capacity in self.room_capacities):
            raise ValueError("expected room capacities of at least 1")
        if any(weight < 0 for weight in self.monthly_weights) or sum(self.monthly_weights) <= 0:
            raise ValueError("expected non-negative monthly weights, not all zero")
        return self

    @property
    def horizon_end(self) -> date:
        """The last day of the horizon: ``years`` after its start, before Christmas."""
        end = add_months(self.horizon_start, 12 * self.years) - timedelta(days=1)
        # A horizon of whole years from early January would end in the Christmas holidays,
        # where no session is held anyway; end it on the last working day before them.
        if end.month == 12 and end.day > 22:
            return date(end.year, 12, 22)
        if end.month == 1 and end.day <= 15:
            return date(end.year - 1, 12, 22)
        return end

    @property
    def total_staff(self) -> int:
        """All social workers in all districts."""
        if self.staff_per_district is not None:
            return self.staff_per_district * self.districts
        return round(self.hires_per_year * STAFF_PER_HIRE)


#: Named parameter sets for ``schemalaggning generate OUT --preset NAME``.
PRESETS: Mapping[str, GeneratorParams] = MappingProxyType(
    {
        # Göteborg as in the city report: 10 districts, 280 hires a year, two years.
        "goteborg": GeneratorParams(seed=1),
        # Stockholm: 14 districts and about 2.6 times Göteborg's hiring, three coordinators.
        "stockholm": GeneratorParams(
            city="stockholm",
            districts=14,
            hires_per_year=725,
            seed=1,
            central_trainers=3,
            room_capacities=(32, 32, 30, 24, 20),
        ),
        # Göteborg's people with scarce resources: few may be away, one coordinator, small
        # rooms, two-trainer themes and chains of themes. Still feasible in principle.
        "tight": GeneratorParams(
            seed=1,
            name="Göteborg, introduktionsprogram 2027–2028 (knappa resurser)",
            max_absent=4,
            central_trainers=1,
            room_capacities=(24, 20, 16),
            two_trainer_themes=("T07", "T11", "T18", "T19"),
            theme_chains=(
                ("T05", "T04"),
                ("T08", "T05"),
                ("T09", "T08"),
                ("T13", "T10"),
                ("T19", "T18"),
            ),
        ),
        # Two districts, three courses, one year: small enough for quick solver tests.
        "tiny": GeneratorParams(
            seed=1,
            name="Liten testinstans: två stadsdelar, tre kurser",
            hires_per_year=12,
            districts=2,
            years=1,
            max_absent=4,
            central_trainers=1,
            themes_per_district_trainer=1,
            room_capacities=(12, 8),
            programme="mini",
            part1_min_group=2,
            part1_max_group=12,
            theme_min_group=2,
            theme_max_group=12,
            experienced_share=0.05,
        ),
        # Three districts with the full programme for one year: a small benchmark.
        "small": GeneratorParams(
            seed=1,
            name="Liten instans: tre stadsdelar, hela programmet",
            hires_per_year=40,
            districts=3,
            years=1,
            central_trainers=1,
            room_capacities=(24, 16),
            part1_min_group=4,
            part1_max_group=24,
            theme_min_group=4,
            theme_max_group=24,
        ),
    }
)


def preset(name: str) -> GeneratorParams:
    """The parameters of a named preset.

    Raises
    ------
    KeyError
        If there is no preset of that name (the message lists the known ones).
    """
    try:
        return PRESETS[name]
    except KeyError:
        raise KeyError(f"unknown preset {name!r}; known: {', '.join(sorted(PRESETS))}") from None


def stream(seed: int, what: str) -> random.Random:
    """A random generator for one part of the instance, seeded from the seed and the part.

    Separate streams keep the parts independent: more trainers do not reshuffle the people.
    A string seed is hashed with SHA-512 by ``random``, so it is the same in every run.
    """
    return random.Random(f"{seed}/{what}")
