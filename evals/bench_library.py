"""`bot bench --library`: a library of hundreds of real reports, measured the way its users meet it.

Four parts, each on a fresh data dir under BOT_DATA_DIR/bench/ (a fresh store and a fresh embedding cache, so
every chunk is embedded for real), all with the bundled embedder:

- ingest: a seeded sample of reports-dev through `Library.ingest`: reports/min, chunks/s and, where report records
  carry a status (a two-phase ingest: `indexed`, searchable by BM25, then `embedded`), when every report was
  indexed and when every one was embedded. The store is polled for that, so no ingest API is assumed.
- upload: `bot serve` on the seed corpus; the sample's longest report uploaded through a headless Chromium's file
  input; seconds from the end of the upload request to the first /ask answer citing the report, and to the
  report being done (`/ingest_status` says `embedded` where the server has it, else the upload status line).
- page: `bot serve` on a few hundred small synthetic reports: time until the page is interactive, the welcome
  text's size, and how fast the report picker shows the entries matching a typed term.
- load: gradio_client users asking known questions (bench.WEB_QUESTIONS), first with nothing else going on, then
  while a .zip of the sample, uploaded through the browser, is being ingested.
"""
from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
import sys
import threading
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from .bench import BROKERS, COMPANIES, INDUSTRIES, WEB_QUESTIONS, pct

PARTS = ("ingest", "upload", "page", "load")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"]
# finished: /ingest_status's final states, and "done" (the upload's status line for the file is written)
DONE_STATES = ("embedded", "unchanged", "failed", "cancelled", "done")
POLL_S = 0.25  # how often the upload part asks its question
Say = Callable[[str], None]


# --- the sample of real reports ------------------------------------------------------------------------------------

def plain_name(title: str, limit: int = 60) -> str:
    """A file name from a report title that survives upload and Markdown status lines unchanged (no path, no
    Markdown emphasis characters), so the name the product cites is the name the benchmark looks for."""
    name = re.sub(r"[\\/:*?\"<>|_`#\[\]~\x00-\x1f]", "-", title).strip(" .-")
    return (name[:limit] or "report") + ".txt"


def sample_files(data: Path, sample: int, seed: int, folder: Path) -> list[Path]:
    """The seeded sample of reports-dev (evals.reports.pick: each sector in proportion), copied to `folder` under
    plain names; a text found twice is written once."""
    from .reports import load, pick

    docs, _ = load(data)
    folder.mkdir(parents=True, exist_ok=True)
    out, seen = [], set()
    for d in pick(docs, sample, seed):
        body = (data / "docs" / d.file).read_bytes()
        if body in seen:
            continue
        seen.add(body)
        dest = folder / plain_name(d.title)
        if dest in out:
            dest = folder / plain_name(f"{d.title}（{d.sector}）")
        if not dest.exists() or dest.read_bytes() != body:
            dest.write_bytes(body)
        out.append(dest)
    return out


def fresh_dir(path: Path) -> Path:
    """Empty a benchmark's own data dir: a reused store or embedding cache would skip the work being measured."""
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


# --- 1. ingest -----------------------------------------------------------------------------------------------------

class StatusWatch(threading.Thread):
    """Every `every` seconds: how many reports the store lists, and how many of them are embedded.

    A report record without a status (a store from before two-phase ingest) is written once its chunks are embedded,
    so it counts as embedded."""

    def __init__(self, store, every: float = 0.5):
        super().__init__(name="bench-status-watch", daemon=True)
        self.store, self.every = store, every
        self.t0 = time.perf_counter()
        self.samples: list[tuple[float, int, int]] = []  # (seconds since start, listed, embedded)
        self.statuses: set[str] = set()
        self._halt = threading.Event()

    def sample(self) -> tuple[int, int]:
        reports = self.store.list_reports()
        states = [getattr(r, "status", "embedded") for r in reports]
        self.statuses.update(states)
        self.samples.append((time.perf_counter() - self.t0, len(reports), states.count("embedded")))
        return len(reports), states.count("embedded")

    def run(self) -> None:
        while not self._halt.wait(self.every):
            self.sample()

    def halt(self) -> None:
        self._halt.set()
        self.join()

    def first(self, column: int, n: int) -> float | None:
        """Seconds until `column` (1: listed, 2: embedded) first reached n."""
        return next((round(s[0], 1) for s in self.samples if s[column] >= n), None)


def ingest_sample(settings, files: list[Path], say: Say = lambda m: None, timeout: float = 4 * 3600) -> tuple[dict, object]:
    """Ingest `files` into a fresh store at settings.data_dir with the product's own Library (and its embedder);
    the figures, and the Library."""
    from bot.library import Library

    fresh_dir(settings.data_dir)
    folder = settings.data_dir / "reports"
    folder.mkdir()
    for f in files:
        shutil.copyfile(f, folder / f.name)
    t = time.perf_counter()
    lib = Library(settings)
    load_s = time.perf_counter() - t
    last = [0.0]

    def progress(*args) -> None:  # (done, total, name) today; any shape tomorrow
        if time.perf_counter() - last[0] > 30:
            last[0] = time.perf_counter()
            say(f"ingest: {args[0]}/{args[1]} chunks" if len(args) >= 2 else "ingest: …")

    say(f"ingest: {len(files)} reports into a fresh store ({settings.data_dir})")
    watch = StatusWatch(lib.store)
    watch.start()
    summary = lib.ingest([folder], progress)
    returned_s = time.perf_counter() - watch.t0
    listed, embedded = watch.sample()
    background = embedded < listed  # the call returned with vectors still to compute
    while embedded < listed and time.perf_counter() - watch.t0 < timeout:
        time.sleep(watch.every)
        listed, embedded = watch.sample()
    watch.halt()
    done_s = watch.samples[-1][0] if background else returned_s
    chunks = lib.store.count()
    chars = sum(len(f.read_text(encoding="utf-8", errors="replace")) for f in files)
    indexed_s = watch.first(1, listed) if listed else None
    result = {
        "reports": len(files), "in_store": listed, "embedded": embedded, "chunks": chunks, "characters": chars,
        "model_load_s": round(load_s, 1), "ingest_call_s": round(returned_s, 1), "seconds": round(done_s, 1),
        "reports_per_min": round(listed / done_s * 60, 1) if done_s else None,
        "chunks_per_s": round(chunks / done_s, 1) if done_s else None,
        # the watch samples every half second; a single-phase ingest lists a report once it is embedded
        "all_indexed_s": min(indexed_s, round(done_s, 1)) if indexed_s is not None else None,
        "all_embedded_s": round(done_s, 1) if listed and embedded >= listed else None,
        "statuses": sorted(watch.statuses),
        "two_phase": "indexed" in watch.statuses,
        "failed": [{"file": f, "error": m} for f, m in summary.failed],
        "summary": summary.line(),
    }
    return result, lib


# --- a question only one report answers ----------------------------------------------------------------------------

_CJK = re.compile(r"[\u4e00-\u9fff]")
# page furniture and captions glued into a PDF's sentences (「图44.…资料来源：…研究院」, 「请务必阅读…免责声明」)
_FURNITURE = re.compile(r"资料来源|来源[:：]|请务必|免责|声明|研究所|研究院|图表?\s*\d|表\s*\d|www\.|http")


def candidate_questions(text: str, k: int = 12) -> list[str]:
    """Questions made of sentences from the middle of a report: 20–60 characters, mostly Chinese, with a figure,
    without page furniture. The sentence itself, as a question."""
    parts = [s.strip() for s in re.split(r"(?<=[。！？])", text)]
    middle = parts[len(parts) // 4: 3 * len(parts) // 4] or parts
    good = [s for s in middle if 20 <= len(s) <= 60 and re.search(r"\d", s) and len(_CJK.findall(s)) >= 0.6 * len(s)
            and not _FURNITURE.search(s)]
    good.sort(key=lambda s: -len(set(s)))  # the most varied first: the least likely to be boilerplate
    return [s.rstrip("。！？") + "？" for s in good[:k]]


def pick_question(text: str, source: str, library=None) -> tuple[str, bool]:
    """A question whose answer should cite `source`: the first candidate that does so on `library` (checked=True),
    else the first candidate (checked=False)."""
    candidates = candidate_questions(text) or [text[len(text) // 2:][:40] + "？"]
    if library is not None:
        from bot.answer import Engine
        from bot.errors import BotError

        engine = Engine(library)
        for q in candidates:
            try:
                if any(c.source == source for c in engine.ask(q, mode="extractive").citations):
                    return q, True
            except BotError:
                continue
    return candidates[0], False


# --- servers and the browser ---------------------------------------------------------------------------------------

@dataclass
class Served:
    url: str
    proc: object
    ready_s: float
    data_dir: Path


@contextmanager
def serving(data_dir: Path, env: dict | None = None, timeout: float = 240, fresh: bool = True) -> Iterator[Served]:
    """`bot serve` on a fresh data dir (it ingests BOT_CORPUS_DIR, by default the seed corpus, before it serves),
    or on an existing one (`fresh=False`)."""
    from .servers import free_port, start_bot_serve, stop

    if fresh:
        fresh_dir(data_dir)
    port = free_port()
    t = time.perf_counter()
    proc = start_bot_serve(data_dir, port, data_dir / "serve.log", {"OMP_WAIT_POLICY": "passive", **(env or {})}, timeout)
    try:
        yield Served(f"http://127.0.0.1:{port}/", proc, round(time.perf_counter() - t, 1), data_dir)
    finally:
        stop(proc)


@contextmanager
def chromium() -> Iterator[object]:
    """Debian's headless Chromium through Playwright's executable_path (`playwright install` is never run)."""
    from bot.errors import BotError

    if not Path(CHROMIUM).exists():
        raise BotError("Debian chromium is not installed (apt-get install chromium): the --library browser parts need it.")
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    try:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=BROWSER_ARGS)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        pw.stop()


def new_page(browser):
    return browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN").new_page()


# the page is interactive: the question box is there and enabled, and the welcome text is rendered
READY_JS = """() => {
  const q = document.querySelector('#question textarea'), w = document.querySelector('#welcome');
  return q && !q.disabled && w && w.innerText.includes('研报助手') ? performance.now() : false;
}"""


def load_page(page, url: str) -> float:
    """Open the page; milliseconds from navigation start to interactive (measured in the page)."""
    page.goto(url, wait_until="commit")
    return round(page.wait_for_function(READY_JS, polling="raf", timeout=180000).json_value(), 1)


def page_loads(browser, url: str, times: int) -> dict:
    """`times` cold loads (a new browser context each: no cache); interactive p50/p95, bytes fetched, welcome lines."""
    ms, kb, lines = [], [], 0
    for _ in range(times):
        page = new_page(browser)
        ms.append(load_page(page, url))
        kb.append(page.evaluate("() => performance.getEntries().reduce((s, e) => s + (e.transferSize || 0), 0)") / 1024)
        lines = len([x for x in page.locator("#welcome").inner_text().splitlines() if x.strip()])
        page.context.close()
    return {"loads": times, "interactive_ms": {"p50": pct(ms, 50), "p95": pct(ms, 95)},
            "transfer_kb": round(pct(kb, 50), 1), "welcome_lines": lines}


def open_upload(page) -> None:
    page.locator("text=上传新报告").first.click()
    page.locator("input[type=file]").first.wait_for(state="attached", timeout=10000)


def upload(page, files: list[Path]) -> float:
    """Set the upload accordion's file input; returns perf_counter() when the browser's upload request finished."""
    with page.expect_response(lambda r: "/upload" in r.url and r.request.method == "POST", timeout=300000) as got:
        page.locator("input[type=file]").first.set_input_files([str(f) for f in files])
    got.value.finished()
    return time.perf_counter()


def has_status_api(client) -> bool:
    """Whether the server has /ingest_status (a two-phase ingest's per-file states)."""
    return "/ingest_status" in client.view_api(print_info=False, return_format="dict")["named_endpoints"]


def ingest_status(client) -> dict:
    """/ingest_status: {"files": {name: queued|reading|indexed|embedded|failed|cancelled}, "pending_reports": n}."""
    got = client.predict(api_name="/ingest_status")
    return json.loads(got) if isinstance(got, str) else got


class Progress:
    """Where an upload is: /ingest_status if the server has it, else the status lines the upload writes on the page
    (one per file, 「NAME: added 1, …」, when that file is done)."""

    def __init__(self, client, page, names: list[str]):
        self.client, self.page, self.names = client, page, names
        self.api = has_status_api(client)
        self.first_seen: dict[str, float] = {}  # state → seconds after the upload when a file was first seen in it
        self.states: dict[str, str] = {}

    def done(self, t0: float) -> bool:
        now = time.perf_counter() - t0
        if self.api:
            status = ingest_status(self.client)
            self.states = {n: (status.get("files") or {}).get(n, "") for n in self.names}
        else:
            text = self.page.locator("body").inner_text()
            self.states = {n: self._line_state(text, n) for n in self.names}
        for state in self.states.values():
            if state:
                self.first_seen.setdefault(state, round(now, 2))
        return all(s in DONE_STATES for s in self.states.values())

    @staticmethod
    def _line_state(text: str, name: str) -> str:
        line = next((x for x in text.splitlines() if x.lstrip("- ").startswith(f"{name}: ")), "")
        if not line:
            return ""
        return "failed" if re.search(r"failed [1-9]|不支持|超过|不是有效", line) else "done"


# --- 2. upload → first answer --------------------------------------------------------------------------------------

def upload_to_answer(base: Path, report: Path, question: str, browser, say: Say = lambda m: None,
                     timeout: float = 1800, grace: float = 30, store: Path | None = None) -> dict:
    """Upload one report to a fresh `bot serve` (seed corpus) — or one serving `store` as it is — through the
    browser; seconds from the end of the upload request to the first /ask answer that cites it (asked every POLL_S),
    and to the report being done."""
    from .servers import peak_rss_mb, web_client

    with serving(store or base / "library-upload", fresh=store is None) as srv:
        say(f"upload: `bot serve` on {store or 'the seed corpus'} ready in {srv.ready_s} s; uploading {report.name}")
        client = web_client(srv.url)
        client.predict(WEB_QUESTIONS[0][0], api_name="/ask")  # warm, so the first poll is not the first question
        seed_page = page_loads(browser, srv.url, 3)
        page = new_page(browser)
        load_page(page, srv.url)
        open_upload(page)
        watch = Progress(web_client(srv.url), page, [report.name])
        t0 = upload(page, [report])
        answer_s = done_s = None
        asks, answer, ask_ms = 0, {}, []
        while time.perf_counter() - t0 < timeout:
            tick = time.perf_counter()
            if answer_s is None:
                asks += 1
                got = client.predict(question, api_name="/ask")
                ask_ms.append((time.perf_counter() - tick) * 1000)
                if any(c.get("source") == report.name for c in got.get("citations") or []):
                    answer_s, answer = round(time.perf_counter() - t0, 2), got
            if done_s is None and watch.done(t0):
                done_s = round(time.perf_counter() - t0, 2)
            if done_s is not None and (answer_s is not None or time.perf_counter() - t0 > done_s + grace):
                break
            time.sleep(max(0.0, POLL_S - (time.perf_counter() - tick)))
        rss = peak_rss_mb(srv.proc.pid)
    text = report.read_text(encoding="utf-8", errors="replace")
    return {"report": report.name, "characters": len(text), "question": question, "asks": asks,
            "ask_ms": {"p50": pct(ask_ms, 50), "p95": pct(ask_ms, 95)},
            "first_cited_answer_s": answer_s, "done_s": done_s, "states_first_seen_s": watch.first_seen,
            "status_api": watch.api, "answer": (answer.get("answer") or "")[:300], "server_rss_mb": rss,
            "startup_s": srv.ready_s, "seed_page": seed_page}


# --- 3. the page and the picker with a few hundred reports ---------------------------------------------------------

EXTRA_BROKERS = ["国信证券", "申万宏源", "东方证券", "光大证券", "安信证券", "长江证券", "天风证券", "民生证券"]
TITLE_SHAPES = ["{company}（{code}）：{industry}业务{verb}，{view}", "{industry}行业{kind}：{view}",
                "{company}（{code}）{kind}：{view}", "{industry}{kind}：{company}等龙头{verb}"]
VERBS = ["高速增长", "稳步推进", "拐点已现", "持续突破", "盈利改善", "份额提升"]
VIEWS = ["维持买入评级", "首次覆盖给予增持", "景气度延续", "估值具备吸引力", "关注结构性机会", "长期成长空间广阔"]
KINDS = ["深度报告", "点评报告", "跟踪报告", "专题研究", "周报", "季报点评"]


def small_report(i: int, rng: random.Random) -> tuple[str, str]:
    """(file name, text) of a short report — one chunk — with a varied title, broker, date and company."""
    brokers = BROKERS + EXTRA_BROKERS
    broker = brokers[rng.randrange(len(brokers))]
    company = COMPANIES[rng.randrange(len(COMPANIES))]
    industry = INDUSTRIES[rng.randrange(len(INDUSTRIES))]
    code = f"{600000 + COMPANIES.index(company) * 1371 % 99991:06d}"
    title = rng.choice(TITLE_SHAPES).format(company=company, code=code, industry=industry, verb=rng.choice(VERBS),
                                            view=rng.choice(VIEWS), kind=rng.choice(KINDS))
    date = f"{rng.randrange(2019, 2027)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
    year = int(date[:4]) + rng.randrange(1, 4)
    body = (f"{company}在{industry}领域的市场份额为{rng.randrange(3, 60)}%。{broker}预计{year}年{industry}市场规模达到"
            f"{rng.randrange(100, 9000)}亿元，年均增长{rng.randrange(3, 40)}%。{company}的毛利率为{rng.randrange(15, 70)}%，"
            f"研发投入占营收的{rng.randrange(2, 20)}%。")
    return f"small-{i:04d}.txt", f"{title}\n机构：{broker}\n{date}\n\n{body}\n"


def write_small_reports(folder: Path, n: int, seed: int = 11) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    out = []
    for i in range(n):
        name, text = small_report(i, rng)
        (folder / name).write_text(text, encoding="utf-8")
        out.append(folder / name)
    return out


PICKER_TERMS = [BROKERS[1], EXTRA_BROKERS[2], COMPANIES[0], COMPANIES[7], COMPANIES[13], INDUSTRIES[4], INDUSTRIES[9],
                "2024-0", "深度报告", "买入"]
OPTIONS = "ul[role='listbox'] [role='option']"  # not the list's scroll sentinel
# as many entries shown as the picker holds for the term (up to the number it shows at once), each holding the term
FILTERED_JS = """([sel, term, n]) => {
  const o = [...document.querySelectorAll(sel)];
  return o.length === n && o.every(e => e.innerText.toLowerCase().includes(term.toLowerCase()));
}"""


def picker_config(url: str) -> tuple[list[str], int | None]:
    """The picker's entries as the server sent them (Gradio's /config), and how many it lists at once (Gradio's
    num_choices_shown; more come as the list is scrolled)."""
    import urllib.request

    config = json.loads(urllib.request.urlopen(url + "config", timeout=60).read())
    props = next(c["props"] for c in config["components"] if c.get("props", {}).get("elem_id") == "filter")
    return [c[0] if isinstance(c, (list, tuple)) else str(c) for c in props["choices"]], props.get("num_choices_shown")


def picker_latency(page, url: str, terms: list[str]) -> dict:
    """Open the report picker, then for each term: type it, time until the list shows exactly the entries holding it
    (as many as the picker lists at once)."""
    labels, shown = picker_config(url)
    box = page.locator("#filter input").first
    t = time.perf_counter()
    box.click()
    page.wait_for_function(f"() => document.querySelectorAll({json.dumps(OPTIONS)}).length > 0", polling="raf",
                           timeout=60000)
    open_ms = (time.perf_counter() - t) * 1000
    page.wait_for_timeout(500)  # not timed: in case a long list is still growing
    listed = page.locator(OPTIONS).count()
    per_term = {}
    for term in terms:
        matching = sum(term.lower() in x.lower() for x in labels)
        if not matching:
            continue
        expected = min(matching, shown or matching)
        box.click()
        t = time.perf_counter()
        box.fill(term)
        page.wait_for_function(FILTERED_JS, arg=[OPTIONS, term, expected], polling="raf", timeout=60000)
        per_term[term] = {"ms": round((time.perf_counter() - t) * 1000, 1), "entries": matching, "shown": expected}
        box.fill("")
        page.wait_for_function(f"n => document.querySelectorAll({json.dumps(OPTIONS)}).length === n", arg=listed,
                               polling="raf", timeout=60000)
    ms = [v["ms"] for v in per_term.values()]
    return {"entries": len(labels), "listed_at_once": listed, "open_ms": round(open_ms, 1),
            "filter_ms": {"p50": pct(ms, 50), "p95": pct(ms, 95)}, "terms": per_term}


def page_and_picker(base: Path, n_reports: int, browser, say: Say = lambda m: None, loads: int = 5) -> dict:
    """`bot serve` on n_reports small synthetic reports (ingested at start-up, real embedder); page load and picker."""
    from .servers import peak_rss_mb, web_client

    folder = base / f"library-small-{n_reports}"
    shutil.rmtree(folder, ignore_errors=True)
    write_small_reports(folder, n_reports)
    say(f"page: `bot serve` ingesting {n_reports} small reports at start-up")
    with serving(base / "library-page", {"BOT_CORPUS_DIR": str(folder)}, timeout=1800) as srv:
        client = web_client(srv.url)
        deadline = time.time() + 1800  # a two-phase ingest may still be embedding in the background
        while has_status_api(client) and ingest_status(client).get("pending_reports") and time.time() < deadline:
            time.sleep(1)
        say(f"page: serving {n_reports} reports after {srv.ready_s} s; {loads} cold page loads, then the picker")
        result = page_loads(browser, srv.url, loads)
        page = new_page(browser)
        load_page(page, srv.url)
        result["picker"] = picker_latency(page, srv.url, PICKER_TERMS)
        result.update(reports=n_reports, startup_s=srv.ready_s, server_rss_mb=peak_rss_mb(srv.proc.pid))
    return result


def page_on_store(data_dir: Path, browser, say: Say = lambda m: None, loads: int = 5) -> dict:
    """Page load and picker with an existing library served as it is (e.g. the 427 reports of `bot eval
    --benchmark reports`); picker terms from the library itself: its five largest brokers and its years."""
    from collections import Counter

    from bot.library import Library
    from bot.settings import Settings

    from .servers import peak_rss_mb

    reports = Library(Settings.from_env({"BOT_DATA_DIR": str(data_dir)})).sources()
    terms = [b for b, _ in Counter(r.broker for r in reports if r.broker).most_common(5)]
    terms += [y for y, _ in Counter(r.date[:4] for r in reports if r.date).most_common(5)]
    say(f"page at scale: serving {len(reports)} reports from {data_dir}")
    with serving(data_dir, timeout=600, fresh=False) as srv:
        result = page_loads(browser, srv.url, loads)
        page = new_page(browser)
        load_page(page, srv.url)
        result["picker"] = picker_latency(page, srv.url, terms)
        result.update(reports=len(reports), startup_s=srv.ready_s, server_rss_mb=peak_rss_mb(srv.proc.pid),
                      store=str(data_dir))
    return result


def page_markdown(r: dict) -> str:
    if "error" in r:
        return f"### The page with a large library\n\nFAILED: {r['error']}\n"
    pk = r["picker"]
    return "\n".join([
        "### The page with a large library (served as it is)", "",
        "| reports | page interactive p50 / p95 ms | fetched KB | welcome lines | picker entries (listed at once) | "
        "picker open ms | filter p50 / p95 ms (terms) | start-up s | server RSS MB |",
        "|---|---|---|---|---|---|---|---|---|",
        f"| {r['reports']} | {_p(r['interactive_ms'])} | {r['transfer_kb']} | {r['welcome_lines']} | {pk['entries']} "
        f"({pk['listed_at_once']}) | {pk['open_ms']} | {_p(pk['filter_ms'])} ({len(pk['terms'])}) | {r['startup_s']} | "
        f"{r['server_rss_mb']} |", "",
        "Terms: " + ", ".join(f"{t} ({v['entries']} entries, {v['ms']} ms)" for t, v in pk["terms"].items()), ""])


# --- 4. users while an ingest runs ---------------------------------------------------------------------------------

def _ask(client, u: int, r: int) -> tuple[float, bool]:
    q, expected = WEB_QUESTIONS[(u + r) % len(WEB_QUESTIONS)]
    t = time.perf_counter()
    try:
        ok = expected in client.predict(q, api_name="/ask")["answer"]
    except Exception:  # a failed request counts as wrong, and the run goes on
        ok = False
    return (time.perf_counter() - t) * 1000, ok


def _figures(done: list[tuple[float, bool]], wall: float) -> dict:
    lat = [ms for ms, _ in done]
    return {"requests": len(done), "wall_s": round(wall, 1), "throughput_per_s": round(len(done) / wall, 2) if wall else 0,
            "latency_ms": {"p50": pct(lat, 50), "p95": pct(lat, 95)},
            "correct_rate": round(sum(ok for _, ok in done) / len(done), 3) if done else None}


def users_during_ingest(base: Path, files: list[Path], clients: int, rounds: int, browser, say: Say = lambda m: None,
                        timeout: float = 3 * 3600) -> dict:
    """`clients` users × `rounds` questions with nothing else going on; then the same users asking without pause
    (at least `rounds` each) from the moment a .zip of `files` is uploaded through the browser until it is done."""
    from .servers import peak_rss_mb, web_client

    bundle = base / "library-load.zip"
    with zipfile.ZipFile(bundle, "w", zipfile.ZIP_DEFLATED) as z:
        for f in files:
            z.write(f, f.name)
    with serving(base / "library-load") as srv:
        users = [web_client(srv.url) for _ in range(clients)]
        users[0].predict(WEB_QUESTIONS[0][0], api_name="/ask")  # warm
        say(f"load: {clients} users × {rounds} questions, nothing else running")
        t = time.perf_counter()
        with ThreadPoolExecutor(clients) as pool:
            quiet = [x for xs in pool.map(lambda u: [_ask(users[u], u, r) for r in range(rounds)], range(clients))
                     for x in xs]
        quiet_figures = _figures(quiet, time.perf_counter() - t)
        page = new_page(browser)
        load_page(page, srv.url)
        open_upload(page)
        watch = Progress(web_client(srv.url), page, [f.name for f in files])
        finished = threading.Event()

        def user(u: int) -> list[tuple[float, bool]]:
            out, r = [], 0
            while r < rounds or not finished.is_set():
                out.append(_ask(users[u], u, r))
                r += 1
            return out

        say(f"load: the same users while a .zip of {len(files)} reports ({bundle.stat().st_size // 1024} KB) ingests")
        t0 = upload(page, [bundle])
        with ThreadPoolExecutor(clients) as pool:
            jobs = [pool.submit(user, u) for u in range(clients)]
            done_s, last = None, time.perf_counter()
            while time.perf_counter() - t0 < timeout:
                if watch.done(t0):
                    done_s = round(time.perf_counter() - t0, 1)
                    break
                if time.perf_counter() - last > 60:
                    last = time.perf_counter()
                    say(f"load: {sum(s in DONE_STATES for s in watch.states.values())}/{len(files)} files done")
                time.sleep(1)
            finished.set()
            busy = [x for j in jobs for x in j.result()]
        busy_figures = _figures(busy, time.perf_counter() - t0)
        rss = peak_rss_mb(srv.proc.pid)
    states = list(watch.states.values())
    return {"clients": clients, "rounds": rounds, "quiet": quiet_figures, "during_ingest": busy_figures,
            "upload": {"files": len(files), "zip_kb": bundle.stat().st_size // 1024, "done_s": done_s,
                       "completed": done_s is not None and all(s in ("embedded", "done") for s in states),
                       "states": {s: states.count(s) for s in sorted(set(states))}, "status_api": watch.api,
                       "states_first_seen_s": watch.first_seen},
            "server_rss_mb": rss, "startup_s": srv.ready_s}


# --- all of it, and the report ------------------------------------------------------------------------------------

def run(settings, data: Path, sample: int, seed: int, picker_reports: int, clients: int, rounds: int,
        parts: tuple[str, ...] = PARTS, say: Say = lambda m: None) -> dict:
    """The parts asked for, in order; stores under settings.data_dir/bench/library-*. A part that fails is recorded
    with its error (`failed_parts` names them) and the others still run: one browser time-out late in a 30-minute
    run should not lose the figures measured before it."""
    from bot.settings import Settings

    base = settings.data_dir / "bench"
    base.mkdir(parents=True, exist_ok=True)
    result: dict = {"data": str(data), "sample": sample, "seed": seed, "embedder": settings.embedder,
                    "parts": list(parts), "failed_parts": []}
    files = sample_files(data, sample, seed, base / f"library-sample-{sample}-{seed}") if {"ingest", "upload", "load"} & set(parts) else []
    library = None

    def measure(name: str, how: Callable[[], dict]) -> None:
        try:
            result[name] = how()
        except Exception as e:  # recorded, with where it happened; the CLI fails the run once all parts are done
            import traceback

            result[name] = {"error": f"{type(e).__name__}: {e}"[:1000],
                            "where": traceback.format_exc().strip().splitlines()[-3:]}
            result["failed_parts"].append(name)
            say(f"{name}: FAILED — {result[name]['error'][:300]}")

    if "ingest" in parts:
        def ingest() -> dict:
            nonlocal library
            figures, library = ingest_sample(Settings.from_env(settings.environ, data_dir=base / "library-ingest"), files, say)
            say(f"ingest: {figures['in_store']} reports, {figures['chunks']} chunks in {figures['seconds']} s")
            return figures

        measure("ingest", ingest)
    if {"upload", "page", "load"} & set(parts):
        with chromium() as browser:
            if "upload" in parts:
                def upload_part() -> dict:
                    longest = max(files, key=lambda f: f.stat().st_size)
                    text = longest.read_text(encoding="utf-8", errors="replace")
                    question, checked = pick_question(text, longest.name, library)
                    got = upload_to_answer(base, longest, question, browser, say)
                    say(f"upload: first cited answer {got['first_cited_answer_s']} s, done {got['done_s']} s after the upload")
                    return {**got, "question_checked": checked}

                measure("upload", upload_part)
            if "page" in parts:
                measure("page", lambda: page_and_picker(base, picker_reports, browser, say))
            if "load" in parts and clients:
                measure("load", lambda: users_during_ingest(base, files, clients, rounds, browser, say))
    return result


def _run_tag() -> str:
    """A tag new to each run: marked sentences then never match a vector in the embedding cache."""
    return f"{time.time_ns() // 1_000_000 % 10**8:08d}"


MARK = "本报告测算，{name}2030年的全球市场规模为987亿元。"  # a sentence no report holds, so the answer must cite the new one


def index_at_scale(data_dir: Path, report: Path, say: Say = lambda m: None) -> dict:
    """A new long report ingested into an existing large store (e.g. the 427 reports of `bot eval --benchmark
    reports`), in process: seconds until it is indexed (searchable by keywords) and until an answer — asked while
    the ingest goes on — cites it. The ingest is then cancelled (or the report removed, if its vectors came from
    the embedding cache and it is already done): the store is left as found."""
    import threading

    from bot.answer import Engine
    from bot.library import Library
    from bot.settings import Settings

    lib = Library(Settings.from_env({"BOT_DATA_DIR": str(data_dir)}))
    engine = Engine(lib)
    before = len(lib.sources())
    name = "紫藤星材料"
    folder = fresh_dir(data_dir / "index-at-scale")
    new = folder / f"新上传-{report.name}"
    # every sentence marked too, so no chunk's vector is in the embedding cache: the embedding really runs (its CPU
    # load and its writes are what a user asking meanwhile competes with)
    body = report.read_text(encoding="utf-8", errors="replace").replace("。", f"（新{_run_tag()}）。")
    new.write_text(MARK.format(name=name) + "\n" + body, encoding="utf-8")
    stop, indexed = threading.Event(), threading.Event()
    marks: dict = {}
    answer: dict = {}
    box: dict = {}

    def on_file(_, state, detail=""):
        marks.setdefault(state, round(time.perf_counter() - t0, 2))
        if state == "indexed":
            indexed.set()

    say(f"index at scale: {new.name} into {data_dir} ({before} reports)")
    t0 = time.perf_counter()
    writer = threading.Thread(target=lambda: box.update(summary=lib.ingest([new], on_file=on_file,
                                                                           cancelled=stop.is_set)))
    writer.start()  # the ingest goes on (record writes, embedding) while a user asks, as in the web chat
    indexed.wait(600)
    ans = engine.ask(f"{name}2030年的全球市场规模是多少？")
    marks["answered"] = round(time.perf_counter() - t0, 2)
    answer.update(first_line=ans.answer.splitlines()[0][:160] if ans.answer else "",
                  cites_new=any(c.source == new.name for c in ans.citations), notes=ans.notes,
                  ask_ms=round(ans.timings_ms.get("total", 0.0), 1),
                  ask_stages_ms={k: round(v, 1) for k, v in ans.timings_ms.items()})
    stop.set()
    writer.join()
    summary = box["summary"]
    if any(r.source == new.name for r in lib.sources()):  # embedded before the cancel (cached vectors): remove it
        lib.remove(new.name)
    return {"store": str(data_dir), "reports": before, "chunks": lib.store.count(), "report": new.name,
            "characters": len(new.read_text(encoding="utf-8")), "indexed_s": marks.get("indexed"),
            "answered_s": marks.get("answered"), **answer, "left_as_found": len(lib.sources()) == before,
            "summary": summary.line()}


def _bot(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "BOT_DATA_DIR": str(data_dir), "OMP_WAIT_POLICY": "passive"}
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], env=env, capture_output=True, text=True,
                          timeout=900)


def upload_at_scale(data_dir: Path, report: Path, browser, say: Say = lambda m: None) -> dict:
    """The long report (its sentences marked, as in `index_at_scale`) uploaded in the browser to `bot serve` on a
    large existing store: seconds from the end of the upload to the first answer citing it, and to its embeddings
    being done. The report is removed afterwards (file and records): the store is left as found.

    Embedded Chroma takes one process at a time, and a process that has opened the store keeps it cached: this
    runs before anything in this process opens it, and counts and cleans up through `bot` subprocesses."""
    name = "紫藤星材料"
    folder = fresh_dir(data_dir.parent / f"{data_dir.name}-upload")
    new = folder / f"新上传-{report.name}"
    body = report.read_text(encoding="utf-8", errors="replace").replace("。", f"（新{_run_tag()}）。")
    new.write_text(MARK.format(name=name) + "\n" + body, encoding="utf-8")
    reports = lambda: json.loads(_bot(data_dir, "sources", "--json").stdout or "[]")
    before = reports()
    try:
        r = upload_to_answer(folder, new, f"{name}2030年的全球市场规模是多少？", browser, say, store=data_dir)
    finally:
        if any(x["source"] == new.name for x in reports()):
            _bot(data_dir, "remove", new.name)
        (data_dir / "uploads" / new.name).unlink(missing_ok=True)
        shutil.rmtree(folder, ignore_errors=True)
    return {"store": str(data_dir), "reports": len(before), "left_as_found": reports() == before, **r}


def upload_markdown(r: dict) -> str:
    if "error" in r:
        return f"### A new report uploaded in the browser to a large library\n\nFAILED: {r['error']}\n"
    return "\n".join([
        "### A new report uploaded in the browser to a large library (`bot serve`, Chromium)", "",
        "| library | new report | → first cited answer s | → embedded s | /ask p50 ms while it ingests | store left as found |",
        "|---|---|---|---|---|---|",
        f"| {r['reports']} reports | {r['characters']:,} characters | {r['first_cited_answer_s']} | {r['done_s']} | "
        f"{r['ask_ms']['p50']} | {r['left_as_found']} |", "",
        f"States first seen (s after the upload): {r['states_first_seen_s']}", "",
        f"Answer: {(r.get('answer') or '').splitlines()[0][:160] if r.get('answer') else ''}", ""])


def index_markdown(r: dict) -> str:
    if "error" in r:
        return f"### A new report into a large library\n\nFAILED: {r['error']}\n"
    return "\n".join([
        "### A new report into a large library (in process)", "",
        "| library | new report | → indexed s | → answer citing it s | that answer's own time ms | cites it | store left as found |",
        "|---|---|---|---|---|---|---|",
        f"| {r['reports']} reports, {r['chunks']:,} chunks | {r['characters']:,} characters | {r['indexed_s']} | "
        f"{r['answered_s']} | {r.get('ask_ms')} | {r.get('cites_new')} | {r['left_as_found']} |", "",
        f"First line: {r.get('first_line', '')}", ""])


def _p(d: dict | None, unit: str = "") -> str:
    return f"{d['p50']} / {d['p95']}{unit}" if d else "-"


def markdown(lib: dict) -> str:
    """The --library sections: ingest, upload → first answer, page and picker, users during an ingest."""
    out = [f"### Library of real reports (reports-dev sample of {lib['sample']}, seed {lib['seed']}; "
           f"embedder {lib.get('embedder', 'local')})", ""]
    for name in PARTS:
        if (lib.get(name) or {}).get("error"):
            out += [f"**{name} failed**: {lib[name]['error'][:300]}", ""]
    lib = {k: v for k, v in lib.items() if not (isinstance(v, dict) and v.get("error"))}
    if lib.get("ingest"):
        i = lib["ingest"]
        out += ["| reports (in store) | chunks | characters | model load s | all indexed s | all embedded s | "
                "reports/min | chunks/s | statuses seen |", "|---|---|---|---|---|---|---|---|---|",
                f"| {i['reports']} ({i['in_store']}) | {i['chunks']} | {i['characters']:,} | {i['model_load_s']} | "
                f"{i['all_indexed_s']} | {i['all_embedded_s']} | {i['reports_per_min']} | {i['chunks_per_s']} | "
                f"{', '.join(i['statuses']) or '-'} |", ""]
        if i.get("failed"):
            out += [f"Failed: {', '.join(f['file'] for f in i['failed'])}", ""]
    if lib.get("upload"):
        u = lib["upload"]
        seen = ", ".join(f"{k} {v} s" for k, v in u["states_first_seen_s"].items()) or "-"
        out += ["| uploaded report | characters | → first cited answer s | → done s | states first seen | "
                "/ask while ingesting p50 / p95 ms | asks | page with the seed corpus: interactive p50 / p95 ms |",
                "|---|---|---|---|---|---|---|---|",
                f"| {u['report']} | {u['characters']:,} | {u['first_cited_answer_s']} | {u['done_s']} | {seen} | "
                f"{_p(u['ask_ms'])} | {u['asks']} | {_p(u['seed_page']['interactive_ms'])} |", "",
                f"Question (a sentence of the report{'' if u.get('question_checked') else ', not checked beforehand'}): "
                f"{u['question']}", ""]
    if lib.get("page"):
        p = lib["page"]
        k = p["picker"]
        out += ["| reports | page interactive p50 / p95 ms | fetched KB | welcome lines | picker entries (listed at once) | "
                "picker open ms | filter p50 / p95 ms (terms) | start-up s (ingest included) | server RSS MB |",
                "|---|---|---|---|---|---|---|---|---|",
                f"| {p['reports']} | {_p(p['interactive_ms'])} | {p['transfer_kb']} | {p['welcome_lines']} | "
                f"{k['entries']} ({k.get('listed_at_once', '-')}) | "
                f"{k['open_ms']} | {_p(k['filter_ms'])} ({len(k['terms'])}) | {p['startup_s']} | {p['server_rss_mb']} |", ""]
    if lib.get("load"):
        ld = lib["load"]
        up = ld["upload"]
        out += ["| web users | while | requests | throughput /s | latency p50 / p95 ms | correct | upload done s |",
                "|---|---|---|---|---|---|---|"]
        for key, label in (("quiet", "nothing else"), ("during_ingest", f".zip of {up['files']} reports ingesting")):
            f = ld[key]
            done = (f"{up['done_s']} ({'completed' if up['completed'] else 'NOT completed'})"
                    if key == "during_ingest" else "")
            out.append(f"| {ld['clients']} | {label} | {f['requests']} | {f['throughput_per_s']} | {_p(f['latency_ms'])} | "
                       f"{f['correct_rate']} | {done} |")
        out += ["", f"Server peak RSS {ld['server_rss_mb']} MB; file states at the end: "
                    f"{', '.join(f'{k} {v}' for k, v in up['states'].items())}.", ""]
    return "\n".join(out) + "\n"
