"""RGB (zh) robustness benchmark: noise robustness and negative rejection, offline.

Every passage of the selected questions is ingested once as its own document; each question is then asked
twice, restricted (by filter) to its own passages:
- noise: `passages` documents with `noise` of them negative (RGB's standard mix: 5 passages, noise rate 0.4)
  → `noise_accuracy`: every answer element (or one of its alternatives) is in the answer, which is not refused;
- rejection: `passages` negative documents only → `rejection_rate`: the answer is a refusal.
"""
from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

from bot.retrieve import Filters


@dataclass
class Item:
    id: int
    query: str
    answer: list
    positive: list[str]
    negative: list[str]


def load(path: Path, limit: int | None = None) -> list[Item]:
    items = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            d = json.loads(line)
            items.append(Item(d["id"], d["query"], d["answer"], d["positive"], d["negative"]))
    return items[:limit] if limit else items


def plan(item: Item, passages: int = 5, noise: float = 0.4, seed: int = 0) -> tuple[list[str], list[str]]:
    """File names of the noisy mix and of the negatives-only set for one question."""
    rng = random.Random(seed * 100003 + item.id)
    n_neg = min(len(item.negative), round(passages * noise))
    n_pos = min(len(item.positive), passages - n_neg)
    pos = rng.sample(range(len(item.positive)), n_pos)
    neg_all = rng.sample(range(len(item.negative)), min(len(item.negative), passages))
    mixed = [f"q{item.id}_p{i}.txt" for i in pos] + [f"q{item.id}_n{i}.txt" for i in neg_all[:n_neg]]
    negatives = [f"q{item.id}_n{i}.txt" for i in neg_all]
    return mixed, negatives


def write_corpus(items: list[Item], folder: Path, passages: int, noise: float) -> dict[int, tuple[list[str], list[str]]]:
    folder.mkdir(parents=True, exist_ok=True)
    plans = {}
    for it in items:
        mixed, negatives = plan(it, passages, noise)
        plans[it.id] = (mixed, negatives)
        for name in set(mixed + negatives):
            kind, i = name.split("_")[1][0], int(name.split("_")[1][1:-4])
            text = (it.positive if kind == "p" else it.negative)[i]
            f = folder / name
            if not f.exists() or f.read_text(encoding="utf-8") != text:
                f.write_text(text, encoding="utf-8")
    return plans


def correct(answer: str, expected: list) -> bool:
    text = answer.lower()
    for element in expected:
        alts = element if isinstance(element, list) else [element]
        if not any(str(a).lower() in text for a in alts):
            return False
    return True


def run(engine, items: list[Item], plans, progress=None) -> dict:
    """Noise accuracy and rejection rate under the engine's refusal profile (BOT_REFUSAL)."""
    rows = []
    for n, it in enumerate(items, 1):
        mixed, negatives = plans[it.id]
        a = engine.ask(it.query, mode="extractive", filters=Filters(reports=tuple(mixed)))
        b = engine.ask(it.query, mode="extractive", filters=Filters(reports=tuple(negatives)))
        rows.append({"id": it.id, "query": it.query, "answer": it.answer,
                     "noise_correct": (not a.refused) and correct(a.answer, it.answer), "noise_refused": a.refused,
                     "rejected": b.refused, "signals_mixed": a.extra.get("signals"), "signals_negative": b.extra.get("signals")})
        if progress:
            progress(n, len(items))
    k = len(rows) or 1
    return {
        "questions": len(rows),
        "noise_accuracy": round(sum(r["noise_correct"] for r in rows) / k, 4),
        "false_rejection_rate": round(sum(r["noise_refused"] for r in rows) / k, 4),
        "rejection_rate": round(sum(r["rejected"] for r in rows) / k, 4),
        "results": rows,
    }


def calibrate(rows: list[dict]) -> dict:
    """Grid-search the strict profile's floors on rows of `run` (their signals do not depend on thresholds):
    maximise rejection rate + noise accuracy."""
    from bot.answer.refusal import Thresholds, should_refuse

    def refuses(sig, t):
        return sig is None or should_refuse(_signals(sig), t)

    best = None
    for cos in (0.0, 0.88, 0.89, 0.9, 0.91, 0.92, 0.93):
        for cov in (0.0, 0.5, 0.6, 0.7, 0.8, 0.9):
            for typed, present in ((False, False), (True, False), (False, True), (True, True)):
                t = Thresholds(floor_cosine=cos, floor_coverage=cov, require_type=typed, require_presence=present)
                rej = sum(refuses(r["signals_negative"], t) for r in rows) / len(rows)
                acc = sum(r["noise_correct"] and not refuses(r["signals_mixed"], t) for r in rows) / len(rows)
                if best is None or rej + acc > best["rejection_rate"] + best["noise_accuracy"]:
                    best = {"floor_cosine": cos, "floor_coverage": cov, "require_type": typed, "require_presence": present,
                            "rejection_rate": round(rej, 4), "noise_accuracy": round(acc, 4)}
    return best


def _signals(d: dict):
    from bot.answer.refusal import Signals

    return Signals(d["names"], d["terms"], d["unknown_names"], d["unknown"], d["coverage"], d["cosine"], d["typed"],
                   d.get("years_ok"), d.get("kind_ok"))
