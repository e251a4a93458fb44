"""Tests of the generator's names: ids made of names, e-mail addresses, people's names."""

from __future__ import annotations

import random

import pytest

from schemalaggning.generate.names import (
    CITIES,
    FIRST_NAMES,
    LAST_NAMES,
    EmailBook,
    ascii_fold,
    name_id,
    random_name,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Örgryte-Härlanda", "orgryte-harlanda"),
        ("Askim-Frölunda-Högsbo", "askim-frolunda-hogsbo"),
        ("Enskede-Årsta-Vantör", "enskede-arsta-vantor"),
        ("  Majorna–Linné ", "majorna-linne"),
    ],
)
def test_slug_is_lower_case_ascii_joined_by_hyphens(text: str, expected: str) -> None:
    assert name_id(text) == expected


def test_ascii_fold_drops_the_accents() -> None:
    assert ascii_fold("Åsa Öberg-Hägg, José") == "asa oberg-hagg, jose"


def test_an_address_is_numbered_when_the_name_is_taken() -> None:
    book = EmailBook("goteborg.example.se")
    assert book.address("Åsa Öberg") == "asa.oberg@goteborg.example.se"
    assert book.address("Åsa Öberg") == "asa.oberg2@goteborg.example.se"
    assert book.address("Asa Oberg") == "asa.oberg3@goteborg.example.se"
    assert book.address("Anna Berg") == "anna.berg@goteborg.example.se"


def test_random_names_come_from_the_lists_by_seed() -> None:
    names = [random_name(random.Random("1/people")) for _ in range(2)]
    assert names[0] == names[1]
    first, last = names[0].split(" ")
    assert first in FIRST_NAMES and last in LAST_NAMES


def test_every_city_has_rooms_and_districts_with_distinct_ids() -> None:
    for city in CITIES.values():
        assert city.email_domain.endswith(".example.se")
        assert len({name_id(name) for name in city.districts}) == len(city.districts)
        assert len(city.rooms) >= 5
