"""A total a report forecasts, then breaks down: 「我们预测…对应出货额350亿元左右，其中：A 170亿/B 150亿/C 30亿」.

The total comes first and its segments after 「其中」, so the search for inputs before a result does not see them.
A breakdown is kept as an estimate (the segments added up) only when some of the amounts after 「其中」 — two to
four, in order, of the total's own kind — add up to the total within the rounding of the digits they are written
with: a sub-item of a segment (「其中A 215亿元，其中A1 135亿元；B 165亿元」) is skipped by the sum, not guessed.

The other way round, a report sizes each segment first and then states their total and each one's share of it
(`segment_totals`): the total is the sum of the segments it has just worked out, a share their quotient.
"""
from __future__ import annotations

import re
from decimal import Decimal
from itertools import combinations, groupby

from bot.tools.estimates import (
    Derivation, Term, _base, _close, _derivation, _kind, _Num, _numbers, _term, half_unit, sentences,
)

BREAKDOWN = re.compile(r"其中[：:]?")
# The report's own forecast: a statistic it quotes with its breakdown (「出口额…，其中…」, 「共批准56款，其中…」) is
# data, not a sum it works out.
OWN_FORECAST = re.compile(r"我们[^，。；,;\d]{0,6}(?:预计|预测|测算|估算|推算|判断|认为)")
TOTAL_REACH = 40  # 「其中」 follows the total within this many characters (past its sentence's end: 「…左右；其中」)
SEGMENT_REACH = 160  # the segments follow 「其中」 within this many characters
MAX_SEGMENTS = 4
MAX_AMOUNTS = 6  # the amounts after 「其中」 tried


def breakdown_estimates(text: str, doc_id: str, chunk_id: str, taken: set[int]) -> list[Derivation]:
    """Totals followed by segments that add up to them, and totals of the segments worked out before them
    (`segment_totals`), for totals no other rule has found."""
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
    return out + segment_totals(text, doc_id, chunk_id, taken)


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


# --- a total of the segments the report has just worked out ----------------------------------------------------
# 「…则A的市场规模近200亿。…则B的市场规模近70亿。…则三种C的市场规模分别为19亿、12亿和3亿元。我们预计行业整体市场规模
# 在290亿左右。分产品看，A、B及C的占比分别约为69%、24%和12%」: a report that sizes each segment then states their
# total, and often each segment's share of it. The total is an estimate when it is the sum of the last few segments
# it worked out (estimates already found, of its own kind); the shares are when every one of them is its segment ÷
# that total, to the digits it is written with.
TOTAL_WORD = re.compile(r"(?:整体|合计|共计|总计|总共|加总|总体|总规模|总市场|全行业)[^，。；,;\d]{0,16}$")
SEGMENTS_BACK = 2400  # the segments are worked out this far before the total at most
LAST_SEGMENT = 600  # and the last of them this close before it
MAX_RUN = 10
SHARES_AFTER = 200  # the list of shares follows the total this close
_SHARE_WORD = re.compile(r"占[^，。；,;\d]{0,8}$")


def segment_totals(text: str, doc_id: str, chunk_id: str, taken: set[int]) -> list[Derivation]:
    """Totals stated right after segments the report has worked out (the results of estimates found, where `taken`
    says they start) that add up to them, and the shares of that total each segment is, listed after it."""
    nums = _numbers(text)
    results = [n for n in nums if n.span.start in taken and not n.ratio and not n.ranged]
    out: list[Derivation] = []
    for total in nums:
        if total.span.start in taken or total.ratio or total.ranged or total.size > 1 or \
                not TOTAL_WORD.search(text, total.sentence[0], total.span.start):
            continue
        before = [n for n in results if total.span.start - SEGMENTS_BACK <= n.span.start < total.span.start
                  and _kind(n) == _kind(total) and n.span.dimension is total.span.dimension]
        if not before or total.span.start - before[-1].span.end > LAST_SEGMENT:
            continue
        segments = tuple(_term(text, n) for n in _summing_run(before, total))
        if not segments:
            continue
        res = _term(text, total)
        out.append(_total(doc_id, chunk_id, res, segments))
        taken.add(total.span.start)
        out += _shares(text, doc_id, chunk_id, _numbers(text, dense=True), total, res, segments)  # (a list of
        # shares is mostly digits)
    return out


def _summing_run(before: list[_Num], total: _Num) -> tuple[_Num, ...]:
    """The last few segments (two to MAX_RUN, ending with the last one) that add up to the total, within tolerance
    (a total is often rounded: 「320亿左右」)."""
    for size in range(2, min(MAX_RUN, len(before)) + 1):
        run = before[-size:]
        if _close(sum((n.base_low for n in run), Decimal(0)), total.base_low):
            return tuple(run)
    return ()


def _total(doc_id: str, chunk_id: str, res: Term, segments: tuple[Term, ...]) -> Derivation:
    return Derivation(id="", doc_id=doc_id, subject=res.name, result=res, inputs=segments, operation="product_of_sum",
                      start=min(t.quote_start for t in segments), end=res.quote_end,
                      summed=tuple(range(len(segments))), cue="合计", chunk_id=chunk_id)


def _shares(text: str, doc_id: str, chunk_id: str, nums: list[_Num], total: _Num, res: Term,
            segments: tuple[Term, ...]) -> list[Derivation]:
    """The shares listed after the total (「…占比分别约为62.5%、21.9%…」), one per segment or per group of segments
    worked out in one sentence, when every share is its segment ÷ the total to the digits it is written with. A
    group's share has no figure of its own to divide, so only the shares of single segments are kept."""
    first = next((n for n in nums if n.ratio and n.size > 1 and n.pos == 0
                  and total.span.end <= n.span.start <= total.span.end + SHARES_AFTER
                  and _SHARE_WORD.search(text, max(0, n.span.start - 12), n.span.start)), None)
    if first is None:
        return []
    shares = [n for n in nums if n.run == first.run]
    groups = [list(g) for _, g in groupby(segments, key=lambda t: t.quote_start)]
    parts = next((p for p in (groups, [[t] for t in segments]) if len(p) == len(shares)), None)
    if parts is None or not all(_is_share(s, p, total) for s, p in zip(shares, parts)):
        return []
    return [Derivation(id="", doc_id=doc_id, subject=(r := _term(text, s)).name, result=r, inputs=(p[0], res),
                       operation="ratio", start=min(p[0].quote_start, r.quote_start), end=r.quote_end,
                       cue="占比", chunk_id=chunk_id)
            for s, p in zip(shares, parts) if len(p) == 1]


def _is_share(share: _Num, part: list[Term], total: _Num) -> bool:
    got = sum((_base(t.value, t.unit) for t in part), Decimal(0)) / total.base_low
    return abs(got - share.base_low) <= half_unit(share)
