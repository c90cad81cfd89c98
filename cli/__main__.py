"""``python -m cli``: the ``ledger`` program."""

import sys

from cli.main import run

sys.exit(run())
