"""Properties of estimate rebuilding (Hypothesis): whatever the report's numbers, a passage written as reports
write a derivation is rebuilt to the exact value of its formula, agrees with a result printed from it, and a
what-if on one input moves the result exactly as the formula says. Passages are generated, never a report's."""
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import assume, given, settings, strategies as st

from bot.tools.estimates import detect_estimates
from bot.tools.rebuild import input_names, rebuild

amounts = st.integers(min_value=11, max_value=9_999)
shares = st.integers(min_value=2, max_value=95)
PROPS = settings(max_examples=200, deadline=None)


def _printed(x: Decimal) -> str:
    """The result as a report prints it: two decimals (half up), trailing zeros dropped."""
    return format(x.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP).normalize(), "f")


def _only(text: str):
    found = detect_estimates(text, "doc")
    assert len(found) == 1, (text, [(d.result.text, [t.text for t in d.inputs]) for d in found])
    return found[0]


def _value(r) -> Decimal:
    res = r.calculation.result
    return getattr(res, "mid", res).value


@PROPS
@given(a=amounts, b=amounts, p=shares)
def test_a_sum_of_segments_times_a_share_rebuilds_exactly(a, b, p):
    exact = Decimal(a + b) * p / 100
    d = _only(f"2022年甲区和乙区销售额分别为{a}亿元和{b}亿元，按照出厂价占终端价格{p}%测算，出厂口径市场规模合计约{_printed(exact)}亿元。")
    r = rebuild(d)
    assert d.operation == "product_of_sum" and _value(r) == exact and r.verdict in ("agrees", "rounding")
    share = next(n for n, t in zip(input_names(d), d.inputs) if t.unit == "%")
    doubled = rebuild(d, {share: f"{min(2 * p, 100)}%"})
    assert _value(doubled) == Decimal(a + b) * min(2 * p, 100) / 100 and doubled.verdict is None


@PROPS
@given(n=st.integers(min_value=2, max_value=9_999), price=st.integers(min_value=20, max_value=99_999))
def test_quantity_times_unit_price_rebuilds_exactly_in_the_results_unit(n, price):
    exact = Decimal(n) * price / 10_000  # 万台 × 元 = 万元; 亿元 is 10,000 万元
    assume(exact >= 1)  # a smaller market is written in 万元 by reports
    d = _only(f"预计2025年国内新增装机约{n}万台，按单台均价{price}元测算，对应市场空间约{_printed(exact)}亿元。")
    r = rebuild(d)
    assert d.operation == "quantity_x_price" and _value(r) == exact and r.verdict in ("agrees", "rounding")
    qty = input_names(d)[[t.unit for t in d.inputs].index("万台")]
    assert _value(rebuild(d, {qty: f"{2 * n}万台"})) == 2 * exact


@PROPS
@given(base=amounts, p=shares, q=shares)
def test_a_base_times_two_shares_rebuilds_exactly_and_a_wrong_result_says_what_it_needs(base, p, q):
    exact = Decimal(base) * p * q / 10_000
    assume(exact >= 1)  # a smaller market is written in 万元 by reports
    assume(p * q * 5 < 20_000 and 40 not in (p, q))  # 2.5 × the product stays below the base; 2.5 × 40% is 1
    text = f"2025年行业总规模约{base}亿元，假设细分领域占比{p}%，渗透率为{q}%，则对应市场规模约为{{}}亿元。"
    d = _only(text.format(_printed(exact)))
    assert d.operation == "product" and _value(rebuild(d)) == exact and rebuild(d).verdict in ("agrees", "rounding")
    stated = Decimal(_printed(exact * Decimal("2.5")))  # (no other share makes it a product of fewer inputs)
    wrong = _only(text.format(stated))
    r = rebuild(wrong)
    assert r.verdict == "differs"  # 2.5 times the product is no rounding
    base_name = input_names(wrong)[[t.unit for t in wrong.inputs].index("亿元")]
    assert abs(r.implied[base_name].value - stated * 10_000 / (p * q)) < Decimal("1e-15")  # the base it needs
