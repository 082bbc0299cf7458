"""Report metadata: title, broker, date, author — found in the header, overridable by a sidecar.

The header of a clipping (the lines before the first real paragraph) holds the title, a byline and a
date. The byline and date lines become metadata and leave the text; the title stays as its first line.
A sidecar `REPORT.ext.meta.json` next to the file overrides any field.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ..errors import IngestError
from .load import SIDECAR_SUFFIX

# Brokers named in Chinese research notes; the regex below also catches any "XX证券".
KNOWN_BROKERS = [
    "中信证券", "中信建投", "中金公司", "华泰证券", "国泰君安", "海通证券", "招商证券", "广发证券", "申万宏源",
    "兴业证券", "东方证券", "光大证券", "安信证券", "国信证券", "长江证券", "天风证券", "民生证券", "开源证券",
    "浙商证券", "东吴证券", "方正证券", "国海证券", "西部证券", "华西证券", "国元证券", "华创证券", "华鑫证券",
    "平安证券", "中泰证券", "财通证券", "国金证券", "东北证券", "德邦证券", "信达证券", "华安证券", "中原证券",
    "太平洋证券", "国联证券", "首创证券", "银河证券", "中国银河", "东兴证券", "山西证券", "万联证券", "粤开证券",
    "Goldman Sachs", "Morgan Stanley", "J.P. Morgan", "UBS", "Citi",
]
_BROKER_RE = re.compile("|".join(re.escape(b) for b in KNOWN_BROKERS) + r"|[\u4e00-\u9fff]{2,4}证券")
_PRODUCER_RE = re.compile(r"(?:报告出品方|出品方|研究机构|来源|机构)[:：]\s*([^\s,，)）]{2,20})")
_DATE_RE = re.compile(r"(20\d{2}|19\d{2})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")
_AUTHOR_RE = re.compile(r"作者[:：]\s*(.+?)(?=\s*(?:发布时间|发布于|时间|日期|来源)[:：]|$)")
_ORIGINAL_TITLE_RE = re.compile(r"^原标题[:：]\s*")
_SENTENCE_END = "。！？!?；;"


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


def find_broker(text: str, title: str) -> str:
    """The institution that wrote the report: an explicit producer line, else the title, else the most cited broker."""
    for m in _PRODUCER_RE.finditer(text):
        b = _BROKER_RE.search(m.group(1))
        if b:
            return b.group(0)
    b = _BROKER_RE.search(title)
    if b:
        return b.group(0)
    counts = Counter(m.group(0) for m in _BROKER_RE.finditer(text[:5000]))
    return counts.most_common(1)[0][0] if counts else ""


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


def extract_metadata(text: str, path: Path) -> tuple[Header, str]:
    header, body = split_header(text)
    if not header.title:
        header.title = path.stem
    header.broker = find_broker(body, header.title)
    if not header.date:
        header.date = _date(path.stem)
    for k, v in read_sidecar(path).items():
        setattr(header, k, v)
    return header, body
