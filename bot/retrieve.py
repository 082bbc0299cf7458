"""Hybrid retrieval: lexical (BM25 over jieba tokens) + dense (Chroma) → reciprocal-rank fusion → Hits."""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Sequence

from .embed import Embedder
from .lexical import LexicalIndex
from .store import Store
from .types import Hit, ReportMeta

# RRF constant from Cormack et al. (2009); k=60 is their recommended value and matched the best of
# k ∈ {10, 30, 60, 100} on the CMRC benchmark (see README).
RRF_K = 60
EXACT_MAX = 1000  # filtered dense search: up to this many chunks are scored exactly from their vectors
OVERSAMPLE_MAX = 2000  # …above it, an unfiltered query this deep at most, then the allowed chunks are kept


@dataclass(frozen=True)
class Filters:
    """Restrict a search to some reports: by id or file name, broker, or a date range (ISO dates, inclusive)."""

    reports: tuple[str, ...] = ()  # doc ids or source file names
    broker: str = ""
    date_from: str = ""
    date_to: str = ""

    def __bool__(self) -> bool:
        return bool(self.reports or self.broker or self.date_from or self.date_to)

    def doc_ids(self, reports: Sequence[ReportMeta]) -> list[str] | None:
        """The reports that pass, or None when nothing is filtered."""
        if not self:
            return None
        out = []
        for r in reports:
            if self.reports and r.doc_id not in self.reports and r.source not in self.reports and r.title not in self.reports:
                continue
            if self.broker and self.broker not in r.broker:
                continue
            if self.date_from and (not r.date or r.date < self.date_from):
                continue
            if self.date_to and (not r.date or r.date > self.date_to):
                continue
            out.append(r.doc_id)
        return out


def rrf(rankings: dict[str, Sequence[str]], k: int = RRF_K) -> list[tuple[str, float, dict[str, int]]]:
    """Reciprocal-rank fusion of several ranked id lists → (id, score, {ranker: 1-based rank})."""
    scores: dict[str, float] = {}
    ranks: dict[str, dict[str, int]] = {}
    for name, ids in rankings.items():
        for r, cid in enumerate(ids, start=1):
            scores[cid] = scores.get(cid, 0.0) + 1.0 / (k + r)
            ranks.setdefault(cid, {})[name] = r
    order = sorted(scores, key=lambda c: (-scores[c], c))
    return [(c, scores[c], ranks[c]) for c in order]


class Retriever:
    def __init__(self, store: Store, embedder: Embedder, lexical: LexicalIndex):
        self.store = store
        self.embedder = embedder
        self.lexical = lexical
        self._reports: dict[str, ReportMeta] | None = None
        self._generation = 0  # bumped by invalidate(): a list read before it is not cached after it
        self.fresh: dict[str, ReportMeta] = {}  # reports this process is writing, searchable before their records land

    def reports(self) -> dict[str, ReportMeta]:
        """The stored reports and those being written. Safe while an ingest thread writes: `fresh` is copied before
        the store is read, and the writer clears it only after the records landed — so a report is in one or the
        other; a list read while the writer invalidated is used once, not cached."""
        fresh = dict(self.fresh)
        listed = self._reports
        if listed is None:
            generation = self._generation
            listed = {r.doc_id: r for r in self.store.list_reports()}
            if generation == self._generation:
                self._reports = listed
        return {**listed, **fresh} if fresh else listed

    def invalidate(self) -> None:
        self._generation += 1
        self._reports = None

    def _dense(self, vec, depth: int, doc_ids: list[str] | None) -> list[tuple[str, float]]:
        """Nearest chunks, within some reports if asked. Chroma's `where` filter costs 100 ms to seconds at 100k
        chunks (`bot bench`), so a filter is served another way: a few reports' chunks (the BM25 index knows
        which) are scored exactly from their vectors; a large share of the library is found by an oversampled
        unfiltered query, keeping the allowed chunks; only when that finds too few does `where` run."""
        if doc_ids is None:
            return self.store.query(vec, depth)
        allowed = self.lexical.chunks_of(doc_ids)
        if not allowed:
            return self.store.query(vec, depth, doc_ids)  # reports newer than the BM25 index: let Chroma filter
        if len(allowed) <= EXACT_MAX:
            return self.store.nearest_among(vec, depth, allowed)
        wanted = set(allowed)
        n = min(OVERSAMPLE_MAX, depth * 2 * -(-len(self.lexical) // len(allowed)))
        got = [(c, s) for c, s in self.store.query(vec, n) if c in wanted][:depth]
        return got if len(got) >= min(depth, len(wanted)) else self.store.query(vec, depth, doc_ids)

    def search(self, query: str, k: int = 8, filters: Filters | None = None, mode: str = "hybrid",
               timings: dict[str, float] | None = None, each: int = 0) -> list[Hit]:
        """Ranked chunks for a question. mode: hybrid | bm25 | dense.

        `each`: also keep the top `each` of every ranking, in fused order after the top k — a passage only one
        ranker finds (the dense side's paraphrase, BM25's rare name) fuses low, and a reranker that reads the
        passages should still see it."""
        timings = {} if timings is None else timings
        reports = self.reports()
        doc_ids = filters.doc_ids(list(reports.values())) if filters else None
        if doc_ids is not None and not doc_ids:
            return []
        depth = max(50, 4 * k)
        rankings: dict[str, list[str]] = {}
        scores: dict[str, dict[str, float]] = {}
        if mode in ("hybrid", "bm25"):
            t = time.perf_counter()
            lex = self.lexical.search(query, depth, doc_ids)
            timings["bm25"] = (time.perf_counter() - t) * 1000
            rankings["bm25"] = [c for c, _ in lex]
            scores["bm25"] = dict(lex)
        if mode in ("hybrid", "dense"):
            t = time.perf_counter()
            vec = self.embedder.embed_query(query)
            timings["embed"] = (time.perf_counter() - t) * 1000
            t = time.perf_counter()
            dense = self._dense(vec, depth, doc_ids)
            timings["chroma"] = (time.perf_counter() - t) * 1000
            rankings["dense"] = [c for c, _ in dense]
            scores["dense"] = dict(dense)
        t = time.perf_counter()
        fused = rrf(rankings)
        if each:
            tops = {c for ids in rankings.values() for c in ids[:each]}
            fused = fused[:k] + [f for f in fused[k:] if f[0] in tops]
        else:
            fused = fused[:k]
        chunks = self.store.get_chunks([c for c, _, _ in fused])
        hits = []
        for cid, score, ranks in fused:
            chunk = chunks.get(cid)
            report = reports.get(chunk.doc_id) if chunk else None
            if chunk is None or report is None:
                continue  # written by a concurrent ingest that has not finished: skip, never show half a report
            raw = {name: s[cid] for name, s in scores.items() if cid in s}
            hits.append(Hit(chunk=chunk, report=report, score=score, ranks=ranks, raw=raw))
        timings["fuse"] = (time.perf_counter() - t) * 1000
        return hits
