"""CMRC 2018 dev as a retrieval benchmark: every paragraph a report, every question a search.

The paragraphs go through the product's own ingest (clean → chunk → embed → Chroma + BM25), so the figures
measure what users get. A question hits at k when its gold paragraph is among the first k distinct
paragraphs of the ranked chunks.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

MODES = ("bm25", "dense", "hybrid")
DEPTH = 40  # chunks fetched per question; paragraphs are 1–4 chunks, so ≥ 10 distinct paragraphs


@dataclass
class Item:
    qid: str
    question: str
    pid: str
    answers: list[str]


def load(path: Path, limit: int | None = None) -> tuple[dict[str, str], list[Item]]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        from bot.errors import BotError

        raise BotError(f"Cannot read the CMRC file {path}: {e}.") from None
    paragraphs: dict[str, str] = {}
    items: list[Item] = []
    for article in data["data"]:
        for p in article["paragraphs"]:
            paragraphs[p["id"]] = p["context"]
            for qa in p["qas"]:
                items.append(Item(qa["id"], qa["question"], p["id"], [a["text"] for a in qa["answers"]]))
    if limit:
        items = items[:limit]
    return paragraphs, items


def write_corpus(paragraphs: dict[str, str], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for pid, text in paragraphs.items():
        f = folder / f"{pid}.txt"
        if not f.exists() or f.read_text(encoding="utf-8") != text:
            f.write_text(text, encoding="utf-8")


def ranked_paragraphs(hits) -> list[str]:
    out: list[str] = []
    for h in hits:
        pid = h.report.source.removesuffix(".txt")
        if pid not in out:
            out.append(pid)
    return out


def metrics(ranks: list[int | None]) -> dict[str, float]:
    n = len(ranks) or 1
    return {
        "hit@1": round(sum(1 for r in ranks if r is not None and r <= 1) / n, 4),
        "hit@5": round(sum(1 for r in ranks if r is not None and r <= 5) / n, 4),
        "hit@10": round(sum(1 for r in ranks if r is not None and r <= 10) / n, 4),
        "mrr": round(sum(1.0 / r for r in ranks if r is not None) / n, 4),
    }


def run(library, items: list[Item], progress: Callable[[int, int], None] | None = None) -> dict:
    """Retrieval metrics per mode, plus latency."""
    ranks: dict[str, list[int | None]] = {m: [] for m in MODES}
    times: dict[str, list[float]] = {m: [] for m in MODES}
    for n, item in enumerate(items, 1):
        for mode in MODES:
            t = time.perf_counter()
            hits = library.search(item.question, k=DEPTH, mode=mode)
            times[mode].append((time.perf_counter() - t) * 1000)
            order = ranked_paragraphs(hits)
            ranks[mode].append(order.index(item.pid) + 1 if item.pid in order else None)
        if progress:
            progress(n, len(items))
    out: dict = {"questions": len(items)}
    for mode in MODES:
        out[mode] = metrics(ranks[mode])
        ts = sorted(times[mode])
        out[mode]["p50_ms"] = round(ts[len(ts) // 2], 2) if ts else 0.0
    return out
