"""Reading and writing instances and schedules.

A whole schedule folder (calendars, workbook and report included) is written by
:mod:`schemalaggning.export.folder`; this package holds the format's own files.
"""

from schemalaggning.io.folders import FolderBusyError, OutputFolder
from schemalaggning.io.instance import read_instance, read_instance_with_warnings
from schemalaggning.io.schedule import Schedule, read_schedule
from schemalaggning.io.write import (
    atomic_folder,
    write_instance,
    write_instance_xlsx,
    write_schedule_files,
)

__all__ = [
    "FolderBusyError",
    "OutputFolder",
    "Schedule",
    "atomic_folder",
    "read_instance",
    "read_instance_with_warnings",
    "read_schedule",
    "write_instance",
    "write_instance_xlsx",
    "write_schedule_files",
]
