"""Arithmetic a report writes out: 「（11.67~19.45）/233.6*100%=5%~8%」, 「通过190.46×(1-30%)×0.01计算可得…为1.33元/部」.

`find_formulas(text)` reads each written expression — numbers and ranges (「11.67~19.45」), percentages, a
complement 「(1-30%)」 (a price 30% lower is × (1 − 30%)), joined by ×, x, *, /, ÷ or + — with the result it states
right after it (「=5%~8%」) or a few words on (「计算可得…为1.33元/部」). Only the shapes an estimate can be rebuilt
from are kept: a product (with complements), one quotient a ÷ b, or a sum. Whether the arithmetic agrees is left to
the caller, who knows the units the passage gives each number.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from bot.tools.numbers import NumberSpan, find_numbers
from bot.tools.units import Dimension

_NUM = r"\d+(?:,\d{3})*(?:\.\d+)?"
_COMPLEMENT = rf"[（(]\s*1\s*[-−–]\s*{_NUM}\s*[%％]\s*[）)]"
_VALUE = rf"{_NUM}(?:\s*[~～]\s*{_NUM})?\s*[%％]?"
_OPERAND = rf"(?:{_COMPLEMENT}|[（(]\s*{_VALUE}\s*[）)]|{_VALUE})"
_OPERATOR = r"\s*[×xX*＊/÷+＋]\s*"
EXPRESSION = re.compile(rf"(?<![\d.A-Za-z/])({_OPERAND}(?:{_OPERATOR}{_OPERAND})+)(?![\d.])")
_TOKEN = re.compile(rf"(?P<complement>{_COMPLEMENT})|[（(]?\s*(?P<low>{_NUM})(?:\s*[~～]\s*(?P<high>{_NUM}))?\s*"
                    rf"(?P<pct>[%％])?\s*[）)]?|(?P<op>{_OPERATOR})")
_EQUALS = re.compile(r"\s*[=＝]\s*")
# 「…计算可得19年ASP为1.33元/部」: the result after a word that says it comes out of the arithmetic, in its sentence
_RESULT_WORD = re.compile(r"[^。；;！!?？=＝]{0,12}?(?:可得|得到|得出|算得|即为|为)")
RESULT_REACH = 40  # the result stands this far after the expression at most


@dataclass(frozen=True)
class Operand:
    start: int  # offsets of its number(s) in the text
    end: int
    low: Decimal  # as written: 30 for 「30%」 and for 「(1-30%)」
    high: Decimal | None = None
    percent: bool = False
    complement: bool = False  # 「(1-30%)」: the factor is 1 − the share


@dataclass(frozen=True)
class WrittenFormula:
    kind: str  # "product", "ratio" (first ÷ second) or "sum"
    operands: tuple[Operand, ...]
    start: int  # the expression
    end: int
    result: NumberSpan  # offsets in the text


def _number(s: str) -> Decimal:
    return Decimal(s.replace(",", ""))


def _operands(text: str, start: int, end: int) -> tuple[list[Operand], list[str]] | None:
    """The operands and the operators between them, or None for an expression the tokens do not cover."""
    operands, ops, pos = [], [], start
    while pos < end:
        m = _TOKEN.match(text, pos, end)
        if not m or m.end() == pos:
            return None
        if m.group("op"):
            ops.append(m.group("op").strip())
        elif m.group("complement"):
            share = re.search(r"[-−–]\s*(" + _NUM + ")", m.group(0))
            operands.append(Operand(m.start() + share.start(1), m.start() + share.end(1), _number(share.group(1)),
                                    percent=True, complement=True))
        else:
            operands.append(Operand(m.start("low"), m.end("high") if m.group("high") else m.end("low"),
                                    _number(m.group("low")), _number(m.group("high")) if m.group("high") else None,
                                    percent=bool(m.group("pct"))))
        pos = m.end()
    return (operands, ops) if len(operands) == len(ops) + 1 else None


def _kind(operands: list[Operand], ops: list[str]) -> tuple[str, list[Operand]] | None:
    """The shape an estimate can hold: a product, a ÷ b (× 100%, which only writes a share in percent), a sum."""
    kept = [(o, op) for o, op in zip(operands[1:], ops) if not (o.percent and o.low == 100 and not o.complement)]
    ops = [op for _, op in kept]
    operands = [operands[0], *(o for o, _ in kept)]
    if any(op in "+＋" for op in ops):
        return ("sum", operands) if all(op in "+＋" for op in ops) and not any(o.complement for o in operands) else None
    if not any(op in "/÷" for op in ops):
        return ("product", operands) if len(operands) > 1 else None
    if len(operands) == 2 and not any(o.complement or o.percent for o in operands):
        return "ratio", operands
    return None


def _result(text: str, end: int) -> NumberSpan | None:
    """The figure the expression comes to: right after 「=」, or after 「可得…为」 in the words that follow."""
    eq = _EQUALS.match(text, end)
    if eq:
        at = eq.end()
    else:
        word = _RESULT_WORD.match(text, end)
        if not word:
            return None
        at = word.end()
    for span in find_numbers(text[at:at + RESULT_REACH]):
        if span.start > (0 if eq else RESULT_REACH // 2):
            return None
        if span.unit and span.dimension not in (Dimension.YEARS, Dimension.PAGES):  # (「19年」 names the year)
            return NumberSpan(span.value, span.unit, at + span.start, at + span.end, span.text, span.high)
    return None


def find_formulas(text: str) -> list[WrittenFormula]:
    """Every written expression with the result it states, in reading order."""
    out = []
    for m in EXPRESSION.finditer(text):
        parsed = _operands(text, m.start(1), m.end(1))
        if parsed is None:
            continue
        shape = _kind(*parsed)
        result = _result(text, m.end(1))
        if shape is None or result is None:
            continue
        out.append(WrittenFormula(shape[0], tuple(shape[1]), m.start(1), m.end(1), result))
    return out
