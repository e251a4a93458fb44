"""The workspace folder the browser works in, shared with the command line.

::

    arbetsyta/
      instans/            the instance (CSV files and instance.toml), replaced whole
      schema/             the schedule folder (as ``solve -o`` writes it)
      .webb/              the web's own: workspace.sqlite, the jobs' progress files
                          (readable by the server's user only: mode 0700, the file 0600)

The instance and schedule folders are written through :class:`~schemalaggning.io.folders.
OutputFolder`, as the commands write them: locked while written, replaced whole, the
previous version kept beside. A coordinator may run ``schemalaggning replan arbetsyta/instans
--published arbetsyta/schema`` in a terminal and see the result in the browser.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from schemalaggning.domain import Instance
from schemalaggning.io.folders import OutputFolder
from schemalaggning.io.write import write_instance
from schemalaggning.web.store import Store, make_private, prepare

#: The folder names inside a workspace.
INSTANCE_FOLDER = "instans"
SCHEDULE_FOLDER = "schema"
DATA_FOLDER = ".webb"
#: The workspace's SQLite file in its data folder.
STORE_FILE = "workspace.sqlite"


def bundled_instance() -> Path:
    """The bundled Göteborg instance: in the working folder, else beside the sources."""
    here = Path("instances") / "goteborg"
    if here.is_dir():
        return here
    return Path(__file__).resolve().parents[3] / "instances" / "goteborg"


@dataclass(frozen=True)
class Workspace:
    """A workspace folder and its parts."""

    root: Path

    @property
    def instance(self) -> Path:
        """The instance folder."""
        return self.root / INSTANCE_FOLDER

    @property
    def schedule(self) -> Path:
        """The schedule folder."""
        return self.root / SCHEDULE_FOLDER

    @property
    def data(self) -> Path:
        """The web's own folder."""
        return self.root / DATA_FOLDER

    @property
    def jobs(self) -> Path:
        """Where the jobs write their progress and results."""
        return self.data / "jobs"

    @property
    def sweeps(self) -> Path:
        """Where the what-if sweeps write their folders, one per job."""
        return self.data / "svep"

    def sweep_folder(self, job_id: int) -> Path:
        """The folder a sweep job writes."""
        return self.sweeps / str(job_id)

    @property
    def scratch(self) -> Path:
        """Where uploads are unpacked and checked."""
        return self.data / "uppladdning"

    def store(self) -> Store:
        """The workspace's SQLite file."""
        return Store(self.data / STORE_FILE)

    def has_schedule(self) -> bool:
        """Whether a schedule has been written."""
        return (self.schedule / "summary.json").is_file()

    def hidden(self, text: str) -> str:
        """``text`` with the workspace's place on the server's disk taken out."""
        for path, shown in (
            (self.scratch, ""),
            (self.instance, INSTANCE_FOLDER),
            (self.schedule, SCHEDULE_FOLDER),
            (self.root, ""),
        ):
            for form in {str(path.resolve()), str(path)}:
                text = text.replace(form + "/", shown + "/" if shown else "").replace(form, shown)
        return text


def open_workspace(root: Path, source: Path | None = None) -> Workspace:
    """The workspace at ``root``, made on first use with a copy of ``source`` (the
    bundled Göteborg instance when not given) as its instance."""
    workspace = Workspace(root)
    workspace.root.mkdir(parents=True, exist_ok=True)
    # The web's folder holds the mail password (in workspace.sqlite) and the jobs' logs.
    make_private(workspace.data)
    prepare(workspace.data / STORE_FILE)
    workspace.jobs.mkdir(parents=True, exist_ok=True)
    if not workspace.instance.exists():
        chosen = source or bundled_instance()
        with OutputFolder(workspace.instance, "instance") as output:
            output.replace(lambda folder: _copy_files(chosen, folder))
    return workspace


def _copy_files(source: Path, folder: Path) -> None:
    for path in source.iterdir():
        if path.is_file():
            shutil.copy2(path, folder / path.name)


def replace_instance(workspace: Workspace, instance: Instance) -> None:
    """Put a valid instance in the workspace, the previous one kept beside it."""
    with OutputFolder(workspace.instance, "instance") as output:
        output.replace(lambda folder: _write(instance, folder))


def _write(instance: Instance, folder: Path) -> None:
    write_instance(instance, folder)
