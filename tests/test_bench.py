"""`bot bench` on a tiny scale: the report has every field the issue names (figures come from real runs)."""
import json
import os
import subprocess
import sys

import pytest

from support import ROOT

pytestmark = pytest.mark.slow


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
