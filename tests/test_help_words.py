"""Every help page (``schemalaggning --help``, ``schemalaggning solve --help``, ...) is in
the catalogue's words, Swedish by default and English with ``--lang en``: click's frame
(``Användning:``, ``Val:``, ``[standard: 60.0]``) and the commands' and options' texts;
``serve`` and ``users``, which the workspace in the browser makes, speak it too."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from english import english_words
from schemalaggning.cli import main
from schemalaggning.i18n import LANGUAGE_VARIABLE, misses

#: The HTTP headers ``serve --forwarded-allow-ips`` trusts, which are names.
HEADERS = ["X-Forwarded-Proto", "For"]


@pytest.fixture(autouse=True)
def no_language_chosen(monkeypatch: pytest.MonkeyPatch) -> None:
    """The language is the default one unless a test chooses another."""
    monkeypatch.delenv(LANGUAGE_VARIABLE, raising=False)


def run(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, [str(arg) for arg in args], prog_name="schemalaggning", env=env)


def commands(group: click.Group, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Every command's path under a group, the group's own first."""
    yield path
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            yield from commands(command, (*path, name))
        else:
            yield (*path, name)


def command_at(path: tuple[str, ...]) -> click.Command:
    command: click.Command = main
    for name in path:
        assert isinstance(command, click.Group)
        command = command.commands[name]
    return command


def names(path: tuple[str, ...]) -> list[str]:
    """The words a help page writes as they are typed: the commands', options' and
    arguments' names and the values an option takes (a group's page lists its
    commands')."""
    # A text may name another command (``solve`` writes them too).
    found = [*path, *main.commands, "schemalaggning"]
    command = command_at(path)
    for param in command.params:
        found += re.findall(r"[A-Za-z]+", " ".join([*param.opts, *param.secondary_opts]))
        found += [str(choice) for choice in getattr(param.type, "choices", ())]
    if isinstance(command, click.Group):
        for name in command.commands:
            found += names((*path, name))
    return found


PATHS = list(commands(main))


def test_every_command_is_walked() -> None:
    assert ("solve",) in PATHS and ("export", "ics") in PATHS and ("users", "add") in PATHS


@pytest.mark.parametrize("path", PATHS, ids=lambda path: " ".join(path) or "main")
def test_a_help_page_is_in_swedish(path: tuple[str, ...]) -> None:
    before = misses("sv")
    result = run(*path, "--help")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Användning: schemalaggning")
    assert "\nVal:\n" in result.output
    assert "Visa den här hjälpen och avsluta." in result.output
    assert english_words(result.output, allowed=names(path) + HEADERS) == [], result.output
    # Every text of the page is in the catalogue.
    assert misses("sv") == before


@pytest.mark.parametrize("path", PATHS, ids=lambda path: " ".join(path) or "main")
def test_a_help_page_is_in_english_when_asked(path: tuple[str, ...]) -> None:
    before = misses("en")
    result = run("--lang", "en", *path, "--help")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Usage: schemalaggning")
    assert "\nOptions:\n" in result.output
    assert "Show this message and exit." in result.output
    assert misses("en") == before


def test_a_group_lists_its_commands_in_swedish() -> None:
    result = run("--help")
    assert "Användning: schemalaggning [VAL] KOMMANDO [ARGUMENT]..." in result.output
    assert "\nKommandon:\n" in result.output
    assert "Schemalägg introduktionsprogrammet för nyanställda socialsekreterare." in (
        result.output
    )
    # The workspace's commands, made without the command line, are listed in words too.
    assert re.search(r"serve\s+Starta arbetsytan i webbläsaren", result.output)
    assert re.search(r"users\s+Kontona för arbetsytan i webbläsaren", result.output)


def test_an_option_says_its_default_and_its_numbers_in_words() -> None:
    result = run("solve", "--help")
    text = " ".join(result.output.split())
    assert "--time-limit SEKUNDER Sekunder för hela planeringen." in text
    assert "[standard: 60.0; över 0 och högst 604 800]" in text
    assert "--from ÅÅÅÅ-MM-DD" in text
    assert "[krävs]" in " ".join(run("replan", "--help").output.split())


def test_the_language_variable_chooses_english_help() -> None:
    result = run("solve", "--help", env={LANGUAGE_VARIABLE: "en"})
    text = " ".join(result.output.split())
    assert "Usage: schemalaggning solve [OPTIONS] [INSTANCE]" in text
    assert "--time-limit SECONDS Seconds for the whole solve." in text
    assert "[default: 60.0; above 0 and at most 604,800]" in text
    assert "Schedule INSTANCE (default: the bundled Göteborg instance)" in text


def test_the_help_language_is_given_back_after_the_command() -> None:
    assert "Usage:" in run("--lang", "en", "validate", "--help").output
    assert "Användning:" in run("validate", "--help").output


def test_an_unknown_role_is_refused_in_swedish(tmp_path: Path) -> None:
    result = run("users", "add", "anna", "--role", "boss", "--workspace", tmp_path / "yta")
    assert result.exit_code == 2
    assert (
        "fel: ogiltigt värde för '--role': förväntat ett av coordinator, manager, viewer, "
        "hittade 'boss'"
    ) in result.output
    assert english_words(result.output, allowed=["role", "users", "add"]) == []


def test_a_short_password_is_refused_in_swedish(tmp_path: Path) -> None:
    result = run(
        "users",
        "add",
        "anna",
        "--role",
        "viewer",
        "--workspace",
        tmp_path / "yta",
        env={"SCHEMALAGGNING_PASSWORD": "kort"},
    )
    assert result.exit_code == 2
    assert "förväntat ett lösenord på minst 10 tecken" in result.output
    assert english_words(result.output) == []
