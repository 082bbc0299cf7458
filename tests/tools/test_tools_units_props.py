"""Property tests for units of real reports: currencies, counts, per-unit values, points, Chinese numerals."""
from decimal import Decimal
from itertools import permutations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.errors import ToolError
from bot.tools.numbers import find_numbers
from bot.tools.units import (
    COUNT_NOUNS, CURRENCIES, EN_MAGNITUDES, UNITS, ZH_MAGNITUDES, Dimension, Quantity, readable, times,
)

FEW = settings(max_examples=150, deadline=None)

ZH_MAGS = list(ZH_MAGNITUDES)
NOUNS = list(COUNT_NOUNS)
values = st.decimals(min_value=Decimal(0), max_value=Decimal("1e9"), places=4, allow_nan=False, allow_infinity=False)
positive = st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("1e6"), places=4, allow_nan=False,
                       allow_infinity=False)


def currency_units(c):
    return [m + c.zh for m in ZH_MAGNITUDES] + [f"{m} {c.en}".strip() for m in EN_MAGNITUDES]


currency = st.sampled_from(CURRENCIES)
count_unit = st.builds(lambda m, n: m + n, st.sampled_from(ZH_MAGS), st.sampled_from(NOUNS))
ratio = st.builds(Quantity, st.decimals(min_value=Decimal(0), max_value=Decimal(200), places=2),
                  st.sampled_from(["%", "‰", ""]))


@FEW
@given(values, currency, st.data())
def test_currency_round_trip_within_one_currency(v, c, data):
    a, b = data.draw(st.sampled_from(currency_units(c))), data.draw(st.sampled_from(currency_units(c)))
    q = Quantity(v, a)
    assert q.to(b).to(a).value == q.value
    assert q.to(b).base_value() == q.base_value()


@FEW
@given(values, st.data())
def test_no_conversion_across_currencies(v, data):
    c1, c2 = data.draw(st.lists(currency, min_size=2, max_size=2, unique_by=lambda c: c.code))
    a, b = data.draw(st.sampled_from(currency_units(c1))), data.draw(st.sampled_from(currency_units(c2)))
    with pytest.raises(ToolError, match="no exchange rate"):
        Quantity(v, a).to(b)


@FEW
@given(values, st.sampled_from(NOUNS), st.sampled_from(ZH_MAGS), st.sampled_from(ZH_MAGS))
def test_count_round_trip_within_one_noun(v, noun, m1, m2):
    q = Quantity(v, m1 + noun)
    assert q.to(m2 + noun).to(m1 + noun).value == q.value
    assert q.to(m2 + noun).base_value() == q.base_value()
    assert readable(q).base_value() == q.base_value() and readable(q).unit.endswith(noun)


@FEW
@given(values, st.sampled_from(NOUNS), st.sampled_from(NOUNS), st.sampled_from(ZH_MAGS))
def test_different_nouns_never_convert(v, n1, n2, mag):
    if n1 == n2:
        return
    with pytest.raises(ToolError, match="different things"):
        Quantity(v, mag + n1).to(mag + n2)


# quantities that can multiply together: ratios, one count of a noun, and one price per that noun
def products(noun_st=st.sampled_from(["台", "部", "人份", "瓶"])):
    @st.composite
    def build(draw):
        noun = draw(noun_st)
        cur = draw(currency)
        count = Quantity(draw(positive), draw(st.sampled_from(["", "万", "亿", "百万", "千万"])) + noun)
        cmag = draw(st.sampled_from(["", "万", "千"]))
        price = Quantity(draw(positive), f"{cmag + cur.zh}/{noun}")
        r = draw(ratio)
        return [count, price, r]
    return build()


@FEW
@given(products())
def test_times_is_commutative(qs):
    results = {times(*p) for p in permutations(qs)}
    assert len(results) == 1


@FEW
@given(products())
def test_times_is_associative(qs):
    a, b, c = qs
    left, right = times(times(a, b), c), times(a, times(b, c))
    assert left.base_value() == right.base_value()
    assert UNITS[left.unit].kind == UNITS[right.unit].kind and left.dimension is Dimension.CURRENCY


@FEW
@given(ratio, st.one_of(
    st.builds(Quantity, values, st.sampled_from([u for c in CURRENCIES for u in currency_units(c)])),
    st.builds(Quantity, values, count_unit),
    st.builds(Quantity, values, st.sampled_from(["元/瓶", "万元/台", "美元/部", "平米/部", "万片/月"]))))
def test_ratio_times_x_keeps_x_unit(r, x):
    for q in (times(r, x), times(x, r)):
        assert q.unit == x.unit
        assert q.value == x.value * r.fraction()


@FEW
@given(positive, positive, st.sampled_from(ZH_MAGS), st.sampled_from(["", "千", "万", "百万"]), currency,
       st.sampled_from(NOUNS))
def test_count_times_price_is_money_exactly(n, p, count_mag, price_mag, cur, noun):
    count, price = Quantity(n, count_mag + noun), Quantity(p, f"{price_mag}{cur.zh}/{noun}")
    money = times(count, price)
    assert money.dimension is Dimension.CURRENCY and UNITS[money.unit].currency == cur.code
    expected = n * Decimal(10) ** ZH_MAGNITUDES[count_mag] * p * Decimal(10) ** ZH_MAGNITUDES[price_mag]
    assert money.base_value() == expected


@FEW
@given(st.decimals(min_value=Decimal(-100), max_value=Decimal(100), places=2), st.sampled_from(["pp", "bp"]),
       st.sampled_from(["%", "‰", ""]))
def test_points_never_convert_to_percent(v, points, pct):
    with pytest.raises(ToolError):
        Quantity(v, points).to(pct or "%")
    with pytest.raises(ToolError):
        Quantity(v, pct or "%").to(points)
    with pytest.raises(ToolError):
        Quantity(v, pct or "%") + Quantity(v, points)


# --- Chinese numerals -------------------------------------------------------------------------------------------

DIGITS = "零一二三四五六七八九"


def chinese(n: int) -> str:
    """Standard Chinese numeral for 0 < n < 10^12: 一千零五, 三亿零五十万, 十二 (一十二 after a higher group)."""
    def group(x: int, leading: bool) -> str:
        out, zero = "", False
        for unit, p in (("千", 1000), ("百", 100), ("十", 10), ("", 1)):
            d = x // p % 10
            if d:
                if zero and out:
                    out += "零"
                out += ("" if (leading and not out and d == 1 and unit == "十") else DIGITS[d]) + unit
                zero = False
            else:
                zero = True
        return out

    parts: list[str] = []
    for unit, p in (("亿", 10**8), ("万", 10**4), ("", 1)):
        chunk = n // p % 10**4
        if chunk:
            text = group(chunk, leading=not parts)
            if parts and chunk < 1000:  # a zero group or leading zeros: one 零 (一亿零五, 一万零五十)
                text = "零" + text
            parts.append(text + unit)
    return "".join(parts)


def test_chinese_renderer():
    assert chinese(10) == "十" and chinese(15) == "十五" and chinese(105) == "一百零五"
    assert chinese(100000005) == "一亿零五" and chinese(35000000) == "三千五百万" and chinese(11491) == "一万一千四百九十一"


@FEW
@given(st.integers(min_value=1, max_value=10**12 - 1), st.sampled_from(["", "台", "人", "瓶"]))
def test_chinese_numerals_read_back_exactly(n, noun):
    numeral = chinese(n)
    text = f"预计共{numeral}{noun}，"
    [s] = find_numbers(text)
    lone = numeral == "一"  # 一人, 一台: read as an article, the number alone
    assert s.text == numeral + ("" if lone else noun) and text[s.start:s.end] == s.text
    q = Quantity(s.value, s.unit)
    assert q.base_value() == n
    if noun and not lone:
        assert q.dimension is Dimension.COUNT and UNITS[q.unit].noun == noun


# --- spans of "<number><unit>" in Chinese text --------------------------------------------------------------------

UNIT_SPELLINGS = [  # as written → canonical unit
    ("万台", "万台"), ("亿美元", "亿美元"), ("元/瓶", "元/瓶"), ("个百分点", "pp"), ("pp", "pp"), ("%", "%"),
    ("万人份", "万人份"), ("平方米", "平米"), ("万元/台", "万元/台"), ("亿元", "亿元"), ("百万美元", "百万美元"),
    ("人", "人"), ("万瓶", "万瓶"), ("亿部", "亿部"), ("美元/部", "美元/部"), ("万例", "万例"), ("吨", "吨"),
    ("万人次", "万人次"), ("亿港元", "亿港元"), ("bp", "bp"), ("平米/部", "平米/部"), ("元/人份", "元/人份"),
]
BEFORE = ["据统计，", "预计", "其中", "规模达到", "公司", "全年"]
AFTER = ["，同比提升。", "。", "左右", "，", "以上；", "（同比）"]


def arabic(v: Decimal, commas: bool) -> str:
    s = format(v, "f")
    if commas and "." not in s and len(s) > 3:
        s = f"{int(s):,}"
    return s


@FEW
@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1e7"), places=2), st.booleans(),
       st.sampled_from(UNIT_SPELLINGS), st.sampled_from(BEFORE), st.sampled_from(AFTER))
def test_spans_cover_the_number_with_its_unit(v, commas, spelling, before, after):
    written, canonical = spelling
    number = arabic(v, commas)
    text = before + number + written + after
    [s] = [n for n in find_numbers(text) if n.start >= len(before)]
    assert (s.start, s.end) == (len(before), len(before) + len(number) + len(written))
    assert text[s.start:s.end] == s.text == number + written
    assert s.value == v and s.unit == canonical


ALPHABET = "0123456789.,-~%/／ 万亿千百十元美港币欧日台部瓶人份次例平方米㎡个百分点基pPcCtTbBsS$USDHK第一两三成五至到年月"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=40))
@example("0次/次")  # found by CI: a count per itself is no unit
@example("3元/元")
def test_find_numbers_never_breaks_on_unit_soup(text):
    for n in find_numbers(text):
        assert text[n.start:n.end] == n.text
        n.dimension  # every unit it returns is known
        if n.high is not None:
            assert n.value <= n.high


def test_a_count_per_itself_is_the_count_alone():
    (n,) = find_numbers("复购3次/次")
    assert (n.text, n.unit) == ("3次", "次") and n.dimension


# --- masses and days (mg, g, kg, 吨; 天): doses -----------------------------------------------------------------

from bot.tools.units import MASS_UNITS, divide  # noqa: E402

MASSES = ["mg", "g", "kg", "吨", "万吨", "亿吨"]
mass_unit = st.sampled_from(MASSES)


@FEW
@given(values, mass_unit, mass_unit)
def test_mass_converts_exactly_and_back(v, a, b):
    q = Quantity(v, a)
    assert q.to(b).base_value() == q.base_value()  # grams, exactly
    assert q.to(b).to(a).value == q.value
    assert UNITS[a].dimension is Dimension.MASS


@FEW
@given(values, mass_unit, st.sampled_from([*currency_units(CURRENCIES[0]), "万台", "瓶", "人份", "万瓶", "%", "", "天"]))
def test_mass_never_converts_into_money_counts_or_days(v, a, other):
    with pytest.raises(ToolError):
        Quantity(v, a).to(other)
    with pytest.raises(ToolError):
        Quantity(v, other).to(a)


@FEW
@given(positive, positive, st.integers(1, 30), st.sampled_from([("g", "kg"), ("mg", "kg"), ("mg", "g")]))
def test_a_dose_times_weight_and_days_cancels_to_a_mass(dose, weight, days, dose_unit):
    """A dose per body weight and day (top/per/天) × a weight (per) × days (天) is a mass, exactly."""
    top, per = dose_unit
    got = times(Quantity(dose, f"{top}/{per}/天"), Quantity(weight, per), Quantity(days, "天"))
    assert got.dimension is Dimension.MASS
    assert got.base_value() == dose * MASS_UNITS[top] * weight * days


@FEW
@given(positive, positive, st.sampled_from(["瓶", "支", "人份"]), mass_unit)
def test_a_mass_divided_by_a_size_per_count_is_a_count(amount, size, noun, m):
    n = divide(Quantity(amount, m), Quantity(size, f"g/{noun}"))
    assert n.dimension is Dimension.COUNT and UNITS[n.unit].noun == noun
    want = amount * UNITS[m].factor / size
    assert abs(n.base_value() - want) <= abs(want) * Decimal("1e-20")
    # and back: the count times the size is the mass again
    back = times(n, Quantity(size, f"g/{noun}"))
    assert back.dimension is Dimension.MASS and abs(back.base_value() - amount * UNITS[m].factor) <= \
        amount * UNITS[m].factor * Decimal("1e-20")


@FEW
@given(positive, positive, st.sampled_from(["万瓶", "瓶", "万支"]), mass_unit, mass_unit)
def test_a_count_per_mass_cancels_any_mass(yield_, amount, count, per, m):
    """万瓶/吨 × kg = 瓶, whatever mass each is written in."""
    got = times(Quantity(yield_, f"{count}/{per}"), Quantity(amount, m))
    assert got.dimension is Dimension.COUNT and UNITS[got.unit].noun == UNITS[count].noun
    assert got.base_value() == yield_ * UNITS[count].factor / UNITS[per].factor * amount * UNITS[m].factor


@FEW
@given(positive, positive, st.sampled_from(["瓶", "台", "人"]))
def test_days_cancel_a_count_per_day(per_day, days, noun):
    got = times(Quantity(per_day, f"{noun}/天"), Quantity(days, "天"))
    assert got.unit.endswith(noun) and got.base_value() == per_day * days


@FEW
@given(positive, positive, mass_unit, st.sampled_from(["元", "亿元", "万台", "瓶", "kg", "g", "天"]))
def test_a_mass_times_money_a_count_a_mass_or_days_is_refused(a, b, m, other):
    with pytest.raises(ToolError):
        times(Quantity(a, m), Quantity(b, other))


@FEW
@given(positive, positive, st.sampled_from(["元", "万元", "亿元"]))
def test_money_times_money_is_still_refused(a, b, u):
    with pytest.raises(ToolError, match="money"):
        times(Quantity(a, u), Quantity(b, "元"))


@pytest.mark.parametrize("written, canonical", [
    ("g/(kg·d)", "g/kg/天"), ("mg/kg体重/天", "mg/kg/天"), ("g/kg/d", "g/kg/天"), ("元/公斤", "元/kg"),
    ("万瓶/吨", "万瓶/吨"), ("克", "g"), ("千克", "kg"), ("毫克", "mg"), ("万吨", "万吨"), ("日", "天"), ("瓶/日", "瓶/天"),
])
def test_mass_and_day_spellings(written, canonical):
    from bot.tools.units import normalize_unit
    assert normalize_unit(written) == canonical
