"""The CLI contract eval scripts depend on, run as a real subprocess."""
import json
import os
import subprocess
import sys

import pytest

from support import CORPUS, ROOT

BOT = [sys.executable, "-m", "bot.cli"]

# one worker (of `-n 2`) runs this module: its module fixture (a server, a store) is built once
pytestmark = pytest.mark.xdist_group("cli")


def run(args, data_dir, input=None, env=None):
    e = {**os.environ, "BOT_DATA_DIR": str(data_dir), **(env or {})}
    return subprocess.run(BOT + args, cwd=ROOT, env=e, capture_output=True, text=True, input=input, timeout=300)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("cli")
    r = run(["ingest"], d)
    assert r.returncode == 0, r.stderr
    assert "added 2" in r.stdout
    return d


def test_second_ingest_adds_nothing(data_dir):
    r = run(["ingest", str(CORPUS)], data_dir)
    assert r.returncode == 0 and "added 0, unchanged 2" in r.stdout


def test_sources_filter(data_dir):
    rows = json.loads(run(["sources", "--json", "--filter", "华鑫"], data_dir).stdout)
    assert [r["broker"] for r in rows] == ["华鑫证券"]
    assert "No reports" not in run(["sources", "--filter", "2024-02"], data_dir).stdout


def test_sources_json(data_dir):
    r = run(["sources", "--json"], data_dir)
    reports = json.loads(r.stdout)
    assert sorted(x["broker"] for x in reports) == ["中信证券", "华鑫证券"]
    for x in reports:
        assert set(x) >= {"doc_id", "title", "broker", "date", "author", "source", "chunks"} and x["chunks"] > 0


def test_search_json(data_dir):
    r = run(["search", "Sora最长能生成多长的视频？", "--json", "-k", "3"], data_dir)
    hits = json.loads(r.stdout)
    assert len(hits) == 3
    assert set(hits[0]) >= {"chunk_id", "doc_id", "title", "source", "text", "start", "end", "score"}


def test_ask_json_cites_citic_one_minute(data_dir):
    r = run(["ask", "--json", "Sora最长能生成多长的视频？"], data_dir)
    assert r.returncode == 0, r.stderr
    ans = json.loads(r.stdout)
    assert ans["mode"] == "extractive" and ans["refused"] is False
    assert any(c["broker"] == "中信证券" and "一分钟" in c["quote"] for c in ans["citations"])
    assert set(ans) >= {"question", "answer", "mode", "refused", "citations", "calculations", "timings_ms"}


def test_ask_file_one_json_per_line(data_dir, tmp_path):
    f = tmp_path / "q.txt"
    f.write_text("Sora最长能生成多长的视频？\n\n华鑫证券的报告共多少页？\n", encoding="utf-8")
    r = run(["ask", "--json", "--file", str(f)], data_dir)
    lines = [json.loads(x) for x in r.stdout.splitlines()]
    assert [x["question"] for x in lines] == ["Sora最长能生成多长的视频？", "华鑫证券的报告共多少页？"]


@pytest.mark.parametrize("args,msg", [
    (["ask", "   "], "question is empty"),
    (["ask"], "Give a question"),
    (["remove", "no-such-report.txt"], "No report named"),
    (["ingest", "/nonexistent/path.txt"], "no such file"),
])
def test_errors_are_one_line_without_traceback(data_dir, args, msg):
    r = run(args, data_dir)
    assert r.returncode != 0
    assert msg in r.stderr
    assert "Traceback" not in r.stderr + r.stdout
    assert len(r.stderr.strip().splitlines()) == 1


def test_remove_then_reingest(tmp_path):
    d = tmp_path / "d"
    assert run(["ingest"], d).returncode == 0
    name = next(CORPUS.glob("华鑫*")).name
    r = run(["remove", name], d)
    assert r.returncode == 0 and name in r.stdout
    assert [x["broker"] for x in json.loads(run(["sources", "--json"], d).stdout)] == ["中信证券"]
    r = run(["ingest"], d)
    assert "added 1, unchanged 1" in r.stdout
