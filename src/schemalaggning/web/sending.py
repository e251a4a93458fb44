"""Skicka: the mail server's settings (the password kept, never shown back), one message
as its reader will see it, the exact count, and the send as a job.

The send goes through :func:`schemalaggning.export.send.send_outbox`, as ``schemalaggning
send`` does: each message once, recorded in ``invites/sent.sqlite``, so a send that was
stopped goes on with what is left, from here or from the command line.
"""

from __future__ import annotations

import json
from email.message import EmailMessage
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from schemalaggning.i18n import N_, Messages, _
from schemalaggning.problems import InputError
from schemalaggning.web.pages import published_state, read_json_text, workspace_of
from schemalaggning.web.planning import job_context, start
from schemalaggning.web.security import RefusedError, field, page
from schemalaggning.web.views import render
from schemalaggning.web.workspace import Workspace

SECURITIES = ("starttls", "ssl", "none")
#: The protections of the connection, in words, by the value the settings keep.
SECURITY_WORDS = Messages(
    {
        "starttls": N_("STARTTLS (encrypted after connecting)"),
        "ssl": N_("SSL/TLS (encrypted from the start)"),
        "none": N_("unencrypted (only on the local network)"),
    }
)


def smtp_settings(workspace: Workspace) -> dict[str, Any]:
    """The mail server's settings kept for the workspace (no password)."""
    return read_json_text(workspace.store().setting("smtp"))


def preview(workspace: Workspace) -> dict[str, str] | None:
    """The first message the send would send, as its reader sees it."""
    from schemalaggning.export.discard import folder_store
    from schemalaggning.export.mail import build_message
    from schemalaggning.export.outbox import read_outbox
    from schemalaggning.export.send import plan_messages

    if not (workspace.schedule / "invites").is_dir():
        return None
    rows = read_outbox(workspace.schedule)
    if not rows:
        return None
    with folder_store(workspace.schedule) as store:
        messages, _skipped = plan_messages(rows, store, record=False)
    if not messages:
        return None
    first = messages[0]
    email = build_message(workspace.schedule, first.row, first.address)
    return {"to": first.address, "subject": str(email["Subject"]), "text": body_text(email)}


def body_text(email: EmailMessage) -> str:
    """The plain text of a message."""
    part = email.get_body(preferencelist=("plain",))
    if part is None:
        return ""
    content = part.get_content() if isinstance(part, EmailMessage) else ""
    return str(content)


def counted(workspace: Workspace) -> tuple[int, str]:
    """How many messages a send would send now, and the count in words."""
    from schemalaggning.export.pending import pending

    if not (workspace.schedule / "invites").is_dir():
        return 0, ""
    waiting = pending(workspace.schedule)
    return waiting.messages, waiting.words() if waiting.messages else ""


@page("coordinator")
async def send_page(request: Request) -> Response:
    """The page."""
    workspace = workspace_of(request)
    job = workspace.store().latest_job(("send",))
    try:
        count, words = counted(workspace)
        shown = preview(workspace)
        problems: list[str] = []
    except InputError as error:
        count, words, shown = 0, "", None
        problems = [workspace.hidden(str(p)) for p in error.problems]
    context = {
        **job_context(workspace, job),
        "smtp": smtp_settings(workspace),
        "has_password": bool(workspace.store().setting("smtp_password")),
        "count": count,
        "count_words": words,
        "preview": shown,
        "read_problems": problems,
        "published": published_state(workspace),
        "securities": [(value, SECURITY_WORDS[value]) for value in SECURITIES],
    }
    return render(request, "send.html.j2", context)


@page("coordinator")
async def save_settings(request: Request) -> Response:
    """Keep the mail server's settings; a password given replaces the kept one."""
    from pydantic import ValidationError

    from schemalaggning.domain import SmtpSettings

    given = {
        "host": field(request, "host"),
        "port": field(request, "port") or None,
        "security": field(request, "security", "starttls"),
        "user": field(request, "user"),
        "rate": field(request, "rate").replace(",", ".") or None,
    }
    try:
        settings = SmtpSettings.model_validate(given)
    except ValidationError:
        raise RefusedError(
            400, _("Check the mail server's settings: the port is a number.")
        ) from None
    store = workspace_of(request).store()
    store.set_setting("smtp", json.dumps(settings.model_dump(mode="json")))
    password = request.state.form.get("password")
    if isinstance(password, str) and password:
        store.set_setting("smtp_password", password)
    if field(request, "forget_password") == "on":
        store.set_setting("smtp_password", "")
    store.audit(request.state.login.account.name, "smtp settings", settings.host)
    return RedirectResponse("/skicka", status_code=303)


@page("coordinator")
async def start_send(request: Request) -> Response:
    """Start sending the outbox."""
    from schemalaggning.export.send import PASSWORD_VARIABLE

    workspace = workspace_of(request)
    if not published_state(workspace)["current"]:
        raise RefusedError(409, _("Publish the schedule before sending its invitations."))
    smtp = smtp_settings(workspace)
    if not smtp.get("host"):
        raise RefusedError(409, _("Fill in the mail server first."))
    password = workspace.store().setting("smtp_password")
    secret = {PASSWORD_VARIABLE: password} if password else None
    return start(request, "send", {"smtp": smtp}, back="/skicka", secret_env=secret)


SENDING_ROUTES = [
    Route("/skicka", send_page),
    Route("/skicka/installningar", save_settings, methods=["POST"]),
    Route("/skicka", start_send, methods=["POST"]),
]
