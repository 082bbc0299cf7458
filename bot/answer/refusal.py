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
# (q21: jieba's piece of 「1Q21」, the first quarter of 2021; 「MEMS6年」 is MEMS over six years)
_PERIOD_TAIL = re.compile(r"(?<=[a-z])(?:q[1-4]|h[12]|[1-9])$", re.I)
_PERIOD = re.compile(r"^(q[1-4]|q[12]\d|h[12]|\d{1,2}[qhm]\d{0,4}|fy\d{2,4}|\d{2,4}[qh]\d?|\d{4}[ea]?)$", re.I)


# Kinds of answer whose absence from the best sentence refuses in every profile. A name asked by 哪个/哪部/什么类型
# is not among them: 「哪个领域」 is answered by a common noun, which no tagger tells from any other; what a thing
# is called (叫什么, 名字: "title") is.
REFUSING_KINDS = ("number", "date", "person", "place", "title")


@dataclass(frozen=True)
class Thresholds:
    max_unknown_share: float = 0.5  # refuse when more than this share of what the question names is unknown
    min_coverage: float = 0.30  # …or when nothing of the question is known, the best sentence covers less
    min_cosine: float = 0.80  # …than this and the best passage is less similar than this
    # "strict" only: refuse whenever the evidence is weak, even if the question's words are all known
    floor_cosine: float = 0.0
    floor_coverage: float = 0.0
    require_type: bool = False  # the best sentence must hold the kind of answer asked for (date, number…)
    require_presence: bool = False  # …and pass presence.py: the question's years, a person/place/name/… not in it


# BOT_REFUSAL selects a profile.
# - "reports" (default): refuse on unknown names/nouns; on the gold set 8/8 unanswerable refused, 0/60 answerable.
# - "strict": for corpora of near-duplicate news passages, where every question word is known but the answer
#   may be missing. Chosen by `bot eval --benchmark rgb --calibrate` on RGB zh questions 100–199 (a split
#   disjoint from the reported questions 0–49); see README, "Refusal calibration".
PROFILES = {
    "reports": Thresholds(),
    "strict": Thresholds(floor_cosine=0.92, require_presence=True),
}
THRESHOLDS = PROFILES["reports"]


@dataclass
class Signals:
    names: list[str]  # proper nouns / names the question is about
    terms: list[str]  # other nouns
    unknown_names: list[str]
    unknown: list[str]  # unknown among `terms`
    coverage: float
    cosine: float
    typed: bool | None = None  # the best sentence has the kind of answer asked for
    years_ok: bool | None = None  # presence.py: the question's years are in the best sentence (None: no years)
    kind_ok: bool | None = None  # presence.py: it has a word of the kind asked for (None: no kind asked)
    wants: str | None = None  # presence.py: the kind asked for (number, date, person, place, name)

    @property
    def unknown_share(self) -> float:
        """Unknown share of everything the question is about (its names and nouns)."""
        n = len(self.names) + len(self.terms)
        return (len(self.unknown_names) + len(self.unknown)) / n if n else 0.0

    @property
    def anything_known(self) -> bool:
        return len(self.unknown_names) < len(self.names) or len(self.unknown) < len(self.terms)

    def to_dict(self) -> dict:
        return {"names": self.names, "terms": self.terms, "unknown_names": self.unknown_names, "unknown": self.unknown,
                "coverage": round(self.coverage, 3), "cosine": round(self.cosine, 3), "typed": self.typed,
                "years_ok": self.years_ok, "kind_ok": self.kind_ok, "wants": self.wants}


def _known(word: str, vocab: dict, split: Callable[[str], list[str]]) -> bool:
    from .glossary import GLOSSARY

    if word in vocab:
        return True
    stem = _PERIOD_TAIL.sub("", word)
    if stem != word and len(stem) >= 2 and stem in vocab:
        return True  # jieba glued the period asked to a Latin name: 「全球PCQ3」 is PC in Q3, 「MEMS6年」 MEMS in 6 years
    if _CJK.search(word) and len(word) >= 3 and (word[1:] in vocab or word[:-1] in vocab):
        return True  # jieba glued a function word to a name ("那海通" = 那 + 海通)
    if _CJK.search(word):
        parts = [p for p in split(word) if len(p) >= 2 and p != word]
        return bool(parts) and all(p in vocab for p in parts)  # a compound spelt apart ("储能市场")
    zh = GLOSSARY.get(word) or GLOSSARY.get(word.rstrip("s")) or []
    return any(z.lower() in vocab or any(p in vocab for p in split(z)) for z in zh)


def signals(topics: list[tuple[str, bool]], vocab, coverage: float, cosine: float,
            split: Callable[[str], list[str]] = lambda t: [t], typed: bool | None = None,
            presence=None) -> Signals:
    """`topics`: (word, is_name) pairs from `Tokenizer.topics`. English non-names only count when the
    glossary knows them (an English question over Chinese reports)."""
    from .glossary import GLOSSARY
    from .question import QUESTION_WORDS

    names, terms = [], []
    for w, is_name in topics:
        if w in QUESTION_WORDS or len(w) < 2 or _PERIOD.match(w):  # one character names nothing ("5G" → "g"),
            continue  # and Q1, H2, 4Q20, 11M20, FY21 are periods
        if is_name:
            names.append(w)
        elif _CJK.search(w) or GLOSSARY.get(w) or GLOSSARY.get(w.rstrip("s")):
            terms.append(w)
    return Signals(names, terms, [w for w in names if not _known(w, vocab, split)],
                   [w for w in terms if not _known(w, vocab, split)], coverage, cosine, typed,
                   presence.years_ok if presence else None, presence.kind_ok if presence else None,
                   presence.kind if presence else None)


def should_refuse(s: Signals, t: Thresholds = THRESHOLDS, analysis: bool = False) -> bool:
    """`analysis`: a summary/compare/themes question, whose generic nouns ("看法", "观点") prove nothing."""
    if s.unknown_names:
        return True  # a company, person or product no report mentions
    if analysis:
        return False
    if s.years_ok is False:
        return True  # the question names a year the best sentence (and its passage's dateline) does not
    if s.wants in REFUSING_KINDS and s.kind_ok is False:
        return True  # asked for a quantity (a year is not one), a date, a person, a place or a name, and the
        # best sentence holding one (extract() leads with it) holds none
    if s.cosine < t.floor_cosine or s.coverage < t.floor_coverage or (t.require_type and s.typed is False):
        return True
    if t.require_presence and (s.years_ok is False or s.kind_ok is False):
        return True
    if s.unknown_share > t.max_unknown_share:
        return True
    if not s.anything_known:  # nothing the question names is in the reports (or it names nothing)
        return not (s.names or s.terms) and s.coverage < t.min_coverage and s.cosine < t.min_cosine or bool(
            s.names or s.terms)
    return False
