"""Breach records on a generated store: the benchmark's year at a small scale (twelve
contracts, the 36 days from 2026-01-01), and the quick paths ``breaches`` takes.

- Without ``--as-of`` a month's events are read whole (``Store.events``); with ``--as-of``
  after the last event they are read as records and filtered: the same bytes.
- ``evaluate`` prices a ``qa_failures`` record from the period's service lines alone: its
  amount is the ``qa_penalty`` line of the period's activity (``activity_lines``).
- The session-weighted mean of ``slow_response`` is summed in exact decimals
  (``weighted_sum``): the same rational as summing ``Fraction`` products.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from conftest import Ledger
from hypothesis import given
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]
SCALE = 0.01  # twelve contracts, 2026-01-01 .. 2026-02-05: January ends, February does not
DATES = ("2026-01-15", "2026-02-01", "2026-02-20", "2026-04-01")
LATER = "2999-01-01T00:00:00Z"


@pytest.fixture
def generated(ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Ledger:
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
    assert spec is not None and spec.loader is not None
    generate = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = generate  # dataclasses look their module up while the class is built
    spec.loader.exec_module(generate)
    year = tmp_path / "year.jsonl"
    generate.write(year, SCALE, seed=6)
    monkeypatch.setenv("LEDGER_TODAY", "2030-12-31")  # as bench/startup.py submits it
    monkeypatch.setenv("LEDGER_LOG_LEVEL", "warning")
    run = ledger.run("submit", "--quiet", str(year))
    assert run.code == 0, run.err[-2000:]
    return ledger


def test_months_read_whole_give_the_records_the_filtered_view_gives(generated: Ledger) -> None:
    rules: set[str] = set()
    for on in DATES:
        for contract in ((), ("HC0001",), ("HC0004",)):
            whole = generated.run("breaches", *contract, "--on", on, "--json")
            filtered = generated.run("breaches", *contract, "--on", on, "--json", "--as-of", LATER)
            assert whole.code == filtered.code == 0, (whole, filtered)
            assert whole.out == filtered.out, (contract, on)
            rules |= {r["rule"] for r in whole.json()}
    assert {"understaffed_shift", "qa_failures", "late_payment"} <= rules


def test_a_qa_failures_record_bills_the_qa_penalty_line_of_its_period(generated: Ledger) -> None:
    """The record's amount is the statement's line; and for every ended period the cap
    ``evaluate`` works out from the service lines of the shifts before ``on`` is the cap of
    the statement's line (the cap seldom binds in this data, so it is compared itself)."""
    from billing.activity import activity_lines, service_lines
    from billing.penalties import qa_penalty
    from billing.plan import day_shifts
    from ledger.periods import bounds
    from projections.breaches import evaluate, periods_until
    from store.eventstore import open_store
    from store.view import View

    on = dt.date(2026, 4, 1)
    view = View(open_store(generated.db))
    records = 0
    for state in view.contracts():
        months = view.loader(state.contract_id)
        for period in periods_until(state, on - dt.timedelta(days=1)):
            if bounds(period)[1] >= on:
                continue
            line = next(c for c in activity_lines(state, months, period, None)
                        if c.code == "qa_penalty")
            fee = service_lines(state, day_shifts(state, months, period, on), period)[1]
            quick = qa_penalty(state, period, None, fee)
            assert (quick.amount_fen, quick.refs) == (line.amount_fen, line.refs), period
            for record in evaluate(state, months, on, "qa_failures"):
                if record.period == period:
                    assert record.amount_fen == line.amount_fen != 0, record
                    records += 1
    assert records


@given(st.lists(st.tuples(st.integers(0, 10**6),
                          st.decimals(0, 10**5, allow_nan=False, allow_infinity=False)),
                max_size=50))
def test_weighted_sum_is_the_sum_of_fraction_products(terms: list[tuple[int, Decimal]]) -> None:
    from ledger.money import weighted_sum

    assert weighted_sum(terms) == sum((w * Fraction(v) for w, v in terms), Fraction(0))
