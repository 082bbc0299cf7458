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


# --- answer scoring, as the official CMRC 2018 script (cmrc2018_evaluate.py, Python 2) does it -------------
# Re-implemented: punctuation list, mixed segmentation (each CJK character a token, other runs split on
# whitespace — the official script uses nltk.word_tokenize there), EM after removing punctuation, F1 from
# the longest common *substring* of the token lists.
SP_CHAR = set(["-", ":", "_", "*", "^", "/", "\\", "~", "`", "+", "=", "，", "。", "：", "？", "！", "“", "”", "；", "’", "《",
               "》", "……", "·", "、", "「", "」", "（", "）", "－", "～", "『", "』"])


def mixed_segmentation(text: str, rm_punc: bool = False) -> list[str]:
    import re

    segs: list[str] = []
    tmp = ""
    for ch in text.lower().strip():
        if rm_punc and ch in SP_CHAR:
            continue
        if re.search(r"[\u4e00-\u9fa5]", ch) or ch in SP_CHAR:
            if tmp:
                segs.extend(tmp.split())
                tmp = ""
            segs.append(ch)
        else:
            tmp += ch
    if tmp:
        segs.extend(tmp.split())
    return segs


def remove_punctuation(text: str) -> str:
    return "".join(ch for ch in text.lower().strip() if ch not in SP_CHAR)


def _lcs_len(a: list[str], b: list[str]) -> int:
    best = 0
    prev = [0] * (len(b) + 1)
    for i in range(len(a)):
        cur = [0] * (len(b) + 1)
        for j in range(len(b)):
            if a[i] == b[j]:
                cur[j + 1] = prev[j] + 1
                best = max(best, cur[j + 1])
        prev = cur
    return best


def f1(answers: list[str], prediction: str) -> float:
    scores = []
    pred = mixed_segmentation(prediction, rm_punc=True)
    for ans in answers:
        gold = mixed_segmentation(ans, rm_punc=True)
        n = _lcs_len(gold, pred)
        if n == 0:
            scores.append(0.0)
            continue
        p, r = n / len(pred), n / len(gold)
        scores.append(2 * p * r / (p + r))
    return max(scores) if scores else 0.0


def em(answers: list[str], prediction: str) -> float:
    return float(any(remove_punctuation(a) == remove_punctuation(prediction) for a in answers))


def answer_scores(engine, items: list[Item], progress: Callable[[int, int], None] | None = None) -> dict:
    """EM/F1 of the offline answer's lead sentence (the product answers with whole cited sentences, not spans)."""
    ems, f1s = [], []
    for n, item in enumerate(items, 1):
        ans = engine.ask(item.question, mode="extractive")
        pred = ans.citations[0].quote if ans.citations and not ans.refused else ""
        ems.append(em(item.answers, pred))
        f1s.append(f1(item.answers, pred))
        if progress:
            progress(n, len(items))
    k = len(items) or 1
    return {"em": round(100 * sum(ems) / k, 2), "f1": round(100 * sum(f1s) / k, 2),
            "prediction": "lead sentence of the extractive answer"}
