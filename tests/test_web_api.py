"""The HTTP API (issue 17): the CLI's --json shapes, commands in, merchants kept apart, bounds,
the request log, on both stores."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest
from builders import cmd, pay
from conftest import Ledger
from litestar.testing import TestClient
from web_fixtures import app_for, bearer, seed


@pytest.fixture
def served(ledger: Ledger) -> Any:
    seeded = seed(ledger)
    app, log = app_for(ledger.db)
    with TestClient(app) as client:
        yield ledger, client, seeded.tokens, log


def test_reads_answer_exactly_what_the_cli_prints_with_json(served: Any) -> None:
    ledger, client, tokens, _ = served
    fin = bearer(tokens["fin"])
    pairs = [("/api/statements", ("statements",)),
             ("/api/statements/C1/2026-03", ("statement", "C1", "2026-03")),
             ("/api/statements/C1/2026-04?live=true&on=2026-05-01",
              ("statement", "C1", "2026-04", "--live", "--on", "2026-05-01")),
             ("/api/balances", ("balance",)), ("/api/balances/C1", ("balance", "C1")),
             ("/api/breaches?on=2026-04-15", ("breaches", "--on", "2026-04-15")),
             ("/api/breaches?contract=C1&period=2026-03&on=2026-04-15",
              ("breaches", "C1", "--period", "2026-03", "--on", "2026-04-15")),
             ("/api/disputes", ("disputes",)),
             ("/api/explain/C1/2026-03/base", ("explain", "C1", "2026-03", "base")),
             ("/api/history/C1", ("history", "C1")), ("/api/journal", ("journal",)),
             ("/api/audit/digest", ("audit", "digest"))]
    for path, args in pairs:
        r = client.get(path, headers=fin)
        assert r.status_code == 200, (path, r.text)
        assert r.json() == ledger.run(*args, "--json").json(), path
    as_of = ledger.run("history", "C1", "--json").json()[3]["recorded_at"]
    r = client.get(f"/api/statements?as_of={as_of}", headers=fin)
    assert r.json() == ledger.run("statements", "--as-of", as_of, "--json").json() == []
    issued = client.get("/api/statements/C1/2026-03", headers=fin)
    assert issued.content.decode() + "\n" == ledger.run("statement", "C1", "2026-03", "--json").out


def test_commands_go_in_as_an_array_or_lines_idempotently_and_record_the_user(served: Any) -> None:
    ledger, client, tokens, _ = served
    fin = bearer(tokens["fin"])
    payment = pay("P1", 100_000, "2026-04-05")
    r = client.post("/api/commands", content=json.dumps([payment, {"type": "nope", "id": "x1"}]),
                    headers=fin)
    assert r.status_code == 200 and r.headers["x-rejected-count"] == "1"
    assert [x["status"] for x in r.json()] == ["accepted", "rejected"]
    assert r.json()[1]["error"]["code"] == "unknown_type"
    again = client.post("/api/commands", content=json.dumps(payment) + "\n\n", headers=fin)
    assert again.headers["content-type"].startswith("application/x-ndjson")
    assert [json.loads(x)["status"] for x in again.text.splitlines()] == ["duplicate"]
    changed = client.post("/api/commands", content=json.dumps(payment | {"amount_fen": 1}),
                          headers=fin)
    assert changed.text.strip() and json.loads(changed.text)["error"]["code"] == "id_reused"
    (last,) = [h for h in ledger.run("history", "C1", "--json").json() if h["type"] == "PaymentReceived"]
    assert last["submitted_by"] == "fin"
    assert client.get("/api/balances/C1", headers=fin).json() == ledger.run("balance", "C1", "--json").json()


def test_roles_decide_which_commands_a_user_may_submit(served: Any) -> None:
    ledger, client, tokens, _ = served
    dispute = cmd("open_dispute", "C1", dispute_id="D1", period="2026-03", line="base",
                  claim_fen=-20000, opened_on="2026-04-05", note="")
    foreign = dispute | {"id": "d-2", "contract_id": "C2", "dispute_id": "D2"}
    nowhere = dispute | {"id": "d-3", "contract_id": "C9", "dispute_id": "D3"}
    user = {"type": "add_user", "id": "u1", "name": "eve", "role": "finance", "token_sha256": "0" * 64}
    before = ledger.stats()
    r = client.post("/api/commands", headers=bearer(tokens["m1"]),
                    content=json.dumps([foreign, nowhere, pay("P9", 1, "2026-04-05"), user]))
    answers = r.json()
    assert [a["error"]["code"] for a in answers] == ["unknown_contract", "unknown_contract",
                                                     "forbidden", "forbidden"]
    assert answers[0]["error"]["message"] == "contract C2 is not known"
    assert answers[1]["error"]["message"] == "contract C9 is not known"
    assert ledger.stats() == before
    r = client.post("/api/commands", headers=bearer(tokens["m1"]), content=json.dumps([dispute]))
    assert r.json()[0]["status"] == "accepted"
    assert client.post("/api/commands", headers=bearer(tokens["aud"]), content=b"[]").status_code == 403
    r = client.post("/api/commands", headers=bearer(tokens["fin"]), content=json.dumps([user]))
    assert r.json()[0]["error"] == {
        "code": "forbidden", "field": "type",
        "message": "users are added and revoked with `ledger users` on the server"}


def test_a_merchant_sees_only_its_own_contracts(served: Any) -> None:
    _, client, tokens, _ = served
    m1 = bearer(tokens["m1"])
    for path in ("/api/statements", "/api/balances", "/api/breaches?on=2026-04-15", "/api/disputes"):
        rows = client.get(path, headers=m1).json()
        assert {r["contract_id"] for r in rows} <= {"C1"}, path
    assert {r["contract_id"] for r in client.get("/api/statements", headers=m1).json()} == {"C1"}
    assert {r["contract_id"] for r in client.get(
        "/api/statements", headers=bearer(tokens["fin"])).json()} == {"C1", "C2"}
    assert client.get("/api/documents/C1/2026-03", headers=m1).text.startswith("<!")
    assert client.get("/api/documents/C2/2026-03", headers=m1).status_code == 404


def test_lists_are_paged_and_results_bounded(served: Any) -> None:
    _, client, tokens, _ = served
    fin = bearer(tokens["fin"])
    r = client.get("/api/history/C1?limit=5&offset=5", headers=fin)
    total = int(r.headers["x-total-count"])
    assert len(r.json()) == 5 and total > 10
    assert r.headers["link"] == '</api/history/C1?limit=5&offset=10>; rel="next"'
    last = client.get(f"/api/history/C1?limit=5&offset={total - 2}", headers=fin)
    assert len(last.json()) == 2 and "link" not in last.headers
    assert client.get("/api/history/C1?limit=10001", headers=fin).status_code == 400


def test_bodies_and_batches_are_bounded(served: Any) -> None:
    from web.submit import MAX_BODY, MAX_COMMANDS, MAX_LINE

    _, client, tokens, _ = served
    fin = bearer(tokens["fin"])
    many = "\n".join("{}" for _ in range(MAX_COMMANDS + 1))
    r = client.post("/api/commands", content=many, headers=fin)
    assert r.status_code == 413 and r.json()["error"]["code"] == "too_many_commands"
    assert client.post("/api/commands", content=b" " * (MAX_BODY + 1), headers=fin).status_code == 413
    long = json.dumps({"type": "record_payment", "id": "big", "reference": "x" * MAX_LINE})
    assert client.post("/api/commands", content=long, headers=fin).json()["error"]["code"] == "out_of_range"
    r = client.post("/api/commands", content=b"[1, 2", headers=fin)
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_json"


def test_exports_documents_and_the_audit_over_http(served: Any) -> None:
    _, client, tokens, _ = served
    aud = bearer(tokens["aud"])
    csv = client.get("/api/exports/statements", headers=aud)
    assert csv.headers["content-disposition"] == 'attachment; filename="statements.csv"'
    assert csv.content.startswith("\ufeffcontract_id,".encode())
    xlsx = client.get("/api/exports/lines?format=xlsx", headers=aud)
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert client.get("/api/exports/nope", headers=aud).status_code == 404
    verify = client.get("/api/audit/verify", headers=aud).json()
    assert verify == {"ok": True, "findings": []}
    digest = client.get("/api/audit/digest", headers=aud).json()["digest"]
    assert client.get(f"/api/audit/verify?digest={digest}", headers=aud).json()["ok"] is True
    assert client.get("/api/audit/verify?digest=zz", headers=aud).status_code == 400
    assert 'submitted_by: "' in client.get("/api/journal?format=beancount", headers=aud).text


def test_one_log_line_per_request_without_secrets_and_security_headers(served: Any) -> None:
    _, client, tokens, log = served
    r = client.get("/api/statements/C1/2026-03", headers=bearer(tokens["fin"]))
    for name in ("content-security-policy", "x-content-type-options", "x-frame-options",
                 "referrer-policy"):
        assert name in r.headers
    client.get("/api/journal", headers=bearer("lgr_not-a-real-token"))
    lines = [json.loads(x) for x in log.getvalue().splitlines()]
    requests = [x for x in lines if x["event"] == "request"]
    assert requests[-2]["route"] == "/api/statements/{contract:str}/{period:str}"
    assert (requests[-2]["user"], requests[-2]["status"]) == ("fin", 200)
    assert requests[-1]["status"] == 401 and "user" not in requests[-1]
    assert all("duration_ms" in x for x in requests)
    text = log.getvalue()
    assert all(t not in text for t in tokens.values()) and "lgr_" not in text


def test_a_revoked_user_is_signed_out_at_once(served: Any) -> None:
    ledger, client, tokens, _ = served
    assert client.get("/api/me", headers=bearer(tokens["aud"])).json() == {
        "name": "aud", "role": "auditor", "merchant_id": None}
    assert ledger.run("users", "revoke", "aud").code == 0
    assert client.get("/api/me", headers=bearer(tokens["aud"])).status_code == 401


def test_the_openapi_schema_documents_every_api_route(served: Any) -> None:
    _, client, _, _ = served
    schema = client.get("/api/schema").json()
    assert schema["openapi"].startswith("3.")
    for path in ("/api/commands", "/api/statements", "/api/statements/{contract}/{period}",
                 "/api/breaches", "/api/exports/{kind}", "/api/documents/{contract}/{period}"):
        assert path in schema["paths"], path
    assert not any(p.startswith("/console") for p in schema["paths"])


def test_a_write_lane_that_dies_answers_503_and_the_next_submit_starts_another(served: Any) -> None:
    ledger, client, tokens, _ = served
    fin = bearer(tokens["fin"])
    first = client.post("/api/commands", content=json.dumps([pay("P1", 100_000, "2026-04-05")]),
                        headers=fin)
    assert first.json()[0]["status"] == "accepted"
    lane = client.app.state.ctx.lane
    assert lane._proc is not None and lane._proc.poll() is None  # a process of its own
    lane._proc.kill()
    lane._proc.wait()
    # the lane is found dead before anything is sent: a new one answers at once
    r = client.post("/api/commands", content=json.dumps([pay("P2", 100_000, "2026-04-06")]),
                    headers=fin)
    assert r.status_code == 200 and r.json()[0]["status"] == "accepted"
    # a lane that dies while the request is in flight (here: reads a little and exits): 503
    lane._stop()  # the lane reads the end of its input and exits
    lane._proc = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.buffer.read(4)"],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    r = client.post("/api/commands", content=json.dumps([pay("P3", 100_000, "2026-04-07")]),
                    headers=fin)
    assert r.status_code == 503 and r.json()["error"]["code"] == "unavailable"
    # sent again: a new lane
    r = client.post("/api/commands", content=json.dumps([pay("P3", 100_000, "2026-04-07")]),
                    headers=fin)
    assert r.status_code == 200 and r.json()[0]["status"] == "accepted"
    assert [h["type"] for h in ledger.run("history", "C1", "--json").json()].count("PaymentReceived") == 3


def test_the_postgresql_pool_is_sized_by_ledger_pg_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    from store.eventstore import CLI_POOL, StoreError, pg_pool

    monkeypatch.delenv("LEDGER_PG_POOL", raising=False)
    assert pg_pool(CLI_POOL) == CLI_POOL and pg_pool((18, 8)) == (18, 8)
    monkeypatch.setenv("LEDGER_PG_POOL", "30+10")
    assert pg_pool(CLI_POOL) == (30, 10)
    monkeypatch.setenv("LEDGER_PG_POOL", "12")
    assert pg_pool(CLI_POOL) == (12, 0)
    for bad in ("0", "many", "5+x", "500"):
        monkeypatch.setenv("LEDGER_PG_POOL", bad)
        with pytest.raises(StoreError, match="LEDGER_PG_POOL"):
            pg_pool(CLI_POOL)


def test_each_result_names_its_line_of_the_body_even_after_a_refusal(served: Any) -> None:
    _, client, tokens, _ = served
    m1 = bearer(tokens["m1"])
    dispute = cmd("open_dispute", "C1", dispute_id="D9", period="2026-03", line="base",
                  amount_fen=100, reason="r", opened_on="2026-04-02")
    body = [pay("PX", 100, "2026-04-05"), dispute]
    r = client.post("/api/commands", content=json.dumps(body), headers=m1)
    assert [x["line"] for x in r.json()] == [1, 2]
    assert r.json()[0]["error"]["code"] == "forbidden"
