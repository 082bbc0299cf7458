"""Quantitative facts in report text: value, unit, what it measures, year and the exact quote.

`extract_figures(text)` finds money, ratios, durations and page counts, labels each from
the words just before it in its clause ("全球手机出货量", "5G手机渗透率"...), and keeps the
containing sentence as the quote with offsets into `text`, so `text[f.start:f.end] == f.quote` always.
A range ("5%-35%") is one Figure with `high` set. Durations and page counts are labelled by kind.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from bot.tools.numbers import NumberSpan, find_numbers
from bot.tools.units import UNITS, Dimension, ValueWithUnit

SENTENCE_END = "。！？!?；;\n"
_CLAUSE_END = SENTENCE_END + "，,：:（(）)、"
_KEPT_DIMENSIONS = (Dimension.CURRENCY, Dimension.RATIO, Dimension.DURATION, Dimension.PAGES)


@dataclass(frozen=True)
class _Rule:
    label: str
    keyword: re.Pattern[str]  # the nearest match (before the number, ideally) wins
    dimension: Dimension
    requires: tuple[str, ...] = ()  # words the sentence must also contain


def _r(label: str, kw: str, dim: Dimension, *requires: str) -> _Rule:
    return _Rule(label, re.compile(kw, re.IGNORECASE), dim, requires)


# Order breaks ties between keywords at the same distance: more specific first.
RULES: tuple[_Rule, ...] = (
    _r("时长", r"时长|长度|视频", Dimension.DURATION),
    _r("页数", r"页|共计", Dimension.PAGES),
)
_GENERIC = {Dimension.CURRENCY: "金额", Dimension.RATIO: "比例", Dimension.DURATION: "时长", Dimension.PAGES: "页数"}
QUALIFIERS = ("中值", "接近", "约", "超过", "不超过", "至少", "高达", "可达", "有望", "预计", "预估", "预测", "假设", "如果")
_SENTENCE_WIDE = ("假设", "如果", "预测", "预估", "预计")
_LEAD_FILLER = re.compile(r"^(?:假设|假定|如果|若|按照|按|以|则|对应|并且|并|且|而|其中|即|预计|预测|预估|测算|估算|我们|到|在|将|"
                     r"为|是|的|了|和|及|与|约|其|该|这|此|来看|来说|计算|考虑)+")
_TAIL_FILLER = re.compile(r"(?:已经|已|将会|将|可能|有望|预计|预估|可|能|会|约为|约|大约|接近|近|超过|高达|达到了|达到|达|为|是|在|"
                          r"不到|不足|中只有|中仅有|只有|仅有|仅为|仅|逾|多达|至少|最多|也|还|都|"
                          r"的|了|之|共计|总计|合计|分别|中值|取|按|占|提升至|提升到|提高到|增长至|降至|下降至)+$")
NAME_CHARS = 16  # a name: at most the last words before its number
_PAGE_COUNT = re.compile(r"报告共计[:：]?\s*$")  # "报告共计:34" without 页


@dataclass(frozen=True)
class Figure(ValueWithUnit):
    """One quantitative fact, with the sentence it comes from."""

    label: str
    value: Decimal  # the low end for a range
    unit: str
    quote: str  # the containing sentence, verbatim
    start: int  # offsets of the quote in the text given to extract_figures
    end: int
    high: Decimal | None = None
    year: int | None = None
    qualifiers: tuple[str, ...] = ()  # e.g. ("接近",) or ("预测", "中值")
    value_start: int = 0  # offsets of the number itself
    value_end: int = 0
    doc_id: str = ""
    chunk_id: str = ""


    def citation(self) -> dict[str, Any]:
        """The reference a Calculation input carries: where the quote is."""
        return {"doc_id": self.doc_id, "chunk_id": self.chunk_id, "quote": self.quote,
                "start": self.start, "end": self.end}


def sentence_bounds(text: str, pos: int) -> tuple[int, int]:
    """Start and end of the sentence around pos, trimmed of surrounding whitespace.

    The closing 。/！/？/； is part of the sentence; a line break ends one too.
    """
    start = max(text.rfind(c, 0, pos) for c in SENTENCE_END) + 1
    ends = [i for i in (text.find(c, pos) for c in SENTENCE_END) if i != -1]
    end = min(ends) if ends else len(text)
    if end < len(text) and text[end] != "\n":
        end += 1
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _clause_start(text: str, sent_start: int, pos: int) -> int:
    return max([sent_start] + [text.rfind(c, sent_start, pos) + 1 for c in _CLAUSE_END])


def words_before(text: str, sent_start: int, pos: int) -> str:
    """What a number measures, as the words before it in its clause say ("AI视频应用渗透率")."""
    before = text[_clause_start(text, sent_start, pos):pos]
    before = re.split(r"[0-9０-９]+(?:\.[0-9]+)?(?![0-9A-Za-z])\s*(?:%|％|年|月|日|亿元|万元|元|亿|万)?", before)[-1]
    before = _TAIL_FILLER.sub("", _LEAD_FILLER.sub("", before.strip())).strip()
    if len(before) > NAME_CHARS:
        cut = before.rfind("的", 0, len(before) - 2)
        if cut >= len(before) - NAME_CHARS:
            before = before[cut + 1:]
        else:
            at = len(before) - NAME_CHARS
            while 0 < at < len(before) and before[at - 1].isascii() and before[at - 1].isalnum():
                at -= 1  # never cut a Latin word ("OLED") in two
            before = before[at:]
    return before


_AFTER_WORDS = re.compile(r"\s*的([\u4e00-\u9fffA-Za-z]{2,10}?)(?=进行|测算|计算|估算|来|为|[，,。；;、）)]|$)")


def words_after(text: str, pos: int) -> str:
    """What a number measures when the words follow it: 「按照1.3%的渗透率测算」 → "渗透率"."""
    m = _AFTER_WORDS.match(text, pos)
    return m.group(1) if m else ""


def _label(text: str, span: NumberSpan, dim: Dimension, s: int, e: int) -> str:
    sentence = text[s:e]
    best: tuple[int, int, str] | None = None
    for order, rule in enumerate(RULES):
        if rule.dimension is not dim or any(w not in sentence for w in rule.requires):
            continue
        for m in rule.keyword.finditer(text, s, e):
            if m.end() <= span.start:
                dist = span.start - m.end()
            elif m.start() >= span.end:
                dist = 1000 + m.start() - span.end  # a keyword after the number counts less
            else:
                continue
            if best is None or (dist, order) < best[:2]:
                best = (dist, order, rule.label)
    if best is not None:
        return best[2]
    return words_before(text, s, span.start) or _GENERIC[dim]  # "2023年公司营业收入达到" → "公司营业收入"


def _year(spans: list[NumberSpan], span: NumberSpan, s: int, e: int) -> int | None:
    years = [y for y in spans if s <= y.start < e and y.unit == "年" and y.high is None
             and y.value == y.value.to_integral_value() and 1900 <= y.value <= 2100]
    before = [y for y in years if y.end <= span.start]
    after = [y for y in years if y.start >= span.end]
    if before:
        return int(before[-1].value)
    return int(after[0].value) if after else None


def _qualifiers(text: str, span: NumberSpan, s: int) -> tuple[str, ...]:
    """Hedges and framing words: in the clause before the number, or (for words that frame
    a whole sentence: 假设, 如果, 预测...) anywhere before it in the sentence."""
    clause = text[_clause_start(text, s, span.start):span.start]
    sentence = text[s:span.start]
    found = [q for q in QUALIFIERS if q in clause or (q in _SENTENCE_WIDE and q in sentence)]
    if "中值" not in found and "中值" in sentence[-20:]:
        found.insert(0, "中值")
    # "不超过" is not also "超过"
    return tuple(q for q in found if not any(q != o and q in o for o in found))


def extract_figures(text: str, doc_id: str = "", chunk_id: str = "") -> list[Figure]:
    """All quantitative figures in `text` (a chunk or a whole cleaned report), in order.

    Args:
        text: the text to read; offsets in the result are offsets into it.
        doc_id: the report id each Figure should carry for its citation.
        chunk_id: the chunk id each Figure should carry for its citation.
    """
    spans = find_numbers(text)
    out: list[Figure] = []
    for span in spans:
        unit = span.unit
        if unit == "" and span.high is None and _PAGE_COUNT.search(text[max(0, span.start - 8):span.start]):
            unit = "页"  # "报告共计:34": the page count, written without 页
        dim = UNITS[unit].dimension
        if dim not in _KEPT_DIMENSIONS:
            continue
        s, e = sentence_bounds(text, span.start)
        e = max(e, sentence_bounds(text, span.end - 1)[1])  # a range may straddle a 。
        out.append(Figure(
            label=_label(text, span, dim, s, e), value=span.value, unit=unit,
            quote=text[s:e], start=s, end=e, high=span.high, year=_year(spans, span, s, e),
            qualifiers=_qualifiers(text, span, s), value_start=span.start, value_end=span.end,
            doc_id=doc_id, chunk_id=chunk_id,
        ))
    return out


def find_figures(figures: list[Figure], label: str) -> list[Figure]:
    """The figures carrying `label`, in their original order."""
    return [f for f in figures if f.label == label]
