"""Estimates a report makes: a figure it derives from inputs it states, found in its text.

Research reports size markets with small formulas written as prose ("假设渗透率为5%…则市场规模为80亿元",
"出货量×单机用量×单价"). `detect_estimates(text)` finds such passages in any report and keeps each as data:
the result as stated, the inputs as the report words them (value or range, unit, exact quote and offsets)
and the operation. Nothing here knows a report, a market or a company: the cues are the words reports use
to derive a figure, and an estimate is kept only when its inputs, multiplied, come near the stated result
or when the passage says in so many words that it derives it (假设/若/按…测算/则).
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from itertools import combinations
from typing import Any

from bot.errors import ToolError
from bot.tools.numbers import NumberSpan, find_numbers
from bot.text import number_density
from bot.tools.figures import SENTENCE_END, words_after, words_before
from bot.tools.units import UNITS, Dimension, mul, per_keys, unit_info, unit_like
from bot.tools.written_formulas import Operand, WrittenFormula, find_formulas

OPERATIONS = ("product", "product_of_sum", "quantity_x_price", "ratio")


@dataclass(frozen=True)
class Term:
    """A number the report states: an input of an estimate or its result."""

    name: str  # as the report words it: "渗透率", "手机出货量", "市场规模"
    value: Decimal  # the low end for a range
    unit: str  # canonical unit ("亿元", "%", "万台", "元/平米"); "" for a plain number
    quote: str  # the sentence holding the number, verbatim
    quote_start: int  # offsets of the quote in the text given to detect_estimates
    quote_end: int
    start: int  # offsets of the number itself
    end: int
    high: Decimal | None = None  # the high end of a range ("5%-35%")
    period: str = ""  # "2025年", "2019-2022E": the time the figure is for, as written
    chunk_id: str = ""  # the chunk holding the quote, once the report is chunked

    @property
    def text(self) -> str:
        return self.quote[self.start - self.quote_start:self.end - self.quote_start]


@dataclass(frozen=True)
class Derivation:
    """One estimate of a report: result = operation(inputs), as the report states it."""

    id: str  # "<doc_id>#<n>", stable for one ingest of the report
    doc_id: str
    subject: str  # what the result measures, as worded ("石墨膜市场规模")
    result: Term
    inputs: tuple[Term, ...]
    operation: str  # one of OPERATIONS
    start: int  # the passage: from the first input's sentence to the result's
    end: int
    summed: tuple[int, ...] = ()  # product_of_sum: the inputs added together before multiplying
    # product_of_sum written as a sum of products (4G出货量 × ASP + 5G出货量 × ASP): each term's inputs (indices),
    # multiplied, then the terms added; an input in several terms is a common factor. Set, it replaces `summed`.
    terms: tuple[tuple[int, ...], ...] = ()
    complements: tuple[int, ...] = ()  # inputs that enter as (1 − x): a price 30% lower is × (1 − 30%)
    cue: str = ""  # the derivation word that marked the passage ("假设", "测算", "则"), "" if found by arithmetic
    chunk_id: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for t in [d["result"], *d["inputs"]]:
            t["value"] = str(t["value"])
            t["high"] = None if t["high"] is None else str(t["high"])
        return d

    @staticmethod
    def from_dict(d: dict[str, Any]) -> "Derivation":
        def term(t: dict[str, Any]) -> Term:
            return Term(**{**t, "value": Decimal(t["value"]), "high": None if t["high"] is None else Decimal(t["high"])})
        return Derivation(**{**d, "result": term(d["result"]), "inputs": tuple(term(t) for t in d["inputs"]),
                              "summed": tuple(d.get("summed", ())),
                              "terms": tuple(tuple(t) for t in d.get("terms", ())),
                              "complements": tuple(d.get("complements", ()))})


# --- reading the passage ---------------------------------------------------------------------------------------
WINDOW_SENTENCES = 4  # a result's inputs sit in its own sentence or the few before it
WINDOW_CHARS = 480
MAX_CANDIDATES = 9  # the nearest inputs tried; subsets of 2..MAX_FACTORS of them
MAX_FACTORS = 4
CUE_REACH = 40  # a result's derivation word is at most this far before it
CLAUSE = 24  # a basis clause (按…测算) reaches this far past the number it holds
TOLERANCE = Decimal("0.015")  # a product within 1.5% of the stated result (reports round inputs and results)
RANGE_TOLERANCE = Decimal("0.03")
ROUNDED_TOLERANCE = Decimal("0.05")
LOOSE_ERROR = 0  # (in 0.5% steps) the arithmetic a result far from its derivation word must meet

# Words that derive a figure. A result follows one of them in its sentence; an estimate stated without arithmetic
# that agrees ("假设…则…") needs one of the strong ones.
RESULT_CUE = re.compile(r"则|那么|对应|测算|估算|推算|推测|计算|算得|得出|得到|可得|由此|即|乘以|×|相当于|折合|=|＝")
# A share a report works out (「25万瓶…对应占比约为9.5%」): a ratio after one of these, from two stated amounts.
RATIO_CUE = re.compile(r"对应|即|则|测算|计算|推算|估算|=|＝")
_SHARE_IN_BRACKETS = re.compile(r"\d\s*[^\d\s，。；,;（()）]{0,3}[（(]\s*(?:占比|占)\s*$")  # 「注射剂品种30个（占比50%）」
# A result with the share of a base it is, in brackets after it: 「1200万人的使用需求（接种者数量的40%）」
_SHARE_OF_AFTER = re.compile(r"[^，。；,;（()）\d]{0,16}[（(][^，。；,;（()）\d]{1,16}的\s*(?=\d+(?:\.\d+)?\s*[%％]\s*[）)])")
_RATIO_INPUTS = re.compile(r"[（(]\s*[^（()）]{0,20}[/÷][^（()）]{0,20}[）)]")  # 「12.5%（200万/1600万）」
SUM_CUE = re.compile(r"合计|共计|总计|总共|加总|整体|总规模|总市场|全部|共")
PASSAGE_CUE = re.compile(r"测算|估算|推算|假设|假定|计算")
# Words that only announce a figure: a result after one of them needs an assumption (STRONG_CUE) before it.
WEAK_CUE = re.compile(r"预计|预测|预估|有望|将达|达到|可达|约为|规模为|空间为|空间约")
# (以上, 以下, 以来…: 「根据以上测算」 refers back to the figures above; it takes no number as its basis)
STRONG_CUE = re.compile(r"假设|假定|若|如果|取(?=\d)|按照?[^，。；]{0,24}(?:测算|计算|估算|假设)"
                        r"|以(?![上下来及后前内外])[^，。；]{0,24}(?:测算|计算|估算)")
# A percentage that is a change, not a share of something: it does not multiply a base.
_CHANGE = re.compile(r"(?:同比|环比|增长|增速|增幅|下降|下滑|降幅|涨幅|复合|CAGR|提升|提高|上升|减少)[^，。；%]{0,4}$", re.I)
_BASIS_AFTER = re.compile(r"[^，。；,;]{0,6}?(?:测算|计算|估算|为基础|为基准|计)")  # "以170元/瓶测算": an input
_JOIN = re.compile(r"\s*(?:和|与|及|、|以及|,|，|加上|\+)\s*")
_CHANGE_AFTER = re.compile(r"\s*(?:的)?(?:年?复合)?(?:增速|增长率|增幅|降幅|CAGR)", re.I)  # "以0.3%的增速增长"
# A number the passage takes as given (「按照现有1000元/人份」「以每台15万」): an input, never the result.
_BASIS_BEFORE = re.compile(r"(?:按照?|以(?![上下来及后前内外])|假设|假定|若|如果|取)[^，。；,;：:]{0,14}$")
_TO_LEVEL = re.compile(r"(?:至|到|为)\s*$")
_NOT_QUANTITY_BEFORE = re.compile(r"(?:图表?|表|附图|附表|Figure|Table|第|Q|H)\s*$", re.I)
_NOT_QUANTITY_AFTER = re.compile(r"^\s*(?:年|月|日|季度|Q|H|E\b|个月|天|周|倍|只股票|家公司)|^[A-Za-z]", re.I)  # 5G, 4K
_APPROX_BEFORE = re.compile(r"(?:近|接近|将近|约|大约|逾|超过?)$")
_APPROX_AFTER = re.compile(r"\s*(?:左右|上下)")
_YEARS = re.compile(r"((?:19|20)\d{2})\s*(?:年|E\b|A\b|e\b)?(?:\s*[-–—~至到]\s*((?:19|20)\d{2})\s*(?:年|E|A|e)?)?")


@dataclass(frozen=True)
class _Num:
    span: NumberSpan
    base_low: Decimal  # in base units (元, piece, fraction for ratios)
    base_high: Decimal
    ratio: bool
    sentence: tuple[int, int]
    parts: tuple["_Num", ...] = ()  # a sum of segments ("分别为621亿元和518亿元"): its addends
    run: int = -1  # a list the number is an item of (「分别为19亿、12亿和3亿元」): the first item's offset
    pos: int = 0  # its place in that list
    size: int = 1  # how many items the list has
    approx: bool = False  # said to be rough (「近70亿」「约200亿左右」): a result may round further
    money: bool = False  # a bare magnitude the words before call an amount of money (「市场规模将近400亿」)
    grams: int = 0  # the power of mass in its unit: 1 for 60kg, 0 for g/瓶·瓶, -1 for 0.28万瓶/吨
    days: int = 0  # the power of days: 1 for 3-5天, -1 for g/kg/天 or 「每天需要6瓶」 (a count per day in words)

    @property
    def ranged(self) -> bool:
        return self.base_low != self.base_high


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of every sentence, the closing mark included; a line break ends one too."""
    out, start = [], 0
    for i, ch in enumerate(text):
        if ch in SENTENCE_END:
            if text[start:i + 1].strip():
                out.append((start, i + 1 if ch != "\n" else i))
            start = i + 1
    if text[start:].strip():
        out.append((start, len(text)))
    return out


def _base(value: Decimal, unit: str) -> Decimal | None:
    try:
        return mul(value, unit_info(unit).factor)
    except ToolError:
        return None


_LIST_ITEM = re.compile(r"\d[^，,。；;\d]{0,3}、[^，,。；;、\d]{0,16}$")
_LIST_SEP = re.compile(r"\s*(?:[、,，/]|和|与|及)\s*")
_TIMES = re.compile(r"\s*[×xX*＊]\s*")


def _listed(text: str, spans: list[NumberSpan]) -> list[NumberSpan]:
    """Bare numbers listed before a number with a unit take its unit: 「分别为49.03、55.74、60.71亿元」."""
    out = list(spans)
    for i in range(len(out) - 2, -1, -1):
        a, b = out[i], out[i + 1]
        if not (b.unit and a.high is None and _LIST_SEP.fullmatch(text[a.end:b.start]) and "." not in text[a.end:b.start]):
            continue
        bare = re.fullmatch(r"[\d.,]+\s*([十百千万亿]*)", a.text)  # 「1173万、623万和115万瓶」: 万 is 万瓶 here
        if a.unit and not (bare and a.dimension is Dimension.CURRENCY and b.dimension is not Dimension.CURRENCY):
            continue
        try:
            unit = unit_like(bare.group(1), b.unit) if bare and bare.group(1) else b.unit
            out[i] = dataclasses.replace(a, unit=unit)
        except (ToolError, TypeError, ValueError):
            continue
    return out


def _operand(text: str, span: NumberSpan) -> bool:
    """A bare number written as a factor of an explicit product (「0.55×7=3.85」), or as the multiple of a base
    (「即126元的10倍」, 「按照3.5的倍数计算」)."""
    return bool(_TIMES.match(text, span.end) or _TIMES.search(text[max(0, span.start - 2):span.start])
                or _multiplier(text, span))


_MULTIPLIER_AFTER = re.compile(r"\s*(?:倍|的倍数)")
_MULTIPLIER_BEFORE = re.compile(r"(?:[^增长提升高扩大翻]的|按照?|乘以)\s*$")


def _multiplier(text: str, span: NumberSpan) -> bool:
    """「X的10倍」「按照3.5的倍数」: a factor; not 「增长了2倍」, a change."""
    return span.high is None and bool(_MULTIPLIER_AFTER.match(text, span.end)) and \
        bool(_MULTIPLIER_BEFORE.search(text, max(0, span.start - 4), span.start))


def _numbers(text: str, dense: bool = False) -> list[_Num]:
    """The numbers that can be inputs or results; `dense` keeps those among many digits (beside a flattened table),
    which the passage search leaves out."""
    sents = sentences(text)
    out: list[_Num] = []
    k = 0
    for span in _listed(text, find_numbers(text)):
        while k < len(sents) and sents[k][1] <= span.start:
            k += 1
        if k >= len(sents):
            break
        try:
            dim = span.dimension
        except (KeyError, ToolError):
            continue
        if dim in (Dimension.YEARS, Dimension.PAGES, Dimension.POINTS) or span.value <= 0:
            continue
        if dim is Dimension.NUMBER and span.high is None and 1900 <= span.value <= 2100 and span.value == int(span.value):
            continue  # a year written without 年 (2019-2022E)
        if _in_table(text, span, dense):
            continue
        if dim is Dimension.NUMBER and not re.search(r"[万亿千百]", span.text) and not _operand(text, span):
            continue  # a bare number ("3", "1.2") is a section number, a code or a table cell more often than an input
        if _NOT_QUANTITY_BEFORE.search(text[max(0, span.start - 4):span.start]) or \
                (_NOT_QUANTITY_AFTER.match(text[span.end:span.end + 4]) and not _multiplier(text, span)):
            continue
        ratio = dim is Dimension.RATIO
        if ratio and ((_CHANGE.search(text[max(sents[k][0], span.start - 10):span.start]) and
                       not _TO_LEVEL.search(text[max(0, span.start - 3):span.start]))
                      or _CHANGE_AFTER.match(text, span.end)):
            continue  # "同比增长20%", "以0.3%的增速": a change
        lo = _base(span.value, span.unit)
        hi = _base(span.high if span.high is not None else span.value, span.unit)
        if lo is None or hi is None or (ratio and (hi > 1 or lo <= 0)):
            continue
        approx = bool(_APPROX_BEFORE.search(text, max(0, span.start - 3), span.start) or _APPROX_AFTER.match(text, span.end))
        money = dim is Dimension.CURRENCY and bool(_MONEY_NOUN.search(text, max(sents[k][0], span.start - MONEY_REACH),
                                                                       span.start))
        grams, days = powers(span.unit)
        if dim is not Dimension.DAYS and _PER_DAY.search(text, max(sents[k][0], span.start - 12), span.start):
            days -= 1
        out.append(_Num(span, lo, hi, ratio, sents[k], approx=approx, money=money, grams=grams, days=days))
    return _runs(text, out)


def _restated_operand(nums: list[_Num], n: _Num) -> bool:
    """A bare operand of a written expression that restates a figure stated with its unit (「均价120元/平米…通过
    120×0.02计算」): the figure is the input; the bare copy would enter a product twice over."""
    return n.span.dimension is Dimension.NUMBER and any(
        m.span.unit and m.span.value == n.span.value and m.span.high == n.span.high for m in nums if m is not n)


def _share_after(nums: list[_Num], text: str, result: _Num, tail: int) -> _Num | None:
    """The share in brackets after a result that says what it is a share of (「（接种者数量的40%）」)."""
    m = _SHARE_OF_AFTER.match(text, tail)
    if m is None or result.ratio:
        return None
    return next((n for n in nums if n.span.start == m.end() and n.ratio), None)


# A count a passage gives per day in words (「重症患者每天需要6瓶」): it multiplies a number of days.
_PER_DAY = re.compile(r"(?:每天|每日|日均|单日)[^，。；,;\d]{0,8}$")


def powers(unit: str) -> tuple[int, int]:
    """The powers of mass and of days in a unit: kg → (1, 0), g/kg/天 → (0, -1), 万瓶/吨 → (-1, 0), 天 → (0, 1)."""
    try:
        info = unit_info(unit)
    except ToolError:
        return 0, 0
    keys = per_keys(info.per)[1]
    return (info.measure == "g") - keys.count("g"), (info.measure == "天") - keys.count("天")


def _per_mass(units: list[str], result_unit: str) -> bool:
    """A count per tonne given in words (「1吨血浆约可获得2800瓶…采浆量9100吨」): one mass in 吨 times counts only, into
    a count; no unit of the product has a mass in its denominator. (A size in g times a count is a coincidence: 0.5g ×
    198.4万支 is not 99.2万支.)"""
    try:
        infos = [unit_info(u) for u in units]
        result = unit_info(result_unit)
    except ToolError:
        return False
    masses = [i for i in infos if i.dimension is Dimension.MASS]
    return result.dimension is Dimension.COUNT and len(masses) == 1 and masses[0].base == "吨" and len(infos) > 1 and \
        all(i.dimension in (Dimension.MASS, Dimension.COUNT) for i in infos)


def mass_divisors(units: list[str], result_unit: str) -> list[Decimal]:
    """What each factor of a product is divided by so that its base values multiply to the result's. The mass of a
    count per mass given in words (`_per_mass`: 2800瓶 a 吨 × 9100吨) is counted in its own unit (9100, not
    9.1×10^9 g); every other factor is taken in base units."""
    out = [Decimal(1)] * len(units)
    if _per_mass(units, result_unit):
        for i, u in enumerate(units):
            if unit_info(u).dimension is Dimension.MASS:
                out[i] = UNITS[unit_info(u).base].factor
    return out


def _balanced(inputs: tuple[_Num, ...], result: _Num) -> bool:
    """Masses and days cancel as the units say: g/kg/天 × kg × 天 is g, 6瓶 a day × 3天 is 瓶; a mass may stand
    for one of its own units in a count per mass (2800瓶 per 吨 in words × 9100吨), a day never (30天 × 100万元 is
    nothing). A mass is worked out from amounts with units only: a share of a mass or a size (30.4% × 90g, 12% ×
    2.5g/瓶) is a coincidence more often than an estimate."""
    flat = [p for n in inputs for p in (n.parts[:1] or (n,))]
    grams, days = sum(n.grams for n in flat), sum(n.days for n in flat)
    if days != result.days:
        return False
    if result.grams or UNITS[result.span.unit].measure == "g":
        return grams == result.grams and not any(n.ratio or n.span.dimension is Dimension.NUMBER for n in flat)
    return grams == 0 or _per_mass([n.span.unit for n in flat], result.span.unit)


def _runs(text: str, nums: list[_Num]) -> list[_Num]:
    """Mark the items of a list written in one unit (「分别为1173万、623万和115万瓶」, 「达107、137、167亿元」):
    a report that lists results one per year or product lists their inputs the same way, item by item."""
    out, i = list(nums), 0
    while i < len(out):
        j = i + 1
        while j < len(out) and out[j].sentence == out[i].sentence and out[j].span.unit == out[i].span.unit \
                and out[j].ratio == out[i].ratio and _LIST_SEP.fullmatch(text[out[j - 1].span.end:out[j].span.start]):
            j += 1
        if j - i > 1:
            money = bool(_MONEY_WORD.search(out[j - 1].span.text))  # 「分别为6.4亿、7亿和1.8亿元」: all money
            for k in range(i, j):
                out[k] = dataclasses.replace(out[k], run=out[i].span.start, pos=k - i, size=j - i,
                                             money=out[k].money or money)
        i = j
    return out


def _aligned(cands: list[_Num], result: _Num) -> list[_Num]:
    """The inputs a list item can take: of a list as long as the result's, only the item in the same place; the
    other items of the result's own list are no inputs."""
    if result.size < 2:
        return cands
    return [n for n in cands if n.run != result.run and not (n.size == result.size and n.pos != result.pos)]


# A year opening the next sentence (「约12万台2021Q1的数据显示」: PDF text joins two paragraphs), not a next cell
_YEAR_OPENING = re.compile(r"(?:19|20)\d{2}\s*(?:年|Q[1-4]|H[12])(?![\d/.%％])", re.I)


def _in_table(text: str, span: NumberSpan, dense: bool = False) -> bool:
    """A cell of a flattened table: glued to another number (a year after a figure with its unit is the next
    sentence's), or (unless `dense`) in a run that is mostly digits."""
    before, after = text[max(0, span.start - 1):span.start], text[span.end:span.end + 1]
    glued_after = after and (after.isdigit() or after in ".") and not \
        (span.unit and not span.text[-1].isdigit() and _YEAR_OPENING.match(text, span.end))
    if (before and (before.isdigit() or before in ".%％")) or glued_after:
        return True
    return not dense and number_density(text[max(0, span.start - 30):span.end + 30]) > 0.45


def _period(text: str, sent: tuple[int, int], pos: int) -> str:
    """The year(s) a number is for: the nearest written before it in its sentence, else the first after."""
    found = list(_YEARS.finditer(text, sent[0], sent[1]))
    before = [m for m in found if m.end() <= pos]
    after = [m for m in found if m.start() >= pos]
    m = before[-1] if before else (after[0] if after else None)
    return m.group(0).strip() if m else ""


def _item_period(period: str, n: _Num) -> str:
    """A list item's own year when its list runs over as many years as it has items (「2020~2022年…达107、137、
    167亿元」: 137 is 2021年's)."""
    m = _YEARS.fullmatch(period)
    if n.size < 2 or not m or not m.group(2) or int(m.group(2)) - int(m.group(1)) + 1 != n.size:
        return period
    return f"{int(m.group(1)) + n.pos}年"


def _term(text: str, n: _Num) -> Term:
    s = n.span
    name = words_before(text, n.sentence[0], s.start)
    if len(name) < 2:
        name = words_after(text, s.end) or name
    return Term(name=name, value=s.value, unit=s.unit,
                quote=text[n.sentence[0]:n.sentence[1]].strip(), quote_start=_lstrip(text, n.sentence),
                quote_end=_rstrip(text, n.sentence), start=s.start, end=s.end, high=s.high,
                period=_item_period(_period(text, n.sentence, s.start), n))


_WORDS_AFTER = re.compile(r"(?![为是在将达约以之及和与或等占])(?!测算|计算|估算|推算|预计|预测|测得|左右|以上|以下|之间)([\u4e00-\u9fff]{2,6})(?=[，,。；;、（(：:]|$)")
_LETTER = re.compile(r"[\u4e00-\u9fffA-Za-z]")


def _input_term(text: str, n: _Num) -> Term:
    """An input as a Term. The items of a list written in one unit (「A和B市场规模分别为621亿元和518亿元」) have no
    words of their own past the first: every item takes the words before the list, marked with its own year when the
    list runs over the years (「出货量（2021年）」), else with its place in it (「A和B市场规模（第2项）」). A figure with
    no words before it takes the few right after it (「取80%发病率，」「2200瓶静丙（2.5g/瓶）」)."""
    t = _term(text, n)
    if not _LETTER.search(t.name):
        t = dataclasses.replace(t, name="")  # 「×」「/」: no words
    words = words_before(text, n.sentence[0], n.run) if n.size > 1 else ""
    if len(words) >= 2 and _LETTER.search(words) and (n.pos == 0 or not t.name):
        period = _period(text, n.sentence, n.span.start)
        mark = t.period if t.period and t.period != period else f"第{n.pos + 1}项"
        return dataclasses.replace(t, name=f"{words}（{mark}）")
    if not t.name and (m := _WORDS_AFTER.match(text, n.span.end)):
        return dataclasses.replace(t, name=m.group(1))
    return t


def _lstrip(text: str, sent: tuple[int, int]) -> int:
    i = sent[0]
    while i < sent[1] and text[i].isspace():
        i += 1
    return i


def _rstrip(text: str, sent: tuple[int, int]) -> int:
    j = sent[1]
    while j > sent[0] and text[j - 1].isspace():
        j -= 1
    return j


def _close(a: Decimal, b: Decimal, tolerance: Decimal = TOLERANCE) -> bool:
    return b != 0 and abs(a - b) <= abs(b) * tolerance


def _product(nums: tuple[_Num, ...]) -> tuple[Decimal, Decimal, Decimal]:
    lows = mul(*(n.base_low for n in nums))
    highs = mul(*(n.base_high for n in nums))
    mids = mul(*((n.base_low + n.base_high) / 2 for n in nums))
    return lows, mids, highs


def _agrees(inputs: tuple[_Num, ...], result: _Num) -> Decimal | None:
    """How far the product of `inputs` is from `result` (relative), or None when not within tolerance."""
    lo, mid, hi = _product(inputs)
    if any(n.grams for n in inputs):
        by = mul(*mass_divisors([n.span.unit for n in inputs], result.span.unit))
        lo, mid, hi = lo / by, mid / by, hi / by
    if result.ranged:  # both ends agreeing is strong evidence: reports round each input, allow a little more
        if _close(lo, result.base_low, RANGE_TOLERANCE) and _close(hi, result.base_high, RANGE_TOLERANCE):
            return abs(lo - result.base_low) / result.base_low
        return None
    r = result.base_low
    err = abs(mid - r) / r  # a single stated result of ranged inputs is their midpoint ("中值")
    if err <= TOLERANCE:
        return err
    # the report rounds its result to the digits it writes (19.35亿 → 「19亿」), within reason
    half = half_unit(result)
    return err if err <= ROUNDED_TOLERANCE and (abs(mid - r) <= half or result.approx) else None


def half_digit(value: Decimal) -> Decimal:
    """Half a unit of the last digit `value` is written with: 350 → 0.5, 1.0 → 0.05."""
    return Decimal(5) * Decimal(10) ** (value.as_tuple().exponent - 1)


def half_unit(n: _Num) -> Decimal:
    """Half a unit of the last digit a number is written with, in base units: 350亿元 → 0.5亿元 (its rounding)."""
    return half_digit(n.span.value) * (n.base_low / n.span.value)


_MONEY_WORD = re.compile(r"元|美金|港币|英镑|韩元|法郎|\$|€|£|¥|￥|yuan|rmb|cny|usd|hkd|eur", re.I)
# What only money is (a bare 亿 after one of these is yuan): 「市场规模将近400亿」, 「营收约30亿」.
_MONEY_NOUN = re.compile(r"(?:规模|市场|空间|收入|营收|销售额|销售收入|产值|金额|利润|费用|支出)[^，。；,;\d]{0,6}$")
MONEY_REACH = 12


def _currency(n: _Num) -> str:
    """The currency a number is written in; "" for a bare magnitude (「2.5亿适龄女性」 is no money, whatever a
    bare 亿 defaults to elsewhere)."""
    if not _MONEY_WORD.search(n.span.text) and not n.money:
        return ""
    try:
        return unit_info(n.span.unit).currency
    except ToolError:
        return ""


def _plausible(inputs: tuple[_Num, ...], result: _Num) -> bool:
    """A product of ratios alone is not a market; ratios at 100% and factors of 1 change nothing; money in
    one currency never comes out of another's (no exchange rate is assumed)."""
    money = [c for c in map(_currency, (p for n in inputs for p in (n.parts or (n,)))) if c]
    want = _currency(result) or (unit_info(result.span.unit).currency if money else "")  # 「分别为19亿、12亿和3亿元」
    bare = any(p.span.dimension is Dimension.NUMBER for n in inputs for p in (n.parts or (n,)))
    if any(c != want for c in money) and not (bare and want):
        return False  # (a bare factor may be the exchange rate the passage states: 1.5美元/部 × 7 = 10.5元/部)
    if not result.ratio and len(inputs) > 1 and (len([n for n in inputs if any(map(_currency, n.parts or (n,)))]) > 1
                                                 or (bool(want) != bool(money) and not bare)):
        return False  # money × money is nothing; money comes from exactly one amount or price, a count from none
    if result.ratio or all(n.ratio for n in inputs):
        return False
    if (result.grams or result.days or any(n.grams or n.days for n in inputs)) and not _balanced(inputs, result):
        return False
    counted = [_noun(p) for p in (n.parts[0] if n.parts else n for n in inputs) if p.span.dimension is Dimension.COUNT]
    if len(set(counted)) < len(counted):
        return False  # 21家 × 3家 is nothing: a count multiplies counts of other things (人 × 次), never its own kind
    if len(inputs) == 1:
        return bool(inputs[0].parts) and inputs[0].span.unit == result.span.unit
    return all(n.base_low != 1 for n in inputs) and all(n.span.start != result.span.start for n in inputs)


def _noun(n: _Num) -> str:
    """What a count counts (万台 → 台); "" for a bare magnitude."""
    try:
        return unit_info(n.span.unit).base or ""
    except ToolError:
        return ""


def _cue(text: str, start: int, end: int, pattern: re.Pattern[str]) -> str:
    m = None
    for m in pattern.finditer(text, start, end):
        pass
    return m.group(0) if m else ""


def detect_estimates(text: str, doc_id: str = "", chunk_id: str = "") -> list[Derivation]:
    """Every estimate stated in `text` (a cleaned report or a chunk), in reading order.

    A result is a number after a derivation word in its sentence (则, 对应, 测算, 预计, 空间…). Its inputs are
    numbers before it in the same passage (its sentence and the few before). It is an estimate when
    - some inputs multiply to the result (within rounding): the operation is their product (quantity × unit
      price when no input is a ratio), or
    - the passage says it assumes (假设, 若, 按…测算): a base of the result's kind before the assumed ratios,
      times those ratios — kept even when the stated result does not follow, so that the gap can be shown.
    """
    original, text = text, _unbroken(text)
    nums = _numbers(text)
    sents = sentences(text)
    index = {s: i for i, s in enumerate(sents)}
    run_end = {n.run: n.span.end for n in nums if n.size > 1}  # the last item's end, for each list
    out: list[Derivation] = []
    for r_i, result in enumerate(nums):
        s0, s1 = result.sentence
        head = result.run if result.size > 1 else result.span.start  # where the result (or its list) begins
        tail = run_end.get(result.run, result.span.end) if result.size > 1 else result.span.end
        if _BASIS_AFTER.match(text, tail) or _BASIS_BEFORE.search(text, s0, head) or text.startswith("/", tail) \
                or _bracketed_ratio(text, result.span) \
                or (text[max(0, result.span.start - 1):result.span.start] in ("/", "÷") and _power_of_ten(result)):
            continue  # a given number, the numerator of a written ratio (「12.5%（200万/1600万）」) or the base of
            # a rate (「发病率69.2/10万」)
        if result.span.dimension is Dimension.NUMBER and not re.search(r"[万亿千百]", result.span.text):
            continue  # a bare number is no result a report states
        if result.span.dimension is Dimension.DAYS:
            continue  # 「第7、21天」: days are a course's length, given, not worked out
        small = not result.ratio and result.span.high is None and result.span.value <= 10 and \
            result.span.value == result.span.value.to_integral_value()
        if small and result.size < 2 and not (re.search(r"[万亿]", result.span.text)
                                              and _cue(text, s0, head, STRONG_CUE)):
            continue  # "1剂", "10家": small whole numbers come out of any two numbers by chance (「取80%…达2亿」: an
            # amount in 万/亿 after an assumption in its sentence is meant)
        k = index[result.sentence]
        if result.ratio:
            found = _share(text, nums, r_i, sents, k)
            if found is not None:
                out.append(_derivation(text, doc_id, chunk_id, len(out), result, found, "ratio", "占比"))
            continue
        reach = max(s0, head - CUE_REACH)
        strong = _cue(text, sents[max(0, k - 1)][0], head, STRONG_CUE)
        first = sents[max(0, k - WINDOW_SENTENCES)][0]
        first = max(first, s0 - WINDOW_CHARS)
        cue = _cue(text, reach, head, RESULT_CUE) or (strong and _cue(text, reach, head, WEAK_CUE))
        share_of = _share_after(nums, text, result, tail)
        cue = cue or ("占比" if share_of else "")
        # a passage that says it works figures out (「根据指南测算：…共需要约14.77-24.6万瓶」) needs its arithmetic
        # to hold, but no derivation word right before each result
        loose = "" if cue else _cue(text, first, head, PASSAGE_CUE)
        # 「营收为29亿元、销量为0.22亿台，单价约为132元」: a value per unit, named so, is its sentence's money ÷ count
        per_unit = not cue and not loose and bool(_PER_UNIT_RESULT.search(text, s0, head))
        if not cue and not loose and not per_unit:
            # 「…未来全部达产有望达到750万台/年」: a total the report foresees, of the figures before it (a tally of
            # figures stated as they are, 「A类门店共有420家…全国门店共计600家」, is bookkeeping, no estimate)
            total = _cue(text, reach, head, WEAK_CUE) and \
                _exact_total(text, [n for n in nums[:r_i] if n.span.start >= first and n.span.end <= head], result)
            if total:
                out.append(_derivation(text, doc_id, chunk_id, len(out), result, (total,), "product_of_sum",
                                       _cue(text, reach, head, SUM_CUE)))
            continue
        before = _aligned([n for n in nums[:r_i] if n.span.start >= first and n.span.end <= head], result)
        # the nearest inputs, and the values equal to the result are restatements, not inputs
        cands = [n for n in before if not (n.base_low == result.base_low and n.base_high == result.base_high)
                 and not _restated_operand(before, n)]
        cands = cands[-MAX_CANDIDATES:] + _sums(text, before[-MAX_CANDIDATES:]) + _gathered(text, before, result)
        if _BACK.search(text, reach, head):  # 「据此测算」: a figure worked out further back may be built on
            cands = _worked_out(text, nums[:r_i], first, result) + cands
        if share_of is not None:  # the base it is a share of, times that share
            cands = [n for n in cands if not n.ratio] + [share_of]
        best: tuple[tuple, tuple[_Num, ...]] | None = None
        for size in range(1, MAX_FACTORS + 1):
            for combo in combinations(cands, size):
                if size == 1 and not (combo[0].parts and SUM_CUE.search(text, reach, result.span.start)):
                    continue  # one input alone is a sum of segments the passage adds up (合计, 总计…), or nothing
                if (share_of is not None and share_of not in combo) or not _plausible(combo, result) or _overlap(combo) or \
                        (small and not any(n.size == result.size for n in combo)):
                    continue  # (a small whole number in a list: only with an input listed item by item alongside)
                err = _agrees(combo, result)
                if err is None:
                    continue
                in_sentence = sum(n.sentence == result.sentence for n in combo)
                distance = result.span.start - combo[0].span.start
                key = (round(err * 200), -in_sentence, distance, size)
                if best is None or key < best[0]:
                    best = (key, combo)
        op = ""
        if per_unit:
            best = None  # only the quotient of two amounts of its own sentence
            cands = [n for n in cands if n.sentence == result.sentence]
        if best is None and not result.ratio:
            pair = _quotient(text, cands, result, worded=bool(_cue(text, reach, head, RESULT_CUE)))
            if pair is not None:
                best, op = (pair[0], pair[1]), "ratio"
        if best is None and not result.ratio and _cue(text, reach, head, RESULT_CUE):
            best = _share_of_earlier(nums[:r_i], result, first)
        if loose and result.size < 2 and _LIST_ITEM.search(text, max(s0, result.span.start - 24), result.span.start):
            continue  # 「其中A170亿元、B150亿元、C30亿元」: an item of a breakdown, not a derived figure (a bare list of
            # values, 「约为10.50、8.75元/部」, is one result per year or product)
        if loose and (best is None or not (result.ranged or best[0][0] <= LOOSE_ERROR)):
            continue  # without a derivation word at the result, only close arithmetic (or a whole range) counts
        cue = cue or loose or ("单价" if per_unit else "")
        if best is None and strong and not result.ratio:
            combo = _assumed(text, cands, result)
            if result.size > 1 and not any(n.size == result.size for n in combo):
                combo = ()  # the items of a list are different figures: not all from the same inputs (「假设单价为25元，
                # 对应2020~2022年市场规模达36、76、153亿元」 takes its counts from elsewhere, item by item)
            last = combo[-1].span.end if combo else result.span.start
            if combo and (RESULT_CUE.search(text, last, result.span.start) or WEAK_CUE.search(text, last, result.span.start)) \
                    and not _built_on_another(text, nums, last, head):
                best = ((), combo)  # 「假设…X%…，则/预计…Y」: the derivation word comes after what is assumed
        if best is None:
            continue
        combo = best[1]
        ops = op or ("product_of_sum" if any(n.parts for n in combo) else
               "quantity_x_price" if not any(n.ratio or n.span.dimension is Dimension.NUMBER for n in combo)
               and any(n.span.dimension in (Dimension.CURRENCY, Dimension.PRICE) for n in combo) else "product")
        # (a bare factor — an exchange rate, a multiple — scales; it is no quantity or price; with no money in it a
        # product is no quantity × price: 「0.25g/kg/d × 60kg × 3天 × 6484例」)
        if any(_restated(d, result, combo) for d in out):
            continue  # the same figure from the same inputs, said again (「预计全年将保持在12.25元/部」)
        if any(_inverse(d, result, combo) for d in out):
            continue  # an earlier estimate read backwards (「90g，折合36.1瓶」, then 90g from 36.1瓶 × 2.5g/瓶)
        out.append(_derivation(text, doc_id, chunk_id, len(out), result, combo, ops, strong or cue))
    from bot.tools.estimate_tables import table_estimates  # (it reads numbers with this module's helpers)

    out += _formula_estimates(text, doc_id, chunk_id, {d.result.start for d in out})
    out += table_estimates(text, doc_id, chunk_id, {d.result.start for d in out},
                           frozenset(t.start for d in out for t in d.inputs))
    out += _valuations(text, doc_id, chunk_id, {d.result.start for d in out})
    from bot.tools.breakdowns import breakdown_estimates  # (it reads numbers with this module's helpers)

    out += breakdown_estimates(text, doc_id, chunk_id, {d.result.start for d in out})
    from bot.tools.named_shares import named_share_estimates  # (likewise)

    out += named_share_estimates(text, doc_id, chunk_id, {d.result.start for d in out})
    out.sort(key=lambda d: d.result.start)
    if text != original:  # quotes stay verbatim
        out = [_verbatim(d, original) for d in out]
    return [dataclasses.replace(d, id=f"{doc_id}#{i + 1}") for i, d in enumerate(out)]


def _share_of_earlier(before: list[_Num], result: _Num, first: int) -> tuple[tuple, tuple[_Num, _Num]] | None:
    """「我们预计…渗透率为20%，则对应…70万套」: the share stated in the result's own sentence times a base stated
    further back than the passage's few sentences (up to WINDOW_CHARS before the result's sentence), the nearest that
    gives the result to the last digit it is written with."""
    shares = [n for n in before if n.ratio and n.sentence == result.sentence and not n.ranged]
    bases = [n for n in before if result.sentence[0] - WINDOW_CHARS <= n.span.start < first and not n.ratio]
    for base in reversed(bases):
        for share in shares:
            combo = (base, share)
            if not _plausible(combo, result):
                continue
            _, mid, _ = _product(combo)
            if abs(mid - result.base_low) <= half_unit(result) and not result.ranged:
                return ((0,), combo)
    return None


_BACK = re.compile(r"据此|由此|以此")
CHAIN_REACH = 2 * WINDOW_CHARS


def _worked_out(text: str, before: list[_Num], first: int, result: _Num) -> list[_Num]:
    """The last figure before the window the report says it worked out (「预计…约4.88亿人份」), of another kind than
    the result: what a result 「据此」 builds on may be stated a page before it."""
    found = [n for n in before if result.sentence[0] - CHAIN_REACH <= n.span.start < first and not n.ratio
             and _kind(n) != _kind(result) and _cue(text, max(n.sentence[0], n.span.start - CUE_REACH), n.span.start,
                                                    WEAK_CUE)]
    return found[-1:]


def _verbatim(d: Derivation, text: str) -> Derivation:
    def term(t: Term) -> Term:
        return dataclasses.replace(t, quote=text[t.quote_start:t.quote_end])
    return dataclasses.replace(d, result=term(d.result), inputs=tuple(term(t) for t in d.inputs))


_BROKEN = re.compile(r"(?<![\d.,])\d[\d.,]*\n(?=[^\W\d_])")  # 「中标价390元、900\n元和195元」


def _unbroken(text: str) -> str:
    """`text` with a line break between a number and its unit read as a space (PDF text breaks a line anywhere);
    only where the number then has a unit, so a page number before a heading still ends its line. Offsets keep."""
    for m in reversed(list(_BROKEN.finditer(text))):
        spans = find_numbers(text[m.start():m.end() - 1] + " " + text[m.end():m.end() + 8])
        if spans and spans[0].start == 0 and spans[0].end > m.end() - m.start() and spans[0].unit:
            text = text[:m.end() - 1] + " " + text[m.end():]
    return text


def _restated(d: Derivation, result: _Num, combo: tuple[_Num, ...]) -> bool:
    starts = sorted(p.span.start for x in combo for p in (x.parts or (x,)))
    return (d.result.value, d.result.high, d.result.unit) == (result.span.value, result.span.high, result.span.unit) \
        and sorted(t.start for t in d.inputs) == starts


def _inverse(d: Derivation, result: _Num, combo: tuple[_Num, ...]) -> bool:
    """An earlier conversion by a size per unit (90g ÷ 2.5g/瓶 = 36瓶) read backwards: the result was its amount, and
    its result and size are this one's inputs."""
    def same(t: Term, n: _Num) -> bool:
        return (t.value, t.high, t.unit) == (n.span.value, n.span.high, n.span.unit)
    flat = [n for x in combo for n in (x.parts or (x,))]
    return d.operation == "ratio" and len(d.inputs) == 2 and "/" in d.inputs[1].unit and same(d.inputs[0], result) \
        and any(same(d.result, n) for n in flat) and any(same(d.inputs[1], n) for n in flat)


def _derivation(text: str, doc_id: str, chunk_id: str, n: int, result: _Num, combo: tuple[_Num, ...], ops: str,
                cue: str) -> Derivation:
    flat = [p for x in combo for p in (x.parts or (x,))]
    summed = tuple(i for i, p in enumerate(flat) if any(p in x.parts for x in combo))
    res = _term(text, result)
    sents = [x.sentence for x in flat] + [result.sentence]
    return Derivation(
        id=f"{doc_id}#{n + 1}", doc_id=doc_id, subject=res.name, result=res,
        inputs=tuple(_input_term(text, x) for x in flat), operation=ops, summed=summed,
        start=_lstrip(text, min(sents)), end=_rstrip(text, max(sents)), cue=cue, chunk_id=chunk_id)


def _share(text: str, nums: list[_Num], r_i: int, sents: list[tuple[int, int]], k: int) -> tuple[_Num, _Num] | None:
    """A share the report works out from two amounts it states (part ÷ whole), in its sentence or just before;
    the amounts may follow it in brackets (「渗透率仅为12.5%（200万/1600万）」)."""
    result = nums[r_i]
    s0, s1 = result.sentence
    if not (RATIO_CUE.search(text, max(s0, result.span.start - CUE_REACH), result.span.start)
            or _RATIO_INPUTS.match(text, result.span.end) or _SHARE_IN_BRACKETS.search(text, s0, result.span.start)):
        return None
    first = max(sents[max(0, k - 1)][0], s0 - WINDOW_CHARS)
    # a range of shares is a range of parts over one whole (「需求提升50-100万瓶…按1137万支计算，提升约为4.4%-8.8%」)
    near = [n for n in nums if first <= n.span.start and n.span.end <= s1 and n is not result and not n.ratio
            and (not n.ranged or result.ranged)][-MAX_CANDIDATES:]
    if result.base_low <= 0:
        return None
    places = max(0, -result.span.value.as_tuple().exponent)  # type: ignore[operator]
    if result.span.high is not None:
        places = max(places, -result.span.high.as_tuple().exponent)  # type: ignore[operator]

    def slack(want: Decimal) -> Decimal:
        return max(want * TOLERANCE, Decimal("0.5") * Decimal(10) ** -(places + 2))

    best = None
    for a, b in combinations(near, 2):
        for part, whole in ((a, b), (b, a)):
            if part.base_high >= whole.base_low or (part.span.dimension is Dimension.CURRENCY) != \
                    (whole.span.dimension is Dimension.CURRENCY) or _small(whole) or whole.ranged \
                    or part.ranged != result.ranged:
                continue  # (2家 of 4家 is 50% by chance as often as not)
            err_low = abs(part.base_low / whole.base_low - result.base_low)
            err_high = abs(part.base_high / whole.base_low - result.base_high)
            if err_low <= slack(result.base_low) and err_high <= slack(result.base_high) and \
                    (best is None or err_low + err_high < best[0]):
                best = (err_low + err_high, (part, whole))
    return best[1] if best else None


GATHER_REACH = 12  # 「以上合计预计消耗约1.98亿人份」: the summing word this close before the total
MAX_ADDENDS = 5


def _gathered(text: str, before: list[_Num], result: _Num) -> list[_Num]:
    """The figures of the sentences before a total the text adds up (以上合计, 共计…): the nearest amounts of the
    total's own kind (人份 with 人份, money with money), two to five of them, as summed inputs."""
    if result.ratio or not SUM_CUE.search(text, max(result.sentence[0], result.span.start - GATHER_REACH), result.span.start):
        return []
    kind = [n for n in before if not n.ratio and not n.ranged and not n.parts and _kind(n) == _kind(result)
            and _per(n) in ("", _per(result))]  # (a price, 20万元/台, is no addend of an amount in 万元)
    out = []
    for size in range(2, min(MAX_ADDENDS, len(kind)) + 1):
        run = kind[-size:]
        total = sum((n.base_low for n in run), Decimal(0))
        out.append(_Num(run[0].span, total, total, False, run[0].sentence, tuple(run)))
    return out


def _exact_total(text: str, before: list[_Num], result: _Num) -> _Num | None:
    """The figures before a total the text adds up (`_gathered`) that come to it to the last digit it is written
    with."""
    if result.ranged:
        return None
    return next((g for g in _gathered(text, before, result) if abs(g.base_low - result.base_low) <= half_unit(result)),
                None)


def _per(n: _Num) -> str:
    """What a value is per (万元/台 → 台, 万支/年 → 年); "" for an amount."""
    try:
        return unit_info(n.span.unit).per
    except ToolError:
        return ""


def _kind(n: _Num) -> tuple[str, str]:
    """What an amount counts or is paid in: (noun, currency)."""
    return _noun(n), _currency(n)


def _built_on_another(text: str, nums: list[_Num], start: int, end: int) -> bool:
    """Another amount stands between what is assumed and the result (text[start:end]): the result builds on it, not
    on the assumption (「假设单价…，预计收入约10亿元，净利润4亿元」: the profit comes from the revenue) — unless the
    result is a part of it (「…市场规模近100亿，其中国产…约35-45亿」), which the same assumptions size."""
    between = any(start <= n.span.start and n.span.end <= end and not n.ratio for n in nums)
    return between and "其中" not in text[start:end]


def _bracketed_ratio(text: str, span: NumberSpan) -> bool:
    """The numerator of a ratio written out in brackets (「8%（120万/1500万）」): given, though listed with its
    denominator (a list 「100/150/200亿元」 outside brackets holds results)."""
    return text.startswith("/", span.end) and bool(re.search(r"[（(]\s*$", text[max(0, span.start - 2):span.start]))


def _power_of_ten(n: _Num) -> bool:
    """10万, 1000, 百万: the size of a population a rate is given per, no figure of its own."""
    v = n.base_low.normalize()
    return n.span.high is None and v > 0 and v.as_tuple().digits == (1,)


def _small(n: _Num) -> bool:
    """A small whole number (「4家」「10个」): it divides into round shares by chance."""
    v = n.span.value
    return n.span.high is None and v <= 10 and v == v.to_integral_value() and not re.search(r"[万亿]", n.span.text)


def _sums(text: str, cands: list[_Num]) -> list[_Num]:
    """Segments written side by side in one unit ("分别为621亿元和518亿元"), as one summed input."""
    out = []
    for i in range(len(cands)):
        for j in range(i + 2, min(i + 4, len(cands)) + 1):
            run = cands[i:j]
            if any(n.ratio or n.ranged or n.span.unit != run[0].span.unit for n in run) or \
                    any(not _JOIN.fullmatch(text[a.span.end:b.span.start]) for a, b in zip(run, run[1:])):
                continue
            total = sum((n.base_low for n in run), Decimal(0))
            out.append(_Num(run[0].span, total, total, False, run[0].sentence, tuple(run), grams=run[0].grams,
                            days=run[0].days))
    return out


def _overlap(combo: tuple[_Num, ...]) -> bool:
    seen: set[int] = set()
    for n in combo:
        for p in (n.parts or (n,)):
            if p.span.start in seen:
                return True
            seen.add(p.span.start)
    return False


_PER_UNIT_RESULT = re.compile(r"(?:单价|均价|人均|单位|平均|每)[^，。；,;\d]{0,8}$")
_CONVERT = re.compile(r"换算|折合|规格")


def _divides(text: str, num: _Num, den: _Num, result: _Num, worded: bool) -> bool:
    """A quotient a report works out: by a value per unit (万瓶/吨, g/瓶); money by a count into the unit price the
    result is called (「营收29亿元、销量0.22亿台，单价约为132元」); a part by its share into the whole (「以营收16.2亿元为
    基础，市场占比约为20-30%，推测市场规模约为54-81亿元」); an amount by a size of the same unit into how many
    (「291780g，换算为2.5g标准规格需要11.67万瓶」). Other quotients are coincidences. `worded`: a word that works
    the result out stands right before it (则, 推算…)."""
    if "/" in den.span.unit:  # (reports name counts loosely — 元/支 into 人 — when they say they work it out)
        return worded or _counts_per_unit(den, result)
    if den.ratio:
        return _kind(num) == _kind(result) and not num.ratio
    if num.span.dimension is Dimension.CURRENCY and den.span.dimension is Dimension.COUNT:
        return _currency(result) != "" and bool(_PER_UNIT_RESULT.search(text, result.sentence[0], result.span.start))
    return result.span.dimension is Dimension.COUNT and num.span.unit.lstrip("万亿千百十") == den.span.unit and \
        den.span.unit != "" and bool(_CONVERT.search(text, result.sentence[0], result.span.start))


def _counts_per_unit(den: _Num, result: _Num) -> bool:
    """An amount ÷ a value per some unit is a number of that unit: money ÷ 元/套 is 套, never 台."""
    keys = per_keys(unit_info(den.span.unit).per)[1]
    if result.span.dimension is not Dimension.COUNT or len(keys) != 1 or keys[0] == "g":
        return True
    return _noun(result) == keys[0]


def _quotient(text: str, cands: list[_Num], result: _Num, worded: bool = True) -> tuple[tuple, tuple[_Num, _Num]] | None:
    """result = a ÷ b (「国产2069万瓶…收率0.28万瓶/吨，则对应所需的投浆量为7389吨」): the closest pair. A range
    divides end by end, low ÷ high to high ÷ low."""
    best = None
    for a, b in combinations([n for n in cands if not n.parts], 2):
        for num, den in ((a, b), (b, a)):
            if den.base_low == 0 or num.ratio or (den.ranged and num.ranged) or not _divides(text, num, den, result, worded) \
                    or (den.ratio and not worded):
                continue  # (a whole from a share only after a word that works it out, 推测 or 则: 「预计…超3000亿元」
                # beside a share of 67% is a forecast, not 2000亿 ÷ 67%)
            lo, hi = num.base_low / den.base_high, num.base_high / den.base_low
            if result.ranged:
                if not (_close(lo, result.base_low, RANGE_TOLERANCE) and _close(hi, result.base_high, RANGE_TOLERANCE)):
                    continue
                err = abs(lo - result.base_low) / result.base_low
            else:
                err = abs((num.base_low + num.base_high) / (den.base_low + den.base_high) - result.base_low) / result.base_low
            if err <= TOLERANCE and (best is None or err < best[0][0]):
                best = ((round(err * 200),), (num, den))
    return best


def _is_price(text: str, n: _Num) -> bool:
    """A value per unit: its unit says so (元/瓶), or its words do (单价, 均价, 中标价, 人均…)."""
    return "/" in n.span.unit or bool(re.search(r"单价|均价|价格|价|人均|单台|单机|每", text[max(0, n.span.start - 8):n.span.start]))


def _assumes(text: str, n: _Num) -> bool:
    """The number is assumed: an assumption word before it in its sentence, or it sits inside a basis clause
    (「按注射类占非手术类50%的假设」「按照3.5的倍数计算」)."""
    s0, s1 = n.sentence
    return any(m.start() < n.span.start for m in STRONG_CUE.finditer(text, s0, min(s1, n.span.end + CLAUSE)))


def _assumed(text: str, cands: list[_Num], result: _Num) -> tuple[_Num, ...]:
    """A stated base × the factors assumed in the result's sentence (假设 A占B的10%、渗透率5%-35%…则…; 若按照平均
    中标价600元测算，则…): the nearest base before those factors — larger than the result for ratios; for a
    price, a count whose product is money like the result."""
    assumed = [n for n in cands if n.sentence == result.sentence and not n.parts
               and _assumes(text, n)
               and (n.ratio or (_is_price(text, n) and result.span.dimension is Dimension.CURRENCY))]
    if not assumed:
        return ()
    money = bool(_currency(result))  # money in words: a bare 「2亿」 is no more money than its base
    priced = any(not n.ratio for n in assumed)
    bases = [n for n in cands if not n.ratio and not n.parts and n.span.start < assumed[0].span.start
             and "/" not in n.span.unit and not n.days  # (a size per unit, 「10g/瓶」, or a course of days is no base)
             and bool(_currency(n)) == (money and not priced)  # (a bare 「1428百万」 is no money)
             and (priced or n.base_low > result.base_high)]
    if not bases:
        return ()
    combo = (bases[-1], *assumed[:MAX_FACTORS - 1])
    lo, mid, hi = _product(combo)
    if not (result.base_low / 3 <= mid <= result.base_high * 3):
        return ()  # not within a factor of three of what it states: not this derivation
    return combo


# --- arithmetic written out: 「（11.67~19.45）/233.6*100%=5%~8%」 -----------------------------------------------------
# The numbers of a written expression are bare; the passage states most of them before with their units
# (「批签发233.6万件」). The expression is kept when it comes to the result it states, either with those units
# or as written in the result's own unit (「0.55×7=3.85元/部」).


def _formula_estimates(text: str, doc_id: str, chunk_id: str, taken: set[int]) -> list[Derivation]:
    formulas = [f for f in find_formulas(text) if f.result.start not in taken]
    if not formulas:
        return []
    nums, sents = _numbers(text), sentences(text)
    out = []
    for f in formulas:
        sent = next((s for s in sents if s[0] <= f.start < s[1]), (f.start, f.result.end))
        k = sents.index(sent) if sent in sents else 0
        first = max(sents[max(0, k - WINDOW_SENTENCES)][0], sent[0] - WINDOW_CHARS)
        stated = [_stated(nums, o, first, f.start) for o in f.operands]
        result = _Num(f.result, *_ends(f.result), f.result.unit == "%", sent)
        for units in (stated, _as_written(f, result)):
            if _comes_to(f, [_operand_ends(o, u) for o, u in zip(f.operands, units)], result):
                out.append(_formula_derivation(text, doc_id, chunk_id, f, units, result, sent))
                taken.add(f.result.start)
                break
    return out


def _ends(span: NumberSpan) -> tuple[Decimal, Decimal]:
    lo = _base(span.value, span.unit) or Decimal(0)
    return lo, _base(span.high, span.unit) or lo if span.high is not None else lo


def _stated(nums: list[_Num], o: Operand, first: int, end: int) -> _Num | str:
    """The passage's own statement of an operand (its unit and quote): the nearest number before the expression with
    its value; else the unit it is written with ("%" or "")."""
    for n in reversed(nums):
        if first <= n.span.start and n.span.end <= end and n.span.value == o.low and n.span.high == o.high \
                and n.span.unit and n.ratio == o.percent:
            return n
    return "%" if o.percent else ""


def _as_written(f: WrittenFormula, result: _Num) -> list[_Num | str]:
    """Units that read the expression in the result's own unit: every addend of a sum, the first factor of a
    product, the dividend of a quotient (a share divides bare numbers)."""
    unit = result.span.unit
    out: list[_Num | str] = ["%" if o.percent else "" for o in f.operands]
    if f.kind == "sum":
        return [unit for _ in f.operands]
    if not result.ratio and not f.operands[0].percent:
        out[0] = unit
    return out


def _operand_ends(o: Operand, unit: _Num | str) -> tuple[Decimal, Decimal]:
    """(low, high) of an operand in base units; a complement as 1 − the share, ends swapped."""
    if isinstance(unit, _Num):
        lo, hi = unit.base_low, unit.base_high
    else:
        lo, hi = (_base(o.low, unit), _base(o.high if o.high is not None else o.low, unit))
        if lo is None or hi is None:
            return Decimal(-1), Decimal(-1)
    return (1 - hi, 1 - lo) if o.complement else (lo, hi)


def _comes_to(f: WrittenFormula, ends: list[tuple[Decimal, Decimal]], result: _Num) -> bool:
    """The expression's value is the stated result: within tolerance, or rounded to the digits it is written with."""
    if any(lo <= 0 for lo, _ in ends):
        return False
    if f.kind == "sum":
        lo, hi = sum((e[0] for e in ends), Decimal(0)), sum((e[1] for e in ends), Decimal(0))
    elif f.kind == "ratio":
        (a_lo, a_hi), (b_lo, b_hi) = ends
        lo, hi = a_lo / b_hi, a_hi / b_lo
    else:
        lo, hi = mul(*(e[0] for e in ends)), mul(*(e[1] for e in ends))
    half = half_unit(result)

    def near(got: Decimal, want: Decimal) -> bool:
        return _close(got, want) or abs(got - want) <= half

    if result.ranged:
        return near(lo, result.base_low) and near(hi, result.base_high)
    return near((lo + hi) / 2, result.base_low)


def _formula_derivation(text: str, doc_id: str, chunk_id: str, f: WrittenFormula, units: list[_Num | str],
                        result: _Num, sent: tuple[int, int]) -> Derivation:
    inputs = []
    for o, u in zip(f.operands, units):
        if isinstance(u, _Num):
            inputs.append(_term(text, u))
        else:
            inputs.append(Term(name="", value=o.low, unit=u, quote=text[sent[0]:sent[1]].strip(),
                               quote_start=_lstrip(text, sent), quote_end=_rstrip(text, sent), start=o.start,
                               end=o.end, high=o.high, period=_period(text, sent, o.start)))
    res = _term(text, result)
    if f.kind == "product":
        bare = any(o.percent or (isinstance(u, str) and unit_info(u).dimension is Dimension.NUMBER)
                   for o, u in zip(f.operands, units))
        op = "product" if bare else "quantity_x_price"
    else:
        op = {"sum": "product_of_sum", "ratio": "ratio"}[f.kind]
    return Derivation(id="", doc_id=doc_id, subject=res.name, result=res, inputs=tuple(inputs), operation=op,
                      start=min(t.quote_start for t in (res, *inputs)), end=max(t.quote_end for t in (res, *inputs)),
                      summed=tuple(range(len(inputs))) if f.kind == "sum" else (),
                      complements=tuple(i for i, o in enumerate(f.operands) if o.complement), cue="算式",
                      chunk_id=chunk_id)


# --- valuation: a target price from earnings per share × a multiple --------------------------------------------
# 「预计20/21/22年EPS为3.08/3.92/4.64元…给予32-33倍PE估值，对应目标价为98.64-101.73元」: the price is one year's EPS
# times the multiple, both ends of a range; the EPS year is the one whose product agrees.
_TARGET_PRICE = re.compile(r"目标价(?:格|位)?\s*(?:为|至|到|区间为?)?\s*")
_MULTIPLE = re.compile(r"(\d+(?:\.\d+)?)(?:\s*[-~～—至到]\s*(\d+(?:\.\d+)?))?\s*倍")
_MULTIPLE_WORD = re.compile(r"PE|P/E|市盈率|估值", re.I)
_EPS = re.compile(r"(?:EPS|每股收益)[^。；;]{0,30}?((?:\d+\.\d+\s*(?:元)?\s*[/、,，]\s*)*\d+\.\d+)\s*元", re.I)
VALUATION_REACH = 400  # the EPS is stated this far before the target price at most


def _valuations(text: str, doc_id: str, chunk_id: str, taken: set[int]) -> list[Derivation]:
    out = []
    sents = sentences(text)
    for m in _TARGET_PRICE.finditer(text):
        price = next((s for s in find_numbers(text[m.end():m.end() + 24]) if s.start == 0), None)
        if price is None or "元" not in price.unit or m.end() in taken:
            continue
        sent = next(s for s in sents if s[0] <= m.start() < s[1])
        multiple = _multiple(text, max(sent[0], m.start() - VALUATION_REACH // 2), m.start())
        if multiple is None:
            continue
        lo, hi = Decimal(multiple.group(1)), Decimal(multiple.group(2) or multiple.group(1))
        want_lo, want_hi = price.value, price.high if price.high is not None else price.value
        for eps, e_start, e_end in _eps_values(text, max(0, m.start() - VALUATION_REACH), multiple.start()):
            tol = RANGE_TOLERANCE if price.high is not None else TOLERANCE
            if _close(eps * lo, want_lo, tol) and _close(eps * hi, want_hi, tol):
                res = dataclasses.replace(price, start=m.end() + price.start, end=m.end() + price.end)
                result = _span_term(text, sents, res.start, res.end, res.value, res.high, res.unit, "目标价")
                inputs = (_span_term(text, sents, e_start, e_end, eps, None, "元", "EPS"),
                          _span_term(text, sents, multiple.start(), multiple.end(), lo,
                                     hi if multiple.group(2) else None, "", "PE"))
                out.append(Derivation(id="", doc_id=doc_id, subject="目标价", result=result, inputs=inputs,
                                      operation="product", start=min(t.quote_start for t in inputs),
                                      end=result.quote_end, cue="目标价", chunk_id=chunk_id))
                taken.add(res.start)
                break
    return out


def _multiple(text: str, start: int, end: int) -> re.Match[str] | None:
    """The last multiple (「32-33倍」) before the target price that a valuation word (PE, 市盈率, 估值) names."""
    found = None
    for m in _MULTIPLE.finditer(text, start, end):
        if _MULTIPLE_WORD.search(text, max(0, m.start() - 12), min(end, m.end() + 6)):
            found = m
    return found


def _eps_values(text: str, start: int, end: int) -> list[tuple[Decimal, int, int]]:
    """Each EPS figure stated in text[start:end] (「EPS为3.08/3.92/4.64元」 gives three), with its offsets."""
    out = []
    for m in _EPS.finditer(text, start, end):
        for v in re.finditer(r"\d+\.\d+", m.group(1)):
            out.append((Decimal(v.group(0)), m.start(1) + v.start(), m.start(1) + v.end()))
    return out


def _span_term(text: str, sents: list[tuple[int, int]], start: int, end: int, value: Decimal, high: Decimal | None,
               unit: str, name: str) -> Term:
    sent = next((s for s in sents if s[0] <= start < s[1]), (start, end))
    return Term(name=name, value=value, unit=unit, quote=text[sent[0]:sent[1]].strip(), quote_start=_lstrip(text, sent),
                quote_end=_rstrip(text, sent), start=start, end=end, high=high,
                period=_period(text, sent, start))
