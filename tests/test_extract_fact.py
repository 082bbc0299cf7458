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


def lead_of(question: str, h: Hit, tokenize):
    """The lead a single-fact answer to `question` takes from the one passage `h`."""
    return extract_fact(analyse(question), question, [h], tokenize)[0][0]


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


def test_the_value_must_follow_the_part_of_the_year_asked_not_just_share_a_sentence_with_it(tokenize):
    """Asked for 3Q20, a better-ranked sentence stating 4Q20's figure and naming 3Q20 only in passing does not lead;
    the sentence whose value follows 3Q20 does. Parts joined into one mention (「Q1/Q2/Q3…分别为」) still bind."""
    q = "全球PC3Q20的出货量是多少？"
    later = hit("a", "电子周观点", "根据IDC数据，4Q20全球PC出货量1.43亿台，同比增长23.42%，增速较3Q20继续扩大。", 1.0)
    own = hit("b", "消费电子季报", "根据IDC数据，3Q20全球PC出货量1.30亿台，同比增长19.68%。", 0.5)
    assert "1.30亿台" in extract_fact(analyse(q), q, [later, own], tokenize)[0][0].sentence.text
    joined = hit("c", "消费电子年报", "2020年全球PC的Q1/Q2/Q3出货量分别为0.9亿台/1.1亿台/1.30亿台。", 1.0)
    chosen, _ = extract_fact(analyse(q), q, [later, joined], tokenize)
    assert "分别为" in chosen[0].sentence.text
    # a span of quarters is one mention (「Q1-Q3」 is not its last quarter), and 「第一季度和2020年第四季度…分别」 binds both
    q2 = "甲品种2020Q1-Q3的批签发量是多少？"
    span = hit("d", "批签发季报", "2020Q1-Q3甲品种累计批签发165.59万瓶，其中Q1、Q2、Q3分别批签发60.16万瓶、40.75万瓶、64.69万瓶。", 1.0)
    month = hit("e", "批签发月报", "甲品种：1-9月获批164.94万瓶，2020年9月的签发量为21.96万瓶。", 1.0)
    assert "165.59万瓶" in extract_fact(analyse(q2), q2, [span, month], tokenize)[0][0].sentence.text
    q3 = "甲乙板块2021年第一季度的净利润同比是多少？"
    pair = hit("f", "板块季报", "甲乙板块2021年第一季度和2020年第四季度的净利润分别同比增长179.6%和218.6%。", 1.0)
    from bot.answer.match import match
    assert match(analyse(q3), pair.chunk.text, pair.chunk.text, "", ["甲乙", "板块"]).sub_period == 1


def test_a_change_written_without_tongbi_answers_a_tongbi_question(tokenize):
    """「5285万瓶(+11%)」 and 「营收5.79亿元/+27.7%」 state the change on the year before as reports write it; such a
    sentence leads over a better-ranked one giving only another figure (a share)."""
    q = "甲品种2019年的批签发量同比是多少？"
    vague = hit("a", "血制品年报", "2019年，甲品种批签发量保持增长，国产占比约31%。", 1.0)
    signed = hit("b", "血制品批签发总结", "2019年，甲品种批签发量为5285万瓶(+11%)。", 0.5)
    assert "+11%" in extract_fact(analyse(q), q, [vague, signed], tokenize)[0][0].sentence.text
    q2 = "甲品种2012-2019年的批签发量年复合增长率是多少？"  # a bracketed change is no rate over years
    a2 = analyse(q2)
    from bot.answer.match import match
    assert not match(a2, signed.chunk.text, signed.chunk.text, "", ["甲品种"]).modifier


def test_a_month_written_as_m9_is_the_month_asked(tokenize):
    """「2020M9」 is September 2020: asked for 9月, it leads over a better-ranked cumulative 「截至2020M11」 figure."""
    q = "甲品种2020年9月的批签发量是多少？"
    total = hit("a", "血制品跟踪", "截至2020M11，甲品种已经完成批签发137.8万瓶，完成了去年总量的140%。", 1.0)
    month = hit("b", "血制品月报", "2020M9，甲品种批签发量为14.49万瓶，环比增长124%。", 0.5)
    assert "14.49万瓶" in extract_fact(analyse(q), q, [total, month], tokenize)[0][0].sentence.text


def test_a_sentence_about_another_place_does_not_state_the_fact_however_many_words_it_shares(tokenize):
    """Asked about 美国牙科种植服务, a better-ranked sentence giving 中国's market (three of four subject words)
    does not lead; the sentence on 美国's market does, though it leaves 市场规模 to its heading."""
    q = "美国牙科种植服务2023年的市场规模是多少？"
    china = hit("a", "种植牙行业深度", "中国的牙科种植服务市场增长较快，预期至2023年市场规模将增长至496亿元。", 1.0)
    usa = hit("b", "种植牙海外比较", "海外市场规模稳步扩大。美国的牙科种植服务市场由2018年的37.1亿美元，预期于2023年增长至49.3亿美元。", 0.5)
    chosen, _ = extract_fact(analyse(q), q, [china, usa], tokenize)
    assert "49.3亿美元" in chosen[0].sentence.text


def test_the_quarter_before_is_not_the_first_quarter(tokenize):
    """「环比上一季度增长16%」 names no 一季度: asked for Q1, the third quarter's sentence does not lead."""
    q = "全球甲乙芯片2020年Q1的销售额是多少？"
    third = hit("a", "甲乙芯片季报", "2020年第三季度全球甲乙芯片销售额为194亿美元，同比增长30%，环比上一季度增长16%。", 1.0)
    first = hit("b", "甲乙芯片行业周报", "2020年Q1全球甲乙芯片销售额达到104亿美元。", 0.5)
    assert "104亿美元" in extract_fact(analyse(q), q, [third, first], tokenize)[0][0].sentence.text


def test_a_subject_named_alone_leads_over_one_listed_or_in_brackets(tokenize):
    """「甲端、乙端出货量达6.11亿台」 is both's figure and 「重点品种（以甲苗为代表的18个品种）总体批签发8451万剂」 the
    group's: a sentence naming the subject on its own leads, though ranked lower."""
    q = "甲充电发射端2018年的出货量是多少？"
    listed = hit("a", "某行业报告", "2018年甲充电发射端、接收端出货量达6.11亿台，预计2023年达21亿台。", 1.0)
    own = hit("c", "某行业报告", "我们认为应用场景互为补充，2018年甲充电发射端出货量达1.7亿台，市场蓬勃增长。", 0.5)
    assert "1.7亿台" in extract_fact(analyse(q), q, [listed, own], tokenize)[0][0].sentence.text
    q = "甲苗2020Q3的批签发量是多少？"
    group = hit("b", "某行业报告", "从数据来看，2020Q3重点品种（13价甲苗为代表的18个品种）总体批签发8451万剂，同比增长54.40%。", 1.0)
    own = hit("d", "某行业报告", "➢甲苗：13价2020Q3批签发约330万剂，同比大幅增长177%。", 0.5)
    assert "330万剂" in extract_fact(analyse(q), q, [group, own], tokenize)[0][0].sentence.text
    # 「分别」 gives each item of the list its own value: a listed subject is not shared there
    q = "乙免1-4月份的批签发量同比是多少？"
    each = hit("e", "某周度跟踪", "■特免：上周狂免、破免、乙免分别披露批签发量29万、6万、7万支，1-4月份批签发量同比增速分别为32%、20%和-21%。", 0.5)
    other = hit("f", "某月度跟踪", "➢乙免：4月，乙免合计批签发9.51万瓶，同比下降79.51%；1-4月乙免累计批签发46.68万瓶，同比下降73.54%。", 1.0)
    assert "-21%" in extract_fact(analyse(q), q, [other, each], tokenize)[0][0].sentence.text


def test_mainland_is_named_two_ways(tokenize):
    """中国内地 and 中国大陆 are one region: asked with one, a sentence written with the other states the fact (and
    a sentence whose figures belong to other years does not)."""
    q = "中国内地医美2019年的渗透率是多少？"
    odd = hit("a", "医美行业研究", "2019年中国内地医美市场渗透率有望从2009年的1.5%提升到2020年的3.6%。", 1.0)
    other = hit("b", "医美龙头深度", "2019年，韩国、美国的医美渗透率分别为20.5%、16.6%，而中国大陆的医美渗透率仅为3.6%。", 0.5)
    chosen, _ = extract_fact(analyse(q), q, [odd, other], tokenize)
    assert chosen[0].fact.complete and chosen[0].sentence.hit.report.doc_id == "b"


def test_a_share_stated_without_its_measure_answers_the_share_asked(tokenize):
    """「X的销售规模占比」: a sentence giving X's share at the year asked, naming no measure, states it; one naming
    another measure's share (出货量) does not, nor one whose share belongs to another year."""
    q = "全球甲乙代工2016年的销售规模占比是多少？"
    share = hit("a", "集成电路深度", "据统计，全球甲乙代工占比由2010年的48.56%提升至2016年的52.00%，预计继续提升。", 1.0)
    chosen, _ = extract_fact(analyse(q), q, [share], tokenize)
    assert chosen[0].fact.complete
    other = hit("b", "集成电路深度", "全球甲乙代工出货量占比由2010年的40%提升至2016年的45%。", 1.0)
    assert not lead_of(q, other, tokenize).fact.complete
    year = hit("c", "集成电路深度", "2016年以来全球甲乙代工占比持续提升，2019年达到55%。", 1.0)
    assert not lead_of(q, year, tokenize).fact.complete


def test_a_level_is_not_answered_by_a_change_in_points(tokenize):
    """Asked for a rate's level (渗透率), 「每年增加0.24个百分点」 states its change, not the level; asked how much it
    rose, the points answer."""
    q = "中国医美2019年的渗透率是多少？"
    points = hit("a", "医美深度", "2014年-2019年中国医美渗透率每年增加0.24个百分点，高于美国和日本。", 1.0)
    level = hit("b", "医美龙头", "2019年，中国的医美渗透率仅为3.6%，远低于成熟的国际市场。", 0.5)
    chosen, _ = extract_fact(analyse(q), q, [points, level], tokenize)
    assert "3.6%" in chosen[0].sentence.text
    q2 = "中国医美2019年的渗透率提升了多少个百分点？"
    assert lead_of(q2, points, tokenize).fact.number == 1.0


def test_a_sentence_the_chunk_edge_cuts_is_read_whole(tokenize):
    """A long sentence split at 「；」 by the chunker: the first chunk ends with the subject and a revenue figure, the
    next begins with the profit growth. With the report's text on the hits, the whole sentence is read and leads
    for the profit growth; without it, the cut half (another measure's rate) would lead."""
    first = "甲板块表现平稳。乙板块：收入影响可控：2020年上半年收入同比减少5.35%至818亿元；"
    second = "归母净利润139亿元，同比增长16.86%。丙板块收入下降。"
    text = "海外医药中报总结\n" + first + second
    report = ReportMeta(doc_id="a", title="海外医药中报总结", source="a.txt")
    s1 = text.index(first)
    h1 = Hit(chunk=Chunk(chunk_id="a-0", doc_id="a", text=first, start=s1, end=s1 + len(first)), report=report,
             score=1.0)
    h2 = Hit(chunk=Chunk(chunk_id="a-1", doc_id="a", text=second, start=s1 + len(first), end=len(text)),
             report=report, score=0.9)
    q = "乙板块2020年上半年的归母净利润同比是多少？"
    for h in (h1, h2):
        h.report_text = text
    chosen, cites = extract_fact(analyse(q), q, [h1, h2], tokenize)
    assert "16.86%" in chosen[0].sentence.text and chosen[0].fact.complete
    assert text[cites[0].start:cites[0].end] == cites[0].quote and cites[0].quote.startswith("乙板块")


def test_a_report_writing_net_profit_short_states_the_deducted_net_profit_asked(tokenize):
    """Reports shorten 净利润 to 净利 (「归母扣非净利1.4亿元」): asked for 归母扣非净利润 of a quarter, that figure leads,
    not the 归母净利 beside it."""
    q = "甲乙生物2020Q2的归母扣非净利润是多少？"
    text = ("2020Q2单季收入5.79亿元/+27.7%，环比提速，归母净利1.59亿元/+0.7%，归母扣非净利1.4亿元/-9.9%；"
            "经营性现金流量净额2.98亿元。")
    lead = extract_fact(analyse(q), q, [hit("a", "甲乙生物（688000）中报点评", text, 1.0)], tokenize)[0][0]
    assert lead.fact.complete and "1.4亿元" in lead.sentence.text


def test_a_shipment_value_is_not_the_shipment_count_asked(tokenize):
    """出货量 asked: 「出货金额为1091.26亿美元」 names the money the shipments come to (出货 + 金额), not the count; the
    better-ranked sentence on it does not lead over the one stating the count."""
    q = "全球智能手机3Q20的出货量是多少？"
    value = hit("a", "消费电子季报", "从出货金额的角度看，3Q20全球智能手机出货金额为1091.26亿美元，同比下降5.03%。", 1.0)
    count = hit("b", "消费电子季报二", "3Q20全球智能手机出货3.55亿部，同比下降1.06%。", 0.5)
    lead = extract_fact(analyse(q), q, [value, count], tokenize)[0][0]
    assert "3.55亿部" in lead.sentence.text and lead.fact.complete
    # asked for the money (出货金额), the sentence naming it states it
    q2 = "全球智能手机3Q20的出货金额是多少？"
    lead = extract_fact(analyse(q2), q2, [count, value], tokenize)[0][0]
    assert "1091.26亿美元" in lead.sentence.text and lead.fact.complete


def test_a_change_of_a_duration_is_stated_in_days(tokenize):
    """「应收账款周转天数环比」 is answered by 「环比+2.2天」: a duration's change is in days, not only in per cent."""
    q = "甲板块的应收账款周转天数环比是多少？"
    text = "甲板块汇总：20Q1存货周转天数环比+7.4天，应收账款周转天数环比+2.2天"
    lead = extract_fact(analyse(q), q, [hit("a", "电子行业专题研究", text, 1.0)], tokenize)[0][0]
    assert lead.fact.complete and "+2.2天" in lead.sentence.text


def test_peak_sales_are_the_sales_of_their_year(tokenize):
    """「2007年达到了销售峰值34.2亿美元」 states that year's sales: asked for the 销售收入 of 2007, it states the whole
    fact (销售峰值 is a way reports write a drug's sales)."""
    q = "美国瑞培酮常规制剂2007年的销售收入是多少？"
    text = ("瑞培酮是第二代抗精神分裂药物的First-in-class为，最早于1993年在英国上市，1994年登陆美国，瑞培酮常规制剂"
            "（Ruiperdal：口服片、口服液、口崩片）在2007年达到了销售峰值34.2亿美元，此后由于专利到期，市场份额呈断崖式下滑。")
    lead = extract_fact(analyse(q), q, [hit("a", "创新药行业深度报告", text, 1.0)], tokenize)[0][0]
    assert lead.fact.complete and "34.2亿美元" in lead.sentence.text


def test_a_subject_labelling_its_sentence_owns_the_figures_after_the_label(tokenize):
    """「乙板块：收入影响可控，费用控制良好：2020年上半年收入…至818亿港元」: the subject written as the sentence's label
    (「X：」 at its start, after a bullet — PDF text writes Wingdings bullets as private-use characters — or another
    label) owns the figures that follow, however far; it leads over a better-ranked sentence where another subject
    owns the figure."""
    q = "乙板块2020年上半年的营业收入是多少？"
    other = hit("a", "海外医药中报总结", "上半年业绩整体承压，乙板块一枝独秀：2020年上半年医药板块营业收入同比下降5.72%至1300亿港元。",
                1.0)
    half = hit("b", "海外医药中报总结二", "\uf06c乙板块：收入影响可控，费用控制良好：2020年上半年收入同比减少5.35%至818亿港元；"
               "归母净利润139亿港元，同比增长16.86%。", 0.5)
    lead = extract_fact(analyse(q), q, [other, half], tokenize)[0][0]
    assert lead.fact.complete and lead.fact.owner == 1.0 and "818亿港元" in lead.sentence.text
    labelled = hit("c", "血制品季报", "特免类：丙免疫球蛋白：2020年第一季度批签发共247万支（以200IU/支规格折算），同比增长35%。", 1.0)
    q2 = "丙免疫球蛋白2020年第一季度的批签发量同比是多少？"
    assert lead_of(q2, labelled, tokenize).fact.owner == 1.0
    # a subject named mid-sentence before 「：」 labels nothing: the figures after it are another subject's
    assert lead_of(q, other, tokenize).fact.owner == 0.0


def test_a_compound_rate_is_no_year_on_year_change(tokenize):
    """Asked for 2021年…同比, 「2021-2023年…出货量复合增速为2.2%」 is a rate over three years: the 增速 inside 复合增速 does
    not make it the year-on-year change, which the lower-ranked sentence states (「年成长3.1%」, as Taiwanese
    sources write it)."""
    q = "全球电视2021年的出货量同比是多少？"
    cagr = hit("a", "面板显示系列报告", "我们按照2021-2023年全球液晶电视出货量复合增速为2.2%测算，到2023年全球电视面板出货面积有望达到"
               "2.03亿平方米。", 1.0)
    yoy = hit("b", "电子周报", "根据调研机构数据，2021年全球电视出货量预估将达2.23亿台，年成长3.1%。", 0.5)
    lead = extract_fact(analyse(q), q, [cagr, yoy], tokenize)[0][0]
    assert "3.1%" in lead.sentence.text and lead.fact.modifier == 1.0
    both = hit("c", "电子周报二", "2021年全球电视出货量同比增长3.0%，2021-2023年复合增速为2.2%。", 1.0)
    assert lead_of(q, both, tokenize).fact.modifier == 1.0


def test_a_year_glued_to_its_item_number_is_read(tokenize):
    """PDF text glues an item number to the year after it (「1 2020年1月…」 → 「12020年1月…」): the sentence still states
    2020's figure, and leads over a better-ranked one whose figure is another subject's."""
    q = "丁品种2020年1月的批签发量同比是多少？"
    company = hit("a", "血制品批签发月报", "➢甲生物：2020年1月，甲生物合计批签发血制品44.46万瓶，同比增长334.16%，其中乙品种、丁品种分别"
                  "批签发20.51万瓶、11.03万瓶；", 1.0)
    total = hit("b", "血制品批签发月报二", "12020年1月丁品种合计批签发100.06万瓶，同比下降11.58%。", 0.5)
    lead = extract_fact(analyse(q), q, [company, total], tokenize)[0][0]
    assert "11.58%" in lead.sentence.text and lead.fact.bound == 1.0


def test_a_figure_after_among_is_a_members_not_the_subjects(tokenize):
    """「纤原中，博雅的1-7月份批签发增速为-53%」 and 「…，其中博雅…增速为-53%」 give one company's figure among 纤原's: the
    sentence stating 纤原's own growth leads, though ranked lower."""
    q = "戊品种1-7月份的批签发量同比是多少？"
    member = hit("a", "血制品批签发数据", "戊品种中，甲生物的1-7月份批签发增速为-53%；己品种中，乙生物的1-7月份批签发增速为111%。", 1.0)
    whole = hit("b", "血制品批签发数据二", "戊品种1-7月份批签发量为13万瓶，同比增长22%，保持稳健。", 0.5)
    lead = extract_fact(analyse(q), q, [member, whole], tokenize)[0][0]
    assert "22%" in lead.sentence.text
    among = hit("c", "血制品批签发数据三", "戊品种1-7月份批签发13万瓶，其中甲生物的批签发增速为-53%。", 1.0)
    assert lead_of(q, among, tokenize).fact.owner == 0.0


def test_a_market_share_written_out_states_the_share(tokenize):
    """「占膳食补充剂市场约6%的比例」, 「约占世界医疗器械市场5.5-6%左右」 state a share of the market (市占率) with the figure
    right after 市场: they answer it."""
    q = "全球庚补充剂的市占率是多少？"
    written = hit("a", "膳食补充剂行业研究", "数据显示，全球庚补充剂市场规模达60亿美元，占膳食补充剂市场约6%的比例，已经成为增速最快的细分领域之一。",
                  0.5)
    lead = lead_of(q, written, tokenize)
    assert lead.fact.complete and lead.fact.indicator == 1.0
    # the figure comes right after 市场: as near its indicator as 「市场份额为5.5%」
    q2 = "中国辛器械的市占率是多少？"
    share = hit("c", "辛器械深度研究", "根据国外研究机构估计，中国辛器械市场约占世界辛器械市场5.5-6%左右，且国内企业在国内市场份额呈提升趋势。",
                0.5)
    assert lead_of(q2, share, tokenize).fact.near == 1.0


def test_a_figure_said_to_be_current_answers_a_question_asking_for_now(tokenize):
    """「国内口腔目前的市场规模」: the sentence stating the figure as it stands (「目前…1800亿元」) leads over a better-ranked
    one dated 2017; with no such sentence, the dated figure still answers."""
    q = "国内壬科目前的市场规模是多少？"
    dated = hit("a", "壬科医疗深度报告", "根据招股书，2017年国内壬科服务市场规模880亿，浙江占比约4%。", 1.0)
    now = hit("b", "壬科连锁研究", "目前国内整体壬科市场规模为1800亿元，美国为1224亿美元。", 0.5)
    lead = extract_fact(analyse(q), q, [dated, now], tokenize)[0][0]
    assert "1800亿元" in lead.sentence.text and lead.fact.sub_period == 1.0
    alone = lead_of(q, dated, tokenize)
    assert alone.fact.complete and "880亿" in alone.sentence.text


def test_a_list_in_the_clause_before_its_respectively_gives_each_item_its_figure(tokenize):
    """「甲地和乙地在全球的市占率基本相当，2018年的市占率分别为10%和9%」: the list ends its clause, the next one holds the
    「分别」; 「…分别实现营收8.04/8.69/1.91亿元」 is three values; 「…分别占注射项目的66.59%、32.67%，同比增速…」 counts
    the values of the 「分别」's own clause. Each item owns its figure there."""
    q = "甲地2018年的市占率是多少？"
    pair = hit("a", "晶圆代工系列", "仅从晶圆制造来看，丙地占据了全球半数以上的市场份额，甲地和乙地在全球的市占率基本相当，"
               "2018年的市占率分别为10%和9%。", 1.0)
    assert lead_of(q, pair, tokenize).fact.owner == 1.0
    q2 = "丁医美2019年的营业收入是多少？"
    slashed = hit("b", "医美机构比较", "从可比的医美业务来看，2019年戊整形、己医美、丁医美、庚医疗医美业务分别实现营收8.04/8.69/"
                  "1.91/6.28亿元，各机构地域侧重有所不同。", 1.0)
    assert lead_of(q2, slashed, tokenize).fact.owner == 1.0
    q3 = "辛素的项目数量占比是多少？"
    clause = hit("c", "医美白皮书解读", "注射类医美约占我国医美总消费量的57.04%，其中壬酸、辛素分别占注射项目的66.59%、32.67%，"
                 "同比增速53.11%、90.56%，分别为503、330万例。", 1.0)
    assert lead_of(q3, clause, tokenize).fact.owner == 1.0
    # a list further back (two clauses) or a 「分别」 clause listing again is not the mention's
    far = hit("d", "晶圆代工系列二", "甲地和乙地的市占率基本相当，差距不大，2018年的市占率分别为10%和9%。", 1.0)
    assert lead_of(q, far, tokenize).fact.owner == 0.0


def test_a_respectively_giving_a_list_of_times_gives_the_subjects_figures(tokenize):
    """「19年11月、12月和20年1月甲丙批签量分别为…」, 「2020年Q1~Q2，国内甲丙批签发量分别为381、230万瓶」: nothing is listed
    after the subject, so the values after 「分别」 are its own for each time (and 「19年11月、12月和20年」 is one mention of
    both years); after a list of other things (「国产与进口」, three values for two items) they are not."""
    q = "甲丙19年11月的批签发量是多少？"
    months = hit("a", "批签发月报", "根据批签发数据，19年11月、12月和20年1月甲丙批签量分别为122.64万瓶、89.71万瓶和107.81万瓶，"
                 "总计320.16万瓶，市场供应紧缺程度较为可控。", 1.0)
    lead = lead_of(q, months, tokenize)
    assert lead.fact.owner == 1.0 and lead.fact.complete
    q2 = "国内甲丙2020年Q1~Q2的批签发量是多少？"
    quarters = hit("b", "跨市场周报", "2020年Q1~Q2，国内甲丙批签发量（统一换算为2.5g规格）分别为381、230万瓶，同比增长114%、13%。", 1.0)
    assert lead_of(q2, quarters, tokenize).fact.owner == 1.0
    q3 = "甲丙2020年的批签发量是多少？"
    split = hit("c", "批签发年报", "随着疫情缓解，2020年甲丙的国产与进口批签发量分别为426万、834万和12万支。", 1.0)
    assert lead_of(q3, split, tokenize).fact.owner == 0.0


def test_a_listed_subject_followed_by_its_own_value_is_not_shared(tokenize):
    """「包括甲5.19万、乙丙14.57万、丁3.35万」 and 「低于日本（11.0%）、美国（16.6%）」 give each item its own figure: the item
    asked is not a list sharing one figure (「甲、乙丙出货量达6.11亿台」 still is; a year after the item is no value)."""
    q = "乙丙的批签发量是多少？"
    own = hit("a", "某月度跟踪", "本月累计实现血制品批签发106.85万瓶，包括甲5.19万、乙丙14.57万、丁3.35万，其余品种未有批签发。", 1.0)
    assert lead_of(q, own, tokenize).fact.shared is None
    q2 = "戊国2019年的渗透率是多少？"
    brackets = hit("b", "医美深度", "渗透率仍远低于己国（11.0%）、戊国（16.6%）和庚国（20.5%），未来空间广阔。", 1.0)
    assert lead_of(q2, brackets, tokenize).fact.shared is None
    shared = hit("c", "某行业报告", "甲、乙丙出货量达6.11亿台，预计2023年达21亿台。", 1.0)
    assert lead_of(q, shared, tokenize).fact.shared == 1.0
    dated = hit("d", "某行业报告", "甲、乙丙2019年出货量达6.11亿台。", 1.0)
    assert lead_of(q, dated, tokenize).fact.shared == 1.0


def test_figures_following_one_another_after_the_subject_are_its_own(tokenize):
    """「甲氧连续四年营业收入实现增长，2020年总营收达12.95亿元，同比增长12.45%」: the growth follows the revenue, which
    follows the subject — both the subject's, though the growth is further from it than a figure's own distance; a
    rate as far away with no figure leading to it is not."""
    q = "甲氧2020年的营业收入同比是多少？"
    chain = hit("a", "甲氧深度报告", "后疫情时代营收改善明显，甲氧连续四年营业收入实现增长，2020年总营收达12.95亿元，同比增长12.45%。", 1.0)
    assert lead_of(q, chain, tokenize).fact.owner == 1.0
    far = hit("b", "甲氧深度报告二", "后疫情时代营收改善明显，甲氧连续四年营业收入实现增长且客户结构持续优化带动整体规模，2020年营收同比增长12.45%。",
              1.0)
    assert lead_of(q, far, tokenize).fact.owner == 0.0
    # a hop from one figure to the next crosses one clause at most (「1,168.30亿元」's comma is none)
    q2 = "甲剂的集采品种占比是多少？"
    hops = hit("c", "集采周报", "此次国采共涉及甲剂品种30个，占据本次国采品种的半壁江山，涉及品规132个，占比65%。", 1.0)
    assert lead_of(q2, hops, tokenize).fact.owner == 0.0
    q3 = "乙器械前三季度的营业收入同比是多少？"
    comma = hit("d", "乙器械三季报总结", "从中信乙器械行业分类成分来看，前三季度合计实现营业收入1,168.30亿元，同比增长52.01%。", 1.0)
    assert lead_of(q3, comma, tokenize).fact.owner == 1.0


def test_a_figure_is_near_its_indicator_written_before_it_in_a_slashed_run_or_as_the_index_move(tokenize):
    """「将以13.1%的年复合增长率持续增长」 puts the figure before the indicator it qualifies; 「分别实现营收8.04/8.69/1.91亿元」
    starts its run right after 营收; 「表现最好的为甲制剂，上涨0.93%」 states the index's move with the move word. Each is
    as near its indicator as 「年复合增长率为13.1%」."""
    q = "乙药的市场规模年复合增长率是多少？"
    before = hit("a", "乙药行业概览", "在此背景下，整体乙药行业市场规模将以13.1%的年复合增长率持续增长，到2023年市场规模有望上升至375.9亿元。", 1.0)
    assert lead_of(q, before, tokenize).fact.near == 1.0
    q2 = "丁医美2019年的营业收入是多少？"
    slashed = hit("b", "医美机构比较", "从可比的医美业务来看，2019年戊整形、己医美、丁医美、庚医疗医美业务分别实现营收8.04/8.69/"
                  "1.91/6.28亿元，各机构地域侧重有所不同。", 1.0)
    assert lead_of(q2, slashed, tokenize).fact.near == 1.0
    q3 = "甲制剂本周的股票指数是多少？"
    move = hit("c", "医药行业周报", "子行业方面，本周表现最好的为甲制剂，上涨0.93%；表现最差的为乙服务，下跌5.32%。", 1.0)
    assert lead_of(q3, move, tokenize).fact.near == 1.0
    # a figure of another kind before the indicator is not its value
    q4 = "乙药2019年的市场规模是多少？"
    other = hit("d", "乙药行业概览二", "2019年乙药行业增长13.1%的市场规模数据尚未公布，行业集中度有所提升。", 1.0)
    assert lead_of(q4, other, tokenize).fact.near == 0.0


def test_a_compound_rate_after_a_from_to_pair_is_the_rate_from_its_first_year(tokenize):
    """「甲国的乙市场从2015年的85亿美元增至2019年的117亿美元，年复合增长率为8.3%」: asked for 2015's CAGR (the span it
    starts), the rate is bound to the year asked; asked for 2015's amount, the pair is two years as before."""
    text = "甲国的乙市场从2015年的85亿美元增至2019年的117亿美元，年复合增长率为8.3%，市场规模较大但整体增长趋于平稳。"
    q = "甲国乙市场2015年的市场规模年复合增长率是多少？"
    lead = extract_fact(analyse(q), q, [hit("a", "乙市场研究", text, 1.0)], tokenize)[0][0]
    assert lead.fact.bound == 1.0 and lead.fact.complete
    q2 = "甲国乙市场2019年的市场规模年复合增长率是多少？"
    assert extract_fact(analyse(q2), q2, [hit("a", "乙市场研究", text, 1.0)], tokenize)[0][0].fact.bound == 1.0
    # not a from-to pair (no 从/由 before the first year): two years, the rate the later one's
    other = "甲国的乙市场2015年为85亿美元，2019年增至117亿美元，年复合增长率为8.3%。"
    assert extract_fact(analyse(q), q, [hit("b", "乙市场研究二", other, 1.0)], tokenize)[0][0].fact.bound == -0.5


def test_a_market_written_with_its_money_states_its_size(tokenize):
    """「其中，医用丙器械市场约为2690亿元」 and 「中国丁仪市场约20亿人民币」 state the market's size without the word 规模: they
    answer 市场规模 as 「市场规模为…」 does; a share of the market (「市场约占12%」) or a count does not."""
    q = "医用丙器械的市场规模是多少？"
    money = hit("a", "丙器械行业报告", "其中，医用丙器械市场约为2690亿元，约占72.70%；家用丙器械市场约为1010亿元。", 1.0)
    lead = lead_of(q, money, tokenize)
    assert lead.fact.indicator == 1.0 and lead.fact.near == 1.0 and lead.fact.complete
    q2 = "中国丁仪2017年的市场规模是多少？"
    rmb = hit("b", "丁仪深度", "2017年全球丁仪市场约30亿美金，中国丁仪市场约20亿人民币，戊公司市占率约40%。", 1.0)
    assert lead_of(q2, rmb, tokenize).fact.indicator == 1.0
    share = hit("c", "丙器械行业报告二", "医用丙器械市场约占72.70%，家用丙器械占比27.30%。", 1.0)
    assert lead_of(q, share, tokenize).fact.indicator < 1.0
