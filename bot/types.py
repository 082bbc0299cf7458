"""The data passed between pipeline stages.

ingest → Report + Chunk → store → Hit (retrieve) → Citation / Calculation → Answer.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class ReportMeta:
    """What the product knows about one report, apart from its text."""

    doc_id: str
    title: str
    broker: str = ""
    date: str = ""  # ISO yyyy-mm-dd when known
    author: str = ""
    source: str = ""  # file name the report was ingested from
    content_hash: str = ""  # sha256 of the cleaned text
    chunks: int = 0
    chars: int = 0  # length of the cleaned text
    status: str = "embedded"  # "indexed": searchable by keywords, vectors still to come; "embedded": both
    ingested: str = ""  # when it was written (ISO date and time, UTC)
    sketch: str = ""  # a bottom-k sketch of the cleaned text (ingest.twins): near-copies are found by it
    twin_of: str = ""  # the doc_id of the earlier report this one is a near-copy of ("" for none)

    def to_dict(self) -> dict[str, Any]:
        """Everything but the sketch (hashes, of no use to a reader)."""
        return {k: v for k, v in asdict(self).items() if k != "sketch"}


@dataclass(frozen=True)
class Report:
    meta: ReportMeta
    text: str  # the cleaned text; every chunk is an exact slice of it
    breaks: tuple[int, ...] = ()  # offsets in `text` where cleaning cut something out: chunks never span them
    cleaning: dict = field(default_factory=dict, compare=False)  # what cleaning removed, per rule


@dataclass(frozen=True)
class Chunk:
    chunk_id: str
    doc_id: str
    text: str
    start: int  # character offsets into Report.text
    end: int
    section: str = ""
    index: int = 0
    tokens: int = 0  # tiktoken count


@dataclass
class Hit:
    """A retrieved chunk with its report, fused score and per-retriever ranks."""

    chunk: Chunk
    report: ReportMeta
    score: float
    ranks: dict[str, int] = field(default_factory=dict)  # 1-based rank per retriever
    raw: dict[str, float] = field(default_factory=dict)  # raw score per retriever (BM25, cosine)
    # the report's cleaned text, when the caller has it: a sentence the chunk's edge cuts is read whole from it
    report_text: str | None = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "chunk_id": self.chunk.chunk_id,
            "doc_id": self.chunk.doc_id,
            "title": self.report.title,
            "broker": self.report.broker,
            "date": self.report.date,
            "source": self.report.source,
            "section": self.chunk.section,
            "text": self.chunk.text,
            "start": self.chunk.start,
            "end": self.chunk.end,
            "score": round(self.score, 6),
            "ranks": self.ranks,
            "raw": {k: round(v, 4) for k, v in self.raw.items()},
        }


@dataclass(frozen=True)
class Citation:
    n: int
    doc_id: str
    title: str
    broker: str
    date: str
    source: str
    chunk_id: str
    quote: str  # verbatim slice of the cleaned report text
    start: int  # offsets of the quote in the cleaned report text
    end: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Answer:
    question: str
    answer: str
    mode: str  # "extractive" | "llm"
    refused: bool = False
    citations: list[Citation] = field(default_factory=list)
    calculations: list[dict[str, Any]] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict, repr=False)  # Calculation objects, signals: not serialized

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "answer": self.answer,
            "mode": self.mode,
            "refused": self.refused,
            "citations": [c.to_dict() for c in self.citations],
            "calculations": self.calculations,
            "timings_ms": {k: round(v, 2) for k, v in self.timings_ms.items()},
            "notes": self.notes,
        }
