"""Whose contract is it: contract id -> merchant (id, name), from the ``ContractSigned``
events, kept in memory and extended as new contracts are signed (a contract's merchant never
changes, so nothing once known is read again). The server uses it to keep merchants apart."""

from __future__ import annotations

import threading

from ledger.streams import CONTRACT
from schemas import events as ev
from store.eventstore import EVENTS_TABLE, Store, decode_event


class Owners:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._mark = -1  # the log position read up to
        self._merchant: dict[str, tuple[str, str]] = {}
        self._lock = threading.Lock()

    def _fresh(self) -> None:
        last = self.store.max_position()
        if last == self._mark:
            return
        with self._lock:
            pos = "notification_id" if self.store.postgres else "rowid"
            rows = self.store.query(
                f"SELECT {pos}, originator_id, topic, state FROM {EVENTS_TABLE} "
                f"WHERE originator_version = 1 AND originator_id >= ? AND originator_id < ? "
                f"AND {pos} > ? AND {pos} <= ?", (f"{CONTRACT}:", f"{CONTRACT};", max(self._mark, 0), last))
            for _, _, topic, state in rows:
                event = decode_event(str(topic), bytes(state))
                if isinstance(event, ev.ContractSigned):
                    self._merchant[event.contract_id] = (event.merchant.id, event.merchant.name)
            self._mark = last

    def merchant_of(self, contract_id: str) -> str | None:
        if contract_id not in self._merchant:
            self._fresh()
        found = self._merchant.get(contract_id)
        return found[0] if found else None

    def contracts_of(self, merchant_id: str | None) -> list[str]:
        self._fresh()
        return sorted(c for c, (m, _) in self._merchant.items() if m == merchant_id)

    def merchants(self) -> dict[str, tuple[str, str]]:
        """contract id -> (merchant id, merchant name), every contract."""
        self._fresh()
        return dict(self._merchant)
