"""Mapping files: presets, merging, refusing unknown keys, --shift."""

from __future__ import annotations

import pytest

from app.importing import mapping as M
from app.importing.presets import PRESETS


def test_every_preset_is_a_valid_mapping() -> None:
    kinds = {name: M.kind_of(M.preset(name)) for name in PRESETS}
    assert kinds == {"roster-long": "roster-long", "roster-grid": "roster-grid",
                     "dingtalk-daily": "roster-long", "chitu": "service", "qianniu": "service",
                     "generic-service": "service", "cmb-corporate": "bank",
                     "icbc-corporate": "bank", "generic-bank": "bank"}


def test_a_full_mapping_file() -> None:
    m = M.load("""
kind = "bank"
encoding = "gb18030"
summary = ["合计"]
credit_marks = ["收"]
[columns]
txn_id = ["交易流水号"]
date = ["记账日期"]
amount = ["发生额"]
direction = ["收支"]
payer = ["对方名称"]
remark = ["附言", "摘要"]
""")
    assert isinstance(m, M.BankMapping)
    assert (m.encoding, m.columns.remark, m.credit_marks) == ("gb18030", ["附言", "摘要"], ["收"])
    assert m.debit_marks == M.DEBIT


def test_a_preset_with_one_column_renamed() -> None:
    m = M.load('kind = "bank"\npreset = "cmb-corporate"\n[columns]\npayer = ["对方户名"]\n')
    assert isinstance(m, M.BankMapping)
    assert m.columns.payer == ["对方户名"]
    assert m.columns.txn_id == ["流水号"]  # the rest from the preset


@pytest.mark.parametrize(("text", "message"), [
    ('kind = "bank"\npreset = "cmb-corporate"\n[columns]\namout = ["x"]\n',
     r"unknown field `amout` - at `\$.columns`"),
    ('kind = "service"\npreset = "chitu"\nencodng = "gbk"\n', "unknown field `encodng`"),
    ('kind = "roster-long"\npreset = "roster-long"\nabsent = "旷工"\n', r"Expected `array`.*\$.absent"),
    ('kind = "payroll"\n', "Invalid value 'payroll'"),
    ('kind = "bank"\npreset = "chitu"\n', "preset 'chitu' is for kind 'service'"),
    ('kind = "bank"\npreset = "abc-bank"\n', "unknown preset 'abc-bank'"),
    ('kind = "bank"\n[columns]\ntxn_id = ["流水号"]\n', "names no title for date"),
    ('kind = "service"\npreset = "qianniu"\n[columns]\nsales = ["净销售额"]\n',
     "sales and orders go together"),
    ('kind = "bank"\ncolumns = [', "not TOML"),
])
def test_bad_mappings_name_the_key(text: str, message: str) -> None:
    with pytest.raises(M.MappingError, match=message):
        M.load(text)


def test_shift_options() -> None:
    m = M.with_shifts(M.load('kind = "roster-grid"\npreset = "roster-grid"\n[shifts]\n"早班" = "am"\n'),
                      ["早班=early", " 晚班 = late "])
    assert isinstance(m, M.RosterGridMapping)
    assert m.shifts == {"早班": "early", "晚班": "late"}
    with pytest.raises(M.MappingError, match="expected NAME=CODE"):
        M.with_shifts(m, ["早班"])
    with pytest.raises(M.MappingError, match="applies to rosters"):
        M.with_shifts(M.preset("chitu"), ["早班=early"])

