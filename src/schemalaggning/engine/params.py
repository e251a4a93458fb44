"""The parameters of a solve and the progress callback, below every engine that takes them.

The greedy plan, the CP-SAT search (:mod:`schemalaggning.engine.model.improve`), the re-plan
and the commands all read :class:`SolveParams`; keeping it here lets them do so without
importing :mod:`schemalaggning.engine.solve`, which imports them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

#: What a caller writes after a solve (:attr:`SolveParams.writing`).
Writing = Literal["none", "files", "views", "calendars"]


class SolveParams(BaseModel):
    """Parameters of a solve (also readable from TOML).

    Parameters
    ----------
    time_limit
        Seconds for the whole solve, model building included.
    workers
        CP-SAT search workers (2 on a two-core machine; 0 means all cores).
    seed
        Random seed; the same input, seed and workers give the same schedule.
    log
        Pass CP-SAT's own search log through to standard error.
    improve
        Improve the greedy plan with CP-SAT (off: the greedy baseline alone).
    reserve_seats
        Seats of every new session kept free for hires added later, so that the month's
        new hires find seats without moving anyone (a re-plan may use them).
    cp_sat
        Extra CP-SAT parameters, by name, passed through as they are.
    writing
        What the caller writes after the solve, within the same time limit (the search
        stops early enough for it): ``none`` (the records are only returned),
        ``files`` (the schedule files), ``views`` (with the workbook, the report and
        the personal plans), ``calendars`` (with the calendars and invitations too).
    """

    model_config = ConfigDict(frozen=True)

    time_limit: float = Field(default=60.0, gt=0)
    workers: int = Field(default=2, ge=0)
    seed: int = 0
    log: bool = False
    improve: bool = True
    reserve_seats: int = Field(default=0, ge=0)
    cp_sat: dict[str, Any] = Field(default_factory=dict)
    writing: Writing = "none"


#: A progress callback: phase name and a dict of figures (elapsed, objective, bound...).
Progress = Callable[[str, dict[str, Any]], None]
