"""Kalenderprenumeration: a private feed address for a person, trainer or room, that a
calendar program subscribes to without logging in.

The address holds an unguessable token (``secrets.token_urlsafe``); the workspace keeps
only its SHA-256, compared in constant time, so the address is shown once, when it is
made. A feed can be revoked; a wrong or revoked token is simply not found (404). The
calendar served is the schedule folder's ``ics/<kind>/<id>.ics``, as ``solve`` wrote it.

The address shown begins with the workspace's public address (``serve --public-url``,
kept in its settings), never with the host a request names: a forged ``Host`` header
does not make the page hand out an address of someone else's.
"""

from __future__ import annotations

import unicodedata

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from schemalaggning.i18n import N_, _
from schemalaggning.problems import InputError
from schemalaggning.web.pages import workspace_of
from schemalaggning.web.security import RefusedError, field, page
from schemalaggning.web.views import render
from schemalaggning.web.workspace import Workspace

#: The setting that holds the address the calendar programs reach the workspace at.
PUBLIC_URL_SETTING = "public_url"
#: That address when none is set: where ``serve`` listens by default.
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"

#: The kinds of feed, as the folders under ``ics/`` name them.
KINDS = {"people": N_("Person"), "trainers": N_("Trainer"), "rooms": N_("Room")}
#: The groups of the form's list, one per kind.
GROUPS = {"people": N_("New hires"), "trainers": N_("Trainers"), "rooms": N_("Rooms")}


def choices(workspace: Workspace) -> dict[str, list[tuple[str, str]]]:
    """Who and what a feed can be made for: ``(id, name)`` by kind, by name."""
    from schemalaggning.io import read_instance

    try:
        instance = read_instance(workspace.instance)
    except InputError:
        return {kind: [] for kind in KINDS}
    found = {
        "people": [(p.person_id, p.name) for p in instance.people],
        "trainers": [(t.trainer_id, t.name) for t in instance.trainers],
        "rooms": [(r.room_id, r.name) for r in instance.rooms],
    }
    return {kind: sorted(items, key=lambda c: swedish_order(c[1])) for kind, items in found.items()}


#: The letters Swedish sorts after z, in this order: å, ä (and æ), ö (and ø), given as
#: code points, since they are an order of letters and no words for people.
_AFTER_Z = str.maketrans({0xE5: "{", 0xE4: "|", 0xE6: "|", 0xF6: "}", 0xF8: "}"})


def swedish_order(name: str) -> str:
    """A name's key in the order a Swedish list is read in: case aside, å, ä and ö after
    z, other accents as their letter (Émile beside Emil)."""
    folded = unicodedata.normalize("NFC", name).casefold().translate(_AFTER_Z)
    plain = unicodedata.normalize("NFD", folded)
    return "".join(c for c in plain if not unicodedata.combining(c))


def feed_view(request: Request, made: str = "") -> Response:
    """The page: the feeds, the form, and a new feed's address (once)."""
    workspace = workspace_of(request)
    context = {
        "feeds": workspace.store().feeds(),
        "choices": choices(workspace),
        "kinds": KINDS,
        "groups": GROUPS,
        "made": made,
    }
    return render(request, "feeds.html.j2", context)


@page("coordinator")
async def feeds_page(request: Request) -> Response:
    """The feeds."""
    return feed_view(request)


@page("coordinator")
async def add_feed(request: Request) -> Response:
    """Make a feed for a person, trainer or room of the instance, chosen as
    ``<kind>/<id>`` in the form's one list."""
    workspace = workspace_of(request)
    kind, _slash, record_id = field(request, "record").partition("/")
    known = {i for i, _name in choices(workspace).get(kind, [])}
    if record_id not in known:
        raise RefusedError(400, _("Choose a person, trainer or room of the instance."))
    name = request.state.login.account.name
    token = workspace.store().add_feed(kind, record_id, name)
    workspace.store().audit(name, "add feed", f"{kind}/{record_id}")
    return feed_view(request, feed_address(request, workspace, token))


def feed_address(request: Request, workspace: Workspace, token: str) -> str:
    """A feed's address under the workspace's public address."""
    public = workspace.store().setting(PUBLIC_URL_SETTING, DEFAULT_PUBLIC_URL)
    return public.rstrip("/") + str(request.app.url_path_for("feed", token=token))


@page("coordinator")
async def revoke_feed(request: Request) -> Response:
    """Revoke a feed: its address no longer works."""
    workspace = workspace_of(request)
    if workspace.store().revoke_feed(request.path_params["digest"]):
        workspace.store().audit(request.state.login.account.name, "revoke feed", "")
    return RedirectResponse("/kalender", status_code=303)


async def feed(request: Request) -> Response:
    """A feed's calendar, by its token; no login (the token is the secret)."""
    from starlette.responses import FileResponse

    workspace = workspace_of(request)
    found = workspace.store().feed(request.path_params["token"])
    if found is None:
        raise RefusedError(404, _("There is no such page."))
    kind, record_id = found
    folder = workspace.schedule / "ics" / kind
    calendars = {p.stem: p for p in folder.glob("*.ics")} if folder.is_dir() else {}
    path = calendars.get(record_id)
    if path is None:
        raise RefusedError(404, _("There is no such page."))
    return FileResponse(
        path, media_type="text/calendar; charset=utf-8", headers={"cache-control": "no-store"}
    )


FEED_ROUTES = [
    Route("/kalender", feeds_page),
    Route("/kalender", add_feed, methods=["POST"]),
    Route("/kalender/{digest}/aterkalla", revoke_feed, methods=["POST"]),
    Route("/feed/{token}.ics", feed, name="feed"),
]
