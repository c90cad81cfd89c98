"""Input the fuzz campaign found: every line still gets an answer, nothing is stored."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from builders import cmd, sign


def _submit_bytes(ledger: Any, tmp_path: Path, *raw: bytes) -> list[dict[str, Any]]:
    path = tmp_path / "raw.jsonl"
    path.write_bytes(b"\n".join(raw) + b"\n")
    run = ledger.run("submit", str(path))
    assert "Traceback" not in run.err
    return run.lines()


def test_invalid_utf8_and_deep_nesting_are_invalid_json(ledger: Any, tmp_path: Path) -> None:
    before = ledger.stats()
    results = _submit_bytes(ledger, tmp_path,
                            b'{"type": "record_payment", "id": "\xed\xbf\xbf"}',
                            b'{"id": "x", "deep": ' + b"[" * 5000 + b"]" * 5000 + b"}")
    assert [r["error"]["code"] for r in results] == ["invalid_json", "invalid_json"]
    assert ledger.stats() == before


def test_nul_in_text_is_invalid_value_naming_the_field(ledger: Any, tmp_path: Path) -> None:
    ledger.accept(sign("C1"))
    before = ledger.stats()
    line = json.dumps(cmd("record_payment", payment_id="P1", amount_fen=100,
                          received_on="2026-03-05", reference="bank\u0000ref"))
    (result,) = _submit_bytes(ledger, tmp_path, line.encode())
    assert result["error"]["code"] == "invalid_value"
    assert result["error"]["field"] == "reference"
    assert ledger.stats() == before


def test_decimal_kpi_amendments_fold_again_later(ledger: Any) -> None:
    ledger.accept(sign("C1"),
                  cmd("amend_terms", effective_from="2026-03-18",
                      terms={"kpi": {"min_qa_score": 84.5, "max_first_response_s": 29.5}}),
                  cmd("amend_terms", effective_from="2026-03-25",
                      terms={"penalties": {"qa_cap_rate": "0.2"}}))
    error = ledger.reject(cmd("amend_terms", effective_from="2026-03-26",
                              terms={"kpi": {"min_qa_score": "84"}}))
    assert (error["code"], error["field"]) == ("invalid_type", "terms.kpi.min_qa_score")
    draft = ledger.statement("C1", "2026-03", "--live", "--on", "2026-04-01")
    assert draft["status"] == "draft"


def test_a_submit_shortens_the_switch_interval_while_it_writes_and_gives_it_back(
        ledger: Any) -> None:
    """The writer thread gets the GIL within ``HANDOVER`` of asking while batches are
    decided beside it; the interval is the caller's again when the batches end, when the
    caller stops early, and a dry run (no writer) leaves it alone."""
    import sys

    from app.intake import HANDOVER, Intake
    from store.eventstore import open_store

    before = sys.getswitchinterval()
    assert before > HANDOVER  # CPython's default, 5 ms
    lines = [json.dumps(c).encode() for c in (sign("C1"), sign("C2"), sign("C3"))]
    store = open_store(ledger.db)
    during = [sys.getswitchinterval() for _ in Intake(store).batches(lines[:2], batch=1)]
    assert during == [HANDOVER, HANDOVER]
    assert sys.getswitchinterval() == before
    batches = Intake(store).batches(lines[2:] + lines[:1], batch=1)
    next(batches)
    assert sys.getswitchinterval() == HANDOVER
    batches.close()  # the caller stops early (Ctrl-C, a closed pipe)
    assert sys.getswitchinterval() == before
    dry = [sys.getswitchinterval() for _ in Intake(store, dry_run=True).batches(lines, batch=1)]
    assert dry == [before] * 3
