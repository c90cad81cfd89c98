"""Security headers on every response, and one log line per request.

The log line (structlog, on the program's logger): method, route (the path template, so no
contract id, period or token of the URL lands in the log), status, duration, the user's name
and role, and for submits the number of commands. Never a header, a query string or a body:
tokens and session cookies travel in those.
"""

from __future__ import annotations

import time
from typing import Any

from litestar.types import ASGIApp, Message, Receive, Scope, Send

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
    # no script at all: the console works with links and forms
    (b"content-security-policy", b"default-src 'none'; style-src 'self' 'unsafe-inline'; "
                                 b"img-src 'self' data:; font-src 'self' data:; form-action 'self'; "
                                 b"frame-ancestors 'none'; base-uri 'none'"),
    (b"cache-control", b"no-store"),
]


def security_and_log(logger: Any) -> Any:
    """A middleware factory: ``Litestar(middleware=[security_and_log(logger)])``."""

    def middleware(app: ASGIApp) -> ASGIApp:
        async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
            if str(scope["type"]) != "http":
                await app(scope, receive, send)
                return
            started = time.perf_counter()
            status = [500]

            async def sending(message: Message) -> None:
                if message["type"] == "http.response.start":
                    status[0] = message["status"]
                    names = {k.lower() for k, _ in message.get("headers", [])}
                    message["headers"] = list(message.get("headers", [])) + [
                        h for h in SECURITY_HEADERS if h[0] not in names]
                await send(message)

            try:
                await app(scope, receive, sending)
            finally:
                _log(logger, scope, status[0], time.perf_counter() - started)

        return wrapped

    return middleware


def _log(logger: Any, scope: Scope, status: int, seconds: float) -> None:
    state = scope.get("state") or {}
    user = state.get("user")
    handler = scope.get("route_handler")
    paths = getattr(handler, "paths", None)
    route = sorted(paths)[0] if paths else "(no route)"
    fields: dict[str, Any] = {"method": scope.get("method"), "route": route, "status": status,
                              "duration_ms": round(seconds * 1000, 2)}
    if user is not None:
        fields["user"], fields["role"] = user.name, user.role
    if "commands" in state:
        fields["commands"] = state["commands"]
    if status >= 500:
        logger.error("request", **fields)
    else:
        logger.info("request", **fields)
