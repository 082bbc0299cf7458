"""A share of a whole the passage names and states: 「总疗程2200万例，其中非手术类项目1450万例，占总疗程65%左右」.

A part is followed by 「占<whole>X%」, and the whole it names (「总疗程」) stands right before a figure the passage stated
earlier, of the part's own kind. The share is an estimate (part ÷ whole) when the two give it to the digits it is
written with, or within tolerance, in a sentence that says it assumes or works figures out (假设, 测算…): there the
report has worked the share out, where elsewhere it quotes a statistic (「总人口14亿人，其中…占总人口18.1%」). A share
whose whole the passage does not state, or states in another unit, is left alone.
"""
from __future__ import annotations

import re

from bot.tools.estimates import (
    PASSAGE_CUE, STRONG_CUE, TOLERANCE, WINDOW_CHARS, Derivation, _derivation, _kind, _Num, _numbers, half_unit,
)

# 「，占总疗程65%」「，占全球市场的30%」: the whole's words between 占 and the share
_OF_WHOLE = re.compile(r"[，,、]?\s*占(?:比)?([\u4e00-\u9fffA-Za-z]{2,8}?)(?:的|比例|比重|份额)?(?:约|约为|为|达|仅)?\s*$")
PART_REACH = 4  # the part stands right before 「，占」: only punctuation between
_FILLER = re.compile(r"^(?:比|约|为|达|仅|近|超)+$|^(?:比)?(?:约为|大约|接近|超过|不足)$")  # 「占比约为22%」 names no whole


def named_share_estimates(text: str, doc_id: str, chunk_id: str, taken: set[int]) -> list[Derivation]:
    """Shares 「占<whole>X%」 right after a part, of a whole stated before under those words, not found before."""
    nums = _numbers(text)
    out: list[Derivation] = []
    for i, share in enumerate(nums):
        if not share.ratio or share.ranged or share.span.start in taken or i == 0:
            continue
        m = _OF_WHOLE.search(text, max(share.sentence[0], share.span.start - 16), share.span.start)
        part = nums[i - 1]
        if m is None or _FILLER.match(m.group(1)) or part.ratio or part.ranged or part.sentence != share.sentence \
                or m.start() - part.span.end > PART_REACH or not _worked_out(text, share):
            continue
        whole = _stated_whole(text, nums[:i - 1], part, m.group(1))
        if whole is None or not _divides_into(part, whole, share):
            continue
        out.append(_derivation(text, doc_id, chunk_id, 0, share, (part, whole), "ratio", "占比"))
        taken.add(share.span.start)
    return out


def _worked_out(text: str, share: _Num) -> bool:
    """The share's sentence says it assumes or works figures out, before the share."""
    return any(p.search(text, share.sentence[0], share.span.start) for p in (STRONG_CUE, PASSAGE_CUE))


def _stated_whole(text: str, before: list[_Num], part: _Num, words: str) -> _Num | None:
    """The nearest figure before the part, of its kind and larger, that the words name: they end right before it
    (「正规市场总疗程2200万例」 for 「总疗程」)."""
    for n in reversed(before):
        if part.span.start - n.span.start > WINDOW_CHARS:
            return None
        if n.ratio or n.ranged or _kind(n) != _kind(part) or n.span.dimension is not part.span.dimension or \
                n.base_low <= part.base_high:
            continue
        if words in text[max(0, n.span.start - len(words) - 2):n.span.start]:
            return n
    return None


def _divides_into(part: _Num, whole: _Num, share: _Num) -> bool:
    got = part.base_low / whole.base_low
    return abs(got - share.base_low) <= max(share.base_low * TOLERANCE, half_unit(share))
