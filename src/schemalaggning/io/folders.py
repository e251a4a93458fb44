"""Output folders: a run writes only where it may, one run at a time, and loses nothing.

A command that writes a folder (a schedule, a generated instance) goes through
:class:`OutputFolder`:

1. **Checked before any work.** The folder must be missing, empty, or one this program
   wrote (it holds the marker file ``.schemalaggning``; a schedule folder written before
   the marker existed is recognised by its files). Anything else is refused with the
   path named: the current folder, the home folder, a file, the instance itself or a
   folder holding it, a folder with other files in it.
2. **Locked while the run lasts.** A second run writing the same folder stops at once
   with a message (:class:`FolderBusyError`). The lock is the operating system's (``flock``
   on ``.<name>.lock`` beside the folder): it ends with the process, however it ends.
3. **Replaced whole.** The new content is written beside the folder
   (``.<name>.new-<pid>``), marked complete, then swapped in by renames; the previous
   content goes to ``<folder>/history/<when it was written>/``, where the latest
   :data:`KEEP_HISTORY` are kept. A run killed at any instant leaves either the old or
   the new complete folder, and the next run there finishes or undoes the swap and
   removes the unfinished files.

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
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from schemalaggning.problems import InputError, Problem

try:  # The lock is the operating system's; Windows has no fcntl and gets no lock.
    import fcntl
except ImportError:  # pragma: no cover - not on the platforms the tests run on
    fcntl = None  # type: ignore[assignment]

#: The file that marks a folder as written by this program, with what it holds.
MARKER = ".schemalaggning"
#: Where a replaced schedule goes, inside the folder.
HISTORY = "history"
#: How many replaced versions the history keeps (the oldest go first).
KEEP_HISTORY = 10
#: Every entry a schedule folder of this program may hold. An entry of a marked folder
#: not in this list is the user's and is carried over into the new content unchanged.
SCHEDULE_ENTRIES = frozenset(
    {
        MARKER,
        HISTORY,
        "sessions.csv",
        "assignments.csv",
        "unscheduled.csv",
        "summary.json",
        "changes.csv",
        "electives.csv",
        "calendar.ics",
        "ics",
        "invites",
        "schema.xlsx",
        "rapport.html",
        "planer",
    }
)
#: What a schedule folder written before the marker existed holds, at least.
LEGACY_SCHEDULE = frozenset({"sessions.csv", "assignments.csv", "summary.json"})
#: What a benchmark's results folder written before the marker existed holds.
LEGACY_BENCH = frozenset({"smoke.md", "scaling.md", "smoke.csv", "scaling.csv"})
#: The stamp of a history folder: when the replaced content was written.
STAMP_FORMAT = "%Y-%m-%dT%H-%M-%S"


class FolderBusyError(Exception):
    """Another run is writing the folder now."""

    def __init__(self, folder: Path, holder: str) -> None:
        super().__init__(
            f"another schemalaggning run{holder} is writing {folder} now: wait until it "
            "has finished, or write elsewhere with -o"
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
            notes.append(
                f"{folder}: removed the unfinished files of a run that was stopped "
                f"({', '.join(self.removed)})"
            )
        return notes


def _entries(folder: Path) -> list[str]:
    return sorted(entry.name for entry in folder.iterdir())


def read_marker(folder: Path) -> dict[str, Any] | None:
    """The marker of a folder this program wrote, or ``None``."""
    try:
        data = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def owner_kind(folder: Path) -> str | None:
    """What this program wrote into the folder (``schedule``, ``instance``...), or ``None``.

    A schedule folder written before the marker existed counts as a schedule when it
    holds the schedule's files and nothing else.
    """
    marker = read_marker(folder)
    if marker is not None:
        return str(marker.get("kind", ""))
    names = set(_entries(folder))
    if names >= LEGACY_SCHEDULE and names <= SCHEDULE_ENTRIES:
        return "schedule"
    if names & LEGACY_BENCH:
        return "bench"
    return None


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


def _is_inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def folder_problems(target: Path, kind: str, inputs: Sequence[Path] = ()) -> list[Problem]:
    """Why the run may not write ``target``, in the user's words; empty when it may.

    Parameters
    ----------
    target
        The folder as the user named it.
    kind
        What the run writes: ``schedule`` or ``instance``.
    inputs
        The files and folders the run reads: the target may not be one of them nor hold
        one of them.
    """
    name = str(target)

    def refuse(why: str) -> list[Problem]:
        return [Problem(name, None, None, None, why)]

    here = Path.cwd().resolve()
    full = target.expanduser().resolve()
    if full == here:
        return refuse(
            f"expected a folder of its own for the {kind}, not the current folder: "
            "give a new folder, such as -o schedules/my-city"
        )
    if full == Path.home().resolve() or full == Path(full.anchor) or _is_inside(here, full):
        return refuse(
            f"expected a folder of its own for the {kind}, not the home folder, the root "
            "or a folder holding the current one: give a new folder"
        )
    for source in inputs:
        resolved = source.expanduser().resolve()
        if _is_inside(resolved, full):
            what = "is the instance" if resolved == full else f"holds the instance {source}"
            return refuse(
                f"expected a folder apart from the input: it {what}, which would be "
                "replaced; give another folder"
            )
    if full.exists() and not full.is_dir():
        return refuse(
            f"expected a folder for the {kind}, but this is a file: give a folder name "
            "that is not taken"
        )
    if full.is_dir():
        try:
            names = [n for n in _entries(full) if n != MARKER]
        except OSError as error:
            return refuse(f"cannot be read ({error.strerror})")
        owner = owner_kind(full)
        if names and owner is None:
            shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
            return refuse(
                f"expected a new or empty folder, or one schemalaggning wrote: it holds "
                f"{shown}, which would be lost; give a new folder"
            )
        if owner is not None and owner != kind:
            return refuse(f"expected a {kind} folder, but it holds a {owner}: give another folder")
    return _writable_problems(full, name)


def _writable_problems(full: Path, name: str) -> list[Problem]:
    """Whether the folder can be made or replaced here: probed, not guessed."""
    parent = full.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        return [Problem(name, None, None, None, f"cannot be made: {parent} is not a folder")]
    probe = parent / f".{full.name}.probe-{os.getpid()}"
    try:
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as error:
        return [
            Problem(
                name,
                None,
                None,
                None,
                f"cannot be written: {error.strerror or error} in {parent}; give a folder "
                "you can write to",
            )
        ]
    if full.is_dir() and not os.access(full, os.W_OK | os.X_OK):
        return [Problem(name, None, None, None, "cannot be written: permission denied")]
    return []


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
                [Problem(str(self.target), None, None, None, f"expected a {self.kind} folder")]
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
                    self.target, f" (process {holder})" if holder else ""
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
                    "put in place the complete schedule an interrupted run had written"
                )
            elif olds:
                olds.pop(0).rename(self.full)
                self.recovery.restored.append("restored the schedule an interrupted run had moved")
        for old in olds:
            if old.exists():
                if self.full.exists():
                    self._to_history(old)
                else:
                    old.rename(self.full)
        for new in self._leftovers("new"):
            self._put_back(new)
            shutil.rmtree(new, ignore_errors=True)
            self.recovery.removed.append(new.name)
        for legacy in self._legacy_leftovers():
            if "-old-" in legacy.name and self.full.exists():
                self._to_history(legacy)
            else:
                shutil.rmtree(legacy, ignore_errors=True)
                self.recovery.removed.append(legacy.name)

    def _put_back(self, new: Path) -> None:
        """Return what a stopped run had moved into its new content: the history, and
        the user's own files of a schedule folder."""
        if not self.full.is_dir():
            return
        for entry in list(new.iterdir()):
            users = self.kind == "schedule" and entry.name not in SCHEDULE_ENTRIES
            theirs = entry.name == HISTORY or users
            if theirs and not (self.full / entry.name).exists():
                entry.rename(self.full / entry.name)

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
            marker = {"kind": self.kind, "written": datetime.now().isoformat(timespec="seconds")}
            (staging / MARKER).write_text(json.dumps(marker) + "\n", encoding="utf-8")
        except KeyboardInterrupt:
            # Ctrl-C or SIGTERM before the new content was complete: it is removed, and
            # the folder stays as it was.
            shutil.rmtree(staging, ignore_errors=True)
            raise
        except OSError as error:
            shutil.rmtree(staging, ignore_errors=True)
            reason = error.strerror or str(error)
            raise InputError(
                [
                    Problem(
                        str(self.target),
                        None,
                        None,
                        None,
                        f"could not be written ({reason}); the folder is as it was before",
                    )
                ]
            ) from None
        with signals_deferred():
            self._swap(staging)
            self.replaced = True
        return self.target

    def _swap(self, staging: Path) -> None:
        old: Path | None = None
        if self.full.exists():
            names = _entries(self.full)
            if not names:
                self.full.rmdir()
            else:
                # What is the user's (a note put into the schedule folder) stays in it.
                if self.kind == "schedule":
                    for name in names:
                        if name not in SCHEDULE_ENTRIES and not (staging / name).exists():
                            (self.full / name).rename(staging / name)
                if (self.full / HISTORY).is_dir():
                    (self.full / HISTORY).rename(staging / HISTORY)
                old = self._parent / f"{self._aside('old')}{os.getpid()}"
                self.full.rename(old)
        staging.rename(self.full)
        _sync_folder(self._parent)
        if old is not None:
            self._to_history(old)

    def _to_history(self, old: Path) -> None:
        """Move a replaced version into the history, keeping the latest few."""
        history = self.full / HISTORY
        history.mkdir(exist_ok=True)
        stamp = _stamp(old)
        place = history / stamp
        number = 2
        while place.exists():
            place = history / f"{stamp}-{number}"
            number += 1
        old.rename(place)
        kept = sorted((p for p in history.iterdir() if p.is_dir()), key=lambda p: p.name)
        for stale in kept[:-KEEP_HISTORY]:
            shutil.rmtree(stale, ignore_errors=True)


def carry_over(folder: Path, temporary: Path, rewritten: Iterable[str]) -> None:
    """Copy a folder's entries into the new content being written for it, as they are,
    but those ``rewritten`` (written anew) and the history and marker (which
    :meth:`OutputFolder.replace` carries itself). Links are copied as links."""
    skip = {*rewritten, HISTORY, MARKER}
    for entry in sorted(folder.iterdir()):
        if entry.name in skip:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.copytree(entry, temporary / entry.name, symlinks=True)
        else:
            shutil.copy2(entry, temporary / entry.name, follow_symlinks=False)


def file_problems(target: Path, inputs: Sequence[Path], header: Sequence[str]) -> list[Problem]:
    """Why a run may not write the CSV file ``target``; empty when it may.

    A file may be written when it is new, or when it is one this program wrote before
    (its first line is ``header``); never inside an input, never over a folder.
    """
    name = str(target)
    full = target.expanduser().resolve()
    for source in inputs:
        if _is_inside(full, source.expanduser().resolve()):
            return [
                Problem(
                    name,
                    None,
                    None,
                    None,
                    f"expected a file outside the input {source}, which would be changed: "
                    "give another file name",
                )
            ]
    if full.is_dir():
        return [Problem(name, None, None, None, "expected a file name, but this is a folder")]
    if full.exists():
        try:
            with full.open(encoding="utf-8-sig") as handle:
                first = handle.readline().strip()
        except (OSError, UnicodeDecodeError):
            first = ""
        if first != ",".join(header):
            return [
                Problem(
                    name,
                    None,
                    None,
                    None,
                    "expected a new file, or one this command wrote: this file holds "
                    "something else, which would be lost; give another file name",
                )
            ]
    return _writable_problems(full, name)


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
            [Problem(str(target), None, None, None, f"could not be written ({error.strerror})")]
        ) from None
