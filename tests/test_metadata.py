"""Report metadata from PDF-extracted text (one long line, page furniture inline) and from web clippings.

Every text here is synthetic, shaped like a broker PDF after extraction: cover, analyst block, related-reports
list, body and disclaimer glued into one line.
"""
import json
import re

import pytest
from hypothesis import given, settings, strategies as st

from bot.ingest.metadata import broker_table, extract_metadata, find_broker, find_date, title_from_stem

BODY = "投资要点：行业景气度持续回升，龙头公司份额提升，盈利能力改善。我们维持行业评级，建议关注产业链核心环节的投资机会。"


def one_line(*parts: str) -> str:
    return "".join(parts) + BODY * 3


def meta(tmp_path, text: str, name: str = "电子行业深度报告：景气向上.txt", sidecar: dict | None = None):
    f = tmp_path / name
    f.write_text(text, encoding="utf-8")
    if sidecar is not None:
        (tmp_path / (name + ".meta.json")).write_text(json.dumps(sidecar, ensure_ascii=False), encoding="utf-8")
    header, _ = extract_metadata(text, f)
    return header


# --- dates ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("written, iso", [
    ("2020年07月05日", "2020-07-05"),
    ("2020年7月5日", "2020-07-05"),
    ("2020-07-05", "2020-07-05"),
    ("2020/07/05", "2020-07-05"),
    ("2020.07.05", "2020-07-05"),
    ("2020 年 7 月 5 日", "2020-07-05"),
])
def test_cover_date_formats(tmp_path, written, iso):
    text = one_line("请务必阅读正文之后的免责声明证券研究报告行业研究/深度研究|", written, "电子元器件增持（维持）")
    assert meta(tmp_path, text).date == iso


@pytest.mark.parametrize("written, iso", [("2020年07月", "2020-07"), ("2020年7月", "2020-07"), ("2020.07", "2020-07"),
                                          ("2020/07", "2020-07")])
def test_month_only_cover_date_is_an_iso_partial(tmp_path, written, iso):
    text = one_line("行业景气向上，龙头优势扩大某某证券研究发展中心", written, "分析师：王某执业证号：S1250520030002")
    assert meta(tmp_path, text).date == iso


def test_related_reports_dates_are_not_the_publication_date(tmp_path):
    text = one_line("相关研究报告《行业周报：景气延续，关注龙头》2021.01.20《年度策略：把握结构性机会》——2021-01-05",
                    "《月度跟踪：需求回暖》，2020.12.28证券研究报告行业点评2021年03月08日投资评级：增持")
    assert meta(tmp_path, text).date == "2021-03-08"


def test_data_dates_on_the_cover_are_skipped(tmp_path):
    text = one_line("事件：公司于2021年2月22日公告拟收购某公司股权。截至2020年12月31日，行业库存处于低位；",
                    "2020年前三季度收入同比增长25%。报告日期：2021年02月24日分析师：李某")
    assert meta(tmp_path, text).date == "2021-02-24"


def test_a_month_in_the_title_is_the_period_covered(tmp_path):
    name = "2020年05月行业数据跟踪.txt"
    text = one_line("2020年05月行业数据跟踪证券研究报告2020年06月医药生物投资评级推荐维持")
    assert meta(tmp_path, text, name=name).date == "2020-06"


def test_page_numbers_glued_to_a_date_are_read_through(tmp_path):
    # "1" is the page number, the licence number runs into the date of the second report
    assert find_date(one_line("敬请阅读末页的重要说明12020年12月2日证券研究报告/首次覆盖报告")) == "2020-12-02"
    assert find_date(one_line("证券分析师：赵某执业证书编码：S11901171200422020年2月3日血制品深度")) == "2020-02-03"


def test_a_date_the_page_headers_repeat_is_found_past_the_cover(tmp_path):
    page = "行业研究/深度研究|2020年07月05日谨请参阅尾页重要声明及某某证券股票和行业评级标准"
    text = "目录" + "，".join(["需求回暖带动出货量增长，产能利用率维持高位"] * 120) + (page + BODY * 20) * 4
    assert find_date(text) == "2020-07-05"


def test_file_name_date_is_the_fallback_and_sidecar_overrides(tmp_path):
    text = one_line("行业景气向上，龙头优势扩大。")
    assert meta(tmp_path, text, name="某某证券-景气向上-2021-04-02.txt").date == "2021-04-02"
    text = one_line("证券研究报告2021年03月08日")
    h = meta(tmp_path, text, sidecar={"date": "2021-03-09", "broker": "国信证券", "title": "自定标题"})
    assert (h.date, h.broker, h.title) == ("2021-03-09", "国信证券", "自定标题")


# --- brokers ----------------------------------------------------------------------------------------------

def test_citic_and_citic_construction_are_distinct_whole_names(tmp_path):
    jiantou = one_line("请参阅最后一页的重要声明证券研究报告行业深度研究",
                       "据中信证券研究部测算，行业规模将持续增长。", "中信建投证券股份有限公司具备证券投资咨询业务资格")
    assert meta(tmp_path, jiantou).broker == "中信建投"
    citic = one_line("中信证券研究部", "据中信建投统计，需求改善。", "本报告仅供中信证券股份有限公司的客户使用")
    assert meta(tmp_path, citic).broker == "中信证券"


def test_neighbouring_characters_do_not_become_part_of_a_name(tmp_path):
    assert meta(tmp_path, one_line("本报告由川财证券有限责任公司编制，仅供客户参考")).broker == "川财证券"
    assert meta(tmp_path, one_line("地址：某某国际中心七层山西证券股份有限公司")).broker == "山西证券"
    # a firm the table does not know keeps the name its legal form delimits, cut after the cue before it
    assert meta(tmp_path, one_line("本报告由远航证券股份有限公司研究所编制")).broker == "远航证券"


def test_securities_nouns_are_not_firms():
    text = one_line("公司在上海证券交易所科创板上市，", "中国证券报报道，资产证券化产品发行提速。")
    assert find_broker(text, "行业点评") == ""


def test_aliases_map_to_one_canonical_name(tmp_path):
    assert meta(tmp_path, one_line("本报告由中国银河证券股份有限公司研究院制作")).broker == "银河证券"
    assert meta(tmp_path, one_line("本报告版权属于安信国际证券(香港)有限公司")).broker == "安信国际"


def test_licence_numbers_and_email_name_the_firm_when_its_name_was_cleaned_away():
    text = one_line("分析师潘某SAC执业证书编号：S1110517070005", "联系人：张某 zhangmou@tfzq.com")
    assert find_broker(text, "面板行业专题") == "天风证券"


def test_own_disclaimer_outweighs_cited_brokers_and_filings():
    text = one_line("资料来源：Wind，华泰证券研究所，中泰证券研究所预测",
                    "2021-03-27中信建投证券股份有限公司关于某某股份有限公司2020年度保荐工作报告",
                    "本报告仅供华泰证券股份有限公司客户使用。谨请参阅尾页重要声明及华泰证券股票和行业评级标准")
    assert find_broker(text, "") == "华泰证券"


def test_a_lone_legal_name_mid_text_is_a_counterparty_not_the_author():
    middle = "IPO排队企业：上交所主板：天风证券股份有限公司，深交所创业板：某某医疗股份有限公司。"
    text = BODY * 40 + middle + BODY * 80
    assert find_broker(text, "医疗器械周报") == ""
    assert find_broker(text + "本报告仅供天风证券股份有限公司的客户使用。", "医疗器械周报") == "天风证券"


def test_a_text_citing_many_brokers_names_none_of_them():
    text = one_line("据国元证券统计，行业增长；据光大证券测算，份额提升；平安证券认为，价格企稳；中泰证券指出，需求回暖。")
    assert find_broker(text, "血制品龙头对比") == ""


def test_broker_table_maps_each_alias_to_one_name():
    from importlib.resources import files

    seen: dict[str, str] = {}
    for line in (files("bot.ingest") / "brokers.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            parts = [p.strip() for p in line.split("|")]
            for alias in parts:
                assert seen.setdefault(alias, parts[0]) == parts[0], f"{alias} names {seen[alias]} and {parts[0]}"
    table = broker_table()
    assert table.name_of("中信建投证券") == "中信建投" and table.name_of("中信证券") == "中信证券"


# --- titles and web clippings -----------------------------------------------------------------------------

def test_one_line_text_takes_its_title_from_the_file_name(tmp_path):
    text = one_line("请务必阅读正文之后的免责声明证券研究报告2021年03月08日")
    assert meta(tmp_path, text, name="0042_电子行业深度：景气向上.txt").title == "电子行业深度：景气向上"
    assert title_from_stem("2020_医药行业年报") == "2020_医药行业年报"  # a year, not an id
    assert title_from_stem("医药行业_年报") == "医药行业_年报"


def test_web_clipping_header_still_gives_title_author_date_and_producer(tmp_path):
    text = ("某行业深度：景气向上，龙头受益\n作者:研究员小王发布时间:2024-03-01\n\n"
            "(报告出品方:国金证券)\n\n" + BODY + "\n" + BODY)
    h = meta(tmp_path, text, name="clip.txt")
    assert (h.title, h.author, h.date, h.broker) == ("某行业深度：景气向上，龙头受益", "研究员小王", "2024-03-01", "国金证券")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("2019年07月5日-./证券中信建投川财本报告由股份有限公司研究所《》，。：S01@tfzq.com")) | st.characters(),
               max_size=300))
def test_any_text_gives_an_iso_date_or_none_and_never_crashes(text):
    assert re.fullmatch(r"(?:\d{4}-\d{2}(?:-\d{2})?)?", find_date(text, text[:20]))
    assert isinstance(find_broker(text, text[:20]), str)
