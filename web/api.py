"""The JSON API (``/api``): the same shapes, field for field and byte for byte, as the CLI's
``--json`` (``app.reports``), plus commands in (``web.submit``).

Lists take ``limit`` (default 1,000, at most 10,000) and ``offset``; the body stays the
CLI's list, and ``X-Total-Count`` and a ``Link: <...>; rel="next"`` header say whether more
follows. ``as_of`` wherever the CLI has ``--as-of``; ``on`` (a business date) where it has
``--on``. Every route carries its access rule (``web.access``).
"""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

import msgspec
from litestar import Request, Response, get, post
from litestar.concurrency import sync_to_thread
from litestar.exceptions import NotFoundException, ValidationException
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, FromQuery, QueryParameter, RawBody

from app import reports
from app.documents import default_filename, html_to_pdf, statement_document, weasyprint
from app.export import COLUMNS, export_rows, write_csv, xlsx_bytes
from app.intake import Result, encode_results
from app.today import today
from projections.journal import CSV_COLUMNS, beancount, csv_rows
from schemas.reports import Balance, BreachRecord, DisputeRow, HistoryRow, Statement, Transaction
from store.audit import digest as audit_head
from store.audit import parse_digest, verify
from store.readmodels import issued_statement_stored
from store.view import parse_as_of
from web import submit as sub
from web.access import DISPUTERS, EVERYONE, READERS, user_of, visible
from web.context import Context

_ENC = msgspec.json.Encoder(enc_hook=str)  # what the CLI's ``out`` writes
Req = Request[Any, Any, Any]
Seg = FromPath[str]  # a path segment: a contract id, a period, a line code
MAX_LIMIT = 10_000
Limit = Annotated[int, QueryParameter(ge=1, le=MAX_LIMIT, description="rows per page")]
Offset = Annotated[int, QueryParameter(ge=0, le=10**9, description="rows to skip")]
AsOf = Annotated[str | None, QueryParameter(description="what the ledger knew at this recorded time "
                                                   "(RFC 3339)", max_length=64)]
On = Annotated[str | None, QueryParameter(description="business date (YYYY-MM-DD), default today",
                                     max_length=10)]
ContractQ = Annotated[str | None, QueryParameter(max_length=200)]


def ctx_of(request: Req) -> Context:
    ctx: Context = request.app.state.ctx
    return ctx


def json(obj: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response[bytes]:
    return Response(_ENC.encode(obj), status_code=status, media_type="application/json",
                    headers=headers)


def raw_json(body: bytes | str) -> Response[bytes]:
    return Response(body.encode() if isinstance(body, str) else body, media_type="application/json")


def as_of_arg(text: str | None) -> str | None:
    if text is None:
        return None
    try:
        return parse_as_of(text)
    except ValueError:
        raise ValidationException(f"as_of: not an RFC 3339 timestamp: {text!r}",
                                  extra=[{"key": "as_of"}]) from None


def on_arg(text: str | None) -> dt.date:
    if text is None:
        return today()
    try:
        if len(text) != 10:
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationException(f"on: not a date (YYYY-MM-DD): {text!r}",
                                  extra=[{"key": "on"}]) from None


def paged(request: Req, rows: list[Any], limit: int, offset: int) -> Response[bytes]:
    """One page of ``rows`` as the CLI's list, with the total and the next page in headers."""
    page = rows[offset:offset + limit]
    headers = {"X-Total-Count": str(len(rows))}
    if offset + limit < len(rows):
        query = dict(request.query_params) | {"limit": str(limit), "offset": str(offset + limit)}
        headers["Link"] = f'<{request.url.path}?{urlencode(query)}>; rel="next"'
    return json(page, headers=headers)


def _acc(access: Any) -> dict[str, Any]:
    return {"access": access}


# -- commands -------------------------------------------------------------------------------

@post("/api/commands", opt=_acc(DISPUTERS), status_code=200,
      summary="submit commands (a JSON array or JSON Lines)",
      description="Results in input order as `ledger submit` prints them: a JSON array for an "
                  "array, JSON Lines for lines. Idempotent by command id. Merchants may submit "
                  "only open_dispute on their own contracts.",
      responses={200: ResponseSpec(list[dict[str, Any]], description="one result per command")})
async def post_commands(request: Req, body: RawBody) -> Response[bytes]:
    ctx, user = ctx_of(request), user_of(request)

    def run() -> tuple[list[Result], bool, bytes]:
        lines, array = sub.split(body)
        results = sub.submit(ctx, user, lines)
        return results, array, encode_results(results, array)

    # one request at a time on the submits' own thread, waiting there for the write lane and
    # encoding the answer there too: nothing of a 1,000-command batch runs on the event loop,
    # where every read would wait behind it
    results, array, answer = await asyncio.get_running_loop().run_in_executor(ctx.submits, run)
    request.state.commands = len(results)
    headers = {"X-Rejected-Count": str(sum(r.status == "rejected" for r in results))}
    return Response(answer, headers=headers,
                    media_type="application/json" if array else "application/x-ndjson")


# -- reports --------------------------------------------------------------------------------

@get("/api/me", opt=_acc(EVERYONE), sync_to_thread=False, summary="who is signed in")
def me(request: Req) -> Response[bytes]:
    user = user_of(request)
    return json({"name": user.name, "role": user.role, "merchant_id": user.merchant_id})


@get("/api/statements", opt=_acc(EVERYONE), sync_to_thread=True,
     summary="issued statements, one row each (ledger statements --json)",
     responses={200: ResponseSpec(list[dict[str, Any]], description="statement rows")})
def list_statements(request: Req, contract: ContractQ = None, as_of: AsOf = None,
                    limit: Limit = 1000, offset: Offset = 0) -> Response[bytes]:
    ctx, only = ctx_of(request), visible(request, contract)
    rows = reports.statements(ctx.store, contract, as_of_arg(as_of))
    if only is not None:
        keep = set(only)
        rows = [r for r in rows if r["contract_id"] in keep]
    return paged(request, rows, limit, offset)


@get("/api/statements/{contract:str}/{period:str}", opt=_acc(EVERYONE),
     summary="one statement (ledger statement --json): issued, draft, or live",
     responses={200: ResponseSpec(Statement, description="the statement; with live on an issued "
                                  "period: {issued, recomputed}")})
async def one_statement(request: Req, contract: Seg, period: Seg, live: FromQuery[bool] = False,
                        on: On = None, as_of: AsOf = None) -> Response[bytes]:
    ctx = ctx_of(request)
    store = ctx.store
    when = as_of_arg(as_of)
    if not live and when is None:
        # An issued statement never changes: one indexed row (the hot path of a busy server)
        body = await ctx.read(issued_statement_stored, store, contract, period)
        if body is not None:
            return raw_json(body)
    day = on_arg(on)
    return json(await sync_to_thread(reports.statement, store, contract, period, live, day, when))


@get("/api/balances", opt=_acc(EVERYONE), sync_to_thread=True,
     summary="receivable, credit and deposit held per contract (ledger balance --json)",
     responses={200: ResponseSpec(list[Balance], description="balances")})
def list_balances(request: Req, as_of: AsOf = None, limit: Limit = 1000,
                  offset: Offset = 0) -> Response[bytes]:
    store, only = ctx_of(request).store, visible(request, None)
    rows = reports.balances(store, None, as_of_arg(as_of))
    if only is not None:
        keep = set(only)
        rows = [r for r in rows if r.contract_id in keep]
    return paged(request, rows, limit, offset)


@get("/api/balances/{contract:str}", opt=_acc(EVERYONE), sync_to_thread=True,
     summary="one contract's balance, a list of one row like every balance answer "
             "(ledger balance CONTRACT --json)",
     responses={200: ResponseSpec(list[Balance], description="the contract's balance")})
def one_balance(request: Req, contract: Seg, as_of: AsOf = None) -> Response[bytes]:
    rows = reports.balances(ctx_of(request).store, contract, as_of_arg(as_of))
    return json([msgspec.structs.asdict(row) for row in rows])


@get("/api/breaches", opt=_acc(EVERYONE), sync_to_thread=True,
     summary="contract-breach records on a business date (ledger breaches --json)",
     responses={200: ResponseSpec(list[BreachRecord], description="breach records")})
def list_breaches(request: Req, contract: ContractQ = None,
                  period: Annotated[str | None, QueryParameter(max_length=7)] = None, on: On = None,
                  as_of: AsOf = None, limit: Limit = 1000, offset: Offset = 0) -> Response[bytes]:
    store, only = ctx_of(request).store, visible(request, contract)
    day, when = on_arg(on), as_of_arg(as_of)
    if only is None:
        rows = reports.breaches(store, None, period, day, when)
    else:
        rows = [r for cid in only for r in reports.breaches(store, cid, period, day, when)]
    return paged(request, rows, limit, offset)


@get("/api/disputes", opt=_acc(EVERYONE), sync_to_thread=True,
     summary="disputes with status and outcome (ledger disputes --json)",
     responses={200: ResponseSpec(list[DisputeRow], description="disputes")})
def list_disputes(request: Req, contract: ContractQ = None, as_of: AsOf = None,
                  limit: Limit = 1000, offset: Offset = 0) -> Response[bytes]:
    store, only = ctx_of(request).store, visible(request, contract)
    when = as_of_arg(as_of)
    if only is None:
        rows = reports.disputes(store, None, when)
    else:
        rows = [r for cid in only for r in reports.disputes(store, cid, when)]
    return paged(request, rows, limit, offset)


@get("/api/explain/{contract:str}/{period:str}/{line:str}", opt=_acc(EVERYONE), sync_to_thread=True,
     summary="every event behind a statement line (ledger explain --json)")
def explain(request: Req, contract: Seg, period: Seg, line: Seg) -> Response[bytes]:
    return json(reports.explain(ctx_of(request).store, contract, period, line))


@get("/api/history/{contract:str}", opt=_acc(READERS), sync_to_thread=True,
     summary="a contract's events in log order (ledger history --json)",
     responses={200: ResponseSpec(list[HistoryRow], description="events")})
def history(request: Req, contract: Seg, as_of: AsOf = None, limit: Limit = 1000,
            offset: Offset = 0) -> Response[bytes]:
    rows = reports.history(ctx_of(request).store, contract, as_of_arg(as_of))
    return paged(request, rows, limit, offset)


@get("/api/journal", opt=_acc(READERS), sync_to_thread=True,
     summary="the double-entry journal (ledger journal): json (paged), beancount or csv",
     responses={200: ResponseSpec(list[Transaction], description="transactions")})
def journal(request: Req, format: FromQuery[Literal["json", "beancount", "csv"]] = "json",
            as_of: AsOf = None, limit: Limit = 1000, offset: Offset = 0) -> Response[Any]:
    txns, ids = reports.journal(ctx_of(request).store, as_of_arg(as_of))
    if format == "json":
        return paged(request, txns, limit, offset)
    if format == "beancount":
        return Response(beancount(txns, ids), media_type="text/plain; charset=utf-8")
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(csv_rows(txns))
    return Response(text.getvalue(), media_type="text/csv; charset=utf-8")


# -- audit, exports, documents ------------------------------------------------------------------

@get("/api/audit/digest", opt=_acc(READERS), sync_to_thread=True,
     summary="the hash chain's head (ledger audit digest --json)")
def audit_digest(request: Req) -> Response[bytes]:
    position, head = audit_head(ctx_of(request).store)
    return json({"position": position, "hash": head, "digest": f"{position}:{head}"})


@get("/api/audit/verify", opt=_acc(READERS), sync_to_thread=True,
     summary="recompute the hash chain (ledger audit verify --json); ok false names the first "
             "position that no longer matches")
def audit_verify(request: Req,
                 digest: Annotated[str | None, QueryParameter(max_length=100)] = None) -> Response[bytes]:
    if digest is not None:
        try:
            parse_digest(digest)
        except ValueError as exc:
            raise ValidationException(str(exc), extra=[{"key": "digest"}]) from None
    findings = verify(ctx_of(request).store, digest)
    return json({"ok": not findings, "findings": findings})


@get("/api/exports/{kind:str}", opt=_acc(READERS), sync_to_thread=True,
     summary="rows for spreadsheets (ledger export): statements, lines, payments, breaches")
def export(request: Req, kind: Seg, format: FromQuery[Literal["csv", "xlsx"]] = "csv",
           period: Annotated[str | None, QueryParameter(max_length=7)] = None, contract: ContractQ = None,
           on: On = None, as_of: AsOf = None) -> Response[bytes]:
    if kind not in COLUMNS:
        raise NotFoundException(f"no export {kind!r}: {', '.join(COLUMNS)}")
    rows = export_rows(ctx_of(request).store, kind, period=period, contract_id=contract,
                       on=on_arg(on), as_of=as_of_arg(as_of))
    name = f"{kind}.{format}"
    disposition = {"Content-Disposition": f'attachment; filename="{name}"'}
    if format == "csv":
        text = io.StringIO()
        write_csv(rows, COLUMNS[kind], text)
        # a BOM, so Excel on Chinese Windows reads UTF-8 rather than GBK
        return Response(("\ufeff" + text.getvalue()).encode(), headers=disposition,
                        media_type="text/csv; charset=utf-8")
    data = xlsx_bytes(rows, COLUMNS[kind], kind)
    return Response(data, headers=disposition, media_type=(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))


@get("/api/documents/{contract:str}/{period:str}", opt=_acc(EVERYONE), sync_to_thread=True,
     summary="the statement document (ledger statement --format html|pdf)")
def document(request: Req, contract: Seg, period: Seg,
             format: FromQuery[Literal["html", "pdf"]] = "html", live: FromQuery[bool] = False, on: On = None,
             as_of: AsOf = None) -> Response[bytes]:
    if format == "pdf":
        weasyprint()
    doc = statement_document(ctx_of(request).store, contract, period, live=live, on=on_arg(on),
                             as_of=as_of_arg(as_of))
    name = default_filename(doc.statement, format)
    if format == "html":
        return Response(doc.html.encode(), media_type="text/html; charset=utf-8",
                        headers={"Content-Disposition": f'inline; filename="{name}"'})
    return Response(html_to_pdf(doc.html), media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


ROUTES = [post_commands, me, list_statements, one_statement, list_balances, one_balance,
          list_breaches, list_disputes, explain, history, journal, audit_digest, audit_verify,
          export, document]
