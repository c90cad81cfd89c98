"""The rules: one decide function per command type, in one explicit registry.

``decide_command(state, command, meta)`` checks a command against the state and
returns the events to append, or raises a ``LedgerError`` (SPEC §3, §10).
Families: ``contracts``, ``agents``, ``activity``, ``money``, ``disputes``;
what they share is in ``common``.
"""

from __future__ import annotations

from typing import Any

from decide import activity, agents, contracts, disputes, money, provider
from decide.common import Decider, Emitted, Meta, State
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
}


def decide_command(state: State, command: Any, meta: Meta) -> Emitted:
    """The events ``command`` produces on ``state``; raises ``LedgerError`` when a rule is broken."""
    return DECIDERS[type(command)](state, command, meta)


__all__ = ["DECIDERS", "Emitted", "Meta", "State", "decide_command"]
