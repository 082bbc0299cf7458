"""Read numbers, with their units and character spans, out of Chinese and English text.

Handles Arabic numerals (with thousands commas, decimals, full-width digits), Chinese
numerals (二十, 三千, 一万一千四百九十一, 两千亿, 二点五, 三亿五千万), percentages (10%, 百分之二十,
5 percent, 五成, 两成, 三成五), percentage points (3pp, 3.5个百分点, 1.2pct, 25bp), money in any
currency `units` knows (3000亿元, 1.5万亿, 33亿美元, 500百万美元, RMB 300 billion, US$ 3bn,
$3 billion), counts of things (2110万台, 8.39万瓶, 一千万人), masses (2.5g, 60kg, 200mg, 9100吨, 1.2万吨), days
(疗程3-5天), per-unit values (197元/瓶, 1.2万元/台, 0.5平米/部, 10万片/月, 0.28万瓶/吨, 2.5g/瓶; doses per body
weight and day: 0.25g/kg/d, 200mg/kg体重, 0.4g/(kg·d)) and ranges ("5%-35%", "575亿–1149亿元", "575至1149亿元",
"1000-2000万台": a side without a unit takes the other side's). Spans are offsets into the
text as given, and cover the number with its unit.

The value is kept as written and the magnitude stays in the unit ("2110万台" is 2110 万台,
"33亿美元" is 33 亿美元), so a number prints the way the report wrote it. A Chinese numeral
ending in a magnitude reads the same way: "两千亿" is 2000 亿元, "一千万人" 1000 万人 and
"三亿五千万" 3.5 亿元 (the largest magnitude). Magnitudes that are not units of their own
fold into the value: "3千亿" is 3000 亿元.

A dose glued to a drug's Latin abbreviation (「IVIG0.25g/kg/d」) is read; other numbers glued to letters (5G, A15,
H1N1) are not. A lone 2-6 before a lower-case "g" and a network word (「5g手机」「4g/5g」) is a network generation, no mass.

"pct" after a number in Chinese text means percentage points, the way Chinese reports use it
("毛利率同比+3.3pct"); in English text ("rose 5 pct") it means percent.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from bot.errors import ToolError
from bot.tools.units import (
    COUNT_NOUNS, CURRENCIES, CURRENCY_BY_CODE, MASS_ALIASES, MASS_UNITS, NOUN_ALIASES, NOUN_NOT_BEFORE, PER_ALIASES, PER_ONLY_NOUNS,
    UNITS, ZH_MAGNITUDES, Currency, normalize_unit, Quantity, QuantityRange, ValueWithUnit, convertible, div, mul, tidy, to_decimal,
)

# One character to one character, so offsets in the normalized text are offsets in the input.
_FULLWIDTH = str.maketrans("０１２３４５６７８９．％－～／", "0123456789.%-~/")
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
              "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_D = "零〇一二两三四五六七八九"
_NUM_AR = r"(?<![A-Za-z0-9.])(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?"
_NUM_CN = rf"(?:[{_D}]|十)[{_D}十百千万亿]*(?:点[{_D}]+)?"
# A dose glued to a drug's Latin abbreviation (「IVIG0.25g/kg/d」): the one number read right after letters.
_NUM_DOSE = r"(?<![0-9.])(?<=[A-Za-z])\d+(?:\.\d+)?(?=[ \t]?(?:mg|g)/(?:kg|千克|公斤))"
_NOT_LATIN = r"(?![A-Za-z])"


def _alternation(words: Iterable[str]) -> str:
    """A regex alternative of the words, longest first (新台币 before 台币, 美元 before 元)."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


_ZH_CURRENCY = {w: c for c in CURRENCIES for w in (c.zh, *c.zh_aliases)}
_EN_CURRENCY = {w: c for c in CURRENCIES for w in c.en_aliases if w[-1].isalpha()}  # words, after a number
# Before a number: ISO codes and symbols ("RMB 300", "US$ 3bn", "$3 billion"), not words ("won", "yen").
_PRE_CURRENCY = {w: c for c in CURRENCIES for w in c.en_aliases if not w.isalpha() or w in (c.code.lower(), "rmb")}
_PRE_CURRENCY |= {w: c for w, c in _ZH_CURRENCY.items() if w != "元"}
_PRE_CURRENCY |= {"人民币": _ZH_CURRENCY["元"], "¥": _ZH_CURRENCY["元"], "￥": _ZH_CURRENCY["元"]}
_ZH_PRE = {"人民币", "¥", "￥", *(_ZH_CURRENCY)}  # a prefix after which the unit is written the Chinese way
# Money in currencies the tools do not know: skipped rather than read as yuan.
_OTHER_CURRENCY = r"新加坡元|加元|加币|卢布|卢比|美分|雷亚尔|法郎|林吉特|泰铢|越南盾|比索|里拉|兰特|新西兰元"
_NOUNS = {n: n for n in COUNT_NOUNS} | NOUN_ALIASES
_PER_WORDS = {k.lower(): v for k, v in
              ({n: n for n in (*COUNT_NOUNS, *PER_ONLY_NOUNS)} | NOUN_ALIASES | PER_ALIASES).items()
              if k.isascii() is False}  # (d, day: only after a mass, 「g/kg/d」)
_NOUN = "|".join(
    re.escape(w) + (f"(?!{NOUN_NOT_BEFORE[_NOUNS[w]]})" if _NOUNS[w] in NOUN_NOT_BEFORE else "")
    for w in sorted(_NOUNS, key=len, reverse=True))
_PER = _alternation(_PER_WORDS)
# A mass after a number or a slash. Latin spellings in lower case (or KG): 「5G」 is a network, 「2.5g」 a mass.
_MASS_ZH = "千克|公斤|毫克|克(?![隆服拉罗莱里])"
_MASS_LATIN = r"(?-i:kg|Kg|KG|mg|g)(?![A-Za-z])"
# A denominator: a mass, per day too (「g/kg/d」「mg/kg体重/天」「g/(kg·d)」), or a noun or time word (瓶, 年).
_PER_FULL = (rf"\((?:kg|千克|公斤)[·•*×](?:d|天|日)\)|(?:{_MASS_ZH}|吨|公吨|{_MASS_LATIN})(?:体重)?"
             rf"(?:/(?:天|日|d(?![A-Za-z])))?|{_PER}")
_MAG = r"(?:[十百千]?(?:万亿|亿|万)|千)"
_UNIT = (
    rf"(?P<pts>个?百分点|个?基点|\s?(?:percentage points?|basis points?|ppts?|pcts?|pp|bps?){_NOT_LATIN})"
    rf"|(?P<pct>%|‰|\s?(?:percent|per cent){_NOT_LATIN})"
    rf"|(?P<cmag>{_MAG})?(?P<cur>{_alternation(_ZH_CURRENCY)})(?:/(?P<cper>{_PER_FULL}))?"
    rf"|(?P<foreign>{_MAG}?(?:{_OTHER_CURRENCY}))"
    rf"|(?:(?P<tmag>{_MAG})?(?P<ton>吨|公吨)(?!位)|(?P<mass>{_MASS_ZH}|{_MASS_LATIN}))(?:/(?P<mper>{_PER_FULL}))?"
    rf"|(?P<days>天)(?![然猫津坛气下价量线际空文地使花堂山鹅赋才真宫窗马眼士涯平翼合齐娱神弘邦源禾图润风河顺威孚音晟融和安华赐])"
    rf"|(?P<nmag>{_MAG})?(?P<noun>{_NOUN})(?:/(?P<nper>{_PER_FULL}))?"
    r"|(?P<zhmag>" + _MAG + r")(?P<tunit>秒钟|秒|分钟|小时|页|年)?"
    rf"|\s?(?P<enmag>trillion|billion|million|thousand|tn|bn|mn){_NOT_LATIN}"
    rf"(?:\s?(?P<encur>{_alternation(_EN_CURRENCY)}){_NOT_LATIN})?"
    r"|(?P<zhunit>秒钟|秒|分钟|个小时|小时|页|年)"
    rf"|\s?(?P<enunit>{_alternation(_EN_CURRENCY)}|seconds?|minutes?|hours?|pages?|years?){_NOT_LATIN}"
    r"|(?P<cheng>成)(?![本为员功果熟长立交就效品不])(?P<chengd>[一二三四五六七八九](?![十百千万亿点成年月日个]))?"
)
_TOKEN = re.compile(
    rf"(?P<pre>百分之|(?<![A-Za-z])(?:{_alternation(_PRE_CURRENCY)})[ \t]?|(?:{_OTHER_CURRENCY})[ \t]?)?"
    rf"(?P<num>{_NUM_AR}|{_NUM_CN}|{_NUM_DOSE})"
    rf"(?:[ \t]?(?:{_UNIT}))?",
    re.IGNORECASE,
)
# Dates and clock times are not quantities; their digits are skipped.
_DATE = re.compile(r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}:\d{2}(?::\d{2})?")
_RANGE_SEP = re.compile(r"[ \t]*(?:-|–|—|~|〜|至|到|to)[ \t]*", re.IGNORECASE)  # never across lines
# After a bare 万/亿 these make the number a plain count (10万倍, 10万个月), not money.
_COUNTERS = set("人次个家户部条台辆张篇件名字位款项种倍")
_TIME_UNITS = {"秒钟": "秒", "秒": "秒", "分钟": "分钟", "个小时": "小时", "小时": "小时", "页": "页", "年": "年"}
_EN_UNITS = {"second": "秒", "minute": "分钟", "hour": "小时", "page": "页", "year": "年"}
# Magnitudes written after a number that are no unit of their own: 3千亿 = 3000亿, 1十万亿 = 10万亿.
_FOLD = ("百亿", "千亿")
_CJK = re.compile(r"[\u4e00-\u9fff]")
# After 「5g」: a network generation, not five grams.
_NETWORK = re.compile(r"\s*(?:手机|基站|网络|时代|用户|终端|通信|商用|建设|芯片|模组|渗透|换机|应用|产业|技术|频段|套餐|信号|设备|"
                      r"牌照|标准|覆盖|[+＋/、和与及]|[A-Za-z]|$)")


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


@dataclass(frozen=True)
class _Tok:
    span: NumberSpan
    bare: str = ""  # the magnitude when the unit is yuan only because a bare 万/亿 defaults to it


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


def _cn_value(num: str) -> tuple[Decimal, str]:
    """A Chinese numeral's value and magnitude: "两千亿" → (2000, "亿"), "一千万" → (1000, "万"),
    "三亿五千万" → (3.5, "亿"), "二十" → (20, "")."""
    if "点" not in num:
        for mag in ("万亿", "亿", "万"):
            if num.endswith(mag) and len(num) > len(mag):
                top = "亿" if mag == "万" and "亿" in num[:-1] else mag
                value, _ = div(chinese_to_decimal(num), Decimal(10) ** ZH_MAGNITUDES[top])  # exact: a power of ten
                return tidy(value), top
    return chinese_to_decimal(num), ""


def _fold(value: Decimal, mag: str) -> tuple[Decimal, str]:
    """Keep a magnitude that is a unit (万, 百万, 亿, 十亿); fold 百亿/千亿/十万亿 into the value."""
    if mag and (mag in _FOLD or mag not in ZH_MAGNITUDES):
        return mul(value, Decimal(_CN_UNITS[mag[0]])), mag[1:]
    return value, mag


def _scale(value: Decimal, mag: str) -> Decimal:
    return tidy(mul(value, Decimal(10) ** ZH_MAGNITUDES[mag])) if mag else value


def _chinese_context(text: str, start: int, end: int) -> bool:
    return bool(_CJK.search(text[max(0, start - 8):start]) or _CJK.search(text[end:end + 2]))


def _currency_unit(cur: Currency, mag: str, zh: bool) -> str:
    return mag + cur.zh if zh else cur.en


def _read(m: re.Match[str], text: str) -> _Tok | None:
    """One token match → a number; None for money in a currency the tools do not know."""
    g = m.groupdict()
    if g["foreign"]:
        return None
    pre = (g["pre"] or "").strip()
    pre_cur = None
    if pre and pre != "百分之":
        pre_cur = _PRE_CURRENCY.get(pre.lower()) or _PRE_CURRENCY.get(pre)
        if pre_cur is None:
            return None  # a currency the tools do not know
    num = g["num"]
    if num[0] in _CN_DIGITS or num[0] == "十":
        value, mag = _cn_value(num)
    else:
        value, mag = Decimal(num.replace(",", "")), ""
    value, mag = _fold(value, mag or g["cmag"] or g["nmag"] or g["tmag"] or g["zhmag"] or "")
    end = m.end()
    if g["pts"]:
        word = g["pts"].strip().lower()
        if word == "pct" and not _chinese_context(text, m.start(), end):
            return _tok(_scale(value, mag), "%", m, text)  # "rose 5 pct": percent, in English
        unit = "bp" if word.startswith("b") or "基点" in word else "pp"
        return _tok(_scale(value, mag), unit, m, text)
    if g["pct"] or pre == "百分之" or g["cheng"]:
        if g["cheng"]:  # 三成 = 30%, 三成五 = 35%
            value = mul(value, Decimal(10)) + (_CN_DIGITS[g["chengd"]] if g["chengd"] else 0)
        return _tok(_scale(value, mag), "‰" if g["pct"] == "‰" else "%", m, text)
    if g["cur"]:
        cur = _ZH_CURRENCY[g["cur"]]
        if pre_cur is not None and pre_cur is not cur:
            return None  # "$3亿元": two currencies, no reading is safe
        return _per_unit_tok(value, _currency_unit(cur, mag, True), g["cper"], m, text, m.end("cur"))
    if g["ton"] or g["mass"]:
        if pre_cur is not None:
            return None  # "$3吨"?: no reading is safe
        if g["ton"]:
            unit = mag + "吨"
        else:
            word = g["mass"]
            unit = MASS_ALIASES.get(word) or word.lower()
            value = _scale(value, mag)
            if unit == "g" and not g["mper"] and num in ("2", "3", "4", "5", "6") and _NETWORK.match(text, m.end()):
                return _tok(value, "", m, text, m.end("num"))  # 「5g手机」: a network generation
        return _per_unit_tok(value, unit, g["mper"], m, text, m.end("ton") if g["ton"] else m.end("mass"))
    if g["days"]:
        if value > 3650 or value != value.to_integral_value():
            return _tok(_scale(value, mag), "", m, text, m.end("num"))  # a code or a ticker before a name
        return _tok(_scale(value, mag), "天", m, text)
    if g["noun"]:
        if pre_cur is not None:  # "$3亿部"?: the money is what is marked
            return _tok(value, _currency_unit(pre_cur, mag, True), m, text, m.start("noun"))
        if (m.start() > 0 and text[m.start() - 1] == "第") or num == "一":
            # 第3部, 第一名: an ordinal; 一个, 一家, 一种: an article more often than a count
            return _tok(_scale(value, mag), "", m, text, m.end("num"))
        return _per_unit_tok(value, mag + _NOUNS[g["noun"]], g["nper"], m, text, m.end("noun"))
    if g["zhmag"]:
        if g["tunit"]:  # 一万秒, 3万年: the magnitude folds into the value
            return _tok(_scale(value, mag), _TIME_UNITS[g["tunit"]], m, text)
        if pre_cur is None and text.startswith("人民币", end):  # 179亿人民币: yuan, the word after the number
            return _tok(value, _currency_unit(_ZH_CURRENCY["元"], mag, True), m, text, end + 3)
        if pre_cur is None and (text[end:end + 1] in _COUNTERS or mag == "千"):
            return _tok(_scale(value, mag), "", m, text)  # 10万倍, 5千: a plain number
        cur = pre_cur or _ZH_CURRENCY["元"]
        return _tok(value, _currency_unit(cur, mag, True), m, text, bare="" if pre_cur else mag)
    if g["enmag"]:
        word = g["enmag"].strip().lower()
        cur = _EN_CURRENCY[g["encur"].lower()] if g["encur"] else None
        if pre_cur is not None and cur is not None and pre_cur is not cur:
            return None
        big = {"tn": "trillion", "bn": "billion", "mn": "million"}.get(word, word)
        bare = "" if cur or pre_cur else big
        cur = cur or pre_cur or _ZH_CURRENCY["元"]
        return _tok(_scale(value, mag), f"{big} {cur.en}", m, text, bare=bare)
    if g["zhunit"]:
        return _tok(_scale(value, mag), _TIME_UNITS[g["zhunit"]], m, text)
    if g["enunit"]:
        word = g["enunit"].strip().lower()
        if word in _EN_CURRENCY:
            cur = _EN_CURRENCY[word]
            if pre_cur is not None and pre_cur is not cur:
                return None
            return _tok(_scale(value, mag), cur.en, m, text)
        return _tok(_scale(value, mag), _EN_UNITS[word.rstrip("s")], m, text)
    if pre_cur is not None:
        return _tok(value, _currency_unit(pre_cur, mag, pre in _ZH_PRE or bool(mag)), m, text)
    if mag:  # a Chinese numeral ending in a magnitude: 两千亿 (money), 十万人 is handled above
        if text[end:end + 1] in _COUNTERS:
            return _tok(_scale(value, mag), "", m, text)
        return _tok(value, mag + "元", m, text, bare=mag)
    return _tok(value, "", m, text)


def _per_unit_tok(value: Decimal, unit: str, per: str | None, m: re.Match[str], text: str, top_end: int) -> _Tok:
    """`unit` per `per` (197元/瓶), or — when the pair is no unit, 「3次/次」 — the number in its own unit, the
    「/次」 left as text."""
    if not per:
        return _tok(value, unit, m, text)
    try:
        full = normalize_unit(f"{unit}/{per}")
        UNITS[full]
    except (KeyError, ToolError):
        return _tok(value, unit, m, text, top_end)
    return _tok(value, full, m, text)


def _tok(value: Decimal, unit: str, m: re.Match[str], text: str, end: int | None = None, bare: str = "") -> _Tok:
    end = m.end() if end is None else end
    return _Tok(NumberSpan(value, unit, m.start(), end, text[m.start():end]), bare)


def _merge(a: _Tok, b: _Tok, text: str) -> NumberSpan | None:
    """Two numbers joined by a range separator → one range, or None if they are not one."""
    x, y = a.span, b.span
    if not _RANGE_SEP.fullmatch(text[x.end:y.start]):
        return None
    if text[x.end:y.start].strip().lower() == "to" and x.unit == y.unit == "":
        return None
    low_unit, borrowed = x.unit, False
    info = UNITS[y.unit]
    if a.bare and info.magnitude != "" and info.style == "zh" and not info.per:
        low_unit = a.bare + info.base  # "1000万-2000万台", "5亿至10亿美元": the bare 万 is not yuan
    low_info = UNITS[x.unit] if x.unit else None
    if b.bare and low_info and low_info.currency and low_info.magnitude == "" and not low_info.per:
        # "$5-10 billion", "$5-10亿": the currency before the low end, the magnitude after the high (not yuan)
        cur = CURRENCY_BY_CODE[low_info.currency]
        unit = f"{b.bare} {cur.en}" if info.style == "en" else _currency_unit(cur, b.bare, True)
        y = NumberSpan(y.value, unit, y.start, y.end, y.text)
        info, low_unit = UNITS[y.unit], y.unit
    if low_info and x.text[-1:].isdigit() and low_info.magnitude == "" and not low_info.per \
            and info.magnitude != "" and not info.per and (low_info.currency or low_info.base) == (info.currency or info.base):
        low_unit = y.unit  # 「人民币2.5-3亿元」, "$5至10亿美元": the currency before the low end, the magnitude after the high
    if x.unit == "" and y.unit != "":
        low_unit, borrowed = y.unit, True  # "575至1149亿元", "5-35%"
    elif y.unit == "" and x.unit != "":
        y = NumberSpan(y.value, x.unit, y.start, y.end, y.text)
    try:
        if not convertible(low_unit, y.unit) or UNITS[low_unit].dimension is not UNITS[y.unit].dimension:
            return None
        low = Quantity(x.value, low_unit).to(y.unit).value
    except (ToolError, KeyError):
        return None
    if low > y.value:
        return None
    return NumberSpan(low, y.unit, x.start, y.end, text[x.start:y.end], y.value, not borrowed)


def find_numbers(text: str) -> list[NumberSpan]:
    """Every number in `text`, in order, with ranges merged into one span.

    Dates (2024-02-23) and clock times are skipped; so is money in a currency the tools do
    not know (卢布, 加元). `text[n.start:n.end] == n.text` for every number found.
    """
    norm = text.translate(_FULLWIDTH)
    masked = [(d.start(), d.end()) for d in _DATE.finditer(norm)]
    toks: list[_Tok] = []
    k = 0
    for m in _TOKEN.finditer(norm):
        while k < len(masked) and masked[k][1] <= m.start():
            k += 1
        if k < len(masked) and masked[k][0] <= m.start():
            continue
        t = _read(m, norm)
        if t is not None:
            toks.append(t)
    out: list[NumberSpan] = []
    i = 0
    while i < len(toks):
        merged = _merge(toks[i], toks[i + 1], norm) if i + 1 < len(toks) else None
        if merged is not None:
            out.append(NumberSpan(merged.value, merged.unit, merged.start, merged.end,
                                  text[merged.start:merged.end], merged.high, merged.explicit_unit))
            i += 2
            continue
        out.append(_signed(toks[i].span, norm, text))
        i += 1
    return out


def _signed(s: NumberSpan, norm: str, text: str) -> NumberSpan:
    """A '-' right before a number is a minus sign only where it cannot be a hyphen or dash:
    after a space, an opening bracket, a colon, 为/是, or a Chinese word ("同比-0.4pct")."""
    before = norm[s.start - 2] if s.start >= 2 else ""
    if s.start >= 1 and norm[s.start - 1] in "-−" and (
        s.start == 1 or before in " \t\n(（:：=为是，," or _CJK.match(before)
    ):
        return NumberSpan(-s.value, s.unit, s.start - 1, s.end, text[s.start - 1:s.end])
    return NumberSpan(s.value, s.unit, s.start, s.end, text[s.start:s.end], s.high, s.explicit_unit)


def parse_value(s: str) -> Quantity | QuantityRange:
    """Read a whole string as one quantity or range: "3000亿元", "10%", "0.1", "5%-35%", "2110万台".

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
