"""``ledger import shifts|service`` and ``ledger reconcile`` end to end, on both stores.

Given the demo's import story (``cli.demo_imports``: C-TMALL-01 with agents
A01-A04 and their Tmall accounts; four more shops with open statements, a
deposit owed and payer names), when the sample files of ``examples/import``
are imported through the command line, then a preview writes nothing, an
applied import goes through the intake (re-importing answers ``duplicate``,
an overlapping export adds only what is new), a row the ledger refuses is
reported with its row number and nothing of it is stored, and a reconciled
bank statement leaves the same balances and late-payment records as the
same payments keyed by hand.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cli.demo_imports import SHIFT_NAMES, TMALL, story

SAMPLES = Path(__file__).resolve().parents[1] / "examples" / "import"
SHIFTS = [arg for name in SHIFT_NAMES for arg in ("--shift", name)]
SETUP = {"sign_contract", "train_agent", "assess_agent", "agent_live", "record_agent_account",
         "record_payer_name"}


def world(ledger: Any, suffix: str = "", only: set[str] | None = None,
          contracts: tuple[str, ...] | None = None) -> None:
    """The story's commands (of those types, for those contracts), in the order entered."""
    commands = [c for _, c in sorted(story(suffix), key=lambda e: e[0])
                if (only is None or c["type"] in only)
                and (contracts is None or c.get("contract_id", c.get("merchant_id", ""))
                     .startswith(contracts))]
    ledger.accept(*({"id": f"w{suffix}-{n:04d}", **c} for n, c in enumerate(commands)))


def shifts_of(ledger: Any, contract: str = TMALL) -> list[tuple[str, str, str]]:
    history = ledger.run("history", contract, "--json")
    assert history.code == 0, history.err
    return sorted((e["data"]["agent_id"], e["data"]["date"], e["data"]["shift"])
                  for e in history.json() if e["type"] == "ShiftRecorded")


def imp(ledger: Any, kind: str, name: str | Path, *extra: str) -> Any:
    path = name if isinstance(name, Path) else SAMPLES / name
    if kind == "reconcile":
        return ledger.run("reconcile", str(path), "--json", *extra)
    return ledger.run("import", kind, str(path), "--contract", TMALL, "--json", *extra)


# ------------------------------------------------------------------ rosters


def test_a_roster_previewed_applied_and_imported_again(ledger: Any) -> None:
    world(ledger, only=SETUP, contracts=(TMALL,))
    before = ledger.stats()
    preview = imp(ledger, "shifts", "roster-long.gb18030.csv", *SHIFTS)
    assert preview.code == 0, preview.err
    body = preview.json()
    assert (body["applied"], body["encoding"], body["header_row"]) == (False, "gb18030", 4)
    assert body["ledger"] == {"accepted": 24, "duplicate": 0, "rejected": 0}
    assert ledger.stats() == before  # a preview writes nothing

    applied = imp(ledger, "shifts", "roster-long.gb18030.csv", *SHIFTS, "--apply")
    assert applied.code == 0, applied.err
    assert applied.json()["ledger"] == {"accepted": 24, "duplicate": 0, "rejected": 0}
    assert ledger.stats()[0] == before[0] + 24
    assert ("A01", "2026-11-05", "early") in shifts_of(ledger)  # the 早班/晚班 day
    assert ("A01", "2026-11-05", "late") in shifts_of(ledger)

    after = ledger.stats()
    looked = imp(ledger, "shifts", "roster-long.gb18030.csv", *SHIFTS)
    assert looked.json()["ledger"] == {"accepted": 0, "duplicate": 24, "rejected": 0}
    again = imp(ledger, "shifts", "roster-long.gb18030.csv", *SHIFTS, "--apply")
    assert again.code == 0
    assert again.json()["ledger"] == {"accepted": 0, "duplicate": 24, "rejected": 0}
    assert {a["status"] for a in again.json()["answers"]} == {"duplicate"}
    assert ledger.stats() == after


def test_an_overlapping_grid_adds_only_the_new_shifts_and_lists_the_unknown_agent(ledger: Any) -> None:
    world(ledger, only=SETUP, contracts=(TMALL,))
    assert imp(ledger, "shifts", "roster-long.gb18030.csv", *SHIFTS, "--apply").code == 0
    grid = imp(ledger, "shifts", "roster-grid.xlsx", "--preset", "roster-grid", *SHIFTS, "--apply")
    assert grid.code == 1  # 新人小周 is not an agent of the contract: listed, not guessed
    body = grid.json()
    assert body["unmapped"] == ["新人小周"]
    assert body["ledger"] == {"accepted": 79, "duplicate": 24, "rejected": 0}
    assert [o["row"] for o in body["outcomes"] if o["status"] == "unmapped"] == [8]
    assert len(shifts_of(ledger)) == 103


def test_a_row_the_ledger_refuses_is_reported_with_its_row_number_and_not_stored(
        ledger: Any, tmp_path: Path) -> None:
    world(ledger, only=SETUP, contracts=(TMALL,))
    roster = tmp_path / "排班.csv"  # UTF-8 with a BOM, a title line, a day before the service
    roster.write_bytes("\ufeff小鹿家居 排班\n日期,工号,班次\n2026-11-01,A01,早班\n"
                       "2026-09-30,A02,晚班\n2026-11-01,A03,晚班\n".encode())
    before = ledger.stats()
    preview = imp(ledger, "shifts", roster, *SHIFTS)
    assert preview.code == 1
    (refused,) = [a for a in preview.json()["answers"] if a["status"] == "rejected"]
    assert (refused["row"], refused["error"]["code"]) == (4, "outside_service_window")
    assert ledger.stats() == before

    applied = imp(ledger, "shifts", roster, *SHIFTS, "--apply")
    assert applied.code == 1
    assert [(a["row"], a["status"]) for a in applied.json()["answers"]] == [
        (3, "accepted"), (4, "rejected"), (5, "accepted")]
    assert shifts_of(ledger) == [("A01", "2026-11-01", "early"), ("A03", "2026-11-01", "late")]
    assert ledger.stats()[0] == before[0] + 2

    text = ledger.run("import", "shifts", str(roster), "--contract", TMALL, *SHIFTS)
    assert text.code == 1
    assert "row     4  command    record_shift A02 2026-09-30 late  -> would be rejected" in text.out
    assert "outside_service_window (date)" in text.out


# ------------------------------------------------------------------ service reports


def test_a_service_report_then_the_unmapped_account_recorded_and_imported_again(ledger: Any) -> None:
    world(ledger, only=SETUP, contracts=(TMALL,))
    first = imp(ledger, "service", "service-chitu.xlsx", "--apply")
    assert first.code == 1  # three rows of an account no agent holds
    body = first.json()
    assert body["unmapped"] == ["小鹿家居旗舰店:新人01"]
    assert body["ledger"] == {"accepted": 22, "duplicate": 0, "rejected": 0}
    history = ledger.run("history", TMALL, "--json").json()
    metrics = {(e["data"]["agent_id"], e["data"]["date"]): e["data"]
               for e in history if e["type"] == "ServiceMetricsRecorded"}
    assert metrics["A03", "2026-11-04"]["avg_first_response_s"] == "21"  # written 00:21
    sales = {(e["data"]["agent_id"], e["data"]["date"]): e["data"]["sales_fen"]
             for e in history if e["type"] == "SalesRecorded"}
    assert sales["A02", "2026-11-05"] == 156075  # 1560.75 yuan, exactly

    ledger.accept(
        {"type": "train_agent", "id": "t5", "contract_id": TMALL, "agent_id": "A05", "name": "周新",
         "completed_on": "2026-11-01", "topics": []},
        {"type": "assess_agent", "id": "a5", "contract_id": TMALL, "agent_id": "A05",
         "on": "2026-11-02", "passed": True, "score": 88},
        {"type": "agent_live", "id": "l5", "contract_id": TMALL, "agent_id": "A05", "from": "2026-11-03"},
        {"type": "record_agent_account", "id": "c5", "contract_id": TMALL, "agent_id": "A05",
         "platform": "tmall", "account": "小鹿家居旗舰店:新人01", "on": "2026-11-03"})
    second = imp(ledger, "service", "service-chitu.xlsx", "--apply")
    assert second.code == 0, second.out
    assert second.json()["ledger"] == {"accepted": 6, "duplicate": 22, "rejected": 0}


# ------------------------------------------------------------------ bank statements


def _comparable(ledger: Any, twin: bool) -> tuple[list[Any], list[Any]]:
    """Balances and late-payment records of the story's shops, or of their twins."""
    def mine(contract: str) -> bool:
        return contract.startswith("C-") and contract.endswith("-H") == twin

    balances = sorted((b["contract_id"].removesuffix("-H"), b["receivable_fen"], b["credit_fen"],
                       b["deposit_held_fen"]) for b in ledger.run("balance", "--json").json()
                      if mine(b["contract_id"]))
    breaches = sorted((r["contract_id"].removesuffix("-H"), r["rule"], r["period"], r["on"],
                       r["amount_fen"], r["status"])
                      for r in ledger.run("breaches", "--on", "2026-12-31", "--json").json()
                      if mine(r["contract_id"]) and r["rule"] in ("late_payment", "deposit_late"))
    return balances, breaches


def test_reconciled_payments_equal_the_same_payments_keyed_by_hand(ledger: Any) -> None:
    world(ledger)
    world(ledger, "-H")  # a twin of every shop, without payer names
    first = imp(ledger, "reconcile", "bank-cmb-corporate.csv", "--preset", "cmb-corporate", "--apply")
    assert first.code == 1  # an unknown payer, an amount that fits nothing, an ambiguous credit
    body = first.json()
    assert [(o["row"], o["status"], o.get("rule") or o.get("reason")) for o in body["outcomes"]] == [
        (6, "skipped", "already_recorded"), (7, "command", "statement_in_remark"),
        (8, "skipped", "debit"), (9, "command", "payer_amount"), (10, "command", "payer_deposit"),
        (11, "ambiguous", "several_items_of_this_amount"), (12, "command", "payer_oldest"),
        (13, "unmatched", "unknown_payer"), (14, "unmatched", "no_fit"),
        (15, "skipped", "summary_row")]
    assert body["ledger"] == {"accepted": 4, "duplicate": 0, "rejected": 0}
    ambiguous = next(o for o in body["outcomes"] if o["status"] == "ambiguous")
    assert ambiguous["statements"] == ["C-DY-03-2026-09", "C-DY-03-2026-10"]
    oldest = next(o for o in body["outcomes"] if o.get("rule") == "payer_oldest")
    assert oldest["statements"] == ["C-TB-05-2026-09", "C-TB-05-2026-10"]

    # The same four transfers keyed by hand for the twins, in the same order.
    made = [c for o in body["outcomes"] for c in o.get("commands", [])]
    assert [c["type"] for c in made] == ["record_payment", "record_payment", "record_deposit",
                                         "record_payment"]
    ledger.accept(*({**c, "id": f"hand-{n}", "contract_id": c["contract_id"] + "-H"}
                    for n, c in enumerate(made)))
    imported, by_hand = _comparable(ledger, twin=False), _comparable(ledger, twin=True)
    assert imported == by_hand
    balances, breaches = imported
    assert ("C-TB-05", "late_payment", "2026-09", "2026-10-09", 20352, "remedied") in breaches
    assert ("C-JD-02", 0, 0, 0) in balances and ("C-PDD-04", 0, 0, 1_000_000) in balances

    after = ledger.stats()
    again = imp(ledger, "reconcile", "bank-cmb-corporate.csv", "--preset", "cmb-corporate", "--apply")
    reasons = [o.get("reason") for o in again.json()["outcomes"]]
    assert reasons.count("already_recorded") == 5
    assert again.json()["ledger"] == {"accepted": 0, "duplicate": 0, "rejected": 0}
    assert ledger.stats() == after


# ------------------------------------------------------------------ usage: exit 2, nothing read


@pytest.mark.parametrize(("args", "says"), [
    (["import", "shifts", "nowhere.csv", "--contract", TMALL], "cannot read the file"),
    (["import", "shifts", str(SAMPLES / "roster-long.gb18030.csv"), "--contract", "C-NONE"],
     "contract C-NONE is not known"),
    (["import", "shifts", str(SAMPLES / "roster-long.gb18030.csv"), "--contract", TMALL,
      "--preset", "chitu"], "a service mapping cannot import shifts"),
    (["import", "shifts", str(SAMPLES / "roster-long.gb18030.csv"), "--contract", TMALL,
      "--preset", "nope"], "unknown preset 'nope'"),
    (["import", "shifts", str(SAMPLES / "roster-long.gb18030.csv"), "--contract", TMALL,
      "--encoding", "utf-8"], "not valid utf-8"),
    (["import", "service", str(SAMPLES / "service-chitu.xlsx"), "--contract", TMALL,
      "--date", "2026-11-31"], "not a date"),
    (["import", "shifts", str(SAMPLES / "roster-long.gb18030.csv"), "--contract", TMALL,
      "--shift", "早班"], "expected NAME=CODE"),
    (["import", "shifts", str(SAMPLES / "roster-grid.xlsx"), "--contract", TMALL,
      "--preset", "roster-grid", "--month", "2026-13"], "--month '2026-13'"),
    (["reconcile", str(SAMPLES / "roster-grid.xlsx")], "header"),
])
def test_bad_usage_exits_2_with_the_remedy(sqlite_ledger: Any, args: list[str], says: str) -> None:
    world(sqlite_ledger, only=SETUP, contracts=(TMALL,))
    before = sqlite_ledger.stats()
    run = sqlite_ledger.run(*args)
    assert run.code == 2, (run.out, run.err)
    assert says in run.err and "Traceback" not in run.err
    assert sqlite_ledger.stats() == before


def test_a_mapping_file_names_the_columns_of_another_bank(sqlite_ledger: Any, tmp_path: Path) -> None:
    world(sqlite_ledger, only={*SETUP, "record_shift", "issue_settlement", "record_payment"},
          contracts=("C-JD-02", "M-JD-02"))
    mapping = tmp_path / "ccb.toml"
    mapping.write_text('kind = "bank"\npreset = "generic-bank"\n[columns]\n'
                       'txn_id = ["账户明细编号-交易流水号"]\ndate = ["记账日期"]\n'
                       'credit = ["贷方发生额/元"]\ndebit = ["借方发生额/元"]\npayer = ["对方户名"]\n',
                       encoding="utf-8")
    statement = tmp_path / "ccb.csv"
    statement.write_bytes("中国建设银行 账户明细\n记账日期,账户明细编号-交易流水号,借方发生额/元,"
                          "贷方发生额/元,对方户名,摘要\n2026-11-05,CCB-1,,\"￥15,900.00\","
                          "北京暖居科技有限公司,货款\n".encode("gbk"))
    run = sqlite_ledger.run("reconcile", str(statement), "--mapping", str(mapping), "--json",
                            "--apply")
    assert run.code == 0, run.out
    body = run.json()
    assert body["encoding"] == "gb18030"
    ((command,),) = [o["commands"] for o in body["outcomes"] if o.get("commands")]
    assert (command["contract_id"], command["amount_fen"], command["payment_id"]) == (
        "C-JD-02", 1_590_000, "CCB-1")
    bad = tmp_path / "bad.toml"
    bad.write_text('kind = "bank"\n[columns]\namout = ["金额"]\n', encoding="utf-8")
    refused = sqlite_ledger.run("reconcile", str(statement), "--mapping", str(bad))
    assert refused.code == 2 and "unknown field" in refused.err
