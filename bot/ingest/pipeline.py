"""load → clean → metadata → chunk → embed → store, one report at a time.

Write order per report: delete any old chunks of it, add the new chunks, then write the report record.
The report record (with the content hash and chunk count) is the commit mark: a re-run after a crash
sees no record, or an old hash, and redoes that report from scratch.
"""
from __future__ import annotations

import hashlib
import os
from collections import Counter
from dataclasses import dataclass, field
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

EMBED_BATCH = 16
WRITE_GROUP_CHUNKS = 2000
Progress = Callable[[int, int, str], None]  # (done, total, message)


@dataclass
class IngestSummary:
    added: int = 0
    unchanged: int = 0
    replaced: int = 0
    duplicates: int = 0
    chunks_added: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (file name, message)
    notes: list[str] = field(default_factory=list)
    cleaning: dict[str, dict] = field(default_factory=dict)  # file name → what cleaning removed, per rule

    def line(self) -> str:
        s = f"added {self.added}, unchanged {self.unchanged}, replaced {self.replaced}, failed {len(self.failed)}"
        if self.duplicates:
            s += f", duplicates skipped {self.duplicates}"
        return s + f" ({self.chunks_added} chunks written)"

    def to_dict(self) -> dict:
        return {"added": self.added, "unchanged": self.unchanged, "replaced": self.replaced,
                "duplicates": self.duplicates, "chunks_added": self.chunks_added,
                "failed": [{"file": f, "error": m} for f, m in self.failed], "cleaning": self.cleaning}


def _write_group(group: list, store, summary: "IngestSummary") -> None:
    try:
        store.delete_chunks_of([g[0].meta.doc_id for g in group])  # old versions, or orphans of a killed run
        store.add_chunks([c for g in group for c in g[2]], np.asarray([v for g in group for v in g[3]], dtype=np.float32))
        metas = [ReportMeta(**{**g[0].meta.to_dict(), "chunks": len(g[2])}) for g in group]
        store.put_reports(metas, [g[0].text for g in group], np.asarray([g[4] for g in group]),
                          [to_json(report_figures(g[2]), report_estimates(g[0].text, g[2], g[0].meta.doc_id))
                           for g in group])
    except BotError as e:
        summary.failed.extend((g[0].meta.source, str(e)) for g in group)
        return
    for report, existing, chunks, _, _ in group:
        summary.chunks_added += len(chunks)
        if existing:
            summary.replaced += 1
        else:
            summary.added += 1


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
                      content_hash=hashlib.sha256(text.encode()).hexdigest())
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


def ingest(paths: Sequence[Path], settings: Settings, store, embedder, progress: Progress | None = None) -> IngestSummary:
    summary = IngestSummary()
    files, summary.failed = expand(paths)
    count = count_tokens_fn()
    # one bulk read of what the store holds, instead of two queries per file (they cost 25–160 ms each at 100k)
    reports = store.list_reports()
    known = {r.content_hash: r for r in reports}
    by_id = {r.doc_id: r for r in reports}
    stored_chunks = Counter(store.chunk_records().values())
    todo: list[tuple[Report, ReportMeta | None]] = []
    for path in files:
        try:
            report = prepare(path, settings)
        except BotError as e:
            summary.failed.append((path.name, str(e)))
            continue
        existing = by_id.get(report.meta.doc_id)
        twin = known.get(report.meta.content_hash)
        if existing and existing.content_hash == report.meta.content_hash and _same_meta(existing, report.meta) \
                and stored_chunks[existing.doc_id] == existing.chunks:
            summary.unchanged += 1
            continue
        if twin and twin.doc_id != report.meta.doc_id:
            summary.duplicates += 1
            summary.notes.append(f"{path.name}: same text as {twin.source}, skipped.")
            continue
        todo.append((report, existing))
        summary.cleaning[path.name] = report.cleaning
        known[report.meta.content_hash] = report.meta

    planned = [(r, e, chunk_text(r.text, r.meta.doc_id, r.meta.content_hash, settings.chunk_tokens,
                                 settings.chunk_overlap, count, breaks=r.breaks)) for r, e in todo]
    total = sum(len(c) for _, _, c in planned)
    done = 0
    # Reports are written in groups: each Chroma write has a fixed cost (~60 ms embedded), so one delete, one
    # chunk upsert and one report upsert per group instead of per report. Order within a group is unchanged:
    # chunks first, report records last.
    group: list = []
    for n, (report, existing, chunks) in enumerate(planned):
        vectors = []
        try:
            for i in range(0, len(chunks), EMBED_BATCH):
                vectors.extend(embedder.embed_documents([c.text for c in chunks[i:i + EMBED_BATCH]]))
                done += len(chunks[i:i + EMBED_BATCH])
                if progress:
                    progress(done, total, report.meta.source)
            head = embedder.embed_documents([f"{report.meta.title}\n{report.text[:400]}"])[0]
        except BotError as e:
            summary.failed.append((report.meta.source, str(e)))
            continue
        group.append((report, existing, chunks, vectors, head))
        if sum(len(g[2]) for g in group) >= WRITE_GROUP_CHUNKS or n == len(planned) - 1:
            _write_group(group, store, summary)
            group = []
    if group:
        _write_group(group, store, summary)
    return summary

