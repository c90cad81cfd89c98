"""A merchant's payer names, folded from its ``merchant:<id>`` stream.

The company that pays a shop's statements is often not the shop (a parent
company, a distributor, the owner's trading company). ``record_payer_name``
says that transfers from a name pay for the merchant's contracts;
``retire_payer_name`` takes it back. Names are kept by their comparison form
(``ledger.names.fold``), so one name cannot be recorded twice in two spellings.
"""

from __future__ import annotations

from ledger.names import fold
from schemas import events as ev


class PayerBook:
    """The payer names in force for one merchant."""

    def __init__(self, merchant_id: str) -> None:
        self.merchant_id = merchant_id
        self.names: dict[str, ev.PayerNameRecorded] = {}  # folded name -> its record
        self.version = 0  # events folded (the stream's version)

    def holds(self, name: str) -> bool:
        return fold(name) in self.names

    def evolve(self, event: ev.Event) -> None:
        self.version += 1
        if isinstance(event, ev.PayerNameRecorded):
            self.names[fold(event.payer_name)] = event
        elif isinstance(event, ev.PayerNameRetired):
            self.names.pop(fold(event.payer_name), None)
