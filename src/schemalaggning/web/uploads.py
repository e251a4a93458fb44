"""An uploaded instance checked before anything is replaced: a workbook, or a zip of the
instance folder's CSV files and ``instance.toml``.

A zip is unpacked only when every entry is a plain file name inside the folder (no
``..``, no absolute path, no link), of a kind an instance holds, and the whole is small;
otherwise nothing of it is written. The problems name the uploaded file, never a place
on the server's disk.
"""

from __future__ import annotations

import shutil
import stat
import zipfile
import zlib
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path, PurePosixPath

from schemalaggning.domain import Instance
from schemalaggning.i18n import _
from schemalaggning.io import read_instance_with_warnings
from schemalaggning.problems import InputError, Problem, Severity
from schemalaggning.web.workspace import Workspace

#: The most a zip may unpack to, in bytes, and the most entries it may hold.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_ENTRIES = 200
#: The kinds of file a zipped instance holds.
ZIPPED_SUFFIXES = (".csv", ".toml")


@dataclass
class CheckedUpload:
    """What an upload's check found: the instance when it is valid, and the problems."""

    instance: Instance | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        """The problems that stop the upload."""
        return [p for p in self.problems if p.severity is Severity.ERROR]


def safe_name(name: str) -> str:
    """The last part of an uploaded file's name, without anything that could be a path."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    kept = "".join(c for c in base if c.isalnum() or c in "._- ")
    return kept.lstrip(".") or "upload"


def check_upload(workspace: Workspace, name: str, content: bytes) -> CheckedUpload:
    """Read an uploaded instance in the workspace's scratch folder; nothing is replaced."""
    shown = safe_name(name)
    scratch = workspace.scratch
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    try:
        suffix = Path(shown).suffix.lower()
        if suffix in (".xlsx", ".xlsm"):
            check_workbook_size(content, shown)
            path = scratch / shown
            path.write_bytes(content)
        elif suffix == ".zip":
            path = scratch / "instans"
            unpack_zip(content, shown, path)
        else:
            expected = _("expected a workbook (.xlsx) or a zip of the instance's CSV files")
            return CheckedUpload(problems=[Problem(shown, None, None, None, expected)])
        try:
            instance, warnings = read_instance_with_warnings(path)
        except InputError as error:
            return CheckedUpload(problems=[_hidden(workspace, p, shown) for p in error.problems])
        return CheckedUpload(instance, [_hidden(workspace, p, shown) for p in warnings])
    except InputError as error:
        return CheckedUpload(problems=error.problems)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _hidden(workspace: Workspace, problem: Problem, shown: str) -> Problem:
    """The problem with every place on the server's disk taken out of its words."""
    scratch = str(workspace.scratch.resolve())
    texts = []
    for text in (problem.file, problem.expected):
        for form in (scratch + "/instans", scratch, str(workspace.scratch)):
            text = text.replace(form, shown)
        texts.append(workspace.hidden(text))
    return Problem(texts[0], problem.row, problem.column, problem.value, texts[1], problem.severity)


def unpack_zip(content: bytes, shown: str, folder: Path) -> None:
    """Unpack a zipped instance into ``folder`` (made here), or refuse it whole.

    Raises
    ------
    InputError
        When the file is no zip, too large, or holds an entry that is not a plain file of
        an instance inside the folder.
    """
    try:
        archive = zipfile.ZipFile(BytesIO(content))
    except zipfile.BadZipFile:
        raise _refused(shown, None, _("expected a zip file")) from None
    with archive:
        entries = [info for info in archive.infolist() if not info.is_dir()]
        _check_unpacked_size(archive, shown)
        names = [_entry_name(info, shown) for info in entries]
        names = _without_common_folder(names)
        folder.mkdir(parents=True)
        for info, name in zip(entries, names, strict=True):
            if not name.lower().endswith(ZIPPED_SUFFIXES):
                continue
            (folder / name).write_bytes(_entry_content(archive, info, shown))


def check_workbook_size(content: bytes, shown: str) -> None:
    """Refuse a workbook (a zip of XML files) that would unpack to too much or holds too
    many parts; one that is no zip at all is left to the reader, which says so."""
    try:
        archive = zipfile.ZipFile(BytesIO(content))
    except zipfile.BadZipFile:
        return
    with archive:
        _check_unpacked_size(archive, shown)


def _check_unpacked_size(archive: zipfile.ZipFile, shown: str) -> None:
    """Refuse a zip whose entries are too many or say they unpack to too much (reading an
    entry stops at the size it says, so a zip cannot unpack to more than it declares)."""
    entries = archive.infolist()
    if len(entries) > MAX_ENTRIES or sum(i.file_size for i in entries) > MAX_UNPACKED_BYTES:
        raise _refused(shown, None, _("expected a smaller zip: it unpacks to too much"))


def _entry_content(archive: zipfile.ZipFile, info: zipfile.ZipInfo, shown: str) -> bytes:
    """An entry's content, or refused when it cannot be unpacked (damaged, encrypted, or
    packed in a way the zip module does not know)."""
    try:
        return archive.read(info)
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError, zlib.error, EOFError):
        raise _refused(
            shown, info.filename, _("expected a zip whose files can be unpacked")
        ) from None


def _entry_name(info: zipfile.ZipInfo, shown: str) -> str:
    """The entry's path inside the zip, when it stays inside the folder and is a file."""
    name = info.filename
    path = PurePosixPath(name.replace("\\", "/"))
    mode = info.external_attr >> 16
    if (
        name.startswith(("/", "\\"))
        or (len(name) > 1 and name[1] == ":")
        or ".." in path.parts
        or stat.S_ISLNK(mode)
        or len(path.parts) > 2
    ):
        raise _refused(
            shown, name, _("expected the instance's files, without folders that leave the zip")
        )
    return path.as_posix()


def _without_common_folder(names: list[str]) -> list[str]:
    """The entries' names without the one folder they are all in, if they are."""
    tops = {PurePosixPath(n).parts[0] for n in names if len(PurePosixPath(n).parts) == 2}
    if len(tops) == 1 and all(len(PurePosixPath(n).parts) == 2 for n in names):
        return [PurePosixPath(n).name for n in names]
    if any(len(PurePosixPath(n).parts) > 1 for n in names):
        raise _refused("zip", None, _("expected the instance's files in one folder or none"))
    return names


def _refused(shown: str, value: str | None, expected: str) -> InputError:
    return InputError([Problem(shown, None, None, value, expected)])
