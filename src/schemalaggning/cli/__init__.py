"""The command line: ``schemalaggning validate | solve | replan | check | explain | electives |
export | send | generate | capacity | bench | sweep | serve | users``.

The ``main`` group and what the commands share live in :mod:`schemalaggning.cli.app`; the
commands, by what they are for, in :mod:`~schemalaggning.cli.planning`,
:mod:`~schemalaggning.cli.publishing` and :mod:`~schemalaggning.cli.tools`, which register
themselves on ``main`` when imported here; ``serve`` and ``users``, the workspace in the
browser and its accounts, come from :mod:`schemalaggning.web.commands`.
"""

from schemalaggning.cli import planning, publishing, tools
from schemalaggning.cli.app import main
from schemalaggning.exits import EXIT_BAD_INPUT, EXIT_TRY_AGAIN
from schemalaggning.web.commands import serve, users

main.add_command(serve)
main.add_command(users)

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_TRY_AGAIN",
    "main",
    "planning",
    "publishing",
    "tools",
]
