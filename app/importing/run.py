"""One import from a file's bytes to the ledger's answers, without the command line.

``read`` turns a file into a ``Report`` (the pure importers over what the
ledger knows: ``books``); ``answer`` puts the report's commands to the intake,
either for real (``apply``: ``Intake.submit``, exactly as ``ledger submit``:
the same validation, the same idempotency) or as a preview (``Intake(..., dry_run=True)``:
what the ledger would answer, nothing written). Each answer carries the file
row its command came from, so a command the ledger refuses is reported with
its row number.

Kinds: ``shifts`` (mappings of kind ``roster-long`` or ``roster-grid``; preset
``roster-long`` by default), ``service`` (``service``; ``chitu``) and ``bank``
(``bank``; ``generic-bank``). A mapping given as text wins over a preset name.
File-level problems raise ``ImportUsageError`` with the remedy: the command
line exits 2 on them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, Literal

import msgspec

from app.commandlog import CommandLog
from app.errors import ReportError
from app.importing import bank, report, roster, service
from app.importing import mapping as M
from app.importing.books import bank_books, contract_books
from app.importing.report import Report
from app.importing.source import load_table
from app.importing.table import TableError
from app.intake import Intake
from store.eventstore import Store
from store.view import View

Kind = Literal["shifts", "service", "bank"]
DEFAULT_PRESET: dict[str, str] = {"shifts": "roster-long", "service": "chitu", "bank": "generic-bank"}
KINDS: dict[str, tuple[str, ...]] = {"shifts": ("roster-long", "roster-grid"),
                                     "service": ("service",), "bank": ("bank",)}
FINDINGS = ("error", "unmapped", "unmatched", "ambiguous")


class ImportUsageError(Exception):
    """The file, the mapping or an option cannot be used; nothing was read or written."""


class Options(msgspec.Struct, frozen=True, kw_only=True):
    preset: str | None = None
    mapping_text: str | None = None  # a mapping file's TOML
    mapping_name: str = "mapping file"
    encoding: str | None = None
    sheet: str | None = None
    shifts: list[str] = []  # --shift NAME=CODE
    contract: str | None = None  # shifts and service
    month: str | None = None  # grid rosters: YYYY-MM
    day: dt.date | None = None  # service reports without a date column


class Answer(msgspec.Struct, frozen=True, omit_defaults=True):
    """The ledger's answer to one command of the import."""

    row: int
    id: str
    type: str
    status: str  # accepted / duplicate / rejected (or what they would be, unapplied)
    error: dict[str, Any] | None = None


def mapping_for(kind: Kind, options: Options) -> M.AnyMapping:
    try:
        m = (M.load(options.mapping_text, options.mapping_name) if options.mapping_text is not None
             else M.preset(options.preset or DEFAULT_PRESET[kind]))
        m = M.with_shifts(m, options.shifts)
    except M.MappingError as exc:
        raise ImportUsageError(str(exc)) from None
    if M.kind_of(m) not in KINDS[kind]:
        raise ImportUsageError(f"a {M.kind_of(m)} mapping cannot import {kind}: use one of kind "
                               f"{' or '.join(KINDS[kind])}")
    return m


def read(store: Store, kind: Kind, data: bytes, filename: str, options: Options) -> Report:
    """The file's rows and what the importer makes of them (no ledger answers yet)."""
    m = mapping_for(kind, options)
    view = View(store)
    try:
        table = load_table(data, filename, m, options.encoding)
        if kind == "bank":
            assert isinstance(m, M.BankMapping)
            books = bank_books(view)
            return bank.reconcile(table, m, books.statements, books.deposits, books.payers,
                                  books.recorded)
        if options.contract is None:
            raise ImportUsageError(f"importing {kind} needs --contract")
        try:
            known = contract_books(view, options.contract)
        except ReportError as exc:
            raise ImportUsageError(str(exc)) from None
        if isinstance(m, M.RosterGridMapping):
            return roster.read_grid(table, m, known.contract_id, known.agents, options.month,
                                    known.codes)
        if isinstance(m, M.RosterLongMapping):
            return roster.read_long(table, m, known.contract_id, known.agents, known.codes)
        assert isinstance(m, M.ServiceMapping)
        day = options.day or service.date_from_filename(filename)
        return service.read_service(table, m, known.contract_id, known.agents, day)
    except TableError as exc:
        raise ImportUsageError(str(exc)) from None


def rows_of(r: Report) -> dict[str, int]:
    """Command id -> the file row it came from."""
    return {c["id"]: o.row for o in r.outcomes for c in o.commands}


def answer(store: Store, r: Report, apply: bool, log: CommandLog | None = None) -> list[Answer]:
    """The ledger's answer to each command of the report, in row order: submitted for
    real when ``apply``, else checked without writing anything."""
    rows = rows_of(r)
    lines = (line + b"\n" for line in report.jsonl(r).splitlines())
    results: Iterable[Any] = Intake(store, log, dry_run=not apply).submit(lines)
    return [Answer(rows.get(x.id, 0), str(x.id), str(x.command_type or ""), x.status, x.error)
            for x in results]


def findings(r: Report, answers: list[Answer]) -> int:
    """Rows the clerk must look at, and commands the ledger refuses: exit 1 when any."""
    return (sum(r.counts.by_status.get(s, 0) for s in FINDINGS)
            + sum(a.status == "rejected" for a in answers))
