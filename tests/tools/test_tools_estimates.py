"""Estimate detection on passages worded as research reports word them (made up: no real report's text)."""
from decimal import Decimal

import pytest

from bot.errors import ToolError
from bot.tools.estimates import Derivation, detect_estimates
from bot.tools.rebuild import input_names, rebuild
from bot.tools.units import Quantity

from support import estimates_by_result


def only(text):
    found = detect_estimates(text, "doc")
    assert len(found) == 1, [(d.result.text, [t.text for t in d.inputs]) for d in found]
    return found[0]


def test_seed_estimates_are_found_like_any_other(corpus_estimates):
    by_result = {d.result.text: d for d in corpus_estimates}
    short = by_result["80亿元"]
    assert short.operation == "product" and [t.text for t in short.inputs] == ["3000亿元", "10%", "5%-35%"]
    r = rebuild(short)
    assert r.verdict == "differs" and r.implied[input_names(short)[0]] == Quantity("4000", "亿元")
    assert "2022年" in r.message and "2025年" in r.message  # the base is an earlier year than the result
    reg = by_result["575亿元至1149亿元"]
    assert [t.text for t in reg.inputs] == ["11491亿元", "5%-10%"]  # the assumption, not the look-alike 安全投入 range
    assert rebuild(reg).verdict == "rounding"


def test_intermediate_results_are_reconciled_too():
    # 「1.3%比例即520万人」: the stated intermediate is checked, and so is what is built on it
    text = ("我国25-45岁城镇女性约4亿人，按照1.3%的渗透率测算，即520万人；假设人均年消费1万元，"
            "则对应市场规模为520亿元。")
    found = detect_estimates(text, "doc")
    assert [d.result.text for d in found] == ["520万人", "520亿元"]
    assert [rebuild(d).verdict for d in found] == ["agrees", "agrees"]
    assert [t.text for t in found[1].inputs] == ["520万人", "1万元"]


def test_quantity_times_unit_price_and_units_kept():
    d = only("预计2025年国内新增装机约1.5万台，按单台均价40万元测算，对应市场空间约60亿元。")
    assert d.operation == "quantity_x_price" and rebuild(d).verdict == "agrees"
    assert [t.unit for t in d.inputs] == ["万台", "万元"]


def test_sum_of_segments_times_a_share():
    d = only("2022年A区和B区终端销售额分别为120亿元和80亿元，按照出厂价为终端价格60%测算，出厂口径市场规模合计约120亿元。")
    assert d.operation == "product_of_sum" and rebuild(d).verdict == "agrees"
    assert "(120亿元 + 80亿元) × 60%" in rebuild(d).calculation.formula


def test_share_and_quotient():
    share = only("2019年批签发量约1137万支，疫情带来的需求约为50万支，按此计算，对应占比约4.4%。")
    assert share.operation == "ratio" and rebuild(share).verdict == "rounding"
    q = only("国产批签发约2069万瓶，若收率为0.28万瓶/吨，则对应所需的投浆量为7389吨。")
    assert q.operation == "ratio" and rebuild(q).verdict == "rounding"


def test_an_assumed_passage_whose_result_does_not_follow_is_kept_and_explained():
    d = only("2023年国内医美注射市场规模约为800亿元。假设玻尿酸产品占比为30%，国产品牌渗透率为25%-45%，"
             "则2026年国产玻尿酸市场空间中值约为90亿元。")
    r = rebuild(d)
    assert r.verdict == "differs" and "84亿元" in r.message
    assert [str(v.value) for k, v in r.implied.items() if "渗透率" in k] == ["37.5"]


@pytest.mark.parametrize("text", [
    "公司2022年营业收入10亿元，同比增长20%，对应归母净利润2亿元。",  # a change is not a share
    "营业收入 120 150 180 210 同比 25% 20% 17% 净利润 12 15 18 21",  # a flattened table
    "第3部分介绍了5G手机出货量2亿部，4K电视出货量1亿台。",  # no derivation
    "假设Airpods电池单价为17美元，2020年出货量为0.9亿部，对应电池市场达15.3亿元。",  # dollars never make yuan
])
def test_not_estimates(text):
    assert detect_estimates(text, "doc") == []


def test_round_trip_and_bad_overrides():
    d = only("预计2025年国内新增装机约1.5万台，按单台均价40万元测算，对应市场空间约60亿元。")
    assert Derivation.from_dict(d.to_dict()) == d
    price = input_names(d)[1]
    assert rebuild(d, {price: "50万元"}).calculation.result == Quantity("75", "亿元")
    with pytest.raises(ToolError, match="单位"):
        rebuild(d, {price: "50万台"})
    with pytest.raises(ToolError, match="负"):
        rebuild(d, {input_names(d)[0]: "-1万台"})
    assert Decimal(60) == d.result.value


def test_a_what_if_on_an_intermediate_carries_through():
    from bot.tools.route import plan

    text = ("我国25-45岁城镇女性约4亿人，按照1.3%的渗透率测算，即520万人；假设人均年消费1万元，"
            "则对应市场规模为520亿元。")
    calcs = plan("如果渗透率为2%，市场规模有多大？", [], detect_estimates(text, "doc"))
    assert calcs[0].result == Quantity("800", "亿元")  # 4亿人 × 2% = 800万人, × 1万元
    assert calcs[1].result == Quantity("800", "万人") and calcs[-1].result == Quantity("520", "亿元")
    assert [v.source for v in calcs[0].inputs.values()] == ["user", "report"]


def test_listed_results_take_their_inputs_item_by_item():
    # one result per product, each from the quantity and the price in the same place of their lists
    text = ("2023年甲、乙、丙三种试剂的销量分别为1200万、500万和100万盒。若按照平均价格150元、240元和300元测算，"
            "则三种试剂的市场规模分别为18亿、12亿和3亿元。")
    found = detect_estimates(text, "doc")
    assert [(d.result.text, [t.text for t in d.inputs]) for d in found] == [
        ("18亿", ["1200万", "150元"]), ("12亿", ["500万", "240元"]), ("3亿元", ["100万盒", "300元"])]
    assert all(rebuild(d).verdict == "agrees" for d in found)


def test_a_rough_result_may_round_further_but_counts_of_one_kind_never_multiply():
    d = only("2022年某疫苗批签发约1137万支，平均中标价600元，对应市场规模近70亿。")  # 68.2亿: no assumption word
    assert [t.text for t in d.inputs] == ["1137万支", "600元"] and rebuild(d).verdict != "agrees"
    assert detect_estimates("行业共有21家企业，其中3家已上市，对应市场中近60款产品。", "doc") == []


def test_a_figure_said_again_is_one_estimate():
    text = ("某部件均价约为1.75美元/部，按汇率7测算，约为1.75×7=12.25元/部，"
            "我们预计全年均价将保持在12.25元/部的水平。")
    assert [d.result.text for d in detect_estimates(text, "doc")] == ["12.25元/部"]


def test_a_listed_result_is_for_its_own_year():
    text = ("随着无线耳机渗透率持续提升，我们预计2020~2022年该类耳机全球出货量将增至0.9、1.15、1.4亿部。"
            "假设其电池单价为100元，对应2020~2022年该类耳机电池市场规模将达90、115、140亿元。")
    found = detect_estimates(text, "doc")
    assert [(d.result.text, d.result.period, [t.text for t in d.inputs]) for d in found] == [
        ("90", "2020年", ["0.9", "100元"]), ("115", "2021年", ["1.15", "100元"]), ("140亿元", "2022年", ["1.4亿部", "100元"])]


# --- masses and days: doses (issue 13) ---------------------------------------------------------------------------


def test_a_dose_per_body_weight_and_day_times_weight_days_and_patients():
    d = only("假设患者体重50kg，剂量0.4g/kg/d，疗程2-4天，患者共1000例，则需求量为40000~80000g。")
    assert d.operation == "product" and sorted(t.unit for t in d.inputs) == ["g/kg/天", "kg", "例", "天"]
    assert rebuild(d).verdict == "agrees"


def test_a_mass_divided_by_a_size_into_bottles():
    d = only("经测算全年用量约50000g，换算为2g规格需要2.5万瓶。")
    assert d.operation == "ratio" and [t.text for t in d.inputs] == ["50000g", "2g"]
    assert rebuild(d).verdict == "agrees"


def test_a_count_per_day_in_words_times_days():
    d = only("按指南测算：每位患者每天需要4瓶，疗程5-7天，每位患者共需20-28瓶。")
    assert d.operation == "product" and [t.text for t in d.inputs] == ["4瓶", "5-7天"]
    assert rebuild(d).verdict == "agrees"


def test_days_multiply_only_what_is_per_day():
    assert detect_estimates("疗程30天，单价100万元，则市场规模为3000万元。", "doc") == []


def test_a_share_of_a_size_is_no_estimate_of_a_mass():
    assert detect_estimates("A产品规格2.5g/瓶，B产品份额12%，对应规格0.3g/瓶。", "doc") == []


def test_a_count_per_tonne_in_words_times_tonnes():
    d = only("1吨原料约可生产3000瓶，按照投料量200吨测算，对应60万瓶。")
    assert d.operation == "product" and [t.text for t in d.inputs] == ["3000瓶", "200吨"]
    r = rebuild(d)
    assert r.verdict == "agrees" and r.calculation.result == Quantity("60", "万瓶")
    assert rebuild(d, {input_names(d)[1]: "400吨"}).calculation.result == Quantity("120", "万瓶")


def test_an_estimate_read_backwards_is_not_a_second_one():
    found = detect_estimates("规格为2.5g/瓶，人均用量为90g，折合36瓶。表：人均36瓶，折合90g。", "doc")
    assert [(d.result.text, d.operation) for d in found] == [("36瓶", "ratio")]


def test_counts_times_counts_are_a_product_not_quantity_times_price():
    d = only("假设重症患者8000人，每人需要15瓶，则共需12万瓶。")
    assert d.operation == "product"


def test_a_size_in_grams_times_a_count_is_no_count_per_mass():
    assert detect_estimates("规格折合0.5g，整体198.4万支，则其中A公司99.2万支。", "doc") == []


# --- listed results beside a sizing table (issue 13) ---------------------------------------------------------------


def test_listed_results_take_their_counts_from_a_table_row_of_unequal_cells():
    # 「3173676153」 read evenly is 31, 73, 67, 61, 53; the row is 3, 17, 36, 76, 153 (0.15…7.65亿部 × 20元): each listed
    # result gets its own year's count and the shared price
    found = estimates_by_result("假设某耳机电池单价为20元，对应2021~2023年市场规模达36、76、153亿元。图表5：某耳机电池市场测算"
                       "20192020202120222023出货量（亿部）0.150.851.803.807.65单价（元）2020202020市场（亿元）3173676153"
                       "资料来源：某研究所")
    assert {k: [t.text for t in d.inputs] for k, d in found.items()} == {
        "36": ["1.80", "20"], "76": ["3.80", "20"], "153亿元": ["7.65", "20"]}
    assert [found[k].result.period for k in ("36", "76", "153亿元")] == ["2021年", "2022年", "2023年"]
    assert all(rebuild(d).verdict == "agrees" for d in found.values())


def test_a_table_row_of_cells_without_a_trailing_zero_is_read():
    # 「1.001.51.80」: 1.00, 1.5, 1.80 (a trailing zero dropped), and 「8090100」: 80, 90, 100
    found = estimates_by_result("预计2021~2023年某部件市场规模达80、135、180亿元。图表2：某部件市场测算202120222023出货量（亿台）1.001.51.80"
                       "单价（元）8090100市场（亿元）80135180资料来源：某研究所")
    assert [t.text for t in found["135"].inputs] == ["1.5", "90"]


def test_a_row_glued_to_the_next_rows_name_keeps_its_cells():
    # 「A市场（亿元）100120150B设备…」, 「…200245300YOY」: the cells are no part of the next name
    found = estimates_by_result("预计2021~2023年某部件市场规模达200、245、300亿元。图表3：某部件市场测算202120222023A设备出货量（亿台）"
                       "1.001.201.50A单价（元）100100100A市场（亿元）100120150B设备出货量（亿台）2.002.503.00B单价（元）505050"
                       "B市场（亿元）100125150合计市场（亿元）200245300YOY20%22%资料来源：某研究所")
    d = found["245"]  # 1.2 × 100 + 2.5 × 50
    assert d.operation == "product_of_sum" and [t.text for t in d.inputs] == ["1.20", "100", "2.50", "50"]
    assert rebuild(d).verdict == "agrees"


def test_listed_results_from_the_same_assumed_inputs_are_no_estimates():
    # one price and one count cannot give three different figures: the list's counts are stated elsewhere
    assert detect_estimates("2020年某耳机出货量为1亿部，假设其电池单价为25元，对应2021~2023年市场规模达36、76、153亿元。",
                            "doc") == []


def test_a_derived_cell_said_twice_is_one_estimate_where_it_is_worked_out():
    found = detect_estimates("预计2023年某手术市场规模将达到15亿元，年复合增长率17%。假设人均手术费维持在1000元。由此测算得2023年"
                             "市场规模为15亿元。表1：某手术市场规模测算202120222023手术人数（万人）110130150人均手术费（元）"
                             "100010001000市场规模（亿元）111315资料来源：某研究所", "doc")
    assert [(d.result.text, d.result.quote[:4]) for d in found] == [("15亿元", "由此测算")]


def test_a_range_of_shares_is_a_range_of_parts_over_one_whole():
    d = only("我们预计该因素带来的需求提升在20-40万盒左右。按照去年约800万支的销量计算，提升幅度约为2.5%-5%。")
    assert d.operation == "ratio" and [t.text for t in d.inputs] == ["20-40万盒", "800万支"]
    assert rebuild(d).verdict == "agrees"


def test_a_forecast_total_broken_down_after_it_is_the_sum_of_its_segments():
    d = only("我们预测2025年某器械出厂额将达200亿元左右，其中：甲类120亿/乙类60亿/其他20亿。")
    assert d.operation == "product_of_sum" and [t.text for t in d.inputs] == ["120亿", "60亿", "20亿"]
    assert rebuild(d).verdict == "agrees"
    # a sub-item of a segment is no segment of the total
    d = only("我们预计行业规模将达到380亿元，复合增长率约为8%。其中甲产品市场规模有望超过215亿元，其中甲1产品为135亿元；"
             "乙产品市场规模高达165亿元。")
    assert [t.text for t in d.inputs] == ["215亿元", "165亿元"]


def test_a_quoted_statistic_with_its_breakdown_is_no_estimate():
    assert detect_estimates("2019年某器械出口额为300亿美元，其中甲类180亿美元，乙类120亿美元。", "doc") == []


def test_a_share_in_brackets_after_a_part_is_worked_out_from_the_whole_before():
    d = only("本轮采购共涉及60个品种、200个品规。其中注射剂品种15个（占比25%），口服品种较少。")
    assert d.operation == "ratio" and [t.text for t in d.inputs] == ["15个", "60个"]


def test_a_result_with_the_share_of_a_base_in_brackets_after_it():
    d = only("我们预计最终每年约有2000万人接种某疫苗，以及600万人的某制剂使用需求（疫苗接种者数量的30%），市场空间广阔。")
    assert d.operation == "product" and sorted(t.text for t in d.inputs) == ["2000万人", "30%"]
    assert rebuild(d).verdict == "agrees"


def test_a_number_split_from_its_unit_by_a_line_break_is_read_with_it():
    found = detect_estimates("2023年甲、乙两种耗材的销量分别为20万和30万盒，若按照平均售价100元、50\n元测算，"
                             "则两种耗材的市场规模分别为2000万和1500万元。", "doc")
    assert [(d.result.text, [t.text for t in d.inputs]) for d in found] == [
        ("2000万", ["20万", "100元"]), ("1500万元", ["30万盒", "50\n元"])]


def test_the_items_of_a_list_in_yuan_are_money():
    # 「分别为6亿、4亿元」: the bare items are money like the last, so no product takes one of them beside a price
    from bot.tools.estimates import _currency, _numbers
    nums = _numbers("若按照单价80元、50元测算，甲、乙耗材分别带来6亿、4亿元。")
    assert [(n.span.text, bool(_currency(n))) for n in nums] == [
        ("80元", True), ("50元", True), ("6亿", True), ("4亿元", True)]


def test_a_result_worked_out_from_a_figure_stated_far_before_it():
    filler = "该类产品的竞争格局较为分散，各地政策不一，渠道库存仍在消化中，行业集中度有望逐步提升。" * 12
    text = ("综合以上各项，我们预计明年某试剂的需求量约为3.5亿人份。" + filler +
            "在最近一次集中采购中，均价已降至8元/人份左右。我们认为此价格已接近底部，据此测算明年某试剂市场规模为28亿元。")
    found = [d for d in detect_estimates(text, "doc") if d.result.text == "28亿元"]
    assert [[t.text for t in d.inputs] for d in found] == [["3.5亿人份", "8元/人份"]]
