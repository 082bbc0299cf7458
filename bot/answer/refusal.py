"""Should the bot refuse? Signals that the reports do not hold the answer.

- `unknown`: question terms the whole library never uses (not in the BM25 vocabulary) — "苹果公司的营收"
  asks about something no report mentions.
- `coverage`: the share of the question's (IDF-weighted) terms found in the best answering sentence.
- `cosine`: the dense similarity of the best passage.
The thresholds are set by `bot eval --calibrate` on labelled questions (our gold set's answerable and
unanswerable items plus RGB negatives) and recorded here with the figures that chose them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class Thresholds:
    # Calibrated by `bot eval --calibrate` (see README, "Refusal calibration").
    max_unknown_share: float = 0.34  # refuse when more than this share of content terms is unknown to the library
    min_coverage: float = 0.30  # …or when the best sentence covers less than this of the question
    min_cosine: float = 0.80  # …and the best passage is less similar than this


THRESHOLDS = Thresholds()


@dataclass
class Signals:
    terms: list[str]
    unknown: list[str]
    coverage: float
    cosine: float

    @property
    def unknown_share(self) -> float:
        return len(self.unknown) / len(self.terms) if self.terms else 0.0

    def to_dict(self) -> dict:
        return {"terms": self.terms, "unknown": self.unknown, "coverage": round(self.coverage, 3),
                "cosine": round(self.cosine, 3)}


def signals(nouns: list[str], vocab: dict, coverage: float, cosine: float,
            split: Callable[[str], list[str]] = lambda t: [t]) -> Signals:
    """`nouns`: what the question is about (jieba POS nouns, names, foreign words).

    A noun is known when the library uses it, or — for English words — when the glossary maps it to
    Chinese terms the library uses (an English question over Chinese reports).
    """
    from .glossary import GLOSSARY
    from .question import QUESTION_WORDS

    terms = [t for t in nouns if t not in QUESTION_WORDS and (len(t) >= 2 or not _CJK.search(t))]
    unknown = []
    for t in terms:
        if t in vocab:
            continue
        if _CJK.search(t):
            parts = [p for p in split(t) if len(p) >= 2 and p != t]
            if parts and all(p in vocab for p in parts):
                continue  # a compound the reports spell apart ("监管市场" → 监管, 市场)
        elif GLOSSARY.get(t) or GLOSSARY.get(t.rstrip("s")):
            continue  # an English word the glossary maps to report terms
        unknown.append(t)
    return Signals(terms, unknown, coverage, cosine)


def should_refuse(s: Signals, t: Thresholds = THRESHOLDS) -> bool:
    if s.terms and s.unknown_share > t.max_unknown_share:
        return True
    return s.coverage < t.min_coverage and s.cosine < t.min_cosine
