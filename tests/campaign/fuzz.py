"""Part 3: fuzzed input. Hypothesis strategies derived from the command schemas, then mutated.

Lines start as schema-valid commands (the strategies are read off
``schemas.commands`` with ``msgspec.inspect``; ids, dates and codes lean
towards the ones the store knows, so lines reach the business rules), then
zero to three mutations: wrong types, floats and booleans in money, huge
integers, NaN and infinities, odd unicode (lone surrogates, NUL, bidi
controls, BOM), missing and extra fields, bad dates, bad tags and ids,
truncated JSON, non-objects, duplicate keys, deep nesting, binary garbage.

Every line must answer ``accepted``, ``duplicate`` or ``rejected`` with a
SPEC §10 code, a message and a field (null only for ``invalid_json``); no
exception may escape the intake; the results must encode as the CLI prints
them; only accepted lines may add events or command rows, and a batch of only
rejected lines changes nothing. Most batches go in-process through
``Intake(open_store(db)).submit``; a sample goes through ``ledger submit`` (a
file or stdin) and must exit 0 or 1 with no traceback.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import math
import random
import time
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import builders as b
import msgspec
import msgspec.inspect as mi
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hseed
from hypothesis import strategies as st
from hypothesis.errors import HypothesisWarning

from . import common as cm

SPEC_CODES = frozenset((
    "invalid_json", "missing_field", "unknown_field", "invalid_type", "invalid_value",
    "out_of_range", "unknown_type", "id_reused", "unknown_contract", "contract_exists",
    "contract_ended", "not_in_trial", "immutable_term", "date_order", "period_settled",
    "unknown_shift", "outside_service_window", "agent_not_trained", "agent_not_assessed",
    "agent_already_live", "agent_not_live", "shift_exists", "shift_not_recorded",
    "inspection_exists", "adjustment_exists", "dispute_exists", "unknown_dispute",
    "dispute_not_open", "statement_not_issued", "breach_exists", "unknown_breach",
    "breach_not_open", "payment_exists", "refund_exists", "exceeds_deposit_held", "exceeds_credit",
    "period_already_issued", "period_out_of_order", "period_not_ended",
    # SPEC §11: mistakes and their remedies
    "future_date", "reference_reused", "unknown_payment", "payment_void", "unknown_statement",
    "not_latest_statement", "statement_settled", "dispute_open",
    # the server's users (issue 17, docs/ERRORS.md)
    "user_exists", "unknown_user", "user_revoked",
))
# Codes of the commands added since, as docs/ERRORS.md lists them.
SPEC_CODES |= frozenset((
    "account_taken", "unknown_merchant", "payer_name_exists", "unknown_payer_name",  # #16
    "quote_exists", "unknown_quote", "quote_mismatch", "quote_expired",  # #18
    "too_large",  # #13: input limits
))

CONTRACTS = ["F1", "F2", "F3"]
AGENTS = ["F1-A1", "F1-A2", "F1-A3", "F2-A1", "F2-A2", "F3-A1"]
PERIODS = ["2026-03", "2026-04", "2026-05", "2026-Q1", "2026-Q2", "2026-02"]


def setup_commands() -> list[dict[str, Any]]:
    """A small, valid history the fuzzed lines can collide with."""
    out = [b.sign("F1", b.bpc_terms()), b.sign("F2", b.fixed_terms("prepaid")),
           b.sign("F3", b.bpc_terms(), trial_end="2026-03-31")]
    for agent in AGENTS:
        out += b.agent_ready(agent, agent.split("-")[0])
    out += b.full_month(["F1-A1", "F1-A2"], "2026-03-02", "2026-03-31", contract_id="F1")
    out += [b.issue("2026-03", "2026-04-02", "F1"), b.pay("P1", 100000, "2026-04-05", "F1"),
            b.issue("2026-03", "2026-03-01", "F2"),
            b.cmd("record_deposit", "F1", amount_fen=50000, received_on="2026-03-01", reference="D"),
            b.cmd("report_breach", "F1", breach_id="B1", party="provider", kind="confidentiality",
                  on="2026-03-10", description="", penalty_fen=1000),
            b.cmd("open_dispute", "F1", dispute_id="D1", period="2026-03", line="base", claim_fen=-100,
                  opened_on="2026-04-03", note="")]
    for i, command in enumerate(out):
        command["id"] = f"fz-setup-{i:04d}"
    return out


# --------------------------------------------------------------------------- strategies

_DATES = st.dates(dt.date(2026, 1, 1), dt.date(2027, 6, 30)).map(dt.date.isoformat)
_TEXT = st.text(max_size=12)
_HINTS: dict[str, st.SearchStrategy[Any]] = {
    "contract_id": st.sampled_from([*CONTRACTS, "NOPE"]),
    "agent_id": st.sampled_from([*AGENTS, "ghost"]),
    "shift": st.sampled_from(["day", "early", "late", "night"]),
    "code": st.sampled_from(["day", "early", "late"]),
    "period": st.sampled_from(PERIODS),
    "dispute_id": st.sampled_from(["D1", "D2", "D3"]),
    "breach_id": st.sampled_from(["B1", "B2", "F1/reported/B1", "F1/understaffed_shift/2026-03-03/day",
                                  "F1/deposit_late/deposit", "nope/reported/x"]),
    "payment_id": st.sampled_from(["P1", "P2", "P3"]),
    "refund_id": st.sampled_from(["R1", "R2"]),
    "inspection_id": st.sampled_from(["Q1", "Q2", "Q3"]),
    "adjustment_id": st.sampled_from(["A1", "A2"]),
    "id": st.one_of(st.uuids().map(lambda u: f"fz-{u.hex[:12]}"),
                    st.sampled_from(["fz-dup-1", "fz-dup-2", "fz-setup-0000", "fz-setup-0040"])),
}
_AMOUNTS = st.one_of(st.integers(-5, 5), st.integers(-2_000_000, 5_000_000))


def _int(t: mi.IntType) -> st.SearchStrategy[int]:
    low = t.ge if t.ge is not None else (t.gt + 1 if t.gt is not None else None)
    high = t.le if t.le is not None else (t.lt - 1 if t.lt is not None else None)
    edges = [v for v in (low, high) if v is not None]
    small = st.integers(max(low, -10) if low is not None else -10,
                        min(high, 100) if high is not None else 100)
    realistic = st.integers(low if low is not None else -(10**7), high if high is not None else 10**7)
    return st.one_of(small, realistic, st.sampled_from(edges) if edges else st.integers(-3, 3))


def _custom(cls: type) -> st.SearchStrategy[Any]:
    name = cls.__name__
    if name in ("Rate", "Multiplier"):
        return st.one_of(st.sampled_from(["0", "0.06", "0.0005", "1.5", "0.10", "2", "1e-3"]),
                         st.decimals(0, 3, places=4, allow_nan=False).map(str))
    if name == "Score":
        return st.one_of(st.integers(0, 100), st.sampled_from([84.5, 85, 99.99]))
    if name == "Seconds":
        return st.one_of(st.integers(0, 120), st.floats(0, 120, allow_nan=False).map(lambda f: round(f, 2)))
    return _TEXT


def strategy(t: Any, name: str = "") -> st.SearchStrategy[Any]:
    """A JSON-ready value of msgspec type ``t`` (``name`` is the field it fills)."""
    if name in _HINTS and isinstance(t, mi.StrType):
        return st.one_of(_HINTS[name], _HINTS[name], _HINTS[name], _str(t))
    if name == "terms" and isinstance(t, mi.DictType):  # amend_terms: a partial terms object
        return _partial_terms()
    if name.endswith("_fen") and isinstance(t, mi.IntType):
        return st.one_of(_AMOUNTS.filter(lambda v: _in_range(t, v)), _int(t))
    if isinstance(t, mi.StructType):
        return _struct(t)
    if isinstance(t, mi.UnionType):
        return st.one_of([strategy(x, name) for x in t.types])
    if isinstance(t, mi.IntType):
        return _int(t)
    if isinstance(t, mi.StrType):
        return _str(t)
    if isinstance(t, mi.DateType):
        return _DATES
    if isinstance(t, mi.LiteralType):
        return st.sampled_from(list(t.values))
    if isinstance(t, mi.BoolType):
        return st.booleans()
    if isinstance(t, mi.NoneType):
        return st.none()
    if isinstance(t, mi.ListType):
        return st.lists(strategy(t.item_type, name), max_size=3)
    if isinstance(t, mi.DictType):
        return st.dictionaries(strategy(t.key_type, "code"), strategy(t.value_type), max_size=3)
    if isinstance(t, mi.CustomType):
        return _custom(t.cls)
    if isinstance(t, (mi.AnyType, mi.FloatType)):
        return _partial_terms()
    return _TEXT


def _in_range(t: mi.IntType, v: int) -> bool:
    return (t.ge is None or v >= t.ge) and (t.le is None or v <= t.le)


def _str(t: mi.StrType) -> st.SearchStrategy[str]:
    if t.pattern:
        return st.from_regex(t.pattern, fullmatch=True)
    return st.text(min_size=t.min_length or 0, max_size=min(t.max_length or 20, 20))


def _struct(t: mi.StructType) -> st.SearchStrategy[dict[str, Any]]:
    required = {f.encode_name: strategy(f.type, f.encode_name) for f in t.fields if f.required}
    optional = {f.encode_name: strategy(f.type, f.encode_name) for f in t.fields if not f.required}
    if t.tag_field is not None:
        required[t.tag_field] = st.just(t.tag)
    return st.fixed_dictionaries(required, optional=optional)


def _partial_terms() -> st.SearchStrategy[dict[str, Any]]:
    from schemas.terms import Terms

    full = _struct(mi.type_info(Terms))  # type: ignore[arg-type]
    return full.flatmap(lambda terms: st.sets(st.sampled_from(sorted(terms)), max_size=len(terms)).map(
        lambda keep: {k: v for k, v in terms.items() if k in keep}))


def command_strategy() -> st.SearchStrategy[dict[str, Any]]:
    from schemas.commands import AnyCommand

    union = mi.type_info(AnyCommand)
    assert isinstance(union, mi.UnionType)
    return st.one_of([_struct(s) for s in union.types if isinstance(s, mi.StructType)])


# --------------------------------------------------------------------------- mutations

_WRONG = [0, -1, 1.5, "x", "", [], {}, None, True, False, 10**30, "2026-03-02", {"a": 1}, [1, "2"]]
_BAD_DATES = ["2026-02-30", "2026-13-01", "20260301", "2026-3-2", "", "2026-02-29", "0000-01-01",
              "9999-12-31", "2026-03-02T00:00:00Z", " 2026-03-02", "２０２６-03-02", 20260302, "2026-W10-1"]
_UNICODE = ["\u202e\u202dRTL", "nul\u0000byte", "\ufeffbom", "e\u0301\u0301\u0301", "\ud800", "\udfff",
            "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "\u2028\u2029", "\U0010ffff", "零", " ", "\t", "a" * 201, "汉" * 5000]
_HUGE = [10**19, -(10**19), 2**63, 2**64, -(2**63) - 1, 10**40, 10**15 + 1, -(10**15) - 1, 10**400]


def _paths(obj: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            out.append((*prefix, k))
            out += _paths(v, (*prefix, k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            out.append((*prefix, i))
            out += _paths(v, (*prefix, i))
    return out


def _set(obj: Any, path: tuple[Any, ...], value: Any) -> None:
    for key in path[:-1]:
        obj = obj[key]
    obj[path[-1]] = copy.deepcopy(value)  # never the shared constant: a later mutation would change it


def _delete(obj: Any, path: tuple[Any, ...]) -> None:
    for key in path[:-1]:
        obj = obj[key]
    del obj[path[-1]]


def _containers(obj: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if isinstance(obj, dict) else []
    for p in _paths(obj):
        target = obj
        for k in p:
            target = target[k]
        if isinstance(target, dict):
            out.append(p)
    return out


class _Draws:
    """Choices made by hypothesis (shrinkable, recorded)."""

    def __init__(self, draw: st.DrawFn) -> None:
        self.draw = draw

    def pick(self, items: Sequence[Any]) -> Any:
        return self.draw(st.sampled_from(items))

    def integer(self, low: int, high: int) -> int:
        return self.draw(st.integers(low, high))

    def binary(self, high: int) -> bytes:
        return self.draw(st.binary(min_size=1, max_size=high))


class _Random:
    """Choices made by a ``random.Random`` seeded from a hypothesis draw: cheap extra variants."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def pick(self, items: Sequence[Any]) -> Any:
        return self.rng.choice(list(items))

    def integer(self, low: int, high: int) -> int:
        return self.rng.randint(low, high)

    def binary(self, high: int) -> bytes:
        return bytes(self.rng.randrange(256) for _ in range(self.rng.randint(1, high)))


_NAN = [math.nan, math.inf, -math.inf, "NaN", "Infinity", "-0", "1e999"]
_NOT_OBJECTS = [b"[]", b"1", b"null", b'"s"', b"true", b"[{}]", b"-", b"{", b"}", b"NaN", b"1e999", b"{}"]
_NAN = [math.nan, math.inf, -math.inf, "NaN", "Infinity", "-0", "1e999"]
_NOT_OBJECTS = [b"[]", b"1", b"null", b'"s"', b"true", b"[{}]", b"-", b"{", b"}", b"NaN", b"1e999", b"{}"]
MUTATIONS = ("wrong_type", "float_money", "huge_int", "nan", "unicode", "missing", "extra", "bad_date", "tag",
             "id")
RAW_MUTATIONS = ("none",) * 6 + ("truncate", "garbage", "non_object", "bom", "trailing", "dup_key", "nesting",
                                 "huge")


def mutate(obj: Any, ch: _Draws | _Random) -> tuple[bytes, list[str]]:
    """One line from a schema-valid command and zero to three mutations (and the names applied)."""
    applied: list[str] = []
    for _ in range(ch.integer(0, 3)):
        paths = _paths(obj)
        kind = ch.pick(MUTATIONS)
        applied.append(kind)
        if kind == "wrong_type" and paths:
            _set(obj, ch.pick(paths), ch.pick(_WRONG))
        elif kind == "float_money":
            money = [p for p in paths if isinstance(p[-1], str) and p[-1].endswith("_fen")]
            if money:
                _set(obj, ch.pick(money), ch.pick([100.0, 1e3, 0.1, -0.0, 1.5e2, True, "100", "1e3"]))
        elif kind == "huge_int" and paths:
            _set(obj, ch.pick(paths), ch.pick(_HUGE))
        elif kind == "nan" and paths:
            _set(obj, ch.pick(paths), ch.pick(_NAN))
        elif kind == "unicode":
            strings = [p for p in paths if isinstance(_get(obj, p), str)]
            if strings:
                _set(obj, ch.pick(strings), ch.pick(_UNICODE))
        elif kind == "missing" and paths:
            _delete(obj, ch.pick(paths))
        elif kind == "extra":
            target = _get(obj, ch.pick(_containers(obj)))
            target[ch.pick(["extra", "x", "Type", "ID", "amount_fen ", "__proto__"])] = 1
        elif kind == "bad_date":
            dates = [p for p in paths if isinstance(_get(obj, p), str) and _looks_date(_get(obj, p))]
            if dates:
                _set(obj, ch.pick(dates), ch.pick(_BAD_DATES))
        elif kind == "tag" and isinstance(obj, dict):
            obj["type"] = ch.pick(["nope", "", "SIGN_CONTRACT", 1, None, ["sign_contract"]])
        elif kind == "id" and isinstance(obj, dict):
            obj["id"] = ch.pick([1, None, "", "x" * 201, ["a"], "fz-dup-1", " ", 1.0])
    text = json.dumps(obj, ensure_ascii=bool(ch.integer(0, 1)), allow_nan=True)
    raw = text.encode("utf-8", "surrogatepass")
    raw_kind = ch.pick(RAW_MUTATIONS)
    if raw_kind == "truncate":
        raw = raw[: ch.integer(0, max(0, len(raw) - 1))]
    elif raw_kind == "garbage":
        raw = ch.binary(200)
    elif raw_kind == "non_object":
        raw = ch.pick(_NOT_OBJECTS)
    elif raw_kind == "bom":
        raw = b"\xef\xbb\xbf" + raw
    elif raw_kind == "trailing":
        raw = raw + ch.pick([b" x", b"{}", b",", b"\x00", b" \r"])
    elif raw_kind == "dup_key":
        raw = raw.replace(b"{", b'{"id": "fz-dup-2", ', 1)
    elif raw_kind == "nesting" and raw.endswith(b"}"):
        depth = ch.pick([64, 1000, 100_000])
        raw = raw[:-1] + b', "deep": ' + b"[" * depth + b"]" * depth + b"}"
    elif raw_kind == "huge":
        raw = raw.replace(b'"', b'"' + b"w" * 1_000_000, 1)
    if raw_kind != "none":
        applied.append(raw_kind)
    return raw, applied


@st.composite
def mutated(draw: st.DrawFn, base: st.SearchStrategy[dict[str, Any]]) -> list[tuple[bytes, list[str]]]:
    """A schema-valid command mutated by hypothesis, and up to four cheaper variants of it
    mutated by a Random seeded from a hypothesis draw."""
    obj = draw(base)
    variants = draw(st.integers(0, 4))
    rng_seed = draw(st.integers(0, 2**32 - 1))
    out = [mutate(copy.deepcopy(obj), _Draws(draw))]
    for i in range(variants):
        out.append(mutate(copy.deepcopy(obj), _Random(rng_seed + i)))
    return out


def _get(obj: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        obj = obj[key]
    return obj


def _looks_date(text: str) -> bool:
    return len(text) == 10 and text[4] == "-" and text[7] == "-"


def cli_lines(raw: bytes) -> list[bytes]:
    """The lines ``ledger submit`` answers for these bytes (it splits on LF, skips blank lines)."""
    return [piece for piece in raw.split(b"\n") if piece.strip()]


def batches() -> st.SearchStrategy[list[tuple[bytes, list[str]]]]:
    return st.lists(mutated(command_strategy()), min_size=5, max_size=30).map(
        lambda groups: [line for group in groups for line in group])


# --------------------------------------------------------------------------- checks


def _show(result: Any) -> str:
    try:
        return msgspec.json.encode(result).decode()[:300]
    except Exception:  # shown as the CLI would fail to show it
        return repr(result)[:300]


def check_results(lines: list[bytes], results: list[dict[str, Any]]) -> list[str]:
    problems = []
    if len(results) != len(lines):
        return [f"{len(lines)} lines but {len(results)} results"]
    for line, r in zip(lines, results, strict=True):
        status = r.get("status")
        where = f"line {line[:160]!r} -> {_show(r)}"
        if status not in ("accepted", "duplicate", "rejected"):
            problems.append(f"status {status!r}: {where}")
            continue
        if status != "rejected":
            if "error" in r:
                problems.append(f"an error on a {status} line: {where}")
            continue
        error = r.get("error")
        if not isinstance(error, dict) or set(error) != {"code", "message", "field"}:
            problems.append(f"error is not {{code, message, field}}: {where}")
            continue
        if error["code"] not in SPEC_CODES:
            problems.append(f"code {error['code']!r} is not a SPEC §10 code: {where}")
        if not isinstance(error["message"], str) or not error["message"]:
            problems.append(f"no message: {where}")
        if error["field"] is None and error["code"] != "invalid_json":
            problems.append(f"field is null for {error['code']}: {where}")
        if error["field"] is not None and (not isinstance(error["field"], str) or not error["field"]):
            problems.append(f"field {error['field']!r} is not a path: {where}")
        if error["code"] == "invalid_json" and r.get("id") is not None:
            problems.append(f"invalid_json with an id: {where}")
    return problems


class Fuzzer:
    """Drives batches into one store, in-process and now and then through the CLI."""

    def __init__(self, db: str, part: cm.Part, cli_every: int, workdir: Path) -> None:
        from app.intake import Intake
        from store.eventstore import open_store

        self.db, self.part, self.cli_every, self.workdir = db, part, cli_every, workdir
        self._intake: Callable[[], Any] = lambda: Intake(open_store(db))
        self.intake = self._intake()
        self.n = 0
        self.seen: set[str] = set()

    def _fail(self, key: str, message: str) -> None:
        if key not in self.seen and len(self.seen) < 30:
            self.seen.add(key)
            self.part.fail(message, batch=self.n)

    def _state(self) -> tuple[int, int, int]:
        pos = "notification_id" if cm.is_pg(self.db) else "rowid"
        events, last = cm.query(self.db, f"SELECT COUNT(*), COALESCE(MAX({pos}), 0) FROM ledger_events")[0]
        commands = cm.query(self.db, "SELECT COUNT(*) FROM ledger_commands")[0][0]
        return int(events), int(last), int(commands)

    def _new_events(self, after: int) -> list[str]:
        pos = "notification_id" if cm.is_pg(self.db) else "rowid"
        rows = cm.query(self.db, f"SELECT state FROM ledger_events WHERE {pos} > ?", (after,))
        return [json.loads(bytes(r[0]))["command_id"] for r in rows]

    def batch(self, drawn: list[tuple[bytes, list[str]]], rejected_only: bool = False) -> None:
        self.n += 1
        raw = b"\n".join(line for line, _ in drawn)
        lines = cli_lines(raw)
        self.part.counts["lines"] += len(lines)
        for _, kinds in drawn:
            for kind in kinds or ["none"]:
                self.part.counts[f"mutation_{kind}"] += 1
        if self.cli_every and self.n % self.cli_every == 0:
            self.through_cli(raw, lines)
            return
        self.check(lines, rejected_only)

    def check(self, lines: list[bytes], rejected_only: bool = False) -> None:
        """Submit in-process and check the answers and the store."""
        before = self._state()
        try:
            results = [r.to_json() for r in self.intake.submit(lines)]
        except Exception as exc:
            culprits = self._blame(lines, exc)
            rest = [line for line in lines if line not in culprits]
            if rest and len(rest) < len(lines):
                self.check(rest, rejected_only)  # the other lines still get every check
            return
        try:
            for r in results:  # as the CLI prints them
                msgspec.json.decode(msgspec.json.encode(r))
        except Exception as exc:
            self._fail(f"encode:{type(exc).__name__}", f"a result cannot be printed as JSON "
                       f"({type(exc).__name__}: {exc}); results {str(results)[:400]}")
        for problem in check_results(lines, results):
            self._fail(problem[:60], problem)
        accepted = {r["id"] for r in results if r["status"] == "accepted"}
        for r in results:
            self.part.counts[f"status_{r['status']}"] += 1
            if r["status"] == "rejected" and isinstance(r.get("error"), dict):
                self.part.counts[f"code_{r['error'].get('code')}"] += 1
        after = self._state()
        if rejected_only:
            self.part.counts["rejected_only_batches"] += 1
            if accepted:
                self._fail("ro-accepted", f"a line meant to be rejected was accepted: "
                           f"{sorted(accepted)[:3]}")
            if after != before:
                self._fail("ro-changed", "a batch of rejected lines changed the store: (events, "
                           f"last position, command rows) {before} -> {after}")
        if after[2] - before[2] != len(accepted):
            self._fail("rows", f"{len(accepted)} accepted but {after[2] - before[2]} ledger_commands "
                       "rows added")
        stray = set(self._new_events(before[1])) - accepted
        if stray:
            self._fail("stray", f"events from commands that were not accepted: {sorted(stray)[:3]}")

    def _blame(self, lines: list[bytes], exc: BaseException) -> set[bytes]:
        """The lines that make the intake raise on their own (one failure recorded per kind)."""
        culprits: set[bytes] = set()
        for line in lines:
            try:
                list(self._intake().submit([line]))
            except Exception as again:
                culprits.add(line)
                self.part.counts["intake_exceptions"] += 1
                text = f"{type(again).__name__}: {str(again)[:200]}"
                key = f"raise:{type(again).__name__}:{str(again)[:40]}"
                if key not in self.seen:
                    kept = self._keep(line, f"raise{len(self.seen)}")
                    self._fail(key, f"the intake raised {text} (a traceback in `ledger submit`, and no "
                               f"answer for any line of its batch); line (in {kept.name}): {line[:300]!r}")
        if not culprits:
            self._fail(f"raise-batch:{type(exc).__name__}", f"the intake raised {type(exc).__name__}: "
                       f"{str(exc)[:300]} on a batch, though no line raises alone")
        self.intake = self._intake()
        return culprits

    def _keep(self, raw: bytes, what: str = "") -> Path:
        path = self.workdir / f"fuzz-{self.part.store}-{self.part.seed}-batch{self.n}{what}.jsonl"
        path.write_bytes(raw + b"\n")
        return path

    def through_cli(self, raw: bytes, lines: list[bytes]) -> None:
        via_stdin = self.n % (2 * self.cli_every) == 0
        if via_stdin:
            run = cm.ledger(self.db, "submit", "-", stdin=raw + b"\n")
        else:
            path = self.workdir / "fuzz-cli.jsonl"
            path.write_bytes(raw + b"\n")
            run = cm.ledger(self.db, "submit", str(path))
        self.part.counts["cli_batches"] += 1
        self.part.counts["cli_lines"] += len(lines)
        if cm.has_traceback(run.err):
            kept = self._keep(raw)
            self._fail(f"cli-tb:{run.err.strip().splitlines()[-1][:50]}",
                       f"traceback from ledger submit: {run.err.strip()[-400:]}; input kept in {kept}")
            return
        try:
            results = run.lines()
        except ValueError as exc:
            kept = self._keep(raw)
            self._fail("cli-json", f"ledger submit printed a line that is not JSON ({exc}); "
                       f"input kept in {kept}")
            return
        for problem in check_results(lines, results):
            self._fail("cli:" + problem[:60], "via the CLI: " + problem)
        rejected = any(r.get("status") == "rejected" for r in results)
        if run.code != (1 if rejected else 0):
            self._fail(f"cli-exit:{run.code}", f"ledger submit exited {run.code} "
                       f"({'some' if rejected else 'no'} line rejected); stderr {run.err.strip()[:300]!r}")


_REJECTED = st.one_of(
    st.binary(min_size=1, max_size=80).filter(lambda raw: not raw.strip().startswith(b"{")),
    command_strategy().map(lambda c: json.dumps({**c, "unexpected_field": 1}).encode()),
    command_strategy().map(lambda c: json.dumps(c).encode()[:-1]),
    command_strategy().map(lambda c: json.dumps({k: v for k, v in c.items() if k != "type"}).encode()),
)


def run(scratch: cm.Scratch, store: str, seed: int, lines: int, cli_every: int = 25) -> cm.Part:
    """About ``lines`` fuzzed lines into a fresh ``store`` (in batches of 1-60)."""
    part = cm.Part("fuzz", store, seed)
    started = time.monotonic()
    db = scratch.new(store, "fuzz")
    history = "".join(json.dumps(c) + "\n" for c in setup_commands()).encode()
    setup = cm.ledger(db, "submit", "-", stdin=history)
    if setup.code != 0:
        part.fail(f"the fuzz setup was not accepted: {setup.out[:400]} {setup.err[:300]}")
        return part
    fuzzer = Fuzzer(db, part, cli_every, scratch.workdir)
    examples = max(1, lines // 20)  # ~20 lines a batch: hypothesis leans to short lists

    @hseed(seed)
    @settings(max_examples=examples, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(batches(), st.lists(_REJECTED, min_size=1, max_size=20))
    def fuzz_batch(drawn: list[tuple[bytes, list[str]]], rejected: list[bytes]) -> None:
        if fuzzer.n % 10 == 9:  # one batch in ten is made of lines that cannot be accepted
            fuzzer.batch([(line.replace(b"\n", b" "), ["rejected_only"]) for line in rejected],
                         rejected_only=True)
        else:
            fuzzer.batch(drawn)

    with warnings.catch_warnings():  # hypothesis warns about the repr of megabyte lines
        warnings.simplefilter("ignore", HypothesisWarning)
        fuzz_batch()
    from store.eventstore import close_all_stores

    close_all_stores()
    part.counts["batches"] = fuzzer.n
    part.seconds = time.monotonic() - started
    if not part.failures:
        scratch.drop(db)
    return part
