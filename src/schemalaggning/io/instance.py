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
from schemalaggning.problems import InputError, Problem, Severity


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
    tables: dict[str, Table] = {}
    labels: dict[str, str] = {spec.name: spec.file_name for spec in TABLES}
    source: SettingsInput | None = None
    if path.is_dir():
        source = settings_from_toml(path / SETTINGS_FILE, problems)
        for spec in TABLES:
            file = path / spec.file_name
            if file.is_file():
                try:
                    tables[spec.name] = read_csv(file, spec.name)
                except (OSError, csv.Error) as error:
                    problems.append(
                        Problem(
                            spec.file_name,
                            None,
                            None,
                            None,
                            f"expected a readable CSV file ({error})",
                        )
                    )
            elif spec.required:
                problems.append(
                    Problem(spec.file_name, None, None, None, f"expected this file in {path}")
                )
    elif path.is_file() and path.suffix.lower() in (".xlsx", ".xlsm"):
        tables, read_problems = read_workbook(path)
        problems += read_problems
        labels = {spec.name: f"{path.name}, sheet {spec.name}" for spec in TABLES}
        if not read_problems:
            source = settings_from_sheets(tables, path.name, problems)
            found = ", ".join(table.label.split(", sheet ", 1)[1] for table in tables.values())
            for spec in TABLES:
                if spec.name not in tables and spec.required:
                    problems.append(
                        Problem(
                            labels[spec.name],
                            None,
                            None,
                            None,
                            f"expected this sheet in the workbook (found: {found or 'none'})",
                        )
                    )
    else:
        expected = (
            "expected an instance folder or an .xlsx workbook"
            if path.exists()
            else "expected an instance folder or an .xlsx workbook here (nothing is there)"
        )
        raise InputError([Problem(str(path), None, None, None, expected)])

    settings = parse_settings(source, problems) if source is not None else None
    parsed_tables: dict[str, list[tuple[int, Any]]] = {}
    known: dict[str, set[str] | None] = {}
    complete: set[str] = set()
    for spec in TABLES:
        table = tables.get(spec.name)
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
                        "no rows below the header",
                        Severity.WARNING,
                    )
                )
        else:
            parsed_tables[spec.name] = []
        if spec.id_column is not None:
            known[spec.name] = known_ids(table, spec)
    parsed = Parsed(labels=labels, known=known, complete=complete, **parsed_tables)
    check_references(parsed, settings, problems)

    if settings is None or any(p.severity is Severity.ERROR for p in problems):
        raise InputError(problems)
    instance = Instance(
        settings=settings,
        source=str(path),
        **{name: tuple(record for _, record in rows) for name, rows in parsed_tables.items()},
    )
    return instance, problems


def read_instance(path: str | Path) -> Instance:
    """Read and validate an instance; raises :class:`InputError` on any error."""
    return read_instance_with_warnings(path)[0]
