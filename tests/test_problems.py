"""Why a file could not be written, in the reader's words."""

from __future__ import annotations

import errno
import shutil

from english import english_words
from schemalaggning.i18n import use_language
from schemalaggning.problems import failure_reason


def test_a_full_disk_is_said_in_swedish_and_in_english() -> None:
    full = OSError(errno.ENOSPC, "No space left on device")
    with use_language("sv"):
        assert failure_reason(full) == "disken är full"
    with use_language("en"):
        assert failure_reason(full) == "No space left on device"


def test_a_copy_that_failed_many_times_says_its_first_reason_in_words() -> None:
    failed = shutil.Error([("a", "b", "[Errno 13] Permission denied: 'b'")] * 3)
    with use_language("sv"):
        said = failure_reason(failed)
    assert said == "behörighet saknas"
    assert english_words(said) == []


def test_a_failure_without_words_of_ours_keeps_the_systems() -> None:
    odd = OSError(errno.ELOOP, "Too many levels of symbolic links")
    with use_language("sv"):
        assert failure_reason(odd) == "Too many levels of symbolic links"
