"""Every report of a store as bytes, to compare two versions of the code.

    .venv/bin/python bench/snapshot.py --db demo.db --on 2027-06-30 --out /tmp/snap-demo

Writes ``statements.json``, ``balance.json``, ``breaches.json`` and
``journal.json`` (the exact ``--json`` output of ``ledger``), plus each issued
statement (``statement-<CONTRACT>-<PERIOD>.json``). ``diff -r`` two folders
written by two versions of the code: a refactoring must leave them identical.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path


def ledger(db: str, *args: str) -> bytes:
    # ``python -m cli`` today; ``commands.cli`` on commits before the layout of issue 12,
    # so the same script snapshots both sides of that change
    done = subprocess.run([sys.executable, "-m", "cli", "--db", db, *args]
                          if Path("cli/__main__.py").exists()
                          else [sys.executable, "-m", "commands.cli", "--db", db, *args],
                          capture_output=True, check=False)
    if done.returncode not in (0, 1):
        raise SystemExit(f"ledger {' '.join(args)} exited {done.returncode}: {done.stderr.decode()}")
    return done.stdout


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--db", required=True)
    p.add_argument("--on", required=True, help="business date for breaches")
    p.add_argument("--out", required=True)
    args = p.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    statements = ledger(args.db, "statements", "--json")
    (out / "statements.json").write_bytes(statements)
    (out / "balance.json").write_bytes(ledger(args.db, "balance", "--json"))
    (out / "breaches.json").write_bytes(ledger(args.db, "breaches", "--json", "--on", args.on))
    (out / "journal.json").write_bytes(ledger(args.db, "journal", "--format", "json"))
    for row in json.loads(statements):
        name = f"statement-{row['contract_id']}-{row['period']}.json".replace("/", "_")
        (out / name).write_bytes(ledger(args.db, "statement", row["contract_id"], row["period"],
                                        "--json"))
    print(f"{out}: {len(json.loads(statements))} statements")
    return 0


if __name__ == "__main__":
    sys.exit(main())
