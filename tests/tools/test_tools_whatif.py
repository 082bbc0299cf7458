from decimal import Decimal

import pytest

from bot.errors import ToolError
from bot.tools.models import AIGC_REGULATION, SHORT_VIDEO
from bot.tools.units import Quantity, QuantityRange
from bot.tools.whatif import apply, models_for, overrides_for, parse_assumptions


@pytest.mark.parametrize("question,term,value", [
    ("如果渗透率为20%", "渗透率", Quantity("20", "%")),
    ("假设成本占比8%", "成本占比", Quantity("8", "%")),
    ("渗透率提高到百分之三十", "渗透率", Quantity("30", "%")),
    ("with a 4000亿 market", "market", Quantity("4000", "亿元")),
    ("if penetration is 25%", "penetration", Quantity("25", "%")),
    ("市场规模为五千亿", "市场规模", Quantity("5000", "亿元")),
    ("监管成本占比12%", "监管成本占比", Quantity("12", "%")),
    ("25% penetration", "penetration", Quantity("25", "%")),
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


def test_overrides_map_to_model_inputs():
    a = parse_assumptions("假设成本占比8%")
    assert set(overrides_for(SHORT_VIDEO, a)) == {"视频创作成本占比"}
    assert set(overrides_for(AIGC_REGULATION, a)) == {"AIGC监管成本占比"}
    assert models_for(parse_assumptions("如果渗透率为20%")) == [SHORT_VIDEO]
    assert models_for(parse_assumptions("监管成本占比12%")) == [AIGC_REGULATION]
    assert models_for(a) == [SHORT_VIDEO, AIGC_REGULATION]
    o = overrides_for(SHORT_VIDEO, parse_assumptions("with a 4000亿 market"))
    assert o["短视频市场规模"].source == "user" and o["短视频市场规模"].citation is None


def test_penetration_20_gives_60(corpus_figures):
    r = apply(SHORT_VIDEO, corpus_figures, "如果渗透率为20%")
    c = r.calculation
    assert c.result == Quantity("60", "亿元")
    assert c.formula == "3000亿元 × 10% × 20% = 60亿元"
    d = c.to_dict()
    assert d["inputs"]["AI视频应用渗透率"] == {"value": "20", "unit": "%", "source": "user", "citation": None}
    assert d["inputs"]["短视频市场规模"]["source"] == "report"
    assert "用户假设" in d["note"]


def test_other_what_ifs(corpus_figures):
    assert apply("监管市场", corpus_figures, "监管成本占比12%").calculation.result == Quantity("1378.92", "亿元")
    r = apply(SHORT_VIDEO, corpus_figures, "with a 4000亿 market").calculation.result
    assert r.mid == Quantity("80", "亿元")
    r = apply(SHORT_VIDEO, corpus_figures, "渗透率提高到百分之三十").calculation.result
    assert r.value == Decimal(90)


def test_apply_without_assumption_is_error(corpus_figures):
    with pytest.raises(ToolError, match="sets none"):
        apply(AIGC_REGULATION, corpus_figures, "如果渗透率为20%")


def test_change_from_to_takes_the_target():
    [a] = parse_assumptions("如果渗透率从5%提高到20%")
    assert a.value == Quantity("20", "%")


def test_numbers_go_to_words_of_their_dimension():
    found = parse_assumptions("What if 25% penetration and a 4000亿 market?")
    assert [(a.term, a.value) for a in found] == [("penetration", Quantity("25", "%")),
                                                  ("market", Quantity("4000", "亿元"))]
    assert parse_assumptions("marketing spend of 500亿元") == []
    assert parse_assumptions("市场规模为20%") == []
