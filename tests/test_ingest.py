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
    lib.store.facts.delete(ids=[doc])
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
