"""presence.py: the best sentence holds the answer's kind and the question's years, or only the topic."""
from bot.answer.presence import asked_kind, presence


def test_asked_kinds():
    assert asked_kind("电影《四海》的导演是谁") == "person"
    assert asked_kind("首趟RCEP班列的起点？") == "place"
    assert asked_kind("北京冬奥会开幕日期是什么时候") == "date"
    assert asked_kind("2021年香港GDP增长了多少？") == "number"
    assert asked_kind("北京冬奥会吉祥物叫什么") == "title"
    assert asked_kind("2022春节档票房冠军是哪部电影") == "name"  # not a person for 冠军
    assert asked_kind("请总结报告的主要观点") is None


def test_person_asked_and_found_or_not(library):
    pos = library.tokenizer.pos
    q = "电影《四海》的导演是谁"
    assert presence(q, "电影《四海》由韩寒执导，刘昊然主演。", "", pos).kind_ok
    assert presence(q, "电影《四海》将于春节档上映，票房表现值得期待。", "", pos).kind_ok is False


def test_years_must_match_the_question():
    no_pos = lambda text: []  # noqa: E731
    q = "2022年澳网男单冠军是谁"
    assert presence(q, "德约科维奇赢得了2023年澳大利亚网球公开赛男单冠军。", "", no_pos).years_ok is False
    assert presence(q, "纳达尔夺得了2022澳大利亚网球公开赛的男单冠军！", "", no_pos).years_ok
    assert presence(q, "纳达尔夺冠。", "2022-01-30 体育新闻\n纳达尔夺冠。", no_pos).years_ok  # the dateline counts
    assert presence("Sora能生成多长的视频", "最长一分钟。", "", no_pos).years_ok is None


def test_number_and_name_kinds(library):
    pos = library.tokenizer.pos
    assert presence("2021年中国经济增长了多少？", "2021年中国经济增长8.1%。", "", pos).kind_ok
    assert presence("2021年中国经济增长了多少？", "2021年中国经济稳中向好。", "", pos).kind_ok is False
    assert presence("北京冬奥会吉祥物叫什么", "北京冬奥会吉祥物“冰墩墩”以熊猫为原型。", "", pos).kind_ok


def test_common_words_jieba_tags_as_persons_are_not_names(library):
    tags = dict(library.tokenizer.pos_people("从卫星图片上看，北京冬奥会开幕式拉开序幕，张艺谋任总导演。"))
    assert tags.get("卫星") == "n" and tags.get("张艺谋", "").startswith("nr")
    q = "2022年冬奥会开幕式总导演是谁"
    assert presence(q, "将于2月4日举行的冬奥会开幕式将为赛事拉开序幕。", "", library.tokenizer.pos_people).kind_ok is False


def test_a_date_must_be_other_than_the_questions_own():
    no_pos = lambda text: []  # noqa: E731
    q = "2022春运开始时间"
    assert presence(q, "2022年春运全国铁路预计发送旅客2.8亿人次。", "", no_pos).kind_ok is False
    assert presence(q, "2022年春运从1月17日开始，共40天。", "", no_pos).kind_ok
    assert presence("某公司哪年成立", "某公司成立于2008年。", "", no_pos).kind_ok
    assert presence("某公司2008年哪年上市", "某公司2008年成立。", "", no_pos).kind_ok is False


def test_an_article_is_no_count_and_which_field_is_no_place(library):
    pos = library.tokenizer.pos
    q = "某模型有多少参数？"
    assert presence(q, "行业正在经历一个高速的迭代时期。", "", pos).kind_ok is False
    assert presence(q, "某模型有一千亿个参数。", "", pos).kind_ok
    assert asked_kind("某机构认为某技术会首先在哪个领域得到应用？") != "place"
    assert asked_kind("2023年某大会在哪举办") == "place"


def test_a_terse_question_ending_on_a_measure_asks_a_number():
    assert asked_kind("2021年某机场年旅客吞吐量") == "number"
    assert asked_kind("我国2021年人口出生率") == "number"
    assert asked_kind("2022年1月5日全国新增确诊病例数？") == "number"
    assert asked_kind("2022年某公司春季发布会的新手机") is None


def test_a_person_asked_by_role_needs_the_role_and_one_of_a_series_its_number(library):
    pos = library.tokenizer.pos_people
    q = "电影《某片》的导演是谁"
    assert presence(q, "电影《某片》由韩寒执导。", "", pos).kind_ok
    assert presence(q, "电影《某片》由刘昊然、沈腾主演。", "", pos).kind_ok is False  # a cast list names no 导演
    assert presence("2022某杯冠军是谁", "山东泰山队2比1逆转获胜，完成某杯三连冠。", "", pos).kind_ok  # a team wins too
    no_pos = lambda text: []  # noqa: E731
    q = "某国第三艘核潜艇下水的时间"
    assert presence(q, "2018年10月，某国的第一艘核潜艇开展首次巡逻。", "", no_pos).kind_ok is False
    assert presence(q, "某国第三艘核潜艇于2021年11月23日下水。", "", no_pos).kind_ok


def test_a_name_absent_from_jiebas_dictionary_may_answer_who(library):
    # jieba tags 吴京 as a place in this sentence; a proper noun its dictionary lacks counts as a name
    s = "数据显示，吴京的个人总票房达到300亿元，成为中国影史首个达到此票房成就的演员。"
    assert presence("谁是中国影史首个票房达到300亿元的演员？", s, "", library.tokenizer.pos_people).kind_ok


def test_a_thing_is_called_by_a_quoted_or_proper_name_not_a_persons():
    no_pos = lambda text: []  # noqa: E731
    q = "某运动会吉祥物叫什么"
    assert presence(q, "某运动会吉祥物“冰墩墩”以熊猫为原型。", "", no_pos).kind_ok
    assert presence(q, "评委会主席蒋效愚解释了吉祥物的选择。", "", lambda t: [("蒋效愚", "nr")]).kind_ok is False


def test_a_year_answers_when_unless_it_is_the_questions_own_or_a_base_of_comparison():
    no_pos = lambda text: []  # noqa: E731
    q = "某技术什么时候能实现商用突破？"
    assert presence(q, "本报告认为某技术在2030年前将实现商用突破。", "", no_pos).kind_ok
    q = "2022春运开始时间"
    assert presence(q, "2022年春运预计发送旅客2.8亿人次，为2019年同期的69%。", "", no_pos).kind_ok is False


def test_a_full_width_percent_is_a_number():
    """PDF text writes 「超90％」 as often as 「超90%」: both answer 「…是多少」."""
    from bot.answer.presence import presence

    no_pos = lambda text: []  # noqa: E731
    assert presence("甲产品2019年的进口率是多少？", "2019年甲产品进口率超90％。", "", no_pos).kind_ok
    assert presence("甲产品2019年的进口率是多少？", "2019年甲产品进口率很高。", "", no_pos).kind_ok is False
