"""The statement as a document people send: one self-contained HTML page (pure).

``render_statement`` takes a statement (issued or draft), the contract's
``ContractSigned`` event, the terms in effect on the issue date, the staffing
rows of the statement's activity period and the audit digest, and returns an
HTML string: Chinese with English sub-labels, A4 print CSS, no scripts, no
links, no images, no web fonts, nothing fetched from anywhere. The same string
is printed by a browser or turned into a PDF by WeasyPrint.

Sections (see docs/DOCUMENTS.md): heading with statement number and status;
parties (the provider's recorded profile: name, address, tax id, bank account,
contact; the merchant) and the contract facts (contract, period, issue and due
dates, pricing model); the lines, each with a description in yuan, shift
names and correct plurals (in Chinese and English, built from the line's
facts), quantity, unit and amount, the unit of a special day or extra shifts
multiplied so that quantity × unit = amount (corrections and adjustments name
the period and line they correct); subtotal, tax rate, tax, total and the
total in capital figures (人民币大写); the account (opening, with its overdue
part flagged 逾期, payments, this statement, deposit applied, closing, and the
deposit still held); the staffing appendix (a calendar of planned against
billable agent-shifts per day and shift, short days marked); the 校验码 (the
audit chain's link) in the footer.

Everything a caller supplies is escaped. The output depends only on the
arguments, so rendering an issued statement twice gives the same bytes.
"""

from __future__ import annotations

import calendar
import datetime as dt
import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from app.capital import capital
from billing.plan import DayShift
from ledger.money import yuan
from ledger.periods import bounds, dates, is_quarter, months_of
from schemas.events import ContractSigned, ProviderSet
from schemas.reports import Line, Statement
from schemas.terms import BasePlusCommission, Terms

DEFAULT_PROVIDER = "客服托管服务商"

PLATFORMS = {"taobao": "淘宝", "tmall": "天猫", "jd": "京东", "douyin": "抖音",
             "pinduoduo": "拼多多", "pdd": "拼多多", "kuaishou": "快手",
             "xiaohongshu": "小红书"}

# line code -> (Chinese name, English name, quantity unit in Chinese, in English)
CODES: dict[str, tuple[str, str, str, str]] = {
    "base": ("基本班次费", "Base shifts", "人班", "agent-shifts"),
    "special_day": ("特殊日班次费", "Special-day shifts", "人班", "agent-shifts"),
    "commission": ("销售提成", "Commission", "", "sales"),
    "fixed_fee": ("固定服务费", "Fixed fee", "天", "service days"),
    "extra_shifts": ("特殊日加班费", "Extra shifts", "人班", "agent-shifts"),
    "understaffing": ("缺岗扣款", "Understaffing", "人班", "missing"),
    "qa_penalty": ("质检扣款", "QA penalty", "次", "failures"),
    "late_fee": ("逾期滞纳金", "Late fee", "笔", "allocations"),
    "adjustment": ("调整", "Adjustment", "项", "item"),
    "breach_penalty": ("违约金", "Breach penalty", "项", "item"),
    "correction": ("更正", "Correction", "项", "item"),
}
WEEKDAYS = (("周一", "Mon"), ("周二", "Tue"), ("周三", "Wed"), ("周四", "Thu"), ("周五", "Fri"),
            ("周六", "Sat"), ("周日", "Sun"))
PARTIES = {"provider": "服务商", "merchant": "商户"}


@dataclass(frozen=True)
class Staffing:
    """The staffing appendix: the statement's activity period as known at issue.

    ``rows`` are ``billing.plan.day_shifts`` of ``period`` with the
    contract state as it was when the statement was issued; ``last_counted`` is
    the last date the statement counts (the day before the issue date, or the
    period's end); ``special`` maps special days to their labels.
    """

    period: str
    rows: Sequence[DayShift]
    last_counted: dt.date
    special: Mapping[dt.date, str] = field(default_factory=dict)
    shifts: str = ""  # the plan's shift codes with their hours, for the legend


@dataclass(frozen=True)
class Document:
    """What the page says beyond the statement itself: the provider's profile in effect on
    the issue date (None: not recorded), the audit digest, and the account as the statement
    saw it (the overdue part of the opening balance, the deposit held afterwards)."""

    provider: ProviderSet | None = None
    digest: str = ""
    digest_note: str = ""  # what the digest covers
    final: bool = False
    activity_period: str | None = None
    voided_on: dt.date | None = None  # a void statement (SPEC §11): stamped 作废
    void_reason: str = ""
    replaces: str | None = None  # the void statement this one was issued again for
    overdue_fen: int = 0
    deposit_held_fen: int = 0


def esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def money(fen: int) -> str:
    """-123456 -> '-¥1,234.56'."""
    return f"-¥{yuan(-fen)}" if fen < 0 else f"¥{yuan(fen)}"


def exact_money(fen: Decimal) -> str:
    """Fen that may have a fraction as yuan, to the fen or finer: 37500 -> ¥375.00,
    Decimal('33333.5') -> ¥333.335."""
    yuan_value = fen / 100
    text = f"{yuan_value:,.2f}" if yuan_value == round(yuan_value, 2) else f"{yuan_value.normalize():,f}"
    return f"-¥{text.lstrip('-')}" if fen < 0 else f"¥{text}"


def percent(rate: str | Decimal) -> str:
    """'0.06' -> '6%', '0.0005' -> '0.05%'."""
    value = (Decimal(str(rate)) * 100).normalize()
    text = format(value, "f")
    return f"{text}%"


def period_zh(period: str) -> str:
    if is_quarter(period):
        return f"{period[:4]}年第{period[6]}季度"
    return f"{period[:4]}年{int(period[5:7])}月"


def bi(zh: str, en: str) -> str:
    """A Chinese label with its English sub-label."""
    return f'<span class="zh">{esc(zh)}</span><span class="en">{esc(en)}</span>'


def _css_string(text: str) -> str:
    """A CSS string literal that cannot break out of its quotes."""
    return '"' + "".join(ch if ch.isalnum() or ch in " -_.:/" else f"\\{ord(ch):x} "
                         for ch in text) + '"'


def _code_name(code: str) -> tuple[str, str]:
    zh, en, _, _ = CODES.get(code, (code, code, "", ""))
    return zh, en


def _amount_cell(fen: int) -> str:
    cls = "num neg" if fen < 0 else "num"
    return f'<td class="{cls}">{esc(money(fen))}</td>'


def plural(n: int, one: str, many: str | None = None) -> str:
    """``1 agent-shift``, ``2 agent-shifts``, ``1,000 failures``."""
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def shift_names(terms: Terms) -> str:
    """The plan's shifts with their hours: ``early（08:00–16:00）、late（16:00–24:00）``."""
    return "、".join(f"{s.code}（{s.start}–{s.end}）" for s in terms.staffing.shifts)


def describe_line(line: Line) -> tuple[str, str]:
    """(Chinese, English) descriptions built from the line's facts: money in yuan, correct
    plurals. Adjustments and breach penalties keep the stored English, which carries the
    reason a person typed."""
    refs, code, n = line.refs, line.code, line.quantity
    period = str(refs.get("period", ""))
    if code == "base":
        return (f"{period} 正常工作日可计费 {n:,} 人班",
                f"{period}: {plural(n, 'billable agent-shift')} on ordinary days")
    if code in ("special_day", "extra_shifts"):
        label = refs.get("label") or "特殊日"
        label_en = refs.get("label") or "special day"
        mult = refs.get("multiplier", "1")
        if code == "special_day":
            return (f"{label} {refs.get('date', '')}：{n:,} 人班，倍率 ×{mult}",
                    f"{label_en} {refs.get('date', '')}: {plural(n, 'agent-shift')} at ×{mult}")
        return (f"{label} {refs.get('date', '')}：超出常规计划 {n:,} 人班，倍率 ×{mult}",
                f"{label_en} {refs.get('date', '')}: {plural(n, 'agent-shift')} above the "
                f"normal plan at ×{mult}")
    if code == "commission":
        rate = refs.get("commission_rate")
        rate_text = f" × {percent(rate)}" if rate is not None else ""
        return (f"{period} 销售额 {money(n)}{rate_text}",
                f"{period}: commission on sales of {money(n)}{rate_text}")
    if code == "fixed_fee":
        days = int(refs.get("service_days", n))
        return (f"{period} 固定服务费，服务 {days:,} 天",
                f"{period}: fixed fee for {plural(days, 'service day')}")
    if code == "understaffing":
        return (f"{period} 计划人班未到岗 {n:,} 人班",
                f"{period}: {plural(n, 'planned agent-shift')} not worked")
    if code == "qa_penalty":
        cap = refs.get("cap_fen")
        cap_zh = f"（上限 {money(cap)}）" if isinstance(cap, int) else ""
        cap_en = f" (capped at {money(cap)})" if isinstance(cap, int) else ""
        return (f"{period} 质检不合格 {n:,} 次{cap_zh}", f"{period}: {plural(n, 'QA failure')}{cap_en}")
    if code == "late_fee":
        allocations = [a for a in refs.get("allocations", []) if isinstance(a, dict)]
        zh = "；".join(f"{a.get('statement_no', '')} 逾期 {a.get('days_late', '')} 天"
                      for a in allocations)
        en = "; ".join(f"{a.get('statement_no', '')} {money(int(a.get('amount_fen', 0)))} paid "
                       f"{plural(int(a.get('days_late', 0)), 'day')} late" for a in allocations)
        return ("逾期付款：" + zh if zh else "逾期付款滞纳金",
                f"late fee on {plural(len(allocations), 'late payment')}: {en}" if en else "late fee")
    if code == "adjustment":
        zh = (f"争议 {refs['dispute_id']} 裁定调整" if refs.get("dispute_id")
              else f"调整 {refs.get('adjustment_id', '')}")
        return zh, line.description
    if code == "breach_penalty":
        party = PARTIES.get(str(refs.get("party", "")), str(refs.get("party", "")))
        return (f"违约 {refs.get('breach_id', '')}（{refs.get('kind', '')}，{party}责任）",
                line.description)
    if code == "correction":
        target_zh, target_en = _code_name(str(refs.get("line", "")))
        return (f"更正 {period} 期已结算的「{target_zh}」",
                f"correction of {target_en.lower()} billed for {period}")
    return "", line.description


def _line_detail(line: Line) -> str:
    zh, en = describe_line(line)
    out = f'<span class="zh">{esc(zh)}</span>' if zh else ""
    return out + f'<span class="en">{esc(en)}</span>'


def _corrects(line: Line) -> str:
    """The period and line a correction (or an adjustment's refers_to) corrects."""
    target: Any = None
    if line.code == "correction":
        target = line.refs
    elif line.code == "adjustment":
        target = line.refs.get("refers_to")
    if not isinstance(target, dict) or "period" not in target:
        return ""
    return (f'<span class="ref">→ {esc(target["period"])} · '
            f'<code>{esc(target.get("line", ""))}</code></span>')


def _quantity_cells(line: Line) -> str:
    _, _, unit_zh, unit_en = CODES.get(line.code, ("", "", "", ""))
    if line.code == "commission":
        rate = line.refs.get("commission_rate")
        qty = f'{esc(money(line.quantity))}<span class="en">销售额 sales</span>'
        unit = (f'{esc(percent(rate))}<span class="en">提成率 rate</span>'
                if rate is not None else "—")
        return f'<td class="num">{qty}</td><td class="num">{unit}</td>'
    qty = f'{line.quantity:,}<span class="en">{esc(unit_zh)} {esc(unit_en)}</span>'
    unit = esc(money(line.unit_fen)) if line.unit_fen is not None else "—"
    if line.code in ("special_day", "extra_shifts") and line.unit_fen is not None:
        mult = Decimal(str(line.refs.get("multiplier", "1")))
        # the unit as billed: the rate times the day's multiplier (quantity × unit = amount)
        unit = (f'{esc(exact_money(line.unit_fen * mult))}<span class="en">'
                f'{esc(money(line.unit_fen))} × {esc(format(mult.normalize(), "f"))}</span>')
    if line.code == "fixed_fee" and isinstance(line.refs.get("monthly_fee_fen"), int):
        unit = f'{esc(money(line.refs["monthly_fee_fen"]))}<span class="en">月费 per month</span>'
    return f'<td class="num">{qty}</td><td class="num">{unit}</td>'


def _lines_table(st: Statement) -> str:
    rows = []
    for n, line in enumerate(st.lines, 1):
        zh, en = _code_name(line.code)
        rows.append(
            f'<tr class="line line-{esc(line.code)}"><td class="no">{n}</td>'
            f'<td class="item">{bi(zh, en)}{_corrects(line)}</td>'
            f'<td class="detail">{_line_detail(line)}</td>'
            f"{_quantity_cells(line)}{_amount_cell(line.amount_fen)}</tr>")
    head = (f'<thead><tr><th class="no">#</th><th>{bi("项目", "Item")}</th>'
            f'<th>{bi("说明", "Details")}</th><th class="num">{bi("数量", "Quantity")}</th>'
            f'<th class="num">{bi("单价", "Unit price")}</th>'
            f'<th class="num">{bi("金额", "Amount")}</th></tr></thead>')
    return f'<table class="lines">{head}<tbody>{"".join(rows)}</tbody></table>'


def _totals(st: Statement) -> str:
    rows = [
        (bi("小计", "Subtotal"), money(st.subtotal_fen), ""),
        (bi("税率", "Tax rate"), percent(st.tax_rate), ""),
        (bi("税额", "Tax"), money(st.tax_fen), ""),
        (bi("合计", "Total"), money(st.total_fen), "total"),
    ]
    body = "".join(f'<tr class="{cls}"><th>{label}</th><td class="num">{esc(value)}</td></tr>'
                   for label, value, cls in rows)
    words = (f'<div class="words"><div class="words-label">{bi("合计人民币（大写）", "Total in words")}'
             f'</div><div class="words-value">{esc(capital(st.total_fen))}</div></div>')
    return f'<div class="totals-block">{words}<table class="totals">{body}</table></div>'


def _account(st: Statement, doc: Document) -> str:
    acc = st.account
    overdue = ""
    if doc.overdue_fen > 0:
        overdue = (f'<div class="overdue">{bi("其中逾期", "overdue")} '
                   f'{esc(money(doc.overdue_fen))}</div>')
    cells = [
        ("期初余额", "Opening balance", "", acc.opening_fen, overdue),
        ("本期收款", "Payments received", "−", acc.payments_fen, ""),
        ("本期合计", "This statement", "+", st.total_fen, ""),
        ("定金抵扣", "Deposit applied", "−", acc.deposit_applied_fen, ""),
        ("期末余额", "Closing balance", "=", acc.closing_fen, ""),
    ]
    tds = "".join(
        f'<td><div class="op">{esc(op)}</div>{bi(zh, en)}<div class="amt">{esc(money(v))}</div>'
        f"{extra}</td>"
        for zh, en, op, v, extra in cells)
    if acc.closing_fen > 0:
        note = bi(f"商户应于 {st.due_on.isoformat()} 前支付 {money(acc.closing_fen)}",
                  f"Owed by the merchant; please pay by {st.due_on.isoformat()}.")
    elif acc.closing_fen < 0:
        note = bi(f"商户账户贷方余额 {money(-acc.closing_fen)}，将抵扣后续结算",
                  "Credit in the merchant's favour, allocated to the next statements.")
    else:
        note = bi("本期已结清", "Settled: nothing owed.")
    if doc.overdue_fen > 0:
        note += "<br>" + bi(f"逾期未付 {money(doc.overdue_fen)}：以前各期已过付款截止日仍未支付的金额",
                            "Overdue: earlier statements past their due date and still unpaid "
                            "when this one was issued.")
    deposit = bi(f"定金余额 {money(doc.deposit_held_fen)}（本期抵扣后仍持有）",
                 f"Deposit held after this statement: {money(doc.deposit_held_fen)}.")
    return (f'<table class="account"><tr>{tds}</tr></table>'
            f'<p class="account-note">{note}</p><p class="account-note deposit">{deposit}</p>')


def _staffing(staffing: Staffing | None) -> str:
    title = (f'<h2>{bi("附录：人力排班", "Appendix: staffing")}'
             f'<span class="sub">{esc(staffing.period if staffing else "")}</span></h2>')
    if staffing is None:
        none = bi("本结算单不结算服务期人力（预付首期）",
                  "This statement bills no activity period (first prepaid period).")
        return f'<section class="staffing">{title}<p class="muted">{none}</p></section>'
    by_day: dict[dt.date, list[DayShift]] = {}
    codes: list[str] = []
    for row in staffing.rows:
        by_day.setdefault(row.day, []).append(row)
        if row.code not in codes:
            codes.append(row.code)
    planned = sum(r.planned for r in staffing.rows)
    billable = sum(r.billable for r in staffing.rows)
    missing = sum(r.missing for r in staffing.rows)
    excess = sum(r.excess for r in staffing.rows)
    short_days = sorted({r.day for r in staffing.rows if r.missing > 0})
    summary = (
        f'<p class="staff-summary">{bi("计划", "planned")} <b>{planned}</b> · '
        f'{bi("可计费", "billable")} <b>{billable}</b> · '
        f'{bi("缺岗", "missing")} <b class="{"bad" if missing else ""}">{missing}</b> · '
        f'{bi("超计划（不计费）", "excess, not billed")} <b>{excess}</b> '
        f'{bi("人班", "agent-shifts")}</p>')
    if short_days:
        summary += ('<p class="short-list">' + bi("缺岗日：", "Short days:")
                    + "、".join(f"{d.month}/{d.day}" for d in short_days) + "</p>")
    if staffing.shifts:
        summary += ('<p class="legend">' + bi("班次：", "Shifts:") + esc(staffing.shifts) + "</p>")
    grids = [_month_grid(m, by_day, staffing) for m in months_of(staffing.period)]
    legend = (f'<p class="legend"><span class="swatch ok"></span>{bi("足额", "fully staffed")}'
              f'<span class="swatch short"></span>{bi("缺岗", "short")}'
              f'<span class="swatch off"></span>{bi("无计划", "no plan")}'
              f'<span class="swatch later"></span>'
              f'{bi("开具日及以后，未计入", "on or after issue: not counted")}'
              f'</p><p class="legend">'
              + bi("格子内容：班次 可计费/计划人班，+n 为超计划（不计费）",
                   "each cell: shift code billable/planned agent-shifts; +n = excess, not billed")
              + "</p>")
    # The heading, the summary and the first month stay on one page.
    return (f'<section class="staffing"><div class="keep">{title}{summary}{legend}{grids[0]}</div>'
            f'{"".join(grids[1:])}</section>')


def _month_grid(month: str, by_day: Mapping[dt.date, list[DayShift]], staffing: Staffing) -> str:
    first, last = bounds(month)
    head = "".join(f'<th>{bi(zh, en)}</th>' for zh, en in WEEKDAYS)
    cells: list[str] = ['<td class="pad"></td>'] * (first.isoweekday() - 1)
    weeks: list[str] = []
    for day in dates(first, last):
        cells.append(_day_cell(day, by_day.get(day, []), staffing))
        if day.isoweekday() == 7:
            weeks.append("<tr>" + "".join(cells) + "</tr>")
            cells = []
    if cells:
        cells += ['<td class="pad"></td>'] * (7 - len(cells))
        weeks.append("<tr>" + "".join(cells) + "</tr>")
    caption = f"{period_zh(month)} · {calendar.month_name[first.month]} {first.year}"
    return (f'<table class="cal"><caption>{esc(caption)}</caption><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(weeks)}</tbody></table>')


def _day_cell(day: dt.date, rows: Sequence[DayShift], staffing: Staffing) -> str:
    label = staffing.special.get(day)
    top = f'<div class="d">{day.day}'
    if label:
        top += f' <span class="sp">{esc(label)}</span>'
    top += "</div>"
    if day > staffing.last_counted:
        return f'<td class="later" data-date="{day.isoformat()}">{top}</td>'
    if not rows:
        return f'<td class="off" data-date="{day.isoformat()}">{top}</td>'
    short = any(r.missing > 0 for r in rows)
    parts = []
    for r in rows:
        cls = "s short" if r.missing > 0 else "s"
        extra = f'<span class="x">+{r.excess}</span>' if r.excess else ""
        parts.append(f'<div class="{cls}"><span class="c">{esc(r.code)}</span> '
                     f"{r.billable}/{r.planned}{extra}</div>")
    cls = "short" if short else "ok"
    if all(r.planned == 0 for r in rows):
        cls = "off"
    return f'<td class="{cls}" data-date="{day.isoformat()}">{top}{"".join(parts)}</td>'


def _provider(profile: ProviderSet | None) -> str:
    """The provider's block: the recorded profile, or a plain placeholder when none is."""
    role = f'<div class="role">{bi("服务商", "Provider")}</div>'
    if profile is None:
        return (f'<div class="party">{role}<div class="name">{esc(DEFAULT_PROVIDER)}</div>'
                f'<div class="meta muted">{bi("服务商信息未登记", "provider details not recorded")}'
                "</div></div>")
    rows = [("地址", "Address", profile.address), ("税号", "Tax ID", profile.tax_id),
            ("开户行", "Bank", profile.bank.name), ("账号", "Account", profile.bank.account),
            ("联系", "Contact", profile.contact)]
    meta = "".join(f'<div class="meta"><span class="k">{esc(zh)} {esc(en)}</span> {esc(value)}</div>'
                   for zh, en, value in rows if value)
    return f'<div class="party">{role}<div class="name">{esc(profile.name)}</div>{meta}</div>'


def _pricing(terms: Terms) -> str:
    p = terms.pricing
    if isinstance(p, BasePlusCommission):
        return (bi("底薪+提成", "Base + commission")
                + f'<span class="en">{esc(money(p.shift_rate_fen))} / 人班 agent-shift · '
                  f"提成 commission {esc(percent(p.commission_rate))}</span>")
    billing = ("预付", "prepaid") if p.billing == "prepaid" else ("后付", "postpaid")
    return (bi(f"固定薪资（{billing[0]}）", f"Fixed fee, {billing[1]}")
            + f'<span class="en">{esc(money(p.monthly_fee_fen))} / 月 month · '
              f"加班 extra shift {esc(money(p.extra_shift_fen))}</span>")


def render_statement(st: Statement, contract: ContractSigned, terms: Terms,
                     staffing: Staffing | None, doc: Document) -> str:
    """The statement page as one self-contained HTML string."""
    merchant = contract.merchant
    platform = PLATFORMS.get(merchant.platform.lower(), "")
    platform_text = (f"{platform}平台 {merchant.platform}" if platform else merchant.platform)
    draft = st.status != "issued"
    badge = (f'<div class="badge draft">{bi("草稿", "DRAFT")}</div>' if draft
             else f'<div class="badge issued">{bi("已开具", "ISSUED")}</div>')
    if doc.final:
        badge += f'<div class="badge final">{bi("最终结算", "FINAL")}</div>'
    if doc.voided_on is not None:
        badge = f'<div class="badge void">{bi("作废", "VOID")}</div>'
    banner = ""
    if draft:
        banner = ('<p class="draft-banner">' + bi(
            "草稿：本结算单尚未开具，金额以正式开具为准。",
            "Draft: this statement has not been issued; amounts may still change.") + "</p>")
    if doc.voided_on is not None:
        banner += ('<p class="void-banner">' + bi(
            f"本结算单已于 {doc.voided_on.isoformat()} 作废：{doc.void_reason}",
            f"Void since {doc.voided_on.isoformat()}: {doc.void_reason}. It counts for nothing; "
            "its period is billed by the statement issued in its place.") + "</p>")
    if doc.replaces is not None:
        banner += ('<p class="replaces">' + bi(
            f"本结算单替代已作废的结算单 {doc.replaces}。",
            f"This statement replaces the void statement {doc.replaces}.") + "</p>")
    period_text = f"{period_zh(st.period)}（{st.period}）"
    activity = ""
    if doc.activity_period is not None and doc.activity_period != st.period:
        activity = (f'<tr><th>{bi("服务期", "Activity period")}</th>'
                    f'<td>{esc(period_zh(doc.activity_period))}（{esc(doc.activity_period)}）</td></tr>')
    facts = (
        f'<table class="facts">'
        f'<tr><th>{bi("合同编号", "Contract")}</th><td>{esc(contract.contract_id)}</td></tr>'
        f'<tr><th>{bi("结算单号", "Statement No.")}</th><td>{esc(st.statement_no)}</td></tr>'
        f'<tr><th>{bi("结算期", "Period")}</th><td>{esc(period_text)}</td></tr>{activity}'
        f'<tr><th>{bi("开具日期", "Issue date")}</th><td>{esc(st.issued_on.isoformat())}</td></tr>'
        f'<tr><th>{bi("付款截止", "Due date")}</th><td>{esc(st.due_on.isoformat())}</td></tr>'
        f'<tr><th>{bi("计价方式", "Pricing model")}</th><td>{_pricing(terms)}</td></tr>'
        f"</table>")
    parties = (
        f'<div class="parties">{_provider(doc.provider)}'
        f'<div class="party"><div class="role">{bi("商户", "Merchant")}</div>'
        f'<div class="name">{esc(merchant.name)}</div>'
        f'<div class="meta">{esc(platform_text)} · 商户编号 Merchant ID {esc(merchant.id)}</div>'
        f"</div></div>")
    footer = (
        f'<footer><div>{bi("校验码", "Verification code")} <code class="digest">{esc(doc.digest)}'
        f'</code></div><div class="en">{esc(doc.digest_note)}</div></footer>')
    title = f"结算单 {st.statement_no}"
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="cs-hosting-ledger">
<meta name="author" content="{esc(doc.provider.name if doc.provider else DEFAULT_PROVIDER)}">
<title>{esc(title)}</title>
<style>{_CSS}
@page {{ @bottom-left {{ content: {_css_string(st.statement_no)}; }} }}
</style>
</head>
<body>
<div class="sheet">
<header>
<div class="title"><h1>{bi("客服托管服务结算单", "Customer-Service Hosting Statement")}</h1>
<div class="no">{esc(st.statement_no)}</div></div>
<div class="badges">{badge}</div>
</header>
{banner}
<div class="head-grid">{parties}{facts}</div>
<h2>{bi("结算明细", "Statement lines")}</h2>
{_lines_table(st)}
{_totals(st)}
<h2>{bi("账户", "Account")}</h2>
{_account(st, doc)}
{_staffing(staffing)}
{footer}
</div>
</body>
</html>
"""


_CSS = """
@page { size: A4; margin: 14mm 13mm 16mm 13mm;
  @bottom-right { content: counter(page) " / " counter(pages); font-size: 8pt; color: #777; }
  @bottom-left { font-size: 8pt; color: #777; } }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact;
  font-family: "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "PingFang SC",
    "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans SC", sans-serif; }
body { margin: 0; color: #1d2330; font-size: 9.5pt; line-height: 1.35;
  font-variant-numeric: tabular-nums; }
@media screen {
  body { background: #e6e8ec; }
  .sheet { width: 210mm; min-height: 297mm; margin: 8mm auto; padding: 14mm 13mm;
    background: #fff; box-shadow: 0 1px 6px rgba(0,0,0,.25); }
}
.en { display: block; font-size: 7pt; color: #6b7280; font-weight: normal; letter-spacing: 0; }
header { display: flex; justify-content: space-between; align-items: flex-start;
  border-bottom: 2.5pt solid #1f4e79; padding-bottom: 3mm; margin-bottom: 4mm; }
h1 { margin: 0; font-size: 17pt; color: #1f4e79; letter-spacing: 1pt; }
h1 .en { font-size: 9pt; color: #4b5563; letter-spacing: 0; }
.title .no { margin-top: 1.5mm; font-size: 10pt; font-weight: bold; }
.badges { display: flex; gap: 2mm; }
.badge { border: 1.2pt solid; border-radius: 2pt; padding: 1mm 2.5mm; text-align: center;
  font-weight: bold; font-size: 10pt; }
.badge .en { font-size: 6.5pt; color: inherit; }
.badge.issued { color: #1f6f43; border-color: #1f6f43; }
.badge.draft { color: #b00020; border-color: #b00020; }
.badge.final { color: #7a4b00; border-color: #7a4b00; }
.badge.void { color: #b00020; border-color: #b00020; font-size: 13pt; }
.void-banner { background: #fdecee; border-left: 3pt solid #b00020; padding: 2mm 3mm; margin: 0 0 4mm; }
.replaces { background: #eef4fb; border-left: 3pt solid #1f4e8c; padding: 2mm 3mm; margin: 0 0 4mm; }
.draft-banner { background: #fdecee; border-left: 3pt solid #b00020; padding: 2mm 3mm; margin: 0 0 4mm; }
.head-grid { display: flex; gap: 6mm; margin-bottom: 2mm; }
.parties { flex: 1 1 48%; display: flex; flex-direction: column; gap: 3mm; }
.party { border: 0.6pt solid #cfd6df; border-radius: 2pt; padding: 2mm 3mm; }
.party .role { color: #1f4e79; font-weight: bold; font-size: 8.5pt; }
.party .name { font-size: 12pt; font-weight: bold; margin: 0.5mm 0; }
.party .meta { font-size: 7.5pt; color: #4b5563; }
.facts { flex: 1 1 52%; border-collapse: collapse; }
.facts th, .facts td { text-align: left; vertical-align: top; padding: 0.8mm 2mm;
  border-bottom: 0.5pt solid #e3e7ed; }
.facts th { width: 30mm; color: #374151; font-weight: bold; font-size: 8.5pt; }
h2 { font-size: 11pt; color: #1f4e79; margin: 5mm 0 2mm; border-bottom: 0.8pt solid #1f4e79;
  padding-bottom: 0.8mm; display: flex; align-items: baseline; gap: 2mm; }
h2 .en { display: inline; font-size: 8pt; margin-left: 1.5mm; }
h2 .sub { margin-left: auto; font-size: 9pt; color: #374151; }
table.lines { width: 100%; border-collapse: collapse; }
table.lines th { background: #eef2f7; font-size: 8.5pt; text-align: left; padding: 1.2mm 1.5mm;
  border-bottom: 0.8pt solid #9aa8b8; }
table.lines td { padding: 1.3mm 1.5mm; border-bottom: 0.5pt solid #e3e7ed; vertical-align: top; }
table.lines tr { break-inside: avoid; }
.num { text-align: right; white-space: nowrap; }
table.lines th.num, th.num { text-align: right; }
td.no, th.no { width: 6mm; color: #6b7280; }
td.item { width: 30mm; font-weight: bold; }
td.detail .en { font-size: 6.8pt; }
.neg { color: #a3001b; }
.ref { display: inline-block; margin-top: 0.6mm; font-weight: normal; font-size: 7.5pt;
  color: #7a4b00; background: #fff4e0; border: 0.5pt solid #e8c98f; border-radius: 1.5pt;
  padding: 0 1mm; white-space: nowrap; }
.ref code { color: #7a4b00; }
code { font-family: "DejaVu Sans Mono", "Noto Sans Mono CJK SC", monospace; font-size: 7.5pt; }
.totals-block { display: flex; justify-content: space-between; align-items: flex-start; gap: 6mm;
  margin-top: 3mm; break-inside: avoid; }
.words { flex: 1; border: 0.8pt solid #1f4e79; border-radius: 2pt; padding: 2mm 3mm; }
.words-label { font-size: 8.5pt; color: #1f4e79; font-weight: bold; }
.words-value { font-size: 12.5pt; font-weight: bold; margin-top: 1mm; letter-spacing: 0.5pt; }
table.totals { border-collapse: collapse; min-width: 62mm; }
table.totals th { text-align: left; font-size: 8.5pt; padding: 0.8mm 2mm; }
table.totals td { padding: 0.8mm 2mm; }
table.totals tr.total th, table.totals tr.total td { border-top: 1.2pt solid #1d2330;
  font-size: 12pt; font-weight: bold; padding-top: 1.5mm; }
table.account { width: 100%; border-collapse: collapse; break-inside: avoid; }
table.account td { border: 0.6pt solid #cfd6df; padding: 1.5mm 2mm; text-align: right;
  vertical-align: top; width: 20%; position: relative; }
table.account td:last-child { background: #eef2f7; font-weight: bold; }
table.account .op { position: absolute; left: 1.5mm; top: 1mm; color: #9aa3af; font-size: 11pt; }
table.account .amt { font-size: 10.5pt; margin-top: 1mm; }
.account-note { margin: 1.5mm 0 0; font-size: 8.5pt; }
.account-note .en { display: inline; margin-left: 2mm; }
table.account .overdue { color: #a3001b; font-size: 8pt; font-weight: bold; }
table.account .overdue .en { display: inline; margin-left: 1mm; }
.party .meta .k { color: #6b7280; font-size: 7.5pt; }
section.staffing { break-before: auto; }
.staff-summary, .short-list, .legend { margin: 1mm 0; font-size: 8.5pt; }
.staff-summary .zh, .staff-summary .en, .short-list .en, .legend .en { display: inline; }
.staff-summary .en, .short-list .en, .legend .en { margin: 0 1mm 0 0.8mm; }
.staff-summary b.bad, .short-list { color: #a3001b; }
.legend .swatch { display: inline-block; width: 3.5mm; height: 3mm; border: 0.6pt solid #6b7280;
  margin: 0 1mm 0 3mm; vertical-align: -0.4mm; }
.swatch.ok { background: #d5eedd; } .swatch.short { background: #fbd5da; border-color: #a3001b; }
.swatch.off { background: #f3f4f6; }
.swatch.later { background: repeating-linear-gradient(45deg, #fff, #fff 1mm, #e5e7eb 1mm, #e5e7eb 2mm); }
.keep { break-inside: avoid; }
table.cal { width: 100%; border-collapse: collapse; table-layout: fixed; break-inside: avoid;
  margin-top: 1mm; }
table.cal caption { text-align: left; font-weight: bold; font-size: 9pt; padding: 1mm 0; }
table.cal th { font-size: 8pt; background: #eef2f7; padding: 0.6mm; border: 0.5pt solid #cfd6df; }
table.cal th .en { display: inline; margin-left: 1mm; font-size: 6.5pt; }
table.cal td { border: 0.5pt solid #cfd6df; height: 11mm; vertical-align: top; padding: 0.5mm 1mm;
  font-size: 7.5pt; line-height: 1.25; }
table.cal td.pad { background: #fafafa; border-color: #eceef1; }
table.cal td.ok { background: #eaf6ee; }
table.cal td.short { background: #fbd5da; border: 1pt solid #a3001b; }
table.cal td.off { background: #f3f4f6; color: #9aa3af; }
table.cal td.later { background: repeating-linear-gradient(45deg, #fff, #fff 1mm, #eef0f3 1mm,
  #eef0f3 2mm); color: #9aa3af; }
table.cal .d { font-weight: bold; font-size: 8pt; }
table.cal .sp { font-weight: bold; color: #7a4b00; font-size: 7pt; }
table.cal .s { white-space: nowrap; overflow: hidden; }
table.cal .s.short { color: #a3001b; font-weight: bold; }
table.cal .c { color: #4b5563; }
table.cal .s.short .c { color: #a3001b; }
table.cal .x { color: #1f4e79; margin-left: 0.8mm; font-size: 6.5pt; }
footer { margin-top: 6mm; padding-top: 2mm; border-top: 0.6pt solid #cfd6df; font-size: 8pt;
  color: #374151; break-inside: avoid; }
footer .zh { font-weight: bold; }
footer .en { display: block; }
footer .zh + .en { display: inline; margin: 0 1.5mm; }
code.digest { word-break: break-all; font-size: 7.5pt; }
.muted { color: #6b7280; }
"""
