"""Numbers in answers: run the tool layer, cite every report input, show the formula line.

Each Calculation input that came from a report carries its figure's quote; it becomes a Citation and the
input's `citation` becomes that citation's number n. Inputs from the user are labelled as assumptions.
"""
from __future__ import annotations

import json
from typing import Callable, Sequence

from ..errors import ToolError
from ..tools import route
from ..tools.formulas import Calculation
from ..types import Citation, ReportMeta
from .cite import cite


def plan(question: str, figures: list, estimates: Sequence = ()) -> tuple[list[Calculation], str]:
    """(calculations, problem): problem is the tool layer's message when the intent was clear but it could not run."""
    try:
        return route.plan(question, figures, estimates) or [], ""
    except ToolError as e:
        return [], str(e)


def cite_calculations(calcs: list[Calculation], reports: Callable[[str], ReportMeta | None],
                      first_n: int = 1) -> tuple[list[dict], list[Citation]]:
    """Calculation dicts whose report inputs point at citation numbers, and those citations."""
    citations: list[Citation] = []
    by_span: dict[tuple[str, int, int], int] = {}
    out = []
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


def _value(inp: dict) -> str:
    v = inp["value"]
    shown = f"{v['low']}–{v['high']}" if isinstance(v, dict) else str(v)
    unit = inp["unit"]
    return f"{shown}{unit}" if unit in ("%",) or not unit.isascii() else f"{shown} {unit}"


def describe(calcs: list[dict], zh: bool) -> str:
    """The formula lines with their cited inputs, user assumptions marked."""
    lines = []
    for d in calcs:
        lines.append(("计算：" if zh else "Calculation: ") + d["formula"])
        parts = []
        for name, inp in d["inputs"].items():
            if inp["source"] == "user":
                parts.append(f"{name} {_value(inp)}（用户假设）" if zh else f"{name} {_value(inp)} (your assumption)")
            elif inp.get("citation"):
                parts.append(f"{name} {_value(inp)}[{inp['citation']}]")
            else:
                parts.append(f"{name} {_value(inp)}")
        if parts:
            lines.append(("输入：" if zh else "Inputs: ") + "；".join(parts) if zh else "Inputs: " + "; ".join(parts))
        if d.get("note"):
            lines.append(("说明：" if zh else "Note: ") + d["note"])
    return "\n".join(lines)


def tool_text(calcs: list[dict]) -> str:
    """Everything the tools produced, as text: numbers in an answer may come from here."""
    return json.dumps(calcs, ensure_ascii=False) + "\n" + "\n".join(d["formula"] + " " + d.get("note", "") for d in calcs)
