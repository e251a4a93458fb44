"""The outbox keeps everything unsent: re-exports, re-plans and damaged files."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from schemalaggning.check import check_schedule
from schemalaggning.cli import EXIT_BAD_INPUT, main
from schemalaggning.export.outbox import read_outbox
from schemalaggning.io import read_instance, read_schedule
from schemalaggning.io.tables import from_spreadsheet, spreadsheet_safe

EXAMPLE = Path(__file__).parents[1] / "data" / "example"
INSTANCE = EXAMPLE / "instance"
DOMAIN = "example-two-districts-one-quarter.schemalaggning"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def ok(*args: str) -> Result:
    result = run(*args)
    assert result.exit_code == 0, result.output
    return result


def export(folder: Path, *more: str) -> None:
    ok("export", "ics", str(folder), "--instance", str(INSTANCE), *more)


def assert_checked(folder: Path, instance: Path = INSTANCE) -> None:
    assert check_schedule(read_instance(instance), read_schedule(folder)) == []


def rows_of(folder: Path) -> list[dict[str, str]]:
    with (folder / "invites" / "outbox.csv").open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def pending(folder: Path) -> set[tuple[str, str, str, str]]:
    """(file, METHOD, SEQUENCE, address) of every message the outbox lists; each file
    exists."""
    found = set()
    for row in rows_of(folder):
        assert (folder / row["file"]).is_file(), row["file"]
        for address in row["to"].split(";"):
            found.add((row["file"], row["method"], row["sequence"], address.strip()))
    return found


@pytest.fixture
def example(tmp_path: Path) -> Path:
    folder = tmp_path / "schedule"
    shutil.copytree(EXAMPLE / "schedule", folder)
    (folder / "summary.json").write_text(
        json.dumps({"status": "feasible", "instance": str(INSTANCE)}), encoding="utf-8"
    )
    assert_checked(folder)
    export(folder)
    return folder


def move_s2(folder: Path, day: str = "2027-01-20") -> None:
    """Move S2 (a morning) to another Wednesday."""
    path = folder / "sessions.csv"
    text = path.read_text(encoding="utf-8-sig").replace("2027-01-13", day)
    path.write_text(text, encoding="utf-8")
    assert_checked(folder)


def take_off_s2(folder: Path, person_id: str, unmet: str = "") -> None:
    """Take a person off S2; ``unmet`` is the unscheduled.csv row that says so."""
    path = folder / "assignments.csv"
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    path.write_text("\n".join(x for x in lines if x != f"{person_id},T1,S2") + "\n", "utf-8")
    sessions = folder / "sessions.csv"
    lines = sessions.read_text(encoding="utf-8-sig").splitlines()
    count = sum(1 for x in path.read_text(encoding="utf-8-sig").splitlines() if x.endswith(",S2"))
    lines = [x.rsplit(",", 1)[0] + f",{count}" if x.startswith("S2,") else x for x in lines]
    sessions.write_text("\n".join(lines) + "\n", encoding="utf-8")
    if unmet:
        with (folder / "unscheduled.csv").open("a", encoding="utf-8") as handle:
            handle.write(unmet + "\n")
    assert_checked(folder)


@pytest.mark.parametrize(
    "text",
    ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "\tx", "\rx", "'quoted", "''", "ok", ""],
)
def test_spreadsheet_safe_neutralises_and_comes_back(text: str) -> None:
    safe = spreadsheet_safe(text)
    assert not safe.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert from_spreadsheet(safe) == text


def test_exporting_twice_before_sending_keeps_every_row(example: Path) -> None:
    first = pending(example)
    assert len(first) == 11
    files = {name: (example / name).read_bytes() for name, *_ in first}
    export(example)
    assert pending(example) == first
    export(example, "--changes-only")
    assert pending(example) == first
    assert {name: (example / name).read_bytes() for name in files} == files


def test_a_newer_version_replaces_the_unsent_older_one(example: Path) -> None:
    move_s2(example)
    export(example, "--changes-only")
    rows = {(r["file"], r["sequence"]) for r in rows_of(example)}
    assert rows == {("invites/S1-d1.ics", "0"), ("invites/S2-d1.ics", "1")}
    assert len(pending(example)) == 11


def test_an_unsent_cancellation_is_kept_beside_a_newer_one(example: Path) -> None:
    """Xenia's cancellation (SEQUENCE 1) is still unsent when Berit is taken off too: the
    file name goes to Berit's (SEQUENCE 2), and Xenia's moves to invites/unsent/."""
    ok("send", str(example), "--discard", "all", "--mailed-elsewhere")
    take_off_s2(example, "X1")
    export(example)
    assert {(r["file"], r["to"]) for r in rows_of(example)} == {
        ("invites/S2-d1-uninvite.ics", "xenia@example.org")
    }
    xenia = (example / "invites" / "S2-d1-uninvite.ics").read_bytes()
    take_off_s2(example, "B1", "B1,T1,2027-03-25,trainer_available: the session was cancelled")
    export(example)
    assert pending(example) == {
        ("invites/unsent/S2-d1-s1-uninvite.ics", "CANCEL", "1", "xenia@example.org"),
        ("invites/S2-d1-uninvite.ics", "CANCEL", "2", "berit@example.org"),
    }
    assert (example / "invites" / "unsent" / "S2-d1-s1-uninvite.ics").read_bytes() == xenia


def test_a_replan_keeps_the_published_folders_unsent_rows(example: Path, tmp_path: Path) -> None:
    before = pending(example)
    target = tmp_path / "next"
    ok(
        "replan",
        str(INSTANCE),
        "--published",
        str(example),
        "-o",
        str(target),
        "--today",
        "2027-01-04",
        "--greedy",
        "--time-limit",
        "5",
    )
    assert_checked(target)
    after = pending(target)
    # Every unsent message is still listed, in the version the re-plan left it in.
    kept = {(f, a) for f, _, _, a in after}
    newer = {(p[0].replace("-cancel", ""), p[3]) for p in after}
    for file, _, _, address in before:
        assert (file, address) in kept or (file, address) in newer
    assert len(after) >= len(before)


def test_after_a_replan_into_a_new_folder_only_the_new_folder_sends(
    example: Path, tmp_path: Path
) -> None:
    # The new folder took over the published folder's unsent invitations; mailing from
    # both would send them twice, so the published folder refuses and names the new one.
    target = tmp_path / "next"
    ok("replan", str(INSTANCE), "--published", str(example), "-o", str(target),
       "--today", "2027-01-04", "--greedy", "--time-limit", "5")  # fmt: skip
    assert_checked(target)
    rows = rows_of(example)

    refused = run("send", str(example), "--dry-run", str(tmp_path / "eml-old"))

    assert refused.exit_code == EXIT_BAD_INPUT
    assert "Traceback" not in refused.output
    assert f"schemalaggning send {target}" in refused.output
    assert rows_of(example) == rows, "the published folder's outbox is kept as it was"
    assert not (tmp_path / "eml-old").exists()
    sent = run("send", str(target), "--dry-run", str(tmp_path / "eml-new"))
    assert sent.exit_code == 0, sent.output
    assert list((tmp_path / "eml-new").glob("*.eml"))


def test_a_solve_without_calendars_keeps_the_outbox(example: Path, tmp_path: Path) -> None:
    before = pending(example)
    ok("solve", str(INSTANCE), "-o", str(example), "--greedy", "--no-ics", "--time-limit", "5")
    assert_checked(example)
    assert pending(example) == before


def test_discarding_says_what_it_discards(example: Path) -> None:
    result = ok("send", str(example), "--discard", "invites/S1-d1.ics")
    assert "invites/S1-d1.ics till anna@example.org" in result.output
    assert {p[0] for p in pending(example)} == {"invites/S2-d1.ics"}
    export(example)
    assert {p[0] for p in pending(example)} == {"invites/S2-d1.ics"}
    wrong = run("send", str(example), "--discard", "nobody@example.org")
    assert wrong.exit_code == EXIT_BAD_INPUT
    assert "nobody@example.org" in wrong.output
    assert len(pending(example)) == 6


def test_a_formula_in_a_course_name_is_not_run(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    shutil.copytree(INSTANCE, instance)
    courses = instance / "courses.csv"
    courses.write_text(
        courses.read_text(encoding="utf-8-sig").replace("Del 1: introduktion", '"=HYPERLINK(1)"'),
        encoding="utf-8",
    )
    folder = tmp_path / "schedule"
    shutil.copytree(EXAMPLE / "schedule", folder)
    assert_checked(folder, instance)
    ok("export", "ics", str(folder), "--instance", str(instance))
    raw = {row["file"]: row for row in rows_of(folder)}["invites/S1-d1.ics"]
    assert raw["summary"].startswith("'=HYPERLINK(1)")
    read = {row.file: row for row in read_outbox(folder)}["invites/S1-d1.ics"]
    assert read.summary.startswith("=HYPERLINK(1)")


@pytest.mark.parametrize(
    ("uid", "session_id"),
    [("../../../../tmp/evil-d1@x", "S1"), ("S9-d1@x", "S1"), ("S1-d1/x@y", "S1")],
)
def test_a_damaged_ledger_uid_is_located(example: Path, uid: str, session_id: str) -> None:
    ledger = example / "ics" / "ledger.json"
    data = json.loads(ledger.read_text(encoding="utf-8"))
    entry = dict(next(iter(data["events"].values())), session_id=session_id, day=1)
    data["events"][uid] = entry
    ledger.write_text(json.dumps(data), encoding="utf-8")
    before = {p: p.read_bytes() for p in example.rglob("*") if p.is_file()}
    result = run("export", "ics", str(example))
    assert result.exit_code == EXIT_BAD_INPUT
    assert "ics/ledger.json" in result.output and uid in result.output
    assert "expected the UID" in result.output
    assert "Traceback" not in result.output
    assert {p: p.read_bytes() for p in example.rglob("*") if p.is_file()} == before


def test_a_damaged_outbox_is_located(example: Path) -> None:
    path = example / "invites" / "outbox.csv"
    text = path.read_text(encoding="utf-8").replace("invites/S2-d1.ics", "../../etc/passwd.ics")
    path.write_text(text, encoding="utf-8")
    result = run("export", "ics", str(example))
    assert result.exit_code == EXIT_BAD_INPUT
    assert "invites/outbox.csv" in result.output and "../../etc/passwd.ics" in result.output
    assert "Traceback" not in result.output


def test_a_missing_unsent_file_stops_the_export(example: Path) -> None:
    (example / "invites" / "S2-d1.ics").unlink()
    move_s2(example)
    result = run("export", "ics", str(example), "--changes-only")
    # S2's new version replaces the lost file, so nothing unsent is lost: fine.
    assert result.exit_code == 0, result.output
    (example / "invites" / "S1-d1.ics").unlink()
    result = run("export", "ics", str(example), "--changes-only")
    assert result.exit_code == EXIT_BAD_INPUT
    assert "invites/S1-d1.ics" in result.output and "--discard" in result.output
