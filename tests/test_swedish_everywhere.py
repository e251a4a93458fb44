"""Swedish wherever a person reads: a new user's month on the tiny instance, every command
a coordinator runs, and every text it gives them (the terminal, the report, the plans,
the workbook, the e-mails, the reasons of the CSV files) read for English words and for
messages the catalogues lack; and the same month in English, read for Swedish words."""

from __future__ import annotations

import csv
import email
import re
import shutil
from datetime import date
from email.message import Message
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from english import english_words, swedish_words
from schemalaggning import i18n
from schemalaggning.check import check_schedule
from schemalaggning.cli import main
from schemalaggning.io import read_instance, read_schedule

TINY = Path(__file__).parents[1] / "instances" / "tiny"
#: The messages each language's month asked the catalogues for and did not find there
#: (the misses of other tests in the same process are not the month's).
MISSED: dict[str, frozenset[str]] = {}
#: The instance ``capacity --hires-per-year`` takes when none is given.
GOTEBORG = TINY.with_name("goteborg")
TODAY = date(2027, 3, 1)
#: The columns of the schedule folder's CSV files that hold words for people.
WORD_COLUMNS = {"unscheduled.csv": "reason", "changes.csv": "why", "electives.csv": "reason"}


class _Text(HTMLParser):
    """The text of an HTML page as a reader sees it: no scripts, no styles."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._hidden += 1
        for name, value in attrs:
            if name in ("title", "alt", "aria-label") and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def page_text(path: Path) -> str:
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return " ".join(parser.parts)


def workbook_text(path: Path) -> str:
    """Every text cell of a workbook, with its sheet names."""
    book = load_workbook(path, read_only=True)
    texts = list(book.sheetnames)
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            texts.extend(value for value in row if isinstance(value, str))
    return "\n".join(texts)


def mail_text(path: Path) -> str:
    """The subject and the plain text of an e-mail."""
    message = email.message_from_bytes(path.read_bytes())
    parts = [str(email.header.make_header(email.header.decode_header(message["Subject"])))]
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            parts.append(body_of(part))
    return "\n".join(parts)


def body_of(part: Message) -> str:
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode(part.get_content_charset() or "utf-8")


def reasons(path: Path) -> str:
    """The words of a CSV file's reason column, each without the rule name it starts
    with (which machines read)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    column = WORD_COLUMNS[path.name]
    return "\n".join(re.sub(r"^[a-z_]+:\s*", "", row[column]) for row in rows)


def names_of(folder: Path) -> list[str]:
    """The words of the data's names (people, trainers, rooms, districts, courses, the
    instance and its organizer): a name may be any word."""
    words: list[str] = []
    for table, column in (
        ("people.csv", "name"),
        ("trainers.csv", "name"),
        ("rooms.csv", "name"),
        ("rooms.csv", "address"),
        ("districts.csv", "name"),
        ("courses.csv", "name"),
        ("electives.csv", "title"),
    ):
        path = folder / table
        if path.is_file():
            with path.open(encoding="utf-8-sig", newline="") as handle:
                for row in csv.DictReader(handle, delimiter=sniffed(path)):
                    words.extend(re.findall(r"[\w']+", row[column]))
    words.extend(re.findall(r"[\w']+", (folder / "instance.toml").read_text(encoding="utf-8")))
    return words


def sniffed(path: Path) -> str:
    return ";" if ";" in path.read_text(encoding="utf-8").splitlines()[0] else ","


def the_month(root: Path, language: str) -> dict[str, str]:
    """A new user's month on a copy of the tiny instance in a language: every command
    run and every text it gave, by where it was read."""
    instance = root / "stad"
    shutil.copytree(TINY, instance)
    texts: dict[str, str] = {}
    before = i18n.misses(language)
    previous = i18n.set_language(language)
    try:
        run_the_month(root, instance, texts)
    finally:
        i18n.set_language(previous)
    MISSED[language] = i18n.misses(language) - before
    return texts


@pytest.fixture(scope="module")
def month(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The month in Swedish, the coordinators' language."""
    return the_month(tmp_path_factory.mktemp("month"), "sv")


@pytest.fixture(scope="module")
def english_month(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The month in English, as a reviewer or a neighbouring country reads it."""
    return the_month(tmp_path_factory.mktemp("english-month"), "en")


def command(texts: dict[str, str], name: str, *args: str, status: int = 0) -> str:
    language = i18n.language()
    result = CliRunner().invoke(
        main, list(args), env={"COLUMNS": "120", i18n.LANGUAGE_VARIABLE: language}
    )
    assert result.exit_code == status, result.output
    texts[f"terminal: {name}"] = result.output
    return result.output


def run_the_month(root: Path, instance: Path, texts: dict[str, str]) -> None:
    published = root / "schema"
    again = root / "schema-mars"
    command(texts, "validate", "validate", str(instance))
    command(texts, "solve", "solve", str(instance), "-o", str(published), "--time-limit", "20")
    command(texts, "check", "check", str(instance), str(published))
    command(texts, "capacity", "capacity", str(instance))
    command(texts, "capacity 400", "capacity", "--hires-per-year", "400")
    command(texts, "send", "send", str(published), "--dry-run", str(root / "utkorg"))
    with_the_months_news(instance, published)
    command(texts, "validate of the month", "validate", str(instance))
    command(
        texts,
        "replan",
        "replan",
        str(instance),
        "--published",
        str(published),
        "--today",
        TODAY.isoformat(),
        "-o",
        str(again),
        "--time-limit",
        "20",
    )
    command(texts, "check of the re-plan", "check", str(instance), str(again))
    command(texts, "electives", "electives", str(instance), "--schedule", str(again))
    command(
        texts, "explain", "explain", str(instance), "--schedule", str(again), "--time-limit", "5"
    )
    bad = root / "fel"
    shutil.copytree(instance, bad)
    people = bad / "people.csv"
    people.write_text(
        people.read_text(encoding="utf-8").replace("2027-", "2027-13-", 1), encoding="utf-8"
    )
    command(texts, "validate with an error", "validate", str(bad), status=2)
    for folder in (published, again):
        assert check_schedule(read_instance(instance), read_schedule(folder)) == []
        read_documents(folder, texts)
    for path in sorted((root / "utkorg").rglob("*.eml"))[:40]:
        texts[f"e-mail: {path.name}"] = mail_text(path)


def with_the_months_news(instance: Path, published: Path) -> None:
    """A no-show in the first session, a hire starting in March and two requests for
    personal courses."""
    schedule = read_schedule(published)
    first = min(schedule.sessions, key=lambda s: s[1].slots[0].day)[1]
    absent = next(a.person_id for _, a in schedule.assignments if a.session_id == first.session_id)
    (instance / "attendance.csv").write_text(
        f"session_id,person_id,attended\n{first.session_id},{absent},no\n", encoding="utf-8"
    )
    people = instance / "people.csv"
    lines = people.read_text(encoding="utf-8").splitlines()
    fields = lines[1].split(",")
    fields[0], fields[1], fields[2], fields[4] = (
        "NY1",
        "Nora Nyberg",
        "nora@example.org",
        "2027-03-08",
    )
    people.write_text("\n".join([*lines, ",".join(fields)]) + "\n", encoding="utf-8")
    (instance / "electives.csv").write_text(
        "request_id,person_id,title,from,to,half,cost_sek,status\n"
        f"E1,{absent},Motiverande samtal,2027-04-12,2027-04-12,,4000,requested\n"
        f"E2,{absent},Barnkonventionen,2027-05-03,2027-05-04,,9000,requested\n",
        encoding="utf-8",
    )


def read_documents(folder: Path, texts: dict[str, str]) -> None:
    """The texts for people a schedule folder holds."""
    texts[f"{folder.name}/rapport.html"] = page_text(folder / "rapport.html")
    for page in sorted((folder / "planer").rglob("*.html"))[:30]:
        texts[f"{folder.name}/{page.relative_to(folder)}"] = page_text(page)
    texts[f"{folder.name}/schema.xlsx"] = workbook_text(folder / "schema.xlsx")
    for name in WORD_COLUMNS:
        if (folder / name).is_file():
            texts[f"{folder.name}/{name}"] = reasons(folder / name)


@pytest.mark.slow
def test_a_new_users_month_reads_swedish_throughout(month: dict[str, str]) -> None:
    allowed = [*names_of(TINY), "Nora", "Nyberg", "Motiverande", "Barnkonventionen"]
    english = {
        where: found
        for where, text in month.items()
        if (found := english_words(text, allowed=allowed))
    }
    assert english == {}, "\n".join(
        f"{where}: {', '.join(found)}" for where, found in english.items()
    )


@pytest.mark.slow
def test_no_text_of_the_month_was_missing_from_the_catalogues(month: dict[str, str]) -> None:
    assert month
    assert sorted(MISSED["sv"]) == []


@pytest.mark.slow
def test_the_english_month_reads_english_throughout(english_month: dict[str, str]) -> None:
    allowed = [*names_of(TINY), *names_of(GOTEBORG), "Nora", "Nyberg", "Motiverande"]
    allowed.append("Barnkonventionen")
    swedish = {
        where: found
        for where, text in english_month.items()
        if (found := swedish_words(text, allowed=allowed))
    }
    assert swedish == {}, "\n".join(
        f"{where}: {', '.join(found)}" for where, found in swedish.items()
    )
    assert sorted(MISSED["en"]) == []


@pytest.mark.slow
def test_the_month_gave_every_kind_of_text(month: dict[str, str]) -> None:
    kinds = {where.split(":")[0].split("/")[-1] for where in month}
    assert {"terminal", "e-mail", "rapport.html", "schema.xlsx"} <= kinds
    assert any("/planer/" in where for where in month)
