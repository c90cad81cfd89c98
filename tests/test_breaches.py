"""Contract-breach records (SPEC §6, §8, §10 "Breach records" and "Further rules").

Contract C1 (builders): service from Monday 2026-03-02, Mon-Fri, one shift
``day`` of 2 agents, 20 000 per agent-shift, understaffing 10 000 per missing
agent-shift, QA failure 20 000 capped at 10 % of the service fee, a breach at 3
failures, min QA score 85, max first response 30 s, late fee 0.0005 a day, due
10 days after issue, tax 6 %.

March 2026 has 22 weekdays (03-02 .. 03-31), April 2026 has 22 (04-01 .. 04-30).
Every expected amount is worked out by hand in a comment next to it.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from builders import agent_ready, bpc_terms, cmd, full_month, issue, pay, shift, sign

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "worked-example"

BREACH_FIELDS = {
    "breach_id", "contract_id", "party", "rule", "period", "on", "detail", "evidence",
    "amount_fen", "status",
}


# --------------------------------------------------------------------------- helpers


def _breaches(ledger: Any, *args: str, on: str) -> list[dict[str, Any]]:
    run = ledger.run("breaches", *args, "--on", on, "--json")
    assert run.code == 0, run
    data = run.json()
    assert isinstance(data, list), data
    return data


def _march_only(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Drop April's understaffed shifts: scenarios that only staff March leave
    April's plan unworked, which §6 rightly records; these tests look elsewhere."""
    return [r for r in records
            if not (r["rule"] == "understaffed_shift" and r["on"] >= "2026-04-01")]


def _by_id(records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    out = {r["breach_id"]: r for r in records}
    assert len(out) == len(records), f"breach_id not unique: {records}"
    return out


def _rule(records: list[dict[str, Any]], rule: str) -> list[dict[str, Any]]:
    return [r for r in records if r["rule"] == rule]


def _check(record: dict[str, Any], **expected: Any) -> None:
    for key, value in expected.items():
        assert record[key] == value, (key, value, record)


def _start(ledger: Any, terms: dict[str, Any] | None = None,
           agents: tuple[str, ...] = ("a1", "a2"), contract_id: str = "C1") -> None:
    cmds: list[dict[str, Any]] = [sign(contract_id, terms=terms)]
    for agent in agents:
        cmds += agent_ready(agent, contract_id)
    ledger.accept(*cmds)


def _march(ledger: Any, skip: set[tuple[str, str]] | None = None) -> None:
    ledger.accept(*full_month(["a1", "a2"], "2026-03-02", "2026-03-31", skip=skip))


def _issued_march_with_gap(ledger: Any) -> None:
    """C1, March worked by a1 and a2 except a2 on 03-03, issued 2026-04-01.

    base 43 x 20 000 = 860 000; understaffing -1 x 10 000 = -10 000;
    subtotal 850 000; tax 850 000 x 0.06 = 51 000; total 901 000; due 04-01 + 10 = 04-11.
    """
    _start(ledger)
    _march(ledger, skip={("a2", "2026-03-03")})
    ledger.accept(issue("2026-03", "2026-04-01"))
    st = ledger.statement("C1", "2026-03")
    assert st["total_fen"] == 901000
    assert st["due_on"] == "2026-04-11"


def _resolve(breach_id: str, outcome: str = "waived", on: str = "2026-04-20") -> dict[str, Any]:
    return cmd("resolve_breach", None, breach_id=breach_id, outcome=outcome, on=on, note="")


def _report(breach_id: str, party: str, on: str, penalty_fen: int,
            contract_id: str = "C1") -> dict[str, Any]:
    return cmd("report_breach", contract_id, breach_id=breach_id, party=party,
               kind="confidentiality", on=on, description="customer data shared",
               penalty_fen=penalty_fen)


def _retract(agent: str, day: str) -> dict[str, Any]:
    return cmd("retract_shift", agent_id=agent, date=day, shift="day", reason="no-show")


def _worked(first: str, last: str,
            skip: set[tuple[str, str]] | None = None) -> list[dict[str, Any]]:
    """a1 and a2 on every weekday from first to last on C1, except (agent, date) in skip."""
    return full_month(["a1", "a2"], first, last, skip=skip)


def _qa(inspection_id: str, day: str, score: float, agent: str = "a1") -> dict[str, Any]:
    return cmd("record_qa_inspection", inspection_id=inspection_id, agent_id=agent, date=day,
               score=score, sampled_sessions=20)


def _metrics(agent: str, day: str, sessions: int, avg: float) -> dict[str, Any]:
    return cmd("record_service_metrics", agent_id=agent, date=day, sessions=sessions,
               avg_first_response_s=avg)


def _deposit(amount_fen: int, received_on: str) -> dict[str, Any]:
    return cmd("record_deposit", amount_fen=amount_fen, received_on=received_on,
               reference=f"DEP-{received_on}")


def _history_ids(ledger: Any, contract_id: str) -> set[str]:
    run = ledger.run("history", contract_id, "--json")
    assert run.code == 0, run
    events = run.json()
    assert isinstance(events, list)
    assert events
    return {e["command_id"] for e in events}


def _u(day: str, code: str = "day", contract_id: str = "C1") -> str:
    return f"{contract_id}/understaffed_shift/{day}/{code}"


DEPOSIT_TERMS = bpc_terms(pricing={"deposit_fen": 500000})


# ------------------------------------------------------------------ worked example


def _submit_worked_example(ledger: Any) -> dict[str, Any]:
    run = ledger.run("submit", str(EXAMPLES / "worked-example.jsonl"))
    expected = json.loads((EXAMPLES / "worked-example.expected.json").read_text(encoding="utf-8"))
    # exactly one line (the float amount of ex-0064) is rejected, so the batch exits 1
    assert run.code == 1, run
    statuses = [(r["id"], r["status"]) for r in run.lines()]
    assert statuses == [(r["id"], r["status"]) for r in expected["results"]]
    return dict(expected)


def test_worked_example_breach_records(ledger: Any) -> None:
    expected = _submit_worked_example(ledger)
    assert expected["breaches_evaluated_on"] == "2027-05-03"
    got = _by_id(_breaches(ledger, "QDH-7", on="2027-05-03"))
    want = _by_id(expected["breaches"])
    # the exact set: QDH-7/understaffed_shift/2027-03-17/day and QDH-7/late_payment/QDH-7-2027-03;
    # no record for 03-23 (filled by the late shift ex-0062), no qa_failures (1 < 3),
    # no deposit_late (deposit on 02-26), April's statement not due until 05-13
    assert set(got) == set(want) == {
        "QDH-7/understaffed_shift/2027-03-17/day",
        "QDH-7/late_payment/QDH-7-2027-03",
    }
    for breach_id, w in want.items():
        g = got[breach_id]
        for key in ("breach_id", "contract_id", "party", "rule", "period", "on", "amount_fen",
                    "status"):
            assert g[key] == w[key], (breach_id, key, g[key], w[key])
    # spelled out: understaffing -1 x 12 000; late fee 428 837 x 0.0005 x 5 = 1 072.0925 -> 1 072
    assert got["QDH-7/understaffed_shift/2027-03-17/day"]["amount_fen"] == -12000
    assert got["QDH-7/late_payment/QDH-7-2027-03"]["amount_fen"] == 1072
    assert got["QDH-7/late_payment/QDH-7-2027-03"]["on"] == "2027-04-12"


def test_worked_example_records_shape_and_evidence(ledger: Any) -> None:
    _submit_worked_example(ledger)
    records = _breaches(ledger, "QDH-7", on="2027-05-03")
    assert len(records) == 2
    history = _history_ids(ledger, "QDH-7")
    for r in records:
        assert set(r) == BREACH_FIELDS, r
        assert isinstance(r["evidence"], list)
        assert r["evidence"], r
        assert set(r["evidence"]) <= history, r
        assert isinstance(r["amount_fen"], int)
        assert not isinstance(r["amount_fen"], bool)
    # without CONTRACT the one contract's records are listed too
    assert set(_by_id(_breaches(ledger, on="2027-05-03"))) == {r["breach_id"] for r in records}


# -------------------------------------------------------------- understaffed_shift


def test_understaffed_one_record_per_date_and_code(ledger: Any) -> None:
    _start(ledger)
    ledger.accept(
        shift("a1", "2026-03-02"), shift("a2", "2026-03-02"),  # full
        shift("a1", "2026-03-03"),                              # 1 missing
        # 2026-03-04: nobody                                      2 missing
    )
    recs = _by_id(_breaches(ledger, "C1", on="2026-03-05"))
    # 03-05 itself is not before --on, so it is not (yet) a record
    assert set(recs) == {_u("2026-03-03"), _u("2026-03-04")}
    _check(recs[_u("2026-03-03")], contract_id="C1", party="provider", rule="understaffed_shift",
           period="2026-03", on="2026-03-03", status="open",
           amount_fen=-10000)  # -1 missing x 10 000
    _check(recs[_u("2026-03-04")], contract_id="C1", party="provider", rule="understaffed_shift",
           period="2026-03", on="2026-03-04", status="open",
           amount_fen=-20000)  # -2 missing x 10 000


def test_understaffed_only_once_the_date_is_before_on(ledger: Any) -> None:
    _start(ledger)
    ledger.accept(shift("a1", "2026-03-02"), shift("a2", "2026-03-02"), shift("a1", "2026-03-03"))
    # --on 03-03: the date 03-03 is not before it
    assert _breaches(ledger, "C1", on="2026-03-03") == []
    # --on 03-04: 03-03 has passed (03-04 itself, with nobody, not yet)
    recs = _by_id(_breaches(ledger, "C1", on="2026-03-04"))
    assert set(recs) == {_u("2026-03-03")}
    assert recs[_u("2026-03-03")]["amount_fen"] == -10000  # -1 x 10 000


def test_understaffed_only_planned_days_inside_the_window(ledger: Any) -> None:
    _start(ledger)  # no shift recorded at all
    recs = _by_id(_breaches(ledger, "C1", on="2026-03-10"))
    # dates before 2026-03-10: Mon 03-02 .. Fri 03-06 and Mon 03-09; the weekend 03-07/08 has no
    # plan; Fri 2026-02-27 is before service_start (planned 0)
    planned = ["2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05", "2026-03-06", "2026-03-09"]
    assert set(recs) == {_u(d) for d in planned}
    for d in planned:
        _check(recs[_u(d)], on=d, period="2026-03", status="open",
               amount_fen=-20000)  # -2 missing x 10 000


def test_understaffed_record_disappears_when_a_late_shift_fills_it(ledger: Any) -> None:
    _start(ledger)
    ledger.accept(shift("a1", "2026-03-02"), shift("a2", "2026-03-02"), shift("a1", "2026-03-03"))
    before = _by_id(_breaches(ledger, "C1", on="2026-03-05"))
    assert set(before) == {_u("2026-03-03"), _u("2026-03-04")}
    # the late attendance import: a2 on 03-03 after all, a1 on 03-04
    ledger.accept(shift("a2", "2026-03-03"), shift("a1", "2026-03-04"))
    recs = _by_id(_breaches(ledger, "C1", on="2026-03-05"))
    assert set(recs) == {_u("2026-03-04")}
    assert recs[_u("2026-03-04")]["amount_fen"] == -10000  # now -1 missing x 10 000


def test_understaffed_record_appears_when_a_shift_is_retracted(ledger: Any) -> None:
    _start(ledger)
    ledger.accept(shift("a1", "2026-03-02"), shift("a2", "2026-03-02"))
    assert _breaches(ledger, "C1", on="2026-03-03") == []
    ledger.accept(_retract("a2", "2026-03-02"))
    recs = _by_id(_breaches(ledger, "C1", on="2026-03-03"))
    assert set(recs) == {_u("2026-03-02")}
    assert recs[_u("2026-03-02")]["amount_fen"] == -10000  # -1 x 10 000


def test_understaffed_special_day_uses_its_plan(ledger: Any) -> None:
    terms = bpc_terms(staffing={"special_days": [
        {"date": "2026-03-04", "kind": "promotion", "label": "大促", "agents": {"day": 3},
         "multiplier": "1.5"}]})
    _start(ledger, terms)
    ledger.accept(*full_month(["a1", "a2"], "2026-03-02", "2026-03-04"))
    recs = _by_id(_breaches(ledger, "C1", on="2026-03-05"))
    # 03-04 plans 3 on `day`, 2 worked: missing 1; the multiplier does not touch the penalty
    assert set(recs) == {_u("2026-03-04")}
    _check(recs[_u("2026-03-04")], on="2026-03-04", amount_fen=-10000)  # -1 x 10 000


def test_understaffed_one_record_per_shift_code(ledger: Any) -> None:
    terms = bpc_terms(staffing={"shifts": [
        {"code": "day", "start": "09:00", "end": "18:00", "agents": 2},
        {"code": "eve", "start": "18:00", "end": "24:00", "agents": 1}]})
    _start(ledger, terms)
    ledger.accept(shift("a1", "2026-03-02"), shift("a2", "2026-03-02"),
                  shift("a1", "2026-03-03"), shift("a2", "2026-03-03", "eve"))
    recs = _by_id(_breaches(ledger, "C1", on="2026-03-04"))
    # 03-02: day full, eve nobody (missing 1); 03-03: day 1 of 2 (missing 1), eve full
    assert set(recs) == {_u("2026-03-02", "eve"), _u("2026-03-03", "day")}
    _check(recs[_u("2026-03-02", "eve")], on="2026-03-02", amount_fen=-10000)  # -1 x 10 000
    _check(recs[_u("2026-03-03", "day")], on="2026-03-03", amount_fen=-10000)  # -1 x 10 000


# --------------------------------------------------------------------- qa_failures


def test_qa_failures_one_below_the_threshold_is_no_breach(ledger: Any) -> None:
    _start(ledger)
    _march(ledger)
    ledger.accept(*full_month(["a1", "a2"], "2026-04-01", "2026-04-30"))
    ledger.accept(
        _qa("Q1", "2026-03-05", 80),
        _qa("Q2", "2026-03-10", 70, agent="a2"),
        _qa("Q3", "2026-03-12", 90),
        _qa("Q4", "2026-03-20", 100, agent="a2"),
        _qa("Q5", "2026-04-01", 10),  # April's failure does not count for March
    )
    # March: 2 failures = qa_breach_failures - 1; April: 1 failure
    recs = _breaches(ledger, "C1", on="2026-05-01")
    assert recs == []
    # one more March failure reaches the threshold (control: the rule is evaluated at all)
    ledger.accept(_qa("Q6", "2026-03-31", 0))
    (rec,) = _breaches(ledger, "C1", on="2026-05-01")
    # 3 x 20 000 = 60 000 < cap 0.10 x 880 000 = 88 000
    _check(rec, breach_id="C1/qa_failures/2026-03", on="2026-03-31", amount_fen=-60000)


def test_qa_failures_reaching_the_threshold(ledger: Any) -> None:
    _start(ledger)
    _march(ledger)
    ledger.accept(
        _qa("Q1", "2026-03-05", 80),
        _qa("Q2", "2026-03-10", 70, agent="a2"),
        _qa("Q3", "2026-03-12", 85),              # exactly the minimum: not a failure
        _qa("Q4", "2026-03-20", 84, agent="a2"),  # the third failure
        _qa("Q5", "2026-03-25", 99),
    )
    recs = _by_id(_breaches(ledger, "C1", on="2026-04-01"))
    assert set(recs) == {"C1/qa_failures/2026-03"}
    # qa_penalty of March: 3 failures x 20 000 = 60 000; cap 0.10 x base (44 x 20 000 = 880 000)
    # = 88 000, not reached: -60 000
    _check(recs["C1/qa_failures/2026-03"], contract_id="C1", party="provider", rule="qa_failures",
           period="2026-03", on="2026-03-20", status="open", amount_fen=-60000)


def test_qa_score_exactly_minimum_is_not_a_failure(ledger: Any) -> None:
    _start(ledger)
    _march(ledger)
    ledger.accept(_qa("Q1", "2026-03-03", 50), _qa("Q2", "2026-03-04", 84.5),
                  _qa("Q3", "2026-03-05", 85), _qa("Q4", "2026-03-06", 85.0, agent="a2"))
    assert _rule(_breaches(ledger, "C1", on="2026-04-01"), "qa_failures") == []
    ledger.accept(_qa("Q5", "2026-03-11", 84.99, agent="a2"))
    (rec,) = _rule(_breaches(ledger, "C1", on="2026-04-01"), "qa_failures")
    # third failure (84.99 < 85) on 03-11; 3 x 20 000 = 60 000 < cap 88 000
    _check(rec, breach_id="C1/qa_failures/2026-03", on="2026-03-11", amount_fen=-60000)


def test_qa_failures_only_once_the_period_has_ended(ledger: Any) -> None:
    _start(ledger)
    _march(ledger)
    ledger.accept(_qa("Q1", "2026-03-02", 60), _qa("Q2", "2026-03-03", 60),
                  _qa("Q3", "2026-03-04", 60))
    # on 03-31 March has not ended yet
    assert _rule(_breaches(ledger, "C1", on="2026-03-31"), "qa_failures") == []
    (rec,) = _rule(_breaches(ledger, "C1", on="2026-04-01"), "qa_failures")
    _check(rec, breach_id="C1/qa_failures/2026-03", period="2026-03", on="2026-03-04",
           amount_fen=-60000)  # 3 x 20 000 = 60 000 < cap 88 000


def test_qa_failures_amount_is_the_capped_penalty(ledger: Any) -> None:
    _start(ledger)
    _march(ledger)
    ledger.accept(*[_qa(f"Q{i}", d, 40) for i, d in enumerate(
        ["2026-03-02", "2026-03-09", "2026-03-16", "2026-03-23", "2026-03-30"], start=1)])
    (rec,) = _rule(_breaches(ledger, "C1", on="2026-04-01"), "qa_failures")
    # 5 failures x 20 000 = 100 000 > cap 0.10 x 880 000 = 88 000 -> -88 000;
    # the threshold (3) was reached by the failure of 03-16
    _check(rec, breach_id="C1/qa_failures/2026-03", on="2026-03-16", amount_fen=-88000)


# ------------------------------------------------------------------- slow_response


def test_slow_response_weighted_mean_over_although_unweighted_mean_is_not(ledger: Any) -> None:
    _start(ledger)
    ledger.accept(_metrics("a1", "2026-03-02", 100, 40), _metrics("a2", "2026-03-03", 10, 10))
    # unweighted (40 + 10) / 2 = 25 <= 30; weighted (100 x 40 + 10 x 10) / 110 = 4100 / 110
    # = 37.27 > 30: slow
    (rec,) = _rule(_breaches(ledger, "C1", on="2026-04-01"), "slow_response")
    _check(rec, breach_id="C1/slow_response/2026-03", contract_id="C1", party="provider",
           period="2026-03", on="2026-03-31", status="open", amount_fen=0)


def test_slow_response_unweighted_mean_over_but_weighted_mean_is_not(ledger: Any) -> None:
    _start(ledger)
    ledger.accept(_metrics("a1", "2026-03-02", 100, 20), _metrics("a2", "2026-03-03", 10, 50))
    # unweighted (20 + 50) / 2 = 35 > 30; weighted (2 000 + 500) / 110 = 22.7 <= 30: not slow
    recs = _breaches(ledger, "C1", on="2026-04-01")
    assert _rule(recs, "slow_response") == []
    # non-vacuous: March's unworked shifts are listed on the same date
    assert _rule(recs, "understaffed_shift")


def test_slow_response_exactly_the_maximum_is_not_slow(ledger: Any) -> None:
    _start(ledger)
    ledger.accept(_metrics("a1", "2026-03-02", 30, 20), _metrics("a2", "2026-03-03", 10, 60),
                  _metrics("a1", "2026-04-01", 3, 30.5), _metrics("a2", "2026-04-02", 1, 28.5))
    # March: (30 x 20 + 10 x 60) / 40 = 1 200 / 40 = 30 (unweighted 40); April:
    # (3 x 30.5 + 1 x 28.5) / 4 = 120 / 4 = 30: neither is > 30
    recs = _breaches(ledger, "C1", on="2026-05-01")
    assert _rule(recs, "slow_response") == []
    assert _rule(recs, "understaffed_shift")
    # one more slow session tips April over: (120 + 1 x 31) / 5 = 30.2 > 30
    ledger.accept(_metrics("a1", "2026-04-03", 1, 31))
    (rec,) = _rule(_breaches(ledger, "C1", on="2026-05-01"), "slow_response")
    _check(rec, breach_id="C1/slow_response/2026-04", period="2026-04", on="2026-04-30")


def test_slow_response_only_once_the_period_has_ended(ledger: Any) -> None:
    _start(ledger)
    ledger.accept(_metrics("a1", "2026-03-02", 50, 45))  # mean 45 > 30
    assert _rule(_breaches(ledger, "C1", on="2026-03-31"), "slow_response") == []
    (rec,) = _rule(_breaches(ledger, "C1", on="2026-04-01"), "slow_response")
    _check(rec, breach_id="C1/slow_response/2026-03", on="2026-03-31", amount_fen=0)


# -------------------------------------------------------------------- late_payment


def test_late_payment_paid_in_full_after_due_is_remedied_with_the_fee(ledger: Any) -> None:
    _issued_march_with_gap(ledger)
    ledger.accept(pay("P1", 901000, "2026-04-16"))
    recs = _by_id(_march_only(_breaches(ledger, "C1", on="2026-05-01")))
    assert set(recs) == {_u("2026-03-03"), "C1/late_payment/C1-2026-03"}
    # 5 days late (04-16 - 04-11): 901 000 x 0.0005 x 5 = 2 252.5 -> 2 253 (half away from zero)
    _check(recs["C1/late_payment/C1-2026-03"], contract_id="C1", party="merchant",
           rule="late_payment", period="2026-03", on="2026-04-12", status="remedied",
           amount_fen=2253)


def test_late_payment_unpaid_is_open_without_fee_then_remedied(ledger: Any) -> None:
    _issued_march_with_gap(ledger)
    ledger.accept(pay("P1", 500000, "2026-04-09"))  # on time, part only
    (rec,) = _rule(_breaches(ledger, "C1", on="2026-04-12"), "late_payment")
    # unpaid rest after due_on: open; nothing is allocated late, so no fee
    _check(rec, breach_id="C1/late_payment/C1-2026-03", on="2026-04-12", status="open",
           amount_fen=0)
    ledger.accept(pay("P2", 401000, "2026-04-20"))
    (rec,) = _rule(_breaches(ledger, "C1", on="2026-04-21"), "late_payment")
    # only the late 401 000 earns a fee: 9 days (04-20 - 04-11) x 0.0005 x 401 000 = 1 804.5
    # -> 1 805
    _check(rec, breach_id="C1/late_payment/C1-2026-03", on="2026-04-12", status="remedied",
           amount_fen=1805)


def test_late_payment_not_listed_until_due_on_is_before_on(ledger: Any) -> None:
    _issued_march_with_gap(ledger)
    assert _rule(_breaches(ledger, "C1", on="2026-04-05"), "late_payment") == []
    assert _rule(_breaches(ledger, "C1", on="2026-04-11"), "late_payment") == []  # due_on == --on
    (rec,) = _rule(_breaches(ledger, "C1", on="2026-04-12"), "late_payment")
    _check(rec, breach_id="C1/late_payment/C1-2026-03", status="open", amount_fen=0)


def test_late_payment_paid_on_the_due_date_is_not_late(ledger: Any) -> None:
    _issued_march_with_gap(ledger)
    ledger.accept(pay("P1", 901000, "2026-04-11"))
    recs = _by_id(_march_only(_breaches(ledger, "C1", on="2026-05-01")))
    assert set(recs) == {_u("2026-03-03")}


def test_late_payment_never_for_money_held_as_credit_before_issue(ledger: Any) -> None:
    _start(ledger)
    _march(ledger, skip={("a2", "2026-03-03")})
    ledger.accept(pay("P0", 901000, "2026-03-20"))  # no statement yet: held as credit
    ledger.accept(issue("2026-03", "2026-04-01"))
    assert ledger.statement("C1", "2026-03")["total_fen"] == 901000  # as in _issued_march_with_gap
    recs = _by_id(_march_only(_breaches(ledger, "C1", on="2026-05-01")))
    assert set(recs) == {_u("2026-03-03")}


def test_late_payment_never_for_a_negative_total(ledger: Any) -> None:
    _start(ledger)  # nobody works in March
    ledger.accept(issue("2026-03", "2026-04-01"))
    st = ledger.statement("C1", "2026-03")
    # understaffing -44 x 10 000 = -440 000; tax -26 400; total -466 400
    assert st["total_fen"] == -466400
    recs = _breaches(ledger, "C1", on="2026-05-01")
    assert _rule(recs, "late_payment") == []
    assert len(_rule(_march_only(recs), "understaffed_shift")) == 22  # one per March weekday


def test_late_payment_never_for_a_zero_total(ledger: Any) -> None:
    _start(ledger, bpc_terms(penalties={"understaffing_fen": 20000}))
    ledger.accept(*full_month(["a1"], "2026-03-02", "2026-03-31"))
    ledger.accept(issue("2026-03", "2026-04-01"))
    st = ledger.statement("C1", "2026-03")
    # base 22 x 20 000 = 440 000; understaffing -22 x 20 000 = -440 000; subtotal 0; total 0
    assert st["total_fen"] == 0
    recs = _breaches(ledger, "C1", on="2026-05-01")
    assert _rule(recs, "late_payment") == []
    assert len(_rule(_march_only(recs), "understaffed_shift")) == 22


def test_late_payment_fee_only_on_the_late_part(ledger: Any) -> None:
    _issued_march_with_gap(ledger)
    ledger.accept(pay("P1", 500000, "2026-04-09"), pay("P2", 401000, "2026-04-16"))
    (rec,) = _rule(_breaches(ledger, "C1", on="2026-05-01"), "late_payment")
    # 401 000 x 0.0005 x 5 = 1 002.5 -> 1 003
    _check(rec, status="remedied", amount_fen=1003)


# -------------------------------------------------------------------- deposit_late


def test_deposit_late_open_when_not_received(ledger: Any) -> None:
    _start(ledger, DEPOSIT_TERMS)
    # listed only once service_start (03-02) < --on
    assert _rule(_breaches(ledger, "C1", on="2026-03-01"), "deposit_late") == []
    assert _rule(_breaches(ledger, "C1", on="2026-03-02"), "deposit_late") == []
    (rec,) = _rule(_breaches(ledger, "C1", on="2026-03-03"), "deposit_late")
    _check(rec, breach_id="C1/deposit_late/deposit", contract_id="C1", party="merchant",
           rule="deposit_late", period="2026-03", on="2026-03-02", status="open", amount_fen=0)


def test_deposit_late_remedied_once_the_total_reaches_the_deposit(ledger: Any) -> None:
    _start(ledger, DEPOSIT_TERMS)
    ledger.accept(_deposit(300000, "2026-02-27"))                 # on time, 300 000 of 500 000
    (rec,) = _rule(_breaches(ledger, "C1", on="2026-03-04"), "deposit_late")
    _check(rec, status="open")
    ledger.accept(_deposit(100000, "2026-03-04"))                 # 400 000: still short
    (rec,) = _rule(_breaches(ledger, "C1", on="2026-03-10"), "deposit_late")
    _check(rec, status="open")
    ledger.accept(_deposit(100000, "2026-03-05"))                 # 500 000: reached
    (rec,) = _rule(_breaches(ledger, "C1", on="2026-03-10"), "deposit_late")
    _check(rec, breach_id="C1/deposit_late/deposit", on="2026-03-02", status="remedied",
           amount_fen=0)


def test_deposit_late_none_when_received_by_service_start(ledger: Any) -> None:
    _start(ledger, DEPOSIT_TERMS)
    # 200 000 + 300 000 = 500 000 received by service_start (03-02 itself counts)
    ledger.accept(_deposit(200000, "2026-02-20"), _deposit(300000, "2026-03-02"))
    recs = _breaches(ledger, "C1", on="2026-03-10")
    assert _rule(recs, "deposit_late") == []
    assert _rule(recs, "understaffed_shift")  # non-vacuous: nobody worked


def test_deposit_late_none_without_a_deposit_in_the_terms(ledger: Any) -> None:
    _start(ledger)  # deposit_fen 0, nothing received
    recs = _breaches(ledger, "C1", on="2026-03-10")
    assert _rule(recs, "deposit_late") == []
    assert _rule(recs, "understaffed_shift")


# ---------------------------------------------------------------- reported breaches


def test_reported_breaches_merchant_and_provider(ledger: Any) -> None:
    _start(ledger)
    _march(ledger)
    ledger.accept(*full_month(["a1", "a2"], "2026-04-01", "2026-04-03"))
    ledger.accept(_report("RB-1", "merchant", "2026-03-10", 50000),
                  _report("RB-2", "provider", "2026-04-02", 30000))
    recs = _by_id(_breaches(ledger, "C1", on="2026-04-06"))
    assert set(recs) == {"C1/reported/RB-1", "C1/reported/RB-2"}
    _check(recs["C1/reported/RB-1"], contract_id="C1", party="merchant", rule="reported",
           period="2026-03", on="2026-03-10", status="open", amount_fen=50000)   # +penalty
    _check(recs["C1/reported/RB-2"], contract_id="C1", party="provider", rule="reported",
           period="2026-04", on="2026-04-02", status="open", amount_fen=-30000)  # -penalty


def test_reported_breach_penalty_billed_on_the_next_statement(ledger: Any) -> None:
    _start(ledger)
    _march(ledger)
    ledger.accept(_report("RB-1", "merchant", "2026-03-10", 50000))
    ledger.accept(issue("2026-03", "2026-04-01"))
    march = ledger.statement("C1", "2026-03")
    assert [ln["amount_fen"] for ln in march["lines"] if ln["code"] == "breach_penalty"] == [50000]
    # base 44 x 20 000 = 880 000 + 50 000 = 930 000; tax 55 800; total 985 800
    assert march["subtotal_fen"] == 930000
    assert march["total_fen"] == 985800

    ledger.accept(_report("RB-2", "provider", "2026-03-20", 30000))  # recorded after March's issue
    ledger.accept(*full_month(["a1", "a2"], "2026-04-01", "2026-04-30"))
    ledger.accept(issue("2026-04", "2026-05-01"))
    april = ledger.statement("C1", "2026-04")
    # RB-1 is not billed again; RB-2 (provider at fault) is a negative line
    assert [ln["amount_fen"] for ln in april["lines"] if ln["code"] == "breach_penalty"] == [-30000]
    # base 880 000 - 30 000 = 850 000; tax 51 000; total 901 000 (March unpaid: no late fee)
    assert april["subtotal_fen"] == 850000
    assert april["total_fen"] == 901000
    # the record of RB-2 keeps the period of its `on`
    rec = _by_id(_breaches(ledger, "C1", on="2026-05-02"))["C1/reported/RB-2"]
    _check(rec, period="2026-03", on="2026-03-20", amount_fen=-30000)


def test_reported_breach_id_is_per_contract(ledger: Any) -> None:
    _start(ledger)
    _start(ledger, contract_id="C2", agents=())
    ledger.accept(_report("RB-1", "merchant", "2026-03-10", 1000))
    err = ledger.reject(_report("RB-1", "provider", "2026-03-11", 2000))
    assert err["code"] == "breach_exists"
    ledger.accept(_report("RB-1", "provider", "2026-03-11", 2000, contract_id="C2"))
    recs = _by_id(_breaches(ledger, on="2026-03-12"))
    _check(recs["C1/reported/RB-1"], party="merchant", amount_fen=1000)
    _check(recs["C2/reported/RB-1"], contract_id="C2", party="provider", amount_fen=-2000)


# ------------------------------------------------------------------ resolve_breach


def test_resolve_breach_waives_a_rule_derived_record(ledger: Any) -> None:
    _start(ledger)
    ledger.accept(*_worked("2026-03-02", "2026-03-06", skip={("a2", "2026-03-03")}))
    ledger.accept(_resolve(_u("2026-03-03"), "waived", on="2026-03-05"))
    recs = _by_id(_breaches(ledger, "C1", on="2026-03-09"))
    assert set(recs) == {_u("2026-03-03")}
    _check(recs[_u("2026-03-03")], status="waived", amount_fen=-10000)  # the amount stays


def test_resolve_breach_remedies_a_reported_breach(ledger: Any) -> None:
    _start(ledger)
    ledger.accept(*full_month(["a1", "a2"], "2026-03-02", "2026-03-13"))
    ledger.accept(_report("RB-1", "provider", "2026-03-10", 40000))
    ledger.accept(_resolve("C1/reported/RB-1", "remedied", on="2026-03-12"))
    recs = _by_id(_breaches(ledger, "C1", on="2026-03-16"))
    assert set(recs) == {"C1/reported/RB-1"}
    _check(recs["C1/reported/RB-1"], status="remedied", amount_fen=-40000)


def test_resolve_breach_is_final_against_a_later_payment(ledger: Any) -> None:
    _issued_march_with_gap(ledger)
    (rec,) = _rule(_breaches(ledger, "C1", on="2026-04-13"), "late_payment")
    assert rec["status"] == "open"
    ledger.accept(_resolve("C1/late_payment/C1-2026-03", "waived", on="2026-04-13"))
    ledger.accept(pay("P1", 901000, "2026-04-16"))  # would make the rule say "remedied"
    (rec,) = _rule(_breaches(ledger, "C1", on="2026-05-01"), "late_payment")
    _check(rec, breach_id="C1/late_payment/C1-2026-03", status="waived")


def test_resolve_breach_is_final_against_a_later_deposit(ledger: Any) -> None:
    _start(ledger, DEPOSIT_TERMS)
    ledger.accept(_resolve("C1/deposit_late/deposit", "waived", on="2026-03-03"))
    ledger.accept(_deposit(500000, "2026-03-05"))  # would make the rule say "remedied"
    (rec,) = _rule(_breaches(ledger, "C1", on="2026-03-10"), "deposit_late")
    _check(rec, breach_id="C1/deposit_late/deposit", status="waived")


def test_resolution_survives_a_record_that_disappears_and_comes_back(ledger: Any) -> None:
    _start(ledger)
    ledger.accept(*_worked("2026-03-02", "2026-03-04", skip={("a2", "2026-03-03")}))
    ledger.accept(_resolve(_u("2026-03-03"), "remedied", on="2026-03-04"))
    ledger.accept(shift("a2", "2026-03-03"))  # filled: the record disappears
    assert _breaches(ledger, "C1", on="2026-03-05") == []
    ledger.accept(_retract("a2", "2026-03-03"))
    recs = _by_id(_breaches(ledger, "C1", on="2026-03-05"))
    assert set(recs) == {_u("2026-03-03")}
    _check(recs[_u("2026-03-03")], status="remedied", amount_fen=-10000)


def test_resolve_breach_twice_is_breach_not_open(ledger: Any) -> None:
    _start(ledger)
    ledger.accept(_report("RB-1", "merchant", "2026-03-02", 1000))
    ledger.accept(_resolve("C1/reported/RB-1", "waived", on="2026-03-03"))
    err = ledger.reject(_resolve("C1/reported/RB-1", "remedied", on="2026-03-04"))
    assert err["code"] == "breach_not_open"
    (rec,) = _rule(_breaches(ledger, "C1", on="2026-03-05"), "reported")
    assert rec["status"] == "waived"


def test_resolve_breach_on_a_rule_remedied_record_is_breach_not_open(ledger: Any) -> None:
    _issued_march_with_gap(ledger)
    ledger.accept(pay("P1", 901000, "2026-04-16"))
    (rec,) = _rule(_breaches(ledger, "C1", on="2026-04-20"), "late_payment")
    assert rec["status"] == "remedied"
    err = ledger.reject(_resolve("C1/late_payment/C1-2026-03", "waived", on="2026-04-20"))
    assert err["code"] == "breach_not_open"


def test_resolve_unknown_breach(ledger: Any) -> None:
    _start(ledger)
    ledger.accept(*full_month(["a1", "a2"], "2026-03-02", "2026-03-06"))
    for breach_id in ("C1/reported/NOPE", _u("2026-03-04")):  # 03-04 was fully staffed
        err = ledger.reject(_resolve(breach_id, on="2026-03-09"))
        assert err["code"] == "unknown_breach", err
        assert err["field"] == "breach_id"


# ----------------------------------------------------------------------- filters


def test_period_filter(ledger: Any) -> None:
    _start(ledger)
    _march(ledger, skip={("a2", "2026-03-31")})
    ledger.accept(*_worked("2026-04-01", "2026-04-03", skip={("a2", "2026-04-01")}))
    ledger.accept(_report("RB-1", "merchant", "2026-04-02", 5000))
    every = _by_id(_breaches(ledger, "C1", on="2026-04-06"))
    assert set(every) == {_u("2026-03-31"), _u("2026-04-01"), "C1/reported/RB-1"}
    march = _by_id(_breaches(ledger, "C1", "--period", "2026-03", on="2026-04-06"))
    assert set(march) == {_u("2026-03-31")}
    april = _by_id(_breaches(ledger, "C1", "--period", "2026-04", on="2026-04-06"))
    assert set(april) == {_u("2026-04-01"), "C1/reported/RB-1"}
    assert march[_u("2026-03-31")] == every[_u("2026-03-31")]


def test_contract_filter(ledger: Any) -> None:
    _start(ledger)
    _start(ledger, contract_id="C2", agents=("b1", "b2"))
    ledger.accept(*_worked("2026-03-02", "2026-03-04", skip={("a2", "2026-03-03")}))
    ledger.accept(*full_month(["b1", "b2"], "2026-03-02", "2026-03-04", contract_id="C2",
                              skip={("b1", "2026-03-04")}))
    c1 = _by_id(_breaches(ledger, "C1", on="2026-03-05"))
    c2 = _by_id(_breaches(ledger, "C2", on="2026-03-05"))
    both = _by_id(_breaches(ledger, on="2026-03-05"))
    assert set(c1) == {_u("2026-03-03")}
    assert set(c2) == {_u("2026-03-04", contract_id="C2")}
    assert set(both) == set(c1) | set(c2)
    _check(c2[_u("2026-03-04", contract_id="C2")], contract_id="C2", amount_fen=-10000)


# --------------------------------------------------------- rebuild, as-of, evidence


def test_rebuild_leaves_breaches_byte_identical(ledger: Any) -> None:
    _issued_march_with_gap(ledger)
    ledger.accept(
        pay("P1", 901000, "2026-04-16"),
        _report("RB-1", "provider", "2026-04-02", 30000),
        _qa("Q1", "2026-03-05", 10), _qa("Q2", "2026-03-06", 10), _qa("Q3", "2026-03-09", 10),
    )
    ledger.accept(_resolve(_u("2026-03-03"), "waived", on="2026-04-20"))
    before_c1 = ledger.run("breaches", "C1", "--on", "2026-05-01", "--json")
    before_all = ledger.run("breaches", "--on", "2026-05-01", "--json")
    assert before_c1.code == 0
    assert before_all.code == 0
    # understaffed, qa_failures, late_payment, reported
    assert len(_march_only(before_c1.json())) == 4
    rebuilt = ledger.run("rebuild")
    assert rebuilt.code == 0, rebuilt
    after_c1 = ledger.run("breaches", "C1", "--on", "2026-05-01", "--json")
    after_all = ledger.run("breaches", "--on", "2026-05-01", "--json")
    assert after_c1.out == before_c1.out
    assert after_all.out == before_all.out


def test_as_of_shows_what_the_ledger_knew(ledger: Any) -> None:
    _start(ledger)
    _march(ledger, skip={("a2", "2026-03-03"), ("a2", "2026-03-04")})
    ledger.accept(issue("2026-03", "2026-04-01"))
    total = ledger.statement("C1", "2026-03")["total_fen"]
    earlier = _breaches(ledger, "C1", on="2026-05-01")
    assert {r["breach_id"] for r in _march_only(earlier)} == {
        _u("2026-03-03"), _u("2026-03-04"), "C1/late_payment/C1-2026-03"}

    time.sleep(1.1)
    ts = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    time.sleep(1.1)

    ledger.accept(pay("P1", total, "2026-04-16"),                  # late payment: remedied
                  _report("RB-1", "merchant", "2026-04-02", 7000),   # a new record
                  shift("a2", "2026-03-03"))                         # fills 03-03
    ledger.accept(_resolve(_u("2026-03-04"), "waived", on="2026-04-20"))
    now = _breaches(ledger, "C1", on="2026-05-01")
    assert now != earlier
    assert {r["breach_id"] for r in _march_only(now)} == {
        _u("2026-03-04"), "C1/late_payment/C1-2026-03", "C1/reported/RB-1"}

    run = ledger.run("breaches", "C1", "--as-of", ts, "--on", "2026-05-01", "--json")
    assert run.code == 0, run
    assert run.json() == earlier


def test_evidence_ids_are_commands_in_the_history(ledger: Any) -> None:
    _start(ledger, DEPOSIT_TERMS)
    _march(ledger, skip={("a2", "2026-03-03")})
    ledger.accept(
        _deposit(500000, "2026-03-05"),                                   # deposit_late, remedied
        _qa("Q1", "2026-03-05", 50), _qa("Q2", "2026-03-06", 50), _qa("Q3", "2026-03-09", 50),
        _metrics("a1", "2026-03-10", 40, 45),                             # slow_response
    )
    report = _report("RB-1", "merchant", "2026-03-12", 8000)
    ledger.accept(report)
    ledger.accept(issue("2026-03", "2026-04-01"))
    total = ledger.statement("C1", "2026-03")["total_fen"]
    ledger.accept(pay("P1", total, "2026-04-15"))                         # late_payment, remedied
    records = _breaches(ledger, "C1", on="2026-05-01")
    assert {r["rule"] for r in records} == {
        "understaffed_shift", "qa_failures", "slow_response", "late_payment", "deposit_late",
        "reported"}
    history = _history_ids(ledger, "C1")
    for r in records:
        assert set(r) == BREACH_FIELDS, r
        assert r["evidence"], r
        assert all(isinstance(e, str) for e in r["evidence"]), r
        assert set(r["evidence"]) <= history, r
    # the one event behind a reported breach is its report
    (reported,) = _rule(records, "reported")
    assert report["id"] in reported["evidence"]
