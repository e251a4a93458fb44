"""A live progress line for long solves: phase, elapsed time, objective, bound and gap.

Shown only on a terminal; elsewhere (a pipe, a log file, CI) the solve is quiet.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any

from rich.console import Console
from rich.live import Live
from rich.text import Text


class ProgressDisplay:
    """A context manager whose instances are the ``progress`` callback of ``solve``."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.enabled = console.is_terminal
        self.live: Live | None = None
        self.figures: dict[str, Any] = {}
        self.phase = ""

    def __enter__(self) -> ProgressDisplay:
        if self.enabled:
            self.live = Live(Text(""), console=self.console, refresh_per_second=4, transient=True)
            self.live.__enter__()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self.live is not None:
            self.live.__exit__(kind, error, trace)
            self.live = None

    def __call__(self, phase: str, figures: dict[str, Any]) -> None:
        self.phase = phase
        self.figures.update(figures)
        if self.live is not None:
            self.live.update(Text(self.line()))

    def line(self) -> str:
        """The progress line as text."""
        f = self.figures
        parts = [f"{self.phase:<7}", f"{f.get('elapsed', 0.0):7.1f} s"]
        if "objective" in f:
            parts.append(f"trainer half-days {f['objective']}")
        if "bound" in f:
            parts.append(f"bound {f['bound']}")
            if f.get("objective"):
                gap = (f["objective"] - f["bound"]) / f["objective"]
                parts.append(f"gap {gap:.2%}")
        if "area" in f:
            parts.append(f"pass {f.get('pass')}: {f['area']}")
        return "  ".join(parts)
