"""``python -m cli``: the ``ledger`` program."""

import sys

from cli.main import main

sys.exit(main())
