"""`bot bench` on a tiny scale: the report has every field the issue names (figures come from real runs)."""
import json
import os
import random
import subprocess
import sys

import pytest

from support import CORPUS, ROOT, make_settings


@pytest.mark.slow
@pytest.mark.heavy
def test_bench_small_scale(tmp_path):
    out = tmp_path / "bench.json"
    env = {**os.environ, "BOT_DATA_DIR": str(tmp_path / "d")}
    r = subprocess.run([sys.executable, "-m", "bot.cli", "bench", "--chunks", "300", "--questions", "20",
                        "--real-sample", "8", "--clients", "3", "--rounds", "2", "--json", str(out)], cwd=ROOT, env=env, capture_output=True, text=True,
                       timeout=600)
    assert r.returncode == 0, r.stderr
    result = json.loads(out.read_text(encoding="utf-8"))
    s = result["scales"][0]
    assert s["chunks"] >= 250 and s["questions"] == 20
    assert set(s["query_ms"]) == {"p50", "p95"} and s["query_ms"]["p50"] > 0
    assert {"embed", "bm25", "chroma", "fuse", "answer", "tools"} <= set(s["stages_ms"])
    assert s["rss_mb"] > 0 and s["disk_mb"] > 0 and s["ingest_chunks_per_s"] > 0 and s["startup_s"] > 0
    assert s["ingest_chunks_per_s_real_model"] > 0 and s["answer_hit_rate"] >= 0.5
    assert set(s["filtered_ms"]) == {"report", "broker"} and s["filtered_ms"]["report"]["p95"] > 0
    # the same store served through a real `chroma run`, side by side
    srv = s["server"]
    assert srv["query_ms"]["p50"] > 0 and srv["answer_hit_rate"] == s["answer_hit_rate"]
    assert srv["chroma_server_rss_mb"] > 0 and srv["startup_s_second_client"] > 0 and {"embed", "bm25", "chroma"} <= set(srv["stages_ms"])
    # parallel gradio_client users against `bot serve`
    web = result["web"]
    assert web["clients"] == 3 and web["requests"] == 6 and web["throughput_per_s"] > 0
    assert web["correct_rate"] == 1.0 and web["latency_ms"]["p95"] >= web["latency_ms"]["p50"] > 0
    md = out.with_suffix(".md").read_text(encoding="utf-8")
    assert "| server |" in md and "web clients" in md
    assert out.with_suffix(".md").exists() and out.with_suffix(".png").stat().st_size > 1000


# --- bot bench --library -------------------------------------------------------------------------------------------

def tiny_reports_dev(root, n=3):
    """A folder in the reports-dev layout (docs.json, docs/SECTOR/*.txt) holding n synthetic reports."""
    from evals.bench import report_text

    rng = random.Random(3)
    (root / "docs" / "synthetic").mkdir(parents=True)
    docs = []
    for i in range(n):
        text, _ = report_text(i, rng)
        (root / "docs" / "synthetic" / f"r{i}.txt").write_text(text, encoding="utf-8")
        docs.append({"sector": "synthetic", "title": f"合成报告_{i}：储能/光伏", "file": f"synthetic/r{i}.txt",
                     "chars": len(text)})
    (root / "docs.json").write_text(json.dumps(docs, ensure_ascii=False), encoding="utf-8")
    (root / "annotations.jsonl").write_text("", encoding="utf-8")
    return root


def test_library_ingest_of_a_sample_measures_and_finds_a_question(tmp_path):
    from evals import bench_library as bl

    files = bl.sample_files(tiny_reports_dev(tmp_path / "dev"), 3, 0, tmp_path / "sample")
    # names survive upload and the Markdown status line: no path separator, no emphasis characters
    assert sorted(f.name for f in files) == ["合成报告-0：储能-光伏.txt", "合成报告-1：储能-光伏.txt", "合成报告-2：储能-光伏.txt"]
    result, lib = bl.ingest_sample(make_settings(tmp_path / "d"), files)
    assert result["reports"] == result["in_store"] == result["embedded"] == 3 and not result["failed"]
    assert result["chunks"] >= 3 and result["chunks_per_s"] > 0 and result["reports_per_min"] > 0
    assert 0 < result["all_indexed_s"] <= result["all_embedded_s"] == result["seconds"]
    assert result["statuses"] and set(result["statuses"]) <= {"indexed", "embedded"}
    text = files[1].read_text(encoding="utf-8")
    question, checked = bl.pick_question(text, files[1].name, lib)
    assert checked and question.endswith("？") and question[:-1] in text


def test_small_reports_are_one_chunk_each_with_varied_metadata(tmp_path):
    from bot.library import Library
    from evals import bench_library as bl
    from evals.bench import HashEmbedder

    bl.write_small_reports(tmp_path / "small", 30)
    lib = Library(make_settings(tmp_path / "d"), embedder=HashEmbedder())
    assert lib.ingest([tmp_path / "small"]).added == 30
    reports = lib.sources()
    assert [r.chunks for r in reports] == [1] * 30
    assert len({r.title for r in reports}) >= 25 and len({r.broker for r in reports}) >= 6
    assert all(r.broker and r.date for r in reports) and len({r.date[:4] for r in reports}) >= 4


class FakeClient:
    """gradio_client.Client as far as bench_library.Progress uses it."""

    def __init__(self, states):
        self.states = states

    def view_api(self, **_):
        return {"named_endpoints": {"/ask": {}, **({"/ingest_status": {}} if self.states is not None else {})}}

    def predict(self, api_name):
        assert api_name == "/ingest_status"
        return {"files": dict(self.states), "pending_reports": sum(s != "embedded" for s in self.states.values())}


class FakePage:
    def __init__(self, text):
        self.text = text

    def locator(self, _):
        return self

    def inner_text(self):
        return self.text


def test_upload_progress_uses_ingest_status_where_the_server_has_it():
    import time

    from evals.bench_library import Progress

    client = FakeClient({"a.txt": "indexed", "b.txt": "queued"})
    watch = Progress(client, None, ["a.txt", "b.txt"])
    assert watch.api and not watch.done(time.perf_counter())
    client.states.update({"a.txt": "embedded", "b.txt": "failed"})
    assert watch.done(time.perf_counter()) and set(watch.first_seen) == {"indexed", "queued", "embedded", "failed"}
    # no /ingest_status: the status line the upload writes per file
    page = FakePage("2 个文件排队中…")
    watch = Progress(FakeClient(None), page, ["a.txt", "b.txt"])
    assert not watch.api and not watch.done(time.perf_counter())
    page.text = "- a.txt: added 1, unchanged 0, replaced 0, failed 0 (3 chunks written)\n- b.txt: 不支持的文件类型"
    assert watch.done(time.perf_counter()) and watch.states == {"a.txt": "done", "b.txt": "failed"}



def test_an_event_gradio_client_dropped_is_submitted_once_more():
    """gradio_client can cancel a `predict` sent just as its SSE reader closes (CancelledError, nothing from the
    server): the tests' client submits it once more; a second drop, or any other error, is raised."""
    from concurrent.futures import CancelledError

    from evals.servers import resubmit_dropped

    calls = []

    def predict(q, api_name):
        calls.append((q, api_name))
        if len(calls) <= drops:
            raise CancelledError()
        return {"answer": q}

    drops = 1
    assert resubmit_dropped(predict, "问", api_name="/ask") == {"answer": "问"} and calls == [("问", "/ask")] * 2
    calls.clear()
    drops = 2
    with pytest.raises(CancelledError):
        resubmit_dropped(predict, "问", api_name="/ask")
    assert len(calls) == 2

    def broken(q, api_name):
        calls.append(q)
        raise ConnectionError("gone")

    calls.clear()
    with pytest.raises(ConnectionError):
        resubmit_dropped(broken, "问", api_name="/ask")
    assert calls == ["问"]

LIBRARY_RESULT = {
    "sample": 20, "seed": 0, "embedder": "local",
    "ingest": {"reports": 20, "in_store": 20, "embedded": 20, "chunks": 2400, "characters": 738856, "model_load_s": 1.9,
               "all_indexed_s": 95.5, "all_embedded_s": 240.2, "seconds": 240.2, "reports_per_min": 5.0,
               "chunks_per_s": 10.0, "statuses": ["embedded", "indexed"], "failed": []},
    "upload": {"report": "把握“新消费”发展机遇.txt", "characters": 79938, "question": "iPhone活跃用户已超10亿？",
               "question_checked": True, "asks": 40, "ask_ms": {"p50": 210.0, "p95": 900.0},
               "first_cited_answer_s": 12.25, "done_s": 70.5, "states_first_seen_s": {"indexed": 11.5, "embedded": 70.5},
               "seed_page": {"interactive_ms": {"p50": 800.0, "p95": 950.0}}},
    "page": {"reports": 400, "interactive_ms": {"p50": 1500.0, "p95": 1800.0}, "transfer_kb": 700.0, "welcome_lines": 12,
             "startup_s": 60.0, "server_rss_mb": 500.0,
             "picker": {"entries": 400, "listed_at_once": 100, "open_ms": 180.0, "filter_ms": {"p50": 31.0, "p95": 55.0}, "terms": {"储能": {}}}},
    "load": {"clients": 20, "rounds": 5, "server_rss_mb": 600.0,
             "quiet": {"requests": 100, "throughput_per_s": 25.0, "latency_ms": {"p50": 700.0, "p95": 950.0},
                       "correct_rate": 1.0},
             "during_ingest": {"requests": 900, "throughput_per_s": 4.0, "latency_ms": {"p50": 4000.0, "p95": 7000.0},
                               "correct_rate": 0.98},
             "upload": {"files": 20, "done_s": 300.0, "completed": False, "states": {"embedded": 19, "failed": 1}}},
}


def test_markdown_has_a_section_per_library_part():
    from evals.bench import markdown

    md = markdown({"machine": "2 cores", "scales": [], "library": LIBRARY_RESULT})
    assert "| chunks | Chroma" not in md  # no synthetic scales were run
    assert "| 20 (20) | 2400 | 738,856 | 1.9 | 95.5 | 240.2 | 5.0 | 10.0 | embedded, indexed |" in md
    assert "| 把握“新消费”发展机遇.txt | 79,938 | 12.25 | 70.5 | indexed 11.5 s, embedded 70.5 s |" in md
    assert "| 400 | 1500.0 / 1800.0 | 700.0 | 12 | 400 (100) | 180.0 | 31.0 / 55.0 (1) |" in md
    assert "| 20 | nothing else | 100 | 25.0 | 700.0 / 950.0 | 1.0 |  |" in md
    assert "| 20 | .zip of 20 reports ingesting | 900 | 4.0 | 4000.0 / 7000.0 | 0.98 | 300.0 (NOT completed) |" in md
    assert "embedded 19, failed 1" in md
    partial = markdown({"machine": "2 cores", "scales": [], "library": {
        **LIBRARY_RESULT, "upload": None, "load": {"error": "TimeoutError: Page.wait_for_function: Timeout 60000ms"}}})
    assert "web users" not in partial and "uploaded report" not in partial and "picker entries" in partial
    assert "**load failed**: TimeoutError" in partial


def _library_bench(tmp_path, *args):
    out = tmp_path / "library.json"
    env = {**os.environ, "BOT_DATA_DIR": str(tmp_path / "d"), "OMP_WAIT_POLICY": "passive"}
    r = subprocess.run([sys.executable, "-m", "bot.cli", "bench", "--library", *args, "--json", str(out)], cwd=ROOT,
                       env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    assert "| chunks | Chroma" not in out.with_suffix(".md").read_text(encoding="utf-8")
    return json.loads(out.read_text(encoding="utf-8"))["library"]


@pytest.mark.slow
@pytest.mark.heavy
def test_bench_library_upload_and_users_during_an_ingest(tmp_path):
    dev = tiny_reports_dev(tmp_path / "dev")
    lib = _library_bench(tmp_path, "--reports-dir", str(dev), "--sample", "3", "--part", "upload", "--part", "load",
                         "--clients", "3", "--rounds", "2")
    up = lib["upload"]
    assert up["report"].startswith("合成报告-") and 0 < up["first_cited_answer_s"] < 60 and up["done_s"] > 0
    assert up["asks"] >= 1 and up["seed_page"]["interactive_ms"]["p50"] > 0
    load = lib["load"]
    assert load["quiet"]["requests"] == 6 and load["quiet"]["correct_rate"] == 1.0
    assert load["during_ingest"]["requests"] >= 6 and load["upload"]["completed"] and load["upload"]["files"] == 3


@pytest.mark.slow
@pytest.mark.heavy
def test_bench_library_page_and_picker(tmp_path):
    page = _library_bench(tmp_path, "--part", "page", "--picker-reports", "30")["page"]
    assert page["reports"] == 30 and page["picker"]["entries"] == 30 and page["welcome_lines"] >= 5
    assert page["interactive_ms"]["p95"] >= page["interactive_ms"]["p50"] > 0
    assert len(page["picker"]["terms"]) >= 5 and page["picker"]["filter_ms"]["p50"] > 0


@pytest.mark.slow
@pytest.mark.heavy
def test_bench_scale_store_times_a_new_report_and_leaves_the_store_as_found(tmp_path):
    """--scale-store on a (small) existing library: the longest report of --reports-dir, in process and uploaded in
    Chromium to `bot serve` on that store, is cited by an answer; afterwards the store holds what it held."""
    dev = tiny_reports_dev(tmp_path / "dev")
    data = tmp_path / "d"
    env = {**os.environ, "BOT_DATA_DIR": str(data), "OMP_WAIT_POLICY": "passive"}
    run = lambda *a: subprocess.run([sys.executable, "-m", "bot.cli", *a], cwd=ROOT, env=env, capture_output=True,
                                    text=True, timeout=600)
    assert run("ingest", str(CORPUS)).returncode == 0
    before = json.loads(run("sources", "--json").stdout)
    out = tmp_path / "scale.json"
    r = run("bench", "--scale-store", str(data), "--reports-dir", str(dev), "--json", str(out))
    assert r.returncode == 0, r.stderr[-3000:]
    got = json.loads(out.read_text(encoding="utf-8"))
    idx, up = got["index_at_scale"], got["upload_at_scale"]
    assert idx["cites_new"] and 0 < idx["indexed_s"] <= idx["answered_s"] and idx["left_as_found"]
    assert up["first_cited_answer_s"] is not None and up["done_s"] and up["left_as_found"]
    assert "紫藤星材料" in up["answer"] and up["reports"] == 2
    assert json.loads(run("sources", "--json").stdout) == before
    assert not any((data / "uploads").glob("新上传-*"))
    md = out.with_suffix(".md").read_text(encoding="utf-8")
    assert "uploaded in the browser to a large library" in md and "| 2 reports |" in md


def test_scale_sections_render_their_figures():
    from evals.bench_library import index_markdown, page_markdown

    idx = index_markdown({"reports": 411, "chunks": 51107, "characters": 125284, "indexed_s": 4.53, "answered_s": 6.27,
                          "ask_ms": 1738.9, "cites_new": True, "left_as_found": True, "first_line": "据…"})
    assert "| 411 reports, 51,107 chunks | 125,284 characters | 4.53 | 6.27 | 1738.9 | True | True |" in idx
    page = page_markdown({"reports": 411, "interactive_ms": {"p50": 900.0, "p95": 1100.0}, "transfer_kb": 600.0,
                          "welcome_lines": 10, "startup_s": 20.0, "server_rss_mb": 700.0,
                          "picker": {"entries": 411, "listed_at_once": 100, "open_ms": 400.0,
                                     "filter_ms": {"p50": 30.0, "p95": 45.0}, "terms": {"华泰证券": {"entries": 12, "ms": 30.0}}}})
    assert "| 411 | 900.0 / 1100.0 | 600.0 | 10 | 411 (100) | 400.0 | 30.0 / 45.0 (1) |" in page
    assert "华泰证券 (12 entries, 30.0 ms)" in page
    assert "FAILED: boom" in page_markdown({"error": "boom"}) and "FAILED: boom" in index_markdown({"error": "boom"})
