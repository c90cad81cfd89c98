"""Properties of billing over random histories (issue 3), on SQLite.

For a random month of shifts, late facts after the statement (late shifts,
retractions, a back-dated rate change, QA inspections, payments) and a second
statement:
- every statement's lines sum to its subtotal, and subtotal + tax = total;
- the journal's trial balance is zero;
- an issued statement is byte-identical whatever facts arrive after it;
- rebuilding the read models equals the incrementally maintained ones;
- what was billed for a period plus its corrections equals the period
  computed with everything known (a store that learnt the facts before issuing).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from builders import agent_ready, bpc_terms, cmd, days, fixed_terms, issue, pay, shift, sign
from conftest import Ledger
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

MARCH = days("2026-03-02", "2026-03-31")
APRIL = days("2026-04-01", "2026-04-30")
AGENTS = ["a1", "a2", "a3"]
ACTIVITY = ("base", "special_day", "commission", "fixed_fee", "extra_shifts", "understaffing",
            "qa_penalty")


@st.composite
def histories(draw: Any) -> dict[str, Any]:
    fixed = draw(st.booleans())
    terms = fixed_terms() if fixed else bpc_terms()
    terms["staffing"]["special_days"] = [
        {"date": "2026-03-20", "kind": "promotion", "label": "大促", "agents": {"day": 3},
         "multiplier": draw(st.sampled_from(["1.5", "1.25", "2"]))}]
    worked = draw(st.sets(st.tuples(st.sampled_from(AGENTS), st.sampled_from(MARCH)),
                          min_size=5, max_size=40))
    april = draw(st.sets(st.tuples(st.sampled_from(AGENTS), st.sampled_from(APRIL)), max_size=20))
    late_shifts = draw(st.sets(st.tuples(st.sampled_from(AGENTS), st.sampled_from(MARCH)),
                               max_size=8)) - worked
    retract = draw(st.lists(st.sampled_from(sorted(worked)), max_size=4, unique=True))
    qa = draw(st.lists(st.tuples(st.sampled_from(AGENTS), st.sampled_from(MARCH),
                                 st.integers(0, 100)), max_size=5))
    rate = draw(st.one_of(st.none(), st.integers(15000, 25000)))
    sales = draw(st.lists(st.tuples(st.sampled_from(AGENTS), st.sampled_from(MARCH),
                                    st.integers(0, 999999)), max_size=5))
    payments = draw(st.lists(st.tuples(st.integers(1, 2_000_000),
                                       st.sampled_from(["2026-04-05", "2026-04-20", "2026-04-28"])),
                             max_size=3))
    return {"fixed": fixed, "terms": terms, "worked": sorted(worked), "april": sorted(april),
            "late_shifts": sorted(late_shifts), "retract": retract, "qa": qa, "rate": rate,
            "sales": sales, "payments": payments}


def _setup(h: dict[str, Any]) -> list[dict[str, Any]]:
    cmds = [sign("C1", terms=h["terms"])]
    for a in AGENTS:
        cmds += agent_ready(a)
    cmds += [shift(a, d) for a, d in h["worked"]]
    if not h["fixed"]:
        cmds += [cmd("record_sales", agent_id=a, date=d, sales_fen=s, orders=1)
                 for a, d, s in h["sales"]]
    return cmds


def _late(h: dict[str, Any]) -> list[dict[str, Any]]:
    cmds = [shift(a, d) for a, d in h["late_shifts"]]
    cmds += [cmd("retract_shift", agent_id=a, date=d, shift="day", reason="import error")
             for a, d in h["retract"]]
    cmds += [cmd("record_qa_inspection", inspection_id=f"Q{i}", agent_id=a, date=d, score=s,
                 sampled_sessions=5) for i, (a, d, s) in enumerate(h["qa"])]
    if h["rate"] is not None:
        key = "extra_shift_fen" if h["fixed"] else "shift_rate_fen"
        cmds.append(cmd("amend_terms", effective_from="2026-03-16",
                        terms={"pricing": {key: h["rate"]}}))
    return cmds


def _april(h: dict[str, Any]) -> list[dict[str, Any]]:
    cmds = [shift(a, d) for a, d in h["april"]]
    cmds += [pay(f"P{i}", amount, on) for i, (amount, on) in enumerate(h["payments"])]
    return cmds


def _billed_for_march(statements: list[dict[str, Any]]) -> dict[str, int]:
    billed: dict[str, int] = {}
    for st_ in statements:
        for line in st_["lines"]:
            refs = line["refs"]
            if line["code"] == "correction" and refs["period"] == "2026-03":
                billed[refs["line"]] = billed.get(refs["line"], 0) + line["amount_fen"]
            elif line["code"] in ACTIVITY and refs.get("period") == "2026-03":
                billed[line["code"]] = billed.get(line["code"], 0) + line["amount_fen"]
    return {k: v for k, v in billed.items() if v}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(histories())
def test_billing_properties(h: dict[str, Any]) -> None:
    from store.eventstore import close_all_stores, open_store
    from store.readmodels import digests

    with tempfile.TemporaryDirectory() as tmp:
        ledger = Ledger(str(Path(tmp) / "p.db"), Path(tmp))
        ledger.accept(*_setup(h), issue("2026-03", "2026-04-01"))
        march_before = ledger.run("statement", "C1", "2026-03", "--json").out
        ledger.accept(*_late(h))
        ledger.accept(*_april(h), issue("2026-04", "2026-05-01"))

        # An issued statement never changes.
        assert ledger.run("statement", "C1", "2026-03", "--json").out == march_before
        statements = [ledger.statement("C1", p) for p in ("2026-03", "2026-04")]
        event(f"correction lines: {sum(ln['code'] == 'correction' for ln in statements[1]['lines'])}")
        for s in statements:
            assert sum(line["amount_fen"] for line in s["lines"]) == s["subtotal_fen"]
            assert s["subtotal_fen"] + s["tax_fen"] == s["total_fen"]
        assert statements[1]["account"]["opening_fen"] == statements[0]["account"]["closing_fen"]

        # The journal balances.
        txns = ledger.run("journal", "--format", "json").json()
        assert all(sum(p["amount_fen"] for p in t["postings"]) == 0 for t in txns)
        assert sum(p["amount_fen"] for t in txns for p in t["postings"]) == 0

        # Rebuilding equals what was maintained incrementally.
        incremental = digests(open_store(ledger.db))
        rebuilt = ledger.run("rebuild", "--json")
        assert rebuilt.code == 0, rebuilt
        assert rebuilt.json()["digests"] == incremental
        assert rebuilt.json()["differences"] == []

        # Billed plus corrections equals March computed with everything known.
        known = Ledger(str(Path(tmp) / "known.db"), Path(tmp))
        known.accept(*_setup(h), *_late(h), issue("2026-03", "2026-04-01"))
        expected = _billed_for_march([known.statement("C1", "2026-03")])
        assert _billed_for_march(statements) == expected
        close_all_stores()
