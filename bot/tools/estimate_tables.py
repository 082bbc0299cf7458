"""Estimates stated beside a report's own sizing table, flattened into its text.

A report's sizing table comes out of a PDF as one line: a header of consecutive years, then each row's name (its
unit in brackets) glued to its cells. A row whose every column is the product (sum, quotient) of other rows' cells
is derived, and the text around the table that states one of its cells states a derived figure. The agreement of
every column is what makes a row derived: one column alone agrees with too many products by chance.

Tables come out of PDFs in pieces: a table continued after a page break prints its header again, a forecast's
last column may be a later year under a label of its own (「发展期2034E」), a product not yet sold leaves its first
columns empty (「---」), a row's cells run on into the axis of the chart after it, and a row with no unit takes
the one its title gives (「测算（亿元）」). A table also prints its inputs rounded (「17」 W, 「1.0」 元/W): a row that is
their product only within the rounding of every cell is derived too, when that holds in more columns and no cell is
too coarse to mean anything.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cached_property
from decimal import Decimal, InvalidOperation
from itertools import combinations

from bot.errors import ToolError
from bot.tools.estimates import (
    RESULT_CUE, STRONG_CUE, WEAK_CUE, WINDOW_CHARS, _YEARS, Derivation, Term, _item_period, _Num, _numbers, _period,
    _term, half_digit,
)
from bot.tools.numbers import NumberSpan
from bot.tools.units import mul, normalize_unit, unit_info

# 「20192020E2021E全球出货量（百万部）1371.001207.851328.64ASP（元/部）4.193.933.93市场规模（亿元）57.6047.4752.22」:
# a header of years, then each row's name glued to its cells.
TABLE_BEFORE = 1500  # prose this far before a table may state its figures (「基于上述假设，我们测算得…」)
TABLE_AFTER = 600
TABLE_ROWS = 16  # rows of one table searched for formulas
TABLE_FACTORS = 5
TABLE_TOLERANCE = 0.015
# (a last column may be a later year under a label of its own: 「…2025E2026E发展期2034E」, 「…2022E远期2030E」)
_YEAR_RUN = re.compile(r"(?:(?:19|20)\d{2}[AEH]?){3,}(?:[\u4e00-\u9fff]{1,4}(?:19|20)\d{2}[AEH]?)?")
# (digits in a name are few and lead into letters, 「4G手机」; a row's cells glued to the next name, 「…654755YOY」, are no
# name)
_ROW_NAME = re.compile(r"(?:[^\d%。；;\n（(]|[（(][^）)\d]{0,12}[）)]|\d{1,2}(?=[A-Za-z（(]))+")
_CELLS = re.compile(r"[\d.,%]+")
_TABLE_END = re.compile(r"资料来源|数据来源|来源[:：]|注[:：\d]")
_ROW_UNIT = re.compile(r"[（(]([^）)\d]{1,12})[）)]\s*$")
_CHANGE_ROW = re.compile(r"yoy|同比|增速|增长率|增幅|CAGR|复合", re.I)
# A profit is what revenue leaves after costs (毛利 = 收入 − 成本): a row of it is no part that adds up to revenue.
_LEFT_OVER_ROW = re.compile(r"毛利|利润|净利|盈利|EBIT", re.I)
_MAGNITUDE_PREFIX = re.compile(r"^(万亿|千亿|百亿|十亿|千万|百万|十万|亿|万|千|百)")
_EMPTY_CELLS = re.compile(r"[-—–]+$")  # 「使用人数（万人）---59124…」: the first columns left empty
# 「市场规模测算（亿元）2020E2021E…」: the unit of the table's title, for a row that names none
_TITLE_UNIT = re.compile(r"[（(]\s*(?:单位[:：]\s*)?([^（()）\d，,、;；]{1,6})\s*[）)]\s*$")
CONTINUED_GAP = 300  # a table continued after a page break or a chart repeats its header this close after it
AXIS_TICKS = 4  # 「…4920500100015002000…」: a chart's axis, evenly stepped from 0, glued after a row's cells


@dataclass(frozen=True)
class _Row:
    name: str
    unit: str  # canonical (「百万部」, 「元/部」, 「%」); a unit bot.tools.units does not know keeps its magnitude only
    cells: tuple[NumberSpan | None, ...]  # one per year of the header, offsets in the text; None: left empty
    base: tuple[float | None, ...]  # the cells in base units, for the search
    start: int = 0  # where its name begins in the text

    @property
    def ratio(self) -> bool:
        return self.unit == "%"

    # (the formula search tries thousands of row combinations a table: what each row's cells give is read once)
    @cached_property
    def filled(self) -> int:
        """The columns with a cell, as bits."""
        return sum(1 << c for c, b in enumerate(self.base) if b is not None)

    @cached_property
    def halves(self) -> tuple[float, ...]:
        """Half a unit of each cell's last written digit, in base units (0 for an empty cell)."""
        return tuple(_half(cell, b) if cell is not None and b is not None else 0.0
                     for cell, b in zip(self.cells, self.base))


@dataclass(frozen=True)
class _Table:
    start: int
    end: int
    years: tuple[int, ...]
    rows: tuple[_Row, ...]


def _table_unit(name: str, block: str, title: str = "") -> str | None:
    """A row's unit from the bracket closing its name (「出货量（百万部）」) or its cells (「30%」), else the table
    title's (「…测算（亿元）」); None: unusable."""
    if "%" in block:
        return "%"
    m = _ROW_UNIT.search(name)
    if not m:
        return title
    raw = m.group(1).strip()
    if raw in ("%", "％"):
        return "%"
    try:
        return normalize_unit(raw)
    except ToolError:
        mag = _MAGNITUDE_PREFIX.match(raw)  # 「万副」「个/车」: only the magnitude is known
        return mag.group(1) if mag else ""


def _split_cells(block: str, n: int, label_digits: bool = False) -> list[list[tuple[int, int]]]:
    """`n` cells glued together (「1371.001207.85」, 「30%30%32%」, 「71,64271,881」, 「101019193132」) as (start,
    end) in `block`: the one reading with every cell of the same number of decimals, or of digits; failing that,
    the few smoothest readings of unequal cells (`_readings`), for the table's formulas to tell apart."""
    even = _even_cells(block, n, label_digits)
    if "%" in block or "," in block or ("." in block and even is not None):
        return [even] if even is not None else []
    readings = _readings(block, n, _DECIMAL_CELL if "." in block else _WHOLE_CELL)
    if even is None:
        return readings
    if _monotone(block, even):
        return [even]
    # whole numbers of equal width that rise and fall (「3173676153」 as 31, 73, 67, 61, 53) may be a steady series
    # of unequal widths (3, 17, 36, 76, 153): both are kept
    return [even, *[r for r in readings if r != even and _monotone(block, r)][:READINGS - 1]]


def _monotone(block: str, cells: list[tuple[int, int]]) -> bool:
    values = [float(block[a:b]) for a, b in cells]
    steps = [b - a for a, b in zip(values, values[1:])]
    return all(x >= 0 for x in steps) or all(x <= 0 for x in steps)


def _even_cells(block: str, n: int, label_digits: bool = False) -> list[tuple[int, int]] | None:
    if "%" in block:
        cells = [m.span() for m in re.finditer(r"\d[\d.,]*%", block)]
        return cells[:n] if len(cells) >= n and cells[0][0] == 0 and \
            all(a[1] == b[0] for a, b in zip(cells[:n], cells[1:n])) else None
    if "," in block:
        pattern = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:\.\d+)?"
    elif "." in block:
        splits = [c for places in range(1, 5) if (c := _contiguous(block, rf"(?:0|[1-9]\d*)\.\d{{{places}}}", n))]
        whole = [c for c in splits if c[-1][1] == len(block)]
        rest = [c for c in splits if label_digits and block[c[-1][1]:].isdigit()]
        return (whole or rest or [None])[0]  # (digits left over start the next row's name: 「…645.07」「4G手机出货量」)
    else:
        width, rest = divmod(len(block), n)
        if rest or width == 0 or any(block[i * width] == "0" and width > 1 for i in range(n)):
            return None
        return [(i * width, (i + 1) * width) for i in range(n)]
    cells = _contiguous(block, pattern, n)
    return cells if cells and cells[-1][1] == len(block) else None


_DECIMAL_CELL = re.compile(r"(?:0|[1-9]\d{0,5})\.\d{1,2}")  # 「1.9」 beside 「2.09」: a trailing zero dropped
_WHOLE_CELL = re.compile(r"0|[1-9]\d{0,5}")
MAX_STEP = 10.0  # neighbouring cells of one row differ by less than this factor
READINGS = 2  # readings of a row of unequal cells kept for the formulas to choose from
MAX_BLOCK = 60  # (a longer run of digits is no row of a few years)


def _readings(block: str, n: int, cell: re.Pattern[str]) -> list[list[tuple[int, int]]]:
    """Cells of unequal widths (「7791100110121」 is 77, 91, 100, 110, 121; 「2.091.91.96」 is 2.09, 1.9, 1.96): the
    READINGS readings into `n` cells whose cells change least from year to year (the least sum of squared log
    ratios), none jumping by MAX_STEP or more. A row of a sizing table moves smoothly over the years, but the
    smoothest reading is not always the right one (「3173676153」 is 3, 17, 36, 76, 153, not 31, 73, 67, 61, 53):
    the formula that holds in every column picks among the few."""
    out: list[tuple[float, list[tuple[int, int]]]] = []

    def read(pos: int, cells: list[tuple[int, int]], score: float) -> None:
        if len(cells) == n:
            if pos == len(block):
                out.append((score, cells))
            return
        for end in range(pos + 1, min(len(block), pos + 9) + 1):
            if not cell.fullmatch(block, pos, end):
                continue
            step = 0.0
            if cells:
                last, value = float(block[slice(*cells[-1])]), float(block[pos:end])
                if value == 0 or last == 0 or max(value / last, last / value) >= MAX_STEP:
                    continue
                step = math.log(value / last) ** 2
            read(end, [*cells, (pos, end)], score + step)

    if len(block) <= MAX_BLOCK:
        read(0, [], 0.0)
    return [cells for _, cells in sorted(out)[:READINGS] if _steady(block, cells)]


def _steady(block: str, cells: list[tuple[int, int]]) -> bool:
    """Most years move by less than a factor of e (the median squared log step under 1): a row of a sizing table,
    not a list of batches or companies whose digits any reading makes jump (「569、572、765、3967、17358」)."""
    values = [float(block[a:b]) for a, b in cells]
    steps = sorted(math.log(b / a) ** 2 for a, b in zip(values, values[1:]))
    return not steps or steps[(len(steps) - 1) // 2] < 1


def _contiguous(block: str, pattern: str, n: int) -> list[tuple[int, int]] | None:
    cells, pos = [], 0
    rx = re.compile(pattern)
    while len(cells) < n:
        m = rx.match(block, pos)
        if not m or m.end() == pos:
            return None
        cells.append(m.span())
        pos = m.end()
    return cells


def _cell_base(value: Decimal, unit: str) -> float:
    if unit == "%":
        return float(value) / 100
    try:
        return float(mul(value, unit_info(unit).factor))
    except ToolError:
        return float(value)


def _cell_spans(text: str, at: int, cells: list[tuple[int, int]], unit: str) -> list[NumberSpan] | None:
    spans = []
    for a, b in cells:
        raw = text[at + a:at + b]
        try:
            value = Decimal(raw.replace(",", "").rstrip("%"))
        except InvalidOperation:
            return None  # 「1.2.3」: no number
        spans.append(NumberSpan(value, unit, at + a, at + b, raw))
    return spans


def _tables(text: str) -> list[_Table]:
    """The tables with a header of consecutive years, each row read into as many cells as the header has years."""
    out = []
    for head in _YEAR_RUN.finditer(text):
        years = tuple(int(y) for y in re.findall(r"((?:19|20)\d{2})", head.group(0)))
        labelled = bool(re.search(r"[\u4e00-\u9fff]", head.group(0)))  # (its last year may be any later one)
        if any(b != a + 1 for a, b in zip(years[:-1], years[1:-1])) or \
                (years[-1] <= years[-2] if labelled else years[-1] != years[-2] + 1):
            continue
        title = _title_unit(text, head.start())
        rows, pos, limit = [], head.end(), min(len(text), head.end() + WINDOW_CHARS * 4)
        while pos < limit:
            name = _ROW_NAME.match(text, pos)
            if not name or len(name.group(0)) > 40 or _TABLE_END.search(name.group(0)):
                break
            block = _CELLS.match(text, name.end())
            if not block:
                break
            empty = _EMPTY_CELLS.search(name.group(0))
            skip = len(empty.group(0)) if empty and len(empty.group(0)) < len(years) - 2 and \
                re.search(r"[^\W\d_]", name.group(0)) else 0  # (a lone 「-」 is a negative cell's sign, no name)
            label = name.group(0)[:len(name.group(0)) - skip] if skip else name.group(0)
            glued = bool(re.match(r"[A-Za-z（(]", text[block.end():block.end() + 1]))  # the next name's digits
            digits, pos = _row_digits(block, len(years) - skip, glued)
            unit = _table_unit(label, digits, title)
            for cells in _split_cells(digits, len(years) - skip, glued):
                # (none: a row the digits do not split is skipped, the table goes on)
                spans = _cell_spans(text, block.start(), cells, unit)
                if spans is not None:
                    rows.append(_Row(label.strip(), unit, (None,) * skip + tuple(spans),
                                     (None,) * skip + tuple(_cell_base(x.value, unit) for x in spans), name.start()))
        if len(rows) >= 3:
            out.append(_Table(head.start(), pos, years, tuple(rows)))
    return _continued(out)


def _row_digits(block: re.Match[str], n: int, glued: bool) -> tuple[str, int]:
    """The digits of a row's cells and where the row ends: the block before the next row's name, without a chart's
    axis glued after it (「215…4920500100015002000」)."""
    digits = block.group(0)
    readings = _split_cells(digits, n, glued)
    if not readings and (cut := _axis_start(digits)) > 0:
        return digits[:cut], block.end()
    return digits, block.end() if not readings else block.start() + readings[0][-1][1]


def _axis_start(digits: str) -> int:
    """Where a chart's axis begins in a run of digits — 0, then AXIS_TICKS or more evenly stepped ticks to the end
    (「0500100015002000」) — or -1."""
    for i in range(1, len(digits)):
        if digits[i] != "0":
            continue
        rest = digits[i:]
        for width in range(1, 7):
            step = rest[1:1 + width]
            if not step.isdigit() or step[0] == "0":
                continue
            ticks, k = "0", 0
            while len(ticks) < len(rest):
                k += 1
                ticks += str(k * int(step))
            if ticks == rest and k >= AXIS_TICKS:
                return i
    return -1


def _title_unit(text: str, head: int) -> str:
    """The unit a table's title gives in brackets right before its header (「市场规模测算（亿元）」), "" if none or
    not one unit."""
    m = _TITLE_UNIT.search(text, max(0, head - 40), head)
    if not m:
        return ""
    try:
        return normalize_unit(m.group(1).strip())
    except ToolError:
        return ""


def _continued(tables: list[_Table]) -> list[_Table]:
    """A table continued after a page break or a chart — the same years again right after it — as one table, when
    together they have no more rows than are searched."""
    out: list[_Table] = []
    for t in tables:
        last = out[-1] if out else None
        if last is not None and last.years == t.years and 0 <= t.start - last.end <= CONTINUED_GAP and \
                len(last.rows) + len(t.rows) <= TABLE_ROWS:
            out[-1] = _Table(last.start, t.end, t.years, last.rows + t.rows)
        else:
            out.append(t)
    return out


def _priced(rows: list) -> bool:
    """Rows multiplied into a quantity × price: one of them is money (元, 元/台), or a row's unit is not known. Counts
    and masses alone (吨 × 瓶/吨) multiply into a product."""
    for r in rows:
        try:
            info = unit_info(r.unit)
        except (ToolError, KeyError):
            return True
        if not r.unit or info.currency:
            return True
    return False


@dataclass(frozen=True)
class _Formula:
    operation: str  # "product", "quantity_x_price", "product_of_sum" (a sum of rows), "ratio" (first ÷ second)
    rows: tuple[int, ...]  # the input rows, in the order of the operation
    terms: tuple[tuple[int, ...], ...] = ()  # a sum of products: each term's places in `rows`


def _fits(got: float, half: float, want: float) -> bool:
    """`got` agrees with a cell showing `want`: within tolerance, or within the rounding of its written digits
    (`half`: half a unit of its last digit)."""
    if want == 0:
        return False
    return abs(got - want) <= max(abs(want) * TABLE_TOLERANCE, half)


def _half(cell: NumberSpan, base: float) -> float:
    """Half a unit of the last digit a cell is written with, in base units (「1.0」 ± 0.05, 「17」 ± 0.5)."""
    return abs(float(half_digit(cell.value)) * (base / float(cell.value))) if cell.value else 0.0


MIN_COLUMNS = 3  # the filled columns a formula must hold in
# A formula that holds only once every cell may be anywhere within its rounding (a table printing 「17」 and 「1.0」
# for 16.8 and 0.95) must hold in more columns: with the slack of coarse cells, a few columns agree by chance.
ROUNDED_COLUMNS = 4
ROUNDED_FACTORS = 3  # (and of few rows: each adds its slack)
# A cell printed to one digit (「0.02」 is 0.015 to 0.025) agrees with anything: each factor may be off by at most this
# share of itself (「0.9」: 5.6%), the sum or product of a column by at most ROUNDED_SLACK.
ROUNDED_CELL = 0.06
ROUNDED_SLACK = 0.12


def _filled(rows: list[_Row], n: int) -> list[int]:
    """The columns every one of `rows` has a cell in."""
    mask = (1 << n) - 1
    for r in rows:
        mask &= r.filled
    return [c for c in range(n) if mask >> c & 1]


def _value(op: str, rs: list[_Row], c: int) -> float:
    if op == "sum":
        return sum(r.base[c] for r in rs)  # type: ignore[misc]
    if op == "ratio":
        return rs[0].base[c] / rs[1].base[c]  # type: ignore[operator]
    return math.prod(r.base[c] for r in rs)  # type: ignore[misc]


def _bounds(op: str, rs: list[_Row], c: int) -> tuple[float, float] | None:
    """The least and the most a sum or product of the cells of column `c` can be, each cell within its rounding;
    None when the cells are too coarse for that to mean anything."""
    ends = [(r.base[c] - r.halves[c], r.base[c] + r.halves[c]) for r in rs]  # type: ignore[operator]
    if op == "sum":
        lo, hi = sum(e[0] for e in ends), sum(e[1] for e in ends)
    elif max((b - a) / (b + a) for a, b in ends) > ROUNDED_CELL:
        return None
    else:
        lo, hi = math.prod(max(a, 0.0) for a, _ in ends), math.prod(b for _, b in ends)
    return (lo, hi) if hi > 0 and (hi - lo) / (hi + lo) <= ROUNDED_SLACK else None


def _holds(op: str, goal: _Row, rs: list[_Row], n: int, rounded: bool = False) -> bool:
    """Row `goal` is the sum, product or quotient (`op`) of rows `rs` in every column they all fill."""
    cols = _filled([goal, *rs], n)
    if len(cols) < (ROUNDED_COLUMNS if rounded else MIN_COLUMNS):
        return False
    for c in cols:
        want = goal.base[c]
        if rounded:
            bounds = _bounds(op, rs, c)
            h = goal.halves[c]
            if bounds is None or bounds[1] < want - h or bounds[0] > want + h:  # type: ignore[operator]
                return False
        elif not _fits(_value(op, rs, c), goal.halves[c], want):  # type: ignore[arg-type]
            return False
    return True


def _varies(row: _Row) -> bool:
    return len({b for b in row.base if b is not None}) >= 2


def _quotient_of(table: _Table, share: int) -> tuple[int, ...]:
    """The two rows a varying share row is the quotient of (渗透率 = 5G出货量 ÷ 总出货量): neither is then derived
    from that share, which would be going round in a circle."""
    rows = table.rows[:TABLE_ROWS]
    s = rows[share]
    if not s.ratio or not _varies(s):
        return ()
    for a, b in combinations(range(len(rows)), 2):
        for num, den in ((a, b), (b, a)):
            if len({rows[num].start, rows[den].start, s.start}) == 3 and 0 not in rows[den].base and \
                    _holds("ratio", s, [rows[num], rows[den]], len(table.years)):
                return (num, den)
    return ()


def _formula(table: _Table, target: int) -> _Formula | None:
    """Other rows that give row `target` in every column: their sum (same unit), product or quotient; failing that,
    their sum or product within the rounding of every cell."""
    rows = table.rows[:TABLE_ROWS]
    goal = rows[target]
    if _CHANGE_ROW.search(goal.name) or not _varies(goal):
        return None  # a growth row is no derived figure; a constant row agrees with too much
    # (another reading of the goal's own digits is no other row)
    others = [i for i, r in enumerate(rows) if r.start != goal.start and not _CHANGE_ROW.search(r.name)
              and r.base != goal.base and 0 not in r.base and target not in _quotient_of(table, i)]
    n = len(table.years)
    for rounded in (False, True):
        for size in range(2, (ROUNDED_FACTORS if rounded else TABLE_FACTORS) + 1):
            for combo in combinations(others, size):
                rs = [rows[i] for i in combo]
                if len({r.start for r in rs}) < size:
                    continue  # two readings of one row's digits
                if size <= 4 and all(r.unit == goal.unit and not _LEFT_OVER_ROW.search(r.name) for r in rs) and \
                        _holds("sum", goal, rs, n, rounded):
                    return _Formula("product_of_sum", combo)
                if not goal.ratio and all(r.ratio for r in rs):
                    continue  # an amount is no product of shares alone
                if _holds("product", goal, rs, n, rounded):
                    return _Formula("quantity_x_price" if not any(r.ratio for r in rs) and _priced(rs) else "product",
                                    combo)
        if not rounded:  # a quotient only when nothing multiplies to it, and only to the cells' own tolerance
            for a, b in ((x, y) for x in others for y in others if rows[x].start != rows[y].start):
                if _holds("ratio", goal, [rows[a], rows[b]], n):
                    return _Formula("ratio", (a, b))
    return None


def _last(text: str, start: int, end: int, pattern: re.Pattern[str]) -> int:
    """Where the last match of `pattern` in text[start:end] begins; -1 for none."""
    found = -1
    for m in pattern.finditer(text, start, end):
        found = m.start()
    return found


def _year(period: str) -> int | None:
    m = _YEARS.fullmatch(period)
    return int(m.group(1)) if m and not m.group(2) else None


_SHORT_YEARS = re.compile(r"(?<![\d.])([12]\d)\s*[-–~至到]\s*([12]\d)\s*年")


def _link_year(text: str, n: _Num) -> int | None:
    """The year a figure is for; a list after 「20-22年」 runs over 2020-2022 (a year written short, nearer than
    any written in full)."""
    head = n.run if n.size > 1 else n.span.start
    short = None
    for short in _SHORT_YEARS.finditer(text, n.sentence[0], head):
        pass
    full = [m for m in _YEARS.finditer(text, n.sentence[0], head)]
    if short and (not full or full[-1].end() <= short.start()) and n.size == int(short.group(2)) - int(short.group(1)) + 1:
        return 2000 + int(short.group(1)) + n.pos
    return _year(_item_period(_period(text, n.sentence, n.span.start), n))


def _same_kind(unit: str, row: _Row) -> bool:
    if row.ratio or unit == "%":
        return row.ratio and unit == "%"
    try:
        a, b = unit_info(unit), unit_info(row.unit)
    except ToolError:
        return False
    return bool(row.unit) and a.dimension == b.dimension and a.base == b.base and a.currency == b.currency


def _restates(n: _Num, cell: NumberSpan, base: float) -> bool:
    """The prose figure is the cell, as written or rounded to the digits either shows."""
    def half(span: NumberSpan, b: float) -> float:
        return 0.5 * 10 ** span.value.as_tuple().exponent * (b / float(span.value)) if span.value else 0.0
    got = float(n.base_low)
    return abs(got - base) <= max(half(n.span, got), half(cell, base), abs(base) * 1e-9)


def table_estimates(text: str, doc_id: str, chunk_id: str, taken: set[int], given: frozenset[int] = frozenset()
                    ) -> list[Derivation]:
    """Figures the text states near a table that derives them: the table row's formula, in the figure's column.
    `given`: where the figures an estimate already found multiplies start; those are inputs, no quotients of rows."""
    tables = _tables(text)
    if not tables:
        return []
    nums = [n for n in _numbers(text, dense=True)
            if not n.ranged and n.span.start not in taken and not any(t.start <= n.span.start < t.end for t in tables)]
    out: list[Derivation] = []
    for table in tables:
        formulas = {i: f for i in range(min(len(table.rows), TABLE_ROWS)) if (f := _formula(table, i))}
        # a sum of rows that are products themselves (4G × ASP + 5G × ASP) is rebuilt from the products' inputs, not
        # from the rounded subtotals the table prints
        formulas = {i: e for i, f in formulas.items() if (e := _expanded(i, f, formulas)) is not None}
        near = [n for n in nums if table.start - TABLE_BEFORE <= n.span.start < table.start
                or table.end <= n.span.start < table.end + TABLE_AFTER]
        stated: dict[tuple[int, int], tuple[int, _Num, _Formula]] = {}  # (row, column) → the nearest figure stating it
        for n in near:
            if n.span.start in taken:
                continue
            head = n.run if n.size > 1 else n.span.start
            cue = _last(text, n.sentence[0], head, _TABLE_CUE)
            if cue < 0 or _last(text, n.sentence[0], head, STRONG_CUE) > cue:
                continue  # a figure the text says it works out or expects, not one it quotes or assumes
            # a quotient of rows (出货量 = 市场规模 ÷ ASP) may be the wrong way round: only for a figure the text
            # says it works out (测算, 则…), not for one it expects (「高通预计…出货量为2、4.5亿部」) or multiplies
            derives = _last(text, n.sentence[0], head, _WORKED_OUT) >= 0 and n.span.start not in given
            found = _linked(text, table, formulas if derives else
                            {i: f for i, f in formulas.items() if f.operation != "ratio"}, n)
            if found is not None:
                row, formula, col = found
                distance = table.start - n.span.end if n.span.start < table.start else n.span.start - table.end
                if (row, col) not in stated or distance < stated[(row, col)][0]:
                    stated[(row, col)] = (distance, n, formula)
        # one derived cell, one estimate: a figure said twice (announced, then worked out beside the table) is the
        # statement nearest the table
        for (_, col), (_, n, formula) in sorted(stated.items(), key=lambda kv: kv[1][1].span.start):
            taken.add(n.span.start)
            out.append(_table_derivation(text, doc_id, chunk_id, table, n, formula, col))
    return out


_WORKED_OUT = re.compile(f"{RESULT_CUE.pattern}|测算|估算|推算|计算")
_TABLE_CUE = re.compile(f"{_WORKED_OUT.pattern}|{WEAK_CUE.pattern}|预测|预期|新增|高达")


_PRODUCTS = ("product", "quantity_x_price")


def _expanded(target: int, f: _Formula, formulas: dict[int, _Formula]) -> _Formula | None:
    """A sum whose addends are product rows, as a sum of those products of the rows they multiply (a row shared by
    several products, the ASP of every segment, is one input); None when a product goes back to the sum's own row."""
    if f.operation != "product_of_sum" or not any(formulas[j].operation in _PRODUCTS for j in f.rows if j in formulas):
        return f
    groups = [formulas[j].rows if j in formulas and formulas[j].operation in _PRODUCTS else (j,) for j in f.rows]
    if any(target in g for g in groups):
        return None
    rows = tuple(dict.fromkeys(r for g in groups for r in g))
    return _Formula("product_of_sum", rows, tuple(tuple(rows.index(r) for r in g) for g in groups))


def _linked(text: str, table: _Table, formulas: dict[int, _Formula], n: _Num) -> tuple[int, _Formula, int] | None:
    """(row, its formula, column) of the derived cell the figure states: its year's column, or the one column it
    fits."""
    year = _link_year(text, n)
    for i, f in formulas.items():
        row = table.rows[i]
        if not _same_kind(n.span.unit, row):
            continue
        filled = _filled([row, *(table.rows[j] for j in f.rows)], len(table.years))
        cols = [c for c in filled if _restates(n, row.cells[c], row.base[c])]  # type: ignore[arg-type]
        if year is not None:
            cols = [c for c in cols if table.years[c] == year]
        if len(cols) == 1:
            return i, f, cols[0]
    return None


def _table_derivation(text: str, doc_id: str, chunk_id: str, table: _Table, n: _Num, formula: _Formula, col: int
                      ) -> Derivation:
    inputs = []
    for i in formula.rows:
        r = table.rows[i]
        cell, start = r.cells[col], r.start  # the quote of a cell is its row
        assert cell is not None  # (a formula is linked only in a column its rows fill)
        end = r.cells[-1].end if r.cells[-1] is not None else cell.end
        name = _ROW_UNIT.sub("", r.name).strip()
        inputs.append(Term(name=name, value=cell.value, unit=r.unit, quote=text[start:end],
                           quote_start=start, quote_end=end, start=cell.start, end=cell.end,
                           period=f"{table.years[col]}年"))
    res = _term(text, n)
    summed = tuple(range(len(inputs))) if formula.operation == "product_of_sum" and not formula.terms else ()
    return Derivation(id="", doc_id=doc_id, subject=res.name, result=res, inputs=tuple(inputs),
                      operation=formula.operation, start=min(res.quote_start, table.start),
                      end=max(res.quote_end, table.end), summed=summed, terms=formula.terms, cue="表格测算",
                      chunk_id=chunk_id)
