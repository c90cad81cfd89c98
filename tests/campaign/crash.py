"""Part 1: SIGKILL ``ledger submit`` at random moments, resubmit until it completes.

A round starts from an empty store and submits the same large input again and
again; each attempt is killed (SIGKILL) after a random delay or after a random
number of result lines has come out (a kill just after a commit), until the
round's kill budget is spent and an attempt runs to the end. After every kill
the store must hold a whole number of batches: the accepted command ids are a
prefix of the input, their count the first batch's size plus a multiple of the
batch size (or none, or all of them), every one with exactly the events of the
clean run, and one ``ledger_commands`` row per command id that has events. When the round
completes, statements, balances, breaches and the event multiset equal those
of a clean, uninterrupted run, and the audit chain verifies.
"""

from __future__ import annotations

import json
import random
import signal
import subprocess
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from app.intake import BATCH, FIRST_BATCH, batch_sizes

from . import common as cm
from .workload import Plan, Workload, build


@dataclass
class Reference:
    """The clean, uninterrupted run of one input on one store."""

    workload: Workload
    path: Path
    snapshot: cm.Snapshot
    by_command: dict[str, Counter[tuple[str, int, str, str]]]
    order: list[str]
    seconds: float


def make_reference(scratch: cm.Scratch, store: str, workload: Workload, path: Path,
                   part: cm.Part) -> Reference | None:
    db = scratch.new(store, "clean")
    started = time.monotonic()
    run = cm.ledger(db, "submit", str(path))
    seconds = time.monotonic() - started
    results = run.lines()
    bad = [r for r in results if r.get("status") != "accepted"]
    if run.code != 0 or bad or len(results) != len(workload.commands) or cm.has_traceback(run.err):
        part.fail(f"the clean run did not accept every line: exit {run.code}, {len(results)} results, "
                  f"first bad {bad[:1]}, stderr {run.err.strip()[:300]!r}")
        return None
    snap = cm.snapshot(db, workload.breaches_on)
    if snap.problems:
        part.fail(f"reports of the clean run failed: {snap.problems}")
        return None
    by_command: dict[str, Counter[tuple[str, int, str, str]]] = {}
    for e in cm.events(db):
        by_command.setdefault(e.command_id, Counter())[e.key()] += 1
    scratch.drop(db)
    return Reference(workload, path, snap, by_command, [c["id"] for c in workload.commands], seconds)


def check_whole_batches(db: str, ref: Reference, part: cm.Part | None = None) -> list[str]:
    """After a kill: only whole batches are visible, each exactly as in the clean run."""
    evs = cm.events(db)
    rows = cm.command_rows(db)
    stored = set(rows)
    with_events = {e.command_id for e in evs}
    problems = []
    if len(rows) != len(stored):
        problems.append("a command id has two ledger_commands rows")
    if with_events - stored:
        problems.append(f"{len(with_events - stored)} command ids have events but no ledger_commands row, "
                        f"e.g. {sorted(with_events - stored)[:3]}")
    if stored - with_events:
        problems.append(f"{len(stored - with_events)} ledger_commands rows have no events, "
                        f"e.g. {sorted(stored - with_events)[:3]}")
    n = len(stored)
    if stored != set(ref.order[:n]):
        problems.append(f"the {n} stored command ids are not the first {n} lines of the input")
    ends, at = set(), 0  # every submit of the input cuts it at the same lines
    for size in batch_sizes(BATCH, FIRST_BATCH):
        at += size
        if at >= len(ref.order):
            break
        ends.add(at)
    if n and n != len(ref.order) and n not in ends:
        problems.append(f"{n} commands stored: not whole batches of the intake ({FIRST_BATCH} "
                        f"lines, then twice the one before up to {BATCH}; partial batch)")
    expected: Counter[tuple[str, int, str, str]] = Counter()
    for cid in stored:
        expected.update(ref.by_command.get(cid, Counter()))
    got = Counter(e.key() for e in evs)
    if part is not None:
        part.counts["lost_events"] += sum((expected - got).values())
        part.counts["extra_events"] += sum((got - expected).values())
    if got != expected:
        problems.append(f"events of the stored commands differ from the clean run: "
                        f"{sum((expected - got).values())} missing, {sum((got - expected).values())} extra")
    return problems


def _attempt(db: str, ref: Reference, rng: random.Random, kill: bool) -> tuple[str, int, str, str]:
    """One ``ledger submit``; returns (how it ended, exit code, stdout, stderr)."""
    with tempfile.TemporaryFile() as err:
        mode = rng.choice(["time", "output"]) if kill else "run"
        if mode == "output":
            with cm.spawn(db, "submit", str(ref.path), stderr=err) as proc:
                assert proc.stdout is not None
                target = rng.randrange(0, len(ref.order) + 1)
                seen, chunks = 0, []
                while seen < target:
                    line = proc.stdout.readline()
                    if not line:
                        break
                    chunks.append(line)
                    seen += 1
                time.sleep(rng.uniform(0, 0.02))
                proc.send_signal(signal.SIGKILL)
                chunks.append(proc.stdout.read())
                code = proc.wait()
            out = b"".join(chunks).decode("utf-8", "replace")
        else:
            with tempfile.TemporaryFile() as outf:
                proc = cm.spawn(db, "submit", str(ref.path), stdout=outf, stderr=err)
                try:
                    proc.wait(timeout=rng.uniform(0, ref.seconds * 1.15) if kill else 900)
                except subprocess.TimeoutExpired:
                    proc.send_signal(signal.SIGKILL)
                code = proc.wait()
                outf.seek(0)
                out = outf.read().decode("utf-8", "replace")
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
    ended = "killed" if code == -signal.SIGKILL else "completed"
    return (mode if ended == "killed" else "completed"), code, out, text


def _status(line: str) -> str:
    try:
        return str(json.loads(line)["status"])
    except (ValueError, KeyError, TypeError):
        return f"unreadable result {line[:80]!r}"


def crash_round(scratch: cm.Scratch, ref: Reference, rng: random.Random, max_kills: int,
                part: cm.Part, round_no: int) -> int:
    """One round from an empty store; returns the number of kills."""
    db = scratch.new(part.store, "crash")
    kills = 0
    while True:
        how, code, out, err = _attempt(db, ref, rng, kill=kills < max_kills)
        part.counts["submits"] += 1
        if cm.has_traceback(err):
            part.fail(f"traceback from ledger submit: {err.strip()[-800:]}", round=round_no)
            break
        if how != "completed":
            kills += 1
            part.counts[f"kills_{how}"] += 1
            problems = check_whole_batches(db, ref, part)
            if problems:
                part.fail(f"after kill {kills}: {'; '.join(problems)}", round=round_no)
                break
            stored = len(cm.command_rows(db))
            part.counts["kills_" + ("before_first_commit" if stored == 0 else
                                    "after_last_commit" if stored == len(ref.order) else "mid_input")] += 1
            continue
        results = [line for line in out.split("\n") if line.strip()]
        statuses = Counter(_status(line) for line in results)
        if code != 0 or len(results) != len(ref.order) or set(statuses) - {"accepted", "duplicate"}:
            part.fail(f"the completing submit exited {code} with {len(results)} results {dict(statuses)}; "
                      f"stderr {err.strip()[:300]!r}", round=round_no)
            break
        problems = check_whole_batches(db, ref, part)
        problems += cm.compare(cm.snapshot(db, ref.workload.breaches_on), ref.snapshot)
        verify = cm.ledger(db, "audit", "verify")
        if verify.code != 0:
            problems.append(f"audit verify exited {verify.code}: {(verify.out + verify.err).strip()[:300]}")
        if problems:
            part.fail("after completion: " + "; ".join(problems), round=round_no)
        break
    part.counts["rounds"] += 1
    if not part.failures:
        scratch.drop(db)
    return kills


def run(scratch: cm.Scratch, store: str, seed: int, kills: int, plan: Plan,
        rounds_max: int = 10_000) -> cm.Part:
    """At least ``kills`` kills of ``ledger submit`` on ``store``, in rounds."""
    part = cm.Part("crash", store, seed)
    started = time.monotonic()
    rng = random.Random(seed)
    workload = build(seed, plan)
    path = workload.write(scratch.workdir / f"crash-{store}-{seed}.jsonl")
    part.counts["lines"] = len(workload.commands)
    ref = make_reference(scratch, store, workload, path, part)
    if ref is not None:
        part.counts["clean_run_ms"] = int(ref.seconds * 1000)
        done = 0
        for round_no in range(rounds_max):
            if done >= kills or part.failures:
                break
            done += crash_round(scratch, ref, rng, min(kills - done, rng.randint(1, 12)), part, round_no)
        part.counts["kills"] = done
    part.seconds = time.monotonic() - started
    return part
