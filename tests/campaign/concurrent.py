"""Part 2: several ``ledger submit`` processes writing the same contracts at once.

A round builds a pool of commands for a few contracts (agents' shifts, sales,
service metrics, QA inspections, payments, adjustments, reported breaches)
and deals each command to one process or to several (the same id and body in
several files). Every file starts with the same setup (signing, agents; the
same ids everywhere) and ends with the same statements (the same ids). The
processes start together. Afterwards:

- every line of every process answered ``accepted`` or ``duplicate``, every
  process exited 0 with nothing on stderr (a conflict or a lock wait never
  surfaces);
- each command id was answered ``accepted`` by exactly one process, is stored
  once (one ``ledger_commands`` row) and has exactly its events: the events
  other than statements equal, as a multiset of (stream, topic, state without
  ``recorded_at``), those of one process submitting the whole pool alone;
  each statement is issued once;
- per-stream versions are 1..n; the journal's trial balance is 0; the audit
  chain verifies; ``ledger rebuild`` reproduces every issued statement.
"""

from __future__ import annotations

import json
import random
import subprocess
import tempfile
import time
from collections import Counter
from datetime import date, timedelta
from typing import Any

import builders as b

from . import common as cm

START = date(2026, 3, 2)


def _pool(rng: random.Random, contracts: int, days: int, tag: str) -> tuple[list[dict[str, Any]],
                                                                            list[dict[str, Any]],
                                                                            list[dict[str, Any]]]:
    """(setup, facts, statements) with ids fixed by ``tag``."""
    setup: list[dict[str, Any]] = []
    facts: list[dict[str, Any]] = []
    closing: list[dict[str, Any]] = []
    staffing = {"weekdays": [1, 2, 3, 4, 5, 6, 7],
                "shifts": [{"code": "early", "start": "08:00", "end": "16:00", "agents": 3},
                           {"code": "late", "start": "16:00", "end": "24:00", "agents": 2}],
                "special_days": []}
    last = START + timedelta(days=days - 1)
    for i in range(contracts):
        cid = f"CC{i + 1}"
        terms = (b.bpc_terms(staffing=staffing) if i % 2 == 0
                 else b.fixed_terms("postpaid", staffing=staffing))
        setup.append(b.sign(cid, terms, merchant={"id": f"M{i}", "name": f"店 {i}", "platform": "jd"}))
        agents = [f"{cid}-A{k}" for k in range(6)]
        for agent in agents:
            setup += b.agent_ready(agent, cid, START.isoformat())
        day = START
        n = 0
        while day <= last:
            for code, planned in (("early", 3), ("late", 2)):
                for agent in rng.sample(agents, max(0, planned + rng.choice([0, 0, 0, -1, 1]))):
                    facts.append(b.shift(agent, day.isoformat(), code, cid))
                    if i % 2 == 0 and rng.random() < 0.5:
                        facts.append(b.cmd("record_sales", cid, agent_id=agent, date=day.isoformat(),
                                           sales_fen=rng.randrange(0, 900_000), orders=rng.randrange(0, 40)))
                    if rng.random() < 0.3:
                        facts.append(b.cmd("record_service_metrics", cid, agent_id=agent,
                                           date=day.isoformat(), sessions=rng.randrange(1, 200),
                                           avg_first_response_s=rng.randrange(5, 50)))
            if rng.random() < 0.2:
                n += 1
                facts.append(b.cmd("record_qa_inspection", cid, inspection_id=f"QA{n}",
                                   agent_id=rng.choice(agents), date=day.isoformat(),
                                   score=rng.choice([95, 90, 80, 70]), sampled_sessions=5))
            if rng.random() < 0.15:
                n += 1
                facts.append(b.pay(f"P{n}", rng.randrange(10_000, 3_000_000),
                                   (day + timedelta(days=rng.randrange(0, 60))).isoformat(), cid))
            if rng.random() < 0.05:
                n += 1
                facts.append(b.cmd("post_adjustment", cid, adjustment_id=f"ADJ{n}",
                                   amount_fen=rng.randrange(-50_000, 50_000), reason="concurrent"))
            if rng.random() < 0.03:
                n += 1
                facts.append(b.cmd("report_breach", cid, breach_id=f"BR{n}", party="provider",
                                   kind="confidentiality", on=day.isoformat(), description="",
                                   penalty_fen=10_000))
            day += timedelta(days=1)
        month = date(START.year, START.month, 1)
        while month <= last:
            nxt = date(month.year + month.month // 12, month.month % 12 + 1, 1)
            closing.append(b.issue(f"{month.year:04d}-{month.month:02d}",
                                   max(nxt, last + timedelta(days=1)).isoformat(), cid))
            month = nxt
    ordered = setup + facts + closing
    for k, command in enumerate(ordered):
        command["id"] = f"{tag}-{k:06d}"
    return setup, facts, closing


def _deal(rng: random.Random, facts: list[dict[str, Any]], processes: int) -> list[list[dict[str, Any]]]:
    files: list[list[dict[str, Any]]] = [[] for _ in range(processes)]
    for fact in facts:
        if processes == 1 or rng.random() < 0.6:
            owners = [rng.randrange(processes)]
        else:
            owners = rng.sample(range(processes), rng.randint(2, processes))
        for p in owners:
            files[p].append(fact)
    for f in files:
        rng.shuffle(f)
    return files


def _lines(commands: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(c, ensure_ascii=False) + "\n" for c in commands)


def _non_settlement(evs: list[cm.StoredEvent], only: set[str] | None = None) -> Counter[tuple[str, str, str]]:
    return Counter((e.stream, e.topic, e.key()[3]) for e in evs
                   if e.topic != "SettlementIssued" and (only is None or e.command_id in only))


def concurrent_round(scratch: cm.Scratch, store: str, processes: int, rng: random.Random,
                     days: int, contracts: int, part: cm.Part, round_no: int) -> None:
    tag = f"r{round_no}x{rng.randrange(10**6)}"
    setup, facts, closing = _pool(rng, contracts, days, tag)
    files = [setup + f + closing for f in _deal(rng, facts, processes)]
    union = setup + facts + closing
    paths = []
    for p, commands in enumerate(files):
        path = scratch.workdir / f"concurrent-{store}-{tag}-{p}.jsonl"
        path.write_text(_lines(commands), encoding="utf-8")
        paths.append(path)
    part.counts["processes"] += processes
    part.counts["lines"] += sum(len(f) for f in files)
    part.counts["shared_lines"] += sum(len(f) for f in files) - len(union)

    # the reference: the whole pool submitted by one process alone
    ref_db = scratch.new(store, "conc-ref")
    ref_path = scratch.workdir / f"concurrent-{store}-{tag}-ref.jsonl"
    ref_path.write_text(_lines(union), encoding="utf-8")
    ref_run = cm.ledger(ref_db, "submit", str(ref_path))
    if ref_run.code != 0:
        part.fail(f"the single-process reference run exited {ref_run.code}: "
                  f"{[r for r in ref_run.lines() if r['status'] != 'accepted'][:2]} {ref_run.err[:300]}",
                  round=round_no)
        return
    ref_events = cm.events(ref_db)
    scratch.drop(ref_db)

    db = scratch.new(store, "conc")
    if round_no % 2:  # every other round the processes find the tables made; else they make them
        cm.ledger(db, "statements", "--json")
    outs = [tempfile.TemporaryFile() for _ in files]  # noqa: SIM115  (closed below, after the reads)
    errs = [tempfile.TemporaryFile() for _ in files]  # noqa: SIM115
    # the intake's batch size (LEDGER_BATCH): the default, or small batches for many more commits
    # and conflicts per round
    batch = rng.choice([None, 1000, 200])
    part.counts[f"rounds_batch_{batch or 'default'}"] += 1
    started = time.monotonic()
    procs = [cm.spawn(db, "submit", "--quiet", str(path), stdout=o, stderr=e,  # no summary
                      env={"LEDGER_BATCH": str(batch)} if batch else None)
             for path, o, e in zip(paths, outs, errs, strict=True)]
    codes = []
    for proc in procs:
        try:
            codes.append(proc.wait(timeout=900))
        except subprocess.TimeoutExpired:
            proc.kill()
            codes.append(proc.wait())
            part.fail("a submit ran longer than 15 minutes (a lock wait?)", round=round_no)
    part.counts["wall_ms"] += int((time.monotonic() - started) * 1000)
    accepted: Counter[str] = Counter()
    problems = []
    unanswered = 0
    failed: list[str] = []
    for p, (code, o, e) in enumerate(zip(codes, outs, errs, strict=True)):
        o.seek(0)
        e.seek(0)
        out, err = o.read().decode("utf-8", "replace"), e.read().decode("utf-8", "replace")
        o.close()
        e.close()
        results = [json.loads(line) for line in out.split("\n") if line.strip()]
        statuses = Counter(r["status"] for r in results)
        answered_all = len(results) == len(files[p]) and not set(statuses) - {"accepted", "duplicate"}
        if code != 0 or err.strip() or not answered_all:
            bad = [r for r in results if r["status"] not in ("accepted", "duplicate")][:2]
            failed.append(f"process {p} exited {code} with {len(results)}/{len(files[p])} results "
                          f"{dict(statuses)} {bad}; stderr: {err.strip()[-600:]!r}")
            part.counts["failed_processes"] += 1
            last_line = (err.strip().split("\n") or [""])[-1]
            part.counts[f"stderr: {last_line[:40].split(' failed: ')[-1] or '(none)'}"] += 1
        unanswered += max(0, len(files[p]) - len(results))
        for r in results:
            if r["status"] == "accepted":
                accepted[r["id"]] += 1
        part.counts["duplicates"] += statuses.get("duplicate", 0)
    if failed:
        problems.append(f"{len(failed)} of {processes} processes did not answer every line with "
                        f"accepted/duplicate and exit 0; e.g. {failed[0]}")
    doubled = [cid for cid, n in accepted.items() if n > 1]
    if doubled:
        problems.append(f"{len(doubled)} command ids answered accepted by several processes: {doubled[:3]}")
    union_ids = {c["id"] for c in union}
    if not problems and set(accepted) != union_ids:
        problems.append(f"{len(union_ids - set(accepted))} command ids accepted by no process")
    evs = cm.events(db)
    rows = cm.command_rows(db)
    if len(rows) != len(union_ids) or set(rows) != union_ids:
        problems.append(f"{len(rows)} ledger_commands rows for {len(union_ids)} command ids")
    if {e.command_id for e in evs} != union_ids:
        problems.append("the command ids among the events are not the submitted ones")
    want, got = _non_settlement(ref_events), _non_settlement(evs)
    # lost: events of commands some process answered "accepted" that are not stored
    part.counts["lost_events"] += sum((_non_settlement(ref_events, set(accepted)) - got).values())
    part.counts["extra_events"] += sum((got - want).values())
    part.counts["unanswered_lines"] += unanswered
    part.counts["doubled_command_ids"] += len(doubled)
    if want != got:
        problems.append(f"events differ from the single-process run: {sum((want - got).values())} lost, "
                        f"{sum((got - want).values())} doubled or changed; e.g. lost "
                        f"{sorted(want - got)[:1]} extra {sorted(got - want)[:1]}")
    settlements = Counter(e.command_id for e in evs if e.topic == "SettlementIssued")
    if set(settlements) != {c["id"] for c in closing} or any(n != 1 for n in settlements.values()):
        problems.append(f"statements issued {dict(settlements)}; expected each of {len(closing)} once")
    gaps = cm.stream_gaps(db)
    if gaps:
        problems.append(f"stream versions not 1..n: {gaps[:3]}")
    try:
        total, txns = cm.trial_balance(db)
        part.counts["journal_transactions"] += txns
        if total != 0:
            problems.append(f"trial balance is {total}, not 0")
    except AssertionError as exc:
        problems.append(str(exc))
    verify = cm.ledger(db, "audit", "verify")
    if verify.code != 0:
        problems.append(f"audit verify exited {verify.code}: {(verify.out + verify.err).strip()[:300]}")
    rebuild = cm.ledger(db, "rebuild", "--json")
    if rebuild.code != 0 or cm.has_traceback(rebuild.err):
        problems.append(f"rebuild exited {rebuild.code}: {(rebuild.out + rebuild.err).strip()[:500]}")
    else:
        part.counts["statements_checked"] += int(rebuild.json().get("statements_checked", 0))
    part.counts["events"] += len(evs)
    part.counts["rounds"] += 1
    for problem in problems:
        part.fail(problem, round=round_no, processes=processes)
    if not problems:
        scratch.drop(db)


def run(scratch: cm.Scratch, store: str, seed: int, rounds: int, processes: int, days: int,
        contracts: int = 3) -> cm.Part:
    part = cm.Part("concurrent", store, seed)
    started = time.monotonic()
    rng = random.Random(seed)
    for round_no in range(rounds):
        concurrent_round(scratch, store, processes, rng, days, contracts, part, round_no)
    part.seconds = time.monotonic() - started
    return part
