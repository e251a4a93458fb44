"""Pages rendered on the server: the templates' environment (every value escaped, ``_``
for the words), the menu, and the filters that write times and dates in words."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse

from schemalaggning.i18n import N_, Messages, _, language
from schemalaggning.swedish import clock, full_date, long_date, number

HERE = Path(__file__).parent

#: The pages of the menu: path, words, the role that sees it.
MENU = (
    ("/", N_("Overview"), "viewer"),
    ("/indata", N_("Input"), "coordinator"),
    ("/planera", N_("Schedule / Re-plan"), "coordinator"),
    ("/schemat", N_("The schedule"), "viewer"),
    ("/skicka", N_("Send"), "coordinator"),
    ("/individuella", N_("Personal courses"), "manager"),
    ("/kapacitet", N_("Capacity and what if"), "viewer"),
    ("/kalender", N_("Calendar subscriptions"), "coordinator"),
)

#: The kinds of job, in words.
JOB_WORDS = Messages(
    {
        "solve": N_("a schedule"),
        "replan": N_("a re-plan"),
        "send": N_("a send"),
        "sweep": N_("a sweep"),
    }
)
#: What the audit log records, in words, by its action.
AUDIT_WORDS = Messages(
    {
        "login": N_("logged in"),
        "validate": N_("checked an upload"),
        "upload": N_("uploaded a new instance"),
        "smtp settings": N_("changed the mail settings"),
        "add feed": N_("made a calendar feed"),
        "revoke feed": N_("revoked a calendar feed"),
        "account": N_("account added"),
        "publish": N_("published the schedule"),
        "cancel": N_("cancelled a run"),
        "solve": N_("started a schedule"),
        "replan": N_("started a re-plan"),
        "send": N_("started a send"),
        "sweep": N_("started a sweep"),
    }
)
#: The roles, in words.
ROLE_WORDS = Messages(
    {"coordinator": N_("coordinator"), "manager": N_("manager"), "viewer": N_("reader")}
)


def audit_words(action: str, what: str) -> str:
    """An entry of the audit log in words: the action, and what it concerned (a run's
    time limit, an account's role, an uploaded file's name)."""
    said = AUDIT_WORDS.get(action, action)
    if action in JOB_WORDS:
        import json

        try:
            seconds = json.loads(what).get("time_limit")
        except (ValueError, AttributeError):
            seconds = None
        if seconds is None:
            return said
        limit = _("time limit {seconds} s").format(seconds=number(round(seconds)))
        return f"{said} ({limit})"
    if action == "account":
        return f"{said} ({ROLE_WORDS.get(what, what)})"
    if action in ("upload", "validate", "smtp settings") and what:
        return f"{said}: {what}"
    return said


def moment(seconds: float | None) -> str:
    """A time stamp in words: ``tisdag 5 maj 2026 kl. 14.03``."""
    if seconds is None:
        return ""
    from datetime import datetime

    when = datetime.fromtimestamp(seconds)
    return _("{day} at {time}").format(day=full_date(when.date()), time=clock(when))


def date_in_words(value: str) -> str:
    """An ISO date of a data column in words (``4 januari 2027``); anything else as it is."""
    from datetime import date

    try:
        return long_date(date.fromisoformat(value[:10]))
    except (TypeError, ValueError):
        return value


def template_environment() -> jinja2.Environment:
    """The templates' environment: every value escaped, ``_`` for the words."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        extensions=["jinja2.ext.do"],
    )
    env.globals["_"] = _
    env.globals["language"] = language
    env.globals["MENU"] = MENU
    env.globals["audit_words"] = audit_words
    env.filters["moment"] = moment
    env.filters["job_words"] = lambda kind: JOB_WORDS.get(kind, kind)
    env.filters["day"] = date_in_words
    env.filters["number"] = lambda value: number(value) if isinstance(value, int) else value
    return env


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, status: int = 200
) -> HTMLResponse:
    """A page rendered from its template, with the login and its CSRF token."""
    login = getattr(request.state, "login", None)
    page = request.app.state.templates.get_template(name)
    html = page.render(
        request=request,
        login=login,
        csrf=login.csrf if login is not None else "",
        path=request.url.path,
        **(context or {}),
    )
    return HTMLResponse(html, status_code=status)
