"""Real research reports (reports-dev): ingest a seeded sample through the product, ask questions built from
the people's annotations, score the answers overall and per sector.

Questions come from the annotations of the sampled reports that made it into the store:
- fact: 「{subject}{time}的{indicator}是多少？」. Subject: the 公司, else the 产品 or 行业 with the 区域 in front
  (全球 + 汽车半导体), else the 区域 alone, else the company a company report's title names (爱美客（300896）：…);
  time: the first 时间. Annotations without a subject are skipped: 「2020年的毛利率是多少？」 has no one answer. Every
  value annotated anywhere in the sample for the same (subject, time, indicator) is accepted, and every
  (report, sentence) of that key counts. At most PER_REPORT per report, so big reports do not dominate.
- absent_company: a listed company that no ingested report mentions (reports_absent_companies.json), asked
  like a fact question → must be refused.
- absent_fact: a fact question about a subject the library knows, its year moved to one that no report
  mentioning the subject contains → must be refused.
- cagr / difference: two values of one (subject, indicator) in one report, at two single years, in the same
  unit → the gold CAGR (exact, Decimal) or difference. The question names its report by the title the library
  lists it under (「据《…》，X2017年到2019年…的年均复合增长率是多少？」): computed "from the named report".

Scores: accuracy (an accepted value's number in the answer's first line, whose lead citation is from an annotated
report), number anywhere, right report cited, retrieval hit@1/hit@5/MRR of the annotated sentence, refusal
rates, computations right, the share of quotes holding page furniture, latency. Also reported apart: the fact questions
no other report answers with another figure (`stated_elsewhere`, a text check of the benchmark's own) — a question
the library answers in several ways can be answered right from another report.
"""
from __future__ import annotations

import hashlib
import json
import random
import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from pathlib import Path

PER_REPORT = 6  # fact questions per report: a few reports hold 300+ annotations
COMPUTATIONS_PER_REPORT = 2
OVERLAP = 12  # characters a chunk must share with the annotated sentence (cleaning may cut it at page furniture)
COPY_OVERLAP = 20  # characters another report's quote must share with the annotated sentence to be a copy of it
# Years no report of 2016–2021 is about: their forecasts reach 2030–2035, their histories 2005–2010.
FAR_YEARS = tuple(range(2036, 2050)) + tuple(range(1990, 2005))
ABSENT_COMPANIES = Path(__file__).with_name("reports_absent_companies.json")
THRESHOLDS = Path(__file__).with_name("thresholds.json")
DEFAULT_DATA = Path("../shared/eval-data/reports-dev")
NEGATIVE = ("absent_company", "absent_fact")
COMPUTED = ("cagr", "difference")


@dataclass(frozen=True)
class Doc:
    sector: str
    title: str
    file: str  # under docs/, e.g. "electronics/TITLE.txt"


@dataclass(frozen=True)
class Annotation:
    file: str
    sentence: str
    indicator: str
    value: str
    attrs: dict


@dataclass
class Question:
    kind: str  # fact | absent_company | absent_fact | cagr | difference
    question: str
    sector: str = ""  # of the report the question was built from ("" for absent companies)
    file: str = ""  # that report
    files: list[str] = field(default_factory=list)  # reports a right citation may come from
    values: list[str] = field(default_factory=list)  # accepted values (facts)
    sentences: list[tuple[str, str, str]] = field(default_factory=list)  # (file, sentence, value) annotated
    subject: str = ""
    time: str = ""
    indicator: str = ""
    stated_elsewhere: bool = False  # facts: another report's sentence names its subject, time and indicator with
    # another figure (a text check of the benchmark's own, see `stated_elsewhere`)
    gold: str = ""  # computations: exact result (CAGR in percent) as a decimal string
    unit: str = ""  # computations: "%" or the values' unit


def load(data: Path) -> tuple[list[Doc], list[Annotation]]:
    from bot.errors import BotError

    try:
        docs = [Doc(d["sector"], d["title"], d["file"])
                for d in json.loads((data / "docs.json").read_text(encoding="utf-8"))]
        anns = [Annotation(a["file"], a["sentence"], a["indicator"], a["value"], a.get("attrs") or {})
                for a in map(json.loads, (data / "annotations.jsonl").read_text(encoding="utf-8").splitlines())]
    except (OSError, ValueError, KeyError) as e:
        raise BotError(f"Cannot read the reports-dev data in {data} (docs.json, annotations.jsonl): {e}.") from None
    return docs, anns


def pick(docs: list[Doc], sample: int | None, seed: int) -> list[Doc]:
    """All reports, or `sample` of them drawn with random.Random(seed), each sector in proportion to its size
    (largest remainders get the odd places)."""
    docs = sorted(docs, key=lambda d: d.file)
    if not sample or sample >= len(docs):
        return docs
    by_sector: dict[str, list[Doc]] = defaultdict(list)
    for d in docs:
        by_sector[d.sector].append(d)
    share = {s: sample * len(v) / len(docs) for s, v in by_sector.items()}
    quota = {s: int(x) for s, x in share.items()}
    for s in sorted(share, key=lambda s: (quota[s] - share[s], s))[:sample - sum(quota.values())]:
        quota[s] += 1
    rng = random.Random(seed)
    return sorted((d for s in sorted(by_sector) for d in rng.sample(by_sector[s], quota[s])), key=lambda d: d.file)


@dataclass
class Corpus:
    """The sampled reports: their raw text, and the file name each has in the bench folder (its title, which
    the product shows when it finds no title in the text)."""

    data: Path
    docs: list[Doc]
    names: dict[str, str] = field(default_factory=dict)  # doc file → bench file name; identical texts share one
    _raw: dict[str, str] = field(default_factory=dict, repr=False)
    _grams: dict[str, set[str]] = field(default_factory=dict, repr=False)

    def raw(self, file: str) -> str:
        if file not in self._raw:
            self._raw[file] = (self.data / "docs" / file).read_text(encoding="utf-8", errors="replace")
        return self._raw[file]

    def sector(self, file: str) -> str:
        return next((d.sector for d in self.docs if d.file == file), "")

    def files_of(self, name: str) -> list[str]:
        return [f for f, n in self.names.items() if n == name]

    def furniture_grams(self, file: str) -> set[str]:
        if file not in self._grams:
            self._grams[file] = repeated_furniture(self.raw(file))
        return self._grams[file]


def write_corpus(docs: list[Doc], data: Path, folder: Path) -> Corpus:
    """Copy the sampled reports to `folder` as TITLE.txt (TITLE（SECTOR）.txt when two different texts share a
    title; a text found twice is written once). Unchanged files are left alone, so ingest skips them."""
    corpus = Corpus(data, docs)
    folder.mkdir(parents=True, exist_ok=True)
    by_hash: dict[str, str] = {}
    for d in docs:
        body = (data / "docs" / d.file).read_bytes()
        digest = hashlib.sha256(body).hexdigest()
        if digest in by_hash:
            corpus.names[d.file] = by_hash[digest]
            continue
        name = f"{d.title}.txt"
        if name in by_hash.values():
            name = f"{d.title}（{d.sector}）.txt"
        by_hash[digest] = corpus.names[d.file] = name
        dest = folder / name
        if not dest.exists() or dest.read_bytes() != body:
            dest.write_bytes(body)
    return corpus


def ingest_info(corpus: Corpus, summary, in_store: list, seconds: float) -> dict:
    """Ingest figures, and the sampled reports that did not end up in the store, with the reason."""
    stored = {r.source: r for r in in_store}
    failed = dict(summary.failed)
    lost, empty, duplicates = [], [], []
    for d in corpus.docs:
        name = corpus.names[d.file]
        if name not in stored:
            note = next((n for n in summary.notes if n.startswith(name + ":")), "")
            row = {"file": d.file, "name": name, "reason": failed.get(name) or note or "not in the store"}
            twin = re.search(r"same text as (.+), skipped\.$", note)
            if twin and twin.group(1) in stored:
                duplicates.append(row)  # its text is in the store, under the other file's name
            elif not corpus.raw(d.file).strip():
                empty.append(row)  # a source file with no text is not a report cleaning lost
            else:
                lost.append(row)
    names = set(corpus.names.values())
    return {"reports": len(corpus.docs), "in_store": len(names & set(stored)), "seconds": round(seconds, 1),
            "added": summary.added + summary.replaced, "unchanged": summary.unchanged,
            "chunks": sum(stored[n].chunks for n in names & set(stored)),
            "reports_per_min": round(60 * (summary.added + summary.replaced) / seconds, 1)
            if summary.added + summary.replaced and seconds else None,
            "lost_reports": len(lost), "lost": lost, "empty_sources": empty, "duplicates": duplicates,
            # kept, and linked to the earlier copy (answers count the two as one source)
            "near_copies": sorted(stored[n].source for n in names & set(stored) if stored[n].twin_of)}


def values_cut(lib, corpus: Corpus, anns: list[Annotation], stored: list) -> dict:
    """Annotated values that cleaning cut into: the value, with the six characters before it in its annotated
    sentence, is no longer in the report's cleaned text (line breaks, i.e. cuts, ignored)."""
    by_name = {r.source: r for r in stored}
    flat: dict[str, str] = {}
    checked, cut = 0, []
    for a in anns:
        r = by_name.get(corpus.names.get(a.file, ""))
        i = a.sentence.find(a.value)
        if r is None or i < 0:
            continue
        if r.source not in flat:
            flat[r.source] = lib.report_text(r).replace("\n", "")
        checked += 1
        if a.sentence[max(0, i - 6):i + len(a.value)] not in flat[r.source]:
            cut.append({"file": a.file, "value": a.value, "sentence": a.sentence[:120]})
    return {"checked": checked, "cut": len(cut), "examples": cut[:10]}


# --- questions ---------------------------------------------------------------------------------------------
def subject_of(attrs: dict) -> str:
    first = {k: (attrs.get(k) or [""])[0].strip() for k in ("公司", "产品", "区域", "行业")}
    if first["公司"]:
        return first["公司"]
    main = first["产品"] or first["行业"]
    return first["区域"] + main if main and not main.startswith(first["区域"]) else main or first["区域"]


_TITLE_COMPANY = re.compile(r"^(?:[^/]*/)?(?:C)?([^（(：:/]{2,12}?)\s*[（(]\d{6}")


def title_company(file: str) -> str:
    """The company a company report is about, from its title 「爱美客（300896）：…」: the annotators left the
    subject implicit in such reports, but a question must name it."""
    m = _TITLE_COMPANY.match(file)
    return m.group(1).strip() if m else ""


def time_of(attrs: dict) -> str:
    t = (attrs.get("时间") or [""])[0].strip()
    return t + "年" if re.fullmatch(r"(?:19|20)\d{2}", t) else t


def ask_text(subject: str, when: str, indicator: str) -> str:
    return f"{subject}{when}的{indicator}是多少？"


def facts(anns: list[Annotation], corpus: Corpus, ingested: set[str], seed: int) -> list[Question]:
    groups: dict[tuple[str, str, str], Question] = {}
    for a in anns:
        if a.file not in ingested or not re.search(r"\d", a.value):
            continue
        subject, when = subject_of(a.attrs) or title_company(a.file), time_of(a.attrs)
        if not subject:
            continue  # 「2020年的毛利率是多少？」 fits every report: not a question with one answer
        q = groups.get((subject, when, a.indicator))
        if q is None:
            q = groups[(subject, when, a.indicator)] = Question(
                "fact", ask_text(subject, when, a.indicator), corpus.sector(a.file), a.file,
                subject=subject, time=when, indicator=a.indicator)
        if a.value not in q.values:
            q.values.append(a.value)
        if a.file not in q.files:
            q.files.append(a.file)
        if (a.file, a.sentence, a.value) not in q.sentences:
            q.sentences.append((a.file, a.sentence, a.value))
    by_report: dict[str, list[Question]] = defaultdict(list)
    for q in groups.values():
        by_report[q.file].append(q)
    rng = random.Random(seed)
    out = []
    for f in sorted(by_report):
        qs = by_report[f]
        out += [qs[i] for i in sorted(rng.sample(range(len(qs)), min(PER_REPORT, len(qs))))]
    return out


_SENTENCE_END = re.compile(r"[。；;！？!?\n]")
# An annotated indicator is often a measure and how it changes (批签发量同比, 市场规模年复合增长率, 营业收入占比): a
# sentence states it with the measure's name and its own words for the change (「批签发量…同比增长24%」,
# 「市场规模…CAGR为15%」), never the joined label.
_CHANGE_WORDS = {"年复合增长率": r"复合|CAGR|年均", "复合增长率": r"复合|CAGR|年均", "同比": r"同比|增长|增速|下降|下滑|减少|增加",
                 "环比": r"环比", "占比": r"占比|占|份额|比重|比例"}
_COMPOUND = re.compile(rf"^(.+?)({'|'.join(sorted(_CHANGE_WORDS, key=len, reverse=True))})$")


def indicator_parts(indicator: str) -> tuple[str, str | None]:
    """(the measure's name, a pattern for its change words or None): 批签发量同比 → (批签发量, 同比|增长|…)."""
    m = _COMPOUND.match(indicator)
    return (m.group(1), _CHANGE_WORDS[m.group(2)]) if m else (indicator, None)


def stated_elsewhere(qs: list[Question], corpus: Corpus, ingested: set[str]) -> None:
    """Mark the fact questions that another ingested report also answers, by a check of the benchmark's own (not
    the product's matcher): one of its sentences holds the subject, the indicator and the time exactly as the
    question writes them (a compound indicator, 批签发量同比: the measure's name and a word for its change), and
    a number that is none of the accepted values. Such a question has more than one answer in the library; the
    annotators marked only one report's."""
    sentences: dict[str, list[str]] = {}
    for q in qs:
        q.stated_elsewhere = False
        measure, change = indicator_parts(q.indicator)
        for f in sorted(ingested - set(q.files)):
            raw = corpus.raw(f)
            if q.subject not in raw or measure not in raw:
                continue
            if f not in sentences:
                sentences[f] = [s for s in _SENTENCE_END.split(raw) if re.search(r"\d", s)]
            if any(q.subject in s and measure in s and (not q.time or q.time in s)
                   and (change is None or re.search(change, s))
                   and not any(has_value(s, v) for v in q.values) for s in sentences[f]):
                q.stated_elsewhere = True
                break


def absent_companies(names: list[str], fact_qs: list[Question], texts: list[str],
                     seed: int) -> tuple[list[Question], list[str]]:
    """Questions about the companies no text mentions, shaped like a (random) fact question; and the names found."""
    present = [n for n in names if any(n in t for t in texts)]
    rng = random.Random(seed + 1)
    shapes = [q for q in fact_qs if q.time] or fact_qs
    out = []
    for n in names:
        if n in present:
            continue
        shape = rng.choice(shapes) if shapes else Question("fact", "", time="2020年", indicator="营业收入")
        out.append(Question("absent_company", ask_text(n, shape.time, shape.indicator), subject=n, time=shape.time,
                            indicator=shape.indicator))
    return out, present


_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")


def absent_facts(fact_qs: list[Question], texts: list[str], seed: int) -> list[Question]:
    """One per report: a fact question with one year in its time, the year moved to a FAR_YEAR that no text
    mentioning the subject contains."""
    rng = random.Random(seed + 2)
    by_report: dict[str, list[Question]] = defaultdict(list)
    for q in fact_qs:
        if q.subject and len(_YEAR.findall(q.time)) == 1 and not re.search(r"[-~～至到]", q.time):
            by_report[q.file].append(q)
    out = []
    for f in sorted(by_report):
        q = rng.choice(by_report[f])
        about = [t for t in texts if q.subject in t]
        years = [y for y in FAR_YEARS if about and not any(str(y) in t for t in about)]
        if not years:
            continue
        when = _YEAR.sub(str(rng.choice(years)), q.time, count=1)
        out.append(Question("absent_fact", ask_text(q.subject, when, q.indicator), q.sector, q.file, [q.file],
                            subject=q.subject, time=when, indicator=q.indicator))
    return out


_PLAIN_VALUE = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*(\D+)")
_SINGLE_YEAR = re.compile(r"((?:19|20)\d{2})年?")
_RATIO = re.compile(r"同比|环比|占比|率|增速|增长|份额|比例|比重|倍|指数")  # a CAGR of a ratio means nothing
_VAGUE_UNIT = re.compile(r"[%％~～\-至]|pct|pp|百分点|倍|左右|以上|以下|以内|超|近|约|多|余|[a-zA-Z]{3,}")


def cagr_percent(v1: Decimal, v2: Decimal, years: int) -> Decimal:
    """(v2 / v1) ** (1 / years) − 1, in percent; `years` = y2 − y1 (2011 → 2015 is 4 years)."""
    with localcontext() as ctx:
        ctx.prec = 28
        return ((v2 / v1) ** (Decimal(1) / Decimal(years)) - 1) * 100


def computations(anns: list[Annotation], corpus: Corpus, ingested: set[str], seed: int,
                 titles: dict[str, str] | None = None) -> list[Question]:
    """`titles`: report file → the title the library shows for it; a question names its report by it."""
    series: dict[tuple[str, str, str], dict[int, set]] = defaultdict(lambda: defaultdict(set))
    for a in anns:
        subject, times = subject_of(a.attrs), a.attrs.get("时间") or []
        year = _SINGLE_YEAR.fullmatch(times[0].strip()) if len(times) == 1 else None
        value = _PLAIN_VALUE.fullmatch(a.value.strip())
        if (a.file not in ingested or not subject or not year or not value or _RATIO.search(a.indicator)
                or _VAGUE_UNIT.search(value.group(2))):
            continue
        series[(a.file, subject, a.indicator)][int(year.group(1))].add((Decimal(value.group(1).replace(",", "")),
                                                                        value.group(2).strip(), a.sentence))
    pairs: dict[str, list] = defaultdict(list)
    for (f, subject, indicator), by_year in series.items():
        one = {}
        for y, vs in by_year.items():
            if len({(v, u) for v, u, _ in vs}) == 1 and next(iter(vs))[0] > 0:  # one value a year, positive
                one[y] = next(iter(vs))
        ys = sorted(one)
        pairs[f] += [(subject, indicator, y1, one[y1], y2, one[y2])
                     for i, y1 in enumerate(ys) for y2 in ys[i + 1:] if one[y1][1] == one[y2][1]]
    rng = random.Random(seed + 3)
    out: list[Question] = []
    for f in sorted(pairs):
        chosen = rng.sample(pairs[f], min(COMPUTATIONS_PER_REPORT, len(pairs[f])))
        for subject, indicator, y1, (v1, unit, s1), y2, (v2, _, s2) in chosen:
            sentences = [(f, s1, f"{v1}{unit}"), (f, s2, f"{v2}{unit}")]
            source = f"据《{titles[f]}》，" if titles and titles.get(f) else ""
            if len(out) % 2 == 0:
                q = Question("cagr", f"{source}{subject}{y1}年到{y2}年{indicator}的年均复合增长率是多少？",
                             gold=str(cagr_percent(v1, v2, y2 - y1)), unit="%")
            else:
                q = Question("difference", f"{source}{subject}{y2}年{indicator}比{y1}年增加了多少？",
                             gold=str(v2 - v1), unit=unit)
            q.sector, q.file, q.files, q.sentences = corpus.sector(f), f, [f], sentences
            q.subject, q.indicator, q.values = subject, indicator, [f"{v1}{unit}", f"{v2}{unit}"]
            out.append(q)
    return out


def build(corpus: Corpus, anns: list[Annotation], ingested: set[str], texts: list[str], seed: int,
          limit: int | None = None, titles: dict[str, str] | None = None) -> tuple[list[Question], dict]:
    """Every kind of question for the reports in `ingested`; `texts` are the library's report texts and the raw
    files (for the absent checks). `limit`: at most that many of each kind."""
    mine = [a for a in anns if a.file in corpus.names]
    fact_qs = facts(mine, corpus, ingested, seed)
    stated_elsewhere(fact_qs, corpus, ingested)
    names = json.loads(ABSENT_COMPANIES.read_text(encoding="utf-8"))["companies"]
    company_qs, present = absent_companies(names, fact_qs, texts, seed)
    kinds = [fact_qs, company_qs, absent_facts(fact_qs, texts, seed), computations(mine, corpus, ingested, seed, titles)]
    questions = [q for qs in kinds for q in (qs[:limit] if limit else qs)]
    return questions, {"companies_found_in_reports": present, "annotations": len(mine)}


def plan(lib, corpus: Corpus, anns: list[Annotation], summary, seconds: float, seed: int,
         limit: int | None = None) -> tuple[list[Question], dict]:
    """After ingest: what was lost, and the questions about the reports that made it into the store."""
    stored = lib.sources()
    names = {r.source for r in stored}
    ingested = {f for f, n in corpus.names.items() if n in names}
    texts = [lib.report_text(r) for r in stored] + [corpus.raw(d.file) for d in corpus.docs]
    shown = {r.source: r.title for r in stored}
    titles = {f: shown[n] for f, n in corpus.names.items() if n in shown}
    questions, about = build(corpus, anns, ingested, texts, seed, limit, titles)
    info = ingest_info(corpus, summary, stored, seconds)
    info["values_cut"] = values_cut(lib, corpus, [a for a in anns if a.file in ingested], stored)
    return questions, {"ingest": info, **about}


# --- scoring -----------------------------------------------------------------------------------------------
# Citation markers [n], and the 《titles》 and dates (2020-08, 2020-08-05) an answer names its sources by, are not
# figures: "据国元证券《2020年07月血制品行业批签发跟踪》（2020-08）" must not match a value of 7%.
_NOT_FIGURES = re.compile(r"\[\d+\]|《[^》]*》|(?<!\d)\d{4}-\d{2}(?:-\d{2})?(?![\d年])")
_NUMBER = re.compile(r"(?<![\d.])(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?")


def numbers(text: str) -> list[Decimal]:
    """The numbers written in `text`, thousands separators dropped: 920.42亿元 → 920.42, 29.09% → 29.09."""
    return [Decimal(m.group().replace(",", "")) for m in _NUMBER.finditer(_NOT_FIGURES.sub(" ", text))]


def has_value(text: str, value: str) -> bool:
    """Every number of `value` (下降6% → 6; 10-15% → 10 and 15) is written in `text`, equal as a number."""
    want, got = numbers(value), set(numbers(text))
    return bool(want) and all(n in got for n in want)


def close_to(gold: Decimal, text: str, unit: str) -> bool:
    """A number in `text` written right before `unit` equals |gold| within 0.5% or the number's printed
    precision (12.3% matches 12.34…; 12% matches 11.5–12.5)."""
    clean = _NOT_FIGURES.sub(" ", text).replace("％", "%")
    for m in _NUMBER.finditer(clean):
        if unit and not clean[m.end():].lstrip().startswith(unit[:1]):
            continue
        places = len(m.group().partition(".")[2])
        tolerance = max(abs(gold) * Decimal("0.005"), Decimal(5) / 10 ** (places + 1))
        if abs(Decimal(m.group().replace(",", "")) - abs(gold)) <= tolerance:
            return True
    return False


def overlaps(text: str, sentence: str, n: int = OVERLAP) -> bool:
    if len(sentence) <= n:
        return sentence in text
    grams = {sentence[i:i + n] for i in range(len(sentence) - n + 1)}
    return any(text[i:i + n] in grams for i in range(len(text) - n + 1))


def sentence_rank(hits, q: Question, corpus: Corpus) -> int | None:
    """1-based rank of the first chunk from an annotated report holding the annotated value and sharing
    OVERLAP characters with its sentence."""
    for rank, h in enumerate(hits, 1):
        files = corpus.files_of(h.report.source)
        if any(f in files and has_value(h.chunk.text, v) and overlaps(h.chunk.text, s) for f, s, v in q.sentences):
            return rank
    return None


# Page furniture, decided here (not by the product's cleaner): running headers and footers, disclaimers, rating
# definitions, table-of-contents leaders, page numbers. Two rules:
# 1. a pattern below;
# 2. a 12-character string that the raw report repeats ≥ 3 times and that holds a header cue (REPEAT_CUES):
#    headers are repeated on every page ("…|医疗美容O2O市场分析|…", "东吴证券研究所请务必阅读…").
FURNITURE = re.compile(r"请务必阅读|请仔细阅读|谨请参阅|免责(?:声明|条款|申明)|评级(?:标准|说明)|分析师(?:声明|承诺)|执业证书|"
                       r"证券研究报告|table_|\.{6,}|…{3,}|\d+\s*/\s*\d+\s*$", re.IGNORECASE)
REPEAT_CUES = ("请务必", "阅读", "参阅", "声明", "评级", "研究报告", "|", "table", "@", "邮箱", "电话", "页")


def repeated_furniture(raw: str, n: int = OVERLAP) -> set[str]:
    counts = Counter(raw[i:i + n] for i in range(len(raw) - n + 1))
    return {g for g, c in counts.items() if c >= 3 and any(cue in g.lower() for cue in REPEAT_CUES)}


def furniture(quote: str, grams: set[str], n: int = OVERLAP) -> str:
    """Which rule finds page furniture in `quote` ("pattern", "repeated"), or ""."""
    if FURNITURE.search(quote):
        return "pattern"
    if any(quote[i:i + n] in grams for i in range(len(quote) - n + 1)):
        return "repeated"
    return ""


def score(q: Question, ans, hits, corpus: Corpus, ms: float) -> dict:
    first = ans.answer.splitlines()[0] if ans.answer else ""
    cited = sorted({f for c in ans.citations for f in corpus.files_of(c.source)})
    rules = []
    for c in ans.citations:
        files = corpus.files_of(c.source)
        rules.append(furniture(c.quote, corpus.furniture_grams(files[0]) if files else set()))
    row = {"kind": q.kind, "question": q.question, "sector": q.sector, "file": q.file,
           "expected": q.values if q.kind == "fact" else [f"{Decimal(q.gold):.4g}{q.unit}"] if q.gold else [],
           "first_line": first, "refused": ans.refused, "cited": cited, "quotes": len(rules),
           "furniture_quotes": [r for r in rules if r], "latency_ms": round(ms, 1)}
    right = bool(set(cited) & set(q.files))
    # the first line's own source: the lead citation [1] (a fact answer also quotes other reports that state the
    # fact, 「另见…」; citing the annotated report there does not make another report's lead right)
    lead_right = bool(ans.citations) and bool(set(corpus.files_of(ans.citations[0].source)) & set(q.files))
    if q.kind == "fact":
        row["rank"] = sentence_rank(hits, q, corpus)
        row["has_subject"] = bool(q.subject)  # a question with a time alone may fit several reports
        row["stated_elsewhere"] = q.stated_elsewhere
        row.update(number_first_line=any(has_value(first, v) for v in q.values),
                   number_anywhere=any(has_value(ans.answer, v) for v in q.values), right_report=right,
                   lead_report=lead_right)
        row["correct"] = row["number_first_line"] and lead_right and not ans.refused
        row["correct_any_citation"] = row["number_first_line"] and right and not ans.refused  # before 2026-12-05
        # the lead states a figure for the subject, year and indicator asked (the answer's own fact match): when such
        # an answer is wrong, another report (or sentence) gives the fact too — the library has several answers
        fact = ((ans.extra or {}).get("signals") or {}).get("fact") or {}
        row["lead_states_fact"] = bool(fact.get("complete")) and not ans.refused
        # reports copy each other's sentences (the same IDC figure, word for word): a lead quote of another report
        # that is the annotated sentence (COPY_OVERLAP characters of it) and holds its value answers it just as well
        lead = ans.citations[0].quote if ans.citations else ""
        row["copied_sentence"] = not lead_right and any(has_value(lead, v) and overlaps(lead, s, COPY_OVERLAP)
                                                        for _, s, v in q.sentences)
        row["correct_or_copy"] = row["number_first_line"] and (lead_right or row["copied_sentence"]) and not ans.refused
    elif q.kind in NEGATIVE:
        row["correct"] = ans.refused
    else:
        row["correct"] = close_to(Decimal(q.gold), ans.answer, q.unit) and right and not ans.refused
    return row


def run(engine, corpus: Corpus, questions: list[Question], progress=None) -> dict:
    """Every question through `engine.ask` (offline); fact questions also through `engine.passages` (the
    ranking the answer is drawn from, first 10)."""
    rows = []
    for n, q in enumerate(questions, 1):
        t = time.perf_counter()
        ans = engine.ask(q.question, mode="extractive")
        ms = (time.perf_counter() - t) * 1000
        hits = engine.passages(q.question)[:10] if q.kind == "fact" else []
        rows.append(score(q, ans, hits, corpus, ms))
        if progress:
            progress(n, len(questions))
    sectors = sorted({r["sector"] for r in rows if r["sector"]})
    return {"overall": metrics(rows), "by_sector": {s: metrics([r for r in rows if r["sector"] == s]) for s in sectors},
            "results": rows}


def _rate(xs) -> float | None:
    xs = list(xs)
    return round(sum(map(bool, xs)) / len(xs), 4) if xs else None


def percentile(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return round(xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))], 1) if xs else 0.0


def metrics(rows: list[dict]) -> dict:
    kind = defaultdict(list)
    for r in rows:
        kind[r["kind"]].append(r)
    fact, comp = kind["fact"], kind["cagr"] + kind["difference"]
    ranks = [r["rank"] for r in fact]
    quotes = sum(r["quotes"] for r in rows)
    latency = [r["latency_ms"] for r in rows]
    return {
        "questions": {k: len(kind[k]) for k in ("fact", *NEGATIVE, *COMPUTED)},
        "accuracy": _rate(r["correct"] for r in fact),
        "accuracy_with_subject": _rate(r["correct"] for r in fact if r.get("has_subject")),
        # the same, a copy of the annotated sentence in another report counting as its report (not the gate's)
        "accuracy_or_copy": _rate(r.get("correct_or_copy", r["correct"]) for r in fact),
        # the definition until 2026-12-05: any citation (not only the lead's) from an annotated report
        "accuracy_any_citation": _rate(r.get("correct_any_citation", r["correct"]) for r in fact),
        # the annotated value in the first line whichever report leads (20 reports on one company give its revenue
        # alike): what a user asking the library, not one report, sees right — not the gate's measure
        "value_in_first_line": _rate(r["number_first_line"] and not r["refused"] for r in fact),
        # of the wrong answers (not refused), those whose lead states the whole fact — from another report, or another
        # sentence of the annotated one: the question has more than one answer in the library
        "wrong_leads_stating_the_fact": {
            "wrong": sum(1 for r in fact if not r["correct"] and not r["refused"]),
            "other_report": sum(1 for r in fact if not r["correct"] and r.get("lead_states_fact") and not r.get("lead_report")),
            "annotated_report": sum(1 for r in fact if not r["correct"] and r.get("lead_states_fact") and r.get("lead_report")),
            "of_which_no_year_asked": sum(1 for r in fact if not r["correct"] and r.get("lead_states_fact")
                                          and not re.search(r"(?:19|20)\d{2}|\d{2}[年EQH]|[1-4]Q\d{2}", r["question"]))},
        # questions no other report answers with another figure (the benchmark's own text check): how well the
        # product answers a question that has one answer in the library
        "single_answer_questions": sum(1 for r in fact if r.get("stated_elsewhere") is False),
        "accuracy_single_answer": _rate(r["correct"] for r in fact if r.get("stated_elsewhere") is False),
        "hit@1_single_answer": _rate(r["rank"] == 1 for r in fact if r.get("stated_elsewhere") is False),
        "number_anywhere": _rate(r["number_anywhere"] for r in fact),
        "right_report": _rate(r["right_report"] for r in fact),
        "hit@1": _rate(x is not None and x <= 1 for x in ranks),
        "hit@5": _rate(x is not None and x <= 5 for x in ranks),
        "mrr": round(sum(1 / x for x in ranks if x) / len(ranks), 4) if ranks else None,
        "false_refusals": _rate(r["refused"] for r in fact),
        "absent_company_refusals": _rate(r["refused"] for r in kind["absent_company"]),
        "absent_fact_refusals": _rate(r["refused"] for r in kind["absent_fact"]),
        "computations_right": _rate(r["correct"] for r in comp),
        "furniture_quotes": round(sum(len(r["furniture_quotes"]) for r in rows) / quotes, 4) if quotes else None,
        "latency_ms": {"p50": percentile(latency, 50), "p95": percentile(latency, 95)},
    }


# --- gate and output ---------------------------------------------------------------------------------------
def check_gate(result: dict, sample: int | None, seed: int, path: Path = THRESHOLDS) -> list[str] | None:
    """Metrics outside the `reports` gate, as messages; None when no gate applies (another sample or seed)."""
    gate = json.loads(Path(path).read_text(encoding="utf-8")).get("reports")
    if not gate or gate.get("sample") != sample or gate.get("seed") != seed:
        return None
    values = {**result["overall"], "lost_reports": result["ingest"]["lost_reports"]}
    failed = [f"{k} {values[k]} < {low}" for k, low in gate.get("min", {}).items()
              if values.get(k) is not None and values[k] < low]
    failed += [f"{k} {values[k]} > {high}" for k, high in gate.get("max", {}).items()
               if values.get(k) is not None and values[k] > high]
    return failed


COLUMNS = ("accuracy", "number_anywhere", "right_report", "hit@1", "hit@5", "mrr", "false_refusals",
           "absent_fact_refusals", "computations_right", "furniture_quotes")
SHORT = ("acc", "num_any", "right_rep", "hit@1", "hit@5", "MRR", "false_ref", "abs_fact_ref", "comp", "furniture")


def _cell(v) -> str:
    return "—" if v is None else f"{v:.3f}"


def table(result: dict) -> list[str]:
    """The summary printed by `bot eval --benchmark reports`."""
    rows = [("overall", result["overall"])] + list(result["by_sector"].items())
    lines = [f"{'':18} {'facts':>5} " + " ".join(f"{h:>12}" for h in SHORT)]
    for name, m in rows:
        lines.append(f"{name:18} {m['questions']['fact']:5} " + " ".join(f"{_cell(m[c]):>12}" for c in COLUMNS))
    o, ing = result["overall"], result["ingest"]
    lines += [f"questions {o['questions']}",
              f"accuracy with a subject {_cell(o.get('accuracy_with_subject'))}  "
              f"or a copy of the sentence in another report {_cell(o.get('accuracy_or_copy'))}  "
              f"any citation {_cell(o.get('accuracy_any_citation'))}  "
              f"the value in the first line, any report {_cell(o.get('value_in_first_line'))}  "
              f"absent companies refused {_cell(o['absent_company_refusals'])}  latency p50/p95 "
              f"{o['latency_ms']['p50']} / {o['latency_ms']['p95']} ms",
              f"ingest {ing['reports']} reports in {ing['seconds']} s ({ing['added']} added, {ing['unchanged']} unchanged; "
              f"{ing['reports_per_min'] or '—'} reports/min), {ing['chunks']} chunks, lost {ing['lost_reports']}"]
    if o.get("single_answer_questions") is not None:
        lines.append(f"questions no other report answers with another figure: {o['single_answer_questions']}, "
                     f"accuracy {_cell(o.get('accuracy_single_answer'))}, hit@1 {_cell(o.get('hit@1_single_answer'))}")
    w = o.get("wrong_leads_stating_the_fact")
    if w:
        lines.append(f"wrong answers {w['wrong']}: the lead states the whole fact from another report {w['other_report']}, "
                     f"from the annotated report {w['annotated_report']} (no year asked: {w['of_which_no_year_asked']})")
    lines += [f"  lost {x['file']}: {x['reason']}" for x in ing["lost"]]
    lines += [f"  empty source file {x['file']}: {x['reason']}" for x in ing.get("empty_sources", [])]
    lines += [f"  duplicate (text already in the store) {x['file']}: {x['reason']}" for x in ing.get("duplicates", [])]
    if ing.get("near_copies"):
        lines.append(f"  near-copies of another report, kept and linked to it: {len(ing['near_copies'])}")
    if ing.get("values_cut"):
        lines.append(f"  annotated values cut by cleaning: {ing['values_cut']['cut']} of {ing['values_cut']['checked']}")
    return lines


def _single(o: dict) -> str:
    if o.get("single_answer_questions") is None:
        return ""
    return (f"Fact questions no other report answers with another figure (the benchmark's text check: no other report's "
            f"sentence holds the subject, time and indicator as asked with a number none of the accepted values): "
            f"{o['single_answer_questions']}, accuracy {_cell(o.get('accuracy_single_answer'))}, hit@1 "
            f"{_cell(o.get('hit@1_single_answer'))}. ")


def _wrong_leads(w: dict | None) -> str:
    if not w:
        return ""
    return (f"Wrong answers (not refused): {w['wrong']}; the lead states a figure for the subject, year and indicator "
            f"asked in {w['other_report']} of them (another report) and {w['annotated_report']} (another sentence of the "
            f"annotated report); {w['of_which_no_year_asked']} of those answer questions naming no year. ")


def markdown(result: dict, failures: int = 40) -> str:
    ing, o = result["ingest"], result["overall"]
    lines = [f"# reports-dev: sample {result['sample'] or 'all'}, seed {result['seed']} (offline, extractive)", "",
             f"Ingest: {ing['reports']} reports, {ing['in_store']} in the store, {ing['chunks']} chunks, "
             f"{ing['seconds']} s ({ing['added']} added, {ing['unchanged']} unchanged; "
             f"{ing['reports_per_min'] or '—'} reports/min). Lost at ingest: {ing['lost_reports']}.", ""]
    lines += [f"- {x['file']}: {x['reason']}" for x in ing["lost"]]
    lines += [f"- empty source file (not a lost report) {x['file']}: {x['reason']}" for x in ing.get("empty_sources", [])]
    lines += [f"- duplicate, its text is in the store under another name: {x['file']}" for x in ing.get("duplicates", [])]
    if ing.get("near_copies"):
        lines += [f"- near-copies of another report, kept and linked to it: {len(ing['near_copies'])}"]
    if ing.get("values_cut"):
        lines += ["", f"Annotated values cut by cleaning: {ing['values_cut']['cut']} of {ing['values_cut']['checked']}."]
    lines += ["", "| | facts | " + " | ".join(COLUMNS) + " |", "|---" * (len(COLUMNS) + 2) + "|"]
    for name, m in [("**overall**", o)] + list(result["by_sector"].items()):
        lines.append(f"| {name} | {m['questions']['fact']} | " + " | ".join(_cell(m[c]) for c in COLUMNS) + " |")
    lines += ["", f"Questions: {o['questions']}. Accuracy on fact questions naming a subject: "
              f"{_cell(o.get('accuracy_with_subject'))}. Accuracy when a copy of the annotated sentence in another "
              f"report (its value, {COPY_OVERLAP}+ characters of it) counts as that report: "
              f"{_cell(o.get('accuracy_or_copy'))}. With the annotated report cited anywhere in the answer (the definition "
              f"before 2026-12-05): {_cell(o.get('accuracy_any_citation'))}. The annotated value in the first line, "
              f"whichever report leads: {_cell(o.get('value_in_first_line'))}. "
              f"Absent companies refused: {_cell(o['absent_company_refusals'])}. "
              f"{_single(o)}{_wrong_leads(o.get('wrong_leads_stating_the_fact'))}"
              f"Latency p50 / p95: {o['latency_ms']['p50']} / {o['latency_ms']['p95']} ms.", ""]
    wrong = [r for r in result["results"] if not r["correct"]]
    lines += [f"## Failures ({len(wrong)}; {min(failures, len(wrong))} of them, taken in turn from each kind and sector)", ""]
    for r in _spread(wrong, failures):
        lines.append(f"- **{r['kind']}** {r['question']} — expected {' / '.join(r['expected']) or 'a refusal'} "
                     f"from {r['file'] or '—'}; cited {', '.join(r['cited']) or 'nothing'}; first line: "
                     f"{r['first_line'][:160]}")
    return "\n".join(lines) + "\n"


def _spread(rows: list[dict], n: int) -> list[dict]:
    """Up to n rows, one from each (kind, sector) group in turn, so one big group does not fill the list."""
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for r in rows:
        groups[(r["kind"], r["sector"])].append(r)
    out: list[dict] = []
    while len(out) < min(n, len(rows)):
        for g in groups.values():
            if g and len(out) < n:
                out.append(g.pop(0))
    return out


def chart(result: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    groups = [("overall", result["overall"], result["results"])] + [
        (s, m, [r for r in result["results"] if r["sector"] == s]) for s, m in result["by_sector"].items()]
    series = [("accuracy", lambda m, rs: m["accuracy"]), ("number anywhere", lambda m, rs: m["number_anywhere"]),
              ("hit@1", lambda m, rs: m["hit@1"]),
              ("negatives refused", lambda m, rs: _rate(r["refused"] for r in rs if r["kind"] in NEGATIVE))]
    fig, ax = plt.subplots(figsize=(10, 3.8))
    width = 0.8 / len(series)
    for i, (label, get) in enumerate(series):
        ax.bar([g + i * width for g in range(len(groups))], [get(m, rs) or 0 for _, m, rs in groups], width, label=label)
    ax.set_xticks([g + 0.4 - width / 2 for g in range(len(groups))], [name for name, _, _ in groups])
    ax.set_ylim(0, 1)
    ax.set_title(f"reports-dev, sample {result['sample'] or 'all'} seed {result['seed']} (offline)")
    ax.legend(fontsize=8, ncol=4, loc="upper center", bbox_to_anchor=(0.5, -0.1))
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
