"""Example questions for the chat page, built from the library itself: its reports' titles and brokers (newest
first) and, when given, a figure a report states. Nothing here knows what the reports are about."""
from __future__ import annotations

from typing import Any, Sequence

from .answer.compose import BROKER_EN
from .library import title_parts
from .types import ReportMeta

MAX_TITLE = 24  # longer titles are named by one of their phrases: 《phrase》 still finds the report


def short_title(report: ReportMeta) -> str:
    """The title, or when it is long its longest distinctive phrase (not the broker's name or a stock code)."""
    title = report.title.strip()
    if len(title) <= MAX_TITLE:
        return title
    parts = [p for p in title_parts(title)
             if not p.isdigit() and not (report.broker and report.broker in p) and len(p) <= MAX_TITLE]
    return max(parts, key=len) if parts else title[:MAX_TITLE]


def example_questions(reports: Sequence[ReportMeta], lang: str = "zh", n: int = 5,
                      figures: Sequence[Any] = ()) -> list[str]:
    """Up to `n` questions about these reports in the UI language ("zh" or "en").

    A summary of the newest report, a figure it states (`figures`: objects with `label` and `year`, e.g.
    `Library.figures`; Chinese only, the labels are the reports' words), the risks and the investment
    opportunities a broker sees, a comparison of two reports, then summaries of older reports.
    With no reports, generic questions.
    """
    zh = lang != "en"
    recent = sorted(reports, key=lambda r: (r.date, r.title), reverse=True)
    if not recent:
        return (["请总结报告的主要观点", "报告提示了哪些风险？", "报告提出了哪些投资机会？"] if zh else
                ["Summarize the main points of the reports", "What risks do the reports point out?",
                 "What investment opportunities do the reports see?"])[:n]
    first = recent[0]
    brokers = list(dict.fromkeys(r.broker for r in recent if r.broker))
    other = next((r for r in recent[1:] if short_title(r) != short_title(first)), None)
    out = ["请总结《%s》的主要观点" % short_title(first) if zh else
           "Summarize the main points of 《%s》" % short_title(first)]
    if zh:
        fig = next((f for f in figures if getattr(f, "year", None) and getattr(f, "label", "")), None)
        if fig is not None:
            out.append(f"{fig.year}年{fig.label}是多少？")
    if brokers:
        risky, hopeful = brokers[0], brokers[min(1, len(brokers) - 1)]  # the two newest brokers
        out.append(f"{risky}提示了哪些风险？" if zh else f"What risks does {BROKER_EN.get(risky, risky)} point out?")
        out.append(f"{hopeful}认为有哪些投资机会？" if zh else
                   f"What investment opportunities does {BROKER_EN.get(hopeful, hopeful)} see?")
    if other is not None:
        a, b = short_title(first), short_title(other)
        out.append(f"比较《{a}》和《{b}》的观点" if zh else f"Compare 《{a}》 and 《{b}》")
    for r in recent[1:]:
        out.append("请总结《%s》的主要观点" % short_title(r) if zh else "Summarize the main points of 《%s》" % short_title(r))
    return list(dict.fromkeys(out))[:n]
