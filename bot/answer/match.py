"""How well a sentence answers a single-fact question: its subject, period and indicator, and a number.

Used twice: to rerank retrieved passages (the passage holding the best sentence first) and to pick the lead
sentence. Each part is scored where it is found — in the sentence, else in its passage or its report's title
(a company report says 「公司2020年营收…」 under a title naming the company).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..text import quote_quality
from .analysis import Analysis
from .presence import _DATES, _QUANTITY

_PERCENT = re.compile(r"\d(?:[\d.,]*)\s*(%|％|个百分点|pct|pp)", re.I)
RATIO_INDICATORS = ("率", "占比", "份额", "同比", "环比", "复合", "增速", "比重")
# The subject must be named in the sentence or the report's title (0.8 each word); found only elsewhere in the
# passage (0.6) it is the passage's topic, not necessarily this sentence's.
SUBJECT_FLOOR = 0.75
WEIGHTS = {"indicator": 1.2, "modifier": 0.6, "years": 1.0, "sub_period": 0.3, "subject": 1.0, "number": 0.8,
           "quality": 0.8}


@dataclass
class FactMatch:
    indicator: float = 0.0  # 1 in the sentence, 0.5 in its passage
    modifier: float | None = None  # None: no modifier asked
    years: float | None = None  # 1 all years in the sentence, 0.5 in the passage; None: no year asked
    sub_period: float | None = None
    subject: float = 0.0  # share of the subject's words found (sentence > title > passage)
    number: float = 0.0  # the sentence holds a number of the kind asked (a % for ratios)
    quality: float = 1.0

    @property
    def score(self) -> float:
        parts = {"indicator": self.indicator, "modifier": self.modifier, "years": self.years,
                 "sub_period": self.sub_period, "subject": self.subject, "number": self.number,
                 "quality": self.quality}
        return sum(WEIGHTS[k] * v for k, v in parts.items() if v is not None)

    @property
    def complete(self) -> bool:
        """Everything the question names is there: a fact the reports state, not only its topic."""
        return (self.indicator >= 0.5 and self.number >= 1 and (self.years is None or self.years >= 0.5)
                and self.subject >= SUBJECT_FLOOR)

    def to_dict(self) -> dict:
        return {k: (round(v, 3) if isinstance(v, float) else v) for k, v in self.__dict__.items()} | \
            {"score": round(self.score, 3), "complete": self.complete}


def _found(aliases, text: str) -> bool:
    return any(a and a.lower() in text for a in aliases)


def has_year(year: str, text: str) -> bool:
    short = year[2:]
    return year in text or bool(re.search(rf"(?<![\d.]){short}(?:年|[EAQH]|Q[1-4])|[1-4]Q{short}(?!\d)", text))


def subject_words(a: Analysis, tokenize) -> list[str]:
    """The subject's words, without the pieces search-mode tokenisation adds inside longer words
    (血制品 → 制品 + 血制品: only 血制品 counts)."""
    return words_of(a.subject, tokenize)


def indicator_words(a: Analysis, tokenize) -> list[str]:
    return words_of(a.indicator.name, tokenize) if a.indicator and a.indicator.own else []


def words_of(text: str, tokenize) -> list[str]:
    words = [w for w in tokenize(text) if len(w) >= 2 or not re.match(r"[\u4e00-\u9fff]", w)] if text else []
    words = list(dict.fromkeys(w.lower() for w in words))
    return [w for w in words if not any(w != o and w in o for o in words)]


def match(a: Analysis, sentence: str, passage: str, title: str, words: list[str],
          ind_words: list[str] = ()) -> FactMatch:
    s, p, t = sentence.lower(), passage.lower(), title.lower()
    m = FactMatch(quality=quote_quality(sentence))
    ind = a.indicator
    if ind:
        m.indicator = 1.0 if _found(ind.aliases, s) else (0.5 if _found(ind.aliases, p) else 0.0)
        if ind.own and not m.indicator and ind_words:  # the question's own wording: its words, not the phrase
            m.indicator = sum(w in s for w in ind_words) / len(ind_words)
        if ind.modifier:
            m.modifier = 1.0 if _found(ind.modifier_aliases, s) else 0.0
    else:
        m.indicator = 1.0  # the question names no indicator: nothing to miss
    if a.years:
        in_s = sum(has_year(y, s) for y in a.years) / len(a.years)
        in_p = sum(has_year(y, p) or has_year(y, t) for y in a.years) / len(a.years)
        m.years = in_s if in_s == 1 else max(in_s, 0.5 * in_p)
    if a.sub_period:
        m.sub_period = 1.0 if a.sub_period.lower() in s else 0.0
    if words:
        got = 0.0
        for w in words:
            got += 1.0 if w in s else (0.8 if w in t else (0.6 if w in p else 0.0))
        m.subject = got / len(words)
    else:
        m.subject = 1.0  # the question names no subject: nothing to miss
    ratio = bool(ind) and (any(r in ind.name for r in RATIO_INDICATORS) or bool(ind.modifier))
    plain = _DATES.sub(" ", sentence)
    m.number = 1.0 if (_PERCENT.search(plain) if ratio else _QUANTITY.search(plain)) else (
        0.3 if re.search(r"\d", plain) else 0.0)
    return m
