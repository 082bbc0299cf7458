"""A total a report forecasts, then breaks down: 「我们预测…对应出货额350亿元左右，其中：A 170亿/B 150亿/C 30亿」.

The total comes first and its segments after 「其中」, so the search for inputs before a result does not see them.
A breakdown is kept as an estimate (the segments added up) only when some of the amounts after 「其中」 — two to
four, in order, of the total's own kind — add up to the total within the rounding of the digits they are written
with: a sub-item of a segment (「其中A 215亿元，其中A1 135亿元；B 165亿元」) is skipped by the sum, not guessed.
"""
from __future__ import annotations

import re
from decimal import Decimal
from itertools import combinations

from bot.tools.estimates import Derivation, _derivation, _kind, _Num, _numbers, half_unit, sentences

BREAKDOWN = re.compile(r"其中[：:]?")
# The report's own forecast: a statistic it quotes with its breakdown (「出口额…，其中…」, 「共批准56款，其中…」) is
# data, not a sum it works out.
OWN_FORECAST = re.compile(r"我们[^，。；,;\d]{0,6}(?:预计|预测|测算|估算|推算|判断|认为)")
TOTAL_REACH = 40  # 「其中」 follows the total within this many characters (past its sentence's end: 「…左右；其中」)
SEGMENT_REACH = 160  # the segments follow 「其中」 within this many characters
MAX_SEGMENTS = 4
MAX_AMOUNTS = 6  # the amounts after 「其中」 tried


def breakdown_estimates(text: str, doc_id: str, chunk_id: str, taken: set[int]) -> list[Derivation]:
    """Totals followed by segments that add up to them, for totals no other rule has found."""
    nums = _numbers(text)
    bounds = sentences(text)
    out: list[Derivation] = []
    for i, total in enumerate(nums):
        if total.span.start in taken or total.ratio or total.ranged or total.size > 1:
            continue
        if not OWN_FORECAST.search(text, total.sentence[0], total.span.start):
            continue
        cue = BREAKDOWN.search(text, total.span.end, min(len(text), total.span.end + TOTAL_REACH))
        if cue is None or _numbers_between(nums, total.span.end, cue.start()):
            continue  # (another figure between the total and 「其中」 is what it breaks down)
        end = _segment_end(bounds, cue.end())
        amounts = [n for n in nums[i + 1:] if cue.end() <= n.span.start < end and not n.ranged and not n.ratio
                   and _kind(n)[0] == _kind(total)[0] and n.span.dimension is total.span.dimension
                   and n.base_low < total.base_low][:MAX_AMOUNTS]
        segments = _adding_up(amounts, total)
        if segments:
            summed = _Num(segments[0].span, total.base_low, total.base_low, False, segments[0].sentence, segments)
            out.append(_derivation(text, doc_id, chunk_id, 0, total, (summed,), "product_of_sum", "其中"))
            taken.add(total.span.start)
    return out


def _numbers_between(nums: list[_Num], start: int, end: int) -> bool:
    return any(start <= n.span.start < end and not n.ratio for n in nums)  # (a growth rate said of the total is no figure)


def _segment_end(bounds: list[tuple[int, int]], start: int) -> int:
    """The segments run to the end of the sentence after the one 「其中」 opens (「…215亿元，其中…135亿元；…165亿元。」),
    SEGMENT_REACH at most."""
    k = next((j for j, (a, b) in enumerate(bounds) if a <= start < b), len(bounds) - 1)
    return min(bounds[min(k + 1, len(bounds) - 1)][1], start + SEGMENT_REACH)


def _adding_up(amounts: list[_Num], total: _Num) -> tuple[_Num, ...]:
    """The fewest amounts, in order, that add up to the total: within half a unit of the last digit written of the
    total or of every segment together (reports add segments they print rounded)."""
    for size in range(2, min(MAX_SEGMENTS, len(amounts)) + 1):
        for combo in combinations(amounts, size):
            got = sum((n.base_low for n in combo), Decimal(0))
            slack = max(half_unit(total), sum((half_unit(n) for n in combo), Decimal(0)))
            if abs(got - total.base_low) <= slack:
                return combo
    return ()

