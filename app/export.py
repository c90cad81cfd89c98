"""Exports: rows spreadsheets read (``ledger export statements|lines|payments|breaches
--format csv|xlsx``).

One row per item, stable column names (the ``*_COLUMNS`` tuples below,
documented in docs/DOCUMENTS.md), money both in fen (integers) and in yuan
(two decimals, no thousands separators).
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib
import io
import json
import sys
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import IO, Any

from app.errors import ReportError
from app.output import STDOUT, write_bytes
from app.today import today
from ledger.contract import ContractState
from ledger.periods import PeriodError, check_period
from projections.breaches import evaluate
from store.eventstore import Store
from store.view import View

Advance = Callable[[int], None]


class ExportUsageError(ValueError):
    """Bad combination of export options (exit status 2)."""


def _ignore(n: int) -> None:
    del n


STATEMENT_COLUMNS = (
    "contract_id", "merchant_id", "merchant_name", "period", "statement_no", "status", "final",
    "issued_on", "due_on", "line_count", "subtotal_fen", "subtotal_yuan", "tax_rate", "tax_fen",
    "tax_yuan", "total_fen", "total_yuan", "opening_fen", "opening_yuan", "payments_fen",
    "payments_yuan", "deposit_applied_fen", "deposit_applied_yuan", "closing_fen", "closing_yuan",
    "outstanding_fen", "outstanding_yuan", "paid_on",
)
LINE_COLUMNS = (
    "contract_id", "period", "statement_no", "issued_on", "line_no", "code", "description",
    "quantity", "unit_fen", "unit_yuan", "amount_fen", "amount_yuan", "ref_period", "ref_line",
    "ref_date", "refs",
)
PAYMENT_COLUMNS = (
    "contract_id", "payment_id", "received_on", "period", "reference", "amount_fen", "amount_yuan",
    "allocated_fen", "allocated_yuan", "to_credit_fen", "to_credit_yuan", "statements",
    "allocated_late_fen", "allocated_late_yuan", "max_days_late",
)
BREACH_COLUMNS = (
    "breach_id", "contract_id", "party", "rule", "period", "on", "status", "amount_fen",
    "amount_yuan", "detail", "evidence",
)
COLUMNS = {"statements": STATEMENT_COLUMNS, "lines": LINE_COLUMNS, "payments": PAYMENT_COLUMNS,
           "breaches": BREACH_COLUMNS}
KINDS = tuple(COLUMNS)

Row = dict[str, Any]


def yuan_value(fen: int | None) -> Decimal | None:
    """123456 -> Decimal('1234.56'): exact, two decimals."""
    return None if fen is None else Decimal(fen).scaleb(-2)


def _money(row: Row, name: str, fen: int | None) -> None:
    row[f"{name}_fen"] = fen
    row[f"{name}_yuan"] = yuan_value(fen)


def _statement_rows(state: ContractState, period: str | None) -> list[Row]:
    owed = {o.statement_no: o for o in state.book.owed}
    rows = []
    for p in state.order:
        if period is not None and p != period:
            continue
        issued = state.issued[p]
        st = issued.event.statement
        acc = st.account
        row: Row = {"contract_id": st.contract_id, "merchant_id": state.signed.merchant.id,
                    "merchant_name": state.signed.merchant.name, "period": st.period,
                    "statement_no": st.statement_no, "status": st.status,
                    "final": issued.event.final, "issued_on": st.issued_on, "due_on": st.due_on,
                    "line_count": len(st.lines)}
        _money(row, "subtotal", st.subtotal_fen)
        row["tax_rate"] = st.tax_rate
        _money(row, "tax", st.tax_fen)
        _money(row, "total", st.total_fen)
        _money(row, "opening", acc.opening_fen)
        _money(row, "payments", acc.payments_fen)
        _money(row, "deposit_applied", acc.deposit_applied_fen)
        _money(row, "closing", acc.closing_fen)
        item = owed.get(st.statement_no)
        _money(row, "outstanding", item.outstanding if item else None)
        row["paid_on"] = item.paid_on if item else None
        rows.append(row)
    return rows


def _line_rows(state: ContractState, period: str | None) -> list[Row]:
    rows = []
    for p in state.order:
        if period is not None and p != period:
            continue
        st = state.issued[p].event.statement
        for n, line in enumerate(st.lines, 1):
            row: Row = {"contract_id": st.contract_id, "period": st.period,
                        "statement_no": st.statement_no, "issued_on": st.issued_on, "line_no": n,
                        "code": line.code, "description": line.description,
                        "quantity": line.quantity}
            _money(row, "unit", line.unit_fen)
            _money(row, "amount", line.amount_fen)
            refs = line.refs
            row["ref_period"] = refs.get("period") if line.code == "correction" else None
            row["ref_line"] = refs.get("line") if line.code == "correction" else None
            row["ref_date"] = refs.get("date")
            row["refs"] = json.dumps(refs, ensure_ascii=False, sort_keys=True, default=str)
            rows.append(row)
    return rows


def _payment_rows(state: ContractState, period: str | None) -> list[Row]:
    rows = []
    for payment in state.payments.values():
        p = state.period_of(payment.received_on)
        if period is not None and p != period:
            continue
        mine = [a for a in state.book.allocations
                if a.source == "payment" and a.source_id == payment.payment_id]
        allocated = sum(a.amount_fen for a in mine)
        late = [a for a in mine if a.days_late > 0]
        row: Row = {"contract_id": state.contract_id, "payment_id": payment.payment_id,
                    "received_on": payment.received_on, "period": p,
                    "reference": payment.reference}
        _money(row, "amount", payment.amount_fen)
        _money(row, "allocated", allocated)
        _money(row, "to_credit", payment.amount_fen - allocated)
        row["statements"] = ";".join(dict.fromkeys(a.statement_no for a in mine))
        _money(row, "allocated_late", sum(a.amount_fen for a in late))
        row["max_days_late"] = max((a.days_late for a in mine), default=0)
        rows.append(row)
    return sorted(rows, key=lambda r: (r["received_on"], r["payment_id"]))


def _breach_rows(state: ContractState, view: View, period: str | None, on: dt.date) -> list[Row]:
    rows = []
    for r in evaluate(state, view.loader(state.contract_id), on):
        if period is not None and r.period != period:
            continue
        row: Row = {"breach_id": r.breach_id, "contract_id": r.contract_id, "party": r.party,
                    "rule": r.rule, "period": r.period, "on": r.on, "status": r.status}
        _money(row, "amount", r.amount_fen)
        row["detail"] = r.detail
        row["evidence"] = ";".join(r.evidence)
        rows.append(row)
    return rows


def export_rows(store: Store, kind: str, *, period: str | None = None,
                contract_id: str | None = None, on: dt.date | None = None,
                as_of: str | None = None, advance: Advance = _ignore) -> list[Row]:
    """The rows of one export, each a dict over ``COLUMNS[kind]`` (typed values);
    ``advance(1)`` after each contract."""
    if kind not in COLUMNS:
        raise ExportUsageError(f"unknown export {kind!r}: choose one of {', '.join(KINDS)}")
    if period is not None:
        try:
            check_period(period)
        except PeriodError as exc:
            raise ExportUsageError(str(exc)) from None
    view = View(store, as_of=as_of)
    if contract_id is not None:
        named = view.contract(contract_id)
        if named is None:
            raise ReportError(f"contract {contract_id} is not known", "unknown_contract")
        if period is not None:
            try:
                check_period(period, named.cycle)
            except PeriodError as exc:
                raise ReportError(f"{exc} (contract {contract_id})", "bad_period") from None
    ids = [contract_id] if contract_id else view.contract_ids()
    day = on or today()
    rows: list[Row] = []
    for cid in ids:
        state = view.contract(cid)
        if state is not None:
            if kind == "statements":
                rows += _statement_rows(state, period)
            elif kind == "lines":
                rows += _line_rows(state, period)
            elif kind == "payments":
                rows += _payment_rows(state, period)
            else:
                rows += _breach_rows(state, view, period, day)
        advance(1)
    return rows


def csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def write_csv(rows: Sequence[Row], columns: Sequence[str], out: IO[str]) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_value(row.get(c)) for c in columns])


def xlsx_bytes(rows: Sequence[Row], columns: Sequence[str], sheet: str) -> bytes:
    """The rows as one sheet of an .xlsx file: integers, exact decimals (yuan and rates) as
    numbers, every date column as a date."""
    openpyxl = importlib.import_module("openpyxl")  # untyped: used as Any
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(list(columns))
    for cell in ws[1]:
        cell.font = openpyxl.styles.Font(bold=True)
    formats = {c: ("#,##0.00" if c.endswith("_yuan") else "0" if c.endswith("_fen") else
                   "yyyy-mm-dd" if c in DATE_COLUMNS else "0.00####" if c in RATE_COLUMNS
                   else None) for c in columns}
    for row in rows:
        ws.append([_xlsx_value(c, row.get(c)) for c in columns])
        for cell, c in zip(ws[ws.max_row], columns, strict=True):
            fmt = formats[c]
            if fmt is not None and cell.value is not None:
                cell.number_format = fmt
    ws.freeze_panes = "A2"
    for i, c in enumerate(columns, 1):
        width = max([len(c), *(len(csv_value(r.get(c))) for r in rows[:200])])
        ws.column_dimensions[ws.cell(1, i).column_letter].width = min(max(width + 2, 8), 60)
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def _xlsx_value(column: str, value: Any) -> Any:
    """Dates kept as text in the rows (``ref_date`` from a line's refs) and decimal rates
    kept as strings become typed cells."""
    if value is None:
        return None
    if column in DATE_COLUMNS and isinstance(value, str):
        return dt.date.fromisoformat(value)
    if column in RATE_COLUMNS and isinstance(value, str | Decimal):
        return Decimal(str(value))
    return value


DATE_COLUMNS = {"issued_on", "due_on", "paid_on", "received_on", "on", "ref_date"}
RATE_COLUMNS = {"tax_rate"}


def write_export(store: Store, kind: str, fmt: str = "csv", output: str | None = None, *,
                 period: str | None = None, contract_id: str | None = None,
                 on: dt.date | None = None, as_of: str | None = None,
                 encoding: str | None = None, advance: Advance = _ignore) -> str | None:
    """Run one export to ``output`` (a file; ``-`` or None: stdout). Returns the path
    written, or None for stdout.

    CSV is ``encoding``: by default UTF-8 with a byte-order mark in a file (so Excel on
    Chinese Windows reads it as UTF-8, not GBK) and plain UTF-8 on stdout (for scripts).
    """
    if fmt not in ("csv", "xlsx"):
        raise ExportUsageError(f"unknown export format {fmt!r}: csv or xlsx")
    to_stdout = output in (None, STDOUT)
    if fmt == "xlsx" and output is None:
        raise ExportUsageError("--format xlsx writes a file: give --output FILE.xlsx (- for stdout)")
    if fmt == "xlsx" and encoding is not None:
        raise ExportUsageError("--encoding is for CSV; an xlsx file has no encoding to choose")
    codec = encoding or ("utf-8" if to_stdout else "utf-8-sig")
    try:
        "contract_id,金额\n".encode(codec)
    except LookupError:
        raise ExportUsageError(f"unknown encoding {codec!r}: utf-8, utf-8-sig or gb18030") from None
    except UnicodeError:
        raise ExportUsageError(f"{codec} cannot write Chinese text: utf-8, utf-8-sig or gb18030") \
            from None
    rows = export_rows(store, kind, period=period, contract_id=contract_id, on=on, as_of=as_of,
                       advance=advance)
    columns = COLUMNS[kind]
    if fmt == "xlsx":
        assert output is not None
        write_bytes(output, xlsx_bytes(rows, columns, kind))
        return None if to_stdout else output
    if to_stdout and codec == "utf-8":
        write_csv(rows, columns, sys.stdout)
        return None
    text = io.StringIO()
    write_csv(rows, columns, text)
    try:
        data = text.getvalue().encode(codec)
    except UnicodeError as exc:
        raise ExportUsageError(f"the export holds text {codec} cannot write ({exc}): "
                               "use utf-8-sig or gb18030") from None
    write_bytes(STDOUT if to_stdout else str(output), data)
    return None if to_stdout else output
