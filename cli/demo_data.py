"""The sample that ``ledger demo`` loads: one quarter of four hosted shops.

A hosting provider in Hangzhou (its identity recorded with ``set_provider``, so
the statements print its address, tax id and bank account) runs customer service
for four shops from 2026-09-01 to 2026-11-30 (SPEC §9 ``ledger demo``):

``YIYI-TB-01``  衣依原创女装店 (Taobao), base + commission, monthly
    Trial month converted on 09-30; deposit on time; four agents from day one
    and a fifth who fails her first assessment and goes live for 双11; two
    shift codes (``early``/``late``) every day, 双11 staffed 4 + 3 at x1.5;
    daily sales and response metrics; QA with four failures in October (a
    ``qa_failures`` breach); two unworked planned shifts (``understaffing``);
    an October shift that the attendance import missed and that arrives after
    October was settled (``correction`` lines on November's statement); the
    October statement is paid a week late (``late_fee`` in November).
``JINXIU-TM-01`` 锦绣家纺旗舰店 (Tmall), fixed fee, postpaid, monthly
    Deposit received a week after the service started (``deposit_late``);
    fee raised from 30 000 to 36 000 yuan effective 10-16 (a mixed
    ``fixed_fee``); 双11 staffed above the plan (``extra_shifts``); one agent
    offboarded and replaced; a mistaken shift retracted; a dispute about the
    October fee, rejected.
``JIKE-JD-01``  极客数码专营店 (JD), fixed fee, prepaid, monthly
    Each month billed on (or before) its first day; the merchant terminates
    with 11-15 as the last service day after November's fee was billed, pays
    November only in part, and the final (December) statement credits the
    unused half month (a negative ``fixed_fee`` correction), bills November's
    activity and applies the deposit; the rest of the deposit is refunded.
``SHUXIANG-DY-01`` 蜀香阁川味食品旗舰店 (Douyin), base + commission, monthly
    Day and evening (live-stream) shifts, 双11 at x2; a confidentiality breach
    by the provider and a late-briefing breach by the merchant, both reported
    with penalties (``breach_penalty``); a goodwill ``adjustment``; a dispute
    about September's commission, upheld; slow first responses in November
    (``slow_response``); November's statement left unpaid (an open
    ``late_payment`` on 2026-12-31).

Five more shops whose November facts and payments arrive as files (a roster,
a platform's service report, a bank statement) are described in
``cli.demo_imports``; their commands are part of this log.


Mistakes and their remedies (SPEC §11), on ``SHUXIANG-DY-01`` in December: November's
statement voided and issued again (``-R1``) with a late adjustment; October's transfer
keyed a second time and refused (``reference_reused``); a payment keyed on the wrong
contract and voided.

Two commands are rejected on purpose: see ``_payments_yiyi`` and ``_remedies_shuxiang``.

The log is deterministic: the only variation (sales, response times) comes
from ``random.Random`` with a fixed seed, and no command reads today's date.
Commands are written per contract and then merged in the order the facts
reached the provider (the date each was entered, then writing order), so the
log reads like a quarter of real intake. The three contracts still running
are staffed through 2026-12-31 (December is not settled yet), so the breach
records on 2026-12-31 show only the gaps above. Payments settle the statement
totals kept in ``TOTAL_FEN``.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass, field
from typing import Any

from cli import demo_quote
from cli.demo_imports import story
from schemas.examples import PROVIDER

Command = dict[str, Any]

START = dt.date(2026, 9, 1)
# The contracts that keep running are staffed into December too, so the breach
# records evaluated on 2026-12-31 show no unstaffed December days.
RUNNING_UNTIL = dt.date(2026, 12, 31)
DOUBLE_11 = dt.date(2026, 11, 11)
SEED = 20261111

YIYI = "YIYI-TB-01"
JINXIU = "JINXIU-TM-01"
JIKE = "JIKE-JD-01"
SHUXIANG = "SHUXIANG-DY-01"

# Statement totals (fen) as this sample's statements come out, so that the
# payments below settle them to the fen. They were read off ``ledger statements
# --json`` after a run; change them whenever the sample's activity changes
# (tests/test_demo.py checks that the settled contracts end at a zero balance).
TOTAL_FEN = {
    (YIYI, "2026-09"): 4335924, (YIYI, "2026-10"): 4619215, (YIYI, "2026-11"): 4393980,
    (JINXIU, "2026-09"): 3180000, (JINXIU, "2026-10"): 3487058, (JINXIU, "2026-11"): 4059800,
    (JIKE, "2026-09"): 2544000, (JIKE, "2026-10"): 2623500,
    (SHUXIANG, "2026-09"): 3696327, (SHUXIANG, "2026-10"): 3655536,
}
# What is left of JIKE's deposit after its final statement applied 293 730.
JIKE_DEPOSIT_LEFT_FEN = 706270


def _d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


# -- the log under construction ----------------------------------------------------


@dataclass
class _Entry:
    entered: dt.date
    seq: int
    command: Command
    same_id_as_previous: bool = False


@dataclass
class _Log:
    """Commands with the date each one was entered; ids are given at the end."""

    entries: list[_Entry] = field(default_factory=list)

    def add(self, entered: dt.date | str, type_: str, **fields: Any) -> None:
        day = _d(entered) if isinstance(entered, str) else entered
        self.entries.append(_Entry(day, len(self.entries), {"type": type_, **fields}))

    def resend(self, entered: dt.date | str, type_: str, **fields: Any) -> None:
        """The next command reuses the id of the one just before it (a corrected resend)."""
        self.add(entered, type_, **fields)
        self.entries[-1].same_id_as_previous = True

    def lines(self) -> list[str]:
        ordered = sorted(self.entries, key=lambda e: (e.entered, e.seq))
        out: list[str] = []
        n = 0
        for entry in ordered:
            if not entry.same_id_as_previous:
                n += 1
            command = {"type": entry.command["type"], "id": f"demo-{n:04d}"}
            command.update((k, v) for k, v in entry.command.items() if k != "type")
            out.append(json.dumps(command, ensure_ascii=False))
        return out


# -- staffing: who works which planned shift ---------------------------------------------


@dataclass
class _Agent:
    agent_id: str
    name: str
    live_from: dt.date
    last_day: dt.date | None = None

    def live_on(self, day: dt.date) -> bool:
        return self.live_from <= day and (self.last_day is None or day <= self.last_day)


@dataclass
class _Plan:
    """The staffing plan as the demo's own roster needs it (mirrors the terms)."""

    shifts: dict[str, int]
    weekdays: tuple[int, ...]
    special: dict[dt.date, dict[str, int]]

    def planned(self, day: dt.date) -> dict[str, int]:
        normal = {code: (n if day.isoweekday() in self.weekdays else 0)
                  for code, n in self.shifts.items()}
        return {**normal, **self.special.get(day, {})}


def _roster(agents: list[_Agent], plan: _Plan, first: dt.date, last: dt.date
            ) -> list[tuple[dt.date, str, str]]:
    """Every planned agent-shift, staffed by rotating through the live agents."""
    out: list[tuple[dt.date, str, str]] = []
    for i, day in enumerate(_days(first, last)):
        pool = [a.agent_id for a in agents if a.live_on(day)]
        start = i
        for code, n in plan.planned(day).items():
            for k in range(n):
                out.append((day, code, pool[(start + k) % len(pool)]))
            start += n
    return out


def _staffing(shifts: list[tuple[str, str, str, int]], weekdays: list[int],
              special: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "weekdays": weekdays,
        "shifts": [{"code": c, "start": s, "end": e, "agents": n} for c, s, e, n in shifts],
        "special_days": special,
    }


def _holidays(agents: dict[str, int], multiplier: str) -> list[dict[str, Any]]:
    """The statutory holidays of the demo's months (``quote.calendar``: 中秋 09-25 to 09-27,
    国庆 10-01 to 10-07) as special days with these agents."""
    from quote.calendar import holidays

    return [{"date": day.isoformat(), "kind": "holiday", "label": name, "agents": dict(agents),
             "multiplier": multiplier}
            for day, name in holidays(START.year).items() if START <= day <= RUNNING_UNTIL]


def _plan_of(staffing: dict[str, Any]) -> _Plan:
    return _Plan(
        shifts={s["code"]: s["agents"] for s in staffing["shifts"]},
        weekdays=tuple(staffing["weekdays"]),
        special={_d(s["date"]): dict(s["agents"]) for s in staffing["special_days"]},
    )


def _onboard(log: _Log, contract: str, agents: list[_Agent], trained_on: str, assessed_on: str,
             topics: list[str], scores: list[int]) -> None:
    for agent, score in zip(agents, scores, strict=True):
        log.add(trained_on, "train_agent", contract_id=contract, agent_id=agent.agent_id,
                name=agent.name, completed_on=trained_on, topics=topics)
        log.add(assessed_on, "assess_agent", contract_id=contract, agent_id=agent.agent_id,
                on=assessed_on, passed=True, score=score)
        log.add(assessed_on, "agent_live", contract_id=contract, agent_id=agent.agent_id,
                **{"from": agent.live_from.isoformat()})


def _shifts(log: _Log, contract: str, roster: list[tuple[dt.date, str, str]],
            unworked: set[tuple[str, str, str]],
            late: dict[tuple[str, str, str], str]) -> None:
    """Record the roster; ``unworked`` never happened, ``late`` was entered on a later day."""
    for day, code, agent in roster:
        key = (day.isoformat(), code, agent)
        if key in unworked:
            continue
        log.add(late.get(key, day), "record_shift", contract_id=contract, agent_id=agent,
                date=day.isoformat(), shift=code)


def _penalties(qa_failure_fen: int, understaffing_fen: int) -> dict[str, Any]:
    return {"qa_failure_fen": qa_failure_fen, "qa_cap_rate": "0.10", "qa_breach_failures": 3,
            "understaffing_fen": understaffing_fen, "late_fee_daily_rate": "0.0005"}


def _qa(log: _Log, contract: str, prefix: str,
        inspections: list[tuple[str, str, int]]) -> None:
    for n, (day, agent, score) in enumerate(inspections, start=1):
        log.add(day, "record_qa_inspection", contract_id=contract, inspection_id=f"{prefix}-{n:03d}",
                agent_id=agent, date=day, score=score, sampled_sessions=20)


def _issue(log: _Log, contract: str, period: str, issued_on: str) -> None:
    log.add(issued_on, "issue_settlement", contract_id=contract, period=period, issued_on=issued_on)


def _pay(log: _Log, contract: str, payment_id: str, amount_fen: int, received_on: str,
         reference: str) -> None:
    log.add(received_on, "record_payment", contract_id=contract, payment_id=payment_id,
            amount_fen=amount_fen, received_on=received_on, reference=reference)


# -- 1. YIYI-TB-01: Taobao, base + commission, trial converted ---------------------------


def _yiyi(log: _Log, rng: random.Random) -> None:
    # Consultation first: the quote from the shop's own hourly inquiries, then the
    # contract signed from it with the base + commission terms it proposes.
    merchant = {"id": "TB-88120345", "name": "衣依原创女装店", "platform": "taobao"}
    profile = demo_quote.profile()
    log.add(demo_quote.ISSUED_ON, "issue_quote", quote_id=demo_quote.QUOTE_ID, merchant=merchant,
            issued_on=demo_quote.ISSUED_ON, valid_days=demo_quote.VALID_DAYS, profile=profile)
    terms = demo_quote.proposed_terms(profile)
    staffing = terms["staffing"]
    log.add("2026-08-18", "sign_contract", contract_id=YIYI, merchant=merchant,
            signed_on="2026-08-18", service_start="2026-09-01", trial_end="2026-09-30",
            quote_id=demo_quote.QUOTE_ID, terms=terms)
    log.add("2026-08-25", "record_deposit", contract_id=YIYI, amount_fen=1000000,
            received_on="2026-08-25", reference="ICBC-HZ-20260825-0031")
    agents = [_Agent("yy-01", "王小雅", START), _Agent("yy-02", "李婷", START),
              _Agent("yy-03", "张倩", START), _Agent("yy-04", "陈晓燕", START)]
    topics = ["淘宝平台规则", "女装尺码与面料", "售前咨询话术", "售后退换货流程"]
    _onboard(log, YIYI, agents, "2026-08-26", "2026-08-28", topics, [92, 88, 90, 86])
    # A fifth agent for 双11: fails her first assessment, passes the second.
    extra = _Agent("yy-05", "赵静", _d("2026-11-01"))
    log.add("2026-10-20", "train_agent", contract_id=YIYI, agent_id=extra.agent_id, name=extra.name,
            completed_on="2026-10-20", topics=[*topics, "双11预售与定金规则"])
    log.add("2026-10-22", "assess_agent", contract_id=YIYI, agent_id=extra.agent_id,
            on="2026-10-22", passed=False, score=72)
    log.add("2026-10-27", "assess_agent", contract_id=YIYI, agent_id=extra.agent_id,
            on="2026-10-27", passed=True, score=87)
    log.add("2026-10-28", "agent_live", contract_id=YIYI, agent_id=extra.agent_id, **{"from": "2026-11-01"})
    agents.append(extra)

    roster = _roster(agents, _plan_of(staffing), START, RUNNING_UNTIL)
    by_slot: dict[tuple[str, str], list[str]] = {}
    for d, c, a in roster:
        by_slot.setdefault((d.isoformat(), c), []).append(a)
    # Two planned shifts nobody worked (understaffing) ...
    unworked = {("2026-09-14", "late", by_slot["2026-09-14", "late"][0]),
                ("2026-11-23", "early", by_slot["2026-11-23", "early"][1])}
    # ... and one the attendance import missed: entered after October was settled,
    # so November's statement corrects October's base and understaffing.
    late = {("2026-10-20", "early", by_slot["2026-10-20", "early"][1]): "2026-11-05"}
    _shifts(log, YIYI, roster, unworked, late)
    log.add("2026-09-30", "end_trial", contract_id=YIYI, on="2026-09-30", outcome="converted")

    for day in _days(START, RUNNING_UNTIL):
        on_duty = list(dict.fromkeys(a for d, _, a in roster if d == day))
        # One sales record a day; on 双11 every agent on duty closes sales.
        for agent in on_duty if day == DOUBLE_11 else on_duty[:1]:
            sales = rng.randint(1800000, 2600000) if day == DOUBLE_11 else rng.randint(280000, 760000)
            log.add(day, "record_sales", contract_id=YIYI, agent_id=agent, date=day.isoformat(),
                    sales_fen=sales, orders=sales // 15800)
        for agent in on_duty:  # each agent's sessions: ``ledger quote compare`` sets them by the forecast
            log.add(day, "record_service_metrics", contract_id=YIYI, agent_id=agent,
                    date=day.isoformat(), sessions=rng.randint(45, 70),
                    avg_first_response_s=rng.randint(11, 24))

    _qa(log, YIYI, "YY-QA", [
        ("2026-09-08", "yy-01", 91), ("2026-09-17", "yy-03", 82), ("2026-09-26", "yy-04", 89),
        # October: four failures reach qa_breach_failures (3): a qa_failures breach.
        ("2026-10-06", "yy-02", 78), ("2026-10-09", "yy-04", 90), ("2026-10-13", "yy-02", 80),
        ("2026-10-19", "yy-03", 83), ("2026-10-24", "yy-01", 93), ("2026-10-29", "yy-02", 76),
        ("2026-11-05", "yy-05", 88), ("2026-11-12", "yy-02", 84), ("2026-11-21", "yy-03", 95),
    ])

    _issue(log, YIYI, "2026-09", "2026-10-02")
    _issue(log, YIYI, "2026-10", "2026-11-02")
    _issue(log, YIYI, "2026-11", "2026-12-01")
    _payments_yiyi(log)


def _payments_yiyi(log: _Log) -> None:
    _pay(log, YIYI, "YY-PAY-0926", TOTAL_FEN[YIYI, "2026-09"], "2026-10-08", "ALIPAY-20261008-7781")
    # The one deliberate rejection of the demo: finance first keyed October's
    # payment in yuan, as a JSON float (money must be integer fen, SPEC §10), so
    # it is rejected with invalid_type on amount_fen. The corrected resend reuses
    # the id (a rejected command does not claim it) and arrives a week after the
    # due date 11-09, so November's statement bills a late fee.
    log.add("2026-11-16", "record_payment", contract_id=YIYI, payment_id="YY-PAY-1027",
            amount_fen=TOTAL_FEN[YIYI, "2026-10"] / 100, received_on="2026-11-16",
            reference="ALIPAY-20261116-0412")
    log.resend("2026-11-16", "record_payment", contract_id=YIYI, payment_id="YY-PAY-1027",
               amount_fen=TOTAL_FEN[YIYI, "2026-10"], received_on="2026-11-16",
               reference="ALIPAY-20261116-0412")
    _pay(log, YIYI, "YY-PAY-1128", TOTAL_FEN[YIYI, "2026-11"], "2026-12-07", "ALIPAY-20261207-3390")


# -- 2. JINXIU-TM-01: Tmall, fixed fee postpaid, deposit late, fee amended --------------


def _jinxiu(log: _Log, rng: random.Random) -> None:
    staffing = _staffing(
        [("day", "09:00", "18:00", 2), ("evening", "18:00", "23:00", 1)], [1, 2, 3, 4, 5, 6, 7],
        [*_holidays({"day": 1}, "1"),  # 中秋 and 国庆: one day agent, the evening as planned
         {"date": "2026-11-11", "kind": "promotion", "label": "双11",
          "agents": {"day": 4, "evening": 3}, "multiplier": "2"}])
    log.add("2026-08-20", "sign_contract", contract_id=JINXIU,
            merchant={"id": "TM-22904571", "name": "锦绣家纺旗舰店", "platform": "tmall"},
            signed_on="2026-08-20", service_start="2026-09-01",
            terms={
                "settlement_cycle": "monthly", "payment_due_days": 10, "tax_rate": "0.06",
                "pricing": {"model": "fixed_fee", "monthly_fee_fen": 3000000, "billing": "postpaid",
                            "extra_shift_fen": 30000, "deposit_fen": 1500000},
                "staffing": staffing,
                "kpi": {"min_qa_score": 85, "max_first_response_s": 40},
                "penalties": _penalties(20000, 10000),
            })
    # The deposit was due before 09-01 and arrived on 09-08: a deposit_late breach (remedied).
    log.add("2026-09-08", "record_deposit", contract_id=JINXIU, amount_fen=1500000,
            received_on="2026-09-08", reference="CMB-SZ-20260908-1150")
    agents = [_Agent("jx-01", "孙丽", START), _Agent("jx-02", "周敏", START, _d("2026-10-31")),
              _Agent("jx-03", "吴芳", START), _Agent("jx-04", "郑慧", START)]
    topics = ["天猫平台规则", "家纺面料与尺寸", "催付与挽单话术", "退换货与运费险"]
    _onboard(log, JINXIU, agents, "2026-08-27", "2026-08-29", topics, [90, 87, 89, 91])
    log.add("2026-10-26", "offboard_agent", contract_id=JINXIU, agent_id="jx-02", last_day="2026-10-31")
    relief = _Agent("jx-05", "冯雪", _d("2026-11-01"))
    log.add("2026-10-23", "train_agent", contract_id=JINXIU, agent_id=relief.agent_id, name=relief.name,
            completed_on="2026-10-23", topics=topics)
    log.add("2026-10-27", "assess_agent", contract_id=JINXIU, agent_id=relief.agent_id,
            on="2026-10-27", passed=True, score=88)
    log.add("2026-10-27", "agent_live", contract_id=JINXIU, agent_id=relief.agent_id,
            **{"from": "2026-11-01"})
    agents.append(relief)

    # The winter bedding line doubles inquiries: the fee rises from 16 October.
    log.add("2026-10-12", "amend_terms", contract_id=JINXIU, effective_from="2026-10-16",
            terms={"pricing": {"monthly_fee_fen": 3600000}})

    roster = _roster(agents, _plan_of(staffing), START, RUNNING_UNTIL)
    evening = {d.isoformat(): a for d, c, a in roster if c == "evening"}
    _shifts(log, JINXIU, roster, {("2026-11-03", "evening", evening["2026-11-03"])}, {})
    # The attendance import doubled a shift on 10-08; operations retracts it.
    doubled = next(a.agent_id for a in agents
                   if a.live_on(_d("2026-10-08"))
                   and all(not (d == _d("2026-10-08") and x == a.agent_id) for d, _, x in roster))
    log.add("2026-10-09", "record_shift", contract_id=JINXIU, agent_id=doubled, date="2026-10-08",
            shift="day")
    log.add("2026-10-09", "retract_shift", contract_id=JINXIU, agent_id=doubled, date="2026-10-08",
            shift="day", reason="考勤系统重复导入，该客服当日轮休")
    for day in _days(START, RUNNING_UNTIL):
        if day.isoweekday() == 1:
            agent = next(a for d, _, a in roster if d == day)
            log.add(day, "record_service_metrics", contract_id=JINXIU, agent_id=agent,
                    date=day.isoformat(), sessions=rng.randint(400, 650),
                    avg_first_response_s=rng.randint(15, 28))

    _qa(log, JINXIU, "JX-QA", [
        ("2026-09-10", "jx-01", 92), ("2026-09-24", "jx-03", 88),
        ("2026-10-14", "jx-04", 81), ("2026-10-22", "jx-02", 90),
        ("2026-11-09", "jx-05", 86), ("2026-11-18", "jx-01", 93),
    ])

    _issue(log, JINXIU, "2026-09", "2026-10-01")
    _issue(log, JINXIU, "2026-10", "2026-11-01")
    _issue(log, JINXIU, "2026-11", "2026-12-01")
    _pay(log, JINXIU, "JX-PAY-09", TOTAL_FEN[JINXIU, "2026-09"], "2026-10-09", "CMB-SZ-20261009-0203")
    _pay(log, JINXIU, "JX-PAY-10", TOTAL_FEN[JINXIU, "2026-10"], "2026-11-10", "CMB-SZ-20261110-0877")
    _pay(log, JINXIU, "JX-PAY-11", TOTAL_FEN[JINXIU, "2026-11"], "2026-12-09", "CMB-SZ-20261209-0415")

    # The merchant reads the amendment as starting in November; the contract says 16 October.
    log.add("2026-11-05", "open_dispute", contract_id=JINXIU, dispute_id="DSP-2026-002",
            period="2026-10", line="fixed_fee", claim_fen=-309677, opened_on="2026-11-05",
            note="商家认为调价应自11月1日起执行，10月应按原价30000元结算")
    log.add("2026-11-12", "resolve_dispute", dispute_id="DSP-2026-002", resolved_on="2026-11-12",
            outcome="rejected", note="补充协议约定自2026-10-16起执行新费率，按日折算无误")


# -- 3. JIKE-JD-01: JD, fixed fee prepaid, terminated mid-November ----------------------


def _jike(log: _Log, rng: random.Random) -> None:
    staffing = _staffing(
        [("day", "08:30", "17:30", 2)], [1, 2, 3, 4, 5, 6],
        # Monday to Saturday: the statutory holidays get one agent, and Sunday 09-20, a
        # make-up workday (调休) for 国庆, is worked by two (billed as extra shifts).
        [*_holidays({"day": 1}, "1"),
         {"date": "2026-09-20", "kind": "workday", "label": "国庆节调休", "agents": {"day": 2},
          "multiplier": "1"},
         {"date": "2026-11-11", "kind": "promotion", "label": "双11", "agents": {"day": 3},
          "multiplier": "1.5"}])
    log.add("2026-08-15", "sign_contract", contract_id=JIKE,
            merchant={"id": "JD-10086521", "name": "极客数码专营店", "platform": "jd"},
            signed_on="2026-08-15", service_start="2026-09-01",
            terms={
                "settlement_cycle": "monthly", "payment_due_days": 7, "tax_rate": "0.06",
                "pricing": {"model": "fixed_fee", "monthly_fee_fen": 2400000, "billing": "prepaid",
                            "extra_shift_fen": 25000, "deposit_fen": 1000000},
                "staffing": staffing,
                "kpi": {"min_qa_score": 85, "max_first_response_s": 30},
                "penalties": _penalties(15000, 12000),
            })
    log.add("2026-08-26", "record_deposit", contract_id=JIKE, amount_fen=1000000,
            received_on="2026-08-26", reference="CCB-SZ-20260826-5521")
    agents = [_Agent("jk-01", "刘洋", START), _Agent("jk-02", "黄磊", START),
              _Agent("jk-03", "何军", START)]
    topics = ["京东平台规则", "数码产品参数", "保价与价保规则", "售后检测与换新流程"]
    _onboard(log, JIKE, agents, "2026-08-25", "2026-08-27", topics, [89, 93, 87])

    last_day = _d("2026-11-15")
    roster = _roster(agents, _plan_of(staffing), START, last_day)
    one_of = {d.isoformat(): a for d, _, a in roster}
    _shifts(log, JIKE, roster, {("2026-10-17", "day", one_of["2026-10-17"])}, {})
    for day in _days(START, last_day):
        if day.isoweekday() == 1:
            log.add(day, "record_service_metrics", contract_id=JIKE, agent_id=one_of[day.isoformat()],
                    date=day.isoformat(), sessions=rng.randint(300, 420),
                    avg_first_response_s=rng.randint(14, 26))
    _qa(log, JIKE, "JK-QA", [
        ("2026-09-15", "jk-02", 90), ("2026-10-10", "jk-01", 79), ("2026-10-21", "jk-03", 81),
        ("2026-10-28", "jk-02", 92), ("2026-11-06", "jk-01", 88),
    ])

    # Prepaid: each month is billed on or before its first day; it carries the
    # previous month's activity (understaffing, QA, extra shifts).
    _issue(log, JIKE, "2026-09", "2026-08-28")
    _pay(log, JIKE, "JK-PAY-09", TOTAL_FEN[JIKE, "2026-09"], "2026-09-02", "CCB-SZ-20260902-0116")
    _issue(log, JIKE, "2026-10", "2026-10-01")
    _pay(log, JIKE, "JK-PAY-10", TOTAL_FEN[JIKE, "2026-10"], "2026-10-06", "CCB-SZ-20261006-0934")
    _issue(log, JIKE, "2026-11", "2026-11-01")
    # The shop moves service in-house: November's fee is already billed, so the
    # merchant pays only part of it and ends the contract on 11-15.
    _pay(log, JIKE, "JK-PAY-11", 1000000, "2026-11-06", "CCB-SZ-20261106-2207")
    log.add("2026-11-06", "terminate_contract", contract_id=JIKE, last_day="2026-11-15",
            initiated_by="merchant", reason="商家组建自营客服团队，提前终止托管合作")
    # The final statement: November's activity, the unused half month of the
    # prepaid fee as a negative fixed_fee correction, and the deposit applied.
    _issue(log, JIKE, "2026-12", "2026-12-01")
    log.add("2026-12-10", "refund_deposit", contract_id=JIKE, amount_fen=JIKE_DEPOSIT_LEFT_FEN,
            paid_on="2026-12-10", reference="CCB-SZ-20261210-7760")


# -- 4. SHUXIANG-DY-01: Douyin, base + commission, reported breaches and a dispute -------


def _shuxiang(log: _Log, rng: random.Random) -> None:
    staffing = _staffing(
        [("day", "10:00", "18:00", 2), ("evening", "18:00", "24:00", 2)], [1, 2, 3, 4, 5, 6, 7],
        [{"date": "2026-11-11", "kind": "promotion", "label": "双11",
          "agents": {"day": 3, "evening": 4}, "multiplier": "2"}])
    log.add("2026-08-22", "sign_contract", contract_id=SHUXIANG,
            merchant={"id": "DY-66120398", "name": "蜀香阁川味食品旗舰店", "platform": "douyin"},
            signed_on="2026-08-22", service_start="2026-09-01",
            terms={
                "settlement_cycle": "monthly", "payment_due_days": 7, "tax_rate": "0.06",
                "pricing": {"model": "base_plus_commission", "shift_rate_fen": 22000,
                            "commission_rate": "0.012", "deposit_fen": 800000},
                "staffing": staffing,
                "kpi": {"min_qa_score": 85, "max_first_response_s": 30},
                "penalties": _penalties(15000, 10000),
            })
    log.add("2026-08-29", "record_deposit", contract_id=SHUXIANG, amount_fen=800000,
            received_on="2026-08-29", reference="ABC-CD-20260829-3308")
    agents = [_Agent("sx-01", "罗欣", START), _Agent("sx-02", "唐悦", START),
              _Agent("sx-03", "韩冰", START), _Agent("sx-04", "曹宇", START),
              _Agent("sx-05", "邓琳", START)]
    topics = ["抖音小店规则", "直播间话术与福袋规则", "川味调味品知识", "食品安全与售后"]
    _onboard(log, SHUXIANG, agents, "2026-08-27", "2026-08-30", topics, [91, 86, 88, 94, 89])

    roster = _roster(agents, _plan_of(staffing), START, RUNNING_UNTIL)
    _shifts(log, SHUXIANG, roster, set(), {})
    for day in _days(START, RUNNING_UNTIL):
        evening = [a for d, c, a in roster if d == day and c == "evening"]
        sales = rng.randint(1500000, 3200000) * (4 if day == DOUBLE_11 else 1)
        log.add(day, "record_sales", contract_id=SHUXIANG, agent_id=evening[0], date=day.isoformat(),
                sales_fen=sales, orders=sales // 6800)
        # November's rush slows first responses past the 30 s KPI: slow_response.
        slow = day.month == 11
        log.add(day, "record_service_metrics", contract_id=SHUXIANG, agent_id=evening[-1],
                date=day.isoformat(), sessions=rng.randint(500, 900),
                avg_first_response_s=rng.randint(31, 44) if slow else rng.randint(12, 26))
    _qa(log, SHUXIANG, "SX-QA", [
        ("2026-09-12", "sx-02", 84), ("2026-09-25", "sx-05", 90),
        ("2026-10-15", "sx-01", 92), ("2026-11-13", "sx-03", 87),
    ])

    _issue(log, SHUXIANG, "2026-09", "2026-10-03")
    _pay(log, SHUXIANG, "SX-PAY-09", TOTAL_FEN[SHUXIANG, "2026-09"], "2026-10-09", "ABC-CD-20261009-1024")
    # Refunded orders were counted in September's sales: upheld, partly.
    log.add("2026-10-10", "open_dispute", contract_id=SHUXIANG, dispute_id="DSP-2026-001",
            period="2026-09", line="commission", claim_fen=-12000, opened_on="2026-10-10",
            note="9月销售额含已退款订单约100万元，提成多计")
    log.add("2026-10-25", "resolve_dispute", dispute_id="DSP-2026-001", resolved_on="2026-10-25",
            outcome="upheld", adjustment_fen=-8000,
            note="核实已退款订单66.7万元，退还对应提成8000分")
    log.add("2026-10-14", "report_breach", contract_id=SHUXIANG, breach_id="SX-BR-01", party="provider",
            kind="confidentiality", on="2026-10-12", penalty_fen=100000,
            description="客服将买家手机号截图发至外部群聊，违反保密条款")
    log.add("2026-10-20", "resolve_breach", breach_id=f"{SHUXIANG}/reported/SX-BR-01",
            outcome="remedied", on="2026-10-20", note="涉事客服已调岗，全员重新签署保密承诺书")
    _issue(log, SHUXIANG, "2026-10", "2026-11-03")
    _pay(log, SHUXIANG, "SX-PAY-10", TOTAL_FEN[SHUXIANG, "2026-10"], "2026-11-09", "ABC-CD-20261109-2251")
    log.add("2026-11-10", "report_breach", contract_id=SHUXIANG, breach_id="SX-BR-02", party="merchant",
            kind="cooperation", on="2026-11-09", penalty_fen=50000,
            description="商家未按约定提前48小时提供双11优惠券与直播间活动规则")
    log.add("2026-11-20", "post_adjustment", contract_id=SHUXIANG, adjustment_id="SX-ADJ-01",
            amount_fen=-30000, reason="双11当晚客服工作台故障40分钟，协商给予补偿",
            refers_to={"period": "2026-11", "line": "special_day"})
    # November's statement is left unpaid: an open late_payment on 2026-12-31.
    _issue(log, SHUXIANG, "2026-11", "2026-12-02")
    _remedies_shuxiang(log)


def _remedies_shuxiang(log: _Log) -> None:
    """Mistakes and their remedies (SPEC §11), one of each."""
    # A compensation agreed on 12-03 was missing from November's statement: finance voids
    # it and issues it again (numbered -R1), with the new adjustment on it.
    log.add("2026-12-03", "void_statement", contract_id=SHUXIANG, period="2026-11",
            on="2026-12-03", reason="漏记双11直播间加班补偿，作废重开")
    log.add("2026-12-03", "post_adjustment", contract_id=SHUXIANG, adjustment_id="SX-ADJ-02",
            amount_fen=-20000, reason="双11直播间延时加班补偿（12-03确认）",
            refers_to={"period": "2026-11", "line": "special_day"})
    _issue(log, SHUXIANG, "2026-11", "2026-12-04")
    # October's transfer keyed a second time under a new payment id: refused (the bank
    # reference is already on record), so the receivable does not drop twice.
    _pay(log, SHUXIANG, "SX-PAY-10-B", TOTAL_FEN[SHUXIANG, "2026-10"], "2026-11-09",
         "ABC-CD-20261109-2251")
    # A transfer from another shop keyed on this contract by mistake, then voided:
    # November stays unpaid (its late_payment record is open on 2026-12-31).
    _pay(log, SHUXIANG, "SX-PAY-1208", 1500000, "2026-12-08", "ABC-CD-20261208-0917")
    log.add("2026-12-09", "void_payment", contract_id=SHUXIANG, payment_id="SX-PAY-1208",
            on="2026-12-09", reason="该笔款项为锦绣家纺旗舰店的付款，误记到本合同")


def demo_lines() -> list[str]:
    """The demo's command log: one JSON command a line, ids ``demo-0001`` upwards; the
    import story's shops (``cli.demo_imports``) are in it, their files imported after."""
    log = _Log()
    log.add("2026-08-01", "set_provider", **PROVIDER)  # the identity its statements print
    for contract, write in ((YIYI, _yiyi), (JINXIU, _jinxiu), (JIKE, _jike), (SHUXIANG, _shuxiang)):
        # One generator per contract: changing one contract's sample leaves the others alone.
        write(log, random.Random(f"{SEED}/{contract}"))
    for entered, command in story():
        log.add(entered, command["type"], **{k: v for k, v in command.items() if k != "type"})
    return log.lines()
