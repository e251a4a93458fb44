"""The check for English words in Swedish texts finds them, and leaves Swedish alone."""

from __future__ import annotations

from english import english_words, swedish_words


def test_english_words_are_found_in_a_swedish_sentence() -> None:
    text = "Kan inte schemaläggas: between 2027-01-04 and 2027-02-03 there is no block"
    assert english_words(text) == ["between", "and", "there", "is", "no"]


def test_swedish_words_and_allowed_names_pass() -> None:
    text = "Planen är optimal: status klar, alla i plan 3 har en plats. Kursledare: May Berg"
    assert english_words(text, allowed=["May"]) == []


def test_paths_and_file_names_are_the_users_and_pass() -> None:
    text = "Skrivet i /tmp/pytest-of-root/month0/schema: fel i people.csv och changes.csv"
    assert english_words(text) == []
    assert english_words("fel i people och month") == ["people", "month"]


def test_swedish_words_are_found_in_an_english_sentence() -> None:
    assert swedish_words("Sent to 3 deltagare on måndag 4 januari") == [
        "deltagare",
        "måndag",
        "januari",
    ]
    assert swedish_words("Regelverk och riktlinjer, 4 January", allowed=["och"]) == []
