"""How fast files come in (issue #16): a year of a roster, a service report and bank statements.

    .venv/bin/python bench/imports.py                     # both stores, full size
    .venv/bin/python bench/imports.py --stores sqlite     # SQLite only
    .venv/bin/python bench/imports.py --smoke             # seconds: 3 agents, a month, 5 contracts

For each store, on a fresh database (a temporary SQLite file, or a PostgreSQL
database created through ``--pg-admin`` and dropped afterwards):

1. The books (not timed): one base + commission contract with ``--agents``
   agents (A001 …) live all year, each with a platform account; ``--contracts``
   fixed-fee postpaid contracts (100 by default) with payer names.
2. Rosters and service reports of the year for the first contract: a long
   roster in GB18030 CSV (one row per agent and worked day: ``--agents`` − 2
   a day, early and late) and a Chitu-style XLSX report (one row per agent
   and worked day: sessions, first response in seconds or ``mm:ss``, sales,
   orders). ``ledger import shifts`` and ``ledger import service`` run as
   subprocesses, as a clerk runs them: the preview, ``--apply``, and the same
   file again (every command ``duplicate``).
3. A year of bank statements: each month the previous month's statements are
   issued (not timed), then that month's CMB-style export is reconciled
   (preview, then ``--apply``): a credit per contract paying its statement by
   the statement number in the remark, by the payer's name and exact amount,
   or two months at once (the oldest statements), plus bank fees (debits) and
   transfers from unknown payers. Twelve files, timed in total.

Wall times include Python's start-up, reading the file, the importer, the
intake and the read-model catch-up (``--apply``). Prints a Markdown table and
writes ``--out`` (JSON). docs/BENCHMARKS.md ("Importing files") holds the numbers.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import io
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import psycopg

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PG_ADMIN = os.environ.get("LEDGER_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
YEAR = 2026
MAIN = "C-ROSTER"


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def _terms(fixed: bool, shifts: dict[str, int]) -> dict[str, Any]:
    pricing: dict[str, Any] = (
        {"model": "fixed_fee", "monthly_fee_fen": 0, "billing": "postpaid",
         "extra_shift_fen": 30000, "deposit_fen": 0} if fixed else
        {"model": "base_plus_commission", "shift_rate_fen": 25000, "commission_rate": "0.01",
         "deposit_fen": 0})
    return {"settlement_cycle": "monthly", "payment_due_days": 7, "tax_rate": "0.06",
            "pricing": pricing,
            "staffing": {"weekdays": [1, 2, 3, 4, 5, 6, 7], "special_days": [],
                         "shifts": [{"code": c, "start": "08:00" if c == "early" else "16:00",
                                     "end": "16:00" if c == "early" else "24:00", "agents": n}
                                    for c, n in shifts.items()]},
            "kpi": {"min_qa_score": 85, "max_first_response_s": 30},
            "penalties": {"qa_failure_fen": 20000, "qa_cap_rate": "0.10", "qa_breach_failures": 3,
                          "understaffing_fen": 0, "late_fee_daily_rate": "0.0005"}}


class World:
    """The generated books and files of one run."""

    def __init__(self, agents: int, contracts: int, last: dt.date) -> None:
        self.agents = [f"A{n:03d}" for n in range(1, agents + 1)]
        self.contracts = [f"C-{n:03d}" for n in range(1, contracts + 1)]
        self.first, self.last = dt.date(YEAR, 1, 1), last
        self.per_shift = (agents - 2) // 2

    def account(self, agent: str) -> str:
        return f"荣耀旗舰店:{agent}"

    def fee(self, n: int) -> int:
        return 1_000_000 + 12_345 * n  # distinct per contract: a payer's amount is its own

    def books(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []

        def add(type_: str, **fields: Any) -> None:
            out.append({"type": type_, "id": f"bench-{len(out):06d}", **fields})

        add("sign_contract", contract_id=MAIN, signed_on="2025-12-01", service_start=str(self.first),
            merchant={"id": "M-ROSTER", "name": "荣耀旗舰店", "platform": "tmall"},
            terms=_terms(False, {"early": self.per_shift, "late": self.per_shift}))
        for agent in self.agents:
            add("train_agent", contract_id=MAIN, agent_id=agent, name=f"客服{agent}",
                completed_on="2025-12-20", topics=[])
            add("assess_agent", contract_id=MAIN, agent_id=agent, on="2025-12-21", passed=True,
                score=90)
            add("agent_live", contract_id=MAIN, agent_id=agent, **{"from": str(self.first)})
            add("record_agent_account", contract_id=MAIN, agent_id=agent, platform="tmall",
                account=self.account(agent), on=str(self.first))
        for n, cid in enumerate(self.contracts):
            terms = _terms(True, {"early": 1})
            terms["pricing"]["monthly_fee_fen"] = self.fee(n)
            add("sign_contract", contract_id=cid, signed_on="2025-12-01", service_start=str(self.first),
                merchant={"id": f"M-{cid}", "name": f"店铺{n:03d}", "platform": "taobao"}, terms=terms)
            add("record_payer_name", merchant_id=f"M-{cid}", payer_name=f"付款公司{n:03d}有限公司")
        return out

    def rota(self) -> Iterator[tuple[dt.date, str, str]]:
        """(day, agent, shift): two agents rest each day, in turn."""
        k = len(self.agents)
        for i, day in enumerate(_days(self.first, self.last)):
            working = [self.agents[(i * 2 + j) % k] for j in range(2 * self.per_shift)]
            for j, agent in enumerate(working):
                yield day, agent, "早班" if j < self.per_shift else "晚班"

    def roster_csv(self) -> bytes:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerows([[f"荣耀旗舰店 客服排班表 {YEAR}"], ["日期", "工号", "姓名", "班次"]])
        w.writerows([[day.strftime("%Y/%m/%d"), agent, f"客服{agent}", shift]
                     for day, agent, shift in self.rota()])
        return buf.getvalue().encode("gb18030")

    def service_xlsx(self) -> bytes:
        book = openpyxl.Workbook(write_only=True)
        ws = book.create_sheet("自定义报表")
        ws.append(["日期", "客服昵称", "接待人数", "销售额", "销售订单数", "首次响应(秒)"])
        for n, (day, agent, _) in enumerate(self.rota()):
            response: Any = 8 + n % 20 if n % 7 else f"00:{10 + n % 40:02d}"
            ws.append([day.isoformat(), self.account(agent), 60 + n % 90,
                       round(1000 + (n % 997) * 3.17, 2), 20 + n % 30, response])
        raw = io.BytesIO()
        book.save(raw)
        return raw.getvalue()

    def months(self) -> list[tuple[str, dt.date]]:
        """(period, issued_on) for every month of the service window."""
        out = []
        day = self.first
        while day <= self.last:
            nxt = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
            out.append((day.strftime("%Y-%m"), nxt))
            day = nxt
        return out

    def bank_csv(self, period: str, issued: dt.date, month_index: int) -> bytes:
        """The month after ``period``: each contract pays ``period``'s statement on time (a
        tenth skip January and pay two months at once in February), sixty debits and ten
        transfers from people no payer name knows."""
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerows([["账号：5719 0012 3456 789"], ["户名：杭州云客服外包服务有限公司"],
                     [f"查询区间：{issued:%Y%m%d}-{issued:%Y%m}28"], [],
                     ["交易日", "借方金额", "贷方金额", "摘要", "流水号", "用途", "收/付方名称"]])
        for n, cid in enumerate(self.contracts):
            day = issued + dt.timedelta(days=1 + n % 6)  # on time: due on the 8th
            total = self.fee(n) + (self.fee(n) * 6 + 50) // 100  # tax rounded half up
            skipper = n % 10 == 9  # skips January, pays January and February at once
            if skipper and month_index == 0:
                continue
            amount = 2 * total if skipper and month_index == 1 else total
            # A third name the statement in the remark; the skippers do so after paying late
            # (their next statements carry a late fee, so the amount is no longer the fee).
            named = (n % 3 == 0 and not skipper) or (skipper and month_index > 1)
            remark = f"{cid}-{period} 服务费" if named else "托管服务费"
            w.writerow([f"{day:%Y%m%d}", "", f"{amount / 100:,.2f}", "网银转账",
                        f"T{period.replace('-', '')}{n:04d}", remark, f"付款公司{n:03d}有限公司"])
        for k in range(60):  # salaries, rent, fees: debits
            w.writerow([f"{issued + dt.timedelta(days=k % 27):%Y%m%d}", f"{1200 + 37 * k:,}.00", "",
                        "代发工资" if k % 3 else "手续费", f"F{period.replace('-', '')}{k:03d}", "", ""])
        for k in range(10):  # transfers nobody can place
            w.writerow([f"{issued + dt.timedelta(days=k):%Y%m%d}", "", f"{500 + k}.00", "转账",
                        f"U{period.replace('-', '')}{k:03d}", "", f"个人{k}"])
        return ("\ufeff" + buf.getvalue()).encode()


def ledger(db: str, *args: str) -> tuple[float, int, dict[str, Any] | None]:
    """Run ``ledger --db DB ARGS`` as a subprocess: (wall seconds, exit status, --json output)."""
    env = {**os.environ, "LEDGER_LOG_LEVEL": "warning"}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "cli", "--db", db, *args], cwd=ROOT, env=env,
                          capture_output=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"ledger {' '.join(args)} failed ({done.returncode}): "
                         f"{done.stderr.decode()[-2000:]}")
    body = json.loads(done.stdout) if "--json" in args else None
    return seconds, done.returncode, body


@contextlib.contextmanager
def fresh_store(kind: str, work: Path, pg_admin: str) -> Iterator[str]:
    if kind == "sqlite":
        yield str(work / f"imports-{uuid.uuid4().hex[:8]}.db")
        return
    name = f"ledger_bench_imports_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(pg_admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{pg_admin.rsplit('/', 1)[0]}/{name}"
    finally:
        with psycopg.connect(pg_admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _timed(db: str, label: str, args: list[str], out: dict[str, Any]) -> dict[str, Any]:
    seconds, code, body = ledger(db, *args, "--json")
    assert body is not None
    said = body["ledger"]
    out[label] = {"seconds": round(seconds, 3), "exit": code, "rows": body["counts"]["rows"],
                  "commands": body["counts"]["commands"], **said}
    print(f"  {label}: {seconds:.2f} s, {body['counts']['rows']:,} rows, "
          f"{body['counts']['commands']:,} commands, {said}", file=sys.stderr)
    return dict(body)


def run_store(kind: str, world: World, work: Path, pg_admin: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    roster, report = work / "roster.gb18030.csv", work / "service.xlsx"
    roster.write_bytes(world.roster_csv())
    report.write_bytes(world.service_xlsx())
    with fresh_store(kind, work, pg_admin) as db:
        books = work / "books.jsonl"
        books.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in world.books()))
        seconds, code, _ = ledger(db, "submit", str(books))
        assert code == 0, "the books were refused"
        print(f"{kind}: books submitted in {seconds:.1f} s", file=sys.stderr)
        shifts = ["import", "shifts", str(roster), "--contract", MAIN,
                  "--shift", "早班=early", "--shift", "晚班=late"]
        service = ["import", "service", str(report), "--contract", MAIN]
        for name, args in (("shifts", shifts), ("service", service)):
            _timed(db, f"{name}_preview", args, out)
            _timed(db, f"{name}_apply", [*args, "--apply"], out)
            _timed(db, f"{name}_again", [*args, "--apply"], out)
        totals = {"bank_preview": [0.0, 0, 0], "bank_apply": [0.0, 0, 0]}
        rules: dict[str, int] = {}
        for i, (period, issued) in enumerate(world.months()):
            issue = work / f"issue-{period}.jsonl"
            issue.write_text("".join(json.dumps(
                {"type": "issue_settlement", "id": f"issue-{cid}-{period}", "contract_id": cid,
                 "period": period, "issued_on": str(issued)}) + "\n" for cid in world.contracts))
            assert ledger(db, "submit", str(issue))[1] == 0
            bank = work / f"bank-{period}.csv"
            bank.write_bytes(world.bank_csv(period, issued, i))
            for label, extra in (("bank_preview", []), ("bank_apply", ["--apply"])):
                seconds, _, body = ledger(db, "reconcile", str(bank), "--preset", "cmb-corporate",
                                          "--json", *extra)
                assert body is not None
                totals[label][0] += seconds
                totals[label][1] += body["counts"]["rows"]
                totals[label][2] += body["counts"]["commands"]
                if extra:
                    for o in body["outcomes"]:
                        key = o.get("rule") or o.get("reason") or o["status"]
                        rules[key] = rules.get(key, 0) + 1
                    assert body["ledger"]["rejected"] == 0, body["answers"]
        for label, (seconds, rows, commands) in totals.items():
            out[label] = {"seconds": round(seconds, 3), "files": len(world.months()), "rows": rows,
                          "commands": commands}
        out["bank_outcomes"] = dict(sorted(rules.items()))
        balances = ledger(db, "balance", "--json")[2]
        assert balances is not None
        out["receivable_left_fen"] = sum(b["receivable_fen"] for b in balances
                                         if b["contract_id"] != MAIN)
        print(f"  bank: {out['bank_apply']}, outcomes {out['bank_outcomes']}", file=sys.stderr)
    return out


def table(results: dict[str, Any]) -> str:
    lines = ["| step | store | rows | commands | seconds | rows/s |", "|---|---|---:|---:|---:|---:|"]
    for store, r in results["stores"].items():
        for label in ("shifts_preview", "shifts_apply", "shifts_again", "service_preview",
                      "service_apply", "service_again", "bank_preview", "bank_apply"):
            m = r[label]
            lines.append(f"| {label.replace('_', ' ')} | {store} | {m['rows']:,} | {m['commands']:,} "
                         f"| {m['seconds']:.2f} | {m['rows'] / m['seconds']:,.0f} |")
    return "\n".join(lines)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--stores", default="sqlite,postgres")
    p.add_argument("--agents", type=int, default=30)
    p.add_argument("--contracts", type=int, default=100)
    p.add_argument("--smoke", action="store_true", help="3 agents, January, 5 contracts")
    p.add_argument("--pg-admin", default=PG_ADMIN)
    p.add_argument("--out", type=Path, help="results as JSON")
    args = p.parse_args()
    agents, contracts, last = args.agents, args.contracts, dt.date(YEAR, 12, 31)
    if args.smoke:
        agents, contracts, last = 4, 5, dt.date(YEAR, 2, 28)
    world = World(agents, contracts, last)
    results: dict[str, Any] = {
        "agents": agents, "contracts": contracts, "last_day": str(last),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                    "platform": platform.platform()},
        "stores": {}}
    with tempfile.TemporaryDirectory(prefix="ledger-bench-imports-") as tmp:
        for store in args.stores.split(","):
            before = os.getloadavg()[0]
            results["stores"][store] = run_store(store, world, Path(tmp), args.pg_admin)
            results["stores"][store]["load_1m"] = [round(before, 2), round(os.getloadavg()[0], 2)]
        started = time.perf_counter()
        for _ in range(3):
            subprocess.run([sys.executable, "-m", "cli", "--help"], cwd=ROOT, capture_output=True,
                           check=True)
        results["startup_seconds"] = round((time.perf_counter() - started) / 3, 3)
    print(table(results))
    print(f"start-up (ledger --help): {results['startup_seconds']} s; load (1 min) before/after: "
          + ", ".join(f"{k} {v['load_1m']}" for k, v in results["stores"].items()))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n")


if __name__ == "__main__":
    main()
