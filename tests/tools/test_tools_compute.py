"""Comparisons of cited figures (difference, growth, share, ratio, total): exact values, units checked, and the
registry exposing them to the LLM next to the sizing tools. Figures are made up."""
import json
from decimal import Decimal

import pytest

from bot.errors import ToolError
from bot.tools.formulas import (
    Operand, cagr, comparable, difference, growth, operand, ratio, share, total,
)
from bot.tools.registry import Registry, call, schemas
from bot.tools.units import Quantity

CITE = {"doc_id": "d1", "chunk_id": "d1#3", "quote": "2021年销量为12万盒。", "start": 10, "end": 24}


def test_difference_is_exact_in_the_values_unit():
    c = difference("12万盒", "9.5万盒")
    assert c.result == Quantity(Decimal("2.5"), "万盒")
    assert c.formula == "12万盒 − 9.5万盒 = 2.5万盒"
    d = c.to_dict()
    assert d["result"] == {"value": "2.5", "unit": "万盒"} and d["tool"] == "difference"
    assert d["inputs"]["value"]["unit"] == "万盒" and d["inputs"]["base"]["value"] == "9.5"
    json.dumps(d)


def test_difference_can_be_negative_and_keeps_prices_and_currencies():
    assert difference("150元/盒", "180元/盒").result == Quantity(Decimal(-30), "元/盒")
    assert difference("470亿美元", "420亿美元").result == Quantity(Decimal(50), "亿美元")
    assert difference("0.1", "0.3").result.value == Decimal("-0.2")  # no binary float anywhere


def test_difference_converts_magnitudes_exactly_and_says_so():
    c = difference("1.2亿元", "3000万元")
    assert c.result == Quantity(Decimal("0.9"), "亿元")
    assert "0.3亿元" in c.formula and "3000万元" in c.note
    assert difference("1亿台", "5000万台").result == Quantity(Decimal("0.5"), "亿台")
    assert difference("3吨", "500kg").result == Quantity(Decimal("2.5"), "吨")  # masses convert exactly


@pytest.mark.parametrize("a, b", [
    ("33亿美元", "20亿元"),  # two currencies: no exchange rate is assumed
    ("12万盒", "15万支"),  # different things counted
    ("3亿元", "12%"),  # money and a ratio
    ("120元/盒", "120元"),  # a price and an amount
    ("3吨", "3000瓶"),  # a mass and a count
])
def test_difference_of_things_that_do_not_compare_is_a_tool_error(a, b):
    with pytest.raises(ToolError, match="单位|currenc|different|convert|exchange"):
        difference(a, b)
    with pytest.raises(ToolError):
        comparable(operand(a, "a"), operand(b, "b"), "a", "b")


def test_difference_of_percentages_is_in_points():
    c = difference("7.5%", "5%")
    assert c.result.value == Decimal("2.5") and "个百分点" in c.formula and "percentage points" in c.note


def test_growth_share_ratio_total():
    assert growth("80亿元", "92亿元").result == Quantity(Decimal("15"), "%")
    assert growth("100万台", "1亿台").result == Quantity(Decimal(9900), "%")
    assert share("36亿元", "150亿元").result == Quantity(Decimal("24"), "%")
    assert share("1.2亿台", "4.8亿台").formula == "1.2亿台 ÷ 4.8亿台 = 25%"
    assert ratio("64亿元", "25.6亿元").result == Quantity(Decimal("2.5"), "")
    r = ratio("70亿元", "30亿元")
    assert str(r.result.value).startswith("2.33333") and "rounded" in r.note
    t = total(["120亿元", "3500万元", "0.65亿元"])
    assert t.result == Quantity(Decimal("121"), "亿元") and set(t.inputs) == {"value_1", "value_2", "value_3"}


@pytest.mark.parametrize("fn, args, match", [
    (growth, ("0亿元", "10亿元"), "above zero"),
    (share, ("500亿元", "400亿元"), "exceed 100%"),
    (share, ("5亿元", "0亿元"), "above zero"),
    (ratio, ("5亿元", "0亿元"), "zero"),
    (total, (["5亿元"],), "at least two"),
    (total, (["5亿元", "3亿美元"],), "单位|exchange|convert"),
    (growth, ("5%-10%", "12%"), "range"),
])
def test_comparison_errors(fn, args, match):
    with pytest.raises(ToolError, match=match):
        fn(*args)


def test_cagr_counts_the_years_between_two_calendar_years():
    # 2011 → 2015 is 4 years of growth, not 5
    c = cagr(Operand(Quantity("100", "万盒"), "report", CITE), Operand(Quantity("146.41", "万盒"), "report", CITE),
             2015 - 2011)
    assert c.result == Quantity(Decimal(10), "%") and c.inputs["years"].value.value == 4
    assert c.to_dict()["inputs"]["start_value"]["citation"] == CITE
    with pytest.raises(ToolError):
        cagr("30亿美元", "70亿元", 6)  # no exchange rate


def test_report_inputs_keep_their_citations():
    c = difference(Operand(Quantity("12", "万盒"), "report", CITE), Operand(Quantity("9.5", "万盒"), "report", CITE))
    d = c.to_dict()
    assert d["inputs"]["value"] == {"value": "12", "unit": "万盒", "source": "report", "citation": CITE}


def test_registry_offers_the_comparisons_next_to_the_sizing_tools():
    names = [s["function"]["name"] for s in schemas()]
    assert names[:5] == ["market_size", "share_of_market", "cagr", "project", "convert_units"]
    assert {"difference", "growth", "share", "ratio", "total"} <= set(names)
    for s in schemas():
        fn = s["function"]
        assert fn["description"] and all(p.get("description") for p in fn["parameters"]["properties"].values())
    t = next(s for s in schemas() if s["function"]["name"] == "total")["function"]["parameters"]
    assert t["properties"]["values"]["type"] == "array"
    assert call("difference", '{"value": "12万盒", "base": "9.5万盒"}').to_dict()["result"] == {"value": "2.5", "unit": "万盒"}
    assert call("total", {"values": ["1亿元", {"value": 2, "unit": "亿元", "source": "report", "citation": "p3"}]}
                ).result == Quantity(Decimal(3), "亿元")
    with pytest.raises(ToolError):
        Registry().call("share", {"part": "3亿美元", "total": "10亿元"})
