"""Mapping files: which column of an export holds which field, and the words it uses.

A mapping is TOML (see docs/IMPORT.md): ``kind`` (``roster-long``,
``roster-grid``, ``service``, ``bank``), optionally ``preset`` to start from a
built-in mapping, reading options (``encoding``, ``delimiter``, ``sheet``,
``summary``), a ``[columns]`` table (field -> column titles, in order of
preference) and the kind's vocabulary (``[shifts]``, ``rest``, ``absent``,
``response_unit``, ``credit_marks``, ``debit_marks``). Keys given replace the
preset's; ``[columns]`` and ``[shifts]`` are merged key by key. Unknown keys
are refused with their path (msgspec's message), so a typo never passes
silently. Mappings are validated with the same strict Structs whether they
come from a file or from the presets.
"""

from __future__ import annotations

import tomllib
from typing import Any, Literal

import msgspec

from app.importing.presets import PRESETS

SUMMARY = ["汇总", "合计", "总计", "小计", "均值", "平均值", "人民币合计", "以上数据"]
REST = ["休", "休息", "公休", "轮休", "调休", "off"]
CREDIT = ["贷", "贷方", "收入", "收", "入", "c", "cr"]  # compared case-folded
DEBIT = ["借", "借方", "支出", "支", "出", "d", "dr"]
ABSENT = ["旷工", "缺勤", "请假", "事假", "病假", "年假", "休假"]


class MappingError(ValueError):
    """A mapping file or option that cannot be used; the message names the key."""


class _Columns(msgspec.Struct, forbid_unknown_fields=True, frozen=True, kw_only=True):
    pass


class RosterLongColumns(_Columns, frozen=True):
    date: list[str] = []
    agent: list[str] = []
    shift: list[str] = []
    status: list[str] = []  # attendance result (考勤结果): absent rows are skipped


class RosterGridColumns(_Columns, frozen=True):
    agent: list[str] = []


class ServiceColumns(_Columns, frozen=True):
    account: list[str] = []
    date: list[str] = []
    sessions: list[str] = []
    first_response: list[str] = []
    sales: list[str] = []
    orders: list[str] = []


class BankColumns(_Columns, frozen=True):
    txn_id: list[str] = []
    date: list[str] = []
    credit: list[str] = []
    debit: list[str] = []
    amount: list[str] = []
    direction: list[str] = []
    payer: list[str] = []
    payer_account: list[str] = []
    remark: list[str] = []  # every column found is read (摘要 + 用途 + 附言)


class _Mapping(msgspec.Struct, tag_field="kind", forbid_unknown_fields=True, frozen=True,
               kw_only=True):
    preset: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    summary: list[str] = msgspec.field(default_factory=lambda: list(SUMMARY))


class RosterLongMapping(_Mapping, tag="roster-long", frozen=True):
    columns: RosterLongColumns = msgspec.field(default_factory=RosterLongColumns)
    shifts: dict[str, str] = {}
    rest: list[str] = msgspec.field(default_factory=lambda: list(REST))
    absent: list[str] = msgspec.field(default_factory=lambda: list(ABSENT))


class RosterGridMapping(_Mapping, tag="roster-grid", frozen=True):
    columns: RosterGridColumns = msgspec.field(default_factory=RosterGridColumns)
    shifts: dict[str, str] = {}
    rest: list[str] = msgspec.field(default_factory=lambda: list(REST))


class ServiceMapping(_Mapping, tag="service", frozen=True):
    columns: ServiceColumns = msgspec.field(default_factory=ServiceColumns)
    response_unit: Literal["s", "min"] = "s"


class BankMapping(_Mapping, tag="bank", frozen=True):
    columns: BankColumns = msgspec.field(default_factory=BankColumns)
    credit_marks: list[str] = msgspec.field(default_factory=lambda: list(CREDIT))
    debit_marks: list[str] = msgspec.field(default_factory=lambda: list(DEBIT))


AnyMapping = RosterLongMapping | RosterGridMapping | ServiceMapping | BankMapping
Kind = Literal["roster-long", "roster-grid", "service", "bank"]

REQUIRED: dict[str, list[tuple[str, ...]]] = {
    "roster-long": [("date",), ("agent",), ("shift",)],
    "roster-grid": [("agent",)],
    "service": [("account",), ("sessions",), ("first_response",)],
    "bank": [("txn_id",), ("date",), ("payer",), ("credit", "amount")],
}


def kind_of(mapping: AnyMapping) -> str:
    return str(type(mapping).__struct_config__.tag)


def _convert(data: dict[str, Any], where: str) -> AnyMapping:
    try:
        mapping: AnyMapping = msgspec.convert(data, AnyMapping)
        return mapping
    except msgspec.ValidationError as exc:
        raise MappingError(f"{where}: {exc}") from None


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if key in ("columns", "shifts") and isinstance(value, dict):
            out[key] = {**base.get(key, {}), **value}
        else:
            out[key] = value
    return out


def _raw_preset(name: str) -> dict[str, Any]:
    if name not in PRESETS:
        raise MappingError(f"unknown preset {name!r}; the presets are {', '.join(PRESETS)}")
    return tomllib.loads(PRESETS[name])


def build(data: dict[str, Any], where: str = "mapping") -> AnyMapping:
    """A mapping from parsed TOML: validated, merged onto its preset, checked complete."""
    own = _convert(data, where)  # refuses unknown keys before any merging
    if own.preset is not None:
        base = _raw_preset(own.preset)
        if base["kind"] != data.get("kind"):
            raise MappingError(f"{where}: preset {own.preset!r} is for kind {base['kind']!r}, "
                               f"not {data.get('kind')!r}")
        own = _convert(_merge(base, data), where)
    columns = msgspec.structs.asdict(own.columns)
    for group in REQUIRED[kind_of(own)]:
        if not any(columns[f] for f in group):
            raise MappingError(f"{where}: [columns] names no title for "
                               f"{' or '.join(group)} (a {kind_of(own)} import needs it)")
    if isinstance(own, ServiceMapping) and bool(own.columns.sales) != bool(own.columns.orders):
        raise MappingError(f"{where}: [columns] sales and orders go together (record_sales)")
    return own


def load(text: str, where: str = "mapping file") -> AnyMapping:
    """A mapping file's text -> a checked mapping."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise MappingError(f"{where}: not TOML: {exc}") from None
    return build(data, where)


def preset(name: str) -> AnyMapping:
    """A built-in mapping by name."""
    return build(_raw_preset(name), f"preset {name}")


def with_shifts(mapping: AnyMapping, pairs: list[str]) -> AnyMapping:
    """Add ``--shift 早班=early`` options to a roster mapping (they win)."""
    extra: dict[str, str] = {}
    for pair in pairs:
        name, sep, code = pair.partition("=")
        if not sep or not name.strip() or not code.strip():
            raise MappingError(f"--shift {pair!r}: expected NAME=CODE, e.g. 早班=early")
        extra[name.strip()] = code.strip()
    if not isinstance(mapping, RosterLongMapping | RosterGridMapping):
        if extra:
            raise MappingError(f"--shift applies to rosters, not to a {kind_of(mapping)} import")
        return mapping
    return msgspec.structs.replace(mapping, shifts={**mapping.shifts, **extra})
