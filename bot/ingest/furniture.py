"""Page furniture and boilerplate in PDF-extracted report text, found as spans (never whole lines).

A PDF's text layer often arrives as one line per report, with every page's header and footer inline
(`…|2020年07月05日谨请参阅尾页重要声明及华泰证券股票和行业评级标准4`), a table of contents with dot leaders,
and a tail of disclaimers, analyst certifications and rating definitions. Each finder here returns
(start, end, rule) spans of the text; `clean.py` removes them and makes every cut a chunk boundary.

The finders look for mechanisms, not for any report's words:
- repetition: a string that recurs on page after page (digits normalised, so page numbers may vary) and is
  either a notice (a boilerplate cue inside it) or carries a page number that grows from one to the next;
- notices: "请务必阅读…声明" style sentences, and layout tags (`[Table_Title]`);
- the table of contents: entries ending in a dot leader and a page number;
- the tail: from the first disclaimer/certification/rating heading in the second half of the text, when
  at least two different kinds of them follow (a single mention could be report prose).
"""
from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict

Span = tuple[int, int, str]  # (start, end, rule)

# Words that only boilerplate uses: notices to read the disclaimer, rating/certification sections, layout tags.
CUE = re.compile(
    r"请务必|请仔细阅读|敬请|谨请|版权所有|请参阅|请参见|请阅读|免责|声明|申明|信息披露|评级(标准|说明|体系|定义)|"
    r"股票评级|行业评级|证券研究报告|研究报告正文|执业证书|投资咨询业务资格|Table_|[Pp]age\s*\d|第\s*\d+\s*页|"
    r"仅通过邮件提供|仅供[^。！？]{0,40}使用"
)
NOTICE = re.compile(
    r"(请务必|请仔细|敬请|谨请|请)(阅读|参阅|参见|关注|查阅)[^。！？\n]{0,40}?(声明|条款|说明|部分|披露|申明|信息)"
    r"(部分|及[^。！？\n]{0,16}?(标准|说明|部分))?(\s*[-—]?\s*\d{1,3}(\s*(/|of)\s*\d{1,3})?(?!\d))?"
)
MARKUP = re.compile(r"(Header)?\[?Table_[A-Za-z]+\]?|\[table_[a-z]+\]", re.IGNORECASE)
# a report template's field markers left in the text (「＃title＃」, 「＃createTime1＃2020年09月07日投资要点＃summary＃」):
# an identifier between full-width ＃; between ASCII # only a camelCase one with a word before its hump
# (「#industryId#」), so a hashtag (「#iPhone#」, 「#GPT#」) keeps its word
TEMPLATE_FIELD = re.compile(r"＃[A-Za-z][A-Za-z0-9_]{1,40}＃|#[a-z]{3,}[A-Z][A-Za-z0-9_]{0,40}#")
# A table-of-contents entry: a title, a dot leader, a page number. The title may hold "1.1" section numbers.
TOC_ENTRY = re.compile(r"(?:(?:图表|插图|表格)?目录)?(?:[^。！？\n.．…·]|\.(?=\d)){0,50}[.．…·]{5,}"
                       r"(?:\s*[-—]?\s*\d{1,3}\s*[-—]?(?!\d))?")
TAIL_HEAD = re.compile(
    r"分析师(声明|承诺|申明|介绍|简介)|免责(声明|条款|申明)|法律声明|重要声明|一般声明|特别声明|版权声明|"
    r"投资评级(说明|标准|定义)|(股票|行业|公司)?评级(说明|标准|体系|定义)|(行业|股票|公司)投资评级|信息披露|研究团队简介"
)
# A list of related reports: 相关报告 / 相关研究 (a heading, not 「据相关报告显示」), then entries — a title (numbered,
# in 《》 or not) ending in its date.
RELATED_HEAD = re.compile(r"(?<![据的等与和及])相关(?:研究)?报告(?:汇总)?(?:报告类型)?(?:标题)?(?:日期)?[:：]?|(?<![据的等与和及])相关研究[:：]?")
_DATE = r"(?:19|20)\d{2}(?:[-/.]\d{1,2}[-/.]\d{1,2}|年\d{1,2}月\d{1,2}日)"
RELATED_ENTRY = re.compile(rf"\s*(?:\d{{1,2}}\s*[.、．,，]?\s*)?(?=[^\n]{{0,90}}?[\u4e00-\u9fff]{{4}})[^。！？!?\n\[\]%]{{4,90}}?"
                           rf"(?<!截至)(?<!截止)[(（]?(?<!截至（)(?<!截止（){_DATE}[)）]?")
_POINTING = re.compile(r"(阅读|参阅|参见|详见|见本|请|之后的|最后的|尾页|末页)[^。！？]{0,12}$")
_PAGE_NO = re.compile(r"\s*[-—]?\s*(\d{1,3})(\s*(/|of)\s*\d{1,3})?(?!\d)")
_WEB = re.compile(r"www\.|https?://|\.(?:com|cn|net|org|xyz)(?![A-Za-z])", re.I)
_PIECE = re.compile(r"[^。！？!?]+[。！？!?]*")
_LEADING_PAGE = re.compile(r"[\d\s/\-—]*")
_LEAD_TRIM = "。，；、：）)」”’!！?？ \t"
TOC_GAP = 80  # characters between two table-of-contents entries, with no sentence end: an entry without a leader
_SENTENCE_END = re.compile(r"[。！？!?]")
K = 10  # window for repetition: shorter strings repeat in prose ("同比增长" …), furniture is longer
MIN_REPEAT = 3
MAX_TAIL_SECTION = 3000  # characters; the longest disclaimer paragraphs seen run ~2,000


def repeated_runs(text: str, k: int = K, min_count: int = MIN_REPEAT) -> list[tuple[int, int]]:
    """Maximal stretches of one line in which every k-character window occurs ≥ min_count times in the text.

    Digits are not normalised: a template sentence repeated with other numbers ("…收入NN亿元，同比增长NN%")
    must not merge with the footer after it. Page numbers are picked up next to a run instead.
    """
    norm = text
    n = len(norm) - k + 1
    if n <= 0:
        return []
    counts = Counter(norm[i:i + k] for i in range(n))
    runs: list[tuple[int, int]] = []
    i = 0
    while i < n:
        if counts[norm[i:i + k]] >= min_count and "\n" not in norm[i:i + k]:
            j = i
            while j < n and counts[norm[j:j + k]] >= min_count and "\n" not in norm[j:j + k]:
                j += 1
            runs.append((i, j + k - 1))
            i = j
        else:
            i += 1
    return runs


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    """Leading punctuation belongs to the sentence before the furniture, not to it."""
    while s < e and text[s] in _LEAD_TRIM:
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def _with_page_number(text: str, s: int, e: int) -> int:
    """Extend a furniture span over the page number right after it (`…声明4`, `…部分5/12`)."""
    if e > s and text[e - 1].isdigit():
        return e  # the digits were part of the repeated run already
    m = _PAGE_NO.match(text, e)
    return m.end() if m else e


def page_furniture(text: str) -> list[Span]:
    """Repeated page headers and footers.

    A repeated run is split at full stops (a run may hold a footer and the next page's head, or a template
    sentence next to a footer); each piece is furniture if it holds a cue word, or if it is a running head:
    no digits or clause punctuation of its own, followed by a page number that grows from page to page.
    """
    spans: list[Span] = []
    numbered: dict[str, list[tuple[int, int, int]]] = defaultdict(list)  # head → (start, end, page number)
    beside: dict[str, list[tuple[int, int]]] = defaultdict(list)  # other short repeated pieces
    for rs, re_ in repeated_runs(text):
        for m in _PIECE.finditer(text, rs, re_):
            s, e = _trim(text, m.start(), m.end())
            core = s + len(_LEADING_PAGE.match(text, s, e).group())  # the tail of the previous page's number
            piece = text[core:e]
            if len(piece) < 4:
                continue
            if CUE.search(piece):
                spans.append((s, _with_page_number(text, s, e), "page-furniture"))
                continue
            if not 6 <= len(piece) <= 60 or re.search(r"[。，,；;、：:]", piece):
                continue
            pm = _PAGE_NO.match(text, e)
            # (a head's own digits would blur where its page number starts — but a web address, a sharing site's
            # watermark 「WWW.1C9U.COM研报客www.yanbaoke.com7/21」, is no figure of the report)
            if pm and not text[pm.end():pm.end() + 1].isdigit() and (not re.search(r"\d", piece) or _WEB.search(piece)):
                numbered[piece].append((s, pm.end(), int(pm.group(1))))
            else:
                beside[piece].append((s, e))
    for core, occ in numbered.items():
        pages = [p for _, _, p in occ]
        rising = sum(1 for a, b in zip(pages, pages[1:]) if 0 < b - a <= 3)
        if len(occ) >= MIN_REPEAT and rising >= 0.8 * (len(occ) - 1):
            spans.extend((s, e, "page-furniture") for s, e, _ in occ)
    # a running head without cue or page number ("行业深度报告|医疗器械|2021年03月15日") sits right next to
    # the furniture found so far, page after page
    ends = sorted(e for _, e, _ in spans)
    starts = sorted(s for s, _, _ in spans)
    for piece, occ in beside.items():
        if len(occ) < MIN_REPEAT:
            continue
        near = sum(1 for s, e in occ if _near(ends, s) or _near(starts, e))
        if near >= 0.6 * len(occ):
            spans.extend((s, e, "page-furniture") for s, e in occ)
    return spans


def _near(points: list[int], x: int, gap: int = 4) -> bool:
    i = bisect.bisect_left(points, x - gap)
    return i < len(points) and points[i] <= x + gap


def notices(text: str) -> list[Span]:
    """Single notices ("请务必阅读正文之后的免责条款部分5/12"), layout tags ("[Table_Summary]") and template field
    markers ("＃summary＃")."""
    out: list[Span] = [(m.start(), m.end(), "notice") for m in NOTICE.finditer(text)]
    out += [(m.start(), m.end(), "markup") for m in MARKUP.finditer(text)]
    out += [(m.start(), m.end(), "markup") for m in TEMPLATE_FIELD.finditer(text)]
    return out


def related_reports(text: str) -> list[Span]:
    """The sidebar listing the broker's earlier reports (「相关报告1-7月份国内疫苗批签发数据：…2020-08-06新冠疫苗专题
    报告：…2020-07-28」): its heading and the entries after it that each end in a date — at least two of them, so
    prose that mentions 相关报告 stays."""
    out: list[Span] = []
    for m in RELATED_HEAD.finditer(text):
        if out and m.start() < out[-1][1]:
            continue
        end, entries = m.end(), 0
        while (e := RELATED_ENTRY.match(text, end)) is not None:
            end, entries = e.end(), entries + 1
        if entries >= 2:
            out.append((m.start(), end, "related-reports"))
    return out


# An analyst's contact block on a report's cover or back page: names with their roles, licence numbers (SAC: S or A and
# 13 digits; SFC: three letters and three digits), phones, e-mails — fields run together with no sentence between
# (「袁维分析师SAC执业编号：S1130518080002(8621)60230221yuan_wei＠gjzq.com.cn」).
_CJK = r"[\u4e00-\u9fff·]"
_ROLE = r"(?:(?:首席|资深|高级)?(?:分析师|研究员|研究助理|销售经理|销售总监)|研究部主管|(?:报告)?联系人|作者)(?:[(（](?:分析师|研究助理)[)）])?"
_LICENCE = r"[SA]\d{13}|(?<=No\.)[A-Z]{3}\d{3}(?!\d)"  # (a phone may follow a licence number with no space)
# (an address ends at its top-level domain: 「…@abc.com.cn2020年…」 goes on with the report's text)
_EMAIL = r"[A-Za-z][A-Za-z0-9._-]*[@＠][A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.(?i:com|cn|net|org|hk|edu|gov|co|info)(?![A-Za-z])"
_LABEL = r"(?:SAC|SFC)?\s*(?:执业|执证|从业|投资咨询)?(?:证书|资格|登记)?(?:编号|编码|证号|证)\s*[:：]?|(?:SAC|SFC)\s*No\.?"
_NAME_END = r"(?=SAC|SFC|执业|执证|证书|投资咨询|电话|邮箱|E-?MAIL|[SA]\d{13}|[A-Za-z0-9(（☎+＋ \t,，;；:：]|$)"
_CONTACT_FIELD = (
    rf"(?:{_ROLE})\s*[:：]?\s*(?:{_CJK}{{2,3}}{_NAME_END})?"  # 分析师：刘建宏
    rf"|(?<!{_CJK}){_CJK}{{2,3}}(?:{_ROLE}|(?=SAC|SFC|执业|执证|证书|投资咨询|[SA]\d{{13}}))"  # 袁维分析师, 郭旺S107…
    rf"|(?<!{_CJK}){_CJK}{{2,3}}(?=[(（]?\d{{3,}}|[A-Za-z][A-Za-z0-9._-]*[@＠])"  # 张丽萱(010)58067931, 董晓梅dxm@…
    rf"|{_LABEL}|{_LICENCE}"
    r"|(?:联系电话|电话|Tel|TEL|☎)\s*[:：]?"
    r"|[+＋]?[(（]?\d[\d\-－()（） ]{6,18}\d(?![\d.%％])"
    rf"|(?:联系邮箱|邮箱|电子邮件|电邮地址|电邮|E-?MAIL|E-?mail|Email)\s*[:：]?|{_EMAIL}"
)
ANALYST_CONTACT = re.compile(rf"(?:(?:{_CONTACT_FIELD})[ \t,，;；/|]*)+")
_PHONE = re.compile(r"(?<![\d.])(?:[(（]?0\d{2,3}[)）]?[-－]?\d{7,8}|1[3-9]\d{9}|[+＋]?86[-－]?\d{2,3}[-－]?\d{7,8})(?![\d.%％])")


def analyst_contacts(text: str) -> list[Span]:
    """Analysts' names, licence numbers, phones and e-mails run together on a cover or back page: a run of such
    fields holding a licence number, or an e-mail next to a role, a phone or another e-mail (an e-mail alone may
    be part of a sentence)."""
    out: list[Span] = []
    for m in ANALYST_CONTACT.finditer(text):
        run = m.group()
        emails = len(re.findall(_EMAIL, run))
        if re.search(_LICENCE, run) or (emails and (emails > 1 or re.search(_ROLE, run) or _PHONE.search(run))):
            s, e = _trim(text, m.start(), m.end())
            out.append((s, e, "analyst-contact"))
    return out


def table_of_contents(text: str) -> list[Span]:
    """Runs of table-of-contents entries, one span each. An entry is found by its dot leader; what lies between two
    entries, or between a 「目录」 heading and the first, is an entry too when it is short and ends no sentence — an
    entry with a short leader or none (「目录2017年市场规模325亿，部分品种仍存在提升空间..5白蛋白…………5」)."""
    out: list[list] = []
    for m in TOC_ENTRY.finditer(text):
        start, end = m.start(), m.end()
        if end - start < 8:
            continue
        if out and _toc_gap(text[out[-1][1]:start]):
            out[-1][1] = end
            continue
        head = text.rfind("目录", max(0, start - TOC_GAP), start)
        if head >= 0 and _toc_gap(text[head:start]):
            start = head
        out.append([start, end])
    return [(a, b, "toc") for a, b in out]


def _toc_gap(gap: str) -> bool:
    return len(gap) <= TOC_GAP and not _SENTENCE_END.search(gap)


def _before(text: str, i: int, masked: list[bool] | None, width: int = 16) -> str:
    """The report text just before i, not reaching back into furniture already removed."""
    start = max(0, i - width)
    if masked:
        for j in range(i - 1, start - 1, -1):
            if masked[j]:
                return text[j + 1:i]
    return text[start:i]


def disclaimer_tail(text: str, masked: list[bool] | None = None) -> list[Span]:
    """The disclaimer / certification / rating-definition tail of a report.

    It starts at a tail heading in the second half of the text (not a notice pointing at it, not inside
    furniture already removed) after which only tail sections follow: at least one *other* kind of tail
    heading, and no stretch longer than `MAX_TAIL_SECTION` without one (report prose between two mentions
    would be longer). Everything from there to the end goes.
    """
    n = len(text)
    heads = [m for m in TAIL_HEAD.finditer(text, n // 2)
             if not (masked and masked[m.start()]) and not _POINTING.search(_before(text, m.start(), masked))]
    for i, m in enumerate(heads):
        if m.group(0) == "信息披露":
            continue  # reports discuss disclosure rules; it may follow, not open, the tail
        kinds = {re.sub(r"^(股票|行业|公司|投资)", "", h.group(0))[:2] for h in heads[i:]}
        stops = [h.start() for h in heads[i:]] + [n]
        if len(kinds) >= 2 and max(b - a for a, b in zip(stops, stops[1:])) <= MAX_TAIL_SECTION:
            return [(m.start(), n, "disclaimer-tail")]
    return []
