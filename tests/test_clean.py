from hypothesis import given, settings, strategies as st

from bot.ingest.clean import clean_text, normalize
from bot.ingest.metadata import extract_metadata, split_header
from support import CITIC, HUAXIN

CHROME = ["打赏作者", "登录注册", "京ICP备", "报告下载方式", "工分", "复制链接", "分享到微信", "作者利益披露", "Copyright",
          "版权所有", "真知无价", "当前位置", "公众号《人工智能学派》", "暂无数据", "声明:文章观点来自网友"]


def test_corpus_chrome_is_removed_and_content_kept():
    for f in (CITIC, HUAXIN):
        raw = f.read_text(encoding="utf-8")
        text = clean_text(raw).text
        for marker in CHROME:
            assert marker not in text, (f.name, marker)
        for line in text.split("\n"):
            assert line in raw  # nothing rewritten, only dropped
    citic = clean_text(CITIC.read_text(encoding="utf-8")).text
    assert "Sora能够创造出长达一分钟的高清视频" in citic
    assert "中兴通讯" not in citic.split("潜在风险因素")[-1]  # stock tags at the end are gone
    huaxin = clean_text(HUAXIN.read_text(encoding="utf-8")).text
    assert "报告共计:34页" in huaxin  # a fact, not chrome


def test_metadata_from_corpus():
    h, body = extract_metadata(clean_text(CITIC.read_text(encoding="utf-8")).text, CITIC)
    assert (h.broker, h.date) == ("中信证券", "2024-02-23")
    assert h.title.startswith("中信证券:Sora的突破性登场")
    assert h.author == "薛定谔的奶牛猫" and "无师自通的半棵韭菜" not in body and "2024-02-23 14:55:40" not in body
    h, body = extract_metadata(clean_text(HUAXIN.read_text(encoding="utf-8")).text, HUAXIN)
    assert (h.broker, h.date, h.author) == ("华鑫证券", "2024-02-29", "小猫超可爱")
    assert h.title == "AIGC专题:从Sora看AI应用发展探索,新质生产力有望推动TMT再下一城"
    assert "原标题" not in body


def test_sidecar_overrides(tmp_path):
    import json

    f = tmp_path / "note.txt"
    f.write_text("某报告标题很长很长\n正文第一段内容,这里有足够长的句子来构成报告内容,测试用的文字。", encoding="utf-8")
    (tmp_path / "note.txt.meta.json").write_text(json.dumps({"broker": "华泰证券", "date": "2024-05-01"}), encoding="utf-8")
    h, _ = extract_metadata(clean_text(f.read_text(encoding="utf-8")).text, f)
    assert (h.broker, h.date, h.title) == ("华泰证券", "2024-05-01", "某报告标题很长很长")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(CHROME + ["S", "中国移动", "1.65", "", "正文。"]), st.text(max_size=40)), max_size=30))
def test_cleaning_only_cuts_and_is_idempotent(lines):
    raw = "\n".join(lines)
    once = clean_text(raw).text
    assert clean_text(once).text == once or len(clean_text(once).text) < len(once)
    source = normalize(raw)
    for line in once.split("\n"):
        assert line in source  # a verbatim piece of the input, never rewritten


@given(st.text(max_size=300))
def test_split_header_never_crashes(text):
    h, body = split_header(text)
    assert isinstance(body, str)


def test_a_sharing_sites_watermark_with_a_page_number_goes():
    """A web address repeated on every page with the page number after it (a report-sharing site's watermark)
    is a running head, though it holds digits; the sentences it splits stay."""
    from bot.ingest.clean import clean_text

    pages = ["2019年甲市场规模达到120亿元。", "预计2022年甲市场规模将超过300亿元。", "乙产品的渗透率为3.5%。",
             "丙公司市占率第一。", "丁行业集中度持续提升。"]
    raw = "".join(f"{p}WWW.1A2B.COM报告站www.xyzbao.com{i}/5" for i, p in enumerate(pages, 1))
    text = clean_text("甲行业洞察\n" + raw + "\n").text
    assert all(p in text for p in pages) and "xyzbao" not in text and "1A2B" not in text


def test_a_templates_field_markers_go_and_the_sentences_they_glued_start_clean():
    """「＃createTime1＃2020年09月07日投资要点＃summary＃上半年业绩…」: a report template's field markers are layout, and
    a cut (a chunk boundary) — the sentence after 「＃summary＃」 starts there. A hashtag keeps its word."""
    from bot.ingest.chunk import sentence_spans

    body = "上半年业绩整体承压，CRO板块营业收入同比增长18.86%。"
    text = clean_text("甲行业中报总结\n甲行业中报总结＃createTime1＃2020年09月07日投资要点＃summary＃" + body +
                      "＃emailAuthor＃分析师\n").text
    assert "＃" not in text and "createTime" not in text and "summary" not in text
    assert any(text[s.start:s.end] == body for s in sentence_spans(text)), text
    assert "industryId" not in clean_text("甲报告\n甲报告#industryId#电子" + body + "\n").text
    for kept in ("话题#iPhone#持续发酵，阅读量超过10亿。", "话题#GPT#持续发酵。", "#industryid# 是小写的。"):
        assert kept in clean_text("甲报告\n" + kept + "\n").text


def test_analysts_contact_blocks_go_and_the_report_text_around_them_stays():
    """Names with roles, licence numbers, phones and e-mails run together on a cover or back page are furniture,
    whichever order the fields come in; the sentences around them stay whole, and an e-mail or a word like 研究员
    inside a sentence stays."""
    from bot.ingest.clean import clean_text

    body = "2020年甲公司实现营业收入12.6亿元，同比增长31.5%。"
    blocks = [
        "甲乙分析师SAC执业编号：S1234567890123(8621)61234567jiayi＠abcsec.com.cn",
        "分析师：丙丁戊执业登记编码：S7654321098765电话：0351-8686724邮箱：bingdw@xyzsec.com",
        "己庚S1111111111111☎021-31829735jigeng@qq-sec.com联系人（研究助理）：辛壬S2222222222222☎021-31829734xinren@qq-sec.com",
        "研究员癸子电话：010-66554032邮箱：guizi@abc.net.cn执业证书编号：S3333333333333",
        "丑寅(021)23219402cy9637@hsec.com卯辰(021)23219692mc@hsec.com",  # a directory: names, phones, e-mails
    ]
    for block in blocks:
        text = clean_text("甲行业深度报告\n" + body + block + body + "\n").text
        assert text.count(body) == 2, block
        assert "@" not in text and "＠" not in text and not any(c.isdigit() for c in text.replace(body, "")), text
    prose = ["如需了解详情，请联系我们的研究员，或发邮件至 service@abc.com 获取。", "公司研究员数量达到120人，同比增长20%。"]
    for p in prose:
        assert p in clean_text("甲行业深度报告\n" + p + "\n").text


def test_a_related_reports_sidebar_goes_and_the_report_text_after_it_stays():
    """The list of the broker's earlier reports (a heading, then titles each ending in a date) is page chrome: its
    titles state other reports' claims and dates. Prose that mentions 相关报告, one mention, a caption's 截至 date stay."""
    from bot.ingest.clean import clean_text

    sidebar = ("相关报告1《甲行业周报：乙产品放量可期》2020-12-062《甲行业月报：丙公司业绩超预期》2020-11-30"
               "丁品种批签发总结：行业回归正常2020.01.08")
    body = "2020年甲公司实现营业收入12.6亿元，同比增长31.5%。"
    text = clean_text("甲行业深度报告\n" + sidebar + body + "\n").text
    assert body in text and "相关报告" not in text and "乙产品放量可期" not in text and "2020-11-30" not in text
    prose = "据相关报告显示，2020年甲公司营业收入约12亿元，发布于2021-03-01，与2020-12-01的预测一致。"
    assert prose in clean_text("甲行业深度报告\n" + prose + "\n").text
    one = "相关报告甲行业周报：乙产品放量可期2020-12-06"  # a single entry: not enough to call it a sidebar
    assert one in clean_text("甲行业深度报告\n" + one + body + "\n").text
    caption = ("相关报告甲行业周报：乙产品放量可期2020-12-06甲行业月报：丙公司业绩超预期2020-11-30"
               "重点公司盈利预测与估值（截至2020年6月19日）")
    assert "重点公司盈利预测与估值（截至2020年6月19日）" in clean_text("甲行业深度报告\n" + caption + body + "\n").text
