"""Output folders: a run writes only where it may, one run at a time, and loses nothing.

A command that writes a folder (a schedule, a generated instance) goes through
:class:`OutputFolder`:

1. **Checked before any work.** The folder must be missing, empty, or one this program
   wrote (it holds the marker file ``.schemalaggning``; a schedule folder written before
   the marker existed is recognised by its files). Anything else is refused with the
   path named: the current folder, the home folder, a file, the instance itself or a
   folder holding it, a folder with other files in it
   (:mod:`schemalaggning.io.folder_checks`).
2. **Locked while the run lasts.** A second run writing the same folder stops at once
   with a message (:class:`FolderBusyError`). The lock is the operating system's (``flock``
   on ``.<name>.lock`` beside the folder): it ends with the process, however it ends.
3. **Replaced whole.** The new content is written beside the folder
   (``.<name>.new-<pid>``), marked complete, then swapped in by renames; the previous
   content goes to ``<folder>/history/<when it was written>/``, where the latest
   :data:`KEEP_HISTORY` are kept. A run killed at any instant leaves either the old or
   the new complete folder, and the next run there finishes or undoes the swap and
   removes the unfinished files.
4. **The user's files stay where they are, at any depth.** The marker lists every file
   and folder the run wrote; every other file, in ``planer/``, ``invites/``, ``ics/`` or
   any other folder, is the user's (see :mod:`schemalaggning.io.ownership` for the rule,
   and for a folder written before the marker listed files). It is moved into the new
   content at the same place before the swap, so it never goes into the history, where
   versions are pruned. If the new content writes a file where the user has one, the
   run is refused with that path named and the folder left as it was: the user's file is
   neither replaced nor moved aside unasked.

Files and folders are made with the user's umask, like any other program's.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import shutil
import signal
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import IO

from schemalaggning.i18n import _
from schemalaggning.io.folder_checks import A_KIND_FOLDER, NEW_KIND, entry_names, kind_words
from schemalaggning.io.folder_checks import file_problems as file_problems
from schemalaggning.io.folder_checks import folder_problems as folder_problems
from schemalaggning.io.ownership import (
    FILES_KEY,
    FOLDERS_KEY,
    Ownership,
    carry_plan,
    move_entries,
    users_entries,
    written_entries,
)
from schemalaggning.io.ownership import HISTORY as HISTORY
from schemalaggning.io.ownership import MARKER as MARKER
from schemalaggning.io.ownership import SCHEDULE_ENTRIES as SCHEDULE_ENTRIES
from schemalaggning.io.ownership import carry_over as carry_over
from schemalaggning.io.ownership import read_marker as read_marker
from schemalaggning.problems import InputError, Problem, failure_reason

try:  # The lock is the operating system's; Windows has no fcntl and gets no lock.
    import fcntl
except ImportError:  # pragma: no cover - not on the platforms the tests run on
    fcntl = None  # type: ignore[assignment]

#: How many replaced versions the history keeps (the oldest go first), of those whose
#: marker lists what they hold (see :mod:`schemalaggning.io.ownership`).
KEEP_HISTORY = 10
#: The stamp of a history folder: when the replaced content was written.
STAMP_FORMAT = "%Y-%m-%dT%H-%M-%S"


@dataclass(frozen=True)
class Written:
    """A folder that :meth:`OutputFolder.replace` swapped new content into."""

    folder: Path
    kind: str


# The folders this process replaced, oldest first. Module-level on purpose: the command
# line reads it when an interrupt reaches it, to say what was written before it came,
# however deep the replace was; it only grows, and a command reads the part after its
# start.
_WRITTEN: list[Written] = []


def written_folders() -> tuple[Written, ...]:
    """Every folder this process has swapped new content into, oldest first."""
    return tuple(_WRITTEN)


class FolderBusyError(Exception):
    """Another run is writing the folder now."""

    def __init__(self, folder: Path, holder: str) -> None:
        super().__init__(
            _(
                "another schemalaggning run{holder} is writing {folder} now: wait until it "
                "has finished, or write elsewhere with -o"
            ).format(holder=holder, folder=folder)
        )
        self.folder = folder


@dataclass
class Recovery:
    """What the start of a run found of an earlier run that was stopped, and did with it."""

    restored: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    def lines(self, folder: Path) -> list[str]:
        """The notes to show the user, one per thing done."""
        notes = [f"{folder}: {what}" for what in self.restored]
        if self.removed:
            removed = _("removed the unfinished files of a run that was stopped ({names})")
            notes.append(f"{folder}: " + removed.format(names=", ".join(self.removed)))
        return notes


def claim_folder(target: Path, kind: str) -> Path:
    """Make ``target`` a folder of this program's for a run that writes into it as it
    goes (a benchmark's results, logs and cache), after the same checks as
    :func:`folder_problems`.

    Raises
    ------
    InputError
        When the folder may not be written.
    """
    problems = folder_problems(target, kind)
    if problems:
        raise InputError(problems)
    full = target.expanduser().resolve()
    full.mkdir(parents=True, exist_ok=True)
    if read_marker(full) is None:
        marker = {"kind": kind, "written": datetime.now().isoformat(timespec="seconds")}
        (full / MARKER).write_text(json.dumps(marker) + "\n", encoding="utf-8")
    return full


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM back while files are swapped, and deliver them after.

    A rename interrupted halfway would still leave a complete folder, but holding the
    signals means the run that was asked to stop finishes what it is writing first.
    """
    held = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _sync_folder(folder: Path) -> None:
    """Make the renames in a folder durable (where the system allows it)."""
    with contextlib.suppress(OSError):
        handle = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)


def _stamp(folder: Path) -> str:
    marker = read_marker(folder)
    written = marker.get("written") if marker else None
    try:
        moment = datetime.fromisoformat(str(written))
    except ValueError:
        moment = datetime.fromtimestamp(folder.stat().st_mtime)
    return moment.strftime(STAMP_FORMAT)


class OutputFolder:
    """A folder a run writes: checked, locked for the run, and replaced whole.

    Use as a context manager around the whole run, and call :meth:`replace` once the
    content is ready::

        with OutputFolder(path, "schedule", inputs=[instance_path]) as output:
            ...  # the work
            output.replace(lambda folder: write_files(folder))

    Parameters
    ----------
    target
        The folder as the user named it.
    kind
        What is written: ``schedule`` or ``instance``.
    inputs
        What the run reads (the target may not be or hold one of them).
    """

    def __init__(self, target: Path, kind: str, inputs: Sequence[Path] = ()) -> None:
        self.target = Path(target)
        self.kind = kind
        self.inputs = tuple(Path(p) for p in inputs)
        self.full = self.target.expanduser().resolve()
        self.recovery = Recovery()
        #: Whether :meth:`replace` has swapped the new content in.
        self.replaced = False
        self._lock: IO[str] | None = None

    @property
    def _parent(self) -> Path:
        return self.full.parent

    def _aside(self, role: str) -> str:
        return f".{self.full.name}.{role}-"

    def problems(self) -> list[Problem]:
        """Why the run may not write the folder (empty when it may); changes nothing."""
        return folder_problems(self.target, self.kind, self.inputs)

    def __enter__(self) -> OutputFolder:
        problems = self.problems()
        if problems:
            raise InputError(problems)
        self._parent.mkdir(parents=True, exist_ok=True)
        self._take_lock()
        try:
            self._recover()
        except BaseException:
            self._release_lock()
            raise
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._release_lock()

    @contextlib.contextmanager
    def held(self) -> Iterator[OutputFolder]:
        """Lock the folder for a run that changes files inside it in place (``send``).

        Nothing is checked or replaced: the lock only keeps a ``solve`` or ``replan``
        from swapping the folder while the run works in it, and two such runs apart.
        """
        if not self.full.is_dir():
            raise InputError(
                [
                    Problem(
                        str(self.target),
                        None,
                        None,
                        None,
                        _("expected {folder}").format(folder=kind_words(A_KIND_FOLDER, self.kind)),
                    )
                ]
            )
        self._take_lock()
        try:
            self._recover()
            yield self
        finally:
            self._release_lock()

    # -- the lock -------------------------------------------------------------------------

    @property
    def _lock_path(self) -> Path:
        return self._parent / f".{self.full.name}.lock"

    def _take_lock(self) -> None:
        """Lock ``.<name>.lock`` beside the folder, or raise :class:`FolderBusyError`.

        The lock file is removed when the lock is released, so none is left behind. A run
        that opened the file just before it was removed holds a lock on a file no longer
        there; it sees that the path now names another file (or none) and tries again.
        """
        path = self._lock_path
        while True:
            handle = path.open("a+", encoding="utf-8")
            if fcntl is None:
                break
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as error:
                if error.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                    raise
                handle.seek(0)
                holder = handle.read().strip()
                handle.close()
                raise FolderBusyError(
                    self.target, _(" (process {holder})").format(holder=holder) if holder else ""
                ) from None
            try:
                same = path.stat().st_ino == os.fstat(handle.fileno()).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            handle.close()
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._lock = handle

    def _release_lock(self) -> None:
        if self._lock is not None:
            # Removed while still locked, then closed (which ends the flock).
            with contextlib.suppress(OSError):
                self._lock_path.unlink()
            self._lock.close()
            self._lock = None

    # -- recovering what a stopped run left -------------------------------------------------

    def _matching(self, pattern: str) -> list[Path]:
        """The folders beside this one whose whole name matches ``pattern`` (after the
        escaped ``.<name>``): never a sibling's, such as ``.<name>-2027.new-1``."""
        whole = re.compile(re.escape(f".{self.full.name}") + pattern)
        return [p for p in self._parent.iterdir() if whole.fullmatch(p.name) and p.is_dir()]

    def _leftovers(self, role: str) -> list[Path]:
        found = self._matching(rf"\.{role}-\d+")
        return sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)

    def _legacy_leftovers(self) -> list[Path]:
        """Temporary folders the earlier way of writing left: ``.<name>-old-<pid>`` and
        ``.<name>-<8 characters>`` (tempfile's)."""
        return self._matching(r"-(old-\d+|[a-z0-9_]{8})")

    def _recover(self) -> None:
        """Finish or undo the swap of a run that was stopped, and remove its unfinished files.

        The lock is held, so whatever lies beside the folder is from a run that ended.
        """
        complete = [p for p in self._leftovers("new") if (p / MARKER).is_file()]
        olds = self._leftovers("old")
        if not self.full.exists():
            if complete:
                complete[0].rename(self.full)
                self.recovery.restored.append(
                    _("put in place the complete schedule an interrupted run had written")
                )
            elif olds:
                olds.pop(0).rename(self.full)
                self.recovery.restored.append(
                    _("restored the schedule an interrupted run had moved")
                )
        for old in olds:
            if not old.exists():
                continue
            if not self.full.exists():
                old.rename(self.full)
            elif not self._kept_beside(old):
                self._to_history(old)
        for new in self._leftovers("new"):
            if not self._kept_beside(new):
                shutil.rmtree(new, ignore_errors=True)
                self.recovery.removed.append(new.name)
        for legacy in self._legacy_leftovers():
            if "-old-" in legacy.name and self.full.exists():
                self._to_history(legacy)
            else:
                shutil.rmtree(legacy, ignore_errors=True)
                self.recovery.removed.append(legacy.name)

    def _kept_beside(self, aside: Path) -> bool:
        """Put back what a stopped run had moved into ``aside``; whether ``aside`` must
        stay where it is, holding files of the user's whose places are taken now (the
        user is told)."""
        taken = self._put_back(aside)
        if taken:
            self.recovery.restored.append(
                _(
                    "kept {aside} beside it: it holds files of yours that a stopped run had "
                    "moved, whose places are taken now ({names}); move them back yourself, "
                    "then remove it"
                ).format(aside=aside, names=", ".join(taken))
            )
        return bool(taken)

    def _put_back(self, aside: Path) -> list[str]:
        """Return what a stopped run had moved out of the folder into ``aside`` (its new
        content, or the old one): the history, and the user's entries at any depth (what
        the marker of ``aside`` does not list; a new content without a marker holds none,
        as they are moved only after it is marked complete).

        Returns
        -------
        The user's entries whose places in the folder are taken (left in ``aside``).
        """
        if not self.full.is_dir():
            return []
        entries = [HISTORY] if (aside / HISTORY).is_dir() else []
        if read_marker(aside) is not None:
            entries += users_entries(aside, Ownership.of(aside, self.kind))
        moves, taken = carry_plan(aside, self.full, entries)
        move_entries(moves)
        return [path for path in taken if path.partition("/")[0] != HISTORY]

    # -- replacing ------------------------------------------------------------------------

    def replace(self, write: Callable[[Path], None]) -> Path:
        """Write the new content with ``write(folder)`` and swap it in whole.

        Raises
        ------
        InputError
            When the content cannot be written (a full disk, a folder made read-only
            meanwhile), naming the user's folder; the previous content is then unchanged.
        """
        if self._lock is None and fcntl is not None:
            raise RuntimeError("OutputFolder.replace outside its with-block")
        staging = self._parent / f"{self._aside('new')}{os.getpid()}"
        if staging.exists():
            shutil.rmtree(staging)
        try:
            staging.mkdir()
            write(staging)
            self._mark(staging)
        except (KeyboardInterrupt, InputError):
            # Ctrl-C or SIGTERM before the new content was complete, or bad input found
            # while writing it: it is removed, and the folder stays as it was.
            shutil.rmtree(staging, ignore_errors=True)
            raise
        except OSError as error:
            shutil.rmtree(staging, ignore_errors=True)
            reason = failure_reason(error)
            raise InputError(
                [
                    Problem(
                        str(self.target),
                        None,
                        None,
                        None,
                        _("could not be written ({reason}); the folder is as it was before").format(
                            reason=reason
                        ),
                    )
                ]
            ) from None
        with signals_deferred():
            try:
                self._swap(staging)
            except InputError:
                shutil.rmtree(staging, ignore_errors=True)
                raise
            self.replaced = True
            _WRITTEN.append(Written(self.target, self.kind))
        return self.target

    def _mark(self, staging: Path) -> None:
        """Mark the new content complete, listing every file and folder written."""
        files, folders = written_entries(staging)
        marker = {
            "kind": self.kind,
            "written": datetime.now().isoformat(timespec="seconds"),
            FILES_KEY: files,
            FOLDERS_KEY: folders,
        }
        (staging / MARKER).write_text(json.dumps(marker) + "\n", encoding="utf-8")

    def _carry_users(self, staging: Path) -> None:
        """Move the user's entries of the folder, at any depth, to the same places in the
        new content; when one's place is taken there, change nothing and refuse."""
        entries = users_entries(self.full, Ownership.of(self.full, self.kind))
        moves, taken = carry_plan(self.full, staging, entries)
        if taken:
            raise InputError(
                [
                    Problem(
                        str(self.target / path),
                        None,
                        None,
                        None,
                        _(
                            "expected no file of yours here, as {kind} has one of this name: "
                            "move or rename yours and run again (the folder is as it was)"
                        ).format(kind=kind_words(NEW_KIND, self.kind)),
                    )
                    for path in taken
                ]
            )
        move_entries(moves)

    def _swap(self, staging: Path) -> None:
        old: Path | None = None
        if self.full.exists():
            names = entry_names(self.full)
            if not names:
                self.full.rmdir()
            else:
                # What is the user's (a note put into the schedule folder, or into its
                # planer/) stays in it.
                self._carry_users(staging)
                if (self.full / HISTORY).is_dir():
                    (self.full / HISTORY).rename(staging / HISTORY)
                old = self._parent / f"{self._aside('old')}{os.getpid()}"
                self.full.rename(old)
        staging.rename(self.full)
        _sync_folder(self._parent)
        if old is not None:
            self._to_history(old)

    def _to_history(self, old: Path) -> None:
        """Move a replaced version into the history, keeping the latest few.

        Only versions whose marker lists what they hold are pruned: one written before
        may hold files of the user's (an earlier version of this program moved the
        user's files inside ``planer/``, ``invites/`` and ``ics/`` with the schedule).
        """
        history = self.full / HISTORY
        history.mkdir(exist_ok=True)
        stamp = _stamp(old)
        place = history / stamp
        number = 2
        while place.exists():
            place = history / f"{stamp}-{number}"
            number += 1
        old.rename(place)
        versions = sorted((p for p in history.iterdir() if p.is_dir()), key=lambda p: p.name)
        listed = [p for p in versions if Ownership.of(p, self.kind).files is not None]
        for stale in listed[:-KEEP_HISTORY]:
            shutil.rmtree(stale, ignore_errors=True)


def replace_file(target: Path, write: Callable[[Path], None]) -> None:
    """Write a file beside ``target`` with ``write(path)``, then rename it into place."""
    full = target.expanduser().resolve()
    full.parent.mkdir(parents=True, exist_ok=True)
    staging = full.with_name(f".{full.name}.new-{os.getpid()}")
    try:
        write(staging)
        staging.replace(full)
    except OSError as error:
        staging.unlink(missing_ok=True)
        raise InputError(
            [
                Problem(
                    str(target),
                    None,
                    None,
                    None,
                    _("could not be written ({reason})").format(reason=error.strerror),
                )
            ]
        ) from None
