"""Estimates built on flattened tables, listed results and segment totals (issue 13), on made-up passages: no real
report's text, sector or figures."""
from bot.tools.estimates import detect_estimates
from bot.tools.rebuild import rebuild

from support import estimates_by_result

# --- tables ---------------------------------------------------------------------------------------------------------


def test_a_table_that_prints_its_cells_rounded_derives_its_row_within_that_rounding():
    # 容量 and 单价 are printed to two significant digits or one (「13」 for 12.6, 「0.9」 for 0.92): the market row is
    # their product only within the rounding of every cell, in all five columns
    found = estimates_by_result(TABLE_PRINTED_ROUND)
    d = found["23.2"]
    assert [t.text for t in d.inputs] == ["2.20", "11", "1.0"] and d.result.period == "2020年"
    assert rebuild(d).verdict == "differs"  # 2.20 × 11 × 1.0 = 24.2 as printed: the gap is shown, not hidden
    assert set(found) == {"20.4", "23.2", "27.8", "34.8", "40.5亿元"}


TABLE_PRINTED_ROUND = (
    "假设某储能电池平均容量逐年提升、单价逐年下降，对应2019~2023年某储能电池市场规模为20.4、23.2、27.8、34.8、40.5亿元。"
    "图表8：某储能电池市场测算20192020202120222023出货量（亿台）2.002.202.402.602.80平均容量（Wh）1011131517"
    "单价（元/Wh）1.01.00.90.90.9市场规模（亿元）20.423.227.834.840.5资料来源：某研究所")


def test_cells_printed_to_one_digit_are_too_coarse_to_agree_within_their_rounding():
    # 「0.5」 may be anything from 0.45 to 0.55: within that, a product agrees with too much
    assert detect_estimates(TABLE_PRINTED_ROUND.replace("1.01.00.90.90.9", "0.50.50.50.40.4")
                            .replace("20.423.227.834.840.5", "10.811.613.916.617.9")
                            .replace("20.4、23.2、27.8、34.8、40.5", "10.8、11.6、13.9、16.6、17.9"), "doc") == []


def test_rounding_alone_needs_more_columns_to_agree():
    # the same rows over three years: within rounding they agree, but three columns are too few for that
    assert detect_estimates(
        "假设某储能电池平均容量逐年提升、单价逐年下降，对应2021~2023年某储能电池市场规模为27.8、34.8、40.5亿元。"
        "图表8：某储能电池市场测算202120222023出货量（亿台）2.402.602.80平均容量（Wh）131517"
        "单价（元/Wh）0.90.90.9市场规模（亿元）27.834.840.5资料来源：某研究所", "doc") == []


def test_a_table_continued_after_a_page_break_is_one_table():
    # the header is printed again after a page footer; the total row sums a row of each part
    found = estimates_by_result(
        "预计2023年某可穿戴设备电池市场达260亿元。图表3：某设备电池市场测算20192020202120222023"
        "A设备出货量（亿部）0.801.001.201.602.00单价（元）5050505050市场（亿元）40506080100其他设备电池某页脚-9\n"
        "20192020202120222023出货量（亿部）1.001.502.505.008.00单价（元）2020202020市场（亿元）203050100160"
        "合计市场（亿元）6080110180260资料来源：某研究所")
    d = found["260亿元"]  # 2.00 × 50 + 8.00 × 20
    assert d.operation == "product_of_sum" and [t.text for t in d.inputs] == ["2.00", "50", "8.00", "20"]
    assert rebuild(d).verdict == "agrees"


def test_a_profit_row_is_no_part_that_adds_up_to_revenue():
    # 收入 = 成本 + 毛利 holds in every column, but the profit is what the revenue leaves: no derivation of it
    assert detect_estimates(
        "预计公司2021-2023年营业收入分别为30.00亿元、36.00亿元和42.00亿元。表9：收入拆分（百万元）202120222023"
        "营业收入300036004200营业成本120014401680毛利180021602520资料来源：某研究所", "doc") == []


def test_a_later_year_under_a_label_and_cells_left_empty():
    # 「…2024远期2030」: a last column years on; 「--」: a product not yet sold has no cells in the first years.
    # 「高达」 announces the figure the table works out.
    found = estimates_by_result(
        "国内新药市场需求规模高达60亿元。表4：某新药市场测算2021202220232024远期2030新药使用人数（万人）--2040120"
        "年治疗费用（元）--500050005000新药市场（亿元）--102060资料来源：某研究所")
    d = found["60亿元"]
    assert d.operation == "quantity_x_price" and sorted(t.text for t in d.inputs) == ["120", "5000"]
    assert [t.period for t in d.inputs] == ["2030年", "2030年"]
    assert rebuild(d).verdict == "agrees"


def test_a_row_glued_to_a_charts_axis_takes_the_unit_of_the_tables_title():
    # 「市场规模3045607590」 runs on into the axis 0, 10, …, 100 of the chart after it; the row names no unit, the title
    # does (「（亿元）」)
    found = estimates_by_result(
        "④假设检测单价300元，价格不变。市场规模=检测人次×检测单价=90亿元表5：2020E-2024E某检测市场规模测算（亿元）"
        "2020E2021E2022E2023E2024E检测人次（万次）10001500200025003000单价（元）300300300300300"
        "市场规模30456075900102030405060708090100检测人次（万）资料来源：某研究所")
    d = found["90亿元"]
    assert d.operation == "quantity_x_price" and [t.text for t in d.inputs] == ["3000", "300"]
    assert rebuild(d).verdict == "agrees"


# --- a total of the segments just worked out, and their shares ---------------------------------------------------

SEGMENTS = ("A产品2022年销量约4000万支，若按照平均中标价300元测算，则A产品的市场规模约120亿。B产品2022年销量约3000万支，"
            "若按照平均中标价150元测算，则B产品的市场规模约45亿。C产品和D产品2022年销量分别为2000万和1500万支，若按照平均中标价"
            "80元和60元测算，则C、D产品的市场规模分别为16亿和9亿元。")


def test_a_total_of_the_segments_worked_out_before_it_and_their_shares():
    found = estimates_by_result(SEGMENTS + "我们预计该行业整体市场规模在190亿左右。分产品看，A、B、C及D产品的占比分别约为"
                                           "63.2%、23.7%、8.4%和4.7%。")
    total = found["190亿"]
    assert total.operation == "product_of_sum" and [t.text for t in total.inputs] == ["120亿", "45亿", "16亿", "9亿元"]
    assert rebuild(total).verdict == "agrees"
    share = found["23.7%"]
    assert share.operation == "ratio" and [t.text for t in share.inputs] == ["45亿", "190亿"]
    assert rebuild(share).verdict == "rounding"
    assert {"63.2%", "8.4%", "4.7%"} <= set(found)


def test_shares_that_do_not_follow_from_the_segments_are_no_estimates():
    found = estimates_by_result(SEGMENTS + "我们预计该行业整体市场规模在190亿左右。分产品看，A、B、C及D产品的占比分别约为"
                                           "60%、25%、10%和5%。")
    assert "190亿" in found and not {"60%", "25%", "10%", "5%"} & set(found)


def test_a_total_the_segments_do_not_add_up_to_is_no_estimate():
    found = estimates_by_result(SEGMENTS + "我们预计该行业整体市场规模在250亿左右。")
    assert "250亿" not in found


# --- a share of a whole the passage names and states -------------------------------------------------------------


def test_a_share_of_a_whole_named_after_it_and_stated_before_in_an_assumed_passage():
    found = estimates_by_result("根据某协会数据，假设2022年某国正规市场总检测量3000万次，其中快速检测项目（含居家和药店）1800万次，"
                                "占总检测量60%左右。")
    d = found["60%"]
    assert d.operation == "ratio" and [t.text for t in d.inputs] == ["1800万次", "3000万次"]
    assert rebuild(d).verdict == "agrees"


def test_a_quoted_share_or_one_of_an_unstated_whole_is_no_estimate():
    assert "60%" not in estimates_by_result("2022年某国正规市场总检测量3000万次，其中快速检测项目1800万次，占总检测量60%。")
    assert "60%" not in estimates_by_result("假设2022年其中快速检测项目1800万次，占总检测量60%左右。")
    assert "60%" not in estimates_by_result("假设2022年某国正规市场总检测量3000万次，其中快速检测项目1800万次，占比约为60%。")
