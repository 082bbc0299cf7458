"""User assumptions in a question ("如果渗透率为20%", "with a 4000亿 market") and the estimate inputs they set.

`parse_assumptions` reads each number the question gives together with the words that name it — before it
("渗透率提高到百分之三十", "if penetration is 25%") or after it ("25% penetration", "20%的渗透率"). `match_input`
finds the input of a detected estimate (`bot.tools.estimates`) the words name: the report's own wording
(渗透率, 出厂价格, 人均消费, 单机用量…), a close paraphrase, or an English word of the small glossary in
`data/terms.json`. Nothing here knows a report: the words are the user's, the names the report's.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from bot.tools.estimates import Derivation
from bot.tools.numbers import NumberSpan, find_numbers
from bot.tools.units import Dimension, Quantity, QuantityRange

# Words that mark a hypothetical. Route uses them to tell a what-if from a restated figure.
CUES = re.compile(r"如果|假设|假如|倘若|若是|若|要是|设定|换成|改为|改成|提高到|提升到|降到|降低到|下调到|上调到|"
                  r"\bif\b|\bassum|\bsuppose|\bwhat if\b|\bwith an?\b|\binstead\b", re.IGNORECASE)
_CLAUSE = re.compile(r"[,，。;；?？!！:：]")
_LEAD = re.compile(r"^(?:\s|那么|那|就|如果|假设|假如|倘若|若是|若|要是|设定|我们|把|将|让|当|在|按照|按|以|并且|并|且|而|同时|再|"
                   r"\bwhat\b|\bif\b|\bassuming\b|\bassume\b|\bsuppose\b|\bthat\b|\bthe\b|\bwith\b|\ban?\b|\band\b)+",
                   re.IGNORECASE)
_VERB_TAIL = re.compile(r"(?:\s|为|是|取|等于|=|设为|达到|达|到|至|变成|变为|换成|改为|改成|提高到|提升到|增加到|增长到|降到|降低到|"
                        r"下调到|上调到|下降到|从|由|\bis\b|\bare\b|\bwere\b|\bwas\b|\bbe\b|\bto\b|\bat\b|\bof\b|\bbecomes\b)+$",
                        re.IGNORECASE)
_AFTER_EN = re.compile(r"\s*(?:of\s+|in\s+|the\s+|an?\s+)*((?:(?!how\b|what\b|would\b|is\b|are\b|will\b)[a-z][a-z\-]*\s?){1,3})",
                       re.IGNORECASE)
_AFTER_ZH = re.compile(r"\s*的?([\u4e00-\u9fffA-Za-z]{2,12}?)(?=的情况|情况|时|下|[,，。;；?？!！]|有多|是多|会|将|能|可|的话|$)")
_NOT_TERM = re.compile(r"^(?:是|多少|几|等于|合|约|换算|折合|相当于|what|how|is|in|into)", re.IGNORECASE)
_FROM_TO = re.compile(r"\s*(?:提高到|提升到|增加到|增长到|降到|降低到|下降到|上调到|下调到|到|至|变成|变为|\bto\b)", re.IGNORECASE)
_MIN_MATCH = 0.5


@dataclass(frozen=True)
class Assumption:
    term: str  # the user's words for the input, lower-cased: "渗透率", "penetration"
    value: Quantity | QuantityRange
    start: int  # span in the question covering the term and the number
    end: int
    text: str


@lru_cache(maxsize=1)
def _terms() -> dict:
    return json.loads((Path(__file__).parent / "data" / "terms.json").read_text(encoding="utf-8"))


def glossary() -> dict[str, list[str]]:
    """English words → the Chinese words reports use for them (general vocabulary, not any report's)."""
    return {k.lower(): v for k, v in _terms()["en_zh"].items()}


@lru_cache(maxsize=1)
def generic_grams() -> frozenset[str]:
    """The character pairs of words that say what is measured, not whose (市场规模, 销量…)."""
    return frozenset(g for w in (*_terms()["generic"], *_terms()["places"]) for g in _grams(w))


@lru_cache(maxsize=1)
def generic_words() -> re.Pattern[str]:
    words = (*_terms()["generic"], *_terms()["places"])
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


def measures_in(text: str) -> list[str]:
    """The measure words in a text (市场规模, 渗透率, 价格…), longest first, none inside another."""
    out: list[str] = []
    for w in sorted(_terms()["generic"], key=len, reverse=True):
        if w in text and not any(w in o for o in out):
            out.append(w)
    return out


def paraphrases(term: str) -> list[str]:
    """Other ways reports word a Chinese term (占比 → 占, 比例; 单价 → 均价…)."""
    out = []
    for key, alts in _terms()["zh_zh"].items():
        if key in term:
            out.extend(term.replace(key, alt) for alt in alts)
    return out


def _usable(span: NumberSpan) -> bool:
    if not span.unit and span.high is None and re.fullmatch(r"(?:19|20)\d\d", span.text.strip()):
        return False  # a bare year ("the 2030 market size") sets no input's value
    try:
        return span.dimension not in (Dimension.YEARS, Dimension.DURATION, Dimension.PAGES)
    except Exception:
        return False


def parse_assumptions(question: str) -> list[Assumption]:
    """Every (words, value) pair the question sets, in order; numbers without naming words are left out.

    Of "渗透率从5%提高到20%" only the value after 提高到 is an assumption.
    """
    spans = [s for s in find_numbers(question) if _usable(s) and not question[s.end:s.end + 1].isascii()
             or _usable(s) and not question[s.end:s.end + 1].isalpha()]  # "5G" names a thing, it sets nothing
    out: list[Assumption] = []
    for i, s in enumerate(spans):
        if i + 1 < len(spans) and _FROM_TO.match(question, s.end) and spans[i + 1].start - s.end <= 6:
            continue  # "从5%提高到20%": 5% is where it starts, not the assumption
        clause_start = max([0] + [m.end() for m in _CLAUSE.finditer(question, 0, s.start)])
        before = question[clause_start:s.start]
        term = _VERB_TAIL.sub("", _LEAD.sub("", before.strip())).strip()
        term = re.split(r"从|由", term)[0]  # "渗透率从5%提高到20%": the words before 从 name it
        term = _VERB_TAIL.sub("", term).strip()
        lo, hi = clause_start + len(before) - len(before.lstrip()), s.end
        if not term or _NOT_TERM.match(term):
            m = _AFTER_EN.match(question, s.end) if question[s.end:s.end + 2].strip()[:1].isascii() else \
                _AFTER_ZH.match(question, s.end)
            term = m.group(1).strip() if m else ""
            lo, hi = s.start, (m.end(1) if m else s.end)
            if _NOT_TERM.match(term):
                term = ""
        if not term:
            continue
        lo = question.find(term, lo, hi) if term in question[lo:hi] else lo
        out.append(Assumption(term.lower(), s.quantity(), min(lo, s.start), max(hi, s.end), question[min(lo, s.start):max(hi, s.end)]))
    return out


def _grams(text: str) -> set[str]:
    text = text.lower()
    words = set(re.findall(r"[a-z][a-z0-9]+", text))
    cjk = re.sub(r"[^\u4e00-\u9fff]", " ", text)
    grams = {a + b for part in cjk.split() for a, b in zip(part, part[1:])}
    singles = {part for part in cjk.split() if len(part) == 1}
    return words | grams | singles


def variants(term: str) -> list[str]:
    """The user's words as reports would write them: English words of the glossary put into Chinese in place
    ("china medical aesthetics market" → "中国 医美 市场规模"); a term that is one glossary entry also gives its other
    Chinese words ("share" → 占比, 份额, 比例)."""
    g = glossary()
    low = term.lower().strip()
    whole = low
    for en in sorted(g, key=len, reverse=True):
        whole = re.sub(rf"(?<![a-z]){re.escape(en)}(?![a-z])", g[en][0], whole)
    if whole == low:
        return [term, *paraphrases(term)]
    return [whole, *g.get(low, [])[1:], *paraphrases(whole)]


def translated(text: str) -> str:
    """English words of the glossary replaced by the Chinese word reports use first."""
    return variants(text)[0]


def name_score(term: str, name: str) -> float:
    """How well the user's words name an input: the share of their words / character pairs in its name."""
    best = 0.0
    for v in variants(term):
        want = _grams(v)
        if not want:
            continue
        have = _grams(name)
        best = max(best, len(want & have) / len(want), 1.0 if v and v in name else 0.0)
    return best


def _fits(a: Assumption, like: Quantity) -> bool:
    want = like.dimension
    got = a.value.dimension
    if want is Dimension.RATIO:
        return got in (Dimension.RATIO, Dimension.NUMBER)
    if got is Dimension.RATIO:
        return False
    try:
        (a.value.high if isinstance(a.value, QuantityRange) else a.value).to(like.unit)
        return True
    except Exception:
        return got is Dimension.NUMBER


def match_input(a: Assumption, names: list[str], d: Derivation) -> tuple[int, float] | None:
    """The index of the input the assumption sets, and how well its words match; None if none fits."""
    best: tuple[int, float] | None = None
    for i, (name, t) in enumerate(zip(names, d.inputs)):
        try:
            like = Quantity(t.value, t.unit)
        except Exception:
            continue
        if not _fits(a, like):
            continue
        score = name_score(a.term, name)
        if score >= _MIN_MATCH and (best is None or score > best[1]):
            best = (i, score)
    return best


def overrides_for(d: Derivation, names: list[str], assumptions: list[Assumption]) -> dict[str, Quantity | QuantityRange]:
    """The assumptions this estimate can use, keyed by its input names.

    Words that name the estimate's result better than any input ("the regulation market is 9999亿") are a claim
    about the answer, not an input: they set nothing.
    """
    out: dict[str, Quantity | QuantityRange] = {}
    for a in assumptions:
        m = match_input(a, names, d)
        if m is not None and name_score(a.term, d.result.name) <= m[1]:
            out[names[m[0]]] = a.value
    return out
