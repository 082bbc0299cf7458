"""Figures (quantitative facts) of a report, found at ingest chunk by chunk and kept with the report.

Offsets are moved from the chunk into the cleaned report text, so a figure's quote is cited like any
other span. Overlapping chunks find a figure twice; the first chunk keeps it.
"""
from __future__ import annotations

import dataclasses
import json
from decimal import Decimal
from typing import Sequence

from ..tools.figures import Figure, extract_figures
from ..types import Chunk


def report_figures(chunks: Sequence[Chunk]) -> list[Figure]:
    seen: set[int] = set()
    out: list[Figure] = []
    for c in chunks:
        for f in extract_figures(c.text, c.doc_id, c.chunk_id):
            at = c.start + f.value_start
            if at in seen:
                continue
            seen.add(at)
            out.append(dataclasses.replace(f, start=c.start + f.start, end=c.start + f.end, value_start=at,
                                           value_end=c.start + f.value_end))
    return out


def to_json(figures: Sequence[Figure]) -> str:
    rows = []
    for f in figures:
        d = dataclasses.asdict(f)
        d["value"] = str(f.value)
        d["high"] = None if f.high is None else str(f.high)
        d["qualifiers"] = list(f.qualifiers)
        rows.append(d)
    return json.dumps(rows, ensure_ascii=False)


def from_json(text: str) -> list[Figure]:
    if not text:
        return []
    out = []
    for d in json.loads(text):
        d["value"] = Decimal(d["value"])
        d["high"] = None if d["high"] is None else Decimal(d["high"])
        d["qualifiers"] = tuple(d["qualifiers"])
        out.append(Figure(**d))
    return out
