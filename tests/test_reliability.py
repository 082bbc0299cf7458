"""Faults: a SIGKILL in the middle of `bot ingest`, bad files in a batch, secrets kept out of output."""
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from support import CITIC, HUAXIN, ROOT

pytestmark = pytest.mark.slow


def bot(args, data_dir, **kw):
    env = {**os.environ, "BOT_DATA_DIR": str(data_dir)}
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=600, **kw)


def make_corpus(folder, n=16):
    folder.mkdir()
    for i in range(n):
        src = CITIC if i % 2 else HUAXIN
        text = src.read_text(encoding="utf-8").replace("Sora", f"Sora{i}")  # distinct reports, same shape
        (folder / f"report-{i:02d}.txt").write_text(text, encoding="utf-8")
    return folder


def state(data_dir):
    """(chunk ids per source, BM25 ids) of a store, read in a fresh process-free way."""
    from bot.library import Library
    from bot.settings import Settings

    lib = Library(Settings.from_env({"BOT_DATA_DIR": str(data_dir)}))
    recs = lib.store.chunk_records()
    by_source = {r.source: sorted(c for c, d in recs.items() if d == r.doc_id) for r in lib.sources()}
    return by_source, sorted(lib.lexical.ids), len(recs), sorted(r.status for r in lib.sources())


def clean_total(data_dir):
    return state(data_dir)[2]


@pytest.mark.heavy
def test_sigkill_mid_ingest_then_rerun_equals_a_clean_ingest(tmp_path):
    corpus = make_corpus(tmp_path / "corpus")
    killed = tmp_path / "killed"
    env = {**os.environ, "BOT_DATA_DIR": str(killed)}
    proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "ingest", str(corpus)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # kill once ~40 of the ~200 chunks are embedded (the embedding cache shows progress): mid-ingest for sure
    cache = killed / "cache" / "embeddings.sqlite"
    deadline = time.time() + 180
    while time.time() < deadline:
        try:
            with sqlite3.connect(cache, timeout=1) as db:
                if db.execute("SELECT COUNT(*) FROM emb").fetchone()[0] >= 40:
                    break
        except sqlite3.Error:
            pass
        time.sleep(0.1)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    partial = state(killed)
    r = bot(["ingest", str(corpus)], killed)
    assert r.returncode == 0, r.stderr

    # the reference: a clean ingest of the same files into a new store; it starts from a copy of the embedding
    # cache (vectors keyed by model and text), so it embeds nothing again — the chunks it writes are its own
    clean = tmp_path / "clean"
    (clean / "cache").mkdir(parents=True)
    shutil.copy(cache, clean / "cache" / "embeddings.sqlite")
    assert bot(["ingest", str(corpus)], clean).returncode == 0
    assert partial[2] < clean_total(clean) or "indexed" in partial[3]  # the kill really interrupted the ingest
    clean_state, killed_state = state(clean), state(killed)
    assert killed_state[0] == clean_state[0]  # the same chunks per report: no duplicates, none missing
    assert killed_state[1] == clean_state[1]  # BM25 holds exactly those chunks (no orphans)
    assert killed_state[2] == clean_state[2]
    assert set(killed_state[3]) == {"embedded"}


def without_root_powers() -> list[str]:
    """A command prefix under which file permissions apply: as root, drop the capabilities that bypass them
    (CI runs as root, which can read a mode-000 file); as anyone else, nothing is needed."""
    if os.geteuid() != 0:
        return []
    if not shutil.which("setpriv"):
        pytest.skip("running as root without util-linux setpriv: permissions cannot be made to apply")
    return ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", "--"]


def test_unreadable_files_folders_and_broken_links_are_reported_by_name(tmp_path):
    folder = tmp_path / "报告 (2024)"
    folder.mkdir()
    shutil.copy(CITIC, folder / "中信 证券.txt")
    locked = folder / "locked.txt"
    locked.write_text("不可读", encoding="utf-8")
    locked.chmod(0)
    shut = folder / "shut"
    shut.mkdir()
    shutil.copy(HUAXIN, shut / "inside.txt")
    shut.chmod(0)
    (folder / "dangling.md").symlink_to(tmp_path / "nowhere.md")
    os.mkfifo(folder / "pipe.txt")  # not a regular file: reading it would block for ever
    env = {**os.environ, "BOT_DATA_DIR": str(tmp_path / "data")}
    try:
        r = subprocess.run([*without_root_powers(), sys.executable, "-m", "bot.cli", "ingest", str(folder)], cwd=ROOT,
                           env=env, capture_output=True, text=True, timeout=600)
    finally:
        shut.chmod(0o755)
        locked.chmod(0o644)
    assert r.returncode == 1  # something failed, and the exit status says so
    assert "Traceback" not in r.stderr + r.stdout
    assert "added 1" in r.stdout + r.stderr  # the readable report went in
    lines = [ln for ln in r.stderr.splitlines() if ln.startswith("failed:")]
    assert any("locked.txt" in ln and "cannot be read (Permission denied)" in ln for ln in lines), r.stderr
    assert any("shut" in ln and "folder cannot be read" in ln for ln in lines), r.stderr
    assert any("dangling.md" in ln and "does not exist" in ln for ln in lines), r.stderr
    assert any("pipe.txt" in ln and "not a regular file" in ln for ln in lines), r.stderr
    assert len(lines) == 4


def test_secrets_never_reach_output_or_feedback(tmp_path):
    env = {"OPENAI_API_KEY": "sk-very-secret-key", "OPENAI_BASE_URL": "http://127.0.0.1:9/v1"}  # nothing listens
    data = tmp_path / "d"
    assert bot(["ingest"], data).returncode == 0
    e = {**os.environ, "BOT_DATA_DIR": str(data), **env}
    r = subprocess.run([sys.executable, "-m", "bot.cli", "ask", "--json", "Sora最长能生成多长的视频？"], cwd=ROOT, env=e,
                       capture_output=True, text=True, timeout=120)
    ans = json.loads(r.stdout)
    assert ans["mode"] == "extractive" and "cannot be reached" in ans["notes"][0]
    assert "sk-very-secret-key" not in r.stdout + r.stderr
    logs = data / "logs"
    assert not logs.exists() or all("sk-very-secret-key" not in f.read_text() for f in logs.iterdir())


@pytest.mark.heavy
def test_answers_stay_correct_while_ingesting(tmp_path, fresh_library):
    """One thread ingests 6 more reports while another keeps asking: every answer is right and cited."""
    import threading

    from bot.answer import Engine
    from support import CORPUS

    lib = fresh_library()
    lib.ingest([CORPUS])
    engine = Engine(lib)
    corpus = make_corpus(tmp_path / "more", n=6)
    done = threading.Event()
    errors = []

    def ingest():
        try:
            lib.ingest([corpus])
        except Exception as e:  # surfaced by the assertion below
            errors.append(e)
        finally:
            done.set()

    t = threading.Thread(target=ingest)
    t.start()
    asked = 0
    while not done.is_set() or asked < 5:
        a = engine.ask("2030年AIGC监管市场规模有多大？")
        assert "574.55" in a.answer and a.citations, a.answer
        b = engine.ask("华鑫证券的报告共多少页？")
        assert "34" in b.answer and not b.refused
        for c in a.citations + b.citations:
            assert lib.report_text(lib.find(c.doc_id))[c.start:c.end] == c.quote
        asked += 1
    t.join()
    assert not errors and asked >= 5
    assert len(lib.sources()) == 8 and len(lib.lexical) == len(lib.store.chunk_records())


NEW_REPORT = """华泰证券：全息短剧行业点评
2025-03-01
分析师：王明

核心观点
全息短剧是以全息投影呈现的短剧形态，目前仍处于早期阶段。
我们预计，2027年国内全息短剧市场规模将达到321亿元，渗透率约为17%。
风险提示：技术进展不及预期，内容监管趋严。
"""


@pytest.mark.heavy
def test_web_chat_keeps_answering_while_another_process_ingests(tmp_path):
    """`bot serve` and a separate `bot ingest` share a real `chroma run`: every answer over HTTP stays right
    during the ingest; the serving process answers from a new report by keywords while the writer is still
    embedding (saying some reports are still being indexed), and by meaning too once it is done."""
    from evals.bench import WEB_QUESTIONS
    from evals.servers import start_bot_serve, start_chroma, stop, web_client
    from support import free_port

    chroma_port = free_port()
    chroma = start_chroma(tmp_path / "chroma", chroma_port)
    url = f"http://127.0.0.1:{chroma_port}"
    try:
        web_port = free_port()
        web = start_bot_serve(tmp_path / "serve", web_port, tmp_path / "serve.log", {"BOT_CHROMA_URL": url})
        try:
            corpus = make_corpus(tmp_path / "more", n=8)
            (corpus / "全息短剧.txt").write_text(NEW_REPORT, encoding="utf-8")
            env = {**os.environ, "BOT_DATA_DIR": str(tmp_path / "writer"), "BOT_CHROMA_URL": url}
            writer = subprocess.Popen([sys.executable, "-m", "bot.cli", "ingest", str(corpus)], cwd=ROOT, env=env,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            client = web_client(f"http://127.0.0.1:{web_port}/")
            during = after = 0
            early = None  # the new report answered (by keywords) while the writer was still embedding
            while writer.poll() is None or after < len(WEB_QUESTIONS):
                running = writer.poll() is None
                q, expected = WEB_QUESTIONS[(during + after) % len(WEB_QUESTIONS)]
                ans = client.predict(q, api_name="/ask")
                assert expected in ans["answer"] and ans["citations"], (q, ans["answer"])
                if running and early is None:
                    new = client.predict("全息短剧市场规模预计是多少？", api_name="/ask")
                    if "321亿" in new["answer"] and writer.poll() is None:
                        early = new
                during, after = during + running, after + (not running)
            out, err = writer.communicate()
            assert writer.returncode == 0, err
            assert "added 9" in out and during >= 3  # questions really overlapped the ingest
            assert early is not None, "the new report was not searchable before its embeddings were done"
            assert any(c["source"] == "全息短剧.txt" for c in early["citations"])
            assert any("still being indexed" in n for n in early["notes"])
            deadline = time.time() + 20
            while True:
                ans = client.predict("全息短剧市场规模预计是多少？", api_name="/ask")
                if "321亿" in ans["answer"]:
                    break
                assert time.time() < deadline, ans["answer"]
                time.sleep(1)
            assert any(c["source"] == "全息短剧.txt" for c in ans["citations"])
        finally:
            stop(web)
    finally:
        stop(chroma)


@pytest.mark.heavy
def test_cli_ingest_beside_the_served_embedded_store_is_refused_clearly(tmp_path):
    """Embedded Chroma has one writing process: `bot ingest` next to `bot serve` says so in one line and
    changes nothing; the web chat goes on answering."""
    from evals.servers import start_bot_serve, stop, web_client
    from support import free_port

    data = tmp_path / "data"
    data.mkdir()
    port = free_port()
    web = start_bot_serve(data, port, tmp_path / "serve.log")
    try:
        folder = tmp_path / "new"
        folder.mkdir()
        (folder / "全息短剧.txt").write_text(NEW_REPORT, encoding="utf-8")
        r = bot(["ingest", str(folder)], data)
        assert r.returncode == 1 and "Traceback" not in r.stderr
        assert r.stderr.strip().splitlines()[-1].startswith("Error: Another process is writing to this store")
        listed = json.loads(bot(["sources", "--json"], data).stdout)
        assert sorted(x["broker"] for x in listed) == ["中信证券", "华鑫证券"]
        ans = web_client(f"http://127.0.0.1:{port}/").predict("Sora最长能生成多长的视频？", api_name="/ask")
        assert "一分钟" in ans["answer"]
    finally:
        stop(web)
    assert bot(["ingest", str(folder)], data).returncode == 0  # the lock went with the server
