"""Users of the server and who submitted each command (issue 17), through the CLI."""

from __future__ import annotations

import getpass
import json

from builders import agent_ready, full_month, issue, pay, sign
from conftest import Ledger

from app.users import all_users
from ledger.users import token_hash
from store.codec import decode_event
from store.eventstore import open_store


def test_users_add_prints_a_token_once_and_the_store_keeps_only_its_hash(ledger: Ledger) -> None:
    run = ledger.run("users", "add", "alice", "--role", "finance", "--json")
    assert run.code == 0, run
    token = run.json()["token"]
    assert token.startswith("lgr_") and len(token) > 40
    (user,) = all_users(open_store(ledger.db))
    assert (user.name, user.role, user.token_sha256) == ("alice", "finance", token_hash(token))
    raw = b"".join(bytes(r[0]) for r in open_store(ledger.db).query(
        "SELECT state FROM ledger_events"))
    assert token.encode() not in raw and token_hash(token).encode() in raw
    listed = ledger.run("users", "list", "--json").json()
    assert listed == [{"name": "alice", "role": "finance", "merchant_id": None, "status": "active"}]
    assert "token" not in ledger.run("users", "list").out.lower()


def test_users_add_refuses_a_taken_name_a_merchant_without_its_id_and_revoke_is_final(
        ledger: Ledger) -> None:
    assert ledger.run("users", "add", "shop", "--role", "merchant", "--merchant", "M1").code == 0
    again = ledger.run("users", "add", "shop", "--role", "auditor", "--json")
    assert again.code == 1 and again.json()["error"]["code"] == "user_exists"
    assert ledger.run("users", "add", "m2", "--role", "merchant").code == 2
    assert ledger.run("users", "add", "bad name", "--role", "finance").code == 2
    assert ledger.run("users", "revoke", "shop", "--reason", "contract over").code == 0
    assert ledger.run("users", "revoke", "shop").code == 1
    assert ledger.run("users", "revoke", "nobody").code == 1
    (user,) = all_users(open_store(ledger.db))
    assert user.revoked


def test_history_explain_and_journal_show_who_submitted(ledger: Ledger) -> None:
    ledger.accept(sign(), *agent_ready("A1"), *agent_ready("A2"))
    run = ledger.submit(*full_month(["A1", "A2"], "2026-03-02", "2026-03-31"))
    assert run.code == 0
    path = ledger.tmp / "issue.jsonl"
    path.write_text(f'{json.dumps(issue("2026-03", "2026-04-01"))}\n'
                    f'{json.dumps(pay("P1", 100, "2026-04-02"))}\n')
    assert ledger.run("submit", str(path), "--as", "carol").code == 0
    history = ledger.run("history", "C1", "--json").json()
    os_user = getpass.getuser()
    assert {h["submitted_by"] for h in history} == {os_user, "carol"}
    assert all("submitted_by" not in h["data"] for h in history)
    assert history[-1]["type"] == "PaymentReceived" and history[-1]["submitted_by"] == "carol"
    explain = ledger.run("explain", "C1", "2026-03", "base", "--json").json()
    by_type = {e["type"]: e["submitted_by"] for e in explain["events"]}
    assert by_type["SettlementIssued"] == "carol" and by_type["ShiftRecorded"] == os_user
    journal = ledger.run("journal", "--json").json()
    assert {t["submitted_by"] for t in journal} == {"carol"}
    assert 'submitted_by: "carol"' in ledger.run("journal", "--format", "beancount").out
    assert ledger.run("journal", "--format", "csv").out.splitlines()[0].endswith(",submitted_by")


def test_an_event_stored_before_submitted_by_existed_decodes_as_unknown() -> None:
    old = (b'{"contract_id":"C1","command_id":"x","recorded_at":"2026-01-01T00:00:00.000000Z",'
           b'"payment_id":"P1","amount_fen":5,"received_on":"2026-01-01","reference":""}')
    event = decode_event("PaymentReceived", old)
    assert event.submitted_by is None and event.amount_fen == 5
