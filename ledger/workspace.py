"""A unit of work over the store: load streams once, fold, append, commit.

Handlers read contract and month states through the workspace and append new
events to it; the events fold into the cached states at once, so the next
command of the same batch sees them. ``commit`` writes every pending event of
the batch (many streams) and the batch's command rows in one transaction.
On a version conflict (another writer), the caller discards and retries.
"""

from __future__ import annotations

from collections import OrderedDict

from ledger.activity import MonthActivity, activity_stream, contract_stream, dispute_stream
from ledger.contract import ContractState
from ledger.store import Pending, Store
from schemas import events as ev

MONTH_CACHE = 256  # month states kept between batches of one submit


class Workspace:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.contracts: dict[str, ContractState | None] = {}
        self.months: OrderedDict[tuple[str, str], MonthActivity] = OrderedDict()
        self.disputes: dict[str, str | None] = {}
        self.pending: list[Pending] = []
        self._dispute_versions: dict[str, int] = {}

    # -- reading ------------------------------------------------------------
    def contract(self, contract_id: str) -> ContractState | None:
        if contract_id not in self.contracts:
            state: ContractState | None = None
            for rec in self.store.stream(contract_stream(contract_id)):
                if state is None:
                    assert isinstance(rec.event, ev.ContractSigned)
                    state = ContractState(rec.event, rec.position)
                    state.version = 1
                else:
                    state.evolve(rec.event, rec.position)
            self.contracts[contract_id] = state
        return self.contracts[contract_id]

    def month(self, contract_id: str, month: str) -> MonthActivity:
        key = (contract_id, month)
        activity = self.months.get(key)
        if activity is None:
            activity = MonthActivity(month)
            for rec in self.store.stream(activity_stream(contract_id, month)):
                activity.evolve(rec.event)
            self.months[key] = activity
            if len(self.months) > MONTH_CACHE and not self.pending:
                self.months.popitem(last=False)
        else:
            self.months.move_to_end(key)
        return activity

    def activity_versions(self, contract_id: str) -> dict[str, int]:
        """Month -> current version of the contract's activity streams (pending included)."""
        prefix = activity_stream(contract_id, "")
        stored = self.store.stream_versions(self.store.streams_with_prefix(prefix))
        out = {sid[len(prefix):]: v for sid, v in stored.items()}
        for (cid, month), activity in self.months.items():
            if cid == contract_id:
                out[month] = activity.version
        return out

    def dispute_owner(self, dispute_id: str) -> str | None:
        if dispute_id not in self.disputes:
            records = self.store.stream(dispute_stream(dispute_id))
            self.disputes[dispute_id] = records[0].event.contract_id if records else None
            self._dispute_versions[dispute_id] = len(records)
        return self.disputes[dispute_id]

    # -- writing ------------------------------------------------------------
    def append(self, stream: str, event: ev.Event) -> None:
        kind, _, rest = stream.partition(":")
        if kind == "contract":
            if isinstance(event, ev.ContractSigned):
                state = ContractState(event, 0)
                state.version = 1
                self.contracts[event.contract_id] = state
            else:
                state_or_none = self.contract(rest)
                assert state_or_none is not None
                state = state_or_none
                state.evolve(event, 0)
            version = state.version
        elif kind == "activity":
            contract_id, _, month = rest.rpartition(":")
            activity = self.month(contract_id, month)
            activity.evolve(event)
            version = activity.version
        else:  # dispute claim
            self.disputes[rest] = event.contract_id
            version = self._dispute_versions.get(rest, 0) + 1
            self._dispute_versions[rest] = version
        self.pending.append(Pending(stream, version, event))

    def commit(self, commands: list[tuple[str, str, str]]) -> list[int]:
        if not self.pending and not commands:
            return []
        positions = self.store.save(self.pending, commands)
        self.pending = []
        return positions

    def discard(self) -> None:
        """Forget everything cached: another writer may have moved on."""
        self.contracts.clear()
        self.months.clear()
        self.disputes.clear()
        self._dispute_versions.clear()
        self.pending = []
