"""The message catalogues: every message of the code is in them, in Swedish, and the
words of dates, times and numbers follow the chosen language."""

from __future__ import annotations

import ast
import re
import tomllib
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from click.testing import CliRunner

from schemalaggning import i18n
from schemalaggning.cli import main
from schemalaggning.domain import Half
from schemalaggning.export.words import CHANGE_WORDS, VERDICT_WORDS, decimal, number, week_label
from schemalaggning.i18n import (
    LANGUAGES,
    _,
    catalogue_path,
    catalogue_paths,
    language,
    use_language,
)
from schemalaggning.swedish import (
    HALF_NAMES,
    MONTHS,
    WEEKDAYS,
    clock,
    full_date,
    long_date,
    moment_words,
    weekday,
)

ROOT = Path(__file__).parents[1]
PACKAGE = ROOT / "src" / "schemalaggning"
#: Modules whose Swedish literals are data, not words for people: the synthetic instances'
#: names, courses, rooms and leave (generate/), the names a sweep gives the hires and
#: rooms it adds, and the letters an encoding check looks for.
DATA_MODULES = {
    "generate/build.py",
    "generate/names.py",
    "generate/params.py",
    "generate/programme.py",
    "generate/resources.py",
    "whatif/sweep.py",
    "io/charsets.py",
}
#: Place names a text in the code may hold (the bundled instance, in a help text or a
#: benchmark's instance name).
PLACE_NAMES = ("Göteborg",)
PLACEHOLDER = re.compile(r"\{(\w*)\}")
SWEDISH_LETTERS = re.compile(r"[åäöÅÄÖ]")


def source_messages() -> dict[str, list[str]]:
    """Every message id in the package's code and templates, as Babel's extractor finds
    it, with the files it is in (relative to the package)."""
    found: dict[str, list[str]] = {}
    for filename, _line, message, _comments, _context in extract_from_dir(
        str(PACKAGE),
        method_map=[("**/templates/**.j2", "jinja2"), ("**.py", "python")],
        options_map={"**/templates/**.j2": {"extensions": "jinja2.ext.do", "trimmed": "true"}},
    ):
        ids = message if isinstance(message, tuple) else (message,)
        for one in ids:
            if one:
                found.setdefault(one, []).append(filename)
    return found


def part_of(filename: str) -> str:
    """The part of the package a file belongs to, which names its catalogue: the
    top-level package, or a top-level module's own name."""
    return Path(filename).parts[0].removesuffix(".py")


def catalogue(code: str, part: str | None = None) -> dict[str, str]:
    """A language's catalogue of one part, or all of its catalogues together, as read
    from their files: message id to translation."""
    paths = [catalogue_path(code, part)] if part else catalogue_paths(code)
    words = {}
    for path in paths:
        with path.open("rb") as file:
            words.update({str(m.id): str(m.string) for m in read_po(file) if m.id})
    return words


def test_every_message_of_the_code_has_its_swedish() -> None:
    messages = source_messages()
    assert len(messages) > 30
    swedish = catalogue("sv")
    missing = {m: files for m, files in messages.items() if not swedish.get(m)}
    assert missing == {}


@pytest.mark.parametrize("code", list(LANGUAGES))
def test_each_catalogue_holds_exactly_the_messages_of_its_part(code: str) -> None:
    by_part: dict[str, set[str]] = {}
    for message, files in source_messages().items():
        for filename in files:
            by_part.setdefault(part_of(filename), set()).add(message)
    held = {path.stem: set(catalogue(code, path.stem)) for path in catalogue_paths(code)}
    assert held == by_part


def test_a_message_of_several_parts_has_the_same_words_in_each() -> None:
    for code in LANGUAGES:
        words: dict[str, set[str]] = {}
        for path in catalogue_paths(code):
            for message, text in catalogue(code, path.stem).items():
                words.setdefault(message, set()).add(text)
        assert {m: t for m, t in words.items() if len(t) > 1} == {}


def test_a_translation_keeps_the_placeholders_of_its_message() -> None:
    changed = {
        message: text
        for message, text in catalogue("sv").items()
        if sorted(PLACEHOLDER.findall(message)) != sorted(PLACEHOLDER.findall(text))
    }
    assert changed == {}


def people_texts_outside_the_catalogue(path: Path) -> list[str]:
    """The string literals of a module that hold Swedish letters and are neither a
    docstring nor a message: text for people that bypasses the catalogues."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
        and SWEDISH_LETTERS.search(without_place_names(node.value))
    ]


def without_place_names(text: str) -> str:
    for name in PLACE_NAMES:
        text = text.replace(name, "")
    return text


@pytest.mark.parametrize(
    "module",
    sorted(
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if str(path.relative_to(PACKAGE)) not in DATA_MODULES
    ),
)
def test_no_module_writes_swedish_of_its_own(module: str) -> None:
    """Words for people come from the catalogues: a Swedish literal in the code is one
    that bypasses them (the English ones are found by tests/test_swedish_everywhere.py,
    which reads every text a new user's month gives)."""
    assert people_texts_outside_the_catalogue(PACKAGE / module) == []


def test_the_check_for_swedish_outside_the_catalogue_finds_it(tmp_path: Path) -> None:
    module = tmp_path / "module.py"
    module.write_text(
        '"""Om dagar."""\n\ndef f() -> str:\n'
        '    """Även här."""\n    return "Tillfället är inställt."\n',
        encoding="utf-8",
    )
    assert people_texts_outside_the_catalogue(module) == ["Tillfället är inställt."]


def test_the_catalogues_are_installed_with_the_package() -> None:
    """The package data names the catalogues, so an installed package has them."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = project["tool"]["setuptools"]["package-data"]["schemalaggning"]
    for code in LANGUAGES:
        for path in catalogue_paths(code):
            relative = path.relative_to(PACKAGE)
            assert any(relative.match(pattern) for pattern in patterns), relative


# ---------------------------------------------------------------------------------------------
# The language
# ---------------------------------------------------------------------------------------------


def test_swedish_is_the_language_unless_another_is_chosen(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(i18n.LANGUAGE_VARIABLE, raising=False)
    assert language() == "sv"
    monkeypatch.setenv(i18n.LANGUAGE_VARIABLE, "EN")
    assert language() == "en"
    assert _("Invitation") == "Invitation"
    # A language without a catalogue is passed over, as gettext passes it over.
    monkeypatch.setenv(i18n.LANGUAGE_VARIABLE, "de")
    assert language() == "sv"
    assert _("Invitation") == "Inbjudan"
    with use_language("en"):
        assert language() == "en"
    assert language() == "sv"
    with pytest.raises(ValueError, match="sv, en"):
        i18n.set_language("de")


def test_lang_chooses_the_language_of_one_command_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(i18n.LANGUAGE_VARIABLE, raising=False)
    result = CliRunner().invoke(main, ["--lang", "en", "--help"])
    assert result.exit_code == 0, result.output
    assert "--lang" in result.output
    assert language() == "sv"


def test_a_language_without_catalogue_in_the_environment_is_refused_by_the_command_line() -> None:
    result = CliRunner().invoke(main, ["validate", "nowhere"], env={"SCHEMALAGGNING_LANG": "de"})
    assert result.exit_code == 2
    assert "SCHEMALAGGNING_LANG" in result.output
    assert "Traceback" not in result.output


# ---------------------------------------------------------------------------------------------
# Dates, times and numbers
# ---------------------------------------------------------------------------------------------

MONDAY = date(2027, 1, 4)
MORNING = datetime(2027, 1, 4, 8, 30, tzinfo=ZoneInfo("Europe/Stockholm"))


def test_swedish_dates_times_and_numbers_are_written_as_before() -> None:
    """The words every coordinator reads today, unchanged now that Babel writes them."""
    with use_language("sv"):
        assert list(MONTHS) == [
            "januari",
            "februari",
            "mars",
            "april",
            "maj",
            "juni",
            "juli",
            "augusti",
            "september",
            "oktober",
            "november",
            "december",
        ]
        assert list(WEEKDAYS) == [
            "måndag",
            "tisdag",
            "onsdag",
            "torsdag",
            "fredag",
            "lördag",
            "söndag",
        ]
        assert [*WEEKDAYS[6:], *WEEKDAYS[:6]][0] == "söndag"
        assert len(MONTHS) == 12 and MONTHS[4] == "maj"
        assert long_date(MONDAY) == "4 januari 2027"
        assert f"{weekday(MONDAY)} {long_date(MONDAY)}" == full_date(MONDAY)
        assert full_date(MONDAY) == "måndag 4 januari 2027"
        assert clock(time(8, 30)) == clock(MORNING) == "08:30"
        assert moment_words(MORNING) == "måndag 4 januari 2027 kl. 08.30"
        assert number(8147) == "8\u00a0147"
        assert number(8147, " ") == "8 147"
        assert number(207.4) == "207"
        assert number(-1200) == "-1\u00a0200"
        assert decimal(207.5) == "207,5"
        assert week_label((2027, 2)) == "vecka 2, 2027"
        assert HALF_NAMES[Half.AM] == "FM" and HALF_NAMES[Half.PM] == "EM"
        assert CHANGE_WORDS["session_added"] == "nytt pass"
        assert VERDICT_WORDS.get("ok") == "kan godkännas"
        assert VERDICT_WORDS.get("other", "other") == "other"


def test_english_dates_times_and_numbers() -> None:
    with use_language("en"):
        assert long_date(MONDAY) == "4 January 2027"
        assert weekday(MONDAY) == "Monday"
        assert MONTHS[0] == "January" and WEEKDAYS[6:] == ("Sunday",)
        assert moment_words(MORNING) == "Monday, 4 January 2027 at 08:30"
        assert number(8147) == "8,147"
        assert decimal(207.5) == "207.5"
        assert week_label((2027, 2)) == "week 2, 2027"
        assert HALF_NAMES[Half.AM] == "AM"
        assert CHANGE_WORDS["person_moved"] == "participant moved"
