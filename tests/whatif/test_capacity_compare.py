"""Tests of a plan's full years set beside ``capacity``'s year, in words: the figures side by
side, and why they differ when they differ by more than a tenth."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from capacity_instances import hand_made
from english import english_words
from schemalaggning.domain import Instance
from schemalaggning.i18n import use_language
from schemalaggning.whatif.capacity import (
    CapacityFigures,
    PlanYear,
    compare_with_capacity,
    plan_capacity,
)
from schemalaggning.whatif.capacity.compare import amount, percent


@pytest.fixture(scope="module")
def year_instance() -> Instance:
    """The hand-made year of 2027: parts A and B (part 1) and one theme T."""
    return hand_made()


@pytest.fixture(scope="module")
def figures(year_instance: Instance) -> CapacityFigures:
    """``capacity`` at 40 hires a year: 11 part-1 rounds (a round a month but in July,
    which the summer closing touches), 5 sessions of the theme (groups up to 8), 37.5
    trainer days."""
    return plan_capacity(year_instance, hires_per_year=40, scenarios=()).figures


def steady(figures: CapacityFigures, year: int = 2027, days: int = 353) -> PlanYear:
    """A plan's year that is exactly ``capacity``'s: the same sessions, seats and days."""
    part1 = figures.part1
    return PlanYear(
        year=year,
        horizon_days=days,
        trainer_half_days=round(figures.trainer_days * 2),
        sessions=figures.sessions,
        part1_sessions=figures.part1_sessions,
        part1_rounds=part1.rounds_report,
        staff_half_days=round(figures.staff_days_away * 2),
        part1_attendances=figures.hires_per_year * len(part1.course_ids),
        part2_attendances=figures.part2_attendances,
        part2_same_year=figures.part2_attendances,
    )


def test_capacitys_year_has_sessions_and_staff_days(figures: CapacityFigures) -> None:
    # Part 1: A (3 half-days) and B (1) in every round; T: 2 half-days, 40 seats a year.
    assert (figures.part1.rounds_report, figures.part2_sessions) == (11, 5)
    assert figures.part1_sessions == 22
    assert figures.sessions == figures.part1_sessions + figures.part2_sessions
    assert figures.part2_attendances == 40
    assert figures.staff_days_away == 40 * (3 + 1 + 2) / 2


def test_a_plan_like_capacitys_year_is_within_a_tenth(
    year_instance: Instance, figures: CapacityFigures
) -> None:
    comparison = compare_with_capacity(year_instance, [steady(figures)], figures)

    assert comparison.ratio == pytest.approx(1.0)
    assert comparison.means is not None and comparison.means.years == (2027,)
    assert comparison.text.startswith(
        f"Helåret 2027 har {amount(figures.trainer_days)} utbildardagar, 100\u00a0% av de "
    )
    assert "för ett år med 40 nyanställda" in comparison.text
    assert "Skillnaden är inom 10\u00a0%." in comparison.text


def test_fewer_seats_and_rounds_are_named_as_the_reasons(
    year_instance: Instance, figures: CapacityFigures
) -> None:
    # Half the themes' seats, taken by hires who started before the horizon, in half the
    # sessions, and two part-1 rounds fewer: the trainer days fall by more than a tenth.
    year = steady(figures)
    lean = replace(
        year,
        trainer_half_days=year.trainer_half_days // 2,
        part1_rounds=year.part1_rounds - 2,
        part2_attendances=20,
        part2_same_year=0,
        part2_before_horizon=20,
        sessions=year.part1_sessions + (year.sessions - year.part1_sessions) // 2,
    )
    comparison = compare_with_capacity(year_instance, [lean], figures, unmet=3, own_hires=25)

    text = comparison.text
    assert comparison.ratio == pytest.approx(0.5, abs=0.01)
    assert "Skillnaden är större än 10\u00a0%" in text
    assert "del 2 har 20 deltagare per år mot 40 (40 nyanställda × 1 tema)" in text
    assert "varav 20 anställda före planens början (instansens egna" in text
    assert f"del 1 hålls i {year.part1_rounds - 2} omgångar per år" in text
    assert "3 förfallna kurstillfällen är inte schemalagda" in text


def test_years_that_split_the_work_unevenly_are_told_apart(
    year_instance: Instance, figures: CapacityFigures
) -> None:
    # Two full years, one with all the work and one with none: the mean is capacity's,
    # and the words say how the plan divides it between the years.
    base = steady(figures)
    heavy = replace(
        base,
        trainer_half_days=2 * base.trainer_half_days,
        sessions=2 * base.sessions,
        part1_rounds=2 * base.part1_rounds,
        staff_half_days=2 * base.staff_half_days,
        part2_attendances=2 * base.part2_attendances,
        part2_same_year=2 * base.part2_attendances,
    )
    empty = PlanYear(2028, 357, part2_not_due=40)
    settings = year_instance.settings.model_copy(update={"horizon_end": date(2028, 12, 22)})
    longer = year_instance.replace(settings=settings)

    comparison = compare_with_capacity(longer, [heavy, empty], figures)

    assert comparison.ratio == pytest.approx(1.0)
    text = comparison.text
    assert text.startswith("Helåren 2027–2028 har i snitt")
    assert "Åren skiljer sig åt: 2027 har" in text
    assert "(200\u00a0% av kapacitetsberäkningens år), 2028 0 (0\u00a0%)" in text
    assert "40 för dem som anställs 2028" in text


def test_a_cut_year_is_named_and_left_out(
    year_instance: Instance, figures: CapacityFigures
) -> None:
    part = PlanYear(2028, 91, trainer_half_days=100)
    comparison = compare_with_capacity(year_instance, [steady(figures), part], figures)
    assert comparison.means is not None and comparison.means.years == (2027,)
    assert comparison.ratio == pytest.approx(1.0)
    assert "2028 (91 dagar) täcks bara delvis av planen och räknas inte som helår" in (
        comparison.text
    )


def test_a_plan_without_a_full_year_is_compared_over_its_horizon(
    year_instance: Instance, figures: CapacityFigures
) -> None:
    settings = year_instance.settings.model_copy(update={"horizon_end": date(2027, 3, 31)})
    quarter = year_instance.replace(settings=settings)
    comparison = compare_with_capacity(quarter, [PlanYear(2027, 87, trainer_half_days=20)], figures)
    assert comparison.means is None
    # 10 trainer days over 87 days of horizon is 42 a year.
    assert comparison.ratio == pytest.approx(10 / (87 / 365.25) / figures.trainer_days)
    assert "inget helår att jämföra" in comparison.text


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [(6711, 0, "6\u00a0711"), (207.5, 1, "207,5"), (191.0, 1, "191"), (6710, 0, "6\u00a0710")],
)
def test_figures_are_written_as_swedes_write_them(value: float, decimals: int, text: str) -> None:
    assert amount(value, decimals) == text


def test_a_share_is_a_whole_percent() -> None:
    assert percent(0.9204) == "92\u00a0%"


def test_the_comparison_has_no_english_and_reads_in_english_too(
    year_instance: Instance, figures: CapacityFigures
) -> None:
    year = steady(figures)
    lean = replace(year, trainer_half_days=year.trainer_half_days // 2, part2_attendances=20)
    part = PlanYear(2028, 91, trainer_half_days=100)
    comparison = compare_with_capacity(year_instance, [lean, part], figures, unmet=3)
    assert english_words(comparison.text) == []
    with use_language("en"):
        english = compare_with_capacity(year_instance, [lean, part], figures, unmet=3)
    assert english.text.startswith("The full year 2027 has ")
    assert "The difference is more than 10%" in english.text
    assert "3 due attendances are not scheduled" in english.text
    assert "2028 (91 days) only partly lies in the plan" in english.text


def test_figures_are_written_as_english_writes_them_in_english() -> None:
    with use_language("en"):
        assert (amount(6711, 0), amount(207.5), percent(0.9204)) == ("6,711", "207.5", "92%")
