"""Who may call what: every route of the server × every role, generated from the route table.

The expected status comes from each route's own rule (``web.access.Access``): a route added
without a rule fails ``test_every_route_has_an_access_rule``, and the walk calls every route
as nobody (401, or the console's redirect to sign in), as each role (200/303, or 403), and as
a merchant against another merchant's contract (404, never 403: its existence does not leak).
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import Ledger
from litestar.testing import TestClient
from web_fixtures import app_for, bearer, seed

from web.access import MERCHANT, rule

FILL = {"contract": "C1", "period": "2026-03", "line": "base", "kind": "statements",
        "path": "openapi.json"}
OK = {("POST", "/console/login"): 303, ("POST", "/console/logout"): 303, ("GET", "/"): 303}


def handlers(app: Any) -> list[tuple[str, str, Any]]:
    """(method, path template, handler) of every route, the automatic OPTIONS answers aside."""
    out = []
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            for method in sorted(handler.http_methods):
                if method != "OPTIONS":
                    out.append((method, route.path, handler))
    return out


def url(template: str, **over: str) -> str:
    path = template
    for name, value in (FILL | over).items():
        path = path.replace(f"{{{name}:str}}", value)
    assert "{" not in path, path
    return path


def call(client: TestClient[Any], method: str, path: str, token: str | None) -> int:
    headers = bearer(token) if token else {}
    if method == "GET":
        return client.get(path, headers=headers, follow_redirects=False).status_code
    if path == "/api/commands":
        return client.post(path, content=b"[]", headers=headers).status_code
    client.cookies.set("ledger_login", "x")
    status = client.post(path, data={"csrf": "x"}, headers=headers, follow_redirects=False).status_code
    client.cookies.clear()
    return status


@pytest.fixture
def server(ledger: Ledger) -> tuple[Any, dict[str, str]]:
    seeded = seed(ledger)
    app, _ = app_for(ledger.db)
    return app, seeded.tokens


def test_every_route_has_an_access_rule(server: tuple[Any, dict[str, str]]) -> None:
    app, _ = server
    missing = [(m, p) for m, p, h in handlers(app) if rule(h) is None]
    assert not missing, f"routes without an access rule (web.access): {missing}"
    assert len(handlers(app)) >= 30


def test_every_route_times_every_role(server: tuple[Any, dict[str, str]]) -> None:
    app, tokens = server
    wrong = []
    walked = 0
    with TestClient(app) as client:
        for method, template, handler in handlers(app):
            access = rule(handler)
            assert access is not None
            path = url(template)
            ok = OK.get((method, template), 200)
            anonymous = ok if access.public else (303 if path.startswith("/console") else 401)
            expected: dict[str, int] = {"nobody": anonymous}
            for name, role in (("fin", "finance"), ("aud", "auditor"), ("m1", "merchant")):
                expected[name] = ok if access.public or role in access.roles else 403
            for who, want in expected.items():
                got = call(client, method, path, tokens.get(who))
                walked += 1
                if got != want:
                    wrong.append(f"{method} {path} as {who}: {got}, expected {want}")
            if "{contract:str}" in template and MERCHANT in access.roles:
                other = url(template, contract="C2")  # merchant M2's contract
                got = call(client, method, other, tokens["m1"])
                walked += 1
                if got != 404:
                    wrong.append(f"{method} {other} as m1: {got}, expected 404")
    assert not wrong, "\n".join(wrong)
    assert walked > 120


@pytest.mark.parametrize("path", ["/api/statements", "/api/breaches", "/api/disputes",
                                  "/console/statements", "/console/breaches", "/console/disputes"])
def test_a_merchant_filtering_lists_by_another_merchants_contract_gets_404(
        server: tuple[Any, dict[str, str]], path: str) -> None:
    app, tokens = server
    with TestClient(app) as client:
        assert client.get(f"{path}?contract=C2", headers=bearer(tokens["m1"])).status_code == 404
        assert client.get(f"{path}?contract=C9", headers=bearer(tokens["m1"])).status_code == 404
        assert client.get(f"{path}?contract=C1", headers=bearer(tokens["m1"])).status_code == 200
        assert client.get(f"{path}?contract=C2", headers=bearer(tokens["fin"])).status_code == 200


def test_errors_are_json_with_code_message_and_field(server: tuple[Any, dict[str, str]]) -> None:
    app, tokens = server
    with TestClient(app) as client:
        for headers, status, code in (({}, 401, "unauthorized"),
                                      (bearer("lgr_wrong"), 401, "unauthorized"),
                                      (bearer(tokens["m1"]), 403, "forbidden")):
            r = client.get("/api/journal", headers=headers)
            assert r.status_code == status
            assert r.json() == {"error": {"code": code, "message": r.json()["error"]["message"],
                                          "field": None}}
        r = client.get("/api/statements/C2/2026-03", headers=bearer(tokens["m1"]))
        unknown = client.get("/api/statements/C9/2026-03", headers=bearer(tokens["m1"]))
        assert r.status_code == unknown.status_code == 404
        assert r.json()["error"]["message"] == "contract C2 is not known"
        r = client.get("/api/breaches?on=2026-13-01", headers=bearer(tokens["fin"]))
        assert r.status_code == 400 and r.json()["error"]["field"] == "on"
        r = client.get("/api/statements?limit=0", headers=bearer(tokens["fin"]))
        assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_value"
