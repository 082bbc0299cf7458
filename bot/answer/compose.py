"""Turn chosen, cited sentences into the text a staff member reads — in the question's language."""
from __future__ import annotations

import re

from ..types import Citation, ReportMeta

BROKER_EN = {"中信证券": "CITIC Securities", "华鑫证券": "Huaxin Securities", "中金公司": "CICC",
             "华泰证券": "Huatai Securities", "国泰君安": "Guotai Junan", "海通证券": "Haitong Securities",
             "招商证券": "China Merchants Securities", "广发证券": "GF Securities", "中信建投": "CSC Financial"}

_ANALYSIS = {
    "summary": re.compile(r"总结|概括|摘要|概述|主要内容|讲了什么|说了什么|核心观点|summar|overview|main points|key points", re.I),
    "compare": re.compile(r"对比|比较|异同|两份报告|两篇|分别|各自|compare|comparison|both reports|differ", re.I),
    "themes": re.compile(r"投资主线|投资主题|投资机会|投资趋势|投资方向|受益|investment (themes?|ideas|opportunit)", re.I),
    "risks": re.compile(r"风险|risk", re.I),
}


def analysis_kind(question: str) -> str | None:
    for kind, rx in _ANALYSIS.items():
        if rx.search(question):
            return kind
    return None


def broker_name(broker: str, zh: bool) -> str:
    if zh or not broker:
        return broker
    return f"{BROKER_EN.get(broker, broker)} ({broker})"


def report_label(c: Citation | ReportMeta, zh: bool) -> str:
    date = f"，{c.date}" if zh and c.date else (f", {c.date}" if c.date else "")
    if zh:
        return f"{c.broker}《{c.title}》{date}"
    return f"{broker_name(c.broker, zh)}, “{c.title}”{date}"


def display_order(citations: list[Citation]) -> list[Citation]:
    """Group citations by report (reports in order of their best citation) and number them as shown."""
    from dataclasses import replace

    docs = list(dict.fromkeys(c.doc_id for c in citations))
    ordered = sorted(citations, key=lambda c: docs.index(c.doc_id))
    return [replace(c, n=i) for i, c in enumerate(ordered, 1)]


def compose(question: str, citations: list[Citation], zh: bool, grouped: bool) -> str:
    """Lead with the most direct sentence; group by report when asked to analyse or when reports differ."""
    if not citations:
        return ""
    docs = list(dict.fromkeys(c.doc_id for c in citations))
    if not grouped and len(docs) == 1:
        first = citations[0]
        lead = (f"据{first.broker}（{first.date}）：" if zh else
                f"According to {broker_name(first.broker, zh)} ({first.date}), the report states:")
        lines = [f"{lead}{c_line(c)}" if i == 0 else c_line(c) for i, c in enumerate(citations)]
        if not zh:
            lines = [lead] + [c_line(c) for c in citations]
        return "\n".join(lines)
    head = "各报告的相关内容：" if zh else "What each report says:"
    parts = [head]
    for d in docs:
        cs = [c for c in citations if c.doc_id == d]
        parts.append(("■ " if zh else "■ ") + report_label(cs[0], zh))
        parts.extend(f"  · {c_line(c)}" for c in cs)
    return "\n".join(parts)


def c_line(c: Citation) -> str:
    return f"{c.quote}[{c.n}]"


def refusal_text(zh: bool, reports: list[ReportMeta]) -> str:
    covered = "；".join(report_label(r, True) for r in reports[:6]) if zh else \
        "; ".join(report_label(r, False) for r in reports[:6])
    if zh:
        return ("抱歉，现有报告中没有找到能回答这个问题的内容，我不想凭空猜测。"
                + (f"目前可查询的报告有：{covered}。可以问问这些报告涉及的话题，例如 Sora、文生视频市场规模、AIGC 监管或投资主线。" if covered else ""))
    return ("Sorry — the reports I have do not answer this, and I would rather not guess."
            + (f" The reports I can search are: {covered}. Try a question on their topics, e.g. Sora, the text-to-video "
               "market size, AIGC regulation or the investment themes." if covered else ""))
