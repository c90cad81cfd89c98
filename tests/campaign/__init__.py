"""The reliability campaign (issue #7): crash, concurrency, fuzz, outage, model check, and
the server killed under its clients (issue 17).

Run the whole campaign with ``python -m tests.campaign`` (see ``--help`` and
docs/RELIABILITY.md); ``tests/test_reliability.py`` runs a CI-sized version of
every part on both stores. Every random choice comes from one printed seed.
"""

from __future__ import annotations

import sys
from pathlib import Path

TESTS_DIR = Path(__file__).resolve().parent.parent
ROOT = TESTS_DIR.parent
if str(TESTS_DIR) not in sys.path:  # the builders live beside the tests, not in a package
    sys.path.insert(0, str(TESTS_DIR))
