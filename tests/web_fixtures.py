"""A small ledger for the server's tests: two merchants, a statement each, three users.

C1 belongs to merchant M1 and C2 to M2; March 2026 is issued on both (C1 with an unworked
day, so it has an open ``understaffed_shift`` breach record). Users: ``fin`` (finance),
``aud`` (auditor), ``m1`` (merchant M1), ``m2`` (merchant M2).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from builders import agent_ready, full_month, issue, sign
from conftest import Ledger

ROLES = {"fin": ("finance", None), "aud": ("auditor", None), "m1": ("merchant", "M1"),
         "m2": ("merchant", "M2")}


@dataclass
class Seeded:
    tokens: dict[str, str]  # user name -> token


def seed(ledger: Ledger) -> Seeded:
    m2 = {"id": "M2", "name": "另一家旗舰店", "platform": "jd"}
    ledger.accept(sign("C1"), sign("C2", merchant=m2), *agent_ready("A1"), *agent_ready("A2"),
                  *agent_ready("B1", "C2"), *agent_ready("B2", "C2"))
    c1 = [s for s in full_month(["A1", "A2"], "2026-03-02", "2026-03-31") if s["date"] != "2026-03-03"]
    ledger.accept(*c1, *full_month(["B1", "B2"], "2026-03-02", "2026-03-31", contract_id="C2"))
    ledger.accept(issue("2026-03", "2026-04-01"), issue("2026-03", "2026-04-01", "C2"))
    tokens = {}
    for name, (role, merchant) in ROLES.items():
        extra = ["--merchant", merchant] if merchant else []
        run = ledger.run("users", "add", name, "--role", role, *extra, "--json")
        assert run.code == 0, run
        tokens[name] = run.json()["token"]
    return Seeded(tokens)


def app_for(db: str) -> tuple[Any, io.StringIO]:
    """The application on ``db`` and where its log lines go."""
    from cli.log import configure
    from store.eventstore import open_store
    from web.app import create_app

    log = io.StringIO()
    return create_app(open_store(db), configure(log)), log


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
