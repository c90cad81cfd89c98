"""The reconcile rules, one by one, as a pure function."""

from __future__ import annotations

import datetime as dt

from app.importing.matching import BankLine, DepositWait, Match, OpenStatement, PayerName, match_lines

D = dt.date(2026, 11, 5)


def st(no: str, contract: str, merchant: str, fen: int, month: int) -> OpenStatement:
    return OpenStatement(statement_no=no, contract_id=contract, merchant_id=merchant,
                         outstanding_fen=fen, issued_on=dt.date(2026, month, 1),
                         due_on=dt.date(2026, month, 8))


STATEMENTS = [
    st("C-TM-01-2026-09", "C-TM-01", "M1", 150_000, 10), st("C-TM-01-2026-10", "C-TM-01", "M1", 260_000, 11),
    st("C-DY-03-2026-09", "C-DY-03", "M3", 300_000, 10), st("C-DY-03-2026-10", "C-DY-03", "M3", 300_000, 11),
    st("C-JD-02-2026-10", "C-JD-02", "M2", 180_000, 11), st("C-JD-07-2026-10", "C-JD-07", "M2", 20_000, 10),
]
DEPOSITS = [DepositWait(contract_id="C-PDD-04", merchant_id="M4", outstanding_fen=1_000_000)]
PAYERS = [PayerName("杭州小鹿电子商务有限公司", "M1"), PayerName("深圳抖星文化传媒有限公司", "M3"),
          PayerName("北京暖居科技有限公司", "M2"), PayerName("上海拼好货贸易有限公司", "M4"),
          PayerName("衣恋(杭州)服饰有限公司", "M1")]


def one(amount: int, payer: str = "", remark: str = "", credit: bool = True, txn: str = "T1",
        recorded: tuple[str, ...] = ()) -> Match:
    line = BankLine(row=7, txn_id=txn, date=D, amount_fen=amount, credit=credit, payer=payer,
                    remark=remark)
    return match_lines([line], STATEMENTS, DEPOSITS, PAYERS, recorded)[7]


def test_a_debit_and_a_credit_already_recorded() -> None:
    assert one(1200, credit=False).status == "debit"
    assert one(150_000, "杭州小鹿电子商务有限公司", txn="G1", recorded=("G1 ",)).status == "already_recorded"


def test_rule_1_the_statement_number_in_the_remark_wins() -> None:
    m = one(99_999, "王小明", "付C-TM-01-2026-10服务费")  # unknown payer, odd amount: the remark decides
    assert (m.status, m.contract_id, m.rule, m.statements) == (
        "matched", "C-TM-01", "statement_in_remark", ["C-TM-01-2026-10"])
    assert one(5, remark="c-tm-01 2026-10 托管费").statements == ["C-TM-01-2026-10"]
    assert one(5, remark="ＣＴＭ０１２０２６１０").statements == ["C-TM-01-2026-10"]  # full width, no dashes
    assert one(5, remark="XC-TM-01-2026-101").status == "unmatched"  # not a whole token


def test_rule_1_statements_of_two_contracts_are_ambiguous() -> None:
    m = one(480_000, remark="C-TM-01-2026-09 C-DY-03-2026-09")
    assert (m.status, m.reason, m.candidates) == ("ambiguous", "statements_of_several_contracts",
                                                  ["C-DY-03", "C-TM-01"])


def test_rule_2_one_open_statement_of_exactly_the_amount() -> None:
    m = one(180_000, "北京暖居科技有限公司", "货款")
    assert (m.status, m.contract_id, m.command_type, m.rule) == (
        "matched", "C-JD-02", "record_payment", "payer_amount")
    m = one(150_000, "衣恋（杭州）服饰有限公司")  # a second payer name of M1, full-width brackets
    assert (m.contract_id, m.statements) == ("C-TM-01", ["C-TM-01-2026-09"])


def test_rule_2_two_open_statements_of_the_same_amount_are_ambiguous() -> None:
    m = one(300_000, "深圳抖星文化传媒有限公司")
    assert (m.status, m.reason, m.statements) == (
        "ambiguous", "several_items_of_this_amount", ["C-DY-03-2026-09", "C-DY-03-2026-10"])


def test_rule_2_a_deposit_owed_of_exactly_the_amount() -> None:
    m = one(1_000_000, "上海拼好货贸易有限公司", "定金")
    assert (m.status, m.contract_id, m.command_type, m.rule) == (
        "matched", "C-PDD-04", "record_deposit", "payer_deposit")
    assert one(400_000, "上海拼好货贸易有限公司").reason == "no_fit"  # a part of it: left to the clerk


def test_rule_2_a_payment_covering_the_two_oldest_statements() -> None:
    m = one(410_000, "杭州小鹿电子商务有限公司")
    assert (m.status, m.contract_id, m.rule, m.statements) == (
        "matched", "C-TM-01", "payer_oldest", ["C-TM-01-2026-09", "C-TM-01-2026-10"])


def test_rule_2_the_oldest_statements_of_two_contracts_are_ambiguous() -> None:
    m = one(200_000, "北京暖居科技有限公司")  # C-JD-07 (Oct) + C-JD-02 (Nov)
    assert (m.status, m.reason, m.candidates) == ("ambiguous", "covers_several_contracts",
                                                  ["C-JD-02", "C-JD-07"])


def test_rule_3_unknown_payer_and_no_fit() -> None:
    assert (one(150_000, "王小明").status, one(150_000, "王小明").reason) == ("unmatched", "unknown_payer")
    assert one(99_999, "北京暖居科技有限公司").reason == "no_fit"
    assert one(500_000, "杭州小鹿电子商务有限公司").reason == "no_fit"  # more than all: an overpayment


def test_a_credit_uses_up_what_it_paid() -> None:
    lines = [BankLine(row=r, txn_id=f"T{r}", date=D + dt.timedelta(days=-r), amount_fen=180_000,
                      credit=True, payer="北京暖居科技有限公司") for r in (1, 2)]
    got = match_lines(lines, STATEMENTS, DEPOSITS, PAYERS, [])
    # row 2 is a day earlier: it pays first; row 1 finds nothing left of that amount
    assert (got[2].status, got[1].status, got[1].reason) == ("matched", "unmatched", "no_fit")
