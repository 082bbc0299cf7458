"""Estimates stated in prose (issue 13): cues, results and inputs a report words in sentences. Every passage here is
made up — other words, numbers and sectors than the reports whose misses led to each rule."""
from bot.tools.estimates import detect_estimates


def results(text):
    return [d.result.text for d in detect_estimates(text, "doc")]


def test_figures_above_are_no_assumed_basis():
    # 「根据以上…测算」 refers back to the figures above; it is not 「以X测算」, a number taken as the basis. Without
    # an assumption, 预计 alone does not make 30次 × 404万件 ≈ 1.2亿件 (1% off) an estimate.
    text = ("根据以上的不完全测算，我们预计今年旺季业务量将明显回升。全国快递网点年均周转30次，"
            "日处理能力达到404万件，结合各地网点的复工节奏，我们预计上半年业务量约1.2亿件。")
    assert results(text) == []


def test_the_numerator_of_a_written_ratio_is_no_result():
    # 「8%（120万/1500万）」: the bracket shows how the share is worked out; its numerator is given, not derived (even
    # though 3000万 × 50% × 8% happens to make it)
    text = "按照全国3000万养殖户、50%的规模化养殖户计算，智能设备渗透率仅为8%（120万/1500万）。"
    assert "120万" not in results(text)


def test_a_quotient_by_a_value_per_unit_counts_that_unit():
    # money ÷ 元/套 is a number of 套: a capacity in 台 that equals it is no such quotient
    text = "按照单套设备300元/套计算，国内市场规模约60亿元。公司产能未来有望拓展至2000万台。"
    assert "2000万台" not in results(text)
    # the same quotient in its own unit is one
    assert "2000万套" in results("按照单套设备300元/套计算，国内市场规模约60亿元，则对应需求约2000万套。")
    # and a passage that says it works the count out may name it loosely (a 支 a person)
    assert "2000万人" in results("预计2025年国内市场规模约60亿元，按照出厂价格300元/支推算，预计注射人数约2000万人。")


def test_an_assumption_makes_the_first_amount_after_it():
    # 「假设单价…，预计收入约X，净利润Y」: the assumed price times the capacity is the revenue; the profit after it
    # comes from the revenue (a margin the passage does not state), not from the price
    text = "公司新产线设计产能500万台，假设出厂价保持为200元/台，预计未来公司峰值收入约10亿元，峰值净利润4亿元。"
    assert results(text) == ["10亿元"]
    # a part of the amount before it (其中…) is sized by the same assumption
    part = ("2020年国内胰岛素销量约2480万支，其中进口产品占比约60%。若按照平均中标价400元测算，则国内胰岛素市场规模"
            "近100亿，其中国产胰岛素的市场规模约35-45亿左右。")
    assert results(part) == ["100亿", "35-45亿"]


def test_a_bare_operand_restating_a_figure_is_not_a_second_input():
    # 「均价120元/平米…通过120×(1-25%)×0.02计算」: the bare 120 and 0.02 are the stated figures again; multiplied with
    # the expression's own result (1.8元/部) and a share they make 1.44 by coincidence (the passage: 1.8 × 80%)
    text = ("我们预计2022年折叠屏手机的渗透率将提升至33.3%。智能手机铰链用量约为0.02平米/部，价格比现有材料低25%；"
            "根据行业数据，铰链材料均价约为120元/平米，通过120×(1-25%)×0.02计算可得铰链ASP为1.8元/部。"
            "我们假设ASP平均每年下降20%，预计2021、2022年ASP分别为1.44、1.15元/部。")
    assert results(text) == ["1.8元/部"]


def test_a_result_glued_to_the_year_that_starts_the_next_sentence():
    # PDF text joins two paragraphs: 「…约12万台2021Q1的招标数据…」 is a figure with its unit, then a year — not two
    # cells of a flattened table
    text = ("测算口径：根据行业协会数据，全国共有连锁门店1.5万家需要改造；单店平均需要8台设备。"
            "需要总量约12万台2021Q1的招标数据显示，设备厂商的订单已明显回暖。")
    assert results(text) == ["12万台"]


def test_a_share_in_the_results_sentence_applies_to_a_base_stated_further_back():
    # 「我们预计…渗透率为20%，则对应…70万套」: the base (350万间) is stated paragraphs before, past the few sentences a
    # passage's inputs are looked for in; the share of the result's own sentence times it gives the result exactly
    text = ("根据教育部数据，全国中小学普通教室约为350万间。1)新建校舍：今年新建校舍较多。各地财政投入力度不一。"
            "2)改造需求：部分学校设备老化。更新周期一般为五到八年。我们预计2025年智慧黑板的渗透率为20%，"
            "则对应需要智慧黑板70万套。")
    (d,) = detect_estimates(text, "doc")
    assert [t.text for t in d.inputs] == ["350万", "20%"] and d.operation == "product"
    # without a derivation word at the result, or off by more than its rounding, it is no estimate
    assert results(text.replace("则对应需要", "另有")) == []
    assert results(text.replace("70万套", "72万套")) == []


def test_a_total_of_the_figures_before_it_needs_no_other_derivation_word():
    # 「未来全部达产有望达到750万台/年」: 全部 (like 合计, 共计) adds up the capacities stated before it — kept when they
    # add up to it exactly
    text = ("公司目前产能200万台/年，预计明年技改项目投产后增加产能150万台；新基地设计产能400万台，已于今年开工建设，"
            "未来全部达产有望达到750万台/年。")
    (d,) = detect_estimates(text, "doc")
    assert d.operation == "product_of_sum" and [t.text for t in d.inputs] == ["200万台/年", "150万台", "400万台"]
    assert results(text.replace("750万台", "800万台")) == []
    # a tally of figures stated as they are is bookkeeping, not an estimate; a price is no addend of an amount
    assert results("2020年A类门店共有420家，B类门店共有180家，全国门店共计600家。") == []
    (priced,) = detect_estimates("进口设备平均单价30万元/台，规模约60亿元；国产设备平均单价8万元/台，规模约12亿元，"
                                 "预计合计规模约为72亿元。", "doc")
    assert [t.text for t in priced.inputs] == ["60亿元", "12亿元"]

