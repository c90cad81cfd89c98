"""Write the sample import files of docs/IMPORT.md, byte for byte the same each run.

    python examples/make_examples.py        # rewrites examples/import/*

The files are made by ``cli.demo_files`` (the same bytes ``ledger demo``
imports); ``demo-books.json`` holds what the ledger passes to the importers
for them once the demo's import story is in.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout without installing

from cli.demo_files import FILES  # noqa: E402  (after the path set-up)

OUT = ROOT / "examples" / "import"


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for name, make in FILES.items():
        (OUT / name).write_bytes(make())
        print(OUT / name, file=sys.stderr)


if __name__ == "__main__":
    main()
