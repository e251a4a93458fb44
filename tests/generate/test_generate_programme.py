"""Tests of the programme the generator builds courses from, and of its prerequisites."""

from __future__ import annotations

from pathlib import Path

from schemalaggning.generate.programme import (
    MINI_PROGRAMME,
    PART1_MODULES,
    PART2_THEMES,
    PROGRAMMES,
    WITHIN_MONTHS,
    ancestors,
    prerequisite_cycle,
)

INSTANCES = Path(__file__).resolve().parents[2] / "instances"


def test_programme_keeps_the_report_totals() -> None:
    # Part 1: 1.5 + 0.5 + 0.5 days; part 2: 19 themes, 12.5 days; within 4 months, 2 years.
    assert [m.half_days for m in PART1_MODULES] == [3, 1, 1]
    assert len(PART2_THEMES) == 19
    assert sum(t.half_days for t in PART2_THEMES) == 25
    assert all(1 <= t.half_days <= 10 for t in PART2_THEMES)
    assert dict(WITHIN_MONTHS) == {"1": 4, "2": 24}
    assert PROGRAMMES["full"] == PART1_MODULES + PART2_THEMES
    assert (
        [t.part for t in PROGRAMMES["mini"]] == ["1", "2", "2"] == [t.part for t in MINI_PROGRAMME]
    )


def test_theme_list_is_said_to_be_illustrative() -> None:
    readme = (INSTANCES / "goteborg" / "README.md").read_text(encoding="utf-8")
    assert "illustrative" in readme
    assert all(theme.name in readme for theme in PART2_THEMES)


def test_a_cycle_of_prerequisites_is_found() -> None:
    after = {"P1": (), "T01": ("P1",), "T02": ("P1",)}
    assert not prerequisite_cycle(after)
    assert not prerequisite_cycle(after, [("T02", "T01")])
    assert prerequisite_cycle(after, [("T02", "T01"), ("T01", "T02")])
    # A course that names itself through a longer loop, and one only the pairs name.
    assert prerequisite_cycle({"A": ("B",), "B": ("C",), "C": ("A",)})
    assert prerequisite_cycle({}, [("X", "Y"), ("Y", "X")])


def test_ancestors_are_direct_and_indirect_prerequisites() -> None:
    found = ancestors({"P1": (), "T01": ("P1",), "T02": ("T01",), "T03": ("T02", "P1")})
    assert found == {
        "P1": frozenset(),
        "T01": frozenset({"P1"}),
        "T02": frozenset({"T01", "P1"}),
        "T03": frozenset({"T02", "T01", "P1"}),
    }
