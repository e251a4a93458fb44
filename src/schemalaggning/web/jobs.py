"""Long runs as jobs: a row in the job table and one worker process each.

A job is started in one transaction that first looks for a running job it would clash
with (two solves of one workspace, or a send while the schedule is rewritten), so the
second coordinator is told who started the first and when, and nothing is lost. The
worker (:mod:`schemalaggning.web.worker`) writes its progress to a file that the page's
event stream reads (:func:`events`); a thread of the server waits for the process and
records how it ended.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from schemalaggning.i18n import LANGUAGE_VARIABLE, language
from schemalaggning.web.store import Job
from schemalaggning.web.workspace import Workspace

#: The kinds of job that write or send the schedule folder: one at a time.
FOLDER_JOBS = ("solve", "replan", "send")
#: The kinds of job each kind waits for: a sweep runs alone among sweeps (it does not
#: write the schedule folder).
CLASHES = {"sweep": ("sweep",)}
#: How often the event stream looks for new progress, in seconds.
POLL_SECONDS = 0.25


def start_job(
    workspace: Workspace,
    kind: str,
    name: str,
    arguments: dict[str, Any],
    secret_env: dict[str, str] | None = None,
) -> tuple[Job | None, Job | None]:
    """Start a job in a worker process: ``(the job, None)``, or ``(None, the running job
    that stops it)``. ``secret_env`` (a password) reaches only the worker's environment."""
    store = workspace.store()
    started = store.start_job(kind, name, CLASHES.get(kind, FOLDER_JOBS))
    if isinstance(started, Job):
        return None, started
    job_id = started
    log = workspace.jobs / f"{job_id}.log"
    log.touch()
    # The worker writes in the language the server speaks (``serve --lang``).
    environment = {**os.environ, LANGUAGE_VARIABLE: language(), **(secret_env or {})}
    try:
        process = _worker(workspace, job_id, kind, arguments, environment)
    except OSError:
        # No worker: the job ends here, so that it stops no later run.
        store.set_job(job_id, state="failed", ended=time.time())
        raise
    store.set_job(job_id, state="running", pid=process.pid, arguments=json.dumps(arguments))
    threading.Thread(target=_wait, args=(workspace, job_id, process), daemon=True).start()
    return store.job(job_id), None


def _worker(
    workspace: Workspace,
    job_id: int,
    kind: str,
    arguments: dict[str, Any],
    environment: dict[str, str],
) -> subprocess.Popen[bytes]:
    """The worker process of a job, started."""
    with (workspace.jobs / f"{job_id}.out").open("wb") as output:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "schemalaggning.web.worker",
                str(workspace.root.resolve()),
                str(job_id),
                kind,
                json.dumps(arguments),
            ],
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            env=environment,
            start_new_session=True,
        )


def _wait(workspace: Workspace, job_id: int, process: subprocess.Popen[bytes]) -> None:
    """Wait for a worker, and record how it ended."""
    code = process.wait()
    store = workspace.store()
    job = store.job(job_id)
    cancelled = job is not None and job.state == "cancelling"
    state = "cancelled" if cancelled else ("done" if code in (0, 1) else "failed")
    store.set_job(job_id, state=state, exit_code=code, ended=time.time())


def cancel_job(workspace: Workspace, job: Job) -> bool:
    """Ask a running job to stop (SIGTERM: a search writes its best schedule so far)."""
    if not job.running or job.pid is None:
        return False
    # Only a job still running is marked, in one statement: one that ended since it was
    # read keeps its end (and its worker's pid, perhaps another process's now, no signal).
    if not workspace.store().mark_cancelling(job.id):
        return False
    try:
        os.kill(job.pid, signal.SIGTERM)
    except ProcessLookupError:
        return False
    return True


def forget_lost_jobs(workspace: Workspace) -> None:
    """Mark the jobs whose worker is gone (the server was stopped during them) as lost."""
    store = workspace.store()
    for job in store.running_jobs():
        if job.pid is None or not _alive(job.pid):
            store.set_job(job.id, state="lost", ended=time.time())


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def progress_lines(workspace: Workspace, job_id: int) -> list[dict[str, Any]]:
    """Everything a job has written so far."""
    path = workspace.jobs / f"{job_id}.log"
    if not path.is_file():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip().endswith("}")]


async def events(workspace: Workspace, job_id: int) -> AsyncIterator[str]:
    """The job's progress as server-sent events, until it ends."""
    path = workspace.jobs / f"{job_id}.log"
    offset = 0
    pending = ""
    store = workspace.store()
    quiet = 0.0
    while True:
        chunk = await asyncio.to_thread(_read_from, path, offset)
        offset += len(chunk.encode("utf-8"))
        pending += chunk
        *complete, pending = pending.split("\n")
        for line in complete:
            if line.strip():
                yield f"data: {line}\n\n"
                if json.loads(line).get("kind") == "end":
                    return
        job = await asyncio.to_thread(store.job, job_id)
        if job is None or (not job.running and not chunk):
            yield 'data: {"kind": "end", "text": "", "status": -1}\n\n'
            return
        quiet = 0.0 if chunk else quiet + POLL_SECONDS
        if quiet >= 15.0:
            quiet = 0.0
            yield ": still here\n\n"
        await asyncio.sleep(POLL_SECONDS)


def _read_from(path: Path, offset: int) -> str:
    try:
        with path.open("rb") as stream:
            stream.seek(offset)
            data = stream.read()
    except OSError:
        return ""
    # A line cut in the middle of a character is read whole next time.
    end = data.rfind(b"\n") + 1
    return data[:end].decode("utf-8")
