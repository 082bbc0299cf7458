"""Estimates of any report, end to end: found at ingest, kept with the report, rebuilt, reconciled and varied in
answers. The fixture report is made up (broker, companies and figures invented) and shaped like PDF text."""
from __future__ import annotations

import json
import re
from decimal import Decimal
import shutil

import pytest

from support import ROOT, estimates_by_result, make_settings

FIXTURE = ROOT / "tests" / "fixtures" / "estimates"


@pytest.fixture(scope="module")
def sized(tmp_path_factory, embedder):
    from bot.answer import Engine
    from bot.library import Library

    folder = tmp_path_factory.mktemp("estimates")
    for src in FIXTURE.iterdir():
        shutil.copy(src, folder / src.name)
    lib = Library(make_settings(tmp_path_factory.mktemp("estimates-data")), embedder=embedder)
    summary = lib.ingest([folder])
    assert summary.failed == []
    return lib, Engine(lib)


def _by_result(lib, text):
    [r] = lib.sources()
    return next(d for d in lib.estimates([r.doc_id]) if d.result.text.startswith(text))


def test_estimates_are_found_at_ingest_with_their_inputs_and_chunks(sized):
    lib, _ = sized
    [r] = lib.sources()
    found = {d.result.text: d for d in lib.estimates([r.doc_id])}
    assert set(found) == {"60亿元", "90亿元", "120亿元"}  # not the 2亿元 of 「同比增长20%，对应…」: a change is no share
    cleaning = found["60亿元"]
    assert cleaning.operation == "quantity_x_price"
    assert [t.text for t in cleaning.inputs] == ["1.5万台", "40万元"]
    assert found["120亿元"].operation == "product_of_sum" and len(found["120亿元"].summed) == 2
    chunks = lib.store.get_chunks([t.chunk_id for d in found.values() for t in (d.result, *d.inputs)])
    for d in found.values():
        for t in (d.result, *d.inputs):
            assert t.quote in chunks[t.chunk_id].text  # every quote is cited from a chunk that holds it


def test_rebuild_verdicts(sized):
    from bot.tools.rebuild import rebuild

    lib, _ = sized
    assert rebuild(_by_result(lib, "60亿元")).verdict == "agrees"
    assert rebuild(_by_result(lib, "120亿元")).verdict == "agrees"
    differs = rebuild(_by_result(lib, "90亿元"))
    assert differs.verdict == "differs"  # 800亿 × 30% × 25–45%: mid 84亿, not 90亿
    assert "84亿元" in differs.message
    implied = {k: v for k, v in differs.implied.items() if "渗透率" in k}
    assert [str(v.value) for v in implied.values()] == ["37.5"]


def test_size_question_leads_with_the_stated_figure_and_its_check(sized):
    _, engine = sized
    ans = engine.ask("2025年内镜清洗设备市场空间有多大？")
    first = ans.answer.splitlines()[0]
    assert "60亿元" in first and "一致" in first and "[1]" in first
    [r] = sized[0].sources()  # the lead says which report estimates it, as a fact answer's lead does
    assert first.startswith(f"据{r.broker}《{r.title}》") and "估算为60亿元[1]" in first, first
    assert "1.5万台" in ans.answer and "40万元" in ans.answer
    assert ans.citations and all(c.quote in ans.answer for c in ans.citations)


def test_an_estimate_for_another_year_does_not_answer_a_fact_question(sized):
    """No sentence gives the market for 2023–2024; the 2025 estimate is not shown in its place (the question's years
    are short, 23-24年, which the router does not read) — for 25年 it is."""
    _, engine = sized
    assert engine.ask("内镜清洗设备23-24年的市场空间是多少？", mode="extractive").refused
    ans = engine.ask("内镜清洗设备25年的市场空间是多少？", mode="extractive")
    assert not ans.refused and "60亿元" in ans.answer.splitlines()[0]


def test_check_question_gives_the_implied_input(sized):
    _, engine = sized
    ans = engine.ask("国产玻尿酸市场空间90亿元是怎么算出来的？")
    assert "不一致" in ans.answer.splitlines()[0]
    assert "37.5%" in ans.answer and "84亿元" in ans.answer
    assert ans.answer.count("不一致") == 1  # the verdict is said once, in the lead, not again under the formula
    assert "有效数字" not in ans.answer  # the formula's ≈ says a figure is rounded; no note on 28 digits


def test_an_english_check_reads_in_english_but_for_the_reports_words(sized):
    _, engine = sized
    ans = engine.ask("Does the 90亿元 of 国产玻尿酸 follow from the report's inputs?")
    assert ans.answer.startswith("According to") and "Does not agree" in ans.answer.splitlines()[0]
    notes = [line for line in ans.answer.splitlines() if line.startswith(("Note: ", "Inputs: "))]
    assert notes and not any(w in line for line in notes for w in ("所需的", "其余输入", "不一致", "报告所述结果")), notes


@pytest.mark.parametrize("question, result", [
    ("如果单台均价为50万元，内镜清洗设备市场空间有多大？", "75亿元"),
    ("假设国产品牌渗透率提高到50%，国产玻尿酸市场空间是多少？", "120亿元"),
    ("If the unit price is 50万元, how big is the market for 内镜清洗设备?", "75亿元"),
])
def test_what_if_by_the_inputs_own_name(sized, question, result):
    _, engine = sized
    ans = engine.ask(question)
    first = ans.answer.splitlines()[0]
    assert result in first, ans.answer
    assert "用户假设" in ans.answer or "your assumption" in ans.answer


def test_a_store_written_before_estimates_gets_them_on_first_use(sized):
    lib, _ = sized
    [r] = lib.sources()
    doc = json.loads(lib.store.report_figures([r.doc_id])[r.doc_id])
    assert len(doc["estimates"]) == 3  # ingest stores them with the figures
    lib.store.put_facts([r.doc_id], [json.dumps(doc["figures"], ensure_ascii=False)])  # the old format: a list
    lib._invalidate()
    assert len(lib.estimates([r.doc_id])) == 3  # found again from the text, in memory
    assert lib.figures([r.doc_id])


# --- detection rules, each on a short made-up passage ---------------------------------------------------------


def test_a_bare_list_of_results_is_no_breakdown():
    # the second item of 「约为10.50、8.75元/部」 is a result of its own, not an item of a 其中 breakdown
    found = estimates_by_result("根据行业数据，假设汇率为1美元=7人民币，该部件单价约为2.5×7=17.5元/部。在需求快速提升的背景下，我们预计全年"
                   "单价将保持在17.5元/部的水平。随着供应商纷纷扩产，我们预计2024、2025年该部件单价将分别下降至1.5、1.25美元/部，"
                   "约为10.50、8.75元/部。")
    assert [t.text for t in found["8.75元/部"].inputs] == ["7", "1.25美元/部"]


def test_a_value_taken_as_given_makes_a_small_amount_in_yi_a_result():
    d = estimates_by_result("全国老年人口约3亿，取60%患病率，预估患者达2亿。")["2亿"]
    assert [t.text for t in d.inputs] == ["3亿", "60%"]


def test_a_basis_clause_around_the_number_is_an_assumption():
    # 「按…40%的假设，得到…」: the assumption word follows the number; the stated 190万 differs from 500万 × 40%
    d = estimates_by_result("全国患者约500万人，按成人患者占全部患者40%的假设，得到成人患者为190万人。")["190万人"]
    assert [t.text for t in d.inputs] == ["500万人", "40%"]


def test_a_bare_yi_after_a_market_word_is_money():
    d = estimates_by_result("预计到2025年，行业市场规模将近500亿。按照行业人士分析，物流占其规模7%的比例计算，物流市场规模约34亿元左右。")["34亿元"]
    assert [t.text for t in d.inputs] == ["500亿", "7%"]


_TABLE = ("图表9：全球扫地机器人电机市场规模预测2022202320242025全球扫地机器人出货量（百万台）20.0022.0024.0026.00"
          "单机电机价值（元/台）60.0070.0082.5097.31电机市场规模（亿元）12.0015.4019.8025.30资料来源：某证券研究所")


def test_figures_stated_beside_the_table_that_derives_them():
    from bot.tools.rebuild import rebuild

    found = estimates_by_result("基于上述假设，我们测算得2022年全球扫地机器人电机的市场规模为12.00亿元，预测2023-2025年市场规模分别为"
                   "15.40、19.80、25.30亿元。" + _TABLE)
    assert set(found) == {"12.00亿元", "15.40", "19.80", "25.30亿元"}
    d = found["19.80"]  # the 2024 column: 24.00百万台 × 82.50元/台
    assert d.operation == "quantity_x_price" and [(t.text, t.unit) for t in d.inputs] == [("24.00", "百万台"), ("82.50", "元/台")]
    assert [t.period for t in d.inputs] == ["2024年", "2024年"] and d.inputs[0].quote.startswith("全球扫地机器人出货量")
    assert rebuild(d).verdict == "agrees"


def test_a_table_does_not_make_an_expected_or_assumed_figure_derived():
    # shipments = market ÷ value per unit holds in every column, but the text quotes the shipments as expected,
    # and assumes the value per unit: neither is a figure it works out
    found = estimates_by_result("据行业数据预计，2023-2025年全球出货量分别为22.00、24.00、26.00百万台。假设2023-2025年单机电机价值为70.00、"
                   "82.50、97.31元/台。" + _TABLE)
    assert found == {}


def test_a_table_row_of_one_decimal_place_more_is_read_whole():
    # 「0.0040.0040.004」 then a name that starts with letters: three cells of three decimals, nothing left over
    found = estimates_by_result("根据测算2020~2022年A市场将新增19亿元、19亿元和31亿元空间。图表5：A市场空间测算202020212022车辆销量（百万台）"
                   "73.675.978.3渗透率32%32%35%雷达个数（个/车）557单位面积（平方米/个）0.0040.0040.004PCB价格（元/平方米）"
                   "400040004000市场规模（亿元）191931来源：某研究所")
    assert set(found) == {"19亿元", "31亿元"}
    assert [t.text for t in found["31亿元"].inputs] == ["78.3", "35%", "7", "0.004", "4000"]


def test_a_share_after_then_is_worked_out():
    d = estimates_by_result("目前美国的手术量维持在60万例/年。2015年美国总人口为3.2亿人，则近视人口约9600万人，近视患者接受手术率为0.6%。")["0.6%"]
    assert d.operation == "ratio" and [t.text for t in d.inputs] == ["60万例/年", "9600万人"]


def test_a_total_of_the_figures_before_it():
    # 「以上合计」: the amounts of the total's kind in the sentences before, not 以 as a basis
    d = estimates_by_result("按照病床周转次数为15次，每位病患有一名陪护测算，则上半年约需要消耗检测试剂约1.84亿人份。我国卫生人员约为1,293万人，"
               "预计年底达到1,350万人，假设上半年每人进行过一次检测，则需消耗检测试剂1,350万人份。以上合计预计消耗约1.98亿人份。")["1.98亿人份"]
    assert d.operation == "product_of_sum" and [t.text for t in d.inputs] == ["1.84亿人份", "1,350万人份"]


def test_a_target_price_from_one_years_eps_times_the_multiple():
    from bot.tools.rebuild import rebuild

    d = estimates_by_result("我们预计公司2021-2023年每股收益分别为0.38、0.51、0.58元，给予公司2022年36~39倍预期PE，目标价18.36~19.89元。")[
        "18.36~19.89元"]
    assert [(t.value, t.high) for t in d.inputs] == [(Decimal("0.51"), None), (Decimal(36), Decimal(39))]
    assert rebuild(d).verdict == "agrees"


def test_a_unit_price_is_money_over_a_count_of_its_sentence():
    d = estimates_by_result("根据公司年报，2019年公司平板类电池营收为12亿元、销量为0.08亿台，平板电池单价约为150元，据此估算市场规模。")["150元"]
    assert d.operation == "ratio" and [t.text for t in d.inputs] == ["12亿元", "0.08亿台"]


def test_a_whole_is_a_part_over_its_share_end_by_end():
    from bot.tools.rebuild import rebuild

    d = estimates_by_result("以公司营收为基础，公司营收约为16.2亿元，市场占比约为20-30%，推测国内市场规模约为54-81亿元。")["54-81亿元"]
    assert d.operation == "ratio" and [t.text for t in d.inputs] == ["16.2亿元", "20-30%"]
    assert rebuild(d).verdict == "agrees"  # 16.2 ÷ 30% to 16.2 ÷ 20%


def test_a_bare_count_in_millions_is_no_money_to_divide_or_multiply():
    # 「1428百万」 people ÷ a growth rate is 142.8亿 by chance; it is no amount of money
    assert estimates_by_result("预计2025年总共人口达到1400百万。增长率保守按照10%每年计算，则市场规模达140亿元。") == {}


def test_a_multiple_of_a_base_is_a_factor_and_the_product_no_quantity_times_price():
    d = estimates_by_result("对应样本医院存量销售规模约188亿元，按照3.5的倍数计算，对应实际市场规模约658亿元。")["658亿元"]
    assert [t.text for t in d.inputs] == ["188亿元", "3.5"] and d.operation == "product"
    assert estimates_by_result("公司收入较上年增长了2倍，达到300亿元，利润为100亿元。") == {}  # 增长了2倍 is a change


def test_a_rate_per_ten_thousand_is_no_result_and_a_forecast_no_whole_of_a_share():
    assert estimates_by_result("假设患者约2,060例，其中10%需要治疗，价格按500元/支计算，则急性中毒的发病率为69.2/10万。") == {}
    # 「预计…超3000亿元」 beside a past share is a forecast: no 2000亿 ÷ 67% without a word that works it out
    assert estimates_by_result("2019年占比67%。预计2023年非手术类市场规模将超2000亿元。假设：预计2023年行业市场规模有望超3000亿元。") == {}


_SEGMENTS = ("图表3：某部件市场规模预测202220232024A类设备出货量（百万台）100.0080.0060.00A类单机价值（元/台）2.002.002.00"
             "A类市场规模（亿元）2.001.601.20B类设备出货量（百万台）10.0040.0080.00B类单机价值（元/台）5.004.504.00"
             "B类市场规模（亿元）0.501.803.20部件市场规模（亿元）2.503.404.41资料来源：某研究所")


def test_a_table_total_of_segment_products_is_a_sum_of_products():
    from bot.tools.estimates import Derivation
    from bot.tools.rebuild import input_names, rebuild

    found = estimates_by_result("基于上述假设，我们测算得2022-2024年部件市场规模分别为2.50、3.40、4.41亿元。" + _SEGMENTS)
    d = found["4.41亿元"]  # 60 × 2 + 80 × 4 = 440百万元, not the 441 stated
    assert d.operation == "product_of_sum" and d.terms == ((0, 1), (2, 3))
    assert [t.text for t in d.inputs] == ["60.00", "2.00", "80.00", "4.00"]
    assert rebuild(Derivation.from_dict(d.to_dict())).verdict == "differs"
    implied = rebuild(d).implied
    assert str(implied[input_names(d)[3]].value) == "4.0125"  # (441 − 120) ÷ 80
    assert rebuild(found["3.40"]).verdict == "agrees"  # 80 × 2 + 40 × 4.5
    # a what-if on one segment's shipments moves only its term: 120 × 2 + 80 × 4 = 560百万元
    assert rebuild(d, overrides={input_names(d)[0]: "120百万台"}).calculation.result.value == Decimal("5.6")


def test_a_written_quotient_of_a_range_comes_to_a_range_of_shares():
    from bot.tools.rebuild import rebuild

    d = estimates_by_result("据测算新增需求约为12~18万盒。去年全年销量为240万盒，因此需求弹性约为（12~18）/240*100%=5%~8%。")["5%~8%"]
    assert d.operation == "ratio" and [(t.text, t.unit) for t in d.inputs] == [("12~18万盒", "万盒"), ("240万盒", "万盒")]
    assert rebuild(d).verdict == "rounding"  # 5% to 7.5%, written 5%~8%


def test_a_written_product_with_a_discount_is_rebuilt_with_one_minus_the_share():
    from bot.tools.estimates import Derivation
    from bot.tools.rebuild import input_names, rebuild

    d = estimates_by_result("该膜材料用量约为0.02平米/部，价格比现有材料低20%；现有材料均价约为150元/平米，通过150×(1-20%)×0.02计算可得"
               "新材料单机价值为2.40元/部。")["2.40元/部"]
    assert [t.text for t in d.inputs] == ["150元/平米", "20%", "0.02平米/部"] and d.complements == (1,)
    assert rebuild(Derivation.from_dict(d.to_dict())).verdict == "agrees"
    assert rebuild(d, overrides={input_names(d)[1]: "50%"}).calculation.result.value == Decimal("1.5")


def test_written_arithmetic_that_does_not_come_to_its_result_is_no_estimate():
    assert estimates_by_result("收入合计为40+25=90亿元。") == {}


def test_an_answer_names_every_segment_and_shows_no_placeholder(sized):
    # 「华东和华南地区终端销售额分别为120亿元和80亿元」: the second segment has no words of its own
    _, engine = sized
    ans = engine.ask("出厂口径市场规模合计是怎么算出来的？")
    assert "120亿元" in ans.answer.splitlines()[0], ans.answer
    assert "（第2项）" in ans.answer and "80亿元" in ans.answer
    assert not re.search(r"输入\d", ans.answer), ans.answer


def test_the_detector_digest_covers_every_tools_module_detection_imports():
    """Stored estimates are detected again when the detector changes: every bot.tools module the detection code
    imports (directly or through another) is in the digest, so a rule added in a new module refreshes them too."""
    import re as _re

    from bot.ingest.facts import DETECTOR_MODULES
    from support import ROOT

    tools = ROOT / "bot" / "tools"
    seen, todo = set(), ["estimates.py"]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        todo += [m + ".py" for m in _re.findall(r"from bot\.tools\.(\w+) import", (tools / name).read_text("utf-8"))]
    assert seen <= set(DETECTOR_MODULES), seen - set(DETECTOR_MODULES)
