"""A schedule folder knows its instance: another instance is refused before any work."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from schemalaggning.check import check_schedule
from schemalaggning.cli import main
from schemalaggning.i18n import LANGUAGE_VARIABLE
from schemalaggning.io import read_instance, read_schedule
from schemalaggning.io.identity import IDENTITY_KEY, instance_identity


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests read the English words of the messages (the message ids); the Swedish
    are tested in ``tests/test_terminal_words.py``."""
    monkeypatch.setenv(LANGUAGE_VARIABLE, "en")


TINY = Path(__file__).resolve().parents[2] / "instances" / "tiny"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file of a folder by its relative path, with its bytes."""
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def renamed(source: Path, target: Path, name: str) -> Path:
    """A copy of an instance under another name: another city's instance."""
    shutil.copytree(source, target)
    toml = target / "instance.toml"
    lines = toml.read_text(encoding="utf-8").splitlines()
    lines = [f'name = "{name}"' if line.startswith("name =") else line for line in lines]
    toml.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


def with_new_hire(source: Path, target: Path) -> Path:
    """The same instance a month later: one more hire."""
    shutil.copytree(source, target)
    people = target / "people.csv"
    with people.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    new = {**rows[0], "person_id": "NY001", "name": "Ny Anställd", "email": "ny@example.org"}
    with people.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows([*rows, new])
    return target


def assert_checked(instance: Path, folder: Path) -> None:
    assert check_schedule(read_instance(instance), read_schedule(folder)) == []


@pytest.fixture
def published(tmp_path: Path) -> Path:
    """A schedule of the tiny instance with its invitations published."""
    instance = tmp_path / "tiny"
    shutil.copytree(TINY, instance)
    folder = tmp_path / "schema"
    result = run("solve", str(instance), "-o", str(folder), "--greedy", "--time-limit", "30")
    assert result.exit_code == 0, result.output
    assert_checked(instance, folder)
    return folder


def test_summary_records_the_identity(published: Path, tmp_path: Path) -> None:
    summary = json.loads((published / "summary.json").read_text(encoding="utf-8"))
    assert summary[IDENTITY_KEY] == instance_identity(read_instance(tmp_path / "tiny"))


def test_identity_survives_new_hires_and_differs_by_name(tmp_path: Path) -> None:
    same = instance_identity(read_instance(with_new_hire(TINY, tmp_path / "later")))
    other = instance_identity(read_instance(renamed(TINY, tmp_path / "other", "Malmö")))
    assert same == instance_identity(read_instance(TINY))
    assert other["fingerprint"] != same["fingerprint"]
    assert other["name"] == "Malmö"


@pytest.mark.parametrize(
    "command",
    [
        ("export", "ics", "{schedule}", "--instance", "{instance}"),
        ("export", "views", "{schedule}", "--instance", "{instance}"),
        ("send", "{schedule}", "--instance", "{instance}", "--dry-run", "{schedule}-utkast"),
        ("check", "{instance}", "{schedule}"),
        ("replan", "{instance}", "--published", "{schedule}", "--greedy"),
        ("electives", "{instance}", "--schedule", "{schedule}"),
        ("explain", "{instance}", "--schedule", "{schedule}"),
    ],
)
def test_another_instance_is_refused_and_nothing_changes(
    published: Path, tmp_path: Path, command: tuple[str, ...]
) -> None:
    other = renamed(tmp_path / "tiny", tmp_path / "malmo", "Malmö, introduktionsprogram")
    before = snapshot(published)
    args = [a.format(schedule=published, instance=other) for a in command]
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert "another instance" in result.output
    assert "Malmö" in result.output
    assert snapshot(published) == before


def test_the_same_instance_a_month_later_is_taken(published: Path, tmp_path: Path) -> None:
    later = with_new_hire(tmp_path / "tiny", tmp_path / "later")
    result = run("export", "ics", str(published), "--instance", str(later))
    assert result.exit_code == 0, result.output
    checked = run("check", str(later), str(published))
    assert checked.exit_code == 0, checked.output


def test_solving_another_instance_into_a_published_folder_asks_first(
    published: Path, tmp_path: Path
) -> None:
    other = renamed(tmp_path / "tiny", tmp_path / "malmo", "Malmö, introduktionsprogram")
    before = snapshot(published)
    refused = run("solve", str(other), "-o", str(published), "--greedy")
    assert refused.exit_code == 2, refused.output
    assert "--other-instance" in refused.output
    assert "published events" in refused.output
    assert snapshot(published) == before

    taken = run("solve", str(other), "-o", str(published), "--greedy", "--other-instance")
    assert taken.exit_code == 0, taken.output
    assert "published events" in taken.output
    summary = json.loads((published / "summary.json").read_text(encoding="utf-8"))
    assert summary[IDENTITY_KEY]["name"] == "Malmö, introduktionsprogram"
    assert_checked(other, published)


def test_a_folder_written_before_the_identity_is_taken(published: Path, tmp_path: Path) -> None:
    summary_path = published / "summary.json"
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    del summary[IDENTITY_KEY]
    summary_path.write_text(json.dumps(summary), encoding="utf-8")
    later = with_new_hire(tmp_path / "tiny", tmp_path / "later")
    result = run("export", "ics", str(published), "--instance", str(later))
    assert result.exit_code == 0, result.output
