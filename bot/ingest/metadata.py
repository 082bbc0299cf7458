"""Report metadata: title, broker, date, author — found in the header, overridable by a sidecar.

Two shapes of text arrive here. A web clipping has a header (the lines before the first real paragraph)
holding the title, a byline and a date: the byline and date lines become metadata and leave the text;
the title stays as its first line. A PDF extraction is one long line with page headers and footers
inline: nothing leaves the text, the date comes from the first page or the repeated page header, the
broker from the firm's own name in its headers, footers and disclaimers, and the title from the file name.
A sidecar `REPORT.ext.meta.json` next to the file overrides any field.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

from ..errors import IngestError
from .load import SIDECAR_SUFFIX

# "来源：" names the producer only where a line or a word starts with it ("作者:小王 来源:某某证券"): glued to
# 资料/数据 in a PDF's one long line it is a figure's data source.
_PRODUCER_RE = re.compile(r"(?:报告出品方|出品方|研究机构|机构|(?:^|(?<=\s))来源)[:：]\s*([^\s,，)）]{2,20})", re.M)
_DATE_RE = re.compile(r"(20\d{2}|19\d{2})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")
_AUTHOR_RE = re.compile(r"作者[:：]\s*(.+?)(?=\s*(?:发布时间|发布于|时间|日期|来源)[:：]|$)")
_ORIGINAL_TITLE_RE = re.compile(r"^原标题[:：]\s*")
_SENTENCE_END = "。！？!?；;"
_TITLE_FIRM_RE = re.compile(r"^([\u4e00-\u9fff]{2,4}证券)(?=[\s:：\-_—|]|$)")  # "某某证券：标题"


@dataclass
class Header:
    title: str = ""
    broker: str = ""
    date: str = ""
    author: str = ""


def _is_content(line: str) -> bool:
    return len(line) > 60 or (len(line) > 20 and line[-1] in _SENTENCE_END)


def _date(line: str) -> str:
    m = _DATE_RE.search(line)
    if not m:
        return ""
    y, mo, d = (int(g) for g in m.groups())
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return ""
    return f"{y:04d}-{mo:02d}-{d:02d}"


def split_header(text: str, max_header_lines: int = 8) -> tuple[Header, str]:
    """Read title/author/date from the header and drop the byline and date lines from the text."""
    lines = text.split("\n")
    header = Header()
    drop: set[int] = set()
    title_idx = None
    for i, line in enumerate(lines[:max_header_lines]):
        if not line:
            continue
        if _is_content(line):
            break
        if _ORIGINAL_TITLE_RE.match(line):
            if title_idx is not None and _ORIGINAL_TITLE_RE.sub("", line) == lines[title_idx]:
                drop.add(i)  # a repeat of the title
            continue
        m = _AUTHOR_RE.search(line)
        if m:
            header.author = header.author or m.group(1).strip()
            header.date = header.date or _date(line)
            drop.add(i)
            continue
        d = _date(line)
        if d and len(_DATE_RE.sub("", line).strip(" :：发布时间日期")) <= 12:
            header.date = header.date or d
            drop.add(i)
            # lines between the title and the date are the poster's byline
            if title_idx is not None:
                byline = [j for j in range(title_idx + 1, i) if lines[j] and len(lines[j]) <= 20]
                if byline and not header.author:
                    header.author = lines[byline[0]]
                drop.update(byline)
            continue
        if title_idx is None and len(line) >= 6:
            title_idx = i
            header.title = line
    kept = [line for i, line in enumerate(lines) if i not in drop]
    body = re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()
    return header, body


# --- the publication date of a one-line PDF extraction ---------------------------------------------------
# The cover page: title, rating, analysts and the related-reports list. Measured on reports-dev, the first
# full date that is not a datum sits in the first 1,500 characters in 346 of 383 reports and in the first
# 2,000 in 376 (a long related-reports list pushes it down); the other 7 are past 3,000, and are data.
HEADER_CHARS = 2000
# A month alone is trusted only in the title block at the very top; deeper in the cover it is a datum.
TITLE_BLOCK_CHARS = 500
# A page header repeats on every page (1,000–3,000 characters of extracted text); asking for one repeat per
# 6,000 characters allows pages without one and rejects a datum quoted in three tables of a long report.
PAGE_CHARS = 6000

# PDF extraction glues page and licence numbers to dates ("S11901171200422020年2月3日", "2020-12-081"):
# 年 delimits a year whatever precedes it, and 日 the day ("2019年12月2020年" is two months, "2018年9月1.概览"
# a month and a heading number); in a dash-style date a zero-padded day may have a digit glued after it.
_FULL_DATE_RE = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"
                           r"|(?<![\d./-])((?:19|20)\d{2})([./-])(\d{1,2})\5(\d{2}|\d(?!\d))")
# Month-only dates. A dotted one needs two month digits: "2020.7" is as likely a number as a month.
_MONTH_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*(?:年\s*(\d{1,2})\s*月(?!\s*\d{1,2}\s*日)|/(\d{1,2})(?![\d./-])"
                       r"|\.(\d{2})(?![\d./-]))")
# Dates in a related-reports list follow a 《title》 (or sit inside one), or stand in brackets after a title.
_RELATED_BEFORE = re.compile(r"(?:》[^\u4e00-\u9fff\d《》]{0,4}|《[^》]{0,60}|——)$")
# Data dates: a cut-off, an event ("公司于…成立"), the start or end of a range, a month's part ("3月下旬").
_DATA_BEFORE = re.compile(r"(?:截至|截止|截到|至|于|自|从|到|在|为|较|比|[~～]|(?:估值|数据|统计|交易|收盘)(?:日期|日|时间)[:：]?)\s*$")
_DATA_AFTER = re.compile(r"\s*(?:收盘|成立|起|以来|至今|之前|之后|前|后|期间|止|至|到"
                         r"|[\u4e00-\u9fff]{0,4}(?:完成|公告|召开|上市|获批|举行|发布|颁布|印发|出台)"
                         r"|[-~～—–－]\s*(?:19|20)?\d|份|末|底|初|上旬|中旬|下旬|[%％亿万千百元倍个，,])")
# Publication cues: "报告日期：", "发布时间：", a template's "[Table_ReportDate]", "发布于" (not "成立时间：").
_PUB_BEFORE = re.compile(r"(?:(?:报告|发布|出版)(?:日期|时间)|(?<![\u4e00-\u9fff])日期|Date\]?|发布于)[^\u4e00-\u9fff\d]{0,3}$")


@dataclass(frozen=True)
class _DateSeen:
    iso: str  # "2020-07-05", or "2020-07" when the text names only the month
    start: int
    end: int


def _iso(year: str, month: str, day: str | None = None) -> str:
    y, mo = int(year), int(month)
    if not 1 <= mo <= 12:
        return ""
    if day is None:
        return f"{y:04d}-{mo:02d}"
    d = int(day)
    return f"{y:04d}-{mo:02d}-{d:02d}" if 1 <= d <= 31 else ""


def _dates_in(text: str) -> list[_DateSeen]:
    seen = []
    for m in _FULL_DATE_RE.finditer(text):
        iso = _iso(m.group(1) or m.group(4), m.group(2) or m.group(6), m.group(3) or m.group(7))
        if iso:
            seen.append(_DateSeen(iso, m.start(), m.end()))
    for m in _MONTH_RE.finditer(text):
        iso = _iso(m.group(1), m.group(2) or m.group(3) or m.group(4))
        if iso:
            seen.append(_DateSeen(iso, m.start(), m.end()))
    return sorted(seen, key=lambda s: s.start)


def _role(text: str, seen: _DateSeen) -> str:
    """"pub" when a cue names it the report's date, "other" for a related report's or a datum's date, else ""."""
    before, after = text[max(0, seen.start - 60):seen.start], text[seen.end:seen.end + 8]
    if _RELATED_BEFORE.search(before) or (before[-1:] in "(（" and after[:1] in ")）"):
        return "other"
    if _DATA_BEFORE.search(before[-6:]) and not before.endswith("发布于"):
        return "other"
    if _PUB_BEFORE.search(before[-12:]):
        return "pub"
    if _DATA_AFTER.match(after):
        return "other"
    # a month opening a clause is a datum ("。2017年9月，国家…"); a cover's month is glued to its neighbours
    return "other" if len(seen.iso) == 7 and before[-1:] in "，。；：:,;" else ""


def find_date(text: str, title: str = "") -> str:
    """The publication date of a report: a cued or first date on its cover page, else the date its page headers
    repeat, else a month at the top of the cover ("2020-07"). Months the title names are the period covered,
    not the publication date."""
    seen = [(s, _role(text, s)) for s in _dates_in(text)]
    cover = [(s, role) for s, role in seen if s.start < HEADER_CHARS and role != "other"]
    periods = {s.iso for s in _dates_in(title)}
    top = [s for s, _ in cover if s.start < TITLE_BLOCK_CHARS and s.iso not in periods]
    ranked = ([s for s, role in cover if role == "pub"]
              + [s for s, _ in cover if len(s.iso) == 10]
              + top)  # a month alone only at the top: deeper in the cover it is a datum
    if ranked:
        return ranked[0].iso
    repeated = Counter(s.iso for s, role in seen if role != "other" and len(s.iso) == 10).most_common(1)
    return repeated[0][0] if repeated and repeated[0][1] >= max(3, len(text) / PAGE_CHARS) else ""


# --- the institution that wrote the report ----------------------------------------------------------------
# A firm's own name is followed by its institute or legal form, or sits in its disclaimer or page footer.
_FIRM_SUFFIX = r"(?:研究所|研究院|研究发展中心|研究中心|研究部|有限(?:责任)?公司|研究报告|版权所有|股票(?:和|及)行业评级)"
_STRONG_AFTER = re.compile(r"(?:证券)?(?:[(（]香港[)）])?(?:控股|股份)?" + _FIRM_SUFFIX)
_LEGAL_NAME = re.compile(r"(?:有限(?:责任)?公司|研究所|研究发展中心)$")  # not 研究院: 头豹研究院 is cited as a source
_STRONG_BEFORE = re.compile(r"(?:本报告由|仅供|版权(?:均)?(?:归|属于?|为)|请务必阅读|请仔细阅读|谨请参阅|敬请参阅|请参阅"
                            r"|敬请阅读|出品方)[^。；！？!?]*$")
# A quoted view ("据某某证券研究部测算") is another firm's; a figure's source ("资料来源：Wind、XX证券研究所") is
# usually the firm's own institute, so there the institute suffix still counts.
_QUOTED_BEFORE = re.compile(r"(?:据|根据|引用|参考|援引|转引自|转载自)[^。；]{0,12}$")
_SOURCE_BEFORE = re.compile(r"来源[:：][^。；]{0,12}$")
# A filing's author in a list of announcements: "…证券股份有限公司关于…的核查意见".
_FILING_AFTER = re.compile(r"(?:证券)?(?:(?:股份)?有限(?:责任)?公司)?关于")
_FORMER_EMPLOYER = re.compile(r"曾(?:任职于|供职于|就职于|任|在)[^。；]{0,4}$")
# "证券" followed by these is another noun (上海证券交易所, 中国证券报, 资产证券化), not a firm.
_NOT_FIRM_AFTER = re.compile(r"(?:交易所|报|业协会|市场|登记|化|法)")
# An unlisted firm: only its legal or institute name counts, cut after a cue that ends the preceding words.
_UNLISTED_FIRM = re.compile(r"([\u4e00-\u9fff]+?)证券(?=(?:[(（]香港[)）])?(?:股份有限公司|有限责任公司|有限公司|研究所))")
_NOT_A_NAME = re.compile(r"研究|公司|报告|投资|资料|数据|本")  # garbled extraction, not a name
_CUE_BEFORE_NAME = re.compile(r"本报告由|报告由|仅供|版权归|版权属于|属于|声明|来源|免责条款|部分|及|和|与|由|于")


@dataclass(frozen=True)
class BrokerTable:
    """Institutions that write reports (the data file brokers.txt), every alias mapped to one canonical name."""

    canonical: dict[str, str]  # alias, spaces removed (domains lower-cased) → canonical name
    names: re.Pattern[str]  # any Chinese or English alias
    domains: re.Pattern[str]  # a domain alias after "@" or "www."
    licences: dict[str, str]  # SAC firm code ("S1110") → canonical name

    @classmethod
    def parse(cls, data: str) -> BrokerTable:
        canonical: dict[str, str] = {}
        for line in data.splitlines():
            parts = [p.strip() for p in line.split("|")]
            if not parts[0] or parts[0].startswith("#"):
                continue
            for alias in filter(None, parts):
                canonical[_alias_key(alias)] = parts[0]
        licences = {a: canonical.pop(a) for a in list(canonical) if _LICENCE_CODE.fullmatch(a)}
        aliases = sorted(canonical, key=len, reverse=True)  # longest first: 中国银河证券 before 银河证券
        domains = [a for a in aliases if _is_domain(a)]
        names = [_name_pattern(a) for a in aliases if not _is_domain(a)]
        return cls(canonical, re.compile("|".join(names)),
                   re.compile(r"(?:@|www\.)(?:[A-Za-z0-9-]+\.)*?(" + "|".join(map(re.escape, domains)) + ")", re.I),
                   licences)

    def name_of(self, alias: str) -> str:
        return self.canonical.get(_alias_key(alias), "")


_LICENCE_CODE = re.compile(r"S\d{4}")
# An analyst's SAC number: S, the firm's 4 digits, then 9 more. Extraction glues neighbours to it on both
# sides ("CFAS0800519080001", "…00021.LCD"), so only a digit before it rules it out.
_LICENCE_RE = re.compile(r"(?<!\d)(S\d{4})\d{9}")


def _is_domain(alias: str) -> bool:
    return alias.isascii() and "." in alias and " " not in alias and not alias.endswith(".")


def _alias_key(alias: str) -> str:
    key = re.sub(r"\s+", "", alias)
    return key.lower() if _is_domain(alias) else key


def _name_pattern(alias: str) -> str:
    if not alias.isascii():
        return re.escape(alias)
    # PDF extraction drops the spaces of English names; a short one must not match inside a word (UBS, Citi)
    body = r"\s*".join(re.escape(w) for w in alias.split())
    return rf"(?<![A-Za-z]){body}(?![A-Za-z])"


@lru_cache(maxsize=1)
def broker_table() -> BrokerTable:
    return BrokerTable.parse((files(__package__) / "brokers.txt").read_text(encoding="utf-8"))


# The closing disclaimer and rating definitions: where a firm names itself once if it does so only once.
TAIL_CHARS = 4000


@dataclass
class _Tally:
    strong: int = 0  # in a legal or institute name, a disclaimer, a page footer
    strong_at_edges: int = 0  # … of those, on the cover or in the closing disclaimer
    domains: int = 0  # an analyst's e-mail address or licence number, the firm's web address: its own
    mentions: int = 0  # anywhere, unless quoted ("据…"), a source, a filing or a former employer
    first: int = 1 << 30


def _name_signal(text: str, m: re.Match[str]) -> str:
    """How a firm's name is used: "strong" (its legal or institute name, its disclaimer or page footer),
    "mention", "cited" (a quoted view, a figure's source, a filing's author) or "" (not the firm at all)."""
    before, after = text[max(0, m.start() - 16):m.start()], text[m.end():m.end() + 16]
    if (m.group().endswith("证券") and _NOT_FIRM_AFTER.match(after)) or _FORMER_EMPLOYER.search(before):
        return ""
    if _FILING_AFTER.match(after) or _QUOTED_BEFORE.search(before):
        return "cited"
    if _LEGAL_NAME.search(m.group()) or _STRONG_AFTER.match(after):
        return "strong"
    if _SOURCE_BEFORE.search(before):
        return "cited"
    return "strong" if _STRONG_BEFORE.search(before) else "mention"


def _count(tallies: dict[str, _Tally], name: str, signal: str, start: int, text_len: int) -> None:
    t = tallies.setdefault(name, _Tally())
    t.first = min(t.first, start)
    t.mentions += signal != "cited"
    if signal == "strong":
        t.strong += 1
        t.strong_at_edges += start < HEADER_CHARS or start >= text_len - TAIL_CHARS


def _tally_names(text: str, table: BrokerTable, tallies: dict[str, _Tally]) -> None:
    for m in table.names.finditer(text):
        signal = _name_signal(text, m)
        if signal:
            _count(tallies, table.name_of(m.group()), signal, m.start(), len(text))


def _unlisted_firms(text: str, table: BrokerTable) -> Iterator[tuple[str, int]]:
    """(name, position) of "XX证券股份有限公司"-style names the table lacks, trimmed to a plausible name."""
    for m in _UNLISTED_FIRM.finditer(text):
        run = m.group(1)
        if table.names.search(run + "证券"):
            continue  # a listed firm with words before it: counted by name
        cues = list(_CUE_BEFORE_NAME.finditer(run))
        name = run[cues[-1].end():] if cues else run
        # without a cue, a run longer than a firm's name holds the words before it: no safe cut
        if 2 <= len(name) <= (6 if cues else 4) and not _NOT_A_NAME.search(name):
            yield name + "证券", m.end(1) - len(name)


def _tallies(text: str, table: BrokerTable) -> dict[str, _Tally]:
    tallies: dict[str, _Tally] = {}
    _tally_names(text, table, tallies)
    for name, start in _unlisted_firms(text, table):
        _count(tallies, name, "strong", start, len(text))
    for m in table.domains.finditer(text):
        tallies.setdefault(table.name_of(m.group(1)), _Tally()).domains += 1
    for m in _LICENCE_RE.finditer(text):
        if m.group(1) in table.licences:
            tallies.setdefault(table.licences[m.group(1)], _Tally()).domains += 1
    return tallies


def _score(t: _Tally) -> int:
    # a lone legal name mid-text may be a counterparty (an underwriter, a shareholder); a firm's own name
    # recurs (page footers, figure sources) or stands once on its cover or in its closing disclaimer
    return (t.strong if t.strong >= 2 else t.strong_at_edges) + t.domains


def _strongest(tallies: dict[str, _Tally]) -> str:
    scored = [(_score(t), t.mentions, -t.first, name) for name, t in tallies.items()]
    best = max(scored, default=None)
    return best[3] if best and best[0] > 0 else ""


def _dominant(tallies: dict[str, _Tally]) -> str:
    """A name that most of the mentions are of: a text citing many firms names none of them as its author."""
    total = sum(t.mentions for t in tallies.values())
    mentions, _, name = max(((t.mentions, -t.first, n) for n, t in tallies.items()), default=(0, 0, ""))
    return name if mentions >= 2 and 2 * mentions > total else ""


def _first_firm(text: str, table: BrokerTable) -> str:
    for m in table.names.finditer(text):
        if _name_signal(text, m):
            return table.name_of(m.group())
    return ""


def _producer_line(text: str, table: BrokerTable) -> str:
    for m in _PRODUCER_RE.finditer(text):
        firm = _first_firm(m.group(1), table)
        if firm:
            return firm
        if "出品方" in m.group(0):
            return m.group(1)  # whoever the line names, listed or not
    return ""


def _named_in_title(title: str, table: BrokerTable) -> str:
    m = _TITLE_FIRM_RE.match(title)
    return _first_firm(title, table) or (m.group(1) if m else "")


def find_broker(text: str, title: str) -> str:
    """The institution that wrote the report, by its canonical name: an explicit producer line, else its own
    name in legal names, disclaimers, footers, e-mail addresses and licence numbers, else the title, else the
    name most of the text's mentions are of."""
    table = broker_table()
    producer = _producer_line(text, table)
    if producer:
        return producer
    tallies = _tallies(text, table)
    return _strongest(tallies) or _named_in_title(title, table) or _dominant(tallies)


# "0042_深度报告.pdf": a downloader's id, not part of the title (a year or a date stays).
_ID_PREFIX_RE = re.compile(r"^(\d+)_(?=.)")


def title_from_stem(stem: str) -> str:
    m = _ID_PREFIX_RE.match(stem)
    if not m or re.fullmatch(r"(?:19|20)\d{2}(?:\d{2}){0,2}", m.group(1)):
        return stem
    return stem[m.end():]


def read_sidecar(path: Path) -> dict:
    side = path.with_name(path.name + SIDECAR_SUFFIX)
    if not side.exists():
        return {}
    try:
        data = json.loads(side.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise IngestError(f"{side.name}: the metadata sidecar is not valid JSON ({e}).") from None
    if not isinstance(data, dict):
        raise IngestError(f"{side.name}: the metadata sidecar must be a JSON object.")
    allowed = {"title", "broker", "date", "author"}
    return {k: str(v) for k, v in data.items() if k in allowed and v is not None}


PDF_FIRST_LINE = 300  # characters: a header line is a title or a byline; a line this long is the report itself


def extract_metadata(text: str, path: Path, raw: str | None = None) -> tuple[Header, str]:
    """`text`: the cleaned text; `raw`: the text before cleaning, when there is one. The cover date and the
    firm's footers are page furniture that cleaning removes, so date and broker are read from the raw text;
    a raw text whose first line is already the report (a PDF extraction) has no header to take a title from,
    and its title is the file name (the cleaned text's first line would be whatever a cut left there)."""
    header, body = split_header(text)
    source = raw if raw is not None else body
    first = next((line for line in (raw or "").split("\n") if line.strip()), "")
    if not header.title or len(first) > PDF_FIRST_LINE:
        header.title = title_from_stem(path.stem)
    header.broker = find_broker(source, header.title) or (find_broker(body, header.title) if raw is not None else "")
    header.date = header.date or find_date(source, header.title) or _date(path.stem)
    for k, v in read_sidecar(path).items():
        setattr(header, k, v)
    return header, body
