"""Exact quantities: a Decimal value with a unit, and one way to print them.

Every value is a `Decimal`, never a float, so 11491亿元 × 5% is exactly 574.55亿元.
Units carry a dimension; converting between currency magnitudes is exact
(1亿 = 10^8 元, 1万亿 = 10^4 亿, 1 billion = 10 亿) and mixing dimensions
(a percentage plus a currency) raises `ToolError`.

Bare magnitudes ("亿", "万", "billion") are read as yuan magnitudes: the reports
this bot reads quote money that way ("3000亿" means 3000亿元).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, Inexact, InvalidOperation, localcontext
from enum import Enum

from bot.errors import ToolError

# Multiplication and addition run with this much precision so that they stay exact for
# every input we accept (≤ 20 significant digits, ≤ 10 factors).
EXACT_PREC = 400
# Division and roots are generally not exact; they are rounded to the usual 28 digits and
# the calculation says so.
INEXACT_PREC = 28
MAX_DIGITS = 20
# Absurd magnitudes: 10^16 元 is a hundred times world GDP in yuan; nothing a report quotes.
MAX_CURRENCY_YUAN = Decimal(10) ** 16


class Dimension(str, Enum):
    CURRENCY = "currency"
    RATIO = "ratio"
    DURATION = "duration"
    PAGES = "pages"
    YEARS = "years"
    NUMBER = "number"  # a plain number; a ratio where a fraction is expected (0.1 = 10%)


@dataclass(frozen=True)
class UnitInfo:
    name: str
    dimension: Dimension
    factor: Decimal  # how many base units (元, 1.0, 秒...) one of this unit is
    style: str = "zh"


def _u(name: str, dim: Dimension, factor: int | str, style: str = "zh") -> UnitInfo:
    return UnitInfo(name, dim, Decimal(factor), style)


UNITS: dict[str, UnitInfo] = {
    u.name: u
    for u in (
        _u("元", Dimension.CURRENCY, 1),
        _u("万元", Dimension.CURRENCY, 10**4),
        _u("亿元", Dimension.CURRENCY, 10**8),
        _u("万亿元", Dimension.CURRENCY, 10**12),
        _u("yuan", Dimension.CURRENCY, 1, "en"),
        _u("thousand yuan", Dimension.CURRENCY, 10**3, "en"),
        _u("million yuan", Dimension.CURRENCY, 10**6, "en"),
        _u("billion yuan", Dimension.CURRENCY, 10**9, "en"),
        _u("trillion yuan", Dimension.CURRENCY, 10**12, "en"),
        _u("%", Dimension.RATIO, "0.01"),
        _u("‰", Dimension.RATIO, "0.001"),
        _u("秒", Dimension.DURATION, 1),
        _u("分钟", Dimension.DURATION, 60),
        _u("小时", Dimension.DURATION, 3600),
        _u("页", Dimension.PAGES, 1),
        _u("年", Dimension.YEARS, 1),
        _u("", Dimension.NUMBER, 1),
    )
}

_ALIASES = {
    "万": "万元", "亿": "亿元", "万亿": "万亿元", "￥": "元", "¥": "元",
    "rmb": "yuan", "cny": "yuan", "yuan": "yuan",
    "percent": "%", "per cent": "%", "pct": "%", "％": "%", "百分比": "%",
    "s": "秒", "sec": "秒", "second": "秒", "seconds": "秒",
    "min": "分钟", "minute": "分钟", "minutes": "分钟", "分钟": "分钟",
    "h": "小时", "hour": "小时", "hours": "小时", "个小时": "小时",
    "page": "页", "pages": "页", "pp": "页",
    "year": "年", "years": "年", "yr": "年", "yrs": "年",
}
_EN_MAGNITUDE = {
    # No one-letter abbreviations: "m" or "t" could as well be metres or tonnes.
    "thousand": "thousand", "million": "million", "mn": "million", "mio": "million",
    "billion": "billion", "bn": "billion", "trillion": "trillion", "tn": "trillion",
}
_EN_CURRENCY = r"(?:yuan|rmb|cny|元)"
_EN_UNIT = re.compile(
    rf"^(?:{_EN_CURRENCY}\s*)?(?P<mag>[a-z]+)?\s*(?:{_EN_CURRENCY})?$"
)


def normalize_unit(unit: str) -> str:
    """Return the canonical name of a unit spelling ("亿" → "亿元", "RMB bn" → "billion yuan").

    Raises:
        ToolError: the unit is not one the tools know.
    """
    if not isinstance(unit, str):
        raise ToolError(f"A unit must be text, got {type(unit).__name__}.")
    raw = unit
    u = unit.strip().replace("人民币", "").replace("（", "(").strip()
    if u in UNITS:
        return u
    low = u.lower()
    if low in _ALIASES:
        return _ALIASES[low]
    if low in UNITS:
        return low
    m = _EN_UNIT.match(low)
    if m and (m.group("mag") or low):
        mag = m.group("mag")
        if mag is None:
            return "yuan"
        if mag in _EN_MAGNITUDE:
            return f"{_EN_MAGNITUDE[mag]} yuan"
    raise ToolError(f"Unknown unit {raw!r} (单位无法识别); use 元/万元/亿元/万亿元, million/billion/trillion yuan, or %.")


def unit_info(unit: str) -> UnitInfo:
    return UNITS[normalize_unit(unit)]


def to_decimal(value: object, what: str = "value") -> Decimal:
    """Turn an int, a decimal string or a float into a finite Decimal of sensible size.

    Floats go through `repr` so 0.1 stays 0.1 rather than its binary expansion.

    Raises:
        ToolError: not a number, not finite, or far outside any figure a report quotes.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        raise ToolError(f"The {what} must be a number, got {type(value).__name__}.")
    try:
        d = Decimal(repr(value)) if isinstance(value, float) else Decimal(
            value.strip().replace(",", "") if isinstance(value, str) else value
        )
    except (InvalidOperation, ValueError):
        raise ToolError(f"The {what} {value!r} is not a number.") from None
    if not d.is_finite():
        raise ToolError(f"The {what} must be a finite number, got {value}.")
    if d != 0 and not -30 <= d.adjusted() <= 30:
        raise ToolError(f"The {what} {value} is outside the supported range (10^-30 to 10^30).")
    if len(d.normalize().as_tuple().digits) > MAX_DIGITS:
        raise ToolError(f"The {what} {value} has more than {MAX_DIGITS} significant digits.")
    return d


def tidy(d: Decimal) -> Decimal:
    """Same value, without trailing zeros or an exponent (Decimal("1E+1") → Decimal("10"))."""
    with localcontext(prec=EXACT_PREC):
        return d.quantize(Decimal(1)) if d == d.to_integral_value() else d.normalize()


def mul(*xs: Decimal) -> Decimal:
    """Exact product (the precision is far above what any accepted input needs)."""
    with localcontext(prec=EXACT_PREC):
        out = Decimal(1)
        for x in xs:
            out *= x
        return out


def add(*xs: Decimal) -> Decimal:
    with localcontext(prec=EXACT_PREC):
        return sum(xs, Decimal(0))


def div(a: Decimal, b: Decimal) -> tuple[Decimal, bool]:
    """a / b and whether it is exact; inexact quotients are rounded to 28 digits."""
    if b == 0:
        raise ToolError("Cannot divide by zero (除数为零).")
    with localcontext(prec=EXACT_PREC) as ctx:
        ctx.clear_flags()
        q = a / b
        if not ctx.flags[Inexact]:
            return q, True
    with localcontext(prec=INEXACT_PREC):
        return a / b, False


@dataclass(frozen=True)
class Quantity:
    """A Decimal value with a canonical unit, e.g. Quantity(Decimal("3000"), "亿元")."""

    value: Decimal
    unit: str = ""

    def __post_init__(self) -> None:
        # Inputs are range-checked by `to_decimal`; computed Decimals may carry more digits.
        v = self.value
        if not isinstance(v, Decimal):
            v = to_decimal(v)
        elif not v.is_finite():
            raise ToolError(f"A quantity must be a finite number, got {v}.")
        object.__setattr__(self, "value", v)
        object.__setattr__(self, "unit", normalize_unit(self.unit))

    @property
    def dimension(self) -> Dimension:
        return UNITS[self.unit].dimension

    def base_value(self) -> Decimal:
        """The value in the dimension's base unit (元, fraction, 秒...)."""
        return mul(self.value, UNITS[self.unit].factor)

    def to(self, unit: str) -> Quantity:
        """Convert exactly to another unit of the same dimension.

        Raises:
            ToolError: the dimensions differ (e.g. 亿元 to %).
        """
        target = unit_info(unit)
        if self.dimension is Dimension.NUMBER and target.dimension is Dimension.RATIO:
            pass  # a bare fraction is a ratio: 0.1 → 10%
        elif target.dimension is not self.dimension:
            raise ToolError(
                f"Cannot convert {self.unit or 'a plain number'} ({self.dimension.value}) "
                f"to {target.name or 'a plain number'} ({target.dimension.value})."
            )
        if self.unit == target.name:
            return self
        q, _ = div(self.base_value(), target.factor)  # factors are powers of ten: exact
        return Quantity(tidy(q), target.name)

    def _same(self, other: object, op: str) -> Quantity:
        if not isinstance(other, Quantity):
            raise ToolError(f"Cannot {op} a quantity and {type(other).__name__}.")
        if other.dimension is not self.dimension:
            raise ToolError(
                f"Cannot {op} {other.unit or 'a plain number'} ({other.dimension.value}) "
                f"and {self.unit or 'a plain number'} ({self.dimension.value})."
            )
        return other.to(self.unit)

    def __add__(self, other: object) -> Quantity:
        return Quantity(add(self.value, self._same(other, "add").value), self.unit)

    def __sub__(self, other: object) -> Quantity:
        return Quantity(add(self.value, -self._same(other, "subtract").value), self.unit)

    def fraction(self) -> Decimal:
        """A ratio as a plain fraction (10% → 0.1)."""
        if self.dimension not in (Dimension.RATIO, Dimension.NUMBER):
            raise ToolError(f"{self.value}{self.unit} is not a ratio (比例).")
        return self.base_value()


@dataclass(frozen=True)
class QuantityRange:
    """A low–high range in one unit (the high side's unit when the two differ)."""

    low: Quantity
    high: Quantity

    def __post_init__(self) -> None:
        if self.low.dimension is not self.high.dimension:
            raise ToolError(f"A range needs one dimension, got {self.low.unit!r} and {self.high.unit!r}.")
        low = self.low.to(self.high.unit)
        if low.value > self.high.value:
            raise ToolError(f"Range low {low.value}{low.unit} is above high {self.high.value}{self.high.unit}.")
        object.__setattr__(self, "low", low)

    @property
    def unit(self) -> str:
        return self.high.unit

    @property
    def dimension(self) -> Dimension:
        return self.high.dimension

    @property
    def mid(self) -> Quantity:
        """The midpoint (always exact: halving a decimal terminates)."""
        return Quantity(mul(add(self.low.value, self.high.value), Decimal("0.5")), self.unit)

    def to(self, unit: str) -> QuantityRange:
        return QuantityRange(self.low.to(unit), self.high.to(unit))


@dataclass(frozen=True)
class Formatted:
    """A printed number: `text` for display, `exact` with every digit we hold."""

    text: str
    exact: str
    rounded: bool

    def __str__(self) -> str:
        return self.text


def plain(d: Decimal) -> str:
    """Every digit of d, no exponent, no trailing zeros ("574.55", "3000")."""
    s = format(d.normalize(), "f")
    return "0" if s in ("-0", "") else s


def format_number(d: Decimal, places: int = 4) -> Formatted:
    """Round to `places` decimals half-up (四舍五入); mark "≈" only when digits were dropped."""
    exact = plain(d)
    with localcontext(prec=EXACT_PREC):
        r = d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if r == d:
        return Formatted(exact, exact, False)
    return Formatted("≈" + plain(r), exact, True)


def display_unit(q: Quantity, style: str) -> str:
    """The unit `format_quantity` prints q in for a style ("zh" or "en")."""
    info = UNITS[q.unit]
    if info.dimension in (Dimension.RATIO, Dimension.NUMBER) and q.unit != "":
        return "%"
    if info.dimension is not Dimension.CURRENCY or info.style == style:
        return q.unit
    size = abs(q.base_value())
    if style == "en":
        for name, f in (("trillion yuan", 12), ("billion yuan", 9), ("million yuan", 6)):
            if size >= Decimal(10) ** f:
                return name
        return "yuan"
    for name, f in (("亿元", 8), ("万元", 4)):
        if size >= Decimal(10) ** f:
            return name
    return "元"


def format_quantity(q: Quantity, style: str = "zh", places: int = 4, unit: str | None = None) -> Formatted:
    """Format a quantity with its unit: "574.55亿元" (zh) or "57.455 billion yuan" (en).

    Args:
        q: the quantity.
        style: "zh" keeps Chinese magnitudes, "en" uses million/billion/trillion yuan.
        places: decimals shown before rounding kicks in (the exact digits stay in `.exact`).
        unit: print in this unit instead of the style's choice.
    """
    shown = q.to(unit) if unit else q.to(display_unit(q, style))
    num = format_number(shown.value, places)
    sep = " " if shown.unit and shown.unit[0].isascii() and shown.unit != "%" else ""
    return Formatted(f"{num.text}{sep}{shown.unit}", f"{num.exact}{sep}{shown.unit}", num.rounded)


def format_range(r: QuantityRange, style: str = "zh", places: int = 4, unit: str | None = None) -> Formatted:
    """"575亿–1149亿元", "5%–35%", "57.5–114.9 billion yuan"."""
    unit = normalize_unit(unit) if unit else display_unit(r.high, style)
    high = format_quantity(r.high, style, places, unit=unit)
    low = format_quantity(r.low, style, places, unit=unit)
    if unit.endswith("元") and len(unit) > 1:  # "15亿–105亿元": the magnitude stays on both sides
        lt, le = low.text[: -1], low.exact[: -1]
    elif unit == "%":
        lt, le = low.text, low.exact
    else:
        lt = format_number(r.low.to(unit).value, places).text
        le = format_number(r.low.to(unit).value, places).exact
    return Formatted(f"{lt}–{high.text}", f"{le}–{high.exact}", low.rounded or high.rounded)


class ValueWithUnit:
    """Mixin for records holding `value`, `unit` and an optional `high` (a range): shared accessors."""

    value: Decimal
    unit: str
    high: Decimal | None

    @property
    def is_range(self) -> bool:
        return self.high is not None

    @property
    def dimension(self) -> Dimension:
        return UNITS[self.unit].dimension

    def quantity(self) -> "Quantity | QuantityRange":
        low = Quantity(self.value, self.unit)
        return low if self.high is None else QuantityRange(low, Quantity(self.high, self.unit))
