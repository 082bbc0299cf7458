"""One analysis of the question, computed once and passed to retrieval, extraction and refusal.

「X公司2020年的营业收入是多少？」 → subject X公司, period 2020年 (years {2020}), indicator 营业收入 (aliases 营收,
收入…), modifier none, wants a number. The indicator vocabulary is data (`data/indicators.json`); a question
naming an indicator the vocabulary does not know still parses: the words between the period and
「是多少」 are its indicator, matched as written.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .compose import analysis_kind
from .presence import YEAR_START, asked_kind
from .question import is_chinese

_DATA = Path(__file__).parent / "data" / "indicators.json"
YEAR = re.compile(YEAR_START + r"(?<!\.)((?:19|20)\d{2})(?:\s*年|[EAF]|(?=[Qq\-—~～至到/]|H[12]|\D|$))")
# the sub-period a question names after its year
_SUB = re.compile(r"单?(前三季度?|上半年|下半年|全年|年底|年末|年初|第?[一二三四1-4]季(?:度|报)?|[Qq]1\s*[-~至]\s*[Qq]?[2-4](?!\d)|[Qq][1-4]|[1-4][Qq]|H[12]|\d{1,2}(?:-\d{1,2})?月|初|末|底)")
_SHORT_PERIOD = re.compile(r"(?<![\dA-Za-z近前后这过去未来])([12]\d)(Q[1-4](?:\s*[-~至]\s*Q[1-4])?|H[12]|E(?![A-Za-z])|"
                           r"年(?:\d{1,2}(?:-\d{1,2})?月|第?[一二三四]季度|[上下]半年|前三季度)|"  # 21年2月, 20年上半年
                           r"年[初末底]?(?!间|内|来|以|期(?![末初])))")
# a range of short years, also right after a Latin name (MiniLED20-23年 is MiniLED, 2020 to 2023)
SHORT_YEAR_JOIN = r"[-~～至到、和与及]"  # between two short years of a range or a pair: 18-19年, 18、19年
_SHORT_RANGE = re.compile(rf"(?<!\d)([12]\d)\s*{SHORT_YEAR_JOIN}\s*([12]\d)\s*(?:年(?!间|内|来|以|期(?![末初]))|E(?![A-Za-z]))")
# a year followed by short years, as forecasts write them: 2020/21/22 (each), 2020-22年 (2020 to 2022)
_SHORT_AFTER_SLASH = r"\s*[/／]\s*\d{2}(?![\d.%])"
_YEAR_THEN_SHORT = re.compile(rf"(?<![\d.])((?:19|20)\d{{2}})((?:{_SHORT_AFTER_SLASH})+|\s*[-~～至到]\s*\d{{2}}(?![\d.%]))")
# a short year right after a Latin name (中国IC20年 is IC in 2020; 4Q20 and FY20 are _SHORT_PERIOD's business)
_NAME_SHORT_YEAR = re.compile(r"(?<=[A-Za-z]{2})([12]\d)(年)(?!间|内|来|以|期(?![末初]))")
# the quarter first, as broker tables write it: 4Q20 is the fourth quarter of 2020
_QUARTER_FIRST = re.compile(r"(?<!\d)([1-4]Q)([12]\d)(?!\d)")
# (a quarter may follow a Latin name in capitals: 「全球PCQ3」 is PC in Q3; one digit before 年 counts years: 「X6年的
# 年复合增长率」 is over six years)
_SUB_ALONE = re.compile(r"单?((?:前|近)?\d{1,2}(?:-\d{1,2})?个?月份?|(?<![A-Za-z\d])[Qq][1-4](?!\d)|(?<=[A-Z]{2})Q[1-4](?![\dA-Za-z])|"
                        r"第?[一二三四]季(?:度|报)?|上半年|下半年|前三季度?|"
                        r"上周|本周|上月|本月|今年|去年|明年|年初|年末|年底|最?近[一二三四五两\d]+年|未来[一二三四五两\d]*年?|目前|当前|"
                        r"(?<![\d.])[1-9]年(?!间|内|来|以|期|\d))")
_RELATIVE_YEARS = ("今年", "去年", "明年")
_ASK_TAIL = re.compile(r"(分别)?(是|为|有|达到?|约为?)?(多少|几何|多大|多高|几)(钱|亿元?|万元?)?[？?。！!]*$|[？?]+$|是什么[？?]*$")
_OTHER_ASK = re.compile(r"哪[家个位些里年天]|谁|何时|什么时候|什么|为什么|为何|如何|怎么|是否|吗[？?]?$")  # not "how much"
_REPORT_REF = re.compile(r"(这份|该|本|此|这篇)?(研究)?(报告|研报)(中|里面|里|提到|指出|认为|称|显示)")  # where, not what
_CLAUSES = re.compile(r"[，,；;]")
_FILLER = re.compile(r"^(请问|请|你好|根据报告|报告中|报告里|研报中)[，,：:\s]*|(的|之|到|至|直至|直到|截至|截止|截止到|自|从|目前|当前|现在)$")


@dataclass(frozen=True)
class Indicator:
    name: str  # canonical, or the question's own words when the vocabulary does not know them
    aliases: tuple[str, ...]
    modifier: str = ""  # 同比 | 环比 | 占比 | 年复合增长率
    modifier_aliases: tuple[str, ...] = ()
    own: bool = False  # worded by the question, unknown to the vocabulary: matched word by word


@dataclass(frozen=True)
class Analysis:
    text: str
    zh: bool
    kind: str | None  # summary | compare | themes | risks (an analysis question), else None
    wants: str | None  # number | date | person | place | name (presence.asked_kind)
    years: tuple[str, ...] = ()
    period: str = ""  # the period as written ("2020年前三季度")
    sub_period: str = ""
    indicator: Indicator | None = None
    subject: str = ""
    quoted_titles: tuple[str, ...] = field(default=())  # 《…》 in the question
    qualifier: str = ""  # words between the period and a known indicator: 「X2019年的出口市场规模」 → 出口

    @property
    def is_fact(self) -> bool:
        """A single-fact question: a number of one subject, period and indicator."""
        return self.zh and self.kind is None and not _OTHER_ASK.search(self.text) and (
            self.wants == "number" or (self.wants is None and self.indicator is not None and not self.indicator.own
                                       and not _CLAUSES.search(self.text)))
        # (an indicator of the question's own words without 多少 — 「2022年某发布会的新手机」 — may ask for a name;
        # a statement of several clauses with a question mark — 「报告指出，…龙头企业的市占率持续提升？」 — asks whether the
        # reports say so, not for one figure)


@lru_cache(maxsize=1)
def vocabulary() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    data = json.loads(_DATA.read_text(encoding="utf-8"))
    return data["bases"], data["modifiers"]


@lru_cache(maxsize=1)
def modifier_words() -> frozenset[str]:
    """Every name of a modifier (同比, 占比, CAGR…); a base's name that is also one (占比 for 市占率) names that base
    only in a report's sentence, never in a question."""
    return frozenset(m for ms in vocabulary()[1].values() for m in ms)


def find_indicator(text: str) -> tuple[Indicator | None, int, int]:
    """The longest vocabulary alias in the question (its span), and a modifier after or around it."""
    bases, mods = vocabulary()
    best = None
    for name, aliases in bases.items():
        for a in aliases:
            if a in modifier_words():
                continue  # 「…占比」 in a question is the share of what it follows (a report's 占比 may state a 市占率)
            i = text.find(a)
            if i >= 0 and (best is None or len(a) > len(best[1])):
                best = (name, a, i)
    mod = None
    for name, aliases in mods.items():
        for a in aliases:
            if len(a) == 1:
                continue  # "占" alone is too common a character to mean a share
            i = text.find(a)
            if i >= 0 and (mod is None or len(a) > len(mod[1])):
                mod = (name, a, i)
    if best is None and mod is None:
        return None, -1, -1
    if best is None:
        name, alias, i = mod
        return Indicator(name=name, aliases=tuple(mods[name]), modifier=name, modifier_aliases=tuple(mods[name])), i, i + len(alias)
    name, alias, i = best
    rate = re.match(r"[\u4e00-\u9fff]{0,3}?率", text[i + len(alias):])
    if rate and not any(text.startswith(m, i + len(alias)) for m in modifier_words()):
        # 「产能利用率」 is a rate of its own, not the 产能 the vocabulary knows (「营收增长率」 is 营收 + 同比)
        own = alias + rate.group()
        end = max(i + len(own), mod[2] + len(mod[1])) if mod else i + len(own)
        return Indicator(name=own, aliases=(own,), modifier=mod[0] if mod else "",
                         modifier_aliases=tuple(mods[mod[0]]) if mod else (), own=True), i, end
    ind = Indicator(name=name, aliases=tuple(dict.fromkeys([alias] + bases[name])),
                    modifier=mod[0] if mod else "", modifier_aliases=tuple(mods[mod[0]]) if mod else ())
    end = i + len(alias)
    if mod:
        end = max(end, mod[2] + len(mod[1]))
    return ind, i, end


def _own_indicator(rest: str) -> Indicator | None:
    """An indicator the vocabulary does not know: the words before 「是多少」, after the period and 的."""
    rest = _ASK_TAIL.sub("", rest).strip(" 的，,？?")
    if 2 <= len(rest) <= 12 and is_chinese(rest):
        return Indicator(name=rest, aliases=(rest,), own=True)
    return None


def _subject(body: str, period: tuple[int, int] | None, ind: tuple[int, int] | None) -> str:
    """What the question is about: the words left when the period, the indicator and the asking are taken out
    (the longest such piece: 「2020年前三季度电子行业的归母净利润」 → 电子行业)."""
    ask = re.search(r"(有|是|为|达到?|约为?)?(多少|几何|多大|多高)|是什么|[？?]", body)
    stop = ask.start() if ask else len(body)
    cuts = sorted(x for x in (period, ind) if x)
    pieces, pos = [], 0
    for a, b in cuts:
        pieces.append(body[pos:a])
        pos = max(pos, b)
    pieces.append(body[pos:stop])
    pieces = [_FILLER.sub("", _REPORT_REF.sub("", p).strip(" ，,的")).strip(" ，,的") for p in pieces]
    # a Chinese question names its subject first; only when it opens with the period or the indicator is the
    # subject further on (「2020年前三季度电子行业的…」)
    first = next((p for p in pieces if len(p) >= 2), "")
    return first if pieces and pieces[0] == first else max(pieces, key=len, default="")


def analyse(question: str) -> Analysis:
    q = question.strip()
    zh = is_chinese(q)
    kind = analysis_kind(q)
    wants = asked_kind(q)
    titles = tuple(re.findall(r"《([^》]{2,80})》", q))
    body = re.sub(r"《[^》]*》", " ", q)
    years = tuple(dict.fromkeys(m.group(1) for m in YEAR.finditer(body)))
    for m in _YEAR_THEN_SHORT.finditer(body):
        years = tuple(dict.fromkeys(years + tuple(m.group(1)[:2] + y for y in re.findall(r"\d{2}", m.group(2)))))
    # the period: the first year with its sub-period ("2020年前三季度", "2021Q1")
    period = sub = ""
    m = re.search(rf"((?:19|20)\d{{2}})(?:{_SHORT_AFTER_SLASH})*\s*年?\s*(?:度)?" + _SUB.pattern + "?", body) or _SHORT_RANGE.search(body) \
        or _SHORT_PERIOD.search(body) or _NAME_SHORT_YEAR.search(body) or _QUARTER_FIRST.search(body) \
        or _SUB_ALONE.search(body)
    start = m.start() if m else 0  # where the period starts (before a part of the year that follows 今年)
    if m and m.re is _SUB_ALONE and m.group(1) in _RELATIVE_YEARS and \
            (part := _SUB_ALONE.match(body, m.end())) and part.group(1) not in _RELATIVE_YEARS:
        m = part  # 「今年1-7月」: the months asked, not the whole of this year (a report's 「今年1-10月」 is not it)
    if m and m.re is _QUARTER_FIRST:
        years = years or ("20" + m.group(2),)
    if m and m.re is _SHORT_RANGE:
        years = tuple(dict.fromkeys(years + ("20" + m.group(1), "20" + m.group(2))))
    elif m and m.re in (_SHORT_PERIOD, _NAME_SHORT_YEAR) and not years:
        years = ("20" + m.group(1),)  # 20Q1 is 2020Q1
    if m:
        period = body[start:m.end()]
        sub = m.group(1) if m.re in (_SUB_ALONE, _QUARTER_FIRST) else "" if m.re in (_SHORT_RANGE, _NAME_SHORT_YEAR) \
            else (m.group(2) or "")
        sub = sub.replace("月份", "月").replace("个月", "月")
        sub = re.sub(r"季报?$", "季度", sub)  # 「2020年三季」, 三季报: the third quarter
        if len(sub) > 2 and sub[0] == "年":  # 「21年2月」: the month of the short year
            sub = sub[1:]
        if sub in ("年", "E"):  # 「20年」: the year itself, no part of it
            sub = ""
        elif sub in ("初", "末", "底"):  # 「2020年初」: the 年 went with the year
            sub = "年" + sub
    ind, i, j = find_indicator(body)
    subject = ""
    if zh:
        if ind is None and m:
            ind = _own_indicator(body[m.end():])
            if ind:
                i = body.find(ind.name, m.end())
                j = i + len(ind.name)
        subject = _subject(body, (start, m.end()) if m else None, (i, j) if ind and i >= 0 else None)
        if ind is None and (own := re.search(r"的([^的，,？?]{2,12}?)(?:是|为|有)?多少", body)):
            ind = _own_indicator(own.group(1))  # 「X的国产率是多少」
            subject = _subject(body, (start, m.end()) if m else None, own.span(1))
        if ind is None and (ask := re.search(r"(有|是|为)?多少", body)):
            ind = _own_indicator(body[ask.end():]) if ask.end() < len(body) - 1 else None
    if zh and ind is not None and ind.name == ind.modifier and m and i > m.end() and body[:start].strip():
        # 「X2020年的项目数量占比」 with 项目数量 unknown to the vocabulary: the words between the period and the rate
        # are the indicator the rate is of, X (before the period) the subject
        base = body[m.end():i].strip(" 的，,")
        if 2 <= len(base) <= 8 and is_chinese(base) and not re.search(r"\d", base):
            ind = Indicator(name=base, aliases=(base,), modifier=ind.modifier, modifier_aliases=ind.modifier_aliases,
                            own=True)
            if subject == base:
                subject = body[:start].strip(" ，,的")
    if ind is not None and ind.name == ind.modifier and "的" in subject:
        # 「X的出口额环比」 with 出口额 unknown to the vocabulary: X is the subject, 出口额 the indicator the rate is of
        head, _, base = subject.rpartition("的")
        if len(head) >= 2 and 2 <= len(base) <= 8:
            subject = head
            ind = Indicator(name=base, aliases=(base,), modifier=ind.modifier, modifier_aliases=ind.modifier_aliases,
                            own=True)
    qualifier = ""
    if zh and ind is not None and not ind.own and m and i > m.end():
        between = body[m.end():i].strip(" ，,的")
        if 1 <= len(between) <= 4 and is_chinese(between) and not re.search(r"[\dA-Za-z]", between) \
                and between != subject and not _SUB_ALONE.fullmatch(between):
            qualifier = between  # 「X2019年的出口市场规模」: the export market, not the whole one
    return Analysis(text=q, zh=zh, kind=kind, wants=wants, years=years, period=period, sub_period=sub,
                    indicator=ind, subject=subject, quoted_titles=titles, qualifier=qualifier)
