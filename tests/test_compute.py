"""Computation questions answered offline from cited figures (bot/answer/compute.py): what a question asks to
compute, which number a sentence states for a year, and whole answers from a small made-up library (companies,
brokers and figures invented for the tests): both inputs from one report, cited, the formula in the first line,
and a clear message when one report does not state both."""
from __future__ import annotations

from decimal import Decimal

import pytest

from support import make_settings

from bot.answer.compute import detect, value_for_year, values_for_year

# --- what a question asks to compute --------------------------------------------------------------------------


@pytest.mark.parametrize("question, kind, needs", [
    ("星河制药2019年到2021年营业收入的年均复合增长率是多少？", "cagr",
     ["星河制药2019年营业收入是多少？", "星河制药2021年营业收入是多少？"]),
    ("晴川片2019-2021年销量的复合增速是多少", "cagr", ["晴川片2019年销量是多少？", "晴川片2021年销量是多少？"]),
    ("星河制药2021年归母净利润比2020年增加了多少？", "difference",
     ["星河制药2021年归母净利润是多少？", "星河制药2020年归母净利润是多少？"]),
    ("从2019年到2021年，晴川片销量增加了多少？", "difference", ["2021年，晴川片销量是多少？", "2019年，晴川片销量是多少？"]),
    ("星河制药2021年营收比2020年增长了百分之几？", "growth", ["星河制药2020年营收是多少？", "星河制药2021年营收是多少？"]),
    ("星河制药2021年营收是2019年的几倍？", "ratio", ["星河制药2021年营收是多少？", "星河制药2019年营收是多少？"]),
    ("星河制药2020年和2021年归母净利润合计是多少？", "total",
     ["星河制药2020年归母净利润是多少？", "星河制药2021年归母净利润是多少？"]),
    ("中国创新药2022年市场规模占全球的比例是多少？", "share",
     ["中国创新药2022年市场规模是多少？", "2022年全球创新药市场规模是多少？"]),
    ("2021年星河制药的营业收入比远山医药多多少？", "difference",
     ["2021年星河制药的营业收入是多少？", "2021年远山医药营业收入是多少？"]),
    ("2022年中国创新药市场规模是2020年我国化学发光市场规模的几倍？", "ratio",  # two subjects, each at its year
     ["2022年中国创新药市场规模是多少？", "2020年我国化学发光市场规模是多少？"]),
    ("What is the CAGR of Xinghe revenue from 2019 to 2021?", "cagr",
     ["What was Xinghe revenue in 2019?", "What was Xinghe revenue in 2021?"]),
])
def test_computation_questions_become_fact_questions_for_each_figure(question, kind, needs):
    spec = detect(question)
    assert spec is not None and spec.kind == kind
    assert [n.question for n in spec.needs] == needs


@pytest.mark.parametrize("question", [
    "星河制药2021年的营业收入是多少？",  # one fact
    "星河制药2021年营收同比增长多少？",  # a growth rate the report states, one year
    "从2022年的3000亿元到2030年的11491亿元，年复合增长率是多少？",  # the question's own figures: the tool router's
    "请总结星河制药的投资要点",
])
def test_other_questions_are_not_computations(question):
    assert detect(question) is None


def test_names_with_digits_are_not_figures_of_the_question():
    assert detect("5G手机2021年出货量比2020年增加了多少？").kind == "difference"
    assert detect("55寸的液晶电视2016年到2020年价格的年均复合增长率是多少？").kind == "cagr"
    # nor are the words of a report's title, or a numeral in words with no unit: 「新三板」, 「前十大」
    spec = detect("据《新三板行业专题报告》，收入前十大甲厂商2017年到2019年营业收入的年均复合增长率是多少？")
    assert spec is not None and spec.kind == "cagr"
    assert [n.question for n in spec.needs] == ["据《新三板行业专题报告》，收入前十大甲厂商2017年营业收入是多少？",
                                               "据《新三板行业专题报告》，收入前十大甲厂商2019年营业收入是多少？"]
    assert detect("某市场从2022年的三千亿元增至2030年的一万亿元，年复合增长率是多少？") is None  # 三千亿元 has a unit


# --- which number a sentence states for a year ----------------------------------------------------------------
@pytest.mark.parametrize("sentence, year, value", [
    ("晴川片销量由2019年的3.2万盒增长至2021年的5.8万盒。", 2019, "3.2万盒"),
    ("晴川片销量由2019年的3.2万盒增长至2021年的5.8万盒。", 2021, "5.8万盒"),
    ("2016-2020年市场规模由310亿元增至525亿元，CAGR为14.1%。", 2016, "310亿元"),
    ("2016-2020年市场规模由310亿元增至525亿元，CAGR为14.1%。", 2020, "525亿元"),
    ("预计2021、2022年分别达到260万人、340万人，2018-2022年CAGR为31%。", 2022, "340万人"),
    ("2020年达到12个，2021为15个，继续增长。", 2021, "15个"),
    ("预计2021年全球出货量将从2020年的9.4亿部下降至8.7亿部左右，降幅达7%。", 2021, "8.7亿部"),
    ("预计2021年出货比2020年下降约2%，出货量预计为3.1亿台。", 2021, "3.1亿台"),
    ("2019年营收同比增长36%至2,040亿元。", 2019, "2,040亿元"),
    ("2021年第三季度收入为5亿元，全年收入为18亿元。", 2021, "18亿元"),  # a quarter's figure is not the year's
])
def test_the_figure_a_sentence_states_for_a_year(sentence, year, value):
    n = value_for_year(sentence, year)
    assert n is not None and n.text == value


@pytest.mark.parametrize("sentence, year, value", [
    # years joined by a slash are a list, and a slashed run of figures shares its last unit
    ("调研数据显示2018年/2019年的正规市场疗程总量分别为2200万次/2500万次。", 2018, "2200万次"),
    ("调研数据显示2018年/2019年的正规市场疗程总量分别为2200万次/2500万次。", 2019, "2500万次"),
    ("预计公司2021/2022/2023年归母净利润为1.28/2.33/3.1亿元。", 2021, "1.28亿元"),
    ("预计公司2021/2022/2023年归母净利润为1.28/2.33/3.1亿元。", 2022, "2.33亿元"),
])
def test_slashed_years_and_figures_pair_up(sentence, year, value):
    n = value_for_year(sentence, year)
    assert n is not None and f"{n.value}{n.unit}" == value


def test_a_parallel_from_to_pair_takes_the_years_of_the_one_before():
    """「单价从2017年…上升到2019年…，销量从8.57万支上升到36.08万支」: 8.57万支 is 2017's 销量, not 2019's."""
    s = "甲产品平均单价从2017年286.83元上升到2019年的354.19元，销量从8.57万支上升到36.08万支。"
    assert [n.text for n in values_for_year(s, 2017, words=("甲产品",), aliases=("销量",)) if "支" in n.text] == ["8.57万支"]
    assert [n.text for n in values_for_year(s, 2019, words=("甲产品",), aliases=("销量",)) if "支" in n.text] == ["36.08万支"]


def test_the_subject_named_in_a_figures_clause_wins():
    s = "2021年我国生产甲剂型820万支，冻干甲剂型12万支。"
    assert value_for_year(s, 2021, words=("我国", "冻干", "甲剂型")).text == "12万支"
    # a unit note in brackets between them (「（2.5g折标）」) is no figure of the year: 14.6万瓶 is still the second
    s2 = "2017年我国批签发甲剂型1065.6万瓶（2.5g折标），冻干甲剂型14.6万瓶（2.5g折标）；2016年我国批签发甲剂型1028万瓶。"
    assert value_for_year(s2, 2017, words=("我国", "冻干", "甲剂型"), aliases=("批签发量", "批签发")).text == "14.6万瓶"
    s = "2022年平板和智能手表出货量预计分别为3.5亿台、0.9亿台。"
    assert value_for_year(s, 2022, words=("智能手表",)).text == "0.9亿台"
    s = "美国市场从2016年的72亿美元增至2020年的95亿美元，而日本市场从2016年的30亿美元增至2020年的41亿美元。"
    assert value_for_year(s, 2020, words=("日本",)).text == "41亿美元"
    assert value_for_year("2019年行业规模达到200亿元。", 2020) is None


# --- whole answers ---------------------------------------------------------------------------------------------
REPORTS = {
    "南岭证券-星河制药（600999）深度报告：创新药放量，业绩高增长-2022-03-18.txt": (
        "星河制药（600999）深度报告：创新药放量，业绩高增长\n"
        "南岭证券研究所 2022年03月18日\n"
        "投资要点\n"
        "公司是国内创新药领域的领先企业，核心产品晴川片持续放量。\n"
        "经营情况\n"
        "2019年公司实现营业收入8.0亿元，2021年营业收入达到12.5亿元，收入规模稳步扩大。\n"
        "公司2020年归母净利润为1.6亿元，2021年归母净利润为2.1亿元，盈利能力持续提升。\n"
        "核心产品晴川片销量由2019年的3.2万盒增长至2021年的5.8万盒，放量明显。\n"
        "晴川片2019年平均售价为180元/盒，2021年降至150元/盒，以价换量效果显著。\n"
        "风险提示\n"
        "集采降价超预期，新药研发进度不及预期。\n"),
    "北岭证券-创新药行业深度：出海加速，龙头受益-2023-05-10.txt": (
        "创新药行业深度：出海加速，龙头受益\n"
        "北岭证券研究所 2023年05月10日\n"
        "行业概况\n"
        "全球创新药市场规模从2018年的8000亿美元增长到2022年的9800亿美元，增长稳健。\n"
        "2018-2022年全球创新药市场规模年复合增长率约为5.2%。\n"
        "2022年中国创新药市场规模为1800亿元，占全球的比重仍然较低。\n"
        "2020年我国化学发光市场规模为300亿元，国产化率不足三成。\n"
        "投资建议\n"
        "关注具备全球竞争力的创新药龙头企业。\n"),
    "东岭证券-体外诊断行业跟踪：化学发光持续扩容-2023-08-02.txt": (
        "体外诊断行业跟踪：化学发光持续扩容\n"
        "东岭证券研究所 2023年08月02日\n"
        "市场空间\n"
        "预计2023年我国化学发光市场规模将达到480亿元，进口替代加速推进。\n"
        "2016-2020年国内化学发光市场规模年复合增长率为25%，增速领先体外诊断行业。\n"
        "风险提示\n"
        "集采政策超预期。\n"),
    "西岭证券-传感器行业专题：甲传感器放量-2023-09-01.txt": (
        "传感器行业专题：甲传感器放量\n"
        "西岭证券研究所 2023年09月01日\n"
        "行业空间\n"
        "2018年全球甲传感器出货量为1.24亿颗，预计2023年全球甲传感器出货量将达到95亿颗。\n"
        "2018-2023年全球甲传感器出货量年复合增长率为16%，其中车载应用增速最快。\n"),
}


@pytest.fixture(scope="module")
def engine(tmp_path_factory, embedder):
    from bot.answer import Engine
    from bot.library import Library

    folder = tmp_path_factory.mktemp("compute-reports")
    for name, text in REPORTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    lib = Library(make_settings(tmp_path_factory.mktemp("compute-data")), embedder=embedder)
    summary = lib.ingest([folder])
    assert summary.added == len(REPORTS) and not summary.failed
    return Engine(lib)


def first_line(ans) -> str:
    return ans.answer.splitlines()[0]


def test_cagr_from_two_cited_figures_of_one_report(engine):
    ans = engine.ask("星河制药2019年到2021年营业收入的年均复合增长率是多少？", mode="extractive")
    assert not ans.refused, ans.answer
    line = first_line(ans)
    # (12.5 / 8.0) ** (1/2) − 1 = 25%, exactly; n = 2021 − 2019 = 2
    assert "25%" in line and "n = 2021 − 2019 = 2年" in line and "[1]" in line, line
    assert {c.source for c in ans.citations} == {next(n for n in REPORTS if "星河" in n)}
    calc = ans.calculations[0]
    assert calc["tool"] == "cagr" and calc["result"] == {"value": "25", "unit": "%"}
    assert calc["inputs"]["start_value"]["value"] == "8" and calc["inputs"]["end_value"]["value"] == "12.5"
    assert calc["inputs"]["start_value"]["source"] == "report" and calc["inputs"]["start_value"]["citation"] == 1
    assert "计算：" in ans.answer and "输入：" in ans.answer and "12.5亿元[1]" in ans.answer
    for c in ans.citations:  # verbatim quotes
        assert c.quote in engine.library.report_text(engine.library.reports_by_id()[c.doc_id])


def test_difference_in_the_figures_unit_with_both_inputs_cited(engine):
    ans = engine.ask("星河制药2021年归母净利润比2020年增加了多少？", mode="extractive")
    line = first_line(ans)
    assert not ans.refused and "增加了0.5亿元" in line and "2.1亿元 − 1.6亿元" in line, ans.answer
    assert ans.calculations[0]["result"] == {"value": "0.5", "unit": "亿元"}
    ans = engine.ask("晴川片2021年平均售价比2019年增加了多少？", mode="extractive")
    line = first_line(ans)
    assert "减少了30元/盒" in line and "150元/盒 − 180元/盒 = -30元/盒" in line, ans.answer  # a fall, said as one
    ans = engine.ask("晴川片2021年销量比2019年增加了多少？", mode="extractive")
    assert "增加了2.6万盒" in first_line(ans), ans.answer


def test_growth_ratio_and_total(engine):
    ans = engine.ask("全球创新药2022年市场规模比2018年增长了百分之几？", mode="extractive")
    assert "22.5%" in first_line(ans) and ans.calculations[0]["tool"] == "growth", ans.answer
    ans = engine.ask("星河制药2021年营业收入是2019年的几倍？", mode="extractive")
    assert "1.5625倍" in first_line(ans) or "约1.56倍" in first_line(ans), ans.answer
    ans = engine.ask("星河制药2020年和2021年归母净利润合计是多少？", mode="extractive")
    assert "3.7亿元" in first_line(ans) and ans.calculations[0]["tool"] == "total", ans.answer


def test_a_ratio_of_two_subjects_at_two_years_names_its_inputs_as_the_question_does(engine):
    """「2022年A是2020年B的几倍」 took B to be A (the template of one subject at two years) and refused."""
    ans = engine.ask("2022年中国创新药市场规模是2020年我国化学发光市场规模的几倍？", mode="extractive")
    assert not ans.refused and "6倍" in first_line(ans), ans.answer
    assert "输入：2022年中国创新药市场规模 1800亿元[1]；2020年我国化学发光市场规模 300亿元[2]" in ans.answer, ans.answer


def test_a_rounded_result_is_shown_with_its_sign_not_a_note_on_digits():
    from bot.answer.numeric import describe
    from bot.tools.formulas import INEXACT_NOTE

    shown = describe([{"formula": "1 ÷ 3 = ≈0.3333", "inputs": {}, "note": INEXACT_NOTE}], zh=True)
    assert shown == "计算：1 ÷ 3 ≈0.3333"


def test_figures_of_two_reports_are_never_combined(engine):
    # 2020 is in one report, 2023 in another: no CAGR from the two
    ans = engine.ask("我国化学发光2020年到2023年市场规模的年均复合增长率是多少？", mode="extractive")
    assert ans.refused and not ans.calculations, ans.answer
    assert "无法计算" in ans.answer and "同一份报告" in ans.answer
    assert "2023年市场规模" in ans.answer or "2020年市场规模" in ans.answer  # which one is missing is named
    assert len({c.doc_id for c in ans.citations}) <= 1


def test_a_rate_a_report_states_answers_when_its_figures_are_not_in_one_report(engine):
    """No report gives both 2016 and 2020 figures, but one states the 2016-2020 CAGR itself: that is the answer
    (cited); a stated rate of another span (2016-2020 for 2020 to 2023) is not (above)."""
    ans = engine.ask("我国化学发光2016年到2020年市场规模的年均复合增长率是多少？", mode="extractive")
    assert not ans.refused and "25%" in first_line(ans) and not ans.calculations, ans.answer
    assert {c.doc_id for c in ans.citations} and all("2016-2020年" in c.quote for c in ans.citations[:1])


def test_figures_in_two_currencies_are_not_compared(engine):
    ans = engine.ask("中国创新药2022年市场规模占全球的比例是多少？", mode="extractive")
    assert ans.refused and not ans.calculations, ans.answer
    assert "%" not in first_line(ans)


def test_a_figure_no_report_states_is_not_made_up(engine):
    ans = engine.ask("星河制药2015年到2021年营业收入的年均复合增长率是多少？", mode="extractive")
    assert ans.refused and "2015" in ans.answer and not ans.calculations, ans.answer


def test_fact_questions_still_answered_as_facts(engine):
    ans = engine.ask("星河制药2021年的营业收入是多少？", mode="extractive")
    assert not ans.refused and "12.5亿元" in first_line(ans) and not ans.calculations


def test_english_computation_questions(engine):
    ans = engine.ask("What is the CAGR of Xinghe revenue from 2019 to 2021?", mode="extractive")
    line = first_line(ans)
    assert not ans.refused and "25%" in line and "n = 2021 − 2019 = 2 years" in line, ans.answer
    assert "营业收入" in ans.citations[0].quote  # revenue, not the product's sales volume


def test_the_rate_a_report_states_is_shown_next_to_the_computed_one(engine):
    ans = engine.ask("全球创新药2018年到2022年市场规模的年均复合增长率是多少？", mode="extractive")
    line = first_line(ans)
    # (9800 / 8000) ** (1/4) − 1 = 5.2049…%
    assert "约为5.20%" in line and "报告给出的数字为5.2%" in line, ans.answer
    assert len({c.doc_id for c in ans.citations}) == 1


def test_a_stated_rate_is_quoted_when_one_report_does_not_give_both_figures(engine):
    ans = engine.ask("国内化学发光2016年到2020年市场规模的年均复合增长率是多少？", mode="extractive")
    assert not ans.refused and not ans.calculations and "25%" in first_line(ans), ans.answer
    assert ans.citations[0].source.startswith("东岭证券") and any("两个数据" in n for n in ans.notes)


def test_a_count_indicator_takes_no_money_and_a_price_no_count():
    """销量 is not stated in 元 (a price beside it is no sales volume) unless the sentence says 销量 before the
    money figure (「销量从23亿元升至30.7亿元」: reports do write that); a price is not a count; a bare magnitude
    (「43万」) is no money."""
    from bot.answer.compute import fits_indicator
    from bot.tools.numbers import find_numbers

    def fits(text: str, figure: str, indicator: str) -> bool:
        n = next(n for n in find_numbers(text) if n.text.startswith(figure))
        return fits_indicator(text, n, indicator)

    price_first = "平均单价从2017年286.83元上升到2019年的354.19元，销量从8.57万支上升到36.08万支"
    assert not fits(price_first, "286.83", "销量") and fits(price_first, "8.57", "销量")
    assert fits("家用器械的销量从2015年的23亿元升至2016年的30.7亿元", "23", "销量")
    # 销量 named in the clause before, not this figure's: a price (「销量从3.47万支…；经销模式下甲从2017年的280.44元…」)
    two = "直销模式下甲销量从3.47万支上升到32.72万支；经销模式下甲从2017年的280.44元上升到2019年的269.03元"
    assert not fits(two, "280.44", "销量") and fits(two, "3.47", "销量")
    assert not fits("甲的销量增长，均价从2017年的280.44元上升到300元", "280.44", "销量")
    assert fits("8K电视2019年销量为43万", "43", "销量")
    assert not fits("2019年出厂量为120万支", "120", "出厂价格") and fits("2019年出厂价为120元/支", "120", "出厂价格")
    assert fits("2019年市场规模为610万台", "610", "市场规模")


def test_a_stated_rate_leads_when_the_reports_own_figures_give_another(engine):
    """(95 ÷ 1.24)^(1/5) − 1 ≈ 138% is not the 16% the report states: the figures picked may be of another scope, so
    the stated rate leads, cited, and the recomputation follows, cited and flagged."""
    ans = engine.ask("全球甲传感器2018年到2023年出货量的年均复合增长率是多少？", mode="extractive")
    lines = ans.answer.splitlines()
    assert "16%" in lines[0] and "[1]" in lines[0] and "138" not in lines[0], ans.answer
    assert "16%" in ans.citations[0].quote
    assert "重算" in lines[1] and "138.16%" in lines[1] and "不一致" in lines[1], ans.answer
    assert ans.calculations and ans.calculations[0]["inputs"]["start_value"]["citation"] == 2


@pytest.mark.parametrize("sentence, years, rate", [
    # each rate belongs to the words since the one before it: the span asked, not the first rate of the sentence
    ("2013年全球乙芯片出货量仅为26亿颗，2013-2018年保持16%复合增长率，2023年有望突破95亿颗，"
     "2018-2023年全球乙芯片出货量年复合增长率达到11.7%。", (2018, 2023), "11.7%"),
    ("2011-2018年全球丙器械市场规模由3529亿美元增长至4337亿美元，CAGR为3.0%，预计2024年将上升至5945亿美元，"
     "CAGR为5.4%。", (2018, 2024), "5.4%"),
    ("丙家电市场规模从2014年的162亿美元增至2018年的237亿美元，年复合增长率为10%，预计2018年到2023年复合增长率为11.6%。",
     (2018, 2023), "11.6%"),
    # the only rate is of another span: no stated rate (the recomputation answers)
    ("2015年到2019年，丁市场规模从3,080亿元增长至6,235亿元，期间4年复合增长率为19.3%，到2024年预计将达到12,295亿元。",
     (2019, 2024), None),
    # a range is one rate, its high end no negative rate
    ("预计2020年全球戊测序市场规模超过120亿美元，年复合增长率达到17-19%。", (2016, 2020), "17-19%"),
    ("2019-2024年己市场CAGR为17.3%。", (2019, 2024), "17.3%"),
])
def test_the_rate_stated_for_the_span_asked(sentence, years, rate):
    from bot.answer.compute import _CAGR, _stated_rate

    assert _stated_rate(sentence, _CAGR, years) == rate


def test_a_stated_range_agrees_with_a_recomputation_inside_it():
    from types import SimpleNamespace

    from bot.answer.compute import _agrees

    calc = lambda v: SimpleNamespace(result=SimpleNamespace(value=Decimal(v)))  # noqa: E731
    stated = SimpleNamespace(rate="17-19%")
    assert _agrees(stated, calc("18.92")) and not _agrees(stated, calc("-19")) and not _agrees(stated, calc("25"))
    assert _agrees(SimpleNamespace(rate="-5%"), calc("-5.3")) and not _agrees(SimpleNamespace(rate="-5%"), calc("5"))


def test_a_pair_stated_in_one_sentence_wins_when_its_later_figure_is_stated_twice():
    """「2018年中国乙品市场规模达1028亿元，2022年预计可达2197亿元」 states the pair; another sentence states 2197 with
    its subject named, and other markets' 2018 figures (甲品 64.6亿元, stated twice) rank above 1028. The figure stated
    twice counts as its clearer statement, a figure stated twice takes one of the candidate places: the pair of one
    sentence wins, not 甲品's 2018 figure with 乙品's 2022 one."""
    from bot.answer.compute import Found, choose
    from bot.tools.numbers import find_numbers
    from bot.types import Chunk, Hit, ReportMeta

    spec = detect("中国2018年到2022年市场规模的年均复合增长率是多少？")
    hit = Hit(chunk=Chunk(chunk_id="d-0", doc_id="d", text="", start=0, end=0),
              report=ReportMeta(doc_id="d", title="医美专题", source="医美专题.txt"), score=1.0)

    text = ""  # the report: each sentence once, in turn

    def found(i, sentence, figure, score):
        nonlocal text
        if sentence not in text:
            text += sentence
        n = next(n for n in find_numbers(sentence) if n.text == figure)
        start = text.index(sentence)
        return Found(spec.needs[i], hit, sentence, start, start + len(sentence), n, score)

    a = "2018年中国甲品市场规模64.6亿元，潜在市场规模达400亿。"
    a2 = "据统计，2018年中国甲品市场规模64.6亿元，十年复合增长率15.5%。"
    b = "整理2018年中国丙品市场规模：1448亿。"
    b2 = "2018年中国丙品市场规模达1448亿元。"
    pair = "2018年中国乙品市场规模达1028亿元，2022年预计可达2197亿元。"
    named = "以2018年乙品占比测算，2022年中国乙品市场规模可达2197亿元。"
    start = [found(0, a, "64.6亿元", 8.25), found(0, b, "1448亿", 8.2), found(0, a2, "64.6亿元", 8.18),
             found(0, b2, "1448亿元", 8.16), found(0, pair, "1028亿元", 8.15)]
    end = [found(1, named, "2197亿元", 8.4), found(1, pair, "2197亿元", 6.7)]
    figs, calc, _ = choose(spec, [start, end])
    assert [f.number.text for f in figs] == ["1028亿元", "2197亿元"] and figs[1].text == pair
    assert str(calc.result.value).startswith("20.9")
