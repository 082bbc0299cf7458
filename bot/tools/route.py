"""The offline router: recognise a numeric question and run the right tool on it.

`plan(question, figures)` tries, in order: a unit conversion ("11491亿元是多少万亿"), a CAGR
("从2022年的3000亿元到2030年的11491亿元, 年复合增长率?"), a check of a stated figure quoted
in the question ("80亿是怎么算出来的?"), a what-if ("如果渗透率为20%"), a check of a named
model, a named model's size ("AIGC监管市场规模有多大?"), a conversion of a reported
figure ("AIGC市场规模是多少万亿"), and an explicit product ("3000亿元 × 10% × 20%"). It returns the
Calculations, or None when the question asks for no number.

It raises `ToolError` when the intent is clear but an input is missing (a CAGR without the
number of years, a model whose figures were not retrieved): the caller shows that message
or falls back to an answer without calculation.
"""
from __future__ import annotations

import re

from bot.errors import ToolError
from bot.tools.figures import Figure
from bot.tools.formulas import Calculation, Operand, cagr, convert_units, market_size
from bot.tools.models import MODELS, ModelResult, NamedModel, build_model, detect_model
from bot.tools.numbers import find_numbers
from bot.tools.units import Dimension, Quantity, QuantityRange, normalize_unit
from bot.tools.whatif import CUES, Assumption, apply, models_for, overrides_for, parse_assumptions

_UNIT_WORD = (r"(?P<unit>万亿元|万亿|亿元|亿|万元|万|元|(?:trillion|billion|million|thousand)(?:\s*(?:yuan|rmb|cny))?"
              r"|yuan|rmb|cny)")
_TARGET = re.compile(
    r"\s*(?:大约|大概|约)?\s*(?:(?:是|等于|合|折合|约合|为|相当于)?多少\s*" + _UNIT_WORD +
    r"|(?:换算|转换|折算|折合|转)(?:成|为)?\s*" + _UNIT_WORD.replace("?P<unit>", "?P<unit2>") +
    r"|(?:in|into|to|as)\s+" + _UNIT_WORD.replace("?P<unit>", "?P<unit3>") + r"\b)",
    re.IGNORECASE,
)
# "3000亿元 × 10% × 20%", "3000亿元的10%": an explicit product of money and ratios.
_TIMES = re.compile(r"\s*(?:×|\*|x|乘以|乘|times)\s*", re.IGNORECASE)
_OF = re.compile(r"\s*(?:的|×|\*|x|乘以|乘|times|of)\s*", re.IGNORECASE)
_CAGR = re.compile(r"复合增长率|复合增速|年均增长率|年均增速|年均复合|年复合|CAGR|compound annual|annual growth rate", re.IGNORECASE)
_CHECK = re.compile(r"是否|能否|对得上|对不上|一致|吻合|合理|怎么算|如何算|算出|推出|得出|得到|怎么来|来的|核对|验证|核算|复核|"
                    r"check|verify|consistent|follow|add up|derive|reconcil", re.IGNORECASE)
_SIZE = re.compile(r"规模|多大|多少|几何|测算|估算|预测|空间|潜力|size|how big|how large|how much|estimate|forecast|worth",
                   re.IGNORECASE)


def plan(question: str, figures: list[Figure]) -> list[Calculation] | None:
    """The calculations a numeric question needs, or None if it asks for no number.

    Args:
        question: the user's question.
        figures: figures extracted from the retrieved report text (with citations).

    Raises:
        ToolError: a numeric question whose inputs are missing.
    """
    q = question.strip()
    if not q:
        return None
    for step in (_conversion, _cagr, _check_stated, _what_if, _check_named, _model_size, _figure_conversion,
                 _product):
        out = step(q, figures)
        if out is not None:
            return out
    return None


def _target_unit(q: str, after: int, anchored: bool = True) -> str | None:
    """The unit asked for right after position `after` ("是多少万亿", "in billion yuan")."""
    m = _TARGET.match(q, after) if anchored else _TARGET.search(q, after)
    if m is None:
        return None
    word = m.group("unit") or m.group("unit2") or m.group("unit3")
    return normalize_unit(word)


def _conversion(q: str, figures: list[Figure]) -> list[Calculation] | None:
    money = [s for s in find_numbers(q) if s.dimension is Dimension.CURRENCY]
    if not money:
        return None
    target = _target_unit(q, money[0].end)
    if target is None or target == money[0].unit:
        return None
    return [convert_units(Operand(money[0].quantity(), "user"), "", target)]


def _cagr(q: str, figures: list[Figure]) -> list[Calculation] | None:
    if not _CAGR.search(q):
        return None
    spans = find_numbers(q)
    money = [s for s in spans if s.dimension is Dimension.CURRENCY and not s.is_range]
    years = [s for s in spans if s.unit == "年" and not s.is_range]
    calendar = [int(s.value) for s in years if 1900 <= s.value <= 2100 and s.value == int(s.value)]
    counts = [s.value for s in years if s.value < 1900]
    if len(money) < 2:
        raise ToolError("A growth rate (CAGR) needs a start value and an end value, e.g. 从2022年的3000亿元到2030年的11491亿元.")
    if counts:
        n = counts[0]
    elif len(calendar) >= 2 and calendar[-1] > calendar[0]:
        n = calendar[-1] - calendar[0]
    else:
        raise ToolError("A growth rate (CAGR) needs the number of years: give two years (2022年…2030年) or a span (8年).")
    return [cagr(Operand(money[0].quantity(), "user"), Operand(money[1].quantity(), "user"), str(n))]


def _differs(assumptions: list[Assumption], figures: list[Figure]) -> bool:
    """Whether some assumption is not simply a figure of the report restated.

    "市场规模3000亿是哪一年的" restates the short-video base, even though the AIGC model's
    base differs; a restatement needs to match one model's figure, not all.
    """
    for a in assumptions:
        restated = any(
            f.label == name and _same(f.quantity(), op.value)
            for m in MODELS for name, op in overrides_for(m, [a]).items() for f in figures
        )
        if not restated:
            return True
    return False


def _same(a: Quantity | QuantityRange, b: Quantity | QuantityRange) -> bool:
    try:
        return type(a) is type(b) and a.to(b.unit) == b
    except ToolError:  # different dimensions
        return False


def _what_if(q: str, figures: list[Figure]) -> list[Calculation] | None:
    assumptions = parse_assumptions(q)
    if not assumptions or not (CUES.search(q) or _differs(assumptions, figures)):
        return None
    named = detect_model(q)
    models = [named] if named is not None and overrides_for(named, assumptions) else models_for(assumptions)
    if not models:
        return None
    out: list[Calculation] = []
    errors: list[ToolError] = []
    for m in models:
        try:
            out.append(apply(m, figures, q).calculation)
        except ToolError as e:
            errors.append(e)
            continue
        try:  # the report's own estimate, for comparison with the user's
            out.append(build_model(m, figures).calculation)
        except ToolError:
            pass
    if not out:
        raise errors[0]
    return out


def _model_by_stated(q: str, figures: list[Figure]) -> NamedModel | None:
    """The model whose stated result is a number quoted in the question ("80亿是怎么算的")."""
    for span in find_numbers(q):
        if span.dimension is not Dimension.CURRENCY:
            continue
        for m in MODELS:
            if any(f.label == m.stated_label and _same(f.quantity(), span.quantity()) for f in figures):
                return m
    return None


def _check_stated(q: str, figures: list[Figure]) -> list[Calculation] | None:
    """"80亿是怎么算出来的?": a check of a stated figure quoted in the question (no hypothetical)."""
    if not _CHECK.search(q) or CUES.search(q):
        return None
    m = _model_by_stated(q, figures)
    return None if m is None else build_model(m, figures).calculations()


def _check_named(q: str, figures: list[Figure]) -> list[Calculation] | None:
    """"文生视频市场的测算对得上吗?": a check of a model named in the question."""
    m = detect_model(q) if _CHECK.search(q) else None
    return None if m is None else build_model(m, figures).calculations()


def _model_size(q: str, figures: list[Figure]) -> list[Calculation] | None:
    m = detect_model(q)
    if m is None or not _SIZE.search(q):
        return None
    return build_model(m, figures).calculations()


def _figure_conversion(q: str, figures: list[Figure]) -> list[Calculation] | None:
    """"AIGC市场规模是多少万亿": convert the reported figure named in the question."""
    target = _target_unit(q, 0, anchored=False)
    if target is None:  # cheap test first: the scan below is linear in the library's figures
        return None
    named = sorted((f for f in figures if f.label and f.label in q and f.dimension is Dimension.CURRENCY),
                   key=lambda f: -len(f.label))
    if not named or target == named[0].unit:
        return None
    f = named[0]
    return [convert_units(Operand(f.quantity(), "report", f.citation()), "", target)]


def _product(q: str, figures: list[Figure]) -> list[Calculation] | None:
    """"3000亿元 × 10% × 5%-35%等于多少": market_size on the numbers as written."""
    spans = find_numbers(q)
    for i, s in enumerate(spans):
        if s.dimension is not Dimension.CURRENCY:
            continue
        factors, end = [], s.end
        for t in spans[i + 1:]:
            joint = _OF if not factors else _TIMES
            if t.dimension not in (Dimension.RATIO,) or not joint.fullmatch(q[end:t.start]):
                break
            factors.append(Operand(t.quantity(), "user"))
            end = t.end
        if factors:
            return [market_size(Operand(s.quantity(), "user"), factors)]
    return None


def model_results(question: str, figures: list[Figure]) -> list[ModelResult]:
    """The named-model results a question is about (for charts), [] if none applies."""
    named = detect_model(question) or _model_by_stated(question, figures)
    assumptions = parse_assumptions(question)
    models = [named] if named else models_for(assumptions)
    out: list[ModelResult] = []
    for m in models:
        try:
            out.append(build_model(m, figures))
            if overrides_for(m, assumptions):
                out.append(apply(m, figures, question))
        except ToolError:
            continue
    return out


__all__ = ["plan", "model_results"]
