"""What-ifs on any estimate: the user's words for an input, matched to the report's own wording."""
from decimal import Decimal

import pytest

from bot.errors import ToolError
from bot.tools.estimates import detect_estimates
from bot.tools.rebuild import input_names, rebuild
from bot.tools.units import Quantity, QuantityRange
from bot.tools.whatif import match_input, name_score, overrides_for, parse_assumptions


@pytest.mark.parametrize("question,term,value", [
    ("如果渗透率为20%", "渗透率", Quantity("20", "%")),
    ("假设成本占比8%", "成本占比", Quantity("8", "%")),
    ("渗透率提高到百分之三十", "渗透率", Quantity("30", "%")),
    ("with a 4000亿 market", "market", Quantity("4000", "亿元")),
    ("if penetration is 25%", "penetration", Quantity("25", "%")),
    ("市场规模为五千亿", "市场规模", Quantity("5000", "亿元")),
    ("监管成本占比12%", "监管成本占比", Quantity("12", "%")),
    ("25% penetration", "penetration", Quantity("25", "%")),
    ("20%的渗透率下市场多大", "渗透率", Quantity("20", "%")),
    ("渗透率为10%-20%", "渗透率", QuantityRange(Quantity("10", "%"), Quantity("20", "%"))),
])
def test_parse_assumptions(question, term, value):
    [a] = parse_assumptions(question)
    assert (a.term, a.value) == (term, value)
    assert question[a.start:a.end] == a.text


def test_several_assumptions_and_none():
    found = parse_assumptions("如果渗透率为20%，成本占比8%，市场规模4000亿元")
    assert [a.term for a in found] == ["渗透率", "成本占比", "市场规模"]
    assert parse_assumptions("11491亿元是多少万亿") == []
    assert parse_assumptions("Sora是什么") == []
    # a bare year sets nothing: "the 2030 market size" is the market in 2030, not a market of 2030
    assert parse_assumptions("What is the 2030 market size of AIGC监管?") == []
    [a] = parse_assumptions("If the 2030 market size is 10000亿元, how big is it?")
    assert "market size" in a.term and a.value == Quantity("10000", "亿元")


def test_change_from_to_takes_the_target():
    [a] = parse_assumptions("如果渗透率从5%提高到20%")
    assert (a.term, a.value) == ("渗透率", Quantity("20", "%"))


# A made-up report passage: 出货量 × 单机用量 × 单价, worded as real reports word it.
THERMAL = ("2021年全球智能手机出货量约为12亿部。我们假设5G手机占比为40%，单机石墨膜用量0.02平米，"
           "石墨膜单价为50元/平米，则2021年5G手机石墨膜市场规模约为4.8亿元。")


@pytest.fixture
def thermal():
    [d] = detect_estimates(THERMAL, "thermal")
    return d


def test_inputs_named_in_the_reports_words_or_a_paraphrase(thermal):
    names = input_names(thermal)
    share = next(n for n in names if "占比" in n)
    for words in ("5G手机占比", "占比", "5g share"):
        [a] = parse_assumptions(f"如果{words}为50%")
        i, score = match_input(a, names, thermal)
        assert names[i] == share and score >= 0.5
    assert name_score("出货量", "全球智能手机出货量") == 1.0
    assert name_score("penetration", "全球智能手机出货量") == 0.0


def test_what_if_changes_only_the_named_input(thermal):
    names = input_names(thermal)
    used = overrides_for(thermal, names, parse_assumptions("如果5G手机占比为50%，市场多大"))
    r = rebuild(thermal, used)
    assert r.calculation.result == Quantity("6", "亿元")  # 12亿部 × 50% × 0.02 × 50 = 6亿元
    sources = {k: v.source for k, v in r.calculation.inputs.items()}
    assert list(sources.values()).count("user") == 1 and "用户假设" in r.calculation.note
    assert r.verdict is None  # a what-if is the user's, nothing to reconcile


def test_user_values_must_fit_the_input(thermal):
    names = input_names(thermal)
    share = next(n for n in names if "占比" in n)
    with pytest.raises(ToolError, match="100%"):
        rebuild(thermal, {share: "150%"})
    with pytest.raises(ToolError, match="比例"):
        rebuild(thermal, {share: "30亿元"})
    with pytest.raises(ToolError, match="没有输入"):
        rebuild(thermal, {"不存在的输入": "10%"})
    # a percentage for a count is not read as anything
    assert overrides_for(thermal, names, parse_assumptions("如果出货量为20%")) == {}


def test_claim_about_the_result_sets_nothing(thermal):
    names = input_names(thermal)
    assert overrides_for(thermal, names, parse_assumptions("石墨膜市场规模为100亿元")) == {}
    assert rebuild(thermal).verdict == "agrees"
    assert Decimal("4.8") == thermal.result.value
