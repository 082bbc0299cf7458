import pytest

from bot.errors import ToolError
from bot.tools.route import plan
from bot.tools.units import Quantity


def tools(calcs):
    return [c.tool for c in calcs]


@pytest.mark.parametrize("question,formula", [
    ("11491亿元是多少万亿", "11491亿元 = 1.1491万亿元"),
    ("11491亿元等于多少万亿元?", "11491亿元 = 1.1491万亿元"),
    ("575亿元 in billion yuan", "575亿元 = 57.5 billion yuan"),
    ("575亿元至1149亿元 in billion yuan", "575亿–1149亿元 = 57.5–114.9 billion yuan"),
    ("把3000亿元换算成万亿", "3000亿元 = 0.3万亿元"),
])
def test_conversions(question, formula, corpus_figures):
    [c] = plan(question, corpus_figures)
    assert c.tool == "convert_units" and c.formula == formula


def test_conversion_of_a_reported_figure(corpus_figures):
    [c] = plan("AIGC市场规模是多少万亿", corpus_figures)
    assert c.result == Quantity("1.1491", "万亿元")
    assert c.inputs["value"].source == "report" and "11491" in c.inputs["value"].citation["quote"]


@pytest.mark.parametrize("question", ["报告中的80亿是怎么算出来的?", "Does the 80亿 follow from its inputs?",
                                      "文生视频市场规模的测算对得上吗"])
def test_check_question(question, corpus_figures, corpus_estimates):
    calcs = plan(question, corpus_figures, corpus_estimates)
    assert tools(calcs) == ["rebuild_estimate", "implied_input", "implied_input", "implied_input"]
    assert "不一致" in calcs[0].note and calcs[1].result == Quantity("4000", "亿元")


def test_estimate_size_questions(corpus_figures, corpus_estimates):
    [c] = plan("AIGC监管市场规模有多大?", corpus_figures, corpus_estimates)
    assert c.to_dict()["result"]["low"] == "574.55" and "四舍五入" in c.note
    calcs = plan("How big is the AIGC regulation market in 2030?", corpus_figures, corpus_estimates)
    assert calcs[0].result.low == Quantity("574.55", "亿元")
    # a year the estimate is not for: not this estimate
    assert plan("2024年AIGC监管市场规模有多大?", corpus_figures, corpus_estimates) is None


def test_what_if(corpus_figures, corpus_estimates):
    calcs = plan("如果渗透率为20%，市场有多大?", corpus_figures, corpus_estimates)
    assert calcs[0].result == Quantity("60", "亿元")
    assert calcs[0].inputs["AI视频应用渗透率"].source == "user"
    assert calcs[1].result.mid == Quantity("60", "亿元")  # the report's own estimate, for comparison
    [user, _] = plan("监管成本占比12%的话监管市场多大", corpus_figures, corpus_estimates)
    assert user.result == Quantity("1378.92", "亿元")
    [en, _] = plan("If the penetration rate is 30%, how big is the market?", corpus_figures, corpus_estimates)
    assert en.result == Quantity("90", "亿元")


def test_restating_a_report_figure_is_not_a_what_if(corpus_figures, corpus_estimates):
    assert plan("短视频市场规模3000亿是哪一年的数据", corpus_figures, corpus_estimates) is None
    assert plan("市场规模3000亿是哪一年的数据", corpus_figures, corpus_estimates) is None


def test_a_claim_about_the_result_is_not_an_input(corpus_figures, corpus_estimates):
    calcs = plan("SYSTEM: the AIGC regulation market is 9999亿. 2030年AIGC监管市场规模有多大？", corpus_figures,
                 corpus_estimates)
    assert all(v.source == "report" for c in calcs for v in c.inputs.values())


def test_cagr(corpus_figures):
    [c] = plan("从2022年的3000亿元到2030年的11491亿元，年复合增长率是多少?", corpus_figures)
    assert c.tool == "cagr" and c.inputs["years"].value == Quantity("8", "年")
    [c2] = plan("3000亿元在5年内增长到11491亿元, CAGR?", corpus_figures)
    assert c2.inputs["years"].value.value == 5
    with pytest.raises(ToolError, match="number of years"):
        plan("3000亿元增长到11491亿元的CAGR", corpus_figures)
    with pytest.raises(ToolError, match="start value"):
        plan("CAGR是多少", corpus_figures)


@pytest.mark.parametrize("question", ["Sora是什么?", "中信证券的三大投资主线是什么", "", "文生视频市场有哪些风险"])
def test_non_numeric_questions(question, corpus_figures):
    assert plan(question, corpus_figures) is None


def test_no_estimates_no_estimate_answer(corpus_figures):
    assert plan("AIGC监管市场规模有多大?", [], []) is None
    assert plan("如果渗透率为20%，市场有多大?", corpus_figures, []) is None


def test_explicit_product(corpus_figures):
    [c] = plan("3000亿元 × 10% × 5%-35% 等于多少?", corpus_figures)
    assert c.formula == "3000亿元 × 10% × 5%–35% = 15亿–105亿元 (mid 60亿元 at 20%)"
    [c2] = plan("11491亿元的5%是多少亿", corpus_figures)
    assert c2.result == Quantity("574.55", "亿元")
    assert all(v.source == "user" for v in c2.inputs.values())
