"""The kinds of value the command line's options take, refused in the catalogue's words.

Click's own types say what is wrong in English (``-3.0 is not in the range 0<x<=604800.0``)
and frame it in English (``Error: Invalid value for '--time-limit'``). These types check
the same, but say what they expect as the located problems of the input do
(``förväntat ett tal över 0 och högst 604 800, hittade '-3'``), and :class:`WordedError`
frames the message in the current language.
"""

from __future__ import annotations

import math
import sys
from datetime import datetime
from typing import IO, Any, NoReturn

import click

from schemalaggning.i18n import _
from schemalaggning.swedish import decimal, number


class WordedError(click.BadParameter):
    """A value an option cannot take, told and framed in the current language.

    Its words are chosen when it is raised: by the time click shows it, the command's
    context is closed and the language chosen with ``--lang`` given back.
    """

    def __init__(
        self, message: str, ctx: click.Context | None = None, param: click.Parameter | None = None
    ) -> None:
        super().__init__(message, ctx=ctx, param=param)
        self.framed = message
        if param is not None:
            self.framed = _("invalid value for {option}: {problem}").format(
                option=param.get_error_hint(ctx) if ctx is not None else param.name,
                problem=message,
            )
        self.header = ""
        if ctx is not None:
            usage = ctx.get_usage().replace("Usage:", _("Usage:"), 1)
            hint = _("Try '{command} --help' for help.").format(command=ctx.command_path)
            self.header = f"{usage}\n{hint}\n"
        self.error_line = _("error: {problem}").format(problem=self.framed)

    def format_message(self) -> str:
        """``invalid value for '--time-limit': expected ...``."""
        return self.framed

    def show(self, file: IO[Any] | None = None) -> None:
        """Print the command's usage, where to find help, and the error."""
        if file is None:
            file = sys.stderr
        color = self.ctx.color if self.ctx is not None else None
        if self.header:
            click.echo(self.header, file=file, color=color)
        click.echo(self.error_line, file=file, color=color)


def _refuse(
    expected: str, value: Any, param: click.Parameter | None, ctx: click.Context | None
) -> NoReturn:
    found = _("{expected}, found {value}").format(expected=expected, value=repr(value))
    raise WordedError(found, ctx=ctx, param=param)


def _shown(bound: float) -> str:
    """A bound as a person writes it: ``604 800``, ``0,5``."""
    if float(bound).is_integer():
        return number(int(bound))
    return decimal(bound, len(f"{bound:g}".partition(".")[2]))


def _bounds(low: float | None, high: float | None, low_open: bool, high_open: bool) -> str:
    """The bounds of a range in words: ``above 0 and at most 604 800``."""
    words = []
    if low is not None:
        text = _("above {bound}") if low_open else _("at least {bound}")
        words.append(text.format(bound=_shown(low)))
    if high is not None:
        text = _("below {bound}") if high_open else _("at most {bound}")
        words.append(text.format(bound=_shown(high)))
    return _(" and ").join(words)


class WholeNumber(click.IntRange):
    """A whole number, within bounds if given (``click.IntRange``)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        """The number, or a usage error saying what is expected."""
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter:
            _refuse(self.expected(), value, param, ctx)

    def expected(self) -> str:
        """What the option takes, in words: ``expected a whole number of at least 1``."""
        bounds = _bounds(self.min, self.max, self.min_open, self.max_open)
        if not bounds:
            return _("expected a whole number")
        return _("expected a whole number {bounds}").format(bounds=bounds)


class Number(click.FloatRange):
    """A number, within bounds if given (``click.FloatRange``)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        """The number, or a usage error saying what is expected."""
        try:
            found = super().convert(value, param, ctx)
        except click.BadParameter:
            _refuse(self.expected(), value, param, ctx)
        if not math.isfinite(found):
            _refuse(self.expected(), value, param, ctx)
        return found

    def expected(self) -> str:
        """What the option takes, in words: ``expected a number above 0``."""
        bounds = _bounds(self.min, self.max, self.min_open, self.max_open)
        if not bounds:
            return _("expected a number")
        return _("expected a number {bounds}").format(bounds=bounds)


class OneOf(click.Choice):  # type: ignore[type-arg]
    """One of a list of words (``click.Choice``)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        """The word, or a usage error listing the words there are."""
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter:
            expected = _("expected one of {values}").format(
                values=", ".join(str(choice) for choice in self.choices)
            )
            _refuse(expected, value, param, ctx)


class Day(click.DateTime):
    """A day written ``YYYY-MM-DD`` (``click.DateTime``)."""

    def __init__(self) -> None:
        super().__init__(["%Y-%m-%d"])

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> datetime:
        """The day, or a usage error saying how to write it."""
        try:
            found: datetime = super().convert(value, param, ctx)
        except click.BadParameter:
            _refuse(_("expected a date YYYY-MM-DD"), value, param, ctx)
        return found
