"""A contract's state, folded from its ``contract:<id>`` stream.

``ContractState`` is a plain fold: ``evolve`` applies one event, with no I/O,
no caches and no rules. The rules that decide whether a command is accepted
live in ``decide``; the prices in ``billing``. QA inspections and issued
statements are kept in containers the folder chooses (``ledger.kept``): the
plain ones keep the events; the store may pass leaner ones that answer the same.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from ledger.account import AccountBook, Allocation
from ledger.kept import KEEP_ALL, Inspections, Issued, Keeping
from ledger.names import fold
from ledger.periods import bounds, month_of, months_of, next_period, period_of
from ledger.terms import TermsTimeline
from schemas import events as ev
from schemas.reports import Statement
from schemas.terms import FixedFee, Terms


@dataclass
class Agent:
    agent_id: str
    name: str = ""
    trained: bool = False
    passed: bool = False
    spans: list[list[dt.date | None]] = field(default_factory=list)  # [from, last_day|None]
    accounts: list[str] = field(default_factory=list)  # platform accounts, as recorded

    def live_on(self, day: dt.date) -> bool:
        for first, last in self.spans:
            assert first is not None
            if first <= day and (last is None or day <= last):
                return True
        return False

    @property
    def open_span(self) -> list[dt.date | None] | None:
        if self.spans and self.spans[-1][1] is None:
            return self.spans[-1]
        return None


@dataclass
class Voided:
    """A void statement: as issued, and the void."""

    issued: Issued
    void: ev.StatementVoided


@dataclass
class LateBilled:
    """What a statement billed as late fees: the allocations it named and, when it
    recorded it, the exact amount (SPEC §11: a late-fee line bills all late fees as
    computed now minus what earlier statements billed)."""

    allocations: list[Allocation]
    exact: Fraction | None


@dataclass
class Dispute:
    opened: ev.DisputeOpened
    resolved: ev.DisputeResolved | None = None


class ContractState:
    """Everything the rules and the statements need to know about one contract."""

    def __init__(self, signed: ev.ContractSigned, position: int, keeping: Keeping = KEEP_ALL) -> None:
        self.keeping = keeping
        self.contract_id = signed.contract_id
        self.signed = signed
        self.service_start = signed.service_start
        self.timeline = TermsTimeline(signed.terms)
        self.trial_end = signed.trial_end
        self.in_trial = signed.trial_end is not None
        self.trial_ended: ev.TrialEnded | None = None
        self.terminated: ev.ContractTerminated | None = None
        self.agents: dict[str, Agent] = {}
        self.accounts: dict[str, str] = {}  # platform account (``names.fold``) -> agent id
        self.book = AccountBook()
        self.deposits: list[ev.DepositReceived] = []
        self.payments: dict[str, ev.PaymentReceived] = {}
        self.voided_payments: dict[str, ev.PaymentVoided] = {}
        self.refunds: dict[str, ev.CreditRefunded] = {}
        self.inspections: Inspections = keeping.inspections()
        self.qa_versions: dict[str, int] = {}  # month -> state version of its latest inspection
        self.event_version = 1  # the stream version of the event being folded
        self.adjustments: dict[str, ev.AdjustmentPosted] = {}
        self.reported: dict[str, ev.BreachReported] = {}
        self.breach_resolutions: dict[str, ev.BreachResolved] = {}
        self.disputes: dict[str, Dispute] = {}
        self.issued: dict[str, Issued] = {}  # period -> its statement in force (not void)
        self.order: list[str] = []  # periods with a statement in force, in issue order
        self.voided: list[Voided] = []  # void statements, in order of their voids
        self.late_billed: dict[str, LateBilled] = {}  # period -> the late fees its statement billed
        self.billed: dict[tuple[str, str], int] = defaultdict(int)  # (period, code) -> fen
        self.amendment_log: list[ev.TermsAmended] = []
        # Contract facts that can change an earlier period's activity lines:
        # (version, first date affected, last date affected or None = onwards);
        # QA inspections, the most frequent, only in ``qa_versions``.
        self.changes: list[tuple[int, dt.date, dt.date | None]] = []
        # Per period: month activity versions, contract version and cutoff when last computed.
        self.checked_versions: dict[str, dict[str, int]] = {}
        self.checked_at: dict[str, tuple[int, dt.date]] = {}
        self.version = 1  # the signing is the stream's first event
        self._last_service_day: dt.date | None = signed.term_end

    # -- derived facts -------------------------------------------------------
    @property
    def cycle(self) -> str:
        return self.timeline.cycle

    @property
    def terms(self) -> Terms:
        return self.timeline.signed

    @property
    def fixed(self) -> bool:
        return isinstance(self.timeline.signed.pricing, FixedFee)

    @property
    def prepaid(self) -> bool:
        pricing = self.timeline.signed.pricing
        return isinstance(pricing, FixedFee) and pricing.billing == "prepaid"

    def terms_on(self, day: dt.date) -> Terms:
        return self.timeline.on(day)

    @property
    def last_service_day(self) -> dt.date | None:
        return self._last_service_day

    def _end_changed(self) -> None:
        candidates = [self.signed.term_end]
        if self.terminated is not None:
            candidates.append(self.terminated.last_day)
        if self.trial_ended is not None and self.trial_ended.outcome == "not_converted":
            candidates.append(self.trial_ended.on)
        days = [d for d in candidates if d is not None]
        self._last_service_day = min(days) if days else None

    @property
    def ended_by_decision(self) -> bool:
        """Terminated, or a trial that did not convert."""
        return self.terminated is not None or (
            self.trial_ended is not None and self.trial_ended.outcome == "not_converted"
        )

    def in_window(self, day: dt.date) -> bool:
        last = self._last_service_day
        return self.service_start <= day and (last is None or day <= last)

    def period_of(self, day: dt.date) -> str:
        return period_of(day, self.cycle)

    @property
    def first_period(self) -> str:
        return self.period_of(self.service_start)

    @property
    def next_to_issue(self) -> str:
        return next_period(self.order[-1]) if self.order else self.first_period

    def activity_period_of(self, period: str) -> str | None:
        """The period whose activity the statement of ``period`` bills."""
        if not self.prepaid:
            return period
        if period == self.first_period:
            return None
        first, _ = bounds(period)
        return self.period_of(first - dt.timedelta(days=1))

    def settled(self, period: str) -> bool:
        """Has the activity of ``period`` been billed by an issued statement?"""
        if self.prepaid:
            return any(self.activity_period_of(p) == period for p in self.order)
        return period in self.issued

    def fee_settled(self, period: str) -> bool:
        return period in self.issued

    @property
    def final_issued(self) -> bool:
        return any(i.final for i in self.issued.values())

    def may_have_changed(self, period: str, versions_now: dict[str, int]) -> bool:
        """Could ``period``'s lines differ from when they were last computed?"""
        seen = self.checked_versions.get(period)
        checked = self.checked_at.get(period)
        if seen is None or checked is None:
            return True
        version, cutoff = checked
        first, last = bounds(period)
        if cutoff <= last:  # computed before the period was over: later days count now
            return True
        months = months_of(period)
        if any(versions_now.get(m, 0) != seen.get(m, 0) for m in months):
            return True
        if any(self.qa_versions.get(m, 0) > version for m in months):
            return True
        return any(v > version and lo <= last and (hi is None or hi >= first)
                   for v, lo, hi in self.changes)

    @property
    def unbilled_adjustments(self) -> list[str]:
        """Adjustments no statement in force has billed, in the order they were posted."""
        billed = {a for i in self.issued.values() for a in i.billed_adjustments}
        return [a for a in self.adjustments if a not in billed]

    @property
    def unbilled_breaches(self) -> list[str]:
        """Reported breaches no statement in force has billed, in the order reported."""
        billed = {b for i in self.issued.values() for b in i.billed_breaches}
        return [b for b in self.reported if b not in billed]

    def voids_of(self, period: str) -> int:
        """How many statements of ``period`` were voided (the next issue is ``-R<n+1>``)."""
        return sum(v.issued.period == period for v in self.voided)

    def statement_no(self, period: str) -> str:
        """The number the next statement of ``period`` gets (SPEC §11)."""
        voids = self.voids_of(period)
        return f"{self.contract_id}-{period}" + (f"-R{voids}" if voids else "")

    def payment_in_force(self, payment_id: str) -> bool:
        return payment_id in self.payments and payment_id not in self.voided_payments

    def deposit_received_by(self, day: dt.date) -> int:
        return sum(d.amount_fen for d in self.deposits if d.received_on <= day)

    # -- evolve --------------------------------------------------------------
    def evolve(self, event: ev.Event, position: int, stream_version: int = 0) -> None:
        self.version += 1
        self.event_version = stream_version or self.version
        handler: Any = _HANDLERS.get(type(event))
        if handler is not None:
            handler(self, event, position)


def _amended(s: ContractState, e: ev.TermsAmended, _: int) -> None:
    s.timeline.amend(e.effective_from, e.changes)
    s.amendment_log.append(e)
    s.changes.append((s.version, e.effective_from, None))


def _trial(s: ContractState, e: ev.TrialEnded, _: int) -> None:
    s.in_trial = False
    s.trial_ended = e
    s._end_changed()
    s.changes.append((s.version, e.on + dt.timedelta(days=1), None))


def _terminated(s: ContractState, e: ev.ContractTerminated, _: int) -> None:
    s.terminated = e
    s._end_changed()
    s.changes.append((s.version, e.last_day + dt.timedelta(days=1), None))


def _deposit(s: ContractState, e: ev.DepositReceived, _: int) -> None:
    s.deposits.append(e)
    s.book.receive_deposit(e.amount_fen)


def _deposit_refund(s: ContractState, e: ev.DepositRefunded, _: int) -> None:
    s.book.refund_deposit(e.amount_fen)


def _agent(s: ContractState, agent_id: str) -> Agent:
    agent = s.agents.get(agent_id)
    if agent is None:
        agent = s.agents[agent_id] = Agent(agent_id)
    return agent


def _trained(s: ContractState, e: ev.AgentTrained, _: int) -> None:
    agent = _agent(s, e.agent_id)
    agent.name, agent.trained = e.name, True


def _assessed(s: ContractState, e: ev.AgentAssessed, _: int) -> None:
    agent = _agent(s, e.agent_id)
    agent.passed = agent.passed or e.passed


def _live(s: ContractState, e: ev.AgentWentLive, _: int) -> None:
    agent = _agent(s, e.agent_id)
    agent.spans.append([e.from_, None])
    s.changes.append((s.version, e.from_, None))


def _offboarded(s: ContractState, e: ev.AgentOffboarded, _: int) -> None:
    agent = _agent(s, e.agent_id)
    span = agent.open_span
    if span is not None:
        span[1] = e.last_day
    s.changes.append((s.version, e.last_day + dt.timedelta(days=1), None))


def _account(s: ContractState, e: ev.AgentAccountRecorded, _: int) -> None:
    _agent(s, e.agent_id).accounts.append(e.account)
    s.accounts[fold(e.account)] = e.agent_id


def _inspected(s: ContractState, e: ev.QaInspected, _: int) -> None:
    s.inspections.add(e, s.event_version)
    s.qa_versions[month_of(e.date)] = s.version


def _adjusted(s: ContractState, e: ev.AdjustmentPosted, _: int) -> None:
    s.adjustments.setdefault(e.adjustment_id, e)


def _dispute_opened(s: ContractState, e: ev.DisputeOpened, _: int) -> None:
    s.disputes[e.dispute_id] = Dispute(e)


def _dispute_resolved(s: ContractState, e: ev.DisputeResolved, _: int) -> None:
    s.disputes[e.dispute_id].resolved = e


def _reported(s: ContractState, e: ev.BreachReported, _: int) -> None:
    s.reported[e.breach_id] = e


def _breach_resolved(s: ContractState, e: ev.BreachResolved, _: int) -> None:
    s.breach_resolutions.setdefault(e.breach_id, e)


def _paid(s: ContractState, e: ev.PaymentReceived, _: int) -> None:
    s.payments[e.payment_id] = e
    s.book.pay(e.payment_id, e.amount_fen, e.received_on, e.command_id)


def _payment_voided(s: ContractState, e: ev.PaymentVoided, _: int) -> None:
    s.voided_payments[e.payment_id] = e
    s.book.void_payment(e.payment_id)


def _credit_refunded(s: ContractState, e: ev.CreditRefunded, _: int) -> None:
    s.refunds[e.refund_id] = e
    s.book.refund_credit(e.amount_fen)


def _issued(s: ContractState, e: ev.SettlementIssued, position: int) -> None:
    st = e.statement
    s.issued[e.period] = s.keeping.issued(e, position, s.event_version)
    s.order.append(e.period)
    _count_billed(s, st, +1)
    billed_keys = {s.book.allocations[seq].key for seq in e.billed_late_allocations}
    billed = [a for a in s.book.late_allocations() if a.key in billed_keys]
    exact = Fraction(e.late_fee_exact) if e.late_fee_exact is not None else None
    s.late_billed[e.period] = LateBilled(billed, exact)
    for q, months in e.versions.items():
        s.checked_versions[q] = months
        s.checked_at[q] = (s.version, e.issued_on)
    s.book.issue(st.statement_no, e.period, e.issued_on, st.due_on, st.total_fen,
                 st.account.deposit_applied_fen, st.account.closing_fen, e.command_id)


def _count_billed(s: ContractState, st: Statement, sign: int) -> None:
    for line in st.lines:
        if line.code == "correction":
            s.billed[(line.refs["period"], line.refs["line"])] += sign * line.amount_fen
        elif "period" in line.refs:
            s.billed[(line.refs["period"], line.code)] += sign * line.amount_fen


def _statement_voided(s: ContractState, e: ev.StatementVoided, _: int) -> None:
    issued = s.issued.pop(e.period)
    s.order.remove(e.period)
    s.voided.append(Voided(issued, e))
    s.late_billed.pop(e.period, None)
    st = issued.event.statement
    _count_billed(s, st, -1)
    s.checked_versions.clear()  # the re-issue recomputes every earlier period
    s.checked_at.clear()
    s.book.void_statement(st.statement_no, st.account.opening_fen, st.account.payments_fen)


_HANDLERS = {
    ev.TermsAmended: _amended,
    ev.TrialEnded: _trial,
    ev.ContractTerminated: _terminated,
    ev.DepositReceived: _deposit,
    ev.DepositRefunded: _deposit_refund,
    ev.AgentTrained: _trained,
    ev.AgentAssessed: _assessed,
    ev.AgentWentLive: _live,
    ev.AgentOffboarded: _offboarded,
    ev.AgentAccountRecorded: _account,
    ev.QaInspected: _inspected,
    ev.AdjustmentPosted: _adjusted,
    ev.DisputeOpened: _dispute_opened,
    ev.DisputeResolved: _dispute_resolved,
    ev.BreachReported: _reported,
    ev.BreachResolved: _breach_resolved,
    ev.PaymentReceived: _paid,
    ev.PaymentVoided: _payment_voided,
    ev.StatementVoided: _statement_voided,
    ev.CreditRefunded: _credit_refunded,
    ev.SettlementIssued: _issued,
}


def fold_in(state: ContractState | None, event: ev.Event, position: int,
            stream_version: int = 0, keeping: Keeping = KEEP_ALL) -> ContractState:
    """Fold one event of a ``contract:`` stream; the first one (the signing) starts the
    state, keeping its facts with ``keeping``. ``stream_version``: the event's version
    when it differs from the count folded (a view that skips events)."""
    if state is None:
        assert isinstance(event, ev.ContractSigned)
        return ContractState(event, position, keeping)
    state.evolve(event, position, stream_version)
    return state
