"""Turn chosen, cited sentences into the text a staff member reads — in the question's language."""
from __future__ import annotations

import re

from ..text import is_table_like
from ..types import Citation, ReportMeta

from .glossary import BROKER_NAMES

BROKER_EN = {zh: e["shown"] for zh, e in BROKER_NAMES.items() if "shown" in e}  # the English name an answer shows

_ANALYSIS = {
    "summary": re.compile(r"总结|概括|摘要|概述|主要内容|讲了什么|说了什么|核心观点|summar|overview|main points|key points", re.I),
    "compare": re.compile(r"对比|比较|异同|两份报告|两篇|分别|各自|compare|comparison|both reports|differ", re.I),
    "themes": re.compile(r"投资主线|投资主题|投资机会|投资趋势|投资方向|受益|investment (themes?|ideas|opportunit)", re.I),
    "risks": re.compile(r"风险|risk", re.I),
}


GROUPED_KINDS = ("summary", "compare", "themes", "risks")  # questions answered report by report


def analysis_kind(question: str) -> str | None:
    for kind, rx in _ANALYSIS.items():
        if rx.search(question):
            return kind
    return None


def broker_name(broker: str, zh: bool) -> str:
    if zh or not broker or broker not in BROKER_EN:
        return broker
    return f"{BROKER_EN[broker]} ({broker})"


def report_label(c: Citation | ReportMeta, zh: bool) -> str:
    """「broker《title》，date」 with whatever is known — never empty brackets or a dangling comma."""
    if zh:
        return f"{c.broker}《{c.title}》" + (f"，{c.date}" if c.date else "")
    parts = [broker_name(c.broker, zh), f"“{c.title}”", c.date]
    return ", ".join(p for p in parts if p)


def source_phrase(c: Citation, zh: bool) -> str:
    """Who says it, for the lead line: 「据华泰证券《…》（2020-07-05）」."""
    if zh:
        who = c.broker or ""
        return f"据{who}《{c.title}》" + (f"（{c.date}）" if c.date else "")
    who = broker_name(c.broker, zh)
    return "According to " + ", ".join(p for p in (who, f"“{c.title}”", c.date) if p)


def display_order(citations: list[Citation]) -> list[Citation]:
    """Group citations by report (reports in order of their best citation) and number them as shown."""
    from dataclasses import replace

    docs = list(dict.fromkeys(c.doc_id for c in citations))
    ordered = sorted(citations, key=lambda c: docs.index(c.doc_id))
    return [replace(c, n=i) for i, c in enumerate(ordered, 1)]


def compose(question: str, citations: list[Citation], zh: bool, grouped: bool) -> str:
    """One question, one answer: the most direct sentence leads, with its source; supporting quotes follow.
    Report by report only when the question asks to compare or summarise (`grouped`)."""
    if not citations:
        return ""
    docs = list(dict.fromkeys(c.doc_id for c in citations))
    if not grouped:
        first = citations[0]
        lead = source_phrase(first, zh) + ("：" if zh else ", the report states: ")
        lines = [f"{lead}{c_line(first)}"]
        for c in citations[1:]:
            if c.doc_id == first.doc_id:
                lines.append(c_line(c))
            else:
                lines.append((f"另见{report_label(c, True)}：" if zh else f"See also {report_label(c, False)}: ") + c_line(c))
        return "\n".join(lines)
    head = "各报告的相关内容：" if zh else "What each report says:"
    parts = [head]
    for d in docs:
        cs = [c for c in citations if c.doc_id == d]
        parts.append("■ " + report_label(cs[0], zh))
        parts.extend(f"  · {c_line(c)}" for c in cs)
    return "\n".join(parts)


def c_line(c: Citation) -> str:
    if is_table_like(c.quote):
        return f"（表格）{c.quote}[{c.n}]"  # a flattened table row: shown as what it is
    return f"{c.quote}[{c.n}]"


def refusal_text(zh: bool, reports) -> str:
    """A kind refusal that says what the library does cover (its size, brokers and a few recent titles —
    derived from the reports, never a fixed topic list). `reports`: a list of ReportMeta or a Library."""
    if hasattr(reports, "sources"):
        reports = reports.sources()
    reports = list(reports)
    recent = sorted(reports, key=lambda r: r.date or "", reverse=True)[:3]
    brokers = list(dict.fromkeys(r.broker for r in reports if r.broker))
    if zh:
        text = "抱歉，现有报告中没有找到能回答这个问题的内容，我不想凭空猜测。"
        if reports:
            text += f"目前可查询 {len(reports)} 份报告"
            text += f"（来自{'、'.join(brokers[:5])}{'等' if len(brokers) > 5 else ''}）" if brokers else ""
            text += "，例如：" + "；".join(f"《{r.title}》" for r in recent) + "。可以换个问法，或问问这些报告涉及的公司、行业和数据。"
        return text
    text = "Sorry — the reports I have do not answer this, and I would rather not guess."
    if reports:
        text += f" I can search {len(reports)} report(s)"
        text += f" (from {', '.join(broker_name(b, False) for b in brokers[:5])})" if brokers else ""
        text += ", e.g. " + "; ".join(f"“{r.title}”" for r in recent) + ". Try asking about their companies, sectors or figures."
    return text
