"""One place that turns a span of a report into a Citation, and sentences of a hit into spans."""
from __future__ import annotations

from dataclasses import dataclass

from ..ingest.chunk import is_heading, sentence_spans
from ..types import Citation, Hit, ReportMeta


@dataclass(frozen=True)
class Sentence:
    hit: Hit
    text: str
    start: int  # offsets in the cleaned report text
    end: int
    rank: int  # rank of its hit (0 = best)
    section: str = ""  # the heading the sentence sits under


def sentences(hits: list[Hit]) -> list[Sentence]:
    """Every sentence of the retrieved chunks, with report offsets, deduplicated across overlapping chunks."""
    seen: set[tuple[str, int]] = set()
    out: list[Sentence] = []
    for rank, hit in enumerate(hits):
        text = hit.chunk.text
        section = hit.chunk.section
        for s in sentence_spans(text, full_stops_only=True):
            body = text[s.start:s.end]
            if s.para_start and is_heading(body):
                section = body
            start, end = hit.chunk.start + s.start, hit.chunk.start + s.end
            if (hit.chunk.doc_id, start) in seen:
                continue
            seen.add((hit.chunk.doc_id, start))
            out.append(Sentence(hit, body, start, end, rank, section))
    return out


def cite(n: int, report: ReportMeta, chunk_id: str, quote: str, start: int, end: int) -> Citation:
    """The one way to cite a span [start, end) of a report."""
    r = report
    return Citation(n=n, doc_id=r.doc_id, title=r.title, broker=r.broker, date=r.date, source=r.source,
                    chunk_id=chunk_id, quote=quote, start=start, end=end)
