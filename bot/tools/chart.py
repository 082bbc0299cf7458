"""A range chart of model scenarios (low–high bar, mid marker, one row per scenario) as PNG.

Uses matplotlib's object API on an Agg canvas: no pyplot, no global rcParams changes.
Chinese labels use an installed CJK font when there is one; without one the chart is still
written, with English fallback labels where given and missing-glyph warnings silenced.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from bot.errors import ToolError
from bot.tools.formulas import Calculation, Estimate
from bot.tools.units import QuantityRange, format_number

# Families that cover Simplified Chinese, most likely first.
CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN", "WenQuanYi Zen Hei",
                "WenQuanYi Micro Hei", "Microsoft YaHei", "SimHei", "PingFang SC", "Heiti SC", "Hiragino Sans GB",
                "Noto Serif CJK SC", "AR PL UMing CN", "AR PL UKai CN", "Droid Sans Fallback", "Arial Unicode MS")
_CJK_HINTS = ("cjk", "han", "hei", "song", "kai", "ming", "wenquanyi", "yahei", "pingfang", "fallback", "gothic", "sc")
_ASCII_UNIT = {"亿元": "100 million yuan (yi)", "万元": "10 thousand yuan", "万亿元": "trillion yuan", "元": "yuan"}
_COLORS = {"computed": "#4C72B0", "user": "#DD8452", "stated": "#55A868"}


@dataclass(frozen=True)
class Scenario:
    label: str
    low: Decimal
    high: Decimal
    mid: Decimal | None = None
    kind: str = "computed"  # "computed" (report inputs) | "user" (what-if) | "stated" (the report's figure)
    label_en: str = ""  # used when no CJK font is installed


def find_cjk_font() -> str | None:
    """Path of an installed font that has Chinese glyphs, or None."""
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    fonts = font_manager.fontManager.ttflist
    ranked = sorted(fonts, key=lambda f: CJK_FAMILIES.index(f.name) if f.name in CJK_FAMILIES else len(CJK_FAMILIES))
    for f in ranked:
        if f.name not in CJK_FAMILIES and not any(h in f.name.lower() for h in _CJK_HINTS):
            continue
        try:
            if FT2Font(f.fname).get_char_index(ord("中")):
                return f.fname
        except (OSError, RuntimeError, ValueError):
            continue
    return None


def scenarios_from(calcs: list[Calculation]) -> tuple[list[Scenario], str]:
    """Scenarios from estimate Calculations (route.plan output): one per rebuild (the report's inputs, or the
    user's), plus the report's stated result once per estimate. Returns them with their common unit."""
    out: list[Scenario] = []
    unit = ""
    seen_stated: set[str] = set()
    for c in calcs:
        if c.tool not in ("rebuild_estimate", "market_size"):
            continue
        r = c.result
        unit = unit or r.unit
        low, mid, high = (r.low, r.mid, r.high) if isinstance(r, Estimate) else (r, r, r)
        try:
            low, mid, high = (q.to(unit).value for q in (low, mid, high))
        except ToolError:
            continue  # an intermediate a what-if went through (人数 on a chart of 亿元): in the text, not the chart
        model = c.extra.get("estimate", c.extra.get("model", ""))
        if c.extra.get("user"):
            users = [k for k, v in c.inputs.items() if v.source == "user"]
            out.append(Scenario("用户假设: " + "、".join(users), low, high, mid, "user", "user assumption"))
        else:
            out.append(Scenario("报告输入重算", low, high, mid, "computed",
                                "recomputed from report inputs"))
        stated = c.extra.get("stated")
        if stated is not None and model not in seen_stated:
            seen_stated.add(model)
            s = stated.to(unit)
            lo, hi = (s.low.value, s.high.value) if isinstance(s, QuantityRange) else (s.value, s.value)
            mid_s = None if isinstance(s, QuantityRange) else s.value
            out.append(Scenario("报告所述", lo, hi, mid_s, "stated", "stated in report"))
    order = {"computed": 0, "stated": 1, "user": 2}
    return sorted(out, key=lambda s: order.get(s.kind, 3)), unit


def range_chart(scenarios: list[Scenario], path: str | Path, title: str = "", unit: str = "",
                title_en: str = "") -> Path:
    """Draw one horizontal low–high bar per scenario (a dot when low == high) to a PNG.

    Args:
        scenarios: the rows, top to bottom.
        path: where to write the PNG (parent directories are created).
        title: chart title.
        title_en: the title used when no CJK font is installed.
        unit: unit of every value, shown on the x axis (e.g. "亿元").

    Raises:
        ToolError: no scenarios, or a scenario with low above high.
    """
    if not scenarios:
        raise ToolError("A chart needs at least one scenario.")
    for s in scenarios:
        if s.low > s.high:
            raise ToolError(f"Scenario {s.label!r} has low above high.")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure as MplFigure
    from matplotlib.font_manager import FontProperties

    font_path = find_cjk_font()
    font = FontProperties(fname=font_path) if font_path else FontProperties()

    def text(zh: str, en: str = "") -> str:
        return zh if font_path or zh.isascii() else (en or zh)

    # Without a CJK font, Chinese text is drawn as boxes; matplotlib warns for each glyph.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"Glyph .* missing from font")
        fig = MplFigure(figsize=(8, 1.2 + 0.7 * len(scenarios)), dpi=120)
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        rows = list(range(len(scenarios)))[::-1]
        for y, s in zip(rows, scenarios):
            lo, hi = float(s.low), float(s.high)
            color = _COLORS.get(s.kind, "#888888")
            if hi > lo:
                ax.barh(y, hi - lo, left=lo, height=0.5, color=color, alpha=0.8)
                ax.annotate(format_number(s.low, 2).text, (lo, y), xytext=(-4, 0), textcoords="offset points",
                            ha="right", va="center", fontsize=8)
                ax.annotate(format_number(s.high, 2).text, (hi, y), xytext=(4, 0), textcoords="offset points",
                            ha="left", va="center", fontsize=8)
            if s.mid is not None:
                ax.plot([float(s.mid)], [y], marker="D" if hi > lo else "o", color="black" if hi > lo else color, ms=7)
                ax.annotate(format_number(s.mid, 2).text, (float(s.mid), y), xytext=(0, 9), textcoords="offset points",
                            ha="center", fontsize=8)
        ax.set_yticks(rows)
        ax.set_yticklabels([text(s.label, s.label_en) for s in scenarios], fontproperties=font)
        ax.set_ylim(-0.7, len(scenarios) - 0.3)
        top = max(float(s.high) for s in scenarios)
        ax.set_xlim(left=min(0.0, min(float(s.low) for s in scenarios)), right=top * 1.15 if top > 0 else None)
        ax.set_xlabel(text(unit, _ASCII_UNIT.get(unit, "")), fontproperties=font)
        if title:
            ax.set_title(text(title, title_en or "Scenarios"), fontproperties=font)
        ax.grid(axis="x", alpha=0.3)
        fig.tight_layout()
        out = Path(path)
        out.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(out, format="png")
    return out


def chart_calculations(calcs: list[Calculation], path: str | Path, title: str = "",
                       title_en: str = "") -> Path | None:
    """Chart the model runs among `calcs` (e.g. route.plan output); None if there are none."""
    scenarios, unit = scenarios_from(calcs)
    return range_chart(scenarios, path, title, unit, title_en) if scenarios else None


__all__ = ["Scenario", "find_cjk_font", "scenarios_from", "range_chart", "chart_calculations"]
