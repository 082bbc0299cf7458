"""The served web chat, end to end: gradio_client against `bot serve` on 127.0.0.1 (stopped by PID)."""
import os
import sqlite3
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from evals.servers import start_bot_serve, stop, web_client
from support import ROOT, free_port

# one worker (of `-n 2`) runs this module: its module fixture (a server, a store) is built once
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("web")]


class Server:
    """`bot serve` in its own process on a free port (evals.servers starts it and stops it by PID)."""

    def __init__(self, data_dir, env=None):
        self.port = free_port()
        self.data_dir = data_dir
        data_dir.mkdir(parents=True, exist_ok=True)
        self.proc = start_bot_serve(data_dir, self.port, data_dir.parent / f"serve-{self.port}.log", env, timeout=180)
        self.url = f"http://127.0.0.1:{self.port}/"

    def stop(self):
        stop(self.proc)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    s = Server(tmp_path_factory.mktemp("web") / "data", {"BOT_MAX_FILE_MB": "2"})
    yield s
    s.stop()


client = web_client  # resubmits an event gradio_client itself dropped (evals.servers)


def last_answer(result) -> str:
    content = result[1][-1]["content"]
    return content if isinstance(content, str) else "".join(p.get("text", "") for p in content)


def test_serve_ingested_the_corpus_and_lists_endpoints(server):
    c = client(server.url)
    assert {"/chat", "/ask"} <= set(c.view_api(print_info=False, return_format="dict")["named_endpoints"])
    assert "中信证券" in urllib.request.urlopen(server.url + "config", timeout=10).read().decode()


def test_chat_gives_a_cited_answer_and_keeps_history(server):
    c = client(server.url)
    r = c.predict("Sora最长能生成多长的视频？", [], "zh", api_name="/chat")
    answer = last_answer(r)
    assert "一分钟" in answer and "(#cite-1)" in answer
    assert 'id="cite-1"' in r[2] and "<mark>" in r[2] and "中信证券" in r[2]
    r = c.predict("那如果占比为8%呢？", [], "zh", api_name="/chat")
    assert len(r[1]) == 4  # the session kept the first turn
    r = c.predict("2030年AIGC监管市场规模有多大？", [], "zh", api_name="/chat")
    assert "574.55" in last_answer(r) and r[3] is not None  # a scenario chart


def test_ask_endpoint_returns_the_cli_json(server):
    ans = client(server.url).predict("2030年AIGC监管市场规模有多大？", api_name="/ask")
    assert ans["mode"] == "extractive" and ans["calculations"][0]["result"]["high"] == "1149.1"
    assert all(c["quote"] for c in ans["citations"])


def test_html_in_a_question_is_escaped(server):
    r = client(server.url).predict("<script>alert(1)</script>Sora最长能生成多长的视频？", [], "zh", api_name="/chat")
    user = r[1][-2]["content"]
    text = user if isinstance(user, str) else "".join(p.get("text", "") for p in user)
    assert "<script>" not in text and "&lt;script&gt;" in text


def test_library_api_searches_the_reports(server):
    table = client(server.url).predict("华鑫", api_name="/library")
    rows = table["data"] if isinstance(table, dict) else table
    assert rows and all("华鑫证券" in row for row in rows)


def test_report_filter(server):
    c = client(server.url)
    doc = client(server.url).predict("华鑫证券的报告共多少页？", api_name="/ask")["citations"][0]["doc_id"]
    r = c.predict("Sora", [doc], "zh", api_name="/chat")
    assert "中信证券" not in r[2] and "华鑫证券" in r[2]


QUESTIONS = [("Sora最长能生成多长的视频？", "一分钟"), ("2030年AIGC监管市场规模有多大？", "574.55"),
             ("华鑫证券的报告共多少页？", "34"), ("Stable Diffusion 3.0采用了什么架构？", "DiT"),
             ("中信证券提出了哪些投资主线？", "硬件支持")]


def test_upload_over_the_size_limit_is_refused_by_the_server(server):
    """Gradio's max_file_size (BOT_MAX_FILE_MB, here 2) stops the upload while it streams in: 413, nothing kept."""
    import httpx

    big = httpx.post(server.url + "gradio_api/upload", files=[("files", ("big.txt", b"a" * 3 * 2**20, "text/plain"))],
                     timeout=60)
    assert big.status_code == 413 and "maximum allowed size" in big.text
    small = httpx.post(server.url + "gradio_api/upload", files=[("files", ("small.txt", "小文件".encode(), "text/plain"))],
                       timeout=60)
    assert small.status_code == 200 and small.json()[0].endswith("small.txt")
    stored = [f for f in server.data_dir.rglob("*") if f.is_file() and f.stat().st_size >= 2**20]
    assert not [f for f in stored if "gradio" in str(f)], stored


def test_twenty_concurrent_users_get_correct_answers(server):
    def one(i):
        q, expected = QUESTIONS[i % len(QUESTIONS)]
        t = time.monotonic()
        r = client(server.url).predict(q, [], "zh", api_name="/chat")
        return expected in last_answer(r), time.monotonic() - t

    t0 = time.monotonic()
    with ThreadPoolExecutor(20) as pool:
        results = list(pool.map(one, range(20)))
    wall = time.monotonic() - t0
    assert all(ok for ok, _ in results), results
    lat = sorted(d for _, d in results)
    print(f"\n20 concurrent users: wall {wall:.2f}s, p50 {lat[10]:.2f}s, p95 {lat[18]:.2f}s")


def test_login_and_admin_only_upload(tmp_path):
    data = tmp_path / "data"
    env = {**os.environ, "BOT_DATA_DIR": str(data), "BOT_NEW_USER_PASSWORD": "correct-horse-1"}
    for name, admin in (("alice", True), ("bob", False)):
        subprocess.run([sys.executable, "-m", "bot.cli", "user", "add", name] + (["--admin"] if admin else []),
                       cwd=ROOT, env=env, check=True, capture_output=True)
    s = Server(data)
    try:
        with pytest.raises(Exception):
            web_client(s.url)  # no credentials: refused
        c = web_client(s.url, auth=("bob", "correct-horse-1"))
        assert "一分钟" in last_answer(c.predict("Sora最长能生成多长的视频？", [], "zh", api_name="/chat"))
        with sqlite3.connect(data / "users.sqlite") as db:
            row = db.execute("SELECT hash FROM users WHERE name='bob'").fetchone()
        assert b"correct-horse-1" not in row[0]
    finally:
        s.stop()
