"""Properties of void payments (SPEC §11), on histories hypothesis draws.

- A payment voided before any other fact reached the ledger changes nothing:
  every report (statements, balance, allocation, breach records) equals the same
  history without the payment.
- Wherever a void falls, each statement's opening equals the previous statement's
  closing, and the balance equals what the statements billed less the payments in force.

(A payment voided after statements counted it leaves those statements as they printed:
their account sections and the late fees they billed; the next statement takes both back.
Those are the exceptions SPEC §11 allows, so the first property voids at once.)
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
from builders import cmd, issue, pay
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projections.breaches import evaluate

from . import given as g
from .history import contract, worked

ISSUES = [("2026-03", dt.date(2026, 4, 1)), ("2026-04", dt.date(2026, 5, 1)),
          ("2026-05", dt.date(2026, 6, 1))]
FIRST, LAST = dt.date(2026, 3, 5), dt.date(2026, 6, 20)


@st.composite
def payments(draw: Any) -> list[tuple[dt.date, int]]:
    n = draw(st.integers(1, 5))
    days = draw(st.lists(st.integers(0, (LAST - FIRST).days), min_size=n, max_size=n))
    amounts = draw(st.lists(st.integers(1, 1_500_000), min_size=n, max_size=n))
    return sorted((FIRST + dt.timedelta(days=d), a) for d, a in zip(days, amounts, strict=True))


def log(paid: list[tuple[dt.date, int]], void: int | None, at_once: bool,
        skip: int | None = None) -> list[dict[str, Any]]:
    """The history in date order: issues at month starts, payments P0.., the void of P<void>."""
    dated: list[tuple[dt.date, int, dict[str, Any]]] = []
    for period, on in ISSUES:
        dated.append((on, 0, issue(period, on.isoformat())))
    for i, (day, amount) in enumerate(paid):
        if i == skip:
            continue
        dated.append((day, 1, pay(f"P{i}", amount, day.isoformat())))
        if i == void:
            when = day if at_once else LAST
            dated.append((when, 2 if at_once else 3,
                          cmd("void_payment", payment_id=f"P{i}", on=when.isoformat(),
                              reason="bounced")))
    dated.sort(key=lambda x: (x[0], x[1]))
    return [c for _, _, c in dated]


def replay(commands: list[dict[str, Any]]) -> g.Memory:
    return g.given(contract(), worked("2026-03-02", "2026-05-31", weekdays=(1, 2, 3, 4, 5)),
                   *commands)


def reports(state: g.Memory) -> dict[str, Any]:
    c = state.of()
    book = c.book
    records = evaluate(c, state.loader(), dt.date(2026, 7, 1))
    return {
        "statements": [msgspec.json.encode(c.issued[p].event.statement) for p in c.order],
        "balance": (book.receivable, book.credit, book.deposit_held),
        "allocations": [(a.source_id, a.statement_no, a.amount_fen, a.days_late)
                        for a in book.allocations],
        # the evidence names command ids, which differ between two histories
        "breaches": [msgspec.json.encode(msgspec.structs.replace(r, evidence=[])) for r in records],
    }


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(paid=payments(), data=st.data())
def test_a_payment_voided_at_once_changes_no_report(paid: list[tuple[dt.date, int]],
                                                    data: st.DataObject) -> None:
    void = data.draw(st.integers(0, len(paid) - 1))
    with_void = reports(replay(log(paid, void, at_once=True)))
    without = reports(replay(log(paid, None, at_once=True, skip=void)))
    assert with_void == without


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(paid=payments(), data=st.data())
def test_wherever_a_void_falls_each_opening_equals_the_previous_closing(
        paid: list[tuple[dt.date, int]], data: st.DataObject) -> None:
    void = data.draw(st.integers(0, len(paid) - 1))
    state = replay(log(paid, void, at_once=False))
    state = g.also(state, issue("2026-06", "2026-07-01"))
    c = state.of()
    statements = [c.issued[p].event.statement for p in c.order]
    closing = 0
    for s in statements:
        assert s.account.opening_fen == closing
        closing = s.account.closing_fen
    in_force = sum(a for i, (_, a) in enumerate(paid) if i != void)
    assert c.book.receivable == sum(s.total_fen for s in statements) - in_force
    assert c.book.receivable == closing  # every payment came before July's statement
