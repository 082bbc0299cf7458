import warnings
from decimal import Decimal

import pytest

from bot.errors import ToolError
from bot.tools import chart
from bot.tools.chart import Scenario, chart_calculations, range_chart, scenarios_from
from bot.tools.route import plan

PNG = b"\x89PNG\r\n\x1a\n"


def test_scenarios_from_plan(corpus_figures, corpus_estimates):
    scenarios, unit = scenarios_from(plan("如果渗透率为20%", corpus_figures, corpus_estimates))
    assert unit == "亿元"
    assert [s.kind for s in scenarios] == ["computed", "stated", "user"]
    computed, stated, user = scenarios
    assert (computed.low, computed.mid, computed.high) == (15, 60, 105)
    assert stated.low == stated.high == stated.mid == 80
    assert user.low == user.high == 60 and "AI视频应用渗透率" in user.label


def test_range_chart_writes_png(tmp_path, corpus_figures, corpus_estimates):
    out = chart_calculations(plan("AIGC监管市场规模有多大", corpus_figures, corpus_estimates), tmp_path / "sub" / "c.png",
                             "AIGC监管市场", "AIGC regulation market")
    assert out.read_bytes().startswith(PNG)


def test_chart_without_cjk_font(tmp_path, monkeypatch):
    monkeypatch.setattr(chart, "find_cjk_font", lambda: None)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no glyph warnings leak out
        out = range_chart([Scenario("报告所述", Decimal(80), Decimal(80), Decimal(80), "stated")],
                          tmp_path / "a.png", "短视频", "亿元")
    assert out.read_bytes().startswith(PNG)


def test_chart_with_a_font_lacking_glyphs_still_works(tmp_path, monkeypatch):
    from matplotlib import font_manager

    monkeypatch.setattr(chart, "find_cjk_font", lambda: font_manager.findfont("DejaVu Sans"))
    out = range_chart([Scenario("中文标签", Decimal(1), Decimal(2), Decimal("1.5"))], tmp_path / "b.png", "标题", "亿元")
    assert out.read_bytes().startswith(PNG)


def test_find_cjk_font_returns_path_or_none():
    found = chart.find_cjk_font()
    assert found is None or isinstance(found, str)


def test_chart_errors(tmp_path):
    with pytest.raises(ToolError):
        range_chart([], tmp_path / "x.png")
    with pytest.raises(ToolError, match="low above high"):
        range_chart([Scenario("x", Decimal(2), Decimal(1))], tmp_path / "x.png")
    assert chart_calculations([], tmp_path / "x.png") is None
