"""How long a `ledger` call takes as a user runs it: a fresh process, default settings.

    .venv/bin/python bench/startup.py --db bench/out/year-1.0.db --runs 15

Each command runs ``--runs`` times as a fresh process, in rotation (so a load that comes
and goes touches every command alike); the table shows the median and the fastest wall
time. On the same store and in the same run: the interpreter alone (``python -c pass``),
``bean-check`` on the journal the store exports, and ``hledger bal`` on the same journal
converted to hledger's format, when they are installed. Without ``--db`` (or when the file
does not exist) the store is built first: the benchmark year at ``--scale`` (default 1.0,
a few minutes), submitted as a user would.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT / "bench"))
from run import CHILD_ENV  # noqa: E402  (the bytecode cache on, as on a user's machine)

PYTHON = sys.executable
# The installed entry point, as a user types it (``python -m cli`` from a source tree).
LEDGER = ([str(Path(PYTHON).with_name("ledger"))] if Path(PYTHON).with_name("ledger").exists()
          else [PYTHON, "-m", "cli"])


def build(db: Path, scale: float) -> None:
    """The benchmark year at ``scale``, submitted into ``db`` (replayed at its own dates)."""
    year = OUT / f"year-{scale}.jsonl"
    if not year.exists():
        subprocess.run([PYTHON, str(ROOT / "bench" / "generate.py"), "--scale", str(scale),
                        "--out", str(year)], check=True, cwd=ROOT)
    env = os.environ | {"LEDGER_TODAY": "2030-12-31"}
    with open(os.devnull, "w") as sink:
        subprocess.run([*LEDGER, "--db", str(db), "submit", "--quiet", str(year)], cwd=ROOT,
                       env=env, stdout=sink, check=False)


def hledger_journal(beancount: str) -> str:
    """The beancount journal in hledger's format: the same transactions and postings."""
    out = []
    for line in beancount.splitlines():
        if re.match(r"^\d{4}-\d\d-\d\d (open|close|commodity) ", line) or line.startswith(
                ("option ", "plugin ", ";")):
            continue
        match = re.match(r'^(\d{4}-\d\d-\d\d) [*!] "(.*)"(.*)$', line)
        if match:
            out.append(f"{match.group(1)} * {match.group(2)}")
        elif re.match(r"^\s+[a-z_-]+: ", line):  # posting or transaction metadata
            continue
        else:
            out.append(line)
    return "\n".join(out) + "\n"


def timed(argv: list[str], stdout: Path | None = None) -> float:
    started = time.perf_counter()
    with open(stdout or os.devnull, "w") as sink:
        done = subprocess.run(argv, cwd=ROOT, stdout=sink, stderr=subprocess.PIPE, check=False,
                              env=CHILD_ENV)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} exited {done.returncode}: {done.stderr.decode()[-500:]}")
    return elapsed


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--db", default=None, help="a store holding the benchmark year (built if missing)")
    p.add_argument("--scale", type=float, default=1.0, help="the year to build without --db")
    p.add_argument("--runs", type=int, default=15, help="fresh processes per command")
    p.add_argument("--contract", default="HC0001", help="the contract the reports name")
    p.add_argument("--out", default=None, help="write the results as JSON here too")
    args = p.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    db = Path(args.db) if args.db else OUT / f"year-{args.scale}.db"
    if not db.exists():
        build(db, args.scale)
    store = ["--db", str(db)]
    c = args.contract
    journal = OUT / "startup-journal.beancount"
    timed([*LEDGER, *store, "journal", "--format", "beancount"], journal)  # also catches up
    statements = json.loads(subprocess.run([*LEDGER, *store, "statements", c, "--json"], cwd=ROOT,
                                           capture_output=True, check=True).stdout)
    period = statements[len(statements) // 2]["period"]
    on = statements[-1]["issued_on"]
    cases: dict[str, list[str]] = {
        "python -c pass (the interpreter alone)": [PYTHON, "-c", "pass"],
        "ledger --help": [*LEDGER, "--help"],
        f"ledger balance {c} --json": [*LEDGER, *store, "balance", c, "--json"],
        "ledger balance --json (every contract)": [*LEDGER, *store, "balance", "--json"],
        f"ledger statement {c} {period} --json": [*LEDGER, *store, "statement", c, period, "--json"],
        f"ledger statements {c} --json": [*LEDGER, *store, "statements", c, "--json"],
        "ledger journal --format beancount": [*LEDGER, *store, "journal", "--format", "beancount"],
        f"ledger breaches {c} --on {on} --json": [*LEDGER, *store, "breaches", c, "--on", on,
                                                   "--json"],
    }
    bean_check = shutil.which("bean-check") or str(Path(PYTHON).with_name("bean-check"))
    if Path(bean_check).exists():
        cases["bean-check (the same journal)"] = [bean_check, str(journal)]
    hledger = shutil.which("hledger")
    if hledger:
        converted = OUT / "startup-journal.hledger"
        converted.write_text(hledger_journal(journal.read_text(encoding="utf-8")), encoding="utf-8")
        cases["hledger bal (the same journal)"] = [hledger, "-f", str(converted), "bal"]
    times: dict[str, list[float]] = {name: [] for name in cases}
    for argv in cases.values():  # one warm-up each: the page cache and the bytecode cache
        timed(argv)
    for _ in range(args.runs):
        for name, argv in cases.items():
            times[name].append(timed(argv))
    load = os.getloadavg()[0]
    lines = journal.read_text(encoding="utf-8").count("\n")
    print(f"store {db} ({db.stat().st_size >> 20} MB), journal {lines:,} lines, "
          f"{args.runs} runs each, load average {load:.1f}")
    print("| command | median s | fastest s |\n|---|---|---|")
    rows = []
    for name, values in times.items():
        median, fastest = statistics.median(values), min(values)
        rows.append({"command": name, "median_s": round(median, 3), "fastest_s": round(fastest, 3)})
        print(f"| `{name}` | {median:.3f} | {fastest:.3f} |")
    if args.out:
        Path(args.out).write_text(json.dumps({"db": str(db), "runs": args.runs, "load": load,
                                              "journal_lines": lines, "rows": rows}, indent=2))


if __name__ == "__main__":
    main()
