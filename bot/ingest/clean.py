"""Remove what is not the report from its text: site chrome, page furniture, boilerplate — as spans.

- Web clippings: lines that are buttons, counters, promotions, copyright/ICP notices (`is_chrome`). A short
  line that is chrome goes whole; in a long line (a PDF's text is often one line per report) only the
  sentence holding the phrase goes, so a report is never dropped for one boilerplate phrase.
- PDF text: repeated page headers/footers, notices, layout tags, the table of contents and the disclaimer
  tail (`furniture.py`).
The report's own sentences are never edited: what is kept is a verbatim slice of the input. Every cut
inside a line becomes a line break and is recorded in `Cleaned.cuts`, so no sentence (and no quote)
spans it and the chunker can start a new chunk there. `Cleaned.stats` says what went, per rule.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import furniture

# Whole lines that are buttons, counters or navigation of the hosting site.
_BUTTON = re.compile(
    r"^(登录|注册|登录注册|登录/注册|立即登录|免费注册|退出登录|转发|收藏|已收藏|投诉|举报|复制链接|分享|分享到\S{0,8}|"
    r"打赏|打赏作者|无用|有用(\s*\d+)?|点赞(\s*\d+)?|赞(\s*\d+)?|评论(\s*\d+)?|同时转发|暂无数据|暂无评论|工分|关注|"
    r"\+?关注|取消关注|已关注|阅读原文|返回顶部|回到顶部|展开全文|查看全文|加载更多|更多|首页|上一篇.*|下一篇.*|"
    r"真知无价[,，]?\s*用钱说话|\d+\s*个人打赏|\d+\s*人打赏|相关阅读|热门推荐|推荐阅读|猜你喜欢|相关文章)$"
)
# Chrome wherever it occurs, identified by a phrase inside it.
_PHRASE = re.compile(
    r"(作者利益披露|利益披露[:：]|报告下载方式|电子版/报告下载|完整电子版|公众号《[^》]*》.*(下载|获取|关注)|"
    r"(关注|搜索)公众号|扫码关注|长按(识别)?二维码|扫描二维码|"
    r"Copyright|版权所有|©|ICP备|ICP证|公网安备|增值电信业务经营许可证|"
    r"^当前位置[:：]|^声明[:：].*(不构成投资建议|观点及立场|不代表)|^免责声明[:：]?.*(不构成|仅供参考)|"
    r"^本文(来源|转载)自?.*(侵删|联系删除)|如有侵权)",
    re.IGNORECASE,
)
_NUMBER_ONLY = re.compile(r"^[\d.,]+$")
_STOCK_TAG_MARK = re.compile(r"^[S$]$")
_STOCK_INLINE = re.compile(r"^\$[^$]{1,20}\((?:S[HZ]|HK|BJ)?\d{4,6}\)\$$")
SHORT_LINE = 120  # a chrome phrase in a line this short means the line is chrome; longer lines lose a sentence
SHORT_SENTENCE = 60
_SENTENCE = re.compile(r"[^。！？!?]*[。！？!?]*")
MAX_TAIL_SHARE = 0.6  # never let the tail rule take more than this share of a report


@dataclass
class Cleaned:
    text: str
    removed: list[str] = field(default_factory=list)  # the removed pieces, for inspection
    cuts: list[int] = field(default_factory=list)  # offsets in `text` where something was removed
    stats: dict[str, dict[str, int]] = field(default_factory=dict)  # rule → {"spans", "chars"}
    chars_in: int = 0

    def report(self) -> dict:
        removed = sum(v["chars"] for v in self.stats.values())
        return {"chars_in": self.chars_in, "chars_kept": len(self.text), "chars_removed": removed,
                "removed_share": round(removed / self.chars_in, 4) if self.chars_in else 0.0, "rules": self.stats}


def normalize(raw: str) -> str:
    text = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "").replace("\f", "\n")
    text = text.replace("\u00a0", " ").replace("\u200b", "")
    text = "\n".join(line.strip() for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", text)


def normalize_whitespace(text: str) -> list[str]:
    return normalize(text).split("\n")


def is_chrome(line: str) -> bool:
    return bool(_BUTTON.match(line) or _PHRASE.search(line) or _STOCK_INLINE.match(line))


def chrome_spans(text: str) -> list[furniture.Span]:
    """Web-clipping chrome: whole short lines; in long lines, the sentences holding a chrome phrase."""
    spans: list[furniture.Span] = []
    prev_chrome = skip_next_tag = False
    pos = 0
    for line in text.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        if not line:
            continue
        whole = (start, min(end + 1, len(text)), "site-chrome")
        if skip_next_tag:
            skip_next_tag = False
            if len(line) <= 12:
                spans.append(whole)
                continue
        if _STOCK_TAG_MARK.match(line):
            spans.append(whole)
            skip_next_tag = prev_chrome = True  # "S" marks a stock tag; the name follows on the next line
            continue
        if len(line) > SHORT_LINE and _PHRASE.search(line):
            spans.extend(_phrase_sentences(line, start))
            prev_chrome = False
            continue
        if is_chrome(line) or (prev_chrome and _NUMBER_ONLY.match(line)):
            spans.append(whole)
            prev_chrome = True
            continue
        prev_chrome = False
    return spans


def _phrase_sentences(line: str, offset: int) -> list[furniture.Span]:
    """Short sentences of a long line that hold a chrome phrase ("…版权所有并保留一切权利。"); in a longer one
    (a running head glued to the next sentence, a flattened table) only the phrase itself goes."""
    out = []
    for m in _SENTENCE.finditer(line):
        if m.end() > m.start() and (p := _PHRASE.search(m.group())):
            if m.end() - m.start() <= SHORT_SENTENCE:
                out.append((offset + m.start(), offset + m.end(), "boilerplate-sentence"))
            else:
                out.append((offset + m.start() + p.start(), offset + m.start() + p.end(), "boilerplate-sentence"))
    return out


def find_spans(text: str) -> list[furniture.Span]:
    spans = chrome_spans(text) + furniture.page_furniture(text) + furniture.notices(text) \
        + furniture.table_of_contents(text) + furniture.related_reports(text) \
        + furniture.analyst_contacts(text)
    masked = _mask(len(text), spans)
    tail = furniture.disclaimer_tail(text, masked)
    if tail and tail[0][1] - tail[0][0] <= MAX_TAIL_SHARE * len(text):
        spans += tail
    return spans


def _mask(n: int, spans: list[furniture.Span]) -> list[bool]:
    m = [False] * n
    for s, e, _ in spans:
        m[s:e] = [True] * (e - s)
    return m


def clean_text(raw: str) -> Cleaned:
    """Remove chrome and furniture spans; keep everything else verbatim, cuts becoming line breaks."""
    text = normalize(raw)
    spans = sorted(find_spans(text))
    owner: list[str | None] = [None] * len(text)
    for s, e, rule in spans:  # each removed character is counted once, for the first rule that claimed it
        for i in range(s, e):
            if owner[i] is None:
                owner[i] = rule
    stats: dict[str, dict[str, int]] = {}
    pieces: list[str] = []
    removed: list[str] = []
    cuts: list[int] = []
    out_len = 0
    removed_since_last = False
    i, n = 0, len(text)
    while i < n:
        j = i
        if owner[i] is None:
            while j < n and owner[j] is None:
                j += 1
            seg = text[i:j]
            if pieces and removed_since_last and not pieces[-1].endswith("\n") and not seg.startswith("\n"):
                pieces.append("\n")  # a cut inside a line: no sentence may span it
                out_len += 1
            if pieces and removed_since_last:
                cuts.append(out_len)
            pieces.append(seg)
            out_len += len(seg)
            removed_since_last = False
        else:
            rules_here = set()
            while j < n and owner[j] is not None:
                rules_here.add(owner[j])
                j += 1
            for rule in rules_here:
                st = stats.setdefault(rule, {"spans": 0, "chars": 0})
                st["spans"] += 1
            for k in range(i, j):
                stats[owner[k]]["chars"] += 1
            removed.append(text[i:j])
            removed_since_last = True
        i = j
    joined, cuts = _tidy("".join(pieces), cuts)
    return Cleaned(text=joined, removed=removed, cuts=cuts, stats=stats, chars_in=len(text))



def _tidy(text: str, marks: list[int]) -> tuple[str, list[int]]:
    """Strip the lines, collapse blank runs and trim the ends, moving `marks` with the text."""
    for pattern, repl in ((r"[ \t]+\n|\n[ \t]+", "\n"), (r"\n{3,}", "\n\n")):
        text, marks = sub_tracked(pattern, repl, text, marks)
    lead = len(text) - len(text.lstrip())
    text = text.strip()
    marks = sorted({min(max(0, m - lead), len(text)) for m in marks})
    return text, [m for m in marks if 0 < m < len(text)]


def sub_tracked(pattern: str, repl: str, text: str, marks: list[int]) -> tuple[str, list[int]]:
    """re.sub with positions carried along: a mark inside a replaced match moves to the replacement's end."""
    out: list[str] = []
    shifts: list[tuple[int, int, int]] = []  # (match start, match end, new end)
    pos = new = 0
    for m in re.finditer(pattern, text):
        out.append(text[pos:m.start()])
        new += m.start() - pos
        out.append(repl)
        new += len(repl)
        shifts.append((m.start(), m.end(), new))
        pos = m.end()
    out.append(text[pos:])

    def move(x: int) -> int:
        delta = 0
        for s, e, ne in shifts:
            if x < s:
                break
            if x < e:
                return ne
            delta = ne - e
        return x + delta

    return "".join(out), [move(x) for x in marks]
