"""The coordinator's words for the views: the rules an unmet attendance's reason names,
the kinds of change, the electives' verdicts, numbers, weeks and clock times.

The workbook, the report and the personal plans say these the same way, in the current
language (:mod:`schemalaggning.i18n`); numbers and clock times are formatted by Babel's
locale for it, not the system's, so that every machine writes the same files.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from babel.numbers import format_decimal, get_group_symbol

from schemalaggning.i18n import LANGUAGES, N_, Messages, _, language, locale
from schemalaggning.rules import Rule
from schemalaggning.swedish import clock as clock  # the views' clock times: ``08:30``

#: The rules an unmet attendance's reason starts with, in the coordinator's words.
RULE_WORDS: dict[str, str] = {rule: rule.words for rule in Rule if rule.words}


#: The kinds of change of ``changes.csv``, in words.
CHANGE_WORDS: Mapping[str, str] = Messages(
    {
        "session_added": N_("new session"),
        "session_cancelled": N_("session cancelled"),
        "session_moved": N_("session moved"),
        "room_changed": N_("new room"),
        "trainer_changed": N_("new trainer"),
        "person_added": N_("participant added"),
        "person_removed": N_("participant removed"),
        "person_moved": N_("participant moved"),
    }
)

#: The verdicts of ``electives.csv``, in words.
VERDICT_WORDS: Mapping[str, str] = Messages(
    {
        "approved": N_("approved"),
        "ok": N_("can be approved"),
        "staffing": N_("staffing"),
        "clash": N_("clash"),
        "budget": N_("budget"),
    }
)


def number(value: float, separator: str | None = None) -> str:
    """A whole number as the language writes it: ``8 147`` in Swedish, with a no-break
    space; ``separator`` in place of the language's own between the groups of digits."""
    return _number(round(value), separator, language())


@lru_cache(maxsize=4096)
def _number(value: int, separator: str | None, code: str) -> str:
    # Formatted once per number and language: the views write thousands of them.
    text = format_decimal(value, format="#,##0", locale=LANGUAGES[code])
    if separator is None:
        return text
    return text.replace(get_group_symbol(locale=LANGUAGES[code]), separator)


def decimal(value: float, decimals: int = 1) -> str:
    """A number with a fixed number of decimals as the language writes it: ``207,5``
    in Swedish."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return format_decimal(value, format=pattern, locale=locale())


def week_label(week: tuple[int, int]) -> str:
    """``vecka 2, 2027``."""
    return _("week {week}, {year}").format(week=week[1], year=week[0])


def rule_words(reason: str) -> tuple[str, str]:
    """An unmet attendance's reason as (the rule in words, the rest of the reason).

    The reason starts with the rule's name (``district_absence: ...``); a reason that
    does not is given whole, with an empty rule.
    """
    name, colon, rest = reason.partition(":")
    if colon and name.strip() in {r.value for r in Rule}:
        return RULE_WORDS.get(name.strip(), name.strip().replace("_", " ")), rest.strip()
    return "", reason.strip()
