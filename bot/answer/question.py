"""Question hygiene: what reaches retrieval is printable text of a bounded length."""
from __future__ import annotations

import re
import unicodedata

from ..errors import QuestionError
from ..text import quote_names_title, written_in_chinese

# Words that say what kind of answer is wanted, not what it is about: they neither score a sentence
# nor count as a topic the reports must cover.
QUESTION_WORDS = set(
    "报告 研报 认为 提到 提及 提出 提示 指出 表示 分析 观点 看法 什么 哪些 哪个 哪家 哪里 何时 多少 多大 多长 多久 最长 最大 最高 几 是否 "
    "时候 时间 全称 简称 定义 含义 意思 名字 名称 概念 原因 作用 区别 特点 特征 优势 表现 券商 机构 哪家 "
    "怎样 怎么 如何 为何 为什么 可以 能够 能 会 要 有 吗 呢 请 问 介绍 说明 告诉 一下 主要 目前 现在 情况 内容 相关 方面 根据 按照 中 里 对 "
    "what which who whom when where why how many much does do did is are was were the a an of in on for to by "
    "report reports say says said according tell me about please".split()
)
MAX_CHARS = 2000  # longer pastes are cut here: retrieval and extraction only need the gist
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")


def check_question(raw: str | None) -> str:
    if raw is None:
        raise QuestionError("The question is empty.")
    text = _CONTROL.sub(" ", str(raw))
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        raise QuestionError("The question is empty.")
    if not any(unicodedata.category(ch)[0] in "LN" for ch in text):
        raise QuestionError("The question has no words in it.")
    return text[:MAX_CHARS]


def is_chinese(text: str) -> bool:
    """Answer language (see `text.written_in_chinese`)."""
    return written_in_chinese(text)


_MARKUP = re.compile(r"<(script|style)\b.*?</\1\s*>|<[^>]{0,200}>", re.IGNORECASE | re.DOTALL)


def plain(text: str) -> str:
    """The question without HTML/script markup, for searching (it is still shown as typed, escaped)."""
    return re.sub(r"\s+", " ", _MARKUP.sub(" ", text)).strip() or text


# A reference to a report by its title: 「据《…》，」「《…》中」「在《…》这份报告里」「《…》认为」. The framing words go
# with it; what is left is what the question asks.
_REPORT_REF = re.compile(r"(?:据|根据|依据|按照?|在|从|参考|参照)?\s*《([^》]{2,80})》\s*(?:这份|这篇|该|一文)?\s*"
                         r"(?:报告|研报|文章)?\s*(?:中的|里的|中|里|内|所述|显示|指出|认为|提到|称)?\s*[，,：:]?\s*")


def without_titles(text: str, titles: list[str]) -> str:
    """`text` without its references to the reports titled `titles` (the report is where to look, not a term
    of the question); a 《…》 that names no such report (a book, a law) stays."""
    def drop(m: re.Match) -> str:
        quoted = m.group(1)
        return " " if any(quote_names_title(quoted, t) for t in titles) else m.group(0)
    out = _REPORT_REF.sub(drop, text).strip()
    return out or text
