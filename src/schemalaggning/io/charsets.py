"""The encodings a CSV file is read in, and the files refused for theirs.

Coordinators save CSV files from Excel on Windows or a Mac, from LibreOffice, or from
programs that write UTF-16 or UTF-32: :func:`decode` reads the ones whose text it can
know for certain and names the others, with the line where they show, rather than read
a name in the wrong letters.
"""

from __future__ import annotations

import codecs
import csv
import re
import unicodedata

from schemalaggning.i18n import N_, Messages, _
from schemalaggning.problems import InputError, Problem


class UnreadableFileError(InputError, csv.Error):
    """A file, or a cell of it, that cannot be read as written: its problems, located.

    It is a :class:`csv.Error` too, so that a reader that names an unreadable CSV file in
    its own words still does; its text is then the problems without the file's name.
    """

    def __str__(self) -> str:
        return "; ".join(
            str(problem).removeprefix(f"{problem.file}, ").removeprefix(f"{problem.file}: ")
            for problem in self.problems
        )


#: What a coordinator does about a file that is not text in an encoding this reader takes.
SAVE_AS_UTF8 = N_("save it as UTF-8 (CSV UTF-8 in Excel)")

#: The signs of a file that is no text at all: a zip archive (an xlsx workbook) or an
#: Excel 97-2003 workbook, renamed.
ARCHIVES = Messages(
    {
        b"PK\x03\x04": N_("an xlsx workbook or another zip archive"),
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1": N_("an Excel 97-2003 workbook (.xls)"),
    }
)

#: Where ISO-8859-15 has € Š š ž, Windows-1252 (and ISO-8859-1) has these signs, which
#: nobody types in a list of people, courses and rooms.
LATIN9_SIGNS = frozenset("¤¦¨¸")

#: Where ISO-8859-15 has Œ œ Ÿ: as fractions they do not touch a letter.
LATIN9_FRACTIONS = frozenset("¼½¾")

#: Signs that do not begin a word, where Mac Roman has Ä Ö Ü (``€rlig``, ``…hman``).
MAC_CAPITALS = frozenset("€…†")

#: Signs that may stand inside a word: apostrophes, hyphens and dashes, a soft hyphen.
IN_WORD = frozenset("´’`‐‑–—\u00ad")

#: The letters that Mac Roman has where Windows-1252 has Š Œ Ž š œ ž Ÿ ƒ: the
#: reading of the same bytes with more of them is the likelier. (Mac Roman's other letters
#: are Windows-1252's quotes, dashes, € and …, which proves nothing.)
MAC_LETTERS = re.compile("[äåéöúûüÉ]")

#: The control characters that text holds no more than a stray one of (not tab, line
#: feed, form feed or carriage return).
CONTROL_BYTES = bytes([*range(9), *range(14, 32), 127])

NON_ASCII = re.compile("[^\x00-\x7f]")
LINE_BREAK = re.compile(rb"\r\n|\r|\n")


def decode(data: bytes, name: str | None = None) -> str:
    """Decode a CSV file's bytes as the text they were written as, or refuse them.

    Read silently:

    - UTF-8, with or without a byte order mark;
    - UTF-16 with its byte order mark (Excel's "Unicode text"), or without it (every other
      byte of a header's letters is zero);
    - Windows-1252, what Excel writes on Swedish Windows, also behind a UTF-8 byte order
      mark; ISO-8859-1 with it, since its letters (å ä ö é ü and the others of Western
      Europe) are the same bytes.

    A Windows-1252 reading is taken only when it reads as text a coordinator writes,
    since any bytes are Windows-1252 of some kind. It is refused for

    - a byte that Windows-1252 leaves undefined;
    - ``¤ ¦ ¨ ¸`` anywhere, ``¼ ½ ¾`` beside a letter, ``´`` that begins a word: where
      ISO-8859-15 has € Š š ž, Œ œ Ÿ and Ž (``´`` in or after a word is the apostrophe
      a Swedish keyboard types, and is kept);
    - ``€ … †`` before a letter, where Mac Roman has Ä Ö Ü (``…hman``), and any other
      sign between two letters (``G…teborg``);
    - a capital beyond ASCII after a small letter, or inside a word (``MŒns``);
    - three letters beyond ASCII in a row, other than å ä ö (another alphabet read as
      Latin letters);
    - the same bytes reading as text from a Mac with more of ä å é ö ü (``Bjšrk`` is
      ``Björk`` in Mac Roman).

    So ISO-8859-15 is read when it holds none of the eight characters that are its own.
    Everything else is refused, never guessed at: UTF-32, Mac Roman, Shift-JIS,
    ISO-8859-15 with its own letters, a workbook or other binary data renamed to
    ``.csv``, UTF-8 with a byte that is not UTF-8. Two kinds of file fall on the wrong
    side: Windows-1252 whose only letters beyond ASCII are Š Œ Ž š œ ž Ÿ ƒ is refused
    as Mac Roman (it is read once saved as UTF-8), and Mac Roman whose only characters
    beyond ASCII are neither Swedish letters nor é ü (``Zoë``, ``™``) reads as
    Windows-1252.

    Raises
    ------
    UnreadableFileError
        For a file that is not text in these encodings: it names ``name``, the encoding
        the file looks like when that can be told, the line where it shows, and what to do.
    """
    refused = _not_text(data)
    if refused is None:
        text = _unicode(data)
        if text is not None:
            return text
        # A byte order mark says UTF-8, but a spreadsheet may have saved Windows-1252
        # after it: the mark is no part of the header either way.
        body = data.removeprefix(codecs.BOM_UTF8)
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError as error:
            text = body.decode("cp1252", errors="replace")
            if _first_misread(text) is None and not _likelier_mac_roman(body, text):
                return text
            refused = _other_encoding(body, text, error)
    raise UnreadableFileError([Problem(name or _("the file"), None, None, None, refused)])


def _not_text(data: bytes) -> str | None:
    """What a file that is no text for a CSV reader is instead (``None`` for text)."""
    for start, kind in ARCHIVES.items():
        if data.startswith(start):
            return _(
                "expected CSV text, found {kind}: save the sheet as UTF-8 (CSV UTF-8 in Excel)"
            ).format(kind=kind)
    if _utf32(data):
        return _("expected UTF-8 text, found UTF-32: {advice}").format(advice=_(SAVE_AS_UTF8))
    return None


def _utf32(data: bytes) -> bool:
    """Whether the bytes are UTF-32: its byte order mark, or three zero bytes a letter."""
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return True
    sample = data[: 4096 - 4096 % 4]
    if len(sample) < 8 or len(sample) % 4:
        return False
    quarters = [sample[i::4] for i in range(4)]
    zero = [quarter.count(0) == len(quarter) for quarter in quarters]
    return (zero[1] and zero[2] and zero[3]) or (zero[0] and zero[1] and zero[2])


def _unicode(data: bytes) -> str | None:
    """The text of a UTF-16 file, with its byte order mark or without (``None`` if not)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            return None
    sample = data[:4096]
    odd, even = sample[1::2].count(0), sample[0::2].count(0)
    if max(odd, even) > len(sample) // 8 and min(odd, even) <= len(sample) // 100:
        # UTF-16 without its BOM: every other byte of the letters a header has is zero.
        try:
            return data.decode("utf-16-le" if odd > even else "utf-16-be")
        except UnicodeDecodeError:
            return None
    return None


def _first_misread(text: str) -> int | None:
    """Where a text read from single bytes first holds what written text would not.

    The index of the first character that stands where no coordinator would put it
    (see :func:`decode`), or ``None`` when the whole text reads as written text.
    """
    for match in NON_ASCII.finditer(text):
        if _misread(text, match.start()):
            return match.start()
    return None


def _misread(text: str, index: int) -> bool:
    """Whether the character at ``index`` is one written text would not hold there."""
    char = text[index]
    before = text[index - 1] if index > 0 else " "
    after = text[index + 1] if index + 1 < len(text) else " "
    if char == "\ufffd" or unicodedata.category(char) == "Cc":
        return True
    if char.isalpha():
        return _misread_letter(text, index, before, after)
    return _misread_sign(char, before, after)


def _misread_sign(char: str, before: str, after: str) -> bool:
    """Whether a sign beyond ASCII stands where written text would not have it."""
    if char in LATIN9_SIGNS:
        return True
    if char in LATIN9_FRACTIONS:
        return before.isalpha() or after.isalpha()
    if char == "´":
        # An apostrophe ends a word or stands inside one; Ž begins one.
        return after.isalpha() and not before.isalpha()
    if char in MAC_CAPITALS and after.isalpha():
        return True
    if char.isspace() or char in IN_WORD:
        return False
    return before.isalpha() and after.isalpha()


def _misread_letter(text: str, index: int, before: str, after: str) -> bool:
    """Whether a letter beyond ASCII stands where written text would not have it."""
    if text[index].isupper() and (before.islower() or (before.isalpha() and after.islower())):
        return True
    run = text[max(0, index - 2) : index + 1]
    return (
        len(run) == 3
        and all(c.isalpha() and not c.isascii() for c in run)
        and not all(c in "åäöÅÄÖ" for c in run)
    )


def _likelier_mac_roman(body: bytes, text: str) -> bool:
    """Whether the bytes read as Swedish text from a Mac better than as Windows-1252."""
    mac = body.decode("mac_roman")
    if _first_misread(mac) is not None:
        return False
    return len(MAC_LETTERS.findall(mac)) > len(MAC_LETTERS.findall(text))


def _other_encoding(body: bytes, text: str, error: UnicodeDecodeError) -> str:
    """Why bytes that are neither UTF-8 nor Windows-1252 are refused, in plain words.

    ``text`` is their Windows-1252 reading and ``error`` where UTF-8 failed. The message
    names the encoding the bytes look like, when that can be told, and the line where a
    character first reads wrongly.
    """
    if len(body) - len(body.translate(None, CONTROL_BYTES)) > len(body) // 100:
        return _("expected CSV text, found binary data: {advice}").format(advice=_(SAVE_AS_UTF8))
    utf8 = body.decode("utf-8", errors="replace")
    if len(NON_ASCII.findall(utf8)) > 2 * utf8.count("\ufffd"):
        # The file is UTF-8 but for a byte or two, as when texts of two sources are pasted
        # together: the byte is named, since the rest of the file is right.
        return _(
            "expected UTF-8 text throughout: line {line} holds the byte {byte}, which is not "
            "UTF-8 (the rest of the file is); {advice}"
        ).format(
            line=_line(body, error.start),
            byte=f"0x{body[error.start]:02X}",
            advice=_(SAVE_AS_UTF8),
        )
    index = _first_misread(text)
    if index is None:
        index = len(body) - len(body.lstrip(bytes(range(128))))
    line = _line(body, index)
    encoding = _looks_like(body, text)
    if encoding is None:
        return _(
            "expected UTF-8 or Windows-1252 text, found bytes of another encoding (first on "
            "line {line}): {advice}"
        ).format(line=line, advice=_(SAVE_AS_UTF8))
    return _(
        "expected UTF-8 text, found text in {encoding} (first on line {line}): {advice}"
    ).format(encoding=encoding, line=line, advice=_(SAVE_AS_UTF8))


def _looks_like(body: bytes, text: str) -> str | None:
    """The encoding bytes refused as Windows-1252 look like, if one can be told."""
    if _first_misread(text) is not None and _first_misread(body.decode("iso-8859-15")) is None:
        return "ISO-8859-15 (Latin-9)"
    if _first_misread(body.decode("mac_roman")) is None:
        return "Mac Roman"
    try:
        japanese = body.decode("shift_jis")
    except UnicodeDecodeError:
        return None
    wide = [c for c in NON_ASCII.findall(japanese) if not "\uff61" <= c <= "\uff9f"]
    # Half-width katakana are single bytes that other encodings' letters fall on too.
    if wide and len(wide) == len(NON_ASCII.findall(japanese)):
        return "Shift-JIS"
    return None


def _line(body: bytes, index: int) -> int:
    """The line (1 for the first) of a byte of a file."""
    return len(LINE_BREAK.findall(body, 0, index)) + 1
