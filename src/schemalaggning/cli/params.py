"""The kinds of value the command line's options take, refused in the catalogue's words.

Click's own types say what is wrong in English (``-3.0 is not in the range 0<x<=604800.0``)
and frame it in English (``Error: Invalid value for '--time-limit'``). These types check
the same, but say what they expect as the located problems of the input do
(``förväntat ett tal över 0 och högst 604 800, hittade '-3'``), and :class:`WordedError`
frames the message in the current language. The command lines click cannot read (an
unknown option or command, a missing or extra argument) are told the same way
(:func:`worded`, which the ``main`` group applies): ``fel: okänt val '--time-limt'
(menade du --time-limit?)``.
"""

from __future__ import annotations

import math
import re
import sys
from datetime import datetime
from typing import IO, Any, NoReturn

import click

from schemalaggning.i18n import _
from schemalaggning.swedish import decimal, number


def _header(ctx: click.Context | None) -> str:
    """The lines before a usage error: the command's usage and where to find help."""
    if ctx is None:
        return ""
    hint = _("Try '{command} --help' for help.").format(command=ctx.command_path)
    return f"{ctx.get_usage()}\n{hint}\n"


def _show(header: str, error_line: str, ctx: click.Context | None, file: IO[Any] | None) -> None:
    """Print a usage error: the command's usage, where to find help, and the error."""
    if file is None:
        file = sys.stderr
    color = ctx.color if ctx is not None else None
    if header:
        click.echo(header, file=file, color=color)
    click.echo(error_line, file=file, color=color)


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
        self.header = _header(ctx)
        self.error_line = _("error: {problem}").format(problem=self.framed)

    def format_message(self) -> str:
        """``invalid value for '--time-limit': expected ...``."""
        return self.framed

    def show(self, file: IO[Any] | None = None) -> None:
        """Print the command's usage, where to find help, and the error."""
        _show(self.header, self.error_line, self.ctx, file)


class WordedUsage(click.UsageError):
    """A command line click cannot read (an unknown option or command, a missing
    argument, one too many), told and framed in the current language when raised."""

    def __init__(self, message: str, ctx: click.Context | None = None) -> None:
        super().__init__(message, ctx=ctx)
        self.header = _header(ctx)
        self.error_line = _("error: {problem}").format(problem=message)

    def show(self, file: IO[Any] | None = None) -> None:
        """Print the command's usage, where to find help, and the error."""
        _show(self.header, self.error_line, self.ctx, file)


#: Click's own errors that are no usage error to tell: the help shown when a group is
#: given no command (click 8.2 and later).
_HELP_ERRORS: tuple[type[Exception], ...] = tuple(
    kind
    for kind in (getattr(click.exceptions, "NoArgsIsHelpError", None),)
    if isinstance(kind, type)
)
#: The unknown command (click 8.4 and later; earlier ones say it in words only).
_NO_SUCH_COMMAND = getattr(click.exceptions, "NoSuchCommand", None)
#: Click's English for what it tells only in words.
_EXTRA = re.compile(r"Got unexpected extra arguments? \((?P<args>.*)\)$", re.DOTALL)
_UNKNOWN_COMMAND = re.compile(r"No such command '(?P<name>.*)'\.")


def worded(error: click.UsageError) -> click.UsageError:
    """A usage error of click's, told in the current language; ours are kept as they are."""
    if isinstance(error, (WordedError, WordedUsage, *_HELP_ERRORS)):
        return error
    return WordedUsage(usage_problem(error), error.ctx)


def _one_of(names: list[str]) -> str:
    """``--time-limit``, or ``--a, --b or --c``."""
    if len(names) == 1:
        return names[0]
    return _("{names} or {last}").format(names=", ".join(names[:-1]), last=names[-1])


def _unknown(words: str, name: str, possibilities: list[str] | None) -> str:
    """``unknown option '--time-limt' (did you mean --time-limit?)``."""
    found = words.format(name=repr(name))
    if not possibilities:
        return found
    return _("{problem} (did you mean {names}?)").format(
        problem=found, names=_one_of(sorted(possibilities))
    )


def _takes_no_value(ctx: click.Context | None, name: str) -> bool:
    """Whether the command's option ``name`` is a flag, which takes no value."""
    if ctx is None:
        return False
    for param in ctx.command.params:
        if isinstance(param, click.Option) and name in (*param.opts, *param.secondary_opts):
            return bool(param.is_flag or param.count)
    return False


def usage_problem(error: click.UsageError) -> str:
    """What is wrong with the command line, in the current language (click's own
    errors are English)."""
    ctx = error.ctx
    if isinstance(error, click.NoSuchOption):
        return _unknown(_("unknown option {name}"), error.option_name, error.possibilities)
    if _NO_SUCH_COMMAND is not None and isinstance(error, _NO_SUCH_COMMAND):
        return _unknown(_("unknown command {name}"), error.command_name, error.possibilities)
    if isinstance(error, click.MissingParameter):
        return _missing(error)
    if isinstance(error, click.BadOptionUsage):
        name = repr(error.option_name)
        if _takes_no_value(ctx, error.option_name):
            return _("the option {name} takes no value").format(name=name)
        return _("the option {name} needs a value").format(name=name)
    if isinstance(error, click.BadParameter):
        hint = error.param.get_error_hint(ctx) if error.param and ctx else error.param_hint
        return _("invalid value for {option}: {problem}").format(
            option=hint or "", problem=error.message
        )
    return _plain_problem(error.message)


def _missing(error: click.MissingParameter) -> str:
    """``the argument 'INSTANCE' is missing``, ``the option '--published' is missing``."""
    param = error.param
    ctx = error.ctx
    hint = param.get_error_hint(ctx) if param is not None and ctx is not None else ""
    if isinstance(param, click.Argument):
        return _("the argument {name} is missing").format(name=hint)
    if isinstance(param, click.Option):
        return _("the option {name} is missing").format(name=hint)
    return _("a value is missing: {name}").format(name=hint or error.message)


def _plain_problem(message: str) -> str:
    """A usage error click tells in words only: one argument too many, an unknown
    command (before click 8.4); any other as it was said (ours are in the catalogue's
    words already)."""
    extra = _EXTRA.match(message)
    if extra is not None:
        return _("too many arguments: {arguments}").format(arguments=extra["args"])
    unknown = _UNKNOWN_COMMAND.match(message)
    if unknown is not None:
        return _unknown(_("unknown command {name}"), unknown["name"], None)
    return message


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


def bounds_words(low: float | None, high: float | None, low_open: bool, high_open: bool) -> str:
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

    def _describe_range(self) -> str:
        """The range ``--help`` shows: none without bounds (click's is ``x<=None``)."""
        if self.min is None and self.max is None:
            return ""
        return super()._describe_range()

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        """The number, or a usage error saying what is expected."""
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter:
            _refuse(self.expected(), value, param, ctx)

    def expected(self) -> str:
        """What the option takes, in words: ``expected a whole number of at least 1``."""
        bounds = bounds_words(self.min, self.max, self.min_open, self.max_open)
        if not bounds:
            return _("expected a whole number")
        return _("expected a whole number {bounds}").format(bounds=bounds)


class Number(click.FloatRange):
    """A number, within bounds if given (``click.FloatRange``)."""

    def _describe_range(self) -> str:
        """The range ``--help`` shows: none without bounds (click's is ``x<=None``)."""
        if self.min is None and self.max is None:
            return ""
        return super()._describe_range()

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
        bounds = bounds_words(self.min, self.max, self.min_open, self.max_open)
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
