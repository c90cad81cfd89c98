"""``python -m tests.campaign``: the whole reliability campaign, one command, one seed.

    .venv/bin/python -m tests.campaign                      # full size, a fresh seed (printed)
    .venv/bin/python -m tests.campaign --seed 20261127      # replay a run
    .venv/bin/python -m tests.campaign --scale ci           # the CI-sized version, quickly
    .venv/bin/python -m tests.campaign --parts fuzz --stores sqlite --seed S
    .venv/bin/python -m tests.campaign --replay fuzz:sqlite:SUBSEED   # one part, its own seed

Every part on every store gets a sub-seed derived from the run's seed (shown
in the report); a failure names the part, store and sub-seed to replay. The
report (Markdown) goes to stdout and, with ``--report FILE``, to a file.
Exit status: 0 when every check held, 1 otherwise.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from . import ROOT
from . import common as cm
from .workload import Plan

os.environ.setdefault("LEDGER_LOG_LEVEL", "warning")  # in-process intakes: no per-command log lines
# The campaign replays histories dated up to 2027: recorded as of this day (SPEC §11).
os.environ.setdefault("LEDGER_TODAY", "2030-12-31")

PARTS = ("crash", "concurrent", "fuzz", "outage", "model", "server")


@dataclass(frozen=True)
class Scale:
    crash_kills: dict[str, int]
    crash_plan: Plan
    conc_rounds: dict[str, int]
    conc_processes: dict[str, int]
    conc_days: dict[str, int]
    fuzz_lines: dict[str, int]
    fuzz_cli_every: int
    outages: int
    outage_plan: Plan
    outage_hold: float
    model_examples: int
    model_steps: int
    server_kills: int
    server_plan: Plan
    server_clients: int
    server_batch: int


SCALES = {
    "full": Scale(
        crash_kills={"sqlite": 150, "postgres": 100}, crash_plan=Plan(contracts=8, months=12),
        conc_rounds={"sqlite": 8, "postgres": 8}, conc_processes={"sqlite": 2, "postgres": 8},
        conc_days={"sqlite": 400, "postgres": 300},
        fuzz_lines={"sqlite": 100_000, "postgres": 30_000}, fuzz_cli_every=20,
        outages=15, outage_plan=Plan(contracts=8, months=12), outage_hold=180.0,
        model_examples=300, model_steps=60,
        server_kills=25, server_plan=Plan(contracts=8, months=12, prefix="s"), server_clients=6,
        server_batch=500),
    "ci": Scale(
        crash_kills={"sqlite": 3, "postgres": 3}, crash_plan=Plan(contracts=4, months=5),
        conc_rounds={"sqlite": 1, "postgres": 1}, conc_processes={"sqlite": 2, "postgres": 8},
        conc_days={"sqlite": 60, "postgres": 40},
        fuzz_lines={"sqlite": 1_500, "postgres": 800}, fuzz_cli_every=10,
        outages=2, outage_plan=Plan(contracts=4, months=5), outage_hold=6.0,
        model_examples=12, model_steps=40,
        server_kills=2, server_plan=Plan(contracts=3, months=2, prefix="s"), server_clients=3,
        server_batch=100),
}


def run_part(name: str, store: str, seed: int, scale: Scale, scratch: cm.Scratch) -> cm.Part:
    from . import concurrent, crash, fuzz, model, outage, server

    try:
        if name == "crash":
            return crash.run(scratch, store, seed, scale.crash_kills[store], scale.crash_plan)
        if name == "concurrent":
            return concurrent.run(scratch, store, seed, scale.conc_rounds[store], scale.conc_processes[store],
                                  scale.conc_days[store])
        if name == "fuzz":
            return fuzz.run(scratch, store, seed, scale.fuzz_lines[store], scale.fuzz_cli_every)
        if name == "outage":
            return outage.run(scratch, seed, scale.outages, scale.outage_plan, scale.outage_hold)
        if name == "server":
            return server.run(scratch, store, seed, scale.server_kills, scale.server_plan,
                              scale.server_clients, scale.server_batch)
        return model.run(seed, scale.model_examples, scale.model_steps)
    except Exception as exc:  # a bug in the campaign itself: reported, the other parts still run
        import traceback

        part = cm.Part(name, store, seed)
        part.fail(f"the campaign part raised {type(exc).__name__}: {exc}\n{traceback.format_exc()[-2000:]}")
        return part


def stores_of(name: str, stores: list[str]) -> list[str]:
    if name == "outage":
        return ["postgres"] if "postgres" in stores else []
    if name == "model":
        return ["sqlite"]
    return stores


PRODUCT = ("schemas", "ledger", "billing", "projections", "decide", "store", "app", "cli", "web", "quote")


def commit() -> str:
    """The last commit that touched the product's code (a commit of tests or docs is no change)."""
    try:
        head = subprocess.run(["git", "-C", str(ROOT), "log", "-1", "--format=%h", "--", *PRODUCT],
                              capture_output=True, text=True, check=False).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--", *PRODUCT],
                               capture_output=True, text=True, check=False).stdout
        return f"{head}{' + uncommitted product changes' if dirty.strip() else ''}"
    except OSError:
        return "unknown"


def report(seed: int, scale_name: str, parts: list[cm.Part], seconds: float, argv: list[str],
           product_at_start: str) -> str:
    totals: Counter[str] = Counter()
    for p in parts:
        for key in ("kills", "lines", "processes", "outages", "blips", "steps", "statements_compared",
                    "lost_events", "extra_events", "doubled_command_ids", "unanswered_lines", "submits",
                    "cli_lines", "rounds", "retries", "orphan_lanes"):
            totals[f"{p.name}.{key}"] += p.counts.get(key, 0)
    failures = [f for p in parts for f in p.failures]
    product = product_at_start if commit() == product_at_start else (
        f"{product_at_start} at the start, {commit()} at the end (it changed during the run)")
    crash_lines = max((p.counts.get("lines", 0) for p in parts if p.name == "crash"), default=0)
    lost = sum(totals[f"{n}.lost_events"] for n in ("crash", "outage", "concurrent", "server"))
    extra = sum(totals[f"{n}.extra_events"] for n in ("crash", "outage", "concurrent", "server"))
    lines = [
        "# Reliability campaign report",
        "",
        f"- command: `{' '.join(argv)}`",
        f"- seed: {seed} (scale `{scale_name}`); replay: `.venv/bin/python -m tests.campaign --seed {seed}"
        f"{' --scale ' + scale_name if scale_name != 'full' else ''}`",
        f"- product: {product}; python {platform.python_version()}; {os.cpu_count()} CPUs",
        f"- duration: {seconds / 60:.1f} min",
        "",
        "## Totals",
        "",
        f"- crash: {totals['crash.kills']} SIGKILLs of `ledger submit` in {totals['crash.rounds']} rounds "
        f"({totals['crash.submits']} submits of a {crash_lines}-line input)",
        f"- concurrent writers: {totals['concurrent.processes']} processes in "
        f"{totals['concurrent.rounds']} rounds, {totals['concurrent.lines']} lines",
        f"- fuzz: {totals['fuzz.lines']} generated lines "
        f"({totals['fuzz.cli_lines']} of them through the CLI)",
        f"- outages: {totals['outage.outages']} outages and {totals['outage.blips']} connection cuts",
        f"- server: {totals['server.kills']} SIGKILLs of `ledger serve` during submits from several "
        f"clients ({totals['server.lines']} commands, {totals['server.retries']} batches sent again, "
        f"{totals['server.orphan_lanes']} orphaned write lanes that exited by themselves)",
        f"- model: {totals['model.steps']} commands, "
        f"{totals['model.statements_compared']} statements compared",
        f"- losses: {lost} lost events, {extra} extra or doubled events, "
        f"{totals['concurrent.doubled_command_ids'] + totals['server.doubled_command_ids']} command ids "
        "accepted twice; "
        f"{totals['concurrent.unanswered_lines']} lines left unanswered by a failed concurrent submit",
        f"- result: {'every check held' if not failures else f'{len(failures)} FAILURE(S)'}",
        "",
        "## Parts",
        "",
        "| part | store | sub-seed | seconds | result | counts |",
        "|---|---|---|---|---|---|",
    ]
    for p in parts:
        counts = ", ".join(f"{k}={v}" for k, v in sorted(p.counts.items()))
        result = "ok" if not p.failures else f"**{len(p.failures)} failure(s)**"
        lines.append(f"| {p.name} | {p.store} | {p.seed} | {p.seconds:.0f} | {result} | {counts} |")
    if failures:
        lines += ["", "## Failures", ""]
        for p in parts:
            for f in p.failures:
                lines.append(f"- replay `--replay {p.name}:{p.store}:{p.seed}`: {f}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.campaign", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=None, help="the run's seed (default: a fresh one)")
    parser.add_argument("--scale", choices=sorted(SCALES), default="full")
    parser.add_argument("--parts", default=",".join(PARTS), help=f"comma-separated, of {', '.join(PARTS)}")
    parser.add_argument("--stores", default="sqlite,postgres")
    parser.add_argument("--replay", help="PART:STORE:SUBSEED: one part with the sub-seed a report names")
    parser.add_argument("--workdir", type=Path, default=None, help="scratch files (default: a temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch files")
    parser.add_argument("--report", type=Path, help="also write the report here")
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(10**9)
    scale = SCALES[args.scale]
    stores = [s for s in args.stores.split(",") if s]
    if "postgres" in stores and (problem := cm.pg_available()) is not None:
        cm.log(f"PostgreSQL at {cm.PG_ADMIN} is not available ({problem}): SQLite only")
        stores.remove("postgres")
    plan: list[tuple[str, str, int]] = []
    if args.replay:
        name, store, sub = args.replay.split(":")
        plan.append((name, store, int(sub)))
    else:
        for name in [p for p in args.parts.split(",") if p]:
            plan += [(name, store, cm.derive(seed, name, store)) for store in stores_of(name, stores)]
    cm.log(f"campaign seed {seed} (scale {args.scale}); replay with --seed {seed}")
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="ledger-campaign-"))
    scratch = cm.Scratch(workdir)
    started = time.monotonic()
    product_at_start = commit()
    parts = []
    try:
        for name, store, sub in plan:
            cm.log(f"-- {name} on {store} (sub-seed {sub})")
            part = run_part(name, store, sub, scale, scratch)
            parts.append(part)
            cm.log(part.line())
            for failure in part.failures:
                cm.log(f"   FAIL {failure[:1500]}")
    finally:
        scratch.close()
        if not args.keep and args.workdir is None and not any(p.failures for p in parts):
            shutil.rmtree(workdir, ignore_errors=True)
    text = report(seed, args.scale, parts, time.monotonic() - started,
                  [".venv/bin/python -m tests.campaign", *(argv if argv is not None else sys.argv[1:])],
                  product_at_start)
    print(text, flush=True)
    if args.report:
        args.report.write_text(text, encoding="utf-8")
    if any(p.failures for p in parts):
        cm.log(f"scratch files kept in {workdir}")
    return 1 if any(p.failures for p in parts) else 0


if __name__ == "__main__":
    sys.exit(main())
