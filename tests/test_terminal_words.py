"""The terminal a coordinator reads is Swedish by default and English with ``--lang en``:
``validate`` (its summary and every located problem), ``check``, ``solve``, ``replan``,
``export views`` and ``send --dry-run``, each on the tiny instance with the greedy plan."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from english import english_words
from schemalaggning.check import check_schedule
from schemalaggning.cli import main
from schemalaggning.i18n import LANGUAGE_VARIABLE
from schemalaggning.io import read_instance, read_schedule
from schemalaggning.problems import Problem

ROOT = Path(__file__).parents[1]
TINY = ROOT / "instances" / "tiny"
EXAMPLE = ROOT / "tests" / "data" / "example" / "instance"
#: Names in the data and the files that the output names as they are written.
NAMES = ["people", "courses", "rooms", "trainers", "ics", "eml", "changes", "summary"]
#: Swedish words spelled as English ones.
SWEDISH = ["december"]


@pytest.fixture(autouse=True)
def no_language_chosen(monkeypatch: pytest.MonkeyPatch) -> None:
    """The language is the default one unless a test chooses another."""
    monkeypatch.delenv(LANGUAGE_VARIABLE, raising=False)


def english_in(output: str, *folders: Path) -> list[str]:
    """The English words of a command's output, apart from the folders it names (a test's
    temporary folder is named after the test, in English)."""
    for folder in folders:
        output = output.replace(str(folder.parent), "")
    return english_words(output, allowed=NAMES)


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(arg) for arg in args])


def checked(folder: Path) -> None:
    """The schedule in the folder breaks no rule of the tiny instance."""
    schedule = read_schedule(folder)
    assert schedule.problems == []
    assert check_schedule(read_instance(TINY), schedule) == []


@pytest.fixture(scope="module")
def solved(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Result]:
    """The tiny instance planned greedily, and what solve said."""
    folder = tmp_path_factory.mktemp("terminal") / "tiny"
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv(LANGUAGE_VARIABLE, raising=False)
        result = run("solve", TINY, "--greedy", "-o", folder)
    assert result.exit_code == 0, result.output
    checked(folder)
    return folder, result


def broken_example(tmp_path: Path) -> Path:
    """The example instance with a start date no calendar has (people.csv row 4)."""
    folder = tmp_path / "instance"
    shutil.copytree(EXAMPLE, folder)
    path = folder / "people.csv"
    with path.open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.reader(file))
    rows[3][rows[0].index("start_date")] = "2027-13-01"
    with path.open("w", encoding="utf-8", newline="") as file:
        csv.writer(file).writerows(rows)
    return folder


def test_validate_prints_its_summary_in_swedish() -> None:
    result = run("validate", TINY)
    assert result.exit_code == 0, result.output
    assert "stadsdelar" in result.output
    assert "4 januari 2027 till 22 december 2027" in result.output
    assert english_words(result.output, allowed=NAMES + SWEDISH) == []


def test_validate_prints_its_summary_in_english_when_asked() -> None:
    result = run("--lang", "en", "validate", TINY)
    assert result.exit_code == 0, result.output
    assert "districts" in result.output
    assert "4 January 2027 to 22 December 2027" in result.output


def test_a_bad_date_is_located_in_swedish(tmp_path: Path) -> None:
    result = run("validate", broken_example(tmp_path))
    assert result.exit_code == 2
    assert (
        "fel: people.csv, rad 4, kolumn start_date: värdet '2027-13-01': förväntat ett riktigt "
        "datum ÅÅÅÅ-MM-DD" in result.output
    )
    assert "Fel: 1, varningar: 0; inget skrivet." in result.output
    assert english_words(result.output, allowed=NAMES) == []


def test_a_bad_date_is_located_in_english_when_asked(tmp_path: Path) -> None:
    result = run("--lang", "en", "validate", broken_example(tmp_path))
    assert result.exit_code == 2
    assert (
        "error: people.csv, row 4, column start_date: '2027-13-01': expected a real calendar "
        "date YYYY-MM-DD" in result.output
    )
    assert "1 error(s), 0 warning(s); nothing written." in result.output


def test_a_settings_key_is_named_a_key_in_both_languages() -> None:
    problem = Problem("instance.toml", 3, "horizon_end", "x", "expected a date YYYY-MM-DD")
    assert str(problem).startswith("instance.toml, rad 3, nyckel horizon_end: värdet 'x'")
    result = CliRunner().invoke(main, ["--lang", "en", "validate", "nowhere"])
    assert "nowhere: expected an instance folder" in result.output


def test_solve_ends_in_swedish(solved: tuple[Path, Result]) -> None:
    folder, result = solved
    assert "Skrivet i" in result.output
    assert english_in(result.output, folder) == []


def test_check_says_ok_in_swedish_and_in_english(solved: tuple[Path, Result]) -> None:
    folder, _ = solved
    swedish = run("check", TINY, folder)
    assert swedish.exit_code == 0, swedish.output
    assert swedish.output.strip() == "ok: schemat bryter inte mot någon regel"
    assert english_words(swedish.output) == []
    english = run("--lang", "en", "check", TINY, folder)
    assert english.output.strip() == "ok: the schedule breaks no rule"


def test_check_names_a_broken_rule_in_swedish(solved: tuple[Path, Result], tmp_path: Path) -> None:
    folder, _ = solved
    broken = tmp_path / "broken"
    shutil.copytree(folder, broken)
    # A person assigned to a course twice: the second row repeats the first.
    path = broken / "assignments.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([*lines, lines[1]]) + "\n", encoding="utf-8")
    result = run("check", TINY, broken)
    assert result.exit_code == 1
    assert "Brott mot reglerna:" in result.output
    english = run("--lang", "en", "check", TINY, broken)
    assert "violation(s) of" in english.output


def test_replan_export_views_and_send_end_in_swedish(
    solved: tuple[Path, Result], tmp_path: Path
) -> None:
    folder, _ = solved
    replanned = tmp_path / "replanned"
    result = run(
        "replan", TINY, "--published", folder, "--today", "2027-02-01", "--greedy", "-o", replanned
    )
    assert result.exit_code == 0, result.output
    checked(replanned)
    assert english_in(result.output, folder, replanned) == []
    views = run("export", "views", replanned)
    assert views.exit_code == 0, views.output
    assert english_in(views.output, replanned) == []
    checked(replanned)
    sent = run("send", replanned, "--dry-run", tmp_path / "mail")
    assert sent.exit_code == 0, sent.output
    assert english_in(sent.output, replanned) == []


def test_an_unknown_person_is_refused_in_swedish() -> None:
    result = run("explain", TINY, "--person", "NOBODY", "--schedule", "nowhere")
    assert result.exit_code == 2
    assert "kommandoraden, kolumn --person: värdet 'NOBODY': förväntat ett person_id" in (
        result.output
    )
