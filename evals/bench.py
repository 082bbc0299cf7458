"""`bot bench`: speed and memory of the offline pipeline on synthetic report-like corpora.

Each scale gets its own store. Reports are generated (Chinese text with realistic figures), written as
files and ingested through the product's own pipeline. Where the point is the store and retrieval, a cheap
deterministic embedder (character-bigram hashing, 384-d) stands in for the model; ingest throughput with
the real model is measured on a sample, and so is the real query embedding. Then a few hundred questions go
through `Engine.ask` (extractive), with per-stage timings.
"""
from __future__ import annotations

import hashlib
import os
import random
import resource
import time
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

COMPANIES = ["宁德时代", "比亚迪", "隆基绿能", "中芯国际", "海康威视", "迈瑞医疗", "药明康德", "立讯精密", "三一重工", "美的集团",
             "恒瑞医药", "紫金矿业", "万华化学", "京东方", "韦尔股份", "北方华创", "阳光电源", "汇川技术", "科大讯飞", "金山办公"]
INDUSTRIES = ["动力电池", "光伏组件", "半导体设备", "安防视频", "医疗器械", "创新药", "消费电子", "工程机械", "家电", "储能",
              "工业自动化", "人工智能", "办公软件", "显示面板", "图像传感器", "铜矿", "化工新材料", "算力芯片", "智能驾驶", "云计算"]
BROKERS = ["中信证券", "华泰证券", "国泰君安", "招商证券", "广发证券", "海通证券", "中金公司", "兴业证券"]


class HashEmbedder:
    """Deterministic bigram-hashing vectors: cheap, same space for passages and queries."""

    name = "bench/hash-bigram-384"
    dim = 384

    def _one(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        for i in range(len(text) - 1):
            v[int.from_bytes(hashlib.blake2b(text[i:i + 2].encode(), digest_size=2).digest(), "big") % self.dim] += 1
        n = np.linalg.norm(v)
        return v / n if n else v

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        return np.stack([self._one(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self._one(text)


def report_text(i: int, rng: random.Random) -> tuple[str, list[tuple[str, str, int]]]:
    """One synthetic report and (question, expected substring, report number) triples about its facts."""
    broker = BROKERS[i % len(BROKERS)]
    industry = INDUSTRIES[rng.randrange(len(INDUSTRIES))]
    year = rng.choice([2024, 2025, 2026, 2030])
    lines = [f"{broker}:{industry}行业深度报告（第{i}期）", f"{2024 + i % 3}-0{1 + i % 9}-1{i % 9}", ""]
    facts = []
    for p in range(12):
        company = COMPANIES[(i * 7 + p) % len(COMPANIES)]
        size = rng.randrange(100, 20000)
        pct = rng.randrange(2, 60)
        pct2 = pct + rng.randrange(1, 30)
        lines.append(f"{company}在{industry}领域的渗透率为{pct}%，预计到{year}年将提升至{pct2}%。{broker}认为，"
                     f"{year}年{industry}市场规模有望达到{size}亿元，同比增长{rng.randrange(3, 80)}%。报告指出，"
                     f"{industry}行业的竞争格局正在变化，{company}等龙头企业的市占率持续提升，第{i}期第{p}段。")
        lines.append("")
        if p < 2:
            facts.append((f"第{i}期报告中{company}在{industry}领域的渗透率是多少？", f"{pct}%", i))
    return "\n".join(lines), facts


def report_file(i: int) -> str:
    return f"report-{i:06d}.txt"


def write_corpus(folder: Path, chunks_wanted: int, seed: int = 7) -> list[tuple[str, str, int]]:
    """Reports until about `chunks_wanted` chunks (a report makes ~6 chunks of 256 tokens); returns questions."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    questions = []
    for i in range(max(1, chunks_wanted // 6)):
        text, facts = report_text(i, rng)
        f = folder / report_file(i)
        if not f.exists():
            f.write_text(text, encoding="utf-8")
        questions.extend(facts)
    return questions


def rss_mb() -> float:
    """Peak RSS of this process. VmHWM, not getrusage's ru_maxrss: Linux carries ru_maxrss across fork+exec,
    so a child started by a big parent would report the parent's peak."""
    from .servers import peak_rss_mb

    peak = peak_rss_mb("self")
    return peak if peak is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def disk_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


def pct(xs: list[float], p: float) -> float:
    if not xs:
        return 0.0
    xs = sorted(xs)
    return round(xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))], 2)


def run_scale(settings, n_chunks: int, n_questions: int, real_sample: int, server: bool = True,
              progress: Callable[[str], None] = lambda s: None) -> dict:
    """Build (or reuse) a store of about n_chunks, then measure serving from it in a fresh process: once on
    embedded Chroma and, with `server`, once through a `chroma run` server on the same files."""
    import json

    from bot.library import Library

    from .servers import free_port, peak_rss_mb, start_chroma, stop

    folder = settings.data_dir / "corpus"
    write_corpus(folder, n_chunks)
    progress(f"{n_chunks}: ingesting")
    lib = Library(settings, embedder=HashEmbedder())
    t = time.perf_counter()
    summary = lib.ingest([folder])
    ingest_s = time.perf_counter() - t
    meta = settings.data_dir / "bench-ingest.json"  # a reused store keeps the rate measured when it was built
    if summary.chunks_added:
        meta.write_text(json.dumps({"ingest_chunks_per_s": round(summary.chunks_added / ingest_s, 1),
                                    "ingest_rss_mb": round(rss_mb(), 1)}))
    ingest = json.loads(meta.read_text()) if meta.exists() else {"ingest_chunks_per_s": None, "ingest_rss_mb": None}
    del lib
    progress(f"{n_chunks}: serving {n_questions} questions in a fresh process (embedded Chroma)")
    serving = _serve_child(settings.data_dir, n_chunks, n_questions, real_sample, {})
    serving.update(ingest, disk_mb=round(disk_mb(settings.data_dir / "chroma") + disk_mb(settings.data_dir / "bm25"), 1))
    if server:
        progress(f"{n_chunks}: the same questions through `chroma run` on the same store")
        port = free_port()
        proc = start_chroma(settings.data_dir / "chroma", port, timeout=300)
        try:
            remote = _serve_child(settings.data_dir, n_chunks, n_questions, 0,
                                  {"BOT_CHROMA_URL": f"http://127.0.0.1:{port}"})
            remote["chroma_server_rss_mb"] = peak_rss_mb(proc.pid)
            # the first client waits while the server loads the collection; a second one shows the client's own cost
            remote["startup_s_second_client"] = _serve_child(settings.data_dir, n_chunks, 20, 0,
                                                             {"BOT_CHROMA_URL": f"http://127.0.0.1:{port}"})["startup_s"]
        finally:
            stop(proc)
        serving["server"] = {k: remote[k] for k in ("query_ms", "stages_ms", "filtered_ms", "answer_hit_rate",
                                                   "rss_mb", "chroma_server_rss_mb", "startup_s",
                                                   "startup_s_second_client")}
    return serving


def _serve_child(data_dir: Path, n_chunks: int, n_questions: int, real_sample: int, env: dict) -> dict:
    import json
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "evals.bench", str(data_dir), str(n_chunks), str(n_questions),
                          str(real_sample)], capture_output=True, text=True, env={**os.environ, **env},
                         cwd=Path(__file__).resolve().parents[1])
    if out.returncode:
        raise RuntimeError(f"serving measurement failed: {out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure_serving(data_dir: Path, n_chunks: int, n_questions: int, real_sample: int) -> dict:
    """In its own process: open the existing store (start-up), answer questions (stages), peak RSS; then the
    same questions restricted to their report and to a broker (Chroma `where` filters); then the real model."""
    from bot.answer import Engine
    from bot.embed import LocalE5
    from bot.library import Library
    from bot.retrieve import Filters
    from bot.settings import Settings

    settings = Settings.from_env({**os.environ, "BOT_DATA_DIR": str(data_dir)})
    questions = write_corpus(data_dir / "corpus", n_chunks)  # files exist: this only rebuilds the question list
    t = time.perf_counter()
    lib = Library(settings, embedder=HashEmbedder())
    startup_s = time.perf_counter() - t
    engine = Engine(lib)
    sample = random.Random(1).sample(questions, min(n_questions, len(questions)))
    engine.ask(sample[0][0], mode="extractive")  # warm
    totals, stages, correct = [], {}, 0
    for q, expected, _ in sample:
        a = engine.ask(q, mode="extractive")
        totals.append(a.timings_ms["total"])
        for k, v in a.timings_ms.items():
            stages.setdefault(k, []).append(v)
        correct += expected in a.answer
    filtered: dict[str, list[float]] = {"report": [], "broker": []}
    for q, expected, i in sample[:100]:
        for kind, f in (("report", Filters(reports=(report_file(i),))), ("broker", Filters(broker=BROKERS[i % len(BROKERS)]))):
            filtered[kind].append(engine.ask(q, mode="extractive", filters=f).timings_ms["total"])
    rss_serving = rss_mb()  # before loading the real model below, which serving with the hash embedder lacks
    result = {
        "chunks": lib.store.count(),
        "query_ms": {"p50": pct(totals, 50), "p95": pct(totals, 95)},
        "stages_ms": {k: {"p50": pct(v, 50), "p95": pct(v, 95)} for k, v in stages.items() if k != "total"},
        "filtered_ms": {k: {"p50": pct(v, 50), "p95": pct(v, 95)} for k, v in filtered.items()},
        "answer_hit_rate": round(correct / len(sample), 3),
        "rss_mb": round(rss_serving, 1),
        "startup_s": round(startup_s, 2),
        "questions": len(sample),
    }
    if real_sample:
        real = LocalE5()
        texts = [c.text for c in lib.store.iter_chunks(list(lib.lexical.ids[:real_sample]))]
        t = time.perf_counter()
        real.embed_documents(texts)
        real_rate = len(texts) / (time.perf_counter() - t) if texts else 0.0
        qt = []
        for q, _, _ in sample[:50]:
            t = time.perf_counter()
            real.embed_query(q)
            qt.append((time.perf_counter() - t) * 1000)
        result.update({"real_query_embedding_ms": {"p50": pct(qt, 50), "p95": pct(qt, 95)},
                       "rss_mb_with_e5": round(rss_mb(), 1), "ingest_chunks_per_s_real_model": round(real_rate, 1)})
    return result


WEB_QUESTIONS = [("Sora最长能生成多长的视频？", "一分钟"), ("2030年AIGC监管市场规模有多大？", "574.55"),
                 ("华鑫证券的报告共多少页？", "34"), ("Stable Diffusion 3.0采用了什么架构？", "DiT"),
                 ("中信证券提出了哪些投资主线？", "硬件支持")]


def web_load(data_dir: Path, clients: int, rounds: int, progress: Callable[[str], None] = lambda s: None) -> dict:
    """`bot serve` as shipped (embedded Chroma, real e5, the seed corpus) and `clients` gradio_client users, each
    asking `rounds` questions one after another through /ask; throughput, latency and correctness."""
    from concurrent.futures import ThreadPoolExecutor

    from .servers import free_port, peak_rss_mb, start_bot_serve, stop, web_client

    data_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    progress(f"web: starting `bot serve` on 127.0.0.1:{port} ({clients} clients × {rounds} questions)")
    t = time.perf_counter()
    proc = start_bot_serve(data_dir, port, data_dir / "serve.log", {"OMP_WAIT_POLICY": "passive"})
    ready_s = time.perf_counter() - t
    url = f"http://127.0.0.1:{port}/"
    try:
        users = [web_client(url) for _ in range(clients)]
        users[0].predict(WEB_QUESTIONS[0][0], api_name="/ask")  # warm

        def one(u: int) -> list[tuple[float, bool]]:
            out = []
            for r in range(rounds):
                q, expected = WEB_QUESTIONS[(u + r) % len(WEB_QUESTIONS)]
                t = time.perf_counter()
                try:
                    ok = expected in users[u].predict(q, api_name="/ask")["answer"]
                except Exception:  # a failed request counts as wrong, and the run goes on
                    ok = False
                out.append(((time.perf_counter() - t) * 1000, ok))
            return out

        t = time.perf_counter()
        with ThreadPoolExecutor(clients) as pool:
            done = [x for xs in pool.map(one, range(clients)) for x in xs]
        wall = time.perf_counter() - t
        rss = peak_rss_mb(proc.pid)
    finally:
        stop(proc)
    lat = [ms for ms, _ in done]
    return {"clients": clients, "requests": len(done), "wall_s": round(wall, 2),
            "throughput_per_s": round(len(done) / wall, 2), "latency_ms": {"p50": pct(lat, 50), "p95": pct(lat, 95)},
            "correct_rate": round(sum(ok for _, ok in done) / len(done), 3), "server_rss_mb": rss,
            "startup_s": round(ready_s, 1)}


def _p(d: dict | None) -> str:
    return f"{d['p50']} / {d['p95']}" if d else "-"


def markdown(result: dict) -> str:
    """Three tables: serving per store (embedded and `chroma run` side by side), ingest and model, web load; then
    the --library sections (evals.bench_library)."""
    rows = []
    if result["scales"]:
        rows += ["| chunks | Chroma | answer p50 / p95 ms | embed (hash) | bm25 | chroma | fuse | tools | answer | "
                 "report filter p50 / p95 | broker filter p50 / p95 | serving RSS MB | start-up s | hit rate |",
                 "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for s in result["scales"]:
        for kind, m in (("embedded", s), ("server", s.get("server"))):
            if not m:
                continue
            st = m["stages_ms"]
            rss = f"{m['rss_mb']}" + (f" (+ server {m['chroma_server_rss_mb']})" if kind == "server" else "")
            start = f"{m['startup_s']}" + (f" (then {m['startup_s_second_client']})" if kind == "server" else "")
            rows.append(f"| {s['chunks']} | {kind} | {_p(m['query_ms'])} | "
                        + " | ".join(str(st.get(k, {}).get("p50")) for k in ("embed", "bm25", "chroma", "fuse", "tools", "answer"))
                        + f" | {_p(m['filtered_ms']['report'])} | {_p(m['filtered_ms']['broker'])} | {rss} | "
                        f"{start} | {m['answer_hit_rate']} |")
    if result["scales"]:
        rows += ["", "| chunks | real e5 query p50 / p95 ms | serving RSS with e5 MB | ingest chunks/s (hash / e5) | "
                     "ingest RSS MB | disk MB |", "|---|---|---|---|---|---|"]
    for s in result["scales"]:
        rows.append(f"| {s['chunks']} | {_p(s.get('real_query_embedding_ms'))} | {s.get('rss_mb_with_e5')} | "
                    f"{s['ingest_chunks_per_s']} / {s.get('ingest_chunks_per_s_real_model')} | {s['ingest_rss_mb']} | "
                    f"{s['disk_mb']} |")
    if result.get("web"):
        w = result["web"]
        rows += ["", "| `bot serve` web clients | requests | throughput /s | latency p50 / p95 ms | correct | server RSS MB |",
                 "|---|---|---|---|---|---|",
                 f"| {w['clients']} | {w['requests']} | {w['throughput_per_s']} | {_p(w['latency_ms'])} | "
                 f"{w['correct_rate']} | {w['server_rss_mb']} |"]
    if result.get("library"):
        from .bench_library import markdown as library_markdown

        rows += ["", library_markdown(result["library"])]
    if result.get("index_at_scale"):
        from .bench_library import index_markdown

        rows += ["", index_markdown(result["index_at_scale"])]
    if result.get("upload_at_scale"):
        from .bench_library import upload_markdown

        rows += ["", upload_markdown(result["upload_at_scale"])]
    if result.get("page_at_scale"):
        from .bench_library import page_markdown

        rows += ["", page_markdown(result["page_at_scale"])]
    return "\n".join(rows).strip("\n") + "\n"


def plot(result: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    scales = result["scales"]
    xs = [s["chunks"] for s in scales]
    fig, ax = plt.subplots(figsize=(6, 3.6))
    ax.plot(xs, [s["query_ms"]["p50"] for s in scales], "o-", label="embedded p50")
    ax.plot(xs, [s["query_ms"]["p95"] for s in scales], "s--", label="embedded p95")
    if all(s.get("server") for s in scales):
        ax.plot(xs, [s["server"]["query_ms"]["p50"] for s in scales], "o-", label="chroma run p50")
        ax.plot(xs, [s["server"]["query_ms"]["p95"] for s in scales], "s--", label="chroma run p95")
    ax.set_xscale("log")
    ax.set_xlabel("chunks in the store")
    ax.set_ylabel("offline answer latency (ms)")
    ax.legend()
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def cpu_note() -> str:
    return f"{os.cpu_count()} cores"


if __name__ == "__main__":  # the serving measurement, run by run_scale in a fresh process
    import json
    import sys

    d, n, q, r = sys.argv[1:5]
    print(json.dumps(measure_serving(Path(d), int(n), int(q), int(r))))
