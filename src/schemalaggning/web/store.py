"""The workspace's own records in one SQLite file (write-ahead log): accounts, login
sessions, login failures, jobs, the audit log, calendar feeds and the mail settings.

Passwords are kept as Argon2 hashes, login sessions and feed tokens as the SHA-256 of
the random token the browser or calendar program holds, so that a copy of the file lets
no one in. Each call opens its own connection: the server's threads and the workers'
processes share the file, and SQLite's locks keep them apart.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

#: The roles an account may have, strongest first.
ROLES = ("coordinator", "manager", "viewer")
#: The states of a job whose worker has not ended (a cancelled one still writes what it
#: found, and holds its folder until it has).
RUNNING_STATES = ("queued", "running", "cancelling")
RUNNING_SQL = "(" + ", ".join(f"'{state}'" for state in RUNNING_STATES) + ")"
#: How long a login lasts without use, in seconds.
SESSION_SECONDS = 12 * 3600
#: How long a login lasts at most from the moment it was made, used or not, in seconds.
SESSION_LIFETIME_SECONDS = 7 * 24 * 3600
#: Failed logins of one account from one address within the window before it must wait.
MAX_FAILURES = 5
#: The failed logins from one address, whatever names it tries, before it must wait: a
#: client trying many names is stopped too (each failure costs an Argon2 check).
MAX_ADDRESS_FAILURES = 30
FAILURE_WINDOW_SECONDS = 15 * 60

TABLES_SQL = """
create table if not exists accounts (
    name text primary key, role text not null, hash text not null, created real not null);
create table if not exists sessions (
    digest text primary key, name text not null, csrf text not null, seen real not null,
    opened real not null default 0);
create table if not exists failures (name text not null, address text not null, at real not null);
create table if not exists jobs (
    id integer primary key autoincrement, kind text not null, started_by text not null,
    started real not null, ended real, state text not null, pid integer,
    exit_code integer, arguments text not null default '{}');
create table if not exists audit (
    at real not null, name text not null, action text not null, what text not null);
create table if not exists feeds (
    digest text primary key, token_hint text not null, kind text not null,
    record_id text not null, created_by text not null, created real not null,
    revoked real);
create table if not exists settings (key text primary key, value text not null);
"""

_hasher = PasswordHasher()

#: The mode of the web's folder and of the SQLite file (and its journal files): the file
#: holds the mail password, so only the server's own user may read them.
PRIVATE_FOLDER = 0o700
PRIVATE_FILE = 0o600


def make_private(folder: Path) -> None:
    """Create ``folder`` (and its parents) readable by the server's user only, and make it
    so when it exists with a looser mode."""
    folder.mkdir(parents=True, exist_ok=True, mode=PRIVATE_FOLDER)
    folder.chmod(PRIVATE_FOLDER)


def make_private_file(path: Path) -> None:
    """Create the file ``path`` readable and writable by the server's user only, and make
    it and SQLite's journal files beside it so when they exist with a looser mode."""
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, PRIVATE_FILE))
    for companion in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if companion.exists():
            companion.chmod(PRIVATE_FILE)


def digest(token: str) -> str:
    """The SHA-256 of a token, as kept in the file."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Account:
    """A person who may log in, and what they may do."""

    name: str
    role: str

    @property
    def coordinator(self) -> bool:
        """Whether the account may do everything."""
        return self.role == "coordinator"

    @property
    def manager(self) -> bool:
        """Whether the account may assess personal course requests."""
        return self.role in ("coordinator", "manager")


@dataclass(frozen=True)
class Login:
    """A login session: whose it is, and the token its forms must carry."""

    account: Account
    csrf: str


@dataclass(frozen=True)
class Job:
    """A long run in a worker process, as the job table records it."""

    id: int
    kind: str
    started_by: str
    started: float
    ended: float | None
    state: str
    pid: int | None
    exit_code: int | None

    @property
    def running(self) -> bool:
        """Whether the job has not ended."""
        return self.state in RUNNING_STATES


#: The files made ready in this process (see :func:`prepare`).
_prepared: set[Path] = set()


def prepare(path: Path) -> None:
    """Make a workspace's SQLite file ready: private (its folder 0700, the file 0600),
    in WAL mode, with every table and the columns later versions added. Done once per
    file and process when a store is first opened, and again whenever a workspace is
    opened (:func:`~schemalaggning.web.workspace.open_workspace`), not on every request."""
    make_private(path.parent)
    make_private_file(path)
    setup = sqlite3.connect(path, timeout=30.0, isolation_level=None)
    try:
        setup.execute("pragma journal_mode=wal")
        setup.executescript(TABLES_SQL)
        _add_missing_columns(setup)
    finally:
        setup.close()
    _prepared.add(path)


class Store:
    """The workspace's SQLite file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        if path not in _prepared or not path.exists():
            prepare(path)

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        """A connection in a transaction, committed when the block ends without error."""
        db = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
        db.row_factory = sqlite3.Row
        try:
            db.execute("begin immediate")
            yield db
            db.execute("commit")
        except BaseException:
            if db.in_transaction:
                db.execute("rollback")
            raise
        finally:
            db.close()

    # Accounts -------------------------------------------------------------------------

    def add_account(self, name: str, role: str, password: str) -> None:
        """Add an account, or set the role and password of one that exists."""
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}")
        with self.connect() as db:
            db.execute(
                "insert into accounts values (?, ?, ?, ?) on conflict(name) do update set "
                "role = excluded.role, hash = excluded.hash",
                (name, role, _hasher.hash(password), time.time()),
            )
            db.execute("delete from sessions where name = ?", (name,))

    def accounts(self) -> list[Account]:
        """Every account, by name."""
        with self.connect() as db:
            rows = db.execute("select name, role from accounts order by name").fetchall()
        return [Account(row["name"], row["role"]) for row in rows]

    def verify(self, name: str, password: str) -> Account | None:
        """The account when the password is its own, else ``None``."""
        with self.connect() as db:
            row = db.execute("select role, hash from accounts where name = ?", (name,)).fetchone()
        if row is None:
            # The same work as for a real account, so the time does not tell names apart.
            _verify_quietly(dummy_hash(), password)
            return None
        return Account(name, row["role"]) if _verify_quietly(row["hash"], password) else None

    def too_many_failures(self, name: str, address: str) -> bool:
        """Whether the account has failed too often from this address lately, or the
        address has, whatever names it tried."""
        since = time.time() - FAILURE_WINDOW_SECONDS
        with self.connect() as db:
            db.execute("delete from failures where at < ?", (since,))
            count = db.execute(
                "select count(*) from failures where name = ? and address = ?", (name, address)
            ).fetchone()[0]
            everyone = db.execute(
                "select count(*) from failures where address = ?", (address,)
            ).fetchone()[0]
        return int(count) >= MAX_FAILURES or int(everyone) >= MAX_ADDRESS_FAILURES

    def record_failure(self, name: str, address: str) -> None:
        """Remember a failed login."""
        with self.connect() as db:
            db.execute("insert into failures values (?, ?, ?)", (name, address, time.time()))

    # Login sessions ---------------------------------------------------------------------

    def open_session(self, account: Account) -> str:
        """A new login session's token (the cookie's value)."""
        token, now = secrets.token_urlsafe(32), time.time()
        with self.connect() as db:
            db.execute(
                "insert into sessions (digest, name, csrf, seen, opened) values (?, ?, ?, ?, ?)",
                (digest(token), account.name, secrets.token_urlsafe(32), now, now),
            )
        return token

    def session(self, token: str) -> Login | None:
        """The login of a cookie's token, if it is valid, used lately and not too old."""
        now = time.time()
        with self.connect() as db:
            db.execute(
                "delete from sessions where seen < ? or opened < ?",
                (now - SESSION_SECONDS, now - SESSION_LIFETIME_SECONDS),
            )
            row = db.execute(
                "select s.name, s.csrf, a.role from sessions s join accounts a "
                "on a.name = s.name where s.digest = ?",
                (digest(token),),
            ).fetchone()
            if row is None:
                return None
            db.execute("update sessions set seen = ? where digest = ?", (now, digest(token)))
        return Login(Account(row["name"], row["role"]), row["csrf"])

    def close_session(self, token: str) -> None:
        """Log out."""
        with self.connect() as db:
            db.execute("delete from sessions where digest = ?", (digest(token),))

    # Audit ------------------------------------------------------------------------------

    def audit(self, name: str, action: str, what: str = "") -> None:
        """Record who did what."""
        with self.connect() as db:
            db.execute("insert into audit values (?, ?, ?, ?)", (time.time(), name, action, what))

    def audit_log(self, limit: int = 50) -> list[dict[str, Any]]:
        """The latest entries of the audit log, newest first."""
        with self.connect() as db:
            rows = db.execute("select * from audit order by at desc limit ?", (limit,)).fetchall()
        return [dict(row) for row in rows]

    # Jobs -------------------------------------------------------------------------------

    def start_job(self, kind: str, name: str, exclusive: tuple[str, ...]) -> Job | int:
        """A new queued job's id, or the running job of one of the ``exclusive`` kinds
        that stops it (checked and inserted in one transaction)."""
        with self.connect() as db:
            marks = ",".join("?" for _ in exclusive)
            row = db.execute(
                f"select * from jobs where state in {RUNNING_SQL} and kind in ({marks}) "
                "order by id limit 1",
                exclusive,
            ).fetchone()
            if row is not None:
                return _job(row)
            cursor = db.execute(
                "insert into jobs (kind, started_by, started, state) values (?, ?, ?, 'queued')",
                (kind, name, time.time()),
            )
            return int(cursor.lastrowid or 0)

    def mark_cancelling(self, job_id: int) -> bool:
        """Mark a job that is still queued or running as being cancelled; ``False`` when
        it has ended meanwhile (its end is then kept as recorded)."""
        with self.connect() as db:
            changed = db.execute(
                "update jobs set state = 'cancelling' where id = ? "
                "and state in ('queued', 'running')",
                (job_id,),
            ).rowcount
        return changed == 1

    def set_job(self, job_id: int, **fields: Any) -> None:
        """Update a job's row."""
        names = ", ".join(f"{key} = ?" for key in fields)
        with self.connect() as db:
            db.execute(f"update jobs set {names} where id = ?", (*fields.values(), job_id))

    def job(self, job_id: int) -> Job | None:
        """A job by its id."""
        with self.connect() as db:
            row = db.execute("select * from jobs where id = ?", (job_id,)).fetchone()
        return _job(row) if row is not None else None

    def latest_job(self, kinds: tuple[str, ...]) -> Job | None:
        """The newest job of these kinds."""
        marks = ",".join("?" for _ in kinds)
        with self.connect() as db:
            row = db.execute(
                f"select * from jobs where kind in ({marks}) order by id desc limit 1", kinds
            ).fetchone()
        return _job(row) if row is not None else None

    def running_jobs(self) -> list[Job]:
        """The jobs that have not ended."""
        with self.connect() as db:
            rows = db.execute(f"select * from jobs where state in {RUNNING_SQL}").fetchall()
        return [_job(row) for row in rows]

    # Feeds ------------------------------------------------------------------------------

    def add_feed(self, kind: str, record_id: str, name: str) -> str:
        """A new feed's token for a person, trainer or room (shown once: only its digest
        and first letters are kept)."""
        token = secrets.token_urlsafe(32)
        with self.connect() as db:
            db.execute(
                "insert into feeds values (?, ?, ?, ?, ?, ?, null)",
                (digest(token), token[:6], kind, record_id, name, time.time()),
            )
        return token

    def feeds(self) -> list[dict[str, Any]]:
        """Every feed that is not revoked."""
        with self.connect() as db:
            rows = db.execute(
                "select * from feeds where revoked is null order by kind, record_id"
            ).fetchall()
        return [dict(row) for row in rows]

    def feed(self, token: str) -> tuple[str, str] | None:
        """The kind and id a feed token is for, when it is valid."""
        wanted = digest(token)
        with self.connect() as db:
            row = db.execute(
                "select digest, kind, record_id from feeds where digest = ? and revoked is null",
                (wanted,),
            ).fetchone()
        if row is None or not hmac.compare_digest(row["digest"], wanted):
            return None
        return row["kind"], row["record_id"]

    def revoke_feed(self, feed_digest: str) -> bool:
        """Revoke a feed by its digest; whether there was one."""
        with self.connect() as db:
            cursor = db.execute(
                "update feeds set revoked = ? where digest = ? and revoked is null",
                (time.time(), feed_digest),
            )
        return cursor.rowcount > 0

    # Settings ---------------------------------------------------------------------------

    def setting(self, key: str, default: str = "") -> str:
        """A setting's value."""
        with self.connect() as db:
            row = db.execute("select value from settings where key = ?", (key,)).fetchone()
        return str(row["value"]) if row is not None else default

    def set_setting(self, key: str, value: str) -> None:
        """Set a setting."""
        with self.connect() as db:
            db.execute(
                "insert into settings values (?, ?) on conflict(key) do update set "
                "value = excluded.value",
                (key, value),
            )


#: The columns added since the first workspaces were made, with their definitions: an
#: existing file gets them when it is opened. A login session from before ``opened``
#: counts as made long ago, so it ends and its holder logs in again.
ADDED_COLUMNS = {("sessions", "opened"): "real not null default 0"}


def _add_missing_columns(db: sqlite3.Connection) -> None:
    # Looked at and added in one transaction: two processes opening an old file at once
    # do not both add a column.
    db.execute("begin immediate")
    try:
        for (table, column), definition in ADDED_COLUMNS.items():
            present = {row[1] for row in db.execute(f"pragma table_info({table})")}
            if column not in present:
                db.execute(f"alter table {table} add column {column} {definition}")
        db.execute("commit")
    except BaseException:
        db.execute("rollback")
        raise


def _job(row: sqlite3.Row) -> Job:
    return Job(
        id=row["id"],
        kind=row["kind"],
        started_by=row["started_by"],
        started=row["started"],
        ended=row["ended"],
        state=row["state"],
        pid=row["pid"],
        exit_code=row["exit_code"],
    )


def _verify_quietly(hashed: str, password: str) -> bool:
    try:
        return _hasher.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False


@cache
def dummy_hash() -> str:
    """The hash of a random password that an unknown name is checked against, so that a
    login tells no name apart by its time. Made once; the app makes it when it starts,
    so that the first unknown name does not wait for it either."""
    return _hasher.hash(secrets.token_urlsafe(16))
