"""User assumptions in a question ("如果渗透率为20%", "with a 4000亿 market") as model overrides.

`parse_assumptions` finds each number the question ties to a model input word (渗透率,
成本占比, 市场规模, penetration, market...), before it ("渗透率提高到百分之三十") or after
it ("25% penetration"). `overrides_for` maps them onto one model's input names, labelled
source "user"; `apply` recomputes the model with them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from bot.errors import ToolError
from bot.tools.figures import Figure
from bot.tools.formulas import Operand
from bot.tools.models import MODELS, ModelResult, NamedModel, build_model, get_model
from bot.tools.numbers import NumberSpan, find_numbers
from bot.tools.units import Dimension, Quantity, QuantityRange

# Words that mark a hypothetical. Route uses them to tell a what-if from a restated figure.
CUES = re.compile(r"如果|假设|假如|倘若|若是|若|要是|设定|换成|改为|改成|提高到|提升到|降到|降低到|下调到|上调到|"
                  r"\bif\b|\bassum|\bsuppose|\bwhat if\b|\bwith an?\b|\binstead\b", re.IGNORECASE)
# Every word a model input goes by, with the dimensions it can take.
def _term_dimensions() -> dict[str, set[Dimension]]:
    out: dict[str, set[Dimension]] = {}
    for m in MODELS:
        for i in m.inputs:
            for word in (i.name, *i.aliases):
                out.setdefault(word.lower(), set()).add(i.dimension)
    return out


_TERM_DIMS = _term_dimensions()
_TERM = re.compile("|".join(
    rf"(?<![a-z]){re.escape(t)}(?![a-z])" if t.isascii() else re.escape(t)
    for t in sorted(_TERM_DIMS, key=len, reverse=True)), re.IGNORECASE)
_BREAK = re.compile(r"[,，。;；?？!！]")
_TARGET_VERB = re.compile(r"(?:到|至|为|成|是|=|\bto|\bbe|\bis|\bof|\bat)\s*$", re.IGNORECASE)
_AFTER_OK = re.compile(r"^\s*(?:的|of|in|the|an?)?\s*$", re.IGNORECASE)
# A model's *result* named in the question ("the regulation market is 9999亿", "监管市场为…") is a claim
# about the answer, not an input: it is never taken as an assumption.
_RESULT_NAME = re.compile(r"(监管|regulation|regulatory|文生视频|text-to-video)\s*(市场|market)", re.IGNORECASE)
_MAX_GAP_BEFORE = 16  # "渗透率从5%提高到" + "20%": a verb and another number may sit between
_MAX_GAP_AFTER = 4


@dataclass(frozen=True)
class Assumption:
    term: str  # the user's word, lower-cased: "渗透率", "market"
    value: Quantity | QuantityRange
    start: int  # span in the question covering the term and the number
    end: int
    text: str


def _usable(span: NumberSpan) -> bool:
    return span.dimension in (Dimension.CURRENCY, Dimension.RATIO, Dimension.NUMBER)


def _fits(term: str, span: NumberSpan) -> bool:
    dims = _TERM_DIMS[term.lower()]
    if span.dimension is Dimension.CURRENCY:
        return Dimension.CURRENCY in dims
    return Dimension.RATIO in dims  # a ratio, or a bare fraction such as 0.2


def parse_assumptions(question: str) -> list[Assumption]:
    """Every (input word, value) pair in the question, in order.

    A word takes a number after it in the same clause ("渗透率为20%"; of "从5%提高到20%"
    the one after 到/为/to), else a number right before it ("25% penetration"); the number
    must fit the word (money for 市场规模, a ratio for 渗透率).

    Args:
        question: the user's question, Chinese or English.
    """
    spans = [s for s in find_numbers(question) if _usable(s)]
    results = [m.span() for m in _RESULT_NAME.finditer(question)]
    terms = [t for t in _TERM.finditer(question) if not any(a <= t.start() < b for a, b in results)]
    pairs: list[tuple[re.Match[str], NumberSpan]] = []
    taken: set[int] = set()
    for t in terms:
        cands = [i for i, s in enumerate(spans) if i not in taken and s.start >= t.end()
                 and s.start - t.end() <= _MAX_GAP_BEFORE and _fits(t.group(), s)
                 and not _BREAK.search(question[t.end():s.start]) and not _TERM.search(question[t.end():s.start])]
        if cands:
            verbs = [i for i in cands if _TARGET_VERB.search(question, t.end(), spans[i].start)]
            i = verbs[-1] if verbs else cands[0]
            taken.add(i)
            pairs.append((t, spans[i]))
    paired_terms = {t.start() for t, _ in pairs}
    for i, s in enumerate(spans):
        if i in taken:
            continue
        after = [t for t in terms if t.start() >= s.end and t.start() not in paired_terms]
        if after and _fits(after[0].group(), s) and _AFTER_OK.match(question[s.end:after[0].start()]) \
                and after[0].start() - s.end <= _MAX_GAP_AFTER:
            paired_terms.add(after[0].start())
            pairs.append((after[0], s))
    out = []
    for t, s in sorted(pairs, key=lambda p: min(p[0].start(), p[1].start)):
        lo, hi = min(t.start(), s.start), max(t.end(), s.end)
        out.append(Assumption(t.group().lower(), s.quantity(), lo, hi, question[lo:hi]))
    return out


def _accepts(model: NamedModel, a: Assumption) -> str | None:
    """The model input an assumption sets, matched by word and dimension; None if none."""
    for inp in model.inputs:
        if a.term not in (x.lower() for x in (inp.name, *inp.aliases)):
            continue
        dim = a.value.dimension
        if inp.dimension is Dimension.CURRENCY and dim is Dimension.CURRENCY:
            return inp.name
        if inp.dimension is Dimension.RATIO and dim in (Dimension.RATIO, Dimension.NUMBER):
            return inp.name
    return None


def overrides_for(model: NamedModel, assumptions: list[Assumption]) -> dict[str, Operand]:
    """The assumptions this model can use, keyed by its input names, labelled source "user"."""
    out: dict[str, Operand] = {}
    for a in assumptions:
        name = _accepts(model, a)
        if name is not None:
            out[name] = Operand(a.value, "user", None)
    return out


def models_for(assumptions: list[Assumption]) -> list[NamedModel]:
    """The models that can use the most of the assumptions (several on a tie).

    "渗透率" points only at the short-video model; "市场规模" alone fits both models.
    """
    scored = [(sum(_accepts(m, a) is not None for a in assumptions), m) for m in MODELS]
    best = max((n for n, _ in scored), default=0)
    return [m for n, m in scored if n == best and n > 0]


def apply(model: NamedModel | str, figures: list[Figure], question: str) -> ModelResult:
    """Recompute a named model with the user's assumptions from the question.

    Args:
        model: the model or its name/alias.
        figures: figures extracted from the report text, for the inputs the user keeps.
        question: the question holding the assumptions.

    Raises:
        ToolError: the question sets none of the model's inputs, or an input is missing.
    """
    m = get_model(model) if isinstance(model, str) else model
    overrides = overrides_for(m, parse_assumptions(question))
    if not overrides:
        raise ToolError(f"The question sets none of the inputs of {m.name} ({', '.join(i.name for i in m.inputs)}).")
    return build_model(m, figures, overrides)
