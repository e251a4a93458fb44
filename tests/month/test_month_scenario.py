"""The month the tester tried, scripted: publish Göteborg, add March hires, two no-shows
and --forecast auto, re-plan on 1 February 2027. The re-plan keeps the rules (history
notes aside), says what history did in changes.csv and the person's plan, and explain
advises nothing only the past could follow."""

from __future__ import annotations

import csv
import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from schemalaggning.check import check_schedule_with_notes
from schemalaggning.cli import main
from schemalaggning.domain import HISTORY_ORDER
from schemalaggning.io import read_instance, read_schedule
from schemalaggning.io.schedule import Schedule

GOTEBORG = Path(__file__).resolve().parents[2] / "instances" / "goteborg"
TODAY = date(2027, 2, 1)


def run(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result


def missed_then_went_on(schedule: Schedule) -> tuple[str, str, str]:
    """A person, a part-1 session before today they will have missed, and a theme that
    needs part 1 they took after it, before today: (person, missed session, later one)."""
    days = {s.session_id: s.slots[0].day for _, s in schedule.sessions}
    by_person: dict[str, list[tuple[date, str, str]]] = {}
    for _, a in schedule.assignments:
        attended = (days[a.session_id], a.course_id, a.session_id)
        by_person.setdefault(a.person_id, []).append(attended)
    for person, taken in sorted(by_person.items()):
        taken.sort()
        part1 = [t for t in taken if t[1].startswith("P1") and t[0] < TODAY]
        themes = [t for t in taken if t[1].startswith("T") and t[0] < TODAY]
        for day, _, session in part1:
            later = [t for t in themes if t[0] > day]
            if later:
                return person, session, later[0][2]
    raise AssertionError("no person took a theme after part 1 before today")


def with_march_hires_and_no_shows(folder: Path, no_shows: list[tuple[str, str]]) -> None:
    people = folder / "people.csv"
    with people.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    template = next(r for r in rows if r["required"] == "yes")
    for k in range(1, 4):
        rows.append(
            {
                **template,
                "person_id": f"MARS{k}",
                "name": f"Ny Anställd {k}",
                "email": f"ny{k}@goteborg.example.se",
                "start_date": f"2027-03-0{k}",
                "done": "",
            }
        )
    with people.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    with (folder / "attendance.csv").open("w", encoding="utf-8", newline="") as handle:
        lines = csv.writer(handle)
        lines.writerow(["session_id", "person_id", "attended"])
        for session, person in no_shows:
            lines.writerow([session, person, "no"])


@pytest.mark.slow
def test_the_month_tells_the_truth(tmp_path: Path) -> None:
    published = tmp_path / "publicerat"
    run("solve", str(GOTEBORG), "-o", str(published), "--greedy", "--no-ics")
    schedule = read_schedule(published)
    person, missed, later = missed_then_went_on(schedule)
    other = next(
        (s.session_id, a.person_id)
        for _, s in schedule.sessions
        for _, a in schedule.assignments
        if a.session_id == s.session_id and s.slots[0].day < TODAY and a.person_id != person
    )
    instance = tmp_path / "goteborg"
    shutil.copytree(GOTEBORG, instance)
    with_march_hires_and_no_shows(instance, [(missed, person), other])

    out = tmp_path / "omplanerat"
    replanned = run(
        "replan",
        str(instance),
        "--published",
        str(published),
        "--today",
        TODAY.isoformat(),
        "-o",
        str(out),
        "--greedy",
        "--forecast",
        "auto",
        "--no-ics",
    )
    assert "Historik:" in replanned.output

    # The rules hold; what history did is a note, not a violation.
    found = check_schedule_with_notes(read_instance(instance), read_schedule(out))
    assert found.violations == []
    assert any(n.person_id == person for n in found.notes)

    with (out / "changes.csv").open(encoding="utf-8-sig", newline="") as handle:
        notes = [r for r in csv.DictReader(handle) if r["change"] == HISTORY_ORDER]
    mine = [r for r in notes if r["person_id"] == person and r["before"] == missed]
    assert [r["session_id"] for r in mine][:1] == [later]
    assert "som missades den" in mine[0]["why"]
    plan = (out / "planer" / "personer" / f"{person}.html").read_text(encoding="utf-8")
    assert "Att veta" in plan and mine[0]["why"] in plan
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["today"] == "2027-02-01"

    # explain on the re-planned schedule advises nothing only the past could follow.
    # (The two missed courses: explaining every attendance of a city takes long.)
    courses = {s.session_id: s.course_id for _, s in schedule.sessions}
    asked = [(person, courses[missed]), (other[1], courses[other[0]])]
    explained_items = [
        item
        for who, course in asked
        for item in json.loads(
            run(
                "explain",
                str(instance),
                "--schedule",
                str(out),
                "--person",
                who,
                "--course",
                course,
                "--json",
            ).output
        )["attendances"]
    ]
    assert len(explained_items) == 2
    for item in explained_items:
        if not item["met"] and date.fromisoformat(item["deadline"]) < TODAY:
            assert item["fixes"] == [], item
