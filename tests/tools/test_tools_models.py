from decimal import Decimal

import pytest

from bot.errors import ToolError
from bot.tools.figures import extract_figures
from bot.tools.formulas import Estimate, Operand
from bot.tools.models import AIGC_REGULATION, SHORT_VIDEO, build_model, detect_model, get_model
from bot.tools.units import Quantity


def test_aigc_regulation_from_corpus(corpus_figures):
    r = build_model("AIGC监管市场", corpus_figures)
    res = r.calculation.result
    assert isinstance(res, Estimate)
    assert res.low == Quantity("574.55", "亿元") and res.high == Quantity("1149.1", "亿元")
    d = r.calculation.to_dict()
    assert d["result"]["low"] == "574.55" and d["result"]["high"] == "1149.1"
    assert d["inputs"]["AIGC市场规模"]["source"] == "report"
    assert "11491亿元" in d["inputs"]["AIGC市场规模"]["citation"]["quote"]
    rec = r.reconciliation
    assert rec.agrees and not rec.exact
    assert "一致" in rec.message and "四舍五入" in rec.message and "575亿–1149亿元" in rec.message
    assert "after rounding" in rec.message_en
    assert r.calculations() == [r.calculation]


def test_short_video_from_corpus_and_reconciliation(corpus_figures):
    r = build_model(SHORT_VIDEO, corpus_figures)
    res = r.calculation.result
    assert (res.low.value, res.mid.value, res.high.value) == (15, 60, 105)
    assert r.calculation.formula == "3000亿元 × 10% × 5%–35% = 15亿–105亿元 (mid 60亿元 at 20%)"
    rec = r.reconciliation
    assert not rec.agrees
    assert "60亿元" in rec.message and "80亿元" in rec.message and "不一致" in rec.message
    assert rec.implied["短视频市场规模"] == Quantity("4000", "亿元")
    assert round(rec.implied["AI视频应用渗透率"].value, 2) == Decimal("26.67")
    assert "4000亿元" in rec.message and "≈26.67%" in rec.message
    assert "2022年" in rec.message and "2025年" in rec.message  # the base is an earlier year
    tools = [c.tool for c in r.calculations()]
    assert tools == ["market_size", "implied_input", "implied_input"]
    implied = r.calculations()[1].to_dict()
    assert implied["formula"] == "80亿元 ÷ (10% × 20%) = 4000亿元"
    assert implied["result"] == {"value": "4000", "unit": "亿元"}
    assert implied["inputs"]["短视频文生视频市场规模"]["source"] == "report"
    assert "接近" in r.calculation.note  # the base is "接近3000亿元": said, not hidden


def test_models_follow_the_text_not_constants():
    text = ("2022年短视频市场规模已接近4000亿元。假设视频创作成本占市场总规模的10%,并在AI视频应用渗透率为5%-35%的情况下,"
            "预测2025年国内文生视频技术在短视频领域的潜在市场规模中值将达到80亿元。")
    r = build_model("text-to-video market", extract_figures(text, doc_id="x"))
    assert r.calculation.result.mid == Quantity("80", "亿元")
    assert r.reconciliation.agrees and r.reconciliation.exact


def test_missing_input_names_it(corpus_figures):
    figs = [f for f in corpus_figures if f.label != "AI视频应用渗透率"]
    with pytest.raises(ToolError, match="AI视频应用渗透率"):
        build_model("文生视频市场", figs)
    with pytest.raises(ToolError, match="AIGC市场规模"):
        build_model("监管市场", [])


def test_no_stated_figure_means_no_reconciliation(corpus_figures):
    figs = [f for f in corpus_figures if f.label != "AIGC监管市场规模"]
    r = build_model(AIGC_REGULATION, figs)
    assert r.stated is None and r.reconciliation is None


def test_overrides_are_user_and_unknown_ones_rejected(corpus_figures):
    r = build_model(SHORT_VIDEO, corpus_figures, {"AI视频应用渗透率": Operand(Quantity("20", "%"), "user")})
    assert r.calculation.result == Quantity("60", "亿元")
    assert r.calculation.inputs["AI视频应用渗透率"].source == "user"
    assert r.reconciliation is None
    with pytest.raises(ToolError, match="no input"):
        build_model(SHORT_VIDEO, corpus_figures, {"growth": Operand(Quantity("1", "%"))})


@pytest.mark.parametrize("alias,model", [
    ("短视频文生视频市场", SHORT_VIDEO), ("文生视频市场", SHORT_VIDEO), ("Text-to-video market", SHORT_VIDEO),
    ("AIGC监管市场", AIGC_REGULATION), ("监管市场", AIGC_REGULATION), ("AIGC regulation market", AIGC_REGULATION),
])
def test_aliases(alias, model):
    assert get_model(alias) is model
    assert detect_model(f"请问{alias}的规模有多大?") is model


def test_unknown_model():
    with pytest.raises(ToolError, match="Unknown model"):
        get_model("电动车市场")
    assert detect_model("Sora是什么?") is None
