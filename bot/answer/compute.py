"""Computations from cited figures: 「甲行业2018年到2024年市场规模的年均复合增长率是多少？」.

A computation question names what to compute (a CAGR, a difference, a growth rate, a share of a total, a
ratio, a sum) and the figures it needs (one subject and indicator at two years, or two subjects at one year).
Each figure is found the way a single-fact question is answered — retrieval reranked by subject, period and
indicator (`extractive`, `match`) — and its value is the number the sentence states for that year. All inputs
come from ONE report, the report that states them all (a report the question names first); two reports'
figures are never combined. The tools in `bot/tools/formulas.py` compute exactly, each input an Operand with
source "report" and its citation; the answer's first line gives the result with its formula, then the
calculation and the quotes.

`detect(question)` → Spec or None (None: not a computation, or one whose figures the question states itself, which
the tool router computes); `answer(engine, question, spec, filters, named)` → the computed Answer, or a refusal
that names the figure no report states together with the others.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal
from itertools import accumulate

from ..errors import ToolError
from ..retrieve import Filters
from ..tools import formulas
from ..tools.numbers import NumberSpan, find_numbers
from ..tools.units import Dimension, plain
from ..types import Answer, Citation, Hit
from . import numeric
from .analysis import analyse
from .extractive import NAMED_REPORT_BOOST, score_sentences
from .glossary import expand_query, expand_terms
from .match import (COUNT_INDICATOR, REGIONS, SUBJECT_FLOOR, SUBJECT_SYNONYMS, in_brackets, indicator_words, match,
                    subject_words)
from .question import is_chinese

# --- which number a sentence states for a year -------------------------------------------------------------
# A year as reports write it: 2020, 2020年, 2020E, 20年, 20E, FY20 (not 2020万, 2020亿, 2020% or 12020).
_YEAR4 = r"(?<![\d.])((?:19|20)\d{2})(?:\s*年(?!代)|[EAF](?![A-Za-z])|(?![\d.,%‰万亿千百元倍个]))"
_YEAR2 = r"(?<![\d.A-Za-z])(?:FY)?([1-3]\d)(?:年(?![间内来以期代度增复均化])|[EA](?![A-Za-z]))"
_YEAR = re.compile(f"{_YEAR4}|{_YEAR2}")
# Years joined into one group: 2017-2023年 (a span), 2019、2020年 / 2019年和2020年 (a list).
_SPAN_JOIN = re.compile(r"\s*(?:年)?\s*(?:-|–|—|~|～|至|到)\s*$")
_LIST_JOIN = re.compile(r"\s*(?:年)?\s*(?:、|和|与|及|以及|,|，|/|／)\s*$")  # (2018年/2019年, 2018/2019年: a list too)
# A number that is not a figure of the indicator: a multiple, a percentage-point change, a reference.
_NOT_VALUE_AFTER = re.compile(r"\s*(?:倍|个百分点|百分点|pct|pp|bp|x\b|X\b|次方|季度|月|日|号|周|天|层|代|级|寸|英寸|nm|纳米)", re.I)
_NOT_VALUE_BEFORE = re.compile(r"(?:图|表|图表|第|附录|No\.?|Fig\.?|Table)\s*$", re.I)
ALIAS_CUE = 0.5  # the indicator named in a figure's clause (the subject's words count up to 1)
_RATIO_UNITS = ("%", "‰")
# Regions a figure's clause may name instead of the one asked about.
OTHER_REGIONS = REGIONS + ("亚太", "亚洲", "北美", "南美", "拉美", "欧美", "东南亚", "中东", "非洲", "美洲", "欧盟", "德国",
                           "英国", "法国", "巴西", "印尼", "澳大利亚", "加拿大", "台湾", "香港")


@dataclass(frozen=True)
class YearGroup:
    years: tuple[int, ...]
    start: int
    end: int
    span: bool = False  # 2017-2023年: its ends (and, with 分别, every year in between)


def year_groups(text: str) -> list[YearGroup]:
    """The year mentions of a sentence, in order, joined into spans and lists."""
    marks = []
    for m in _YEAR.finditer(text):
        y = int(m.group(1)) if m.group(1) else 2000 + int(m.group(2))
        marks.append((y, m.start(), m.end()))
    groups: list[YearGroup] = []
    for y, s, e in marks:
        if groups:
            g = groups[-1]
            gap = text[g.end:s]
            if _SPAN_JOIN.fullmatch(gap) and len(g.years) == 1 and g.years[0] < y:
                groups[-1] = YearGroup((g.years[0], y), g.start, e, span=True)
                continue
            if _LIST_JOIN.fullmatch(gap) and not g.span and y > g.years[-1]:
                groups[-1] = YearGroup(g.years + (y,), g.start, e)
                continue
        groups.append(YearGroup((y,), s, e))
    return groups


def values(text: str, ratio: bool, groups: list[YearGroup] | None = None) -> list[NumberSpan]:
    """The figures of a sentence: numbers that are no year, no duration, no multiple or reference; only
    percentages for a ratio indicator, none for another."""
    groups = year_groups(text) if groups is None else groups
    out = []
    for n in _slashed_units(text, find_numbers(text)):
        if n.is_range or n.unit == "年" or any(g.start <= n.start < g.end or n.start <= g.start < n.end for g in groups):
            continue
        if (n.unit in _RATIO_UNITS) != ratio:
            continue
        if _NOT_VALUE_AFTER.match(text, n.end) or _NOT_VALUE_BEFORE.search(text[max(0, n.start - 6):n.start]):
            continue
        if not n.unit and (not re.search(r"\d", n.text) or re.match(r"[A-Za-z]", text[n.end:n.end + 1])):
            continue  # 「这一数字」 is words; 5G, 100hz, 2.5g are names and specifications
        if not n.unit and re.fullmatch(r"\d{9,}", n.text.strip()):
            continue  # a code or a telephone number, not a figure
        if not n.unit and re.fullmatch(r"\d+", n.text) and re.match(r"[\u4e00-\u9fff]", text[n.start - 1:n.start]) and \
                re.match(r"[\u4e00-\u9fff]", text[n.end:n.end + 1]) and text[n.end] not in "和与及或至到":
            continue  # 「乙3蛋白」: a number inside a name
        if n.dimension is Dimension.PAGES:
            continue  # 「第3页/共18页」
        out.append(n)
    return out


def _slashed_units(text: str, nums: list[NumberSpan]) -> list[NumberSpan]:
    """A slashed run shares its last unit: 「1.28/2.33/3.1亿元」 is three amounts in 亿元 (a number written with
    no unit of its own before a slash borrows the next one's, as a range's low end does)."""
    out = list(nums)
    for i in range(len(out) - 2, -1, -1):
        n, after = out[i], out[i + 1]
        if not n.unit and after.unit and not n.is_range and text[n.end:after.start].strip() in ("/", "／") \
                and re.search(r"\d", n.text):
            out[i] = replace(n, unit=after.unit, explicit_unit=False)
    return out


_RESPECTIVELY = re.compile(r"分别|依次|各为|各自")
_FROM = re.compile(r"[由从]")
_LINK = re.compile(r"(?:比|较|从|由)(?=\s*$)|(?:比|较|从|由)\s*(?=\d)")
_TO = re.compile(r"增长|增加|提升|提高|上升|下降|下滑|减少|降低|扩大|缩小|增|升|降|跌|达|到|至")
_CLAUSE = re.compile(r"[，,；;。：:！？!?]")
# A quarter, half or month named with a figure: the figure is that sub-period's, not the year's.
_SUB_PERIOD = re.compile(r"(?<![A-Za-z])[Qq][1-4](?!\d)|[1-4]Q(?!\d)|[一二三四1-4]季度|前三季度|上半年|下半年|(?<![A-Za-z])H[12](?!\d)|"
                         r"\d{1,2}(?:-\d{1,2})?月|单季")


def ranked_values(text: str, year: int, ratio: bool = False, words: tuple[str, ...] = (),
                  aliases: tuple[str, ...] = (), part_of_year: bool = False) -> list[tuple[NumberSpan, float]]:
    """The numbers `text` may state for `year`, best first, each with how clearly it is the subject's and
    indicator's (its cue: 0 to about 2).

    A figure follows its year: the first figure after a mention of the year, before the next year is
    mentioned, comes first. A span or list of years followed by as many figures — 「2016-2020年市场规模由310亿元
    增至525亿元」, 「2021、2022年分别达到260万人、340万人」 — gives them in order. When a sentence states several
    figures for the year (「2021年甲设备出货量3.2亿台，…2021年乙设备出货量0.8亿台」), the one whose clause
    names the subject (`words`) and the indicator (`aliases`) leads; so does the subject's place in a list
    of names with 分别 (「2022年甲设备和乙设备出货量分别为3.5亿、0.9亿台」). A quarter's, half's or month's
    figure is not the year's, unless `part_of_year` (the question asks for one: its match scores which).
    """
    groups = year_groups(text)
    nums = values(text, ratio, groups)
    low = text.lower()
    weights = [0.3 if w in REGIONS else 1.0 for w in words]
    asked_regions = {f for w in words if w in REGIONS for f in (w,) + SUBJECT_SYNONYMS.get(w, ())}
    scored: list[tuple[float, int, NumberSpan]] = []

    carried = _parallel_from(text, groups, nums)

    def segment(i: int) -> list[NumberSpan]:
        """The figures after group i, before the next year (none of a quarter, half or month), with those a parallel
        from-to pair carries to its year."""
        stop = groups[i + 1].start if i + 1 < len(groups) else len(text)
        own = [n for n in nums if groups[i].end <= n.start < stop and carried.get(id(n)) is None]
        return [n for n in own + [n for n in nums if carried.get(id(n)) == i]
                if part_of_year or not _sub_period(text, groups[i], n)]

    for i, g in enumerate(groups):
        if not (g.years[0] <= year <= g.years[-1]):
            continue
        after = segment(i)
        nxt = groups[i + 1] if i + 1 < len(groups) else None
        if not after and len(g.years) == 1 and nxt and len(nxt.years) == 1:
            # 「2021年出货量将从2020年的9.4亿部下降至8.7亿部」: 2021's figure is the one it falls to;
            # 「2021年出货比2020年下降约2%，出货量预计为3.1亿台」: the figure after the base year is 2021's
            link = _LINK.search(text, max(g.end, nxt.start - 3), nxt.start)
            later = segment(i + 1)
            if link and link.group() in "从由":
                if len(later) >= 2 and _TO.search(text, later[0].end, later[1].start):
                    after = [later[1]]
            elif link:
                own = later[:1] and later[0].start - nxt.end <= 3  # 「比2020年的420亿美元增长12%，达到470亿美元」
                after = later[1:2] if own else later[:1]
        elif len(g.years) == 1 and i > 0 and not segment(i - 1) and (link := _LINK.search(
                text, max(0, g.start - 3), g.start)) and link.group() not in "从由" and after and after[0].start - g.end > 3:
            continue  # the base year of a comparison: its segment holds the compared year's figure
        if not after:
            continue
        stop = groups[i + 1].start if i + 1 < len(groups) else len(text)
        picked: list[NumberSpan] = []
        if len(g.years) == 1:
            picked = after
        else:
            between = text[g.end:after[0].start]
            listed = list(range(g.years[0], g.years[1] + 1)) if g.span and _RESPECTIVELY.search(between) \
                else list(g.years)
            frm = _FROM.search(text, g.end, stop)
            if g.span and frm and not _RESPECTIVELY.search(between):
                # 「2016-2020年市场规模由310亿元增至525亿元」: the figure after 由/从, then the one it grows to
                pair = [n for n in after if n.start >= frm.end()][:2]
                if len(pair) == 2 and _TO.search(text, pair[0].end, pair[1].start) and year in g.years:
                    picked = [pair[g.years.index(year)]]
            elif year in listed and len(after) >= len(listed) and (
                    len(listed) > 2 or not g.span or _RESPECTIVELY.search(between)):
                picked = [after[listed.index(year)]]
        listed_at = _listed_position(text, g, after, words, weights)
        # a figure's place after its year, not counting the notes in brackets before it (「2017年…静丙1065.6万瓶
        # （2.5g折标），冻干静丙14.6万瓶」: 14.6 is the second figure, 2.5g a unit note)
        places = list(accumulate((not in_brackets(text, m.start, _clause_start(text, m.start)) for m in picked),
                                 initial=0))
        for k, n in zip(places, picked):
            prev = max([m.end for m in nums if m.end <= n.start] + [0])
            clause = max([c.end() for c in _CLAUSE.finditer(text, 0, g.start)] + [0])
            # the words since the previous figure, and the figure's own clause (「而日本市场从2016年的30亿美元增至
            # 2020年的41亿美元」: 日本 is 41's subject too)
            own = max([c.end() for c in _CLAUSE.finditer(text, 0, n.start)] + [0])
            windows = (low[max(prev, min(clause, g.start)):n.start], low[own:n.start])
            cue = max(sum(x for w, x in zip(words, weights) if w in win) / sum(weights) if words else 0.0
                      for win in windows)
            named = {r for r in OTHER_REGIONS if r in windows[0] or r in windows[1]}
            if asked_regions and named and not named & asked_regions:
                cue -= 1.0  # asked about 全球, the figure is 亚太地区's
            # the indicator may govern a list (「我国生产甲剂型820万支，乙剂型12万支」) or come after the previous
            # figure (「…进口量…5.6亿件，进口额则…由2012年的38亿美元」)
            ind_window = low[min(prev, clause):n.start]
            cue += ALIAS_CUE if any(a and a.lower() in ind_window for a in aliases) else 0.0
            if k == 0 and n.start - g.end <= 3 and not _CLAUSE.search(text, g.end, n.start):
                cue += 0.6  # 「2020年的860人」: the figure right after its year
            if listed_at is not None:  # the list decides, whatever the words around
                scored.append((1.5 if n is after[listed_at] else 0.0, -n.start, n))
                continue
            scored.append((cue - 0.2 * k, -n.start, n))
    scored.sort(key=lambda x: (-x[0], -x[1]))
    out: list[tuple[NumberSpan, float]] = []
    for cue, _, n in scored:
        if all(n is not m for m, _ in out):
            out.append((n, cue))
    return out


def _clause_start(text: str, i: int) -> int:
    """Where the sentence (or 「；」 clause) holding text[i] starts."""
    return max(text.rfind(c, 0, i) for c in "。；;！？!?") + 1


def _parallel_from(text: str, groups: list[YearGroup], nums: list[NumberSpan]) -> dict[int, int]:
    """「单价从2017年286元上升到2019年的354元，销量从8.57万支上升到36.08万支」: a from-to pair without years of its own,
    after one with them, is of those years — its first figure is the earlier year's (by id: the index of that
    year's group), not the later one's that it follows."""
    out: dict[int, int] = {}
    for i in range(1, len(groups)):
        a, b = groups[i - 1], groups[i]
        if len(a.years) != 1 or len(b.years) != 1 or not _FROM.search(text, max(0, a.start - 2), a.start) \
                or not _TO.search(text, a.end, b.start):
            continue
        stop = groups[i + 1].start if i + 1 < len(groups) else len(text)
        seg = [n for n in nums if b.end <= n.start < stop]
        for x, z in zip(seg, seg[1:]):
            if _FROM.search(text, max(0, x.start - 2), x.start) and _TO.search(text, x.end, z.start):
                out[id(x)] = i - 1
    return out


def _listed_position(text: str, g: YearGroup, after: list[NumberSpan], words, weights) -> int | None:
    """「A和B…分别为x、y」 around a year: the subject's place among the names listed, when it is one of them."""
    if not words or len(after) < 2:
        return None
    resp = _RESPECTIVELY.search(text, g.end, after[0].start)
    if not resp:
        return None
    clause = max([c.end() for c in _CLAUSE.finditer(text, 0, g.start)] + [0])
    names = (text[clause:g.start] + " " + text[g.end:resp.start()]).lower()
    items = [x for x in re.split(r"和|与|及|、", names) if x.strip()]
    if len(items) < 2:  # 「…A与B分别达到x与y，到2022年将分别突破z与w」: the names listed earlier in the sentence
        earlier = [m for m in _RESPECTIVELY.finditer(text, 0, g.start)]
        if not earlier:
            return None
        e = earlier[-1]
        start = max([c.end() for c in _CLAUSE.finditer(text, 0, e.start())] + [0])
        items = [x for x in re.split(r"和|与|及|、", _YEAR.sub(" ", text[start:e.start()]).lower()) if x.strip()]
        if len(items) < 2:
            return None
    hits = [sum(x for w, x in zip(words, weights) if w in item) for item in items]
    best = max(hits)
    if best <= 0 or hits.count(best) > 1:
        return None
    i = hits.index(best)
    return i if i < len(after) else None


def _sub_period(text: str, g: YearGroup, n: NumberSpan) -> bool:
    """Whether the figure is a quarter's, half's or month's of the year: one is named in the figure's clause, or
    right after the year (「2021年第三季度，收入为5亿元」) unless the clause says 全年."""
    own = max([c.end() for c in _CLAUSE.finditer(text, g.end, n.start)] + [g.end])
    if _SUB_PERIOD.search(text, own, n.start):
        return True
    return bool(_SUB_PERIOD.match(text, g.end + (1 if text[g.end:g.end + 1] in ("的", "第") else 0))) and \
        not re.search(r"全年|年度", text[own:n.start])


def values_for_year(text: str, year: int, ratio: bool = False, words: tuple[str, ...] = (),
                    aliases: tuple[str, ...] = ()) -> list[NumberSpan]:
    """The numbers `text` may state for `year`, best first (see `ranked_values`)."""
    return [n for n, _ in ranked_values(text, year, ratio, words, aliases)]


def value_for_year(text: str, year: int, ratio: bool = False, words: tuple[str, ...] = (),
                   aliases: tuple[str, ...] = ()) -> NumberSpan | None:
    found = values_for_year(text, year, ratio, words, aliases)
    return found[0] if found else None


# --- what a question asks to compute ------------------------------------------------------------------------
_Y = r"(?:19|20)\d{2}"
_YEAR_IN_Q = re.compile(rf"(?<![\d.])({_Y})(?![\d.])")
_CAGR = re.compile(r"(?:的)?(?:年均复合增长率|年均复合增速|年复合增长率|年复合增速|复合年均增长率|复合年增长率|复合增长率|"
                   r"复合增速|年均增长率|年均增速|年化增长率|年化增速|CAGR|compound annual growth(?: rate)?)", re.I)
_GROWTH = re.compile(r"(?:的)?(?:增长了?百分之几|增长了?多少[%％]|增长率|增速|增幅|涨幅|降幅|变化率|growth rate)", re.I)
_DIFF = re.compile(r"(?P<verb>增加|增长|提高|提升|上升|扩大|多|减少|下降|降低|下滑|缩小|少|变化|变动)了?(?:多少|几何)|"
                   r"(?:的)?(?:差额|差值|差距|增量|变化量)|相差(?:了)?(?:多少)?|差(?:了)?多少", re.I)
_TIMES = re.compile(r"(?P<verb>是|为|相当于)(?P<base>[^，,。？?]*?)的?(?:几|多少)倍")
_SHARE = re.compile(r"占(?![比率])(?P<total>[^，,。？?]{1,30}?)的?(?:比例|比重|份额|百分比|多少)")
_TOTAL = re.compile(r"(?:的)?(?:合计|总和|加起来|加总|一共|总共|共计|之和|总计)")
_EN_DIFF = re.compile(r"^\s*(?:by )?how much (?:did|has|does|have|will|was|were)\b|\b(?:the )?difference\b", re.I)
_EN_TIMES = re.compile(r"\bhow many times\b", re.I)
_EN_SHARE = re.compile(r"\b(?:share|proportion|percentage) of\b", re.I)
_EN_TOTAL = re.compile(r"\b(?:combined|in total|sum of|total of)\b", re.I)
_ASK_TAIL = re.compile(r"(?:分别)?(?:大约|大概|约)?(?:是|为|有|达到?)?(?:多少|几何|多大|多高|几|百分之几)?[？?。！!\s]*$")
# Between two years of one period: 2017年到2023年, 2017-2023年, 2019年和2020年, 从2017年至2023年.
_PERIOD = re.compile(rf"(?:从|由|自|在)?\s*({_Y})\s*年?\s*(?:-|–|—|~|～|至|到|和|与|及|、|,|，|\s+and\s+|\s+to\s+)\s*({_Y})\s*年?(?:间|期间)?"
                     rf"|(?:from|between)\s+({_Y})\s+(?:to|and)\s+({_Y})", re.I)
_THAN_YEAR = re.compile(rf"(?:比|较|相比|相较|相对于|对比|than|versus|vs\.?)\s*({_Y})\s*年?(?:相比)?", re.I)
_OWN_FIGURE = re.compile(r"\d")
_PLACEHOLDER = "\u2063"  # where the year goes in a figure's question


@dataclass(frozen=True)
class Need:
    """One figure the computation needs, as the single-fact question that finds it."""

    question: str  # 「甲行业2018年市场规模是多少？」
    year: int
    label: str  # how a message names it: 「甲行业2018年市场规模」


@dataclass(frozen=True)
class Spec:
    kind: str  # cagr | difference | growth | share | ratio | total
    needs: tuple[Need, ...]  # in the formula's order (cagr/growth: start, end; difference/ratio: value, base;
    # share: part, total; total: its terms)
    stem: str  # the question without its ask, for the answer's first line
    verb: str = ""  # difference: the question's verb (增加, 减少…)
    zh: bool = True
    text: str = ""  # the question as searched


_EN_FILLER = re.compile(r"^\s*(?:what|how much|how many|by how much)\s+(?:is|was|were|are|did|does|has|have)\s+(?:the\s+)?|"
                        r"^\s*(?:the|of|for|between)\s+|\s+(?:increase|grow|rise|decrease|fall|decline|change)d?\b|"
                        r"\b(?:of|the)\s*$|\s*[?？.]+\s*$", re.I)


_TITLE_QUOTED = re.compile(r"《[^》]*》")


def _states_figures(q: str) -> bool:
    """Whether the question writes figures of its own (3000亿元, 10%), years and names (5G, 32寸, SGLT-2i) aside —
    and the words of a report's 《title》 (「新三板」), and a numeral in words with no unit (「前十大」, 「十四五」)."""
    titles = [m.span() for m in _TITLE_QUOTED.finditer(q)]
    for n in find_numbers(q):
        before, after = q[max(0, n.start - 1):n.start], q[n.end:n.end + 2]
        if n.unit == "年" or (not n.unit and re.fullmatch(_Y, n.text.strip())):
            continue
        if any(a <= n.start < b for a, b in titles) or (not n.unit and not re.search(r"\d", n.text)):
            continue
        if re.match(r"[A-Za-z\-]", before) or re.match(r"[A-Za-z]|寸|英寸|代", after):
            continue
        return True
    return False


def _years(text: str) -> list[int]:
    return [int(y) for y in _YEAR_IN_Q.findall(text)]


def _template(body: str) -> str | None:
    """The question with its period replaced by a placeholder for one year: 「X2018年到2024年市场规模」 →
    「X⁣年市场规模」; 「X2024年市场规模比2018年」 → 「X⁣年市场规模」."""
    body = _THAN_YEAR.sub("", body)
    m = _PERIOD.search(body)
    zh = is_chinese(body)
    if m:
        head = body[:m.start()] if zh else re.sub(r"\b(?:in|from|between)\s*$", "", body[:m.start()], flags=re.I)
        body = head + (_PLACEHOLDER + "年" if zh else " in " + _PLACEHOLDER + " ") + body[m.end():]
    else:
        ys = list(_YEAR_IN_Q.finditer(body))
        if len(ys) != 1:
            return None
        y = ys[0]
        end = y.end() + (1 if body[y.end():y.end() + 1] == "年" else 0)
        body = body[:y.start()] + _PLACEHOLDER + ("年" if zh else "") + body[end:]
    body = body.replace("年年", "年")
    if not zh:
        for _ in range(3):
            body = _EN_FILLER.sub(" ", body.strip())
        body = re.sub(r"\s+", " ", body).strip()
    return body if _PLACEHOLDER in body and not _YEAR_IN_Q.search(body) else None


def _fact_question(template: str, year: int, zh: bool) -> str:
    text = template.replace(_PLACEHOLDER, str(year)).strip(" ，,的")
    return f"{text}是多少？" if zh else f"What was {text}?"


def _year_needs(template: str, years: list[int], zh: bool) -> tuple[Need, ...]:
    return tuple(Need(_fact_question(template, y, zh), y, template.replace(_PLACEHOLDER, str(y)).strip(" ，,的?？"))
                 for y in years)


def detect(question: str) -> Spec | None:
    """The computation a question asks for, or None (see `_detect`)."""
    spec = _detect(question)
    return replace(spec, text=question.strip()) if spec else None


def _detect(question: str) -> Spec | None:
    """The computation a question asks for, or None (a fact question, or one that states its own figures,
    which the tool router computes). Two years of one subject and indicator: cagr, difference, growth, ratio,
    total; one year and two subjects: difference (「A比B多多少」), share (「A占B的比例」), ratio, total."""
    q = question.strip()
    zh = is_chinese(q)
    years = _years(q)
    if _states_figures(q):
        return None  # 「从2022年的3000亿元到2030年的11491亿元…」: the tool router computes with the question's figures
    stem = _ASK_TAIL.sub("", q) or q
    if (m := _CAGR.search(q)) and len(set(years)) >= 2:
        t = _template(_ASK_TAIL.sub("", q[:m.start()] + q[m.end():]))
        if t is None:
            return None
        y1, y2 = min(years), max(years)
        return Spec("cagr", _year_needs(t, [y1, y2], zh), stem, zh=zh)
    if (m := _GROWTH.search(q)) and len(set(years)) >= 2 and not _TIMES.search(q):
        t = _template(_ASK_TAIL.sub("", q[:m.start()] + q[m.end():]))
        if t is None:
            return None
        first, second = _ordered(q, years)
        return Spec("growth", _year_needs(t, [second, first] if first > second else [first, second], zh), stem, zh=zh)
    if (m := _DIFF.search(q)) or (not zh and (m := _EN_DIFF.search(q))):
        verb = m.groupdict().get("verb") or ""
        body = _ASK_TAIL.sub("", q[:m.start()] + ("" if zh else q[m.end():]))
        if len(set(years)) >= 2:
            t = _template(body)
            if t is None:
                return None
            first, second = _ordered(q, years)
            if not _THAN_YEAR.search(q):  # 「从2020年到2025年增加了多少」: the later year minus the earlier
                first, second = max(first, second), min(first, second)
            return Spec("difference", _year_needs(t, [first, second], zh), stem, verb, zh)
        if zh and (parts := _two_subjects(body, "比")):
            return Spec("difference", parts, stem, verb, zh)
        return None
    if (m := _TIMES.search(q)) or (not zh and _EN_TIMES.search(q)):
        if m and zh and len(set(years)) >= 2 and _YEAR_IN_Q.sub("", m.group("base")).strip(" 年的") and \
                (parts := _two_subjects(q[:m.start()] + "比" + m.group("base"), "比")):
            return Spec("ratio", parts, stem, zh=zh)  # 「2030年A是2022年B的几倍」: two subjects, each at its year
        if len(set(years)) >= 2:
            t = _template(_ASK_TAIL.sub("", q[:m.start()] + q[m.end():])) if m else None
            first, second = _ordered(q, years)
            return Spec("ratio", _year_needs(t, [first, second], zh), stem, zh=zh) if t else None
        if m and zh and (parts := _two_subjects(q[:m.start()] + "比" + m.group("base"), "比")):
            return Spec("ratio", parts, stem, zh=zh)
        return None
    if zh and (m := _SHARE.search(q)) and len(set(years)) <= 1:
        parts = _two_subjects(q[:m.start()] + "比" + m.group("total"), "比")
        return Spec("share", parts, stem, zh=zh) if parts else None
    if (m := _TOTAL.search(q)) or (not zh and (m := _EN_TOTAL.search(q))):
        body = _ASK_TAIL.sub("", q[:m.start()] + q[m.end():])
        if len(set(years)) >= 2:
            t = _template(re.sub(rf"({_Y})\s*年?\s*(?:、|和|与|及|以及)\s*(?=(?:{_Y}))", "", body, count=len(years) - 2)
                          if len(years) > 2 else body)
            return Spec("total", _year_needs(t, sorted(set(years)), zh), stem, zh=zh) if t else None
        parts = _many_subjects(body) if zh else None
        return Spec("total", parts, stem, zh=zh) if parts else None
    return None


def _ordered(q: str, years: list[int]) -> tuple[int, int]:
    """(the year compared, the year it is compared with): 「2025年…比2020年」 → (2025, 2020)."""
    than = _THAN_YEAR.search(q)
    if than:
        base = int(than.group(1))
        other = next((y for y in years if y != base), base)
        return other, base
    return years[0], next(y for y in years if y != years[0])


def _two_subjects(text: str, joint: str) -> tuple[Need, ...] | None:
    """「2020年A的营收比B」 → the figures of A and of B for the same year and indicator (B borrows what it
    leaves out: the year, the indicator, the subject's words after a region)."""
    if joint not in text:
        return None
    left, _, right = text.partition(joint)
    left, right = left.strip(" ，,的"), _ASK_TAIL.sub("", right).strip(" ，,的")
    if not left or not right:
        return None
    years = _years(left) or _years(right)
    year = years[0] if years else 0
    a = analyse(f"{left}是多少？")
    if a.indicator is None or not a.subject:
        return None
    b_text = right
    b = analyse(f"{b_text}是多少？")
    if b.indicator is None or not any(x in right for x in a.indicator.aliases):
        alias = next((x for x in a.indicator.aliases if x in left), a.indicator.name)
        b_text = f"{right}{alias}"
    region = next((r for r in REGIONS if right == r), None)
    if region and a.subject and not a.subject.startswith(right):
        own = a.subject
        for r in REGIONS:
            if own.startswith(r):
                own = own[len(r):]
                break
        b_text = b_text.replace(right, right + own, 1)
    if year and not _years(b_text):
        b_text = f"{year}年{b_text}"
    own_year = (_years(b_text) or [year])[0]  # 「2030年A是2022年B的几倍」: B at its own year
    return (Need(f"{left}是多少？", year, left), Need(f"{b_text}是多少？", own_year, b_text))


def _many_subjects(text: str) -> tuple[Need, ...] | None:
    """「2020年A和B的营收」 → one figure per subject."""
    a = analyse(f"{text}是多少？")
    subs = [s for s in re.split(r"和|与|及|以及|、", a.subject) if s] if a.subject else []
    if len(subs) < 2 or a.indicator is None:
        return None
    year = (_years(text) or [0])[0]
    needs = []
    for s in subs:
        t = text.replace(a.subject, s, 1)
        needs.append(Need(f"{t}是多少？", year, t.strip(" ，,的")))
    return tuple(needs)


# --- finding the figures, in one report ---------------------------------------------------------------------
FACT_DEPTH = 4  # as deep as a single-fact question searches (engine.FACT_DEPTH), in each report refilled
REFILL_REPORTS = 4  # reports stating some of the figures that are searched on their own for the rest
CANDIDATES_PER_NEED = 4  # a report's best sentences for each figure tried in combination
CUE_WEIGHT = 1.0  # how much the words right before a figure (its subject and indicator) count
SERIES_BONUS = 0.5  # …the figures one after the other in the order of their years (「由420家增至760家」)
TOGETHER_BONUS = 1.0  # one sentence stating both figures (「从2018年的X增长到2024年的Y」) is the clearest source


@dataclass
class Found:
    """A figure a report states for one Need: its sentence (with the fact match) and the number."""

    need: Need
    hit: Hit
    text: str
    start: int  # the sentence's offsets in the report
    end: int
    number: NumberSpan
    score: float

    @property
    def doc_id(self) -> str:
        return self.hit.report.doc_id

    def operand(self) -> formulas.Operand:
        return formulas.Operand(self.number.quantity(), "report",
                                {"doc_id": self.doc_id, "chunk_id": self.hit.chunk.chunk_id, "quote": self.text,
                                 "start": self.start, "end": self.end})


# An indicator that counts things (销量, 出货量, 批签发量, 疗程数, 床位数) is not stated in money, and a price (价格, 单价,
# 均价) is: a figure of the other kind answers only when the sentence names the indicator before it (reports do
# write 「销量从2015年的23亿元升至…」). Other indicators (市场规模 in 亿元 or 万台) take any figure.
_PRICED = re.compile(r"价格?$|单价|均价|ASP", re.I)
_MONEY = re.compile(r"元|美金|港币|\$|￥|¥|€|£")  # a bare magnitude (「43万」) is no money
_PRICE_WORD = re.compile(r"价|ASP|费用?", re.I)  # a price named between a count and its figure


def fits_indicator(text: str, n: NumberSpan, indicator: str, aliases: tuple[str, ...] = ()) -> bool:
    """Whether a figure can state `indicator`: no money for a count, nothing but money for a price, unless the
    sentence names the indicator before the figure."""
    money = bool(_MONEY.search(n.text))
    if COUNT_INDICATOR.search(indicator) and not re.search(r"额|金|收入|规模", indicator):
        fits = not money
    elif _PRICED.search(indicator):
        fits = money or not n.unit
    else:
        return True
    if fits:
        return True
    # named in the figure's own clause, no price named after it (「销量从8.57万支上升到36.08万支；经销模式下嗨体从2017年的
    # 280.44元…」: 280.44元 is a price, its clause does not say 销量)
    clause = re.split(r"[；;。！？!?]", text[:n.start])[-1]
    last = max((clause.rfind(w) + len(w) for w in (indicator, *aliases) if w and w in clause), default=-1)
    return last >= 0 and not _PRICE_WORD.search(clause, last)


def find(engine, need: Need, filters, named: list[str], hits: list[Hit] | None = None) -> list[Found]:
    """Every sentence of the passages retrieved for the need's fact question (or of `hits`) that states a
    figure for its year, with subject and indicator matching as a single-fact answer requires; best first."""
    a = analyse(need.question)
    if hits is None:
        hits = engine.retrieve(need.question, need.question, a, filters, named=named)
    tokenize = engine.library.tokenizer
    words, ind_words = subject_words(a, tokenize), indicator_words(a, tokenize)
    ratio = bool(a.indicator) and (bool(re.search(r"率|占比|比重|份额|增速|增幅", a.indicator.name))
                                   or a.indicator.modifier in ("同比", "环比", "占比", "年复合增长率"))
    aliases = a.indicator.aliases if a.indicator else ()
    if not a.zh:  # an English question: the Chinese words the glossary gives for it must be in the sentence
        aliases = tuple(expand_terms(need.question, []))
    out = []
    for x in score_sentences(need.question, hits, tokenize):
        sent = x.sentence
        if not a.zh and not any(t in sent.text for t in aliases):
            continue
        fm = match(a, sent.text, sent.hit.chunk.text, sent.hit.report.title, words, ind_words)
        if fm.subject < SUBJECT_FLOOR:
            continue
        if fm.indicator < (0.25 if fm.own_indicator else 0.5) and fm.subject < 1:
            # a sentence naming the subject itself may leave the indicator implicit (「甲行业由2015年的6亿元增长
            # 至2021年的14亿元」); it scores lower than one naming it (no indicator weight)
            continue
        numbers = ranked_values(sent.text, need.year, ratio, tuple(words), aliases, bool(a.sub_period)) if need.year else \
            [(n, 0.0) for n in values(sent.text, ratio)][:1]
        if a.indicator:
            numbers = [(n, c) for n, c in numbers if fits_indicator(sent.text, n, a.indicator.name, aliases)]
        for k, (n, cue) in enumerate(numbers[:2]):
            score = fm.score + 0.5 * x.coverage + 0.3 / (1 + sent.rank) + CUE_WEIGHT * cue - 0.3 * k
            if sent.hit.report.doc_id in named:
                score *= NAMED_REPORT_BOOST
            out.append(Found(need, sent.hit, sent.text, sent.start, sent.end, n, score))
    out.sort(key=lambda f: -f.score)
    return out


def refill(engine, spec: Spec, found: list[list[Found]], named: list[str], first: list[str] = ()) -> list[list[Found]]:
    """The reports that state some of the figures, searched on their own for every figure: a report's passage
    with the other year's figure (or a better sentence for it) may rank below other reports' passages in the
    library-wide search."""
    best: dict[str, dict[int, float]] = {}
    for i, fs in enumerate(found):
        for f in fs:
            best.setdefault(f.doc_id, {})
            best[f.doc_id][i] = max(best[f.doc_id].get(i, f.score), f.score)
    docs = list(first) + [d for d in sorted(best, key=lambda d: (d not in named, -len(best[d]), -sum(best[d].values())))
                          if d not in first]
    out = [list(fs) for fs in found]
    docs = docs[:REFILL_REPORTS]
    if not docs:
        return out
    k = engine.settings.top_k * FACT_DEPTH
    for i, need in enumerate(spec.needs):
        a = analyse(need.question)
        query = need.question + (" " + " ".join(a.indicator.aliases[:4]) if a.indicator else "")
        expanded = expand_query(query)  # once: each report is searched with the same words
        hits: dict[str, Hit] = {}
        for doc in docs:
            for h in engine.library.search(expanded, k=k, filters=Filters(reports=(doc,))):
                hits.setdefault(h.chunk.chunk_id, h)
        seen = {(f.doc_id, f.start, f.number.start) for f in out[i]}
        out[i] += [f for f in find(engine, need, None, named, list(hits.values()))
                   if (f.doc_id, f.start, f.number.start) not in seen]
    for fs in out:
        fs.sort(key=lambda f: -f.score)
    return out


def choose(spec: Spec, found: list[list[Found]], prefer: str | None = None
           ) -> tuple[list[Found] | None, formulas.Calculation | None, str]:
    """The best set of figures from ONE report that the formula accepts, its calculation, and the last
    tool error (units that do not compare) when no set worked."""
    by_doc: dict[str, list[list[Found]]] = {}
    for i, fs in enumerate(found):
        for f in fs:
            by_doc.setdefault(f.doc_id, [[] for _ in found])[i].append(f)
    options: list[tuple[float, list[Found]]] = []
    for doc, per_need in by_doc.items():
        if not all(per_need):
            continue
        combos: list[list[Found]] = [[]]
        for fs in per_need:  # the statements of the need's best figures (a figure stated twice is one figure)
            top = list(dict.fromkeys(_figure(f) for f in fs))[:CANDIDATES_PER_NEED]
            combos = [c + [f] for c in combos for f in fs if _figure(f) in top]
        # a figure the report states twice is as clear as its clearer statement: 「2018年中国微整形市场规模达1028亿元，
        # 2022年预计可达2197亿元」 leaves 2197's subject to the clause before, 「2022年中国微整形市场规模可达2197亿元」
        # names it — the pair in one sentence should not lose to another market's 2018 figure for that
        best: list[dict[str, float]] = [{} for _ in per_need]
        for i, fs in enumerate(per_need):
            for f in fs:
                key = _figure(f)
                best[i][key] = max(best[i].get(key, f.score), f.score)
        for c in combos:
            spans = {(f.start + f.number.start) for f in c}
            if len(spans) < len(c):
                continue  # one number cannot be two figures
            score = sum(best[i][_figure(f)] for i, f in enumerate(c)) + \
                (TOGETHER_BONUS if len({f.start for f in c}) == 1 else 0.0)
            options.append((score + (SERIES_BONUS if _series(c) else 0.0) + (STATED_BONUS if doc == prefer else 0.0), c))
    options.sort(key=lambda o: -o[0])
    error = ""
    for score, c in options[:30]:
        try:
            calc = compute(spec, c)
            calc.extra["options"] = [(round(x, 2), o[0].hit.report.source) for x, o in options[:6]]
            return c, calc, ""
        except ToolError as e:
            error = error or str(e)
    return None, None, error


def _figure(f: Found) -> str:
    """A figure as written, whatever the spacing (「2197 亿元」 is 「2197亿元」)."""
    return re.sub(r"\s+", "", f.number.text)


def _series(figs: list[Found]) -> bool:
    """One sentence states the figures as a series: in the order of their years, one right after the other
    (「2018-2020年客户数由420家增至760家」, not 「2020年…约9000家，2018-2020年…由420家…」)."""
    if len({f.start for f in figs}) != 1 or len({f.need.year for f in figs}) != len(figs) or not all(f.need.year for f in figs):
        return False
    by_year = sorted(figs, key=lambda f: f.need.year)
    starts = [f.number.start for f in by_year]
    if starts != sorted(starts):
        return False
    text = figs[0].text
    between = [n for n in values(text, by_year[0].number.unit in _RATIO_UNITS) if starts[0] < n.start < starts[-1]]
    return len(between) == len(figs) - 2


def compute(spec: Spec, figs: list[Found]) -> formulas.Calculation:
    ops = [f.operand() for f in figs]
    if spec.kind == "cagr":
        start, end = figs
        formulas.comparable(ops[0], ops[1], "start_value", "end_value")
        return formulas.cagr(ops[0], ops[1], formulas.Operand(formulas.Quantity(Decimal(end.need.year - start.need.year), "年")))
    if spec.kind == "difference":
        return formulas.difference(ops[0], ops[1])
    if spec.kind == "growth":
        return formulas.growth(ops[0], ops[1])
    if spec.kind == "share":
        return formulas.share(ops[0], ops[1])
    if spec.kind == "ratio":
        return formulas.ratio(ops[0], ops[1])
    return formulas.total(ops)


# --- the answer -------------------------------------------------------------------------------------------
_MORE = {"增加": "减少", "增长": "下降", "提高": "下降", "提升": "下降", "上升": "下降", "扩大": "缩小", "多": "少"}
_LESS = {v: k for k, v in _MORE.items()} | {"降低": "提高", "下滑": "增长", "少": "多", "减少": "增加", "下降": "上升"}


def _rounded(d: Decimal, places: int = 2) -> tuple[str, bool]:
    """(text, exact): 23.404255… → ("23.40", False); 10 → ("10", True)."""
    from decimal import ROUND_HALF_UP

    r = d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return (plain(d), True) if r == d else (f"{r:f}", False)


def _shown(q) -> str:
    unit = q.unit
    sep = " " if unit and unit[0].isascii() and unit not in ("%", "‰") else ""
    return f"{plain(q.value)}{sep}{unit}"


def headline(spec: Spec, calc: formulas.Calculation, figs: list[Found], marks: str) -> str:
    """The first line: the result with its formula, every input cited."""
    zh = spec.zh
    r = calc.result
    inputs = [f.number.quantity() for f in figs]
    stem = spec.stem.rstrip("，,的 ")
    if spec.kind in ("cagr", "growth", "share"):
        text, exact = _rounded(r.value)
        about = ("为" if exact else "约为") if zh else ("" if exact else "≈")
        v1, v2 = _shown(inputs[0]), _shown(inputs[1])
        if spec.kind == "cagr":
            n = figs[1].need.year - figs[0].need.year
            how = (f"（({v2} ÷ {v1})^(1/{n}) − 1，n = {figs[1].need.year} − {figs[0].need.year} = {n}年）" if zh else
                   f" (({v2} ÷ {v1})^(1/{n}) − 1, n = {figs[1].need.year} − {figs[0].need.year} = {n} years)")
        elif spec.kind == "growth":
            how = f"（{v2} ÷ {v1} − 1）" if zh else f" ({v2} ÷ {v1} − 1)"
        else:
            how = f"（{v1} ÷ {v2}）" if zh else f" ({v1} ÷ {v2})"
        if zh and re.search(r"(?:增长|下降|提高|提升|减少)了?$", stem):
            about = "" if exact else "约"
        if zh:
            return f"{stem}{about}{text}%{how}{marks}"
        what = {"cagr": "Compound annual growth rate", "growth": "Growth", "share": "Share"}[spec.kind]
        return f"{what}{_en_period(figs)}: {about}{text}%{how} {marks}"
    if spec.kind == "difference":
        d = r.value
        unit = "个百分点" if r.unit in ("%", "‰") else r.unit
        sep = " " if unit and unit[0].isascii() else ""
        how = f"（{_shown(inputs[0])} − {_shown(inputs[1])} = {plain(d)}{sep}{unit}）"
        if zh:
            verb = spec.verb
            if verb and stem.endswith((verb, verb + "了")) and verb not in ("变化", "变动"):
                flipped = _MORE.get(verb) if d < 0 and verb in _MORE else _LESS.get(verb) if d > 0 and verb in _LESS \
                    and verb not in _MORE else None
                if flipped:
                    cut = len(verb) + (1 if stem.endswith("了") else 0)
                    stem = stem[:-cut] + flipped + "了"
                return f"{stem}{plain(abs(d))}{sep}{unit}{how}{marks}"
            return f"{stem}为{plain(d)}{sep}{unit}{how}{marks}"
        return f"Difference{_en_period(figs)}: {plain(d)}{sep}{unit} ({_shown(inputs[0])} − {_shown(inputs[1])}) {marks}"
    if spec.kind == "ratio":
        text, exact = _rounded(r.value)
        how = f"（{_shown(inputs[0])} ÷ {_shown(inputs[1])}）"
        stem = re.sub(r"(?:几|多少)倍$", "", stem)
        if zh:
            return f"{stem}{'' if exact else '约'}{text}倍{how}{marks}"
        return f"Ratio{_en_period(figs)}: {'' if exact else '≈'}{text} times ({_shown(inputs[0])} ÷ {_shown(inputs[1])}) {marks}"
    how = " + ".join(_shown(q) for q in inputs)
    return (f"{stem}为{_shown(r)}（{how}）{marks}" if zh else f"Total{_en_period(figs)}: {_shown(r)} ({how}) {marks}")


def _en_period(figs: list[Found]) -> str:
    years = [f.need.year for f in figs if f.need.year]
    return f", {min(years)}–{max(years)}" if len(set(years)) == len(figs) == 2 else ""


def answer(engine, q: str, spec: Spec, filters=None, named: list[str] | None = None) -> Answer:
    """The computed answer, or a message naming the figure no report states together with the others."""
    named = list(named or [])
    stated = _stated(engine, spec, filters, named) if spec.kind in _STATED else None
    found = [find(engine, need, filters, named) for need in spec.needs]
    found = refill(engine, spec, found, named, [stated.hit.report.doc_id] if stated else [])
    figs, calc, error = choose(spec, found, stated.hit.report.doc_id if stated else None)
    if stated and (calc is None or figs[0].doc_id != stated.hit.report.doc_id):
        # a report states the rate asked for, and does not give both figures: quote it, do not compute from
        # another report's figures
        return _stated_answer(engine, q, spec, stated)
    if calc is None:
        return _missing(engine, q, spec, found, error)
    # the report states the rate and its own figures give another (the figures picked may be of another scope —
    # 1.24亿颗 and 95亿颗 of two products): the stated rate leads, cited [1], the recomputation follows, flagged
    disagrees = stated is not None and not _agrees(stated, calc)
    dicts, citations = numeric.cite_calculations([calc], engine.library.reports_by_id().get,
                                                 first_n=2 if disagrees else 1)
    for d in dicts:
        if "years" in d["inputs"]:
            d["inputs"]["years"]["source"] = "question"  # the period the question names, not an assumption
    marks = "".join(f"[{n}]" for n in sorted({c.n for c in citations}))
    computed = headline(spec, calc, figs, marks)
    zh = spec.zh
    if disagrees:
        citations.insert(0, _cite(stated, 1))
        stem = spec.stem.rstrip("，,的 ")
        head = ([f"{stem}为{stated.rate}（报告给出的数字）[1]",
                 f"按报告中的数据重算：{computed}。两者不一致，所取数据的口径可能不同。"] if zh else
                [f"{stem}: {stated.rate}, as the report states [1]",
                 f"Recomputed from the report's figures: {computed}. The two differ: the figures may not be of the "
                 f"same scope."])
    elif stated:  # the report's own figure for the rate, next to the computed one
        cited = _cite(stated, len(citations) + 1)
        head = [computed + (f"；报告给出的数字为{stated.rate}[{cited.n}]" if zh else
                            f"; the report states {stated.rate} [{cited.n}]")]
        citations.append(cited)
    else:
        head = [computed]
    keys = [k for k in dicts[0]["inputs"] if k != "years"] if dicts else []
    lines = head + [numeric.describe(dicts, zh, dict(zip(keys, (n.label for n in spec.needs))))]
    if citations:
        r = citations[0]
        lines.append((f"报告原文（{r.broker}《{r.title}》{('，' + r.date) if r.date else ''}）：" if zh else
                       f"From the report ({', '.join(x for x in (r.broker, r.title, r.date) if x)}):"))
        lines += [f"[{c.n}] {c.quote}" for c in citations]
    ans = Answer(question=q, answer="\n".join(lines), mode="extractive", citations=citations, calculations=dicts)
    ans.extra["calculations"] = [calc]
    ans.extra["compute"] = {"kind": spec.kind, "needs": [n.question for n in spec.needs],
                            "options": calc.extra.get("options", [])} | ({"stated": stated.rate} if disagrees else {})
    # the first lines' numbers are the calculation's (rounded), the stated rate's and the question's years
    return engine.verify(ans, numeric.tool_text(dicts) + "\n" + "\n".join(head) + "\n" + q)


# Rates a report often states itself (「2020-2024年CAGR将达到14.2%」): quoted next to the computed one.
_STATED = {"cagr": _CAGR, "growth": _GROWTH}
# A rate as reports write it: 14.2%, -3%, and a range, 17-19% or 17%~19% (its high end is not a negative rate).
_RATE = re.compile(r"(?<![\d.])(?:\d+(?:\.\d+)?\s*[%％]?\s*(?:-|–|~|～|至|到)\s*)?[-−]?\d+(?:\.\d+)?\s*[%％]")
_RATE_BOUND = re.compile(r"(?:(?<![\d.%％])[-−])?\d+(?:\.\d+)?")  # a range's dash is no minus: 17-19% is 17 to 19
STATED_BONUS = 2.0  # the figures of the report that states the rate asked for are the ones to recompute it from


@dataclass
class Stated:
    """A sentence stating the rate asked for (subject, both years, indicator, the rate right after its word)."""

    hit: Hit
    text: str
    start: int
    end: int
    rate: str


def _stated(engine, spec: Spec, filters, named: list[str]) -> Stated | None:
    """The sentence that answers the question as a single fact, when it states such a rate."""
    from .extractive import extract_fact

    a = analyse(spec.text)
    hits = engine.retrieve(spec.text, spec.text, a, filters, named=named)
    chosen, _ = extract_fact(a, spec.text, hits, engine.library.tokenizer, supporting=0)
    if not chosen or not chosen[0].fact.complete or (chosen[0].fact.years or 0) < 1:
        return None
    sent = chosen[0].sentence
    rate = _stated_rate(sent.text, _STATED[spec.kind], (spec.needs[0].year, spec.needs[-1].year))
    if rate is None:
        return None
    return Stated(sent.hit, sent.text, sent.start, sent.end, rate)


def _stated_rate(text: str, cue_words: re.Pattern, years: tuple[int, int]) -> str | None:
    """The rate a sentence gives right after its word (「CAGR为14.2%」) or right before it (「保持21%的复合增长率」).
    A sentence may give several (「2013-2018年保持16%复合增长率，…2018-2023年…年复合增长率达到11.7%」): each rate
    belongs to the words since the rate before it, and a rate whose words name another span of years
    (2013-2018年 when 2018 to 2023 is asked) is not the one asked; one whose words name both years asked is."""
    rates = []
    for cue in cue_words.finditer(text):
        after = _RATE.search(text, cue.end(), cue.end() + 16)
        before = [m for m in _RATE.finditer(text, max(0, cue.start() - 12), cue.start())
                  if re.fullmatch(r"\s*(?:的|左右的|以上的)?\s*", text[m.end():cue.start()])]
        found = after or (before[-1] if before else None)
        if found and all(found.start() != r.start() for r in rates):
            rates.append(found)
    best, best_fit = None, -1
    start = 0
    for r in rates:
        fit = _span_fit(text[start:r.end()], years)
        if fit > best_fit:
            best, best_fit = r, fit
        start = r.end()
    return best.group().replace(" ", "") if best is not None and best_fit >= 0 else None


def _span_fit(words: str, years: tuple[int, int]) -> int:
    """2: the words name both years asked; 0: neither that nor another span; -1: another span of years."""
    groups = year_groups(words)
    named = {y for g in groups for y in g.years}
    if set(years) <= named:
        return 2
    return -1 if any(g.span and g.years != tuple(years) for g in groups) else 0


# A rate recomputed from the report's figures agrees with the one it states within a point, or a tenth of it.
AGREE_POINTS = Decimal(1)
AGREE_SHARE = Decimal("0.1")


def _agrees(stated: Stated, calc: formulas.Calculation) -> bool:
    bounds = [Decimal(b.replace("−", "-")) for b in _RATE_BOUND.findall(stated.rate)]
    if not bounds:
        return True
    low, high = min(bounds), max(bounds)
    v = calc.result.value
    return low - max(AGREE_POINTS, AGREE_SHARE * abs(low)) <= v <= high + max(AGREE_POINTS, AGREE_SHARE * abs(high))


def _cite(stated: Stated, n: int) -> Citation:
    from .cite import cite

    return cite(n, stated.hit.report, stated.hit.chunk.chunk_id, stated.text, stated.start, stated.end)


def _stated_answer(engine, q: str, spec: Spec, stated: Stated) -> Answer:
    """The report states the rate; no one report gives both figures to recompute it."""
    from .compose import compose

    citations = [_cite(stated, 1)]
    ans = Answer(question=q, answer=compose(q, citations, spec.zh, grouped=False), mode="extractive",
                 citations=citations)
    ans.notes.append("报告直接给出了这一增长率；同一份报告中没有找到两个数据来核算。" if spec.zh else
                     "The report states this rate; it does not give both figures to recompute it.")
    ans.extra["compute"] = {"kind": spec.kind, "needs": [n.question for n in spec.needs], "stated": stated.rate}
    return engine.verify(ans)


def _missing(engine, q: str, spec: Spec, found: list[list[Found]], error: str) -> Answer:
    """No report states every figure: say which one is missing (or why the figures do not compare)."""
    zh = spec.zh
    best_doc = None
    have: list[Found] = []
    by_doc: dict[str, dict[int, Found]] = {}
    for i, fs in enumerate(found):
        for f in fs:
            by_doc.setdefault(f.doc_id, {}).setdefault(i, f)
    if by_doc:
        best_doc = max(by_doc, key=lambda d: (len(by_doc[d]), sum(f.score for f in by_doc[d].values())))
        have = [by_doc[best_doc][i] for i in sorted(by_doc[best_doc])]
    missing = [n.label for i, n in enumerate(spec.needs) if not best_doc or i not in by_doc[best_doc]]
    citations: list[Citation] = []
    from .cite import cite

    if have:
        report = have[0].hit.report
        citations = [cite(i + 1, report, f.hit.chunk.chunk_id, f.text, f.start, f.end) for i, f in enumerate(have)]
    if error and not missing:
        # the figures that were found, cited, and why they do not compare (in the question's language: the tool's
        # own message is English)
        got = "、".join(f"{f.need.label}（{f.number.text}）[{i + 1}]" for i, f in enumerate(have))
        text = (f"无法计算：{report.broker}《{report.title}》给出的{got}单位不一致，不能直接比较。" if zh and have else
                "无法计算：找到的数据单位不一致，不能直接比较。" if zh else
                f"Cannot compute: the figures found do not compare ({error}).")
    elif have:
        got = "、".join(f"{f.need.label}（{f.number.text}）[{i + 1}]" for i, f in enumerate(have))
        count = "两三四五六七八九十"[len(spec.needs) - 2] if 2 <= len(spec.needs) <= 10 else str(len(spec.needs))
        text = (f"无法计算：需要同一份报告中的{count}个数据。{report.broker}《{report.title}》给出了{got}，"
                f"但没有给出{'、'.join(missing)}；也没有其他报告同时给出这些数据，我不想拼凑不同报告的数字。" if zh else
                f"Cannot compute: the inputs must come from one report. “{report.title}” gives "
                f"{'; '.join(f'{f.need.label} ({f.number.text}) [{i + 1}]' for i, f in enumerate(have))}, "
                f"but not {', '.join(missing)}, and no report states them together.")
    else:
        text = (f"无法计算：现有报告中没有找到{'、'.join(n.label for n in spec.needs)}的数据，我不想凭空猜测。" if zh else
                f"Cannot compute: the reports do not state {', '.join(n.label for n in spec.needs)}.")
    ans = Answer(question=q, answer=text, mode="extractive", citations=citations, refused=True)
    ans.extra["compute"] = {"kind": spec.kind, "needs": [n.question for n in spec.needs], "missing": missing,
                            "error": error}
    # the message's numbers: the question's, the figures found (quoted), the report's title, the tool's error
    named = "\n".join([q, error] + [f"{f.hit.report.title} {f.hit.report.date} {f.number.text}" for f in have])
    return engine.verify(ans, named)
