"""The demo's import story: five more shops whose facts arrive as files.

``ledger demo`` loads these commands with the rest of its sample, then
imports the sample files of ``cli.demo_files`` (``examples/import/``) as a
clerk would, then issues what the files completed:

``C-TMALL-01`` 小鹿家居旗舰店 (Tmall), base + commission, from 2026-10-01
    One ``early`` and one ``late`` agent-shift a day; agents ``A01`` … ``A04``
    with their Tmall sub-accounts recorded (``record_agent_account``). October
    and December are keyed as usual; **November's shifts come from the team
    lead's rosters** (the long first week, then the month grid, which
    overlaps it) and three days of sessions and sales **from a Chitu
    report**. October's statement (18,073.00) is paid in two transfers: the
    first keyed by hand from the remittance advice, the second found by
    ``ledger reconcile`` through the statement number in its remark.
``C-JD-02``, ``C-DY-03``, ``C-TB-05`` (JD, Douyin, Taobao), fixed fee, postpaid
    Paid by companies that are not the shops (``record_payer_name``): JD's
    October statement is paid to the fen; Douyin's two equal open statements
    make its one transfer ambiguous (left for the clerk); the Taobao shop,
    started mid-September, pays September and October in one transfer, late.
``C-PDD-04`` (Pinduoduo), signed for 2027: its deposit arrives by transfer.

``story(suffix)`` gives each command with the date it was entered; a suffix
makes a twin world (contract and merchant ids suffixed, no payer names) in
which tests key by hand the payments ``reconcile`` finds, to compare.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

Command = dict[str, Any]
Entered = tuple[dt.date, Command]

TMALL, JD, DY, PDD, TB = "C-TMALL-01", "C-JD-02", "C-DY-03", "C-PDD-04", "C-TB-05"
RUNNING_UNTIL = dt.date(2026, 12, 31)
SHIFT_NAMES = ["早班=early", "晚班=late"]  # the team lead's words for the contract's codes
OCTOBER_SALES_FEN = 500_000  # a day, C-TMALL-01: commission 1 %
# The first part of October's payment, keyed by hand before the bank statement came in.
HAND_KEYED = {"payment_id": "TM-PAY-1102", "amount_fen": 880_000, "received_on": "2026-11-02",
              "reference": "G2611020001"}

SHOPS = {  # contract: (merchant id, shop, platform, payer)
    TMALL: ("M-TMALL-01", "小鹿家居旗舰店", "tmall", "杭州小鹿电子商务有限公司"),
    JD: ("M-JD-02", "暖居生活电器专营店", "jd", "北京暖居科技有限公司"),
    DY: ("M-DY-03", "抖星美妆旗舰店", "douyin", "深圳抖星文化传媒有限公司"),
    PDD: ("M-PDD-04", "拼好货生鲜旗舰店", "pinduoduo", "上海拼好货贸易有限公司"),
    TB: ("M-TB-05", "衣恋原创女装", "taobao", "衣恋(杭州)服饰有限公司"),
}
AGENTS = [("A01", "张晓燕", "小鹿家居旗舰店:晓燕"), ("A02", "李娜", "小鹿家居旗舰店:娜娜"),
          ("A03", "王磊", "小鹿家居旗舰店:阿磊"), ("A04", "陈静", "小鹿家居旗舰店:静静")]


def _d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _days(first: str | dt.date, last: str | dt.date) -> list[dt.date]:
    a = _d(first) if isinstance(first, str) else first
    b = _d(last) if isinstance(last, str) else last
    return [a + dt.timedelta(days=n) for n in range((b - a).days + 1)]


def _terms(pricing: dict[str, Any], weekdays: list[int], shifts: list[tuple[str, str, str]]
           ) -> dict[str, Any]:
    return {
        "settlement_cycle": "monthly", "payment_due_days": 7, "tax_rate": "0.06",
        "pricing": pricing,
        "staffing": {"weekdays": weekdays, "special_days": [],
                     "shifts": [{"code": c, "start": s, "end": e, "agents": 1} for c, s, e in shifts]},
        "kpi": {"min_qa_score": 85, "max_first_response_s": 30},
        "penalties": {"qa_failure_fen": 20000, "qa_cap_rate": "0.10", "qa_breach_failures": 3,
                      "understaffing_fen": 10000, "late_fee_daily_rate": "0.0005"},
    }


def _fixed(fee: int, deposit: int = 0) -> dict[str, Any]:
    return _terms({"model": "fixed_fee", "monthly_fee_fen": fee, "billing": "postpaid",
                    "extra_shift_fen": 30000, "deposit_fen": deposit},
                   [1, 2, 3, 4, 5], [("day", "09:00", "18:00")])


class _Story:
    def __init__(self, suffix: str) -> None:
        self.suffix = suffix
        self.out: list[Entered] = []

    def add(self, entered: str | dt.date, type_: str, **fields: Any) -> None:
        day = _d(entered) if isinstance(entered, str) else entered
        self.out.append((day, {"type": type_, **fields}))

    def cid(self, contract: str) -> str:
        return contract + self.suffix

    def sign(self, contract: str, signed_on: str, start: str, terms: dict[str, Any]) -> None:
        merchant, shop, platform, payer = SHOPS[contract]
        self.add(signed_on, "sign_contract", contract_id=self.cid(contract),
                 merchant={"id": merchant + self.suffix, "name": shop, "platform": platform},
                 signed_on=signed_on, service_start=start, terms=terms)
        if not self.suffix:  # the twin's payments are keyed by hand: no payer names
            self.add(signed_on, "record_payer_name", merchant_id=merchant, payer_name=payer,
                     note="付款公司与店铺名称不同")

    def agent(self, contract: str, agent: str, name: str, trained: str, live_from: str) -> None:
        c = self.cid(contract)
        self.add(trained, "train_agent", contract_id=c, agent_id=agent, name=name,
                 completed_on=trained, topics=["平台规则", "商品知识", "售前售后话术"])
        self.add(trained, "assess_agent", contract_id=c, agent_id=agent, on=trained, passed=True,
                 score=90)
        self.add(trained, "agent_live", contract_id=c, agent_id=agent, **{"from": live_from})

    def shifts(self, contract: str, agents: list[str], codes: list[str], days: list[dt.date],
               weekdays: tuple[int, ...] = (1, 2, 3, 4, 5, 6, 7)) -> None:
        worked = [d for d in days if d.isoweekday() in weekdays]
        for i, day in enumerate(worked):
            for k, code in enumerate(codes):
                self.add(day, "record_shift", contract_id=self.cid(contract),
                         agent_id=agents[(i + k) % len(agents)], date=day.isoformat(), shift=code)

    def issue(self, contract: str, period: str, issued_on: str) -> None:
        self.add(issued_on, "issue_settlement", contract_id=self.cid(contract), period=period,
                 issued_on=issued_on)


def story(suffix: str = "") -> list[Entered]:
    """The five shops' commands (without ids), each with the date it was entered."""
    s = _Story(suffix)
    tmall = _terms({"model": "base_plus_commission", "shift_rate_fen": 25000,
                    "commission_rate": "0.01", "deposit_fen": 0},
                   [1, 2, 3, 4, 5, 6, 7], [("early", "08:00", "16:00"), ("late", "16:00", "24:00")])
    s.sign(TMALL, "2026-09-20", "2026-10-01", tmall)
    for agent, name, account in AGENTS:
        s.agent(TMALL, agent, name, "2026-09-27", "2026-10-01")
        s.add("2026-09-27", "record_agent_account", contract_id=s.cid(TMALL), agent_id=agent,
              platform="tmall", account=account, on="2026-10-01")
    ids = [a for a, _, _ in AGENTS]
    s.shifts(TMALL, ids, ["early", "late"], _days("2026-10-01", "2026-10-31"))
    for i, day in enumerate(_days("2026-10-01", "2026-10-31")):
        s.add(day, "record_sales", contract_id=s.cid(TMALL), agent_id=ids[i % 4],
              date=day.isoformat(), sales_fen=OCTOBER_SALES_FEN, orders=40)
    s.issue(TMALL, "2026-10", "2026-11-01")
    s.add("2026-11-02", "record_payment", contract_id=s.cid(TMALL), **HAND_KEYED)
    s.shifts(TMALL, ids, ["early", "late"], _days("2026-12-01", RUNNING_UNTIL))

    for contract, signed, start, fee, agent, name in (
            (JD, "2026-09-20", "2026-10-01", 1_500_000, "J01", "赵磊"),
            (DY, "2026-08-20", "2026-09-01", 3_000_000, "D01", "孙悦"),
            (TB, "2026-09-10", "2026-09-16", 2_400_000, "T01", "周婷")):
        s.sign(contract, signed, start, _fixed(fee))
        s.agent(contract, agent, name, signed, start)
        s.shifts(contract, [agent], ["day"], _days(start, RUNNING_UNTIL), (1, 2, 3, 4, 5))
        if start < "2026-10-01":
            s.issue(contract, "2026-09", "2026-10-01")
        s.issue(contract, "2026-10", "2026-11-01")
    s.sign(PDD, "2026-10-28", "2027-01-01", _fixed(2_000_000, deposit=1_000_000))
    return s.out


def after_import(suffix: str = "") -> list[Command]:
    """What the demo issues once the November files are in."""
    return [{"type": "issue_settlement", "contract_id": TMALL + suffix, "period": "2026-11",
             "issued_on": "2026-12-01"}]
