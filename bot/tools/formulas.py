"""Deterministic sizing formulas: plain typed functions, each returning a `Calculation`.

The same functions serve the LLM (through `registry`) and the offline router. Every
argument that is a quantity may be a `Quantity`, an `Operand` (a quantity with its
provenance), a string such as "3000亿元", "10%", "5%-35%" or "0.1", a number, or a dict
{"value": .., "unit": .., "source": "report"|"user", "citation": ..}
({"low": .., "high": .., ...} for a range). Nothing is defaulted: a missing input is an error.

`Calculation.to_dict()` writes every number as a string of its exact decimal digits
("574.55", not 574.55): JSON numbers are read back as binary floats by most clients, and
the answer must be able to quote the digits exactly. Quotients and roots that do not
terminate are rounded to 28 significant digits and the note says so.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, Inexact, localcontext
from typing import Any, Union

from bot.errors import ToolError
from bot.tools.numbers import parse_value
from bot.tools.units import (
    INEXACT_PREC, MAX_CURRENCY_YUAN, UNITS, Dimension, Quantity, QuantityRange, add, div, format_number,
    format_quantity, format_range, mul, normalize_unit, plain, tidy, to_decimal,
)

SOURCES = ("report", "user")
MAX_FACTORS = 10


@dataclass(frozen=True)
class Operand:
    """An input value and where it came from: the report (with a citation) or the user."""

    value: Quantity | QuantityRange
    source: str = "user"
    citation: dict[str, Any] | str | None = None

    def to_dict(self) -> dict[str, Any]:
        v = self.value
        shown: Any = plain(v.value) if isinstance(v, Quantity) else {"low": plain(v.low.value), "high": plain(v.high.value)}
        return {"value": shown, "unit": v.unit, "source": self.source, "citation": self.citation}


# What a tool accepts where it needs a quantity (see the module docstring); the registry
# turns these two aliases into JSON schemas.
Amount = Union[str, int, float, Decimal, dict, Quantity, Operand]
AmountOrRange = Union[str, int, float, Decimal, dict, Quantity, QuantityRange, Operand]


@dataclass(frozen=True)
class Estimate:
    """A low / mid / high result, all in one unit."""

    low: Quantity
    mid: Quantity
    high: Quantity

    @property
    def unit(self) -> str:
        return self.mid.unit


@dataclass
class Calculation:
    """One tool run: the formula as text, every input with its source, the result and a note."""

    tool: str
    formula: str
    inputs: dict[str, Operand]
    result: Quantity | Estimate
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict, repr=False)  # for callers; not serialized

    def to_dict(self) -> dict[str, Any]:
        r = self.result
        result = (
            {"value": plain(r.value), "unit": r.unit}
            if isinstance(r, Quantity)
            else {"low": plain(r.low.value), "mid": plain(r.mid.value), "high": plain(r.high.value), "unit": r.unit}
        )
        return {
            "tool": self.tool,
            "formula": self.formula,
            "inputs": {k: v.to_dict() for k, v in self.inputs.items()},
            "result": result,
            "note": self.note,
        }


def operand(x: object, name: str, allow_range: bool = False) -> Operand:
    """Coerce any accepted argument form into an `Operand` (see the module docstring).

    Raises:
        ToolError: missing, unreadable, or a range where a single value is needed.
    """
    if x is None or (isinstance(x, str) and not x.strip()):
        raise ToolError(f"The input {name!r} is missing (缺少输入).")
    if isinstance(x, Operand):
        op = x
    elif isinstance(x, (Quantity, QuantityRange)):
        op = Operand(x)
    elif isinstance(x, str):
        op = Operand(parse_value(x))
    elif isinstance(x, (int, float, Decimal)) and not isinstance(x, bool):
        op = Operand(Quantity(to_decimal(x, name), ""))
    elif isinstance(x, dict):
        op = _from_dict(x, name)
    else:
        raise ToolError(f"The input {name!r} must be a quantity such as '3000亿元' or '10%', got {type(x).__name__}.")
    if op.source not in SOURCES:
        raise ToolError(f"The source of {name!r} must be 'report' or 'user', got {op.source!r}.")
    if isinstance(op.value, QuantityRange) and not allow_range:
        raise ToolError(f"The input {name!r} must be a single value, not a range.")
    return op


def _from_dict(x: dict, name: str) -> Operand:
    keys = set(x)
    single, ranged = {"value"}, {"low", "high"}
    allowed = {"unit", "source", "citation"}
    if not (single <= keys or ranged <= keys) or keys - single - ranged - allowed or (single <= keys and ranged & keys):
        raise ToolError(f"The input {name!r} must look like {{'value': .., 'unit': ..}} or {{'low': .., 'high': .., 'unit': ..}}.")
    unit = x.get("unit", "")
    if unit is None:
        unit = ""
    unit = normalize_unit(unit)
    citation = x.get("citation")
    if citation is not None and not isinstance(citation, (str, dict)):
        raise ToolError(f"The citation of {name!r} must be text or an object.")

    def one(v: object) -> Quantity:
        if isinstance(v, str) and not unit:
            q = parse_value(v)
            if isinstance(q, QuantityRange):
                raise ToolError(f"The input {name!r} has a range where one value is expected.")
            return q
        return Quantity(to_decimal(v, name), unit)

    value: Quantity | QuantityRange = one(x["value"]) if "value" in x else QuantityRange(one(x["low"]), one(x["high"]))
    source = x.get("source", "user")
    return Operand(value, source if isinstance(source, str) else repr(source), citation)


def _lo_hi(v: Quantity | QuantityRange) -> tuple[Quantity, Quantity, Quantity]:
    return (v.low, v.mid, v.high) if isinstance(v, QuantityRange) else (v, v, v)


def _check_money(op: Operand, name: str) -> Operand:
    if op.value.dimension is not Dimension.CURRENCY:
        raise ToolError(f"The input {name!r} must be an amount of money (金额) such as '3000亿元', got unit {op.value.unit or 'none'!r}.")
    for q in _lo_hi(op.value):
        _check_size(q, name)
    return op


def _check_size(q: Quantity, name: str) -> None:
    if q.value < 0:
        raise ToolError(f"The {name} cannot be negative ({plain(q.value)}{q.unit}).")
    if q.dimension is Dimension.CURRENCY and q.base_value() > MAX_CURRENCY_YUAN:
        raise ToolError(f"The {name} {plain(q.value)}{q.unit} exceeds 10^16 元, which no market reaches; check the unit.")


def _check_ratio(op: Operand, name: str, lowest: Decimal = Decimal(0), highest: Decimal | None = Decimal(1)) -> Operand:
    """Ratios come back in %; a bare number is read as a fraction (0.1 = 10%)."""
    v = op.value
    if v.dimension not in (Dimension.RATIO, Dimension.NUMBER):
        raise ToolError(f"The input {name!r} must be a ratio (比例) such as '10%' or '0.1', got unit {v.unit!r}.")
    for q in _lo_hi(v):
        f = q.fraction()
        if f < lowest:
            raise ToolError(f"The {name} cannot be {'negative' if lowest == 0 else 'at or below -100%'} ({plain(q.value)}{q.unit}).")
        if highest is not None and f > highest:
            hint = f" (did you mean {plain(q.value)}%?)" if q.unit == "" else ""
            raise ToolError(f"The {name} {plain(q.value)}{q.unit} is over {plain(mul(highest, Decimal(100)))}%{hint}.")
    pct = v.to("%")
    return Operand(pct, op.source, op.citation)


def _fmt(v: Quantity | QuantityRange) -> str:
    """As written: Chinese magnitudes stay Chinese, "billion yuan" stays English."""
    style = UNITS[v.unit].style
    return str(format_range(v, style) if isinstance(v, QuantityRange) else format_quantity(v, style))


def _readable_unit(value: Decimal, unit: str) -> str:
    """A product under 1万亿 reads as 亿 (2万亿 × 10% = 2000亿元, not 0.2万亿元); conversion is exact."""
    if unit == "万亿元" and abs(value) < 1:
        return "亿元"
    return unit


def _estimate(lows: list[Decimal], mids: list[Decimal], highs: list[Decimal], unit: str) -> Quantity | Estimate:
    low, mid, high = (Quantity(tidy(mul(*xs)), unit) for xs in (lows, mids, highs))
    shown = _readable_unit(high.value, unit)
    if shown != unit:
        low, mid, high = (q.to(shown) for q in (low, mid, high))
    return low if low.value == high.value else Estimate(low, mid, high)


def _result_text(r: Quantity | Estimate) -> str:
    if isinstance(r, Quantity):
        return _fmt(r)
    return _fmt(QuantityRange(r.low, r.high))


def market_size(base: AmountOrRange, factors: list[AmountOrRange], labels: list[str] | None = None) -> Calculation:
    """Size a market as a base amount times one or more ratios (e.g. market × cost share × penetration).

    Each factor is a single ratio or a low–high range. Low and high multiply the low and high
    ends; mid is defined as the product at the midpoint of every ranged factor.

    Args:
        base: the base market, an amount of money such as "3000亿元" (a range is allowed).
        factors: the ratios applied to the base, each like "10%", "0.1" or a range "5%-35%".
        labels: optional names for the base and then each factor, in order, used as input names.
    """
    if not isinstance(factors, (list, tuple)) or not factors:
        raise ToolError("market_size needs at least one factor (比例), e.g. ['10%', '5%-35%'].")
    if len(factors) > MAX_FACTORS:
        raise ToolError(f"market_size takes at most {MAX_FACTORS} factors.")
    names = list(labels) if labels else ["base"] + [f"factor_{i}" for i in range(1, len(factors) + 1)]
    if len(names) != len(factors) + 1 or len(set(names)) != len(names) or not all(isinstance(n, str) and n for n in names):
        raise ToolError(f"labels must name the base and each factor once: {len(factors) + 1} distinct names.")
    b = _check_money(operand(base, names[0], allow_range=True), names[0])
    fs = [_check_ratio(operand(f, n, allow_range=True), n) for f, n in zip(factors, names[1:])]
    parts = [_lo_hi(b.value)] + [tuple(q.fraction() for q in _lo_hi(f.value)) for f in fs]
    lows = [parts[0][0].value] + [p[0] for p in parts[1:]]
    mids = [parts[0][1].value] + [p[1] for p in parts[1:]]
    highs = [parts[0][2].value] + [p[2] for p in parts[1:]]
    result = _estimate(lows, mids, highs, b.value.unit)
    formula = " × ".join(_fmt(o.value) for o in [b, *fs]) + " = " + _result_text(result)
    note = ""
    ranged = [o for o in [b, *fs] if isinstance(o.value, QuantityRange)]
    if isinstance(result, Estimate):
        at = ", ".join(_fmt(o.value.mid) for o in ranged)
        formula += f" (mid {_fmt(result.mid)} at {at})"
        note = ("中值(mid)定义为各区间取中点时的乘积 (mid = product at the midpoint of each range: "
                + ", ".join(f"{_fmt(o.value)} → {_fmt(o.value.mid)}" for o in ranged) + ").")
    return Calculation("market_size", formula, dict(zip(names, [b, *fs])), result, note)


def share_of_market(part: Amount, total: Amount) -> Calculation:
    """Share of a part in a total market, in percent (part ÷ total × 100%).

    Args:
        part: the part, an amount such as "575亿元".
        total: the whole market, an amount in any currency unit, e.g. "11491亿元".
    """
    p = _check_money(operand(part, "part"), "part")
    t = _check_money(operand(total, "total"), "total")
    if t.value.value == 0:
        raise ToolError("The total market cannot be zero (总规模为零).")
    p.value.to(t.value.unit)  # one currency: a share of 亿美元 in 亿元 needs an exchange rate nobody gave
    q, exact = div(p.value.base_value(), t.value.base_value())
    if q > 1:
        raise ToolError(f"The part {_fmt(p.value)} is larger than the total {_fmt(t.value)}: a share cannot exceed 100%.")
    share = Quantity(tidy(mul(q, Decimal(100))), "%")
    formula = f"{_fmt(p.value)} ÷ {_fmt(t.value)} = {format_quantity(share)}"
    return Calculation("share_of_market", formula, {"part": p, "total": t}, share, _inexact_note(exact))


INEXACT_NOTE = f"结果不能精确表示,已四舍五入到{INEXACT_PREC}位有效数字 (rounded to {INEXACT_PREC} significant digits)."


def _inexact_note(exact: bool) -> str:
    return "" if exact else INEXACT_NOTE


def _years(x: object, most: int) -> Operand:
    op = operand(x, "years")
    if op.value.dimension not in (Dimension.NUMBER, Dimension.YEARS):
        raise ToolError(f"years must be a number of years, got unit {op.value.unit!r}.")
    if not 0 < op.value.value <= most:
        raise ToolError(f"years must be above 0 and at most {most}, got {plain(op.value.value)}.")
    return Operand(Quantity(op.value.value, "年"), op.source, op.citation)


def _power(x: Decimal, n: Decimal) -> tuple[Decimal, bool]:
    """x ** n, exact when n is a whole number and the digits fit; else 28 significant digits."""
    with localcontext(prec=400) as ctx:
        ctx.clear_flags()
        if n == n.to_integral_value():
            r = x ** int(n)
            if not ctx.flags[Inexact]:
                return r, True
    with localcontext(prec=INEXACT_PREC):
        return x ** n, False


def cagr(start_value: Amount, end_value: Amount, years: Amount) -> Calculation:
    """Compound annual growth rate: (end ÷ start)^(1/years) − 1, in percent.

    Args:
        start_value: the value at the start, e.g. "3000亿元".
        end_value: the value at the end, same dimension as start_value, e.g. "11491亿元".
        years: the number of years between them, e.g. 8.
    """
    s, e = operand(start_value, "start_value"), operand(end_value, "end_value")
    for op, n in ((s, "start_value"), (e, "end_value")):
        _check_size(op.value, n)
    if s.value.dimension is not e.value.dimension:
        raise ToolError(f"start_value ({s.value.unit}) and end_value ({e.value.unit}) must be in the same dimension.")
    if s.value.value == 0:
        raise ToolError("start_value must be above zero for a growth rate.")
    y = _years(years, 200)
    ratio, exact = div(e.value.to(s.value.unit).value, s.value.value)
    with localcontext(prec=INEXACT_PREC):
        root = (ratio ** (Decimal(1) / y.value.value) if ratio else Decimal(0)).normalize()
    # The root is exact when raising it back gives the ratio digit for digit (121/100 → 1.1).
    root_exact = exact and _power(root, y.value.value) == (ratio, True)
    rate = Quantity(tidy(mul(add(root, Decimal(-1)), Decimal(100))), "%")
    formula = f"({_fmt(e.value)} ÷ {_fmt(s.value)})^(1/{plain(y.value.value)}) − 1 = {format_quantity(rate)}"
    return Calculation("cagr", formula, {"start_value": s, "end_value": e, "years": y}, rate, _inexact_note(root_exact))


def project(value: Amount, rate: AmountOrRange, years: Amount) -> Calculation:
    """Project a value forward at a constant annual growth rate: value × (1 + rate)^years.

    Args:
        value: the starting value, e.g. "3000亿元".
        rate: the annual growth rate, e.g. "20%" (negative for decline) or a range "10%-20%".
        years: the number of years to project, e.g. 3.
    """
    v = operand(value, "value")
    _check_size(v.value, "value")
    r = _check_ratio(operand(rate, "rate", allow_range=True), "rate", lowest=Decimal("-0.99999999"), highest=Decimal(100))
    y = _years(years, 100)
    outs, all_exact = [], True
    for q in _lo_hi(r.value):
        g, exact = _power(add(Decimal(1), q.fraction()), y.value.value)
        all_exact = all_exact and exact
        out = Quantity(tidy(mul(v.value.value, g)) if exact else mul(v.value.value, g), v.value.unit)
        _check_size(out, "projected value")
        outs.append(out)
    result: Quantity | Estimate = outs[0] if outs[0].value == outs[2].value else Estimate(*outs)
    formula = f"{_fmt(v.value)} × (1 + {_fmt(r.value)})^{plain(y.value.value)} = {_result_text(result)}"
    note = _inexact_note(all_exact)
    if isinstance(result, Estimate):
        formula += f" (mid {_fmt(result.mid)} at {_fmt(r.value.mid)})"  # type: ignore[union-attr]
        note = (note + " 中值(mid)为增长率取区间中点时的结果.").strip()
    return Calculation("project", formula, {"value": v, "rate": r, "years": y}, result, note)


def convert_units(value: AmountOrRange, from_unit: str, to_unit: str) -> Calculation:
    """Convert an amount exactly between units, e.g. 亿元 → 万亿元 or 亿元 → billion yuan.

    Args:
        value: the number to convert, e.g. "11491" or "11491亿元" (a range like "575-1149" is allowed).
        from_unit: the unit of value, e.g. "亿元"; may be empty when value carries its unit.
        to_unit: the unit wanted, e.g. "万亿元", "billion yuan", "%".
    """
    op = operand(value, "value", allow_range=True)
    given = op.value.unit
    src = normalize_unit(from_unit) if from_unit else given
    if given and from_unit and given != src:
        raise ToolError(f"value is written in {given!r} but from_unit says {from_unit!r}.")
    v = op.value
    if not given and src:
        v = QuantityRange(Quantity(v.low.value, src), Quantity(v.high.value, src)) if isinstance(v, QuantityRange) else Quantity(v.value, src)
    for q in _lo_hi(v):
        _check_size(q, "value")
    target = normalize_unit(to_unit)
    out = v.to(target)
    inp = Operand(v, op.source, op.citation)
    note = ""
    if isinstance(out, QuantityRange):
        result: Quantity | Estimate = Estimate(out.low, out.mid, out.high)
        note = "区间换算;中值(mid)为区间中点 (mid is the midpoint of the range)."
    else:
        result = out
    formula = f"{_fmt(v)} = {_fmt(out)}"
    return Calculation("convert_units", formula, {"value": inp}, result, note)


TOOLS = (market_size, share_of_market, cagr, project, convert_units)


# --- comparisons of two (or more) figures: differences, growth, shares, ratios, sums ------------------------
# A unit names a magnitude and what is counted: 亿元 = 亿 × 元, 万台 = 万 × 台, billion yuan = billion × 元.
_MAGNITUDE_PREFIX = ("万亿", "亿", "万", "千", "百", "十", "trillion ", "billion ", "million ", "thousand ")
_SAME_THING = {"yuan": "元", "rmb": "元", "cny": "元"}


def _counted(unit: str) -> str:
    """What a unit counts, its magnitude taken off: 亿元 → 元, 万台 → 台, billion yuan → 元, % → %."""
    u = unit.strip()
    for p in _MAGNITUDE_PREFIX:
        if u.startswith(p) and len(u) > len(p):
            u = u[len(p):].strip()
            break
    return _SAME_THING.get(u.lower(), u)


def comparable(a: Operand, b: Operand, a_name: str, b_name: str) -> Quantity:
    """b's value in a's unit, converted exactly; ToolError when the two do not measure the same thing
    (亿元 and 亿美元, 万盒 and 万支, 亿元 and %), since nothing may be guessed (no exchange rate, no size).
    Ratios, durations and masses convert between their units (‰ → %, 分钟 → 小时, kg → 吨); other units must count the same
    thing and differ only in magnitude (万台 and 亿台, 万元 and 亿元)."""
    x, y = a.value, b.value
    if isinstance(x, QuantityRange) or isinstance(y, QuantityRange):
        raise ToolError(f"{a_name} and {b_name} must be single values, not ranges.")
    if x.unit == y.unit:
        return y
    if x.dimension is not y.dimension:
        raise ToolError(f"{a_name} ({x.unit or 'a plain number'}) and {b_name} ({y.unit or 'a plain number'}) "
                        "measure different things (单位不一致), so they cannot be compared.")
    if x.dimension not in (Dimension.RATIO, Dimension.DURATION, Dimension.MASS) and _counted(x.unit) != _counted(y.unit):
        raise ToolError(f"{a_name} is in {x.unit!r} and {b_name} in {y.unit!r}: no exact conversion between them "
                        "(单位不一致，无法精确换算).")
    return y.to(x.unit)


def _points(unit: str) -> str:
    """How a difference reads: two percentages differ by percentage points."""
    return "个百分点" if unit in ("%", "‰") else unit


def _value_text(q: Quantity) -> str:
    """Every digit, the unit as given (2.5万盒, 17 billion yuan, -30元/盒)."""
    sep = " " if q.unit and q.unit[0].isascii() and q.unit not in ("%", "‰") else ""
    return f"{plain(q.value)}{sep}{q.unit}"


def difference(value: Amount, base: Amount) -> Calculation:
    """Difference of two figures: value − base, in value's unit (negative when value is smaller).

    Both must measure the same thing in the same or an exactly convertible unit (亿元 and 万元 convert;
    亿元 and 亿美元, or 万盒 and 万支, are an error). Two percentages differ by percentage points.

    Args:
        value: the figure compared, e.g. the later year's "12万盒" or "64亿元".
        base: the figure it is compared with, e.g. the earlier year's "9.5万盒".
    """
    v, b = operand(value, "value"), operand(base, "base")
    other = comparable(v, b, "value", "base")
    result = Quantity(tidy(add(v.value.value, -other.value)), v.value.unit)
    formula = f"{_value_text(v.value)} − {_value_text(other)} = {_value_text(result)}"
    note = ""
    if v.value.unit in ("%", "‰"):
        formula += f" ({plain(result.value)}{_points(v.value.unit)})"
        note = "两个百分比之差，单位为百分点 (a difference of percentages, in percentage points)."
    if other.unit != b.value.unit:
        note = (note + f" base {_value_text(b.value)} = {_value_text(other)}.").strip()
    return Calculation("difference", formula, {"value": v, "base": b}, result, note)


def growth(start_value: Amount, end_value: Amount) -> Calculation:
    """Growth from one figure to another, in percent: (end ÷ start − 1) × 100% (not annualised; see cagr).

    Args:
        start_value: the earlier figure, e.g. "80亿元"; must be above zero.
        end_value: the later figure, same thing measured, e.g. "92亿元".
    """
    s, e = operand(start_value, "start_value"), operand(end_value, "end_value")
    other = comparable(s, e, "start_value", "end_value")
    if s.value.value <= 0:
        raise ToolError("start_value must be above zero for a growth rate.")
    q, exact = div(other.value, s.value.value)
    rate = Quantity(tidy(mul(add(q, Decimal(-1)), Decimal(100))), "%")
    formula = f"{_value_text(other)} ÷ {_value_text(s.value)} − 1 = {format_quantity(rate)}"
    return Calculation("growth", formula, {"start_value": s, "end_value": e}, rate, _inexact_note(exact))


def share(part: Amount, total: Amount) -> Calculation:
    """Share of a part in its total, in percent: part ÷ total × 100%. Any quantity, not only money.

    Args:
        part: the part, e.g. "36亿元" or "1.2亿台".
        total: the whole it belongs to, the same thing measured, e.g. "150亿元".
    """
    p, t = operand(part, "part"), operand(total, "total")
    other = comparable(t, p, "total", "part")
    if t.value.value <= 0:
        raise ToolError("The total must be above zero (总量必须大于零).")
    if other.value < 0:
        raise ToolError("The part cannot be negative.")
    q, exact = div(other.value, t.value.value)
    if q > 1:
        raise ToolError(f"The part {_value_text(p.value)} is larger than the total {_value_text(t.value)}: "
                        "a share cannot exceed 100%.")
    pct = Quantity(tidy(mul(q, Decimal(100))), "%")
    formula = f"{_value_text(other)} ÷ {_value_text(t.value)} = {format_quantity(pct)}"
    return Calculation("share", formula, {"part": p, "total": t}, pct, _inexact_note(exact))


def ratio(value: Amount, base: Amount) -> Calculation:
    """How many times base the value is: value ÷ base (a plain number, 「是…的几倍」).

    Args:
        value: the figure, e.g. "64亿元".
        base: the figure it is measured against, the same thing measured, e.g. "25亿元"; not zero.
    """
    v, b = operand(value, "value"), operand(base, "base")
    other = comparable(v, b, "value", "base")
    if other.value == 0:
        raise ToolError("base cannot be zero (除数为零).")
    q, exact = div(v.value.value, other.value)
    times = Quantity(tidy(q), "")
    formula = f"{_value_text(v.value)} ÷ {_value_text(other)} = {format_number(times.value).text}"
    return Calculation("ratio", formula, {"value": v, "base": b}, times, _inexact_note(exact))


def total(values: list[Amount]) -> Calculation:
    """Sum of figures of the same thing (segments, regions or years), in the first figure's unit.

    Args:
        values: two or more figures, e.g. ["42亿元", "17亿元"]; all must measure the same thing.
    """
    if not isinstance(values, (list, tuple)) or len(values) < 2:
        raise ToolError("total needs at least two values, e.g. ['42亿元', '17亿元'].")
    if len(values) > MAX_FACTORS:
        raise ToolError(f"total takes at most {MAX_FACTORS} values.")
    ops = [operand(x, f"value_{i}") for i, x in enumerate(values, 1)]
    same = [ops[0].value] + [comparable(ops[0], o, "value_1", f"value_{i}") for i, o in enumerate(ops[1:], 2)]
    result = Quantity(tidy(add(*(q.value for q in same))), ops[0].value.unit)
    formula = " + ".join(_value_text(q) for q in same) + f" = {_value_text(result)}"
    return Calculation("total", formula, {f"value_{i}": o for i, o in enumerate(ops, 1)}, result)


COMPARISONS = (difference, growth, share, ratio, total)
