"""Bring the message catalogues up to date with the code.

Each part of the package (a top-level package such as ``export``, or a top-level module
such as ``rules``) has its own catalogue per language,
``src/schemalaggning/locale/<language>/LC_MESSAGES/<part>.po``, holding exactly the
messages its Python files and Jinja2 templates use (Babel's extractor finds them). This
script adds new messages (empty, to be filled in), takes out those the code no longer
uses and keeps every translation, also of a message that moves from one part to another;
a part with no messages has no catalogue. Run it from the repository's root::

    python tools/catalogues.py          # update
    python tools/catalogues.py --check  # exit 1 if a catalogue is not up to date
"""

from __future__ import annotations

import io
import sys
from collections import defaultdict
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "schemalaggning"
LOCALE = PACKAGE / "locale"
LANGUAGES = {"sv": "sv_SE", "en": "en_GB"}
#: How the extractor reads the package's files.
METHODS = [("**/templates/**.j2", "jinja2"), ("**.py", "python")]
#: What the Jinja2 extractor needs to read the templates as the views render them.
OPTIONS = {"**/templates/**.j2": {"extensions": "jinja2.ext.do", "trimmed": "true"}}
HEADER = (
    "The words of schemalaggning's {part}.\n"
    "msgids are English; update with python tools/catalogues.py (see i18n.py)."
)


def part_of(filename: str) -> str:
    """The part of the package a file (relative to it) belongs to: its top-level package,
    or the module's own name at the top level."""
    first = Path(filename).parts[0]
    return first.removesuffix(".py")


def extracted() -> dict[str, dict[str | tuple[str, ...], list[str]]]:
    """Every message of the code by part: its id and the comments for translators."""
    parts: dict[str, dict[str | tuple[str, ...], list[str]]] = defaultdict(dict)
    for filename, _line, message, comments, _context in extract_from_dir(
        str(PACKAGE),
        method_map=METHODS,
        options_map=OPTIONS,
        comment_tags=("Translators:",),
        strip_comment_tags=True,
    ):
        if not message or (isinstance(message, tuple) and not message[0]):
            continue
        found = parts[part_of(filename)]
        found.setdefault(message, [])
        found[message].extend(c for c in comments if c not in found[message])
    return parts


def known_words(code: str) -> dict[str, Message]:
    """Every translation the catalogues of a language hold now, by message id."""
    words: dict[str, Message] = {}
    for path in sorted((LOCALE / code / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as file:
            for message in read_po(file, locale=LANGUAGES[code]):
                if message.id and (message.string or message.id not in words):
                    words[str(message.id)] = message
    return words


def catalogue_text(
    code: str,
    part: str,
    messages: dict[str | tuple[str, ...], list[str]],
    words: dict[str, Message],
) -> bytes:
    """A part's catalogue for a language, as its ``.po`` file reads."""
    catalogue = Catalog(
        locale=LANGUAGES[code],
        domain=part,
        header_comment="# " + HEADER.format(part=part).replace("\n", "\n# "),
        project="schemalaggning",
        version="0.1.0",
        msgid_bugs_address="-",
        last_translator="-",
        language_team="-",
        fuzzy=False,
    )
    for message_id, comments in messages.items():
        old = words.get(str(message_id))
        empty: str | tuple[str, ...] = ("", "") if isinstance(message_id, tuple) else ""
        string = old.string if old is not None else empty
        catalogue.add(
            message_id,
            string,
            auto_comments=comments,
            flags=[f for f in (old.flags if old else ()) if f != "fuzzy"],
        )
    out = io.BytesIO()
    write_po(out, catalogue, no_location=True, sort_output=True, omit_header=False, width=96)
    return normalised(out.getvalue())


def normalised(text: bytes) -> bytes:
    """A ``.po`` file without the dates Babel stamps on it, so an update that changes no
    message changes no byte."""
    lines = [
        line
        for line in text.decode("utf-8").splitlines(keepends=True)
        if not line.startswith(('"POT-Creation-Date', '"PO-Revision-Date'))
    ]
    return "".join(lines).encode("utf-8")


def main(argv: list[str]) -> int:
    check = "--check" in argv
    parts = extracted()
    stale = []
    for code in LANGUAGES:
        words = known_words(code)
        folder = LOCALE / code / "LC_MESSAGES"
        wanted = {
            folder / f"{part}.po": catalogue_text(code, part, messages, words)
            for part, messages in parts.items()
        }
        for path in sorted(folder.glob("*.po")):
            if path not in wanted:
                stale.append(path)
                if not check:
                    path.unlink()
        for path, text in sorted(wanted.items()):
            if not path.exists() or path.read_bytes() != text:
                stale.append(path)
                if not check:
                    path.write_bytes(text)
    for path in stale:
        print(f"{'not up to date' if check else 'updated'}: {path.relative_to(ROOT)}")
    return 1 if check and stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
