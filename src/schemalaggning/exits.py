"""The exit statuses of every command, one name each: the README's table of exit statuses.

They follow the conventions scripts and schedulers read: 2 for a usage or input error,
75 (``EX_TEMPFAIL``) for what running again later can cure, and 128 plus the signal's
number for a run a signal stopped.
"""

from __future__ import annotations

#: Done.
EXIT_OK = 0
#: Done, and something failed that the output names: ``check`` found a broken rule,
#: ``bench`` a failed run, ``send`` refused recipients, ``sweep`` a failed scenario.
EXIT_FAILED = 1
#: Bad input, settings that cannot work, or an output location that may not or cannot be
#: written: every problem listed, nothing written.
EXIT_BAD_INPUT = 2
#: Running again later can cure it: another run writes the same folder now, or ``send``
#: stopped early (a dropped connection, a busy server).
EXIT_TRY_AGAIN = 75
#: Stopped by Ctrl-C (SIGINT, 128 + 2).
EXIT_SIGINT = 130
#: Stopped by SIGTERM (128 + 15).
EXIT_SIGTERM = 143
