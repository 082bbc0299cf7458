"""Offline answers: pick the report sentences that answer the question, lead with the most direct one."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from ..types import Citation, Hit
from .cite import Sentence, cite, sentences
from .glossary import expand_terms

_ASKS_NUMBER = re.compile(r"多少|多大|多长|多久|几|规模|占比|比例|渗透率|how (many|much|long|big|large)|size|share|rate|percent", re.I)
_HAS_NUMBER = re.compile(r"\d|[一二三四五六七八九十百千万亿两]+(分钟|秒|页|亿|万|倍|成)")


@dataclass
class Scored:
    sentence: Sentence
    score: float
    matched: list[str]


def score_sentences(question: str, hits: list[Hit], tokenize) -> list[Scored]:
    """Weight question terms by how rare they are among the candidate sentences; reward sentences that
    cover many of them, carry a number when one is asked for, and come from a higher-ranked passage."""
    cands = sentences(hits)
    if not cands:
        return []
    terms = expand_terms(question, tokenize(question))
    lowered = [s.text.lower() for s in cands]
    n = len(cands)
    idf = {}
    for t in terms:
        df = sum(1 for s in lowered if t in s)
        if df:
            idf[t] = math.log(1 + n / df)
    total = sum(idf.values()) or 1.0
    wants_number = bool(_ASKS_NUMBER.search(question))
    out = []
    for s, low in zip(cands, lowered):
        matched = [t for t in idf if t in low]
        coverage = sum(idf[t] for t in matched) / total
        score = coverage
        if wants_number and _HAS_NUMBER.search(s.text):
            score += 0.15
        score += 0.1 / (1 + s.rank)  # retrieval prior
        if len(s.text) < 8:
            score *= 0.3  # headings and fragments rarely answer anything
        out.append(Scored(s, score, matched))
    out.sort(key=lambda x: -x.score)
    return out


def extract(question: str, hits: list[Hit], tokenize, max_sentences: int = 3) -> tuple[list[Scored], list[Citation]]:
    """The answering sentences (best first) and their citations."""
    scored = score_sentences(question, hits, tokenize)
    if not scored:
        return [], []
    best = scored[0].score
    chosen = [s for s in scored[:max_sentences] if s.score >= 0.6 * best and s.matched]
    chosen = chosen or scored[:1]
    cites = [cite(i + 1, s.sentence.hit, s.sentence.text, s.sentence.start, s.sentence.end) for i, s in enumerate(chosen)]
    return chosen, cites
