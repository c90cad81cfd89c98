"""The intake reads the contracts and months a batch names in one query (issue 14), and
decides exactly as it would reading them one at a time."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from builders import agent_ready, shift, sign

from app.intake import Intake
from store.eventstore import Store, open_store

TODAY = dt.date(2026, 12, 31)
CONTRACTS = [f"P{i:02d}" for i in range(12)]


def _lines(commands: list[dict[str, Any]]) -> list[bytes]:
    return [json.dumps(c).encode() + b"\n" for c in commands]


def _submit(store: Store, commands: list[dict[str, Any]]) -> list[Any]:
    return list(Intake(store, today=TODAY).submit(_lines(commands)))


def test_a_cold_batch_reads_every_stream_it_names_at_once(db: str,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    store = open_store(db)
    setup = [c for cid in CONTRACTS for c in (sign(cid), *agent_ready("a1", cid))]
    setup += [shift("a1", "2026-03-02", contract_id=cid) for cid in CONTRACTS]
    assert {r.status for r in _submit(store, setup)} == {"accepted"}

    reads = {"stream": 0, "streams": 0}

    def counting(name: str) -> Any:
        original = getattr(Store, name)

        def counted(self: Store, *args: Any) -> Any:
            reads[name] += 1
            return original(self, *args)
        return counted

    for name in reads:
        monkeypatch.setattr(Store, name, counting(name))
    batch = [shift("a1", day, contract_id=cid) for cid in CONTRACTS
             for day in ("2026-03-03", "2026-04-01")]
    batch += [shift("a1", "2026-03-02", contract_id=cid) for cid in CONTRACTS]  # stored already
    results = _submit(store, batch)  # a fresh intake: nothing warm
    assert reads == {"stream": 0, "streams": 1}  # 12 contracts and 24 months in one query
    assert [r.status for r in results] == ["accepted"] * 24 + ["rejected"] * 12
    assert {r.error["code"] for r in results[24:] if r.error} == {"shift_exists"}


def test_ids_no_database_stores_are_not_read_ahead(db: str) -> None:
    """A line's contract_id is read ahead before the line is checked: one with NUL (which
    PostgreSQL cannot hold), one longer than any id, a date with NUL in its month. Each is
    rejected by the checks as before; the batch's other lines are answered and stored."""
    store = open_store(db)
    good = [sign("P00"), *agent_ready("a1", "P00"), shift("a1", "2026-03-02", contract_id="P00")]
    bad = [shift("a1", "2026-03-03", contract_id="nul\u0000byte"),
           shift("a1", "2026-03-03", contract_id="P" * 300),
           {**shift("a1", "2026-03-03", contract_id="P00"), "date": "2026-0\u00003-03"}]
    results = _submit(store, [*bad, *good])
    assert [r.status for r in results[:3]] == ["rejected"] * 3
    assert {r.status for r in results[3:]} == {"accepted"}
