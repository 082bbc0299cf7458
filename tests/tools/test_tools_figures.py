from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.tools.figures import extract_figures, find_figures, sentence_bounds
from bot.tools.numbers import find_numbers
from bot.tools.units import Quantity, QuantityRange


def by_label(figures, label):
    found = find_figures(figures, label)
    assert found, f"no figure labelled {label}"
    return found


def test_every_figure_the_issue_mentions_is_found(corpus_figures, citic_text, huaxin_text):
    f = by_label(corpus_figures, "短视频市场规模")[0]
    assert (f.value, f.unit, f.year, f.high) == (Decimal(3000), "亿元", 2022, None)
    assert "接近" in f.qualifiers
    # labels are the report's own words before each number, whatever the report
    f = by_label(corpus_figures, "视频创作成本占市场总规模")[0]
    assert (f.value, f.unit) == (Decimal(10), "%")
    f = by_label(corpus_figures, "AI视频应用渗透率")[0]
    assert (f.value, f.high, f.unit) == (Decimal(5), Decimal(35), "%")
    stated = by_label(corpus_figures, "潜在市场规模")
    assert {s.value for s in stated} == {Decimal(80)} and all(s.year == 2025 for s in stated)
    assert any("中值" in s.qualifiers for s in stated)
    f = by_label(corpus_figures, "中国AIGC市场规模")[0]
    assert (f.value, f.unit, f.year) == (Decimal(11491), "亿元", 2030)
    f = by_label(corpus_figures, "AIGC监管成本占产业链总成本")[0]  # a Latin word is never cut in two
    assert (f.value, f.high, f.unit, f.year) == (Decimal(5), Decimal(10), "%", 2030)
    f = by_label(corpus_figures, "中国AIGC监管市场规模")[0]
    assert (f.value, f.high, f.unit, f.year) == (Decimal(575), Decimal(1149), "亿元", 2030)
    durations = {(d.value, d.unit) for d in by_label(corpus_figures, "时长")}
    assert {(Decimal(1), "分钟"), (Decimal(60), "秒"), (Decimal(3), "秒"), (Decimal(4), "秒")} <= durations
    pages = by_label(corpus_figures, "页数")
    assert {(p.value, p.unit) for p in pages} == {(Decimal(34), "页")}
    assert any(p.quote == "报告共计:34页" for p in pages)
    assert by_label(corpus_figures, "信息化建设中安全投入占比")[0].year is None


def test_quotes_are_exact_slices(corpus_figures, citic_text, huaxin_text):
    texts = {"citic": citic_text, "huaxin": huaxin_text}
    for f in corpus_figures:
        text = texts[f.doc_id]
        assert text[f.start:f.end] == f.quote
        assert f.start <= f.value_start < f.value_end <= f.end
        assert f.citation() == {"doc_id": f.doc_id, "chunk_id": f.chunk_id, "quote": f.quote,
                                "start": f.start, "end": f.end}


def test_nothing_spurious(corpus_figures):
    # dates, years, resolutions, list markers and model names are not figures
    assert all(f.unit in ("亿元", "%", "秒", "分钟", "页") for f in corpus_figures)
    assert len([f for f in corpus_figures if f.unit in ("亿元", "%")]) == 9


def test_ranges_are_one_figure_with_quantity():
    [f] = extract_figures("通常,信息化建设中安全投入占比在5%-10%。")
    assert f.is_range and f.quantity() == QuantityRange(Quantity(5, "%"), Quantity(10, "%"))
    assert f.quote == "通常,信息化建设中安全投入占比在5%-10%。"


def test_chunk_offsets_and_ids():
    text = "  \n预计到2030年, 中国AIGC市场规模有望达到11491亿元。其他内容"
    [f] = extract_figures(text, doc_id="d1", chunk_id="d1#3")
    assert f.quote == "预计到2030年, 中国AIGC市场规模有望达到11491亿元。"
    assert text[f.start:f.end] == f.quote and (f.doc_id, f.chunk_id, f.year) == ("d1", "d1#3", 2030)


def test_generic_label_from_nearby_words():
    [f] = extract_figures("2023年公司营业收入达到52亿元。")
    assert f.label == "公司营业收入" and f.year == 2023


def test_sentence_bounds_trim_whitespace():
    text = "甲。 乙是10%。\n丙"
    s, e = sentence_bounds(text, text.index("10"))
    assert text[s:e] == "乙是10%。"


ALPHABET = "0123456789０１２.,-~%％亿万元秒页年至到一二三两十百千万亿点成百分之市场规模渗透率。，\n ()x"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=60))
def test_extraction_never_breaks_offsets(text):
    for n in find_numbers(text):
        assert text[n.start:n.end] == n.text
    for f in extract_figures(text):
        assert text[f.start:f.end] == f.quote
        assert f.start <= f.value_start < f.value_end <= f.end


def test_a_name_drops_the_hedge_before_its_number():
    from bot.tools.figures import words_before

    def name(text, number):
        return words_before(text, 0, text.rfind(number))

    assert name("2016年某检测市场容量接近200亿，国产占比不到20亿", "20亿") == "国产占比"
    assert name("2018年某产业收入中只有1763亿元", "1763") == "某产业收入"
    assert name("目前该细分市场规模仅为30亿元", "30") == "目前该细分市场规模"
