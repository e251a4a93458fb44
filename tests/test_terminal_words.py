"""The terminal a coordinator reads is Swedish by default and English with ``--lang en``:
``validate`` (its summary and every located problem), ``check``, ``solve``, ``replan``,
``export views`` and ``send --dry-run``, each on the tiny instance with the greedy plan."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from english import english_words
from schemalaggning.check import check_schedule
from schemalaggning.cli import main
from schemalaggning.i18n import LANGUAGE_VARIABLE, use_language
from schemalaggning.io import read_instance, read_schedule
from schemalaggning.io.folders import FolderBusyError, folder_problems
from schemalaggning.io.identity import identity_problems
from schemalaggning.problems import Problem
from schemalaggning.rules import Rule

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


def example_with(tmp_path: Path, **lines: tuple[str, str]) -> Path:
    """The example instance with lines of its files replaced: ``file=(old, new)``."""
    folder = tmp_path / "instance"
    shutil.copytree(EXAMPLE, folder)
    for name, (old, new) in lines.items():
        path = folder / name.replace("_", ".")
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new), encoding="utf-8")
    return folder


def unknown_district(tmp_path: Path) -> Path:
    """Ali Aziz (people.csv row 3) in a district the instance does not have."""
    old = "A2,Ali Aziz,ali@example.org,D1"
    return example_with(tmp_path, people_csv=(old, old.replace("D1", "D9")))


def prerequisite_cycle(tmp_path: Path) -> Path:
    """P1 after T1 while T1 is after P1."""
    old = "P1,Del 1: introduktion,1,2,2,4,1,4,0,\n"
    return example_with(tmp_path, courses_csv=(old, old.replace(",\n", ",T1\n")))


def bad_time_zone(tmp_path: Path) -> Path:
    """instance.toml names a time zone there is none of."""
    old = 'timezone = "Europe/Stockholm"'
    return example_with(tmp_path, instance_toml=(old, 'timezone = "Mars/Olympus"'))


def unquoted_text(tmp_path: Path) -> Path:
    """instance.toml holds a text without its quotes, which is no TOML."""
    old = 'holidays = "SE"'
    return example_with(tmp_path, instance_toml=(old, "holidays = SE"))


def latin9_districts(tmp_path: Path) -> Path:
    """districts.csv saved in ISO-8859-15 with one of its own letters (€ in a name)."""
    folder = example_with(tmp_path)
    (folder / "districts.csv").write_bytes(b"district_id,name\nD1,G\xf6teborg \xa4\nD2,Angered\n")
    return folder


#: The names of the files, columns and keys the problems name: ``districts.csv``, ``after``.
COLUMNS = ["district", "districts", "after", "holidays"]
#: The command's name in the usage line above a refused option, and the option's.
COMMANDS = ["solve", "replan", "time"]


#: A representative bad input of each reader, the line validate prints for it in Swedish,
#: and in English.
BAD_INPUTS = [
    (
        unknown_district,
        "fel: people.csv, rad 3, kolumn district_id: värdet 'D9': förväntat ett känt district_id",
        "error: people.csv, row 3, column district_id: 'D9': expected a known district_id",
    ),
    (
        prerequisite_cycle,
        "fel: courses.csv, rad 2, kolumn after: värdet 'T1': förväntat att förkunskapskraven inte "
        "går runt i en cirkel (hittade P1 -> T1 -> P1)",
        "error: courses.csv, row 2, column after: 'T1': expected no prerequisite cycle (found "
        "P1 -> T1 -> P1)",
    ),
    (
        bad_time_zone,
        "fel: instance.toml, rad 2, nyckel timezone: värdet 'Mars/Olympus': förväntat en "
        "IANA-tidszon, till exempel Europe/Stockholm",
        "error: instance.toml, line 2, key timezone: 'Mars/Olympus': expected an IANA time zone "
        "such as Europe/Stockholm",
    ),
    (
        unquoted_text,
        "fel: instance.toml, rad 5, nyckel holidays: värdet 'SE': förväntat giltig TOML "
        "(ogiltigt värde)",
        "error: instance.toml, line 5, key holidays: 'SE': expected valid TOML (invalid value)",
    ),
    (
        latin9_districts,
        "fel: districts.csv: förväntat UTF-8-text, hittade text i ISO-8859-15 (Latin-9) (först "
        "på rad 2): spara den som UTF-8 (CSV UTF-8 i Excel)",
        "error: districts.csv: expected UTF-8 text, found text in ISO-8859-15 (Latin-9) (first "
        "on line 2): save it as UTF-8 (CSV UTF-8 in Excel)",
    ),
]


@pytest.mark.parametrize(
    ("broken", "swedish", "english"),
    BAD_INPUTS,
    ids=["unknown-district", "prerequisite-cycle", "time-zone", "toml", "encoding"],
)
def test_a_bad_input_is_located_in_swedish_and_in_english_when_asked(
    tmp_path: Path, broken: Callable[[Path], Path], swedish: str, english: str
) -> None:
    folder = broken(tmp_path)
    result = run("validate", folder)
    assert result.exit_code == 2
    assert swedish in result.output
    # The files' and columns' names are written as the format names them.
    assert english_words(result.output, allowed=[*NAMES, *COLUMNS]) == []
    result = run("--lang", "en", "validate", folder)
    assert result.exit_code == 2
    assert english in result.output


def test_a_time_limit_out_of_range_is_refused_in_swedish_and_in_english_when_asked() -> None:
    result = run("solve", TINY, "--time-limit", "-3")
    assert result.exit_code == 2
    assert (
        "fel: ogiltigt värde för '--time-limit': förväntat ett antal sekunder över 0 och högst "
        "en vecka (604\u00a0800), hittade '-3'" in result.output
    )
    assert "Användning:" in result.output
    assert english_words(result.output, allowed=COMMANDS) == []
    result = run("--lang", "en", "solve", TINY, "--time-limit", "-3")
    assert result.exit_code == 2
    assert (
        "error: invalid value for '--time-limit': expected a number of seconds above 0 and at "
        "most a week (604,800), found '-3'" in result.output
    )


@pytest.mark.parametrize(
    ("option", "value", "swedish", "names"),
    [
        ("--workers", "-1", "förväntat ett heltal som är minst 0, hittade '-1'", []),
        ("--seed", "x", "förväntat ett heltal, hittade 'x'", []),
        (
            "--forecast",
            "always",
            "förväntat ett av file, auto, none, hittade 'always'",
            ["file", "none"],
        ),
    ],
)
def test_an_option_of_the_wrong_kind_says_what_it_expects_in_swedish(
    option: str, value: str, swedish: str, names: list[str]
) -> None:
    result = run("solve", TINY, f"{option}={value}")
    assert result.exit_code == 2
    assert f"fel: ogiltigt värde för '{option}': {swedish}" in result.output
    assert english_words(result.output, allowed=COMMANDS + names) == []


def test_a_day_written_wrongly_is_refused_in_swedish() -> None:
    result = run("replan", TINY, "--published", "nowhere", "--today", "2027-13-01")
    assert result.exit_code == 2
    assert (
        "fel: ogiltigt värde för '--today': förväntat ett datum ÅÅÅÅ-MM-DD, hittade '2027-13-01'"
        in result.output
    )
    assert english_words(result.output, allowed=COMMANDS) == []


def test_check_names_a_session_on_a_weekend_by_its_day_in_words(
    solved: tuple[Path, Result], tmp_path: Path
) -> None:
    folder, _ = solved
    broken = tmp_path / "broken"
    shutil.copytree(folder, broken)
    # The first session moved from Monday 4 January 2027 to the Saturday after.
    path = broken / "sessions.csv"
    text = path.read_text(encoding="utf-8-sig")
    monday = "2027-01-04T08:30,2027-01-04T12:00,2027-01-04/AM"
    assert monday in text
    path.write_text(text.replace(monday, monday.replace("-04", "-09"), 1), encoding="utf-8")
    result = run("check", TINY, broken)
    assert result.exit_code == 1
    assert "hålls lördag 9 januari 2027 (helg)" in result.output
    # The rule's name (closed_day) is written as the rules name it.
    assert english_words(result.output, allowed=Rule.CLOSED_DAY.value.split("_")) == []
    english = run("--lang", "en", "check", TINY, broken)
    assert "is held on Saturday, 9 January 2027 (weekend)" in english.output


def test_the_output_folder_and_the_schedule_reader_refuse_in_swedish(tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "anteckningar.txt").write_text("x", encoding="utf-8")
    refused = [str(problem) for problem in folder_problems(mine, "schedule")]
    assert refused == [
        f"{mine}: förväntat en ny eller tom mapp, eller en som schemalaggning har skrivit: den "
        "innehåller anteckningar.txt, som skulle gå förlorat; ange en ny mapp"
    ]
    busy = str(FolderBusyError(mine, ""))
    assert busy.startswith("en annan körning av schemalaggning håller på att skriva i")
    missing = [str(problem) for problem in read_schedule(tmp_path / "nowhere").problems]
    assert missing == [f"{tmp_path / 'nowhere'}: förväntat en schemamapp"]
    for text in [*refused, busy, *missing]:
        assert english_in(text, mine) == []
    with use_language("en"):
        assert "expected a new or empty folder" in str(folder_problems(mine, "schedule")[0])
        assert str(FolderBusyError(mine, "")).startswith("another schemalaggning run is writing")


def test_another_instance_than_the_schedules_is_refused_in_swedish() -> None:
    instance = read_instance(TINY)
    summary = {
        "instance": "goteborg",
        "instance_identity": {"name": "Göteborg", "fingerprint": "0"},
    }
    refused = identity_problems(Path("schema"), summary, instance, TINY)
    assert len(refused) == 1
    text = str(refused[0])
    assert 'förväntat instansen som schemat schema gjordes av, "Göteborg" (goteborg)' in text
    # It names the command that makes a new schedule, solve.
    assert english_words(text.replace(str(TINY), ""), allowed=COMMANDS) == []
    with use_language("en"):
        english = identity_problems(Path("schema"), summary, instance, TINY)
    assert "expected the instance the schedule schema was made from" in str(english[0])


def test_export_ics_says_what_it_wrote_in_swedish_and_in_english_when_asked(
    solved: tuple[Path, Result], tmp_path: Path
) -> None:
    folder, _ = solved
    copy = tmp_path / "tiny"
    shutil.copytree(folder, copy)
    result = run("export", "ics", copy)
    assert result.exit_code == 0, result.output
    checked(copy)
    first = result.output.splitlines()[0]
    assert " kalenderfiler för " in first and " passdagar: " in first
    assert first.endswith("det som ska skickas står i invites/outbox.csv."), first
    assert english_in(result.output, copy) == []
    english = run("--lang", "en", "export", "ics", copy)
    assert english.exit_code == 0, english.output
    assert " calendar files for " in english.output


def test_generate_writes_its_figures_as_swedish_writes_numbers(tmp_path: Path) -> None:
    out = tmp_path / "stad"
    result = run("generate", out, "--hires-per-year", "150", "--districts", "2", "--years", "1")
    assert result.exit_code == 0, result.output
    due = len(read_instance(out).due_attendances)
    assert due >= 1000
    grouped = f"{due // 1000}\u00a0{due % 1000:03d}"
    assert result.output.startswith(f"Skrev {out}: ")
    assert f" {grouped} kurstillfällen att gå." in result.output
