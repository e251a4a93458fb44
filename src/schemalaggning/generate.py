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
"""

from __future__ import annotations

import random
import unicodedata
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from types import MappingProxyType
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from schemalaggning.domain import (
    ALL_COURSES,
    ClosedPeriod,
    Course,
    District,
    Half,
    Instance,
    Organizer,
    Person,
    Room,
    Settings,
    Trainer,
    Unavailability,
    add_months,
)
from schemalaggning.timegrid import TimeGrid, holiday_names, workdays_of_month

# ---------------------------------------------------------------------------------------------
# The programme
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CourseTemplate:
    """A course of the programme before the parameters give it group sizes and trainers.

    Parameters
    ----------
    course_id
        The course's id.
    name
        The course's name, in Swedish (the coordinators' language).
    part
        ``"1"`` for a part-1 module, ``"2"`` for a part-2 theme.
    half_days
        Length of one session in half-day slots.
    """

    course_id: str
    name: str
    part: str
    half_days: int


#: Part 1, as the report gives it: 1.5 + 0.5 + 0.5 days within the first four months.
PART1_MODULES: tuple[CourseTemplate, ...] = (
    CourseTemplate(
        "P1A", "Att arbeta i en politiskt styrd organisation, regelverk och riktlinjer", "1", 3
    ),
    CourseTemplate("P1B", "Dokumentation och kommunikation", "1", 1),
    CourseTemplate("P1C", "Bemötande, samtal och relationer", "1", 1),
)

# The report's Annex 3, which lists the 19 part-2 themes, is not available. This list is
# ILLUSTRATIVE: it follows the case-handling process and the knowledge areas the report
# names, and keeps the report's totals: rules and guidelines 0.5 day, the case-handling
# process 10.5 days (documentation and cooperation included), conversation and relations
# 1.5 days; 25 half-days, 12.5 days, in all.
#: Part 2: 19 illustrative themes, 25 half-days in all, within the first two years.
PART2_THEMES: tuple[CourseTemplate, ...] = (
    CourseTemplate("T01", "Regelverk och riktlinjer: SoL, LVU, LVM och förvaltningslagen", "2", 1),
    CourseTemplate("T02", "Handläggningsprocessen från aktualisering till avslut", "2", 1),
    CourseTemplate("T03", "Mottagande av orosanmälan och förhandsbedömning", "2", 1),
    CourseTemplate("T04", "Ansökan, anmälan och att inleda utredning", "2", 1),
    CourseTemplate("T05", "Utredningsmetodik (BBIC och ASI)", "2", 2),
    CourseTemplate("T06", "Barnets perspektiv och barnets rätt att komma till tals", "2", 1),
    CourseTemplate("T07", "Riskbedömning och strukturerade bedömningsinstrument", "2", 2),
    CourseTemplate("T08", "Analys och bedömning", "2", 1),
    CourseTemplate("T09", "Beslut, delegation och motivering", "2", 1),
    CourseTemplate("T10", "Insatser i öppenvård och placering", "2", 2),
    CourseTemplate("T11", "Tvångsvård enligt LVU och LVM", "2", 2),
    CourseTemplate("T12", "Våld i nära relationer", "2", 1),
    CourseTemplate("T13", "Uppföljning och utvärdering av insatser", "2", 1),
    CourseTemplate("T14", "Dokumentation och journalföring i myndighetsutövning", "2", 2),
    CourseTemplate("T15", "Sekretess och informationsutbyte", "2", 1),
    CourseTemplate("T16", "Samverkan med skola, hälso- och sjukvård och polis", "2", 1),
    CourseTemplate("T17", "Överklagande och förvaltningsrättsprocessen", "2", 1),
    CourseTemplate("T18", "Samtalsmetodik och motiverande samtal", "2", 2),
    CourseTemplate("T19", "Samtal med barn", "2", 1),
)

#: A reduced programme of three courses, for instances small enough for quick tests.
MINI_PROGRAMME: tuple[CourseTemplate, ...] = (
    CourseTemplate("P1", "Del 1: introduktion (förkortad)", "1", 2),
    CourseTemplate("T01", "Regelverk och riktlinjer", "2", 1),
    CourseTemplate("T02", "Samtal med barn", "2", 2),
)

PROGRAMMES: Mapping[str, tuple[CourseTemplate, ...]] = MappingProxyType(
    {"full": PART1_MODULES + PART2_THEMES, "mini": MINI_PROGRAMME}
)

#: Months within which part 1 and part 2 are to be completed (the report: 4 months, 2 years).
WITHIN_MONTHS: Mapping[str, int] = MappingProxyType({"1": 4, "2": 24})

#: The report's ratio of social workers to new hires a year (1 010 to 280).
STAFF_PER_HIRE = 1010 / 280

#: Hiring by calendar month (January first): peaks in August, September and January.
DEFAULT_MONTHLY_WEIGHTS = (1.6, 1.0, 0.9, 0.8, 0.8, 0.9, 0.3, 1.9, 1.5, 0.9, 0.8, 0.4)

# ---------------------------------------------------------------------------------------------
# Cities
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class City:
    """What a generated instance takes from its city: names, rooms, e-mail domain.

    Parameters
    ----------
    display_name
        The city's name, as in the instance's name.
    authority
        The employer, as in the organizer's name.
    email_domain
        The domain of every generated e-mail address (an ``example.se`` domain).
    districts
        District names, in the order they are used.
    rooms
        Room names and addresses, in the order they are used.
    """

    display_name: str
    authority: str
    email_domain: str
    districts: tuple[str, ...]
    rooms: tuple[tuple[str, str], ...]


CITIES: Mapping[str, City] = MappingProxyType(
    {
        "goteborg": City(
            display_name="Göteborg",
            authority="Göteborgs stad",
            email_domain="goteborg.example.se",
            districts=(
                "Angered",
                "Östra Göteborg",
                "Örgryte-Härlanda",
                "Centrum",
                "Majorna-Linné",
                "Askim-Frölunda-Högsbo",
                "Västra Göteborg",
                "Västra Hisingen",
                "Lundby",
                "Norra Hisingen",
            ),
            rooms=(
                ("Stora salen", "Östra Hamngatan 24, 411 09 Göteborg"),
                ("Vasasalen", "Vasagatan 11, 411 24 Göteborg"),
                ("Hisingssalen", "Wieselgrensplatsen 2, 417 17 Göteborg"),
                ("Frölundasalen", "Frölunda torg 6, 421 42 Västra Frölunda"),
                ("Angeredssalen", "Angereds torg 5, 424 65 Angered"),
                ("Gårdasalen", "Ullevigatan 19, 411 40 Göteborg"),
            ),
        ),
        "stockholm": City(
            display_name="Stockholm",
            authority="Stockholms stad",
            email_domain="stockholm.example.se",
            districts=(
                "Rinkeby-Kista",
                "Spånga-Tensta",
                "Hässelby-Vällingby",
                "Bromma",
                "Kungsholmen",
                "Norrmalm",
                "Östermalm",
                "Södermalm",
                "Enskede-Årsta-Vantör",
                "Skarpnäck",
                "Farsta",
                "Älvsjö",
                "Hägersten-Liljeholmen",
                "Skärholmen",
            ),
            rooms=(
                ("Stora salen", "Swedenborgsgatan 20, 118 27 Stockholm"),
                ("Flemingsalen", "Fleminggatan 4, 112 26 Stockholm"),
                ("Kistasalen", "Kista torg 7, 164 40 Kista"),
                ("Farstasalen", "Farsta torg 8, 123 47 Farsta"),
                ("Vällingbysalen", "Vällingbyplan 2, 162 65 Vällingby"),
                ("Liljeholmssalen", "Liljeholmstorget 7, 117 63 Stockholm"),
            ),
        ),
    }
)

FIRST_NAMES = (
    "Ahmed", "Ali", "Amanda", "Amina", "Anders", "Anna", "Camilla", "Daniel", "Ebba", "Elin",
    "Emil", "Emma", "Erik", "Eva", "Fatima", "Fredrik", "Frida", "Hanna", "Hassan", "Helena",
    "Ida", "Ingrid", "Jenny", "Johan", "Johanna", "Jonas", "Josefin", "Julia", "Karin", "Karl",
    "Kristian", "Lars", "Leyla", "Lina", "Linnea", "Malin", "Maria", "Marie", "Matilda",
    "Mehmet", "Mikael", "Mohammed", "Nadia", "Nils", "Omar", "Oskar", "Petra", "Sanna", "Sara",
    "Sofia", "Therese", "Tove", "Viktor", "Yusuf", "Zeynep", "Åsa",
)  # fmt: skip

LAST_NAMES = (
    "Ahmadi", "Ali", "Andersson", "Axelsson", "Bengtsson", "Berg", "Berglund", "Bergström",
    "Björk", "Danielsson", "Ek", "Eklund", "Engström", "Eriksson", "Forsberg", "Fredriksson",
    "Gustafsson", "Hansson", "Hassan", "Henriksson", "Holm", "Hosseini", "Håkansson",
    "Jakobsson", "Jansson", "Johansson", "Jonsson", "Jönsson", "Karlsson", "Larsson", "Lind",
    "Lindberg", "Lindgren", "Lindqvist", "Lindström", "Lundberg", "Lundgren", "Magnusson",
    "Mattsson", "Mohammed", "Nguyen", "Nilsson", "Nyström", "Olofsson", "Olsson", "Persson",
    "Pettersson", "Sandberg", "Sjöberg", "Sundberg", "Svensson", "Wallin", "Yilmaz", "Åberg",
    "Öberg",
)  # fmt: skip

TRAINER_LEAVE_REASONS = ("ledighet", "semester")
TRAINER_DAY_REASONS = ("kompetensutveckling", "ledighet", "nätverksmöte", "tjänsteresa")
ROOM_BOOKING_REASONS = (
    "bokad: arbetsplatsträff",
    "bokad: ledningsgrupp",
    "bokad: nämndsammanträde",
    "bokad: konferens",
)
ROOM_WEEK_REASONS = ("renovering", "bokad: konferensvecka")

# ---------------------------------------------------------------------------------------------
# Parameters and presets
# ---------------------------------------------------------------------------------------------


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


def prerequisite_cycle(
    after: Mapping[str, Sequence[str]], extra: Sequence[tuple[str, str]] = ()
) -> bool:
    """Whether the prerequisites (``after`` plus ``(course, prerequisite)`` pairs) have a cycle."""
    graph: dict[str, set[str]] = {course: set(before) for course, before in after.items()}
    for course, before in extra:
        graph.setdefault(course, set()).add(before)
    state: dict[str, int] = {}

    def visit(course: str) -> bool:
        state[course] = 1
        for before in sorted(graph.get(course, ())):
            if state.get(before) == 1 or (before not in state and visit(before)):
                return True
        state[course] = 2
        return False

    return any(course not in state and visit(course) for course in sorted(graph))


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


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


def stream(seed: int, what: str) -> random.Random:
    """A random generator for one part of the instance, seeded from the seed and the part.

    Separate streams keep the parts independent: more trainers do not reshuffle the people.
    A string seed is hashed with SHA-512 by ``random``, so it is the same in every run.
    """
    return random.Random(f"{seed}/{what}")


def ascii_fold(text: str) -> str:
    """Lower-case ASCII for e-mail addresses and ids (å, ä -> a, ö -> o, é -> e)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def slug(text: str) -> str:
    """An id made of a name: ``Örgryte-Härlanda`` -> ``orgryte-harlanda``."""
    folded = ascii_fold(text)
    cleaned = "".join(ch if ch.isalnum() else "-" for ch in folded)
    return "-".join(part for part in cleaned.split("-") if part)


class EmailBook:
    """Hands out unique addresses ``firstname.lastname@domain``, numbered on clashes."""

    def __init__(self, domain: str) -> None:
        self.domain = domain
        self.taken: set[str] = set()

    def address(self, name: str) -> str:
        """A new address for a person of this name."""
        local = ".".join(slug(part) for part in name.split())
        candidate, number = local, 1
        while candidate in self.taken:
            number += 1
            candidate = f"{local}{number}"
        self.taken.add(candidate)
        return f"{candidate}@{self.domain}"


def random_name(rng: random.Random) -> str:
    """A first and a last name from the small lists."""
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def ancestors(after: Mapping[str, Sequence[str]]) -> dict[str, frozenset[str]]:
    """Every course's prerequisites, direct or indirect (the graph has no cycle)."""
    found: dict[str, frozenset[str]] = {}

    def visit(course: str) -> frozenset[str]:
        if course not in found:
            result: set[str] = set()
            for before in after.get(course, ()):
                result.add(before)
                result |= visit(before)
            found[course] = frozenset(result)
        return found[course]

    for course in after:
        visit(course)
    return found


# ---------------------------------------------------------------------------------------------
# The parts of an instance
# ---------------------------------------------------------------------------------------------


def make_settings(params: GeneratorParams, city: City) -> Settings:
    """Horizon, closed periods (summer break, Christmas week) and the organizer."""
    start, end = params.horizon_start, params.horizon_end
    closed: list[ClosedPeriod] = []
    for year in range(start.year, end.year + 1):
        # The summer break: from the Monday of ISO week 26 to the Friday of week 31.
        summer = (date.fromisocalendar(year, 26, 1), date.fromisocalendar(year, 31, 5))
        christmas = (date(year, 12, 27), date(year, 12, 30))
        periods = [(summer, "sommaruppehåll")]
        if params.christmas_break:
            periods.append((christmas, "mellandagar"))
        for (first, last), name in periods:
            if first <= end and last >= start:
                closed.append(ClosedPeriod(start=first, end=last, name=name))
    name = params.name or (
        f"{city.display_name}, introduktionsprogram för socialsekreterare {start.year}–{end.year}"
    )
    return Settings(
        name=name,
        horizon_start=start,
        horizon_end=end,
        holidays="SE",
        closed=tuple(sorted(closed, key=lambda p: (p.start, p.end))),
        organizer=Organizer(
            name=f"Introduktionsprogrammet, {city.authority}",
            email=f"introduktion@{city.email_domain}",
        ),
    )


def make_courses(params: GeneratorParams) -> tuple[Course, ...]:
    """The programme's courses with group sizes, trainers and prerequisites."""
    templates = PROGRAMMES[params.programme]
    part1 = tuple(t.course_id for t in templates if t.part == "1")
    chained: dict[str, list[str]] = {}
    for theme, before in params.theme_chains:
        chained.setdefault(theme, []).append(before)
    courses = []
    for template in templates:
        is_part1 = template.part == "1"
        # Every theme comes after all of part 1, and after its own chained prerequisites.
        after = () if is_part1 else part1 + tuple(sorted(chained.get(template.course_id, ())))
        courses.append(
            Course(
                course_id=template.course_id,
                name=template.name,
                part=template.part,
                half_days=template.half_days,
                min_group=params.part1_min_group if is_part1 else params.theme_min_group,
                max_group=params.part1_max_group if is_part1 else params.theme_max_group,
                trainers=2 if template.course_id in params.two_trainer_themes else 1,
                within_months=WITHIN_MONTHS[template.part],
                not_before_months=0,
                after=after,
            )
        )
    return tuple(courses)


def district_names(params: GeneratorParams, city: City) -> list[str]:
    """The city's district names, then ``Stadsdel N`` for any beyond its list."""
    names = list(city.districts[: params.districts])
    names += [f"Stadsdel {number}" for number in range(len(names) + 1, params.districts + 1)]
    return names


def make_districts(params: GeneratorParams, city: City) -> tuple[tuple[District, ...], list[float]]:
    """The districts and their relative sizes (which also weight where hires go).

    Districts differ in size by up to a quarter either way of the average, so that
    their staffing limits differ as they do in a real city.
    The sizes are factors around 1 (drawn between 0.75 and 1.25, then scaled to mean 1).
    """
    rng = stream(params.seed, "districts")
    names = district_names(params, city)
    factors = [rng.uniform(0.75, 1.25) for _ in names]
    mean = sum(factors) / len(factors)
    sizes = [factor / mean for factor in factors]
    average_staff = params.total_staff / params.districts
    districts = []
    for name, size in zip(names, sizes, strict=True):
        staff = average_staff * size
        max_absent = params.max_absent or max(1, round(params.max_absent_share * staff))
        districts.append(District(district_id=slug(name), name=name, max_absent=max_absent))
    return tuple(districts), sizes


def make_trainers(
    params: GeneratorParams,
    districts: Sequence[District],
    courses: Sequence[Course],
    emails: EmailBook,
) -> tuple[Trainer, ...]:
    """The central coordinators, then each district's trainer support.

    Central coordinators teach everything. Each district's trainer support is qualified
    for ``themes_per_district_trainer`` part-2 themes, dealt round a shuffled list so
    that every theme has about as many qualified trainers as any other.
    """
    rng = stream(params.seed, "trainers")
    order = {c.course_id: idx for idx, c in enumerate(courses)}
    trainers: list[Trainer] = []
    for number in range(1, params.central_trainers + 1):
        name = random_name(rng)
        trainers.append(
            Trainer(
                trainer_id=f"samordnare-{number}",
                name=name,
                email=emails.address(name),
                district_id=None,
                courses=(ALL_COURSES,),
                max_half_days_per_week=params.central_half_days_per_week,
            )
        )
    dealt = [c.course_id for c in courses if c.part == "2"]
    rng.shuffle(dealt)
    per_trainer = min(params.themes_per_district_trainer, len(dealt))
    for idx, district in enumerate(districts):
        qualified = {dealt[(idx * per_trainer + k) % len(dealt)] for k in range(per_trainer)}
        name = random_name(rng)
        trainers.append(
            Trainer(
                trainer_id=f"utbildarstod-{district.district_id}",
                name=name,
                email=emails.address(name),
                district_id=district.district_id,
                courses=tuple(sorted(qualified, key=order.__getitem__)),
                max_half_days_per_week=params.district_trainer_half_days_per_week,
            )
        )
    return tuple(trainers)


def make_rooms(params: GeneratorParams, city: City) -> tuple[Room, ...]:
    """One room per capacity, named and addressed from the city's list."""
    rooms = []
    for number, capacity in enumerate(params.room_capacities, start=1):
        if number <= len(city.rooms):
            name, address = city.rooms[number - 1]
        else:
            name, address = f"Sal {number}", city.rooms[0][1]
        rooms.append(Room(room_id=f"R{number}", name=name, capacity=capacity, address=address))
    return tuple(rooms)


@dataclass(frozen=True)
class Draft:
    """A person before ids and e-mails are handed out (in start-date order)."""

    start_date: date
    district_id: str
    name: str
    required: bool
    done: tuple[str, ...]


def hire_dates(params: GeneratorParams, first: date, last: date) -> list[date]:
    """Start dates of every hire between ``first`` and ``last`` (inclusive), in order.

    Each month gets its share of ``hires_per_year`` by ``monthly_weights`` (scaled by the
    part of the month inside the range), rounded on the running total so that no hire is
    lost to rounding. Many contracts start on the month's first working day; the others
    on any working day of the month.
    """
    rng = stream(params.seed, "hires")
    holidays = holiday_names("SE", range(first.year, last.year + 1))
    weight_sum = sum(params.monthly_weights)
    dates: list[date] = []
    expected = 0.0
    emitted = 0
    month = date(first.year, first.month, 1)
    while month <= last:
        workdays = workdays_of_month(month, holidays)
        inside = [day for day in workdays if first <= day <= last]
        if workdays:
            share = params.monthly_weights[month.month - 1] / weight_sum
            expected += params.hires_per_year * share * len(inside) / len(workdays)
        count = round(expected) - emitted
        emitted += count
        for _ in range(count):
            if inside[0] == workdays[0] and rng.random() < 0.3:
                dates.append(inside[0])
            else:
                dates.append(rng.choice(inside))
        month = add_months(month, 1)
    return sorted(dates)


def done_for_hire(
    start: date,
    courses: Sequence[Course],
    closure: Mapping[str, frozenset[str]],
    params: GeneratorParams,
    open_days: Sequence[date],
    rng: random.Random,
) -> tuple[str, ...]:
    """What a hire who started before the horizon has plausibly done already.

    A course whose window closes with fewer than ``done_margin_open_days`` open days left
    is done (it would be an impossible due attendance otherwise). Any other is done with
    a probability that grows with the share of its window already gone. Every done
    course's prerequisites are done too.
    """
    horizon_start = params.horizon_start
    chosen: set[str] = set()
    for course in courses:
        deadline = add_months(start, course.within_months)
        draw = rng.random()
        if bisect_right(open_days, deadline) < params.done_margin_open_days:
            chosen.add(course.course_id)
            continue
        window = (deadline - start).days
        left = (deadline - horizon_start).days / window if window > 0 else 0.0
        if draw < 1.0 - left**params.done_exponent:
            chosen.add(course.course_id)
    done = set(chosen)
    for course_id in chosen:
        done |= closure[course_id]
    return tuple(c.course_id for c in courses if c.course_id in done)


def make_people(
    params: GeneratorParams,
    districts: Sequence[District],
    sizes: Sequence[float],
    courses: Sequence[Course],
    grid: TimeGrid,
) -> list[Draft]:
    """Hires in the programme, new hires during the horizon and experienced staff."""
    rng = stream(params.seed, "people")
    district_ids = [d.district_id for d in districts]
    closure = ancestors({c.course_id: c.after for c in courses})
    first_start = add_months(params.horizon_start, -12 * params.in_flight_years)
    drafts: list[Draft] = []
    for start in hire_dates(params, first_start, params.horizon_end):
        district_id = rng.choices(district_ids, weights=sizes)[0]
        name = random_name(rng)
        done: tuple[str, ...] = ()
        if start < params.horizon_start:
            done = done_for_hire(start, courses, closure, params, grid.days, rng)
        drafts.append(Draft(start, district_id, name, True, done))

    # Experienced staff have done part 1 long ago and some of the themes; they started
    # between two and twenty years before the horizon.
    part1 = {c.course_id for c in courses if c.part == "1"}
    themes = [c.course_id for c in courses if c.part == "2"]
    experienced = round(params.experienced_share * params.total_staff)
    latest = add_months(params.horizon_start, -12 * max(params.in_flight_years, 2)) - timedelta(
        days=1
    )
    earliest = add_months(params.horizon_start, -12 * 20)
    for _ in range(experienced):
        start = earliest + timedelta(days=rng.randrange((latest - earliest).days + 1))
        start -= timedelta(days=max(0, start.weekday() - 4))
        district_id = rng.choices(district_ids, weights=sizes)[0]
        name = random_name(rng)
        done_set = set(part1)
        for theme in themes:
            if rng.random() < params.experienced_theme_done:
                done_set.add(theme)
                done_set |= closure[theme]
        done = tuple(c.course_id for c in courses if c.course_id in done_set)
        drafts.append(Draft(start, district_id, name, False, done))

    # Python's sort is stable, so equal keys keep their (deterministic) drawing order.
    drafts.sort(key=lambda d: (d.start_date, d.district_id, d.name, not d.required))
    return drafts


def make_unavailability(
    params: GeneratorParams, resource_ids: Sequence[str], rooms: set[str], grid: TimeGrid
) -> tuple[Unavailability, ...]:
    """Trainers' leave and room bookings, inside the horizon's open days.

    Every trainer takes a week or two of leave a year outside the summer break, and
    is away a few single days or half-days. Every room is booked for other meetings a
    few days or half-days a year, and now and then for a whole week.
    """
    rng = stream(params.seed, "unavailability")
    days_by_year: dict[int, list[date]] = {}
    for day in grid.days:
        days_by_year.setdefault(day.year, []).append(day)
    halves: tuple[Half | None, ...] = (None, None, Half.AM, Half.PM)
    entries: set[tuple[str, date, date, str, str]] = set()

    def add(resource: str, first: date, last: date, half: Half | None, reason: str) -> None:
        entries.add((resource, first, last, half.value if half else "", reason))

    for resource in sorted(resource_ids):
        is_room = resource in rooms
        for year in sorted(days_by_year):
            days = days_by_year[year]
            mondays = [
                day for day in days if day.weekday() == 0 and day + timedelta(days=11) <= days[-1]
            ]
            if is_room:
                for _ in range(rng.randint(3, 6)):
                    day = rng.choice(days)
                    add(resource, day, day, rng.choice(halves), rng.choice(ROOM_BOOKING_REASONS))
                if mondays and rng.random() < 0.25:
                    monday = rng.choice(mondays)
                    add(
                        resource,
                        monday,
                        monday + timedelta(days=4),
                        None,
                        rng.choice(ROOM_WEEK_REASONS),
                    )
            else:
                if mondays:
                    weeks = rng.choice((1, 2))
                    monday = rng.choice(mondays)
                    friday = monday + timedelta(days=7 * weeks - 3)
                    add(resource, monday, friday, None, rng.choice(TRAINER_LEAVE_REASONS))
                for _ in range(rng.randint(2, 4)):
                    day = rng.choice(days)
                    add(resource, day, day, rng.choice(halves), rng.choice(TRAINER_DAY_REASONS))
    return tuple(
        Unavailability(resource_id=resource, start=first, end=last, half=half or None, reason=why)
        for resource, first, last, half, why in sorted(entries)
    )


# ---------------------------------------------------------------------------------------------
# The generator
# ---------------------------------------------------------------------------------------------


def generate_instance(params: GeneratorParams) -> Instance:
    """Generate a realistic synthetic instance (format v1), deterministic by seed.

    Parameters
    ----------
    params
        What to generate; see :class:`GeneratorParams` and :data:`PRESETS`.

    Returns
    -------
    Instance
        Districts, people, courses, trainers, rooms and unavailability, every table
        sorted, ready for :func:`schemalaggning.io.write_instance`.
    """
    city = CITIES[params.city]
    settings = make_settings(params, city)
    grid = TimeGrid(settings)
    courses = make_courses(params)
    districts, sizes = make_districts(params, city)
    rooms = make_rooms(params, city)
    emails = EmailBook(city.email_domain)

    trainers = make_trainers(params, districts, courses, emails)
    drafts = make_people(params, districts, sizes, courses, grid)
    width = max(4, len(str(len(drafts))))
    people = tuple(
        Person(
            person_id=f"P{number:0{width}d}",
            name=draft.name,
            email=emails.address(draft.name),
            district_id=draft.district_id,
            start_date=draft.start_date,
            required=draft.required,
            done=draft.done,
        )
        for number, draft in enumerate(drafts, start=1)
    )
    room_ids = {room.room_id for room in rooms}
    unavailability = make_unavailability(
        params, [t.trainer_id for t in trainers] + sorted(room_ids), room_ids, grid
    )
    return Instance(
        settings=settings,
        districts=districts,
        people=people,
        courses=courses,
        trainers=trainers,
        rooms=rooms,
        unavailability=unavailability,
    )
