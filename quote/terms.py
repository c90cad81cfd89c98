"""The two terms a quote proposes (SPEC §12 item 5), each a §3 ``terms`` object.

``staffing``: the profile's weekdays, the planned shifts with their agents and
the planned special days (without ``like``). ``kpi``: the profile's
``min_qa_score`` and ``max_first_response_s`` = ``answer_within_s``. The rest
comes from the profile's ``terms`` (defaults: the §3 example, deposit 0,
postpaid). Pricing: base + commission {``shift_rate_fen``, ``commission_rate``,
``deposit_fen``}; fixed fee {``monthly_fee_fen`` = the quoted fixed fee,
``billing``, ``extra_shift_fen`` = round(``shift_rate_fen`` * (1 +
``fixed_premium``)), ``deposit_fen``}.

The Structs are built directly; printed with decimals as JSON numbers in
``kpi`` (``ledger.terms.to_plain``), each is a body ``sign_contract`` accepts.
"""

from __future__ import annotations

from collections.abc import Sequence

from ledger.money import exact, round_fen
from schemas.quote import PlannedShift, PlannedSpecialDay, QuoteProfile, TermsProposed
from schemas.terms import (
    BasePlusCommission,
    FixedFee,
    Kpi,
    Penalties,
    ShiftPlan,
    SpecialDay,
    Staffing,
    Terms,
)
from schemas.types import Multiplier, Rate, Score, Seconds


def extra_shift_fen(shift_rate_fen: int, fixed_premium: Rate) -> int:
    """round(shift_rate_fen * (1 + fixed_premium)): the fixed fee's price of an extra shift."""
    return round_fen(shift_rate_fen * (1 + exact(fixed_premium)))


def staffing(profile: QuoteProfile, shifts: Sequence[PlannedShift],
             special: Sequence[PlannedSpecialDay]) -> Staffing:
    """The plan as §3 ``staffing``: weekdays, shifts with agents, special days without ``like``."""
    return Staffing(
        shifts=[ShiftPlan(s.code, s.start, s.end, s.agents) for s in shifts],
        weekdays=list(profile.weekdays),
        special_days=[SpecialDay(date=d.date, kind=d.kind, agents=dict(d.agents), label=d.label,
                                 multiplier=Multiplier(d.multiplier)) for d in special],
    )


def terms_proposed(profile: QuoteProfile, shifts: Sequence[PlannedShift],
                   special: Sequence[PlannedSpecialDay], fixed_fee_fen: int) -> TermsProposed:
    """Base + commission and fixed-fee terms for the planned staffing (§12 item 5)."""
    given, rates = profile.terms, profile.rates
    p = given.penalties
    plan = staffing(profile, shifts, special)
    kpi = Kpi(min_qa_score=Score(given.kpi.min_qa_score),
              max_first_response_s=Seconds(profile.service.answer_within_s))
    penalties = Penalties(
        qa_failure_fen=p.qa_failure_fen, qa_cap_rate=Rate(p.qa_cap_rate),
        qa_breach_failures=p.qa_breach_failures, understaffing_fen=p.understaffing_fen,
        late_fee_daily_rate=Rate(p.late_fee_daily_rate))

    def terms(pricing: BasePlusCommission | FixedFee) -> Terms:
        return Terms(settlement_cycle=given.settlement_cycle, payment_due_days=given.payment_due_days,
                     tax_rate=Rate(given.tax_rate), pricing=pricing, staffing=plan, kpi=kpi,
                     penalties=penalties)

    return TermsProposed(
        base_plus_commission=terms(BasePlusCommission(
            shift_rate_fen=rates.shift_rate_fen, commission_rate=Rate(rates.commission_rate),
            deposit_fen=given.deposit_fen)),
        fixed_fee=terms(FixedFee(
            monthly_fee_fen=fixed_fee_fen, billing=given.billing,
            extra_shift_fen=extra_shift_fen(rates.shift_rate_fen, rates.fixed_premium),
            deposit_fen=given.deposit_fen)),
    )
