"""``ledger export statements|lines|payments|breaches --format csv|xlsx`` (issue #8).

Given the realistic contract of test_documents (March and April issued, March
paid late in two payments, a dispute, short days) and a second contract, when
the exports run, then the CSV read back with the ``csv`` module matches what
the reports say (``statements --json``, ``breaches --json``), column names are
the documented ones, amounts come in fen and in yuan, and the xlsx file holds
the same rows.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from builders import agent_ready, full_month, issue, pay, sign
from test_documents import CONTRACT, given_realistic

from app.export import (
    BREACH_COLUMNS,
    LINE_COLUMNS,
    PAYMENT_COLUMNS,
    STATEMENT_COLUMNS,
)
from cli.progress import progress

ON = "2026-06-01"


def given_two_contracts(ledger: Any) -> None:
    given_realistic(ledger)
    ledger.accept(sign("C2"), *agent_ready("b1", "C2"), *agent_ready("b2", "C2"),
                  *full_month(["b1", "b2"], "2026-03-02", "2026-03-31", contract_id="C2"),
                  issue("2026-03", "2026-04-02", "C2"),
                  pay("P-C2", 999_999_99, "2026-04-03", "C2"))  # overpaid: the rest is credit


def read_csv(ledger: Any, *args: str) -> tuple[list[str], list[dict[str, str]]]:
    run = ledger.run("export", *args)
    assert run.code == 0, run
    assert run.err == ""  # no progress bar when stderr is not a terminal
    reader = csv.DictReader(io.StringIO(run.out))
    rows = list(reader)
    return list(reader.fieldnames or []), rows


def yuan_of(fen: str) -> Decimal:
    return Decimal(int(fen)).scaleb(-2)


def test_statements_csv_totals_equal_the_statements(ledger: Any) -> None:
    given_two_contracts(ledger)
    columns, rows = read_csv(ledger, "statements")
    assert columns == list(STATEMENT_COLUMNS)
    reported = {s["statement_no"]: s for s in ledger.run("statements", "--json").json()}
    assert sorted(r["statement_no"] for r in rows) == sorted(reported)
    for row in rows:
        expected = reported[row["statement_no"]]
        for key in ("contract_id", "period", "issued_on", "due_on", "subtotal_fen", "tax_fen",
                    "total_fen", "closing_fen"):
            assert row[key] == str(expected[key]), (row["statement_no"], key)
        full = ledger.statement(row["contract_id"], row["period"])
        for key in ("opening_fen", "payments_fen", "deposit_applied_fen", "closing_fen"):
            assert int(row[key]) == full["account"][key.replace("_fen", "") + "_fen"]
        assert row["tax_rate"] == full["tax_rate"] and int(row["line_count"]) == len(full["lines"])
        for name in ("subtotal", "tax", "total", "opening", "payments", "deposit_applied",
                     "closing"):
            assert Decimal(row[f"{name}_yuan"]) == yuan_of(row[f"{name}_fen"])
            assert "," not in row[f"{name}_yuan"]
    total = sum(int(r["total_fen"]) for r in rows)
    assert total == sum(s["total_fen"] for s in reported.values())
    march = next(r for r in rows if r["statement_no"] == f"{CONTRACT}-2026-03")
    assert march["merchant_name"] == "杭州木语家居旗舰店" and march["final"] == "false"
    assert march["outstanding_fen"] == "0" and march["paid_on"] == "2026-04-15"
    april = next(r for r in rows if r["statement_no"] == f"{CONTRACT}-2026-04")
    assert april["outstanding_fen"] == april["total_fen"] and april["paid_on"] == ""


def test_lines_csv_adds_up_to_each_subtotal(ledger: Any) -> None:
    given_two_contracts(ledger)
    columns, rows = read_csv(ledger, "lines")
    assert columns == list(LINE_COLUMNS)
    for st in ledger.run("statements", "--json").json():
        mine = [r for r in rows if r["statement_no"] == st["statement_no"]]
        assert sum(int(r["amount_fen"]) for r in mine) == st["subtotal_fen"]
        assert [int(r["line_no"]) for r in mine] == list(range(1, len(mine) + 1))
    corrections = [r for r in rows if r["code"] == "correction"]
    assert corrections and all(r["ref_period"] == "2026-03" and r["ref_line"] for r in corrections)
    assert all(Decimal(r["amount_yuan"]) == yuan_of(r["amount_fen"]) for r in rows)
    understaffing = next(r for r in rows if r["code"] == "understaffing")
    assert understaffing["unit_fen"] == "-10000" and understaffing["unit_yuan"] == "-100.00"


def test_payments_csv_carries_the_allocations(ledger: Any) -> None:
    given_two_contracts(ledger)
    columns, rows = read_csv(ledger, "payments")
    assert columns == list(PAYMENT_COLUMNS)
    by_id = {r["payment_id"]: r for r in rows}
    assert set(by_id) == {"PAY-0409", "PAY-0415", "P-C2"}
    early, late = by_id["PAY-0409"], by_id["PAY-0415"]
    march = f"{CONTRACT}-2026-03"
    assert early["statements"] == march and early["max_days_late"] == "0"
    assert early["allocated_fen"] == early["amount_fen"] and early["to_credit_fen"] == "0"
    assert late["statements"] == march and late["max_days_late"] == "4"  # due 04-11, paid 04-15
    assert late["allocated_late_fen"] == late["amount_fen"]
    assert late["reference"] == "BANK-PAY-0415" and late["received_on"] == "2026-04-15"
    c2 = by_id["P-C2"]
    c2_total = ledger.statement("C2", "2026-03")["total_fen"]
    assert int(c2["allocated_fen"]) == c2_total
    assert int(c2["to_credit_fen"]) == 999_999_99 - c2_total
    assert Decimal(c2["to_credit_yuan"]) == yuan_of(c2["to_credit_fen"])


def test_breaches_csv_equals_the_breach_report(ledger: Any) -> None:
    given_two_contracts(ledger)
    columns, rows = read_csv(ledger, "breaches", "--on", ON)
    assert columns == list(BREACH_COLUMNS)
    report = ledger.run("breaches", "--json", "--on", ON).json()
    assert [r["breach_id"] for r in rows] == [b["breach_id"] for b in report]
    for row, b in zip(rows, report, strict=True):
        assert int(row["amount_fen"]) == b["amount_fen"] and row["status"] == b["status"]
        assert row["evidence"] == ";".join(b["evidence"]) and row["on"] == b["on"]
    assert {"understaffed_shift", "late_payment"} <= {r["rule"] for r in rows}


def test_filters_by_period_and_contract(ledger: Any) -> None:
    given_two_contracts(ledger)
    _, rows = read_csv(ledger, "statements", "--period", "2026-03")
    assert sorted(r["statement_no"] for r in rows) == ["C2-2026-03", f"{CONTRACT}-2026-03"]
    _, rows = read_csv(ledger, "lines", "--contract", "C2")
    assert rows and {r["contract_id"] for r in rows} == {"C2"}
    _, rows = read_csv(ledger, "breaches", "--contract", CONTRACT, "--period", "2026-04", "--on", ON)
    assert rows and {(r["contract_id"], r["period"]) for r in rows} == {(CONTRACT, "2026-04")}
    _, rows = read_csv(ledger, "payments", "--period", "2026-05")
    assert rows == []
    assert ledger.run("export", "lines", "--contract", "NOPE").code == 2
    assert ledger.run("export", "lines", "--period", "March").code == 2
    assert ledger.run("export", "nothing").code == 2


def test_csv_to_a_file(ledger: Any, tmp_path: Path) -> None:
    given_two_contracts(ledger)
    out = tmp_path / "statements.csv"
    run = ledger.run("export", "statements", "--output", str(out))
    assert run.code == 0 and run.out.strip() == str(out)
    assert out.read_bytes().startswith(b"\xef\xbb\xbfcontract_id,")  # Excel reads it as UTF-8
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(ledger.run("statements", "--json").json())
    assert "杭州木语家居旗舰店" in {r["merchant_name"] for r in rows}
    assert next(iter(rows[0])) == "contract_id"
    stdout = ledger.run("export", "statements")
    assert stdout.out.startswith("contract_id,")  # stdout stays plain UTF-8 for scripts
    gb = tmp_path / "gb.csv"
    assert ledger.run("export", "statements", "--output", str(gb), "--encoding", "gb18030").code == 0
    assert "杭州木语家居旗舰店" in gb.read_bytes().decode("gb18030")
    dash = ledger.run("export", "statements", "--output", "-")
    assert dash.out == stdout.out and not (Path.cwd() / "-").exists()
    assert ledger.run("export", "statements", "--encoding", "latin-1", "--output",
                      str(tmp_path / "x.csv")).code == 2


def test_xlsx_needs_a_file_and_holds_the_same_rows(ledger: Any, tmp_path: Path) -> None:
    given_two_contracts(ledger)
    run = ledger.run("export", "statements", "--format", "xlsx")
    assert run.code == 2 and "--output" in run.err
    from openpyxl import load_workbook

    out = tmp_path / "statements.xlsx"
    run = ledger.run("export", "statements", "--format", "xlsx", "--output", str(out))
    assert run.code == 0, run
    book = load_workbook(out, read_only=True)  # keeps the file open until closed
    try:
        sheet = book.active
        assert sheet is not None
        values = list(sheet.iter_rows(values_only=True))
    finally:
        book.close()
    assert list(values[0]) == list(STATEMENT_COLUMNS)
    rows = [dict(zip(STATEMENT_COLUMNS, v, strict=True)) for v in values[1:]]
    reported = {s["statement_no"]: s for s in ledger.run("statements", "--json").json()}
    assert {r["statement_no"]: r["total_fen"] for r in rows} == {
        k: s["total_fen"] for k, s in reported.items()}
    for r in rows:
        assert Decimal(str(r["total_yuan"])) == Decimal(r["total_fen"]).scaleb(-2)
        assert str(r["issued_on"])[:10] == reported[r["statement_no"]]["issued_on"]


def test_progress_draws_only_on_a_terminal() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    with progress("export lines", 3, stream=screen) as advance:
        for _ in range(3):
            advance(1)
    assert "export lines" in screen.getvalue()
    quiet = io.StringIO()
    with progress("export lines", lambda: pytest.fail("counted without a terminal"),
                  stream=quiet) as advance:
        advance(1)
    assert quiet.getvalue() == ""


def test_submit_is_silent_on_stderr_without_a_terminal(ledger: Any,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEDGER_LOG_LEVEL", "warning")
    run = ledger.submit(sign("C9"))  # no progress bar: only the summary
    assert run.code == 0 and run.err == "submit: 1 commands: 1 accepted, 0 duplicate, 0 rejected\n"


def test_xlsx_cells_are_typed_dates_and_numbers(ledger: Any, tmp_path: Path) -> None:
    import datetime as dt

    from builders import bpc_terms
    from openpyxl import load_workbook

    special = {"date": "2026-03-11", "kind": "promotion", "label": "女王节",
               "agents": {"day": 2}, "multiplier": "1.5"}
    ledger.accept(sign("C1", terms=bpc_terms(staffing={"special_days": [special]})),
                  *agent_ready("a1"), *agent_ready("a2"),
                  *full_month(["a1", "a2"], "2026-03-02", "2026-03-31"),
                  issue("2026-03", "2026-04-01"))

    def sheet(kind: str) -> list[dict[str, Any]]:
        out = tmp_path / f"{kind}.xlsx"
        assert ledger.run("export", kind, "--format", "xlsx", "--output", str(out)).code == 0
        book = load_workbook(out)
        try:
            ws = book.active
            assert ws is not None
            header = [c.value for c in ws[1]]
            return [dict(zip(header, row, strict=True)) for row in ws.iter_rows(min_row=2)]
        finally:
            book.close()

    (statement,) = sheet("statements")
    assert statement["tax_rate"].data_type == "n" and statement["tax_rate"].value == 0.06
    for column in ("issued_on", "due_on"):
        assert statement[column].is_date and isinstance(statement[column].value, dt.datetime)
    lines = sheet("lines")
    (special_line,) = [r for r in lines if r["code"].value == "special_day"]
    assert special_line["ref_date"].is_date
    assert special_line["ref_date"].value.date() == dt.date(2026, 3, 11)
    assert all(r["ref_date"].value is None for r in lines if r["code"].value != "special_day")
    assert special_line["amount_yuan"].data_type == "n"
