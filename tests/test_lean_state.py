"""The lean contract state intake keeps warm, against the full state the reports fold.

Intake keeps a QA inspection as date, score and stream version and an issued
statement without its body (``store.lean``); both are fetched again from the
store when needed, or from batches not written yet.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import msgspec
import pytest
from builders import agent_ready, cmd, full_month, issue, sign
from builders import shift as shift_cmd

from app.intake import Intake
from ledger.kept import KeptInspections, KeptIssued
from store import workspace
from store.eventstore import Pending, Store
from store.lean import LazyIssued, LeanInspections
from store.view import View
from store.workspace import Workspace

MARCH = ("2026-03-02", "2026-03-31")


def _qa(inspection_id: str, day: str, score: int) -> dict[str, Any]:
    return cmd("record_qa_inspection", inspection_id=inspection_id, agent_id="a1", date=day,
               score=score, sampled_sessions=10)


def _history(ledger: Any) -> None:
    ledger.accept(sign(), *agent_ready("a1"), *agent_ready("a2"))
    ledger.accept(*full_month(["a1", "a2"], *MARCH),
                  _qa("Q1", "2026-03-05", 70), _qa("Q2", "2026-03-06", 95),
                  _qa("Q3", "2026-03-09", 60))
    ledger.accept(issue("2026-03", "2026-04-01"))


def test_lean_state_fetches_what_it_does_not_keep(ledger: Any) -> None:
    _history(ledger)
    store = Store(ledger.db)
    try:
        lean = Workspace(store).contract("C1")
        full = View(store).contract("C1")
        assert lean is not None and full is not None
        assert isinstance(lean.inspections, LeanInspections)
        assert isinstance(lean.issued["2026-03"], LazyIssued)
        assert isinstance(full.inspections, KeptInspections)
        assert isinstance(full.issued["2026-03"], KeptIssued)

        # the issued statement: not kept by the lean state, fetched once, the same bytes
        issued = lean.issued["2026-03"]
        assert isinstance(issued, LazyIssued)
        assert issued._event is None
        assert msgspec.json.encode(issued.event) == msgspec.json.encode(full.issued["2026-03"].event)
        assert issued._event is not None

        # inspection ids: known or not, exactly
        assert "Q1" in lean.inspections and "Q3" in lean.inspections
        assert "Q4" not in lean.inspections and "q1" not in lean.inspections

        # the failures (score < 85) fetched as events, in order, the passing one left out
        failed = lean.inspections.dated_in("2026-03", lambda day, score: score < 85)
        assert [q.inspection_id for q in failed] == ["Q1", "Q3"]
        assert [q.inspection_id for q in full.inspections.dated_in("2026-03", lambda d, s: s < 85)] == [
            "Q1", "Q3"]
    finally:
        store.close()


def test_lean_state_finds_inspections_not_yet_written(ledger: Any) -> None:
    """An inspection decided in the batch being built is fetched from the batch."""
    _history(ledger)
    store = Store(ledger.db)
    try:
        ws = Workspace(store)
        state = ws.contract("C1")
        assert state is not None
        stored = state.version
        first = state.inspections.dated_in("2026-03", lambda day, score: True)[0]
        event = msgspec.structs.replace(first, inspection_id="Q9", command_id="unsaved-qa")
        ws.append("contract:C1", event)
        assert ws.pending == [Pending("contract:C1", stored + 1, event)]
        assert "Q9" in state.inspections
        failed = state.inspections.dated_in("2026-03", lambda day, score: score < 85)
        assert [q.inspection_id for q in failed] == ["Q1", "Q3", "Q9"]  # in stream order
        assert store.event_count() == ledger.stats()[0]  # nothing written
    finally:
        store.close()


def _year_lines() -> list[bytes]:
    march, april = full_month(["a1", "a2"], *MARCH), full_month(["a1", "a2"], "2026-04-01",
                                                                 "2026-04-30")
    commands = [sign(), *agent_ready("a1"), *agent_ready("a2"), *march[:-4], *april,
                *march[-4:],  # March's last shifts arrive after April's: March is read again
                shift_cmd("a1", "2026-03-03"),  # worked already: rejected from a reloaded month
                _qa("Q1", "2026-03-05", 70),
                issue("2026-03", "2026-04-01"), issue("2026-04", "2026-05-01")]
    return [json.dumps(c).encode() for c in commands]


def _submit(db: str, lines: list[bytes], batch: int) -> tuple[list[str], list[bytes]]:
    store = Store(db)
    try:
        results = [r.status for r in Intake(store).submit(lines, batch=batch)]
        view = View(store)
        state = view.contract("C1")
        assert state is not None
        return results, [msgspec.json.encode(state.issued[p].event.statement) for p in state.order]
    finally:
        store.close()


def test_months_evicted_and_read_again_decide_and_price_the_same(
        db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = _year_lines()
    reference = _submit(str(tmp_path / "reference.db"), lines, 5000)
    monkeypatch.setattr(workspace, "MONTH_CACHE", 1)
    evicting = _submit(db, lines, 3)
    assert evicting == reference
    results, statements = evicting
    assert results.count("rejected") == 1 and len(statements) == 2
