"""Cleaning PDF-extracted text: spans, not lines; furniture found by repetition; nothing of the report lost."""
from hypothesis import given, settings, strategies as st

from bot.ingest.chunk import chunk_text
from bot.ingest.clean import clean_text

FOOTER = "请务必阅读正文之后的免责条款部分{p}/9"
HEAD = "行业周报|某某证券研究所{p}"  # a running head with no cue word: found by its growing page number
PROSE = [
    "测试行业在过去一年保持稳定增长，市场规模达到了一百二十亿元。",
    "我们认为需求端的恢复将持续到明年上半年，供给端的扩产相对有限。",
    "甲产品的渗透率从百分之五提升到了百分之九，增长主要来自基层医院。",
    "风险提示：政策推进不及预期，行业竞争加剧，原材料价格波动。",
]
TAIL = ("分析师声明本人具有证券投资咨询执业资格，保证报告所采用的数据均来自合规渠道。"
        "免责声明本报告仅供本公司客户使用，本公司不会因接收人收到本报告而视其为客户。"
        "投资评级说明买入：未来六个月内相对强于大盘百分之十五以上。")


def pdf_text(pages: int = 6) -> str:
    """One line, as a PDF extractor gives it: page footers and heads inline, the disclaimer tail at the end."""
    body = []
    for p in range(1, pages + 1):
        body.append(HEAD.format(p=p))
        body.extend(PROSE[(p + i) % len(PROSE)] for i in range(3))
        body.append(FOOTER.format(p=p))
    return "".join(body) + TAIL


def test_one_line_report_is_kept_whole_with_its_copyright_sentence_gone():
    text = "".join(PROSE) + "某某证券版权所有并保留一切权利。" + "".join(PROSE[:2])
    c = clean_text(text)
    assert "版权所有" not in c.text
    for s in PROSE:
        assert s in c.text
    assert c.stats["boilerplate-sentence"]["spans"] == 1


def test_running_heads_footers_and_tail_go_and_every_sentence_stays_verbatim():
    raw = pdf_text()
    c = clean_text(raw)
    assert "请务必阅读" not in c.text and "某某证券研究所" not in c.text
    assert "免责声明" not in c.text and "投资评级说明" not in c.text
    for s in PROSE:
        assert s in c.text
    for line in c.text.split("\n"):
        assert line in raw  # nothing rewritten, only cut out
    assert set(c.stats) >= {"page-furniture", "disclaimer-tail"}
    assert c.report()["chars_removed"] == len(raw) - len(c.text.replace("\n", ""))


def test_a_sentence_broken_by_a_page_footer_is_split_at_the_cut():
    raw = ("".join(PROSE) + FOOTER.format(p=1)) * 2 + "全年出货量有望达到" + FOOTER.format(p=3) + "三千万台，同比增长两成。"
    c = clean_text(raw)
    assert "全年出货量有望达到\n三千万台" in c.text
    cut = c.text.index("三千万台")
    assert cut in c.cuts


def test_table_of_contents_goes_but_a_single_mention_of_disclosure_in_prose_stays():
    toc = "目录1、行业概况..........................42、市场规模..........................7"
    prose = "新规要求企业加强信息披露，提高透明度。" + "".join(PROSE) * 3
    c = clean_text(toc + prose)
    assert "......" not in c.text and "行业概况" not in c.text
    assert "新规要求企业加强信息披露，提高透明度。" in c.text
    assert "toc" in c.stats and "disclaimer-tail" not in c.stats



def test_table_of_contents_entries_with_a_short_leader_or_none_go_with_the_rest():
    """A TOC entry is found by its dot leader; one with two dots or none, between two entries or right after the
    「目录」 heading, is an entry too (it had led answers: 「目录2017年甲市场规模325亿，…」) — but the body after the
    last entry stays, and a sentence between two entries ends the run."""
    toc = ("目录2017年甲市场规模325亿，部分品种仍有提升空间..5乙产品的临床应用存在争议...........5"
           "丙行业迎来拐点，进入加库存阶段9丁产品完成去库存..............9风险提示..............12")
    body = "2017年甲市场规模325亿元，同比增长12%。" + "".join(PROSE) * 3
    c = clean_text(toc + body)
    assert "提升空间" not in c.text and "迎来拐点" not in c.text and "目录" not in c.text
    assert body.split("。")[0] + "。" in c.text and all(s in c.text for s in PROSE)
    # a sentence between two leader entries is report text, not an entry
    prose = "某项业务在报告期内增长较快。"
    c = clean_text("1、行业概况..........................4" + prose + "2、市场规模..........................7" + body)
    assert prose in c.text and "行业概况" not in c.text

def test_tail_heading_followed_by_long_prose_is_not_a_tail():
    text = "".join(PROSE) * 4 + "免责声明的法律效力问题" + "".join(PROSE) * 30 + "评级说明在报告最后。"
    c = clean_text(text)
    assert "disclaimer-tail" not in c.stats
    assert len(c.text) == len(text)


def test_template_sentences_with_other_numbers_are_not_furniture():
    rows = "".join(f"第{i}板块营业收入{i * 7}.{i}亿元，同比增长{i * 3}.{i}%。" for i in range(1, 7))
    c = clean_text(rows + FOOTER.format(p=1) + rows + FOOTER.format(p=2) + rows + FOOTER.format(p=3))
    assert c.text.count("营业收入") == 18


def test_cuts_are_chunk_boundaries():
    c = clean_text(pdf_text(8))
    chunks = chunk_text(c.text, "d", "h", max_tokens=256, overlap=48, breaks=c.cuts)
    assert c.cuts
    for ch in chunks:
        assert not any(ch.start < b < ch.end for b in c.cuts), ch.text
        assert c.text[ch.start:ch.end] == ch.text


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(PROSE + [FOOTER.format(p=1), "资料来源：Wind", "123", "图表3：某指标"]),
                min_size=1, max_size=40),
       st.sampled_from(["", TAIL]))
def test_cleaning_is_verbatim_and_never_empties_prose(parts, tail):
    raw = "".join(parts) + tail
    c = clean_text(raw)
    for line in c.text.split("\n"):
        assert line in raw
    for s in PROSE:
        if s in parts:
            assert s in c.text


def test_a_file_that_really_is_all_chrome_says_why_by_name(tmp_path):
    import pytest

    from bot.errors import IngestError
    from bot.ingest.pipeline import prepare
    from support import make_settings

    f = tmp_path / "only-buttons.txt"
    f.write_text("登录注册\n分享到微信\n打赏作者\n京ICP备12345678号\n", encoding="utf-8")
    with pytest.raises(IngestError) as e:
        prepare(f, make_settings(tmp_path / "data"))
    assert "only-buttons.txt" in str(e.value) and "site-chrome" in str(e.value)
