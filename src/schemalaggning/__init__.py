"""schemalaggning: schedules the introduction programme for newly hired social workers.

What a library user needs is importable from here (see the README's "As a library")::

    from schemalaggning import SolveParams, check, read_instance, solve

Each name is imported when first asked for, so that ``import schemalaggning`` (and the
command line's light commands) does not load the solver.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

#: The public names and the module that holds each.
API: dict[str, str] = {
    "Instance": "schemalaggning.domain",
    "read_instance": "schemalaggning.io",
    "read_schedule": "schemalaggning.io",
    "SolveParams": "schemalaggning.engine.params",
    "solve": "schemalaggning.engine.solve",
    "Result": "schemalaggning.engine.result",
    "Status": "schemalaggning.engine.result",
    "check": "schemalaggning.check",
    "check_schedule": "schemalaggning.check",
    "Violation": "schemalaggning.check",
}
__all__ = [
    "Instance",
    "Result",
    "SolveParams",
    "Status",
    "Violation",
    "__version__",
    "check",
    "check_schedule",
    "read_instance",
    "read_schedule",
    "solve",
]

# The checker's function shares its name with the package that holds it: bound here at
# once, since importing the package ``schemalaggning.check`` (as the command line does)
# would otherwise leave the package, not the function, under this name. The checker
# loads no solver.
from schemalaggning.check import check as check  # noqa: E402

if TYPE_CHECKING:
    from schemalaggning.check import Violation, check_schedule
    from schemalaggning.domain import Instance
    from schemalaggning.engine.params import SolveParams
    from schemalaggning.engine.result import Result, Status
    from schemalaggning.engine.solve import solve
    from schemalaggning.io import read_instance, read_schedule


def __getattr__(name: str) -> Any:
    """A public name, imported from its module the first time it is asked for."""
    module = API.get(name)
    if module is None:
        raise AttributeError(f"module 'schemalaggning' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value
