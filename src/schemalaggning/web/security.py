"""Who may see and do what: the login cookie, the roles, the CSRF token of every form,
the size of what is posted, and the headers every answer carries.

Every page needs a login except ``/login``, the calendar feeds and the static files.
A POST must carry the login's CSRF token, as the form field ``csrf`` or (HTMX) the
header ``X-CSRF-Token``; the login form itself carries a token from a cookie of its own.
The cookie is HttpOnly and SameSite=Lax, and Secure when the request came over https
(behind a reverse proxy: uvicorn takes the scheme from ``X-Forwarded-Proto`` of a proxy
it trusts, see ``--forwarded-allow-ips``).
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from functools import wraps
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from schemalaggning.web.store import Login

#: The login cookie's name.
COOKIE = "schemalaggning_login"
#: The login form's own CSRF cookie.
LOGIN_CSRF_COOKIE = "schemalaggning_login_csrf"
#: The header an HTMX request carries the CSRF token in.
CSRF_HEADER = "x-csrf-token"
#: Posts that are not uploads are small.
MAX_FORM_BYTES = 256 * 1024
#: The largest file that may be uploaded, in bytes.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
#: What an upload may post at most, in bytes: the file and a form's worth beside it (its
#: whole megabytes are the file's, as the refusal says).
MAX_BODY_BYTES = MAX_UPLOAD_BYTES + MAX_FORM_BYTES

Endpoint = Callable[[Request], Awaitable[Response]]


class RefusedError(Exception):
    """A request refused, with the status and the words shown."""

    def __init__(self, status: int, words: str) -> None:
        super().__init__(words)
        self.status = status
        self.words = words


def is_https(request: Request) -> bool:
    """Whether the browser reached the app over https."""
    return request.url.scheme == "https"


def set_cookie(response: Response, request: Request, name: str, value: str) -> None:
    """Set a cookie as every cookie of the app is set."""
    response.set_cookie(
        name, value, httponly=True, samesite="lax", secure=is_https(request), path="/"
    )


def current_login(request: Request) -> Login | None:
    """The login of the request's cookie, if valid."""
    token = request.cookies.get(COOKIE)
    if not token:
        return None
    login: Login | None = request.app.state.workspace.store().session(token)
    return login


async def form_of(request: Request, limit: int) -> FormData:
    """The posted form, when its size is within ``limit`` (else refused, 413).

    The size is counted as the body arrives, so a body sent in chunks (without a
    ``Content-Length``) or longer than it declared is refused as soon as it passes the
    limit; a declared size above the limit is refused before anything is read.
    """
    declared = request.headers.get("content-length", "")
    if declared.isdecimal() and declared.isascii() and int(declared) > limit:
        raise too_large(limit)
    counted = Request(request.scope, counting(request.receive, limit))
    return await counted.form(max_part_size=limit)


def too_large(limit: int) -> RefusedError:
    """The refusal of a body larger than ``limit`` bytes, in the words of what was sent."""
    from schemalaggning.i18n import _

    megabytes = limit // (1024 * 1024)
    if not megabytes:
        return RefusedError(413, _("The form is too large."))
    words = _("The file is too large: at most {megabytes} MB can be uploaded.")
    return RefusedError(413, words.format(megabytes=megabytes))


def counting(receive: Receive, limit: int) -> Receive:
    """``receive`` that refuses (413) the body once more than ``limit`` bytes came."""
    received = 0

    async def receive_within_limit() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                raise too_large(limit)
        return message

    return receive_within_limit


def check_csrf(request: Request, form: FormData, expected: str) -> None:
    """Refuse (403) a post without the expected CSRF token."""
    from schemalaggning.i18n import _

    given = request.headers.get(CSRF_HEADER) or form.get("csrf") or ""
    if not isinstance(given, str) or not expected or not hmac.compare_digest(given, expected):
        raise RefusedError(
            403, _("The form has expired or did not come from this site; try again.")
        )


def allowed(login: Login, role: str) -> bool:
    """Whether the login's account has ``role`` or a stronger one."""
    if role == "coordinator":
        return login.account.coordinator
    if role == "manager":
        return login.account.manager
    return True


def page(role: str = "viewer", limit: int = MAX_FORM_BYTES) -> Callable[[Endpoint], Endpoint]:
    """An endpoint that needs a login with ``role`` and, for a POST, the CSRF token.

    The login is ``request.state.login``, a POST's form ``request.state.form``.
    """

    def decorate(endpoint: Endpoint) -> Endpoint:
        @wraps(endpoint)
        async def guarded(request: Request) -> Response:
            from schemalaggning.i18n import _

            login = current_login(request)
            if login is None:
                return RedirectResponse("/login", status_code=303)
            request.state.login = login
            if not allowed(login, role):
                raise RefusedError(403, _("Your account may not do this."))
            if request.method == "POST":
                form = await form_of(request, limit)
                check_csrf(request, form, login.csrf)
                request.state.form = form
            return await endpoint(request)

        # The role is kept on the endpoint, so the route table can be checked whole.
        guarded.role = role  # type: ignore[attr-defined]
        return guarded

    return decorate


def field(request: Request, name: str, default: str = "") -> str:
    """A text field of the posted form."""
    value: Any = request.state.form.get(name, default)
    return value.strip() if isinstance(value, str) else default


#: The headers every answer carries: no framing, no sniffing, no referrer (a feed's
#: address is its secret), and only the app's own scripts and styles.
SECURITY_HEADERS = {
    # The pages hold the staff's names and plans: no copy is kept in a browser's or a
    # proxy's cache (the static files, which hold none, may be cached).
    b"cache-control": b"no-store",
    b"x-content-type-options": b"nosniff",
    b"x-frame-options": b"DENY",
    b"referrer-policy": b"no-referrer",
    b"content-security-policy": (
        b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        b"frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
}


def with_security_headers(
    headers: list[tuple[bytes, bytes]], path: str
) -> list[tuple[bytes, bytes]]:
    """``headers`` and each of :data:`SECURITY_HEADERS` they do not set themselves (a
    static file may be cached)."""
    present = {name.lower() for name, _ in headers}
    if path.startswith("/static/"):
        present.add(b"cache-control")
    return headers + [(k, v) for k, v in SECURITY_HEADERS.items() if k not in present]


class SecurityHeaders:
    """ASGI middleware adding :data:`SECURITY_HEADERS` to every answer that has none of
    its own (a schedule file sets its own, stricter policy)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                message["headers"] = with_security_headers(headers, scope.get("path", ""))
            await send(message)

        await self.app(scope, receive, send_with_headers)
