"""Exact quantities: a Decimal value with a unit, and one way to print them.

Every value is a `Decimal`, never a float, so 11491亿元 × 5% is exactly 574.55亿元.
A unit has a dimension and, within it, a kind that must match for a conversion:

- CURRENCY: money in one currency (元/万元/亿元, 亿美元, billion USD...). Magnitudes convert
  exactly (1亿 = 10^8 元, 1 billion = 10 亿); two currencies never do: no exchange rate is
  ever assumed.
- COUNT: a number of things, the counted noun kept in the unit ("万台", "亿部", "人份").
  万台 ↔ 台 ↔ 亿台 convert exactly; 台 and 部 are different nouns and do not.
- PRICE: money per counted thing ("元/瓶", "万元/台", "美元/部"); PER_UNIT: things per thing
  ("平米/部", "人份/盒"). The denominator is a bare noun or a time word ("万元/年").
- RATIO (%, ‰) and POINTS (pp, bp: percentage points, a difference of two percentages).
  Percent and points never convert into each other; `add_points` applies one to the other.
- MASS: mg, g, kg, 吨 (and 万吨, 亿吨…), all in grams, converting among themselves exactly and never into money
  or counts. A per-unit may be per a mass (万瓶/吨, 元/kg, a dose per body weight g/kg, g/kg/天): the mass below
  cancels against any mass above (万瓶/吨 × kg = 瓶).
- DAYS: 天, a duration counted in days that multiplies (6瓶/天 × 3天 = 18瓶; 0.25g/kg/天 × 60kg × 3天 = 45g). It
  does not convert into 秒/小时 (like 年, its own dimension).
- DURATION, PAGES, YEARS, and NUMBER (a plain number; a fraction where a ratio is expected).

`times` multiplies quantities with their units (亿部 × 平米/部 = 亿平米, 万人份 × 元/人份 = 万元),
`divide` and `ratio_of` divide them, `readable` picks a magnitude a reader expects.

Bare magnitudes ("亿", "万", "billion") are read as yuan magnitudes: the reports this bot
reads quote money that way ("3000亿" means 3000亿元).
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
    POINTS = "points"  # percentage points (pp, 百分点): a change of a percentage, not a percentage
    COUNT = "count"  # a number of things: 万台, 人份
    PRICE = "price"  # money per counted thing: 元/瓶
    PER_UNIT = "per_unit"  # things per thing or per time: 平米/部, 万片/月, g/瓶, g/kg/天
    MASS = "mass"  # mg, g, kg, 吨: grams
    DAYS = "days"  # 天: a duration that multiplies (疗程3-5天)
    DURATION = "duration"
    PAGES = "pages"
    YEARS = "years"
    NUMBER = "number"  # a plain number; a ratio where a fraction is expected (0.1 = 10%)


# --- vocabulary: the one place currencies, magnitudes and counted nouns are listed ------------------------------

@dataclass(frozen=True)
class Currency:
    code: str  # ISO 4217
    zh: str  # the unit word after a Chinese magnitude: 亿美元
    en: str  # the unit word after an English magnitude: billion USD
    zh_aliases: tuple[str, ...] = ()
    en_aliases: tuple[str, ...] = ()  # lower case; symbols written before the number too ($, €)


CURRENCIES: tuple[Currency, ...] = (
    Currency("CNY", "元", "yuan", ("人民币元",), ("yuan", "rmb", "cny", "renminbi")),
    Currency("USD", "美元", "USD", ("美金",), ("usd", "us$", "$", "us dollars", "us dollar", "dollars", "dollar")),
    Currency("HKD", "港元", "HKD", ("港币",), ("hkd", "hk$")),
    Currency("EUR", "欧元", "EUR", (), ("eur", "€", "euros", "euro")),
    Currency("JPY", "日元", "JPY", (), ("jpy", "yen")),
    Currency("GBP", "英镑", "GBP", (), ("gbp", "£")),
    Currency("KRW", "韩元", "KRW", (), ("krw", "won")),
    Currency("TWD", "新台币", "TWD", ("台币",), ("twd", "nt$")),
    Currency("AUD", "澳元", "AUD", (), ("aud", "a$")),
    Currency("CHF", "瑞郎", "CHF", ("瑞士法郎",), ("chf",)),
)
CURRENCY_BY_CODE = {c.code: c for c in CURRENCIES}

# Magnitudes a unit may carry, as powers of ten. 百亿/千亿 are units too, though text reading
# writes "3千亿" as 3000亿元 (the magnitude reports print).
ZH_MAGNITUDES = {"": 0, "千": 3, "万": 4, "十万": 5, "百万": 6, "千万": 7, "亿": 8, "十亿": 9,
                 "百亿": 10, "千亿": 11, "万亿": 12}
EN_MAGNITUDES = {"": 0, "thousand": 3, "million": 6, "billion": 9, "trillion": 12}
_EN_MAGNITUDE_WORDS = {
    # No one-letter abbreviations: "m" or "t" could as well be metres or tonnes.
    "thousand": "thousand", "million": "million", "mn": "million", "mio": "million",
    "billion": "billion", "bn": "billion", "trillion": "trillion", "tn": "trillion",
}
# The magnitudes `readable` and display choose from, largest first.
_READABLE = {"zh": ("万亿", "亿", "万", ""), "en": ("trillion", "billion", "million", "")}

# Counted nouns (量词 and the few nouns reports count directly). A count keeps its noun in the
# unit: "万台", "亿部". Different nouns never convert into each other.
COUNT_NOUNS: tuple[str, ...] = (
    "台", "部", "只", "个", "件", "人", "人次", "人份", "例", "次", "瓶", "支", "片", "颗", "粒", "块",
    "盒", "剂", "针", "套", "台套", "张", "家", "户", "辆", "架", "艘", "平米", "立方米", "亩", "公里",
    "枚", "袋", "包", "箱", "桶", "罐", "座", "床", "名", "位", "条", "篇", "款", "项", "种", "头", "股",
    "份", "疗程", "用户",
)
NOUN_ALIASES = {"平方米": "平米", "平方": "平米", "㎡": "平米"}
# Words that only follow a slash: 万元/年, 万片/月, 美元/盎司, 元/平 (= 元/平米). (A mass after a slash is a mass:
# 元/kg, 万瓶/吨; 天 is a unit of its own that cancels.)
PER_ONLY_NOUNS: tuple[str, ...] = ("年", "季度", "季", "月", "周", "天", "小时", "分钟", "秒", "盎司", "米", "度")
PER_ALIASES = {"平": "平米", "日": "天", "d": "天", "day": "天"}
# Masses in grams. 吨 takes the Chinese magnitudes (万吨, 亿吨); g, kg and mg none.
MASS_UNITS = {"mg": Decimal("0.001"), "g": Decimal(1), "kg": Decimal(1000), "吨": Decimal(10) ** 6}
MASS_ALIASES = {"毫克": "mg", "克": "g", "千克": "kg", "公斤": "kg", "公吨": "吨", "t": "吨"}
# After these a noun starts another word: 3个月 is no count of 个, 一部分 none of 部.
NOUN_NOT_BEFORE = {
    "个": "月|季度|小时|百分点|基点|股|交易日|工作日|点", "部": "分|门|署", "次": "性|日|年|月|级|方|之",
    "人": "民|工", "位": "数|置|于", "块": "钱", "例": "如", "只": "有|是|能|要|会", "头": "部",
    "股": "份|东|价|权|市|票", "项": "目", "片": "区", "台": "湾|阶|币|风", "支": "付|持|出|撑",
    "套": "餐|利", "剂": "型|量", "户": "外", "份": "额", "架": "构", "瓶": "颈", "名": "义", "条": "件",
    "家": "电", "种": "子", "亩": "产", "平米": "公里|千米",
}

POINTS_UNITS = ("pp", "bp")


@dataclass(frozen=True)
class UnitInfo:
    name: str
    dimension: Dimension
    factor: Decimal  # how many base units (元, 台, 1.0, 秒...) one of this unit is
    style: str = "zh"
    currency: str = ""  # CURRENCY and PRICE: the currency code
    noun: str = ""  # COUNT and PER_UNIT: the counted noun of the numerator
    per: str = ""  # PRICE and PER_UNIT: the noun of the denominator ("瓶", "吨", "kg/天")
    magnitude: str = ""  # the magnitude word in the name ("亿", "billion")
    base: str = ""  # the name without its magnitude ("元", "台", "美元", "USD", "吨")
    measure: str = ""  # MASS ("g") and DAYS ("天"), and per-units of a mass: what the numerator measures

    @property
    def head(self) -> str:
        """The key of the numerator that cancels: a currency code, a counted noun, "g" for any mass, "天"."""
        return self.currency or self.noun or self.measure

    @property
    def kind(self) -> str:
        """What two units of one dimension must share to convert: "CNY", "台", "USD/部", "g", "瓶/g" (万瓶/吨)."""
        return "/".join([self.head, *per_keys(self.per)[1]]) if self.per else self.head


def per_keys(per: str) -> tuple[Decimal, list[str]]:
    """The grams a denominator holds and the keys it cancels with: "吨" → (10^6, ["g"]), "kg/天" → (1000, ["g", "天"]),
    "瓶" → (1, ["瓶"])."""
    factor, keys = Decimal(1), []
    for part in per.split("/") if per else ():
        if part in MASS_UNITS or part.endswith("吨"):
            factor *= UNITS[part].factor
            keys.append("g")
        else:
            keys.append(part)
    return factor, keys


def _u(name: str, dim: Dimension, factor: int | str, style: str = "zh") -> UnitInfo:
    return UnitInfo(name, dim, Decimal(factor), style)


def _currency_name(c: Currency, magnitude: str, style: str) -> str:
    return magnitude + c.zh if style == "zh" else f"{magnitude} {c.en}".strip()


def _simple_units() -> dict[str, UnitInfo]:
    out: dict[str, UnitInfo] = {}
    for u in (
        _u("%", Dimension.RATIO, "0.01"), _u("‰", Dimension.RATIO, "0.001"),
        _u("pp", Dimension.POINTS, 1, "en"), _u("bp", Dimension.POINTS, "0.01", "en"),
        _u("秒", Dimension.DURATION, 1), _u("分钟", Dimension.DURATION, 60), _u("小时", Dimension.DURATION, 3600),
        _u("页", Dimension.PAGES, 1), _u("年", Dimension.YEARS, 1), _u("", Dimension.NUMBER, 1),
    ):
        out[u.name] = u
    out["天"] = UnitInfo("天", Dimension.DAYS, Decimal(1), base="天", measure="天")
    for name, grams in MASS_UNITS.items():
        mags = ZH_MAGNITUDES if name == "吨" else {"": 0}
        for mag, p in mags.items():
            out[mag + name] = UnitInfo(mag + name, Dimension.MASS, grams * Decimal(10) ** p, magnitude=mag, base=name,
                                       measure="g")
    for c in CURRENCIES:
        for style, mags in (("zh", ZH_MAGNITUDES), ("en", EN_MAGNITUDES)):
            for mag, p in mags.items():
                name = _currency_name(c, mag, style)
                out[name] = UnitInfo(name, Dimension.CURRENCY, Decimal(10) ** p, style, currency=c.code,
                                     magnitude=mag, base=c.zh if style == "zh" else c.en)
    for noun in COUNT_NOUNS:
        for mag, p in ZH_MAGNITUDES.items():
            name = mag + noun
            assert name not in out, name  # the vocabulary must not make one name twice
            out[name] = UnitInfo(name, Dimension.COUNT, Decimal(10) ** p, noun=noun, magnitude=mag, base=noun)
    return out


class _UnitTable(dict):
    """Canonical unit name → UnitInfo. Per-unit names ("万元/台") are made on first use: there
    are thousands of numerator/denominator pairs and a text uses a handful."""

    def __missing__(self, key: str) -> UnitInfo:
        num, slash, per = key.partition("/") if isinstance(key, str) else ("", "", "")
        top = dict.get(self, num) if slash else None
        parts = per.split("/")
        if top is None or top.dimension not in (Dimension.CURRENCY, Dimension.COUNT, Dimension.MASS) \
                or not _valid_per(parts) or parts[0] in (top.noun, top.name):
            raise KeyError(key)
        dim = Dimension.PRICE if top.dimension is Dimension.CURRENCY else Dimension.PER_UNIT
        grams, _ = per_keys(per)
        with localcontext(prec=EXACT_PREC):
            factor = top.factor / grams  # grams are powers of ten: exact
        info = UnitInfo(key, dim, factor, top.style, top.currency, top.noun, per, top.magnitude, top.base, top.measure)
        self[key] = info
        return info


def _is_mass(word: str) -> bool:
    return dict.get(UNITS, word) is not None and UNITS[word].dimension is Dimension.MASS


def _valid_per(parts: list[str]) -> bool:
    """A denominator: a noun, a time word or a mass (瓶, 年, 吨, kg); or a mass per day (g/kg/天, a dose per body
    weight and day)."""
    if len(parts) == 1:
        return parts[0] in _PER_NOUNS or _is_mass(parts[0])
    return len(parts) == 2 and _is_mass(parts[0]) and parts[1] == "天"


UNITS: dict[str, UnitInfo] = _UnitTable(_simple_units())
_PER_NOUNS = frozenset(COUNT_NOUNS) | frozenset(PER_ONLY_NOUNS)

_ALIASES = {
    "万": "万元", "亿": "亿元", "万亿": "万亿元", "￥": "元", "¥": "元",
    "percent": "%", "per cent": "%", "pct": "%", "％": "%", "百分比": "%",
    "pp": "pp", "ppt": "pp", "ppts": "pp", "pcts": "pp", "百分点": "pp", "个百分点": "pp",
    "percentage point": "pp", "percentage points": "pp", "pts": "pp",
    "bp": "bp", "bps": "bp", "基点": "bp", "个基点": "bp", "basis point": "bp", "basis points": "bp",
    "s": "秒", "sec": "秒", "second": "秒", "seconds": "秒",
    "min": "分钟", "minute": "分钟", "minutes": "分钟", "分钟": "分钟",
    "h": "小时", "hour": "小时", "hours": "小时", "个小时": "小时",
    "page": "页", "pages": "页",
    "year": "年", "years": "年", "yr": "年", "yrs": "年",
    "日": "天", "d": "天", "day": "天", "days": "天",
    **MASS_ALIASES,
}
# Chinese currency words, longest first so that 新台币 is not read as 台 + 币.
_ZH_CURRENCY_WORDS = dict(sorted(
    ((w, c) for c in CURRENCIES for w in (c.zh, *c.zh_aliases)), key=lambda kv: -len(kv[0])))
_EN_CURRENCY_WORDS = dict(sorted(
    ((w, c) for c in CURRENCIES for w in (*c.en_aliases, c.zh)), key=lambda kv: -len(kv[0])))
_EN_CUR = "|".join(re.escape(w) for w in _EN_CURRENCY_WORDS)
_EN_UNIT = re.compile(rf"^(?:(?P<c1>{_EN_CUR})\s*)?(?P<mag>[a-z]+)?\s*(?:(?P<c2>{_EN_CUR}))?$")
_ZH_MAG_FIRST = sorted(ZH_MAGNITUDES, key=len, reverse=True)


def _unknown(raw: object) -> ToolError:
    return ToolError(
        f"Unknown unit {raw!r} (单位无法识别); use 元/万元/亿元/万亿元, million/billion/trillion yuan, "
        f"美元/万美元/亿美元/billion USD (also {', '.join(c.zh + '/' + c.en for c in CURRENCIES[2:])}), "
        "%, ‰, pp/个百分点 or bp (percentage points), 秒/分钟/小时, 天, 页, 年, mg/g/kg/吨, "
        f"a count such as 万台/亿部/人份 (counted nouns: {'、'.join(COUNT_NOUNS)}), "
        "or a per-unit value such as 元/瓶, 万元/台, 美元/部, 平米/部, 万元/年, g/瓶, 元/吨, g/kg/天."
    )


def _zh_unit(u: str) -> str | None:
    """"亿美金" → "亿美元", "万平方米" → "万平米", "百万" → "百万元" (a bare magnitude is yuan)."""
    for mag in _ZH_MAG_FIRST:
        if not u.startswith(mag):
            continue
        rest = u[len(mag):]
        if rest in _ZH_CURRENCY_WORDS:
            return mag + _ZH_CURRENCY_WORDS[rest].zh
        noun = NOUN_ALIASES.get(rest, rest)
        if noun in COUNT_NOUNS:
            return mag + noun
        if rest in ("吨", "公吨"):
            return mag + "吨"
        if mag and not rest:
            return mag + "元"
    return None


def _en_unit(low: str) -> str | None:
    """"rmb bn" → "billion yuan", "us$ bn" → "billion USD", "billion" → "billion yuan"."""
    m = _EN_UNIT.match(low)
    if not m or not (m.group("c1") or m.group("mag") or m.group("c2")):
        return None
    c1, c2 = (_EN_CURRENCY_WORDS[g] if g else None for g in (m.group("c1"), m.group("c2")))
    if c1 and c2 and c1 is not c2:
        return None
    cur = c1 or c2 or CURRENCY_BY_CODE["CNY"]
    mag = m.group("mag")
    if mag is None:
        return cur.en
    if mag not in _EN_MAGNITUDE_WORDS:
        return None
    return _currency_name(cur, _EN_MAGNITUDE_WORDS[mag], "en")


def _per_word(w: str) -> str:
    w = w.strip()
    low = w.lower()
    return PER_ALIASES.get(low) or MASS_ALIASES.get(low) or MASS_ALIASES.get(w) or NOUN_ALIASES.get(w) or \
        (low if low in MASS_UNITS else w)


def _per_unit(u: str, raw: object) -> str:
    num, _, per = u.partition("/")
    try:
        top = normalize_unit(num)
    except ToolError:
        raise _unknown(raw) from None
    info = UNITS[top]
    # 「g/(kg·d)」, 「mg/kg体重/天」: a dose per body weight and day
    per = re.sub(r"[()·•*×]", "/", per.replace("体重", "")).strip("/")
    parts = [_per_word(p) for p in per.split("/") if p.strip()]
    if info.dimension not in (Dimension.CURRENCY, Dimension.COUNT, Dimension.MASS) or not parts \
            or not _valid_per(parts):
        raise _unknown(raw)
    if parts[0] in (info.noun, top):
        raise ToolError(f"{raw!r} is a plain ratio ({parts[0]} per {parts[0]}); write it as a number or a percentage.")
    return f"{top}/{'/'.join(parts)}"


def normalize_unit(unit: str) -> str:
    """Return the canonical name of a unit spelling ("亿" → "亿元", "RMB bn" → "billion yuan",
    "亿美金" → "亿美元", "个百分点" → "pp", "元/平方米" → "元/平米").

    Raises:
        ToolError: the unit is not one the tools know.
    """
    if not isinstance(unit, str):
        raise ToolError(f"A unit must be text, got {type(unit).__name__}.")
    raw = unit
    u = unit.strip().replace("（", "(").replace("／", "/").strip()
    u = "元" if u == "人民币" else u.replace("人民币", "").strip()
    if dict.__contains__(UNITS, u):
        return u
    low = u.lower()
    if low in _ALIASES:
        return _ALIASES[low]
    if dict.__contains__(UNITS, low):
        return low
    if "/" in u:
        return _per_unit(u, raw)
    found = _zh_unit(u) or _en_unit(low)
    if found is None:
        raise _unknown(raw)
    return found


def unit_info(unit: str) -> UnitInfo:
    return UNITS[normalize_unit(unit)]


def convertible(unit: str, to: str) -> bool:
    """Whether `Quantity(x, unit).to(to)` can succeed: same dimension and kind (or a fraction to a ratio)."""
    a, b = unit_info(unit), unit_info(to)
    if a.dimension is Dimension.NUMBER and b.dimension is Dimension.RATIO:
        return True
    return a.dimension is b.dimension and a.kind == b.kind


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


def _name(unit: str) -> str:
    return unit or "a plain number"


def _kind_error(verb: str, a: UnitInfo, b: UnitInfo) -> ToolError:
    """Why two units of one dimension do not go together."""
    if a.currency and b.currency and a.currency != b.currency:
        return ToolError(
            f"Cannot {verb} {a.name} ({a.currency}) and {b.name} ({b.currency}): no exchange rate is assumed "
            f"(不同币种之间不做汇率换算); give both amounts in one currency.")
    if a.noun != b.noun:
        return ToolError(
            f"Cannot {verb} {a.name} and {b.name}: they count different things ({a.noun} vs {b.noun}) (计量单位不同).")
    return ToolError(f"Cannot {verb} {a.name} and {b.name}: they are per different things ({a.per} vs {b.per}).")


def _points_error(verb: str) -> ToolError:
    return ToolError(
        f"Cannot {verb} percentage points (pp, 百分点) and percent (%): a point is a change of a percentage, "
        "not a percentage (百分点不是百分比); use add_points() to move a percentage by some points.")


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
        """The value in the dimension's base unit (元, 台, fraction, pp, 秒...)."""
        return mul(self.value, UNITS[self.unit].factor)

    def to(self, unit: str) -> Quantity:
        """Convert exactly to another unit of the same dimension and kind.

        Raises:
            ToolError: the dimensions differ (亿元 to %), the currencies differ (亿美元 to 亿元),
                the counted nouns differ (台 to 部), or percent and points meet (% to pp).
        """
        target = unit_info(unit)
        src = UNITS[self.unit]
        if src.dimension is Dimension.NUMBER and target.dimension is Dimension.RATIO:
            pass  # a bare fraction is a ratio: 0.1 → 10%
        elif {src.dimension, target.dimension} == {Dimension.POINTS, Dimension.RATIO}:
            raise _points_error("convert between")
        elif target.dimension is not src.dimension:
            raise ToolError(
                f"Cannot convert {_name(self.unit)} ({src.dimension.value}) "
                f"to {_name(target.name)} ({target.dimension.value}).")
        elif target.kind != src.kind:
            raise _kind_error("convert between", src, target)
        if self.unit == target.name:
            return self
        q, _ = div(self.base_value(), target.factor)  # factors are powers of ten: exact
        return Quantity(tidy(q), target.name)

    def _same(self, other: object, op: str) -> Quantity:
        if not isinstance(other, Quantity):
            raise ToolError(f"Cannot {op} a quantity and {type(other).__name__}.")
        if {other.dimension, self.dimension} == {Dimension.POINTS, Dimension.RATIO}:
            raise _points_error(op)
        if other.dimension is not self.dimension:
            raise ToolError(
                f"Cannot {op} {_name(other.unit)} ({other.dimension.value}) "
                f"and {_name(self.unit)} ({self.dimension.value}).")
        return other.to(self.unit)

    def __add__(self, other: object) -> Quantity:
        return Quantity(add(self.value, self._same(other, "add").value), self.unit)

    def __sub__(self, other: object) -> Quantity:
        return Quantity(add(self.value, -self._same(other, "subtract").value), self.unit)

    def fraction(self) -> Decimal:
        """A ratio as a plain fraction (10% → 0.1)."""
        if self.dimension not in (Dimension.RATIO, Dimension.NUMBER):
            hint = " Percentage points are a change, not a ratio." if self.dimension is Dimension.POINTS else ""
            raise ToolError(f"{plain(self.value)}{self.unit} is not a ratio (比例).{hint}")
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


# --- arithmetic with units --------------------------------------------------------------------------------------

_MULTIPLIES = (Dimension.CURRENCY, Dimension.COUNT, Dimension.PRICE, Dimension.PER_UNIT, Dimension.MASS, Dimension.DAYS)
# Magnitudes a product is not printed in (亿部 × 千元/部 reads better as 亿元 than 千亿元).
_UNUSUAL = ("十万", "百亿", "千亿")


def _with_magnitude(info: UnitInfo, mag: str, style: str) -> str | None:
    """The unit of info's kind with another magnitude ("万元/台" for 元/台 and 万), if it exists."""
    if info.currency:
        if mag not in (ZH_MAGNITUDES if style == "zh" else EN_MAGNITUDES):
            return None
        head = _currency_name(CURRENCY_BY_CODE[info.currency], mag, style)
    elif info.noun:
        if mag not in ZH_MAGNITUDES:
            return None
        head = mag + info.noun
    elif info.measure:  # 吨 takes 万/亿 (万吨); g, kg, mg and 天 none
        if mag and (info.base != "吨" or mag not in ZH_MAGNITUDES):
            return None
        head = mag + info.base
    else:
        return None
    return f"{head}/{info.per}" if info.per else head


def _heads(key: str, style: str) -> list[str]:
    """Every numerator of a key, in the order a product is named: 元, 万元, 亿元…; 台, 万台…; g, kg, mg, 吨, 万吨…"""
    if key in CURRENCY_BY_CODE:
        mags = ZH_MAGNITUDES if style == "zh" else EN_MAGNITUDES
        return [_currency_name(CURRENCY_BY_CODE[key], m, style) for m in mags]
    if key == "g":
        return ["g", "kg", "mg", *(m + "吨" for m in ZH_MAGNITUDES)]
    if key == "天":
        return ["天"]
    return [m + key for m in ZH_MAGNITUDES]


def _pers(keys: list[str]) -> list[str]:
    """Every denominator of keys: ["瓶"] → 瓶; ["g"] → kg, 吨, g, mg; ["g", "天"] → kg/天, …"""
    if not keys:
        return [""]
    keys = sorted(keys, key=lambda k: k != "g")  # a mass first: g/kg/天
    options = [["kg", "吨", "g", "mg"] if k == "g" else [k] for k in keys]
    out = [""]
    for opt in options:
        out = [f"{a}/{b}" if a else b for a in out for b in opt]
    return out


def _base_name(key: str, keys: list[str], style: str) -> str:
    """The unit of factor 1 of a numerator key over denominator keys: 元, 元/g, g, 瓶/g/天."""
    head = _currency_name(CURRENCY_BY_CODE[key], "", style) if key in CURRENCY_BY_CODE else key
    return "/".join([head, *sorted(keys, key=lambda k: k != "g")])


def unit_like(spelling: str, like: str) -> str:
    """The unit a bare magnitude means next to a quantity in `like`: "亿" next to 亿美元 is 亿美元,
    "billion" next to 亿美元 is billion USD, "亿" next to 万台 is 亿台 ("33亿美元是多少亿?"). Any
    other spelling is normalized as it is.

    Raises:
        ToolError: an unknown unit, or a magnitude that `like` cannot take.
    """
    word = spelling.strip().lower() if isinstance(spelling, str) else spelling
    info = unit_info(like)
    style = "zh" if word in ZH_MAGNITUDES else "en" if word in _EN_MAGNITUDE_WORDS else ""
    if not word or not style or not (info.currency or info.noun or info.measure):
        return normalize_unit(spelling)
    mag = word if style == "zh" else _EN_MAGNITUDE_WORDS[word]
    if info.noun and style == "en":  # counts are named the Chinese way: a billion 台 is 十亿台
        mag = next(m for m, p in ZH_MAGNITUDES.items() if p == EN_MAGNITUDES[mag])
    name = _with_magnitude(info, mag, "zh" if info.noun else style)
    if name is None:
        raise ToolError(f"{like} cannot be written in {spelling!r}; use one of its units such as {readable_units(like)}.")
    return name


def readable_units(like: str) -> str:
    """The usual units of like's kind, for messages: "元, 万元, 亿元, 万亿元"."""
    info = unit_info(like)
    names = [_with_magnitude(info, m, info.style if info.currency else "zh") for m in reversed(_READABLE[
        info.style if info.currency else "zh"])]
    return ", ".join(n for n in names if n) or like


def readable(q: Quantity, style: str | None = None) -> Quantity:
    """The same quantity in the magnitude a reader expects: 12000万元 → 1.2亿元, 0.5亿台 → 5000万台,
    38000 million USD → 38 billion USD. Money, counts and per-unit values; other units are kept.

    Args:
        q: the quantity.
        style: "zh" (万亿/亿/万) or "en" (trillion/billion/million); by default the unit's own.
    """
    info = UNITS[q.unit]
    if info.dimension not in _MULTIPLIES or q.value == 0:
        return q
    if info.measure and info.base != "吨":
        return q  # g, kg, mg and 天 are read as written
    style = "zh" if not info.currency else (style or info.style)
    size = abs(q.base_value()) * per_keys(info.per)[0]  # per the denominator as written: 5万元/吨 is 5万 a tonne
    if info.measure:
        size /= UNITS[_with_magnitude(info, "", style) or q.unit].factor
    for mag in _READABLE[style]:
        p = (ZH_MAGNITUDES if style == "zh" else EN_MAGNITUDES)[mag]
        if size >= Decimal(10) ** p:
            name = _with_magnitude(info, mag, style)
            if name is not None:
                return q.to(name)
    return q


def _terms(q: object, verb: str) -> tuple[Decimal, Decimal, list[str], list[str], str]:
    """value, factor, numerator keys, denominator keys and style of one factor of a product."""
    if not isinstance(q, Quantity):
        raise ToolError(f"Can only {verb} quantities, got {type(q).__name__}.")
    info = UNITS[q.unit]
    if info.dimension in (Dimension.RATIO, Dimension.NUMBER):
        return q.fraction(), Decimal(1), [], [], ""
    if info.dimension is Dimension.COUNT:
        as_count(q)
    if info.dimension not in _MULTIPLIES:
        hint = " (use add_points to move a percentage by points)" if info.dimension is Dimension.POINTS else ""
        raise ToolError(f"Cannot {verb} {plain(q.value)}{q.unit} ({info.dimension.value}): only ratios, money, "
                        f"counts and per-unit values {verb}{hint}.")
    return q.value, info.factor, [info.head], per_keys(info.per)[1], info.style


def _combine(shown: str, value: Decimal, factor: Decimal, nums: list[str], dens: list[str], style: str,
             any_ratio: bool) -> Quantity:
    """Cancel nouns that appear above and below, then name the unit of what is left."""
    for d in list(dens):
        if d in nums:
            nums.remove(d)
            dens.remove(d)
    currencies = sorted({k for k in nums + dens if k in CURRENCY_BY_CODE})
    if len(currencies) > 1:
        raise ToolError(f"Cannot compute {shown}: different currencies ({' vs '.join(currencies)}); "
                        "no exchange rate is assumed (不同币种之间不做汇率换算).")
    if len(nums) > 1 and not dens:
        what = "two amounts of money" if all(k in CURRENCY_BY_CODE for k in nums) else "two amounts (money, counts, masses or days)"
        raise ToolError(f"Cannot compute {shown}: {what} do not multiply into anything meaningful (无意义的乘积).")
    if any(k in CURRENCY_BY_CODE for k in dens):
        raise ToolError(f"Cannot compute {shown}: a quantity per amount of money is not a unit the tools know "
                        "(divide money by a count for a price).")
    if dens and not nums:
        raise ToolError(f"Cannot compute {shown}: a plain number per {dens[0]} is not a unit the tools know.")
    if not nums:
        q = Quantity(tidy(mul(value, factor)), "")
        return q.to("%") if any_ratio else q
    base = _base_name(nums[0], dens, style or "zh") if len(nums) == 1 and len(dens) <= 2 else ""
    try:
        info = UNITS[base] if base else None
    except KeyError:
        info = None
    if info is None:
        left = sorted(k for k in nums + dens if k not in CURRENCY_BY_CODE)
        raise ToolError(f"Cannot compute {shown}: the counted nouns do not cancel ({' vs '.join(left)}) "
                        "(计量单位不一致); the count and the per-unit value must be of the same thing.")
    style = info.style
    for head in _heads(nums[0], style):  # the unit whose factor is the product's: its value as multiplied
        for per in _pers(dens):
            name = f"{head}/{per}" if per else head
            u = dict.get(UNITS, name)
            if u is None:
                try:
                    u = UNITS[name]
                except KeyError:
                    continue
            if u.factor == factor and u.magnitude not in _UNUSUAL:
                return Quantity(tidy(value), name)
    return readable(Quantity(tidy(mul(value, factor)), info.name))


def times(*quantities: Quantity) -> Quantity:
    """The exact product of quantities, with its unit.

    A ratio (%, ‰, a plain fraction) scales: 10% × 3000亿元 = 300亿元, in the other factor's unit.
    A count times a per-unit value of the same noun cancels it: 亿部 × 平米/部 = 亿平米,
    万人份 × 元/人份 = 万元 (the magnitudes multiply; `readable` picks a nicer one if needed).
    Ratios only give a ratio (in %), or a plain number when none is a percentage.

    Raises:
        ToolError: money × money, count × count, nouns that do not cancel (万台 × 元/部),
            two currencies, or a unit that does not multiply (pp, 秒, 页).
    """
    if not quantities:
        raise ToolError("times needs at least one quantity.")
    value, factor, nums, dens, style, any_ratio = Decimal(1), Decimal(1), [], [], "", False
    scaled = [q for q in quantities
              if not isinstance(q, Quantity) or q.dimension not in (Dimension.RATIO, Dimension.NUMBER)]
    for q in quantities:
        v, f, n, d, s = _terms(q, "multiply")
        value, factor = mul(value, v), mul(factor, f)
        nums += n
        dens += d
        style = style or s
        any_ratio = any_ratio or q.dimension is Dimension.RATIO
    if len(scaled) == 1:  # ratios scale one quantity: its unit stays
        return Quantity(tidy(value), scaled[0].unit)
    shown = " × ".join(f"{plain(q.value)}{q.unit}" for q in quantities)
    return _combine(shown, value, factor, nums, dens, style, any_ratio)


def divide(a: Quantity, b: Quantity) -> Quantity:
    """a ÷ b with its unit, in a `readable` magnitude: 33亿美元 ÷ 1亿部 = 33美元/部,
    1.2万元 ÷ 60元/瓶 = 200瓶, 1亿元 ÷ 3万元 = 3333.33… (a plain number).

    A quotient that does not terminate is rounded to 28 significant digits (see `div`).

    Raises:
        ToolError: division by zero, two currencies, nouns that do not cancel, or a unit that does not divide.
    """
    va, fa, na, da, sa = _terms(a, "divide")
    vb, fb, nb, db, sb = _terms(b, "divide")
    value, _ = div(va, vb)
    factor, _ = div(fa, fb)
    shown = f"{plain(a.value)}{a.unit} ÷ {plain(b.value)}{b.unit}"
    return readable(_combine(shown, value, factor, na + db, da + nb, sa or sb,
                             a.dimension is Dimension.RATIO and b.dimension is not Dimension.RATIO))


def ratio_of(a: Quantity, b: Quantity) -> Quantity:
    """a ÷ b for two quantities of one dimension and kind, as a plain number (575亿元 ÷ 11491亿元 = 0.05…).

    A quotient that does not terminate is rounded to 28 significant digits (see `div`).

    Raises:
        ToolError: b is zero, or a and b differ in dimension, currency or counted noun.
    """
    for q in (a, b):
        if not isinstance(q, Quantity):
            raise ToolError(f"ratio_of takes two quantities, got {type(q).__name__}.")
    if a.dimension in (Dimension.RATIO, Dimension.NUMBER) and b.dimension in (Dimension.RATIO, Dimension.NUMBER):
        top, bottom = a.fraction(), b.fraction()
    else:
        top, bottom = a.value, b.to(a.unit).value
    q, exact = div(top, bottom)
    return Quantity(tidy(q) if exact else q, "")


def as_share(q: Quantity) -> Quantity:
    """q as a share of a whole, in percent: between 0% and 100% (a bare number is a fraction: 0.2 = 20%).

    Raises:
        ToolError: not a ratio, above 100% ("占比不能超过100%"), or negative.
    """
    if not isinstance(q, Quantity) or q.dimension not in (Dimension.RATIO, Dimension.NUMBER):
        shown = f"{plain(q.value)}{q.unit}" if isinstance(q, Quantity) else type(q).__name__
        raise ToolError(f"A share (占比) must be a percentage such as 20% or a fraction such as 0.2, got {shown}.")
    f = q.fraction()
    if f > 1:
        hint = f" (did you mean {plain(q.value)}%?)" if q.unit == "" else ""
        raise ToolError(f"占比不能超过100% (a share cannot exceed 100%): got {plain(q.value)}{q.unit}{hint}.")
    if f < 0:
        raise ToolError(f"占比不能为负 (a share cannot be negative): got {plain(q.value)}{q.unit}.")
    return q.to("%")


def as_count(q: Quantity) -> Quantity:
    """q checked to be a count of something (万台, 人份), not negative. (A Quantity in a count unit may
    be negative: it can be a change, 22万瓶 − 30万瓶; a count itself cannot.)

    Raises:
        ToolError: not a count, or negative ("数量不能为负").
    """
    if not isinstance(q, Quantity) or q.dimension is not Dimension.COUNT:
        shown = f"{plain(q.value)}{q.unit}" if isinstance(q, Quantity) else type(q).__name__
        raise ToolError(f"Expected a count of something (数量) such as 2110万台 or 50万人份, got {shown}.")
    if q.value < 0:
        raise ToolError(f"A count cannot be negative (数量不能为负): got {plain(q.value)}{q.unit}.")
    return q


def add_points(share: Quantity, points: Quantity) -> Quantity:
    """A percentage moved by percentage points: 20% + 3pp = 23%, 20% + (-150bp) = 18.5%.

    Raises:
        ToolError: share is not a ratio or points are not points.
    """
    if not isinstance(points, Quantity) or points.dimension is not Dimension.POINTS:
        raise ToolError("add_points needs percentage points (pp, 百分点, bp) as its second argument.")
    pct = share.to("%") if isinstance(share, Quantity) else None
    if pct is None:
        raise ToolError("add_points needs a percentage as its first argument.")
    return Quantity(tidy(add(pct.value, points.to("pp").value)), "%")


def points_between(start: Quantity, end: Quantity) -> Quantity:
    """The change from one percentage to another in percentage points: 20% → 23% is 3pp."""
    for q in (start, end):
        if not isinstance(q, Quantity) or q.dimension not in (Dimension.RATIO, Dimension.NUMBER):
            raise ToolError("points_between needs two percentages (or fractions).")
    return Quantity(tidy(add(end.to("%").value, -start.to("%").value)), "pp")


# --- printing ---------------------------------------------------------------------------------------------------

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
    cur = CURRENCY_BY_CODE[info.currency]
    size = abs(q.base_value())
    mags = (("trillion", 12), ("billion", 9), ("million", 6)) if style == "en" else (("亿", 8), ("万", 4))
    for mag, p in mags:
        if size >= Decimal(10) ** p:
            return _currency_name(cur, mag, style)
    return _currency_name(cur, "", style)


def _separator(unit: str) -> str:
    return " " if unit and unit[0].isascii() and unit not in ("%", *POINTS_UNITS) else ""


def format_quantity(q: Quantity, style: str = "zh", places: int = 4, unit: str | None = None) -> Formatted:
    """Format a quantity with its unit: "574.55亿元" (zh) or "57.455 billion yuan" (en).

    Args:
        q: the quantity.
        style: "zh" keeps Chinese magnitudes, "en" uses million/billion/trillion for money.
        places: decimals shown before rounding kicks in (the exact digits stay in `.exact`).
        unit: print in this unit instead of the style's choice.
    """
    shown = q.to(unit) if unit else q.to(display_unit(q, style))
    num = format_number(shown.value, places)
    sep = _separator(shown.unit)
    return Formatted(f"{num.text}{sep}{shown.unit}", f"{num.exact}{sep}{shown.unit}", num.rounded)


def format_range(r: QuantityRange, style: str = "zh", places: int = 4, unit: str | None = None) -> Formatted:
    """"575亿–1149亿元", "5%–35%", "1000万–2000万台", "57.5–114.9 billion yuan"."""
    unit = normalize_unit(unit) if unit else display_unit(r.high, style)
    high = format_quantity(r.high, style, places, unit=unit)
    low = format_quantity(r.low, style, places, unit=unit)
    info = UNITS[unit]
    if info.style == "zh" and info.magnitude and not info.per and \
            info.dimension in (Dimension.CURRENCY, Dimension.COUNT, Dimension.MASS):  # "15亿–105亿元": the magnitude on both sides
        cut = len(info.base)
        lt, le = low.text[:-cut], low.exact[:-cut]
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
