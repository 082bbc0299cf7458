"""Offline answers: pick the report sentences that answer the question, lead with the most direct one."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Callable

from ..ingest.chunk import is_heading, sentence_spans
from ..ingest.twins import source_id
from ..text import quote_quality
from ..types import Citation, Hit, ReportMeta
from .analysis import Analysis
from .cite import Sentence, cite, sentences
from .glossary import expand_terms
from .match import FactMatch, indicator_words, match, subject_words
from .question import QUESTION_WORDS

# What kind of answer the question wants, and how a sentence shows it has one.
ANSWER_TYPES = [
    (re.compile(r"全称|什么是|是什么意思|是什么[？?]?$|定义|概念|含义|stand for|definition|what is (an? )?[A-Z]{2,}", re.I),
     re.compile(r"概念|是指|指的是|即|定义|全称|[A-Za-z ]+\s*[(（]|[(（][A-Za-z ]+")),
    (re.compile(r"多长|多久|时长|持续时间|how long|duration", re.I),
     re.compile(r"\d+\s*(秒|分钟|小时)|[一二三四五六七八九十两]+(秒|分钟|小时)")),
    (re.compile(r"哪天|哪一天|何时|什么时候|时间|哪年|哪一年|几月|几号|日期|when|what date|which day|which year", re.I),
     re.compile(r"\d{1,2}月\d{1,2}日|\d{4}年|\d{4}-\d{2}-\d{2}")),
    (re.compile(r"多少|多大|几|规模|占比|比例|渗透率|how (many|much|big|large)|size|share|rate|percent", re.I),
     re.compile(r"\d|[一二三四五六七八九十百千万亿两]+(分钟|秒|页|亿|万|倍|成)")),
]


@dataclass
class Scored:
    sentence: Sentence
    score: float
    matched: list[str]
    coverage: float = 0.0  # IDF-weighted share of the question's terms in this sentence
    typed: bool | None = None  # has the kind of answer asked for (a date, a duration, a number); None: no kind asked
    fact: FactMatch | None = None  # single-fact questions: how subject, period and indicator match


def score_sentences(question: str, hits: list[Hit], tokenize) -> list[Scored]:
    """Weight question terms by how rare they are among the candidate sentences; reward sentences that
    cover many of them, carry the kind of answer asked for, and come from a higher-ranked passage."""
    cands = sentences(hits)
    if not cands:
        return []
    terms = [t for t in expand_terms(question, tokenize(question)) if t not in QUESTION_WORDS]
    lowered = [s.text.lower() for s in cands]
    n = len(cands)
    idf = {}
    for t in terms:
        df = sum(1 for s in lowered if t in s)
        if df:
            idf[t] = math.log(1 + n / df)
    total = sum(idf.values()) or 1.0
    wanted = [shows for asks, shows in ANSWER_TYPES if asks.search(question)]
    out = []
    for s, low in zip(cands, lowered):
        matched = [t for t in idf if t in low]
        coverage = sum(idf[t] for t in matched) / total
        score = coverage
        typed = bool(wanted[0].search(s.text)) if wanted else None
        if typed:
            score += 0.35  # a sentence with the kind of answer asked for (a number for 多少) beats a topical one
        section = s.section.lower()
        if section:  # the sentence sits under a heading about the question ("潜在风险因素")
            score += 0.6 * sum(idf[t] for t in idf if t in section) / total
        score += 0.1 / (1 + s.rank)  # retrieval prior
        if len(s.text) < 8 or is_heading(s.text):
            score *= 0.4  # titles, headings and fragments rarely answer anything
        score *= 0.4 + 0.6 * quote_quality(s.text)  # table runs and captions stay searchable, rarely lead
        out.append(Scored(s, score, matched, coverage, typed))
    out.sort(key=lambda x: -x.score)
    return out


def extract(question: str, hits: list[Hit], tokenize, max_sentences: int = 3,
            per_report: bool = False, prefer: set[str] = frozenset(),
            answers: Callable[[str], bool] | None = None) -> tuple[list[Scored], list[Citation]]:
    """The answering sentences (best first) and their citations.

    `per_report`: the best sentences of every retrieved report (for comparisons), not just overall.
    `answers(text)`: whether a sentence holds the kind of answer asked (a person for 谁…); the best-scored
    sentence that does leads, when it scores within KIND_LEAD of the best (a topical sentence that names no
    director does not answer 「导演是谁」).
    """
    scored = score_sentences(question, hits, tokenize)
    if not scored:
        return [], []
    if prefer:  # the reports the question names answer first
        for x in scored:
            if x.sentence.hit.report.doc_id in prefer:
                x.score *= NAMED_REPORT_BOOST
        scored.sort(key=lambda x: -x.score)
    if answers is not None and not per_report:
        top = scored[0].score
        lead = next((x for x in scored[:KIND_DEPTH] if x.score >= KIND_LEAD * top and answers(x.sentence.text)), None)
        if lead is not None and lead is not scored[0]:
            scored.remove(lead)
            scored.insert(0, lead)
            lead.score = max(lead.score, top)
    best = scored[0]
    chosen = [s for s in scored[:max_sentences]
              if s is best or (s.score >= 0.6 * best.score and s.coverage >= 0.5 * best.coverage and s.matched)]
    if per_report:
        # a report and its near-copy are one source: one quota between them
        docs = list(dict.fromkeys(source_id(s.sentence.hit.report) for s in scored))
        quota = max(1, max_sentences // max(1, len(docs)))
        chosen = [s for d in docs for s in [x for x in scored if source_id(x.sentence.hit.report) == d][:quota]]
    cites = [cite(i + 1, s.sentence.hit.report, s.sentence.hit.chunk.chunk_id, s.sentence.text, s.sentence.start,
                  s.sentence.end) for i, s in enumerate(chosen)]
    return chosen, cites


KIND_DEPTH = 10  # candidate sentences read for one holding the kind of answer asked
KIND_LEAD = 0.5  # …and how far below the best-scored one it may score
NAMED_REPORT_BOOST = 1.5  # a sentence of a report the question names (《title》, its company) leads over others
OTHER_REPORTS = 2  # a fact answer also quotes up to this many other reports that state the whole fact…
OTHER_REPORT_SCORE = 0.85  # …scoring within this share of the lead
QUOTABLE = 0.5  # quote quality of a written sentence (a table run, a caption or number soup scores below)


def lead_tier(fm: FactMatch) -> tuple[bool, bool]:
    """The first sort keys of a fact answer's lead (False first): a sentence stating the whole fact, then one naming
    the part of the year asked (「前三季度」, 「Q3单季度」) before one stating a figure for the whole year."""
    return not fm.complete, fm.sub_period is not None and fm.sub_period < 1


def fact_score(x: Scored) -> float:
    """A candidate's score for leading a fact answer: its fact match, the question's terms it covers, its passage's
    rank (`x.fact` set)."""
    return x.fact.score + 0.5 * x.coverage + 0.3 / (1 + x.sentence.rank)


def lead_key(x: Scored, prefer: set[str], about: set[str]) -> tuple:
    """A fact answer's lead order (smallest first): `lead_tier`, then a report the question names (`prefer`), then
    a report on the company asked about (`about`), then `x.score`."""
    doc = x.sentence.hit.report.doc_id
    return (*lead_tier(x.fact), doc not in prefer, doc not in about, -x.score)


def extract_fact(a: Analysis, question: str, hits: list[Hit], tokenize, supporting: int = 2,
                 prefer: set[str] = frozenset(), about: set[str] = frozenset()) -> tuple[list[Scored], list[Citation]]:
    """A single-fact question: the sentence whose subject, period and indicator match, with a number, leads;
    up to `supporting` more sentences of the same report follow when they match almost as well. Among sentences
    stating the whole fact, those of a report the question names (`prefer`: its company in the title) lead, then
    those of a report on the company the subject names (`about`: 「X（600000）：…」 for X)."""
    scored = score_sentences(question, hits, tokenize)
    if not scored:
        return [], []
    words, ind_words = subject_words(a, tokenize), indicator_words(a, tokenize)
    for x in scored:
        s = x.sentence
        x.fact = match(a, s.text, s.hit.chunk.text, s.hit.report.title, words, ind_words)
        x.score = fact_score(x)
    # a sentence stating the whole fact first; of those, one naming the part of the year asked (「前三季度」,
    # 「Q3单季度」) before one stating a figure for the whole year, then one of a report the question names, then one
    # of a report on the company the subject names (`about`). (Tried as further tiers on all 427 reports and dropped:
    # a written sentence before a table run — the table detector also flags slashed series, 「2017/2018/2019年营收
    # 分别为…」, 8 right answers lost for 2; a sentence naming every word of the subject before one leaving a word to
    # a heading — 15 for 12; a subject named as itself before one inside a longer name, 「汽车MEMS」 — 「样本医院
    # 吲哚美辛」, 「整体医药生物上市公司」 are the subject too, 43 for 43.)
    scored.sort(key=lambda x: lead_key(x, prefer, about))
    lead = scored[0]
    doc = lead.sentence.hit.report.doc_id
    chosen = [lead] + [x for x in scored[1:] if x.sentence.hit.report.doc_id == doc and x.score >= 0.8 * lead.score
                       and x.fact.quality >= QUOTABLE][:supporting]
    if supporting and lead.fact.complete:
        # other reports stating the whole fact too (often with another figure: sources differ) are shown after
        # the lead, one sentence each — the user sees that the library does not agree with itself
        seen = {source_id(lead.sentence.hit.report)}  # (a near-copy of a report quoted is no other report)
        for x in scored[1:]:
            if len(seen) > OTHER_REPORTS:
                break
            d = source_id(x.sentence.hit.report)
            if d not in seen and x.fact.complete and x.score >= OTHER_REPORT_SCORE * lead.score and \
                    x.fact.quality >= QUOTABLE and x.sentence.text != lead.sentence.text:
                chosen.append(x)
                seen.add(d)
    cites = [cite(i + 1, x.sentence.hit.report, x.sentence.hit.chunk.chunk_id, x.sentence.text, x.sentence.start,
                  x.sentence.end) for i, x in enumerate(chosen)]
    return chosen, cites


def fact_order(a: Analysis, hits: list[Hit], tokenize, named: set[str] = frozenset(),
               about: set[str] = frozenset(), prior: float = 0.3) -> list[int]:
    """The hits' order for a single-fact question: each passage ranks as its best sentence would lead an answer
    (`extract_fact`'s order — a sentence stating the whole fact, one naming the part of the year asked, one of a
    report the question names, then of a report on the company asked about, then the fact score), with `prior`
    for the retrieval rank within a tier. The passage the answer quotes first is the first passage."""
    words, ind_words = subject_words(a, tokenize), indicator_words(a, tokenize)
    keys = []
    for i, h in enumerate(hits):
        best: tuple = (True, True, 0.0)
        for sp in sentence_spans(h.chunk.text, full_stops_only=True):
            fm = match(a, h.chunk.text[sp.start:sp.end], h.chunk.text, h.report.title, words, ind_words)
            best = min(best, (*lead_tier(fm), -fm.score))
        doc = h.report.doc_id
        keys.append((best[0], best[1], doc not in named, doc not in about, best[2] - prior / (1 + i)))
    return sorted(range(len(hits)), key=lambda i: keys[i])


def summary_points(report: ReportMeta, text: str, chunk_of, limit: int = 8) -> list[Citation]:
    """A report's gist: the first full sentence of each paragraph, in order (at most `limit`).

    `chunk_of(start, end)` gives the id of a chunk holding the whole span (or None), for the citation.
    """
    points: list[Citation] = []
    take_next = True
    for s in sentence_spans(text, full_stops_only=True):
        line = text[s.start:s.end]
        if is_heading(line):
            take_next = True
            continue
        take_next = take_next or s.para_start
        chunk_id = chunk_of(s.start, s.end) if take_next and len(line) >= 20 and line[-1] in "。！？!?;；" \
            and quote_quality(line) >= 0.6 else None
        if chunk_id:
            points.append(cite(len(points) + 1, report, chunk_id, line, s.start, s.end))
            take_next = False
            if len(points) >= limit:
                break
    return points
