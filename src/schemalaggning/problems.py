"""Problems found in a user's input, located so that a coordinator can find and mend them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

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
        settings = toml or self.file.lower().endswith(f"sheet {SETTINGS_SHEET}")
        where = [self.file]
        if self.row is not None:
            where.append(f"{'line' if toml else 'row'} {self.row}")
        if self.column is not None:
            where.append(f"{'key' if settings else 'column'} {self.column}")
        found = "" if self.value is None else f": {self.value!r}"
        return f"{', '.join(where)}{found}: {self.expected}"

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
