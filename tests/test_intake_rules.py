"""Intake, business-rule layer (SPEC §3 rules column, §10 precise rules) and history.

* one accepted path for each of the 23 command types of §3;
* every business rule's rejection with its §10 code and the command field that
  breaks it, and proof (``ledger.stats()``) that the rejection wrote nothing;
* id scopes: contract_id and dispute_id global, the other ids per contract;
* ``ledger history CONTRACT --json``: the contract's events in log order.

Dates: contract C1 starts service on 2026-03-02 (a Monday), plan Mon-Fri, one
shift code ``day`` of 2 agents. 2026-02-27 is a Friday, 2026-03-03 a Tuesday,
2026-03-07 a Saturday, 2026-03-13/-20 Fridays, 2026-03-16/-23 Mondays,
2026-03-31 a Tuesday, 2026-04-01 a Wednesday.

Where one command could break two rules at once (§10: then any broken rule's code
is a correct answer) the scenarios are built so that only one rule breaks; the
few places where that is impossible say so and accept either code.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from builders import agent_ready, bpc_terms, cmd, fixed_terms, issue, pay, shift, sign

# --------------------------------------------------------------------------- helpers

_ANY = object()


def rejects(ledger: Any, command: dict[str, Any], code: str | set[str],
            field: Any = _ANY, label: str = "") -> dict[str, Any]:
    """Submit one command, insist on the rejection and that nothing was written."""
    before = ledger.stats()
    error = ledger.reject(command)
    codes = {code} if isinstance(code, str) else code
    assert error["code"] in codes, (label, error)
    if field is not _ANY:
        assert error.get("field") == field, (label, error)
    assert isinstance(error.get("message"), str), (label, error)
    assert error["message"].strip(), (label, error)
    assert ledger.stats() == before, f"{label}: a rejected command changed the store"
    return error


def accepts(ledger: Any, command: dict[str, Any], label: str = "") -> None:
    """Submit one command and insist it was accepted and stored."""
    count_before, position_before = ledger.stats()
    run = ledger.submit(command)
    (result,) = run.lines()
    assert result["id"] == command["id"], (label, result)
    assert result["status"] == "accepted", (label, result)
    assert result.get("error") is None, (label, result)
    assert run.code == 0, (label, run)
    count_after, position_after = ledger.stats()
    assert count_after > count_before, label
    assert position_after > position_before, label


def sign2(**over: Any) -> dict[str, Any]:
    """A valid sign_contract for the new contract C2; keyword arguments override fields."""
    command = sign("C2", merchant={"id": "M2", "name": "第二家店", "platform": "jd"})
    command.update(over)
    return command


def world(ledger: Any, *agents: str, **sign_over: Any) -> None:
    """C1 signed (default terms unless overridden) with the agents live from 2026-03-02."""
    ledger.accept(sign(**sign_over), *[c for a in agents for c in agent_ready(a)])


def train(agent: str, contract: str = "C1") -> dict[str, Any]:
    return cmd("train_agent", contract, agent_id=agent, name=f"Agent {agent}",
               completed_on="2026-02-25", topics=["rules", "products"])


def assess(agent: str, passed: bool = True, contract: str = "C1",
           on: str = "2026-02-26") -> dict[str, Any]:
    return cmd("assess_agent", contract, agent_id=agent, on=on, passed=passed,
               score=90 if passed else 60)


def live(agent: str, from_: str, contract: str = "C1") -> dict[str, Any]:
    return cmd("agent_live", contract, agent_id=agent, **{"from": from_})


def offboard(agent: str, last_day: str, contract: str = "C1") -> dict[str, Any]:
    return cmd("offboard_agent", contract, agent_id=agent, last_day=last_day)


def retract(agent: str, day: str, code: str = "day", contract: str = "C1") -> dict[str, Any]:
    return cmd("retract_shift", contract, agent_id=agent, date=day, shift=code,
               reason="recorded by mistake")


def sales(agent: str, day: str, contract: str = "C1") -> dict[str, Any]:
    return cmd("record_sales", contract, agent_id=agent, date=day, sales_fen=1234500, orders=37)


def metrics(agent: str, day: str, contract: str = "C1") -> dict[str, Any]:
    return cmd("record_service_metrics", contract, agent_id=agent, date=day, sessions=120,
               avg_first_response_s=18.5)


def inspection(inspection_id: str, agent: str, day: str, contract: str = "C1") -> dict[str, Any]:
    return cmd("record_qa_inspection", contract, inspection_id=inspection_id, agent_id=agent,
               date=day, score=80, sampled_sessions=10)


def adjustment(adjustment_id: str, contract: str = "C1",
               amount_fen: int = -5000) -> dict[str, Any]:
    return cmd("post_adjustment", contract, adjustment_id=adjustment_id, amount_fen=amount_fen,
               reason="goodwill credit", refers_to={"period": "2026-03", "line": "base"})


def dispute(dispute_id: str, contract: str = "C1", period: str = "2026-03") -> dict[str, Any]:
    return cmd("open_dispute", contract, dispute_id=dispute_id, period=period, line="base",
               claim_fen=-20000, opened_on="2026-04-03", note="two shifts were not worked")


def resolve_dispute(dispute_id: str, outcome: str = "upheld", **extra: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {"dispute_id": dispute_id, "resolved_on": "2026-04-10",
                              "outcome": outcome, "note": ""}
    if outcome == "upheld" and "adjustment_fen" not in extra:
        fields["adjustment_fen"] = -20000
    fields.update(extra)
    return cmd("resolve_dispute", None, **fields)


def breach(breach_id: str, contract: str = "C1") -> dict[str, Any]:
    return cmd("report_breach", contract, breach_id=breach_id, party="provider",
               kind="confidentiality", on="2026-03-10", description="chat log shared outside",
               penalty_fen=50000)


def resolve_breach(breach_id: str, outcome: str = "waived") -> dict[str, Any]:
    return cmd("resolve_breach", None, breach_id=breach_id, outcome=outcome, on="2026-03-12",
               note="")


def deposit(amount_fen: int = 500000, contract: str = "C1") -> dict[str, Any]:
    return cmd("record_deposit", contract, amount_fen=amount_fen, received_on="2026-02-25",
               reference="BANK-DEP-1")


def refund_deposit(amount_fen: int, contract: str = "C1") -> dict[str, Any]:
    return cmd("refund_deposit", contract, amount_fen=amount_fen, paid_on="2026-03-05",
               reference="BANK-RD")


def refund_credit(refund_id: str, amount_fen: int, contract: str = "C1") -> dict[str, Any]:
    return cmd("refund_credit", contract, refund_id=refund_id, amount_fen=amount_fen,
               paid_on="2026-03-06", reference=f"BANK-{refund_id}")


def terminate(last_day: str, contract: str = "C1") -> dict[str, Any]:
    return cmd("terminate_contract", contract, last_day=last_day, initiated_by="merchant",
               reason="shop closes")


def end_trial(on: str, outcome: str = "converted", contract: str = "C1") -> dict[str, Any]:
    return cmd("end_trial", contract, on=on, outcome=outcome)


def amend(terms: dict[str, Any], effective_from: str = "2026-04-01",
          contract: str = "C1") -> dict[str, Any]:
    return cmd("amend_terms", contract, effective_from=effective_from, terms=terms)


# A valid command of each contract-bearing type, for a given contract id.
CONTRACT_COMMANDS: dict[str, Callable[[str], dict[str, Any]]] = {
    "amend_terms": lambda c: amend({"pricing": {"shift_rate_fen": 22000}}, contract=c),
    "end_trial": lambda c: end_trial("2026-03-31", contract=c),
    "terminate_contract": lambda c: terminate("2026-06-30", contract=c),
    "record_deposit": lambda c: deposit(contract=c),
    "refund_deposit": lambda c: refund_deposit(200000, contract=c),
    "train_agent": lambda c: train("A2", contract=c),
    "assess_agent": lambda c: assess("A2", contract=c, on="2026-02-27"),
    "agent_live": lambda c: live("A2", "2026-03-04", contract=c),
    "offboard_agent": lambda c: offboard("A1", "2026-03-13", contract=c),
    "record_shift": lambda c: shift("A1", "2026-03-03", contract_id=c),
    "retract_shift": lambda c: retract("A1", "2026-03-03", contract=c),
    "record_sales": lambda c: sales("A1", "2026-03-03", contract=c),
    "record_service_metrics": lambda c: metrics("A1", "2026-03-03", contract=c),
    "record_qa_inspection": lambda c: inspection("I1", "A1", "2026-03-03", contract=c),
    "post_adjustment": lambda c: adjustment("ADJ1", contract=c),
    "open_dispute": lambda c: dispute("D1", contract=c),
    "report_breach": lambda c: breach("B1", contract=c),
    "issue_settlement": lambda c: issue("2026-03", "2026-04-01", contract_id=c),
    "record_payment": lambda c: pay("P1", 100000, "2026-03-05", contract_id=c),
    "refund_credit": lambda c: refund_credit("R1", 50000, contract=c),
}


def _world_cmds() -> list[dict[str, Any]]:
    return [sign(), *agent_ready("A1")]


# type -> (setup commands, the command under test); each on a fresh store.
ACCEPTED: dict[str, tuple[Callable[[], list[dict[str, Any]]], Callable[[], dict[str, Any]]]] = {
    "sign_contract": (list, sign),
    "amend_terms": (lambda: [sign()], lambda: CONTRACT_COMMANDS["amend_terms"]("C1")),
    "end_trial": (lambda: [sign(trial_end="2026-03-31")],
                  lambda: CONTRACT_COMMANDS["end_trial"]("C1")),
    "terminate_contract": (lambda: [sign()],
                           lambda: CONTRACT_COMMANDS["terminate_contract"]("C1")),
    "record_deposit": (lambda: [sign()], lambda: CONTRACT_COMMANDS["record_deposit"]("C1")),
    "refund_deposit": (lambda: [sign(), deposit()],
                       lambda: CONTRACT_COMMANDS["refund_deposit"]("C1")),
    "train_agent": (lambda: [sign()], lambda: CONTRACT_COMMANDS["train_agent"]("C1")),
    "assess_agent": (lambda: [sign(), train("A2")],
                     lambda: CONTRACT_COMMANDS["assess_agent"]("C1")),
    "agent_live": (lambda: [sign(), train("A2"), assess("A2")],
                   lambda: CONTRACT_COMMANDS["agent_live"]("C1")),
    "offboard_agent": (_world_cmds, lambda: CONTRACT_COMMANDS["offboard_agent"]("C1")),
    "record_shift": (_world_cmds, lambda: CONTRACT_COMMANDS["record_shift"]("C1")),
    "retract_shift": (lambda: [*_world_cmds(), shift("A1", "2026-03-03")],
                      lambda: CONTRACT_COMMANDS["retract_shift"]("C1")),
    "record_sales": (_world_cmds, lambda: CONTRACT_COMMANDS["record_sales"]("C1")),
    "record_service_metrics": (_world_cmds,
                               lambda: CONTRACT_COMMANDS["record_service_metrics"]("C1")),
    "record_qa_inspection": (_world_cmds,
                             lambda: CONTRACT_COMMANDS["record_qa_inspection"]("C1")),
    "post_adjustment": (lambda: [sign()], lambda: CONTRACT_COMMANDS["post_adjustment"]("C1")),
    "open_dispute": (lambda: [sign(), issue("2026-03", "2026-04-01")],
                     lambda: CONTRACT_COMMANDS["open_dispute"]("C1")),
    "resolve_dispute": (lambda: [sign(), issue("2026-03", "2026-04-01"), dispute("D1")],
                        lambda: resolve_dispute("D1")),
    "report_breach": (lambda: [sign()], lambda: CONTRACT_COMMANDS["report_breach"]("C1")),
    "issue_settlement": (lambda: [sign()], lambda: CONTRACT_COMMANDS["issue_settlement"]("C1")),
    "record_payment": (lambda: [sign()], lambda: CONTRACT_COMMANDS["record_payment"]("C1")),
    "refund_credit": (lambda: [sign(), pay("P1", 100000, "2026-03-05")],
                      lambda: CONTRACT_COMMANDS["refund_credit"]("C1")),
    # §6/§10: the breach_id of a reported breach is CONTRACT/reported/CALLER_ID
    "resolve_breach": (lambda: [sign(), breach("B1")],
                       lambda: resolve_breach("C1/reported/B1")),
}

SPEC_COMMAND_TYPES = {
    "sign_contract", "amend_terms", "end_trial", "terminate_contract", "record_deposit",
    "refund_deposit", "train_agent", "assess_agent", "agent_live", "offboard_agent",
    "record_shift", "retract_shift", "record_sales", "record_service_metrics",
    "record_qa_inspection", "post_adjustment", "open_dispute", "resolve_dispute",
    "report_breach", "issue_settlement", "record_payment", "refund_credit", "resolve_breach",
}


# --------------------------------------------------------------------------- accepted paths


def test_the_suite_covers_all_23_command_types() -> None:
    assert len(SPEC_COMMAND_TYPES) == 23
    assert set(ACCEPTED) == SPEC_COMMAND_TYPES
    assert set(CONTRACT_COMMANDS) == SPEC_COMMAND_TYPES - {
        "sign_contract", "resolve_dispute", "resolve_breach"}


@pytest.mark.parametrize(("setup", "make"), list(ACCEPTED.values()), ids=list(ACCEPTED))
def test_each_command_type_is_accepted(ledger: Any, setup: Callable[[], list[dict[str, Any]]],
                                       make: Callable[[], dict[str, Any]]) -> None:
    given = setup()
    if given:
        ledger.accept(*given)
    command = make()
    accepts(ledger, command, command["type"])


# --------------------------------------------------------------------------- contracts


def test_unknown_contract_for_every_contract_command(ledger: Any) -> None:
    # C1 exists (with A1 live) but every command names C9.
    # Dependent rules (agent trained, statement issued, deposit held...) cannot be
    # judged without the contract; the contract check is the one that fails.
    world(ledger, "A1")
    for type_, make in CONTRACT_COMMANDS.items():
        rejects(ledger, make("C9"), "unknown_contract", "contract_id", type_)


def test_contract_id_is_global_and_must_be_new(ledger: Any) -> None:
    world(ledger)
    rejects(ledger, sign(), "contract_exists", "contract_id")
    # another merchant, another model: still the same global contract id
    rejects(ledger, sign(merchant={"id": "M9", "name": "别家店", "platform": "douyin"},
                         terms=fixed_terms()), "contract_exists", "contract_id")
    accepts(ledger, sign2())


def test_end_trial_on_contract_without_trial_is_not_in_trial(ledger: Any) -> None:
    world(ledger)
    rejects(ledger, end_trial("2026-03-31"), "not_in_trial", "contract_id")


def test_end_trial_twice_is_not_in_trial(ledger: Any) -> None:
    world(ledger, trial_end="2026-03-31")
    accepts(ledger, end_trial("2026-03-31", "converted"))
    rejects(ledger, end_trial("2026-04-01", "converted"), "not_in_trial", "contract_id")


def test_not_converted_trial_ends_service_on_its_day(ledger: Any) -> None:
    world(ledger, "A1", trial_end="2026-03-31")
    accepts(ledger, end_trial("2026-03-20", "not_converted"))
    accepts(ledger, shift("A1", "2026-03-20"))  # the last service day itself
    rejects(ledger, shift("A1", "2026-03-23"), "outside_service_window", "date")
    rejects(ledger, terminate("2026-04-30"), "contract_ended", "contract_id")


def test_terminated_contract_is_ended(ledger: Any) -> None:
    # "ended" read either as "an ending was recorded" or as "the dates lie after the last
    # service day": both readings reject these two commands.
    world(ledger, "A1")
    accepts(ledger, terminate("2026-03-31"))
    rejects(ledger, amend({"pricing": {"shift_rate_fen": 30000}}, effective_from="2026-04-15"),
            "contract_ended", "contract_id", "amend_terms")
    rejects(ledger, terminate("2026-04-30"), "contract_ended", "contract_id",
            "terminate_contract")


def test_money_and_settlement_are_still_accepted_after_the_last_service_day(ledger: Any) -> None:
    world(ledger, "A1")
    accepts(ledger, terminate("2026-03-20"))
    accepts(ledger, issue("2026-03", "2026-03-23"))
    accepts(ledger, pay("P1", 100000, "2026-04-02"))
    accepts(ledger, adjustment("ADJ1"))
    accepts(ledger, dispute("D1"))


@pytest.mark.parametrize(("terms", "amendment", "field"), [
    pytest.param(None, {"settlement_cycle": "quarterly"}, "terms.settlement_cycle",
                 id="settlement_cycle"),
    # the partial itself is well formed; the model may not change
    pytest.param(None, {"pricing": {"model": "fixed_fee"}}, "terms.pricing.model",
                 id="pricing.model"),
    pytest.param(fixed_terms("postpaid"), {"pricing": {"billing": "prepaid"}},
                 "terms.pricing.billing", id="pricing.billing"),
])
def test_immutable_term(ledger: Any, terms: dict[str, Any] | None, amendment: dict[str, Any],
                        field: str) -> None:
    ledger.accept(sign(terms=terms))
    rejects(ledger, amend(amendment), "immutable_term", field)
    accepts(ledger, amend({"payment_due_days": 15}))


def test_amendment_may_reach_back_into_a_settled_period(ledger: Any) -> None:
    world(ledger, "A1")
    accepts(ledger, issue("2026-03", "2026-04-01"))
    accepts(ledger, amend({"pricing": {"shift_rate_fen": 21000},
                           "staffing": {"weekdays": [1, 2, 3, 4, 5, 6]}},
                          effective_from="2026-03-16"))


@pytest.mark.parametrize(("setup", "make", "field"), [
    pytest.param(lambda: [sign()], lambda: terminate("2026-03-01"), "last_day",
                 id="terminate-last_day-before-service_start"),
    pytest.param(lambda: [sign(trial_end="2026-03-31")],
                 lambda: end_trial("2026-03-01", "not_converted"), "on",
                 id="not_converted-trial-ends-before-service_start"),
    pytest.param(list, lambda: sign(term_end="2026-03-01"), "term_end",
                 id="sign-term_end-before-service_start"),
    pytest.param(lambda: [sign(), *agent_ready("A1")], lambda: offboard("A1", "2026-03-01"),
                 "last_day", id="offboard-last_day-before-from"),
])
def test_date_order(ledger: Any, setup: Callable[[], list[dict[str, Any]]],
                    make: Callable[[], dict[str, Any]], field: str) -> None:
    given = setup()
    if given:
        ledger.accept(*given)
    rejects(ledger, make(), "date_order", field)


def test_termination_inside_settled_period_is_period_settled(ledger: Any) -> None:
    world(ledger, "A1")
    accepts(ledger, issue("2026-03", "2026-04-01"))
    rejects(ledger, terminate("2026-03-20"), "period_settled", "last_day")
    rejects(ledger, terminate("2026-03-31"), "period_settled", "last_day")
    accepts(ledger, terminate("2026-04-15"))


def test_not_converted_trial_inside_settled_period_is_period_settled(ledger: Any) -> None:
    world(ledger, "A1", trial_end="2026-04-30")
    accepts(ledger, issue("2026-03", "2026-04-01"))
    rejects(ledger, end_trial("2026-03-31", "not_converted"), "period_settled", "on")
    accepts(ledger, end_trial("2026-04-10", "not_converted"))


# --------------------------------------------------------------------------- agents


def test_agent_not_trained(ledger: Any) -> None:
    world(ledger)
    ledger.accept(sign2(), train("A7", contract="C2"))
    rejects(ledger, assess("A9"), "agent_not_trained", "agent_id", "assess untrained")
    rejects(ledger, inspection("I1", "A9", "2026-03-03"), "agent_not_trained", "agent_id",
            "inspect untrained")
    # training is per contract: A7 is trained on C2 only
    rejects(ledger, assess("A7"), "agent_not_trained", "agent_id", "trained elsewhere")
    # untrained is also unassessed, so either code names a broken rule (§10)
    rejects(ledger, live("A9", "2026-03-02"), {"agent_not_trained", "agent_not_assessed"},
            "agent_id", "live untrained")


def test_agent_not_assessed_until_a_passed_assessment(ledger: Any) -> None:
    world(ledger)
    ledger.accept(train("A2"), train("A3"))
    rejects(ledger, live("A2", "2026-03-02"), "agent_not_assessed", "agent_id", "never assessed")
    accepts(ledger, assess("A2", passed=False))
    rejects(ledger, live("A2", "2026-03-02"), "agent_not_assessed", "agent_id", "failed")
    accepts(ledger, assess("A2", passed=True, on="2026-02-27"))
    accepts(ledger, live("A2", "2026-03-02"))
    # any passed assessment counts, even when a later one failed
    ledger.accept(assess("A3", passed=True), assess("A3", passed=False, on="2026-02-27"))
    accepts(ledger, live("A3", "2026-03-02"))


def test_qa_inspection_needs_training_only(ledger: Any) -> None:
    world(ledger)
    ledger.accept(train("A2"))
    accepts(ledger, inspection("I1", "A2", "2026-03-03"))


def test_agent_already_live_for_overlapping_spans(ledger: Any) -> None:
    world(ledger, "A1")  # A1 live from 2026-03-02, open-ended
    rejects(ledger, live("A1", "2026-03-10"), "agent_already_live", "agent_id", "inside open span")
    rejects(ledger, live("A1", "2026-02-27"), "agent_already_live", "agent_id", "before open span")
    accepts(ledger, offboard("A1", "2026-03-13"))
    rejects(ledger, live("A1", "2026-03-13"), "agent_already_live", "agent_id", "on last_day")
    rejects(ledger, live("A1", "2026-03-01"), "agent_already_live", "agent_id", "spanning it")
    accepts(ledger, live("A1", "2026-03-16"))
    accepts(ledger, shift("A1", "2026-03-16"))


def test_offboard_on_the_day_of_go_live_is_allowed(ledger: Any) -> None:
    world(ledger, "A1")
    accepts(ledger, offboard("A1", "2026-03-02"))
    accepts(ledger, shift("A1", "2026-03-02"))


def test_agent_not_live(ledger: Any) -> None:
    world(ledger, "A1")
    ledger.accept(train("A2"), assess("A2"), *agent_ready("A3", live_from="2026-03-04"))
    rejects(ledger, offboard("A2", "2026-03-13"), "agent_not_live", "agent_id", "offboard")
    rejects(ledger, shift("A2", "2026-03-03"), "agent_not_live", "agent_id", "shift")
    rejects(ledger, sales("A2", "2026-03-03"), "agent_not_live", "agent_id", "sales")
    rejects(ledger, metrics("A2", "2026-03-03"), "agent_not_live", "agent_id", "metrics")
    rejects(ledger, shift("A3", "2026-03-03"), "agent_not_live", "agent_id", "before from")
    accepts(ledger, offboard("A1", "2026-03-13"))
    rejects(ledger, shift("A1", "2026-03-16"), "agent_not_live", "agent_id", "after offboard")
    rejects(ledger, sales("A1", "2026-03-16"), "agent_not_live", "agent_id", "sales after")
    rejects(ledger, offboard("A1", "2026-03-20"), "agent_not_live", "agent_id", "offboard twice")


# --------------------------------------------------------------------------- shifts


def test_unknown_shift_code(ledger: Any) -> None:
    world(ledger, "A1")
    rejects(ledger, shift("A1", "2026-03-03", "night"), "unknown_shift", "shift")


def test_shift_exists_and_may_be_recorded_again_after_retraction(ledger: Any) -> None:
    world(ledger, "A1", "A2")
    accepts(ledger, shift("A1", "2026-03-03"))
    rejects(ledger, shift("A1", "2026-03-03"), "shift_exists", "date")
    accepts(ledger, shift("A2", "2026-03-03"))  # another agent, same date and code
    accepts(ledger, retract("A1", "2026-03-03"))
    accepts(ledger, shift("A1", "2026-03-03"))
    rejects(ledger, shift("A1", "2026-03-03"), "shift_exists", "date")


def test_shift_not_recorded(ledger: Any) -> None:
    # the spec does not say which field names the missing shift (date? shift?):
    # only the code is asserted
    world(ledger, "A1")
    rejects(ledger, retract("A1", "2026-03-04"), "shift_not_recorded", label="never recorded")
    accepts(ledger, shift("A1", "2026-03-04"))
    accepts(ledger, retract("A1", "2026-03-04"))
    rejects(ledger, retract("A1", "2026-03-04"), "shift_not_recorded", label="retract twice")


def test_several_codes_a_day_and_unplanned_days_are_accepted(ledger: Any) -> None:
    terms = bpc_terms(staffing={"shifts": [
        {"code": "day", "start": "09:00", "end": "18:00", "agents": 2},
        {"code": "late", "start": "18:00", "end": "24:00", "agents": 1},
    ]})
    world(ledger, "A1", terms=terms)
    accepts(ledger, shift("A1", "2026-03-03", "day"))
    accepts(ledger, shift("A1", "2026-03-03", "late"))
    accepts(ledger, shift("A1", "2026-03-07", "day"))  # a Saturday: kept as excess


FACTS: dict[str, Callable[[str], dict[str, Any]]] = {
    "record_shift": lambda d: shift("A1", d),
    "record_sales": lambda d: sales("A1", d),
    "record_service_metrics": lambda d: metrics("A1", d),
    "record_qa_inspection": lambda d: inspection("I1", "A1", d),
}


def test_facts_before_service_start_are_outside_the_service_window(ledger: Any) -> None:
    # A1 is live from Friday 2026-02-27, so only the window rule is broken
    ledger.accept(sign(), *agent_ready("A1", live_from="2026-02-27"))
    for type_, make in FACTS.items():
        rejects(ledger, make("2026-02-27"), "outside_service_window", "date", type_)
    accepts(ledger, shift("A1", "2026-03-02"))


@pytest.mark.parametrize(("ending", "last_day", "after"), [
    pytest.param(lambda: [sign(), terminate("2026-03-31")], "2026-03-31", "2026-04-01",
                 id="termination"),
    pytest.param(lambda: [sign(term_end="2026-03-31")], "2026-03-31", "2026-04-01",
                 id="term_end"),
    pytest.param(lambda: [sign(trial_end="2026-03-31"), end_trial("2026-03-20", "not_converted")],
                 "2026-03-20", "2026-03-23", id="not_converted-trial"),
])
def test_facts_after_the_last_service_day_are_outside_the_service_window(
        ledger: Any, ending: Callable[[], list[dict[str, Any]]], last_day: str,
        after: str) -> None:
    # A1 went live before the ending and was never offboarded: still live on `after`
    first, *rest = ending()
    ledger.accept(first, *agent_ready("A1"), *rest)
    for type_, make in FACTS.items():
        rejects(ledger, make(after), "outside_service_window", "date", type_)
    accepts(ledger, shift("A1", last_day))


# --------------------------------------------------------------------------- id scopes


def _c1_and_c2(ledger: Any) -> None:
    ledger.accept(sign(), *agent_ready("A1"), sign2(), *agent_ready("A1", contract_id="C2"),
                  pay("P0", 100000, "2026-03-05"), pay("P0", 100000, "2026-03-05", "C2"))


@pytest.mark.parametrize(("make", "code", "field"), [
    pytest.param(lambda c, x: inspection(x, "A1", "2026-03-03", contract=c),
                 "inspection_exists", "inspection_id", id="inspection_id"),
    pytest.param(lambda c, x: pay(x, 5000, "2026-03-06", contract_id=c),
                 "payment_exists", "payment_id", id="payment_id"),
    pytest.param(lambda c, x: adjustment(x, contract=c), "adjustment_exists", "adjustment_id",
                 id="adjustment_id"),
    pytest.param(lambda c, x: breach(x, contract=c), "breach_exists", "breach_id",
                 id="breach_id"),
    # each contract holds 100 000 fen of credit; 10 000 never exceeds it here
    pytest.param(lambda c, x: refund_credit(x, 10000, contract=c), "refund_exists", "refund_id",
                 id="refund_id"),
])
def test_per_contract_ids(ledger: Any, make: Callable[[str, str], dict[str, Any]], code: str,
                          field: str) -> None:
    _c1_and_c2(ledger)
    accepts(ledger, make("C1", "X1"), "first on C1")
    accepts(ledger, make("C2", "X1"), "same id on C2")
    rejects(ledger, make("C1", "X1"), code, field)
    rejects(ledger, make("C2", "X1"), code, field)
    accepts(ledger, make("C1", "X2"), "a new id on C1")


def test_dispute_id_is_global(ledger: Any) -> None:
    _c1_and_c2(ledger)
    ledger.accept(issue("2026-03", "2026-04-01"), issue("2026-03", "2026-04-01", "C2"))
    accepts(ledger, dispute("D1"))
    rejects(ledger, dispute("D1"), "dispute_exists", "dispute_id", "same contract")
    rejects(ledger, dispute("D1", contract="C2"), "dispute_exists", "dispute_id", "other contract")
    accepts(ledger, dispute("D2", contract="C2"))


# --------------------------------------------------------------------------- disputes


def test_open_dispute_needs_an_issued_statement(ledger: Any) -> None:
    world(ledger)
    ledger.accept(sign2())
    rejects(ledger, dispute("D1"), "statement_not_issued", "period", "nothing issued")
    accepts(ledger, issue("2026-03", "2026-04-01"))
    rejects(ledger, dispute("D1", period="2026-04"), "statement_not_issued", "period",
            "next period")
    rejects(ledger, dispute("D1", contract="C2"), "statement_not_issued", "period",
            "issued on another contract only")
    accepts(ledger, dispute("D1"))


def test_resolve_dispute_rules(ledger: Any) -> None:
    world(ledger)
    ledger.accept(issue("2026-03", "2026-04-01"), dispute("D1"))
    rejects(ledger, resolve_dispute("D9"), "unknown_dispute", "dispute_id")
    no_adjustment = resolve_dispute("D1", "upheld")
    del no_adjustment["adjustment_fen"]
    rejects(ledger, no_adjustment, "missing_field", "adjustment_fen", "upheld without amount")
    # the spec names no code for "a rejected one must not carry a non-zero one"
    rejects(ledger, resolve_dispute("D1", "rejected", adjustment_fen=500),
            {"invalid_value", "out_of_range"}, "adjustment_fen", "rejected with amount")
    accepts(ledger, resolve_dispute("D1", "rejected"))
    rejects(ledger, resolve_dispute("D1", "upheld"), "dispute_not_open", "dispute_id")
    rejects(ledger, resolve_dispute("D1", "rejected"), "dispute_not_open", "dispute_id")


def test_dispute_outcomes_with_zero_adjustment_are_accepted(ledger: Any) -> None:
    world(ledger)
    ledger.accept(issue("2026-03", "2026-04-01"), dispute("D1"), dispute("D2"))
    accepts(ledger, resolve_dispute("D1", "upheld", adjustment_fen=0))
    accepts(ledger, resolve_dispute("D2", "rejected", adjustment_fen=0))


# --------------------------------------------------------------------------- breaches


def test_resolve_breach_rules(ledger: Any) -> None:
    world(ledger)
    ledger.accept(sign2(), breach("B1"))
    rejects(ledger, resolve_breach("C1/reported/B9"), "unknown_breach", "breach_id", "no such id")
    rejects(ledger, resolve_breach("C2/reported/B1"), "unknown_breach", "breach_id",
            "other contract")
    accepts(ledger, resolve_breach("C1/reported/B1", "remedied"))
    rejects(ledger, resolve_breach("C1/reported/B1", "waived"), "breach_not_open", "breach_id")


# --------------------------------------------------------------------------- money


def test_refund_deposit_is_limited_to_the_deposit_held(ledger: Any) -> None:
    world(ledger)
    rejects(ledger, refund_deposit(1), "exceeds_deposit_held", "amount_fen", "nothing held")
    accepts(ledger, deposit(500000))
    rejects(ledger, refund_deposit(500001), "exceeds_deposit_held", "amount_fen", "one fen more")
    accepts(ledger, refund_deposit(300000))
    rejects(ledger, refund_deposit(200001), "exceeds_deposit_held", "amount_fen", "after refund")
    accepts(ledger, refund_deposit(200000))
    rejects(ledger, refund_deposit(1), "exceeds_deposit_held", "amount_fen", "all refunded")


def test_refund_credit_is_limited_to_unallocated_credit(ledger: Any) -> None:
    world(ledger)
    rejects(ledger, refund_credit("R1", 1), "exceeds_credit", "amount_fen", "no credit")
    # no statement is issued: the whole payment is unallocated credit
    accepts(ledger, pay("P1", 100000, "2026-03-05"))
    rejects(ledger, refund_credit("R1", 100001), "exceeds_credit", "amount_fen", "one fen more")
    accepts(ledger, refund_credit("R1", 60000))  # R1 was only rejected so far: still free
    rejects(ledger, refund_credit("R2", 40001), "exceeds_credit", "amount_fen", "after refund")
    accepts(ledger, refund_credit("R2", 40000))


# --------------------------------------------------------------------------- settlement


def test_period_already_issued(ledger: Any) -> None:
    world(ledger)
    accepts(ledger, issue("2026-03", "2026-04-01"))
    rejects(ledger, issue("2026-03", "2026-04-02"), "period_already_issued", "period")


def test_periods_are_issued_in_order_from_service_start(ledger: Any) -> None:
    world(ledger)
    rejects(ledger, issue("2026-04", "2026-05-01"), "period_out_of_order", "period", "first")
    accepts(ledger, issue("2026-03", "2026-05-01"))  # late issue is allowed
    rejects(ledger, issue("2026-05", "2026-06-01"), "period_out_of_order", "period", "gap")
    accepts(ledger, issue("2026-04", "2026-05-01"))
    accepts(ledger, issue("2026-05", "2026-06-01"))


def test_postpaid_period_must_have_ended(ledger: Any) -> None:
    world(ledger)
    rejects(ledger, issue("2026-03", "2026-03-15"), "period_not_ended", "period", "mid-period")
    rejects(ledger, issue("2026-03", "2026-03-31"), "period_not_ended", "period", "last day")
    accepts(ledger, issue("2026-03", "2026-04-01"))


def test_period_ends_early_with_the_last_service_day(ledger: Any) -> None:
    world(ledger)
    ledger.accept(terminate("2026-03-20"))
    rejects(ledger, issue("2026-03", "2026-03-20"), "period_not_ended", "period")
    accepts(ledger, issue("2026-03", "2026-03-21"))


def test_prepaid_period_is_issued_in_advance(ledger: Any) -> None:
    world(ledger, terms=fixed_terms("prepaid"))
    accepts(ledger, issue("2026-03", "2026-02-25"))
    accepts(ledger, issue("2026-04", "2026-04-01"))  # on its first day
    accepts(ledger, issue("2026-05", "2026-05-06"))  # late issue is allowed


def test_quarterly_periods(ledger: Any) -> None:
    world(ledger, terms=bpc_terms(settlement_cycle="quarterly"))
    rejects(ledger, issue("2026-Q1", "2026-03-31"), "period_not_ended", "period")
    accepts(ledger, issue("2026-Q1", "2026-04-01"))
    rejects(ledger, issue("2026-Q3", "2026-10-01"), "period_out_of_order", "period")
    accepts(ledger, issue("2026-Q2", "2026-07-01"))


# --------------------------------------------------------------------------- history

_RFC3339_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|\+00:00)$")


def history(ledger: Any, contract: str) -> list[dict[str, Any]]:
    run = ledger.run("history", contract, "--json")
    assert run.code == 0, run
    data = run.json()
    if isinstance(data, dict) and "events" in data:  # a wrapper object is tolerated
        data = data["events"]
    assert isinstance(data, list), data
    return data


def check_events(events: list[dict[str, Any]]) -> None:
    positions = [e["position"] for e in events]
    assert all(type(p) is int for p in positions), positions
    assert positions == sorted(set(positions)), "positions must increase strictly"
    for event in events:
        stamp = event["recorded_at"]
        assert isinstance(stamp, str), event
        assert _RFC3339_UTC.match(stamp), stamp
        parsed = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
        assert parsed.utcoffset() == timedelta(0), stamp
        assert isinstance(event["type"], str), event
        assert event["type"], event
        assert isinstance(event["command_id"], str), event


def command_order(events: list[dict[str, Any]]) -> list[str]:
    """Command ids in event order, one entry per command (a command may emit several)."""
    return [key for key, _ in itertools.groupby(e["command_id"] for e in events)]


def test_history_lists_the_contracts_events_in_log_order(ledger: Any) -> None:
    first = [sign(), sign2(), *agent_ready("A1"), deposit()]
    second = [shift("A1", "2026-03-02"), pay("P1", 100000, "2026-03-05", "C2"),
              shift("A1", "2026-03-03"), pay("P1", 50000, "2026-03-06"),
              issue("2026-03", "2026-04-01"), breach("B1")]
    ledger.accept(*first)
    ledger.accept(*second)
    # neither a rejected command nor a duplicate adds to the history
    rejects(ledger, shift("A1", "2026-03-04", "night"), "unknown_shift", "shift")
    replay = ledger.submit(first[0])
    assert [r["status"] for r in replay.lines()] == ["duplicate"]

    events = history(ledger, "C1")
    check_events(events)
    expected = [c["id"] for c in first + second if c["contract_id"] == "C1"]
    assert len(expected) == 10
    assert command_order(events) == expected

    events2 = history(ledger, "C2")
    check_events(events2)
    assert command_order(events2) == [first[1]["id"], second[1]["id"]]


def test_history_follows_log_order_not_business_dates(ledger: Any) -> None:
    world(ledger, "A1")
    late = shift("A1", "2026-03-20")
    early = shift("A1", "2026-03-03")
    ledger.accept(late)
    ledger.accept(early)
    events = history(ledger, "C1")
    check_events(events)
    assert command_order(events)[-2:] == [late["id"], early["id"]]
