"""Stopping a run: Ctrl-C and SIGTERM alike, with the exit status that says which.

SIGTERM (what ``kill``, a service manager or a batch system sends) is turned into
:class:`Terminated`, a kind of ``KeyboardInterrupt``: every place that keeps the best
schedule on Ctrl-C keeps it on SIGTERM too.
"""

from __future__ import annotations

import signal
from types import FrameType

#: Exit status after Ctrl-C (128 + SIGINT, the shell's convention).
EXIT_SIGINT = 130
#: Exit status after SIGTERM (128 + SIGTERM).
EXIT_SIGTERM = 143


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
