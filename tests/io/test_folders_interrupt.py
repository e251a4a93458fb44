"""An interrupt says what was written: the new folder if it was swapped in before the
signal came, else nothing (and the folder is as it was).

Every schedule written is checked by the project's checker.
"""

from __future__ import annotations

import json
import shutil
import signal
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from schemalaggning.check import check_schedule
from schemalaggning.cli import main
from schemalaggning.cli.app import interrupted_line
from schemalaggning.exits import EXIT_SIGINT, EXIT_SIGTERM
from schemalaggning.i18n import LANGUAGE_VARIABLE
from schemalaggning.interrupts import Terminated
from schemalaggning.io import read_instance, read_schedule
from schemalaggning.io.folders import MARKER, OutputFolder, Written, written_folders


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests read the English words of the messages (the message ids); the Swedish
    are tested in ``tests/test_terminal_words.py``."""
    monkeypatch.setenv(LANGUAGE_VARIABLE, "en")


EXAMPLE = Path(__file__).parents[1] / "data" / "example" / "instance"
SOLVE = ("--time-limit", "2", "--workers", "1")


@pytest.fixture
def solved(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the example instance and a schedule folder solved from it, without
    calendars (so that ``export ics`` changes it)."""
    city = tmp_path / "city"
    shutil.copytree(EXAMPLE, city)
    out = tmp_path / "schedule"
    result = CliRunner().invoke(main, ["solve", str(city), "-o", str(out), *SOLVE, "--no-ics"])
    assert result.exit_code == 0, result.output
    return city, out


def run_cli(*args: str) -> tuple[int, str]:
    """Run the command line; the exit status and what it printed (both streams)."""
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def files_under(path: Path) -> dict[str, bytes]:
    """Every file under a folder, with its bytes."""
    return {p.relative_to(path).as_posix(): p.read_bytes() for p in path.rglob("*") if p.is_file()}


def assert_valid_schedule(instance: Path, folder: Path) -> None:
    """The folder holds a complete schedule that the checker finds nothing wrong with."""
    assert check_schedule(read_instance(instance), read_schedule(folder)) == []


def export_ics(city: Path, out: Path) -> tuple[int, str]:
    """``export ics`` of the folder: it replaces the folder itself, with no handling of
    an interrupt of its own."""
    return run_cli("export", "ics", str(out), "--instance", str(city))


def interrupt_main_thread() -> None:
    """Send SIGINT to this process's main thread, as Ctrl-C would (to the thread, so that
    a signal held back there is not taken by another thread of the test process)."""
    main_thread = threading.main_thread().ident
    assert main_thread is not None
    signal.pthread_kill(main_thread, signal.SIGINT)


@pytest.mark.parametrize(
    ("stop", "status"),
    [(KeyboardInterrupt, EXIT_SIGINT), (Terminated, EXIT_SIGTERM)],
    ids=["SIGINT", "SIGTERM"],
)
def test_an_interrupt_right_after_the_swap_says_the_folder_was_written(
    solved: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
    stop: type[KeyboardInterrupt],
    status: int,
) -> None:
    city, out = solved
    original = OutputFolder.replace

    def then_stopped(self: OutputFolder, write: Callable[[Path], None]) -> Path:
        original(self, write)
        raise stop

    monkeypatch.setattr(OutputFolder, "replace", then_stopped)
    code, output = export_ics(city, out)

    assert code == status, output
    assert "Traceback" not in output
    assert "nothing written" not in output
    assert f"interrupted: stopped after writing the new schedule to {out}" in output
    assert (out / "calendar.ics").is_file(), "the new content is in place"
    assert_valid_schedule(city, out)


def test_a_real_signal_held_back_during_the_swap_says_the_folder_was_written(
    solved: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    city, out = solved
    import schemalaggning.io.folders as folders

    original = folders._sync_folder

    def signalled(folder: Path) -> None:
        # Inside the swap, where the signal is held back until the new folder is in place.
        interrupt_main_thread()
        original(folder)

    monkeypatch.setattr(folders, "_sync_folder", signalled)
    code, output = export_ics(city, out)

    assert code == EXIT_SIGINT, output
    assert "Traceback" not in output
    assert f"interrupted: stopped after writing the new schedule to {out}" in output
    assert (out / "calendar.ics").is_file()
    assert_valid_schedule(city, out)


def test_an_interrupt_after_solve_has_written_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    city = tmp_path / "city"
    shutil.copytree(EXAMPLE, city)
    out = tmp_path / "schedule"

    def closing(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("schemalaggning.cli.planning.print_closing", closing)
    code, output = run_cli("solve", str(city), "-o", str(out), *SOLVE, "--no-ics")

    assert code == EXIT_SIGINT, output
    assert f"interrupted: stopped after writing the new schedule to {out}" in output
    assert_valid_schedule(city, out)


@pytest.mark.parametrize("how", ["raised", "signal"])
def test_an_interrupt_before_the_swap_says_nothing_written_and_changes_nothing(
    solved: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    city, out = solved
    before = files_under(out)
    replaced_before = written_folders()

    def interrupted(*args: object, **kwargs: object) -> None:
        if how == "signal":
            interrupt_main_thread()
        raise KeyboardInterrupt  # what the signal raises, had it not already

    monkeypatch.setattr("schemalaggning.export.ics.command.write_calendars", interrupted)
    code, output = export_ics(city, out)

    assert code == EXIT_SIGINT, output
    assert "interrupted: nothing written" in output
    assert "stopped after writing" not in output
    assert files_under(out) == before
    assert written_folders() == replaced_before
    assert [p.name for p in out.parent.iterdir() if p.name.startswith(".schedule")] == []
    assert json.loads((out / MARKER).read_text(encoding="utf-8"))["kind"] == "schedule"


def test_a_later_command_does_not_say_what_an_earlier_one_wrote(
    solved: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    city, out = solved  # a command in this process has written a folder already

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("schemalaggning.export.ics.command.write_calendars", interrupted)
    code, output = export_ics(city, out)

    assert code == EXIT_SIGINT
    assert "interrupted: nothing written" in output
    assert str(out) not in output


def test_the_interrupt_line_names_each_folder_or_counts_many() -> None:
    one = Written(Path("schedules/city"), "schedule")
    two = Written(Path("generated"), "instance")
    many = [Written(Path(f"sweep/scenarios/s{n}"), "schedule") for n in range(1, 6)]

    assert interrupted_line([]) == "interrupted: nothing written"
    assert interrupted_line([one, two]) == (
        "interrupted: stopped after writing the new schedule to schedules/city and the new "
        "instance to generated"
    )
    assert interrupted_line(many) == (
        "interrupted: stopped after writing 5 folders (the last: the new schedule to "
        "sweep/scenarios/s5)"
    )
