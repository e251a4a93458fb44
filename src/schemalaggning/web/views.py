"""Pages rendered on the server: the templates' environment (every value escaped, ``_``
for the words), the menu, and the filters that write times and dates in words."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse

from schemalaggning.i18n import N_, _
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
    env.globals["MENU"] = MENU
    env.filters["moment"] = moment
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
