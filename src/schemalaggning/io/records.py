"""The rows of a table as records: every bad cell a located problem in plain words."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from pydantic.fields import FieldInfo

from schemalaggning.i18n import N_, Messages, _
from schemalaggning.io.specs import TableSpec
from schemalaggning.io.tables import Row, Table
from schemalaggning.problems import Problem

#: An upper bound up to this is named when a cell is not a number at all.
SMALL_BOUND = 100


def describe_error(error: Any, info: FieldInfo | None = None) -> str:
    """Turn one pydantic error into a plain 'expected ...' sentence.

    Parameters
    ----------
    error
        One entry of ``ValidationError.errors()``.
    info
        The field the error is about, when known: its bounds make the sentence exact
        (``from 1 to 10`` rather than ``at least 1``).
    """
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if info is not None and info.annotation is float and kind in NUMBER_KINDS:
        return _decimal_range(info)
    if kind in WHOLE_NUMBER_KINDS:
        return _whole_number(kind, ctx, _bounds(info))
    if kind in PLAIN_WORDS:
        return PLAIN_WORDS[kind]
    if kind == "enum":
        expected = str(ctx.get("expected", "")).replace("'", "").replace(" or ", _(" or "))
        return _("expected one of {values}").format(values=expected)
    if kind == "value_error":
        return str(error["msg"]).removeprefix("Value error, ")
    if kind == "too_long":
        return _("expected at most {count} items").format(count=ctx.get("max_length"))
    if kind == "too_short":
        return _("expected at least {count} items").format(count=ctx.get("min_length"))
    return _fallback(kind, ctx)


def _fallback(kind: str, ctx: dict[str, Any]) -> str:
    """The rarer errors, which pydantic tells in English, in the catalogue's words; any
    other as what is expected in general (never pydantic's English)."""
    if kind in FIGURE_WORDS:
        return FIGURE_WORDS[kind].format(**{key: str(value) for key, value in ctx.items()})
    if kind == "literal_error":
        expected = str(ctx.get("expected", "")).replace("'", "").replace(" or ", _(" or "))
        return _("expected one of {values}").format(values=expected)
    return MORE_WORDS.get(kind) or _("expected another value here")


#: The errors whose sentence has no figure in it.
PLAIN_WORDS = Messages(
    {
        "missing": N_("expected a value"),
        "string_type": N_("expected text"),
        "tuple_type": N_("expected a list"),
        "list_type": N_("expected a list"),
        "dict_type": N_("expected a table of keys and values"),
        "model_type": N_("expected a table of keys and values"),
        "model_attributes_type": N_("expected a table of keys and values"),
    }
)
#: Rarer errors with no figure in their sentence.
MORE_WORDS = Messages(
    {
        "bool_parsing": N_("expected yes or no"),
        "bool_type": N_("expected yes or no"),
        "date_parsing": N_("expected a real date YYYY-MM-DD"),
        "date_from_datetime_parsing": N_("expected a real date YYYY-MM-DD"),
        "date_from_datetime_inexact": N_("expected a date YYYY-MM-DD without a time"),
        "date_type": N_("expected a real date YYYY-MM-DD"),
        "time_parsing": N_("expected a time of day HH:MM"),
        "time_type": N_("expected a time of day HH:MM"),
        "datetime_parsing": N_("expected a date and time YYYY-MM-DDTHH:MM"),
        "datetime_type": N_("expected a date and time YYYY-MM-DDTHH:MM"),
        "extra_forbidden": N_("expected no such key here"),
        "string_pattern_mismatch": N_("expected text of another form"),
        "string_unicode": N_("expected text"),
        "set_type": N_("expected a list"),
        "frozen_set_type": N_("expected a list"),
    }
)
#: Rarer errors with a figure in their sentence, named as pydantic's context names it.
FIGURE_WORDS = Messages(
    {
        "string_too_short": N_("expected text of at least {min_length} characters"),
        "string_too_long": N_("expected text of at most {max_length} characters"),
        "greater_than": N_("expected a number greater than {gt}"),
        "less_than": N_("expected a number less than {lt}"),
        "multiple_of": N_("expected a multiple of {multiple_of}"),
    }
)
#: The errors of a cell that is not a whole number, or one out of its range.
WHOLE_NUMBER_KINDS = frozenset(
    {
        "int_parsing",
        "int_type",
        "int_from_float",
        "int_parsing_size",
        "greater_than_equal",
        "less_than_equal",
    }
)


def _whole_number(
    kind: str, ctx: dict[str, Any], bounds: tuple[int | None, int | None] | None
) -> str:
    """What a whole-number field expects. The range is named where it is part of the rule
    (half_days: 1 to 10), not where the upper bound only guards against absurd numbers."""
    if bounds is not None and bounds[1] is not None and bounds[1] <= SMALL_BOUND:
        return _number_range(*bounds)
    if kind == "greater_than_equal":
        return _number_range(ctx.get("ge"), None)
    if kind == "less_than_equal":
        return _number_range(None, ctx.get("le"))
    if bounds is not None and bounds[0] is not None:
        return _number_range(bounds[0], None)
    return _("expected a whole number")


#: The errors of a number out of its range or not a number at all.
NUMBER_KINDS = frozenset(
    {
        "float_parsing",
        "float_type",
        "finite_number",
        "greater_than",
        "greater_than_equal",
        "less_than",
        "less_than_equal",
    }
)


def _decimal_range(info: FieldInfo) -> str:
    """What a decimal field expects, from its bounds: ``expected a number greater than 0
    and at most 1`` (``plan_ahead``)."""
    from schemalaggning.swedish import decimal

    words = []
    for name, text in BOUND_WORDS.items():
        found = next(
            (getattr(m, name) for m in info.metadata if getattr(m, name, None) is not None), None
        )
        if found is not None:
            shown = decimal(found, len(f"{found:g}".partition(".")[2]))
            words.append(text.format(bound=shown))
    if not words:
        return _("expected a number")
    return _("expected a number {bounds}").format(bounds=_(" and ").join(words))


#: How :func:`_decimal_range` names each bound of a decimal field.
BOUND_WORDS = Messages(
    {
        "gt": N_("greater than {bound}"),
        "ge": N_("at least {bound}"),
        "lt": N_("less than {bound}"),
        "le": N_("at most {bound}"),
    }
)


def _bounds(info: FieldInfo | None) -> tuple[int | None, int | None] | None:
    """The lower and upper bound of a numeric field, or ``None`` for a field without any."""
    if info is None:
        return None
    low = next((m.ge for m in info.metadata if getattr(m, "ge", None) is not None), None)
    high = next((m.le for m in info.metadata if getattr(m, "le", None) is not None), None)
    if low is None and high is None:
        return None
    return low, high


def _number_range(low: int | None, high: int | None) -> str:
    if low is not None and high is not None:
        return _("expected a whole number from {low} to {high}").format(low=low, high=high)
    if low is not None:
        return _("expected a whole number of at least {low}").format(low=low)
    return _("expected a whole number of at most {high}").format(high=high)


def parse_rows(table: Table, spec: TableSpec, problems: list[Problem]) -> list[tuple[int, Any]]:
    """Build a record from every row of a table; bad cells become problems.

    Returns
    -------
    The records that were built, each with its row number. A row with a bad cell is
    left out; a table without its header (or without a needed column) gives no rows.
    """
    header = _header_problems(table, spec)
    problems += header
    if any(p.expected != _(DUPLICATE_COLUMN) for p in header):
        return []
    parsed: list[tuple[int, Any]] = []
    fields = {(info.alias or name): info for name, info in spec.record.model_fields.items()}
    columns = [*spec.columns, *(c for c in spec.optional if c in table.columns)]
    for row in table.rows:
        if row.extra or row.short:
            problems.append(misaligned_row(table, row))
            continue
        try:
            parsed.append(
                (row.number, spec.record.model_validate(_row_data(row, spec, columns, fields)))
            )
        except ValidationError as exc:
            problems += [_cell_problem(table, row, error, fields) for error in exc.errors()]
    return parsed


DUPLICATE_COLUMN = N_("expected each column only once")


def _header_problems(table: Table, spec: TableSpec) -> list[Problem]:
    """What is wrong with a table's header: none at all, a column twice, a column missing."""
    if not table.columns:
        expected = _("expected a header row with the columns {columns} (it is empty)").format(
            columns=", ".join(spec.columns)
        )
        return [Problem(table.label, None, None, None, expected)]
    found = [
        Problem(table.label, table.header_row, column, None, _(DUPLICATE_COLUMN))
        for column in table.duplicate_columns
    ]
    return found + [
        Problem(
            table.label,
            table.header_row,
            column,
            None,
            _("expected this column in the header row"),
        )
        for column in spec.columns
        if column not in table.columns
    ]


def _row_data(
    row: Row, spec: TableSpec, columns: list[str], fields: dict[str, FieldInfo]
) -> dict[str, Any]:
    """A row's cells as the record's data. An empty optional cell takes the field's
    default; an empty required cell is passed on so that the field says what it expected."""
    data: dict[str, Any] = {}
    if "row" in spec.record.model_fields:
        data["row"] = row.number
    for column in columns:
        value = row.cells.get(column, "")
        info = fields.get(column)
        if value == "" and info is not None and not info.is_required():
            continue
        data[column] = value
    return data


def _cell_problem(table: Table, row: Row, error: Any, fields: dict[str, FieldInfo]) -> Problem:
    """One bad cell of a row, located; for one bad item of a list, the item is named
    rather than the whole cell."""
    loc = error["loc"]
    bad_column = str(loc[0]) if loc else None
    raw = row.cells.get(bad_column) if bad_column else None
    found = error.get("input")
    shown = found if isinstance(found, str) and len(loc) > 1 else raw
    expected = describe_error(error, fields.get(bad_column or ""))
    return Problem(table.label, row.number, bad_column, shown, expected)


def misaligned_row(table: Table, row: Row) -> Problem:
    """The problem of a row whose cells do not line up with the header's columns.

    Such a row is never read: its cells would land in the wrong columns (a name with an
    unquoted comma moves every later cell one column to the right).
    """
    named = [column for column in table.columns if column]
    separator = "';'" if table.delimiter == ";" else "','"
    if row.extra:
        return Problem(
            table.label,
            row.number,
            None,
            table.delimiter.join(row.extra),
            _(
                "expected {expected} cells as in the header row, found {found}: a text "
                'holding {separator} must be quoted ("..."), or the header needs a column '
                "for the extra cells"
            ).format(
                expected=len(table.columns),
                found=len(table.columns) + len(row.extra),
                separator=separator,
            ),
        )
    first_missing = table.columns[len(table.columns) - row.short]
    if any("\n" in cell for cell in row.cells.values()):
        return Problem(
            table.label,
            row.number,
            first_missing or (named[-1] if named else None),
            None,
            _(
                'expected a cell here: a quote (") earlier in the row is not closed, so one '
                "cell runs over the following lines"
            ),
        )
    return Problem(
        table.label,
        row.number,
        first_missing or (named[-1] if named else None),
        None,
        _(
            "expected {expected} cells as in the header row, found {found}: every row needs "
            "a cell (maybe empty) for every column"
        ).format(expected=len(table.columns), found=len(table.columns) - row.short),
    )


def known_ids(table: Table | None, spec: TableSpec) -> set[str] | None:
    """Every id a table's rows hold, as written; ``None`` if the table could not be read.

    Ids are taken from every row, also from rows with a bad cell elsewhere, so that one
    bad cell is reported once and not again in every row that refers to its id.
    """
    if spec.id_column is None:
        return None
    if table is None:
        return None if spec.required else set()
    if spec.id_column not in table.columns:
        return None
    return {row.cells[spec.id_column] for row in table.rows if row.cells.get(spec.id_column)}
