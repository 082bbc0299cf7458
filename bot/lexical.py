"""BM25 (bm25s) over jieba tokens, kept in step with the Chroma collection.

Chroma is the source of truth. The index is saved under BOT_DATA_DIR/bm25/<store key>/ together with the
store revision it was built from (a token every ingest/remove changes, plus the record counts); at start-up
it is loaded (memory-mapped) only if that still matches, otherwise it is rebuilt. Tokens are cached per chunk id (ids are
content-derived), so a rebuild after an ingest only tokenises the new chunks.
"""
from __future__ import annotations

import json
import re
import shutil
import sqlite3
import threading
from collections import Counter
from pathlib import Path
from typing import Callable, Iterable, NamedTuple, Sequence

import numpy as np

from .text import written_in_chinese

# Function words that carry no retrieval signal in questions ("…是多少", "…的…").
STOPWORDS = set(
    "的 了 是 在 和 与 及 等 对 为 也 就 都 而 及其 或 被 把 从 到 由 于 以 之 其 这 那 这个 那个 什么 多少 哪些 哪个 怎么 如何 "
    "吗 呢 吧 啊 么 请 问 请问 一个 有 没有 能 会 可以 the a an of to in on for and or is are was were be by with as at "
    "what which who how does do did it its this that".split()
)
# Capitalised only because they start a sentence: never names.
_EN_STARTERS = set("please tell give list show explain describe compare summarize summarise ignore if assume suppose "
                   "according based in on for from with by should could would can will is are was were do does did "
                   "has have had and but or so then also".split())
_LATIN_DIGITS = re.compile(r"(?<=[A-Za-z]{2})(?=\d{2})|(?<=\d{4})(?=[A-Za-z]{2})|(?<=[A-Za-z]{2})(?=\d{1,2}\s*[-~至]\s*\d{1,2}\s*月)"
                           r"|(?<=[A-Za-z]{2})(?=\d{1,2}月)"  # PCC1-4月: PCC and 1-4月
                           r"|(?<=[A-Za-z])(?=(?:19|20)\d{2}年)"  # 5G2024年, SGLT-2i2025年: the name, then the year
                           r"|(?<=[A-Za-z]{2})(?=[1-4]Q\d{2}(?!\d))")  # PC4Q20: PC in the fourth quarter of 2020
_WORDLIKE = re.compile(r"[0-9a-z\u4e00-\u9fff]", re.IGNORECASE)


# jieba dictionary frequency from which a word tagged as a person is a common word, not a name (names of the
# dictionary sit well under it: 张艺谋 46, 陆川 94, 纳达尔 34; 卫星 3,057, 开幕式 n).
COMMON_WORD_FREQ = 300


class Tokenizer:
    """jieba search-mode tokens, lower-cased, punctuation and stopwords dropped."""

    def __init__(self, cache_dir: Path):
        import jieba

        jieba.setLogLevel(60)
        self._jieba = jieba.Tokenizer()
        self._jieba.tmp_dir = str(cache_dir)  # jieba writes its dictionary cache; keep it under BOT_DATA_DIR
        self._lock = threading.Lock()
        self._pos = None  # jieba's POS tagger, built on first use (it loads a word-tag table)

    def pos(self, text: str) -> list[tuple[str, str]]:
        """(word, jieba POS flag) pairs: nr person, ns place, nt organisation, nz other proper noun, m number…"""
        import jieba.posseg

        with self._lock:
            if self._pos is None:
                self._pos = jieba.posseg.POSTokenizer(self._jieba)
            return [(p.word, p.flag) for p in self._pos.cut(text)]

    def pos_people(self, text: str) -> list[tuple[str, str]]:
        """`pos`, with person tags (nr…) only on words that may be names: jieba's tagger also marks common
        dictionary words (卫星, frequency 3,057) and idioms (拉开序幕) as persons, while names are rare in its
        dictionary (张艺谋 46, 陆川 94) or absent from it (罗致焕). Other proper-noun tags on words absent from the
        dictionary end in * (ns*: a guess)."""
        out = []
        for w, f in self.pos(text):
            freq = self._jieba.FREQ.get(w) or 0  # (0: only a prefix of dictionary words)
            if f.startswith("nr") and (freq >= COMMON_WORD_FREQ or (len(w) >= 4 and freq)):
                f = "n"
            elif f in ("ns", "nz", "nt") and not freq:
                f += "*"  # a proper noun jieba's dictionary lacks, tagged by guess: a name, of what kind unsure (吴京 ns)
            out.append((w, f))
        return out

    def topics(self, text: str) -> list[tuple[str, bool]]:
        """What a question is about: (word, is_name) for its nouns and names.

        Chinese: jieba POS nouns; person/place/organisation/other proper nouns and Latin-script words are
        names. English: capitalised words (not sentence-initial), acronyms and words with digits are names,
        other words are returned as non-names for the glossary to match.
        """
        out: dict[str, bool] = {}
        text = _LATIN_DIGITS.sub(" ", text)  # "TV2020年" is TV and 2020年, not a name "tv2020"
        cjk = re.findall(r"[\u4e00-\u9fff]+", text)
        if cjk and not written_in_chinese(text):
            # an English question naming Chinese terms: the terms as a Chinese question's, the rest as English
            english = dict(self.topics(re.sub(r"[\u4e00-\u9fff]+", " ", text)))
            return list({**dict(self.topics(" ".join(cjk))), **english}.items())
        if cjk:
            for word, flag in self.pos(text):
                w = word.strip()
                if not w or not _WORDLIKE.search(w) or w.lower() in STOPWORDS:
                    continue
                if flag in ("nr", "nrt", "nrfg", "ns", "nt", "nz", "eng") or (flag == "x" and w.isascii()):
                    out[w.lower()] = True
                elif flag.startswith("n") or flag in ("vn", "j"):
                    out.setdefault(w.lower(), False)
            return list(out.items())
        for sentence in re.split(r"(?<=[.?!])\s+", text):
            for i, m in enumerate(re.finditer(r"[A-Za-z][A-Za-z0-9\-]*|\d{4}", sentence)):
                w = m.group()
                if w.lower() in STOPWORDS:
                    continue
                name = ((w[0].isupper() and (i > 0 or w.lower() not in _EN_STARTERS))
                        or (w.isupper() and len(w) > 1) or any(ch.isdigit() for ch in w))
                out[w.lower()] = out.get(w.lower(), False) or name
        return list(out.items())

    def words(self, text: str) -> list[str]:
        """Precise-mode words (no overlapping sub-words), lower-cased, punctuation dropped; stopwords are kept
        (「会」 is part of 唯品会)."""
        with self._lock:
            words = self._jieba.lcut(text.lower())
        return [w for w in (w.strip() for w in words) if w and _WORDLIKE.search(w)]

    def __call__(self, text: str) -> list[str]:
        with self._lock:  # jieba's lazy initialisation is not thread-safe
            words = self._jieba.lcut_for_search(text.lower())
        return [w for w in (w.strip() for w in words) if w and _WORDLIKE.search(w) and w not in STOPWORDS]


K1, B = 1.5, 0.75  # bm25s's defaults (method "lucene"), which the main index is built with


class _Delta(NamedTuple):
    """Chunks added since the main index was built (a report just indexed), scored with the main index's
    statistics so their scores rank with its own; and the reports whose chunks in the main index no longer count
    (replaced or removed)."""

    ids: list[str]
    docs: list[str]
    tfs: list[dict[str, int]]
    lens: np.ndarray
    removed: frozenset[str]
    vocab: frozenset[str]


_NO_DELTA = _Delta([], [], [], np.zeros(0, dtype=np.float32), frozenset(), frozenset())


class _State(NamedTuple):
    ids: list[str]
    bm25: object
    fingerprint: str
    doc_names: dict[str, int]
    doc_index: np.ndarray
    avgdl: float = 0.0
    delta: _Delta = _NO_DELTA
    live: np.ndarray | None = None  # 1/0 per main chunk: 0 for the delta's removed reports


class _Vocab:
    """`token in vocab` over the main index and the delta."""

    def __init__(self, main: dict, extra: frozenset[str]):
        self.main, self.extra = main, extra

    def __contains__(self, token) -> bool:
        return token in self.main or token in self.extra


class LexicalIndex:
    def __init__(self, folder: Path, tokenizer: Tokenizer):
        self.folder = folder
        self.tokenize = tokenizer
        self._state = _State([], None, "", {}, np.zeros(0, dtype=np.int32))
        folder.mkdir(parents=True, exist_ok=True)
        self._cache = folder / "tokens.sqlite"
        with sqlite3.connect(self._cache) as db:
            db.execute("CREATE TABLE IF NOT EXISTS tok (id TEXT PRIMARY KEY, tokens TEXT)")

    # persistence -------------------------------------------------------------------------------
    def load(self, expected: str) -> bool:
        """Load the saved index if it was built from exactly the expected chunk ids."""
        import bm25s

        manifest = self.folder / "current" / "manifest.json"
        try:
            m = json.loads(manifest.read_text())
        except (OSError, ValueError):
            return False
        if m.get("fingerprint") != expected:
            return False
        ids = m["ids"]
        bm25 = bm25s.BM25.load(str(self.folder / "current"), mmap=True, show_progress=False) if ids else None
        self._set(ids, m["docs"], bm25, expected, float(m.get("avgdl", 0.0)))
        return True

    def build(self, chunks_for: Callable[[list[str]], Iterable[tuple[str, str]]], records: dict[str, str],
              fp: str) -> None:
        """Rebuild from `records` (chunk id → doc id), saved under fingerprint `fp` (the store's revision);
        `chunks_for(missing_ids)` yields (id, text) to tokenise."""
        import bm25s

        ids = list(records)
        tokens = self._cached_tokens(ids)
        missing = [i for i in ids if i not in tokens]
        if missing:
            new = {cid: self.tokenize(text) for cid, text in chunks_for(missing)}
            with sqlite3.connect(self._cache) as db:
                db.executemany("INSERT OR REPLACE INTO tok VALUES (?, ?)", [(k, "\x1f".join(v)) for k, v in new.items()])
            tokens.update(new)
        ids = [i for i in ids if i in tokens]
        docs = [records[i] for i in ids]
        avgdl = float(np.mean([len(tokens[i]) or 1 for i in ids])) if ids else 0.0
        tmp = self.folder / "building"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        bm25 = None
        if ids:
            bm25 = bm25s.BM25()
            bm25.index([tokens[i] or ["\x00"] for i in ids], show_progress=False)
            bm25.save(str(tmp), show_progress=False)
        (tmp / "manifest.json").write_text(json.dumps({"fingerprint": fp, "ids": ids, "docs": docs, "avgdl": avgdl}))
        # swap in atomically: a crash leaves either the old or the new index, never half of one
        old = self.folder / "old"
        shutil.rmtree(old, ignore_errors=True)
        if (self.folder / "current").exists():
            (self.folder / "current").rename(old)
        tmp.rename(self.folder / "current")
        shutil.rmtree(old, ignore_errors=True)
        self._set(ids, docs, bm25, fp, avgdl)

    def add(self, chunks: Sequence[tuple[str, str, str]], replaced: set[str], fp: str) -> None:
        """Make new chunks (id, doc id, text) searchable now, without rebuilding the main index: they go into the
        delta, and the main index's chunks of `replaced` reports stop counting. The next `build` folds them in."""
        st = self._state
        new = {cid: self.tokenize(text) for cid, _, text in chunks}
        with sqlite3.connect(self._cache) as db:
            db.executemany("INSERT OR REPLACE INTO tok VALUES (?, ?)", [(k, "\x1f".join(v)) for k, v in new.items()])
        old = st.delta
        keep = [i for i, d in enumerate(old.docs) if d not in replaced]
        ids = [old.ids[i] for i in keep] + [cid for cid, _, _ in chunks]
        docs = [old.docs[i] for i in keep] + [doc for _, doc, _ in chunks]
        tfs = [old.tfs[i] for i in keep] + [Counter(new[cid] or ["\x00"]) for cid, _, _ in chunks]  # as build()
        lens = np.array([sum(t.values()) or 1 for t in tfs], dtype=np.float32)
        removed = old.removed | {d for d in replaced if d in st.doc_names}
        delta = _Delta(ids, docs, tfs, lens, frozenset(removed), frozenset(t for tf in tfs for t in tf))
        live = None
        if removed:
            live = (~np.isin(st.doc_index, [st.doc_names[d] for d in removed])).astype(np.float32)
        self._state = st._replace(fingerprint=fp, delta=delta, live=live)

    def holds(self, records: dict[str, str]) -> bool:
        """Whether this index was built from exactly these chunks (chunk id → doc id), with no delta."""
        st = self._state
        if self.has_delta or not st.ids or len(st.ids) != len(records) or not (self.folder / "current").exists():
            return False
        return all(records.get(cid) == doc for cid, doc in zip(st.ids, self._docs()))

    def restamp(self, fp: str) -> None:
        """Record a new store revision for an index whose chunks did not change. With a delta, in memory only:
        the saved index lacks the delta's chunks, so a restart must not take it for the new revision."""
        st = self._state
        if self.has_delta:
            self._state = st._replace(fingerprint=fp)
            return
        manifest = self.folder / "current" / "manifest.json"
        tmp = manifest.with_suffix(".tmp")
        tmp.write_text(json.dumps({"fingerprint": fp, "ids": st.ids, "docs": self._docs(), "avgdl": st.avgdl}))
        tmp.replace(manifest)
        self._state = st._replace(fingerprint=fp)

    def _docs(self) -> list[str]:
        st = self._state
        names = {n: d for d, n in st.doc_names.items()}
        return [names[int(n)] for n in st.doc_index]

    def _cached_tokens(self, ids: Sequence[str]) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        with sqlite3.connect(self._cache) as db:
            for off in range(0, len(ids), 500):
                part = list(ids[off:off + 500])
                rows = db.execute(f"SELECT id, tokens FROM tok WHERE id IN ({','.join('?' * len(part))})", part)
                out.update((i, t.split("\x1f") if t else []) for i, t in rows)
        return out

    def _set(self, ids: list[str], docs: list[str], bm25, fp: str, avgdl: float = 0.0) -> None:
        names = {d: n for n, d in enumerate(sorted(set(docs)))}
        # one assignment, so a concurrent search sees the old index or the new one, never a mix
        self._state = _State(ids, bm25, fp, names, np.array([names[d] for d in docs], dtype=np.int32), avgdl)

    def chunks_of(self, doc_ids: Sequence[str]) -> list[str]:
        """The chunk ids of some reports (those this index holds)."""
        st = self._state
        wanted = [st.doc_names[d] for d in doc_ids if d in st.doc_names and d not in st.delta.removed]
        main = [st.ids[i] for i in np.flatnonzero(np.isin(st.doc_index, wanted))] if wanted else []
        want = set(doc_ids)
        return main + [cid for cid, d in zip(st.delta.ids, st.delta.docs) if d in want]

    @property
    def ids(self) -> list[str]:
        st = self._state
        if not st.delta.ids and not st.delta.removed:
            return st.ids
        main = st.ids if st.live is None else [st.ids[i] for i in np.flatnonzero(st.live)]
        return main + st.delta.ids

    @property
    def has_delta(self) -> bool:
        return bool(self._state.delta.ids or self._state.delta.removed)

    @property
    def delta_size(self) -> int:
        return len(self._state.delta.ids)

    @property
    def vocab(self):
        """Every token of the library (`token in vocab`); empty before the first ingest."""
        st = self._state
        return _Vocab(st.bm25.vocab_dict if st.bm25 is not None else {}, st.delta.vocab)

    @property
    def fingerprint(self) -> str:
        return self._state.fingerprint

    # search ------------------------------------------------------------------------------------
    def search(self, query: str, k: int, doc_ids: Sequence[str] | None = None) -> list[tuple[str, float]]:
        """Top-k (chunk id, BM25 score), optionally only within the given reports."""
        return self.search_tokens(self.tokenize(query), k, doc_ids)

    def search_tokens(self, q: list[str], k: int, doc_ids: Sequence[str] | None = None) -> list[tuple[str, float]]:
        st = self._state
        if not q:
            return []
        out = self._search_main(st, q, k, doc_ids)
        if st.delta.ids:
            out = sorted(out + self._search_delta(st, q, doc_ids), key=lambda x: -x[1])[:k]
        return out

    @staticmethod
    def _search_main(st: _State, q: list[str], k: int, doc_ids: Sequence[str] | None) -> list[tuple[str, float]]:
        if st.bm25 is None:
            return []
        vocab = st.bm25.vocab_dict
        q = [t for t in q if t in vocab]
        if not q:
            return []
        mask = st.live
        if doc_ids is not None:
            wanted = [st.doc_names[d] for d in doc_ids if d in st.doc_names]
            if not wanted:
                return []
            mask = np.isin(st.doc_index, wanted).astype(np.float32) * (1 if st.live is None else st.live)
        docs, scores = st.bm25.retrieve([q], k=min(k, len(st.ids)), show_progress=False, weight_mask=mask)
        return [(st.ids[d], float(s)) for d, s in zip(docs[0], scores[0]) if s > 0]

    @staticmethod
    def _search_delta(st: _State, q: list[str], doc_ids: Sequence[str] | None) -> list[tuple[str, float]]:
        """BM25 (Lucene variant, as bm25s scores the main index) of the delta's chunks, with the main index's
        document count, document frequencies and average length — so a new report ranks among the old ones."""
        d = st.delta
        allowed = None if doc_ids is None else set(doc_ids)
        n = max(len(st.ids), 1)
        avgdl = st.avgdl or float(d.lens.mean())
        indptr = np.asarray(st.bm25.scores["indptr"]) if st.bm25 is not None else None
        vocab = st.bm25.vocab_dict if st.bm25 is not None else {}
        scores = np.zeros(len(d.ids), dtype=np.float32)
        norm = K1 * (1 - B + B * d.lens / avgdl)
        for t in q:
            if t not in d.vocab:
                continue
            tid = vocab.get(t)
            df = int(indptr[tid + 1] - indptr[tid]) if tid is not None and tid + 1 < len(indptr) else 0
            idf = np.log(1 + (n - df + 0.5) / (df + 0.5))
            tf = np.array([f.get(t, 0) for f in d.tfs], dtype=np.float32)
            scores += idf * tf / (tf + norm)
        return [(cid, float(s)) for cid, doc, s in zip(d.ids, d.docs, scores)
                if s > 0 and (allowed is None or doc in allowed)]

    def __len__(self) -> int:
        return len(self.ids)

