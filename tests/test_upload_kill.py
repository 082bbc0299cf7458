"""A server killed in the middle of a bulk upload: the next start finishes the job — every report embedded, the
same chunks as a clean ingest of the same files, no duplicates, nothing pending."""
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile

import pytest

from support import CITIC, HUAXIN, ROOT
from test_browser import opened
from test_web import Server, client

pytestmark = pytest.mark.slow


def chunk_state(data_dir):
    from bot.library import Library
    from bot.settings import Settings

    lib = Library(Settings.from_env({"BOT_DATA_DIR": str(data_dir)}))
    recs = lib.store.chunk_records()
    by_source = {r.source: sorted(c for c, d in recs.items() if d == r.doc_id) for r in lib.sources()}
    return by_source, {r.source: r.status for r in lib.sources()}, lib.store.pending_count(), sorted(lib.lexical.ids)


@pytest.mark.heavy
def test_server_killed_mid_upload_finishes_it_on_restart(tmp_path):
    files = tmp_path / "files"
    files.mkdir()
    for i in range(8):
        src = CITIC if i % 2 else HUAXIN
        (files / f"批量{i}.txt").write_text(src.read_text(encoding="utf-8").replace("Sora", f"Sora{i}"), encoding="utf-8")
    bundle = tmp_path / "batch.zip"
    with zipfile.ZipFile(bundle, "w") as z:
        for f in sorted(files.iterdir()):
            z.write(f, f.name)
    names = sorted(f.name for f in files.iterdir())

    data = tmp_path / "data"
    server = Server(data)
    with opened(server.url) as page:
        page.locator("text=上传新报告").first.click()
        page.locator("#upload-files input[type=file]").set_input_files(str(bundle))
        api = client(server.url)
        deadline = time.time() + 120
        while True:  # kill once every file is searchable and at most a few are embedded
            states = api.predict(api_name="/ingest_status")["files"]
            if all(states.get(n) in ("indexed", "embedded") for n in names):
                break
            assert time.time() < deadline, states
            time.sleep(0.2)
        os.killpg(server.proc.pid, signal.SIGKILL)
        server.proc.wait()
    killed = chunk_state(data)
    assert set(killed[1]) >= set(names) and "indexed" in killed[1].values()  # really interrupted mid-embedding

    again = Server(data)  # resumes the upload at start
    try:
        api = client(again.url)
        deadline = time.time() + 240
        while True:
            status = api.predict(api_name="/ingest_status")
            if all(status["files"].get(n) == "embedded" for n in names) and status["pending_reports"] == 0:
                break
            assert time.time() < deadline, status
            time.sleep(0.5)
    finally:
        again.stop()

    clean = tmp_path / "clean"  # the reference ingest reuses the embedding cache: it embeds nothing again
    (clean / "cache").mkdir(parents=True)
    shutil.copy(data / "cache" / "embeddings.sqlite", clean / "cache" / "embeddings.sqlite")
    env = {**os.environ, "BOT_DATA_DIR": str(clean)}
    r = subprocess.run([sys.executable, "-m", "bot.cli", "ingest", str(ROOT / "corpus"), str(files)], cwd=ROOT, env=env,
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    after, expected = chunk_state(data), chunk_state(clean)
    assert after[0] == expected[0]  # the same chunks per report: none missing, no duplicates
    assert set(after[1].values()) == {"embedded"} and after[2] == 0
    assert after[3] == expected[3]  # BM25 holds exactly those chunks
