from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.errors import ToolError
from bot.tools.numbers import chinese_to_decimal, find_numbers, parse_quantity, parse_value
from bot.tools.units import Quantity, QuantityRange


def one(text):
    found = find_numbers(text)
    assert len(found) == 1, found
    n = found[0]
    assert text[n.start:n.end] == n.text
    return n


@pytest.mark.parametrize("text,value,unit", [
    ("接近3000亿元人民币", "3000", "亿元"),
    ("3,000亿", "3000", "亿元"),
    ("１２．５％", "12.5", "%"),
    ("３０００亿元", "3000", "亿元"),
    ("两千亿", "2000", "亿元"),
    ("一万一千四百九十一亿元", "11491", "亿元"),
    ("百分之二十", "20", "%"),
    ("百分之5", "5", "%"),
    ("五成", "50", "%"),
    ("3千亿", "3000", "亿元"),
    ("1.5万亿元", "1.5", "万亿元"),
    ("RMB 300 billion", "300", "billion yuan"),
    ("1,234.5 million RMB", "1234.5", "million yuan"),
    ("25 percent", "25", "%"),
    ("一分钟", "1", "分钟"),
    ("60秒", "60", "秒"),
    ("34页", "34", "页"),
    ("10万人", "10", "万人"),
    ("增长率为-5%", "-5", "%"),
    ("二十", "20", ""),
    ("二点五", "2.5", ""),
])
def test_single_numbers(text, value, unit):
    n = one(text)
    assert n.value == Decimal(value) and n.unit == unit and n.high is None


@pytest.mark.parametrize("text,low,high,unit", [
    ("5%-35%", "5", "35", "%"),
    ("5%~35%", "5", "35", "%"),
    ("5%～35%", "5", "35", "%"),
    ("5%至35%", "5", "35", "%"),
    ("5-35%", "5", "35", "%"),
    ("575亿元至1149亿元", "575", "1149", "亿元"),
    ("575亿–1149亿元", "575", "1149", "亿元"),
    ("575至1149亿元", "575", "1149", "亿元"),
    ("5000万–1亿元", "0.5", "1", "亿元"),
    ("5% to 10%", "5", "10", "%"),
    ("人民币2.5-3亿元", "2.5", "3", "亿元"),  # the currency before the low end, the magnitude after the high
    ("¥30-50万元", "30", "50", "万元"),
    ("人民币500元-2万元", "0.05", "2", "万元"),  # a unit written after the low end is its own
    ("$5-10 billion", "5", "10", "billion USD"),  # the high end's bare magnitude is the low end's currency, not yuan
    ("$5-10亿", "5", "10", "亿美元"),
    ("$5至10亿美元", "5", "10", "亿美元"),
])
def test_ranges(text, low, high, unit):
    n = one(text)
    assert (n.value, n.high, n.unit) == (Decimal(low), Decimal(high), unit)
    assert n.text == text


def test_spans_in_a_sentence():
    text = "假设视频创作成本占市场总规模的10%,并在AI视频应用渗透率为5%-35%的情况下"
    found = find_numbers(text)
    assert [n.text for n in found] == ["10%", "5%-35%"]
    for n in found:
        assert text[n.start:n.end] == n.text


def test_skips_dates_and_unknown_currencies_and_names():
    found = find_numbers("2024-02-23 14:55:40 发布, 100亿卢布, 5亿加元, DALL.E3")
    assert found == []
    assert [n.value for n in find_numbers("GPT-3")] == [Decimal(3)]  # a hyphen, not a minus


def test_one_cheng_bu_bian_is_not_a_percentage():
    assert all(n.unit != "%" for n in find_numbers("一成不变"))


def test_parse_value_and_quantity():
    assert parse_value("3000亿元") == Quantity("3000", "亿元")
    assert parse_value(" 0.1 ") == Quantity("0.1", "")
    assert parse_value("5%-35%") == QuantityRange(Quantity("5", "%"), Quantity("35", "%"))
    with pytest.raises(ToolError):
        parse_quantity("5%-35%")
    for bad in ["", "abc", "3000亿元和10%", "10% of it", "1e999"]:
        with pytest.raises(ToolError):
            parse_value(bad)


def test_chinese_numerals():
    assert chinese_to_decimal("一万一千四百九十一") == 11491
    assert chinese_to_decimal("十") == 10
    assert chinese_to_decimal("一百零五") == 105
    assert chinese_to_decimal("二〇二二") == 2022
    assert chinese_to_decimal("三亿五千万") == 350000000
    with pytest.raises(ToolError):
        chinese_to_decimal("十a")


DIGITS = "零一二三四五六七八九"


def to_chinese(n: int) -> str:
    """Reference writer for the property test (standard form, 一十 spelled out below 万)."""
    if n == 0:
        return "零"

    def below_10k(x: int) -> str:
        out, zero = "", False
        for unit, p in (("千", 1000), ("百", 100), ("十", 10), ("", 1)):
            d = x // p % 10
            if d:
                out += ("零" if zero and out else "") + DIGITS[d] + unit
                zero = False
            else:
                zero = True
        return out

    parts = []
    for unit, p in (("亿", 10**8), ("万", 10**4), ("", 1)):
        chunk = n // p % 10**4
        if chunk:
            s = below_10k(chunk)
            if parts and chunk < 1000:
                s = "零" + s
            parts.append(s + unit)
    return "".join(parts)


@given(st.integers(min_value=1, max_value=10**12 - 1))
def test_chinese_numeral_round_trip(n):
    assert chinese_to_decimal(to_chinese(n)) == n


@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False), st.sampled_from(["亿元", "万元", "%", "元"]))
def test_arabic_with_unit_round_trip(v, unit):
    text = f"规模为{v}{unit}。"
    n = one(text)
    assert n.value == v and n.unit == unit


# --- units of real research reports: counts, other currencies, per-unit values, points -------------------------

from bot.tools.units import Dimension  # noqa: E402


@pytest.mark.parametrize("text,value,unit,dimension", [
    ("8.39万瓶", "8.39", "万瓶", Dimension.COUNT),
    ("33亿美元", "33", "亿美元", Dimension.CURRENCY),
    ("2110万台", "2110", "万台", Dimension.COUNT),
    ("197元/瓶", "197", "元/瓶", Dimension.PRICE),
    ("3pp", "3", "pp", Dimension.POINTS),
    ("3.5个百分点", "3.5", "pp", Dimension.POINTS),
    ("25个基点", "25", "bp", Dimension.POINTS),
    ("一千万人", "1000", "万人", Dimension.COUNT),
    ("两成", "20", "%", Dimension.RATIO),
    ("三成五", "35", "%", Dimension.RATIO),
    ("500百万美元", "500", "百万美元", Dimension.CURRENCY),
    ("3.2亿港币", "3.2", "亿港元", Dimension.CURRENCY),
    ("US$ 3bn", "3", "billion USD", Dimension.CURRENCY),
    ("$3 billion", "3", "billion USD", Dimension.CURRENCY),
    ("3 billion USD", "3", "billion USD", Dimension.CURRENCY),
    ("HK$5", "5", "HKD", Dimension.CURRENCY),
    ("1.2万元/台", "1.2", "万元/台", Dimension.PRICE),
    ("33美元/部", "33", "美元/部", Dimension.PRICE),
    ("120元/人份", "120", "元/人份", Dimension.PRICE),
    ("2万元/平", "2", "万元/平米", Dimension.PRICE),
    ("0.5平米/部", "0.5", "平米/部", Dimension.PER_UNIT),
    ("10万片/月", "10", "万片/月", Dimension.PER_UNIT),
    ("50万人份", "50", "万人份", Dimension.COUNT),
    ("3万平方米", "3", "万平米", Dimension.COUNT),
    ("3台", "3", "台", Dimension.COUNT),
    ("三亿五千万", "3.5", "亿元", Dimension.CURRENCY),
    ("1.5亿股", "1.5", "亿股", Dimension.COUNT),
    ("3 percentage points", "3", "pp", Dimension.POINTS),
])
def test_units_of_real_reports(text, value, unit, dimension):
    n = one(text)
    assert (n.value, n.unit, n.dimension) == (Decimal(value), unit, dimension)
    assert n.text == text


@pytest.mark.parametrize("text,span,value,unit", [
    ("提升3pp，", "3pp", "3", "pp"),
    ("毛利率同比-0.4pct、", "-0.4pct", "-0.4", "pp"),  # "pct" in Chinese text: points
    ("净利率提高1.2pct同比", "1.2pct", "1.2", "pp"),
    ("shares rose 5 pct today", "5 pct", "5", "%"),  # in English: percent
    ("10万人口", "10万人", "10", "万人"),
    ("3台手机", "3台", "3", "台"),
    ("2019年", "2019年", "2019", "年"),
    ("下降25bp至", "25bp", "25", "bp"),
    ("共有5千家", "5千家", "5", "千家"),
    ("增长10万倍", "10万", "100000", ""),
    ("3个月", "3", "3", ""),
    ("第3部", "3", "3", ""),
    ("一家公司", "一", "1", ""),
])
def test_unit_boundaries(text, span, value, unit):
    n = one(text)
    assert (n.text, n.value, n.unit) == (span, Decimal(value), unit)


@pytest.mark.parametrize("text,low,high,unit", [
    ("1000-2000万台", "1000", "2000", "万台"),
    ("1000万-2000万台", "1000", "2000", "万台"),
    ("5亿至10亿美元", "5", "10", "亿美元"),
    ("3000-4800元/次", "3000", "4800", "元/次"),
    ("3-5pp", "3", "5", "pp"),
])
def test_ranges_of_the_new_units(text, low, high, unit):
    n = one(text)
    assert (n.value, n.high, n.unit, n.text) == (Decimal(low), Decimal(high), unit, text)


def test_ranges_never_mix_currencies_or_nouns():
    assert [n.unit for n in find_numbers("5亿元-10亿美元")] == ["亿元", "亿美元"]
    assert [n.unit for n in find_numbers("5万台-10万部")] == ["万台", "万部"]


def test_parse_value_of_the_new_units():
    assert parse_value("2110万台") == Quantity(2110, "万台")
    assert parse_value("33亿美元") == Quantity(33, "亿美元")
    assert parse_value("3个百分点") == Quantity(3, "pp")
    assert parse_value("1000-2000万台") == QuantityRange(Quantity(1000, "万台"), Quantity(2000, "万台"))


def test_currency_word_after_the_magnitude():
    [s] = find_numbers("市场规模达179亿人民币，同比增长")
    assert (s.value, s.unit, s.text) == (Decimal("179"), "亿元", "179亿人民币")


# --- masses, doses and days (issue 13) --------------------------------------------------------------------------


@pytest.mark.parametrize("text, value, high, unit", [
    ("体重60kg", "60", None, "kg"),
    ("需求量约1200~1800g，", "1200", "1800", "g"),
    ("每瓶2.5g", "2.5", None, "g"),
    ("剂量200~300mg/kg体重，", "200", "300", "mg/kg"),
    ("剂量0.4g/kg/d，", "0.4", None, "g/kg/天"),
    ("剂量0.4g/(kg·d)，", "0.4", None, "g/kg/天"),
    ("用量0.3克/千克/天", "0.3", None, "g/kg/天"),
    ("使用ABC0.4g/kg/d，", "0.4", None, "g/kg/天"),  # a dose glued to a drug's abbreviation
    ("收率0.3万瓶/吨", "0.3", None, "万瓶/吨"),
    ("产能1.5万吨", "1.5", None, "万吨"),
    ("两万吨", "2", None, "万吨"),
    ("3千克", "3", None, "kg"),
    ("售价40元/公斤", "40", None, "元/kg"),
    ("疗程3-5天", "3", "5", "天"),
    ("每天需要4瓶/天", "4", None, "瓶/天"),
])
def test_masses_doses_and_days(text, value, high, unit):
    [n] = find_numbers(text)
    assert (n.value, n.high, n.unit) == (Decimal(value), None if high is None else Decimal(high), unit)


@pytest.mark.parametrize("text", ["5G手机出货3亿部", "5g手机渗透率", "4G/5G", "A15芯片", "3天然气", "002466天齐"])
def test_no_mass_or_days_in_names(text):
    assert all(n.unit not in ("g", "天") for n in find_numbers(text))
