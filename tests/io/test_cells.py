"""Cells that cannot be read as they stand are named by file (or sheet), row and column.

A cell longer than the csv module reads (a CSV file's or a workbook's), and a workbook's
formula saved without its value (openpyxl writes formulas so: it does not calculate
them), must give exit status 2 and a located message, listed with every other problem;
a formula saved with its value is read as that value.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result

from schemalaggning.cli import EXIT_BAD_INPUT, main
from schemalaggning.domain import Instance
from schemalaggning.i18n import LANGUAGE_VARIABLE
from schemalaggning.io import read_instance, write_instance_xlsx
from schemalaggning.io.tables import UnreadableFileError, read_csv
from schemalaggning.problems import InputError, Problem


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests read the English words of the messages (the message ids); the Swedish
    are tested in ``tests/test_terminal_words.py``."""
    monkeypatch.setenv(LANGUAGE_VARIABLE, "en")


EXAMPLE = Path(__file__).parents[1] / "data" / "example" / "instance"
WORKBOOK = "instance.xlsx"
#: The csv module's limit on a cell, which the messages name.
LIMIT = "131 072"
#: A million characters: far more than a cell may hold.
HUGE = "x" * 1_000_000
SAVE_FIRST = "open the workbook in Excel or LibreOffice and save it there first"


@pytest.fixture(scope="module")
def example() -> Instance:
    """The valid example instance."""
    return read_instance(EXAMPLE)


def example_folder(tmp_path: Path) -> Path:
    """A copy of the example instance."""
    folder = tmp_path / "instance"
    shutil.copytree(EXAMPLE, folder)
    return folder


def validate(path: Path) -> Result:
    """Run ``schemalaggning validate`` on a path."""
    return CliRunner().invoke(main, ["validate", str(path)])


def error_lines(result: Result, start: str) -> list[str]:
    """The lines of standard error that report a problem, starting with ``start``."""
    return [line for line in result.stderr.splitlines() if line.startswith(f"error: {start}")]


def problems_of(path: Path) -> list[Problem]:
    """The problems reading an instance raises."""
    with pytest.raises(InputError) as caught:
        read_instance(path)
    return caught.value.problems


def at(problems: list[Problem], file: str, row: int, column: str) -> list[Problem]:
    """The problems at one place."""
    return [p for p in problems if (p.file, p.row, p.column) == (file, row, column)]


# ---------------------------------------------------------------------------------------------
# CSV files
# ---------------------------------------------------------------------------------------------

#: A cell too long, put in as the file's text: the file, the text replaced and its
#: replacement, and the row and column the message must name.
LONG_CSV_CELLS = {
    "a-name": ("people.csv", "Ali Aziz", HUGE, 3, "name"),
    "the-last-column": ("people.csv", "2027-01-10,yes,", f"2027-01-10,yes,{HUGE}", 5, "done"),
    "quoted-over-lines": (
        "rooms.csv",
        "Kungsgatan 1, Göteborg",
        f"Kungsgatan 1,\n{HUGE[:-14]}",
        2,
        "address",
    ),
    "semicolon-separated": ("districts.csv", "Hisingen", HUGE, 3, "name"),
}


@pytest.mark.parametrize("case", list(LONG_CSV_CELLS), ids=list(LONG_CSV_CELLS))
def test_a_csv_cell_too_long_is_named_by_row_and_column(case: str, tmp_path: Path) -> None:
    file, old, new, row, column = LONG_CSV_CELLS[case]
    folder = example_folder(tmp_path)
    text = (folder / file).read_text(encoding="utf-8")
    if case == "semicolon-separated":
        text = text.replace(",", ";")
    (folder / file).write_text(text.replace(old, new), encoding="utf-8")

    result = validate(folder)

    assert result.exit_code == EXIT_BAD_INPUT, result.output
    assert "Traceback" not in result.output
    [line] = error_lines(result, file)
    assert f"row {row}, column {column}" in line
    assert LIMIT in line and "1 000 000" in line
    with pytest.raises(UnreadableFileError) as caught:
        read_csv(folder / file, file.removesuffix(".csv"))
    [problem] = caught.value.problems
    assert (problem.file, problem.row, problem.column) == (file, row, column)
    # The instance's reader keeps the place in the problem's own fields (--json shows them).
    assert at(problems_of(folder), file, row, column)


def test_a_long_cell_in_the_header_is_named_by_its_position(tmp_path: Path) -> None:
    folder = example_folder(tmp_path)
    text = (folder / "rooms.csv").read_text(encoding="utf-8")
    (folder / "rooms.csv").write_text(text.replace("capacity", HUGE, 1), encoding="utf-8")

    with pytest.raises(UnreadableFileError) as caught:
        read_csv(folder / "rooms.csv", "rooms")

    [problem] = caught.value.problems
    assert (problem.file, problem.row, problem.column) == ("rooms.csv", 1, "3")


# ---------------------------------------------------------------------------------------------
# Workbooks
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def example_workbook(example: Instance, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The valid example written once as a workbook, for the tests to copy."""
    return write_instance_xlsx(example, tmp_path_factory.mktemp("example") / WORKBOOK)


def edited_workbook(tmp_path: Path, base: Path, cells: dict[tuple[str, str], str]) -> Path:
    """A copy of the workbook with cells (sheet, reference) set by openpyxl, which stores
    a text starting with ``=`` as a formula without its value."""
    path = Path(shutil.copy(base, tmp_path / WORKBOOK))
    workbook = openpyxl.load_workbook(path)
    for (sheet, reference), value in cells.items():
        workbook[sheet][reference] = value
    workbook.save(path)
    return path


def rewrite_xml(path: Path, old: str, new: str) -> None:
    """Replace a text in the workbook's XML (once, wherever it is), as another program
    would have written it."""
    with zipfile.ZipFile(path) as archive:
        members = {item.filename: archive.read(item.filename) for item in archive.infolist()}
    hits = [name for name, data in members.items() if old.encode() in data]
    assert len(hits) == 1, f"{old!r} in {hits}"
    members[hits[0]] = members[hits[0]].replace(old.encode(), new.encode(), 1)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def sheet(name: str) -> str:
    """How problems name a sheet of the workbook."""
    return f"{WORKBOOK}, sheet {name}"


def test_a_workbook_cell_too_long_is_named_by_row_and_column(
    tmp_path: Path, example_workbook: Path
) -> None:
    # openpyxl cuts what it writes at Excel's 32 767 characters; other programs do not.
    path = edited_workbook(tmp_path, example_workbook, {("people", "B3"): "LONG-NAME"})
    rewrite_xml(path, ">LONG-NAME<", f">{HUGE}<")

    result = validate(path)

    assert result.exit_code == EXIT_BAD_INPUT, result.output
    assert "Traceback" not in result.output
    [line] = error_lines(result, f"{sheet('people')}, row 3, column name:")
    assert LIMIT in line and "1 000 000" in line
    assert len(at(problems_of(path), sheet("people"), 3, "name")) == 1


@pytest.mark.parametrize(
    ("reference", "formula", "column"),
    [
        ("B4", '=A4&" "&C4', "name"),
        ("C5", "=LOWER(A5)", "email"),
        ("G5", '=IF(F5="yes","","P1")', "done"),
    ],
    ids=["name", "email", "an-optional-column"],
)
def test_a_formula_without_its_value_is_named_and_refused(
    reference: str, formula: str, column: str, tmp_path: Path, example_workbook: Path
) -> None:
    path = edited_workbook(tmp_path, example_workbook, {("people", reference): formula})
    row = int(reference[1:])

    result = validate(path)

    assert result.exit_code == EXIT_BAD_INPUT, result.output
    assert "Traceback" not in result.output
    start = f"{sheet('people')}, row {row}, column {column}: {formula!r}:"
    # A formula that is no e-mail address is also reported as such, after it.
    assert len([line for line in error_lines(result, start) if SAVE_FIRST in line]) == 1
    [problem, *_] = at(problems_of(path), sheet("people"), row, column)
    assert problem.value == formula and SAVE_FIRST in problem.expected


def test_a_formula_with_its_saved_value_is_read_as_that_value(
    tmp_path: Path, example_workbook: Path
) -> None:
    # As Excel saves them: the formula and the value it gave, also an empty text.
    path = edited_workbook(
        tmp_path,
        example_workbook,
        {("people", "B4"): '="Berit "&"Björk"', ("people", "G2"): '=IF(1,"","P1")'},
    )
    rewrite_xml(
        path,
        '<c r="B4"><f>"Berit "&amp;"Björk"</f><v /></c>',
        '<c r="B4" t="str"><f>"Berit "&amp;"Björk"</f><v>Berit Formelsdotter</v></c>',
    )
    rewrite_xml(
        path,
        '<c r="G2"><f>IF(1,"","P1")</f><v /></c>',
        '<c r="G2" t="str"><f>IF(1,"","P1")</f><v></v></c>',
    )

    instance = read_instance(path)

    assert instance.person_by_id["B1"].name == "Berit Formelsdotter"
    assert instance.person_by_id["A1"].done == ()


def test_a_formula_whose_value_is_an_error_is_named(tmp_path: Path, example_workbook: Path) -> None:
    path = edited_workbook(tmp_path, example_workbook, {("rooms", "C2"): "=1/0"})
    rewrite_xml(
        path, '<c r="C2"><f>1/0</f><v /></c>', '<c r="C2" t="e"><f>1/0</f><v>#DIV/0!</v></c>'
    )

    [problem, *_] = at(problems_of(path), sheet("rooms"), 2, "capacity")

    assert problem.value == "=1/0" and "#DIV/0!" in problem.expected


def test_a_shared_formula_is_named_in_every_cell(tmp_path: Path, example_workbook: Path) -> None:
    # Excel writes a formula filled down a column once, in its first cell.
    path = edited_workbook(
        tmp_path, example_workbook, {("people", "C2"): "=LOWER(A2)", ("people", "C3"): "=X"}
    )
    rewrite_xml(path, "<f>LOWER(A2)</f>", '<f t="shared" ref="C2:C3" si="0">LOWER(A2)</f>')
    rewrite_xml(path, "<f>X</f>", '<f t="shared" si="0"/>')

    problems = problems_of(path)

    assert [p.value for p in at(problems, sheet("people"), 2, "email")][:1] == ["=LOWER(A2)"]
    assert [p.value for p in at(problems, sheet("people"), 3, "email")][:1] == [None]


def test_every_cell_problem_is_listed_with_the_others(
    tmp_path: Path, example_workbook: Path
) -> None:
    path = edited_workbook(
        tmp_path,
        example_workbook,
        {
            ("people", "B4"): '=A4&" "&C4',
            ("rooms", "B2"): "LONG-NAME",
            ("rooms", "C3"): "many",
        },
    )
    rewrite_xml(path, ">LONG-NAME<", f">{HUGE}<")

    result = validate(path)
    problems = problems_of(path)

    assert result.exit_code == EXIT_BAD_INPUT
    assert "Traceback" not in result.output
    for name, row, column in [
        ("people", 4, "name"),
        ("rooms", 2, "name"),
        ("rooms", 3, "capacity"),
    ]:
        assert at(problems, sheet(name), row, column), "\n".join(map(str, problems))
        assert error_lines(result, f"{sheet(name)}, row {row}, column {column}:")
    assert re.search(r"^3 error\(s\), 0 warning\(s\); nothing written\.$", result.stderr, re.M)
