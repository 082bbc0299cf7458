"""Estimates of any report, end to end: found at ingest, kept with the report, rebuilt, reconciled and varied in
answers. The fixture report is made up (broker, companies and figures invented) and shaped like PDF text."""
from __future__ import annotations

import json
import shutil

import pytest

from support import ROOT, make_settings

FIXTURE = ROOT / "tests" / "fixtures" / "estimates"


@pytest.fixture(scope="module")
def sized(tmp_path_factory, embedder):
    from bot.answer import Engine
    from bot.library import Library

    folder = tmp_path_factory.mktemp("estimates")
    for src in FIXTURE.iterdir():
        shutil.copy(src, folder / src.name)
    lib = Library(make_settings(tmp_path_factory.mktemp("estimates-data")), embedder=embedder)
    summary = lib.ingest([folder])
    assert summary.failed == []
    return lib, Engine(lib)


def _by_result(lib, text):
    [r] = lib.sources()
    return next(d for d in lib.estimates([r.doc_id]) if d.result.text.startswith(text))


def test_estimates_are_found_at_ingest_with_their_inputs_and_chunks(sized):
    lib, _ = sized
    [r] = lib.sources()
    found = {d.result.text: d for d in lib.estimates([r.doc_id])}
    assert set(found) == {"60亿元", "90亿元", "120亿元"}  # not the 2亿元 of 「同比增长20%，对应…」: a change is no share
    cleaning = found["60亿元"]
    assert cleaning.operation == "quantity_x_price"
    assert [t.text for t in cleaning.inputs] == ["1.5万台", "40万元"]
    assert found["120亿元"].operation == "product_of_sum" and len(found["120亿元"].summed) == 2
    chunks = lib.store.get_chunks([t.chunk_id for d in found.values() for t in (d.result, *d.inputs)])
    for d in found.values():
        for t in (d.result, *d.inputs):
            assert t.quote in chunks[t.chunk_id].text  # every quote is cited from a chunk that holds it


def test_rebuild_verdicts(sized):
    from bot.tools.rebuild import rebuild

    lib, _ = sized
    assert rebuild(_by_result(lib, "60亿元")).verdict == "agrees"
    assert rebuild(_by_result(lib, "120亿元")).verdict == "agrees"
    differs = rebuild(_by_result(lib, "90亿元"))
    assert differs.verdict == "differs"  # 800亿 × 30% × 25–45%: mid 84亿, not 90亿
    assert "84亿元" in differs.message
    implied = {k: v for k, v in differs.implied.items() if "渗透率" in k}
    assert [str(v.value) for v in implied.values()] == ["37.5"]


def test_size_question_leads_with_the_stated_figure_and_its_check(sized):
    _, engine = sized
    ans = engine.ask("2025年内镜清洗设备市场空间有多大？")
    first = ans.answer.splitlines()[0]
    assert "60亿元" in first and "一致" in first and "[1]" in first
    assert "1.5万台" in ans.answer and "40万元" in ans.answer
    assert ans.citations and all(c.quote in ans.answer for c in ans.citations)


def test_check_question_gives_the_implied_input(sized):
    _, engine = sized
    ans = engine.ask("国产玻尿酸市场空间90亿元是怎么算出来的？")
    assert "不一致" in ans.answer.splitlines()[0]
    assert "37.5%" in ans.answer and "84亿元" in ans.answer


@pytest.mark.parametrize("question, result", [
    ("如果单台均价为50万元，内镜清洗设备市场空间有多大？", "75亿元"),
    ("假设国产品牌渗透率提高到50%，国产玻尿酸市场空间是多少？", "120亿元"),
    ("If the unit price is 50万元, how big is the market for 内镜清洗设备?", "75亿元"),
])
def test_what_if_by_the_inputs_own_name(sized, question, result):
    _, engine = sized
    ans = engine.ask(question)
    first = ans.answer.splitlines()[0]
    assert result in first, ans.answer
    assert "用户假设" in ans.answer or "your assumption" in ans.answer


def test_a_store_written_before_estimates_gets_them_on_first_use(sized):
    lib, _ = sized
    [r] = lib.sources()
    doc = json.loads(lib.store.report_figures([r.doc_id])[r.doc_id])
    assert len(doc["estimates"]) == 3  # ingest stores them with the figures
    lib.store.put_facts([r.doc_id], [json.dumps(doc["figures"], ensure_ascii=False)])  # the old format: a list
    lib._invalidate()
    assert len(lib.estimates([r.doc_id])) == 3  # found again from the text, in memory
    assert lib.figures([r.doc_id])
