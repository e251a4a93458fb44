"""A task run in a forked child process while the caller goes on with the rest.

A city's workbook takes about as long to write as the report, the plans and the calendars
together. On Linux it is written by a child process forked from the one writing the
folder: the child starts with the views already built (a fork copies nothing until it is
written to) and the two halves take one core each.

What the task raises is raised in the caller, as if the task had run there. The caller
stays in charge of stopping: Ctrl-C (which reaches the whole process group) is ignored
by the child, and when the caller is interrupted or fails, it kills the child and waits
for it before going on, so that nothing writes into the folder afterwards.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import pickle
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection

#: The signals that stop a run (see :mod:`schemalaggning.interrupts`).
STOPS = {signal.SIGINT, signal.SIGTERM}


def can_fork() -> bool:
    """Whether a child can be forked safely here.

    Only on Linux (forking is unsafe with some of macOS' system libraries, and Windows
    cannot), not from a daemonic process (a Dask worker, which may have no children),
    and only while this is the process's one thread (a fork copies the calling thread
    alone; a lock another thread holds would stay locked in the child).
    """
    return (
        sys.platform.startswith("linux")
        and "fork" in multiprocessing.get_all_start_methods()
        and not multiprocessing.current_process().daemon
        and threading.active_count() == 1
    )


@contextlib.contextmanager
def in_background(task: Callable[[], object], name: str) -> Iterator[None]:
    """Run ``task`` in a forked child process while the with-block runs.

    Leaving the block waits for the child, and raises what ``task`` raised. When the
    block raises (an error, Ctrl-C, SIGTERM), the child is killed and waited for first.
    Where no child can be forked (:func:`can_fork`), ``task`` runs here, before the
    block.

    Parameters
    ----------
    task
        What to do; its result is dropped.
    name
        What the task writes, for the message when the child dies without an answer.
    """
    child = None
    held: set[int | signal.Signals] = set()
    if can_fork():
        # Held back while the child is forked, and until it is in hand: the child ignores
        # Ctrl-C from its first instant, and a signal that came meanwhile stops this
        # process inside the try below, which kills the child.
        held = signal.pthread_sigmask(signal.SIG_BLOCK, STOPS)
        try:
            child = _fork(task, name)
        finally:
            if child is None:
                signal.pthread_sigmask(signal.SIG_SETMASK, held)
    if child is None:
        task()
        yield
        return
    process, receive = child
    try:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
        yield
        try:
            outcome = receive.recv()
        except EOFError:
            process.join()
            # A child killed outright (out of memory, most likely) is a failure to write,
            # like a full disk: the folder being written is given up, the user's stays.
            outcome = OSError(
                f"writing {name} stopped without an answer (exit code {process.exitcode})"
            )
        process.join()
    except BaseException:
        process.kill()
        process.join()
        raise
    finally:
        receive.close()
    if isinstance(outcome, BaseException):
        raise outcome


def _fork(
    task: Callable[[], object], name: str
) -> tuple[multiprocessing.process.BaseProcess, Connection] | None:
    """A child running ``task``, and the end of the pipe it answers on; ``None`` when the
    system cannot fork now (the task then runs in place)."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(task, send), name=name, daemon=True)
    try:
        process.start()
    except OSError:
        receive.close()
        return None
    finally:
        send.close()
    return process, receive


def _child(task: Callable[[], object], send: Connection) -> None:
    """The child's part: run the task, and send back what it raised (or ``None``)."""
    # The parent decides when the child stops: Ctrl-C reaches the whole process group
    # and is ignored here; SIGTERM (the parent's own goes to the parent alone) kills.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOPS)
    outcome: BaseException | None = None
    try:
        task()
    except BaseException as error:
        outcome = error
    try:
        # An exception must come back whole: one whose class the caller cannot make
        # again from its pickle (an ``InputError`` is made from its problems, not from
        # its message) would raise something else in the caller, where it is received.
        pickle.loads(pickle.dumps(outcome))
        send.send(outcome)
    except Exception:
        # An exception that cannot be pickled is told in words.
        send.send(RuntimeError(f"{type(outcome).__name__}: {outcome}"))
    finally:
        send.close()
