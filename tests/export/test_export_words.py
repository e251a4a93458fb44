"""The words of the views and the e-mail in both languages, rendered from a real schedule:
the report, a new hire's and a trainer's plan, the workbook and a participant's and a
trainer's message hold no English in Swedish and are English with ``--lang en``; the
report's charts over time draw nothing across the summer break.

The schedule is the small instance (three districts, a summer break) solved greedily,
checked with the independent checker.
"""

from __future__ import annotations

import email
import itertools
import json
import re
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from english import english_words
from schemalaggning.check import check_schedule
from schemalaggning.cli import main
from schemalaggning.io import read_instance, read_schedule

INSTANCE = Path(__file__).parents[2] / "instances" / "small"
SUMMER = (datetime(2027, 6, 28), datetime(2027, 8, 6, 23, 59))


def solve(out: Path, *language: str) -> Path:
    """The small instance solved greedily into ``out``, checked; in ``language`` when
    given (``--lang en``)."""
    result = CliRunner().invoke(
        main, [*language, "solve", str(INSTANCE), "-o", str(out), "--greedy"]
    )
    assert result.exit_code == 0, result.output
    assert check_schedule(read_instance(INSTANCE), read_schedule(out)) == []
    return out


@pytest.fixture(scope="module")
def swedish(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return solve(tmp_path_factory.mktemp("sv") / "schedule")


@pytest.fixture(scope="module")
def english(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return solve(tmp_path_factory.mktemp("en") / "schedule", "--lang", "en")


@pytest.fixture(scope="module")
def names() -> list[str]:
    """Every word of the data's names (people, trainers, rooms, courses, districts, the
    programme, the closed periods), and the file people.csv that the words name."""
    instance = read_instance(INSTANCE)
    texts = [
        instance.settings.name,
        *(p.name for p in instance.people),
        *(t.name for t in instance.trainers),
        *(f"{r.name} {r.address}" for r in instance.rooms),
        *(c.name for c in instance.courses),
        *(d.name for d in instance.districts),
        *(c.name for c in instance.settings.closed),
        "people.csv",
        # Months that Swedish writes as English does.
        "april",
        "september",
        "november",
        "december",
    ]
    return [word for text in texts for word in re.findall(r"[\w']+", text or "")]


def visible(html: str) -> str:
    """A page's text as a reader sees it, and the words its script writes into the charts."""
    data = re.search(r'id="report-data">(.*?)</script>', html, re.DOTALL)
    words = " ".join(json.loads(data.group(1))["words"].values()) if data else ""
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.DOTALL)
    return re.sub(r"<[^>]+>", " ", text) + " " + words


def page(folder: Path, name: str) -> str:
    return visible((folder / name).read_text(encoding="utf-8"))


def first_plan(folder: Path, kind: str) -> str:
    return page(
        folder, str(sorted((folder / "planer" / kind).glob("*.html"))[0].relative_to(folder))
    )


def workbook_text(folder: Path) -> str:
    workbook = openpyxl.load_workbook(folder / "schema.xlsx")
    cells = [sheet.title for sheet in workbook.worksheets]
    for sheet in workbook.worksheets:
        cells += [
            str(v) for row in sheet.iter_rows(values_only=True) for v in row if isinstance(v, str)
        ]
    return "\n".join(cells)


def messages(folder: Path, target: Path, *language: str) -> list[str]:
    """The messages send would send (written with send --dry-run), each as its subject
    and its text part."""
    result = CliRunner().invoke(main, [*language, "send", str(folder), "--dry-run", str(target)])
    assert result.exit_code == 0, result.output
    found = []
    for path in sorted(target.glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=default)
        assert isinstance(message, EmailMessage)
        body = message.get_body(("plain",))
        assert body is not None
        found.append(f"{message['Subject']}\n{body.get_content()}")
    return found


def trainer_and_participant(found: list[str]) -> tuple[str, str]:
    """A trainer's and a participant's message of the same session."""
    trainer = next(m for m in found if "Du leder" in m or "You lead" in m)
    subject = trainer.splitlines()[0]
    participant = next(m for m in found if m.splitlines()[0] == subject and m != trainer)
    return trainer, participant


# ---------------------------------------------------------------------------------------------
# Swedish, with no English word; English with --lang en
# ---------------------------------------------------------------------------------------------


def test_the_report_is_swedish(swedish: Path, names: list[str]) -> None:
    text = page(swedish, "rapport.html")
    assert "Pass vecka för vecka" in text
    assert english_words(text, allowed=names) == []


def test_the_report_in_english(english: Path) -> None:
    text = page(english, "rapport.html")
    assert "Sessions week by week" in text and "Not scheduled" in text
    assert "Pass vecka för vecka" not in text and "Ej schemalagda" not in text


def test_the_plans_are_swedish(swedish: Path, names: list[str]) -> None:
    person = first_plan(swedish, "personer")
    trainer = first_plan(swedish, "utbildare")
    assert "Introduktionsplan för" in person and "Undervisningsplan för" in trainer
    assert english_words(person, allowed=names) == []
    assert english_words(trainer, allowed=names) == []
    assert english_words(page(swedish, "planer/index.html"), allowed=names) == []


def test_the_plans_in_english(english: Path) -> None:
    person = first_plan(english, "personer")
    trainer = first_plan(english, "utbildare")
    assert "Introduction plan for" in person and "Your sessions" in person
    assert "Teaching plan for" in trainer and "Most in one week" in trainer
    assert "Dina kurstillfällen" not in person and "halvdagar" not in trainer


def test_the_workbook_is_swedish(swedish: Path, names: list[str]) -> None:
    text = workbook_text(swedish)
    assert "Närvarolistor" in text and "Sammanfattning" in text
    assert english_words(text, allowed=names) == []


def test_the_workbook_in_english(english: Path) -> None:
    workbook = openpyxl.load_workbook(english / "schema.xlsx")
    assert workbook.sheetnames[:4] == ["Summary", "Sessions", "Participants", "Sign-in lists"]
    header = next(workbook["Sessions"].iter_rows(values_only=True))
    assert header[:3] == ("session", "date", "end date")


def test_a_trainers_and_a_participants_mail_are_swedish(
    swedish: Path, names: list[str], tmp_path: Path
) -> None:
    trainer, participant = trainer_and_participant(messages(swedish, tmp_path / "eml"))
    assert trainer.startswith("Inbjudan: ") and " kl. " in trainer.splitlines()[0]
    assert "Du leder detta tillfälle" in trainer
    assert "Du är kallad till introduktionsprogrammet." in participant
    # The room is said once; a participant is not given the session's id.
    assert participant.count("Lokal: ") == 0 and "Tillfälle: " not in participant
    assert "Tillfälle: " in trainer
    for text in (trainer, participant):
        assert not re.search(r"\d{4}-\d\d-\d\dT", text)
        assert english_words(text, allowed=names) == []


def test_a_trainers_and_a_participants_mail_in_english(english: Path, tmp_path: Path) -> None:
    trainer, participant = trainer_and_participant(
        messages(english, tmp_path / "eml", "--lang", "en")
    )
    assert trainer.startswith("Invitation: ") and " at " in trainer.splitlines()[0]
    assert "You lead this session" in trainer
    assert "You are invited to the introduction programme." in participant
    assert "Preparation: " in participant and "Förberedelse" not in participant


# ---------------------------------------------------------------------------------------------
# The charts over time and the summer break
# ---------------------------------------------------------------------------------------------


def report_data(folder: Path) -> dict[str, object]:
    html = (folder / "rapport.html").read_text(encoding="utf-8")
    found = re.search(r'id="report-data">(.*?)</script>', html, re.DOTALL)
    assert found is not None
    data: dict[str, object] = json.loads(found.group(1))
    return data


def in_summer(moment: datetime) -> bool:
    return SUMMER[0] <= moment <= SUMMER[1]


def test_the_trainers_load_has_a_square_a_week_and_none_in_the_summer_break(swedish: Path) -> None:
    load = report_data(swedish)["load"]
    assert isinstance(load, dict)
    mondays = [datetime.fromisoformat(x) for x in load["x"]]
    # Every week has its own column: none is stretched over the weeks after it.
    assert all(b - a == timedelta(days=7) for a, b in itertools.pairwise(mondays))
    summer = [i for i, monday in enumerate(mondays) if in_summer(monday)]
    assert len(summer) == 6
    for row in load["z"]:
        assert [row[i] for i in summer] == [None] * 6


def test_the_districts_absence_draws_no_half_day_across_a_break(swedish: Path) -> None:
    away = report_data(swedish)["away"]
    assert isinstance(away, dict)
    moments = [datetime.fromisoformat(x) for x in away["x"]]
    drawn = [any(row[i] is not None for row in away["z"]) for i in range(len(moments))]
    assert not any(d for m, d in zip(moments, drawn, strict=True) if in_summer(m))
    # Two half-days drawn side by side are at most a night apart: a weekend or a break
    # between them has empty columns that end the one before it.
    for i in range(len(moments) - 1):
        if drawn[i] and drawn[i + 1]:
            assert moments[i + 1] - moments[i] < timedelta(hours=20), moments[i]


def test_the_summer_break_is_shaded_and_named(swedish: Path) -> None:
    closed = report_data(swedish)["closed"]
    assert isinstance(closed, list)
    summer = [p for p in closed if p["named"]]
    assert [(p["start"], p["end"], p["name"]) for p in summer] == [
        # Midsummer Eve, the Friday before, is closed too.
        ("2027-06-25", "2027-08-09", "sommaruppehåll")
    ]
    text = page(swedish, "rapport.html")
    assert "Grått: stängt (sommaruppehåll 25 juni 2027–6 augusti 2027)" in text
    assert re.search(r"Vecka 26–31: stängt \(sommaruppehåll\), inga pass", text)
