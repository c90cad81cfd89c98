"""Stream names: where each event of the log lives (SPEC §8).

- ``contract:<id>``: the contract's lifecycle, agents, QA, money, disputes and
  breaches; folded into ``ContractState``.
- ``activity:<id>:<YYYY-MM>``: a month of shifts, sales and service metrics;
  folded into a month of activity.
- ``dispute:<id>``: one claim event per dispute id, so two contracts cannot
  open the same dispute id.
- ``user:<name>``: a user of the server: added (role, token hash), revoked.
- ``quote:<id>``: one ``QuoteIssued`` per quote id (a quote precedes any
  contract; ``sign_contract`` may name it).
- ``merchant:<id>``: the names a merchant pays from (payer names, for
  reconciling bank statements); folded into ``ledger.merchant.PayerBook``.
- ``provider:profile``: the provider's identity (``set_provider``), one event
  per profile, for the statement documents.
"""

from __future__ import annotations

CONTRACT, ACTIVITY, DISPUTE, USER, QUOTE, MERCHANT, PROVIDER = (
    "contract", "activity", "dispute", "user", "quote", "merchant", "provider")


def contract_stream(contract_id: str) -> str:
    return f"{CONTRACT}:{contract_id}"


def activity_stream(contract_id: str, month: str) -> str:
    return f"{ACTIVITY}:{contract_id}:{month}"


def activity_prefix(contract_id: str) -> str:
    """What every activity stream of one contract starts with."""
    return f"{ACTIVITY}:{contract_id}:"


def dispute_stream(dispute_id: str) -> str:
    return f"{DISPUTE}:{dispute_id}"


def user_stream(name: str) -> str:
    return f"{USER}:{name}"


def quote_stream(quote_id: str) -> str:
    return f"{QUOTE}:{quote_id}"


def merchant_stream(merchant_id: str) -> str:
    return f"{MERCHANT}:{merchant_id}"


def provider_stream() -> str:
    return f"{PROVIDER}:profile"


def kind_of(stream: str) -> tuple[str, str]:
    """``contract:C1`` -> (``contract``, ``C1``); ``activity:C1:2026-03`` -> (``activity``,
    ``C1:2026-03``)."""
    kind, _, rest = stream.partition(":")
    return kind, rest

