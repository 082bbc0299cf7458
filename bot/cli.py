"""`bot` subcommands: thin over Library and the answer engine. Errors become one line on stderr."""
from __future__ import annotations

import json
import sys
import traceback
from pathlib import Path

import click

from .errors import BotError
from .retrieve import Filters
from .settings import Settings


def _settings() -> Settings:
    return Settings.from_env()


def _library(reset: bool = False):
    from .library import Library

    return Library(_settings(), reset=reset)


def _echo_json(obj) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False))


def _filters(report, broker, since, until) -> Filters:
    return Filters(reports=tuple(report), broker=broker or "", date_from=since or "", date_to=until or "")


filter_options = [
    click.option("--report", multiple=True, help="Only these reports (file name or doc id); repeatable."),
    click.option("--broker", default="", help="Only reports by this broker (its whole name, e.g. 华泰证券)."),
    click.option("--since", default="", help="Only reports dated on/after YYYY-MM-DD."),
    click.option("--until", default="", help="Only reports dated on/before YYYY-MM-DD."),
]


def with_filters(f):
    for opt in reversed(filter_options):
        f = opt(f)
    return f


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli():
    """研报助手 — cited answers about brokerage research reports (offline by default)."""


@cli.command("ingest")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--reindex", is_flag=True, help="Drop the store and rebuild it (after changing the embedding model).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def ingest_cmd(paths, reindex, as_json):
    """Ingest report files or folders (default: the corpus folder)."""
    settings = _settings()
    lib = _library(reset=reindex)
    summary = ingest_into(lib, list(paths) or [settings.corpus_dir])
    if as_json:
        _echo_json(summary.to_dict())
    else:
        for name, message in summary.failed:
            click.echo(f"failed: {message}", err=True)
        for note in summary.notes:
            click.echo(f"note: {note}", err=True)
        click.echo(summary.line())
    if summary.failed:
        sys.exit(1)


def ingest_into(lib, paths):
    """Ingest with a progress bar on stderr (shown when it takes more than half a second). New reports are
    searchable by keywords before the embedding starts: said once, when it does."""
    from tqdm import tqdm

    bar = None
    indexed = 0

    def on_file(name, state, detail=""):
        nonlocal indexed
        indexed += state == "indexed"

    def progress(done, total, name):
        nonlocal bar
        if bar is None:
            click.echo(f"{indexed} report(s) indexed: searchable by keywords now; embedding for hybrid search …",
                       err=True)
            bar = tqdm(total=total, unit="chunk", desc="embedding", delay=0.5, file=sys.stderr, leave=False)
        bar.set_postfix_str(name[:30], refresh=False)
        bar.update(done - bar.n)

    summary = lib.ingest(paths, progress, on_file=on_file)
    if bar is not None:
        bar.close()
    return summary


@cli.command("remove")
@click.argument("source")
def remove_cmd(source):
    """Delete one report (by file name or doc id) from the store."""
    report = _library().remove(source)
    click.echo(f"removed {report.source} ({report.chunks} chunks)")


@cli.command("sources")
@click.option("--json", "as_json", is_flag=True)
@click.option("--filter", "term", default="", help="Only reports whose title, broker, date or file name holds this text.")
def sources_cmd(as_json, term):
    """List the ingested reports."""
    reports = _library().sources()
    if term:
        reports = [r for r in reports if term.lower() in f"{r.title} {r.broker} {r.date} {r.source}".lower()]
    if as_json:
        _echo_json([r.to_dict() for r in reports])
        return
    if not reports:
        click.echo("No reports yet: run `bot ingest`.")
    by_id = {r.doc_id: r for r in reports}
    for r in reports:
        state = "" if r.status == "embedded" else f"  ({r.status}: searchable by keywords, embedding)"
        if r.twin_of in by_id:
            state += f"  (nearly the same as [{by_id[r.twin_of].source}]: counted as one source)"
        click.echo(f"{r.date or '????-??-??'}  {r.broker or '-':8}  {r.chunks:4d} chunks  {r.title}  [{r.source}]{state}")


@cli.command("search")
@click.argument("query")
@click.option("-k", default=8, show_default=True, help="Number of passages.")
@click.option("--mode", type=click.Choice(["hybrid", "bm25", "dense"]), default="hybrid", show_default=True)
@click.option("--json", "as_json", is_flag=True)
@with_filters
def search_cmd(query, k, mode, as_json, report, broker, since, until):
    """Ranked passages for a query."""
    from .answer.question import check_question

    query = check_question(query)
    hits = _library().search(query, k, _filters(report, broker, since, until), mode)
    if as_json:
        _echo_json([h.to_dict() for h in hits])
        return
    for n, h in enumerate(hits, 1):
        click.echo(f"[{n}] {h.score:.4f}  {h.report.broker} {h.report.title[:40]}  ({h.chunk.start}-{h.chunk.end})")
        click.echo("    " + h.chunk.text.replace("\n", " ")[:300])


@cli.command("ask")
@click.argument("question", required=False)
@click.option("--file", "qfile", type=click.Path(path_type=Path), help="One question per line; one JSON object per line out.")
@click.option("--json", "as_json", is_flag=True)
@click.option("--mode", type=click.Choice(["auto", "llm", "extractive"]), default="auto", show_default=True)
@click.option("--chart", type=click.Path(path_type=Path), help="Write a scenario chart (PNG) when the answer has ranges.")
@with_filters
def ask_cmd(question, qfile, as_json, mode, chart, report, broker, since, until):
    """Answer a question with citations."""
    from .answer import Engine

    if not question and not qfile:
        raise BotError("Give a question, or --file FILE with one question per line.")
    engine = Engine(_library())
    filters = _filters(report, broker, since, until)
    if qfile:
        try:
            lines = qfile.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as e:
            raise BotError(f"Cannot read {qfile}: {e}.") from None
        for line in lines:
            if not line.strip():
                continue
            try:
                ans = engine.ask(line, mode=mode, filters=filters).to_dict()
            except BotError as e:  # one bad line does not stop the batch
                ans = {"question": line, "error": str(e)}
            _echo_json(ans)
        return
    ans = engine.ask(question, mode=mode, filters=filters)
    if chart:
        if ans.extra.get("calculations"):
            from .tools.chart import chart_calculations

            chart_calculations(ans.extra["calculations"], chart)
            click.echo(f"chart written to {chart}", err=True)
        else:
            click.echo("no chart: the answer has no calculation", err=True)
    if as_json:
        _echo_json(ans.to_dict())
        return
    click.echo(ans.answer)
    if ans.citations:
        click.echo("")
        for c in ans.citations:
            click.echo(f"[{c.n}] {c.broker} 《{c.title}》 {c.date}: “{c.quote}”")


@cli.command("eval")
@click.option("--set", "set_file", type=click.Path(path_type=Path), help="Gold set (JSON lines); default evals/gold.jsonl.")
@click.option("--mode", type=click.Choice(["extractive", "llm"]), default="extractive", show_default=True)
@click.option("--benchmark", type=click.Choice(["cmrc", "rgb", "reports", "estimates"]),
              help="Run a public benchmark instead of the gold set.")
@click.option("--noise", type=float, default=0.4, show_default=True, help="RGB: share of negative passages in the mix.")
@click.option("--offset", type=int, default=0, show_default=True, help="RGB: skip the first N questions.")
@click.option("--calibrate", is_flag=True, help="RGB: grid-search the strict refusal profile on these questions.")
@click.option("--data", type=click.Path(path_type=Path), help="The benchmark's data file.")
@click.option("--limit", type=int, help="Only the first N questions (reports: of each kind).")
@click.option("--sample", type=int, help="reports: a seeded sample of N reports, sectors in proportion (default all). "
              "The gate (`reports` in evals/thresholds.json) applies only to the sample and seed it names (--sample 10 --seed 6).")
@click.option("--seed", type=int, default=0, show_default=True, help="reports: seed of the sample and of the questions.")
@click.option("--json", "json_out", type=click.Path(path_type=Path), help="Write the metrics JSON here (and .md/.png beside it).")
def eval_cmd(set_file, mode, benchmark, noise, offset, calibrate, data, limit, sample, seed, json_out):
    """Measure answer and retrieval quality; exit 1 below the thresholds in evals/thresholds.json."""
    if benchmark == "reports":
        return _eval_reports(data, sample, seed, limit, json_out)
    if benchmark == "estimates":
        return _eval_estimates(data, json_out)
    if benchmark == "cmrc":
        return _eval_cmrc(data, limit, json_out)
    if benchmark == "rgb":
        return _eval_rgb(data, limit, noise, offset, calibrate, json_out)
    from evals import runner
    from .answer import Engine

    settings = _settings()
    lib = _library()
    if not lib.sources():
        click.echo(f"The store is empty: ingesting {settings.corpus_dir} first.", err=True)
        lib.ingest([settings.corpus_dir])
    items = runner.load_set(set_file or runner.GOLD)[:limit] if limit else runner.load_set(set_file or runner.GOLD)
    metrics = _tracked("questions", len(items), lambda p: runner.run(Engine(lib), items, mode, p))
    for k in ("accuracy", "numeric_accuracy", "refusal_recall", "refusal_precision", "citation_verbatim_rate",
              "citation_support", "retrieval_hit@1", "retrieval_hit@5"):
        click.echo(f"{k:24} {metrics[k]}")
    click.echo(f"{'latency_ms p50/p95':24} {metrics['latency_ms']['p50']} / {metrics['latency_ms']['p95']}")
    for r in metrics["results"]:
        if not r["correct"]:
            click.echo(f"  FAIL {r['id']}: {'; '.join(r['reasons'])}", err=True)
    if json_out:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps(metrics, ensure_ascii=False, indent=2), encoding="utf-8")
        json_out.with_suffix(".md").write_text(runner.markdown(metrics), encoding="utf-8")
        runner.chart(metrics, json_out.with_suffix(".png"))
    failed = runner.check_thresholds(metrics)
    if failed:
        raise BotError("Below the thresholds: " + ", ".join(failed) + ".")


def _bench_library(name: str, folder_of):
    """A Library under BOT_DATA_DIR/bench/NAME; `folder_of(data_dir)` writes the corpus and returns its folder."""
    return _bench_ingest(name, folder_of)[0]


def _bench_ingest(name: str, folder_of):
    """`_bench_library`, also returning the IngestSummary and the seconds ingest took."""
    import time

    from .library import Library

    settings = _settings()
    bench = Settings.from_env(settings.environ, data_dir=settings.data_dir / "bench" / name)
    lib = Library(bench)
    folder = folder_of(bench.data_dir)
    bar = _bar("ingest", None)
    t0 = time.perf_counter()
    summary = lib.ingest([folder], lambda d, t, _: (setattr(bar, "total", t), bar.update(d - bar.n)))
    seconds = time.perf_counter() - t0
    bar.close()
    return lib, summary, seconds


def _bar(desc: str, total: int | None):
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, file=sys.stderr, delay=0.5)


def _tracked(desc: str, total: int, run):
    """run(progress) with a progress bar on stderr."""
    bar = _bar(desc, total)
    try:
        return run(lambda d, t: bar.update(d - bar.n))
    finally:
        bar.close()


def _eval_rgb(data, limit, noise, offset, calibrate, json_out):
    from evals import rgb
    from .answer import Engine

    settings = _settings()
    items = rgb.load(data or Path("../shared/eval-data/rgb_zh_refine.jsonl"))[offset:]
    items = items[:limit] if limit else items
    plans = {}

    def corpus(data_dir):
        plans.update(rgb.write_corpus(items, data_dir / "passages", 5, noise))
        return data_dir / "passages"

    lib = _bench_library("rgb", corpus)
    result = _tracked("questions", len(items), lambda p: rgb.run(Engine(lib), items, plans, p))
    result.update(noise_rate=noise, offset=offset, refusal_profile=settings.refusal)
    click.echo(f"questions {result['questions']} (from {offset})  profile {settings.refusal}  noise_accuracy "
               f"{result['noise_accuracy']}  rejection_rate {result['rejection_rate']}  "
               f"false_rejection_rate {result['false_rejection_rate']}")
    if calibrate:
        result["calibration"] = rgb.calibrate(result["results"])
        click.echo(f"calibrated strict profile: {result['calibration']}")
    if json_out:
        json_out.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")


def _eval_cmrc(data, limit, json_out):
    from evals import cmrc
    from .answer import Engine

    paragraphs, items = cmrc.load(data or Path("../shared/eval-data/cmrc2018_dev_squad_style.json"), limit)

    def corpus(data_dir):
        cmrc.write_corpus(paragraphs, data_dir / "paragraphs")
        return data_dir / "paragraphs"

    lib = _bench_library("cmrc", corpus)
    result = _tracked("questions", len(items), lambda p: cmrc.run(lib, items, p))
    result["answer"] = _tracked("answers", len(items), lambda p: cmrc.answer_scores(Engine(lib), items, p))
    result["paragraphs"] = len(paragraphs)
    result["chunks"] = lib.store.count()
    click.echo(f"{'':8} {'hit@1':>7} {'hit@5':>7} {'hit@10':>7} {'MRR':>7} {'p50 ms':>7}")
    for mode in cmrc.MODES:
        m = result[mode]
        click.echo(f"{mode:8} {m['hit@1']:7.4f} {m['hit@5']:7.4f} {m['hit@10']:7.4f} {m['mrr']:7.4f} {m['p50_ms']:7.1f}")
    click.echo(f"extractive answer: EM {result['answer']['em']}  F1 {result['answer']['f1']}  "
               f"(published dev baselines: BERT-Chinese EM 63.5 / F1 83.6)")
    if json_out:
        json_out.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")


def _eval_estimates(data, json_out):
    """Estimate detection on the labelled reports of reports-dev (evals/estimates.py); --data is the reports-dev folder."""
    from evals import estimates

    result = estimates.run(data or estimates.DEFAULT_DATA, json_out)
    for line in estimates.table(result):
        click.echo(line)


def _eval_reports(data, sample, seed, limit, json_out):
    from evals import reports
    from .answer import Engine

    data = data or reports.DEFAULT_DATA
    docs, annotations = reports.load(data)
    picked = reports.pick(docs, sample, seed)
    box = {}

    def corpus(data_dir):
        box["corpus"] = reports.write_corpus(picked, data, data_dir / "docs")
        return data_dir / "docs"

    lib, summary, seconds = _bench_ingest(f"reports-{sample or 'all'}-{seed}", corpus)
    questions, head = reports.plan(lib, box["corpus"], annotations, summary, seconds, seed, limit)
    result = _tracked("questions", len(questions), lambda p: reports.run(Engine(lib), box["corpus"], questions, p))
    result = {"sample": sample, "seed": seed, "data": str(data), **head, **result}
    for line in reports.table(result):
        click.echo(line)
    if json_out:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
        json_out.with_suffix(".md").write_text(reports.markdown(result), encoding="utf-8")
        reports.chart(result, json_out.with_suffix(".png"))
    failed = reports.check_gate(result, sample, seed)
    if failed:
        raise BotError("Below the thresholds: " + ", ".join(failed) + ".")


@cli.command("bench")
@click.option("--chunks", "scales", type=int, multiple=True,
              help="Corpus sizes to measure (repeat the option or give several values). Default: 10000, unless "
                   "--library is given.")
@click.argument("more", nargs=-1, type=int)
@click.option("--questions", type=int, default=300, show_default=True)
@click.option("--real-sample", type=int, default=64, show_default=True, help="Chunks embedded with the real model.")
@click.option("--server/--no-server", default=True, show_default=True,
              help="Also serve each store through a `chroma run` server on 127.0.0.1.")
@click.option("--clients", type=int, default=20, show_default=True,
              help="Parallel gradio_client users against `bot serve` (0: skip the web load).")
@click.option("--rounds", type=int, default=5, show_default=True, help="Questions each web client asks.")
@click.option("--library", is_flag=True,
              help="Measure a library of real reports with the real embedder, in fresh stores under "
                   "BOT_DATA_DIR/bench/library-*: ingest of a --sample of --reports-dir (reports/min, chunks/s, time "
                   "to all indexed and all embedded); the sample's longest report uploaded in a headless Chromium "
                   "to `bot serve` → seconds to the first /ask answer citing it and to done; page load and picker "
                   "with --picker-reports synthetic reports; --clients users × --rounds, then the same users "
                   "while a .zip of the sample ingests. Without --chunks, only these.")
@click.option("--reports-dir", type=click.Path(path_type=Path), default=Path("../shared/eval-data/reports-dev"),
              show_default=True, help="--library: reports in the reports-dev layout (docs.json, docs/SECTOR/*.txt).")
@click.option("--sample", type=int, default=20, show_default=True, help="--library: reports drawn from --reports-dir.")
@click.option("--seed", type=int, default=0, show_default=True, help="--library: seed of the sample.")
@click.option("--picker-reports", type=int, default=400, show_default=True,
              help="--library: small synthetic reports served for the page-load and picker measurement.")
@click.option("--part", "parts", multiple=True, type=click.Choice(["ingest", "upload", "page", "load"]),
              help="--library: only these parts (repeatable; default all).")
@click.option("--scale-store", type=click.Path(path_type=Path, file_okay=False),
              help="A data dir holding a large library (e.g. BOT_DATA_DIR/bench/reports-all-0 of `bot eval --benchmark "
                   "reports`): time a new long report from --reports-dir takes to be indexed and cited there, in process "
                   "and uploaded in Chromium to `bot serve` on it (the report is removed again). Without --chunks or "
                   "--library, only this.")
@click.option("--page-store", type=click.Path(path_type=Path, file_okay=False),
              help="A data dir holding a large library: serve it as it is and time page load and picker in Chromium.")
@click.option("--json", "json_out", type=click.Path(path_type=Path),
              help="Write the figures as JSON, with a .md (and, for --chunks, a .png) beside it.")
def bench_cmd(scales, more, questions, real_sample, server, clients, rounds, library, reports_dir, sample, seed,
              picker_reports, parts, scale_store, page_store, json_out):
    """Speed and memory at several corpus sizes (offline mode), or of a library of real reports (--library);
    stores under BOT_DATA_DIR/bench/."""
    from evals import bench

    settings = _settings()
    say = lambda m: click.echo(m, err=True)  # noqa: E731
    sizes = list(scales) + list(more) or ([] if library or scale_store or page_store else [10000])
    result = {"machine": bench.cpu_note(), "scales": []}
    for n in sizes:
        s = Settings.from_env(settings.environ, data_dir=settings.data_dir / "bench" / f"scale-{n}")
        result["scales"].append(bench.run_scale(s, n, questions, real_sample, server, say))
    if clients and sizes:  # --library measures its own users, with and without an ingest running
        result["web"] = bench.web_load(settings.data_dir / "bench" / "web", clients, rounds, say)
    if library:
        from evals import bench_library

        result["library"] = bench_library.run(settings, reports_dir, sample, seed, picker_reports, clients, rounds,
                                              tuple(parts) or bench_library.PARTS, say)
    if scale_store:
        from evals import bench_library

        longest = max((reports_dir / "docs").rglob("*.txt"), key=lambda p: p.stat().st_size)
        with bench_library.chromium() as browser:  # first: `bot serve` must be the only process with the store
            result["upload_at_scale"] = bench_library.upload_at_scale(scale_store, longest, browser, say)
        result["index_at_scale"] = bench_library.index_at_scale(scale_store, longest, say)
    if page_store:
        from evals import bench_library

        with bench_library.chromium() as browser:
            result["page_at_scale"] = bench_library.page_on_store(page_store, browser, say)
    click.echo(bench.markdown(result))
    if json_out:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
        json_out.with_suffix(".md").write_text(bench.markdown(result), encoding="utf-8")
        if result["scales"]:
            bench.plot(result, json_out.with_suffix(".png"))
    if library and result["library"]["failed_parts"]:
        raise BotError(f"--library parts failed: {', '.join(result['library']['failed_parts'])} (the errors are in "
                       "the report).")


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=7860, show_default=True, type=int)
def serve_cmd(host, port):
    """Serve the web chat (ingests the corpus first if the store is empty)."""
    import os

    settings = _settings()
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("GRADIO_TEMP_DIR", str(settings.path("gradio-tmp", "x").parent))
    lib = _library()
    lib.claim_writes()  # uploads write to the store: no `bot ingest` beside it on the same embedded store
    if not lib.sources():
        click.echo(f"The store is empty: ingesting {settings.corpus_dir} …", err=True)
        ingest_into(lib, [settings.corpus_dir])
    from .answer import Engine
    from .web import serve

    click.echo(f"研报助手 is serving at http://{host}:{port}  (Ctrl+C to stop)", err=True)
    serve(Engine(lib), settings.data_dir, host, port)


@cli.group("user")
def user_group():
    """Web-chat users (adding one turns login on)."""


@user_group.command("add")
@click.argument("name")
@click.option("--admin", is_flag=True, help="May upload reports.")
@click.password_option(envvar="BOT_NEW_USER_PASSWORD")
def user_add(name, admin, password):
    from .users import Users

    Users(_settings().path("users.sqlite")).add(name, password, admin)
    click.echo(f"user {name} saved{' (admin)' if admin else ''}; the web chat now asks for a login")


@user_group.command("remove")
@click.argument("name")
def user_remove(name):
    from .users import Users

    if not Users(_settings().path("users.sqlite")).remove(name):
        raise BotError(f"No user named {name!r}.")
    click.echo(f"user {name} removed")


@user_group.command("list")
def user_list():
    from .users import Users

    for name, admin in Users(_settings().path("users.sqlite")).names():
        click.echo(f"{name}{'  (admin)' if admin else ''}")


@cli.command("config")
def config_cmd():
    """Show the settings and the environment variables that set them."""
    s = _settings()
    for env, default, help in Settings.describe():
        click.echo(f"{env:24} {help}  (default: {default})")
    click.echo(f"\ndata dir: {s.data_dir.resolve()}  store: {s.chroma_url or 'embedded'}  embedder: {s.embedder}")


def main(argv=None) -> None:
    import os

    # matplotlib keeps a font cache; like everything the product writes, it belongs under BOT_DATA_DIR
    os.environ.setdefault("MPLCONFIGDIR", str(Path(os.environ.get("BOT_DATA_DIR") or ".bot") / "cache" / "matplotlib"))
    try:
        cli.main(args=argv, prog_name="bot", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.ClickException as e:
        click.echo(f"Error: {e.format_message()}", err=True)
        sys.exit(e.exit_code)
    except click.exceptions.Exit as e:
        sys.exit(e.exit_code)
    except BotError as e:
        click.echo(f"Error: {e}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)
    except Exception as e:  # the last boundary: a bug; log the traceback, show one line
        log = _log_crash()
        click.echo(f"Internal error ({type(e).__name__}); details in {log}.", err=True)
        sys.exit(2)


def _log_crash() -> str:
    try:
        path = Settings.from_env().path("logs", "errors.log")
        with open(path, "a", encoding="utf-8") as f:
            f.write(traceback.format_exc() + "\n")
        return str(path)
    except Exception:
        return "(no log: the data dir is not writable)"


if __name__ == "__main__":
    main()
