"""Consultation through the ``ledger`` program, on both stores (SPEC §12).

Given the hand-worked profile of ``tests/unit/quote_profiles.small`` (Mon-Fri,
``day`` 08-12 with 3 agents and ``eve`` 12-20 with 1; 36 726.19 yuan a month
base + commission), quoted as Q1 for merchant M1 on 2026-02-10 (valid 30 days).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from builders import agent_ready, cmd, issue, issue_quote, shift, sign
from conftest import Ledger
from unit.quote_profiles import small

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "quote"


def profile_file(tmp: Path, body: dict[str, Any] | None = None, name: str = "p.json") -> str:
    path = tmp / name
    path.write_text(json.dumps(body if body is not None else small(), ensure_ascii=False), encoding="utf-8")
    return str(path)


def printed(ledger: Ledger, *args: str) -> Any:
    run = ledger.run(*args)
    assert run.code == 0, run
    return run.json()


# ------------------------------------------------------------------ issue_quote and sign_contract


def test_a_quote_is_issued_listed_shown_and_signed_from(ledger: Ledger, tmp_path: Path) -> None:
    # given the profile quoted without recording, then issued
    unrecorded = printed(ledger, "quote", profile_file(tmp_path), "--json")
    command = issue_quote(small())
    ledger.accept(command)
    # then a replay is a duplicate and the same quote id is refused
    assert ledger.submit(command).lines()[0]["status"] == "duplicate"
    assert ledger.reject(issue_quote(small(aht_s=300))) == {
        "code": "quote_exists", "message": "quote Q1 exists already", "field": "quote_id"}
    # and `quote show` prints what was stored: the same result `ledger quote` printed
    shown = printed(ledger, "quote", "show", "Q1", "--json")
    assert shown["result"] == unrecorded
    assert (shown["merchant"]["id"], shown["issued_on"], shown["valid_until"]) == (
        "M1", "2026-02-10", "2026-03-12")
    assert (unrecorded["monthly_estimate_fen"], unrecorded["fixed_fee_fen"]) == (3672619, 2389881)
    # when a contract is signed with each of the proposed terms, as printed
    for n, model in enumerate(("base_plus_commission", "fixed_fee"), start=1):
        ledger.accept(sign(f"C{n}", unrecorded["terms_proposed"][model], quote_id="Q1"))
    # then the quote lists the contracts signed from it
    (row,) = printed(ledger, "quotes", "--json")
    assert (row["quote_id"], row["contracts"], row["monthly_agent_shifts"]) == ("Q1", ["C1", "C2"], "86.9048")
    assert printed(ledger, "history", "C1", "--json")[0]["data"]["quote_id"] == "Q1"


@pytest.mark.parametrize(("over", "code", "field"), [
    ({"quote_id": "Q9"}, "unknown_quote", "quote_id"),
    ({"quote_id": "Q1", "merchant": {"id": "M2", "name": "别家店", "platform": "jd"}}, "quote_mismatch",
     "quote_id"),
    ({"quote_id": "Q1", "signed_on": "2026-03-13", "service_start": "2026-03-16"}, "quote_expired",
     "signed_on"),
])
def test_sign_contract_from_a_quote_is_refused(ledger: Ledger, over: dict[str, Any], code: str,
                                               field: str) -> None:
    ledger.accept(issue_quote(small()))
    before = ledger.stats()
    error = ledger.reject(sign("C1", **over))
    assert (error["code"], error["field"]) == (code, field)
    assert ledger.stats() == before  # nothing written
    # the last valid day is accepted
    ledger.accept(sign("C1", quote_id="Q1", signed_on="2026-03-12", service_start="2026-03-16"))


def test_a_bad_profile_in_issue_quote_names_the_path_in_the_command(ledger: Ledger) -> None:
    body = small(shifts=[{"code": "a", "start": "08:00", "end": "12:00"},
                         {"code": "b", "start": "11:00", "end": "13:00"}])
    error = ledger.reject(issue_quote(body))
    assert (error["code"], error["field"]) == ("invalid_value", "profile.shifts[1]")


# ------------------------------------------------------------------ compare


def test_compare_sets_the_contract_beside_its_quote(ledger: Ledger, tmp_path: Path) -> None:
    # given C1 signed from Q1 with its proposed terms: Mon-Fri, day 3 + eve 1 = 4 agent-shifts a day
    proposed = printed(ledger, "quote", profile_file(tmp_path), "--json")["terms_proposed"]
    terms = proposed["base_plus_commission"]
    ledger.accept(issue_quote(small()), sign("C1", terms, quote_id="Q1"),
                  *agent_ready("a1"), *agent_ready("a2"), *agent_ready("a3"),
                  # Monday 03-02: the whole plan worked; Tuesday 03-03: one day shift
                  shift("a1", "2026-03-02"), shift("a2", "2026-03-02"), shift("a3", "2026-03-02"),
                  shift("a1", "2026-03-02", "eve"), shift("a1", "2026-03-03"),
                  cmd("record_service_metrics", agent_id="a1", date="2026-03-02", sessions=30,
                      avg_first_response_s=12),
                  cmd("record_service_metrics", agent_id="a2", date="2026-03-03", sessions=10,
                      avg_first_response_s=15))
    # when compared on 03-07: Monday to Friday 03-02..03-06 are counted
    data = printed(ledger, "quote", "compare", "C1", "--on", "2026-03-07", "--json")
    (row,) = data["periods"]
    # then 5 days x 4 agent-shifts quoted and planned, 5 worked; the forecast is Monday's
    # 15 + 15 + 2 and Tuesday's 15; the quoted price is 3 672 619 x 5 / 31 = 592 357.9 -> 592 358
    assert (row["period"], row["first"], row["last"], row["days"]) == (
        "2026-03", "2026-03-02", "2026-03-06", 5)
    assert (row["quoted_agent_shifts"], row["planned_agent_shifts"], row["worked_agent_shifts"]) == (
        20, 20, 5)
    assert (row["forecast_inquiries"], row["sessions"], row["quoted_fen"]) == ("47.0000", 40, 592358)
    assert (row["statement_no"], row["billed_subtotal_fen"]) == (None, None)
    assert (data["quote_id"], data["model"], data["quoted_monthly_fen"]) == (
        "Q1", "base_plus_commission", 3672619)
    # when March is issued and compared after it: 22 weekdays from 03-02, the statement's subtotal
    ledger.accept(issue("2026-03", "2026-04-01"))
    (row,) = printed(ledger, "quote", "compare", "C1", "--on", "2026-04-01", "--period", "2026-03",
                     "--json")["periods"]
    assert (row["days"], row["quoted_agent_shifts"], row["planned_agent_shifts"]) == (30, 88, 88)
    statement = ledger.statement("C1", "2026-03")
    assert (row["statement_no"], row["billed_subtotal_fen"]) == ("C1-2026-03", statement["subtotal_fen"])
    # and the table prints too
    assert "Quoted, planned and worked" in ledger.run("quote", "compare", "C1", "--on", "2026-04-01").out


def test_compare_needs_a_contract_signed_from_a_quote(ledger: Ledger) -> None:
    ledger.accept(sign("C1"))
    for argv in (["quote", "compare", "C1"], ["quote", "compare", "C9"], ["quote", "show", "Q9"]):
        run = ledger.run(*argv)
        assert run.code == 2 and run.err.startswith("ledger: ") and "Traceback" not in run.err, run


# ------------------------------------------------------------------ the calendar


def test_calendar_check_warns_about_holidays_and_make_up_workdays(ledger: Ledger) -> None:
    # given a Monday-to-Friday contract over September and October 2026, 10-01 a special day
    terms = {"settlement_cycle": "monthly", "payment_due_days": 10, "tax_rate": "0.06",
             "pricing": {"model": "base_plus_commission", "shift_rate_fen": 20000, "commission_rate": "0.01"},
             "staffing": {"weekdays": [1, 2, 3, 4, 5],
                          "shifts": [{"code": "day", "start": "09:00", "end": "18:00", "agents": 2}],
                          "special_days": [{"date": "2026-10-01", "kind": "holiday", "agents": {"day": 1}}]},
             "kpi": {"min_qa_score": 85, "max_first_response_s": 30},
             "penalties": {"qa_failure_fen": 0, "qa_cap_rate": "0.1", "qa_breach_failures": 3,
                           "understaffing_fen": 0, "late_fee_daily_rate": "0"}}
    ledger.accept(sign("C1", terms, signed_on="2026-08-20", service_start="2026-09-01",
                       term_end="2026-10-31"))
    # when checked (accepting the contract was never in doubt: warnings are not errors)
    rows = printed(ledger, "calendar", "check", "C1", "--json")
    # then 中秋 Friday 09-25 and 国庆 on weekdays but 10-01 are worked without a special day, and the
    # make-up Sunday 09-20 and Saturday 10-10 are rested
    assert [(r["code"], r["date"]) for r in rows] == [
        ("rests_on_makeup_workday", "2026-09-20"), ("works_on_holiday", "2026-09-25"),
        ("works_on_holiday", "2026-10-02"), ("works_on_holiday", "2026-10-05"),
        ("works_on_holiday", "2026-10-06"), ("works_on_holiday", "2026-10-07"),
        ("rests_on_makeup_workday", "2026-10-10")]
    assert ledger.run("calendar", "check").code == 0


def test_calendar_year_lists_ready_special_days_without_a_store(sqlite_ledger: Ledger) -> None:
    data = printed(sqlite_ledger, "calendar", "2026", "--platform", "jd", "--json")
    national = [d for d in data["special_days"] if d["label"] == "国庆节"]
    assert [d["date"] for d in national] == [f"2026-10-0{n}" for n in range(1, 8)]
    assert national[0] == {"date": "2026-10-01", "kind": "holiday", "agents": {}, "label": "国庆节",
                           "multiplier": "1"}
    assert {(m["date"], m["label"]) for m in data["makeup_workdays"]} >= {
        ("2026-09-20", "国庆节"), ("2026-10-10", "国庆节")}
    assert {"618", "双11", "双12", "年货节", "38节", "99大促"} <= {d["label"] for d in data["special_days"]}
    assert "国庆节" in sqlite_ledger.run("calendar", "2026").out
    # a year the package does not cover is refused, with the years it covers
    run = sqlite_ledger.run("calendar", "2031", "--json")
    assert run.code == 1 and run.json()["code"] == "calendar_unknown_year"
    assert "2004 to 2026" in run.err
    assert sqlite_ledger.run("calendar", "next-year").code == 2
    assert not os.path.exists(sqlite_ledger.db)  # listing a year opens no store


# ------------------------------------------------------------------ ledger quote PROFILE.json


def test_quote_from_a_file_prints_tables_json_and_documents(sqlite_ledger: Ledger, tmp_path: Path) -> None:
    path = profile_file(tmp_path)
    table = sqlite_ledger.run("quote", path)
    assert table.code == 0 and "36,726.19" in table.out and "day 5, eve 1" in table.out
    html = tmp_path / "q.html"
    run = sqlite_ledger.run("quote", path, "--format", "html", "--output", str(html))
    assert run.code == 0 and run.out.strip() == str(html)
    page = html.read_text(encoding="utf-8")
    assert "<svg" in page and "客服托管报价单" in page and "DRAFT" in page
    pdf = tmp_path / "q.pdf"
    assert sqlite_ledger.run("quote", path, "--format", "pdf", "--output", str(pdf)).code == 0
    assert pdf.read_bytes().startswith(b"%PDF")
    assert not os.path.exists(sqlite_ledger.db)  # computing a quote opens no store


def test_a_recorded_quote_as_a_document(ledger: Ledger, tmp_path: Path) -> None:
    ledger.accept(issue_quote(small()))
    out = tmp_path / "Q1.html"
    assert ledger.run("quote", "show", "Q1", "--format", "html", "--output", str(out)).code == 0
    page = out.read_text(encoding="utf-8")
    assert "ISSUED" in page and "测试旗舰店" in page and "2026-03-12" in page


@pytest.mark.parametrize(("body", "code", "field"), [
    (small(history=[{"date": "2026-03-02", "hour": 9, "inquiries": 1}] * 2), "invalid_value", "history[1]"),
    (small(concurrency=0), "out_of_range", "concurrency"),
    ({**small(), "tip": 1}, "unknown_field", "tip"),
])
def test_a_bad_profile_exits_1_with_its_code_and_field(sqlite_ledger: Ledger, tmp_path: Path,
                                                       body: dict[str, Any], code: str, field: str) -> None:
    run = sqlite_ledger.run("quote", profile_file(tmp_path, body), "--json")
    assert run.code == 1 and "Traceback" not in run.err
    assert (run.json()["code"], run.json()["field"]) == (code, field)
    assert f"{code} at {field}" in run.err


@pytest.mark.parametrize("argv", [
    ["quote", "missing.json"],
    ["quote", "p.json", "other.json"],
    ["quote", "show"],
    ["quote", "profile"],
    ["quote", "p.json", "--json", "--format", "html"],
    ["quote", "p.json", "--output", "x.json"],
])
def test_quote_usage_errors_exit_2(sqlite_ledger: Ledger, tmp_path: Path, argv: list[str]) -> None:
    profile_file(tmp_path)
    run = sqlite_ledger.run(*[str(tmp_path / a) if a.endswith(".json") and a != "x.json" else a
                              for a in argv])
    assert run.code == 2, run
    assert "Traceback" not in run.err


# ------------------------------------------------------------------ a profile from the hourly report


def test_a_profile_drafted_from_the_example_report_is_the_demos_before_editing(sqlite_ledger: Ledger,
                                                                               tmp_path: Path) -> None:
    out = tmp_path / "profile.json"
    run = sqlite_ledger.run("quote", "profile", "--from", str(EXAMPLES / "yiyi-hourly.csv"), "--platform",
                            "taobao", "--start", "2026-09-01", "--months", "4", "--output", str(out))
    assert run.code == 0, run
    assert "56 days" in run.err and "summary_row" in run.err  # the 汇总 row is skipped, and said so
    drafted = json.loads(out.read_text(encoding="utf-8"))
    example = json.loads((EXAMPLES / "yiyi-profile.json").read_text(encoding="utf-8"))
    # the provider's edits (cli/demo_quote.py) are the only differences
    for day in example["special_days"]:
        day.pop("like", None)
    example["monthly_sales_fen"], example["terms"]["deposit_fen"] = 0, 0
    assert drafted == example
    # it quotes as it is
    assert sqlite_ledger.run("quote", str(out), "--json").code == 0
    assert not os.path.exists(sqlite_ledger.db)


def test_a_report_with_unreadable_rows_writes_no_profile(sqlite_ledger: Ledger, tmp_path: Path) -> None:
    report = tmp_path / "hourly.csv"
    report.write_text("日期," + ",".join(map(str, range(24))) + "\n2026-03-02," + ",".join(["1"] * 23)
                      + ",x\n", encoding="utf-8")
    out = tmp_path / "profile.json"
    run = sqlite_ledger.run("quote", "profile", "--from", str(report), "--output", str(out))
    assert run.code == 1 and "row 2 (23): error" in run.err and not out.exists()
    assert sqlite_ledger.run("quote", "profile", "--from", str(tmp_path / "none.csv")).code == 2
