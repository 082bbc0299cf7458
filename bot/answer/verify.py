"""Trust checks applied to every answer before it is shown.

- Verified citations: a citation's quote must occur verbatim in its chunk, at its offsets in the report.
- Number audit: every number in the answer text must occur in a cited quote or in a tool result.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Iterable

from ..types import Chunk, Citation

# A number as written in an answer (1,149.1 / 80 / 5 and 35 of 5%-35%), also right after Chinese text;
# 一分钟 is words, not digits, and is not audited.
_NUMBER = re.compile(r"(?<![A-Za-z0-9_.])\d(?:[\d,]*\d)?(?:\.\d+)?")


@dataclass
class Audit:
    dropped_citations: int = 0
    removed_numbers: list[str] = field(default_factory=list)

    def notes(self) -> list[str]:
        out = []
        if self.dropped_citations:
            out.append(f"{self.dropped_citations} citation(s) dropped: quote not found verbatim in the report.")
        if self.removed_numbers:
            out.append(f"Unsupported number(s) removed: {', '.join(self.removed_numbers)}.")
        return out


def verify_citations(citations: Iterable[Citation], chunk_of: Callable[[str], Chunk | None],
                     report_text: Callable[[str], str | None]) -> tuple[list[Citation], int]:
    """Keep citations whose quote is a verbatim slice of the report at its offsets and lies in its chunk — or
    overlaps it and runs on past its edges to finish the sentence, on the same line (no cleaning cut crossed)."""
    kept, dropped = [], 0
    for c in citations:
        chunk = chunk_of(c.chunk_id)
        report = report_text(c.doc_id)
        ok = bool(c.quote) and chunk is not None and report is not None and report[c.start:c.end] == c.quote \
            and (c.quote in chunk.text or _runs_on(c, chunk, report))
        if ok:
            kept.append(c)
        else:
            dropped += 1
    return kept, dropped


def _runs_on(c: Citation, chunk: Chunk, report: str) -> bool:
    """The quote overlaps the chunk, holds all of it that it passes, and goes on past its edges without a line
    break (the whole sentence of a chunk that split it)."""
    outside = report[c.start:max(c.start, chunk.start)] + report[min(c.end, chunk.end):c.end]
    return max(c.start, chunk.start) < min(c.end, chunk.end) and report[chunk.start:chunk.end] == chunk.text \
        and "\n" not in outside


def numbers_in(text: str) -> list[str]:
    return [m.group(0) for m in _NUMBER.finditer(text)]


def _canon(num: str) -> str:
    s = num.replace(",", "")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s


def supported_numbers(sources: Iterable[str]) -> set[str]:
    out: set[str] = set()
    for text in sources:
        out.update(_canon(n) for n in numbers_in(text))
    return out


def unsupported_numbers(answer: str, sources: Iterable[str]) -> list[str]:
    """Numbers of the answer (citation markers aside) found in no source."""
    allowed = supported_numbers(sources)
    return [n for n in numbers_in(re.sub(r"\[\d+\]", "", answer)) if _canon(n) not in allowed]


def audit_numbers(answer: str, sources: Iterable[str]) -> tuple[str, list[str]]:
    """Remove sentences that carry a number found in no source; return the cleaned text and the numbers.

    Citation markers like [3] are not numbers of the answer and are ignored.
    """
    allowed = supported_numbers(sources)
    unsupported: list[str] = []
    kept_parts: list[str] = []
    for part in re.split(r"(?<=[。！？!?\n])", answer):
        body = re.sub(r"\[\d+\]", "", part)
        bad = [n for n in numbers_in(body) if _canon(n) not in allowed]
        if bad:
            unsupported.extend(bad)
        else:
            kept_parts.append(part)
    return "".join(kept_parts).strip(), unsupported
