"""The rules: one decide function per command type, in one explicit registry.

``decide_command(state, command, meta)`` checks a command against the state and
returns the events to append, or raises a ``LedgerError`` (SPEC §3, §10).
Families: ``contracts``, ``agents``, ``activity``, ``money``, ``disputes``,
``remedies``, ``users``, ``quotes``, ``directory`` (agents' platform accounts,
merchants' payer names); what they share is in ``common``. Before any of them, a fact
dated after the day it is recorded is refused (``future_date``, SPEC §11).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from decide import (
    activity,
    agents,
    contracts,
    directory,
    disputes,
    money,
    provider,
    quotes,
    remedies,
    users,
)
from decide.common import Decider, Emitted, Meta, State
from ledger import errors as E
from schemas import commands as C

DECIDERS: dict[type[C.Command], Decider] = {
    C.SignContract: contracts.sign_contract,
    C.AmendTerms: contracts.amend_terms,
    C.EndTrial: contracts.end_trial,
    C.TerminateContract: contracts.terminate_contract,
    C.TrainAgent: agents.train_agent,
    C.AssessAgent: agents.assess_agent,
    C.AgentLive: agents.agent_live,
    C.OffboardAgent: agents.offboard_agent,
    C.RecordShift: activity.record_shift,
    C.RetractShift: activity.retract_shift,
    C.RecordSales: activity.record_sales,
    C.RecordServiceMetrics: activity.record_service_metrics,
    C.RecordQaInspection: activity.record_qa_inspection,
    C.RecordDeposit: money.record_deposit,
    C.RefundDeposit: money.refund_deposit,
    C.RecordPayment: money.record_payment,
    C.RefundCredit: money.refund_credit,
    C.PostAdjustment: money.post_adjustment,
    C.IssueSettlement: money.issue_settlement,
    C.OpenDispute: disputes.open_dispute,
    C.ResolveDispute: disputes.resolve_dispute,
    C.ReportBreach: disputes.report_breach,
    C.ResolveBreach: disputes.resolve_breach,
    C.SetProvider: provider.set_provider,
    C.RecordAgentAccount: directory.record_agent_account,
    C.RecordPayerName: directory.record_payer_name,
    C.RetirePayerName: directory.retire_payer_name,
    C.IssueQuote: quotes.issue_quote,
    C.AddUser: users.add_user,
    C.RevokeUser: users.revoke_user,
    C.VoidPayment: remedies.void_payment,
    C.VoidStatement: remedies.void_statement,
}

# The dates of a fact, which cannot be later than the day it is recorded (SPEC §11).
# Dates that plan ahead (service_start, trial_end, term_end, effective_from,
# last_day, agent_live.from, end_trial.on) may be.
FACT_DATES: dict[type[C.Command], tuple[str, ...]] = {
    C.SignContract: ("signed_on",),
    C.RecordDeposit: ("received_on",),
    C.RefundDeposit: ("paid_on",),
    C.TrainAgent: ("completed_on",),
    C.AssessAgent: ("on",),
    C.RecordShift: ("date",),
    C.RetractShift: ("date",),
    C.RecordSales: ("date",),
    C.RecordServiceMetrics: ("date",),
    C.RecordQaInspection: ("date",),
    C.OpenDispute: ("opened_on",),
    C.ResolveDispute: ("resolved_on",),
    C.ReportBreach: ("on",),
    C.IssueSettlement: ("issued_on",),
    C.RecordPayment: ("received_on",),
    C.RefundCredit: ("paid_on",),
    C.ResolveBreach: ("on",),
    C.VoidPayment: ("on",),
    C.VoidStatement: ("on",),
    C.IssueQuote: ("issued_on",),
}


def decide_command(state: State, command: Any, meta: Meta) -> Emitted:
    """The events ``command`` produces on ``state``; raises ``LedgerError`` when a rule is broken."""
    check_not_future(command, state.today)
    return DECIDERS[type(command)](state, command, meta)


def check_not_future(command: Any, today: dt.date) -> None:
    for name in FACT_DATES.get(type(command), ()):
        day = getattr(command, name)
        if day > today:
            raise E.FutureDateError(
                f"{name} {day} is after today ({today}): a fact cannot be recorded before it "
                "happens (replaying history? ledger submit --today YYYY-MM-DD)", name)


__all__ = ["DECIDERS", "FACT_DATES", "Emitted", "Meta", "State", "decide_command"]
