"""Exports of a schedule for the people who use it: calendar files (iCalendar)."""

from schemalaggning.export.ics import (
    ExportReport,
    Ledger,
    export_ics,
    read_ledger,
    write_calendars,
)

__all__ = ["ExportReport", "Ledger", "export_ics", "read_ledger", "write_calendars"]
