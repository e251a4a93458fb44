"""The web application: Starlette routes over a workspace, pages rendered on the server
with Jinja2 (every value escaped) and a little HTMX.

:func:`create_app` builds the app for a workspace folder; ``schemalaggning serve`` runs
it with uvicorn (:mod:`schemalaggning.web.commands`).
"""

from __future__ import annotations

import secrets
from pathlib import Path

import markupsafe
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from schemalaggning.i18n import _
from schemalaggning.web import feeds, pages, planning, requests, sending, whatif
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
    with_security_headers,
)
from schemalaggning.web.store import dummy_hash
from schemalaggning.web.views import HERE, render, template_environment
from schemalaggning.web.workspace import Workspace, open_workspace


async def refused(request: Request, error: Exception) -> Response:
    """A refused request's page: its words and status."""
    assert isinstance(error, RefusedError)
    if request.headers.get("hx-request"):
        return HTMLResponse(f'<p class="error">{_escape(error.words)}</p>', error.status)
    return render(request, "refused.html.j2", {"words": error.words}, error.status)


async def not_found(request: Request, error: Exception) -> Response:
    """Nothing here (no path of the server is named)."""
    return render(request, "refused.html.j2", {"words": _("There is no such page.")}, 404)


async def server_error(request: Request, error: Exception) -> Response:
    """An error of the app's own: plain words, status 500, no traceback and no path (the
    log has them). It is answered outside the middleware, so it sets the headers itself."""
    words = _(
        "Something went wrong on the server. Try again; if it happens again, tell "
        "the person who runs the workspace."
    )
    try:
        response: Response = render(request, "refused.html.j2", {"words": words}, 500)
    except Exception:  # the page itself failed: still no traceback
        response = HTMLResponse(f'<p class="error">{_escape(words)}</p>', 500)
    response.raw_headers[:] = with_security_headers(response.raw_headers, request.url.path)
    return response


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
    # Argon2 takes a good part of a second: off the event loop, so that a failed login
    # keeps no other page waiting.
    account = await run_in_threadpool(store.verify, name, password)
    if account is None:
        store.record_failure(name, address)
        return _login_again(request, _("Wrong name or password."), 401)
    entered = RedirectResponse("/", status_code=303)
    # A new token at every login; a session the browser held before ends here.
    store.close_session(request.cookies.get(COOKIE, ""))
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


def create_app(root: Path, source: Path | None = None, public_url: str | None = None) -> Starlette:
    """The app over the workspace at ``root`` (made with ``source`` as its instance on
    first use, the bundled Göteborg instance when not given); ``public_url``, when given,
    is kept as the address the calendar feeds are given under."""
    workspace: Workspace = open_workspace(root, source)
    if public_url is not None:
        workspace.store().set_setting(feeds.PUBLIC_URL_SETTING, public_url)
    forget_lost_jobs(workspace)
    # Made now rather than at the first unknown name, whose failure would take longer.
    dummy_hash()
    routes = [
        Route("/login", login_page, methods=["GET", "POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/favicon.ico", favicon),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
        *pages.PAGE_ROUTES,
        *planning.PLANNING_ROUTES,
        *sending.SENDING_ROUTES,
        *requests.REQUEST_ROUTES,
        *feeds.FEED_ROUTES,
        *whatif.WHATIF_ROUTES,
    ]
    app = Starlette(
        routes=routes,
        exception_handlers={RefusedError: refused, 404: not_found, Exception: server_error},
    )
    app.state.workspace = workspace
    app.state.templates = template_environment()
    app.add_middleware(SecurityHeaders)
    return app
