"""Near-copies: one report stored twice under two names (two downloads of the same PDF, a re-titled repost).

An exact copy (the same cleaned text) is skipped at ingest; a near-copy differs by a title line, a page header or
a few characters of extraction, so its text hash differs. Each report carries a sketch of its cleaned text — the
SKETCH smallest hashes of its SHINGLE-character runs (whitespace dropped), a bottom-k MinHash — and two sketches
estimate the share of runs the texts have in common (Jaccard). A report whose sketch is NEAR to an earlier one's is
kept (nothing is lost: an update may change a figure) and linked to it: `twin_of`, which answers use to count
the two as one source.
"""
from __future__ import annotations

import base64
import zlib
from functools import lru_cache
from typing import Iterable

from ..types import ReportMeta

SHINGLE = 12  # characters per run: long enough that shared boilerplate phrases do not make reports alike
SKETCH = 64  # hashes kept per report (the estimate's standard error at 0.9 is about 0.04)
NEAR = 0.85  # estimated Jaccard from which two reports are one report's copies (reports-dev, cleaned texts: 18
# pairs of copies at 0.95–1.0; the next pairs, a shorter and a revised edition 「…总结更新」, at 0.64 and 0.61)
FORMAT = "b1:"  # a sketch's format tag: base64 of big-endian 32-bit hashes (a sketch without it is made again)
_MIX = 0x9E3779B1  # spreads crc32 values over 32 bits (a multiplicative hash) before the smallest are taken


def sketch(text: str) -> str:
    """The text's bottom-k sketch (FORMAT, then the hashes, sorted); "" for a text shorter than a run."""
    flat = "".join(text.split())
    runs = {flat[i:i + SHINGLE] for i in range(len(flat) - SHINGLE + 1)}
    hashes = sorted({(zlib.crc32(r.encode("utf-8")) * _MIX) & 0xFFFFFFFF for r in runs})[:SKETCH]
    return FORMAT + base64.b64encode(b"".join(h.to_bytes(4, "big") for h in hashes)).decode() if hashes else ""


def current(s: str) -> bool:
    """Whether `s` is a sketch of the current format (a store written before it holds none, or another)."""
    return s.startswith(FORMAT)


@lru_cache(maxsize=8192)
def _hashes(s: str) -> frozenset[int]:
    """A sketch's hashes (decoded once: a new report is compared with every report of the library)."""
    raw = base64.b64decode(s[len(FORMAT):])
    return frozenset(int.from_bytes(raw[i:i + 4], "big") for i in range(0, len(raw), 4))


def similarity(a: str, b: str) -> float:
    """Estimated Jaccard similarity of the two texts the sketches `a` and `b` were made from."""
    if not current(a) or not current(b):
        return 0.0
    ha, hb = _hashes(a), _hashes(b)
    union = sorted(ha | hb)[:SKETCH]  # the bottom-k of the union: a sample of its runs
    return sum(1 for h in union if h in ha and h in hb) / len(union)


def find_twin(meta: ReportMeta, earlier: Iterable[ReportMeta]) -> tuple[ReportMeta, float] | None:
    """The earlier report `meta` is a near-copy of (the most alike, at least NEAR), and how alike; or None."""
    best: tuple[ReportMeta, float] | None = None
    for other in earlier:
        if other.doc_id == meta.doc_id:
            continue
        sim = similarity(meta.sketch, other.sketch)
        if sim >= NEAR and (best is None or sim > best[1]):
            best = (other, sim)
    return best


def source_id(report: ReportMeta) -> str:
    """The report a source stands for: the earlier copy for a near-copy, else itself."""
    return report.twin_of or report.doc_id
