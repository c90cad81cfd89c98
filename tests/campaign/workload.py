"""A large, valid, seeded command log built with the test builders.

Several contracts of every pricing model (base + commission monthly and
quarterly, with a trial; fixed fee postpaid and prepaid), agents trained,
assessed, live, offboarded and live again; shifts (under- and over-staffed),
sales, service metrics, QA inspections, late shifts that become corrections,
retractions, amendments, adjustments, reported and resolved breaches,
disputes, deposits, payments (some late) and a statement per period; one
contract terminated at the end so its deposit is applied. Every line is
meant to be accepted, so a clean run exits 0; command ids are fixed by the
seed (``<prefix>-<n>``), so the same seed gives the same bytes.
"""

from __future__ import annotations

import calendar
import json
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import builders as b

START = date(2026, 3, 2)  # a Monday


@dataclass
class Plan:
    """The shape of a workload; ``lines`` grows with contracts x months x agents."""

    contracts: int = 6
    months: int = 6
    agents: int = 7  # per contract; the plan needs 3 early + 2 late a day
    prefix: str = "w"


@dataclass
class Workload:
    commands: list[dict[str, Any]]
    contracts: list[str]
    breaches_on: str  # the business date for `ledger breaches --on`
    kinds: dict[str, str] = field(default_factory=dict)

    def lines(self) -> list[str]:
        return [json.dumps(c, ensure_ascii=False, sort_keys=False) for c in self.commands]

    def write(self, path: Path) -> Path:
        path.write_text("\n".join(self.lines()) + "\n", encoding="utf-8")
        return path


def _month_add(year: int, month: int, n: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + n
    return index // 12, index % 12 + 1


def _month_days(year: int, month: int) -> list[date]:
    return [date(year, month, d) for d in range(1, calendar.monthrange(year, month)[1] + 1)]


def _terms(kind: str, rng: random.Random) -> dict[str, Any]:
    special = [{"date": "2026-06-18", "kind": "promotion", "label": "618",
                "agents": {"early": 4}, "multiplier": "1.5"},
               {"date": "2026-11-11", "kind": "promotion", "label": "双11",
                "agents": {"early": 4, "late": 3}, "multiplier": "2"}]
    staffing = {
        "weekdays": [1, 2, 3, 4, 5, 6, 7],
        "shifts": [{"code": "early", "start": "08:00", "end": "16:00", "agents": 3},
                   {"code": "late", "start": "16:00", "end": "24:00", "agents": 2}],
        "special_days": special,
    }
    deposit = rng.choice([0, 500000, 1000000])
    if kind in ("bpc", "bpc_quarterly", "bpc_trial"):
        terms = b.bpc_terms(staffing=staffing, pricing={
            "shift_rate_fen": rng.choice([18000, 20000, 25000]),
            "commission_rate": rng.choice(["0.01", "0.015", "0.0125"]), "deposit_fen": deposit})
        if kind == "bpc_quarterly":
            terms["settlement_cycle"] = "quarterly"
    else:
        terms = b.fixed_terms("prepaid" if kind == "fixed_prepaid" else "postpaid",
                              staffing=staffing)
        terms["pricing"]["deposit_fen"] = deposit
        terms["pricing"]["monthly_fee_fen"] = rng.choice([2800000, 3000000, 3100000])
    terms["penalties"]["qa_breach_failures"] = 2
    return terms


KINDS = ("bpc", "fixed_postpaid", "fixed_prepaid", "bpc_quarterly", "bpc_trial")


def build(seed: int, plan: Plan | None = None) -> Workload:
    """The workload of ``seed``: every command, in log order, with fixed ids."""
    plan = plan or Plan()
    rng = random.Random(seed)
    contracts = [f"K{i + 1}" for i in range(plan.contracts)]
    kinds = {c: KINDS[i % len(KINDS)] for i, c in enumerate(contracts)}
    end_year, end_month = _month_add(START.year, START.month, plan.months - 1)
    last_day = _month_days(end_year, end_month)[-1]
    terminated = contracts[0] if plan.contracts > 1 else None  # a bpc contract
    # each contract's stream of commands per "slot" (a month's activity or a statement
    # date); the slots of all contracts are interleaved line by line.
    out: list[dict[str, Any]] = []
    state = {c: _Contract(c, kinds[c], rng, plan) for c in contracts}
    for c in contracts:
        out += state[c].setup()
    for m in range(plan.months):
        year, month = _month_add(START.year, START.month, m)
        per_contract = [state[c].month(year, month, m, terminated == c and m == plan.months - 1)
                        for c in contracts]
        out += _interleave(per_contract, rng)
    tails = [state[c].close(end_year, end_month) for c in contracts]
    out += _interleave(tails, rng)
    for i, command in enumerate(out):
        command["id"] = f"{plan.prefix}-{seed}-{i:06d}"
    return Workload(out, contracts, (last_day + timedelta(days=45)).isoformat(), kinds)


def _interleave(groups: list[list[dict[str, Any]]], rng: random.Random) -> list[dict[str, Any]]:
    """Merge the groups keeping each group's own order (random riffle)."""
    queues = [list(reversed(g)) for g in groups if g]
    out = []
    while queues:
        q = rng.choice(queues)
        out.append(q.pop())
        if not q:
            queues.remove(q)
    return out


class _Contract:
    def __init__(self, cid: str, kind: str, rng: random.Random, plan: Plan) -> None:
        self.cid, self.kind, self.rng, self.plan = cid, kind, rng, plan
        self.terms = _terms(kind, rng)
        self.agents = [f"{cid}-A{i + 1}" for i in range(plan.agents)]
        self.live: set[str] = set(self.agents)
        self.offboarded: dict[str, date] = {}
        self.issued: list[str] = []
        self.statement_dates: list[date] = []
        self.late: list[dict[str, Any]] = []  # shifts held back to arrive after their statement
        self.n = 0
        self.last_service_day: date | None = None
        self.prepaid = kind == "fixed_prepaid"
        self.quarterly = kind == "bpc_quarterly"
        self.disputes: list[tuple[str, date]] = []

    def _id(self, what: str) -> str:
        self.n += 1
        return f"{self.cid}-{what}{self.n}"

    def setup(self) -> list[dict[str, Any]]:
        over: dict[str, Any] = {"merchant": {"id": f"M-{self.cid}", "name": f"店铺 {self.cid}",
                                             "platform": self.rng.choice(["tmall", "jd", "douyin"])}}
        if self.kind == "bpc_trial":
            over["trial_end"] = (START + timedelta(days=27)).isoformat()
        out = [b.sign(self.cid, self.terms, **over)]
        deposit = self.terms["pricing"]["deposit_fen"]
        if deposit:
            on = START - timedelta(days=self.rng.choice([5, 1, 0, -3]))  # sometimes late
            out.append(b.cmd("record_deposit", self.cid, amount_fen=deposit, received_on=on.isoformat(),
                             reference=f"DEP-{self.cid}"))
        for agent in self.agents:
            out += b.agent_ready(agent, self.cid, START.isoformat())
        # one agent fails once before passing (any passed assessment counts)
        out.insert(len(out) - 1, b.cmd("assess_agent", self.cid, agent_id=self.agents[-1],
                                       on="2026-02-27", passed=False, score=60))
        if self.prepaid:
            out.append(b.issue("2026-03", "2026-03-01", self.cid))
            self.issued.append("2026-03")
        return out

    def _plan_on(self, day: date) -> dict[str, int]:
        plan = {"early": 3, "late": 2}
        for special in self.terms["staffing"]["special_days"]:
            if special["date"] == day.isoformat():
                plan.update(special["agents"])
        return plan

    def _period(self, year: int, month: int) -> str:
        if self.quarterly:
            return f"{year:04d}-Q{(month - 1) // 3 + 1}"
        return f"{year:04d}-{month:02d}"

    def _issue(self, period: str, on: date) -> list[dict[str, Any]]:
        self.issued.append(period)
        self.statement_dates.append(on)
        out = [b.issue(period, on.isoformat(), self.cid)]
        # payments: some on time, some late, some more than owed (credit)
        for _ in range(self.rng.choice([1, 1, 2])):
            received = on + timedelta(days=self.rng.choice([2, 5, 9, 14, 25]))
            pid = self._id("P")
            out.append(b.pay(pid, self.rng.randrange(1_000_000, 5_000_000), received.isoformat(), self.cid))
        if len(self.issued) >= 2 and self.rng.random() < 0.5:
            did = self._id("D")
            period = self.issued[-2] if not self.prepaid else self.issued[-1]
            out.append(b.cmd("open_dispute", self.cid, dispute_id=did, period=period,
                             line=self.rng.choice(["base", "fixed_fee", "understaffing"]),
                             claim_fen=-self.rng.randrange(1000, 50000), opened_on=on.isoformat(),
                             note="客户对账单有异议"))
            self.disputes.append((did, on))
        return out

    def month(self, year: int, month: int, m: int, terminate: bool) -> list[dict[str, Any]]:
        rng = self.rng
        out: list[dict[str, Any]] = []
        days = [d for d in _month_days(year, month) if d >= START]
        first = days[0]
        # statements of the period(s) that ended before this month
        if self.prepaid:
            if m > 0 or first > START:
                period = self._period(year, month)
                if period not in self.issued:
                    out += self._issue(period, first)
        elif m > 0:
            py, pm = _month_add(year, month, -1)
            prev = self._period(py, pm)
            if prev != self._period(year, month) and prev not in self.issued:
                out += self._issue(prev, first + timedelta(days=rng.choice([0, 1, 2, 4])))
        if self.late:  # last month's held-back shifts arrive after its statement
            out += self.late
            self.late = []
        for did, opened_on in self.disputes:
            outcome = rng.choice(["upheld", "rejected"])
            extra = {"adjustment_fen": -rng.randrange(0, 30000)} if outcome == "upheld" else {}
            resolved_on = opened_on + timedelta(days=rng.choice([0, 3, 9]))
            out.append(b.cmd("resolve_dispute", None, dispute_id=did, resolved_on=resolved_on.isoformat(),
                             outcome=outcome, note="复核完成", **extra))
        self.disputes = []
        if self.kind == "bpc_trial" and m == 1:
            out.append(b.cmd("end_trial", self.cid, on=(START + timedelta(days=27)).isoformat(),
                             outcome="converted"))
        if m == 2 and self.kind in ("bpc", "bpc_quarterly"):
            out.append(b.cmd("amend_terms", self.cid, effective_from=first.isoformat(),
                             terms={"pricing": {"shift_rate_fen": 22000}}))
        if terminate:
            self.last_service_day = days[len(days) // 2]
            out.append(b.cmd("terminate_contract", self.cid, last_day=self.last_service_day.isoformat(),
                             initiated_by="merchant", reason="合同到期不续"))
        # one agent leaves mid-month and comes back next month
        leaving = self.agents[m % len(self.agents)]
        back = [a for a, d in self.offboarded.items() if d < first]
        for agent in back:
            out.append(b.cmd("agent_live", self.cid, agent_id=agent, **{"from": first.isoformat()}))
            self.live.add(agent)
            del self.offboarded[agent]
        leave_on = days[len(days) // 3] if leaving in self.live and len(self.live) > 5 else None
        retract_pending: list[dict[str, Any]] = []
        for day in days:
            if self.last_service_day is not None and day > self.last_service_day:
                break
            if leave_on is not None and day == leave_on + timedelta(days=1):
                out.append(b.cmd("offboard_agent", self.cid, agent_id=leaving, last_day=leave_on.isoformat()))
                self.live.discard(leaving)
                self.offboarded[leaving] = leave_on
            live = sorted(self.live)
            worked: set[str] = set()
            for code, planned in self._plan_on(day).items():
                k = planned + rng.choice([0, 0, 0, 0, 0, -1, 1])
                k = max(0, min(k, len(live)))
                for agent in rng.sample(live, k):
                    s = b.shift(agent, day.isoformat(), code, self.cid)
                    worked.add(agent)
                    if day.day >= 25 and rng.random() < 0.02:
                        self.late.append(s)  # recorded after the statement: a correction
                        continue
                    out.append(s)
                    if rng.random() < 0.01:
                        retract_pending.append(s)
            for agent in sorted(worked):
                if self.kind.startswith("bpc") and rng.random() < 0.8:
                    out.append(b.cmd("record_sales", self.cid, agent_id=agent, date=day.isoformat(),
                                     sales_fen=rng.randrange(0, 2_000_000), orders=rng.randrange(0, 60)))
                if rng.random() < 0.6:
                    out.append(b.cmd("record_service_metrics", self.cid, agent_id=agent,
                                     date=day.isoformat(), sessions=rng.randrange(1, 300),
                                     avg_first_response_s=rng.choice([12, 18, 25, 31, 40, 22.5])))
            if rng.random() < 0.15 and worked:
                out.append(b.cmd("record_qa_inspection", self.cid, inspection_id=self._id("QA"),
                                 agent_id=rng.choice(sorted(worked)), date=day.isoformat(),
                                 score=rng.choice([95, 90, 88, 80, 70, 84.5]),
                                 sampled_sessions=rng.randrange(1, 30)))
            for s in retract_pending:
                out.append(b.cmd("retract_shift", self.cid, agent_id=s["agent_id"], date=s["date"],
                                 shift=s["shift"], reason="记录错误"))
                if rng.random() < 0.5:  # recorded again
                    out.append(b.shift(s["agent_id"], s["date"], s["shift"], self.cid))
            retract_pending = []
        if rng.random() < 0.5:
            out.append(b.cmd("post_adjustment", self.cid, adjustment_id=self._id("ADJ"),
                             amount_fen=rng.choice([-50000, -12345, 20000]), reason="goodwill",
                             **({"refers_to": {"period": self.issued[-1], "line": "base"}}
                                if self.issued and rng.random() < 0.5 else {})))
        if rng.random() < 0.4:
            bid = self._id("BR")
            party = rng.choice(["provider", "merchant"])
            out.append(b.cmd("report_breach", self.cid, breach_id=bid, party=party,
                             kind=rng.choice(["confidentiality", "late_materials"]),
                             on=days[-1].isoformat(), description="见附件",
                             penalty_fen=rng.choice([0, 10000, 50000])))
            if rng.random() < 0.5:
                out.append(b.cmd("resolve_breach", None, breach_id=f"{self.cid}/reported/{bid}",
                                 outcome=rng.choice(["remedied", "waived"]), on=days[-1].isoformat(),
                                 note="已处理"))
        return out

    def close(self, year: int, month: int) -> list[dict[str, Any]]:
        """The statements after the last month, and the payments on them."""
        out: list[dict[str, Any]] = []
        ny, nm = _month_add(year, month, 1)
        first = date(ny, nm, 1)
        if self.prepaid:
            out += self._issue(self._period(ny, nm), first)
        else:
            period = self._period(year, month)
            if period not in self.issued:
                qy, qm = (year, month) if not self.quarterly else _month_add(year, month, 2 - (month - 1) % 3)
                ends = _month_days(qy, qm)[-1]
                out += self._issue(period, ends + timedelta(days=self.rng.choice([1, 2, 3])))
        out += self.late
        self.late = []
        deposit = self.terms["pricing"]["deposit_fen"]
        if deposit and self.last_service_day is None and self.rng.random() < 0.5:
            out.append(b.cmd("refund_deposit", self.cid, amount_fen=deposit // 2,
                             paid_on=(first + timedelta(days=10)).isoformat(), reference="REFUND"))
        return out


def owner(command: dict[str, Any], disputes: dict[str, str]) -> str:
    """The contract a command belongs to (resolving commands name theirs indirectly)."""
    if "contract_id" in command:
        if command["type"] == "open_dispute":
            disputes[command["dispute_id"]] = command["contract_id"]
        return str(command["contract_id"])
    if command["type"] == "resolve_dispute":
        return disputes[command["dispute_id"]]
    return str(command["breach_id"]).split("/", 1)[0]  # resolve_breach: CONTRACT/RULE/KEY
