"""Read numbers, with their units and character spans, out of Chinese and English text.

Handles Arabic numerals (with thousands commas, decimals, full-width digits), Chinese
numerals (二十, 三千, 一万一千四百九十一, 两千亿, 二点五), percentages (10%, 百分之二十,
5 percent, 五成), money magnitudes (3000亿元, 1.5万亿, RMB 300 billion) and ranges
("5%-35%", "5%至35%", "575亿–1149亿元", "575至1149亿元": a side without a unit takes
the other side's). Spans are offsets into the text as given.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from bot.errors import ToolError
from bot.tools.units import UNITS, Quantity, QuantityRange, ValueWithUnit, mul, tidy, to_decimal

# One character to one character, so offsets in the normalized text are offsets in the input.
_FULLWIDTH = str.maketrans("０１２３４５６７８９．％－～", "0123456789.%-~")
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
              "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_D = "零〇一二两三四五六七八九"
_NUM_AR = r"(?<![A-Za-z0-9.])(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?"
_NUM_CN = rf"(?:[{_D}]|十)[{_D}十百千万亿]*(?:点[{_D}]+)?"
_FOREIGN = r"美元|美金|港元|港币|欧元|日元|英镑|韩元|USD|HKD|EUR|US\$|\$"
_UNIT = (
    r"(?P<foreign>[十百千]?(?:万亿|亿|万)?(?:" + _FOREIGN + r"))"
    r"|(?P<zhmag>[十百千]?(?:万亿|亿|万))(?P<yuan>元)?"
    r"|(?P<pct>%|‰|\s?(?:percent|per cent|pct)\b)"
    r"|\s?(?P<enmag>trillion|billion|million|thousand|tn|bn|mn)\b(?:\s?(?:yuan|rmb|cny)\b)?"
    r"|(?P<zhunit>元|秒钟|秒|分钟|小时|页|年)"
    r"|\s?(?P<enunit>yuan|rmb|cny|seconds?|minutes?|hours?|pages?|years?)\b"
    r"|(?P<cheng>成)(?![本为员功果熟长立交就效品不])"
)
_TOKEN = re.compile(
    rf"(?P<pre>百分之|(?:RMB|CNY|人民币|¥|￥)[ \t]?|(?:{_FOREIGN})[ \t]?)?"
    rf"(?P<num>{_NUM_AR}|{_NUM_CN})"
    rf"(?:[ \t]?(?:{_UNIT}))?",
    re.IGNORECASE,
)
# Dates and clock times are not quantities; their digits are skipped.
_DATE = re.compile(r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}:\d{2}(?::\d{2})?")
_RANGE_SEP = re.compile(r"[ \t]*(?:-|–|—|~|〜|至|到|to)[ \t]*", re.IGNORECASE)  # never across lines
# After a bare 万/亿 these words make the number a count (10万人), not money.
_COUNTERS = set("人次个家户部条台辆张篇件名字位款项种倍")
_MAGNITUDE = {"万": Decimal(10**4), "亿": Decimal(10**8), "万亿": Decimal(10**12)}
_OK_PREFIXES = ("百分之", "RMB", "CNY", "人民币", "¥", "￥")
_ZH_UNITS = {"元": "元", "秒钟": "秒", "秒": "秒", "分钟": "分钟", "小时": "小时", "页": "页", "年": "年"}
_EN_MAG = {"trillion": "trillion", "tn": "trillion", "billion": "billion", "bn": "billion",
           "million": "million", "mn": "million", "thousand": "thousand"}


@dataclass(frozen=True)
class NumberSpan(ValueWithUnit):
    """A number found in text: value (the low end for a range), canonical unit and span."""

    value: Decimal
    unit: str  # canonical unit name, "" for a plain number
    start: int
    end: int
    text: str  # exactly the input text[start:end]
    high: Decimal | None = None  # set for ranges
    explicit_unit: bool = True  # False when a range side borrowed the other side's unit



def chinese_to_decimal(s: str) -> Decimal:
    """Value of a Chinese numeral: "一万一千四百九十一" → 11491, "二点五" → 2.5, "二〇二二" → 2022.

    Raises:
        ToolError: s contains a character that is not a Chinese numeral.
    """
    if not s or any(c not in _CN_DIGITS and c not in "十百千万亿点" for c in s):
        raise ToolError(f"{s!r} is not a Chinese numeral (中文数字).")
    if "点" in s:
        whole, _, frac = s.partition("点")
        if not frac or any(c not in _CN_DIGITS for c in frac):
            raise ToolError(f"{s!r} is not a Chinese numeral (中文数字).")
        return (chinese_to_decimal(whole) if whole else Decimal(0)) + Decimal(
            "0." + "".join(str(_CN_DIGITS[c]) for c in frac))
    if len(s) > 1 and all(c in _CN_DIGITS and c != "两" for c in s):
        return Decimal("".join(str(_CN_DIGITS[c]) for c in s))  # digit by digit, as in years
    total = section = num = 0
    for c in s:
        if c in _CN_DIGITS:
            num = _CN_DIGITS[c]
        elif c in _CN_UNITS:
            section += (num or 1) * _CN_UNITS[c]
            num = 0
        elif c == "万":
            total += (section + num or 1) * 10**4
            section = num = 0
        else:  # 亿
            total = (total + section + num or 1) * 10**8
            section = num = 0
    return Decimal(total + section + num)


def _split_cn_magnitude(num: str) -> tuple[str, str]:
    """"两千亿" → ("两千", "亿"): a trailing 万/亿/万亿 is the unit, as after Arabic digits."""
    for mag in ("万亿", "亿", "万"):
        if num.endswith(mag) and len(num) > len(mag):
            return num[: -len(mag)], mag
    return num, ""


def _read(m: re.Match[str], text: str) -> NumberSpan | None:
    """One token match → NumberSpan; None for money in a currency the tools do not handle."""
    g = m.groupdict()
    pre = (g["pre"] or "").strip().upper()
    if g["foreign"] or (pre and pre not in _OK_PREFIXES):
        return None
    num, mag = g["num"], g["zhmag"] or ""
    if num[0] in _CN_DIGITS or num[0] == "十":
        num, cn_mag = _split_cn_magnitude(num)
        value = chinese_to_decimal(num)
        mag = cn_mag or mag
    else:
        value = Decimal(num.replace(",", ""))
    if mag and mag[0] in _CN_UNITS:  # "3千亿" = 3000亿
        value, mag = mul(value, Decimal(_CN_UNITS[mag[0]])), mag[1:]
    end = m.end()
    zhunit = g["zhunit"]
    if g["pct"] or pre == "百分之" or g["cheng"]:
        unit = "‰" if g["pct"] == "‰" else "%"
        value = mul(value, Decimal(10) if g["cheng"] else Decimal(1), _MAGNITUDE.get(mag, Decimal(1)))
    elif mag and (zhunit is None or zhunit == "元"):
        if not g["yuan"] and zhunit is None and text[end:end + 1] in _COUNTERS:
            return _span(tidy(mul(value, _MAGNITUDE[mag])), "", m, text)  # 10万人: a count
        unit = mag + "元"
    elif zhunit:  # also "一万秒": the magnitude folds into the value
        unit, value = _ZH_UNITS[zhunit], mul(value, _MAGNITUDE.get(mag, Decimal(1)))
    elif g["enmag"]:
        unit = f"{_EN_MAG[g['enmag'].lower()]} yuan"
    elif g["enunit"]:
        word = g["enunit"].lower().rstrip("s") or "s"
        unit = {"yuan": "yuan", "rmb": "yuan", "cny": "yuan", "second": "秒", "minute": "分钟",
                "hour": "小时", "page": "页", "year": "年"}[word]
    elif pre in ("RMB", "CNY"):
        unit = "yuan"
    elif pre:  # 人民币, ¥
        unit = "元"
    else:
        unit = ""
    return _span(value, unit, m, text, end)


def _span(value: Decimal, unit: str, m: re.Match[str], text: str, end: int | None = None) -> NumberSpan:
    end = m.end() if end is None else end
    return NumberSpan(value, unit, m.start(), end, text[m.start():end])


def _merge(a: NumberSpan, b: NumberSpan, text: str) -> NumberSpan | None:
    """Two numbers joined by a range separator → one range, or None if they are not one."""
    if not _RANGE_SEP.fullmatch(text[a.end:b.start]):
        return None
    if text[a.end:b.start].strip().lower() == "to" and a.unit == b.unit == "":
        return None
    low_unit, borrowed = a.unit, False
    if a.unit == "" and b.unit != "":
        low_unit, borrowed = b.unit, True  # "575至1149亿元", "5-35%"
    elif b.unit == "" and a.unit != "":
        b = NumberSpan(b.value, a.unit, b.start, b.end, b.text)
    if UNITS[low_unit].dimension is not UNITS[b.unit].dimension:
        return None
    low = Quantity(a.value, low_unit).to(b.unit).value
    if low > b.value:
        return None
    return NumberSpan(low, b.unit, a.start, b.end, text[a.start:b.end], b.value, not borrowed)


def find_numbers(text: str) -> list[NumberSpan]:
    """Every number in `text`, in order, with ranges merged into one span.

    Dates (2024-02-23) and clock times are skipped; money quoted in a foreign currency
    (亿美元, $) is skipped because no exchange rate is assumed.
    """
    norm = text.translate(_FULLWIDTH)
    masked = [range(d.start(), d.end()) for d in _DATE.finditer(norm)]
    spans: list[NumberSpan] = []
    for m in _TOKEN.finditer(norm):
        if any(m.start() in r for r in masked):
            continue
        s = _read(m, norm)
        if s is not None:
            spans.append(NumberSpan(s.value, s.unit, s.start, s.end, text[s.start:s.end]))
    out: list[NumberSpan] = []
    i = 0
    while i < len(spans):
        merged = _merge(spans[i], spans[i + 1], norm) if i + 1 < len(spans) else None
        if merged is not None:
            out.append(NumberSpan(merged.value, merged.unit, merged.start, merged.end,
                                  text[merged.start:merged.end], merged.high, merged.explicit_unit))
            i += 2
            continue
        out.append(_signed(spans[i], norm, text))
        i += 1
    return out


def _signed(s: NumberSpan, norm: str, text: str) -> NumberSpan:
    """A '-' right before a number is a minus sign only where it cannot be a hyphen or dash."""
    if s.start >= 1 and norm[s.start - 1] in "-−" and (
        s.start == 1 or norm[s.start - 2] in " \t\n(（:：=为是，,"
    ):
        return NumberSpan(-s.value, s.unit, s.start - 1, s.end, text[s.start - 1:s.end])
    return s


def parse_value(s: str) -> Quantity | QuantityRange:
    """Read a whole string as one quantity or range: "3000亿元", "10%", "0.1", "5%-35%".

    Raises:
        ToolError: the string is not exactly one number (with an optional unit).
    """
    if not isinstance(s, str):
        raise ToolError(f"Expected text such as '3000亿元' or '10%', got {type(s).__name__}.")
    stripped = s.strip()
    found = find_numbers(stripped)
    if len(found) != 1 or found[0].start != 0 or found[0].end != len(stripped):
        raise ToolError(f"Cannot read {s!r} as one quantity (数值); write e.g. '3000亿元', '10%' or '0.1'.")
    to_decimal(str(found[0].value))  # range and digit checks, as for any input
    if found[0].high is not None:
        to_decimal(str(found[0].high))
    return found[0].quantity()


def parse_quantity(s: str) -> Quantity:
    """Like `parse_value` but a range is an error."""
    q = parse_value(s)
    if isinstance(q, QuantityRange):
        raise ToolError(f"Expected a single value, got the range {s!r}.")
    return q
