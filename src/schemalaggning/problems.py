"""Problems found in a user's input, located so that a coordinator can find and mend them;
and a failure to write told in words (:func:`failure_reason`), whatever shape it came in."""

from __future__ import annotations

import errno
import os
import re
import shutil
from dataclasses import dataclass
from enum import StrEnum

from schemalaggning.i18n import N_, Messages, _

#: The workbook sheet that holds the settings (``instance.toml`` of a folder).
SETTINGS_SHEET = "settings"


class Severity(StrEnum):
    """How serious a problem is: errors stop the run, warnings are only shown."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One problem in the input, named by file (or sheet), row, column and value.

    Parameters
    ----------
    file
        The file, or ``workbook.xlsx, sheet people``, the problem is in.
    row
        The row as a spreadsheet numbers it (the header is row 1), the line of a
        TOML file, or ``None`` for the whole file.
    column
        The column (or settings key), or ``None`` for the whole row.
    value
        The value found, as the user wrote it (``''`` for an empty cell), or ``None``
        when there is none, such as for a missing column.
    expected
        What was expected instead, or what is wrong, in plain words.
    severity
        ``error`` stops the run; ``warning`` is only shown.
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    expected: str
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        # A TOML file has lines and keys, a settings sheet rows and keys; tables have
        # rows and columns. Naming them so lets a coordinator find the place at once.
        toml = self.file.lower().endswith(".toml")
        settings = toml or self.file.lower().endswith(f" {SETTINGS_SHEET}")
        where = [self.file]
        if self.row is not None:
            row = _("line {row}") if toml else _("row {row}")
            where.append(row.format(row=self.row))
        if self.column is not None:
            column = _("key {column}") if settings else _("column {column}")
            where.append(column.format(column=self.column))
        place = ", ".join(where)
        if self.value is None:
            return _("{place}: {expected}").format(place=place, expected=self.expected)
        return _("{place}: {value}: {expected}").format(
            place=place, value=repr(self.value), expected=self.expected
        )

    def as_dict(self) -> dict[str, str | int | None]:
        """Return the problem as plain data, for ``--json`` output."""
        return {
            "severity": self.severity.value,
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "expected": self.expected,
        }


def sheet_label(file: str, sheet: str) -> str:
    """How a problem names a workbook's sheet: ``workbook.xlsx, sheet people``."""
    return _("{file}, sheet {sheet}").format(file=file, sheet=sheet)


class InputError(Exception):
    """The input has errors; ``problems`` lists every one of them (and any warnings)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        errors = [p for p in problems if p.severity is Severity.ERROR]
        super().__init__(f"{len(errors)} error(s) in the input")

    @property
    def errors(self) -> list[Problem]:
        """The problems that are errors."""
        return [p for p in self.problems if p.severity is Severity.ERROR]


#: The number ``str(OSError)`` puts first: ``[Errno 28] No space left on device: 'x'``.
ERRNO_TEXT = re.compile(r"\[Errno (-?\d+)\]\s*(.*)", re.DOTALL)
#: The failures a coordinator meets when writing, in the reader's language (the ids are
#: the system's own English words); any other is given in the system's words.
FAILURE_WORDS = Messages(
    {
        errno.ENOSPC: N_("No space left on device"),
        errno.EDQUOT: N_("Disk quota exceeded"),
        errno.EACCES: N_("Permission denied"),
        errno.EPERM: N_("Operation not permitted"),
        errno.EROFS: N_("Read-only file system"),
        errno.ENOENT: N_("No such file or directory"),
        errno.EEXIST: N_("File exists"),
        errno.ENOTDIR: N_("Not a directory"),
        errno.EISDIR: N_("Is a directory"),
        errno.EBUSY: N_("Device or resource busy"),
        errno.ENAMETOOLONG: N_("File name too long"),
        errno.EIO: N_("Input/output error"),
    }
)


def _first_failure(error: OSError) -> str | None:
    """The reason of the first failure a :class:`shutil.Error` gathered, as written."""
    failures = error.args[0] if isinstance(error, shutil.Error) and error.args else None
    if not isinstance(failures, list) or not failures:
        return None
    first = failures[0]
    return str(first[-1] if isinstance(first, tuple) and first else first)


def failure_reason(error: OSError) -> str:
    """Why a file or folder could not be written, in words: ``No space left on device``.

    Never a list, a tuple or an error's class: :func:`shutil.copytree` gathers what
    failed into one :class:`shutil.Error` holding a list of ``(source, destination,
    reason)``, thousands of them on a full disk; the first failure's reason stands for
    them all.
    """
    if error.errno is not None and error.errno in FAILURE_WORDS:
        return FAILURE_WORDS[error.errno]
    if error.strerror:
        return str(error.strerror)
    text = _first_failure(error) or str(error)
    found = ERRNO_TEXT.match(text)
    if found is None:
        return text.strip() or _("the system refused without saying why")
    number = int(found.group(1))
    if number in FAILURE_WORDS:
        return FAILURE_WORDS[number]
    if number in errno.errorcode:
        return os.strerror(number)
    return found.group(2).split(": '", 1)[0].strip() or text.strip()


def plain_failure(error: OSError) -> OSError:
    """The same failure as one plain :class:`OSError` whose ``strerror`` says the reason
    in words (:func:`failure_reason`), for the writers that show ``strerror``; its
    number is kept (``errno.ENOSPC``) where the error has one."""
    number = error.errno
    if number is None:
        found = ERRNO_TEXT.match(_first_failure(error) or "")
        number = int(found.group(1)) if found else None
    return OSError(number, failure_reason(error))
