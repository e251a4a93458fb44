"""A command line the program cannot read (a misspelt option or command, a missing or
an extra argument, an option without its value) is told in the catalogue's words,
Swedish by default, after the command's usage and where to find help, as a value out of
range is (:mod:`schemalaggning.cli.params`); click itself says it in English."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from english import english_words
from schemalaggning.cli import main
from schemalaggning.i18n import LANGUAGE_VARIABLE

ROOT = Path(__file__).parents[1]
TINY = ROOT / "instances" / "tiny"
#: The commands', options' and arguments' names, which are written as they are typed.
NAMES = ["solve", "time", "json", "published", "schedule"]


@pytest.fixture(autouse=True)
def no_language_chosen(monkeypatch: pytest.MonkeyPatch) -> None:
    """The language is the default one unless a test chooses another."""
    monkeypatch.delenv(LANGUAGE_VARIABLE, raising=False)


def run(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, [str(arg) for arg in args], prog_name="schemalaggning", env=env)


#: A mistake a new user makes, the Swedish error line and the English one.
MISTAKES = [
    (
        ["solve", TINY, "--time-limt", "5"],
        "fel: okänt val '--time-limt' (menade du --time-limit?)",
        "error: unknown option '--time-limt' (did you mean --time-limit?)",
    ),
    (
        ["solv", TINY],
        "fel: okänt kommando 'solv' (menade du solve?)",
        "error: unknown command 'solv' (did you mean solve?)",
    ),
    (
        ["frobnicate"],
        "fel: okänt kommando 'frobnicate'",
        "error: unknown command 'frobnicate'",
    ),
    (
        ["check", TINY],
        "fel: argumentet 'SCHEDULE' saknas",
        "error: the argument 'SCHEDULE' is missing",
    ),
    (
        ["replan", TINY],
        "fel: valet '--published' saknas",
        "error: the option '--published' is missing",
    ),
    (
        ["validate", TINY, "extra", "more"],
        "fel: för många argument: extra more",
        "error: too many arguments: extra more",
    ),
    (
        ["solve", TINY, "--time-limit"],
        "fel: valet '--time-limit' behöver ett värde",
        "error: the option '--time-limit' needs a value",
    ),
    (
        ["solve", TINY, "--json=yes"],
        "fel: valet '--json' tar inget värde",
        "error: the option '--json' takes no value",
    ),
    (
        ["export", "views"],
        "fel: argumentet 'SCHEDULE' saknas",
        "error: the argument 'SCHEDULE' is missing",
    ),
    (
        ["--lnag", "en"],
        "fel: okänt val '--lnag' (menade du --lang?)",
        "error: unknown option '--lnag' (did you mean --lang?)",
    ),
]


@pytest.mark.parametrize(("args", "swedish", "english"), MISTAKES)
def test_a_command_line_that_cannot_be_read_is_told_in_swedish(
    args: list[str | Path], swedish: str, english: str
) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert swedish in result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("Användning: schemalaggning")
    assert "[VAL]" in lines[0]
    assert lines[1].startswith("Skriv 'schemalaggning") and lines[1].endswith("för hjälp.")
    # The paths, and the option and argument names as typed, are the user's.
    text = result.output.replace(str(TINY), "")
    assert english_words(text, allowed=NAMES) == [], text


@pytest.mark.parametrize(("args", "swedish", "english"), MISTAKES)
def test_a_command_line_that_cannot_be_read_is_told_in_english_when_asked(
    args: list[str | Path], swedish: str, english: str
) -> None:
    if args[0] == "--lnag":
        # --lang is not read yet when the group's own options are not.
        result = run(*args, env={LANGUAGE_VARIABLE: "en"})
    else:
        result = run("--lang", "en", *args)
    assert result.exit_code == 2
    assert english in result.output
    assert result.output.startswith("Usage: schemalaggning")
    assert "Try 'schemalaggning" in result.output


def test_the_language_of_a_usage_error_is_given_back_after_the_command() -> None:
    """The words are chosen while --lang's language is the current one; the next
    command in the same process speaks the default again."""
    assert "error: unknown option" in run("--lang", "en", "solve", "--x").output
    assert "fel: okänt val '--x'" in run("solve", "--x").output


def test_a_group_without_a_command_shows_its_help() -> None:
    result = run("export")
    assert result.exit_code == 2
    assert "views" in result.output and "ics" in result.output
    assert "fel:" not in result.output


def test_help_names_no_range_for_a_number_without_bounds() -> None:
    result = run("solve", "--help")
    assert result.exit_code == 0
    assert "None" not in result.output
    assert "--seed" in result.output


def test_a_language_without_catalogue_is_refused_as_other_values_are() -> None:
    result = run("--lang", "de", "validate", TINY)
    assert result.exit_code == 2
    assert "fel: ogiltigt värde för '--lang': förväntat ett av sv, en, hittade 'de'" in (
        result.output
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["serve", "ingen-arbetsyta", "--port", "0"], "förväntat ett heltal från 1 till 65 535"),
        (["serve", "ingen-arbetsyta", "--port", "abc"], "förväntat ett heltal från 1 till 65 535"),
        (
            ["serve", "ingen-arbetsyta", "--instance", "finns-inte"],
            "förväntat en instansmapp eller arbetsbok",
        ),
    ],
)
def test_the_workspaces_options_are_refused_in_words(
    args: list[str], expected: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert expected in result.output
    assert english_words(result.output, allowed=["serve", "port", "instance"]) == []
    assert not (tmp_path / "ingen-arbetsyta").exists()
