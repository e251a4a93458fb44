"""The rarer errors of a cell, which pydantic tells in English, are told in the
catalogue's words (:func:`schemalaggning.io.records.describe_error`), never pydantic's."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

import pytest
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from english import english_words
from schemalaggning.i18n import LANGUAGE_VARIABLE, use_language
from schemalaggning.io.records import describe_error


class Record(BaseModel):
    """A record with a field of each rarer kind (yes and no are the values a cell holds)."""

    model_config = ConfigDict(extra="forbid")

    flag: bool = True
    day: dt.date = dt.date(2027, 1, 4)
    clock: dt.time = dt.time(8, 30)
    code: str = Field(default="ab", min_length=2, max_length=4)
    count: int = Field(default=1, gt=0)
    kind: Literal["ok", "clash"] = "ok"


@pytest.fixture(autouse=True)
def no_language_chosen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(LANGUAGE_VARIABLE, raising=False)


def the_error(**values: Any) -> Any:
    with pytest.raises(ValidationError) as caught:
        Record(**values)
    (error,) = caught.value.errors()
    return error


CELLS = [
    ({"flag": "kanske"}, "förväntat yes eller no", "expected yes or no"),
    ({"day": "2027-02-30"}, "förväntat ett riktigt datum ÅÅÅÅ-MM-DD", "expected a real date"),
    ({"clock": "25:99"}, "förväntat ett klockslag TT:MM", "expected a time of day HH:MM"),
    ({"code": "a"}, "förväntat text med minst 2 tecken", "at least 2 characters"),
    ({"code": "abcdef"}, "förväntat text med högst 4 tecken", "at most 4 characters"),
    ({"count": 0}, "förväntat ett tal större än 0", "expected a number greater than 0"),
    ({"kind": "maybe"}, "förväntat ett av ok eller clash", "expected one of ok or clash"),
    ({"colour": "red"}, "förväntat ingen sådan nyckel här", "expected no such key here"),
]


@pytest.mark.parametrize(("values", "swedish", "english"), CELLS)
def test_a_rarer_cell_error_is_told_in_swedish(
    values: dict[str, Any], swedish: str, english: str
) -> None:
    text = describe_error(the_error(**values))
    assert text == swedish
    assert english_words(text, allowed=["ok", "clash", "yes", "no"]) == []


@pytest.mark.parametrize(("values", "swedish", "english"), CELLS)
def test_a_rarer_cell_error_is_told_in_english_when_asked(
    values: dict[str, Any], swedish: str, english: str
) -> None:
    with use_language("en"):
        assert english in describe_error(the_error(**values))


def test_an_error_with_no_words_of_its_own_is_not_told_in_pydantics_english() -> None:
    error = {"type": "uuid_parsing", "msg": "Input should be a valid UUID", "ctx": {}}
    assert describe_error(error) == "förväntat ett annat värde här"
