"""Idempotency across processes: the same file submitted twice, concurrently,
stores each command once (SPEC §3, §10 Input; issue 2)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from builders import agent_ready, full_month, issue, pay, sign

LEDGER = [sys.executable, "-m", "cli.main"]
ROOT = Path(__file__).resolve().parents[1]


def _commands() -> list[dict[str, Any]]:
    cmds: list[dict[str, Any]] = []
    for cid in ("C1", "C2", "C3"):
        cmds += [sign(cid), *agent_ready("a1", cid), *agent_ready("a2", cid)]
        cmds += full_month(["a1", "a2"], "2026-03-02", "2026-03-31", contract_id=cid)
        cmds += [issue("2026-03", "2026-04-01", cid), pay(f"P-{cid}", 500000, "2026-04-05", cid)]
    return cmds


def _submit(db: str, path: Path) -> subprocess.Popen[str]:
    # Small batches: many transactions each, written while the next is decided.
    env = dict(os.environ, LEDGER_LOG_LEVEL="warning", PYTHONPATH=str(ROOT), LEDGER_BATCH="20")
    return subprocess.Popen([*LEDGER, "--db", db, "submit", str(path)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)


def test_same_file_twice_concurrently_stores_each_command_once(ledger: Any, tmp_path: Path) -> None:
    cmds = _commands()
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(json.dumps(c, ensure_ascii=False) for c in cmds) + "\n")
    procs = [_submit(ledger.db, path) for _ in range(2)]
    outputs = [p.communicate(timeout=300) for p in procs]
    for proc, (_out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
        assert "Traceback" not in err
    answers = [[json.loads(line) for line in out.splitlines()] for out, _ in outputs]
    accepted_by: dict[str, int] = {}
    for results in answers:
        assert [r["id"] for r in results] == [c["id"] for c in cmds]
        for r in results:
            assert r["status"] in {"accepted", "duplicate"}, r
            if r["status"] == "accepted":
                accepted_by[r["id"]] = accepted_by.get(r["id"], 0) + 1
    assert accepted_by == {c["id"]: 1 for c in cmds}  # each id accepted exactly once

    # The store equals one clean run: every command stored once, streams contiguous.
    from store.eventstore import open_store

    store = open_store(ledger.db)
    assert store.query("SELECT COUNT(*) FROM ledger_commands")[0][0] == len(cmds)
    ids = [r[0] for r in store.query("SELECT state FROM ledger_events")]
    command_ids = [json.loads(bytes(s))["command_id"] for s in ids]
    # one event per command here, except none: every command of this file emits one event
    assert sorted(command_ids) == sorted(c["id"] for c in cmds)
    versions: dict[str, list[int]] = {}
    for stream, version in store.query("SELECT originator_id, originator_version FROM ledger_events"):
        versions.setdefault(stream, []).append(int(version))
    for stream, seen in versions.items():
        assert sorted(seen) == list(range(1, len(seen) + 1)), stream
    assert ledger.run("audit", "verify").code == 0
    (balance,) = ledger.run("balance", "C1", "--json").json()
    statement = ledger.statement("C1", "2026-03")
    assert balance["receivable_fen"] == statement["total_fen"] - 500000
