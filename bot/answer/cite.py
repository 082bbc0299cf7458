"""One place that turns a span of a report into a Citation, and sentences of a hit into spans."""
from __future__ import annotations

from dataclasses import dataclass

from ..ingest.chunk import sentence_spans
from ..types import Citation, Hit


@dataclass(frozen=True)
class Sentence:
    hit: Hit
    text: str
    start: int  # offsets in the cleaned report text
    end: int
    rank: int  # rank of its hit (0 = best)


def sentences(hits: list[Hit]) -> list[Sentence]:
    """Every sentence of the retrieved chunks, with report offsets, deduplicated across overlapping chunks."""
    seen: set[tuple[str, int]] = set()
    out: list[Sentence] = []
    for rank, hit in enumerate(hits):
        text = hit.chunk.text
        for s in sentence_spans(text):
            start, end = hit.chunk.start + s.start, hit.chunk.start + s.end
            if (hit.chunk.doc_id, start) in seen:
                continue
            seen.add((hit.chunk.doc_id, start))
            out.append(Sentence(hit, text[s.start:s.end], start, end, rank))
    return out


def cite(n: int, hit: Hit, quote: str, start: int, end: int) -> Citation:
    r = hit.report
    return Citation(n=n, doc_id=r.doc_id, title=r.title, broker=r.broker, date=r.date, source=r.source,
                    chunk_id=hit.chunk.chunk_id, quote=quote, start=start, end=end)
