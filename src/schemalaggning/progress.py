"""A live progress line for long solves, in a coordinator's words: what the run is
doing, for how long, the trainers' half-days of the plan so far, and whether it is proven
the least possible ("planerar  4,8 s  73 utbildarhalvdagar, bevisat bäst"). With
``--verbose`` the solver's own figures are shown too: the bound, the gap and the pass.

Shown only on a terminal; elsewhere (a pipe, a log file, CI) the solve is quiet.
"""

from __future__ import annotations

import time
from types import TracebackType
from typing import Any

from babel.numbers import format_decimal
from rich.console import Console
from rich.live import Live
from rich.text import Text

from schemalaggning.i18n import N_, Messages, _, language

#: What the run is doing, by the phase the engine reports.
PHASE_WORDS = Messages(
    {
        "build": N_("reading"),
        "greedy": N_("planning"),
        "rebuild": N_("rebuilding"),
        "reorder": N_("reordering"),
        "search": N_("improving"),
        "done": N_("done"),
    }
)


class ProgressDisplay:
    """A context manager whose instances are the ``progress`` callback of ``solve``."""

    def __init__(self, console: Console, verbose: bool = False) -> None:
        self.console = console
        self.verbose = verbose
        self.enabled = console.is_terminal
        self.live: Live | None = None
        self.figures: dict[str, Any] = {}
        self.phase = ""
        #: When the run began on this display's clock, and how long ago that was at the
        #: last report: the engine's phases each count their own seconds, the line the run's.
        self.origin: float | None = None
        self.seconds = 0.0

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
        now = time.monotonic()
        if self.origin is None:
            self.origin = now - float(figures.get("elapsed", 0.0))
        self.seconds = now - self.origin
        self.phase = phase
        self.figures.update(figures)
        if self.live is not None:
            self.live.update(Text(self.line()))

    def line(self) -> str:
        """The progress line as text: in words, with the solver's figures if verbose."""
        return self.solver_line() if self.verbose else self.words()

    def words(self) -> str:
        """``planerar  4,8 s  73 utbildarhalvdagar, bevisat bäst``."""
        f = self.figures
        phase = PHASE_WORDS.get(self.phase, self.phase)
        width = max(len(PHASE_WORDS[key]) for key in PHASE_WORDS)
        seconds = format_decimal(self.seconds, format="0.0", locale=language())
        parts = [phase.ljust(width), f"{seconds:>6} s"]
        objective = f.get("objective")
        if isinstance(objective, int):
            text = _("{count} trainer half-days").format(count=objective)
            bound = f.get("bound")
            if isinstance(bound, int) and objective <= bound:
                text += _(", proven the least possible")
            parts.append(text)
        return "  ".join(parts)

    def solver_line(self) -> str:
        """The solver's figures: phase, seconds, objective, bound, gap and pass."""
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
