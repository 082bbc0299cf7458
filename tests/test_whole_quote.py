"""A quote its chunk's end cut mid-sentence (a sentence too long for one chunk is split at a comma) is shown
whole: it runs on in the report to the sentence's end, never across a cleaning cut (a line break). Invented text."""
from __future__ import annotations

from bot.answer.cite import cite, whole_sentence
from bot.answer.verify import verify_citations
from bot.types import Chunk, ReportMeta

REPORT = ReportMeta(doc_id="d", title="青禾医疗深度报告", source="青禾医疗深度报告.txt")
HEAD = "公司经营稳健。2020年上半年受疫情影响较大，板块收入同比下"
TAIL = "降5.35%至818亿港元，下半年逐季恢复。"


def quote_at_chunk_end(text: str, chunk_end: int, start: int):
    return cite(1, REPORT, "c1", text[start:chunk_end], start, chunk_end)


def test_a_quote_cut_by_its_chunk_runs_on_to_its_sentence_end():
    text = HEAD + TAIL + "其余业务平稳。"
    start = HEAD.index("2020")
    c = whole_sentence(quote_at_chunk_end(text, len(HEAD), start), 0, len(HEAD), text)
    assert c.quote == text[start:len(HEAD) + len(TAIL)] and c.quote.endswith("下半年逐季恢复。")
    assert text[c.start:c.end] == c.quote


def test_it_stops_at_a_line_break_a_cut_and_leaves_whole_or_inner_quotes_alone():
    cut = HEAD + "\n" + TAIL  # cleaning removed a page header here: the sentence may not run across it
    start = HEAD.index("2020")
    assert whole_sentence(quote_at_chunk_end(cut, len(HEAD), start), 0, len(HEAD), cut).quote == HEAD[start:]
    text = HEAD + TAIL
    inner = quote_at_chunk_end(text, len(HEAD), start)
    assert whole_sentence(inner, 0, len(HEAD) + 3, text) == inner  # the chunk goes on: the quote ended for a reason
    whole = cite(1, REPORT, "c1", "公司经营稳健。", 0, 7)
    assert whole_sentence(whole, 0, 7, text) == whole
    far = HEAD + "，".join(["其余业务平稳"] * 40) + "。"  # no sentence end within reach: the quote stays short
    assert whole_sentence(quote_at_chunk_end(far, len(HEAD), start), 0, len(HEAD), far).quote == HEAD[start:]


def test_an_enumeration_item_is_whole_at_its_semicolon():
    """「；」 ends one item of an enumeration: a quote ending there reads whole, and one cut inside an item runs on
    to that item's end, not through every item after it."""
    text = "原因有二：1）新技术进入成熟期（分子诊断、精准医疗）催生新需求；2）受益新医改，诊断服务价值提升。"
    item_end = text.index("；") + 1
    at_item = cite(1, REPORT, "c1", text[:item_end], 0, item_end)
    assert whole_sentence(at_item, 0, item_end, text) == at_item
    cut = text.index("、") + 1
    c = whole_sentence(cite(1, REPORT, "c1", text[:cut], 0, cut), 0, cut, text)
    assert c.quote == text[:item_end]


def test_a_quote_a_chunk_starts_inside_grows_back_to_its_sentence_start():
    """A chunk that starts after a comma of a long sentence: the quote gains the sentence's start (its subject and
    time), not across a line break, and not past the enumeration item (「；」) it is in."""
    text = "公司经营稳健。专科药：2020年上半年收入同比减少5.35%至818亿港元，归母净利润139亿港元。"
    at = text.index("至818")
    c = whole_sentence(cite(1, REPORT, "c1", text[at:], at, len(text)), at, len(text), text)
    assert c.quote == text[text.index("专科药"):] and text[c.start:c.end] == c.quote
    cut = "公司经营稳健。专科药：2020年上半年收入同比减少5.35%\n至818亿港元，归母净利润139亿港元。"
    at = cut.index("至818")
    assert whole_sentence(cite(1, REPORT, "c1", cut[at:], at, len(cut)), at, len(cut), cut).start == at
    items = "原因有二：1）新技术进入成熟期；2）受益新医改，诊断服务价值提升。"
    at = items.index("诊断")
    assert whole_sentence(cite(1, REPORT, "c1", items[at:], at, len(items)), at, len(items), items).quote == \
        items[items.index("2）"):]


def test_verification_keeps_a_run_on_quote_only_when_it_starts_in_its_chunk_on_one_line():
    text = HEAD + TAIL
    start = HEAD.index("2020")
    chunk = Chunk("c1", "d", HEAD, 0, len(HEAD))
    run_on = whole_sentence(quote_at_chunk_end(text, len(HEAD), start), 0, len(HEAD), text)
    kept, dropped = verify_citations([run_on], {"c1": chunk}.get, lambda d: text)
    assert kept == [run_on] and dropped == 0
    outside = cite(1, REPORT, "c1", TAIL, len(HEAD), len(text))  # starts after its chunk
    broken = HEAD[start:] + "\n" + TAIL
    across = cite(2, REPORT, "c1", broken, start, start + len(broken))
    kept, dropped = verify_citations([outside, across], {"c1": chunk}.get, lambda d: HEAD + "\n" + TAIL)
    assert kept == [] and dropped == 2


def test_an_answer_leads_with_the_whole_sentence_a_long_sentence_split_across_chunks(fresh_library, tmp_path):
    """A sentence longer than a chunk (256 tokens) is split at commas; the answer's lead quote still ends where
    the sentence does, and its citation survives verification."""
    from bot.answer import Engine

    clauses = [f"第{i}季度渠道库存保持健康水平" for i in range(1, 17)]
    long = "2020年青禾医疗实现营业收入12.6亿元，同比增长31.5%，" + "，".join(clauses) + "，全年经营质量持续向好。"
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "青禾医疗深度报告.txt").write_text("青禾医疗深度报告\n公司是国内软式内镜龙头。" + long + "\n风险提示：集采降价。\n",
                                           encoding="utf-8")
    lib = fresh_library()
    assert lib.ingest([folder]).added == 1
    text = lib.report_text(lib.sources()[0])
    spans = [(a, b) for _, a, b in lib.chunk_spans(lib.sources()[0].doc_id)]
    assert any(text.index(long) < b < text.index(long) + len(long) for _, b in spans)  # the sentence is split
    ans = Engine(lib).ask("青禾医疗2020年的营业收入是多少？", mode="extractive")
    assert not ans.refused and ans.citations, ans.answer
    assert ans.citations[0].quote.endswith("全年经营质量持续向好。"), ans.citations[0].quote
    assert "12.6亿元" in ans.answer.splitlines()[0]
