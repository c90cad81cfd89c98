"""Intake, schema layer (SPEC §3, §9 ``ledger submit``, §10 *Input*).

Every rejection is checked for its exact ``code`` and ``field`` (dotted/bracketed
path relative to the command object), a non-empty ``message``, exit status 1 and
an unchanged store (``ledger.stats()``).

World used by most cases: contract C1 (base + commission, service_start
2026-03-02, a Monday; Mon-Fri plan, one shift ``day`` of 2 agents) and agent A1
trained, passed and live from 2026-03-02. Schema errors on ``sign_contract``
use the new contract id C2 so that no business rule is broken as well.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from builders import agent_ready, bpc_terms, cmd, fixed_terms, issue, pay, shift, sign

# --------------------------------------------------------------------------- helpers

_ANY = object()
_DELETE = object()
_TOKEN = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _parts(path: str) -> list[str | int]:
    return [int(index) if index else key for key, index in _TOKEN.findall(path)]


def edit(command: dict[str, Any], path: str, value: Any = _DELETE) -> dict[str, Any]:
    """A copy of command with the field at path set to value (or deleted)."""
    out = copy.deepcopy(command)
    *parents, last = _parts(path)
    node: Any = out
    for part in parents:
        node = node[part]
    if value is _DELETE:
        del node[last]
    else:
        node[last] = value
    return out


def rejects(ledger: Any, command: dict[str, Any] | str, code: str,
            field: Any = _ANY, label: str = "") -> dict[str, Any]:
    """Submit one command, insist on the rejection and that nothing was written."""
    before = ledger.stats()
    error = ledger.reject(command)
    assert error["code"] == code, (label, error)
    if field is not _ANY:
        assert error.get("field") == field, (label, error)
    assert isinstance(error.get("message"), str), (label, error)
    assert error["message"].strip(), (label, error)
    assert ledger.stats() == before, f"{label}: a rejected command changed the store"
    return error


def world(ledger: Any) -> None:
    ledger.accept(sign(), *agent_ready("A1"))


def two_shift_terms() -> dict[str, Any]:
    return bpc_terms(staffing={"shifts": [
        {"code": "day", "start": "09:00", "end": "18:00", "agents": 2},
        {"code": "late", "start": "18:00", "end": "24:00", "agents": 1},
    ]})


def special_day_terms() -> dict[str, Any]:
    return bpc_terms(staffing={"special_days": [
        {"date": "2026-03-13", "kind": "promotion", "label": "春促",
         "agents": {"day": 3}, "multiplier": "1.5"},
    ]})


def sign2(**over: Any) -> dict[str, Any]:
    """A valid sign_contract for the new contract C2; keyword arguments override fields."""
    command = sign("C2", merchant={"id": "M2", "name": "第二家店", "platform": "jd"})
    command.update(over)
    return command


def payment() -> dict[str, Any]:
    return pay("P1", 100000, "2026-03-05")


def sales(**over: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {"agent_id": "A1", "date": "2026-03-03", "sales_fen": 150000,
                              "orders": 12}
    fields.update(over)
    return cmd("record_sales", **fields)


def metrics(**over: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {"agent_id": "A1", "date": "2026-03-03", "sessions": 40,
                              "avg_first_response_s": 21}
    fields.update(over)
    return cmd("record_service_metrics", **fields)


def inspection(**over: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {"inspection_id": "I1", "agent_id": "A1", "date": "2026-03-03",
                              "score": 90, "sampled_sessions": 10}
    fields.update(over)
    return cmd("record_qa_inspection", **fields)


def assessment(**over: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {"agent_id": "A1", "on": "2026-02-27", "passed": True, "score": 88}
    fields.update(over)
    return cmd("assess_agent", **fields)


def training(**over: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {"agent_id": "A2", "name": "Agent A2", "completed_on": "2026-02-26",
                              "topics": ["rules", "products"]}
    fields.update(over)
    return cmd("train_agent", **fields)


def breach_report(**over: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {"breach_id": "B1", "party": "provider", "kind": "confidentiality",
                              "on": "2026-03-10", "description": "chat log shared",
                              "penalty_fen": 50000}
    fields.update(over)
    return cmd("report_breach", **fields)


def adjustment(**over: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {"adjustment_id": "ADJ1", "amount_fen": -5000, "reason": "goodwill",
                              "refers_to": {"period": "2026-03", "line": "base"}}
    fields.update(over)
    return cmd("post_adjustment", **fields)


def termination(**over: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {"last_day": "2026-06-30", "initiated_by": "merchant",
                              "reason": "shop closes"}
    fields.update(over)
    return cmd("terminate_contract", **fields)


def amendment(terms: dict[str, Any]) -> dict[str, Any]:
    return cmd("amend_terms", effective_from="2026-04-01", terms=terms)


def refund_deposit(**over: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {"amount_fen": 1000, "paid_on": "2026-03-05", "reference": "R-1"}
    fields.update(over)
    return cmd("refund_deposit", **fields)


def refund_credit(**over: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {"refund_id": "R1", "amount_fen": 1000, "paid_on": "2026-03-05",
                              "reference": "R-1"}
    fields.update(over)
    return cmd("refund_credit", **fields)


def deposit(**over: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {"amount_fen": 500000, "received_on": "2026-02-25",
                              "reference": "BANK-D1"}
    fields.update(over)
    return cmd("record_deposit", **fields)


# One family of related rejections shares one store; each rejection is still
# checked on its own (code, field, unchanged store).
Case = tuple[str, Callable[[], dict[str, Any] | str], str]


def families(table: dict[str, list[Case]]) -> Any:
    return pytest.mark.parametrize("family", list(table.values()), ids=list(table))


def check_family(ledger: Any, code: str, family: list[Case]) -> None:
    world(ledger)
    assert family
    for label, make, field in family:
        rejects(ledger, make(), code, field, label)


# --------------------------------------------------------------------------- invalid_json


@pytest.mark.parametrize("line", [
    pytest.param("this is not json", id="not-json"),
    pytest.param('[{"type": "record_payment", "id": "x"}]', id="json-array"),
    pytest.param('{"type": "record_payment", "id": "cmd-trunc", "contract_id": "C1", "amo',
                 id="truncated-object"),
    pytest.param('"record_payment"', id="json-string"),
    pytest.param("null", id="json-null"),
])
def test_line_that_is_not_a_json_object_is_invalid_json(ledger: Any, line: str) -> None:
    world(ledger)
    before = ledger.stats()
    run = ledger.submit(line)
    (result,) = run.lines()
    # §10: {"id": null, "status": "rejected", "error": {"code": "invalid_json", ...}};
    # the spec names no field for invalid_json, so only the code is asserted.
    assert result["id"] is None, result
    assert result["status"] == "rejected", result
    assert result["error"]["code"] == "invalid_json", result
    assert run.code == 1
    assert ledger.stats() == before


# --------------------------------------------------------------------------- missing_field

MISSING: dict[str, list[Case]] = {
    "sign_contract": [
        ("contract_id", lambda: edit(sign2(), "contract_id"), "contract_id"),
        ("terms.kpi", lambda: edit(sign2(), "terms.kpi"), "terms.kpi"),
        ("merchant.name", lambda: edit(sign2(), "merchant.name"), "merchant.name"),
        ("pricing.shift_rate_fen", lambda: edit(sign2(), "terms.pricing.shift_rate_fen"),
         "terms.pricing.shift_rate_fen"),
        ("shifts[1].agents",
         lambda: edit(sign2(terms=two_shift_terms()), "terms.staffing.shifts[1].agents"),
         "terms.staffing.shifts[1].agents"),
    ],
    "other-commands": [
        ("payment.amount_fen", lambda: edit(payment(), "amount_fen"), "amount_fen"),
        # free-text fields are required even though they may be empty
        ("terminate.reason", lambda: edit(termination(), "reason"), "reason"),
        ("train.topics", lambda: edit(training(), "topics"), "topics"),
        ("deposit.reference", lambda: edit(deposit(), "reference"), "reference"),
    ],
    "envelope": [
        ("type", lambda: edit(payment(), "type"), "type"),
        ("id", lambda: edit(payment(), "id"), "id"),
    ],
}


@families(MISSING)
def test_missing_field(ledger: Any, family: list[Case]) -> None:
    check_family(ledger, "missing_field", family)


# --------------------------------------------------------------------------- unknown_field

UNKNOWN: dict[str, list[Case]] = {
    "top-level": [
        ("sign.colour", lambda: {**sign2(), "colour": "red"}, "colour"),
        ("payment.note", lambda: {**payment(), "note": "x"}, "note"),
    ],
    "nested-in-terms": [
        ("terms", lambda: edit(sign2(), "terms.bonus_fen", 100), "terms.bonus_fen"),
        ("terms.pricing", lambda: edit(sign2(), "terms.pricing.discount_rate", "0.1"),
         "terms.pricing.discount_rate"),
        ("terms.staffing.shifts[1]",
         lambda: edit(sign2(terms=two_shift_terms()), "terms.staffing.shifts[1].break", "30"),
         "terms.staffing.shifts[1].break"),
        ("amend.partial-terms", lambda: amendment({"penalties": {"bogus_fen": 1}}),
         "terms.penalties.bogus_fen"),
    ],
    "other-nesting": [
        ("fixed-fee-pricing-with-commission",
         lambda: edit(sign2(terms=fixed_terms()), "terms.pricing.commission_rate", "0.01"),
         "terms.pricing.commission_rate"),
        # refers_to has exactly period and line
        ("adjustment.refers_to", lambda: edit(adjustment(), "refers_to.amount_fen", 100),
         "refers_to.amount_fen"),
    ],
}


@families(UNKNOWN)
def test_unknown_field(ledger: Any, family: list[Case]) -> None:
    check_family(ledger, "unknown_field", family)


# --------------------------------------------------------------------------- invalid_type

INVALID_TYPE: dict[str, list[Case]] = {
    "money-field": [
        ("float-1.0", lambda: {**payment(), "amount_fen": 1.0}, "amount_fen"),
        ("bool-true", lambda: {**payment(), "amount_fen": True}, "amount_fen"),
        ("string-100", lambda: {**payment(), "amount_fen": "100"}, "amount_fen"),
        ("nested-float", lambda: edit(sign2(), "terms.pricing.shift_rate_fen", 20000.0),
         "terms.pricing.shift_rate_fen"),
        ("nested-string", lambda: edit(sign2(), "terms.pricing.deposit_fen", "0"),
         "terms.pricing.deposit_fen"),
    ],
    "rate-as-number": [
        ("commission_rate", lambda: edit(sign2(), "terms.pricing.commission_rate", 0.01),
         "terms.pricing.commission_rate"),
        ("tax_rate", lambda: edit(sign2(), "terms.tax_rate", 0.06), "terms.tax_rate"),
        ("multiplier",
         lambda: edit(sign2(terms=special_day_terms()),
                      "terms.staffing.special_days[0].multiplier", 1.5),
         "terms.staffing.special_days[0].multiplier"),
    ],
    "count": [
        ("agents-string",
         lambda: edit(sign2(terms=two_shift_terms()), "terms.staffing.shifts[1].agents", "1"),
         "terms.staffing.shifts[1].agents"),
        ("orders-bool", lambda: sales(orders=True), "orders"),
        ("sessions-float", lambda: metrics(sessions=2.5), "sessions"),
    ],
    "other-fields": [
        ("passed-string", lambda: assessment(passed="yes"), "passed"),
        ("score-string", lambda: inspection(score="90"), "score"),
        ("contract_id-number", lambda: sign2(contract_id=7), "contract_id"),
        ("topics-string", lambda: training(topics="rules"), "topics"),
        ("topics-item-number", lambda: training(topics=["rules", 3]), "topics[1]"),
        ("merchant-string", lambda: sign2(merchant="shop"), "merchant"),
        ("date-number", lambda: {**shift("A1", "2026-03-03"), "date": 20260303}, "date"),
        ("weekdays-string", lambda: edit(sign2(), "terms.staffing.weekdays", "1-5"),
         "terms.staffing.weekdays"),
    ],
}


@families(INVALID_TYPE)
def test_invalid_type(ledger: Any, family: list[Case]) -> None:
    check_family(ledger, "invalid_type", family)


# --------------------------------------------------------------------------- invalid_value

INVALID_VALUE: dict[str, list[Case]] = {
    "rate-not-a-decimal": [
        ("abc", lambda: edit(sign2(), "terms.pricing.commission_rate", "abc"),
         "terms.pricing.commission_rate"),
        ("empty", lambda: edit(sign2(), "terms.tax_rate", ""), "terms.tax_rate"),
        ("decimal-comma", lambda: edit(sign2(), "terms.penalties.late_fee_daily_rate", "0,0005"),
         "terms.penalties.late_fee_daily_rate"),
    ],
    "impossible-date-time-period": [
        ("feb-30", lambda: sign2(signed_on="2026-02-30"), "signed_on"),
        ("month-13", lambda: {**payment(), "received_on": "2026-13-01"}, "received_on"),
        ("feb-29-non-leap", lambda: shift("A1", "2026-02-29"), "date"),
        ("not-yyyy-mm-dd", lambda: shift("A1", "20260303"), "date"),
        ("special-day-apr-31",
         lambda: edit(sign2(terms=special_day_terms()),
                      "terms.staffing.special_days[0].date", "2026-04-31"),
         "terms.staffing.special_days[0].date"),
        ("time-25:00", lambda: edit(sign2(), "terms.staffing.shifts[0].start", "25:00"),
         "terms.staffing.shifts[0].start"),
        ("period-month-13", lambda: issue("2026-13", "2027-01-05"), "period"),
    ],
    "enumeration": [
        ("settlement_cycle", lambda: edit(sign2(), "terms.settlement_cycle", "weekly"),
         "terms.settlement_cycle"),
        ("pricing.model", lambda: edit(sign2(), "terms.pricing.model", "hourly"),
         "terms.pricing.model"),
        ("initiated_by", lambda: termination(initiated_by="nobody"), "initiated_by"),
        ("party", lambda: breach_report(party="nobody"), "party"),
    ],
    "empty-name-kind-platform": [
        ("merchant.name", lambda: edit(sign2(), "merchant.name", ""), "merchant.name"),
        ("merchant.platform", lambda: edit(sign2(), "merchant.platform", ""),
         "merchant.platform"),
        ("breach.kind", lambda: breach_report(kind=""), "kind"),
    ],
    "empty-id": [
        ("contract_id", lambda: sign2(contract_id=""), "contract_id"),
        ("merchant.id", lambda: edit(sign2(), "merchant.id", ""), "merchant.id"),
        ("agent_id", lambda: training(agent_id=""), "agent_id"),
        ("payment_id", lambda: pay("", 100000, "2026-03-05"), "payment_id"),
        ("command-id", lambda: {**payment(), "id": ""}, "id"),
    ],
}


@families(INVALID_VALUE)
def test_invalid_value(ledger: Any, family: list[Case]) -> None:
    check_family(ledger, "invalid_value", family)


# --------------------------------------------------------------------------- out_of_range

OUT_OF_RANGE: dict[str, list[Case]] = {
    "amounts": [
        ("payment-zero", lambda: {**payment(), "amount_fen": 0}, "amount_fen"),
        ("payment-negative", lambda: {**payment(), "amount_fen": -100}, "amount_fen"),
        ("deposit-zero", lambda: deposit(amount_fen=0), "amount_fen"),
        # 0 does not exceed the (empty) deposit held / credit: only the range rule breaks
        ("refund-deposit-zero", lambda: refund_deposit(amount_fen=0), "amount_fen"),
        ("refund-credit-zero", lambda: refund_credit(amount_fen=0), "amount_fen"),
        ("sales-negative", lambda: sales(sales_fen=-1), "sales_fen"),
        ("penalty-negative", lambda: breach_report(penalty_fen=-1), "penalty_fen"),
    ],
    "fact-counts-and-scores": [
        ("orders-negative", lambda: sales(orders=-1), "orders"),
        ("sessions-zero", lambda: metrics(sessions=0), "sessions"),
        ("first-response-negative", lambda: metrics(avg_first_response_s=-0.5),
         "avg_first_response_s"),
        ("sampled-sessions-negative", lambda: inspection(sampled_sessions=-1),
         "sampled_sessions"),
        ("assessment-score-101", lambda: assessment(score=101), "score"),
        ("qa-score-negative", lambda: inspection(score=-1), "score"),
    ],
    "terms": [
        ("weekday-8", lambda: edit(sign2(), "terms.staffing.weekdays", [1, 2, 8]),
         "terms.staffing.weekdays[2]"),
        ("weekday-0", lambda: edit(sign2(), "terms.staffing.weekdays", [0, 1]),
         "terms.staffing.weekdays[0]"),
        ("multiplier-zero",
         lambda: edit(sign2(terms=special_day_terms()),
                      "terms.staffing.special_days[0].multiplier", "0"),
         "terms.staffing.special_days[0].multiplier"),
        ("multiplier-negative",
         lambda: edit(sign2(terms=special_day_terms()),
                      "terms.staffing.special_days[0].multiplier", "-1.5"),
         "terms.staffing.special_days[0].multiplier"),
        ("qa_breach_failures-zero",
         lambda: edit(sign2(), "terms.penalties.qa_breach_failures", 0),
         "terms.penalties.qa_breach_failures"),
        ("shift-agents-negative",
         lambda: edit(sign2(terms=two_shift_terms()), "terms.staffing.shifts[1].agents", -1),
         "terms.staffing.shifts[1].agents"),
        ("payment_due_days-negative", lambda: edit(sign2(), "terms.payment_due_days", -1),
         "terms.payment_due_days"),
    ],
}


@families(OUT_OF_RANGE)
def test_out_of_range(ledger: Any, family: list[Case]) -> None:
    check_family(ledger, "out_of_range", family)


# --------------------------------------------------------------------------- unknown_type


def test_unknown_type(ledger: Any) -> None:
    world(ledger)
    for type_ in ("sign_contracts", "delete_contract", "SIGN_CONTRACT"):
        rejects(ledger, {**sign2(), "type": type_}, "unknown_type", "type")


# --------------------------------------------------------------------------- valid edge values

EDGE_VALUES: dict[str, list[Callable[[], dict[str, Any]]]] = {
    "optional-terms-omitted-and-boundaries": [
        # special_days, weekdays and deposit_fen are optional
        lambda: edit(edit(edit(sign("C2"), "terms.staffing.special_days"),
                          "terms.staffing.weekdays"), "terms.pricing.deposit_fen"),
        # label and multiplier of a special day are optional
        lambda: edit(edit(sign("C3", terms=special_day_terms()),
                          "terms.staffing.special_days[0].label"),
                     "terms.staffing.special_days[0].multiplier"),
        lambda: sign("C4", trial_end="2026-03-31", term_end="2026-12-31"),
        # a count may be 0, qa_breach_failures 1, weekday 7, a shift may end at 24:00
        lambda: edit(edit(edit(sign("C5", terms=two_shift_terms()),
                               "terms.staffing.shifts[1].agents", 0),
                          "terms.penalties.qa_breach_failures", 1),
                     "terms.staffing.weekdays", [7]),
    ],
    "fact-boundaries": [
        lambda: sales(sales_fen=0, orders=0),
        lambda: metrics(sessions=1, avg_first_response_s=0),
        lambda: inspection(score=85.5, sampled_sessions=0),
        lambda: inspection(inspection_id="I2", score=0),
        lambda: assessment(score=100),
        lambda: breach_report(penalty_fen=0),
    ],
    "free-text-empty-and-optionals": [
        lambda: training(topics=[]),
        lambda: breach_report(breach_id="B2", description=""),
        lambda: {**payment(), "reference": ""},
        lambda: edit(adjustment(amount_fen=12345), "refers_to"),
        lambda: termination(reason=""),
    ],
}


@pytest.mark.parametrize("family", list(EDGE_VALUES.values()), ids=list(EDGE_VALUES))
def test_valid_edge_values_are_accepted(ledger: Any,
                                        family: list[Callable[[], dict[str, Any]]]) -> None:
    world(ledger)
    for make in family:
        command = make()
        count_before, _ = ledger.stats()
        run = ledger.submit(command)
        (result,) = run.lines()
        assert result["id"] == command["id"], result
        assert result["status"] == "accepted", (command, result)
        assert result.get("error") is None, result
        assert run.code == 0, run
        assert ledger.stats()[0] > count_before


# --------------------------------------------------------------------------- batches


def test_mixed_batch_is_answered_line_by_line_in_order(ledger: Any) -> None:
    good_sign = sign()
    bad_payment = {**pay("P0", 0, "2026-03-05")}
    good_payment = pay("P1", 100000, "2026-03-05")
    missing = edit(pay("P2", 100000, "2026-03-06"), "received_on")
    good_deposit = deposit()
    run = ledger.submit(good_sign, bad_payment, "{not json", good_payment, good_sign, missing,
                        good_deposit)
    results = run.lines()
    assert [r["id"] for r in results] == [
        good_sign["id"], bad_payment["id"], None, good_payment["id"], good_sign["id"],
        missing["id"], good_deposit["id"]]
    assert [r["status"] for r in results] == [
        "accepted", "rejected", "rejected", "accepted", "duplicate", "rejected", "accepted"]
    assert [(r.get("error") or {}).get("code") for r in results] == [
        None, "out_of_range", "invalid_json", None, None, "missing_field", None]
    assert results[1]["error"]["field"] == "amount_fen"
    assert results[5]["error"]["field"] == "received_on"
    assert run.code == 1


def test_batch_of_only_accepted_commands_exits_zero(ledger: Any) -> None:
    commands = [sign(), *agent_ready("A1"), shift("A1", "2026-03-02"), payment()]
    run = ledger.submit(*commands)
    assert run.code == 0, run
    assert [(r["id"], r["status"]) for r in run.lines()] == [
        (c["id"], "accepted") for c in commands]
    assert all(r.get("error") is None for r in run.lines())


def test_batch_of_accepted_and_duplicate_commands_exits_zero(ledger: Any) -> None:
    first = sign()
    ledger.accept(first)
    second = payment()
    run = ledger.submit(first, second, second)
    assert [(r["id"], r["status"]) for r in run.lines()] == [
        (first["id"], "duplicate"), (second["id"], "accepted"), (second["id"], "duplicate")]
    assert run.code == 0, run


def test_one_rejection_does_not_stop_the_rest_of_the_batch(ledger: Any) -> None:
    world(ledger)
    before_count, _ = ledger.stats()
    run = ledger.submit({**payment(), "amount_fen": "100"}, pay("P2", 5000, "2026-03-06"))
    assert [r["status"] for r in run.lines()] == ["rejected", "accepted"]
    assert run.code == 1
    assert ledger.stats()[0] > before_count


# --------------------------------------------------------------------------- ids and replay


def test_rejected_command_does_not_claim_its_id(ledger: Any) -> None:
    world(ledger)
    bad = {**payment(), "amount_fen": 0}
    rejects(ledger, bad, "out_of_range", "amount_fen")
    # the same id again, now valid: accepted
    good = {**bad, "amount_fen": 100000}
    run = ledger.submit(good)
    assert [(r["id"], r["status"]) for r in run.lines()] == [(good["id"], "accepted")]
    assert run.code == 0
    # now the id is claimed: another valid body is id_reused, the same body a duplicate
    rejects(ledger, {**good, "amount_fen": 200}, "id_reused")
    before = ledger.stats()
    run = ledger.submit(good)
    assert [(r["id"], r["status"]) for r in run.lines()] == [(good["id"], "duplicate")]
    assert ledger.stats() == before


def test_rejected_id_may_be_reused_within_the_same_batch(ledger: Any) -> None:
    world(ledger)
    bad = {**payment(), "amount_fen": 1.0}
    good = {**bad, "amount_fen": 100}
    run = ledger.submit(bad, good)
    assert [(r["id"], r["status"]) for r in run.lines()] == [
        (bad["id"], "rejected"), (good["id"], "accepted")]
    assert run.lines()[0]["error"]["code"] == "invalid_type"


def _reversed_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _reversed_keys(v) for k, v in reversed(list(value.items()))}
    if isinstance(value, list):
        return [_reversed_keys(v) for v in value]
    return value


@pytest.mark.parametrize("make", [
    # each of these would break a business rule if validated again
    pytest.param(None, id="sign_contract(contract_exists)"),
    pytest.param(payment, id="record_payment(payment_exists)"),
    pytest.param(lambda: shift("A1", "2026-03-02"), id="record_shift(shift_exists)"),
    pytest.param(lambda: issue("2026-03", "2026-04-01"),
                 id="issue_settlement(period_already_issued)"),
])
def test_exact_replay_is_duplicate_key_order_ignored_and_not_revalidated(
        ledger: Any, make: Callable[[], dict[str, Any]] | None) -> None:
    first = sign()
    ledger.accept(first, *agent_ready("A1"))
    original = first if make is None else make()
    if make is not None:
        ledger.accept(original)
    before = ledger.stats()
    replay = json.dumps(_reversed_keys(original), ensure_ascii=False, indent=None)
    assert replay != json.dumps(original, ensure_ascii=False)
    run = ledger.submit(replay)
    (result,) = run.lines()
    assert result["id"] == original["id"]
    assert result["status"] == "duplicate", result
    assert result.get("error") is None
    assert run.code == 0
    assert ledger.stats() == before


def test_same_id_different_body_is_id_reused(ledger: Any) -> None:
    world(ledger)
    original = payment()
    ledger.accept(original)
    rejects(ledger, {**original, "amount_fen": 200000}, "id_reused")
    # a different command type under a claimed id
    rejects(ledger, {**deposit(), "id": original["id"]}, "id_reused")
    # the same body for another contract
    ledger.accept(sign2())
    rejects(ledger, {**original, "contract_id": "C2"}, "id_reused")
    # the spec does not name the field of id_reused ("id" is the natural reading),
    # so only the code is asserted here


@pytest.mark.parametrize(("make", "key", "first", "again"), [
    pytest.param(lambda: assessment(agent_id="A1"), "score", 90, 90.0, id="score-90-then-90.0"),
    pytest.param(lambda: assessment(agent_id="A1"), "score", 90.0, 90, id="score-90.0-then-90"),
    pytest.param(metrics, "avg_first_response_s", 12, 12.0, id="frt-12-then-12.0"),
])
def test_int_and_float_bodies_differ(ledger: Any, make: Callable[[], dict[str, Any]], key: str,
                                     first: Any, again: Any) -> None:
    world(ledger)
    original = {**make(), key: first}
    ledger.accept(original)
    replay = json.dumps({**original, key: again})
    assert json.dumps(first) != json.dumps(again)
    rejects(ledger, replay, "id_reused")
