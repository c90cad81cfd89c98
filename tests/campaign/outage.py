"""Part 4: the PostgreSQL connection is cut while a large ``ledger submit`` runs.

From a second connection the campaign terminates every backend of the
database (``pg_terminate_backend``) at a random moment; in ``outage`` mode it
first refuses new connections (``ALLOW_CONNECTIONS false``) and keeps the
database down until the submit gives up (or ``hold`` seconds pass), in
``blip`` mode it only cuts the connections once. Then:

- the submit either exits non-zero with exactly one line on stderr, starting
  ``ledger:``, and no traceback; or it rode the cut out and exited 0 having
  answered every line;
- whatever it printed before dying is ``accepted``; nothing half-written is
  visible (whole batches only, each exactly as in a clean run, a
  ``ledger_commands`` row per command id with events);
- after recovery the same input is submitted again and completes; the store
  then equals a clean run (statements, balances, breaches, events) and the
  audit chain verifies: every command applied exactly once.
"""

from __future__ import annotations

import json
import random
import subprocess
import tempfile
import threading
import time

from . import common as cm
from .crash import Reference, check_whole_batches, make_reference
from .workload import Plan, build


def _cut(db: str, block: bool) -> int:
    import psycopg

    name = db.rsplit("/", 1)[1]
    with psycopg.connect(cm.PG_ADMIN, autocommit=True) as admin:
        if block:
            admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        row = admin.execute("SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity "
                            "WHERE datname = %s AND pid <> pg_backend_pid()", (name,)).fetchone()
    return int(row[0]) if row else 0


def _restore(db: str) -> None:
    import psycopg

    name = db.rsplit("/", 1)[1]
    with psycopg.connect(cm.PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')


def one_outage(scratch: cm.Scratch, ref: Reference, rng: random.Random, mode: str, hold: float,
               part: cm.Part, n: int) -> None:
    db = scratch.new("postgres", "outage")
    cm.ledger(db, "statements", "--json")  # the schema exists: the cut lands in the write path
    by_output = n % 2 == 0
    with tempfile.TemporaryFile() as err, cm.spawn(db, "submit", str(ref.path), stderr=err) as proc:
        # the cut comes once a random number of result lines is out (results follow each commit),
        # or after a random delay within a clean run's duration
        lines: list[bytes] = []
        enough = threading.Event()
        target = rng.randrange(0, len(ref.order)) if by_output else len(ref.order) + 1
        delay = rng.uniform(0.05, max(0.1, ref.seconds * 0.95))

        def drain() -> None:
            assert proc.stdout is not None
            for line in proc.stdout:
                lines.append(line)
                if len(lines) >= target:
                    enough.set()
            enough.set()

        reader = threading.Thread(target=drain, daemon=True)
        reader.start()
        if by_output:
            enough.wait(timeout=900)
        else:
            time.sleep(delay)
        part.counts["cut_after_output" if by_output else "cut_after_delay"] += 1
        if proc.poll() is not None:
            part.counts["finished_before_the_cut"] += 1
        cut_at = time.monotonic()
        part.counts["backends_terminated"] += _cut(db, block=mode == "outage")
        try:
            code = proc.wait(timeout=hold if mode == "outage" else 900)
            rode_out = False
        except subprocess.TimeoutExpired:
            rode_out = True
        if mode == "outage":
            _restore(db)
        if rode_out:
            code = proc.wait(timeout=900)
        waited = time.monotonic() - cut_at
        part.counts["seconds_down_max"] = max(part.counts["seconds_down_max"], int(waited))
        reader.join(timeout=60)
        err.seek(0)
        stdout = b"".join(lines).decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    part.counts[f"{mode}s"] += 1
    results = [json.loads(line) for line in stdout.split("\n") if line.strip()]
    problems = []
    if cm.has_traceback(stderr):
        problems.append(f"traceback on stderr: {stderr.strip()[-800:]}")
    elif code == 0:
        part.counts["rode_out_exit_0"] += 1
        if rode_out:
            part.counts["waited_for_recovery"] += 1
        if len(results) != len(ref.order):
            problems.append(f"exit 0 but {len(results)} of {len(ref.order)} lines answered")
    else:
        part.counts[f"exit_{code}"] += 1
        lines = [line for line in stderr.split("\n") if line.strip()]
        if len(lines) != 1 or not lines[0].startswith("ledger: "):
            problems.append(f"exit {code} without a one-line `ledger:` message: {stderr.strip()[:600]!r}")
        elif rode_out:
            problems.append(f"exit {code} only after the database came back ({waited:.0f}s)")
        part.counts["answered_before_exit"] += len(results)
    if any(r.get("status") != "accepted" for r in results):
        odd = [r for r in results if r.get("status") != "accepted"][:2]
        problems.append(f"a line answered other than accepted: {odd}")
    problems += check_whole_batches(db, ref, part)
    if not problems:
        again = cm.ledger(db, "submit", str(ref.path))
        statuses = {r.get("status") for r in again.lines()}
        if again.code != 0 or statuses - {"accepted", "duplicate"} or len(again.lines()) != len(ref.order):
            problems.append(f"the resubmit after recovery exited {again.code} ({statuses}): "
                            f"{again.err.strip()[:300]}")
        problems += check_whole_batches(db, ref, part)
        problems += cm.compare(cm.snapshot(db, ref.workload.breaches_on), ref.snapshot)
        verify = cm.ledger(db, "audit", "verify")
        if verify.code != 0:
            problems.append(f"audit verify exited {verify.code}: {(verify.out + verify.err).strip()[:300]}")
    for problem in problems:
        part.fail(problem, outage=n, mode=mode)
    if not problems:
        scratch.drop(db)
    else:
        _restore(db)


def run(scratch: cm.Scratch, seed: int, outages: int, plan: Plan, hold: float = 180.0) -> cm.Part:
    part = cm.Part("outage", "postgres", seed)
    started = time.monotonic()
    rng = random.Random(seed)
    workload = build(seed, plan)
    path = workload.write(scratch.workdir / f"outage-{seed}.jsonl")
    part.counts["lines"] = len(workload.commands)
    ref = make_reference(scratch, "postgres", workload, path, part)
    if ref is not None:
        for n in range(outages):
            one_outage(scratch, ref, rng, "blip" if n % 3 == 1 else "outage", hold, part, n)
    part.seconds = time.monotonic() - started
    return part
