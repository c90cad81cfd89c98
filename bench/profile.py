"""Where ``ledger submit`` spends its time: py-spy over one submit of a generated year.

    .venv/bin/pip install py-spy                      # once
    .venv/bin/python bench/profile.py --scale 0.3 --store sqlite
    .venv/bin/python bench/profile.py --scale 0.3 --store postgres --top 40

Generates (or reuses, from ``--workdir``) the year of the scale, submits it to a
fresh store under ``py-spy record`` (raw collapsed stacks, no line numbers),
and prints the top functions by self time and by inclusive time as Markdown
tables, for the main thread and for the intake's writer thread separately.
The raw profile is kept as ``bench/out/prof/submit-STORE-SCALE.txt`` (open it
with speedscope or flamegraph.pl for the full picture). The code profiled is a
snapshot of the product's packages, as in ``bench/run.py``.
"""

from __future__ import annotations

import argparse
import collections
import os
import shutil
import subprocess
import sys
from pathlib import Path

import run  # the sibling module: stores, years and the ledger command line

OUT = run.BENCH / "out" / "prof"


WRITER = "ledger-writer"  # the intake's writer thread, when it has one


def summarise(raw: Path, top: int, rate: int) -> str:
    """Top functions of the main thread and of the intake's writer thread, each on its own.

    Shares are of that thread's samples. Other threads (the connection pool's
    workers) are only counted. Needs a profile recorded with ``py-spy -t``.
    """
    names: dict[str, str] = {}
    stacks: list[tuple[str, list[str], int]] = []
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        parts = stack.split(";")
        head = next((f for f in parts if f.startswith("thread (")), "thread (?)")
        tid, _, name = head.partition(": ")
        if name:
            names[tid] = name
        stacks.append((tid, [f for f in parts if "(" in f and not f.startswith(("thread (", "process "))],
                       int(count)))
    groups: dict[str, list[tuple[list[str], int]]] = collections.defaultdict(list)
    for tid, frames, n in stacks:
        name = names.get(tid, "")
        group = ("main thread" if name == "MainThread" or (not name and any(
            f.startswith("<module> ") for f in frames[:1])) else
                 "writer thread" if name.startswith(WRITER) else "other threads")
        if frames:
            groups[group].append((frames, n))
    out = []
    for group in ("main thread", "writer thread"):
        if group not in groups:
            continue
        self_time: collections.Counter[str] = collections.Counter()
        inclusive: collections.Counter[str] = collections.Counter()
        total = 0
        for frames, n in groups[group]:
            total += n
            self_time[frames[-1]] += n
            for frame in set(frames):
                inclusive[frame] += n
        out += [f"#### {group}: {total} samples ({total / rate:.1f} s at {rate} Hz)", "",
                "| self | function |", "|---|---|"]
        out += [f"| {100 * n / total:.1f}% | `{f}` |" for f, n in self_time.most_common(top)]
        out += ["", "| inclusive | function |", "|---|---|"]
        out += [f"| {100 * n / total:.1f}% | `{f}` |" for f, n in inclusive.most_common(top)]
        out.append("")
    other = sum(n for _, n in groups.get("other threads", []))
    out.append(f"({other} samples of other threads, such as the connection pool's, left out.)")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="py-spy profile of one ledger submit")
    p.add_argument("--scale", type=float, default=0.3)
    p.add_argument("--store", choices=("sqlite", "postgres"), default="sqlite")
    p.add_argument("--seed", type=int, default=6)
    p.add_argument("--shape", choices=run.generate.SHAPES, default="year",
                   help="the load (bench/generate.py --shape)")
    p.add_argument("--rate", type=int, default=250, help="samples per second")
    p.add_argument("--top", type=int, default=30)
    p.add_argument("--workdir", default=str(run.BENCH / "out" / "work"))
    p.add_argument("--pg-admin", default=run.PG_ADMIN)
    p.add_argument("--summarise", metavar="RAW", help="only summarise an existing raw profile")
    args = p.parse_args(argv)
    if args.summarise:
        sys.stdout.write(summarise(Path(args.summarise), args.top, args.rate))
        return 0
    spy = shutil.which("py-spy", path=str(Path(sys.executable).parent)) or shutil.which("py-spy")
    if spy is None:
        p.error("py-spy is not installed: .venv/bin/pip install py-spy")
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    OUT.mkdir(parents=True, exist_ok=True)
    year, stats = run.year_file(args.scale, args.seed, workdir, args.shape)
    raw = OUT / f"submit-{args.shape}-{args.store}-{args.scale:g}.txt"
    code, digest = run.snapshot_code(workdir / "prof")  # the code profiled, as in bench/run.py
    sys.path.insert(0, str(code))
    env = os.environ | {"LEDGER_LOG_LEVEL": "warning", "PYTHONPATH": str(code)}
    with run.fresh_store(args.store, workdir, f"prof_{args.store}", args.pg_admin, None, False) as db:
        run.log(f"profiling ledger submit of {stats['lines']:,} lines into {args.store}")
        subprocess.run([spy, "record", "-r", str(args.rate), "-t", "--nolineno", "-f", "raw", "-o", str(raw),
                        "--", sys.executable, *run.ledger_argv(), "--db", db, "submit", str(year),
                        "--today", run.REPLAY_TODAY],
                       stdout=subprocess.DEVNULL, env=env, cwd=run.ROOT, check=False)
    shutil.rmtree(code, ignore_errors=True)
    sys.stdout.write(f"### ledger submit, {args.shape}, {args.store}, scale {args.scale:g} "
                     f"({stats['lines']:,} lines)\n\n"
                     f"Commit {run.machine(None)['git']}, code snapshot {digest}.\n\n")
    sys.stdout.write(summarise(raw, args.top, args.rate))
    return 0


if __name__ == "__main__":
    sys.exit(main())
