"""A deterministic, realistic year of ledger commands for the benchmark (issue #6).

    .venv/bin/python bench/generate.py --scale 1.0 --seed 6 --out bench/out/year-1.0.jsonl

What a year holds (SPEC §3 commands, all valid by SPEC §10):

- ``BASE_CONTRACTS`` (120) contracts at ``--scale 1.0``, built from twelve
  archetypes in rotation, so any multiple of twelve contracts has exactly the
  same mix: base+commission and fixed fee (prepaid and postpaid), monthly and
  quarterly cycles, 2 or 3 shifts a day, 5-30 agents, 7-, 6- or 5-day weeks,
  special days (元旦, 春节, 女王节, 520, 618, 99, 双11, 双12, 国庆), trials
  (converted and not), a mid-year start, a termination, a fixed term,
  deposits (on time, late, in two parts) and amendments (forward rate and
  staffing changes, a new special day, a retroactive commission and fee fix).
- Every day of service: each shift staffed from the agents live that day in
  rotation, with absences (understaffing), the odd extra agent (excess) and
  promotion-day staffing; per agent and day the service metrics and, for
  base+commission, the sales; QA inspections arrive one to three days later.
- Agents are trained, assessed (some fail first and pass a retake) and go live
  before their first shift; about one a quarter per contract leaves and is
  replaced.
- Late facts: some shifts arrive days late, some of them after their period
  was settled (billed as corrections); a few wrong clock-ins are recorded and
  retracted; a few lines are sent twice (answered ``duplicate``).
- Every period is settled: postpaid on the 1st-4th after it ends, prepaid on
  or a few days before its first day. Payments follow each statement (most on
  time, some late, some in two parts, a few carried to the next statement),
  disputes are opened and resolved, adjustments and breach reports posted.

Arrival order: day by day; within a day, contract admin first, then
settlements, then money and disputes, then the day's facts, then facts of
earlier days (QA, late shifts, retractions, resends).

Scale: ``--scale s`` gives ``round(120 * s)`` contracts over the whole year
when that is at least twelve (0.1 → 12, 0.3 → 36, 1.0 → 120; contract *i* is
the same at every scale, so smaller years are subsets). Below 0.1 the twelve
archetypes stay and the year gets shorter (0.01 → 36 days, 0.002 → 7 days);
periods that hold activity are still settled after they end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import random
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

YEAR = 2026
YEAR_START = dt.date(YEAR, 1, 1)
YEAR_END = dt.date(YEAR, 12, 31)
YEAR_DAYS = (YEAR_END - YEAR_START).days + 1
BASE_CONTRACTS = 120
TAIL_DAYS = 25  # after the last statement: payments and dispute outcomes still arrive
ONE_DAY = dt.timedelta(days=1)

# phases of a day's arrivals, in order
ADMIN, SETTLE, MONEY, FACTS, LATE = range(5)


# -- calendar ------------------------------------------------------------------

def d(month: int, day: int, year: int = YEAR) -> dt.date:
    return dt.date(year, month, day)


PROMOTIONS = {  # label -> date, by platform below
    "女王节": d(3, 8), "520": d(5, 20), "618": d(6, 18), "99划算节": d(9, 9),
    "双11": d(11, 11), "双12": d(12, 12), "年货节": d(1, 15),
}
PLATFORM_PROMOTIONS = {
    "tmall": ("女王节", "618", "99划算节", "双11"),
    "taobao": ("女王节", "618", "双11"),
    "jd": ("年货节", "618", "双11"),
    "douyin": ("520", "618", "双11"),
    "pdd": ("618", "双11"),
}
HOLIDAYS = {"元旦": d(1, 1), "春节": d(2, 17), "国庆": d(10, 1)}
PLATFORMS = ("tmall", "jd", "douyin", "taobao", "pdd")

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍建红飞鑫波斌宇浩凯健俊帆"
CITIES = ("杭州", "广州", "深圳", "上海", "苏州", "义乌", "泉州", "成都", "武汉", "青岛", "宁波", "东莞")
GOODS = ("女装", "男装", "母婴", "美妆", "家居", "数码", "食品", "户外", "宠物", "家电", "鞋靴", "珠宝")

SHIFT_SETS = {
    2: (("early", "08:00", "16:00"), ("late", "16:00", "24:00")),
    3: (("early", "08:00", "16:00"), ("mid", "12:00", "20:00"), ("late", "16:00", "24:00")),
}
SPLIT = {2: (0.55, 0.45), 3: (0.4, 0.35, 0.25)}
ALL_WEEK, MON_SAT, MON_FRI = (1, 2, 3, 4, 5, 6, 7), (1, 2, 3, 4, 5, 6), (1, 2, 3, 4, 5)
PLAN_RATIO = {7: 0.72, 6: 0.82, 5: 0.92}  # planned agent-shifts a day per agent


@dataclass(frozen=True)
class Archetype:
    model: str  # base_plus_commission | fixed_fee
    billing: str  # prepaid | postpaid (base+commission is settled afterwards: postpaid)
    cycle: str  # monthly | quarterly
    shifts: int
    agents: int  # initial headcount, jittered by ±2 within 5..30
    weekdays: tuple[int, ...] = ALL_WEEK
    start: tuple[int, int] = (1, 1)
    trial_days: int | None = None
    trial_outcome: str = "converted"
    terminate_on: tuple[int, int] | None = None  # last service day
    term_end: bool = False
    deposit: str = "on_time"  # none | on_time | late | split
    amendments: tuple[str, ...] = ()


BPC, FIXED = "base_plus_commission", "fixed_fee"
ARCHETYPES: tuple[Archetype, ...] = (
    Archetype(BPC, "postpaid", "monthly", 2, 13, amendments=("commission_retro", "rate_july")),
    Archetype(BPC, "postpaid", "monthly", 3, 26, deposit="split",
              amendments=("penalties_april", "add_double12")),
    Archetype(BPC, "postpaid", "quarterly", 2, 9, MON_SAT, deposit="late"),
    Archetype(FIXED, "prepaid", "monthly", 2, 11, deposit="none", amendments=("fee_retro",)),
    Archetype(FIXED, "postpaid", "monthly", 3, 19, term_end=True),
    Archetype(FIXED, "prepaid", "quarterly", 2, 7, MON_FRI, deposit="none"),
    Archetype(BPC, "postpaid", "monthly", 3, 28, trial_days=30, amendments=("grow_june",)),
    Archetype(FIXED, "postpaid", "quarterly", 3, 16, amendments=("fee_july",)),
    Archetype(BPC, "postpaid", "monthly", 2, 7, MON_SAT, start=(3, 16)),
    Archetype(FIXED, "prepaid", "monthly", 3, 21, deposit="none", terminate_on=(9, 30)),
    Archetype(BPC, "postpaid", "monthly", 2, 9, start=(2, 2), trial_days=45,
              trial_outcome="not_converted"),
    Archetype(FIXED, "postpaid", "monthly", 2, 15, amendments=("night_july",)),
)


# -- periods (SPEC §2) -------------------------------------------------------------

def period_of(day: dt.date, cycle: str) -> str:
    if cycle == "quarterly":
        return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"
    return f"{day.year:04d}-{day.month:02d}"


def bounds(period: str) -> tuple[dt.date, dt.date]:
    year = int(period[:4])
    if "Q" in period:
        first_month = (int(period[6]) - 1) * 3 + 1
        last_month = first_month + 2
    else:
        first_month = last_month = int(period[5:7])
    first = dt.date(year, first_month, 1)
    nxt = dt.date(year + (last_month == 12), last_month % 12 + 1, 1)
    return first, nxt - ONE_DAY


def next_period(period: str) -> str:
    return period_of(bounds(period)[1] + ONE_DAY, "quarterly" if "Q" in period else "monthly")


def days_in_month(day: dt.date) -> int:
    nxt = dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return (nxt - dt.date(day.year, day.month, 1)).days


def merge(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """SPEC §10: objects merge key by key, arrays and scalars are replaced whole."""
    out = dict(base)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


# -- one contract ---------------------------------------------------------------------

@dataclass
class AgentSpan:
    agent_id: str
    live_from: dt.date
    last_day: dt.date | None = None

    def live_on(self, day: dt.date) -> bool:
        return self.live_from <= day and (self.last_day is None or day <= self.last_day)


@dataclass
class Plan:
    """The generator's own view of the terms on a date (for staffing and estimates)."""

    terms: dict[str, Any]
    specials: dict[dt.date, dict[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.specials = {dt.date.fromisoformat(s["date"]): s
                         for s in self.terms["staffing"]["special_days"]}


class Contract:
    def __init__(self, index: int, seed: int, activity_end: dt.date,
                 arch: Archetype | None = None) -> None:
        self.index = index
        self.rng = rng = random.Random(f"ledger-bench:{seed}:{index}")
        self.arch = a = arch or ARCHETYPES[index % len(ARCHETYPES)]
        self.cid = f"HC{index + 1:04d}"
        self.counter = 0
        self.seq = 0
        self.schedule: dict[dt.date, list[tuple[int, int, dict[str, Any]]]] = defaultdict(list)
        self.stats: Counter[str] = Counter()

        self.service_start = d(*a.start)
        self.signed_on = self.service_start - dt.timedelta(days=rng.randint(10, 20))
        self.platform = PLATFORMS[(index // len(ARCHETYPES) + index) % len(PLATFORMS)]
        self.trial_end = (self.service_start + dt.timedelta(days=a.trial_days - 1)
                          if a.trial_days else None)
        self.term_end = YEAR_END if a.term_end else None
        self.last_service_day: dt.date | None = self.term_end
        if a.terminate_on is not None and d(*a.terminate_on) <= activity_end:
            self.last_service_day = d(*a.terminate_on)
        if (a.trial_outcome == "not_converted" and self.trial_end is not None
                and self.trial_end <= activity_end):
            self.last_service_day = self.trial_end
        self.activity_end = min(activity_end, self.last_service_day or activity_end)
        self.skip = self.service_start > activity_end

        self.headcount = max(5, min(30, a.agents + rng.randint(-2, 2)))
        self.signed_terms = self._terms()
        self.plans: list[tuple[dt.date, Plan]] = [(dt.date.min, Plan(self.signed_terms))]
        self.agents: list[AgentSpan] = []
        self.rotation = 0
        self.afr_base = rng.uniform(14, 24)
        self.slow_month = rng.randint(2, 11)
        self.aov = rng.randint(8000, 26000)
        self.sales_median = rng.randint(600_000, 2_400_000)
        # what the generator expects each period to bill, so that payments look like payments
        self.service_est: dict[str, float] = defaultdict(float)  # base, special days, extra shifts
        self.activity_est: dict[str, float] = defaultdict(float)  # commission, understaffing
        self.qa_est: dict[str, float] = defaultdict(float)  # QA failures before the cap
        self.final_done = False
        self.carry = 0
        self.recent_shift: dict[str, Any] | None = None
        self.issues: dict[dt.date, str] = {}
        self.issue_of: dict[str, dt.date] = {}
        self.disputes = 0
        if self.skip:
            return
        self._sign()
        self._cohort()
        self._amendments(activity_end)
        self._lifecycle()
        self._settlement_plan()
        self._breach_reports()
        self.turnover = {self._random_day(m) for m in range(2, 13)
                         if rng.random() < 0.35}

    # -- helpers ----------------------------------------------------------------
    def cmd(self, type_: str, with_contract: bool = True, **fields: Any) -> dict[str, Any]:
        self.counter += 1
        out: dict[str, Any] = {"type": type_, "id": f"{self.cid}-{self.counter:06d}"}
        if with_contract:
            out["contract_id"] = self.cid
        out.update(fields)
        return out

    def at(self, day: dt.date, phase: int, command: dict[str, Any]) -> None:
        self.seq += 1
        self.schedule[day].append((phase, self.seq, command))

    def pop(self, day: dt.date) -> list[tuple[int, dict[str, Any]]]:
        items = self.schedule.pop(day, [])
        items.sort(key=lambda item: (item[0], item[1]))
        return [(phase, command) for phase, _, command in items]

    def _random_day(self, month: int) -> dt.date:
        return d(month, self.rng.randint(1, 28))

    def plan_on(self, day: dt.date) -> Plan:
        current = self.plans[0][1]
        for start, plan in self.plans:
            if start <= day:
                current = plan
        return current

    def in_window(self, day: dt.date) -> bool:
        return self.service_start <= day <= self.activity_end

    def name(self) -> str:
        return self.rng.choice(SURNAMES) + "".join(self.rng.choices(GIVEN, k=self.rng.randint(1, 2)))

    # -- the contract as signed ---------------------------------------------------
    def _terms(self) -> dict[str, Any]:
        a, rng = self.arch, self.rng
        total = max(a.shifts, round(self.headcount * PLAN_RATIO[len(a.weekdays)]))
        counts = [max(1, round(total * share)) for share in SPLIT[a.shifts]]
        shifts = [{"code": code, "start": start, "end": end, "agents": n}
                  for (code, start, end), n in zip(SHIFT_SETS[a.shifts], counts, strict=True)]
        self.daily_plan = sum(counts)
        specials = []
        for label in PLATFORM_PROMOTIONS[self.platform]:
            multiplier = rng.choice(("1.5", "1.5", "2", "1.8"))
            specials.append({"date": PROMOTIONS[label].isoformat(), "kind": "promotion", "label": label,
                             "agents": {s["code"]: math.ceil(s["agents"] * 1.5) + 1 for s in shifts},
                             "multiplier": multiplier})
        for label, day in HOLIDAYS.items():
            if rng.random() < 0.7:
                specials.append({"date": day.isoformat(), "kind": "holiday", "label": label,
                                 "agents": {s["code"]: max(1, s["agents"] // 2) for s in shifts},
                                 "multiplier": rng.choice(("2", "3"))})
        specials.sort(key=lambda s: s["date"])
        if a.model == BPC:
            self.deposit_fen = rng.choice((500_000, 800_000, 1_000_000, 2_000_000))
            pricing: dict[str, Any] = {
                "model": BPC, "shift_rate_fen": rng.randrange(18_000, 32_001, 500),
                "commission_rate": rng.choice(("0.005", "0.008", "0.01", "0.012", "0.015")),
                "deposit_fen": self.deposit_fen}
        else:
            fee = int(round(self.daily_plan * 30.4 * rng.randint(200, 260), -2)) * 100  # yuan -> fen
            self.deposit_fen = 0 if a.deposit == "none" else fee // 2
            pricing = {"model": FIXED, "monthly_fee_fen": fee, "billing": a.billing,
                       "extra_shift_fen": rng.randrange(25_000, 40_001, 1000),
                       "deposit_fen": self.deposit_fen}
        return {
            "settlement_cycle": a.cycle,
            "payment_due_days": rng.choice((7, 10, 15)),
            "tax_rate": "0.06",
            "pricing": pricing,
            "staffing": {"weekdays": list(a.weekdays), "shifts": shifts, "special_days": specials},
            "kpi": {"min_qa_score": rng.choice((80, 85)), "max_first_response_s": rng.choice((25, 30, 40))},
            "penalties": {"qa_failure_fen": rng.choice((15_000, 20_000, 25_000)), "qa_cap_rate": "0.10",
                          "qa_breach_failures": rng.choice((3, 4, 5)),
                          "understaffing_fen": rng.choice((8_000, 10_000, 12_000)),
                          "late_fee_daily_rate": "0.0005"},
        }

    def _sign(self) -> None:
        rng, a = self.rng, self.arch
        body: dict[str, Any] = {
            "merchant": {"id": f"M-{self.platform.upper()}-{10000 + self.index * 7}",
                         "name": f"{CITIES[self.index % len(CITIES)]}"
                                 f"{GOODS[(self.index // 3) % len(GOODS)]}旗舰店{self.index + 1}号",
                         "platform": self.platform},
            "signed_on": self.signed_on.isoformat(),
            "service_start": self.service_start.isoformat(),
            "terms": self.signed_terms,
        }
        if self.trial_end is not None:
            body["trial_end"] = self.trial_end.isoformat()
        if self.term_end is not None:
            body["term_end"] = self.term_end.isoformat()
        self.at(self.signed_on, ADMIN, self.cmd("sign_contract", **body))
        if self.deposit_fen == 0:
            return
        if a.deposit == "late":
            days = [(self.service_start + dt.timedelta(days=rng.randint(3, 9)), self.deposit_fen)]
        elif a.deposit == "split":
            half = self.deposit_fen // 2
            days = [(self.signed_on + ONE_DAY * 2, half),
                    (self.signed_on + ONE_DAY * rng.randint(4, 8), self.deposit_fen - half)]
        else:
            days = [(self.signed_on + ONE_DAY * rng.randint(1, 6), self.deposit_fen)]
        for n, (day, amount) in enumerate(days, 1):
            self.at(day, MONEY, self.cmd("record_deposit", amount_fen=amount, received_on=day.isoformat(),
                                         reference=f"DEP-{self.cid}-{n}"))

    def hire(self, live_from: dt.date, trained_on: dt.date) -> AgentSpan:
        """Train, assess (a tenth fail first and retake) and go live from ``live_from``."""
        rng = self.rng
        agent_id = f"{self.cid}-A{len(self.agents) + 1:03d}"
        topics = ["平台规则", "商品知识", "售后话术"] + (["大促活动"] if rng.random() < 0.4 else [])
        self.at(trained_on, ADMIN, self.cmd("train_agent", agent_id=agent_id, name=self.name(),
                                            completed_on=trained_on.isoformat(), topics=topics))
        assessed = trained_on + ONE_DAY
        if rng.random() < 0.1:
            self.at(assessed, ADMIN, self.cmd("assess_agent", agent_id=agent_id, on=assessed.isoformat(),
                                              passed=False, score=rng.randint(55, 79)))
            assessed += ONE_DAY * 2
            live_from = max(live_from, assessed + ONE_DAY)
        self.at(assessed, ADMIN, self.cmd("assess_agent", agent_id=agent_id, on=assessed.isoformat(),
                                          passed=True, score=rng.randint(80, 99)))
        self.at(assessed, ADMIN, self.cmd("agent_live", agent_id=agent_id, **{"from": live_from.isoformat()}))
        span = AgentSpan(agent_id, live_from)
        self.agents.append(span)
        self.stats["agents"] += 1
        return span

    def _cohort(self) -> None:
        for _ in range(self.headcount):
            self.hire(self.service_start, self.service_start - ONE_DAY * self.rng.randint(4, 8))

    def _amendments(self, activity_end: dt.date) -> None:
        terms = self.signed_terms
        for recipe in self.arch.amendments:
            arrival, effective, changes, hires = self._recipe(recipe, terms)
            if arrival > activity_end or arrival < self.service_start:
                continue
            self.at(arrival, ADMIN, self.cmd("amend_terms", effective_from=effective.isoformat(),
                                             terms=changes))
            for _ in range(hires):
                self.hire(effective, arrival + ONE_DAY)
            terms = merge(terms, changes)
            self.plans.append((effective, Plan(terms)))
            self.plans.sort(key=lambda p: p[0])

    def _recipe(self, recipe: str, terms: dict[str, Any]) -> tuple[dt.date, dt.date, dict[str, Any], int]:
        pricing, staffing = terms["pricing"], terms["staffing"]
        fee = pricing.get("monthly_fee_fen", 0)
        if recipe == "commission_retro":  # a rate agreed in April but entered in May: corrections
            return d(5, 12), d(4, 1), {"pricing": {"commission_rate": "0.011"}}, 0
        if recipe == "rate_july":
            return d(6, 20), d(7, 1), {"pricing": {"shift_rate_fen": pricing["shift_rate_fen"] + 2000}}, 0
        if recipe == "penalties_april":
            return d(3, 25), d(4, 1), {"penalties": {"understaffing_fen": 15_000},
                                       "kpi": {"max_first_response_s": 25}}, 0
        if recipe == "add_double12":
            specials = [*staffing["special_days"], {
                "date": d(12, 12).isoformat(), "kind": "promotion", "label": "双12",
                "agents": {s["code"]: s["agents"] + 2 for s in staffing["shifts"]}, "multiplier": "1.5"}]
            return d(11, 20), d(11, 20), {"staffing": {"special_days": specials}}, 0
        if recipe == "fee_retro":  # the August fee was renegotiated after it was billed
            return d(8, 10), d(8, 1), {"pricing": {"monthly_fee_fen": fee - 200_000}}, 0
        if recipe == "fee_july":
            return d(6, 15), d(7, 1), {"pricing": {"monthly_fee_fen": fee + 300_000}}, 0
        if recipe == "grow_june":  # two more agents on the early shift from June: four more hires
            shifts = [dict(s) for s in staffing["shifts"]]
            shifts[0]["agents"] += 2
            return d(5, 18), d(6, 1), {"staffing": {"shifts": shifts}}, 4
        if recipe == "night_july":  # a night shift from July, paid by a higher fee
            shifts = [*staffing["shifts"], {"code": "night", "start": "00:00", "end": "08:00", "agents": 2}]
            return d(6, 10), d(7, 1), {"staffing": {"shifts": shifts},
                                       "pricing": {"monthly_fee_fen": fee + 900_000}}, 3
        raise ValueError(recipe)

    def _lifecycle(self) -> None:
        a = self.arch
        if self.trial_end is not None and self.trial_end <= self.activity_end:
            if a.trial_outcome == "converted":
                self.at(self.trial_end, ADMIN, self.cmd("end_trial", on=self.trial_end.isoformat(),
                                                        outcome="converted"))
            else:  # notice a few days before the last trial day
                self.at(self.trial_end - ONE_DAY * 3, ADMIN, self.cmd(
                    "end_trial", on=self.trial_end.isoformat(), outcome="not_converted"))
        if a.terminate_on is not None and self.last_service_day == d(*a.terminate_on):
            self.at(self.last_service_day - ONE_DAY * 29, ADMIN, self.cmd(
                "terminate_contract", last_day=self.last_service_day.isoformat(),
                initiated_by="merchant", reason="商家业务调整，自建客服团队"))

    def _settlement_plan(self) -> None:
        a, rng = self.arch, self.rng
        cycle = a.cycle
        period = period_of(self.service_start, cycle)
        last = period_of(self.activity_end, cycle)
        if a.billing == "prepaid":
            last = next_period(last)
        previous = self.signed_on
        while True:
            first, end = bounds(period)
            if a.billing == "prepaid":
                issued = first if rng.random() < 0.7 else first - ONE_DAY * rng.randint(1, 3)
                if period == period_of(self.service_start, cycle):
                    issued = self.service_start - ONE_DAY * 2
            else:
                issued = end + ONE_DAY * rng.randint(1, 4)
            issued = max(issued, previous)
            self.issues[issued] = period
            self.issue_of[period] = issued
            previous = issued
            if period == last:
                break
            period = next_period(period)

    def _breach_reports(self) -> None:
        rng = self.rng
        if rng.random() >= 0.3 or self.activity_end <= self.service_start + ONE_DAY * 10:
            return
        on = self.service_start + ONE_DAY * rng.randint(5, (self.activity_end - self.service_start).days)
        provider = rng.random() < 0.6
        breach_id = f"BR-{self.cid}-1"
        self.at(on + ONE_DAY, MONEY, self.cmd(
            "report_breach", breach_id=breach_id, party="provider" if provider else "merchant",
            kind="confidentiality" if provider else "late_material", on=on.isoformat(),
            description="客服外泄买家手机号" if provider else "商家未按时提供新品资料",
            penalty_fen=rng.choice((100_000, 200_000, 500_000)) if provider else 50_000))
        if rng.random() < 0.6:
            resolved = on + ONE_DAY * rng.randint(5, 20)
            self.at(resolved, MONEY, self.cmd(
                "resolve_breach", with_contract=False, breach_id=f"{self.cid}/reported/{breach_id}",
                outcome="remedied", on=resolved.isoformat(), note="已整改并培训"))

    # -- every day ---------------------------------------------------------------------
    def step(self, day: dt.date) -> None:
        if self.skip:
            return
        if day in self.turnover and self.in_window(day):
            self._turnover(day)
        if day in self.issues:
            self._issue(day, self.issues[day])
        if self.in_window(day):
            self._work(day)

    def _turnover(self, day: dt.date) -> None:
        leaving = [s for s in self.agents if s.last_day is None and s.live_from < day]
        if not leaving:
            return
        span = self.rng.choice(leaving)
        span.last_day = day + ONE_DAY * 7
        self.at(day, ADMIN, self.cmd("offboard_agent", agent_id=span.agent_id,
                                     last_day=span.last_day.isoformat()))
        self.hire(span.last_day + ONE_DAY, day + ONE_DAY * 2)

    def _work(self, day: dt.date) -> None:
        rng = self.rng
        plan = self.plan_on(day)
        terms = plan.terms
        special = plan.specials.get(day)
        live = [s.agent_id for s in self.agents if s.live_on(day)]
        if not live:
            return
        weekday_on = day.isoweekday() in terms["staffing"]["weekdays"]
        period = period_of(day, self.arch.cycle)
        worked: dict[str, list[str]] = {}
        for shift in terms["staffing"]["shifts"]:
            code = shift["code"]
            normal = shift["agents"] if weekday_on else 0
            planned = special["agents"].get(code, normal) if special else normal
            wanted = min(planned, len(live))
            staff = [live[(self.rotation + i) % len(live)] for i in range(wanted)]
            self.rotation = (self.rotation + wanted) % len(live)
            staff = [a for a in staff if rng.random() >= 0.025]  # absences: understaffing
            if planned and rng.random() < 0.01 and len(staff) < len(live):  # one agent too many
                spare = [a for a in live if a not in staff]
                staff.append(rng.choice(spare))
            for agent in staff:
                worked.setdefault(agent, []).append(code)
            self._estimate_shifts(period, terms, special, min(planned, len(staff)), planned, normal)
            self._record_shifts(day, code, staff, live)
        self._day_figures(day, period, terms, special, worked)

    def _record_shifts(self, day: dt.date, code: str, staff: list[str], live: list[str]) -> None:
        rng = self.rng
        for agent in staff:
            command = self.cmd("record_shift", agent_id=agent, date=day.isoformat(), shift=code)
            if rng.random() < 0.004:  # clocked in late by hand: arrives days later
                self.at(day + ONE_DAY * rng.randint(5, 14), LATE, command)
                self.stats["late_shifts"] += 1
            elif self._period_end(day) and rng.random() < 0.02:  # after the period was settled
                period = period_of(day, self.arch.cycle)
                settled_by = self.issue_of.get(next_period(period) if self.arch.billing == "prepaid"
                                               else period)
                arrival = (settled_by or day) + ONE_DAY * rng.randint(1, 4)
                self.at(max(arrival, day + ONE_DAY), LATE, command)
                self.stats["late_shifts_after_settlement"] += 1
            else:
                self.at(day, FACTS, command)
                self.recent_shift = command
        if rng.random() < 0.006:  # a wrong clock-in, retracted a few days later
            spare = [a for a in live if a not in staff]
            if spare:
                agent = rng.choice(spare)
                self.at(day, FACTS, self.cmd("record_shift", agent_id=agent, date=day.isoformat(),
                                             shift=code))
                self.at(day + ONE_DAY * rng.randint(1, 6), LATE, self.cmd(
                    "retract_shift", agent_id=agent, date=day.isoformat(), shift=code,
                    reason="误打卡：该客服当日未在此班次上岗"))
        if self.recent_shift is not None and rng.random() < 0.0004:  # a line resent by the merchant's tool
            self.at(day, LATE, self.recent_shift)
            self.stats["resent"] += 1

    def _period_end(self, day: dt.date) -> bool:
        return bounds(period_of(day, self.arch.cycle))[1] - day < dt.timedelta(days=3)

    def _day_figures(self, day: dt.date, period: str, terms: dict[str, Any], special: Any,
                     worked: dict[str, list[str]]) -> None:
        rng = self.rng
        bpc = self.arch.model == BPC
        boost = 3.0 if special and special["kind"] == "promotion" else 1.0
        slow = 12.0 if day.month == self.slow_month else 0.0
        for agent in worked:
            if bpc and rng.random() < 0.92:
                sales = int(rng.lognormvariate(math.log(self.sales_median * boost), 0.6))
                self.at(day, FACTS, self.cmd("record_sales", agent_id=agent, date=day.isoformat(),
                                             sales_fen=sales, orders=round(sales / self.aov)))
                self.activity_est[period] += sales * float(terms["pricing"]["commission_rate"])
            self.at(day, FACTS, self.cmd(
                "record_service_metrics", agent_id=agent, date=day.isoformat(),
                sessions=int(rng.randint(40, 220) * boost),
                avg_first_response_s=round(max(3.0, rng.gauss(self.afr_base + slow, 4.0)), 1)))
            if rng.random() < 0.1:  # QA inspectors score a session a day or three later
                self.stats["qa"] += 1
                score = min(100, max(40, round(rng.gauss(90, 4.5))))
                self.at(day + ONE_DAY * rng.randint(1, 3), LATE, self.cmd(
                    "record_qa_inspection", inspection_id=f"QA-{self.cid}-{self.stats['qa']:05d}",
                    agent_id=agent, date=day.isoformat(), score=score,
                    sampled_sessions=rng.randint(10, 40)))
                if score < terms["kpi"]["min_qa_score"]:
                    self.qa_est[period] += terms["penalties"]["qa_failure_fen"]

    def _estimate_shifts(self, period: str, terms: dict[str, Any], special: Any, billable: int,
                         planned: int, normal: int) -> None:
        pricing = terms["pricing"]
        multiplier = float(special["multiplier"]) if special else 1.0
        self.activity_est[period] -= (planned - billable) * terms["penalties"]["understaffing_fen"]
        if pricing["model"] == BPC:
            self.service_est[period] += billable * pricing["shift_rate_fen"] * multiplier
        elif special:
            self.service_est[period] += max(0, billable - normal) * pricing["extra_shift_fen"] * multiplier

    # -- statements and money ------------------------------------------------------------
    def _fee(self, period: str) -> float:
        if self.arch.model != FIXED:
            return 0.0
        first, end = bounds(period)
        fee, day = 0.0, first
        while day <= end:
            if self.service_start <= day and (self.last_service_day is None or day <= self.last_service_day):
                fee += self.plan_on(day).terms["pricing"]["monthly_fee_fen"] / days_in_month(day)
            day += ONE_DAY
        return fee

    def _issue(self, day: dt.date, period: str) -> None:
        rng = self.rng
        self.at(day, SETTLE, self.cmd("issue_settlement", period=period, issued_on=day.isoformat()))
        self.stats["statements"] += 1
        first, end = bounds(period)
        last = self.last_service_day
        fixed = self.arch.model == FIXED
        if self.arch.billing == "prepaid":  # the fee of the period, the activity of the one before
            activity = period_of(first - ONE_DAY, self.arch.cycle)
            final = last is not None and first > last
            fee = 0.0 if final else self._fee(period)
        else:
            activity = period
            final = last is not None and end >= last
            fee = self._fee(period)
        service = self.service_est.pop(activity, 0.0)
        qa = min(self.qa_est.pop(activity, 0.0), 0.1 * (service + (self._fee(activity) if fixed else 0)))
        amount = fee + service + self.activity_est.pop(activity, 0.0) - qa
        total = round(amount * 1.06) + self.carry
        self.carry = 0
        if final and not self.final_done:  # the deposit held is applied on the final statement
            self.final_done = True
            total -= self.deposit_fen
        due = day + ONE_DAY * self.signed_terms["payment_due_days"]
        if total > 0:
            self._payments(day, due, total)
        if rng.random() < 0.08:
            self._dispute(day, period)
        if rng.random() < 0.05:
            self.stats["adjustments"] += 1
            line = "base" if self.arch.model == BPC else "fixed_fee"
            self.at(day + ONE_DAY * rng.randint(1, 10), MONEY, self.cmd(
                "post_adjustment", adjustment_id=f"ADJ-{self.cid}-{self.stats['adjustments']:03d}",
                amount_fen=-rng.randrange(5_000, 80_001, 100), reason="服务补偿：大促期间响应延迟",
                refers_to={"period": period, "line": line}))

    def _payments(self, issued: dt.date, due: dt.date, total: int) -> None:
        rng = self.rng
        r = rng.random()
        if r < 0.78:
            parts = [(issued + ONE_DAY * rng.randint(1, max(1, (due - issued).days)), total)]
        elif r < 0.90:
            parts = [(due + ONE_DAY * rng.randint(1, 20), total)]
        elif r < 0.97:
            first = total * 6 // 10
            parts = [(issued + ONE_DAY * rng.randint(1, 5), first),
                     (due + ONE_DAY * rng.randint(-2, 15), total - first)]
        else:  # paid together with the next statement
            self.carry = total
            return
        for received, amount in parts:
            self.stats["payments"] += 1
            n = self.stats["payments"]
            self.at(received, MONEY, self.cmd(
                "record_payment", payment_id=f"PAY-{self.cid}-{n:04d}", amount_fen=amount,
                received_on=received.isoformat(), reference=f"BANK{received:%Y%m%d}{self.index:04d}{n:04d}"))

    def _dispute(self, issued: dt.date, period: str) -> None:
        rng = self.rng
        self.disputes += 1
        dispute_id = f"DSP-{self.cid}-{self.disputes:03d}"
        lines = (("base", "understaffing", "commission", "qa_penalty") if self.arch.model == BPC
                 else ("fixed_fee", "extra_shifts", "understaffing"))
        claim = -rng.randrange(10_000, 200_001, 100)
        opened = issued + ONE_DAY * rng.randint(3, 9)
        self.at(opened, MONEY, self.cmd(
            "open_dispute", dispute_id=dispute_id, period=period, line=rng.choice(lines), claim_fen=claim,
            opened_on=opened.isoformat(), note="商家认为部分班次未实际到岗"))
        resolved = opened + ONE_DAY * rng.randint(4, 15)
        r = rng.random()
        body: dict[str, Any] = {"dispute_id": dispute_id, "resolved_on": resolved.isoformat()}
        if r < 0.55:
            body |= {"outcome": "upheld", "adjustment_fen": round(claim * rng.uniform(0.3, 1.0)),
                     "note": "核实后部分认可"}
            self.stats["disputes_upheld"] += 1
        elif r < 0.65:
            body |= {"outcome": "upheld", "adjustment_fen": 0, "note": "认可，费用已在下期调整"}
        else:
            body |= {"outcome": "rejected", "note": "考勤记录完整，不予支持"}
        self.at(resolved, MONEY, self.cmd("resolve_dispute", with_contract=False, **body))


# -- the year -------------------------------------------------------------------------

def layout(scale: float) -> tuple[int, dt.date]:
    """(number of contracts, last day of activity) for a scale."""
    if scale <= 0:
        raise ValueError("scale must be > 0")
    n = BASE_CONTRACTS * scale
    if n >= len(ARCHETYPES):
        return round(n), YEAR_END
    days = max(7, round(YEAR_DAYS * n / len(ARCHETYPES)))
    return len(ARCHETYPES), YEAR_START + ONE_DAY * (days - 1)


@dataclass
class Year:
    scale: float
    seed: int
    contracts: list[Contract]
    first_day: dt.date
    last_day: dt.date
    activity_end: dt.date

    def commands(self) -> Iterator[dict[str, Any]]:
        """Day by day across every contract (the arrival order described above)."""
        day = self.first_day
        while day <= self.last_day:
            phases: list[list[dict[str, Any]]] = [[] for _ in range(LATE + 1)]
            for contract in self.contracts:
                contract.step(day)
                for phase, command in contract.pop(day):
                    phases[phase].append(command)
            for commands in phases:
                yield from commands
            day += ONE_DAY

    def by_contract(self) -> Iterator[dict[str, Any]]:
        """Each contract's whole history in one block, contract after contract, as an
        import from another system arrives. A contract's commands are the same as in
        ``commands`` (each contract draws from its own random stream) and in the same
        order among themselves."""
        for contract in self.contracts:
            day = self.first_day
            while day <= self.last_day:
                contract.step(day)
                for _, command in contract.pop(day):
                    yield command
                day += ONE_DAY


def year(scale: float, seed: int = 6) -> Year:
    count, activity_end = layout(scale)
    contracts = [c for c in (Contract(i, seed, activity_end) for i in range(count)) if not c.skip]
    return _year(scale, seed, contracts, activity_end)


def _year(scale: float, seed: int, contracts: list[Contract], activity_end: dt.date) -> Year:
    first = min(min(c.schedule) for c in contracts)
    last = max(max(c.issues) for c in contracts) + ONE_DAY * TAIL_DAYS
    return Year(scale, seed, contracts, first, last, activity_end)


# -- the other shapes of load (issue 14) -------------------------------------------------

SHAPES = ("year", "day", "contract")
DAY_CONTRACTS = 60  # at --scale 1.0
DAY_AGENTS = 10
DAY_ACTIVITY_END = d(3, 31)  # three months of service
DAY_STAFFING = (4, 3, 2)  # early, mid, late: nine agent-shifts a day from ten agents
DAY_ARCHETYPE = Archetype(BPC, "postpaid", "monthly", 3, DAY_AGENTS)
DAY_SALES, DAY_METRICS, DAY_QA = 0.36, 0.13, 0.02  # share of the agents who worked, per day


class ShiftHeavyContract(Contract):
    """A contract of the day-ordered load: base+commission, monthly, ten agents, nine
    agent-shifts every day of the week; per day, sales for about a third of the agents
    who worked, service metrics for about one in eight, now and then a QA inspection."""

    def _terms(self) -> dict[str, Any]:
        self.headcount = DAY_AGENTS
        terms = super()._terms()
        for shift, agents in zip(terms["staffing"]["shifts"], DAY_STAFFING, strict=True):
            shift["agents"] = agents
        self.daily_plan = sum(DAY_STAFFING)
        return terms

    def _day_figures(self, day: dt.date, period: str, terms: dict[str, Any], special: Any,
                     worked: dict[str, list[str]]) -> None:
        rng = self.rng
        boost = 3.0 if special and special["kind"] == "promotion" else 1.0
        for agent in worked:
            if rng.random() < DAY_SALES:
                sales = int(rng.lognormvariate(math.log(self.sales_median * boost), 0.6))
                self.at(day, FACTS, self.cmd("record_sales", agent_id=agent, date=day.isoformat(),
                                             sales_fen=sales, orders=round(sales / self.aov)))
                self.activity_est[period] += sales * float(terms["pricing"]["commission_rate"])
            if rng.random() < DAY_METRICS:
                self.at(day, FACTS, self.cmd(
                    "record_service_metrics", agent_id=agent, date=day.isoformat(),
                    sessions=int(rng.randint(40, 220) * boost),
                    avg_first_response_s=round(max(3.0, rng.gauss(self.afr_base, 4.0)), 1)))
            if rng.random() < DAY_QA:
                self.stats["qa"] += 1
                self.at(day + ONE_DAY * rng.randint(1, 3), LATE, self.cmd(
                    "record_qa_inspection", inspection_id=f"QA-{self.cid}-{self.stats['qa']:05d}",
                    agent_id=agent, date=day.isoformat(), score=min(100, max(40, round(rng.gauss(90, 4.5)))),
                    sampled_sessions=rng.randint(10, 40)))


def day_load(scale: float, seed: int = 6) -> Year:
    """The day-ordered load: ``round(60 × scale)`` shift-heavy contracts (at least two)
    over three months, every line in business-day order across all of them."""
    if scale <= 0:
        raise ValueError("scale must be > 0")
    count = max(2, round(DAY_CONTRACTS * scale))
    contracts = [ShiftHeavyContract(i, seed, DAY_ACTIVITY_END, DAY_ARCHETYPE) for i in range(count)]
    return _year(scale, seed, contracts, DAY_ACTIVITY_END)


def shaped(shape: str, scale: float, seed: int = 6) -> tuple[Year, Iterator[dict[str, Any]]]:
    """The load of a shape and its commands in arrival order."""
    if shape == "year":
        y = year(scale, seed)
        return y, y.commands()
    if shape == "day":
        y = day_load(scale, seed)
        return y, y.commands()
    if shape == "contract":
        y = year(scale, seed)
        return y, y.by_contract()
    raise ValueError(f"unknown shape {shape!r} (one of {', '.join(SHAPES)})")


def write(path: str | Path, scale: float, seed: int = 6, shape: str = "year") -> dict[str, Any]:
    """Write the load of a shape (default: the year) as JSON Lines; return what it holds."""
    y, commands = shaped(shape, scale, seed)
    types: Counter[str] = Counter()
    expected_events = 0
    lines = 0
    with open(path, "w", encoding="utf-8") as out:
        for command in commands:
            out.write(json.dumps(command, ensure_ascii=False, separators=(",", ":")) + "\n")
            types[command["type"]] += 1
            lines += 1
    stats: Counter[str] = Counter()
    for c in y.contracts:
        stats.update(c.stats)
    # events: one per accepted command; open_dispute adds a claim event, an upheld dispute
    # with a non-zero adjustment an adjustment event; resent lines add none
    expected_events = lines - stats["resent"] + types["open_dispute"] + stats["disputes_upheld"]
    return {
        "shape": shape, "scale": scale, "seed": seed, "contracts": len(y.contracts), "lines": lines,
        "expected_events": expected_events, "first_day": y.first_day.isoformat(),
        "activity_end": y.activity_end.isoformat(), "last_day": y.last_day.isoformat(),
        "agents": stats["agents"], "resent_lines": stats["resent"],
        "late_shifts": stats["late_shifts"],
        "late_shifts_after_settlement": stats["late_shifts_after_settlement"],
        "types": dict(sorted(types.items())),
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--scale", type=float, default=1.0, help="1.0 = a year of 120 contracts (default)")
    p.add_argument("--seed", type=int, default=6)
    p.add_argument("--shape", choices=SHAPES, default="year",
                   help="year: day by day across 120 contracts (default); day: 60 shift-heavy "
                        "contracts over three months, day by day; contract: the year, each "
                        "contract's whole history in one block")
    p.add_argument("--out", default=None, help="output JSONL (default bench/out/SHAPE-SCALE.jsonl)")
    args = p.parse_args(argv)
    out = Path(args.out or Path(__file__).parent / "out" / f"{args.shape}-{args.scale:g}.jsonl")
    out.parent.mkdir(parents=True, exist_ok=True)
    stats = write(out, args.scale, args.seed, args.shape)
    sys.stderr.write(json.dumps(stats, ensure_ascii=False, indent=1) + "\n")
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
