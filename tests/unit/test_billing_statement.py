"""billing.statement.draft: the lines put together, totals and account (SPEC §5, §10).

QUIET terms: C1 without agents, no understaffing penalty, so only the facts each
test adds are billed. C1 is due 10 days after issue.
"""

from __future__ import annotations

from builders import bpc_terms, fixed_terms, sign

from .given import given, price
from .history import adjust, contract, deposit, terminate, worked

QUIET = bpc_terms(penalties={"understaffing_fen": 0})


def test_a_statement_with_nothing_to_bill_keeps_one_zero_line() -> None:
    st = price(given(sign("C1", QUIET)), "C1", "2026-03", "2026-04-01").statement
    assert [(line.code, line.amount_fen) for line in st.lines] == [("base", 0)]
    fixed = fixed_terms(pricing={"monthly_fee_fen": 0}, penalties={"understaffing_fen": 0})
    st = price(given(sign("C1", fixed)), "C1", "2026-03", "2026-04-01").statement
    assert [(line.code, line.amount_fen) for line in st.lines] == [("fixed_fee", 0)]


def test_tax_is_rounded_half_away_from_zero_and_may_be_negative() -> None:
    state = given(sign("C1", bpc_terms(tax_rate="0.1", penalties={"understaffing_fen": 0})),
                  adjust("A1", -25))
    st = price(state, "C1", "2026-03", "2026-04-01").statement
    # subtotal -25; tax 0.1 x -25 = -2.5 -> -3; total -28
    assert (st.subtotal_fen, st.tax_fen, st.total_fen) == (-25, -3, -28)
    assert (st.tax_rate, st.due_on.isoformat()) == ("0.1", "2026-04-11")


def test_the_final_statement_applies_the_held_deposit() -> None:
    state = given(contract(), deposit(500000), terminate("2026-03-31"),
                  worked("2026-03-02", "2026-03-31", weekdays=(1, 2, 3, 4, 5)))
    d = price(state, "C1", "2026-03", "2026-04-01")
    # 44 x 20 000 = 880 000 + 6 % tax 52 800 = 932 800; deposit applied 500 000
    assert d.final
    acc = d.statement.account
    assert (d.statement.total_fen, acc.opening_fen, acc.deposit_applied_fen, acc.closing_fen) == (
        932800, 0, 500000, 432800)
