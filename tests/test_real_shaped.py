"""A second corpus, from other sectors and shaped like PDF text (one line, page furniture inline, a
disclaimer tail): the user-visible answers must hold there too, not only on the two seed clippings.
The fixture reports are made up (companies, brokers and figures invented for the tests)."""
from __future__ import annotations

import re
import shutil

import pytest

from support import CORPUS, ROOT, make_settings

PDF_REPORTS = ROOT / "tests" / "fixtures" / "pdf-reports"
FURNITURE = re.compile(r"请务必阅读|谨请参阅|免责声明|分析师声明|评级标准|\.{6,}")


@pytest.fixture(scope="module")
def mixed(tmp_path_factory, embedder):
    from bot.answer import Engine
    from bot.library import Library

    folder = tmp_path_factory.mktemp("mixed")
    for src in list(CORPUS.iterdir()) + list(PDF_REPORTS.iterdir()):
        shutil.copy(src, folder / src.name)
    lib = Library(make_settings(tmp_path_factory.mktemp("mixed-data")), embedder=embedder)
    summary = lib.ingest([folder])
    return lib, Engine(lib), summary


def first_line(ans) -> str:
    return ans.answer.splitlines()[0]


def test_pdf_shaped_reports_ingest_whole_with_their_furniture_gone(mixed):
    lib, _, summary = mixed
    assert summary.failed == [] and summary.added == 4
    for name in (p.name for p in PDF_REPORTS.iterdir()):
        rules = summary.cleaning[name]["rules"]
        assert {"page-furniture", "disclaimer-tail"} <= set(rules), rules
    for r in lib.sources():
        text = lib.report_text(r)
        assert not FURNITURE.search(text), (r.source, FURNITURE.search(text).group())
    qh = next(r for r in lib.sources() if r.source.startswith("青禾"))
    assert "2020年公司实现营业收入12.6亿元，同比增长31.5%" in lib.report_text(qh)


@pytest.mark.parametrize("question, number, source", [
    ("青禾医疗2020年的营业收入是多少？", "12.6亿元", "青禾"),
    ("青禾医疗2020年归母净利润是多少", "3.1亿元", "青禾"),
    ("2020年全球智能手机出货量是多少？", "12.9亿部", "电子行业月报"),
    ("2021年全球5G手机出货量预计是多少？", "5.5亿部", "电子行业月报"),
    ("国内软式内镜市场规模2020年是多少？", "58亿元", "青禾"),
])
def test_single_fact_questions_lead_with_the_number_from_the_report_that_states_it(mixed, question, number, source):
    _, engine, _ = mixed
    ans = engine.ask(question)
    assert not ans.refused, ans.answer
    assert number in first_line(ans), ans.answer
    assert ans.citations[0].source.startswith(source)
    assert "各报告的相关内容" not in ans.answer  # one question, one answer
    assert "（）" not in ans.answer and "()" not in ans.answer


@pytest.mark.parametrize("question", [
    "贵州茅台2020年的营业收入是多少？",  # a company no report mentions
    "青禾医疗2035年的营业收入是多少？",  # a year no report gives
    "青禾医疗的目标价是多少？",  # a figure the report does not state
])
def test_absent_companies_and_facts_are_refused(mixed, question):
    _, engine, _ = mixed
    ans = engine.ask(question)
    assert ans.refused, ans.answer
    assert "Sora" not in ans.answer or "Sora" in " ".join(r.title for r in engine.library.sources())


def test_a_question_naming_a_report_is_answered_from_it(mixed):
    _, engine, _ = mixed
    ans = engine.ask("请总结《电子行业月报：手机出货回暖，面板涨价延续》的主要观点")
    assert ans.citations and {c.source for c in ans.citations} == {"电子行业月报：手机出货回暖，面板涨价延续.txt"}
    ans = engine.ask("青禾医疗（688001）的毛利率是多少？")
    assert "71.2%" in first_line(ans) and ans.citations[0].source.startswith("青禾")


def test_no_quote_holds_page_furniture(mixed):
    _, engine, _ = mixed
    for q in ("面板价格会涨到什么时候？", "青禾医疗有哪些风险？", "5G手机渗透率是多少", "软式内镜的国产替代空间"):
        for c in engine.ask(q).citations:
            assert not FURNITURE.search(c.quote), (q, c.quote)


def test_comparing_two_brokers_quotes_only_their_reports(mixed):
    _, engine, _ = mixed
    brokers = sorted(engine.library.brokers())
    assert {"北辰证券", "东海岳证券"} <= set(brokers)
    ans = engine.ask("比较北辰证券和东海岳证券的观点")
    assert not ans.refused and "各报告的相关内容" in ans.answer
    assert {c.broker for c in ans.citations} <= {"北辰证券", "东海岳证券"}
