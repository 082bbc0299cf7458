"""Uploads from the web chat: each file checked (type, size, count; a .zip opened member by member), copied under
a safe name into the uploads folder, and ingested in the background by one worker — the chat stays usable, and
every file has a state the page shows:

    queued → reading → indexed (searchable by keywords) → embedded (searchable by meaning too)
    or unchanged / failed (with the reason) / cancelled

Nothing partial is left: a file that fails or is cancelled is removed from the folder (and its report from the
store, by the pipeline). A server killed mid-upload finishes the job when it starts again (`resume`): files in
the folder whose reports are not embedded are ingested again — a re-run never duplicates (ids are content-derived).
"""
from __future__ import annotations

import html
import re
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from .errors import BotError
from .ingest.load import SUFFIXES

MAX_FILES = 1000  # one upload (a .zip's members included): a research team's backlog, not a zip bomb
FINAL = {"embedded", "unchanged", "failed", "cancelled"}
LABELS = {"queued": "排队中 (queued)", "reading": "读取中 (reading)",
          "indexed": "可按关键词检索，正在计算向量 (indexed for search, embedding)",
          "embedded": "已完成 (embedded)", "unchanged": "已在库中，未变 (unchanged)",
          "failed": "失败 (failed)", "cancelled": "已取消 (cancelled)"}


@dataclass
class FileStatus:
    name: str
    state: str
    detail: str = ""

    def line(self) -> str:
        s = f"{html.escape(self.name)}: {LABELS.get(self.state, self.state)}"
        return s + (f" — {html.escape(self.detail)}" if self.detail else "")


class Uploads:
    """The upload queue of one `bot serve`."""

    def __init__(self, library, folder: Path):
        self.library = library
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._status: dict[str, FileStatus] = {}
        self._queue: list[tuple[Path, bool]] = []  # (file, force re-ingest)
        self._cancel = threading.Event()
        self._worker: threading.Thread | None = None

    # what the page calls --------------------------------------------------------------------------
    def submit(self, paths: Sequence[Path], force: bool = False, copy: bool = True) -> list[str]:
        """Check and queue files (a .zip's members one by one); returns their names, refused ones included.
        `copy=False` ingests files where they are (a re-ingest of a report from the corpus folder)."""
        names: list[str] = []
        for name, src, problem in (_incoming(paths, self.library.settings.max_file_mb, self.folder) if copy
                                   else ((p.name, p, "") for p in paths)):
            names.append(name)
            if len(names) > MAX_FILES:
                self._set(name, "failed", f"一次最多上传 {MAX_FILES} 个文件 (more than {MAX_FILES} files in one upload)")
                _discard(src, self.folder)
                continue
            if problem:
                self._set(name, "failed", problem)
                continue
            dest = src
            if copy and src.parent != self.folder:
                dest = self.folder / name
                _copy(src, dest)
            with self._lock:
                self._status[name] = FileStatus(name, "queued")
                self._queue.append((dest, force))
        self._start()
        return names

    def cancel(self) -> int:
        """Stop the upload in progress: queued files are dropped, reports not yet embedded are removed."""
        with self._lock:
            queued, self._queue = self._queue, []
            self._cancel.set()  # under the lock: the worker clears it only when it takes a new batch
            for path, _ in queued:
                self._status[path.name] = FileStatus(path.name, "cancelled")
            running = sum(s.state not in FINAL for s in self._status.values())
        for path, _ in queued:
            _discard(path, self.folder)
        return len(queued) + running

    def status(self, names: Sequence[str] | None = None) -> list[FileStatus]:
        with self._lock:
            if names is None:
                return list(self._status.values())
            return [self._status[n] for n in dict.fromkeys(names) if n in self._status]

    def done(self, names: Sequence[str]) -> bool:
        return all(s.state in FINAL for s in self.status(names))

    def wait(self, names: Sequence[str], timeout: float = 3600) -> list[FileStatus]:
        """Block until these files are done (tests and scripts; the page polls `status`)."""
        import time

        deadline = time.monotonic() + timeout
        while not self.done(names) and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.status(names)

    def resume(self) -> list[str]:
        """At start-up: ingest the files in the folder whose reports are missing or not embedded (a server killed
        mid-upload). Returns their names."""
        embedded = {r.source for r in self.library.sources() if r.status == "embedded"}
        todo = [p for p in sorted(self.folder.iterdir())
                if p.is_file() and p.suffix.lower() in SUFFIXES and p.name not in embedded]
        return self.submit(todo, copy=False) if todo else []

    # the worker -------------------------------------------------------------------------------------
    def _start(self) -> None:
        with self._lock:
            if self._queue and (self._worker is None or not self._worker.is_alive()):
                self._worker = threading.Thread(target=self._run, name="uploads", daemon=True)
                self._worker.start()

    def _run(self) -> None:
        while True:
            with self._lock:
                if not self._queue:
                    self._worker = None
                    return
                force = self._queue[0][1]
                batch = [p for p, f in self._queue if f == force]
                self._queue = [(p, f) for p, f in self._queue if f != force]
                self._cancel.clear()
            try:
                self.library.ingest(batch, on_file=self._set, cancelled=self._cancel.is_set, force=force)
            except BotError as e:  # the store itself failed: every file of the batch says so
                for p in batch:
                    if self._state(p.name) not in FINAL:
                        self._set(p.name, "failed", str(e))
            except Exception as e:  # never a silent dead worker: the files say what happened
                for p in batch:
                    if self._state(p.name) not in FINAL:
                        self._set(p.name, "failed", f"internal error ({type(e).__name__})")
            for p in batch:
                if self._state(p.name) in ("failed", "cancelled"):
                    _discard(p, self.folder)

    def _set(self, name: str, state: str, detail: str = "") -> None:
        with self._lock:
            old = self._status.get(name)
            if not detail and old and state in ("indexed", "embedded"):
                detail = old.detail  # a note said while reading (a near-copy of another report) stays
            self._status[name] = FileStatus(name, state, detail)

    def _state(self, name: str) -> str:
        with self._lock:
            s = self._status.get(name)
            return s.state if s else ""


def original_file(report, uploads: Path, corpus: Path) -> Path | None:
    """Where a report's file is: the uploads folder, or the corpus folder (at any depth)."""
    for p in (uploads / report.source, corpus / report.source):
        if p.is_file():
            return p
    if corpus.is_dir():
        return next((p for p in corpus.rglob(report.source) if p.is_file()), None)
    return None


def _copy(src: Path, dest: Path) -> None:
    """Copy under a temporary name, then rename: a killed server never leaves half a file to resume."""
    tmp = dest.with_name(f".{dest.name}.part")
    shutil.copyfile(src, tmp)
    tmp.replace(dest)


def _discard(path: Path, folder: Path) -> None:
    if path.parent == folder:
        path.unlink(missing_ok=True)


def _incoming(paths: Sequence[Path], limit_mb: float, folder: Path):
    """(safe name, path to read, problem) for every file uploaded, the members of a .zip included."""
    for src in paths:
        name = safe_name(src.name)
        suffix = Path(name).suffix.lower()
        if suffix == ".zip":
            yield from _zip_members(src, name, folder, limit_mb)
            continue
        if suffix not in SUFFIXES:
            yield name, src, f"不支持的文件类型，请上传 {' '.join(sorted(SUFFIXES))} 或 .zip (unsupported type)"
        elif src.stat().st_size > limit_mb * 2**20:
            yield name, src, f"文件超过 {limit_mb:g} MB 上限 (too large)"
        else:
            yield name, src, ""


def _zip_members(src: Path, zip_name: str, folder: Path, limit_mb: float):
    """Each report in a .zip, written into the uploads folder under a flat safe name (never extracted by its own
    path), size-checked from the archive's directory before a byte is read."""
    import zipfile

    try:
        archive = zipfile.ZipFile(src)
    except (zipfile.BadZipFile, OSError):
        yield zip_name, src, "不是有效的 zip 文件 (not a valid zip file)"
        return
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir() and not Path(m.filename).name.startswith(".")]
        if len(members) > MAX_FILES:
            yield zip_name, src, f"zip 内文件过多（{len(members)} > {MAX_FILES}）(too many files)"
            return
        for m in members:
            name = safe_name(m.filename)
            if Path(name).suffix.lower() not in SUFFIXES:
                yield name, src, "不支持的文件类型 (unsupported type, in " + zip_name + ")"
            elif m.file_size > limit_mb * 2**20:
                yield name, src, f"文件超过 {limit_mb:g} MB 上限 (too large, in {zip_name})"
            else:
                dest = folder / name
                tmp = dest.with_name(f".{name}.part")
                with archive.open(m) as fin, open(tmp, "wb") as fout:
                    shutil.copyfileobj(fin, fout, 2**20)
                tmp.replace(dest)
                yield name, dest, ""


def safe_name(name: str) -> str:
    """A file name with no path, no traversal and no control characters (Chinese kept)."""
    name = Path(name.replace("\\", "/")).name
    name = re.sub(r"[\x00-\x1f<>:\"|?*]", "_", name).strip(" .")
    return name[:120] or "upload.txt"
