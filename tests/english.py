"""English words in a text that should be Swedish: the check the tests of every text for
people run on its Swedish rendering.

The words are common English words that are no Swedish words (so "plan", "status",
"optimal", "person", "block", "limit", "sent", "per" or "in" are not among them): the
words a sentence cannot do without and the words of the programme's domain. A name in
the data that happens to be one of them (May, August) is passed as ``allowed``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

#: English words that are not Swedish.
ENGLISH = frozenset(
    """
    the and of with for between there which would could should this that these those
    from into onto than then when where who whom whose what why how has have had was were
    been being are is isn't not no yes none cannot can't won't don't doesn't didn't any
    every each some only also just still already again once twice
    session sessions course courses trainer trainers district districts attendance
    attendances people week weeks day days hire hires room rooms schedule
    scheduled unscheduled unmet due deadline reason reasons rule rules changed changes
    change new removed moved cancelled canceled invitation invitations message
    messages solve solving solver bound gap objective feasible infeasible search
    expected found row column value open closed consecutive within after
    before until missing seat seats held time times hours minutes seconds year years
    month months morning afternoon monday tuesday wednesday thursday friday saturday
    sunday january february march may june july august october
    error errors warning warnings file written wrote write
    cancel cancellation update updated attend attended attending trainer's district's
    summer break holiday holidays nobody everyone anyone someone
    """.split()  # noqa: SIM905 (a list of words reads as words)
)
WORD = re.compile(r"[A-Za-zÅÄÖåäöÉé']+")
#: Paths and file names, which are the user's and are passed over: ``/tmp/x/people.csv``,
#: ``changes.csv``.
PATH = re.compile(r"\S*[/\\]\S*|\b[\w-]+\.(?:csv|xlsx|toml|html|ics|json|sqlite|eml|md|png)\b")


def english_words(text: str, allowed: Iterable[str] = ()) -> list[str]:
    """The English words of a text, in order, each once (lower case), apart from
    ``allowed`` (names of the data), paths and file names."""
    passed = {word.lower() for word in allowed}
    found: list[str] = []
    for word in WORD.findall(PATH.sub(" ", text)):
        lower = word.lower().strip("'")
        if lower in ENGLISH and lower not in passed and lower not in found:
            found.append(lower)
    return found


#: Swedish words that are not English: what an English text must not hold.
SWEDISH = frozenset(
    """
    och är inte för att som med av till på det ett har kan ska inga ingen alla kurs
    kurser kursen passet utbildare utbildarna nyanställd nyanställda deltagare schemat
    stadsdel stadsdelen vecka veckan dag dagar fel varning skickas inbjudan inbjudningar
    mottagare måndag tisdag onsdag torsdag fredag januari februari mars maj juni juli
    augusti oktober halvdagar
    """.split()  # noqa: SIM905 (a list of words reads as words)
)


def swedish_words(text: str, allowed: Iterable[str] = ()) -> list[str]:
    """The Swedish words of a text that should be English, in order, each once (lower
    case), apart from ``allowed`` (names of the data), paths and file names."""
    passed = {word.lower() for word in allowed}
    found: list[str] = []
    for word in WORD.findall(PATH.sub(" ", text)):
        lower = word.lower()
        if lower in SWEDISH and lower not in passed and lower not in found:
            found.append(lower)
    return found
