"""Who may call which route: one ``Access`` rule on every route handler, checked by one guard.

Roles (``ledger.users``): ``finance`` submits and reads everything; ``auditor`` reads
everything, runs the audit and the exports, submits nothing; ``merchant`` reads the contracts
of its own merchant id only and may open disputes on them. A route handler declares its rule
in ``opt={"access": ...}``; a handler without one is refused to everybody (403), and the
authorization test walks the route table so such a route fails it.

Sign-in: an API client sends ``Authorization: Bearer <token>``; the console signs in with the
token once and then holds a session cookie (HttpOnly, SameSite=Strict) naming a session kept
in memory, with its own CSRF token that every console form must carry. Requests that change
anything with a cookie need that CSRF token; a bearer token is never sent by a browser on its
own, so API requests carrying one need none.

A merchant asking for another merchant's contract gets 404, exactly as for a contract that
does not exist, so the ledger never reveals which contracts exist.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, NotFoundException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from ledger.users import User

FINANCE, AUDITOR, MERCHANT = "finance", "auditor", "merchant"
ALL_ROLES = frozenset({FINANCE, AUDITOR, MERCHANT})
SESSION_COOKIE = "ledger_session"
LOGIN_COOKIE = "ledger_login"
SESSION_SECONDS = 12 * 3600
MAX_SESSIONS = 10_000


@dataclass(frozen=True)
class Access:
    """A route's rule: the roles that may call it; ``own``: a merchant only for its own
    contracts (the ``contract`` path parameter must be one of them, lists are filtered)."""

    roles: frozenset[str]
    own: bool = False
    public: bool = False


PUBLIC = Access(frozenset(), public=True)
EVERYONE = Access(ALL_ROLES, own=True)  # merchants: their own contracts only
READERS = Access(frozenset({FINANCE, AUDITOR}))  # the whole ledger: not for merchants
FINANCE_ONLY = Access(frozenset({FINANCE}))
DISPUTERS = Access(frozenset({FINANCE, MERCHANT}), own=True)  # submit: merchants dispute only


def rule(handler: BaseRouteHandler) -> Access | None:
    found = handler.opt.get("access")
    return found if isinstance(found, Access) else None


@dataclass
class Session:
    name: str
    csrf: str
    expires: float


@dataclass
class Sessions:
    """Console sessions in memory: a restart signs everybody out (the tokens stay valid)."""

    _by_id: dict[str, Session] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def open(self, name: str) -> tuple[str, Session]:
        with self._lock:
            now = time.time()
            if len(self._by_id) >= MAX_SESSIONS:
                for sid in [s for s, v in self._by_id.items() if v.expires < now]:
                    del self._by_id[sid]
                while len(self._by_id) >= MAX_SESSIONS:  # still full: the oldest goes
                    del self._by_id[next(iter(self._by_id))]
            sid = secrets.token_urlsafe(32)
            session = self._by_id[sid] = Session(name, secrets.token_urlsafe(32),
                                                 now + SESSION_SECONDS)
            return sid, session

    def get(self, sid: str | None) -> Session | None:
        if not sid:
            return None
        session = self._by_id.get(sid)
        if session is None or session.expires < time.time():
            return None
        return session

    def close(self, sid: str | None) -> None:
        with self._lock:
            self._by_id.pop(sid or "", None)


def same(a: str | None, b: str | None) -> bool:
    """Constant-time equality of two secrets (False when either is missing)."""
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))


def authenticate(connection: ASGIConnection[Any, Any, Any, Any]) -> tuple[User | None, Session | None]:
    """The user behind a request (bearer token first, then the session cookie)."""
    ctx = connection.app.state.ctx
    header = connection.headers.get("authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer":
            return None, None
        return ctx.users.by_token(token.strip()), None
    session = ctx.sessions.get(connection.cookies.get(SESSION_COOKIE))
    if session is None:
        return None, None
    return ctx.users.by_name(session.name), session


async def guard(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    """Sign the request in and apply the route's rule: 401, 403, or 404 for a merchant asking
    for another merchant's contract. The check reads the store (users revoked meanwhile, a
    contract's merchant): through ``Context.read``."""
    access = rule(handler)
    if access is not None and access.public:
        return
    await connection.app.state.ctx.read(_check, connection, access)


def _check(connection: ASGIConnection[Any, Any, Any, Any], access: Access | None) -> None:
    user, session = authenticate(connection)
    if user is None:
        raise NotAuthorizedException("sign in: Authorization: Bearer <token>, or the console")
    connection.state.user = user
    connection.state.session = session
    if access is None or user.role not in access.roles:
        raise PermissionDeniedException(f"the {user.role} role may not do this")
    contract = connection.path_params.get("contract")
    if user.role == MERCHANT and contract is not None:
        owners = connection.app.state.ctx.owners
        if owners.merchant_of(str(contract)) != user.merchant_id:
            raise NotFoundException(f"contract {contract} is not known")


def user_of(connection: ASGIConnection[Any, Any, Any, Any]) -> User:
    user: User = connection.state.user
    return user


def visible(connection: ASGIConnection[Any, Any, Any, Any], contract: str | None) -> list[str] | None:
    """The contracts a list may show: None for all (finance, auditor); a merchant's own ones
    (or the one asked for, if it is its own: else 404)."""
    user = user_of(connection)
    if user.role != MERCHANT:
        return None if contract is None else [contract]
    own: list[str] = connection.app.state.ctx.owners.contracts_of(user.merchant_id)
    if contract is None:
        return own
    if contract not in own:
        raise NotFoundException(f"contract {contract} is not known")
    return [contract]
