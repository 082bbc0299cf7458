"""The gold-set runner behind `bot eval`: every question through `Engine.ask`, scored against the set.

Metrics: accuracy (all expected groups present, nothing forbidden, refusal as expected), numeric accuracy,
refusal recall/precision, citation verbatim rate, citation support (the expected report is cited),
retrieval hit@1/hit@5 of the expected report, latency p50/p95 — and per-question results with reasons.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

GOLD = Path(__file__).with_name("gold.jsonl")
THRESHOLDS = Path(__file__).with_name("thresholds.json")
NUMERIC_TYPES = ("numeric", "whatif")


@dataclass
class Item:
    id: str
    type: str
    question: str
    expect: list[list[str]]
    reports: list[str]
    refuse: bool
    forbid: list[str] = field(default_factory=list)


def load_set(path: Path = GOLD) -> list[Item]:
    items = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                items.append(Item(**json.loads(line)))
            except (ValueError, TypeError) as e:
                from bot.errors import BotError

                raise BotError(f"{path}:{n}: not a valid gold item ({e}).") from None
    return items


def _norm(s: str) -> str:
    return s.lower().replace("–", "-").replace("—", "-").replace("~", "-").replace("～", "-")


def score_item(item: Item, ans: dict, report_text) -> dict:
    text = _norm(ans["answer"])
    reasons = []
    if ans["refused"] != item.refuse:
        reasons.append("refused but should answer" if ans["refused"] else "answered but should refuse")
    if not item.refuse and not ans["refused"]:
        missing = [g for g in item.expect if not any(_norm(v) in text for v in g)]
        reasons.extend(f"missing one of {g}" for g in missing)
    bad = [f for f in item.forbid if _norm(f) in text]
    reasons.extend(f"contains forbidden {f!r}" for f in bad)
    verbatim = [report_text(c["doc_id"], c["start"], c["end"]) == c["quote"] for c in ans["citations"]]
    cited = {c["broker"] for c in ans["citations"]}
    supported = None
    if item.reports and not item.refuse:
        supported = all(r in cited for r in item.reports) or (item.type == "numeric" and bool(cited & set(item.reports)))
    return {"id": item.id, "type": item.type, "question": item.question, "correct": not reasons, "reasons": reasons,
            "refused": ans["refused"], "citations": len(ans["citations"]), "verbatim": verbatim,
            "supported": supported, "answer": ans["answer"]}


def percentile(xs: list[float], p: float) -> float:
    if not xs:
        return 0.0
    xs = sorted(xs)
    return round(xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))], 1)


def run(engine, items: list[Item], mode: str = "extractive", progress=None) -> dict:
    lib = engine.library
    texts = {r.doc_id: lib.report_text(r) for r in lib.sources()}
    brokers = {r.doc_id: r.broker for r in lib.sources()}

    def report_text(doc_id, start, end):
        return texts.get(doc_id, "")[start:end]

    results, latencies, hit1, hit5 = [], [], [], []
    for n, item in enumerate(items, 1):
        t = time.perf_counter()
        ans = engine.ask(item.question, mode=mode).to_dict()
        latencies.append((time.perf_counter() - t) * 1000)
        r = score_item(item, ans, report_text)
        r["latency_ms"] = round(latencies[-1], 1)
        if item.reports and not item.refuse:
            order = [brokers.get(h.report.doc_id) for h in lib.search(item.question, k=5)]
            hit1.append(bool(order) and order[0] in item.reports)
            hit5.append(any(b in item.reports for b in order))
        results.append(r)
        if progress:
            progress(n, len(items))
    return summarize(results, latencies, hit1, hit5, mode)


def _rate(xs) -> float:
    xs = list(xs)
    return round(sum(xs) / len(xs), 4) if xs else 1.0


def summarize(results: list[dict], latencies: list[float], hit1: list[bool], hit5: list[bool], mode: str) -> dict:
    should = [r for r in results if r["type"] == "unanswerable"]
    refused = [r for r in results if r["refused"]]
    types = sorted({r["type"] for r in results})
    return {
        "mode": mode,
        "questions": len(results),
        "accuracy": _rate(r["correct"] for r in results),
        "numeric_accuracy": _rate(r["correct"] for r in results if r["type"] in NUMERIC_TYPES),
        "refusal_recall": _rate(r["refused"] for r in should),
        "refusal_precision": _rate(r["type"] == "unanswerable" for r in refused),
        "citation_verbatim_rate": _rate(v for r in results for v in r["verbatim"]),
        "citation_support": _rate(r["supported"] for r in results if r["supported"] is not None),
        "retrieval_hit@1": _rate(hit1),
        "retrieval_hit@5": _rate(hit5),
        "latency_ms": {"p50": percentile(latencies, 50), "p95": percentile(latencies, 95)},
        "by_type": {t: _rate(r["correct"] for r in results if r["type"] == t) for t in types},
        "results": results,
    }


def check_thresholds(metrics: dict, path: Path = THRESHOLDS) -> list[str]:
    """Metrics below their threshold, as messages (empty when all pass)."""
    limits = json.loads(Path(path).read_text(encoding="utf-8"))
    failed = []
    for key, low in limits.get(metrics["mode"], {}).items():
        value = metrics.get(key)
        if value is not None and value < low:
            failed.append(f"{key} {value} < {low}")
    return failed


def markdown(metrics: dict) -> str:
    lines = [f"# Gold-set evaluation ({metrics['mode']})", "",
             "| metric | value |", "|---|---|"]
    for k in ("questions", "accuracy", "numeric_accuracy", "refusal_recall", "refusal_precision",
              "citation_verbatim_rate", "citation_support", "retrieval_hit@1", "retrieval_hit@5"):
        lines.append(f"| {k} | {metrics[k]} |")
    lines.append(f"| latency p50 / p95 ms | {metrics['latency_ms']['p50']} / {metrics['latency_ms']['p95']} |")
    lines += ["", "| type | accuracy |", "|---|---|"] + [f"| {t} | {v} |" for t, v in metrics["by_type"].items()]
    failures = [r for r in metrics["results"] if not r["correct"]]
    lines += ["", f"## Failures ({len(failures)})", ""]
    for r in failures:
        lines.append(f"- **{r['id']}** {r['question']} — {'; '.join(r['reasons'])}")
    return "\n".join(lines) + "\n"


def chart(metrics: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 3.6))
    types = list(metrics["by_type"])
    a.barh(types, [metrics["by_type"][t] for t in types], color="#4C72B0")
    a.set_xlim(0, 1)
    a.set_title("accuracy by question type")
    lat = [r["latency_ms"] for r in metrics["results"]]
    b.hist(lat, bins=20, color="#55A868")
    b.set_title(f"latency ms (p50 {metrics['latency_ms']['p50']}, p95 {metrics['latency_ms']['p95']})")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
