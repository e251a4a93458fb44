"""CSV files are read as written, or refused with the encoding they look like.

UTF-8, UTF-16 and Windows-1252 (with ISO-8859-1, the same bytes for Swedish letters) are
read; a file in any other encoding, or no text at all, must give exit status 2 and a
message naming the file, the encoding when it can be told, and what to do. Never may such
a file be read as names of the wrong letters. Every case is the example instance with
``people.csv`` (or ``rooms.csv``) written in another encoding.
"""

from __future__ import annotations

import codecs
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from schemalaggning.cli import EXIT_BAD_INPUT, main
from schemalaggning.i18n import LANGUAGE_VARIABLE
from schemalaggning.io import read_instance, write_instance_xlsx
from schemalaggning.io.charsets import UnreadableFileError, decode
from schemalaggning.io.tables import read_csv


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests read the English words of the messages (the message ids); the Swedish
    are tested in ``tests/test_terminal_words.py``."""
    monkeypatch.setenv(LANGUAGE_VARIABLE, "en")


EXAMPLE = Path(__file__).parents[1] / "data" / "example" / "instance"
#: The name the example's people.csv has on its line 4 (person B1).
B1 = "Berit Björk"
SAVE_AS = "as UTF-8 (CSV UTF-8 in Excel)"


def example_folder(tmp_path: Path) -> Path:
    """A copy of the example instance."""
    folder = tmp_path / "instance"
    shutil.copytree(EXAMPLE, folder)
    return folder


def people_text(name: str = B1, other: str | None = None) -> str:
    """The example's people.csv with B1's name (line 4), and A2's (line 3) if given."""
    text = (EXAMPLE / "people.csv").read_text(encoding="utf-8")
    text = text.replace(B1, name)
    return text if other is None else text.replace("Ali Aziz", other)


def validate(path: Path) -> Result:
    """Run ``schemalaggning validate`` on a path."""
    return CliRunner().invoke(main, ["validate", str(path)])


def error_lines(result: Result, file: str) -> list[str]:
    """The lines of standard error that report a problem of the file."""
    return [line for line in result.stderr.splitlines() if line.startswith(f"error: {file}")]


def xlsx_bytes(tmp_path: Path) -> bytes:
    """The example written as a workbook, as the bytes of a file."""
    return write_instance_xlsx(read_instance(EXAMPLE), tmp_path / "w.xlsx").read_bytes()


def mixed_utf8() -> bytes:
    """UTF-8 but for B1's ö, pasted in from a Windows-1252 file (line 4)."""
    text = people_text(other="Åsa Ärlig-Öberg")
    before, after = text.split(B1)
    return before.encode("utf-8") + B1.encode("cp1252") + after.encode("utf-8")


#: Files that are no text in an accepted encoding: how each is made (from the test's
#: tmp_path), and the words the message must hold (the encoding, the line).
REFUSED: dict[str, tuple[Callable[[Path], bytes], tuple[str, ...]]] = {
    "iso-8859-15": (
        lambda _: people_text("Marija Košar").encode("iso-8859-15"),
        ("ISO-8859-15", "line 4"),
    ),
    "iso-8859-15-euro": (
        lambda _: people_text("Berit Björk 100 €").encode("iso-8859-15"),
        ("ISO-8859-15", "line 4"),
    ),
    # ´ is the apostrophe of a Swedish keyboard, but it does not begin a name: Ž does.
    "iso-8859-15-z-caron": (
        lambda _: people_text("Žaklina Novak").encode("iso-8859-15"),
        ("ISO-8859-15", "line 4"),
    ),
    "mac-roman": (
        lambda _: people_text("Åsa Ärlig-Öberg").encode("mac_roman"),
        ("Mac Roman", "line 4"),
    ),
    # Windows-1252 would read every byte of this one: 'Bjšrk'.
    "mac-roman-only-ö": (lambda _: people_text().encode("mac_roman"), ("Mac Roman", "line 4")),
    # Windows-1252 would read '…rjan': a sign does not begin a name.
    "mac-roman-capital": (
        lambda _: people_text("Örjan Berg").encode("mac_roman"),
        ("Mac Roman", "line 4"),
    ),
    "shift-jis": (lambda _: people_text("山田太郎").encode("shift_jis"), ("Shift-JIS", "line 4")),
    "utf-32": (lambda _: people_text().encode("utf-32"), ("UTF-32",)),
    "utf-32-le-without-bom": (lambda _: people_text().encode("utf-32-le"), ("UTF-32",)),
    "utf-32-be-without-bom": (lambda _: people_text().encode("utf-32-be"), ("UTF-32",)),
    "windows-1251": (
        lambda _: people_text("Иван Петров").encode("cp1251"),
        ("another encoding", "line 4"),
    ),
    "utf-8-with-one-windows-1252-byte": (lambda _: mixed_utf8(), ("line 4", "0xF6")),
    "xlsx-renamed": (xlsx_bytes, ("xlsx workbook",)),
    "xls-renamed": (
        lambda _: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512),
        ("Excel 97-2003 workbook",),
    ),
    "binary": (lambda _: bytes(range(256)) * 8, ("binary data",)),
}


@pytest.mark.parametrize("case", list(REFUSED), ids=list(REFUSED))
def test_a_file_in_another_encoding_is_named_and_refused(case: str, tmp_path: Path) -> None:
    make, words = REFUSED[case]
    folder = example_folder(tmp_path)
    (folder / "people.csv").write_bytes(make(tmp_path))

    result = validate(folder)

    assert result.exit_code == EXIT_BAD_INPUT, result.output
    assert "Traceback" not in result.output
    [line] = error_lines(result, "people.csv")
    assert SAVE_AS in line
    for word in words:
        assert word in line
    with pytest.raises(UnreadableFileError) as caught:
        read_csv(folder / "people.csv", "people")
    [problem] = caught.value.problems
    assert problem.file == "people.csv"
    assert problem.expected.startswith("expected") and SAVE_AS in problem.expected
    assert all(word in problem.expected for word in words)


#: Legacy files that are read as written: the name (or address) each holds.
ACCEPTED = {
    "iso-8859-1": ("people.csv", "Åsa Ärlig-Öberg", "iso-8859-1"),
    "windows-1252-apostrophe": ("people.csv", "Renée O´Brien", "cp1252"),
    "windows-1252-s-caron": ("people.csv", "Šárka Nováková", "cp1252"),
    "windows-1252-quotes-and-capitals": ("people.csv", "ÅSA “BETTAN” ÖBERG…", "cp1252"),
    "windows-1252-half": ("rooms.csv", "Kungsgatan 1½, Göteborg", "cp1252"),
}


@pytest.mark.parametrize("case", list(ACCEPTED), ids=list(ACCEPTED))
def test_swedish_text_in_windows_1252_and_iso_8859_1_is_read_as_written(
    case: str, tmp_path: Path
) -> None:
    file, text, encoding = ACCEPTED[case]
    folder = example_folder(tmp_path)
    original = (EXAMPLE / file).read_text(encoding="utf-8")
    old = B1 if file == "people.csv" else "Kungsgatan 1, Göteborg"
    (folder / file).write_bytes(original.replace(old, text, 1).encode(encoding))

    instance = read_instance(folder)

    if file == "people.csv":
        assert instance.person_by_id["B1"].name == text
    else:
        assert instance.room_by_id["R1"].address == text


def test_an_undefined_windows_1252_byte_is_refused_not_replaced(tmp_path: Path) -> None:
    # 0x81 is no character in Windows-1252: it used to become U+FFFD in the name.
    folder = example_folder(tmp_path)
    (folder / "people.csv").write_bytes(people_text().encode("cp1252").replace(b"\xf6", b"\x81"))

    with pytest.raises(UnreadableFileError) as caught:
        read_csv(folder / "people.csv", "people")

    [problem] = caught.value.problems
    assert (problem.file, problem.row, problem.column) == ("people.csv", None, None)
    assert "line 4" in problem.expected


def test_utf_16_text_that_starts_like_utf_32_is_still_read(tmp_path: Path) -> None:
    # UTF-16's byte order mark is the start of UTF-32's: a header after it tells them apart.
    folder = example_folder(tmp_path)
    (folder / "people.csv").write_bytes(codecs.BOM_UTF16_LE + people_text().encode("utf-16-le"))

    assert read_instance(folder).person_by_id["B1"].name == B1


def test_every_unreadable_file_is_listed_with_the_other_problems(tmp_path: Path) -> None:
    folder = example_folder(tmp_path)
    (folder / "people.csv").write_bytes(people_text("Åsa Ärlig-Öberg").encode("mac_roman"))
    (folder / "rooms.csv").write_bytes(b"\x00\x00\xfe\xff" + bytes(64))
    courses = folder / "courses.csv"
    courses.write_text(courses.read_text(encoding="utf-8").replace(",2,2,4,", ",two,2,4,"))

    result = validate(folder)

    assert result.exit_code == EXIT_BAD_INPUT
    assert "Traceback" not in result.output
    assert "Mac Roman" in error_lines(result, "people.csv")[0]
    assert "UTF-32" in error_lines(result, "rooms.csv")[0]
    assert error_lines(result, "courses.csv, row 2, column half_days")
    assert "3 error(s)" in result.stderr


def test_a_file_with_carriage_returns_names_its_line() -> None:
    # Programs of old Macs end a line with a carriage return alone.
    data = people_text("Åsa").encode("mac_roman").replace(b"\n", b"\r")

    with pytest.raises(UnreadableFileError) as caught:
        decode(data, "people.csv")

    assert "Mac Roman" in str(caught.value) and "line 4" in str(caught.value)
