"""Documents and exports: statements people send, rows spreadsheets read.

- ``write_statement``: ``ledger statement C P --format html|pdf``. The HTML
  comes from ``app.statement_html`` (pure); the PDF is that HTML printed by
  WeasyPrint, an optional dependency (``pip install 'cs-hosting-ledger[pdf]'``).
  Without it ``--format pdf`` fails with one line saying how to install it.
- ``export_rows`` / ``write_export``: ``ledger export statements|lines|payments|
  breaches --format csv|xlsx``, one row per item, stable column names (the
  ``*_COLUMNS`` tuples below, documented in docs/DOCUMENTS.md), money both in
  fen (integers) and in yuan (two decimals, no thousands separators).
- ``progress``: a rich progress bar on stderr when stderr is a terminal,
  nothing otherwise; used by ``submit`` and the exports.
- ``write_demo_documents``: the HTML and PDF statements ``ledger demo`` writes.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import importlib
import json
import os
import re
import sys
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import IO, Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from app.statement_html import DEFAULT_PROVIDER, Document, Staffing, render_statement
from app.statements import ReportError, statement_view
from app.today import today
from billing.plan import day_shifts, special_day_of
from ledger.contract import ContractState
from ledger.periods import PeriodError, bounds, check_period, dates
from projections.breaches import evaluate
from schemas.reports import Statement
from store import audit
from store.eventstore import CHAIN_TABLE, Store
from store.view import View

PROVIDER_ENV = "LEDGER_PROVIDER_NAME"
PDF_INSTALL = ("pip install 'cs-hosting-ledger[pdf]' (or: pip install weasyprint); "
               "--format html needs nothing extra")


class PdfUnavailableError(ReportError):
    """WeasyPrint or the system libraries it loads are missing."""


class ExportUsageError(ValueError):
    """Bad combination of export options (exit status 2)."""


# --------------------------------------------------------------------------- progress

Advance = Callable[[int], None]


@contextlib.contextmanager
def progress(description: str, total: int | Callable[[], int | None] | None = None,
             stream: IO[str] | None = None) -> Iterator[Advance]:
    """Yield ``advance(n)``; draw a transient bar on stderr only when it is a terminal.

    ``total`` may be a callable, evaluated only when a bar is drawn (counting
    the lines of a large file costs nothing when nobody watches).
    """
    out = stream if stream is not None else sys.stderr
    if not (hasattr(out, "isatty") and out.isatty()):
        yield _no_progress
        return
    count = total() if callable(total) else total
    bar = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                   MofNCompleteColumn(), TimeElapsedColumn(),
                   console=Console(file=out), transient=True)
    with bar:
        task = bar.add_task(description, total=count)
        yield lambda n: bar.advance(task, n)


def _no_progress(n: int) -> None:
    del n


def count_lines(path: str) -> int | None:
    """Non-blank lines of a JSON Lines file (None for stdin or an unreadable file)."""
    if path == "-":
        return None
    try:
        with open(path, "rb") as handle:
            return sum(1 for line in handle if line.strip())
    except OSError:
        return None


# --------------------------------------------------------------------------- statements


@dataclass(frozen=True)
class StatementDocument:
    statement: Statement
    html: str


def provider_name() -> str:
    return os.environ.get(PROVIDER_ENV, "").strip() or DEFAULT_PROVIDER


def _staffing(state: ContractState, view: View, period: str | None,
              cutoff: dt.date) -> Staffing | None:
    """The activity period's day shifts as ``state`` and ``view`` know them."""
    if period is None:
        return None
    rows = day_shifts(state, view.loader(state.contract_id), period, cutoff)
    first, last = bounds(period)
    special: dict[dt.date, str] = {}
    for day in dates(first, last):
        sp = special_day_of(state.terms_on(day), day)
        if sp is not None and state.in_window(day):
            special[day] = str(sp.label or sp.kind)
    return Staffing(period, rows, min(last, cutoff - dt.timedelta(days=1)), special)


def _link_at(store: Store, position: int) -> str | None:
    """The audit chain's link at ``position`` (written with the event itself)."""
    rows = store.query(f"SELECT link FROM {CHAIN_TABLE} WHERE position = ?", (position,))
    return str(rows[0][0]) if rows else None


def statement_document(store: Store, contract_id: str, period: str, *, live: bool = False,
                       on: dt.date | None = None, as_of: str | None = None,
                       provider: str | None = None) -> StatementDocument:
    """The statement of ``period`` (``app.statements.statement_view``) as an HTML page.

    An issued statement is shown as it was frozen, with the staffing appendix
    computed from the contract as it was when it was issued (everything before
    the issue event) and, as its digest, the audit chain's link at the issue
    event: ``ledger audit verify --digest POSITION:HASH`` proves the log up to
    the statement unchanged, and the document is the same whenever it is
    rendered. A draft (not issued yet, or ``live``) is marked as such and
    carries the digest of the whole log at rendering.
    """
    sv = statement_view(store, contract_id, period, live=live,
                        on=on or today(), as_of=as_of)
    activity = sv.activity_period
    staffing = _staffing(sv.state, sv.view, activity, sv.priced_on)
    if sv.kind == "issued":
        assert sv.position is not None
        link = _link_at(store, sv.position)
        digest = f"{sv.position}:{link}" if link else f"{sv.position}:?"
        note = (f"The audit hash chain at the issue event (log position {sv.position}). "
                "Check that the ledger still holds this statement unchanged: "
                "ledger audit verify --digest <this digest>")
    else:
        position, head = audit.digest(store)
        digest, note = f"{position}:{head}", ("Digest of the whole log when this draft was "
                                              "rendered (ledger audit digest).")
    doc = Document(provider=provider or provider_name(), digest=digest, digest_note=note,
                   final=sv.final, activity_period=activity)
    html = render_statement(sv.statement, sv.state.signed, sv.state.terms_on(sv.priced_on),
                            staffing, doc)
    return StatementDocument(sv.statement, html)


def default_filename(st: Statement, ext: str) -> str:
    name = re.sub(r'[\\/:*?"<>|\s]+', "_", st.statement_no)
    suffix = "-draft" if st.status != "issued" else ""
    return f"statement-{name}{suffix}.{ext}"


def weasyprint() -> ModuleType:
    """Import WeasyPrint or say, in one line, how to get it."""
    try:
        with warnings.catch_warnings():  # e.g. "HarfBuzz-Subset will be required": not ours
            warnings.simplefilter("ignore", DeprecationWarning)
            return importlib.import_module("weasyprint")
    except ImportError:
        raise PdfUnavailableError(f"PDF output needs WeasyPrint, which is not installed: "
                             f"{PDF_INSTALL}") from None
    except OSError as exc:  # WeasyPrint found, its Pango/GObject libraries not
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise PdfUnavailableError(
            "PDF output needs the system libraries WeasyPrint loads (Pango): "
            f"apt-get install libpango-1.0-0 libpangoft2-1.0-0 ({first})") from None


def html_to_pdf(html: str) -> bytes:
    """Print the page with WeasyPrint (A4, the document's own print CSS)."""
    module = weasyprint()
    try:
        pdf = module.HTML(string=html).write_pdf()
    except OSError as exc:  # a library that loads lazily (fonts, harfbuzz)
        raise PdfUnavailableError(f"WeasyPrint could not write the PDF: {exc}") from None
    return bytes(pdf)


def _write(path: str, data: bytes) -> None:
    try:
        Path(path).write_bytes(data)
    except OSError as exc:
        raise ReportError(f"cannot write {path}: {exc.strerror or exc}") from None


def write_statement(store: Store, contract_id: str, period: str, fmt: str,
                    output: str | None = None, *, live: bool = False, on: dt.date | None = None,
                    as_of: str | None = None, folder: str | None = None) -> str:
    """Write the statement as ``fmt`` (html or pdf); return the path written.

    The default path is ``statement-<statement_no>.<ext>`` (``-draft`` before
    the extension for a draft) in ``folder`` or the current folder.
    """
    if fmt not in ("html", "pdf"):
        raise ValueError(f"not a document format: {fmt}")
    if fmt == "pdf":
        weasyprint()  # fail before any work when it is missing
    document = statement_document(store, contract_id, period, live=live, on=on, as_of=as_of)
    path = output or default_filename(document.statement, fmt)
    if output is None and folder is not None:
        path = str(Path(folder) / path)
    data = document.html.encode("utf-8") if fmt == "html" else html_to_pdf(document.html)
    _write(path, data)
    return path


def write_demo_documents(store: Store, folder: str = ".") -> list[str]:
    """The demo's documents: one statement as HTML and as PDF, in ``folder``.

    Picks the issued statement with the most lines (the latest among equals),
    writes ``statement-<no>.html`` and ``statement-<no>.pdf``, prints one line
    per file on stderr, and returns the absolute paths written. Without
    WeasyPrint the PDF is skipped with the reason printed; no statement at all
    writes nothing.
    """
    view = View(store)
    best: tuple[int, int, str, str] | None = None
    for state in view.contracts():
        for period in state.order:
            issued = state.issued[period]
            key = (len(issued.event.statement.lines), issued.position, state.contract_id, period)
            if best is None or key > best:
                best = key
    if best is None:
        print("demo: no issued statement, no documents written", file=sys.stderr)
        return []
    _, _, contract_id, period = best
    paths: list[str] = []
    for fmt in ("html", "pdf"):
        try:
            path = write_statement(store, contract_id, period, fmt, folder=folder)
        except PdfUnavailableError as exc:
            print(f"demo: PDF statement skipped: {exc}", file=sys.stderr)
            continue
        paths.append(str(Path(path).resolve()))
        print(f"demo: wrote {paths[-1]}", file=sys.stderr)
    return paths


# --------------------------------------------------------------------------- exports

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
                as_of: str | None = None, show_progress: bool = True) -> list[Row]:
    """The rows of one export, each a dict over ``COLUMNS[kind]`` (typed values)."""
    if kind not in COLUMNS:
        raise ExportUsageError(f"unknown export {kind!r}: choose one of {', '.join(KINDS)}")
    if period is not None:
        try:
            check_period(period)
        except PeriodError as exc:
            raise ExportUsageError(str(exc)) from None
    view = View(store, as_of=as_of)
    if contract_id is not None and view.contract(contract_id) is None:
        raise ReportError(f"contract {contract_id} is not known")
    ids = [contract_id] if contract_id else view.contract_ids()
    day = on or today()
    rows: list[Row] = []
    with progress(f"export {kind}", len(ids)) if show_progress else _quiet() as advance:
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


@contextlib.contextmanager
def _quiet() -> Iterator[Advance]:
    yield _no_progress


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


def write_xlsx(rows: Sequence[Row], columns: Sequence[str], path: str, sheet: str) -> None:
    openpyxl = importlib.import_module("openpyxl")  # untyped: used as Any
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(list(columns))
    for cell in ws[1]:
        cell.font = openpyxl.styles.Font(bold=True)
    formats = {c: ("#,##0.00" if c.endswith("_yuan") else "0" if c.endswith("_fen") else
                   "yyyy-mm-dd" if c in _DATE_COLUMNS else None) for c in columns}
    for row in rows:
        ws.append([row.get(c) for c in columns])
        for cell, c in zip(ws[ws.max_row], columns, strict=True):
            fmt = formats[c]
            if fmt is not None and cell.value is not None:
                cell.number_format = fmt
    ws.freeze_panes = "A2"
    for i, c in enumerate(columns, 1):
        width = max([len(c), *(len(csv_value(r.get(c))) for r in rows[:200])])
        ws.column_dimensions[ws.cell(1, i).column_letter].width = min(max(width + 2, 8), 60)
    try:
        book.save(path)
    except OSError as exc:
        raise ReportError(f"cannot write {path}: {exc.strerror or exc}") from None


_DATE_COLUMNS = {"issued_on", "due_on", "paid_on", "received_on", "on"}


def write_export(store: Store, kind: str, fmt: str = "csv", output: str | None = None, *,
                 period: str | None = None, contract_id: str | None = None,
                 on: dt.date | None = None, as_of: str | None = None) -> str | None:
    """Run one export; CSV goes to stdout unless ``output``; xlsx needs ``output``.

    Returns the path written, or None for stdout.
    """
    if fmt not in ("csv", "xlsx"):
        raise ExportUsageError(f"unknown export format {fmt!r}: csv or xlsx")
    if fmt == "xlsx" and not output:
        raise ExportUsageError("--format xlsx writes a file: give --output FILE.xlsx")
    rows = export_rows(store, kind, period=period, contract_id=contract_id, on=on, as_of=as_of)
    columns = COLUMNS[kind]
    if fmt == "xlsx":
        assert output is not None
        write_xlsx(rows, columns, output, kind)
        return output
    if output is None:
        write_csv(rows, columns, sys.stdout)
        return None
    try:
        with open(output, "w", encoding="utf-8", newline="") as handle:
            write_csv(rows, columns, handle)
    except OSError as exc:
        raise ReportError(f"cannot write {output}: {exc.strerror or exc}") from None
    return output
