"""Quote profiles as files (app.quote_profile) and the quote as a document (app.quote_html)."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest

from app.quote_html import QuoteHeading, chart, nice_ceiling, render_quote
from app.quote_profile import draft_profile, format_profile, read_profile
from ledger.errors import LedgerError
from quote import plan as Q
from schemas.commands import Merchant

from .quote_profiles import decode, small


def rows(*dates: str) -> list[dict[str, Any]]:
    return [{"date": d, "hour": 10, "inquiries": 5} for d in dates]


# ------------------------------------------------------------------ drafting a profile


def test_a_draft_marks_the_historys_holidays_and_promotions_and_proposes_the_coming_ones() -> None:
    # given a history holding 618 (Thursday 2026-06-18), 端午 (06-19 to 06-21) and plain days
    history = rows("2026-06-17", "2026-06-18", "2026-06-19", "2026-06-20", "2026-06-21", "2026-06-22")
    dates = sorted(dt.date.fromisoformat(r["date"]) for r in history)
    # when drafted for JD from 2026-09-01 for four months
    profile, notes = draft_profile(history, dates, "jd", dt.date(2026, 9, 1), 4)
    # then the history's special days are marked with the calendar's labels
    assert profile["history_special_days"] == [
        {"date": "2026-06-18", "label": "618"}, {"date": "2026-06-19", "label": "端午"},
        {"date": "2026-06-20", "label": "端午"}, {"date": "2026-06-21", "label": "端午"}]
    # and the coming holidays and JD's promotions are proposed; none is like a history label
    ahead = {(d["date"], d["label"], d["kind"]) for d in profile["special_days"]}
    assert ("2026-09-09", "99大促", "promotion") in ahead and ("2026-11-11", "双11", "promotion") in ahead
    assert {d for d, label, _ in ahead if label == "国庆节"} == {f"2026-10-0{n}" for n in range(1, 8)}
    assert all("like" not in d for d in profile["special_days"])
    assert max(d["date"] for d in profile["special_days"]) == "2026-12-12"  # ends before 2027-01-01
    assert notes == ["monthly_sales_fen is 0: fill in the shop's monthly sales for the commission estimate"]
    # and the draft quotes as it is
    assert Q.quote(read_profile(format_profile(profile).encode()), at="").shifts


def test_a_special_day_with_a_history_label_is_quoted_like_it() -> None:
    history = rows("2025-11-11", "2025-11-12")
    profile, _ = draft_profile(history, [dt.date(2025, 11, 11), dt.date(2025, 11, 12)], "tmall",
                               dt.date(2026, 11, 1), 1)
    assert profile["history_special_days"] == [{"date": "2025-11-11", "label": "双11"}]
    assert [d for d in profile["special_days"] if d["label"] == "双11"] == [
        {"date": "2026-11-11", "kind": "promotion", "label": "双11", "like": "双11"}]


def test_years_the_calendar_does_not_cover_get_promotions_only_and_a_note() -> None:
    profile, notes = draft_profile(rows("2026-12-01"), [dt.date(2026, 12, 1)], "douyin",
                                   dt.date(2027, 1, 1), 12)
    assert {d["label"] for d in profile["special_days"]} == {"618", "双11", "双12"}
    assert notes[0].startswith("2027: no statutory holiday calendar")


def test_the_draft_reads_back_as_written_one_history_row_a_line() -> None:
    profile, _ = draft_profile(rows("2026-03-02", "2026-03-03"), [], None, dt.date(2026, 3, 1), 1)
    text = format_profile(profile)
    assert json.loads(text) == profile
    assert '    {"date": "2026-03-03", "hour": 10, "inquiries": 5}\n' in text


# ------------------------------------------------------------------ reading a profile


@pytest.mark.parametrize(("data", "code", "field"), [
    (b"{not json", "invalid_json", None),
    (json.dumps({**small(), "surprise": 1}).encode(), "unknown_field", "surprise"),
    (json.dumps({**small(), "shrinkage": 0.15}).encode(), "invalid_type", "shrinkage"),
    (json.dumps({k: v for k, v in small().items() if k != "aht_s"}).encode(), "missing_field", "aht_s"),
    (json.dumps(small(history=[{"date": "2026-03-02", "hour": 24, "inquiries": 1}])).encode(),
     "out_of_range", "history[0].hour"),
])
def test_a_bad_profile_file_names_its_code_and_field(data: bytes, code: str, field: str | None) -> None:
    with pytest.raises(LedgerError) as caught:
        read_profile(data)
    assert (caught.value.code, caught.value.field) == (code, field)


# ------------------------------------------------------------------ the document


def test_nice_ceilings() -> None:
    assert [nice_ceiling(v) for v in (0, 0.4, 7, 12, 37.7, 100, 101)] == [1, 1, 10, 20, 50, 100, 200]


def test_the_document_is_self_contained_escaped_and_the_same_every_time() -> None:
    profile = decode(small())
    result = Q.quote(profile)
    heading = QuoteHeading("Q<1>", Merchant("M1", "<script>alert(1)</script>店", "tmall"),
                           dt.date(2026, 2, 10), dt.date(2026, 3, 12), "杭州某托管服务商", "issue_quote c1")
    page = render_quote(profile, result, heading)
    assert page == render_quote(profile, result, heading)
    assert "<script" not in page and "&lt;script&gt;" in page and "Q&lt;1&gt;" in page
    assert not re.search(r"<(img|link|iframe)|https?://(?!www\.w3\.org/2000/svg)", page)
    # the numbers shown are the result's own: both prices, the plan, the special days
    for text in ("¥36,726.19", "¥23,898.81", "86.9048", "春促", "2027-03-15", "天猫平台", "杭州某托管服务商"):
        assert text in page, text
    assert "DRAFT" not in page and "ISSUED" in page


def test_the_chart_has_a_bar_per_busy_hour_and_both_agent_lines() -> None:
    profile = decode(small())
    result = Q.quote(profile)
    svg = chart(result, profile)
    busy = sum(1 for f in result.forecast if f.inquiries != "0.0000")
    assert svg.count("<rect ") == busy == 5  # Mon 9, 10, 21; Tue 9; Sat 9
    assert svg.count("<path ") == 2
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "周一 Mon" in svg and "周日 Sun" in svg
    # a draft names no quote and says so
    page = render_quote(profile, result, QuoteHeading(source="p.json"))
    assert "DRAFT" in page and "p.json" in page


# ------------------------------------------------------------------ the sample files of docs/QUOTE.md


def test_the_committed_samples_are_what_the_script_writes() -> None:
    import importlib.util
    from pathlib import Path

    folder = Path(__file__).resolve().parents[2] / "examples" / "quote"
    spec = importlib.util.spec_from_file_location("make_quote_example", folder / "make_example.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert sorted(module.FILES) == ["yiyi-hourly.csv", "yiyi-profile.json"]
    for name, make in module.FILES.items():
        assert (folder / name).read_bytes() == make(), name
