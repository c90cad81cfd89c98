"""Statements people send (issue #8): the HTML/PDF document and the capital figures.

Given a realistic contract (``given_realistic``: a Tmall shop, two shifts, a
special day, short days, a QA failure, a late payment, a shift reported after
March was issued, an upheld dispute), when a statement is written with
``ledger statement C P --format html|pdf``, then the page holds every section
of docs/DOCUMENTS.md, the total and its capital figure, the staffing calendar
as it was at issue, and the audit digest of the issue event; the HTML renders
in headless Chromium and the PDF in poppler.

Rendering tests need ``chromium``, ``pdftoppm``/``pdftotext`` (poppler-utils), a
CJK font (fonts-noto-cjk) and WeasyPrint. Without them they skip with the
reason, except under ``CI=true``, where they fail. ``LEDGER_UPDATE_SCREENSHOTS=1``
also copies the two rendered pages to docs/statement-html.png and
docs/statement-pdf.png.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from builders import agent_ready, bpc_terms, cmd, days, full_month, issue, pay, shift, sign

from app.capital import capital
from ledger.money import yuan
from schemas.examples import PROVIDER

UNDER_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
DOCS = Path(__file__).resolve().parents[1] / "docs"
UPDATE_SCREENSHOTS = os.environ.get("LEDGER_UPDATE_SCREENSHOTS") == "1"

CONTRACT = "HZ-301"
MERCHANT = {"id": "M-TM-3318", "name": "杭州木语家居旗舰店", "platform": "tmall"}
SIX_DAYS = (1, 2, 3, 4, 5, 6)


# --------------------------------------------------------------------------- capital figures


@pytest.mark.parametrize(("fen", "expected"), [
    (0, "零元整"),
    (5, "伍分"),
    (50, "伍角"),
    (55, "伍角伍分"),
    (100, "壹元整"),
    (105, "壹元零伍分"),
    (1000, "壹拾元整"),                      # a leading ten is 壹拾, never a bare 拾
    (1005, "壹拾元零伍分"),
    (10050, "壹佰元零伍角"),                  # zero yuan digit before jiao: 零; no 整 after 角
    (140950, "壹仟肆佰零玖元伍角"),           # the rules' own example
    (600714, "陆仟零柒元壹角肆分"),           # a run of zeros is one 零
    (1640902, "壹万陆仟肆佰零玖元零贰分"),     # zero jiao before fen: 零
    (1234567, "壹万贰仟叁佰肆拾伍元陆角柒分"),
    (10000101, "壹拾万零壹元零壹分"),         # 100,001.01: 零 across the 万 section
    (10700053, "壹拾万零柒仟元零伍角叁分"),
    (100001000, "壹佰万零壹拾元整"),
    (11000000, "壹拾壹万元整"),
    (100000000000, "壹拾亿元整"),             # 1,000,000,000.00
    (10000000100, "壹亿零壹元整"),            # empty 万 section: one 零
    (100000000000000, "壹万亿元整"),
    (-5, "负伍分"),
    (-1234567, "负壹万贰仟叁佰肆拾伍元陆角柒分"),
    (-1000, "负壹拾元整"),
])
def test_capital_figures(fen: int, expected: str) -> None:
    assert capital(fen) == expected


def test_capital_rejects_non_integers_and_amounts_past_wan_yi() -> None:
    with pytest.raises(TypeError):
        capital(1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        capital(True)
    assert capital(10**18 - 1).startswith("玖仟玖佰玖拾玖万亿")
    with pytest.raises(ValueError, match="too large"):
        capital(10**18)


# --------------------------------------------------------------------------- the scenario


def given_realistic(ledger: Any) -> None:
    """HZ-301: base + commission, early (2 agents) and late (1) shifts Mon-Sat, 女王节 on
    Sunday 2026-03-08 with 3 + 2 agents at 1.5x, a deposit; March short on 03-17 and
    03-18 (early) and 03-25 (late); March issued 04-01 and paid late; the 03-25 late shift
    reported after issue (a correction in April); an upheld dispute (an adjustment); April
    short on 04-14 (early); April issued 05-04."""
    terms = bpc_terms(
        payment_due_days=10,
        pricing={"shift_rate_fen": 25000, "commission_rate": "0.01", "deposit_fen": 1000000},
        staffing={"weekdays": list(SIX_DAYS),
                  "shifts": [{"code": "early", "start": "08:00", "end": "16:00", "agents": 2},
                             {"code": "late", "start": "16:00", "end": "24:00", "agents": 1}],
                  "special_days": [{"date": "2026-03-08", "kind": "promotion", "label": "女王节",
                                    "agents": {"early": 3, "late": 2}, "multiplier": "1.5"}]})
    setup = [{"type": "set_provider", "id": "provider-2026", **PROVIDER},
             sign(CONTRACT, terms, merchant=MERCHANT),
             cmd("record_deposit", CONTRACT, amount_fen=1000000, received_on="2026-02-26",
                 reference="ICBC-0226-7781")]
    for agent in ("a1", "a2", "a3", "a4"):
        setup += agent_ready(agent, CONTRACT)
    ledger.accept(*setup)
    short = {("a2", "2026-03-17"), ("a2", "2026-03-18"), ("a3", "2026-03-25"),
             ("a2", "2026-04-14")}
    work = []
    for day in days("2026-03-02", "2026-04-30", SIX_DAYS):
        work += [shift(a, day, "early", CONTRACT) for a in ("a1", "a2") if (a, day) not in short]
        if ("a3", day) not in short:
            work.append(shift("a3", day, "late", CONTRACT))
    work += [shift("a1", "2026-03-08", "early", CONTRACT), shift("a2", "2026-03-08", "early", CONTRACT),
             shift("a4", "2026-03-08", "early", CONTRACT), shift("a3", "2026-03-08", "late", CONTRACT),
             shift("a4", "2026-03-08", "late", CONTRACT)]
    work += [cmd("record_sales", CONTRACT, agent_id="a1", date=d, sales_fen=s, orders=o)
             for d, s, o in (("2026-03-10", 1860000, 41), ("2026-03-20", 2354000, 55),
                             ("2026-04-09", 2715300, 62), ("2026-04-22", 1987700, 44))]
    work += [cmd("record_qa_inspection", CONTRACT, inspection_id="QA-0312", agent_id="a2",
                 date="2026-03-12", score=78, sampled_sessions=20)]
    ledger.accept(*work)
    ledger.accept(issue("2026-03", "2026-04-01", CONTRACT))
    march = ledger.statement(CONTRACT, "2026-03")
    ledger.accept(
        shift("a3", "2026-03-25", "late", CONTRACT),  # reported late: corrected in April
        pay("PAY-0409", 500000, "2026-04-09", CONTRACT),
        pay("PAY-0415", march["total_fen"] - 500000, "2026-04-15", CONTRACT),  # 4 days late
        cmd("open_dispute", CONTRACT, dispute_id="DSP-7", period="2026-03", line="qa_penalty",
            claim_fen=-25000, opened_on="2026-04-12", note="抽检会话判分有误"),
        cmd("resolve_dispute", None, dispute_id="DSP-7", resolved_on="2026-04-20",
            outcome="upheld", adjustment_fen=-12500, note="部分支持"),
        issue("2026-04", "2026-05-04", CONTRACT),
    )


@pytest.fixture
def realistic(sqlite_ledger: Any) -> Any:
    given_realistic(sqlite_ledger)
    return sqlite_ledger


def write_html(ledger: Any, period: str, *extra: str) -> tuple[str, str]:
    out = ledger.tmp / f"{period}-{len(extra)}.html"
    run = ledger.run("statement", CONTRACT, period, "--format", "html", "--output", str(out), *extra)
    assert run.code == 0, run
    assert run.out.strip() == str(out)
    return out.read_text("utf-8"), str(out)


def html_of(ledger: Any, period: str, *extra: str, contract: str = CONTRACT) -> str:
    """The page as ``--output -`` prints it on stdout."""
    run = ledger.run("statement", contract, period, "--format", "html", "--output", "-", *extra)
    assert run.code == 0, run
    return str(run.out)


def text_of(page: str) -> str:
    """The visible text of a page, tags dropped, whitespace squeezed."""
    body = re.sub(r"<style.*?</style>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", body)))


def money(fen: int) -> str:
    return f"-¥{yuan(-fen)}" if fen < 0 else f"¥{yuan(fen)}"


# --------------------------------------------------------------------------- the HTML page


def test_html_statement_holds_every_section(realistic: Any) -> None:
    st = realistic.statement(CONTRACT, "2026-04")
    page, _ = write_html(realistic, "2026-04")
    text = text_of(page)
    # heading, parties, contract facts
    for expected in ("客服托管服务结算单", "Customer-Service Hosting Statement", st["statement_no"],
                     "已开具", PROVIDER["name"], MERCHANT["name"], "天猫", MERCHANT["id"], CONTRACT,
                     "2026年4月（2026-04）", "开具日期", "2026-05-04", "付款截止", st["due_on"],
                     "底薪+提成", "Base + commission", "¥250.00"):
        assert expected in text, expected
    # every line's amount, the totals, the tax rate and the capital figure
    codes = {line["code"] for line in st["lines"]}
    assert {"base", "commission", "understaffing", "late_fee", "adjustment", "correction"} <= codes
    for line in st["lines"]:
        assert money(line["amount_fen"]) in text, line
    for key in ("subtotal_fen", "tax_fen", "total_fen"):
        assert money(st[key]) in text, key
    assert "6%" in text
    assert "合计人民币（大写）" in text and capital(st["total_fen"]) in text
    # the account section
    for key in ("opening_fen", "payments_fen", "deposit_applied_fen", "closing_fen"):
        assert money(st["account"][key]) in text, key
    assert "期初余额" in text and "期末余额" in text and "定金抵扣" in text
    # corrections name the period and line they correct
    for line in st["lines"]:
        if line["code"] == "correction":
            ref = line["refs"]
            assert f'→ {ref["period"]} · <code>{ref["line"]}</code>' in page
    assert "更正 2026-03 期已结算的「缺岗扣款」" in text
    # the staffing appendix of April: 04-14 is short, 04-13 fully staffed, Sunday off
    assert re.search(r'<td class="short" data-date="2026-04-14">', page)
    assert re.search(r'<td class="ok" data-date="2026-04-13">', page)
    assert re.search(r'<td class="off" data-date="2026-04-12">', page)
    assert "人力排班" in text and "缺岗日" in text


def test_descriptions_in_yuan_with_shift_names_and_plurals(realistic: Any) -> None:
    april = text_of(html_of(realistic, "2026-04"))
    assert "commission on sales of ¥47,030.00 × 1%" in april
    assert "1 planned agent-shift not worked" in april and "1 planned agent-shifts" not in april
    assert "fen" not in april.replace("fen)", "")  # money is yuan, never raw fen
    assert "early（08:00–16:00）、late（16:00–24:00）" in april  # the shifts by name and hours
    march = text_of(html_of(realistic, "2026-03"))
    assert "1 QA failure (capped at" in march and "1 QA failures" not in march
    assert "late fee on 1 late payment" in april and "paid 4 days late" in april


def test_a_special_day_shows_the_multiplied_unit(realistic: Any) -> None:
    st = realistic.statement(CONTRACT, "2026-03")
    (special,) = [ln for ln in st["lines"] if ln["code"] == "special_day"]
    page = html_of(realistic, "2026-03")
    row = re.search(r'<tr class="line line-special_day">(.*?)</tr>', page, re.S)
    assert row is not None
    cells = re.findall(r'<td class="num[^"]*">(.*?)</td>', row.group(1), re.S)
    quantity, unit, amount = (text_of(c).strip() for c in cells)
    assert quantity.startswith(f"{special['quantity']}")
    assert unit.startswith("¥375.00") and "¥250.00 × 1.5" in unit  # 25000 fen × 1.5
    assert special["quantity"] * 37500 == special["amount_fen"]
    assert amount == money(special["amount_fen"])


def test_overdue_opening_and_deposit_held_are_shown(ledger: Any) -> None:
    terms = bpc_terms(pricing={"deposit_fen": 300000})
    ledger.accept(sign("C1", terms), cmd("record_deposit", "C1", amount_fen=300000,
                                         received_on="2026-02-25", reference="D"),
                  *agent_ready("a1"), *agent_ready("a2"),
                  *full_month(["a1", "a2"], "2026-03-02", "2026-04-30"),
                  issue("2026-03", "2026-04-01"),
                  issue("2026-04", "2026-05-02"))  # March unpaid, due 04-11: overdue on 05-02
    march = ledger.statement("C1", "2026-03")
    text = text_of(html_of(ledger, "2026-04", contract="C1"))
    assert f"其中逾期 overdue {money(march['total_fen'])}" in text
    assert "定金余额 ¥3,000.00" in text
    first = text_of(html_of(ledger, "2026-03", contract="C1"))
    assert "其中逾期" not in first


def test_the_footer_is_a_verification_code_without_instructions(realistic: Any) -> None:
    page = html_of(realistic, "2026-04")
    footer = page[page.index("<footer>"):page.index("</footer>")]
    assert "校验码" in footer and re.search(r"\d+:[0-9a-f]{64}", footer)
    assert "ledger " not in text_of(footer) and "--digest" not in footer


def test_pdf_without_a_chinese_font_exits_3_naming_the_package(
        realistic: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if shutil.which("fc-list") is None:
        need("fontconfig's fc-list", "not installed")
    config = tmp_path / "fonts.conf"  # fontconfig with no font directory at all
    config.write_text('<?xml version="1.0"?><fontconfig></fontconfig>', encoding="utf-8")
    monkeypatch.setenv("FONTCONFIG_FILE", str(config))
    monkeypatch.chdir(tmp_path)
    run = realistic.run("statement", CONTRACT, "2026-04", "--format", "pdf")
    if "WeasyPrint" in run.err:
        need("WeasyPrint", run.err.strip())
    assert run.code == 3, run
    assert run.err.startswith("ledger: PDF statements need a Chinese font")
    assert "fonts-noto-cjk" in run.err and len(run.err.strip().splitlines()) == 1
    assert not list(tmp_path.glob("statement-*"))


def test_html_is_self_contained_and_printable(realistic: Any) -> None:
    page, _ = write_html(realistic, "2026-04")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="zh-CN">' in page
    assert '<meta charset="utf-8">' in page
    for outside in ("http:", "https:", "src=", "href=", "url(", "@import", "<script", "<link",
                    "<img", "@font-face"):
        assert outside not in page, outside
    assert "@page { size: A4" in page and "@media screen" in page


def test_appendix_shows_the_contract_as_it_was_at_issue(realistic: Any) -> None:
    # The 03-25 late shift was reported after March was issued: the March statement's
    # calendar still shows 03-25 short (as billed); the live recomputation shows it staffed.
    page, _ = write_html(realistic, "2026-03")
    for day in ("2026-03-17", "2026-03-18", "2026-03-25"):
        assert f'<td class="short" data-date="{day}">' in page, day
    assert '<td class="ok" data-date="2026-03-08">' in page and "女王节" in page
    assert "缺岗日" in text_of(page) and "3/17、3/18、3/25" in text_of(page)
    live, _ = write_html(realistic, "2026-03", "--live")
    assert '<td class="ok" data-date="2026-03-25">' in live
    assert "草稿" in live and "DRAFT" in live


def test_the_statement_is_reproducible_and_its_digest_verifies(realistic: Any) -> None:
    first, _ = write_html(realistic, "2026-03")
    realistic.accept(pay("PAY-0520", 100, "2026-05-20", CONTRACT))  # the log grows
    again, _ = write_html(realistic, "2026-03")
    assert first == again
    (digest,) = re.findall(r'<code class="digest">(\d+:[0-9a-f]{64})</code>', first)
    run = realistic.run("audit", "verify", "--digest", digest)
    assert run.code == 0, run
    history = realistic.run("history", CONTRACT, "--json").json()
    issue_row = next(r for r in history if r["type"] == "SettlementIssued"
                     and r["data"]["period"] == "2026-03")
    assert digest.startswith(f'{issue_row["position"]}:')


def test_a_draft_is_marked_and_named_as_a_draft(realistic: Any, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    run = realistic.run("statement", CONTRACT, "2026-05", "--format", "html", "--on", "2026-06-01")
    assert run.code == 0, run
    assert run.out.strip() == f"statement-{CONTRACT}-2026-05-draft.html"
    page = (tmp_path / run.out.strip()).read_text("utf-8")
    assert "草稿" in page and "has not been issued" in page
    assert '<td class="later"' not in page  # May is over on 06-01: every day counted


def test_default_file_name_and_usage(realistic: Any, tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    run = realistic.run("statement", CONTRACT, "2026-04", "--format", "html")
    assert run.code == 0, run
    assert run.out.strip() == f"statement-{CONTRACT}-2026-04.html"
    assert realistic.run("statement", CONTRACT, "2026-04", "--json", "--format", "html").code == 2
    assert realistic.run("statement", CONTRACT, "2026-04", "--output", "x.json").code == 2
    assert realistic.run("statement", "NOPE", "2026-04", "--format", "html").code == 2
    assert realistic.run("statement", CONTRACT, "2026-13", "--format", "html").code == 2
    json_run = realistic.run("statement", CONTRACT, "2026-04", "--format", "json")
    assert json_run.code == 0 and json_run.json()["statement_no"] == f"{CONTRACT}-2026-04"


def test_the_provider_profile_in_effect_at_issue_is_printed_forever(realistic: Any) -> None:
    before = html_of(realistic, "2026-04")
    for value in (PROVIDER["name"], PROVIDER["address"], PROVIDER["tax_id"],
                  PROVIDER["bank"]["name"], PROVIDER["bank"]["account"]):
        assert value in before, value
    # a new profile, even back-dated to before April's issue, changes no issued statement
    realistic.accept({"type": "set_provider", "id": "provider-2026-05", **PROVIDER,
                      "effective_from": "2026-05-01", "name": "云帆客服（杭州）股份有限公司",
                      "address": "浙江省杭州市西湖区"},
                     {"type": "set_provider", "id": "provider-backdated", **PROVIDER,
                      "effective_from": "2026-04-01", "name": "改名后的公司"})
    assert html_of(realistic, "2026-04") == before
    draft = html_of(realistic, "2026-05", "--live", "--on", "2026-06-01")
    assert "云帆客服（杭州）股份有限公司" in draft and "浙江省杭州市西湖区" in draft
    assert PROVIDER["name"] not in draft


def test_without_a_profile_the_provider_is_a_plain_placeholder(ledger: Any) -> None:
    ledger.accept(sign("C1"), *agent_ready("a1"), issue("2026-03", "2026-04-01"))
    page = html_of(ledger, "2026-03", contract="C1")
    assert "客服托管服务商" in page and "provider details not recorded" in page


def test_pdf_without_weasyprint_is_one_line_and_exit_3(realistic: Any, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import weasyprint -> ImportError
    monkeypatch.chdir(tmp_path)
    run = realistic.run("statement", CONTRACT, "2026-04", "--format", "pdf")
    assert run.code == 3
    assert run.out == "" and "Traceback" not in run.err
    assert len(run.err.strip().splitlines()) == 1
    assert "WeasyPrint" in run.err and "pip install" in run.err
    assert not list(tmp_path.glob("statement-*"))


def test_demo_documents_hook(realistic: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                             capsys: pytest.CaptureFixture[str]) -> None:
    from app.documents import write_demo_documents
    from store.eventstore import open_store

    store = open_store(realistic.db)
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    paths = write_demo_documents(store, str(tmp_path))
    assert [Path(p).name for p in paths] == [f"statement-{CONTRACT}-2026-04.html"]
    assert "PDF statement skipped" in capsys.readouterr().err
    if importlib.util.find_spec("weasyprint") is None:
        return
    monkeypatch.delitem(sys.modules, "weasyprint")
    paths = write_demo_documents(store, str(tmp_path))
    # .html only when WeasyPrint cannot load Pango (the PDF test below reports that)
    assert [Path(p).suffix for p in paths] in ([".html", ".pdf"], [".html"])
    assert all(Path(p).is_absolute() and Path(p).stat().st_size > 1000 for p in paths)


# --------------------------------------------------------------------------- rendering


def need(what: str, problem: str | None) -> None:
    """Skip with the reason, or fail under CI=true."""
    if problem is None:
        return
    message = f"{what} unavailable: {problem}"
    if UNDER_CI:
        pytest.fail(f"{message}; CI=true requires it")
    pytest.skip(message)


def tool(name: str, package: str) -> str:
    path = shutil.which(name)
    need(name, None if path else f"not on PATH (apt-get install {package})")
    assert path is not None
    return path


def cjk_font() -> None:
    fc_list = shutil.which("fc-list")
    found = fc_list and subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True,
                                       text=True, check=False).stdout.strip()
    need("a CJK font", None if found else "none installed (apt-get install fonts-noto-cjk)")


def non_trivial_png(path: Path) -> None:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    assert len(data) > 20_000, f"{path} is suspiciously small ({len(data)} bytes)"
    try:
        from PIL import Image
    except ImportError:
        return
    with Image.open(path) as image:
        assert image.width >= 600 and image.height >= 600
        colours = image.convert("RGB").getcolors(maxcolors=1_000_000)
        assert colours is None or len(colours) > 50, "the page is (nearly) blank"


def chromium(args: list[str], timeout: int = 120) -> subprocess.CompletedProcess[str]:
    binary = tool("chromium", "chromium")
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run(
            [binary, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", *args],
            capture_output=True, text=True, timeout=timeout, check=False)


def test_html_renders_in_headless_chromium(realistic: Any, tmp_path: Path) -> None:
    tool("chromium", "chromium")
    cjk_font()
    st = realistic.statement(CONTRACT, "2026-04")
    page, path = write_html(realistic, "2026-04")
    total, words = money(st["total_fen"]), capital(st["total_fen"])
    assert total in page and words in page
    png = tmp_path / "statement-html.png"
    shot = chromium([f"--screenshot={png}", "--window-size=1240,1754", Path(path).as_uri()])
    assert png.exists(), shot.stderr[-2000:]
    non_trivial_png(png)
    dom = chromium(["--dump-dom", Path(path).as_uri()])
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert total in unescape(dom.stdout) and words in dom.stdout
    if UPDATE_SCREENSHOTS:
        shutil.copyfile(png, DOCS / "statement-html.png")


def test_pdf_renders_and_holds_the_total(realistic: Any, tmp_path: Path) -> None:
    spec = importlib.util.find_spec("weasyprint")
    need("WeasyPrint", None if spec else "not installed (pip install 'cs-hosting-ledger[pdf]')")
    pdftoppm = tool("pdftoppm", "poppler-utils")
    pdftotext = tool("pdftotext", "poppler-utils")
    cjk_font()
    st = realistic.statement(CONTRACT, "2026-04")
    out = tmp_path / "statement.pdf"
    run = realistic.run("statement", CONTRACT, "2026-04", "--format", "pdf", "--output", str(out))
    if run.code == 3 and "system libraries" in run.err:
        need("WeasyPrint's system libraries", run.err.strip())
    assert run.code == 0, run
    assert run.err == ""  # no WeasyPrint warnings about the CSS
    assert out.read_bytes()[:5] == b"%PDF-"
    subprocess.run([pdftoppm, "-png", "-r", "80", str(out), str(tmp_path / "page")], check=True,
                   timeout=120)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert pages, "pdftoppm wrote no page"
    non_trivial_png(pages[0])
    text = subprocess.run([pdftotext, "-layout", str(out), "-"], capture_output=True, text=True,
                          check=True, timeout=120).stdout
    assert money(st["total_fen"]) in text
    assert capital(st["total_fen"]) in re.sub(r"\s+", "", text)
    assert MERCHANT["name"] in text and "客服托管服务结算单" in text
    if UPDATE_SCREENSHOTS:
        shutil.copyfile(pages[0], DOCS / "statement-pdf.png")
