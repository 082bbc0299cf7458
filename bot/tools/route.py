"""The offline router: recognise a numeric question and run the right tool on it.

`plan(question, figures, estimates)` tries, in order: a unit conversion ("11491亿元是多少万亿"), a CAGR
("从2022年的3000亿元到2030年的11491亿元, 年复合增长率?"), then the estimates the retrieved reports make
(`bot.tools.estimates`, found at ingest): a check of a stated result quoted in the question ("80亿是怎么算出来的?"),
a what-if on an input named in the question ("如果渗透率为20%"), a check or the size of the estimate whose result
the question names ("X市场规模有多大?"); then a conversion of a reported figure ("X市场规模是多少万亿") and an
explicit product ("3000亿元 × 10% × 20%"). It returns the Calculations, or None when the question asks for no number.

It raises `ToolError` when the intent is clear but an input is missing (a CAGR without the number of years):
the caller shows that message or falls back to an answer without calculation.
"""
from __future__ import annotations

import re
from typing import Sequence

from bot.errors import ToolError
from bot.tools.figures import Figure
from bot.tools.formulas import Calculation, Operand, cagr, convert_units, market_size
from bot.tools.estimates import Derivation
from bot.tools.numbers import find_numbers
from bot.tools.rebuild import input_names, rebuild, term_value
from bot.tools.units import Dimension, Quantity, QuantityRange, normalize_unit, unit_like
from bot.tools.whatif import (
    CUES, Assumption, _grams, generic_grams, generic_words, match_input, measures_in, overrides_for, paraphrases,
    parse_assumptions, translated,
)

SIZE_FLOOR = 0.75  # share of the question's subject words the estimate's result must name to answer a size question
CHECK_FLOOR = 0.6
NAME_GRAMS = 3  # a result name with this many distinctive character pairs is recognised alone
WHATIF_FLOOR = 0.5  # a what-if's other words must name the estimate's result at least this well
WHATIF_MARGIN = 0.2  # ... and nearly as well as the estimate they name best

_UNIT_WORD = (r"(?P<unit>(?:万亿|亿|千万|百万|万)?美元|万亿元|万亿|亿元|亿|万元|万|元|(?:trillion|billion|million|thousand)(?:\s*(?:yuan|rmb|cny))?"
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


def plan(question: str, figures: list[Figure], estimates: Sequence[Derivation] = ()) -> list[Calculation] | None:
    """The calculations a numeric question needs, or None if it asks for no number.

    Args:
        question: the user's question.
        figures: figures extracted from the retrieved report text (with citations).
        estimates: the estimates of the retrieved reports (bot.tools.estimates), best-ranked report first.

    Raises:
        ToolError: a numeric question whose inputs are missing.
    """
    q = question.strip()
    if not q:
        return None
    for step in (_conversion, _cagr):
        out = step(q, figures)
        if out is not None:
            return out
    for on_estimates in (_check_stated, _what_if, _check_named, _estimate_size):
        out = on_estimates(q, estimates)
        if out is not None:
            return out
    for step in (_figure_conversion, _product):
        out = step(q, figures)
        if out is not None:
            return out
    return None


def _target_unit(q: str, after: int, anchored: bool = True, like: str = "") -> str | None:
    """The unit asked for right after position `after` ("是多少万亿", "in billion yuan"); a bare magnitude takes
    the currency of the amount it converts (33亿美元 → "多少billion" is billion USD)."""
    m = _TARGET.match(q, after) if anchored else _TARGET.search(q, after)
    if m is None:
        return None
    word = m.group("unit") or m.group("unit2") or m.group("unit3")
    return unit_like(word, like) if like else normalize_unit(word)


def _conversion(q: str, figures: list[Figure]) -> list[Calculation] | None:
    money = [s for s in find_numbers(q) if s.dimension is Dimension.CURRENCY]
    if not money:
        return None
    target = _target_unit(q, money[0].end, like=money[0].unit)
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


def _subject_grams(q: str, specific: bool = False) -> set[str]:
    """The question's words that can name what an estimate measures (no question words, numbers or years);
    `specific`: without the words that only say what is measured (市场规模, 国内…), so 「我国化学发光」 is 化学发光."""
    q = _QUESTION_WORDS.sub(" ", re.sub(r"[0-9０-９]+(?:\.[0-9]+)?\s*(?:年|%|％|亿元|万元|亿|万|元)?", " ", q))
    q = translated(q)
    if specific:
        q = generic_words().sub(" ", q)
    return _grams(q)


_QUESTION_WORDS = re.compile(r"是多少|有多大|多大|多少|几何|如何|怎么|怎样|是否|能否|吗|呢|请问|报告中|报告|的|了|"
                             r"测算|估算|计算|算出|推出|得出|由其|输入|中值|如果|假设|假如|若|的话|对得上|对不上|一致|合理|核对|验证|怎么来|"
                             r"\b(?:what|how|big|large|is|the|of|in|does|do|follow|from|report'?s?|own|inputs?|median|estimate|if"
                             r"|would|be)\b", re.IGNORECASE)


def subject_score(q: str, d: Derivation) -> float:
    """How much of the question's subject words the estimate's result names (its clause in the report).

    Words that only say what is measured (市场规模, 销量, 国内…) do not count: 「中药2020年的市场规模」 is about 中药,
    and an estimate of some other 市场规模 in 2020 is not its answer. A question of nothing but such words is
    scored on all its words."""
    want = _subject_grams(q)
    if not want:
        return 0.0
    t = d.result
    own = _own_words(d) + t.name
    asked = measures_in(q)
    if asked and not any(v in own for w in asked for v in (w, *paraphrases(w))):
        return 0.0  # 「…的渗透率」 is not answered by an estimate of a 市场空间
    clause = _grams(own)
    specific = _subject_grams(q, specific=True)
    covered = len(specific & clause) / len(specific) if specific else len(want & clause) / len(want)
    name = _grams(t.name) - generic_grams()  # a distinctive name the question spells out whole, whatever else it says
    return max(covered, len(want & name) / len(name) if len(name) >= NAME_GRAMS else 0.0)


_CLAUSE = re.compile(r"[^，,；;：:。]*[，,；;：:。]?")
_DIGITS = re.compile(r"\d")


def _own_words(d: Derivation) -> str:
    """The words of the result's sentence that say whose figure it is: its own clause, and the clauses before it
    that hold only this estimate's inputs (「国内内镜清洗设备需求约1.5万台，按均价40万元测算，对应市场空间约60亿元」),
    not a clause stating another figure (「…被动免疫市场规模165亿元，狂犬单抗规模为135亿元」)."""
    t = d.result
    text = t.quote[:t.start - t.quote_start]
    inputs = {(i.start - t.quote_start, i.end - t.quote_start) for i in d.inputs}
    parts = [(m.start(), m.end()) for m in _CLAUSE.finditer(text) if m.end() > m.start()]
    kept = ""
    for k, (a, b) in enumerate(reversed(parts)):
        chunk = text[a:b]
        own = k == 0 or not _DIGITS.search(re.sub(r"(?:19|20)\d{2}年?", "", chunk)) or any(
            a <= s < b for s, _ in inputs)
        if not own:
            break
        kept = chunk + kept
    return kept[-80:]


def _year_ok(q: str, d: Derivation) -> bool:
    years = set(re.findall(r"(?:19|20)\d{2}", q))
    return not years or bool(years & set(re.findall(r"(?:19|20)\d{2}", d.result.period or d.result.quote)))


def _best(q: str, estimates: Sequence[Derivation], floor: float) -> Derivation | None:
    scored = [(subject_score(q, d), -i, d) for i, d in enumerate(estimates) if _year_ok(q, d)]
    scored = [s for s in scored if s[0] >= floor]
    return max(scored, key=lambda s: s[:2])[2] if scored else None


def _same(a: Quantity | QuantityRange, b: Quantity | QuantityRange) -> bool:
    try:
        return type(a) is type(b) and a.to(b.unit) == b
    except (ToolError, KeyError):  # different dimensions
        return False


def _restates(assumptions: list[Assumption], estimates: Sequence[Derivation]) -> bool:
    """Every assumption is a value some estimate already uses ("市场规模3000亿是哪一年的"): not a what-if."""
    values = [term_value(t) for d in estimates for t in d.inputs]
    return all(any(_same(v, a.value) for v in values) for a in assumptions)


def _what_if(q: str, estimates: Sequence[Derivation]) -> list[Calculation] | None:
    assumptions = parse_assumptions(q)
    if not assumptions or not estimates or not (CUES.search(q) or not _restates(assumptions, estimates)):
        return None
    rest = q
    for a in assumptions:
        rest = rest.replace(a.text, " ")
    best: tuple | None = None
    named = _subject_grams(rest)
    top = max((subject_score(rest, d) for d in estimates), default=0.0) if named else 0.0
    for i, d in enumerate(estimates):
        names = input_names(d)
        used = overrides_for(d, names, assumptions)
        chained = _through_upstream(d, names, estimates, assumptions, used)
        used.update({k: v for k, (v, _) in chained.items()})
        score = subject_score(rest, d) if named else 0.0
        if not used or (named and (score < WHATIF_FLOOR or score < top - WHATIF_MARGIN)):
            continue  # the question is about something else than this estimate's result
        fit = sum(m[1] for a in assumptions if (m := match_input(a, names, d)) is not None)
        key = (round(subject_score(rest, d), 1), len(used), fit, -i)
        if best is None or key > best[0]:
            best = (key, d, used, [c for _, c in chained.values()])
    if best is None:
        return None
    _, d, used, upstream = best
    return [rebuild(d, used).calculation, *upstream, rebuild(d).calculation]


def _through_upstream(d: Derivation, names: list[str], estimates: Sequence[Derivation], assumptions: list[Assumption],
                      used: dict) -> dict[str, tuple]:
    """A what-if on the inputs of an estimate whose result this one uses (「渗透率5%…即448万人…×4支×410元」: a
    new 渗透率 changes the 448万人, and so the 73亿): input name → (its new value, the upstream Calculation)."""
    out: dict[str, tuple] = {}
    for name, t in zip(names, d.inputs):
        if name in used:
            continue
        for u in estimates:
            if u is d or u.doc_id != d.doc_id or u.result.start != t.start:
                continue
            u_used = overrides_for(u, input_names(u), assumptions)
            if not u_used:
                continue
            calc = rebuild(u, u_used).calculation
            r = calc.result
            out[name] = (r if isinstance(r, Quantity) else QuantityRange(r.low, r.high), calc)
    return out


def _by_stated(q: str, estimates: Sequence[Derivation]) -> Derivation | None:
    """The estimate whose stated result is a number quoted in the question ("80亿是怎么算的")."""
    for span in find_numbers(q):
        if span.dimension in (Dimension.RATIO, Dimension.YEARS):
            continue
        for d in estimates:
            stated = term_value(d.result)
            ends = [stated.low, stated.high, stated.mid] if isinstance(stated, QuantityRange) else [stated]
            if any(_same(e, span.quantity()) for e in ends) or _same(stated, span.quantity()):
                return d
    return None


def _check_stated(q: str, estimates: Sequence[Derivation]) -> list[Calculation] | None:
    """"80亿是怎么算出来的?": a check of a stated figure quoted in the question (no hypothetical)."""
    if not _CHECK.search(q) or CUES.search(q):
        return None
    d = _by_stated(q, estimates)
    return None if d is None else rebuild(d).calculations()


def _check_named(q: str, estimates: Sequence[Derivation]) -> list[Calculation] | None:
    """"X市场规模的测算对得上吗?": a check of the estimate the question names."""
    d = _best(q, estimates, CHECK_FLOOR) if _CHECK.search(q) else None
    return None if d is None else rebuild(d).calculations()


def _estimate_size(q: str, estimates: Sequence[Derivation]) -> list[Calculation] | None:
    """"2030年X市场规模有多大?": the estimate whose result the question names, rebuilt from its inputs."""
    if not _SIZE.search(q):
        return None
    d = _best(q, estimates, SIZE_FLOOR)
    if d is None:
        return None
    calcs = rebuild(d).calculations()
    calcs[0].extra["route"] = "size"  # a plain "how big" question: the caller may prefer the sentence that states it
    return calcs


def _figure_conversion(q: str, figures: list[Figure]) -> list[Calculation] | None:
    """"X市场规模是多少万亿": convert the reported figure named in the question."""
    target = _target_unit(q, 0, anchored=False)
    if target is None:  # cheap test first: the scan below is linear in the library's figures
        return None
    want = _subject_grams((q[:q.find("多少")] if "多少" in q else q).rstrip("是为有约合"))
    named = sorted((f for f in figures if f.label and f.dimension is Dimension.CURRENCY and want
                    and len(want & _grams(f.label)) / len(want) >= SIZE_FLOOR),
                   key=lambda f: -len(want & _grams(f.label)))
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


__all__ = ["plan", "subject_score"]
