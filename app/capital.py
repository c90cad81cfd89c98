"""Amounts in Chinese capital figures (人民币大写), for statements people sign.

``capital(fen)`` turns integer fen into the form written on Chinese bank
vouchers, e.g. 1234567 -> 壹万贰仟叁佰肆拾伍元陆角柒分. The conventions follow
the People's Bank rules for filling in bills and vouchers (《正确填写票据和结算
凭证的基本规定》), choosing one form wherever those rules allow two:

- Digits 零壹贰叁肆伍陆柒捌玖, units 拾佰仟 inside a four-digit section, and
  the sections 万, 亿, 万亿. A leading ten is written 壹拾 (1000 fen ->
  壹拾元整), as banks require, never a bare 拾.
- 零: every run of zeros that stands between two non-zero digits is written as
  one 零, also across sections and across 元: 100,001.01 -> 壹拾万零壹元零壹分,
  107,000.53 -> 壹拾万零柒仟元零伍角叁分, 1,680.32 -> 壹仟陆佰捌拾元零叁角贰分.
  The rules make the 零 optional where the ten-thousands or the yuan digit is
  zero and the next digit is not; we always write it (one rule, no exceptions).
  Zeros at the end of a section or of the amount are never written
  (1,000,000,000.00 -> 壹拾亿元整).
- 整: written after 元 when there are no jiao and no fen (壹拾元整). An amount
  ending in 角 gets no 整 (1,409.50 -> 壹仟肆佰零玖元伍角, the rules' own
  example; they allow either), and an amount with 分 never does.
- Amounts under one yuan have no 元 part: 5 fen -> 伍分, 50 fen -> 伍角; zero is
  零元整.
- Negative amounts (a credit to the merchant) are prefixed 负:
  -1234567 -> 负壹万贰仟叁佰肆拾伍元陆角柒分.

Amounts of 10**16 yuan and more (past 万亿) raise ``ValueError``.
"""

from __future__ import annotations

DIGITS = "零壹贰叁肆伍陆柒捌玖"
_PLACES = ("仟", "佰", "拾", "")
_SECTIONS = ("万亿", "亿", "万", "")
_LIMIT = 10 ** (4 * len(_SECTIONS))  # in yuan


def capital(fen: int) -> str:
    """Integer fen as Chinese capital figures (see the module docstring)."""
    if isinstance(fen, bool) or not isinstance(fen, int):
        raise TypeError(f"capital() takes integer fen, not {type(fen).__name__}")
    if fen < 0:
        return "负" + capital(-fen)
    yuan, cents = divmod(fen, 100)
    jiao, fen_digit = divmod(cents, 10)
    if yuan >= _LIMIT:
        raise ValueError(f"amount too large for capital figures: {fen} fen")
    if fen == 0:
        return "零元整"
    digits = f"{yuan:0{4 * len(_SECTIONS)}d}"
    out: list[str] = []
    pending_zero = False  # a zero seen after a written digit, not yet written
    for s, section in enumerate(_SECTIONS if yuan else ()):
        chunk = digits[4 * s:4 * s + 4]
        written = False
        for place, ch in zip(_PLACES, chunk, strict=True):
            if ch == "0":
                pending_zero = pending_zero or bool(out)
                continue
            if pending_zero:
                out.append("零")
                pending_zero = False
            out.append(DIGITS[int(ch)] + place)
            written = True
        if written:
            out.append(section)
    if yuan:
        out.append("元")
        # The yuan digit or any digit before it may leave a zero pending; it is
        # written only when a non-zero jiao or fen follows.
    if jiao:
        if pending_zero:
            out.append("零")
            pending_zero = False
        out.append(DIGITS[jiao] + "角")
    elif fen_digit and yuan:
        pending_zero = True
    if fen_digit:
        if pending_zero:
            out.append("零")
        out.append(DIGITS[fen_digit] + "分")
    if not jiao and not fen_digit:
        out.append("整")
    return "".join(out)
