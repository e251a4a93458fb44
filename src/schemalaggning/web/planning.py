"""Schemalägg / Planera om: start a solve or a re-plan as a job, follow its progress,
cancel it, see the result and the changes, and publish."""

from __future__ import annotations

import csv
import json
import time
from datetime import date
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response, StreamingResponse
from starlette.routing import Route

from schemalaggning.i18n import _
from schemalaggning.web.jobs import cancel_job, events, progress_lines, start_job
from schemalaggning.web.pages import published_state, read_json, schedule_stamp, workspace_of
from schemalaggning.web.security import RefusedError, allowed, field, page
from schemalaggning.web.store import Job
from schemalaggning.web.views import JOB_WORDS, moment, render
from schemalaggning.web.workspace import Workspace

#: The page of each kind of job.
JOB_PAGES = {"send": "/skicka", "sweep": "/kapacitet"}
#: Who may follow a job of each kind: whoever may see its page (a send's progress names
#: the addresses it could not reach, a sweep's page is for every reader).
JOB_ROLES = {"solve": "coordinator", "replan": "coordinator", "send": "coordinator"}
#: The largest id SQLite keeps: a larger number in an address names no run.
LARGEST_ID = 2**63 - 1
#: The longest time limit the page accepts, in seconds.
LONGEST_TIME_LIMIT = 3600.0


def busy_words(job: Job) -> str:
    """Why a job cannot start: who started the running one, and when."""
    return _("{what} is already running, started by {name} {when}; wait for it to end.").format(
        what=JOB_WORDS.get(job.kind, job.kind).capitalize(),
        name=job.started_by,
        when=moment(job.started),
    )


def changes(workspace: Workspace) -> list[dict[str, str]]:
    """The schedule folder's changes against the published schedule, if it has them."""
    path = workspace.schedule / "changes.csv"
    try:
        with path.open(encoding="utf-8", newline="") as stream:
            return list(csv.DictReader(stream))
    except OSError:
        return []


def job_context(workspace: Workspace, job: Job | None) -> dict[str, Any]:
    """What the page says of a job: its state and its last progress line."""
    if job is None:
        return {"job": None}
    lines = progress_lines(workspace, job.id)
    said = [line for line in lines if line.get("kind") in ("progress", "count", "heartbeat")]
    problems = [p for line in lines for p in line.get("problems", [])]
    stopped = [line["text"] for line in lines if line.get("kind") == "problems"]
    return {
        "job": job,
        "last": said[-1]["text"] if said else "",
        "problems": problems,
        "stopped": stopped,
        "lines": [line["text"] for line in lines if line.get("kind") == "line"],
    }


@page("coordinator")
async def planning_page(request: Request) -> Response:
    """Schemalägg / Planera om."""
    return planning_view(request)


def planning_view(request: Request, notice: str = "", status: int = 200) -> Response:
    """The page: the forms, the running or last job, the result and its changes."""
    workspace = workspace_of(request)
    store = workspace.store()
    job = store.latest_job(("solve", "replan"))
    context = {
        **job_context(workspace, job),
        "summary": read_json(workspace.schedule / "summary.json"),
        "changes": changes(workspace),
        "published": published_state(workspace),
        "notice": notice,
        "today": date.today().isoformat(),
    }
    return render(request, "planning.html.j2", context, status)


def time_limit(request: Request) -> float:
    """The form's time limit in seconds, refused (400) unless a number above 0."""
    given = field(request, "time_limit", "60").replace(",", ".")
    try:
        seconds = float(given)
    except ValueError:
        seconds = -1.0
    if not 0 < seconds <= LONGEST_TIME_LIMIT:
        raise RefusedError(400, _("The time limit is a number of seconds from 1 to 3600."))
    return seconds


def start(
    request: Request,
    kind: str,
    arguments: dict[str, Any],
    back: str = "/planera",
    secret_env: dict[str, str] | None = None,
) -> Response:
    """Start a job and go back to its page, or say (409) who runs one already."""
    workspace = workspace_of(request)
    name = request.state.login.account.name
    job, busy = start_job(workspace, kind, name, arguments, secret_env)
    if busy is not None:
        if back != "/planera":
            raise RefusedError(409, busy_words(busy))
        return planning_view(request, busy_words(busy), 409)
    assert job is not None
    shown = {k: v for k, v in arguments.items() if k != "smtp"}
    workspace.store().audit(name, kind, json.dumps(shown, ensure_ascii=False))
    return RedirectResponse(back, status_code=303)


@page("coordinator")
async def start_solve(request: Request) -> Response:
    """Start a solve of the workspace's instance."""
    arguments = {"time_limit": time_limit(request), "greedy": field(request, "greedy") == "on"}
    return start(request, "solve", arguments)


@page("coordinator")
async def start_replan(request: Request) -> Response:
    """Start a re-plan around the schedule folder."""
    workspace = workspace_of(request)
    if not workspace.has_schedule():
        raise RefusedError(409, _("There is no schedule to re-plan yet; make one first."))
    try:
        today = date.fromisoformat(field(request, "today") or date.today().isoformat())
    except ValueError:
        raise RefusedError(400, _("Give the day as a date (YYYY-MM-DD).")) from None
    arguments = {
        "time_limit": time_limit(request),
        "greedy": field(request, "greedy") == "on",
        "today": today.isoformat(),
    }
    return start(request, "replan", arguments)


@page("coordinator")
async def publish(request: Request) -> Response:
    """Publish the schedule folder's version: it is the one sent and re-planned around."""
    workspace = workspace_of(request)
    stamp = schedule_stamp(workspace)
    if not stamp:
        raise RefusedError(409, _("There is no schedule to publish yet."))
    if any(j.kind in ("solve", "replan") for j in workspace.store().running_jobs()):
        raise RefusedError(409, _("Wait until the run has ended before publishing."))
    name = request.state.login.account.name
    record = {"stamp": stamp, "by": name, "at": time.time()}
    workspace.store().set_setting("published", json.dumps(record))
    workspace.store().audit(name, "publish", stamp[:12])
    return RedirectResponse("/planera", status_code=303)


def job_of(request: Request) -> Job:
    """The job the path names (404 when there is none)."""
    try:
        job_id = int(request.path_params["job"])
    except ValueError:
        job_id = -1
    job = workspace_of(request).store().job(job_id) if 0 < job_id <= LARGEST_ID else None
    if job is None or not allowed(request.state.login, JOB_ROLES.get(job.kind, "viewer")):
        raise RefusedError(404, _("There is no such run."))
    return job


@page("viewer")
async def job_events(request: Request) -> Response:
    """A job's progress as server-sent events."""
    job = job_of(request)
    return StreamingResponse(
        events(workspace_of(request), job.id),
        media_type="text/event-stream",
        headers={"cache-control": "no-store", "x-accel-buffering": "no"},
    )


@page("coordinator")
async def job_cancel(request: Request) -> Response:
    """Ask a running job to stop."""
    workspace = workspace_of(request)
    job = job_of(request)
    if cancel_job(workspace, job):
        workspace.store().audit(request.state.login.account.name, "cancel", str(job.id))
    back = JOB_PAGES.get(job.kind, "/planera")
    return RedirectResponse(back, status_code=303)


PLANNING_ROUTES = [
    Route("/planera", planning_page),
    Route("/planera/schemalagg", start_solve, methods=["POST"]),
    Route("/planera/planera-om", start_replan, methods=["POST"]),
    Route("/planera/publicera", publish, methods=["POST"]),
    Route("/jobb/{job}/handelser", job_events),
    Route("/jobb/{job}/avbryt", job_cancel, methods=["POST"]),
]
