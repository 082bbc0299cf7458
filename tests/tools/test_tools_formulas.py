import json
from decimal import localcontext, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.errors import ToolError
from bot.tools.formulas import Estimate, Operand, cagr, convert_units, market_size, project, share_of_market
from bot.tools.units import Quantity, QuantityRange


def test_market_size_short_video_example():
    c = market_size("3000亿元", ["10%", "5%-35%"])
    assert c.formula == "3000亿元 × 10% × 5%–35% = 15亿–105亿元 (mid 60亿元 at 20%)"
    d = c.to_dict()
    assert d["result"] == {"low": "15", "mid": "60", "high": "105", "unit": "亿元"}
    assert "中值" in d["note"] and "midpoint" in d["note"]
    json.dumps(d)  # JSON-friendly


def test_to_dict_shape_is_exact():
    c = market_size(Operand(Quantity("11491", "亿元"), "report", {"doc_id": "d", "chunk_id": "c", "quote": "q",
                                                                  "start": 0, "end": 1}),
                    ["5%-10%"], labels=["AIGC市场规模", "AIGC监管成本占比"])
    d = c.to_dict()
    assert set(d) == {"tool", "formula", "inputs", "result", "note"}
    assert d["tool"] == "market_size"
    assert d["inputs"]["AIGC市场规模"] == {"value": "11491", "unit": "亿元", "source": "report",
                                         "citation": {"doc_id": "d", "chunk_id": "c", "quote": "q", "start": 0, "end": 1}}
    assert d["inputs"]["AIGC监管成本占比"] == {"value": {"low": "5", "high": "10"}, "unit": "%", "source": "user",
                                           "citation": None}
    assert d["result"]["low"] == "574.55" and d["result"]["high"] == "1149.1"
    assert "574.55亿–1149.1亿元" in d["formula"]


def test_single_factor_gives_value_result():
    d = market_size("11491亿元", ["5%"]).to_dict()
    assert d["result"] == {"value": "574.55", "unit": "亿元"}


def test_accepted_argument_forms():
    a = market_size({"value": 3000, "unit": "亿"}, [0.1, {"low": "5", "high": "35", "unit": "%"}])
    b = market_size(Quantity("3000", "亿元"), [Quantity("10", "%"), QuantityRange(Quantity(5, "%"), Quantity(35, "%"))])
    assert a.result == b.result
    assert a.inputs["factor_1"].value == Quantity("10", "%")


@pytest.mark.parametrize("base,factors,match", [
    ("-3000亿元", ["10%"], "negative"),
    ("3000亿元", ["120%"], "over 100%"),
    ("3000亿元", [5], "did you mean 5%"),
    ("3000亿元", ["-5%"], "negative"),
    ("10%", ["5%"], "amount of money"),
    ("3000", ["5%"], "amount of money"),
    ("3000亿元", ["3000亿元"], "ratio"),
    ("3000亿元", [], "at least one factor"),
    (None, ["5%"], "missing"),
    ("", ["5%"], "missing"),
    ("3000亿元", [None], "missing"),
    ({"value": 1e9, "unit": "万亿元"}, ["5%"], "10\\^16"),
    ("3000卢布", ["5%"], "Cannot read"),
    ({"value": 3, "unit": "kg"}, ["5%"], "amount of money"),  # a mass is known, and no market size
    ({"value": 3, "unit": "毫升"}, ["5%"], "Unknown unit"),
    ({"value": 3, "bogus": 1}, ["5%"], "must look like"),
])
def test_market_size_validation(base, factors, match):
    with pytest.raises(ToolError, match=match):
        market_size(base, factors)


def test_labels_must_match():
    with pytest.raises(ToolError, match="labels"):
        market_size("3000亿元", ["10%"], labels=["only-one"])


def test_share_of_market():
    c = share_of_market("575亿元", "11491亿元")
    assert c.result.unit == "%"
    assert "≈5.0039%" in c.formula and "28" in c.note  # rounding is said, not hidden
    assert share_of_market("1149.1亿元", "11491亿元").result == Quantity("10", "%")
    assert share_of_market("57.455 billion yuan", "11491亿元").result == Quantity("5", "%")
    with pytest.raises(ToolError, match="larger than"):
        share_of_market("2万亿元", "11491亿元")
    with pytest.raises(ToolError, match="zero"):
        share_of_market("1亿元", "0亿元")


def test_cagr():
    exact = cagr("100亿元", "121亿元", 2)
    assert exact.result == Quantity("10", "%") and exact.note == ""
    c = cagr("3000亿元", "11491亿元", "8年")
    assert str(c.result.value).startswith("18.278163")
    assert c.note  # irrational: rounded, and says so
    with pytest.raises(ToolError, match="same dimension"):
        cagr("100亿元", "10%", 2)
    with pytest.raises(ToolError, match="years"):
        cagr("100亿元", "121亿元", 0)


def test_project():
    assert project("100亿元", "10%", 2).result == Quantity("121", "亿元")
    r = project("100亿元", "10%-20%", 3).result
    assert isinstance(r, Estimate) and r.low.value == Decimal("133.1") and r.high.value == Decimal("172.8")
    assert project("100亿元", "-10%", 1).result == Quantity("90", "亿元")
    with pytest.raises(ToolError):
        project("100亿元", "-100%", 1)


def test_convert_units():
    assert convert_units("11491", "亿元", "万亿").formula == "11491亿元 = 1.1491万亿元"
    assert convert_units("575亿元", "", "billion yuan").result == Quantity("57.5", "billion yuan")
    assert convert_units("57.455", "billion yuan", "亿元").formula == "57.455 billion yuan = 574.55亿元"
    with pytest.raises(ToolError, match="from_unit"):
        convert_units("575亿元", "万元", "亿元")
    with pytest.raises(ToolError, match="no exchange rate"):
        convert_units("575", "亿元", "USD")
    with pytest.raises(ToolError, match="Cannot convert"):
        convert_units("575", "亿元", "%")


amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("100000"), places=2)
pcts = st.decimals(min_value=Decimal(0), max_value=Decimal(100), places=3)


@st.composite
def factor(draw):
    a, b = sorted([draw(pcts), draw(pcts)])
    return f"{a}%" if draw(st.booleans()) else f"{a}%-{b}%"


@given(amounts, st.lists(factor(), min_size=1, max_size=4), st.integers(min_value=1, max_value=1000))
def test_scaling_base_scales_results(base, factors, k):
    one = market_size(f"{base}亿元", factors).result
    scaled = market_size(f"{base * k}亿元", factors).result
    pick = (lambda r: (r.low.value, r.mid.value, r.high.value)) if isinstance(one, Estimate) else (lambda r: (r.value,))
    with localcontext(prec=200):  # the expectation must be exact too (the default context keeps 28 digits)
        assert pick(scaled) == tuple(x * k for x in pick(one))


@given(amounts, st.lists(factor(), min_size=1, max_size=4))
def test_low_mid_high_ordered(base, factors):
    r = market_size(f"{base}亿元", factors).result
    if isinstance(r, Estimate):
        assert r.low.value <= r.mid.value <= r.high.value


@given(amounts, st.sampled_from(["元", "万元", "亿元", "万亿元", "billion yuan"]))
def test_unit_of_base_does_not_change_the_amount(base, unit):
    a = market_size(Quantity(base, "亿元"), ["12.5%"]).result
    b = market_size(Quantity(base, "亿元").to(unit), ["12.5%"]).result
    assert a.base_value() == b.base_value()
