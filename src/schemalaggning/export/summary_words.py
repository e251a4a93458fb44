"""The schedule's key figures in sentences: what ``summary.json`` says, for the report,
the workbook and the end of a run.

Each figure is a :class:`KeyFigure`: the key and value of ``summary.json`` and the
sentence a coordinator reads (empty for a figure that is only a number). Solver words
(objective, bound, gap) stay out; they belong to ``summary.json`` itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from schemalaggning.export.words import and_words, decimal, number
from schemalaggning.i18n import N_, Messages, _


def unmet_counts(summary: dict[str, Any]) -> tuple[int, int]:
    """The due attendances not met and the yearly offerings not held, from a summary.

    ``unscheduled`` counts both (every row of ``unscheduled.csv``); ``due_met`` tells the
    attendances apart. A summary without it counts attendances only.
    """
    listed = int(summary.get("unscheduled") or 0)
    met = summary.get("due_met")
    if not isinstance(met, int):
        return listed, 0
    unmet = max(0, int(summary.get("required_attendances", 0)) - met)
    return unmet, max(0, listed - unmet)


@dataclass(frozen=True)
class KeyFigure:
    """A figure of ``summary.json`` and the sentence that says it."""

    key: str
    value: float
    sentence: str


def key_figures(summary: dict[str, Any], changes: int | None = None) -> list[KeyFigure]:
    """The schedule's key figures in sentences, for the report, the workbook and the
    end of a run; solver words stay out.

    Parameters
    ----------
    summary
        The schedule's ``summary.json``.
    changes
        The number of changes of a re-plan, or ``None`` for a schedule of its own.
    """
    sessions = int(summary.get("sessions", 0))
    figures = _attendance_figures(summary, sessions)
    figures += _offering_figures(summary)
    figures.append(KeyFigure("sessions", sessions, ""))
    figures += _trainer_figures(summary)
    figures += _held_figures(summary)
    figures += _month_figures(summary, changes)
    return figures


#: Where the expected hires of the held seats come from, in words.
FORECAST_WORDS: Mapping[str, str] = Messages(
    {"forecast.csv": N_("as forecast.csv says"), "auto": N_("estimated from people.csv")}
)


def _held_figures(summary: dict[str, Any]) -> list[KeyFigure]:
    """The seats held for expected hires, or why none is held when some were asked for."""
    source = summary.get("forecast")
    held = summary.get("held_seats")
    if source not in FORECAST_WORDS or not isinstance(held, int):
        note = summary.get("forecast_note")
        # summary.json holds the note's message id; it is said in the reader's language.
        return [KeyFigure("held_seats", 0, _(note))] if isinstance(note, str) and note else []
    expected = int(summary.get("expected_hires", 0))
    sentence = _(
        "{seats} seats are held for {hires} expected new hires ({source}); they are shown "
        "under Held seats."
    ).format(seats=number(held), hires=number(expected), source=FORECAST_WORDS[str(source)])
    unplanned = int(summary.get("held_unplanned", 0))
    if unplanned:
        sentence += " " + _("{count} of their attendances got no seat.").format(
            count=number(unplanned)
        )
    return [KeyFigure("held_seats", held, sentence)]


def _attendance_figures(summary: dict[str, Any], sessions: int) -> list[KeyFigure]:
    """The due attendances met, and those and the yearly offerings not."""
    figures: list[KeyFigure] = []
    due = int(summary.get("required_attendances", 0))
    unmet, unheld = unmet_counts(summary)
    if due == 0:
        sentence = _(
            "No required attendance has to fall within the period; the schedule has "
            "{sessions} sessions."
        ).format(sessions=number(sessions))
    elif unmet == 0:
        sentence = _("All {due} required attendances are scheduled in {sessions} sessions.").format(
            due=number(due), sessions=number(sessions)
        )
    else:
        sentence = _(
            "{met} of {due} required attendances are scheduled in {sessions} sessions; "
            "{unmet} cannot be scheduled (see the reasons under Not scheduled)."
        ).format(
            met=number(due - unmet),
            due=number(due),
            sessions=number(sessions),
            unmet=number(unmet),
        )
    figures.append(KeyFigure("required_attendances", due, sentence))
    figures.append(KeyFigure("unscheduled", unmet + unheld, ""))
    if unheld:
        figures.append(
            KeyFigure(
                "unheld_offerings",
                unheld,
                (
                    _(
                        "A course cannot be given as many times as required in a year "
                        "(see Not scheduled)."
                    )
                    if unheld == 1
                    else _(
                        "In {count} cases a course cannot be given as many times as required "
                        "in a year (see Not scheduled)."
                    ).format(count=number(unheld))
                ),
            )
        )
    return figures


def _offering_figures(summary: dict[str, Any]) -> list[KeyFigure]:
    """Every course held as often as each year requires, when it is."""
    unheld = unmet_counts(summary)[1]
    offerings = summary.get("offerings")
    if not isinstance(offerings, dict) or not offerings.get("owed") or unheld:
        return []
    years = [str(year) for year in offerings.get("years", [])]
    sentence = _("Every course is given at least as many times as required in {years}.").format(
        years=and_words(years)
    )
    return [KeyFigure("held_offerings", int(offerings["owed"]), sentence)]


def _trainer_figures(summary: dict[str, Any]) -> list[KeyFigure]:
    """The trainers' half-days, against the least the courses and participants need."""
    figures: list[KeyFigure] = []
    half_days = summary.get("trainer_half_days")
    least = summary.get("trainer_half_days_bound")
    if isinstance(half_days, int):
        days = half_days / 2
        shown = number(days) if days == int(days) else decimal(days)
        said = {"days": shown, "half_days": number(half_days), "least": number(least or 0)}
        if isinstance(least, int) and least > 0:
            more = round(100 * (half_days - least) / least)
            if half_days <= least:
                sentence = _(
                    "The trainers teach {days} days ({half_days} half-days), the least "
                    "there can be with these courses and participants."
                ).format(**said)
            elif more >= 1:
                sentence = _(
                    "The trainers teach {days} days ({half_days} half-days), {more} % more "
                    "than the least there can be with these courses and participants "
                    "({least} half-days)."
                ).format(**said, more=more)
            else:
                sentence = _(
                    "The trainers teach {days} days ({half_days} half-days), under 1 % more "
                    "than the least there can be ({least} half-days)."
                ).format(**said)
        else:
            sentence = _("The trainers teach {days} days ({half_days} half-days).").format(**said)
        figures.append(KeyFigure("trainer_half_days", half_days, sentence))
        if isinstance(least, int):
            figures.append(KeyFigure("trainer_half_days_bound", least, ""))
    return figures


def _month_figures(summary: dict[str, Any], changes: int | None) -> list[KeyFigure]:
    """Time to part 1, free seats to experienced staff, changes and an interruption."""
    figures: list[KeyFigure] = []
    mean = summary.get("mean_days_to_part1")
    if isinstance(mean, int | float):
        figures.append(
            KeyFigure(
                "mean_days_to_part1",
                float(mean),
                _(
                    "On average it takes {days} days from a new hire's first day until "
                    "part 1 is done."
                ).format(days=number(mean)),
            )
        )
    experienced = summary.get("experienced_seats")
    if isinstance(experienced, int) and experienced > 0:
        figures.append(
            KeyFigure(
                "experienced_seats",
                experienced,
                _("{seats} free seats go to experienced staff.").format(seats=number(experienced)),
            )
        )
    if changes is not None:
        figures.append(
            KeyFigure(
                "changes",
                changes,
                _("No changes against the published schedule.")
                if changes == 0
                else _("{count} changes against the published schedule (see Changes).").format(
                    count=number(changes)
                ),
            )
        )
    if summary.get("interrupted"):
        figures.append(
            KeyFigure(
                "interrupted",
                1,
                _("The run was interrupted: this is the best schedule found in the time."),
            )
        )
    return figures
