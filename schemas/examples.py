"""One example of every command type, and the ledger they are accepted on.

``EXAMPLES`` maps each command type to the body of one example line (``type``
and ``id`` are added by ``example_line``). Every example is accepted by
``ledger submit --dry-run`` on a ledger that holds the ``SETUP`` lines (a
contract ``SHOP-1`` in its trial, with a deposit, agents at each step, one
issued statement, a payment that left credit, an open dispute, a reported
breach and a payer name; a contract ``SHOP-3`` with one unpaid statement; a
user): tests/test_reference.py checks it, and fails for a command type without
an example, so a new command comes with one. ``ledger example TYPE``
prints them; docs/COMMANDS.md shows them. ``FIELDS`` says what each field
means, by name, for docs/COMMANDS.md.
"""

from __future__ import annotations

import json
from typing import Any

Body = dict[str, Any]

TERMS: Body = {
    "settlement_cycle": "monthly",
    "payment_due_days": 7,
    "tax_rate": "0.06",
    "pricing": {"model": "base_plus_commission", "shift_rate_fen": 25000,
                "commission_rate": "0.01", "deposit_fen": 500000},
    "staffing": {
        "weekdays": [1, 2, 3, 4, 5, 6, 7],
        "shifts": [{"code": "early", "start": "08:00", "end": "16:00", "agents": 1},
                   {"code": "late", "start": "16:00", "end": "24:00", "agents": 1}],
        "special_days": [{"date": "2026-06-18", "kind": "promotion", "label": "618",
                          "agents": {"early": 2, "late": 2}, "multiplier": "1.5"}],
    },
    "kpi": {"min_qa_score": 85, "max_first_response_s": 30},
    "penalties": {"qa_failure_fen": 20000, "qa_cap_rate": "0.10", "qa_breach_failures": 3,
                  "understaffing_fen": 10000, "late_fee_daily_rate": "0.0005"},
}

FIXED_FEE_TERMS: Body = {
    **TERMS,
    "pricing": {"model": "fixed_fee", "monthly_fee_fen": 3000000, "billing": "prepaid",
                "extra_shift_fen": 30000, "deposit_fen": 0},
}

PROVIDER: Body = {
    "effective_from": "2026-01-01", "name": "云帆客服外包（杭州）有限公司",
    "address": "浙江省杭州市余杭区文一西路 998 号 5 幢 1203 室",
    "tax_id": "91330110MA2KXXXX7Q",
    "bank": {"name": "招商银行杭州未来科技城支行", "account": "5719 0812 3410 001"},
    "contact": "财务部 陈敏 0571-8888 6621 billing@yunfan-cs.example",
}

SHOP = "SHOP-1"
MERCHANT: Body = {"id": "M-1001", "name": "衣依原创女装店", "platform": "taobao"}
TOKEN_SHA256 = "9b088a0d5d9215b3a7055f874a7dde85278ae79db9f56409db276371e97c5594"

# A quote's profile, small enough for one line: two weeks of hourly inquiries would be the
# usual history (docs/QUOTE.md); two days of three hours show the shape.
PROFILE: Body = {
    "history": [{"date": d, "hour": h, "inquiries": n}
                for d in ("2026-01-05", "2026-01-06") for h, n in ((9, 40), (10, 55), (20, 70))],
    "aht_s": 240, "concurrency": 3,
    "service": {"answer_within_s": 30, "service_level": "0.8", "max_occupancy": "0.85"},
    "shrinkage": "0.15", "min_agents": 1, "weekdays": [1, 2, 3, 4, 5, 6, 7],
    "shifts": [{"code": "early", "start": "08:00", "end": "16:00"},
               {"code": "late", "start": "16:00", "end": "24:00"}],
    "rates": {"shift_rate_fen": 25000, "commission_rate": "0.01", "special_multiplier": "1.5",
              "fixed_premium": "0.1"},
    "monthly_sales_fen": 15000000,
}


def _on(contract: str = SHOP, **fields: Any) -> Body:
    return {"contract_id": contract, **fields}


SETUP: list[Body] = [
    {"type": "sign_contract", "id": "setup-01", **_on(
        merchant=MERCHANT, signed_on="2026-02-20", service_start="2026-03-02",
        trial_end="2026-03-31", terms=TERMS)},
    {"type": "record_deposit", "id": "setup-02", **_on(
        amount_fen=500000, received_on="2026-02-27", reference="CMB-20260227-0001")},
    {"type": "train_agent", "id": "setup-03", **_on(
        agent_id="a1", name="李娜", completed_on="2026-02-25", topics=["平台规则", "商品知识"])},
    {"type": "assess_agent", "id": "setup-04", **_on(
        agent_id="a1", on="2026-02-26", passed=True, score=91)},
    {"type": "agent_live", "id": "setup-05", **_on(agent_id="a1", **{"from": "2026-03-02"})},
    {"type": "train_agent", "id": "setup-06", **_on(
        agent_id="a2", name="王芳", completed_on="2026-03-20", topics=["平台规则"])},
    {"type": "train_agent", "id": "setup-07", **_on(
        agent_id="a3", name="张伟", completed_on="2026-03-20", topics=["平台规则", "售后话术"])},
    {"type": "assess_agent", "id": "setup-08", **_on(
        agent_id="a3", on="2026-03-21", passed=True, score=88)},
    {"type": "record_shift", "id": "setup-09", **_on(agent_id="a1", date="2026-03-02",
                                                      shift="early")},
    {"type": "report_breach", "id": "setup-10", **_on(
        breach_id="B-1", party="merchant", kind="late_briefing", on="2026-03-10",
        description="promotion brief sent the day before", penalty_fen=50000)},
    {"type": "issue_settlement", "id": "setup-11", **_on(period="2026-03", issued_on="2026-04-01")},
    {"type": "record_payment", "id": "setup-12", **_on(
        payment_id="P-1", amount_fen=1000000, received_on="2026-04-02",
        reference="CMB-20260402-0007")},
    {"type": "open_dispute", "id": "setup-13", **_on(
        dispute_id="D-1", period="2026-03", line="understaffing", claim_fen=-50000,
        opened_on="2026-04-03", note="two March shifts were worked but not imported")},
    {"type": "sign_contract", "id": "setup-14", **_on(
        "SHOP-3", merchant={"id": "M-1003", "name": "小鹿家居旗舰店", "platform": "tmall"},
        signed_on="2026-02-20", service_start="2026-03-02", terms=TERMS)},
    {"type": "issue_settlement", "id": "setup-15", **_on("SHOP-3", period="2026-03",
                                                          issued_on="2026-04-01")},
    {"type": "add_user", "id": "setup-16", "name": "wang.fang", "role": "auditor",
     "token_sha256": TOKEN_SHA256.replace("9b", "7c", 1)},
    {"type": "record_payer_name", "id": "setup-17", "merchant_id": "M-1001",
     "payer_name": "衣依服饰（杭州）有限公司", "note": "the shop's own company"},
]

EXAMPLES: dict[str, Body] = {
    "sign_contract": _on("SHOP-2", merchant={"id": "M-1002", "name": "极客数码专营店",
                                             "platform": "jd"},
                         signed_on="2026-04-20", service_start="2026-05-01", term_end="2027-04-30",
                         terms=FIXED_FEE_TERMS),
    "amend_terms": _on(effective_from="2026-05-01", terms={"pricing": {"shift_rate_fen": 26000}}),
    "end_trial": _on(on="2026-03-31", outcome="converted"),
    "terminate_contract": _on(last_day="2026-06-30", initiated_by="merchant",
                              reason="the shop moves its service in-house"),
    "record_deposit": _on(amount_fen=200000, received_on="2026-04-10",
                          reference="CMB-20260410-0003"),
    "refund_deposit": _on(amount_fen=100000, paid_on="2026-04-15", reference="CMB-20260415-0011"),
    "train_agent": _on(agent_id="a4", name="陈静", completed_on="2026-04-01",
                       topics=["平台规则", "商品知识", "售后话术"]),
    "assess_agent": _on(agent_id="a2", on="2026-04-02", passed=True, score=87.5),
    "agent_live": _on(agent_id="a3", **{"from": "2026-04-03"}),
    "offboard_agent": _on(agent_id="a1", last_day="2026-04-30"),
    "record_shift": _on(agent_id="a1", date="2026-03-03", shift="early"),
    "retract_shift": _on(agent_id="a1", date="2026-03-02", shift="early",
                         reason="imported twice from the attendance sheet"),
    "record_sales": _on(agent_id="a1", date="2026-03-03", sales_fen=1280000, orders=37),
    "record_service_metrics": _on(agent_id="a1", date="2026-03-03", sessions=212,
                                  avg_first_response_s=18.5),
    "record_qa_inspection": _on(inspection_id="QA-2026-03-001", agent_id="a1", date="2026-03-03",
                                score=92, sampled_sessions=20),
    "post_adjustment": _on(adjustment_id="ADJ-1", amount_fen=-50000,
                           reason="goodwill credit for the March system outage",
                           refers_to={"period": "2026-03", "line": "base"}),
    "open_dispute": _on(dispute_id="D-2", period="2026-03", line="commission", claim_fen=-12000,
                        opened_on="2026-04-05", note="refunded orders counted as sales"),
    "resolve_dispute": {"dispute_id": "D-1", "resolved_on": "2026-04-20", "outcome": "upheld",
                        "adjustment_fen": -20000, "note": "attendance confirmed two shifts"},
    "report_breach": _on(breach_id="B-2", party="provider", kind="confidentiality",
                         on="2026-04-08", description="a customer list shared outside the team",
                         penalty_fen=100000),
    "issue_settlement": _on(period="2026-04", issued_on="2026-05-01"),
    "record_payment": _on(payment_id="P-2", amount_fen=500000, received_on="2026-05-03",
                          reference="CMB-20260503-0001"),
    "refund_credit": _on(refund_id="R-1", amount_fen=100000, paid_on="2026-05-05",
                         reference="CMB-20260505-0002"),
    "resolve_breach": {"breach_id": "SHOP-1/reported/B-1", "outcome": "waived",
                       "on": "2026-04-12", "note": "brief accepted late by agreement"},
    "set_provider": PROVIDER,
    "void_payment": _on(payment_id="P-1", on="2026-04-06",
                        reason="keyed twice: the bank statement shows one transfer"),
    "void_statement": _on("SHOP-3", period="2026-03", on="2026-04-03",
                          reason="issued before the March attendance was complete"),
    "add_user": {"name": "li.na", "role": "finance", "token_sha256": TOKEN_SHA256},
    "revoke_user": {"name": "wang.fang", "reason": "left the audit firm"},
    "issue_quote": {"quote_id": "Q-2026-001", "merchant": {"id": "M-1004", "name": "山野茶舍",
                                                           "platform": "douyin"},
                    "issued_on": "2026-02-10", "valid_days": 30, "profile": PROFILE},
    "record_agent_account": _on(agent_id="a1", platform="taobao", account="衣依原创女装店:小娜",
                                on="2026-03-02"),
    "record_payer_name": {"merchant_id": "M-1001", "payer_name": "杭州衣依电子商务有限公司",
                          "payer_account": "5719 0000 1111 222", "note": "母公司代付"},
    "retire_payer_name": {"merchant_id": "M-1001", "payer_name": "衣依服饰（杭州）有限公司",
                          "reason": "entered for the wrong merchant"},
}


def example_line(command_type: str) -> str:
    """The example of ``command_type`` as one JSON line (KeyError for an unknown type)."""
    body = EXAMPLES[command_type]
    return json.dumps({"type": command_type, "id": f"example-{command_type}", **body},
                      ensure_ascii=False)


FIELDS: dict[str, str] = {
    "type": "the command type (this heading)",
    "id": "your id for this command: sending the same id and body again answers `duplicate`",
    "contract_id": "the contract's id (yours; unique across the ledger)",
    "merchant": "the shop: `id`, `name`, `platform` (taobao, tmall, jd, douyin, pinduoduo, ...)",
    "signed_on": "the day the contract was signed",
    "service_start": "the first day of service",
    "trial_end": "the last day of the trial period (omit: no trial)",
    "term_end": "the last day of the term (omit: open-ended)",
    "terms": "the contract terms (see *Terms* below); in a quote's profile: what the quote "
             "does not derive (docs/QUOTE.md)",
    "effective_from": "the first day the change applies to",
    "on": "the business date of the fact",
    "outcome": "how it ended",
    "last_day": "the last day (of service, or of the agent on the contract)",
    "initiated_by": "which party ended the contract",
    "reason": "free text (may be empty)",
    "amount_fen": "the amount in fen (1 yuan = 100 fen), an integer",
    "received_on": "the day the money arrived",
    "paid_on": "the day the money was paid out",
    "reference": "the bank transaction id or voucher (free text, may be empty)",
    "agent_id": "the agent's id (yours)",
    "name": "the name: of the agent, the provider, the bank, or the server's user (letters, "
            "digits and `._@-`)",
    "address": "the provider's registered address, as printed on statements",
    "tax_id": "the provider's tax id (统一社会信用代码)",
    "bank": "the account the merchant pays into: bank `name` and `account` number",
    "account": "the bank account number; on `record_agent_account`: the platform sub-account "
               "(旺旺 nickname, 飞鸽 or 咚咚 account)",
    "contact": "who the merchant asks about a statement (free text)",
    "completed_on": "the day training was completed",
    "topics": "what the training covered (may be empty)",
    "passed": "whether the agent passed",
    "score": "the score, 0 to 100",
    "from": "the first day the agent works on the contract",
    "date": "the day of the fact",
    "shift": "a shift code of the plan (`terms.staffing.shifts[].code`)",
    "sales_fen": "the agent's sales that day, in fen",
    "orders": "the number of orders",
    "sessions": "customer sessions served that day",
    "avg_first_response_s": "mean first-response time that day, seconds",
    "inspection_id": "your id for the inspection (new on the contract)",
    "sampled_sessions": "how many sessions were inspected",
    "adjustment_id": "your id for the adjustment (new on the contract)",
    "refers_to": "the `period` and `line` code it adjusts (omit: none)",
    "dispute_id": "your id for the dispute (unique across the ledger)",
    "period": "a billing period of the contract's cycle: `YYYY-MM` or `YYYY-Qn`",
    "line": "a statement line code: base, special_day, commission, fixed_fee, extra_shifts, "
            "understaffing, qa_penalty, late_fee, adjustment, breach_penalty, correction",
    "claim_fen": "what the merchant claims, in fen (signed)",
    "opened_on": "the day the dispute was opened",
    "note": "free text (may be empty)",
    "resolved_on": "the day the dispute was resolved",
    "adjustment_fen": "the amount an upheld dispute posts, in fen (signed; upheld only)",
    "breach_id": "for a report: your id (new on the contract); to resolve: the id "
                 "`ledger breaches` lists (`CONTRACT/RULE/KEY`)",
    "party": "the party at fault",
    "kind": "what kind of breach, e.g. `confidentiality`",
    "description": "free text (may be empty)",
    "penalty_fen": "the penalty in fen",
    "issued_on": "the issue date printed on the statement",
    "payment_id": "your id for the payment (new on the contract)",
    "refund_id": "your id for the refund (new on the contract)",
    "platform": "the shop's platform",
    "settlement_cycle": "`monthly` (periods `YYYY-MM`) or `quarterly` (`YYYY-Qn`); cannot be amended",
    "payment_due_days": "days from `issued_on` to `due_on`",
    "tax_rate": 'VAT on the subtotal, e.g. "0.06"',
    "pricing": "`base_plus_commission` or `fixed_fee` (the `model` field chooses)",
    "model": "the pricing model; cannot be amended",
    "shift_rate_fen": "price of one billable agent-shift",
    "commission_rate": 'share of sales, e.g. "0.01"',
    "deposit_fen": "the deposit the merchant owes at `service_start` (0: none)",
    "monthly_fee_fen": "the fee of a whole month (a part month is billed by service days)",
    "billing": "`prepaid` (billed at the period's start) or `postpaid`; cannot be amended",
    "extra_shift_fen": "price of an agent-shift above the normal plan on a special day",
    "staffing": "the plan of shifts (see *Staffing*)",
    "weekdays": "ISO weekdays with the normal plan, 1 = Monday (default all seven)",
    "shifts": "the shift codes worked each planned day",
    "special_days": "holidays and promotion days with their own plan (default none)",
    "code": "the shift code, e.g. `early`",
    "start": "start time HH:MM (informational)",
    "end": "end time HH:MM, `24:00` allowed (informational)",
    "agents": "agents planned (a special day: per shift code it changes)",
    "label": "a name shown on statements, e.g. 双11",
    "multiplier": 'price multiplier of the day, e.g. "1.5" (default "1")',
    "kpi": "the assessment standards",
    "min_qa_score": "an inspection scoring below this is a failure",
    "max_first_response_s": "a period whose mean first response is slower is a breach",
    "penalties": "what failures cost",
    "qa_failure_fen": "the cost of one QA failure",
    "qa_cap_rate": "QA penalties are capped at this share of the period's service fee",
    "qa_breach_failures": "this many failures in a period is a breach",
    "understaffing_fen": "the cost of one planned agent-shift not worked",
    "late_fee_daily_rate": 'late fee per day on money paid after the due date, e.g. "0.0005"',
    # -- remedies, users, payer names --
    "role": "what the user may do: `finance` (submit, read all), `auditor` (read all), "
            "`merchant` (read its own contracts, open disputes)",
    "token_sha256": "the SHA-256 of the user's token, 64 hex digits (the token itself is never "
                    "recorded)",
    "merchant_id": "a merchant's id (the `merchant.id` of `sign_contract`)",
    "payer_name": "the name a bank statement shows for the company that paid",
    "payer_account": "that company's bank account number (free text, may be empty)",
    # -- the quote (docs/QUOTE.md) --
    "quote_id": "your id for the quote (new in the ledger); on `sign_contract`: the quote the "
                "contract was signed from (omit: none)",
    "valid_days": "days after `issued_on` a contract may be signed from the quote (the last one "
                  "included)",
    "profile": "what the quote is computed from (see *Quote profile*; docs/QUOTE.md)",
    "history": "the shop's inquiries per date and hour (at most 50,000 rows)",
    "hour": "the hour of the day, 0 to 23",
    "inquiries": "inquiries that hour",
    "history_special_days": "dates of the history that were special (a promotion), with a label "
                            "a quoted special day may be `like`",
    "like": "a label of `history_special_days` whose uplift applies to this day",
    "aht_s": "average handling time of one inquiry, seconds",
    "concurrency": "chats one agent handles at once",
    "service": "the service standard the plan is sized for",
    "answer_within_s": "inquiries answered within this many seconds count as served in time",
    "service_level": 'the share of inquiries answered in time, below 1, e.g. "0.8"',
    "max_occupancy": 'the busiest an agent may be, at most 1, e.g. "0.85"',
    "shrinkage": 'the share of paid time not online (breaks, training, absence), below 1',
    "min_agents": "the fewest agents online in any hour a shift covers",
    "rates": "the prices the quote is computed with",
    "special_multiplier": 'price multiplier of every special day, e.g. "1.5"',
    "fixed_premium": 'the fixed fee\'s margin over the shifts it replaces, e.g. "0.1"',
    "monthly_sales_fen": "the shop's monthly sales, for the commission estimate, in fen",
}
