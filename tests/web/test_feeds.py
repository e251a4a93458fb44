"""Kalenderprenumeration: the address a feed is given under, and the form that makes one."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import PASSWORD, TINY, log_in, workspace_of
from starlette.testclient import TestClient

from schemalaggning.web.app import create_app
from schemalaggning.web.commands import serve
from schemalaggning.web.feeds import PUBLIC_URL_SETTING, swedish_order
from schemalaggning.web.workspace import Workspace

PUBLIC = "https://schema.example.se"


@pytest.fixture
def public_client(workspace_root: Path) -> Iterator[TestClient]:
    app = create_app(workspace_root, TINY, PUBLIC)
    app.state.workspace.store().add_account("samordnare", "coordinator", PASSWORD)
    with TestClient(app, base_url="http://127.0.0.1:8000") as client:
        yield client


def made_address(client: TestClient, csrf: str, host: str | None = None) -> str:
    """The address of a new feed for the room R1, as the page shows it."""
    headers = {"host": host} if host else {}
    answer = client.post("/kalender", data={"csrf": csrf, "record": "rooms/R1"}, headers=headers)
    assert answer.status_code == 200, answer.text
    found = re.search(r'<code id="feed-url">([^<]+)</code>', answer.text)
    assert found is not None, answer.text
    return found.group(1)


def test_a_feed_address_begins_with_the_public_address_whatever_the_host_header(
    public_client: TestClient,
) -> None:
    csrf = log_in(public_client, "samordnare")
    forged = made_address(public_client, csrf, host="angripare.example")
    assert forged.startswith(PUBLIC + "/feed/") and forged.endswith(".ics")
    assert "angripare" not in forged
    plain = made_address(public_client, csrf)
    assert plain.startswith(PUBLIC + "/feed/")
    # The address works: its token is the one the workspace keeps.
    calendars = workspace_of(public_client).schedule / "ics" / "rooms"
    calendars.mkdir(parents=True)
    (calendars / "R1.ics").write_text("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    assert public_client.get(plain.removeprefix(PUBLIC)).status_code == 200


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (["--host", "127.0.0.1", "--port", "8123"], "http://127.0.0.1:8123"),
        (["--public-url", PUBLIC + "/"], PUBLIC),
    ],
)
def test_serve_keeps_the_public_address_it_is_given_or_the_one_it_listens_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, options: list[str], expected: str
) -> None:
    import uvicorn

    ran: list[object] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: ran.append(app))
    root = tmp_path / "arbetsyta"
    result = CliRunner().invoke(serve, [str(root), "--instance", str(TINY), *options])
    assert result.exit_code == 0, result.output
    assert len(ran) == 1
    assert Workspace(root).store().setting(PUBLIC_URL_SETTING) == expected


def test_serve_refuses_an_address_that_is_not_one(tmp_path: Path) -> None:
    root = tmp_path / "arbetsyta"
    result = CliRunner().invoke(serve, [str(root), "--public-url", "schema.example.se"])
    assert result.exit_code == 2
    assert "förväntat en adress som https://schema.example.se" in result.output
    assert not root.exists()


def test_the_form_lists_new_hires_trainers_and_rooms_in_one_list_by_name(
    app_client: TestClient,
) -> None:
    csrf = log_in(app_client, "samordnare")
    page = app_client.get("/kalender").text
    assert page.count("<select") == 1
    groups = re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', page)
    assert [label for label, _options in groups] == ["Nyanställda", "Utbildare", "Lokaler"]
    options = {
        label: re.findall(r'<option value="([^"]+)">([^<]+)</option>', inside)
        for label, inside in groups
    }
    assert ("rooms/R1", "Stora salen") in options["Lokaler"]
    assert ("people/P0001", "Eva Ahmadi") in options["Nyanställda"]
    assert ("trainers/samordnare-1", "Anna Persson") in options["Utbildare"]
    for label, listed in options.items():
        names = [name for _value, name in listed]
        assert len(names) > 1, label
        assert names == sorted(names, key=swedish_order), label
    # A choice of the list makes its feed; one of no kind of the list is refused.
    made = app_client.post("/kalender", data={"csrf": csrf, "record": "trainers/samordnare-1"})
    assert made.status_code == 200 and 'id="feed-url"' in made.text
    feeds = workspace_of(app_client).store().feeds()
    assert [(f["kind"], f["record_id"]) for f in feeds] == [("trainers", "samordnare-1")]
    refused = app_client.post("/kalender", data={"csrf": csrf, "record": "accounts/R1"})
    assert refused.status_code == 400


def test_names_are_in_swedish_order() -> None:
    names = ["Örjan", "Åsa", "Ärla", "Zelda", "ebba", "Émile", "Adam", "Emil"]
    assert sorted(names, key=swedish_order) == [
        "Adam",
        "ebba",
        "Emil",
        "Émile",
        "Zelda",
        "Åsa",
        "Ärla",
        "Örjan",
    ]
