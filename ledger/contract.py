"""A contract's state, folded from its ``contract:<id>`` stream (evolve).

No I/O and no rules here: ``evolve`` applies one event. The rules that decide
whether a command is accepted live in ``decide.core``; the prices live
in ``billing.statement``.
"""

from __future__ import annotations

import datetime as dt
from array import array
from bisect import bisect_left, insort
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from ledger.account import AccountBook, Allocation
from ledger.periods import bounds, dates, months_of, next_period, period_of
from ledger.terms import TermsTimeline
from schemas import events as ev
from schemas.terms import FixedFee, Terms


@dataclass
class Agent:
    agent_id: str
    name: str = ""
    trained: bool = False
    passed: bool = False
    spans: list[list[dt.date | None]] = field(default_factory=list)  # [from, last_day|None]
    evidence: list[str] = field(default_factory=list)

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


class QaMonth:
    """A month's QA inspections, lean: date and score (shared objects) and the
    stream version of each. A statement with failures fetches just those
    events again for their ids: 24 bytes an inspection instead of ~700."""

    __slots__ = ("dates", "scores", "versions")

    def __init__(self) -> None:
        self.dates: list[dt.date] = []
        self.scores: list[Decimal] = []
        self.versions = array("q")


EventFetch = Callable[[Sequence[int]], list[ev.Event]]


def _no_fetch(versions: Sequence[int]) -> list[ev.Event]:
    raise RuntimeError("this contract state cannot fetch its events")


_SHARED: dict[Any, Any] = {}  # one object per distinct date and score, across contracts


def _shared(value: Any) -> Any:
    if len(_SHARED) > 100_000:
        _SHARED.clear()
    return _SHARED.setdefault((type(value), value), value)


class Issued:
    """An issued statement as the contract remembers it: the facts the rules
    need, and the settlement event itself fetched again (once) when a report
    asks for it, so a long intake does not keep every statement in memory."""

    __slots__ = ("_event", "_owner", "command_id", "final", "issued_on", "period", "position",
                 "version")

    def __init__(self, e: ev.SettlementIssued, position: int, version: int,
                 owner: ContractState, keep: bool) -> None:
        self.period = e.period
        self.issued_on = e.issued_on
        self.final = e.final
        self.command_id = e.command_id
        self.position = position
        self.version = version
        self._owner = owner
        self._event: ev.SettlementIssued | None = e if keep else None

    @property
    def event(self) -> ev.SettlementIssued:
        if self._event is None:
            found = [e for e in self._owner.fetch([self.version])
                     if isinstance(e, ev.SettlementIssued)]
            if len(found) != 1 or found[0].period != self.period:
                raise RuntimeError(f"settlement of {self.period} not found at version {self.version}")
            self._event = found[0]
        return self._event


@dataclass
class Dispute:
    opened: ev.DisputeOpened
    resolved: ev.DisputeResolved | None = None


class ContractState:
    """Everything the rules and the statements need to know about one contract."""

    keep_settlements = True  # the settlement events as folded (reports read their statements)

    def __init__(self, signed: ev.ContractSigned, position: int) -> None:
        self.contract_id = signed.contract_id
        self.signed = signed
        self.signed_position = position
        self.service_start = signed.service_start
        self.timeline = TermsTimeline(signed.terms)
        self.trial_end = signed.trial_end
        self.in_trial = signed.trial_end is not None
        self.trial_ended: ev.TrialEnded | None = None
        self.terminated: ev.ContractTerminated | None = None
        self.agents: dict[str, Agent] = {}
        self.book = AccountBook()
        self.deposits: list[ev.DepositReceived] = []
        self.payments: dict[str, ev.PaymentReceived] = {}
        self.refunds: dict[str, ev.CreditRefunded] = {}
        self.inspection_keys = array("q")  # hash() of each inspection id, sorted
        self.qa_months: dict[str, QaMonth] = defaultdict(QaMonth)
        self.qa_versions: dict[str, int] = {}  # month -> version of its latest inspection
        # The events of this contract's stream by version; set by whoever folds.
        self.fetch: EventFetch = _no_fetch
        self.event_version = 1  # the stream version of the event being folded
        self.adjustments: dict[str, ev.AdjustmentPosted] = {}
        self.unbilled_adjustments: list[str] = []
        self.reported: dict[str, ev.BreachReported] = {}
        self.unbilled_breaches: list[str] = []
        self.breach_resolutions: dict[str, ev.BreachResolved] = {}
        self.disputes: dict[str, Dispute] = {}
        self.issued: dict[str, Issued] = {}
        self.order: list[str] = []  # issued periods in order
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

    def late_fee(self, allocation: Allocation) -> Fraction:
        """The exact fee of a late allocation: each late day at that day's daily rate."""
        fee = Fraction(0)
        for day in dates(allocation.due_on + dt.timedelta(days=1), allocation.received_on):
            fee += allocation.amount_fen * Fraction(self.terms_on(day).penalties.late_fee_daily_rate)
        return fee

    def has_inspection(self, inspection_id: str) -> bool:
        key = hash(inspection_id)
        i = bisect_left(self.inspection_keys, key)
        if i == len(self.inspection_keys) or self.inspection_keys[i] != key:
            return False
        versions = [v for qa in self.qa_months.values() for v in qa.versions]
        return any(getattr(e, "inspection_id", None) == inspection_id
                   for e in self.fetch(versions))

    def inspections(self, month: str, keep: Callable[[dt.date, Decimal], bool]) -> list[ev.QaInspected]:
        """The inspections dated in ``month`` that ``keep(date, score)``, as events."""
        qa = self.qa_months.get(month)
        if qa is None:
            return []
        wanted = [v for d, score, v in zip(qa.dates, qa.scores, qa.versions, strict=True)
                  if keep(d, score)]
        found = self.fetch(wanted) if wanted else []
        return [e for e in found if isinstance(e, ev.QaInspected)]

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
    agent.evidence.append(e.command_id)


def _assessed(s: ContractState, e: ev.AgentAssessed, _: int) -> None:
    agent = _agent(s, e.agent_id)
    agent.passed = agent.passed or e.passed
    agent.evidence.append(e.command_id)


def _live(s: ContractState, e: ev.AgentWentLive, _: int) -> None:
    agent = _agent(s, e.agent_id)
    agent.spans.append([e.from_, None])
    agent.evidence.append(e.command_id)
    s.changes.append((s.version, e.from_, None))


def _offboarded(s: ContractState, e: ev.AgentOffboarded, _: int) -> None:
    agent = _agent(s, e.agent_id)
    span = agent.open_span
    if span is not None:
        span[1] = e.last_day
    agent.evidence.append(e.command_id)
    s.changes.append((s.version, e.last_day + dt.timedelta(days=1), None))


def _inspected(s: ContractState, e: ev.QaInspected, _: int) -> None:
    insort(s.inspection_keys, hash(e.inspection_id))
    month = e.date.isoformat()[:7]
    qa = s.qa_months[month]
    qa.dates.append(_shared(e.date))
    qa.scores.append(_shared(e.score))
    qa.versions.append(s.event_version)
    s.qa_versions[month] = s.version


def _adjusted(s: ContractState, e: ev.AdjustmentPosted, _: int) -> None:
    s.adjustments[e.adjustment_id] = e
    s.unbilled_adjustments.append(e.adjustment_id)


def _dispute_opened(s: ContractState, e: ev.DisputeOpened, _: int) -> None:
    s.disputes[e.dispute_id] = Dispute(e)


def _dispute_resolved(s: ContractState, e: ev.DisputeResolved, _: int) -> None:
    s.disputes[e.dispute_id].resolved = e


def _reported(s: ContractState, e: ev.BreachReported, _: int) -> None:
    s.reported[e.breach_id] = e
    s.unbilled_breaches.append(e.breach_id)


def _breach_resolved(s: ContractState, e: ev.BreachResolved, _: int) -> None:
    s.breach_resolutions.setdefault(e.breach_id, e)


def _paid(s: ContractState, e: ev.PaymentReceived, _: int) -> None:
    s.payments[e.payment_id] = e
    s.book.pay(e.payment_id, e.amount_fen, e.received_on, e.command_id)


def _credit_refunded(s: ContractState, e: ev.CreditRefunded, _: int) -> None:
    s.refunds[e.refund_id] = e
    s.book.refund_credit(e.amount_fen)


def _issued(s: ContractState, e: ev.SettlementIssued, position: int) -> None:
    st = e.statement
    s.issued[e.period] = Issued(e, position, s.event_version, s, s.keep_settlements)
    s.order.append(e.period)
    for line in st.lines:
        if line.code == "correction":
            s.billed[(line.refs["period"], line.refs["line"])] += line.amount_fen
        elif "period" in line.refs:
            s.billed[(line.refs["period"], line.code)] += line.amount_fen
    billed_adj = set(e.billed_adjustments)
    s.unbilled_adjustments = [a for a in s.unbilled_adjustments if a not in billed_adj]
    billed_br = set(e.billed_breaches)
    s.unbilled_breaches = [b for b in s.unbilled_breaches if b not in billed_br]
    s.book.mark_late_fees_billed(e.billed_late_allocations)
    for q, months in e.versions.items():
        s.checked_versions[q] = months
        s.checked_at[q] = (s.version, e.issued_on)
    s.book.issue(st.statement_no, e.period, e.issued_on, st.due_on, st.total_fen,
                 st.account.deposit_applied_fen, st.account.closing_fen, e.command_id)


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
    ev.QaInspected: _inspected,
    ev.AdjustmentPosted: _adjusted,
    ev.DisputeOpened: _dispute_opened,
    ev.DisputeResolved: _dispute_resolved,
    ev.BreachReported: _reported,
    ev.BreachResolved: _breach_resolved,
    ev.PaymentReceived: _paid,
    ev.CreditRefunded: _credit_refunded,
    ev.SettlementIssued: _issued,
}


class LeanContractState(ContractState):
    """The state a long intake keeps warm: settlements fetched again when asked for."""

    keep_settlements = False


def fold_in(state: ContractState | None, event: ev.Event, position: int,
            stream_version: int = 0, kind: type[ContractState] = ContractState) -> ContractState:
    """Fold one event of a ``contract:`` stream; the first one (the signing) starts the state
    (of ``kind``). ``stream_version``: the event's version when it differs from the count
    folded (a view)."""
    if state is None:
        assert isinstance(event, ev.ContractSigned)
        return kind(event, position)
    state.evolve(event, position, stream_version)
    return state
