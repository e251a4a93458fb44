"""The child's entry point: ``python -m schemalaggning.whatif.bench --one JOB``."""

from __future__ import annotations

import sys

from schemalaggning.whatif.bench.runs import main

sys.exit(main())
