"""The child's entry point: ``python -m schemalaggning.bench --one JOB``."""

from __future__ import annotations

import sys

from schemalaggning.bench.runs import main

sys.exit(main())
