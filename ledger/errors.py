"""Broken business rules: the class gives the machine code (SPEC §10).

Every error names the offending ``field`` of the command; the message names
the ids involved. The edge turns them into ``{"code", "message", "field"}``.
"""

from __future__ import annotations


class LedgerError(Exception):
    code = "invalid_value"

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidValueError(LedgerError):
    code = "invalid_value"


class OutOfRangeError(LedgerError):
    code = "out_of_range"


class MissingFieldError(LedgerError):
    code = "missing_field"


class IdReusedError(LedgerError):
    code = "id_reused"


class UnknownContractError(LedgerError):
    code = "unknown_contract"


class ContractExistsError(LedgerError):
    code = "contract_exists"


class ContractEndedError(LedgerError):
    code = "contract_ended"


class NotInTrialError(LedgerError):
    code = "not_in_trial"


class ImmutableTermError(LedgerError):
    code = "immutable_term"


class DateOrderError(LedgerError):
    code = "date_order"


class PeriodSettledError(LedgerError):
    code = "period_settled"


class UnknownShiftError(LedgerError):
    code = "unknown_shift"


class OutsideServiceWindowError(LedgerError):
    code = "outside_service_window"


class AgentNotTrainedError(LedgerError):
    code = "agent_not_trained"


class AgentNotAssessedError(LedgerError):
    code = "agent_not_assessed"


class AgentAlreadyLiveError(LedgerError):
    code = "agent_already_live"


class AgentNotLiveError(LedgerError):
    code = "agent_not_live"


class ShiftExistsError(LedgerError):
    code = "shift_exists"


class ShiftNotRecordedError(LedgerError):
    code = "shift_not_recorded"


class InspectionExistsError(LedgerError):
    code = "inspection_exists"


class AdjustmentExistsError(LedgerError):
    code = "adjustment_exists"


class DisputeExistsError(LedgerError):
    code = "dispute_exists"


class UnknownDisputeError(LedgerError):
    code = "unknown_dispute"


class DisputeNotOpenError(LedgerError):
    code = "dispute_not_open"


class StatementNotIssuedError(LedgerError):
    code = "statement_not_issued"


class BreachExistsError(LedgerError):
    code = "breach_exists"


class UnknownBreachError(LedgerError):
    code = "unknown_breach"


class BreachNotOpenError(LedgerError):
    code = "breach_not_open"


class PaymentExistsError(LedgerError):
    code = "payment_exists"


class RefundExistsError(LedgerError):
    code = "refund_exists"


class ExceedsDepositHeldError(LedgerError):
    code = "exceeds_deposit_held"


class ExceedsCreditError(LedgerError):
    code = "exceeds_credit"


class PeriodAlreadyIssuedError(LedgerError):
    code = "period_already_issued"


class PeriodOutOfOrderError(LedgerError):
    code = "period_out_of_order"


class PeriodNotEndedError(LedgerError):
    code = "period_not_ended"


# -- mistakes and their remedies (SPEC §11) ------------------------------------

class FutureDateError(LedgerError):
    code = "future_date"


class ReferenceReusedError(LedgerError):
    code = "reference_reused"


class UnknownPaymentError(LedgerError):
    code = "unknown_payment"


class PaymentVoidError(LedgerError):
    code = "payment_void"


class UnknownStatementError(LedgerError):
    code = "unknown_statement"


class NotLatestStatementError(LedgerError):
    code = "not_latest_statement"


class StatementSettledError(LedgerError):
    code = "statement_settled"


class DisputeOpenError(LedgerError):
    code = "dispute_open"


# -- users of the server (issue 17) ------------------------------------------------------

class UserExistsError(LedgerError):
    code = "user_exists"


class UnknownUserError(LedgerError):
    code = "unknown_user"


class UserRevokedError(LedgerError):
    code = "user_revoked"


# -- consultation and quote (SPEC §12) ------------------------------------------

class QuoteExistsError(LedgerError):
    code = "quote_exists"


class UnknownQuoteError(LedgerError):
    code = "unknown_quote"


class QuoteMismatchError(LedgerError):
    code = "quote_mismatch"


class QuoteExpiredError(LedgerError):
    code = "quote_expired"


class CalendarUnknownYearError(LedgerError):
    code = "calendar_unknown_year"


# -- who is who in imported files (record_agent_account, record/retire_payer_name) --


class AccountTakenError(LedgerError):
    code = "account_taken"


class UnknownMerchantError(LedgerError):
    code = "unknown_merchant"


class PayerNameExistsError(LedgerError):
    code = "payer_name_exists"


class UnknownPayerNameError(LedgerError):
    code = "unknown_payer_name"
class TooLargeError(LedgerError):
    """A line over 1 MiB, a string over 10,000 characters or an array over 1,000 items."""

    code = "too_large"
