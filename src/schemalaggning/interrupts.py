"""Stopping a run: Ctrl-C and SIGTERM alike, with the exit status that says which.

SIGTERM (what ``kill``, a service manager or a batch system sends) is turned into
:class:`Terminated`, a kind of ``KeyboardInterrupt``: every place that keeps the best
schedule on Ctrl-C keeps it on SIGTERM too.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType

from schemalaggning.exits import EXIT_SIGINT, EXIT_SIGTERM


class Terminated(KeyboardInterrupt):
    """The run was asked to stop by SIGTERM."""


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    raise Terminated


def stop_on_sigterm() -> None:
    """Make SIGTERM stop the run as Ctrl-C does (call once, from the main thread)."""
    signal.signal(signal.SIGTERM, _raise_terminated)


def signal_name(stop: BaseException) -> str:
    """``SIGTERM`` or ``SIGINT``: which signal an interrupt came from."""
    return "SIGTERM" if isinstance(stop, Terminated) else "SIGINT"


def exit_status(name: str) -> int:
    """The exit status of a run stopped by the named signal."""
    return EXIT_SIGTERM if name == "SIGTERM" else EXIT_SIGINT


def interrupt(name: str) -> KeyboardInterrupt:
    """The interrupt the named signal raises (:class:`Terminated` for ``SIGTERM``), to
    raise one that was noted (:func:`noted_interrupts`) once the work it waited for is
    done."""
    return Terminated() if name == "SIGTERM" else KeyboardInterrupt()


@dataclass
class Noted:
    """The signal that came while interrupts were noted (:func:`noted_interrupts`)."""

    #: ``SIGINT`` or ``SIGTERM``; ``None`` while none came.
    name: str | None = None


@contextmanager
def noted_interrupts() -> Iterator[Noted]:
    """Note Ctrl-C (and SIGTERM, where :func:`stop_on_sigterm` made it stop the run)
    instead of raising it, for work that must not stop halfway and checks
    :attr:`Noted.name` between its steps (the greedy plan: an interrupt inside one of
    its moves would leave a session half opened). A second signal is raised as usual.
    Outside the main thread, or where the handlers are not Python's own, nothing
    changes and nothing is noted.
    """
    noted = Noted()
    if threading.current_thread() is not threading.main_thread():
        yield noted
        return

    def note(signum: int, frame: FrameType | None) -> None:
        if noted.name is not None:
            # A second one stops at once, as the first would have.
            raise Terminated if signum == signal.SIGTERM else KeyboardInterrupt
        noted.name = "SIGTERM" if signum == signal.SIGTERM else "SIGINT"

    # Only handlers that raise are replaced: a program that set its own keeps it.
    replaced = {
        signum: signal.getsignal(signum)
        for signum, raising in (
            (signal.SIGINT, signal.default_int_handler),
            (signal.SIGTERM, _raise_terminated),
        )
        if signal.getsignal(signum) is raising
    }
    for signum in replaced:
        signal.signal(signum, note)
    try:
        yield noted
    finally:
        for signum, handler in replaced.items():
            signal.signal(signum, handler)
