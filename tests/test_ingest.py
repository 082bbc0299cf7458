import shutil

import pytest

from bot.errors import ModelMismatchError
from support import CITIC, CORPUS, HUAXIN, copy_corpus


def _chunk_state(lib):
    return sorted(lib.store.chunk_records().items())


def test_reingest_adds_nothing_and_changes_replace(tmp_path, fresh_library):
    corpus = copy_corpus(tmp_path / "corpus")
    lib = fresh_library()
    first = lib.ingest([corpus])
    assert (first.added, first.failed) == (2, [])
    before = _chunk_state(lib)
    again = lib.ingest([corpus])
    assert (again.added, again.unchanged, again.replaced, again.chunks_added) == (0, 2, 0, 0)
    assert _chunk_state(lib) == before

    f = corpus / CITIC.name
    f.write_text(f.read_text(encoding="utf-8").replace("一分钟", "两分钟"), encoding="utf-8")
    changed = lib.ingest([corpus])
    assert (changed.replaced, changed.unchanged) == (1, 1)
    assert len(lib.store.chunk_records()) == sum(r.chunks for r in lib.sources())
    hits = lib.search("Sora能生成多长的视频", k=3)
    assert any("两分钟" in h.chunk.text for h in hits)
    assert not any("一分钟" in h.chunk.text and h.report.source == CITIC.name for h in lib.search("一分钟", k=20))


def test_remove_deletes_chunks_and_bm25_entries(fresh_library):
    lib = fresh_library()
    lib.ingest([CORPUS])
    removed = lib.remove(HUAXIN.name)
    assert removed.broker == "华鑫证券"
    assert [r.broker for r in lib.sources()] == ["中信证券"]
    assert all(d == lib.sources()[0].doc_id for d in lib.store.chunk_records().values())
    assert len(lib.lexical) == len(lib.store.chunk_records())
    assert lib.search("国资委 中央企业", k=5, mode="bm25") == [] or all(
        h.report.broker == "中信证券" for h in lib.search("国资委 中央企业", k=5, mode="bm25"))


def test_gb18030_copy_is_recognised_as_the_same_report(tmp_path, fresh_library):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(HUAXIN, folder / HUAXIN.name)
    (folder / "copy-gb18030.txt").write_bytes(HUAXIN.read_text(encoding="utf-8").encode("gb18030"))
    s = fresh_library().ingest([folder])
    assert (s.added, s.duplicates, s.failed) == (1, 1, [])


def test_bad_files_fail_by_name_and_others_are_ingested(tmp_path, fresh_library):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(CITIC, folder / "报告 (1) 中信.txt")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "fake.pdf").write_text("nope")
    s = fresh_library().ingest([folder, tmp_path / "missing.txt"])
    assert s.added == 1
    assert sorted(name for name, _ in s.failed) == sorted(["empty.txt", "fake.pdf", str(tmp_path / "missing.txt")])


def test_killed_ingest_rerun_gives_a_clean_state(tmp_path, fresh_library, embedder):
    """Simulate a kill after some chunks were written but before the report record: a re-run repairs it."""
    corpus = copy_corpus(tmp_path / "corpus")
    lib = fresh_library()
    lib.ingest([corpus])
    clean = _chunk_state(lib)
    doc = lib.find(CITIC.name)
    lib.store.reports.delete(ids=[doc.doc_id])  # the commit mark never got written
    keep = lib.store.doc_chunk_ids(doc.doc_id)[:3]
    lib.store.chunks.delete(ids=[c for c in lib.store.doc_chunk_ids(doc.doc_id) if c not in keep])
    s = fresh_library().ingest([corpus])
    assert (s.added, s.unchanged) == (1, 1)
    lib2 = fresh_library()
    assert _chunk_state(lib2) == clean
    assert sorted(lib2.lexical.ids) == sorted(c for c, _ in clean)


def test_opening_with_another_model_is_refused(fresh_library, embedder):
    lib = fresh_library()
    lib.ingest([CITIC])

    class Other:
        name, dim = "other/model", 8

    from bot.store import Store

    with pytest.raises(ModelMismatchError, match="bot ingest --reindex"):
        Store(lib.settings, Other.name, Other.dim)
    # --reindex drops the old collections and accepts the new model
    Store(lib.settings, Other.name, Other.dim, reset=True)


def test_bm25_index_is_persisted_and_reloaded(fresh_library):
    lib = fresh_library()
    lib.ingest([CORPUS])
    again = fresh_library()
    assert again.lexical.fingerprint == lib.lexical.fingerprint
    assert not again.sync_lexical()  # loaded, not rebuilt


def test_missing_figures_are_extracted_again(fresh_library):
    """A store from before figures had their own collection still answers numbers (and is repaired)."""
    from bot.answer import Engine

    lib = fresh_library()
    lib.ingest([CITIC])
    doc = lib.find(CITIC.name).doc_id
    lib.store._delete_parts([doc], "facts")
    lib2 = fresh_library()
    a = Engine(lib2).ask("2030年AIGC监管市场规模有多大？", mode="extractive")
    assert "574.55" in a.answer
    assert lib2.store.report_figures([doc])  # written back


def test_new_metadata_for_unchanged_text_rewrites_the_report(tmp_path, embedder):
    import json

    from bot.library import Library
    from support import make_settings

    folder = tmp_path / "docs"
    folder.mkdir()
    f = folder / "note.txt"
    f.write_text("某行业报告\n本报告认为行业需求持续恢复，市场规模稳步增长，龙头公司受益明显。", encoding="utf-8")
    lib = Library(make_settings(tmp_path / "data"), embedder=embedder)
    assert lib.ingest([folder]).added == 1
    assert lib.ingest([folder]).unchanged == 1
    (folder / "note.txt.meta.json").write_text(json.dumps({"broker": "华泰证券", "date": "2021-05-01"}), encoding="utf-8")
    again = lib.ingest([folder])
    assert again.replaced == 1
    (r,) = lib.sources()
    assert (r.broker, r.date) == ("华泰证券", "2021-05-01")


class GatedEmbedder:
    """The real embedder, held at a gate: a test can look at the library between the two ingest passes."""

    def __init__(self, inner, fail: BaseException | None = None):
        import threading

        self.inner, self.name, self.dim = inner, inner.name, inner.dim
        self.gate = threading.Event()
        self.fail = fail

    def embed_documents(self, texts):
        assert self.gate.wait(120), "the test never opened the gate"
        if self.fail is not None:
            raise self.fail
        return self.inner.embed_documents(texts)

    def embed_query(self, text):
        return self.inner.embed_query(text)


def _ingest_in_background(lib, paths, **options):
    import threading

    states, box = [], {}

    def run():
        box["summary"] = lib.ingest(paths, on_file=lambda name, state, detail="": states.append((name, state)), **options)

    t = threading.Thread(target=run)
    t.start()
    return t, states, box


def _wait_for(predicate, seconds=60):
    import time

    deadline = time.time() + seconds
    while not predicate():
        assert time.time() < deadline, "timed out"
        time.sleep(0.05)


def test_new_reports_are_searchable_by_keywords_before_they_are_embedded(tmp_path, embedder):
    """First pass: chunks pending, records `indexed`, BM25 finds them and answers cite them (with a note);
    second pass: vectors written, pending emptied, status `embedded`, dense search finds them too."""
    from bot.answer import Engine
    from bot.library import Library
    from support import make_settings

    gated = GatedEmbedder(embedder)
    lib = Library(make_settings(tmp_path / "lib"), embedder=gated)
    t, states, box = _ingest_in_background(lib, [CORPUS])
    _wait_for(lambda: sum(s == "indexed" for _, s in states) == 2)
    assert sorted(r.status for r in lib.pending()) == ["indexed", "indexed"]
    assert lib.store.count() == 0 and lib.store.pending_count() > 0
    assert lib.search("AIGC监管市场规模", mode="bm25")
    ans = Engine(lib).ask("2030年AIGC监管市场规模有多大？")
    assert "574.55" in ans.answer.splitlines()[0] and ans.citations
    assert any("still being indexed" in n for n in ans.notes)
    for c in ans.citations:
        assert lib.report_text(lib.find(c.doc_id))[c.start:c.end] == c.quote
    gated.gate.set()
    t.join(300)
    assert box["summary"].added == 2 and not box["summary"].failed
    assert [s for n, s in states if n == CITIC.name] == ["reading", "indexed", "embedded"]
    assert lib.pending() == [] and lib.store.pending_count() == 0
    assert lib.store.count() == sum(r.chunks for r in lib.sources())
    assert lib.search("AIGC监管市场规模", mode="dense")
    assert not any("still being indexed" in n for n in Engine(lib).ask("2030年AIGC监管市场规模有多大？").notes)


def test_cancelled_ingest_leaves_nothing_partial(tmp_path, embedder):
    import threading

    from bot.library import Library
    from support import make_settings

    lib = Library(make_settings(tmp_path / "lib"), embedder=embedder)
    lib.ingest([HUAXIN])
    before = (lib.store.chunk_records(), sorted(lib.lexical.ids))
    stop = threading.Event()
    gated = GatedEmbedder(embedder)
    lib2 = Library(make_settings(tmp_path / "lib"), embedder=gated)
    t, states, box = _ingest_in_background(lib2, [CITIC, HUAXIN], cancelled=stop.is_set)
    _wait_for(lambda: (CITIC.name, "indexed") in states)
    assert lib2.search("投资主线", mode="bm25")  # searchable while it waits
    stop.set()
    gated.gate.set()
    t.join(120)
    assert box["summary"].cancelled == 1 and (CITIC.name, "cancelled") in states
    assert [r.source for r in lib2.sources()] == [HUAXIN.name]  # the finished report stays
    assert (lib2.store.chunk_records(), sorted(lib2.lexical.ids)) == before


def test_interrupted_embedding_resumes_without_duplicates(tmp_path, embedder):
    """Stopped between the passes (Ctrl+C, a kill): the reports stay searchable by keywords; the next run embeds
    them and ends in the same state as an uninterrupted ingest."""
    from bot.library import Library
    from support import make_settings

    clean = Library(make_settings(tmp_path / "clean"), embedder=embedder)
    clean.ingest([CORPUS])
    gated = GatedEmbedder(embedder, fail=KeyboardInterrupt())
    gated.gate.set()
    lib = Library(make_settings(tmp_path / "lib"), embedder=gated)
    with pytest.raises(KeyboardInterrupt):
        lib.ingest([CORPUS])
    assert sorted(r.status for r in lib.sources()) == ["indexed", "indexed"]
    assert lib.search("投资主线", mode="bm25")
    again = Library(make_settings(tmp_path / "lib"), embedder=embedder)
    s = again.ingest([CORPUS])
    assert (s.resumed, s.added, s.unchanged) == (2, 0, 0)
    assert again.store.chunk_records() == clean.store.chunk_records()
    assert sorted(again.lexical.ids) == sorted(clean.lexical.ids)
    assert {r.status for r in again.sources()} == {"embedded"} and again.store.pending_count() == 0
    assert again.ingest([CORPUS]).unchanged == 2


def test_new_reports_join_bm25_as_a_delta_scored_like_the_main_index(tmp_path, embedder):
    """The first pass adds a report's chunks to BM25 without rebuilding the index: they are found, ranked as a
    full rebuild would rank them, a replaced report's old chunks stop counting, and the next sync folds them in."""
    from bot.library import Library
    from support import make_settings

    gated = GatedEmbedder(embedder)
    gated.gate.set()
    lib = Library(make_settings(tmp_path / "lib"), embedder=embedder)
    lib.ingest([HUAXIN])
    main_ids = set(lib.lexical.ids)
    lib.embedder = lib.retriever.embedder = gated
    gated.gate.clear()
    t, states, _ = _ingest_in_background(lib, [CITIC])
    _wait_for(lambda: (CITIC.name, "indexed") in states)
    assert lib.lexical.has_delta and set(lib.lexical.ids) > main_ids
    query = "中信证券提出了哪些投资主线？"
    during = [cid for cid, _ in lib.lexical.search(query, 5)]
    doc = lib.find(CITIC.name).doc_id
    assert during and lib.store.get_chunks(during[:1])[during[0]].doc_id == doc
    assert all(t in lib.lexical.vocab for t in lib.tokenizer("投资主线")) and set(lib.lexical.chunks_of([doc])) == {
        c for c, d in lib.store.chunk_records().items() if d == doc}
    gated.gate.set()
    t.join(300)
    assert not lib.lexical.has_delta  # folded into the main index once embedded
    after = [cid for cid, _ in lib.lexical.search(query, 5)]
    assert during[0] == after[0]  # the delta ranked the best chunk as the full index does


def test_a_replaced_report_is_searched_in_its_new_version_only(tmp_path, embedder):
    from bot.library import Library
    from support import make_settings

    folder = tmp_path / "docs"
    folder.mkdir()
    f = folder / "note.txt"
    f.write_text("某行业报告\n本报告认为青禾材料的需求持续恢复，龙头公司受益明显。", encoding="utf-8")
    gated = GatedEmbedder(embedder)
    gated.gate.set()
    lib = Library(make_settings(tmp_path / "lib"), embedder=gated)
    lib.ingest([folder])
    old = set(lib.lexical.ids)
    assert {c for c, _ in lib.lexical.search("青禾", 5)} == old
    gated.gate.clear()
    f.write_text("某行业报告\n本报告认为紫藤材料的产能快速扩张，价格承压。", encoding="utf-8")
    t, states, _ = _ingest_in_background(lib, [folder])
    _wait_for(lambda: ("note.txt", "indexed") in states)
    assert lib.lexical.search("紫藤", 5) and not lib.lexical.search("青禾", 5)  # the old version stopped counting
    assert not old & set(lib.lexical.ids) and not old & set(lib.lexical.chunks_of([lib.find("note.txt").doc_id]))
    gated.gate.set()
    t.join(120)
    assert lib.lexical.search("紫藤", 5) and not lib.lexical.search("青禾", 5)


def test_a_store_of_the_old_layout_is_moved_when_opened(tmp_path, embedder):
    """Report texts used to be the documents of `NAME-reports` (figures in `NAME-facts`); every write there cost
    seconds in a large library. Such a store is moved once, on open, to the catalog + texts-in-parts layout:
    same reports, texts, figures, revision; the old collections are gone; answers unchanged."""
    from bot.answer import Engine
    from bot.library import Library
    from bot.store import PART_CHARS
    from support import make_settings

    settings = make_settings(tmp_path / "lib")
    lib = Library(settings, embedder=embedder)
    lib.ingest([CORPUS])
    store = lib.store
    reports = store.list_reports()
    texts = {r.doc_id: store.report_text(r.doc_id) for r in reports}
    figures = store.report_figures([r.doc_id for r in reports])
    assert all(len(t) > PART_CHARS for t in texts.values())  # each text really is in several parts
    answer = Engine(lib).ask("2030年AIGC监管市场规模有多大？", mode="extractive").answer
    token = store.revision_token()
    # write the old layout by hand, drop the new collections
    client, name = store._client, settings.collection
    meta = {"embed_model": store.embed_name, "embed_dim": store.embed_dim, "revision": token}
    old = client.create_collection(f"{name}-reports", embedding_function=None, metadata=meta)
    facts = client.create_collection(f"{name}-facts", embedding_function=None, metadata=meta)
    ids = [r.doc_id for r in reports]
    got = store.reports.get(ids=ids, include=["metadatas", "embeddings"])
    old.add(ids=got["ids"], metadatas=got["metadatas"], embeddings=got["embeddings"],
            documents=[texts[i] for i in got["ids"]])
    facts.add(ids=ids, documents=[figures[i] for i in ids], embeddings=got["embeddings"])
    for part in ("catalog", "texts"):
        client.delete_collection(f"{name}-{part}")

    moved = Library(settings, embedder=embedder)
    names = {c.name for c in moved.store._client.list_collections()}
    assert {f"{name}-reports", f"{name}-facts"}.isdisjoint(names) and f"{name}-catalog" in names
    assert [(r.doc_id, r.content_hash, r.status) for r in moved.sources()] == [
        (r.doc_id, r.content_hash, r.status) for r in reports]
    assert {r.doc_id: moved.store.report_text(r.doc_id) for r in reports} == texts
    assert moved.store.report_figures(ids) == figures
    assert moved.store.revision_token() == token
    assert Engine(moved).ask("2030年AIGC监管市场规模有多大？", mode="extractive").answer == answer
    assert moved.ingest([CORPUS]).unchanged == 2  # the records still mark the reports complete


def test_estimates_kept_by_an_older_detector_are_found_again(tmp_path, fresh_library):
    """A store keeps each report's estimates with a digest of the code that found them; after an upgrade that
    changed that code, they are found again from the report's text on first use — not served stale."""
    import json

    from bot.library import Library

    report = tmp_path / "甲证券：某设备行业报告.txt"
    report.write_text("某设备行业报告\n预计2025年国内新增装机约1.5万台，按单台均价40万元测算，对应市场空间约60亿元。\n",
                      encoding="utf-8")
    lib = fresh_library()
    lib.ingest([report])
    doc_id = lib.sources()[0].doc_id
    assert [d.result.text for d in lib.estimates([doc_id])] == ["60亿元"]
    stale = json.loads(lib.store.report_figures([doc_id])[doc_id])
    lib.store.put_facts([doc_id], [json.dumps({**stale, "estimates": [], "detector": "an older one"})])
    again = Library(lib.settings, embedder=lib.embedder)
    assert [d.result.text for d in again.estimates([doc_id])] == ["60亿元"]
    lib.store.put_facts([doc_id], [json.dumps({**stale, "estimates": []})])  # this code's own record is trusted
    assert Library(lib.settings, embedder=lib.embedder).estimates([doc_id]) == []
