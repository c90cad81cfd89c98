"""Command intake: JSON Lines in, one result per line out, in input order.

Each result carries its 1-based line number (blank lines are counted and get no
result). Per line: the bounds (``too_large``: a line over 1 MiB, a string over
10,000 characters, an array over 1,000 items), parse (``invalid_json``, naming
the encoding problem when the line is not UTF-8), the id check first (an exact replay of an
accepted command is ``duplicate`` and is not validated again; another body
under an accepted id is ``id_reused``), then the schema (msgspec, strict),
then the business rules (``decide``). Accepted commands are saved
in batches: one transaction per batch, many streams in it, with a row per
command id (and its body hash) in the same transaction. If another writer got
there first (a version or id conflict), the batch is decided again from fresh
state, so concurrent writers never lose or double a command. A dry run
(``Intake(store, dry_run=True)``) decides every line the same way, each batch on
the states that hold the earlier ones, and writes nothing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import os
import re
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import msgspec
from eventsourcing.persistence import IntegrityError

from app.commandlog import CommandLog
from app.lines import MAX_LINE_BYTES, Line, Unreadable, not_utf8
from app.today import today
from decide import decide_command
from ledger import errors as E
from ledger.validation import schema_error, typed_error
from schemas.commands import AnyCommand, Command
from schemas.quote import MAX_HISTORY
from schemas.types import intake_dec_hook
from store.codec import CommandLine, body_hash
from store.eventstore import Store
from store.workspace import Flight, Workspace
from store.writer import Landing, ProcessWriter, SkippedBatchError, ThreadWriter, can_fork

BATCH = int(os.environ.get("LEDGER_BATCH", "10000"))  # commands per transaction
MAX_TEXT = 10_000  # characters in one string of a command
MAX_ITEMS = 1_000  # items in one array of a command
# Arrays allowed to be longer (their schema bounds them): a quote's hourly history, which the
# 1 MiB line bounds in practice to about 20,000 rows.
LONG_ARRAYS = {"profile.history": MAX_HISTORY}
_SMALL = 2 * MAX_ITEMS  # bytes: a shorter line cannot break either bound
RETRIES = 50
FIRST_BATCH = 1000  # commands in the first transaction of a submit
GC_EVERY = 10  # batches between collections of the young generations
# Seconds the deciding thread may keep the GIL once the writer thread asks for it (CPython's
# default is 5 ms). The writer asks again after each of its statements and its commit, so at
# the default a batch's write waited for the GIL more than it worked, and held up the next.
HANDOVER = 0.0005

_PARSER = msgspec.json.Decoder(float_hook=Decimal)
_COMMANDS = msgspec.json.Decoder(AnyCommand, dec_hook=intake_dec_hook, float_hook=Decimal)
_TAGS: dict[type, str] = {c: str(c.__struct_config__.tag) for c in AnyCommand.__args__}


# A line parsed: (id; the line itself when its id is one to look up, else None; error; of its
# JSON object what the results and the read-ahead need: its type, contract_id and date; and the
# command, when the line passed the schema already). The generic object is not kept past its
# line; the rare check that needs it again (``_text_and_dates``) decodes the line again.
Parsed = tuple[Any, bytes | None, E.LedgerError | None, Any, Any, Any, Command | None]
# What an id seen before was accepted with: its body hash (stored), or its line (this run's).
Seen = str | bytes


@dataclass(eq=False)
class _Flying:
    """A decided batch and, once launched, its write."""

    lines: list[Line]
    numbers: list[int]
    parsed: list[Parsed]
    results: list[Result]
    elapsed: list[float]  # seconds per result, when the per-command log lines are on
    accepted: dict[str, bytes]  # command id -> its line
    rows: list[CommandLine]
    flight: Flight | None
    future: Landing | None

    @property
    def writes(self) -> bool:
        """Has it anything to write (events or command rows)? If not, it never goes to the
        writer."""
        return bool(self.rows or (self.flight is not None and self.flight.pending))


def batch_sizes(size: int, first: int | None = None) -> Iterator[int]:
    """The lines of each batch: ``size``; or, when ``first`` is given (and smaller), ``first``
    and then each batch twice the one before until ``size``. The writer starts on a small
    batch while the next, larger one is decided, instead of waiting for a full one."""
    limit = min(size, first or size)
    while True:
        yield limit
        limit = min(size, 2 * limit)


def _chunks(lines: Iterable[Line], size: int,
            first: int | None = None) -> Iterator[tuple[list[int], list[Line]]]:
    """Batches of the non-blank lines (``batch_sizes``), each with its 1-based line numbers."""
    numbers: list[int] = []
    chunk: list[Line] = []
    limits = batch_sizes(size, first)
    limit = next(limits)
    for number, line in enumerate(lines, start=1):
        if line[:1] == b"{" or isinstance(line, Unreadable) or line.strip():
            numbers.append(number)
            chunk.append(line)
            if len(chunk) >= limit:
                yield numbers, chunk
                numbers, chunk = [], []
                limit = next(limits)
    if chunk:
        yield numbers, chunk


class Result(msgspec.Struct):
    id: Any
    status: str
    error: dict[str, Any] | None = None
    command_type: str | None = None
    contract_id: str | None = None
    line: int | None = None  # 1-based, in the input

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"line": self.line, "id": self.id, "status": self.status}
        if self.error is not None:
            out["error"] = self.error
        return out


class _Answer(msgspec.Struct, omit_defaults=True):
    line: int | None
    id: Any
    status: str
    error: dict[str, Any] | None = None


_ANSWER = msgspec.json.Encoder()


def encode_results(results: list[Result], array: bool) -> bytes:
    """Results as ``submit`` prints them, in one call: JSON Lines, or a JSON array of the
    same objects (``to_json``'s shape)."""
    answers = [_Answer(r.line, r.id, r.status, r.error) for r in results]
    return _ANSWER.encode(answers) if array else _ANSWER.encode_lines(answers)


def _error(code: str, message: str, field: str | None) -> dict[str, Any]:
    return {"code": code, "message": message, "field": field}


def _money_hint(error: E.LedgerError) -> None:
    if error.code == "invalid_type" and error.field and error.field.endswith("_fen"):
        error.message = f"{error.field} must be an integer (money: integer fen, never a float)"


def _parse(line: Line) -> Parsed:
    """``Parsed`` for one line. A short line that passes the schema (nearly every line) is
    decoded once, into its command; any other goes through the checks in their order."""
    if isinstance(line, bytes) and len(line) <= _SMALL:  # within every bound (``_SMALL``)
        try:
            command = _COMMANDS.decode(line)
        except (msgspec.DecodeError, UnicodeDecodeError, RecursionError):
            pass  # the checks below say what is wrong
        else:
            command_id = command.id  # a string, not empty (the schema)
            return (command_id, None if "\x00" in command_id else line, None, _TAGS[type(command)],
                    getattr(command, "contract_id", None), getattr(command, "date", None), command)
    if isinstance(line, Unreadable):
        return None, None, typed_error(line.code, line.message, None), None, None, None, None
    if len(line) > MAX_LINE_BYTES and len(line.rstrip(b"\r\n")) > MAX_LINE_BYTES:
        return None, None, E.TooLargeError(
            f"the line is {len(line):,} bytes: a command line is at most {MAX_LINE_BYTES:,} bytes",
            None), None, None, None, None
    try:
        obj = _PARSER.decode(line)
    except (msgspec.DecodeError, UnicodeDecodeError) as exc:
        problem = not_utf8(line) if "UTF-8" in str(exc) or "byte" in str(exc) else None
        return None, None, typed_error("invalid_json", problem or f"not JSON: {exc}", None), \
            None, None, None, None
    except RecursionError:
        return None, None, typed_error("invalid_json", "not JSON: nested too deeply", None), \
            None, None, None, None
    if not isinstance(obj, dict):
        return None, None, typed_error("invalid_json", "a command must be a JSON object", None), \
            None, None, None, None
    cid = obj.get("id")
    if len(line) > _SMALL:
        where = _too_large(obj)
        if where is not None:
            ident = cid if isinstance(cid, str) and len(cid) <= MAX_TEXT else None
            return ident, None, E.TooLargeError(
                f"{where[1]}: at most {MAX_TEXT:,} characters a string and {MAX_ITEMS:,} items "
                "an array", where[0]), None, None, None, None
    kind, contract, day = obj.get("type"), obj.get("contract_id"), obj.get("date")
    if "id" not in obj:
        error: E.LedgerError = E.MissingFieldError("Object missing required field `id`", "id")
        return None, None, error, kind, contract, day, None
    if not isinstance(cid, str):
        return cid, None, typed_error("invalid_type", "id must be a string", "id"), \
            kind, contract, day, None
    if not cid:
        return cid, None, E.InvalidValueError("id must not be empty", "id"), kind, contract, day, None
    if "\x00" in cid:  # never stored, so never known: no id lookup (the schema answers)
        return cid, None, None, kind, contract, day, None
    return cid, line, None, kind, contract, day, None


def _same_body(seen: Seen, line: bytes) -> bool:
    """Is ``line`` the command accepted before under its id (``seen``: that command's stored
    body hash, or its line in this run)? A command resent as it was is the same bytes; only
    otherwise are the bodies hashed (``body_hash``: key order and spacing aside)."""
    if isinstance(seen, bytes):
        return seen == line or body_hash(seen) == body_hash(line)
    return seen == body_hash(line)


def _too_large(value: Any, path: str = "") -> tuple[str, str] | None:
    """(field path, what) of the first string or array beyond the bounds."""
    if isinstance(value, str):
        return (path, f"{len(value):,} characters") if len(value) > MAX_TEXT else None
    if isinstance(value, list):
        if len(value) > LONG_ARRAYS.get(path, MAX_ITEMS):
            return path, f"{len(value):,} items"
        items: Any = ((f"{path}[{i}]", v) for i, v in enumerate(value))
    elif isinstance(value, dict):
        if len(value) > MAX_ITEMS:
            return path, f"{len(value):,} fields"
        items = ((f"{path}.{k}" if path else str(k), v) for k, v in value.items())
    else:
        return None
    for here, item in items:
        found = _too_large(item, here)
        if found is not None:
            return found
    return None


# A quoted date whose year is outside 1900-2999. The search stops at each -MM-DD" ending (a
# line has fewer hyphens than quotes) and looks behind it for the opening quote and the year.
_FAR_YEAR = re.compile(rb'-\d\d-\d\d"(?<="(?:0\d|1[0-8]|[3-9]\d)\d\d-\d\d-\d\d")')
_NUL = b"\\u0000"
FIRST_DAY, LAST_DAY = "1900-01-01", "2999-12-31"


def _suspect(lines: list[Line]) -> bool:
    """Could a line of the batch hold NUL in text or a date outside 1900-2999? One look at
    all of its bytes: when none can, ``_text_and_dates`` need not look at any line."""
    try:
        text = b"\n".join(lines)  # type: ignore[arg-type]  # an unreadable line: TypeError
    except TypeError:
        text = b"\n".join(line for line in lines if isinstance(line, bytes))
    return text.find(_NUL) >= 0 or _FAR_YEAR.search(text) is not None


def _text_and_dates(obj: dict[str, Any], line: bytes) -> E.LedgerError | None:
    """What no database stores (NUL in text) and dates outside 1900-2999 (a typo, and
    beyond them date arithmetic overflows). Cheap: both are looked for in the raw line first."""
    if line.find(_NUL) >= 0:
        where = _find(obj, lambda v: "\x00" in v)
        if where is not None:
            return E.InvalidValueError("text must not contain NUL (\\u0000)", where)
    if _FAR_YEAR.search(line):
        where = _find(obj, lambda v: len(v) == 10 and v[4] == "-" and not FIRST_DAY <= v <= LAST_DAY)
        if where is not None:
            return E.OutOfRangeError(f"dates run from {FIRST_DAY} to {LAST_DAY}", where)
    return None


def _find(value: Any, bad: Callable[[str], bool], path: str = "") -> str | None:
    """The field path of the first string (or key) that is ``bad``."""
    if isinstance(value, str):
        return (path or None) if bad(value) else None
    items: Any = value.items() if isinstance(value, dict) else (
        ((f"[{i}]", v) for i, v in enumerate(value)) if isinstance(value, list) else ())
    for key, item in items:
        here = f"{path}{key}" if str(key).startswith("[") else (f"{path}.{key}" if path else str(key))
        if bad(str(key)):
            return here
        found = _find(item, bad, here)
        if found is not None:
            return found
    return None


@contextlib.contextmanager
def _prompt_handover() -> Iterator[None]:
    """The interpreter's switch interval at most ``HANDOVER`` while a writer thread works
    beside the deciding one; as it was afterwards. Process-wide, like the collector's
    setting: two intakes at once in one server may end with the shorter interval kept,
    which only makes threads take turns sooner."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(min(before, HANDOVER))
    try:
        yield
    finally:
        sys.setswitchinterval(before)


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class Intake:
    """Applies commands to one store; keeps state warm across batches."""

    def __init__(self, store: Store, log: CommandLog | None = None,
                 today: dt.date | None = None, submitted_by: str | None = None,
                 *, dry_run: bool = False, fork_writer: bool = False) -> None:
        """``log``: where the batch, run and command lines go (none without it); ``today``: the
        recording date (default: ``app.today.today()`` when each batch is decided);
        ``submitted_by``: who submits, recorded in every event (none without it);
        ``dry_run``: decide everything, write nothing (``batches`` and ``submit``);
        ``fork_writer``: write the batches after the first from a child process where one
        can be forked (Linux, SQLite: ``store.writer``), not from a thread. For a
        command-line run; a server, whose other threads a fork would copy mid-step,
        keeps the thread."""
        self.store = store
        self.ws = Workspace(store)
        self.log = log
        self.today = today
        self.submitted_by = submitted_by
        self.dry_run = dry_run
        self.fork_writer = fork_writer

    def submit(self, lines: Iterable[Line], batch: int = BATCH) -> Iterator[Result]:
        """``batches`` one result at a time."""
        for results in self.batches(lines, batch):
            yield from results

    def batches(self, lines: Iterable[Line], batch: int = BATCH) -> Iterator[list[Result]]:
        """Results in input order, a batch at a time, each batch's only once its transaction
        committed (at once in a dry run). ``lines``: one item per physical line (``app.lines``).

        While one batch is written (by a writer thread or a child process:
        ``store.writer``), the next is decided on the states that already hold the
        first one's events, and handed over as soon as it is decided: two batches
        are in flight at most. If a write loses a conflict to another process, the
        writer skips the batch behind it; the lost one is written again from fresh
        state, and the one behind it decided again.
        """
        # The cyclic garbage collector would walk every warm state object again
        # and again (a quarter of the time of a big submit); intake makes few
        # reference cycles (a rejection's traceback), so the young generations
        # are collected every few batches instead: each collection walks the
        # batches in flight, so fewer collections cost less.
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            if self.dry_run:
                yield from self._dry(lines, batch)
                if self.log is not None:
                    self.log.finish()
                return
            with self._writer() as writer:
                flying: list[_Flying] = []  # handed to the writer, oldest first
                # a short first batch: the writer starts while the first full one is decided
                for batches, (numbers, chunk) in enumerate(_chunks(lines, batch, FIRST_BATCH),
                                                           start=1):
                    parsed = [_parse(line) for line in chunk]
                    # while the one before is written
                    decided = self._decide_once(parsed, chunk, numbers, flying[-1] if flying else None)
                    flying.append(self._launch(writer, decided))
                    if len(flying) > 1:
                        yield from self._land(writer, flying)
                    if batches % GC_EVERY == 0:
                        gc.collect(1)
                while flying:
                    yield from self._land(writer, flying)
            if self.log is not None:
                self.log.finish()
        finally:
            if was_enabled:
                gc.enable()

    @contextlib.contextmanager
    def _writer(self) -> Iterator[ThreadWriter | ProcessWriter]:
        """The writer of this run's batches (``fork_writer``), closed once the batches in
        flight, if any, have been written; a writer thread gets the GIL sooner meanwhile."""
        forked = self.fork_writer and not self.store.postgres and can_fork()
        writer = ProcessWriter(self.store) if forked else ThreadWriter(self.store)
        try:
            with _prompt_handover():
                yield writer
        finally:
            writer.close()

    def _dry(self, lines: Iterable[Line], batch: int) -> Iterator[list[Result]]:
        """Decide every batch on the states that hold the earlier ones; write nothing, and
        forget it all at the end."""
        accepted = _Flying([], [], [], [], [], {}, [], None, None)  # every id accepted so far
        try:
            for batches, (numbers, chunk) in enumerate(_chunks(lines, batch), start=1):
                parsed = [_parse(line) for line in chunk]
                decided = self._decide_once(parsed, chunk, numbers, accepted)
                accepted.accepted.update(decided.accepted)
                yield self._done(decided)
                if batches % GC_EVERY == 0:
                    gc.collect(1)
        finally:
            self.ws.discard()

    def _decide_once(self, parsed: list[Parsed], lines: list[Line], numbers: list[int],
                     flying: _Flying | None) -> _Flying:
        ids = [p[0] for p in parsed if p[1] is not None]
        known: dict[str, Seen] = dict(self.store.known_commands(ids))
        if flying is not None:  # accepted a moment ago, not committed yet
            known.update(flying.accepted)
        decided = self._decide(parsed, lines, numbers, known)
        self._recheck_rejections(parsed, decided.results, flying)
        return decided

    def _recheck_rejections(self, parsed: list[Parsed], results: list[Result],
                            flying: _Flying | None) -> None:
        """A rule may have rejected a command because its own events, written by
        another process after the id check, were already in the state read
        since. Its id is committed with those events, so ask again: such a
        command is a duplicate (or a reused id), not a rejection."""
        suspects = {p[0]: p[1] for p, r in zip(parsed, results, strict=True)
                    if r.status == "rejected" and p[1] is not None}
        if not suspects:
            return
        known: dict[str, Seen] = dict(self.store.known_commands(list(suspects)))
        if flying is not None:
            known.update((cid, flying.accepted[cid]) for cid in suspects if cid in flying.accepted)
        for i, ((cid, body, _, kind, contract, _, _), result) in enumerate(
                zip(parsed, results, strict=True)):
            if result.status != "rejected" or body is None or cid not in known:
                continue
            if _same_body(known[cid], body):
                results[i] = Result(cid, "duplicate", None, result.command_type,
                                    result.contract_id, result.line)
            else:
                results[i] = self._rejected(cid, kind, contract, E.IdReusedError(
                    f"command id {cid} was accepted with a different body", "id"), result.line)

    def _launch(self, writer: ThreadWriter | ProcessWriter, decided: _Flying) -> _Flying:
        flight = self.ws.detach()
        decided.flight = flight
        if decided.writes:
            decided.future = writer.write(flight.pending, decided.rows)
        else:  # nothing to write: landed already
            done: Future[list[int]] = Future()
            done.set_result([])
            decided.future = done
        return decided

    def _land(self, writer: ThreadWriter | ProcessWriter,
              flying: list[_Flying]) -> Iterator[list[Result]]:
        """Wait for the oldest batch in flight and yield its results. If it lost a conflict,
        the writer skipped the ones behind it (decided on its states): it is written again
        from fresh state, and they are decided again and handed over."""
        oldest = flying.pop(0)
        if self._landed(oldest):
            yield self._done(oldest)
            return
        behind = list(flying)
        for skipped in behind:
            assert skipped.future is not None
            if not skipped.writes:
                continue  # never handed over
            try:
                skipped.future.result()
            except SkippedBatchError:
                continue
            raise RuntimeError("the writer wrote a batch behind one that failed")
        writer.resume()
        yield self._redo(oldest)
        flying.clear()
        for again in behind:
            decided = self._decide_once(again.parsed, again.lines, again.numbers,
                                        flying[-1] if flying else None)
            flying.append(self._launch(writer, decided))

    def _landed(self, flying: _Flying) -> bool:
        """Wait for a batch's transaction; False if it lost a conflict."""
        assert flying.future is not None and flying.flight is not None
        try:
            flying.future.result()
        except IntegrityError:
            self.ws.discard()
            return False
        if flying.flight in self.ws.inflight:
            self.ws.landed(flying.flight)
        return True

    def _done(self, flying: _Flying) -> list[Result]:
        if self.log is not None:
            if self.log.enabled:  # the per-command lines (debug)
                for result, elapsed in zip(flying.results, flying.elapsed, strict=True):
                    self.log.command(result, elapsed)
            self.log.batch(flying.results)
        return flying.results

    def _redo(self, flying: _Flying) -> list[Result]:
        """Decide and write a batch again, synchronously, until it lands."""
        for attempt in range(RETRIES):
            decided = self._decide_once(flying.parsed, flying.lines, flying.numbers, None)
            try:
                self.ws.commit(decided.rows)
            except IntegrityError:
                self.ws.discard()
                time.sleep(min(0.001 * 2**attempt, 0.2))
                continue
            return self._done(decided)
        raise RuntimeError("gave up after repeated write conflicts with other writers")

    def _decide(self, parsed: list[Parsed], lines: list[Line], numbers: list[int],
                known: dict[str, Seen]) -> _Flying:
        """Decide every line of a batch, in order, on the warm states; the per-command log
        lines' seconds are measured only when they are on."""
        recorded_at = _now()
        self.ws.today = self.today or today()
        self.ws.prefetch([(p[4], p[5]) for p in parsed if p[2] is None])  # its streams, at once
        results: list[Result] = []
        elapsed: list[float] = []
        batch_ids: dict[str, bytes] = {}  # accepted in this batch: their lines
        timed = self.log is not None and self.log.enabled
        suspect = _suspect(lines)
        for (cid, body, error, kind, contract, _, command), line, number in zip(
                parsed, lines, numbers, strict=True):
            seconds = 0.0
            if error is not None:
                result = self._rejected(cid, kind, contract, error, number)
            elif body is not None and (previous := batch_ids.get(cid) or known.get(cid)) is not None:
                if _same_body(previous, body):
                    result = Result(cid, "duplicate", None, kind, _text(contract), number)
                else:
                    result = self._rejected(cid, kind, contract, E.IdReusedError(
                        f"command id {cid} was accepted with a different body", "id"), number)
            else:
                assert isinstance(line, bytes)  # an unreadable line has its error already
                started = time.perf_counter() if timed else 0.0
                result = self._apply(cid, kind, contract, line, command, number, recorded_at,
                                     suspect)
                if result.status == "accepted":
                    assert body is not None  # a line whose id is not looked up is rejected
                    batch_ids[cid] = body
                if timed:
                    seconds = time.perf_counter() - started
            results.append(result)
            if timed:
                elapsed.append(seconds)
        rows = [(cid, body, recorded_at) for cid, body in batch_ids.items()]
        return _Flying(lines, numbers, parsed, results, elapsed, batch_ids, rows, None, None)

    def _apply(self, cid: str, kind: Any, contract: Any, line: bytes, command: Command | None,
               number: int, recorded_at: str, suspect: bool) -> Result:
        """Check and decide one line (``command``: the line decoded already, if it was;
        ``suspect``: the batch may hold NUL or a far date)."""
        if command is None:
            try:
                command = _COMMANDS.decode(line)
            except msgspec.ValidationError as exc:
                return self._rejected(cid, kind, contract, schema_error(str(exc)), number)
        if suspect and (value_error := _text_and_dates(_PARSER.decode(line), line)) is not None:
            return self._rejected(cid, kind, contract, value_error, number)
        meta = {"command_id": cid, "recorded_at": recorded_at}
        if self.submitted_by is not None:
            meta["submitted_by"] = self.submitted_by
        try:
            emitted = decide_command(self.ws, command, meta)
        except E.LedgerError as error:
            return self._rejected(cid, kind, contract, error, number)
        append = self.ws.append
        for stream, event in emitted:
            append(stream, event)
        return Result(cid, "accepted", None, kind, emitted[0][1].contract_id or None, number)

    @staticmethod
    def _rejected(cid: Any, kind: Any, contract: Any, error: E.LedgerError,
                  number: int | None) -> Result:
        """``kind`` and ``contract``: the line's ``type`` and ``contract_id``, as parsed."""
        _money_hint(error)
        return Result(cid, "rejected", _error(error.code, error.message, error.field),
                      _text(kind), _text(contract), number)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None
