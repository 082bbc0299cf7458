"""Server mode against a real `chroma run` on 127.0.0.1, started and stopped (by PID) here."""
import pytest

from bot.errors import StoreError
from evals.servers import start_chroma, stop
from support import CORPUS, free_port, make_settings

pytestmark = pytest.mark.slow


def test_server_mode_ingest_search_and_outage(tmp_path, embedder):
    from bot.library import Library

    port = free_port()
    proc = start_chroma(tmp_path / "chroma-server", port)
    try:
        url = f"http://127.0.0.1:{port}"
        lib = Library(make_settings(tmp_path / "a", chroma_url=url), embedder=embedder)
        assert lib.ingest([CORPUS]).added == 2
        hits = lib.search("Sora最长能生成多长的视频？", k=3)
        assert any("一分钟" in h.chunk.text for h in hits)
        # a second client with its own data dir sees the same shared store and builds its own BM25
        other = Library(make_settings(tmp_path / "b", chroma_url=url), embedder=embedder)
        assert sorted(r.broker for r in other.sources()) == ["中信证券", "华鑫证券"]
        assert other.search("国资委", k=2, mode="bm25")[0].report.broker == "华鑫证券"
        assert not (tmp_path / "b" / "chroma").exists()  # nothing embedded was created
    finally:
        stop(proc)
    with pytest.raises(StoreError, match="Cannot reach the Chroma server"):
        Library(make_settings(tmp_path / "c", chroma_url=url), embedder=embedder)


def test_server_down_mid_session_then_back(tmp_path, embedder):
    from bot.answer import Engine
    from bot.errors import BotError
    from bot.library import Library

    port = free_port()
    path = tmp_path / "chroma-server"
    proc = start_chroma(path, port)
    url = f"http://127.0.0.1:{port}"
    try:
        lib = Library(make_settings(tmp_path / "a", chroma_url=url), embedder=embedder)
        lib.ingest([CORPUS])
        engine = Engine(lib)
        assert "一分钟" in engine.ask("Sora最长能生成多长的视频？").answer
    finally:
        stop(proc)
    with pytest.raises(BotError, match="check that it is up"):
        engine.ask("华鑫证券的报告共多少页？")
    proc = start_chroma(path, port)  # back, same data
    try:
        assert "34" in engine.ask("华鑫证券的报告共多少页？").answer  # the same Library reconnects by itself
    finally:
        stop(proc)
