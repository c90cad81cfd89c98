"""The web console (``/console``): server-rendered pages for finance, auditors and merchants.

Chinese first with English sub-labels, like the statement document; links and forms only (no
script). Reads use the same report functions as the CLI and the API; every form submits one
command through the same path as ``POST /api/commands`` (``web.submit``: role checks, intake,
who submitted), carries the session's CSRF token and a command id fixed when the form was
drawn, so sending a form twice answers ``duplicate``. Money is typed in yuan with at most two
decimals and converted to fen exactly.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

import msgspec
from litestar import Request, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.params import FromPath, FromQuery, QueryParameter, URLEncodedBody
from litestar.response import Redirect, Template

from app import reports
from app.export import export_rows
from app.today import today
from ledger.money import yuan
from store.audit import digest
from store.audit import verify as check
from web import submit as sub
from web.access import (
    DISPUTERS,
    EVERYONE,
    FINANCE_ONLY,
    LOGIN_COOKIE,
    PUBLIC,
    READERS,
    SESSION_COOKIE,
    SESSION_SECONDS,
    Access,
    same,
    user_of,
    visible,
)
from web.context import Context

Form = URLEncodedBody[dict[str, str]]
Req = Request[Any, Any, Any]
Seg = FromPath[str]  # a path segment: a contract id, a period, a line code
Q = Annotated[str | None, QueryParameter(max_length=200)]
MAX_TEXT = 2000


def yuan_text(fen: Any) -> str:
    return "" if fen is None else yuan(int(fen))


def fen_of(text: str, field: str) -> int:
    """A yuan amount typed by a person ("1,234.56", "-20") as integer fen, exactly."""
    cleaned = text.strip().replace(",", "").replace("¥", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise FormError(f"{field}: not an amount in yuan: {text!r}") from None
    if not value.is_finite() or value != value.quantize(Decimal("0.01")) or abs(value) >= 10**13:
        raise FormError(f"{field}: yuan with at most two decimals: {text!r}")
    return int(value * 100)


class FormError(ValueError):
    """A form filled in wrongly: shown on the result page, nothing submitted."""


def _ctx(request: Req) -> Context:
    ctx: Context = request.app.state.ctx
    return ctx


# The pages of the navigation bar, each shown to the roles its route allows.
NAV = [("/console", "应收账款", "Receivables"), ("/console/statements", "对账单", "Statements"),
       ("/console/breaches", "违约记录", "Breaches"), ("/console/disputes", "争议", "Disputes"),
       ("/console/payments", "登记收款", "Payments"), ("/console/audit", "审计", "Audit"),
       ("/console/downloads", "下载", "Downloads")]


def page(request: Req, name: str, **context: Any) -> Template:
    user = user_of(request)
    session = request.state.session if "session" in request.state else None
    nav = [(href, zh, en) for href, zh, en in NAV if user.role in _NAV_RULES[href].roles]
    return Template(name, context={"user": user, "nav": nav, "csrf": session.csrf if session else "",
                                   "path": request.url.path, "today": today().isoformat(),
                                   "new_id": lambda kind: f"console-{kind}-{uuid.uuid4().hex}",
                                   **context})


def _check_csrf(request: Req, data: dict[str, str]) -> None:
    session = request.state.session if "session" in request.state else None
    if session is not None and not same(data.get("csrf"), session.csrf):
        raise PermissionDeniedException("the form is stale or forged (CSRF token); reload the page")


def _submit(request: Req, data: dict[str, str], command: dict[str, Any],
            back: str) -> Template:
    """Submit one command from a form; the result page says what happened."""
    _check_csrf(request, data)
    command_id = data.get("command_id", "")
    if not command_id.startswith("console-") or len(command_id) > 100:
        command_id = f"console-{uuid.uuid4().hex}"
    line = msgspec.json.encode({"id": command_id, **command})
    (result,) = sub.submit(_ctx(request), user_of(request), [line])
    return page(request, "result.html", result=result.to_json(), command=command, back=back)


def _form_error(request: Req, exc: FormError, back: str) -> Template:
    return page(request, "result.html", result={"status": "rejected", "error": {
        "code": "invalid_value", "message": str(exc), "field": None}}, command=None, back=back)


def _text(data: dict[str, str], name: str, required: bool = True) -> str:
    value = data.get(name, "").strip()
    if required and not value:
        raise FormError(f"{name}: required")
    if len(value) > MAX_TEXT:
        raise FormError(f"{name}: at most {MAX_TEXT} characters")
    return value


# -- signing in ---------------------------------------------------------------------------

@get("/", opt={"access": PUBLIC}, include_in_schema=False, sync_to_thread=False)
def root() -> Redirect:
    return Redirect("/console", status_code=303)


@get("/console/login", opt={"access": PUBLIC}, include_in_schema=False, sync_to_thread=False)
def login_form(request: Req) -> Template:
    token = request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(24)
    response = Template("login.html", context={"csrf": token, "user": None, "nav": [],
                                               "failed": request.query_params.get("failed")})
    response.set_cookie(LOGIN_COOKIE, token, path="/console/login", httponly=True, samesite="strict",
                        secure=request.url.scheme == "https", max_age=3600)
    return response


@post("/console/login", opt={"access": PUBLIC}, include_in_schema=False, sync_to_thread=True,
      status_code=303)
def login(request: Req, data: Form) -> Redirect:
    if not same(data.get("csrf"), request.cookies.get(LOGIN_COOKIE)):
        raise PermissionDeniedException("the sign-in form is stale (CSRF token); reload the page")
    ctx = _ctx(request)
    user = ctx.users.by_token(data.get("token", "").strip())
    if user is None:
        return Redirect("/console/login?failed=1", status_code=303)
    sid, _ = ctx.sessions.open(user.name)
    response = Redirect("/console", status_code=303)
    response.set_cookie(SESSION_COOKIE, sid, path="/", httponly=True, samesite="strict",
                        secure=request.url.scheme == "https", max_age=SESSION_SECONDS)
    response.delete_cookie(LOGIN_COOKIE, path="/console/login")
    return response


@post("/console/logout", opt={"access": EVERYONE}, include_in_schema=False, sync_to_thread=False,
      status_code=303)
def logout(request: Req, data: Form) -> Redirect:
    _check_csrf(request, data)
    _ctx(request).sessions.close(request.cookies.get(SESSION_COOKIE))
    response = Redirect("/console/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# -- reading ------------------------------------------------------------------------------

@get("/console", opt={"access": EVERYONE}, include_in_schema=False, sync_to_thread=True)
def receivables(request: Req) -> Template:
    ctx, only = _ctx(request), visible(request, None)
    owners = ctx.owners.merchants()
    balances = reports.balances(ctx.store, None, None)
    if only is not None:
        keep = set(only)
        balances = [b for b in balances if b.contract_id in keep]
    day = today()
    overdue: dict[str, tuple[int, int]] = {}
    for cid in (only if only is not None else [None]):
        for row in export_rows(ctx.store, "statements", contract_id=cid):
            left = row.get("outstanding_fen") or 0
            if left > 0 and row["due_on"] < day:
                fen, n = overdue.get(row["contract_id"], (0, 0))
                overdue[row["contract_id"]] = (fen + left, n + 1)
    merchants: dict[str, dict[str, Any]] = {}
    contracts = []
    for b in balances:
        mid, name = owners.get(b.contract_id, ("?", "?"))
        late, n = overdue.get(b.contract_id, (0, 0))
        contracts.append({"contract_id": b.contract_id, "merchant_id": mid, "merchant_name": name,
                          "receivable_fen": b.receivable_fen, "credit_fen": b.credit_fen,
                          "deposit_held_fen": b.deposit_held_fen, "overdue_fen": late,
                          "overdue_statements": n})
        m = merchants.setdefault(mid, {"merchant_id": mid, "merchant_name": name, "contracts": 0,
                                       "receivable_fen": 0, "overdue_fen": 0, "credit_fen": 0})
        m["contracts"] += 1
        m["receivable_fen"] += b.receivable_fen
        m["overdue_fen"] += late
        m["credit_fen"] += b.credit_fen
    return page(request, "receivables.html", merchants=sorted(merchants.values(),
                key=lambda m: (-m["overdue_fen"], -m["receivable_fen"], m["merchant_id"])),
                contracts=contracts, day=day.isoformat())


@get("/console/statements", opt={"access": EVERYONE}, include_in_schema=False, sync_to_thread=True)
def statements(request: Req, contract: Q = None, period: Q = None) -> Template:
    ctx = _ctx(request)
    contract = contract or None
    only = visible(request, contract)
    rows = reports.statements(ctx.store, contract, None)
    if only is not None:
        keep = set(only)
        rows = [r for r in rows if r["contract_id"] in keep]
    if period:
        rows = [r for r in rows if r["period"] == period]
    contracts = only if only is not None else sorted(ctx.owners.merchants())
    return page(request, "statements.html", rows=rows[:1000], total=len(rows), contract=contract or "",
                period=period or "", contracts=contracts)


@get("/console/statements/{contract:str}/{period:str}", opt={"access": EVERYONE},
     include_in_schema=False, sync_to_thread=True)
def statement(request: Req, contract: Seg, period: Seg) -> Template:
    data = reports.statement(_ctx(request).store, contract, period, False, today(), None)
    return page(request, "statement.html", st=data, contract=contract, period=period,
                codes=sorted({ln["code"] for ln in data["lines"]}))


@get("/console/statements/{contract:str}/{period:str}/lines/{line:str}", opt={"access": EVERYONE},
     include_in_schema=False, sync_to_thread=True)
def line_events(request: Req, contract: Seg, period: Seg, line: Seg) -> Template:
    data = reports.explain(_ctx(request).store, contract, period, line)
    for e in data["events"]:
        e["data_text"] = msgspec.json.encode(e["data"]).decode()
    return page(request, "explain.html", ex=data, contract=contract, period=period)


@get("/console/breaches", opt={"access": EVERYONE}, include_in_schema=False, sync_to_thread=True)
def breaches(request: Req, contract: Q = None, period: Q = None,
             on: Q = None) -> Template:
    ctx = _ctx(request)
    contract = contract or None
    only = visible(request, contract)
    try:
        day = dt.date.fromisoformat(on) if on else today()
    except ValueError:
        raise NotFoundException(f"not a date: {on!r}") from None
    ids = only if only is not None else [None]
    rows = [r for cid in ids for r in reports.breaches(ctx.store, cid, period or None, day, None)]
    return page(request, "breaches.html", rows=rows[:1000], total=len(rows), contract=contract or "",
                period=period or "", on=day.isoformat())


@get("/console/disputes", opt={"access": EVERYONE}, include_in_schema=False, sync_to_thread=True)
def disputes(request: Req, contract: Q = None) -> Template:
    ctx = _ctx(request)
    contract = contract or None
    only = visible(request, contract)
    ids = only if only is not None else [None]
    rows = [r for cid in ids for r in reports.disputes(ctx.store, cid, None)]
    return page(request, "disputes.html", rows=rows[:1000], total=len(rows), contract=contract or "")


@get("/console/payments", opt={"access": FINANCE_ONLY}, include_in_schema=False, sync_to_thread=True)
def payment_form(request: Req) -> Template:
    return page(request, "payments.html", contracts=sorted(_ctx(request).owners.merchants()))


@get("/console/audit", opt={"access": READERS}, include_in_schema=False, sync_to_thread=True)
def audit(request: Req, verify: FromQuery[bool] = False) -> Template:
    store = _ctx(request).store
    position, head = digest(store)
    findings = check(store) if verify else None
    return page(request, "audit.html", position=position, head=head, findings=findings)


@get("/console/downloads", opt={"access": READERS}, include_in_schema=False, sync_to_thread=False)
def downloads(request: Req) -> Template:
    return page(request, "downloads.html", kinds=["statements", "lines", "payments", "breaches"])


# -- forms --------------------------------------------------------------------------------

@post("/console/breaches/resolve", opt={"access": FINANCE_ONLY}, include_in_schema=False,
      sync_to_thread=True, status_code=200)
def resolve_breach(request: Req, data: Form) -> Template:
    back = "/console/breaches"
    try:
        command = {"type": "resolve_breach", "breach_id": _text(data, "breach_id"),
                   "outcome": _text(data, "outcome"), "on": _text(data, "on"),
                   "note": _text(data, "note", required=False)}
    except FormError as exc:
        return _form_error(request, exc, back)
    return _submit(request, data, command, back)


@post("/console/disputes/open", opt={"access": DISPUTERS}, include_in_schema=False,
      sync_to_thread=True, status_code=200)
def open_dispute(request: Req, data: Form) -> Template:
    back = "/console/disputes"
    try:
        command = {"type": "open_dispute", "contract_id": _text(data, "contract_id"),
                   "dispute_id": _text(data, "dispute_id"), "period": _text(data, "period"),
                   "line": _text(data, "line"), "claim_fen": fen_of(_text(data, "claim"), "claim"),
                   "opened_on": _text(data, "opened_on"), "note": _text(data, "note", required=False)}
    except FormError as exc:
        return _form_error(request, exc, back)
    return _submit(request, data, command, back)


@post("/console/disputes/resolve", opt={"access": FINANCE_ONLY}, include_in_schema=False,
      sync_to_thread=True, status_code=200)
def resolve_dispute(request: Req, data: Form) -> Template:
    back = "/console/disputes"
    try:
        command: dict[str, Any] = {"type": "resolve_dispute", "dispute_id": _text(data, "dispute_id"),
                                   "resolved_on": _text(data, "resolved_on"),
                                   "outcome": _text(data, "outcome"),
                                   "note": _text(data, "note", required=False)}
        if data.get("adjustment", "").strip():
            command["adjustment_fen"] = fen_of(data["adjustment"], "adjustment")
    except FormError as exc:
        return _form_error(request, exc, back)
    return _submit(request, data, command, back)


@post("/console/payments/record", opt={"access": FINANCE_ONLY}, include_in_schema=False,
      sync_to_thread=True, status_code=200)
def record_payment(request: Req, data: Form) -> Template:
    back = "/console/payments"
    try:
        command = {"type": "record_payment", "contract_id": _text(data, "contract_id"),
                   "payment_id": _text(data, "payment_id"),
                   "amount_fen": fen_of(_text(data, "amount"), "amount"),
                   "received_on": _text(data, "received_on"),
                   "reference": _text(data, "reference", required=False)}
    except FormError as exc:
        return _form_error(request, exc, back)
    done = _submit(request, data, command, back)
    if done.context["result"]["status"] != "rejected":  # the balance it changed
        rows = reports.balances(_ctx(request).store, str(command["contract_id"]), None)
        done.context["balance"] = rows[0] if rows else None
    return done


ROUTES = [root, login_form, login, logout, receivables, statements, statement, line_events,
          breaches, disputes, payment_form, audit, downloads, resolve_breach, open_dispute,
          resolve_dispute, record_payment]

# each page of the navigation bar is shown to the roles its own route allows
_NAV_RULES: dict[str, Access] = {
    path: h.opt["access"] for h in (receivables, statements, breaches, disputes, payment_form,
                                    audit, downloads) for path in h.paths}
