"""The programme the generator builds courses from, and the report's figures it follows.

Part 1 is three modules (2.5 days) within four months of the start date; part 2 is 19
themes (12.5 days) within two years, after part 1. A reduced programme of three courses
makes instances small enough for quick tests.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType


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
