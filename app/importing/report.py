"""What an import made of each row, and the counts: msgspec Structs, so ``--json``
is one encode and the commands to submit are one JSON Lines encode.

Statuses: ``command`` (the row gave commands), ``skipped`` (a reason code:
``summary_row``, ``rest``, ``debit``, ``already_recorded``, ``duplicate_row``,
…), ``error`` (the cell named by ``field``/``column`` could not be read),
``unmapped`` (an agent or account the ledger does not know: listed, not
guessed), ``unmatched`` and ``ambiguous`` (bank credits the rules could not
assign to exactly one contract). Decimals (response seconds) are encoded as
JSON numbers, as the intake expects.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any, Literal

import msgspec

from app.importing.header import Skip, Table

Status = Literal["command", "skipped", "error", "unmapped", "unmatched", "ambiguous"]
STATUSES: tuple[str, ...] = ("command", "skipped", "error", "unmapped", "unmatched", "ambiguous")

_ENCODER = msgspec.json.Encoder(decimal_format="number")


class Outcome(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    row: int
    status: Status
    commands: list[dict[str, Any]] = []
    reason: str | None = None
    message: str | None = None
    field: str | None = None
    column: str | None = None
    account: str | None = None
    rule: str | None = None
    statements: list[str] = []
    candidates: list[str] = []


class Counts(msgspec.Struct, frozen=True):
    rows: int
    commands: int
    by_status: dict[str, int]
    by_reason: dict[str, int]
    by_type: dict[str, int]
    rest_days: int = 0


class Report(msgspec.Struct, frozen=True, kw_only=True):
    kind: str
    encoding: str | None
    sheet: str | None
    header_row: int
    counts: Counts
    unmapped: list[str]
    outcomes: list[Outcome]


def skipped(skip: Skip) -> Outcome:
    return Outcome(row=skip.row, status="skipped", reason=skip.reason, message=skip.message)


def error(row: int, field: str, message: str, column: str | None = None) -> Outcome:
    return Outcome(row=row, status="error", reason="invalid_value", field=field,
                   column=column, message=message)


def build(kind: str, table: Table, outcomes: Iterable[Outcome], rest_days: int = 0) -> Report:
    """Outcomes in row order (the table's own skips included) with their counts."""
    every = sorted([*map(skipped, table.skipped), *outcomes], key=lambda o: o.row)
    by_status: Counter[str] = Counter(o.status for o in every)
    by_reason = Counter(o.reason for o in every if o.reason)
    by_type = Counter(c["type"] for o in every for c in o.commands)
    unmapped = sorted({o.account for o in every if o.status == "unmapped" and o.account})
    counts = Counts(rows=len({o.row for o in every}), commands=sum(by_type.values()),
                    by_status={s: by_status[s] for s in STATUSES if by_status[s]},
                    by_reason=dict(sorted(by_reason.items())), by_type=dict(sorted(by_type.items())),
                    rest_days=rest_days)
    return Report(kind=kind, encoding=table.encoding, sheet=table.sheet,
                  header_row=table.header_row, counts=counts, unmapped=unmapped, outcomes=every)


def commands(report: Report) -> list[dict[str, Any]]:
    """The proposed commands, in row order."""
    return [c for o in report.outcomes for c in o.commands]


def jsonl(report: Report) -> bytes:
    """The proposed commands as JSON Lines, ready for the intake."""
    return b"".join(_ENCODER.encode(c) + b"\n" for c in commands(report))


def to_json(report: Report) -> bytes:
    """The whole report for ``--json``."""
    return _ENCODER.encode(report)
