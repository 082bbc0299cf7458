"""One place that turns a span of a report into a Citation, and sentences of a hit into spans."""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ..ingest.chunk import is_heading, sentence_spans
from ..ingest.twins import source_id
from ..text import quote_quality
from ..types import Citation, Hit, ReportMeta

REACH = 160  # characters a quote cut by its chunk's edge may grow by, each way, to become its whole sentence
_FULL_STOPS = "。！？!?…"


@dataclass(frozen=True)
class Sentence:
    hit: Hit
    text: str
    start: int  # offsets in the cleaned report text
    end: int
    rank: int  # rank of its hit (0 = best)
    section: str = ""  # the heading the sentence sits under


def sentences(hits: list[Hit]) -> list[Sentence]:
    """Every sentence of the retrieved chunks, with report offsets, deduplicated across overlapping chunks. A
    sentence the chunk's edge cuts (a long one is split at 「；」 or a comma) is read whole from the report's text
    when the hit carries it (`whole_span`): 「专科药：…收入同比减少5.35%至818亿港元；」 ends a chunk whose next one
    begins 「归母净利润139亿港元，同比增长16.86%。」 — neither half states 专科药's 净利润 growth."""
    seen: set[tuple[str, int]] = set()
    said: set[tuple[str, str]] = set()
    out: list[Sentence] = []
    for rank, hit in enumerate(hits):
        text = hit.chunk.text
        section = hit.chunk.section
        for s in sentence_spans(text, full_stops_only=True):
            body = text[s.start:s.end]
            if s.para_start and is_heading(body):
                section = body
            start, end = hit.chunk.start + s.start, hit.chunk.start + s.end
            if hit.report_text is not None and (start == hit.chunk.start or end == hit.chunk.end):
                whole = whole_span(hit.report_text, start, end, hit.chunk.start, hit.chunk.end)
                if whole != (start, end) and quote_quality(hit.report_text[whole[0]:whole[1]]) >= quote_quality(body):
                    start, end = whole  # (a table run grown is no sentence: it stays as its chunk cut it)
                    body = hit.report_text[start:end]
            if (hit.chunk.doc_id, start) in seen or (source_id(hit.report), body) in said:
                continue  # (a sentence its near-copy, or its own report elsewhere, already gave is not said twice)
            seen.add((hit.chunk.doc_id, start))
            said.add((source_id(hit.report), body))
            out.append(Sentence(hit, body, start, end, rank, section))
    return out


def whole_span(text: str, start: int, end: int, chunk_start: int, chunk_end: int, reach: int = REACH
               ) -> tuple[int, int]:
    """The whole sentence (full stops only, one line, at most `reach` characters more each way) around a span its
    chunk's edge cut; the span itself when it is whole, its text is not the report's, or no end is within reach."""
    if text[start:end].strip() == "":
        return start, end
    if end == chunk_end and text[end - 1:end] not in _FULL_STOPS:
        end = _sentence_end(text, start, end, reach, stops=_FULL_STOPS, items=False)
    # (a chunk starting after 「；」 starts an enumeration item: 「狂免批签发15.87万瓶，同比下降76.90%。」 reads whole)
    if start == chunk_start and start > 0 and text[start - 1] not in _FULL_STOPS + "\n；;":
        start = _sentence_start(text, start, end, reach, items=False)
    return start, end


def cite(n: int, report: ReportMeta, chunk_id: str, quote: str, start: int, end: int) -> Citation:
    """The one way to cite a span [start, end) of a report."""
    r = report
    return Citation(n=n, doc_id=r.doc_id, title=r.title, broker=r.broker, date=r.date, source=r.source,
                    chunk_id=chunk_id, quote=quote, start=start, end=end)


# A quote ending in one of these reads whole: a sentence's end, or the end of one item of an enumeration (「；」).
_STOPS = "。！？!?…”’」』）)】\"'；;"
_ITEM = re.compile(r"[；;]")


def whole_sentence(c: Citation, chunk_start: int, chunk_end: int, text: str, reach: int = REACH) -> Citation:
    """A quote its chunk cut mid-sentence (a sentence too long for one chunk is split at commas) grows in the
    report `text` to the whole sentence `sentence_spans` reads there — or the enumeration item (「…；」) it is in.
    A sentence stops at a line break and a cleaning cut is one, so a quote never spans a cut. An edge is left as
    it is when it is not its chunk's, when it already reads whole, or when the sentence's edge is more than
    `reach` characters away."""
    if not c.quote or text[c.start:c.end] != c.quote:
        return c
    start, end = c.start, c.end
    if end == chunk_end and c.quote[-1] not in _STOPS:
        end = _sentence_end(text, start, end, reach)
    if start == chunk_start and start > 0 and not _starts_sentence(text, start):
        start = _sentence_start(text, start, end, reach)
    return c if (start, end) == (c.start, c.end) else replace(c, quote=text[start:end], start=start, end=end)


def _starts_sentence(text: str, at: int) -> bool:
    before = text[max(0, at - 8):at].rstrip(" \t\u3000")
    return not before or before[-1] in "。！？!?…\n；;"


def _sentence_end(text: str, start: int, end: int, reach: int, stops: str = _STOPS, items: bool = True) -> int:
    """Where the sentence a span starts in ends (or the enumeration item, with `items`); `end` when not in reach."""
    window = text[start:end + reach]
    spans = sentence_spans(window, full_stops_only=True)
    if not spans or spans[0].start != 0 or spans[0].end <= end - start:
        return end  # the sentence ends where the quote does (a line break, a list item, a source list)
    if not (len(spans) > 1 or end + reach >= len(text) or window[spans[0].end - 1] in stops):
        return end  # no end within reach: a shown quote stays short
    item = _ITEM.search(text, end, start + spans[0].end) if items else None
    return item.end() if item else start + spans[0].end


def _sentence_start(text: str, start: int, end: int, reach: int, items: bool = True) -> int:
    """Where the sentence (or, with `items`, the enumeration item) holding `start` starts; `start` when not in reach."""
    base = max(0, start - reach)
    spans = sentence_spans(text[base:end], full_stops_only=True)
    own = next((s for s in spans if s.start <= start - base < s.end), None)
    if own is None or (own.start == 0 and base > 0):
        return start  # no start within reach
    new = base + own.start
    ends = [m.end() for m in _ITEM.finditer(text, new, start)] if items else []
    if ends:  # the enumeration item it is in
        new = ends[-1]
        while new < start and text[new].isspace():
            new += 1
    return new
