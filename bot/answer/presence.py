"""Is the answer in the best sentence, or only the topic? Cheap checks, used by every refusal profile.

RGB-style negatives share every word of the question (the same event, another year; the same film, not its
director). Two checks catch part of that without a reader model:
- `years`: every year the question names appears in the sentence (or its passage's first line, a dateline);
- `kind`: the sentence holds a word of the kind asked for that the question does not contain — a person for
  谁/导演/主演/冠军 (with the role asked), a place for 哪里/在哪/起点, a quoted or proper name for 叫什么/名字, a
  name for 哪部/什么类型, a date other than the question's own for 何时/时间, a number for 多少/几 or a terse
  question ending on a measure — and names no other one of a series than the one asked (第一艘 for 第三艘).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

# a year starts after no digit — but one digit may end a name before it: 「CR52043年」 is CR5 in 2043
YEAR_START = r"(?<!(?<![A-Za-z])\d)"
YEAR = re.compile(YEAR_START + r"((?:19|20)\d{2})(?!\d)")

# a quantity: a number with a unit or magnitude, or a percentage (dates and years are not quantities)
_DATES = re.compile(r"\d{4}\s*[年-]|\d{1,2}\s*月\s*\d{1,2}\s*[日号]?|\d{1,2}\s*月|\d{1,2}\s*[日号]")
# (「8300多吨」, 「100余家」: a rough count is still a quantity)
_QUANTITY = re.compile(r"\d[\d,.]*\s*(?:多|余)?(%|％|‰|[万亿千百]|[个人名次辆艘项倍元吨米家支座台部件例位场届岁天年页瓶剂床张片颗只头户套款篇条笔所间栋亩升克斤度瓦]|"
                       r"美元|欧元|英镑|公里|千米|平方|立方|小时|分钟|秒|人份|人次|pct|pp|bp|GW|MW|kWh|GB|TB|nm|mm|cm|km|kg)|"
                       # 「一个」「一项」 alone is an article (「正在经历一个高速…时期」), not a count
                       r"(?<![一二三四五六七八九十两百千万亿])(?!一[个项位家部件场次张片])"
                       r"[一二三四五六七八九十两百千万亿]+[个人名次辆艘项倍支座台部件例位场届岁天万亿页瓶剂张片]|"
                       # an index level (「收于11507.51点」), not a time of day (「8点」「10点半」)
                       r"\d{3,}(?:\.\d+)?\s*点(?![钟半])|\d+\.\d+\s*点(?![钟半])")

_TIMES_X = re.compile(r"\d(?:[\d.]*)\s*[Xx](?![A-Za-z\d])")  # a multiple as brokers write it: 「PE为94X」

# (kind, what in a question asks for it); the first match wins, so the more specific kinds come first
KINDS = [
    ("person", re.compile(r"谁|哪位|什么人|who\b|whom", re.I)),
    ("title", re.compile(r"叫什么|名字|名称|what is the name", re.I)),
    ("name", re.compile(r"哪部|哪款|什么(电影|游戏|类型|项目|内容|手机|产品)", re.I)),
    ("person", re.compile(r"导演|主演|演员|得主|冠军|创始人|首席|火炬手|主创", re.I)),
    ("place", re.compile(r"哪里|在哪(?![个些种类])|哪儿|何处|哪个(城市|国家|地方|省|地区)|哪座|起点|终点|where", re.I)),
    ("date", re.compile(r"何时|什么时候|哪天|哪一天|几月|几号|日期|时间|哪年|哪一年|when|what date", re.I)),
    # (a terse question that ends on a measure — 「2021年某机场年旅客吞吐量」, 「我国2021年人口出生率」 — asks its value)
    ("number", re.compile(r"多少|多大|几[次个名人年天届辆艘项倍]|增长了?多少|数量|人数|规模|how (many|much)"
                          r"|(?:量|额|数|率|规模|票房|营收|收入|利润|增速|占比|GDP)[？?]?$", re.I)),
    ("name", re.compile(r"哪个|哪家", re.I)),
]
_SHOWS: dict[str, Callable[[str, list[tuple[str, str]]], bool]] = {
    # 「谁提出的…」 may be answered by an organisation or a Latin name (Google, OpenAI)
    "person": lambda text, new: any(f.rstrip("*") in ("nr", "nrfg", "nrt", "nt", "eng") or f in ("ns*", "nz*")
                                    for _, f in new),
    "place": lambda text, new: any(f.rstrip("*") in ("ns", "nsf") for _, f in new),
    "date": lambda text, new: bool(re.search(r"\d{1,2}月\d{1,2}日|\d{4}年\d{1,2}月|\d{4}-\d{2}-\d{2}", text)),
    "number": lambda text, new: bool(_QUANTITY.search(_DATES.sub(" ", text)) or _TIMES_X.search(text)),
    "name": lambda text, new: bool(re.search(r"《[^》]+》|“[^”]+”|\"[^\"]+\"", text))
    or any(f.rstrip("*") in ("nz", "nr", "nrt", "nt", "ns", "eng") for _, f in new),
    # what a thing is called: a title, a quoted or proper name — not a person's (a mascot's name is no 蒋效愚)
    "title": lambda text, new: bool(re.search(r"《[^》]+》|“[^”]+”|「[^」]+」|\"[^\"]+\"", text))
    or any(f.rstrip("*") in ("nz", "eng") for _, f in new),  # (jieba's nt/ns tags fall on 北京奥运, 城市: no evidence)
}


@dataclass(frozen=True)
class Presence:
    kind: str | None  # what the question asks for, if it says
    kind_ok: bool | None  # the sentence has one (None: no kind asked)
    years_ok: bool | None  # the question's years are there (None: it names none)

    def to_dict(self) -> dict:
        return {"kind": self.kind, "kind_ok": self.kind_ok, "years_ok": self.years_ok}


# Kinds for which the lead may be a lower-ranked sentence holding one (extractive.extract's `answers`): not any
# number for 多少 (「不超过60秒」 is no parameter count) nor any date for 时间 (negatives are full of other dates).
LEAD_KINDS = ("person", "place", "name", "title")


def asked_kind(question: str) -> str | None:
    return next((kind for kind, asks in KINDS if asks.search(question)), None)


# A person asked by role: the sentence must name the role too (a cast list names no 导演). General Chinese usage.
ROLES = {"导演": ("导演", "执导", "导筒"), "主演": ("主演", "领衔", "饰演", "出演", "演员"), "编剧": ("编剧",),
         "冠军": ("冠", "折桂", "称王", "封后", "问鼎"), "火炬手": ("火炬手", "火炬传递", "棒"),
         "创始人": ("创始人", "创办", "创立", "创建"), "设计师": ("设计师", "设计"), "董事长": ("董事长",),
         "总经理": ("总经理",), "首席执行官": ("首席执行官", "CEO"), "CEO": ("CEO", "首席执行官")}
_ANSWER_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)(?!\s*年?\s*(?:同期|水平|的水平))")
_ORDINAL = re.compile(r"第([一二三四五六七八九十\d]+)([艘架颗枚届次批款代期轮个座家位名])")


def _other_ordinal(question: str, sentence: str) -> bool:
    """The sentence names another of the same series (「第一艘」 where the question asks 「第三艘」)."""
    asked = {m.group(2): m.group(1) for m in _ORDINAL.finditer(question)}
    return any(m.group(2) in asked and m.group(1) != asked[m.group(2)] for m in _ORDINAL.finditer(sentence)) and \
        not any(m.group(2) in asked and m.group(1) == asked[m.group(2)] for m in _ORDINAL.finditer(sentence))


def shows(kind: str, question: str, sentence: str, pos: Callable[[str], list[tuple[str, str]]]) -> bool:
    """Whether the sentence holds a word of the kind asked that the question does not already contain (a date
    other than the question's own: 「2022年春运…」 does not say when 2022's 春运 starts), for the role and the one of
    a series asked (「导演是谁」 is not answered by a cast list, 「第三艘…下水的时间」 not by the first one's)."""
    if _other_ordinal(question, sentence):
        return False
    if kind == "date":
        text = sentence
        for d in set(re.findall(r"\d{1,2}月\d{1,2}[日号]?|\d{4}年\d{1,2}月", question)):
            text = text.replace(d, " ")
        if any(m.group(1) not in question for m in _ANSWER_YEAR.finditer(text)):
            return True  # a year answers 「何时」 too (「2030年前将实现商用」), when it is not the question's own nor
            # a base of comparison (「为2019年同期的69%」)
        return _SHOWS["date"](text, [])
    if kind == "person":
        roles = [forms for role, forms in ROLES.items() if role in question]
        if roles and not all(any(f in sentence for f in forms) for forms in roles):
            return False
    new = [(w, f) for w, f in pos(sentence) if w.strip() and w not in question]
    if kind == "person" and "冠军" in question:  # a winner may be a team, a film or a company as well as a person
        return _SHOWS["person"](sentence, new) or _SHOWS["name"](sentence, new)
    return _SHOWS[kind](sentence, new)


def presence(question: str, sentence: str, passage: str, pos: Callable[[str], list[tuple[str, str]]]) -> Presence:
    """`pos`: (word, jieba flag) pairs of a text (Tokenizer.pos)."""
    years = set(YEAR.findall(question))
    dateline = passage.strip().splitlines()[0] if passage.strip() else ""
    years_ok = all(y in sentence or y in dateline for y in years) if years else None
    kind = asked_kind(question)
    if kind is None:
        return Presence(None, None, years_ok)
    return Presence(kind, shows(kind, question, sentence, pos), years_ok)
