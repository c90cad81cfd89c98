"""Terms in effect on a date: the signed terms with amendments applied.

An amendment is a partial terms object merged key by key, recursively;
arrays and scalars are replaced whole. Amendments apply in order of
``effective_from``, then of log order (SPEC §10).
"""

from __future__ import annotations

import bisect
import datetime as dt
from decimal import Decimal
from typing import Any

import msgspec

from schemas.terms import Terms
from schemas.types import enc_hook, intake_dec_hook, stored_dec_hook

IMMUTABLE = (("settlement_cycle",), ("pricing", "model"), ("pricing", "billing"))


def to_plain(terms: Terms) -> dict[str, Any]:
    """Terms as plain JSON values, the shape an amendment merges into."""
    plain: dict[str, Any] = msgspec.to_builtins(terms, enc_hook=enc_hook)
    plain["kpi"] = {k: Decimal(v) for k, v in plain["kpi"].items()}
    return plain


def merge(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


def amended(terms: Terms, changes: dict[str, Any], strict: bool = False) -> Terms:
    """Apply one amendment; raises msgspec.ValidationError on a bad result.

    ``strict`` checks a new amendment as it came in (numbers must be JSON
    numbers); stored amendments hold their decimals as strings and are read
    back leniently.
    """
    hook = intake_dec_hook if strict else stored_dec_hook
    return msgspec.convert(merge(to_plain(terms), changes), Terms, dec_hook=hook)


def changed_immutable(terms: Terms, changes: dict[str, Any]) -> str | None:
    """The dotted path of an immutable term the amendment would change, if any."""
    plain = msgspec.to_builtins(terms, enc_hook=enc_hook)
    for path in IMMUTABLE:
        new: Any = changes
        old: Any = plain
        for key in path:
            new = new.get(key) if isinstance(new, dict) else None
            old = old.get(key) if isinstance(old, dict) else None
        if new is not None and new != old:
            return ".".join(path)
    return None


class TermsTimeline:
    """Signed terms plus dated amendments; ``on(day)`` is cheap after the first call."""

    def __init__(self, signed: Terms) -> None:
        self.signed = signed
        self.amendments: list[tuple[dt.date, int, dict[str, Any]]] = []
        self._starts: list[dt.date] = []
        self._segments: list[Terms] = [signed]

    def amend(self, effective_from: dt.date, changes: dict[str, Any]) -> None:
        self.amendments.append((effective_from, len(self.amendments), changes))
        self.amendments.sort(key=lambda a: (a[0], a[1]))
        self._rebuild()

    def _rebuild(self) -> None:
        current = self.signed
        starts: list[dt.date] = []
        segments = [current]
        for effective_from, _, changes in self.amendments:
            current = amended(current, changes)
            if starts and starts[-1] == effective_from:
                segments[-1] = current
            else:
                starts.append(effective_from)
                segments.append(current)
        self._starts, self._segments = starts, segments

    def on(self, day: dt.date) -> Terms:
        return self._segments[bisect.bisect_right(self._starts, day)]

    def try_amend(self, effective_from: dt.date, changes: dict[str, Any]) -> None:
        """Check that the amendment yields valid terms on every affected segment."""
        amended(self.on(effective_from), changes, strict=True)
        probe = TermsTimeline(self.signed)
        probe.amendments = [*self.amendments, (effective_from, len(self.amendments), changes)]
        probe.amendments.sort(key=lambda a: (a[0], a[1]))
        probe._rebuild()

    @property
    def cycle(self) -> str:
        return self.signed.settlement_cycle

    def every(self) -> list[Terms]:
        """The signed terms and each amended version, in effect order."""
        return list(self._segments)
