"""The command line's help pages (``--help``) in the catalogue's words.

Click writes a help page in English: its own frame (``Usage:``, ``Options:``,
``Commands:``, ``[default: 60.0]``, ``[required]``, ``Show this message and exit.``) and
the texts the commands give it. Every command's and option's text is marked with ``N_()``
where it is given (a docstring is not seen by the extractor, so a command gives its text
as ``help=N_(...)``), and :class:`WordedHelp` looks them up, with click's frame words, when
the page is written, in the language ``--lang`` chose: ``Användning: schemalaggning solve
[VAL] [INSTANCE]``. The names of commands, options, arguments and files stay as typed.
"""

from __future__ import annotations

import inspect
import re
from typing import Any

import click

from schemalaggning.cli.params import bounds_words
from schemalaggning.i18n import N_, Messages, _

#: Click's own words in a help page, which it writes in English.
CLICK_WORDS = Messages(
    {
        "usage": N_("Usage:"),
        "options": N_("Options"),
        "commands": N_("Commands"),
        "help": N_("Show this message and exit."),
        "version": N_("Show the version and exit."),
        "required": N_("required"),
    }
)
#: The words click writes where the usage line shows options and a subcommand.
USAGE_PIECES = Messages(
    {
        "[OPTIONS]": N_("[OPTIONS]"),
        "COMMAND [ARGS]...": N_("COMMAND [ARGS]..."),
    }
)
#: The names click gives the values of its types after an option, and ours.
METAVARS = Messages(
    {
        "INTEGER RANGE": N_("INTEGER"),
        "INTEGER": N_("INTEGER"),
        "FLOAT RANGE": N_("NUMBER"),
        "FLOAT": N_("NUMBER"),
        "TEXT": N_("TEXT"),
        "PATH": N_("PATH"),
        "DIRECTORY": N_("FOLDER"),
        "FILE": N_("FILE"),
        "SECONDS": N_("SECONDS"),
        "[%Y-%m-%d]": N_("YYYY-MM-DD"),
    }
)
_METAVAR = re.compile(
    r"(?<![\w-])("
    + "|".join(re.escape(name) for name in sorted(METAVARS, key=len, reverse=True))
    + r")(?![\w-])"
)
#: Click's messages that are no text of ours: they are shown as click wrote them.
_CLICK_HELP = {
    "Show this message and exit.": "help",
    "Show the version and exit.": "version",
}


def words(text: str) -> str:
    """A command's or option's text (an ``N_()`` message, or one of click's own) in the
    current language."""
    known = _CLICK_HELP.get(text)
    return CLICK_WORDS[known] if known is not None else _(text)


def usage_piece(piece: str) -> str:
    """A piece of the usage line: ``[OPTIONS]`` in words, an argument's name as typed."""
    return USAGE_PIECES.get(piece, piece)


def spec_words(spec: str, option: click.Option) -> str:
    """An option's names and the name of its value: ``--time-limit SEKUNDER``."""
    own = option.metavar
    if own and own.isupper():
        # A name the command gives the value itself (``WHAT``) is its message.
        return spec.replace(own, _(own))
    return _METAVAR.sub(lambda found: METAVARS[found[0]], spec)


def range_words(kind: click.ParamType[Any]) -> str:
    """The numbers an option takes in words (``över 0 och högst 604 800``), or nothing
    when any number will do."""
    return bounds_words(
        getattr(kind, "min", None),
        getattr(kind, "max", None),
        bool(getattr(kind, "min_open", False)),
        bool(getattr(kind, "max_open", False)),
    )


def extra_words(option: click.Option, ctx: click.Context) -> list[str]:
    """What a help page adds after an option's text, in words: its default, the
    numbers it takes, the environment variable that sets it, that it is required."""
    extra: dict[str, Any] = dict(option.get_help_extra(ctx))
    found = []
    if "envvars" in extra:
        found.append(_("env var: {var}").format(var=", ".join(extra["envvars"])))
    if "default" in extra:
        found.append(_("default: {default}").format(default=extra["default"]))
    if "range" in extra:
        found.append(range_words(option.type))
    if "required" in extra:
        found.append(CLICK_WORDS["required"])
    return [item for item in found if item]


def option_record(option: click.Option, ctx: click.Context) -> tuple[str, str] | None:
    """An option's line of a help page: its names and its text, in words."""
    record = option.get_help_record(ctx)
    if record is None:
        return None
    spec, text = record
    if hasattr(option, "get_help_extra"):
        text = words(option.help) if option.help else ""
        extra = "; ".join(extra_words(option, ctx))
        if extra:
            text = f"{text}  [{extra}]" if text else f"[{extra}]"
    elif option.help:
        # Click before 8.2 gives the extras only as words of its own: the text is ours.
        text = words(option.help) + text[len(option.help) :]
    return spec_words(spec, option), text


def short_help(command: click.Command) -> str:
    """A command's line in its group's list: the first sentence of its text."""
    if command.short_help:
        return words(command.short_help)
    if not command.help:
        return ""
    text = inspect.cleandoc(words(command.help)).partition("\f")[0]
    first = text.split("\n\n", 1)[0].replace("\n", " ")
    sentence = re.match(r"(.+?[.!?])(?:\s|$)", first)
    return sentence[1] if sentence is not None else first


class WordedHelp(click.Command):
    """A command whose help page is in the current language."""

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """``Användning: schemalaggning solve [VAL] [INSTANCE]``."""
        pieces = [usage_piece(piece) for piece in self.collect_usage_pieces(ctx)]
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=CLICK_WORDS["usage"] + " ")

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command's text, in words."""
        if not self.help:
            return
        text = inspect.cleandoc(words(self.help)).partition("\f")[0]
        formatter.write_paragraph()
        with formatter.indentation():
            formatter.write_text(text)

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The options, each with its text in words."""
        rows = []
        for param in self.get_params(ctx):
            if isinstance(param, click.Option):
                record = option_record(param, ctx)
                if record is not None:
                    rows.append(record)
        if rows:
            with formatter.section(CLICK_WORDS["options"]):
                formatter.write_dl(rows)

    def get_short_help_str(self, limit: int = 45) -> str:
        """The command's line in its group's list."""
        return short_help(self)
