"""Output folders: nothing the user has is lost, whatever they name with -o or however a
run ends.

Every case starts from a copy of the bundled example instance. A refused folder must give
exit status 2 and a message naming the path, before any work, with the user's files
byte-identical afterwards. Every schedule written is checked by the project's checker.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from schemalaggning.check import check_schedule
from schemalaggning.cli import EXIT_BAD_INPUT, EXIT_TRY_AGAIN, main
from schemalaggning.exits import EXIT_SIGINT, EXIT_SIGTERM
from schemalaggning.i18n import LANGUAGE_VARIABLE
from schemalaggning.io import read_instance, read_schedule
from schemalaggning.io.folders import HISTORY, MARKER, OutputFolder


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests read the English words of the messages (the message ids); the Swedish
    are tested in ``tests/test_terminal_words.py``."""
    monkeypatch.setenv(LANGUAGE_VARIABLE, "en")


EXAMPLE = Path(__file__).parents[1] / "data" / "example" / "instance"
SMALL = Path(__file__).parents[2] / "instances" / "small"
SOLVE = ("--time-limit", "2", "--workers", "1", "--no-ics")


@pytest.fixture
def city(tmp_path: Path) -> Path:
    """A copy of the example instance, as a coordinator keeps it."""
    folder = tmp_path / "city"
    shutil.copytree(EXAMPLE, folder)
    return folder


def files_under(path: Path) -> dict[str, bytes]:
    """Every file under a path (or the file itself), with its bytes."""
    if path.is_file():
        return {path.name: path.read_bytes()}
    return {
        str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()
    }


def everything(root: Path) -> set[str]:
    """Every entry under a folder, hidden ones too."""
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def run_cli(*args: str) -> tuple[int, str]:
    """Run the command line; the exit status and what it printed (both streams)."""
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def assert_valid_schedule(instance: Path, folder: Path) -> None:
    """The folder holds a complete schedule that the checker finds nothing wrong with."""
    for name in ("sessions.csv", "assignments.csv", "unscheduled.csv", "summary.json"):
        assert (folder / name).is_file(), name
    assert check_schedule(read_instance(instance), read_schedule(folder)) == []


# ---------------------------------------------------------------------------------------------
# What -o accepts
# ---------------------------------------------------------------------------------------------


def _the_instance(city: Path) -> Path:
    return city


def _its_parent(city: Path) -> Path:
    return city.parent


def _a_folder_of_the_users(city: Path) -> Path:
    folder = city.parent / "budget"
    folder.mkdir()
    (folder / "budget.xlsx").write_bytes(b"the coordinator's budget")
    (folder / "anteckningar.txt").write_text("notes", encoding="utf-8")
    return folder


def _a_file(city: Path) -> Path:
    file = city.parent / "schema.txt"
    file.write_text("a file of the user's", encoding="utf-8")
    return file


def _an_instance_folder_generate_wrote(city: Path) -> Path:
    folder = city.parent / "generated"
    assert run_cli("generate", str(folder), "--preset", "tiny")[0] == 0
    return folder


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (_the_instance, "it is the instance"),
        (_its_parent, "holds the instance"),
        (_a_folder_of_the_users, "anteckningar.txt, budget.xlsx, which would be lost"),
        (_a_file, "this is a file"),
        (_an_instance_folder_generate_wrote, "it holds an instance"),
    ],
    ids=["instance", "parent-of-instance", "users-folder", "file", "generated-instance"],
)
@pytest.mark.parametrize("command", ["solve", "replan"])
def test_refused_output_is_named_before_any_work(
    make: object, words: str, command: str, city: Path
) -> None:
    assert callable(make)
    target: Path = make(city)
    published = city.parent / "published"
    if command == "replan":
        assert run_cli("solve", str(city), "-o", str(published), *SOLVE)[0] == 0
    before = files_under(city.parent)
    listing = everything(city.parent)

    args = (
        ["solve", str(city), "-o", str(target), *SOLVE]
        if command == "solve"
        else ["replan", str(city), "--published", str(published), "-o", str(target), *SOLVE]
    )
    started = time.perf_counter()
    status, output = run_cli(*args)

    assert status == EXIT_BAD_INPUT, output
    assert "Traceback" not in output
    assert str(target) in output and words in output
    assert files_under(city.parent) == before, "every file of the user's is byte-identical"
    assert everything(city.parent) == listing, "nothing new, not even a hidden folder"
    assert time.perf_counter() - started < 2, "refused before solving"


def test_the_current_folder_is_refused(city: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(city.parent)
    listing = everything(city.parent)

    status, output = run_cli("solve", "city", "-o", ".", *SOLVE)

    assert status == EXIT_BAD_INPUT
    assert "Traceback" not in output
    assert "not the current folder" in output
    assert everything(city.parent) == listing


def test_the_home_folder_is_refused(city: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = city.parent / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))

    status, output = run_cli("solve", str(city), "-o", "~", *SOLVE)

    assert status == EXIT_BAD_INPUT
    assert "not the home folder" in output
    assert list(home.iterdir()) == []


def test_a_folder_that_cannot_be_written_is_named_before_any_work(city: Path) -> None:
    # /proc takes no new files, even for root (tests may run as root, for whom a
    # read-only permission is no obstacle).
    target = Path("/proc/schemalaggning-schema")

    status, output = run_cli("solve", str(city), "-o", str(target), *SOLVE)

    assert status == EXIT_BAD_INPUT
    assert "Traceback" not in output
    assert f"{target}: cannot" in output


def test_a_new_and_an_empty_folder_are_written(city: Path) -> None:
    empty = city.parent / "empty"
    empty.mkdir()
    for target in (city.parent / "new" / "schedule", empty):
        status, output = run_cli("solve", str(city), "-o", str(target), *SOLVE)
        assert status == 0, output
        assert_valid_schedule(city, target)
        assert json.loads((target / MARKER).read_text(encoding="utf-8"))["kind"] == "schedule"


def test_a_replaced_schedule_is_kept_in_history_and_the_users_files_stay(city: Path) -> None:
    out = city.parent / "schedule"
    assert run_cli("solve", str(city), "-o", str(out), *SOLVE)[0] == 0
    first = files_under(out)
    note = out / "anteckningar.txt"
    note.write_text("the coordinator's note", encoding="utf-8")

    assert run_cli("solve", str(city), "-o", str(out), "--seed", "3", *SOLVE[:-1])[0] == 0

    assert note.read_text(encoding="utf-8") == "the coordinator's note"
    (kept,) = (out / HISTORY).iterdir()
    assert files_under(kept) == first, "the replaced schedule is recoverable as it was"
    assert_valid_schedule(city, out)
    assert_valid_schedule(city, kept)
    assert [p.name for p in city.parent.iterdir() if p.name.startswith(".schedule")] == [], (
        "no temporary folder or lock file is left"
    )


def test_a_schedule_folder_from_before_the_marker_is_recognised(city: Path) -> None:
    out = city.parent / "schedule"
    assert run_cli("solve", str(city), "-o", str(out), *SOLVE)[0] == 0
    (out / MARKER).unlink()

    status, output = run_cli("solve", str(city), "-o", str(out), *SOLVE)

    assert status == 0, output
    assert len(list((out / HISTORY).iterdir())) == 1


def test_files_follow_the_umask(city: Path) -> None:
    out = city.parent / "schedule"
    previous = os.umask(0o022)
    try:
        assert run_cli("solve", str(city), "-o", str(out), "--time-limit", "2")[0] == 0
    finally:
        os.umask(previous)
    assert stat.S_IMODE(out.stat().st_mode) == 0o755
    assert stat.S_IMODE((out / "ics").stat().st_mode) == 0o755
    assert stat.S_IMODE((out / "calendar.ics").stat().st_mode) == 0o644
    assert stat.S_IMODE((out / "sessions.csv").stat().st_mode) == 0o644


def test_generate_refuses_a_folder_of_the_users(tmp_path: Path) -> None:
    target = _a_folder_of_the_users(tmp_path / "x")
    before = files_under(target)

    status, output = run_cli("generate", str(target), "--preset", "tiny")

    assert status == EXIT_BAD_INPUT
    assert "which would be lost" in output
    assert files_under(target) == before


# ---------------------------------------------------------------------------------------------
# One run at a time, and a full disk
# ---------------------------------------------------------------------------------------------


def test_a_second_run_into_the_same_folder_stops_with_a_message(city: Path) -> None:
    out = city.parent / "schedule"
    with OutputFolder(out, "schedule"):
        status, output = run_cli("solve", str(city), "-o", str(out), *SOLVE)
    assert status == EXIT_TRY_AGAIN
    assert f"another schemalaggning run (process {os.getpid()}) is writing {out}" in output
    assert not out.exists()
    # Once the first run has ended, the folder is free again.
    assert run_cli("solve", str(city), "-o", str(out), *SOLVE)[0] == 0


def _second_run_failing(
    city: Path, monkeypatch: pytest.MonkeyPatch, where: str, error: BaseException
) -> tuple[Path, dict[str, bytes], int, str]:
    """Solve into a folder, then again with ``where`` raising ``error`` while the new
    schedule is written: the folder, its files before, and the second run's status and
    output."""
    out = city.parent / "schedule"
    assert run_cli("solve", str(city), "-o", str(out), *SOLVE)[0] == 0
    before = files_under(out)

    def failing(*args: object, **kwargs: object) -> None:
        raise error

    monkeypatch.setattr(where, failing)
    status, output = run_cli("solve", str(city), "-o", str(out), *SOLVE)
    return out, before, status, output


@pytest.mark.parametrize(
    "where",
    [
        "schemalaggning.export.folder.write_schedule_files",
        # The workbook is written by XlsxWriter (in a child process where one can be
        # forked), which wraps what the disk says in an error of its own.
        "xlsxwriter.workbook.Workbook._store_workbook",
    ],
)
def test_a_full_disk_is_named_by_the_users_path_and_the_old_schedule_stays(
    city: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    full = OSError(28, "No space left on device")
    out, before, status, output = _second_run_failing(city, monkeypatch, where, full)

    assert status == EXIT_BAD_INPUT
    assert "Traceback" not in output
    assert f"{out}: could not be written (No space left on device)" in output
    assert files_under(out) == before
    assert not [p for p in city.parent.iterdir() if ".new-" in p.name or ".old-" in p.name]


def test_ctrl_c_while_the_schedule_is_written_keeps_the_old_one_and_says_so(
    city: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    where = "schemalaggning.export.folder.write_schedule_files"
    out, before, status, output = _second_run_failing(city, monkeypatch, where, KeyboardInterrupt())

    assert status == 130
    assert "Traceback" not in output
    assert f"before the new schedule was written: {out} is as it was" in output
    assert "best schedule found so far" not in output
    assert files_under(out) == before
    assert not [p for p in city.parent.iterdir() if ".new-" in p.name or ".old-" in p.name]


# ---------------------------------------------------------------------------------------------
# A run killed at any instant
# ---------------------------------------------------------------------------------------------


class Crash(BaseException):
    """The process dies here (nothing after it runs, not even clean-up)."""


def _write_version(folder: Path, version: str) -> None:
    (folder / "sessions.csv").write_text(version, encoding="utf-8")
    (folder / "summary.json").write_text("{}", encoding="utf-8")
    (folder / "assignments.csv").write_text(version, encoding="utf-8")


def _count_renames(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    out = tmp_path / "count" / "schedule"
    with OutputFolder(out, "schedule") as output:
        output.replace(lambda f: _write_version(f, "old"))
    (out / "note.txt").write_text("mine", encoding="utf-8")
    calls = 0
    original = Path.rename

    def counting(self: Path, target: str | os.PathLike[str]) -> Path:
        nonlocal calls
        calls += 1
        return original(self, target)

    monkeypatch.setattr(Path, "rename", counting)
    with OutputFolder(out, "schedule") as output:
        output.replace(lambda f: _write_version(f, "new"))
    monkeypatch.setattr(Path, "rename", original)
    return calls


def test_a_crash_at_any_instant_leaves_the_old_or_the_new_schedule(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    total = _count_renames(tmp_path, monkeypatch)
    assert total >= 4
    original = Path.rename
    for crash_at in range(1, total + 1):
        out = tmp_path / f"crash-{crash_at}" / "schedule"
        with OutputFolder(out, "schedule") as output:
            output.replace(lambda f: _write_version(f, "old"))
        (out / "note.txt").write_text("mine", encoding="utf-8")
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
            output.replace(lambda f: _write_version(f, "new"))
        monkeypatch.setattr(Path, "rename", original)
        output._release_lock()  # The process died: the system ends its lock.

        # The next run there finds the pieces and puts a complete schedule in place.
        with OutputFolder(out, "schedule") as again:
            pass
        version = (out / "sessions.csv").read_text(encoding="utf-8")
        assert version in ("old", "new"), crash_at
        assert (out / "assignments.csv").read_text(encoding="utf-8") == version
        assert (out / "note.txt").read_text(encoding="utf-8") == "mine", crash_at
        leftovers = [p.name for p in out.parent.iterdir()]
        assert leftovers == ["schedule"], (crash_at, leftovers)
        if version == "new":
            kept = list((out / HISTORY).iterdir())
            assert [(k / "sessions.csv").read_text(encoding="utf-8") for k in kept] == ["old"]
        assert again.recovery.restored or again.recovery.removed or version == "new"


def test_the_temporary_folders_of_a_killed_run_are_removed_by_the_next(city: Path) -> None:
    out = city.parent / "schedule"
    assert run_cli("solve", str(city), "-o", str(out), *SOLVE)[0] == 0
    unfinished = city.parent / ".schedule.new-99999"
    unfinished.mkdir()
    (unfinished / "sessions.csv").write_text("half", encoding="utf-8")
    earlier_kind = city.parent / ".schedule-k2x8ad_q"  # tempfile.mkdtemp: 8 characters
    earlier_kind.mkdir()

    status, output = run_cli("solve", str(city), "-o", str(out), *SOLVE)

    assert status == 0, output
    assert "removed the unfinished files" in output
    assert not unfinished.exists() and not earlier_kind.exists()
    assert_valid_schedule(city, out)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("signum", "status"),
    [(signal.SIGTERM, EXIT_SIGTERM), (signal.SIGINT, EXIT_SIGINT)],
    ids=["SIGTERM", "SIGINT"],
)
def test_a_signal_during_the_search_writes_the_best_schedule_and_exits_non_zero(
    signum: int, status: int, tmp_path: Path
) -> None:
    out = tmp_path / "schedule"
    command = [sys.executable, "-m", "schemalaggning.cli", "solve", str(SMALL), "-o", str(out)]
    process = subprocess.Popen(
        [*command, "--time-limit", "300", "--workers", "1", "--no-ics"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    # Long enough to be past reading and the greedy plan on a busy machine; the search
    # itself would run for minutes.
    time.sleep(12)
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=120)

    assert process.returncode == status, stderr
    assert "Traceback" not in stderr
    assert "interrupted" in stderr
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["interrupted"] is True
    assert summary["interrupted_by"] == signal.Signals(signum).name
    assert_valid_schedule(SMALL, out)


def test_bench_refuses_a_folder_of_the_users(tmp_path: Path) -> None:
    target = _a_folder_of_the_users(tmp_path / "x")
    before = files_under(target)

    status, output = run_cli("bench", "smoke", "--out", str(target), "--time-limit", "1")

    assert status == EXIT_BAD_INPUT
    assert "which would be lost" in output
    assert files_under(target) == before


def test_a_run_leaves_the_pieces_of_a_sibling_folder_alone(city: Path) -> None:
    # "goteborg-2027" is another folder: what a stopped run of it left is its own to
    # recover, not for a run on "goteborg" to remove.
    root = city.parent
    pieces = [root / ".schedule-2027.new-4242", root / ".schedule-2027.old-4242"]
    for piece in pieces:
        piece.mkdir()
        (piece / "sessions.csv").write_text("the sibling's", encoding="utf-8")
    (root / ".schedule.new-7.new-8").mkdir()

    with OutputFolder(root / "schedule", "schedule") as output:
        output.replace(lambda f: _write_version(f, "new"))

    assert all((p / "sessions.csv").read_text(encoding="utf-8") == "the sibling's" for p in pieces)
    assert (root / ".schedule.new-7.new-8").is_dir()


def test_the_history_of_a_generated_instance_survives_a_stopped_run(tmp_path: Path) -> None:
    # A run stopped after moving the history into its new content, before the swap.
    folder = tmp_path / "generated"
    folder.mkdir()
    (folder / MARKER).write_text('{"kind": "instance"}', encoding="utf-8")
    (folder / "people.csv").write_text("current", encoding="utf-8")
    new = tmp_path / ".generated.new-999"
    (new / HISTORY / "2026-11-01T10-00-00").mkdir(parents=True)
    (new / MARKER).write_text('{"kind": "instance"}', encoding="utf-8")

    with OutputFolder(folder, "instance"):
        pass

    assert (folder / HISTORY / "2026-11-01T10-00-00").is_dir()
    assert (folder / "people.csv").read_text(encoding="utf-8") == "current"
    assert not new.exists()
