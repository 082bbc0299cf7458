"""Rebuilding an estimate: the verdict, the implied inputs and their explanations (made-up passages)."""
import re
from decimal import Decimal

import pytest

from bot.tools.estimates import Derivation, Term, detect_estimates
from bot.tools.numbers import find_numbers
from bot.tools.rebuild import half_unit, input_names, rebuild


def only(text):
    found = detect_estimates(text, "doc")
    assert len(found) == 1, [(d.result.text, [t.text for t in d.inputs]) for d in found]
    return found[0]


def made(quote, result, inputs, operation="product", **kw):
    """A derivation over one sentence: `inputs` and `result` are (name, the number as written in `quote`)."""
    spans = {s.text: s for s in find_numbers(quote)}

    def term(name, text):
        s = spans[text]
        return Term(name=name, value=s.value, unit=s.unit, quote=quote, quote_start=0, quote_end=len(quote),
                    start=s.start, end=s.end, high=s.high)

    return Derivation(id="doc#1", doc_id="doc", subject=result[0], result=term(*result),
                      inputs=tuple(term(*i) for i in inputs), operation=operation, start=0, end=len(quote), **kw)


# --- the verdict takes the precision of the printed inputs -----------------------------------------------------
SEGMENTS = "甲类和乙类药品市场规模分别为433亿元和287亿元，按照华东地区用药占比10%测算，华东地区市场规模为{}亿元。"


def test_a_result_finer_than_its_printed_inputs_agrees_after_rounding():
    # 433 + 287 = 720 (each ± 0.5亿元) × 10% = 72亿元 exactly; the report prints 72.04: its inputs were unrounded
    d = only(SEGMENTS.format("72.04"))
    assert d.operation == "product_of_sum"
    r = rebuild(d)
    assert r.verdict == "rounding", r.message
    assert "取整误差以内" in r.message and "71.9亿–72.1亿元" in r.message


def test_a_result_finer_than_its_inputs_but_beyond_what_they_allow_differs():
    r = rebuild(only(SEGMENTS.format("72.34")))  # outside 71.9–72.1
    assert r.verdict == "differs"


def test_a_result_no_finer_than_the_exact_rebuild_must_be_that_result_rounded():
    # 120.35 × 3.93 = 472.9755百万元: the stated 472.9 is within the printed inputs' precision (3.93 ± 0.005), but
    # the exact rebuild goes further than the stated digits, so it must round to them, and does not
    d = made("出货量为120.35百万部，ASP为3.93元/部，市场规模为472.9百万元。", ("市场规模", "472.9百万元"),
             [("出货量", "120.35百万部"), ("ASP", "3.93元/部")], "quantity_x_price")
    assert rebuild(d).verdict == "differs"
    assert rebuild(made("出货量为120.35百万部，ASP为3.93元/部，市场规模为473.0百万元。", ("市场规模", "473.0百万元"),
                        [("出货量", "120.35百万部"), ("ASP", "3.93元/部")], "quantity_x_price")).verdict == "rounding"


def test_half_a_unit_of_the_last_digit_and_an_assumption_is_exact():
    d = only(SEGMENTS.format("72.04"))
    by_text = {t.text: half_unit(t) for t in d.inputs}
    assert by_text["433亿元"] == Decimal("0.5e8") and by_text["287亿元"] == Decimal("0.5e8")
    assert by_text["10%"] == 0  # 「按照…10%测算」: the basis of the estimate, exact
    d2 = made("渗透率为3.5%，人口为1.20亿人，用户为420万人。", ("用户", "420万人"),
              [("人口", "1.20亿人"), ("渗透率", "3.5%")])
    assert [half_unit(t) for t in d2.inputs] == [Decimal("0.005e8"), Decimal("0.0005")]


@pytest.mark.parametrize("quote, result, inputs, kw, verdict", [
    # part ÷ whole: 27 ÷ 90 = 30% exactly; 30.6% is within 26.5 ÷ 90.5 … 27.5 ÷ 89.5 (the whole moves the other way)
    ("A为27万人，B为90万人，占比为30.6%。", ("占比", "30.6%"), [("A", "27万人"), ("B", "90万人")],
     {"operation": "ratio"}, "rounding"),
    ("A为27万人，B为90万人，占比为31.2%。", ("占比", "31.2%"), [("A", "27万人"), ("B", "90万人")],
     {"operation": "ratio"}, "differs"),
    # × (1 − x): 200 × (1 − 40%) = 120 exactly; 120.4 within 199.5 × 59.5% … 200.5 × 60.5%
    ("规模为200亿元，降价40%，规模为120.4亿元。", ("规模", "120.4亿元"), [("规模", "200亿元"), ("降价", "40%")],
     {"complements": (1,)}, "rounding"),
    ("规模为200亿元，降价40%，规模为122.4亿元。", ("规模", "122.4亿元"), [("规模", "200亿元"), ("降价", "40%")],
     {"complements": (1,)}, "differs"),
    # a sum of products: 2 × 30 + 3 × 20 = 120 exactly; 120.5 within 1.95 × 29.5 + 2.95 × 19.5 … 2.05 × 30.5 + 3.05 × 20.5
    ("A为2.0亿部，单价30元，B为3.0亿部，单价20元，合计120.5亿元。", ("合计", "120.5亿元"),
     [("A", "2.0亿部"), ("A单价", "30元"), ("B", "3.0亿部"), ("B单价", "20元")],
     {"operation": "product_of_sum", "terms": ((0, 1), (2, 3))}, "rounding"),
    ("A为2.0亿部，单价30元，B为3.0亿部，单价20元，合计127.5亿元。", ("合计", "127.5亿元"),
     [("A", "2.0亿部"), ("A单价", "30元"), ("B", "3.0亿部"), ("B单价", "20元")],
     {"operation": "product_of_sum", "terms": ((0, 1), (2, 3))}, "differs"),
])
def test_printed_precision_through_every_operation(quote, result, inputs, kw, verdict):
    assert rebuild(made(quote, result, inputs, **kw)).verdict == verdict


def test_a_real_gap_still_differs_with_its_implied_inputs(corpus_estimates):
    short = next(d for d in corpus_estimates if d.result.text == "80亿元")
    r = rebuild(short)
    assert r.verdict == "differs"
    implied = {k: str(v.value) for k, v in r.implied.items()}
    assert sorted(implied.values()) == ["13.33333333333333333333333333", "26.66666666666666666666666667", "4000"]


# --- the implied inputs: each explanation is the inverse the operation needs ---------------------------------------
def _value(formula_side: str) -> Decimal:
    """Evaluate one side of an explanation: every quantity in base units, × ÷ + − as written."""
    from bot.tools.units import unit_info

    expr, at = "", 0
    for s in find_numbers(formula_side):
        expr += formula_side[at:s.start] + f"({s.value * unit_info(s.unit).factor})"
        at = s.end
    expr += formula_side[at:]
    expr = expr.replace("×", "*").replace("÷", "/").replace("−", "-").replace("+", "+")
    assert set(expr) <= set("0123456789.()*/+- E"), expr
    return Decimal(repr(eval(expr)))  # noqa: S307 - digits and operators only (asserted)


def _checks_out(calc, stated):
    """The explanation, evaluated, gives the implied value (or, for an equation, the stated result)."""
    from bot.tools.units import Quantity

    q = calc.result
    if "⇒" in calc.formula:  # 「a × x + b = r ⇒ x = v」: put v in for x, the left side must come to r
        equation, solved = calc.formula.split(" ⇒ ")
        name = solved.split(" = ")[0].split(" ≈ ")[0]
        left = equation.rsplit(" = ", 1)[0].replace(name, f"{q.value}{q.unit}")
        want = stated.base_value()
    else:
        left = calc.formula.replace(" ≈ ", " = ").rsplit(" = ", 1)[0]
        want = Quantity(q.value, q.unit).base_value()
    assert abs(_value(left) - want) <= abs(want) * Decimal("1e-9"), (calc.formula, _value(left), want)


CASES = {
    "product": (made("基数为3000亿元，占比为10%，渗透率为20%，市场规模为80亿元。", ("市场规模", "80亿元"),
                     [("基数", "3000亿元"), ("占比", "10%"), ("渗透率", "20%")]),
                ["80亿元 ÷ (10% × 20%) = 4000亿元", "80亿元 ÷ (3000亿元 × 20%) ≈ 13.3333%",
                 "80亿元 ÷ (3000亿元 × 10%) ≈ 26.6667%"]),
    "quantity_x_price": (made("销量为2万台，单价为30万元，市场规模为75亿元。", ("市场规模", "75亿元"),
                              [("销量", "2万台"), ("单价", "30万元")], "quantity_x_price"),
                         ["75亿元 ÷ 30万元 = 2.5万台", "75亿元 ÷ 2万台 = 37.5万元"]),
    "product_of_sum": (made("A和B市场规模分别为433亿元和287亿元，占比10%，合计78.04亿元。", ("合计", "78.04亿元"),
                            [("A", "433亿元"), ("B", "287亿元"), ("占比", "10%")], "product_of_sum", summed=(0, 1)),
                       ["78.04亿元 ÷ (433亿元 + 287亿元) ≈ 10.8389%"]),
    "complement": (made("规模为200亿元，降价40%，规模为130亿元。", ("规模", "130亿元"),
                        [("规模", "200亿元"), ("降价", "40%")], complements=(1,)),
                   ["130亿元 ÷ (1 − 40%) ≈ 216.6667亿元", "1 − 130亿元 ÷ 200亿元 = 35%"]),
    "complement_of_a_sum": (made("A和B分别为120亿元和80亿元，降价40%，规模为130亿元。", ("规模", "130亿元"),
                                 [("A", "120亿元"), ("B", "80亿元"), ("降价", "40%")], "product_of_sum",
                                 summed=(0, 1), complements=(2,)),
                            ["1 − 130亿元 ÷ (120亿元 + 80亿元) = 35%"]),
    "terms": (made("A为2.0亿部，单价30元，B为3.0亿部，单价20元，合计130亿元。", ("合计", "130亿元"),
                   [("A", "2.0亿部"), ("A单价", "30元"), ("B", "3.0亿部"), ("B单价", "20元")], "product_of_sum",
                   terms=((0, 1), (2, 3))),
              ["A × 30元 + 3亿部 × 20元 = 130亿元 ⇒ A ≈ 2.3333亿部", "2亿部 × A单价 + 3亿部 × 20元 = 130亿元 ⇒ A单价 = 35元",
               "2亿部 × 30元 + B × 20元 = 130亿元 ⇒ B = 3.5亿部", "2亿部 × 30元 + 3亿部 × B单价 = 130亿元 ⇒ B单价 ≈ 23.3333元"]),
    "terms_with_a_complement": (made("A为2.0亿部，单价30元，降价40%，B为3.0亿部，单价20元，合计100亿元。", ("合计", "100亿元"),
                                     [("A", "2.0亿部"), ("A单价", "30元"), ("降价", "40%"), ("B", "3.0亿部"),
                                      ("B单价", "20元")], "product_of_sum", terms=((0, 1, 2), (3, 4)), complements=(2,)),
                                None),  # 2 × 30 × (1 − 40%) + 3 × 20 = 96
    "ratio": (made("A为27万人，B为90万人，占比为40%。", ("占比", "40%"), [("A", "27万人"), ("B", "90万人")],
                   "ratio"),
              ["40% × 90万人 = 36万人", "27万人 ÷ 40% = 67.5万人"]),
}


@pytest.mark.parametrize("case", CASES)
def test_each_implied_input_is_explained_by_the_inverse_of_its_operation(case):
    d, formulas = CASES[case]
    r = rebuild(d)
    assert r.verdict == "differs"
    if formulas is not None:
        assert [c.formula for c in r.implied_calculations] == formulas
    assert len(r.implied_calculations) == len(d.inputs) - len(d.summed)
    for c in r.implied_calculations:
        _checks_out(c, r.calculation.extra["stated"])


def test_a_share_implied_by_a_product_of_a_sum_adds_the_segments():
    d, _ = CASES["product_of_sum"]
    r = rebuild(d)
    [c] = r.implied_calculations
    assert "433亿元 + 287亿元" in c.formula and "×" not in c.formula and c.formula.endswith("%")


def test_a_complement_in_a_sum_of_products_is_solved_as_the_share_it_takes_off():
    d, _ = CASES["terms_with_a_complement"]
    r = rebuild(d)
    share = next(c for c in r.implied_calculations if c.formula.startswith("2亿部 × 30元 × (1 − 降价)"))
    assert share.formula.endswith("⇒ 降价 ≈ 33.3333%")  # 1 − (100 − 60) ÷ (2 × 30)


# --- Chinese punctuation in Chinese text ----------------------------------------------------------------------------
ASCII_PUNCT = re.compile(r"[,:;()]")


@pytest.mark.parametrize("text", [
    "预计2025年国内新增装机约1.5万台，按单台均价40万元测算，对应市场空间约60亿元。",  # agrees
    "国产批签发约2069万瓶，若收率为0.28万瓶/吨，则对应所需的投浆量为7389吨。",  # rounding
    SEGMENTS.format("72.04"),  # rounding within the printed inputs
    "2023年国内医美注射市场规模约为800亿元。假设玻尿酸产品占比为30%，国产品牌渗透率为25%-45%，"
    "则2026年国产玻尿酸市场空间中值约为90亿元。",  # differs, with the implied inputs and an earlier year
])
def test_zh_verdicts_use_chinese_punctuation(text):
    r = rebuild(only(text))
    assert not ASCII_PUNCT.search(r.message), r.message
    assert "：" in r.message and r.message.endswith("。")
    formula, words = r.calculation.note.split("。", 1)  # (the formula keeps its brackets: it is arithmetic)
    assert " = " in formula and words == r.message


def test_the_lead_line_of_a_differing_estimate_reads_in_chinese():
    from bot.answer.numeric import lead

    d = only("2023年国内医美注射市场规模约为800亿元。假设玻尿酸产品占比为30%，国产品牌渗透率为25%-45%，"
             "则2026年国产玻尿酸市场空间中值约为90亿元。")
    first = lead([rebuild(d).calculation], zh=True)
    assert "不一致：按报告输入重算为84亿元（中值），而报告称90亿元。要得到90亿元，需要" in first
    assert "（其余输入不变）。" in first and not ASCII_PUNCT.search(first)


def test_a_what_if_note_in_chinese():
    d = only("预计2025年国内新增装机约1.5万台，按单台均价40万元测算，对应市场空间约60亿元。")
    note = rebuild(d, {input_names(d)[1]: "50万元"}).calculation.note
    assert "；用户假设：" in note and "；其余输入取报告原值" in note


# --- every input has a name a reader understands -------------------------------------------------------------------
def test_segments_of_a_list_take_the_lists_words_and_their_place():
    d = only(SEGMENTS.format("72.04"))
    names = input_names(d)
    assert names == ["华东地区用药占比", "甲类和乙类药品市场规模（第1项）", "甲类和乙类药品市场规模（第2项）"]
    note = rebuild(d).calculation.note
    assert "(甲类和乙类药品市场规模（第1项） + 甲类和乙类药品市场规模（第2项）) × 华东地区用药占比" in note


def test_items_of_a_list_over_the_years_are_named_by_their_year():
    text = ("随着无线耳机渗透率持续提升，我们预计2020~2022年该类耳机全球出货量将增至0.9、1.15、1.4亿部。"
            "假设其电池单价为100元，对应2020~2022年该类耳机电池市场规模将达90、115、140亿元。")
    names = [input_names(d)[0] for d in detect_estimates(text, "doc")]
    assert [n[-7:] for n in names] == ["（2020年）", "（2021年）", "（2022年）"]
    assert len({n[:-7] for n in names}) == 1 and "出货量" in names[0]


def test_a_figure_named_by_the_words_after_it():
    d = only("我国60岁以上老年人口2.5亿，取80%发病率，预估白内障患者达2亿。")
    assert input_names(d) == [input_names(d)[0], "发病率"] and "老年人口" in input_names(d)[0]


@pytest.mark.parametrize("name, unit, want", [
    ("", "%", "比例"), ("", "元/瓶", "单价"), ("", "亿元", "金额"), ("", "万台", "数量"), ("", "", "数值"),
    ("×", "", "数值"), ("/", "万人", "数量"),
])
def test_an_input_without_words_is_named_by_its_kind_never_a_placeholder(name, unit, want):
    quote = "甲为7，乙为30亿元。"
    t = Term(name=name, value=Decimal(7), unit=unit, quote=quote, quote_start=0, quote_end=len(quote), start=2, end=3)
    d = Derivation(id="d#1", doc_id="d", subject="乙", result=Term("乙", Decimal(30), "亿元", quote, 0, len(quote), 6, 10),
                   inputs=(t, t), operation="product", start=0, end=len(quote))
    assert input_names(d) == [want, f"{want}（第2个）"]
