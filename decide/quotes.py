"""Decide functions of consultation (SPEC §12): issue a quote, and the quote a contract names.

``issue_quote`` runs the whole quote (``quote.plan.quote``: forecast, Erlang C,
plan, prices, proposed terms) on the command's profile and stores the result
in the event, so a quote is never recomputed: a later change of the maths
cannot alter a quote already sent. A bad profile is refused like any body
(``invalid_value`` / ``out_of_range``, the field under ``profile``).

``check_quote`` is the part of ``sign_contract`` about its ``quote_id``: the
quote exists (``unknown_quote``), is for the same merchant id
(``quote_mismatch``) and ``signed_on`` is at most ``valid_days`` after its
``issued_on`` (``quote_expired``; the last valid day is included).
"""

from __future__ import annotations

import datetime as dt

from decide.common import Emitted, Meta, State
from ledger import errors as E
from ledger.streams import quote_stream
from quote.plan import quote
from schemas import commands as C
from schemas import events as ev

NO_CONTRACT = ""  # a quote precedes any contract (the Event base requires the field)


def issue_quote(st: State, c: C.IssueQuote, m: Meta) -> Emitted:
    if st.quote(c.quote_id) is not None:
        raise E.QuoteExistsError(f"quote {c.quote_id} exists already", "quote_id")
    result = quote(c.profile, at="profile")
    return [(quote_stream(c.quote_id), ev.QuoteIssued(
        contract_id=NO_CONTRACT, quote_id=c.quote_id, merchant=c.merchant, issued_on=c.issued_on,
        valid_days=c.valid_days, profile=c.profile, result=result, **m))]


def last_valid_day(q: ev.QuoteIssued) -> dt.date:
    """The last day a contract may be signed from the quote: ``issued_on`` + ``valid_days``."""
    return q.issued_on + dt.timedelta(days=q.valid_days)


def check_quote(st: State, c: C.SignContract) -> None:
    """The rules of ``sign_contract.quote_id`` (none when it names no quote)."""
    if c.quote_id is None:
        return
    q = st.quote(c.quote_id)
    if q is None:
        raise E.UnknownQuoteError(f"quote {c.quote_id} is not known", "quote_id")
    if q.merchant.id != c.merchant.id:
        raise E.QuoteMismatchError(
            f"quote {c.quote_id} is for merchant {q.merchant.id}, not {c.merchant.id}", "quote_id")
    if c.signed_on > last_valid_day(q):
        raise E.QuoteExpiredError(
            f"quote {c.quote_id} was valid until {last_valid_day(q)}; signed_on is {c.signed_on}",
            "signed_on")
