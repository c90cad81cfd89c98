"""The console in a real browser (Playwright driving Debian's chromium) against ``ledger serve``.

A finance user signs in, opens a statement, drills into a line, resolves a breach, records a
payment and sees the balance change; a merchant user signs in and cannot reach another
merchant's statement by editing the URL. ``LEDGER_SCREENSHOTS=DIR`` keeps a screenshot of
each main page there (docs/CONSOLE.md shows them).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import UNDER_CI, Ledger
from web_fixtures import seed

CHROMIUM = os.environ.get("LEDGER_CHROMIUM", "/usr/bin/chromium")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(db: str, port: int, log: Path, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    """``ledger serve`` on 127.0.0.1:port, once it answers; its log lines go to ``log``."""
    with log.open("ab") as err:
        proc = subprocess.Popen([sys.executable, "-m", "cli", "--db", db, "serve", "--port", str(port)],
                                stdout=subprocess.DEVNULL, stderr=err,
                                env={**os.environ, "LEDGER_LOG_LEVEL": "warning", **(env or {})})
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/schema", timeout=1)
            return proc
        except httpx.TransportError:
            if proc.poll() is not None:
                raise RuntimeError(f"ledger serve exited: {log.read_text()[-2000:]}") from None
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("ledger serve did not answer within 30 s")


@pytest.fixture
def server(sqlite_ledger: Ledger) -> Iterator[tuple[str, dict[str, str]]]:
    seeded = seed(sqlite_ledger)
    port = free_port()
    proc = serve(sqlite_ledger.db, port, sqlite_ledger.tmp / "serve.log")
    try:
        yield f"http://127.0.0.1:{port}", seeded.tokens
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.fixture
def browser() -> Iterator[Any]:
    if not shutil.which(CHROMIUM):
        if UNDER_CI:
            pytest.fail(f"{CHROMIUM} is missing; CI installs Debian's chromium")
        pytest.skip(f"no browser at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


def shot(page: Any, name: str) -> None:
    folder = os.environ.get("LEDGER_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"))


def sign_in(browser: Any, base: str, token: str) -> Any:
    page = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN").new_page()
    page.goto(f"{base}/console/statements")  # signed out: sent to sign in
    assert page.url == f"{base}/console/login"
    shot(page, "login")
    page.fill("input[name=token]", token)
    page.click("button[type=submit]")
    assert page.url == f"{base}/console"
    return page


def receivable(page: Any, contract: str) -> str:
    return str(page.inner_text(f"#contracts tr[data-contract='{contract}'] td.receivable"))


def test_finance_drills_into_a_statement_resolves_a_breach_and_records_a_payment(
        server: tuple[str, dict[str, str]], browser: Any) -> None:
    base, tokens = server
    page = sign_in(browser, base, tokens["fin"])
    shot(page, "receivables")
    before = receivable(page, "C1")
    cookie = next(c for c in page.context.cookies() if c["name"] == "ledger_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"

    page.click("nav >> text=对账单")
    page.click("text=C1-2026-03")
    assert page.url == f"{base}/console/statements/C1/2026-03"
    shot(page, "statement")
    page.click("#lines a.line >> text=base")
    assert "/lines/base" in page.url
    assert page.locator("#events tr").count() > 20  # the shifts behind the base line
    assert "ShiftRecorded" in page.inner_text("#events")
    shot(page, "line-events")

    page.goto(f"{base}/console/breaches?on=2026-04-15")
    row = page.locator("tr[data-breach='C1/understaffed_shift/2026-03-03/day']")
    assert row.locator("td.status").inner_text() == "open"
    shot(page, "breaches")
    row.locator("button[type=submit]").click()
    assert "已受理" in page.inner_text("h1")
    page.goto(f"{base}/console/breaches?on=2026-04-15")
    status = page.locator("tr[data-breach='C1/understaffed_shift/2026-03-03/day'] td.status")
    assert status.inner_text() == "remedied"

    page.click("nav >> text=登记收款")
    page.select_option("select[name=contract_id]", "C1")
    page.fill("input[name=amount]", "1000.50")
    page.fill("input[name=reference]", "BANK-20260405-1")
    shot(page, "payment")
    page.click("button[type=submit] >> text=登记")
    assert "已受理" in page.inner_text("h1")
    page.click("nav >> text=应收账款")
    after = receivable(page, "C1")
    assert after != before
    to_fen = lambda s: int(s.replace(",", "").replace(".", ""))  # noqa: E731
    assert to_fen(before) - to_fen(after) == 100050

    page.goto(f"{base}/console/audit?verify=true")
    assert page.locator("#verified").count() == 1
    shot(page, "audit")


def test_a_merchant_cannot_reach_another_merchants_statement_by_editing_the_url(
        server: tuple[str, dict[str, str]], browser: Any) -> None:
    base, tokens = server
    page = sign_in(browser, base, tokens["m1"])
    assert "C2" not in page.inner_text("#contracts")
    nav = page.inner_text("nav")
    assert "登记收款" not in nav and "审计" not in nav
    own = page.goto(f"{base}/console/statements/C1/2026-03")
    assert own is not None and own.status == 200
    shot(page, "merchant-statement")
    other = page.goto(f"{base}/console/statements/C2/2026-03")
    assert other is not None and other.status == 404
    assert "未找到" in page.inner_text("h1")
    for path in ("/console/statements/C2/2026-03/lines/base", "/api/documents/C2/2026-03",
                 "/api/statements/C2/2026-03", "/console/statements?contract=C2"):
        response = page.goto(base + path)
        assert response is not None and response.status == 404, path
    denied = page.goto(f"{base}/console/payments")
    assert denied is not None and denied.status == 403
