"""Command dicts for the unit tests, in the shapes of ``tests/builders.py``.

The standard contract C1 of ``builders.sign``: signed 2026-02-20, service from
Monday 2026-03-02, Mon-Fri, one shift ``day`` of 2 agents, 20 000 fen a shift,
commission 0.01, understaffing 10 000, QA failure 20 000 capped at 10 %, tax
0.06, due 10 days after issue. ``week_terms`` works all seven days at 25 000.
"""

from __future__ import annotations

from typing import Any

from builders import agent_ready, bpc_terms, cmd, days, merge, shift, sign

Cmd = dict[str, Any]
ALL_WEEK = (1, 2, 3, 4, 5, 6, 7)


def week_terms(**over: Any) -> Cmd:
    """bpc terms worked every day of the week, 25 000 fen a shift (``over`` merged in)."""
    return merge(bpc_terms(staffing={"weekdays": list(ALL_WEEK)},
                           pricing={"shift_rate_fen": 25000}), over)


def contract(terms: Cmd | None = None, *, start: str = "2026-03-02", agents: tuple[str, ...] = ("a1", "a2"),
             contract_id: str = "C1", **sign_over: Any) -> list[Cmd]:
    """Sign the contract and make the agents live from the service start."""
    out = [sign(contract_id, terms, service_start=start, **sign_over)]
    for agent in agents:
        out += agent_ready(agent, contract_id, live_from=start)
    return out


def worked(first: str, last: str, agents: tuple[str, ...] = ("a1", "a2"), code: str = "day",
           weekdays: tuple[int, ...] = ALL_WEEK, contract_id: str = "C1") -> list[Cmd]:
    """Every agent works ``code`` on every date from first to last whose weekday is in weekdays."""
    return [shift(a, d, code, contract_id) for d in days(first, last, weekdays) for a in agents]


def amend(effective_from: str, terms: Cmd, contract_id: str = "C1") -> Cmd:
    return cmd("amend_terms", contract_id, effective_from=effective_from, terms=terms)


def sales(agent: str, day: str, amount: int, contract_id: str = "C1") -> Cmd:
    return cmd("record_sales", contract_id, agent_id=agent, date=day, sales_fen=amount, orders=1)


def qa(inspection_id: str, agent: str, day: str, score: float | int, contract_id: str = "C1") -> Cmd:
    return cmd("record_qa_inspection", contract_id, inspection_id=inspection_id, agent_id=agent,
               date=day, score=score, sampled_sessions=20)


def adjust(adjustment_id: str, amount: int, contract_id: str = "C1", **extra: Any) -> Cmd:
    return cmd("post_adjustment", contract_id, adjustment_id=adjustment_id, amount_fen=amount,
               reason="goodwill", **extra)


def breach(breach_id: str, party: str, penalty: int, on: str = "2026-03-20",
           contract_id: str = "C1") -> Cmd:
    return cmd("report_breach", contract_id, breach_id=breach_id, party=party,
               kind="confidentiality", on=on, description="customer data shared", penalty_fen=penalty)


def terminate(last_day: str, contract_id: str = "C1") -> Cmd:
    return cmd("terminate_contract", contract_id, last_day=last_day, initiated_by="merchant",
               reason="closing the shop")


def deposit(amount: int, received_on: str = "2026-02-25", contract_id: str = "C1") -> Cmd:
    return cmd("record_deposit", contract_id, amount_fen=amount, received_on=received_on,
               reference="DEP-1")
