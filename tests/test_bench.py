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
                        "--real-sample", "8", "--json", str(out)], cwd=ROOT, env=env, capture_output=True, text=True,
                       timeout=600)
    assert r.returncode == 0, r.stderr
    result = json.loads(out.read_text(encoding="utf-8"))
    s = result["scales"][0]
    assert s["chunks"] >= 250 and s["questions"] == 20
    assert set(s["query_ms"]) == {"p50", "p95"} and s["query_ms"]["p50"] > 0
    assert {"embed", "bm25", "chroma", "fuse", "answer", "tools"} <= set(s["stages_ms"])
    assert s["rss_mb"] > 0 and s["disk_mb"] > 0 and s["ingest_chunks_per_s"] > 0 and s["startup_s"] > 0
    assert s["ingest_chunks_per_s_real_model"] > 0 and s["answer_hit_rate"] >= 0.5
    assert out.with_suffix(".md").exists() and out.with_suffix(".png").stat().st_size > 1000
