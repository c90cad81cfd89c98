"""The sample import files of docs/IMPORT.md, byte for byte the same each time.

``examples/make_examples.py`` writes them to ``examples/import/`` (a test checks
the committed files are these bytes) and ``ledger demo`` imports these same
bytes. They belong to the demo's import story (``cli.demo_imports``): contract
``C-TMALL-01`` with agents ``A01`` … ``A04`` and their platform accounts, and
the open statements, deposit and payer names of ``C-TMALL-01`` … ``C-TB-05``.
``demo-books.json`` holds what the ledger passes to the importers for them
once the story's commands are in (agents, open statements, deposits owed,
payer names, recorded references).
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib
import io
import json
import re
import zipfile
from collections.abc import Callable
from typing import Any

FIXED = (2026, 12, 1, 0, 0, 0)

AGENTS = [  # agent id, name, platform account (Taobao sub-account)
    ("A01", "张晓燕", "小鹿家居旗舰店:晓燕"),
    ("A02", "李娜", "小鹿家居旗舰店:娜娜"),
    ("A03", "王磊", "小鹿家居旗舰店:阿磊"),
    ("A04", "陈静", "小鹿家居旗舰店:静静"),
]
SHIFTS = {"早班": "early", "晚班": "late"}
PATTERN = ["早班", "早班", "晚班", "休", "晚班", "早班/晚班", ""]  # a week, rotated per agent


def _csv(rows: list[list[str]]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    return buf.getvalue()


def roster_long_csv() -> bytes:
    """A team lead's long roster, GB18030 as Excel on Chinese Windows saves it."""
    rows = [["小鹿家居旗舰店 客服排班表（2026年11月第1周）"], ["导出时间：2026-10-30 18:00"], [],
            ["日期", "工号", "姓名", "班次", "备注"]]
    for n, (agent, name, _) in enumerate(AGENTS):
        for d in range(1, 8):
            shift = PATTERN[(d + n) % 7]
            rows.append([f"2026/11/{d}", agent, name, shift or "休", ""])
    return _csv(rows).encode("gb18030")


def _book() -> Any:
    openpyxl = importlib.import_module("openpyxl")
    book = openpyxl.Workbook()
    book.properties.creator = "make_examples"
    book.properties.created = book.properties.modified = dt.datetime(*FIXED)
    return book


def _fixed_zip(book: Any) -> bytes:
    """Save, then rewrite the archive with fixed timestamps (reproducible bytes)."""
    raw = io.BytesIO()
    book.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps "modified" with now
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2026-12-01T00:00:00Z", data)
            dst.writestr(zipfile.ZipInfo(info.filename, FIXED), data)
    return out.getvalue()


def roster_grid_xlsx() -> bytes:
    """The month grid: title, header 姓名/工号/1…30/出勤天数, a weekday row."""
    book = _book()
    ws = book.active
    ws.title = "11月排班"
    ws.append(["2026年11月 小鹿家居客服排班表"])
    ws.append(["姓名", "工号", *[str(d) for d in range(1, 31)], "出勤天数"])
    ws.append(["", "", *["一二三四五六日"[dt.date(2026, 11, d).weekday()] for d in range(1, 31)]])
    for n, (agent, name, _) in enumerate(AGENTS):
        cells = [PATTERN[(d + n) % 7] for d in range(1, 31)]
        ws.append([name, agent, *cells, sum(1 for c in cells if c and c != "休")])
    ws.append(["新人小周", "", *(["早班"] * 3), *([""] * 27), 3])  # not yet in the ledger
    return _fixed_zip(book)


def service_xlsx() -> bytes:
    """A Chitu-style per-agent daily report with 汇总 and 均值 rows at the bottom."""
    book = _book()
    ws = book.active
    ws.title = "自定义报表"
    ws.append(["日期", "客服昵称", "接待人数", "询单人数", "销售额", "销售量", "销售订单数",
               "首次响应(秒)", "平均响应(秒)", "回复率"])
    accounts = [a for _, _, a in AGENTS] + ["小鹿家居旗舰店:新人01"]
    for d in (3, 4, 5):
        for n, account in enumerate(accounts):
            sessions = 80 + 7 * n + d
            response: Any = round(8.5 + n * 1.7 + d / 10, 1)
            if (d, n) == (4, 2):
                response = "00:21"  # some exports write mm:ss
            if (d, n) == (5, 3):
                response = "延迟统计"  # not computed yet
            ws.append([f"2026-11-{d:02d}", account, sessions, sessions // 3,
                       round(1234.5 + 321.25 * n + d, 2), 40 + n, 30 + n, response,
                       20 + n, 1.0])
    ws.append(["", "汇总", 1530, 510, 30000.0, 700, 500, "", "", ""])
    ws.append(["", "均值", 102, 34, 2000.0, 46, 33, 11.2, 22, 1.0])
    return _fixed_zip(book)


BANK_ROWS = [  # 交易日, 借方, 贷方, 摘要, 流水号, 用途, 收/付方名称
    # October's first part, keyed by hand from the remittance advice: already recorded.
    ("20261102", "", "8,800.00", "网银转账", "G2611020001", "C-TMALL-01-2026-10首付",
     "杭州小鹿电子商务有限公司"),
    ("20261103", "", "9,273.00", "网银转账", "G2611030002", "C-TMALL-01-2026-10服务费尾款",
     "杭州小鹿电子商务有限公司"),
    ("20261104", "12.00", "", "手续费", "G2611040003", "企业网银手续费", ""),
    ("20261105", "", "15,900.00", "网银转账", "G2611050004", "货款", "北京暖居科技有限公司"),
    ("20261106", "", "10,000.00", "网银转账", "G2611060005", "定金", "上海拼好货贸易有限公司"),
    ("20261107", "", "31,800.00", "网银转账", "G2611070006", "服务费", "深圳抖星文化传媒有限公司"),
    ("20261109", "", "38,160.00", "网银转账", "G2611090007", "9-10月托管费",
     "衣恋（杭州）服饰有限公司"),
    ("20261110", "", "5,000.00", "转账", "G2611100008", "", "王小明"),
    ("20261112", "", "999.99", "网银转账", "G2611120009", "", "北京暖居科技有限公司"),
]


def _fen(text: str) -> int:
    return int(text.replace(",", "").replace(".", "") or 0)


def _yuan(fen: int) -> str:
    return f"{fen // 100:,}.{fen % 100:02d}"


def bank_csv() -> bytes:
    """A CMB corporate-style statement: UTF-8 with BOM, account lines above the header."""
    rows = [["账号：5719 0012 3456 789"], ["户名：杭州云客服外包服务有限公司"],
            ["查询区间：20261101-20261130"], [],
            ["交易日", "交易时间", "起息日", "交易类型", "借方金额", "贷方金额", "余额", "摘要",
             "流水号", "用途", "业务参考号", "收/付方名称", "收/付方帐号"]]
    balance = 100_000_00
    credits = debits = 0
    for day, debit, credit, summary, txn, purpose, payer in BANK_ROWS:
        credits += _fen(credit)
        debits += _fen(debit)
        balance += _fen(credit) - _fen(debit)
        rows.append([day, "10:15:00", day, "转账", debit, credit, _yuan(balance), summary, txn,
                     purpose, f"R{txn[1:]}", payer, "6222 0000 1111" if payer else ""])
    rows.append(["合计", "", "", "", _yuan(debits), _yuan(credits), "", "", "", "", "", "", ""])
    return b"\xef\xbb\xbf" + _csv(rows).encode("utf-8")


def books() -> dict[str, Any]:
    """What the ledger passes to the importers once the demo's import story is in."""
    def st(no: str, merchant: str, fen: int, issued: str, due: str) -> dict[str, Any]:
        return {"statement_no": no, "contract_id": no[:-8], "merchant_id": merchant,
                "outstanding_fen": fen, "issued_on": issued, "due_on": due}
    return {
        "agents": [{"agent_id": a, "name": n, "accounts": [acc]} for a, n, acc in AGENTS],
        "shift_codes": ["early", "late"],
        "statements": [  # October of C-TMALL-01: 18,073.00 less the 8,800.00 keyed by hand
            st("C-TMALL-01-2026-10", "M-TMALL-01", 927_300, "2026-11-01", "2026-11-08"),
            st("C-JD-02-2026-10", "M-JD-02", 1_590_000, "2026-11-01", "2026-11-08"),
            st("C-DY-03-2026-09", "M-DY-03", 3_180_000, "2026-10-01", "2026-10-08"),
            st("C-DY-03-2026-10", "M-DY-03", 3_180_000, "2026-11-01", "2026-11-08"),
            st("C-TB-05-2026-09", "M-TB-05", 1_272_000, "2026-10-01", "2026-10-08"),
            st("C-TB-05-2026-10", "M-TB-05", 2_544_000, "2026-11-01", "2026-11-08"),
        ],
        "deposits": [{"contract_id": "C-PDD-04", "merchant_id": "M-PDD-04",
                      "outstanding_fen": 1_000_000}],
        "payers": [["杭州小鹿电子商务有限公司", "M-TMALL-01"], ["北京暖居科技有限公司", "M-JD-02"],
                   ["深圳抖星文化传媒有限公司", "M-DY-03"], ["上海拼好货贸易有限公司", "M-PDD-04"],
                   ["衣恋(杭州)服饰有限公司", "M-TB-05"]],
        "recorded": ["G2611020001", "TM-PAY-1102"],
    }


def books_json() -> bytes:
    return (json.dumps(books(), ensure_ascii=False, indent=1) + "\n").encode()


FILES: dict[str, Callable[[], bytes]] = {
    "roster-long.gb18030.csv": roster_long_csv,
    "roster-grid.xlsx": roster_grid_xlsx,
    "service-chitu.xlsx": service_xlsx,
    "bank-cmb-corporate.csv": bank_csv,
    "demo-books.json": books_json,
}

