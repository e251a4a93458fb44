"""These tests read the English words of the messages (the message ids): the Swedish
are tested in ``tests/test_terminal_words.py``."""

from __future__ import annotations

import pytest

from schemalaggning.i18n import LANGUAGE_VARIABLE


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run every test of this folder in English."""
    monkeypatch.setenv(LANGUAGE_VARIABLE, "en")
