"""Statement documents people send: ``ledger statement C P --format html|pdf``.

The HTML comes from ``app.statement_html`` (pure) for the statement that
``app.statements.statement_view`` chooses; the PDF is that HTML printed by
WeasyPrint, an optional dependency (``pip install 'cs-hosting-ledger[pdf]'``).
Without it ``--format pdf`` fails with one line saying how to install it.
``write_demo_documents``: the HTML and PDF statements ``ledger demo`` writes.
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
import re
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from app.errors import OutputError
from app.output import write_bytes
from app.statement_html import DEFAULT_PROVIDER, Document, Staffing, render_statement
from app.statements import statement_view
from app.today import today
from billing.plan import day_shifts, special_day_of
from ledger.contract import ContractState
from ledger.periods import bounds, dates
from schemas.reports import Statement
from store import audit
from store.eventstore import CHAIN_TABLE, Store
from store.view import View

PROVIDER_ENV = "LEDGER_PROVIDER_NAME"
PDF_INSTALL = ("pip install 'cs-hosting-ledger[pdf]' (or: pip install weasyprint); "
               "--format html needs nothing extra")


class PdfUnavailableError(OutputError):
    """WeasyPrint, the system libraries it loads or a Chinese font are missing."""

    def __init__(self, message: str) -> None:
        super().__init__(message, "pdf_unavailable")


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


def write_statement(store: Store, contract_id: str, period: str, fmt: str,
                    output: str | None = None, *, live: bool = False, on: dt.date | None = None,
                    as_of: str | None = None, folder: str | None = None) -> str:
    """Write the statement as ``fmt`` (html or pdf); return the path written.

    The default path is ``statement-<statement_no>.<ext>`` (``-draft`` before
    the extension for a draft) in ``folder`` or the current folder; ``-`` is stdout.
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
    write_bytes(path, data)
    return path


def write_demo_documents(store: Store, folder: str = ".", say: bool = True) -> list[str]:
    """The demo's documents: one statement as HTML and as PDF, in ``folder``.

    Picks the issued statement with the most lines (the latest among equals),
    writes ``statement-<no>.html`` and ``statement-<no>.pdf``, prints one line
    per file on stderr (unless ``say`` is false), and returns the absolute paths
    written. Without WeasyPrint or a Chinese font the PDF is skipped with the
    reason printed; no statement at all writes nothing.
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
        if say:
            print("demo: no issued statement, no documents written", file=sys.stderr)
        return []
    _, _, contract_id, period = best
    paths: list[str] = []
    for fmt in ("html", "pdf"):
        try:
            path = write_statement(store, contract_id, period, fmt, folder=folder)
        except PdfUnavailableError as exc:
            if say:
                print(f"demo: PDF statement skipped: {exc}", file=sys.stderr)
            continue
        paths.append(str(Path(path).resolve()))
        if say:
            print(f"demo: wrote {paths[-1]}", file=sys.stderr)
    return paths
