"""The language people read, and the message catalogues its words come from.

Every text a person reads is written in the code in English, as a message id given to
:func:`_` (or to :func:`ngettext` when it counts something), and looked up in the
catalogues of the current language: gettext catalogues in the package, one for each part
of it (a top-level package such as ``export`` or ``cli``, or a top-level module such as
``rules``), named after the part::

    locale/<language>/LC_MESSAGES/<part>.po

so that the words of a part are beside each other and a change to one part's words
touches one file. A message that several parts use is in each of their catalogues, with
the same words (``tests/test_i18n.py`` holds them to it). Jinja2 templates under a part's
``templates/`` use the same functions (``{{ _("...") }}``) and belong to that part.

Swedish (``sv``) is the default, since the coordinators are Swedish; English (``en``) is
chosen with ``--lang en`` or the environment variable ``SCHEMALAGGNING_LANG=en``, so that
a reviewer or a neighbouring country can read the same files. An English message with no
translation is shown as its id, so the English catalogues may leave their messages empty.

A text defined once at import, such as a table of words, is marked with :func:`N_` (so
that the extractor finds it) and translated where it is used, with ``_(TEXT)``: the
language is chosen after the modules are imported.

The catalogues are read from their ``.po`` files with Babel when first asked for, once
per language. Nothing is compiled when the package is built, so the package holds only
the files that are edited and reviewed, and no generated ``.mo`` file has to be kept in
step with them. The catalogues are small; reading them takes a few milliseconds.

After changing a message, bring every part's catalogues up to date (new messages added
empty, messages no longer in the code taken out, the rest kept) with::

    python tools/catalogues.py

and fill in the Swedish of every new message (``tests/test_i18n.py`` fails until then).
"""

from __future__ import annotations

import gettext
import io
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TypeVar

from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

K = TypeVar("K")

#: The gettext domain of the whole package, which its catalogues make up together.
DOMAIN = "schemalaggning"
#: Where the catalogues are, one folder per language.
LOCALE_FOLDER = Path(__file__).parent / "locale"
#: The languages there are catalogues for, and the Babel locale each formats dates,
#: times and numbers with (British English: a 24-hour clock and the day before the month).
LANGUAGES: dict[str, str] = {"sv": "sv_SE", "en": "en_GB"}
#: The language when none is chosen.
DEFAULT_LANGUAGE = "sv"
#: The environment variable that chooses the language.
LANGUAGE_VARIABLE = "SCHEMALAGGNING_LANG"


@dataclass
class _Choice:
    """The language chosen for this process (by ``--lang``), if any."""

    language: str | None = None


_chosen = _Choice()


@cache
def language_of(value: str | None) -> str | None:
    """The language a value such as ``en`` or ``EN`` names, or ``None`` when it names
    none there is a catalogue for."""
    code = (value or "").strip().lower()
    return code if code in LANGUAGES else None


def language() -> str:
    """The current language: the one chosen (``--lang``), else ``SCHEMALAGGNING_LANG``'s,
    else Swedish. A variable naming no language there is a catalogue for is passed over
    here, as gettext passes over an unknown ``LANGUAGE`` (the command line refuses it)."""
    if _chosen.language is not None:
        return _chosen.language
    return language_of(os.environ.get(LANGUAGE_VARIABLE)) or DEFAULT_LANGUAGE


def set_language(code: str | None) -> str | None:
    """Choose the language of this process (``None``: the environment's again).

    Returns
    -------
    The language chosen before, to give back to this function when done.

    Raises
    ------
    ValueError
        If there is no catalogue for the language.
    """
    if code is not None and code not in LANGUAGES:
        raise ValueError(f"expected one of {', '.join(LANGUAGES)}, found {code!r}")
    previous, _chosen.language = _chosen.language, code
    return previous


@contextmanager
def use_language(code: str) -> Iterator[None]:
    """Choose a language for the with-block, and the one before it after."""
    previous = set_language(code)
    try:
        yield
    finally:
        set_language(previous)


def locale() -> Locale:
    """The Babel locale of the current language, for dates, times and numbers."""
    return _babel_locale(language())


@cache
def _babel_locale(code: str) -> Locale:
    return Locale.parse(LANGUAGES[code])


def catalogue_path(code: str, part: str) -> Path:
    """The ``.po`` file of a language's catalogue for one part of the package."""
    return LOCALE_FOLDER / code / "LC_MESSAGES" / f"{part}.po"


def catalogue_paths(code: str) -> list[Path]:
    """The ``.po`` files of a language's catalogues, one a part, by name."""
    return sorted((LOCALE_FOLDER / code / "LC_MESSAGES").glob("*.po"))


@dataclass(frozen=True)
class _Words:
    """A language's catalogues read: gettext's translations and every message id they
    hold, translated or not (the English catalogues hold the ids with no words)."""

    translations: gettext.GNUTranslations
    ids: frozenset[str]


@cache
def _words(code: str) -> _Words:
    whole = Catalog(locale=LANGUAGES[code], domain=DOMAIN)
    ids: set[str] = set()
    for path in catalogue_paths(code):
        with path.open("rb") as file:
            part = read_po(file, locale=LANGUAGES[code], domain=DOMAIN)
        for message in part:
            if not message.id:
                continue
            ids.add(message.id if isinstance(message.id, str) else message.id[0])
            if message.string and not message.fuzzy:
                whole[message.id] = message
    compiled = io.BytesIO()
    write_mo(compiled, whole)
    compiled.seek(0)
    return _Words(gettext.GNUTranslations(compiled), frozenset(ids))


def translations(code: str) -> gettext.GNUTranslations:
    """A language's words: its catalogues read from their ``.po`` files once, together.

    Babel reads the files and writes them as one ``.mo`` file in memory, which the
    standard library's gettext reads: the plural forms are then the catalogues' own.
    Untranslated and fuzzy messages are left out, so their ids are shown.
    """
    return _words(code).translations


#: The messages asked for that a catalogue lacks (or, but for English, has no words
#: for), by language: what a test rendering every text for people looks at.
_misses: dict[str, set[str]] = {}


def misses(code: str) -> frozenset[str]:
    """The messages of a language asked for in this process that its catalogues lack,
    or hold without words (English shows the id itself, so only a lacking one counts)."""
    return frozenset(_misses.get(code, ()))


def _(message: str) -> str:
    """A message in the current language (its id when the catalogues lack it, noted
    for :func:`misses`)."""
    code = language()
    words = _words(code)
    text = words.translations.gettext(message)
    if message not in words.ids or (text is message and code != "en"):
        _misses.setdefault(code, set()).add(message)
    return text


def ngettext(singular: str, plural: str, count: int) -> str:
    """A message about ``count`` things in the current language, in the form for it."""
    return translations(language()).ngettext(singular, plural, count)


def N_(message: str) -> str:  # noqa: N802 (gettext's conventional name)
    """Mark a message for the catalogue without translating it yet (translate it with
    :func:`_` where it is used, when the language is known)."""
    return message


class Messages(Mapping[K, str]):
    """A table of messages (marked with :func:`N_`) by key, each in the current language
    when read: the words for a column's values, made once at import."""

    def __init__(self, messages: Mapping[K, str]) -> None:
        self._messages = dict(messages)

    def __getitem__(self, key: K) -> str:
        return _(self._messages[key])

    def __len__(self) -> int:
        return len(self._messages)

    def __iter__(self) -> Iterator[K]:
        return iter(self._messages)
