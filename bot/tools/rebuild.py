"""Rebuild a report's estimate from its own cited inputs, reconcile it with what the report states, vary it.

`rebuild(derivation)` recomputes the estimate exactly (Decimal; ranges as low / mid / high, mid at the midpoint of
every ranged input) in the unit the report states the result in, and says whether the stated figure agrees, agrees
once rounded to the digits the report writes, or differs — and then which value of each input the stated figure
implies, the others unchanged. `rebuild(derivation, overrides)` is a what-if: the user's values, labelled as theirs,
replace the named inputs; every other input stays the report's, cited.

All inputs come from the one derivation, so from one report and one passage of it: nothing here mixes reports.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any, Mapping

from bot.errors import ToolError
from bot.tools.estimates import _BASIS_BEFORE, Derivation, Term, mass_divisors
from bot.tools.formulas import Calculation, Estimate, Operand, operand
from bot.tools.units import (
    EXACT_PREC, Dimension, Quantity, QuantityRange, div, format_quantity, format_range, mul, plain, tidy, unit_info,
)

VERDICTS = ("agrees", "rounding", "differs")
_BASIS_AFTER = re.compile(r"\s*(?:的[^，。；,;\d]{0,8})?(?:测算|计算|估算)")  # 「按1.3%的渗透率测算」: the basis


@dataclass
class Rebuilt:
    derivation: Derivation
    calculation: Calculation
    verdict: str | None  # None for a what-if (the user's values: nothing to reconcile)
    implied: dict[str, Quantity] = field(default_factory=dict)  # input name → the value the stated result needs
    implied_calculations: list[Calculation] = field(default_factory=list)
    message: str = ""
    message_en: str = ""

    def calculations(self) -> list[Calculation]:
        return [self.calculation, *self.implied_calculations]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.derivation.id, "verdict": self.verdict, "message": self.message,
                "implied": {k: f"{plain(v.value)}{v.unit}" for k, v in self.implied.items()},
                "calculation": self.calculation.to_dict()}


def show(v: Quantity | QuantityRange) -> str:
    try:
        return str(format_range(v) if isinstance(v, QuantityRange) else format_quantity(v))
    except (ToolError, KeyError):
        if isinstance(v, QuantityRange):
            return f"{plain(v.low.value)}–{plain(v.high.value)}{v.unit}"
        return f"{plain(v.value)}{v.unit}"


def input_names(d: Derivation) -> list[str]:
    """One distinct label per input: the report's words, or when it has none what kind of figure the input is
    (比例, 单价, 金额, 数量, 数值) — never a bare placeholder; a name said twice is told apart by its place."""
    out: list[str] = []
    for i, t in enumerate(d.inputs, 1):
        name = t.name if re.search(r"[\u4e00-\u9fffA-Za-z]", t.name) else _kind_name(t)
        if name in out:
            name = f"{name}（第{i}个）"
        while name in out:
            name += "′"
        out.append(name)
    return out


def _kind_name(t: Term) -> str:
    """What a figure without words is, by its unit: 「7%」 a share, 「15元/瓶」 a unit price, 「30亿元」 an amount."""
    try:
        dim = unit_info(t.unit).dimension
    except (ToolError, KeyError):
        return "数值"
    if dim is Dimension.RATIO:
        return "比例"
    if dim is Dimension.PRICE:
        return "单价"
    if dim is Dimension.CURRENCY and "元" in t.unit:  # (a bare 「200万」 is no money)
        return "金额"
    if dim is Dimension.COUNT:
        return "数量"
    return "数值"


def term_value(t: Term) -> Quantity | QuantityRange:
    low = Quantity(t.value, t.unit)
    return low if t.high is None else QuantityRange(low, Quantity(t.high, t.unit))


def citation(d: Derivation, t: Term) -> dict[str, Any]:
    return {"doc_id": d.doc_id, "chunk_id": t.chunk_id or d.chunk_id,
            "quote": t.quote, "start": t.quote_start, "end": t.quote_end}


def _is_ratio(q: Quantity) -> bool:
    return q.dimension is Dimension.RATIO


def _bases(v: Quantity | QuantityRange) -> tuple[Decimal, Decimal, Decimal]:
    """low, mid, high in base units (a ratio as a fraction)."""
    if isinstance(v, QuantityRange):
        return v.low.base_value(), v.mid.base_value(), v.high.base_value()
    b = v.base_value()
    return b, b, b


def _check(name: str, op: Operand, like: Term) -> None:
    """A user's value must be of the input's kind: a share stays a share (≤ 100%), a count is not negative."""
    v = op.value
    qs = (v.low, v.high) if isinstance(v, QuantityRange) else (v,)
    want = Quantity(like.value, like.unit).dimension
    for q in qs:
        if want is Dimension.RATIO:
            if q.dimension not in (Dimension.RATIO, Dimension.NUMBER):
                raise ToolError(f"{name} 是比例, 请给出百分比 (e.g. 20%); got {show(q)}.")
            if q.base_value() > 1 or q.base_value() < 0:
                raise ToolError(f"{name} {show(q)} 不在0–100%之间 (a share cannot be above 100% or negative).")
        else:
            if q.dimension is Dimension.RATIO:
                raise ToolError(f"{name} 不是比例 (it is {like.unit or 'a number'}, not a percentage): got {show(q)}.")
            if q.value < 0:
                raise ToolError(f"{name} 不能为负 (cannot be negative): got {show(q)}.")
            try:
                q.to(like.unit)
            except ToolError as e:
                raise ToolError(f"{name} 的单位应为{like.unit or '数值'} (the report's unit), got {q.unit or 'none'}: {e}") from None


def _round_like(value: Decimal, stated: Decimal) -> Decimal:
    places = max(0, -stated.as_tuple().exponent)  # type: ignore[operator]
    with localcontext(prec=EXACT_PREC):
        return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def rebuild(d: Derivation, overrides: Mapping[str, Any] | None = None) -> Rebuilt:
    """Recompute an estimate from its inputs; reconcile it with the stated result, or apply the user's values.

    Args:
        d: a detected estimate.
        overrides: input name (as `input_names` gives it) → the user's value ("20%", "4000亿元", a Quantity...).

    Raises:
        ToolError: an override names no input, or is not of the input's kind.
    """
    names = input_names(d)
    overrides = dict(overrides or {})
    for key in overrides:
        if key not in names:
            raise ToolError(f"估算 {d.id} 没有输入 {key!r}; 它的输入是: {', '.join(names)}.")
    ops: list[Operand] = []
    for name, t in zip(names, d.inputs):
        if name in overrides:
            op = operand(overrides[name], name, allow_range=True)
            op = Operand(op.value, "user", None)
            _check(name, op, t)
        else:
            op = Operand(term_value(t), "report", citation(d, t))
        ops.append(op)
    result_unit = d.result.unit
    factor = unit_info(result_unit).factor
    lows, mids, highs = _evaluate(d, ops)
    low, mid, high = (Quantity(tidy(div(x, factor)[0]), result_unit) for x in (lows, mids, highs))
    result: Quantity | Estimate = low if low.value == high.value else Estimate(low, mid, high)
    formula = (_equals(_formula(d, ops), low) if isinstance(result, Quantity)
               else f"{_formula(d, ops)} = {show(QuantityRange(low, high))}（中值{show(mid)}）")
    user = any(o.source == "user" for o in ops)
    note = f"{d.subject or '结果'} = {_formula(d, names)}"
    calc = Calculation("rebuild_estimate", formula, dict(zip(names, ops)), result, note)
    calc.extra.update(estimate=d.id, stated=term_value(d.result), user=user, subject=d.subject,
                      stated_citation=citation(d, d.result), period=d.result.period)
    if user:
        kept = [n for n, o in zip(names, ops) if o.source == "report"]
        calc.note += "；用户假设：" + "、".join(f"{n}={show(o.value)}" for n, o in zip(names, ops) if o.source == "user")
        if kept:
            calc.note += "；其余输入取报告原值"
        return Rebuilt(d, calc, None)
    out = _reconcile(d, names, ops, result)
    calc.note += "。" + out.message
    calc.extra.update(verdict=out.verdict, message=out.message, message_en=out.message_en)
    out.calculation = calc
    return out


def _evaluate(d: Derivation, ops: list[Operand]) -> tuple[Decimal, Decimal, Decimal]:
    """low, mid, high of the operation, in base units."""
    return _combine(d, [_scaled(_bases(o.value), by) for o, by in zip(ops, _divisors(d))])


def _divisors(d: Derivation) -> list[Decimal]:
    """A mass a product takes per one of its own units in words (「1吨血浆约可获得2800瓶」 × 9100吨) is counted in that
    unit, not in grams: what each input's base value is divided by (see `estimates.mass_divisors`)."""
    if d.operation == "ratio" or d.summed or d.terms:
        return [Decimal(1)] * len(d.inputs)
    return mass_divisors([t.unit for t in d.inputs], d.result.unit)


def _scaled(x: tuple[Decimal, Decimal, Decimal], by: Decimal) -> tuple[Decimal, Decimal, Decimal]:
    if by == 1:
        return x
    return tuple(div(v, by)[0] for v in x)  # type: ignore[return-value]  # (a power of ten: exact)


def _combine(d: Derivation, parts: list[tuple[Decimal, Decimal, Decimal]]) -> tuple[Decimal, Decimal, Decimal]:
    """low, mid, high of the operation on each input's (low, mid, high) in base units."""
    parts = list(parts)
    for i in d.complements:  # × (1 − x): the low end comes from the high share
        lo, mid, hi = parts[i]
        parts[i] = (1 - hi, 1 - mid, 1 - lo)
    if d.operation == "ratio":  # part ÷ whole
        (a_lo, a_mid, a_hi), (b_lo, b_mid, b_hi) = parts
        return tuple(div(a, b)[0] for a, b in ((a_lo, b_hi), (a_mid, b_mid), (a_hi, b_lo)))  # type: ignore[return-value]
    if d.terms:  # a sum of products: each term multiplied, then added
        with localcontext(prec=EXACT_PREC):
            return tuple(sum((mul(*(parts[i][k] for i in t)) for t in d.terms), Decimal(0))  # type: ignore[return-value]
                         for k in range(3))
    if d.summed:
        with localcontext(prec=EXACT_PREC):
            total = tuple(sum((parts[i][k] for i in d.summed), Decimal(0)) for k in range(3))
        rest = [p for i, p in enumerate(parts) if i not in d.summed]
        parts = [total, *rest]  # type: ignore[list-item]
    with localcontext(prec=EXACT_PREC):
        return tuple(mul(*(p[k] for p in parts)) for k in range(3))  # type: ignore[return-value]


def half_unit(t: Term) -> Decimal:
    """How far the true value of an input may be from the figure the report prints, in base units: half a unit of
    its last written digit (621亿元 ± 0.5亿元, 3.93元 ± 0.005元, 10% ± 0.5%) — or nothing for a figure the passage
    takes as its basis (「按照…占比10%测算」「假设渗透率为5%」): an assumption is exact by definition."""
    before = t.quote[:max(0, t.start - t.quote_start)]
    if _BASIS_BEFORE.search(before) or _BASIS_AFTER.match(t.quote, max(0, t.end - t.quote_start)):
        return Decimal(0)
    exponents = [v.as_tuple().exponent for v in (t.value, t.high) if v is not None]
    exp = min(e for e in exponents if isinstance(e, int)) if exponents else 0
    try:
        return mul(Decimal(5).scaleb(exp - 1), unit_info(t.unit).factor)
    except (ToolError, KeyError):
        return Decimal(0)


def _printed_bounds(d: Derivation) -> tuple[tuple[Decimal, Decimal, Decimal], tuple[Decimal, Decimal, Decimal]]:
    """The least and the most the operation can give (low, mid and high each, base units) when every input may be
    anywhere within half a unit of its last printed digit. Every operation grows with its inputs except through a
    complement (1 − x) and a ratio's whole, which move it the other way."""
    falling = set(d.complements) | ({1} if d.operation == "ratio" else set())
    down, up = [], []
    for i, (t, by) in enumerate(zip(d.inputs, _divisors(d))):
        lo, mid, hi = _scaled(_bases(term_value(t)), by)
        h = div(half_unit(t), by)[0]
        sign = -1 if i in falling else 1
        down.append(tuple(max(Decimal(0), x - sign * h) for x in (lo, mid, hi)))
        up.append(tuple(max(Decimal(0), x + sign * h) for x in (lo, mid, hi)))
    return _combine(d, down), _combine(d, up)  # type: ignore[arg-type]


def _formula(d: Derivation, items: list) -> str:
    shown = [show(x.value) if isinstance(x, Operand) else str(x) for x in items]
    shown = [f"(1 − {x})" if i in d.complements else x for i, x in enumerate(shown)]
    if d.operation == "ratio":
        return f"{shown[0]} ÷ {shown[1]}"
    if d.terms:
        return " + ".join(" × ".join(shown[i] for i in t) for t in d.terms)
    if d.summed:
        total = "(" + " + ".join(shown[i] for i in d.summed) + ")"
        return " × ".join([total, *(s for i, s in enumerate(shown) if i not in d.summed)])
    return " × ".join(shown)


def _places(x: Decimal) -> int:
    """Decimal places of a number as written (57.60 → 2) or, for a computed one, as far as it goes (113.9 → 1)."""
    return max(0, -x.as_tuple().exponent)  # type: ignore[operator]


def _within_printed(c: Quantity, s: Quantity, bounds: tuple[Decimal, Decimal]) -> bool:
    """The stated figure carries digits the printed inputs cannot give — it is written past the last digit of their
    exact result (113.92 from 621 + 518 at 10%, which is 113.9 exactly): the report computed with unrounded inputs
    and printed them rounded. It agrees after rounding when it lies within what the printed inputs allow, each
    anywhere within half a unit of its last digit. (A stated figure no finer than the exact result is that result
    rounded, or it differs: the printed inputs are then the ones the report computed with.)"""
    return _places(s.value) > _places(tidy(c.value)) and bounds[0] <= s.value <= bounds[1]


def _reconcile(d: Derivation, names: list[str], ops: list[Operand], result: Quantity | Estimate) -> Rebuilt:
    stated = term_value(d.result)
    factor = unit_info(d.result.unit).factor
    down, up = _printed_bounds(d)
    bound = [(div(a, factor)[0], div(b, factor)[0]) for a, b in zip(down, up)]  # low, mid, high in the result's unit
    if isinstance(stated, QuantityRange):
        r_lo = result.low if isinstance(result, Estimate) else result
        r_hi = result.high if isinstance(result, Estimate) else result
        k_lo, k_hi = (0, 2) if isinstance(result, Estimate) else (1, 1)
        pairs = [(r_lo, stated.low, bound[k_lo]), (r_hi, stated.high, bound[k_hi])]
        computed = show(QuantityRange(r_lo, r_hi)) if r_lo.value <= r_hi.value else show(r_lo)
    else:
        r = result.mid if isinstance(result, Estimate) else result
        pairs = [(r, stated, bound[1])]
        computed = show(r) + ("（中值）" if isinstance(result, Estimate) else "")
    said = show(stated)
    if all(c.value == s.value for c, s, _ in pairs):
        verdict = "agrees"
        msg = f"一致：按报告输入重算为{computed}，与报告所述{said}相同。"
        en = f"Agrees: the report's inputs give {computed}, exactly the stated {said}."
        return Rebuilt(d, None, verdict, message=msg, message_en=en)  # type: ignore[arg-type]
    if all(_round_like(c.value, s.value) == s.value for c, s, _ in pairs):
        msg = f"四舍五入后一致：按报告输入重算为{computed}，报告称{said}，取整后相同。"
        en = f"Agrees after rounding: the report's inputs give {computed}; it states {said}, the same once rounded."
        return Rebuilt(d, None, "rounding", message=msg, message_en=en)  # type: ignore[arg-type]
    if all(_round_like(c.value, s.value) == s.value or _within_printed(c, s, b) for c, s, b in pairs):
        span = "；".join(show(QuantityRange(Quantity(tidy(b[0]), s.unit), Quantity(tidy(b[1]), s.unit)))
                        for _, s, b in pairs if b[0] < b[1])
        msg = (f"四舍五入后一致：按报告输入重算为{computed}，报告称{said}，差异在报告所列输入的取整误差以内"
               f"（各输入按其末位±半个单位，结果可在{span}之间）。")
        en = (f"Agrees after rounding: the report's inputs give {computed}; it states {said}, within what its inputs "
              f"as printed allow (each ± half a unit of its last digit: {span}).")
        return Rebuilt(d, None, "rounding", message=msg, message_en=en)  # type: ignore[arg-type]
    implied, calcs = _implied(d, names, ops, stated)
    need = "，或".join(f"{k}为{show(v)}" for k, v in implied.items())
    msg = f"不一致：按报告输入重算为{computed}，而报告称{said}。" + (f"要得到{said}，需要{need}（其余输入不变）。" if need else "")
    en = f"Does not agree: the report's inputs give {computed}, but it states {said}." + (
        " That figure would need " + " or ".join(f"{k} = {show(v)}" for k, v in implied.items()) + ", the other inputs unchanged."
        if implied else "")
    years = {t.period for t in d.inputs if t.period} - {d.result.period}
    if d.result.period and years:
        msg += f"注意：部分输入是{'、'.join(sorted(years))}的数据，而结果是{d.result.period}的。"
    return Rebuilt(d, None, "differs", implied, calcs, msg, en)  # type: ignore[arg-type]


def _as_input(base: Decimal, exact: bool, like: Quantity, complement: bool) -> Quantity | None:
    """The value `base` (in base units) an input must take, in the input's own unit; None for a share outside
    0–100%. For a complement, `base` is what the input multiplies by: the input is 1 − it."""
    if complement:
        base = 1 - base
    unit = "%" if _is_ratio(like) else like.unit
    value, _ = div(base, unit_info(unit).factor)
    q = Quantity(tidy(value) if exact else value, unit)
    return None if _is_ratio(like) and not 0 <= q.value <= 100 else q


def _implied(d: Derivation, names: list[str], ops: list[Operand], stated: Quantity | QuantityRange
             ) -> tuple[dict[str, Quantity], list[Calculation]]:
    """The value of each input (one at a time, the others at their mid) that gives the stated result (its mid)."""
    target = stated.mid if isinstance(stated, QuantityRange) else stated
    mids = [o.value.mid if isinstance(o.value, QuantityRange) else o.value for o in ops]
    out: dict[str, Quantity] = {}
    calcs: list[Calculation] = []
    if d.operation == "ratio":
        return _implied_share(d, names, ops, mids, target)
    if d.terms:
        return _implied_term(d, names, ops, mids, target)
    by = _divisors(d)
    for i, (name, m) in enumerate(zip(names, mids)):
        if i in d.summed:
            continue
        rest = [j for j in range(len(mids)) if j != i]
        others = [div(mids[j].base_value(), by[j])[0] for j in rest if j not in d.summed and j not in d.complements] + \
                 [1 - mids[j].base_value() for j in rest if j in d.complements]
        if d.summed:
            others.append(sum((mids[j].base_value() for j in d.summed), Decimal(0)))
        denom = mul(*others)
        if denom == 0:
            continue
        base, exact = div(target.base_value(), denom)
        q = _as_input(mul(base, by[i]), exact, m, i in d.complements)
        if q is None:
            continue  # no share can give it
        out[name] = q
        inverse = f"{show(target)} ÷ {_factors(d, mids, i)}"
        if i in d.complements:  # target = others × (1 − x), so x = 1 − target ÷ others
            inverse = f"1 − {inverse}"
        calcs.append(Calculation(
            "implied_input", _equals(inverse, q),
            {"报告所述结果": Operand(target, "report", citation(d, d.result)),
             **{names[j]: Operand(mids[j], ops[j].source, ops[j].citation) for j in range(len(mids)) if j != i}},
            q, f"报告所述结果所需的{name}（其余输入取中值不变）"))
    return out, calcs


def _equals(left: str, q: Quantity) -> str:
    """「left = q」, or 「left ≈ q」 when q is rounded for display."""
    shown = show(q)
    return f"{left} ≈ {shown[1:]}" if shown.startswith("≈") else f"{left} = {shown}"


def _factors(d: Derivation, mids: list[Quantity], i: int) -> str:
    """What input i is multiplied by, as the operation uses it: the summed segments added in brackets, a complement
    as (1 − x); several factors bracketed together ("(621亿元 + 518亿元)", "(3000亿元 × 20%)")."""
    shown = [f"(1 − {show(m)})" if j in d.complements else show(m) for j, m in enumerate(mids)]
    parts = [shown[j] for j in range(len(mids)) if j != i and j not in d.summed]
    if d.summed:
        total = "(" + " + ".join(shown[j] for j in d.summed) + ")"
        parts = [total, *parts]
    return parts[0] if len(parts) == 1 else "(" + " × ".join(parts) + ")"


def _implied_share(d: Derivation, names: list[str], ops: list[Operand], mids: list[Quantity], target: Quantity
                   ) -> tuple[dict[str, Quantity], list[Calculation]]:
    """For a share a ÷ b: the part (target × b) or the whole (a ÷ target) the stated share implies."""
    share = target.base_value()
    if share == 0:
        return {}, []
    part = Quantity(tidy(div(mul(share, mids[1].base_value()), unit_info(mids[0].unit).factor)[0]), mids[0].unit)
    value, _ = div(mids[0].base_value(), share)
    whole = Quantity(tidy(div(value, unit_info(mids[1].unit).factor)[0]), mids[1].unit)
    stated = Operand(target, "report", citation(d, d.result))
    calcs = [Calculation("implied_input", _equals(f"{show(target)} × {show(mids[1])}", part),
                         {"报告所述结果": stated, names[1]: Operand(mids[1], ops[1].source, ops[1].citation)}, part,
                         f"报告所述占比所需的{names[0]}"),
             Calculation("implied_input", _equals(f"{show(mids[0])} ÷ {show(target)}", whole),
                         {"报告所述结果": stated, names[0]: Operand(mids[0], ops[0].source, ops[0].citation)}, whole,
                         f"报告所述占比所需的{names[1]}")]
    return {names[0]: part, names[1]: whole}, calcs


def _implied_term(d: Derivation, names: list[str], ops: list[Operand], mids: list[Quantity], target: Quantity
                  ) -> tuple[dict[str, Quantity], list[Calculation]]:
    """For a sum of products: the value of one input (the others at their mid) that gives the stated result. The
    result is a × x + b in it (a: the terms holding it, without it; b: the other terms), so x = (result − b) ÷ a."""
    bases = [1 - m.base_value() if j in d.complements else m.base_value() for j, m in enumerate(mids)]  # as multiplied
    out: dict[str, Quantity] = {}
    calcs: list[Calculation] = []
    with localcontext(prec=EXACT_PREC):
        for i, (name, m) in enumerate(zip(names, mids)):
            if any(t.count(i) > 1 for t in d.terms):
                continue  # (squared: not linear in it)
            a = sum((mul(*(bases[j] for j in t if j != i)) for t in d.terms if i in t), Decimal(0))
            b = sum((mul(*(bases[j] for j in t)) for t in d.terms if i not in t), Decimal(0))
            rest = target.base_value() - b
            if a == 0 or rest < 0:
                continue  # the other terms alone exceed the stated result: no value of this input gives it
            base, exact = div(rest, a)
            q = _as_input(base, exact, m, i in d.complements)
            if q is None:
                continue
            out[name] = q
            others = {names[j]: Operand(mids[j], ops[j].source, ops[j].citation) for j in range(len(mids)) if j != i}
            equation = f"{_formula(d, [name if j == i else Operand(mids[j], ops[j].source, ops[j].citation) for j in range(len(ops))])} = {show(target)}"
            calcs.append(Calculation(
                "implied_input", _equals(f"{equation} ⇒ {name}", q),
                {"报告所述结果": Operand(target, "report", citation(d, d.result)), **others},
                q, f"报告所述结果所需的{name}（其余输入取中值不变）"))
    return out, calcs
