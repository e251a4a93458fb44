"""Output folders: the user's files stay where they are, at any depth of a schedule folder.

A file the program did not write (the marker lists what a run wrote) is moved into the new
content at the same place, so it never goes into the history, where versions are pruned.
Folders written before the marker listed files are read by the forms the program writes.
Every schedule written is checked by the project's checker.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from schemalaggning.check import check_schedule
from schemalaggning.cli import EXIT_BAD_INPUT, main
from schemalaggning.export.sent import SentStore, store_path
from schemalaggning.i18n import LANGUAGE_VARIABLE
from schemalaggning.io import read_instance, read_schedule
from schemalaggning.io.folders import (
    HISTORY,
    KEEP_HISTORY,
    MARKER,
    OutputFolder,
    carry_over,
)
from schemalaggning.io.ownership import FILES_KEY
from schemalaggning.problems import InputError

EXAMPLE = Path(__file__).parents[1] / "data" / "example" / "instance"
SOLVE = ("--time-limit", "2", "--workers", "1")

#: Files of the user's, put into a schedule folder among the program's.
USERS = {
    "anteckningar.txt": b"the coordinator's note",
    "planer/att-skriva-ut.txt": b"print these on Monday",
    "planer/personer/foto-A1.jpg": b"\xff\xd8 a photo",
    "invites/las-mig.txt": b"who to call before sending",
    "ics/egna/extra.ics": b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
    "ics/people/anteckning.md": b"# A1 starts late",
}


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests read the English words of the messages (the message ids); the Swedish
    are tested in ``tests/test_terminal_words.py``."""
    monkeypatch.setenv(LANGUAGE_VARIABLE, "en")


@pytest.fixture
def city(tmp_path: Path) -> Path:
    """A copy of the example instance, as a coordinator keeps it."""
    folder = tmp_path / "city"
    shutil.copytree(EXAMPLE, folder)
    return folder


def run_cli(*args: str) -> tuple[int, str]:
    """Run the command line; the exit status and what it printed (both streams)."""
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def files_under(path: Path) -> dict[str, bytes]:
    """Every file under a folder, with its bytes."""
    return {p.relative_to(path).as_posix(): p.read_bytes() for p in path.rglob("*") if p.is_file()}


def put(folder: Path, files: dict[str, bytes]) -> None:
    """Write files into a folder, making their folders."""
    for name, content in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(content)


def assert_users_files_in_place(folder: Path, files: dict[str, bytes] = USERS) -> None:
    """Each file is where the user put it, byte-identical, and in no history version."""
    for name, content in files.items():
        assert (folder / name).read_bytes() == content, name
    history = folder / HISTORY
    kept = files_under(history) if history.is_dir() else {}
    for name in kept:
        version_path = name.partition("/")[2]
        assert version_path not in files, f"{name}: a file of the user's in the history"


def assert_valid_schedule(instance: Path, folder: Path) -> None:
    """The folder holds a complete schedule that the checker finds nothing wrong with."""
    assert check_schedule(read_instance(instance), read_schedule(folder)) == []


def sent_records(folder: Path) -> list[tuple[str, ...]]:
    """What the folder's store says was sent (without the times)."""
    with SentStore(store_path(folder)) as store:
        return [(r.uid, str(r.sequence), r.method, r.recipient, r.outcome) for r in store.records()]


# ---------------------------------------------------------------------------------------------
# Through the commands
# ---------------------------------------------------------------------------------------------


def test_the_users_files_in_planer_invites_and_ics_stay_through_every_command(
    city: Path,
) -> None:
    out = city.parent / "schedule"
    assert run_cli("solve", str(city), "-o", str(out), *SOLVE)[0] == 0
    put(out, USERS)
    with SentStore(store_path(out)) as store:
        store.record("P1-001-d1@example", 0, "REQUEST", "a1@example.se", "sent", "<m1@x>")
    sent = sent_records(out)

    runs = [
        ("solve", str(city), "-o", str(out), "--seed", "3", *SOLVE),
        ("export", "views", str(out), "--instance", str(city)),
        ("export", "ics", str(out), "--instance", str(city)),
        ("solve", str(city), "-o", str(out), *SOLVE, "--no-ics"),
        ("replan", str(city), "--published", str(out), *SOLVE),
    ]
    for args in runs:
        status, output = run_cli(*args)
        assert status == 0, (args, output)
        assert_users_files_in_place(out)
        assert_valid_schedule(city, out)
        # What was sent stays known: nothing is mailed twice.
        assert sent_records(out) == sent, args
        listed = json.loads((out / MARKER).read_text(encoding="utf-8"))[FILES_KEY]
        assert "sessions.csv" in listed
        assert not set(USERS) & set(listed), "the user's files are not listed as the program's"
    assert len(list((out / HISTORY).iterdir())) == len(runs)


def test_a_users_file_where_the_new_schedule_writes_refuses_the_run_and_keeps_it(
    city: Path,
) -> None:
    out = city.parent / "schedule"
    assert run_cli("solve", str(city), "-o", str(out), *SOLVE, "--no-ics")[0] == 0
    # The schedule has no calendar; the user put one of their own in its place.
    mine = b"BEGIN:VCALENDAR\r\nX-WR-CALNAME:mine\r\nEND:VCALENDAR\r\n"
    (out / "calendar.ics").write_bytes(mine)
    before = files_under(out)

    status, output = run_cli("export", "ics", str(out), "--instance", str(city))

    assert status == EXIT_BAD_INPUT, output
    assert "Traceback" not in output
    assert f"{out / 'calendar.ics'}: expected no file of yours here" in output
    assert "move or rename yours" in output
    assert files_under(out) == before, "the folder is as it was"
    assert [p.name for p in city.parent.iterdir() if p.name.startswith(".schedule")] == []


# ---------------------------------------------------------------------------------------------
# OutputFolder alone
# ---------------------------------------------------------------------------------------------

#: What a small schedule of the program's holds, nested as a real one is.
PRODUCT = {
    "sessions.csv": b"sessions",
    "assignments.csv": b"assignments",
    "summary.json": b"{}",
    "planer/index.html": b"<html>",
    "planer/personer/A1.html": b"<html>A1",
    "ics/people/A1.ics": b"A1",
    "ics/ledger.json": b"{}",
    "invites/S1-d1.ics": b"S1",
    "invites/outbox.csv": b"file,to",
    "invites/sent.sqlite": b"store",
}


def writing(files: dict[str, bytes]) -> Callable[[Path], None]:
    """A writer of the given files, as a command hands one to replace."""
    return lambda folder: put(folder, files)


def replace(folder: Path, files: dict[str, bytes], kind: str = "schedule") -> None:
    """One run that replaces the folder with the given files."""
    with OutputFolder(folder, kind) as output:
        output.replace(writing(files))


def test_the_users_nested_files_outlive_the_history(tmp_path: Path) -> None:
    out = tmp_path / "schedule"
    replace(out, PRODUCT)
    put(out, USERS)

    for run in range(KEEP_HISTORY + 2):
        replace(out, {**PRODUCT, "sessions.csv": f"run {run}".encode()})

    assert_users_files_in_place(out)
    assert (out / "sessions.csv").read_bytes() == f"run {KEEP_HISTORY + 1}".encode()
    assert len(list((out / HISTORY).iterdir())) == KEEP_HISTORY


def test_a_file_the_program_no_longer_writes_goes_to_history(tmp_path: Path) -> None:
    out = tmp_path / "schedule"
    replace(out, {**PRODUCT, "planer/personer/B9.html": b"B9 has left"})
    put(out, USERS)

    replace(out, PRODUCT)

    assert not (out / "planer/personer/B9.html").exists()
    (kept,) = (out / HISTORY).iterdir()
    assert (kept / "planer/personer/B9.html").read_bytes() == b"B9 has left"
    assert_users_files_in_place(out)


def test_a_users_file_in_the_new_contents_place_is_refused_with_its_path(tmp_path: Path) -> None:
    out = tmp_path / "schedule"
    replace(out, PRODUCT)
    put(out, USERS)
    (out / "planer/personer/B9.html").write_bytes(b"my own page")
    before = files_under(out)

    with pytest.raises(InputError) as raised, OutputFolder(out, "schedule") as output:
        output.replace(writing({**PRODUCT, "planer/personer/B9.html": b"B9 is hired"}))

    (problem,) = raised.value.problems
    assert problem.file == str(out / "planer/personer/B9.html")
    assert not output.replaced
    assert files_under(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["schedule"], "no unfinished copy left"


def test_a_folder_of_the_users_inside_invites_moves_whole(tmp_path: Path) -> None:
    out = tmp_path / "schedule"
    replace(out, PRODUCT)
    (out / "invites" / "tomt").mkdir()  # empty folders of the user's stay too
    put(out, {"invites/utkast/brev.txt": b"draft", "invites/utkast/unsent/x.ics": b"x"})

    replace(out, PRODUCT)

    assert (out / "invites" / "tomt").is_dir()
    assert (out / "invites/utkast/brev.txt").read_bytes() == b"draft"
    assert (out / "invites/utkast/unsent/x.ics").read_bytes() == b"x"


def test_files_send_and_replan_write_in_place_are_the_programs(tmp_path: Path) -> None:
    # A folder written without invitations; send made the store there, and a re-plan into
    # another folder noted that it took the unsent invitations. Neither is listed.
    out = tmp_path / "schedule"
    replace(out, {k: v for k, v in PRODUCT.items() if not k.startswith("invites/")})
    put(
        out,
        {
            "invites/sent.sqlite": b"store made by send",
            "invites/sent.sqlite-journal": b"its journal",
            "invites/carried-to.json": b'{"folder": "elsewhere"}',
            "invites/las-mig.txt": b"mine",
        },
    )

    replace(out, PRODUCT)

    assert (out / "invites/sent.sqlite").read_bytes() == b"store", "the new content's own"
    assert not (out / "invites/carried-to.json").exists()
    assert not (out / "invites/sent.sqlite-journal").exists()
    (kept,) = (out / HISTORY).iterdir()
    assert (kept / "invites/sent.sqlite").read_bytes() == b"store made by send"
    assert (kept / "invites/sent.sqlite-journal").read_bytes() == b"its journal"
    assert (out / "invites/las-mig.txt").read_bytes() == b"mine"


def _old_marker(folder: Path) -> None:
    (folder / MARKER).write_text(
        '{"kind": "schedule", "written": "2026-10-01T09:00:00"}\n', encoding="utf-8"
    )


def _no_marker(folder: Path) -> None:
    (folder / MARKER).unlink(missing_ok=True)


@pytest.mark.parametrize("make", [_old_marker, _no_marker], ids=["old-marker", "no-marker"])
def test_a_folder_written_before_the_marker_listed_files_keeps_the_users(
    make: Callable[[Path], None], tmp_path: Path
) -> None:
    out = tmp_path / "schedule"
    older = {
        **PRODUCT,
        "planer/utbildare/U1.html": b"U1",
        "ics/rooms/R1.ics": b"R1",
        "invites/unsent/S1-d1-s2.ics": b"S1 again",
        "invites/carried-to.json": b"{}",
    }
    put(out, older)
    make(out)
    # Without a marker, a folder is a schedule's only with nothing else at its top.
    users = {k: v for k, v in USERS.items() if "/" in k or make is _old_marker}
    put(out, users)

    replace(out, {**PRODUCT, "sessions.csv": b"new"})

    assert_users_files_in_place(out, users)
    (kept,) = (out / HISTORY).iterdir()
    assert files_under(kept).keys() - {MARKER} == older.keys(), "the program's went to history"
    assert not (out / "invites/unsent").exists()
    assert not (out / "planer/utbildare").exists()


def test_history_versions_from_before_the_list_are_never_pruned(tmp_path: Path) -> None:
    # An earlier version of the program moved the user's planer/ notes into the history
    # with the schedule: such versions may hold the only copy, and stay.
    out = tmp_path / "schedule"
    put(out, PRODUCT)
    _old_marker(out)
    for stamp in ("2026-09-01T08-00-00", "2026-09-02T08-00-00"):
        put(out / HISTORY / stamp, {**PRODUCT, "planer/att-skriva-ut.txt": stamp.encode()})
        _old_marker(out / HISTORY / stamp)

    for run in range(KEEP_HISTORY + 3):
        replace(out, {**PRODUCT, "sessions.csv": f"run {run}".encode()})

    versions = sorted(p.name for p in (out / HISTORY).iterdir())
    assert versions[:2] == ["2026-09-01T08-00-00", "2026-09-02T08-00-00"]
    for stamp in versions[:2]:
        assert (out / HISTORY / stamp / "planer/att-skriva-ut.txt").read_bytes() == stamp.encode()
    # The folder as it was before the first run (its marker listed nothing), and the ten
    # latest of the program's own.
    assert len(versions) == 2 + 1 + KEEP_HISTORY


def test_carry_over_leaves_the_users_files_to_the_swap(tmp_path: Path) -> None:
    out = tmp_path / "schedule"
    replace(out, PRODUCT)
    put(out, USERS)
    temporary = tmp_path / "temporary"
    temporary.mkdir()

    carry_over(out, temporary, ["planer"])

    assert files_under(temporary) == {k: v for k, v in PRODUCT.items() if "planer/" not in k}


# ---------------------------------------------------------------------------------------------
# A run killed at any instant
# ---------------------------------------------------------------------------------------------


class Crash(BaseException):
    """The process dies here (nothing after it runs, not even clean-up)."""


def _count_renames(out: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    replace(out, PRODUCT)
    put(out, USERS)
    calls = 0
    original = Path.rename

    def counting(self: Path, target: str | os.PathLike[str]) -> Path:
        nonlocal calls
        calls += 1
        return original(self, target)

    monkeypatch.setattr(Path, "rename", counting)
    replace(out, {**PRODUCT, "sessions.csv": b"new"})
    monkeypatch.setattr(Path, "rename", original)
    return calls


def test_a_crash_at_any_instant_keeps_the_users_nested_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    total = _count_renames(tmp_path / "count" / "schedule", monkeypatch)
    assert total >= len(USERS) + 3
    original = Path.rename
    for crash_at in range(1, total + 1):
        out = tmp_path / f"crash-{crash_at}" / "schedule"
        replace(out, PRODUCT)
        put(out, USERS)
        calls = 0

        def crashing(self: Path, target: str | os.PathLike[str], crash_at: int = crash_at) -> Path:
            nonlocal calls
            calls += 1
            if calls == crash_at:
                raise Crash
            return original(self, target)

        monkeypatch.setattr(Path, "rename", crashing)
        output = OutputFolder(out, "schedule")
        with pytest.raises(Crash):
            output.__enter__()
            output.replace(writing({**PRODUCT, "sessions.csv": b"new"}))
        monkeypatch.setattr(Path, "rename", original)
        output._release_lock()  # The process died: the system ends its lock.

        with OutputFolder(out, "schedule"):
            pass  # the next run puts the pieces together

        assert (out / "sessions.csv").read_bytes() in (b"sessions", b"new"), crash_at
        assert_users_files_in_place(out)
        assert [p.name for p in out.parent.iterdir()] == ["schedule"], crash_at
        # And the run after that, a whole one, keeps them too.
        replace(out, PRODUCT)
        assert_users_files_in_place(out)
