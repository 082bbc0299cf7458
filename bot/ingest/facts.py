"""Figures (quantitative facts) and estimates of a report, found at ingest and kept with the report.

Figures are found chunk by chunk; offsets are moved from the chunk into the cleaned report text, so a figure's
quote is cited like any other span (overlapping chunks find a figure twice; the first chunk keeps it).
Estimates (`bot.tools.estimates`) are found in the whole report text, since a passage may cross a chunk
boundary; each quote is tied to the chunk holding it.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path
from decimal import Decimal
from typing import Sequence

from ..tools import estimates as _estimates
from ..tools.estimates import Derivation, detect_estimates
from ..tools.figures import Figure, extract_figures
from ..types import Chunk


def _detector_digest() -> str:
    """A digest of the code that finds estimates: estimates kept by a store are found again (from the report's
    text, on first use) when that code has changed since they were stored — an upgrade is never stuck with what
    an older detector found."""
    folder = Path(_estimates.__file__).parent
    h = hashlib.sha256()
    for name in DETECTOR_MODULES:
        path = folder / name
        h.update(path.read_bytes() if path.exists() else name.encode())
    return h.hexdigest()[:16]


DETECTOR_MODULES = ("estimates.py", "estimate_tables.py", "written_formulas.py", "breakdowns.py", "named_shares.py",
                    "numbers.py", "units.py", "figures.py")
DETECTOR = _detector_digest()


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


def report_estimates(text: str, chunks: Sequence[Chunk], doc_id: str) -> list[Derivation]:
    """The estimates of a report (its cleaned text), each quote tied to the first chunk that holds it whole."""
    spans = sorted((c.start, c.start + len(c.text), c.chunk_id) for c in chunks)

    def chunk_of(start: int, end: int) -> str:
        return next((cid for a, b, cid in spans if a <= start and end <= b), "")

    out = []
    for d in detect_estimates(text, doc_id):
        terms = [dataclasses.replace(t, chunk_id=chunk_of(t.quote_start, t.quote_end)) for t in (d.result, *d.inputs)]
        out.append(dataclasses.replace(d, result=terms[0], inputs=tuple(terms[1:]), chunk_id=terms[0].chunk_id))
    return out


def to_json(figures: Sequence[Figure], estimates: Sequence[Derivation] | None = None) -> str:
    """One document per report: {"figures": [...], "estimates": [...]} (estimates None: not looked for yet)."""
    rows = []
    for f in figures:
        d = dataclasses.asdict(f)
        d["value"] = str(f.value)
        d["high"] = None if f.high is None else str(f.high)
        d["qualifiers"] = list(f.qualifiers)
        rows.append(d)
    doc = {"figures": rows, "estimates": None if estimates is None else [e.to_dict() for e in estimates],
           "detector": DETECTOR}
    return json.dumps(doc, ensure_ascii=False)


def estimates_from_json(text: str) -> list[Derivation] | None:
    """The estimates kept with a report; None when its document predates estimates (find them again)."""
    doc = json.loads(text) if text else None
    if not isinstance(doc, dict) or doc.get("estimates") is None or doc.get("detector") != DETECTOR:
        return None
    return [Derivation.from_dict(d) for d in doc["estimates"]]


def from_json(text: str) -> list[Figure]:
    if not text:
        return []
    doc = json.loads(text)
    out = []
    for d in (doc["figures"] if isinstance(doc, dict) else doc):  # a bare list: written before estimates
        d["value"] = Decimal(d["value"])
        d["high"] = None if d["high"] is None else Decimal(d["high"])
        d["qualifiers"] = tuple(d["qualifiers"])
        out.append(Figure(**d))
    return out
