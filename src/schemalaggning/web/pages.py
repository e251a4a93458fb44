"""The pages that show and take in the workspace: Översikt, Indata, Schemat and its
files."""

from __future__ import annotations

import hashlib
import json
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from schemalaggning.i18n import _
from schemalaggning.problems import InputError
from schemalaggning.web.security import (
    MAX_BODY_BYTES,
    MAX_UPLOAD_BYTES,
    RefusedError,
    allowed,
    page,
)
from schemalaggning.web.uploads import check_upload
from schemalaggning.web.views import render
from schemalaggning.web.waiting import next_step, waiting
from schemalaggning.web.workspace import Workspace, replace_instance

#: The files of a schedule folder the app serves, by their suffix, and how.
SERVED_SUFFIXES = {
    ".html": "text/html; charset=utf-8",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".ics": "text/calendar; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
}
#: A served schedule file runs in a sandbox: it reaches neither the app nor its cookie.
FILE_POLICY = "sandbox allow-scripts; default-src 'none'; script-src 'unsafe-inline'; " + (
    "style-src 'unsafe-inline'; img-src data:"
)


def workspace_of(request: Request) -> Workspace:
    """The app's workspace."""
    workspace: Workspace = request.app.state.workspace
    return workspace


def read_json(path: Path) -> dict[str, Any]:
    """A JSON file's object, or an empty one."""
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def schedule_stamp(workspace: Workspace) -> str:
    """A fingerprint of the schedule folder's current version (its summary)."""
    try:
        return hashlib.sha256((workspace.schedule / "summary.json").read_bytes()).hexdigest()
    except OSError:
        return ""


def published_state(workspace: Workspace) -> dict[str, Any]:
    """Whether the schedule folder's version is published, by whom and when."""
    store = workspace.store()
    stamp = schedule_stamp(workspace)
    published = read_json_text(store.setting("published"))
    return {
        "current": bool(stamp) and published.get("stamp") == stamp,
        "ever": bool(published),
        "by": published.get("by", ""),
        "at": published.get("at"),
    }


def read_json_text(text: str) -> dict[str, Any]:
    """A JSON text's object, or an empty one."""
    try:
        value = json.loads(text) if text else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def instance_summary(workspace: Workspace) -> tuple[dict[str, Any] | None, list[str]]:
    """The workspace instance's figures, or the problems that stop it being read (read
    again only when a file of the instance changed: a large city takes half a second)."""
    folder = workspace.instance
    stamp = tuple(
        (p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(folder.iterdir())
    )
    figures, problems = _described(str(folder), stamp)
    return figures, [workspace.hidden(p) for p in problems]


@lru_cache(maxsize=4)
def _described(
    folder: str, stamp: tuple[tuple[str, int, int], ...]
) -> tuple[dict[str, Any] | None, tuple[str, ...]]:
    from schemalaggning.describe import describe_instance
    from schemalaggning.io import read_instance

    try:
        return describe_instance(read_instance(Path(folder))), ()
    except InputError as error:
        return None, tuple(str(p) for p in error.problems)


@page()
async def overview(request: Request) -> Response:
    """Översikt: the instance, the schedule, what waits, and the next step."""
    workspace = workspace_of(request)
    figures, problems = instance_summary(workspace)
    summary = read_json(workspace.schedule / "summary.json")
    state = published_state(workspace)
    store = workspace.store()
    what = waiting(workspace)
    context = {
        "figures": figures,
        "problems": problems,
        "summary": summary,
        "published": state,
        "waiting": what,
        "running": store.running_jobs(),
        "audit": store.audit_log(10) if request.state.login.account.coordinator else [],
        "next_step": next_step(figures is not None, bool(summary), state["current"], what),
    }
    return render(request, "overview.html.j2", context)


@page("coordinator")
async def input_page(request: Request) -> Response:
    """Indata: the upload form."""
    figures, problems = instance_summary(workspace_of(request))
    context = {"figures": figures, "current_problems": problems, "max_mb": _max_mb()}
    return render(request, "input.html.j2", context)


def _max_mb() -> int:
    return MAX_UPLOAD_BYTES // (1024 * 1024)


@page("coordinator", limit=MAX_BODY_BYTES)
async def upload(request: Request) -> Response:
    """Check an uploaded instance; replace the workspace's only when it has no error."""
    workspace = workspace_of(request)
    uploaded = request.state.form.get("file")
    if not isinstance(uploaded, UploadFile) or not uploaded.filename:
        raise RefusedError(400, _("Choose a file to upload."))
    content = await uploaded.read(MAX_UPLOAD_BYTES + 1)
    if len(content) > MAX_UPLOAD_BYTES:
        words = _("The file is too large: at most {megabytes} MB can be uploaded.")
        raise RefusedError(413, words.format(megabytes=_max_mb()))
    # Reading a workbook of many megabytes takes seconds: off the event loop, so that
    # every other page and the runs' progress go on meanwhile.
    checked = await run_in_threadpool(check_upload, workspace, uploaded.filename, content)
    login = request.state.login
    if checked.instance is None or checked.errors:
        workspace.store().audit(login.account.name, "validate", _("upload with errors"))
        context = {"upload_problems": checked.problems, "uploaded": uploaded.filename}
        figures, _problems = instance_summary(workspace)
        return render(
            request, "input.html.j2", {**context, "figures": figures, "max_mb": _max_mb()}, 422
        )
    replace_instance(workspace, checked.instance)
    workspace.store().audit(login.account.name, "upload", uploaded.filename)
    figures, _problems = instance_summary(workspace)
    shown: dict[str, Any] = {
        "figures": figures,
        "warnings": checked.problems,
        "replaced": uploaded.filename,
        "max_mb": _max_mb(),
    }
    return render(request, "input.html.j2", shown)


@page("coordinator")
async def template_workbook(request: Request) -> Response:
    """The workspace's instance as a workbook, to fill in and upload again."""
    from schemalaggning.io import read_instance
    from schemalaggning.io.write import write_instance_xlsx

    workspace = workspace_of(request)
    try:
        instance = read_instance(workspace.instance)
    except InputError as error:
        raise RefusedError(409, _("The instance has errors; upload a corrected one.")) from error
    with tempfile.TemporaryDirectory(dir=workspace.data) as folder:
        path = write_instance_xlsx(instance, Path(folder) / "instans.xlsx")
        content = path.read_bytes()
    return Response(
        content,
        media_type=SERVED_SUFFIXES[".xlsx"],
        headers={"content-disposition": 'attachment; filename="instans.xlsx"'},
    )


def schedule_files(workspace: Workspace) -> dict[str, Path]:
    """The files of the schedule folder the app serves, by their path in it."""
    folder = workspace.schedule
    if not folder.is_dir():
        return {}
    found = {}
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if served_file(folder, name) is not None:
            found[name] = path
    return found


def served_file(folder: Path, name: str) -> Path | None:
    """The file ``name`` (a path inside ``folder``, as :func:`schedule_files` lists them)
    when the app serves it: a plain file of a served kind, no part of its path hidden or
    a link (a link could lead anywhere on the server's disk), inside the folder."""
    parts = name.split("/")
    if any(not part or part.startswith(".") or "\\" in part or "\0" in part for part in parts):
        return None
    if Path(name).suffix.lower() not in SERVED_SUFFIXES:
        return None
    path = folder
    for part in parts:
        path = path / part
        if path.is_symlink():
            return None
    if not path.is_file() or not path.resolve().is_relative_to(folder.resolve()):
        return None
    return path


def plan_links(
    workspace: Workspace, files: dict[str, Path]
) -> dict[str, list[tuple[str, str, str]]]:
    """The personal plans and calendars by whom they are for: (plan file, name, calendar
    file), either file empty when not written; the rooms have calendars only."""
    from schemalaggning.io import read_instance

    try:
        instance = read_instance(workspace.instance)
        names = {p.person_id: p.name for p in instance.people}
        names |= {t.trainer_id: t.name for t in instance.trainers}
        names |= {r.room_id: r.name for r in instance.rooms}
    except InputError:
        names = {}
    plans: dict[str, dict[str, list[str]]] = {"people": {}, "trainers": {}, "rooms": {}}
    for name in files:
        parts = name.split("/")
        if len(parts) != 3:
            continue
        if parts[0] == "planer" and name.endswith(".html"):
            group, slot = {"personer": "people", "utbildare": "trainers"}.get(parts[1]), 0
        elif parts[0] == "ics" and name.endswith(".ics"):
            group, slot = (parts[1] if parts[1] in plans else None), 1
        else:
            continue
        if group is not None:
            plans[group].setdefault(Path(parts[2]).stem, ["", ""])[slot] = name
    return {
        group: sorted(
            ((plan, names.get(key, key), calendar) for key, (plan, calendar) in found.items()),
            key=lambda item: item[1],
        )
        for group, found in plans.items()
    }


@page()
async def schedule_page(request: Request) -> Response:
    """Schemat: the report, the plans, the workbook and the calendars."""
    workspace = workspace_of(request)
    files = schedule_files(workspace)
    context = {
        "summary": read_json(workspace.schedule / "summary.json"),
        "files": files,
        "plans": plan_links(workspace, files),
        "calendars": [n for n in files if n.endswith(".ics") and "/" not in n],
        "published": published_state(workspace),
    }
    return render(request, "schedule.html.j2", context)


@page()
async def schedule_file(request: Request) -> Response:
    """One file of the schedule folder (a path that is not one it serves, such as one with
    ``..`` or through a link, is not found). The invitations and the outbox, with every
    recipient's address, and the earlier versions in ``history/`` (which hold theirs) are
    a coordinator's only; the plans and calendars are for reading."""
    workspace = workspace_of(request)
    name = request.path_params["name"]
    restricted = name.split("/")[0] == "history" or "invites" in name.split("/")
    if restricted and not allowed(request.state.login, "coordinator"):
        raise RefusedError(403, _("Your account may not do this."))
    path = served_file(workspace.schedule, name)
    if path is None:
        raise RefusedError(404, _("There is no such file in the schedule."))
    media = SERVED_SUFFIXES[path.suffix.lower()]
    headers = {"content-security-policy": FILE_POLICY}
    if path.suffix.lower() != ".html":
        return FileResponse(path, media_type=media, filename=path.name, headers=headers)
    return FileResponse(path, media_type=media, headers=headers)


PAGE_ROUTES = [
    Route("/", overview),
    Route("/indata", input_page),
    Route("/indata", upload, methods=["POST"]),
    Route("/indata/instans.xlsx", template_workbook),
    Route("/schemat", schedule_page),
    Route("/schemat/fil/{name:path}", schedule_file),
]
