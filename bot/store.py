"""Chroma: the only module that imports chromadb.

Collections: `NAME-chunks` (one record per embedded chunk: text, vector, offsets), `NAME-pending` (chunks whose
vectors are not computed yet: text and offsets, searchable by BM25 only), `NAME-catalog` (one small record per
report: its metadata and its status, `indexed` or `embedded`) and `NAME-texts` (each report's cleaned text and its
figures/estimates JSON, in parts of PART_CHARS characters).
A report record is written after its chunks and texts, so a record with a matching content hash means its chunks
are complete — in `pending` while the status is `indexed`, in `chunks` once it is `embedded`: that is what makes a
killed ingest safe to re-run. The collections record the embedding model and dimension that built them.

Why parts: every write to a Chroma collection whose records hold large documents costs seconds, whatever is written
(measured: one 3-character record into a collection of 400 documents of 30k characters, ~5 s; the same 12 M
characters in parts of 2,000 characters, 0.25 s for a whole 128k-character report). Report texts used to be the
documents of the report records (`NAME-reports`, figures in `NAME-facts`); such a store is moved to this layout
when it is first opened (`_upgrade`).
"""
from __future__ import annotations

import hashlib
from dataclasses import asdict
from typing import Iterator, Sequence

import numpy as np

from .errors import ModelMismatchError, StoreError
from .settings import Settings
from .types import Chunk, ReportMeta

MAX_BATCH = 5000  # Chroma's max batch is 5461 on this build
PART_CHARS = 2000  # report texts and facts are stored in parts this long (see the module docstring)


class _Guarded:
    """A Chroma collection whose every call turns a failure (server gone, timeout, bad state) into one
    StoreError sentence; the cause stays chained for the log. HttpClient requests are stateless, so the
    next call after the server is back simply works (that is the reconnect)."""

    _METHODS = {"get", "upsert", "update", "delete", "query", "count", "modify"}

    def __init__(self, col, where: str):
        self._col = col
        self._where = where

    def __getattr__(self, name):
        attr = getattr(self._col, name)
        if name not in self._METHODS:
            return attr

        def call(*args, **kwargs):
            try:
                return attr(*args, **kwargs)
            except Exception as e:  # chromadb and httpx raise many types; all mean "the store failed"
                raise _failed(self._where, e) from e

        return call


def _failed(where: str, e: Exception) -> StoreError:
    return StoreError(f"The report store ({where}) failed: {type(e).__name__}; "
                      "if it is a `chroma run` server, check that it is up.")


def _connect(settings: Settings):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        from urllib.parse import urlparse

        u = urlparse(settings.chroma_url)
        if not u.hostname:
            raise StoreError(f"BOT_CHROMA_URL={settings.chroma_url!r} is not a URL like http://127.0.0.1:8000.")
        try:
            client = chromadb.HttpClient(host=u.hostname, port=u.port or (443 if u.scheme == "https" else 8000),
                                         ssl=u.scheme == "https", settings=chroma_settings)
            client.heartbeat()
        except Exception as e:  # chromadb raises bare ValueError/httpx errors on connect; all mean the same here
            raise StoreError(f"Cannot reach the Chroma server at {settings.chroma_url} ({type(e).__name__}); "
                             "is `chroma run` up?") from None
        return client
    path = settings.data_dir / "chroma"
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings)


class Store:
    def __init__(self, settings: Settings, embed_name: str, embed_dim: int, reset: bool = False):
        self.settings = settings
        self.embed_name = embed_name
        self.embed_dim = embed_dim
        self._client = _connect(settings)
        if reset:  # --reindex: drop what an older model built
            for part in ("chunks", "pending", "catalog", "texts") + LEGACY:
                self._drop(part)
        self.chunks = self._open(f"{settings.collection}-chunks")
        self.pending = self._open(f"{settings.collection}-pending")  # chunks waiting for their vectors
        self.reports = self._open(f"{settings.collection}-catalog")  # report records: metadata and status only
        self.texts = self._open(f"{settings.collection}-texts")  # report texts and facts JSON, in parts
        self._upgrade()

    def _drop(self, part: str) -> None:
        try:
            self._client.delete_collection(f"{self.settings.collection}-{part}")
        except Exception:  # absent already
            pass

    def _legacy(self, part: str):
        try:
            col = self._client.get_collection(f"{self.settings.collection}-{part}")
            return _Guarded(col, self.settings.chroma_url or "embedded")
        except Exception:  # absent: a store of the current layout
            return None

    def _upgrade(self) -> None:
        """Move a store of the old layout (texts as the documents of `NAME-reports`, figures in `NAME-facts`) to
        this one: records into the catalog, texts and facts into parts. Idempotent: a process killed half way
        finds the old collections still there and moves them again; they are dropped last."""
        old = self._legacy("reports")
        if old is None:
            return
        import logging

        log = logging.getLogger(__name__)
        log.warning("Moving the report store to its new layout (once; about a second per 5 reports)…")
        facts = self._legacy("facts")
        n = old.count()
        for off in range(0, n, 50):
            got = old.get(include=["documents", "metadatas"], limit=50, offset=off)
            ids, texts = got["ids"], got["documents"]
            figures = facts.get(ids=ids, include=["documents"]) if facts is not None else {"ids": [], "documents": []}
            self._put_parts(ids, "text", texts)
            self._put_parts(figures["ids"], "facts", figures["documents"])
            self.reports.upsert(ids=ids, embeddings=self._placeholders(len(ids)), metadatas=got["metadatas"])
        token = (old.metadata or {}).get("revision")
        if token:
            self.reports.modify(metadata={"embed_model": self.embed_name, "embed_dim": self.embed_dim,
                                          "revision": token})
        for part in ("facts", "reports"):  # the records last: while they exist, the move is not finished
            self._drop(part)
        log.warning("Report store moved: %d reports.", n)

    @property
    def key(self) -> str:
        """Identity of this store, for local caches derived from it (the BM25 index): the chunk collection's own
        id, so the same files served embedded or through `chroma run` (on any port) share one BM25 index. (Keyed
        to the server's URL, a restarted server on another port rebuilt BM25 from all chunks: 70 s at 100k.)"""
        return hashlib.sha1(f"{self.chunks.id}|{self.embed_name}".encode()).hexdigest()[:16]

    def _open(self, name: str):
        meta = {"embed_model": self.embed_name, "embed_dim": self.embed_dim}
        try:
            col = self._client.get_or_create_collection(
                name, embedding_function=None, metadata=meta, configuration={"hnsw": {"space": "cosine"}})
        except Exception as e:
            raise StoreError(f"Cannot open the Chroma collection {name}: {e}") from None
        found = col.metadata or {}
        where = self.settings.chroma_url or "embedded"
        if found.get("embed_model") != self.embed_name or int(found.get("embed_dim", 0)) != self.embed_dim:
            raise ModelMismatchError(
                f"The store was built with {found.get('embed_model')} ({found.get('embed_dim')}-d) but the configured "
                f"embedder is {self.embed_name} ({self.embed_dim}-d); run `bot ingest --reindex` to rebuild it with "
                "the new model, or point BOT_DATA_DIR / BOT_COLLECTION elsewhere.")
        return _Guarded(col, where)

    # reports -------------------------------------------------------------------------------------
    def list_reports(self) -> list[ReportMeta]:
        got = self.reports.get(include=["metadatas"])
        metas = [_report_meta(i, m) for i, m in zip(got["ids"], got["metadatas"])]
        return sorted(metas, key=lambda r: (r.date, r.title))

    def report_figures(self, doc_ids: Sequence[str]) -> dict[str, str]:
        """doc id → figures JSON, for these reports (those that have one)."""
        return self._get_parts(doc_ids, "facts")

    def _put_parts(self, doc_ids: Sequence[str], kind: str, texts: Sequence[str]) -> None:
        """Each document's text in parts of PART_CHARS characters, replacing its earlier parts of this kind."""
        if not doc_ids:
            return
        self._delete_parts(doc_ids, kind)
        ids, docs, mds = [], [], []
        for d, text in zip(doc_ids, texts):
            parts = [text[i:i + PART_CHARS] for i in range(0, len(text), PART_CHARS)] or [""]
            for n, part in enumerate(parts):
                ids.append(f"{d}/{kind}/{n}")
                docs.append(part)
                mds.append({"doc_id": d, "kind": kind, "part": n, "parts": len(parts)})
        vectors = self._placeholders(len(ids))
        for i in range(0, len(ids), MAX_BATCH):
            self.texts.upsert(ids=ids[i:i + MAX_BATCH], documents=docs[i:i + MAX_BATCH],
                              embeddings=vectors[i:i + MAX_BATCH], metadatas=mds[i:i + MAX_BATCH])

    def _delete_parts(self, doc_ids: Sequence[str], kind: str | None = None) -> None:
        for i in range(0, len(doc_ids), 500):
            part = list(doc_ids[i:i + 500])
            where: dict = {"doc_id": part[0]} if len(part) == 1 else {"doc_id": {"$in": part}}
            self.texts.delete(where={"$and": [where, {"kind": kind}]} if kind else where)

    def _get_parts(self, doc_ids: Sequence[str], kind: str) -> dict[str, str]:
        """doc id → its text of this kind, joined from its parts; documents with a part missing are left out."""
        found: dict[str, dict[int, str]] = {}
        total: dict[str, int] = {}
        wanted = list(dict.fromkeys(doc_ids))
        for i in range(0, len(wanted), 100):
            part = wanted[i:i + 100]
            where: dict = {"doc_id": part[0]} if len(part) == 1 else {"doc_id": {"$in": part}}
            got = self.texts.get(where={"$and": [where, {"kind": kind}]}, include=["documents", "metadatas"])
            for doc, m in zip(got["documents"], got["metadatas"]):
                found.setdefault(m["doc_id"], {})[int(m["part"])] = doc
                total[m["doc_id"]] = int(m["parts"])
        return {d: "".join(p[n] for n in range(total[d])) for d, p in found.items() if len(p) == total[d]}

    def _placeholders(self, n: int) -> np.ndarray:
        """Vectors for records that are never searched by vector (Chroma records need one)."""
        vectors = np.zeros((n, self.embed_dim), dtype=np.float32)
        vectors[:, 0] = 1.0
        return vectors

    def put_facts(self, doc_ids: Sequence[str], figures: Sequence[str]) -> None:
        """Figures JSON per report."""
        self._put_parts(doc_ids, "facts", figures)

    # revision: a token that changes with every write, so readers can tell cheaply whether the store moved
    def revision(self) -> str:
        return f"{self.revision_token()}:{self.chunks.count()}:{self.pending.count()}:{self.reports.count()}"

    def revision_token(self) -> str:
        """The token alone: one read, changed at the end of every ingest or remove (by any process)."""
        try:
            col = self._client.get_collection(f"{self.settings.collection}-catalog")
        except Exception as e:  # as in _Guarded: any chromadb/httpx failure means the store failed
            raise _failed(self.settings.chroma_url or "embedded", e) from e
        return (col.metadata or {}).get("revision", "")

    def bump_revision(self) -> None:
        import uuid

        meta = {"embed_model": self.embed_name, "embed_dim": self.embed_dim, "revision": uuid.uuid4().hex}
        self.reports.modify(metadata=meta)

    def report_text(self, doc_id: str) -> str:
        got = self.report_texts([doc_id])
        if doc_id not in got:
            raise StoreError(f"No report with id {doc_id}.")
        return got[doc_id]

    def report_texts(self, doc_ids: Sequence[str]) -> dict[str, str]:
        """doc id → cleaned text, in one read per hundred reports; reports not (completely) stored are left out."""
        return self._get_parts(doc_ids, "text")

    def put_reports(self, metas: Sequence[ReportMeta], texts: Sequence[str], figures: Sequence[str]) -> None:
        """Report records, written after their chunks: a record with a matching hash marks its report complete."""
        ids = [m.doc_id for m in metas]
        self._put_parts(ids, "text", texts)  # texts and facts before the records: they are the commit mark
        self._put_parts(ids, "facts", figures)
        mds = [_report_md(m) for m in metas]
        vectors = self._placeholders(len(metas))
        for i in range(0, len(metas), MAX_BATCH):
            self.reports.upsert(ids=ids[i:i + MAX_BATCH], embeddings=vectors[i:i + MAX_BATCH],
                                metadatas=mds[i:i + MAX_BATCH])

    def mark_reports(self, metas: Sequence[ReportMeta]) -> None:
        """Rewrite report records' metadata (a status change), not their text."""
        for i in range(0, len(metas), MAX_BATCH):
            part = metas[i:i + MAX_BATCH]
            self.reports.update(ids=[m.doc_id for m in part], metadatas=[_report_md(m) for m in part])

    # chunks --------------------------------------------------------------------------------------
    def add_chunks(self, chunks: Sequence[Chunk], vectors: np.ndarray) -> None:
        """Embedded chunks (written to `chunks`, then dropped from `pending` if they waited there)."""
        _upsert(self.chunks, chunks, vectors)
        for i in range(0, len(chunks), MAX_BATCH):
            self.pending.delete(ids=[c.chunk_id for c in chunks[i:i + MAX_BATCH]])

    def add_pending(self, chunks: Sequence[Chunk]) -> None:
        """Chunks whose vectors are still to come: BM25 can search them at once."""
        _upsert(self.pending, chunks, self._placeholders(len(chunks)))

    def delete_chunks_of(self, doc_ids: Sequence[str]) -> None:
        for i in range(0, len(doc_ids), 500):
            part = list(doc_ids[i:i + 500])
            where = {"doc_id": part[0]} if len(part) == 1 else {"doc_id": {"$in": part}}
            self.chunks.delete(where=where)
            self.pending.delete(where=where)

    def delete_doc(self, doc_id: str) -> None:
        """Report record first (it marks the report complete), then its chunks."""
        self.reports.delete(ids=[doc_id])
        self.delete_chunks_of([doc_id])
        self._delete_parts([doc_id])

    def doc_chunk_ids(self, doc_id: str) -> list[str]:
        return [cid for cid, _, _ in self.chunk_spans(doc_id)]

    def chunk_spans(self, doc_id: str) -> list[tuple[str, int, int]]:
        """(chunk id, start, end) of every chunk of a report, embedded or pending, in text order."""
        spans = {}
        for col in (self.pending, self.chunks):
            got = col.get(where={"doc_id": doc_id}, include=["metadatas"])
            spans.update((cid, (cid, m["start"], m["end"])) for cid, m in zip(got["ids"], got["metadatas"]))
        return sorted(spans.values(), key=lambda x: x[1])

    def chunk_records(self) -> dict[str, str]:
        """chunk id → doc id for every chunk in the store, embedded or pending."""
        out: dict[str, str] = {}
        for col in (self.chunks, self.pending):
            for off in range(0, col.count(), MAX_BATCH):
                got = col.get(include=["metadatas"], limit=MAX_BATCH, offset=off)
                out.update((i, m["doc_id"]) for i, m in zip(got["ids"], got["metadatas"]))
        return out

    def iter_chunks(self, ids: Sequence[str] | None = None) -> Iterator[Chunk]:
        """Chunks by id (or all of them), embedded or pending."""
        if ids is None:
            seen: set[str] = set()
            for col in (self.chunks, self.pending):
                for off in range(0, col.count(), MAX_BATCH):
                    got = col.get(include=["documents", "metadatas"], limit=MAX_BATCH, offset=off)
                    for i, d, m in zip(got["ids"], got["documents"], got["metadatas"]):
                        if i not in seen:
                            seen.add(i)
                            yield _chunk(i, d, m)
            return
        for off in range(0, len(ids), MAX_BATCH):
            part = list(ids[off:off + MAX_BATCH])
            got = self.chunks.get(ids=part, include=["documents", "metadatas"])
            found = set(got["ids"])
            yield from (_chunk(i, d, m) for i, d, m in zip(got["ids"], got["documents"], got["metadatas"]))
            rest = [i for i in part if i not in found]
            if rest:
                got = self.pending.get(ids=rest, include=["documents", "metadatas"])
                yield from (_chunk(i, d, m) for i, d, m in zip(got["ids"], got["documents"], got["metadatas"]))

    def get_chunks(self, ids: Sequence[str]) -> dict[str, Chunk]:
        return {c.chunk_id: c for c in self.iter_chunks(list(dict.fromkeys(ids)))}

    def count(self) -> int:
        """Embedded chunks."""
        return self.chunks.count()

    def pending_count(self) -> int:
        """Chunks waiting for their vectors."""
        return self.pending.count()

    def query(self, vector: np.ndarray, k: int, doc_ids: Sequence[str] | None = None) -> list[tuple[str, float]]:
        """Nearest chunks as (chunk_id, cosine similarity), optionally within some reports."""
        n = self.chunks.count()
        if n == 0 or k <= 0:
            return []
        where = None
        if doc_ids is not None:
            if not doc_ids:
                return []
            where = {"doc_id": doc_ids[0]} if len(doc_ids) == 1 else {"doc_id": {"$in": list(doc_ids)}}
        got = self.chunks.query(query_embeddings=[vector.tolist()], n_results=min(k, n), where=where,
                                include=["distances"])
        return [(i, 1.0 - d) for i, d in zip(got["ids"][0], got["distances"][0])]

    def nearest_among(self, vector: np.ndarray, k: int, chunk_ids: Sequence[str]) -> list[tuple[str, float]]:
        """Exact nearest chunks among a few given ids (cosine), by reading their vectors: at 100k chunks this
        beats a `where` filter by far (a few ms for a report's chunks, against 25–160 ms)."""
        ids, vecs = [], []
        for i in range(0, len(chunk_ids), MAX_BATCH):
            got = self.chunks.get(ids=list(chunk_ids[i:i + MAX_BATCH]), include=["embeddings"])
            ids += got["ids"]
            vecs.append(np.asarray(got["embeddings"], dtype=np.float32).reshape(len(got["ids"]), -1))
        if not ids:
            return []
        m = np.concatenate(vecs)
        q = np.asarray(vector, dtype=np.float32)
        sims = m @ q / np.maximum(np.linalg.norm(m, axis=1) * np.linalg.norm(q), 1e-12)
        top = np.argsort(-sims, kind="stable")[:k]
        return [(ids[i], float(sims[i])) for i in top]


LEGACY = ("reports", "facts")  # collections of the old layout (see the module docstring)


def _report_md(meta: ReportMeta) -> dict:
    md = {k: v for k, v in asdict(meta).items() if k != "doc_id"}
    md["date_int"] = int(meta.date.replace("-", "")) if meta.date else 0
    return md


def _upsert(col, chunks: Sequence[Chunk], vectors: np.ndarray) -> None:
    for i in range(0, len(chunks), MAX_BATCH):
        part = chunks[i:i + MAX_BATCH]
        col.upsert(ids=[c.chunk_id for c in part], documents=[c.text for c in part], embeddings=vectors[i:i + MAX_BATCH],
                   metadatas=[{"doc_id": c.doc_id, "start": c.start, "end": c.end, "section": c.section,
                               "index": c.index, "tokens": c.tokens} for c in part])


def _report_meta(doc_id: str, m: dict) -> ReportMeta:
    return ReportMeta(doc_id=doc_id, title=m.get("title", ""), broker=m.get("broker", ""), date=m.get("date", ""),
                      author=m.get("author", ""), source=m.get("source", ""), content_hash=m.get("content_hash", ""),
                      chunks=int(m.get("chunks", 0)), chars=int(m.get("chars", 0)),
                      status=m.get("status", "embedded"),  # stores written before statuses held embedded reports only
                      ingested=m.get("ingested", ""), sketch=m.get("sketch", ""), twin_of=m.get("twin_of", ""))


def _chunk(chunk_id: str, text: str, m: dict) -> Chunk:
    return Chunk(chunk_id=chunk_id, doc_id=m["doc_id"], text=text, start=int(m["start"]), end=int(m["end"]),
                 section=m.get("section", ""), index=int(m.get("index", 0)), tokens=int(m.get("tokens", 0)))
