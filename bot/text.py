"""Text utilities shared by ingest, answers and tools: is a span a sentence worth quoting?

PDF text holds flattened tables ("营业收入 1,234 1,456 1,678 …"), figure-caption runs
("图表3：…资料来源：Wind…"), axis labels and number soup. They stay searchable, but an answer's lead should
quote a real sentence. `quote_quality` scores a span from 0 (not a sentence) to 1 (plain prose).
"""
from __future__ import annotations

import re

_CJK = re.compile(r"[\u4e00-\u9fff]")
_NUMBER = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?%?")
_CAPTION = re.compile(r"(图表?|表|Figure|Exhibit|Chart)\s*\d{1,3}\s*[:：、.．]|(资料|数据)来源[:：]|来源[:：]|单位[:：]")
_PROSE_MARKS = re.compile(r"[，。；：、,;]")
_VERBISH = re.compile(r"为|是|达|增|降|升|减|约|占|预计|实现|超过|同比|认为|将|有望|带动|受益|由于|因此|其中|走[低高]|下滑|上涨|"
                      r"扩大|缩小|保持|维持|显示|表明|推出|获批|完成|进入|成为|具有|拥有|需要|可以|已经|持续|加速|放缓")


def written_in_chinese(text: str) -> bool:
    """Chinese when the text has CJK characters — unless its last sentence is written in English around a Chinese
    name or figure (「How big is the market for 内镜清洗设备?」: three English words or more, one of them a function
    word; quoted titles do not count, and an instruction before a Chinese question is not the question)."""
    if not _CJK.search(text):
        return False
    bare = re.sub(r"《[^》]*》|“[^”]*”|「[^」]*」", " ", text).strip()
    last = ([s for s in re.split(r"(?<=[.?!。？！])\s*", bare) if s.strip()] or [bare])[-1]
    words = re.findall(r"[A-Za-z]+", last)
    return not (len(words) >= 3 and any(w.lower() in _ENGLISH_FUNCTION_WORDS for w in words))


_ENGLISH_FUNCTION_WORDS = frozenset(
    "what how is are was were the a an of in on for to by from with does do did which who whom whose when where why "
    "much many will would could should can there its their this that and or if".split())


def number_density(text: str) -> float:
    """Share of the characters that belong to numbers."""
    if not text:
        return 0.0
    return sum(len(m.group()) for m in _NUMBER.finditer(text)) / len(text)


_GLUED_DECIMALS = re.compile(r"\d+(?:\.\d+){3,}")


def is_table_like(text: str) -> bool:
    """A flattened table row or axis run: numbers glued to numbers (a table's cells lose their separators
    when a PDF is flattened), or hardly anything but numbers. Prose enumerations ("分别为12亿/15亿/18亿")
    keep words or separators between their numbers and stay quotable."""
    if _GLUED_DECIMALS.search(text) and number_density(text) > 0.3:
        return True  # 「1.21.50.91.7」: decimals glued cell to cell (a number has one point, a date two)
    nums = list(_NUMBER.finditer(text))
    if len(nums) < 5:
        return number_density(text) > 0.7 and len(nums) >= 3
    gaps = [text[a.end():b.start()] for a, b in zip(nums, nums[1:])]
    glued = sum(1 for g, a, b in zip(gaps, nums, nums[1:]) if not g.strip() and not _is_range(a.group(), b.group()))
    # a written sentence of slashed series is dense too (「2017/2018/2019年营收分别为2.22/3.21/5.58亿元，同比增速为
    # 58.09%/44.28%/73.74%」), but it has a verb and punctuation between its series
    prose = bool(_VERBISH.search(text) and _PROSE_MARKS.search(text))
    return glued >= 0.4 * len(gaps) or (number_density(text) > 0.6 and not prose)


def _is_range(a: str, b: str) -> bool:
    """「20-40」, 「4%-8%」, 「2004-2014」: two numbers of one range, not two table cells glued together."""
    def whole(n: str) -> int:
        return len(n.lstrip("+-").split(".")[0].rstrip("%").replace(",", ""))
    return b.startswith("-") and not a.startswith("-") and ("%" not in a or "%" in b) and abs(whole(a) - whole(b)) <= 1


def caption_count(text: str) -> int:
    return len(_CAPTION.findall(text))


def quote_quality(text: str) -> float:
    """1.0 for a plain sentence; lower for captions, table runs, fragments and unpunctuated runs."""
    t = text.strip()
    if len(t) < 8:
        return 0.1
    q = 1.0
    if is_table_like(t):
        q *= 0.2
    captions = caption_count(t)
    if captions:
        q *= 0.5 if captions == 1 else 0.25
    if len(t) > 60 and not _PROSE_MARKS.search(t):
        q *= 0.4  # a long run with no punctuation is layout, not prose
    if len(t) > 400:
        q *= 0.6  # a "sentence" this long is usually several glued by the extractor
    if _CJK.search(t) and not _VERBISH.search(t):
        q *= 0.8
    if t[-1] in "。！？!?；;":
        q = min(1.0, q * 1.1)
    return round(q, 3)


def quote_names_title(quote: str, title: str) -> bool:
    """A 《quote》 in a question names a title: part of it, or the whole short title inside a longer quote."""
    return quote in title or (len(title) >= 4 and title in quote)
