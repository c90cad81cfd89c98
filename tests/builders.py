"""Command builders for tests: a "given" history written as a list of commands.

Every builder returns a plain dict ready for ``ledger submit``; keyword
arguments override any field. Command ids are unique per process unless given.
"""

from __future__ import annotations

import copy
import itertools
from datetime import date, timedelta
from typing import Any

_ids = itertools.count(1)


def cid() -> str:
    return f"cmd-{next(_ids):06d}"


def bpc_terms(**over: Any) -> dict[str, Any]:
    """Base + commission terms: Mon-Fri, one shift 'day' of 2 agents."""
    terms: dict[str, Any] = {
        "settlement_cycle": "monthly",
        "payment_due_days": 10,
        "tax_rate": "0.06",
        "pricing": {
            "model": "base_plus_commission",
            "shift_rate_fen": 20000,
            "commission_rate": "0.01",
            "deposit_fen": 0,
        },
        "staffing": {
            "weekdays": [1, 2, 3, 4, 5],
            "shifts": [{"code": "day", "start": "09:00", "end": "18:00", "agents": 2}],
            "special_days": [],
        },
        "kpi": {"min_qa_score": 85, "max_first_response_s": 30},
        "penalties": {
            "qa_failure_fen": 20000,
            "qa_cap_rate": "0.10",
            "qa_breach_failures": 3,
            "understaffing_fen": 10000,
            "late_fee_daily_rate": "0.0005",
        },
    }
    return merge(terms, over)


def fixed_terms(billing: str = "postpaid", **over: Any) -> dict[str, Any]:
    """Fixed-fee terms: 3 000 000 fen a month, extra shifts 30 000."""
    terms = bpc_terms()
    terms["pricing"] = {
        "model": "fixed_fee",
        "monthly_fee_fen": 3000000,
        "billing": billing,
        "extra_shift_fen": 30000,
        "deposit_fen": 0,
    }
    return merge(terms, over)


def merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def sign(contract_id: str = "C1", terms: dict[str, Any] | None = None, **over: Any) -> dict[str, Any]:
    cmd: dict[str, Any] = {
        "type": "sign_contract",
        "id": cid(),
        "contract_id": contract_id,
        "merchant": {"id": "M1", "name": "测试旗舰店", "platform": "tmall"},
        "signed_on": "2026-02-20",
        "service_start": "2026-03-02",
        "terms": terms if terms is not None else bpc_terms(),
    }
    cmd.update(over)
    return cmd


def cmd(type_: str, contract_id: str | None = "C1", **fields: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"type": type_, "id": fields.pop("id", None) or cid()}
    if contract_id is not None:
        out["contract_id"] = contract_id
    out.update(fields)
    return out


def agent_ready(agent: str, contract_id: str = "C1", live_from: str = "2026-03-02") -> list[dict[str, Any]]:
    """train, pass the assessment and go live."""
    return [
        cmd("train_agent", contract_id, agent_id=agent, name=f"Agent {agent}",
            completed_on="2026-02-25", topics=["rules"]),
        cmd("assess_agent", contract_id, agent_id=agent, on="2026-02-26", passed=True, score=90),
        cmd("agent_live", contract_id, agent_id=agent, **{"from": live_from}),
    ]


def shift(agent: str, day: str, code: str = "day", contract_id: str = "C1") -> dict[str, Any]:
    return cmd("record_shift", contract_id, agent_id=agent, date=day, shift=code)


def days(first: str, last: str, weekdays: tuple[int, ...] = (1, 2, 3, 4, 5)) -> list[str]:
    """ISO dates from first to last inclusive whose ISO weekday is in weekdays."""
    d, end = date.fromisoformat(first), date.fromisoformat(last)
    out = []
    while d <= end:
        if d.isoweekday() in weekdays:
            out.append(d.isoformat())
        d += timedelta(days=1)
    return out


def full_month(agents: list[str], first: str, last: str, code: str = "day",
               contract_id: str = "C1", skip: set[tuple[str, str]] | None = None) -> list[dict[str, Any]]:
    """Every agent works every weekday from first to last, except (agent, date) in skip."""
    skip = skip or set()
    return [shift(a, d, code, contract_id) for d in days(first, last) for a in agents
            if (a, d) not in skip]


def issue(period: str, issued_on: str, contract_id: str = "C1") -> dict[str, Any]:
    return cmd("issue_settlement", contract_id, period=period, issued_on=issued_on)


def pay(payment_id: str, amount_fen: int, received_on: str, contract_id: str = "C1") -> dict[str, Any]:
    return cmd("record_payment", contract_id, payment_id=payment_id, amount_fen=amount_fen,
               received_on=received_on, reference=f"BANK-{payment_id}")


def issue_quote(profile: dict[str, Any], quote_id: str = "Q1", **over: Any) -> dict[str, Any]:
    """issue_quote for ``sign``'s merchant M1, issued 2026-02-10, valid 30 days (to 03-12)."""
    out = cmd("issue_quote", None, quote_id=quote_id,
              merchant={"id": "M1", "name": "测试旗舰店", "platform": "tmall"},
              issued_on="2026-02-10", valid_days=30, profile=profile)
    out.update(over)
    return out
