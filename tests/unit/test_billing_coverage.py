"""Every statement line code of SPEC §5 is proved by a unit test in this folder."""

from __future__ import annotations

from schemas.types import LINE_CODES

from .given import covered


def test_line_codes_are_the_eleven_of_the_spec() -> None:
    assert LINE_CODES == ("base", "special_day", "commission", "fixed_fee", "extra_shifts",
                          "understaffing", "qa_penalty", "late_fee", "adjustment",
                          "breach_penalty", "correction")


def test_every_line_code_is_covered_by_a_billing_test() -> None:
    tags = covered("test_billing_")
    missing = [code for code in LINE_CODES if code not in tags]
    assert not missing, f"line codes without a @covers test: {missing}"
    assert set(tags) <= set(LINE_CODES), "a @covers tag names no line code"
