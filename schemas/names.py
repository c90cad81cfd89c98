"""The names the command line needs before any schema is loaded: the period syntax, the
statement line codes and the command types, as plain strings.

``ledger --help`` and argument parsing read them from here, so the program starts
without importing msgspec's schemas (docs/BENCHMARKS.md, start-up). The schemas
derive their own lists from their types; tests/unit/test_names.py checks both agree.
"""

PERIOD_PATTERN = r"(19|2\d)\d{2}-(0[1-9]|1[0-2]|Q[1-4])"  # YYYY-MM or YYYY-Qn, 1900-2999
PERIOD_FORMS = "YYYY-MM (a month, e.g. 2026-11) or YYYY-Qn (a quarter, e.g. 2026-Q4)"

LINE_CODES: tuple[str, ...] = (
    "base", "special_day", "commission", "fixed_fee", "extra_shifts", "understaffing",
    "qa_penalty", "late_fee", "adjustment", "breach_penalty", "correction",
)

COMMAND_TYPES: tuple[str, ...] = (
    "sign_contract", "amend_terms", "end_trial", "terminate_contract", "record_deposit",
    "refund_deposit", "train_agent", "assess_agent", "agent_live", "offboard_agent",
    "record_shift", "retract_shift", "record_sales", "record_service_metrics",
    "record_qa_inspection", "post_adjustment", "open_dispute", "resolve_dispute",
    "report_breach", "issue_settlement", "record_payment", "refund_credit", "resolve_breach",
    "void_payment", "void_statement", "add_user", "revoke_user", "issue_quote",
    "record_agent_account", "record_payer_name", "retire_payer_name", "set_provider",
)
