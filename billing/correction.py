"""Corrections: facts that reached a settled period after its statement (SPEC §5, §10).

For each earlier settled period Q and each line code billed for Q's activity
(or Q's fixed fee), the lines as computed now (each rounded as on a statement)
minus everything billed for Q and that code so far; one line per non-zero
difference.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from billing.activity import activity_codes, activity_lines
from billing.calc import Calc
from billing.plan import MonthLoader
from billing.service import fixed_fee
from ledger.contract import ContractState
from schemas.types import LINE_CODES


def correction(state: ContractState, months: MonthLoader, period: str, activity_period: str | None,
               issued_on: dt.date, periods: list[str]) -> list[Calc]:
    """``correction`` lines of the statement of ``period`` for the earlier ``periods``
    (the activity period billed by this statement itself is not corrected)."""
    out: list[Calc] = []
    for q in sorted(set(periods)):
        now: dict[str, int] = {}
        evidence: dict[str, list[str]] = {}
        if q != activity_period and state.settled(q):
            for calc in activity_lines(state, months, q, issued_on):
                now[calc.code] = now.get(calc.code, 0) + calc.amount_fen
                evidence.setdefault(calc.code, []).extend(calc.evidence)
            for code in activity_codes(state):
                now.setdefault(code, 0)
        if state.fixed and q != period and state.fee_settled(q):
            fee = fixed_fee(state, q)
            now["fixed_fee"] = fee.amount_fen
            evidence["fixed_fee"] = fee.evidence
        for code in _in_statement_order(now):
            diff = now[code] - state.billed.get((q, code), 0)
            if diff:
                out.append(Calc("correction", Fraction(diff), 1, {diff},
                                {"period": q, "line": code},
                                f"correction of {code} for {q}", evidence.get(code, [])))
    return out


_ORDER = ("fixed_fee", "base", "special_day", "commission", "understaffing", "qa_penalty",
          "extra_shifts")
assert set(_ORDER) <= set(LINE_CODES)


def _in_statement_order(now: dict[str, int]) -> list[str]:
    return [c for c in _ORDER if c in now]
