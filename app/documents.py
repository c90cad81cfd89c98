"""Statement documents people send: ``ledger statement C P --format html|pdf``.

The HTML comes from ``app.statement_html`` (pure) for the statement that
``app.statements.statement_view`` chooses, with the provider's profile in effect
on its issue date (``set_provider``) as the ledger knew it when the statement was
issued, so an issued statement renders the same forever. The PDF is that HTML
printed by WeasyPrint, an optional dependency (``pip install
'cs-hosting-ledger[pdf]'``) that also needs a Chinese font: without either,
``--format pdf`` fails (exit status 3) with one line saying what to install.
``write_demo_documents``: the HTML and PDF statements ``ledger demo`` writes.
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
import shutil
import subprocess
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from app.errors import OutputError
from app.output import write_bytes
from app.statement_html import Document, Staffing, render_statement, shift_names
from app.statements import statement_view
from app.today import today
from billing.plan import day_shifts, special_day_of
from ledger.contract import ContractState
from ledger.periods import bounds, dates
from ledger.provider import profile_on
from ledger.streams import provider_stream
from schemas.events import ProviderSet
from schemas.reports import Statement
from store import audit
from store.eventstore import CHAIN_TABLE, Store
from store.view import View

CJK_FONT_INSTALL = ("apt-get install fonts-noto-cjk (Debian/Ubuntu; or the smaller "
                    "fonts-wqy-microhei)")
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


def _staffing(state: ContractState, view: View, period: str | None,
              cutoff: dt.date, shifts: str) -> Staffing | None:
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
    return Staffing(period, rows, min(last, cutoff - dt.timedelta(days=1)), special, shifts)


def _link_at(store: Store, position: int) -> str | None:
    """The audit chain's link at ``position`` (written with the event itself)."""
    rows = store.query(f"SELECT link FROM {CHAIN_TABLE} WHERE position = ?", (position,))
    return str(rows[0][0]) if rows else None


def statement_document(store: Store, contract_id: str, period: str, *, live: bool = False,
                       on: dt.date | None = None, as_of: str | None = None,
                       number: str | None = None) -> StatementDocument:
    """The statement of ``period`` (``app.statements.statement_view``) as an HTML page.

    An issued statement is shown as it was frozen, with everything around it
    read from the log as it was when the statement was issued (everything
    before the issue event): the staffing appendix, the provider's profile in
    effect on the issue date, the overdue part of the opening balance and the
    deposit held. Its 校验码 is the audit chain's link at the issue event
    (``POSITION:HASH``, which ``ledger audit verify --digest`` checks), so the
    document is the same whenever it is rendered. A draft (not issued yet, or
    ``live``) is marked as such and carries the digest of the whole log at
    rendering. A void statement (asked for by its ``number``) is stamped 作废
    with the reason; the statement issued in its place says which number it
    replaces.
    """
    sv = statement_view(store, contract_id, period, live=live,
                        on=on or today(), as_of=as_of, number=number)
    activity = sv.activity_period
    terms = sv.state.terms_on(sv.priced_on)
    staffing = _staffing(sv.state, sv.view, activity, sv.priced_on, shift_names(terms))
    if sv.kind in ("issued", "void"):
        assert sv.position is not None
        link = _link_at(store, sv.position)
        digest = f"{sv.position}:{link}" if link else f"{sv.position}:?"
        note = (f"The ledger's audit chain at this statement's issue (log position "
                f"{sv.position}): it proves this statement, and everything recorded before it, "
                "unchanged.")
        known = View(store, as_of=as_of, before=sv.position)
    else:
        position, head = audit.digest(store)
        digest = f"{position}:{head}"
        note = "The ledger's audit chain when this draft was rendered."
        known = View(store, as_of=as_of)
    profile = profile_on((r.event for r in known.records(provider_stream())
                          if isinstance(r.event, ProviderSet)), sv.statement.issued_on)
    book = sv.state.book
    overdue = sum(o.outstanding for o in book.owed
                  if o.outstanding > 0 and o.due_on < sv.statement.issued_on)
    # the state is the contract before this statement: what it applies is still held there
    held_after = book.deposit_held - sv.statement.account.deposit_applied_fen
    doc = Document(provider=profile, digest=digest, digest_note=note, final=sv.final,
                   activity_period=activity, overdue_fen=overdue,
                   deposit_held_fen=max(held_after, 0),
                   voided_on=sv.void.on if sv.void else None,
                   void_reason=sv.void.reason if sv.void else "", replaces=sv.replaces)
    html = render_statement(sv.statement, sv.state.signed, terms, staffing, doc)
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
            warnings.simplefilter("ignore", UserWarning)  # "No fonts configured": cjk_font says it
            return importlib.import_module("weasyprint")
    except ImportError:
        raise PdfUnavailableError(f"PDF output needs WeasyPrint, which is not installed: "
                             f"{PDF_INSTALL}") from None
    except OSError as exc:  # WeasyPrint found, its Pango/GObject libraries not
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise PdfUnavailableError(
            "PDF output needs the system libraries WeasyPrint loads (Pango): "
            f"apt-get install libpango-1.0-0 libpangoft2-1.0-0 ({first})") from None


def cjk_font() -> None:
    """``PdfUnavailableError`` when fontconfig knows no font with Chinese glyphs: the PDF
    would print every Chinese character as an empty box."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:  # no fontconfig tool to ask: WeasyPrint's own fonts decide
        return
    try:
        found = subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True,
                               timeout=10, check=False).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return
    if not found:
        raise PdfUnavailableError(f"PDF statements need a Chinese font and none is installed: "
                                  f"{CJK_FONT_INSTALL}; --format html needs none")


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
                    as_of: str | None = None, folder: str | None = None,
                    number: str | None = None) -> str:
    """Write the statement as ``fmt`` (html or pdf); return the path written.

    The default path is ``statement-<statement_no>.<ext>`` (``-draft`` before
    the extension for a draft) in ``folder`` or the current folder; ``-`` is stdout.
    """
    if fmt not in ("html", "pdf"):
        raise ValueError(f"not a document format: {fmt}")
    if fmt == "pdf":  # fail before any work when something is missing
        cjk_font()
        weasyprint()
    document = statement_document(store, contract_id, period, live=live, on=on, as_of=as_of,
                                  number=number)
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
