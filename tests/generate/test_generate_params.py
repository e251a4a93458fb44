"""Tests of the generator's parameters, its presets and its random streams."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from schemalaggning.generate.params import PRESETS, GeneratorParams, preset, stream


def test_goteborg_preset_is_the_default_with_its_seed() -> None:
    # instances/README.md gives the explicit options as an equivalent of the preset.
    assert PRESETS["goteborg"] == GeneratorParams(hires_per_year=280, districts=10, years=2, seed=1)


def test_horizon_ends_before_christmas() -> None:
    assert GeneratorParams().horizon_end == date(2028, 12, 22)
    assert GeneratorParams(years=1).horizon_end == date(2027, 12, 22)
    assert GeneratorParams(horizon_start=date(2027, 3, 1), years=1).horizon_end == date(2028, 2, 29)


def test_staff_follow_the_reports_ratio_unless_given() -> None:
    # The report: 1 010 social workers to 280 hires a year.
    assert GeneratorParams().total_staff == 1010
    assert GeneratorParams(hires_per_year=140).total_staff == 505
    assert GeneratorParams(staff_per_district=40, districts=3).total_staff == 120


@pytest.mark.parametrize(
    "changes",
    [
        {"two_trainer_themes": ("T99",)},
        {"theme_chains": (("T02", "T01"), ("T01", "T02"))},
        {"theme_chains": (("T02", "T02"),)},
        {"part1_min_group": 40},
        {"theme_min_group": 31},
        {"room_capacities": (4,)},
        {"monthly_weights": (0.0,) * 12},
        {"programme": "mini", "two_trainer_themes": ("T05",)},
    ],
)
def test_inconsistent_parameters_are_refused(changes: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        GeneratorParams.model_validate({**GeneratorParams().model_dump(), **changes})


def test_unknown_preset_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match="goteborg"):
        preset("malmo")
    assert preset("tiny") is PRESETS["tiny"]


def test_streams_repeat_by_seed_and_differ_by_part() -> None:
    draws = [stream(1, "people").random() for _ in range(2)]
    assert draws[0] == draws[1]
    assert stream(1, "trainers").random() != draws[0]
    assert stream(2, "people").random() != draws[0]
