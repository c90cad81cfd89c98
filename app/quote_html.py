"""The quote as a document the provider sends: one self-contained HTML page (pure).

``render_quote`` takes a profile, its result (SPEC §12) and what is known of
the quote (id, merchant, dates: nothing for a profile not yet recorded), and
returns an HTML string in Chinese with English sub-labels, like the statement
(``app.statement_html``, whose helpers it shares): A4 print CSS, no scripts,
no links, no images, no web fonts, nothing fetched. WeasyPrint prints the
same string as the PDF.

Sections (docs/QUOTE.md): heading with the quote id and a badge (登记 ISSUED,
or 草稿 DRAFT for a profile not recorded); provider, merchant and the quote's
dates; the forecast chart; the staffing plan and the service standard it is
sized for; the special days; both prices with their arithmetic; the proposed
contract terms; an appendix with the forecast per weekday and hour.

The chart is inline SVG: the forecast inquiries of each hour of the week as
bars (left axis), and over them two step lines on the right axis: the agents
the Erlang C computation schedules for that hour (after shrinkage) and the
agents the plan puts on duty (each shift's agents over its hours on the
plan's weekdays). Coordinates are drawing positions only; every number shown
as text is the result's own (exact strings, integer fen).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from app.statement_html import DEFAULT_PROVIDER, PLATFORMS, WEEKDAYS, bi, esc, money, percent
from quote.check import shift_hours
from schemas.commands import Merchant
from schemas.quote import ForecastRow, QuoteProfile, QuoteResult
from schemas.terms import BasePlusCommission, FixedFee, Terms

WIDTH, HEIGHT = 720, 250  # the chart's drawing units (its viewBox)
LEFT, RIGHT, TOP, BOTTOM = 46, 40, 24, 34
# SVG presentation attributes (not CSS classes: WeasyPrint's SVG renderer reads these)
GRID = 'stroke="#e5e7eb" stroke-width="0.6"'
AXIS_LINE = 'stroke="#6b7280" stroke-width="0.8"'
DAY = 'stroke="#9aa3af" stroke-width="0.6" stroke-dasharray="2 2"'
BAR = 'fill="#9cc3e6"'
NEED = 'fill="none" stroke="#1d2330" stroke-width="1"'
PLAN = 'fill="none" stroke="#d9731a" stroke-width="2" stroke-linejoin="round"'
FONT = 'font-family="Noto Sans CJK SC, WenQuanYi Micro Hei, sans-serif"'
AXIS = f'font-size="8" fill="#4b5563" {FONT}'
AXIS_AGENTS = f'font-size="8" fill="#b35c10" {FONT}'
WEEKDAY = f'font-size="9" fill="#1d2330" {FONT}'
HOUR = f'font-size="6.5" fill="#9aa3af" {FONT}'
PER_MONTH = '<span class="per">/月 month</span>'
CYCLES = {"monthly": "月结 monthly", "quarterly": "季结 quarterly"}


@dataclass(frozen=True)
class QuoteHeading:
    """What the page says about the quote beyond its numbers."""

    quote_id: str | None = None  # None: a profile not recorded (a draft)
    merchant: Merchant | None = None
    issued_on: dt.date | None = None
    valid_until: dt.date | None = None
    provider: str = DEFAULT_PROVIDER
    source: str = ""  # the profile file of a draft, or the recording time of an issued quote


def nice_ceiling(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 times a power of ten that is >= value, and at least 1."""
    if value <= 0:
        return 1.0
    scale = float(10 ** len(str(int(value))))
    for step in (0.1, 0.2, 0.25, 0.5):
        if value <= step * scale:
            return step * scale
    return scale


def _n(x: float) -> str:
    return f"{x:.1f}"


def plan_on_duty(result: QuoteResult, profile: QuoteProfile) -> dict[tuple[int, int], int]:
    """(weekday, hour) -> the agents the plan puts on duty (0 outside every shift)."""
    by_code = {s.code: s.agents for s in result.shifts}
    out = {(w, h): 0 for w in range(1, 8) for h in range(24)}
    for shift in profile.shifts:
        for w in profile.weekdays:
            for h in shift_hours(shift):
                out[w, h] = by_code[shift.code]
    return out


def chart(result: QuoteResult, profile: QuoteProfile) -> str:
    """The forecast and the agents over it, as one inline SVG (see the module docstring)."""
    rows = result.forecast
    duty = plan_on_duty(result, profile)
    peak = max(float(Decimal(r.inquiries)) for r in rows)
    top_q = nice_ceiling(peak)
    most = max([*(r.scheduled for r in rows), *duty.values(), 1])
    top_a = float(-(-most // 4) * 4)  # whole agents on each of the four grid lines
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / len(rows)
    base = TOP + plot_h

    def y_q(v: float) -> float:
        return base - v / top_q * plot_h

    def y_a(v: float) -> float:
        return base - v / top_a * plot_h

    parts: list[str] = []
    for i in range(5):  # grid and both axes' labels
        frac = i / 4
        y = base - frac * plot_h
        parts.append(f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{_n(y)}" y2="{_n(y)}" {GRID}/>')
        parts.append(f'<text x="{LEFT - 4}" y="{_n(y + 3)}" text-anchor="end" {AXIS}>'
                     f"{_label(top_q * frac)}</text>")
        parts.append(f'<text x="{LEFT + plot_w + 4}" y="{_n(y + 3)}" {AXIS_AGENTS}>'
                     f"{_label(top_a * frac)}</text>")
    for i, r in enumerate(rows):  # the bars
        value = float(Decimal(r.inquiries))
        if value > 0:
            y = y_q(value)
            parts.append(f'<rect x="{_n(LEFT + i * slot + 0.3)}" y="{_n(y)}" {BAR} '
                         f'width="{_n(slot - 0.6)}" height="{_n(base - y)}">'
                         f"<title>{esc(_tip(r))}</title></rect>")
    for day in range(7):  # weekday bands
        x = LEFT + day * 24 * slot
        if day:
            parts.append(f'<line x1="{_n(x)}" x2="{_n(x)}" y1="{TOP}" y2="{_n(base + 14)}" {DAY}/>')
        zh, en = WEEKDAYS[day]
        parts.append(f'<text x="{_n(x + 12 * slot)}" y="{_n(base + 26)}" text-anchor="middle" {WEEKDAY}>'
                     f"{esc(zh)} {esc(en)}</text>")
        for hour in (0, 6, 12, 18):
            parts.append(f'<text x="{_n(x + (hour + 0.5) * slot)}" y="{_n(base + 10)}" '
                         f'text-anchor="middle" {HOUR}>{hour}</text>')
    need = [float(r.scheduled) for r in rows]
    plan = [float(duty[r.weekday, r.hour]) for r in rows]
    parts.append(f'<path d="{_steps(need, slot, y_a)}" {NEED}/>')
    parts.append(f'<path d="{_steps(plan, slot, y_a)}" {PLAN}/>')
    parts.append(f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{_n(base)}" y2="{_n(base)}" {AXIS_LINE}/>')
    parts.append(f'<text x="{LEFT - 4}" y="{TOP - 10}" text-anchor="end" {AXIS}>咨询/小时</text>')
    parts.append(f'<text x="{LEFT + plot_w + 4}" y="{TOP - 10}" {AXIS_AGENTS}>人 agents</text>')
    title = "每小时预测咨询量（柱）与排班人数（线） Forecast inquiries per hour and agents"
    return (f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" xmlns="http://www.w3.org/2000/svg" '
            f'role="img" aria-label="{esc(title)}"><title>{esc(title)}</title>{"".join(parts)}</svg>')


def _label(value: float) -> str:
    return f"{value:g}"


def _tip(r: ForecastRow) -> str:
    return (f"{WEEKDAYS[r.weekday - 1][1]} {r.hour:02d}:00 · {r.inquiries} inquiries · "
            f"n={r.agents} · scheduled {r.scheduled}")


def _steps(values: list[float], slot: float, to_y: Callable[[float], float]) -> str:
    """An SVG path stepping through ``values``, one slot each."""
    points = []
    for i, v in enumerate(values):
        y = _n(to_y(v))
        points.append(f"{'M' if i == 0 else 'L'}{_n(LEFT + i * slot)},{y} L{_n(LEFT + (i + 1) * slot)},{y}")
    return " ".join(points)


# -- the page ------------------------------------------------------------------------------


def _weekdays(days: list[int]) -> str:
    if sorted(days) == list(range(1, 8)):
        return "每天 every day"
    return "、".join(WEEKDAYS[d - 1][0] for d in sorted(days)) + " " + ", ".join(
        WEEKDAYS[d - 1][1] for d in sorted(days))


def _heading(h: QuoteHeading) -> str:
    draft = h.quote_id is None
    badge = (f'<div class="badge draft">{bi("草稿", "DRAFT")}</div>' if draft
             else f'<div class="badge issued">{bi("已登记", "ISSUED")}</div>')
    number = esc(h.quote_id) if h.quote_id else bi("未登记报价", "not recorded (ledger quote PROFILE.json)")
    return (f'<header><div class="title"><h1>{bi("客服托管报价单", "Customer-Service Hosting Quote")}</h1>'
            f'<div class="no">{number}</div></div><div class="badges">{badge}</div></header>')


def _parties(h: QuoteHeading) -> str:
    m = h.merchant
    if m is not None:
        platform = PLATFORMS.get(m.platform.lower(), "")
        meta = f"{platform}平台 {m.platform}" if platform else m.platform
        merchant = (f'<div class="name">{esc(m.name)}</div>'
                    f'<div class="meta">{esc(meta)} · 商户编号 Merchant ID {esc(m.id)}</div>')
    else:
        merchant = f'<div class="name muted">{bi("（未指定）", "not named in a profile")}</div>'
    facts = [("报价编号", "Quote", esc(h.quote_id or "—")),
             ("报价日期", "Issued on", esc(h.issued_on.isoformat() if h.issued_on else "—")),
             ("有效期至", "Valid until", esc(h.valid_until.isoformat() if h.valid_until else "—"))]
    rows = "".join(f"<tr><th>{bi(zh, en)}</th><td>{v}</td></tr>" for zh, en, v in facts)
    return (f'<div class="head-grid"><div class="parties">'
            f'<div class="party"><div class="role">{bi("服务商", "Provider")}</div>'
            f'<div class="name">{esc(h.provider)}</div></div>'
            f'<div class="party"><div class="role">{bi("商户", "Merchant")}</div>{merchant}</div></div>'
            f'<table class="facts">{rows}</table></div>')


def _standard(p: QuoteProfile) -> str:
    s = p.service
    items = [
        (f"{percent(s.service_level)} 的咨询在 {s.answer_within_s} 秒内响应",
         f"{percent(s.service_level)} of inquiries answered within {s.answer_within_s} s"),
        (f"平均接待时长 {p.aht_s} 秒，每人同时接待 {p.concurrency} 个会话",
         f"handling time {p.aht_s} s, {p.concurrency} chats at once per agent"),
        (f"最高占用率 {percent(s.max_occupancy)}，缺勤与休息预留 {percent(p.shrinkage)}",
         f"occupancy at most {percent(s.max_occupancy)}, shrinkage {percent(p.shrinkage)}"),
        (f"每个班次时段至少 {p.min_agents} 人在线", f"at least {p.min_agents} online in every staffed hour"),
    ]
    return "<ul class=\"standard\">" + "".join(f"<li>{bi(zh, en)}</li>" for zh, en in items) + "</ul>"


def _plan(result: QuoteResult, profile: QuoteProfile) -> str:
    rows = "".join(
        f'<tr><td><code>{esc(s.code)}</code></td><td>{esc(s.start)}–{esc(s.end)}</td>'
        f'<td class="num big">{s.agents}</td></tr>' for s in result.shifts)
    head = (f'<thead><tr><th>{bi("班次", "Shift")}</th><th>{bi("时段", "Hours")}</th>'
            f'<th class="num">{bi("每班人数", "Agents")}</th></tr></thead>')
    days = f'<p class="note">{bi("工作日", "Days worked")}：{esc(_weekdays(profile.weekdays))}</p>'
    return (f'<div class="plan-grid"><div><table class="lines">{head}<tbody>{rows}</tbody></table>{days}'
            f'</div><div>{_standard(profile)}</div></div>')


def _special(result: QuoteResult, profile: QuoteProfile) -> str:
    if not result.special_days:
        return f'<p class="muted">{bi("无特殊日", "No special days in the profile.")}</p>'
    codes = [s.code for s in result.shifts]
    like = {d.date: d.like for d in profile.special_days}
    head = (f'<thead><tr><th>{bi("日期", "Date")}</th><th>{bi("名称", "Label")}</th>'
            f'<th>{bi("参照", "Like")}</th>'
            + "".join(f'<th class="num"><code>{esc(c)}</code></th>' for c in codes)
            + f'<th class="num">{bi("倍率", "Multiplier")}</th></tr></thead>')
    rows = []
    for d in result.special_days:
        ref = like.get(d.date)
        factor = result.uplift.get(ref) if ref is not None else None
        ref_text = f"{esc(ref)} ×{esc(factor)}" if ref is not None and factor is not None else (
            f"{esc(ref)}（历史无此标签 not in history）" if ref is not None else "—")
        weekday = WEEKDAYS[d.date.isoweekday() - 1]
        rows.append(f"<tr><td>{esc(d.date.isoformat())} <span class=\"muted\">{esc(weekday[0])}</span></td>"
                    f"<td>{esc(d.label)} <span class=\"muted\">{esc(d.kind)}</span></td><td>{ref_text}</td>"
                    + "".join(f'<td class="num">{d.agents.get(c, 0)}</td>' for c in codes)
                    + f'<td class="num">×{esc(d.multiplier)}</td></tr>')
    uplift = "；".join(f"{esc(k)} ×{esc(v)}" for k, v in result.uplift.items()) or "—"
    note = bi(f"历史特殊日放大系数（uplift）：{uplift}",
              "Uplift of each history label: its inquiries over the forecast of the same weekdays.")
    return f'<table class="lines">{head}<tbody>{"".join(rows)}</tbody></table><p class="note">{note}</p>'


def _prices(result: QuoteResult, profile: QuoteProfile) -> str:
    r = profile.rates
    base = result.terms_proposed.base_plus_commission.pricing
    fixed = result.terms_proposed.fixed_fee.pricing
    assert isinstance(base, BasePlusCommission) and isinstance(fixed, FixedFee)
    m = result.monthly_agent_shifts
    left = (f'<div class="price"><div class="role">{bi("底薪+提成", "Base + commission")}</div>'
            f'<div class="amount">{esc(money(result.monthly_estimate_fen))}{PER_MONTH}</div>'
            f'<div class="how">{esc(m)} 人班 × {esc(money(r.shift_rate_fen))} + '
            f'{esc(percent(r.commission_rate))} × 月销售额 {esc(money(profile.monthly_sales_fen))}'
            f'<span class="en">{esc(m)} agent-shifts a month × shift rate + commission × monthly sales '
            f"(estimate: billed by shifts worked and sales)</span></div></div>")
    right = (f'<div class="price"><div class="role">{bi("固定薪资", "Fixed fee")}</div>'
             f'<div class="amount">{esc(money(result.fixed_fee_fen))}{PER_MONTH}</div>'
             f'<div class="how">{esc(m)} 人班 × {esc(money(r.shift_rate_fen))} × (1 + '
             f'{esc(percent(r.fixed_premium))})；特殊日加班 {esc(money(fixed.extra_shift_fen))}/人班'
             f'<span class="en">agent-shifts × shift rate × (1 + premium); extra shifts on special days '
             f"{esc(money(fixed.extra_shift_fen))} each</span></div></div>")
    note = bi(f"月均人班 = 每周人班 × 365 / 84；特殊日按倍率 ×{r.special_multiplier} 另计，不含在月价内。",
              "Agent-shifts in an average month = a week's × 365 / 84. Special days are billed at "
              "their multiplier on top; they are not in these prices.")
    return f'<div class="prices">{left}{right}</div><p class="note">{note}</p>'


def _terms(terms: Terms) -> str:
    p = terms.penalties
    deposit = terms.pricing.deposit_fen
    cells = [
        ("结算周期", "Settlement", CYCLES[terms.settlement_cycle]),
        ("付款期限", "Payment due", f"开具后 {terms.payment_due_days} 天 days after issue"),
        ("税率", "Tax rate", percent(terms.tax_rate)),
        ("定金", "Deposit", money(deposit)),
        ("质检合格分", "Minimum QA score", f"{terms.kpi.min_qa_score}"),
        ("首次响应上限", "First response", f"{terms.kpi.max_first_response_s} 秒 s"),
        ("质检不合格扣款", "QA failure", f"{money(p.qa_failure_fen)}（上限 cap {percent(p.qa_cap_rate)}）"),
        ("缺岗扣款", "Understaffing", f"{money(p.understaffing_fen)} / 人班 agent-shift"),
        ("逾期滞纳金", "Late fee", f"{percent(p.late_fee_daily_rate)} / 天 day"),
    ]
    rows = "".join(f"<tr><th>{bi(zh, en)}</th><td>{esc(v)}</td></tr>" for zh, en, v in cells)
    return f'<table class="facts terms">{rows}</table>'


def _appendix(result: QuoteResult) -> str:
    rows = {(f.weekday, f.hour): f for f in result.forecast}
    head = "<th>时 h</th>" + "".join(f"<th>{bi(zh, en)}</th>" for zh, en in WEEKDAYS)
    body = []
    for hour in range(24):
        cells = []
        for w in range(1, 8):
            f = rows[w, hour]
            value = Decimal(f.inquiries)
            text = f"{value.normalize():f}" if value else "·"
            cells.append(f'<td class="num{" zero" if not value else ""}"><span class="sched">'
                         f"{f.scheduled}</span>{esc(text)}</td>")
        body.append(f'<tr><th>{hour:02d}</th>{"".join(cells)}</tr>')
    gaps = "；".join(f"{WEEKDAYS[u.weekday - 1][0]} {Decimal(u.inquiries).normalize():f}"
                    for u in result.uncovered if Decimal(u.inquiries))
    uncovered = (bi(f"班次之外的预测咨询量（未排班）：{gaps}", "Forecast inquiries outside every shift "
                    "(not staffed), per weekday.") if gaps
                 else bi("所有预测咨询均在班次时段内。", "Every forecast inquiry falls in a shift."))
    legend = bi("每格：橙色小字为排班人数（含预留），其后为预测咨询量",
                "each cell: agents scheduled (orange, after shrinkage), then forecast inquiries")
    return (f'<section class="appendix"><h2>{bi("附录：分时预测", "Appendix: forecast by hour")}</h2>'
            f'<p class="note">{legend}</p><table class="grid"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table><p class="note">{uncovered}</p></section>')


def render_quote(profile: QuoteProfile, result: QuoteResult, heading: QuoteHeading) -> str:
    """The quote page as one self-contained HTML string."""
    banner = ""
    if heading.quote_id is None:
        banner = ('<p class="draft-banner">' + bi(
            "草稿：本报价尚未登记（issue_quote），签约时无法引用。",
            "Draft: this quote is not recorded yet (issue_quote); a contract cannot name it.") + "</p>")
    days, special = len({r.date for r in profile.history}), len(profile.history_special_days)
    basis = bi(f"依据店铺 {days} 天的分时咨询数据（剔除 {special} 个历史特殊日）",
               f"From {days} days of the shop's hourly inquiries ({special} history special days set apart).")
    footer = (f'<footer><div>{bi("来源", "Source")} <code>{esc(heading.source)}</code></div>'
              f'<div class="en">cs-hosting-ledger · SPEC §12: forecast, Erlang C with chat concurrency, '
              f"shrinkage, plan per shift and special day, both prices.</div></footer>")
    title = f"报价单 {heading.quote_id or '草稿'}"
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="cs-hosting-ledger">
<meta name="author" content="{esc(heading.provider)}">
<title>{esc(title)}</title>
<style>{_CSS}</style>
</head>
<body>
<div class="sheet">
{_heading(heading)}
{banner}
{_parties(heading)}
<h2>{bi("咨询量预测与排班", "Forecast and staffing")}</h2>
<p class="note">{basis}</p>
{chart(result, profile)}
<p class="legend"><span class="key bar"></span>{bi("预测咨询量/小时", "forecast inquiries an hour")}
<span class="key need"></span>{bi("所需排班人数", "agents needed (Erlang C, after shrinkage)")}
<span class="key plan"></span>{bi("方案在岗人数", "agents on duty in the plan")}</p>
<h2>{bi("排班方案", "Staffing plan")}</h2>
{_plan(result, profile)}
<h2>{bi("特殊日", "Special days")}</h2>
{_special(result, profile)}
<h2>{bi("报价", "Prices")}</h2>
{_prices(result, profile)}
<h2>{bi("合同条款建议", "Proposed terms")}</h2>
{_terms(result.terms_proposed.base_plus_commission)}
{_appendix(result)}
{footer}
</div>
</body>
</html>
"""


_CSS = """
@page { size: A4; margin: 13mm 12mm 15mm 12mm;
  @bottom-right { content: counter(page) " / " counter(pages); font-size: 8pt; color: #777; } }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact;
  font-family: "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "PingFang SC",
    "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans SC", sans-serif; }
body { margin: 0; color: #1d2330; font-size: 9.5pt; line-height: 1.35; font-variant-numeric: tabular-nums; }
@media screen {
  body { background: #e6e8ec; }
  .sheet { width: 210mm; min-height: 297mm; margin: 8mm auto; padding: 13mm 12mm;
    background: #fff; box-shadow: 0 1px 6px rgba(0,0,0,.25); }
}
.en { display: block; font-size: 7pt; color: #6b7280; font-weight: normal; }
header { display: flex; justify-content: space-between; align-items: flex-start;
  border-bottom: 2.5pt solid #1f4e79; padding-bottom: 3mm; margin-bottom: 4mm; }
h1 { margin: 0; font-size: 17pt; color: #1f4e79; letter-spacing: 1pt; }
h1 .en { font-size: 9pt; color: #4b5563; letter-spacing: 0; }
.title .no { margin-top: 1.5mm; font-size: 10pt; font-weight: bold; }
.badge { border: 1.2pt solid; border-radius: 2pt; padding: 1mm 2.5mm; text-align: center;
  font-weight: bold; font-size: 10pt; }
.badge .en { font-size: 6.5pt; color: inherit; }
.badge.issued { color: #1f6f43; } .badge.draft { color: #b00020; }
.draft-banner { background: #fdecee; border-left: 3pt solid #b00020; padding: 2mm 3mm; margin: 0 0 4mm; }
.head-grid { display: flex; gap: 6mm; }
.parties { flex: 1 1 55%; display: flex; flex-direction: column; gap: 2mm; }
.party { border: 0.6pt solid #cfd6df; border-radius: 2pt; padding: 2mm 3mm; }
.party .role, .price .role { color: #1f4e79; font-weight: bold; font-size: 8.5pt; }
.party .name { font-size: 12pt; font-weight: bold; margin: 0.5mm 0; }
.party .meta { font-size: 7.5pt; color: #4b5563; }
.facts { flex: 1 1 45%; border-collapse: collapse; }
.facts th, .facts td { text-align: left; vertical-align: top; padding: 0.8mm 2mm;
  border-bottom: 0.5pt solid #e3e7ed; }
.facts th { width: 34mm; color: #374151; font-size: 8.5pt; }
.facts.terms { width: 100%; }
h2 { font-size: 11pt; color: #1f4e79; margin: 5mm 0 2mm; border-bottom: 0.8pt solid #1f4e79;
  padding-bottom: 0.8mm; break-after: avoid; }
h2 .en { display: inline; font-size: 8pt; margin-left: 1.5mm; }
svg.chart { width: 100%; height: auto; display: block; }
.legend { font-size: 8pt; margin: 1mm 0 0; }
.legend .zh, .legend .en { display: inline; } .legend .en { margin: 0 3mm 0 1mm; }
.key { display: inline-block; width: 6mm; height: 2.5mm; vertical-align: 0; margin-right: 1mm; }
.key.bar { background: #9cc3e6; } .key.need { border-top: 1pt solid #1d2330; height: 0; }
.key.plan { border-top: 2pt solid #d9731a; height: 0; }
.note { font-size: 8.5pt; margin: 1.5mm 0; } .note .zh, .note .en { display: inline; }
.note .en { margin-left: 2mm; }
.muted { color: #6b7280; }
table.lines { width: 100%; border-collapse: collapse; }
table.lines th { background: #eef2f7; font-size: 8.5pt; text-align: left; padding: 1.2mm 1.5mm;
  border-bottom: 0.8pt solid #9aa8b8; }
table.lines td { padding: 1.2mm 1.5mm; border-bottom: 0.5pt solid #e3e7ed; vertical-align: top; }
table.lines tr { break-inside: avoid; }
.num { text-align: right; white-space: nowrap; } th.num { text-align: right; }
td.big { font-size: 12pt; font-weight: bold; }
code { font-family: "DejaVu Sans Mono", "Noto Sans Mono CJK SC", monospace; font-size: 8pt; }
.plan-grid { display: flex; gap: 6mm; } .plan-grid > div { flex: 1 1 50%; }
ul.standard { margin: 0; padding-left: 4mm; } ul.standard li { margin-bottom: 1mm; }
.prices { display: flex; gap: 5mm; break-inside: avoid; }
.price { flex: 1 1 50%; border: 0.8pt solid #1f4e79; border-radius: 2pt; padding: 2mm 3mm; }
.price .amount { font-size: 15pt; font-weight: bold; margin: 1mm 0; }
.price .per { font-size: 8.5pt; font-weight: normal; margin-left: 1mm; color: #4b5563; }
.price .how { font-size: 8pt; }
section.appendix { break-before: page; }
table.grid { width: 100%; border-collapse: collapse; table-layout: fixed; }
table.grid th { font-size: 7.5pt; background: #eef2f7; padding: 0.5mm; border: 0.5pt solid #cfd6df; }
table.grid th .en { display: inline; margin-left: 1mm; font-size: 6.5pt; }
table.grid td { border: 0.5pt solid #e3e7ed; padding: 0.3mm 1mm; font-size: 7.5pt; }
table.grid td.zero { color: #c0c5cc; }
table.grid .sched { color: #b35c10; font-size: 6.5pt; margin-right: 1.5mm; }
footer { margin-top: 5mm; padding-top: 2mm; border-top: 0.6pt solid #cfd6df; font-size: 8pt; color: #374151; }
footer .zh { font-weight: bold; } footer .zh + .en { display: inline; margin: 0 1.5mm; }
"""
