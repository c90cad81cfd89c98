"""Decide function of the provider's identity: ``set_provider``.

A profile is a fact about the provider, not about a contract: it goes to its own stream
(``ledger.streams.provider_stream``). It has no rule beyond its schema: any
``effective_from`` is allowed, since a statement reads the profiles as the ledger knew
them when it was issued (``ledger.provider.profile_on``), so a profile recorded later,
even back-dated, never changes an issued statement.
"""

from __future__ import annotations

from decide.common import Emitted, Meta, State
from ledger.streams import provider_stream
from schemas import commands as C
from schemas import events as ev


def set_provider(st: State, c: C.SetProvider, m: Meta) -> Emitted:
    del st
    return [(provider_stream(), ev.ProviderSet(
        contract_id="", effective_from=c.effective_from, name=c.name, address=c.address,
        tax_id=c.tax_id, bank=c.bank, contact=c.contact, **m))]
