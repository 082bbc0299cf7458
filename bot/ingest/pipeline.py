"""load → clean → metadata → chunk → index (searchable by keywords) → embed → store.

Two passes. Index: for every report, delete any old chunks of it, write the new chunks as pending (no vectors
yet), then write the report record marked `indexed` — BM25 can search it within seconds. Embed: report by report,
the vectors, the chunks moved into the searched collection, the record marked `embedded`.
The report record (with the content hash, chunk count and status) is the commit mark: a re-run after a crash
sees no record or an old hash (and redoes the report from scratch), or `indexed` (and embeds it).
"""
from __future__ import annotations

import hashlib
import os
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from ..errors import BotError, IngestError
from ..settings import Settings
from ..types import Report, ReportMeta
from .chunk import chunk_text, count_tokens_fn
from .clean import clean_text, normalize
from .facts import report_estimates, report_figures, to_json
from .load import is_report_file, load_text
from .metadata import extract_metadata
from .twins import current, find_twin, sketch, source_id

EMBED_BATCH = 16
WRITE_GROUP_CHUNKS = 2000  # first pass: chunks per Chroma write
EMBEDDED_GROUP_CHUNKS = 400  # second pass: reports switch to hybrid search every ~30 s of embedding, not every ~2.5 min
Progress = Callable[[int, int, str], None]  # (done, total, message)
FileState = Callable[..., None]  # (file name, state, detail="")


@dataclass
class IngestSummary:
    added: int = 0
    unchanged: int = 0
    replaced: int = 0
    resumed: int = 0  # written as `indexed` by an earlier run that stopped, embedded now
    cancelled: int = 0
    duplicates: int = 0
    chunks_added: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (file name, message)
    notes: list[str] = field(default_factory=list)
    cleaning: dict[str, dict] = field(default_factory=dict)  # file name → what cleaning removed, per rule

    def line(self) -> str:
        s = f"added {self.added}, unchanged {self.unchanged}, replaced {self.replaced}, failed {len(self.failed)}"
        if self.resumed:
            s += f", resumed {self.resumed}"
        if self.cancelled:
            s += f", cancelled {self.cancelled}"
        if self.duplicates:
            s += f", duplicates skipped {self.duplicates}"
        return s + f" ({self.chunks_added} chunks written)"

    def to_dict(self) -> dict:
        return {"added": self.added, "unchanged": self.unchanged, "replaced": self.replaced,
                "resumed": self.resumed, "cancelled": self.cancelled, "duplicates": self.duplicates, "chunks_added": self.chunks_added,
                "failed": [{"file": f, "error": m} for f, m in self.failed], "notes": self.notes,
                "cleaning": self.cleaning}


def _same_meta(a: ReportMeta, b: ReportMeta) -> bool:
    """Title, broker, date and author unchanged (a better metadata reader, or a new sidecar, rewrites a report
    whose text did not change)."""
    return (a.title, a.broker, a.date, a.author) == (b.title, b.broker, b.date, b.author)


def doc_id_for(source: str) -> str:
    """A report's identity is its file name, so a changed file replaces its old version."""
    return hashlib.sha1(f"source:{source}".encode()).hexdigest()[:16]


def prepare(path: Path, settings: Settings) -> Report:
    """Read, clean and describe one file (no store access)."""
    raw = load_text(path, int(settings.max_file_mb * 2**20))
    cleaned = clean_text(raw)
    header, text = extract_metadata(cleaned.text, path, raw=normalize(raw))
    if len(text.strip()) < 20:
        rules = ", ".join(f"{k} {v['chars']}" for k, v in cleaned.stats.items()) or "nothing removed"
        raise IngestError(f"{path.name}: no report text left after cleaning ({len(raw)} characters read; "
                          f"removed: {rules}).")
    meta = ReportMeta(doc_id=doc_id_for(path.name), title=header.title, broker=header.broker, date=header.date,
                      author=header.author, source=path.name,
                      content_hash=hashlib.sha256(text.encode()).hexdigest(), sketch=sketch(text))
    return Report(meta=meta, text=text, breaks=carry_cuts(cleaned.text, text, cleaned.cuts),
                  cleaning=cleaned.report())


def carry_cuts(cleaned: str, body: str, cuts: list[int]) -> tuple[int, ...]:
    """Cut offsets of the cleaned text, moved into the body (the header split only drops lines at the top,
    so past the header the body is the cleaned text shifted by a constant)."""
    shift = len(cleaned) - len(body)
    return tuple(c - shift for c in cuts
                 if c - shift > 0 and cleaned[c:c + 64] == body[c - shift:c - shift + 64])


def expand(paths: Sequence[Path]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Files to ingest under the given paths, and the problems found on the way, each by name: paths that do
    not exist, folders that cannot be listed, links to nothing, report-named entries that are not files.
    Folders are walked without following links; hidden folders (.git, a data dir) are skipped."""
    files: list[Path] = []
    problems: list[tuple[str, str]] = []

    def unreadable(e: OSError) -> None:
        name = Path(e.filename or "?").name
        problems.append((name, f"{name}: the folder cannot be read ({e.strerror})."))

    for p in paths:
        if p.is_dir():
            for root, dirs, names in os.walk(p, onerror=unreadable):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for f in (Path(root) / n for n in sorted(names)):
                    if not is_report_file(f):
                        continue
                    if f.is_file():
                        files.append(f)
                    elif f.is_symlink():
                        problems.append((f.name, f"{f.name}: is a link to something that does not exist."))
                    else:
                        problems.append((f.name, f"{f.name}: is not a regular file."))
        elif p.exists():
            files.append(p)
        elif p.is_symlink():
            problems.append((p.name, f"{p.name}: is a link to something that does not exist."))
        else:
            problems.append((str(p), f"{p}: no such file or folder."))
    return files, problems


def ingest(paths: Sequence[Path], settings: Settings, store, embedder, progress: Progress | None = None, *,
           on_file: FileState | None = None, on_pending: Callable[[list, dict], None] | None = None,
           on_indexed: Callable[[list], None] | None = None,
           on_written: Callable[[], None] | None = None, cancelled: Callable[[], bool] | None = None,
           force: bool = False) -> IngestSummary:
    """Ingest files in two passes: every report is first written with its chunks pending (searchable by BM25 as
    soon as `on_pending(group, facts)` or `on_indexed(written)` has run; they get the (report, previous record,
    chunks) written, and `facts` maps each doc id to its (figures, estimates)), then embedded
    report by report (`on_written()` after each batch is stored). `on_file(name, state, detail)` hears each
    file's state: reading, indexed, embedded, unchanged, failed, cancelled. `cancelled()` is asked between files
    and between embedding batches: reports not yet embedded are then removed again, nothing partial stays.
    `force` rewrites reports whose text did not change (re-ingest)."""
    summary = IngestSummary()
    tell = on_file or (lambda name, state, detail="": None)
    stop = cancelled or (lambda: False)
    files, summary.failed = expand(paths)
    for name, message in summary.failed:
        tell(name, "failed", message)
    todo = _read(files, settings, store, summary, tell, stop, force)
    count = count_tokens_fn()
    planned = [(r, e, chunk_text(r.text, r.meta.doc_id, r.meta.content_hash, settings.chunk_tokens,
                                 settings.chunk_overlap, count, breaks=r.breaks)) for r, e in todo]
    planned = _index(planned, store, summary, tell, on_pending)
    if on_indexed and planned:
        on_indexed(planned)
    if not on_pending:
        for report, _, _ in planned:
            tell(report.meta.source, "indexed")  # searchable now
    _embed(planned, store, embedder, summary, tell, stop, progress, on_written)
    return summary


def _read(files: list[Path], settings: Settings, store, summary: IngestSummary, tell: "FileState",
          stop: Callable[[], bool], force: bool) -> list[tuple[Report, ReportMeta | None]]:
    """Read, clean and describe every file; keep those that are new, changed or not yet embedded."""
    # one bulk read of what the store holds, instead of two queries per file (they cost 25–160 ms each at 100k)
    reports = store.list_reports()
    known = {r.content_hash: r for r in reports}
    by_id = {r.doc_id: r for r in reports}
    counts: list[Counter] = []

    def stored_chunks(doc_id: str) -> int:
        """Chunks the store holds for a report (read at the first report that looks unchanged: one scan of the
        store, ~2 s at 50k chunks, which a batch of new files never needs)."""
        if not counts:
            counts.append(Counter(store.chunk_records().values()))
        return counts[0][doc_id]

    todo: list[tuple[Report, ReportMeta | None]] = []
    # reports a new one may be a near-copy of: the store's, then each one read here (the first of two copies read
    # is the one the other links to); a store written before sketches gets them as its files are read again
    earlier = [r for r in reports if current(r.sketch)]
    backfill: list[ReportMeta] = []
    for path in files:
        if stop():
            tell(path.name, "cancelled")
            summary.cancelled += 1
            continue
        tell(path.name, "reading")
        try:
            report = prepare(path, settings)
        except BotError as e:
            summary.failed.append((path.name, str(e)))
            tell(path.name, "failed", str(e))
            continue
        existing = by_id.get(report.meta.doc_id)
        twin = known.get(report.meta.content_hash)
        if existing and existing.content_hash == report.meta.content_hash and _same_meta(existing, report.meta) \
                and existing.status == "embedded" and not force and stored_chunks(existing.doc_id) == existing.chunks:
            summary.unchanged += 1
            tell(path.name, "unchanged")
            if not current(existing.sketch):
                near = find_twin(report.meta, earlier)
                existing = replace(existing, sketch=report.meta.sketch, twin_of=source_id(near[0]) if near else "")
                backfill.append(existing)
                earlier.append(existing)
            continue
        if twin and twin.doc_id != report.meta.doc_id:
            summary.duplicates += 1
            summary.notes.append(f"{path.name}: same text as {twin.source}, skipped.")
            tell(path.name, "unchanged", f"same text as {twin.source}")
            continue
        near = find_twin(report.meta, earlier)
        if near:
            report = replace(report, meta=replace(report.meta, twin_of=source_id(near[0])))
            summary.notes.append(f"{path.name}: nearly the same text as {near[0].source} (about {near[1]:.0%} "
                                 "alike); both are kept, and answers count them as one source.")
            tell(path.name, "reading", f"与 {near[0].source} 内容几乎相同：两份都保留，回答时算作同一来源 "
                                       f"(nearly the same text as {near[0].source})")
        earlier.append(report.meta)
        todo.append((report, existing))
        summary.cleaning[path.name] = report.cleaning
        known[report.meta.content_hash] = report.meta
    if backfill:
        store.mark_reports(backfill)
    return todo


def _index(planned: list, store, summary: IngestSummary, tell: "FileState",
           on_pending: Callable[[list, dict], None] | None = None) -> list:
    """First pass: chunks into the pending collection and report records marked `indexed`, in groups (each Chroma
    write has a fixed cost, ~60 ms embedded). Chunks first, report records last. `on_pending(group)` runs between
    the two — the writing process can search the group (and read its figures) at once, while the texts and
    records are written. Returns what was written."""
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M")
    written, group = [], []
    for n, (report, existing, chunks) in enumerate(planned):
        meta = replace(report.meta, chunks=len(chunks), chars=len(report.text), status="indexed", ingested=now)
        group.append((replace(report, meta=meta), existing, chunks))
        if sum(len(g[2]) for g in group) >= WRITE_GROUP_CHUNKS or n == len(planned) - 1:
            facts = {g[0].meta.doc_id: (report_figures(g[2]), report_estimates(g[0].text, g[2], g[0].meta.doc_id))
                     for g in group}
            try:
                store.delete_chunks_of([g[0].meta.doc_id for g in group])  # old versions, or orphans of a killed run
                store.add_pending([c for g in group for c in g[2]])
                if on_pending:
                    on_pending(group, facts)
                    for g in group:
                        tell(g[0].meta.source, "indexed")
                store.put_reports([g[0].meta for g in group], [g[0].text for g in group],
                                  [to_json(*facts[g[0].meta.doc_id]) for g in group])
            except BotError as e:
                for g in group:
                    summary.failed.append((g[0].meta.source, str(e)))
                    tell(g[0].meta.source, "failed", str(e))
            else:
                written += group
            group = []
    return written


def _embed(planned: list, store, embedder, summary: IngestSummary, tell: "FileState", stop: Callable[[], bool],
           progress: Progress | None, on_written: Callable[[], None] | None) -> None:
    """Second pass: vectors for each report's chunks, moved from pending into the searched collection, the record
    then marked `embedded` — in groups, `on_written` after each. If cancelled, reports not embedded are removed."""
    total = sum(len(c) for _, _, c in planned)
    done = 0
    group: list = []

    def write() -> None:
        try:
            store.add_chunks([c for g in group for c in g[2]], np.concatenate([g[3] for g in group]))
            store.mark_reports([replace(g[0].meta, status="embedded") for g in group])
        except BotError as e:
            for g in group:
                summary.failed.append((g[0].meta.source, _keywords_only(str(e))))
                tell(g[0].meta.source, "failed", _keywords_only(str(e)))
            return
        for report, existing, chunks, _ in group:
            summary.chunks_added += len(chunks)
            if existing is None:
                summary.added += 1
            elif existing.status != "embedded" and existing.content_hash == report.meta.content_hash:
                summary.resumed += 1
            else:
                summary.replaced += 1
            tell(report.meta.source, "embedded")
        if on_written:
            on_written()

    for n, (report, existing, chunks) in enumerate(planned):
        vectors = []
        try:
            for i in range(0, len(chunks), EMBED_BATCH):
                if stop():
                    raise _Cancelled
                vectors.extend(embedder.embed_documents([c.text for c in chunks[i:i + EMBED_BATCH]]))
                done += len(chunks[i:i + EMBED_BATCH])
                if progress:
                    progress(done, total, report.meta.source)
            if stop():
                raise _Cancelled
        except _Cancelled:
            if group:
                write()
            _remove_unembedded(planned[n:], store, summary, tell)
            if on_written:
                on_written()
            return
        except BotError as e:
            summary.failed.append((report.meta.source, _keywords_only(str(e))))
            tell(report.meta.source, "failed", _keywords_only(str(e)))
            continue
        group.append((report, existing, chunks, np.asarray(vectors, dtype=np.float32).reshape(len(chunks), embedder.dim)))
        if sum(len(g[2]) for g in group) >= EMBEDDED_GROUP_CHUNKS or n == len(planned) - 1:
            write()
            group = []
    if group:
        write()


class _Cancelled(Exception):
    pass


def _keywords_only(error: str) -> str:
    return f"{error} The report is searchable by keywords only; run the ingest again to finish it."


def _remove_unembedded(planned: list, store, summary: IngestSummary, tell: "FileState") -> None:
    for report, _, _ in planned:
        try:
            store.delete_doc(report.meta.doc_id)
        except BotError as e:
            summary.failed.append((report.meta.source, str(e)))
            tell(report.meta.source, "failed", str(e))
            continue
        summary.cancelled += 1
        tell(report.meta.source, "cancelled")
