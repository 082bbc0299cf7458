"""Numbers in answers: run the tool layer, cite every report input, show the formula line.

Each Calculation input that came from a report carries its figure's quote; it becomes a Citation and the
input's `citation` becomes that citation's number n. Inputs from the user are labelled as assumptions.
"""
from __future__ import annotations

import json
import re
from typing import Callable, Sequence

from ..errors import ToolError
from ..tools import route
from ..tools.formulas import INEXACT_NOTE, Calculation
from ..types import Citation, ReportMeta
from .cite import cite
from .compose import source_phrase


def plan(question: str, figures: list, estimates: Sequence = ()) -> tuple[list[Calculation], str]:
    """(calculations, problem): problem is the tool layer's message when the intent was clear but it could not run."""
    try:
        return route.plan(question, figures, estimates) or [], ""
    except ToolError as e:
        return [], str(e)


def cite_calculations(calcs: list[Calculation], reports: Callable[[str], ReportMeta | None],
                      first_n: int = 1) -> tuple[list[dict], list[Citation]]:
    """Calculation dicts whose report inputs point at citation numbers, and those citations. The result an
    estimate states (a rebuilt estimate's `stated_citation`) is cited first: the answer leads with it."""
    citations: list[Citation] = []
    by_span: dict[tuple[str, int, int], int] = {}
    out = []
    for calc in calcs:
        ref = calc.extra.get("stated_citation")
        if isinstance(ref, dict) and (ref["doc_id"], ref["start"], ref["end"]) not in by_span:
            report = reports(ref["doc_id"])
            if report is not None:
                n = first_n + len(citations)
                citations.append(cite(n, report, ref["chunk_id"], ref["quote"], ref["start"], ref["end"]))
                by_span[(ref["doc_id"], ref["start"], ref["end"])] = n
        if isinstance(ref, dict):
            calc.extra["stated_n"] = by_span.get((ref["doc_id"], ref["start"], ref["end"]))
    for calc in calcs:
        d = calc.to_dict()
        for name, inp in d["inputs"].items():
            ref = inp.get("citation")
            if inp["source"] != "report" or not isinstance(ref, dict):
                inp["citation"] = None
                continue
            key = (ref["doc_id"], ref["start"], ref["end"])
            if key not in by_span:
                report = reports(ref["doc_id"])
                if report is None:
                    inp["citation"] = None
                    continue
                n = first_n + len(citations)
                citations.append(cite(n, report, ref["chunk_id"], ref["quote"], ref["start"], ref["end"]))
                by_span[key] = n
            inp["citation"] = by_span[key]
        out.append(d)
    return out, citations


def lead(calcs: list[Calculation], zh: bool, citations: Sequence[Citation] = ()) -> str:
    """The answer's first line for an estimate: what the report states (cited, saying which report as a fact
    answer does: 「据X《…》（date）：」), and what its own inputs give — or, for a what-if, the result with the user's
    values next to the report's."""
    first = next((c for c in calcs if c.tool == "rebuild_estimate"), None)
    if first is None:
        return ""
    n = first.extra.get("stated_n")
    mark = f"[{n}]" if n else ""
    subject = first.extra.get("subject") or ("估算结果" if zh else "the estimate")
    period = first.extra.get("period") or ""
    stated = _shown(first.extra.get("stated"))
    result = _result(first.to_dict()["result"])
    if first.extra.get("user"):
        own = next((c for c in calcs if c.tool == "rebuild_estimate" and not c.extra.get("user")), None)
        users = "、".join(f"{k}={_value(v.to_dict())}" for k, v in first.inputs.items() if v.source == "user")
        upstream = [c for c in calcs if c is not first and c.tool == "rebuild_estimate" and c.extra.get("user")]
        if upstream:  # a what-if carried through an intermediate the report states (渗透率 → 人数 → 市场空间)
            said = "、".join(f"{k}={_value(v.to_dict())}" for c in upstream for k, v in c.inputs.items()
                            if v.source == "user")
            users = f"{said}，即{users}" if zh else f"{said}, so {users}"
        if zh:
            line = f"按你的假设（{users}），{period}{subject}为{result}"
            return line + (f"；报告原估算为{_result(own.to_dict()['result'])}，报告所述为{stated}{mark}。" if own else "。")
        line = f"With your assumption ({users}), {subject} {period} would be {result}"
        return line + (f"; the report's inputs give {_result(own.to_dict()['result'])} and it states {stated}{mark}." if own else ".")
    verdict = first.extra.get("message" if zh else "message_en", "")
    cited = next((c for c in citations if c.n == n), None) if n else None
    if zh:
        said = f"{source_phrase(cited, zh)}：{period}{subject}估算为" if cited else f"报告估算{period}{subject}为"
        return f"{said}{stated}{mark}。{verdict}"
    said = f"{source_phrase(cited, zh)}: {subject} {period} is estimated at" if cited else \
        f"The report estimates {subject} {period} at"
    return f"{said} {stated}{mark}. {verdict}"


def _shown(v) -> str:
    from ..tools.rebuild import show
    return show(v) if v is not None else ""


def _result(r: dict) -> str:
    if "low" in r:
        return f"{r['low']}–{r['high']}{r['unit']}（中值{r['mid']}{r['unit']}）"
    return f"{r['value']}{r['unit']}"


def _value(inp: dict) -> str:
    v = inp["value"]
    shown = f"{v['low']}–{v['high']}" if isinstance(v, dict) else str(v)
    unit = inp["unit"]
    return f"{shown}{unit}" if unit in ("%",) or not unit.isascii() else f"{shown} {unit}"


def describe(calcs: list[dict], zh: bool, labels: dict[str, str] | None = None) -> str:
    """The formula lines with their cited inputs, user assumptions marked. `labels` names the first calculation's
    inputs as the question does (「2025年甲行业市场规模」 for the tool's `value`)."""
    lines = []
    for i, d in enumerate(calcs):
        lines.append(("计算：" if zh else "Calculation: ") + d["formula"].replace("= ≈", "≈"))
        parts = []
        for name, inp in d["inputs"].items():
            name = (labels or {}).get(name, name) if i == 0 else name
            name = _ZH_NAMES.get(name, name) if zh else _EN_NAMES.get(name, name)
            if inp["source"] == "user":
                parts.append(f"{name} {_value(inp)}（用户假设）" if zh else f"{name} {_value(inp)} (your assumption)")
            elif inp.get("citation"):
                parts.append(f"{name} {_value(inp)}[{inp['citation']}]")
            else:
                parts.append(f"{name} {_value(inp)}")
        if parts:
            lines.append(("输入：" if zh else "Inputs: ") + "；".join(parts) if zh else "Inputs: " + "; ".join(parts))
        # (a rounded result's note on the digits kept is the tools' contract; in the chat the formula's ≈ says it)
        note = (d.get("note") or "").replace(INEXACT_NOTE, "").strip()
        if note:
            lines.append("说明：" + note if zh else "Note: " + _note_en(note))
    return "\n".join(lines)


# the tools write their notes in Chinese; an English answer says their fixed phrases in English (the names of
# inputs stay as the report writes them)
_EN_NAMES = {"报告所述结果": "the stated result", "start_value": "start value", "end_value": "end value"}
_ZH_NAMES = {"years": "年数", "start_value": "起始值", "end_value": "期末值", "value": "数值", "base": "基数",
             "part": "部分", "total": "总量", "rate": "增速"}
_EN_PHRASES = [
    (re.compile(r"报告所述结果所需的(.+?)（其余输入取中值不变）"), r"\1 the stated result needs (other inputs at their mid values)"),
    (re.compile(r"报告所述占比所需的(.+)"), r"\1 the stated share needs"),
    (re.compile(r"；用户假设："), "; your assumptions: "),
    (re.compile(r"；其余输入取报告原值"), "; other inputs as the report gives them"),
    (re.compile(r"。$"), "."),
]


def _note_en(note: str) -> str:
    for pattern, english in _EN_PHRASES:
        note = pattern.sub(english, note)
    return note


def tool_text(calcs: list[dict]) -> str:
    """Everything the tools produced, as text: numbers in an answer may come from here."""
    return json.dumps(calcs, ensure_ascii=False) + "\n" + "\n".join(d["formula"] + " " + d.get("note", "") for d in calcs)
