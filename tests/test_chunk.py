from hypothesis import given, settings, strategies as st

from bot.ingest.chunk import chunk_text, count_tokens_fn, is_heading, sentence_spans
from bot.ingest.clean import clean_text
from support import CITIC, HUAXIN

count = count_tokens_fn()


def test_tiktoken_works_offline():
    assert count("Sora能够创造出长达一分钟的高清视频") > 5


def test_corpus_chunks_are_exact_slices_within_size():
    for f in (CITIC, HUAXIN):
        text = clean_text(f.read_text(encoding="utf-8")).text
        chunks = chunk_text(text, "d", "h", 256, 48, count)
        assert len(chunks) >= 5
        for c in chunks:
            assert text[c.start:c.end] == c.text
            assert c.tokens == count(c.text) <= 256
        covered = set()
        for c in chunks:
            covered.update(range(c.start, c.end))
        # every non-space character of the report is in some chunk
        assert all(i in covered for i, ch in enumerate(text) if not ch.isspace())
        assert len({c.chunk_id for c in chunks}) == len(chunks)


def test_sentences_split_on_chinese_and_english_punctuation():
    text = "第一句。第二句！Third one. Fourth? 3.5倍不拆开;DALL.E3也不拆。"
    got = [text[s.start:s.end] for s in sentence_spans(text)]
    assert got == ["第一句。", "第二句！", "Third one.", "Fourth?", "3.5倍不拆开;", "DALL.E3也不拆。"]


def test_overlap_repeats_whole_sentences():
    text = "".join(f"这是第{i}句话,内容大约二十个字左右吧。" for i in range(60))
    chunks = chunk_text(text, "d", "h", 64, 24, count)
    assert any(chunks[i + 1].start < chunks[i].end for i in range(len(chunks) - 1))
    for c in chunks:
        assert c.text.endswith("。") and text[c.start:c.end] == c.text


def test_headings_start_chunks_and_name_sections():
    text = "潜在风险因素\n\n" + "风险很多。" * 40 + "\n\n对未来的展望\n\n" + "前景很好。" * 10
    chunks = chunk_text(text, "d", "h", 80, 16, count)
    last = chunks[-1]
    assert last.section == "对未来的展望" and last.text.startswith("对未来的展望")
    assert chunks[0].section == "潜在风险因素"
    assert is_heading("潜在风险因素") and not is_heading("报告共计:34") and not is_heading("这是一句话。")


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("中文报告数据。！？；,.!? \n\nabcXYZ0123456789%亿")), max_size=1500),
       st.integers(min_value=8, max_value=300), st.integers(min_value=0, max_value=64))
def test_offsets_property(text, size, overlap):
    for c in chunk_text(text, "d", "h", size, overlap, count):
        assert text[c.start:c.end] == c.text
        assert c.text.strip() == c.text and c.text
        assert c.tokens <= size


def test_quoted_sentences_end_before_a_list_marker():
    """PDF text runs a list into one line; each item (「•乙：…」) states its own subject's figure."""
    text = "回顾：疫情推动乙品种增长•甲品种：2020年全年批签发5938万支。下半年放缓•乙品种：2020年全年批签发1321万支。"
    got = [text[s.start:s.end] for s in sentence_spans(text, full_stops_only=True)]
    assert got == ["回顾：疫情推动乙品种增长", "•甲品种：2020年全年批签发5938万支。", "下半年放缓", "•乙品种：2020年全年批签发1321万支。"]
