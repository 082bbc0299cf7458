"""How well a sentence answers a single-fact question: its subject, period and indicator, and a number.

Used twice: to rerank retrieved passages (the passage holding the best sentence first) and to pick the lead
sentence. Each part is scored where it is found — in the sentence, else in its passage or its report's title
(a company report says 「公司2020年营收…」 under a title naming the company).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..text import quote_quality
from .analysis import SHORT_YEAR_JOIN, Analysis, modifier_words, vocabulary
from .presence import _DATES, _QUANTITY

REGIONS = ("全球", "世界", "中国", "我国", "国内", "全国", "海外", "国外", "美国", "欧洲", "日本", "韩国", "印度")
_NOW_ASKED = ("目前", "当前")
_NOW = re.compile(r"目前|当前|现阶段|现在|如今")
_SUB_PERIOD = re.compile(r"\d{1,2}(?:-\d{1,2})?月|(?<![A-Za-z])M\d{1,2}(?:-\d{1,2})?(?!\d)|[Qq][1-4]|[1-4][Qq]|[一二三四]季度|上半年|下半年|前三季度|H[12]")
# A change on the year before written without 同比: 「5285万瓶(+11%)」, 「5.79亿元/+27.7%」, 「2021年增长23%」 (not a
# rate over years, 「年均增长20%」).
_YOY_FORM = re.compile(r"[（(/]\s*[+\-−＋]\s*\d[\d.]*\s*[%％]|(?<!复合)(?<!年均)(?<!平均)(?<!每年)"
                       r"(?:增长|下降|下滑|减少|增加)(?:了|约|达|达到|为)?\s*[+\-]?\d[\d.]*\s*[%％]")
_PERCENT = re.compile(r"\d(?:[\d.,]*)\s*(%|％|‰|个百分点|pct|pp)", re.I)  # a rate per mille too (出生率 7.52‰)
# An amount, not a percentage: 批签发量 or 市场规模 is never answered by 「增速为-46%」 alone.
# (「是2019年的1.76倍」 is a multiple, not the 2019 市场规模 asked)
_AMOUNT = re.compile(_QUANTITY.pattern.replace("(%|％|‰|", "(", 1).replace("pct|pp|bp|", "", 1)
                     .replace("项倍元", "项元", 1).replace("项倍支", "项支", 1)
                     + r"(?![\d.]*\s*[%％])(?!百分点)")  # 「0.6个百分点」 is no count of 个
_POINTS = ("个百分点", "pct", "pp")  # a change of a rate, in points
# A question asking how much a rate moved (「提升了多少个百分点」), not its level.
_ASKS_CHANGE = re.compile(r"百分点|pct|pp|提升|提高|下降|下滑|增加|减少|变化|变动|上升|回落|降低", re.I)
_EITHER = re.compile(f"(?:{_PERCENT.pattern})|(?:{_AMOUNT.pattern})", re.I)
_INDEX = re.compile(r"指数$")
# A valuation multiple (PE 37倍, 「对应PE为94X、51X」) is neither a rate nor an amount.
_MULTIPLE = re.compile(r"\d(?:[\d.,]*)\s*(?:倍|[Xx](?![A-Za-z\d]))")
_MULTIPLE_INDICATOR = re.compile(r"市盈率|市净率|市销率|估值倍数|^P/?[EBS]$|EV/EBITDA", re.I)
MULTIPLE = "multiple"
_INDEX_MOVE_WORDS = ("涨跌幅", "涨幅", "跌幅", "上涨", "下跌", "收涨", "收跌")
_INDEX_MOVE = re.compile("|".join(_INDEX_MOVE_WORDS))
# A market's size written as the market's money: 「医用医疗器械市场约为2690亿元」, 「中国监护仪市场约20亿人民币」
_MARKET_MONEY = re.compile(r"市场(?:约为|约|为|达到|达|超过|超|规模)?\s*\d[\d.,]*\s*(?:万亿|千亿|百亿|亿|万)?\s*"
                           r"(?:元|美元|美金|人民币|港元|港币|欧元|日元)")
# A market share written out: 「占膳食补充剂市场约6%的比例」, 「约占世界医疗器械市场5.5-6%左右」 (占 … 市场 … the figure)
_SHARE_OF_MARKET = re.compile(r"占[^，。；;,:：]{0,20}市场[^，。；;,:：\d]{0,6}\d")


def wanted(ratio: bool | None | str) -> re.Pattern[str]:
    """The values of the kind asked: percentages for a rate, amounts otherwise, either (None) for an index,
    multiples (MULTIPLE) for a valuation multiple."""
    if ratio == MULTIPLE:
        return _MULTIPLE
    return _EITHER if ratio is None else _PERCENT if ratio else _AMOUNT


# (a price or an index that 上涨/涨幅/下跌 moves is a rate: 「CPI上涨了多少」 is answered by 6.5%)
RATIO_INDICATORS = ("率", "占比", "份额", "同比", "环比", "复合", "增速", "比重", "上涨", "涨幅", "下跌", "跌幅")
# China's provincial-level regions: a figure for one of them is not the country's (general geography, no report's).
PROVINCES = ("北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建",
             "江西", "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海",
             "内蒙古", "广西", "西藏", "宁夏", "新疆")
_NATIONAL = {"中国", "我国", "国内", "全国"}
# The subject must be named in the sentence, the report's title (0.8 each word) or the passage before the
# sentence (0.75: a heading or the sentence that set the topic); found only after it (0.5), it is another
# sentence's topic.
SUBJECT_FLOOR = 0.75
_CHANGE_RATES = ("同比", "环比", "年复合增长率")  # a region's change rate is its own, as its amount is (not a share)
_DURATION = re.compile(r"天数$|周期$|时长$")  # an indicator measured in days
ELSEWHERE = 0.5  # the most a subject scores in a sentence about another place than the one asked
# Words a subject is named by interchangeably in Chinese reports (a question's 中国 is the report's 我国).
SUBJECT_SYNONYMS = {"中国": ("我国", "国内", "全国"), "我国": ("中国", "国内"), "国内": ("中国", "我国"),
                    "内地": ("大陆",), "大陆": ("内地",),  # 中国内地 is 中国大陆 (mainland China)
                    "全球": ("世界", "全世界", "国际"), "世界": ("全球",), "海外": ("国外", "境外"), "国外": ("海外",)}
WEIGHTS = {"indicator": 1.2, "modifier": 0.6, "years": 1.0, "sub_period": 0.6, "subject": 1.0, "number": 0.8,
           "quality": 0.8, "near": 0.5, "phrase": 0.8, "bound": 0.8, "owner": 0.5, "shared": -0.3, "qualifier": 0.5}
# A year as reports write it, with what may follow it: 2020, 2020年, 2020E, 20年, 19H1, 2020Q3, 4Q20 (「这10年间」,
# 「近10年来」 are spans of years, not 2010).
# (a four-digit number with a unit after it is a value: 「1931元/套」, and so is a range of them: 「2000-2999元」)
_YEAR_AT = re.compile(r"(?<![\d.])(?:((?:19|20)\d{2})(?![\d.]|\s*[%％元万亿千百个人台套支瓶辆吨件家项部片例次]|\s*[-~～]\s*\d{3,}\s*[%％元万亿])|(\d{2})(?=年(?![间内来以]|期(?![末初]))|[EAQH]|Q[1-4])"
                      r"|[1-4]Q(\d{2})(?!\d))", re.I)
# Years joined into one mention: 2019-2024年, 2017/2018/2019年, 2019年至2024年, 2020和2021年.
# A part of the year may sit between them: 「2021年第一季度和2020年第四季度…分别增长71.4%和…」.
# Several may, each followed by its separator: 「19年11月、12月和20年1月…分别为」.
_YEAR_JOIN = re.compile(r"\s*(?:年|E|A)?(?:\s*(?:第?[一二三四1-4]季度|[Qq][1-4]|H[12]|[上下]半年|前三季度|\d{1,2}月(?:份)?)?"
                        r"\s*(?:的)?\s*[-—~～/、至到和与及])+\s*$", re.I)
_YEAR_END = re.compile(r"^\s*年?\s*(?:12\s*月\s*31\s*日|年[底末])")
_PART_OF_YEAR = re.compile(r"[Qq][1-4]|[1-4][Qq]|H[12]|[一二三四]季度|上半年|下半年|前三季度|\d{1,2}(?:\s*-\s*\d{1,2})?\s*月", re.I)


_CN_QUARTERS = "一二三四"
_CN_NUMBERS = "一二三四五六七八九十"
_RELATIVE_SPAN = re.compile(r"(未来|今后|最?近|过去)([一二三四五六七八九十]|\d{1,2})个?年")
_BRACKETS = re.compile(r"[\[\]［］【】]")
_QUARTER_ASKED = re.compile(r"^第?([一二三四1-4])季度$|^[Qq]([1-4])$|^([1-4])[Qq]$")
_CUMULATIVE_ASKED = re.compile(r"^q1\s*[-~至]\s*q?([2-4])$|^前三季度$")
_HALF_ASKED = {"上半年": "1", "h1": "1", "1h": "1", "下半年": "2", "h2": "2", "2h": "2"}


@lru_cache(maxsize=64)
def sub_period_pattern(sub: str) -> re.Pattern[str]:
    """The ways a report writes the part of a year asked: a quarter as 第三季度, 三季度, Q3, 3Q, 单季度 Q3 (never inside
    前三季度, which is three quarters together, nor 环比上一季度, the quarter before another); a half as 上半年, H1, 1H;
    otherwise as the question writes it
    (「1月」 never inside 「11月」 or 「前1月」)."""
    low = sub.lower()
    if q := _QUARTER_ASKED.match(low):
        n = next(g for g in q.groups() if g)
        n = str(_CN_QUARTERS.index(n) + 1) if n in _CN_QUARTERS else n
        cn = _CN_QUARTERS[int(n) - 1]
        return re.compile(rf"(?<![前\-至到~上下])第?{cn}季度|(?<![前\d\-至到~])第?{n}季度|(?<![a-z])(?<!q\d[-~])q{n}(?!\s*[-~～至到]\s*q?\d)|"
                          rf"(?<![\d\-]){n}q(?![a-z])", re.I)
    if c := _CUMULATIVE_ASKED.match(low):  # Q1-Q3, Q1-3, 前三季度: the quarters up to the last one, together
        n = c.group(1) or "3"
        last = _CN_QUARTERS[int(n) - 1]
        forms = [rf"(?<![a-z])q1\s*[-~～至到]\s*q?{n}(?!\d)", rf"(?<![\d\-])1\s*[-~～至到]\s*{int(n) * 3}\s*月",
                 rf"前{last}季度", rf"一至{last}季度"]
        if n == "2":
            forms.append(r"上半年|(?<![a-z])h1(?!\d)")
        return re.compile("|".join(forms), re.I)
    if low in _HALF_ASKED:
        n = _HALF_ASKED[low]
        return re.compile(rf"{'上' if n == '1' else '下'}半年|(?<![a-z])h{n}(?!\d)|(?<![\d\-])[{n}]h(?![a-z])", re.I)
    if span := _RELATIVE_SPAN.fullmatch(low):  # 未来三年 is also written 未来3年, 近五年 近5年 or 过去5年
        n = span.group(2)
        digit = str(_CN_NUMBERS.index(n) + 1) if n in _CN_NUMBERS else n
        cn = _CN_NUMBERS[int(digit) - 1] if 1 <= int(digit) <= len(_CN_NUMBERS) else digit
        ahead = span.group(1) in ("未来", "今后")
        return re.compile(rf"{'(?:未来|今后)' if ahead else '(?:最?近|过去)'}\s*(?:{digit}|{cn})\s*(?:个)?年")
    if mo := re.fullmatch(r"(\d{1,2})月", low):  # 9月 is also written 2020M9, M09 (never inside M1-9)
        return re.compile(rf"(?<![\d\-前]){mo.group(1)}月|(?<![a-z])m0?{mo.group(1)}(?![\d\-])", re.I)
    before = r"(?<![\d\-前])" if low[:1].isdigit() else r"(?<![a-z])"
    return re.compile(before + re.escape(low))


@dataclass
class FactMatch:
    indicator: float = 0.0  # 1 in the sentence, 0.5 in its passage
    modifier: float | None = None  # None: no modifier asked
    years: float | None = None  # 1 all years in the sentence, 0.5 in the passage; None: no year asked
    sub_period: float | None = None
    subject: float = 0.0  # share of the subject's words found (sentence > title > passage)
    number: float = 0.0  # the sentence holds a number of the kind asked (a % for ratios)
    quality: float = 1.0
    own_indicator: bool = False  # the indicator is the question's own wording: any overlap will do
    near: float = 0.0  # a number of the right kind follows the indicator (or modifier) closely: it is its value
    phrase: float | None = None  # a subject of several words named as the question writes it (光学电子板块, not
    # 光学元件板块 under an 电子 title); None: a subject of one word, or none
    owner: float | None = None  # a value follows the subject's own mention closely (1) or not (0); None: no
    # subject word in the sentence
    qualifier: float | None = None  # the words the question puts before its indicator (出口 of 出口市场规模) are in
    # the sentence (1) or not (0); None: none asked
    shared: float | None = None  # 1: the subject is named only as one item of a list (「A、B出货量达6.11亿台」 is
    # both's figure) or inside brackets (「重点疫苗（以A为代表的18个品种）总体批签发…」 is the group's); else None
    bound: float | None = None  # the value's own period is the one asked: 1; another year (「预计到2024年，…3.5亿」
    # for 2019; 「2020年上半年…」 for the whole of 2020): -0.5; no year before it: 0; None: no year asked

    @property
    def score(self) -> float:
        parts = {"indicator": self.indicator, "modifier": self.modifier, "years": self.years,
                 "sub_period": self.sub_period, "subject": self.subject, "number": self.number,
                 "quality": self.quality, "near": self.near, "phrase": self.phrase, "bound": self.bound,
                 "owner": self.owner, "shared": self.shared, "qualifier": self.qualifier}
        return sum(WEIGHTS[k] * v for k, v in parts.items() if v is not None)

    @property
    def complete(self) -> bool:
        """Everything the question names is there: a fact the reports state, not only its topic."""
        # The year asked must be in the sentence; in its passage only (a heading, a dateline) when the sentence names
        # the part of the year asked (「1月5日0—24时…新增确诊病例189例」 under a 2022 dateline). A value stated only
        # for another year is not this fact either.
        years = self.years is None or self.years >= 1 or (self.years >= 0.5 and self.sub_period == 1)
        # (a sentence naming neither the subject nor the indicator, under a heading or after a sentence naming
        # both, states another figure as often as this one: 「晶圆代工支出…2021年…320亿美元」 for 存储's 资本支出)
        return (self.indicator >= (0.25 if self.own_indicator else 0.5) and self.number >= 1 and years
                and (self.subject >= 1 or self.indicator >= 1 or (self.own_indicator and self.indicator >= 0.5))
                and self.subject >= SUBJECT_FLOOR and (self.sub_period is None or self.sub_period >= 0)
                and (self.bound is None or self.bound >= 0))

    def to_dict(self) -> dict:
        return {k: (round(v, 3) if isinstance(v, float) else v) for k, v in self.__dict__.items()} | \
            {"score": round(self.score, 3), "complete": self.complete}


_OPEN, _CLOSE = "（(", "）)"


def _alone(s: str, i: int, j: int) -> bool:
    """The mention s[i:j] is named on its own: not an item of a list (「、」「和」 right before or after it) — unless
    「分别」 gives each item its value (「狂免、破免、乙免…同比增速分别为32%、20%和-21%」, 「分别为A（48%）、B（29%）」) or
    its own value follows it (「包括甲5.19万、乙11.18万」, 「低于日本（11.0%）、美国（16.6%）」) — and not inside brackets."""
    if ((i and _LIST_SEP.match(s, i - 1)) or _LIST_SEP.match(s, j)) and not _RESPECTIVELY.search(s) \
            and not _ITEM_VALUE.match(s, j):
        return False
    return not in_brackets(s, i)


# a list item followed by its own value (「包括甲5.19万、乙11.18万」, 「日本（11.0%）、美国（16.6%）」), not a year
_ITEM_VALUE = re.compile(r"\s*[（(]?\s*[-+−]?\d+(?:\.\d+)?(?![\d.]*\s*(?:年|月|日|季|[QqHh]\d))")


def in_brackets(s: str, i: int, start: int = 0) -> bool:
    """Whether s[i] is inside brackets opened in s[start:i] (「（2.5g折标）」)."""
    depth = 0
    for ch in s[start:i]:
        depth += ch in _OPEN
        depth -= ch in _CLOSE and depth > 0
    return depth > 0


def _found(aliases, text: str) -> bool:
    return any(a and a.lower() in text for a in aliases)


def _at(word: str, text: str):
    """Every index where `word` starts in `text`."""
    i = text.find(word)
    while i >= 0:
        yield i
        i = text.find(word, i + 1)


def _rate_of(word: str, text: str, i: int) -> bool:
    """Whether `word` at `i` is the name of a rate of it (净利润 in 「净利润率」)."""
    return text[i + len(word):i + len(word) + 1] == "率"


def _amount_of(word: str, text: str, i: int) -> bool:
    """Whether `word` at `i` is the name of an amount of money of it (出货 in 「出货金额」「出货额」)."""
    return text.startswith(("额", "金额"), i + len(word))


def _found_indicator(aliases, text: str, count: bool = False) -> bool:
    """`_found`, except that an amount's name followed by 率 is another indicator: 净利润率 is a margin, not the
    净利润 asked (a name that is itself a rate, 渗透率, is found as usual); and for a `count` (出货量, 需求量) a short
    name of it followed by 额 or 金额 is the money it comes to (「出货金额为1091亿美元」), not the count."""
    for a in (x.lower() for x in aliases if x):
        if a in text if a.endswith("率") else any(
                not _rate_of(a, text, i) and not (count and not COUNT_INDICATOR.search(a) and _amount_of(a, text, i))
                for i in _at(a, text)):
            return True
    return False


def _short_base(ind, s: str) -> bool:
    """The indicator's first word, where the sentence states the rate asked: 「市场复合增速」 for 市场规模 + 年复合增长率,
    「营业收入和利润增速」 for 营业利润 + 同比 — but not as part of a rate of its own (「净利润率…同比」, 「净利率」: a margin),
    and never for an indicator that is itself a rate: 净利率's 「净利」 is the profit (「净利润…同比增长44.54%」), not the
    margin's change."""
    if ind.name.endswith("率"):
        return False
    for x in (a.lower() for a in ind.aliases if len(a) >= 3):
        if any(not _rate_of(x[:2], s, i) and not (s.startswith(x, i) and _rate_of(x, s, i)) for i in _at(x[:2], s)):
            return True
    return False


# Two years joined as a span (2020-2022年, 2020至2022年): the years between are in it too.
_SPAN_JOIN = re.compile(r"\s*(?:年|E|A)?\s*[-–—~～至到]\s*$", re.I)
# A span whose figures are listed one a year: 「2020-2022年…分别为3.98/6.15/9.42亿元」 states 2021's.
_LISTED_SPAN = re.compile(r"(?<![\d.])((?:19|20)?\d{2})\s*(?:年|E)?\s*[-–—~～至到]\s*((?:19|20)?\d{2})\s*(?:年|E)"
                          r"[^。；;]{0,40}?(?:分别|依次)")


def _in_listed_span(year: str, text: str) -> bool:
    y = int(year)
    for m in _LISTED_SPAN.finditer(text):
        a, b = (int(g) + (2000 if len(g) == 2 else 0) for g in m.groups())
        if a < y < b and b - a <= 10:
            return True
    return False


def has_year(year: str, text: str) -> bool:
    """The year in any form a report writes it: 2020, 2020年, 2020E, 20年, 20E, 4Q20. A year glued to a page
    number in PDF text (「42020年」) still counts when 年/E/Q follows; 「12020台」 is a count, not a year."""
    short = year[2:]
    return bool(re.search(rf"(?<!\d){year}(?!\d)|{year}(?=年|[EAQH]|\s*[-~至])", text, re.I)
                or re.search(rf"(?<![\d.]){short}(?:年(?![间内来以]|期(?![末初]))|[EAQH]|Q[1-4])|[1-4]Q{short}(?!\d)", text, re.I)
                # a short-year range or pair: 「15-19年」 names 2015 as well as 2019, so does 「15、19年」
                or re.search(rf"(?<![\d.]){short}\s*{SHORT_YEAR_JOIN}\s*\d{{2}}(?:年|E)", text, re.I)
                # forecasts by year: 「2020/21营收13.72/18.28亿元」 names 2021 as well as 2020
                or re.search(rf"(?<![\d.])(?:19|20)\d{{2}}(?:\s*[/／]\s*\d{{2}})*\s*[/／]\s*{short}(?![\d.%])", text)
                or _in_listed_span(year, text))


def subject_words(a: Analysis, tokenize) -> list[str]:
    """The subject's words, without the pieces search-mode tokenisation adds inside longer words
    (血制品 → 制品 + 血制品: only 血制品 counts)."""
    return words_of(a.subject, tokenize)


def indicator_words(a: Analysis, tokenize) -> list[str]:
    return words_of(a.indicator.name, tokenize) if a.indicator and a.indicator.own else []


_JOINERS = {"的", "之", "和", "与", "及", "或", "在"}


def words_of(text: str, tokenize) -> list[str]:
    """A phrase's words as jieba cuts them (precise mode), single Chinese characters joined to the next word:
    jieba cuts a name it does not know into pieces (狂免 → 狂 + 免; 唯品会 → 唯品 + 会)."""
    if not text:
        return []
    pieces = tokenize.words(text) if hasattr(tokenize, "words") else tokenize(text)
    words: list[str] = []
    carry = ""
    for w in pieces:
        if w in _JOINERS:  # a single character before 的 ends its word (「32寸的LCD」: 32寸, not 寸lcd)
            if carry and words:
                words[-1] += carry
                carry = ""
            continue
        if len(w) == 1 and re.match(r"[\u4e00-\u9fff]", w):
            carry += w
            continue
        words.append(carry + w)
        carry = ""
    if carry:
        if words:
            words[-1] += carry
        elif len(carry) >= 2:
            words.append(carry)
    return list(dict.fromkeys(w.lower() for w in words))


def match(a: Analysis, sentence: str, passage: str, title: str, words: list[str],
          ind_words: list[str] = ()) -> FactMatch:
    """How well `sentence` (of `passage`, in the report titled `title`) states the fact `a` asks. Memoised: the
    passage order, the answer and the tools match one question's sentences again and again (the result is shared:
    callers read it, never change it)."""
    return _match_memo(a, sentence, passage, title, tuple(words), tuple(ind_words))


@lru_cache(maxsize=8192)
def _match_memo(a: Analysis, sentence: str, passage: str, title: str, words: tuple[str, ...],
                ind_words: tuple[str, ...]) -> FactMatch:
    return _match(a, sentence, passage, title, list(words), list(ind_words))


def _match(a: Analysis, sentence: str, passage: str, title: str, words: list[str],
           ind_words: list[str] = ()) -> FactMatch:
    s, p, t = sentence.lower(), passage.lower(), title.lower()
    m = FactMatch(quality=quote_quality(sentence))
    ind = a.indicator
    # asked for 同比, the sentence without its CAGR names (「复合增速」 holds 同比's 增速)
    s_rate = _without_cagr(s) if ind and ind.modifier == "同比" else s
    if ind:
        count = bool(COUNT_INDICATOR.search(ind.name))
        m.indicator = 1.0 if _found_indicator(ind.aliases, s, count) else (
            0.5 if _found_indicator(ind.aliases, p, count) else 0.0)
        if m.indicator == 0.5 and not ind.own and _names_another_indicator(ind, s):
            m.indicator = 0.0  # the passage names 营业收入, the sentence's figure is 归母净利润's (「…归母净利润同比+14.59%」)
        if ind.own and not m.indicator:  # the question's own wording: its words or characters, not the phrase
            by_words = sum(w in s for w in ind_words) / len(ind_words) if ind_words else 0.0
            grams = {ind.name[i:i + 2] for i in range(len(ind.name) - 1)}
            by_chars = sum(g in s for g in grams) / len(grams) if grams else 0.0
            m.indicator = max(by_words, by_chars)
            m.own_indicator = True
        if ind.modifier:
            m.modifier = 1.0 if _found(ind.modifier_aliases, s_rate) or (ind.modifier == "同比" and _YOY_FORM.search(s)) \
                else 0.0
            if m.modifier and not m.indicator and _short_base(ind, s):
                m.indicator = 0.5  # the rate is the figure: 「市场复合增速」 states the 市场规模's CAGR in short
    else:
        m.indicator = 1.0  # the question names no indicator: nothing to miss
    if a.years:
        in_s = sum(has_year(y, s) for y in a.years) / len(a.years)
        in_p = sum(has_year(y, p) or has_year(y, t) for y in a.years) / len(a.years)
        m.years = in_s if in_s == 1 else max(in_s, 0.5 * in_p)
    if a.sub_period:
        # 「1月」 must not match inside 「11月」, but a quarter or half glued to its year is how reports write it (19H1)
        # (「前2月」 is January and February together, not the 2月 asked)
        if a.sub_period in _NOW_ASKED:  # 「目前」 asks the figure as it stands: one said to be current leads, a dated
            m.sub_period = 1.0 if _NOW.search(s) else 0.0  # one still answers
        elif sub_period_pattern(a.sub_period).search(s):
            m.sub_period = 1.0
        else:  # another month or quarter named instead of the one asked is a different figure, and so is the
            # whole year when a part of it is asked (「2020年全年实现营收…」 for 2020Q2)
            m.sub_period = -0.5 if _SUB_PERIOD.search(s) or ("全年" in s and _PART_OF_YEAR.fullmatch(a.sub_period)) \
                else 0.0
    ratio: bool | None | str = bool(ind) and (any(r in ind.name for r in RATIO_INDICATORS) or bool(ind.modifier))
    change = bool(ind and ind.modifier in _CHANGE_RATES)  # a change rate (同比, 环比, CAGR) is asked
    if ind and _MULTIPLE_INDICATOR.search(ind.name):
        ratio = MULTIPLE  # 市盈率 ends in 率 but is stated in 倍 (or 「94X」), never in %
    elif ind and not ratio and _INDEX.search(ind.name):
        ratio = None  # an index is stated as its level (11507.51点) or its change (上涨0.63%): either answers
    elif ind and change and _DURATION.search(ind.name):
        ratio = None  # a duration's change is stated in days (「应收账款周转天数环比+2.2天」) or in per cent
    masked = _DATES.sub(lambda x: " " * len(x.group()), s)
    regions = tuple(f for w in words if w in REGIONS for f in (w,) + SUBJECT_SYNONYMS.get(w, ()))  # the place asked
    if words:
        before = p[:max(0, p.find(s))] if s in p else ""  # what the passage says before the sentence
        # a name's brackets are not its words (「碘[125I]」 is asked as 碘125I)
        s_, t_, before_, p_ = (_BRACKETS.sub("", x) for x in (s, t, before, p))
        got, elsewhere = 0.0, False
        for w in words:
            forms = (w,) + SUBJECT_SYNONYMS.get(w, ())
            # a sentence about another place states another subject's figure, however many other words it shares
            # (「中国的辅助生殖服务市场…2023年…496亿元」 for 美国辅助生殖服务): below the floor, not a word short
            if w in REGIONS and not _found(forms, s) and any(r in s for r in REGIONS if r not in forms):
                elsewhere = True  # asked about 国内, the sentence is about 全球 (whatever the title says)
            elif w in _NATIONAL and not _found(forms, s) and any(x in s for x in PROVINCES):
                elsewhere = True  # asked about the whole country, the sentence is about one province (广东省…)
            elif w in REGIONS and (ratio is False or change) and \
                    _other_region_owns(s, masked, forms, change=ratio is True):
                elsewhere = True  # 「3Q20印度智能手机出货量5425.79万部…带动全球智能手机逐步复苏」: 印度's figures
            else:
                got += 1.0 if _found(forms, s_) else 0.8 if _found(forms, t_) else 0.75 if _found(forms, before_) \
                    else 0.5 if _found(forms, p_) else 0.0
        m.subject = min(got / len(words), ELSEWHERE) if elsewhere else got / len(words)
        if len(words) > 1:
            m.phrase = 1.0 if a.subject.lower() in s else 0.0
        if a.subject.lower() in s and not any(_alone(s, i, i + len(a.subject)) for i in _at(a.subject.lower(), s)):
            m.shared = 1.0
    else:
        m.subject = 1.0  # the question names no subject: nothing to miss
    if a.qualifier:
        m.qualifier = 1.0 if a.qualifier.lower() in s else 0.0
    share_phrase = bool(ind) and bool(ind.name == "市占率" and _SHARE_OF_MARKET.search(s)
                                      or ind.name == "市场规模" and not ind.modifier and _MARKET_MONEY.search(s))
    if share_phrase:
        m.indicator = 1.0  # 「占…市场…6%的比例」 states the share of the market, 「X市场约为2690亿元」 its size
    if ratio is None and m.indicator < 1 and _INDEX_MOVE.search(s):
        m.indicator = 1.0  # 「医疗器械II上涨0.63%」「涨幅分别为…」 states the index's move
    plain = _DATES.sub(" ", sentence)
    m.number = 1.0 if wanted(ratio).search(plain) else (
        0.3 if re.search(r"\d", plain) else 0.0)
    if m.number == 1.0 and ratio is True and not change and not _ASKS_CHANGE.search(a.text) and \
            all(x.group(1).lower() in _POINTS for x in _PERCENT.finditer(plain)):
        m.number = 0.3  # a level (渗透率, 占比) is never 「每年增加0.24个百分点」: points are a change of it
    if m.number < 1.0:
        return m
    if ind:
        m.near = 1.0 if share_phrase else _nearness(s_rate, masked, ind.modifier_aliases if ind.modifier else ind.aliases,
                                                    ratio)
        if ratio is None and m.near < 1 and _INDEX_MOVE.search(s_rate):  # 「化学制剂，上涨0.93%」: the move's figure
            m.near = max(m.near, _nearness(s_rate, masked, _INDEX_MOVE_WORDS, ratio))
    if words and m.subject >= 1:
        m.owner = _owner(s, masked, [f for w in words for f in (w,) + SUBJECT_SYNONYMS.get(w, ()) if w not in REGIONS],
                         ratio)
    if a.sub_period and m.sub_period == 1 and _sub_bound(s, masked, sub_period_pattern(a.sub_period), ratio) < 0:
        m.sub_period = SUB_ELSEWHERE  # 「4Q20…出货量1.43亿台，同比增长23.42%」 for 3Q20, named later in the sentence
    if a.years:
        # a part of a year the question names anywhere (「2008-2015年上半年」 leaves sub_period empty) is asked
        m.bound = binding(s, masked, a.years, bool(a.sub_period or _PART_OF_YEAR.search(a.text)), ratio,
                          change=change, regions=regions, span=bool(ind and ind.modifier == SPAN_RATE))
    if ind and not m.indicator and not ind.own and not ind.modifier and m.years == 1 and m.subject >= 1 \
            and m.bound == 1 and implied(ind.name, sentence):
        m.indicator = IMPLIED
    if ind and not m.indicator and ind.modifier == SPAN_RATE and m.modifier and m.years == 1 and m.subject >= 1 \
            and len(a.years) > 1 and not _names_another_indicator(ind, s, shortest=2):
        m.indicator = IMPLIED  # 「2012-2016年X…CAGR6%左右」: the subject's growth over the span asked, no other measure named
    if ind and not m.indicator and ind.modifier == SHARE and m.modifier and m.years == 1 and m.subject >= 1 \
            and m.phrase != 0 and m.bound == 1 and not _names_another_indicator(ind, s, shortest=2):
        m.indicator = IMPLIED  # 「X占比由2010年的48.56%提升至2016年的52.00%」: the share asked, whatever it is a share of
    return m


# A sentence may state a figure without naming its indicator: 「2021年X电视将会达到440万台」 is X's 销量 (or 出货量),
# 「预计2021年A灯占各类B灯的60%」 A's share. It counts (as the indicator found in the passage does) when the year and
# the whole subject are in the sentence, and the clause holding the figure names no indicator at all and states a
# figure of the kind the indicator is measured in: a count for 量/数, money for 收入/规模/销售额, 占…% for a share.
IMPLIED = 0.5
# The rate over a span of years, which a sentence often states for its subject alone (「CAGR6%左右」).
SPAN_RATE = "年复合增长率"
SHARE = "占比"  # a share the sentence gives for the subject named whole, no measure named: the share asked
COUNT_INDICATOR = re.compile(r"(?:量|数|人次)$")
_MONEY_INDICATOR = re.compile(r"收入|营收|销售额|规模|产值|金额|市值|空间")
_SHARE_INDICATOR = re.compile(r"占比|市占率|份额|比重|渗透率")
_CLAUSE_END = re.compile(r"[，,；;。！？!?]")


@lru_cache(maxsize=4)
def _vocabulary_words(modifiers: bool, shortest: int) -> tuple[str, ...]:
    """The vocabulary's names (of base indicators, and of modifiers too if asked) of `shortest` characters or
    more, lowercased, longest first."""
    bases, mods = vocabulary()
    # (a base's name that is also a modifier's, 占比 for 市占率, names a base only when modifiers are asked)
    groups = [[w for w in ws if modifiers or w not in modifier_words()] for ws in bases.values()] + \
        (list(mods.values()) if modifiers else [])
    return tuple(sorted({w.lower() for ws in groups for w in ws if len(w) >= shortest}, key=len, reverse=True))


def _names_another_indicator(ind, s: str, shortest: int = 3) -> bool:
    """Whether the sentence names an indicator of the vocabulary (`shortest` characters or more) that is none of the
    asked one's names nor part of them (净利润 for 营业收入; not 收入规模 for 营业收入's 收入)."""
    own = [a.lower() for a in ind.aliases]
    return any(w in s and not any(w in a or a in w for a in own) for w in _vocabulary_words(False, shortest))


def implied(indicator: str, sentence: str) -> bool:
    """Whether a clause of `sentence` states a figure of `indicator`'s kind without naming any indicator."""
    from ..tools.numbers import find_numbers
    from ..tools.units import Dimension

    share = bool(_SHARE_INDICATOR.search(indicator))
    count = bool(COUNT_INDICATOR.search(indicator)) and not _MONEY_INDICATOR.search(indicator)
    money = bool(_MONEY_INDICATOR.search(indicator))
    if not (share or count or money):
        return False
    aliases = _vocabulary_words(True, 2)
    start = 0
    for end in [e.start() for e in _CLAUSE_END.finditer(sentence)] + [len(sentence)]:
        clause, start = sentence[start:end], end + 1
        if not _YEAR_AT.search(clause) and not _YEAR_AT.search(sentence[:end]):
            continue
        low = clause.lower()
        if any(w in low for w in aliases):
            continue
        for n in find_numbers(clause):
            try:
                dim = n.dimension
            except Exception:  # an unknown unit: not a figure of any kind asked
                continue
            if share and dim is Dimension.RATIO and "占" in clause[:n.start]:
                return True
            if count and dim is Dimension.COUNT:
                return True
            if money and (dim is Dimension.CURRENCY or (dim is Dimension.COUNT and "规模" in indicator)):
                return True
    return False


# A year glued to the item number before it: PDF text writes 「1 2020年1月…」 as 「12020年1月…」.
_NUMBERED_YEAR = re.compile(r"(?<![\d.])\d((?:19|20)\d{2})(?=年)")


def year_mentions(s: str) -> list[tuple[int, int, str]]:
    """(start, end, four-digit year) of every year the text names, in order."""
    out = []
    for x in _YEAR_AT.finditer(s):
        y = x.group(1) or "20" + (x.group(2) or x.group(3))
        out.append((x.start(), x.end(), y))
    glued = [(x.start(1), x.end(1), x.group(1)) for x in _NUMBERED_YEAR.finditer(s)]
    return sorted(out + glued) if glued else out


_COMPARED_TO = re.compile(r"(?:与|和|较|比|相比|相较|相较于|相比于|对比)\s*$")


def binding(s: str, masked: str, years, sub_asked: bool, ratio: bool, change: bool = False,
            regions: tuple[str, ...] = (), span: bool = False) -> float:
    """Whether a value of the kind asked is stated for the period asked: the year mention nearest before it
    (with the years joined to it: 2019-2024年, 2017/2018/2019年) holds an asked year — and, when the question asks
    for a whole year, no part of a year (上半年, H1, 1-10月) stands between that year and the value. 1 when some
    value is so bound, -0.5 when every value follows another period, 0 when no year precedes any value.
    `change`: asked for a change rate (同比…), a year it is compared to may also be passed over (「2019年…810.9亿元，
    与2018年市场规模640亿元相比，其增长率为26.70%」 is 2019's growth; reports and readers also file 「2013年…较2012年增长
    37.85%」 under the year compared to, so that reading still counts).
    `regions`: the names of the region asked (全球, 世界…); a value whose clause names another region last is that
    region's, whatever its year (「相比美国的药店连锁率2018年已经达到62%，我国…在2019年为55.34%」 states no 2018 figure
    for 我国): -0.5 when every value bound to a year is another region's.
    `span`: asked for a rate over years (CAGR), a from-to pair of years is one span: 「由2013年的596.7亿元增长至2017年的
    1,105.6亿元，年复合增长率为16.7%」 is the rate from 2013 as well as to 2017."""
    mentions = year_mentions(s)
    others = _others_values(s, masked, regions, ratio) if regions else frozenset()
    if change:
        own = [m for m in mentions if not _COMPARED_TO.search(s[max(0, m[0] - 4):m[0]])]
        if len(own) < len(mentions):
            return max(_bound(s, masked, years, sub_asked, ratio, mentions, mentions, others, span),
                       _bound(s, masked, years, sub_asked, ratio, own, mentions, others, span))
    return _bound(s, masked, years, sub_asked, ratio, mentions, mentions, others, span)


def _bound(s: str, masked: str, years, sub_asked: bool, ratio: bool, mentions: list, named: list,
           others: frozenset[int] = frozenset(), span: bool = False) -> float:
    """`binding` over the year `mentions` a value may belong to (`named`: every year the sentence names; `others`:
    where the values of another region start)."""
    best = None
    for v in wanted(ratio).finditer(masked):
        if not v.group()[:1].isdigit() or any(a < v.end() and v.start() < b for a, b, _ in named):
            continue  # 「19年」 is a year, not a count of years; 「（单位：十亿元）」 is no value
        if v.start() in others:
            if any(m[1] <= v.start() for m in mentions):
                best = -0.5 if best is None else best
            continue
        before = [m for m in mentions if m[1] <= v.start()]
        if not before:
            continue
        if (earlier := _rise_end(s, masked, before, v, ratio)) is not None:
            before = earlier  # 「占比将从2018年的39%上升到52%」: 52% is not 2018's, it is the period named before
            if not before:
                continue
        group = [before[-1]]
        for m in reversed(before[:-1]):  # walk back over joined years (and, for a CAGR, a from-to pair)
            if _YEAR_JOIN.match(s[m[1]:group[0][0]]) or (span and _FROM_YEAR.search(s[max(0, m[0] - 2):m[0]])
                                                         and _FROM_TO.match(s[m[1]:group[0][0]])):
                group.insert(0, m)
            else:
                break
        got = -0.5
        quarter = re.search(r"[QH]", s[group[-1][0]:group[-1][1]], re.I)  # 「4Q20」 names a part of the year itself
        spanned = len(group) == 2 and _SPAN_JOIN.match(s[group[0][1]:group[1][0]]) and \
            any(int(group[0][2]) < int(y) < int(group[1][2]) for y in years)  # 「2020-2022年…分别为」 holds 2021
        if (any(y in years for _, _, y in group) or spanned) and not (quarter and not sub_asked):
            between = _YEAR_END.sub(" ", s[group[-1][1]:v.start()])  # 「截至2021年12月31日」 is the whole year
            got = 1.0 if sub_asked or not _PART_OF_YEAR.search(between) else -0.5
        best = got if best is None else max(best, got)
        if best == 1.0:
            break
    return 0.0 if best is None else best


_FROM_YEAR = re.compile(r"[从由]\s*$")
_FROM_TO = re.compile(r"^[^，。；;]{0,30}?(?:到|至)\s*$")
_RISE_TO = re.compile(r"^\s*(?:[的，,]?\s*)?(?:上升|提升|提高|增长|增加|下降|下滑|降低|减少|扩大|缩小|增|降|升|跌)?\s*(?:到|至)\s*(?:约|近)?\s*$")


def _rise_end(s: str, masked: str, before: list, v, ratio) -> list | None:
    """「…从2018年的39%上升到52%」: the value a from-to pair rises to, with no year of its own, is not the from-year's.
    The year mentions before the pair's 从 (None when `v` ends no such pair)."""
    y = before[-1]
    if not _FROM_YEAR.search(s[max(0, y[0] - 2):y[0]]):
        return None
    first = next((x for x in wanted(ratio).finditer(masked, y[1], v.start()) if x.group()[:1].isdigit()), None)
    if first is None or not _RISE_TO.match(s[first.end():v.start()]):
        return None
    return [m for m in before if m[1] <= y[0] - 1]


SUB_ELSEWHERE = 0.5  # the part of the year asked is named, but every value follows another part of the year
# Parts of a year joined into one mention (「2021年第一季度和2020年第四季度…分别增长」, 「Q1/Q2/Q3」): years, connectors.
_SUB_JOIN = re.compile(r"^[\s年的第单和与及、/\-~～至到EeAaQqHh\d]*$")


def _sub_bound(s: str, masked: str, sub: re.Pattern[str], ratio) -> float:
    """Whether a value of the kind asked follows the part of the year asked: the nearest part of a year named
    before it (with those joined to it: 「Q1/Q2/Q3批签发量分别为…」) is the one asked. 1 when some value is so bound,
    -0.5 when every value follows another part of the year, 0 when no part of a year precedes any value."""
    mentions: list[tuple[int, int]] = []  # overlapping finds merged: 「Q1-Q3」 is one mention, 「第一季度」 too
    for a, b in sorted({(x.start(), x.end()) for x in _SUB_PERIOD.finditer(s)} |
                       {(x.start(), x.end()) for x in sub.finditer(s)}):
        if mentions and a < mentions[-1][1]:
            mentions[-1] = (mentions[-1][0], max(b, mentions[-1][1]))
        else:
            mentions.append((a, b))
    best = None
    for v in wanted(ratio).finditer(masked):
        if not v.group()[:1].isdigit():
            continue
        before = [m for m in mentions if m[1] <= v.start()]
        if any(a < v.end() and v.start() < b for a, b in mentions) or not before:
            continue  # 「1-7月」 is a period, not a value
        group = [before[-1]]
        for m in reversed(before[:-1]):
            if m[1] <= group[0][0] and _SUB_JOIN.match(s[m[1]:group[0][0]]):
                group.insert(0, m)
            else:
                break
        got = 1.0 if any(sub.search(s, a, b) for a, b in group) else -0.5
        best = got if best is None else max(best, got)
        if best == 1.0:
            break
    return 0.0 if best is None else best


OWNER_NEAR = 30  # characters from the subject's mention to a value of the kind asked: its own figure


def _owner(s: str, masked: str, forms: list[str], ratio) -> float | None:
    """1 when a value of the kind asked follows a mention of the subject within OWNER_NEAR characters, with no
    sentence-like break between (「•乙品种：2020年全年…批签发1321万支」), 0 when every value is further from it
    (「疫情推动乙品种增长，甲品种：2020年全年甲品种批签发5938万支」: another subject's figure); None when the subject
    is only a region or not in the sentence."""
    mentions = [(i, i + len(f)) for f in forms if f for i in _at(f.lower(), s)]
    if not mentions:
        return None
    if any(_listed_value(s, masked, start, end, ratio) for start, end in mentions):
        return 1.0
    values = [v for v in wanted(ratio).finditer(masked) if v.group()[:1].isdigit()]
    if any(_label(s, start, end) and any(v.start() > end for v in values) for start, end in mentions):
        return 1.0  # 「专科药：收入影响可控，费用控制良好：2020年上半年收入同比减少5.35%至818亿港元」: the label's figures
    # a rate asked may follow the amount it changes: 「…营收达12.95亿元，同比增长12.45%」 are both the subject's
    chain = [v.start() for v in (_EITHER if ratio is True else wanted(ratio)).finditer(masked) if v.group()[:1].isdigit()]
    asked = {v.start() for v in values}
    for _, end in mentions:
        # (a value after 「分别」 is the listed items' (「甲中，A、B的增速分别为…」), the mention's only when it is one)
        at = end
        for c in chain:
            if c < end:
                continue
            if c - at > OWNER_NEAR or _broken(s, end, c) or (at > end and len(_HOP_CUT.findall(s, at, c)) > 1):
                break  # (a hop from one figure to the next crosses one clause at most)
            if c in asked:
                return 1.0
            at = c
    return 0.0


_REGION_MARKS = REGIONS + PROVINCES


def same_place(asked: str, subject: str) -> bool:
    """False when a question's subject names a region (全球, 国内…) and another subject (an estimate's) names another
    region or a province instead (the sentence-level twin of this is in `match`'s subject loop)."""
    for r in REGIONS:
        if r in asked:
            forms = (r,) + SUBJECT_SYNONYMS.get(r, ())
            if not _found(forms, subject) and any(x in subject for x in _REGION_MARKS if x not in forms):
                return False
    return True


def _pairs_regions(s: str, at: int) -> bool:
    """The 「分别」 at `at` pairs regions with values: its clause names two of them or more (「全球与我国…分别为…」);
    「我国…预计到2023年和2030年将分别达到…」 pairs years."""
    ends = [c.end() for c in _CLAUSE_END.finditer(s, 0, at)]
    clause = s[ends[-1] if ends else 0:at]
    return len({"中国" if r in _NATIONAL else r for r in _REGION_MARKS if r in clause}) >= 2  # 我国国内 is one


def _other_region_owns(s: str, masked: str, forms, change: bool = False) -> bool:
    """Asked for an amount of one region (全球) in a sentence naming it and others: True when the region named last
    before each amount, in the amount's own clause, is another one (「美国制药市场规模为4,908亿美元，占全球制药市场的
    38.7%」 gives 美国's); False when one is the asked region's, when no clause names a region before its amount
    (「…风靡全球，…1958年产量超600万台」), or when 「分别」 pairs regions and values. 「日本国内」 is 日本; the 国外 in
    「我国外周」 is no region. (Shares are left alone: 「占全球…的38%」 names the whole after the share's owner.)
    `change`: asked for a change rate (同比, CAGR), the values are percentages, and one whose own clause names no region
    continues the clause before it (「3Q20印度智能手机出货量5425.79万部，同比增长16.50%」 gives 印度's rate)."""
    if any(_pairs_regions(s, r.start()) for r in _RESPECTIVELY.finditer(s)):
        return False
    marks = _region_marks(s, forms)
    owned = False
    for v in (_PERCENT if change else _AMOUNT).finditer(masked):
        if not v.group()[:1].isdigit():
            continue
        asked = _clause_region(s, marks, v.start(), back=change)
        if asked:
            return False
        owned = owned or asked is not None
    return owned


def _region_marks(s: str, forms) -> list[tuple[int, int, bool]]:
    """(start, end, is the region asked) of every region the sentence names, in order. 「日本国内」 is 日本; the 国外
    in 「我国外周」 is no region."""
    marks: list[tuple[int, int, bool]] = []
    for i, r in sorted(((i, r) for r in _REGION_MARKS for i in _at(r, s)), key=lambda x: (x[0], -len(x[1]))):
        if marks and i < marks[-1][1]:
            continue  # inside the mark before it: 「我国外周」 holds 国外
        asked = r in forms or bool(marks and marks[-1][1] == i and marks[-1][2])  # 「日本国内」: still 日本
        marks.append((i, i + len(r), asked))
    return marks


_SHARE_OF = re.compile(r"(?<!市)占(?!比|率|有率)")  # 「占全球…的38.7%」: what follows is the whole (not 市占率, 占比)


def _others_values(s: str, masked: str, forms, ratio) -> frozenset[int]:
    """Where the values of the kind asked start whose clause names another region than the one asked, last before
    them (a percentage in a clause naming none continues the clause before it: 「美国…出货量…，同比增长16%」). The
    whole a share is of (「占全球…的38.7%」) owns nothing; a 「分别」 pairing regions with values is left alone."""
    if ratio not in (True, False) or any(_pairs_regions(s, r.start()) for r in _RESPECTIVELY.finditer(s)):
        return frozenset()
    marks = _region_marks(s, forms)
    if not any(not asked for *_, asked in marks):
        return frozenset()
    return frozenset(v.start() for v in wanted(ratio).finditer(masked) if v.group()[:1].isdigit()
                     and _clause_region(s, marks, v.start(), back=ratio, share_whole=True) is False)


def _clause_region(s: str, marks: list[tuple[int, int, bool]], at: int, back: bool,
                   share_whole: bool = False) -> bool | None:
    """Whether the region named last before `at` in its clause is the one asked (None: the clause names none).
    `back`: a clause naming none continues the clause before it (a percentage after its amount). `share_whole`: the
    regions after a share's 占 are the whole it is of (「占全球…的38.7%」), not its owner — and the clause then says
    whose share it is, so it does not continue the one before."""
    ends = [c.end() for c in _CLAUSE_END.finditer(s, 0, at)]
    clause = ends[-1] if ends else 0
    share = _SHARE_OF.search(s, clause, at) if share_whole else None
    whole = share.start() if share else -1
    last = [asked for i, _, asked in marks if clause <= i < at and not (0 <= whole < i)]
    if back and not last and ends and whole < 0:
        clause = ends[-2] if len(ends) >= 2 else 0
        last = [asked for i, _, asked in marks if clause <= i < at]
    return last[-1] if last else None


_LIST_SEP = re.compile(r"、|和|及|与")
_CLAUSE_START = re.compile(r"[，,；;。：:（(]")
_RESPECTIVELY = re.compile(r"分别|依次")
_LIST_END = re.compile(r"[。；;]|分别|依次")  # the values a 「分别」 gives run to the sentence's end or the next one
# A subject written as the label of what follows: at the sentence's start (after a bullet, an item number or another
# label), followed by 「：」 — 「•专科药：…」, 「（2）CRO：…」, 「特免类：狂犬病人免疫球蛋白：…」.
# (PDF text writes Wingdings bullets as private-use characters, 「Ø」 or 「ü」)
_LABEL_BEFORE = re.compile(r"(?:^|[：:])\s*(?:[⚫■□•·➢◆◇●○▶▪◼★☆❖√§Øü\ue000-\uf8ff\-*]\s*"
                           r"|[(（]?[0-9一二三四五六七八九十]{1,2}[)）.、]\s*)*$")
_LABEL_AFTER = re.compile(r"[^，,。；;：:、\s]{0,12}[：:]")  # the rest of the label (「丙免疫」 + 「球蛋白：」), then 「：」


def _label(s: str, start: int, end: int) -> bool:
    """Whether the mention s[start:end] labels the sentence: 「：」 ends the clause it starts and nothing but a bullet,
    an item number or another label comes before it."""
    return bool(_LABEL_AFTER.match(s, end)) and bool(_LABEL_BEFORE.search(s, 0, start))


# between a mention and a value: not its own figure (「戊品种中，甲生物的…增速为-53%」, 「…，其中甲生物…」: a member's)
_OWNER_BREAK = re.compile(r"[。；;•➢]|分别|依次|其中|中[，,]")


def _broken(s: str, end: int, at: int) -> bool:
    """Whether an `_OWNER_BREAK` lies between a mention ending at `end` and a value at `at`. A 「分别」 with nothing
    listed after the mention gives the mention's values for a list of times (「19年11月、12月静丙批签发量分别为…」,
    「2020年Q1~Q2，国内静丙批签发量分别为381、230万瓶」); after a list (「甲的国产与进口分别为…」) they are its items'."""
    return any(m.group() not in ("分别", "依次") or _LIST_SEP.search(s, end, m.start())
               for m in _OWNER_BREAK.finditer(s, end, at))


def _listed_value(s: str, masked: str, start: int, end: int, ratio) -> bool:
    """Whether the mention s[start:end] is an item of a list (「甲、乙、丙」) whose values a later 「分别」 gives in the
    same order and number (「…同比增速分别为19%、-5%和-6%」): the item's value is its own figure. The list may end
    its clause when the next one holds the 「分别」 and nothing listed (「甲和乙的市占率相当，2018年分别为10%和9%」);
    the values run to the sentence's end or, if that gives another number of them, to their clause's end; a slashed
    run shares its last unit (「分别实现营收8.04/8.69/1.91亿元」 is three)."""
    head = max((m.end() for m in _CLAUSE_START.finditer(s, 0, start)), default=0)
    first = _RESPECTIVELY.search(s, end)
    if not first:
        return False
    stop, cuts = first.start(), list(_LIST_CUT.finditer(s, end, first.start()))
    if cuts:  # the list ends its clause: the 「分别」 must be in the next one, which lists nothing
        if len(cuts) > 1 or _LIST_SEP.search(s, cuts[0].end(), stop) or _values(masked, cuts[0].end(), stop, ratio):
            return False
        stop = cuts[0].start()
    k = len(_LIST_SEP.findall(s, head, start))
    n = len(_LIST_SEP.findall(s, head, stop)) + 1
    if n < 2:
        return False
    for r in _RESPECTIVELY.finditer(s, end):
        ends = (_LIST_END.search(s, r.end()), _CLAUSE_END.search(s, r.end()))
        if any(_values(masked, r.end(), e.start() if e else len(s), ratio) == n for e in ends):
            return k < n
    return False


_HOP_CUT = re.compile(r"[，；;。！？!?]")  # (not 「,」: 「1,168.30亿元」)
_LIST_CUT = re.compile(r"[，,；;：:]")  # a list's clause ends (brackets inside it do not)
_SLASHED = re.compile(r"(?:[-−+]?\d[\d.]*/)+$")


def _values(masked: str, a: int, b: int, ratio) -> int:
    """How many values of the kind asked masked[a:b] gives, a slashed run (「8.04/8.69/1.91亿元」) counting each."""
    n = 0
    for v in wanted(ratio).finditer(masked, a, b):
        if v.group()[:1].isdigit() or v.group()[:1] in "-−+":
            run = _SLASHED.search(masked, a, v.start())
            n += 1 + (run.group().count("/") if run else 0)
    return n


@lru_cache(maxsize=1)
def _cagr_names() -> re.Pattern:
    names = sorted(vocabulary()[1].get("年复合增长率", ()), key=len, reverse=True)
    return re.compile("|".join(re.escape(n.lower()) for n in names)) if names else re.compile(r"(?!)")


def _without_cagr(s: str) -> str:
    """`s` with every name of a compound annual rate blanked (same length): 「复合增速」 holds 同比's 增速, but a CAGR
    over 2021-2023 is no year-on-year change (「2021-2023年全球液晶电视出货量复合增速为2.2%」 for 2021年…同比)."""
    return _cagr_names().sub(lambda x: " " * len(x.group()), s)


def _nearness(s: str, masked: str, aliases, ratio: bool) -> float:
    """1 when a number of the right kind comes within a few characters after a mention of the indicator
    (「复合增速达21.76%」), 0.5 within a clause, else 0. `masked`: the sentence with dates blanked out."""
    best = 0.0
    kind = wanted(ratio)
    for a in aliases:
        a = a.lower()
        start = 0
        while (i := s.find(a, start)) >= 0:
            start = i + 1
            m = kind.search(masked, i + len(a), i + len(a) + 40)
            if m:
                run = _SLASHED.search(masked, i + len(a), m.start())  # 「营收8.04/8.69/1.91亿元」 starts at 8.04
                gap = (run.start() if run else m.start()) - (i + len(a))
                best = max(best, 1.0 if gap <= 12 else 0.5 if gap <= 40 else 0.0)
            if any(masked[v.end():i].strip() == "的" for v in kind.finditer(masked, max(0, i - 20), i)):
                best = 1.0  # 「以15.5%的年复合增长率增长」: the figure qualifies the indicator
    return best
