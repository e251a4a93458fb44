"""A task in a forked child while the caller goes on: its file, its errors, its stop.

The workbook of a schedule folder is written this way (see
:mod:`schemalaggning.export.background`); these tests use small tasks that write a file,
fail, or wait, and check what the caller sees and that no child outlives the block.
"""

from __future__ import annotations

import errno
import multiprocessing
import os
import signal
import threading
import time
from pathlib import Path

import pytest

from schemalaggning.export import background
from schemalaggning.export.background import can_fork, in_background
from schemalaggning.problems import InputError

needs_fork = pytest.mark.skipif(not can_fork(), reason="no child can be forked here")


def _write_later(path: Path, seconds: float) -> None:
    time.sleep(seconds)
    path.write_text("written", encoding="utf-8")


@needs_fork
def test_the_task_runs_in_a_child_while_the_block_runs(tmp_path: Path) -> None:
    mine = tmp_path / "mine.txt"
    theirs = tmp_path / "theirs.txt"
    started = time.monotonic()
    with in_background(lambda: _write_later(theirs, 1.0), "theirs.txt"):
        # The block does not wait for the task: it runs at once, in this process.
        assert not theirs.exists()
        mine.write_text(str(os.getpid()), encoding="utf-8")
    # Leaving the block waited for the child.
    assert theirs.read_text(encoding="utf-8") == "written"
    assert mine.read_text(encoding="utf-8") == str(os.getpid())
    assert time.monotonic() - started >= 1.0


@needs_fork
def test_what_the_task_raises_is_raised_in_the_caller(tmp_path: Path) -> None:
    def full() -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "x"))

    with pytest.raises(OSError) as raised, in_background(full, "x"):
        pass
    assert raised.value.errno == errno.ENOSPC
    assert raised.value.strerror == "No space left on device"
    assert raised.value.filename == str(tmp_path / "x")


@needs_fork
def test_an_exception_that_cannot_be_pickled_is_told_in_words() -> None:
    class LocalError(Exception):
        """Defined inside the test: pickle cannot find it by name."""

    def fail() -> None:
        raise LocalError("the workbook could not be made")

    expected = "LocalError: the workbook could not be made"
    with pytest.raises(RuntimeError, match=expected), in_background(fail, "schema.xlsx"):
        pass


@needs_fork
def test_an_exception_that_cannot_be_made_again_is_told_in_words() -> None:
    def fail() -> None:
        raise InputError([])

    # Unpickled in the caller, InputError would be made from its message, not its
    # problems, and fail there with an AttributeError of its own.
    with pytest.raises(RuntimeError, match="InputError: 0 error"), in_background(fail, "x"):
        pass


@needs_fork
def test_a_child_that_dies_without_an_answer_is_an_error() -> None:
    def die() -> None:
        os.kill(os.getpid(), signal.SIGKILL)

    # An OSError, so that the folder being written is given up as on a full disk.
    expected = "writing schema.xlsx stopped without an answer"
    with pytest.raises(OSError, match=expected), in_background(die, "schema.xlsx"):
        pass


@needs_fork
@pytest.mark.parametrize("stop", [KeyboardInterrupt, ValueError])
def test_a_block_that_stops_kills_the_child_first(
    stop: type[BaseException], tmp_path: Path
) -> None:
    late = tmp_path / "late.txt"
    started = time.monotonic()
    with pytest.raises(stop), in_background(lambda: _write_later(late, 3.0), "late.txt"):
        raise stop
    assert time.monotonic() - started < 3.0
    # The child was killed and waited for: nothing is written after the block.
    assert not multiprocessing.active_children()
    time.sleep(3.5)
    assert not late.exists()


@needs_fork
def test_ctrl_c_stops_the_caller_and_the_child_ignores_it(tmp_path: Path) -> None:
    late = tmp_path / "late.txt"
    with (
        pytest.raises(KeyboardInterrupt),
        in_background(lambda: _write_later(late, 3.0), "late.txt"),
    ):
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(5)  # Interrupted at once by the signal.
    assert not multiprocessing.active_children()
    time.sleep(3.5)
    assert not late.exists()


@needs_fork
def test_the_child_goes_on_through_a_ctrl_c_sent_to_it(tmp_path: Path) -> None:
    """The terminal sends Ctrl-C to the whole process group: the child leaves stopping
    to its parent (which was not interrupted here) and finishes its task."""
    written = tmp_path / "written.txt"
    with in_background(lambda: _write_later(written, 1.0), "written.txt"):
        (child,) = multiprocessing.active_children()
        assert child.pid is not None
        time.sleep(0.3)  # Past the child's first instants.
        os.kill(child.pid, signal.SIGINT)
    assert written.read_text(encoding="utf-8") == "written"


def test_without_a_fork_the_task_runs_first_in_this_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(background, "can_fork", lambda: False)
    done: list[int] = []
    with in_background(lambda: done.append(os.getpid()), "x"):
        assert done == [os.getpid()]
    with pytest.raises(OSError, match="No space"), in_background(_full_disk, "x"):
        pytest.fail("the block runs after the task, which failed")


def _full_disk() -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


def test_no_child_is_forked_beside_another_thread() -> None:
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not can_fork()
    finally:
        stop.set()
        other.join()
