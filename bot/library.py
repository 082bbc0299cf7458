"""The report library: store + embedder + lexical index wired together, with the operations the CLI and
the web app share (ingest, remove, sources, search). Built once from Settings at the edge."""
from __future__ import annotations

import os
import re
import threading
import time
from collections import OrderedDict
from pathlib import Path
from typing import Sequence

from .embed import Embedder, make_embedder
from .errors import BotError, StoreError
from .ingest.pipeline import IngestSummary, Progress, ingest
from .lexical import LexicalIndex, Tokenizer
from .retrieve import Filters, Retriever
from .settings import Settings
from .store import Store
from .text import quote_names_title
from .types import Hit, ReportMeta


_WRITER_LOCKS: dict[str, int] = {}
TEXT_CACHE = 256  # report texts kept in memory (~30 MB of Chinese text at the reports-dev average of 28k characters)
DELTA_MAX_CHUNKS = 5000  # BM25's delta is scored in Python: past this, a rebuild (seconds) is the cheaper way
_TITLE_SPLIT = re.compile(r"[：:，,。；;、！!？?\s|/—\-（）()【】\[\]“”\"《》]+")
_GENERIC_TITLE = re.compile(r"^(行业|公司|深度|专题|研究|报告|点评|跟踪|月报|周报|年报|季报|系列|策略|展望|投资|分析|首次覆盖|"
                            r"动态|简评|评级|买入|增持|推荐|维持|证券|研究所|\d+)+$")


QUOTED_TITLE_MIN = 6  # characters of a 《quote》 that name a report to answer from alone (fewer: searched first)


_COMPANY_TITLE = re.compile(r"^([^（(：:]{2,12})[（(]\d{6}")


def company_of(title: str) -> str:
    """The company a title is about, named before its stock code (「爱美客（300896）：…」 → 爱美客); "" for none."""
    m = _COMPANY_TITLE.match(title)
    return m.group(1).strip() if m else ""


def title_parts(title: str) -> list[str]:
    """Pieces of a title that could name it in a question: a stock code, the company before 「（code）」,
    and the title's phrases (≥ 4 characters, not generic report words)."""
    parts = re.findall(r"(?<!\d)\d{6}(?!\d)", title)
    if company := company_of(title):
        parts.append(company)
    for p in _TITLE_SPLIT.split(title):
        if len(p) >= 4 and not _GENERIC_TITLE.match(p):
            parts.append(p)
    return list(dict.fromkeys(parts))  # store lock file → the fd holding it, for this process's life


class Library:
    def __init__(self, settings: Settings, embedder: Embedder | None = None, reset: bool = False):
        self.settings = settings
        self.embedder = embedder or make_embedder(settings)
        self.store = Store(settings, self.embedder.name, self.embedder.dim, reset=reset)
        self.tokenizer = Tokenizer(settings.path("cache", "jieba"))
        self.lexical = LexicalIndex(settings.data_dir / "bm25" / self.store.key, self.tokenizer)
        self.retriever = Retriever(self.store, self.embedder, self.lexical)
        self._write_lock = threading.Lock()
        self._texts: OrderedDict[tuple[str, str], str] = OrderedDict()  # the latest TEXT_CACHE report texts
        self._fresh_texts: dict[str, str] = {}  # doc id → text of a report whose record is being written
        self._figures: dict[str, list] = {}  # doc id → figures, filled on demand
        self._estimates: dict[str, list] = {}  # doc id → estimates (bot.tools.estimates.Derivation), on demand
        self._names: dict[str, list[str]] = {}  # doc id → distinctive parts of its title (named_reports)
        self._names_key: tuple[str, ...] = ()
        self._companies: dict[str, list[str]] = {}  # company → its reports (about_reports), built with _names
        self._checked = time.monotonic()  # when refresh() last looked at the store's revision
        self.sync_lexical()
        self.tokenizer("预热")  # load jieba's dictionary and POS table now, not during the first question
        self.tokenizer.topics("预热")

    def sync_lexical(self) -> bool:
        """Bring BM25 in step with Chroma: load the saved index if it matches, else rebuild. True if rebuilt."""
        # The store's revision (bumped by every ingest/remove, with the record counts) is checked first: reading
        # every chunk id would pull the whole collection into memory at start-up.
        fp = self.store.revision()
        if self.lexical.fingerprint == fp or self.lexical.load(fp):
            return False
        records = self.store.chunk_records()
        if self.lexical.holds(records):  # same chunks (reports moved from indexed to embedded): a new stamp only
            self.lexical.restamp(fp)
            return False
        self.lexical.build(lambda ids: ((c.chunk_id, c.text) for c in self.store.iter_chunks(ids)), records, fp)
        return True

    def refresh(self, every_s: float = 2.0) -> None:
        """Notice writes by other processes (a `bot ingest` against the same Chroma server): at most every
        `every_s` seconds, read the store's revision token; if another writer moved it, re-sync BM25 and the
        report list in the background while searches go on with the state they have."""
        now = time.monotonic()
        if now - self._checked < every_s:
            return
        self._checked = now
        try:
            token = self.store.revision_token()
        except StoreError:
            return  # the search that follows says what is wrong
        if token == self.lexical.fingerprint.split(":")[0] or not self._write_lock.acquire(blocking=False):
            return  # unchanged, or this process is writing and will sync when it is done

        def resync() -> None:
            try:
                self.sync_lexical()
                self._invalidate()
            except BotError:
                pass  # the next refresh tries again
            finally:
                self._write_lock.release()

        threading.Thread(target=resync, name="library-refresh", daemon=True).start()

    def claim_writes(self) -> None:
        """Embedded Chroma takes one writing process at a time: hold the store's lock for the rest of this
        process's life (the OS drops it when the process ends, even on SIGKILL), or say who has it.
        A `chroma run` server takes writes from many processes, so it needs no lock."""
        if self.settings.chroma_url:
            return
        import fcntl

        path = str(self.settings.path("store.lock").resolve())
        if path in _WRITER_LOCKS:
            return
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise BotError("Another process is writing to this store (the web chat `bot serve`, or another "
                           "`bot ingest`): add reports through the web chat's upload, or wait for it to finish. "
                           "For several writing processes, run a Chroma server (BOT_CHROMA_URL).") from None
        _WRITER_LOCKS[path] = fd

    def ingest(self, paths: Sequence[Path], progress: Progress | None = None, **options) -> IngestSummary:
        """Ingest files (bot.ingest.pipeline.ingest; options: on_file, cancelled, force). New reports are
        searchable by keywords as soon as they are indexed, and by meaning as each batch of them is embedded."""
        self.claim_writes()
        with self._write_lock:
            try:
                return ingest(paths, self.settings, self.store, self.embedder, progress, on_pending=self._pending,
                              on_indexed=self._indexed, on_written=self._embedded, **options)
            finally:
                self.retriever.invalidate()  # before `fresh` is emptied: see Retriever.reports
                self.retriever.fresh.clear()  # whatever happened, only what the store holds is shown now
                self._fresh_texts.clear()
                self._written()

    def _pending(self, group: list, facts: dict) -> None:
        """A group of reports whose chunks are written (pending): searchable in this process now — the chunks go
        into BM25's delta (no rebuild of the whole index: at 50k chunks that takes seconds; the next full sync
        folds them in), the reports' metadata and text are held here until their records land, their figures and
        estimates (doc id → (figures, estimates)) kept as found."""
        chunks = [(c.chunk_id, c.doc_id, c.text) for _, _, cs in group for c in cs]
        self.lexical.add(chunks, {r.meta.doc_id for r, _, _ in group}, self.lexical.fingerprint)
        for report, _, _ in group:
            self.retriever.fresh[report.meta.doc_id] = report.meta
            self._fresh_texts[report.meta.doc_id] = report.text
        self._invalidate([r.meta.doc_id for r, _, _ in group])
        for doc_id, (figures, estimates) in facts.items():
            self._figures[doc_id], self._estimates[doc_id] = figures, estimates

    def _indexed(self, written: list) -> None:
        """After the first pass, every record written: other processes are told (the revision)."""
        self.store.bump_revision()
        self.lexical.restamp(self.store.revision())
        # the report list first, then what was held: a search in between finds the reports in one or the other
        self._invalidate(())  # the report list; figures and estimates are those held since `_pending`
        self.retriever.fresh.clear()
        self._fresh_texts.clear()

    def _embedded(self) -> None:
        """After a batch of the second pass: the chunks BM25 searches did not change (pending → embedded), so no
        rescan of the store — a new revision for other processes, the report list re-read for the statuses; the
        delta is folded into the main index only when it has grown large."""
        self.store.bump_revision()
        if self.lexical.delta_size > DELTA_MAX_CHUNKS:
            self.sync_lexical()
        else:
            self.lexical.restamp(self.store.revision())
        self._invalidate(())  # statuses changed; texts, figures and estimates did not

    def _written(self) -> None:
        """After a write: tell other processes (the revision), bring BM25 and the cached report list up to date."""
        self.store.bump_revision()
        self.sync_lexical()
        self._invalidate()

    def pending(self) -> list[ReportMeta]:
        """Reports searchable by keywords whose vectors are still being computed."""
        return [r for r in self.retriever.reports().values() if r.status != "embedded"]

    def _invalidate(self, doc_ids: Sequence[str] | None = None) -> None:
        """Forget the cached report list, and the figures and estimates of these reports (None: of all). Keeping
        the others matters during a long ingest: reloading every report's facts after each write made the first
        answer after it take seconds."""
        self.retriever.invalidate()
        if doc_ids is None:
            self._figures = {}
            self._estimates = {}
            return
        for d in doc_ids:
            self._figures.pop(d, None)
            self._estimates.pop(d, None)

    def find(self, name: str) -> ReportMeta:
        """A report by file name, doc id or title (one being written included)."""
        for r in [*self.retriever.fresh.values(), *self.store.list_reports()]:
            if name in (r.source, r.doc_id, r.title) or Path(name).name == r.source:
                return r
        raise BotError(f"No report named {name!r}; `bot sources` lists them.")

    def remove(self, name: str) -> ReportMeta:
        self.claim_writes()
        with self._write_lock:
            report = self.find(name)
            self.store.delete_doc(report.doc_id)
            self.store.bump_revision()
            self.sync_lexical()
            self._invalidate()
            return report

    def sources(self) -> list[ReportMeta]:
        """The reports, by date (cached; refreshed after every ingest or remove)."""
        self.refresh()
        return sorted(self.retriever.reports().values(), key=lambda r: (r.date, r.title))

    def search(self, query: str, k: int | None = None, filters: Filters | None = None, mode: str = "hybrid",
               timings: dict[str, float] | None = None, each: int = 0) -> list[Hit]:
        self.refresh()
        return self.retriever.search(query, k or self.settings.top_k, filters, mode, timings, each)

    def figures(self, doc_ids: Sequence[str]) -> list:
        """The quantitative facts found at ingest (bot.tools.figures.Figure) of these reports, in this order.

        Loaded per report on demand and kept: the whole library's figures would cost gigabytes at 100k chunks.
        """
        self._load_facts(doc_ids)
        return [f for d in dict.fromkeys(doc_ids) for f in self._figures.get(d, [])]

    def estimates(self, doc_ids: Sequence[str]) -> list:
        """The estimates found at ingest (bot.tools.estimates.Derivation) of these reports, in this order.

        A store written before estimates were looked for gets them found now, from the report's text (about 60 ms a
        report), and kept in memory: writing them back from a question would cost seconds (Chroma re-indexes the
        whole facts document); the next ingest of the report stores them.
        """
        self._load_facts(doc_ids)
        return [e for d in dict.fromkeys(doc_ids) for e in self._estimates.get(d, [])]

    def _load_facts(self, doc_ids: Sequence[str]) -> None:
        """Read the facts documents of reports not yet loaded, once for their figures and estimates both."""
        from .ingest.facts import estimates_from_json, from_json, report_estimates

        missing = [d for d in dict.fromkeys(doc_ids) if d not in self._figures or d not in self._estimates]
        if not missing:
            return
        found = self.store.report_figures(missing)
        reports = self.reports_by_id()
        for d in missing:
            if d not in self._figures:
                # a store written before figures had their own collection: extract again
                self._figures[d] = from_json(found[d]) if d in found else self._backfill_figures(d)
            if d not in self._estimates:
                got = estimates_from_json(found[d]) if d in found else None
                if got is None and d in reports:
                    ids = [cid for cid, _, _ in self.chunk_spans(d)]
                    chunks = sorted(self.store.get_chunks(ids).values(), key=lambda c: c.start)
                    got = report_estimates(self.report_text(reports[d]), chunks, d)
                self._estimates[d] = got or []

    def estimate(self, estimate_id: str):
        """One estimate by its id ("<doc_id>#<n>"), or None."""
        doc_id = estimate_id.split("#", 1)[0]
        return next((e for e in self.estimates([doc_id]) if e.id == estimate_id), None)

    def _backfill_figures(self, doc_id: str) -> list:
        from .ingest.facts import report_figures, to_json

        report = self.reports_by_id().get(doc_id)
        if report is None:
            return []
        ids = [cid for cid, _, _ in self.chunk_spans(doc_id)]
        chunks = sorted(self.store.get_chunks(ids).values(), key=lambda c: c.start)
        figures = report_figures(chunks)
        self.store.put_facts([doc_id], [to_json(figures)])
        return figures

    def quoted_reports(self, question: str, among: Sequence[str] | None = None) -> list[str]:
        """Reports a question names by title in 《》 (the whole title, or a part of it that only they hold);
        `among`: the question's named reports when already known (`named_reports`)."""
        # a short quote (《白桦》, a film or a book) inside a long title is not a name of the report
        quoted = [qt for qt in re.findall(r"《([^》]{2,80})》", question) if len(qt) >= QUOTED_TITLE_MIN]
        if not quoted:
            return []
        return [d for d in (self.named_reports(question) if among is None else among) if self._quoted_in(d, quoted)]

    def _quoted_in(self, doc_id: str, quoted: list[str]) -> bool:
        r = self.retriever.reports().get(doc_id)
        titles = [t for t in (r.title, Path(r.source).stem) if len(t) >= 2] if r else []
        return any(quote_names_title(qt, t) for qt in quoted for t in titles)

    def named_reports(self, question: str) -> list[str]:
        """Reports a question names: 《its title》, a stock code or company in its title, or a distinctive part
        of the title (one that at most a few titles share)."""
        reports = self.retriever.reports()
        names = self._title_names(tuple(sorted(reports)))
        quoted = re.findall(r"《([^》]{2,80})》", question)
        out = []
        for doc_id, parts in names.items():
            # the title as the library shows it, or the file's name (what the user saved it as)
            if self._quoted_in(doc_id, quoted) or any(p in question for p in parts):
                out.append(doc_id)
        return out

    def about_reports(self, subject: str) -> list[str]:
        """Reports on the company a question's subject names: 「爱美客」 is the company of 「爱美客（300896）：…」 (the name
        before a stock code in the title), a first source for its figures. A topic word in titles (白蛋白, 医美) is
        not: on reports-dev, preferring every title holding the subject cost 32 right answers for 8, while company
        titles gained 7 for 1."""
        if len(subject) < 2:
            return []
        self._title_names(tuple(sorted(self.retriever.reports())))
        return self._companies.get(subject, [])

    def _title_names(self, key: tuple[str, ...]) -> dict[str, list[str]]:
        if self._names_key != key:
            reports = self.retriever.reports()
            parts = {d: title_parts(reports[d].title) for d in key}
            df: dict[str, int] = {}
            for ps in parts.values():
                for p in set(ps):
                    df[p] = df.get(p, 0) + 1
            limit = max(3, len(key) // 100)
            self._names = {d: [p for p in ps if df[p] <= limit] for d, ps in parts.items()}
            # the company each report is on, by its title or its file's name (about_reports)
            self._companies = {}
            for d in key:
                for c in dict.fromkeys(company_of(t) for t in (reports[d].title, Path(reports[d].source).stem)):
                    if c:
                        self._companies.setdefault(c, []).append(d)
            self._names_key = key
        return self._names

    def reports_by_id(self) -> dict[str, ReportMeta]:
        return self.retriever.reports()

    def brokers(self) -> set[str]:
        return {r.broker for r in self.retriever.reports().values() if r.broker}

    def chunk_spans(self, doc_id: str) -> list[tuple[str, int, int]]:
        """(chunk id, start, end) of every chunk of a report, in text order."""
        return self.store.chunk_spans(doc_id)

    def report_text(self, report: ReportMeta) -> str:
        return self.report_texts([report])[report.doc_id]

    def report_texts(self, reports: Sequence[ReportMeta]) -> dict[str, str]:
        """doc id → cleaned text of each report, the ones not cached fetched in one store read; the most recently
        used TEXT_CACHE texts stay in memory (a library of thousands of reports is not held whole)."""
        out: dict[str, str] = {}
        missing: list[ReportMeta] = []
        for r in reports:
            key = (r.doc_id, r.content_hash)
            if r.doc_id in self._fresh_texts:
                out[r.doc_id] = self._fresh_texts[r.doc_id]
            elif key in self._texts:
                self._texts.move_to_end(key)
                out[r.doc_id] = self._texts[key]
            else:
                missing.append(r)
        if missing:
            got = self.store.report_texts([r.doc_id for r in missing])
            for r in missing:
                if r.doc_id not in got:
                    raise StoreError(f"No report with id {r.doc_id}.")
                out[r.doc_id] = self._texts[(r.doc_id, r.content_hash)] = got[r.doc_id]
            while len(self._texts) > TEXT_CACHE:
                self._texts.popitem(last=False)
        return out
