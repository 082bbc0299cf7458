from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.errors import ToolError
from bot.tools.units import (
    Dimension, Quantity, QuantityRange, div, format_number, format_quantity, format_range, normalize_unit,
    to_decimal,
)

CURRENCY_UNITS = ["元", "万元", "亿元", "万亿元", "yuan", "thousand yuan", "million yuan", "billion yuan", "trillion yuan"]


@pytest.mark.parametrize("spelling,canonical", [
    ("亿", "亿元"), ("亿元", "亿元"), ("万", "万元"), ("万亿", "万亿元"), ("亿元人民币", "亿元"), ("元", "元"),
    ("RMB", "yuan"), ("CNY", "yuan"), ("billion", "billion yuan"), ("RMB billion", "billion yuan"),
    ("bn", "billion yuan"), ("million RMB", "million yuan"), ("trillion yuan", "trillion yuan"),
    ("%", "%"), ("percent", "%"), ("％", "%"), ("秒", "秒"), ("minutes", "分钟"), ("页", "页"), ("", ""),
])
def test_normalize_unit(spelling, canonical):
    assert normalize_unit(spelling) == canonical


@pytest.mark.parametrize("bad", ["毫升", "m", "卢布", "亿卢布", "元/升", "%/年", "pages/台"])
def test_unknown_unit_is_tool_error(bad):
    with pytest.raises(ToolError, match="Unknown unit") as e:
        normalize_unit(bad)
    assert "单位无法识别" in str(e.value) and "万台" in str(e.value) and "元/瓶" in str(e.value)


def test_exact_currency_conversions():
    assert Quantity("1", "亿").to("元").value == Decimal(10**8)
    assert Quantity("1", "万亿").to("亿").value == Decimal(10**4)
    assert Quantity("1", "billion").to("亿").value == 10
    assert Quantity("11491", "亿元").to("万亿元").value == Decimal("1.1491")
    assert Quantity("574.55", "亿元").to("billion yuan").value == Decimal("57.455")
    assert Quantity("0.1", "").to("%").value == 10


def test_dimension_mixing_raises():
    with pytest.raises(ToolError):
        Quantity("3000", "亿元") + Quantity("10", "%")
    with pytest.raises(ToolError):
        Quantity("10", "%") - Quantity("1", "元")
    with pytest.raises(ToolError):
        Quantity("3000", "亿元").to("%")
    assert (Quantity("1", "万亿") + Quantity("1", "亿")).value == Decimal("1.0001")
    assert Quantity("5", "%").dimension is Dimension.RATIO


def test_range_mid_and_order():
    r = QuantityRange(Quantity("5", "%"), Quantity("35", "%"))
    assert r.mid == Quantity("20", "%")
    with pytest.raises(ToolError, match="above"):
        QuantityRange(Quantity("35", "%"), Quantity("5", "%"))
    with pytest.raises(ToolError):
        QuantityRange(Quantity("5", "%"), Quantity("35", "亿元"))


def test_format_quantity_styles():
    assert str(format_quantity(Quantity("574.55", "亿元"))) == "574.55亿元"
    assert str(format_quantity(Quantity("574.55", "亿元"), "en")) == "57.455 billion yuan"
    assert str(format_quantity(Quantity("1149.1", "亿元"))) == "1149.1亿元"
    assert str(format_quantity(Quantity("57.455", "billion yuan"), "zh")) == "574.55亿元"
    assert str(format_range(QuantityRange(Quantity("15", "亿"), Quantity("105", "亿")))) == "15亿–105亿元"
    assert str(format_range(QuantityRange(Quantity("5", "%"), Quantity("35", "%")))) == "5%–35%"


def test_rounding_is_shown_never_hidden():
    third, exact = div(Decimal(1), Decimal(3))
    assert not exact
    f = format_number(third)
    assert f.rounded and f.text == "≈0.3333" and f.exact.startswith("0.333333333333")
    g = format_number(Decimal("1149.1"))
    assert not g.rounded and g.text == g.exact == "1149.1"
    assert format_number(Decimal("26.666666"), 2).text == "≈26.67"


@pytest.mark.parametrize("bad", ["abc", float("nan"), float("inf"), "1e40", True, None, [1]])
def test_to_decimal_rejects(bad):
    with pytest.raises(ToolError):
        to_decimal(bad)


def test_float_keeps_its_decimal_digits():
    assert to_decimal(0.1) == Decimal("0.1")


values = st.decimals(min_value=Decimal("0"), max_value=Decimal("1e12"), places=6, allow_nan=False, allow_infinity=False)


@given(values, st.sampled_from(CURRENCY_UNITS), st.sampled_from(CURRENCY_UNITS))
def test_currency_round_trip_is_exact(v, a, b):
    q = Quantity(v, a)
    assert q.to(b).to(a).value == q.value
    assert q.to(b).base_value() == q.base_value()


@given(values, st.sampled_from(CURRENCY_UNITS))
def test_format_exact_digits_equal_value(v, unit):
    q = Quantity(v, unit)
    f = format_quantity(q, unit=unit)
    assert Decimal(f.exact.replace(" " + unit, "").replace(unit, "")) == q.value


# --- currencies, counts, per-unit values, points ---------------------------------------------------------------

from bot.tools.units import (  # noqa: E402
    UNITS, add_points, as_count, as_share, convertible, divide, points_between, ratio_of, readable, times,
)


@pytest.mark.parametrize("spelling,canonical", [
    ("亿美元", "亿美元"), ("亿美金", "亿美元"), ("美元", "美元"), ("USD", "USD"), ("usd", "USD"), ("$", "USD"),
    ("US$ bn", "billion USD"), ("billion USD", "billion USD"), ("USD million", "million USD"), ("百万美元", "百万美元"),
    ("千万美元", "千万美元"), ("十亿美元", "十亿美元"), ("万美元", "万美元"), ("港币", "港元"), ("亿港币", "亿港元"),
    ("HK$", "HKD"), ("€ bn", "billion EUR"), ("千元", "千元"), ("百万元", "百万元"), ("百万", "百万元"), ("人民币", "元"),
    ("万台", "万台"), ("台", "台"), ("亿部", "亿部"), ("万人份", "万人份"), ("平方米", "平米"), ("万平方米", "万平米"),
    ("㎡", "平米"), ("元/平方米", "元/平米"), ("元/平", "元/平米"), ("万元/台", "万元/台"), ("美元/部", "美元/部"),
    ("平米/部", "平米/部"), ("元/人", "元/人"), ("万片/月", "万片/月"), ("元／瓶", "元/瓶"),
    ("pp", "pp"), ("PP", "pp"), ("ppt", "pp"), ("个百分点", "pp"), ("百分点", "pp"), ("percentage points", "pp"),
    ("bp", "bp"), ("bps", "bp"), ("个基点", "bp"), ("pct", "%"),
])
def test_normalize_new_units(spelling, canonical):
    assert normalize_unit(spelling) == canonical


def test_dimensions_of_the_new_units():
    assert Quantity(1, "亿美元").dimension is Dimension.CURRENCY
    assert Quantity(1, "万台").dimension is Dimension.COUNT
    assert Quantity(1, "元/瓶").dimension is Dimension.PRICE
    assert Quantity(1, "平米/部").dimension is Dimension.PER_UNIT
    assert Quantity(1, "pp").dimension is Dimension.POINTS
    assert UNITS["万台"].noun == "台" and UNITS["美元/部"].currency == "USD" and UNITS["美元/部"].per == "部"
    assert Quantity(1, "页").dimension is Dimension.PAGES  # "pp" no longer means pages


def test_exact_conversions_within_a_currency_and_a_noun():
    assert Quantity(1, "亿美元").to("百万美元").value == 100
    assert Quantity(1, "billion USD").to("亿美元").value == 10
    assert Quantity(33, "亿美元").to("USD").value == Decimal("3.3E9")
    assert Quantity(2110, "万台").to("亿台").value == Decimal("0.211")
    assert Quantity("8.39", "万瓶").to("瓶").value == 83900
    assert Quantity(3, "万元/台").to("元/台").value == 30000
    assert Quantity(25, "bp").to("pp").value == Decimal("0.25")


@pytest.mark.parametrize("a,b,match", [
    ("亿美元", "亿元", "no exchange rate"),
    ("billion USD", "亿港元", "no exchange rate"),
    ("万台", "部", "different things"),
    ("元/台", "元/部", "per different things"),
    ("元/台", "美元/台", "no exchange rate"),
    ("pp", "%", "percentage points"),
    ("%", "pp", "percentage points"),
    ("万台", "万元", "Cannot convert"),
])
def test_conversions_that_would_need_a_guess_raise(a, b, match):
    with pytest.raises(ToolError, match=match):
        Quantity(1, a).to(b)
    assert not convertible(a, b)


def test_points_and_percent_never_mix():
    with pytest.raises(ToolError, match="add_points"):
        Quantity(20, "%") + Quantity(3, "pp")
    assert add_points(Quantity(20, "%"), Quantity(3, "pp")) == Quantity(23, "%")
    assert add_points(Quantity("0.2"), Quantity(-150, "bp")) == Quantity("18.5", "%")
    assert points_between(Quantity(20, "%"), Quantity("23.5", "%")) == Quantity("3.5", "pp")
    with pytest.raises(ToolError):
        add_points(Quantity(20, "%"), Quantity(3, "%"))
    with pytest.raises(ToolError, match="not a ratio"):
        Quantity(3, "pp").fraction()


def test_times_keeps_units_and_cancels_nouns():
    assert times(Quantity(10, "%"), Quantity(3000, "亿元")) == Quantity(300, "亿元")
    assert times(Quantity(2, "亿部"), Quantity("0.5", "平米/部")) == Quantity(1, "亿平米")
    assert times(Quantity(50, "万人份"), Quantity(120, "元/人份")) == Quantity(6000, "万元")
    assert times(Quantity(2110, "万台"), Quantity("1.2", "万元/台")) == Quantity(2532, "亿元")
    assert times(Quantity(3, "亿部"), Quantity(33, "美元/部")) == Quantity(99, "亿美元")
    assert times(Quantity(2, "亿部"), Quantity(3, "千元/部")) == Quantity(6000, "亿元")  # not 千亿元
    assert times(Quantity(10, "%"), Quantity(20, "%")) == Quantity(2, "%")
    assert times(Quantity("0.1"), Quantity(2)) == Quantity("0.2")
    assert times(Quantity(3, "billion USD"), Quantity(5, "%")) == Quantity("0.15", "billion USD")


@pytest.mark.parametrize("factors,match", [
    ([(1, "亿元"), (1, "亿美元")], "different currencies"),
    ([(1, "亿元"), (1, "万元")], "money"),
    ([(1, "万台"), (1, "万台")], "do not multiply"),
    ([(1, "万台"), (1, "元/部")], "台 vs 部"),
    ([(1, "万台"), (1, "美元/部")], "台 vs 部"),
    ([(3, "pp"), (1, "亿元")], "add_points"),
    ([(3, "秒"), (1, "亿元")], "only ratios"),
    ([(-3, "万台"), (1, "元/台")], "数量不能为负"),
])
def test_times_refuses_products_without_meaning(factors, match):
    with pytest.raises(ToolError, match=match):
        times(*(Quantity(v, u) for v, u in factors))


def test_divide_and_ratio_of():
    assert divide(Quantity(33, "亿美元"), Quantity(1, "亿部")) == Quantity(33, "美元/部")
    assert divide(Quantity("1.2", "万元"), Quantity(60, "元/瓶")) == Quantity(200, "瓶")
    assert divide(Quantity(1, "亿平米"), Quantity(2, "亿部")) == Quantity("0.5", "平米/部")
    assert ratio_of(Quantity(575, "亿元"), Quantity(11491, "亿元")).value.quantize(Decimal("0.0001")) == Decimal("0.0500")
    assert ratio_of(Quantity(1, "亿元"), Quantity(5000, "万元")) == Quantity(2)
    assert ratio_of(Quantity(20, "%"), Quantity("0.1")) == Quantity(2)
    with pytest.raises(ToolError, match="no exchange rate"):
        ratio_of(Quantity(1, "亿元"), Quantity(1, "亿美元"))
    with pytest.raises(ToolError, match="different things"):
        ratio_of(Quantity(1, "万台"), Quantity(1, "万部"))
    with pytest.raises(ToolError, match="zero"):
        ratio_of(Quantity(1, "亿元"), Quantity(0, "亿元"))
    with pytest.raises(ToolError, match="no exchange rate"):
        divide(Quantity(1, "元"), Quantity(1, "美元/台"))


def test_readable():
    assert readable(Quantity(12000, "万元")) == Quantity("1.2", "亿元")
    assert readable(Quantity("0.5", "亿台")) == Quantity(5000, "万台")
    assert readable(Quantity(38000, "million USD")) == Quantity(38, "billion USD")
    assert readable(Quantity(2, "万亿元")) == Quantity(2, "万亿元")
    assert readable(Quantity(12000, "元/台")) == Quantity("1.2", "万元/台")
    assert readable(Quantity(20, "%")) == Quantity(20, "%")


def test_share_and_count_checks():
    assert as_share(Quantity("0.2")) == Quantity(20, "%")
    assert as_share(Quantity(100, "%")) == Quantity(100, "%")
    with pytest.raises(ToolError, match=r"占比不能超过100% \(a share cannot exceed 100%\)"):
        as_share(Quantity(120, "%"))
    with pytest.raises(ToolError, match="did you mean 20%"):
        as_share(Quantity(20))
    with pytest.raises(ToolError, match="negative"):
        as_share(Quantity(-5, "%"))
    with pytest.raises(ToolError, match="share"):
        as_share(Quantity(3, "pp"))
    assert as_count(Quantity(3, "万台")) == Quantity(3, "万台")
    with pytest.raises(ToolError, match="数量不能为负"):
        as_count(Quantity(-3, "万台"))
    with pytest.raises(ToolError, match="count"):
        as_count(Quantity(3, "亿元"))
    assert (Quantity(22, "万瓶") - Quantity(30, "万瓶")).value == -8  # a change of a count may be negative


def test_formatting_of_the_new_units():
    assert str(format_quantity(Quantity(3, "pp"))) == "3pp"
    assert str(format_quantity(Quantity(33, "亿美元"), "en")) == "3.3 billion USD"
    assert str(format_quantity(Quantity(33, "billion USD"), "zh")) == "330亿美元"
    assert str(format_quantity(Quantity(2110, "万台"))) == "2110万台"
    assert str(format_quantity(Quantity(197, "元/瓶"))) == "197元/瓶"
    assert str(format_range(QuantityRange(Quantity(1000, "万台"), Quantity(2000, "万台")))) == "1000万–2000万台"
    assert str(format_range(QuantityRange(Quantity(5, "亿美元"), Quantity(10, "亿美元")))) == "5亿–10亿美元"
    assert str(format_range(QuantityRange(Quantity(5, "元/瓶"), Quantity(10, "元/瓶")))) == "5–10元/瓶"


def test_money_in_another_currency_sizes_in_that_currency():
    from bot.tools.formulas import convert_units, market_size
    assert market_size("33亿美元", ["10%"]).result == Quantity("3.3", "亿美元")
    assert convert_units("33亿美元", "", "billion USD").result == Quantity("3.3", "billion USD")
    with pytest.raises(ToolError, match="no exchange rate"):
        convert_units("33亿美元", "", "亿元")


def test_unit_like_keeps_the_currency_or_noun_of_the_quantity():
    from bot.tools.units import unit_like
    assert unit_like("亿", "亿美元") == "亿美元"
    assert unit_like("billion", "亿美元") == "billion USD"
    assert unit_like("亿", "万台") == "亿台"
    assert unit_like("billion", "万台") == "十亿台"
    assert unit_like("万亿", "亿元") == "万亿元"
    assert unit_like("亿元", "亿美元") == "亿元"  # a full unit is taken as written (and converting will refuse)
    with pytest.raises(ToolError, match="Unknown unit"):
        unit_like("毫升", "亿元")
