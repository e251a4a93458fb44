"""The progress line of a long solve says what happens in words; the solver's figures
(bound, gap, pass) only with --verbose."""

from __future__ import annotations

from rich.console import Console

from schemalaggning.i18n import use_language
from schemalaggning.progress import ProgressDisplay


def shown(verbose: bool, phase: str, **figures: object) -> str:
    display = ProgressDisplay(Console(file=None, force_terminal=False), verbose)
    display(phase, dict(figures))
    return display.line()


def test_the_line_is_in_words_and_says_when_the_plan_is_proven_the_least() -> None:
    with use_language("sv"):
        line = shown(False, "search", elapsed=4.84, objective=73, bound=73, pass_=1, area="T11")
        assert line.split() == [
            "förbättrar",
            "4,8",
            "s",
            "73",
            "utbildarhalvdagar,",
            "bevisat",
            "det",
            "minsta",
            "möjliga",
        ]
        open_line = shown(False, "greedy", elapsed=1.0, objective=80, bound=73)
        assert "80 utbildarhalvdagar" in open_line and "bevisat" not in open_line
        for solver_word in ("bound", "gap", "pass", "T11"):
            assert solver_word not in line


def test_verbose_shows_the_solvers_figures() -> None:
    line = shown(True, "search", elapsed=4.84, objective=74, bound=73, area="T11", **{"pass": 1})
    assert "bound 73" in line and "gap 1.35%" in line and "pass 1: T11" in line


def test_english_words() -> None:
    with use_language("en"):
        line = shown(False, "greedy", elapsed=2.0, objective=10, bound=10)
    assert line.split()[:3] == ["planning", "2.0", "s"]
    assert "10 trainer half-days, proven the least possible" in line


def test_the_seconds_are_the_runs_and_the_phase_keeps_its_column() -> None:
    """The engine's phases count their own seconds; the line counts the run's, and a
    long phase name does not push the figures along."""
    with use_language("sv"):
        display = ProgressDisplay(Console(file=None, force_terminal=False))
        display("reorder", {"elapsed": 4.7})
        first = display.line()
        display("search", {"elapsed": 1.1, "objective": 80})
        second = display.line()
    assert float(second.split()[1].replace(",", ".")) >= 4.7
    assert first.index(" s") == second.index(" s")
