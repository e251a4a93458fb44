"""The web application: Starlette routes over a workspace, pages rendered on the server
with Jinja2 (every value escaped) and a little HTMX.

:func:`create_app` builds the app for a workspace folder; ``schemalaggning serve`` runs
it with uvicorn (:mod:`schemalaggning.web.commands`).
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import jinja2
import markupsafe
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from schemalaggning.i18n import N_, _
from schemalaggning.swedish import clock, full_date, number
from schemalaggning.web.jobs import forget_lost_jobs
from schemalaggning.web.security import (
    COOKIE,
    LOGIN_CSRF_COOKIE,
    MAX_FORM_BYTES,
    RefusedError,
    SecurityHeaders,
    check_csrf,
    current_login,
    form_of,
    set_cookie,
)
from schemalaggning.web.workspace import Workspace, open_workspace

HERE = Path(__file__).parent

#: The pages of the menu: path, words, the role that sees it.
MENU = (
    ("/", N_("Overview"), "viewer"),
    ("/indata", N_("Input"), "coordinator"),
    ("/planera", N_("Schedule / Re-plan"), "coordinator"),
    ("/schemat", N_("The schedule"), "viewer"),
    ("/skicka", N_("Send"), "coordinator"),
    ("/individuella", N_("Personal courses"), "manager"),
    ("/kapacitet", N_("Capacity"), "viewer"),
    ("/kalender", N_("Calendar subscriptions"), "coordinator"),
)


def moment(seconds: float | None) -> str:
    """A time stamp in words: ``tisdag 5 maj 2026 kl. 14.03``."""
    if seconds is None:
        return ""
    from datetime import datetime

    when = datetime.fromtimestamp(seconds)
    return _("{day} at {time}").format(day=full_date(when.date()), time=clock(when))


def environment() -> jinja2.Environment:
    """The templates' environment: every value escaped, ``_`` for the words."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        extensions=["jinja2.ext.do"],
    )
    env.globals["_"] = _
    env.globals["MENU"] = MENU
    env.filters["moment"] = moment
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


async def refused(request: Request, error: Exception) -> Response:
    """A refused request's page: its words and status."""
    assert isinstance(error, RefusedError)
    if request.headers.get("hx-request"):
        return HTMLResponse(f'<p class="error">{_escape(error.words)}</p>', error.status)
    return render(request, "refused.html.j2", {"words": error.words}, error.status)


async def not_found(request: Request, error: Exception) -> Response:
    """Nothing here (no path of the server is named)."""
    return render(request, "refused.html.j2", {"words": _("There is no such page.")}, 404)


def _escape(text: str) -> str:
    return str(markupsafe.escape(text))


async def login_page(request: Request) -> Response:
    """The login form (with a CSRF token of its own), or the login's result."""
    if request.method == "GET":
        token = secrets.token_urlsafe(32)
        response = render(request, "login.html.j2", {"form_token": token})
        set_cookie(response, request, LOGIN_CSRF_COOKIE, token)
        return response
    form = await form_of(request, MAX_FORM_BYTES)
    check_csrf(request, form, request.cookies.get(LOGIN_CSRF_COOKIE, ""))
    name, password = str(form.get("name", "")).strip(), str(form.get("password", ""))
    store = request.app.state.workspace.store()
    address = request.client.host if request.client else ""
    if store.too_many_failures(name, address):
        words = _("Too many failed attempts: wait a quarter of an hour and try again.")
        return _login_again(request, words, 429)
    account = store.verify(name, password)
    if account is None:
        store.record_failure(name, address)
        return _login_again(request, _("Wrong name or password."), 401)
    entered = RedirectResponse("/", status_code=303)
    set_cookie(entered, request, COOKIE, store.open_session(account))
    store.audit(account.name, "login")
    return entered


def _login_again(request: Request, words: str, status: int) -> Response:
    token = secrets.token_urlsafe(32)
    response = render(request, "login.html.j2", {"form_token": token, "error": words}, status)
    set_cookie(response, request, LOGIN_CSRF_COOKIE, token)
    return response


async def logout(request: Request) -> Response:
    """Log out (a POST with the CSRF token)."""
    login = current_login(request)
    if login is not None:
        form = await form_of(request, MAX_FORM_BYTES)
        check_csrf(request, form, login.csrf)
        request.app.state.workspace.store().close_session(request.cookies.get(COOKIE, ""))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


async def favicon(request: Request) -> Response:
    """The tab's icon."""
    return FileResponse(HERE / "static" / "favicon.svg", media_type="image/svg+xml")


def create_app(root: Path, source: Path | None = None) -> Starlette:
    """The app over the workspace at ``root`` (made with ``source`` as its instance on
    first use, the bundled Göteborg instance when not given)."""
    from schemalaggning.web import feeds, pages, planning, requests, sending

    workspace: Workspace = open_workspace(root, source)
    forget_lost_jobs(workspace)
    routes = [
        Route("/login", login_page, methods=["GET", "POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/favicon.ico", favicon),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
        *pages.ROUTES,
        *planning.ROUTES,
        *sending.ROUTES,
        *requests.ROUTES,
        *feeds.ROUTES,
    ]
    app = Starlette(
        routes=routes,
        exception_handlers={RefusedError: refused, 404: not_found},
    )
    app.state.workspace = workspace
    app.state.templates = environment()
    app.add_middleware(SecurityHeaders)
    return app
