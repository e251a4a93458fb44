"""Tests of the hiring profile: hires a year by the month they start in."""

from __future__ import annotations

from datetime import date

import pytest

from capacity_instances import GOTEBORG, hand_made
from schemalaggning.domain import Person
from schemalaggning.i18n import use_language
from schemalaggning.io import read_instance
from schemalaggning.whatif.capacity import HiringProfile


def test_instance_hiring_is_about_280_a_year() -> None:
    profile = HiringProfile.of_people(read_instance(GOTEBORG))
    assert profile.source == "people"
    assert 270 <= profile.hires_per_year <= 290
    # The generator hires most in August and least in July.
    assert max(profile.monthly) == profile.monthly[7]
    assert min(profile.monthly) == profile.monthly[6]


def test_profile_of_people_counts_by_month() -> None:
    # Starts: two in March, one in September, nobody before the horizon. With the horizon
    # cut to end on 2027-10-31, the span runs from 2027-01-01 (the month of the horizon's
    # start) to 2027-10-31: January to October whole. March and September count 2 and 1,
    # the other months of the span 0; November and December, outside it, get the
    # average month: 3 / 10 each. So 3 + 2 x 0.3 = 3.6 hires a year.
    people = tuple(
        Person(person_id=f"P{n}", district_id="D1", start_date=start, required=True)
        for n, start in enumerate((date(2027, 3, 10), date(2027, 3, 22), date(2027, 9, 1)))
    )
    instance = hand_made(people=people)
    settings = instance.settings.model_copy(update={"horizon_end": date(2027, 10, 31)})
    profile = HiringProfile.of_people(instance.replace(settings=settings))
    assert profile.monthly[:10] == (0, 0, 2, 0, 0, 0, 0, 0, 1, 0)
    assert profile.monthly[10:] == pytest.approx((0.3, 0.3))
    assert profile.hires_per_year == pytest.approx(3.6)


def test_an_even_profile_spreads_the_volume_over_the_months() -> None:
    profile = HiringProfile.even(36)
    assert profile.monthly == (3.0,) * 12
    assert profile.hires_per_year == 36
    assert profile.source == "even"


def test_a_scaled_profile_keeps_the_months_shares() -> None:
    # Three hires in January for every one in July: at 40 a year, 30 and 10.
    profile = HiringProfile(monthly=(3, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0), source="people", note="n")
    scaled = profile.scaled(40)
    assert scaled.monthly[0] == pytest.approx(30)
    assert scaled.monthly[6] == pytest.approx(10)
    assert scaled.hires_per_year == pytest.approx(40)
    assert (scaled.source, scaled.note) == ("people", "n, scaled to 40 a year")


def test_a_profile_without_hiring_scales_to_an_even_one() -> None:
    nobody = HiringProfile(monthly=(0.0,) * 12, source="people", note="nobody")
    assert nobody.scaled(24) == HiringProfile.even(24)


def test_the_profile_says_how_it_was_found_in_words() -> None:
    profile = HiringProfile.of_people(read_instance(GOTEBORG))
    assert profile.counted is not None
    count, first, _last, _years = profile.counted
    assert profile.words().startswith(
        f"{count:,} nyanställda som börjar från {first.day} ".replace(",", "\u00a0")
    )
    assert "räknade per månad" in profile.words()
    assert profile.scaled(400).words().endswith(", omräknat till 400 om året")
    with use_language("en"):
        assert HiringProfile.even(36).words() == "spread evenly over the months"
        assert "counted by month, scaled to 400 a year" in profile.scaled(400).words()
    # --json keeps the English note.
    assert profile.note.endswith("counted by month")
