"""Bank statements -> record_payment / record_deposit through the presets."""

from __future__ import annotations

import datetime as dt
import importlib
import io
from decimal import Decimal
from typing import Any

import msgspec

from app.importing import bank, report
from app.importing import mapping as M
from app.importing.matching import DepositWait, OpenStatement, PayerName
from app.importing.source import load_table
from schemas.commands import AnyCommand
from schemas.types import intake_dec_hook

_SCHEMA = msgspec.json.Decoder(AnyCommand, dec_hook=intake_dec_hook, float_hook=Decimal)

STATEMENTS = [OpenStatement(statement_no="C-TM-01-2026-10", contract_id="C-TM-01", merchant_id="M1",
                            outstanding_fen=2_345_600, issued_on=dt.date(2026, 11, 1),
                            due_on=dt.date(2026, 11, 8))]
DEPOSITS = [DepositWait(contract_id="C-PDD-04", merchant_id="M4", outstanding_fen=1_000_000)]
PAYERS = [PayerName("杭州小鹿电子商务有限公司", "M1"), PayerName("上海拼好货贸易有限公司", "M4")]
CMB = ("\ufeff账号：5719 0012 3456 789\n户名：杭州云客服外包服务有限公司\n查询区间：20261101-20261130\n\n"
       "交易日,交易时间,借方金额,贷方金额,余额,摘要,流水号,用途,收/付方名称,收/付方帐号\n"
       '20261103,10:15:00,,"23,456.00","1.00",网银转账,G1,C-TM-01-2026-10服务费,杭州小鹿电子商务有限公司,1\n'
       "20261104,10:15:00,12.00,,1.00,手续费,G2,,,\n"
       '20261106,10:15:00,,"10,000.00",1.00,网银转账,G3,定金,上海拼好货贸易有限公司,2\n'
       "20261107,10:15:00,,5.00,1.00,转账,G4,,王小明,3\n"
       "20261108,10:15:00,,8.00,1.00,转账,G5,,杭州小鹿电子商务有限公司,3\n"
       "20261108,10:15:00,,8.00,1.00,转账,G5,,杭州小鹿电子商务有限公司,3\n"
       "20261109,10:15:00,,-8.00,1.00,冲正,G6,,杭州小鹿电子商务有限公司,3\n"
       "20261109,10:15:00,,,1.00,查询,G7,,,\n"
       ",,12.00,\"10,013.00\",,,,,,\n")


def run(data: bytes, preset: str, name: str = "b.csv", recorded: tuple[str, ...] = ("G5",),
        extra: str = "") -> report.Report:
    m = M.load(f'kind = "bank"\npreset = "{preset}"\n{extra}')
    assert isinstance(m, M.BankMapping)
    r = bank.reconcile(load_table(data, name, m), m, STATEMENTS, DEPOSITS, PAYERS, recorded)
    for line in report.jsonl(r).splitlines():
        _SCHEMA.decode(line)
    return r


def test_cmb_corporate_csv_with_bom_and_preamble() -> None:
    r = run(CMB.encode(), "cmb-corporate", extra='summary = [""]\n')
    assert report.commands(r) == [
        {"type": "record_payment", "id": "import:bank:G1", "contract_id": "C-TM-01", "payment_id": "G1",
         "amount_fen": 2_345_600, "received_on": "2026-11-03", "reference": "G1"},
        {"type": "record_deposit", "id": "import:bank:G3", "contract_id": "C-PDD-04",
         "amount_fen": 1_000_000, "received_on": "2026-11-06", "reference": "G3"}]
    got = [(o.row, o.status, o.reason, o.field) for o in r.outcomes if o.status != "command"]
    assert got == [(7, "skipped", "debit", None), (9, "unmatched", "unknown_payer", None),
                   (10, "skipped", "already_recorded", None),
                   (11, "error", "invalid_value", "txn_id"),  # G5 twice in one file
                   (12, "error", "invalid_value", "credit"), (13, "skipped", "zero_amount", None),
                   (14, "error", "invalid_value", "txn_id")]  # the totals row without a number
    assert (r.encoding, r.header_row) == ("utf-8-sig", 5)


def test_the_same_statement_twice_gives_the_same_commands() -> None:
    first, again = run(CMB.encode(), "cmb-corporate"), run(CMB.encode(), "cmb-corporate")
    assert report.jsonl(first) == report.jsonl(again)


def test_cmb_totals_row_is_a_summary_row() -> None:
    r = run(CMB.replace(",,12.00,", "合计,,12.00,").encode(), "cmb-corporate")
    assert r.outcomes[-1].reason == "summary_row"


def xlsx(rows: list[list[Any]]) -> bytes:
    book = importlib.import_module("openpyxl").Workbook()
    for row in rows:
        book.active.append(row)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def test_icbc_corporate_amount_and_direction() -> None:
    rows: list[list[Any]] = [["中国工商银行 账户明细"], ["账号: 1202 0000 0000", "户名: 杭州云客服"],
            ["凭证号", "本方账号", "对方账号", "交易时间", "借/贷", "金额", "对方单位名称", "摘要", "附言"],
            ["V001", "1202", "6222", "2026-11-03 09:12:00", "贷", 23456, "杭州小鹿电子商务有限公司",
             "汇入", ""],
            ["V002", "1202", "6222", "2026-11-04 10:00:00", "借", 12, "", "手续费", ""],
            ["V003", "1202", "6222", "2026-11-05 10:00:00", "转", 1, "某公司", "", ""]]
    r = run(xlsx(rows), "icbc-corporate", "b.xlsx")
    assert [(c["id"], c["amount_fen"]) for c in report.commands(r)] == [("import:bank:V001", 2_345_600)]
    assert [(o.row, o.reason, o.field) for o in r.outcomes[1:]] == [
        (5, "debit", None), (6, "invalid_value", "direction")]


def test_generic_signed_amounts_in_gbk() -> None:
    text = "账户明细查询\n交易日期,交易金额,对方户名,交易流水号,交易用途\n" \
           "20261106,+10000.00,上海拼好货贸易有限公司,N1,定金\n20261107,-4.00,,N2,短信费\n"
    r = run(text.encode("gbk"), "generic-bank")
    assert [c["type"] for c in report.commands(r)] == ["record_deposit"]
    assert [o.reason for o in r.outcomes] == [None, "debit"]
