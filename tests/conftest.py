"""Shared fixtures: every test gets its own BOT_DATA_DIR; one ingested library is shared read-only."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # for `from support import …`, whatever the invocation
from support import CORPUS, make_settings  # noqa: E402

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def pytest_collection_modifyitems(config, items):
    """The tests marked `heavy` first (in their usual order): with two workers (`-n 2`) each worker takes one
    of them at the start and the light tests fill the gaps, instead of the longest test starting last and the
    other worker idling while it runs."""
    items.sort(key=lambda item: item.get_closest_marker("heavy") is None)  # stable: the rest keep their order


@pytest.fixture(autouse=True)
def _data_dir(tmp_path, monkeypatch):
    """No test writes outside its tmp dir, and none sees a developer's LLM settings."""
    monkeypatch.setenv("BOT_DATA_DIR", str(tmp_path / "data"))
    for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "BOT_CHROMA_URL", "BOT_EMBEDDER", "BOT_LLM_MODEL"):
        monkeypatch.delenv(var, raising=False)
    return tmp_path / "data"


@pytest.fixture(scope="session")
def embedder(tmp_path_factory):
    """The real local model, shared: it is thread-safe and stateless apart from caches."""
    from bot.embed import CachedEmbedder, LocalE5

    return CachedEmbedder(LocalE5(), tmp_path_factory.mktemp("emb") / "cache.sqlite")


@pytest.fixture(scope="session")
def library(tmp_path_factory, embedder):
    """The two seed reports, ingested once for the whole session. Tests must not modify it."""
    from bot.library import Library

    lib = Library(make_settings(tmp_path_factory.mktemp("lib")), embedder=embedder)
    summary = lib.ingest([CORPUS])
    assert summary.added == 2 and not summary.failed
    return lib


@pytest.fixture
def fresh_library(tmp_path, embedder):
    """An empty library of the test's own (for ingest/remove tests)."""
    from bot.library import Library

    def make(**kw):
        return Library(make_settings(tmp_path / "lib", **kw), embedder=embedder)

    return make
