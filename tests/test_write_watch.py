"""A PostgreSQL server hears the store's writes (store.notices): the sign-in check asks the
database whether users changed only after a write, a user added or revoked by another process
is seen on the next request, and a lost listening connection falls back to asking every time,
then listens again."""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import psycopg
import pytest
from conftest import Ledger
from litestar.testing import TestClient
from web_fixtures import app_for, bearer, seed

from store import notices

pytestmark = pytest.mark.postgres


def until(cond: Callable[[], bool], seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not cond():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


@dataclass
class Served:
    ledger: Ledger
    client: TestClient[Any]
    ctx: Any  # web.context.Context
    tokens: dict[str, str]
    log: io.StringIO


@pytest.fixture
def served(pg_url: str, tmp_path: Any) -> Iterator[Served]:
    """The seeded ledger on PostgreSQL, served, its write watch listening. A test changes
    ``notices`` settings before asking for it."""
    ledger = Ledger(pg_url, tmp_path)
    tokens = seed(ledger).tokens
    app, log = app_for(ledger.db)
    ctx = app.state["ctx"]
    with TestClient(app) as client:
        until(lambda: ctx.users.watch.listening)
        yield Served(ledger, client, ctx, tokens, log)


@pytest.fixture
def quiet_trusted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(notices, "MAX_QUIET", 60.0)


@pytest.fixture
def quick_retry(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(notices, "RETRY", 0.05)


def test_the_sign_in_check_asks_only_after_a_write(
        quiet_trusted: None, served: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    ctx, client = served.ctx, served.client
    asked: list[str] = []
    mark = ctx.store.last_position_of_prefix
    monkeypatch.setattr(ctx.store, "last_position_of_prefix", lambda p: asked.append(p) or mark(p))
    for _ in range(20):
        assert client.get("/api/me", headers=bearer(served.tokens["fin"])).status_code == 200
    assert len(asked) <= 1  # the first request after listening began, then none
    asked.clear()
    run = served.ledger.run("users", "add", "zoe", "--role", "auditor", "--json")
    assert run.code == 0, run
    until(lambda: ctx.users.watch._heard)
    zoe = bearer(run.json()["token"])
    assert client.get("/api/me", headers=zoe).json()["name"] == "zoe"
    assert served.ledger.run("users", "revoke", "zoe").code == 0
    until(lambda: ctx.users.watch._heard)
    assert client.get("/api/me", headers=zoe).status_code == 401
    assert len(asked) == 2


def test_a_lost_listener_falls_back_to_asking_and_listens_again(
        quick_retry: None, served: Served) -> None:
    ctx, client = served.ctx, served.client
    with psycopg.connect(served.ledger.db, autocommit=True) as admin:
        killed = admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                               "WHERE datname = current_database() AND query LIKE 'LISTEN%'").fetchall()
    assert killed == [(True,)]
    until(lambda: not ctx.users.watch.listening)
    assert served.ledger.run("users", "revoke", "aud").code == 0
    assert client.get("/api/me", headers=bearer(served.tokens["aud"])).status_code == 401
    until(lambda: ctx.users.watch.listening)
    assert client.get("/api/me", headers=bearer(served.tokens["fin"])).status_code == 200
    assert "write_watch_lost" in served.log.getvalue()
    assert served.ledger.db not in served.log.getvalue()
