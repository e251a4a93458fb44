"""The command line's common ground: the ``main`` group, the consoles, the exit statuses,
the handling of bad input and interrupts, and the helpers several commands share."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Sequence
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click
from click.core import ParameterSource
from rich.console import Console

from schemalaggning.cli.helps import CLICK_WORDS, WordedHelp, short_help
from schemalaggning.cli.params import Number, WholeNumber, WordedError, worded
from schemalaggning.exits import EXIT_BAD_INPUT, EXIT_TRY_AGAIN
from schemalaggning.i18n import (
    DEFAULT_LANGUAGE,
    LANGUAGE_VARIABLE,
    LANGUAGES,
    N_,
    Messages,
    _,
    language_of,
    set_language,
)
from schemalaggning.interrupts import (
    exit_status,
    signal_name,
    stop_on_sigterm,
)
from schemalaggning.io.folders import FolderBusyError, OutputFolder, Written, written_folders
from schemalaggning.problems import InputError, Problem, Severity, failure_reason
from schemalaggning.swedish import number

F = TypeVar("F", bound=Callable[..., Any])


err_console = Console(stderr=True, highlight=False, soft_wrap=True)
out_console = Console(highlight=False, soft_wrap=True)


def wide_console() -> Console:
    """The console for wide tables: the terminal's own, or, when the output is a pipe or
    a file (a pipe's 80 columns would cut a table to pieces), one 240 columns wide."""
    return out_console if out_console.is_terminal else Console(highlight=False, width=240)


def print_problems(problems: list[Problem]) -> None:
    """Print problems to standard error, errors first, one per line."""
    errors = [p for p in problems if p.severity is Severity.ERROR]
    warnings = [p for p in problems if p.severity is Severity.WARNING]
    for problem in errors:
        err_console.print(_("error: {problem}").format(problem=problem), markup=False)
    for problem in warnings:
        err_console.print(warning_line(str(problem)), markup=False)
    if errors:
        err_console.print(
            _("{errors} error(s), {warnings} warning(s); nothing written.").format(
                errors=len(errors), warnings=len(warnings)
            ),
            markup=False,
        )


def warning_line(text: str) -> str:
    """A warning as the commands print it: ``warning: ...``."""
    return _("warning: {warning}").format(warning=text)


def handles_input_errors(command: F) -> F:
    """Turn bad input into a located message and exit status 2, never a traceback.

    Every problem is printed at once, errors first, to standard error; with ``--json``
    they are printed as JSON to standard output instead.
    """

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        before = len(written_folders())
        try:
            return command(*args, **kwargs)
        except InputError as error:
            report_problems(error.problems, as_json=bool(kwargs.get("as_json")))
        except OSError as error:
            # A file that cannot be read or written is bad input too; name it like the rest.
            name = str(error.filename) if error.filename is not None else _("input")
            reason = _("cannot be read or written ({reason})").format(reason=failure_reason(error))
            report_problems(
                [Problem(name, None, None, None, reason)],
                as_json=bool(kwargs.get("as_json")),
            )
        except FolderBusyError as busy:
            err_console.print(_("error: {problem}").format(problem=busy), markup=False)
            sys.exit(EXIT_TRY_AGAIN)
        except KeyboardInterrupt as stop:
            # A search that has a schedule catches the interrupt itself and writes it; one
            # that reaches here came before a folder was replaced, or just after.
            written = written_folders()[before:]
            err_console.print(interrupted_line(written), markup=False)
            sys.exit(exit_status(signal_name(stop)))
        sys.exit(EXIT_BAD_INPUT)

    return wrapper  # type: ignore[return-value]


def interrupted_line(written: Sequence[Written]) -> str:
    """What an interrupted command says it had written: the folders it replaced (many,
    such as a sweep's scenarios, by their number and the last), or nothing."""
    if not written:
        return _("interrupted: nothing written")
    if len(written) > 3:
        last = written[-1]
        return _("interrupted: stopped after writing {count} folders (the last: {last})").format(
            count=len(written), last=written_words(last)
        )
    where = _(" and ").join(written_words(w) for w in written)
    return _("interrupted: stopped after writing {where}").format(where=where)


#: What a command writes into a folder it replaces, by the folder's kind.
KIND_WORDS = Messages(
    {
        "schedule": N_("the new schedule to {folder}"),
        "instance": N_("the new instance to {folder}"),
        "sweep": N_("the new sweep to {folder}"),
        "bench": N_("the new benchmark to {folder}"),
    }
)


def written_words(written: Written) -> str:
    """A folder a command replaced, in words: ``the new schedule to schedules/tiny``."""
    words = KIND_WORDS.get(written.kind) or _("the new {kind} to {folder}")
    return words.format(kind=written.kind, folder=written.folder)


def report_problems(problems: list[Problem], as_json: bool) -> None:
    """Print the problems of a bad input, as text to standard error or as JSON."""
    if as_json:
        click.echo(
            json.dumps(
                {"ok": False, "problems": [problem.as_dict() for problem in problems]},
                indent=2,
                ensure_ascii=False,
            )
        )
    else:
        print_problems(problems)


def chosen_language(context: click.Context, parameter: click.Parameter, value: str) -> str:
    """Choose the language ``--lang`` or the environment names, from the moment it is
    read (the group gives back the one before when the command ends); one without a
    catalogue is refused, naming where it was given."""
    code = language_of(value)
    if code is None:
        given = context.get_parameter_source("lang") is ParameterSource.ENVIRONMENT
        words = (
            _("expected one of {languages}, found {value} (from {variable})")
            if given
            else _("expected one of {languages}, found {value}")
        )
        raise WordedError(
            words.format(
                languages=", ".join(LANGUAGES), value=repr(value), variable=LANGUAGE_VARIABLE
            ),
            context,
            parameter,
        )
    set_language(code)
    return code


def _located(error: click.UsageError, ctx: click.Context) -> click.UsageError:
    """The error with the context it was found in (click's parser leaves some without),
    so that it is shown after the command's usage."""
    if error.ctx is None:
        error.ctx = ctx
    return error


class WordedCommand(WordedHelp):
    """A command whose usage errors name the command they were found in, and whose help
    page is in the current language."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """The command line's values; an error is told with the command's usage."""
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as error:
            raise _located(error, ctx) from None


class WordedGroup(WordedHelp, click.Group):
    """The command group whose usage errors, its own and its commands', are told in the
    current language (click tells them in English): ``fel: okänt val '--time-limt'
    (menade du --time-limit?)``, after the command's usage and where to find help; so
    are the help pages, its own and its commands'."""

    command_class = WordedCommand
    group_class = type

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        """Add a command; one made as a plain click command (``serve``, ``users``, which
        do not know the command line) speaks the current language as the others do."""
        super().add_command(worded_command(cmd), name)

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The group's options and its commands, in words."""
        super().format_options(ctx, formatter)
        self.format_commands(ctx, formatter)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The group's commands, each with the first sentence of its text."""
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, short_help(command)))
        if rows:
            with formatter.section(CLICK_WORDS["commands"]):
                formatter.write_dl(rows)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """The group's own values; an error is told with the group's usage."""
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as error:
            raise _located(error, ctx) from None

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        """The group's context; an option of its own it cannot read is told in words.

        The language ``--lang`` chooses (while the command line is read, so that its
        errors and help speak it) is the process's: a command run in the same process
        after this one (as tests run them) starts from the one before.
        """
        previous = set_language(None)
        set_language(previous)
        try:
            context = super().make_context(info_name, args, parent, **extra)
        except click.UsageError as error:
            told = worded(error)
            set_language(previous)
            raise told from None
        except BaseException:
            set_language(previous)
            raise
        context.call_on_close(lambda: set_language(previous))
        return context

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; a command line it cannot read is told in words, while the
        language chosen with ``--lang`` is still the current one."""
        try:
            return super().invoke(ctx)
        except click.UsageError as error:
            raise worded(error) from None


def worded_command(command: click.Command) -> click.Command:
    """A plain click command (or group, with its commands) made a worded one.

    Their classes add only how they are told (no state of their own), so the command
    stays what it is: its parameters, callback and commands are kept.
    """
    if type(command) is click.Command:
        command.__class__ = WordedCommand
    elif type(command) is click.Group:
        command.__class__ = WordedGroup
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            worded_command(sub)
    return command


@click.group(
    cls=WordedGroup, help=N_("Schedule the introduction programme for newly hired social workers.")
)
@click.version_option(package_name="schemalaggning")
@click.option(
    "--lang",
    metavar="[" + "|".join(LANGUAGES) + "]",
    envvar=LANGUAGE_VARIABLE,
    default=DEFAULT_LANGUAGE,
    show_default=True,
    callback=chosen_language,
    is_eager=True,
    help=N_(
        "The language of what people read: sv (Swedish) or en (English); "
        "SCHEMALAGGNING_LANG sets it too."
    ),
)
def main(lang: str) -> None:
    """Schedule the introduction programme for newly hired social workers."""
    stop_on_sigterm()
    quiet_warnings()


def quiet_warnings() -> None:
    """Keep the libraries' warnings (a UserWarning of a spreadsheet or plotting library,
    a FutureWarning) off the coordinator's terminal: they go to the ``py.warnings``
    logger, which shows nothing unless a caller gives it a handler."""
    logging.captureWarnings(True)
    logger = logging.getLogger("py.warnings")
    if not logger.handlers:
        logger.addHandler(logging.NullHandler())
    logger.propagate = False


def checked_output(
    target: Path, kind: str, inputs: list[Path], read: Callable[[], Any]
) -> tuple[OutputFolder, Any]:
    """The output folder of a run and what ``read`` reads, every problem of both at once.

    The folder is checked before any work (the instance's problems and the folder's are
    listed together); nothing is written yet.
    """
    output = OutputFolder(target, kind, inputs)
    problems = output.problems()
    try:
        value = read()
    except InputError as error:
        raise InputError(problems + error.problems) from None
    if problems:
        raise InputError(problems)
    return output, value


def report_recovery(output: OutputFolder) -> None:
    """Say what the run found of an earlier run that was stopped, and did with it."""
    for line in output.recovery.lines(output.target):
        err_console.print(_("note: {note}").format(note=line), markup=False)


def write_schedule_folder(output: OutputFolder, write: Callable[[Path], None]) -> str | None:
    """Replace the output folder's content; the signal that came while it was swapped in.

    Ctrl-C or SIGTERM while the folder is swapped in is held back until it is complete;
    it then stops the run with the schedule written, and is returned so that the exit
    status says the run was interrupted. One that comes while the new content is still
    being written stops the run at once: the folder stays as it was, and the run says so.
    """
    try:
        output.replace(write)
    except KeyboardInterrupt as stop:
        name = signal_name(stop)
        if not output.replaced:
            err_console.print(
                _(
                    "interrupted ({signal}) before the new schedule was written: "
                    "{folder} is as it was"
                ).format(signal=name, folder=output.target),
                markup=False,
            )
            sys.exit(exit_status(name))
        return name
    return None


def finish_interrupted(signal: str | None, target: Path) -> None:
    """Exit with the status of the signal that stopped the run, if one did."""
    if signal is not None:
        err_console.print(
            _("interrupted ({signal}): the best schedule found so far is in {folder}").format(
                signal=signal, folder=target
            ),
            markup=False,
        )
        sys.exit(exit_status(signal))


#: The longest time limit: a week. Longer is a typing error, and an endless one (``inf``,
#: ``nan``) would never end.
MAX_SECONDS = 7 * 24 * 3600.0


class Seconds(Number):
    """A time limit: a finite number of seconds, above 0 and at most a week."""

    name = "seconds"

    def __init__(self) -> None:
        super().__init__(min=0, max=MAX_SECONDS, min_open=True)

    def expected(self) -> str:
        """What a time limit is, in words."""
        return _("expected a number of seconds above 0 and at most a week ({most})").format(
            most=number(int(MAX_SECONDS))
        )


SECONDS = Seconds()


def search_options(time_help: str) -> Callable[[F], F]:
    """The options every command that solves takes: --time-limit, --workers, --seed."""

    def decorate(command: F) -> F:
        command = click.option(
            "--seed",
            type=WholeNumber(),
            default=0,
            show_default=True,
            help=N_("Where the search starts: the same seed gives the same schedule."),
        )(command)
        command = click.option(
            "--workers",
            type=WholeNumber(min=0),
            default=2,
            show_default=True,
            help=N_("CP-SAT search workers (0: all cores)."),
        )(command)
        return click.option(
            "--time-limit",
            type=SECONDS,
            default=60.0,
            show_default=True,
            help=time_help,
        )(command)

    return decorate


def replan_line(figures: dict[str, Any]) -> str:
    """What a re-plan changed for people and trainers, in words (the changes themselves
    are counted by the closing lines, and what is to be mailed as send will send it)."""
    return _(
        "{new_date} people get a new date ({moved} of them moved from a published "
        "session); trainer half-days: {published} in the published plan, {now} now."
    ).format(
        new_date=figures.get("people_new_date", 0),
        moved=figures.get("people_moved", 0),
        published=figures.get("trainer_half_days_published", "?"),
        now=figures.get("trainer_half_days", "?"),
    )


def print_closing(folder: Path, solver_line: str | None = None, rate: float | None = None) -> None:
    """Say what the run made and what to do next (with the solver's line, if asked for);
    ``rate`` is the instance's mail rate, for how long sending takes."""
    from schemalaggning.export.views import closing_lines

    if solver_line is not None:
        out_console.print(solver_line, markup=False)
    try:
        summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        summary = {}
    for line in closing_lines(folder, summary, rate):
        out_console.print(line, markup=False)


def default_instance() -> Path:
    """The bundled Göteborg instance: in the working folder, else beside the sources."""
    here = Path("instances") / "goteborg"
    if here.is_dir():
        return here
    return Path(__file__).resolve().parents[3] / "instances" / "goteborg"
