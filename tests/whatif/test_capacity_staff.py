"""Tests of the staffing assumptions and of what an instance's trainers may teach."""

from __future__ import annotations

from typing import Any

import pytest

from capacity_instances import hand_made
from schemalaggning.whatif.capacity import StaffingAssumptions, horizon_years, trainer_capacity


def test_the_default_assumptions_give_a_hundred_teaching_days() -> None:
    # 40 working weeks x 5 days, half of it teaching; the report's staffing for ten
    # districts is 2 coordinators + 10 x 0.2 FTE.
    assumptions = StaffingAssumptions()
    assert assumptions.working_days == 200
    assert assumptions.teaching_days == 100
    assert assumptions.proposed_fte(10) == pytest.approx(4.0)
    assert StaffingAssumptions(working_weeks=45, admin_share=0.2).teaching_days == 180


@pytest.mark.parametrize(
    "changes",
    [
        {"working_weeks": 0},
        {"working_weeks": 53},
        {"admin_share": 1},
        {"admin_share": -0.1},
        {"coordinators": -1},
        {"support_per_district": -0.2},
    ],
)
def test_impossible_assumptions_are_refused(changes: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="expected"):
        StaffingAssumptions(**changes)


def test_horizon_years_count_every_day() -> None:
    # 2027-01-04 to 2027-12-22: 353 days.
    assert horizon_years(hand_made().settings) == pytest.approx(353 / 365.25)


def test_trainer_capacity_on_a_hand_made_instance() -> None:
    # Weeks 1 to 51 have open days, less the four closed weeks 27 to 30: 47 weeks, each
    # with at least two open days, so each trainer's own weekly limit holds:
    # 47 x (4 + 2) = 282 half-days = 141 days, over a horizon of 353 days.
    capacity = trainer_capacity(hand_made())
    years = 353 / 365.25
    assert capacity.open_weeks_per_year == pytest.approx(47 / years)
    assert capacity.days_per_year == pytest.approx(141 / years)
    assert capacity.coordinator_days_per_year == pytest.approx(47 * 4 / 2 / years)
    assert capacity.district_days_per_year == pytest.approx(47 * 2 / 2 / years)
    # Only the coordinator may teach part 1.
    assert capacity.part1_days_per_year == capacity.coordinator_days_per_year
