"""The shared question analysis and the fact match, on questions from several sectors (made-up names)."""
import pytest

from bot.answer.analysis import analyse
from bot.answer.match import has_year, match, words_of
from bot.answer.presence import presence
from bot.text import is_table_like, quote_quality


@pytest.mark.parametrize("question, subject, period, indicator, modifier", [
    ("X公司2020年的营业收入是多少？", "X公司", "2020年", "营业收入", ""),
    ("2020年前三季度电子行业的归母净利润同比是多少", "电子行业", "2020年前三季度", "归母净利润", "同比"),
    ("人血白蛋白2020Q1的批签发量是多少？", "人血白蛋白", "2020Q1", "批签发量", ""),
    ("某某医疗20Q1-Q3的管理费用率是多少？", "某某医疗", "20Q1-Q3", "管理费用率", ""),
    ("国内5G手机1-2月的出货量是多少？", "国内5G手机", "1-2月", "出货量", ""),
    ("中国2019年的临床试验数量是多少？", "中国", "2019年", "临床试验数量", ""),  # not in the vocabulary
    ("DSA的国产率是多少？", "DSA", "", "国产率", ""),
    ("全球储能电池2025年出货量的年复合增长率是多少？", "全球储能电池", "2025年", "出货量", "年复合增长率"),
    ("ABCLED20-23年的市场规模是多少？", "ABCLED", "20-23年", "市场规模", ""),  # a short-year range after a name
    ("全球某某药到2022年的市场规模是多少？", "全球某某药", "2022年", "市场规模", ""),  # 到 is not the subject's
    ("6G2030年的渗透率是多少？", "6G", "2030年", "渗透率", ""),
    ("中国XY20年的销售额是多少？", "中国XY", "20年", "销售额", ""),
    ("中国某某21年2月的出货量是多少？", "中国某某", "21年2月", "出货量", ""),  # a month of a short year
    ("全球PC4Q20的出货量是多少？", "全球PC", "4Q20", "出货量", ""),
    ("某某客单三季度的营业收入同比是多少？", "某某客", "单三季度", "营业收入", "同比"),  # 单 is the period's
    ("某公司2020年单Q3的毛利率是多少？", "某公司", "2020年单Q3", "毛利率", ""),
    ("某某面板自6月以来的价格同比是多少？", "某某面板", "6月", "价格", "同比"),  # 自…以来 is the period's
    ("中国某某封装目前的出货量是多少？", "中国某某封装", "目前", "出货量", ""),  # 目前 is the time asked, no part of the subject
    ("某品种的某签量环比是多少？", "某品种", "", "某签量", "环比"),  # a rate of an indicator the vocabulary lacks
    ("某公司2020年的项目数量占比是多少？", "某公司", "2020年", "项目数量", "占比"),  # …after the period too
    ("某某2019年的研发人员数量同比是多少？", "某某", "2019年", "研发人员数量", "同比"),
    ("某公司2019年的产能利用率是多少？", "某公司", "2019年", "产能利用率", ""),  # a rate of a known measure
    ("全球ABQ3的出货量是多少？", "全球AB", "Q3", "出货量", ""),  # a quarter after a Latin name in capitals
    ("XYZ6年的市场规模年复合增长率是多少？", "XYZ", "6年", "市场规模", "年复合增长率"),  # six years, not a year
    ("某器械今年1-7月的营业收入是多少？", "某器械", "今年1-7月", "营业收入", ""),  # the months, not this year
    ("某公司去年Q3的毛利率是多少？", "某公司", "去年Q3", "毛利率", ""),
])
def test_fact_questions_parse_into_subject_period_indicator(question, subject, period, indicator, modifier):
    a = analyse(question)
    assert a.is_fact
    assert (a.subject, a.period, a.indicator.name, a.indicator.modifier) == (subject, period, indicator, modifier)


def test_short_years_and_aliases():
    a = analyse("某某医疗20Q1-Q3的营收是多少？")
    assert a.years == ("2020",) and "营业收入" in a.indicator.aliases
    assert analyse("某公司20年的收入是多少？").sub_period == ""  # 「20年」 is a year, not a part of one
    assert analyse("某公司2020年单Q3的毛利率是多少？").sub_period == "Q3"
    assert analyse("某指数2020年初的涨幅是多少？").sub_period == analyse("某指数20年初的涨幅是多少？").sub_period == "年初"
    assert has_year("2021", "预计21年出货量") and has_year("2020", "4Q20全球出货") and not has_year("2020", "12020台")
    assert not has_year("2010", "过去10年间行业增长3倍") and not has_year("2010", "近10年来持续增长")  # spans of years
    a = analyse("全球甲产品2007～2017年的产值年复合增长率是多少？")
    s = "2007～2017年这10年间全球甲产品产值年复合增长率达到了6.8%。"
    assert match(a, s, s, "", ["全球", "甲产品"]).bound == 1.0  # 「这10年间」 is not 2010, between the years and the rate


def test_a_year_glued_after_a_name_ending_in_a_digit():
    """「CR52043年」 is CR5 in 2043: the year is read (a question about a year no report gives must find none), while
    a longer run of digits holds no year (「52043年」, 「12020台」)."""
    a = analyse("CR52043年的销售收入占比是多少？")
    assert a.subject == "CR5" and a.years == ("2043",)
    assert analyse("Q32020年的营业收入是多少？").years == ("2020",)
    assert analyse("某数据52043年的规模是多少？").years == ()
    no_pos = lambda text: []  # noqa: E731
    assert presence("CR52043年的销售收入占比是多少？", "CR5的销售收入占比为38%。", "", no_pos).years_ok is False


def test_forecast_years_written_short_after_a_year():
    """Forecasts name their years short after the first one: 2020/21/22, 2020-22年, 20-24E."""
    a = analyse("某某医疗2020/21/22年的EPS是多少？")
    assert a.subject == "某某医疗" and a.years == ("2020", "2021", "2022")
    assert analyse("某某医疗2020/21的归母净利润是多少？").years == ("2020", "2021")
    assert analyse("某某医疗2020-22年的营业收入是多少？").years == ("2020", "2022")
    a = analyse("中国某产品20-24E的市场规模是多少？")
    assert a.subject == "中国某产品" and a.years == ("2020", "2024")
    s = "我们维持盈利预测：公司2020/21营收13.72/18.28亿元，归母净利润2.24/4.26亿元。"
    assert has_year("2021", s) and has_year("2020", s) and not has_year("2022", s)
    assert not has_year("2021", "毛利率为2020/21.5%")  # a figure after a slash is no year


@pytest.mark.parametrize("question", [
    "哪家机构预测了市场规模？", "报告认为行业为什么会增长？", "请总结各报告的观点", "When was it launched?",
])
def test_other_questions_are_not_single_facts(question):
    assert not analyse(question).is_fact


def test_a_sentence_states_the_fact_only_with_subject_year_indicator_and_a_quantity():
    a = analyse("青禾医疗2020年的营业收入是多少？")
    words = ["青禾医疗"]
    full = match(a, "2020年公司实现营业收入12.6亿元，同比增长31.5%。", "", "青禾医疗（688001）：国产内镜龙头", words)
    assert full.complete and full.near == 1.0
    other_year = match(a, "2021年公司营业收入预计16.8亿元。", "", "青禾医疗（688001）：国产内镜龙头", words)
    assert not other_year.complete
    no_number = match(a, "2020年公司营业收入保持增长。", "", "青禾医疗（688001）", words)
    assert not no_number.complete
    other_company = match(a, "2020年行业营业收入为300亿元。", "", "电子行业月报", words)
    assert not other_company.complete


def test_an_amount_is_not_answered_by_a_growth_rate():
    a = analyse("甲品种20H1的批签发量是多少？")
    rate = match(a, "甲品种中，乙公司的20H1批签发增速为-46%。", "", "", ["甲品种"])
    assert rate.number < 1 and not rate.complete  # a percentage is no 批签发量
    amount = match(a, "20H1甲品种、丙品种批签发量分别为62万和81万支。", "", "", ["甲品种"])
    assert amount.number == 1.0 and amount.complete
    growth = match(analyse("甲品种20H1的批签发量同比是多少？"), "甲品种20H1批签发增速为-46%。", "", "", ["甲品种"])
    assert growth.number == 1.0  # a ratio indicator still takes its percentage


def test_a_subject_named_as_asked_beats_its_words_scattered():
    a = analyse("光学电子板块2020年H1的营业收入是多少？")
    words = ["光学", "电子", "板块"]
    title = "电子行业2020年半年报总结"
    scattered = match(a, "2020年H1光学元件板块实现营业收入290.91亿元，同比增长2.37%。", "", title, words)
    named = match(a, "2020年H1光学电子板块实现营业收入2238.86亿元，同比减少7.53%。", "", title, words)
    assert scattered.complete and named.complete  # both state a whole fact …
    assert named.phrase == 1.0 and scattered.phrase == 0.0 and named.score > scattered.score + 0.3  # … one of it


def test_region_conflict_and_synonyms():
    a = analyse("国内医美2019年的市场规模是多少？")
    words = ["国内", "医美"]
    assert match(a, "2019年我国医美市场规模达到1769亿元。", "", "", words).subject == 1.0
    assert match(a, "2019年全球医美市场规模达到1.2万亿元。", "", "中国医美行业研究", words).subject < 0.75


def test_words_of_rejoins_pieces_of_unknown_names():
    class Cut:  # jieba-like: an unknown name in pieces
        def words(self, text):
            return {"狂免": ["狂", "免"], "唯品会": ["唯品", "会"], "全球储能": ["全球", "储能"],
                    "32寸的LCD电视": ["32", "寸", "的", "LCD", "电视"]}[text]

    assert words_of("狂免", Cut()) == ["狂免"]
    assert words_of("唯品会", Cut()) == ["唯品会"]
    assert words_of("全球储能", Cut()) == ["全球", "储能"]
    assert words_of("32寸的LCD电视", Cut()) == ["32寸", "lcd", "电视"]  # 的 ends the word before it


def test_quote_quality_keeps_tables_and_captions_out_of_the_lead():
    assert is_table_like("2017201820192020营业收入5.16.79.612.6同比增长18%31%43%31%")
    assert not is_table_like("2020年Q1/Q2/Q3批签发量分别为1012万支/1020万支/820万支，同比增长12%。")
    assert not is_table_like("2017/2018/2019年公司营收分别为2.22/3.21/5.58亿元，同比增速为58.09%/44.28%/73.74%。")
    assert is_table_like("2017/2018/2019 2.22/3.21/5.58 58.09%/44.28%/73.74%")  # the same numbers, no sentence
    assert quote_quality("2020年公司实现营业收入12.6亿元，同比增长31.5%。") == 1.0
    assert quote_quality("图表3：公司营业收入及增速资料来源：Wind，某某证券研究所") < 0.6
    # decimals glued cell to cell under a chart's caption words: a table, however many words follow it
    assert is_table_like("151.21.50.91.70.00.20.40.61.82017Q32018Q4甲公司1.21.11.21.50.9甲公司乙产品：2019年丙公司占比提高乙产品情况（万支）")
    assert not is_table_like("报告发布于2020.07.05，甲产品2019年批签发98.4万瓶，和去年基本持平。")
    # ranges (2004-2014年, 7%-8%, 20-40亿元) are one figure each, not cells glued together
    assert not is_table_like("2004-2014年我国甲行业收入的复合增速达25%，远高于全球7%-8%的增速。")
    assert not is_table_like("2）公司端：甲公司乙产品销售规模20-40亿元，市占率约4%-8%；丙产品销售规模25-30亿元，市占率5%；"
                             "丁产品销售规模15-20亿元，市占率20%-30%；")


def test_a_quarter_or_half_glued_to_its_year_is_the_asked_sub_period():
    """「甲品种19H1批签发465万瓶」 answers 「甲品种19H1的…」: the period is the one asked, not another one."""
    a = analyse("甲品种19H1的批签发量是多少？")
    assert a.years == ("2019",) and a.sub_period == "H1"
    s = "甲品种19H1批签发465.0万瓶，同比-7%。"
    m = match(a, s, s, "", ["甲品种"])
    assert (m.years, m.sub_period, m.subject, m.indicator) == (1.0, 1.0, 1.0, 1.0)
    other = match(a, "甲品种19Q3批签发100万瓶。", "", "", ["甲品种"])
    assert other.sub_period < 0  # another quarter of the same year is another figure
    assert analyse("MiniLED20-23年的市场规模是多少？").years == ("2020", "2023")


def test_periods_in_a_question_are_not_names_and_years_split_from_latin_names():
    from bot.lexical import Tokenizer
    from bot.answer.refusal import signals

    tok = Tokenizer(__import__("pathlib").Path(__import__("tempfile").mkdtemp()))
    topics = dict(tok.topics("6G2030年的渗透率是多少？"))
    assert not any(w.endswith("2030") for w in topics)  # not 「g2030」, a name no report writes
    assert "pc" in dict(tok.topics("全球PC4Q20的出货量是多少？"))
    sig = signals(tok.topics("甲品种19Q4的批签发量是多少？"), {"甲品种": 1, "批签发量": 1}, 1.0, 0.9, tok)
    assert not any(n in ("q4", "19q4") for n in sig.names + sig.unknown_names)


def test_the_value_is_bound_to_the_year_asked():
    """A sentence naming the asked year is not enough: the figure must be stated for it — the year nearest before
    the value (with the years joined to it), and no part of that year when the question asks for a whole one."""
    a = analyse("中国某某仪2019年的出口市场规模是多少？")
    words = ["中国", "某某仪"]
    later = match(a, "预计到2024年，中国某某仪出口市场规模将达到3.5亿人民币，2019年至2024年的年复合增长率为58.8%。",
                  "", "", words)
    stated = match(a, "到2019年，中国某某仪出口市场规模约为3,460万人民币。", "", "", words)
    assert later.bound == -0.5 and stated.bound == 1.0 and stated.score > later.score
    whole = analyse("某某药2020年的营业收入同比是多少？")
    half = match(whole, "某某药：2020年上半年收入同比减少5.35%至818亿港元。", "", "", ["某某药"])
    year = match(whole, "某某药：2020年实现营业收入1771亿港元，同比小幅下降0.22%。", "", "", ["某某药"])
    assert half.bound == -0.5 and year.bound == 1.0
    listed = analyse("某品牌2017年的销量是多少？")  # years joined into one mention
    assert match(listed, "公司2017/2018/2019年某品牌的销售量分别为51/63/70万支。", "", "", ["某品牌"]).bound == 1.0
    ranged = analyse("全球某设备2019-2024年的出货量年复合增长率是多少？")
    assert match(ranged, "2019-2024年全球某设备出货量复合增长率达20.02%。", "", "", ["全球", "某设备"]).bound == 1.0
    assert match(a, "中国某某仪出口市场规模约为3,460万人民币。", "", "", words).bound == 0.0  # no year before it
    assert match(analyse("某某仪的市场规模是多少？"), "2019年市场规模为3亿元。", "", "", ["某某仪"]).bound is None


def test_an_estimate_answers_a_size_question_only_when_it_measures_what_is_asked():
    """One sentence can state the market and the domestic share of it (「市场容量接近200亿，国产占比不到20亿」): the
    estimate of 国产占比 is not the answer to 市场容量; an estimate naming no indicator, or the one asked, is."""
    from types import SimpleNamespace

    from bot.answer.engine import _measures_asked

    asked = analyse("某某检测2016年的市场容量是多少？")
    assert not _measures_asked(SimpleNamespace(extra={"subject": "国产占比"}), asked)
    assert _measures_asked(SimpleNamespace(extra={"subject": "某某检测市场规模"}), asked)
    assert _measures_asked(SimpleNamespace(extra={"subject": "某某监管市场"}), asked)
    share = analyse("某某检测2016年的国产占比是多少？")
    assert _measures_asked(SimpleNamespace(extra={"subject": "国产占比"}), share)
    rate = analyse("某电池2020~2022年的市场规模同比是多少？")  # a rate of the size is asked, not the size
    size = SimpleNamespace(extra={"subject": "某电池市场规模"}, result=SimpleNamespace(unit="亿元"))
    assert not _measures_asked(size, rate) and _measures_asked(size, analyse("某电池2020年的市场规模是多少？"))
    # a province's or another region's estimate does not answer a question about the country or a region
    national = analyse("国内某类药2018年的市场规模是多少？")
    assert not _measures_asked(SimpleNamespace(extra={"subject": "广东省某类药市场规模"}), national)
    assert _measures_asked(SimpleNamespace(extra={"subject": "我国某类药市场规模"}), national)
    assert _measures_asked(SimpleNamespace(extra={"subject": "某类药市场规模"}), national)
    assert not _measures_asked(SimpleNamespace(extra={"subject": "美国某类药市场规模"}), analyse("全球某类药2018年的市场规模是多少？"))
    unnamed_share = SimpleNamespace(extra={"subject": "占比"}, result=SimpleNamespace(unit="%"))
    assert not _measures_asked(unnamed_share, analyse("某剂型的市场规模占比是多少？"))


def test_an_amount_followed_by_rate_is_another_indicator():
    """净利润率 is a margin: a sentence about it does not state the 净利润 (or its growth) asked."""
    a = analyse("某板块的净利润同比是多少？")
    margin = match(a, "净利润率方面，某板块同比提升2.1pct为7.0%。", "", "", ["某板块"])
    growth = match(a, "某板块收入增速为15.5%，净利润增速为31.1%。", "", "", ["某板块"])
    assert margin.indicator == 0.0 and growth.indicator == 1.0 and growth.score > margin.score
    assert match(analyse("某药的渗透率是多少？"), "某药渗透率为3%。", "", "", ["某药"]).indicator == 1.0


def test_a_month_is_not_the_months_up_to_it():
    a = analyse("某品种2月的批签发量同比是多少？")
    assert match(a, "某公司批签发量前2月同比增长27%，某品种同比下滑11%。", "", "", ["某品种"]).sub_period == -0.5
    assert match(a, "2月份共批签发某品种65.95万瓶，同比下滑67%。", "", "", ["某品种"]).sub_period == 1.0


def test_a_part_of_a_year_asked_with_a_range_is_asked():
    a = analyse("某器械2008-2015年上半年的并购数量是多少？")
    s = "2008-2015年上半年，中国某器械行业共发生了111笔并购。"
    assert match(a, s, "", "", ["某器械"]).bound == 1.0


def test_a_name_straddling_the_subjects_end_is_not_checked():
    """jieba reads 「美国医美的渗透率」 as 美国 / 医 / 美的: 美的 is a company's name, but not one the question writes."""
    from bot.answer.engine import _names_of_question

    a = analyse("美国医美的渗透率是多少？")
    assert _names_of_question(["美国", "美的"], a) == ["美国"]
    b = analyse("某公司2020年对美的销售额是多少？")  # a name outside the subject stays
    assert "美的" in _names_of_question(["美的"], b)


def test_a_rate_of_a_market_may_name_the_market_in_short():
    """「皮肤学级市场复合增速」 states the 市场规模's CAGR: with the rate asked and stated, the base's first word will do."""
    a = analyse("某国皮肤学级2010-2019年的市场规模年复合增长率是多少？")
    m = match(a, "2010-2019年某国皮肤学级市场复合增速为13.89%。", "", "", ["某国", "皮肤学级"])
    assert m.indicator == 0.5 and m.complete
    assert match(a, "2010-2019年某国皮肤学级销量复合增速为13.89%。", "", "", ["某国", "皮肤学级"]).indicator == 0.0
    margin = analyse("某板块的净利润同比是多少？")  # 净利率 is a rate of its own
    assert match(margin, "某板块净利率同比提升2.1pct。", "", "", ["某板块"]).indicator == 0.0
    # and a rate asked is not named by its first word: 净利率's 「净利」 is the profit, whose growth is no margin's change
    rate = analyse("某板块2020年的净利率同比是多少？")
    profit = match(rate, "2020年，某板块的扣非后归母净利润总额为1006.72亿元，同比增长44.54%。", "", "", ["某板块"])
    assert profit.indicator == 0.0 and not profit.complete
    assert match(rate, "2020年某板块净利率为10.5%，同比提升1.34pct。", "", "", ["某板块"]).complete


def test_the_pieces_jieba_leaves_of_a_quarter_first_period_are_no_names():
    from bot.answer.refusal import _PERIOD

    assert all(_PERIOD.match(w) for w in ("q1", "4q20", "q21", "fy21", "20h1"))
    assert not _PERIOD.match("qled") and not _PERIOD.match("q50")


def test_a_sentence_naming_another_part_of_the_year_does_not_state_the_fact():
    a = analyse("某品种2020年3月的批签发量是多少？")
    other = match(a, "2020年2月某品种批签发量为65万瓶。", "", "", ["某品种"])
    asked = match(a, "2020年3月某品种批签发量为71万瓶。", "", "", ["某品种"])
    assert other.sub_period == -0.5 and not other.complete and asked.complete


def test_a_value_stated_only_for_another_year_is_not_the_fact_asked():
    """「某机场2020年旅客吞吐量突破1600万人次」 does not answer 2021: every value follows another year."""
    a = analyse("2021年某机场的旅客吞吐量是多少？")
    other = match(a, "某机场2020年旅客吞吐量突破1600万人次，今年单日最高旅客量突破11万人次。",
                  "2021年初，某机场发布数据。某机场2020年旅客吞吐量突破1600万人次，今年单日最高旅客量突破11万人次。", "",
                  ["某机场"])
    assert other.bound == -0.5 and not other.complete
    same = match(a, "截至2021年12月31日，某机场年旅客吞吐量突破2500万人次。", "", "", ["某机场"])
    assert same.bound == 1.0 and same.complete


def test_a_four_digit_value_with_a_unit_is_no_year_and_joined_periods_may_hold_a_quarter():
    a = analyse("国内某灯2019年的价格是多少？")
    assert match(a, "2019年平均某灯价格为1931元/套。", "", "", ["国内", "某灯"]).bound == 1.0
    q = analyse("某行业2021年第一季度的净利润同比是多少？")
    s = "2021年第一季度和2020年第四季度某行业的整体净利润分别同比增长71.4%和20.1%。"
    assert match(q, s, "", "", ["某行业"]).bound == 1.0


def test_a_rate_per_mille_is_a_rate_and_a_phrase_without_a_number_asked_is_no_fact():
    a = analyse("我国2021年人口出生率是多少？")
    assert match(a, "2021年我国人口出生率为7.52‰。", "", "", ["我国"]).complete
    assert not match(a, "2021年我国出生人口1062万人。", "", "", ["我国"]).complete
    assert not analyse("2022年某公司春季发布会的新手机").is_fact  # may ask for a name


def test_a_price_movement_is_a_rate_and_percentage_points_are_no_count():
    a = analyse("2022年12月某国CPI上涨了多少？")
    m = match(a, "2022年12月某国CPI同比上涨6.5%，为2021年10月以来的最小涨幅，较前值7.1%回落0.6个百分点。", "", "", ["某国"])
    assert m.bound == 1.0 and m.complete
    assert has_year("2015", "15-19年全市场复合增速达到22.5%") and not has_year("2015", "2019年的15-20家医院")


def test_a_quarter_written_first_is_a_part_of_its_year():
    s = "其中：4Q20全球某电脑出货量6819.39万台，同比增长44.07%。"
    assert match(analyse("某电脑2020年的出货量是多少？"), s, "", "", ["某电脑"]).bound == -0.5
    assert match(analyse("某电脑4Q20的出货量是多少？"), s, "", "", ["某电脑"]).bound == 1.0


def test_a_rough_count_is_a_quantity_and_against_last_year_is_year_on_year():
    a = analyse("国内2020年的采浆量是多少？")
    assert match(a, "2020年国内总体采浆量预计8300多吨，同比下降约8%。", "", "", ["国内"]).complete
    b = analyse("样本企业的资产合计同比是多少？")
    m = match(b, "截至2020年9月末，样本企业资产总额合计3,246.79亿元，较上年末增长30.59%。", "", "", ["样本企业"])
    assert m.modifier == 1.0 and m.complete


def test_a_figure_of_the_indicators_kind_states_it_when_the_clause_names_no_indicator():
    """「2021年甲电视将会达到440万台」 states 甲电视's 销量 without the word; 「预计2021年甲灯占各类乙灯的60%」
    甲灯's share. Not when the clause names another indicator (出货量, 营收), the figure is of another kind, or the
    year or subject is not in the sentence."""
    sales = analyse("甲电视2021年的销量是多少？")
    assert match(sales, "根据调研，2021年甲电视将会达到440万台，占整体市场比重约2%。", "", "", ["甲电视"]).complete
    assert not match(sales, "2021年甲电视出货量将会达到440万台。", "", "", ["甲电视"]).complete
    assert not match(sales, "2021年甲电视将会达到44亿元。", "", "", ["甲电视"]).complete
    assert not match(sales, "2022年甲电视将会达到440万台。", "", "", ["甲电视"]).complete
    share = analyse("甲灯2021年的市占率是多少？")
    assert match(share, "预计2021年甲灯占各类乙灯的60%，发展空间大。", "", "", ["甲灯"]).complete
    assert not match(share, "预计2021年甲灯增长60%。", "", "", ["甲灯"]).complete
    size = analyse("甲行业2019年的市场规模是多少？")
    assert match(size, "2019年甲行业约170亿美金，其中乙产品约100亿美金。", "", "", ["甲行业"]).complete
    assert not match(size, "2019年甲行业净利润约170亿元。", "", "", ["甲行业"]).complete


def test_an_index_is_answered_by_its_level_or_its_move():
    """「X的股票指数是多少」: reports give an index's level (11507.51点) or, more often, its move (上涨0.63%,
    涨幅分别为…); both state it. Other indicators keep their kind (a 市场规模 is never a percentage)."""
    a = analyse("甲板块II的股票指数是多少？")
    assert a.indicator.name == "股票指数"
    assert match(a, "本周甲板块II上涨0.63%，跑赢大盘。", "", "", ["甲板块", "ii"]).complete
    assert match(a, "子板块中乙板块、甲板块II涨幅分别为3.39%、1.07%。", "", "", ["甲板块", "ii"]).complete
    assert match(a, "甲板块II收于11507.51点。", "", "", ["甲板块", "ii"]).number == 1.0
    assert not match(a, "甲板块II表现较好。", "", "", ["甲板块", "ii"]).complete
    size = analyse("甲行业2019年的市场规模是多少？")
    assert not match(size, "2019年甲行业市场规模增长12%。", "", "", ["甲行业"]).complete


def test_a_year_inside_a_listed_span_is_stated():
    """「预计2020-2022年归母净利润分别为3.98/6.15/9.42亿元」 states 2021's figure (the middle item): a year strictly
    inside a span whose figures are listed one a year. A span without a list (a CAGR over 2019-2023) states none of
    the years between."""
    a = analyse("甲公司2021年的归母净利润是多少？")
    listed = "我们预计甲公司2020-2022年归母净利润分别为3.98/6.15/9.42亿元。"
    assert match(a, listed, listed, "", ["甲公司"]).complete
    assert has_year("2021", "20-22年出货量分别为2.0、4.5、7.5亿部")
    assert not has_year("2021", "2019-2023年甲公司归母净利润复合增长率为20%")
    assert not match(a, "甲公司2019-2023年归母净利润由3亿元增至9亿元。", "", "", ["甲公司"]).complete


def test_a_valuation_multiple_is_stated_in_times_not_percent():
    """市盈率 ends in 率 but reports state it in 倍 or 「94X」: 「甲公司2021年的PE是多少」 is answered by those, never by
    a percentage."""
    a = analyse("甲公司2021年的PE是多少？")
    assert a.indicator.name == "市盈率"
    for s in ("甲公司2021年PE为37倍。", "对应甲公司2021年市盈率为37倍。", "甲公司2021年PE为37X。"):
        assert match(a, s, s, "", ["甲公司"]).complete, s
    assert not match(a, "甲公司2021年PE同比提升37%。", "", "", ["甲公司"]).complete


def test_a_single_quarter_is_written_many_ways_but_never_as_the_first_three_quarters():
    """单三季度 is answered by 「单三季度」「2020Q3」「3Q20」「第三季度」, not by 「前三季度」 (three quarters together)."""
    a = analyse("某某科技单三季度的营业收入同比是多少？")
    assert a.sub_period == "三季度"
    cumulative = match(a, "2020年前三季度，公司实现营业收入4.6亿元，同比增长17.4%。", "", "某某科技（000001）", ["某某科技"])
    assert cumulative.sub_period < 1
    for s in ("单三季度来看，公司实现营业收入2.2亿元，同比增长43%。", "2020Q3公司营业收入2.2亿元，同比增长43%。",
              "3Q20公司营业收入2.2亿元，同比增长43%。", "第三季度公司营业收入2.2亿元，同比增长43%。"):
        assert match(a, s, "", "某某科技（000001）", ["某某科技"]).sub_period == 1.0, s
    assert match(analyse("某器件2021一季度的营业收入是多少？"), "2021一季度某器件子行业营收为27.4亿元。", "", "",
                 ["某器件"]).sub_period == 1.0  # the quarter right after the year's digits
    for question in ("某板块2020Q1-3的营业收入同比是多少？", "某板块2020Q1-Q3的营业收入同比是多少？", "某板块2020年前三季度的营业收入同比是多少？"):
        cum = analyse(question)  # the first three quarters together, however the question writes them
        assert cum.sub_period in ("Q1-3", "Q1-Q3", "前三季度") and cum.years == ("2020",), question
        for s in ("2020Q1-3某板块营收同比增长5.4%。", "2020年前三季度某板块营收同比增长5.4%。", "2020年1-9月某板块营收同比增长5.4%。"):
            assert match(cum, s, "", "", ["某板块"]).sub_period == 1.0, (question, s)
        assert match(cum, "2020Q1某板块营收同比增长5.4%。", "", "", ["某板块"]).sub_period < 1
    half = analyse("某品种2020年上半年的批签发量是多少？")
    assert match(half, "某品种20H1批签发465万瓶。", "", "", ["某品种"]).sub_period == 1.0
    q1 = analyse("某品种2021Q1的批签发量是多少？")  # a figure glued to its quarter in PDF text
    assert match(q1, "其他品种如某品种（规格换算）2021Q1317万瓶(+22%)。", "", "", ["某品种"]).sub_period == 1.0
    year = analyse("全球某设备2020全年的出货量同比是多少？")  # 全年 right after the year's digits
    assert match(year, "2020全年，全球某设备出货量为4.4亿部，同比增长28.4%。", "", "", ["全球", "某设备"]).sub_period == 1.0
    assert not match(analyse("某品种第一季度的批签发量是多少？"), "某品种Q1-Q3批签发300万瓶。", "", "",
                     ["某品种"]).sub_period == 1.0


def test_a_sentence_naming_neither_subject_nor_indicator_does_not_state_the_fact():
    """Under a passage about 甲存储's 资本支出, 「乙代工支出预计将在2021年…达到320亿美元」 is another figure."""
    a = analyse("甲存储2021年的资本支出是多少？")
    passage = "甲存储资本支出将保持增长。乙代工支出预计将在2021年增长23%，达到320亿美元。"
    other = match(a, "乙代工支出预计将在2021年增长23%，达到320亿美元。", passage, "", ["甲存储"])
    assert other.subject < 1 and other.indicator < 1 and not other.complete
    own = match(a, "甲存储资本支出到2021年将达到280亿美元。", passage, "", ["甲存储"])
    assert own.complete


def test_sales_revenue_is_asked_as_the_reports_write_it():
    """People asking 销售收入 of a product read 「…销售额为6329万元」 (annotations: 39 of 49 such sentences)."""
    a = analyse("某某药2019年的销售收入是多少？")
    assert a.indicator.name == "销售额" and {"销售额", "销售收入", "营业收入"} <= set(a.indicator.aliases)
    assert match(a, "2019年样本医院某某药销售额为6329万元，同比增长34.49%。", "", "", ["某某药"]).complete


def test_spans_of_years_and_time_words_are_no_part_of_the_subject_or_a_year():
    """「最近四年」 and 「直至」 belong to the period, not to the subject; 「20年期间」 is a span of 20 years, not 2020."""
    a = analyse("某某科技最近四年的净利率是多少？")
    assert (a.subject, a.sub_period) == ("某某科技", "最近四年")
    assert analyse("某类药企直至2019年的研发费用是多少？").subject == "某类药企"
    span = analyse("某国1997年到2017年的20年期间的医疗支出是多少？")
    assert span.years == ("1997", "2017")
    s = "从1997年到2017年的20年期间，某国医疗支出增加了14.16万亿日元。"
    assert match(span, s, s, "", ["某国"]).complete
    assert not has_year("2020", "10年期国债收益率为3%") and has_year("2020", "20年期末现金为3亿元")


def test_a_provinces_figure_is_not_the_countrys():
    a = analyse("国内某类用药2018年的市场规模是多少？")
    province = match(a, "测算2018年甲省某类用药市场规模为113.92亿元。".replace("甲省", "广东省"), "", "国内某类用药市场研究",
                     ["国内", "某类用药"])
    assert not province.complete
    national = match(a, "2018年国内某类用药市场规模为518亿元。", "", "", ["国内", "某类用药"])
    assert national.complete


def test_another_regions_amount_is_not_the_regions_asked():
    """Asked for 全球's amount, a sentence naming 全球 only after other regions' amounts does not state it; one whose
    amount follows 全球 does, and a share 「占全球…的38.7%」 is left to the other checks."""
    a = analyse("全球某类手机3Q20的出货量是多少？")
    words = ["全球", "某类手机"]
    others = "根据某机构数据，3Q20甲国某类手机出货量5425.79万部，同比增长16.50%；3Q20乙国某类手机出货量2294.49万部，带动全球某类手机逐步复苏。"
    for r in (("甲国", "印度"), ("乙国", "美国")):
        others = others.replace(*r)
    assert not match(a, others, "", "", words).complete
    own = "3Q20全球某类手机出货量3.55亿部，同比下降1.3%，其中印度出货量5425.79万部。"
    assert match(a, own, "", "", words).complete
    share = analyse("美国某类药2018年的市场规模是多少？")
    s = "2018年，美国某类药市场规模为4,908亿美元，占全球某类药市场的38.7%。"
    assert match(share, s, "", "", ["美国", "某类药"]).complete
    world = analyse("全球某类药2018年的市场规模是多少？")
    assert not match(world, s, "", "", ["全球", "某类药"]).complete
    # the country's own 国内, a 国外 inside 「我国外周」, a value in a clause naming no region, a 「分别」 list: not another's
    japan = analyse("日本某类电器2010年全年的需求量是多少？")
    s = "2010年末日本国内某类电器单月需求超过2000亿日元，2010年全年总需求达到11362亿日元。"
    assert match(japan, s, "", "", ["日本", "某类电器"]).complete
    s = "20世纪50年代日本生产的某类电器曾经风靡全球，被誉为世界“某类电器王国”，2010年全年某类电器需求量超600万台。"
    assert match(japan, s, "", "", ["日本", "某类电器"]).complete
    home = analyse("我国外周某类器械2011年的市场规模是多少？")
    s = "我国外周某类器械市场2011年行业市场规模14亿，到2014年达20亿元。"
    assert match(home, s, "", "", ["我国", "外周某类器械"]).complete
    listed = analyse("全球某类CRO2019年的市场规模是多少？")
    s = "2019年，全球与我国某类CRO市场规模分别为129亿美元与14亿美元，2015-2019年CAGR分别为10.8%与33.4%。"
    assert match(listed, s, "", "", ["全球", "某类CRO"]).complete


def test_a_value_right_after_the_subject_is_its_own_figure():
    """In 「疫情推动乙品种增长，甲品种：2020年全年甲品种批签发5938万支」 乙品种 is named, but the figure is 甲品种's; in
    「乙品种：2020年全年，乙品种注射液批签发1321万支」 it follows 乙品种 closely: that sentence scores higher."""
    a = analyse("乙品种2020年全年的批签发量是多少？")
    other = match(a, "疫情推动乙品种增长，甲品种国产进口两重天，甲品种：2020年全年甲品种批签发5938万支。", "", "", ["乙品种"])
    own = match(a, "乙品种：2020年全年，乙品种注射液批签发1321万支。", "", "", ["乙品种"])
    assert (other.owner, own.owner) == (0.0, 1.0) and own.score > other.score
    assert match(a, "2020年全年批签发1321万支。", "", "乙品种专题", ["乙品种"]).owner is None  # subject not in the sentence


def test_a_figure_of_another_indicator_or_a_multiple_does_not_state_the_fact():
    """The passage names 营业收入, the sentence states 归母净利润's growth; 「是2019年市场规模的1.76倍」 is a multiple."""
    a = analyse("某某科技单三季度的营业收入同比是多少？")
    passage = "公司营业收入保持增长。某某科技上半年归母净利润同比+14.59%，Q3单季度同比+55.97%。"
    other = match(a, "某某科技上半年归母净利润同比+14.59%，Q3单季度同比+55.97%。", passage, "", ["某某科技"])
    assert other.indicator == 0 and not other.complete
    size = analyse("我国某行业2019年的市场规模是多少？")
    s = "预计到2023年，我国某行业市场规模将增加到3115亿元，是2019年市场规模的1.76倍。"
    assert not match(size, s, s, "", ["我国", "某行业"]).complete


def test_a_statement_of_several_clauses_is_no_single_fact_question():
    """「报告指出，甲行业的竞争格局正在变化，龙头企业的市占率持续提升？」 asks whether the reports say so (the sentence is the
    answer), not for one figure; 「甲公司2020年营收？」 still asks for one."""
    assert not analyse("报告指出，甲行业的竞争格局正在变化，龙头企业的市占率持续提升？").is_fact
    assert analyse("甲公司2020年营收？").is_fact and analyse("甲公司2020年的营收是多少？").is_fact


def test_a_growth_rate_over_the_span_asked_states_the_subjects_cagr_without_naming_the_base():
    """「2014-2018年甲材料…CAGR9%左右」 is 甲材料's market growth over the span asked; not when the sentence names another
    measure (净利润, 销量), the span is another, or the subject is elsewhere."""
    a = analyse("全球甲材料2014-2018年的市场规模年复合增长率是多少？")
    words = ["全球", "甲材料"]
    assert match(a, "受原料所限，2014-2018年全球甲材料只是平稳增长，CAGR9%左右。", "", "", words).complete
    assert not match(a, "2014-2018年全球甲材料净利润CAGR9%左右。", "", "", words).complete
    assert not match(a, "2014-2018年全球甲材料销量CAGR9%左右。", "", "", words).complete
    assert not match(a, "2014-2019年全球甲材料只是平稳增长，CAGR9%左右。", "", "", words).complete
    assert not match(a, "2014-2018年行业只是平稳增长，CAGR9%左右。", "", "", words).complete


def test_a_names_brackets_are_not_its_words():
    """A subject asked without its brackets (碘125I) is found where the report writes 碘[125I] or 锝【99m】."""
    a = analyse("碘[125I]籽源2012-2019年的销售额是多少？")
    assert match(a, "样本医院碘[125I]籽源2019年销售额为3.2亿元。", "", "", ["碘125i", "籽源"]).subject == 1
    assert match(a, "样本医院碘［125I］籽源2019年销售额为3.2亿元。", "", "", ["碘125i", "籽源"]).subject == 1


def test_an_item_of_a_list_owns_the_value_a_later_respectively_gives_in_its_place():
    """「甲药、乙药、丙药…同比增速分别为19%、-5%和-6%」 gives 甲药's figure; 「甲药中，A厂、B厂的增速分别为…」 gives the
    makers' figures, not 甲药's, however close they are."""
    a = analyse("甲药1-7月份的批签发量同比是多少？")
    listed = ("特免：7月份甲药、乙药、丙药分别披露批签发量108万、31万、8万支，"
              "1-7月份同比增速分别为19%、-5%和-6%。")
    assert match(a, listed, listed, "", ["甲药"]).owner == 1
    makers = "甲药中，A厂、B厂、C厂的1-7月份批签发增速分别为69%、-43%、88%。"
    assert match(a, makers, makers, "", ["甲药"]).owner == 0
    uneven = "7月份甲药、乙药、丙药批签发量合计147万支，同比增速分别为19%、-5%。"  # two values for three items
    assert match(a, uneven, uneven, "", ["甲药"]).owner == 0


def test_a_quarter_glued_to_a_known_latin_name_is_no_unknown_name():
    """jieba keeps 「PCQ3」 whole: PC in Q3 is known when PC is; a name the library never uses stays unknown."""
    from bot.answer.refusal import signals

    vocab = {"pc": 1, "出货量": 1}
    sig = signals([("pcq3", True), ("pch1", True), ("xyq3", True)], vocab, 0.5, 0.9)
    assert sig.unknown_names == ["xyq3"]
    # 「MEMS6年的…年复合增长率」: six years of MEMS; a model number of two digits is a name of its own
    vocab = {"mems": 1, "iphone": 1}
    sig = signals([("mems6", True), ("iphone12", True), ("xy6", True)], vocab, 0.5, 0.9)
    assert sig.unknown_names == ["iphone12", "xy6"]


def test_a_known_measure_followed_by_a_rate_word_is_a_rate_of_its_own():
    """「产能利用率」 asks a rate, not the 产能 the vocabulary knows (whose figures are counts); 「营收增长率」 is still
    营收 and its change, and a modifier after the rate stays with it."""
    a = analyse("甲公司2019年的产能利用率是多少？")
    assert (a.subject, a.indicator.name, a.indicator.own) == ("甲公司", "产能利用率", True)
    a = analyse("甲公司2020年的产能利用率同比是多少？")
    assert (a.subject, a.indicator.name, a.indicator.modifier) == ("甲公司", "产能利用率", "同比")
    a = analyse("甲公司2020年的营收增长率是多少？")
    assert (a.indicator.name, a.indicator.modifier, a.indicator.own) == ("营业收入", "同比", False)
    # a known alias with 率 straight after it is a rate too: 「归母净利率」 is no 归母净利(润), 「净利率」 no 净利润
    a = analyse("甲公司的归母净利率是多少？")
    assert (a.subject, a.indicator.name, a.indicator.own) == ("甲公司", "归母净利率", True)
    from bot.answer.match import match
    s = "甲公司归母净利率28.2%，同比下降4.6pct。"
    assert match(a, s, s, "", ["甲公司"]).complete


def test_a_price_range_is_no_year():
    """「2000-2999元」 is a price band, not the year 2000: the shares after it are still 2019's."""
    from bot.answer.match import match
    q = "甲类手机2019年的销售额占比是多少？"
    s = "2019年，4000元以上、3000-3999元、2000-2999元的甲类手机销售额占比分别为3.9%、14.1%、25.0%。"
    assert match(analyse(q), s, s, "", ["甲类", "手机"]).bound == 1


def test_the_value_a_from_pair_rises_to_is_not_the_from_years():
    """「占比将从2018年的39%上升到52%」 after 「将在2020年…」: 52% is 2020's share, 39% 2018's."""
    s = "甲面板出货量将在2020年达到3.4亿，超过乙面板的出货量，占比将从2018年的39%上升到52%。"
    assert match(analyse("甲面板2020年的出货量占比是多少？"), s, s, "", ["甲", "面板"]).bound == 1
    assert match(analyse("甲面板2018年的出货量占比是多少？"), s, s, "", ["甲", "面板"]).bound == 1
    alone = "占比将从2018年的39%上升到52%。"  # no year before the pair: 52% is no year's asked
    assert match(analyse("甲面板2020年的出货量占比是多少？"), alone, alone, "", ["甲", "面板"]).bound != 1


def test_a_month_or_half_of_a_short_year():
    """「21年2月」 is February 2021 and 「20年上半年」 the first half of 2020 (both were read as the whole year)."""
    a = analyse("中国某某21年2月的出货量是多少？")
    assert (a.years, a.sub_period) == (("2021",), "2月")
    a = analyse("某公司20年上半年的营收是多少？")
    assert (a.years, a.sub_period) == (("2020",), "上半年")


def test_another_regions_change_rate_is_not_the_regions_asked():
    """Asked for 全球's 同比, 「3Q20印度甲机出货量5425.79万部，同比增长16.50%…带动全球甲机复苏」 gives 印度's rate (the
    rate's clause continues the one naming 印度); a sentence giving 全球's own rate still states the fact, and a share
    (「占全球…的38.7%」) is left alone."""
    q = "全球甲机3Q20的出货量同比是多少？"
    india = "根据IDC数据，3Q20印度甲机出货量5425.79万部，同比增长16.50%，带动全球甲机逐步复苏。"
    world = "根据IDC数据，3Q20全球甲机出货量3.55亿部，同比下降1.06%，其中印度出货量同比增长16.5%。"
    assert not match(analyse(q), india, india, "", ["全球", "甲机"]).complete
    assert match(analyse(q), world, world, "", ["全球", "甲机"]).complete
    share = "2020年美国甲机市场规模为4,908亿美元，占全球甲机市场的38.7%。"
    assert match(analyse("全球甲机2020年的市场规模占比是多少？"), share, share, "", ["全球", "甲机"]).subject == 1


def test_a_respectively_of_years_does_not_hide_another_regions_amount():
    """「我国甲药…预计到2023年和2030年将分别达到…，均将高于同区间全球的复合增速」 gives 我国's amounts, though it names
    全球 at its end: a 「分别」 that pairs years (not regions) does not make its values anyone's."""
    s = ("2018年，我国甲药市场规模达到1575.4亿元，2014-2018年CAGR为12.8%，预计到2023年和2030年将分别达到3168.1亿元和"
         "6604.7亿元，均将高于同区间全球的复合增速。")
    assert not match(analyse("全球甲药2030年的市场规模是多少？"), s, s, "", ["全球", "甲药"]).complete
    assert match(analyse("我国甲药2030年的市场规模是多少？"), s, s, "", ["我国", "甲药"]).complete


def test_a_quarter_written_without_its_degree_is_read():
    """「2020年三季」, 「一季报」, 「前三季」 are quarters as much as 三季度 and 前三季度."""
    assert analyse("甲公司2020年三季的收入是多少？").sub_period == "三季度"
    assert analyse("甲公司2021年一季报的营业收入是多少？").sub_period == "一季度"
    assert analyse("甲行业前三季的毛利率是多少？").sub_period == "前三季度"
    assert analyse("甲公司2020年第三季度的收入是多少？").sub_period == "第三季度"


def test_words_before_a_known_indicator_qualify_it():
    """「X2019年的出口市场规模」 asks the export market: 出口 is kept as the indicator's qualifier, and a sentence naming
    it scores above one giving the whole market (both still state a 市场规模)."""
    a = analyse("中国甲器械2019年的出口市场规模是多少？")
    assert (a.subject, a.indicator.name, a.qualifier) == ("中国甲器械", "市场规模", "出口")
    assert analyse("中国甲器械2019年的市场规模是多少？").qualifier == ""
    whole = "中国甲器械市场规模从2015年的约6,200万人民币增长至2019年的约1.2亿人民币，其年复合增长率为17.1%。"
    export = "中国甲器械出口市场规模从2015年的1,520万攀升至在2019年的约6,300万人民币，其年复合增长率为42.7%。"
    words = ["中国", "甲", "器械"]
    w, e = match(a, whole, whole, "", words), match(a, export, export, "", words)
    assert w.complete and e.complete and e.score > w.score


def test_a_year_a_change_is_compared_to_is_not_its_period():
    """「2019年…810.9亿元，与2018年市场规模640亿元相比，其增长率为26.70%」 is 2019's growth (the reading filed under
    the year compared to is kept too: annotators file 「2013年…较2012年增长37.85%」 under 2012)."""
    s = "据推算，2019年我国甲耗材市场规模约为810.9亿元，与2018年市场规模640亿元相比，其增长率为26.70%。"
    words = ["我国", "甲耗材"]
    assert match(analyse("我国甲耗材2019年的市场规模同比是多少？"), s, s, "", words).complete
    # an amount after the compared year is still that year's (640亿元 is 2018's market)
    assert match(analyse("我国甲耗材2018年的市场规模是多少？"), s, s, "", words).complete


def test_months_after_this_year_are_the_period_asked():
    """「今年1-7月」 asks January to July: a sentence on 「今年1-10月」 names this year too, but not the months asked."""
    a = analyse("某器械今年1-7月的营业收入是多少？")
    assert a.sub_period == "1-7月"
    words = ["某器械"]
    other = match(a, "今年1-10月，某器械行业实现累计营业收入1,901.19亿元。", "", "", words)
    right = match(a, "今年1-7月，某器械行业实现累计营业收入1,274.46亿元。", "", "", words)
    assert right.complete and not other.complete


def test_a_rate_of_another_region_in_the_year_asked_is_not_the_regions():
    """「相比乙国的某店连锁率2018年已经达到62%，我国某店连锁率在2019年为55.34%」: the 2018 figure is 乙国's, the 我国 one is
    2019's — no 2018 figure for 我国; a sentence giving 我国's own 2018 rate states it, and a share's whole
    (「占全球…的38.7%」) owns nothing."""
    a = analyse("我国某店2018年的连锁率是多少？")
    words = ["我国", "某店"]
    other = "相比美国的某店连锁率2018年已经达到62%，我国某店连锁率在2019年为55.34%，提升空间较大。"
    assert not match(a, other, other, "", words).complete
    own = "我国某店连锁率从2011年的34.69%提升至2018年的52.15%，对比美国尚且有较大空间。"
    assert match(a, own, own, "", words).complete
    share = analyse("美国某类药2018年的市场规模占比是多少？")
    s = "2018年，美国某类药市场规模为4,908亿美元，占全球某类药市场的38.7%。"
    assert match(share, s, s, "", ["美国", "某类药"]).bound == 1


def test_the_whole_year_is_not_a_part_of_it():
    """Asked for a quarter or a half, 「2020年全年实现营收…」 states the whole year's figure, not the part asked."""
    s = "某生物2020年全年实现营收7.09亿元（+27.1%），扣非归母净利润为4.24亿元（+42.9%）。"
    for q in ("某生物2020Q2的扣非归母净利润是多少？", "某生物2020年上半年的扣非归母净利润是多少？"):
        assert not match(analyse(q), s, s, "", ["某生物"]).complete
    assert match(analyse("某生物2020年的扣非归母净利润是多少？"), s, s, "", ["某生物"]).complete


def test_a_list_of_owners_and_shares_keeps_the_first_owners_share():
    """「市占率前五的企业分别为韩国甲（23%）、美国乙（20%）」: 23% is 韩国甲's (the 占 of 市占率 names no whole)."""
    s = "2019年全球某类填充剂市占率前五的企业分别为韩国甲品牌（23%）、美国乙品牌（20%）、中国丙品牌（14%）。"
    assert match(analyse("韩国甲品牌2019年的市占率是多少？"), s, s, "", ["韩国", "甲品牌"]).complete
    assert match(analyse("美国乙品牌2019年的市占率是多少？"), s, s, "", ["美国", "乙品牌"]).complete


def test_plasma_collection_is_found_however_reports_word_it():
    """采浆量 is also written 血浆采集量 and 采血浆量 (the vocabulary is data, bot/answer/data/indicators.json)."""
    a = analyse("某国2018年的采浆量是多少？")
    for s in ("2018年某国的采血浆量仅为8600余吨。", "2018年某国血浆采集量为8600余吨。"):
        assert match(a, s, s, "", ["某国"]).complete


def test_a_span_of_years_from_now_is_read_in_digits_or_characters():
    """「未来三年」 is written 未来3年 too, 「近五年」 近5年 or 过去5年: a sentence naming the span asked is the one that
    states it (a CAGR over a past span of dates is another figure), whichever way it writes the number."""
    from bot.answer.extractive import lead_tier

    a = analyse("某行业未来三年的市场规模年复合增长率是多少？")
    ahead = "2020年国内某行业市场规模83亿美元，预期未来3年复合增速27.49%，远远高于全球市场增速。"
    past = "某行业市场规模从2016年的40亿美元增长到2019年的60亿美元，年复合增长率为14.5%。"
    m_ahead, m_past = (match(a, s, s, "", ["某行业"]) for s in (ahead, past))
    assert m_ahead.sub_period == 1 and lead_tier(m_ahead) < lead_tier(m_past)
    near = analyse("某行业近五年的市场规模年复合增长率是多少？")
    assert match(near, "某行业近5年市场规模年复合增长率达34.73%。", "", "", ["某行业"]).sub_period == 1
    assert match(near, "某行业近15年市场规模年复合增长率达34.73%。", "", "", ["某行业"]).sub_period != 1


def test_a_pair_of_short_years_is_two_years_and_not_the_subject():
    """「PC18、19年的出货量」 asks about 2018 and 2019 (the subject is PC, not 「PC18、」), and a sentence writing
    「18、19年…PC出货量在2.6亿台左右」 names both years."""
    from bot.answer.match import has_year

    a = analyse("PC18、19年的出货量是多少？")
    assert a.years == ("2018", "2019") and a.subject == "PC"
    s = "各类终端需求也在近2-3年趋于稳定，18、19年平板电脑年出货量在1.5亿台左右，PC出货量在2.6亿台左右。"
    assert has_year("2018", s) and has_year("2019", s) and not has_year("2017", s)
