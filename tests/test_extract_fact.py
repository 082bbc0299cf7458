"""Which sentence leads a single-fact answer, on invented passages (no store: hits built by hand)."""
from __future__ import annotations

import pytest

from bot.answer.analysis import analyse
from bot.answer.extractive import extract_fact
from bot.lexical import Tokenizer
from bot.types import Chunk, Hit, ReportMeta


@pytest.fixture(scope="module")
def tokenize(tmp_path_factory):
    return Tokenizer(tmp_path_factory.mktemp("jieba"))


def hit(doc: str, title: str, text: str, score: float) -> Hit:
    report = ReportMeta(doc_id=doc, title=title, source=f"{title}.txt")
    return Hit(chunk=Chunk(chunk_id=f"{doc}-0", doc_id=doc, text=text, start=0, end=len(text)), report=report,
               score=score)


def test_a_sentence_naming_the_part_of_the_year_asked_leads_over_a_whole_year_figure(tokenize):
    """Asked for 前三季度, the sentence giving the whole year's 营收 (better ranked, subject named) must not lead."""
    q = "甲乙科技2020年前三季度的营业收入是多少？"
    year = hit("a", "甲乙科技深度报告", "甲乙科技2020年全年实现营业收入9.1亿元（+27.1%），净利润3.2亿元。", 1.0)
    part = hit("b", "甲乙科技三季报点评", "2020年前三季度，公司实现营业收入6.4亿元，同比增长17.4%。", 0.5)
    chosen, _ = extract_fact(analyse(q), q, [year, part], tokenize)
    assert "6.4亿元" in chosen[0].sentence.text
    # no part of the year asked: the better-ranked whole-year sentence leads as before
    q2 = "甲乙科技2020年的营业收入是多少？"
    chosen, _ = extract_fact(analyse(q2), q2, [year, part], tokenize)
    assert "9.1亿元" in chosen[0].sentence.text


def test_a_report_the_question_names_leads_among_sentences_stating_the_fact(tokenize):
    """Two reports state 甲乙科技's 2020 营收; the one whose title names the company (the question names it) leads,
    but not over another report's sentence when its own does not state the fact."""
    q = "甲乙科技2020年的营业收入是多少？"
    other = hit("a", "某行业年度策略", "甲乙科技2020年营业收入约9亿元，行业排名第二。", 1.0)
    own = hit("b", "甲乙科技（600000）年报点评", "2020年公司实现营业收入9.12亿元，同比增长27%。", 0.5)
    assert "9亿元" in extract_fact(analyse(q), q, [other, own], tokenize)[0][0].sentence.text
    assert "9.12亿元" in extract_fact(analyse(q), q, [other, own], tokenize, prefer={"b"})[0][0].sentence.text
    vague = hit("c", "甲乙科技（600000）调研纪要", "公司经营稳健，渠道持续扩张。", 0.5)
    assert "9亿元" in extract_fact(analyse(q), q, [other, vague], tokenize, prefer={"c"})[0][0].sentence.text


def test_a_report_on_the_company_asked_about_leads_among_sentences_stating_the_fact(tokenize):
    """When the question names no report, a report on the company its subject names (`about`: 「甲乙科技（600000）…」)
    still leads among sentences stating the whole fact — after a report the question names, and never with a
    sentence that does not state the fact."""
    q = "甲乙科技2020年的营业收入是多少？"
    other = hit("a", "某行业年度策略", "甲乙科技2020年营业收入约9亿元，行业排名第二。", 1.0)
    own = hit("b", "甲乙科技（600000）年报点评", "2020年甲乙科技实现营业收入9.12亿元，同比增长27%。", 0.5)
    named = hit("d", "某公司首次覆盖", "甲乙科技2020年营业收入为9.05亿元。", 0.4)
    assert "9亿元" in extract_fact(analyse(q), q, [other, own], tokenize)[0][0].sentence.text
    assert "9.12亿元" in extract_fact(analyse(q), q, [other, own], tokenize, about={"b"})[0][0].sentence.text
    lead = extract_fact(analyse(q), q, [other, own, named], tokenize, prefer={"d"}, about={"b"})[0][0]
    assert "9.05亿元" in lead.sentence.text
    vague = hit("c", "甲乙科技（600000）调研纪要", "公司经营稳健，渠道持续扩张。", 0.5)
    assert "9亿元" in extract_fact(analyse(q), q, [other, vague], tokenize, about={"c"})[0][0].sentence.text
