"""A login ends after 12 hours without use, and 7 days after it was made however much it is
used; a workspace file made before that rule is brought up to date, not replaced."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from conftest import PASSWORD, log_in
from starlette.testclient import TestClient

from schemalaggning.web.security import COOKIE
from schemalaggning.web.store import (
    SESSION_LIFETIME_SECONDS,
    SESSION_SECONDS,
    Account,
    Store,
    digest,
)
from schemalaggning.web.workspace import Workspace

#: The tables of a workspace file from before the login's lifetime was kept.
OLD_TABLES_SQL = """
create table accounts (
    name text primary key, role text not null, hash text not null, created real not null);
create table sessions (
    digest text primary key, name text not null, csrf text not null, seen real not null);
create table audit (
    at real not null, name text not null, action text not null, what text not null);
"""


def test_a_login_used_all_along_ends_seven_days_after_it_was_made(
    app_client: TestClient, workspace_root: Path
) -> None:
    log_in(app_client, "samordnare")
    token = app_client.cookies[COOKIE]
    store = Workspace(workspace_root).store()
    assert store.session(token) is not None
    now = time.time()
    with sqlite3.connect(store.path) as db:
        # Made a little more than 7 days ago, used a minute ago.
        db.execute(
            "update sessions set opened = ?, seen = ? where digest = ?",
            (now - SESSION_LIFETIME_SECONDS - 60, now - 60, digest(token)),
        )
    assert store.session(token) is None
    answer = app_client.get("/", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login"


def test_a_login_within_both_limits_lasts(app_client: TestClient, workspace_root: Path) -> None:
    log_in(app_client, "samordnare")
    token = app_client.cookies[COOKIE]
    store = Workspace(workspace_root).store()
    now = time.time()
    with sqlite3.connect(store.path) as db:
        db.execute(
            "update sessions set opened = ?, seen = ? where digest = ?",
            (now - SESSION_LIFETIME_SECONDS + 3600, now - SESSION_SECONDS + 3600, digest(token)),
        )
    login = store.session(token)
    assert login is not None and login.account.name == "samordnare"
    assert app_client.get("/", follow_redirects=False).status_code == 200


def test_a_workspace_file_of_the_old_tables_is_brought_up_to_date(tmp_path: Path) -> None:
    path = tmp_path / ".webb" / "workspace.sqlite"
    path.parent.mkdir()
    with sqlite3.connect(path) as db:
        db.executescript(OLD_TABLES_SQL)
        db.execute("insert into accounts values ('Anna Berg', 'viewer', 'x', 0)")
        db.execute(
            "insert into sessions values (?, 'Anna Berg', 'c', ?)", (digest("gammal"), time.time())
        )
        db.execute("insert into audit values (1, 'Anna Berg', 'login', '')")
    Store(path)
    store = Store(path)  # opened again: the column is not added twice
    with sqlite3.connect(path) as db:
        columns = [row[1] for row in db.execute("pragma table_info(sessions)")]
        kept = db.execute("select name, action from audit").fetchall()
    assert columns == ["digest", "name", "csrf", "seen", "opened"]
    # The records are kept; the login from before, of unknown age, has ended.
    assert [a.name for a in store.accounts()] == ["Anna Berg"]
    assert kept == [("Anna Berg", "login")]
    assert store.session("gammal") is None
    store.add_account("Anna Berg", "viewer", PASSWORD)
    token = store.open_session(Account("Anna Berg", "viewer"))
    login = store.session(token)
    assert login is not None and login.account.name == "Anna Berg"
