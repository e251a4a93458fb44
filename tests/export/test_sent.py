"""The store of sent invitations (``invites/sent.sqlite``): made like every other file."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from schemalaggning.export.sent import SentStore
from schemalaggning.problems import InputError


@pytest.fixture
def group_umask() -> Iterator[None]:
    """A umask that lets the group write (002), as a shared folder's users have."""
    before = os.umask(0o002)
    try:
        yield
    finally:
        os.umask(before)


def test_the_store_follows_the_umask(tmp_path: Path, group_umask: None) -> None:
    # Colleagues in the same group may send from a shared folder: the store is 664, not
    # SQLite's own 644.
    path = tmp_path / "invites" / "sent.sqlite"
    SentStore(path).connection.close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o664


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_store_that_cannot_be_made_is_named(tmp_path: Path) -> None:
    folder = tmp_path / "invites"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(InputError) as raised:
            SentStore(folder / "sent.sqlite")
        assert "expected a file that can be written" in str(raised.value.problems[0])
    finally:
        folder.chmod(0o755)
