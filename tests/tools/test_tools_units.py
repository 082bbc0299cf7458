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


@pytest.mark.parametrize("bad", ["USD", "美元", "kg", "m", "亿美元"])
def test_unknown_unit_is_tool_error(bad):
    with pytest.raises(ToolError, match="Unknown unit"):
        normalize_unit(bad)


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
