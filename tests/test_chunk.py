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


def test_a_figures_source_list_ends_a_sentence_for_quoting():
    """PDF text glues 「资料来源：…研究所」 to the sentence after it: quoted, the sentence starts after the list's last
    name (one no separator follows); a source named in prose or a list with no sentence after it stays whole."""
    def quoted(t):
        return [t[s.start:s.end] for s in sentence_spans(t, full_stops_only=True)]

    t = "图5：某品种批签发量（万瓶）资料来源：中检院、各地方所、某某证券研究中心2020年以来，某品种批签发量为99万瓶。"
    assert quoted(t)[-1] == "2020年以来，某品种批签发量为99万瓶。"
    t = "图表20：某类指纹资料来源：AndroidCentral，某某证券研究所根据某机构统计，2019年某类手机出货量约为2.0亿台。"
    assert quoted(t)[-1].startswith("根据某机构统计")  # (「AndroidCentral」 holds no IDC)
    t = "图3：某指数图4：对比资料来源：Wind，某某证券研究所资料来源：Wind，某某证券研究所（1）某指数上涨1.07%。"
    assert quoted(t)[-1] == "（1）某指数上涨1.07%。"
    for whole in ("据资料来源：公司公告显示，公司2020年营收为3亿元。", "资料来源：Wind，某某证券研究所。",
                  "数据来源：公司年报，2019年公司营收为3亿元。"):
        assert quoted(whole) == [whole]
    # a section number glued after text starts a sentence (a decimal, or an item after punctuation, does not)
    t = "某某证券研究中心，注：规格统一折算为10g/支，数据统计日期截至2020年05月24日3.某品种2020年，批签发量为614万支。"
    assert quoted(t)[-1] == "3.某品种2020年，批签发量为614万支。"
    whole = "营收增长3.5倍，占比为5.1%，第3.5代产品，原因有二：1.成本下降；2.需求上升。"
    assert quoted(whole) == [whole]
    # a chunk starting inside a source list: its tail is no part of the sentence after it (an institute that is
    # the sentence's subject, or a source named in prose, stays)
    assert quoted("及各所，某某证券研究所整理2020Q1某品种批签发近280万瓶，同比+36%。")[-1].startswith("2020Q1")
    assert quoted("整理根据某机构的预测，全球某类市场规模有望达到480亿美元。")[-1].startswith("根据某机构")
    for whole in ("某某证券研究所认为，2020年营收3亿元。", "前瞻产业研究院数据显示，2019年某类市场规模114亿美元。",
                  "根据中国信息通信研究院公布数据显示：2020年10月，国内手机出货量2615.3万部。",
                  "公司与中科院、某大学研究院合作，2020年营收3亿元。"):
        assert quoted(whole) == [whole]
    # chunks are not cut there (their boundaries, and so stored chunks, stay as they were)
    assert len(sentence_spans("资料来源：Wind，某某证券研究所2020年营收3亿元。")) == 1
