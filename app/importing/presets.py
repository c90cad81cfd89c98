"""Built-in mappings, written as the mapping files a clerk would write.

Each preset is TOML text in the mapping format (docs/IMPORT.md), so
``docs/IMPORT.md`` can show them and a clerk can copy one and change a title.
Column titles come from the exports the presets of docs/IMPORT.md name;
titles are compared without spaces and with full-width brackets folded, so
``首次响应(秒)`` also finds the title written with full-width brackets.
"""

from __future__ import annotations

PRESETS: dict[str, str] = {
    # A team lead's long roster: one row per agent, day and shift.
    "roster-long": """
kind = "roster-long"
[columns]
date = ["日期", "排班日期", "工作日期", "date"]
agent = ["工号", "客服ID", "agent_id", "客服", "客服昵称", "姓名", "name"]
shift = ["班次", "排班", "shift"]
""",
    # The grid a team lead keeps in Excel: one row per agent, one column per day.
    "roster-grid": """
kind = "roster-grid"
[columns]
agent = ["工号", "客服ID", "agent_id", "客服", "客服昵称", "姓名", "name"]
""",
    # DingTalk 钉钉 考勤 每日汇总: 工号/UserId/姓名, 日期 "25-12-01 星期一", 班次, 考勤结果.
    "dingtalk-daily": """
kind = "roster-long"
[columns]
date = ["日期"]
agent = ["工号", "UserId", "姓名"]
shift = ["班次"]
status = ["考勤结果"]
""",
    # Taobao/Tmall through 赤兔: 客服昵称, 接待人数, 首次响应(秒), 销售额, 销售订单数.
    "chitu": """
kind = "service"
[columns]
account = ["客服昵称", "客服"]
date = ["日期"]
sessions = ["接待人数"]
first_response = ["首次响应(秒)", "首次响应时长", "首次响应"]
sales = ["销售额"]
orders = ["销售订单数", "付款订单数"]
""",
    # Tmall 千牛 按客服查看: no sales columns (生意参谋 counts buyers, not orders).
    "qianniu": """
kind = "service"
[columns]
account = ["旺旺账号名称", "旺旺昵称"]
date = ["日期", "统计日期"]
sessions = ["人工接待会话量", "接待人数"]
first_response = ["首次响应时长", "平均响应时长"]
""",
    "generic-service": """
kind = "service"
[columns]
account = ["客服账号", "客服", "客服昵称", "旺旺账号名称", "子账号", "客服名称", "账号"]
date = ["日期", "统计日期", "时间"]
sessions = ["接待人数", "接待会话量", "人工接待会话量", "接待量", "会话数"]
first_response = ["首次响应时长(秒)", "首次响应(秒)", "首次响应时长", "平均首次响应时长",
                  "首响时长", "平均响应时长(秒)", "平均响应时长", "平均人工响应时长"]
sales = ["销售额(元)", "客服销售额(元)", "销售额", "客服询单支付额"]
orders = ["销售订单数", "付款订单数", "支付订单数", "订单数"]
""",
    # 招商银行 企业银行 (corporate) transaction detail: debit and credit columns.
    "cmb-corporate": """
kind = "bank"
[columns]
txn_id = ["流水号"]
date = ["交易日"]
debit = ["借方金额"]
credit = ["贷方金额"]
payer = ["收/付方名称"]
payer_account = ["收/付方帐号", "收/付方账号"]
remark = ["摘要", "用途"]
""",
    # 工商银行 企业网银 (corporate): 借方/贷方发生额, or the newer 金额 + 借/贷 layout.
    "icbc-corporate": """
kind = "bank"
[columns]
txn_id = ["凭证号"]
date = ["交易时间", "交易日期"]
debit = ["借方发生额"]
credit = ["贷方发生额"]
amount = ["金额"]
direction = ["借/贷"]
payer = ["对方单位名称", "对方户名"]
payer_account = ["对方账号"]
remark = ["摘要", "用途", "附言", "个性化信息"]
""",
    "generic-bank": """
kind = "bank"
[columns]
txn_id = ["流水号", "交易流水号", "账户明细编号-交易流水号", "交易单号", "凭证号"]
date = ["交易日期", "交易日", "记账日期", "记账日", "交易时间", "日期"]
debit = ["借方金额", "借方发生额", "借方发生额/元", "支出", "支出金额", "交易金额(支出)"]
credit = ["贷方金额", "贷方发生额", "贷方发生额/元", "收入", "收入金额", "交易金额(收入)"]
amount = ["交易金额", "金额", "发生额"]
direction = ["借/贷", "借贷标志", "借贷方向", "收/支"]
payer = ["对方户名", "对方单位名称", "收/付方名称", "对方名称", "付款人名称", "交易对方"]
payer_account = ["对方账号", "对方帐号", "收/付方帐号", "付款人账号"]
remark = ["摘要", "用途", "附言", "备注", "交易备注", "交易用途", "交易摘要", "个性化信息"]
""",
}
