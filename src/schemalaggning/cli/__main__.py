"""``python -m schemalaggning.cli``: the command line."""

from schemalaggning.cli import main

main()
