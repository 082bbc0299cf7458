"""Remove site chrome from web clippings of reports.

Web clippings carry login links, share/favourite/tip buttons, "工分" scores, stock tags, author-interest
disclaimers, "公众号… 报告下载方式" promotions, copyright and ICP lines. They are removed line by line;
the report's own sentences are never edited, so quotes stay verbatim. The cleaned text is the reference
every chunk's offsets point into.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

# Whole lines that are buttons, counters or navigation of the hosting site.
_BUTTON = re.compile(
    r"^(登录|注册|登录注册|登录/注册|立即登录|免费注册|退出登录|转发|收藏|已收藏|投诉|举报|复制链接|分享|分享到\S{0,8}|"
    r"打赏|打赏作者|无用|有用(\s*\d+)?|点赞(\s*\d+)?|赞(\s*\d+)?|评论(\s*\d+)?|同时转发|暂无数据|暂无评论|工分|关注|"
    r"\+?关注|取消关注|已关注|阅读原文|返回顶部|回到顶部|展开全文|查看全文|加载更多|更多|首页|上一篇.*|下一篇.*|"
    r"真知无价[,，]?\s*用钱说话|\d+\s*个人打赏|\d+\s*人打赏|相关阅读|热门推荐|推荐阅读|猜你喜欢|相关文章)$"
)
# Lines that are chrome wherever they occur, identified by a phrase inside them.
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


@dataclass
class Cleaned:
    text: str
    removed: list[str] = field(default_factory=list)


def normalize_whitespace(text: str) -> list[str]:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    text = text.replace("\u00a0", " ").replace("\u200b", "")
    return [line.strip() for line in text.split("\n")]


def is_chrome(line: str) -> bool:
    return bool(_BUTTON.match(line) or _PHRASE.search(line) or _STOCK_INLINE.match(line))


def clean_text(raw: str) -> Cleaned:
    """Drop chrome lines, collapse blank runs; keep everything else verbatim."""
    lines = normalize_whitespace(raw)
    kept: list[str] = []
    removed: list[str] = []
    prev_chrome = False
    skip_next_tag = False
    for line in lines:
        if not line:
            kept.append("")
            continue
        if skip_next_tag:
            skip_next_tag = False
            if len(line) <= 12:
                removed.append(line)
                continue
        if _STOCK_TAG_MARK.match(line):
            removed.append(line)
            skip_next_tag = True  # "S" marks a stock tag; the name follows on the next line
            prev_chrome = True
            continue
        if is_chrome(line) or (prev_chrome and _NUMBER_ONLY.match(line)):
            removed.append(line)
            prev_chrome = True
            continue
        prev_chrome = False
        kept.append(line)
    text = "\n".join(kept)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    return Cleaned(text=text, removed=removed)
