"""Reading an instance (a folder of CSV files plus ``instance.toml``, or one xlsx workbook).

Every problem is collected and reported at once, each with its file (or sheet), row,
column, value and what was expected; nothing is built from an input with errors. The
parts: the tables' specs (:mod:`~schemalaggning.io.specs`), reading files and sheets
(:mod:`~schemalaggning.io.tables`), their rows as records
(:mod:`~schemalaggning.io.records`), the settings (:mod:`~schemalaggning.io.settings`)
and the checks across tables (:mod:`~schemalaggning.io.references`).
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from schemalaggning.domain import (
    Instance,
)
from schemalaggning.i18n import _
from schemalaggning.io.records import known_ids, parse_rows
from schemalaggning.io.references import Parsed, check_references
from schemalaggning.io.settings import (
    SETTINGS_FILE,
    SettingsInput,
    parse_settings,
    settings_from_sheets,
    settings_from_toml,
)
from schemalaggning.io.specs import TABLES
from schemalaggning.io.tables import Table, read_csv, read_workbook
from schemalaggning.problems import InputError, Problem, Severity, sheet_label


def read_instance_with_warnings(path: str | Path) -> tuple[Instance, list[Problem]]:
    """Read and validate an instance folder or workbook.

    Returns
    -------
    The instance and the warnings found.

    Raises
    ------
    InputError
        With every problem found, if any is an error.
    """
    path = Path(path)
    problems: list[Problem] = []
    if path.is_dir():
        tables, labels, source = _read_folder(path, problems)
    elif path.is_file() and path.suffix.lower() in (".xlsx", ".xlsm"):
        tables, labels, source = _read_workbook(path, problems)
    else:
        expected = (
            _("expected an instance folder or an .xlsx workbook")
            if path.exists()
            else _("expected an instance folder or an .xlsx workbook here (nothing is there)")
        )
        raise InputError([Problem(str(path), None, None, None, expected)])

    settings = parse_settings(source, problems) if source is not None else None
    parsed = _parse_tables(tables, labels, problems)
    check_references(parsed, settings, problems)
    if settings is None or any(p.severity is Severity.ERROR for p in problems):
        raise InputError(problems)
    instance = Instance(
        settings=settings,
        source=str(path),
        **{spec.name: tuple(r for _, r in getattr(parsed, spec.name)) for spec in TABLES},
    )
    return instance, problems


Labels = dict[str, str]


def _read_folder(
    path: Path, problems: list[Problem]
) -> tuple[dict[str, Table], Labels, SettingsInput | None]:
    """The tables and settings of an instance folder, each problem of its files added."""
    source = settings_from_toml(path / SETTINGS_FILE, problems)
    tables: dict[str, Table] = {}
    for spec in TABLES:
        file = path / spec.file_name
        if not file.is_file():
            if spec.required:
                problems.append(
                    Problem(
                        spec.file_name,
                        None,
                        None,
                        None,
                        _("expected this file in {folder}").format(folder=path),
                    )
                )
            continue
        try:
            tables[spec.name] = read_csv(file, spec.name)
        except InputError as error:
            # Located already: the row and column of an oversized cell, the encoding.
            problems += error.problems
        except (OSError, csv.Error) as error:
            expected = _("expected a readable CSV file ({error})").format(error=error)
            problems.append(Problem(spec.file_name, None, None, None, expected))
    return tables, {spec.name: spec.file_name for spec in TABLES}, source


def _read_workbook(
    path: Path, problems: list[Problem]
) -> tuple[dict[str, Table], Labels, SettingsInput | None]:
    """The tables and settings of an instance workbook, each problem of its sheets added
    (a cell that cannot be read does not hide the settings' or the sheets' problems)."""
    tables, read_problems = read_workbook(path)
    problems += read_problems
    labels = {spec.name: sheet_label(path.name, spec.name) for spec in TABLES}
    if not tables:
        return tables, labels, None
    source = settings_from_sheets(tables, path.name, problems)
    found = ", ".join(
        table.label.removeprefix(sheet_label(path.name, "")) for table in tables.values()
    )
    for spec in TABLES:
        if spec.name not in tables and spec.required:
            expected = _("expected this sheet in the workbook (found: {found})").format(
                found=found or _("none")
            )
            problems.append(Problem(labels[spec.name], None, None, None, expected))
    return tables, labels, source


def _parse_tables(tables: dict[str, Table], labels: Labels, problems: list[Problem]) -> Parsed:
    """Every table's rows as records, with the ids each table knows and the tables read
    whole, for the checks across tables."""
    parsed_tables: dict[str, list[tuple[int, Any]]] = {}
    known: dict[str, set[str] | None] = {}
    complete: set[str] = set()
    for spec in TABLES:
        table = tables.get(spec.name)
        parsed_tables[spec.name] = []
        if table is not None:
            labels[spec.name] = table.label
            before = len(problems)
            parsed_tables[spec.name] = parse_rows(table, spec, problems)
            if len(problems) == before:
                complete.add(spec.name)
            if spec.required and table.columns and not table.rows:
                problems.append(
                    Problem(
                        table.label,
                        None,
                        None,
                        None,
                        _("no rows below the header"),
                        Severity.WARNING,
                    )
                )
        if spec.id_column is not None:
            known[spec.name] = known_ids(table, spec)
    return Parsed(labels=labels, known=known, complete=complete, **parsed_tables)


def read_instance(path: str | Path) -> Instance:
    """Read and validate an instance; raises :class:`InputError` on any error."""
    return read_instance_with_warnings(path)[0]
